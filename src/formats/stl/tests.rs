//! Whole-file tests: syntax decision (both `solid` traps), the document produced, measures of a cube.

use super::binary::tests::binary_stl;
use super::*;
use crate::model::mesh::measure_faces;
use crate::model::{Affine, FaceMesh};

/// The unit cube's 12 outward triangles, corner by corner.
fn cube_triangles() -> Vec<[[f32; 3]; 3]> {
    let cube = FaceMesh::cuboid([1.0; 3]);
    cube.indices.iter().map(|t| t.map(|i| cube.positions[i as usize])).collect()
}

fn ascii_cube(name: &str) -> String {
    let mut s = format!("solid {name}\n");
    for tri in cube_triangles() {
        s.push_str("  facet normal 0 0 0\n    outer loop\n");
        for v in tri {
            s.push_str(&format!("      vertex {} {} {}\n", v[0], v[1], v[2]));
        }
        s.push_str("    endloop\n  endfacet\n");
    }
    s + &format!("endsolid {name}\n")
}

fn binary_cube(header: &[u8], attribute: u16) -> Vec<u8> {
    let mut out = header.to_vec();
    out.resize(80, 0);
    out.extend_from_slice(&12u32.to_le_bytes());
    for tri in cube_triangles() {
        out.extend_from_slice(&[0u8; 12]);
        for c in tri.iter().flatten() {
            out.extend_from_slice(&c.to_le_bytes());
        }
        out.extend_from_slice(&attribute.to_le_bytes());
    }
    out
}

fn only_solid(doc: &Document) -> &Solid {
    let m = doc.model3d.as_ref().expect("model3d");
    assert_eq!(m.parts.len(), 1);
    assert_eq!(m.roots.len(), 1);
    assert_eq!(m.roots[0].part, Some(0));
    assert!(m.roots[0].transform.is_identity());
    &m.parts[0].solids[0]
}

#[test]
fn binary_cube_with_a_solid_header_is_binary_and_closed() {
    let doc = read(&binary_cube(b"solid cube by SolidWorks", 0)).expect("binary");
    assert_eq!(doc.source.format, FileFormat::Stl);
    assert_eq!(doc.source.version.as_deref(), Some("binary"));
    assert_eq!(doc.source.producer.as_deref(), Some("solid cube by SolidWorks"));
    assert_eq!(doc.units, Units { length: None, insunits: None, source: UnitsSource::None });
    let solid = only_solid(&doc);
    assert_eq!(solid.kind, SolidKind::Mesh);
    let m = measure_faces(&solid.faces, &Affine::IDENTITY);
    assert_eq!((m.triangles, m.welded_vertices, m.closed), (12, 8, true));
    assert!((m.area - 6.0).abs() < 1e-12 && (m.signed_volume - 1.0).abs() < 1e-12);
    assert_eq!(
        doc.diagnostics.warnings,
        vec!["stored normals: 12 zero, 0 against the winding; normals recomputed from the winding"]
    );
}

#[test]
fn ascii_cube_reads_the_same() {
    let doc = read(ascii_cube("cube").as_bytes()).expect("ascii");
    assert_eq!(doc.source.version.as_deref(), Some("ascii"));
    assert_eq!(doc.source.producer.as_deref(), Some("cube"));
    let solid = only_solid(&doc);
    assert_eq!(solid.name.as_deref(), Some("cube"));
    let m = measure_faces(&solid.faces, &Affine::IDENTITY);
    assert_eq!((m.triangles, m.closed), (12, true));
    assert!((m.signed_volume - 1.0).abs() < 1e-12);
}

#[test]
fn the_syntax_decision_covers_both_solid_traps() {
    // Binary header starting with `solid` (SolidWorks): size fits, content not text → binary.
    assert_eq!(plan(true, false, 684), Plan::Binary);
    // ASCII whose size happens to fit 84 + 50·N: ASCII first, binary if that fails.
    assert_eq!(plan(true, true, 684), Plan::AsciiThenBinary);
    assert_eq!(plan(false, true, 10), Plan::Ascii);
    // A damaged binary (cut short, N = 0) is still binary when it has the preamble.
    assert_eq!(plan(false, false, 160), Plan::Binary);
    assert_eq!(plan(false, false, 83), Plan::NotStl);
    // A binary header of `solid …` whose facets are binary is not ASCII text.
    assert!(!looks_like_ascii(&binary_cube(b"solid cube", 0)));
    assert!(looks_like_ascii(ascii_cube("c").as_bytes()));
    assert!(!looks_like_ascii(b"solid state drive review"));
}

#[test]
fn viscam_colour_gives_the_solid_colour() {
    let doc = read(&binary_cube(b"exporter", 0x8000 | 0x001F)).expect("binary");
    let solid = only_solid(&doc);
    assert_eq!(solid.colour.map(|c| c.hex()), Some("#0000FF".to_owned()));
}

#[test]
fn magics_header_colour_is_the_part_colour() {
    let doc = read(&binary_cube(b"STLB ATF 2.0 COLOR=\xA0\xA0\xA0\xFF", 0)).expect("binary");
    let part = &doc.model3d.as_ref().expect("model3d").parts[0];
    assert_eq!(part.colour.map(|c| c.hex()), Some("#A0A0A0".to_owned()));
    assert_eq!(part.name, "STLB ATF 2.0 COLOR=");
}

#[test]
fn empty_inputs() {
    let doc = read(b"solid Empty\nendsolid Empty\n").expect("empty ascii");
    assert_eq!(doc.diagnostics.warnings, vec!["no triangles"]);
    assert!(only_solid(&doc).faces.is_empty());
    let doc = read(&binary_stl(b"Exported from Blender", 0, 0, 0)).expect("empty binary");
    assert_eq!(doc.diagnostics.warnings, vec!["no triangles"]);
    assert!(matches!(read(b""), Err(StlError::NotStl { .. })));
    assert!(matches!(read(b"solid"), Err(StlError::NotStl { .. })));
}

#[test]
fn header_text_is_trimmed_and_null_when_not_printable() {
    assert_eq!(header_text(b"  OpenSCAD Model\0\0\0garbage"), Some("OpenSCAD Model".to_owned()));
    assert_eq!(header_text(&[0xFF; 80]), None);
    assert_eq!(header_text(&[0; 80]), None);
}

mod robustness {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Arbitrary bytes, with or without an STL start: a document or a typed error, never a panic.
        #[test]
        fn arbitrary_bytes_never_panic(mut bytes in proptest::collection::vec(any::<u8>(), 0..600), ascii in any::<bool>()) {
            if ascii {
                bytes.splice(0..0, b"solid x\nfacet normal ".iter().copied());
            }
            let _ = read(&bytes);
        }

        /// A binary cut anywhere keeps exactly its complete records, or refuses with the offset of the cut.
        #[test]
        fn a_cut_binary_keeps_its_complete_records(cut in 0usize..684) {
            let bytes = binary_cube(b"cube", 0);
            match read(&bytes[..cut]) {
                Ok(doc) => {
                    let faces = &only_solid(&doc).faces;
                    let triangles: usize = faces.iter().map(|f| f.indices.len()).sum();
                    prop_assert_eq!(triangles, (cut - 84) / 50);
                }
                Err(e) => prop_assert!(cut < 134, "{e}"),
            }
        }

        /// ASCII cut or with one byte replaced anywhere: never a panic; errors name where.
        #[test]
        fn damaged_ascii_never_panics(at in 0usize..1500, byte in any::<u8>(), cut in any::<bool>()) {
            let mut bytes = ascii_cube("c").into_bytes();
            let at = at.min(bytes.len() - 1);
            if cut { bytes.truncate(at) } else { bytes[at] = byte }
            if let Err(e) = read(&bytes) {
                let message = e.to_string();
                prop_assert!(message.contains(" at line ") || message.contains(" at byte offset "), "{}", message);
            }
        }
    }
}
