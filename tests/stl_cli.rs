//! `cadlens parse` on STL end to end: the real binary on corpus STLs (binary with a `solid` header, ASCII,
//! a truncated binary) and on small files written here for the refusals, checking the `model3d` JSON and
//! the exit codes.

mod common;

use std::path::Path;

use common::{corpus, run, temp_dir};
use serde_json::{Value, json};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn parse_json(path: &Path) -> Value {
    let out = run(&["parse", path.to_str().expect("utf-8 path"), "--json", "-q"], repo());
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("stdout is one JSON document")
}

#[test]
fn binary_stl_with_a_solid_header_gives_the_3d_metadata() {
    let Some(corpus) = corpus() else { return };
    let doc = parse_json(&corpus.join("stl/trimesh__models_unit_cube.STL"));
    assert_eq!(doc["file"]["format"], "STL");
    assert_eq!(doc["file"]["version"], "binary");
    assert_eq!(doc["file"]["units"], "unknown");
    assert_eq!(doc["metadata"]["is3D"], true);
    let m = &doc["model3d"];
    assert_eq!(m["units"], "unknown");
    assert_eq!(m["triangleCount"], 12);
    assert_eq!(m["vertexCount"], 8);
    assert_eq!(m["surfaceArea"], 6);
    assert_eq!(m["volume"], 1);
    assert_eq!(m["closed"], true);
    assert_eq!(
        m["boundingBox3d"],
        json!({ "minX": -0.5, "minY": -0.5, "maxX": 0.5, "maxY": 0.5, "minZ": -0.5, "maxZ": 0.5,
                "sizeX": 1, "sizeY": 1, "sizeZ": 1 })
    );
    assert!(m.get("tessellation").is_none(), "STL has no tessellation settings");
    let parts = m["parts"].as_array().expect("parts");
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0]["kind"], "part");
    assert!(parts[0].get("transform").is_none(), "one identity instance");
    let solids = parts[0]["solids"].as_array().expect("solids");
    assert_eq!(solids.len(), 1);
    assert_eq!(solids[0]["kind"], "mesh");
    assert_eq!(solids[0]["name"], "solid unit_cube");
    assert_eq!(doc["parseInfo"]["warnings"], json!([]));
}

#[test]
fn ascii_stl_is_read() {
    let Some(corpus) = corpus() else { return };
    let doc = parse_json(&corpus.join("stl/axom_data__quest_tetrahedron.stl"));
    assert_eq!(doc["file"]["version"], "ascii");
    assert_eq!(doc["model3d"]["triangleCount"], 4);
    assert_eq!(doc["model3d"]["closed"], true);
    assert_eq!(doc["model3d"]["parts"][0]["solids"][0]["name"], "STL");
}

#[test]
fn truncated_binary_reads_its_complete_records_with_a_warning() {
    let Some(corpus) = corpus() else { return };
    let doc = parse_json(&corpus.join("bad/tika__testSTL-binary.stl"));
    assert_eq!(doc["model3d"]["triangleCount"], 1);
    assert_eq!(doc["model3d"]["surfaceArea"], 100);
    assert_eq!(doc["model3d"]["volume"], Value::Null);
    assert_eq!(doc["model3d"]["closed"], false);
    let warnings = doc["parseInfo"]["warnings"].as_array().expect("warnings");
    assert!(warnings.iter().any(|w| w.as_str().is_some_and(|w| w.contains("read 1 complete records"))), "{warnings:?}");
}

#[test]
fn parse_writes_stem_json_for_an_stl() {
    let dir = temp_dir();
    let path = dir.path().join("tri.stl");
    std::fs::write(
        &path,
        "solid tri\n facet normal 0 0 1\n  outer loop\n   vertex 0 0 0\n   vertex 4 0 0\n   vertex 0 3 0\n  \
         endloop\n endfacet\nendsolid tri\n",
    )
    .expect("temp file written");
    let out = run(&["parse", path.to_str().expect("utf-8"), "-o", dir.path().to_str().expect("utf-8"), "-q"], repo());
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let doc: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("tri.json")).expect("tri.json written")).expect("JSON");
    assert_eq!(doc["model3d"]["triangleCount"], 1);
    assert_eq!(doc["model3d"]["surfaceArea"], 6);
    assert_eq!(doc["model3d"]["parts"][0]["name"], "tri");
}

#[test]
fn exit_code_1_with_the_byte_offset_for_a_binary_without_one_complete_record() {
    let dir = temp_dir();
    let mut bytes = b"exporter".to_vec();
    bytes.resize(80, 0);
    bytes.extend_from_slice(&5u32.to_le_bytes());
    bytes.extend_from_slice(&[0; 10]);
    let path = dir.path().join("cut.stl");
    std::fs::write(&path, &bytes).expect("temp file written");
    // Without -q: the failure line goes to stderr.
    let out = run(&["parse", path.to_str().expect("utf-8"), "--json"], repo());
    assert_eq!(out.status.code(), Some(1), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("STL") && stderr.contains("byte offset 94"), "stderr: {stderr}");
}

#[test]
fn exit_code_1_with_the_line_for_a_bad_ascii_number() {
    let dir = temp_dir();
    let path = dir.path().join("bad.stl");
    std::fs::write(&path, "solid x\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 zero 0\n").expect("written");
    let out = run(&["parse", path.to_str().expect("utf-8"), "--json"], repo());
    assert_eq!(out.status.code(), Some(1), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 5") && stderr.contains("\"zero\""), "stderr: {stderr}");
}
