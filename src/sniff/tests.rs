//! The rules together: order, windows and errors. Each format's own rules are tested in its file.

use std::io::Cursor;

use super::*;

fn binary_stl_starting_with_solid(facets: u32) -> Vec<u8> {
    let mut out = b"solid part exported by SolidWorks\nfacet normal 0 0 1\nendsolid".to_vec();
    out.resize(80, b' ');
    out.extend_from_slice(&facets.to_le_bytes());
    out.resize(84 + 50 * facets as usize, 0);
    out
}

#[test]
fn dwg_tags_name_their_release() {
    let found = sniff(b"AC1032\0\0\0\0", &[], 1_000).expect("DWG");
    assert_eq!(found.format, FileFormat::Dwg);
    assert_eq!(found.version.as_deref(), Some("AC1032"));
    assert_eq!(found.release.as_deref(), Some("R2018"));
    let old = sniff(b"AC1.40\0\0", &[], 1_000).expect("DWG");
    assert_eq!((old.version.as_deref(), old.release.as_deref()), (Some("AC1.40"), Some("R1.40")));
    let r2_10 = sniff(b"AC2.10\0\0", &[], 1_000).expect("DWG");
    assert_eq!(r2_10.release.as_deref(), Some("R2.10"));
    assert_eq!(release_name("AC1015"), Some("R2000"));
    assert_eq!(release_name("AC1009"), Some("R12"));
}

#[test]
fn an_unknown_newer_dwg_tag_is_still_dwg() {
    let found = sniff(b"AC1040\0\0", &[], 1_000).expect("DWG");
    assert_eq!(found.version.as_deref(), Some("AC1040"));
    assert_eq!(found.release, None);
}

#[test]
fn stl_binary_header_starting_with_solid_is_binary_by_size() {
    let stl = binary_stl_starting_with_solid(2);
    let found = sniff_bytes(&stl).expect("STL");
    assert_eq!(found.format, FileFormat::Stl);
    assert_eq!(found.version.as_deref(), Some("binary"));
    assert!(found.binary);
}

#[test]
fn stl_whose_size_does_not_fit_and_is_text_is_ascii() {
    let found = sniff_bytes(b"solid x\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\n").expect("STL");
    assert_eq!(found.version.as_deref(), Some("ascii"));
    assert!(!found.binary);
}

#[test]
fn plain_zip_is_unsupported_not_dwfx() {
    let mut zip = b"PK\x03\x04\x14\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x09\0\0\0notes.txt".to_vec();
    zip.extend_from_slice(b"PK\x05\x06");
    zip.extend_from_slice(&[0; 18]);
    let err = sniff_bytes(&zip).expect_err("a plain ZIP is refused");
    assert!(matches!(err, SniffError::Unsupported { format: "ZIP", .. }), "{err:?}");
    assert!(err.to_string().contains("notes.txt"), "{err}");
    assert!(!err.is_io());
}

#[test]
fn dwf6_is_dwf_even_though_a_zip_follows() {
    let found = sniff_bytes(b"(DWF V06.00)PK\x03\x04....").expect("DWF");
    assert_eq!(found.format, FileFormat::Dwf);
}

#[test]
fn ascii_dxf_and_step_and_pdf_through_the_entry_points() {
    let dxf = b"999\nLibreCAD\n0\nSECTION\n2\nHEADER\n9\n$ACADVER\n1\nAC1021\n0\nENDSEC\n";
    let found = sniff_reader(Cursor::new(&dxf[..])).expect("DXF");
    assert_eq!(
        (found.format, found.version.as_deref(), found.release.as_deref(), found.producer.as_deref()),
        (FileFormat::Dxf, Some("AC1021"), Some("R2007"), Some("LibreCAD"))
    );
    assert_eq!(found.bytes, dxf.len() as u64);
    let step = b"ISO-10303-21;\nHEADER;\nFILE_SCHEMA(('CONFIG_CONTROL_DESIGN'));\nENDSEC;\n";
    assert_eq!(sniff_bytes(step).expect("STEP").version.as_deref(), Some("AP203"));
    assert_eq!(sniff_bytes(b"%PDF-1.5\n").expect("PDF").version.as_deref(), Some("1.5"));
}

#[test]
fn empty_and_unknown_inputs_say_what_was_seen() {
    let empty = sniff_bytes(b"").expect_err("empty");
    assert!(empty.to_string().contains("empty"), "{empty}");
    let png = sniff_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").expect_err("PNG");
    assert!(matches!(png, SniffError::Unrecognised { .. }));
    assert!(png.to_string().contains("89 50 4E 47"), "{png}");
    let text = sniff_bytes(b"hello, world\nsecond line").expect_err("text");
    assert!(text.to_string().contains("\"hello, world\""), "{text}");
}

#[test]
fn missing_file_is_an_io_error() {
    let err = sniff_path(Path::new("/nonexistent/cadlens/file.dxf")).expect_err("missing");
    assert!(err.is_io());
}

#[test]
fn sniff_bytes_looks_at_the_windows_only() {
    // A DXF comment longer than the head window: the first section is out of view, so it is not DXF.
    let mut dxf = b"999\n".to_vec();
    dxf.resize(HEAD_WINDOW as usize + 10, b'x');
    dxf.extend_from_slice(b"\n0\nSECTION\n");
    assert!(sniff_bytes(&dxf).is_err());
}

#[test]
fn input_windows_map_absolute_offsets() {
    let head = [1u8, 2, 3, 4];
    let tail = [7u8, 8, 9];
    let input = Input { head: &head, tail: &tail, total_len: 100 };
    assert_eq!(input.at(1, 2), Some(&[2u8, 3][..]));
    assert_eq!(input.at(97, 3), Some(&[7u8, 8, 9][..]));
    assert_eq!(input.at(3, 2), None);
    assert_eq!(input.at(50, 1), None);
    assert_eq!(input.at(u64::MAX, 2), None);
}

#[test]
fn near_misses_say_which_format_they_nearly_were() {
    let hint = |bytes: &[u8]| sniff_bytes(bytes).expect_err("unrecognised").to_string();
    assert!(hint(b"solid cube\nno keywords here\n").contains("ASCII STL"));
    assert!(hint(b"0\nLINE\n8\n0\n").contains("like a DXF"));
    assert!(hint(b"AutoCAD Binary").contains("binary DXF sentinel cut short"));
    assert!(hint(b"\x1F\x8B\x08\0\0\0").contains("gzip"));
}

#[test]
fn dwfx_with_hundreds_of_entries_is_found_in_its_central_directory() {
    // The sequence part is the 100th entry: its local header is past the probe, and its central directory
    // record sits ~14 KiB into a ~58 KiB listing, so only the widened ZIP tail window sees it.
    let names: Vec<String> = (0..400)
        .map(|i| {
            if i == 99 {
                "DWFDocumentSequence.dwfseq".to_owned()
            } else {
                format!("Resources/{i:04}/{}.png", "x".repeat(80))
            }
        })
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let zip = super::zip::tests::zip_with(&names);
    assert!(zip.len() as u64 > MAX_SNIFF_BYTES);
    assert_eq!(sniff_bytes(&zip).expect("DWFx").format, FileFormat::Dwfx);
    assert_eq!(sniff_reader(Cursor::new(&zip)).expect("DWFx").format, FileFormat::Dwfx);
}
