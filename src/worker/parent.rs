//! The server's side of a job: spawn the worker confined, feed it, watch the clock, read its answer
//! (bounded), kill its process group when needed and always reap it.
//!
//! Killing by process group id is safe from pid reuse because the group leader (the worker) is reaped only
//! under the job's lock, after which nobody kills: `wait` first waits for the exit *without* reaping
//! (the zombie keeps the id taken), then, under the lock, kills stragglers, reaps and marks the job reaped.

use std::io::{self, Read};
use std::path::Path;
use std::process::{Child, ChildStderr, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::Instant;

use super::outcome::{self, Ending};
use super::protocol::{self, Outcome, RequestHeader, SandboxStatus};
use super::sys::{self, ChildRlimits};
use super::{WorkError, WorkLimits, WorkOutput, WorkRequest};
use crate::result::Schema;

/// Open files the worker may hold: stdin, stdout, stderr, Landlock's ruleset and a few for std and the
/// allocator. Nothing in a parse opens a file.
const WORKER_OPEN_FILES: u64 = 16;
/// Seconds between the CPU soft limit (SIGXCPU) and the hard one (SIGKILL), should SIGXCPU be ignored.
const CPU_HARD_GRACE_SECONDS: u64 = 2;
/// How much of the worker's stderr is kept (to recognise an allocation failure or a stack overflow).
const STDERR_KEPT_BYTES: u64 = 16 * 1024;

/// What the job's threads share: whether the worker is reaped (after which its id must not be killed) and
/// why it was killed, if it was.
#[derive(Debug, Default)]
struct State {
    reaped: bool,
    cancelled: bool,
    timed_out: bool,
}

#[derive(Debug, Default)]
struct Shared {
    state: Mutex<State>,
    /// Signalled when the worker is reaped, so the watchdog stops waiting.
    reaped: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Kills the worker's group unless it is already reaped; `mark` records why.
    fn kill(&self, pid: u32, mark: impl FnOnce(&mut State)) {
        let mut state = self.lock();
        if !state.reaped {
            mark(&mut state);
            sys::kill_group(pid);
        }
    }
}

/// A running job. Dropping it without [`Running::wait`] kills the worker and reaps it.
#[derive(Debug)]
pub struct Running {
    child: Option<Child>,
    pid: u32,
    shared: Arc<Shared>,
    limits: WorkLimits,
    /// The schemas asked for, in order: the worker's results come back in this order.
    schemas: Vec<Schema>,
    writer: Option<JoinHandle<()>>,
    stderr: Option<JoinHandle<Vec<u8>>>,
    watchdog: Option<JoinHandle<()>>,
}

/// Cancels a job from any thread: kills the worker's process group; `wait` then returns
/// [`WorkError::Cancelled`]. Cancelling a finished job does nothing.
#[derive(Debug, Clone)]
pub struct Canceller {
    pid: u32,
    shared: Arc<Shared>,
}

impl Canceller {
    pub fn cancel(&self) {
        self.shared.kill(self.pid, |s| s.cancelled = true);
    }
}

/// Starts a worker (`exe worker`) on `input`. `exe` is this binary: `/proc/self/exe` names it even after
/// an upgrade replaced the file on disk (where `current_exe()` would name the new one, or a deleted path).
///
/// The worker dies with SIGKILL when the *thread* that calls `start` ends (PR_SET_PDEATHSIG follows the
/// thread), so call it from the thread that will also `wait` (e.g. inside one `spawn_blocking`). The
/// server must not set SIGCHLD to SIG_IGN (the kernel would then reap workers itself and their exit status
/// would be lost: every job would end as a crash).
pub fn start(exe: &Path, input: Vec<u8>, req: WorkRequest, limits: WorkLimits) -> Result<Running, WorkError> {
    let header = RequestHeader {
        file_name: req.file_name,
        job_id: req.job_id,
        created_at_unix_ms: req.created_at_unix_ms,
        schemas: req.schemas.iter().map(|s| s.as_str().to_owned()).collect(),
        previews: req.previews,
        preview_size: req.preview_size,
        max_output_bytes: limits.max_output_bytes,
        check_only: false,
    };
    spawn(exe, header, input, req.schemas, limits)
}

/// Starts a worker that only sets up its sandbox and reports it: what the server logs once at start.
pub fn sandbox_status(exe: &Path) -> Result<SandboxStatus, WorkError> {
    let header = RequestHeader {
        file_name: String::new(),
        job_id: None,
        created_at_unix_ms: 0,
        schemas: Vec::new(),
        previews: false,
        preview_size: (0, 0),
        max_output_bytes: protocol::MAX_HEADER_BYTES,
        check_only: true,
    };
    let limits = WorkLimits { wall: std::time::Duration::from_secs(10), ..WorkLimits::default() };
    let mut running = spawn(exe, header, Vec::new(), Vec::new(), limits)?;
    let (ending, frame) = running.finish();
    let (header, _) = outcome::classify(&ending, frame, &limits)?;
    match header.outcome {
        Outcome::Checked => Ok(header.sandbox),
        _ => Err(WorkError::ParserCrashed("The parse worker did not answer a sandbox check.".into())),
    }
}

fn spawn(
    exe: &Path,
    header: RequestHeader,
    input: Vec<u8>,
    schemas: Vec<Schema>,
    limits: WorkLimits,
) -> Result<Running, WorkError> {
    let mut cmd = Command::new(exe);
    // Nothing of the server's environment (secrets, paths) reaches the worker; it needs none of it.
    cmd.arg("worker").env_clear().current_dir("/").stdin(Stdio::piped()).stdout(Stdio::piped());
    cmd.stderr(Stdio::piped());
    sys::confine_before_exec(
        &mut cmd,
        ChildRlimits {
            address_space_bytes: limits.memory_bytes,
            cpu_soft_seconds: limits.cpu_seconds.max(1),
            cpu_hard_seconds: limits.cpu_seconds.max(1).saturating_add(CPU_HARD_GRACE_SECONDS),
            open_files: WORKER_OPEN_FILES,
        },
    );
    let mut child =
        cmd.spawn().map_err(|e| WorkError::Spawn(format!("The parse worker could not be started: {e}.")))?;
    let pid = child.id();
    let shared = Arc::new(Shared::default());
    let mut running = Running { child: None, pid, shared, limits, schemas, writer: None, stderr: None, watchdog: None };
    let (Some(mut stdin), Some(stderr)) = (child.stdin.take(), child.stderr.take()) else {
        running.child = Some(child);
        running.finish();
        return Err(WorkError::Spawn("The parse worker started without its pipes.".into()));
    };
    running.child = Some(child);
    // Writing on a thread: the worker may answer (or die) before it has read everything, and a parent that
    // wrote and read on one thread could block on a full pipe both ways. A write error (the worker died
    // early) is ignored: the exit status says what happened.
    // If a thread cannot be made, returning drops `running`, which kills and reaps the worker.
    running.writer = Some(named_thread("cadlens-job-input", move || {
        let _ = protocol::write_request(&mut stdin, &header, &input);
    })?);
    running.stderr = Some(named_thread("cadlens-job-stderr", move || keep_head(stderr))?);
    let shared = Arc::clone(&running.shared);
    running.watchdog = Some(named_thread("cadlens-job-clock", move || watchdog(pid, &shared, limits))?);
    Ok(running)
}

/// A thread of a job; failing to make one (the process is out of threads) is the job's spawn error, not a
/// panic of the server.
fn named_thread<T: Send + 'static>(
    name: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<JoinHandle<T>, WorkError> {
    thread::Builder::new()
        .name(name.into())
        .spawn(f)
        .map_err(|e| WorkError::Spawn(format!("The parse job could not start a thread: {e}.")))
}

/// Reads the worker's stderr to its end (so the worker never blocks on it), keeping only the first bytes.
fn keep_head(mut stderr: ChildStderr) -> Vec<u8> {
    let mut kept = Vec::new();
    let _ = (&mut stderr).take(STDERR_KEPT_BYTES).read_to_end(&mut kept);
    let _ = io::copy(&mut stderr, &mut io::sink());
    kept
}

/// Kills the worker's group when the wall-clock limit passes, unless it is reaped first. A limit too far
/// away to represent is no limit.
fn watchdog(pid: u32, shared: &Shared, limits: WorkLimits) {
    let deadline = Instant::now().checked_add(limits.wall);
    let mut state = shared.lock();
    while !state.reaped {
        let now = Instant::now();
        match deadline {
            Some(deadline) if now >= deadline => {
                state.timed_out = true;
                sys::kill_group(pid);
                return;
            }
            Some(deadline) => {
                state = shared.reaped.wait_timeout(state, deadline - now).map_or_else(|p| p.into_inner().0, |r| r.0);
            }
            None => state = shared.reaped.wait(state).unwrap_or_else(|p| p.into_inner()),
        }
    }
}

impl Running {
    /// The worker's process id (also its process group id).
    pub fn pid(&self) -> u32 {
        self.pid
    }

    pub fn canceller(&self) -> Canceller {
        Canceller { pid: self.pid, shared: Arc::clone(&self.shared) }
    }

    /// Waits for the worker to finish (or be killed) and returns its result.
    pub fn wait(mut self) -> Result<WorkOutput, WorkError> {
        let (ending, frame) = self.finish();
        let (header, blobs) = outcome::classify(&ending, frame, &self.limits)?;
        outcome::to_output(header, blobs, &self.schemas)
    }

    /// Reads the response (bounded), reaps the worker and joins the job's threads. Idempotent.
    fn finish(&mut self) -> (Ending, Vec<u8>) {
        let Some(mut child) = self.child.take() else {
            return (Ending::default(), Vec::new());
        };
        let cap = self.limits.max_output_bytes.saturating_add(protocol::MAX_HEADER_BYTES + protocol::PREFIX_BYTES);
        let mut frame = Vec::new();
        if let Some(stdout) = child.stdout.take() {
            let _ = stdout.take(cap.saturating_add(1)).read_to_end(&mut frame);
        }
        let oversized = frame.len() as u64 > cap;
        if oversized {
            self.shared.kill(self.pid, |_| {});
            frame.clear();
        }
        let reaped = self.reap().ok();
        let stderr = self.join_threads();
        let state = self.shared.lock();
        let ending = Ending {
            status: reaped.map(|r| r.status),
            cpu: reaped.map(|r| r.cpu).unwrap_or_default(),
            cancelled: state.cancelled,
            timed_out: state.timed_out,
            oversized,
            stderr,
        };
        (ending, frame)
    }

    /// Waits for the exit without reaping, then under the lock kills anything left in the group (the dead
    /// leader still holds the group id) and reaps.
    fn reap(&self) -> io::Result<sys::Reaped> {
        let waited = sys::wait_exited(self.pid);
        let mut state = self.shared.lock();
        if waited.is_ok() {
            sys::kill_group(self.pid);
        }
        let reaped = sys::reap(self.pid);
        state.reaped = true;
        self.shared.reaped.notify_all();
        reaped
    }

    fn join_threads(&mut self) -> Vec<u8> {
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
        if let Some(watchdog) = self.watchdog.take() {
            let _ = watchdog.join();
        }
        self.stderr.take().and_then(|h| h.join().ok()).unwrap_or_default()
    }
}

impl Drop for Running {
    /// A job dropped unfinished (the server gave up on it) must not leave a worker or a zombie behind.
    fn drop(&mut self) {
        if self.child.is_some() {
            self.shared.kill(self.pid, |s| s.cancelled = true);
            self.finish();
        }
    }
}
