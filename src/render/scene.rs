//! The display list: one sheet flattened (inserts expanded by [`crate::model::flatten`]), visibility,
//! colour, lineweight and linetype resolved, every curve cut into polylines at ≤ [`TOLERANCE_PX`] chord
//! error, all in pixel coordinates (y down) fitted to the drawn extents with a [`MARGIN`] each side.
//! Fills come before strokes (hatches never hide lines); within each, file order.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::f64::consts::TAU;

use std::sync::Arc;

use crate::model::flatten::{ClipScope, FlattenLimits, flatten, transform_geom};
use crate::model::geom::{arc_segments, ccw_sweep, fit_spline_points, flatten_bulge, sample_spline, spline_is_valid};
use crate::model::measure::geom_bbox;
use crate::model::text_extent::frame_corners;
use crate::model::{
    BBox2, ColourSpec, Document, Entity, EntityList, Geom, HatchEdge, Layer, Linetype, PatternLine, Point, Rgb, Vertex,
};

use super::colour::{Paint, display, resolve, tint};
use super::text::{Map2, TextEngine};
use super::{Background, RenderOptions};

/// Margin around the extents on every side, as a fraction of the image's shorter side: the same band all
/// round (as ezdxf's drawing add-on pages are laid out, so previews compare pixel for pixel).
pub const MARGIN: f64 = 0.02;
/// Largest distance between a curve and the chords drawn for it, in pixels.
pub const TOLERANCE_PX: f64 = 0.25;
/// Fixed plot scale for lineweights: 96 dpi, so 0.25 mm (AutoCAD's default) is about one pixel.
pub const PX_PER_MM: f64 = 96.0 / 25.4;
/// AutoCAD's default lineweight (1/100 mm) for ByBlock-at-top-level, default and undefined weights.
pub const DEFAULT_LINEWEIGHT: i16 = 25;
/// Dash patterns are drawn only when every dash and gap is at least this long in pixels.
pub const MIN_DASH_PX: f64 = 2.0;
/// Points in the display list at most; a hostile drawing stops there (`Scene::truncated`).
pub const MAX_POINTS: usize = 6_000_000;
/// Glyphs drawn at most.
pub const MAX_GLYPHS: u64 = 200_000;
/// Entities the insert expansion visits at most.
pub const MAX_VISITED: u64 = 1_000_000;
/// Pattern hatch lines closer than this are drawn as a light fill instead (they would be a grey area anyway).
pub const MIN_PATTERN_SPACING_PX: f64 = 2.0;
/// Pattern lines over one hatch at most; more is drawn as a light fill.
pub const MAX_PATTERN_LINES: i64 = 4_000;
/// Pattern dash pieces per hatch at most; past it the lines are drawn solid.
const MAX_PATTERN_DASHES: usize = 200_000;
/// Dashes per stroke item at most (tiny-skia emits one segment per dash).
const MAX_DASHES: f64 = 200_000.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FillRule {
    /// Hatches and SOLIDs: holes by nesting.
    EvenOdd,
    /// Glyph outlines (TrueType's rule).
    NonZero,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// Open or closed polylines, `width` pixels wide, dashed by on/off lengths in pixels when `dash` is set.
    Stroke { paths: Vec<Vec<[f32; 2]>>, width: f32, dash: Option<Vec<f32>> },
    /// Closed rings filled by `rule`.
    Fill { rings: Vec<Vec<[f32; 2]>>, rule: FillRule },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub colour: Rgb,
    pub shape: Shape,
    /// Index in [`Scene::clips`] of the clip the item is drawn through (a clipped block reference).
    pub clip: Option<u32>,
}

/// Where clipped items are drawn, in pixels: inside every region at once (a clipped insert inside another
/// gives two), each region closed rings under the even-odd rule (an inverted clip is an outer ring with the
/// cut-away boundary inside it).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Clip {
    pub regions: Vec<Vec<Vec<[f32; 2]>>>,
}

/// Distinct clips in one scene at most; items of further clipped inserts are drawn unclipped (and the scene
/// marked truncated), which bounds the masks a rasteriser makes.
pub const MAX_CLIPS: usize = 4_096;

/// What the rasteriser and the SVG writer draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Scene {
    pub width: u32,
    pub height: u32,
    pub background: Background,
    /// Fills first, then strokes; consecutive items of one style are merged.
    pub items: Vec<Item>,
    /// The clips items refer to.
    pub clips: Vec<Clip>,
    /// A budget (points, glyphs, expansion) cut the drawing short.
    pub truncated: bool,
    /// World → pixel map used.
    pub fit: Fit,
}

impl Scene {
    pub fn point_count(&self) -> usize {
        self.items
            .iter()
            .map(|i| match &i.shape {
                Shape::Stroke { paths, .. } => paths.iter().map(Vec::len).sum::<usize>(),
                Shape::Fill { rings, .. } => rings.iter().map(Vec::len).sum(),
            })
            .sum()
    }
}

/// The world → pixel map: uniform scale, centred, y flipped.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    pub scale: f64,
    pub centre: (f64, f64),
    pub size: (f64, f64),
}

impl Fit {
    /// Fits `b` into `width × height` less [`MARGIN`] of the shorter side all round; an empty or degenerate box
    /// gets unit size.
    pub fn new(b: &BBox2, width: u32, height: u32) -> Fit {
        let (w, h) = (f64::from(width), f64::from(height));
        if b.is_empty() {
            return Fit { scale: 1.0, centre: (0.0, 0.0), size: (w, h) };
        }
        let (bw, bh) = (b.width(), b.height());
        let m = MARGIN * w.min(h);
        let avail = ((w - 2.0 * m).max(1.0), (h - 2.0 * m).max(1.0));
        let sx = if bw > 0.0 { avail.0 / bw } else { f64::INFINITY };
        let sy = if bh > 0.0 { avail.1 / bh } else { f64::INFINITY };
        let mut scale = sx.min(sy);
        if !(scale.is_finite() && scale > 0.0) {
            // A single point or a zero-size box: one drawing unit per pixel.
            scale = 1.0;
        }
        Fit { scale, centre: ((b.min_x + b.max_x) / 2.0, (b.min_y + b.max_y) / 2.0), size: (w, h) }
    }

    pub fn px(&self, p: Point) -> [f32; 2] {
        let (x, y) = self.px64(p);
        [x as f32, y as f32]
    }

    pub fn px64(&self, p: Point) -> (f64, f64) {
        (self.size.0 / 2.0 + (p.x - self.centre.0) * self.scale, self.size.1 / 2.0 - (p.y - self.centre.1) * self.scale)
    }

    pub fn map2(&self) -> Map2 {
        Map2 {
            a: self.scale,
            b: 0.0,
            c: 0.0,
            d: -self.scale,
            e: self.size.0 / 2.0 - self.centre.0 * self.scale,
            f: self.size.1 / 2.0 + self.centre.1 * self.scale,
        }
    }

    /// The chord tolerance in drawing units.
    pub fn tolerance(&self) -> f64 {
        TOLERANCE_PX / self.scale
    }
}

/// One entity to draw, in sheet coordinates with its properties resolved.
struct Prim<'a> {
    /// Borrowed from the document when the entity is not transformed (most are): no copy of its vertices
    /// or text per render.
    geom: Cow<'a, Geom>,
    paint: Paint,
    /// 1/100 mm, ≥ 0.
    lineweight: i16,
    linetype: Option<&'a Linetype>,
    /// Index in the collected clips (sheet coordinates) when the entity lies in a clipped insert.
    clip: Option<u32>,
}

/// The clips of the collected primitives in sheet coordinates: per clip, the regions (even-odd rings) an
/// item must lie inside, innermost insert first.
type WorldClips = Vec<Vec<Vec<Vec<Point>>>>;

/// FNV-1a, for the per-entity lookups of layer and linetype names: a name of a few bytes hashes in a few
/// instructions, where the default SipHash's set-up dominated (a lookup or two per entity, 300 000 entities).
/// The keys come from the drawing, but the tables are the drawing's own few layers and linetypes: a
/// crafted collision costs that file alone some time, no more than its own size allows.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        for b in bytes {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type NameMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<Fnv>>;

/// Layers by name (exact, then case-insensitive) and the `--layers` filter.
struct Layers<'a> {
    exact: NameMap<&'a str, &'a Layer>,
    upper: HashMap<String, &'a Layer>,
    only: Option<HashSet<String>>,
}

impl<'a> Layers<'a> {
    fn new(doc: &'a Document, only: Option<&[String]>) -> Self {
        Layers {
            exact: doc.layers.iter().map(|l| (l.name.as_str(), l)).collect(),
            upper: doc.layers.iter().rev().map(|l| (l.name.to_ascii_uppercase(), l)).collect(),
            only: only.map(|names| names.iter().map(|n| n.trim().to_ascii_uppercase()).collect()),
        }
    }

    fn get(&self, name: &str) -> Option<&'a Layer> {
        self.exact.get(name).copied().or_else(|| self.upper.get(&name.to_ascii_uppercase()).copied())
    }

    /// Whether entities on `name` are drawn: not off or frozen, and in the `--layers` list if there is one.
    fn shows(&self, name: &str, layer: Option<&Layer>) -> bool {
        layer.is_none_or(Layer::is_visible)
            && self.only.as_ref().is_none_or(|only| only.contains(&name.to_ascii_uppercase()))
    }
}

/// Builds the display list of sheet `opts.sheet`; `None` when the document has nothing 2D to draw there
/// (a 3D document: see `scene3d`; a missing sheet). With the default sheet 0 (model space), an empty
/// model space falls back to the first layout that draws something, so a drawing kept only in paper space
/// still gets a preview.
pub fn build_scene(doc: &Document, opts: &RenderOptions) -> Option<Scene> {
    build_scene_fitted(doc, opts, None)
}

/// As [`build_scene`], fitting `extents` (sheet coordinates) instead of the drawn extents when given: the
/// same framing for several renders, or another renderer's framing to compare pixels with (the likeness test).
pub fn build_scene_fitted(doc: &Document, opts: &RenderOptions, extents: Option<BBox2>) -> Option<Scene> {
    if doc.source.format.is_3d() {
        return None;
    }
    let scene = build_sheet(doc, opts, opts.sheet, extents)?;
    if opts.sheet != 0 || !scene.items.is_empty() {
        return Some(scene);
    }
    let fallback =
        (1..doc.sheets.len()).filter_map(|i| build_sheet(doc, opts, i, extents)).find(|s| !s.items.is_empty());
    Some(fallback.unwrap_or(scene))
}

fn build_sheet(doc: &Document, opts: &RenderOptions, index: usize, extents: Option<BBox2>) -> Option<Scene> {
    let sheet = doc.sheets.get(index)?;
    let layers = Layers::new(doc, opts.layers.as_deref());
    let linetypes: NameMap<String, &Linetype> =
        doc.linetypes.iter().rev().map(|l| (l.name.to_ascii_uppercase(), l)).collect();
    let (prims, world_clips, expansion_truncated) = collect(doc, &sheet.entities, &layers, &linetypes);
    let usable = |b: &BBox2| !b.is_empty() && [b.min_x, b.min_y, b.max_x, b.max_y].iter().all(|v| v.is_finite());
    let extents = extents.filter(usable).unwrap_or_else(|| drawn_extents(&prims, &world_clips));
    let fit = Fit::new(&extents, opts.width, opts.height);
    let mut b = Builder::new(doc, opts, fit);
    let clips: Vec<Clip> = world_clips
        .iter()
        .map(|regions| Clip {
            regions: regions.iter().map(|rings| rings.iter().map(|r| b.px_path(r)).collect()).collect(),
        })
        .collect();
    for p in &prims {
        if b.points >= MAX_POINTS {
            b.truncated = true;
            break;
        }
        b.draw(p);
    }
    b.truncated |= expansion_truncated || b.text.glyphs_drawn >= b.text.max_glyphs;
    let mut items = b.fills;
    items.append(&mut b.strokes);
    Some(Scene {
        width: opts.width,
        height: opts.height,
        background: opts.background,
        items,
        clips,
        truncated: b.truncated,
        fit,
    })
}

/// The box of what is drawn. Text counts by its real glyph outlines (coarsely flattened), not the
/// 0.6 × height estimate of the JSON extents, so wide fonts and width factors are not cut at the edge.
///
/// Flattening every glyph was most of the scene's time on a drawing of many labels, and nearly all of it
/// changed nothing: a label inside the other geometry does not move the extents. So everything but text
/// is boxed first, and a text whose glyph control boxes ([`TextEngine::outline_bounds`]), frame and
/// estimate all lie inside the box so far is skipped; only the others are flattened. The union is the
/// same (a skipped box lies inside it), and the glyph cap is spent in the same order, so the result is
/// the one of flattening every text.
///
/// A clipped primitive counts only within its clip's box (the box of its innermost region).
fn drawn_extents(prims: &[Prim<'_>], clips: &WorldClips) -> BBox2 {
    const UNIT: Map2 = Map2 { a: 1.0, b: 0.0, c: 0.0, d: 1.0, e: 0.0, f: 0.0 };
    let clip_boxes: Vec<BBox2> = clips
        .iter()
        .map(|regions| {
            let mut b = BBox2::EMPTY;
            regions.first().into_iter().flatten().flatten().for_each(|p| b.add_point(*p));
            b
        })
        .collect();
    let mut extents = BBox2::EMPTY;
    for p in prims.iter().filter(|p| p.clip.is_some()) {
        let clip = p.clip.and_then(|i| clip_boxes.get(i as usize)).copied().unwrap_or(BBox2::EMPTY);
        extents.union(&intersection(&geom_bbox(&p.geom), &clip));
    }
    let prims: Vec<&Prim<'_>> = prims.iter().filter(|p| p.clip.is_none()).collect();
    for p in prims.iter().filter(|p| !matches!(*p.geom, Geom::Text(_))) {
        extents.union(&geom_bbox(&p.geom));
    }
    let mut glyphs = TextEngine::new(MAX_GLYPHS);
    for p in prims {
        let Geom::Text(t) = &*p.geom else { continue };
        let mut frame = BBox2::EMPTY;
        frame_corners(t).into_iter().flatten().for_each(|q| frame.add_point(q));
        let cap_before = glyphs.glyphs_drawn;
        let skip = glyphs.outline_bounds(t, &UNIT).is_some_and(|[x0, y0, x1, y1]| {
            let glyph_box = BBox2 { min_x: x0, min_y: y0, max_x: x1, max_y: y1 };
            // Whatever the flattening gives (glyph points and frame, or the estimate when it gives none)
            // then lies inside. (No glyph at all, `None`: the cheap frame or estimate below is the box.)
            holds(&extents, &glyph_box) && holds(&extents, &frame) && holds(&extents, &geom_bbox(&p.geom))
        });
        if skip {
            continue;
        }
        glyphs.glyphs_drawn = cap_before;
        let mut b = frame;
        for q in glyphs.outline(t, &UNIT, t.height.abs() / 8.0).iter().flatten() {
            b.add_point(Point::xy(f64::from(q[0]), f64::from(q[1])));
        }
        if b.is_empty() {
            b = geom_bbox(&p.geom);
        }
        extents.union(&b);
    }
    extents
}

/// The overlap of two boxes (empty when they do not meet).
fn intersection(a: &BBox2, b: &BBox2) -> BBox2 {
    let r = BBox2 {
        min_x: a.min_x.max(b.min_x),
        min_y: a.min_y.max(b.min_y),
        max_x: a.max_x.min(b.max_x),
        max_y: a.max_y.min(b.max_y),
    };
    if a.is_empty() || b.is_empty() || r.min_x > r.max_x || r.min_y > r.max_y { BBox2::EMPTY } else { r }
}

/// Whether adding `inner` to `outer` would leave `outer` as it is (an empty box adds nothing).
fn holds(outer: &BBox2, inner: &BBox2) -> bool {
    inner.is_empty()
        || (outer.min_x <= inner.min_x
            && outer.min_y <= inner.min_y
            && inner.max_x <= outer.max_x
            && inner.max_y <= outer.max_y)
}

/// Flattens the sheet into drawable primitives (visible layers, visible entities, attributes of inserts),
/// with the clips of the clipped inserts they lie in, and whether a budget cut the expansion.
fn collect<'a>(
    doc: &'a Document,
    entities: &'a EntityList,
    layers: &Layers<'a>,
    linetypes: &NameMap<String, &'a Linetype>,
) -> (Vec<Prim<'a>>, WorldClips, bool) {
    let blocks = doc.block_table();
    let limits = FlattenLimits { budget: MAX_VISITED, expand_annotations: true, ..FlattenLimits::default() };
    let mut prims = Vec::new();
    let mut clips = ClipIndex::default();
    let report = flatten(entities, &blocks, limits, &mut |item| {
        let e = item.entity;
        let clip = clips.index_of(item.clip.as_ref());
        if let Geom::Insert(ins) = &e.geom {
            for a in &ins.attribs {
                let Some(ent) = a.entity.as_deref() else { continue };
                let layer_name = if &*ent.layer == "0" { item.layer } else { &*ent.layer };
                let colour = if ent.colour == ColourSpec::ByBlock { item.colour } else { ent.colour };
                let style =
                    Style { layer: layer_name, colour, linetype: ent.linetype.as_deref(), lineweight: ent.lineweight };
                push_prim(&mut prims, ent, &style, layers, linetypes, clip, || {
                    if item.xform.is_identity() {
                        Cow::Borrowed(&ent.geom)
                    } else {
                        Cow::Owned(transform_geom(&ent.geom, &item.xform))
                    }
                });
            }
            // The clip frame, drawn with the insert's properties over its clipped contents (ezdxf and
            // AutoCAD with `$XCLIPFRAME` on), one per array cell.
            if let (Some(c), Some(block)) = (ins.clip.as_deref().filter(|c| c.frame.len() >= 3), blocks.get(&ins.block))
            {
                let style = Style {
                    layer: item.layer,
                    colour: item.colour,
                    linetype: item.linetype,
                    lineweight: item.lineweight,
                };
                let cells = (0..ins.rows.clamp(1, 32)).flat_map(|r| (0..ins.columns.clamp(1, 32)).map(move |k| (k, r)));
                for (col, row) in cells {
                    let to_sheet = item.xform.then_after(&ins.transform(block.base, col, row));
                    let vertices = c.frame.iter().map(|p| Vertex::at(to_sheet.apply(*p))).collect();
                    let frame = Geom::Polyline { vertices, closed: true, constant_width: 0.0 };
                    push_prim(&mut prims, e, &style, layers, linetypes, clip, || Cow::Owned(frame));
                }
            }
            return;
        }
        // A DIMENSION draws through its block, a MULTILEADER and a proxy through their parts, which the walk
        // visits next.
        if matches!(
            e.geom,
            Geom::Dimension(_) | Geom::MLeader(_) | Geom::Proxy(_) | Geom::Viewport(_) | Geom::Other { .. }
        ) {
            return;
        }
        let style =
            Style { layer: item.layer, colour: item.colour, linetype: item.linetype, lineweight: item.lineweight };
        push_prim(&mut prims, e, &style, layers, linetypes, clip, || {
            if item.xform.is_identity() {
                Cow::Borrowed(&e.geom)
            } else {
                Cow::Owned(transform_geom(&e.geom, &item.xform))
            }
        });
    });
    (prims, clips.world, report.truncated || clips.over)
}

/// Numbers the clip scopes met in the walk: consecutive items of one insert share a scope, nested inserts
/// interleave theirs, so scopes are looked up by identity (each kept alive, so no address is reused).
#[derive(Default)]
struct ClipIndex<'a> {
    scopes: Vec<Arc<ClipScope<'a>>>,
    by_ptr: HashMap<*const ClipScope<'a>, u32>,
    world: WorldClips,
    /// More than [`MAX_CLIPS`] scopes: the rest are drawn unclipped.
    over: bool,
}

impl<'a> ClipIndex<'a> {
    fn index_of(&mut self, scope: Option<&Arc<ClipScope<'a>>>) -> Option<u32> {
        let scope = scope?;
        if let Some(i) = self.by_ptr.get(&Arc::as_ptr(scope)) {
            return Some(*i);
        }
        if self.world.len() >= MAX_CLIPS {
            self.over = true;
            return None;
        }
        let mut regions = Vec::new();
        let mut at = Some(scope);
        while let Some(s) = at {
            regions.push(s.clip.rings.iter().map(|r| r.iter().map(|p| s.to_sheet.apply(*p)).collect()).collect());
            at = s.outer.as_ref();
        }
        let i = self.world.len() as u32;
        self.world.push(regions);
        self.by_ptr.insert(Arc::as_ptr(scope), i);
        self.scopes.push(Arc::clone(scope));
        Some(i)
    }
}

/// An entity's effective (inherited) properties.
struct Style<'s> {
    layer: &'s str,
    colour: ColourSpec,
    linetype: Option<&'s str>,
    lineweight: Option<i16>,
}

/// Adds `e` with its geometry (made only when the entity is drawn) unless it is invisible or its layer hidden.
fn push_prim<'a>(
    prims: &mut Vec<Prim<'a>>,
    e: &Entity,
    style: &Style<'_>,
    layers: &Layers<'a>,
    linetypes: &NameMap<String, &'a Linetype>,
    clip: Option<u32>,
    geom: impl FnOnce() -> Cow<'a, Geom>,
) {
    let layer = layers.get(style.layer);
    if e.invisible || !layers.shows(style.layer, layer) {
        return;
    }
    prims.push(Prim {
        geom: geom(),
        paint: resolve(style.colour, layer),
        lineweight: resolve_lineweight(style.lineweight, layer),
        linetype: resolve_linetype(style.linetype, layer, linetypes),
        clip,
    });
}

/// 1/100 mm: the entity's own weight, else its layer's; ByBlock left at top level and "default" are
/// [`DEFAULT_LINEWEIGHT`].
pub fn resolve_lineweight(own: Option<i16>, layer: Option<&Layer>) -> i16 {
    let lw = own.unwrap_or_else(|| layer.map_or(-3, |l| l.lineweight));
    if lw >= 0 { lw.min(211) } else { DEFAULT_LINEWEIGHT }
}

/// Lineweight in pixels by the fixed plot scale, at least one pixel.
pub fn lineweight_px(lw: i16) -> f64 {
    (f64::from(lw) / 100.0 * PX_PER_MM).max(1.0)
}

fn resolve_linetype<'a>(
    own: Option<&str>,
    layer: Option<&Layer>,
    linetypes: &NameMap<String, &'a Linetype>,
) -> Option<&'a Linetype> {
    let name = match own {
        None => layer.map(|l| l.linetype.as_str())?,
        Some(n) if n.eq_ignore_ascii_case("BYLAYER") => layer.map(|l| l.linetype.as_str())?,
        Some(n) => n,
    };
    // Upper-cased on the stack: this runs per entity, and nearly every name is short.
    let mut buf = [0u8; 64];
    let lt = match buf.get_mut(..name.len()) {
        Some(upper) => {
            upper.copy_from_slice(name.as_bytes());
            upper.make_ascii_uppercase();
            // ASCII upper-casing keeps UTF-8 valid; the fallback is never taken.
            linetypes.get(std::str::from_utf8(upper).unwrap_or(name))?
        }
        None => linetypes.get(&name.to_ascii_uppercase())?,
    };
    let total: f64 = lt.pattern.iter().map(|d| d.abs()).sum();
    (lt.pattern.len() >= 2 && total.is_finite() && total > 0.0).then_some(*lt)
}

/// A linetype pattern (drawing units: + dash, − gap, 0 dot) scaled by `k` pixels per unit, as alternating
/// on/off lengths for the rasteriser; `None` (draw continuous) when a dash or gap would be under
/// [`MIN_DASH_PX`] or the pattern has no gap.
pub fn dash_px(pattern: &[f64], k: f64) -> Option<Vec<f32>> {
    const DOT_PX: f64 = 0.5;
    let mut out: Vec<f64> = Vec::new();
    for &e in pattern {
        if !e.is_finite() {
            return None;
        }
        let on = e >= 0.0;
        let len = if e == 0.0 { DOT_PX } else { e.abs() * k };
        if e != 0.0 && len < MIN_DASH_PX {
            return None;
        }
        let next_is_on = out.len() % 2 == 0;
        match (on == next_is_on, out.last_mut()) {
            (true, _) => out.push(len),
            (false, Some(last)) => *last += len,
            // A pattern that starts with a gap: an empty dash first.
            (false, None) => out.extend([0.0, len]),
        }
    }
    if out.len() % 2 == 1 {
        // Ends with a dash: it joins the first dash (the pattern repeats).
        let last = out.pop().unwrap_or(0.0);
        if let Some(first) = out.first_mut() {
            *first += last;
        }
    }
    (out.len() >= 2).then(|| out.into_iter().map(|v| v as f32).collect())
}

struct Builder<'d> {
    doc: &'d Document,
    bg: Rgb,
    fit: Fit,
    tol: f64,
    text: TextEngine,
    fills: Vec<Item>,
    strokes: Vec<Item>,
    points: usize,
    truncated: bool,
    /// The clip of the primitive being drawn.
    clip: Option<u32>,
}

impl<'d> Builder<'d> {
    fn new(doc: &'d Document, opts: &RenderOptions, fit: Fit) -> Self {
        Builder {
            doc,
            bg: opts.background.effective(),
            fit,
            tol: fit.tolerance(),
            text: TextEngine::new(MAX_GLYPHS).greeking_below(super::text::GREEK_PX),
            fills: Vec::new(),
            strokes: Vec::new(),
            points: 0,
            truncated: false,
            clip: None,
        }
    }

    fn draw(&mut self, p: &Prim<'_>) {
        self.clip = p.clip;
        let colour = display(p.paint, self.bg);
        let width = lineweight_px(p.lineweight);
        match &*p.geom {
            Geom::Point { position } => {
                let [x, y] = self.fit.px(*position);
                let r = (width as f32 / 2.0).max(0.75);
                let ring = vec![[x - r, y - r], [x + r, y - r], [x + r, y + r], [x - r, y + r]];
                self.fill(colour, vec![ring], FillRule::NonZero);
            }
            Geom::Line { start, end } => self.stroke_world(p, colour, width, vec![*start, *end]),
            Geom::Polyline { vertices, closed, .. } if tapers(vertices) => {
                let quads = self.tapered_segments(vertices, *closed, width);
                self.fill(colour, quads, FillRule::NonZero);
            }
            Geom::Polyline { vertices, closed, constant_width } => {
                let pts = self.polyline_points(vertices, *closed);
                let w = vertices.iter().map(|v| v.start_width.max(v.end_width)).fold(*constant_width, f64::max);
                let w_px = if w.is_finite() && w > 0.0 { (w * self.fit.scale).clamp(width, 4096.0) } else { width };
                self.stroke_world(p, colour, w_px, pts);
            }
            Geom::Circle { center, radius } => {
                let pts = self.ellipse_points(*center, Point::xy(radius.abs(), 0.0), 1.0, 0.0, TAU);
                self.stroke_world(p, colour, width, pts);
            }
            Geom::Arc { center, radius, start, end } => {
                let pts = self.ellipse_points(
                    *center,
                    Point::xy(radius.abs(), 0.0),
                    1.0,
                    *start,
                    *start + ccw_sweep(*start, *end),
                );
                self.stroke_world(p, colour, width, pts);
            }
            Geom::Ellipse(el) => {
                let crate::model::EllipseGeom { center, major, ratio, start, end } = **el;
                let pts = self.ellipse_points(center, major, ratio, start, start + ccw_sweep(start, end));
                self.stroke_world(p, colour, width, pts);
            }
            Geom::Spline(s) => {
                let crate::model::SplineGeom { degree, knots, ctrl, weights, fit, closed } = &**s;
                let mut pts = if spline_is_valid(*degree, knots, ctrl) {
                    sample_spline(*degree, knots, ctrl, weights.as_deref(), self.tol)
                } else if !fit.is_empty() {
                    fit.clone()
                } else {
                    ctrl.clone()
                };
                if *closed {
                    close(&mut pts);
                }
                self.stroke_world(p, colour, width, pts);
            }
            Geom::Text(t) => {
                let rings = self.text.outline(t, &self.fit.map2(), TOLERANCE_PX);
                self.fill(colour, rings, FillRule::NonZero);
                if let Some(corners) = frame_corners(t) {
                    let mut pts = corners.to_vec();
                    close(&mut pts);
                    self.stroke_world(p, colour, width, pts);
                }
            }
            Geom::Hatch(h) => {
                let rings: Vec<Vec<[f32; 2]>> = h
                    .loops
                    .iter()
                    .map(|edges| self.px_path(&self.loop_points(edges)))
                    .filter(|r| r.len() > 2)
                    .collect();
                if h.solid || h.gradient {
                    self.fill(colour, rings, FillRule::EvenOdd);
                } else if !self.pattern_lines(colour, width, &rings, &h.pattern_lines) {
                    self.fill(tint(colour, self.bg), rings, FillRule::EvenOdd);
                }
            }
            Geom::Face { vertices, filled } => {
                if *filled {
                    let ring = self.px_path(vertices);
                    self.fill(colour, vec![ring], FillRule::EvenOdd);
                } else {
                    let mut pts = vertices.clone();
                    close(&mut pts);
                    self.stroke_world(p, colour, width, pts);
                }
            }
            Geom::Paths { paths } => {
                for path in paths {
                    self.stroke_world(p, colour, width, path.clone());
                }
            }
            Geom::Image { outline, wipeout, .. } => {
                if *wipeout {
                    let ring = self.px_path(outline);
                    self.fill(self.bg, vec![ring], FillRule::EvenOdd);
                } else {
                    let mut pts = outline.clone();
                    close(&mut pts);
                    self.stroke_world(p, colour, width, pts);
                }
            }
            Geom::Infinite { base, direction, both_ways } => {
                if let Some(seg) = self.clip_infinite(*base, *direction, *both_ways) {
                    self.stroke_px(colour, width, None, seg);
                }
            }
            Geom::Leader(l) => {
                let vs = &l.vertices;
                let pts = match (l.spline, vs.len()) {
                    (true, n) if n >= 3 => {
                        fit_spline_points(vs, vs[1].minus(vs[0]), vs[n - 1].minus(vs[n - 2]), self.tol)
                    }
                    _ => vs.clone(),
                };
                let mut pts = pts;
                pts.extend(l.hook);
                self.stroke_world(p, colour, width, pts);
                if let Some(tri) = l.arrow_triangle() {
                    let ring = self.px_path(&tri);
                    self.fill(colour, vec![ring], FillRule::NonZero);
                }
            }
            Geom::Insert(_)
            | Geom::Dimension(_)
            | Geom::MLeader(_)
            | Geom::Proxy(_)
            | Geom::Viewport(_)
            | Geom::Other { .. } => {}
        }
    }

    fn polyline_points(&self, vertices: &[Vertex], closed: bool) -> Vec<Point> {
        let n = vertices.len();
        let mut pts = Vec::with_capacity(n + 1);
        let Some(first) = vertices.first() else { return pts };
        pts.push(first.p);
        let segs = if closed { n } else { n.saturating_sub(1) };
        for i in 0..segs {
            let (a, b) = (vertices[i], vertices[(i + 1) % n]);
            flatten_bulge(a.p, b.p, a.bulge, self.tol, &mut pts);
        }
        pts
    }

    /// A polyline whose widths vary (arrowheads, tapers) as one filled quadrilateral per segment, its
    /// start and end width across the ends; a bulged segment is a quad strip along its arc with the width
    /// interpolated. Widths never go below the lineweight, so a zero-width end stays visible.
    fn tapered_segments(&self, vertices: &[Vertex], closed: bool, min_px: f64) -> Vec<Vec<[f32; 2]>> {
        let n = vertices.len();
        let segs = if closed { n } else { n.saturating_sub(1) };
        let mut quads = Vec::with_capacity(segs);
        for i in 0..segs {
            let (a, b) = (vertices[i], vertices[(i + 1) % n]);
            let mut pts = vec![a.p];
            flatten_bulge(a.p, b.p, a.bulge, self.tol, &mut pts);
            let px: Vec<(f64, f64)> = pts.iter().map(|q| self.fit.px64(*q)).collect();
            let half = |w: f64| (w * self.fit.scale).clamp(min_px, 4096.0) / 2.0;
            let (h0, h1) = (half(a.start_width), half(a.end_width));
            let last = px.len().saturating_sub(1).max(1) as f64;
            let (mut left, mut right) = (Vec::new(), Vec::new());
            for (k, q) in px.iter().enumerate() {
                // Direction at this point: along the chord to the next point (or from the previous one).
                let (p0, p1) = if k + 1 < px.len() { (*q, px[k + 1]) } else { (px[k.saturating_sub(1)], *q) };
                let (dx, dy) = (p1.0 - p0.0, p1.1 - p0.1);
                let len = dx.hypot(dy);
                if !(len > 0.0 && len.is_finite()) {
                    continue;
                }
                let h = h0 + (h1 - h0) * k as f64 / last;
                let (nx, ny) = (-dy / len * h, dx / len * h);
                left.push([(q.0 + nx) as f32, (q.1 + ny) as f32]);
                right.push([(q.0 - nx) as f32, (q.1 - ny) as f32]);
            }
            right.reverse();
            left.append(&mut right);
            quads.push(left);
        }
        quads
    }

    /// Points of an elliptical arc from parameter `t0` to `t1` (CCW, `t1 ≥ t0`). Uniform steps in the
    /// parameter sized for a circle of the major radius keep the chord error within tolerance everywhere
    /// (at the ends of the major axis the speed is b and the curvature a/b², so the error is a·Δt²/8 there too).
    fn ellipse_points(&self, c: Point, major: Point, ratio: f64, t0: f64, t1: f64) -> Vec<Point> {
        let a = major.x.hypot(major.y);
        let ratio = if ratio.is_finite() { ratio.clamp(-1.0, 1.0) } else { 1.0 };
        let minor = Point::xy(-major.y * ratio, major.x * ratio);
        let n = arc_segments(a, t1 - t0, self.tol);
        (0..=n)
            .map(|i| {
                let t = t0 + (t1 - t0) * i as f64 / n as f64;
                let (s, co) = t.sin_cos();
                Point::xy(c.x + major.x * co + minor.x * s, c.y + major.y * co + minor.y * s)
            })
            .collect()
    }

    /// A boundary loop as one ring. Writers do not always store edges head to tail (a spline edge often runs
    /// backwards), so each edge is turned round when its far end is the nearer one to where the ring stands;
    /// otherwise the ring would cross itself and even-odd filling would cut slivers out of it.
    fn loop_points(&self, edges: &[HatchEdge]) -> Vec<Point> {
        let mut pts: Vec<Point> = Vec::new();
        for e in edges {
            let mut edge = self.edge_points(e);
            if let (Some(at), Some(first), Some(last)) = (pts.last(), edge.first(), edge.last()) {
                if at.distance(*last) < at.distance(*first) {
                    edge.reverse();
                }
            }
            pts.append(&mut edge);
        }
        pts
    }

    fn edge_points(&self, e: &HatchEdge) -> Vec<Point> {
        match e {
            HatchEdge::Polyline { vertices, closed } => self.polyline_points(vertices, *closed),
            HatchEdge::Line { start, end } => vec![*start, *end],
            HatchEdge::Arc { center, radius, start, end, ccw } => {
                self.edge_arc(*center, Point::xy(radius.abs(), 0.0), 1.0, *start, *end, *ccw)
            }
            HatchEdge::Ellipse { center, major, ratio, start, end, ccw } => {
                self.edge_arc(*center, *major, *ratio, *start, *end, *ccw)
            }
            HatchEdge::Spline { degree, knots, ctrl, weights } => {
                if spline_is_valid(*degree, knots, ctrl) {
                    sample_spline(*degree, knots, ctrl, weights.as_deref(), self.tol)
                } else {
                    ctrl.clone()
                }
            }
        }
    }

    /// A hatch edge arc in its traversal direction (clockwise edges run from `start` down to `end`).
    fn edge_arc(&self, c: Point, major: Point, ratio: f64, start: f64, end: f64, ccw: bool) -> Vec<Point> {
        if ccw {
            self.ellipse_points(c, major, ratio, start, start + ccw_sweep(start, end))
        } else {
            self.ellipse_points(c, major, ratio, start - ccw_sweep(end, start), start).into_iter().rev().collect()
        }
    }

    /// The part of an XLINE/RAY inside the image (plus a little), in pixels.
    fn clip_infinite(&self, base: Point, dir: Point, both_ways: bool) -> Option<Vec<[f32; 2]>> {
        let (bx, by) = self.fit.px64(base);
        let (dx, dy) = (dir.x * self.fit.scale, -dir.y * self.fit.scale);
        let len = dx.hypot(dy);
        if !(len > 0.0 && len.is_finite() && bx.is_finite() && by.is_finite()) {
            return None;
        }
        let (ux, uy) = (dx / len, dy / len);
        let (w, h) = self.fit.size;
        // Liang–Barsky against the image grown by 2 px.
        let (mut t0, mut t1) = (if both_ways { f64::NEG_INFINITY } else { 0.0 }, f64::INFINITY);
        for (p, q) in [(-ux, bx + 2.0), (ux, w + 2.0 - bx), (-uy, by + 2.0), (uy, h + 2.0 - by)] {
            if p == 0.0 {
                if q < 0.0 {
                    return None;
                }
            } else if p < 0.0 {
                t0 = t0.max(q / p);
            } else {
                t1 = t1.min(q / p);
            }
        }
        (t0 < t1 && t0.is_finite() && t1.is_finite()).then(|| {
            vec![[(bx + ux * t0) as f32, (by + uy * t0) as f32], [(bx + ux * t1) as f32, (by + uy * t1) as f32]]
        })
    }

    /// Draws a pattern hatch as its line families clipped to the rings (even-odd), solid (dashes within a
    /// family are not drawn yet). Returns false — draw a light fill instead — when there are no families,
    /// or the lines would be closer than [`MIN_PATTERN_SPACING_PX`] or more than [`MAX_PATTERN_LINES`].
    fn pattern_lines(&mut self, colour: Rgb, width: f64, rings: &[Vec<[f32; 2]>], families: &[PatternLine]) -> bool {
        let plans: Option<Vec<_>> = families.iter().map(|f| self.pattern_plan(f, rings)).collect();
        let Some(plans) = plans.filter(|p| !p.is_empty()) else { return false };
        if plans.iter().map(|p| p.count).sum::<i64>() > MAX_PATTERN_LINES {
            return false;
        }
        let mut pieces = 0usize;
        for plan in plans {
            for k in plan.first..plan.first + plan.count {
                let origin = (plan.base.0 + k as f64 * plan.offset.0, plan.base.1 + k as f64 * plan.offset.1);
                for seg in clip_line(origin, plan.dir, rings) {
                    let dashes = plan.dashes.as_deref().filter(|_| pieces < MAX_PATTERN_DASHES);
                    for piece in dash_segment(seg, dashes) {
                        pieces += 1;
                        let at = |u: f64| [(origin.0 + u * plan.dir.0) as f32, (origin.1 + u * plan.dir.1) as f32];
                        self.stroke_px(colour, width, None, vec![at(piece.0), at(piece.1)]);
                    }
                }
            }
        }
        true
    }

    /// Where one family's lines fall over the rings, in pixels; `None` when the family cannot be drawn.
    fn pattern_plan(&self, f: &PatternLine, rings: &[Vec<[f32; 2]>]) -> Option<PatternPlan> {
        let a = f.angle_deg.to_radians();
        let dir = (a.cos(), -a.sin());
        let base = self.fit.px64(f.base);
        let offset = (f.offset.x * self.fit.scale, -f.offset.y * self.fit.scale);
        // Spacing between neighbouring lines: the offset's component across the line direction.
        let spacing = dir.0 * offset.1 - dir.1 * offset.0;
        if !(spacing.abs() >= MIN_PATTERN_SPACING_PX && spacing.is_finite() && base.0.is_finite() && base.1.is_finite())
        {
            return None;
        }
        let normal = (-dir.1, dir.0);
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for p in rings.iter().flatten() {
            let d = (f64::from(p[0]) - base.0) * normal.0 + (f64::from(p[1]) - base.1) * normal.1;
            lo = lo.min(d);
            hi = hi.max(d);
        }
        if !(lo.is_finite() && hi.is_finite()) {
            return None;
        }
        // Line k lies at normal distance k · spacing from the base.
        let (k0, k1) = ((lo / spacing).min(hi / spacing).floor(), (lo / spacing).max(hi / spacing).ceil());
        let count = k1 - k0 + 1.0;
        if count > MAX_PATTERN_LINES as f64 {
            return None;
        }
        let dashes = dash_px(&f.dashes, self.fit.scale).map(|d| d.into_iter().map(f64::from).collect());
        Some(PatternPlan { base, dir, offset, first: k0 as i64, count: count as i64, dashes })
    }

    fn px_path(&self, pts: &[Point]) -> Vec<[f32; 2]> {
        pts.iter().map(|p| self.fit.px(*p)).filter(|p| p[0].is_finite() && p[1].is_finite()).collect()
    }

    fn stroke_world(&mut self, p: &Prim<'_>, colour: Rgb, width: f64, pts: Vec<Point>) {
        let path = self.px_path(&pts);
        let k = self.fit.scale
            * if self.doc.ltscale.is_finite() && self.doc.ltscale > 0.0 { self.doc.ltscale } else { 1.0 };
        let dash = p.linetype.and_then(|lt| dash_px(&lt.pattern, k)).filter(|d| {
            let period: f32 = d.iter().sum();
            let length: f32 = path.windows(2).map(|w| (w[1][0] - w[0][0]).hypot(w[1][1] - w[0][1])).sum();
            f64::from(length / period.max(1e-3)) <= MAX_DASHES
        });
        self.stroke_px(colour, width, dash, path);
    }

    fn stroke_px(&mut self, colour: Rgb, width: f64, dash: Option<Vec<f32>>, path: Vec<[f32; 2]>) {
        if path.len() < 2 {
            return;
        }
        self.points += path.len();
        let width = width as f32;
        let clip = self.clip;
        if let Some(Item { colour: c, shape: Shape::Stroke { paths, width: w, dash: d }, clip: k }) =
            self.strokes.last_mut()
        {
            if *c == colour && *w == width && *d == dash && *k == clip {
                paths.push(path);
                return;
            }
        }
        self.strokes.push(Item { colour, shape: Shape::Stroke { paths: vec![path], width, dash }, clip });
    }

    fn fill(&mut self, colour: Rgb, rings: Vec<Vec<[f32; 2]>>, rule: FillRule) {
        let mut rings: Vec<Vec<[f32; 2]>> = rings.into_iter().filter(|r| r.len() > 2).collect();
        if rings.is_empty() {
            return;
        }
        self.points += rings.iter().map(Vec::len).sum::<usize>();
        let clip = self.clip;
        if let Some(Item { colour: c, shape: Shape::Fill { rings: existing, rule: r }, clip: k }) =
            self.fills.last_mut()
        {
            // Even-odd fills of separate entities must not merge (overlaps would punch holes).
            if *c == colour && *r == rule && rule == FillRule::NonZero && *k == clip {
                existing.append(&mut rings);
                return;
            }
        }
        self.fills.push(Item { colour, shape: Shape::Fill { rings, rule }, clip });
    }
}

/// One pattern line family laid over a hatch, in pixels: line k passes through `base + k · offset`.
struct PatternPlan {
    base: (f64, f64),
    dir: (f64, f64),
    offset: (f64, f64),
    first: i64,
    count: i64,
    /// On/off lengths in pixels from each line's origin, when the dashes are ≥ 2 px.
    dashes: Option<Vec<f64>>,
}

/// The dashes of the piece `(u0, u1)` of a pattern line whose pattern starts at `u = 0`; the piece whole
/// when there is no pattern.
fn dash_segment((u0, u1): (f64, f64), dashes: Option<&[f64]>) -> Vec<(f64, f64)> {
    let Some(d) = dashes else { return vec![(u0, u1)] };
    let period: f64 = d.iter().sum();
    if !(period > 0.0 && period.is_finite()) {
        return vec![(u0, u1)];
    }
    let mut out = Vec::new();
    // Start at the pattern repeat at or before u0.
    let mut u = u0 - u0.rem_euclid(period);
    'repeats: while u < u1 {
        for (i, len) in d.iter().enumerate() {
            let (a, b) = (u, u + len);
            if i % 2 == 0 && b > u0 && a < u1 {
                // A dot (tiny dash) keeps its own length so round caps draw it.
                out.push((a.max(u0), b.min(u1)));
            }
            u = b;
            if u >= u1 {
                break 'repeats;
            }
        }
    }
    out
}

/// The pieces of the line through `origin` along unit `dir` that lie inside `rings` by the even-odd rule,
/// as distances along the line from `origin`.
fn clip_line(origin: (f64, f64), dir: (f64, f64), rings: &[Vec<[f32; 2]>]) -> Vec<(f64, f64)> {
    let normal = (-dir.1, dir.0);
    let mut hits: Vec<f64> = Vec::new();
    for ring in rings {
        let n = ring.len();
        for i in 0..n {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            let (ax, ay, bx, by) = (f64::from(a[0]), f64::from(a[1]), f64::from(b[0]), f64::from(b[1]));
            let sa = (ax - origin.0) * normal.0 + (ay - origin.1) * normal.1;
            let sb = (bx - origin.0) * normal.0 + (by - origin.1) * normal.1;
            // Half-open test so a vertex exactly on the line counts once.
            if (sa > 0.0) != (sb > 0.0) {
                let t = sa / (sa - sb);
                let (x, y) = (ax + t * (bx - ax), ay + t * (by - ay));
                hits.push((x - origin.0) * dir.0 + (y - origin.1) * dir.1);
            }
        }
    }
    hits.sort_by(f64::total_cmp);
    hits.chunks_exact(2).filter(|p| p[1] > p[0]).map(|p| (p[0], p[1])).collect()
}

/// Whether a polyline's width changes along it (an arrowhead or a taper), which a stroke cannot draw.
fn tapers(vertices: &[Vertex]) -> bool {
    vertices.iter().any(|v| v.start_width != v.end_width && v.start_width.is_finite() && v.end_width.is_finite())
}

fn close(pts: &mut Vec<Point>) {
    if let (Some(first), Some(last)) = (pts.first().copied(), pts.last().copied()) {
        if first != last {
            pts.push(first);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FileFormat, Sheet, Source};

    fn doc_with(entities: Vec<Entity>) -> Document {
        let mut doc = Document::new(Source::new(FileFormat::Dxf, 0));
        doc.layers.push(Layer::new("0"));
        doc.sheets.push(Sheet { name: "Model".into(), entities: entities.into(), ..Sheet::default() });
        doc
    }

    #[test]
    fn fit_maps_extents_into_the_margin_with_y_up() {
        let b = BBox2 { min_x: 0.0, min_y: 0.0, max_x: 200.0, max_y: 100.0 };
        let fit = Fit::new(&b, 1000, 1000);
        // Width limits: 960 px (20 px margins) for 200 units.
        assert!((fit.scale - 4.8).abs() < 1e-12);
        assert_eq!(fit.px(Point::xy(0.0, 0.0)), [20.0, 740.0]);
        assert_eq!(fit.px(Point::xy(200.0, 100.0)), [980.0, 260.0]);
        let m = fit.map2().apply(200.0, 100.0);
        assert!((m.0 - 980.0).abs() < 1e-9 && (m.1 - 260.0).abs() < 1e-9);
        // The margin is a share of the shorter side on both axes: 2 % of 768 px is 15.36 px each side.
        let wide = Fit::new(&b, 1024, 768);
        assert!((wide.scale - (1024.0 - 2.0 * 15.36) / 200.0).abs() < 1e-12);
        // A single point: centred at one unit per pixel.
        let mut p = BBox2::EMPTY;
        p.add_point(Point::xy(5.0, 5.0));
        assert_eq!(Fit::new(&p, 100, 50).px(Point::xy(6.0, 5.0)), [51.0, 25.0]);
    }

    #[test]
    fn circle_chords_stay_within_a_quarter_pixel() {
        let circle = Entity::new("CIRCLE", Geom::Circle { center: Point::xy(0.0, 0.0), radius: 10.0 });
        let opts = RenderOptions { width: 500, height: 500, ..RenderOptions::default() };
        let scene = build_scene(&doc_with(vec![circle]), &opts).expect("a 2D scene");
        let Shape::Stroke { paths, .. } = &scene.items[0].shape else { panic!("a stroke") };
        let (cx, cy, r) = (250.0f64, 250.0f64, 10.0 * scene.fit.scale);
        assert!((r - 240.0).abs() < 1e-9);
        let mut worst = 0.0f64;
        for w in paths[0].windows(2) {
            let mid =
                ((f64::from(w[0][0]) + f64::from(w[1][0])) / 2.0, (f64::from(w[0][1]) + f64::from(w[1][1])) / 2.0);
            worst = worst.max(r - (mid.0 - cx).hypot(mid.1 - cy));
        }
        assert!(worst <= TOLERANCE_PX + 1e-3 && worst > 0.1, "chord error {worst}");
    }

    #[test]
    fn dash_patterns_scale_merge_and_drop_below_two_pixels() {
        // DASHED: 0.5 dash, −0.25 gap; at 10 px per unit → 5, 2.5.
        assert_eq!(dash_px(&[0.5, -0.25], 10.0), Some(vec![5.0, 2.5]));
        // Starting with a gap, ending with a dash, dots as half a pixel.
        assert_eq!(dash_px(&[-0.25, 0.5, -0.25, 0.0], 10.0), Some(vec![0.5, 2.5, 5.0, 2.5]));
        assert_eq!(dash_px(&[0.5, -0.25], 4.0), None);
        assert_eq!(dash_px(&[0.5], 100.0), None);
    }

    #[test]
    fn lineweights_resolve_through_the_layer_and_default() {
        let mut layer = Layer::new("A");
        layer.lineweight = 50;
        assert_eq!(resolve_lineweight(None, Some(&layer)), 50);
        assert_eq!(resolve_lineweight(Some(-2), Some(&layer)), DEFAULT_LINEWEIGHT);
        assert_eq!(resolve_lineweight(Some(100), Some(&layer)), 100);
        assert_eq!(lineweight_px(0), 1.0);
        assert!((lineweight_px(100) - 3.7795).abs() < 1e-3);
    }

    #[test]
    fn an_empty_model_space_falls_back_to_the_first_drawn_layout() {
        let mut doc = doc_with(vec![]);
        let line = Entity::new("LINE", Geom::Line { start: Point::xy(0.0, 0.0), end: Point::xy(1.0, 1.0) });
        doc.sheets.push(Sheet { name: "Layout1".into(), entities: vec![line].into(), ..Sheet::default() });
        let scene = build_scene(&doc, &RenderOptions::default()).expect("a scene");
        assert_eq!(scene.point_count(), 2);
        // An explicit sheet is drawn as asked, empty or not.
        doc.sheets.swap(0, 1);
        assert_eq!(
            build_scene(&doc, &RenderOptions { sheet: 1, ..RenderOptions::default() }).map(|s| s.point_count()),
            Some(0)
        );
    }

    #[test]
    fn hatch_edges_stored_backwards_are_turned_round() {
        let doc = doc_with(vec![]);
        let fit = Fit::new(&BBox2 { min_x: 0.0, min_y: 0.0, max_x: 10.0, max_y: 10.0 }, 100, 100);
        let b = Builder::new(&doc, &RenderOptions::default(), fit);
        let line =
            |a: (f64, f64), c: (f64, f64)| HatchEdge::Line { start: Point::xy(a.0, a.1), end: Point::xy(c.0, c.1) };
        // The second edge runs (10,10) → (10,0): against the loop.
        let edges = [line((0.0, 0.0), (10.0, 0.0)), line((10.0, 10.0), (10.0, 0.0)), line((10.0, 10.0), (0.0, 10.0))];
        let ring: Vec<(f64, f64)> = b.loop_points(&edges).iter().map(|p| (p.x, p.y)).collect();
        assert_eq!(ring, [(0.0, 0.0), (10.0, 0.0), (10.0, 0.0), (10.0, 10.0), (10.0, 10.0), (0.0, 10.0)]);
    }

    #[test]
    fn a_tapered_polyline_is_a_filled_arrowhead() {
        // 10 units long, 4 wide at the start, 0 at the end: an arrowhead pointing +x.
        let mut v0 = Vertex::at(Point::xy(0.0, 0.0));
        v0.start_width = 4.0;
        let arrow =
            Geom::Polyline { vertices: vec![v0, Vertex::at(Point::xy(10.0, 0.0))], closed: false, constant_width: 0.0 };
        let opts = RenderOptions { width: 200, height: 200, ..RenderOptions::default() };
        let scene = build_scene(&doc_with(vec![Entity::new("LWPOLYLINE", arrow)]), &opts).expect("a scene");
        let Shape::Fill { rings, .. } = &scene.items[0].shape else { panic!("a fill, not a stroke") };
        let s = scene.fit.scale as f32;
        // Start: ±2 units across; end: half the 1 px lineweight.
        let ys: Vec<f32> = rings[0].iter().map(|p| p[1]).collect();
        let spread = ys.iter().fold(f32::MIN, |m, y| m.max(*y)) - ys.iter().fold(f32::MAX, |m, y| m.min(*y));
        assert!((spread - 4.0 * s).abs() < 1e-3, "{spread} vs {}", 4.0 * s);
        let end_ys: Vec<f32> = rings[0].iter().filter(|p| p[0] > 100.0).map(|p| p[1]).collect();
        assert!((end_ys[0] - end_ys[1]).abs() - 1.0 < 1e-3, "{end_ys:?}");
    }

    #[test]
    fn pattern_lines_are_clipped_even_odd() {
        // A 10×10 square with a 4×4 hole; a horizontal line through the middle crosses both.
        let outer = vec![[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]];
        let hole = vec![[3.0, 3.0], [7.0, 3.0], [7.0, 7.0], [3.0, 7.0]];
        let segs = clip_line((-5.0, 5.0), (1.0, 0.0), &[outer, hole]);
        assert_eq!(segs, vec![(5.0, 8.0), (12.0, 15.0)]);
        // Dashes 3 on, 2 off from u = 0: over 5..15 the dashes are 5..8 (from the 5..8 repeat) and 10..13.
        assert_eq!(dash_segment((5.0, 15.0), Some(&[3.0, 2.0])), vec![(5.0, 8.0), (10.0, 13.0)]);
        assert_eq!(dash_segment((6.0, 7.0), Some(&[3.0, 2.0])), vec![(6.0, 7.0)]);
        assert_eq!(dash_segment((1.0, 2.0), None), vec![(1.0, 2.0)]);
    }

    #[test]
    fn hostile_geometry_is_bounded_and_does_not_panic() {
        let nan = f64::NAN;
        let huge = 1e300;
        let text = crate::model::TextGeom { value: "W".repeat(50_000), height: 1.0, ..Default::default() };
        let entities = vec![
            Entity::new("LINE", Geom::Line { start: Point::xy(nan, 0.0), end: Point::xy(1.0, huge) }),
            Entity::new("CIRCLE", Geom::Circle { center: Point::xy(0.0, 0.0), radius: huge }),
            Entity::new("ARC", Geom::Arc { center: Point::xy(0.0, 0.0), radius: nan, start: nan, end: 1.0 }),
            Entity::new(
                "ELLIPSE",
                Geom::Ellipse(Box::new(crate::model::EllipseGeom {
                    center: Point::ZERO,
                    major: Point::xy(1.0, 0.0),
                    ratio: nan,
                    start: 0.0,
                    end: huge,
                })),
            ),
            Entity::new(
                "SPLINE",
                Geom::Spline(Box::new(crate::model::SplineGeom {
                    degree: 3,
                    knots: vec![0.0, nan, 1.0],
                    ctrl: vec![Point::ZERO; 2],
                    weights: None,
                    fit: vec![],
                    closed: true,
                })),
            ),
            Entity::new("TEXT", Geom::Text(Box::new(text))),
            Entity::new("XLINE", Geom::Infinite { base: Point::ZERO, direction: Point::ZERO, both_ways: true }),
        ];
        let scene = build_scene(&doc_with(entities), &RenderOptions::default()).expect("a scene");
        assert!(scene.point_count() <= MAX_POINTS + 100_000);
        assert!(super::super::raster::to_png(&scene).is_ok());
        // 10 000 characters per string at most are laid out (and the cap is counted in glyphs).
        let mut many = Vec::new();
        for i in 0..30 {
            let t = crate::model::TextGeom {
                value: "W".repeat(10_000),
                height: 1.0,
                position: Point::xy(0.0, f64::from(i)),
                ..Default::default()
            };
            many.push(Entity::new("TEXT", Geom::Text(Box::new(t))));
        }
        let scene = build_scene(&doc_with(many), &RenderOptions { width: 64, height: 64, ..RenderOptions::default() })
            .expect("a scene");
        assert!(scene.truncated, "200 000 glyphs is the cap, 300 000 were asked for");
    }

    #[test]
    fn text_extents_skip_only_texts_that_change_nothing() {
        // Every text flattened, as the extents were computed before texts inside the drawing were skipped.
        fn flatten_all(prims: &[Prim<'_>]) -> BBox2 {
            const UNIT: Map2 = Map2 { a: 1.0, b: 0.0, c: 0.0, d: 1.0, e: 0.0, f: 0.0 };
            let mut glyphs = TextEngine::new(MAX_GLYPHS);
            let mut extents = BBox2::EMPTY;
            for p in prims {
                let mut b = BBox2::EMPTY;
                if let Geom::Text(t) = &*p.geom {
                    for q in glyphs.outline(t, &UNIT, t.height.abs() / 8.0).iter().flatten() {
                        b.add_point(Point::xy(f64::from(q[0]), f64::from(q[1])));
                    }
                    frame_corners(t).into_iter().flatten().for_each(|q| b.add_point(q));
                }
                if b.is_empty() {
                    b = geom_bbox(&p.geom);
                }
                extents.union(&b);
            }
            extents
        }
        let text = |x: f64, y: f64, rotation_deg: f64, value: &str| {
            let t = crate::model::TextGeom {
                value: value.into(),
                height: 2.0,
                position: Point::xy(x, y),
                rotation_deg,
                ..Default::default()
            };
            Entity::new("TEXT", Geom::Text(Box::new(t)))
        };
        // A 100 × 100 square; labels well inside, labels over its right and top edges (turned), an empty one.
        let mut entities =
            vec![Entity::new("LINE", Geom::Line { start: Point::xy(0.0, 0.0), end: Point::xy(100.0, 100.0) })];
        for i in 0..40 {
            let k = f64::from(i);
            entities.push(text(10.0 + k, 10.0 + k, k * 9.0, "Wg"));
        }
        entities.push(text(97.0, 50.0, 0.0, "Wide"));
        entities.push(text(50.0, 99.0, 30.0, "jQ"));
        entities.push(text(20.0, 20.0, 0.0, "  "));
        let doc = doc_with(entities);
        let layers = Layers::new(&doc, None);
        let (prims, clips, _) = collect(&doc, &doc.sheets[0].entities, &layers, &NameMap::default());
        let extents = drawn_extents(&prims, &clips);
        assert_eq!(extents, flatten_all(&prims));
        // The edge labels grew it: "Wide" past x = 100 by its glyphs, "jQ" above y = 100.
        assert!(extents.max_x > 103.0 && extents.max_y > 101.5 && extents.min_x == 0.0, "{extents:?}");
    }

    #[test]
    fn off_layers_and_the_layer_filter_hide_entities() {
        let mut a = Entity::new("LINE", Geom::Line { start: Point::xy(0.0, 0.0), end: Point::xy(1.0, 1.0) });
        a.layer = "A".into();
        let mut b = a.clone();
        b.layer = "B".into();
        let mut doc = doc_with(vec![a, b]);
        let mut off = Layer::new("B");
        off.on = false;
        doc.layers.extend([Layer::new("A"), off]);
        let count = |opts: &RenderOptions| build_scene(&doc, opts).map_or(0, |s| s.point_count());
        assert_eq!(count(&RenderOptions::default()), 2);
        assert_eq!(count(&RenderOptions { layers: Some(vec!["b".into()]), ..RenderOptions::default() }), 0);
        doc.source.format = FileFormat::Stl;
        assert!(build_scene(&doc, &RenderOptions::default()).is_none());
    }
}

#[cfg(test)]
mod clip_tests {
    use super::*;
    use crate::model::{BlockDef, FileFormat, InsertClip, InsertGeom, Layer, Sheet, Source};

    /// A block of two horizontal lines (y = 0 and y = 10, x 0…10) inserted at the origin with a clip that
    /// keeps x 2…5 and y −1…6: the upper line lies wholly outside it.
    fn clipped(frame: bool) -> Document {
        let mut doc = Document::new(Source::new(FileFormat::Dxf, 0));
        doc.layers.push(Layer::new("0"));
        let line = |y: f64| Entity::new("LINE", Geom::Line { start: Point::xy(0.0, y), end: Point::xy(10.0, y) });
        doc.blocks.push(BlockDef { name: "B".into(), entities: vec![line(0.0), line(10.0)], ..BlockDef::default() });
        let rect = vec![Point::xy(2.0, -1.0), Point::xy(5.0, -1.0), Point::xy(5.0, 6.0), Point::xy(2.0, 6.0)];
        let mut ins = InsertGeom::new("B", Point::xy(0.0, 0.0));
        ins.clip = Some(Box::new(InsertClip {
            frame: if frame { rect.clone() } else { Vec::new() },
            rings: vec![rect],
            ..InsertClip::default()
        }));
        let insert = Entity::new("INSERT", Geom::Insert(Box::new(ins)));
        doc.sheets.push(Sheet { name: "Model".into(), entities: vec![insert].into(), ..Sheet::default() });
        doc
    }

    fn dark(p: &tiny_skia::Pixmap, x: u32, y: u32) -> bool {
        p.pixel(x, y).is_some_and(|c| c.red() < 128)
    }

    #[test]
    fn clipped_away_geometry_is_not_drawn() {
        let opts = RenderOptions { width: 200, height: 200, ..RenderOptions::default() };
        let extents = BBox2 { min_x: 0.0, min_y: 0.0, max_x: 10.0, max_y: 10.0 };
        let scene = build_scene_fitted(&clipped(false), &opts, Some(extents)).expect("a scene");
        assert_eq!(scene.clips.len(), 1);
        assert!(scene.items.iter().all(|i| i.clip == Some(0)));
        let pixmap = super::super::raster::to_pixmap(&scene).expect("paints");
        let px = |p: Point| {
            let (x, y) = scene.fit.px64(p);
            (x.round() as u32, y.round() as u32)
        };
        // The lower line is drawn inside the clip (x 2…5) and nowhere else; the upper line not at all.
        let (x, y) = px(Point::xy(3.5, 0.0));
        assert!(dark(&pixmap, x, y));
        for q in [Point::xy(1.0, 0.0), Point::xy(8.0, 0.0), Point::xy(3.5, 10.0), Point::xy(8.0, 10.0)] {
            let (x, y) = px(q);
            assert!(!dark(&pixmap, x, y), "ink at {q:?}");
        }
        // The drawn extents are those of what the clip lets through: the lower line from x 2 to 5.
        let fitted = build_scene(&clipped(false), &opts).expect("a scene");
        assert_eq!((fitted.fit.centre.0, fitted.fit.centre.1), (3.5, 0.0));
    }

    #[test]
    fn the_clip_frame_is_drawn_with_the_insert() {
        let opts = RenderOptions { width: 200, height: 200, ..RenderOptions::default() };
        let extents = BBox2 { min_x: 0.0, min_y: 0.0, max_x: 10.0, max_y: 10.0 };
        let scene = build_scene_fitted(&clipped(true), &opts, Some(extents)).expect("a scene");
        let pixmap = super::super::raster::to_pixmap(&scene).expect("paints");
        let (x, y) = scene.fit.px64(Point::xy(2.0, 3.0));
        assert!(dark(&pixmap, x.round() as u32, y.round() as u32), "the frame's left side");
        // SVG: the same clip as a clipPath, and the clipped strokes inside a group using it.
        let svg = super::super::svg::to_svg(&scene);
        assert!(svg.contains(r#"<clipPath id="c0_0">"#) && svg.contains(r#"<g clip-path="url(#c0_0)">"#), "{svg}");
    }
}
