//! PDF (formats.md §5): `%PDF-x.y` anywhere in the first 1 KiB (some writers put junk before it).

use crate::model::FileFormat;

use super::Sniffed;
use super::bytes::find;

const MARKER: &[u8] = b"%PDF-";
const SEARCH_WINDOW: usize = 1024;

pub fn sniff(head: &[u8], total_len: u64) -> Option<Sniffed> {
    let start = &head[..head.len().min(SEARCH_WINDOW)];
    let at = find(start, MARKER)? + MARKER.len();
    let mut found = Sniffed::new(FileFormat::Pdf, total_len);
    found.version = version_at(head.get(at..).unwrap_or(&[]));
    Some(found)
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
    fn garbled_version_is_none_but_still_pdf() {
        assert_eq!(sniff(b"%PDF-x", 6).expect("PDF").version, None);
    }
}
