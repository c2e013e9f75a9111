//! Face bounds laid out in the surface's (u, v) parameter space as one polygon with holes.
//!
//! Each loop point is inverted onto the surface; periodic parameters are unwrapped continuously along the
//! loop (so a seam edge used once each way opens a full band into one polygon); a point where u is
//! undefined (a sphere pole, a cone apex, a collapsed B-spline row) becomes the stretch of parameter line
//! between its neighbours' u; loops that wind once around a periodic direction are closed against the
//! other winding loop or against the surface's limit (a pole) along cut lines whose points both sides
//! share. Every (u, v) vertex carries the id of its 3D point, so seam and pole copies weld back together.

use super::fxhash::FxMap;
use super::surface::Surface;
use super::{FaceLoop, TessError, Tolerance};
use crate::model::geom::Point;

/// Most points one synthetic cut or pole line is divided into.
const MAX_CUT_POINTS: usize = 2048;

pub(crate) struct Domain {
    /// (u, v) of every polygon vertex.
    pub uv: Vec<[f64; 2]>,
    /// 3D point id of every polygon vertex (an index into `pts`).
    pub vid: Vec<usize>,
    pub pts: Vec<Point>,
    /// The outer polygon first (counter-clockwise in (u, v)), then the holes (clockwise); vertex indices.
    pub polys: Vec<Vec<usize>>,
    /// Factors that make (u·su, v·sv) roughly lengths on the surface, so shapes in the plane mean something.
    pub scale: [f64; 2],
    /// Largest distance of a boundary point from the surface: no refinement can get closer than that.
    pub gap: f64,
    /// The exact boundary curve inside each chord of the loops, by the chord's (start, end) 3D point ids
    /// ([`FaceLoop::inner`]); cut and pole lines, which are straight in (u, v), have none.
    pub inner: FxMap<(usize, usize), [Point; 3]>,
}

impl Domain {
    pub fn scaled(&self, i: usize) -> [f64; 2] {
        [self.uv[i][0] * self.scale[0], self.uv[i][1] * self.scale[1]]
    }

    pub fn scaled_all(&self) -> Vec<[f64; 2]> {
        (0..self.uv.len()).map(|i| self.scaled(i)).collect()
    }
}

/// (u, v) and 3D point id of each vertex of a loop.
type UvPoints = Vec<([f64; 2], usize)>;

/// Which parameter a loop point leaves undefined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Singular {
    No,
    U,
    V,
}

/// A loop point after inversion: (u, v), 3D id, singularity.
type RawPoint = ([f64; 2], usize, Singular);

/// A loop after inversion: (u, v) and 3D id per point.
struct UvLoop {
    pts: Vec<([f64; 2], usize)>,
    /// The loop passes through a point where a parameter is undefined (a pole, an apex).
    singular: bool,
}

struct Builder<'a> {
    surface: &'a Surface,
    tol: &'a Tolerance,
    pts: Vec<Point>,
    ids: FxMap<[u64; 3], usize>,
    /// Outer bounds run counter-clockwise in (u, v) when the face normal is the surface normal.
    ccw: bool,
    gap: f64,
}

pub(crate) fn build(
    surface: &Surface,
    loops: &[FaceLoop],
    tol: &Tolerance,
    same_sense: bool,
) -> Result<Domain, TessError> {
    let mut b = Builder { surface, tol, pts: Vec::new(), ids: FxMap::default(), ccw: same_sense, gap: 0.0 };
    let mut closed: Vec<UvLoop> = Vec::new();
    let mut winding: Vec<(UvLoop, usize, f64)> = Vec::new();
    for (li, l) in loops.iter().enumerate() {
        if l.points.is_empty() {
            return Err(TessError::EmptyLoop(li));
        }
        let pts = distinct_cyclic(&l.points);
        if pts.iter().any(|p| !p.is_finite()) {
            return Err(TessError::NonFinite("face loop"));
        }
        // One or two points bound nothing (a vertex loop at an apex); the other loops carry the face.
        if pts.len() < 3 {
            continue;
        }
        let lp = b.map_loop(li, &pts)?;
        match b.winding_of(&lp) {
            Some((axis, turns)) => winding.push((lp, axis, turns)),
            None => closed.push(lp),
        }
    }
    // On a closed surface (a torus, a sphere) one loop bounds two regions and only its orientation says
    // which: when every loop runs as a hole would, the face is the whole surface minus them (a torus with a
    // patch cut out), not the small regions they enclose in (u, v).
    if winding.is_empty() && !closed.is_empty() && b.surface_is_closed() && closed.iter().all(|l| b.reads_as_hole(l)) {
        // The rectangle is centred on the first hole along periodic directions, so no hole crosses its sides.
        let (hmin, hmax) = bounds(&closed[0].pts);
        let centre = [0.5 * (hmin[0] + hmax[0]), 0.5 * (hmin[1] + hmax[1])];
        closed.push(b.whole_domain(Some(centre))?);
    }
    if loops.is_empty() {
        closed.push(b.whole_domain(None)?);
    } else if closed.is_empty() && winding.is_empty() {
        return Err(TessError::EmptyLoop(0));
    }
    if !winding.is_empty() {
        closed.push(b.close_winding(winding)?);
    }
    let inner = b.chord_curves(loops);
    let mut dom = b.finish(closed)?;
    dom.inner = inner;
    Ok(dom)
}

/// The points with consecutive duplicates (and a repeated first point at the end) removed.
fn distinct_cyclic(points: &[Point]) -> Vec<Point> {
    let mut out: Vec<Point> = Vec::with_capacity(points.len());
    for &p in points {
        if out.last() != Some(&p) {
            out.push(p);
        }
    }
    while out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    out
}

fn signed_area(poly: &[[f64; 2]]) -> f64 {
    let n = poly.len();
    (0..n)
        .map(|i| {
            let (a, b) = (poly[i], poly[(i + 1) % n]);
            a[0] * b[1] - b[0] * a[1]
        })
        .sum::<f64>()
        * 0.5
}

/// The representative of `x` (mod `period`) nearest `near`.
fn nearest_rep(x: f64, near: f64, period: f64) -> f64 {
    x + ((near - x) / period).round() * period
}

impl Builder<'_> {
    fn id_of(&mut self, p: Point) -> usize {
        let key = [p.x.to_bits(), p.y.to_bits(), p.z.to_bits()];
        let next = self.pts.len();
        *self.ids.entry(key).or_insert_with(|| {
            self.pts.push(p);
            next
        })
    }

    fn new_point(&mut self, p: Point) -> usize {
        self.pts.push(p);
        self.pts.len() - 1
    }

    /// The loops' exact chord curves by the chords' 3D point ids (every loop point has its id by now;
    /// chords of one repeated point, and loops whose curves do not match their points, give none).
    fn chord_curves(&self, loops: &[FaceLoop]) -> FxMap<(usize, usize), [Point; 3]> {
        let mut out = FxMap::default();
        let id = |p: Point| self.ids.get(&[p.x.to_bits(), p.y.to_bits(), p.z.to_bits()]).copied();
        for l in loops.iter().filter(|l| l.inner.len() == l.points.len()) {
            let n = l.points.len();
            for (i, curve) in l.inner.iter().enumerate() {
                if let (Some(a), Some(b)) = (id(l.points[i]), id(l.points[(i + 1) % n]))
                    && a != b
                {
                    out.insert((a, b), *curve);
                }
            }
        }
        out
    }

    /// Whether the surface has no edge: each direction periodic or ending in a pole on both sides.
    fn surface_is_closed(&self) -> bool {
        let along = |periodic: Option<f64>, limits: Option<(f64, f64)>, axis: usize| {
            if periodic.is_some() {
                return true;
            }
            let Some((a, b)) = limits else { return false };
            if !(a.is_finite() && b.is_finite()) {
                return false;
            }
            let other = if axis == 0 { self.surface.v_limits() } else { self.surface.u_limits() };
            let Some((o0, o1)) = other.filter(|o| o.0.is_finite() && o.1.is_finite()) else { return false };
            // A limit row is a pole when its two ends and middle are one point.
            let at = |t: f64, o: f64| if axis == 0 { self.surface.eval(t, o) } else { self.surface.eval(o, t) };
            [a, b].iter().all(|&t| {
                let (p0, pm) = (at(t, o0), at(t, 0.5 * (o0 + o1)));
                p0.distance(pm) <= self.tol.chord * 1e-3 && p0.distance(at(t, o1)) <= self.tol.chord * 1e-3
            })
        };
        along(self.surface.u_period(), self.surface.u_limits(), 0)
            && along(self.surface.v_period(), self.surface.v_limits(), 1)
    }

    /// Whether a closed loop runs clockwise against the face's outward sense (an inner bound's way). A loop
    /// through a pole does not count: there the sense comes from how the pole is crossed, which exporters
    /// get wrong (bm2_pe_t4-B's sphere octants run the other way and OpenCASCADE still meshes the octant),
    /// and OpenCASCADE adds no natural bound to a wire with a degenerated edge either.
    fn reads_as_hole(&self, lp: &UvLoop) -> bool {
        if lp.singular {
            return false;
        }
        let area = signed_area(&lp.pts.iter().map(|q| q.0).collect::<Vec<_>>());
        area != 0.0 && (area > 0.0) != self.ccw
    }

    /// Which parameter is undefined at (u, v), if any: u where ∂S/∂u vanishes against ∂S/∂v (a sphere
    /// pole, a cone apex, a collapsed B-spline row), v where ∂S/∂v vanishes (a collapsed column).
    fn singular_axis(&self, uv: [f64; 2]) -> Singular {
        if matches!(self.surface, Surface::Plane(_)) {
            return Singular::No;
        }
        let (_, su, sv) = self.surface.eval_d1(uv[0], uv[1]);
        let (lu, lv) = (su.length(), sv.length());
        if lu <= 1e-9 * lv.max(1e-300) {
            Singular::U
        } else if lv <= 1e-9 * lu.max(1e-300) {
            Singular::V
        } else {
            Singular::No
        }
    }

    fn map_loop(&mut self, li: usize, pts: &[Point]) -> Result<UvLoop, TessError> {
        // Points that do not lie on the surface within this distance mean the reader mixed up geometry.
        let limit = (100.0 * self.tol.chord).max(1e-6);
        let mut raw: Vec<RawPoint> = Vec::with_capacity(pts.len());
        let mut hint = None;
        for (i, &p) in pts.iter().enumerate() {
            let (uv, dist) = self.surface.invert(p, hint);
            if dist.is_nan() || dist > limit || !uv[0].is_finite() || !uv[1].is_finite() {
                return Err(TessError::NotOnSurface { loop_index: li, index: i, distance: dist });
            }
            hint = Some(uv);
            self.gap = self.gap.max(dist);
            let singular = self.singular_axis(uv);
            let id = self.id_of(p);
            raw.push((uv, id, singular));
        }
        if raw.iter().all(|r| r.2 != Singular::No) {
            return Err(TessError::BadLoops("every point of a loop is singular"));
        }
        // Start right after a singular point, so a pole is crossed only at the loop's end.
        let start = raw.iter().position(|r| r.2 != Singular::No).map_or(0, |s| {
            let mut k = s;
            while raw[k % raw.len()].2 != Singular::No {
                k += 1;
            }
            k % raw.len()
        });
        raw.rotate_left(start);
        self.unwrap(&mut raw);
        let singular = raw.iter().any(|r| r.2 != Singular::No);
        Ok(UvLoop { pts: self.expand_singular(&raw), singular })
    }

    /// Makes periodic parameters continuous along the loop; after a singular point the u jump is free and
    /// chosen so the loop encloses its face on the side the orientation says.
    fn unwrap(&self, raw: &mut [RawPoint]) {
        let periods = [self.surface.u_period(), self.surface.v_period()];
        let mut prev: Option<[f64; 2]> = None;
        let mut after_pole = false;
        let mut segment_starts = Vec::new();
        for (k, r) in raw.iter_mut().enumerate() {
            if r.2 != Singular::No {
                // The undefined parameter follows the previous point; the defined one is unwrapped.
                let (free, fixed) = if r.2 == Singular::U { (0, 1) } else { (1, 0) };
                if let Some(pv) = prev {
                    r.0[free] = pv[free];
                    if let Some(p) = periods[fixed] {
                        r.0[fixed] = nearest_rep(r.0[fixed], pv[fixed], p);
                    }
                }
                after_pole |= r.2 == Singular::U;
                continue;
            }
            if let Some(pv) = prev {
                for (axis, period) in periods.iter().enumerate() {
                    if let Some(p) = period
                        && !(axis == 0 && after_pole)
                    {
                        r.0[axis] = nearest_rep(r.0[axis], pv[axis], *p);
                    }
                }
                if after_pole {
                    segment_starts.push(k);
                }
            }
            after_pole = false;
            prev = Some(r.0);
        }
        // Segments after interior poles: shift each by whole periods so the loop's area has the sign its
        // orientation asks for and is the smallest such (a lune between two meridians is the lune, not the
        // lune plus a full turn; a sphere split by one seam is one turn, not zero).
        let Some(period) = periods[0] else { return };
        for &s in &segment_starts {
            let end = raw.iter().skip(s).position(|r| r.2 != Singular::No).map_or(raw.len(), |e| s + e);
            let oriented = |k: f64| {
                let shifted: Vec<[f64; 2]> = raw
                    .iter()
                    .enumerate()
                    .map(|(i, r)| if i >= s && i < end { [r.0[0] + k * period, r.0[1]] } else { r.0 })
                    .collect();
                let area = signed_area(&shifted);
                if self.ccw { area } else { -area }
            };
            let options: Vec<(f64, f64)> = [-1.0, 0.0, 1.0].iter().map(|&k| (oriented(k), k)).collect();
            let tiny = 1e-9 * period * period;
            let pick = options
                .iter()
                .filter(|o| o.0 > tiny)
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .or_else(|| options.iter().max_by(|a, b| a.0.total_cmp(&b.0)))
                .map_or(0.0, |o| o.1);
            for r in raw.iter_mut().take(end).skip(s) {
                r.0[0] += pick * period;
            }
        }
    }

    /// Replaces each singular point by the stretch of its parameter line between its neighbours' u,
    /// all copies carrying the one 3D point.
    fn expand_singular(&mut self, raw: &[RawPoint]) -> UvPoints {
        let n = raw.len();
        let mut out = Vec::with_capacity(n + 8);
        for i in 0..n {
            let (uv, id, singular) = raw[i];
            let axis = match singular {
                Singular::No => {
                    out.push((uv, id));
                    continue;
                }
                Singular::U => 0,
                Singular::V => 1,
            };
            let before = raw[(i + n - 1) % n].0[axis];
            let after = raw[(i + 1) % n].0[axis];
            let pieces = self.pole_pieces(axis, before, after);
            for k in 0..=pieces {
                let mut q = uv;
                q[axis] = before + (after - before) * k as f64 / pieces as f64;
                out.push((q, id));
            }
        }
        out
    }

    /// Divisions of a pole line from a to b along `axis`: as many as the angle tolerance asks of a full turn,
    /// in proportion (a B-spline's parameter range counts as a turn).
    fn pole_pieces(&self, axis: usize, a: f64, b: f64) -> usize {
        let span = if axis == 0 {
            self.surface.u_period().or(self.surface.u_limits().map(|l| l.1 - l.0))
        } else {
            self.surface.v_period().or(self.surface.v_limits().map(|l| l.1 - l.0))
        };
        let turns = match span {
            Some(s) if s.is_finite() && s > 0.0 => (b - a).abs() / s,
            _ => 0.0,
        };
        (turns * std::f64::consts::TAU / self.tol.angle.min(0.5)).ceil().clamp(1.0, MAX_CUT_POINTS as f64) as usize
    }

    /// Some((axis, signed turns)) if the loop's unwrapped parameter does not come back to its start.
    fn winding_of(&self, lp: &UvLoop) -> Option<(usize, f64)> {
        let (first, last) = (lp.pts.first()?.0, lp.pts.last()?.0);
        for (axis, period) in [self.surface.u_period(), self.surface.v_period()].iter().enumerate() {
            if let Some(p) = period {
                // The closing step from last to first, unwrapped, against the raw difference.
                let closing = nearest_rep(first[axis], last[axis], *p) - last[axis];
                let drift = (last[axis] + closing) - first[axis];
                let turns = (drift / p).round();
                if turns != 0.0 {
                    return Some((axis, turns));
                }
            }
        }
        None
    }

    /// Whether the surface normals at a and b differ by at most the angle tolerance (true where either is
    /// undefined). A cut is a boundary the refinement cannot split: a chord that turns further than the
    /// refinement's normal test allows leaves its triangle failing that test for ever, and the face
    /// refines to the triangle cap (11752.stp: 23 cylinder bands at 50 k triangles each).
    fn normals_within_angle(&self, a: [f64; 2], b: [f64; 2]) -> bool {
        let n = |q: [f64; 2]| {
            let (_, su, sv) = self.surface.eval_d1(q[0], q[1]);
            su.cross(sv).normalized()
        };
        match (n(a), n(b)) {
            (Some(x), Some(y)) => x.dot(y) >= self.tol.angle.cos(),
            _ => true,
        }
    }

    /// Points along the straight (u, v) segment a → b (both excluded), fine enough for the chord tolerance.
    fn cut_points(&mut self, a: [f64; 2], b: [f64; 2]) -> Vec<([f64; 2], Point)> {
        let at = |t: f64| [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
        let mut n = 1usize;
        // Double until every chord's midpoint is within tolerance of the surface curve.
        while n < MAX_CUT_POINTS {
            let ok = (0..n).all(|i| {
                let (t0, t1) = (i as f64 / n as f64, (i + 1) as f64 / n as f64);
                let (p0, p1) = (self.surface.eval(at(t0)[0], at(t0)[1]), self.surface.eval(at(t1)[0], at(t1)[1]));
                let m = at(0.5 * (t0 + t1));
                self.surface.eval(m[0], m[1]).distance(p0.plus(p1).scale(0.5)) <= self.tol.chord
                    && self.normals_within_angle(at(t0), at(t1))
            });
            if ok {
                break;
            }
            n *= 2;
        }
        (1..n).map(|i| at(i as f64 / n as f64)).map(|uv| (uv, self.surface.eval(uv[0], uv[1]))).collect()
    }

    /// One polygon from loops that wind around a periodic direction: two loops (a band) joined by a cut
    /// used once each way, or one loop closed against the surface's limit on the face's side (a cap).
    fn close_winding(&mut self, winding: Vec<(UvLoop, usize, f64)>) -> Result<UvLoop, TessError> {
        let axis = winding[0].1;
        if winding.iter().any(|w| w.1 != axis) || winding.len() > 2 {
            return Err(TessError::BadLoops("loops wind around the surface in different ways"));
        }
        let period = if axis == 0 { self.surface.u_period() } else { self.surface.v_period() }
            .ok_or(TessError::BadLoops("winding loop on a non-periodic direction"))?;
        // Work as if the winding axis were u: swap coordinates for v, which also mirrors orientation.
        let swap = |p: [f64; 2]| if axis == 0 { p } else { [p[1], p[0]] };
        let ccw = self.ccw == (axis == 0);
        let mut loops: Vec<(UvPoints, bool)> = winding
            .into_iter()
            .map(|(l, _, turns)| {
                let pts: Vec<_> = l.pts.into_iter().map(|(uv, id)| (swap(uv), id)).collect();
                // Moving +u with the face on the left (counter-clockwise sense) puts the face above.
                (pts, (turns > 0.0) == ccw)
            })
            .collect();
        // Every loop runs +u from here on.
        for (pts, _) in &mut loops {
            if pts.len() > 1 && pts[pts.len() - 1].0[0] < pts[0].0[0] {
                pts.reverse();
            }
        }
        let poly = if loops.len() == 2 {
            if loops[0].1 == loops[1].1 {
                // Contradictory orientations: take the lower loop by mean v.
                let mean = |p: &[([f64; 2], usize)]| p.iter().map(|q| q.0[1]).sum::<f64>() / p.len() as f64;
                if mean(&loops[0].0) > mean(&loops[1].0) {
                    loops.swap(0, 1);
                }
            } else if !loops[0].1 {
                loops.swap(0, 1);
            }
            let upper = loops.pop().map(|l| l.0).unwrap_or_default();
            let lower = loops.pop().map(|l| l.0).unwrap_or_default();
            self.band(lower, upper, period, &swap)
        } else {
            let (pts, above) = loops.pop().ok_or(TessError::BadLoops("no winding loop"))?;
            self.cap(pts, above, period, axis, &swap)?
        };
        Ok(UvLoop { pts: poly.into_iter().map(|(uv, id)| (swap(uv), id)).collect(), singular: false })
    }

    /// lower (+u) … its start shifted a period, cut up to upper, upper (−u), cut down to the start.
    fn band(
        &mut self,
        lower: Vec<([f64; 2], usize)>,
        upper: Vec<([f64; 2], usize)>,
        period: f64,
        swap: &dyn Fn([f64; 2]) -> [f64; 2],
    ) -> Vec<([f64; 2], usize)> {
        // The cut joins the lower loop's highest point to the upper loop's lowest: every other point of
        // either loop lies beyond the cut's ends in v, so the cut crosses neither loop, however they wiggle.
        let top = argmax_by(&lower, |q| q.0[1]);
        let lower = start_at(lower, top, period);
        let l0 = lower[0];
        // Of the upper loop's lowest points (a circle has them all) the one nearest the lower point in u,
        // so the cut is short and turns little.
        let vmin = upper.iter().map(|q| q.0[1]).fold(f64::INFINITY, f64::min);
        let flat = 1e-9 * (1.0 + vmin.abs());
        let bottom = argmax_by(&upper, |q| {
            if q.0[1] <= vmin + flat {
                -(nearest_rep(q.0[0], l0.0[0], period) - l0.0[0]).abs()
            } else {
                f64::NEG_INFINITY
            }
        });
        let mut upper = start_at(upper, bottom, period);
        upper.reverse();
        upper.rotate_right(1);
        // Now upper[0] is the chosen point and the rest run −u below it: lift it a period above its
        // unwrapped value, then shift everything so it sits at l0.u + period.
        upper[0].0[0] += period;
        let shift = nearest_rep(upper[0].0[0], l0.0[0] + period, period) - upper[0].0[0];
        for p in &mut upper {
            p.0[0] += shift;
        }
        let mut out = lower.clone();
        out.push(([l0.0[0] + period, l0.0[1]], l0.1));
        let u0 = upper[0];
        let cut = self.shared_cut([u0.0[0] - period, u0.0[1]], l0.0, swap);
        // Up the cut at u + period (reverse order of the down cut).
        out.extend(cut.iter().rev().map(|&(uv, id)| ([uv[0] + period, uv[1]], id)));
        out.extend(upper.iter().copied());
        out.push(([u0.0[0] - period, u0.0[1]], u0.1));
        out.extend(cut.iter().copied());
        out
    }

    /// Cut points from a down to b (exclusive) with their 3D ids; `swap` maps back to real (u, v).
    fn shared_cut(&mut self, a: [f64; 2], b: [f64; 2], swap: &dyn Fn([f64; 2]) -> [f64; 2]) -> Vec<([f64; 2], usize)> {
        self.cut_points(swap(a), swap(b))
            .into_iter()
            .map(|(uv, p)| {
                let id = self.new_point(p);
                (swap(uv), id)
            })
            .collect()
    }

    /// One winding loop closed against the surface limit on the face's side.
    fn cap(
        &mut self,
        pts: Vec<([f64; 2], usize)>,
        above: bool,
        period: f64,
        axis: usize,
        swap: &dyn Fn([f64; 2]) -> [f64; 2],
    ) -> Result<Vec<([f64; 2], usize)>, TessError> {
        let limits = if axis == 0 { self.surface.v_limits() } else { self.surface.u_limits() };
        let (lo, hi) = limits.ok_or(TessError::BadLoops("a single loop around an unbounded surface"))?;
        let lim = if above { hi } else { lo };
        if !lim.is_finite() {
            return Err(TessError::BadLoops("a single loop around an unbounded surface"));
        }
        // Start at the loop's point nearest the limit, so the straight cut to the limit crosses no loop edge.
        let nearest = if above { argmax_by(&pts, |q| q.0[1]) } else { argmax_by(&pts, |q| -q.0[1]) };
        let pts = start_at(pts, nearest, period);
        let l0 = pts[0];
        let (ua, ub) = (l0.0[0], l0.0[0] + period);
        // Is the limit line a single point (a pole)?
        let pa = self.surface.eval(swap([ua, lim])[0], swap([ua, lim])[1]);
        let pm = self.surface.eval(swap([ua + 0.5 * period, lim])[0], swap([ua + 0.5 * period, lim])[1]);
        let pole = pa.distance(pm) <= self.tol.chord * 1e-3;
        let mut out = pts;
        out.push(([ub, l0.0[1]], l0.1));
        let cut = self.shared_cut([ua, lim], l0.0, swap);
        let lim_a = self.new_point(pa);
        // u is periodic: the limit line's two ends are the same 3D point.
        let lim_b = lim_a;
        if above {
            out.extend(cut.iter().rev().map(|&(uv, id)| ([uv[0] + period, uv[1]], id)));
            out.push(([ub, lim], lim_b));
            self.limit_line(&mut out, ub, ua, lim, pole, lim_a, swap);
            out.push(([ua, lim], lim_a));
            out.extend(cut.iter().copied());
        } else {
            // The face is below: limit line +u, up the cut at ub, the loop backwards, down the cut at ua.
            let loop_pts = std::mem::take(&mut out);
            out.push(([ua, lim], lim_a));
            self.limit_line(&mut out, ua, ub, lim, pole, lim_a, swap);
            out.push(([ub, lim], lim_b));
            out.extend(cut.iter().map(|&(uv, id)| ([uv[0] + period, uv[1]], id)));
            out.extend(loop_pts.iter().rev().copied());
            out.extend(cut.iter().rev().copied());
        }
        Ok(out)
    }

    /// Points along the limit line from u = from to u = to (exclusive), one pole id or new points.
    #[allow(clippy::too_many_arguments)]
    fn limit_line(
        &mut self,
        out: &mut Vec<([f64; 2], usize)>,
        from: f64,
        to: f64,
        lim: f64,
        pole: bool,
        pole_id: usize,
        swap: &dyn Fn([f64; 2]) -> [f64; 2],
    ) {
        if pole {
            let n = self.pole_pieces(0, from, to);
            for k in 1..n {
                out.push(([from + (to - from) * k as f64 / n as f64, lim], pole_id));
            }
        } else {
            for (uv, p) in self.cut_points(swap([from, lim]), swap([to, lim])) {
                let id = self.new_point(p);
                out.push((swap(uv), id));
            }
        }
    }

    /// The whole parameter domain of a closed surface (a full sphere or torus, a closed B-spline): its
    /// rectangle, with the periodic sides and the pole rows sharing 3D ids so the mesh closes.
    /// With a `centre`, each periodic direction's window is the period around it instead of the limits.
    fn whole_domain(&mut self, centre: Option<[f64; 2]>) -> Result<UvLoop, TessError> {
        let (Some((mut u0, mut u1)), Some((mut v0, mut v1))) = (self.surface.u_limits(), self.surface.v_limits())
        else {
            return Err(TessError::NoBounds);
        };
        if let Some(c) = centre.filter(|c| c[0].is_finite() && c[1].is_finite()) {
            if let Some(p) = self.surface.u_period() {
                (u0, u1) = (c[0] - 0.5 * p, c[0] + 0.5 * p);
            }
            if let Some(p) = self.surface.v_period() {
                (v0, v1) = (c[1] - 0.5 * p, c[1] + 0.5 * p);
            }
        }
        if ![u0, u1, v0, v1].iter().all(|x| x.is_finite()) {
            return Err(TessError::NoBounds);
        }
        let (um, vm) = (0.5 * (u0 + u1), 0.5 * (v0 + v1));
        let nu = self.cut_points([u0, vm], [u1, vm]).len() + 1;
        let nv = self.cut_points([um, v0], [um, v1]).len() + 1;
        let u_at = |i: usize| u0 + (u1 - u0) * i as f64 / nu as f64;
        let v_at = |j: usize| v0 + (v1 - v0) * j as f64 / nv as f64;
        let (pu, pv) = (self.surface.u_period().is_some(), self.surface.v_period().is_some());
        let pole_row = |b: &Self, v: f64| b.surface.eval(u0, v).distance(b.surface.eval(um, v)) <= b.tol.chord * 1e-3;
        let (pole0, pole1) = (pole_row(self, v0), pole_row(self, v1));
        let mut ids: FxMap<(usize, usize), usize> = FxMap::default();
        let mut id_at = |b: &mut Self, i: usize, j: usize| {
            let j = if pv && j == nv { 0 } else { j };
            let i = if (pu && i == nu) || (j == 0 && pole0) || (j == nv && pole1) { 0 } else { i };
            *ids.entry((i, j)).or_insert_with(|| {
                let p = b.surface.eval(u_at(i), v_at(j));
                b.new_point(p)
            })
        };
        // Counter-clockwise: bottom +u, right +v, top −u, left −v.
        let mut out = Vec::with_capacity(2 * (nu + nv));
        for i in 0..nu {
            out.push(([u_at(i), v0], id_at(self, i, 0)));
        }
        for j in 0..nv {
            out.push(([u1, v_at(j)], id_at(self, nu, j)));
        }
        for i in (1..=nu).rev() {
            out.push(([u_at(i), v1], id_at(self, i, nv)));
        }
        for j in (1..=nv).rev() {
            out.push(([u0, v_at(j)], id_at(self, 0, j)));
        }
        Ok(UvLoop { pts: out, singular: false })
    }

    /// Outer polygon (largest area) counter-clockwise first, holes clockwise and shifted by whole periods
    /// into the outer polygon's range; (u, v) scale factors from the surface's derivatives.
    fn finish(mut self, loops: Vec<UvLoop>) -> Result<Domain, TessError> {
        let mut polys: Vec<Vec<([f64; 2], usize)>> = loops.into_iter().map(|l| l.pts).collect();
        let areas: Vec<f64> = polys.iter().map(|p| signed_area(&p.iter().map(|q| q.0).collect::<Vec<_>>())).collect();
        let outer = (0..polys.len()).max_by(|&a, &b| areas[a].abs().total_cmp(&areas[b].abs())).unwrap_or(0);
        polys.swap(0, outer);
        let mut areas = areas;
        areas.swap(0, outer);
        if areas.first().is_none_or(|a| a.is_nan() || *a == 0.0) {
            return Err(TessError::BadLoops("outer bound encloses no area in parameter space"));
        }
        let (omin, omax) = bounds(&polys[0]);
        let periods = [self.surface.u_period(), self.surface.v_period()];
        for (k, poly) in polys.iter_mut().enumerate() {
            if (k == 0) != (areas[k] > 0.0) {
                poly.reverse();
            }
            if k == 0 {
                continue;
            }
            // Bring each hole into the outer polygon's periodic window.
            let (hmin, hmax) = bounds(poly);
            for axis in 0..2 {
                if let Some(p) = periods[axis] {
                    let centre = 0.5 * (hmin[axis] + hmax[axis]);
                    let target = 0.5 * (omin[axis] + omax[axis]);
                    let shift = nearest_rep(centre, target, p) - centre;
                    for q in poly.iter_mut() {
                        q.0[axis] += shift;
                    }
                }
            }
        }
        let mut uv = Vec::new();
        let mut vid = Vec::new();
        let mut index_polys = Vec::new();
        for poly in polys {
            let mut idx = Vec::with_capacity(poly.len());
            for (q, id) in poly {
                idx.push(uv.len());
                uv.push(q);
                vid.push(id);
            }
            index_polys.push(idx);
        }
        let scale = self.scale_factors(omin, omax);
        let pts = std::mem::take(&mut self.pts);
        Ok(Domain { uv, vid, pts, polys: index_polys, scale, gap: self.gap, inner: FxMap::default() })
    }

    /// Mean |∂S/∂u| and |∂S/∂v| over a grid on the face's parameter box.
    fn scale_factors(&self, min: [f64; 2], max: [f64; 2]) -> [f64; 2] {
        let (mut su, mut sv, mut n) = (0.0, 0.0, 0.0);
        for i in 0..5 {
            for j in 0..5 {
                let u = min[0] + (max[0] - min[0]) * (i as f64 + 0.5) / 5.0;
                let v = min[1] + (max[1] - min[1]) * (j as f64 + 0.5) / 5.0;
                let (_, du, dv) = self.surface.eval_d1(u, v);
                if du.is_finite() && dv.is_finite() {
                    su += du.length();
                    sv += dv.length();
                    n += 1.0;
                }
            }
        }
        let f = |s: f64| if n > 0.0 && s / n > 1e-300 && (s / n).is_finite() { s / n } else { 1.0 };
        [f(su), f(sv)]
    }
}

/// Index of the largest key (0 for an empty slice).
fn argmax_by(pts: &[([f64; 2], usize)], key: impl Fn(&([f64; 2], usize)) -> f64) -> usize {
    (0..pts.len()).max_by(|&a, &b| key(&pts[a]).total_cmp(&key(&pts[b]))).unwrap_or(0)
}

/// A loop running +u around a period, restarted at index `k`: the points moved from the front to the back
/// continue a period further along u.
fn start_at(mut pts: UvPoints, k: usize, period: f64) -> UvPoints {
    if k == 0 || k >= pts.len() {
        return pts;
    }
    pts.rotate_left(k);
    let moved = pts.len() - k;
    for q in &mut pts[moved..] {
        q.0[0] += period;
    }
    pts
}

fn bounds(poly: &[([f64; 2], usize)]) -> ([f64; 2], [f64; 2]) {
    let mut min = [f64::INFINITY; 2];
    let mut max = [f64::NEG_INFINITY; 2];
    for (q, _) in poly {
        for a in 0..2 {
            min[a] = min[a].min(q[a]);
            max[a] = max[a].max(q[a]);
        }
    }
    (min, max)
}
