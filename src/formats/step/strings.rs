//! Part 21 string decoding: `''` is a quote, `\\` a backslash, `\S\c` the ISO 8859 upper half, `\X\hh` one
//! ISO 8859-1 byte, `\X2\…\X0\` UTF-16 code units, `\X4\…\X0\` UTF-32 code points, `\P?\` a code-page switch
//! (dropped: the other escapes are Unicode). Raw bytes above 0x7F, which some exporters write, are read as
//! UTF-8 (lossy). Decoding is lazy: only the strings the reader shows (names, header) are decoded.

use std::borrow::Cow;

pub fn decode(raw: &[u8]) -> Cow<'_, str> {
    if !raw.iter().any(|&b| b == b'\\' || b == b'\'') {
        return String::from_utf8_lossy(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut plain: Vec<u8> = Vec::new();
    let mut i = 0;
    let flush = |plain: &mut Vec<u8>, out: &mut String| {
        out.push_str(&String::from_utf8_lossy(plain));
        plain.clear();
    };
    while let Some(&b) = raw.get(i) {
        match b {
            b'\'' => {
                plain.push(b'\'');
                // `''` stands for one quote; a lone one (not produced by the lexer) is kept.
                i += if raw.get(i + 1) == Some(&b'\'') { 2 } else { 1 };
            }
            b'\\' => {
                flush(&mut plain, &mut out);
                i = escape(raw, i, &mut out);
            }
            _ => {
                plain.push(b);
                i += 1;
            }
        }
    }
    flush(&mut plain, &mut out);
    Cow::Owned(out)
}

/// Decodes the escape at `raw[i] == '\\'` into `out`; returns the index after it. An escape that does not
/// parse is kept as written.
fn escape(raw: &[u8], i: usize, out: &mut String) -> usize {
    let rest = &raw[i..];
    let hex = |s: &[u8]| std::str::from_utf8(s).ok().and_then(|s| u32::from_str_radix(s, 16).ok());
    if rest.starts_with(b"\\\\") {
        out.push('\\');
        return i + 2;
    }
    if rest.starts_with(b"\\X\\") {
        if let Some(v) = rest.get(3..5).and_then(hex) {
            out.push(char::from_u32(v).unwrap_or('\u{FFFD}'));
            return i + 5;
        }
    }
    if rest.len() >= 4 && rest.starts_with(b"\\S\\") {
        out.push(char::from_u32(u32::from(rest[3]) + 0x80).unwrap_or('\u{FFFD}'));
        return i + 4;
    }
    if rest.len() >= 4 && rest.starts_with(b"\\P") && rest[3] == b'\\' {
        return i + 4;
    }
    for (tag, width) in [(&b"\\X2\\"[..], 4usize), (&b"\\X4\\"[..], 8usize)] {
        if let Some(body) = rest.strip_prefix(tag) {
            if let Some(end) = body.windows(4).position(|w| w == b"\\X0\\") {
                let digits = &body[..end];
                if digits.len() % width == 0 {
                    let units: Vec<u32> = digits.chunks(width).filter_map(hex).collect();
                    if width == 4 {
                        let u16s: Vec<u16> = units.iter().map(|&u| u as u16).collect();
                        out.extend(char::decode_utf16(u16s).map(|c| c.unwrap_or('\u{FFFD}')));
                    } else {
                        out.extend(units.iter().map(|&u| char::from_u32(u).unwrap_or('\u{FFFD}')));
                    }
                    return i + tag.len() + end + 4;
                }
            }
        }
    }
    out.push('\\');
    i + 1
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn escapes() {
        assert_eq!(decode(b"it''s"), "it's");
        assert_eq!(decode(b"\\X\\E9t\\X\\E9"), "été");
        assert_eq!(decode(b"\\X2\\00E9006C\\X0\\ve"), "élve");
        assert_eq!(decode(b"\\X4\\0001F600\\X0\\"), "😀");
        assert_eq!(decode(b"\\S\\i"), "é");
        assert_eq!(decode(b"a\\\\b"), "a\\b");
        assert_eq!(decode(b"plain"), "plain");
        assert_eq!(decode(b"\\PA\\x"), "x");
    }
}
