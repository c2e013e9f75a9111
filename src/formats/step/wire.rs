//! Wireframe (formats.md §6): the curves and points of a part's `GEOMETRIC_CURVE_SET`, `GEOMETRIC_SET`
//! (its members that are not surface patches, which [`super::patch`] meshes), `EDGE_BASED_WIREFRAME_MODEL`
//! and `SHELL_BASED_WIREFRAME_MODEL` items become the part's wires (3D polylines) and points. OpenCASCADE
//! transfers them as edges and vertices of the part's compound, so its bounding box covers them; a
//! wireframe-only file has nothing else to show.
//!
//! A curve is flattened by the kernel's edge discretisation ([`tessellate::discretise_edge`]) at the
//! faces' tolerance, between the points its bounds give: a `TRIMMED_CURVE`'s trims, a B-spline's or a
//! polyline's own range, a whole circle or ellipse, a composite curve segment by segment; a topological
//! edge is the same points a face bound would use. An unbounded `LINE` has no finite polyline (OpenCASCADE
//! boxes it as ±1e97): it is skipped and counted, like every member that cannot be read.

use super::geometry::Unsupported;
use super::graph::Graph;
use super::parser::{Instance, Param};
use super::patch;
use super::placement;
use super::shape::Mesher;
use crate::model::{BBox3, PartDef, Point, Rgba, Wire};
use crate::tessellate::{self, Curve, Tolerance};

type Geo<T> = Result<T, Unsupported>;

fn fail<T>(what: impl Into<String>) -> Geo<T> {
    Err(Unsupported(what.into()))
}

/// Representation items whose curves and points are the wireframe.
pub const WIRE_ITEMS: &[&str] =
    &["GEOMETRIC_SET", "GEOMETRIC_CURVE_SET", "EDGE_BASED_WIREFRAME_MODEL", "SHELL_BASED_WIREFRAME_MODEL"];

/// Nesting of composite curves and wrapper curves followed.
const MAX_DEPTH: usize = 8;
/// Wire points of one file at most (each curve is capped by the kernel; this bounds a file of millions
/// of curves).
const MAX_WIRE_POINTS: usize = 20_000_000;
/// Entities the bounding-box walk of one part's wireframe visits at most.
const MAX_BBOX_VISITS: usize = 2_000_000;

/// The wireframe items of a representation, in order.
pub fn wire_items(graph: &Graph<'_>, rep: u64) -> Vec<u64> {
    let Some(inst) = graph.instances.get(&rep) else { return Vec::new() };
    let items = inst.records.iter().find_map(|r| r.params.get(1).and_then(Param::list)).unwrap_or(&[]);
    items.iter().filter_map(Param::reference).filter(|id| graph.instances.get(id).is_some_and(is_wire_item)).collect()
}

pub fn is_wire_item(inst: &Instance<'_>) -> bool {
    WIRE_ITEMS.iter().any(|n| inst.is(n))
}

/// Whether a set member is a point (not a curve).
fn is_point(inst: &Instance<'_>) -> bool {
    inst.is("CARTESIAN_POINT") || inst.is("POINT_ON_CURVE")
}

impl Mesher<'_, '_> {
    /// The wires and points of one wireframe item into `part` (in the part's own unit).
    pub(super) fn wire_item(&mut self, item: u64, tol: &Tolerance, part: &mut PartDef) {
        let graph = self.geo.graph;
        let Some(inst) = graph.instances.get(&item) else { return };
        let set_colour = self.colours.get(&item).copied();
        if inst.is("GEOMETRIC_SET") || inst.is("GEOMETRIC_CURVE_SET") {
            for m in list_refs(inst.param(1)) {
                let Some(mi) = graph.instances.get(&m) else {
                    self.wire_skip(format!("reference to undefined #{m}"));
                    continue;
                };
                if patch::is_patch(mi) {
                    continue;
                }
                let colour = self.colours.get(&m).copied().or(set_colour);
                if is_point(mi) {
                    match self.point_member(mi) {
                        Ok(p) => self.push_point(p, part),
                        Err(e) => self.wire_skip(e.0),
                    }
                    continue;
                }
                match self.curve_pieces(m, tol, 0) {
                    Ok(pieces) => self.push_wires(pieces, colour, part),
                    Err(e) => self.wire_skip(e.0),
                }
            }
        } else if inst.is("EDGE_BASED_WIREFRAME_MODEL") {
            for set in list_refs(inst.param(1)) {
                let edges = graph.instances.get(&set).map(|s| list_refs(s.param(1))).unwrap_or_default();
                for e in edges {
                    match self.topological_edge(e, tol) {
                        Ok(points) => self.push_wires(vec![points], set_colour, part),
                        Err(err) => self.wire_skip(err.0),
                    }
                }
            }
        } else if inst.is("SHELL_BASED_WIREFRAME_MODEL") {
            for shell in list_refs(inst.param(1)) {
                let Some(si) = graph.instances.get(&shell) else { continue };
                // WIRE_SHELL(name, (loops)) or VERTEX_SHELL(name, vertex_loop).
                let loops = if si.is("VERTEX_SHELL") {
                    si.param(1).and_then(Param::reference).into_iter().collect()
                } else {
                    list_refs(si.param(1))
                };
                for l in loops {
                    if let Err(e) = self.wire_loop(l, tol, set_colour, part) {
                        self.wire_skip(e.0);
                    }
                }
            }
        }
    }

    fn wire_skip(&mut self, reason: String) {
        *self.wire_failures.entry(reason).or_default() += 1;
    }

    fn push_point(&mut self, p: Point, part: &mut PartDef) {
        if self.wire_points < MAX_WIRE_POINTS && p.is_finite() {
            self.wire_points += 1;
            part.points.push([p.x as f32, p.y as f32, p.z as f32]);
        }
    }

    fn push_wires(&mut self, pieces: Vec<Vec<Point>>, colour: Option<Rgba>, part: &mut PartDef) {
        for piece in pieces {
            if piece.len() < 2 || piece.iter().any(|p| !p.is_finite()) {
                self.wire_skip("curve with a non-finite or single point".into());
                continue;
            }
            if self.wire_points + piece.len() > MAX_WIRE_POINTS {
                self.wire_skip(format!("over the {MAX_WIRE_POINTS} wire points of a file"));
                continue;
            }
            self.wire_points += piece.len();
            let points = piece.iter().map(|p| [p.x as f32, p.y as f32, p.z as f32]).collect();
            part.wires.push(Wire { points, colour });
        }
    }

    /// `CARTESIAN_POINT` or `POINT_ON_CURVE(name, curve, parameter)`.
    fn point_member(&self, inst: &Instance<'_>) -> Geo<Point> {
        if let Some(rec) = inst.record("POINT_ON_CURVE") {
            let off = usize::from(!inst.is_complex());
            let curve = self.geo.curve(rec.params.get(off).and_then(Param::reference).unwrap_or(0))?;
            let Some(t) = rec.params.get(off + 1).and_then(Param::real).filter(|t| t.is_finite()) else {
                return fail("unreadable POINT_ON_CURVE parameter");
            };
            let conic = matches!(curve, Curve::Circle { .. } | Curve::Ellipse { .. });
            return Ok(curve.eval(curve.wrap(if conic { t * self.geo.angle } else { t })));
        }
        let coords = inst.record("CARTESIAN_POINT").and_then(|r| r.params.get(1)?.list()).unwrap_or(&[]);
        match placement::triple(coords) {
            Some(p) => Ok(p),
            None => fail("unreadable CARTESIAN_POINT"),
        }
    }

    /// The polylines of one curve: one for a simple curve, one per segment of a composite curve, each in
    /// the curve's sense.
    fn curve_pieces(&mut self, id: u64, tol: &Tolerance, depth: usize) -> Geo<Vec<Vec<Point>>> {
        if depth > MAX_DEPTH {
            return fail("wire curve nesting deeper than 8");
        }
        let graph = self.geo.graph;
        let Some(inst) = graph.instances.get(&id) else { return fail(format!("reference to undefined #{id}")) };
        if inst.is("COMPOSITE_CURVE") {
            let mut out = Vec::new();
            for seg in list_refs(inst.param(1)) {
                let Some(rec) = graph.instances.get(&seg).and_then(|s| s.record("COMPOSITE_CURVE_SEGMENT")) else {
                    return fail("composite curve segment");
                };
                let same_sense = rec.params.get(1).and_then(Param::logical).unwrap_or(true);
                let parent = rec.params.get(2).and_then(Param::reference).unwrap_or(0);
                let mut pieces = self.curve_pieces(parent, tol, depth + 1)?;
                if !same_sense {
                    pieces.reverse();
                    pieces.iter_mut().for_each(|p| p.reverse());
                }
                out.extend(pieces);
            }
            return Ok(out);
        }
        if let Some(rec) = ["SURFACE_CURVE", "BOUNDED_SURFACE_CURVE", "SEAM_CURVE", "INTERSECTION_CURVE"]
            .iter()
            .find_map(|n| inst.record(n))
        {
            // The 3D curve (its own bounds, a trimmed curve's trims, stay with it); a complex instance's
            // partial record has no name.
            let off = usize::from(!inst.is_complex());
            let c3 = rec.params.get(off).and_then(Param::reference).unwrap_or(0);
            return self.curve_pieces(c3, tol, depth + 1);
        }
        if inst.is("EDGE_CURVE") || inst.is("ORIENTED_EDGE") {
            return Ok(vec![self.topological_edge(id, tol)?]);
        }
        let curve = self.geo.curve(id)?;
        if !inst.is("TRIMMED_CURVE") {
            match &curve {
                Curve::Line { .. } => return fail("unbounded LINE (no finite extent)"),
                Curve::Polyline(points) => return Ok(vec![points.clone()]),
                _ => {}
            }
        }
        let (curve, t0, t1) = patch::Patches { geo: &self.geo }.bounded(id)?;
        Ok(vec![flatten(&curve, t0, t1, tol)?])
    }

    /// The points of an `EDGE_CURVE` (shared with faces) or an `ORIENTED_EDGE` in its sense.
    fn topological_edge(&mut self, id: u64, tol: &Tolerance) -> Geo<Vec<Point>> {
        let graph = self.geo.graph;
        let Some(inst) = graph.instances.get(&id) else { return fail(format!("reference to undefined #{id}")) };
        if inst.is("ORIENTED_EDGE") {
            let along = inst.param(4).and_then(Param::logical).unwrap_or(true);
            let edge = inst.param(3).and_then(Param::reference).unwrap_or(0);
            let mut points = self.edge(edge, tol)?.points.clone();
            if !along {
                points.reverse();
            }
            return Ok(points);
        }
        Ok(self.edge(id, tol)?.points.clone())
    }

    /// One loop of a wire or vertex shell: its edges, its polygon (closed) or its vertex.
    fn wire_loop(&mut self, id: u64, tol: &Tolerance, colour: Option<Rgba>, part: &mut PartDef) -> Geo<()> {
        let graph = self.geo.graph;
        let Some(inst) = graph.instances.get(&id) else { return fail(format!("reference to undefined #{id}")) };
        if inst.is("EDGE_LOOP") {
            for oe in list_refs(inst.param(1)) {
                let points = self.topological_edge(oe, tol)?;
                self.push_wires(vec![points], colour, part);
            }
        } else if inst.is("POLY_LOOP") {
            let mut points = Vec::new();
            for q in list_refs(inst.param(1)) {
                match placement::point(graph, q) {
                    Some(p) => points.push(p),
                    None => return fail("unreadable POLY_LOOP point"),
                }
            }
            if let Some(&first) = points.first() {
                points.push(first);
            }
            self.push_wires(vec![points], colour, part);
        } else if inst.is("VERTEX_LOOP") {
            let vertex = inst.param(1).and_then(Param::reference).and_then(|v| graph.instances.get(&v));
            let p = vertex
                .and_then(|v| v.record("VERTEX_POINT")?.params.get(1)?.reference())
                .and_then(|p| placement::point(graph, p));
            match p {
                Some(p) => self.push_point(p, part),
                None => return fail("unreadable VERTEX_POINT"),
            }
        } else {
            return fail(format!("wire loop {}", inst.name()));
        }
        Ok(())
    }

    /// The reasons wireframe members were not drawn, most frequent first (for the document's warnings).
    pub fn wire_summary(&self) -> Option<String> {
        if self.wire_failures.is_empty() {
            return None;
        }
        let mut v: Vec<(&String, &u32)> = self.wire_failures.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let total: u32 = v.iter().map(|(_, n)| **n).sum();
        let list: Vec<String> = v.iter().take(8).map(|(r, n)| format!("{n} × {r}")).collect();
        Some(format!("{total} wireframe curves or points not drawn: {}", list.join("; ")))
    }
}

/// A bounded curve from parameter `t0` to `t1` (t1 < t0: against the curve's sense) as a polyline, by
/// the kernel's edge discretisation between the two end points.
fn flatten(curve: &Curve, t0: f64, t1: f64, tol: &Tolerance) -> Geo<Vec<Point>> {
    let start = curve.eval(curve.wrap(t0));
    // A whole turn of a closed curve ends where it starts; the kernel reads equal ends as the whole curve
    // (the evaluated end differs in the last bits, which would read as a zero-length arc).
    let whole = curve.period().is_some_and(|p| (t1 - t0).abs() >= p * (1.0 - 1e-12));
    let end = if whole { start } else { curve.eval(curve.wrap(t1)) };
    tessellate::discretise_edge(curve, start, end, t1 >= t0, tol)
        .map_err(|e| Unsupported(format!("kernel (wire curve): {e}")))
}

/// A box around a part's wireframe from its 3D points (a circle or ellipse by the cube of its largest
/// radius around its centre), before anything is flattened: it enters the chord tolerance as OpenCASCADE's
/// box of the whole compound does. Bounded by [`MAX_BBOX_VISITS`].
pub fn wire_bbox(graph: &Graph<'_>, items: &[u64]) -> BBox3 {
    let mut bbox = BBox3::EMPTY;
    let mut seen = std::collections::HashSet::new();
    let mut stack: Vec<u64> = items.to_vec();
    while let Some(id) = stack.pop() {
        if seen.len() > MAX_BBOX_VISITS || !seen.insert(id) {
            continue;
        }
        let Some(inst) = graph.instances.get(&id) else { continue };
        // Surfaces of a set are bodies (boxed with them); pcurves' points are parameters; a line's point
        // is one of its points, its direction none.
        if patch::is_patch(inst)
            || inst.is("DEFINITIONAL_REPRESENTATION")
            || inst.is("REPRESENTATION_CONTEXT")
            || inst.is("PCURVE")
            || inst.is("DIRECTION")
        {
            continue;
        }
        if let Some(rec) = inst.record("CARTESIAN_POINT") {
            let coords = rec.params.get(1).and_then(Param::list).unwrap_or(&[]);
            if let Some(p) = (coords.len() == 3).then(|| placement::triple(coords)).flatten() {
                bbox.add_point(p);
            }
            continue;
        }
        let real = |i: usize| inst.param(i).and_then(Param::real).filter(|r| r.is_finite()).map(f64::abs);
        let radius = if inst.is("CIRCLE") {
            real(2)
        } else if inst.is("ELLIPSE") {
            real(2).zip(real(3)).map(|(a, b)| a.max(b))
        } else {
            None
        };
        if let Some(r) = radius {
            if let Some(c) = inst.param(1).and_then(Param::reference).and_then(|a| placement::axes(graph, a)) {
                bbox.add_point(Point::new(c.origin.x - r, c.origin.y - r, c.origin.z - r));
                bbox.add_point(Point::new(c.origin.x + r, c.origin.y + r, c.origin.z + r));
            }
            continue;
        }
        inst.for_each_ref(|r| stack.push(r));
    }
    bbox
}

fn list_refs(p: Option<&Param<'_>>) -> Vec<u64> {
    p.and_then(Param::list).map(|l| l.iter().filter_map(Param::reference).collect()).unwrap_or_default()
}
