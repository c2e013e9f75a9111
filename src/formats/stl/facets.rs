//! What both syntaxes read into (facets as stored) and how facets become the model's meshes: normals
//! recomputed from the winding, degenerate and non-finite triangles counted, facets grouped per `solid`
//! block and colour.

use std::collections::HashMap;

use crate::model::{FaceMesh, Rgba};

/// One facet exactly as stored (binary records keep their attribute word; ASCII facets have 0).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Facet {
    pub normal: [f32; 3],
    pub vertices: [[f32; 3]; 3],
    pub attribute: u16,
}

/// Facets of a file with the `solid` blocks they belong to (binary files are one block).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Facets {
    pub facets: Vec<Facet>,
    /// `(index of the block's first facet, its name)`, in file order.
    pub blocks: Vec<(usize, Option<String>)>,
}

/// Counts found while building, reported as warnings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BuildStats {
    pub triangles: u64,
    /// Facets with a NaN or infinite coordinate: left out (they would poison area, volume and the box).
    pub non_finite: u64,
    /// Zero-area triangles (kept: they are in the file and count as triangles).
    pub degenerate: u64,
    pub normals_zero: u64,
    /// Stored normals pointing against the winding (dot product < 0).
    pub normals_disagree: u64,
    /// Facets past what u32 indices can address in one mesh: left out.
    pub beyond_index_range: u64,
}

/// Builds one [`FaceMesh`] per (block, colour) in order of first appearance. `colour_of` maps a facet to a
/// colour key (RGB 5:5:5, red in the high bits) or `None`.
pub fn build(facets: &Facets, colour_of: impl Fn(&Facet) -> Option<u16>) -> (Vec<FaceMesh>, BuildStats) {
    let mut stats = BuildStats::default();
    let mut meshes: Vec<FaceMesh> = Vec::new();
    let mut index: HashMap<(usize, Option<u16>), usize> = HashMap::new();
    let mut block = 0usize;
    for (i, facet) in facets.facets.iter().enumerate() {
        while facets.blocks.get(block + 1).is_some_and(|&(start, _)| start <= i) {
            block += 1;
        }
        if facet.vertices.iter().flatten().any(|c| !c.is_finite()) {
            stats.non_finite += 1;
            continue;
        }
        let key = colour_of(facet);
        let slot = *index.entry((block, key)).or_insert_with(|| {
            meshes.push(FaceMesh { colour: key.map(rgb555), ..FaceMesh::default() });
            meshes.len() - 1
        });
        let normal = facet_normal(facet, &mut stats);
        let mesh = &mut meshes[slot];
        // Positions stay unshared (three per facet) as stored; measures weld exactly when they need to.
        // u32 indices address 1.4 billion facets per mesh (a 70 GB binary); beyond that facets are dropped.
        let Ok(base) = u32::try_from(mesh.positions.len() + 2).map(|last| last - 2) else {
            stats.beyond_index_range += 1;
            continue;
        };
        mesh.positions.extend_from_slice(&facet.vertices);
        mesh.normals.extend_from_slice(&[normal; 3]);
        mesh.indices.push([base, base + 1, base + 2]);
        stats.triangles += 1;
    }
    (meshes, stats)
}

/// The unit normal from the winding (counter-clockwise = outward); for a degenerate triangle the stored
/// normal when it is finite, else zero. Counts zero, disagreeing and degenerate cases.
fn facet_normal(facet: &Facet, stats: &mut BuildStats) -> [f32; 3] {
    let [a, b, c] = facet.vertices.map(|v| v.map(f64::from));
    let u = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
    let v = [c[0] - a[0], c[1] - a[1], c[2] - a[2]];
    let cross = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
    let stored = facet.normal.map(f64::from);
    if stored.iter().all(|&s| s == 0.0) {
        stats.normals_zero += 1;
    } else if stored.iter().zip(&cross).map(|(s, c)| s * c).sum::<f64>() < 0.0 {
        stats.normals_disagree += 1;
    }
    let length = cross.iter().map(|c| c * c).sum::<f64>().sqrt();
    if length > 0.0 {
        return cross.map(|c| (c / length) as f32);
    }
    stats.degenerate += 1;
    if facet.normal.iter().all(|n| n.is_finite()) { facet.normal } else { [0.0; 3] }
}

/// RGB 5:5:5 (red in bits 10–14, green 5–9, blue 0–4) as a colour.
pub fn rgb555(key: u16) -> Rgba {
    let channel = |shift: u16| f32::from((key >> shift) & 0x1F) / 31.0;
    Rgba::opaque(channel(10), channel(5), channel(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facet(normal: [f32; 3], vertices: [[f32; 3]; 3]) -> Facet {
        Facet { normal, vertices, attribute: 0 }
    }

    const CCW: [[f32; 3]; 3] = [[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]];

    #[test]
    fn normals_are_recomputed_from_the_winding_and_mismatches_counted() {
        let facets = Facets {
            facets: vec![
                facet([0.0, 0.0, 0.0], CCW),
                facet([0.0, 0.0, -1.0], CCW),
                facet([0.0, 0.0, 1.0], CCW),
                facet([0.0, 0.0, 1.0], [[0.0; 3], [1.0, 1.0, 1.0], [2.0, 2.0, 2.0]]),
            ],
            blocks: vec![(0, None)],
        };
        let (meshes, stats) = build(&facets, |_| None);
        assert_eq!(meshes.len(), 1);
        assert_eq!(meshes[0].indices, vec![[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]]);
        assert_eq!(meshes[0].normals[0], [0.0, 0.0, 1.0]);
        assert_eq!(meshes[0].normals[3], [0.0, 0.0, 1.0]);
        // The collinear triangle keeps its stored normal.
        assert_eq!(meshes[0].normals[9], [0.0, 0.0, 1.0]);
        assert_eq!(
            stats,
            BuildStats { triangles: 4, degenerate: 1, normals_zero: 1, normals_disagree: 1, ..BuildStats::default() }
        );
    }

    #[test]
    fn non_finite_facets_are_left_out() {
        let mut bad = CCW;
        bad[1][2] = f32::NAN;
        let facets = Facets { facets: vec![facet([0.0; 3], bad), facet([0.0; 3], CCW)], blocks: vec![(0, None)] };
        let (meshes, stats) = build(&facets, |_| None);
        assert_eq!(meshes[0].indices.len(), 1);
        assert_eq!((stats.triangles, stats.non_finite), (1, 1));
    }

    #[test]
    fn blocks_and_colours_make_separate_meshes() {
        let mut red = facet([0.0; 3], CCW);
        red.attribute = 0x7C00;
        let facets = Facets {
            facets: vec![facet([0.0; 3], CCW), red, facet([0.0; 3], CCW), facet([0.0; 3], CCW)],
            blocks: vec![(0, Some("a".into())), (3, Some("b".into()))],
        };
        let (meshes, _) = build(&facets, |f| (f.attribute != 0).then_some(f.attribute));
        let sizes: Vec<usize> = meshes.iter().map(|m| m.indices.len()).collect();
        assert_eq!(sizes, vec![2, 1, 1]);
        assert_eq!(meshes[1].colour.map(|c| c.hex()), Some("#FF0000".to_owned()));
        assert_eq!(meshes[0].colour, None);
    }
}
