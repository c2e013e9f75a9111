//! A wireframe-only STEP file end to end (corpus `tr9_exd-db.stp`: the twelve edges of a 5 mm cube as
//! trimmed lines in a GEOMETRIC_CURVE_SET, no faces): the wires are read, the result's 3D box in both
//! schemas covers them (OpenCASCADE's box is 0…5 on every axis) while triangles and area stay those of
//! the faces (none), and the preview shows the lines.

mod common;

use cadlens::formats::step;
use cadlens::render::{RenderOptions, render_png};
use cadlens::result::{ResultContext, Schema};
use serde_json::json;

#[test]
fn a_wireframe_only_cube_has_its_box_and_a_picture() {
    let Some(corpus) = common::corpus() else { return };
    let bytes = std::fs::read(corpus.join("step/occt__data_step_tr9_exd-db.stp")).expect("corpus file");
    let doc = step::read(&bytes).expect("reads");
    let m = doc.model3d.as_ref().expect("3D");
    let wire_points: usize = m.parts.iter().map(|p| p.wire_vertices()).sum();
    assert_eq!(wire_points, 24, "twelve straight edges, two points each");
    assert!(m.parts.iter().all(|p| p.solids.is_empty()));
    let ctx = ResultContext { file_name: "tr9_exd-db.stp".into(), ..ResultContext::default() };
    for schema in [Schema::V2, Schema::V2024] {
        let v = cadlens::result::to_value(&doc, schema, &ctx).expect("a result document serialises");
        let m3 = &v["model3d"];
        assert_eq!(
            m3["boundingBox3d"],
            json!({ "minX": 0, "minY": 0, "minZ": 0, "maxX": 5, "maxY": 5, "maxZ": 5, "sizeX": 5, "sizeY": 5, "sizeZ": 5 }),
            "{schema}"
        );
        assert_eq!(m3["triangleCount"], json!(0), "{schema}");
        assert_eq!(m3["surfaceArea"], json!(0), "{schema}");
    }
    let opts = RenderOptions { width: 120, height: 90, ..RenderOptions::default() };
    let png = render_png(&doc, &opts).expect("renders").expect("a wireframe has a picture");
    let pixmap = tiny_skia::Pixmap::decode_png(&png).expect("PNG");
    let ink = pixmap.pixels().iter().filter(|c| c.demultiply().red() < 128).count();
    // Nine visible cube edges in iso, each tens of pixels long, one pixel wide.
    assert!(ink > 200, "{ink} dark pixels");
}
