//! Edge curves: evaluation, the parameter of a point on the curve (analytic for lines and conics, bounded
//! Newton for B-splines, projection for polylines), and edge discretisation to a chord tolerance.

use std::f64::consts::TAU;

use super::frame::Frame;
use super::nurbs::NurbsCurve;
use super::{MAX_EDGE_POINTS, TessError, Tolerance, Vec3};
use crate::model::geom::Point;

/// The curve an edge lies on (parameterisations as in ISO 10303-42 / OCCT).
#[derive(Debug, Clone, PartialEq)]
pub enum Curve {
    /// `origin + t·dir`.
    Line {
        origin: Point,
        dir: Vec3,
    },
    /// `origin + r·(cos t·x + sin t·y)`, t in radians.
    Circle {
        frame: Frame,
        radius: f64,
    },
    /// `origin + a·cos t·x + b·sin t·y`.
    Ellipse {
        frame: Frame,
        semi_x: f64,
        semi_y: f64,
    },
    Nurbs(NurbsCurve),
    /// Straight segments through the points; parameter = segment index + fraction.
    Polyline(Vec<Point>),
}

/// Newton steps allowed per point inversion.
const NEWTON_STEPS: usize = 40;
/// Deepest recursive halving of a B-spline parameter interval.
const MAX_DEPTH: u32 = 24;

impl Curve {
    pub fn validate(&self) -> Result<(), TessError> {
        match self {
            Curve::Line { origin, dir } => {
                if !origin.is_finite() || !dir.is_finite() {
                    return Err(TessError::NonFinite("line"));
                }
                if dir.normalized().is_none() {
                    return Err(TessError::InvalidGeometry("line with zero direction"));
                }
            }
            Curve::Circle { frame, radius } => {
                check_frame(frame)?;
                check_radius(*radius, "circle radius")?;
            }
            Curve::Ellipse { frame, semi_x, semi_y } => {
                check_frame(frame)?;
                check_radius(*semi_x, "ellipse semi-axis")?;
                check_radius(*semi_y, "ellipse semi-axis")?;
            }
            Curve::Nurbs(c) => c.validate()?,
            Curve::Polyline(pts) => {
                if pts.len() < 2 {
                    return Err(TessError::InvalidGeometry("polyline with fewer than 2 points"));
                }
                if pts.iter().any(|p| !p.is_finite()) {
                    return Err(TessError::NonFinite("polyline"));
                }
            }
        }
        Ok(())
    }

    /// Point at parameter `t`.
    pub fn eval(&self, t: f64) -> Point {
        match self {
            Curve::Line { origin, dir } => origin.plus(dir.scale(t)),
            Curve::Circle { frame, radius } => frame.to_world(radius * t.cos(), radius * t.sin(), 0.0),
            Curve::Ellipse { frame, semi_x, semi_y } => frame.to_world(semi_x * t.cos(), semi_y * t.sin(), 0.0),
            Curve::Nurbs(c) => c.eval(t),
            Curve::Polyline(pts) => {
                let last = pts.len().saturating_sub(2);
                let i = (t.floor().max(0.0) as usize).min(last);
                let f = (t - i as f64).clamp(0.0, 1.0);
                match (pts.get(i), pts.get(i + 1)) {
                    (Some(a), Some(b)) => a.plus(b.minus(*a).scale(f)),
                    _ => pts.first().copied().unwrap_or(Point::ZERO),
                }
            }
        }
    }

    /// The parameter period of a closed curve (conics, B-splines whose ends meet), else `None`.
    pub fn period(&self) -> Option<f64> {
        match self {
            Curve::Circle { .. } | Curve::Ellipse { .. } => Some(TAU),
            Curve::Nurbs(c) => {
                let (a, b) = c.domain();
                let size = c.ctrl.iter().fold(0.0f64, |m, p| m.max(p.x.abs()).max(p.y.abs()).max(p.z.abs()));
                let ends = c.ctrl.first().zip(c.ctrl.last()).map(|(f, l)| f.distance(*l));
                ends.is_some_and(|d| d <= 1e-9 * size.max(1e-300)).then_some(b - a)
            }
            Curve::Line { .. } | Curve::Polyline(_) => None,
        }
    }

    /// A parameter of a closed B-spline brought back into its knot range (others are periodic by
    /// themselves or not at all).
    pub(crate) fn wrap(&self, t: f64) -> f64 {
        match (self, self.period()) {
            (Curve::Nurbs(c), Some(p)) => {
                let (a, b) = c.domain();
                if t < a || t > b { a + (t - a).rem_euclid(p) } else { t }
            }
            _ => t,
        }
    }

    /// The curve point nearest `p` (at [`Curve::param_of`], a closed B-spline's parameter wrapped into its
    /// knot range).
    pub fn nearest_point(&self, p: Point) -> Point {
        self.eval(self.wrap(self.param_of(p)))
    }

    /// The parameter of the curve point nearest `p`.
    pub fn param_of(&self, p: Point) -> f64 {
        match self {
            Curve::Line { origin, dir } => p.minus(*origin).dot(*dir) / dir.dot(*dir),
            Curve::Circle { frame, .. } => {
                let l = frame.to_local(p);
                l.y.atan2(l.x)
            }
            Curve::Ellipse { frame, semi_x, semi_y } => {
                let l = frame.to_local(p);
                (l.y / semi_y).atan2(l.x / semi_x)
            }
            Curve::Nurbs(c) => nurbs_param(c, p),
            Curve::Polyline(pts) => polyline_param(pts, p),
        }
    }
}

fn check_frame(f: &Frame) -> Result<(), TessError> {
    if f.is_valid() { Ok(()) } else { Err(TessError::InvalidGeometry("placement not orthonormal or not finite")) }
}

pub(crate) fn check_radius(r: f64, what: &'static str) -> Result<(), TessError> {
    if !r.is_finite() {
        return Err(TessError::NonFinite(what));
    }
    if r <= 0.0 {
        return Err(TessError::InvalidGeometry(what));
    }
    Ok(())
}

/// Nearest parameter on a B-spline: the best of a bounded sampling, polished by Newton on (C − p)·C' = 0.
pub(crate) fn nurbs_param(c: &NurbsCurve, p: Point) -> f64 {
    let spans = c.spans();
    let per_span = (2000 / spans.len().max(1)).clamp(2, 16);
    let mut best = (f64::INFINITY, c.domain().0);
    for w in spans.windows(2) {
        for k in 0..=per_span {
            let t = w[0] + (w[1] - w[0]) * k as f64 / per_span as f64;
            let d = c.eval(t).distance(p);
            if d < best.0 {
                best = (d, t);
            }
        }
    }
    newton_curve(c, p, best.1)
}

fn newton_curve(c: &NurbsCurve, p: Point, mut t: f64) -> f64 {
    let (a, b) = c.domain();
    for _ in 0..NEWTON_STEPS {
        let (pt, d) = c.eval_d1(t);
        let dd = d.dot(d);
        if dd.is_nan() || dd <= 1e-300 {
            break;
        }
        let step = pt.minus(p).dot(d) / dd;
        let next = (t - step).clamp(a, b);
        if !next.is_finite() {
            break;
        }
        let done = (next - t).abs() <= 1e-14 * (b - a).max(1.0);
        t = next;
        if done {
            break;
        }
    }
    t
}

fn polyline_param(pts: &[Point], p: Point) -> f64 {
    let mut best = (f64::INFINITY, 0.0);
    for (i, w) in pts.windows(2).enumerate() {
        let d = w[1].minus(w[0]);
        let len2 = d.dot(d);
        let f = if len2 > 0.0 { (p.minus(w[0]).dot(d) / len2).clamp(0.0, 1.0) } else { 0.0 };
        let dist = w[0].plus(d.scale(f)).distance(p);
        if dist < best.0 {
            best = (dist, i as f64 + f);
        }
    }
    best.1
}

/// Chords needed for an arc of curvature radius `r` turning `sweep` radians within `tol`.
fn arc_chords(r: f64, sweep: f64, tol: &Tolerance) -> Result<usize, TessError> {
    // The chord of a step θ deviates r(1 − cos θ/2) from the arc.
    let by_chord = if tol.chord < r { 2.0 * (1.0 - tol.chord / r).acos() } else { std::f64::consts::PI };
    let step = by_chord.min(tol.angle).max(1e-300);
    let n = (sweep.abs() / step).ceil();
    if n.is_nan() || n > MAX_EDGE_POINTS as f64 {
        return Err(TessError::TooManyPoints { requested: n, cap: MAX_EDGE_POINTS });
    }
    Ok((n as usize).max(1))
}

/// The signed sweep from parameter `t0` to `t1` on a 2π-periodic curve, in the edge's sense; a closed
/// edge (`closed`) is a full turn.
fn periodic_sweep(t0: f64, t1: f64, same_sense: bool, closed: bool) -> f64 {
    let forward = (t1 - t0).rem_euclid(TAU);
    let forward = if closed || forward < 1e-12 { TAU } else { forward };
    if same_sense {
        forward
    } else {
        let backward = (t0 - t1).rem_euclid(TAU);
        -(if closed || backward < 1e-12 { TAU } else { backward })
    }
}

/// An edge's chord points and, per chord, the curve parameters it spans (`None` where the chord is the
/// curve itself: a line, a polyline's piece).
pub(crate) struct Chords {
    pub points: Vec<Point>,
    pub spans: Vec<Option<(f64, f64)>>,
}

impl Chords {
    /// Points of the exact curve at a quarter, half and three quarters of each chord's parameter span (on
    /// the chord for straight pieces), for the face integrals' boundary correction.
    pub fn inner_points(&self, curve: &Curve) -> Vec<[Point; 3]> {
        self.spans
            .iter()
            .zip(self.points.windows(2))
            .map(|(span, w)| {
                let at = |f: f64| match span {
                    Some((t0, t1)) => curve.eval(t0 + (t1 - t0) * f),
                    None => w[0].plus(w[1].minus(w[0]).scale(f)),
                };
                [at(0.25), at(0.5), at(0.75)]
            })
            .collect()
    }
}

pub(crate) fn discretise(
    curve: &Curve,
    start: Point,
    end: Point,
    same_sense: bool,
    tol: &Tolerance,
) -> Result<Chords, TessError> {
    // Edges are cut at half the face tolerance, as OpenCASCADE's BRepMesh does (its curve tessellator
    // halves both deflections): a face's area is mostly decided by its boundary polygon. Conics go finer in
    // angle, 0.4 of it: a closed polygon of steps θ encloses θ²/6 less than its circle, so OCCT's 0.25 rad
    // leaves every small round feature ~1 % short (eight_cyl.stp: 26-gon ends, volume −1.04 % of the exact
    // one), 0.2 rad (32-gon) −0.64 %. A third (0.17 rad) cost 5 % more CPU over the corpus for no further
    // file in agreement, and a third on B-spline edges too 11 % (11752.stp, Ventilator.stp), so they keep
    // the half.
    let conic_tol = &Tolerance { chord: 0.5 * tol.chord, angle: tol.angle / 2.5 };
    let tol = &Tolerance { chord: 0.5 * tol.chord, angle: 0.5 * tol.angle };
    let closed = start == end;
    let mut out = Chords { points: vec![start], spans: Vec::new() };
    match curve {
        Curve::Line { .. } => out.spans.push(None),
        Curve::Circle { radius, .. } => conic(curve, *radius, start, end, same_sense, closed, conic_tol, &mut out)?,
        Curve::Ellipse { semi_x, semi_y, .. } => {
            // The largest radius of curvature of an ellipse is a²/b at the ends of the minor axis.
            let (a, b) = (semi_x.max(*semi_y), semi_x.min(*semi_y));
            conic(curve, a * a / b, start, end, same_sense, closed, conic_tol, &mut out)?
        }
        Curve::Nurbs(c) => nurbs_points(c, start, end, same_sense, closed, tol, &mut out)?,
        Curve::Polyline(pts) => polyline_points(pts, start, end, &mut out),
    }
    out.points.push(end);
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn conic(
    curve: &Curve,
    radius: f64,
    start: Point,
    end: Point,
    same_sense: bool,
    closed: bool,
    tol: &Tolerance,
    out: &mut Chords,
) -> Result<(), TessError> {
    let t0 = curve.param_of(start);
    let t1 = curve.param_of(end);
    let sweep = periodic_sweep(t0, t1, same_sense, closed);
    // A closed edge needs at least a triangle so its face loop has an area.
    let n = arc_chords(radius, sweep, tol)?.max(if closed { 3 } else { 1 });
    let at = |i: usize| t0 + sweep * i as f64 / n as f64;
    for i in 1..n {
        out.points.push(curve.eval(at(i)));
    }
    out.spans.extend((0..n).map(|i| Some((at(i), at(i + 1)))));
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn nurbs_points(
    c: &NurbsCurve,
    start: Point,
    end: Point,
    same_sense: bool,
    closed: bool,
    tol: &Tolerance,
    out: &mut Chords,
) -> Result<(), TessError> {
    let (a, b) = c.domain();
    // Closed when the curve comes back to its start: a clamped curve repeats its first control point, a
    // periodic one (unclamped knots, its first `degree` control points repeated at the end) does not,
    // and an edge on it that crosses the parameter origin was cut the long way round
    // (trj5_k1-md-203.stp: a 0.8 rad arc of a closed B-spline laid out as 5.5 rad, +11.7 % area).
    let periodic = c.ctrl.first().zip(c.ctrl.last()).is_some_and(|(f, l)| f.distance(*l) <= tol.chord * 1e-3)
        || c.eval(a).distance(c.eval(b)) <= tol.chord * 1e-3;
    // A closed edge is the whole curve, whether or not its control polygon closes exactly.
    let (t0, t1) =
        if closed { if same_sense { (a, b) } else { (b, a) } } else { (nurbs_param(c, start), nurbs_param(c, end)) };
    // On a closed B-spline the edge may pass the parameter origin: then it is two ranges.
    let wraps = periodic && !closed && ((same_sense && t1 < t0) || (!same_sense && t1 > t0));
    let ranges: Vec<(f64, f64)> = match (wraps, same_sense) {
        (false, _) => vec![(t0, t1)],
        (true, true) => vec![(t0, b), (a, t1)],
        (true, false) => vec![(t0, a), (b, t1)],
    };
    let spans = c.spans();
    for (k, &(r0, r1)) in ranges.iter().enumerate() {
        // Cut at knots first (curvature can jump there), then halve each piece while it is too coarse.
        let mut cuts = vec![r0];
        let (lo, hi) = (r0.min(r1), r0.max(r1));
        let inner: Vec<f64> = spans.iter().copied().filter(|&s| s > lo && s < hi).collect();
        if r1 >= r0 {
            cuts.extend(inner)
        } else {
            cuts.extend(inner.into_iter().rev())
        }
        cuts.push(r1);
        for w in cuts.windows(2) {
            subdivide(c, w[0], w[1], tol, 0, out)?;
        }
        // The range's end is a point of the edge unless it is the edge's end (pushed by the caller).
        if k + 1 < ranges.len() {
            out.points.push(c.eval(r1));
            out.spans.push(None);
        }
    }
    // `subdivide` pushes the end of each piece; the last is the edge's end, replaced by the exact vertex
    // (its span stays: it ends at that vertex).
    out.points.pop();
    Ok(())
}

/// Pushes points for (t0, t1] after halving the interval until each chord is within tolerance.
fn subdivide(c: &NurbsCurve, t0: f64, t1: f64, tol: &Tolerance, depth: u32, out: &mut Chords) -> Result<(), TessError> {
    if out.points.len() > MAX_EDGE_POINTS {
        return Err(TessError::TooManyPoints { requested: out.points.len() as f64, cap: MAX_EDGE_POINTS });
    }
    let (p0, d0) = c.eval_d1(t0);
    let (p1, d1) = c.eval_d1(t1);
    let mid = 0.5 * (t0 + t1);
    // Check the chord against the curve at three inner points (a single midpoint misses S-shapes).
    let mut err: f64 = 0.0;
    for f in [0.25, 0.5, 0.75] {
        let on_curve = c.eval(t0 + (t1 - t0) * f);
        let on_chord = p0.plus(p1.minus(p0).scale(f));
        err = err.max(on_curve.distance(on_chord));
    }
    let turn = match (d0.normalized(), d1.normalized()) {
        (Some(a), Some(b)) => a.dot(b).clamp(-1.0, 1.0).acos(),
        _ => 0.0,
    };
    if depth < MAX_DEPTH && (err > tol.chord || turn > tol.angle) && (t1 - t0).abs() > 1e-12 {
        subdivide(c, t0, mid, tol, depth + 1, out)?;
        subdivide(c, mid, t1, tol, depth + 1, out)?;
    } else {
        out.points.push(p1);
        out.spans.push(Some((t0, t1)));
    }
    Ok(())
}

fn polyline_points(pts: &[Point], start: Point, end: Point, out: &mut Chords) {
    let s0 = polyline_param(pts, start);
    let s1 = polyline_param(pts, end);
    // Vertices strictly between the two parameters, in the edge's direction.
    let inner = |i: usize| {
        let s = i as f64;
        s > s0.min(s1) + 1e-9 && s < s0.max(s1) - 1e-9
    };
    if s1 >= s0 {
        out.points.extend((0..pts.len()).filter(|&i| inner(i)).map(|i| pts[i]));
    } else {
        out.points.extend((0..pts.len()).rev().filter(|&i| inner(i)).map(|i| pts[i]));
    }
    // Every piece, the last one to the end vertex included, is straight.
    out.spans.resize(out.points.len(), None);
}
