//! The job queue and its runners. Accepted jobs wait in a bounded channel (`--max-queued`; full → 503);
//! `--workers` runners take them one at a time and run each in its own sandboxed worker process
//! (`crate::worker`) on a blocking thread, so at most that many parses run at once whatever the load.
//! Running jobs can be cancelled (DELETE, shutdown); finished job ids are broadcast for `wait=true`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{broadcast, mpsc};

use super::app::Shared;
use super::webhooks;
use crate::result::Schema;
use crate::store::{JobEnd, ORIGINAL, time};
use crate::worker::{self, Canceller, WorkError, WorkLimits, WorkOutput, WorkRequest};

/// Preview size of every job (the CLI's default).
pub const PREVIEW_SIZE: (u32, u32) = (1024, 768);
/// The schemas every job is serialised in, so `?schema=` can choose at retrieval time.
pub const SCHEMAS: [Schema; 2] = [Schema::V2, Schema::V2024];

/// The job file holding the result in `schema`.
pub fn result_file(schema: Schema) -> String {
    format!("result-{}.json", schema.as_str())
}

/// The job file holding the preview of sheet `i`.
pub fn preview_file(i: usize) -> String {
    format!("preview-{i}.png")
}

pub struct Queue {
    tx: mpsc::Sender<String>,
    rx: tokio::sync::Mutex<mpsc::Receiver<String>>,
    running: Mutex<HashMap<String, Canceller>>,
    finished: broadcast::Sender<String>,
    /// Jobs a runner is working on, from claim to recorded outcome (shutdown waits for zero).
    active: AtomicUsize,
}

/// The queue is full: the upload is refused before anything is stored.
#[derive(Debug)]
pub struct QueueFull;

impl Queue {
    pub fn new(capacity: usize) -> Queue {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        let (finished, _) = broadcast::channel(1024);
        Queue {
            tx,
            rx: tokio::sync::Mutex::new(rx),
            running: Mutex::new(HashMap::new()),
            finished,
            active: AtomicUsize::new(0),
        }
    }

    /// A place in the queue, taken before the job is created so a full queue stores nothing.
    pub fn reserve(&self) -> Result<mpsc::Permit<'_, String>, QueueFull> {
        self.tx.try_reserve().map_err(|_| QueueFull)
    }

    /// Queues a job found at start (recovered PENDING jobs); false when the queue is full (it stays PENDING
    /// in the store and is picked up at the next start).
    pub fn push_recovered(&self, id: String) -> bool {
        self.tx.try_send(id).is_ok()
    }

    /// Finished job ids, for synchronous waiters.
    pub fn subscribe(&self) -> broadcast::Receiver<String> {
        self.finished.subscribe()
    }

    /// Stops a running job's worker (its runner then records the cancellation). Pending jobs need nothing:
    /// a runner skips a job that is no longer PENDING in the store.
    pub fn cancel(&self, id: &str) {
        if let Some(c) = self.lock_running().get(id) {
            c.cancel();
        }
    }

    /// Cancels every running job (shutdown, after the grace period).
    pub fn cancel_all(&self) {
        for c in self.lock_running().values() {
            c.cancel();
        }
    }

    pub fn active(&self) -> usize {
        self.active.load(Ordering::SeqCst)
    }

    fn lock_running(&self) -> std::sync::MutexGuard<'_, HashMap<String, Canceller>> {
        self.running.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Starts `n` runners on the current runtime.
pub fn spawn_runners(st: &Shared, n: usize) -> Vec<tokio::task::JoinHandle<()>> {
    (0..n.max(1)).map(|_| tokio::spawn(runner(Arc::clone(st)))).collect()
}

async fn runner(st: Shared) {
    loop {
        let next = { st.queue.rx.lock().await.recv().await };
        let Some(id) = next else { return };
        if st.is_shutting_down() {
            return;
        }
        st.queue.active.fetch_add(1, Ordering::SeqCst);
        run_job(&st, id).await;
        st.queue.active.fetch_sub(1, Ordering::SeqCst);
    }
}

/// What a runner needs from the store to start a job.
struct Claimed {
    input: zeroize::Zeroizing<Vec<u8>>,
    request: WorkRequest,
}

async fn run_job(st: &Shared, id: String) {
    let now = time::now_ms();
    let claim_id = id.clone();
    let claimed = st
        .db
        .call(move |s| -> Result<Option<Claimed>, crate::store::StoreError> {
            if !s.start_job(&claim_id, now)? {
                return Ok(None);
            }
            let Some(job) = s.job(&claim_id)? else { return Ok(None) };
            // A webhook that cannot be recorded must not stop the parse; it is logged instead.
            if let Err(e) = webhooks::events::processing(s, &job, now) {
                eprintln!("cadlens serve: job {claim_id}: recording its job.processing webhook: {e}");
            }
            let Some(input) = s.job_file_bytes(&claim_id, ORIGINAL)? else { return Ok(None) };
            let request = WorkRequest {
                file_name: job.file_name,
                job_id: Some(claim_id),
                created_at_unix_ms: job.created_at,
                schemas: SCHEMAS.to_vec(),
                previews: true,
                preview_size: PREVIEW_SIZE,
            };
            Ok(Some(Claimed { input, request }))
        })
        .await;
    st.webhook_wake.notify_one();
    let claimed = match claimed {
        Ok(Ok(Some(c))) => c,
        Ok(Ok(None)) => {
            // Deleted or not pending: nothing to do. A started job whose original is gone fails below.
            fail_if_started(st, &id, "The uploaded file is no longer available.").await;
            return;
        }
        Ok(Err(e)) => {
            eprintln!("cadlens serve: job {id}: {e}");
            fail_if_started(st, &id, "The uploaded file could not be read back.").await;
            return;
        }
        Err(_) => return,
    };
    let outcome = run_worker(st, &id, claimed).await;
    record(st, &id, outcome).await;
    st.webhook_wake.notify_one();
    let _ = st.queue.finished.send(id);
}

/// Runs the worker on a blocking thread (the worker dies with the thread that started it, so start and
/// wait happen on the same one) and keeps its canceller reachable meanwhile.
async fn run_worker(st: &Shared, id: &str, claimed: Claimed) -> Result<WorkOutput, WorkError> {
    let exe = st.cfg.worker_exe.clone();
    let limits = WorkLimits {
        memory_bytes: st.cfg.job_memory_bytes,
        cpu_seconds: st.cfg.job_timeout.as_secs().max(1),
        wall: st.cfg.job_timeout,
        ..WorkLimits::default()
    };
    let queue = Arc::clone(&st.queue);
    let id = id.to_owned();
    let joined = tokio::task::spawn_blocking(move || {
        let running = worker::start(&exe, claimed.input.to_vec(), claimed.request, limits)?;
        queue.lock_running().insert(id.clone(), running.canceller());
        let out = running.wait();
        queue.lock_running().remove(&id);
        out
    })
    .await;
    joined.unwrap_or_else(|e| Err(WorkError::Spawn(format!("The parse runner failed: {e}."))))
}

/// Stores the outcome: result files and previews (encrypted), then the terminal status; a failed job's
/// original is deleted at once (api.md §10). If the job was deleted meanwhile, whatever was written for it
/// is removed again.
async fn record(st: &Shared, id: &str, outcome: Result<WorkOutput, WorkError>) {
    let id = id.to_owned();
    let shutting_down = st.is_shutting_down();
    let app = Arc::clone(st);
    let stored = st
        .db
        .call(move |s| -> Result<(), crate::store::StoreError> {
            let now = time::now_ms();
            match outcome {
                Ok(out) => {
                    for (schema, bytes) in &out.results {
                        s.put_job_file(&id, &result_file(*schema), bytes)?;
                    }
                    let mut previews = 0i64;
                    for (i, png) in out.previews.iter().enumerate().filter(|(_, p)| !p.is_empty()) {
                        s.put_job_file(&id, &preview_file(i), png)?;
                        previews = previews.max(i as i64 + 1);
                    }
                    let end = JobEnd::Completed {
                        entity_count: i64::try_from(out.entity_count).unwrap_or(i64::MAX),
                        layer_count: i64::try_from(out.layer_count).unwrap_or(i64::MAX),
                        preview_count: previews,
                    };
                    if s.finish_job(&id, &end, now)? {
                        ended_webhook(s, &app, &id, now);
                    } else {
                        s.remove_job_files(&id)?;
                    }
                }
                Err(e) => {
                    // The code only (parser_crashed, timeout, …): the sentence may name the file's format.
                    eprintln!("cadlens serve: job {id} failed: {}", e.code());
                    let message = match &e {
                        WorkError::Cancelled if shutting_down => {
                            "The server shut down while parsing this file; upload it again.".to_owned()
                        }
                        other => other.to_string(),
                    };
                    let billable = e.is_billed();
                    if s.finish_job(&id, &JobEnd::Failed { message, billable }, now)? {
                        ended_webhook(s, &app, &id, now);
                    }
                    s.delete_original(&id, now)?;
                }
            }
            Ok(())
        })
        .await;
    if let Ok(Err(e)) = stored {
        eprintln!("cadlens serve: storing a job's outcome: {e}");
    }
}

/// A job that was started but cannot run ends FAILED (never stuck PROCESSING).
async fn fail_if_started(st: &Shared, id: &str, message: &'static str) {
    let id = id.to_owned();
    let app = Arc::clone(st);
    let _ = st
        .db
        .call(move |s| {
            let end = JobEnd::Failed { message: message.to_owned(), billable: false };
            if s.finish_job(&id, &end, time::now_ms()).unwrap_or(false) {
                let _ = s.delete_original(&id, time::now_ms());
                ended_webhook(s, &app, &id, time::now_ms());
            }
        })
        .await;
}

/// Records the job's final webhook event; a failure is logged (the next start adds a missing one).
fn ended_webhook(s: &crate::store::Store, st: &super::app::AppState, id: &str, now: i64) {
    if let Err(e) = webhooks::events::ended(s, st, id, now) {
        eprintln!("cadlens serve: job {id}: recording its final webhook: {e}");
    }
}
