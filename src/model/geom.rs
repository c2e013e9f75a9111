//! Plain geometry shared by every reader and consumer: points, boxes, affine transforms, and the few curve
//! evaluations (bulge arcs, arc/ellipse sweeps, NURBS) that extents, metrics and rendering all need.

use std::f64::consts::{PI, TAU};

/// A point or vector in drawing (or part) coordinates. 2D drawings keep `z = 0` unless the source had one.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Point {
    pub x: f64,
    pub y: f64,
    pub z: f64,
}

impl Point {
    pub const ZERO: Point = Point { x: 0.0, y: 0.0, z: 0.0 };

    pub const fn new(x: f64, y: f64, z: f64) -> Self {
        Point { x, y, z }
    }

    pub const fn xy(x: f64, y: f64) -> Self {
        Point { x, y, z: 0.0 }
    }

    pub fn plus(self, o: Point) -> Point {
        Point::new(self.x + o.x, self.y + o.y, self.z + o.z)
    }

    pub fn minus(self, o: Point) -> Point {
        Point::new(self.x - o.x, self.y - o.y, self.z - o.z)
    }

    pub fn scale(self, s: f64) -> Point {
        Point::new(self.x * s, self.y * s, self.z * s)
    }

    pub fn dot(self, o: Point) -> f64 {
        self.x * o.x + self.y * o.y + self.z * o.z
    }

    pub fn cross(self, o: Point) -> Point {
        Point::new(self.y * o.z - self.z * o.y, self.z * o.x - self.x * o.z, self.x * o.y - self.y * o.x)
    }

    pub fn length(self) -> f64 {
        self.dot(self).sqrt()
    }

    pub fn distance(self, o: Point) -> f64 {
        self.minus(o).length()
    }

    /// The unit vector in this direction, or `None` for a (near) zero vector.
    pub fn normalized(self) -> Option<Point> {
        let len = self.length();
        (len > 1e-300 && len.is_finite()).then(|| self.scale(1.0 / len))
    }

    pub fn is_finite(self) -> bool {
        self.x.is_finite() && self.y.is_finite() && self.z.is_finite()
    }
}

/// An axis-aligned 2D box; `EMPTY` until something is added.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BBox2 {
    pub min_x: f64,
    pub min_y: f64,
    pub max_x: f64,
    pub max_y: f64,
}

impl Default for BBox2 {
    fn default() -> Self {
        Self::EMPTY
    }
}

impl BBox2 {
    pub const EMPTY: BBox2 =
        BBox2 { min_x: f64::INFINITY, min_y: f64::INFINITY, max_x: f64::NEG_INFINITY, max_y: f64::NEG_INFINITY };

    pub fn is_empty(&self) -> bool {
        !(self.min_x <= self.max_x && self.min_y <= self.max_y)
    }

    /// Adds a point; non-finite points are ignored so one corrupt coordinate cannot poison a whole box.
    pub fn add_point(&mut self, p: Point) {
        if !(p.x.is_finite() && p.y.is_finite()) {
            return;
        }
        self.min_x = self.min_x.min(p.x);
        self.min_y = self.min_y.min(p.y);
        self.max_x = self.max_x.max(p.x);
        self.max_y = self.max_y.max(p.y);
    }

    pub fn union(&mut self, o: &BBox2) {
        if o.is_empty() {
            return;
        }
        self.add_point(Point::xy(o.min_x, o.min_y));
        self.add_point(Point::xy(o.max_x, o.max_y));
    }

    pub fn width(&self) -> f64 {
        if self.is_empty() { 0.0 } else { self.max_x - self.min_x }
    }

    pub fn height(&self) -> f64 {
        if self.is_empty() { 0.0 } else { self.max_y - self.min_y }
    }

    pub fn diagonal(&self) -> f64 {
        self.width().hypot(self.height())
    }

    pub fn corners(&self) -> [Point; 4] {
        [
            Point::xy(self.min_x, self.min_y),
            Point::xy(self.max_x, self.min_y),
            Point::xy(self.max_x, self.max_y),
            Point::xy(self.min_x, self.max_y),
        ]
    }
}

/// An axis-aligned 3D box; `EMPTY` until something is added.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BBox3 {
    pub min: Point,
    pub max: Point,
}

impl Default for BBox3 {
    fn default() -> Self {
        Self::EMPTY
    }
}

impl BBox3 {
    pub const EMPTY: BBox3 = BBox3 {
        min: Point::new(f64::INFINITY, f64::INFINITY, f64::INFINITY),
        max: Point::new(f64::NEG_INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY),
    };

    pub fn is_empty(&self) -> bool {
        !(self.min.x <= self.max.x && self.min.y <= self.max.y && self.min.z <= self.max.z)
    }

    pub fn add_point(&mut self, p: Point) {
        if !p.is_finite() {
            return;
        }
        self.min = Point::new(self.min.x.min(p.x), self.min.y.min(p.y), self.min.z.min(p.z));
        self.max = Point::new(self.max.x.max(p.x), self.max.y.max(p.y), self.max.z.max(p.z));
    }

    pub fn union(&mut self, o: &BBox3) {
        if !o.is_empty() {
            self.add_point(o.min);
            self.add_point(o.max);
        }
    }

    pub fn size(&self) -> Point {
        if self.is_empty() { Point::ZERO } else { self.max.minus(self.min) }
    }

    pub fn diagonal(&self) -> f64 {
        self.size().length()
    }

    pub fn corners(&self) -> [Point; 8] {
        let (a, b) = (self.min, self.max);
        [
            Point::new(a.x, a.y, a.z),
            Point::new(b.x, a.y, a.z),
            Point::new(a.x, b.y, a.z),
            Point::new(b.x, b.y, a.z),
            Point::new(a.x, a.y, b.z),
            Point::new(b.x, a.y, b.z),
            Point::new(a.x, b.y, b.z),
            Point::new(b.x, b.y, b.z),
        ]
    }
}

/// A 3D affine transform stored as a row-major 4×4 matrix whose last row is `0 0 0 1`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Affine {
    pub m: [[f64; 4]; 3],
}

impl Default for Affine {
    fn default() -> Self {
        Self::IDENTITY
    }
}

impl Affine {
    pub const IDENTITY: Affine = Affine { m: [[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]] };

    pub fn translation(t: Point) -> Affine {
        let mut a = Self::IDENTITY;
        a.m[0][3] = t.x;
        a.m[1][3] = t.y;
        a.m[2][3] = t.z;
        a
    }

    pub fn scaling(sx: f64, sy: f64, sz: f64) -> Affine {
        Affine { m: [[sx, 0.0, 0.0, 0.0], [0.0, sy, 0.0, 0.0], [0.0, 0.0, sz, 0.0]] }
    }

    /// Rotation about +Z by `radians`, counter-clockwise.
    pub fn rotation_z(radians: f64) -> Affine {
        let (s, c) = radians.sin_cos();
        Affine { m: [[c, -s, 0.0, 0.0], [s, c, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]] }
    }

    /// The frame whose columns are the given axes and origin (maps local to world coordinates).
    pub fn from_axes(x: Point, y: Point, z: Point, origin: Point) -> Affine {
        Affine { m: [[x.x, y.x, z.x, origin.x], [x.y, y.y, z.y, origin.y], [x.z, y.z, z.z, origin.z]] }
    }

    /// Row-major 16 numbers (last row `0 0 0 1`), the JSON form of result-schema.md §6.
    pub fn from_row_major(v: &[f64; 16]) -> Affine {
        Affine { m: [[v[0], v[1], v[2], v[3]], [v[4], v[5], v[6], v[7]], [v[8], v[9], v[10], v[11]]] }
    }

    pub fn to_row_major(&self) -> [f64; 16] {
        let m = &self.m;
        [
            m[0][0], m[0][1], m[0][2], m[0][3], m[1][0], m[1][1], m[1][2], m[1][3], m[2][0], m[2][1], m[2][2], m[2][3],
            0.0, 0.0, 0.0, 1.0,
        ]
    }

    pub fn is_identity(&self) -> bool {
        self.m.iter().flatten().zip(Self::IDENTITY.m.iter().flatten()).all(|(a, b)| (a - b).abs() <= 1e-12)
    }

    /// `self ∘ other`: apply `other` first, then `self`.
    pub fn then_after(&self, other: &Affine) -> Affine {
        let a = &self.m;
        let b = &other.m;
        let mut r = [[0.0; 4]; 3];
        for (i, row) in r.iter_mut().enumerate() {
            for (j, cell) in row.iter_mut().enumerate() {
                let mut v = a[i][0] * b[0][j] + a[i][1] * b[1][j] + a[i][2] * b[2][j];
                if j == 3 {
                    v += a[i][3];
                }
                *cell = v;
            }
        }
        Affine { m: r }
    }

    pub fn apply(&self, p: Point) -> Point {
        let m = &self.m;
        Point::new(
            m[0][0] * p.x + m[0][1] * p.y + m[0][2] * p.z + m[0][3],
            m[1][0] * p.x + m[1][1] * p.y + m[1][2] * p.z + m[1][3],
            m[2][0] * p.x + m[2][1] * p.y + m[2][2] * p.z + m[2][3],
        )
    }

    /// Applies the linear part only (for direction vectors).
    pub fn apply_vector(&self, v: Point) -> Point {
        let m = &self.m;
        Point::new(
            m[0][0] * v.x + m[0][1] * v.y + m[0][2] * v.z,
            m[1][0] * v.x + m[1][1] * v.y + m[1][2] * v.z,
            m[2][0] * v.x + m[2][1] * v.y + m[2][2] * v.z,
        )
    }

    pub fn determinant(&self) -> f64 {
        let m = &self.m;
        m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
    }

    /// The inverse map, `None` when the linear part is singular (or not finite).
    pub fn inverse(&self) -> Option<Affine> {
        let det = self.determinant();
        if !(det.is_finite() && det.abs() > 1e-300) {
            return None;
        }
        let m = &self.m;
        let c = |r0: usize, c0: usize, r1: usize, c1: usize| m[r0][c0] * m[r1][c1] - m[r0][c1] * m[r1][c0];
        // The adjugate of the 3×3 part over the determinant, then the translation taken back.
        let inv = [
            [c(1, 1, 2, 2) / det, -c(0, 1, 2, 2) / det, c(0, 1, 1, 2) / det],
            [-c(1, 0, 2, 2) / det, c(0, 0, 2, 2) / det, -c(0, 0, 1, 2) / det],
            [c(1, 0, 2, 1) / det, -c(0, 0, 2, 1) / det, c(0, 0, 1, 1) / det],
        ];
        let t = [m[0][3], m[1][3], m[2][3]];
        let mut r = [[0.0; 4]; 3];
        for i in 0..3 {
            r[i][..3].copy_from_slice(&inv[i]);
            r[i][3] = -(inv[i][0] * t[0] + inv[i][1] * t[1] + inv[i][2] * t[2]);
        }
        Some(Affine { m: r })
    }

    /// Determinant of the XY block: negative when the transform mirrors the drawing plane.
    pub fn determinant_xy(&self) -> f64 {
        self.m[0][0] * self.m[1][1] - self.m[0][1] * self.m[1][0]
    }

    /// Uniform scale factor of the linear part (cube root of |det|); exact for similarity transforms.
    pub fn uniform_scale(&self) -> f64 {
        self.determinant().abs().cbrt()
    }
}

/// The arbitrary-axis algorithm of the DXF reference: the object coordinate system (OCS) of a planar
/// entity whose extrusion (normal) is `normal`, as a transform from OCS to WCS.
pub fn ocs_to_wcs(normal: Point) -> Affine {
    let Some(az) = normal.normalized() else {
        return Affine::IDENTITY;
    };
    // 1/64: the threshold the DXF reference fixes for choosing the world axis to cross with.
    const THRESHOLD: f64 = 1.0 / 64.0;
    let world = if az.x.abs() < THRESHOLD && az.y.abs() < THRESHOLD {
        Point::new(0.0, 1.0, 0.0)
    } else {
        Point::new(0.0, 0.0, 1.0)
    };
    let Some(ax) = world.cross(az).normalized() else {
        return Affine::IDENTITY;
    };
    let ay = az.cross(ax);
    Affine::from_axes(ax, ay, az, Point::ZERO)
}

/// Normalises an angle to [0, 2π).
pub fn normalize_angle(a: f64) -> f64 {
    if !a.is_finite() {
        return 0.0;
    }
    let r = a.rem_euclid(TAU);
    if r >= TAU { 0.0 } else { r }
}

/// CCW sweep from `start` to `end` in (0, 2π]; equal angles mean a full turn, as DXF arcs do.
pub fn ccw_sweep(start: f64, end: f64) -> f64 {
    let s = normalize_angle(end - start);
    if s <= 1e-12 { TAU } else { s }
}

/// Is angle `a` inside the CCW sweep that starts at `start` and spans `sweep`?
fn angle_in_sweep(a: f64, start: f64, sweep: f64) -> bool {
    normalize_angle(a - start) <= sweep + 1e-12
}

/// Box of a circular arc in its plane (angles in radians, CCW).
pub fn arc_bbox(center: Point, radius: f64, start: f64, end: f64) -> BBox2 {
    let mut b = BBox2::EMPTY;
    let sweep = ccw_sweep(start, end);
    let at = |a: f64| Point::xy(center.x + radius * a.cos(), center.y + radius * a.sin());
    b.add_point(at(start));
    b.add_point(at(start + sweep));
    for k in 0..4 {
        let a = f64::from(k) * PI / 2.0;
        if angle_in_sweep(a, start, sweep) {
            b.add_point(at(a));
        }
    }
    b
}

/// A point on an ellipse at parameter `t`.
pub fn ellipse_point(center: Point, major: Point, ratio: f64, normal: Point, t: f64) -> Point {
    let minor = normal.normalized().unwrap_or(Point::new(0.0, 0.0, 1.0)).cross(major).scale(ratio);
    center.plus(major.scale(t.cos())).plus(minor.scale(t.sin()))
}

/// Box of an elliptical arc in the XY plane (parameters in radians; `end == start` or 2π apart = full).
pub fn ellipse_bbox(center: Point, major: Point, ratio: f64, t0: f64, t1: f64) -> BBox2 {
    let minor = Point::new(-major.y * ratio, major.x * ratio, 0.0);
    let sweep = ccw_sweep(t0, t1);
    let at = |t: f64| center.plus(major.scale(t.cos())).plus(minor.scale(t.sin()));
    let mut b = BBox2::EMPTY;
    b.add_point(at(t0));
    b.add_point(at(t0 + sweep));
    // Extremes of x(t) = cx + ax cos t + bx sin t are at tan t = bx / ax (and +π); likewise for y.
    for (a, bb) in [(major.x, minor.x), (major.y, minor.y)] {
        let t = bb.atan2(a);
        for cand in [t, t + PI] {
            if angle_in_sweep(cand, t0, sweep) {
                b.add_point(at(cand));
            }
        }
    }
    b
}

/// The arc that a polyline bulge describes between `a` and `b`: (centre, radius, start angle, end angle)
/// with the sweep CCW from start to end; `None` for a straight segment.
pub fn bulge_arc(a: Point, b: Point, bulge: f64) -> Option<(Point, f64, f64, f64)> {
    if bulge.abs() < 1e-12 || !bulge.is_finite() {
        return None;
    }
    let chord = b.minus(a);
    let d = chord.x.hypot(chord.y);
    if d < 1e-300 {
        return None;
    }
    // bulge = tan(θ/4); the sagitta s = bulge · d/2; radius from the chord and the sagitta.
    let sagitta = bulge * d / 2.0;
    let radius = ((d / 2.0).powi(2) + sagitta.powi(2)) / (2.0 * sagitta.abs());
    let mid = Point::xy((a.x + b.x) / 2.0, (a.y + b.y) / 2.0);
    // Unit normal to the chord, pointing left of a→b.
    let n = Point::xy(-chord.y / d, chord.x / d);
    // Signed distance from the chord midpoint to the centre (towards the left for positive bulge).
    let offset = radius - sagitta.abs();
    let centre = mid.plus(n.scale(offset * bulge.signum()));
    let sa = (a.y - centre.y).atan2(a.x - centre.x);
    let sb = (b.y - centre.y).atan2(b.x - centre.x);
    if bulge > 0.0 { Some((centre, radius, sa, sb)) } else { Some((centre, radius, sb, sa)) }
}

/// Arc length of a bulged segment (straight length when the bulge is 0).
pub fn bulge_segment_length(a: Point, b: Point, bulge: f64) -> f64 {
    let d = Point::xy(b.x - a.x, b.y - a.y).length();
    if bulge.abs() < 1e-12 {
        return d;
    }
    let theta = 4.0 * bulge.atan();
    let radius = d / (2.0 * (theta / 2.0).sin().abs());
    if radius.is_finite() { radius * theta.abs() } else { d }
}

/// Signed area between a bulge arc and its chord (positive for CCW bulges); added to the shoelace sum.
pub fn bulge_segment_area(a: Point, b: Point, bulge: f64) -> f64 {
    if bulge.abs() < 1e-12 {
        return 0.0;
    }
    let d = Point::xy(b.x - a.x, b.y - a.y).length();
    let theta = 4.0 * bulge.atan();
    let half = (theta / 2.0).sin();
    if half.abs() < 1e-300 {
        return 0.0;
    }
    let radius = d / (2.0 * half.abs());
    let seg = 0.5 * radius * radius * (theta.abs() - theta.abs().sin());
    seg * bulge.signum()
}

/// Flattens a bulged segment into points (excluding `a`, including `b`) with at most `max_err` chord error.
pub fn flatten_bulge(a: Point, b: Point, bulge: f64, max_err: f64, out: &mut Vec<Point>) {
    match bulge_arc(a, b, bulge) {
        None => out.push(b),
        Some((c, r, s, e)) => {
            let sweep = ccw_sweep(s, e);
            let n = arc_segments(r, sweep, max_err);
            for i in 1..=n {
                let f = i as f64 / n as f64;
                let t = if bulge > 0.0 { s + sweep * f } else { e - sweep * f };
                out.push(Point::new(c.x + r * t.cos(), c.y + r * t.sin(), a.z));
            }
            if let Some(last) = out.last_mut() {
                *last = b;
            }
        }
    }
}

/// Number of chords for an arc of `radius` and `sweep` so the chord error stays below `max_err`, capped.
pub fn arc_segments(radius: f64, sweep: f64, max_err: f64) -> usize {
    if !(radius > 0.0 && radius.is_finite() && max_err > 0.0) {
        return 8;
    }
    let step = if max_err >= radius { PI / 2.0 } else { 2.0 * (1.0 - max_err / radius).acos() };
    let n = (sweep.abs() / step.max(1e-6)).ceil();
    n.clamp(1.0, 4096.0) as usize
}

/// Evaluates a (rational) B-spline at `u` by de Boor's algorithm. `knots.len()` must be
/// `ctrl.len() + degree + 1`; callers validate that first ([`spline_is_valid`]).
pub fn nurbs_point(degree: usize, knots: &[f64], ctrl: &[Point], weights: Option<&[f64]>, u: f64) -> Point {
    let n = ctrl.len();
    if n == 0 {
        return Point::ZERO;
    }
    let p = degree.min(n - 1);
    // Find span k with knots[k] <= u < knots[k+1], clamped to the valid range [p, n-1].
    let mut k = p;
    while k + 1 < n && u >= knots[k + 1] {
        k += 1;
    }
    let w = |i: usize| weights.and_then(|w| w.get(i).copied()).unwrap_or(1.0);
    // Homogeneous coordinates (x·w, y·w, z·w, w).
    let mut d: Vec<[f64; 4]> = (0..=p)
        .map(|j| {
            let i = j + k - p;
            let wi = w(i);
            [ctrl[i].x * wi, ctrl[i].y * wi, ctrl[i].z * wi, wi]
        })
        .collect();
    for r in 1..=p {
        for j in (r..=p).rev() {
            let i = j + k - p;
            let denom = knots[i + p + 1 - r] - knots[i];
            let alpha = if denom.abs() < 1e-300 { 0.0 } else { (u - knots[i]) / denom };
            let prev = d[j - 1];
            for (c, value) in d[j].iter_mut().enumerate() {
                *value = (1.0 - alpha) * prev[c] + alpha * *value;
            }
        }
    }
    let h = d[p];
    if h[3].abs() < 1e-300 { Point::new(h[0], h[1], h[2]) } else { Point::new(h[0] / h[3], h[1] / h[3], h[2] / h[3]) }
}

/// Whether the spline data is consistent enough to evaluate.
pub fn spline_is_valid(degree: usize, knots: &[f64], ctrl: &[Point]) -> bool {
    degree >= 1
        && ctrl.len() > degree
        && knots.len() == ctrl.len() + degree + 1
        && knots.windows(2).all(|w| w[0] <= w[1])
        && knots.iter().all(|k| k.is_finite())
}

/// Samples a spline into a polyline whose chord error is roughly below `max_err`: uniform in each knot
/// span, refined by the control polygon's size so long spans get more points. Capped at 20 000 points.
pub fn sample_spline(
    degree: usize,
    knots: &[f64],
    ctrl: &[Point],
    weights: Option<&[f64]>,
    max_err: f64,
) -> Vec<Point> {
    if !spline_is_valid(degree, knots, ctrl) {
        return ctrl.to_vec();
    }
    let p = degree;
    let (u0, u1) = (knots[p], knots[ctrl.len()]);
    if u1.partial_cmp(&u0) != Some(std::cmp::Ordering::Greater) {
        return ctrl.to_vec();
    }
    let polygon_len: f64 = ctrl.windows(2).map(|w| w[0].distance(w[1])).sum();
    let spans: Vec<(f64, f64)> =
        knots[p..=ctrl.len()].windows(2).filter(|w| w[1] > w[0]).map(|w| (w[0], w[1])).collect();
    let err = if max_err > 0.0 { max_err } else { polygon_len * 1e-3 };
    // Chord error of a curve with curvature bounded by the polygon: per-span segments ~ sqrt(len / err).
    let per_span = ((polygon_len / spans.len().max(1) as f64 / err.max(1e-300)).sqrt().ceil() as usize).clamp(4, 256);
    let budget = (20_000 / spans.len().max(1)).max(2);
    let per_span = per_span.min(budget);
    let mut out = Vec::with_capacity(spans.len() * per_span + 1);
    for (a, b) in &spans {
        for i in 0..per_span {
            let u = a + (b - a) * i as f64 / per_span as f64;
            out.push(nurbs_point(p, knots, ctrl, weights, u));
        }
    }
    out.push(nurbs_point(p, knots, ctrl, weights, u1 - (u1 - u0) * 1e-12));
    out
}

/// A cubic spline through `fit` (C2, chord-length parameter) whose first derivatives at the ends run along
/// `start_dir` and `end_dir`, sampled to a chord error of about `max_err`: the curve CAD programs draw
/// through fit points with end tangents (a spline LEADER). Repeated points are dropped; fewer than three
/// distinct points, unusable tangents or a non-finite point give the points as they are. At most 20 000 points.
pub fn fit_spline_points(fit: &[Point], start_dir: Point, end_dir: Point, max_err: f64) -> Vec<Point> {
    let mut pts: Vec<Point> = Vec::with_capacity(fit.len());
    for p in fit {
        if pts.last().is_none_or(|q: &Point| q.distance(*p) > 0.0) {
            pts.push(*p);
        }
    }
    let (Some(s0), Some(s1)) = (start_dir.normalized(), end_dir.normalized()) else { return pts };
    if pts.len() < 3 || pts.len() > 100_000 || !pts.iter().all(|p| p.is_finite()) {
        return pts;
    }
    let n = pts.len() - 1;
    let h: Vec<f64> = pts.windows(2).map(|w| w[0].distance(w[1])).collect();
    // Second derivatives M from the tridiagonal system of the clamped spline (Thomas algorithm: the matrix
    // is diagonally dominant, so no pivoting is needed).
    let slope = |i: usize| pts[i + 1].minus(pts[i]).scale(1.0 / h[i]);
    let mut diag = vec![0.0; n + 1];
    let mut upper = vec![0.0; n + 1];
    let mut lower = vec![0.0; n + 1];
    let mut rhs = vec![Point::ZERO; n + 1];
    diag[0] = 2.0 * h[0];
    upper[0] = h[0];
    rhs[0] = slope(0).minus(s0).scale(6.0);
    for i in 1..n {
        lower[i] = h[i - 1];
        diag[i] = 2.0 * (h[i - 1] + h[i]);
        upper[i] = h[i];
        rhs[i] = slope(i).minus(slope(i - 1)).scale(6.0);
    }
    lower[n] = h[n - 1];
    diag[n] = 2.0 * h[n - 1];
    rhs[n] = s1.minus(slope(n - 1)).scale(6.0);
    for i in 1..=n {
        let w = lower[i] / diag[i - 1];
        diag[i] -= w * upper[i - 1];
        rhs[i] = rhs[i].minus(rhs[i - 1].scale(w));
    }
    let mut m = vec![Point::ZERO; n + 1];
    m[n] = rhs[n].scale(1.0 / diag[n]);
    for i in (0..n).rev() {
        m[i] = rhs[i].minus(m[i + 1].scale(upper[i])).scale(1.0 / diag[i]);
    }
    let err = if max_err > 0.0 && max_err.is_finite() { max_err } else { h.iter().sum::<f64>() * 1e-3 };
    let budget = (20_000 / n).max(1);
    let mut out = Vec::with_capacity(n * 8 + 1);
    for i in 0..n {
        // Chord error of a step d is at most |S''|·d²/8, and |S''| is largest at a span end.
        let curv = m[i].length().max(m[i + 1].length());
        let steps = (h[i] * (curv / (8.0 * err)).sqrt()).ceil();
        let steps = if steps.is_finite() { (steps as usize).clamp(1, budget) } else { 1 };
        for k in 0..steps {
            let b = k as f64 / steps as f64;
            let a = 1.0 - b;
            let c = h[i] * h[i] / 6.0;
            out.push(
                pts[i]
                    .scale(a)
                    .plus(pts[i + 1].scale(b))
                    .plus(m[i].scale((a * a * a - a) * c))
                    .plus(m[i + 1].scale((b * b * b - b) * c)),
            );
        }
    }
    out.push(pts[n]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_spline_passes_through_its_points_with_the_given_end_tangents() {
        let fit = [Point::xy(0.0, 0.0), Point::xy(1.0, 1.0), Point::xy(2.0, 0.0)];
        let pts = fit_spline_points(&fit, Point::xy(1.0, 1.0), Point::xy(1.0, -1.0), 1e-4);
        assert_eq!(pts.first(), Some(&fit[0]));
        assert_eq!(pts.last(), Some(&fit[2]));
        assert!(pts.iter().any(|p| p.distance(fit[1]) < 1e-12), "passes through the middle point");
        // Symmetric data: the top of the curve is the middle point, and the curve leaves along (1, 1).
        assert!(pts.iter().all(|p| p.y <= 1.0 + 1e-12));
        let d = pts[1].minus(pts[0]);
        assert!((d.y / d.x - 1.0).abs() < 0.05, "{d:?}");
        // Two points or no direction: the points as they are.
        assert_eq!(fit_spline_points(&fit[..2], Point::xy(1.0, 0.0), Point::xy(1.0, 0.0), 1e-3).len(), 2);
        assert_eq!(fit_spline_points(&fit, Point::ZERO, Point::xy(1.0, 0.0), 1e-3), fit.to_vec());
    }

    #[test]
    fn inverse_undoes_a_placement_and_refuses_a_singular_map() {
        let a = Affine::translation(Point::new(5.0, -2.0, 1.0))
            .then_after(&Affine::rotation_z(0.7))
            .then_after(&Affine::scaling(2.0, 3.0, 1.0));
        let inv = a.inverse().expect("invertible");
        let p = Point::new(1.5, -4.0, 2.0);
        assert!(inv.apply(a.apply(p)).distance(p) < 1e-12);
        assert!(inv.then_after(&a).is_identity());
        assert_eq!(Affine::scaling(1.0, 0.0, 1.0).inverse(), None);
    }

    #[test]
    fn bulge_of_one_is_a_half_circle() {
        let (c, r, s, e) = bulge_arc(Point::xy(0.0, 0.0), Point::xy(2.0, 0.0), 1.0).expect("an arc");
        assert!((c.x - 1.0).abs() < 1e-12 && c.y.abs() < 1e-12);
        assert!((r - 1.0).abs() < 1e-12);
        assert!((ccw_sweep(s, e) - PI).abs() < 1e-12);
        assert!((bulge_segment_length(Point::xy(0.0, 0.0), Point::xy(2.0, 0.0), 1.0) - PI).abs() < 1e-12);
        assert!((bulge_segment_area(Point::xy(0.0, 0.0), Point::xy(2.0, 0.0), 1.0) - PI / 2.0).abs() < 1e-12);
    }

    #[test]
    fn arc_box_covers_the_top_quadrant_point() {
        let b = arc_bbox(Point::xy(60.0, 25.0), 10.0, 0.0, PI);
        assert_eq!((b.min_x, b.max_x), (50.0, 70.0));
        assert!((b.min_y - 25.0).abs() < 1e-12 && (b.max_y - 35.0).abs() < 1e-12);
    }

    #[test]
    fn arbitrary_axis_of_minus_z_mirrors_x() {
        let t = ocs_to_wcs(Point::new(0.0, 0.0, -1.0));
        let p = t.apply(Point::xy(1.0, 2.0));
        assert!((p.x + 1.0).abs() < 1e-12 && (p.y - 2.0).abs() < 1e-12);
    }

    #[test]
    fn quadratic_bezier_midpoint_by_de_boor() {
        let ctrl = [Point::xy(0.0, 0.0), Point::xy(1.0, 2.0), Point::xy(2.0, 0.0)];
        let knots = [0.0, 0.0, 0.0, 1.0, 1.0, 1.0];
        let m = nurbs_point(2, &knots, &ctrl, None, 0.5);
        assert!((m.x - 1.0).abs() < 1e-12 && (m.y - 1.0).abs() < 1e-12);
    }

    #[test]
    fn rational_quarter_circle_lies_on_the_circle() {
        let w = std::f64::consts::FRAC_1_SQRT_2;
        let ctrl = [Point::xy(1.0, 0.0), Point::xy(1.0, 1.0), Point::xy(0.0, 1.0)];
        let knots = [0.0, 0.0, 0.0, 1.0, 1.0, 1.0];
        for i in 0..=10 {
            let p = nurbs_point(2, &knots, &ctrl, Some(&[1.0, w, 1.0]), f64::from(i) / 10.0);
            assert!((p.length() - 1.0).abs() < 1e-12);
        }
    }

    #[test]
    fn composed_transform_applies_right_first() {
        let t = Affine::translation(Point::xy(10.0, 0.0)).then_after(&Affine::rotation_z(PI / 2.0));
        let p = t.apply(Point::xy(1.0, 0.0));
        assert!((p.x - 10.0).abs() < 1e-12 && (p.y - 1.0).abs() < 1e-12);
    }
}
