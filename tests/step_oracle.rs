//! The STEP reader against OpenCASCADE (`oracles/step_occt.py`: STEPCAFControl_Reader, exact B-rep
//! properties, BRepMesh at 0.1 % of the diagonal and 0.5 rad). For every corpus STEP the oracle read
//! (`error` null) it checks: no panic, no read over 30 s (a listed difference while the kernel has slow faces), placed part count equal to the oracle's
//! `part_instances`, bounding box within 0.5 % of the oracle's diagonal, faces meshed ≥ 99 % of the
//! oracle's face count, total area within 1 % of OCCT's exact `area`, and volume within 1 % where the
//! oracle has solids. The per-file table goes to tests/data/step_oracle.tsv; files that do not agree yet are
//! listed with the reason in tests/data/step_oracle_differences.tsv and the list is checked both ways, so a
//! fix must shorten it and a regression must lengthen it. The agreement counts are printed and floored.
//!
//! A quick run: `STEP_ORACLE_ONLY=bug25013,trj5_k1` compares only the files whose names contain one of the
//! comma-separated parts, prints their rows and checks only for panics (no table written, no floors, no
//! list check). One file per process (a shell loop with `timeout`) caps a slow file's time, which the
//! in-process guard cannot: a read past it keeps its thread busy until the whole run ends.

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use cadlens::formats::step;
use cadlens::model::mesh::measure_faces;
use cadlens::model::{BBox3, Document, SolidKind};
use serde_json::Value;

const BBOX_OF_DIAGONAL: f64 = 0.005;
const AREA_REL: f64 = 0.01;
const VOLUME_REL: f64 = 0.01;
const FACES_MESHED: f64 = 0.99;
/// Hang guard per file (acceptance: no file over 30 s).
const PER_FILE: Duration = Duration::from_secs(30);

/// Current agreement floors (files), raised as the reader improves; the target is 90 %.
const FLOOR_FACES: usize = 131;
const FLOOR_AREA: usize = 130;
/// Boxes within 0.5 % of the diagonal; wireframe (curves and points) counts in the box as in OCCT's.
const FLOOR_BBOX: usize = 129;
/// Files whose volume (exact face integrals where the faces have them) is within 1 % of OCCT's exact one
/// (of those where OCCT has solids).
const FLOOR_VOLUME: usize = 88;

#[derive(Default)]
struct Ours {
    parts: u64,
    faces: u64,
    meshed: u64,
    area: f64,
    volume: f64,
    bbox: BBox3,
    warnings: Vec<String>,
}

fn measure(doc: &Document) -> Ours {
    let mut o = Ours { bbox: BBox3::EMPTY, warnings: doc.diagnostics.warnings.clone(), ..Ours::default() };
    let Some(m) = &doc.model3d else { return o };
    m.for_each_instance(|node, part, xf| {
        if node.children.is_empty() {
            o.parts += 1;
        }
        for s in &part.solids {
            let mm = measure_faces(&s.faces, xf);
            o.faces += s.faces.len() as u64 + u64::from(s.faces_without_mesh);
            o.meshed += s.faces.len() as u64;
            o.area += mm.area;
            // OCCT's volume is that of its solids (TopAbs_SOLID); a shell or a surface patch encloses nothing.
            if s.kind == SolidKind::Solid {
                o.volume += mm.signed_volume;
            }
            if mm.triangles > 0 {
                o.bbox.union(&mm.bbox);
            }
        }
        // OCCT's box covers the wireframe (curves and points) of the compound too.
        let wires = part.wire_bbox(xf);
        if !wires.is_empty() {
            o.bbox.union(&wires);
        }
    });
    // Assemblies with no geometry of their own are not placed by for_each_instance; count their leaves.
    let mut leaves = 0;
    let mut stack: Vec<&cadlens::model::Node> = m.roots.iter().collect();
    while let Some(n) = stack.pop() {
        if n.children.is_empty() {
            leaves += 1;
        }
        stack.extend(n.children.iter());
    }
    o.parts = leaves;
    o
}

fn listed() -> BTreeMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/step_oracle_differences.tsv");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut cols = l.splitn(2, '\t');
            (cols.next().unwrap_or("").to_owned(), cols.next().unwrap_or("").to_owned())
        })
        .collect()
}

/// Reads on a worker thread with the hang guard; a panic is reported, not propagated. A read past the
/// guard is left to finish on its own thread and reported as "over 30 s".
fn read_guarded(bytes: Vec<u8>) -> Result<(Result<Document, String>, f64), String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let t = Instant::now();
        let r = std::panic::catch_unwind(|| step::read(&bytes));
        let secs = t.elapsed().as_secs_f64();
        let _ = tx.send(match r {
            Ok(Ok(doc)) => Ok((Ok(doc), secs)),
            Ok(Err(e)) => Ok((Err(format!("we refuse: {e}")), secs)),
            Err(_) => Err("PANIC".to_owned()),
        });
    });
    rx.recv_timeout(PER_FILE).map_err(|_| "over 30 s".to_owned())?
}

fn rel(ours: f64, theirs: f64) -> f64 {
    if ours == theirs { 0.0 } else { (ours - theirs).abs() / theirs.abs().max(f64::MIN_POSITIVE) }
}

fn oracle_bbox(v: &Value) -> Option<BBox3> {
    let p = |k: &str| -> Option<cadlens::model::Point> {
        let a = v[k].as_array()?;
        Some(cadlens::model::Point::new(a.first()?.as_f64()?, a.get(1)?.as_f64()?, a.get(2)?.as_f64()?))
    };
    let mut b = BBox3::EMPTY;
    b.add_point(p("min")?);
    b.add_point(p("max")?);
    Some(b)
}

#[test]
fn step_reader_agrees_with_opencascade() {
    let Some(corpus) = common::corpus() else { return };
    if cfg!(debug_assertions) {
        // Meshing the whole corpus unoptimised takes far longer than the 30 s per file this test guards.
        eprintln!(
            "SKIP: step_oracle meshes the whole STEP corpus; run it optimised (.ci/run does): cargo test --release --test step_oracle"
        );
        return;
    }
    let mut table = String::from(
        "file\tparts(ours/occt)\tfaces_meshed(ours/occt)\tarea_rel_err\tvolume_rel_err\tbbox_err_of_diag\tseconds\n",
    );
    let mut differing: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let (mut compared, mut parts_ok, mut faces_ok, mut area_ok, mut bbox_ok) = (0, 0, 0, 0, 0);
    let (mut vol_ok, mut with_volume, mut fatal) = (0, 0, Vec::new());
    let only: Option<Vec<String>> = std::env::var("STEP_ORACLE_ONLY")
        .ok()
        .map(|s| s.split(',').filter(|p| !p.is_empty()).map(str::to_owned).collect());
    for oracle_path in common::oracle_files(&corpus, "step") {
        let oracle: Value = serde_json::from_slice(&std::fs::read(&oracle_path).expect("oracle readable"))
            .expect("oracle files are JSON");
        if !oracle["error"].is_null() {
            continue;
        }
        let Some(rel_path) = oracle["corpus_path"].as_str() else { continue };
        let name = Path::new(rel_path).file_name().and_then(|n| n.to_str()).unwrap_or(rel_path).to_owned();
        if only.as_ref().is_some_and(|parts| !parts.iter().any(|p| name.contains(p.as_str()))) {
            continue;
        }
        let bytes = std::fs::read(corpus.join(rel_path)).unwrap_or_else(|e| panic!("corpus file {rel_path}: {e}"));
        compared += 1;
        let (doc, secs) = match read_guarded(bytes) {
            Ok(r) => r,
            Err(e) if e == "PANIC" => {
                fatal.push(format!("{name}: {e}"));
                continue;
            }
            Err(e) => {
                writeln!(table, "{name}\ttimeout\t\t\t\t\t>30").ok();
                differing.insert(name, vec![e]);
                continue;
            }
        };
        let doc = match doc {
            Ok(d) => d,
            Err(e) => {
                writeln!(table, "{name}\trefused\t\t\t\t\t{secs:.3}").ok();
                differing.insert(name, vec![e]);
                continue;
            }
        };
        let ours = measure(&doc);
        let mut diffs = Vec::new();
        let o_parts = oracle["part_instances"].as_u64().unwrap_or(0);
        let o_faces = oracle["faces"].as_u64().unwrap_or(0);
        let o_area = oracle["area"].as_f64().unwrap_or(0.0);
        parts_ok += usize::from(ours.parts == o_parts);
        if ours.parts != o_parts {
            diffs.push(format!("parts ours {} occt {o_parts}", ours.parts));
        }
        let faces_fine = ours.meshed as f64 >= FACES_MESHED * o_faces as f64;
        faces_ok += usize::from(faces_fine);
        if !faces_fine {
            diffs.push(format!("faces meshed {}/{o_faces} (ours {} found)", ours.meshed, ours.faces));
        }
        let area_err = if o_area > 0.0 { rel(ours.area, o_area) } else { ours.area };
        area_ok += usize::from(area_err <= AREA_REL);
        if area_err > AREA_REL {
            diffs.push(format!(
                "area {:.6e} vs {o_area:.6e} ({:+.2} %)",
                ours.area,
                (ours.area / o_area - 1.0) * 100.0
            ));
        }
        let volume_err = oracle["volume"]
            .as_f64()
            .filter(|_| oracle["solids"].as_u64() > Some(0))
            .map(|v| rel(ours.volume.abs(), v));
        if let Some(e) = volume_err {
            with_volume += 1;
            vol_ok += usize::from(e <= VOLUME_REL);
            if e > VOLUME_REL {
                diffs.push(format!("volume rel. error {e:.3e}"));
            }
        }
        let bbox_err = match (oracle_bbox(&oracle["bbox"]), ours.bbox.is_empty()) {
            (Some(theirs), false) => {
                let d = theirs.diagonal().max(f64::MIN_POSITIVE);
                let dev = [
                    ours.bbox.min.x - theirs.min.x,
                    ours.bbox.min.y - theirs.min.y,
                    ours.bbox.min.z - theirs.min.z,
                    ours.bbox.max.x - theirs.max.x,
                    ours.bbox.max.y - theirs.max.y,
                    ours.bbox.max.z - theirs.max.z,
                ];
                dev.iter().fold(0.0f64, |m, v| m.max(v.abs())) / d
            }
            (None, true) => 0.0,
            _ => f64::INFINITY,
        };
        bbox_ok += usize::from(bbox_err <= BBOX_OF_DIAGONAL);
        if bbox_err > BBOX_OF_DIAGONAL {
            diffs.push(format!("bbox off by {bbox_err:.3e} of the diagonal"));
        }
        writeln!(
            table,
            "{name}\t{}/{o_parts}\t{}/{o_faces}\t{area_err:.3e}\t{}\t{bbox_err:.3e}\t{secs:.3}",
            ours.parts,
            ours.meshed,
            volume_err.map_or("-".to_owned(), |e| format!("{e:.3e}")),
        )
        .ok();
        if !diffs.is_empty() {
            if let Some(w) = ours.warnings.iter().find(|w| w.contains("faces not meshed")) {
                diffs.push(w.clone());
            }
            differing.insert(name, diffs);
        }
    }
    if only.is_some() {
        eprint!("{table}");
        for (file, diffs) in &differing {
            eprintln!("DIFF {file}: {}", diffs.join("; "));
        }
        assert!(fatal.is_empty(), "panics: {}", fatal.join("\n"));
        return;
    }
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/step_oracle.tsv");
    std::fs::write(&out, &table).expect("the agreement table is writable");
    let pct = |n: usize| if compared == 0 { 0.0 } else { 100.0 * n as f64 / compared as f64 };
    eprintln!(
        "STEP oracle agreement over {compared} files OCCT read: faces meshed ≥ 99 % {faces_ok} ({:.1} %), area \
         within 1 % {area_ok} ({:.1} %), volume within 1 % {vol_ok}/{with_volume} files with solids, parts equal \
         {parts_ok} ({:.1} %), bbox within 0.5 % of the diagonal {bbox_ok} ({:.1} %)",
        pct(faces_ok),
        pct(area_ok),
        pct(parts_ok),
        pct(bbox_ok)
    );
    assert!(fatal.is_empty(), "panics: {}", fatal.join("\n"));
    let failures = common::unlisted_or_stale(&differing, listed().keys());
    assert!(compared >= 100, "expected the STEP oracle files, found {compared}");
    assert!(faces_ok >= FLOOR_FACES, "faces-meshed agreement fell to {faces_ok} files (floor {FLOOR_FACES})");
    assert!(area_ok >= FLOOR_AREA, "area agreement fell to {area_ok} files (floor {FLOOR_AREA})");
    assert!(bbox_ok >= FLOOR_BBOX, "bbox agreement fell to {bbox_ok} files (floor {FLOOR_BBOX})");
    assert!(vol_ok >= FLOOR_VOLUME, "volume agreement fell to {vol_ok} files (floor {FLOOR_VOLUME})");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The two listed volume differences that OCCT's default properties cause (headfront, headback): the
/// headfront part is a hollow hemisphere whose true volume and area are known in closed form, and ours
/// must meet them where the oracle's numbers do not (OCCT's own adaptive integration at eps 1e-9 gives the
/// closed form too; see tests/data/step_oracle_differences.tsv). Runs in debug builds: it is one small file.
#[test]
fn the_hollow_hemisphere_measures_as_its_closed_form() {
    let Some(corpus) = common::corpus() else { return };
    let file = corpus.join("step/occt-import-js__test_testfiles_cax-if_s1-tu-203_headfront.stp");
    let bytes = std::fs::read(&file).expect("corpus file");
    let ours = measure(&step::read(&bytes).expect("the file reads"));
    // Outer sphere r 60 and inner r 59 about the origin, cut in half; the flat rim is the annulus between.
    let (r_out, r_in) = (60.0f64, 59.0f64);
    let pi = std::f64::consts::PI;
    let volume = 2.0 / 3.0 * pi * (r_out.powi(3) - r_in.powi(3));
    let area = 2.0 * pi * (r_out * r_out + r_in * r_in) + pi * (r_out * r_out - r_in * r_in);
    assert!(rel(ours.volume.abs(), volume) < 2e-4, "volume {} vs {volume}", ours.volume);
    assert!(rel(ours.area, area) < 2e-5, "area {} vs {area}", ours.area);
    // What the oracle records (OCCT's default rule) is 1.5 % short of it.
    let oracle = 21914.63842271545;
    assert!(rel(oracle, volume) > 0.01, "the oracle's volume {oracle} would agree");
}
