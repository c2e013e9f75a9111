//! STL (formats.md §7). Binary: 80-byte header, u32 LE facet count N, N × 50 bytes; `size = 84 + 50·N` is
//! decisive even when the header starts with `solid` (SolidWorks, AutoCAD). ASCII: `solid`, then `facet` or
//! `endsolid`, text only. A damaged binary (cut short, or N left 0) is still STL when its header and facets
//! look like one.

use crate::model::FileFormat;

use super::Sniffed;
use super::bytes::{f32_le, find, is_text_byte, lines, text, u32_le};

const HEADER_LEN: usize = 80;
const PREAMBLE_LEN: u64 = 84;
const FACET_LEN: u64 = 50;
/// ASCII STL names its keywords within the spec's first 4 KiB.
const ASCII_KEYWORD_WINDOW: usize = 4096;
/// Facets checked for plausibility in a damaged binary.
const FACETS_TO_CHECK: usize = 16;

/// Rules 10 and 11: the size test, then the ASCII keywords.
pub fn sniff(head: &[u8], total_len: u64) -> Option<Sniffed> {
    if let Some(count) = u32_le(head, HEADER_LEN)
        && total_len == PREAMBLE_LEN + FACET_LEN * u64::from(count)
    {
        return Some(binary(head, total_len));
    }
    sniff_ascii(head, total_len)
}

fn binary(head: &[u8], total_len: u64) -> Sniffed {
    let mut found = Sniffed::new(FileFormat::Stl, total_len).with_version("binary");
    found.binary = true;
    found.producer = header_text(&head[..head.len().min(HEADER_LEN)]);
    found
}

/// The header's text up to the first NUL, when it is mostly text (it is free-form: a name, a program, or
/// Materialise `COLOR=`/`MATERIAL=` fields whose binary values are dropped).
fn header_text(header: &[u8]) -> Option<String> {
    let end = header.iter().position(|&b| b == 0).unwrap_or(header.len());
    let header = &header[..end];
    let printable = header.iter().filter(|b| (0x20..0x7F).contains(*b) || b.is_ascii_whitespace()).count();
    if printable * 4 < header.len() * 3 {
        return None;
    }
    let shown: Vec<u8> = header.iter().map(|&b| if (0x21..0x7F).contains(&b) { b } else { b' ' }).collect();
    text(&shown)
}

fn sniff_ascii(head: &[u8], total_len: u64) -> Option<Sniffed> {
    let start = head.trim_ascii_start();
    if !starts_with_keyword(start, b"solid") {
        return None;
    }
    let window = &start[..start.len().min(ASCII_KEYWORD_WINDOW)];
    if !window.iter().all(|&b| is_text_byte(b)) {
        return None;
    }
    let lower = window.to_ascii_lowercase();
    if find(&lower, b"facet").is_none() && find(&lower, b"endsolid").is_none() {
        return None;
    }
    let mut found = Sniffed::new(FileFormat::Stl, total_len).with_version("ascii");
    found.producer = lines(start, false).next().and_then(text);
    Some(found)
}

/// `keyword` (any case) followed by whitespace or the end.
fn starts_with_keyword(bytes: &[u8], keyword: &[u8]) -> bool {
    bytes.len() >= keyword.len()
        && bytes[..keyword.len()].eq_ignore_ascii_case(keyword)
        && bytes.get(keyword.len()).is_none_or(u8::is_ascii_whitespace)
}

/// The last rule: a binary STL whose size does not fit its count (cut short, trailing bytes, or N = 0 with
/// data) is named STL when it is clearly not text, its header reads as an STL header (text, NUL padded) and
/// every whole facet in the window holds finite numbers with a unit-or-zero normal.
pub fn sniff_damaged_binary(head: &[u8], total_len: u64) -> Option<Sniffed> {
    let header = head.get(..HEADER_LEN)?;
    let count = u32_le(head, HEADER_LEN)?;
    let data = head.get(PREAMBLE_LEN as usize..)?;
    let looks_binary = header.contains(&0) || !data.iter().all(|&b| is_text_byte(b));
    let header_is_text_or_zero = header.iter().all(|&b| b == 0 || is_text_byte(b));
    if !looks_binary || !header_is_text_or_zero || (count == 0 && data.is_empty()) {
        return None;
    }
    let whole_facets = data.chunks_exact(FACET_LEN as usize).take(FACETS_TO_CHECK);
    let mut checked = 0;
    for facet in whole_facets {
        if !plausible_facet(facet) {
            return None;
        }
        checked += 1;
    }
    // A header alone (no whole facet to check) must at least be a non-empty text header.
    if checked == 0 && header_text(header).is_none() {
        return None;
    }
    Some(binary(head, total_len))
}

fn plausible_facet(facet: &[u8]) -> bool {
    let values: Vec<f32> = (0..12).filter_map(|i| f32_le(facet, i * 4)).collect();
    if values.len() != 12 || values.iter().any(|v| !v.is_finite() || v.abs() > 1e12) {
        return false;
    }
    let normal_len = values[..3].iter().map(|v| v * v).sum::<f32>().sqrt();
    normal_len < 1e-6 || (normal_len - 1.0).abs() < 0.01
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binary_stl(header: &[u8], facets: u32, declared: u32) -> Vec<u8> {
        let mut out = header.to_vec();
        out.resize(HEADER_LEN, 0);
        out.extend_from_slice(&declared.to_le_bytes());
        for i in 0..facets {
            let floats = [0.0f32, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, i as f32];
            for f in floats {
                out.extend_from_slice(&f.to_le_bytes());
            }
            out.extend_from_slice(&[0, 0]);
        }
        out
    }

    #[test]
    fn binary_whose_header_starts_with_solid_is_binary() {
        let stl = binary_stl(b"solid SolidWorks part facet endsolid", 3, 3);
        let found = sniff(&stl, stl.len() as u64).expect("STL");
        assert_eq!(found.version.as_deref(), Some("binary"));
        assert!(found.binary);
        assert_eq!(found.producer.as_deref(), Some("solid SolidWorks part facet endsolid"));
    }

    #[test]
    fn ascii_with_a_name() {
        let stl = b"solid cube\n  facet normal 0 0 1\n    outer loop\n";
        let found = sniff(stl, 10_000).expect("STL");
        assert_eq!(found.version.as_deref(), Some("ascii"));
        assert!(!found.binary);
        assert_eq!(found.producer.as_deref(), Some("solid cube"));
    }

    #[test]
    fn ascii_without_name_uppercase_crlf() {
        let found = sniff(b"SOLID\r\nFACET NORMAL 0 0 1\r\n", 10_000).expect("STL");
        assert_eq!(found.version.as_deref(), Some("ascii"));
    }

    #[test]
    fn solid_without_keywords_is_not_stl() {
        assert!(sniff(b"solid state drive review\n", 25).is_none());
        assert!(sniff(b"solidworks facet", 16).is_none());
    }

    #[test]
    fn materialise_colour_bytes_are_dropped_from_the_header_text() {
        let stl = binary_stl(b"STLB ATF 2.0.0.9000 COLOR=\xA0\xA0\xA0\xFF    ", 1, 1);
        assert_eq!(sniff(&stl, stl.len() as u64).expect("STL").producer.as_deref(), Some("STLB ATF 2.0.0.9000 COLOR="));
    }

    #[test]
    fn truncated_binary_is_still_binary() {
        let mut stl = binary_stl(b"OpenSCAD Model\n", 1, 1690);
        stl.extend_from_slice(&[0u8; 26]);
        assert!(sniff(&stl, stl.len() as u64).is_none());
        let found = sniff_damaged_binary(&stl, stl.len() as u64).expect("STL");
        assert_eq!(found.version.as_deref(), Some("binary"));
        assert_eq!(found.producer.as_deref(), Some("OpenSCAD Model"));
    }

    #[test]
    fn zero_count_with_data_is_binary() {
        let stl = binary_stl(b"exporter", 4, 0);
        assert!(sniff_damaged_binary(&stl, stl.len() as u64).is_some());
    }

    #[test]
    fn random_binary_is_not_stl() {
        let mut bytes = vec![0xFFu8; 200];
        bytes[..4].copy_from_slice(b"\x89PNG");
        assert!(sniff_damaged_binary(&bytes, 200).is_none());
        // Text header, but facets of NaNs.
        let mut nan = binary_stl(b"x", 0, 9);
        nan.extend_from_slice(&[0xFF; 50]);
        assert!(sniff_damaged_binary(&nan, nan.len() as u64).is_none());
    }
}
