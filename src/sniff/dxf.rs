//! DXF (formats.md §1): binary by its sentinel, ASCII by its first group-code pairs; the version from the
//! header's `$ACADVER`, the producer from a leading 999 comment.

use crate::model::FileFormat;

use super::bytes::{find, lines, strip_bom, text};
use super::{Sniffed, dwg};

pub const BINARY_SENTINEL: &[u8] = b"AutoCAD Binary DXF\r\n\x1A\x00";
/// Group code of comments.
const COMMENT: i32 = 999;
/// How many comment pairs may precede the first section: generators write a few, not hundreds.
const MAX_LEADING_COMMENTS: usize = 64;

pub fn sniff_binary(head: &[u8], total_len: u64) -> Option<Sniffed> {
    let body = head.strip_prefix(BINARY_SENTINEL)?;
    let mut found = Sniffed::new(FileFormat::Dxf, total_len);
    found.binary = true;
    if let Some(version) = binary_acadver(body) {
        found.release = dwg::release_name(&version).map(str::to_owned);
        found.version = Some(version);
    }
    Some(found)
}

/// `$ACADVER` in binary DXF: the name is a NUL-terminated string, then group code 1 (one byte before R13,
/// two bytes LE from R13), then the value, NUL-terminated.
fn binary_acadver(body: &[u8]) -> Option<String> {
    let name = b"$ACADVER\0";
    let after_name = find(body, name)? + name.len();
    let rest = body.get(after_name..)?;
    let value = match rest {
        [1, 0, value @ ..] => value,
        [1, value @ ..] => value,
        _ => return None,
    };
    let end = value.iter().position(|&b| b == 0)?;
    text(&value[..end])
}

pub fn sniff_ascii(head: &[u8], total_len: u64) -> Option<Sniffed> {
    let window_is_cut = (head.len() as u64) < total_len;
    let mut pairs = Pairs::new(strip_bom(head), window_is_cut);
    let mut producer = None;
    let mut comments = 0;
    // Leading 999 comments, then the first section.
    loop {
        let (code, value) = pairs.next()?;
        if code == COMMENT && comments < MAX_LEADING_COMMENTS {
            comments += 1;
            producer = producer.or_else(|| text(value));
            continue;
        }
        if code == 0 && value.trim_ascii() == b"SECTION" {
            break;
        }
        return None;
    }
    let mut found = Sniffed::new(FileFormat::Dxf, total_len);
    found.producer = producer;
    if let Some(version) = ascii_acadver(pairs) {
        found.release = dwg::release_name(&version).map(str::to_owned);
        found.version = Some(version);
    }
    Some(found)
}

/// The value of the `1` pair after `9 $ACADVER`, looked for in the HEADER section only.
fn ascii_acadver(pairs: Pairs<'_>) -> Option<String> {
    let mut after_acadver = false;
    for (code, value) in pairs {
        let value = value.trim_ascii();
        if after_acadver {
            return if code == 1 { text(value) } else { None };
        }
        match code {
            9 if value == b"$ACADVER" => after_acadver = true,
            // The end of the HEADER section, or the first section was not the HEADER.
            0 if value == b"ENDSEC" => return None,
            _ => {}
        }
    }
    None
}

/// Group-code/value pairs of ASCII DXF over complete lines; blank lines before the first code are skipped,
/// and the pairs end at the first line that is not a group code.
struct Pairs<'a> {
    lines: Vec<&'a [u8]>,
    next: usize,
}

impl<'a> Pairs<'a> {
    /// `window_is_cut`: the input goes on after `bytes`, so a last line without LF may be incomplete.
    fn new(bytes: &'a [u8], window_is_cut: bool) -> Pairs<'a> {
        let lines: Vec<&[u8]> = lines(bytes, window_is_cut).collect();
        let next = lines.iter().take_while(|l| l.trim_ascii().is_empty()).count();
        Pairs { lines, next }
    }
}

impl<'a> Iterator for Pairs<'a> {
    type Item = (i32, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let (code_line, value) = (self.lines.get(self.next)?, self.lines.get(self.next + 1)?);
        let code = std::str::from_utf8(code_line.trim_ascii()).ok()?.parse().ok()?;
        self.next += 2;
        Some((code, *value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_with_bom_padded_codes_and_comments() {
        let dxf = b"\xEF\xBB\xBF\r\n999\r\nezdxf 1.4\r\n  0\r\nSECTION\r\n  2\r\nHEADER\r\n  9\r\n$ACADVER\r\n  1\r\nAC1027\r\n  0\r\nENDSEC\r\n";
        let found = sniff_ascii(dxf, 99).expect("DXF");
        assert_eq!(found.version.as_deref(), Some("AC1027"));
        assert_eq!(found.release.as_deref(), Some("R2013"));
        assert_eq!(found.producer.as_deref(), Some("ezdxf 1.4"));
        assert!(!found.binary);
        assert_eq!(found.bytes, 99);
    }

    #[test]
    fn ascii_without_header_has_no_version() {
        let found = sniff_ascii(b"0\nSECTION\n2\nENTITIES\n0\nENDSEC\n0\nEOF\n", 30).expect("DXF");
        assert_eq!(found.version, None);
        assert_eq!(found.release, None);
    }

    #[test]
    fn acadver_after_the_header_section_is_ignored() {
        let dxf = b"0\nSECTION\n2\nHEADER\n0\nENDSEC\n0\nSECTION\n2\nX\n9\n$ACADVER\n1\nAC1015\n";
        assert_eq!(sniff_ascii(dxf, 1).expect("DXF").version, None);
    }

    #[test]
    fn text_that_only_looks_like_pairs_is_not_dxf() {
        assert!(sniff_ascii(b"0\nHELLO\n", 8).is_none());
        assert!(sniff_ascii(b"hello\nworld\n", 12).is_none());
    }

    #[test]
    fn old_releases_have_names() {
        let dxf = b"0\nSECTION\n2\nHEADER\n9\n$ACADVER\n1\nAC1006\n";
        assert_eq!(sniff_ascii(dxf, 1).expect("DXF").release.as_deref(), Some("R10"));
        let dxf = b"0\nSECTION\n2\nHEADER\n9\n$ACADVER\n1\nAC2.10\n";
        assert_eq!(sniff_ascii(dxf, 1).expect("DXF").release.as_deref(), Some("R2.10"));
    }

    #[test]
    fn binary_with_one_byte_codes_r12() {
        let mut dxf = BINARY_SENTINEL.to_vec();
        dxf.extend_from_slice(b"\0SECTION\0\x02HEADER\0\x09$ACADVER\0\x01AC1009\0");
        let found = sniff_binary(&dxf, 500).expect("binary DXF");
        assert!(found.binary);
        assert_eq!(found.version.as_deref(), Some("AC1009"));
        assert_eq!(found.release.as_deref(), Some("R12"));
    }

    #[test]
    fn binary_with_two_byte_codes_r13_and_later() {
        let mut dxf = BINARY_SENTINEL.to_vec();
        dxf.extend_from_slice(b"\0\0SECTION\0\x02\0HEADER\0\x09\0$ACADVER\0\x01\0AC1032\0");
        let found = sniff_binary(&dxf, 500).expect("binary DXF");
        assert_eq!(found.version.as_deref(), Some("AC1032"));
        assert_eq!(found.release.as_deref(), Some("R2018"));
    }
}
