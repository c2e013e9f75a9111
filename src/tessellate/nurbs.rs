//! (Rational) B-spline curves and surfaces: validation, evaluation with first derivatives (basis functions
//! of The NURBS Book, A2.1/A2.2), and the knot-vector expansion STEP's distinct-knots-with-multiplicities
//! form needs, checked before anything is allocated.

use super::{TessError, Vec3};
use crate::model::geom::Point;

/// Highest degree accepted (CAD data stays far below; the bound keeps basis arrays on the stack).
pub const MAX_DEGREE: usize = 25;
/// Most control points of one curve, or of one surface (both directions together).
pub const MAX_CONTROL_POINTS: usize = 1_000_000;

#[derive(Debug, Clone, PartialEq)]
pub struct NurbsCurve {
    pub degree: usize,
    /// The full knot vector (`ctrl.len() + degree + 1` values, non-decreasing).
    pub knots: Vec<f64>,
    pub ctrl: Vec<Point>,
    /// One positive weight per control point for rational curves.
    pub weights: Option<Vec<f64>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NurbsSurface {
    pub u_degree: usize,
    pub v_degree: usize,
    pub u_knots: Vec<f64>,
    pub v_knots: Vec<f64>,
    /// Number of control points along u (rows) and v (columns).
    pub nu: usize,
    pub nv: usize,
    /// Row-major: the point (i along u, j along v) is `ctrl[i * nv + j]` (STEP's list of lists order).
    pub ctrl: Vec<Point>,
    pub weights: Option<Vec<f64>>,
    /// Whether the surface meets itself across its u (index 0) and v domain ends, decided once in `new`:
    /// every evaluation and point inversion asks.
    closed: [bool; 2],
}

/// Expands distinct knots and their multiplicities into a full knot vector, refusing a total that does not
/// match `expected` before allocating (a corrupt multiplicity of 10^9 must not allocate 8 GB).
pub fn expand_knots(knots: &[f64], mults: &[i64], expected: usize) -> Result<Vec<f64>, TessError> {
    if knots.len() != mults.len() {
        return Err(TessError::InvalidGeometry("knot and multiplicity lists differ in length"));
    }
    let mut total: u64 = 0;
    for &m in mults {
        if m < 1 {
            return Err(TessError::InvalidGeometry("knot multiplicity below 1"));
        }
        total = total.saturating_add(m as u64);
    }
    if total != expected as u64 {
        return Err(TessError::InvalidGeometry("knot multiplicities do not match degree and control points"));
    }
    let mut out = Vec::with_capacity(expected);
    for (&k, &m) in knots.iter().zip(mults) {
        out.extend(std::iter::repeat_n(k, m as usize));
    }
    Ok(out)
}

fn check_knots(degree: usize, n: usize, knots: &[f64]) -> Result<(), TessError> {
    if degree == 0 || degree > MAX_DEGREE {
        return Err(TessError::InvalidGeometry("B-spline degree out of range"));
    }
    if n <= degree || n > MAX_CONTROL_POINTS {
        return Err(TessError::InvalidGeometry("B-spline control point count out of range"));
    }
    if knots.len() != n + degree + 1 {
        return Err(TessError::InvalidGeometry("knot vector length is not control points + degree + 1"));
    }
    if knots.iter().any(|k| !k.is_finite()) {
        return Err(TessError::NonFinite("knot vector"));
    }
    if knots.windows(2).any(|w| w[0] > w[1]) {
        return Err(TessError::InvalidGeometry("knot vector decreases"));
    }
    // The evaluation domain [knots[p], knots[n]] must not be empty.
    if knots[n] <= knots[degree] {
        return Err(TessError::InvalidGeometry("empty B-spline parameter range"));
    }
    Ok(())
}

fn check_points(ctrl: &[Point], weights: Option<&[f64]>) -> Result<(), TessError> {
    if ctrl.iter().any(|p| !p.is_finite()) {
        return Err(TessError::NonFinite("control points"));
    }
    if let Some(w) = weights {
        if w.len() != ctrl.len() {
            return Err(TessError::InvalidGeometry("weight count differs from control point count"));
        }
        if w.iter().any(|w| !(w.is_finite() && *w > 0.0)) {
            return Err(TessError::InvalidGeometry("B-spline weight not positive and finite"));
        }
    }
    Ok(())
}

/// The knot span index k with knots[k] ≤ u < knots[k+1], clamped to [p, n−1] (A2.1).
fn find_span(n: usize, p: usize, u: f64, knots: &[f64]) -> usize {
    if u >= knots[n] {
        // The last non-empty span, so u at the domain end evaluates to the end point.
        let mut k = n - 1;
        while k > p && knots[k] >= knots[n] {
            k -= 1;
        }
        return k;
    }
    if u <= knots[p] {
        let mut k = p;
        while k + 1 < n && knots[k + 1] <= knots[p] {
            k += 1;
        }
        return k;
    }
    let (mut lo, mut hi) = (p, n);
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        if u < knots[mid] { hi = mid } else { lo = mid }
    }
    lo
}

type Basis = [f64; MAX_DEGREE + 1];

/// Non-zero basis functions N[span−p..=span] of degree p at u (A2.2), and their first derivatives.
fn basis_with_derivs(span: usize, u: f64, p: usize, knots: &[f64]) -> (Basis, Basis) {
    let lower = basis(span, u, p - 1, knots);
    let full = basis(span, u, p, knots);
    let mut d = [0.0; MAX_DEGREE + 1];
    // N'_{i,p} = p·N_{i,p−1}/(t_{i+p}−t_i) − p·N_{i+1,p−1}/(t_{i+p+1}−t_{i+1}); lower[j] is N_{span−p+1+j,p−1}.
    for (r, dr) in d.iter_mut().enumerate().take(p + 1) {
        let i = span - p + r;
        let left = if r >= 1 { lower[r - 1] } else { 0.0 };
        let right = if r < p { lower[r] } else { 0.0 };
        let d1 = knots[i + p] - knots[i];
        let d2 = knots[i + p + 1] - knots[i + 1];
        let a = if d1 > 0.0 { left / d1 } else { 0.0 };
        let b = if d2 > 0.0 { right / d2 } else { 0.0 };
        *dr = p as f64 * (a - b);
    }
    (full, d)
}

fn basis(span: usize, u: f64, p: usize, knots: &[f64]) -> Basis {
    let mut n = [0.0; MAX_DEGREE + 1];
    let mut left = [0.0; MAX_DEGREE + 1];
    let mut right = [0.0; MAX_DEGREE + 1];
    n[0] = 1.0;
    for j in 1..=p {
        left[j] = u - knots[span + 1 - j];
        right[j] = knots[span + j] - u;
        let mut saved = 0.0;
        for r in 0..j {
            let den = right[r + 1] + left[j - r];
            let temp = if den != 0.0 { n[r] / den } else { 0.0 };
            n[r] = saved + right[r + 1] * temp;
            saved = left[j - r] * temp;
        }
        n[j] = saved;
    }
    n
}

/// Homogeneous accumulator: Σ N·w·P and Σ N·w, for the quotient rule of rational derivatives.
#[derive(Clone, Copy, Default)]
struct Hom {
    p: [f64; 3],
    w: f64,
}

impl Hom {
    fn add(&mut self, pt: Point, weight: f64, f: f64) {
        let fw = f * weight;
        self.p[0] += pt.x * fw;
        self.p[1] += pt.y * fw;
        self.p[2] += pt.z * fw;
        self.w += fw;
    }

    fn point(&self) -> Point {
        let w = if self.w.abs() > 1e-300 { self.w } else { 1.0 };
        Point::new(self.p[0] / w, self.p[1] / w, self.p[2] / w)
    }

    /// (A' − W'·C) / W
    fn derivative(&self, of: Point, dw: &Hom) -> Vec3 {
        let w = if of.is_finite() && self.w.abs() > 1e-300 { self.w } else { 1.0 };
        Point::new(dw.p[0] - dw.w * of.x, dw.p[1] - dw.w * of.y, dw.p[2] - dw.w * of.z).scale(1.0 / w)
    }
}

impl NurbsCurve {
    pub fn new(degree: usize, knots: Vec<f64>, ctrl: Vec<Point>, weights: Option<Vec<f64>>) -> Result<Self, TessError> {
        let c = NurbsCurve { degree, knots, ctrl, weights };
        c.validate()?;
        Ok(c)
    }

    pub fn validate(&self) -> Result<(), TessError> {
        check_knots(self.degree, self.ctrl.len(), &self.knots)?;
        check_points(&self.ctrl, self.weights.as_deref())
    }

    /// The parameter range [knots[p], knots[n]].
    pub fn domain(&self) -> (f64, f64) {
        (self.knots[self.degree], self.knots[self.ctrl.len()])
    }

    /// Distinct knot values inside the domain (span boundaries), for sampling.
    pub fn spans(&self) -> Vec<f64> {
        distinct(&self.knots[self.degree..=self.ctrl.len()])
    }

    fn weight(&self, i: usize) -> f64 {
        self.weights.as_ref().and_then(|w| w.get(i).copied()).unwrap_or(1.0)
    }

    /// Point and first derivative at `t` (clamped to the domain).
    pub fn eval_d1(&self, t: f64) -> (Point, Vec3) {
        let (a, b) = self.domain();
        let t = t.clamp(a, b);
        let p = self.degree;
        let span = find_span(self.ctrl.len(), p, t, &self.knots);
        let (n, d) = basis_with_derivs(span, t, p, &self.knots);
        let (mut h, mut dh) = (Hom::default(), Hom::default());
        for r in 0..=p {
            let i = span - p + r;
            let w = self.weight(i);
            h.add(self.ctrl[i], w, n[r]);
            dh.add(self.ctrl[i], w, d[r]);
        }
        let pt = h.point();
        (pt, h.derivative(pt, &dh))
    }

    pub fn eval(&self, t: f64) -> Point {
        self.eval_d1(t).0
    }
}

impl NurbsSurface {
    /// Whether a first or last row or column of control points is one point (within 1e-9 of the net's
    /// size): the surface then has a pole or a collapsed side there.
    pub fn has_collapsed_side(&self) -> bool {
        let size = self.ctrl.iter().fold(0.0f64, |m, p| m.max(p.x.abs()).max(p.y.abs()).max(p.z.abs()));
        let tiny = 1e-9 * size.max(1e-300);
        let (nu, nv) = (self.nu, self.nv);
        let ctrl = &self.ctrl;
        nu > 0
            && nv > 0
            && (one_point(ctrl, 0..nv, tiny)
                || one_point(ctrl, (nu - 1) * nv..nu * nv, tiny)
                || one_point(ctrl, (0..nu).map(|i| i * nv), tiny)
                || one_point(ctrl, (0..nu).map(|i| i * nv + nv - 1), tiny))
    }

    #[allow(clippy::too_many_arguments)]
    pub fn new(
        u_degree: usize,
        v_degree: usize,
        u_knots: Vec<f64>,
        v_knots: Vec<f64>,
        nu: usize,
        nv: usize,
        ctrl: Vec<Point>,
        weights: Option<Vec<f64>>,
    ) -> Result<Self, TessError> {
        let mut s = NurbsSurface { u_degree, v_degree, u_knots, v_knots, nu, nv, ctrl, weights, closed: [false; 2] };
        s.validate()?;
        s.closed = [s.meets_itself(true), s.meets_itself(false)];
        Ok(s)
    }

    /// Whether the surface closes on itself along u (`along_u`) or v.
    pub fn is_closed(&self, along_u: bool) -> bool {
        self.closed[usize::from(!along_u)]
    }

    /// Whether the two boundary curves at the ends of the u (or v) domain coincide: sampled along the other
    /// direction, within 1e-6 of the control net's size. Evaluated rather than read off the control net,
    /// because a periodic (unclamped) B-spline closes without its first and last control rows being equal.
    fn meets_itself(&self, along_u: bool) -> bool {
        let mut lo = Point::new(f64::INFINITY, f64::INFINITY, f64::INFINITY);
        let mut hi = Point::new(f64::NEG_INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY);
        for p in &self.ctrl {
            lo = Point::new(lo.x.min(p.x), lo.y.min(p.y), lo.z.min(p.z));
            hi = Point::new(hi.x.max(p.x), hi.y.max(p.y), hi.z.max(p.z));
        }
        let size = hi.distance(lo);
        if !(size.is_finite() && size > 0.0) {
            return false;
        }
        let (a, b) = if along_u { self.u_domain() } else { self.v_domain() };
        let (c, d) = if along_u { self.v_domain() } else { self.u_domain() };
        let at = |x: f64, y: f64| if along_u { self.eval_d1(x, y).0 } else { self.eval_d1(y, x).0 };
        const SAMPLES: usize = 9;
        (0..SAMPLES).all(|k| {
            let y = c + (d - c) * k as f64 / (SAMPLES - 1) as f64;
            at(a, y).distance(at(b, y)) <= 1e-6 * size
        })
    }

    pub fn validate(&self) -> Result<(), TessError> {
        if self.nu.checked_mul(self.nv) != Some(self.ctrl.len()) {
            return Err(TessError::InvalidGeometry("control net size is not nu × nv"));
        }
        check_knots(self.u_degree, self.nu, &self.u_knots)?;
        check_knots(self.v_degree, self.nv, &self.v_knots)?;
        check_points(&self.ctrl, self.weights.as_deref())
    }

    pub fn u_domain(&self) -> (f64, f64) {
        (self.u_knots[self.u_degree], self.u_knots[self.nu])
    }

    pub fn v_domain(&self) -> (f64, f64) {
        (self.v_knots[self.v_degree], self.v_knots[self.nv])
    }

    pub fn u_spans(&self) -> Vec<f64> {
        distinct(&self.u_knots[self.u_degree..=self.nu])
    }

    pub fn v_spans(&self) -> Vec<f64> {
        distinct(&self.v_knots[self.v_degree..=self.nv])
    }

    /// Point and the two first partial derivatives at (u, v), clamped to the domain.
    pub fn eval_d1(&self, u: f64, v: f64) -> (Point, Vec3, Vec3) {
        let (u0, u1) = self.u_domain();
        let (v0, v1) = self.v_domain();
        let (u, v) = (u.clamp(u0, u1), v.clamp(v0, v1));
        let (p, q) = (self.u_degree, self.v_degree);
        let su = find_span(self.nu, p, u, &self.u_knots);
        let sv = find_span(self.nv, q, v, &self.v_knots);
        let (nu, du) = basis_with_derivs(su, u, p, &self.u_knots);
        let (nv, dv) = basis_with_derivs(sv, v, q, &self.v_knots);
        let (mut h, mut hu, mut hv) = (Hom::default(), Hom::default(), Hom::default());
        for a in 0..=p {
            let i = su - p + a;
            for b in 0..=q {
                let j = sv - q + b;
                let k = i * self.nv + j;
                let w = self.weights.as_ref().and_then(|w| w.get(k).copied()).unwrap_or(1.0);
                let pt = self.ctrl[k];
                h.add(pt, w, nu[a] * nv[b]);
                hu.add(pt, w, du[a] * nv[b]);
                hv.add(pt, w, nu[a] * dv[b]);
            }
        }
        let pt = h.point();
        (pt, h.derivative(pt, &hu), h.derivative(pt, &hv))
    }
}

fn distinct(knots: &[f64]) -> Vec<f64> {
    let mut out: Vec<f64> = Vec::new();
    for &k in knots {
        if out.last().is_none_or(|&l| k > l) {
            out.push(k);
        }
    }
    out
}

/// Whether the control points at `indices` are one point (within `tiny`).
fn one_point(ctrl: &[Point], mut indices: impl Iterator<Item = usize>, tiny: f64) -> bool {
    let Some(first) = indices.next().and_then(|k| ctrl.get(k)) else { return false };
    indices.all(|k| ctrl.get(k).is_some_and(|p| p.distance(*first) <= tiny))
}
