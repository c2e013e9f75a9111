//! Mutation smoke test over real files: overwrites random bytes of each DXF (up to 512 KiB) and checks that
//! reading and measuring never panics. `cargo run --release --example dxf_fuzz -- DIR [ROUNDS]`

use std::panic::{AssertUnwindSafe, catch_unwind};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: dxf_fuzz DIR [ROUNDS]");
        std::process::exit(2);
    };
    let rounds: u64 = args.next().and_then(|r| r.parse().ok()).unwrap_or(100);
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    const BYTES: &[u8] = b"0123456789-.\n \xFF\x00eE+";
    let (mut runs, mut panics) = (0u64, 0u64);
    let mut paths: Vec<_> =
        std::fs::read_dir(&dir).expect("a folder").filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let Ok(orig) = std::fs::read(&path) else { continue };
        if orig.len() > 512 * 1024 || orig.is_empty() {
            continue;
        }
        for _ in 0..rounds {
            let mut bytes = orig.clone();
            for _ in 0..1 + next() % 4 {
                let i = (next() % bytes.len() as u64) as usize;
                bytes[i] = BYTES[(next() % BYTES.len() as u64) as usize];
            }
            runs += 1;
            let r = catch_unwind(AssertUnwindSafe(|| {
                if let Ok(doc) = cadlens::formats::dxf::read(&bytes) {
                    let table = doc.block_table();
                    for s in &doc.sheets {
                        for e in &s.entities {
                            std::hint::black_box(cadlens::model::measure::entity_bbox(e, &table));
                        }
                    }
                }
            }));
            if r.is_err() {
                panics += 1;
                let out = format!("/tmp/dxf_fuzz_panic_{panics}.dxf");
                let _ = std::fs::write(&out, &bytes);
                eprintln!("PANIC on a mutation of {} (saved {out})", path.display());
            }
        }
    }
    println!("{runs} mutated reads, {panics} panics");
}
