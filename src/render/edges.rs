//! Feature edges of a solid for 3D previews: boundary edges (one triangle), non-manifold edges (three or
//! more) and creases whose faces meet at more than [`CREASE_DEG`]. Vertices are welded by exact position
//! across all faces of the solid, so STL's unshared vertices and the seams between B-rep faces that
//! continue smoothly draw nothing, while real B-rep edges do.
//!
//! No sorting and no general hashing of edges: one weld pass (a hash map on position bits with a
//! multiplicative hash), then a vertex → triangles table in which each edge looks for its neighbours.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::model::FaceMesh;

/// Faces meeting at more than this angle (degrees) make a crease.
pub const CREASE_DEG: f32 = 30.0;
/// A vertex shared by more triangles than this is not searched for neighbours (bounded work on
/// pathological fans); its edges are then not drawn.
const MAX_SEARCH: usize = 512;

/// Edges to draw, per face of the solid: pairs of vertex indices into that face's `positions`.
pub type FaceEdges = Vec<Vec<[u32; 2]>>;

/// The feature edges of the faces of one solid.
pub fn feature_edges(faces: &[FaceMesh]) -> FaceEdges {
    let welded = Welded::new(faces);
    let by_vertex = VertexTriangles::new(&welded);
    let cos_crease = CREASE_DEG.to_radians().cos();
    let mut out: FaceEdges = vec![Vec::new(); faces.len()];
    for (t, tri) in welded.tris.iter().enumerate() {
        let Some(normal) = welded.normals[t] else { continue };
        for k in 0..3 {
            let (a, b) = (tri.ids[k], tri.ids[(k + 1) % 3]);
            if a == b {
                continue;
            }
            let draw = match by_vertex.neighbours(a, b, t as u32, &welded) {
                Neighbours::None => true,
                // Each two-triangle edge is decided once, by its lower-numbered triangle.
                Neighbours::One(u) => {
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
    out
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
                let Some(ids) = tri.iter().map(|&i| welded.get(i as usize).copied()).collect::<Option<Vec<u32>>>()
                else {
                    continue;
                };
                let p = tri.map(|i| face.positions[i as usize]);
                normals.push(unit_normal(p));
                tris.push(Tri { ids: [ids[0], ids[1], ids[2]], local: *tri, face: f as u32 });
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

/// Welded vertex → the non-degenerate triangles using it (a compressed table: offsets, then triangles).
struct VertexTriangles {
    start: Vec<u32>,
    tris: Vec<u32>,
}

enum Neighbours {
    None,
    One(u32),
    /// Two or more: a non-manifold edge, with the lowest other triangle.
    Many(u32),
    Unsearched,
}

impl VertexTriangles {
    fn new(w: &Welded) -> VertexTriangles {
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
        let mut tris = vec![0u32; start[w.vertices] as usize];
        for (t, tri) in usable() {
            for &v in &tri.ids {
                tris[fill[v as usize] as usize] = t as u32;
                fill[v as usize] += 1;
            }
        }
        VertexTriangles { start, tris }
    }

    fn of(&self, v: u32) -> &[u32] {
        &self.tris[self.start[v as usize] as usize..self.start[v as usize + 1] as usize]
    }

    /// The other triangles on edge (a, b), searched in the shorter of the two vertex lists.
    fn neighbours(&self, a: u32, b: u32, t: u32, w: &Welded) -> Neighbours {
        let (list, other) = if self.of(a).len() <= self.of(b).len() { (self.of(a), b) } else { (self.of(b), a) };
        if list.len() > MAX_SEARCH {
            return Neighbours::Unsearched;
        }
        let mut found = Neighbours::None;
        for &u in list {
            if u == t || !w.tris[u as usize].ids.contains(&other) {
                continue;
            }
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
        assert_eq!(edges[0].len(), 12);
    }

    #[test]
    fn an_open_box_adds_its_rim_once() {
        let mut cube = stl_cube();
        // Without the −X side, its four creases become boundaries (still one edge each) and its diagonal
        // goes with it: still twelve.
        cube.indices.truncate(10);
        let edges = feature_edges(&[cube]);
        assert_eq!(edges[0].len(), 12, "{:?}", edges[0]);
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
        assert_eq!(edges[0].len(), 4, "{:?}", edges[0]);
    }
}
