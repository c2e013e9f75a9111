//! The typed refusals of the DXF reader. Every variant names where in the file it happened (`line N` for
//! ASCII, `byte offset N` for binary) and what the reader expected there. Block cycles are no error: the
//! reader warns and `model::flatten` cuts the cycle (see `blocks`).

/// Shared with the other readers.
pub use crate::formats::Pos;

#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum DxfError {
    /// The input does not start like DXF (its first tag is not `0 SECTION` or a 999 comment).
    #[error("not a DXF file at {pos}: expected {expected}, found {found:?}")]
    NotDxf { pos: Pos, expected: &'static str, found: String },
    /// A group code line that is not an integer.
    #[error("invalid group code at {pos}: expected an integer group code, found {found:?}")]
    BadGroupCode { pos: Pos, found: String },
    /// The file ended between a group code and its value (or inside a binary value).
    #[error("truncated DXF at {pos}: expected the value of group code {code}, found the end of the file")]
    IncompleteTag { pos: Pos, code: i32 },
    /// The file ended before `0 EOF` (or before the structure it was in was closed).
    #[error("truncated DXF at {pos}: expected {expected}, found the end of the file")]
    UnexpectedEof { pos: Pos, expected: &'static str },
    /// The input is larger than the reader takes ([`super::tokenizer::MAX_INPUT`]); `pos` is where the
    /// limit falls.
    #[error("DXF too large: {size} bytes, the reader takes at most {limit} (the limit is at {pos})")]
    TooLarge { pos: Pos, size: u64, limit: u64 },
}

impl DxfError {
    /// Where the error happened.
    pub fn pos(&self) -> Pos {
        match self {
            DxfError::NotDxf { pos, .. }
            | DxfError::BadGroupCode { pos, .. }
            | DxfError::IncompleteTag { pos, .. }
            | DxfError::UnexpectedEof { pos, .. }
            | DxfError::TooLarge { pos, .. } => *pos,
        }
    }
}

/// A short, printable excerpt of raw bytes for error messages (never the whole value).
pub(crate) fn excerpt(bytes: &[u8]) -> String {
    let cut = &bytes[..bytes.len().min(40)];
    String::from_utf8_lossy(cut).into_owned()
}
