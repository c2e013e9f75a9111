//! The typed refusals of the STEP reader. Every variant that comes from the text names where (line and byte
//! offset) and what the reader expected there, so a user can open the file at that spot.

use std::fmt;

/// A place in the file: 1-based line and 0-based byte offset (both, because STEP files are often one line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct At {
    pub line: u64,
    pub offset: u64,
}

impl At {
    /// The line of `offset`, counted only when an error is built (never on the fast path).
    pub fn of(bytes: &[u8], offset: usize) -> At {
        let end = offset.min(bytes.len());
        let line = 1 + bytes[..end].iter().filter(|&&b| b == b'\n').count() as u64;
        At { line, offset: offset as u64 }
    }
}

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {} (byte offset {})", self.line, self.offset)
    }
}

#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum StepError {
    /// A token that does not fit the Part 21 grammar here.
    #[error("invalid STEP at {at}: expected {expected}, found {found:?}")]
    Syntax { at: At, expected: &'static str, found: String },
    /// The file ended inside a comment, string, instance or section.
    #[error("truncated STEP at {at}: expected {expected}, found the end of the file")]
    Truncated { at: At, expected: &'static str },
    /// A number or instance id that does not fit 64 bits.
    #[error("invalid number at {at}: expected {expected}, found {found:?}")]
    BadNumber { at: At, expected: &'static str, found: String },
    /// The same `#n` defined twice.
    #[error("duplicate instance #{id} at {at}: expected each instance id once")]
    Duplicate { at: At, id: u64 },
    /// A work budget exceeded (entity count, list length, nesting depth, reference depth).
    #[error("STEP budget exceeded at {at}: {what} over {limit}")]
    Budget { at: At, what: &'static str, limit: u64 },
    /// Instances that reference themselves through a chain of references.
    #[error("reference cycle in STEP at {at}: #{id} reaches itself through {path}")]
    Cycle { at: At, id: u64, path: String },
    /// A reference to an instance the file does not define, where the reader needs it.
    #[error("dangling reference in STEP at {at}: #{from} refers to #{to}, which the file does not define")]
    Dangling { at: At, from: u64, to: u64 },
    /// The file has no DATA section with instances.
    #[error("STEP file without a DATA section at {at}: expected DATA;")]
    NoData { at: At },
}

impl StepError {
    /// Where the error happened.
    pub fn at(&self) -> At {
        match self {
            StepError::Syntax { at, .. }
            | StepError::Truncated { at, .. }
            | StepError::BadNumber { at, .. }
            | StepError::Duplicate { at, .. }
            | StepError::Budget { at, .. }
            | StepError::Cycle { at, .. }
            | StepError::Dangling { at, .. }
            | StepError::NoData { at } => *at,
        }
    }
}

/// A short, printable excerpt of raw bytes for error messages (never the whole value).
pub(crate) fn excerpt(bytes: &[u8]) -> String {
    let cut = &bytes[..bytes.len().min(40)];
    String::from_utf8_lossy(cut).into_owned()
}
