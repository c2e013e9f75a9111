//! TEXT, ATTRIB/ATTDEF and MTEXT.

use super::{GeomResult, coord, extrusion, int, num, ocs_geom};
use crate::formats::dxf::text::{Encoding, decode, mtext_plain, text_plain};
use crate::formats::dxf::tokenizer::Tag;
use crate::model::{Geom, HAlign, Point, TextColumns, TextGeom, VAlign};

/// TEXT-like entities. `attribute` selects the ATTRIB/ATTDEF code of the vertical alignment (74, as 73 is
/// the field length there).
pub fn text(body: &[Tag<'_>], enc: Encoding, attribute: bool, is_attdef: bool) -> GeomResult {
    let (mut ins, mut align) = (Point::ZERO, None::<Point>);
    let mut g = TextGeom { width_factor: 1.0, ..TextGeom::default() };
    let (mut h72, mut v73) = (0i64, 0i64);
    let mut value: Option<String> = None;
    let mut tag: Option<String> = None;
    let mut in_embedded_mtext = false;
    for t in body {
        match t.code {
            // ATTRIB/ATTDEF of R2018 may embed an MTEXT after 101; its codes are not the attribute's.
            101 => in_embedded_mtext = true,
            _ if in_embedded_mtext => {}
            10 | 20 | 30 => {
                coord(&mut ins, t, 10)?;
            }
            11 | 21 | 31 => {
                let p = align.get_or_insert(Point::ZERO);
                coord(p, t, 11)?;
            }
            40 => g.height = num(t)?,
            41 => g.width_factor = num(t)?,
            50 => g.rotation_deg = num(t)?,
            51 => g.oblique_deg = num(t)?,
            7 => g.style = Some(decode(t.raw, enc)),
            1 => value = Some(decode(t.raw, enc)),
            2 if attribute => tag = Some(decode(t.raw, enc)),
            71 => {
                let f = int(t)?;
                g.mirror_x = f & 2 != 0;
                g.mirror_y = f & 4 != 0;
            }
            72 => h72 = int(t)?,
            73 if !attribute => v73 = int(t)?,
            74 if attribute => v73 = int(t)?,
            _ => {}
        }
    }
    default_style(&mut g);
    // An ATTDEF outside a block shows its tag (2), as AutoCAD draws it; ATTRIB and TEXT show their value.
    let raw = if attribute && is_attdef { tag.or(value).unwrap_or_default() } else { value.unwrap_or_default() };
    g.value = text_plain(&raw);
    if g.value != raw {
        g.raw = Some(raw);
    }
    (g.halign, g.valign) = match h72 {
        1 => (HAlign::Center, v_align(v73)),
        2 => (HAlign::Right, v_align(v73)),
        3 => (HAlign::Aligned, VAlign::Baseline),
        5 => (HAlign::Fit, VAlign::Baseline),
        4 => {
            g.middle_of_body = true;
            (HAlign::Center, VAlign::Middle)
        }
        _ => (HAlign::Left, v_align(v73)),
    };
    // Left/baseline text sits at its insertion point; every other justification at the alignment point,
    // except aligned/fit, which run from the insertion point.
    let justified =
        !matches!((g.halign, g.valign), (HAlign::Left, VAlign::Baseline) | (HAlign::Fit | HAlign::Aligned, _));
    g.position = match (justified, align) {
        (true, Some(a)) => a,
        _ => ins,
    };
    // Aligned/fit text is stretched between the insertion and the alignment point: carry that as the
    // direction and a width factor over the nominal glyph width, so extents end at the alignment point.
    if let (HAlign::Fit | HAlign::Aligned, Some(a)) = (g.halign, align) {
        let d = a.minus(ins);
        let len = d.x.hypot(d.y);
        let chars = g.value.chars().count() as f64;
        if len > 0.0 && g.height > 0.0 && chars > 0.0 {
            g.rotation_deg = d.y.atan2(d.x).to_degrees();
            g.width_factor = len / (crate::model::measure::TEXT_CHAR_WIDTH * g.height * chars);
        }
    }
    Ok(ocs_geom(Geom::Text(Box::new(g)), extrusion(body)?))
}

/// Group code 7 is optional on TEXT, ATTRIB, ATTDEF and MTEXT; the DXF reference gives `STANDARD` as its
/// default, and the style table spells that entry `Standard`, which is what a reader of the result expects.
fn default_style(g: &mut TextGeom) {
    if g.style.is_none() {
        g.style = Some("Standard".to_owned());
    }
}

fn v_align(code: i64) -> VAlign {
    match code {
        1 => VAlign::Bottom,
        2 => VAlign::Middle,
        3 => VAlign::Top,
        _ => VAlign::Baseline,
    }
}

/// MTEXT: insertion point and x direction are WCS (the extrusion only orients the plane); text is the
/// 3-chunks then 1; attachment 71 is a 3 × 3 grid.
pub fn mtext(body: &[Tag<'_>], enc: Encoding) -> GeomResult {
    let mut g = TextGeom { width_factor: 1.0, multiline: true, ..TextGeom::default() };
    let mut ins = Point::ZERO;
    let mut xdir: Option<Point> = None;
    let mut raw = Vec::<u8>::new();
    let mut last_chunk: Option<&[u8]> = None;
    let mut attach = 1i64;
    let mut in_columns = false;
    let mut cols = Columns::default();
    // Background flags (90: 1 fill, 2 window colour, 16 text frame) and the fill box scale (45) of the height.
    let (mut background, mut fill_scale) = (0i64, 1.5f64);
    for t in body {
        match t.code {
            // The embedded object (R2018) carries the column layout and reuses codes.
            101 => in_columns = true,
            72 if in_columns => cols.count = t.int().unwrap_or(0),
            44 if in_columns => cols.width = t.f64().unwrap_or(0.0),
            45 if in_columns => cols.gutter = t.f64().unwrap_or(0.0),
            42 if in_columns => cols.total_width = t.f64().unwrap_or(0.0),
            43 if in_columns => cols.total_height = t.f64().unwrap_or(0.0),
            _ if in_columns || t.code >= 1000 => {}
            46 => cols.defined_height = t.f64().unwrap_or(0.0),
            90 => background = t.int().unwrap_or(0),
            45 => fill_scale = t.f64().filter(|v| v.is_finite()).unwrap_or(1.5),
            10 | 20 | 30 => {
                coord(&mut ins, t, 10)?;
            }
            11 | 21 | 31 => {
                let p = xdir.get_or_insert(Point::ZERO);
                coord(p, t, 11)?;
            }
            40 => g.height = num(t)?,
            41 => g.box_width = Some(num(t)?).filter(|w| *w > 0.0),
            42 => g.written_width = t.f64().filter(|w| w.is_finite() && *w >= 0.0),
            43 => g.written_height = t.f64().filter(|h| h.is_finite() && *h >= 0.0),
            44 => g.line_spacing = t.f64().filter(|f| f.is_finite() && *f > 0.0),
            50 => g.rotation_deg = num(t)?,
            71 => attach = int(t)?,
            7 => g.style = Some(decode(t.raw, enc)),
            3 => raw.extend_from_slice(t.raw),
            1 => last_chunk = Some(t.raw),
            _ => {}
        }
    }
    if let Some(last) = last_chunk {
        raw.extend_from_slice(last);
    }
    default_style(&mut g);
    let raw = decode(&raw, enc);
    g.value = mtext_plain(&raw);
    if g.value != raw {
        g.raw = Some(raw);
    }
    cols.read_xdata(body);
    if cols.count >= 2 && cols.width > 0.0 {
        let n = cols.count.min(1000) as f64;
        g.box_width = Some(n * cols.width + (n - 1.0) * cols.gutter.max(0.0));
        g.box_height = Some(cols.defined_height).filter(|h| *h > 0.0);
        g.columns = Some(TextColumns { count: n as u32, width: cols.width, gutter: cols.gutter.max(0.0) });
    }
    if in_columns {
        // The embedded object's own extent of the whole layout replaces the entity's 42/43 (ezdxf takes
        // these; 0 means "not measured").
        let measured = |v: f64| Some(v).filter(|v| v.is_finite() && *v > 0.0);
        g.written_width = measured(cols.total_width);
        g.written_height = measured(cols.total_height);
    }
    if let Some(d) = xdir.filter(|d| d.x != 0.0 || d.y != 0.0) {
        g.rotation_deg = d.y.atan2(d.x).to_degrees();
    }
    g.halign = match (attach - 1).rem_euclid(3) {
        1 => HAlign::Center,
        2 => HAlign::Right,
        _ => HAlign::Left,
    };
    g.valign = match (attach - 1).clamp(0, 8) / 3 {
        0 => VAlign::Top,
        1 => VAlign::Middle,
        _ => VAlign::Bottom,
    };
    g.position = ins;
    if background & 16 != 0 {
        // The frame runs round the text box at the background's border: (scale − 1) heights out.
        g.frame = Some(g.height * (fill_scale - 1.0)).filter(|f| f.is_finite());
    }
    // The frame's y axis is extrusion × x direction: under a −Z extrusion (seen from below) the lines run
    // down the page mirrored, which the model carries as upside-down text.
    g.mirror_y = extrusion(body)?.z < 0.0;
    Ok(Geom::Text(Box::new(g)))
}

/// An MTEXT column layout: from the embedded object (R2018) or the ACAD XDATA (R2000–R2013).
#[derive(Debug, Default)]
struct Columns {
    count: i64,
    width: f64,
    gutter: f64,
    defined_height: f64,
    /// Extent of the whole layout as the writer measured it (embedded object only).
    total_width: f64,
    total_height: f64,
}

impl Columns {
    /// `ACAD_MTEXT_COLUMN_INFO_BEGIN … _END` and `ACAD_MTEXT_DEFINED_HEIGHT_BEGIN … _END` hold pairs of a
    /// 1070 naming a DXF code (76 count, 48 width, 49 gutter, 46 defined height) and its value.
    fn read_xdata(&mut self, body: &[Tag<'_>]) {
        let mut inside = false;
        let mut key: Option<i64> = None;
        for t in body.iter().filter(|t| t.code >= 1000) {
            match t.code {
                1000 => {
                    let v = t.trimmed();
                    inside = v == b"ACAD_MTEXT_COLUMN_INFO_BEGIN" || v == b"ACAD_MTEXT_DEFINED_HEIGHT_BEGIN";
                    key = None;
                }
                1070 | 1040 if inside => match key.take() {
                    None => key = t.int(),
                    Some(k) => match k {
                        76 => self.count = t.int().unwrap_or(0),
                        48 => self.width = t.f64().unwrap_or(0.0),
                        49 => self.gutter = t.f64().unwrap_or(0.0),
                        46 => self.defined_height = t.f64().unwrap_or(0.0),
                        _ => {}
                    },
                },
                _ => {}
            }
        }
    }
}

/// The attribute tag (2) of an ATTRIB/ATTDEF.
pub fn attribute_tag(body: &[Tag<'_>], enc: Encoding) -> String {
    body.iter().find(|t| t.code == 2).map(|t| decode(t.raw, enc)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::super::tests::tags;
    use super::*;

    #[test]
    fn centred_text_sits_at_its_alignment_point() {
        let g =
            text(&tags("10\n0\n20\n0\n11\n5\n21\n6\n40\n2.5\n1\n%%c10\n72\n1\n73\n2\n"), Encoding::Utf8, false, false)
                .unwrap();
        let Geom::Text(t) = g else { panic!("text") };
        assert_eq!(t.position, Point::xy(5.0, 6.0));
        assert_eq!((t.halign, t.valign), (HAlign::Center, VAlign::Middle));
        assert_eq!(t.value, "⌀10");
        assert_eq!(t.raw.as_deref(), Some("%%c10"));
        // No group code 7: the DXF default style.
        assert_eq!(t.style.as_deref(), Some("Standard"));
    }

    #[test]
    fn a_named_style_is_kept_and_mtext_defaults_too() {
        let g = text(&tags("10\n0\n20\n0\n40\n1\n7\nROMANS\n1\nA\n"), Encoding::Utf8, false, false).unwrap();
        let Geom::Text(t) = g else { panic!("text") };
        assert_eq!(t.style.as_deref(), Some("ROMANS"));
        let Geom::Text(m) = mtext(&tags("10\n0\n20\n0\n40\n1\n1\nB\n"), Encoding::Utf8).unwrap() else {
            panic!("text")
        };
        assert_eq!(m.style.as_deref(), Some("Standard"));
    }

    #[test]
    fn mtext_chunks_join_in_order_and_lose_their_codes() {
        let g = mtext(&tags("10\n1\n20\n2\n40\n3\n71\n5\n3\n{\\fArial;Hello \n1\nworld}\\Pnext\n"), Encoding::Utf8)
            .unwrap();
        let Geom::Text(t) = g else { panic!("text") };
        assert_eq!(t.value, "Hello world\nnext");
        assert_eq!((t.halign, t.valign), (HAlign::Center, VAlign::Middle));
        assert!(t.multiline);
    }

    #[test]
    fn aligned_and_fit_text_differ_and_mtext_columns_are_kept() {
        let aligned = text(&tags("10\n0\n20\n0\n11\n12\n21\n0\n40\n2\n1\nAB\n72\n3\n"), Encoding::Utf8, false, false);
        let Ok(Geom::Text(t)) = aligned else { panic!("text") };
        // Two characters over 12 units at height 2: width factor 12 / (0.6 · 2 · 2) = 5.
        assert_eq!((t.halign, t.width_factor), (HAlign::Aligned, 5.0));
        let fit = text(&tags("10\n0\n20\n0\n11\n12\n21\n0\n40\n2\n1\nAB\n72\n5\n"), Encoding::Utf8, false, false);
        let Ok(Geom::Text(t)) = fit else { panic!("text") };
        assert_eq!(t.halign, HAlign::Fit);
        // R2018: the embedded object after 101 holds the column count (72), width (44) and gutter (45).
        let m = mtext(&tags("10\n0\n20\n0\n40\n1\n1\nx\n101\nEmbedded Object\n72\n3\n44\n10\n45\n2\n"), Encoding::Utf8);
        let Ok(Geom::Text(t)) = m else { panic!("text") };
        assert_eq!(t.columns, Some(TextColumns { count: 3, width: 10.0, gutter: 2.0 }));
        assert_eq!(t.box_width, Some(34.0));
    }
}
