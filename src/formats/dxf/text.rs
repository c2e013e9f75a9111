//! Text values: codepage decoding (`$DWGCODEPAGE` before AC1021, UTF-8 from AC1021), the `\U+XXXX` and
//! `\M+nXXXX` escapes, `%%` control codes, and MTEXT formatting reduced to plain text.

use std::borrow::Cow;

use super::codepage::{Codepage, by_name};

/// How string values of a file are decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// Windows-1252 (also the fallback for codepages without a table here).
    Cp1252,
    /// Another single-byte codepage named by `$DWGCODEPAGE`.
    Table(&'static Codepage),
}

impl Encoding {
    /// The encoding for a `$ACADVER` and `$DWGCODEPAGE` pair, and whether the codepage had to fall back.
    pub fn for_file(version: Option<&str>, codepage: Option<&str>) -> (Encoding, bool) {
        if version.is_some_and(|v| v >= "AC1021") {
            return (Encoding::Utf8, false);
        }
        let Some(cp) = codepage.map(str::trim).filter(|c| !c.is_empty()) else {
            return (Encoding::Cp1252, false);
        };
        if cp.eq_ignore_ascii_case("ANSI_1252") {
            return (Encoding::Cp1252, false);
        }
        if cp.eq_ignore_ascii_case("UTF8") || cp.eq_ignore_ascii_case("UTF-8") {
            return (Encoding::Utf8, false);
        }
        match by_name(cp) {
            Some(table) => (Encoding::Table(table), false),
            // Double-byte Asian codepages (ANSI_932, ANSI_936 …) have no table here.
            None => (Encoding::Cp1252, true),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Cp1252 => "ANSI_1252",
            Encoding::Table(t) => t.name,
        }
    }
}

/// Windows-1252 code points of bytes 0x80–0x9F (the rest of the upper half is Latin-1).
const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}', '\u{90}', '‘', '’',
    '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}', 'ž', 'Ÿ',
];

fn cp1252_char(b: u8) -> char {
    match b {
        0x80..=0x9F => CP1252_HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// Decodes a raw string value and resolves the `\U+XXXX` / `\M+nXXXX` escapes.
pub fn decode(raw: &[u8], enc: Encoding) -> String {
    let s: Cow<'_, str> = if raw.is_ascii() {
        // ASCII is valid UTF-8 and identical in every supported codepage.
        Cow::Borrowed(std::str::from_utf8(raw).unwrap_or_default())
    } else {
        match enc {
            // Files labelled UTF-8 sometimes carry stray cp1252 bytes: fall back rather than lose them.
            Encoding::Utf8 => match std::str::from_utf8(raw) {
                Ok(s) => Cow::Borrowed(s),
                Err(_) => Cow::Owned(raw.iter().map(|&b| cp1252_char(b)).collect()),
            },
            Encoding::Cp1252 => Cow::Owned(raw.iter().map(|&b| cp1252_char(b)).collect()),
            Encoding::Table(t) => Cow::Owned(
                raw.iter().map(|&b| if b < 0x80 { char::from(b) } else { t.high[usize::from(b - 0x80)] }).collect(),
            ),
        }
    };
    if s.contains('\\') { unescape_unicode(&s) } else { s.into_owned() }
}

/// Replaces `\U+XXXX` (a Unicode code point) and `\M+nXXXX` (a double-byte character of an Asian codepage;
/// kept as the replacement character, as there is no table for it here).
pub fn unescape_unicode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let b = tail.as_bytes();
        if b.len() >= 7 && (b[1] == b'U' || b[1] == b'u') && b[2] == b'+' {
            if let Some(c) = tail.get(3..7).and_then(hex4).and_then(char::from_u32) {
                out.push(c);
                rest = &tail[7..];
                continue;
            }
        }
        if b.len() >= 8 && (b[1] == b'M' || b[1] == b'm') && b[2] == b'+' && b[3].is_ascii_digit() {
            if let Some(code) = tail.get(4..8).and_then(hex4) {
                out.push(if code < 0x80 { char::from(code as u8) } else { char::REPLACEMENT_CHARACTER });
                rest = &tail[8..];
                continue;
            }
        }
        out.push('\\');
        rest = &tail[1..];
    }
    out.push_str(rest);
    out
}

fn hex4(s: &str) -> Option<u32> {
    if s.len() != 4 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(s, 16).ok()
}

/// TEXT control codes: `%%c` ⌀, `%%d` °, `%%p` ±, `%%%` %, `%%u`/`%%o` (underline/overline toggles) removed,
/// `%%nnn` a character code.
pub fn text_plain(s: &str) -> String {
    if !s.contains("%%") {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("%%") {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 2..];
        let mut chars = tail.chars();
        match chars.next() {
            Some('c' | 'C') => out.push('⌀'),
            Some('d' | 'D') => out.push('°'),
            Some('p' | 'P') => out.push('±'),
            Some('%') => out.push('%'),
            Some('u' | 'U' | 'o' | 'O' | 'k' | 'K') => {}
            Some(d) if d.is_ascii_digit() => {
                let digits: String = tail.chars().take_while(|c| c.is_ascii_digit()).take(3).collect();
                if let Some(c) = digits.parse::<u32>().ok().and_then(char::from_u32) {
                    out.push(c);
                }
                rest = &tail[digits.len()..];
                continue;
            }
            Some(other) => {
                out.push_str("%%");
                out.push(other);
            }
            None => {
                out.push_str("%%");
                rest = "";
                continue;
            }
        }
        rest = chars.as_str();
    }
    out.push_str(rest);
    out
}

/// MTEXT formatting reduced to plain text: `\P` → newline, `\~` → no-break space, `{}` grouping removed,
/// property codes (`\f…;`, `\H…;`, `\C…;`, `\A…;`, `\Q…;`, `\W…;`, `\T…;`, `\p…;`) dropped, `\S a^b;`
/// stacking → `a/b`, `\L \l \O \o \K \k` toggles removed, `\\ \{ \}` literal.
pub fn mtext_plain(s: &str) -> String {
    let s = text_plain(s);
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' | '}' => {}
            '\\' => match chars.next() {
                Some('P') => out.push('\n'),
                Some('~') => out.push('\u{a0}'),
                Some('\\') => out.push('\\'),
                Some('{') => out.push('{'),
                Some('}') => out.push('}'),
                Some('L' | 'l' | 'O' | 'o' | 'K' | 'k' | 'N' | 'X') => {}
                Some('S') => {
                    // Stacked fraction up to `;`: the separators ^ / # become one slash.
                    let mut prev_sep = false;
                    for d in chars.by_ref() {
                        match d {
                            ';' => break,
                            '^' | '/' | '#' => {
                                if !prev_sep {
                                    out.push('/');
                                }
                                prev_sep = true;
                            }
                            _ => {
                                out.push(d);
                                prev_sep = false;
                            }
                        }
                    }
                    if out.ends_with('/') {
                        out.pop();
                    }
                }
                // Font and paragraph codes take a name or list up to `;`.
                Some('f' | 'F' | 'p') => {
                    for d in chars.by_ref() {
                        if d == ';' {
                            break;
                        }
                    }
                }
                // Numeric codes take a number (`\H2.5x;`, `\C1;`); writers sometimes omit the `;`.
                Some('H' | 'h' | 'C' | 'c' | 'A' | 'a' | 'Q' | 'q' | 'W' | 'w' | 'T' | 't') => {
                    while chars.peek().is_some_and(|d| d.is_ascii_digit() || matches!(d, '.' | '-' | '+' | 'x')) {
                        chars.next();
                    }
                    if chars.peek() == Some(&';') {
                        chars.next();
                    }
                }
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            },
            '^' if chars.peek() == Some(&'I') => {
                chars.next();
                out.push('\t');
            }
            '^' if chars.peek() == Some(&'J') => {
                chars.next();
                out.push('\n');
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cp1252_and_utf8() {
        assert_eq!(decode(b"\x80 caf\xE9", Encoding::Cp1252), "€ café");
        assert_eq!(decode("café".as_bytes(), Encoding::Utf8), "café");
        // Stray cp1252 bytes in a UTF-8 file still decode.
        assert_eq!(decode(b"\xB0C", Encoding::Utf8), "°C");
    }

    #[test]
    fn encoding_by_version_and_codepage() {
        assert_eq!(Encoding::for_file(Some("AC1015"), Some("ANSI_1252")), (Encoding::Cp1252, false));
        assert_eq!(Encoding::for_file(Some("AC1021"), Some("ANSI_1251")), (Encoding::Utf8, false));
        assert_eq!(Encoding::for_file(Some("AC1015"), Some("ANSI_936")), (Encoding::Cp1252, true));
        let (cyrillic, fallback) = Encoding::for_file(Some("AC1018"), Some("ansi_1251"));
        assert!(!fallback);
        assert_eq!(cyrillic.name(), "ANSI_1251");
        assert_eq!(decode(b"\xCF\xF0\xE8\xE2\xE5\xF2", cyrillic), "Привет");
        let (dos, _) = Encoding::for_file(Some("AC1009"), Some("DOS850"));
        assert_eq!(decode(b"\x81ber", dos), "über");
        assert_eq!(Encoding::for_file(None, None), (Encoding::Cp1252, false));
    }

    #[test]
    fn unicode_escapes() {
        assert_eq!(decode(b"\\U+00B0 and \\U+2205", Encoding::Cp1252), "° and ∅");
        assert_eq!(unescape_unicode("\\M+18140x"), "\u{FFFD}x");
        assert_eq!(unescape_unicode("a\\Pb"), "a\\Pb");
        // A multi-byte character where the hex digits should be is no escape (and no panic).
        assert_eq!(unescape_unicode("\\U+00é!"), "\\U+00é!");
        assert_eq!(unescape_unicode("\\M+1é€x"), "\\M+1é€x");
    }

    #[test]
    fn text_percent_codes() {
        assert_eq!(text_plain("%%c20 %%d %%p0.1 100%%%"), "⌀20 ° ±0.1 100%");
        assert_eq!(text_plain("%%uUnder%%u"), "Under");
        assert_eq!(text_plain("%%065"), "A");
    }

    #[test]
    fn mtext_codes_become_plain_text() {
        assert_eq!(mtext_plain("{\\fArial|b1|i0|c0|p34;Title}\\PLine \\H2.5x;two"), "Title\nLine two");
        assert_eq!(mtext_plain("\\C1;red \\S1^2; and \\S3/4;"), "red 1/2 and 3/4");
        assert_eq!(mtext_plain("a\\~b \\\\ \\{x\\}"), "a\u{a0}b \\ {x}");
        assert_eq!(mtext_plain("\\A1;\\LUnder\\l"), "Under");
        // A colour code without its `;` ends with its number.
        assert_eq!(mtext_plain("tempor {\\C1invidunt ut} et"), "tempor invidunt ut et");
    }
}
