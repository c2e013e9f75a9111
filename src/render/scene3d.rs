//! A 3D model → what the z-buffer rasteriser draws ([`Scene3d`]): every placed part's faces with their
//! vertices in sample space (the supersampled image, y down, depth into the screen, all in sample units),
//! their colour, optional vertex normals in view coordinates, and their feature edges. The camera is fitted
//! to the projected extent of all vertices with a margin, so every finite vertex lands inside the image.
//!
//! Instances share their part's mesh: the indices are borrowed from the model, only the transformed
//! vertices are per instance. Non-finite vertices stay in place as NaN and the rasteriser skips their
//! triangles. A part's wires and points (STEP wireframe) are polylines in sample space ([`WireLine`]),
//! fitted with the faces, so a wireframe-only model has a picture too.

use std::collections::HashMap;
use std::sync::Arc;

use super::camera::Basis;
use super::edges::{FaceEdges, feature_edges};
use super::raster3d::{EarlyBins, bin_early};
use super::{Background, RenderOptions, shade};
use crate::model::geom::Affine;
use crate::model::{FaceMesh, Model3d, PartDef};

/// Fraction of the image left free on each side.
const MARGIN: f64 = 0.05;
/// Transformed vertices over all instances at most (bounded memory on huge assemblies: ≈ 400 MB with
/// normals); instances past it are left out and the scene says so.
const MAX_VERTICES: usize = 1 << 25;
/// Supersampled images hold at most this many samples (each 8 bytes); larger pictures use fewer samples
/// per pixel.
const MAX_SAMPLES: u64 = 1 << 25;

/// One face mesh of one instance, ready to rasterise.
#[derive(Debug)]
pub struct Batch<'a> {
    /// `[x, y, depth]` in samples; NaN where the source vertex was not finite.
    pub verts: Vec<[f32; 3]>,
    pub indices: &'a [[u32; 3]],
    /// Unit vertex normals in view coordinates, when the mesh has normals that are not simply per face.
    pub normals: Option<Vec<[f32; 3]>>,
    pub colour: [f32; 3],
    /// The instance mirrors (negative determinant): the winding, and so the geometric normal, flips.
    pub mirrored: bool,
    /// The feature edges of the part's solid (shared by its instances) and which face this batch is.
    pub edges: Option<(Arc<FaceEdges>, usize)>,
    /// Back faces cannot show (the solid is closed and outward oriented): the rasteriser skips them.
    pub cull_back: bool,
}

impl Batch<'_> {
    /// Feature edges as vertex index pairs into `verts`.
    pub fn edges(&self) -> &[[u32; 2]] {
        self.edges.as_ref().and_then(|(all, face)| all.faces.get(*face)).map_or(&[], Vec::as_slice)
    }
}

/// One wire (a polyline) or free point (one vertex) of one instance, in samples like [`Batch::verts`].
#[derive(Debug)]
pub struct WireLine {
    pub verts: Vec<[f32; 3]>,
    pub colour: [f32; 3],
}

/// What the rasteriser needs.
#[derive(Debug)]
pub struct Scene3d<'a> {
    pub width: u32,
    pub height: u32,
    /// Samples per pixel along each side (2 → 2×2 supersampling).
    pub ss: u32,
    pub background: Background,
    pub batches: Vec<Batch<'a>>,
    /// Wires and free points of every instance, drawn as lines over the faces with the depth test.
    pub wires: Vec<WireLine>,
    /// Instances were left out to stay within [`MAX_VERTICES`].
    pub truncated: bool,
    /// The triangles already set up and binned for the rasteriser, on large meshes, while the feature
    /// edges were being found (see [`build_scene3d`]). Made from `batches` as built: whoever changes
    /// their vertices or indices afterwards must set this to `None`.
    pub early: Option<EarlyBins>,
}

impl Scene3d<'_> {
    pub fn triangle_count(&self) -> usize {
        self.batches.iter().map(|b| b.indices.len()).sum()
    }
}

/// An instance's face mesh with the world → view transform that places it.
struct Placed<'a> {
    face: &'a FaceMesh,
    /// Part → view coordinates (x right, y up, z into the screen).
    view: Affine,
    colour: [f32; 3],
    mirrored: bool,
    /// Which solid of [`Placement::solids`] this face belongs to, and which face of it it is (with
    /// feature edges on).
    edges: Option<(usize, usize)>,
}

/// What [`place`] found: every instance's faces, its wires, the solids whose feature edges are needed
/// (each once, shared by the instances of its part), and whether instances were left out.
struct Placement<'a> {
    placed: Vec<Placed<'a>>,
    wired: Vec<PlacedWires<'a>>,
    solids: Vec<&'a [FaceMesh]>,
    truncated: bool,
}

/// Solids with at least this many triangles in all get their feature edges on a thread of their own,
/// beside the vertex transforms (below it, starting a thread costs more than the overlap saves).
const EDGES_BESIDE_FROM: usize = 1 << 16;

/// An instance's wires and points with the part → view transform and the instance's colour override.
struct PlacedWires<'a> {
    part: &'a PartDef,
    view: Affine,
    instance_colour: Option<crate::model::Rgba>,
}

/// Builds the scene of `model`; `None` when it has no finite vertex to show (an empty model).
pub fn build_scene3d<'a>(model: &'a Model3d, opts: &RenderOptions) -> Option<Scene3d<'a>> {
    build(model, opts, |triangles| triangles >= EDGES_BESIDE_FROM)
}

/// [`build_scene3d`], with `beside` deciding from the solids' triangle count whether their feature
/// edges are found on a second thread while this one transforms and bins the triangles.
fn build<'a>(model: &'a Model3d, opts: &RenderOptions, beside: impl Fn(usize) -> bool) -> Option<Scene3d<'a>> {
    let basis = opts.view.basis();
    let Placement { placed, wired, solids, truncated } = place(model, &basis, opts.edges);
    let all_edges = || solids.iter().map(|faces| Arc::new(feature_edges(faces))).collect::<Vec<_>>();
    // The feature edges need only the model, the vertex transforms only the placement: on large meshes
    // the edges run on a second thread while this one fits and transforms (the edge pass is the longer),
    // and then sets up and bins the triangles for the rasteriser, so that painting can start as soon as
    // the edges say which solids are closed (their back faces are binned apart until then).
    let triangles: usize = solids.iter().flat_map(|faces| faces.iter()).map(|f| f.indices.len()).sum();
    let (edge_sets, fitted, early) = std::thread::scope(|scope| {
        let helper = beside(triangles).then(|| scope.spawn(all_edges));
        let fitted = fit_and_transform(&placed, &wired, opts);
        let early = match (&helper, &fitted) {
            (Some(_), Some((ss, batches, _))) => {
                let undecided: Vec<bool> = placed.iter().map(|p| p.edges.is_some()).collect();
                Some(bin_early(batches, &undecided, opts.width, opts.height, *ss))
            }
            _ => None,
        };
        let edge_sets = match helper {
            Some(helper) => helper.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
            None => all_edges(),
        };
        (edge_sets, fitted, early)
    });
    let (ss, mut batches, wires) = fitted?;
    for (b, p) in batches.iter_mut().zip(&placed) {
        if let Some((edges, face)) = p.edges.and_then(|(k, face)| Some((edge_sets.get(k)?, face))) {
            b.cull_back = edges.closed;
            b.edges = Some((Arc::clone(edges), face));
        }
    }
    Some(Scene3d {
        width: opts.width,
        height: opts.height,
        ss,
        background: opts.background,
        batches,
        wires,
        truncated,
        early,
    })
}

/// Fits the view to every finite vertex and maps the faces (without feature edges yet) and wires into
/// samples; `None` when there is no finite vertex.
fn fit_and_transform<'a>(
    placed: &[Placed<'a>],
    wired: &[PlacedWires],
    opts: &RenderOptions,
) -> Option<(u32, Vec<Batch<'a>>, Vec<WireLine>)> {
    let bounds = view_bounds(placed, wired)?;
    let ss = samples_per_pixel(opts.width, opts.height);
    let map = SampleMap::fit(&bounds, opts.width * ss, opts.height * ss);
    let batches = placed.iter().map(|p| batch(p, &map)).collect();
    let wires = wired.iter().flat_map(|w| wire_lines(w, &map)).collect();
    Some((ss, batches, wires))
}

/// An instance's wires, then each free point as a one-vertex line, in samples.
fn wire_lines(w: &PlacedWires, map: &SampleMap) -> Vec<WireLine> {
    let part_colour = w.instance_colour.or(w.part.colour);
    let mut out: Vec<WireLine> = w
        .part
        .wires
        .iter()
        .map(|wire| WireLine {
            verts: wire.points.iter().map(|v| map.map(apply(&w.view, v))).collect(),
            colour: shade::wire_colour(w.instance_colour.or(wire.colour), part_colour),
        })
        .collect();
    let colour = shade::wire_colour(None, part_colour);
    out.extend(w.part.points.iter().map(|v| WireLine { verts: vec![map.map(apply(&w.view, v))], colour }));
    out
}

/// 2×2 supersampling (formats.md §9), 1×1 when that would exceed [`MAX_SAMPLES`].
fn samples_per_pixel(width: u32, height: u32) -> u32 {
    if u64::from(width) * u64::from(height) * 4 <= MAX_SAMPLES { 2 } else { 1 }
}

/// Every instance's faces in tree order, with colours and (shared per part) feature edges, and its
/// wireframe.
fn place<'a>(model: &'a Model3d, basis: &Basis, with_edges: bool) -> Placement<'a> {
    let view = view_affine(basis);
    let mut solid_index: HashMap<(usize, usize), usize> = HashMap::new();
    let mut solids: Vec<&'a [FaceMesh]> = Vec::new();
    let mut placed = Vec::new();
    let mut wired = Vec::new();
    let (mut vertices, mut truncated) = (0usize, false);
    model.for_each_instance(|node, _, world| {
        // The part again through the model, so that the borrowed meshes live as long as the model.
        let Some((part_index, part)) = node.part.and_then(|i| Some((i, model.parts.get(i)?))) else { return };
        let size: usize =
            part.solids.iter().flat_map(|s| &s.faces).map(|f| f.positions.len()).sum::<usize>() + part.wire_vertices();
        if vertices + size > MAX_VERTICES {
            truncated = true;
            return;
        }
        vertices += size;
        let to_view = view.then_after(world);
        let mirrored = world.determinant() < 0.0;
        if part.wire_vertices() > 0 {
            wired.push(PlacedWires { part, view: to_view, instance_colour: node.colour_override });
        }
        for (si, solid) in part.solids.iter().enumerate() {
            let edges = with_edges.then(|| {
                *solid_index.entry((part_index, si)).or_insert_with(|| {
                    solids.push(&solid.faces);
                    solids.len() - 1
                })
            });
            for (fi, face) in solid.faces.iter().enumerate() {
                let colour = shade::base_colour(node.colour_override, face.colour, solid.colour, part.colour);
                let edges = edges.map(|k| (k, fi));
                placed.push(Placed { face, view: to_view, colour, mirrored, edges });
            }
        }
    });
    Placement { placed, wired, solids, truncated }
}

/// World → view coordinates: the rows are the basis vectors.
fn view_affine(b: &Basis) -> Affine {
    let row = |v: crate::model::geom::Point| [v.x, v.y, v.z, 0.0];
    Affine { m: [row(b.right), row(b.up), row(b.forward)] }
}

/// Min and max of the view coordinates of every finite vertex.
#[derive(Debug, Clone, Copy)]
struct Bounds {
    min: [f64; 3],
    max: [f64; 3],
}

fn view_bounds(placed: &[Placed], wired: &[PlacedWires]) -> Option<Bounds> {
    let mut b = Bounds { min: [f64::INFINITY; 3], max: [f64::NEG_INFINITY; 3] };
    let faces = placed.iter().flat_map(|p| p.face.positions.iter().map(move |v| (&p.view, v)));
    let wires = wired
        .iter()
        .flat_map(|w| w.part.wires.iter().flat_map(|l| &l.points).chain(&w.part.points).map(move |v| (&w.view, v)));
    for (view, v) in faces.chain(wires) {
        let q = apply(view, v);
        if q.iter().all(|c| c.is_finite()) {
            for (k, c) in q.into_iter().enumerate() {
                b.min[k] = b.min[k].min(c);
                b.max[k] = b.max[k].max(c);
            }
        }
    }
    (b.min[0] <= b.max[0]).then_some(b)
}

fn apply(a: &Affine, p: &[f32; 3]) -> [f64; 3] {
    let (x, y, z) = (f64::from(p[0]), f64::from(p[1]), f64::from(p[2]));
    a.m.map(|r| r[0] * x + r[1] * y + r[2] * z + r[3])
}

/// View coordinates → samples: one uniform scale (so depth is in sample units too and normals computed in
/// sample space are true), y flipped, the extent's centre in the image's centre.
#[derive(Debug, Clone, Copy)]
struct SampleMap {
    scale: f64,
    centre: [f64; 3],
    offset: [f64; 2],
}

impl SampleMap {
    fn fit(b: &Bounds, width: u32, height: u32) -> SampleMap {
        let (w, h) = (f64::from(width), f64::from(height));
        let ext = [b.max[0] - b.min[0], b.max[1] - b.min[1]];
        let fits = [w * (1.0 - 2.0 * MARGIN) / ext[0], h * (1.0 - 2.0 * MARGIN) / ext[1]];
        // A zero extent (a point, a line seen end-on) fits any scale; only the other side decides.
        let scale = fits.into_iter().filter(|s| s.is_finite() && *s > 0.0).fold(f64::INFINITY, f64::min);
        let scale = if scale.is_finite() { scale } else { 1.0 };
        let centre = [0, 1, 2].map(|k| 0.5 * (b.min[k] + b.max[k]));
        SampleMap { scale, centre, offset: [w / 2.0, h / 2.0] }
    }

    fn map(&self, q: [f64; 3]) -> [f32; 3] {
        let s = self.scale;
        let p = [
            (q[0] - self.centre[0]) * s + self.offset[0],
            (self.centre[1] - q[1]) * s + self.offset[1],
            (q[2] - self.centre[2]) * s,
        ];
        if p.iter().all(|c| c.is_finite() && c.abs() < 1e30) { p.map(|c| c as f32) } else { [f32::NAN; 3] }
    }
}

/// A placed face in samples; its feature edges (and so whether its back faces may be culled) are added
/// by [`build_scene3d`] once they are known.
fn batch<'a>(p: &Placed<'a>, map: &SampleMap) -> Batch<'a> {
    let verts = p.face.positions.iter().map(|v| map.map(apply(&p.view, v))).collect();
    let normals = smooth_normals(p.face).then(|| view_normals(p.face, &p.view));
    Batch {
        verts,
        indices: &p.face.indices,
        normals,
        colour: p.colour,
        mirrored: p.mirrored,
        edges: None,
        cull_back: false,
    }
}

/// Whether the mesh's vertex normals say more than its face normals: present, and differing at the
/// corners of some triangle (STL's per-facet normals repeated on three vertices do not).
fn smooth_normals(face: &FaceMesh) -> bool {
    face.normals.len() == face.positions.len()
        && face.indices.iter().any(|t| {
            let n = |i: u32| face.normals.get(i as usize);
            n(t[0]) != n(t[1]) || n(t[0]) != n(t[2])
        })
}

/// Vertex normals through the inverse transpose of the part → view map, as unit vectors; zero when a
/// normal is not usable.
fn view_normals(face: &FaceMesh, view: &Affine) -> Vec<[f32; 3]> {
    let m = &view.m;
    let c = |r: usize, s: usize| {
        let (r1, r2, s1, s2) = ((r + 1) % 3, (r + 2) % 3, (s + 1) % 3, (s + 2) % 3);
        m[r1][s1] * m[r2][s2] - m[r1][s2] * m[r2][s1]
    };
    // The cofactor matrix is det · inverse-transpose: the right direction up to scale and sign; the sign of
    // the determinant puts a mirrored normal back on its side.
    let cof = [[c(0, 0), c(0, 1), c(0, 2)], [c(1, 0), c(1, 1), c(1, 2)], [c(2, 0), c(2, 1), c(2, 2)]];
    let sign = if view.determinant() < 0.0 { -1.0 } else { 1.0 };
    face.normals
        .iter()
        .map(|n| {
            let n = n.map(f64::from);
            let v = cof.map(|r| sign * (r[0] * n[0] + r[1] * n[1] + r[2] * n[2]));
            let len = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
            if len > 0.0 && len.is_finite() { v.map(|x| (x / len) as f32) } else { [0.0; 3] }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Node, PartDef, Solid};
    use crate::render::camera::View;

    fn model(face: FaceMesh) -> Model3d {
        Model3d {
            parts: vec![PartDef {
                solids: vec![Solid { faces: vec![face], ..Solid::default() }],
                ..PartDef::default()
            }],
            roots: vec![Node { part: Some(0), ..Node::default() }],
            ..Model3d::default()
        }
    }

    #[test]
    fn the_top_view_fits_a_2_by_1_box_with_the_margin() {
        let face = FaceMesh {
            positions: vec![[0.0, 0.0, 0.0], [2.0, 0.0, 0.0], [2.0, 1.0, 0.0], [f32::NAN, 0.0, 0.0]],
            indices: vec![[0, 1, 2], [0, 2, 3]],
            ..FaceMesh::default()
        };
        let m = model(face);
        let opts = RenderOptions { width: 100, height: 100, view: View::Top, ..RenderOptions::default() };
        let scene = build_scene3d(&m, &opts).expect("a scene");
        assert_eq!(scene.ss, 2);
        let v = &scene.batches[0].verts;
        // 200 samples wide, 90 % of it for 2 units: 90 samples per unit, centred; +Y is up (smaller y).
        assert_eq!((v[0][0], v[0][1]), (10.0, 145.0));
        assert_eq!((v[2][0], v[2][1]), (190.0, 55.0));
        assert!(v[0][2].abs() < 1e-6);
        assert!(v[3][0].is_nan());
    }

    #[test]
    fn an_empty_or_all_nan_model_has_no_scene() {
        let opts = RenderOptions::default();
        assert!(build_scene3d(&Model3d::default(), &opts).is_none());
        let nan = FaceMesh { positions: vec![[f32::NAN; 3]; 3], indices: vec![[0, 1, 2]], ..FaceMesh::default() };
        assert!(build_scene3d(&model(nan), &opts).is_none());
    }

    #[test]
    fn per_facet_normals_are_not_smooth() {
        let mut face = FaceMesh {
            positions: vec![[0.0; 3], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]],
            normals: vec![[0.0, 0.0, 1.0]; 3],
            indices: vec![[0, 1, 2]],
            ..FaceMesh::default()
        };
        assert!(!smooth_normals(&face));
        face.normals[2] = [0.0, 0.6, 0.8];
        assert!(smooth_normals(&face));
        // A mirror in X keeps a +Z normal on +Z: seen from the top it faces the eye (−z in view).
        let top = view_affine(&View::Top.basis()).then_after(&Affine::scaling(-1.0, 1.0, 1.0));
        let n = view_normals(&face, &top);
        assert!((n[0][2] + 1.0).abs() < 1e-6, "{n:?}");
    }

    #[test]
    fn feature_edges_found_beside_the_transforms_are_the_solid_s_and_shared_by_its_instances() {
        // 5462 disjoint unit cubes with unshared vertices in one face: 65 544 triangles, past
        // EDGES_BESIDE_FROM, so the edges come from the second thread; each cube is closed and outward.
        let cube = FaceMesh::cuboid([1.0; 3]).unshared();
        let mut face = FaceMesh::default();
        for k in 0..5462u32 {
            let base = face.positions.len() as u32;
            let offset = [(k % 100) as f32 * 2.0, (k / 100) as f32 * 2.0, 0.0];
            face.positions.extend(cube.positions.iter().map(|p| [p[0] + offset[0], p[1] + offset[1], p[2]]));
            face.indices.extend(cube.indices.iter().map(|t| t.map(|i| i + base)));
        }
        assert!(face.indices.len() >= EDGES_BESIDE_FROM);
        let mut m = model(face.clone());
        m.roots.push(Node { part: Some(0), ..Node::default() });
        let scene = build_scene3d(&m, &RenderOptions::default()).expect("a scene");
        let expected = feature_edges(std::slice::from_ref(&face));
        assert_eq!(scene.batches.len(), 2);
        for b in &scene.batches {
            assert_eq!(b.edges(), expected.faces[0].as_slice());
            assert_eq!(b.edges().len(), 12 * 5462);
            assert!(b.cull_back);
        }
        let shared = |b: &Batch| b.edges.as_ref().map(|(e, _)| Arc::clone(e));
        let (a, b) = (shared(&scene.batches[0]), shared(&scene.batches[1]));
        assert!(a.zip(b).is_some_and(|(a, b)| Arc::ptr_eq(&a, &b)));
        // A small solid takes the same result on this thread; without edges nothing is culled.
        let (small_model, bare_model) = (model(cube.clone()), model(cube));
        let small = build_scene3d(&small_model, &RenderOptions::default()).expect("a scene");
        assert_eq!(small.batches[0].edges().len(), 12);
        assert!(small.batches[0].cull_back);
        let opts = RenderOptions { edges: false, ..RenderOptions::default() };
        let bare = build_scene3d(&bare_model, &opts).expect("a scene");
        assert!(bare.batches[0].edges().is_empty() && !bare.batches[0].cull_back);
    }

    /// The picture of `m` with the triangles binned while the edges are found (forced even on a small
    /// model), with those bins dropped (binned by the rasteriser, culling known) and built without a
    /// second thread at all; asserts the three are the same pixels and returns them.
    fn early_and_late(m: &Model3d, opts: &RenderOptions) -> Vec<u8> {
        let mut early = build(m, opts, |_| true).expect("a scene");
        assert!(early.early.is_some());
        let a = super::super::raster3d::to_pixmap(&early).expect("renders");
        early.early = None;
        let b = super::super::raster3d::to_pixmap(&early).expect("renders");
        let plain = build(m, opts, |_| false).expect("a scene");
        assert!(plain.early.is_none());
        let c = super::super::raster3d::to_pixmap(&plain).expect("renders");
        assert!(a.data() == b.data(), "early bins differ from late binning");
        assert!(a.data() == c.data(), "early bins differ from binning without the second thread");
        a.data().to_vec()
    }

    #[test]
    fn binning_before_the_edges_are_known_paints_the_same_picture() {
        use crate::model::geom::Point;
        // A closed cube twice (once mirrored), an open box (its inside shows) and a cube with smooth
        // vertex normals, side by side, iso and from below, on two sizes (the second with bands of
        // unequal height).
        let cube = FaceMesh::cuboid([1.0; 3]);
        let mut open = cube.clone();
        open.indices.truncate(10);
        let mut smooth = cube.clone();
        smooth.normals = smooth.positions.iter().map(|p| p.map(|c| c - 0.5)).collect();
        let part = |face: FaceMesh| PartDef {
            solids: vec![Solid { faces: vec![face], ..Solid::default() }],
            ..PartDef::default()
        };
        let at = |part: usize, x: f64, mirror: bool| {
            let shift = Affine::translation(Point { x, y: 0.0, z: 0.0 });
            let transform = if mirror { shift.then_after(&Affine::scaling(-1.0, 1.0, 1.0)) } else { shift };
            Node { part: Some(part), transform, ..Node::default() }
        };
        let m = Model3d {
            parts: vec![part(cube), part(open), part(smooth)],
            roots: vec![at(0, 0.0, false), at(0, 3.0, true), at(1, 4.0, false), at(2, 6.0, false)],
            ..Model3d::default()
        };
        for (view, width, height, least) in [(View::Iso, 96, 64, 900), (View::Bottom, 61, 47, 300)] {
            let opts = RenderOptions { width, height, view, ..RenderOptions::default() };
            let picture = early_and_late(&m, &opts);
            // The four parts are drawn (from below, four squares of about 8 × 8 pixels).
            let ink = picture.chunks_exact(4).filter(|px| px != &[255, 255, 255, 255]).count();
            assert!(ink > least, "{view:?}: {ink} pixels");
        }
    }

    #[test]
    fn a_back_face_listed_apart_is_painted_in_its_mesh_order() {
        // Two coincident triangles of one open mesh, seen from the top: the back face first, then the
        // front face. Equal depth: the first painted stays, so the darker back face must show, as it
        // does when both are binned in mesh order.
        let face = |indices: Vec<[u32; 3]>| FaceMesh {
            positions: vec![[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]],
            indices,
            ..FaceMesh::default()
        };
        let opts = RenderOptions { width: 40, height: 40, view: View::Top, edges: true, ..RenderOptions::default() };
        let centre = |picture: &[u8]| {
            let at = (16 * 40 + 14) * 4;
            picture[at..at + 4].to_vec()
        };
        let back = centre(&early_and_late(&model(face(vec![[0, 2, 1]])), &opts));
        let front = centre(&early_and_late(&model(face(vec![[0, 1, 2]])), &opts));
        assert_ne!(back, front);
        assert_eq!(centre(&early_and_late(&model(face(vec![[0, 2, 1], [0, 1, 2]])), &opts)), back);
        assert_eq!(centre(&early_and_late(&model(face(vec![[0, 1, 2], [0, 2, 1]])), &opts)), front);
    }
}
