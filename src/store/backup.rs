//! Encrypted backups: a consistent online copy through SQLite's backup API into memory (the plaintext never
//! touches the disk), sealed with XChaCha20-Poly1305 under the blob sub-key as one AEAD message.
//!
//! File layout (all authenticated: the 40-byte header is the AEAD's associated data):
//! `CADLBAK` 0x01 (magic + format version) ‖ 8-byte master key id ‖ 24-byte random nonce ‖ ciphertext+tag.
//! One AEAD over the whole image is enough at this size (accounts, keys and audit rows: megabytes) and
//! simpler than segmenting; a flipped, cut or appended byte anywhere fails authentication.

use std::path::Path;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rusqlite::{Connection, MAIN_DB, backup::Backup};
use zeroize::Zeroizing;

use super::audit::Event;
use super::error::{Result, StoreError};
use super::secrets::fill_random;
use super::{Store, schema, time};

const MAGIC: &[u8; 8] = b"CADLBAK\x01";
const HEADER_LEN: usize = 8 + 8 + 24;

/// What a restore brought back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Restored {
    pub accounts: i64,
    pub keys: i64,
    pub audit_rows: i64,
}

fn cipher(key: &[u8; 32]) -> Result<XChaCha20Poly1305> {
    XChaCha20Poly1305::new_from_slice(key).map_err(|_| StoreError::Crypto("backup key length"))
}

fn snapshot(from: &Connection) -> Result<Zeroizing<Vec<u8>>> {
    let mut mem = Connection::open_in_memory()?;
    Backup::new(from, &mut mem)?.run_to_completion(256, std::time::Duration::ZERO, None)?;
    let image = mem.serialize(MAIN_DB)?;
    Ok(Zeroizing::new(image.to_vec()))
}

/// Loads an image into an in-memory database. A WAL-mode image has file format bytes 18–19 set to 2, which
/// an in-memory database cannot open; setting them to 1 (rollback journal) changes nothing else.
fn load_image(mut image: Zeroizing<Vec<u8>>) -> Result<Connection> {
    if image.len() >= 100 && image[18] == 2 && image[19] == 2 {
        image[18] = 1;
        image[19] = 1;
    }
    let mut mem = Connection::open_in_memory()?;
    let len = image.len();
    mem.deserialize_read_exact(MAIN_DB, image.as_slice(), len, false)?;
    Ok(mem)
}

fn count(conn: &Connection, table: &str) -> Result<i64> {
    Ok(conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
}

impl Store {
    /// The first 8 bytes of the key check value: names the master key in the backup header, so a backup
    /// made under another key says so instead of just failing authentication.
    fn key_id(&self) -> [u8; 8] {
        let mut id = [0u8; 8];
        id.copy_from_slice(&self.keys.check[..8]);
        id
    }

    /// Writes an encrypted, authenticated copy of the whole store to `file` (0600, atomically). The
    /// `store.backup` audit row is written first so the backup contains its own record; a failure after
    /// that is audited as well.
    pub fn backup(&self, actor: &str, file: &Path) -> Result<u64> {
        let target = file.display().to_string();
        let event = |outcome: &str, detail: &str| {
            let ev = Event { actor, action: "store.backup", target: &target, outcome, detail };
            self.write(|tx| self.audit(tx, time::now_ms(), &ev))
        };
        event("ok", "")?;
        self.write_backup(file).inspect_err(|e| {
            let _ = event("failed", &e.to_string());
        })
    }

    fn write_backup(&self, file: &Path) -> Result<u64> {
        let image = snapshot(&self.conn)?;
        let mut header = [0u8; HEADER_LEN];
        header[..8].copy_from_slice(MAGIC);
        header[8..16].copy_from_slice(&self.key_id());
        fill_random(&mut header[16..])?;
        let nonce = XNonce::try_from(&header[16..]).map_err(|_| StoreError::Crypto("nonce length"))?;
        let sealed = cipher(&self.keys.blob)?
            .encrypt(&nonce, Payload { msg: &image, aad: &header })
            .map_err(|_| StoreError::Crypto("backup encryption"))?;
        let mut out = Vec::with_capacity(HEADER_LEN + sealed.len());
        out.extend_from_slice(&header);
        out.extend_from_slice(&sealed);
        super::paths::write_private_atomic(file, &out)?;
        Ok(out.len() as u64)
    }

    /// Decrypts and checks a backup (authentication, SQLite integrity, schema version, master key), and only
    /// then copies it over this store with the backup API, in one step. The restore is then audited.
    pub fn restore(&mut self, actor: &str, file: &Path) -> Result<Restored> {
        let bytes = std::fs::read(file).map_err(StoreError::io(file))?;
        let mem = self.open_backup(&bytes)?;
        Backup::new(&mem, &mut self.conn)?.run_to_completion(256, std::time::Duration::ZERO, None)?;
        schema::migrate(&mut self.conn)?;
        let restored = Restored {
            accounts: count(&self.conn, "accounts")?,
            keys: count(&self.conn, "api_keys")?,
            audit_rows: count(&self.conn, "audit")?,
        };
        let now = time::now_ms();
        let target = file.display().to_string();
        let detail =
            format!("{} accounts, {} keys, {} audit rows", restored.accounts, restored.keys, restored.audit_rows);
        self.write(|tx| {
            self.audit(
                tx,
                now,
                &Event { actor, action: "store.restore", target: &target, outcome: "ok", detail: &detail },
            )
        })?;
        Ok(restored)
    }

    /// Every check a restore makes before it touches the store; returns the backup as an in-memory database.
    fn open_backup(&self, bytes: &[u8]) -> Result<Connection> {
        let refuse = |why: &str| StoreError::Backup(why.to_owned());
        if bytes.len() < HEADER_LEN + 16 || &bytes[..8] != MAGIC {
            return Err(refuse("not a cadlens backup (or an unknown backup version)"));
        }
        let (header, sealed) = bytes.split_at(HEADER_LEN);
        if header[8..16] != self.key_id() {
            return Err(refuse("it was made with a different master key (or its header was damaged)"));
        }
        let nonce = XNonce::try_from(&header[16..]).map_err(|_| StoreError::Crypto("nonce length"))?;
        let image = cipher(&self.keys.blob)?
            .decrypt(&nonce, Payload { msg: sealed, aad: header })
            .map_err(|_| refuse("the file is damaged or was changed (authentication failed)"))?;
        let mem = load_image(Zeroizing::new(image))?;
        let integrity: String = mem.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if integrity != "ok" {
            return Err(refuse("the database inside fails SQLite's integrity check"));
        }
        let version = schema::version(&mem)?;
        if version > schema::latest() || version < 1 {
            return Err(StoreError::SchemaTooNew { found: version, supported: schema::latest() });
        }
        let check: Vec<u8> =
            mem.query_row("SELECT value FROM meta WHERE name = 'master_key_check'", [], |r| r.get(0))?;
        if check.as_slice() != self.keys.check.as_slice() {
            return Err(StoreError::MasterKeyMismatch);
        }
        Ok(mem)
    }
}
