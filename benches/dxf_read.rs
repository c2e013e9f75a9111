//! DXF reader benchmark (a bench binary, `cargo bench --bench dxf_read`).
//!
//! Generates the synthetic ≈ 65 MB AC1032 drawing of `gen_dxf.rs` as ASCII and as binary DXF under
//! `target/bench-data/`, then times, in the same process and on the same bytes, the baseline
//! `formats::dxf::scan_tags` (a bare group-code tokenizer pass) and `formats::dxf::read` (bytes →
//! `model::Document`; here ENTITIES is read by two threads at once, in chunks, which the report counts),
//! and reports the ratio read/scan, the throughput and the peak heap during `read` (a counting allocator;
//! the input buffer counts, it is part of what a reader needs), against the targets of issue 4:
//! read ≤ 0.5 s, ≤ 1.6 × scan, peak ≤ 3 × file size.
//!
//! `CADLENS_BENCH_RUNS` sets the rounds (default 21: on the 2-vCPU benchmark VM the two-thread read swings
//! for seconds at a time, and a median of 5 rounds moved by ±0.3× from run to run). A round times scan,
//! read and the one-thread read back to back; medians over rounds are reported, and read/scan is the
//! median of the per-round ratios, so the load of a shared machine hits both sides of a ratio alike. It
//! does not hit them alike when the host puts the VM's two vCPUs on one core: a two-thread read then slows
//! down and the one-thread scan does not. So each round also measures what the machine gives two threads
//! (a fixed register-only job alone and twice at once, just before and after the read) and the report
//! gives read/scan for the rounds with two whole cores and for the others besides the overall median.
//! `CADLENS_BENCH_PROFILE=ascii|binary[-scan|-seq]` only reads (or scans, or reads in one thread) that
//! file, `CADLENS_BENCH_RUNS` times, for a profiler or `perf stat` (instruction counts do not depend on the
//! machine's load).

mod gen_dxf;
mod heap_count;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cadlens::formats::dxf;

#[global_allocator]
static ALLOCATOR: heap_count::Counting = heap_count::Counting;

fn data_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("bench-data")
}

fn generate(path: &Path, encoding: gen_dxf::Encoding) -> std::io::Result<()> {
    if path.is_file() {
        return Ok(());
    }
    std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))?;
    let tmp = path.with_extension("part");
    let file = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&tmp)?);
    gen_dxf::write(file, encoding, gen_dxf::FULL)?;
    std::fs::rename(&tmp, path)
}

/// Time of one call of `f` and its result.
fn timed<T>(f: impl FnOnce() -> T) -> (Duration, T) {
    let started = Instant::now();
    let value = std::hint::black_box(f());
    (started.elapsed(), value)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// One round: the baseline scan, the read and the one-thread read back to back, so that the three see
/// the same load of a shared machine; the ratios are taken within a round. Documents are freed outside
/// the timed regions (freeing is not reading).
struct Round {
    scan: f64,
    read: f64,
    sequential: f64,
    /// What the machine gave two threads just before and after the read ([`two_thread_slowdown`], the
    /// larger of the two).
    slowdown: f64,
}

/// A fixed piece of register-only work, independent multiply-adds on eight lanes (no memory traffic, so
/// two copies of it can only slow each other down if they share a core), about 3 ms long here.
fn spin(rounds: u64) -> u64 {
    let mut lanes = [1u64, 2, 3, 4, 5, 6, 7, 8];
    for i in 0..rounds {
        for (l, lane) in lanes.iter_mut().enumerate() {
            *lane = lane.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(i ^ l as u64);
        }
    }
    lanes.iter().fold(0, |a, b| a ^ b)
}

const SPIN_ROUNDS: u64 = 2_500_000;

/// How much longer two copies of [`spin`] take on two threads at once than one copy alone: about 1.0 when
/// the machine runs two threads on two cores, up to 2.0 when its two virtual CPUs share one core. On the
/// 2-vCPU benchmark VM this swings between 1.0 and 1.7 for seconds at a time (the host places the vCPUs),
/// and a two-thread read slows down with it while the one-thread scan does not; the report shows the
/// read/scan ratio of the rounds the machine gave two whole cores apart from the others.
fn two_thread_slowdown() -> f64 {
    let (one, _) = timed(|| spin(std::hint::black_box(SPIN_ROUNDS)));
    let (two, _) = timed(|| {
        std::thread::scope(|scope| {
            let other = scope.spawn(|| spin(std::hint::black_box(SPIN_ROUNDS)));
            let here = spin(std::hint::black_box(SPIN_ROUNDS));
            here ^ other.join().unwrap_or(0)
        })
    });
    two.as_secs_f64() / one.as_secs_f64()
}

/// Rounds whose [`two_thread_slowdown`] is at most this had two whole cores for the read.
const TWO_CORES: f64 = 1.15;

fn bench_file(label: &str, path: &Path, runs: usize) {
    let bytes = std::fs::read(path).expect("bench data is readable");
    let mb = bytes.len() as f64 / 1e6;
    let mut rounds = Vec::with_capacity(runs);
    let (mut tags, mut entities) = (0, 0);
    let halves_before = dxf::shared_reads();
    for _ in 0..runs {
        let (scan, n) = timed(|| dxf::scan_tags(&bytes).expect("the synthetic file tokenizes"));
        let before = two_thread_slowdown();
        let (read, doc) = timed(|| dxf::read(&bytes).expect("the synthetic file reads"));
        let slowdown = before.max(two_thread_slowdown());
        entities = doc.sheets.iter().map(|s| s.entities.len()).sum::<usize>();
        drop(doc);
        let (sequential, doc) = timed(|| dxf::read_sequential(&bytes).expect("the synthetic file reads"));
        drop(doc);
        tags = n;
        rounds.push(Round {
            scan: scan.as_secs_f64(),
            read: read.as_secs_f64(),
            sequential: sequential.as_secs_f64(),
            slowdown,
        });
    }
    // How `read` used the second core: ENTITIES shared by two threads, or the tokenizer thread (or none).
    let split_reads = dxf::shared_reads() - halves_before;
    let scan = median(rounds.iter().map(|r| r.scan).collect());
    let read = median(rounds.iter().map(|r| r.read).collect());
    let sequential = median(rounds.iter().map(|r| r.sequential).collect());
    let ratio = median(rounds.iter().map(|r| r.read / r.scan).collect());
    let ratio_seq = median(rounds.iter().map(|r| r.sequential / r.scan).collect());
    let ratios: Vec<String> = rounds.iter().map(|r| format!("{:.2}", r.read / r.scan)).collect();

    // Peak heap of one read, the input buffer included (it is resident while the reader runs).
    let before = heap_count::start_peak();
    let doc = dxf::read(&bytes).expect("the synthetic file reads");
    let peak = heap_count::peak();
    drop(doc);
    let peak_ratio = (peak - before + bytes.len()) as f64 / bytes.len() as f64;

    let rss_ratio = peak_rss_of_one_read(path, false).map(|kib| (kib * 1024) as f64 / bytes.len() as f64);
    let rss_seq = peak_rss_of_one_read(path, true).map(|kib| (kib * 1024) as f64 / bytes.len() as f64);
    println!("{label}: {mb:.1} MB, {tags} tags, {entities} entities; medians of {runs} rounds");
    println!("  scan_tags (baseline) {:>8.1} ms  {:>6.0} MB/s", scan * 1e3, mb / scan);
    println!(
        "  read → Document      {:>8.1} ms  {:>6.0} MB/s   read/scan = {ratio:.2}× (target ≤ 1.6×)   {}",
        read * 1e3,
        mb / read,
        if read <= 0.5 { "≤ 0.5 s: ok" } else { "> 0.5 s: MISSED" }
    );
    println!("    read/scan per round: {}", ratios.join(" "));
    let slowdowns: Vec<String> = rounds.iter().map(|r| format!("{:.2}", r.slowdown)).collect();
    println!("    two threads' slowdown on this machine per round (1.0 = two whole cores): {}", slowdowns.join(" "));
    let (whole, shared): (Vec<&Round>, Vec<&Round>) = rounds.iter().partition(|r| r.slowdown <= TWO_CORES);
    let ratio_of = |rs: &[&Round]| median(rs.iter().map(|r| r.read / r.scan).collect());
    if !whole.is_empty() {
        println!(
            "    rounds with two whole cores (slowdown ≤ {TWO_CORES}): {} of {runs}, read/scan {:.2}×",
            whole.len(),
            ratio_of(&whole)
        );
    }
    if !shared.is_empty() {
        println!("    rounds with the cores shared: {} of {runs}, read/scan {:.2}×", shared.len(), ratio_of(&shared));
    }
    println!("    reads that shared ENTITIES between two threads: {split_reads} of {runs}");
    println!(
        "  read, one thread      {:>8.1} ms  {:>6.0} MB/s   read/scan = {ratio_seq:.2}×",
        sequential * 1e3,
        mb / sequential
    );
    println!("  peak heap during read, input included: {peak_ratio:.2}× file size (reserved capacity counts)");
    match rss_ratio {
        Some(r) => println!(
            "  peak RSS of a process that reads the file once: {r:.2}× file size (target ≤ 3×); one thread: {:.2}×",
            rss_seq.unwrap_or(f64::NAN)
        ),
        None => println!("  peak RSS: not measurable here (no /proc/self/status)"),
    }
}

/// Peak resident memory (VmHWM, KiB) of a fresh process of this binary that reads `path` once: what the
/// machine really pays, program and input buffer included, untouched reserved capacity not.
fn peak_rss_of_one_read(path: &Path, one_thread: bool) -> Option<u64> {
    let mut child = std::process::Command::new(std::env::current_exe().ok()?);
    child.arg("--bench").env(RSS_CHILD, path);
    if one_thread {
        child.env(RSS_ONE_THREAD, "1");
    }
    let out = child.output().ok()?;
    String::from_utf8(out.stdout).ok()?.trim().parse().ok()
}

const RSS_CHILD: &str = "CADLENS_BENCH_RSS_CHILD";
/// Set for an RSS child that reads with `read_sequential`.
const RSS_ONE_THREAD: &str = "CADLENS_BENCH_RSS_ONE_THREAD";
/// `ascii` or `binary`: only run `read` on that file `CADLENS_BENCH_RUNS` times (for `perf record`).
const PROFILE: &str = "CADLENS_BENCH_PROFILE";

fn profile_reads(which: &str, runs: usize) {
    // `ascii`, `binary`, or with a suffix `-scan` (the baseline) or `-seq` (the one-thread read).
    let (file, what) = which.split_once('-').unwrap_or((which, "read"));
    let path = data_dir().join(format!("synthetic-ac1032-{file}.dxf"));
    let bytes = std::fs::read(&path).expect("bench data exists (run the bench once)");
    for _ in 0..runs {
        match what {
            "scan" => drop(std::hint::black_box(dxf::scan_tags(&bytes))),
            "seq" => drop(std::hint::black_box(dxf::read_sequential(&bytes))),
            _ => drop(std::hint::black_box(dxf::read(&bytes))),
        }
    }
}

/// The child side of [`peak_rss_of_one_read`].
fn rss_child(path: &Path) {
    let bytes = std::fs::read(path).expect("bench data is readable");
    let doc = if std::env::var_os(RSS_ONE_THREAD).is_some() { dxf::read_sequential(&bytes) } else { dxf::read(&bytes) };
    std::hint::black_box(&doc.expect("the synthetic file reads"));
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let hwm = status.lines().find_map(|l| l.strip_prefix("VmHWM:")).map(|v| v.trim().trim_end_matches("kB").trim());
    println!("{}", hwm.unwrap_or(""));
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` would pass nothing useful: run only for bench.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    if let Some(path) = std::env::var_os(RSS_CHILD) {
        rss_child(Path::new(&path));
        return;
    }
    let runs = std::env::var("CADLENS_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(21).max(1);
    if let Ok(which) = std::env::var(PROFILE) {
        profile_reads(&which, runs);
        return;
    }
    let dir = data_dir();
    let ascii = dir.join("synthetic-ac1032-ascii.dxf");
    let binary = dir.join("synthetic-ac1032-binary.dxf");
    generate(&ascii, gen_dxf::Encoding::Ascii).expect("writing the ASCII bench file");
    generate(&binary, gen_dxf::Encoding::Binary).expect("writing the binary bench file");
    println!("files in {}", dir.display());
    bench_file("ASCII DXF", &ascii, runs);
    bench_file("binary DXF", &binary, runs);
}
