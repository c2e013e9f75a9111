//! The master key and the sub-keys derived from it, and the CSPRNG helpers.
//!
//! One 256-bit master key per store, in a 0600 file. Every purpose gets its own sub-key through
//! `blake3::derive_key` with a fixed, versioned context string, so a key used for hashing API keys can never
//! be confused with the one that encrypts backups or chains the audit log. Losing the master key loses
//! everything encrypted or keyed with it: backups cannot be decrypted and stored API keys can no longer be
//! verified.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use zeroize::{Zeroize, Zeroizing};

use super::error::{Result, StoreError};

const CTX_KEY_HASH: &str = "cadlens 2026-11-25 api-key hash v1";
const CTX_BLOB: &str = "cadlens 2026-11-25 blob encryption v1";
const CTX_AUDIT: &str = "cadlens 2026-11-25 audit chain v1";
const CTX_CHECK: &str = "cadlens 2026-11-25 master key check v1";
const CTX_FILES: &str = "cadlens 2026-11-25 job file encryption v1";
const CTX_PREVIEW: &str = "cadlens 2026-11-25 preview url signing v1";
const CTX_WEBHOOK: &str = "cadlens 2026-11-25 webhook secret encryption v1";

/// The sub-keys a store works with. The master key itself is dropped (and zeroed) right after derivation.
pub struct SubKeys {
    pub(crate) key_hash: [u8; 32],
    pub(crate) blob: [u8; 32],
    pub(crate) audit: [u8; 32],
    /// Stored in the database so that a different master key is refused instead of silently starting a
    /// second, unreadable data set.
    pub(crate) check: [u8; 32],
    /// Encrypts the server's job files (uploads, results, previews) at rest.
    pub(crate) files: [u8; 32],
    /// Signs preview URLs (api.md §7): derived rather than a second secret file, so the master key stays the
    /// one thing to protect and to keep a copy of.
    pub(crate) preview: [u8; 32],
    /// Encrypts the keys' webhook signing secrets in the database (security.md S-ENC-2).
    pub(crate) webhook: [u8; 32],
}

impl SubKeys {
    pub fn derive(master: &[u8; 32]) -> SubKeys {
        SubKeys {
            key_hash: blake3::derive_key(CTX_KEY_HASH, master),
            blob: blake3::derive_key(CTX_BLOB, master),
            audit: blake3::derive_key(CTX_AUDIT, master),
            check: blake3::derive_key(CTX_CHECK, master),
            files: blake3::derive_key(CTX_FILES, master),
            preview: blake3::derive_key(CTX_PREVIEW, master),
            webhook: blake3::derive_key(CTX_WEBHOOK, master),
        }
    }
}

impl Drop for SubKeys {
    fn drop(&mut self) {
        self.key_hash.zeroize();
        self.blob.zeroize();
        self.audit.zeroize();
        self.check.zeroize();
        self.files.zeroize();
        self.preview.zeroize();
        self.webhook.zeroize();
    }
}

impl std::fmt::Debug for SubKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SubKeys(..)")
    }
}

/// Reads the master key file: 64 hex digits (and an optional newline), mode 0600 or stricter.
pub fn load_master_key(path: &Path) -> Result<Zeroizing<[u8; 32]>> {
    let err = |reason: &str| StoreError::MasterKey { path: path.to_path_buf(), reason: reason.to_owned() };
    let meta = fs::metadata(path).map_err(StoreError::io(path))?;
    if meta.permissions().mode() & 0o077 != 0 {
        return Err(err("readable by group or others: chmod 600 it"));
    }
    let text = Zeroizing::new(fs::read_to_string(path).map_err(StoreError::io(path))?);
    let hex = text.trim_end_matches(['\n', '\r']);
    let mut key = Zeroizing::new([0u8; 32]);
    if hex.len() != 64 || !decode_hex(hex, key.as_mut()) {
        return Err(err("not 64 hexadecimal digits"));
    }
    Ok(key)
}

/// Creates a new master key file (0600, never overwriting one) from the CSPRNG and returns the key. The
/// key is written to a temporary file and hard-linked into place, so another process never reads a
/// half-written key, and of two processes creating one at once exactly one wins (the other gets
/// `AlreadyExists` and reads the winner's).
pub fn create_master_key(path: &Path) -> Result<Zeroizing<[u8; 32]>> {
    let mut key = Zeroizing::new([0u8; 32]);
    fill_random(key.as_mut())?;
    let text = Zeroizing::new(format!("{}\n", to_hex(key.as_ref())));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.{:016x}.tmp", random_u64()?));
    let written = (|| {
        let mut f = OpenOptions::new().write(true).create_new(true).mode(0o600).open(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        fs::hard_link(&tmp, path)
    })();
    let _ = fs::remove_file(&tmp);
    written.map_err(StoreError::io(path))?;
    Ok(key)
}

pub fn fill_random(buf: &mut [u8]) -> Result<()> {
    getrandom::fill(buf).map_err(|_| StoreError::Crypto("the operating system's random generator failed"))
}

/// `len` characters of `[0-9A-Za-z]`, each uniform (rejection sampling: bytes ≥ 248 are skipped so that
/// `% 62` has no bias). Job ids use 24 of them (≥ 142 bits, api.md §4).
pub fn random_base62(len: usize) -> Result<String> {
    const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut out = String::with_capacity(len);
    while out.len() < len {
        let mut buf = [0u8; 32];
        fill_random(&mut buf)?;
        for b in buf.into_iter().filter(|b| *b < 248).take(len - out.len()) {
            out.push(char::from(ALPHABET[usize::from(b % 62)]));
        }
    }
    Ok(out)
}

pub fn random_u64() -> Result<u64> {
    let mut b = [0u8; 8];
    fill_random(&mut b)?;
    Ok(u64::from_le_bytes(b))
}

pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// Decodes lowercase or uppercase hex into `out`; false unless `hex` is exactly `2 * out.len()` digits.
pub fn decode_hex(hex: &str, out: &mut [u8]) -> bool {
    let digits = hex.as_bytes();
    if digits.len() != out.len() * 2 {
        return false;
    }
    for (o, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        let (Some(hi), Some(lo)) = (nibble(pair[0]), nibble(pair[1])) else { return false };
        *o = hi << 4 | lo;
    }
    true
}

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_keys_differ_and_are_stable() {
        let a = SubKeys::derive(&[7; 32]);
        let b = SubKeys::derive(&[7; 32]);
        assert_eq!(a.key_hash, b.key_hash);
        assert_ne!(a.key_hash, a.blob);
        assert_ne!(a.blob, a.audit);
        assert_ne!(a.audit, a.check);
        assert_ne!(a.check, a.files);
        assert_ne!(a.files, a.preview);
        assert_ne!(a.preview, a.webhook);
    }

    #[test]
    fn hex_round_trip() {
        let mut out = [0u8; 3];
        assert!(decode_hex(&to_hex(&[0, 0xab, 0xff]), &mut out));
        assert_eq!(out, [0, 0xab, 0xff]);
        assert!(!decode_hex("zz0000", &mut out));
        assert!(!decode_hex("00", &mut out));
    }
}
