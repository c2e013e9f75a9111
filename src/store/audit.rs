//! The audit log: one row per account, key, login, job and store event, each row's hash chained to the
//! previous row's with a key derived from the master key. Editing, deleting or reordering rows breaks the
//! chain at that row; a keyed "head" in `meta` also catches rows cut off the end. Without the master key
//! nobody can recompute a valid chain, so a database-only attacker cannot cover their tracks.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::error::Result;
use super::secrets::to_hex;

const GENESIS: [u8; 32] = [0; 32];
const HEAD: &str = "audit_head";

/// One event to record. Never put a password, a raw key or a hash in any field.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub outcome: &'a str,
    pub detail: &'a str,
}

/// A stored audit row, as listed and exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRow {
    pub seq: i64,
    #[serde(skip)]
    pub at_ms: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub outcome: String,
    pub detail: String,
    #[serde(rename = "prevHash")]
    pub prev_hash: String,
    #[serde(rename = "rowHash")]
    pub row_hash: String,
}

/// One break in the chain, naming the row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditProblem {
    pub seq: i64,
    pub message: String,
}

impl std::fmt::Display for AuditProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "audit row {}: {}", self.seq, self.message)
    }
}

/// The result of checking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditReport {
    pub rows: u64,
    pub problems: Vec<AuditProblem>,
}

impl AuditReport {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// The keyed hash of a row: a fixed label, the previous hash, then every field length-prefixed so that no
/// two different rows encode the same bytes.
fn row_hash(key: &[u8; 32], prev: &[u8; 32], seq: i64, at: i64, ev: &Event<'_>) -> [u8; 32] {
    let mut h = blake3::Hasher::new_keyed(key);
    h.update(b"cadlens audit row v1");
    h.update(prev);
    h.update(&seq.to_be_bytes());
    h.update(&at.to_be_bytes());
    for field in [ev.actor, ev.action, ev.target, ev.outcome, ev.detail] {
        h.update(&(field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    *h.finalize().as_bytes()
}

fn head_mac(key: &[u8; 32], seq: i64, hash: &[u8; 32]) -> [u8; 32] {
    let mut h = blake3::Hasher::new_keyed(key);
    h.update(b"cadlens audit head v1");
    h.update(&seq.to_be_bytes());
    h.update(hash);
    *h.finalize().as_bytes()
}

fn to_array(bytes: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    if bytes.len() == 32 {
        out.copy_from_slice(bytes);
    }
    out
}

/// Appends `ev` at time `at`. Call inside the write transaction of the change it records, so the event and
/// the change commit together and the chain's tail is read under the write lock.
pub fn append(conn: &Connection, key: &[u8; 32], at: i64, ev: &Event<'_>) -> Result<i64> {
    let last: Option<(i64, Vec<u8>)> = conn
        .query_row("SELECT seq, row_hash FROM audit ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (seq, prev) = match last {
        Some((seq, hash)) => (seq + 1, to_array(&hash)),
        None => (1, GENESIS),
    };
    let hash = row_hash(key, &prev, seq, at, ev);
    conn.execute(
        "INSERT INTO audit (seq, at, actor, action, target, outcome, detail, prev_hash, row_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![seq, at, ev.actor, ev.action, ev.target, ev.outcome, ev.detail, &prev[..], &hash[..]],
    )?;
    let mut head = Vec::with_capacity(72);
    head.extend_from_slice(&seq.to_be_bytes());
    head.extend_from_slice(&hash);
    head.extend_from_slice(&head_mac(key, seq, &hash));
    conn.execute("INSERT OR REPLACE INTO meta (name, value) VALUES (?1, ?2)", params![HEAD, head])?;
    Ok(seq)
}

struct RawRow {
    seq: i64,
    at: i64,
    fields: [String; 5],
    prev: Vec<u8>,
    hash: Vec<u8>,
}

fn read_rows(conn: &Connection, since: Option<i64>) -> Result<Vec<RawRow>> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, actor, action, target, outcome, detail, prev_hash, row_hash FROM audit
         WHERE at >= ?1 ORDER BY seq",
    )?;
    let rows = stmt.query_map([since.unwrap_or(i64::MIN)], |r| {
        Ok(RawRow {
            seq: r.get(0)?,
            at: r.get(1)?,
            fields: [r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?],
            prev: r.get(7)?,
            hash: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The rows at or after `since` (all when `None`), oldest first.
pub fn list(conn: &Connection, since: Option<i64>) -> Result<Vec<AuditRow>> {
    Ok(read_rows(conn, since)?
        .into_iter()
        .map(|r| {
            let [actor, action, target, outcome, detail] = r.fields;
            AuditRow {
                seq: r.seq,
                at_ms: r.at,
                at: super::time::rfc3339(r.at),
                actor,
                action,
                target,
                outcome,
                detail,
                prev_hash: to_hex(&r.prev),
                row_hash: to_hex(&r.hash),
            }
        })
        .collect())
}

/// Checks every row's hash and link, and the keyed head. Each problem names the row it was found at.
pub fn verify(conn: &Connection, key: &[u8; 32]) -> Result<AuditReport> {
    let rows = read_rows(conn, None)?;
    let mut problems = Vec::new();
    let mut expected_seq = 1;
    let mut prev = GENESIS;
    for row in &rows {
        check_row(key, row, expected_seq, &prev, &mut problems);
        expected_seq = row.seq + 1;
        prev = to_array(&row.hash);
    }
    check_head(conn, key, rows.last(), &mut problems)?;
    Ok(AuditReport { rows: rows.len() as u64, problems })
}

fn check_row(key: &[u8; 32], row: &RawRow, expected_seq: i64, prev: &[u8; 32], problems: &mut Vec<AuditProblem>) {
    let mut say = |message: String| problems.push(AuditProblem { seq: row.seq, message });
    if row.seq != expected_seq {
        say(format!("rows {expected_seq}..{} are missing (deleted)", row.seq - 1));
    } else if row.prev.as_slice() != prev.as_slice() {
        say("does not link to the row before it (rows were reordered or replaced)".to_owned());
    }
    let [actor, action, target, outcome, detail] = &row.fields;
    let ev = Event { actor, action, target, outcome, detail };
    let recomputed = row_hash(key, &to_array(&row.prev), row.seq, row.at, &ev);
    // Constant time is not needed for verifying a log, but it costs nothing and keeps one habit.
    if !bool::from(subtle::ConstantTimeEq::ct_eq(&recomputed[..], row.hash.as_slice())) {
        say("contents do not match the row's hash (edited)".to_owned());
    }
}

fn check_head(
    conn: &Connection,
    key: &[u8; 32],
    last: Option<&RawRow>,
    problems: &mut Vec<AuditProblem>,
) -> Result<()> {
    let head: Option<Vec<u8>> =
        conn.query_row("SELECT value FROM meta WHERE name = ?1", [HEAD], |r| r.get(0)).optional()?;
    let last_seq = last.map_or(0, |r| r.seq);
    let Some(head) = head else {
        if last.is_some() {
            problems.push(AuditProblem { seq: last_seq, message: "the chain's head record is missing".to_owned() });
        }
        return Ok(());
    };
    let parsed = (head.len() == 72).then(|| {
        let mut seq = [0u8; 8];
        seq.copy_from_slice(&head[..8]);
        (i64::from_be_bytes(seq), to_array(&head[8..40]), to_array(&head[40..72]))
    });
    let Some((head_seq, head_hash, _)) = parsed.filter(|(s, h, m)| head_mac(key, *s, h) == *m) else {
        problems.push(AuditProblem { seq: last_seq, message: "the chain's head record was tampered with".to_owned() });
        return Ok(());
    };
    if head_seq > last_seq {
        let message = format!("rows {}..{head_seq} are missing from the end (deleted)", last_seq + 1);
        problems.push(AuditProblem { seq: last_seq + 1, message });
    } else if head_seq < last_seq || last.is_some_and(|r| r.hash.as_slice() != head_hash.as_slice()) {
        problems
            .push(AuditProblem { seq: last_seq, message: "the last row is not the chain's recorded head".to_owned() });
    }
    Ok(())
}
