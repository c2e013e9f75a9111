//! The server's job files, encrypted at rest: the uploaded original, the result documents and the previews,
//! one file each under `<data dir>/jobs/<job id>/`. Each file is one XChaCha20-Poly1305 message under the
//! `files` sub-key of the master key, with a random 192-bit nonce and the job id and file name as
//! associated data, so a file copied to another job or renamed fails authentication instead of being
//! served. Plaintext never touches the disk: it is sealed in memory and written atomically (0600).
//!
//! Layout: `CADLJOB` 0x01 (magic + format version) ‖ 24-byte nonce ‖ ciphertext+tag.

use std::path::PathBuf;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

use super::Store;
use super::error::{Result, StoreError};
use super::paths::{ensure_private_dir, write_private_replacing};
use super::secrets::fill_random;

const MAGIC: &[u8; 8] = b"CADLJOB\x01";
const HEADER_LEN: usize = 8 + 24;
/// The folder of job files inside the data directory.
pub const JOBS_DIR: &str = "jobs";

/// Whether `id` has the job id shape (`job_` + 24 of `[0-9A-Za-z]`): the only ids ever turned into paths.
pub fn is_job_id(id: &str) -> bool {
    id.strip_prefix("job_").is_some_and(|rest| rest.len() == 24 && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// File names are chosen by the server, never by a client; still, only `[a-z0-9.-]` reaches a path.
fn is_file_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name.bytes().all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-'))
}

fn aad(job_id: &str, name: &str) -> Vec<u8> {
    format!("cadlens job file v1\n{job_id}\n{name}").into_bytes()
}

impl Store {
    fn cipher(&self) -> Result<XChaCha20Poly1305> {
        XChaCha20Poly1305::new_from_slice(&self.keys.files).map_err(|_| StoreError::Crypto("file key length"))
    }

    /// The folder that holds every job's files.
    pub fn jobs_dir(&self) -> PathBuf {
        self.paths.data_dir.join(JOBS_DIR)
    }

    fn job_file(&self, job_id: &str, name: &str) -> Result<PathBuf> {
        if !is_job_id(job_id) || !is_file_name(name) {
            return Err(StoreError::invalid("job file", &format!("{job_id}/{name}"), "a job id and a file name"));
        }
        Ok(self.jobs_dir().join(job_id).join(name))
    }

    /// Encrypts `plain` and writes it as the job's file `name` (replacing an earlier one).
    pub fn put_job_file(&self, job_id: &str, name: &str, plain: &[u8]) -> Result<()> {
        let path = self.job_file(job_id, name)?;
        if let Some(dir) = path.parent() {
            ensure_private_dir(&self.jobs_dir())?;
            ensure_private_dir(dir)?;
        }
        let mut nonce = [0u8; 24];
        fill_random(&mut nonce)?;
        let xnonce = XNonce::try_from(&nonce[..]).map_err(|_| StoreError::Crypto("nonce length"))?;
        let sealed = self
            .cipher()?
            .encrypt(&xnonce, Payload { msg: plain, aad: &aad(job_id, name) })
            .map_err(|_| StoreError::Crypto("sealing a job file failed"))?;
        let mut out = Vec::with_capacity(HEADER_LEN + sealed.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        // Not fsync'd: a job file costs a sync job four fsyncs (~12 ms each here) otherwise. A power cut can
        // lose a recent file; the rename keeps it whole or absent, authentication refuses a torn one, and the
        // job then fails or answers 404 cleanly. A process crash loses nothing (the page cache survives it).
        write_private_replacing(&path, &out, false)
    }

    /// Reads and decrypts the job's file `name`; `Ok(None)` when it does not exist (deleted or never made).
    /// A changed, cut or moved file is an error, never garbage.
    pub fn job_file_bytes(&self, job_id: &str, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>> {
        let path = self.job_file(job_id, name)?;
        let raw = match std::fs::read(&path) {
            Ok(raw) => raw,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(StoreError::io(path)(e)),
        };
        if raw.len() < HEADER_LEN || &raw[..8] != MAGIC {
            return Err(StoreError::Crypto("a job file has no valid header"));
        }
        let nonce = XNonce::try_from(&raw[8..HEADER_LEN]).map_err(|_| StoreError::Crypto("nonce length"))?;
        let plain = self
            .cipher()?
            .decrypt(&nonce, Payload { msg: &raw[HEADER_LEN..], aad: &aad(job_id, name) })
            .map_err(|_| StoreError::Crypto("a job file failed authentication"))?;
        Ok(Some(Zeroizing::new(plain)))
    }

    /// Unlinks one job file; a missing file is fine (deleting twice is not an error).
    pub fn remove_job_file(&self, job_id: &str, name: &str) -> Result<()> {
        let path = self.job_file(job_id, name)?;
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(StoreError::io(path)(e)),
        }
    }

    /// Unlinks every file of a job and its folder.
    pub fn remove_job_files(&self, job_id: &str) -> Result<()> {
        if !is_job_id(job_id) {
            return Err(StoreError::invalid("job id", job_id, "job_ and 24 letters or digits"));
        }
        let dir = self.jobs_dir().join(job_id);
        match std::fs::remove_dir_all(&dir) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(StoreError::io(dir)(e)),
        }
    }

    /// The preview URL signing key (api.md §7), derived from the master key. The caller keeps it in memory
    /// only; it is zeroed when dropped.
    pub fn preview_signing_key(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.keys.preview)
    }
}
