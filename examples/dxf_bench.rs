//! Throughput of the DXF reader against the bare tokenizer pass on one file.
//! `cargo run --release --example dxf_bench -- FILE [ROUNDS]`

use std::time::Instant;

fn best_of(rounds: usize, mut f: impl FnMut()) -> f64 {
    (0..rounds)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: dxf_bench FILE [ROUNDS]");
        std::process::exit(2);
    };
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(3);
    let bytes = std::fs::read(&path).expect("readable input");
    let mb = bytes.len() as f64 / 1e6;
    let scan = best_of(rounds, || {
        std::hint::black_box(cadlens::formats::dxf::scan_tags(&bytes).expect("scan"));
    });
    let records = best_of(rounds, || {
        let mut r = cadlens::formats::dxf::reader::Reader::new(&bytes);
        let mut body = Vec::new();
        let mut stray = 0;
        let mut n = 0u64;
        while let Ok(t) = r.next_record(&mut body, &mut stray) {
            n += body.len() as u64;
            if t.is(0, b"EOF") {
                break;
            }
        }
        std::hint::black_box(n);
    });
    let read = best_of(rounds, || {
        std::hint::black_box(cadlens::formats::dxf::read(&bytes).expect("read"));
    });
    println!(
        "{mb:.1} MB: scan_tags {scan:.3} s ({:.0} MB/s); records {records:.3} s; read {read:.3} s ({:.0} MB/s); \
         read/scan {:.2}",
        mb / scan,
        mb / read,
        read / scan
    );
}
