//! Insert expansion: walks a sheet's entities through their blocks with composed transforms and inherited
//! layer/colour/linetype/lineweight (the layer-0 and BYBLOCK rules), within a depth limit and a budget, so
//! extents, as-drawn counts, the 2024-01 `vectorJson` and the renderers all see the same world geometry.

use crate::model::{EllipseGeom, SplineGeom, ViewportGeom};
use std::collections::HashMap;
use std::f64::consts::{FRAC_PI_2, TAU};
use std::sync::Arc;

use super::colour::ColourSpec;
use super::drawing::{
    BlockDef, Entity, Geom, HatchEdge, HatchGeom, InsertClip, InsertGeom, TextColumns, TextGeom, Vertex,
};
use super::geom::{Affine, Point, ccw_sweep, flatten_bulge, normalize_angle};

/// Blocks by upper-case name (DXF block names compare case-insensitively).
pub struct BlockTable<'a> {
    by_name: HashMap<String, &'a BlockDef>,
}

impl<'a> BlockTable<'a> {
    pub fn new(blocks: &'a [BlockDef]) -> Self {
        let mut by_name = HashMap::with_capacity(blocks.len());
        for b in blocks {
            // The first definition wins, as in AutoCAD.
            by_name.entry(b.name.to_ascii_uppercase()).or_insert(b);
        }
        BlockTable { by_name }
    }

    pub fn get(&self, name: &str) -> Option<&'a BlockDef> {
        self.by_name.get(&name.to_ascii_uppercase()).copied()
    }
}

/// Bounds on expansion: deep nesting and huge MINSERT arrays are how hostile files blow up.
#[derive(Debug, Clone, Copy)]
pub struct FlattenLimits {
    pub max_depth: u32,
    /// Total entities visited (inserts included) before expansion stops.
    pub budget: u64,
    /// Expand DIMENSION graphics blocks and walk the parts of MULTILEADERs (renderers and extents want
    /// them; counts do not).
    pub expand_annotations: bool,
}

impl Default for FlattenLimits {
    fn default() -> Self {
        FlattenLimits { max_depth: 16, budget: 2_000_000, expand_annotations: false }
    }
}

/// What expansion met besides entities.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FlattenReport {
    pub visited: u64,
    /// The budget or depth limit cut the expansion.
    pub truncated: bool,
    /// Blocks found to reference themselves (directly or through others).
    pub cycles: Vec<String>,
    /// Inserts of blocks that do not exist.
    pub missing_blocks: Vec<String>,
}

/// One entity as drawn: the source entity, the transform from its coordinates to the sheet, and the
/// properties it inherits from the inserts around it.
#[derive(Debug, Clone)]
pub struct FlatItem<'a> {
    pub entity: &'a Entity,
    pub xform: Affine,
    /// Effective layer (layer-0 entities inside a block take the insert's layer).
    pub layer: &'a str,
    /// Colour with ByBlock replaced by the insert's effective colour (ByBlock stays at top level).
    pub colour: ColourSpec,
    pub linetype: Option<&'a str>,
    pub lineweight: Option<i16>,
    /// Index in the walked slice of the top-level entity this item is or came from (its insert).
    pub top_index: usize,
    pub depth: u32,
    /// The clips of the clipped inserts (XCLIP) the item lies in, innermost first; `None` for most items.
    pub clip: Option<Arc<ClipScope<'a>>>,
}

/// One clipped insert around an item: its clip, the map from its block to the sheet (per array cell), and
/// the clip of the insert around it, if any. The item is drawn only where it lies inside all of them.
#[derive(Debug)]
pub struct ClipScope<'a> {
    pub clip: &'a InsertClip,
    pub to_sheet: Affine,
    pub outer: Option<Arc<ClipScope<'a>>>,
}

impl FlatItem<'_> {
    /// The entity's geometry in sheet coordinates: borrowed when no transform applies (every top-level
    /// entity; a polyline's vertices are not copied to be written or measured).
    pub fn world_geom(&self) -> std::borrow::Cow<'_, Geom> {
        if self.xform.is_identity() {
            std::borrow::Cow::Borrowed(&self.entity.geom)
        } else {
            std::borrow::Cow::Owned(transform_geom(&self.entity.geom, &self.xform))
        }
    }
}

struct Inherited<'a> {
    layer: &'a str,
    colour: ColourSpec,
    linetype: Option<&'a str>,
    lineweight: Option<i16>,
}

/// Walks `entities` (a sheet's, top level) and everything their inserts reference. `visit` sees each
/// entity, inserts included (before their contents); `top_index` is the index in `entities` of the
/// top-level entity an item is or came from, and `depth` is 0 for top-level items.
pub fn flatten<'a>(
    entities: impl IntoIterator<Item = &'a Entity>,
    blocks: &BlockTable<'a>,
    limits: FlattenLimits,
    visit: &mut dyn FnMut(FlatItem<'a>),
) -> FlattenReport {
    let mut report = FlattenReport::default();
    let mut stack: Vec<String> = Vec::new();
    for (index, e) in entities.into_iter().enumerate() {
        let item = FlatItem {
            entity: e,
            xform: Affine::IDENTITY,
            layer: &e.layer,
            colour: e.colour,
            linetype: e.linetype.as_deref(),
            lineweight: e.lineweight,
            top_index: index,
            depth: 0,
            clip: None,
        };
        if !visit_one(item, index, blocks, limits, &mut stack, &mut report, visit) {
            break;
        }
    }
    report
}

/// Visits one item and, for inserts, its block; returns false when the budget is spent.
fn visit_one<'a>(
    item: FlatItem<'a>,
    top_index: usize,
    blocks: &BlockTable<'a>,
    limits: FlattenLimits,
    stack: &mut Vec<String>,
    report: &mut FlattenReport,
    visit: &mut dyn FnMut(FlatItem<'a>),
) -> bool {
    if report.visited >= limits.budget {
        report.truncated = true;
        return false;
    }
    report.visited += 1;
    let entity = item.entity;
    let (block_name, insert) = match &entity.geom {
        Geom::Insert(ins) => (Some(ins.block.as_str()), Some(ins)),
        Geom::Dimension(d) if limits.expand_annotations => (d.block.as_deref(), None),
        _ => (None, None),
    };
    let parent =
        Inherited { layer: item.layer, colour: item.colour, linetype: item.linetype, lineweight: item.lineweight };
    let xform = item.xform;
    let depth = item.depth;
    let scope = item.clip.clone();
    visit(item);
    let parts = match &entity.geom {
        Geom::MLeader(m) => Some(&m.parts),
        Geom::Proxy(p) => Some(&p.parts),
        _ => None,
    };
    if let (Some(parts), true) = (parts, limits.expand_annotations) {
        // The parts (of a MULTILEADER, or a proxy's graphics) are in the entity's own coordinates and
        // inherit from it like block contents.
        if depth + 1 > limits.max_depth {
            report.truncated = true;
            return true;
        }
        for part in parts {
            let inherited = inherit(part, &parent);
            let next = FlatItem {
                entity: part,
                xform,
                layer: inherited.layer,
                colour: inherited.colour,
                linetype: inherited.linetype,
                lineweight: inherited.lineweight,
                top_index,
                depth: depth + 1,
                clip: scope.clone(),
            };
            if !visit_one(next, top_index, blocks, limits, stack, report, visit) {
                return false;
            }
        }
        return true;
    }
    let Some(name) = block_name else {
        return true;
    };
    let Some(block) = blocks.get(name) else {
        if !report.missing_blocks.iter().any(|m| m == name) {
            report.missing_blocks.push(name.to_owned());
        }
        return true;
    };
    if stack.iter().any(|s| s.eq_ignore_ascii_case(name)) {
        if !report.cycles.iter().any(|c| c.eq_ignore_ascii_case(name)) {
            report.cycles.push(block.name.clone());
        }
        return true;
    }
    if depth + 1 > limits.max_depth {
        report.truncated = true;
        return true;
    }
    stack.push(block.name.clone());
    let cells: Box<dyn Iterator<Item = Affine> + '_> = match insert {
        Some(ins) => Box::new(array_cells(ins, block.base)),
        // DIMENSION blocks are already in sheet coordinates.
        None => Box::new(std::iter::once(Affine::IDENTITY)),
    };
    let mut keep_going = true;
    'cells: for cell in cells {
        let to_sheet = xform.then_after(&cell);
        let clip = match insert.and_then(|i| i.clip.as_deref()) {
            Some(c) => Some(Arc::new(ClipScope { clip: c, to_sheet, outer: scope.clone() })),
            None => scope.clone(),
        };
        for child in &block.entities {
            let inherited = inherit(child, &parent);
            let next = FlatItem {
                entity: child,
                xform: to_sheet,
                layer: inherited.layer,
                colour: inherited.colour,
                linetype: inherited.linetype,
                lineweight: inherited.lineweight,
                top_index,
                depth: depth + 1,
                clip: clip.clone(),
            };
            if !visit_one(next, top_index, blocks, limits, stack, report, visit) {
                keep_going = false;
                break 'cells;
            }
        }
    }
    stack.pop();
    keep_going
}

/// The transforms of every MINSERT cell (one for a plain insert), computed as the walk needs them and capped
/// at a million cells: nested arrays hold no cell lists in memory, and the budget stops the walk long
/// before the cap matters.
fn array_cells(ins: &InsertGeom, base: Point) -> impl Iterator<Item = Affine> + '_ {
    let cols = ins.columns.clamp(1, 100_000);
    let rows = ins.rows.clamp(1, 100_000);
    (0..rows).flat_map(move |r| (0..cols).map(move |c| ins.transform(base, c, r))).take(1_000_000)
}

fn inherit<'a>(child: &'a Entity, parent: &Inherited<'a>) -> Inherited<'a> {
    let layer = if &*child.layer == "0" { parent.layer } else { &*child.layer };
    let colour = if child.colour == ColourSpec::ByBlock { parent.colour } else { child.colour };
    let linetype = match child.linetype.as_deref() {
        Some(lt) if lt.eq_ignore_ascii_case("BYBLOCK") => parent.linetype,
        other => other,
    };
    let lineweight = if child.lineweight == Some(-2) { parent.lineweight } else { child.lineweight };
    Inherited { layer, colour, linetype, lineweight }
}

/// XY behaviour of a transform: rotation angle of +X, scale of X and Y, and whether it mirrors.
struct PlaneMap {
    angle: f64,
    sx: f64,
    sy: f64,
    mirrored: bool,
    similar: bool,
}

fn plane_map(t: &Affine) -> PlaneMap {
    let ax = Point::xy(t.m[0][0], t.m[1][0]);
    let ay = Point::xy(t.m[0][1], t.m[1][1]);
    let (sx, sy) = (ax.length(), ay.length());
    let mirrored = t.determinant_xy() < 0.0;
    let similar = (sx - sy).abs() <= 1e-9 * sx.max(sy).max(1e-300) && ax.dot(ay).abs() <= 1e-9 * sx * sy.max(1e-300);
    PlaneMap { angle: ax.y.atan2(ax.x), sx, sy, mirrored, similar }
}

/// The geometry mapped by `t` (an affine map of the drawing plane, possibly mirroring or non-uniform).
pub fn transform_geom(g: &Geom, t: &Affine) -> Geom {
    let pm = plane_map(t);
    match g {
        Geom::Point { position } => Geom::Point { position: t.apply(*position) },
        Geom::Line { start, end } => Geom::Line { start: t.apply(*start), end: t.apply(*end) },
        Geom::Polyline { vertices, closed, constant_width } => Geom::Polyline {
            vertices: transform_vertices(vertices, *closed, t, &pm),
            closed: *closed,
            constant_width: constant_width * pm.sx.min(pm.sy),
        },
        Geom::Circle { center, radius } => {
            if pm.similar {
                Geom::Circle { center: t.apply(*center), radius: radius * pm.sx }
            } else {
                transform_ellipse(*center, Point::xy(*radius, 0.0), 1.0, 0.0, TAU, t)
            }
        }
        Geom::Arc { center, radius, start, end } => transform_arc(*center, *radius, *start, *end, t, &pm),
        Geom::Ellipse(el) => {
            let EllipseGeom { center, major, ratio, start, end } = **el;
            transform_ellipse(center, major, ratio, start, end, t)
        }
        Geom::Spline(s) => Geom::Spline(Box::new(SplineGeom {
            ctrl: s.ctrl.iter().map(|p| t.apply(*p)).collect(),
            fit: s.fit.iter().map(|p| t.apply(*p)).collect(),
            ..(**s).clone()
        })),
        Geom::Text(text) => Geom::Text(Box::new(transform_text(text, t, &pm))),
        Geom::Leader(l) => Geom::Leader(Box::new(super::drawing::LeaderGeom {
            vertices: l.vertices.iter().map(|p| t.apply(*p)).collect(),
            spline: l.spline,
            hook: l.hook.map(|p| t.apply(p)),
            arrow: l
                .arrow
                .as_ref()
                .map(|a| super::drawing::LeaderArrow { size: a.size * (pm.sx * pm.sy).sqrt(), block: a.block.clone() }),
        })),
        Geom::Insert(ins) => {
            let mut out = ins.clone();
            out.position = t.apply(ins.position);
            out.rotation_deg = ins.rotation_deg + pm.angle.to_degrees();
            out.scale = Point::new(
                ins.scale.x * pm.sx,
                ins.scale.y * pm.sy * if pm.mirrored { -1.0 } else { 1.0 },
                ins.scale.z,
            );
            out.column_spacing *= pm.sx;
            out.row_spacing *= pm.sy;
            Geom::Insert(out)
        }
        Geom::Hatch(h) => Geom::Hatch(Box::new(HatchGeom {
            loops: h.loops.iter().map(|edges| edges.iter().map(|e| transform_edge(e, t, &pm)).collect()).collect(),
            pattern_lines: h
                .pattern_lines
                .iter()
                .map(|l| super::drawing::PatternLine {
                    angle_deg: l.angle_deg + pm.angle.to_degrees(),
                    base: t.apply(l.base),
                    offset: t.apply_vector(l.offset),
                    dashes: l.dashes.iter().map(|d| d * pm.sx).collect(),
                })
                .collect(),
            ..(**h).clone()
        })),
        Geom::Dimension(d) => {
            let mut out = d.clone();
            out.def_points = d.def_points.iter().map(|p| t.apply(*p)).collect();
            out.text_position = d.text_position.map(|p| t.apply(p));
            Geom::Dimension(out)
        }
        Geom::MLeader(m) => Geom::MLeader(Box::new(super::drawing::MLeaderGeom {
            parts: m.parts.iter().map(|e| Entity { geom: transform_geom(&e.geom, t), ..e.clone() }).collect(),
        })),
        Geom::Proxy(g) => Geom::Proxy(Box::new(super::drawing::ProxyGraphics {
            parts: g.parts.iter().map(|e| Entity { geom: transform_geom(&e.geom, t), ..e.clone() }).collect(),
        })),
        Geom::Face { vertices, filled } => {
            Geom::Face { vertices: vertices.iter().map(|p| t.apply(*p)).collect(), filled: *filled }
        }
        Geom::Paths { paths } => {
            Geom::Paths { paths: paths.iter().map(|p| p.iter().map(|q| t.apply(*q)).collect()).collect() }
        }
        Geom::Viewport(v) => Geom::Viewport(Box::new(ViewportGeom {
            center: t.apply(v.center),
            width: v.width * pm.sx,
            height: v.height * pm.sy,
            ..**v
        })),
        Geom::Image { position, outline, wipeout } => Geom::Image {
            position: t.apply(*position),
            outline: outline.iter().map(|p| t.apply(*p)).collect(),
            wipeout: *wipeout,
        },
        Geom::Infinite { base, direction, both_ways } => {
            Geom::Infinite { base: t.apply(*base), direction: t.apply_vector(*direction), both_ways: *both_ways }
        }
        Geom::Other { position } => Geom::Other { position: position.map(|p| t.apply(p)) },
    }
}

fn transform_vertices(vertices: &[Vertex], closed: bool, t: &Affine, pm: &PlaneMap) -> Vec<Vertex> {
    let has_bulge = vertices.iter().any(|v| v.bulge != 0.0);
    let width_scale = pm.sx.min(pm.sy);
    if has_bulge && !pm.similar {
        // Bulge arcs become elliptical under a non-uniform map: flatten them first, then map the points.
        let mut pts = Vec::new();
        let n = vertices.len();
        let segs = if closed { n } else { n.saturating_sub(1) };
        if let Some(first) = vertices.first() {
            pts.push(first.p);
        }
        for i in 0..segs {
            let (a, b) = (vertices[i], vertices[(i + 1) % n]);
            flatten_bulge(a.p, b.p, a.bulge, 1e-3 * a.p.distance(b.p).max(1e-9), &mut pts);
        }
        if closed {
            pts.pop();
        }
        return pts.into_iter().map(|p| Vertex::at(t.apply(p))).collect();
    }
    let sign = if pm.mirrored { -1.0 } else { 1.0 };
    vertices
        .iter()
        .map(|v| Vertex {
            p: t.apply(v.p),
            bulge: v.bulge * sign,
            start_width: v.start_width * width_scale,
            end_width: v.end_width * width_scale,
        })
        .collect()
}

fn transform_arc(center: Point, radius: f64, start: f64, end: f64, t: &Affine, pm: &PlaneMap) -> Geom {
    if !pm.similar {
        return transform_ellipse(center, Point::xy(radius, 0.0), 1.0, start, end, t);
    }
    let c = t.apply(center);
    let angle_of = |a: f64| {
        let p = t.apply(Point::new(center.x + radius * a.cos(), center.y + radius * a.sin(), center.z));
        (p.y - c.y).atan2(p.x - c.x)
    };
    let (s, e) = (angle_of(start), angle_of(end));
    let (s, e) = if pm.mirrored { (e, s) } else { (s, e) };
    Geom::Arc { center: c, radius: radius * pm.sx, start: normalize_angle(s), end: normalize_angle(e) }
}

/// Maps an elliptical arc and re-derives its principal axes (conjugate diameters → axes), keeping the
/// parameterisation counter-clockwise.
fn transform_ellipse(center: Point, major: Point, ratio: f64, start: f64, end: f64, t: &Affine) -> Geom {
    let minor_dir = Point::new(-major.y, major.x, 0.0).scale(ratio);
    let c = t.apply(center);
    let u = t.apply_vector(major);
    let v = t.apply_vector(minor_dir);
    let mut t0 = 0.5 * (2.0 * u.dot(v)).atan2(u.dot(u) - v.dot(v));
    let axis = |t0: f64| (u.scale(t0.cos()).plus(v.scale(t0.sin())), u.scale(-t0.sin()).plus(v.scale(t0.cos())));
    let (mut maj, mut min) = axis(t0);
    if min.length() > maj.length() {
        t0 += FRAC_PI_2;
        (maj, min) = axis(t0);
    }
    let full = ccw_sweep(start, end) >= TAU - 1e-12;
    let len = maj.length();
    let new_ratio = if len > 0.0 { (min.length() / len).clamp(1e-12, 1.0) } else { 1.0 };
    // P(t) = c + maj cos(t − t0) + min sin(t − t0); if min points clockwise of maj, reverse the parameter.
    let ccw = maj.x * min.y - maj.y * min.x >= 0.0;
    let (s, e) = if ccw { (start - t0, end - t0) } else { (t0 - end, t0 - start) };
    let (s, e) = if full { (0.0, TAU) } else { (normalize_angle(s), normalize_angle(e)) };
    Geom::Ellipse(Box::new(EllipseGeom { center: c, major: maj, ratio: new_ratio, start: s, end: e }))
}

fn transform_text(text: &TextGeom, t: &Affine, pm: &PlaneMap) -> TextGeom {
    let rot = text.rotation_deg.to_radians();
    // The text's own up direction, mapped: its length is the new height scale.
    let up = t.apply_vector(Point::xy(-rot.sin(), rot.cos()));
    let dir = t.apply_vector(Point::xy(rot.cos(), rot.sin()));
    let mut out = text.clone();
    out.position = t.apply(text.position);
    out.rotation_deg = normalize_angle(dir.y.atan2(dir.x)).to_degrees();
    out.height = text.height * up.length();
    let hs = up.length();
    if hs > 0.0 {
        out.width_factor = text.width_factor * dir.length() / hs;
    }
    out.box_width = text.box_width.map(|w| w * dir.length());
    out.box_height = text.box_height.map(|h| h * up.length());
    out.written_width = text.written_width.map(|w| w * dir.length());
    out.written_height = text.written_height.map(|h| h * up.length());
    out.frame = text.frame.map(|g| g * up.length());
    out.columns =
        text.columns.map(|c| TextColumns { width: c.width * dir.length(), gutter: c.gutter * dir.length(), ..c });
    if pm.mirrored {
        // Glyphs run along the mapped direction but mirrored, as AutoCAD draws text in mirrored blocks. A
        // text is drawn mirror-then-rotate (x flipped in its own frame, then turned by its rotation), so the
        // frame that sends its x to the mapped direction with the flip toggled is turned half a turn further.
        out.mirror_x = !out.mirror_x;
        out.rotation_deg = normalize_angle(dir.y.atan2(dir.x) + std::f64::consts::PI).to_degrees();
    }
    out
}

fn transform_edge(e: &HatchEdge, t: &Affine, pm: &PlaneMap) -> HatchEdge {
    match e {
        HatchEdge::Polyline { vertices, closed } => {
            HatchEdge::Polyline { vertices: transform_vertices(vertices, *closed, t, pm), closed: *closed }
        }
        HatchEdge::Line { start, end } => HatchEdge::Line { start: t.apply(*start), end: t.apply(*end) },
        HatchEdge::Arc { center, radius, start, end, ccw } => {
            // Express as a CCW arc, map, then restore the direction (a mirror flips it).
            let (s, e2) = if *ccw { (*start, *end) } else { (*end, *start) };
            match transform_arc(*center, *radius, s, e2, t, pm) {
                Geom::Arc { center, radius, start: ns, end: ne } => {
                    // The mapped arc covers ns→ne CCW; the traversal starts at the image of the original
                    // start, which is ns exactly when "counter-clockwise" and "mirrored" differ.
                    let ccw_out = *ccw != pm.mirrored;
                    let (a, b) = if ccw_out { (ns, ne) } else { (ne, ns) };
                    HatchEdge::Arc { center, radius, start: a, end: b, ccw: ccw_out }
                }
                Geom::Ellipse(el) => {
                    let EllipseGeom { center, major, ratio, start, end } = *el;
                    HatchEdge::Ellipse { center, major, ratio, start, end, ccw: true }
                }
                _ => e.clone(),
            }
        }
        HatchEdge::Ellipse { center, major, ratio, start, end, ccw } => {
            let (s, e2) = if *ccw { (*start, *end) } else { (*end, *start) };
            match transform_ellipse(*center, *major, *ratio, s, e2, t) {
                Geom::Ellipse(el) => {
                    let EllipseGeom { center, major, ratio, start, end } = *el;
                    HatchEdge::Ellipse { center, major, ratio, start, end, ccw: true }
                }
                _ => e.clone(),
            }
        }
        HatchEdge::Spline { degree, knots, ctrl, weights } => HatchEdge::Spline {
            degree: *degree,
            knots: knots.clone(),
            ctrl: ctrl.iter().map(|p| t.apply(*p)).collect(),
            weights: weights.clone(),
        },
    }
}
