//! One folder per input format; each reader turns bytes into a [`crate::model::Document`] and nothing else.

pub mod dxf;
pub mod stl;
