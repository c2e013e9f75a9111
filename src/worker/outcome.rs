//! How a worker's end becomes a job's result: the parent's own verdicts first (cancelled, timed out, an
//! oversized answer), then the kernel's (the signal that killed the worker, its CPU time), then the
//! worker's frame. Every sentence here may become a job's `errorMsg`, so none quotes the worker's stderr.

use std::os::unix::process::ExitStatusExt;
use std::process::ExitStatus;
use std::time::Duration;

use super::protocol::{self, Outcome, ResponseHeader};
use super::{WorkError, WorkLimits, WorkOutput};
use crate::result::Schema;

/// What the parent saw of a finished worker.
#[derive(Debug, Default)]
pub struct Ending {
    /// `None` when the worker could not be reaped (should not happen: it is our child).
    pub status: Option<ExitStatus>,
    /// User + system CPU time the worker used.
    pub cpu: Duration,
    pub cancelled: bool,
    pub timed_out: bool,
    /// The response grew past the output cap and was dropped.
    pub oversized: bool,
    /// The first bytes of the worker's stderr.
    pub stderr: Vec<u8>,
}

/// The Rust runtime's message when an allocation fails (then it aborts): under RLIMIT_AS, the memory limit.
const ALLOC_FAILED: &[u8] = b"memory allocation of ";
/// The Rust runtime's message before it aborts on a stack overflow.
const STACK_OVERFLOW: &[u8] = b"has overflowed its stack";
/// The exit code of a Rust panic.
const PANIC_EXIT: i32 = 101;

/// Decides the job's fate from how the worker ended, and decodes its frame when it ended well.
pub fn classify(
    ending: &Ending,
    frame: Vec<u8>,
    limits: &WorkLimits,
) -> Result<(ResponseHeader, Vec<Vec<u8>>), WorkError> {
    if ending.cancelled {
        return Err(WorkError::Cancelled);
    }
    if ending.timed_out {
        return Err(WorkError::Timeout);
    }
    if ending.oversized {
        return Err(WorkError::ParserCrashed(format!(
            "The parse worker's answer exceeded the output limit of {}.",
            mib(limits.max_output_bytes)
        )));
    }
    let Some(status) = ending.status else {
        return Err(WorkError::ParserCrashed("The parse worker's exit could not be observed.".into()));
    };
    if let Some(signal) = status.signal() {
        return Err(killed_by(signal, ending, limits));
    }
    match status.code() {
        Some(0) => protocol::decode_response(frame)
            .map_err(|e| WorkError::ParserCrashed(format!("The parse worker's answer was unreadable ({e})."))),
        Some(PANIC_EXIT) => Err(WorkError::ParserCrashed("The parser failed on this file (an internal error).".into())),
        Some(code) => Err(WorkError::ParserCrashed(format!("The parse worker stopped with exit status {code}."))),
        None => Err(WorkError::ParserCrashed("The parse worker ended without a status.".into())),
    }
}

/// A worker killed by `signal`: the limit it hit, or a crash.
fn killed_by(signal: i32, ending: &Ending, limits: &WorkLimits) -> WorkError {
    let cpu_limit = Duration::from_secs(limits.cpu_seconds.max(1));
    let out_of_cpu = ending.cpu >= cpu_limit;
    let says = |needle: &[u8]| ending.stderr.windows(needle.len()).any(|w| w == needle);
    match signal {
        libc::SIGXCPU => cpu_error(limits),
        // SIGKILL: the CPU hard limit if the worker used its CPU time, otherwise someone killed it.
        libc::SIGKILL if out_of_cpu => cpu_error(limits),
        libc::SIGABRT if says(ALLOC_FAILED) => memory_error(limits),
        libc::SIGSEGV | libc::SIGABRT if says(STACK_OVERFLOW) => {
            WorkError::ParserCrashed("The parser crashed: it recursed too deeply on this file.".into())
        }
        libc::SIGABRT => WorkError::ParserCrashed("The parser crashed (it aborted) on this file.".into()),
        libc::SIGSEGV | libc::SIGBUS => {
            WorkError::ParserCrashed("The parser crashed (a memory fault) on this file.".into())
        }
        libc::SIGKILL => WorkError::ParserCrashed("The parse worker was killed.".into()),
        other => WorkError::ParserCrashed(format!("The parse worker was killed by signal {other}.")),
    }
}

fn cpu_error(limits: &WorkLimits) -> WorkError {
    WorkError::ResourceLimit(format!("The parse exceeded its CPU time limit of {} s.", limits.cpu_seconds.max(1)))
}

fn memory_error(limits: &WorkLimits) -> WorkError {
    WorkError::ResourceLimit(format!("The parse exceeded its memory limit of {}.", mib(limits.memory_bytes)))
}

fn mib(bytes: u64) -> String {
    format!("{} MiB", bytes / (1024 * 1024))
}

/// Turns a worker's answer into the job's result; `schemas` are the ones requested, in order.
pub fn to_output(header: ResponseHeader, blobs: Vec<Vec<u8>>, schemas: &[Schema]) -> Result<WorkOutput, WorkError> {
    match header.outcome {
        Outcome::Parsed { format, entity_count, layer_count, result_lengths, .. } => {
            if result_lengths.len() != schemas.len() {
                return Err(WorkError::ParserCrashed(format!(
                    "The parse worker returned {} results for {} schemas.",
                    result_lengths.len(),
                    schemas.len()
                )));
            }
            let mut blobs = blobs.into_iter();
            let results = schemas.iter().map(|&s| (s, blobs.next().unwrap_or_default())).collect();
            let previews = blobs.collect();
            Ok(WorkOutput { format, results, previews, entity_count, layer_count, sandbox: header.sandbox })
        }
        Outcome::Unreadable { unsupported, message } => Err(WorkError::Unreadable { unsupported, message }),
        Outcome::ResourceLimit { message } => Err(WorkError::ResourceLimit(message)),
        Outcome::Checked => Err(WorkError::ParserCrashed("The parse worker did not parse the file.".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn killed(signal: i32, cpu_s: u64, stderr: &[u8]) -> WorkError {
        let ending = Ending {
            status: Some(ExitStatus::from_raw(signal)),
            cpu: Duration::from_secs(cpu_s),
            stderr: stderr.to_vec(),
            ..Ending::default()
        };
        let limits = WorkLimits { cpu_seconds: 2, memory_bytes: 256 << 20, ..WorkLimits::default() };
        classify(&ending, Vec::new(), &limits).unwrap_err()
    }

    #[test]
    fn signals_map_to_limits_or_crashes() {
        let cpu = WorkError::ResourceLimit("The parse exceeded its CPU time limit of 2 s.".into());
        assert_eq!(killed(libc::SIGXCPU, 2, b""), cpu);
        assert_eq!(killed(libc::SIGKILL, 4, b""), cpu);
        assert_eq!(killed(libc::SIGKILL, 0, b""), WorkError::ParserCrashed("The parse worker was killed.".into()));
        assert_eq!(
            killed(libc::SIGABRT, 0, b"memory allocation of 8589934592 bytes failed\n"),
            WorkError::ResourceLimit("The parse exceeded its memory limit of 256 MiB.".into())
        );
        assert_eq!(
            killed(libc::SIGABRT, 0, b""),
            WorkError::ParserCrashed("The parser crashed (it aborted) on this file.".into())
        );
        assert_eq!(
            killed(libc::SIGSEGV, 0, b"\nthread 'main' has overflowed its stack\n"),
            WorkError::ParserCrashed("The parser crashed: it recursed too deeply on this file.".into())
        );
    }

    #[test]
    fn the_parents_verdicts_come_first() {
        let limits = WorkLimits::default();
        let ending = |f: fn(&mut Ending)| {
            let mut e = Ending { status: Some(ExitStatus::from_raw(libc::SIGKILL)), ..Ending::default() };
            f(&mut e);
            classify(&e, Vec::new(), &limits).unwrap_err()
        };
        assert_eq!(ending(|e| e.cancelled = true), WorkError::Cancelled);
        assert_eq!(ending(|e| e.timed_out = true), WorkError::Timeout);
        assert!(matches!(ending(|e| e.oversized = true), WorkError::ParserCrashed(m) if m.contains("512 MiB")));
    }

    #[test]
    fn a_clean_exit_without_a_frame_is_a_crash() {
        let ending = Ending { status: Some(ExitStatus::from_raw(0)), ..Ending::default() };
        let err = classify(&ending, b"CLWR".to_vec(), &WorkLimits::default()).unwrap_err();
        assert!(
            matches!(err, WorkError::ParserCrashed(m) if m.starts_with("The parse worker's answer was unreadable"))
        );
        let panicked = Ending { status: Some(ExitStatus::from_raw(PANIC_EXIT << 8)), ..Ending::default() };
        assert_eq!(
            classify(&panicked, Vec::new(), &WorkLimits::default()).unwrap_err(),
            WorkError::ParserCrashed("The parser failed on this file (an internal error).".into())
        );
    }
}
