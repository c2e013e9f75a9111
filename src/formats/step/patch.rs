//! Surfaces that are bodies without a B-rep around them: the members of a `GEOMETRIC_SET` in a
//! `GEOMETRICALLY_BOUNDED_SURFACE_SHAPE_REPRESENTATION` (or any shape representation) — a
//! `CURVE_BOUNDED_SURFACE`, a `RECTANGULAR_TRIMMED_SURFACE`, a bounded B-spline surface, a whole sphere or
//! torus. OpenCASCADE turns each into a face of an open shell (area, no volume); so does this module.
//!
//! A patch has no edges or vertices, so its bounds are sampled here, adaptively to the chord tolerance:
//! a boundary curve's pcurve (its (u, v) image, which is bounded where the 3D curve often is an unbounded
//! `LINE`) or else its bounded 3D curve; a rectangle of parameters is sampled along its four iso-lines.
//! The loops then go to [`tessellate::mesh_face`] like any face's. Patches share no edges, so nothing
//! needs welding across them.

use super::geometry::{Geometry, Unsupported};
use super::parser::{Instance, Param};
use super::placement;
use crate::model::{FaceMesh, Point};
use crate::tessellate::{self, Curve, FaceLoop, Surface, Tolerance};

type Geo<T> = Result<T, Unsupported>;

fn fail<T>(what: impl Into<String>) -> Geo<T> {
    Err(Unsupported(what.into()))
}

/// Deepest bisection of one sampled parameter interval (after the initial split).
const MAX_BISECT: u32 = 14;
/// Pieces every sampled interval starts with, so a curve symmetric about its midpoint is not taken for a
/// straight one.
const INITIAL_PIECES: usize = 4;
/// Nesting of wrappers (surface curve → trimmed curve → …) followed for a boundary's bounds.
const MAX_DEPTH: usize = 8;

/// Whether a set member is a surface this module meshes.
pub fn is_patch(inst: &Instance<'_>) -> bool {
    inst.records.iter().any(|r| {
        let n = r.name.to_ascii_uppercase();
        matches!(
            n.as_str(),
            "CURVE_BOUNDED_SURFACE"
                | "RECTANGULAR_TRIMMED_SURFACE"
                | "SPHERICAL_SURFACE"
                | "TOROIDAL_SURFACE"
                | "BEZIER_SURFACE"
                | "QUASI_UNIFORM_SURFACE"
                | "UNIFORM_SURFACE"
        ) || n.starts_with("B_SPLINE_SURFACE")
    })
}

/// Which parameters of a surface are angles (file angle units in pcurves and trims, radians in the kernel).
fn angular(s: &Surface) -> (bool, bool) {
    match s {
        Surface::Cylinder { .. } | Surface::Cone { .. } | Surface::Revolution { .. } => (true, false),
        Surface::Sphere { .. } | Surface::Torus { .. } => (true, true),
        Surface::Offset { basis, .. } => angular(basis),
        _ => (false, false),
    }
}

/// Points of `f` over `[t0, t1]`, both ends included, each chord within `tol.chord` of the curve at its
/// midpoint and quarter points (bounded bisection).
fn sample(f: &dyn Fn(f64) -> Point, t0: f64, t1: f64, tol: &Tolerance) -> Geo<Vec<Point>> {
    if !t0.is_finite() || !t1.is_finite() {
        return fail("patch bound with an unbounded parameter range");
    }
    let mut out = vec![f(t0)];
    let step = (t1 - t0) / INITIAL_PIECES as f64;
    for k in 0..INITIAL_PIECES {
        let a = t0 + step * k as f64;
        let b = if k + 1 == INITIAL_PIECES { t1 } else { a + step };
        // Explicit stack of (a, b, depth), right half pushed first so points come out in order.
        let mut stack = vec![(a, b, 0u32)];
        while let Some((a, b, depth)) = stack.pop() {
            let (pa, pb) = (f(a), f(b));
            let fine = depth >= MAX_BISECT
                || [0.25, 0.5, 0.75].iter().all(|&s| {
                    let q = f(a + (b - a) * s);
                    q.distance(pa.plus(pb.minus(pa).scale(s))) <= tol.chord
                });
            if fine {
                out.push(pb);
            } else {
                let m = 0.5 * (a + b);
                stack.push((m, b, depth + 1));
                stack.push((a, m, depth + 1));
            }
        }
    }
    if out.iter().any(|p| !p.is_finite()) {
        return fail("non-finite point on a patch bound");
    }
    Ok(out)
}

/// A closed polyline from pieces that each start where the previous one ended: junctions once, points
/// closer than a millionth of the chord tolerance (a collapsed side at a pole) merged, last ≠ first.
fn close_loop(pieces: Vec<Vec<Point>>, tol: &Tolerance) -> Geo<FaceLoop> {
    let eps = tol.chord * 1e-6;
    let mut points: Vec<Point> = Vec::new();
    for piece in pieces {
        for p in piece {
            if points.last().is_none_or(|q| q.distance(p) > eps) {
                points.push(p);
            }
        }
    }
    while points.len() > 1 && points.first().zip(points.last()).is_some_and(|(a, b)| a.distance(*b) <= eps) {
        points.pop();
    }
    if points.len() < 3 {
        return fail("patch bound with fewer than 3 points");
    }
    Ok(FaceLoop::from_points(points))
}

/// Turns pieces so that each starts at the end nearest the previous one's end. Writers disagree on a
/// composite segment's sense (Pro/ENGINEER marks every segment of a connected forward chain `.F.`); the
/// bound is the chain either way, as OpenCASCADE's wire repair makes it.
fn chain(pieces: &mut [Vec<Point>]) {
    let ends = |p: &Vec<Point>| p.first().copied().zip(p.last().copied());
    if let [first, second, ..] = pieces {
        if let (Some((a0, a1)), Some((b0, b1))) = (ends(first), ends(second)) {
            let gap = |p: Point| p.distance(b0).min(p.distance(b1));
            if gap(a0) < gap(a1) {
                first.reverse();
            }
        }
    }
    for i in 1..pieces.len() {
        let Some(prev) = pieces[i - 1].last().copied() else { continue };
        let piece = &mut pieces[i];
        if let Some((b0, b1)) = ends(piece) {
            if prev.distance(b1) < prev.distance(b0) {
                piece.reverse();
            }
        }
    }
}

/// The boundary of the parameter rectangle `[u0, u1] × [v0, v1]` of `s`.
fn rectangle(s: &Surface, (u0, u1): (f64, f64), (v0, v1): (f64, f64), tol: &Tolerance) -> Geo<FaceLoop> {
    let sides = vec![
        sample(&|u| s.eval(u, v0), u0, u1, tol)?,
        sample(&|v| s.eval(u1, v), v0, v1, tol)?,
        sample(&|u| s.eval(u, v1), u1, u0, tol)?,
        sample(&|v| s.eval(u0, v), v1, v0, tol)?,
    ];
    close_loop(sides, tol)
}

pub struct Patches<'p, 'g, 'a> {
    pub geo: &'p Geometry<'g, 'a>,
}

impl<'p, 'g, 'a> Patches<'p, 'g, 'a> {
    fn inst(&self, id: u64) -> Geo<&'g Instance<'a>> {
        match self.geo.graph.instances.get(&id) {
            Some(i) => Ok(i),
            None => fail(format!("reference to undefined #{id}")),
        }
    }

    /// Meshes one set member.
    pub fn mesh(&self, id: u64, tol: &Tolerance) -> Geo<FaceMesh> {
        let inst = self.inst(id)?;
        let at = |i: usize| inst.param(i).and_then(Param::reference).unwrap_or(0);
        let (surface, loops) = if inst.is("CURVE_BOUNDED_SURFACE") {
            let basis = self.geo.surface(at(1))?;
            let mut loops = Vec::new();
            for b in list_refs(inst.param(2)) {
                loops.push(self.boundary(b, (at(1), &basis), tol)?);
            }
            if inst.param(3).and_then(Param::logical) == Some(true) {
                loops.push(self.whole(&basis, tol)?);
            }
            (basis, loops)
        } else if inst.is("RECTANGULAR_TRIMMED_SURFACE") {
            let basis = self.geo.surface(at(1))?;
            let l = self.trimmed_rectangle(inst, &basis, tol)?;
            (basis, vec![l])
        } else {
            let s = self.geo.surface(id)?;
            // A sphere or torus is closed: the kernel meshes it whole from no bounds.
            let loops = match s {
                Surface::Sphere { .. } | Surface::Torus { .. } => Vec::new(),
                _ => vec![self.whole(&s, tol)?],
            };
            (s, loops)
        };
        tessellate::mesh_face(&surface, true, &loops, tol)
            .map_err(|e| Unsupported(format!("kernel (surface patch): {e}")))
    }

    /// The natural boundary of a bounded surface.
    fn whole(&self, s: &Surface, tol: &Tolerance) -> Geo<FaceLoop> {
        match (s.u_limits(), s.v_limits()) {
            (Some(u), Some(v)) if [u.0, u.1, v.0, v.1].iter().all(|x| x.is_finite()) => rectangle(s, u, v, tol),
            _ => fail("unbounded surface without bounds"),
        }
    }

    /// Factors from a surface's STEP parameters (ISO 10303-42) to the kernel's: angles from the file's
    /// angle unit to radians, and a cone's v from height along the axis to distance along the generatrix
    /// (the kernel's cone is OpenCASCADE's, ρ = R + v·sin α, z = v·cos α).
    fn parameter_scale(&self, s: &Surface) -> (f64, f64) {
        let (au, av) = angular(s);
        let ku = if au { self.geo.angle } else { 1.0 };
        let kv = if av { self.geo.angle } else { 1.0 };
        match s {
            Surface::Cone { semi_angle, .. } if semi_angle.cos().abs() > 1e-12 => (ku, kv / semi_angle.cos()),
            _ => (ku, kv),
        }
    }

    /// `RECTANGULAR_TRIMMED_SURFACE(name, basis, u1, u2, v1, v2, usense, vsense)`.
    fn trimmed_rectangle(&self, inst: &Instance<'_>, basis: &Surface, tol: &Tolerance) -> Geo<FaceLoop> {
        let (ku, kv) = self.parameter_scale(basis);
        let real = |i: usize, k: f64| -> Geo<f64> {
            match inst.param(i).and_then(Param::real).filter(|v| v.is_finite()) {
                Some(v) => Ok(v * k),
                None => fail("unreadable RECTANGULAR_TRIMMED_SURFACE bound"),
            }
        };
        let range = |a: f64, b: f64, sense: bool, period: Option<f64>| match period {
            // Along a closed direction the sense says which way round from the first bound to the second.
            Some(p) if sense && b <= a => (a, b + p),
            Some(p) if !sense && b >= a => (b, a + p),
            _ => (a.min(b), a.max(b)),
        };
        let sense = |i: usize| inst.param(i).and_then(Param::logical).unwrap_or(true);
        let u = range(real(2, ku)?, real(3, ku)?, sense(6), basis.u_period());
        let v = range(real(4, kv)?, real(5, kv)?, sense(7), basis.v_period());
        rectangle(basis, u, v, tol)
    }

    /// One `BOUNDARY_CURVE` / `OUTER_BOUNDARY_CURVE` (a composite curve on the surface) as a loop.
    fn boundary(&self, id: u64, basis: (u64, &Surface), tol: &Tolerance) -> Geo<FaceLoop> {
        let inst = self.inst(id)?;
        let mut pieces = Vec::new();
        for seg in list_refs(inst.param(1)) {
            pieces.extend(self.segment_points(seg, basis, tol, 0)?);
        }
        chain(&mut pieces);
        close_loop(pieces, tol)
    }

    /// The points of a composite curve segment (or a nested composite curve), in the segment's sense.
    fn segment_points(&self, id: u64, basis: (u64, &Surface), tol: &Tolerance, depth: usize) -> Geo<Vec<Vec<Point>>> {
        if depth > MAX_DEPTH {
            return fail("composite curve nesting");
        }
        let seg = self.inst(id)?;
        let Some(rec) = seg.record("COMPOSITE_CURVE_SEGMENT") else {
            return fail(format!("boundary segment {}", seg.name()));
        };
        let same_sense = rec.params.get(1).and_then(Param::logical).unwrap_or(true);
        let parent = rec.params.get(2).and_then(Param::reference).unwrap_or(0);
        let pi = self.inst(parent)?;
        let mut pieces = if pi.is("COMPOSITE_CURVE") || pi.is("COMPOSITE_CURVE_ON_SURFACE") {
            let mut v = Vec::new();
            for s in list_refs(pi.param(1)) {
                v.extend(self.segment_points(s, basis, tol, depth + 1)?);
            }
            v
        } else {
            vec![self.curve_points(parent, basis, tol)?]
        };
        if !same_sense {
            pieces.reverse();
            pieces.iter_mut().for_each(|p| p.reverse());
        }
        Ok(pieces)
    }

    /// Points of one boundary curve: from its pcurve when it has a bounded one, else its bounded 3D curve.
    fn curve_points(&self, id: u64, (basis_id, basis): (u64, &Surface), tol: &Tolerance) -> Geo<Vec<Point>> {
        let inst = self.inst(id)?;
        if inst.is("PCURVE") {
            return self.pcurve_points(inst, basis, tol);
        }
        if let Some(rec) = ["SURFACE_CURVE", "BOUNDED_SURFACE_CURVE", "SEAM_CURVE", "INTERSECTION_CURVE"]
            .iter()
            .find_map(|n| inst.record(n))
        {
            // (name, curve_3d, associated_geometry, master_representation); a complex instance's partial
            // record has no name (it is REPRESENTATION_ITEM's).
            let off = usize::from(!inst.is_complex());
            for g in rec.params.get(1 + off).and_then(Param::list).unwrap_or(&[]).iter().filter_map(Param::reference) {
                // Only a pcurve on this patch's own surface (a shared boundary has one per surface).
                let on_basis = |i: &&Instance<'_>| i.param(1).and_then(Param::reference) == Some(basis_id);
                if let Some(pc) = self.geo.graph.instances.get(&g).filter(|i| i.is("PCURVE")).filter(on_basis) {
                    if let Ok(points) = self.pcurve_points(pc, basis, tol) {
                        return Ok(points);
                    }
                }
            }
            let c3 = rec.params.get(off).and_then(Param::reference).unwrap_or(0);
            return self.curve_points(c3, (basis_id, basis), tol);
        }
        let (curve, t0, t1) = self.bounded(id)?;
        sample(&|t| curve.eval(curve.wrap(t)), t0, t1, tol)
    }

    /// `PCURVE(name, surface, DEFINITIONAL_REPRESENTATION(name, (curve_2d), context))` mapped onto `basis`.
    fn pcurve_points(&self, pc: &Instance<'_>, basis: &Surface, tol: &Tolerance) -> Geo<Vec<Point>> {
        let rep = self.inst(pc.param(2).and_then(Param::reference).unwrap_or(0))?;
        let items = rep.records.iter().find_map(|r| r.params.get(1).and_then(Param::list)).unwrap_or(&[]);
        let Some(c2) = items.iter().find_map(Param::reference) else { return fail("PCURVE without a curve") };
        let (curve, t0, t1) = self.bounded(c2)?;
        let (ku, kv) = self.parameter_scale(basis);
        sample(
            &|t| {
                let q = curve.eval(curve.wrap(t));
                basis.eval(q.x * ku, q.y * kv)
            },
            t0,
            t1,
            tol,
        )
    }

    /// A curve with the parameter range it is bounded to: a `TRIMMED_CURVE`'s trims, a B-spline's or
    /// polyline's own range, a whole circle or ellipse (2D parameter-space curves alike).
    pub(super) fn bounded(&self, id: u64) -> Geo<(Curve, f64, f64)> {
        let inst = self.inst(id)?;
        if let Some(rec) = inst.record("TRIMMED_CURVE") {
            let basis_id = rec.params.get(1).and_then(Param::reference).unwrap_or(0);
            let curve = self.geo.curve(basis_id)?;
            let conic = matches!(curve, Curve::Circle { .. } | Curve::Ellipse { .. });
            let prefer_point =
                rec.params.get(5).and_then(Param::enumeration).is_some_and(|m| m.eq_ignore_ascii_case("CARTESIAN"));
            let trim = |i: usize| -> Geo<f64> {
                let list = rec.params.get(i).and_then(Param::list).unwrap_or(&[]);
                let value = list.iter().find_map(Param::real).map(|v| if conic { v * self.geo.angle } else { v });
                let point = list
                    .iter()
                    .filter_map(Param::reference)
                    .find_map(|p| placement::point(self.geo.graph, p))
                    .map(|p| curve.param_of(p));
                match (value, point) {
                    (Some(_), Some(p)) if prefer_point => Ok(p),
                    (Some(v), _) => Ok(v),
                    (None, Some(p)) => Ok(p),
                    (None, None) => fail("unreadable TRIMMED_CURVE trim"),
                }
            };
            let (a, mut b) = (trim(2)?, trim(3)?);
            let sense = rec.params.get(4).and_then(Param::logical).unwrap_or(true);
            if let Some(p) = curve.period() {
                if sense && b <= a {
                    b += p;
                } else if !sense && b >= a {
                    b -= p;
                }
            }
            return Ok((curve, a, b));
        }
        let curve = self.geo.curve(id)?;
        let range = match &curve {
            Curve::Nurbs(c) => c.domain(),
            Curve::Polyline(p) => (0.0, p.len().saturating_sub(1) as f64),
            Curve::Circle { .. } | Curve::Ellipse { .. } => (0.0, std::f64::consts::TAU),
            Curve::Line { .. } => return fail("unbounded LINE as a patch bound"),
        };
        Ok((curve, range.0, range.1))
    }
}

fn list_refs(p: Option<&Param<'_>>) -> Vec<u64> {
    p.and_then(Param::list).map(|l| l.iter().filter_map(Param::reference).collect()).unwrap_or_default()
}
