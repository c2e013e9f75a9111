//! The triangulation of a face in (u, v) with neighbour links: Delaunay edge flips (in the scaled
//! parameter plane, boundary edges fixed) and refinement by splitting interior edges at their (u, v)
//! midpoint until every triangle is within the chord and angle tolerances, bounded by a triangle cap and a
//! shortest edge. Then the 3D [`FaceMesh`], seam and pole copies welded by their 3D point id.

use super::domain::Domain;
use super::fxhash::FxMap;
use super::surface::Surface;
use super::{MAX_FACE_TRIANGLES, Tolerance};
use crate::model::geom::Point;
use crate::model::mesh::{FaceIntegrals, FaceMesh};

const NONE: usize = usize::MAX;
/// Edge checks allowed when re-legalizing around one inserted vertex.
const LOCAL_FLIPS: usize = 2000;
/// Triangle checks allowed per face during refinement, in multiples of the triangle cap.
const CHECKS_PER_TRIANGLE: usize = 8;
/// Output coordinates within this fraction of the chord tolerance (a millionth of it: far below what an f32
/// position resolves at the part's scale) are written as 0. Why: a point that should lie on a coordinate
/// plane comes out of the surface's evaluation with a residue of 1e-15 or so (sin π), and the two sides of
/// a seam, evaluated apart, get different residues (trj3_s1-al's nose sphere: z 1.46e-15 against 2.42e-15
/// along the whole seam); as f32 they differ, so the copies never weld and the seam is drawn as an open
/// edge. Zero for both, they weld.
const NUMERICAL_ZERO: f64 = 1e-6;

pub(crate) struct Refiner<'a> {
    surface: &'a Surface,
    tol: &'a Tolerance,
    /// The chord tolerance plus the boundary's own distance from the surface (triangles along an edge that
    /// misses the surface by more than the tolerance could otherwise never pass).
    chord: f64,
    scale: [f64; 2],
    /// Per vertex: (u, v), 3D id and 3D point.
    uv: Vec<[f64; 2]>,
    vid: Vec<usize>,
    p3: Vec<Point>,
    /// Unit surface normal per vertex (computed once: refinement checks each vertex many times).
    nrm: Vec<Point>,
    /// Whether that normal is well defined (the angle test skips triangles touching poles).
    regular: Vec<bool>,
    /// The normal-angle test runs on analytic surfaces only: B-spline and offset faces (creases at C0
    /// knots, near-degenerate corners) refined to the triangle cap under it on real files, while the
    /// chord test alone gave OpenCASCADE's area with fewer triangles (Ventilator.stp: 9 k vs 13 k).
    angle_test: bool,
    /// 3D points by id (boundary points exactly as given).
    pts: Vec<Point>,
    tris: Vec<[usize; 3]>,
    /// Neighbour across edge k = (v[k], v[k+1]), or NONE on the boundary.
    adj: Vec<[usize; 3]>,
    /// Where normals at poles are taken from: the middle of the face in (u, v).
    centre: [f64; 2],
    /// The exact boundary curve inside each loop chord, by its 3D point ids ([`Domain::inner`]).
    inner: FxMap<(usize, usize), [Point; 3]>,
}

impl<'a> Refiner<'a> {
    pub fn new(surface: &'a Surface, dom: Domain, tris: Vec<[usize; 3]>, tol: &'a Tolerance) -> Refiner<'a> {
        let p3 = dom.vid.iter().map(|&id| dom.pts[id]).collect();
        let centre = {
            let n = dom.uv.len().max(1) as f64;
            let s = dom.uv.iter().fold([0.0, 0.0], |a, q| [a[0] + q[0], a[1] + q[1]]);
            [s[0] / n, s[1] / n]
        };
        let mut r = Refiner {
            surface,
            tol,
            chord: tol.chord + dom.gap,
            scale: dom.scale,
            uv: dom.uv,
            vid: dom.vid,
            p3,
            nrm: Vec::new(),
            regular: Vec::new(),
            angle_test: !matches!(surface, Surface::Nurbs(_) | Surface::Offset { .. }),
            pts: dom.pts,
            adj: vec![[NONE; 3]; tris.len()],
            tris,
            centre,
            inner: dom.inner,
        };
        r.nrm = r.uv.iter().map(|q| surface.normal(q[0], q[1], centre)).collect();
        r.regular = r.uv.iter().map(|q| surface.regular_at(q[0], q[1])).collect();
        r.link();
        r
    }

    fn link(&mut self) {
        let mut edges: FxMap<(usize, usize), (usize, usize)> = FxMap::default();
        edges.reserve(self.tris.len() * 3);
        for (t, tri) in self.tris.iter().enumerate() {
            for k in 0..3 {
                edges.insert((tri[k], tri[(k + 1) % 3]), (t, k));
            }
        }
        for t in 0..self.tris.len() {
            for k in 0..3 {
                let (a, b) = (self.tris[t][k], self.tris[t][(k + 1) % 3]);
                if let Some(&(o, _)) = edges.get(&(b, a))
                    && o != t
                {
                    self.adj[t][k] = o;
                }
            }
        }
        // Keep only mutual links: a damaged triangulation may use an edge in the same direction twice.
        for t in 0..self.tris.len() {
            for k in 0..3 {
                let o = self.adj[t][k];
                if o != NONE && !self.adj[o].contains(&t) {
                    self.adj[t][k] = NONE;
                }
            }
        }
    }

    fn s(&self, i: usize) -> [f64; 2] {
        [self.uv[i][0] * self.scale[0], self.uv[i][1] * self.scale[1]]
    }

    /// Makes the triangulation Delaunay in the scaled plane (boundary edges fixed).
    pub fn delaunay(&mut self) {
        let mut stack: Vec<(usize, usize)> = (0..self.tris.len()).flat_map(|t| (0..3).map(move |k| (t, k))).collect();
        // Ear clipping leaves fans whose long diagonals take many flips to undo (a cylinder band between
        // two 38-gons needed more than 20 checks per triangle); a fan left half-flipped is then refined with
        // interior points whose chords sag up to the full chord tolerance, well below the edges' polygon
        // (eight_cyl.stp: 374 triangles and −0.32 % area per band instead of the 76-triangle strip, −0.11 %).
        // Still linear in the face's size, so a cycle of cocircular flips stays bounded.
        let budget = 200 * self.tris.len() + 10_000;
        self.legalize(&mut stack, budget);
    }

    /// Flips until the edges on the stack are locally Delaunay, at most `budget` checks: each flip strictly
    /// improves the triangulation, but rounding can make cocircular points cycle.
    fn legalize(&mut self, stack: &mut Vec<(usize, usize)>, mut budget: usize) {
        while let Some((t, k)) = stack.pop() {
            if budget == 0 {
                stack.clear();
                break;
            }
            budget -= 1;
            if let Some((t1, t2)) = self.flip_if_needed(t, k) {
                for tt in [t1, t2] {
                    for kk in 0..3 {
                        stack.push((tt, kk));
                    }
                }
            }
        }
    }

    /// Flips edge k of t when the opposite vertex of the neighbour is inside t's circumcircle.
    fn flip_if_needed(&mut self, t: usize, k: usize) -> Option<(usize, usize)> {
        let t2 = self.adj[t][k];
        if t2 == NONE {
            return None;
        }
        let [a, b, c] = rot(self.tris[t], k);
        let k2 = (0..3).find(|&j| self.tris[t2][j] == b && self.tris[t2][(j + 1) % 3] == a)?;
        let d = self.tris[t2][(k2 + 2) % 3];
        if d == c {
            return None;
        }
        let (pa, pb, pc, pd) = (self.s(a), self.s(b), self.s(c), self.s(d));
        let size = dist2(pa, pb).max(dist2(pb, pc)).max(dist2(pc, pa));
        let inside = incircle(pa, pb, pc, pd);
        if inside.is_nan() || inside <= 1e-12 * size * size {
            return None;
        }
        if !(cross(pa, pd, pc) > 0.0 && cross(pd, pb, pc) > 0.0) {
            return None;
        }
        let n_bc = self.adj[t][(k + 1) % 3];
        let n_ca = self.adj[t][(k + 2) % 3];
        let n_ad = self.adj[t2][(k2 + 1) % 3];
        let n_db = self.adj[t2][(k2 + 2) % 3];
        self.tris[t] = [a, d, c];
        self.adj[t] = [n_ad, t2, n_ca];
        self.tris[t2] = [d, b, c];
        self.adj[t2] = [n_db, n_bc, t];
        self.relink(n_ad, t2, t);
        self.relink(n_bc, t, t2);
        Some((t, t2))
    }

    fn relink(&mut self, nb: usize, old: usize, new: usize) {
        if nb == NONE {
            return;
        }
        for slot in &mut self.adj[nb] {
            if *slot == old {
                *slot = new;
            }
        }
    }

    fn add_vertex(&mut self, uv: [f64; 2]) -> usize {
        let p = self.surface.eval(uv[0], uv[1]);
        self.pts.push(p);
        self.uv.push(uv);
        self.vid.push(self.pts.len() - 1);
        self.p3.push(p);
        self.nrm.push(self.surface.normal(uv[0], uv[1], self.centre));
        self.regular.push(self.surface.regular_at(uv[0], uv[1]));
        self.uv.len() - 1
    }

    /// Splits triangles until each is within tolerance, up to the triangle cap.
    pub fn refine(&mut self) {
        let mut queue: Vec<usize> = (0..self.tris.len()).collect();
        let mut stack = Vec::new();
        let mut checks = CHECKS_PER_TRIANGLE * MAX_FACE_TRIANGLES;
        while let Some(t) = queue.pop() {
            if self.tris.len() + 2 > MAX_FACE_TRIANGLES || checks == 0 {
                break;
            }
            checks -= 1;
            if !self.too_coarse(t) {
                continue;
            }
            let Some(k) = self.edge_to_split(t) else { continue };
            let created = self.split_edge(t, k);
            for &(tt, _) in &created {
                queue.push(tt);
            }
            stack.extend(created);
            // After one split only the few triangles around the new vertex change: a fixed budget keeps a
            // cycling flip from costing time in proportion to the whole face, split after split.
            self.legalize(&mut stack, LOCAL_FLIPS);
            // Flips may have changed triangles already checked: recheck the ones around the new vertex.
            queue.push(t);
        }
    }

    /// Whether the triangle's plane strays from the surface by more than the chord tolerance, or its
    /// corner normals differ by more than the angle tolerance.
    fn too_coarse(&self, t: usize) -> bool {
        let [a, b, c] = self.tris[t];
        // A triangle turned over in the plane (a loop that folds in (u, v)) cannot be mended by splitting;
        // refining it would only run to the triangle cap.
        if cross(self.s(a), self.s(b), self.s(c)) <= 0.0 {
            return false;
        }
        let (ua, ub, uc) = (self.uv[a], self.uv[b], self.uv[c]);
        let centroid_uv = [(ua[0] + ub[0] + uc[0]) / 3.0, (ua[1] + ub[1] + uc[1]) / 3.0];
        let (pa, pb, pc) = (self.p3[a], self.p3[b], self.p3[c]);
        // Distance off the triangle's plane, not to its centroid: a non-uniform parameterisation moves
        // points within a flat surface, which is no error.
        if let Some(n) = pb.minus(pa).cross(pc.minus(pa)).normalized() {
            let s = self.surface.eval(centroid_uv[0], centroid_uv[1]);
            if s.minus(pa).dot(n).abs() > self.chord {
                return true;
            }
        }
        for k in 0..3 {
            if self.adj[t][k] == NONE {
                continue;
            }
            let (i, j) = (self.tris[t][k], self.tris[t][(k + 1) % 3]);
            let m = [(self.uv[i][0] + self.uv[j][0]) * 0.5, (self.uv[i][1] + self.uv[j][1]) * 0.5];
            if off_line(self.surface.eval(m[0], m[1]), self.p3[i], self.p3[j]) > self.chord {
                return true;
            }
        }
        // The normal-angle test needs trustworthy normals, and below twice the chord tolerance a triangle
        // is as fine as the chord test can tell: B-spline faces with near-degenerate corners otherwise
        // refined to the triangle cap (Ventilator: 1.7 M triangles where OpenCASCADE makes 13 k).
        if !(self.angle_test && self.regular[a] && self.regular[b] && self.regular[c]) {
            return false;
        }
        let longest = pa.distance(pb).max(pb.distance(pc)).max(pc.distance(pa));
        if longest <= 2.0 * self.chord {
            return false;
        }
        let n = [self.nrm[a], self.nrm[b], self.nrm[c]];
        let cos = self.tol.angle.cos();
        n[0].dot(n[1]) < cos || n[1].dot(n[2]) < cos || n[2].dot(n[0]) < cos
    }

    /// The longest interior edge of t that is still worth splitting (3D length above the chord tolerance).
    fn edge_to_split(&self, t: usize) -> Option<usize> {
        let tri = self.tris[t];
        (0..3)
            .filter(|&k| self.adj[t][k] != NONE)
            .filter(|&k| self.p3[tri[k]].distance(self.p3[tri[(k + 1) % 3]]) > self.chord)
            .max_by(|&x, &y| {
                let lx = dist2(self.s(tri[x]), self.s(tri[(x + 1) % 3]));
                let ly = dist2(self.s(tri[y]), self.s(tri[(y + 1) % 3]));
                lx.total_cmp(&ly)
            })
    }

    /// Splits edge k of t (shared with its neighbour) at its (u, v) midpoint; returns the edges to legalize.
    fn split_edge(&mut self, t: usize, k: usize) -> Vec<(usize, usize)> {
        let t2 = self.adj[t][k];
        let [a, b, c] = rot(self.tris[t], k);
        let Some(k2) = (0..3).find(|&j| self.tris[t2][j] == b && self.tris[t2][(j + 1) % 3] == a) else {
            return Vec::new();
        };
        let d = self.tris[t2][(k2 + 2) % 3];
        let n_bc = self.adj[t][(k + 1) % 3];
        let n_ca = self.adj[t][(k + 2) % 3];
        let n_ad = self.adj[t2][(k2 + 1) % 3];
        let n_db = self.adj[t2][(k2 + 2) % 3];
        let m = self.add_vertex([(self.uv[a][0] + self.uv[b][0]) * 0.5, (self.uv[a][1] + self.uv[b][1]) * 0.5]);
        let (t3, t4) = (self.tris.len(), self.tris.len() + 1);
        self.tris[t] = [a, m, c];
        self.adj[t] = [t4, t3, n_ca];
        self.tris.push([m, b, c]);
        self.adj.push([t2, n_bc, t]);
        self.tris[t2] = [b, m, d];
        self.adj[t2] = [t3, t4, n_db];
        self.tris.push([m, a, d]);
        self.adj.push([t, n_ad, t2]);
        self.relink(n_bc, t, t3);
        self.relink(n_ad, t2, t4);
        vec![(t, 2), (t3, 1), (t2, 2), (t4, 1)]
    }

    /// Area, flux and vector area of the face over its exact surface: a 3-point Gauss rule (degree 2)
    /// on every (u, v) triangle of the refined triangulation, integrating |S_u × S_v| and
    /// S·(S_u × S_v) / 3 in (u, v); see [`integrate_triangle`] for where it subdivides. The (u, v)
    /// triangles tile the face's domain exactly, so only the boundary's straight steps in (u, v) separate
    /// the result from the trimmed face; pole slivers and folds that `into_face_mesh` drops in 3D still
    /// cover their part of the domain and are integrated. `None` when a triangle is turned over in the
    /// plane (a folded layout: the domain is then not tiled once) or the layout leaves the surface's
    /// parameter range.
    pub fn integrals(&self, same_sense: bool) -> Option<FaceIntegrals> {
        if !self.inside_parameter_range() {
            return None;
        }
        let mut sum = Moments::default();
        for &[a, b, c] in &self.tris {
            let (sa, sb, sc) = (self.s(a), self.s(b), self.s(c));
            let size = dist2(sa, sb).max(dist2(sb, sc)).max(dist2(sc, sa));
            if cross(sa, sb, sc) < -1e-12 * size {
                return None;
            }
            if cross(self.uv[a], self.uv[b], self.uv[c]) > 0.0 {
                integrate_triangle(self.surface, [self.uv[a], self.uv[b], self.uv[c]], SUBDIVISIONS, &mut sum);
            }
        }
        // The face runs to its exact edges, not to the straight (u, v) chords between its edge points: add
        // (or take away) the sliver between each boundary chord and its curve. Boundary chords are the
        // triangles' edges without a neighbour; refinement never splits them, so they are the loops' chords.
        if !self.inner.is_empty() {
            for (t, &[a, b, c]) in self.tris.iter().enumerate() {
                if cross(self.uv[a], self.uv[b], self.uv[c]) <= 0.0 {
                    continue;
                }
                for (k, (p, q)) in [(a, b), (b, c), (c, a)].into_iter().enumerate() {
                    if self.adj[t][k] == NONE {
                        self.integrate_sliver(p, q, &mut sum);
                    }
                }
            }
        }
        let sign = if same_sense { 1.0 } else { -1.0 };
        let out = FaceIntegrals { area: sum.area, flux: sign * sum.flux / 3.0, vector_area: sum.vector.scale(sign) };
        (out.area.is_finite() && out.flux.is_finite() && out.vector_area.is_finite()).then_some(out)
    }

    /// Adds the integrals over the region between the boundary chord p → q (the face on its left in
    /// (u, v)) and the exact boundary curve through it, taken away where the curve bends into the face.
    ///
    /// The curve's three inner points are inverted into (u, v) next to the chord; the curve in (u, v) is
    /// then the chord plus t(1 − t)·g(t), with g the quadratic through the three offsets (exact for a
    /// quartic, so a conic step's sliver is within ~1e-8 of its own size). The sliver is swept as
    /// P(t, s) = chord(t) + s·e(t), whose Jacobian is (q − p + s·e′(t)) × e(t), and integrated with
    /// Gauss–Legendre rules of 4 points in t and 2 in s.
    fn integrate_sliver(&self, p: usize, q: usize, sum: &mut Moments) {
        let (ip, iq) = (self.vid[p], self.vid[q]);
        let curve = match (self.inner.get(&(ip, iq)), self.inner.get(&(iq, ip))) {
            (Some(&c), _) => c,
            (None, Some(&[x, y, z])) => [z, y, x],
            (None, None) => return,
        };
        let (a, b) = (self.uv[p], self.uv[q]);
        let chord_at = |t: f64| [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
        let scaled_len2 = dist2(self.s(p), self.s(q));
        let periods = [self.surface.u_period(), self.surface.v_period()];
        // A boundary point may sit off the surface by the loop's gap; a curve point farther than the
        // mapping accepts means the inversion went elsewhere.
        let limit = (100.0 * self.tol.chord).max(1e-6);
        let uv_scale = (b[0] - a[0]).abs().max((b[1] - a[1]).abs());
        let mut g = [[0.0; 2]; 3];
        // The middle point first: a chord straight in (u, v) (a line on a plane, an iso-line) ends there.
        for k in [1, 0, 2] {
            let t = 0.25 * (k + 1) as f64;
            let hint = chord_at(t);
            let Some((mut uv, dist)) = self.surface.foot_near(curve[k], hint, uv_scale) else { return };
            if !(dist <= limit && uv[0].is_finite() && uv[1].is_finite()) {
                return;
            }
            for (axis, period) in periods.iter().enumerate() {
                if let Some(per) = period {
                    uv[axis] += ((hint[axis] - uv[axis]) / per).round() * per;
                }
            }
            let e = [uv[0] - hint[0], uv[1] - hint[1]];
            let scaled2 = (e[0] * self.scale[0]).powi(2) + (e[1] * self.scale[1]).powi(2);
            // A sliver as wide as its chord is long is no sliver: the inversion landed across a pole or a
            // seam, or the curve is not this chord's.
            if scaled2.is_nan() || scaled2 > scaled_len2 {
                return;
            }
            if k == 1 && scaled2 <= 1e-24 * scaled_len2 {
                return;
            }
            let w = t * (1.0 - t);
            g[k] = [e[0] / w, e[1] / w];
        }
        // Quadratic g through (1/4, g0), (1/2, g1), (3/4, g2), and its derivative.
        let quad = |t: f64| {
            let (l0, l1, l2) =
                (8.0 * (t - 0.5) * (t - 0.75), -16.0 * (t - 0.25) * (t - 0.75), 8.0 * (t - 0.25) * (t - 0.5));
            let (d0, d1, d2) = (8.0 * (2.0 * t - 1.25), -16.0 * (2.0 * t - 1.0), 8.0 * (2.0 * t - 0.75));
            let val = [l0 * g[0][0] + l1 * g[1][0] + l2 * g[2][0], l0 * g[0][1] + l1 * g[1][1] + l2 * g[2][1]];
            let der = [d0 * g[0][0] + d1 * g[1][0] + d2 * g[2][0], d0 * g[0][1] + d1 * g[1][1] + d2 * g[2][1]];
            (val, der)
        };
        let d = [b[0] - a[0], b[1] - a[1]];
        for (t, wt) in gauss4() {
            let (gv, gd) = quad(t);
            let w = t * (1.0 - t);
            let e = [w * gv[0], w * gv[1]];
            let de = [(1.0 - 2.0 * t) * gv[0] + w * gd[0], (1.0 - 2.0 * t) * gv[1] + w * gd[1]];
            let c = chord_at(t);
            for (s, ws) in gauss2() {
                let tangent = [d[0] + s * de[0], d[1] + s * de[1]];
                // Minus: with the face on the chord's left, a curve bulging left (positive Jacobian) cuts
                // the sliver out of the face.
                let jac = -(tangent[0] * e[1] - tangent[1] * e[0]) * wt * ws;
                let (pt, su, sv) = self.surface.eval_d1(c[0] + s * e[0], c[1] + s * e[1]);
                let n = su.cross(sv);
                sum.area += jac * n.length();
                sum.flux += jac * pt.dot(n);
                sum.vector = sum.vector.plus(n.scale(jac));
            }
        }
    }

    /// Whether every vertex lies within the surface's parameter range along its non-periodic directions.
    /// Outside it B-spline evaluation clamps the parameter, so the point stays put while the derivative
    /// does not: the integrand is then no surface's (Ventilator.stp's revolved B-spline faces laid out at
    /// v ≈ −78.7 for a curve defined on [78.5, 84.8]: +22 % area on two faces, and their 3D mesh is fine).
    fn inside_parameter_range(&self) -> bool {
        let limits = [self.surface.u_limits(), self.surface.v_limits()];
        let periodic = [self.surface.u_period().is_some(), self.surface.v_period().is_some()];
        (0..2).all(|axis| match limits[axis] {
            Some((lo, hi)) if !periodic[axis] => {
                let slack = 1e-9 * (1.0 + lo.abs().max(hi.abs()).min(f64::MAX));
                self.uv.iter().all(|q| q[axis] >= lo - slack && q[axis] <= hi + slack)
            }
            _ => true,
        })
    }

    /// The 3D mesh: one vertex per 3D point id, triangles with repeated ids (pole slivers) dropped, winding
    /// and normals along the face normal.
    pub fn into_face_mesh(self, same_sense: bool) -> FaceMesh {
        let mut out_index: FxMap<usize, u32> = FxMap::default();
        let mut mesh = FaceMesh::default();
        let sign = if same_sense { 1.0 } else { -1.0 };
        // Near a pole, (u, v) triangles that are distinct in the plane can be the same 3D triangle once
        // with each winding (a fold of zero volume): both are dropped, which keeps every edge paired.
        let mut seen: FxMap<[usize; 3], (usize, usize)> = FxMap::default();
        let mut keep = vec![true; self.tris.len()];
        for (t, tri) in self.tris.iter().enumerate() {
            let ids = tri.map(|i| self.vid[i]);
            if ids[0] == ids[1] || ids[1] == ids[2] || ids[2] == ids[0] {
                keep[t] = false;
                continue;
            }
            let mut key = ids;
            key.sort_unstable();
            let parity = usize::from(is_even_permutation(ids, key));
            match seen.get(&key) {
                Some(&(other, p)) if p != parity && keep[other] => {
                    keep[other] = false;
                    keep[t] = false;
                    seen.remove(&key);
                }
                _ => {
                    seen.insert(key, (t, parity));
                }
            }
        }
        let zero_below = NUMERICAL_ZERO * self.tol.chord;
        for (t, tri) in self.tris.iter().enumerate() {
            if !keep[t] {
                continue;
            }
            let mut idx = [0u32; 3];
            for (slot, &i) in idx.iter_mut().zip(tri.iter()) {
                let id = self.vid[i];
                *slot = *out_index.entry(id).or_insert_with(|| {
                    let p = self.pts[id];
                    let n = self.nrm[i].scale(sign);
                    mesh.positions.push([p.x, p.y, p.z].map(|c| if c.abs() <= zero_below { 0.0 } else { c as f32 }));
                    mesh.normals.push([n.x as f32, n.y as f32, n.z as f32]);
                    (mesh.positions.len() - 1) as u32
                });
            }
            if !same_sense {
                idx.swap(1, 2);
            }
            mesh.indices.push(idx);
        }
        mesh
    }
}

/// Halvings of a (u, v) triangle allowed when integrating it (each splits it into four).
const SUBDIVISIONS: u32 = 3;
/// Largest ratio of the area element between the rule's points that the rule is trusted with. 1.05 split
/// most refined B-spline triangles and cost 3 times the corpus read CPU (11.2 s against 3.8 s, bench
/// step_read); 1.5 still splits the large triangles of flat faces with a non-uniform parameterisation.
const ELEMENT_SPREAD: f64 = 1.5;

/// Running sums of ∫|S_u × S_v|, ∫S·(S_u × S_v) and ∫(S_u × S_v) over (u, v).
#[derive(Default)]
struct Moments {
    area: f64,
    flux: f64,
    vector: Point,
}

/// The 3-point rule of degree 2 (interior points at 2/3, 1/6, 1/6), weights 1/3. Radon's 7-point rule of
/// degree 5 gave the same oracle agreement (area 129, volume 88 files, no file moving by 5e-4 near the 1 %
/// line) at 2.4 times the extra CPU: corpus read +31 % against +10 % with this one (bench step_read, user
/// time 1.31 → 1.45 s), as the refined triangles are small enough for degree 2 and the spread test below
/// splits the rest.
fn strang3() -> [([f64; 3], f64); 3] {
    let (a, b) = (2.0 / 3.0, 1.0 / 6.0);
    [([a, b, b], 1.0 / 3.0), ([b, a, b], 1.0 / 3.0), ([b, b, a], 1.0 / 3.0)]
}

/// Adds the integrals over the counter-clockwise (u, v) triangle `t` to `sum`. The rule is exact for
/// polynomials of degree 2; a refined mesh's triangles are small enough for it, but a flat face keeps
/// its few large triangles, over which a rational or non-uniform parameterisation varies a lot (a flat
/// rational patch came out 0.5 % short over two triangles). So where the area element differs by more
/// than [`ELEMENT_SPREAD`] between the rule's points, the triangle is split into four at its edge
/// midpoints, at most [`SUBDIVISIONS`] times (a pole, where the element vanishes, the rule handles: the
/// coarse sphere's integrals stay within 1e-6 of the exact ones: unit test).
fn integrate_triangle(surface: &Surface, t: [[f64; 2]; 3], depth: u32, sum: &mut Moments) {
    let half_jac = 0.5 * cross(t[0], t[1], t[2]);
    let mut local = Moments::default();
    let (mut lo, mut hi) = (f64::INFINITY, 0.0f64);
    for (l, w) in strang3() {
        let u = l[0] * t[0][0] + l[1] * t[1][0] + l[2] * t[2][0];
        let v = l[0] * t[0][1] + l[1] * t[1][1] + l[2] * t[2][1];
        let (p, su, sv) = surface.eval_d1(u, v);
        let n = su.cross(sv);
        let element = n.length();
        (lo, hi) = (lo.min(element), hi.max(element));
        local.area += w * element;
        local.flux += w * p.dot(n);
        local.vector = local.vector.plus(n.scale(w));
    }
    if depth > 0 && lo > 0.0 && hi > ELEMENT_SPREAD * lo {
        let mid = |a: [f64; 2], b: [f64; 2]| [(a[0] + b[0]) * 0.5, (a[1] + b[1]) * 0.5];
        let (m01, m12, m20) = (mid(t[0], t[1]), mid(t[1], t[2]), mid(t[2], t[0]));
        for child in [[t[0], m01, m20], [m01, t[1], m12], [m20, m12, t[2]], [m01, m12, m20]] {
            integrate_triangle(surface, child, depth - 1, sum);
        }
        return;
    }
    sum.area += local.area * half_jac;
    sum.flux += local.flux * half_jac;
    sum.vector = sum.vector.plus(local.vector.scale(half_jac));
}

/// Gauss–Legendre nodes and weights on [0, 1], 4 points (exact to degree 7).
fn gauss4() -> [(f64, f64); 4] {
    let (x1, x2) = (0.339_981_043_584_856_3, 0.861_136_311_594_052_6);
    let (w1, w2) = (0.652_145_154_862_546_1, 0.347_854_845_137_453_9);
    [(0.5 - 0.5 * x2, 0.5 * w2), (0.5 - 0.5 * x1, 0.5 * w1), (0.5 + 0.5 * x1, 0.5 * w1), (0.5 + 0.5 * x2, 0.5 * w2)]
}

/// Gauss–Legendre nodes and weights on [0, 1], 2 points (exact to degree 3).
fn gauss2() -> [(f64, f64); 2] {
    let x = 0.5 / 3f64.sqrt();
    [(0.5 - x, 0.5), (0.5 + x, 0.5)]
}

/// Whether `ids` is an even permutation (a rotation) of the sorted `key`.
fn is_even_permutation(ids: [usize; 3], key: [usize; 3]) -> bool {
    (0..3).any(|k| rot(ids, k) == key)
}

/// Distance from `p` to the line through `a` and `b` (to `a` when they coincide).
fn off_line(p: Point, a: Point, b: Point) -> f64 {
    let r = p.minus(a);
    match b.minus(a).normalized() {
        Some(e) => r.minus(e.scale(r.dot(e))).length(),
        None => r.length(),
    }
}

fn rot(t: [usize; 3], k: usize) -> [usize; 3] {
    [t[k], t[(k + 1) % 3], t[(k + 2) % 3]]
}

fn cross(o: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])
}

fn dist2(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)
}

/// Positive when d lies inside the circumcircle of the counter-clockwise triangle (a, b, c).
fn incircle(a: [f64; 2], b: [f64; 2], c: [f64; 2], d: [f64; 2]) -> f64 {
    let (adx, ady) = (a[0] - d[0], a[1] - d[1]);
    let (bdx, bdy) = (b[0] - d[0], b[1] - d[1]);
    let (cdx, cdy) = (c[0] - d[0], c[1] - d[1]);
    let (ad, bd, cd) = (adx * adx + ady * ady, bdx * bdx + bdy * bdy, cdx * cdx + cdy * cdy);
    adx * (bdy * cd - bd * cdy) - ady * (bdx * cd - bd * cdx) + ad * (bdx * cdy - bdy * cdx)
}
