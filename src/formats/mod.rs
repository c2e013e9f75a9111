//! One folder per input format; each reader turns bytes into a [`crate::model::Document`] and nothing else.

pub mod dxf;
pub mod step;
pub mod stl;

use std::fmt;

/// Where in an input a reader refused it, in the terms a user can open the file at: text formats count lines
/// (1-based), binary formats count bytes (0-based). Every reader's error names one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pos {
    Line(u64),
    Offset(u64),
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pos::Line(n) => write!(f, "line {n}"),
            Pos::Offset(n) => write!(f, "byte offset {n}"),
        }
    }
}
