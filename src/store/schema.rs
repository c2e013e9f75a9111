//! Numbered schema migrations. `PRAGMA user_version` holds how many have run; each runs once, in its own
//! transaction together with the version bump, so a crash leaves the store at a whole version.
//! Append new migrations at the end; never edit one that has shipped.

use rusqlite::Connection;

use super::error::{Result, StoreError};

/// Migration `i` takes the schema from version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    // 1: accounts, API keys, the audit chain, and store metadata (master key check, audit head).
    r#"
    CREATE TABLE meta (
        name  TEXT PRIMARY KEY NOT NULL,
        value BLOB NOT NULL
    ) STRICT;
    CREATE TABLE accounts (
        id            INTEGER PRIMARY KEY,
        email         TEXT NOT NULL UNIQUE,
        role          TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
        password_hash TEXT NOT NULL,
        created_at    INTEGER NOT NULL,
        disabled_at   INTEGER
    ) STRICT;
    CREATE TABLE api_keys (
        id           TEXT PRIMARY KEY NOT NULL,
        account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        name         TEXT NOT NULL,
        prefix       TEXT NOT NULL,
        hash         BLOB NOT NULL UNIQUE,
        scopes       TEXT NOT NULL,
        env          TEXT NOT NULL CHECK (env IN ('live', 'test')),
        created_at   INTEGER NOT NULL,
        last_used_at INTEGER,
        expires_at   INTEGER,
        revoked_at   INTEGER,
        rotated_to   TEXT
    ) STRICT;
    CREATE INDEX api_keys_account ON api_keys(account_id);
    CREATE TABLE audit (
        seq       INTEGER PRIMARY KEY,
        at        INTEGER NOT NULL,
        actor     TEXT NOT NULL,
        action    TEXT NOT NULL,
        target    TEXT NOT NULL,
        outcome   TEXT NOT NULL,
        detail    TEXT NOT NULL,
        prev_hash BLOB NOT NULL,
        row_hash  BLOB NOT NULL
    ) STRICT;
    "#,
    // 2: jobs belong to a key and its account, so deleting an account removes its jobs; the server adds
    // its columns in a later migration. Audit rows are listed by time.
    r#"
    CREATE TABLE jobs (
        id         TEXT PRIMARY KEY NOT NULL,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        key_id     TEXT REFERENCES api_keys(id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX jobs_account ON jobs(account_id);
    CREATE INDEX jobs_key ON jobs(key_id);
    CREATE INDEX audit_at ON audit(at);
    "#,
    // 3: what `cadlens serve` keeps per job (api.md §3–§4, §10), and usage per account and calendar month
    // (kept apart from jobs because deleting a job does not refund usage). The jobs table of migration 2
    // never held rows, so it is rebuilt with its columns rather than altered column by column.
    r#"
    DROP TABLE jobs;
    CREATE TABLE jobs (
        id                  TEXT PRIMARY KEY NOT NULL,
        account_id          INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        key_id              TEXT REFERENCES api_keys(id) ON DELETE CASCADE,
        created_at          INTEGER NOT NULL,
        status              TEXT NOT NULL CHECK (status IN ('PENDING', 'PROCESSING', 'COMPLETED', 'FAILED')),
        file_name           TEXT NOT NULL,
        file_size           INTEGER NOT NULL,
        format              TEXT NOT NULL,
        webhook_url         TEXT,
        result_schema       TEXT,
        updated_at          INTEGER NOT NULL,
        started_at          INTEGER,
        completed_at        INTEGER,
        expires_at          INTEGER NOT NULL,
        error_msg           TEXT,
        attempts            INTEGER NOT NULL DEFAULT 0,
        entity_count        INTEGER,
        layer_count         INTEGER,
        preview_count       INTEGER NOT NULL DEFAULT 0,
        result_delivered_at INTEGER,
        original_deleted_at INTEGER
    ) STRICT;
    CREATE INDEX jobs_account ON jobs(account_id);
    CREATE INDEX jobs_key ON jobs(key_id, created_at);
    CREATE INDEX jobs_status ON jobs(status);
    CREATE INDEX jobs_expires ON jobs(expires_at);
    CREATE TABLE usage (
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        period     TEXT NOT NULL,
        parses     INTEGER NOT NULL DEFAULT 0,
        bytes      INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (account_id, period)
    ) STRICT;
    "#,
    // 4: outgoing webhooks (api.md §6). Each key gets a `whsec_` signing secret, sealed under the `webhook`
    // sub-key (NULL for keys made before this migration: nobody ever saw a secret for them, so they have
    // none rather than one no receiver could check). One row per event of a job, in `sequence` order; the
    // body itself is an encrypted job file (`webhook-<sequence>.json`) because it carries the result. A
    // pending row has `next_attempt_at`; deleting the job deletes its rows, which stops their delivery.
    // `leased` marks a row claimed by an attempt in flight (its `next_attempt_at` is then the lease's end),
    // so a start can release what a crash left claimed.
    r#"
    ALTER TABLE api_keys ADD COLUMN webhook_secret BLOB;
    CREATE TABLE webhook_deliveries (
        event_id        TEXT PRIMARY KEY NOT NULL,
        job_id          TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        sequence        INTEGER NOT NULL,
        event           TEXT NOT NULL,
        created_at      INTEGER NOT NULL,
        next_attempt_at INTEGER,
        attempts        INTEGER NOT NULL DEFAULT 0,
        last_status     INTEGER,
        last_error      TEXT,
        delivered_at    INTEGER,
        gave_up_at      INTEGER,
        leased          INTEGER NOT NULL DEFAULT 0,
        UNIQUE (job_id, sequence)
    ) STRICT;
    CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE next_attempt_at IS NOT NULL;
    "#,
];

/// The schema version this build writes.
pub fn latest() -> i64 {
    MIGRATIONS.len() as i64
}

pub fn version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

/// Runs the migrations `conn` has not had yet, each once. Returns how many ran.
pub fn migrate(conn: &mut Connection) -> Result<usize> {
    migrate_to(conn, latest())
}

/// Runs migrations up to version `target` (tests build every earlier version with this).
pub fn migrate_to(conn: &mut Connection, target: i64) -> Result<usize> {
    let found = version(conn)?;
    if found > latest() {
        return Err(StoreError::SchemaTooNew { found, supported: latest() });
    }
    let mut ran = 0;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize).take((target - found).max(0) as usize) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Re-read inside the write lock: another process may have migrated meanwhile.
        if version(&tx)? > i as i64 {
            continue;
        }
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
        ran += 1;
    }
    Ok(ran)
}
