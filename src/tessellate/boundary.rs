//! Edge points as a face sees them: where the straight (u, v) step between two consecutive edge points
//! strays from the edge on the face's surface, the edge needs more points.
//!
//! An edge is discretised once, in 3D, to the chord tolerance, and every face that shares it reuses the
//! points. A face, though, joins consecutive boundary points by straight steps in its (u, v) domain, and
//! where the surface's parametrisation is far from uniform (a fan-shaped B-spline whose row collapses to
//! one point: trj3_s1-al's tail wings) a 3D straight edge becomes a strongly curved (u, v) path; the
//! straight (u, v) step then covers surface the face does not have (a 0.1 × 7.2 strip meshed as 11× its
//! area). Checking every face's surface against the shared points *before* any face is meshed, and
//! splitting the shared edge where a face needs it, keeps faces trimmed where their edges are and the
//! assembled mesh watertight (all faces still see the same edge points).

use super::{Curve, Surface, Tolerance};
use crate::model::geom::Point;

/// Most halving rounds per edge and face: each round splits every step that still strays, so a step can
/// become 2^8 pieces.
const MAX_ROUNDS: usize = 8;
/// Most points an edge may gain this way (bounds the work a hostile surface can cause).
const MAX_ADDED_POINTS: usize = 1024;

/// Points of an edge (start to end, as [`super::discretise_edge`] made them) refined so that on `surface`
/// the straight (u, v) step between consecutive points stays within twice the chord tolerance of the
/// edge's chord midpoint; `None` when no step strays (the usual case) or the points cannot be placed on
/// the surface. `curve` places the new points on the edge (a line edge is the segment between its points).
pub fn refine_edge_on_surface(
    curve: &Curve,
    points: &[Point],
    surface: &Surface,
    tol: &Tolerance,
) -> Option<Vec<Point>> {
    if !may_stray(surface) || points.len() < 2 {
        return None;
    }
    let mut pts = points.to_vec();
    for _ in 0..MAX_ROUNDS {
        let placed = place(surface, &pts, tol)?;
        let straying: Vec<usize> = (0..pts.len() - 1).filter(|&i| strays(surface, &pts, &placed, i, tol)).collect();
        if straying.is_empty() {
            return (pts.len() > points.len()).then_some(pts);
        }
        if pts.len() + straying.len() > points.len() + MAX_ADDED_POINTS {
            break;
        }
        let mut next = Vec::with_capacity(pts.len() + straying.len());
        let mut split = straying.iter().peekable();
        for i in 0..pts.len() {
            next.push(pts[i]);
            if split.peek() == Some(&&i) {
                split.next();
                next.push(point_between(curve, pts[i], pts[i + 1]));
            }
        }
        pts = next;
    }
    // Steps that still stray after every halving are not a parametrisation the points can follow (an edge
    // that leaves the surface, a surface folded on itself): the edge keeps its points.
    None
}

/// Whether the surface's parametrisation degenerates somewhere (a pole, an apex, a B-spline row or column
/// collapsed to one point): near such a point a short 3D step can be a long, curved (u, v) path. Elsewhere
/// the (u, v) map is regular at the scale of the edge points and an edge within the chord tolerance in 3D is
/// within it in (u, v) too, so the check (a point inversion per edge point: up to milliseconds per edge on
/// large B-spline surfaces, Ventilator.stp) is not worth its cost. A plane's (u, v) is affine.
fn may_stray(surface: &Surface) -> bool {
    match surface {
        Surface::Sphere { .. } | Surface::Cone { .. } => true,
        Surface::Nurbs(s) => s.has_collapsed_side(),
        Surface::Offset { basis, .. } => may_stray(basis),
        _ => false,
    }
}

/// (u, v) of every point as the face's domain would place it: periodic parameters continuous along the
/// points, and at a singular point (a pole, an apex, a collapsed row) the undefined parameter taken from
/// the neighbour, as the domain expands a pole into the stretch of parameter line between its neighbours.
fn place(surface: &Surface, pts: &[Point], tol: &Tolerance) -> Option<Placed> {
    let limit = (100.0 * tol.chord).max(1e-6);
    let periods = [surface.u_period(), surface.v_period()];
    let mut uv: Vec<[f64; 2]> = Vec::with_capacity(pts.len());
    let mut free: Vec<Option<usize>> = Vec::with_capacity(pts.len());
    let mut off: Vec<f64> = Vec::with_capacity(pts.len());
    let mut hint = None;
    for &p in pts {
        let (mut q, dist) = surface.invert(p, hint);
        if dist.is_nan() || dist > limit || !q[0].is_finite() || !q[1].is_finite() {
            return None;
        }
        if let Some(prev) = uv.last() {
            for (axis, period) in periods.iter().enumerate() {
                if let Some(period) = period {
                    q[axis] = q[axis] + ((prev[axis] - q[axis]) / period).round() * period;
                }
            }
        }
        hint = Some(q);
        uv.push(q);
        off.push(dist);
        free.push(undefined_axis(surface, q));
    }
    for i in 0..uv.len() {
        if let Some(axis) = free[i] {
            let neighbour = if i + 1 < uv.len() && free[i + 1].is_none() { i + 1 } else { i.wrapping_sub(1) };
            if let Some(n) = uv.get(neighbour).copied().filter(|_| free.get(neighbour) == Some(&None)) {
                uv[i][axis] = n[axis];
            }
        }
    }
    Some(Placed { uv, off })
}

/// Edge points placed on a surface: (u, v) and each point's distance from the surface.
struct Placed {
    uv: Vec<[f64; 2]>,
    off: Vec<f64>,
}

/// The parameter that is undefined at (u, v), if any (its derivative vanishes against the other's).
fn undefined_axis(surface: &Surface, uv: [f64; 2]) -> Option<usize> {
    let (_, su, sv) = surface.eval_d1(uv[0], uv[1]);
    let (lu, lv) = (su.length(), sv.length());
    if lu <= 1e-9 * lv.max(1e-300) {
        Some(0)
    } else if lv <= 1e-9 * lu.max(1e-300) {
        Some(1)
    } else {
        None
    }
}

/// Whether the surface point at the middle of the straight (u, v) step i → i+1 lies farther than twice the
/// chord tolerance from the chord's midpoint, beyond the step's ends' own distance from the surface (an edge
/// within tolerance of its surface but not on it): the edge is within one tolerance of its chord, so the
/// step then strays more than one tolerance from the edge.
fn strays(surface: &Surface, pts: &[Point], placed: &Placed, i: usize, tol: &Tolerance) -> bool {
    let (a, b) = (placed.uv[i], placed.uv[i + 1]);
    let on_surface = surface.eval(0.5 * (a[0] + b[0]), 0.5 * (a[1] + b[1]));
    let chord_mid = pts[i].plus(pts[i + 1]).scale(0.5);
    on_surface.distance(chord_mid) - placed.off[i].max(placed.off[i + 1]) > 2.0 * tol.chord
}

/// The edge point between two of its points: the chord's midpoint for a line edge (the segment between its
/// vertices), otherwise the curve point nearest it.
fn point_between(curve: &Curve, a: Point, b: Point) -> Point {
    point_along(curve, a, b, 0.5)
}

/// The edge point at fraction `f` of the chord `a → b`: the chord's point for a line edge, otherwise the
/// curve point nearest it.
fn point_along(curve: &Curve, a: Point, b: Point, f: f64) -> Point {
    let on_chord = a.plus(b.minus(a).scale(f));
    if matches!(curve, Curve::Line { .. }) {
        return on_chord;
    }
    let on_curve = curve.nearest_point(on_chord);
    // Nearest point of a curve that turns back (a projection onto the wrong branch) is no point between.
    if on_curve.is_finite() && on_curve.distance(on_chord) <= 0.5 * a.distance(b) { on_curve } else { on_chord }
}

/// Per chord of refined edge points, the edge's points at a quarter, half and three quarters of the chord
/// ([`super::EdgePoints::inner`]), so the face integrals still follow the exact edge after a split. The
/// curve points nearest the chord's points stand for the curve's at those fractions of its parameter span:
/// on chords this short the two differ by far less than the chord tolerance.
pub fn chord_samples(curve: &Curve, points: &[Point]) -> Vec<[Point; 3]> {
    points.windows(2).map(|w| [0.25, 0.5, 0.75].map(|f| point_along(curve, w[0], w[1], f))).collect()
}
