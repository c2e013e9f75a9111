//! Writing result JSON for a large drawing: `cargo bench --bench result_json`.
//!
//! The document is the synthetic 320 000-entity AC1032 drawing of `benches/dxf_read.rs` (binary DXF, made
//! by the same generator under `target/bench-data/`). Each round times, back to back, the baseline — reading
//! that file into the document model (`dxf::read`) — and writing the document's result in each schema
//! (`result::write_json` into a sink, so only making the JSON is timed, not a disk). Ratios are taken per
//! round; medians are reported. Beside the times: the result's size, and the peak heap the writing adds to
//! the document (it should stay small: entities are written one at a time, never held as one tree).
//! `CADLENS_BENCH_RUNS` sets the rounds (default 7).

// Shared with benches/dxf_read.rs; this bench uses only its binary encoding.
#[allow(dead_code)]
mod gen_dxf;
mod heap_count;

use std::path::{Path, PathBuf};
use std::time::Instant;

use cadlens::formats::dxf;
use cadlens::result::{ResultContext, Schema, write_json};

#[global_allocator]
static ALLOCATOR: heap_count::Counting = heap_count::Counting;

fn data_file() -> std::io::Result<PathBuf> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let path = target.join("bench-data").join("synthetic-ac1032-binary.dxf");
    if !path.is_file() {
        std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))?;
        let tmp = path.with_extension("part");
        let file = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&tmp)?);
        gen_dxf::write(file, gen_dxf::Encoding::Binary, gen_dxf::FULL)?;
        std::fs::rename(&tmp, &path)?;
    }
    Ok(path)
}

/// Counts bytes written and drops them.
#[derive(Default)]
struct Sink(u64);

impl std::io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` would pass nothing useful: run only for bench.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let runs: usize = std::env::var("CADLENS_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(7).max(1);
    let path = data_file().expect("bench data can be generated");
    let bytes = std::fs::read(&path).expect("bench data is readable");
    let ctx = ResultContext { file_name: "synthetic.dxf".into(), created_at_unix_ms: 0, ..ResultContext::default() };
    let schemas = [Schema::V2, Schema::V2024];
    let mut reads = Vec::new();
    let mut writes: Vec<Vec<f64>> = vec![Vec::new(); schemas.len()];
    let mut sizes = [0u64; 2];
    let mut doc = None;
    for _ in 0..runs {
        drop(doc.take());
        let started = Instant::now();
        let read = std::hint::black_box(dxf::read(&bytes).expect("the synthetic file reads"));
        let read_s = started.elapsed().as_secs_f64();
        reads.push(read_s);
        for (i, &schema) in schemas.iter().enumerate() {
            let mut sink = Sink::default();
            let started = Instant::now();
            write_json(&read, schema, &ctx, &mut sink).expect("the result serialises");
            writes[i].push(started.elapsed().as_secs_f64() / read_s);
            sizes[i] = sink.0;
        }
        doc = Some(read);
    }
    let doc = doc.expect("at least one round");
    let entities: usize = doc.sheets.iter().map(|s| s.entities.len()).sum();
    println!(
        "result JSON of the synthetic binary DXF ({:.1} MB, {entities} entities); medians of {runs} rounds",
        bytes.len() as f64 / 1e6
    );
    let read = median(reads);
    println!("  dxf::read (baseline)  {:>8.1} ms", read * 1e3);
    for (i, schema) in schemas.iter().enumerate() {
        let ratio = median(writes[i].clone());
        let before = heap_count::start_peak();
        write_json(&doc, *schema, &ctx, &mut Sink::default()).expect("the result serialises");
        let added = heap_count::peak().saturating_sub(before);
        println!(
            "  write_json {:<9}  {:>8.1} ms = {ratio:.2}× the read   {:.1} MB written ({:.0} MB/s)   peak heap added {:.1} MB",
            schema.as_str(),
            ratio * read * 1e3,
            sizes[i] as f64 / 1e6,
            sizes[i] as f64 / 1e6 / (ratio * read),
            added as f64 / 1e6
        );
    }
}
