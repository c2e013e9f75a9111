//! STEP read + tessellate against OpenCASCADE (a bench binary, `cargo bench --bench step_read`).
//!
//! For every corpus STEP the oracle read (`../shared/oracles/expected/step/*.json`, `error` null), times
//! `formats::step::read` (bytes → parsed, product tree, every face meshed at 0.1 % of the diagonal and
//! 0.5 rad: the oracle's setting) and compares it with the oracle's recorded OCCT time for the same work,
//! `seconds.read + seconds.mesh` (STEPCAFControl_Reader transfer plus BRepMesh_IncrementalMesh). Reported:
//! the per-file ratio ours/OCCT, the ratio of the totals and the geometric mean of the per-file ratios
//! (below 1 = faster than OpenCASCADE). Input bytes are read from disk before timing.
//!
//! `CADLENS_CORPUS` names the corpus (default `../shared/corpus`); `CADLENS_BENCH_RUNS` the timed runs per
//! file (default 3; the best is kept, as the least disturbed by other work on a shared machine). Note the
//! oracle's times were recorded on another machine with Python overhead around the calls.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cadlens::formats::step;

fn corpus() -> PathBuf {
    std::env::var_os("CADLENS_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"))
}

fn main() {
    let corpus = corpus();
    let runs: u32 = std::env::var("CADLENS_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(3).max(1);
    let dir = corpus.join("../oracles/expected/step");
    let mut oracles: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(d) => {
            d.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "json")).collect()
        }
        Err(e) => {
            eprintln!("SKIP: no STEP oracle folder at {}: {e}", dir.display());
            return;
        }
    };
    oracles.sort();
    let (mut ours_total, mut occt_total, mut log_sum, mut n) = (0.0f64, 0.0f64, 0.0f64, 0u32);
    let (mut faster, mut refused) = (0u32, 0u32);
    println!("{:<72} {:>10} {:>10} {:>8}", "file", "ours s", "OCCT s", "ratio");
    for path in oracles {
        let Ok(text) = std::fs::read(&path) else { continue };
        let Ok(oracle) = serde_json::from_slice::<serde_json::Value>(&text) else { continue };
        if !oracle["error"].is_null() {
            continue;
        }
        let secs = &oracle["seconds"];
        let occt = secs["read"].as_f64().unwrap_or(0.0) + secs["mesh"].as_f64().unwrap_or(0.0);
        let Some(rel) = oracle["corpus_path"].as_str() else { continue };
        let Ok(bytes) = std::fs::read(corpus.join(rel)) else { continue };
        let mut best = Duration::MAX;
        for _ in 0..runs {
            let t = Instant::now();
            let r = step::read(&bytes);
            best = best.min(t.elapsed());
            if r.is_err() {
                refused += 1;
                break;
            }
        }
        let ours = best.as_secs_f64();
        let name = Path::new(rel).file_name().and_then(|f| f.to_str()).unwrap_or(rel);
        let ratio = ours / occt.max(1e-6);
        println!("{name:<72} {ours:>10.4} {occt:>10.4} {ratio:>8.3}");
        ours_total += ours;
        occt_total += occt;
        log_sum += ratio.ln();
        n += 1;
        faster += u32::from(ratio < 1.0);
    }
    if n == 0 {
        println!("no STEP oracle files found");
        return;
    }
    println!(
        "\n{n} files: ours {ours_total:.3} s, OCCT read+mesh {occt_total:.3} s; ratio of totals {:.3}, geometric mean \
         of per-file ratios {:.3}; faster than OCCT on {faster}/{n} files; {refused} refused",
        ours_total / occt_total,
        (log_sum / f64::from(n)).exp()
    );
}
