//! ASCII STL: `solid [name]`, facets (`facet normal nx ny nz` / `outer loop` / `vertex x y z` ×3 /
//! `endloop` / `endfacet`), `endsolid [name]`; several solids may follow each other. Keywords in any case,
//! any whitespace (tabs, CRLF), numbers with exponents. Tolerated with a warning: a missing `endsolid`
//! (at the end, or before the next `solid`), bytes after the last `endsolid` that do not start another solid, loops of more than three
//! vertices (fanned into triangles). Anything else out of place is an [`StlError`] naming the line.

use super::error::{Pos, StlError, excerpt};
use super::facets::{Facet, Facets};

/// The facets of an ASCII STL and warnings.
pub fn read(bytes: &[u8]) -> Result<(Facets, Vec<String>), StlError> {
    let mut lexer = Lexer { bytes, at: 0, line: 1 };
    let mut facets = Facets::default();
    let mut warnings = Vec::new();
    let mut loop_vertices: Vec<[f32; 3]> = Vec::new();
    // Set when a solid started before the previous one's endsolid: its `solid` keyword is already read.
    let mut solid_read = false;
    loop {
        if !solid_read {
            let Some(token) = lexer.token() else { break };
            if !token.eq_ignore_ascii_case(b"solid") {
                if facets.blocks.is_empty() {
                    return Err(StlError::NotStl { pos: lexer.pos(), expected: "solid", found: excerpt(token) });
                }
                warnings.push(format!("bytes after the last endsolid ignored from {} on", lexer.pos()));
                break;
            }
        }
        let name = lexer.name_until(&[b"facet", b"endsolid"]);
        facets.blocks.push((facets.facets.len(), text(name)));
        match read_solid(&mut lexer, &mut facets.facets, &mut loop_vertices, &mut warnings)? {
            SolidEnd::Keyword => solid_read = false,
            SolidEnd::NextSolid => {
                warnings.push(format!("solid at {} starts before the previous solid's endsolid", lexer.pos()));
                solid_read = true;
            }
            SolidEnd::Eof => {
                warnings.push(format!("the file ends inside a solid at {}: endsolid missing", lexer.pos()));
                break;
            }
        }
    }
    Ok((facets, warnings))
}

/// How a solid's facets ended.
enum SolidEnd {
    /// `endsolid`.
    Keyword,
    /// `solid` where a facet or `endsolid` was expected: files concatenated without their `endsolid`.
    NextSolid,
    Eof,
}

/// Facets up to `endsolid`, the next `solid`, or the end of the input.
fn read_solid(
    lexer: &mut Lexer,
    out: &mut Vec<Facet>,
    vertices: &mut Vec<[f32; 3]>,
    warnings: &mut Vec<String>,
) -> Result<SolidEnd, StlError> {
    loop {
        let Some(token) = lexer.token() else { return Ok(SolidEnd::Eof) };
        if token.eq_ignore_ascii_case(b"endsolid") {
            // The name after endsolid repeats the solid's (or differs, or is absent): not checked.
            lexer.name_until(&[b"solid"]);
            return Ok(SolidEnd::Keyword);
        }
        if token.eq_ignore_ascii_case(b"solid") {
            return Ok(SolidEnd::NextSolid);
        }
        if !token.eq_ignore_ascii_case(b"facet") {
            return Err(lexer.unexpected("facet or endsolid", token));
        }
        let facet_line = lexer.line;
        let normal = read_facet(lexer, vertices)?;
        if vertices.len() > 3 {
            warnings.push(format!(
                "facet at line {facet_line} has {} vertices: fanned into {} triangles",
                vertices.len(),
                vertices.len() - 2
            ));
        }
        for k in 1..vertices.len() - 1 {
            out.push(Facet { normal, vertices: [vertices[0], vertices[k], vertices[k + 1]], attribute: 0 });
        }
    }
}

/// After `facet`: the optional normal, the loop into `vertices` (at least three), `endfacet`.
fn read_facet(lexer: &mut Lexer, vertices: &mut Vec<[f32; 3]>) -> Result<[f32; 3], StlError> {
    let mut token = lexer.expect_token("normal or outer")?;
    let mut normal = [0.0; 3];
    if token.eq_ignore_ascii_case(b"normal") {
        normal = lexer.triple("three normal components")?;
        token = lexer.expect_token("outer")?;
    }
    if !token.eq_ignore_ascii_case(b"outer") {
        return Err(lexer.unexpected("outer", token));
    }
    lexer.keyword(b"loop", "loop")?;
    vertices.clear();
    loop {
        let token = lexer.expect_token("vertex or endloop")?;
        if token.eq_ignore_ascii_case(b"endloop") {
            break;
        }
        if !token.eq_ignore_ascii_case(b"vertex") {
            return Err(lexer.unexpected("vertex or endloop", token));
        }
        vertices.push(lexer.triple("three vertex coordinates")?);
    }
    if vertices.len() < 3 {
        return Err(StlError::Unexpected {
            pos: lexer.pos(),
            expected: "at least three vertices before endloop",
            found: format!("{} vertices", vertices.len()),
        });
    }
    lexer.keyword(b"endfacet", "endfacet")?;
    Ok(normal)
}

/// Whitespace-separated tokens with the line they are on.
struct Lexer<'a> {
    bytes: &'a [u8],
    at: usize,
    line: u64,
}

impl<'a> Lexer<'a> {
    fn pos(&self) -> Pos {
        Pos::Line(self.line)
    }

    fn token(&mut self) -> Option<&'a [u8]> {
        while let Some(&b) = self.bytes.get(self.at) {
            if !b.is_ascii_whitespace() {
                break;
            }
            if b == b'\n' {
                self.line += 1;
            }
            self.at += 1;
        }
        let start = self.at;
        while self.bytes.get(self.at).is_some_and(|b| !b.is_ascii_whitespace()) {
            self.at += 1;
        }
        (self.at > start).then(|| &self.bytes[start..self.at])
    }

    /// The name after `solid` or `endsolid`: the rest of its line, but stopping before any of `stops` so
    /// that a file written on one line (some exporters omit line breaks) keeps its facets and solids.
    fn name_until(&mut self, stops: &[&[u8]]) -> &'a [u8] {
        let start = self.at;
        let mut end = start;
        loop {
            while self.bytes.get(self.at).is_some_and(|&b| b != b'\n' && b.is_ascii_whitespace()) {
                self.at += 1;
            }
            let token_start = self.at;
            while self.bytes.get(self.at).is_some_and(|b| !b.is_ascii_whitespace()) {
                self.at += 1;
            }
            let token = &self.bytes[token_start..self.at];
            if token.is_empty() {
                break;
            }
            if stops.iter().any(|stop| token.eq_ignore_ascii_case(stop)) {
                self.at = token_start;
                break;
            }
            end = self.at;
        }
        &self.bytes[start..end]
    }

    fn expect_token(&mut self, expected: &'static str) -> Result<&'a [u8], StlError> {
        self.token().ok_or(StlError::UnexpectedEof { pos: self.pos(), expected })
    }

    fn keyword(&mut self, keyword: &[u8], expected: &'static str) -> Result<(), StlError> {
        let token = self.expect_token(expected)?;
        if token.eq_ignore_ascii_case(keyword) { Ok(()) } else { Err(self.unexpected(expected, token)) }
    }

    fn unexpected(&self, expected: &'static str, found: &[u8]) -> StlError {
        StlError::Unexpected { pos: self.pos(), expected, found: excerpt(found) }
    }

    fn triple(&mut self, expected: &'static str) -> Result<[f32; 3], StlError> {
        let mut out = [0.0; 3];
        for v in &mut out {
            let token = self.expect_token(expected)?;
            *v = std::str::from_utf8(token)
                .ok()
                .and_then(|s| s.parse::<f32>().ok())
                .ok_or_else(|| StlError::BadNumber { pos: self.pos(), expected, found: excerpt(token) })?;
        }
        Ok(out)
    }
}

/// A solid name: trimmed, whitespace runs collapsed, `None` when empty.
fn text(bytes: &[u8]) -> Option<String> {
    let s = String::from_utf8_lossy(bytes).split_whitespace().collect::<Vec<_>>().join(" ");
    (!s.is_empty()).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRIANGLE: &str = "facet normal 0 0 1\n outer loop\n  vertex 0 0 0\n  vertex 1 0 0\n  vertex 0 1 0\n \
                            endloop\nendfacet\n";

    #[test]
    fn named_solid() {
        let (facets, warnings) = read(format!("solid cube\n{TRIANGLE}endsolid cube\n").as_bytes()).expect("ascii");
        assert_eq!(facets.blocks, vec![(0, Some("cube".to_owned()))]);
        assert_eq!(facets.facets[0].vertices, [[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]);
        assert_eq!(facets.facets[0].normal, [0.0, 0.0, 1.0]);
        assert!(warnings.is_empty());
    }

    #[test]
    fn bare_solid_uppercase_crlf_tabs_exponents() {
        let input = "SOLID\r\n\tFACET NORMAL 0E0 0 1.0e+00\r\n\t\tOUTER LOOP\r\n\t\t\tVERTEX -1.5E-3 2e2 +3\r\n\
                     VERTEX 1 0 0\r\nVERTEX 0 1 0\r\nENDLOOP\r\nENDFACET\r\nENDSOLID\r\n";
        let (facets, warnings) = read(input.as_bytes()).expect("ascii");
        assert_eq!(facets.blocks, vec![(0, None)]);
        assert_eq!(facets.facets[0].vertices[0], [-1.5e-3, 200.0, 3.0]);
        assert!(warnings.is_empty());
    }

    #[test]
    fn several_solids_and_trailing_garbage() {
        let input = format!("solid a\n{TRIANGLE}{TRIANGLE}endsolid a\nsolid b\n{TRIANGLE}endsolid b\n\x00\x01junk");
        let (facets, warnings) = read(input.as_bytes()).expect("ascii");
        assert_eq!(facets.facets.len(), 3);
        assert_eq!(facets.blocks, vec![(0, Some("a".to_owned())), (2, Some("b".to_owned()))]);
        assert_eq!(warnings, vec!["bytes after the last endsolid ignored from line 26 on".to_owned()]);
    }

    #[test]
    fn a_file_on_one_line_keeps_its_facets() {
        let input = "solid one line facet normal 0 0 1 outer loop vertex 0 0 0 vertex 1 0 0 vertex 0 1 0 endloop \
                     endfacet endsolid one line solid two endsolid two";
        let (facets, warnings) = read(input.as_bytes()).expect("ascii");
        assert_eq!(facets.blocks, vec![(0, Some("one line".to_owned())), (1, Some("two".to_owned()))]);
        assert_eq!(facets.facets.len(), 1);
        assert!(warnings.is_empty());
        let (empty, _) = read(b"solid endsolid").expect("ascii");
        assert_eq!(empty.blocks, vec![(0, None)]);
    }

    #[test]
    fn missing_endsolid_is_a_warning() {
        let (facets, warnings) = read(format!("solid\n{TRIANGLE}").as_bytes()).expect("ascii");
        assert_eq!(facets.facets.len(), 1);
        assert_eq!(warnings, vec!["the file ends inside a solid at line 9: endsolid missing".to_owned()]);
        let (facets, warnings) =
            read(format!("solid a\n{TRIANGLE}solid b\n{TRIANGLE}endsolid b\n").as_bytes()).expect("ascii");
        assert_eq!(facets.blocks, vec![(0, Some("a".to_owned())), (1, Some("b".to_owned()))]);
        assert_eq!(warnings, vec!["solid at line 9 starts before the previous solid's endsolid".to_owned()]);
    }

    #[test]
    fn quads_are_fanned() {
        let input = "solid\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0 0\nvertex 1 1 0\nvertex 0 1 0\n\
                     endloop\nendfacet\nendsolid\n";
        let (facets, warnings) = read(input.as_bytes()).expect("ascii");
        assert_eq!(facets.facets.len(), 2);
        assert_eq!(facets.facets[1].vertices, [[0.0, 0.0, 0.0], [1.0, 1.0, 0.0], [0.0, 1.0, 0.0]]);
        assert_eq!(warnings, vec!["facet at line 2 has 4 vertices: fanned into 2 triangles".to_owned()]);
    }

    #[test]
    fn errors_name_the_line() {
        let bad_number = read(b"solid\nfacet normal 0 0 1\nouter loop\nvertex 0 x 0\n").expect_err("bad number");
        assert_eq!(bad_number.to_string(), "invalid number at line 4: expected three vertex coordinates, found \"x\"");
        let bad_keyword = read(
            b"solid s\n\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0 0\nvertex 0 1 0\n\
                                 endloop\nendfacett\n",
        )
        .expect_err("keyword");
        assert_eq!(bad_keyword.pos(), Pos::Line(9));
        let short = read(b"solid\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nendloop\nendfacet\n").expect_err("two");
        assert_eq!(short.pos(), Pos::Line(5));
        let eof = read(b"solid\nfacet normal 0 0 1\nouter loop\nvertex 0 0").expect_err("eof");
        assert!(matches!(eof, StlError::UnexpectedEof { pos: Pos::Line(4), .. }), "{eof:?}");
        assert!(matches!(read(b"hello"), Err(StlError::NotStl { pos: Pos::Line(1), .. })));
    }
}
