//! The Part 21 parser: `ISO-10303-21; HEADER; … ENDSEC; DATA; #n=…; … ENDSEC; END-ISO-10303-21;` into
//! header records and instances. Parameters are parsed with an explicit stack (no recursion), so a
//! 200 000-deep nested list is a typed budget error, not a stack overflow. Everything borrows the input.

use std::collections::HashMap;

use super::error::{At, StepError};
use super::lexer::{Lexer, Token};

/// One parameter value.
#[derive(Debug, Clone, PartialEq)]
pub enum Param<'a> {
    Int(i64),
    Real(f64),
    /// Raw string content, escapes undecoded ([`super::strings::decode`]).
    Str(&'a [u8]),
    Enum(&'a str),
    Binary(&'a [u8]),
    Ref(u64),
    List(Vec<Param<'a>>),
    /// `LENGTH_MEASURE(1.)`: a type name and its value(s).
    Typed(&'a str, Vec<Param<'a>>),
    /// `$`
    Unset,
    /// `*`
    Derived,
}

impl<'a> Param<'a> {
    /// A number (integers widen; a typed measure gives its value).
    pub fn real(&self) -> Option<f64> {
        match self {
            Param::Real(v) => Some(*v),
            Param::Int(v) => Some(*v as f64),
            Param::Typed(_, v) if v.len() == 1 => v[0].real(),
            _ => None,
        }
    }

    pub fn int(&self) -> Option<i64> {
        match self {
            Param::Int(v) => Some(*v),
            Param::Typed(_, v) if v.len() == 1 => v[0].int(),
            _ => None,
        }
    }

    pub fn reference(&self) -> Option<u64> {
        match self {
            Param::Ref(id) => Some(*id),
            _ => None,
        }
    }

    pub fn list(&self) -> Option<&[Param<'a>]> {
        match self {
            Param::List(v) => Some(v),
            _ => None,
        }
    }

    pub fn enumeration(&self) -> Option<&'a str> {
        match self {
            Param::Enum(e) => Some(e),
            _ => None,
        }
    }

    /// `.T.` → true, `.F.` → false, anything else (`.U.`, `$`) → None.
    pub fn logical(&self) -> Option<bool> {
        match self.enumeration()? {
            e if e.eq_ignore_ascii_case("T") => Some(true),
            e if e.eq_ignore_ascii_case("F") => Some(false),
            _ => None,
        }
    }

    pub fn string(&self) -> Option<std::borrow::Cow<'a, str>> {
        match self {
            Param::Str(s) => Some(super::strings::decode(s)),
            _ => None,
        }
    }

    /// Every instance reference in this value, nested lists and typed values included, in order.
    pub fn for_each_ref(&self, f: &mut impl FnMut(u64)) {
        match self {
            Param::Ref(id) => f(*id),
            Param::List(v) | Param::Typed(_, v) => v.iter().for_each(|p| p.for_each_ref(f)),
            _ => {}
        }
    }
}

/// One `NAME(params)` — a whole simple instance, or one partial entity of a complex instance.
#[derive(Debug, Clone, PartialEq)]
pub struct Record<'a> {
    pub name: &'a str,
    pub params: Vec<Param<'a>>,
}

/// A data instance: one record, or several for a complex instance `(A(…) B(…))`.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance<'a> {
    /// Byte offset of `#n`, for error positions.
    pub offset: usize,
    pub records: Vec<Record<'a>>,
}

impl<'a> Instance<'a> {
    /// The record of that entity type (case-insensitive), simple or partial.
    pub fn record(&self, name: &str) -> Option<&Record<'a>> {
        self.records.iter().find(|r| r.name.eq_ignore_ascii_case(name))
    }

    pub fn is(&self, name: &str) -> bool {
        self.record(name).is_some()
    }

    /// The type name of a simple instance (a complex one answers its first partial's).
    pub fn name(&self) -> &'a str {
        self.records.first().map_or("", |r| r.name)
    }

    pub fn is_complex(&self) -> bool {
        self.records.len() > 1
    }

    /// Parameter `i` of a simple instance (or of its first record).
    pub fn param(&self, i: usize) -> Option<&Param<'a>> {
        self.records.first()?.params.get(i)
    }

    pub fn for_each_ref(&self, mut f: impl FnMut(u64)) {
        for r in &self.records {
            for p in &r.params {
                p.for_each_ref(&mut f);
            }
        }
    }
}

/// Work limits: a file over any of them is refused with [`StepError::Budget`].
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub instances: usize,
    /// Elements of one list.
    pub list_len: usize,
    /// Nesting of lists and typed values inside one instance.
    pub depth: usize,
    /// Length of a chain of references (the cycle check's walk).
    pub ref_depth: usize,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget { instances: 20_000_000, list_len: 50_000_000, depth: 1024, ref_depth: 1024 }
    }
}

/// The parsed file: header records and instances by id.
#[derive(Debug, Default)]
pub struct Exchange<'a> {
    pub header: Vec<Record<'a>>,
    pub instances: HashMap<u64, Instance<'a>>,
}

pub fn parse<'a>(bytes: &'a [u8], budget: &Budget) -> Result<Exchange<'a>, StepError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut p = Parser { lx: Lexer::new(bytes), budget: *budget };
    p.expect_keyword("ISO-10303-21", "ISO-10303-21; at the start")?;
    p.expect(Token::Semicolon, "; after ISO-10303-21")?;
    let mut ex = Exchange::default();
    let mut data_sections = 0;
    loop {
        let tok = p.lx.next()?;
        let Token::Keyword(k) = tok else {
            return Err(p.lx.error("HEADER, DATA, another section or END-ISO-10303-21"));
        };
        if k.eq_ignore_ascii_case("END-ISO-10303-21") {
            p.expect(Token::Semicolon, "; after END-ISO-10303-21")?;
            break;
        } else if k.eq_ignore_ascii_case("HEADER") {
            p.expect(Token::Semicolon, "; after HEADER")?;
            p.header(&mut ex.header)?;
        } else if k.eq_ignore_ascii_case("DATA") {
            p.data_open()?;
            p.data(&mut ex.instances)?;
            data_sections += 1;
        } else {
            // ANCHOR, REFERENCE, SIGNATURE (Edition 3): nothing the reader uses.
            p.lx.skip_section()?;
        }
    }
    if data_sections == 0 {
        return Err(StepError::NoData { at: At::of(bytes, p.lx.offset()) });
    }
    Ok(ex)
}

struct Parser<'a> {
    lx: Lexer<'a>,
    budget: Budget,
}

/// An open list or typed value on the parameter stack.
struct Frame<'a> {
    typed: Option<&'a str>,
    items: Vec<Param<'a>>,
}

impl<'a> Parser<'a> {
    fn expect(&mut self, want: Token<'a>, expected: &'static str) -> Result<(), StepError> {
        if self.lx.next()? == want { Ok(()) } else { Err(self.lx.error(expected)) }
    }

    fn expect_keyword(&mut self, want: &str, expected: &'static str) -> Result<(), StepError> {
        match self.lx.next()? {
            Token::Keyword(k) if k.eq_ignore_ascii_case(want) => Ok(()),
            _ => Err(self.lx.error(expected)),
        }
    }

    /// Header records up to `ENDSEC;`.
    fn header(&mut self, out: &mut Vec<Record<'a>>) -> Result<(), StepError> {
        loop {
            match self.lx.next()? {
                Token::Keyword(k) if k.eq_ignore_ascii_case("ENDSEC") => {
                    return self.expect(Token::Semicolon, "; after ENDSEC");
                }
                Token::Keyword(name) => {
                    self.expect(Token::Open, "( after a header record name")?;
                    let params = self.params()?;
                    self.expect(Token::Semicolon, "; after a header record")?;
                    out.push(Record { name, params });
                }
                _ => return Err(self.lx.error("a header record or ENDSEC")),
            }
        }
    }

    /// `DATA;` or Edition 3 `DATA('name', ('schema'));`.
    fn data_open(&mut self) -> Result<(), StepError> {
        match self.lx.next()? {
            Token::Semicolon => Ok(()),
            Token::Open => {
                self.params()?;
                self.expect(Token::Semicolon, "; after DATA(…)")
            }
            _ => Err(self.lx.error("; after DATA")),
        }
    }

    fn data(&mut self, out: &mut HashMap<u64, Instance<'a>>) -> Result<(), StepError> {
        loop {
            let tok = self.lx.next()?;
            let offset = self.lx.start;
            match tok {
                Token::Keyword(k) if k.eq_ignore_ascii_case("ENDSEC") => {
                    return self.expect(Token::Semicolon, "; after ENDSEC");
                }
                Token::Ref(id) => {
                    self.expect(Token::Equals, "= after the instance name")?;
                    let records = self.instance_body()?;
                    if out.len() >= self.budget.instances {
                        return Err(StepError::Budget {
                            at: At::of(self.lx.bytes(), offset),
                            what: "instances",
                            limit: self.budget.instances as u64,
                        });
                    }
                    if out.insert(id, Instance { offset, records }).is_some() {
                        return Err(StepError::Duplicate { at: At::of(self.lx.bytes(), offset), id });
                    }
                }
                _ => return Err(self.lx.error("#n = instance or ENDSEC")),
            }
        }
    }

    /// `NAME(…);` or `(A(…) B(…));`.
    fn instance_body(&mut self) -> Result<Vec<Record<'a>>, StepError> {
        match self.lx.next()? {
            Token::Keyword(name) => {
                self.expect(Token::Open, "( after the entity name")?;
                let params = self.params()?;
                self.expect(Token::Semicolon, "; after the instance")?;
                Ok(vec![Record { name, params }])
            }
            Token::Open => {
                let mut records = Vec::new();
                loop {
                    match self.lx.next()? {
                        Token::Keyword(name) => {
                            self.expect(Token::Open, "( after a partial entity name")?;
                            records.push(Record { name, params: self.params()? });
                        }
                        Token::Close if !records.is_empty() => break,
                        _ => return Err(self.lx.error("a partial entity NAME(…) or ) closing the complex instance")),
                    }
                }
                self.expect(Token::Semicolon, "; after the complex instance")?;
                Ok(records)
            }
            _ => Err(self.lx.error("an entity name or ( of a complex instance")),
        }
    }

    /// The parameters after an opening `(`, up to and including its `)`.
    fn params(&mut self) -> Result<Vec<Param<'a>>, StepError> {
        let mut stack: Vec<Frame<'a>> = vec![Frame { typed: None, items: Vec::new() }];
        // After `(` a value or `)` may come; after `,` a value; after a value `,` or `)`.
        let mut want_value = true;
        let mut just_opened = true;
        loop {
            let tok = self.lx.next()?;
            if !want_value {
                match tok {
                    Token::Comma => {
                        want_value = true;
                        just_opened = false;
                        continue;
                    }
                    Token::Close => {}
                    _ => return Err(self.lx.error(", or ) after a parameter")),
                }
            }
            let value = match tok {
                Token::Close if !want_value || just_opened => {
                    let Some(done) = stack.pop() else { return Err(self.lx.error("a parameter")) };
                    let value = match done.typed {
                        Some(name) => Param::Typed(name, done.items),
                        None => Param::List(done.items),
                    };
                    if stack.is_empty() {
                        return match value {
                            Param::List(items) => Ok(items),
                            _ => Err(self.lx.error("a parameter list")),
                        };
                    }
                    value
                }
                Token::Open | Token::Keyword(_) => {
                    let typed = if let Token::Keyword(name) = tok {
                        self.expect(Token::Open, "( after a type name")?;
                        Some(name)
                    } else {
                        None
                    };
                    if stack.len() >= self.budget.depth {
                        return Err(StepError::Budget {
                            at: self.lx.here(),
                            what: "list nesting depth",
                            limit: self.budget.depth as u64,
                        });
                    }
                    stack.push(Frame { typed, items: Vec::new() });
                    want_value = true;
                    just_opened = true;
                    continue;
                }
                Token::Int(v) => Param::Int(v),
                Token::Real(v) => Param::Real(v),
                Token::Str(s) => Param::Str(s),
                Token::Enum(e) => Param::Enum(e),
                Token::Binary(b) => Param::Binary(b),
                Token::Ref(id) => Param::Ref(id),
                Token::Dollar => Param::Unset,
                Token::Star => Param::Derived,
                _ => return Err(self.lx.error("a parameter")),
            };
            let Some(top) = stack.last_mut() else { return Err(self.lx.error("a parameter")) };
            if top.items.len() >= self.budget.list_len {
                return Err(StepError::Budget {
                    at: self.lx.here(),
                    what: "list length",
                    limit: self.budget.list_len as u64,
                });
            }
            top.items.push(value);
            want_value = false;
            just_opened = false;
        }
    }
}

/// Header values the reader reports.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct HeaderInfo {
    pub description: Vec<String>,
    pub file_name: Option<String>,
    pub originating_system: Option<String>,
    pub preprocessor: Option<String>,
    pub schema: Option<String>,
}

impl HeaderInfo {
    pub fn from_records(records: &[Record<'_>]) -> HeaderInfo {
        let mut h = HeaderInfo::default();
        let text =
            |p: Option<&Param<'_>>| p.and_then(Param::string).map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        for r in records {
            if r.name.eq_ignore_ascii_case("FILE_DESCRIPTION") {
                if let Some(list) = r.params.first().and_then(Param::list) {
                    h.description = list.iter().filter_map(|p| text(Some(p))).collect();
                }
            } else if r.name.eq_ignore_ascii_case("FILE_NAME") {
                h.file_name = text(r.params.first());
                h.preprocessor = text(r.params.get(4));
                h.originating_system = text(r.params.get(5));
            } else if r.name.eq_ignore_ascii_case("FILE_SCHEMA") {
                h.schema = r.params.first().and_then(Param::list).and_then(|l| text(l.first()));
            }
        }
        h
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = "ISO-10303-21;\nHEADER;\nFILE_DESCRIPTION(('a part'),'2;1');\n\
        FILE_NAME('p.stp','2024-01-01',('me'),(''),'pre','Sys ''X''','');\n\
        FILE_SCHEMA(('AUTOMOTIVE_DESIGN { 1 0 10303 214 1 1 1 1 }'));\nENDSEC;\nDATA;\n\
        #1=CARTESIAN_POINT('',(0.,1.E-3,-2));\n#2=(LENGTH_UNIT()NAMED_UNIT(*)SI_UNIT(.MILLI.,.METRE.));\n\
        #3=MEASURE(LENGTH_MEASURE(25.4),#2,$,\"1F\");\nENDSEC;\nEND-ISO-10303-21;\n";

    #[test]
    fn header_simple_and_complex_instances() {
        let ex = parse(SMALL.as_bytes(), &Budget::default()).expect("parses");
        let h = HeaderInfo::from_records(&ex.header);
        assert_eq!(h.originating_system.as_deref(), Some("Sys 'X'"));
        assert_eq!(h.schema.as_deref(), Some("AUTOMOTIVE_DESIGN { 1 0 10303 214 1 1 1 1 }"));
        assert_eq!(h.description, vec!["a part".to_owned()]);
        let p = &ex.instances[&1];
        assert_eq!(p.name(), "CARTESIAN_POINT");
        assert_eq!(p.param(1), Some(&Param::List(vec![Param::Real(0.0), Param::Real(0.001), Param::Int(-2)])));
        let u = &ex.instances[&2];
        assert!(u.is_complex() && u.is("si_unit"));
        assert_eq!(
            u.record("SI_UNIT").map(|r| r.params.clone()),
            Some(vec![Param::Enum("MILLI"), Param::Enum("METRE")])
        );
        let m = &ex.instances[&3];
        assert_eq!(m.param(0).and_then(Param::real), Some(25.4));
        assert_eq!(m.param(2), Some(&Param::Unset));
        assert_eq!(m.param(3), Some(&Param::Binary(b"1F")));
    }

    #[test]
    fn deep_nesting_is_a_budget_error() {
        let mut text = String::from("ISO-10303-21;HEADER;ENDSEC;DATA;#1=A(");
        text.push_str(&"(".repeat(200_000));
        text.push_str(&")".repeat(200_000));
        text.push_str(");ENDSEC;END-ISO-10303-21;");
        match parse(text.as_bytes(), &Budget::default()) {
            Err(StepError::Budget { what, limit: 1024, .. }) => assert_eq!(what, "list nesting depth"),
            other => panic!("expected a depth budget error, got {other:?}"),
        }
    }

    #[test]
    fn truncated_and_duplicate_and_missing_comma() {
        let cut = &SMALL[..SMALL.find("#3=").expect("has #3") + 10];
        assert!(matches!(parse(cut.as_bytes(), &Budget::default()), Err(StepError::Truncated { .. })));
        let dup = "ISO-10303-21;HEADER;ENDSEC;DATA;#1=A();\n#1=B();ENDSEC;END-ISO-10303-21;";
        match parse(dup.as_bytes(), &Budget::default()) {
            Err(StepError::Duplicate { id: 1, at }) => assert_eq!(at.line, 2),
            other => panic!("expected a duplicate, got {other:?}"),
        }
        let bad = "ISO-10303-21;HEADER;ENDSEC;DATA;#1=A(1 2);ENDSEC;END-ISO-10303-21;";
        assert!(matches!(
            parse(bad.as_bytes(), &Budget::default()),
            Err(StepError::Syntax { expected: ", or ) after a parameter", .. })
        ));
    }
}
