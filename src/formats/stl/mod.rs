//! The STL reader (formats.md §7): ASCII and binary STL into one part with one `mesh` solid, placed once
//! with the identity. STL has no units (`units: None`, [`UnitsSource::None`]) and no assembly.
//!
//! Which syntax: a file whose size is exactly `84 + 50·N` (N from bytes 80..84) is binary even when its
//! header starts with `solid` (SolidWorks, AutoCAD) — unless its content is ASCII STL text throughout, the
//! other trap, in which case the ASCII reading is tried first and binary is the fallback. A file that starts
//! with `solid` and reads as text is ASCII; anything else of at least 84 bytes is a damaged binary (see
//! [`binary`] for what is recovered).

mod ascii;
mod binary;
mod colour;
mod edges;
mod error;
mod facets;

pub use error::{Pos, StlError};
pub use facets::BuildStats;

use crate::model::{
    Document, FileFormat, Model3d, Node, NodeKind, PartDef, Rgba, Solid, SolidKind, Source, Units, UnitsSource,
};
use facets::Facets;

/// The window checked for text and STL keywords when deciding for ASCII.
const TEXT_WINDOW: usize = 4096;

/// Reads an ASCII or binary STL.
pub fn read(bytes: &[u8]) -> Result<Document, StlError> {
    let size_fits = binary::declared_size(bytes) == Some(bytes.len() as u64);
    match plan(size_fits, looks_like_ascii(bytes), bytes.len()) {
        Plan::Binary => read_binary(bytes),
        Plan::Ascii => read_ascii(bytes),
        Plan::AsciiThenBinary => read_ascii(bytes).or_else(|_| read_binary(bytes)),
        Plan::NotStl => Err(StlError::NotStl {
            pos: Pos::Offset(0),
            expected: "an 84-byte binary preamble or ASCII text starting with solid",
            found: error::excerpt(bytes),
        }),
    }
}

/// Which syntax to read, in which order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plan {
    Binary,
    Ascii,
    /// Text that also satisfies `84 + 50·N`: ASCII unless it fails to parse as such.
    AsciiThenBinary,
    NotStl,
}

fn plan(size_fits: bool, ascii_text: bool, len: usize) -> Plan {
    match (size_fits, ascii_text) {
        (true, true) => Plan::AsciiThenBinary,
        (true, false) => Plan::Binary,
        (false, true) => Plan::Ascii,
        (false, false) if len >= binary::PREAMBLE_LEN => Plan::Binary,
        (false, false) => Plan::NotStl,
    }
}

fn read_binary(bytes: &[u8]) -> Result<Document, StlError> {
    let (facets, header, mut warnings) = binary::read(bytes)?;
    let (scheme, colour_warning) = colour::scheme(header, &facets.facets);
    warnings.extend(colour_warning);
    let name = header_text(header);
    let mut doc = document(bytes.len(), "binary", name.clone());
    let part_colour = scheme.part_colour();
    let solid = solid(&facets, name.clone(), |f| scheme.facet_colour(f), &mut warnings);
    doc.model3d = Some(model(name, solid, part_colour));
    doc.diagnostics.warnings = warnings;
    Ok(doc)
}

fn read_ascii(bytes: &[u8]) -> Result<Document, StlError> {
    let (facets, mut warnings) = ascii::read(bytes)?;
    let names: Vec<&str> = facets.blocks.iter().filter_map(|(_, n)| n.as_deref()).collect();
    let name = names.first().map(|n| (*n).to_owned());
    if facets.blocks.len() > 1 {
        warnings.push(format!(
            "{} solids joined into one mesh (names: {})",
            facets.blocks.len(),
            if names.is_empty() { "none".to_owned() } else { names.join(", ") }
        ));
    }
    let mut doc = document(bytes.len(), "ascii", name.clone());
    let solid = solid(&facets, name.clone(), |_| None, &mut warnings);
    doc.model3d = Some(model(name, solid, None));
    doc.diagnostics.warnings = warnings;
    Ok(doc)
}

fn document(len: usize, version: &str, producer: Option<String>) -> Document {
    let mut doc = Document::new(Source::new(FileFormat::Stl, len as u64));
    doc.source.version = Some(version.to_owned());
    doc.source.producer = producer;
    doc.units = Units { length: None, insunits: None, source: UnitsSource::None };
    doc
}

/// The one `mesh` solid, with the build counts reported as warnings.
fn solid(
    facets: &Facets,
    name: Option<String>,
    colour_of: impl Fn(&facets::Facet) -> Option<u16>,
    warnings: &mut Vec<String>,
) -> Solid {
    let (faces, stats) = facets::build(facets, colour_of);
    warnings.extend(stats_warnings(&stats));
    warnings.extend(edge_warning(&edges::edge_stats(&faces)));
    // One colour on every facet is the body's colour.
    let first = faces.first().and_then(|f| f.colour);
    let colour = first.filter(|c| faces.iter().all(|f| f.colour == Some(*c)));
    Solid { name, kind: SolidKind::Mesh, faces, colour, faces_without_mesh: 0 }
}

fn stats_warnings(s: &BuildStats) -> Vec<String> {
    let mut out = Vec::new();
    if s.triangles == 0 {
        out.push("no triangles".to_owned());
    }
    if s.non_finite > 0 {
        out.push(format!("{} facets with non-finite coordinates left out", s.non_finite));
    }
    if s.beyond_index_range > 0 {
        out.push(format!("{} facets beyond the u32 index range of one mesh left out", s.beyond_index_range));
    }
    if s.degenerate > 0 {
        out.push(format!("{} degenerate (zero-area) triangles", s.degenerate));
    }
    if s.normals_zero > 0 || s.normals_disagree > 0 {
        out.push(format!(
            "stored normals: {} zero, {} against the winding; normals recomputed from the winding",
            s.normals_zero, s.normals_disagree
        ));
    }
    out
}

/// Why the mesh is not closed, when it is not (the JSON says only `closed: false`, `volume: null`).
fn edge_warning(e: &edges::EdgeStats) -> Option<String> {
    (*e != edges::EdgeStats::default()).then(|| {
        format!(
            "mesh not closed (exact-coordinate weld): {} boundary edges, {} non-manifold edges, {} edges between \
             oppositely wound triangles; volume not reported",
            e.boundary, e.non_manifold, e.misoriented
        )
    })
}

fn model(name: Option<String>, solid: Solid, colour: Option<Rgba>) -> Model3d {
    let name = name.unwrap_or_else(|| "STL".to_owned());
    Model3d {
        units: None,
        parts: vec![PartDef { name: name.clone(), solids: vec![solid], colour, ..PartDef::default() }],
        roots: vec![Node { name, kind: NodeKind::Part, part: Some(0), ..Node::default() }],
        tessellation: None,
        ..Model3d::default()
    }
}

/// Whether the input is ASCII STL text: `solid` first (after whitespace), text bytes only in the first
/// 4 KiB, and `facet` or `endsolid` there (a bare "solid state drive" sentence is not STL).
fn looks_like_ascii(bytes: &[u8]) -> bool {
    let start = bytes.trim_ascii_start();
    let starts_with_solid = start.len() >= 5
        && start[..5].eq_ignore_ascii_case(b"solid")
        && start.get(5).is_none_or(u8::is_ascii_whitespace);
    if !starts_with_solid {
        return false;
    }
    let window = &start[..start.len().min(TEXT_WINDOW)];
    let text = window.iter().all(|&b| matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x20..=0x7E) || b >= 0x80);
    let lower = window.to_ascii_lowercase();
    let has = |k: &[u8]| lower.windows(k.len()).any(|w| w == k);
    text && (has(b"facet") || has(b"endsolid"))
}

/// The binary header's text up to the first NUL, trimmed; `None` when empty or mostly not printable
/// (Materialise headers carry binary colour bytes after `COLOR=`, shown as spaces).
fn header_text(header: &[u8]) -> Option<String> {
    let end = header.iter().position(|&b| b == 0).unwrap_or(header.len());
    let header = &header[..end];
    let printable = header.iter().filter(|b| (0x20..0x7F).contains(*b) || b.is_ascii_whitespace()).count();
    if printable * 4 < header.len() * 3 {
        return None;
    }
    let shown: String = header.iter().map(|&b| if (0x21..0x7F).contains(&b) { b as char } else { ' ' }).collect();
    let s = shown.split_whitespace().collect::<Vec<_>>().join(" ");
    (!s.is_empty()).then_some(s)
}

#[cfg(test)]
mod tests;
