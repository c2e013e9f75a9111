//! The parse worker, black-box through the library API (`cadlens::worker::start`) with the real binary:
//! results equal to `cadlens parse --json`, refusals, every limit and crash of security.md §2.9 (with the
//! debug-build poison hooks of `src/worker/hooks.rs`), the sandbox from inside, and no zombies.
//!
//! The tests take one lock: CPU-time and wall-clock limits are measured on a loaded 2-core machine, and the
//! zombie check looks at all children of this test process, which concurrent jobs would muddle.

mod common;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use cadlens::result::Schema;
use cadlens::worker::{self, WorkError, WorkLimits, WorkOutput, WorkRequest};

const DXF: &str = "dxf/libredwg__test_test-data_r2.10_entities.dxf";
const STL: &str = "stl/tika__testSTL-ascii.stl";
const CREATED_AT_MS: i64 = 1_764_000_000_123;

static SERIAL: Mutex<()> = Mutex::new(());

/// Holds the test lock; on drop (also after a failed assertion) nothing else runs until the check is done.
struct Serial(#[allow(dead_code)] MutexGuard<'static, ()>);

fn serial() -> Serial {
    Serial(SERIAL.lock().unwrap_or_else(|p| p.into_inner()))
}

fn exe() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_cadlens"))
}

fn request(name: &str) -> WorkRequest {
    WorkRequest {
        file_name: name.into(),
        job_id: None,
        created_at_unix_ms: CREATED_AT_MS,
        schemas: vec![Schema::V2],
        previews: true,
        preview_size: (320, 240),
    }
}

/// Tight limits for the poison jobs: 256 MiB, 1 s of CPU, 2 s of wall clock.
fn tight() -> WorkLimits {
    WorkLimits { memory_bytes: 256 << 20, cpu_seconds: 1, wall: Duration::from_secs(2), max_output_bytes: 16 << 20 }
}

fn run(input: Vec<u8>, req: WorkRequest, limits: WorkLimits) -> Result<WorkOutput, WorkError> {
    worker::start(&exe(), input, req, limits).expect("the worker starts").wait()
}

/// A poison input (hooks.rs): a DXF comment naming the hook, then a small valid drawing.
fn poison(hook: &str) -> Vec<u8> {
    format!("999\nCADLENS_TEST_HOOK {hook}\n  0\nSECTION\n  2\nENTITIES\n  0\nENDSEC\n  0\nEOF\n").into_bytes()
}

fn corpus_file(corpus: &Path, rel: &str) -> Vec<u8> {
    std::fs::read(corpus.join(rel)).expect("corpus file readable")
}

/// Children of this test process, with their state letter (`Z` = zombie), from /proc.
fn children() -> Vec<(u32, char)> {
    let me = std::process::id();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc is readable").flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        // `pid (comm) state ppid …`: comm may hold spaces, so split after its closing parenthesis.
        let Some(after) = stat.rfind(')').map(|i| &stat[i + 1..]) else { continue };
        let mut fields = after.split_whitespace();
        let state = fields.next().and_then(|s| s.chars().next()).unwrap_or('?');
        if fields.next().and_then(|p| p.parse::<u32>().ok()) == Some(me) {
            found.push((pid, state));
        }
    }
    found
}

/// Who the worker should parse as: `nobody` when these tests run as root (as CI does), else unchanged.
fn worker_user() -> String {
    use std::os::unix::fs::MetadataExt;
    match std::fs::metadata("/proc/self").expect("/proc/self").uid() {
        0 => "nobody (65534, was root)".into(),
        uid => format!("uid {uid} (not root, unchanged)"),
    }
}

fn assert_no_children() {
    assert_eq!(children(), Vec::<(u32, char)>::new(), "no worker (and no zombie) outlives its job");
}

#[test]
fn a_corpus_dxf_gives_the_same_result_as_parse_json_and_a_png() {
    let Some(corpus) = common::corpus() else { return };
    let _serial = serial();
    let out =
        run(corpus_file(&corpus, DXF), request("libredwg__test_test-data_r2.10_entities.dxf"), WorkLimits::default())
            .expect("the DXF parses");
    assert_eq!(out.format, "DXF");
    assert_eq!((out.entity_count, out.layer_count), (13, 1));
    assert_eq!(out.results.len(), 1);
    assert_eq!(out.results[0].0, Schema::V2);

    // The CLI's document for the same file, with the two members that depend on the moment of the parse
    // (`createdAt`, from the request here, and `parseInfo.durationMs`) taken from the worker's.
    let cli = common::run(&["parse", "--json", &corpus.join(DXF).display().to_string()], &corpus);
    assert!(cli.status.success(), "cadlens parse --json succeeds");
    let worker_doc: serde_json::Value = serde_json::from_slice(&out.results[0].1).expect("the worker's JSON");
    assert_eq!(worker_doc["createdAt"], "2025-11-24T16:00:00.123Z");
    let mut cli_doc: serde_json::Value = serde_json::from_slice(&cli.stdout).expect("the CLI's JSON");
    cli_doc["createdAt"] = worker_doc["createdAt"].clone();
    cli_doc["parseInfo"]["durationMs"] = worker_doc["parseInfo"]["durationMs"].clone();
    assert_eq!(serde_json::to_vec(&cli_doc).unwrap(), out.results[0].1, "the same bytes as parse --json");

    assert_eq!(out.previews.len(), 1, "one preview per emitted sheet");
    let decoder = png::Decoder::new(out.previews[0].as_slice());
    let reader = decoder.read_info().expect("the preview is a PNG");
    assert_eq!((reader.info().width, reader.info().height), (320, 240));
    assert_eq!(out.sandbox.to_string(), format!("landlock=fully enforced, seccomp=enforced, user={}", worker_user()));
    assert_no_children();
}

#[test]
fn an_stl_parses_in_both_schemas() {
    let Some(corpus) = common::corpus() else { return };
    let _serial = serial();
    let req = WorkRequest { schemas: vec![Schema::V2024, Schema::V2], ..request("part.stl") };
    let out = run(corpus_file(&corpus, STL), req, WorkLimits::default()).expect("the STL parses");
    assert_eq!(out.format, "STL");
    let schemas: Vec<Schema> = out.results.iter().map(|r| r.0).collect();
    assert_eq!(schemas, [Schema::V2024, Schema::V2]);
    let v2: serde_json::Value = serde_json::from_slice(&out.results[1].1).unwrap();
    assert_eq!(v2["schemaVersion"], "2.0.0");
    assert_eq!(v2["file"]["format"], "STL");
    // A 3D model has no sheets: its one preview is the shaded view.
    assert_eq!(out.previews.len(), 1, "one shaded view");
    assert!(out.previews[0].starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    assert_no_children();
}

#[test]
fn a_png_named_dxf_is_unreadable_and_unsupported() {
    let _serial = serial();
    let mut png_bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut png_bytes, 2, 2);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.write_header().unwrap().write_image_data(&[0, 255, 255, 0]).unwrap();
    }
    let err = run(png_bytes, request("drawing.dxf"), WorkLimits::default()).unwrap_err();
    assert_eq!(
        err,
        WorkError::Unreadable {
            unsupported: true,
            message: "The file's content matches no CAD format cadlens reads (the extension is not used).".into()
        }
    );
    assert_no_children();
}

#[test]
fn a_truncated_dxf_is_unreadable() {
    let Some(corpus) = common::corpus() else { return };
    let _serial = serial();
    let mut bytes = corpus_file(&corpus, DXF);
    // Cut at a line end half-way: the drawing stops between two tags (a cut inside a line would be a bad
    // group code instead).
    let half = bytes[..bytes.len() / 2].iter().rposition(|&b| b == b'\n').expect("a line end") + 1;
    bytes.truncate(half);
    match run(bytes, request("cut.dxf"), WorkLimits::default()) {
        Err(WorkError::Unreadable { unsupported: false, message }) => {
            assert!(message.starts_with("The DXF file is truncated at line "), "{message}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_no_children();
}

#[test]
fn an_answer_over_the_output_limit_is_a_resource_limit() {
    let Some(corpus) = common::corpus() else { return };
    let _serial = serial();
    let limits = WorkLimits { max_output_bytes: 1024, ..WorkLimits::default() };
    let err = run(corpus_file(&corpus, DXF), request("big.dxf"), limits).unwrap_err();
    assert!(matches!(&err, WorkError::ResourceLimit(m) if m.ends_with("exceeds the output limit of 0 MiB.")), "{err}");
    assert_no_children();
}

#[test]
fn a_memory_hog_hits_the_memory_limit() {
    let _serial = serial();
    let started = Instant::now();
    let err = run(poison("alloc"), request("hog.dxf"), tight()).unwrap_err();
    eprintln!("MEASURED memory hog with a 256 MiB limit ended after {:?}", started.elapsed());
    assert_eq!(err, WorkError::ResourceLimit("The parse exceeded its memory limit of 256 MiB.".into()));
    assert_no_children();
}

/// A drawing of `lines` LINE entities, generated (the corpus has nothing this large).
fn many_lines(lines: usize) -> Vec<u8> {
    let mut dxf = b"  0\nSECTION\n  2\nENTITIES\n".to_vec();
    for i in 0..lines {
        let y = i % 1000;
        dxf.extend_from_slice(format!("  0\nLINE\n  8\nL{}\n 10\n0\n 20\n{y}\n 11\n100\n 21\n{y}\n", i % 7).as_bytes());
    }
    dxf.extend_from_slice(b"  0\nENDSEC\n  0\nEOF\n");
    dxf
}

#[test]
fn a_real_parse_over_the_memory_limit_is_a_resource_limit() {
    let _serial = serial();
    // 20 MB of input, about 400 000 entities: far more than 64 MiB of address space once parsed.
    let dxf = many_lines(400_000);
    let limits = WorkLimits { memory_bytes: 64 << 20, wall: Duration::from_secs(60), cpu_seconds: 60, ..tight() };
    let started = Instant::now();
    let err = run(dxf, request("big.dxf"), limits).unwrap_err();
    eprintln!("MEASURED a 400 000-line DXF under 64 MiB failed after {:?}", started.elapsed());
    assert_eq!(err, WorkError::ResourceLimit("The parse exceeded its memory limit of 64 MiB.".into()));
    assert_no_children();
}

/// A drawing with a large result (100 000 lines: 4.6 MB in, 56 MB of 2.0.0 JSON) parses within 384 MiB of
/// address space, preview included: the result is written entity by entity, never held as one JSON tree.
/// (Measured on this input: the tree-building writer this replaced needed more than 768 MiB; now a release
/// worker needs under 128 MiB, a debug one under 224 MiB.)
#[test]
fn a_large_result_is_written_within_a_limit_its_json_tree_would_exceed() {
    let _serial = serial();
    let limits = WorkLimits { memory_bytes: 384 << 20, ..WorkLimits::default() };
    let out = run(many_lines(100_000), request("lines.dxf"), limits).expect("the parse fits its limit");
    let (schema, json) = &out.results[0];
    assert_eq!(*schema, Schema::V2);
    let doc: serde_json::Value = serde_json::from_slice(json).expect("the result is JSON");
    assert_eq!(doc["summary"]["totalEntities"], 100_000);
    assert_eq!(doc["sheets"][0]["entities"].as_array().map(Vec::len), Some(100_000));
    assert!(json.len() > 50_000_000, "{} bytes of JSON", json.len());
    assert_no_children();
}

#[test]
fn an_input_larger_than_the_memory_limit_is_a_resource_limit() {
    let _serial = serial();
    let limits = WorkLimits { memory_bytes: 64 << 20, ..tight() };
    let err = run(vec![b' '; 80 << 20], request("huge.dxf"), limits).unwrap_err();
    assert_eq!(err, WorkError::ResourceLimit("The file (80 MiB) does not fit the parse's memory limit.".into()));
    assert_no_children();
}

#[test]
fn a_spinning_parser_is_killed_at_the_cpu_limit() {
    let _serial = serial();
    let limits = WorkLimits { wall: Duration::from_secs(30), ..tight() };
    let started = Instant::now();
    let err = run(poison("spin"), request("spin.dxf"), limits).unwrap_err();
    let took = started.elapsed();
    assert_eq!(err, WorkError::ResourceLimit("The parse exceeded its CPU time limit of 1 s.".into()));
    assert!(took < Duration::from_secs(20), "killed at 1 s of CPU, not at the 30 s wall limit: {took:?}");
    eprintln!("MEASURED spin with a 1 s CPU limit ended after {took:?} of wall clock");
    assert_no_children();
}

#[test]
fn a_sleeping_parser_is_killed_at_the_wall_clock_limit() {
    let _serial = serial();
    let started = Instant::now();
    let err = run(poison("sleep"), request("sleep.dxf"), tight()).unwrap_err();
    let took = started.elapsed();
    assert_eq!(err, WorkError::Timeout);
    assert!(took >= Duration::from_secs(2) && took < Duration::from_secs(4), "killed at the 2 s wall limit: {took:?}");
    eprintln!("MEASURED sleep with a 2 s wall limit ended after {took:?}");
    assert_no_children();
}

#[test]
fn a_cancelled_job_ends_within_a_second() {
    let _serial = serial();
    let limits = WorkLimits { wall: Duration::from_secs(60), ..tight() };
    let running = worker::start(&exe(), poison("sleep"), request("sleep.dxf"), limits).unwrap();
    let canceller = running.canceller();
    let waiter = std::thread::spawn(move || running.wait());
    std::thread::sleep(Duration::from_millis(300));
    let cancelled_at = Instant::now();
    canceller.cancel();
    let result = waiter.join().unwrap();
    let took = cancelled_at.elapsed();
    assert_eq!(result.unwrap_err(), WorkError::Cancelled);
    assert!(took < Duration::from_secs(1), "cancel took {took:?}");
    eprintln!("MEASURED cancel to Cancelled: {took:?}");
    canceller.cancel(); // after the end: does nothing (the id is reaped, never killed again)
    assert_no_children();
}

#[test]
fn a_worker_killed_from_outside_is_a_crash_and_the_next_job_succeeds() {
    let Some(corpus) = common::corpus() else { return };
    let _serial = serial();
    let limits = WorkLimits { wall: Duration::from_secs(60), ..tight() };
    let running = worker::start(&exe(), poison("sleep"), request("sleep.dxf"), limits).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let kill = std::process::Command::new("kill").args(["-9", &running.pid().to_string()]).status().unwrap();
    assert!(kill.success());
    assert_eq!(running.wait().unwrap_err(), WorkError::ParserCrashed("The parse worker was killed.".into()));
    let next = run(corpus_file(&corpus, DXF), request("next.dxf"), WorkLimits::default()).expect("the next job");
    assert_eq!(next.entity_count, 13);
    assert_no_children();
}

#[test]
fn a_poison_job_among_normal_ones_fails_alone() {
    let Some(corpus) = common::corpus() else { return };
    let _serial = serial();
    let dxf = corpus_file(&corpus, DXF);
    // S-JOB-1 at the library level: jobs started together from several threads, one of them a crash.
    let jobs: Vec<_> = (0..5)
        .map(|i| {
            let input = if i == 2 { poison("segv") } else { dxf.clone() };
            std::thread::spawn(move || run(input, request("job.dxf"), WorkLimits::default()))
        })
        .collect();
    let results: Vec<_> = jobs.into_iter().map(|j| j.join().unwrap()).collect();
    for (i, result) in results.iter().enumerate() {
        match (i, result) {
            (2, Err(WorkError::ParserCrashed(_))) => {}
            (2, other) => panic!("the poison job should crash, got {other:?}"),
            (_, Ok(out)) => assert_eq!(out.entity_count, 13),
            (_, Err(e)) => panic!("job {i} failed: {e}"),
        }
    }
    assert_no_children();
}

#[test]
fn crashing_parsers_are_reported_as_crashes() {
    let _serial = serial();
    let crash = |hook| run(poison(hook), request("crash.dxf"), tight()).unwrap_err();
    assert_eq!(crash("abort"), WorkError::ParserCrashed("The parser crashed (it aborted) on this file.".into()));
    assert_eq!(crash("segv"), WorkError::ParserCrashed("The parser crashed (a memory fault) on this file.".into()));
    assert_eq!(crash("panic"), WorkError::ParserCrashed("The parser failed on this file (an internal error).".into()));
    assert_no_children();
}

#[test]
fn the_worker_cannot_touch_files_network_processes_or_its_confinement() {
    let _serial = serial();
    let out = run(poison("probe"), request("probe.dxf"), tight()).expect("the probe answers");
    let report: serde_json::Value = serde_json::from_slice(&out.results[0].1).unwrap();
    // Measured on the project's kernel (security.md §2.9): Landlock refuses opening and creating files
    // (EACCES) and signalling outside the sandbox (EPERM); seccomp refuses socket() and execve() (EPERM)
    // before Landlock's TCP rule is even consulted, and the prctl that would clear the death signal.
    assert_eq!(report["landlock"], "fully enforced");
    assert_eq!(report["seccomp"], "enforced");
    assert_eq!(report["user"], worker_user());
    assert_eq!(report["openEtcHostname"], libc::EACCES);
    assert_eq!(report["createTempFile"], libc::EACCES, "no file is ever written (security.md §2.9 temp hygiene)");
    assert_eq!(report["signalParent"], libc::EPERM, "Landlock's signal scope (and being nobody)");
    assert_eq!(report["tcpConnect"], libc::EPERM);
    assert_eq!(report["exec"], libc::EPERM);
    assert_eq!(report["clearDeathSignal"], libc::EPERM, "the worker cannot outlive a crashed server");
    // Only stdin, stdout and stderr: anything inherited (cargo's jobserver pipe, say) was closed.
    assert_eq!(report["openFds"], serde_json::json!([0, 1, 2]));
    assert_no_children();
}

#[test]
fn the_sandbox_status_is_reported_without_a_parse() {
    let _serial = serial();
    let status = worker::sandbox_status(&exe()).expect("the check answers");
    assert_eq!(status.to_string(), format!("landlock=fully enforced, seccomp=enforced, user={}", worker_user()));
    assert_no_children();
}

#[test]
fn a_job_dropped_unfinished_leaves_no_worker_behind() {
    let _serial = serial();
    let limits = WorkLimits { wall: Duration::from_secs(60), ..tight() };
    let running = worker::start(&exe(), poison("sleep"), request("sleep.dxf"), limits).unwrap();
    let pid = running.pid();
    assert_eq!(children().iter().map(|c| c.0).collect::<Vec<_>>(), [pid], "the worker runs");
    let started = Instant::now();
    drop(running);
    assert!(started.elapsed() < Duration::from_secs(1), "dropping kills at once: {:?}", started.elapsed());
    assert_no_children();
}

#[test]
fn a_worker_dies_with_the_thread_that_started_it() {
    let _serial = serial();
    let limits = WorkLimits { wall: Duration::from_secs(60), ..tight() };
    // PR_SET_PDEATHSIG follows the starting thread; it must survive the worker's drop from root to nobody
    // (a uid change clears it, so the worker sets it again). The thread ends once the worker is asleep in
    // its hook, long past that change.
    let running = std::thread::spawn(move || {
        let running = worker::start(&exe(), poison("sleep"), request("s.dxf"), limits).unwrap();
        std::thread::sleep(Duration::from_millis(500));
        running
    })
    .join()
    .unwrap();
    let started = Instant::now();
    assert_eq!(running.wait().unwrap_err(), WorkError::ParserCrashed("The parse worker was killed.".into()));
    assert!(started.elapsed() < Duration::from_secs(5), "killed when its thread ended, not at the wall limit");
    assert_no_children();
}

#[test]
fn poison_inputs_pass_the_sniffer_as_dxf() {
    // So that a server under test accepts them as uploads (they are empty drawings in a release build).
    let sniffed = cadlens::sniff::sniff_bytes(&poison("segv")).expect("sniffed");
    assert_eq!(sniffed.format, cadlens::model::FileFormat::Dxf);
}

#[test]
fn jobs_and_cancellers_cross_threads() {
    fn send<T: Send>() {}
    fn send_sync<T: Send + Sync>() {}
    send::<worker::Running>();
    send_sync::<worker::Canceller>();
    send_sync::<WorkError>();
    send_sync::<WorkOutput>();
}

#[test]
fn a_wall_limit_too_far_to_represent_is_no_limit() {
    let _serial = serial();
    let limits = WorkLimits { wall: Duration::MAX, ..tight() };
    let drawing =
        b"  0\nSECTION\n  2\nENTITIES\n  0\nLINE\n  8\n0\n 10\n0\n 20\n0\n 11\n1\n 21\n1\n  0\nENDSEC\n  0\nEOF\n";
    let out = run(drawing.to_vec(), request("line.dxf"), limits).expect("the drawing parses");
    assert_eq!((out.format.as_str(), out.entity_count), ("DXF", 1));
    assert_no_children();
}

#[test]
fn a_missing_executable_is_a_spawn_error() {
    let _serial = serial();
    let err = worker::start(Path::new("/nonexistent/cadlens"), Vec::new(), request("x.dxf"), tight()).unwrap_err();
    assert!(matches!(&err, WorkError::Spawn(m) if m.starts_with("The parse worker could not be started")), "{err}");
}
