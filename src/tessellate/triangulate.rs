//! Polygon-with-holes triangulation in the plane: holes are bridged into the outer polygon (Eberly's
//! visible-vertex rule), then ears are clipped. Collinear runs, repeated vertices (bridges, seam copies)
//! and slightly self-touching input are tolerated: when no proper ear exists the least bad vertex is
//! clipped, so the loop always ends after one clip per vertex.
//!
//! Whether a candidate ear holds another vertex is asked of a uniform grid over the ring's box
//! ([`VertexGrid`]) on rings large enough to pay for one, for proper ears: the same answer as a walk over
//! every remaining vertex (the grid returns a superset of the vertices in the ear's box and a cell around
//! it), found among a few cells instead of the whole ring (the walk made a face with a 29 000-point
//! boundary take 2.8 s; found by the `step_mesh` fuzz target). A budget on the work ([`MAX_CLIP_WORK`])
//! bounds what a ring the grid cannot help costs (a degenerate one, each ear found only after a walk round
//! the ring, or its vertices piled into a few cells): past it the face is a typed error, not a hang.

use super::TessError;

/// Triangles (vertex indices, counter-clockwise) covering `polys[0]` (counter-clockwise) minus the holes
/// `polys[1..]` (clockwise). `pts` holds the plane coordinates of every index.
pub(crate) fn triangulate(pts: &[[f64; 2]], polys: &[Vec<usize>]) -> Result<Vec<[usize; 3]>, TessError> {
    let Some(outer) = polys.first() else {
        return Err(TessError::Triangulation("no polygon"));
    };
    if outer.len() < 3 {
        return Err(TessError::Triangulation("outer polygon with fewer than 3 vertices"));
    }
    if pts.iter().any(|p| !(p[0].is_finite() && p[1].is_finite())) {
        return Err(TessError::Triangulation("non-finite parameter coordinates"));
    }
    let mut ring = outer.clone();
    let mut holes: Vec<&Vec<usize>> = polys[1..].iter().filter(|h| h.len() >= 3).collect();
    // Rightmost holes first, so each bridge goes to the outer polygon or to an already bridged hole.
    holes.sort_by(|a, b| max_x(pts, b).total_cmp(&max_x(pts, a)));
    for hole in holes {
        bridge(pts, &mut ring, hole);
    }
    clip_ears(pts, &ring)
}

fn max_x(pts: &[[f64; 2]], poly: &[usize]) -> f64 {
    poly.iter().map(|&i| pts[i][0]).fold(f64::NEG_INFINITY, f64::max)
}

fn cross(o: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])
}

/// Splices `hole` into `ring` through a bridge from the hole's rightmost vertex to a visible ring vertex.
fn bridge(pts: &[[f64; 2]], ring: &mut Vec<usize>, hole: &[usize]) {
    let Some(m) = (0..hole.len()).max_by(|&a, &b| {
        let (pa, pb) = (pts[hole[a]], pts[hole[b]]);
        pa[0].total_cmp(&pb[0]).then(pb[1].total_cmp(&pa[1]))
    }) else {
        return;
    };
    let mp = pts[hole[m]];
    let n = ring.len();
    // Nearest crossing of the ray from M towards +x with a ring edge.
    let mut hit: Option<(f64, usize)> = None;
    for i in 0..n {
        let (a, b) = (pts[ring[i]], pts[ring[(i + 1) % n]]);
        if (a[1] > mp[1]) == (b[1] > mp[1]) && a[1] != mp[1] {
            continue;
        }
        let x = if a[1] == b[1] {
            a[0].max(b[0])
        } else if a[1] == mp[1] {
            a[0]
        } else {
            a[0] + (mp[1] - a[1]) * (b[0] - a[0]) / (b[1] - a[1])
        };
        if x >= mp[0] && hit.is_none_or(|h| x < h.0) {
            // Candidate vertex: the edge's end with the larger x.
            let pick = if a[1] == mp[1] || pts[ring[i]][0] >= pts[ring[(i + 1) % n]][0] { i } else { (i + 1) % n };
            hit = Some((x, pick));
        }
    }
    let target = match hit {
        Some((x, pick)) => visible_vertex(pts, ring, mp, [x, mp[1]], pick),
        // No crossing (damaged input): the nearest ring vertex.
        None => (0..n).min_by(|&a, &b| dist2(pts[ring[a]], mp).total_cmp(&dist2(pts[ring[b]], mp))).unwrap_or(0),
    };
    let target = copy_facing(pts, ring, target, mp);
    let mut spliced = Vec::with_capacity(ring.len() + hole.len() + 2);
    spliced.extend_from_slice(&ring[..=target]);
    spliced.extend(hole[m..].iter().chain(hole[..=m].iter()).copied());
    spliced.extend_from_slice(&ring[target..]);
    *ring = spliced;
}

/// Of the ring's copies of the vertex at `target` (a vertex an earlier bridge already goes to appears
/// twice), the one whose interior wedge the bridge to `m` leaves through. Splicing at the other copy puts
/// the hole inside the earlier bridge's other side, and the clipped triangles then cover the holes
/// (stp_multiple_shp_at_root.stp: an annulus with a second hole meshed at 2.3 times its area).
fn copy_facing(pts: &[[f64; 2]], ring: &[usize], target: usize, m: [f64; 2]) -> usize {
    let n = ring.len();
    let p = pts[ring[target]];
    let copies: Vec<usize> = (0..n).filter(|&k| pts[ring[k]] == p).collect();
    if copies.len() < 2 {
        return target;
    }
    let inside = |k: usize| {
        let (a, b) = (pts[ring[(k + n - 1) % n]], pts[ring[(k + 1) % n]]);
        let (left_in, left_out) = (cross(a, p, m) > 0.0, cross(p, b, m) > 0.0);
        if cross(a, p, b) >= 0.0 { left_in && left_out } else { left_in || left_out }
    };
    copies.iter().copied().find(|&k| inside(k)).unwrap_or(target)
}

fn dist2(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)
}

/// Eberly: P is visible from M unless a reflex ring vertex lies in triangle (M, I, P); then the one of
/// those with the smallest angle to the ray (nearest on ties) is.
fn visible_vertex(pts: &[[f64; 2]], ring: &[usize], m: [f64; 2], i: [f64; 2], pick: usize) -> usize {
    let p = pts[ring[pick]];
    // The ray meets P itself (P on the ray): nothing lies between M and P. The triangle (M, I, P) would be
    // a segment, and the closed test below holds for every point on its line, however far beyond P
    // (featuretype.STEP: holes in a row, bridged through each other, 49 % too much area).
    if cross(m, i, p) == 0.0 {
        return pick;
    }
    let n = ring.len();
    let mut best: Option<(f64, f64, usize)> = None;
    for k in 0..n {
        if k == pick {
            continue;
        }
        let q = pts[ring[k]];
        let (prev, next) = (pts[ring[(k + n - 1) % n]], pts[ring[(k + 1) % n]]);
        if cross(prev, q, next) >= 0.0 {
            continue; // convex vertices cannot block
        }
        if !in_triangle_closed(m, i, p, q) || q == m {
            continue;
        }
        let angle = (q[1] - m[1]).abs().atan2(q[0] - m[0]);
        let d = dist2(q, m);
        if best.is_none_or(|b| angle < b.0 || (angle == b.0 && d < b.1)) {
            best = Some((angle, d, k));
        }
    }
    best.map_or(pick, |b| b.2)
}

fn in_triangle_closed(a: [f64; 2], b: [f64; 2], c: [f64; 2], p: [f64; 2]) -> bool {
    let (d1, d2, d3) = (cross(a, b, p), cross(b, c, p), cross(c, a, p));
    let neg = d1 < 0.0 || d2 < 0.0 || d3 < 0.0;
    let pos = d1 > 0.0 || d2 > 0.0 || d3 > 0.0;
    !(neg && pos)
}

/// Most vertex tests and steps one ear clipping may take: about 0.4 s here. Over the STEP corpus the
/// largest face needs 107 000 (a 3 058-vertex ring; 5.2 M tests before the grid), so only rings the grid
/// cannot help (degenerate ones, found at each clip only after a walk round the ring) meet it.
const MAX_CLIP_WORK: u64 = 40_000_000;

/// Rings with at least this many vertices get a [`VertexGrid`]: below it a walk over the ring is as fast.
const GRID_FROM: usize = 64;

/// Ear clipping on a ring given as vertex indices (repeats allowed), over a doubly linked list.
fn clip_ears(pts: &[[f64; 2]], ring: &[usize]) -> Result<Vec<[usize; 3]>, TessError> {
    clip_ears_with(pts, ring, GRID_FROM, MAX_CLIP_WORK)
}

/// [`clip_ears`] with a grid from `grid_from` vertices and a work budget of `budget` (tests vary both).
fn clip_ears_with(
    pts: &[[f64; 2]],
    ring: &[usize],
    grid_from: usize,
    budget: u64,
) -> Result<Vec<[usize; 3]>, TessError> {
    let n = ring.len();
    let mut prev: Vec<usize> = (0..n).map(|i| (i + n - 1) % n).collect();
    let mut next: Vec<usize> = (0..n).map(|i| (i + 1) % n).collect();
    let mut alive = vec![true; n];
    let mut out = Vec::with_capacity(n.saturating_sub(2));
    let mut remaining = n;
    let mut cur = 0;
    let at = |k: usize| pts[ring[k]];
    // Area scale for "convex" tests: relative to the polygon's size, so units do not matter.
    let extent = ring.iter().fold(0.0f64, |m, &i| m.max(pts[i][0].abs()).max(pts[i][1].abs())).max(1e-300);
    let eps = extent * extent * 1e-14;
    let grid = (n >= grid_from).then(|| VertexGrid::new(pts, ring));
    // Loop steps and vertices tested so far, against `budget`.
    let mut work: u64 = 0;
    // The grid answers for proper ears only: the closed test holds for every point on a degenerate
    // (collinear) ear's line, however far outside its box, and those ears are walked as before.
    let blocked =
        |p: usize, c: usize, q: usize, proper: bool, next: &[usize], alive: &[bool], work: &mut u64| match &grid {
            Some(grid) if proper => grid.blocked(pts, ring, alive, [p, c, q], work),
            _ => blocked_walk(pts, ring, next, p, c, q, work),
        };
    let mut stalled = 0;
    let mut pass = 0;
    while remaining > 3 {
        work += 1;
        if work > budget {
            return Err(TessError::Triangulation("ear clipping beyond its work budget (a degenerate boundary)"));
        }
        let (p, q) = (prev[cur], next[cur]);
        let c = cross(at(p), at(cur), at(q));
        let ear = match pass {
            0 => c > eps && !blocked(p, cur, q, true, &next, &alive, &mut work),
            // Degenerate (collinear) ears are acceptable once no proper ear is left.
            1 => c >= -eps && !blocked(p, cur, q, c > eps, &next, &alive, &mut work),
            _ => true,
        };
        if ear {
            out.push([ring[p], ring[cur], ring[q]]);
            alive[cur] = false;
            next[p] = q;
            prev[q] = p;
            remaining -= 1;
            cur = q;
            stalled = 0;
            pass = 0;
            continue;
        }
        cur = q;
        stalled += 1;
        if stalled > remaining {
            stalled = 0;
            pass += 1;
            if pass >= 2 {
                // Last resort: the most convex vertex.
                work += remaining as u64;
                cur = most_convex(&at, &prev, &next, &alive, cur);
            }
        }
    }
    if remaining == 3 {
        let p = prev[cur];
        let q = next[cur];
        out.push([ring[p], ring[cur], ring[q]]);
    }
    Ok(out)
}

fn most_convex(at: &dyn Fn(usize) -> [f64; 2], prev: &[usize], next: &[usize], alive: &[bool], start: usize) -> usize {
    let mut best = (f64::NEG_INFINITY, start);
    let mut k = start;
    loop {
        if alive[k] {
            let c = cross(at(prev[k]), at(k), at(next[k]));
            if c > best.0 {
                best = (c, k);
            }
        }
        k = next[k];
        if k == start {
            break;
        }
    }
    best.1
}

/// Whether another remaining vertex lies in (or on) the candidate ear; copies of the ear's corners
/// (same index or same position) do not count.
fn blocks(pts: &[[f64; 2]], ring: &[usize], corners: [usize; 3], k: usize) -> bool {
    let [a, b, d] = corners.map(|i| pts[ring[i]]);
    let idx = ring[k];
    let x = pts[idx];
    !corners.iter().any(|&c| ring[c] == idx) && x != a && x != b && x != d && in_triangle_closed(a, b, d, x)
}

/// [`blocks`] for every remaining vertex but the ear's own, walking the ring from `q` round to `p`.
fn blocked_walk(
    pts: &[[f64; 2]],
    ring: &[usize],
    next: &[usize],
    p: usize,
    c: usize,
    q: usize,
    work: &mut u64,
) -> bool {
    let mut k = next[q];
    while k != p {
        *work += 1;
        if blocks(pts, ring, [p, c, q], k) {
            return true;
        }
        k = next[k];
    }
    false
}

/// The ring's vertices (positions in the ring) bucketed by a uniform grid of about one cell per vertex
/// over their box, in one array ordered by cell (`start[cell]..start[cell + 1]`). Clipped vertices stay
/// in it and are skipped by the caller's `alive`.
struct VertexGrid {
    min: [f64; 2],
    /// Cells per unit of x and y (0 when the box is flat in that axis: one column or row).
    scale: [f64; 2],
    /// Columns and rows.
    side: usize,
    start: Vec<usize>,
    items: Vec<usize>,
}

impl VertexGrid {
    fn new(pts: &[[f64; 2]], ring: &[usize]) -> VertexGrid {
        let (mut min, mut max) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        for &i in ring {
            for axis in 0..2 {
                min[axis] = min[axis].min(pts[i][axis]);
                max[axis] = max[axis].max(pts[i][axis]);
            }
        }
        let side = ((ring.len() as f64).sqrt().ceil() as usize).clamp(1, 1024);
        let extent = [max[0] - min[0], max[1] - min[1]];
        let scale = extent.map(|e| if e > 0.0 { side as f64 / e } else { 0.0 });
        let mut grid = VertexGrid { min, scale, side, start: vec![0; side * side + 1], items: Vec::new() };
        let cells: Vec<usize> = ring.iter().map(|&i| grid.cell(pts[i])).collect();
        for &cell in &cells {
            grid.start[cell + 1] += 1;
        }
        for cell in 0..side * side {
            grid.start[cell + 1] += grid.start[cell];
        }
        let mut fill = grid.start.clone();
        grid.items = vec![0; ring.len()];
        for (k, &cell) in cells.iter().enumerate() {
            grid.items[fill[cell]] = k;
            fill[cell] += 1;
        }
        grid
    }

    /// The column (`axis` 0) or row (1) of coordinate `v`: monotone in `v`, so the vertices inside a box
    /// are in the cells between those of its corners.
    fn index(&self, v: f64, axis: usize) -> usize {
        let t = ((v - self.min[axis]) * self.scale[axis]).floor();
        if t <= 0.0 { 0 } else { (t as usize).min(self.side - 1) }
    }

    fn cell(&self, p: [f64; 2]) -> usize {
        self.index(p[1], 1) * self.side + self.index(p[0], 0)
    }

    /// [`blocks`] for the remaining vertices in the cells around the box of a proper (not collinear) ear,
    /// all that can lie in it, the ear's own excepted.
    fn blocked(&self, pts: &[[f64; 2]], ring: &[usize], alive: &[bool], ear: [usize; 3], work: &mut u64) -> bool {
        let corner = ear.map(|k| pts[ring[k]]);
        let lo = |axis: usize| corner.iter().map(|c| c[axis]).fold(f64::INFINITY, f64::min);
        let hi = |axis: usize| corner.iter().map(|c| c[axis]).fold(f64::NEG_INFINITY, f64::max);
        // One cell more on every side: a point that rounding puts on the ear's edge may lie a hair outside
        // its box.
        let (c0, c1) = (self.index(lo(0), 0).saturating_sub(1), (self.index(hi(0), 0) + 1).min(self.side - 1));
        let (r0, r1) = (self.index(lo(1), 1).saturating_sub(1), (self.index(hi(1), 1) + 1).min(self.side - 1));
        for row in r0..=r1 {
            let (from, to) = (self.start[row * self.side + c0], self.start[row * self.side + c1 + 1]);
            for &k in &self.items[from..to] {
                *work += 1;
                if alive[k] && !ear.contains(&k) && blocks(pts, ring, ear, k) {
                    return true;
                }
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A star-shaped ring of `n` vertices (radii alternating and jittered, so most vertices are reflex or
    /// nearly so) with a collinear run on its bottom edge, and its points.
    fn star(n: usize) -> (Vec<[f64; 2]>, Vec<usize>) {
        let mut pts = Vec::new();
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        for k in 0..n {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let jitter = (seed % 1000) as f64 / 1000.0;
            let a = std::f64::consts::TAU * k as f64 / n as f64;
            let r = if k % 2 == 0 { 100.0 } else { 40.0 + 30.0 * jitter };
            pts.push([r * a.cos(), r * a.sin()]);
        }
        // Ten vertices on one straight line: degenerate ears the grid leaves to the walk.
        for k in 0..10 {
            pts.push([50.0 - 10.0 * k as f64, -120.0]);
        }
        let ring = (0..pts.len()).collect();
        (pts, ring)
    }

    fn area(pts: &[[f64; 2]], tris: &[[usize; 3]]) -> f64 {
        tris.iter().map(|t| cross(pts[t[0]], pts[t[1]], pts[t[2]]) / 2.0).sum()
    }

    #[test]
    fn the_grid_finds_the_ears_the_walk_finds() {
        for n in [64, 200, 1001] {
            let (pts, ring) = star(n);
            let walked = clip_ears_with(&pts, &ring, usize::MAX, u64::MAX).expect("walked");
            let gridded = clip_ears_with(&pts, &ring, 0, u64::MAX).expect("gridded");
            assert_eq!(walked, gridded, "{n} vertices");
            assert_eq!(gridded.len(), ring.len() - 2);
        }
    }

    #[test]
    fn a_polygon_with_holes_is_covered_once() {
        // A 40 × 40 square with 100 square holes of 1 × 1 (a perforated plate): area 1600 − 100.
        let mut pts = vec![[0.0, 0.0], [40.0, 0.0], [40.0, 40.0], [0.0, 40.0]];
        let mut polys = vec![vec![0, 1, 2, 3]];
        for i in 0..10 {
            for j in 0..10 {
                let (x, y) = (2.0 + 4.0 * i as f64, 2.0 + 4.0 * j as f64);
                let at = pts.len();
                pts.extend([[x, y], [x, y + 1.0], [x + 1.0, y + 1.0], [x + 1.0, y]]);
                polys.push(vec![at, at + 1, at + 2, at + 3]);
            }
        }
        let tris = triangulate(&pts, &polys).expect("triangulated");
        assert!((area(&pts, &tris) - 1500.0).abs() < 1e-9, "area {}", area(&pts, &tris));
        assert!(tris.iter().all(|t| cross(pts[t[0]], pts[t[1]], pts[t[2]]) >= 0.0), "all counter-clockwise");
    }

    #[test]
    fn ear_clipping_past_its_budget_is_an_error() {
        let (pts, ring) = star(400);
        assert!(clip_ears_with(&pts, &ring, 0, 1_000_000).is_ok());
        match clip_ears_with(&pts, &ring, 0, 1_000) {
            Err(TessError::Triangulation(why)) => assert!(why.contains("budget"), "{why}"),
            other => panic!("expected the budget error, got {other:?}"),
        }
    }
}
