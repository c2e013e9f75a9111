//! The STL reader against trimesh (the oracle of formats.md §10, `oracles/stl_trimesh.py`): for every corpus
//! STL with an oracle file, the syntax (ascii/binary), the triangle count (as stored: trimesh is run
//! without merging or dropping degenerate faces), the degenerate count and the stored-normal counts exact,
//! area within 1e-6 relative, the bounding box exact as f32 values, closedness — ours is "every directed
//! edge once, reversed once" after an exact-coordinate weld, trimesh's is `watertight and
//! winding_consistent` (the condition for its `volume`) — and the volume of closed meshes within 1e-6
//! relative. Open meshes have no volume on either side: trimesh's `signed_volume` of an open mesh is its
//! x-flux integral alone (Σ cross_x·(x0+x1+x2)/6), which differs from the full divergence sum once the
//! surface is not closed, so it is not compared. The per-file table goes to tests/data/stl_oracle.tsv;
//! files that cannot agree are listed with the reason in tests/data/stl_oracle_differences.tsv and the
//! test checks that list both ways.

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use cadlens::formats::stl;
use cadlens::model::Affine;
use cadlens::model::mesh::{MeshMeasures, measure_faces};
use serde_json::Value;

const REL_TOLERANCE: f64 = 1e-6;

/// Relative error, 0 when both are exactly equal (so 0 against 0 agrees).
fn rel_err(ours: f64, theirs: f64) -> f64 {
    if ours == theirs { 0.0 } else { (ours - theirs).abs() / theirs.abs().max(f64::MIN_POSITIVE) }
}

/// All faces of all solids of the one part, measured in place (STL: one identity instance).
fn measures(doc: &cadlens::model::Document) -> MeshMeasures {
    let faces: Vec<_> = doc
        .model3d
        .iter()
        .flat_map(|m| m.parts.iter())
        .flat_map(|p| p.solids.iter())
        .flat_map(|s| s.faces.iter().cloned())
        .collect();
    measure_faces(&faces, &Affine::IDENTITY)
}

/// Whether our box equals the oracle's once both are f32 (the file's own precision).
fn bbox_equal(m: &MeshMeasures, oracle: &Value) -> bool {
    if oracle.is_null() {
        return m.triangles == 0;
    }
    let theirs = |k: &str, i: usize| oracle[k][i].as_f64().map(|v| v as f32);
    let ours_min = [m.bbox.min.x, m.bbox.min.y, m.bbox.min.z];
    let ours_max = [m.bbox.max.x, m.bbox.max.y, m.bbox.max.z];
    (0..3).all(|i| theirs("min", i) == Some(ours_min[i] as f32) && theirs("max", i) == Some(ours_max[i] as f32))
}

/// `(zero, against the winding)` from the reader's "stored normals: Z zero, A against the winding" warning.
fn normal_counts(warnings: &[String]) -> (u64, u64) {
    let Some(w) = warnings.iter().find_map(|w| w.strip_prefix("stored normals: ")) else { return (0, 0) };
    let numbers: Vec<u64> = w.split(|c: char| !c.is_ascii_digit()).filter_map(|t| t.parse().ok()).collect();
    (numbers.first().copied().unwrap_or(0), numbers.get(1).copied().unwrap_or(0))
}

fn solid_name(doc: &cadlens::model::Document) -> Option<String> {
    doc.model3d.as_ref()?.parts.first()?.solids.first()?.name.clone()
}

/// The listed files that cannot agree: file → reason.
fn listed() -> BTreeMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/stl_oracle_differences.tsv");
    let text = std::fs::read_to_string(&path).expect("the differences list is readable");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut cols = l.splitn(2, '\t');
            (cols.next().unwrap_or("").to_owned(), cols.next().unwrap_or("").to_owned())
        })
        .collect()
}

struct Row {
    file: String,
    triangles: (u64, u64),
    area_err: f64,
    /// `None` when the oracle has no volume (open mesh).
    volume_err: Option<f64>,
    bbox_ok: bool,
    closed: (bool, bool),
    degenerate: (u64, u64),
    /// Stored normals (zero, against the winding), ours and the oracle's (binary files only).
    normals: Option<((u64, u64), (u64, u64))>,
    /// `ascii` or `binary`, ours and the oracle's (both decide by the size rule first).
    syntax: (Option<String>, Option<String>),
    /// The solid's name, ours and the oracle's (whitespace collapsed).
    names: (Option<String>, Option<String>),
}

impl Row {
    fn diffs(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.triangles.0 != self.triangles.1 {
            out.push(format!("triangles ours {} oracle {}", self.triangles.0, self.triangles.1));
        }
        if self.syntax.0 != self.syntax.1 {
            out.push(format!("syntax ours {:?} oracle {:?}", self.syntax.0, self.syntax.1));
        }
        if self.degenerate.0 != self.degenerate.1 {
            out.push(format!("degenerate ours {} oracle {}", self.degenerate.0, self.degenerate.1));
        }
        if self.area_err > REL_TOLERANCE {
            out.push(format!("area rel. error {:.3e}", self.area_err));
        }
        if let Some(err) = self.volume_err.filter(|e| *e > REL_TOLERANCE || e.is_nan()) {
            out.push(format!("volume rel. error {err:.3e}"));
        }
        if !self.bbox_ok {
            out.push("bbox differs".to_owned());
        }
        if let Some((ours, theirs)) = self.normals.filter(|(a, b)| a != b) {
            out.push(format!("stored normals (zero, against winding) ours {ours:?} oracle {theirs:?}"));
        }
        if self.closed.0 != self.closed.1 {
            out.push(format!("closed ours {} oracle {}", self.closed.0, self.closed.1));
        }
        out
    }
}

fn compare(name: &str, bytes: &[u8], oracle: &Value) -> Result<Row, String> {
    let doc = stl::read(bytes).map_err(|e| format!("we refuse: {e}"))?;
    let m = measures(&doc);
    let o_tri = oracle["triangles"].as_u64().unwrap_or(u64::MAX);
    let o_area = oracle["area"].as_f64().unwrap_or(f64::NAN);
    let o_volume = oracle["volume"].as_f64();
    let o_closed = oracle["watertight"].as_bool() == Some(true) && oracle["winding_consistent"].as_bool() == Some(true);
    Ok(Row {
        file: name.to_owned(),
        triangles: (m.triangles, o_tri),
        area_err: rel_err(m.area, o_area),
        // Compared even where our exact weld leaves the mesh open (the `closed` check reports that): the
        // divergence sum does not depend on the weld.
        volume_err: o_volume.map(|v| rel_err(m.signed_volume.abs(), v)),
        bbox_ok: bbox_equal(&m, &oracle["bbox"]),
        closed: (m.closed, o_closed),
        degenerate: (m.degenerate, oracle["degenerate_triangles"].as_u64().unwrap_or(0)),
        normals: oracle["stored_normals_zero"].as_u64().map(|zero| {
            let against = oracle["stored_normals_disagree"].as_u64().unwrap_or(0);
            (normal_counts(&doc.diagnostics.warnings), (zero, against))
        }),
        syntax: (doc.source.version.clone(), oracle["version"].as_str().map(str::to_owned)),
        names: (solid_name(&doc), oracle["name"].as_str().map(|n| n.split_whitespace().collect::<Vec<_>>().join(" "))),
    })
}

#[test]
fn stl_reader_agrees_with_trimesh() {
    let Some(corpus) = common::corpus() else { return };
    let files = common::oracle_files(&corpus, "stl");
    let mut table = String::from("file\ttriangles\tarea_rel_err\tvolume_rel_err\tbbox_ok\tclosed_ok\n");
    let mut differing: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let (mut compared, mut tri_ok, mut area_ok, mut bbox_ok, mut closed_ok) = (0, 0, 0, 0, 0);
    let (mut vol_ok, mut with_volume, mut names_ok) = (0, 0, 0);
    for oracle_path in files {
        let oracle: Value = serde_json::from_slice(&std::fs::read(&oracle_path).expect("oracle readable"))
            .expect("oracle files are JSON");
        let Some(rel) = oracle["corpus_path"].as_str() else { continue };
        let name = Path::new(rel).file_name().and_then(|n| n.to_str()).unwrap_or(rel).to_owned();
        let bytes = std::fs::read(corpus.join(rel)).unwrap_or_else(|e| panic!("corpus file {rel}: {e}"));
        assert!(oracle["error"].is_null(), "{name}: trimesh refused it; this test expects every STL to be read");
        compared += 1;
        let row = match compare(&name, &bytes, &oracle) {
            Ok(row) => row,
            Err(e) => {
                writeln!(table, "{name}\trefused\t\t\t\t").ok();
                differing.insert(name, vec![e]);
                continue;
            }
        };
        tri_ok += u32::from(row.triangles.0 == row.triangles.1);
        area_ok += u32::from(row.area_err <= REL_TOLERANCE);
        vol_ok += u32::from(row.volume_err.is_some_and(|e| e <= REL_TOLERANCE));
        with_volume += u32::from(row.volume_err.is_some());
        bbox_ok += u32::from(row.bbox_ok);
        closed_ok += u32::from(row.closed.0 == row.closed.1);
        names_ok += u32::from(row.names.0 == row.names.1);
        if row.names.0 != row.names.1 {
            eprintln!("NAME {name}: ours {:?}, oracle {:?} (informative)", row.names.0, row.names.1);
        }
        writeln!(
            table,
            "{}\t{}\t{:.3e}\t{}\t{}\t{}",
            row.file,
            row.triangles.0,
            row.area_err,
            row.volume_err.map_or("open".to_owned(), |e| format!("{e:.3e}")),
            row.bbox_ok,
            row.closed.0 == row.closed.1
        )
        .ok();
        let diffs = row.diffs();
        if !diffs.is_empty() {
            differing.insert(name, diffs);
        }
    }
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/stl_oracle.tsv");
    std::fs::write(&out, &table).expect("the agreement table is writable");
    eprintln!(
        "STL oracle agreement: {compared} files; triangles exact {tri_ok}/{compared}, area within 1e-6 \
         {area_ok}/{compared}, volume within 1e-6 {vol_ok}/{with_volume} closed files, bbox exact (f32) \
         {bbox_ok}/{compared}, closed (watertight and consistently wound) {closed_ok}/{compared}; solid names equal (informative: \
         the oracle keeps non-printable header bytes) {names_ok}/{compared}"
    );
    let listed = listed();
    let failures = common::unlisted_or_stale(&differing, listed.keys());
    assert!(compared >= 40, "expected the 40 STL oracle files, found {compared}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
