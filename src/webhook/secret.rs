//! The webhook signing secret: `whsec_` + base64 of 32 random bytes (Standard Webhooks allows 24–64 bytes,
//! which is what [`WebhookSecret::parse`] accepts). Shown once at key creation; kept zeroised in memory.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

const PREFIX: &str = "whsec_";
const GENERATED_LEN: usize = 32;
const MIN_LEN: usize = 24;
const MAX_LEN: usize = 64;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SecretError {
    #[error("a webhook secret starts with `whsec_`")]
    Prefix,
    #[error("a webhook secret is `whsec_` followed by base64")]
    Base64,
    #[error("a webhook secret holds 24 to 64 bytes, this one {0}")]
    Length(usize),
    #[error("the operating system's random source failed: {0}")]
    Random(String),
}

/// The secret's raw bytes (what the Standard Webhooks HMAC is keyed with) and its `whsec_` text form
/// (what the `X-CADLens-Signature` HMAC is keyed with, as a hosted receiver holding the string would do).
pub struct WebhookSecret {
    bytes: Zeroizing<Vec<u8>>,
    text: Zeroizing<String>,
}

impl WebhookSecret {
    pub fn generate() -> Result<WebhookSecret, SecretError> {
        let mut bytes = Zeroizing::new(vec![0u8; GENERATED_LEN]);
        getrandom::fill(&mut bytes).map_err(|e| SecretError::Random(e.to_string()))?;
        Ok(Self::from_bytes(bytes))
    }

    pub fn parse(text: &str) -> Result<WebhookSecret, SecretError> {
        let encoded = text.strip_prefix(PREFIX).ok_or(SecretError::Prefix)?;
        let bytes = Zeroizing::new(STANDARD.decode(encoded).map_err(|_| SecretError::Base64)?);
        if !(MIN_LEN..=MAX_LEN).contains(&bytes.len()) {
            return Err(SecretError::Length(bytes.len()));
        }
        Ok(Self::from_bytes(bytes))
    }

    /// A secret from its raw bytes (as the store keeps it sealed), with the same length rule as `parse`.
    pub fn from_raw(raw: &[u8]) -> Result<WebhookSecret, SecretError> {
        if !(MIN_LEN..=MAX_LEN).contains(&raw.len()) {
            return Err(SecretError::Length(raw.len()));
        }
        Ok(Self::from_bytes(Zeroizing::new(raw.to_vec())))
    }

    fn from_bytes(bytes: Zeroizing<Vec<u8>>) -> WebhookSecret {
        let text = Zeroizing::new(format!("{PREFIX}{}", STANDARD.encode(bytes.as_slice())));
        WebhookSecret { bytes, text }
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The `whsec_…` form, for the one time it is shown and for encrypted storage. Never log it.
    pub fn expose_text(&self) -> &str {
        &self.text
    }
}

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSecret(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_secret_round_trips_through_its_text() {
        let s = WebhookSecret::generate().expect("random source");
        assert!(s.expose_text().starts_with("whsec_"));
        assert_eq!(s.expose_text().len(), 6 + 44, "32 bytes are 44 base64 characters");
        let back = WebhookSecret::parse(s.expose_text()).expect("parses");
        assert_eq!(back.bytes(), s.bytes());
        let raw = WebhookSecret::from_raw(s.bytes()).expect("32 bytes");
        assert_eq!(raw.expose_text(), s.expose_text());
        assert_eq!(WebhookSecret::from_raw(&[0; 16]).unwrap_err(), SecretError::Length(16));
    }

    #[test]
    fn two_generated_secrets_differ() {
        let a = WebhookSecret::generate().expect("random source");
        let b = WebhookSecret::generate().expect("random source");
        assert_ne!(a.bytes(), b.bytes());
    }

    #[test]
    fn malformed_secrets_are_refused_with_the_reason() {
        assert_eq!(WebhookSecret::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap_err(), SecretError::Prefix);
        assert_eq!(WebhookSecret::parse("whsec_not base64!").unwrap_err(), SecretError::Base64);
        // 16 bytes: below the Standard Webhooks minimum of 24.
        assert_eq!(WebhookSecret::parse("whsec_AAAAAAAAAAAAAAAAAAAAAA==").unwrap_err(), SecretError::Length(16));
    }

    #[test]
    fn debug_output_never_shows_the_secret() {
        let s = WebhookSecret::generate().expect("random source");
        let shown = format!("{s:?}");
        assert_eq!(shown, "WebhookSecret(<redacted>)");
    }
}
