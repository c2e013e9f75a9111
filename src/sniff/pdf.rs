//! PDF (formats.md §5): `%PDF-x.y` anywhere in the first 1 KiB (some writers put junk before it); the
//! producer from an uncompressed Info dictionary's `/Producer` in the head or tail window, where one is.

use crate::model::FileFormat;

use super::bytes::{find, text};
use super::{Input, Sniffed};

const MARKER: &[u8] = b"%PDF-";
const SEARCH_WINDOW: usize = 1024;
const PRODUCER_KEY: &[u8] = b"/Producer";
/// Producer strings are short; a longer one is not worth showing.
const MAX_STRING: usize = 512;

/// Whether a head is a PDF's: its Info dictionary is often at the end, so the tail window is worth reading.
pub fn has_marker(head: &[u8]) -> bool {
    find(&head[..head.len().min(SEARCH_WINDOW)], MARKER).is_some()
}

pub fn sniff(input: &Input<'_>) -> Option<Sniffed> {
    let head = input.head;
    let at = find(&head[..head.len().min(SEARCH_WINDOW)], MARKER)? + MARKER.len();
    let mut found = Sniffed::new(FileFormat::Pdf, input.total_len);
    found.version = version_at(head.get(at..).unwrap_or(&[]));
    found.producer = producer_in(head).or_else(|| producer_in(input.tail));
    Some(found)
}

/// The string after the first `/Producer` key: a literal `(…)` or a hex string `<…>`.
fn producer_in(window: &[u8]) -> Option<String> {
    let at = find(window, PRODUCER_KEY)? + PRODUCER_KEY.len();
    let rest = window.get(at..)?.trim_ascii_start();
    let raw = match rest.first()? {
        b'(' => literal_string(&rest[1..])?,
        b'<' => hex_string(&rest[1..])?,
        _ => return None,
    };
    text(decode_text_string(&raw).as_bytes())
}

/// The bytes of a literal string after its `(`: balanced parentheses, backslash escapes.
fn literal_string(rest: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut bytes = rest.iter().take(MAX_STRING * 4).copied().peekable();
    while let Some(b) = bytes.next() {
        match b {
            b'\\' => match bytes.next()? {
                b'n' => out.push(b'\n'),
                b'r' => out.push(b'\r'),
                b't' => out.push(b'\t'),
                b'b' => out.push(0x08),
                b'f' => out.push(0x0C),
                b'\r' | b'\n' => {} // a line continuation
                d @ b'0'..=b'7' => {
                    let mut value = u32::from(d - b'0');
                    for _ in 0..2 {
                        match bytes.next_if(|c| (b'0'..=b'7').contains(c)) {
                            Some(c) => value = value * 8 + u32::from(c - b'0'),
                            None => break,
                        }
                    }
                    out.push((value & 0xFF) as u8);
                }
                other => out.push(other),
            },
            b'(' => {
                depth += 1;
                out.push(b);
            }
            b')' if depth == 0 => return Some(out),
            b')' => {
                depth -= 1;
                out.push(b);
            }
            _ => out.push(b),
        }
    }
    None
}

/// The bytes of a hex string after its `<`; whitespace ignored, an odd last digit padded with 0.
fn hex_string(rest: &[u8]) -> Option<Vec<u8>> {
    let end = rest.iter().take(MAX_STRING * 4).position(|&b| b == b'>')?;
    let digits: Vec<u8> = rest[..end]
        .iter()
        .filter(|b| !b.is_ascii_whitespace())
        .map(|&b| (b as char).to_digit(16).map(|d| d as u8))
        .collect::<Option<_>>()?;
    Some(digits.chunks(2).map(|pair| (pair[0] << 4) | pair.get(1).copied().unwrap_or(0)).collect())
}

/// A PDF text string: UTF-16BE behind a BOM, UTF-8 behind its BOM, else PDFDocEncoding (≈ Latin-1).
fn decode_text_string(raw: &[u8]) -> String {
    if let Some(utf16) = raw.strip_prefix(b"\xFE\xFF") {
        let units: Vec<u16> = utf16.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
        return String::from_utf16_lossy(&units);
    }
    if let Some(utf8) = raw.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8_lossy(utf8).into_owned();
    }
    raw.iter().map(|&b| char::from(b)).collect()
}

/// `1.7` / `2.0`: digit, dot, digit(s).
fn version_at(rest: &[u8]) -> Option<String> {
    let len = rest.iter().take(8).take_while(|b| b.is_ascii_digit() || **b == b'.').count();
    let version = std::str::from_utf8(&rest[..len]).ok()?;
    let (major, minor) = version.split_once('.')?;
    let valid = !major.is_empty() && !minor.is_empty() && !minor.contains('.');
    valid.then(|| version.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sniff(head: &[u8], total_len: u64) -> Option<Sniffed> {
        super::sniff(&Input { head, tail: &[], total_len })
    }

    #[test]
    fn version_from_the_marker() {
        let found = sniff(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj", 5000).expect("PDF");
        assert_eq!(found.format, FileFormat::Pdf);
        assert_eq!(found.version.as_deref(), Some("1.7"));
    }

    #[test]
    fn marker_after_leading_junk_within_1k() {
        let mut bytes = vec![b' '; 700];
        bytes.extend_from_slice(b"%PDF-2.0\n");
        assert_eq!(sniff(&bytes, 10_000).expect("PDF").version.as_deref(), Some("2.0"));
    }

    #[test]
    fn marker_beyond_1k_does_not_count() {
        let mut bytes = vec![b' '; 1100];
        bytes.extend_from_slice(b"%PDF-1.4\n");
        assert!(sniff(&bytes, 10_000).is_none());
    }

    #[test]
    fn producer_as_utf16_literal_with_escapes() {
        let pdf = b"%PDF-1.4\n1 0 obj\n<<\n/Producer (\xFE\xFF\0Q\0t\0 \0\\(\x005\0\\)\0)\n>>";
        assert_eq!(sniff(pdf, 100).expect("PDF").producer.as_deref(), Some("Qt (5)"));
    }

    #[test]
    fn producer_in_the_tail_as_hex() {
        let tail = b"5 0 obj <</Producer <4C6962 7265 43 41 44>>> endobj trailer";
        let found = super::sniff(&Input { head: b"%PDF-1.5\n", tail, total_len: 10_000 }).expect("PDF");
        assert_eq!(found.producer.as_deref(), Some("LibreCAD"));
    }

    #[test]
    fn unterminated_producer_is_none() {
        assert_eq!(sniff(b"%PDF-1.4 /Producer (abc", 100).expect("PDF").producer, None);
    }

    #[test]
    fn garbled_version_is_none_but_still_pdf() {
        assert_eq!(sniff(b"%PDF-x", 6).expect("PDF").version, None);
    }
}
