//! The Part 21 lexer: bytes → tokens, zero-copy (names, strings and binaries borrow the input). Whitespace
//! and `/* … */` comments are skipped anywhere; numbers are parsed here so the parser never re-scans them.

use super::error::{At, StepError, excerpt};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Token<'a> {
    /// A keyword: entity or type name, section name, `ISO-10303-21` (hyphens allowed for those two).
    Keyword(&'a str),
    /// `#n` (instance name).
    Ref(u64),
    Int(i64),
    Real(f64),
    /// The raw text between the quotes: `''` and `\…\` escapes still encoded (see [`super::strings`]).
    Str(&'a [u8]),
    /// `.NAME.` without the dots.
    Enum(&'a str),
    /// `"…"` without the quotes (hex digits after a leading pad-count digit).
    Binary(&'a [u8]),
    Open,
    Close,
    Comma,
    Semicolon,
    Equals,
    Dollar,
    Star,
    Eof,
}

pub struct Lexer<'a> {
    bytes: &'a [u8],
    at: usize,
    /// Start of the last token returned, for error positions.
    pub start: usize,
}

impl<'a> Lexer<'a> {
    pub fn new(bytes: &'a [u8]) -> Lexer<'a> {
        Lexer { bytes, at: 0, start: 0 }
    }

    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    pub fn offset(&self) -> usize {
        self.at
    }

    pub fn here(&self) -> At {
        At::of(self.bytes, self.start)
    }

    fn err_at(&self, at: usize, expected: &'static str) -> StepError {
        match self.bytes.get(at..) {
            Some(rest) if !rest.is_empty() => {
                StepError::Syntax { at: At::of(self.bytes, at), expected, found: excerpt(rest) }
            }
            _ => StepError::Truncated { at: At::of(self.bytes, at), expected },
        }
    }

    /// An error at the last token's start.
    pub fn error(&self, expected: &'static str) -> StepError {
        self.err_at(self.start, expected)
    }

    /// Skips whitespace and comments; an unterminated comment is a truncation.
    fn skip_blanks(&mut self) -> Result<(), StepError> {
        loop {
            match self.bytes.get(self.at) {
                Some(b' ' | b'\t' | b'\r' | b'\n' | 0x0B | 0x0C) => self.at += 1,
                Some(b'/') if self.bytes.get(self.at + 1) == Some(&b'*') => {
                    let open = self.at;
                    let body = &self.bytes[self.at + 2..];
                    match body.windows(2).position(|w| w == b"*/") {
                        Some(end) => self.at += 2 + end + 2,
                        None => {
                            return Err(StepError::Truncated {
                                at: At::of(self.bytes, open),
                                expected: "*/ closing the comment",
                            });
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    pub fn next(&mut self) -> Result<Token<'a>, StepError> {
        self.skip_blanks()?;
        self.start = self.at;
        let Some(&b) = self.bytes.get(self.at) else { return Ok(Token::Eof) };
        let single = match b {
            b'(' => Some(Token::Open),
            b')' => Some(Token::Close),
            b',' => Some(Token::Comma),
            b';' => Some(Token::Semicolon),
            b'=' => Some(Token::Equals),
            b'$' => Some(Token::Dollar),
            b'*' => Some(Token::Star),
            _ => None,
        };
        if let Some(t) = single {
            self.at += 1;
            return Ok(t);
        }
        match b {
            b'#' | b'@' => self.reference(),
            b'\'' => self.string(),
            b'"' => self.binary(),
            b'.' => self.enumeration(),
            b'0'..=b'9' | b'+' | b'-' => self.number(),
            b'A'..=b'Z' | b'a'..=b'z' | b'_' | b'!' => Ok(self.keyword()),
            _ => Err(self.err_at(self.at, "a Part 21 token")),
        }
    }

    fn take_while(&mut self, f: impl Fn(u8) -> bool) -> &'a [u8] {
        let start = self.at;
        while self.bytes.get(self.at).is_some_and(|&b| f(b)) {
            self.at += 1;
        }
        &self.bytes[start..self.at]
    }

    fn keyword(&mut self) -> Token<'a> {
        let start = self.at;
        self.at += 1;
        self.take_while(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        // Only ASCII bytes were taken, so this is valid UTF-8.
        Token::Keyword(std::str::from_utf8(&self.bytes[start..self.at]).unwrap_or(""))
    }

    fn reference(&mut self) -> Result<Token<'a>, StepError> {
        let start = self.at;
        self.at += 1;
        let digits = self.take_while(|b| b.is_ascii_digit());
        if digits.is_empty() {
            return Err(self.err_at(start, "digits after # in an instance name"));
        }
        let id = parse_u64(digits).ok_or_else(|| StepError::BadNumber {
            at: At::of(self.bytes, start),
            expected: "an instance id below 2^64",
            found: excerpt(&self.bytes[start..self.at]),
        })?;
        Ok(Token::Ref(id))
    }

    fn string(&mut self) -> Result<Token<'a>, StepError> {
        let open = self.at;
        let body = open + 1;
        let mut i = body;
        loop {
            match memchr_quote(self.bytes, i) {
                Some(q) if self.bytes.get(q + 1) == Some(&b'\'') => i = q + 2,
                Some(q) => {
                    self.at = q + 1;
                    return Ok(Token::Str(&self.bytes[body..q]));
                }
                None => {
                    return Err(StepError::Truncated {
                        at: At::of(self.bytes, open),
                        expected: "' closing the string",
                    });
                }
            }
        }
    }

    fn binary(&mut self) -> Result<Token<'a>, StepError> {
        let open = self.at;
        self.at += 1;
        let body = self.take_while(|b| b.is_ascii_hexdigit());
        if self.bytes.get(self.at) != Some(&b'"') {
            return Err(self.err_at(self.at.max(open), "hex digits and \" closing the binary"));
        }
        self.at += 1;
        Ok(Token::Binary(body))
    }

    fn enumeration(&mut self) -> Result<Token<'a>, StepError> {
        let start = self.at;
        self.at += 1;
        let name = self.take_while(|b| b.is_ascii_alphanumeric() || b == b'_');
        if name.is_empty() || self.bytes.get(self.at) != Some(&b'.') {
            return Err(self.err_at(start, "an enumeration .NAME."));
        }
        self.at += 1;
        Ok(Token::Enum(std::str::from_utf8(name).unwrap_or("")))
    }

    /// `[+-]digits` is an integer; with `.` (and optional fraction and exponent) a real: `1.`, `1.E-3`.
    fn number(&mut self) -> Result<Token<'a>, StepError> {
        let start = self.at;
        if matches!(self.bytes.get(self.at), Some(b'+' | b'-')) {
            self.at += 1;
        }
        let int_digits = self.take_while(|b| b.is_ascii_digit()).len();
        let mut real = false;
        if self.bytes.get(self.at) == Some(&b'.') {
            real = true;
            self.at += 1;
            self.take_while(|b| b.is_ascii_digit());
        }
        if real && matches!(self.bytes.get(self.at), Some(b'E' | b'e')) {
            let save = self.at;
            self.at += 1;
            if matches!(self.bytes.get(self.at), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if self.take_while(|b| b.is_ascii_digit()).is_empty() {
                self.at = save;
            }
        }
        let text = &self.bytes[start..self.at];
        let bad = |expected| StepError::BadNumber { at: At::of(self.bytes, start), expected, found: excerpt(text) };
        if int_digits == 0 {
            return Err(bad("digits in a number"));
        }
        // Only ASCII digits, signs, dots and E were taken.
        let s = std::str::from_utf8(text).unwrap_or("");
        if real {
            s.parse::<f64>().map(Token::Real).map_err(|_| bad("a real number"))
        } else {
            s.parse::<i64>().map(Token::Int).map_err(|_| bad("an integer within 64 bits"))
        }
    }

    /// Skips raw text to just after the next `ENDSEC;` (for sections whose content is not Part 21 tokens,
    /// such as Edition 3 `ANCHOR`, `REFERENCE` and `SIGNATURE`).
    pub fn skip_section(&mut self) -> Result<(), StepError> {
        let rest = &self.bytes[self.at..];
        match rest.windows(6).position(|w| w.eq_ignore_ascii_case(b"ENDSEC")) {
            Some(p) => {
                self.at += p + 6;
                match self.next()? {
                    Token::Semicolon => Ok(()),
                    _ => Err(self.error("; after ENDSEC")),
                }
            }
            None => {
                Err(StepError::Truncated { at: At::of(self.bytes, self.at), expected: "ENDSEC; closing the section" })
            }
        }
    }
}

fn memchr_quote(bytes: &[u8], from: usize) -> Option<usize> {
    bytes.get(from..)?.iter().position(|&b| b == b'\'').map(|p| p + from)
}

fn parse_u64(digits: &[u8]) -> Option<u64> {
    digits.iter().try_fold(0u64, |acc, &d| acc.checked_mul(10)?.checked_add(u64::from(d - b'0')))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<Token<'_>> {
        let mut lx = Lexer::new(text.as_bytes());
        let mut out = Vec::new();
        loop {
            match lx.next().expect("lexes") {
                Token::Eof => return out,
                t => out.push(t),
            }
        }
    }

    #[test]
    fn numbers_reals_and_enums() {
        assert_eq!(
            all("1 -2 1. 1.E-3 +2.5e2 .T. $ *"),
            vec![
                Token::Int(1),
                Token::Int(-2),
                Token::Real(1.0),
                Token::Real(0.001),
                Token::Real(250.0),
                Token::Enum("T"),
                Token::Dollar,
                Token::Star
            ]
        );
    }

    #[test]
    fn strings_comments_refs_and_binary() {
        assert_eq!(
            all("/* c */ #12=A('it''s',\"0F\")/**/;"),
            vec![
                Token::Ref(12),
                Token::Equals,
                Token::Keyword("A"),
                Token::Open,
                Token::Str(b"it''s"),
                Token::Comma,
                Token::Binary(b"0F"),
                Token::Close,
                Token::Semicolon
            ]
        );
    }

    #[test]
    fn overflowing_id_and_open_comment_are_typed_errors() {
        let mut lx = Lexer::new(b"#99999999999999999999999");
        assert!(matches!(lx.next(), Err(StepError::BadNumber { .. })));
        let mut lx = Lexer::new(b"\n/* never closed");
        match lx.next() {
            Err(StepError::Truncated { at, .. }) => assert_eq!(at, At { line: 2, offset: 1 }),
            other => panic!("expected a truncation, got {other:?}"),
        }
    }
}
