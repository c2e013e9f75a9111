//! Format-neutral B-rep geometry and tessellation: the curves and surfaces a boundary representation is
//! made of, and the two operations a B-rep reader needs to turn faces into triangles.
//!
//! A reader (STEP today) maps its entities onto [`Curve`], [`Surface`] and [`Frame`], then:
//!
//! 1. discretises every edge **once** with [`discretise_edge`] (points from the edge's start vertex to its
//!    end vertex, both given exactly as the reader knows them, so every face that shares the edge reuses
//!    the very same points and the assembled mesh is watertight);
//! 2. builds each face's bounds as [`FaceLoop`]s (the edges' points concatenated in the bound's traversal
//!    order, reversed for edges used against their sense, junction points once, last ≠ first) and calls
//!    [`mesh_face`], which returns a [`FaceMesh`] whose boundary vertices are exactly the loop points.
//!
//! `mesh_face` maps the loop points into the surface's (u, v) parameter space (analytic inverses for the
//! elementary surfaces, bounded Gauss–Newton point inversion for the others), unwraps periodic parameters
//! continuously along each loop (a seam edge used twice then opens the face into one polygon), closes
//! loops that wind once around a periodic direction (two circles of a band without seam, a cap at a pole),
//! triangulates the polygon with holes in a (u, v) space scaled to approximate lengths (ear clipping with
//! hole bridging), makes it Delaunay by edge flips and refines it by splitting interior edges until the
//! chord error and normal deviation are within [`Tolerance`]. Triangles wind along the face's outward
//! normal: the surface normal (∂S/∂u × ∂S/∂v), reversed when `same_sense` is false.
//!
//! Bad data never panics: non-finite numbers, zero radii, inconsistent knot vectors, loops that cannot be
//! mapped or triangulated give a [`TessError`]; all work is bounded (segments per edge, boundary points
//! and triangles per face, Newton iterations, refinement passes).

mod boundary;
mod curve;
mod domain;
mod frame;
mod fxhash;
mod nurbs;
mod refine;
mod surface;
mod triangulate;

#[cfg(test)]
mod tests;

pub use boundary::{chord_samples, refine_edge_on_surface};
pub use curve::Curve;
pub use frame::Frame;
pub use nurbs::{NurbsCurve, NurbsSurface, expand_knots};
pub use surface::Surface;

use crate::model::geom::Point;
use crate::model::mesh::{FaceIntegrals, FaceMesh};

/// Vectors use the same type as points.
pub type Vec3 = Point;

/// Most points one edge may be cut into; asking for more is an error, not a silent clamp, because it means
/// the tolerance or the geometry is absurd for the part.
pub const MAX_EDGE_POINTS: usize = 100_000;
/// Most boundary points one face may have (ear clipping is quadratic in them).
pub const MAX_FACE_BOUNDARY_POINTS: usize = 200_000;
/// Refinement stops adding points at this many triangles per face (the mesh is then coarser than asked).
pub const MAX_FACE_TRIANGLES: usize = 50_000;

/// How fine a tessellation must be.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tolerance {
    /// Largest distance between a triangle (or edge chord) and the exact geometry, in model units.
    pub chord: f64,
    /// Largest angle (radians) between the normals at a triangle's corners, and the turn of a curve per chord.
    pub angle: f64,
}

impl Tolerance {
    /// The oracle's setting: chord 0.1 % of the model's bounding-box diagonal, angle 0.5 rad.
    pub fn for_diagonal(diagonal: f64) -> Tolerance {
        Tolerance { chord: diagonal * 1e-3, angle: 0.5 }
    }

    fn check(&self) -> Result<(), TessError> {
        if self.chord.is_finite() && self.chord > 0.0 && self.angle.is_finite() && self.angle > 0.0 {
            Ok(())
        } else {
            Err(TessError::BadTolerance { chord: self.chord, angle: self.angle })
        }
    }
}

/// Why an edge or a face could not be tessellated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TessError {
    #[error("tolerance must be finite and positive (chord {chord}, angle {angle})")]
    BadTolerance { chord: f64, angle: f64 },
    #[error("invalid geometry: {0}")]
    InvalidGeometry(&'static str),
    #[error("non-finite coordinate in {0}")]
    NonFinite(&'static str),
    #[error("face loop {0} has fewer than 3 distinct points")]
    EmptyLoop(usize),
    #[error("face has no bounds and its surface is not closed")]
    NoBounds,
    #[error("edge would need {requested} points (at most {cap})")]
    TooManyPoints { requested: f64, cap: usize },
    #[error("boundary point {index} of loop {loop_index} is not on the surface (distance {distance})")]
    NotOnSurface { loop_index: usize, index: usize, distance: f64 },
    #[error("face bounds cannot be laid out in the surface's parameter space: {0}")]
    BadLoops(&'static str),
    #[error("triangulation failed: {0}")]
    Triangulation(&'static str),
}

/// One bound of a face: a closed polyline in the bound's traversal order, last point ≠ first.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FaceLoop {
    pub points: Vec<Point>,
    /// Empty, or per chord `points[i] → points[i + 1]` (the last one closing the loop) three points of the
    /// exact boundary curve inside it, in the loop's direction (see [`EdgePoints::inner`]). With them the
    /// face's exact integrals cover the face up to its true edges, not up to the surface image of straight
    /// (u, v) steps between the edge points.
    pub inner: Vec<[Point; 3]>,
}

impl FaceLoop {
    /// A bound known only by its points (no exact boundary curve).
    pub fn from_points(points: Vec<Point>) -> FaceLoop {
        FaceLoop { points, inner: Vec::new() }
    }

    /// Appends an edge of the bound, along its direction or against it, all but its last point (the next
    /// edge's first, or the loop's first for the closing edge), with its chords' curves.
    pub fn push_edge(&mut self, edge: &EdgePoints, along: bool) {
        let n = edge.points.len().saturating_sub(1);
        if along {
            self.points.extend(edge.points.iter().take(n));
            self.inner.extend(edge.inner.iter().take(n));
        } else {
            self.points.extend(edge.points.iter().rev().take(n));
            self.inner.extend(edge.inner.iter().rev().take(n).map(|&[a, b, c]| [c, b, a]));
        }
    }

    /// The same bound traversed the other way.
    pub fn reverse(&mut self) {
        self.points.reverse();
        // Chord i now joins old points k−1−i and k−2−i: the old chord k−2−i backwards, the closing chord
        // (old k−1, from the last point to the first) staying last.
        if self.inner.len() == self.points.len() && !self.inner.is_empty() {
            self.inner.reverse();
            self.inner.rotate_left(1);
            for c in &mut self.inner {
                c.reverse();
            }
        } else {
            self.inner.clear();
        }
    }
}

/// An edge cut into chords, with the exact curve inside each chord.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EdgePoints {
    /// From the start vertex to the end vertex, as [`discretise_edge`] returns them.
    pub points: Vec<Point>,
    /// Per chord `points[i] → points[i + 1]`, the curve's points at a quarter, half and three quarters of
    /// the chord's curve parameter span (on the chord where the chord is the curve).
    pub inner: Vec<[Point; 3]>,
}

/// Discretises one edge lying on `curve`, from `start` to `end` (both returned unchanged, first and last).
///
/// With `same_sense` the edge runs along the curve's parameter direction, otherwise against it. For a
/// closed curve `start == end` means the whole curve. Interior points keep the chord error below
/// `tol.chord` and the turn per chord below `tol.angle`.
pub fn discretise_edge(
    curve: &Curve,
    start: Point,
    end: Point,
    same_sense: bool,
    tol: &Tolerance,
) -> Result<Vec<Point>, TessError> {
    tol.check()?;
    if !start.is_finite() || !end.is_finite() {
        return Err(TessError::NonFinite("edge vertex"));
    }
    curve.validate()?;
    curve::discretise(curve, start, end, same_sense, tol).map(|c| c.points)
}

/// [`discretise_edge`] with the exact curve inside each chord ([`EdgePoints::inner`]), for face bounds:
/// [`mesh_face`] integrates a face up to its true edges with them.
pub fn discretise_edge_sampled(
    curve: &Curve,
    start: Point,
    end: Point,
    same_sense: bool,
    tol: &Tolerance,
) -> Result<EdgePoints, TessError> {
    tol.check()?;
    if !start.is_finite() || !end.is_finite() {
        return Err(TessError::NonFinite("edge vertex"));
    }
    curve.validate()?;
    let chords = curve::discretise(curve, start, end, same_sense, tol)?;
    let inner = chords.inner_points(curve);
    Ok(EdgePoints { points: chords.points, inner })
}

/// Meshes one face: `surface` trimmed by `loops` (outer and inner bounds in any order; an empty slice means
/// the whole surface, for closed surfaces such as a full sphere or torus).
///
/// The output's boundary vertices are the loop points converted to f32 unchanged, so neighbouring faces
/// meshed from the same edge points weld exactly.
pub fn mesh_face(
    surface: &Surface,
    same_sense: bool,
    loops: &[FaceLoop],
    tol: &Tolerance,
) -> Result<FaceMesh, TessError> {
    tol.check()?;
    surface.validate()?;
    let total: usize = loops.iter().map(|l| l.points.len()).sum();
    if total > MAX_FACE_BOUNDARY_POINTS {
        return Err(TessError::TooManyPoints { requested: total as f64, cap: MAX_FACE_BOUNDARY_POINTS });
    }
    let dom = domain::build(surface, loops, tol, same_sense)?;
    let tris = triangulate::triangulate(&dom.scaled_all(), &dom.polys)?;
    let mut mesh = refine::Refiner::new(surface, dom, tris, tol);
    mesh.delaunay();
    mesh.refine();
    let exact = mesh.integrals(same_sense);
    let mut face = mesh.into_face_mesh(same_sense);
    face.exact = exact.filter(|e| agrees_with_triangles(e, &face));
    Ok(face)
}

/// How far a face's exact area may be from its triangles' before the triangles are trusted instead.
/// A mesh within the chord and 0.5 rad angle tolerances is within about 1 % of its surface; a (u, v)
/// layout that covers part of the domain twice, or misses some, is not. Over the corpus 2 % kept more
/// files' volume close to OpenCASCADE's than 25 % did (Ventilator.stp: 4.9e-4 against 2.9e-3) with the
/// same area agreement: the faces between the two are small chord-only B-spline faces.
const EXACT_AGREEMENT: f64 = 0.02;

/// Whether exact integrals describe the same face as its triangles (see [`EXACT_AGREEMENT`]); when not,
/// the triangles (what is drawn) are the measure.
fn agrees_with_triangles(exact: &FaceIntegrals, face: &FaceMesh) -> bool {
    let at =
        |i: u32| face.positions.get(i as usize).map(|p| Point::new(f64::from(p[0]), f64::from(p[1]), f64::from(p[2])));
    let mut area = 0.0;
    for t in &face.indices {
        if let (Some(a), Some(b), Some(c)) = (at(t[0]), at(t[1]), at(t[2])) {
            area += 0.5 * b.minus(a).cross(c.minus(a)).length();
        }
    }
    exact.area > 0.0 && (exact.area - area).abs() <= EXACT_AGREEMENT * area
}
