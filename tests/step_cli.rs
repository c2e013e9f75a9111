//! `cadlens parse` on a STEP file writes the `model3d` extension: the product tree with names, kinds and
//! colours, units, schema, originating system, triangles, area, volume and box (result-schema.md §6).

mod common;

use serde_json::Value;

#[test]
fn parse_writes_model3d_for_an_inch_cube_inside_an_assembly() {
    let Some(corpus) = common::corpus() else { return };
    let file = corpus.join("step/occt-import-js__test_testfiles_cube-units_cube-in.step");
    let dir = common::temp_dir();
    let out = common::run(&["parse", "--json", "--no-image", file.to_str().expect("utf-8 path")], dir.path());
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let m = &doc["model3d"];
    assert_eq!(m["units"], "inch");
    assert_eq!(m["schema"], "AUTOMOTIVE_DESIGN { 1 0 10303 214 1 1 1 1 }");
    assert_eq!(m["originatingSystem"], "FreeCAD");
    assert_eq!(m["triangleCount"], 12);
    assert_eq!(m["closed"], true);
    // A 1000 mm cube written in inches: 39.370 in a side (OCCT: area 9300.0186, volume 61023.744).
    let area = m["surfaceArea"].as_f64().expect("area");
    let volume = m["volume"].as_f64().expect("volume");
    assert!((area - 9300.0186).abs() < 1e-3, "area {area}");
    assert!((volume - 61023.744).abs() < 1e-2, "volume {volume}");
    // Mesh positions are f32: the box agrees to their precision.
    assert!((m["boundingBox3d"]["maxX"].as_f64().expect("maxX") - 39.370078740157).abs() < 1e-5);
    let root = &m["parts"][0];
    assert_eq!((root["name"].as_str(), root["kind"].as_str()), (Some("Part"), Some("assembly")));
    let cube = &root["children"][0];
    assert_eq!((cube["name"].as_str(), cube["kind"].as_str()), (Some("Cube"), Some("part")));
    assert_eq!(cube["colorHex"], "#CCCCCC");
    assert_eq!(cube["solids"][0]["kind"], "solid");
}
