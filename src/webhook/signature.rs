//! The signatures on a webhook delivery, computed over the exact bytes sent:
//! - `X-CADLens-Signature: sha256=<hex HMAC-SHA256(whsec_ text, body)>` — the hosted header;
//! - Standard Webhooks v1: `webhook-id`, `webhook-timestamp`, and
//!   `webhook-signature: v1,<base64 HMAC-SHA256(secret bytes, "{id}.{timestamp}.{body}")>`.
//!
//! [`verify`] is the receiving side of the Standard Webhooks scheme (used by `cadlens` as a client and by
//! tests); it compares in constant time and refuses timestamps outside the tolerance, so a captured
//! delivery cannot be replayed later.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use super::WebhookSecret;

type HmacSha256 = Hmac<Sha256>;

/// Receivers should refuse deliveries whose timestamp is further than this from their clock (api.md §6).
pub const DEFAULT_TOLERANCE_SECONDS: i64 = 300;

/// The header values of one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    /// `X-CADLens-Signature`.
    pub cadlens_signature: String,
    /// `webhook-id` (stable across retries of one event: the receiver's idempotency key).
    pub webhook_id: String,
    /// `webhook-timestamp`, Unix seconds of this attempt.
    pub webhook_timestamp: String,
    /// `webhook-signature`.
    pub webhook_signature: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SignatureError {
    #[error("webhook-timestamp is not a whole number of seconds")]
    Timestamp,
    #[error("webhook-timestamp is {0} s away from now, more than the tolerance")]
    OutsideTolerance(i64),
    #[error("no v1 signature in webhook-signature matches the body")]
    NoMatch,
}

pub fn sign(secret: &WebhookSecret, webhook_id: &str, timestamp: i64, body: &[u8]) -> SignedHeaders {
    let hosted = mac(secret.expose_text().as_bytes(), &[body]);
    let standard = standard_mac(secret, webhook_id, timestamp, body);
    SignedHeaders {
        cadlens_signature: format!("sha256={}", hex(&hosted)),
        webhook_id: webhook_id.to_owned(),
        webhook_timestamp: timestamp.to_string(),
        webhook_signature: format!("v1,{}", STANDARD.encode(standard)),
    }
}

/// Checks a Standard Webhooks delivery: the timestamp within `tolerance` of `now`, and one of the
/// space-separated `v1,` signatures equal to ours (several appear while a secret is being rotated).
pub fn verify(
    secret: &WebhookSecret,
    webhook_id: &str,
    timestamp: &str,
    signature_header: &str,
    body: &[u8],
    now: i64,
    tolerance: i64,
) -> Result<(), SignatureError> {
    let ts: i64 = timestamp.trim().parse().map_err(|_| SignatureError::Timestamp)?;
    let skew = now.saturating_sub(ts);
    if skew.saturating_abs() > tolerance {
        return Err(SignatureError::OutsideTolerance(skew));
    }
    let expected = standard_mac(secret, webhook_id, ts, body);
    let matches = signature_header
        .split(' ')
        .filter_map(|s| s.strip_prefix("v1,"))
        .filter_map(|b64| STANDARD.decode(b64).ok())
        .any(|candidate| bool::from(candidate.as_slice().ct_eq(expected.as_slice())));
    if matches { Ok(()) } else { Err(SignatureError::NoMatch) }
}

fn standard_mac(secret: &WebhookSecret, webhook_id: &str, timestamp: i64, body: &[u8]) -> Vec<u8> {
    let ts = timestamp.to_string();
    mac(secret.bytes(), &[webhook_id.as_bytes(), b".", ts.as_bytes(), b".", body])
}

fn mac(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    // HMAC takes keys of any length, so this cannot fail.
    let mut m = <HmacSha256 as KeyInit>::new_from_slice(key).expect("HMAC accepts any key length");
    for p in parts {
        m.update(p);
    }
    m.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example of the Standard Webhooks specification (also checked against its Python
    /// package `standardwebhooks` 1.1.0 when this was written).
    fn spec_example() -> (WebhookSecret, &'static str, i64, &'static [u8]) {
        let secret = WebhookSecret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").expect("valid");
        (secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, br#"{"test": 2432232314}"#)
    }

    #[test]
    fn standard_signature_matches_the_specification_example() {
        let (secret, id, ts, body) = spec_example();
        let h = sign(&secret, id, ts, body);
        assert_eq!(h.webhook_signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        assert_eq!(h.webhook_id, id);
        assert_eq!(h.webhook_timestamp, "1614265330");
    }

    #[test]
    fn hosted_signature_is_hex_hmac_of_the_body_keyed_by_the_secret_text() {
        let (secret, id, ts, body) = spec_example();
        let h = sign(&secret, id, ts, body);
        // Independent of the id and the timestamp: the hosted scheme signs the body alone.
        assert_eq!(h.cadlens_signature, sign(&secret, "other", ts + 99, body).cadlens_signature);
        assert_eq!(h.cadlens_signature.len(), "sha256=".len() + 64);
        // `printf '{"test": 2432232314}' | openssl dgst -sha256 -hmac whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw`
        assert_eq!(h.cadlens_signature, "sha256=80ec8a89ce3cd22133a1066caecb4d04fea7467657c8514d717ec42c38a5c94c");
    }

    #[test]
    fn verify_accepts_our_signature_and_refuses_a_changed_body() {
        let (secret, id, ts, body) = spec_example();
        let h = sign(&secret, id, ts, body);
        assert_eq!(verify(&secret, id, &h.webhook_timestamp, &h.webhook_signature, body, ts + 10, 300), Ok(()));
        let tampered = br#"{"test": 2432232315}"#;
        assert_eq!(
            verify(&secret, id, &h.webhook_timestamp, &h.webhook_signature, tampered, ts, 300),
            Err(SignatureError::NoMatch)
        );
    }

    #[test]
    fn verify_finds_the_matching_signature_among_several() {
        let (secret, id, ts, body) = spec_example();
        let h = sign(&secret, id, ts, body);
        let header = format!("v1,AAAA {} v1a,ignored", h.webhook_signature);
        assert_eq!(verify(&secret, id, &h.webhook_timestamp, &header, body, ts, 300), Ok(()));
    }

    #[test]
    fn a_replay_six_minutes_later_is_refused() {
        let (secret, id, ts, body) = spec_example();
        let h = sign(&secret, id, ts, body);
        assert_eq!(
            verify(&secret, id, &h.webhook_timestamp, &h.webhook_signature, body, ts + 360, 300),
            Err(SignatureError::OutsideTolerance(360))
        );
    }
}
