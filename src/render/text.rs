//! Text as glyph outlines from the one bundled font (DejaVu Sans, assets/fonts/, its licence beside it).
//! Every TEXT/MTEXT/ATTRIB string is drawn with it whatever its style names (SHX or TTF): exact metrics are a
//! non-goal (formats.md §9), a stable look with no system fonts is the goal.
//!
//! Layout: the text height is the cap height (as AutoCAD sizes text), lines are `5/3 · height` apart,
//! MTEXT with a reference width wraps at spaces; width factor, oblique angle, rotation, mirroring and the
//! nine justifications are honoured; TEXT "fit" is stretched along its span (`model::HAlign::Fit`: the
//! reader's width factor says how long the span is) and "aligned" scaled to it, height too, as AutoCAD does.

use std::collections::HashMap;

use skrifa::instance::{LocationRef, Size};
use skrifa::outline::{DrawSettings, OutlinePen};
use skrifa::{FontRef, GlyphId, MetadataProvider};

use crate::model::measure::{TEXT_CHAR_WIDTH, TEXT_LINE_PITCH};
use crate::model::{HAlign, TextGeom, VAlign};

/// DejaVu Sans, embedded (and shared with the model's text measurement) in `crate::font`.
use crate::font::DEJAVU_SANS_CONDENSED as FONT;

/// Characters drawn from one string at most; longer strings are cut (hostile files carry megabyte strings).
const MAX_CHARS_PER_TEXT: usize = 10_000;
/// Segments per glyph curve at most.
const MAX_CURVE_SEGMENTS: usize = 64;

/// A 2×3 affine map of the plane: `x' = a x + c y + e`, `y' = b x + d y + f`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Map2 {
    pub a: f64,
    pub b: f64,
    pub c: f64,
    pub d: f64,
    pub e: f64,
    pub f: f64,
}

impl Map2 {
    pub fn apply(&self, x: f64, y: f64) -> (f64, f64) {
        (self.a * x + self.c * y + self.e, self.b * x + self.d * y + self.f)
    }

    /// `self ∘ o`: `o` first.
    pub fn then_after(&self, o: &Map2) -> Map2 {
        Map2 {
            a: self.a * o.a + self.c * o.b,
            b: self.b * o.a + self.d * o.b,
            c: self.a * o.c + self.c * o.d,
            d: self.b * o.c + self.d * o.d,
            e: self.a * o.e + self.c * o.f + self.e,
            f: self.b * o.e + self.d * o.f + self.f,
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Cmd {
    Move(f32, f32),
    Line(f32, f32),
    Quad(f32, f32, f32, f32),
    Cubic(f32, f32, f32, f32, f32, f32),
    Close,
}

#[derive(Default)]
struct Recorder(Vec<Cmd>);

impl OutlinePen for Recorder {
    fn move_to(&mut self, x: f32, y: f32) {
        self.0.push(Cmd::Move(x, y));
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.0.push(Cmd::Line(x, y));
    }
    fn quad_to(&mut self, cx0: f32, cy0: f32, x: f32, y: f32) {
        self.0.push(Cmd::Quad(cx0, cy0, x, y));
    }
    fn curve_to(&mut self, cx0: f32, cy0: f32, cx1: f32, cy1: f32, x: f32, y: f32) {
        self.0.push(Cmd::Cubic(cx0, cy0, cx1, cy1, x, y));
    }
    fn close(&mut self) {
        self.0.push(Cmd::Close);
    }
}

struct Glyph {
    advance: f64,
    outline: Vec<Cmd>,
    /// The box of every point of `outline`, control points too (font units): a flattened curve stays in
    /// its control points' hull, so this bounds the glyph at any tolerance.
    control_box: [f32; 4],
}

impl Glyph {
    fn new(advance: f64, outline: Vec<Cmd>) -> Glyph {
        let mut b = [f32::INFINITY, f32::INFINITY, f32::NEG_INFINITY, f32::NEG_INFINITY];
        let mut add = |x: f32, y: f32| {
            b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
        };
        for cmd in &outline {
            match *cmd {
                Cmd::Move(x, y) | Cmd::Line(x, y) => add(x, y),
                Cmd::Quad(x1, y1, x, y) => {
                    add(x1, y1);
                    add(x, y);
                }
                Cmd::Cubic(x1, y1, x2, y2, x, y) => {
                    add(x1, y1);
                    add(x2, y2);
                    add(x, y);
                }
                Cmd::Close => {}
            }
        }
        Glyph { advance, outline, control_box: b }
    }
}

/// Where the layout puts something: a greeked line's box (pixels) or a glyph with its font units → pixels map.
enum Mark<'g> {
    Greek([[f32; 2]; 4]),
    Glyph(&'g Glyph, Map2),
}

/// The bundled font with a per-render cache of glyph outlines (font units).
pub struct TextEngine {
    font: Option<FontRef<'static>>,
    cap_height: f64,
    descent: f64,
    /// Glyphs of U+0000–U+00FF by code point, loaded on first use.
    latin: Vec<Option<Glyph>>,
    /// Glyphs of other characters.
    cache: HashMap<char, Glyph>,
    /// Glyphs drawn so far and the cap on them: hostile drawings hold millions of characters.
    pub glyphs_drawn: u64,
    pub max_glyphs: u64,
    /// Text whose height maps to fewer pixels than this is drawn as a box over its lines ("greeked").
    greek_below_px: f64,
}

/// Text under this height in pixels shows no readable glyph: a box of the line's size gives the same
/// smudge at a fraction of the cost (a drawing of 20 000 room labels at ¼ px lays out no glyph).
pub const GREEK_PX: f64 = 1.5;

impl TextEngine {
    pub fn new(max_glyphs: u64) -> TextEngine {
        let font = FontRef::new(FONT).ok();
        let (cap_height, descent) = match &font {
            Some(f) => {
                let m = f.metrics(Size::unscaled(), LocationRef::default());
                let upm = f64::from(m.units_per_em.max(1));
                (m.cap_height.map_or(0.73 * upm, f64::from).max(1.0), f64::from(m.descent).abs())
            }
            None => (1.0, 0.0),
        };
        TextEngine {
            font,
            cap_height,
            descent,
            latin: std::iter::repeat_with(|| None).take(256).collect(),
            cache: HashMap::new(),
            glyphs_drawn: 0,
            max_glyphs,
            greek_below_px: 0.0,
        }
    }

    /// Draws text shorter than `px` pixels as boxes (see [`GREEK_PX`]); off by default.
    pub fn greeking_below(mut self, px: f64) -> TextEngine {
        self.greek_below_px = px;
        self
    }

    fn glyph(&mut self, ch: char) -> Option<&Glyph> {
        // Latin-1 in a table, the rest hashed: two lookups per character (advance, then outline), and a
        // SipHash per lookup was a tenth of the scene time of a drawing of many labels.
        if let Some(slot) = self.latin.get(ch as usize) {
            if slot.is_none() {
                let g = self.load(ch)?;
                self.latin[ch as usize] = Some(g);
            }
            return self.latin[ch as usize].as_ref();
        }
        if !self.cache.contains_key(&ch) {
            let g = self.load(ch)?;
            self.cache.insert(ch, g);
        }
        self.cache.get(&ch)
    }

    /// Reads a glyph from the font; `None` without a font.
    fn load(&self, ch: char) -> Option<Glyph> {
        let font = self.font.as_ref()?;
        let gid = font.charmap().map(ch).unwrap_or(GlyphId::NOTDEF);
        let advance = font.glyph_metrics(Size::unscaled(), LocationRef::default()).advance_width(gid).unwrap_or(0.0);
        let mut rec = Recorder::default();
        if !ch.is_whitespace() {
            if let Some(g) = font.outline_glyphs().get(gid) {
                let settings = DrawSettings::unhinted(Size::unscaled(), LocationRef::default());
                if g.draw(settings, &mut rec).is_err() {
                    rec.0.clear();
                }
            }
        }
        Some(Glyph::new(f64::from(advance), rec.0))
    }

    /// Advance of a string in font units.
    fn advance(&mut self, s: &str) -> f64 {
        s.chars().map(|c| self.glyph(c).map_or(0.0, |g| g.advance)).sum()
    }

    /// Lines as drawn: explicit breaks, and MTEXT wrapped at spaces to `wrap` font units.
    fn lines(&mut self, value: &str, wrap: Option<f64>) -> Vec<String> {
        let mut out = Vec::new();
        for para in value.split('\n') {
            let Some(limit) = wrap else {
                out.push(para.to_owned());
                continue;
            };
            // Widths add up word by word (no re-measuring of the line), so wrapping stays linear in length.
            let space = self.advance(" ");
            let (mut line, mut width) = (String::new(), 0.0);
            for word in para.split(' ') {
                let w = self.advance(word);
                if !line.is_empty() && width + space + w > limit {
                    out.push(std::mem::take(&mut line));
                    width = 0.0;
                }
                if !line.is_empty() {
                    line.push(' ');
                    width += space;
                }
                line.push_str(word);
                width += w;
            }
            out.push(line);
        }
        out
    }

    /// Glyph outlines of `t` mapped by `to_px` (world → pixels), flattened to `tol` pixels, as closed rings
    /// for a non-zero fill. Returns nothing once the glyph cap is reached.
    pub fn outline(&mut self, t: &TextGeom, to_px: &Map2, tol: f64) -> Vec<Vec<[f32; 2]>> {
        let mut rings = Vec::new();
        self.layout(t, to_px, |mark| match mark {
            Mark::Greek(ring) => rings.push(ring.to_vec()),
            Mark::Glyph(g, m) => flatten_cmds(&g.outline, &m, tol, &mut rings),
        });
        rings
    }

    /// A box (`[min x, min y, max x, max y]`, pixels) holding every point [`TextEngine::outline`] gives for
    /// `t` at any tolerance, from each glyph's control box, without flattening a curve: a few affine maps
    /// per glyph instead of dozens of curve points. Counts glyphs against the cap exactly as `outline`
    /// does, so the two can stand in for each other in a sequence. `None` when `outline` marks nothing
    /// (no glyph, no greeked line); an unbounded box when a corner is not finite (a huge or broken
    /// placement), which no caller can take for small.
    pub fn outline_bounds(&mut self, t: &TextGeom, to_px: &Map2) -> Option<[f64; 4]> {
        let mut b = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
        let (mut finite, mut marked) = (true, false);
        let mut add = |x: f64, y: f64| {
            marked = true;
            finite &= x.is_finite() && y.is_finite();
            b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
        };
        self.layout(t, to_px, |mark| match mark {
            Mark::Greek(ring) => ring.iter().for_each(|p| add(f64::from(p[0]), f64::from(p[1]))),
            Mark::Glyph(g, m) => {
                let [x0, y0, x1, y1] = g.control_box.map(f64::from);
                // The image of a box under an affine map is a parallelogram: its four corners bound it.
                for (x, y) in [(x0, y0), (x1, y0), (x1, y1), (x0, y1)] {
                    let (px, py) = m.apply(x, y);
                    add(px, py);
                }
            }
        });
        if !marked {
            return None;
        }
        if !finite {
            return Some([f64::NEG_INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::INFINITY]);
        }
        // `outline` evaluates curves in f64 and rounds each point to f32 (half an f32 ulp, 2⁻²⁴ relative):
        // a margin of 2⁻²⁰ of the largest coordinate keeps such a point inside.
        let m = b.iter().fold(0.0f64, |a, v| a.max(v.abs())) * (2.0f64).powi(-20);
        Some([b[0] - m, b[1] - m, b[2] + m, b[3] + m])
    }

    /// Lays `t` out through `to_px` and hands each greeked line box and each drawn glyph to `mark`, counting
    /// glyphs against the cap; the one layout that [`TextEngine::outline`] and
    /// [`TextEngine::outline_bounds`] share.
    fn layout(&mut self, t: &TextGeom, to_px: &Map2, mut mark: impl FnMut(Mark<'_>)) {
        if !(t.height.is_finite() && t.height > 0.0) || self.font.is_none() {
            return;
        }
        let s = t.height / self.cap_height; // world units per font unit
        let wf = if t.width_factor.is_finite() && t.width_factor > 0.0 { t.width_factor } else { 1.0 };
        let value: String = t.value.chars().take(MAX_CHARS_PER_TEXT).collect();
        let columns = Columns::of(t);
        let wrap_width = columns.map_or(t.box_width, |c| Some(c.width));
        let wrap = wrap_width.filter(|w| t.multiline && w.is_finite() && *w > 0.0).map(|w| w / (s * wf));
        let lines = self.lines(&value, wrap);
        let (sx, sy) = self.glyph_scales(t, &lines, s, wf);
        let pitch = t.height * TEXT_LINE_PITCH;
        let rows = columns.map_or(lines.len(), |c| c.rows(t, lines.len(), pitch));
        let n = rows.min(lines.len()).max(1) as f64;
        let first_baseline = match t.valign {
            VAlign::Baseline => 0.0,
            VAlign::Bottom => (n - 1.0) * pitch + self.descent * s,
            VAlign::Middle => -(t.height - (n - 1.0) * pitch) / 2.0,
            VAlign::Top => -t.height,
        };
        let (sin, cos) = t.rotation_deg.to_radians().sin_cos();
        let shear = if t.oblique_deg.is_finite() { t.oblique_deg.to_radians().tan().clamp(-10.0, 10.0) } else { 0.0 };
        let mx = if t.mirror_x { -1.0 } else { 1.0 };
        let my = if t.mirror_y { -1.0 } else { 1.0 };
        // Text frame (x along the baseline, y up, origin at the reference point) → world.
        let frame = Map2 { a: cos * mx, b: sin * mx, c: -sin * my, d: cos * my, e: t.position.x, f: t.position.y };
        let frame_px = to_px.then_after(&frame);
        let greek = t.height * (to_px.a * to_px.d - to_px.b * to_px.c).abs().sqrt() < self.greek_below_px;
        for (i, line) in lines.iter().enumerate() {
            let width = self.advance(line) * sx;
            let x0 = match t.halign {
                HAlign::Left | HAlign::Fit | HAlign::Aligned => 0.0,
                HAlign::Center => -width / 2.0,
                HAlign::Right => -width,
            };
            // Line i is row i % rows of column i / rows.
            let y = first_baseline - (i % rows.max(1)) as f64 * pitch;
            let column_x = x0 + columns.map_or(0.0, |c| (i / rows.max(1)) as f64 * c.step);
            if greek {
                // A greeked character still counts against the cap: the work per character is bounded alike.
                if self.glyphs_drawn >= self.max_glyphs {
                    return;
                }
                self.glyphs_drawn = (self.glyphs_drawn + line.chars().count() as u64).min(self.max_glyphs);
                let corners =
                    [(column_x, y), (column_x + width, y), (column_x + width, y + t.height), (column_x, y + t.height)];
                mark(Mark::Greek(corners.map(|(x, y)| frame_px.apply(x, y)).map(|(x, y)| [x as f32, y as f32])));
                continue;
            }
            let mut pen_x = column_x;
            for ch in line.chars() {
                if self.glyphs_drawn >= self.max_glyphs {
                    return;
                }
                let Some(g) = self.glyph(ch) else { continue };
                let advance = g.advance * sx;
                if !g.outline.is_empty() {
                    // Font units → text frame: scale, oblique shear, then place at the pen.
                    let glyph = Map2 { a: sx, b: 0.0, c: sy * shear, d: sy, e: pen_x + y * shear, f: y };
                    mark(Mark::Glyph(g, frame_px.then_after(&glyph)));
                    self.glyphs_drawn += 1;
                }
                pen_x += advance;
            }
        }
    }
}

/// An MTEXT column layout as laid out: lines wrap at a column's width and fill a column before the next.
#[derive(Debug, Clone, Copy)]
struct Columns {
    count: usize,
    width: f64,
    /// From one column's left edge to the next one's.
    step: f64,
}

impl Columns {
    fn of(t: &TextGeom) -> Option<Columns> {
        let c = t.columns.filter(|c| t.multiline && c.count >= 2)?;
        let usable = c.width.is_finite() && c.width > 0.0 && c.gutter.is_finite();
        usable.then(|| Columns { count: c.count as usize, width: c.width, step: c.width + c.gutter.max(0.0) })
    }

    /// Lines per column: as many as fit the defined height (at least one), else an even share of `lines`.
    /// Text beyond the last column goes on in further columns, so none is lost.
    fn rows(&self, t: &TextGeom, lines: usize, pitch: f64) -> usize {
        let fitting = t.box_height.filter(|h| h.is_finite() && *h > 0.0 && pitch > 0.0).map(|h| {
            let extra = ((h - t.height) / pitch).floor();
            if extra.is_finite() && extra > 0.0 { extra.min(1e6) as usize + 1 } else { 1 }
        });
        fitting.unwrap_or_else(|| lines.div_ceil(self.count)).max(1)
    }
}

impl TextEngine {
    /// World units per font unit along and across the baseline. Fit and aligned TEXT span
    /// `TEXT_CHAR_WIDTH · height · width_factor` per character (the model's convention, independent of the
    /// font): our glyphs are stretched to that length, and for aligned text the height scales alike.
    fn glyph_scales(&mut self, t: &TextGeom, lines: &[String], s: f64, wf: f64) -> (f64, f64) {
        let plain = (s * wf, s);
        if !matches!(t.halign, HAlign::Fit | HAlign::Aligned) {
            return plain;
        }
        let span = TEXT_CHAR_WIDTH * t.height * wf * t.value.chars().count() as f64;
        let natural = lines.first().map_or(0.0, |l| self.advance(l));
        let k = span / natural;
        if !(k.is_finite() && k > 0.0) {
            return plain;
        }
        match t.halign {
            HAlign::Aligned => (k, k),
            _ => (k, s),
        }
    }
}

/// Flattens outline commands through `m` into rings with chord error about `tol` (pixels).
fn flatten_cmds(cmds: &[Cmd], m: &Map2, tol: f64, rings: &mut Vec<Vec<[f32; 2]>>) {
    let mut ring: Vec<[f32; 2]> = Vec::new();
    let mut cur = (0.0, 0.0);
    let px = |x: f32, y: f32| m.apply(f64::from(x), f64::from(y));
    let push = |ring: &mut Vec<[f32; 2]>, p: (f64, f64)| ring.push([p.0 as f32, p.1 as f32]);
    for cmd in cmds {
        match *cmd {
            Cmd::Move(x, y) => {
                if ring.len() > 2 {
                    rings.push(std::mem::take(&mut ring));
                }
                ring.clear();
                cur = px(x, y);
                push(&mut ring, cur);
            }
            Cmd::Line(x, y) => {
                cur = px(x, y);
                push(&mut ring, cur);
            }
            Cmd::Quad(x1, y1, x, y) => {
                let (p1, p2) = (px(x1, y1), px(x, y));
                let d = (cur.0 - 2.0 * p1.0 + p2.0).hypot(cur.1 - 2.0 * p1.1 + p2.1);
                let n = segments(d / 4.0, tol);
                for k in 1..=n {
                    let t = k as f64 / n as f64;
                    let u = 1.0 - t;
                    push(
                        &mut ring,
                        (
                            u * u * cur.0 + 2.0 * u * t * p1.0 + t * t * p2.0,
                            u * u * cur.1 + 2.0 * u * t * p1.1 + t * t * p2.1,
                        ),
                    );
                }
                cur = p2;
            }
            Cmd::Cubic(x1, y1, x2, y2, x, y) => {
                let (p1, p2, p3) = (px(x1, y1), px(x2, y2), px(x, y));
                let d1 = (cur.0 - 2.0 * p1.0 + p2.0).hypot(cur.1 - 2.0 * p1.1 + p2.1);
                let d2 = (p1.0 - 2.0 * p2.0 + p3.0).hypot(p1.1 - 2.0 * p2.1 + p3.1);
                let n = segments(0.75 * d1.max(d2), tol);
                for k in 1..=n {
                    let t = k as f64 / n as f64;
                    let u = 1.0 - t;
                    let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
                    push(
                        &mut ring,
                        (a * cur.0 + b * p1.0 + c * p2.0 + d * p3.0, a * cur.1 + b * p1.1 + c * p2.1 + d * p3.1),
                    );
                }
                cur = p3;
            }
            Cmd::Close => {}
        }
    }
    if ring.len() > 2 {
        rings.push(ring);
    }
}

/// Uniform segments so that a curve with second-difference size `d` stays within `tol`: error ≈ d / n².
fn segments(d: f64, tol: f64) -> usize {
    if !(d.is_finite() && tol > 0.0) {
        return 1;
    }
    ((d / tol).sqrt().ceil() as usize).clamp(1, MAX_CURVE_SEGMENTS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Point;

    const ID: Map2 = Map2 { a: 1.0, b: 0.0, c: 0.0, d: 1.0, e: 0.0, f: 0.0 };

    fn bounds(rings: &[Vec<[f32; 2]>]) -> (f32, f32, f32, f32) {
        let pts = rings.iter().flatten();
        let fold = |f: fn(f32, f32) -> f32, i: usize, init: f32| pts.clone().map(|p| p[i]).fold(init, f);
        (
            fold(f32::min, 0, f32::MAX),
            fold(f32::min, 1, f32::MAX),
            fold(f32::max, 0, f32::MIN),
            fold(f32::max, 1, f32::MIN),
        )
    }

    #[test]
    fn tiny_text_is_one_box_per_line_over_the_glyphs_extent() {
        let t = TextGeom { value: "HH".into(), height: 1.0, ..TextGeom::default() };
        let glyphs = TextEngine::new(1000).outline(&t, &ID, 0.01);
        let mut eng = TextEngine::new(1000).greeking_below(GREEK_PX);
        let boxes = eng.outline(&t, &ID, 0.01);
        assert_eq!(boxes.len(), 1);
        assert_eq!(eng.glyphs_drawn, 2);
        let (g, b) = (bounds(&glyphs), bounds(&boxes));
        // From the pen at 0 to the advance of "HH" (past the last glyph's outline), baseline to cap height.
        assert!(b.0 == 0.0 && b.1 == 0.0 && (b.3 - 1.0).abs() < 1e-6, "{b:?}");
        assert!(b.2 >= g.2 && b.2 < g.2 + 0.3, "box {b:?}, glyphs {g:?}");
        // At 2 px per unit the same text is 2 px tall: glyphs again.
        let two = Map2 { a: 2.0, d: 2.0, ..ID };
        assert!(eng.outline(&t, &two, 0.01).len() > 1);
    }

    #[test]
    fn cap_height_equals_the_text_height() {
        let mut eng = TextEngine::new(1000);
        let t = TextGeom { value: "H".into(), height: 10.0, ..TextGeom::default() };
        let rings = eng.outline(&t, &ID, 0.01);
        let (_, y0, _, y1) = bounds(&rings);
        // The OS/2 cap height (1493 units) is 2 units above the H outline (1491).
        assert!(y0.abs() < 0.01 && (y1 - 10.0).abs() < 0.02, "H spans {y0}..{y1}");
    }

    #[test]
    fn centre_and_right_justification_move_the_line() {
        let mut eng = TextEngine::new(1000);
        let base =
            TextGeom { value: "HH".into(), height: 10.0, position: Point::xy(100.0, 0.0), ..TextGeom::default() };
        let (l0, _, l1, _) = bounds(&eng.outline(&base, &ID, 0.01));
        let right = TextGeom { halign: HAlign::Right, ..base.clone() };
        let (r0, _, r1, _) = bounds(&eng.outline(&right, &ID, 0.01));
        assert!(l0 > 100.0 && l1 < 130.0, "left text starts at its point: {l0}..{l1}");
        assert!(r1 < 100.0 && r0 > 70.0, "right text ends at its point: {r0}..{r1}");
        let top = TextGeom { valign: VAlign::Top, rotation_deg: 90.0, ..base };
        let (x0, _, x1, _) = bounds(&eng.outline(&top, &ID, 0.01));
        // Rotated 90°, top-justified: up is −x, so the glyphs hang from the point towards +x, one height.
        assert!((x0 - 100.0).abs() < 0.02 && (x1 - 110.0).abs() < 0.02, "{x0}..{x1}");
    }

    #[test]
    fn mtext_wraps_at_spaces_within_its_box() {
        let mut eng = TextEngine::new(1000);
        let h_adv = eng.advance("HH");
        let s = 10.0 / eng.cap_height;
        // A box two "HH" words wide (plus a little): "HH HH HH" wraps after the second word.
        let box_width = (2.0 * h_adv + eng.advance(" ")) * s * 1.01;
        let t = TextGeom {
            value: "HH HH HH".into(),
            height: 10.0,
            multiline: true,
            box_width: Some(box_width),
            ..TextGeom::default()
        };
        assert_eq!(eng.lines(&t.value, Some(box_width / s)), ["HH HH", "HH"]);
        let (_, y0, _, y1) = bounds(&eng.outline(&t, &ID, 0.01));
        // Two lines: the second baseline is 5/3 · 10 below the first.
        assert!((y1 - 10.0).abs() < 0.02 && (f64::from(y0) + 10.0 * TEXT_LINE_PITCH).abs() < 0.02, "{y0}..{y1}");
    }

    #[test]
    fn fit_text_spans_its_points_and_aligned_text_scales_its_height() {
        let mut eng = TextEngine::new(1000);
        // The reader's convention: 4 characters over a 40-unit span at height 10 → width factor 40 / 24.
        let fit = TextGeom {
            value: "IIII".into(),
            height: 10.0,
            width_factor: 40.0 / (TEXT_CHAR_WIDTH * 10.0 * 4.0),
            halign: HAlign::Fit,
            ..TextGeom::default()
        };
        let (x0, y0, x1, y1) = bounds(&eng.outline(&fit, &ID, 0.01));
        // The pen ends at 40; the last "I" stops short of it by its right side bearing.
        assert!(x0 > 0.0 && x0 < 4.0 && x1 > 34.0 && x1 < 40.0, "{x0}..{x1}");
        assert!(y0.abs() < 0.02 && (y1 - 10.0).abs() < 0.02, "fit keeps the height: {y0}..{y1}");
        let aligned = TextGeom { halign: HAlign::Aligned, ..fit };
        let (_, _, ax1, ay1) = bounds(&eng.outline(&aligned, &ID, 0.01));
        // "IIII" is narrower than 4 × 0.6 × height in DejaVu Sans, so aligned text grows taller to fill 40.
        let k = 40.0 / (eng.advance("IIII") * 10.0 / eng.cap_height);
        assert!((f64::from(ax1) - f64::from(x1)).abs() < 0.02, "same span: {ax1} vs {x1}");
        assert!((f64::from(ay1) - 10.0 * k).abs() < 0.05 && k > 1.5, "height {ay1}, k {k}");
    }

    #[test]
    fn mtext_columns_wrap_at_a_column_and_fill_it_before_the_next() {
        let mut eng = TextEngine::new(1000);
        let s = 10.0 / eng.cap_height;
        // Columns one "HH" wide, 20 apart; room for two lines (10 + 16.7 ≤ 30).
        let col = eng.advance("HH") * s * 1.01;
        let t = TextGeom {
            value: "HH HH HH HH HH".into(),
            height: 10.0,
            multiline: true,
            valign: VAlign::Top,
            box_height: Some(30.0),
            columns: Some(crate::model::TextColumns { count: 2, width: col, gutter: 20.0 - col }),
            ..TextGeom::default()
        };
        let rings = eng.outline(&t, &ID, 0.01);
        // Five words, one per line, two per column: columns start at x = 0, 20 and 40.
        let lefts: Vec<i32> = rings.iter().map(|r| r.iter().map(|p| p[0]).fold(f32::MAX, f32::min) as i32).collect();
        assert!(lefts.iter().any(|x| (40..44).contains(x)), "a third column: {lefts:?}");
        assert!(lefts.iter().all(|x| *x < 44 + col as i32), "{lefts:?}");
        let (_, y0, _, y1) = bounds(&rings);
        // Two rows hanging from the top: down to one pitch plus a height below the point.
        assert!(y1.abs() < 0.02 && (f64::from(y0) + 10.0 + 10.0 * TEXT_LINE_PITCH).abs() < 0.05, "{y0}..{y1}");
    }

    #[test]
    fn outline_bounds_hold_every_outline_point_and_spend_the_cap_alike() {
        let base = TextGeom {
            value: "Qg Ø@ jy".into(),
            height: 2.5,
            position: Point::xy(100.0, -40.0),
            ..TextGeom::default()
        };
        let texts = [
            base.clone(),
            TextGeom { rotation_deg: 33.0, oblique_deg: 15.0, width_factor: 0.7, ..base.clone() },
            TextGeom { mirror_x: true, halign: HAlign::Right, valign: VAlign::Middle, ..base.clone() },
            TextGeom { multiline: true, box_width: Some(4.0), valign: VAlign::Top, ..base.clone() },
            TextGeom { halign: HAlign::Aligned, width_factor: 2.0, rotation_deg: -120.0, ..base.clone() },
        ];
        // World → pixels as a fit gives: scale, y flipped, offset.
        let to_px = Map2 { a: 3.0, b: 0.0, c: 0.0, d: -3.0, e: 10.0, f: 500.0 };
        for t in &texts {
            let (mut exact, mut quick) = (TextEngine::new(1000), TextEngine::new(1000));
            let rings = exact.outline(t, &to_px, 0.05);
            let [x0, y0, x1, y1] = quick.outline_bounds(t, &to_px).expect("glyphs were drawn");
            assert_eq!(exact.glyphs_drawn, 6, "{t:?}");
            assert_eq!(quick.glyphs_drawn, 6, "{t:?}");
            let (px0, py0, px1, py1) = bounds(&rings);
            assert!(
                x0 <= f64::from(px0) && y0 <= f64::from(py0) && f64::from(px1) <= x1 && f64::from(py1) <= y1,
                "{t:?}: points {px0} {py0} {px1} {py1} outside {x0} {y0} {x1} {y1}"
            );
            // Control boxes hug the glyphs: each side within a tenth of the text's drawn size (turned boxes
            // stick out at their corners, so the slack is largest for rotated text).
            let slack = [f64::from(px0) - x0, f64::from(py0) - y0, x1 - f64::from(px1), y1 - f64::from(py1)];
            let size = f64::from((px1 - px0).max(py1 - py0));
            assert!(slack.iter().all(|s| *s < size / 10.0), "{t:?}: {slack:?} of {size}");
        }
        // The cap is spent glyph for glyph alike, greeked or not; nothing drawn is `None`.
        let (mut exact, mut quick) = (TextEngine::new(3), TextEngine::new(3));
        assert!(!exact.outline(&base, &to_px, 0.05).is_empty());
        assert!(quick.outline_bounds(&base, &to_px).is_some());
        assert_eq!((exact.glyphs_drawn, quick.glyphs_drawn), (3, 3));
        assert_eq!(quick.outline_bounds(&base, &to_px), None);
        let mut greek = TextEngine::new(1000).greeking_below(GREEK_PX);
        let tiny = Map2 { a: 0.1, d: -0.1, ..to_px };
        assert!(greek.outline_bounds(&base, &tiny).is_some());
        assert_eq!(greek.glyphs_drawn, 8, "every character of a greeked line counts, the space too");
        assert_eq!(TextEngine::new(10).outline_bounds(&TextGeom { value: "   ".into(), ..base }, &to_px), None);
    }

    #[test]
    fn glyph_cap_stops_drawing() {
        let mut eng = TextEngine::new(3);
        let t = TextGeom { value: "HHHHHH".into(), height: 1.0, ..TextGeom::default() };
        let rings = eng.outline(&t, &ID, 0.01);
        assert_eq!(eng.glyphs_drawn, 3);
        assert_eq!(rings.len(), 3);
    }
}
