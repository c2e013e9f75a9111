//! Polygon-with-holes triangulation in the plane: holes are bridged into the outer polygon (Eberly's
//! visible-vertex rule), then ears are clipped. Collinear runs, repeated vertices (bridges, seam copies)
//! and slightly self-touching input are tolerated: when no proper ear exists the least bad vertex is
//! clipped, so the loop always ends after one clip per vertex.

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
    Ok(clip_ears(pts, &ring))
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

/// Ear clipping on a ring given as vertex indices (repeats allowed), over a doubly linked list.
fn clip_ears(pts: &[[f64; 2]], ring: &[usize]) -> Vec<[usize; 3]> {
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
    let mut stalled = 0;
    let mut pass = 0;
    while remaining > 3 {
        let (p, q) = (prev[cur], next[cur]);
        let c = cross(at(p), at(cur), at(q));
        let ear = match pass {
            0 => c > eps && !blocked(pts, ring, &next, p, cur, q),
            // Degenerate (collinear) ears are acceptable once no proper ear is left.
            1 => c >= -eps && !blocked(pts, ring, &next, p, cur, q),
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
                cur = most_convex(&at, &prev, &next, &alive, cur);
            }
        }
    }
    if remaining == 3 {
        let p = prev[cur];
        let q = next[cur];
        out.push([ring[p], ring[cur], ring[q]]);
    }
    out
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
fn blocked(pts: &[[f64; 2]], ring: &[usize], next: &[usize], p: usize, c: usize, q: usize) -> bool {
    let (a, b, d) = (pts[ring[p]], pts[ring[c]], pts[ring[q]]);
    let corners = [ring[p], ring[c], ring[q]];
    let mut k = next[q];
    while k != p {
        let idx = ring[k];
        let x = pts[idx];
        if !corners.contains(&idx) && x != a && x != b && x != d && in_triangle_closed(a, b, d, x) {
            return true;
        }
        k = next[k];
    }
    false
}
