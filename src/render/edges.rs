//! Feature edges of a solid for 3D previews: boundary edges (one triangle), non-manifold edges (three or
//! more) and creases whose faces meet at more than [`CREASE_DEG`]. Vertices are welded by exact position
//! across all faces of the solid, so STL's unshared vertices and the seams between B-rep faces that
//! continue smoothly draw nothing, while real B-rep edges do; inside one B-rep face (a face meshed on its
//! exact surface) no crease is drawn, as the face is smooth there by construction. The same pass says whether the solid is
//! closed and outward (its back faces cannot show, see [`FaceEdges::closed`]).
//!
//! The pass is sized for million-triangle meshes, where memory touched for the first time (page faults)
//! costs as much as the arithmetic: one weld into a flat open-addressing table of `u32` ids with hash tags,
//! then every half-edge a→b filed once under its lower welded vertex as (other end, triangle, direction)
//! in one compressed table. Sorting each vertex's short list by other end then triangle makes every run
//! one edge with all its triangles, the lowest (which decides in which face the edge is drawn) first:
//! exactly one each way is a manifold edge with a consistently oriented neighbour (almost every edge of a
//! real mesh). Each edge is looked at once, and the work is O(n log n) even for a fan of a million
//! triangles round one vertex.

use crate::model::FaceMesh;
use crate::model::mesh::weld_key;

/// Faces meeting at more than this angle (degrees) make a crease.
pub const CREASE_DEG: f32 = 30.0;
/// Meshes from this many triangles up split the per-triangle normals and the sorting of the edge lists
/// over two threads (below it, starting a thread costs more than it saves).
const PARALLEL_FROM: usize = 1 << 16;
/// Marks a triangle that takes part in no edge (an index out of range, or degenerate).
const UNUSABLE: u32 = u32::MAX;
/// The direction bit of an edge list entry: the half-edge runs from the lower welded vertex to the higher.
const UP: u64 = 1;

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
    let positions: usize = faces.iter().map(|f| f.positions.len()).sum();
    let triangles: usize = faces.iter().map(|f| f.indices.len()).sum();
    // Welded ids are `u32` and list entries keep 31 bits of triangle number: far beyond any mesh that
    // fits in memory, but the numbering must not wrap.
    if positions >= u32::MAX as usize || triangles >= 1 << 31 {
        return FaceEdges { faces: vec![Vec::new(); faces.len()], closed: false };
    }
    let welded = Welded::new(faces, positions, triangles);
    let lists = &mut EdgeLists::new(&welded);

    let cos_crease = CREASE_DEG.to_radians().cos();
    // Where each face's triangles start in the numbering over all faces (those left out keep their
    // number, so the lowest triangle on an edge is in the same face whatever was left out).
    let mut first_tri = Vec::with_capacity(faces.len() + 1);
    first_tri.push(0usize);
    for face in faces {
        first_tri.push(first_tri.last().copied().unwrap_or(0) + face.indices.len());
    }
    let face_of = |t: u32| first_tri.partition_point(|&start| start <= t as usize).saturating_sub(1);
    // A B-rep face (one meshed on its exact surface) is smooth inside by construction: a crease between two
    // of its own triangles is the mesh's, not the part's (a B-spline pole, refined to the chord only, fans
    // into triangles up to 48° apart: trj3_s1-al's nose drew them as a star). CAD viewers draw a B-rep
    // part's edges, and so do we; meshes without faces (STL, faceted) keep their creases.
    let inside_smooth_face = |a: u32, b: u32| {
        let f = face_of(a);
        f == face_of(b) && faces.get(f).is_some_and(|face| face.exact.is_some())
    };
    let mut out: Vec<Vec<[u32; 2]>> = vec![Vec::new(); faces.len()];
    let mut closed = true;
    let mut parts = Parts::new(welded.ids.len());
    let mut visit = |v: u32, list: &[u64]| {
        for run in list.chunk_by(|x, y| x >> 32 == y >> 32) {
            let (end, first) = ((run[0] >> 32) as u32, run[0]);
            let lowest = triangle(first);
            // One triangle each way is a manifold edge with consistent orientation.
            let paired = run.len() == 2 && (first ^ run[1]) & UP != 0;
            closed &= paired;
            let draw = match run {
                [_] => true,
                [_, second] => {
                    let other = triangle(*second);
                    if paired {
                        parts.join(lowest, other);
                    }
                    let normal = |t: u32| welded.normals.get(t as usize).copied().unwrap_or([0.0; 3]);
                    dot(normal(lowest), normal(other)) < cos_crease && !inside_smooth_face(lowest, other)
                }
                _ => true,
            };
            if !draw {
                continue;
            }
            // Drawn in the lowest triangle's face, as that triangle runs the edge.
            let (lo, hi) = if first & UP != 0 { (v, end) } else { (end, v) };
            let t = lowest as usize;
            let f = face_of(lowest);
            let (Some(face), Some(ids)) = (faces.get(f), welded.ids.get(t)) else { continue };
            let Some(local) = face.indices.get(t - first_tri[f]) else { continue };
            if let Some(k) = (0..3).find(|&k| ids[k] == lo && ids[(k + 1) % 3] == hi) {
                out[f].push([local[k], local[(k + 1) % 3]]);
            }
        }
    };
    // Each list sorted by other end, then triangle: each run is one edge, its lowest triangle first. On
    // large meshes a second thread sorts the upper half of the lists while this one sorts and visits the
    // lower half; the visits (union–find, output) stay on one thread, in vertex order.
    let vertices = welded.keys.len();
    let mid = if parallel(welded.ids.len()) { vertices / 2 } else { vertices };
    let start = &lists.start;
    let split = start[mid] as usize;
    let (lower, upper) = lists.entries.split_at_mut(split);
    let list_range = |v: usize, base: usize| start[v] as usize - base..start[v + 1] as usize - base;
    std::thread::scope(|scope| {
        let helper = (mid < vertices).then(|| {
            scope.spawn(|| {
                for v in mid..vertices {
                    if let Some(list) = upper.get_mut(list_range(v, split)) {
                        list.sort_unstable();
                    }
                }
            })
        });
        for v in 0..mid {
            if let Some(list) = lower.get_mut(list_range(v, 0)) {
                list.sort_unstable();
                visit(v as u32, list);
            }
        }
        if let Some(helper) = helper {
            helper.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        }
    });
    for v in mid..vertices {
        if let Some(list) = upper.get(list_range(v, split)) {
            visit(v as u32, list);
        }
    }
    let closed = closed && welded.usable > 0 && parts.volumes_positive(&welded);
    FaceEdges { faces: out, closed }
}

/// Connected parts of a solid's triangles (union–find with path halving).
struct Parts {
    parent: Vec<u32>,
    /// Joins of two different parts so far: the usable triangles form `usable − merges` parts.
    merges: usize,
}

impl Parts {
    fn new(n: usize) -> Parts {
        Parts { parent: (0..n as u32).collect(), merges: 0 }
    }

    #[inline]
    fn root(&mut self, mut i: u32) -> u32 {
        while self.parent[i as usize] != i {
            let up = self.parent[self.parent[i as usize] as usize];
            self.parent[i as usize] = up;
            i = up;
        }
        i
    }

    /// Called once per manifold edge from the visit loop: kept inline (an out-of-line call per edge shows
    /// in profiles of million-triangle meshes).
    #[inline]
    fn join(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.root(a), self.root(b));
        // The lower root wins, so roots are stable and the order is deterministic.
        let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
        self.parent[hi as usize] = lo;
        self.merges += usize::from(ra != rb);
    }

    /// Whether the signed volume of every part with usable triangles is positive (outward normals).
    fn volumes_positive(&mut self, w: &Welded) -> bool {
        // One part (the usual solid): its volume is the one summed with the normals, and the walk over
        // every triangle's root below (a tenth of the pass on a million triangles) is not needed.
        if w.usable.checked_sub(self.merges) == Some(1) {
            return w.volume > 0.0;
        }
        // A root is the lowest triangle of its part, so walking the triangles in order meets each root
        // before the rest of its part: the parts' volumes are a short list in root order.
        let mut volumes: Vec<(u32, f64)> = Vec::new();
        let origin = volume_origin(&w.keys);
        for t in 0..w.ids.len() {
            let ids = w.ids[t];
            if ids[0] == UNUSABLE {
                continue;
            }
            let det = volume6([w.position(ids[0]), w.position(ids[1]), w.position(ids[2])], origin);
            let r = self.root(t as u32);
            let slot = match volumes.last() {
                Some(&(last, _)) if last == r => volumes.len() - 1,
                _ => match volumes.binary_search_by_key(&r, |v| v.0) {
                    Ok(i) => i,
                    Err(i) => {
                        volumes.insert(i, (r, 0.0));
                        i
                    }
                },
            };
            volumes[slot].1 += det;
        }
        volumes.iter().all(|v| v.1 > 0.0)
    }
}

/// The point signed volumes are taken about: one vertex of the solid. The volume does not depend on the
/// origin for a closed part, and small coordinates keep the sum accurate.
fn volume_origin(keys: &[[u32; 3]]) -> [f64; 3] {
    keys.first().map_or([0.0; 3], |k| k.map(|c| f64::from(f32::from_bits(c))))
}

/// Six times the signed volume of the tetrahedron from `origin` to a triangle.
#[inline]
fn volume6(p: [[f32; 3]; 3], origin: [f64; 3]) -> f64 {
    let r = |q: [f32; 3]| [f64::from(q[0]) - origin[0], f64::from(q[1]) - origin[1], f64::from(q[2]) - origin[2]];
    let (a, b, c) = (r(p[0]), r(p[1]), r(p[2]));
    a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0]) + a[2] * (b[0] * c[1] - b[1] * c[0])
}

#[inline]
fn dot(a: [f32; 3], b: [f32; 3]) -> f32 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

/// The triangles of a solid over welded vertices: per triangle (numbered over all faces) its three
/// welded ids, or [`UNUSABLE`] for one with an index out of range or no area (it takes part in no edge).
struct Welded {
    ids: Vec<[u32; 3]>,
    /// Unit normals of the usable triangles (computed once: a crease test needs both sides').
    normals: Vec<[f32; 3]>,
    /// The position bits of each welded vertex (−0 made +0).
    keys: Vec<[u32; 3]>,
    /// Triangles that are not [`UNUSABLE`].
    usable: usize,
    /// Six times the signed volume of all usable triangles about [`volume_origin`]: the volume of the
    /// solid when they form one part.
    volume: f64,
}

impl Welded {
    fn new(faces: &[FaceMesh], positions: usize, triangles: usize) -> Welded {
        // Open addressing with linear probing at most half full: each slot holds a welded id + 1 (0 is
        // empty) in its low half and 32 bits of the key's hash in its high half, so a probe compares keys
        // only when the tags agree.
        let slots = (2 * positions).next_power_of_two().max(16);
        let mask = slots - 1;
        let mut table = vec![0u64; slots];
        let mut keys: Vec<[u32; 3]> = Vec::with_capacity(positions);
        let mut ids = Vec::with_capacity(triangles);
        for face in faces {
            let welded: Vec<u32> = face
                .positions
                .iter()
                .enumerate()
                .map(|(k, p)| {
                    // Each probe is a cache (and TLB) miss in a table of megabytes: asking for the slot of
                    // a position a few ahead lets those misses overlap instead of queueing.
                    if let Some(ahead) = face.positions.get(k + PREFETCH_AHEAD) {
                        prefetch(&table[mix(weld_key(ahead)) as usize & mask]);
                    }
                    let key = weld_key(p);
                    let hash = mix(key);
                    let tag = hash >> 32;
                    let mut i = hash as usize & mask;
                    loop {
                        let slot = table[i];
                        if slot == 0 {
                            keys.push(key);
                            let id = keys.len() as u64;
                            table[i] = (tag << 32) | id;
                            break (id - 1) as u32;
                        }
                        let id = (slot & 0xFFFF_FFFF) as usize - 1;
                        if slot >> 32 == tag && keys[id] == key {
                            break id as u32;
                        }
                        i = (i + 1) & mask;
                    }
                })
                .collect();
            for tri in &face.indices {
                let id = |i: u32| welded.get(i as usize).copied();
                let tri_ids = match (id(tri[0]), id(tri[1]), id(tri[2])) {
                    (Some(a), Some(b), Some(c)) => [a, b, c],
                    _ => [UNUSABLE; 3],
                };
                ids.push(tri_ids);
            }
        }
        // Normals (and which triangles are degenerate) per triangle, in two halves on two threads when
        // the mesh is large.
        let mut normals = vec![[0.0f32; 3]; ids.len()];
        let origin = volume_origin(&keys);
        let fill = |ids: &mut [[u32; 3]], normals: &mut [[f32; 3]]| fill_normals(&keys, origin, ids, normals);
        let (usable, volume) = if parallel(ids.len()) {
            let mid = ids.len() / 2;
            let (ids_lo, ids_hi) = ids.split_at_mut(mid);
            let (normals_lo, normals_hi) = normals.split_at_mut(mid);
            std::thread::scope(|scope| {
                let helper = scope.spawn(|| fill(ids_hi, normals_hi));
                let lower = fill(ids_lo, normals_lo);
                let upper = helper.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
                (lower.0 + upper.0, lower.1 + upper.1)
            })
        } else {
            fill(&mut ids, &mut normals)
        };
        Welded { ids, normals, keys, usable, volume }
    }

    fn position(&self, id: u32) -> [f32; 3] {
        self.keys.get(id as usize).map_or([f32::NAN; 3], |k| k.map(f32::from_bits))
    }
}

/// Unit normals of the triangles `ids` (welded ids into `keys`) into `normals`; a triangle without one
/// (degenerate, not finite, or already [`UNUSABLE`]) becomes [`UNUSABLE`]. Returns the usable count and
/// six times their signed volume about `origin` (the corners are at hand here).
///
/// A named function over indexed arrays rather than a closure of `[T; 3]::map` calls: the closure form
/// was left to the inliner, and a build that kept `array::try_map` out of line (three calls per
/// triangle, results through memory) made this loop about 5× slower and the whole feature-edge pass
/// on the 1 M-triangle bench sphere ≈ 25 % slower, with no change to the source of the pass.
#[inline]
fn fill_normals(keys: &[[u32; 3]], origin: [f64; 3], ids: &mut [[u32; 3]], normals: &mut [[f32; 3]]) -> (usize, f64) {
    let corner = |i: u32| match keys.get(i as usize) {
        Some(k) => [f32::from_bits(k[0]), f32::from_bits(k[1]), f32::from_bits(k[2])],
        None => [f32::NAN; 3],
    };
    let (mut usable, mut volume) = (0, 0.0);
    for (tri, normal) in ids.iter_mut().zip(normals.iter_mut()) {
        // An unusable triangle has all three ids UNUSABLE already (see `Welded::new`).
        if tri[0] == UNUSABLE {
            continue;
        }
        let p = [corner(tri[0]), corner(tri[1]), corner(tri[2])];
        match unit_normal(p) {
            Some(n) => {
                *normal = n;
                usable += 1;
                volume += volume6(p, origin);
            }
            None => *tri = [UNUSABLE; 3],
        }
    }
    (usable, volume)
}

/// How many positions ahead the weld asks for its table slot (enough to cover a memory latency with
/// a few short probes).
const PREFETCH_AHEAD: usize = 16;

/// Asks the CPU to bring `slot` into the cache; no effect on the result (and none off x86-64).
#[inline(always)]
fn prefetch(slot: &u64) {
    // SAFETY: a prefetch only hints the cache (it never faults, reads nothing into the program and
    // writes nothing), the pointer comes from a live reference, and SSE is part of every x86-64 target.
    #[cfg(target_arch = "x86_64")]
    unsafe {
        core::arch::x86_64::_mm_prefetch::<{ core::arch::x86_64::_MM_HINT_T0 }>(std::ptr::from_ref(slot).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = slot;
}

/// A multiply-xorshift mix of the position bits: they are already well spread, so one multiplication
/// per coordinate and a final fold spread them over the table.
fn mix(k: [u32; 3]) -> u64 {
    let h = (u64::from(k[0]) | (u64::from(k[1]) << 32)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let h = (h ^ (h >> 29) ^ u64::from(k[2])).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    h ^ (h >> 32)
}

#[inline]
fn unit_normal(p: [[f32; 3]; 3]) -> Option<[f32; 3]> {
    let u = [p[1][0] - p[0][0], p[1][1] - p[0][1], p[1][2] - p[0][2]];
    let v = [p[2][0] - p[0][0], p[2][1] - p[0][1], p[2][2] - p[0][2]];
    let c = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
    let len = dot(c, c).sqrt();
    (len > 0.0 && len.is_finite()).then_some([c[0] / len, c[1] / len, c[2] / len])
}

/// Welded vertex v → every half-edge of a usable triangle whose lower end is v, as one `u64`: the higher
/// end in the high 32 bits, then the triangle, then [`UP`] when it runs from v to the higher end (so a
/// plain sort orders a list by edge, then triangle); in a compressed table: offsets, then entries.
struct EdgeLists {
    start: Vec<u32>,
    entries: Vec<u64>,
}

/// Whether a mesh of `triangles` is worth two threads (and the machine has two cores).
fn parallel(triangles: usize) -> bool {
    triangles >= PARALLEL_FROM && std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2)
}

/// The triangle of an edge list entry.
#[inline]
fn triangle(entry: u64) -> u32 {
    ((entry & 0xFFFF_FFFF) >> 1) as u32
}

impl EdgeLists {
    fn new(w: &Welded) -> EdgeLists {
        let mut start = vec![0u32; w.keys.len() + 1];
        let usable = || w.ids.iter().enumerate().filter(|(_, ids)| ids[0] != UNUSABLE);
        for (_, ids) in usable() {
            for k in 0..3 {
                start[ids[k].min(ids[(k + 1) % 3]) as usize] += 1;
            }
        }
        // Inclusive prefix sums: `start[v]` is the end of v's list; filling counts it down to the start.
        let mut total = 0;
        for s in &mut start {
            total += *s;
            *s = total;
        }
        let mut entries = vec![0u64; total as usize];
        for (t, ids) in usable() {
            for k in 0..3 {
                let (a, b) = (ids[k], ids[(k + 1) % 3]);
                let (lo, hi, up) = if a < b { (a, b, UP) } else { (b, a, 0) };
                let s = &mut start[lo as usize];
                *s -= 1;
                entries[*s as usize] = (u64::from(hi) << 32) | ((t as u64) << 1) | up;
            }
        }
        EdgeLists { start, entries }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::mesh::FaceIntegrals;

    /// A unit cube as 12 outward triangles with unshared vertices (as STL stores them).
    fn stl_cube() -> FaceMesh {
        FaceMesh::cuboid([1.0; 3]).unshared()
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

    #[test]
    fn creases_inside_a_brep_face_are_the_mesh_s_and_not_drawn() {
        // A tent: two triangles folded 90° along the ridge (0,0,0)-(1,0,0).
        let tent = || FaceMesh {
            positions: vec![[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.5, 1.0, 0.0], [0.5, 0.0, 1.0]],
            indices: vec![[0, 1, 2], [1, 0, 3]],
            ..FaceMesh::default()
        };
        // Without a surface (STL, faceted) the fold is a crease: the ridge and the four rim edges.
        assert_eq!(feature_edges(&[tent()]).faces[0].len(), 5);
        // Meshed on an exact surface (a B-rep face), only the rim: the fold is inside one smooth face.
        let brep = FaceMesh { exact: Some(FaceIntegrals::default()), ..tent() };
        assert_eq!(feature_edges(&[brep]).faces[0].len(), 4);
        // Split into two B-rep faces, the fold is their common edge and is drawn, once.
        let (mut a, mut b) = (FaceMesh { exact: Some(FaceIntegrals::default()), ..tent() }, tent());
        a.indices.truncate(1);
        b.indices.remove(0);
        b.exact = Some(FaceIntegrals::default());
        let edges = feature_edges(&[a, b]);
        assert_eq!(edges.faces.iter().map(Vec::len).sum::<usize>(), 5, "{:?}", edges.faces);
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
        assert!(!feature_edges(&[cube.clone(), inverted]).closed);
        // Two outward parts: each part's volume is summed apart (one part takes the total from the
        // normals' pass), and both are positive.
        assert!(feature_edges(&[cube, ball]).closed);
    }
}
