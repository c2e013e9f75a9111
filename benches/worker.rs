//! What isolation costs per job (`cargo bench --bench worker`): a tiny DXF parsed in-process (read, result
//! JSON, PNG preview — the worker's work) against the same job through `cadlens::worker` (spawn, rlimits,
//! Landlock, seccomp, frames, exit, reap). Reports median and p90 of each and the ratio of medians, with
//! and without the PNG preview, and the bare round trip (`worker::sandbox_status`: spawn, sandbox, one
//! frame each way, exit, reap — no parse).
//!
//! `CADLENS_BENCH_RUNS` sets the jobs per side (default 50); the sides are interleaved so that a disturbance
//! of the shared machine hits both alike.

use std::path::Path;
use std::time::{Duration, Instant};

use cadlens::render::{self, RenderOptions};
use cadlens::result::{self, ResultContext, Schema};
use cadlens::worker::{self, WorkLimits, WorkRequest};

/// A small but complete drawing: one layer, a line, a circle and an arc in model space.
const TINY_DXF: &str = "  0\nSECTION\n  2\nENTITIES\n\
  0\nLINE\n  8\n0\n 10\n0\n 20\n0\n 30\n0\n 11\n100\n 21\n50\n 31\n0\n\
  0\nCIRCLE\n  8\n0\n 10\n50\n 20\n25\n 30\n0\n 40\n20\n\
  0\nARC\n  8\n0\n 10\n20\n 20\n20\n 30\n0\n 40\n10\n 50\n0\n 51\n90\n\
  0\nENDSEC\n  0\nEOF\n";

const PREVIEW: (u32, u32) = (1024, 768);

fn in_process(bytes: &[u8], previews: bool) -> usize {
    let doc = cadlens::read::read_bytes(bytes).expect("the tiny DXF reads");
    let ctx = ResultContext { file_name: "tiny.dxf".into(), created_at_unix_ms: 0, ..ResultContext::default() };
    let json = result::to_json(&doc, Schema::V2, &ctx).expect("serialises");
    if !previews {
        return json.len();
    }
    let pngs: usize = result::emitted_sheet_indices(&doc)
        .into_iter()
        .map(|sheet| {
            let opts = RenderOptions { width: PREVIEW.0, height: PREVIEW.1, sheet, ..RenderOptions::default() };
            render::render_png(&doc, &opts).ok().flatten().map_or(0, |p| p.len())
        })
        .sum();
    json.len() + pngs
}

fn through_worker(exe: &Path, bytes: &[u8], previews: bool) -> usize {
    let req = WorkRequest {
        file_name: "tiny.dxf".into(),
        job_id: None,
        created_at_unix_ms: 0,
        schemas: vec![Schema::V2],
        previews,
        preview_size: PREVIEW,
    };
    let out = worker::start(exe, bytes.to_vec(), req, WorkLimits::default())
        .and_then(|r| r.wait())
        .expect("the worker parses the tiny DXF");
    out.results.iter().map(|r| r.1.len()).sum::<usize>() + out.previews.iter().map(Vec::len).sum::<usize>()
}

fn time(f: impl FnOnce() -> usize) -> Duration {
    let started = Instant::now();
    std::hint::black_box(f());
    started.elapsed()
}

fn quantile(sorted: &[Duration], q: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Times `runs` rounds of every job in `jobs`, interleaved so that a disturbance of the machine hits all
/// alike; returns each job's sorted durations.
fn interleaved(runs: usize, jobs: &mut [&mut dyn FnMut() -> usize]) -> Vec<Vec<Duration>> {
    let mut times = vec![Vec::with_capacity(runs); jobs.len()];
    for _ in 0..runs {
        for (job, t) in jobs.iter_mut().zip(&mut times) {
            t.push(time(&mut **job));
        }
    }
    times.iter_mut().for_each(|t| t.sort());
    times
}

fn report(title: &str, local: &[Duration], isolated: &[Duration]) {
    let (l50, w50) = (quantile(local, 0.5), quantile(isolated, 0.5));
    println!("{title}");
    println!("  in-process  p50 {:>7.2} ms  p90 {:>7.2} ms", ms(l50), ms(quantile(local, 0.9)));
    println!("  worker      p50 {:>7.2} ms  p90 {:>7.2} ms", ms(w50), ms(quantile(isolated, 0.9)));
    println!("  isolation overhead p50 {:.2} ms, ratio {:.2}×", ms(w50.saturating_sub(l50)), ms(w50) / ms(l50));
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let exe = Path::new(env!("CARGO_BIN_EXE_cadlens"));
    let runs = std::env::var("CADLENS_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(50).max(2);
    let bytes = TINY_DXF.as_bytes();
    // Warm-up: page cache for the binary, lazy statics of the renderer.
    in_process(bytes, true);
    through_worker(exe, bytes, true);
    // The machine is shared: the load says how much to trust the numbers.
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("tiny DXF ({} bytes), {runs} rounds; load average {}", bytes.len(), load.trim());
    let t = interleaved(
        runs,
        &mut [
            &mut || in_process(bytes, false),
            &mut || through_worker(exe, bytes, false),
            &mut || in_process(bytes, true),
            &mut || through_worker(exe, bytes, true),
            &mut || worker::sandbox_status(exe).map(|s| s.landlock.len()).expect("the check answers"),
        ],
    );
    report("result JSON 2.0.0 only", &t[0], &t[1]);
    report(&format!("result JSON 2.0.0 + {}×{} PNG", PREVIEW.0, PREVIEW.1), &t[2], &t[3]);
    println!("bare round trip (spawn, sandbox, frames, exit, reap; no parse)");
    println!("  worker      p50 {:>7.2} ms  p90 {:>7.2} ms", ms(quantile(&t[4], 0.5)), ms(quantile(&t[4], 0.9)));
}
