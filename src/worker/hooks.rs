//! Poison jobs for the tests of security.md (S-JOB-1, §2.9): inputs that make the worker abort, segfault,
//! exhaust its memory, spin, sleep, panic, or probe its sandbox. Compiled only into debug builds (which is
//! what `cargo test` runs); a release binary has no such code, and the same input is just an unrecognised
//! or damaged DXF there.
//!
//! A poison input starts with the DXF comment `999⏎CADLENS_TEST_HOOK <name>⏎` (a DXF comment, so a server
//! under test accepts it as a DXF upload). The hook runs after the sandbox is in place and before the parse.

use super::protocol::{Outcome, SandboxStatus};

const MARKER: &[u8] = b"999\nCADLENS_TEST_HOOK ";

/// What the `probe` hook answers instead of a parse.
pub struct Probe {
    pub outcome: Outcome,
    pub result: Vec<u8>,
}

/// Runs the hook the input names, if any; otherwise hands the input back untouched.
pub fn run_if_marked(input: Vec<u8>, sandbox: &SandboxStatus) -> Result<Vec<u8>, Probe> {
    let Some(rest) = input.strip_prefix(MARKER) else { return Ok(input) };
    let name = rest.split(|&b| b == b'\n').next().unwrap_or_default();
    match name {
        b"abort" => std::process::abort(),
        b"segv" => super::sys::die_of_segv(),
        b"alloc" => exhaust_memory(),
        b"spin" => spin(),
        b"sleep" => loop {
            std::thread::sleep(std::time::Duration::from_secs(3600));
        },
        b"panic" => panic!("test hook: a reader bug"),
        b"probe" => Err(probe(sandbox)),
        _ => Ok(input),
    }
}

/// Allocates up to 8 GiB in 64 MiB steps, touching every page, as a runaway reader would.
fn exhaust_memory() -> ! {
    let mut held: Vec<Vec<u8>> = Vec::new();
    for _ in 0..128 {
        held.push(vec![1u8; 64 << 20]);
        std::hint::black_box(&held);
    }
    // Only reached without a memory limit: the test then fails on the exit status.
    std::process::exit(9)
}

fn spin() -> ! {
    let mut n: u64 = 0;
    loop {
        n = std::hint::black_box(n.wrapping_add(1));
    }
}

/// Tries what an exploited reader would: read a file, write one, connect to a local TCP port, start a
/// program, signal its parent, clear its death signal. The
/// answer is a JSON object of the errno each attempt got (0 = it worked), the descriptors the worker holds
/// and the sandbox status.
fn probe(sandbox: &SandboxStatus) -> Probe {
    let errno = |r: std::io::Result<()>| r.err().map(|e| e.raw_os_error().unwrap_or(-1)).unwrap_or(0);
    let open = errno(std::fs::File::open("/etc/hostname").map(drop));
    let scratch = std::env::temp_dir().join("cadlens-worker-probe");
    let create = errno(std::fs::File::create(&scratch).map(drop));
    if create == 0 {
        let _ = std::fs::remove_file(&scratch); // only without a sandbox; the test then fails anyway
    }
    let connect = errno(std::net::TcpStream::connect(("127.0.0.1", 9)).map(drop));
    let exec = errno(std::process::Command::new("/bin/true").status().map(drop));
    let report = serde_json::json!({
        "openFds": super::sys::open_fds(),
        "openEtcHostname": open,
        "createTempFile": create,
        "signalParent": super::sys::try_signal_parent(),
        "tcpConnect": connect,
        "exec": exec,
        "clearDeathSignal": super::sys::try_clear_death_signal(),
        "landlock": sandbox.landlock,
        "seccomp": sandbox.seccomp,
        "user": sandbox.user,
    });
    let result = serde_json::to_vec(&report).unwrap_or_default();
    let outcome = Outcome::Parsed {
        format: "PROBE".into(),
        entity_count: 0,
        layer_count: 0,
        result_lengths: vec![result.len() as u64],
        preview_lengths: Vec::new(),
    };
    Probe { outcome, result }
}
