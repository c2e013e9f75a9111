//! Outgoing webhooks in the store (api.md §6): the keys' signing secrets, sealed at rest, and one delivery
//! row per job event. The server decides what to send and when; the store keeps what must survive a
//! restart — which events exist, in which order, how often each was tried, and when it is due next.
//!
//! A secret is random and sealed (XChaCha20-Poly1305 under the `webhook` sub-key, the key id as associated
//! data) rather than derived from the master key and the key id: a sealed secret can be replaced without
//! changing the key, and a copied ciphertext does not open under another key's id (security.md S-ENC-2).
//! Event bodies carry the parse result, so they are job files, encrypted like the result itself.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rusqlite::{OptionalExtension, Row, params};
use zeroize::Zeroizing;

use super::Store;
use super::error::{Result, StoreError};
use super::secrets::fill_random;
use crate::webhook::WebhookSecret;

/// Sealed secret layout: format version ‖ 24-byte nonce ‖ ciphertext+tag.
const SEALED_V1: u8 = 1;
const NONCE_LEN: usize = 24;

/// One event of a job and the state of its delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookDelivery {
    /// UUID v4, also the `webhook-id` header: stable across retries (the receiver's idempotency key).
    pub event_id: String,
    pub job_id: String,
    /// 1, 2, … per job, in the order the events happened.
    pub sequence: i64,
    /// `job.processing`, `job.completed` or `job.failed`.
    pub event: String,
    pub created_at: i64,
    /// When the next attempt is due; `None` once delivered or given up.
    pub next_attempt_at: Option<i64>,
    pub attempts: i64,
    /// The HTTP status of the last attempt; `None` when it got no answer.
    pub last_status: Option<i64>,
    /// Why the last attempt failed, in words that quote no secret.
    pub last_error: Option<String>,
    pub delivered_at: Option<i64>,
    pub gave_up_at: Option<i64>,
}

/// A delivery claimed for an attempt, with what the attempt needs from its job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueDelivery {
    pub delivery: WebhookDelivery,
    pub url: String,
    pub key_id: Option<String>,
}

/// How one attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookAttempt<'a> {
    pub at: i64,
    pub status: Option<u16>,
    pub error: Option<&'a str>,
    pub delivered: bool,
    /// When to try again; `None` with `delivered == false` means: give up.
    pub retry_at: Option<i64>,
}

const DELIVERY_COLUMNS: &str = "d.event_id, d.job_id, d.sequence, d.event, d.created_at, d.next_attempt_at, d.attempts,
    d.last_status, d.last_error, d.delivered_at, d.gave_up_at";

fn delivery_from_row(r: &Row<'_>) -> rusqlite::Result<WebhookDelivery> {
    Ok(WebhookDelivery {
        event_id: r.get(0)?,
        job_id: r.get(1)?,
        sequence: r.get(2)?,
        event: r.get(3)?,
        created_at: r.get(4)?,
        next_attempt_at: r.get(5)?,
        attempts: r.get(6)?,
        last_status: r.get(7)?,
        last_error: r.get(8)?,
        delivered_at: r.get(9)?,
        gave_up_at: r.get(10)?,
    })
}

/// The job file holding event `sequence`'s body.
pub fn webhook_body_file(sequence: i64) -> String {
    format!("webhook-{sequence}.json")
}

/// A random UUID v4 (RFC 9562 §5.4): 122 random bits, version and variant set.
pub fn new_event_id() -> Result<String> {
    let mut b = [0u8; 16];
    fill_random(&mut b)?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = super::secrets::to_hex(&b);
    Ok(format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..]))
}

fn secret_aad(key_id: &str) -> Vec<u8> {
    format!("cadlens api_keys.webhook_secret v1\n{key_id}").into_bytes()
}

impl Store {
    fn webhook_cipher(&self) -> Result<XChaCha20Poly1305> {
        XChaCha20Poly1305::new_from_slice(&self.keys.webhook).map_err(|_| StoreError::Crypto("webhook key length"))
    }

    /// Seals a key's webhook secret for the `api_keys.webhook_secret` column.
    pub(crate) fn seal_webhook_secret(&self, key_id: &str, secret: &WebhookSecret) -> Result<Vec<u8>> {
        let mut nonce = [0u8; NONCE_LEN];
        fill_random(&mut nonce)?;
        let xnonce = XNonce::try_from(&nonce[..]).map_err(|_| StoreError::Crypto("nonce length"))?;
        let sealed = self
            .webhook_cipher()?
            .encrypt(&xnonce, Payload { msg: secret.bytes(), aad: &secret_aad(key_id) })
            .map_err(|_| StoreError::Crypto("sealing a webhook secret failed"))?;
        let mut out = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
        out.push(SEALED_V1);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// The webhook secret of key `key_id`: `None` for a key made before webhooks (it never had one) or a
    /// key that no longer exists. A sealed value that does not open is an error, never a guess.
    pub fn webhook_secret(&self, key_id: &str) -> Result<Option<WebhookSecret>> {
        let sealed: Option<Option<Vec<u8>>> = self
            .conn
            .prepare_cached("SELECT webhook_secret FROM api_keys WHERE id = ?1")?
            .query_row([key_id], |r| r.get(0))
            .optional()?;
        let Some(sealed) = sealed.flatten() else { return Ok(None) };
        if sealed.len() < 1 + NONCE_LEN || sealed[0] != SEALED_V1 {
            return Err(StoreError::Crypto("a stored webhook secret has no valid header"));
        }
        let nonce = XNonce::try_from(&sealed[1..1 + NONCE_LEN]).map_err(|_| StoreError::Crypto("nonce length"))?;
        let plain = Zeroizing::new(
            self.webhook_cipher()?
                .decrypt(&nonce, Payload { msg: &sealed[1 + NONCE_LEN..], aad: &secret_aad(key_id) })
                .map_err(|_| StoreError::Crypto("a stored webhook secret failed authentication"))?,
        );
        WebhookSecret::from_raw(&plain)
            .map(Some)
            .map_err(|_| StoreError::Crypto("a stored webhook secret is malformed"))
    }

    /// The secrets a delivery for key `key_id`'s jobs is signed with at `now`: the key's own first, then
    /// those of keys it replaced by rotation that still work (their grace period), so a receiver still
    /// holding the old secret keeps verifying until the old key ends (Standard Webhooks' rotation: several
    /// `v1,` signatures). Empty when the key has no secret.
    pub fn webhook_signing_secrets(&self, key_id: &str, now: i64) -> Result<Vec<WebhookSecret>> {
        let Some(own) = self.webhook_secret(key_id)? else { return Ok(Vec::new()) };
        let older: Vec<String> = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT id FROM api_keys WHERE rotated_to = ?1 AND revoked_at IS NULL
                   AND (expires_at IS NULL OR expires_at > ?2) AND webhook_secret IS NOT NULL
                 ORDER BY created_at DESC, id",
            )?;
            let rows = stmt.query_map(params![key_id, now], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut out = vec![own];
        for id in older {
            out.extend(self.webhook_secret(&id)?);
        }
        Ok(out)
    }

    /// Records the next event of a job, due at once: a new event id, the next sequence number, and the
    /// body (made by `body` from those two) as an encrypted job file. The file is written before the row,
    /// so a row never points at a missing body.
    pub fn add_webhook_event(
        &self,
        job_id: &str,
        event: &str,
        now: i64,
        body: impl FnOnce(i64, &str) -> Vec<u8>,
    ) -> Result<WebhookDelivery> {
        let event_id = new_event_id()?;
        self.write(|tx| {
            let sequence: i64 = tx.query_row(
                "SELECT coalesce(max(sequence), 0) + 1 FROM webhook_deliveries WHERE job_id = ?1",
                [job_id],
                |r| r.get(0),
            )?;
            self.put_job_file(job_id, &webhook_body_file(sequence), &body(sequence, &event_id))?;
            tx.execute(
                "INSERT INTO webhook_deliveries (event_id, job_id, sequence, event, created_at, next_attempt_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                params![event_id, job_id, sequence, event, now],
            )?;
            Ok(())
        })?;
        self.webhook_delivery(&event_id)?.ok_or_else(|| StoreError::invalid("webhook event", &event_id, "just made"))
    }

    pub fn webhook_delivery(&self, event_id: &str) -> Result<Option<WebhookDelivery>> {
        let sql = format!("SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries d WHERE d.event_id = ?1");
        Ok(self.conn.prepare_cached(&sql)?.query_row([event_id], delivery_from_row).optional()?)
    }

    /// A job's events in order (for `webhookDeliveries` on the job).
    pub fn webhook_deliveries(&self, job_id: &str) -> Result<Vec<WebhookDelivery>> {
        let sql =
            format!("SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries d WHERE d.job_id = ?1 ORDER BY d.sequence");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([job_id], delivery_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The decrypted body of event `sequence` of a job; `None` when the job's files are gone.
    pub fn webhook_body(&self, job_id: &str, sequence: i64) -> Result<Option<Zeroizing<Vec<u8>>>> {
        self.job_file_bytes(job_id, &webhook_body_file(sequence))
    }

    /// Claims up to `limit` deliveries due at `now` whose job has no earlier event still pending (events
    /// of one job go out in order), moving each one's due time to `lease_until` so the next poll does not
    /// pick it again while its attempt runs. An attempt cut off by a crash is released at the next start.
    pub fn claim_webhook_deliveries(&self, now: i64, lease_until: i64, limit: u32) -> Result<Vec<DueDelivery>> {
        self.write(|tx| {
            let sql = format!(
                "SELECT {DELIVERY_COLUMNS}, j.webhook_url, j.key_id FROM webhook_deliveries d
                 JOIN jobs j ON j.id = d.job_id
                 WHERE d.next_attempt_at IS NOT NULL AND d.next_attempt_at <= ?1
                   AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.job_id = d.job_id
                                   AND e.sequence < d.sequence AND e.next_attempt_at IS NOT NULL)
                 ORDER BY d.next_attempt_at, d.sequence LIMIT ?2"
            );
            let due: Vec<DueDelivery> = {
                let mut stmt = tx.prepare_cached(&sql)?;
                let rows = stmt.query_map(params![now, limit], |r| {
                    Ok(DueDelivery {
                        delivery: delivery_from_row(r)?,
                        url: r.get::<_, Option<String>>(11)?.unwrap_or_default(),
                        key_id: r.get(12)?,
                    })
                })?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            for d in &due {
                tx.execute(
                    "UPDATE webhook_deliveries SET next_attempt_at = ?2, leased = 1 WHERE event_id = ?1",
                    params![d.delivery.event_id, lease_until],
                )?;
            }
            Ok(due)
        })
    }

    /// At start: deliveries a stopped server had claimed (their attempt's outcome was never recorded) are
    /// due again at `now` instead of at the end of their lease. Only one server runs on a store, so every
    /// lease found here is a dead one. Returns how many were released.
    pub fn release_webhook_leases(&self, now: i64) -> Result<usize> {
        Ok(self.conn.execute(
            "UPDATE webhook_deliveries SET next_attempt_at = ?1, leased = 0 WHERE leased = 1 AND next_attempt_at IS NOT NULL",
            [now],
        )?)
    }

    /// The earliest time a delivery can be claimed (claimed ones count with their lease; an event waiting
    /// behind an earlier one of its job does not count), if any.
    pub fn next_webhook_due(&self) -> Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT min(d.next_attempt_at) FROM webhook_deliveries d WHERE d.next_attempt_at IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.job_id = d.job_id
                                   AND e.sequence < d.sequence AND e.next_attempt_at IS NOT NULL)",
            )?
            .query_row([], |r| r.get(0))?)
    }

    /// Records one attempt. False when the event is gone (its job was deleted meanwhile).
    pub fn record_webhook_attempt(&self, event_id: &str, a: &WebhookAttempt<'_>) -> Result<bool> {
        let next = if a.delivered { None } else { a.retry_at };
        let delivered_at = a.delivered.then_some(a.at);
        let gave_up_at = (!a.delivered && a.retry_at.is_none()).then_some(a.at);
        let changed = self
            .conn
            .prepare_cached(
                "UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = ?2, last_error = ?3,
                        next_attempt_at = ?4, delivered_at = ?5, gave_up_at = ?6, leased = 0
                 WHERE event_id = ?1 AND delivered_at IS NULL AND gave_up_at IS NULL",
            )?
            .execute(params![event_id, a.status, a.error, next, delivered_at, gave_up_at])?;
        Ok(changed == 1)
    }

    /// Jobs that ended at or after `since`, have a webhook URL, and have no `job.completed`/`job.failed`
    /// event: the server stopped between ending the job and recording the event, or ended it while
    /// starting up (`recover_jobs`). The server adds the missing event at start.
    pub fn jobs_missing_final_webhook(&self, since: i64) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT j.id FROM jobs j
             WHERE j.webhook_url IS NOT NULL AND j.status IN ('COMPLETED', 'FAILED') AND j.completed_at >= ?1
               AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.job_id = j.id
                               AND d.event IN ('job.completed', 'job.failed'))
             ORDER BY j.completed_at, j.id",
        )?;
        let rows = stmt.query_map([since], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_ids_are_version_4_uuids() {
        let a = new_event_id().expect("random");
        let b = new_event_id().expect("random");
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        let groups: Vec<&str> = a.split('-').collect();
        assert_eq!(groups.iter().map(|g| g.len()).collect::<Vec<_>>(), vec![8, 4, 4, 4, 12]);
        assert!(groups[2].starts_with('4'), "{a}");
        assert!(matches!(groups[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'), "{a}");
    }
}
