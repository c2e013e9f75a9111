//! The typed refusals of the STL reader. Every variant names where it happened (`line N` for ASCII, `byte
//! offset N` for binary) and what the reader expected there, so a user can open the file at that spot.

/// Shared with the other readers.
pub use crate::formats::Pos;

#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum StlError {
    /// Neither a binary STL (84-byte preamble) nor ASCII starting with `solid`.
    #[error("not an STL file at {pos}: expected {expected}, found {found:?}")]
    NotStl { pos: Pos, expected: &'static str, found: String },
    /// A binary file without one complete facet although its count promises some.
    #[error("truncated binary STL at {pos}: expected {expected}, found the end of the file")]
    Truncated { pos: Pos, expected: String },
    /// An ASCII keyword out of place.
    #[error("invalid ASCII STL at {pos}: expected {expected}, found {found:?}")]
    Unexpected { pos: Pos, expected: &'static str, found: String },
    /// An ASCII coordinate that is not a number.
    #[error("invalid number at {pos}: expected {expected}, found {found:?}")]
    BadNumber { pos: Pos, expected: &'static str, found: String },
    /// The ASCII file ended inside a facet.
    #[error("truncated ASCII STL at {pos}: expected {expected}, found the end of the file")]
    UnexpectedEof { pos: Pos, expected: &'static str },
}

impl StlError {
    /// Where the error happened.
    pub fn pos(&self) -> Pos {
        match self {
            StlError::NotStl { pos, .. }
            | StlError::Truncated { pos, .. }
            | StlError::Unexpected { pos, .. }
            | StlError::BadNumber { pos, .. }
            | StlError::UnexpectedEof { pos, .. } => *pos,
        }
    }
}

/// A short, printable excerpt of raw bytes for error messages (never the whole value).
pub(crate) fn excerpt(bytes: &[u8]) -> String {
    let cut = &bytes[..bytes.len().min(40)];
    String::from_utf8_lossy(cut).into_owned()
}
