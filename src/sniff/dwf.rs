//! DWF (formats.md §3): `(DWF Vnn.nn)` — classic WHIP! streams (V00.xx) and DWF 6 packages (a ZIP behind
//! the 12-byte header) — and the bare `(W2D Vnn.nn)` 2D stream. DWFx is a plain ZIP: see `zip.rs`.

use crate::model::FileFormat;

use super::Sniffed;

pub fn sniff(head: &[u8], total_len: u64) -> Option<Sniffed> {
    if let Some(version) = bracketed_version(head, b"(DWF V") {
        let release = package_release(&version);
        return Some(Sniffed::new(FileFormat::Dwf, total_len).with_version(version).with_release(Some(release)));
    }
    let version = bracketed_version(head, b"(W2D V")?;
    Some(Sniffed::new(FileFormat::Dwf, total_len).with_version(version).with_release(Some("W2D stream")))
}

/// `Vnn.nn` from `<prefix>nn.nn)` at the start.
fn bracketed_version(head: &[u8], prefix: &[u8]) -> Option<String> {
    let rest = head.strip_prefix(prefix)?;
    let digits = rest.get(..5)?;
    let well_formed = digits[2] == b'.'
        && digits.iter().enumerate().all(|(i, b)| i == 2 || b.is_ascii_digit())
        && rest.get(5) == Some(&b')');
    well_formed.then(|| format!("V{}", String::from_utf8_lossy(digits)))
}

/// `V06.00` → `DWF 6`; `V00.55` and older → `classic DWF`.
fn package_release(version: &str) -> String {
    let major = version.get(1..3).and_then(|m| m.parse::<u32>().ok()).unwrap_or(0);
    if major == 0 { "classic DWF".to_owned() } else { format!("DWF {major}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dwf6_package() {
        let found = sniff(b"(DWF V06.00)PK\x03\x04rest", 100).expect("DWF");
        assert_eq!(found.format, FileFormat::Dwf);
        assert_eq!(found.version.as_deref(), Some("V06.00"));
        assert_eq!(found.release.as_deref(), Some("DWF 6"));
    }

    #[test]
    fn classic_dwf() {
        let found = sniff(b"(DWF V00.55)(Units ...", 100).expect("DWF");
        assert_eq!(found.version.as_deref(), Some("V00.55"));
        assert_eq!(found.release.as_deref(), Some("classic DWF"));
    }

    #[test]
    fn bare_w2d_stream() {
        let found = sniff(b"(W2D V06.00)\x0c", 100).expect("W2D");
        assert_eq!(found.format, FileFormat::Dwf);
        assert_eq!(found.release.as_deref(), Some("W2D stream"));
    }

    #[test]
    fn malformed_header_is_not_dwf() {
        assert!(sniff(b"(DWF Vxx.yy)", 12).is_none());
        assert!(sniff(b"(DWF V06.00", 11).is_none());
    }
}
