//! The 3D part of the document model: part definitions holding triangle meshes, and an instance tree
//! (assembly structure) that places them. One mesh per part, shared by all its instances.

use std::collections::HashMap;

use super::LengthUnit;
use super::geom::{Affine, BBox3, Point};

/// A colour with alpha (STEP styling may carry transparency).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rgba {
    pub r: f32,
    pub g: f32,
    pub b: f32,
    pub a: f32,
}

impl Rgba {
    pub fn opaque(r: f32, g: f32, b: f32) -> Rgba {
        Rgba { r, g, b, a: 1.0 }
    }

    /// `#RRGGBB` (alpha is not part of the result schemas' colour strings).
    pub fn hex(&self) -> String {
        let c = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
        format!("#{:02X}{:02X}{:02X}", c(self.r), c(self.g), c(self.b))
    }
}

/// Triangles of one face (or of a whole STL), in part coordinates.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FaceMesh {
    pub positions: Vec<[f32; 3]>,
    /// Per-vertex normals, same length as `positions`, or empty (consumers then use face normals).
    pub normals: Vec<[f32; 3]>,
    pub indices: Vec<[u32; 3]>,
    pub colour: Option<Rgba>,
    /// Area and flux integrated over the exact surface, when the face was meshed in its surface's (u, v)
    /// domain (B-rep faces); `None` for meshes that are all there is (STL, faceted and tessellated
    /// faces), which are measured from their triangles.
    pub exact: Option<FaceIntegrals>,
}

/// A face's measures integrated over its exact surface (a Gauss rule on each (u, v) triangle of its
/// mesh), in the face mesh's coordinates and with its orientation (the triangles' winding): what
/// OpenCASCADE's exact properties sum, free of the chords' sag.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FaceIntegrals {
    /// ∫ dA.
    pub area: f64,
    /// (1/3) ∫ x·n dA about the origin (n the face's unit normal): the face's share of the
    /// divergence-theorem volume. Origin-dependent per face; over a closed shell the origin drops out.
    pub flux: f64,
    /// ∫ n dA, which moves the flux to another origin c: (1/3) ∫ (x − c)·n dA = flux − c·vector_area / 3.
    pub vector_area: Point,
}

impl FaceIntegrals {
    /// The integrals of the face scaled by `s` about the origin (areas go with s², the flux with s³).
    pub fn scaled(self, s: f64) -> FaceIntegrals {
        FaceIntegrals {
            area: self.area * s * s,
            flux: self.flux * s * s * s,
            vector_area: self.vector_area.scale(s * s),
        }
    }

    /// The integrals of the face turned inside out (the normal reversed).
    pub fn reversed(self) -> FaceIntegrals {
        FaceIntegrals { area: self.area, flux: -self.flux, vector_area: self.vector_area.scale(-1.0) }
    }
}

impl FaceMesh {
    /// An axis-aligned box from the origin to `size`: 12 outward-wound triangles on 8 shared vertices, no
    /// normals, no colour. The smallest closed solid whose measures are known exactly, so the renderers, the
    /// result writer and their tests share one definition of it.
    pub fn cuboid(size: [f32; 3]) -> FaceMesh {
        let [x, y, z] = size;
        let positions = vec![
            [0.0, 0.0, 0.0],
            [x, 0.0, 0.0],
            [x, y, 0.0],
            [0.0, y, 0.0],
            [0.0, 0.0, z],
            [x, 0.0, z],
            [x, y, z],
            [0.0, y, z],
        ];
        let indices = vec![
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
        FaceMesh { positions, normals: Vec::new(), indices, colour: None, exact: None }
    }

    /// The same triangles with three vertices of their own each, as STL stores them (no shared indices).
    /// Triangles with an index out of range are dropped.
    pub fn unshared(&self) -> FaceMesh {
        // The exact integrals belong to the face, not to how its triangles share vertices.
        let mut out = FaceMesh { colour: self.colour, exact: self.exact, ..FaceMesh::default() };
        for tri in &self.indices {
            let corners = tri.map(|i| self.positions.get(i as usize).copied());
            let [Some(a), Some(b), Some(c)] = corners else { continue };
            let base = out.positions.len() as u32;
            out.positions.extend([a, b, c]);
            out.indices.push([base, base + 1, base + 2]);
        }
        out
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SolidKind {
    #[default]
    Solid,
    Shell,
    Mesh,
}

impl SolidKind {
    pub fn name(self) -> &'static str {
        match self {
            SolidKind::Solid => "solid",
            SolidKind::Shell => "shell",
            SolidKind::Mesh => "mesh",
        }
    }
}

/// A solid, shell or mesh body of a part.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Solid {
    pub name: Option<String>,
    pub kind: SolidKind,
    pub faces: Vec<FaceMesh>,
    pub colour: Option<Rgba>,
    /// Faces of the source the tessellator could not mesh (B-rep only).
    pub faces_without_mesh: u32,
}

/// A curve of a part's wireframe (STEP curve sets and wireframe models), flattened to the same chord and
/// angle tolerance as the faces: a 3D polyline in part coordinates. Wires have no area, volume or
/// triangles; they count in the bounding box and are drawn as lines.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Wire {
    pub points: Vec<[f32; 3]>,
    pub colour: Option<Rgba>,
}

/// A part definition: the geometry, in part coordinates.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PartDef {
    pub name: String,
    pub solids: Vec<Solid>,
    pub colour: Option<Rgba>,
    /// Wireframe curves beside (or instead of) the solids.
    pub wires: Vec<Wire>,
    /// Free points of the wireframe (a point in a curve set, a vertex shell).
    pub points: Vec<[f32; 3]>,
}

impl PartDef {
    /// The box of the part's wires and points after `xform` (empty when it has none).
    pub fn wire_bbox(&self, xform: &Affine) -> BBox3 {
        let mut b = BBox3::EMPTY;
        let all = self.wires.iter().flat_map(|w| &w.points).chain(&self.points);
        for p in all {
            let q = xform.apply(Point::new(f64::from(p[0]), f64::from(p[1]), f64::from(p[2])));
            if q.is_finite() {
                b.add_point(q);
            }
        }
        b
    }

    /// Vertices of the wireframe: polyline points plus free points.
    pub fn wire_vertices(&self) -> usize {
        self.wires.iter().map(|w| w.points.len()).sum::<usize>() + self.points.len()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NodeKind {
    Assembly,
    #[default]
    Part,
}

/// A node of the product tree: an assembly or a placed part.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Node {
    pub name: String,
    pub kind: NodeKind,
    /// Node coordinates → parent coordinates.
    pub transform: Affine,
    /// Index into [`Model3d::parts`] for nodes that carry geometry.
    pub part: Option<usize>,
    /// A colour that overrides the part's for this occurrence.
    pub colour_override: Option<Rgba>,
    pub children: Vec<Node>,
}

/// Tessellation settings a B-rep reader used.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tessellation {
    pub chord_tolerance: f64,
    pub angle_tolerance_deg: f64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Model3d {
    pub units: Option<LengthUnit>,
    pub parts: Vec<PartDef>,
    pub roots: Vec<Node>,
    pub tessellation: Option<Tessellation>,
    /// STEP: the first `FILE_SCHEMA` entry as written (`AUTOMOTIVE_DESIGN { 1 0 10303 214 1 1 1 1 }`).
    pub schema: Option<String>,
    /// STEP: `FILE_NAME`'s originating system (the preprocessor when blank).
    pub originating_system: Option<String>,
}

/// Measures of a set of triangles, in the coordinates they were measured in.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct MeshMeasures {
    pub triangles: u64,
    pub area: f64,
    /// Signed divergence-theorem volume (positive for outward-oriented closed meshes).
    pub signed_volume: f64,
    /// Every edge used exactly twice, in opposite directions (exact-coordinate vertex weld).
    pub closed: bool,
    pub welded_vertices: u64,
    pub degenerate: u64,
    pub bbox: BBox3,
}

/// The key vertices are welded by: a position's exact bits, with −0 and +0 one vertex. Written per
/// coordinate rather than with `[T; 3]::map`, and always inlined: a build once left such helpers out of
/// line in the render's million-vertex weld (same 3D bench with `#[inline]` alone: edge pass ≈ 3 ms slower).
#[inline(always)]
pub fn weld_key(p: &[f32; 3]) -> [u32; 3] {
    let bits = |c: f32| if c == 0.0 { 0 } else { c.to_bits() };
    [bits(p[0]), bits(p[1]), bits(p[2])]
}

/// Measures `faces` after applying `xform` (area and volume in f64). Triangles give the count, welds,
/// closedness, degenerates and box; area and volume come from a face's exact integrals
/// ([`FaceMesh::exact`]) when it has them, else from its triangles. An exact face's volume share holds
/// under any affine map: about a point c, (1/3)∫(Ax − Ac)·(cof A n) dA = det A · (1/3)∫(x − c)·n dA. Its
/// area only under a similarity (s² times the stored one); under a shear or a non-uniform scale its
/// triangles' area counts instead.
pub fn measure_faces(faces: &[FaceMesh], xform: &Affine) -> MeshMeasures {
    let mut m = MeshMeasures { bbox: BBox3::EMPTY, ..MeshMeasures::default() };
    let det = xform.determinant();
    let area_scale = similarity_scale2(xform);
    // Exact faces leave slivers between the surface image of each straight (u, v) boundary step and the
    // neighbouring face's: a closed shell's volume is then a little origin-dependent, by the slivers' area
    // times their distance from the origin. Measured about the middle of the faces that stays a sliver's
    // share wherever the part sits; without exact faces, about the world origin as always (an open
    // mesh's signed volume then stays the one other mesh tools report).
    let centre = if faces.iter().any(|f| f.exact.is_some()) { positions_centre(faces) } else { None };
    let origin = centre.map_or(Point::ZERO, |c| xform.apply(c));
    let mut weld: HashMap<[u32; 3], u32> = HashMap::new();
    // Directed edge → count; a closed, consistently oriented mesh has each (a,b) once and (b,a) once.
    let mut edges: HashMap<(u32, u32), i32> = HashMap::new();
    for face in faces {
        let world: Vec<Point> = face
            .positions
            .iter()
            .map(|p| xform.apply(Point::new(f64::from(p[0]), f64::from(p[1]), f64::from(p[2]))))
            .collect();
        let ids: Vec<u32> = face
            .positions
            .iter()
            .map(|p| {
                let next = weld.len() as u32;
                *weld.entry(weld_key(p)).or_insert(next)
            })
            .collect();
        let (mut tri_area, mut tri_volume) = (0.0, 0.0);
        for tri in &face.indices {
            let (Some(&a), Some(&b), Some(&c)) =
                (world.get(tri[0] as usize), world.get(tri[1] as usize), world.get(tri[2] as usize))
            else {
                continue;
            };
            m.triangles += 1;
            let cross = b.minus(a).cross(c.minus(a));
            let area = 0.5 * cross.length();
            if area <= 0.0 {
                m.degenerate += 1;
            }
            tri_area += area;
            let (ra, rb, rc) = (a.minus(origin), b.minus(origin), c.minus(origin));
            tri_volume += ra.dot(rb.cross(rc)) / 6.0;
            for p in [a, b, c] {
                m.bbox.add_point(p);
            }
            let v = [ids[tri[0] as usize], ids[tri[1] as usize], ids[tri[2] as usize]];
            for (s, e) in [(v[0], v[1]), (v[1], v[2]), (v[2], v[0])] {
                *edges.entry((s, e)).or_insert(0) += 1;
            }
        }
        match face.exact.filter(|e| e.area.is_finite() && e.flux.is_finite() && e.vector_area.is_finite()) {
            Some(e) => {
                let c = centre.unwrap_or(Point::ZERO);
                m.signed_volume += det * (e.flux - c.dot(e.vector_area) / 3.0);
                m.area += area_scale.map_or(tri_area, |s2| e.area * s2);
            }
            None => {
                m.signed_volume += tri_volume;
                m.area += tri_area;
            }
        }
    }
    m.welded_vertices = weld.len() as u64;
    m.closed = m.triangles > 0 && edges.iter().all(|(&(s, e), &n)| n == 1 && edges.get(&(e, s)).copied() == Some(1));
    if det < 0.0 {
        m.signed_volume = -m.signed_volume;
    }
    m
}

/// s² when the linear part of `xform` is a similarity (s times a rotation or reflection), else `None`.
/// Placements are products of rounded unit axes, so "orthogonal" is judged to 1e-6.
fn similarity_scale2(xform: &Affine) -> Option<f64> {
    let col = |j: usize| Point::new(xform.m[0][j], xform.m[1][j], xform.m[2][j]);
    let (a, b, c) = (col(0), col(1), col(2));
    let s2 = (a.dot(a) + b.dot(b) + c.dot(c)) / 3.0;
    let near = |x: f64, target: f64| (x - target).abs() <= 1e-6 * s2;
    (s2.is_finite()
        && s2 > 0.0
        && near(a.dot(a), s2)
        && near(b.dot(b), s2)
        && near(c.dot(c), s2)
        && near(a.dot(b), 0.0)
        && near(b.dot(c), 0.0)
        && near(c.dot(a), 0.0))
    .then_some(s2)
}

/// The centre of the box of the faces' finite vertices, in their own coordinates.
fn positions_centre(faces: &[FaceMesh]) -> Option<Point> {
    let mut b = BBox3::EMPTY;
    for p in faces.iter().flat_map(|f| &f.positions) {
        let q = Point::new(f64::from(p[0]), f64::from(p[1]), f64::from(p[2]));
        if q.is_finite() {
            b.add_point(q);
        }
    }
    (!b.is_empty()).then(|| b.min.plus(b.max).scale(0.5))
}

impl Model3d {
    /// Visits every placed part with its accumulated transform (node → world), depth-first in tree order.
    pub fn for_each_instance(&self, mut f: impl FnMut(&Node, &PartDef, &Affine)) {
        fn walk(
            model: &Model3d,
            node: &Node,
            parent: &Affine,
            depth: u32,
            f: &mut dyn FnMut(&Node, &PartDef, &Affine),
        ) {
            // A product tree deeper than this is corrupt (readers reject cycles; this is the last guard).
            if depth > 256 {
                return;
            }
            let world = parent.then_after(&node.transform);
            if let Some(part) = node.part.and_then(|i| model.parts.get(i)) {
                f(node, part, &world);
            }
            for child in &node.children {
                walk(model, child, &world, depth + 1, f);
            }
        }
        for root in &self.roots {
            walk(self, root, &Affine::IDENTITY, 0, &mut f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit_cube() -> FaceMesh {
        FaceMesh::cuboid([1.0; 3])
    }

    #[test]
    fn unit_cube_measures() {
        let m = measure_faces(&[unit_cube()], &Affine::IDENTITY);
        assert_eq!(m.triangles, 12);
        assert!((m.area - 6.0).abs() < 1e-12);
        assert!((m.signed_volume - 1.0).abs() < 1e-12);
        assert!(m.closed);
        assert_eq!(m.welded_vertices, 8);
    }

    #[test]
    fn scaled_and_mirrored_cube_keeps_positive_volume() {
        let t = Affine::scaling(-2.0, 2.0, 2.0);
        let m = measure_faces(&[unit_cube()], &t);
        assert!((m.area - 24.0).abs() < 1e-12);
        assert!((m.signed_volume - 8.0).abs() < 1e-12);
    }

    #[test]
    fn open_box_is_not_closed() {
        let mut cube = unit_cube();
        cube.indices.truncate(10);
        assert!(!measure_faces(&[cube], &Affine::IDENTITY).closed);
    }
}
