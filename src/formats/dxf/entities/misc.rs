//! INSERT, ACAD_TABLE, DIMENSION, SOLID/TRACE, 3DFACE, LEADER, VIEWPORT, IMAGE/WIPEOUT.

use super::{GeomResult, coord, extrusion, int, num, ocs_geom};
use crate::formats::dxf::text::{Encoding, decode, mtext_plain};
use crate::formats::dxf::tokenizer::Tag;
use crate::model::{DimensionGeom, DimensionKind, Geom, InsertGeom, LeaderArrow, LeaderGeom, Point, ViewportGeom};

/// MINSERT arrays larger than this per direction are clamped (flatten's budget bounds the work anyway).
const MAX_ARRAY: i64 = 100_000;

pub fn insert(body: &[Tag<'_>], enc: Encoding) -> GeomResult {
    let mut g = InsertGeom::new("", Point::ZERO);
    let mut scale = Point::new(1.0, 1.0, 1.0);
    for t in body {
        match t.code {
            2 => g.block = decode(t.raw, enc),
            10 | 20 | 30 => {
                coord(&mut g.position, t, 10)?;
            }
            41 => scale.x = num(t)?,
            42 => scale.y = num(t)?,
            43 => scale.z = num(t)?,
            50 => g.rotation_deg = num(t)?,
            70 => g.columns = int(t)?.clamp(1, MAX_ARRAY) as u32,
            71 => g.rows = int(t)?.clamp(1, MAX_ARRAY) as u32,
            44 => g.column_spacing = num(t)?,
            45 => g.row_spacing = num(t)?,
            _ => {}
        }
    }
    g.scale = scale;
    g.normal = extrusion(body)?;
    Ok(Geom::Insert(Box::new(g)))
}

/// ACAD_TABLE draws through its anonymous `*T` block, placed like an unscaled insert.
pub fn table(body: &[Tag<'_>], enc: Encoding) -> GeomResult {
    let mut g = InsertGeom::new("", Point::ZERO);
    for t in body {
        match t.code {
            2 if g.block.is_empty() => g.block = decode(t.raw, enc),
            10 | 20 | 30 => {
                coord(&mut g.position, t, 10)?;
            }
            _ => {}
        }
    }
    // The `*T` block is drawn around the table's insertion point (its base is the origin).
    Ok(Geom::Insert(Box::new(g)))
}

pub fn dimension(body: &[Tag<'_>], enc: Encoding) -> GeomResult {
    let mut d = DimensionGeom::default();
    let mut pts = [Point::ZERO; 5];
    let mut text_pos = None::<Point>;
    let mut kind = 0i64;
    for t in body {
        match t.code {
            2 => d.block = Some(decode(t.raw, enc)).filter(|s| !s.is_empty()),
            1 => d.text = Some(decode(t.raw, enc)).filter(|s| !s.is_empty()).map(|s| mtext_plain(&s)),
            42 => d.measurement = Some(num(t)?),
            70 => kind = int(t)?,
            10 | 20 | 30 => {
                coord(&mut pts[0], t, 10)?;
            }
            11 | 21 | 31 => {
                coord(text_pos.get_or_insert(Point::ZERO), t, 11)?;
            }
            13..=16 | 23..=26 | 33..=36 => {
                let i = ((t.code % 10) - 2) as usize;
                coord(&mut pts[i], t, t.code - (t.code / 10 - 1) * 10)?;
            }
            _ => {}
        }
    }
    d.kind = match kind & 0x0F {
        1 => DimensionKind::Aligned,
        2 => DimensionKind::Angular,
        3 => DimensionKind::Diameter,
        4 => DimensionKind::Radial,
        5 => DimensionKind::Angular3p,
        6 => DimensionKind::Ordinate,
        8 => DimensionKind::ArcLength,
        _ => DimensionKind::Linear,
    };
    d.def_points = pts.to_vec();
    d.text_position = text_pos;
    if let (Some(text), Some(m)) = (&d.text, d.measurement) {
        d.text = Some(text.replace("<>", &format!("{m}")));
    }
    Ok(Geom::Dimension(Box::new(d)))
}

fn corners(body: &[Tag<'_>]) -> Result<[Point; 4], super::BadValue> {
    let mut c = [Point::ZERO; 4];
    let mut seen4 = false;
    for t in body {
        if let 10..=13 | 20..=23 | 30..=33 = t.code {
            let i = (t.code % 10) as usize;
            seen4 |= i == 3;
            coord(&mut c[i], t, 10 + i as i32)?;
        }
    }
    if !seen4 {
        c[3] = c[2];
    }
    Ok(c)
}

/// SOLID/TRACE store corners in the order 1-2-4-3 (a "Z"); the polygon is 1-2-3-4 = stored 1, 2, 4, 3.
pub fn solid(body: &[Tag<'_>]) -> GeomResult {
    let c = corners(body)?;
    let mut vertices = vec![c[0], c[1], c[3], c[2]];
    if c[2] == c[3] {
        vertices.remove(2);
    }
    Ok(ocs_geom(Geom::Face { vertices, filled: true }, extrusion(body)?))
}

pub fn face3d(body: &[Tag<'_>]) -> GeomResult {
    let c = corners(body)?;
    let mut vertices = c.to_vec();
    if c[2] == c[3] {
        vertices.pop();
    }
    Ok(Geom::Face { vertices, filled: false })
}

/// What a dimension style (or a leader's DSTYLE override) says about arrowheads: DIMASZ (41), DIMSCALE
/// (40) and DIMLDRBLK (341, the handle of the leader's arrow block record).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DimStyleArrows {
    pub dimasz: Option<f64>,
    pub dimscale: Option<f64>,
    pub ldrblk: Option<Vec<u8>>,
    /// DIMTAD (77): text above the line (≠ 0), which puts a hook line under a leader's text.
    pub dimtad: Option<i64>,
    /// DIMGAP (147): the gap between the hook line's end and the text.
    pub dimgap: Option<f64>,
}

impl DimStyleArrows {
    /// `over`'s values where it has them, else these.
    fn overridden_by(&self, over: &DimStyleArrows) -> DimStyleArrows {
        DimStyleArrows {
            dimasz: over.dimasz.or(self.dimasz),
            dimscale: over.dimscale.or(self.dimscale),
            ldrblk: over.ldrblk.clone().or_else(|| self.ldrblk.clone()),
            dimtad: over.dimtad.or(self.dimtad),
            dimgap: over.dimgap.or(self.dimgap),
        }
    }
}

/// A DIMSTYLE table entry: its name (2) and arrow values.
pub fn dimstyle(body: &[Tag<'_>], enc: Encoding) -> (String, DimStyleArrows) {
    let mut name = String::new();
    let mut a = DimStyleArrows::default();
    for t in body {
        match t.code {
            2 => name = decode(t.raw, enc),
            40 => a.dimscale = t.f64(),
            41 => a.dimasz = t.f64(),
            341 => a.ldrblk = Some(t.trimmed().to_ascii_uppercase()).filter(|h| !h.is_empty() && h != b"0"),
            77 => a.dimtad = t.int(),
            147 => a.dimgap = t.f64(),
            _ => {}
        }
    }
    (name, a)
}

/// The DSTYLE overrides in an entity's ACAD XDATA: `1000 DSTYLE`, `1002 {`, then pairs of a 1070 group code
/// and its value, up to `1002 }`.
fn dstyle_overrides(body: &[Tag<'_>]) -> DimStyleArrows {
    let mut a = DimStyleArrows::default();
    let (mut in_acad, mut in_dstyle, mut open) = (false, false, false);
    let mut code: Option<i64> = None;
    for t in body.iter().filter(|t| t.code >= 1000) {
        match t.code {
            1001 => {
                in_acad = t.trimmed() == b"ACAD";
                in_dstyle = false;
                open = false;
            }
            _ if !in_acad => {}
            1000 if !open => in_dstyle = t.trimmed() == b"DSTYLE",
            1002 if in_dstyle => {
                open = t.trimmed().first() == Some(&b'{');
                code = None;
            }
            _ if !(in_dstyle && open) => {}
            1070 if code.is_none() => code = t.int(),
            _ => match (code.take(), t.code) {
                (Some(40), 1040) => a.dimscale = t.f64(),
                (Some(41), 1040) => a.dimasz = t.f64(),
                (Some(77), 1070) => a.dimtad = t.int(),
                (Some(147), 1040) => a.dimgap = t.f64(),
                (Some(341), 1005) => a.ldrblk = Some(t.trimmed().to_ascii_uppercase()).filter(|h| h.as_slice() != b"0"),
                _ => {}
            },
        }
    }
    a
}

/// AutoCAD's default arrow size (DIMASZ of the STANDARD style), used when no style gives one.
const DEFAULT_DIMASZ: f64 = 0.18;

/// LEADER: vertices 10, path type 72 (1 = spline), arrowhead flag 71, dimension style 3 with the DSTYLE
/// overrides of its XDATA, and the hook line under text content (annotation type 73 = 0, hook flag 75, hook
/// direction 74, text width 41, horizontal direction 211/221). `style` looks up a DIMSTYLE by name and
/// `block_name` a block record by handle (the builder knows the tables; alone, the defaults apply);
/// `metric` picks the default DIMGAP ($MEASUREMENT).
pub fn leader(
    body: &[Tag<'_>],
    enc: Encoding,
    style: &dyn Fn(&str) -> Option<DimStyleArrows>,
    block_name: &dyn Fn(&[u8]) -> Option<String>,
    metric: bool,
) -> GeomResult {
    let mut vertices: Vec<Point> = Vec::new();
    // A missing 71 is an enabled arrowhead (AutoCAD's and ezdxf's default; writers that omit default
    // values leave it out); the hook's defaults likewise (75 = 1, 74 = 1, 73 = 3: no text).
    let (mut spline, mut arrow, mut style_name) = (false, true, None::<String>);
    let (mut annotation, mut has_hook, mut hook_dir, mut text_width) = (3, true, 1, 0.0);
    let mut horizontal = Point::xy(1.0, 0.0);
    for t in body {
        match t.code {
            // XDATA starts at 1001; nothing after it is the leader's own.
            1001 => break,
            3 => style_name = Some(decode(t.raw, enc)),
            71 => arrow = int(t)? == 1,
            72 => spline = int(t)? == 1,
            73 => annotation = int(t)?,
            74 => hook_dir = int(t)?,
            75 => has_hook = int(t)? == 1,
            41 => text_width = num(t)?,
            211 => horizontal.x = num(t)?,
            221 => horizontal.y = num(t)?,
            10 => vertices.push(Point::xy(num(t)?, 0.0)),
            20 | 30 => {
                if let Some(v) = vertices.last_mut() {
                    coord(v, t, 10)?;
                }
            }
            _ => {}
        }
    }
    let base = style_name.as_deref().and_then(style).unwrap_or_default();
    let s = base.overridden_by(&dstyle_overrides(body));
    // DIMSCALE 0 asks for a scale from the viewport: none here, so 1.
    let scale = s.dimscale.filter(|v| v.is_finite() && *v > 0.0).unwrap_or(1.0);
    // Text above the line (DIMTAD ≠ 0) sits on a hook line as long as the gap and the text (ezdxf's rule).
    let hooked = annotation == 0 && has_hook && s.dimtad.unwrap_or(1) != 0;
    let hook = match (hooked, vertices.last(), horizontal.normalized()) {
        (true, Some(last), Some(dir)) if text_width > 0.0 && text_width.is_finite() => {
            let gap = s.dimgap.filter(|g| g.is_finite()).unwrap_or(if metric { 0.625 } else { 0.0625 });
            let dir = if hook_dir == 1 { dir.scale(-1.0) } else { dir };
            Some(last.plus(dir.scale(gap * scale + text_width)))
        }
        _ => None,
    };
    let arrow = arrow.then(|| {
        let size = s.dimasz.filter(|v| v.is_finite() && *v >= 0.0).unwrap_or(DEFAULT_DIMASZ) * scale;
        let block = s.ldrblk.as_deref().and_then(block_name).filter(|n| {
            let key = n.trim_start_matches('_').to_ascii_uppercase();
            !key.is_empty() && key != "CLOSEDFILLED"
        });
        LeaderArrow { size, block }
    });
    Ok(Geom::Leader(Box::new(LeaderGeom { vertices, spline, arrow, hook })))
}

pub fn viewport(body: &[Tag<'_>]) -> GeomResult {
    let (mut center, mut view_center) = (Point::ZERO, Point::ZERO);
    let (mut width, mut height, mut view_height, mut twist) = (0.0, 0.0, 0.0, 0.0);
    for t in body {
        match t.code {
            10 | 20 | 30 => {
                coord(&mut center, t, 10)?;
            }
            12 | 22 => {
                coord(&mut view_center, t, 12)?;
            }
            40 => width = num(t)?,
            41 => height = num(t)?,
            45 => view_height = num(t)?,
            51 => twist = num(t)?,
            _ => {}
        }
    }
    Ok(Geom::Viewport(Box::new(ViewportGeom { center, width, height, view_center, view_height, twist_deg: twist })))
}

/// IMAGE/WIPEOUT: the outline is the clip boundary (pixel coordinates, 14) mapped through the pixel
/// vectors u (11) and v (12) from the insertion point (10); without one, the full image rectangle.
pub fn image(body: &[Tag<'_>], wipeout: bool) -> GeomResult {
    let (mut ins, mut u, mut v, mut size) = (Point::ZERO, Point::ZERO, Point::ZERO, Point::ZERO);
    let mut clip: Vec<Point> = Vec::new();
    for t in body {
        match t.code {
            10 | 20 | 30 => {
                coord(&mut ins, t, 10)?;
            }
            11 | 21 | 31 => {
                coord(&mut u, t, 11)?;
            }
            12 | 22 | 32 => {
                coord(&mut v, t, 12)?;
            }
            13 | 23 => {
                coord(&mut size, t, 13)?;
            }
            14 => clip.push(Point::xy(num(t)?, 0.0)),
            24 => {
                if let Some(p) = clip.last_mut() {
                    p.y = num(t)?;
                }
            }
            _ => {}
        }
    }
    let at = |x: f64, y: f64| ins.plus(u.scale(x)).plus(v.scale(y));
    let outline = if clip.len() >= 3 {
        // Clip vertices are pixel coordinates measured from the image's upper-left pixel centre.
        clip.iter().map(|p| at(p.x + 0.5, size.y - (p.y + 0.5))).collect()
    } else {
        vec![at(0.0, 0.0), at(size.x, 0.0), at(size.x, size.y), at(0.0, size.y)]
    };
    Ok(Geom::Image { position: ins, outline, wipeout })
}

#[cfg(test)]
mod tests {
    use super::super::tests::tags;
    use super::*;

    #[test]
    fn solid_corners_are_reordered_1_2_4_3() {
        let g = solid(&tags("10\n0\n20\n0\n11\n1\n21\n0\n12\n0\n22\n1\n13\n1\n23\n1\n")).unwrap();
        let Geom::Face { vertices, filled } = g else { panic!("a face") };
        assert!(filled);
        assert_eq!(vertices, vec![Point::xy(0.0, 0.0), Point::xy(1.0, 0.0), Point::xy(1.0, 1.0), Point::xy(0.0, 1.0)]);
    }

    #[test]
    fn solid_triangle_has_three_corners() {
        let g = solid(&tags("10\n0\n20\n0\n11\n1\n21\n0\n12\n0\n22\n1\n")).unwrap();
        let Geom::Face { vertices, .. } = g else { panic!("a face") };
        assert_eq!(vertices.len(), 3);
    }

    #[test]
    fn minsert_counts_are_clamped() {
        let g = insert(&tags("2\nB\n10\n1\n20\n2\n70\n999999999\n71\n3\n44\n5\n"), Encoding::Utf8).unwrap();
        let Geom::Insert(i) = g else { panic!("an insert") };
        assert_eq!((i.block.as_str(), i.columns, i.rows, i.column_spacing), ("B", 100_000, 3, 5.0));
    }

    #[test]
    fn spline_leader_with_arrow_sized_by_its_style_and_overrides() {
        let body = tags(concat!(
            "100\nAcDbLeader\n3\nANNO\n71\n1\n72\n1\n76\n3\n",
            "10\n0\n20\n0\n30\n0\n10\n2\n20\n2\n30\n0\n10\n4\n20\n2\n30\n0\n",
            "1001\nACAD\n1000\nDSTYLE\n1002\n{\n1070\n40\n1040\n2.0\n1070\n341\n1005\n77A\n1002\n}\n"
        ));
        let style = |name: &str| {
            (name == "ANNO").then_some(DimStyleArrows {
                dimasz: Some(0.25),
                dimscale: Some(1.0),
                ..DimStyleArrows::default()
            })
        };
        let blocks = |h: &[u8]| (h == b"77A").then(|| "_OPEN30".to_owned());
        let Geom::Leader(l) = leader(&body, Encoding::Utf8, &style, &blocks, false).unwrap() else {
            panic!("a leader")
        };
        assert!(l.spline);
        assert_eq!(l.vertices, vec![Point::xy(0.0, 0.0), Point::xy(2.0, 2.0), Point::xy(4.0, 2.0)]);
        // DIMASZ 0.25 of the style × DIMSCALE 2 of the override; the arrow block named by the override.
        assert_eq!(l.arrow, Some(LeaderArrow { size: 0.5, block: Some("_OPEN30".to_owned()) }));
    }

    #[test]
    fn straight_leader_with_arrow_flag_off_has_no_arrow_and_without_71_has_the_default_one() {
        let body = tags("71\n0\n72\n0\n10\n1\n20\n1\n10\n3\n20\n1\n");
        let Geom::Leader(l) = leader(&body, Encoding::Utf8, &|_| None, &|_| None, false).unwrap() else { panic!() };
        assert_eq!((l.spline, l.arrow.clone()), (false, None));
        let body = tags("10\n1\n20\n1\n10\n3\n20\n1\n");
        let Geom::Leader(l) = leader(&body, Encoding::Utf8, &|_| None, &|_| None, false).unwrap() else { panic!() };
        assert_eq!(l.arrow, Some(LeaderArrow { size: 0.18, block: None }));
        let tri = l.arrow_triangle().expect("a triangle");
        assert_eq!(tri[0], Point::xy(1.0, 1.0));
        assert!((tri[1].x - 1.18).abs() < 1e-12 && (tri[1].y - 1.0 - 0.18 * 0.164_398_987).abs() < 1e-9, "{tri:?}");
    }

    #[test]
    fn text_leader_gets_a_hook_line_the_gap_and_text_width_long() {
        // Text content (73 = 0), hook on (75 = 1) towards +X (74 = 0), text 3 wide; DIMGAP 0.5, DIMTAD 1.
        let body = tags("73\n0\n74\n0\n75\n1\n41\n3\n10\n0\n20\n0\n10\n2\n20\n0\n3\nS\n");
        let style = |_: &str| Some(DimStyleArrows { dimtad: Some(1), dimgap: Some(0.5), ..DimStyleArrows::default() });
        let Geom::Leader(l) = leader(&body, Encoding::Utf8, &style, &|_| None, true).unwrap() else { panic!() };
        assert_eq!(l.hook, Some(Point::xy(5.5, 0.0)));
        // DIMTAD 0 (text centred on the line): no hook.
        let style = |_: &str| Some(DimStyleArrows { dimtad: Some(0), ..DimStyleArrows::default() });
        let Geom::Leader(l) = leader(&body, Encoding::Utf8, &style, &|_| None, true).unwrap() else { panic!() };
        assert_eq!(l.hook, None);
    }

    #[test]
    fn dimension_points_and_value() {
        let g = dimension(&tags("2\n*D1\n10\n5\n20\n5\n13\n0\n23\n0\n14\n10\n24\n0\n42\n10\n70\n32\n"), Encoding::Utf8)
            .unwrap();
        let Geom::Dimension(d) = g else { panic!("a dimension") };
        assert_eq!(d.block.as_deref(), Some("*D1"));
        assert_eq!(d.measurement, Some(10.0));
        assert_eq!(d.def_points[1], Point::xy(0.0, 0.0));
        assert_eq!(d.def_points[2], Point::xy(10.0, 0.0));
        assert_eq!(d.kind, DimensionKind::Linear);
    }
}
