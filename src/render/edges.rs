//! Feature edges of a solid for 3D previews: boundary edges (one triangle), non-manifold edges (three or
//! more) and creases whose faces meet at more than [`CREASE_DEG`]. Vertices are welded by exact position
//! across all faces of the solid, so STL's unshared vertices and the seams between B-rep faces that
//! continue smoothly draw nothing, while real B-rep edges do. The same pass says whether the solid is
//! closed and outward (its back faces cannot show, see [`FaceEdges::closed`]).
//!
//! No sorting and no general hashing of edges: one weld pass (a hash map on position bits with a
//! multiplicative hash), then a table of the half-edges leaving each welded vertex. Each half-edge a→b
//! counts the half-edges b→a; one that has exactly one, which in turn has exactly one, is a manifold edge
//! with a consistently oriented neighbour (almost every edge of a real mesh). Only the others look at
//! every triangle on the edge. The lists are short and contiguous, and all searching shares one budget.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::model::FaceMesh;

/// Faces meeting at more than this angle (degrees) make a crease.
pub const CREASE_DEG: f32 = 30.0;
/// Half-edge list entries searched per half-edge on average at most (bounded work on pathological fans);
/// past it the remaining edges are not drawn and the solid does not count as closed.
const SEARCH_PER_EDGE: u64 = 64;

/// The feature edges of a solid, and whether its back faces can show.
#[derive(Debug, Clone, Default)]
pub struct FaceEdges {
    /// Edges to draw, per face of the solid: pairs of vertex indices into that face's `positions`.
    pub faces: Vec<Vec<[u32; 2]>>,
    /// Every edge joins exactly two triangles that run it in opposite directions, and every connected
    /// part encloses a positive volume: the solid is closed and faces outward, so along any line of sight
    /// a front face of it comes before each of its back faces, which the rasteriser may then skip.
    pub closed: bool,
}

/// The feature edges of the faces of one solid.
pub fn feature_edges(faces: &[FaceMesh]) -> FaceEdges {
    let welded = Welded::new(faces);
    let out_edges = OutEdges::new(&welded);
    let cos_crease = CREASE_DEG.to_radians().cos();
    let mut budget = SEARCH_PER_EDGE * 3 * welded.tris.len() as u64 + 1024;
    // Per half-edge 3t + k (edge k of triangle t): how many half-edges run it backwards (saturating), and
    // the last of them.
    let half = 3 * welded.tris.len();
    let mut reverse = vec![0u8; half];
    let mut twin = vec![u32::MAX; half];
    for (t, tri) in welded.tris.iter().enumerate() {
        if welded.normals[t].is_none() {
            continue;
        }
        for k in 0..3 {
            let (a, b) = (tri.ids[k], tri.ids[(k + 1) % 3]);
            let list = out_edges.of(b);
            budget = budget.saturating_sub(list.len() as u64);
            for &(to, h) in list {
                if to == a {
                    reverse[3 * t + k] = reverse[3 * t + k].saturating_add(1);
                    twin[3 * t + k] = h;
                }
            }
        }
    }
    let mut out: Vec<Vec<[u32; 2]>> = vec![Vec::new(); faces.len()];
    // Closed: every half-edge is paired; the parts are the classes of triangles joined through pairs.
    let mut closed = budget > 0;
    let mut parts = Parts::new(welded.tris.len());
    for (t, tri) in welded.tris.iter().enumerate() {
        let Some(normal) = welded.normals[t] else { continue };
        for k in 0..3 {
            let h = 3 * t + k;
            let paired = reverse[h] == 1 && reverse.get(twin[h] as usize) == Some(&1);
            let neighbours = if paired {
                Neighbours::One(twin[h] / 3)
            } else {
                closed = false;
                out_edges.on_edge(tri.ids[k], tri.ids[(k + 1) % 3], h as u32, &mut budget)
            };
            let draw = match neighbours {
                Neighbours::None => true,
                // Each two-triangle edge is decided once, by its lower-numbered triangle.
                Neighbours::One(u) => {
                    if paired && u > t as u32 {
                        parts.join(t as u32, u);
                    }
                    u > t as u32 && welded.normals[u as usize].is_none_or(|m| dot(normal, m) < cos_crease)
                }
                Neighbours::Many(lowest) => lowest > t as u32,
                Neighbours::Unsearched => false,
            };
            if draw {
                out[tri.face as usize].push([tri.local[k], tri.local[(k + 1) % 3]]);
            }
        }
    }
    let closed = closed && !welded.tris.is_empty() && parts.volumes_positive(&welded, faces);
    FaceEdges { faces: out, closed }
}

/// Connected parts of a solid's triangles (union–find with path halving).
struct Parts {
    parent: Vec<u32>,
}

impl Parts {
    fn new(n: usize) -> Parts {
        Parts { parent: (0..n as u32).collect() }
    }

    fn root(&mut self, mut i: u32) -> u32 {
        while self.parent[i as usize] != i {
            let up = self.parent[self.parent[i as usize] as usize];
            self.parent[i as usize] = up;
            i = up;
        }
        i
    }

    fn join(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.root(a), self.root(b));
        // The lower root wins, so roots are stable and the order is deterministic.
        let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
        self.parent[hi as usize] = lo;
    }

    /// Whether the signed volume of every part with usable triangles is positive (outward normals).
    fn volumes_positive(&mut self, w: &Welded, faces: &[FaceMesh]) -> bool {
        let mut volume = vec![0.0f64; w.tris.len()];
        // Relative to one vertex of the solid: the volume does not depend on the origin for a closed
        // part, and small coordinates keep the sum accurate.
        let origin = faces.iter().find_map(|f| f.positions.first()).copied().unwrap_or([0.0; 3]).map(f64::from);
        for (t, tri) in w.tris.iter().enumerate() {
            if w.normals[t].is_none() {
                continue;
            }
            let Some(face) = faces.get(tri.face as usize) else { return false };
            let p = |k: usize| {
                let q = face.positions.get(tri.local[k] as usize).copied().unwrap_or([0.0; 3]);
                [0, 1, 2].map(|i| f64::from(q[i]) - origin[i])
            };
            let (a, b, c) = (p(0), p(1), p(2));
            let det = a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0])
                + a[2] * (b[0] * c[1] - b[1] * c[0]);
            let r = self.root(t as u32);
            volume[r as usize] += det;
        }
        (0..w.tris.len()).all(|t| w.normals[t].is_none() || self.parent[t] != t as u32 || volume[t] > 0.0)
    }
}

fn dot(a: [f32; 3], b: [f32; 3]) -> f32 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

/// A triangle with welded vertex ids and where it came from.
struct Tri {
    ids: [u32; 3],
    local: [u32; 3],
    face: u32,
}

/// The triangles of a solid over welded vertices, with unit normals (`None` for degenerate triangles,
/// which take part in no edge).
struct Welded {
    tris: Vec<Tri>,
    normals: Vec<Option<[f32; 3]>>,
    vertices: usize,
}

impl Welded {
    fn new(faces: &[FaceMesh]) -> Welded {
        let positions: usize = faces.iter().map(|f| f.positions.len()).sum();
        let mut ids: HashMap<u128, u32, BuildHasherDefault<MixHasher>> =
            HashMap::with_capacity_and_hasher(positions.min(1 << 24), BuildHasherDefault::default());
        let mut tris = Vec::new();
        let mut normals = Vec::new();
        for (f, face) in faces.iter().enumerate() {
            let welded: Vec<u32> = face
                .positions
                .iter()
                .map(|p| {
                    let next = ids.len() as u32;
                    *ids.entry(position_key(p)).or_insert(next)
                })
                .collect();
            for tri in &face.indices {
                let id = |i: u32| welded.get(i as usize).copied();
                let (Some(a), Some(b), Some(c)) = (id(tri[0]), id(tri[1]), id(tri[2])) else { continue };
                let p = tri.map(|i| face.positions[i as usize]);
                normals.push(unit_normal(p));
                tris.push(Tri { ids: [a, b, c], local: *tri, face: f as u32 });
            }
        }
        Welded { tris, normals, vertices: ids.len() }
    }
}

/// Exact position bits (−0 and +0 are one vertex).
fn position_key(p: &[f32; 3]) -> u128 {
    let bits = |c: f32| u128::from(if c == 0.0 { 0 } else { c.to_bits() });
    bits(p[0]) | (bits(p[1]) << 32) | (bits(p[2]) << 64)
}

fn unit_normal(p: [[f32; 3]; 3]) -> Option<[f32; 3]> {
    let u = [p[1][0] - p[0][0], p[1][1] - p[0][1], p[1][2] - p[0][2]];
    let v = [p[2][0] - p[0][0], p[2][1] - p[0][1], p[2][2] - p[0][2]];
    let c = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
    let len = dot(c, c).sqrt();
    (len > 0.0 && len.is_finite()).then(|| c.map(|x| x / len))
}

/// Welded vertex → the half-edges of non-degenerate triangles leaving it, as (end vertex, half-edge
/// index 3t + k), in a compressed table: offsets, then entries.
struct OutEdges {
    start: Vec<u32>,
    entries: Vec<(u32, u32)>,
}

enum Neighbours {
    None,
    One(u32),
    /// Two or more: a non-manifold edge, with the lowest other triangle.
    Many(u32),
    Unsearched,
}

impl OutEdges {
    fn new(w: &Welded) -> OutEdges {
        let mut start = vec![0u32; w.vertices + 1];
        let usable = || w.tris.iter().enumerate().filter(|(t, _)| w.normals[*t].is_some());
        for (_, tri) in usable() {
            for &v in &tri.ids {
                start[v as usize + 1] += 1;
            }
        }
        for i in 1..start.len() {
            start[i] += start[i - 1];
        }
        let mut fill = start.clone();
        let mut entries = vec![(0u32, 0u32); start[w.vertices] as usize];
        for (t, tri) in usable() {
            for k in 0..3 {
                let (a, b) = (tri.ids[k] as usize, tri.ids[(k + 1) % 3]);
                entries[fill[a] as usize] = (b, (3 * t + k) as u32);
                fill[a] += 1;
            }
        }
        OutEdges { start, entries }
    }

    fn of(&self, v: u32) -> &[(u32, u32)] {
        let (a, b) = (self.start[v as usize] as usize, self.start[v as usize + 1] as usize);
        &self.entries[a..b]
    }

    /// The other triangles on edge (a, b) of half-edge `h`: those running it either way.
    fn on_edge(&self, a: u32, b: u32, h: u32, budget: &mut u64) -> Neighbours {
        let (forward, backward) = (self.of(a), self.of(b));
        let cost = (forward.len() + backward.len()) as u64;
        if cost > *budget {
            return Neighbours::Unsearched;
        }
        *budget -= cost;
        let same = forward.iter().filter(|&&(to, g)| to == b && g != h);
        let reverse = backward.iter().filter(|&&(to, _)| to == a);
        let mut found = Neighbours::None;
        for &(_, g) in same.chain(reverse) {
            let u = g / 3;
            found = match found {
                Neighbours::None => Neighbours::One(u),
                Neighbours::One(v) | Neighbours::Many(v) => Neighbours::Many(v.min(u)),
                Neighbours::Unsearched => Neighbours::Unsearched,
            };
        }
        found
    }
}

/// A multiply-rotate hasher for the weld map: position bits are already well spread, and SipHash would
/// take most of the weld time on million-triangle meshes.
#[derive(Default)]
struct MixHasher(u64);

impl Hasher for MixHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(26) ^ v).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    fn write_u128(&mut self, v: u128) {
        self.write_u64(v as u64);
        self.write_u64((v >> 64) as u64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A unit cube as 12 outward triangles with unshared vertices (as STL stores them).
    fn stl_cube() -> FaceMesh {
        let c = [
            [0.0, 0.0, 0.0],
            [1.0, 0.0, 0.0],
            [1.0, 1.0, 0.0],
            [0.0, 1.0, 0.0],
            [0.0, 0.0, 1.0],
            [1.0, 0.0, 1.0],
            [1.0, 1.0, 1.0],
            [0.0, 1.0, 1.0],
        ];
        let tris: [[usize; 3]; 12] = [
            [0, 2, 1],
            [0, 3, 2],
            [4, 5, 6],
            [4, 6, 7],
            [0, 1, 5],
            [0, 5, 4],
            [1, 2, 6],
            [1, 6, 5],
            [2, 3, 7],
            [2, 7, 6],
            [3, 0, 4],
            [3, 4, 7],
        ];
        let mut mesh = FaceMesh::default();
        for t in tris {
            let base = mesh.positions.len() as u32;
            mesh.positions.extend(t.iter().map(|&i| c[i]));
            mesh.indices.push([base, base + 1, base + 2]);
        }
        mesh
    }

    #[test]
    fn a_cube_has_its_twelve_edges_and_no_diagonals() {
        let edges = feature_edges(&[stl_cube()]);
        assert_eq!(edges.faces[0].len(), 12);
        assert!(edges.closed);
    }

    #[test]
    fn an_open_box_adds_its_rim_once() {
        let mut cube = stl_cube();
        // Without the −X side, its four creases become boundaries (still one edge each) and its diagonal
        // goes with it: still twelve.
        cube.indices.truncate(10);
        let edges = feature_edges(&[cube]);
        assert_eq!(edges.faces[0].len(), 12, "{:?}", edges.faces[0]);
        assert!(!edges.closed);
    }

    #[test]
    fn a_flat_fan_has_only_its_outline_and_degenerate_triangles_add_nothing() {
        let mesh = FaceMesh {
            positions: vec![[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [1.0, 1.0, 0.0], [0.0, 1.0, 0.0], [2.0, 2.0, 0.0]],
            indices: vec![[0, 1, 2], [0, 2, 3], [0, 2, 4], [9, 0, 1]],
            ..FaceMesh::default()
        };
        // [0,2,4] is collinear (degenerate), [9,0,1] points past the positions.
        let edges = feature_edges(&[mesh]);
        assert_eq!(edges.faces[0].len(), 4, "{:?}", edges.faces[0]);
        assert!(!edges.closed);
    }

    /// A UV sphere over shared vertices (each pole repeated per slice, welded by position), outward.
    fn sphere(slices: u32, stacks: u32) -> FaceMesh {
        let mut mesh = FaceMesh::default();
        for i in 0..=stacks {
            let phi = std::f32::consts::PI * i as f32 / stacks as f32;
            // sin π is not 0 in f32: the bottom pole would be a ring of distinct points, a tiny hole.
            let (r, z) = if i == 0 || i == stacks { (0.0, phi.cos().signum()) } else { (phi.sin(), phi.cos()) };
            for j in 0..slices {
                let theta = std::f32::consts::TAU * j as f32 / slices as f32;
                mesh.positions.push([r * theta.cos(), r * theta.sin(), z]);
            }
        }
        for i in 0..stacks {
            for j in 0..slices {
                let (a, b) = (i * slices + j, i * slices + (j + 1) % slices);
                let (c, d) = (a + slices, b + slices);
                mesh.indices.push([a, c, b]);
                mesh.indices.push([b, c, d]);
            }
        }
        mesh
    }

    #[test]
    fn closed_means_watertight_consistent_and_outward_in_every_part() {
        // The pole triangles of this sphere are degenerate (two welded pole copies): they take no part.
        let ball = sphere(24, 12);
        let edges = feature_edges(std::slice::from_ref(&ball));
        assert!(edges.closed);
        assert!(edges.faces[0].is_empty(), "{:?}", edges.faces[0]);
        // Turned inside out: closed and consistent, but its volume is negative.
        let mut inverted = ball.clone();
        inverted.indices.iter_mut().for_each(|t| t.swap(1, 2));
        assert!(!feature_edges(&[inverted.clone()]).closed);
        // One misoriented triangle (away from the degenerate pole rows) breaks consistency.
        let mut flipped = ball.clone();
        flipped.indices[100].swap(1, 2);
        assert!(!feature_edges(&[flipped]).closed);
        // A large outward cube and a small inverted sphere apart from it: the total volume is positive,
        // but one part faces inward.
        let mut cube = stl_cube();
        cube.positions.iter_mut().for_each(|p| *p = p.map(|c| c * 10.0 + 5.0));
        assert!(feature_edges(&[cube.clone()]).closed);
        assert!(!feature_edges(&[cube, inverted]).closed);
    }
}
