//! Edge topology of the read mesh for the diagnostics (formats.md §7: report boundary and non-manifold
//! edges). Vertices are welded on exact coordinates (−0 = 0), as `model::mesh::measure_faces` does, so the
//! counts explain its `closed` verdict.

use std::collections::HashMap;

use crate::model::FaceMesh;
use crate::model::mesh::weld_key;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EdgeStats {
    /// Undirected edges used by one triangle only (holes, open borders).
    pub boundary: u64,
    /// Undirected edges used by more than two triangles.
    pub non_manifold: u64,
    /// Edges used twice but both times in the same direction (neighbours wound oppositely).
    pub misoriented: u64,
}

pub fn edge_stats(meshes: &[FaceMesh]) -> EdgeStats {
    let mut weld: HashMap<[u32; 3], u32> = HashMap::new();
    // Undirected edge (low, high) → (uses low→high, uses high→low).
    let mut edges: HashMap<(u32, u32), (u32, u32)> = HashMap::new();
    for mesh in meshes {
        for tri in &mesh.indices {
            let mut ids = [0u32; 3];
            for (id, &i) in ids.iter_mut().zip(tri) {
                let Some(p) = mesh.positions.get(i as usize) else { return EdgeStats::default() };
                let next = weld.len() as u32;
                *id = *weld.entry(weld_key(p)).or_insert(next);
            }
            for (a, b) in [(ids[0], ids[1]), (ids[1], ids[2]), (ids[2], ids[0])] {
                // A zero-length edge of a degenerate triangle is no hole (measure_faces pairs it with itself).
                if a == b {
                    continue;
                }
                let entry = edges.entry((a.min(b), a.max(b))).or_insert((0, 0));
                if a < b {
                    entry.0 += 1;
                } else {
                    entry.1 += 1;
                }
            }
        }
    }
    let mut stats = EdgeStats::default();
    for &(forward, backward) in edges.values() {
        match forward + backward {
            1 => stats.boundary += 1,
            2 if forward != 1 => stats.misoriented += 1,
            2 => {}
            _ => stats.non_manifold += 1,
        }
    }
    stats
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mesh(positions: Vec<[f32; 3]>, indices: Vec<[u32; 3]>) -> FaceMesh {
        FaceMesh { positions, indices, ..FaceMesh::default() }
    }

    const TETRA: [[f32; 3]; 4] = [[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];

    #[test]
    fn a_closed_tetrahedron_has_no_findings() {
        let m = mesh(TETRA.to_vec(), vec![[0, 2, 1], [0, 1, 3], [1, 2, 3], [2, 0, 3]]);
        assert_eq!(edge_stats(&[m]), EdgeStats::default());
    }

    #[test]
    fn open_flipped_and_fin_edges_are_counted() {
        // One face missing: its three edges are boundary edges.
        let open = mesh(TETRA.to_vec(), vec![[0, 2, 1], [0, 1, 3], [1, 2, 3]]);
        assert_eq!(edge_stats(&[open]), EdgeStats { boundary: 3, ..EdgeStats::default() });
        // One face flipped: its three edges run the same way as their neighbours'.
        let flipped = mesh(TETRA.to_vec(), vec![[0, 1, 2], [0, 1, 3], [1, 2, 3], [2, 0, 3]]);
        assert_eq!(edge_stats(&[flipped]), EdgeStats { misoriented: 3, ..EdgeStats::default() });
        // A third triangle on edge 0–1 (in unshared positions, welded by coordinates): non-manifold.
        let mut fin = TETRA.to_vec();
        fin.extend([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, -1.0, 0.0]]);
        let m = mesh(fin, vec![[0, 2, 1], [0, 1, 3], [1, 2, 3], [2, 0, 3], [4, 5, 6]]);
        assert_eq!(edge_stats(&[m]), EdgeStats { boundary: 2, non_manifold: 1, misoriented: 0 });
    }
}
