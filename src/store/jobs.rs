//! Jobs of `cadlens serve` (api.md §3–§4, §10) and usage per account and month. The store owns the SQL and
//! the job files ([`super::blobs`]); the server decides when each call happens. Status only moves forward:
//! every transition is an UPDATE guarded by the state it leaves, so a deleted or already finished job is
//! never revived by a late worker.

use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;

use super::audit::Event;
use super::error::{Result, StoreError};
use super::secrets::random_base62;
use super::{Store, time};

/// api.md §4: no other values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum JobStatus {
    Pending,
    Processing,
    Completed,
    Failed,
}

impl JobStatus {
    pub const ALL: [JobStatus; 4] =
        [JobStatus::Pending, JobStatus::Processing, JobStatus::Completed, JobStatus::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Pending => "PENDING",
            JobStatus::Processing => "PROCESSING",
            JobStatus::Completed => "COMPLETED",
            JobStatus::Failed => "FAILED",
        }
    }

    pub fn parse(s: &str) -> Option<JobStatus> {
        JobStatus::ALL.into_iter().find(|st| st.as_str().eq_ignore_ascii_case(s))
    }

    pub fn is_terminal(self) -> bool {
        matches!(self, JobStatus::Completed | JobStatus::Failed)
    }
}

/// One job row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: String,
    pub account_id: i64,
    pub key_id: Option<String>,
    pub status: JobStatus,
    pub file_name: String,
    pub file_size: i64,
    /// The sniffed format's JSON name (`DXF`, `STL`, …).
    pub format: String,
    pub webhook_url: Option<String>,
    /// The schema asked for at upload (api.md §3.4), if any.
    pub result_schema: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub started_at: Option<i64>,
    pub completed_at: Option<i64>,
    pub expires_at: i64,
    pub error_msg: Option<String>,
    pub attempts: i64,
    pub entity_count: Option<i64>,
    pub layer_count: Option<i64>,
    pub preview_count: i64,
    pub result_delivered_at: Option<i64>,
    pub original_deleted_at: Option<i64>,
}

/// What creating a job needs; the store makes the id.
#[derive(Debug, Clone)]
pub struct NewJob<'a> {
    pub account_id: i64,
    pub key_id: &'a str,
    pub file_name: &'a str,
    pub file_size: i64,
    pub format: &'a str,
    pub webhook_url: Option<&'a str>,
    pub result_schema: Option<&'a str>,
    /// How long the record, result and preview are kept (api.md §10).
    pub retention_ms: i64,
}

/// How a job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobEnd {
    Completed {
        entity_count: i64,
        layer_count: i64,
        preview_count: i64,
    },
    /// `billable`: the input was at fault (unparseable), so the parse still counts; a server-side failure
    /// (timeout, crash, limit, shutdown) is refunded (api.md §4).
    Failed {
        message: String,
        billable: bool,
    },
}

/// An account's usage in one calendar month.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Usage {
    pub period_start: i64,
    pub period_end: i64,
    pub parses: i64,
    pub bytes: i64,
    /// Jobs of the account created in the period, by status (deleted jobs are not counted here).
    pub pending: i64,
    pub processing: i64,
    pub completed: i64,
    pub failed: i64,
}

const JOB_COLUMNS: &str = "id, account_id, key_id, status, file_name, file_size, format, webhook_url, result_schema,
    created_at, updated_at, started_at, completed_at, expires_at, error_msg, attempts, entity_count, layer_count,
    preview_count, result_delivered_at, original_deleted_at";

fn job_from_row(r: &Row<'_>) -> rusqlite::Result<Job> {
    let status: String = r.get(3)?;
    Ok(Job {
        id: r.get(0)?,
        account_id: r.get(1)?,
        key_id: r.get(2)?,
        status: JobStatus::parse(&status).unwrap_or(JobStatus::Failed),
        file_name: r.get(4)?,
        file_size: r.get(5)?,
        format: r.get(6)?,
        webhook_url: r.get(7)?,
        result_schema: r.get(8)?,
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
        started_at: r.get(11)?,
        completed_at: r.get(12)?,
        expires_at: r.get(13)?,
        error_msg: r.get(14)?,
        attempts: r.get(15)?,
        entity_count: r.get(16)?,
        layer_count: r.get(17)?,
        preview_count: r.get(18)?,
        result_delivered_at: r.get(19)?,
        original_deleted_at: r.get(20)?,
    })
}

/// The original upload's file name among a job's files.
pub const ORIGINAL: &str = "original";

impl Store {
    /// Creates a PENDING job and counts it in the account's usage, in one transaction with its audit row.
    /// The caller writes the original with `put_job_file` only after this returned, and deletes the job if
    /// that fails.
    pub fn create_job(&self, actor: &str, new: &NewJob<'_>, now: i64) -> Result<Job> {
        let id = format!("job_{}", random_base62(24)?);
        let (_, _, period) = time::month_of(now);
        self.write_job(|tx| {
            tx.execute(
                "INSERT INTO jobs (id, account_id, key_id, created_at, status, file_name, file_size, format,
                                   webhook_url, result_schema, updated_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4, 'PENDING', ?5, ?6, ?7, ?8, ?9, ?4, ?10)",
                params![
                    id,
                    new.account_id,
                    new.key_id,
                    now,
                    new.file_name,
                    new.file_size,
                    new.format,
                    new.webhook_url,
                    new.result_schema,
                    now.saturating_add(new.retention_ms)
                ],
            )?;
            tx.execute(
                "INSERT INTO usage (account_id, period, parses, bytes) VALUES (?1, ?2, 1, ?3)
                 ON CONFLICT (account_id, period) DO UPDATE SET parses = parses + 1, bytes = bytes + ?3",
                params![new.account_id, period, new.file_size],
            )?;
            let detail = format!("format={} bytes={}", new.format, new.file_size);
            let ev = Event { actor, action: "job.create", target: &id, outcome: "ok", detail: &detail };
            self.audit(tx, now, &ev)
        })?;
        self.job(&id)?.ok_or_else(|| StoreError::invalid("job", &id, "just created"))
    }

    /// A job by id, whoever owns it (the CLI, the runner and signed preview URLs use this).
    pub fn job(&self, id: &str) -> Result<Option<Job>> {
        let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = ?1");
        Ok(self.conn.prepare_cached(&sql)?.query_row([id], job_from_row).optional()?)
    }

    /// A job only if `key_id` owns it: another key's job looks exactly like a missing one (api.md §9).
    pub fn job_for_key(&self, id: &str, key_id: &str) -> Result<Option<Job>> {
        let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = ?1 AND key_id = ?2");
        Ok(self.conn.prepare_cached(&sql)?.query_row([id, key_id], job_from_row).optional()?)
    }

    /// A key's jobs, newest first, optionally of one status, at most `limit`.
    pub fn jobs_for_key(&self, key_id: &str, status: Option<JobStatus>, limit: u32) -> Result<Vec<Job>> {
        let sql = format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE key_id = ?1 AND (?2 IS NULL OR status = ?2)
             ORDER BY created_at DESC, id LIMIT ?3"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![key_id, status.map(JobStatus::as_str), limit], job_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// All jobs, or one account's, newest first (the CLI).
    pub fn jobs(&self, account: Option<&str>, limit: u32) -> Result<Vec<Job>> {
        let account_id = account.map(|a| self.account(a)).transpose()?.map(|a| a.id);
        let sql = format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE ?1 IS NULL OR account_id = ?1 ORDER BY created_at DESC, id LIMIT ?2"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params![account_id, limit], job_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// PENDING → PROCESSING. False when the job is gone or not pending (deleted meanwhile, or a duplicate
    /// queue entry), and then the runner leaves it alone.
    pub fn start_job(&self, id: &str, now: i64) -> Result<bool> {
        let changed = self.job_statements(|| {
            Ok(self
                .conn
                .prepare_cached(
                    "UPDATE jobs SET status = 'PROCESSING', started_at = ?2, updated_at = ?2, attempts = attempts + 1
                 WHERE id = ?1 AND status = 'PENDING'",
                )?
                .execute(params![id, now])?)
        })?;
        Ok(changed == 1)
    }

    /// PROCESSING → COMPLETED or FAILED. A server-side failure takes the parse back out of the usage of the
    /// month the job was created in. False when the job is gone or was not processing.
    pub fn finish_job(&self, id: &str, end: &JobEnd, now: i64) -> Result<bool> {
        self.write_job(|tx| {
            let changed = match end {
                JobEnd::Completed { entity_count, layer_count, preview_count } => tx.execute(
                    "UPDATE jobs SET status = 'COMPLETED', completed_at = ?2, updated_at = ?2, entity_count = ?3,
                            layer_count = ?4, preview_count = ?5
                     WHERE id = ?1 AND status = 'PROCESSING'",
                    params![id, now, entity_count, layer_count, preview_count],
                )?,
                JobEnd::Failed { message, .. } => tx.execute(
                    "UPDATE jobs SET status = 'FAILED', completed_at = ?2, updated_at = ?2, error_msg = ?3
                     WHERE id = ?1 AND status = 'PROCESSING'",
                    params![id, now, message],
                )?,
            };
            if changed == 1 && matches!(end, JobEnd::Failed { billable: false, .. }) {
                refund(tx, id)?;
            }
            Ok(changed == 1)
        })
    }

    /// Records the first successful result delivery; true only the first time (that one deletes the
    /// original, api.md §10).
    pub fn mark_result_delivered(&self, id: &str, now: i64) -> Result<bool> {
        let changed = self.job_statements(|| {
            Ok(self
                .conn
                .prepare_cached(
                    "UPDATE jobs SET result_delivered_at = ?2 WHERE id = ?1 AND result_delivered_at IS NULL",
                )?
                .execute(params![id, now])?)
        })?;
        Ok(changed == 1)
    }

    /// Deletes the uploaded original of a job and records that it is gone.
    pub fn delete_original(&self, id: &str, now: i64) -> Result<()> {
        self.remove_job_file(id, ORIGINAL)?;
        self.job_statements(|| {
            self.conn
                .prepare_cached(
                    "UPDATE jobs SET original_deleted_at = ?2 WHERE id = ?1 AND original_deleted_at IS NULL",
                )?
                .execute(params![id, now])?;
            Ok(())
        })
    }

    /// Deletes a job's row (with its audit row) and then its files. False when there was no such job
    /// (for `key_id`, when given: tenancy).
    pub fn delete_job(&self, actor: &str, id: &str, key_id: Option<&str>, now: i64) -> Result<bool> {
        let deleted = self.write(|tx| {
            let n =
                tx.execute("DELETE FROM jobs WHERE id = ?1 AND (?2 IS NULL OR key_id = ?2)", params![id, key_id])?;
            if n == 1 {
                self.audit(tx, now, &Event { actor, action: "job.delete", target: id, outcome: "ok", detail: "" })?;
            }
            Ok(n == 1)
        })?;
        if deleted {
            self.remove_job_files(id)?;
        }
        Ok(deleted)
    }

    /// After a restart: PROCESSING jobs go back to PENDING, or to FAILED once they have had `max_attempts`
    /// (api.md §4: at most 2 retries). Returns the PENDING jobs' ids, oldest first, for the queue.
    pub fn recover_jobs(&self, max_attempts: i64, now: i64) -> Result<Vec<String>> {
        self.write(|tx| {
            let failed: Vec<String> = {
                let mut stmt = tx.prepare("SELECT id FROM jobs WHERE status = 'PROCESSING' AND attempts >= ?1")?;
                stmt.query_map([max_attempts], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?
            };
            for id in &failed {
                tx.execute(
                    "UPDATE jobs SET status = 'FAILED', completed_at = ?2, updated_at = ?2,
                            error_msg = 'The server stopped while parsing this file, too many times.'
                     WHERE id = ?1",
                    params![id, now],
                )?;
                refund(tx, id)?;
            }
            tx.execute(
                "UPDATE jobs SET status = 'PENDING', started_at = NULL, updated_at = ?1 WHERE status = 'PROCESSING'",
                [now],
            )?;
            let mut stmt = tx.prepare("SELECT id FROM jobs WHERE status = 'PENDING' ORDER BY created_at, id")?;
            let pending = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
            Ok(pending)
        })
    }

    /// Retention (api.md §10): deletes every job whose `expires_at` has passed (rows in one transaction,
    /// then files), the originals that are no longer needed (result delivered or job FAILED), and job
    /// folders without a row (left by a crash between the two). Returns how many jobs were purged.
    pub fn purge_jobs(&self, actor: &str, now: i64) -> Result<usize> {
        let expired: Vec<String> = self.write(|tx| {
            let ids: Vec<String> = {
                let mut stmt = tx.prepare("SELECT id FROM jobs WHERE expires_at <= ?1")?;
                stmt.query_map([now], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?
            };
            if !ids.is_empty() {
                tx.execute("DELETE FROM jobs WHERE expires_at <= ?1", [now])?;
                let detail = format!("expired={}", ids.len());
                self.audit(
                    tx,
                    now,
                    &Event { actor, action: "job.purge", target: "jobs", outcome: "ok", detail: &detail },
                )?;
            }
            Ok(ids)
        })?;
        for id in &expired {
            self.remove_job_files(id)?;
        }
        let spent: Vec<String> = {
            let mut stmt = self.conn.prepare(
                "SELECT id FROM jobs WHERE original_deleted_at IS NULL
                 AND (status = 'FAILED' OR result_delivered_at IS NOT NULL)",
            )?;
            stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?
        };
        for id in &spent {
            self.delete_original(id, now)?;
        }
        self.remove_orphan_job_dirs()?;
        Ok(expired.len())
    }

    fn remove_orphan_job_dirs(&self) -> Result<()> {
        let dir = self.jobs_dir();
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(StoreError::io(dir)(e)),
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if super::blobs::is_job_id(&name) && self.job(&name)?.is_none() {
                self.remove_job_files(&name)?;
            }
        }
        Ok(())
    }

    /// An account's usage in the UTC calendar month holding `now`.
    pub fn usage(&self, account_id: i64, now: i64) -> Result<Usage> {
        let (start, end, period) = time::month_of(now);
        let (parses, bytes): (i64, i64) = self
            .conn
            .prepare_cached("SELECT parses, bytes FROM usage WHERE account_id = ?1 AND period = ?2")?
            .query_row(params![account_id, period], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .unwrap_or((0, 0));
        let mut usage = Usage { period_start: start, period_end: end, parses, bytes, ..Usage::default() };
        let mut stmt = self.conn.prepare_cached(
            "SELECT status, count(*) FROM jobs WHERE account_id = ?1 AND created_at >= ?2 AND created_at < ?3
             GROUP BY status",
        )?;
        let rows =
            stmt.query_map(params![account_id, start, end], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (status, n) = row?;
            match JobStatus::parse(&status) {
                Some(JobStatus::Pending) => usage.pending = n,
                Some(JobStatus::Processing) => usage.processing = n,
                Some(JobStatus::Completed) => usage.completed = n,
                Some(JobStatus::Failed) => usage.failed = n,
                None => {}
            }
        }
        Ok(usage)
    }
}

/// Takes a job's parse back out of the usage of the month it was created in (never below zero).
fn refund(tx: &rusqlite::Connection, id: &str) -> Result<()> {
    let found: Option<(i64, i64)> = tx
        .query_row("SELECT account_id, created_at FROM jobs WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((account_id, created_at)) = found {
        let (_, _, period) = time::month_of(created_at);
        tx.execute(
            "UPDATE usage SET parses = max(parses - 1, 0) WHERE account_id = ?1 AND period = ?2",
            params![account_id, period],
        )?;
    }
    Ok(())
}
