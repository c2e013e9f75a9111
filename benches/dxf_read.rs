//! DXF reader benchmark (a bench binary, `cargo bench --bench dxf_read`).
//!
//! Generates the synthetic ≈ 65 MB AC1032 drawing of `gen_dxf.rs` as ASCII and as binary DXF under
//! `target/bench-data/`, then times, in the same process and on the same bytes, the baseline
//! `formats::dxf::scan_tags` (a bare group-code tokenizer pass) and `formats::dxf::read` (bytes →
//! `model::Document`), and reports the ratio read/scan, the throughput and the peak heap during `read` (a counting allocator;
//! the input buffer counts, it is part of what a reader needs), against the targets of issue 4:
//! read ≤ 0.5 s, ≤ 1.6 × scan, peak ≤ 3 × file size.
//!
//! `CADLENS_BENCH_RUNS` sets the timed runs per measurement (default 5; the median is reported, robust to
//! the other work of a shared machine; compare ratios within one run). `CADLENS_BENCH_PROFILE=ascii|binary` only reads
//! that file, `CADLENS_BENCH_RUNS` times, for a profiler.

mod gen_dxf;

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use cadlens::formats::dxf;

/// Counts live heap bytes and their high-water mark.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call forwards to `System` with the caller's layout; the counters are only statistics.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded unchanged.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                let live = LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size - layout.size();
                PEAK.fetch_max(live, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

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

/// The median of `runs` timings of `f` (the machine is shared: a median is robust to a disturbed run),
/// and its last result. The previous result is dropped outside the timed region.
fn median_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        drop(last.take()); // freed before the clock starts
        let started = Instant::now();
        let value = std::hint::black_box(f());
        times.push(started.elapsed());
        last = Some(value);
    }
    times.sort();
    (times[times.len() / 2], last.expect("at least one run"))
}

fn bench_file(label: &str, path: &Path, runs: usize) {
    let bytes = std::fs::read(path).expect("bench data is readable");
    let mb = bytes.len() as f64 / 1e6;
    let (scan, tags) = median_of(runs, || dxf::scan_tags(&bytes).expect("the synthetic file tokenizes"));
    // The document is returned out of the timed closure: freeing it is not part of reading.
    let (read, doc) = median_of(runs, || dxf::read(&bytes).expect("the synthetic file reads"));
    let entities = doc.sheets.iter().map(|s| s.entities.len()).sum::<usize>();
    drop(doc);
    let (sequential, _) = median_of(runs, || dxf::read_sequential(&bytes).expect("the synthetic file reads"));

    // Peak heap of one read, the input buffer included (it is resident while the reader runs).
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let doc = dxf::read(&bytes).expect("the synthetic file reads");
    let peak = PEAK.load(Ordering::Relaxed);
    drop(doc);
    let peak_ratio = (peak - before + bytes.len()) as f64 / bytes.len() as f64;

    let rss_ratio = peak_rss_of_one_read(path).map(|kib| (kib * 1024) as f64 / bytes.len() as f64);
    let ratio = read.as_secs_f64() / scan.as_secs_f64();
    println!("{label}: {mb:.1} MB, {tags} tags, {entities} entities");
    println!("  scan_tags (baseline) {:>8.1} ms  {:>6.0} MB/s", scan.as_secs_f64() * 1e3, mb / scan.as_secs_f64());
    println!(
        "  read → Document      {:>8.1} ms  {:>6.0} MB/s   read/scan = {ratio:.2}× (target ≤ 1.6×)   {}",
        read.as_secs_f64() * 1e3,
        mb / read.as_secs_f64(),
        if read.as_secs_f64() <= 0.5 { "≤ 0.5 s: ok" } else { "> 0.5 s: MISSED" }
    );
    println!(
        "  read, one thread      {:>8.1} ms  {:>6.0} MB/s   read/scan = {:.2}×",
        sequential.as_secs_f64() * 1e3,
        mb / sequential.as_secs_f64(),
        sequential.as_secs_f64() / scan.as_secs_f64()
    );
    println!("  peak heap during read, input included: {peak_ratio:.2}× file size (reserved capacity counts)");
    match rss_ratio {
        Some(r) => println!("  peak RSS of a process that reads the file once: {r:.2}× file size (target ≤ 3×)"),
        None => println!("  peak RSS: not measurable here (no /proc/self/status)"),
    }
}

/// Peak resident memory (VmHWM, KiB) of a fresh process of this binary that reads `path` once: what the
/// machine really pays, program and input buffer included, untouched reserved capacity not.
fn peak_rss_of_one_read(path: &Path) -> Option<u64> {
    let out =
        std::process::Command::new(std::env::current_exe().ok()?).arg("--bench").env(RSS_CHILD, path).output().ok()?;
    String::from_utf8(out.stdout).ok()?.trim().parse().ok()
}

const RSS_CHILD: &str = "CADLENS_BENCH_RSS_CHILD";
/// `ascii` or `binary`: only run `read` on that file `CADLENS_BENCH_RUNS` times (for `perf record`).
const PROFILE: &str = "CADLENS_BENCH_PROFILE";

fn profile_reads(which: &str, runs: usize) {
    let path = data_dir().join(format!("synthetic-ac1032-{which}.dxf"));
    let bytes = std::fs::read(&path).expect("bench data exists (run the bench once)");
    for _ in 0..runs {
        std::hint::black_box(dxf::read(&bytes).expect("the synthetic file reads"));
    }
}

/// The child side of [`peak_rss_of_one_read`].
fn rss_child(path: &Path) {
    let bytes = std::fs::read(path).expect("bench data is readable");
    let doc = dxf::read(&bytes).expect("the synthetic file reads");
    std::hint::black_box(&doc);
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
    let runs = std::env::var("CADLENS_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(5).max(1);
    if let Ok(which) = std::env::var(PROFILE) {
        profile_reads(&which, runs);
        return;
    }
    let dir = data_dir();
    let ascii = dir.join("synthetic-ac1032-ascii.dxf");
    let binary = dir.join("synthetic-ac1032-binary.dxf");
    generate(&ascii, gen_dxf::Encoding::Ascii).expect("writing the ASCII bench file");
    generate(&binary, gen_dxf::Encoding::Binary).expect("writing the binary bench file");
    println!("median of {runs} runs each; files in {}", dir.display());
    bench_file("ASCII DXF", &ascii, runs);
    bench_file("binary DXF", &binary, runs);
}
