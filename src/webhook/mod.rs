//! Outgoing webhooks, the parts that need no server: the per-key signing secret, the signatures a delivery
//! carries (api.md §6, security.md S-WH-1) and the check of a target URL and its addresses (S-WH-3).
//!
//! Delivery itself (queue, retries, HTTP) belongs to the server; it calls [`signature::sign`] on the exact
//! bytes it sends and [`target::resolve`] right before connecting, so the address checked is the address used.

pub mod secret;
pub mod signature;
pub mod target;

pub use secret::{SecretError, WebhookSecret};
pub use signature::{SignatureError, SignedHeaders, sign, verify};
pub use target::{TargetError, WebhookTarget, is_forbidden_address};
