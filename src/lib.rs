//! cadlens: read CAD files into one document model and serialise it.
//!
//! See `ARCHITECTURE.md` for the map of modules and the data flow.

pub mod cli;
pub mod formats;
pub mod model;
pub mod read;
pub mod render;
pub mod result;
pub mod sniff;
pub mod store;
pub mod tessellate;
