//! cadlens: read CAD files into one document model and serialise it.
//!
//! See `ARCHITECTURE.md` for the map of modules and the data flow.

pub mod cli;
pub mod client;
pub mod font;
pub mod formats;
pub mod model;
pub mod read;
pub mod render;
pub mod result;
pub mod server;
pub mod sniff;
pub mod store;
pub mod tessellate;
pub mod webhook;
pub mod worker;
