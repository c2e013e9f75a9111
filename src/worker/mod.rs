//! The isolated parse worker of `cadlens serve` (security.md S-JOB-1, §2.9): each job runs in a fresh
//! process of this same binary (`cadlens worker`, hidden) that confines itself before it reads the input,
//! parses it with the library, and answers with one bounded frame.
//!
//! ```text
//! server thread ── start() ─ spawn `cadlens worker` (env cleared, setsid, PDEATHSIG, rlimits, no_new_privs)
//!                  ├─ thread: request frame + input ──► worker stdin
//!                  ├─ thread: worker stderr (bounded, only to classify crashes; never logged)
//!                  └─ thread: wall-clock watchdog (kills the process group)
//!   wait() ◄── response frame (bounded) ◄── worker: root → nobody, undumpable, inherited fds closed,
//!                                                   Landlock, seccomp → read → results → previews
//! ```
//!
//! The diagram follows the order of security.md §2.9. What is undone on the way is redone by the worker
//! itself: exec resets "undumpable", and the change to nobody clears the death signal.
//!
//! `protocol` holds the frames, `parent` the spawning, waiting and killing, `outcome` the mapping of exit
//! statuses and frames to [`WorkError`], `child` the worker's side, `sandbox` Landlock and seccomp, `sys`
//! the raw process calls (the only `unsafe`), `hooks` the poison jobs of the tests (debug builds only).

mod child;
#[cfg(debug_assertions)]
mod hooks;
mod outcome;
mod parent;
mod protocol;
mod sandbox;
mod sys;

use std::time::Duration;

use crate::result::Schema;

pub use child::run as run_worker;
pub use parent::{Canceller, Running, sandbox_status, start};
pub use protocol::SandboxStatus;

/// One job for a worker: what the result documents need besides the input bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkRequest {
    /// The uploaded file's display name (`file.name` in the result).
    pub file_name: String,
    pub job_id: Option<String>,
    /// The job's creation time (`createdAt` in the result).
    pub created_at_unix_ms: i64,
    /// One serialised result per schema, in this order.
    pub schemas: Vec<Schema>,
    /// Whether to render one PNG per emitted sheet.
    pub previews: bool,
    /// Preview size in pixels (clamped by the renderer's own limits).
    pub preview_size: (u32, u32),
}

/// What a worker may use. Memory is address space (RLIMIT_AS), CPU is user + system time (RLIMIT_CPU),
/// wall is measured by the parent from `start`, output is the response frame's payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkLimits {
    pub memory_bytes: u64,
    pub cpu_seconds: u64,
    pub wall: Duration,
    pub max_output_bytes: u64,
}

impl Default for WorkLimits {
    /// 1 GiB, 60 s CPU, 120 s wall, 512 MiB of output (security.md §2.9).
    fn default() -> Self {
        WorkLimits {
            memory_bytes: 1 << 30,
            cpu_seconds: 60,
            wall: Duration::from_secs(120),
            max_output_bytes: 512 << 20,
        }
    }
}

/// A finished parse.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkOutput {
    /// The input's format as the result names it (`DXF`, `STL`).
    pub format: String,
    /// One serialised result JSON per requested schema, in request order. Image URLs are left empty: the
    /// server fills signed ones.
    pub results: Vec<(Schema, Vec<u8>)>,
    /// One PNG per emitted sheet (`result::emitted_sheet_indices` order) when previews were asked for; an
    /// empty vector for a sheet with nothing to draw. A 3D model has no sheets: its one preview is the
    /// shaded view.
    pub previews: Vec<Vec<u8>>,
    /// Entities over all sheets.
    pub entity_count: u64,
    pub layer_count: u64,
    /// The sandbox layers the worker achieved (for one log line: `sandbox: {sandbox}`).
    pub sandbox: SandboxStatus,
}

/// Why a job produced no [`WorkOutput`]. `Display` is the job's `errorMsg`: one sentence for a person,
/// with no file content in it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkError {
    /// The reader refused the input (billed: the input is at fault). `unsupported`: a format without a
    /// reader or an unrecognised one, rather than a damaged file.
    #[error("{message}")]
    Unreadable { unsupported: bool, message: String },
    /// The worker died or answered nonsense (a reader bug; not billed).
    #[error("{0}")]
    ParserCrashed(String),
    /// The job hit its memory, CPU or output limit (not billed).
    #[error("{0}")]
    ResourceLimit(String),
    #[error("The parse did not finish within the job's time limit.")]
    Timeout,
    #[error("The job was cancelled.")]
    Cancelled,
    /// The worker could not be started (a server-side problem).
    #[error("{0}")]
    Spawn(String),
}

impl WorkError {
    /// A stable machine name for logs and metrics (security.md S-JOB-1: `parser_crashed`, `resource_limit`,
    /// `timeout`), beside the human sentence of `Display`.
    pub fn code(&self) -> &'static str {
        match self {
            WorkError::Unreadable { unsupported: true, .. } => "unsupported_format",
            WorkError::Unreadable { unsupported: false, .. } => "unreadable_file",
            WorkError::ParserCrashed(_) => "parser_crashed",
            WorkError::ResourceLimit(_) => "resource_limit",
            WorkError::Timeout => "timeout",
            WorkError::Cancelled => "cancelled",
            WorkError::Spawn(_) => "internal",
        }
    }

    /// Whether the failed job still counts as a parse (api.md §4: unparseable input is billed; timeouts,
    /// crashes and the server's own failures are not).
    pub fn is_billed(&self) -> bool {
        matches!(self, WorkError::Unreadable { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_inputs_fault_is_billed() {
        let unreadable = WorkError::Unreadable { unsupported: false, message: "x".into() };
        let unsupported = WorkError::Unreadable { unsupported: true, message: "x".into() };
        let billed: Vec<(&str, bool)> = [
            unreadable,
            unsupported,
            WorkError::ParserCrashed("x".into()),
            WorkError::ResourceLimit("x".into()),
            WorkError::Timeout,
            WorkError::Cancelled,
            WorkError::Spawn("x".into()),
        ]
        .iter()
        .map(|e| (e.code(), e.is_billed()))
        .collect();
        assert_eq!(
            billed,
            [
                ("unreadable_file", true),
                ("unsupported_format", true),
                ("parser_crashed", false),
                ("resource_limit", false),
                ("timeout", false),
                ("cancelled", false),
                ("internal", false),
            ]
        );
    }
}
