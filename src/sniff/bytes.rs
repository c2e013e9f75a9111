//! Small byte-slice helpers the rules share.

pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The first index of `needle` in `haystack`.
pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || needle.len() > haystack.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

pub fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes)
}

/// Printable ASCII, whitespace, or a byte of a (presumed UTF-8 / code page) non-ASCII character.
pub fn is_text_byte(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x20..=0x7E) || b >= 0x80
}

/// Lines of a byte slice split on LF with one trailing CR removed. A last line without its LF is left out
/// when `complete_only`: at a window's edge it may be cut short.
pub fn lines(bytes: &[u8], complete_only: bool) -> impl Iterator<Item = &[u8]> {
    let ends_with_lf = bytes.last() == Some(&b'\n');
    let mut parts: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    // `split` yields an empty piece after a final LF, and a partial piece when there is none.
    if ends_with_lf || complete_only {
        parts.pop();
    }
    parts.into_iter().map(|l| l.strip_suffix(b"\r").unwrap_or(l))
}

/// Text of a header field: lossy UTF-8 with runs of whitespace (line breaks inside STEP strings, padding)
/// collapsed to one space; `None` when empty.
pub fn text(bytes: &[u8]) -> Option<String> {
    let s = String::from_utf8_lossy(bytes).split_whitespace().collect::<Vec<_>>().join(" ");
    (!s.is_empty()).then_some(s)
}

/// What the first bytes look like, for an error message: a quoted first line for text, hex otherwise.
pub fn describe(head: &[u8]) -> String {
    let start = &head[..head.len().min(64)];
    if start.iter().all(|&b| is_text_byte(b)) {
        let first_line = start.split(|&b| b == b'\n' || b == b'\r').find(|l| !l.is_empty()).unwrap_or(&[]);
        let shown: String = String::from_utf8_lossy(first_line).chars().take(40).collect();
        return format!("text starting {shown:?}, not a CAD format cadlens knows");
    }
    let hex: Vec<String> = head.iter().take(8).map(|b| format!("{b:02X}")).collect();
    format!("first bytes {} match no CAD format cadlens knows", hex.join(" "))
}

pub fn u16_le(bytes: &[u8], at: usize) -> Option<u16> {
    let b = bytes.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([b[0], b[1]]))
}

pub fn u32_le(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

pub fn f32_le(bytes: &[u8], at: usize) -> Option<f32> {
    u32_le(bytes, at).map(f32::from_bits)
}
