//! STEP (formats.md §6): `ISO-10303-21;` after an optional BOM, whitespace and comments, then the HEADER
//! section's `FILE_NAME` (originating system → producer) and `FILE_SCHEMA` (schema → application protocol).

use crate::model::FileFormat;

use super::Sniffed;
use super::bytes::{strip_bom, text};

const MAGIC: &[u8] = b"ISO-10303-21;";
/// Header records are flat; deeper nesting than this is garbage, not STEP.
const MAX_DEPTH: usize = 16;
/// FILE_DESCRIPTION, FILE_NAME, FILE_SCHEMA and a few Edition 3 extras.
const MAX_HEADER_RECORDS: usize = 32;

pub fn sniff(head: &[u8], total_len: u64) -> Option<Sniffed> {
    let mut lexer = Lexer { bytes: strip_bom(head), at: 0 };
    lexer.skip_blanks();
    if !lexer.rest().starts_with(MAGIC) {
        return None;
    }
    lexer.at += MAGIC.len();
    let mut found = Sniffed::new(FileFormat::Step, total_len);
    let header = read_header(&mut lexer);
    if let Some(schema) = header.schema {
        found.version = application_protocol(&schema).map(str::to_owned);
        found.schema = Some(schema);
    }
    found.producer = header.producer;
    Some(found)
}

#[derive(Default)]
struct Header {
    schema: Option<String>,
    producer: Option<String>,
}

/// Reads `HEADER; RECORD(...); … ENDSEC;` as far as the window goes; a damaged header yields what was read.
fn read_header(lexer: &mut Lexer<'_>) -> Header {
    let mut header = Header::default();
    if lexer.next() != Some(Token::Keyword("HEADER")) || lexer.next() != Some(Token::Semicolon) {
        return header;
    }
    for _ in 0..MAX_HEADER_RECORDS {
        let Some(Token::Keyword(name)) = lexer.next() else { break };
        if name.eq_ignore_ascii_case("ENDSEC") {
            break;
        }
        let Some(Value::List(args)) = read_value(lexer, 0) else { break };
        if name.eq_ignore_ascii_case("FILE_NAME") {
            header.producer = originating_system(&args);
        } else if name.eq_ignore_ascii_case("FILE_SCHEMA") {
            header.schema = first_schema(&args);
        }
        if lexer.next() != Some(Token::Semicolon) {
            break;
        }
    }
    header
}

/// FILE_NAME(name, time_stamp, author, organization, preprocessor_version, originating_system, authorization):
/// the originating system, or the preprocessor when the system is blank.
fn originating_system(args: &[Value]) -> Option<String> {
    let as_text = |v: Option<&Value>| match v {
        Some(Value::Str(s)) => text(s.as_bytes()),
        _ => None,
    };
    as_text(args.get(5)).or_else(|| as_text(args.get(4)))
}

/// FILE_SCHEMA(('NAME { oid }', …)): the first entry.
fn first_schema(args: &[Value]) -> Option<String> {
    match args.first()? {
        Value::List(names) => match names.first()? {
            Value::Str(s) => text(s.as_bytes()),
            _ => None,
        },
        _ => None,
    }
}

/// The AP a schema belongs to, by name, else by the part number in its object identifier
/// (`{ 1 0 10303 214 … }`).
pub fn application_protocol(schema: &str) -> Option<&'static str> {
    let upper = schema.to_ascii_uppercase();
    let name = upper.split(|c: char| c.is_whitespace() || c == '{').next().unwrap_or("");
    const BY_PREFIX: &[(&str, &str)] = &[
        ("AUTOMOTIVE_DESIGN", "AP214"),
        ("AP214", "AP214"),
        ("CONFIG_CONTROL_DESIGN", "AP203"),
        ("CONFIGURATION_CONTROL_3D_DESIGN", "AP203"),
        ("AP203", "AP203"),
        // The CAx-IF extensions of AP203 (config control design + colours/layers, validation properties).
        ("CCD_CLA_", "AP203"),
        ("AP242", "AP242"),
        ("AP209", "AP209"),
        ("STRUCTURAL_ANALYSIS_DESIGN", "AP209"),
        ("INTEGRATED_CNC_SCHEMA", "AP238"),
        ("AP210", "AP210"),
        ("AP238", "AP238"),
    ];
    if let Some((_, ap)) = BY_PREFIX.iter().find(|(prefix, _)| name.starts_with(prefix)) {
        return Some(ap);
    }
    by_object_identifier(&upper)
}

fn by_object_identifier(schema: &str) -> Option<&'static str> {
    let oid = schema.split_once('{')?.1.split('}').next()?;
    let parts: Vec<&str> = oid.split_whitespace().collect();
    let part = parts.iter().position(|p| *p == "10303").and_then(|i| parts.get(i + 1))?;
    match *part {
        "203" | "403" => Some("AP203"),
        "214" => Some("AP214"),
        "209" | "409" => Some("AP209"),
        "242" | "442" => Some("AP242"),
        _ => None,
    }
}

#[derive(Debug, PartialEq)]
enum Token<'a> {
    Keyword(&'a str),
    Str(String),
    Open,
    Close,
    Comma,
    Semicolon,
    /// Numbers, enumerations, references, `$`, `*`: the header needs none of them.
    Other,
}

#[derive(Debug)]
enum Value {
    Str(String),
    List(Vec<Value>),
    Other,
}

/// A value after its first token: a string, a parenthesised list, a typed value `NAME(…)`, or an atom.
fn read_value(lexer: &mut Lexer<'_>, depth: usize) -> Option<Value> {
    match lexer.next()? {
        Token::Open => read_list(lexer, depth + 1),
        Token::Str(s) => Some(Value::Str(s)),
        Token::Keyword(_) if lexer.peek_open() => {
            lexer.next();
            read_list(lexer, depth + 1).map(|_| Value::Other)
        }
        Token::Keyword(_) | Token::Other => Some(Value::Other),
        Token::Close | Token::Comma | Token::Semicolon => None,
    }
}

/// The rest of a list after its `(`.
fn read_list(lexer: &mut Lexer<'_>, depth: usize) -> Option<Value> {
    if depth > MAX_DEPTH {
        return None;
    }
    let mut items = Vec::new();
    if lexer.peek_close() {
        lexer.next();
        return Some(Value::List(items));
    }
    loop {
        items.push(read_value(lexer, depth)?);
        match lexer.next()? {
            Token::Comma => {}
            Token::Close => return Some(Value::List(items)),
            _ => return None,
        }
    }
}

/// Part 21 tokens over a byte window; every call consumes at least one byte or returns `None`.
struct Lexer<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Lexer<'a> {
    fn rest(&self) -> &'a [u8] {
        self.bytes.get(self.at..).unwrap_or(&[])
    }

    /// Whitespace and `/* … */` comments.
    fn skip_blanks(&mut self) {
        loop {
            let rest = self.rest();
            if rest.first().is_some_and(u8::is_ascii_whitespace) {
                self.at += 1;
            } else if rest.starts_with(b"/*") {
                let close = rest[2..].windows(2).position(|w| w == b"*/");
                self.at = close.map_or(self.bytes.len(), |end| self.at + 2 + end + 2);
            } else {
                return;
            }
        }
    }

    fn peek_open(&mut self) -> bool {
        self.skip_blanks();
        self.rest().first() == Some(&b'(')
    }

    fn peek_close(&mut self) -> bool {
        self.skip_blanks();
        self.rest().first() == Some(&b')')
    }

    fn next(&mut self) -> Option<Token<'a>> {
        self.skip_blanks();
        let rest = self.rest();
        let first = *rest.first()?;
        let single = match first {
            b'(' => Some(Token::Open),
            b')' => Some(Token::Close),
            b',' => Some(Token::Comma),
            b';' => Some(Token::Semicolon),
            _ => None,
        };
        if let Some(token) = single {
            self.at += 1;
            return Some(token);
        }
        if first == b'\'' {
            return self.string();
        }
        let len = rest.iter().take_while(|b| !b" \t\r\n(),;'/".contains(b)).count().max(1);
        self.at += len;
        let word = &rest[..len];
        let is_keyword = word[0].is_ascii_alphabetic() && word.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_');
        match std::str::from_utf8(word) {
            Ok(keyword) if is_keyword => Some(Token::Keyword(keyword)),
            _ => Some(Token::Other),
        }
    }

    /// `'…'` with `''` for a quote; other escapes (`\X2\…`) stay as written.
    fn string(&mut self) -> Option<Token<'a>> {
        let rest = self.rest();
        let mut out = Vec::new();
        let mut i = 1;
        loop {
            match rest.get(i)? {
                b'\'' if rest.get(i + 1) == Some(&b'\'') => {
                    out.push(b'\'');
                    i += 2;
                }
                b'\'' => break,
                b => {
                    out.push(*b);
                    i += 1;
                }
            }
        }
        self.at += i + 1;
        Some(Token::Str(String::from_utf8_lossy(&out).into_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AP214: &[u8] = b"ISO-10303-21;\nHEADER;\n/* written by a test */\nFILE_DESCRIPTION(('a part'),'2;1');\n\
        FILE_NAME('part.stp','2024-01-01T00:00:00',('me'),('us'),'pre 1.0','CATIA V5 STEP AP214','');\n\
        FILE_SCHEMA(('AUTOMOTIVE_DESIGN { 1 0 10303 214 1 1 1 1 }'));\nENDSEC;\nDATA;\n";

    #[test]
    fn header_gives_schema_ap_and_producer() {
        let found = sniff(AP214, 1000).expect("STEP");
        assert_eq!(found.format, FileFormat::Step);
        assert_eq!(found.schema.as_deref(), Some("AUTOMOTIVE_DESIGN { 1 0 10303 214 1 1 1 1 }"));
        assert_eq!(found.version.as_deref(), Some("AP214"));
        assert_eq!(found.producer.as_deref(), Some("CATIA V5 STEP AP214"));
    }

    #[test]
    fn bom_comments_and_blank_lines_before_the_magic() {
        let mut bytes = b"\xEF\xBB\xBF\r\n/* exported */\r\n  ".to_vec();
        bytes.extend_from_slice(AP214);
        assert_eq!(sniff(&bytes, 1000).expect("STEP").version.as_deref(), Some("AP214"));
    }

    #[test]
    fn schemas_map_to_their_protocols() {
        assert_eq!(application_protocol("CONFIG_CONTROL_DESIGN"), Some("AP203"));
        assert_eq!(application_protocol("automotive_design"), Some("AP214"));
        assert_eq!(application_protocol("AUTOMOTIVE_DESIGN_CC2 { 1 2 10303 214 -1 1 5 4 }"), Some("AP214"));
        assert_eq!(
            application_protocol("AP242_MANAGED_MODEL_BASED_3D_ENGINEERING_MIM_LF {1 0 10303 442 1 1 4 }"),
            Some("AP242")
        );
        assert_eq!(application_protocol("AP209_MULTIDISCIPLINARY_ANALYSIS_AND_DESIGN_MIM_LF"), Some("AP209"));
        assert_eq!(
            application_protocol("CONFIGURATION_CONTROL_3D_DESIGN_ED2_MIM_LF { 1 0 10303 403 1 1 4}"),
            Some("AP203")
        );
        assert_eq!(application_protocol("SOME_SCHEMA { 1 0 10303 442 1 }"), Some("AP242"));
        assert_eq!(application_protocol("CONSTRUCTION_HISTORY_SCHEMA"), None);
    }

    #[test]
    fn blank_originating_system_falls_back_to_the_preprocessor() {
        let bytes = b"ISO-10303-21;HEADER;FILE_NAME('x','t',(''),(''),'OCC 7.0','','');FILE_SCHEMA(('CONFIG_CONTROL_DESIGN'));ENDSEC;";
        let found = sniff(bytes, 100).expect("STEP");
        assert_eq!(found.producer.as_deref(), Some("OCC 7.0"));
        assert_eq!(found.version.as_deref(), Some("AP203"));
    }

    #[test]
    fn quotes_in_strings_and_truncated_headers() {
        let bytes = b"ISO-10303-21;HEADER;FILE_NAME('x','t',('a'),('b'),'','O''Brien CAD','');FILE_SCHEMA((";
        let found = sniff(bytes, 1000).expect("STEP");
        assert_eq!(found.producer.as_deref(), Some("O'Brien CAD"));
        assert_eq!(found.schema, None);
    }

    #[test]
    fn not_step_without_the_magic() {
        assert!(sniff(b"HEADER;FILE_NAME();", 20).is_none());
    }
}
