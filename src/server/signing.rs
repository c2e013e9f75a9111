//! Signed preview URLs (api.md §7): `sig = base64url_nopad(HMAC-SHA256(key, "GET\n{path}\n{expires}"))`.
//! The key is derived from the master key by the store. A URL needs the job id (142 random bits) and the
//! MAC (256 bits), so it cannot be guessed or enumerated; the expiry is inside the MAC, so it cannot be
//! extended; and a lifetime beyond the longest we issue is refused even with a valid MAC.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

/// The longest lifetime a URL may have (7 days, api.md §7), plus a minute of clock leeway.
pub const MAX_TTL_S: u64 = 7 * 24 * 3600;
const LEEWAY_S: u64 = 60;

/// Why a signed URL was refused: the two 403 codes of api.md §7.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigError {
    /// `INVALID_SIGNATURE`: missing, malformed, wrong, or `expires` tampered.
    Invalid,
    /// `URL_EXPIRED`: a valid signature past its expiry.
    Expired,
}

pub struct Signer {
    key: Zeroizing<[u8; 32]>,
}

impl Signer {
    pub fn new(key: Zeroizing<[u8; 32]>) -> Signer {
        Signer { key }
    }

    fn mac(&self, path: &str, expires: u64) -> Hmac<Sha256> {
        // A 32-byte key is always a valid HMAC key; `new_from_slice` fails only for key sizes HMAC refuses.
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(self.key.as_ref())
            .unwrap_or_else(|_| <Hmac<Sha256> as KeyInit>::new(&Default::default()));
        mac.update(format!("GET\n{path}\n{expires}").as_bytes());
        mac
    }

    /// The `sig` value for `path` and `expires`.
    pub fn sign(&self, path: &str, expires: u64) -> String {
        URL_SAFE_NO_PAD.encode(self.mac(path, expires).finalize().into_bytes())
    }

    /// `{base}{path}?expires=…&sig=…`.
    pub fn url(&self, base: &str, path: &str, expires: u64) -> String {
        format!("{base}{path}?expires={expires}&sig={}", self.sign(path, expires))
    }

    /// Checks `expires` and `sig` as given in the query, in constant time, at `now` (Unix seconds).
    pub fn verify(&self, path: &str, expires: Option<&str>, sig: Option<&str>, now: u64) -> Result<(), SigError> {
        let (Some(expires), Some(sig)) = (expires, sig) else { return Err(SigError::Invalid) };
        if expires.is_empty() || expires.len() > 19 || !expires.bytes().all(|b| b.is_ascii_digit()) {
            return Err(SigError::Invalid);
        }
        let expires: u64 = expires.parse().map_err(|_| SigError::Invalid)?;
        let sig = URL_SAFE_NO_PAD.decode(sig).map_err(|_| SigError::Invalid)?;
        self.mac(path, expires).verify_slice(&sig).map_err(|_| SigError::Invalid)?;
        if expires > now.saturating_add(MAX_TTL_S + LEEWAY_S) {
            return Err(SigError::Invalid);
        }
        if now > expires {
            return Err(SigError::Expired);
        }
        Ok(())
    }
}

/// The preview path of a job's sheet: `/v1/previews/{job}.png` for the first, `/v1/previews/{job}/{i}.png`
/// for the others (api.md §7).
pub fn preview_path(job_id: &str, sheet: usize) -> String {
    if sheet == 0 { format!("/v1/previews/{job_id}.png") } else { format!("/v1/previews/{job_id}/{sheet}.png") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_binds_path_and_expiry_and_expires() {
        let s = Signer::new(Zeroizing::new([9; 32]));
        let path = preview_path("job_abc", 0);
        let sig = s.sign(&path, 2000);
        assert_eq!(sig.len(), 43, "256 bits, base64url without padding");
        assert_eq!(s.verify(&path, Some("2000"), Some(&sig), 1000), Ok(()));
        assert_eq!(s.verify(&path, Some("2000"), Some(&sig), 2001), Err(SigError::Expired));
        assert_eq!(s.verify(&path, Some("2001"), Some(&sig), 1000), Err(SigError::Invalid), "expires tampered");
        assert_eq!(s.verify(&preview_path("job_abd", 0), Some("2000"), Some(&sig), 1000), Err(SigError::Invalid));
        let mut flipped = sig.clone().into_bytes();
        flipped[5] = if flipped[5] == b'A' { b'B' } else { b'A' };
        let flipped = String::from_utf8(flipped).unwrap_or_default();
        assert_eq!(s.verify(&path, Some("2000"), Some(&flipped), 1000), Err(SigError::Invalid));
        assert_eq!(s.verify(&path, None, Some(&sig), 1000), Err(SigError::Invalid));
        assert_eq!(s.verify(&path, Some("+2000"), Some(&sig), 1000), Err(SigError::Invalid));
        let far = 10_000_000;
        let long = s.sign(&path, far);
        assert_eq!(
            s.verify(&path, Some(&far.to_string()), Some(&long), 1000),
            Err(SigError::Invalid),
            "too long-lived"
        );
        let other = Signer::new(Zeroizing::new([8; 32]));
        assert_eq!(other.verify(&path, Some("2000"), Some(&sig), 1000), Err(SigError::Invalid));
    }
}
