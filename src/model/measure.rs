//! Extents and metrics of entities (result-schema-2.md §5.4), shared by both result schemas and the
//! renderers' fit-to-extents.

use super::drawing::{Entity, Geom, HAlign, HatchEdge, TextGeom, VAlign, Vertex};
use super::flatten::{BlockTable, FlattenLimits, flatten};
use super::geom::{
    BBox2, Point, arc_bbox, bulge_arc, bulge_segment_area, bulge_segment_length, ccw_sweep, ellipse_bbox,
    flatten_bulge, sample_spline,
};
use crate::model::{EllipseGeom, SplineGeom, ViewportGeom};

/// Width of a character of the estimated text box, as a fraction of the text height (the hosted rule).
pub const TEXT_CHAR_WIDTH: f64 = 0.6;
/// Line pitch of multi-line text, as a multiple of the height (AutoCAD's default MTEXT spacing).
pub const TEXT_LINE_PITCH: f64 = 5.0 / 3.0;

/// Box of one geometry in its own coordinates. Inserts give an empty box here: use [`entity_bbox`].
/// XLINE/RAY are never part of extents.
pub fn geom_bbox(g: &Geom) -> BBox2 {
    let mut b = BBox2::EMPTY;
    match g {
        Geom::Point { position } => b.add_point(*position),
        Geom::Line { start, end } => {
            b.add_point(*start);
            b.add_point(*end);
        }
        Geom::Polyline { vertices, closed, constant_width } => {
            b = vertices_bbox(vertices, *closed);
            b.union(&width_bbox(vertices, *closed, *constant_width));
        }
        Geom::Circle { center, radius } => b = arc_bbox(*center, radius.abs(), 0.0, 0.0),
        Geom::Arc { center, radius, start, end } => b = arc_bbox(*center, radius.abs(), *start, *end),
        Geom::Ellipse(el) => {
            let EllipseGeom { center, major, ratio, start, end } = **el;
            b = ellipse_bbox(center, major, ratio, start, end);
        }
        Geom::Spline(s) => {
            let SplineGeom { degree, knots, ctrl, weights, fit, .. } = &**s;
            let pts = if ctrl.is_empty() {
                fit.clone()
            } else {
                sample_spline(*degree, knots, ctrl, weights.as_deref(), spline_tolerance(ctrl))
            };
            pts.into_iter().for_each(|p| b.add_point(p));
        }
        Geom::Text(t) => text_box(t).into_iter().for_each(|p| b.add_point(p)),
        Geom::Insert(_) => {}
        Geom::Hatch(h) => {
            for edges in &h.loops {
                for e in edges {
                    b.union(&edge_bbox(e));
                }
            }
        }
        Geom::Dimension(d) => {
            d.def_points.iter().for_each(|p| b.add_point(*p));
            if let Some(p) = d.text_position {
                b.add_point(p);
            }
        }
        // Block content and arrow blocks are inserts: `entity_bbox` adds them.
        Geom::MLeader(m) => m.parts.iter().for_each(|p| b.union(&geom_bbox(&p.geom))),
        Geom::Face { vertices, .. } => vertices.iter().for_each(|p| b.add_point(*p)),
        // The vertices (the result's `bbox`); the drawn spline and arrowhead stay close to them.
        Geom::Leader(l) => l.vertices.iter().for_each(|p| b.add_point(*p)),
        Geom::Paths { paths } => paths.iter().flatten().for_each(|p| b.add_point(*p)),
        Geom::Viewport(v) => {
            let ViewportGeom { center, width, height, .. } = **v;
            b.add_point(Point::xy(center.x - width / 2.0, center.y - height / 2.0));
            b.add_point(Point::xy(center.x + width / 2.0, center.y + height / 2.0));
        }
        Geom::Image { position, outline, .. } => {
            if outline.is_empty() {
                b.add_point(*position);
            }
            outline.iter().for_each(|p| b.add_point(*p));
        }
        // As the result shows a proxy: without geometry (its graphics are only drawn).
        Geom::Infinite { .. } | Geom::Proxy(_) => {}
        Geom::Other { position } => {
            if let Some(p) = position {
                b.add_point(*p);
            }
        }
    }
    b
}

/// Box of one geometry as a CAD program measures drawing extents: [`geom_bbox`], except that text is
/// measured with a real font ([`super::text_extent`]) instead of the per-character estimate, and empty
/// text adds nothing. Used for extents compared with other tools, never for the result's `bbox`.
pub fn geom_extents(g: &Geom) -> BBox2 {
    match g {
        Geom::Text(t) => {
            let mut b = BBox2::EMPTY;
            super::text_extent::measured_text_box(t).into_iter().flatten().for_each(|p| b.add_point(p));
            super::text_extent::frame_corners(t).into_iter().flatten().for_each(|p| b.add_point(p));
            b
        }
        Geom::MLeader(m) => {
            let mut b = BBox2::EMPTY;
            m.parts.iter().for_each(|p| b.union(&geom_extents(&p.geom)));
            b
        }
        _ => geom_bbox(g),
    }
}

/// Chord tolerance for spline extents: 1e-5 of the control polygon's length, so the sampled extremes of a
/// wiggly curve land within a small fraction of its size of the true ones.
fn spline_tolerance(ctrl: &[Point]) -> f64 {
    let len: f64 = ctrl.windows(2).map(|w| w[0].distance(w[1])).sum();
    if len > 0.0 && len.is_finite() { len * 1e-5 } else { 0.0 }
}

/// Box of an entity in its sheet (or block) coordinates; inserts by their transformed block contents, a
/// MULTILEADER by its parts (block content and arrow blocks expanded).
pub fn entity_bbox(e: &Entity, blocks: &BlockTable<'_>) -> BBox2 {
    let leader = matches!(e.geom, Geom::MLeader(_));
    if !leader && !matches!(e.geom, Geom::Insert(_)) {
        return geom_bbox(&e.geom);
    }
    let mut b = BBox2::EMPTY;
    let limits = FlattenLimits { budget: 200_000, expand_annotations: leader, ..FlattenLimits::default() };
    flatten(std::slice::from_ref(e), blocks, limits, &mut |item| {
        if !matches!(item.entity.geom, Geom::Insert(_) | Geom::MLeader(_)) {
            b.union(&geom_bbox(&item.world_geom()));
        }
    });
    b
}

/// Box of a polyline including its bulge arcs.
pub fn vertices_bbox(vertices: &[Vertex], closed: bool) -> BBox2 {
    let mut b = BBox2::EMPTY;
    let n = vertices.len();
    for (i, v) in vertices.iter().enumerate() {
        b.add_point(v.p);
        let has_next = i + 1 < n || (closed && n > 1);
        if has_next && v.bulge != 0.0 {
            let next = vertices[(i + 1) % n].p;
            if let Some((c, r, s, e)) = bulge_arc(v.p, next, v.bulge) {
                b.union(&arc_bbox(c, r, s, e));
            }
        }
    }
    b
}

/// Box of the outline of a polyline drawn with width: each straight segment is a quadrilateral of its start
/// and end widths, consecutive straight segments meet in mitred joins (their offset edges intersect, as
/// AutoCAD draws wide polylines), and a bulged segment is its arc box grown by the larger half width.
fn width_bbox(vertices: &[Vertex], closed: bool, constant_width: f64) -> BBox2 {
    let mut b = BBox2::EMPTY;
    let n = vertices.len();
    let segs = if closed { n } else { n.saturating_sub(1) };
    // Offset edges (left, right) of each straight segment as (point, direction); None for arcs and gaps.
    let mut edges: Vec<Option<[(Point, Point); 2]>> = Vec::with_capacity(segs);
    let mut max_half = 0.0f64;
    for i in 0..segs {
        let (a, c) = (vertices[i], vertices[(i + 1) % n]);
        let (sw, ew) = if a.start_width == 0.0 && a.end_width == 0.0 {
            (constant_width, constant_width)
        } else {
            (a.start_width, a.end_width)
        };
        if !(sw > 0.0 || ew > 0.0) || !(sw.is_finite() && ew.is_finite()) {
            edges.push(None);
            continue;
        }
        max_half = max_half.max(sw.max(ew) / 2.0);
        if a.bulge != 0.0 {
            if let Some((centre, r, s, e)) = bulge_arc(a.p, c.p, a.bulge) {
                let mut arc = arc_bbox(centre, r, s, e);
                let grow = sw.max(ew) / 2.0;
                arc.min_x -= grow;
                arc.min_y -= grow;
                arc.max_x += grow;
                arc.max_y += grow;
                b.union(&arc);
            }
            edges.push(None);
            continue;
        }
        let d = Point::xy(c.p.x - a.p.x, c.p.y - a.p.y);
        let len = d.length();
        if len <= 0.0 {
            edges.push(None);
            continue;
        }
        let nrm = Point::xy(-d.y / len, d.x / len);
        let side = |p: Point, w: f64, k: f64| Point::xy(p.x + k * nrm.x * w / 2.0, p.y + k * nrm.y * w / 2.0);
        let (l0, l1, r0, r1) = (side(a.p, sw, 1.0), side(c.p, ew, 1.0), side(a.p, sw, -1.0), side(c.p, ew, -1.0));
        for p in [l0, l1, r0, r1] {
            b.add_point(p);
        }
        edges.push(Some([(l0, l1.minus(l0)), (r0, r1.minus(r0))]));
    }
    // Mitred joins between consecutive straight segments (limited to a few widths, so nearly parallel
    // segments cannot push the box out to infinity).
    let joins = if closed { segs } else { segs.saturating_sub(1) };
    for i in 0..joins {
        let (Some(e1), Some(e2)) = (edges[i], edges[(i + 1) % segs]) else { continue };
        let vertex = vertices[(i + 1) % n].p;
        for k in 0..2 {
            if let Some(p) = line_intersection(e1[k], e2[k]) {
                if p.distance(vertex) <= 10.0 * max_half {
                    b.add_point(p);
                }
            }
        }
    }
    b
}

/// Intersection of two lines given as (point, direction); `None` when (nearly) parallel.
fn line_intersection((p, d): (Point, Point), (q, e): (Point, Point)) -> Option<Point> {
    let cross = d.x * e.y - d.y * e.x;
    if cross.abs() <= 1e-12 * d.length() * e.length() {
        return None;
    }
    let w = q.minus(p);
    let t = (w.x * e.y - w.y * e.x) / cross;
    Some(Point::xy(p.x + t * d.x, p.y + t * d.y))
}

fn edge_bbox(e: &HatchEdge) -> BBox2 {
    match e {
        HatchEdge::Polyline { vertices, closed } => vertices_bbox(vertices, *closed),
        HatchEdge::Line { start, end } => {
            let mut b = BBox2::EMPTY;
            b.add_point(*start);
            b.add_point(*end);
            b
        }
        HatchEdge::Arc { center, radius, start, end, ccw } => {
            let (s, e) = if *ccw { (*start, *end) } else { (*end, *start) };
            arc_bbox(*center, *radius, s, e)
        }
        HatchEdge::Ellipse { center, major, ratio, start, end, ccw } => {
            let (s, e) = if *ccw { (*start, *end) } else { (*end, *start) };
            ellipse_bbox(*center, *major, *ratio, s, e)
        }
        HatchEdge::Spline { degree, knots, ctrl, weights } => {
            let mut b = BBox2::EMPTY;
            sample_spline(*degree, knots, ctrl, weights.as_deref(), spline_tolerance(ctrl))
                .into_iter()
                .for_each(|p| b.add_point(p));
            b
        }
    }
}

/// The estimated text box (hosted rule: 0.6 × height per character, one height per line), rotated, as
/// four corners. Alignment moves the box so the reference point sits where the justification says.
pub fn text_box(t: &TextGeom) -> [Point; 4] {
    let h = t.height.abs();
    let width_factor = if t.width_factor > 0.0 { t.width_factor } else { 1.0 };
    let char_w = TEXT_CHAR_WIDTH * h * width_factor;
    // MTEXT with a reference width wraps: a line longer than the box takes as many box-wide lines as it needs.
    let wrap = t.box_width.filter(|w| t.multiline && *w > 0.0 && w.is_finite());
    let mut line_count = 0usize;
    let mut w: f64 = 0.0;
    for line in t.value.split('\n') {
        let lw = char_w * line.chars().count() as f64;
        match wrap {
            Some(bw) if lw > bw => {
                // At least one character per wrapped line, so a tiny box cannot multiply lines without bound.
                let chars = line.chars().count().max(1) as f64;
                line_count += (lw / bw).ceil().min(chars) as usize;
                w = w.max(bw);
            }
            _ => {
                line_count += 1;
                w = w.max(lw);
            }
        }
    }
    // The MTEXT frame spans its whole reference width, however short the lines (as AutoCAD draws it).
    if let Some(bw) = wrap {
        w = bw;
    }
    let total_h = if line_count > 1 { h + (line_count - 1) as f64 * h * TEXT_LINE_PITCH } else { h };
    // Column layouts fill a frame of at least their defined height.
    let total_h = match t.box_height.filter(|bh| t.multiline && *bh > 0.0 && bh.is_finite()) {
        Some(bh) => total_h.max(bh),
        None => total_h,
    };
    let x0 = match t.halign {
        HAlign::Left | HAlign::Fit | HAlign::Aligned => 0.0,
        HAlign::Center => -w / 2.0,
        HAlign::Right => -w,
    };
    // The reference point is the box's bottom for baseline/bottom justification, its middle or its top.
    let y0 = match t.valign {
        VAlign::Baseline | VAlign::Bottom => 0.0,
        VAlign::Middle => -total_h / 2.0,
        VAlign::Top => -total_h,
    };
    // Backward (mirrored in X) text runs the other way from its reference point; upside-down text hangs
    // below it: mirror the box about the reference point.
    let x0 = if t.mirror_x { -(x0 + w) } else { x0 };
    let y0 = if t.mirror_y { -(y0 + total_h) } else { y0 };
    let (s, c) = t.rotation_deg.to_radians().sin_cos();
    let corner =
        |dx: f64, dy: f64| Point::new(t.position.x + dx * c - dy * s, t.position.y + dx * s + dy * c, t.position.z);
    [corner(x0, y0), corner(x0 + w, y0), corner(x0 + w, y0 + total_h), corner(x0, y0 + total_h)]
}

/// Exact-only metrics of an entity (result-schema-2.md §5.4).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Metrics {
    pub length: Option<f64>,
    pub area: Option<f64>,
    pub perimeter: Option<f64>,
    pub vertex_count: Option<u64>,
}

pub fn metrics(e: &Entity) -> Metrics {
    match &e.geom {
        Geom::Line { start, end } => {
            Metrics { length: Some(start.distance(*end)), vertex_count: Some(2), ..Metrics::default() }
        }
        Geom::Polyline { vertices, closed, .. } => polyline_metrics(vertices, *closed),
        Geom::Leader(l) => match l.polyline() {
            Geom::Polyline { vertices, closed, .. } => polyline_metrics(&vertices, closed),
            _ => Metrics::default(),
        },
        Geom::Arc { radius, start, end, .. } => {
            Metrics { length: Some(radius.abs() * ccw_sweep(*start, *end)), ..Metrics::default() }
        }
        Geom::Circle { radius, .. } => {
            let r = radius.abs();
            let c = std::f64::consts::TAU * r;
            Metrics {
                length: Some(c),
                area: Some(std::f64::consts::PI * r * r),
                perimeter: Some(c),
                vertex_count: None,
            }
        }
        Geom::Ellipse(el) => {
            let EllipseGeom { major, ratio, start, end, .. } = **el;
            let full = ccw_sweep(start, end) >= std::f64::consts::TAU - 1e-9;
            let a = major.length();
            let area = full.then(|| std::f64::consts::PI * a * a * ratio.abs());
            Metrics { area, ..Metrics::default() }
        }
        Geom::Spline(s) => Metrics { vertex_count: Some(s.ctrl.len() as u64), ..Metrics::default() },
        Geom::Face { vertices, .. } => {
            let vs: Vec<Vertex> = vertices.iter().map(|p| Vertex::at(*p)).collect();
            let (len, area) = ring_length_area(&vs, true);
            Metrics {
                length: Some(len),
                area: Some(area.abs()),
                perimeter: Some(len),
                vertex_count: Some(vertices.len() as u64),
            }
        }
        Geom::Hatch(h) => Metrics { area: hatch_area(&h.loops), ..Metrics::default() },
        _ => Metrics::default(),
    }
}

/// Whether a polyline is closed: the flag, or first vertex = last vertex.
pub fn polyline_is_closed(vertices: &[Vertex], closed_flag: bool) -> bool {
    closed_flag || (vertices.len() > 2 && vertices.first().map(|v| v.p) == vertices.last().map(|v| v.p))
}

fn polyline_metrics(vertices: &[Vertex], closed_flag: bool) -> Metrics {
    let closing_duplicate = !closed_flag && polyline_is_closed(vertices, false);
    let closed = closed_flag || closing_duplicate;
    let ring: &[Vertex] = if closing_duplicate { &vertices[..vertices.len() - 1] } else { vertices };
    let (len, area) = ring_length_area(ring, closed);
    if closed {
        Metrics {
            length: Some(len),
            area: Some(area.abs()),
            perimeter: Some(len),
            vertex_count: Some(ring.len() as u64),
        }
    } else {
        Metrics { length: Some(len), vertex_count: Some(ring.len() as u64), ..Metrics::default() }
    }
}

/// Length and signed area (shoelace + bulge segments) of a vertex ring.
fn ring_length_area(vs: &[Vertex], closed: bool) -> (f64, f64) {
    let n = vs.len();
    let segs = if closed { n } else { n.saturating_sub(1) };
    let (mut len, mut area) = (0.0, 0.0);
    for i in 0..segs {
        let (a, b) = (vs[i], vs[(i + 1) % n]);
        len += bulge_segment_length(a.p, b.p, a.bulge);
        area += 0.5 * (a.p.x * b.p.y - b.p.x * a.p.y) + bulge_segment_area(a.p, b.p, a.bulge);
    }
    (len, area)
}

/// Even-odd area of hatch loops when every edge is straight or circular; `None` otherwise.
pub fn hatch_area(loops: &[Vec<HatchEdge>]) -> Option<f64> {
    let mut rings: Vec<(f64, Vec<Point>)> = Vec::new();
    for edges in loops {
        let mut verts: Vec<Vertex> = Vec::new();
        let mut outline: Vec<Point> = Vec::new();
        for e in edges {
            match e {
                HatchEdge::Polyline { vertices, .. } => {
                    verts.extend_from_slice(vertices);
                }
                HatchEdge::Line { start, .. } => verts.push(Vertex::at(*start)),
                HatchEdge::Arc { center, radius, start, end, ccw } => {
                    let sweep = if *ccw { ccw_sweep(*start, *end) } else { -ccw_sweep(*end, *start) };
                    let p = Point::xy(center.x + radius * start.cos(), center.y + radius * start.sin());
                    // A full circle as one edge: two half-circle bulges.
                    if sweep.abs() >= std::f64::consts::TAU - 1e-9 {
                        let q = Point::xy(center.x - radius * start.cos(), center.y - radius * start.sin());
                        let b = sweep.signum();
                        verts.push(Vertex { p, bulge: b, ..Vertex::default() });
                        verts.push(Vertex { p: q, bulge: b, ..Vertex::default() });
                    } else {
                        verts.push(Vertex { p, bulge: (sweep / 4.0).tan(), ..Vertex::default() });
                    }
                }
                _ => return None,
            }
        }
        if verts.len() < 2 {
            continue;
        }
        let (_, area) = ring_length_area(&verts, true);
        let n = verts.len();
        outline.push(verts[0].p);
        for i in 0..n {
            let (a, b) = (verts[i], verts[(i + 1) % n]);
            flatten_bulge(a.p, b.p, a.bulge, 1e-6 * a.p.distance(b.p).max(1e-12), &mut outline);
        }
        rings.push((area.abs(), outline));
    }
    // Nesting depth by point-in-polygon: even depth adds, odd depth subtracts (even-odd rule).
    let mut total = 0.0;
    for (i, (area, ring)) in rings.iter().enumerate() {
        let Some(probe) = ring.first() else { continue };
        let depth = rings.iter().enumerate().filter(|(j, (_, other))| *j != i && point_in_ring(*probe, other)).count();
        total += if depth % 2 == 0 { *area } else { -*area };
    }
    Some(total.abs())
}

fn point_in_ring(p: Point, ring: &[Point]) -> bool {
    let mut inside = false;
    let n = ring.len();
    for i in 0..n {
        let (a, b) = (ring[i], ring[(i + 1) % n]);
        if (a.y > p.y) != (b.y > p.y) {
            let x = a.x + (p.y - a.y) * (b.x - a.x) / (b.y - a.y);
            if p.x < x {
                inside = !inside;
            }
        }
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::drawing::{BlockDef, InsertGeom};

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<Vertex> {
        [(x0, y0), (x1, y0), (x1, y1), (x0, y1)].iter().map(|&(x, y)| Vertex::at(Point::xy(x, y))).collect()
    }

    #[test]
    fn closed_rectangle_metrics() {
        let e = Entity::new(
            "LWPOLYLINE",
            Geom::Polyline { vertices: rect(0.0, 0.0, 80.0, 50.0), closed: true, constant_width: 0.0 },
        );
        let m = metrics(&e);
        assert_eq!(
            m,
            Metrics { length: Some(260.0), area: Some(4000.0), perimeter: Some(260.0), vertex_count: Some(4) }
        );
    }

    #[test]
    fn wide_polyline_box_includes_its_mitred_corner() {
        // A right angle at (10, 0) drawn 2 wide: the outer mitre corner is (11, -1).
        let vs: Vec<Vertex> =
            [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0)].iter().map(|&(x, y)| Vertex::at(Point::xy(x, y))).collect();
        let b = geom_bbox(&Geom::Polyline { vertices: vs, closed: false, constant_width: 2.0 });
        assert_eq!((b.min_x, b.min_y, b.max_x, b.max_y), (0.0, -1.0, 11.0, 10.0));
    }

    #[test]
    fn text_box_is_point_six_height_per_char() {
        let t =
            TextGeom { value: "BRACKET-01".into(), position: Point::xy(5.0, 5.0), height: 3.5, ..TextGeom::default() };
        let b = geom_bbox(&Geom::Text(Box::new(t)));
        assert!((b.max_x - 26.0).abs() < 1e-9 && (b.max_y - 8.5).abs() < 1e-9);
    }

    #[test]
    fn insert_box_is_the_moved_block_box() {
        let block = BlockDef {
            name: "TB-A4".into(),
            base: Point::ZERO,
            external: false,
            entities: vec![Entity::new(
                "LWPOLYLINE",
                Geom::Polyline { vertices: rect(-100.0, 0.0, 0.0, 30.0), closed: true, constant_width: 0.0 },
            )],
        };
        let blocks = [block];
        let table = BlockTable::new(&blocks);
        let ins = Entity::new("INSERT", Geom::Insert(Box::new(InsertGeom::new("tb-a4", Point::xy(287.0, 10.0)))));
        let b = entity_bbox(&ins, &table);
        assert_eq!((b.min_x, b.min_y, b.max_x, b.max_y), (187.0, 10.0, 287.0, 40.0));
    }

    #[test]
    fn hatch_with_a_round_hole_subtracts_it() {
        let outer = vec![HatchEdge::Polyline { vertices: rect(0.0, 0.0, 10.0, 10.0), closed: true }];
        let hole = vec![HatchEdge::Arc {
            center: Point::xy(5.0, 5.0),
            radius: 1.0,
            start: 0.0,
            end: std::f64::consts::TAU,
            ccw: true,
        }];
        let area = hatch_area(&[outer, hole]).expect("straight and circular edges have an area");
        assert!((area - (100.0 - std::f64::consts::PI)).abs() < 1e-9);
    }
}
