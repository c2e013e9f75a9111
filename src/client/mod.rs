//! The client side of the API (cli.md "Client side", issue 10): finding the API key, keeping it in the OS
//! keyring, and talking to a cadlens server or the hosted API. Only the CLI uses this; the server never does.

pub mod api;
pub mod credentials;
mod multipart;

pub use api::{Client, Job, RemoteError};
pub use credentials::{CredentialError, KeySource, find_key, normalise_server};

/// The hosted API, the default when no server is given or remembered.
pub const HOSTED_SERVER: &str = "https://api.cadlens.co";
