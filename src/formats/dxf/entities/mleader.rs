//! MULTILEADER (alias MLEADER): the context data (`300 CONTEXT_DATA{` … `301 }`) holds the content (MTEXT or
//! a block reference) and the leaders (`302 LEADER{` … `303 }`, each with leader lines `304 LEADER_LINE{` …
//! `305 }`); the entity's own groups after `301 }` hold the leader style (type, colour, lineweight, dogleg,
//! arrowheads). The same group codes mean different things in each section, so the reader walks the
//! sections as a state machine. The result is the parts the entity draws (`model::MLeaderGeom`), laid out
//! the way the DXF reference describes and ezdxf's MULTILEADER renderer draws them: each leader line runs
//! from its first vertex (the arrow tip) through its vertices to the leader's landing point and on along
//! the dogleg; the arrowhead sits at the first vertex when the first segment is longer than two arrows.

use super::{BadValue, GeomResult, coord, int, num};
use crate::formats::dxf::text::{Encoding, decode, mtext_plain};
use crate::formats::dxf::tokenizer::Tag;
use crate::model::colour::Rgb;
use crate::model::{
    ColourSpec, Entity, Geom, HAlign, InsertGeom, MLeaderGeom, Point, SplineGeom, TextGeom, VAlign, Vertex,
};

/// Arrow blocks drawn from their insertion point with no length of their own (the leader line is not
/// shortened for them), by AutoCAD's arrow names without the leading `_`.
const ORIGIN_ZERO_ARROWS: [&str; 6] = ["ARCHTICK", "OBLIQUE", "DOTSMALL", "SMALL", "INTEGRAL", "NONE"];

/// Where in the record a tag is.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Section {
    /// AcDbEntity and the version, before the context data.
    Head,
    Context,
    Leader,
    Line,
    /// The entity's own groups after `301 }`.
    Tail,
}

#[derive(Debug, Default)]
struct LeaderLine {
    vertices: Vec<Point>,
    index: i64,
    colour: Option<ColourSpec>,
}

#[derive(Debug)]
struct LeaderRoot {
    last_point: Option<Point>,
    dogleg_vector: Option<Point>,
    dogleg_length: Option<f64>,
    /// Attachment direction 271: 0 horizontal (landing and dogleg), 1 vertical.
    horizontal: bool,
    lines: Vec<LeaderLine>,
}

impl Default for LeaderRoot {
    fn default() -> Self {
        LeaderRoot { last_point: None, dogleg_vector: None, dogleg_length: None, horizontal: true, lines: Vec::new() }
    }
}

/// The MTEXT content of the context data.
#[derive(Debug, Default)]
struct TextContent {
    raw: Vec<u8>,
    location: Point,
    direction: Option<Point>,
    normal_z: Option<f64>,
    width: f64,
    line_spacing: Option<f64>,
    colour: Option<ColourSpec>,
    attachment: i64,
}

#[derive(Debug, Default)]
struct BlockContent {
    handle: Option<Vec<u8>>,
    position: Point,
    scale: Option<Point>,
    rotation_rad: f64,
    colour: Option<ColourSpec>,
}

/// Everything read from one record, before the parts are laid out.
#[derive(Debug)]
struct Record {
    scale: f64,
    text_height: f64,
    arrow_size: Option<f64>,
    landing_gap: f64,
    text_frame: bool,
    has_text: bool,
    has_block: bool,
    text: TextContent,
    block: BlockContent,
    leaders: Vec<LeaderRoot>,
    leader_type: i64,
    line_colour: ColourSpec,
    lineweight: Option<i16>,
    has_dogleg: bool,
    dogleg_length: f64,
    entity_arrow_size: Option<f64>,
    arrow_handle: Option<Vec<u8>>,
    /// Per-line arrowheads (94 index, 345 handle).
    arrow_heads: Vec<(i64, Vec<u8>)>,
    entity_block_handle: Option<Vec<u8>>,
    entity_text_colour: Option<ColourSpec>,
    entity_block_colour: Option<ColourSpec>,
}

impl Default for Record {
    fn default() -> Self {
        // The defaults of a new MLEADERSTYLE (AutoCAD's "Standard" style), for groups a writer leaves out.
        Record {
            scale: 1.0,
            text_height: 4.0,
            arrow_size: None,
            landing_gap: 2.0,
            text_frame: false,
            has_text: false,
            has_block: false,
            text: TextContent { attachment: 1, ..TextContent::default() },
            block: BlockContent::default(),
            leaders: Vec::new(),
            leader_type: 1,
            line_colour: ColourSpec::ByBlock,
            lineweight: Some(-2),
            has_dogleg: true,
            dogleg_length: 8.0,
            entity_arrow_size: None,
            arrow_handle: None,
            arrow_heads: Vec::new(),
            entity_block_handle: None,
            entity_text_colour: None,
            entity_block_colour: None,
        }
    }
}

/// A colour as MULTILEADER stores it (a "raw" 32-bit value): the high byte says ByLayer (0xC0), ByBlock
/// (0xC1), RGB in the low 24 bits (0xC2) or an ACI index in the low byte (0xC3); anything else (0xC8 "none",
/// the window background) is taken as ByBlock, which follows the entity.
pub fn raw_colour(v: i64) -> ColourSpec {
    let v = v as u32;
    match v >> 24 {
        0xC0 => ColourSpec::ByLayer,
        0xC2 => ColourSpec::True { rgb: Rgb::from_u24(v & 0xFF_FFFF), aci: None },
        0xC3 => ColourSpec::from_aci_code((v & 0xFF) as i32),
        _ => ColourSpec::ByBlock,
    }
}

/// Reads a MULTILEADER. `block_name` turns a BLOCK_RECORD handle (as stored) into its block name, for the
/// content block and arrow blocks; a handle it does not know drops the content block and gives the default
/// closed-filled arrow.
pub fn mleader(body: &[Tag<'_>], enc: Encoding, block_name: &dyn Fn(&[u8]) -> Option<String>) -> GeomResult {
    let r = read_record(body)?;
    Ok(Geom::MLeader(Box::new(MLeaderGeom { parts: lay_out(&r, enc, block_name) })))
}

fn handle_of(t: &Tag<'_>) -> Option<Vec<u8>> {
    let h = t.trimmed();
    (!h.is_empty() && h != b"0").then(|| h.to_ascii_uppercase())
}

fn read_record(body: &[Tag<'_>]) -> Result<Record, BadValue> {
    let mut r = Record::default();
    let mut section = Section::Head;
    let mut block_scale = Point::new(1.0, 1.0, 1.0);
    let mut pending_arrow_index: Option<i64> = None;
    for t in body {
        match section {
            Section::Head => {
                if t.code == 300 && t.trimmed().starts_with(b"CONTEXT_DATA{") {
                    section = Section::Context;
                }
            }
            Section::Context => match t.code {
                301 => section = Section::Tail,
                302 => {
                    r.leaders.push(LeaderRoot::default());
                    section = Section::Leader;
                }
                40 => r.scale = num(t)?,
                41 => r.text_height = num(t)?,
                140 => r.arrow_size = Some(num(t)?),
                145 => r.landing_gap = num(t)?,
                290 => r.has_text = int(t)? != 0,
                304 => r.text.raw.extend_from_slice(t.raw),
                11 | 21 => {}
                31 => r.text.normal_z = Some(num(t)?),
                12 | 22 | 32 => {
                    coord(&mut r.text.location, t, 12)?;
                }
                13 | 23 | 33 => {
                    coord(r.text.direction.get_or_insert(Point::ZERO), t, 13)?;
                }
                43 => r.text.width = num(t)?,
                45 => r.text.line_spacing = t.f64().filter(|f| f.is_finite() && *f > 0.0),
                90 => r.text.colour = Some(raw_colour(int(t)?)),
                171 => r.text.attachment = int(t)?,
                296 => r.has_block = int(t)? != 0,
                341 => r.block.handle = handle_of(t),
                15 | 25 | 35 => {
                    coord(&mut r.block.position, t, 15)?;
                }
                16 | 26 | 36 => {
                    coord(r.block.scale.get_or_insert(Point::new(1.0, 1.0, 1.0)), t, 16)?;
                }
                46 => r.block.rotation_rad = num(t)?,
                93 => r.block.colour = Some(raw_colour(int(t)?)),
                _ => {}
            },
            Section::Leader => {
                let Some(leader) = r.leaders.last_mut() else { continue };
                match t.code {
                    303 => section = Section::Context,
                    304 if t.trimmed().starts_with(b"LEADER_LINE{") => {
                        leader.lines.push(LeaderLine::default());
                        section = Section::Line;
                    }
                    10 | 20 | 30 => {
                        coord(leader.last_point.get_or_insert(Point::ZERO), t, 10)?;
                    }
                    11 | 21 | 31 => {
                        coord(leader.dogleg_vector.get_or_insert(Point::ZERO), t, 11)?;
                    }
                    40 => leader.dogleg_length = Some(num(t)?),
                    271 => leader.horizontal = int(t)? == 0,
                    _ => {}
                }
            }
            Section::Line => {
                let Some(line) = r.leaders.last_mut().and_then(|l| l.lines.last_mut()) else { continue };
                match t.code {
                    305 => section = Section::Leader,
                    10 => line.vertices.push(Point::xy(num(t)?, 0.0)),
                    20 | 30 => {
                        if let Some(p) = line.vertices.last_mut() {
                            coord(p, t, 10)?;
                        }
                    }
                    91 => line.index = int(t)?,
                    92 => line.colour = Some(raw_colour(int(t)?)),
                    _ => {}
                }
            }
            Section::Tail => match t.code {
                170 => r.leader_type = int(t)?,
                91 => r.line_colour = raw_colour(int(t)?),
                171 => {
                    r.lineweight = match int(t)? {
                        -1 => None,
                        v => i16::try_from(v).ok(),
                    }
                }
                291 => r.has_dogleg = int(t)? != 0,
                292 => r.text_frame = int(t)? != 0,
                41 => r.dogleg_length = num(t)?,
                342 => r.arrow_handle = handle_of(t),
                42 => r.entity_arrow_size = Some(num(t)?),
                92 => r.entity_text_colour = Some(raw_colour(int(t)?)),
                344 => r.entity_block_handle = handle_of(t),
                93 => r.entity_block_colour = Some(raw_colour(int(t)?)),
                10 | 20 | 30 => {
                    coord(&mut block_scale, t, 10)?;
                }
                94 => pending_arrow_index = Some(int(t)?),
                345 => {
                    if let (Some(i), Some(h)) = (pending_arrow_index.take(), handle_of(t)) {
                        r.arrow_heads.push((i, h));
                    }
                }
                _ => {}
            },
        }
    }
    if r.block.scale.is_none() {
        r.block.scale = Some(block_scale);
    }
    Ok(r)
}

/// A part that follows the MULTILEADER for whatever is not stated (layer 0 and ByBlock inherit).
fn part(kind: &'static str, geom: Geom, colour: ColourSpec) -> Entity {
    let mut e = Entity::new(kind, geom);
    e.colour = colour;
    e.linetype = Some("BYBLOCK".into());
    e.lineweight = Some(-2);
    e
}

fn lay_out(r: &Record, enc: Encoding, block_name: &dyn Fn(&[u8]) -> Option<String>) -> Vec<Entity> {
    let mut parts = Vec::new();
    let finite = |v: f64| v.is_finite().then_some(v);
    if r.scale.abs() <= 1e-9 {
        // Scaled down to nothing, as AutoCAD and ezdxf draw it.
        return parts;
    }
    if r.has_text {
        let raw = decode(&r.text.raw, enc);
        if !raw.is_empty() {
            parts.push(part(
                "MTEXT",
                Geom::Text(Box::new(text_part(r, raw))),
                r.text.colour.unwrap_or(ColourSpec::ByBlock),
            ));
        }
    } else if r.has_block {
        let handle = r.block.handle.as_deref().or(r.entity_block_handle.as_deref());
        if let Some(name) = handle.and_then(block_name) {
            let mut ins = InsertGeom::new(name, r.block.position);
            ins.scale = r.block.scale.unwrap_or(Point::new(1.0, 1.0, 1.0));
            ins.rotation_deg = finite(r.block.rotation_rad).unwrap_or(0.0).to_degrees();
            let colour = r.block.colour.or(r.entity_block_colour).unwrap_or(ColourSpec::ByBlock);
            parts.push(part("INSERT", Geom::Insert(Box::new(ins)), colour));
        }
    }
    if r.leader_type == 0 {
        return parts;
    }
    let arrow_size = r.arrow_size.or(r.entity_arrow_size).and_then(finite).unwrap_or(4.0);
    // Spline leaders have no dogleg.
    let has_dogleg = r.has_dogleg && r.leader_type != 2;
    for leader in &r.leaders {
        for line in &leader.lines {
            let colour = match line.colour {
                Some(c) if c != ColourSpec::ByBlock => c,
                _ => r.line_colour,
            };
            let mut vs = line.vertices.clone();
            if let Some(last) = leader.last_point {
                if leader.horizontal {
                    if has_dogleg {
                        vs.push(last);
                    }
                    vs.push(last.plus(dogleg(leader, r.dogleg_length)));
                } else {
                    vs.push(last);
                }
            }
            if vs.len() < 2 {
                continue;
            }
            let first = vs[1].minus(vs[0]);
            let length = first.length();
            let dir = if length > 0.0 { first.scale(1.0 / length) } else { Point::xy(1.0, 0.0) };
            if length * arrow_size > 0.0 && length > 2.0 * arrow_size {
                let handle =
                    r.arrow_heads.iter().find(|(i, _)| *i == line.index).map(|(_, h)| h).or(r.arrow_handle.as_ref());
                let arrow = handle.and_then(|h| block_name(h)).filter(|n| arrow_key(n) != "CLOSEDFILLED");
                let (kind, geom) = arrowhead(arrow.clone(), vs[0], dir, arrow_size);
                let mut a = part(kind, geom, colour);
                a.lineweight = r.lineweight;
                parts.push(a);
                if !arrow.as_deref().is_some_and(|n| ORIGIN_ZERO_ARROWS.contains(&arrow_key(n).as_str())) {
                    vs[0] = vs[0].plus(dir.scale(arrow_size));
                }
            }
            let geom = if r.leader_type == 2 {
                Geom::Spline(Box::new(SplineGeom { degree: 3, fit: vs, ..SplineGeom::default() }))
            } else {
                Geom::Polyline {
                    vertices: vs.into_iter().map(Vertex::at).collect(),
                    closed: false,
                    constant_width: 0.0,
                }
            };
            let mut e = part(if r.leader_type == 2 { "SPLINE" } else { "LWPOLYLINE" }, geom, colour);
            e.lineweight = r.lineweight;
            parts.push(e);
        }
    }
    parts
}

/// The dogleg: the leader's dogleg direction (+X when it has none) at its dogleg length (the entity's
/// when the leader states none).
fn dogleg(leader: &LeaderRoot, entity_length: f64) -> Point {
    let length = leader.dogleg_length.unwrap_or(entity_length);
    let length = if length.is_finite() { length } else { 0.0 };
    let dir = leader.dogleg_vector.and_then(|v| v.normalized()).unwrap_or(Point::xy(1.0, 0.0));
    dir.scale(length)
}

/// An arrow block name as AutoCAD's arrow names compare: upper case, without the leading `_`.
fn arrow_key(name: &str) -> String {
    name.trim_start_matches('_').to_ascii_uppercase()
}

/// The arrowhead at `tip` for a leader leaving it along `dir`: the default closed-filled arrow (a filled
/// triangle one arrow size long and a third of it wide), or the named arrow block inserted at the tip,
/// scaled by the arrow size and turned so that its +X axis points out of the leader.
fn arrowhead(block: Option<String>, tip: Point, dir: Point, size: f64) -> (&'static str, Geom) {
    match block {
        Some(name) => {
            let mut ins = InsertGeom::new(name, tip);
            ins.scale = Point::new(size, size, size);
            ins.rotation_deg = dir.y.atan2(dir.x).to_degrees() + 180.0;
            ("INSERT", Geom::Insert(Box::new(ins)))
        }
        None => {
            let base = tip.plus(dir.scale(size));
            let across = Point::xy(-dir.y, dir.x).scale(size / 6.0);
            let vertices = vec![tip, base.plus(across), base.minus(across)];
            ("SOLID", Geom::Face { vertices, filled: true })
        }
    }
}

/// The MTEXT content: the context's text height (already scaled), location, direction and attachment.
fn text_part(r: &Record, raw: String) -> TextGeom {
    let t = &r.text;
    let mut g = TextGeom {
        width_factor: 1.0,
        multiline: true,
        height: r.text_height,
        position: t.location,
        style: Some("Standard".to_owned()),
        line_spacing: t.line_spacing,
        box_width: Some(t.width * r.scale).filter(|w| w.is_finite() && *w > 0.0),
        mirror_y: t.normal_z.is_some_and(|z| z < 0.0),
        // The frame keeps the landing gap between the text and itself.
        frame: r.text_frame.then_some(r.landing_gap).filter(|g| g.is_finite()),
        ..TextGeom::default()
    };
    if let Some(d) = t.direction.filter(|d| d.x != 0.0 || d.y != 0.0) {
        g.rotation_deg = d.y.atan2(d.x).to_degrees();
    }
    g.halign = match (t.attachment - 1).rem_euclid(3) {
        1 => HAlign::Center,
        2 => HAlign::Right,
        _ => HAlign::Left,
    };
    g.valign = match (t.attachment - 1).clamp(0, 8) / 3 {
        0 => VAlign::Top,
        1 => VAlign::Middle,
        _ => VAlign::Bottom,
    };
    g.value = mtext_plain(&raw);
    if g.value != raw {
        g.raw = Some(raw);
    }
    g
}

#[cfg(test)]
mod tests {
    use super::super::tests::tags;
    use super::*;

    /// One MTEXT leader with a dogleg, as AutoCAD writes it (codes trimmed to those that matter, plus a
    /// few that reuse numbers in other sections to prove the sections are kept apart).
    const MTEXT_LEADER: &str = "100\nAcDbMLeader\n270\n2\n300\nCONTEXT_DATA{\n40\n1.0\n10\n13.0\n20\n5.0\n30\n0.0\n\
        41\n2.5\n140\n1.0\n145\n0.5\n290\n1\n304\nPart \\Pone\n11\n0.0\n21\n0.0\n31\n1.0\n340\n11\n\
        12\n13.5\n22\n6.0\n32\n0.0\n13\n1.0\n23\n0.0\n33\n0.0\n43\n0.0\n45\n1.0\n90\n-1056964608\n171\n1\n\
        296\n0\n302\nLEADER{\n290\n1\n291\n1\n10\n10.0\n20\n5.0\n30\n0.0\n11\n1.0\n21\n0.0\n31\n0.0\n90\n0\n\
        40\n3.0\n304\nLEADER_LINE{\n10\n0.0\n20\n0.0\n30\n0.0\n10\n4.0\n20\n3.0\n30\n0.0\n91\n0\n305\n}\n\
        271\n0\n303\n}\n301\n}\n340\nD8\n170\n1\n91\n-1023410171\n171\n-2\n290\n1\n291\n1\n41\n3.0\n42\n1.0\n\
        172\n2\n10\n1.0\n20\n1.0\n30\n1.0\n";

    fn parts(src: &str, blocks: &dyn Fn(&[u8]) -> Option<String>) -> Vec<Entity> {
        let Geom::MLeader(m) = mleader(&tags(src), Encoding::Utf8, blocks).expect("reads") else {
            panic!("a MULTILEADER")
        };
        m.parts
    }

    #[test]
    fn mtext_leader_parts_follow_the_context_data() {
        let p = parts(MTEXT_LEADER, &|_| None);
        let kinds: Vec<&str> = p.iter().map(|e| &*e.kind).collect();
        assert_eq!(kinds, ["MTEXT", "SOLID", "LWPOLYLINE"]);
        let Geom::Text(t) = &p[0].geom else { panic!("text") };
        assert_eq!(t.value, "Part \none");
        assert_eq!(t.raw.as_deref(), Some("Part \\Pone"));
        assert_eq!((t.position, t.height, t.rotation_deg), (Point::xy(13.5, 6.0), 2.5, 0.0));
        assert_eq!((t.halign, t.valign, t.box_width), (HAlign::Left, VAlign::Top, None));
        assert_eq!(p[0].colour, ColourSpec::ByBlock);
        // Leader colour 0xC3000005: ACI 5 for the line and its arrow; lineweight ByBlock.
        assert_eq!(p[2].colour, ColourSpec::Aci(5));
        assert_eq!(p[1].colour, ColourSpec::Aci(5));
        assert_eq!(p[2].lineweight, Some(-2));
        // Arrow tip at (0,0), one unit long towards (4,3), a third of a unit wide.
        let Geom::Face { vertices, filled: true } = &p[1].geom else { panic!("a filled triangle") };
        assert_eq!(vertices[0], Point::xy(0.0, 0.0));
        let near = |a: Point, b: Point| a.distance(b) < 1e-12;
        assert!(near(vertices[1], Point::xy(0.8 - 0.1, 0.6 + 0.8 / 6.0)), "{vertices:?}");
        assert!(near(vertices[2], Point::xy(0.8 + 0.1, 0.6 - 0.8 / 6.0)), "{vertices:?}");
        // The line starts at the arrow's base, runs through its vertex to the landing and along the
        // 3-unit dogleg.
        let Geom::Polyline { vertices, closed: false, .. } = &p[2].geom else { panic!("a polyline") };
        let pts: Vec<Point> = vertices.iter().map(|v| v.p).collect();
        assert!(near(pts[0], Point::xy(0.8, 0.6)));
        assert_eq!(&pts[1..], [Point::xy(4.0, 3.0), Point::xy(10.0, 5.0), Point::xy(13.0, 5.0)]);
    }

    #[test]
    fn block_content_and_named_arrows_are_inserts() {
        let src = "300\nCONTEXT_DATA{\n40\n2.0\n41\n1.0\n140\n0.5\n290\n0\n296\n1\n341\n1A\n15\n7.0\n25\n8.0\n35\n0.0\n\
            16\n2.0\n26\n2.0\n36\n1.0\n46\n1.5707963267948966\n93\n-1073741824\n302\nLEADER{\n10\n5.0\n20\n0.0\n\
            30\n0.0\n271\n1\n304\nLEADER_LINE{\n10\n0.0\n20\n0.0\n30\n0.0\n91\n0\n305\n}\n303\n}\n301\n}\n\
            170\n1\n342\n2B\n";
        let names = |h: &[u8]| match h {
            b"1A" => Some("PIN".to_owned()),
            b"2B" => Some("_ArchTick".to_owned()),
            _ => None,
        };
        let p = parts(src, &names);
        let kinds: Vec<&str> = p.iter().map(|e| &*e.kind).collect();
        assert_eq!(kinds, ["INSERT", "INSERT", "LWPOLYLINE"]);
        let Geom::Insert(content) = &p[0].geom else { panic!("content insert") };
        assert_eq!((content.block.as_str(), content.position), ("PIN", Point::xy(7.0, 8.0)));
        assert_eq!(content.scale, Point::new(2.0, 2.0, 1.0));
        assert!((content.rotation_deg - 90.0).abs() < 1e-12);
        assert_eq!(p[0].colour, ColourSpec::ByLayer);
        // The tick is drawn at the tip pointing out of the leader (+X leader → 180°), scaled by the arrow size,
        // and the line is not shortened for it; a vertical attachment has no dogleg.
        let Geom::Insert(arrow) = &p[1].geom else { panic!("arrow insert") };
        assert_eq!((arrow.block.as_str(), arrow.position, arrow.rotation_deg), ("_ArchTick", Point::ZERO, 180.0));
        assert_eq!(arrow.scale, Point::new(0.5, 0.5, 0.5));
        let Geom::Polyline { vertices, .. } = &p[2].geom else { panic!("a polyline") };
        assert_eq!(vertices.iter().map(|v| v.p).collect::<Vec<_>>(), [Point::ZERO, Point::xy(5.0, 0.0)]);
    }

    #[test]
    fn short_first_segments_get_no_arrow_and_invisible_leaders_draw_nothing() {
        // 1.5 units to the landing with a 1-unit arrow: shorter than two arrows, so no arrowhead.
        let short = MTEXT_LEADER
            .replace("LEADER_LINE{\n10\n0.0\n20\n0.0\n30\n0.0\n10\n4.0\n20\n3.0\n", "LEADER_LINE{\n10\n8.5\n20\n5.0\n");
        let kinds: Vec<String> = parts(&short, &|_| None).iter().map(|e| e.kind.to_string()).collect();
        assert_eq!(kinds, ["MTEXT", "LWPOLYLINE"]);
        let none = MTEXT_LEADER.replace("170\n1\n", "170\n0\n");
        assert_eq!(parts(&none, &|_| None).len(), 1);
    }

    #[test]
    fn raw_colours_decode_by_their_high_byte() {
        assert_eq!(raw_colour(-1073741824), ColourSpec::ByLayer);
        assert_eq!(raw_colour(-1056964608), ColourSpec::ByBlock);
        assert_eq!(raw_colour(0xC2FF_8000_u32 as i32 as i64), ColourSpec::True { rgb: Rgb(255, 128, 0), aci: None });
        assert_eq!(raw_colour(0xC300_0001_u32 as i32 as i64), ColourSpec::Aci(1));
    }

    #[test]
    fn damaged_values_are_reported_not_panicked_on() {
        let bad = MTEXT_LEADER.replace("41\n2.5\n", "41\nnot-a-number\n");
        let e = mleader(&tags(&bad), Encoding::Utf8, &|_| None).expect_err("a bad value");
        assert_eq!(e.code, 41);
        // A record cut off inside a leader line still gives what it holds, with the style's defaults for
        // the entity's groups that never came (ByBlock leader colour).
        let cut = &MTEXT_LEADER[..MTEXT_LEADER.find("91\n0\n305").unwrap_or(0)];
        let p = parts(cut, &|_| None);
        let kinds: Vec<&str> = p.iter().map(|e| &*e.kind).collect();
        assert_eq!(kinds, ["MTEXT", "SOLID", "LWPOLYLINE"]);
        assert_eq!(p[2].colour, ColourSpec::ByBlock);
    }
}
