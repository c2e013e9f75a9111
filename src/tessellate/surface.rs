//! Face surfaces: evaluation with first derivatives, normals, periodicity, and the inverse mapping of a
//! point to (u, v) (analytic for the elementary surfaces, bounded Gauss–Newton for the others).

use std::f64::consts::{FRAC_PI_2, TAU};

use super::curve::{Curve, check_radius};
use super::frame::Frame;
use super::nurbs::NurbsSurface;
use super::{TessError, Vec3};
use crate::model::geom::Point;

/// A face's underlying surface (parameterisations as in OCCT, which follows ISO 10303-42).
#[derive(Debug, Clone, PartialEq)]
pub enum Surface {
    /// `o + u·x + v·y`.
    Plane(Frame),
    /// `o + r(cos u·x + sin u·y) + v·z`.
    Cylinder {
        frame: Frame,
        radius: f64,
    },
    /// `o + (r + v·sin α)(cos u·x + sin u·y) + v·cos α·z`; `radius` at v = 0, `semi_angle` α in radians.
    Cone {
        frame: Frame,
        radius: f64,
        semi_angle: f64,
    },
    /// `o + r·cos v(cos u·x + sin u·y) + r·sin v·z`, v in [−π/2, π/2].
    Sphere {
        frame: Frame,
        radius: f64,
    },
    /// `o + (R + r·cos v)(cos u·x + sin u·y) + r·sin v·z`.
    Torus {
        frame: Frame,
        major: f64,
        minor: f64,
    },
    /// `C(u) + v·dir`.
    Extrusion {
        curve: Box<Curve>,
        dir: Vec3,
    },
    /// `C(v)` turned by u radians about the axis (right-handed about `axis_dir`).
    Revolution {
        curve: Box<Curve>,
        axis_origin: Point,
        axis_dir: Vec3,
    },
    Nurbs(NurbsSurface),
    /// `S(u, v) + distance·N(u, v)` of the basis surface.
    Offset {
        basis: Box<Surface>,
        distance: f64,
    },
}

/// Gauss–Newton steps allowed per point inversion.
const NEWTON_STEPS: usize = 50;
/// Gauss–Newton steps allowed to [`Surface::foot_near`]: from beside its chord a curve point's foot is two
/// or three steps away.
const FOOT_STEPS: usize = 8;
/// Nesting of offset surfaces accepted (an offset of an offset of …).
const MAX_OFFSET_DEPTH: u32 = 4;

impl Surface {
    pub fn validate(&self) -> Result<(), TessError> {
        self.validate_depth(0)
    }

    fn validate_depth(&self, depth: u32) -> Result<(), TessError> {
        let frame_ok = |f: &Frame| {
            if f.is_valid() {
                Ok(())
            } else {
                Err(TessError::InvalidGeometry("placement not orthonormal or not finite"))
            }
        };
        match self {
            Surface::Plane(f) => frame_ok(f),
            Surface::Cylinder { frame, radius } | Surface::Sphere { frame, radius } => {
                frame_ok(frame)?;
                check_radius(*radius, "surface radius")
            }
            Surface::Cone { frame, radius, semi_angle } => {
                frame_ok(frame)?;
                if !radius.is_finite() || !semi_angle.is_finite() {
                    return Err(TessError::NonFinite("cone"));
                }
                // A cone may have radius 0 at its placement (apex there), but never a negative one, and its
                // half-angle must leave a cone (neither a plane nor a line).
                if *radius < 0.0 || !(semi_angle.abs() > 1e-9 && semi_angle.abs() < FRAC_PI_2 - 1e-9) {
                    return Err(TessError::InvalidGeometry("cone radius or semi-angle"));
                }
                Ok(())
            }
            Surface::Torus { frame, major, minor } => {
                frame_ok(frame)?;
                check_radius(*major, "torus major radius")?;
                check_radius(*minor, "torus minor radius")
            }
            Surface::Extrusion { curve, dir } => {
                curve.validate()?;
                if dir.is_finite() && dir.normalized().is_some() {
                    Ok(())
                } else {
                    Err(TessError::InvalidGeometry("extrusion direction"))
                }
            }
            Surface::Revolution { curve, axis_origin, axis_dir } => {
                curve.validate()?;
                if axis_origin.is_finite() && axis_dir.normalized().is_some() {
                    Ok(())
                } else {
                    Err(TessError::InvalidGeometry("revolution axis"))
                }
            }
            Surface::Nurbs(s) => s.validate(),
            Surface::Offset { basis, distance } => {
                if depth >= MAX_OFFSET_DEPTH {
                    return Err(TessError::InvalidGeometry("offset surfaces nested too deep"));
                }
                if !distance.is_finite() {
                    return Err(TessError::NonFinite("offset distance"));
                }
                basis.validate_depth(depth + 1)
            }
        }
    }

    /// Period of u, if the surface closes on itself along u.
    pub fn u_period(&self) -> Option<f64> {
        match self {
            Surface::Cylinder { .. }
            | Surface::Cone { .. }
            | Surface::Sphere { .. }
            | Surface::Torus { .. }
            | Surface::Revolution { .. } => Some(TAU),
            Surface::Extrusion { curve, .. } => curve.period(),
            Surface::Nurbs(s) => nurbs_closed(s, true),
            Surface::Offset { basis, .. } => basis.u_period(),
            Surface::Plane(_) => None,
        }
    }

    /// Period of v, if the surface closes on itself along v.
    pub fn v_period(&self) -> Option<f64> {
        match self {
            Surface::Torus { .. } => Some(TAU),
            Surface::Revolution { curve, .. } => curve.period(),
            Surface::Nurbs(s) => nurbs_closed(s, false),
            Surface::Offset { basis, .. } => basis.v_period(),
            _ => None,
        }
    }

    /// The v range of the whole surface where it is bounded (sphere poles, B-spline knots).
    pub fn v_limits(&self) -> Option<(f64, f64)> {
        match self {
            Surface::Sphere { .. } => Some((-FRAC_PI_2, FRAC_PI_2)),
            // The apex bounds a cone on one side.
            Surface::Cone { radius, semi_angle, .. } => {
                let apex = -radius / semi_angle.sin();
                Some(if *semi_angle > 0.0 { (apex, f64::INFINITY) } else { (f64::NEG_INFINITY, apex) })
            }
            Surface::Torus { .. } => Some((0.0, TAU)),
            Surface::Nurbs(s) => Some(s.v_domain()),
            Surface::Revolution { curve, .. } => curve_limits(curve),
            Surface::Offset { basis, .. } => basis.v_limits(),
            _ => None,
        }
    }

    /// The u range of the whole surface where it is bounded.
    pub fn u_limits(&self) -> Option<(f64, f64)> {
        match self {
            Surface::Nurbs(s) => Some(s.u_domain()),
            Surface::Extrusion { curve, .. } => curve_limits(curve),
            Surface::Offset { basis, .. } => basis.u_limits(),
            _ => self.u_period().map(|p| (0.0, p)),
        }
    }

    /// Point and first partial derivatives at (u, v).
    pub fn eval_d1(&self, u: f64, v: f64) -> (Point, Vec3, Vec3) {
        match self {
            Surface::Plane(f) => (f.to_world(u, v, 0.0), f.x, f.y),
            Surface::Cylinder { frame: f, radius: r } => {
                let (s, c) = u.sin_cos();
                (f.to_world(r * c, r * s, v), f.vector(-r * s, r * c, 0.0), f.z)
            }
            Surface::Cone { frame: f, radius, semi_angle } => {
                let (s, c) = u.sin_cos();
                let (sa, ca) = semi_angle.sin_cos();
                let rho = radius + v * sa;
                (f.to_world(rho * c, rho * s, v * ca), f.vector(-rho * s, rho * c, 0.0), f.vector(sa * c, sa * s, ca))
            }
            Surface::Sphere { frame: f, radius: r } => {
                let (s, c) = u.sin_cos();
                let (sv, cv) = v.sin_cos();
                (
                    f.to_world(r * cv * c, r * cv * s, r * sv),
                    f.vector(-r * cv * s, r * cv * c, 0.0),
                    f.vector(-r * sv * c, -r * sv * s, r * cv),
                )
            }
            Surface::Torus { frame: f, major, minor } => {
                let (s, c) = u.sin_cos();
                let (sv, cv) = v.sin_cos();
                let rho = major + minor * cv;
                (
                    f.to_world(rho * c, rho * s, minor * sv),
                    f.vector(-rho * s, rho * c, 0.0),
                    f.vector(-minor * sv * c, -minor * sv * s, minor * cv),
                )
            }
            Surface::Extrusion { curve, dir } => {
                let (p, d) = curve_d1(curve, u);
                (p.plus(dir.scale(v)), d, *dir)
            }
            Surface::Revolution { curve, axis_origin, axis_dir } => revolve(curve, *axis_origin, *axis_dir, u, v),
            Surface::Nurbs(n) => {
                let u = wrap(u, n.u_domain(), nurbs_closed(n, true).is_some());
                let v = wrap(v, n.v_domain(), nurbs_closed(n, false).is_some());
                n.eval_d1(u, v)
            }
            Surface::Offset { basis, distance } => offset_d1(basis, *distance, u, v),
        }
    }

    pub fn eval(&self, u: f64, v: f64) -> Point {
        self.eval_d1(u, v).0
    }

    /// Unit normal ∂S/∂u × ∂S/∂v at (u, v); at a singular point (a pole) the normal a little way towards
    /// `towards` in parameter space, which is where the face is.
    pub fn normal(&self, u: f64, v: f64, towards: [f64; 2]) -> Vec3 {
        let (_, su, sv) = self.eval_d1(u, v);
        if let Some(n) = su.cross(sv).normalized() {
            return n;
        }
        for f in [1e-6, 1e-4, 1e-2] {
            let (uu, vv) = (u + (towards[0] - u) * f, v + (towards[1] - v) * f);
            let (_, su, sv) = self.eval_d1(uu, vv);
            if let Some(n) = su.cross(sv).normalized() {
                return n;
            }
        }
        Point::new(0.0, 0.0, 1.0)
    }

    /// Whether the normal at (u, v) is well defined: ∂S/∂u × ∂S/∂v is not small against |∂S/∂u|·|∂S/∂v|
    /// (false at poles, collapsed B-spline rows and near-parallel derivatives).
    pub fn regular_at(&self, u: f64, v: f64) -> bool {
        let (_, su, sv) = self.eval_d1(u, v);
        let area = su.cross(sv).length();
        area.is_finite() && area > 1e-6 * su.length() * sv.length()
    }

    /// (u, v) of the surface point nearest `p`; `hint` (the previous point's parameters) seeds the search
    /// of the iterative inversions. The distance from `p` to the surface point is returned too.
    pub fn invert(&self, p: Point, hint: Option<[f64; 2]>) -> ([f64; 2], f64) {
        let uv = match self {
            Surface::Plane(f) => {
                let l = f.to_local(p);
                [l.x, l.y]
            }
            Surface::Cylinder { frame, .. } => {
                let l = frame.to_local(p);
                [l.y.atan2(l.x), l.z]
            }
            Surface::Cone { frame, radius, semi_angle } => {
                let l = frame.to_local(p);
                let (sa, ca) = semi_angle.sin_cos();
                // Projection of (ρ, z) onto the generatrix (radius, 0) + v·(sin α, cos α).
                [l.y.atan2(l.x), (l.x.hypot(l.y) - radius) * sa + l.z * ca]
            }
            Surface::Sphere { frame, .. } => {
                let l = frame.to_local(p);
                [l.y.atan2(l.x), l.z.atan2(l.x.hypot(l.y))]
            }
            Surface::Torus { frame, major, .. } => {
                let l = frame.to_local(p);
                [l.y.atan2(l.x), l.z.atan2(l.x.hypot(l.y) - major)]
            }
            _ => {
                let guess = hint.filter(|h| h[0].is_finite() && h[1].is_finite()).unwrap_or_else(|| self.seed(p));
                let a = self.gauss_newton(p, guess);
                let da = self.eval(a[0], a[1]).distance(p);
                // A hint from a neighbour can lead to a wrong local minimum; retry from the global seed
                // unless the point is on the surface or straight above it (then this is the foot). A foot
                // far away is retried too: on a piecewise-linear B-spline the iteration stops on a crease
                // or a clamped side where the residual is perpendicular (trj6_k1-al's ruled face: 17.8
                // from the hint, 4e-16 from the seed).
                let far = da > 1e-3 * (1.0 + p.length());
                if hint.is_some() && da > 1e-7 * (1.0 + p.length()) && (far || !self.is_foot(p, a)) {
                    let b = self.gauss_newton(p, self.seed(p));
                    if self.eval(b[0], b[1]).distance(p) < da {
                        return (self.in_base_window(b), self.eval(b[0], b[1]).distance(p));
                    }
                }
                return (self.in_base_window(a), da);
            }
        };
        (uv, self.eval(uv[0], uv[1]).distance(p))
    }

    /// The foot on the surface of a point known to lie next to `start` (a boundary curve's point beside
    /// its chord), and its distance: analytic on the elementary surfaces, else a few undamped Gauss–Newton
    /// steps from `start`, stopping once a step is below `1e-12 · scale` (a length in (u, v)). Unlike
    /// [`Surface::invert`] there is no global search and no retry: `None` when the steps do not settle,
    /// and the caller then does without the point.
    pub(crate) fn foot_near(&self, p: Point, start: [f64; 2], scale: f64) -> Option<([f64; 2], f64)> {
        if matches!(
            self,
            Surface::Plane(_)
                | Surface::Cylinder { .. }
                | Surface::Cone { .. }
                | Surface::Sphere { .. }
                | Surface::Torus { .. }
        ) {
            return Some(self.invert(p, Some(start)));
        }
        let [mut u, mut v] = start;
        for _ in 0..FOOT_STEPS {
            let (s, su, sv) = self.eval_d1(u, v);
            let r = s.minus(p);
            let (a, b, c) = (su.dot(su), su.dot(sv), sv.dot(sv));
            let det = a * c - b * b;
            if !det.is_finite() || det <= 1e-24 * (a * c).max(1e-300) {
                return None;
            }
            let (g0, g1) = (su.dot(r), sv.dot(r));
            let du = -(c * g0 - b * g1) / det;
            let dv = -(a * g1 - b * g0) / det;
            if du.abs() + dv.abs() <= 1e-12 * scale {
                // Settled: the residual is the distance (the step left is below any use of it).
                return Some(([u, v], r.length()));
            }
            (u, v) = self.clamp_uv(u + du, v + dv);
            if !(u.is_finite() && v.is_finite()) {
                return None;
            }
        }
        None
    }

    /// A periodic parameter brought back near its base window. Next to a pole the u step of Gauss–Newton
    /// is huge and the iteration can end hundreds of periods away; a loop point right after a pole keeps
    /// its u as inverted, so that drift would lay the loop out hundreds of turns wide (trj5_k1-tc-203's
    /// quarter sphere of revolution: 715 turns, refined to 45 k triangles and 500 times its area).
    fn in_base_window(&self, mut uv: [f64; 2]) -> [f64; 2] {
        let limits = [self.u_limits(), self.v_limits()];
        for (axis, period) in [self.u_period(), self.v_period()].into_iter().enumerate() {
            if let (Some(p), Some((lo, _))) = (period, limits[axis])
                && p > 0.0
                && lo.is_finite()
                && (uv[axis] < lo - 0.5 * p || uv[axis] > lo + 1.5 * p)
            {
                uv[axis] = lo + (uv[axis] - lo).rem_euclid(p);
            }
        }
        uv
    }

    /// Whether p − S(uv) is perpendicular to the surface at uv (a local closest point).
    fn is_foot(&self, p: Point, uv: [f64; 2]) -> bool {
        let (s, su, sv) = self.eval_d1(uv[0], uv[1]);
        let r = p.minus(s);
        let (lr, lu, lv) = (r.length(), su.length(), sv.length());
        lr > 0.0 && lu > 0.0 && lv > 0.0 && (r.dot(su) / (lr * lu)).abs() < 1e-4 && (r.dot(sv) / (lr * lv)).abs() < 1e-4
    }

    /// A starting point for the iterative inversion.
    fn seed(&self, p: Point) -> [f64; 2] {
        match self {
            Surface::Extrusion { curve, dir } => {
                let mut u = curve.param_of(p);
                for _ in 0..2 {
                    let v = p.minus(curve.eval(u)).dot(*dir) / dir.dot(*dir);
                    u = curve.param_of(p.minus(dir.scale(v)));
                }
                [u, p.minus(curve.eval(u)).dot(*dir) / dir.dot(*dir)]
            }
            Surface::Revolution { curve, axis_origin, axis_dir } => revolution_seed(curve, *axis_origin, *axis_dir, p),
            Surface::Nurbs(n) => nurbs_seed(n, p),
            Surface::Offset { basis, .. } => basis.invert(p, None).0,
            _ => self.invert(p, None).0,
        }
    }

    /// Damped Gauss–Newton on |S(u, v) − p|², bounded in steps.
    fn gauss_newton(&self, p: Point, start: [f64; 2]) -> [f64; 2] {
        let [mut u, mut v] = start;
        let mut lambda = 1e-9;
        let mut err = self.eval(u, v).distance(p);
        for _ in 0..NEWTON_STEPS {
            let (s, su, sv) = self.eval_d1(u, v);
            let r = s.minus(p);
            let (a, b, c) = (su.dot(su), su.dot(sv), sv.dot(sv));
            let (g0, g1) = (su.dot(r), sv.dot(r));
            let scale = (a + c).max(1e-300);
            let (a2, c2) = (a + lambda * scale, c + lambda * scale);
            let det = a2 * c2 - b * b;
            if !det.is_finite() || det.abs() <= 1e-300 {
                break;
            }
            let du = -(c2 * g0 - b * g1) / det;
            let dv = -(a2 * g1 - b * g0) / det;
            let (nu, nv) = self.clamp_uv(u + du, v + dv);
            let e = self.eval(nu, nv).distance(p);
            if e.is_finite() && e <= err {
                let small = (nu - u).abs() + (nv - v).abs() < 1e-15 * (1.0 + u.abs() + v.abs());
                (u, v, err) = (nu, nv, e);
                lambda = (lambda * 0.1).max(1e-12);
                if small || err < 1e-14 {
                    break;
                }
            } else {
                lambda *= 100.0;
                if lambda > 1e6 {
                    break;
                }
            }
        }
        [u, v]
    }

    fn clamp_uv(&self, u: f64, v: f64) -> (f64, f64) {
        let clamp = |x: f64, lim: Option<(f64, f64)>, periodic: bool| match lim {
            Some((a, b)) if !periodic => x.clamp(a, b),
            _ => x,
        };
        match self {
            Surface::Nurbs(_) => (
                clamp(u, self.u_limits(), self.u_period().is_some()),
                clamp(v, self.v_limits(), self.v_period().is_some()),
            ),
            _ => (u, v),
        }
    }
}

/// Maps a parameter of a closed B-spline back into its knot domain.
fn wrap(x: f64, (a, b): (f64, f64), periodic: bool) -> f64 {
    if periodic && (x < a || x > b) { a + (x - a).rem_euclid(b - a) } else { x }
}

/// The domain length along u (`along_u`) or v when the surface closes on itself that way.
fn nurbs_closed(s: &NurbsSurface, along_u: bool) -> Option<f64> {
    let (a, b) = if along_u { s.u_domain() } else { s.v_domain() };
    s.is_closed(along_u).then_some(b - a)
}

/// The parameter range of a bounded curve.
fn curve_limits(curve: &Curve) -> Option<(f64, f64)> {
    match curve {
        Curve::Circle { .. } | Curve::Ellipse { .. } => Some((0.0, TAU)),
        Curve::Nurbs(c) => Some(c.domain()),
        Curve::Polyline(p) => Some((0.0, p.len().saturating_sub(1) as f64)),
        Curve::Line { .. } => None,
    }
}

fn curve_d1(curve: &Curve, t: f64) -> (Point, Vec3) {
    let t = curve.wrap(t);
    match curve {
        Curve::Line { origin, dir } => (origin.plus(dir.scale(t)), *dir),
        Curve::Circle { frame, radius } => {
            let (s, c) = t.sin_cos();
            (frame.to_world(radius * c, radius * s, 0.0), frame.vector(-radius * s, radius * c, 0.0))
        }
        Curve::Ellipse { frame, semi_x, semi_y } => {
            let (s, c) = t.sin_cos();
            (frame.to_world(semi_x * c, semi_y * s, 0.0), frame.vector(-semi_x * s, semi_y * c, 0.0))
        }
        Curve::Nurbs(n) => n.eval_d1(t),
        Curve::Polyline(_) => {
            let h = 1e-6;
            let (a, b) = (curve.eval(t - h), curve.eval(t + h));
            (curve.eval(t), b.minus(a).scale(0.5 / h))
        }
    }
}

/// Rotation of `p` about the axis through `o` along unit `k` by `angle` (Rodrigues).
fn rotate(p: Vec3, k: Vec3, angle: f64) -> Vec3 {
    let (s, c) = angle.sin_cos();
    p.scale(c).plus(k.cross(p).scale(s)).plus(k.scale(k.dot(p) * (1.0 - c)))
}

fn revolve(curve: &Curve, o: Point, axis: Vec3, u: f64, v: f64) -> (Point, Vec3, Vec3) {
    let k = axis.normalized().unwrap_or(Point::new(0.0, 0.0, 1.0));
    let (c, dc) = curve_d1(curve, v);
    let rel = rotate(c.minus(o), k, u);
    (o.plus(rel), k.cross(rel), rotate(dc, k, u))
}

fn revolution_seed(curve: &Curve, o: Point, axis: Vec3, p: Point) -> [f64; 2] {
    let k = axis.normalized().unwrap_or(Point::new(0.0, 0.0, 1.0));
    let azimuth_ref = |q: Point| {
        let r = q.minus(o);
        r.minus(k.scale(r.dot(k)))
    };
    // Turn p into the half-plane of the generating curve, find the curve parameter there, then the angle.
    let mut reference = azimuth_ref(curve.eval(0.0));
    if reference.normalized().is_none() {
        reference = azimuth_ref(curve.eval(1.0));
    }
    let angle_between = |a: Vec3, b: Vec3| k.dot(a.cross(b)).atan2(a.dot(b));
    let pr = azimuth_ref(p);
    let turn = angle_between(reference, pr);
    let in_plane = o.plus(rotate(p.minus(o), k, -turn));
    let v = curve.param_of(in_plane);
    let u = angle_between(azimuth_ref(curve.eval(v)), pr);
    [if u.is_finite() { u } else { 0.0 }, v]
}

fn nurbs_seed(n: &NurbsSurface, p: Point) -> [f64; 2] {
    let (us, vs) = (n.u_spans(), n.v_spans());
    // About 1600 samples at most, spread over the spans.
    let per_u = (40 / us.len().max(1)).clamp(1, 8);
    let per_v = (40 / vs.len().max(1)).clamp(1, 8);
    let mut best = (f64::INFINITY, [n.u_domain().0, n.v_domain().0]);
    let samples = |spans: &[f64], per: usize| -> Vec<f64> {
        let mut out = Vec::new();
        let step = (spans.len() / 40).max(1);
        for w in spans.windows(2).step_by(step) {
            for k in 0..per {
                out.push(w[0] + (w[1] - w[0]) * k as f64 / per as f64);
            }
        }
        out.extend(spans.last());
        out
    };
    let (su, sv) = (samples(&us, per_u), samples(&vs, per_v));
    for &u in &su {
        for &v in &sv {
            let d = n.eval_d1(u, v).0.distance(p);
            if d < best.0 {
                best = (d, [u, v]);
            }
        }
    }
    best.1
}

fn offset_d1(basis: &Surface, d: f64, u: f64, v: f64) -> (Point, Vec3, Vec3) {
    let at = |u: f64, v: f64| {
        let (p, su, sv) = basis.eval_d1(u, v);
        let n = su.cross(sv).normalized().unwrap_or(Point::ZERO);
        p.plus(n.scale(d))
    };
    // Derivatives of the offset by central differences: the exact ones need second derivatives of the basis.
    let h = 1e-6 * (1.0 + u.abs().max(v.abs()));
    let p = at(u, v);
    let su = at(u + h, v).minus(at(u - h, v)).scale(0.5 / h);
    let sv = at(u, v + h).minus(at(u, v - h)).scale(0.5 / h);
    (p, su, sv)
}
