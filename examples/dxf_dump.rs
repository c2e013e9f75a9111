//! Debug aid: reads a DXF and prints each model-space entity's kind, layer and box, then the warnings.
//! `cargo run --release --example dxf_dump -- FILE`

use cadlens::model::measure::entity_bbox;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: dxf_dump FILE");
        std::process::exit(2);
    };
    let bytes = std::fs::read(&path).expect("readable input");
    let t = std::time::Instant::now();
    let doc = match cadlens::formats::dxf::read(&bytes) {
        Ok(d) => d,
        Err(e) => {
            println!("error: {e}");
            return;
        }
    };
    let secs = t.elapsed().as_secs_f64();
    let table = doc.block_table();
    let verbose = std::env::var_os("DUMP_ALL").is_some();
    for sheet in &doc.sheets {
        println!("sheet {:?} {:?} entities {}", sheet.name, sheet.kind, sheet.entities.len());
        if !verbose {
            continue;
        }
        for e in &sheet.entities {
            let b = entity_bbox(e, &table);
            println!("  {} {:?} [{:.4} {:.4}]..[{:.4} {:.4}]", e.kind, e.layer, b.min_x, b.min_y, b.max_x, b.max_y);
        }
    }
    println!("source {:?}", doc.source);
    println!("units {:?}; blocks {}; layers {}", doc.units, doc.blocks.len(), doc.layers.len());
    println!("diagnostics {:?}", doc.diagnostics);
    println!("read in {secs:.3} s ({:.0} MB/s)", bytes.len() as f64 / secs / 1e6);
}
