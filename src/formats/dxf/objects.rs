//! OBJECTS the model needs: LAYOUT (tab name, tab order, and the block record that holds its entities), and
//! the XCLIP chain of a clipped block reference: DICTIONARY entries, SPATIAL_FILTER, the inverted-clip XRECORD.

use super::text::{Encoding, decode};
use super::tokenizer::Tag;
use crate::model::{Affine, Point};

#[derive(Debug, Clone, PartialEq)]
pub struct LayoutInfo {
    pub name: String,
    pub tab_order: i32,
    /// Handle of the `*Model_Space` / `*Paper_Space…` block record (330 of the AcDbLayout subclass).
    pub block_record: Option<String>,
    /// Paper size from the plot settings (44/45, in millimetres as AutoCAD writes them).
    pub paper_size: Option<(f64, f64)>,
}

pub fn layout(body: &[Tag<'_>], enc: Encoding) -> LayoutInfo {
    let mut l = LayoutInfo { name: String::new(), tab_order: 0, block_record: None, paper_size: None };
    let mut subclass: &[u8] = b"";
    let (mut w, mut h) = (0.0, 0.0);
    for t in body {
        match t.code {
            100 => subclass = t.trimmed(),
            1 if subclass == b"AcDbLayout" => l.name = decode(t.raw, enc),
            71 if subclass == b"AcDbLayout" => l.tab_order = t.int().and_then(|v| i32::try_from(v).ok()).unwrap_or(0),
            330 if subclass == b"AcDbLayout" && l.block_record.is_none() => {
                l.block_record = Some(decode(t.trimmed(), enc).to_ascii_uppercase());
            }
            44 if subclass == b"AcDbPlotSettings" => w = t.f64().unwrap_or(0.0),
            45 if subclass == b"AcDbPlotSettings" => h = t.f64().unwrap_or(0.0),
            _ => {}
        }
    }
    if w > 0.0 && h > 0.0 {
        l.paper_size = Some((w, h));
    }
    l
}

/// Dictionary entries: (upper-case name, upper-case handle).
pub type DictEntries = Vec<(String, Vec<u8>)>;

/// A DICTIONARY's entries whose names the XCLIP chain uses (an INSERT's extension dictionary names
/// `ACAD_FILTER`, that one `SPATIAL`, a SPATIAL_FILTER's own `ACAD_XREC_ROUNDTRIP`): (name, upper-case handle).
/// Other entries are not kept, so a drawing with many dictionaries keeps almost nothing.
pub fn clip_dictionary(body: &[Tag<'_>], enc: Encoding) -> Option<(Vec<u8>, DictEntries)> {
    const NAMES: [&str; 3] = ["ACAD_FILTER", "SPATIAL", "ACAD_XREC_ROUNDTRIP"];
    let mut handle = None;
    let mut entries = Vec::new();
    let mut name: Option<String> = None;
    for t in body {
        match t.code {
            5 if handle.is_none() => handle = Some(t.trimmed().to_ascii_uppercase()),
            // Compared as stored (the names are ASCII): most entries are not wanted, and are never decoded.
            3 => {
                let raw = t.trimmed();
                name = NAMES.iter().any(|k| k.as_bytes().eq_ignore_ascii_case(raw)).then(|| decode(raw, enc));
            }
            350 | 360 => {
                if let Some(n) = name.take() {
                    entries.push((n.to_ascii_uppercase(), t.trimmed().to_ascii_uppercase()));
                }
            }
            _ => {}
        }
    }
    Some((handle?, entries)).filter(|(_, e)| !e.is_empty())
}

/// A SPATIAL_FILTER object (an XCLIP boundary), as stored.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpatialFilter {
    /// Boundary vertices (10/20) in the clip boundary's coordinates: two are the corners of a rectangle.
    pub boundary: Vec<Point>,
    /// Clipping on (71; 1 when absent).
    pub enabled: bool,
    pub front: Option<f64>,
    pub back: Option<f64>,
    /// The inverse of the block reference's transform when the clip was made (block ← WCS).
    pub inverse_insert: Affine,
    /// WCS → the clip boundary's coordinates.
    pub clip_transform: Affine,
    /// The filter's extension dictionary (upper-case handle): an inverted clip keeps its boundaries there.
    pub xdict: Option<Vec<u8>>,
}

/// Reads a SPATIAL_FILTER. Its two matrices are the last 24 reals of group 40 (a front clipping distance,
/// also 40, comes first when 72 = 1), each 12 numbers row by row of a 3×4 affine matrix. `None` without a
/// handle or with fewer than two boundary points or 24 matrix values.
pub fn spatial_filter(body: &[Tag<'_>]) -> Option<(Vec<u8>, SpatialFilter)> {
    let mut f = SpatialFilter { enabled: true, ..SpatialFilter::default() };
    let mut handle = None;
    let (mut in_filter, mut in_xdict) = (false, false);
    let (mut has_front, mut has_back) = (false, false);
    let mut reals: Vec<f64> = Vec::new();
    let mut back = None;
    for t in body {
        match t.code {
            5 if handle.is_none() => handle = Some(t.trimmed().to_ascii_uppercase()),
            102 => in_xdict = t.trimmed().eq_ignore_ascii_case(b"{ACAD_XDICTIONARY"),
            360 if in_xdict => f.xdict = Some(t.trimmed().to_ascii_uppercase()),
            100 => in_filter = t.trimmed() == b"AcDbSpatialFilter",
            _ if !in_filter => {}
            10 => f.boundary.push(Point::xy(t.f64()?, 0.0)),
            20 => f.boundary.last_mut()?.y = t.f64()?,
            71 => f.enabled = t.int() != Some(0),
            72 => has_front = t.int() == Some(1),
            73 => has_back = t.int() == Some(1),
            40 => reals.push(t.f64()?),
            41 => back = t.f64(),
            _ => {}
        }
    }
    if f.boundary.len() < 2 || reals.len() < 24 {
        return None;
    }
    let matrix =
        |v: &[f64]| Affine { m: [[v[0], v[1], v[2], v[3]], [v[4], v[5], v[6], v[7]], [v[8], v[9], v[10], v[11]]] };
    let tail = &reals[reals.len() - 24..];
    f.inverse_insert = matrix(&tail[..12]);
    f.clip_transform = matrix(&tail[12..]);
    f.front = if has_front && reals.len() > 24 { reals.first().copied() } else { None };
    f.back = if has_back { back } else { None };
    Some((handle?, f))
}

/// The boundaries of an inverted clip, from the `ACAD_XREC_ROUNDTRIP` XRECORD of its SPATIAL_FILTER:
/// `ACAD_INVERTEDCLIP_ROUNDTRIP` (the inner boundary: the part cut away) and `…_COMPARE` (whose box is the
/// outer bound), each a list of 10/20/30 points in the coordinates of the filter's boundary.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InvertedClip {
    pub inner: Vec<Point>,
    pub compare: Vec<Point>,
}

/// Reads an XRECORD that holds an inverted clip; `None` for any other XRECORD.
pub fn inverted_clip(body: &[Tag<'_>]) -> Option<(Vec<u8>, InvertedClip)> {
    let mut handle = None;
    let mut c = InvertedClip::default();
    // 0: elsewhere, 1: the inner boundary, 2: the compare list.
    let mut section = 0;
    let mut seen = false;
    for t in body {
        match t.code {
            5 if handle.is_none() => handle = Some(t.trimmed().to_ascii_uppercase()),
            102 => {
                section = match t.trimmed() {
                    b"ACAD_INVERTEDCLIP_ROUNDTRIP" => 1,
                    b"ACAD_INVERTEDCLIP_ROUNDTRIP_COMPARE" => 2,
                    _ => 0,
                };
                seen |= section == 1;
            }
            10 | 20 | 30 if section != 0 => {
                let list = if section == 1 { &mut c.inner } else { &mut c.compare };
                let v = t.f64()?;
                match t.code {
                    10 => list.push(Point::xy(v, 0.0)),
                    20 => list.last_mut()?.y = v,
                    _ => list.last_mut()?.z = v,
                }
            }
            _ => {}
        }
    }
    if !seen {
        return None;
    }
    Some((handle?, c))
}
