//! Outgoing webhooks of `cadlens serve` (api.md §6, security.md §1.9). The runners record an event in the
//! store whenever a job with a `webhookUrl` changes state (`events`); one deliverer task sends them:
//!
//! ```text
//! runner ─ events::processing / events::ended ─► store (row + encrypted body) ─ wake ─┐
//! deliverer: claim due rows (in order per job, leased) ─► ≤ 16 attempts at once ──────┘
//!   attempt (blocking pool): key's secret + body from the store ─ send::attempt ─ record, schedule retry
//! ```
//!
//! Everything that must survive a restart is in the store; the deliverer holds nothing but the attempts
//! in flight, so after a restart pending deliveries simply come due again. Deleting a job deletes its rows
//! (and so its pending deliveries).

pub mod events;
pub mod schedule;
pub mod send;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::app::Shared;
use crate::store::{DueDelivery, StoreError, WebhookAttempt, time};
use crate::webhook::WebhookSecret;

/// Attempts running at once (each may hold a blocking thread for up to the 10 s timeout).
const MAX_IN_FLIGHT: usize = 16;
/// A claimed delivery is not claimed again for this long: longer than an attempt can take (resolve plus
/// the 10 s timeout). One cut off by a crash is released at the next start.
const LEASE_MS: i64 = 30_000;
/// With nothing due, the deliverer still looks again this often (cheap; also covers a lost wake-up).
const IDLE: Duration = Duration::from_secs(30);

/// Starts the deliverer, after adding the final events a stop may have lost (see
/// [`crate::store::Store::jobs_missing_final_webhook`]).
pub fn spawn(st: &Shared) -> tokio::task::JoinHandle<()> {
    let st = Arc::clone(st);
    tokio::spawn(async move {
        add_missing_final_events(&st).await;
        deliverer(st).await;
    })
}

async fn add_missing_final_events(st: &Shared) {
    let window = i64::try_from(st.cfg.webhook_retry_window.as_millis()).unwrap_or(i64::MAX);
    let app = Arc::clone(st);
    let added = st
        .db
        .call(move |s| -> Result<usize, StoreError> {
            let now = time::now_ms();
            let released = s.release_webhook_leases(now)?;
            if released > 0 {
                eprintln!(
                    "cadlens serve: webhooks: {released} delivery attempt(s) cut off by the last stop are due again"
                );
            }
            let mut n = 0;
            for id in s.jobs_missing_final_webhook(now.saturating_sub(window))? {
                n += usize::from(events::ended(s, &app, &id, now)?);
            }
            Ok(n)
        })
        .await;
    match added {
        Ok(Ok(0)) | Err(_) => {}
        Ok(Ok(n)) => eprintln!("cadlens serve: webhooks: recorded {n} final event(s) missed by the last stop"),
        Ok(Err(e)) => eprintln!("cadlens serve: webhooks: {e}"),
    }
}

async fn deliverer(st: Shared) {
    let permits = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
    loop {
        let free = permits.available_permits();
        if free > 0 {
            let now = time::now_ms();
            let limit = u32::try_from(free).unwrap_or(1);
            match st.db.call(move |s| s.claim_webhook_deliveries(now, now + LEASE_MS, limit)).await {
                Ok(Ok(due)) => {
                    for d in due {
                        let Ok(permit) = Arc::clone(&permits).acquire_owned().await else { return };
                        tokio::spawn(attempt(Arc::clone(&st), d, permit));
                    }
                }
                Ok(Err(e)) => eprintln!("cadlens serve: webhooks: {e}"),
                Err(_) => {}
            }
        }
        // Sleep until the next delivery is due, a new event or a finished attempt wakes us, or IDLE.
        let wait = if permits.available_permits() == 0 {
            IDLE
        } else {
            match st.db.call(|s| s.next_webhook_due()).await {
                Ok(Ok(Some(at))) => Duration::from_millis(u64::try_from(at - time::now_ms()).unwrap_or(0)).min(IDLE),
                _ => IDLE,
            }
        };
        if wait.is_zero() {
            continue;
        }
        tokio::select! {
            () = st.webhook_wake.notified() => {}
            () = tokio::time::sleep(wait) => {}
        }
    }
}

/// What an attempt reads from the store before it sends.
enum Loaded {
    Ready(Vec<WebhookSecret>, zeroize::Zeroizing<Vec<u8>>),
    /// Nothing to retry: the key has no secret or the body is gone.
    Hopeless(&'static str),
}

async fn attempt(st: Shared, due: DueDelivery, permit: OwnedSemaphorePermit) {
    let d = &due.delivery;
    let (key, job, seq) = (due.key_id.clone(), d.job_id.clone(), d.sequence);
    let loaded = st
        .db
        .call(move |s| -> Result<Loaded, StoreError> {
            let secrets = match key {
                Some(k) => s.webhook_signing_secrets(&k, time::now_ms())?,
                None => Vec::new(),
            };
            if secrets.is_empty() {
                return Ok(Loaded::Hopeless("the job's API key has no webhook secret"));
            }
            match s.webhook_body(&job, seq)? {
                Some(body) => Ok(Loaded::Ready(secrets, body)),
                None => Ok(Loaded::Hopeless("the event's body is gone")),
            }
        })
        .await;
    let (sent, hopeless) = match loaded {
        Ok(Ok(Loaded::Ready(secrets, body))) => {
            let (url, event_id, allow_private) = (due.url.clone(), d.event_id.clone(), st.cfg.webhook_allow_private);
            let joined = tokio::task::spawn_blocking(move || {
                send::attempt(&send::Delivery {
                    url: &url,
                    allow_private,
                    secrets: &secrets,
                    event_id: &event_id,
                    body: &body,
                    now_s: time::now_ms() / 1000,
                })
            })
            .await;
            let sent =
                joined.unwrap_or_else(|e| send::Sent { status: None, error: Some(format!("attempt failed: {e}")) });
            (sent, false)
        }
        Ok(Ok(Loaded::Hopeless(why))) => (send::Sent { status: None, error: Some(why.to_owned()) }, true),
        Ok(Err(e)) => (send::Sent { status: None, error: Some(format!("store: {e}")) }, false),
        Err(_) => (send::Sent { status: None, error: Some("store unavailable".to_owned()) }, false),
    };
    record(&st, &due, &sent, hopeless).await;
    drop(permit);
    st.webhook_wake.notify_one();
}

/// Stores the attempt and schedules the next one (or gives up), with one log line per failure.
async fn record(st: &Shared, due: &DueDelivery, sent: &send::Sent, hopeless: bool) {
    let d = &due.delivery;
    let now = time::now_ms();
    let attempts = d.attempts + 1;
    let window = i64::try_from(st.cfg.webhook_retry_window.as_millis()).unwrap_or(i64::MAX);
    let retry_at = if sent.delivered() || hopeless {
        None
    } else {
        schedule::retry_at(attempts, now, d.created_at, window, jitter())
    };
    let (event_id, error, status, delivered) = (d.event_id.clone(), sent.error.clone(), sent.status, sent.delivered());
    let stored = st
        .db
        .call(move |s| {
            let a = WebhookAttempt { at: now, status, error: error.as_deref(), delivered, retry_at };
            s.record_webhook_attempt(&event_id, &a)
        })
        .await;
    if let Ok(Err(e)) = stored {
        eprintln!("cadlens serve: webhooks: recording an attempt: {e}");
    }
    if delivered {
        return;
    }
    let why = sent.error.as_deref().unwrap_or("failed");
    let next = match retry_at {
        Some(at) => format!("next attempt in {} ms", at - now),
        None => "given up".to_owned(),
    };
    eprintln!(
        "cadlens serve: webhook {} #{} of {} ({}): attempt {attempts} failed: {why}; {next}",
        d.event, d.sequence, d.job_id, d.event_id
    );
}

fn jitter() -> u64 {
    let mut b = [0u8; 8];
    // Without randomness the wait is simply the shortest of its band.
    let _ = getrandom::fill(&mut b);
    u64::from_le_bytes(b)
}
