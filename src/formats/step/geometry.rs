//! STEP curves and surfaces onto the tessellation kernel's types ([`crate::tessellate`]). Everything stays
//! in the representation's own unit; the part's scale is applied to the finished mesh. Wrappers that only
//! restrict a basis (`TRIMMED_CURVE`, `SURFACE_CURVE`/`SEAM_CURVE`/`INTERSECTION_CURVE` → their 3D curve,
//! `RECTANGULAR_TRIMMED_SURFACE`) are unwrapped, because an edge's vertices and a face's loops bound them
//! anyway. What the kernel has no type for is an [`Unsupported`] reason, counted by the caller.

use super::graph::Graph;
use super::parser::{Instance, Param, Record};
use super::placement::{self, Axes};
use crate::model::Point;
use crate::tessellate::{Curve, Frame, NurbsCurve, NurbsSurface, Surface};

/// Nesting of wrapper curves and surfaces accepted (surface curve → trimmed curve → b-spline …).
const MAX_DEPTH: usize = 8;

/// Why an entity could not become a kernel curve or surface (shown in the reader's warnings, by count).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Unsupported(pub String);

type Geo<T> = Result<T, Unsupported>;

fn fail<T>(what: impl Into<String>) -> Geo<T> {
    Err(Unsupported(what.into()))
}

pub struct Geometry<'g, 'a> {
    pub graph: &'g Graph<'a>,
    /// Radians per plane-angle unit of the file (1, or π/180 for degree contexts).
    pub angle: f64,
}

fn frame(a: Axes) -> Frame {
    Frame { origin: a.origin, x: a.x, y: a.y, z: a.z }
}

impl<'g, 'a> Geometry<'g, 'a> {
    fn inst(&self, id: u64) -> Geo<&'g Instance<'a>> {
        match self.graph.instances.get(&id) {
            Some(i) => Ok(i),
            None => fail(format!("reference to undefined #{id}")),
        }
    }

    fn point(&self, p: Option<&Param<'_>>) -> Geo<Point> {
        match p.and_then(Param::reference).and_then(|id| placement::point(self.graph, id)) {
            Some(p) => Ok(p),
            None => fail("unreadable CARTESIAN_POINT"),
        }
    }

    fn axes(&self, p: Option<&Param<'_>>) -> Geo<Axes> {
        match p.and_then(Param::reference).and_then(|id| placement::axes(self.graph, id)) {
            Some(a) => Ok(a),
            None => fail("unreadable AXIS2_PLACEMENT"),
        }
    }

    fn real(&self, p: Option<&Param<'_>>, what: &str) -> Geo<f64> {
        match p.and_then(Param::real).filter(|v| v.is_finite()) {
            Some(v) => Ok(v),
            None => fail(format!("unreadable {what}")),
        }
    }

    /// `VECTOR('', direction, magnitude)` as one vector.
    fn vector(&self, p: Option<&Param<'_>>) -> Geo<Point> {
        let v = self.inst(p.and_then(Param::reference).unwrap_or(0))?;
        let Some(rec) = v.record("VECTOR") else { return fail("unreadable VECTOR") };
        let dir = rec.params.get(1).and_then(Param::reference).and_then(|d| placement::direction(self.graph, d));
        let Some(dir) = dir.and_then(Point::normalized) else { return fail("unreadable VECTOR direction") };
        Ok(dir.scale(self.real(rec.params.get(2), "VECTOR magnitude")?))
    }

    /// The curve of entity `id`.
    pub fn curve(&self, id: u64) -> Geo<Curve> {
        let mut id = id;
        for _ in 0..MAX_DEPTH {
            let inst = self.inst(id)?;
            let name = inst.name().to_ascii_uppercase();
            let p = |i: usize| inst.param(i);
            match name.as_str() {
                "LINE" => return Ok(Curve::Line { origin: self.point(p(1))?, dir: self.vector(p(2))? }),
                "CIRCLE" => {
                    return Ok(Curve::Circle { frame: frame(self.axes(p(1))?), radius: self.real(p(2), "radius")? });
                }
                "ELLIPSE" => {
                    return Ok(Curve::Ellipse {
                        frame: frame(self.axes(p(1))?),
                        semi_x: self.real(p(2), "semi-axis")?,
                        semi_y: self.real(p(3), "semi-axis")?,
                    });
                }
                "POLYLINE" => {
                    let Some(list) = p(1).and_then(Param::list) else { return fail("POLYLINE without points") };
                    let pts = list.iter().map(|q| self.point(Some(q))).collect::<Geo<Vec<Point>>>()?;
                    return Ok(Curve::Polyline(pts));
                }
                "SURFACE_CURVE" | "SEAM_CURVE" | "INTERSECTION_CURVE" | "BOUNDED_SURFACE_CURVE" | "TRIMMED_CURVE" => {
                    id = p(1).and_then(Param::reference).unwrap_or(0);
                }
                _ if self.is_bspline_curve(inst) => return self.bspline_curve(inst),
                _ => return fail(format!("curve {name}")),
            }
        }
        fail("curve nesting deeper than 8")
    }

    fn is_bspline_curve(&self, inst: &Instance<'_>) -> bool {
        inst.records.iter().any(|r| {
            let n = r.name.to_ascii_uppercase();
            n.starts_with("B_SPLINE_CURVE") || n == "BEZIER_CURVE" || n == "QUASI_UNIFORM_CURVE" || n == "UNIFORM_CURVE"
        })
    }

    fn bspline_curve(&self, inst: &Instance<'_>) -> Geo<Curve> {
        // Simple instance: (name, degree, points, form, closed, self_intersect[, mults, knots, spec]);
        // complex: B_SPLINE_CURVE(degree, points, …) beside the knots and weights partials.
        let (base, off) = match inst.record("B_SPLINE_CURVE") {
            Some(r) => (r, 0),
            None => match inst.records.first() {
                Some(r) => (r, 1),
                None => return fail("empty B-spline curve"),
            },
        };
        let degree = base.params.get(off).and_then(Param::int).filter(|d| (1..=25).contains(d));
        let Some(degree) = degree else { return fail("B-spline curve degree") };
        let degree = degree as usize;
        let Some(list) = base.params.get(off + 1).and_then(Param::list) else { return fail("B-spline control points") };
        let ctrl = list.iter().map(|q| self.point(Some(q))).collect::<Geo<Vec<Point>>>()?;
        let knots = self.knots(inst, base, off + 5, degree, ctrl.len(), "CURVE", 0)?;
        let weights = match inst.record("RATIONAL_B_SPLINE_CURVE") {
            Some(r) => Some(reals(r.params.first())?),
            None => None,
        };
        NurbsCurve::new(degree, knots, ctrl, weights).map(Curve::Nurbs).map_err(|e| Unsupported(e.to_string()))
    }

    /// The full knot vector of a B-spline curve or surface (one direction): explicit knots with
    /// multiplicities, or implied by a Bezier / uniform / quasi-uniform form. `simple_at` is where the
    /// multiplicities are in a simple `…_WITH_KNOTS` instance; `dir` picks u (0) or v (1) for surfaces.
    #[allow(clippy::too_many_arguments)]
    fn knots(
        &self,
        inst: &Instance<'_>,
        base: &Record<'_>,
        simple_at: usize,
        degree: usize,
        n: usize,
        kind: &str,
        dir: usize,
    ) -> Geo<Vec<f64>> {
        let surface = kind == "SURFACE";
        let with_knots = format!("B_SPLINE_{kind}_WITH_KNOTS");
        let expected = n + degree + 1;
        let explicit = if let Some(r) = inst.record(&with_knots).filter(|_| inst.is_complex()) {
            // Complex: (mults…, knots…, spec) — for surfaces (u_mults, v_mults, u_knots, v_knots, spec).
            let (m, k) = if surface { (dir, 2 + dir) } else { (0, 1) };
            Some((r.params.get(m), r.params.get(k)))
        } else if base.name.eq_ignore_ascii_case(&with_knots) {
            let (m, k) = if surface { (simple_at + dir, simple_at + 2 + dir) } else { (simple_at, simple_at + 1) };
            Some((base.params.get(m), base.params.get(k)))
        } else {
            None
        };
        if let Some((mults, knots)) = explicit {
            let Some(mults) = mults.and_then(Param::list) else { return fail("knot multiplicities") };
            let mults: Vec<i64> = mults.iter().map(|m| m.int().unwrap_or(0)).collect();
            let knots = reals(knots)?;
            return expand_knots(&knots, &mults, expected);
        }
        let named = |suffix: &str| inst.records.iter().any(|r| r.name.to_ascii_uppercase().ends_with(suffix));
        if named(&format!("QUASI_UNIFORM_{kind}")) {
            // Clamped ends, uniform interior.
            let inner = n.saturating_sub(degree);
            let mut k = vec![0.0; degree + 1];
            k.extend((1..inner).map(|i| i as f64));
            k.extend(std::iter::repeat_n(inner as f64, degree + 1));
            return Ok(k);
        }
        if named(&format!("UNIFORM_{kind}")) {
            return Ok((0..expected).map(|i| i as f64 - degree as f64).collect());
        }
        if named(&format!("BEZIER_{kind}")) {
            if n != degree + 1 {
                return fail("Bezier with a control count other than degree + 1");
            }
            let mut k = vec![0.0; degree + 1];
            k.extend(std::iter::repeat_n(1.0, degree + 1));
            return Ok(k);
        }
        fail(format!("B-spline {kind} without knots"))
    }

    /// The surface of entity `id`.
    pub fn surface(&self, id: u64) -> Geo<Surface> {
        self.surface_at(id, 0)
    }

    fn surface_at(&self, id: u64, depth: usize) -> Geo<Surface> {
        if depth > MAX_DEPTH {
            return fail("surface nesting deeper than 8");
        }
        let inst = self.inst(id)?;
        let name = inst.name().to_ascii_uppercase();
        let p = |i: usize| inst.param(i);
        let at = |i: usize| p(i).and_then(Param::reference).unwrap_or(0);
        Ok(match name.as_str() {
            "PLANE" => Surface::Plane(frame(self.axes(p(1))?)),
            "CYLINDRICAL_SURFACE" => {
                Surface::Cylinder { frame: frame(self.axes(p(1))?), radius: self.real(p(2), "radius")? }
            }
            "CONICAL_SURFACE" => Surface::Cone {
                frame: frame(self.axes(p(1))?),
                radius: self.real(p(2), "radius")?,
                semi_angle: self.real(p(3), "semi-angle")? * self.angle,
            },
            "SPHERICAL_SURFACE" => {
                Surface::Sphere { frame: frame(self.axes(p(1))?), radius: self.real(p(2), "radius")? }
            }
            "TOROIDAL_SURFACE" | "DEGENERATE_TOROIDAL_SURFACE" => Surface::Torus {
                frame: frame(self.axes(p(1))?),
                major: self.real(p(2), "major radius")?,
                minor: self.real(p(3), "minor radius")?,
            },
            "SURFACE_OF_LINEAR_EXTRUSION" => {
                Surface::Extrusion { curve: Box::new(self.curve(at(1))?), dir: self.vector(p(2))? }
            }
            "SURFACE_OF_REVOLUTION" => {
                let axis = self.inst(at(2))?;
                let Some(rec) = axis.record("AXIS1_PLACEMENT") else { return fail("unreadable AXIS1_PLACEMENT") };
                let origin = self.point(rec.params.get(1))?;
                let dir = rec
                    .params
                    .get(2)
                    .and_then(Param::reference)
                    .and_then(|d| placement::direction(self.graph, d))
                    .unwrap_or(Point::new(0.0, 0.0, 1.0));
                Surface::Revolution { curve: Box::new(self.curve(at(1))?), axis_origin: origin, axis_dir: dir }
            }
            "OFFSET_SURFACE" => Surface::Offset {
                basis: Box::new(self.surface_at(at(1), depth + 1)?),
                distance: self.real(p(2), "offset distance")?,
            },
            "RECTANGULAR_TRIMMED_SURFACE" => self.surface_at(at(1), depth + 1)?,
            _ if inst.records.iter().any(|r| {
                let n = r.name.to_ascii_uppercase();
                n.starts_with("B_SPLINE_SURFACE") || n == "BEZIER_SURFACE" || n.ends_with("UNIFORM_SURFACE")
            }) =>
            {
                self.bspline_surface(inst)?
            }
            _ => return fail(format!("surface {name}")),
        })
    }

    fn bspline_surface(&self, inst: &Instance<'_>) -> Geo<Surface> {
        // Simple: (name, u_degree, v_degree, points, form, u_closed, v_closed, self_intersect[, u_mults,
        // v_mults, u_knots, v_knots, spec]); complex: B_SPLINE_SURFACE(u_degree, v_degree, points, …).
        let (base, off) = match inst.record("B_SPLINE_SURFACE") {
            Some(r) => (r, 0),
            None => match inst.records.first() {
                Some(r) => (r, 1),
                None => return fail("empty B-spline surface"),
            },
        };
        let deg = |i: usize| base.params.get(i).and_then(Param::int).filter(|d| (1..=25).contains(d));
        let (Some(ud), Some(vd)) = (deg(off), deg(off + 1)) else { return fail("B-spline surface degree") };
        let (ud, vd) = (ud as usize, vd as usize);
        let Some(rows) = base.params.get(off + 2).and_then(Param::list) else { return fail("B-spline control net") };
        let nu = rows.len();
        let mut nv = 0;
        let mut ctrl = Vec::new();
        for row in rows {
            let Some(row) = row.list() else { return fail("B-spline control net row") };
            if nv == 0 {
                nv = row.len();
            } else if row.len() != nv {
                return fail("ragged B-spline control net");
            }
            for q in row {
                ctrl.push(self.point(Some(q))?);
            }
        }
        let uk = self.knots(inst, base, off + 7, ud, nu, "SURFACE", 0)?;
        let vk = self.knots(inst, base, off + 7, vd, nv, "SURFACE", 1)?;
        let weights = match inst.record("RATIONAL_B_SPLINE_SURFACE") {
            Some(r) => {
                let Some(rows) = r.params.first().and_then(Param::list) else { return fail("weights") };
                let mut w = Vec::with_capacity(ctrl.len());
                for row in rows {
                    w.extend(reals(Some(row))?);
                }
                Some(w)
            }
            None => None,
        };
        NurbsSurface::new(ud, vd, uk, vk, nu, nv, ctrl, weights)
            .map(Surface::Nurbs)
            .map_err(|e| Unsupported(e.to_string()))
    }
}

/// A list of numbers.
fn reals(p: Option<&Param<'_>>) -> Geo<Vec<f64>> {
    let Some(list) = p.and_then(Param::list) else { return fail("list of numbers") };
    list.iter().map(|v| v.real().ok_or_else(|| Unsupported("list of numbers".into()))).collect()
}

/// Distinct knots with multiplicities → the full knot vector, refusing totals other than `expected` before
/// allocating (a corrupt multiplicity of 10^9 must not size a vector).
fn expand_knots(knots: &[f64], mults: &[i64], expected: usize) -> Geo<Vec<f64>> {
    if knots.len() != mults.len() {
        return fail("knot and multiplicity lists differ in length");
    }
    let total = mults.iter().try_fold(0u64, |acc, &m| if m >= 1 { acc.checked_add(m as u64) } else { None });
    if total != Some(expected as u64) {
        return fail("knot multiplicities do not match degree and control points");
    }
    let mut out = Vec::with_capacity(expected);
    for (&k, &m) in knots.iter().zip(mults) {
        out.extend(std::iter::repeat_n(k, m as usize));
    }
    Ok(out)
}
