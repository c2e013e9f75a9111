//! The local store: accounts, API keys, the audit chain and encrypted backups, in one SQLite file.
//!
//! This module knows SQLite and cryptography and nothing of HTTP or CAD. The CLI (`src/cli`) and, later,
//! the server call it; both decide exit codes or statuses from [`StoreError`].
//!
//! ```text
//! data dir (0700) ── cadlens.db (+ -wal, -shm; 0600)   accounts, api_keys, jobs, audit, meta
//!                 └─ master.key (0600)                  unless CADLENS_MASTER_KEY_FILE points elsewhere
//! master key ──blake3::derive_key──► key-hash key │ blob (backup) key │ audit-chain key │ key check
//! ```
//!
//! The API in one place (every mutating call takes an audit `actor` and writes its audit row in the same
//! transaction):
//! - [`Store::open`] / [`Store::open_with`] on [`StorePaths::resolve`] (or [`StorePaths::in_dir`]).
//! - Accounts: `create_account`, `account`, `accounts`, `set_account_disabled`, `set_password`,
//!   `delete_account`, `login` (argon2id, same cost for unknown emails).
//! - Keys: `create_key` → [`CreatedKey`] (the only raw key), `key`, `keys`, `revoke_key`, `rotate_key`, and
//!   [`Store::verify`] / [`Store::verify_at`] → [`VerifiedKey`] or [`VerifyError`], what `serve` calls per request.
//! - Audit: `record` (events from elsewhere, e.g. jobs), `audit_list`, `audit_verify` → [`AuditReport`].
//! - Backups: `backup`, `restore` → [`Restored`].
//! - Jobs (`serve`): `create_job`, `job`, `job_for_key`, `jobs_for_key`, `jobs`, `start_job`, `finish_job`,
//!   `mark_result_delivered`, `delete_original`, `delete_job`, `recover_jobs`, `purge_jobs`, `usage`; and
//!   their files, encrypted at rest: `put_job_file`, `job_file_bytes`, `remove_job_file(s)`.
//! - Webhooks (`serve`): each key's sealed `whsec_` secret (`webhook_secret`), and per job event a delivery
//!   row: `add_webhook_event`, `claim_webhook_deliveries`, `record_webhook_attempt`, `next_webhook_due`,
//!   `release_webhook_leases`, `webhook_deliveries`, `webhook_body`, `jobs_missing_final_webhook`,
//!   `webhook_signing_secrets`.

mod account;
mod apikey;
pub mod audit;
mod backup;
mod blobs;
mod error;
mod jobs;
mod paths;
pub mod schema;
mod secrets;
pub mod time;
mod webhooks;

use std::sync::atomic::{AtomicU64, Ordering};

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior};

pub use account::{Account, Role, hash_password, normalise_email};
pub use apikey::{ApiKey, ApiKeyFormat, CreatedKey, KEY_LEN, KeyEnv, NewKey, Scope, VerifiedKey, VerifyError};
pub use audit::{AuditProblem, AuditReport, AuditRow};
pub use backup::Restored;
pub use blobs::is_job_id;
pub use error::{Result, StoreError};
pub use jobs::{Job, JobEnd, JobStatus, NewJob, ORIGINAL, Usage};
pub use paths::{DB_FILE, MASTER_KEY_FILE, StorePaths};
pub use secrets::{SubKeys, random_base62};
pub use webhooks::{DueDelivery, WebhookAttempt, WebhookDelivery, webhook_body_file};

/// How [`Store::open`] treats a missing master key file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MasterKeyMode {
    /// Create one when the store is new (first use); refuse when the store already has data.
    CreateIfNew,
    /// Never create one (restore needs the key that made the backup).
    MustExist,
}

/// An open store. Not `Sync`: the server keeps one per worker thread (SQLite's WAL lets them share the file).
pub struct Store {
    conn: Connection,
    keys: SubKeys,
    paths: StorePaths,
    /// Key lookups that reached the database; lets tests prove that a malformed key never does.
    lookups: AtomicU64,
    /// The connection's current `PRAGMA synchronous` (see [`Durability`]).
    durability: std::cell::Cell<Durability>,
}

/// What a commit must survive. `Full` (every account, key, role and audit change): the commit is on disk
/// before it returns, so a revocation survives a power cut. `Job` (job bookkeeping on the parse path:
/// create, start, finish, result delivered, original deleted): WAL `synchronous=NORMAL`, no fsync per
/// commit — a process crash loses nothing, a power cut can lose the last job commits whole (never half:
/// the WAL is checksummed), exactly like the job files themselves, which are never fsync'd either. A later
/// `Full` commit syncs the WAL and with it every earlier `Job` commit. Measured: a `wait=true` job made
/// six fsyncs of ~4 ms each on this machine's disk, half its latency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Durability {
    Full,
    Job,
}

impl Durability {
    fn pragma(self) -> &'static str {
        match self {
            Durability::Full => "FULL",
            Durability::Job => "NORMAL",
        }
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("paths", &self.paths).finish_non_exhaustive()
    }
}

const KEY_CHECK: &str = "master_key_check";

impl Store {
    /// Opens (creating on first use) the store at `paths`: private directory and files, WAL, foreign keys,
    /// migrations, and the master key, which must match the one the store was made with.
    pub fn open(paths: &StorePaths) -> Result<Store> {
        Store::open_with(paths, MasterKeyMode::CreateIfNew)
    }

    pub fn open_with(paths: &StorePaths, mode: MasterKeyMode) -> Result<Store> {
        paths::ensure_private_dir(&paths.data_dir)?;
        let db = paths.db();
        paths::ensure_private_file(&db)?;
        let mut conn = Connection::open(&db)?;
        retry_busy(|| configure(&conn))?;
        retry_busy(|| schema::migrate(&mut conn))?;
        let stored_check = read_key_check(&conn)?;
        let master = if paths.master_key.exists() {
            secrets::load_master_key(&paths.master_key)?
        } else if mode == MasterKeyMode::CreateIfNew && stored_check.is_none() {
            // Two first commands at once: the loser of the create race reads the winner's key.
            secrets::create_master_key(&paths.master_key).or_else(|e| match &e {
                StoreError::Io { source, .. } if source.kind() == std::io::ErrorKind::AlreadyExists => {
                    secrets::load_master_key(&paths.master_key)
                }
                _ => Err(e),
            })?
        } else {
            let reason = "missing; the store (or the backup) needs the master key it was made with".to_owned();
            return Err(StoreError::MasterKey { path: paths.master_key.clone(), reason });
        };
        let keys = SubKeys::derive(&master);
        drop(master);
        if stored_check.is_none() {
            // OR IGNORE: if another process stored its check first, the comparison below decides.
            conn.execute("INSERT OR IGNORE INTO meta (name, value) VALUES (?1, ?2)", (KEY_CHECK, &keys.check[..]))?;
        }
        let check = read_key_check(&conn)?.unwrap_or_default();
        if !bool::from(subtle::ConstantTimeEq::ct_eq(&check[..], &keys.check[..])) {
            return Err(StoreError::MasterKeyMismatch);
        }
        Ok(Store {
            conn,
            keys,
            paths: paths.clone(),
            lookups: AtomicU64::new(0),
            durability: std::cell::Cell::new(Durability::Full),
        })
    }

    pub fn paths(&self) -> &StorePaths {
        &self.paths
    }

    /// A cheap read that proves the database answers (the server's health check).
    pub fn check(&self) -> Result<()> {
        self.conn.prepare_cached("SELECT count(*) FROM meta")?.query_row([], |r| r.get::<_, i64>(0))?;
        Ok(())
    }

    /// How many API key lookups reached the database since this store was opened.
    pub fn key_lookups(&self) -> u64 {
        self.lookups.load(Ordering::Relaxed)
    }

    /// Records an event that is not one of the store's own (job events from the server, for example).
    pub fn record(&self, actor: &str, action: &str, target: &str, outcome: &str, detail: &str) -> Result<i64> {
        self.write(|tx| self.audit(tx, time::now_ms(), &audit::Event { actor, action, target, outcome, detail }))
    }

    /// Lists audit rows at or after `since` (milliseconds since the epoch), oldest first.
    pub fn audit_list(&self, since: Option<i64>) -> Result<Vec<AuditRow>> {
        audit::list(&self.conn, since)
    }

    /// Checks the whole audit chain.
    pub fn audit_verify(&self) -> Result<AuditReport> {
        audit::verify(&self.conn, &self.keys.audit)
    }

    /// Runs `f` in an IMMEDIATE transaction (the write lock is taken first, so the audit tail read inside
    /// cannot race another process) and commits when it succeeds.
    /// A durable commit (`Durability::Full`), whatever an earlier job write left set.
    fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        self.write_at(Durability::Full, f)
    }

    /// Job bookkeeping in one transaction at `Durability::Job`.
    fn write_job<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        self.job_statements(|| self.write_at(Durability::Job, f))
    }

    /// Job bookkeeping as autocommit statements at `Durability::Job`; the connection goes back to `Full`
    /// afterwards (and should that fail, the next `write` sets it again before committing).
    fn job_statements<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        self.set_durability(Durability::Job)?;
        let out = f();
        self.set_durability(Durability::Full)?;
        out
    }

    fn write_at<T>(&self, level: Durability, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        self.set_durability(level)?;
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    fn set_durability(&self, level: Durability) -> Result<()> {
        if self.durability.get() != level {
            self.conn.pragma_update(None, "synchronous", level.pragma())?;
            self.durability.set(level);
        }
        Ok(())
    }

    fn audit(&self, conn: &Connection, at: i64, ev: &audit::Event<'_>) -> Result<i64> {
        audit::append(conn, &self.keys.audit, at, ev)
    }
}

/// WAL so readers (the server's verifications) never wait for a writer; foreign keys so deleting an
/// account removes its keys and jobs; secure_delete so freed pages (old hashes) are zeroed; FULL sync so a
/// committed revocation survives a power cut; a busy timeout
/// so a CLI command and a running server share the file.
fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Db(rusqlite::Error::InvalidParameterName(format!("journal_mode stayed {mode}"))));
    }
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.pragma_update(None, "secure_delete", true)?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(())
}

/// Switching to WAL needs a moment alone with the file, and SQLite reports "locked" at once instead of
/// calling the busy handler when several processes open a new store together; so retry for a while.
fn retry_busy<T>(mut f: impl FnMut() -> Result<T>) -> Result<T> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        match f() {
            Err(StoreError::Db(rusqlite::Error::SqliteFailure(e, _)))
                if e.code == rusqlite::ErrorCode::DatabaseBusy && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            other => return other,
        }
    }
}

fn read_key_check(conn: &Connection) -> Result<Option<Vec<u8>>> {
    Ok(conn.query_row("SELECT value FROM meta WHERE name = ?1", [KEY_CHECK], |r| r.get(0)).optional()?)
}

#[cfg(test)]
mod tests;
