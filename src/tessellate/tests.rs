//! Tessellation tests: exact areas and volumes where the mesh can be exact, tolerance bounds where it
//! cannot, watertightness by exact welding, and typed errors for degenerate input.

use std::f64::consts::{FRAC_1_SQRT_2, PI, TAU};

use super::*;
use crate::model::geom::{Affine, Point};
use crate::model::mesh::{FaceMesh, measure_faces};

fn p(x: f64, y: f64, z: f64) -> Point {
    Point::new(x, y, z)
}

fn frame(origin: Point, z: Point, x: Point) -> Frame {
    Frame::new(origin, z, Some(x)).expect("a valid frame")
}

fn tol(diag: f64) -> Tolerance {
    Tolerance::for_diagonal(diag)
}

/// Joins edge point lists into one face loop (junction points once, closing point dropped).
fn join(edges: &[Vec<Point>]) -> FaceLoop {
    let mut points: Vec<Point> = Vec::new();
    for e in edges {
        for &q in e {
            if points.last() != Some(&q) {
                points.push(q);
            }
        }
    }
    if points.len() > 1 && points.first() == points.last() {
        points.pop();
    }
    FaceLoop::from_points(points)
}

fn rev(v: &[Point]) -> Vec<Point> {
    v.iter().rev().copied().collect()
}

fn area(face: &FaceMesh) -> f64 {
    measure_faces(std::slice::from_ref(face), &Affine::IDENTITY).area
}

#[test]
fn square_with_square_hole_has_exact_area() {
    let outer = FaceLoop::from_points(vec![p(0.0, 0.0, 0.0), p(10.0, 0.0, 0.0), p(10.0, 10.0, 0.0), p(0.0, 10.0, 0.0)]);
    // The hole as a bound runs clockwise; several collinear points on one side test the ear clipper.
    let hole = FaceLoop::from_points(vec![
        p(3.0, 3.0, 0.0),
        p(3.0, 5.0, 0.0),
        p(3.0, 7.0, 0.0),
        p(7.0, 7.0, 0.0),
        p(7.0, 3.0, 0.0),
    ]);
    let m = mesh_face(&Surface::Plane(Frame::WORLD), true, &[outer, hole], &tol(14.0)).expect("meshed");
    assert!((area(&m) - 84.0).abs() < 1e-9, "area {}", area(&m));
    // Plane mesh needs no interior points: 9 boundary vertices, 9 triangles for an annulus of 4 + 5 points.
    assert_eq!(m.positions.len(), 9);
    assert_eq!(m.indices.len(), 9);
    assert!(m.normals.iter().all(|n| (n[2] - 1.0).abs() < 1e-6));
}

/// A box [0,2]×[0,3]×[0,4] from six planar faces sharing corner points; two faces use planes whose
/// normal points inwards with same_sense = false.
#[test]
fn closed_box_of_six_planes_has_exact_volume() {
    let (a, b, c) = (2.0, 3.0, 4.0);
    let v = |i: usize| {
        p(if i & 1 != 0 { a } else { 0.0 }, if i & 2 != 0 { b } else { 0.0 }, if i & 4 != 0 { c } else { 0.0 })
    };
    // Corner indices of each face, counter-clockwise seen from outside, with the outward normal.
    let faces: [([usize; 4], Point); 6] = [
        ([0, 2, 3, 1], p(0.0, 0.0, -1.0)),
        ([4, 5, 7, 6], p(0.0, 0.0, 1.0)),
        ([0, 1, 5, 4], p(0.0, -1.0, 0.0)),
        ([2, 6, 7, 3], p(0.0, 1.0, 0.0)),
        ([0, 4, 6, 2], p(-1.0, 0.0, 0.0)),
        ([1, 3, 7, 5], p(1.0, 0.0, 0.0)),
    ];
    let mut meshes = Vec::new();
    for (k, (corners, normal)) in faces.iter().enumerate() {
        let same_sense = k % 3 != 0;
        let axis = if same_sense { *normal } else { normal.scale(-1.0) };
        let plane = Surface::Plane(Frame::new(v(corners[0]), axis, None).expect("frame"));
        let lp = FaceLoop::from_points(corners.iter().map(|&i| v(i)).collect());
        meshes.push(mesh_face(&plane, same_sense, &[lp], &tol(5.4)).expect("face"));
    }
    let m = measure_faces(&meshes, &Affine::IDENTITY);
    assert!(m.closed);
    assert!((m.signed_volume - 24.0).abs() < 1e-9, "volume {}", m.signed_volume);
    assert!((m.area - 52.0).abs() < 1e-9);
}

/// A cylinder band r = 5, h = 10 as STEP encodes it (two circles and the seam line used both ways) with its
/// two cap discs meshed from the same edge points.
fn cylinder_with_caps() -> (FaceMesh, FaceMesh, FaceMesh) {
    let t = tol(17.3);
    let (r, h) = (5.0, 10.0);
    let bottom_c = Curve::Circle { frame: Frame::WORLD, radius: r };
    let top_c = Curve::Circle { frame: frame(p(0.0, 0.0, h), p(0.0, 0.0, 1.0), p(1.0, 0.0, 0.0)), radius: r };
    let seam_c = Curve::Line { origin: p(r, 0.0, 0.0), dir: p(0.0, 0.0, 1.0) };
    let (v0, v1) = (p(r, 0.0, 0.0), p(r, 0.0, h));
    let bottom = discretise_edge(&bottom_c, v0, v0, true, &t).expect("bottom");
    let top = discretise_edge(&top_c, v1, v1, true, &t).expect("top");
    let seam = discretise_edge(&seam_c, v0, v1, true, &t).expect("seam");
    let band_loop = join(&[bottom.clone(), seam.clone(), rev(&top), rev(&seam)]);
    let band = mesh_face(&Surface::Cylinder { frame: Frame::WORLD, radius: r }, true, &[band_loop], &t).expect("band");
    let bottom_plane = Surface::Plane(frame(p(0.0, 0.0, 0.0), p(0.0, 0.0, -1.0), p(1.0, 0.0, 0.0)));
    let cap0 = mesh_face(&bottom_plane, true, &[join(&[rev(&bottom)])], &t).expect("bottom cap");
    let top_plane = Surface::Plane(frame(p(0.0, 0.0, h), p(0.0, 0.0, 1.0), p(1.0, 0.0, 0.0)));
    let cap1 = mesh_face(&top_plane, true, &[join(&[top])], &t).expect("top cap");
    (band, cap0, cap1)
}

#[test]
fn cylinder_band_with_seam_is_accurate_and_watertight() {
    let (band, cap0, cap1) = cylinder_with_caps();
    let band_area = area(&band);
    let exact = 2.0 * PI * 5.0 * 10.0;
    assert!((band_area - exact).abs() / exact < 0.005, "band area {band_area} vs {exact}");
    let m = measure_faces(&[band, cap0, cap1], &Affine::IDENTITY);
    assert!(m.closed, "band and caps must weld into a closed mesh");
    let volume = PI * 25.0 * 10.0;
    assert!((m.signed_volume - volume).abs() / volume < 0.01, "volume {}", m.signed_volume);
}

#[test]
fn cylinder_band_from_two_circles_without_seam() {
    let t = tol(17.3);
    let bottom_c = Curve::Circle { frame: Frame::WORLD, radius: 5.0 };
    let top_c = Curve::Circle { frame: frame(p(0.0, 0.0, 10.0), p(0.0, 0.0, 1.0), p(1.0, 0.0, 0.0)), radius: 5.0 };
    let v0 = p(5.0, 0.0, 0.0);
    let v1 = p(0.0, 5.0, 10.0);
    let bottom = discretise_edge(&bottom_c, v0, v0, true, &t).expect("bottom");
    let top = discretise_edge(&top_c, v1, v1, false, &t).expect("top");
    let band =
        mesh_face(&Surface::Cylinder { frame: Frame::WORLD, radius: 5.0 }, true, &[join(&[bottom]), join(&[top])], &t)
            .expect("band");
    let exact = 2.0 * PI * 50.0;
    let a = area(&band);
    assert!((a - exact).abs() / exact < 0.005, "area {a} vs {exact}");
}

#[test]
fn full_sphere_without_bounds_is_within_one_percent() {
    let s = Surface::Sphere { frame: Frame::WORLD, radius: 3.0 };
    let m = mesh_face(&s, true, &[], &tol(10.4)).expect("sphere");
    let exact = 4.0 * PI * 9.0;
    let a = area(&m);
    assert!((a - exact).abs() / exact < 0.01, "area {a} vs {exact}");
    let meas = measure_faces(&[m], &Affine::IDENTITY);
    assert!(meas.closed, "seam and pole copies weld");
    assert!(meas.signed_volume > 0.0);
}

#[test]
fn hemisphere_capped_by_the_equator_circle() {
    let t = tol(10.4);
    let v0 = p(3.0, 0.0, 0.0);
    let equator =
        discretise_edge(&Curve::Circle { frame: Frame::WORLD, radius: 3.0 }, v0, v0, true, &t).expect("equator");
    let s = Surface::Sphere { frame: Frame::WORLD, radius: 3.0 };
    // Counter-clockwise seen from +z: the face lies to the left, on the north side.
    let north = mesh_face(&s, true, &[join(std::slice::from_ref(&equator))], &t).expect("north");
    let south = mesh_face(&s, true, &[join(&[rev(&equator)])], &t).expect("south");
    let exact = 2.0 * PI * 9.0;
    for (m, sign) in [(north, 1.0), (south, -1.0)] {
        let a = area(&m);
        assert!((a - exact).abs() / exact < 0.01, "area {a} vs {exact}");
        let zmean: f64 = m.positions.iter().map(|q| f64::from(q[2])).sum::<f64>() / m.positions.len() as f64;
        assert!(zmean * sign > 0.5, "the cap is on the right side (mean z {zmean})");
    }
}

#[test]
fn cone_frustum_area() {
    let t = tol(15.0);
    let alpha = PI / 6.0;
    let cone = Surface::Cone { frame: Frame::WORLD, radius: 5.0, semi_angle: alpha };
    let (r2, z2) = (5.0 + 4.0 * alpha.sin(), 4.0 * alpha.cos());
    let bottom_c = Curve::Circle { frame: Frame::WORLD, radius: 5.0 };
    let top_c = Curve::Circle { frame: frame(p(0.0, 0.0, z2), p(0.0, 0.0, 1.0), p(1.0, 0.0, 0.0)), radius: r2 };
    let (v0, v1) = (p(5.0, 0.0, 0.0), p(r2, 0.0, z2));
    let bottom = discretise_edge(&bottom_c, v0, v0, true, &t).expect("bottom");
    let top = discretise_edge(&top_c, v1, v1, true, &t).expect("top");
    let seam = vec![v0, v1];
    let m = mesh_face(&cone, true, &[join(&[bottom, seam.clone(), rev(&top), rev(&seam)])], &t).expect("cone");
    // Lateral area of a frustum: π (r1 + r2) · slant height.
    let exact = PI * (5.0 + r2) * 4.0;
    let a = area(&m);
    assert!((a - exact).abs() / exact < 0.01, "area {a} vs {exact}");
}

#[test]
fn full_torus_area() {
    let s = Surface::Torus { frame: Frame::WORLD, major: 10.0, minor: 2.0 };
    let m = mesh_face(&s, true, &[], &tol(25.0)).expect("torus");
    let exact = 4.0 * PI * PI * 10.0 * 2.0;
    let a = area(&m);
    assert!((a - exact).abs() / exact < 0.01, "area {a} vs {exact}");
    assert!(measure_faces(&[m], &Affine::IDENTITY).closed);
}

/// One loop on a torus bounds two regions: run counter-clockwise in (u, v) it is the patch inside, run the
/// other way it is the rest of the torus (bug28414's toroidal face is a torus with a patch cut out).
#[test]
fn torus_loop_run_as_a_hole_leaves_the_rest_of_the_torus() {
    let (major, minor) = (10.0, 2.0);
    let s = Surface::Torus { frame: Frame::WORLD, major, minor };
    // A (u, v) rectangle across both seams, its sides sampled on the surface.
    let (u0, u1, v0, v1) = (-0.2, 0.2, -0.4, 0.4);
    let n = 40;
    let mut pts = Vec::new();
    let side = |a: [f64; 2], b: [f64; 2], pts: &mut Vec<Point>| {
        for k in 0..n {
            let t = k as f64 / n as f64;
            pts.push(s.eval(a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t));
        }
    };
    side([u0, v0], [u1, v0], &mut pts);
    side([u1, v0], [u1, v1], &mut pts);
    side([u1, v1], [u0, v1], &mut pts);
    side([u0, v1], [u0, v0], &mut pts);
    let t = tol(25.0);
    // ∫∫ minor·(major + minor·cos v) du dv over the rectangle.
    let patch = minor * (u1 - u0) * (major * (v1 - v0) + minor * (v1.sin() - v0.sin()));
    let whole = 4.0 * PI * PI * major * minor;
    let inside = mesh_face(&s, true, &[FaceLoop::from_points(pts.clone())], &t).expect("patch");
    let outside = mesh_face(&s, true, &[FaceLoop::from_points(rev(&pts))], &t).expect("rest");
    let (a_in, a_out) = (area(&inside), area(&outside));
    assert!((a_in - patch).abs() / patch < 0.01, "patch area {a_in} vs {patch}");
    assert!((a_out - (whole - patch)).abs() / (whole - patch) < 0.01, "rest area {a_out} vs {}", whole - patch);
}

#[test]
fn nurbs_plane_patch_has_exact_area() {
    // Degree 2 along u (collinear control points), degree 1 along v, rational weights: still a flat
    // 4 × 3 rectangle.
    let ctrl = vec![
        p(0.0, 0.0, 0.0),
        p(0.0, 3.0, 0.0),
        p(2.0, 0.0, 0.0),
        p(2.0, 3.0, 0.0),
        p(4.0, 0.0, 0.0),
        p(4.0, 3.0, 0.0),
    ];
    let s = NurbsSurface::new(
        2,
        1,
        vec![0.0, 0.0, 0.0, 1.0, 1.0, 1.0],
        vec![0.0, 0.0, 1.0, 1.0],
        3,
        2,
        ctrl,
        Some(vec![1.0, 1.0, 2.0, 2.0, 1.0, 1.0]),
    )
    .expect("valid surface");
    let lp = FaceLoop::from_points(vec![p(0.0, 0.0, 0.0), p(4.0, 0.0, 0.0), p(4.0, 3.0, 0.0), p(0.0, 3.0, 0.0)]);
    let m = mesh_face(&Surface::Nurbs(s), true, &[lp], &tol(5.0)).expect("patch");
    let a = area(&m);
    // Measured by the Gauss integral of the rational parameterisation over two large (u, v) triangles,
    // subdivided where the area element varies: 12 to 1e-6 (the triangles alone are 12 exactly).
    assert!((a - 12.0).abs() < 12e-6, "area {a}");
    assert!((triangles_only(&m).area - 12.0).abs() < 1e-9);
    assert!(m.normals.iter().all(|n| (n[2] - 1.0).abs() < 1e-5), "normals along +z");
}

#[test]
fn rational_quarter_circle_edge_stays_within_chord() {
    let w = FRAC_1_SQRT_2;
    let c = NurbsCurve::new(
        2,
        vec![0.0, 0.0, 0.0, 1.0, 1.0, 1.0],
        vec![p(10.0, 0.0, 0.0), p(10.0, 10.0, 0.0), p(0.0, 10.0, 0.0)],
        Some(vec![1.0, w, 1.0]),
    )
    .expect("valid curve");
    let t = Tolerance { chord: 0.01, angle: 0.5 };
    let pts = discretise_edge(&Curve::Nurbs(c), p(10.0, 0.0, 0.0), p(0.0, 10.0, 0.0), true, &t).expect("edge");
    assert_eq!(pts.first(), Some(&p(10.0, 0.0, 0.0)));
    assert_eq!(pts.last(), Some(&p(0.0, 10.0, 0.0)));
    // Every chord midpoint is within the tolerance of the circle of radius 10.
    for w in pts.windows(2) {
        let mid = w[0].plus(w[1]).scale(0.5);
        assert!(10.0 - mid.length() <= 0.01 + 1e-12);
    }
    // A circle of radius 10 at 0.01 chord needs ceil((π/2) / (2 acos(0.999))) = 18 chords; halving gives 32.
    assert_eq!(pts.len(), 33);
}

#[test]
fn circle_edge_against_its_sense_runs_clockwise() {
    let t = Tolerance { chord: 0.1, angle: 0.5 };
    let c = Curve::Circle { frame: Frame::WORLD, radius: 1.0 };
    let pts = discretise_edge(&c, p(1.0, 0.0, 0.0), p(0.0, 1.0, 0.0), false, &t).expect("edge");
    // Clockwise from 0 to π/2 is three quarters of a turn: every interior point has y < 0 or x < 0.
    assert!(pts[1..pts.len() - 1].iter().all(|q| q.y < 0.0 || q.x < 0.0));
    // Conic edges are cut at half the chord and 0.4 of the angle: 3π/2 at min(0.2 rad,
    // 2 acos(0.95) = 0.635) per chord: ceil(23.6) = 24 chords.
    assert_eq!(pts.len(), 25);
}

#[test]
fn degenerate_inputs_give_typed_errors() {
    let t = tol(10.0);
    let square = FaceLoop::from_points(vec![p(0.0, 0.0, 0.0), p(1.0, 0.0, 0.0), p(1.0, 1.0, 0.0), p(0.0, 1.0, 0.0)]);
    let zero = Surface::Cylinder { frame: Frame::WORLD, radius: 0.0 };
    assert_eq!(
        mesh_face(&zero, true, std::slice::from_ref(&square), &t),
        Err(TessError::InvalidGeometry("surface radius"))
    );
    let nan_loop = FaceLoop::from_points(vec![p(0.0, 0.0, 0.0), p(f64::NAN, 0.0, 0.0), p(1.0, 1.0, 0.0)]);
    assert_eq!(mesh_face(&Surface::Plane(Frame::WORLD), true, &[nan_loop], &t), Err(TessError::NonFinite("face loop")));
    assert_eq!(
        mesh_face(&Surface::Plane(Frame::WORLD), true, &[FaceLoop::default()], &t),
        Err(TessError::EmptyLoop(0))
    );
    let circle = Curve::Circle { frame: Frame::WORLD, radius: 1.0 };
    let fine = Tolerance { chord: 1e-15, angle: 0.5 };
    let q = p(1.0, 0.0, 0.0);
    assert!(matches!(discretise_edge(&circle, q, q, true, &fine), Err(TessError::TooManyPoints { .. })));
    let nan_radius = Curve::Circle { frame: Frame::WORLD, radius: f64::NAN };
    assert_eq!(discretise_edge(&nan_radius, q, q, true, &t), Err(TessError::NonFinite("circle radius")));
    assert!(Frame::new(Point::ZERO, Point::ZERO, None).is_err());
    let bad_tol = Tolerance { chord: 0.0, angle: 0.5 };
    assert!(matches!(
        mesh_face(&Surface::Plane(Frame::WORLD), true, &[square], &bad_tol),
        Err(TessError::BadTolerance { .. })
    ));
    // A knot vector that does not fit the control points, and a 10^9 multiplicity.
    assert!(NurbsCurve::new(2, vec![0.0; 4], vec![Point::ZERO; 3], None).is_err());
    assert!(expand_knots(&[0.0, 1.0], &[1_000_000_000, 3], 6).is_err());
    // A plane face whose loop is off the plane by far more than the tolerance.
    let off = FaceLoop::from_points(vec![p(0.0, 0.0, 5.0), p(1.0, 0.0, 5.0), p(1.0, 1.0, 5.0)]);
    assert!(matches!(mesh_face(&Surface::Plane(Frame::WORLD), true, &[off], &t), Err(TessError::NotOnSurface { .. })));
}

#[test]
fn extruded_ellipse_band_area() {
    let t = tol(10.0);
    let (a, b, h) = (4.0, 2.0, 5.0);
    let ellipse = Curve::Ellipse { frame: Frame::WORLD, semi_x: a, semi_y: b };
    let top_e =
        Curve::Ellipse { frame: frame(p(0.0, 0.0, h), p(0.0, 0.0, 1.0), p(1.0, 0.0, 0.0)), semi_x: a, semi_y: b };
    let (v0, v1) = (p(a, 0.0, 0.0), p(a, 0.0, h));
    let bottom = discretise_edge(&ellipse, v0, v0, true, &t).expect("bottom");
    let top = discretise_edge(&top_e, v1, v1, true, &t).expect("top");
    let seam = vec![v0, v1];
    let s = Surface::Extrusion { curve: Box::new(ellipse), dir: p(0.0, 0.0, 1.0) };
    let m = mesh_face(&s, true, &[join(&[bottom, seam.clone(), rev(&top), rev(&seam)])], &t).expect("band");
    // Ramanujan's perimeter (relative error ~1e-5 at this ratio) times the height.
    let perimeter = PI * (3.0 * (a + b) - ((3.0 * a + b) * (a + 3.0 * b)).sqrt());
    let exact = perimeter * h;
    let got = area(&m);
    assert!((got - exact).abs() / exact < 0.005, "area {got} vs {exact}");
    // Outward: the normal at the vertex (a, 0, 0) points along +x.
    let i = m.positions.iter().position(|q| q == &[a as f32, 0.0, 0.0]).expect("seam vertex kept");
    assert!(m.normals[i][0] > 0.99);
}

/// The upper half of a sphere of radius 4 as a surface of revolution of a rational quarter circle: the
/// profile ends on the axis, so the cap closes at a pole found by the generic inversion.
#[test]
fn revolved_quarter_circle_is_a_hemisphere() {
    let r = 4.0;
    let w = FRAC_1_SQRT_2;
    let profile = NurbsCurve::new(
        2,
        vec![0.0, 0.0, 0.0, 1.0, 1.0, 1.0],
        vec![p(r, 0.0, 0.0), p(r, 0.0, r), p(0.0, 0.0, r)],
        Some(vec![1.0, w, 1.0]),
    )
    .expect("profile");
    let s = Surface::Revolution {
        curve: Box::new(Curve::Nurbs(profile)),
        axis_origin: Point::ZERO,
        axis_dir: p(0.0, 0.0, 1.0),
    };
    let t = tol(11.3);
    let v0 = p(r, 0.0, 0.0);
    let equator =
        discretise_edge(&Curve::Circle { frame: Frame::WORLD, radius: r }, v0, v0, true, &t).expect("equator");
    let m = mesh_face(&s, true, &[join(&[equator])], &t).expect("hemisphere");
    let exact = 2.0 * PI * r * r;
    let got = area(&m);
    assert!((got - exact).abs() / exact < 0.01, "area {got} vs {exact}");
    assert!(m.positions.iter().all(|q| q[2] >= -1e-6), "the face is the upper half");
}

/// A quarter of the cylinder of radius `r` and height `h` about z, from +x to +y, as a rational quadratic ×
/// linear B-spline surface (u around, v up).
fn quarter_cylinder(r: f64, h: f64) -> NurbsSurface {
    let w = FRAC_1_SQRT_2;
    let ctrl = vec![p(r, 0.0, 0.0), p(r, 0.0, h), p(r, r, 0.0), p(r, r, h), p(0.0, r, 0.0), p(0.0, r, h)];
    NurbsSurface::new(
        2,
        1,
        vec![0.0, 0.0, 0.0, 1.0, 1.0, 1.0],
        vec![0.0, 0.0, 1.0, 1.0],
        3,
        2,
        ctrl,
        Some(vec![1.0, 1.0, w, w, 1.0, 1.0]),
    )
    .expect("surface")
}

/// A quarter of a cylinder r = 5, h = 10 as a rational B-spline surface, bounded by its four edges.
#[test]
fn rational_bspline_quarter_cylinder_area() {
    let (r, h) = (5.0, 10.0);
    let s = quarter_cylinder(r, h);
    let t = tol(12.2);
    let (a0, a1, b0, b1) = (p(r, 0.0, 0.0), p(0.0, r, 0.0), p(r, 0.0, h), p(0.0, r, h));
    let low = discretise_edge(&Curve::Circle { frame: Frame::WORLD, radius: r }, a0, a1, true, &t).expect("low");
    let top_c = Curve::Circle { frame: frame(p(0.0, 0.0, h), p(0.0, 0.0, 1.0), p(1.0, 0.0, 0.0)), radius: r };
    let high = discretise_edge(&top_c, b1, b0, false, &t).expect("high");
    let m = mesh_face(&Surface::Nurbs(s), true, &[join(&[low, vec![a1, b1], high, vec![b0, a0]])], &t).expect("patch");
    let exact = 0.5 * PI * r * h;
    let got = area(&m);
    assert!((got - exact).abs() / exact < 0.005, "area {got} vs {exact}");
    // u runs from +x to +y at constant radius: ∂S/∂u × ∂S/∂v points outwards.
    let i = m.positions.iter().position(|q| q == &[r as f32, 0.0, 0.0]).expect("corner kept");
    assert!(m.normals[i][0] > 0.99, "normal {:?}", m.normals[i]);
}

/// The north half of a sphere as STEP writes it: equator circle plus a meridian seam to the pole, used
/// once each way.
#[test]
fn hemisphere_with_seam_to_the_pole() {
    let r = 3.0;
    let t = tol(10.4);
    let v0 = p(r, 0.0, 0.0);
    let pole = p(0.0, 0.0, r);
    let equator =
        discretise_edge(&Curve::Circle { frame: Frame::WORLD, radius: r }, v0, v0, true, &t).expect("equator");
    let meridian = Curve::Circle { frame: frame(Point::ZERO, p(0.0, -1.0, 0.0), p(1.0, 0.0, 0.0)), radius: r };
    let seam = discretise_edge(&meridian, v0, pole, true, &t).expect("seam");
    assert!(seam.iter().all(|q| q.y.abs() < 1e-12 && q.z >= 0.0), "the meridian runs up in the xz-plane");
    let s = Surface::Sphere { frame: Frame::WORLD, radius: r };
    let m = mesh_face(&s, true, &[join(&[equator, seam.clone(), rev(&seam)])], &t).expect("hemisphere");
    let exact = 2.0 * PI * r * r;
    let got = area(&m);
    assert!((got - exact).abs() / exact < 0.01, "area {got} vs {exact}");
    let pole_f = [0.0f32, 0.0, r as f32];
    assert_eq!(m.positions.iter().filter(|q| **q == pole_f).count(), 1, "one pole vertex");
}

/// A cone (half-angle 45°, base radius 5 at z = 0, apex at z = −5) bounded by its base circle alone, and
/// again with a seam line to the apex used both ways.
#[test]
fn cone_to_its_apex() {
    let t = tol(14.0);
    let alpha = PI / 4.0;
    let cone = Surface::Cone { frame: Frame::WORLD, radius: 5.0, semi_angle: alpha };
    let v0 = p(5.0, 0.0, 0.0);
    let apex = p(0.0, 0.0, -5.0);
    // The face lies below the base circle: seen from outside, the bound runs clockwise about +z.
    let base = discretise_edge(&Curve::Circle { frame: Frame::WORLD, radius: 5.0 }, v0, v0, false, &t).expect("base");
    let exact = PI * 5.0 * 5.0 * 2f64.sqrt();
    let capped = mesh_face(&cone, true, &[join(std::slice::from_ref(&base))], &t).expect("cap");
    let seam = vec![v0, apex];
    let seamed = mesh_face(&cone, true, &[join(&[base, seam.clone(), rev(&seam)])], &t).expect("seamed");
    for m in [capped, seamed] {
        let a = area(&m);
        assert!((a - exact).abs() / exact < 0.01, "area {a} vs {exact}");
        assert!(m.positions.iter().all(|q| q[2] <= 1e-6), "below the base");
        let apex_f = [0.0f32, 0.0, -5.0];
        assert_eq!(m.positions.iter().filter(|q| **q == apex_f).count(), 1, "one apex vertex");
    }
}

/// Half a sphere bounded by a great circle through both poles of the sphere's frame (two meridian halves,
/// as a CAx-IF file writes it): two poles in one loop; the meridians must end up π apart, not 3π.
#[test]
fn hemisphere_between_two_meridians_through_both_poles() {
    let r = 2.5;
    let c = p(10.0, 0.0, 0.0);
    let t = tol(7.0);
    let s = Surface::Sphere { frame: frame(c, p(0.0, 0.0, 1.0), p(0.0, -1.0, 0.0)), radius: r };
    let (north, south) = (p(10.0, 0.0, r), p(10.0, 0.0, -r));
    let great = Curve::Circle { frame: Frame::new(c, p(0.0, -1.0, 0.0), None).expect("frame"), radius: r };
    let down = discretise_edge(&great, north, south, false, &t).expect("edge");
    let up = discretise_edge(&great, south, north, false, &t).expect("edge");
    let m = mesh_face(&s, true, &[join(&[rev(&down), rev(&up)])], &t).expect("face");
    let exact = 2.0 * PI * r * r;
    let got = area(&m);
    assert!((got - exact).abs() / exact < 0.01, "area {got} vs {exact}");
}

/// A prism over a periodic (unclamped) cubic B-spline: closed along v although its first and last control
/// columns differ (the last three repeat the first three). A face across the seam, v ∈ [0.8, 1.2], must be
/// meshed as the one strip it is: before closure was decided by evaluation the loop jumped by a whole
/// period at the seam and the face was refined to the triangle cap over the rest of the surface
/// (bug24595_281390.stp: four such faces, 50 k triangles and 8–19 s each, 45× their area).
#[test]
fn face_across_the_seam_of_a_periodic_bspline_is_one_strip() {
    let (r, h, n) = (5.0, 10.0, 5usize);
    let corner = |k: usize| {
        let a = std::f64::consts::TAU * (k % n) as f64 / n as f64;
        (r * a.cos(), r * a.sin())
    };
    let mut ctrl = Vec::new();
    for z in [0.0, h] {
        for k in 0..n + 3 {
            let (x, y) = corner(k);
            ctrl.push(p(x, y, z));
        }
    }
    let v_knots: Vec<f64> = (0..n + 7).map(|i| (i as f64 - 3.0) / n as f64).collect();
    let s = NurbsSurface::new(1, 3, vec![0.0, 0.0, 1.0, 1.0], v_knots.clone(), 2, n + 3, ctrl.clone(), None)
        .expect("valid surface");
    assert!(s.is_closed(false) && !s.is_closed(true));
    let surface = Surface::Nurbs(s);
    // The loop counter-clockwise in (u, v): up at v = 0.8, across the seam at u = 1, down, back at u = 0.
    let mut points = Vec::new();
    let steps = 64;
    for i in 0..steps {
        points.push(surface.eval(i as f64 / steps as f64, 0.8));
    }
    for i in 0..steps {
        points.push(surface.eval(1.0, 0.8 + 0.4 * i as f64 / steps as f64));
    }
    for i in 0..steps {
        points.push(surface.eval(1.0 - i as f64 / steps as f64, 1.2));
    }
    for i in 0..steps {
        points.push(surface.eval(0.0, 1.2 - 0.4 * i as f64 / steps as f64));
    }
    let m = mesh_face(&surface, true, &[FaceLoop::from_points(points)], &tol(17.0)).expect("strip");
    // Two of the five congruent spans of the base curve, times the height; the curve's length by Simpson's
    // rule on a separately built B-spline curve (the surface's column at z = 0).
    let curve = NurbsCurve::new(3, v_knots, ctrl[..n + 3].to_vec(), None).expect("valid curve");
    let k = 4000;
    let speed = |t: f64| curve.eval_d1(t).1.length();
    let simpson: f64 = (0..k)
        .map(|i| {
            let (a, b) = (0.4 * i as f64 / k as f64, 0.4 * (i + 1) as f64 / k as f64);
            (b - a) / 6.0 * (speed(a) + 4.0 * speed(0.5 * (a + b)) + speed(b))
        })
        .sum();
    let exact = h * simpson;
    let a = area(&m);
    assert!((a - exact).abs() / exact < 0.005, "area {a} vs {exact}");
    assert!(m.indices.len() < 2000, "{} triangles", m.indices.len());
}

/// Holes in a row whose corners lie on one line: each hole's bridge ray meets the next hole's corner
/// exactly, and must go there rather than through that hole to a corner further along the line.
#[test]
fn plane_with_holes_in_a_row_has_exact_area() {
    let outer = FaceLoop::from_points(vec![p(0.0, 0.0, 0.0), p(10.0, 0.0, 0.0), p(10.0, 4.0, 0.0), p(0.0, 4.0, 0.0)]);
    // Diamonds of half-width 1 centred at x = 2, 5, 8 on y = 2, as bounds running clockwise.
    let diamond = |cx: f64| {
        FaceLoop::from_points(vec![p(cx - 1.0, 2.0, 0.0), p(cx, 3.0, 0.0), p(cx + 1.0, 2.0, 0.0), p(cx, 1.0, 0.0)])
    };
    let loops = [outer, diamond(2.0), diamond(5.0), diamond(8.0)];
    let m = mesh_face(&Surface::Plane(Frame::WORLD), true, &loops, &tol(10.8)).expect("meshed");
    assert!((area(&m) - 34.0).abs() < 1e-9, "area {}", area(&m));
}

/// An annulus with a second, small hole (stp_multiple_shp_at_root.stp's face #119, same numbers): both
/// holes bridge to the same vertex of the outer circle, and the second bridge must leave it on the side
/// its hole is on, or the triangles cover the holes (the face was meshed at 2.3 times its area).
#[test]
fn annulus_with_a_second_hole_has_its_area() {
    let t = Tolerance { chord: 0.000_114_783_066_807_910_94, angle: 0.5 };
    let circle = |c: Point, r: f64, forward: bool| {
        let curve = Curve::Circle { frame: frame(c, p(0.0, 0.0, 1.0), p(1.0, 0.0, 0.0)), radius: r };
        let v = p(c.x + r, c.y, 0.0);
        join(&[discretise_edge(&curve, v, v, forward, &t).expect("circle")])
    };
    let (big, inner, small) = (0.032_359_504_1, 0.017_514_594_9, 0.000_881_972_2);
    let small_centre = p(0.023_147_041_512_447_8, -0.001_196_722_311_117_25, 0.0);
    let loops = [
        circle(p(0.0, 0.0, 0.0), inner, false),
        circle(small_centre, small, false),
        circle(p(0.0, 0.0, 0.0), big, true),
    ];
    let m = mesh_face(&Surface::Plane(Frame::WORLD), true, &loops, &t).expect("meshed");
    let exact = PI * (big * big - inner * inner - small * small);
    let a = area(&m);
    assert!((a - exact).abs() / exact < 0.002, "area {a} vs {exact}");
}

/// The face's triangles alone, as a mesh without exact integrals is measured.
fn triangles_only(face: &FaceMesh) -> crate::model::mesh::MeshMeasures {
    let bare = FaceMesh { exact: None, ..face.clone() };
    measure_faces(std::slice::from_ref(&bare), &Affine::IDENTITY)
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs()
}

/// A coarse mesh (chord 2 % of the radius) whose triangles are visibly short of the sphere, while the
/// Gauss integrals over its (u, v) triangles give 4πr² and 4/3 πr³ to 1e-6, also when the sphere is
/// moved far from the origin and scaled (the flux's translation and the area's s²).
#[test]
fn sphere_integrals_are_exact_on_a_coarse_mesh() {
    let r = 3.0;
    let coarse = Tolerance { chord: 0.06, angle: 0.5 };
    let m = mesh_face(&Surface::Sphere { frame: Frame::WORLD, radius: r }, true, &[], &coarse).expect("sphere");
    let (area, volume) = (4.0 * PI * r * r, 4.0 / 3.0 * PI * r * r * r);
    let tri = triangles_only(&m);
    assert!(rel(tri.area, area) > 2e-3, "the triangles alone are off: {} vs {area}", tri.area);
    assert!(rel(tri.signed_volume, volume) > 5e-3, "triangle volume {} vs {volume}", tri.signed_volume);
    let exact = measure_faces(std::slice::from_ref(&m), &Affine::IDENTITY);
    assert!(rel(exact.area, area) < 1e-6, "area {} vs {area}", exact.area);
    assert!(rel(exact.signed_volume, volume) < 1e-6, "volume {} vs {volume}", exact.signed_volume);
    assert!(exact.closed, "closedness still comes from the mesh");
    // Placed 1000 units away, doubled and mirrored: area × 4, volume × 8 and still positive.
    let placed = Affine::translation(p(1000.0, -700.0, 300.0)).then_after(&Affine::scaling(-2.0, 2.0, 2.0));
    let moved = measure_faces(std::slice::from_ref(&m), &placed);
    assert!(rel(moved.area, 4.0 * area) < 1e-6, "placed area {}", moved.area);
    assert!(rel(moved.signed_volume, 8.0 * volume) < 1e-6, "placed volume {}", moved.signed_volume);
    // A non-uniform scale is no similarity: the area falls back to the triangles, the volume stays exact.
    let squashed = measure_faces(std::slice::from_ref(&m), &Affine::scaling(1.0, 1.0, 0.5));
    assert!(rel(squashed.signed_volume, 0.5 * volume) < 1e-6, "squashed volume {}", squashed.signed_volume);
    let tri_squashed = measure_faces(&[FaceMesh { exact: None, ..m.clone() }], &Affine::scaling(1.0, 1.0, 0.5));
    assert_eq!(squashed.area, tri_squashed.area);
}

/// A torus at a coarse chord: 4π²Rr and 2π²Rr² from the integrals, the triangles visibly short.
#[test]
fn torus_integrals_are_exact_on_a_coarse_mesh() {
    let (major, minor) = (10.0, 2.0);
    let s = Surface::Torus { frame: frame(p(5.0, -3.0, 2.0), p(0.0, 1.0, 0.0), p(1.0, 0.0, 0.0)), major, minor };
    let m = mesh_face(&s, true, &[], &Tolerance { chord: 0.05, angle: 0.5 }).expect("torus");
    let (area, volume) = (4.0 * PI * PI * major * minor, 2.0 * PI * PI * major * minor * minor);
    let tri = triangles_only(&m);
    assert!(rel(tri.area, area) > 1e-3, "triangle area {} vs {area}", tri.area);
    let exact = measure_faces(std::slice::from_ref(&m), &Affine::IDENTITY);
    assert!(rel(exact.area, area) < 1e-6, "area {} vs {area}", exact.area);
    assert!(rel(exact.signed_volume, volume) < 1e-6, "volume {} vs {volume}", exact.signed_volume);
}

/// A cylinder closed by two planar caps. The band's integrals are exact (its bounds are iso-lines, so
/// straight in (u, v)); each cap is the polygon of its circle's points, as its triangles are. Measured
/// about the solid's middle (z = h/2), the caps' missing segments then cost a third of what they cost
/// the triangles: V = πr²h − (h/3)(πr² − A_cap), exactly.
#[test]
fn cylinder_band_is_exact_and_caps_cost_a_third_of_their_chords() {
    let (r, h) = (5.0, 10.0);
    let (band, cap0, cap1) = cylinder_with_caps();
    let exact_band = 2.0 * PI * r * h;
    assert!(rel(triangles_only(&band).area, exact_band) > 1e-4, "the band's triangles are short");
    assert!(rel(area(&band), exact_band) < 1e-6, "band area {} vs {exact_band}", area(&band));
    let cap_area = triangles_only(&cap0).area;
    // Equal but for the triangles' f32 corners.
    assert!(rel(area(&cap0), cap_area) < 1e-6, "a plane's integral is its polygon's area");
    let m = measure_faces(&[band, cap0, cap1], &Affine::IDENTITY);
    assert!(m.closed);
    let expected = PI * r * r * h - h / 3.0 * (PI * r * r - cap_area);
    assert!(rel(m.signed_volume, expected) < 1e-6, "volume {} vs {expected}", m.signed_volume);
}

/// A trimmed rational B-spline patch: a quarter cylinder (r 5, height 10) cut down to the part between
/// 20° and 70° and heights 2 to 7 by a loop of points along its iso-lines. Its area r·Δθ·Δz comes from the
/// integral at a chord where the triangles are visibly short.
#[test]
fn trimmed_bspline_patch_integral_is_exact() {
    let (r, h) = (5.0, 10.0);
    let s = quarter_cylinder(r, h);
    let (t0, t1, z0, z1) = (20f64.to_radians(), 70f64.to_radians(), 2.0, 7.0);
    let at = |t: f64, z: f64| p(r * t.cos(), r * t.sin(), z);
    let n = 6;
    let mut pts = Vec::new();
    for k in 0..n {
        pts.push(at(t0 + (t1 - t0) * k as f64 / n as f64, z0));
    }
    for k in 0..n {
        pts.push(at(t1, z0 + (z1 - z0) * k as f64 / n as f64));
    }
    for k in 0..n {
        pts.push(at(t1 - (t1 - t0) * k as f64 / n as f64, z1));
    }
    for k in 0..n {
        pts.push(at(t0, z1 - (z1 - z0) * k as f64 / n as f64));
    }
    let m = mesh_face(&Surface::Nurbs(s), true, &[FaceLoop::from_points(pts)], &Tolerance { chord: 0.01, angle: 0.5 })
        .expect("patch");
    let exact = r * (t1 - t0) * (z1 - z0);
    assert!(rel(triangles_only(&m).area, exact) > 1e-4, "triangle area {}", triangles_only(&m).area);
    assert!(rel(area(&m), exact) < 1e-6, "area {} vs {exact}", area(&m));
    // Outward (u runs from +x to +y): the flux about the axis is (1/3)·r·area.
    let e = m.exact.expect("integrals kept");
    assert!(rel(e.flux, r * exact / 3.0) < 1e-6, "flux {}", e.flux);
}

/// One face loop from sampled edges, each along or against its direction (as the STEP reader joins them).
fn sampled_loop(edges: &[(&EdgePoints, bool)]) -> FaceLoop {
    let mut l = FaceLoop::default();
    for &(e, along) in edges {
        l.push_edge(e, along);
    }
    l
}

/// The same face loop without its chords' curves: what the integrals saw before they had them.
fn points_only(l: &FaceLoop) -> FaceLoop {
    FaceLoop::from_points(l.points.clone())
}

/// A closed cylinder whose top is cut by a tilted plane: r = 2 about z, bottom disc at z = 0, top the
/// ellipse z = 3 + x/2 (semi-axes √5 and 2), seam along x = 2. Every loop from sampled edges, the bottom
/// circle used against its sense by the disc and the ellipse cap's loop built backwards and reversed.
/// Returns (band, bottom disc, ellipse cap) meshed with or without the chords' curves.
fn tilted_cylinder(t: &Tolerance, with_curves: bool) -> [FaceMesh; 3] {
    let r = 2.0;
    let root5 = 5f64.sqrt();
    let (v0, v1) = (p(r, 0.0, 0.0), p(r, 0.0, 4.0));
    let bottom_c = Curve::Circle { frame: Frame::WORLD, radius: r };
    let top_frame = frame(p(0.0, 0.0, 3.0), p(-1.0 / root5, 0.0, 2.0 / root5), p(2.0 / root5, 0.0, 1.0 / root5));
    let top_c = Curve::Ellipse { frame: top_frame, semi_x: root5, semi_y: r };
    let seam_c = Curve::Line { origin: v0, dir: p(0.0, 0.0, 1.0) };
    let bottom = discretise_edge_sampled(&bottom_c, v0, v0, true, t).expect("bottom");
    let top = discretise_edge_sampled(&top_c, v1, v1, true, t).expect("top");
    let seam = discretise_edge_sampled(&seam_c, v0, v1, true, t).expect("seam");
    let band_loop = sampled_loop(&[(&bottom, true), (&seam, true), (&top, false), (&seam, false)]);
    let disc_loop = sampled_loop(&[(&bottom, false)]);
    let mut cap_loop = sampled_loop(&[(&top, false)]);
    cap_loop.reverse();
    let keep = |l: FaceLoop| if with_curves { l } else { points_only(&l) };
    let cylinder = Surface::Cylinder { frame: Frame::WORLD, radius: r };
    let down = Surface::Plane(frame(p(0.0, 0.0, 0.0), p(0.0, 0.0, -1.0), p(1.0, 0.0, 0.0)));
    [
        mesh_face(&cylinder, true, &[keep(band_loop)], t).expect("band"),
        mesh_face(&down, true, &[keep(disc_loop)], t).expect("disc"),
        mesh_face(&Surface::Plane(top_frame), true, &[keep(cap_loop)], t).expect("cap"),
    ]
}

/// With its edges' curves each face is integrated up to its true edges: at a coarse chord (conic steps
/// of 0.2 rad, 32 per turn) the disc's πr², the ellipse's π·√5·2 and the solid's volume πr²·3 come out
/// within 1e-6 (3e-10 and 1e-10), where the same faces bounded by their straight (u, v) chords are off by
/// 6.4e-3 and 2.1e-3. (The band is exact either way: in its (u, v) the ellipse is v = 3 + cos u, whose
/// chords the trapezoid rule integrates exactly over a whole turn.) The meshes themselves are the same.
#[test]
fn faces_are_integrated_up_to_their_exact_edges() {
    let t = Tolerance { chord: 0.05, angle: 0.5 };
    let r = 2.0;
    let exact = [2.0 * PI * r * 3.0, PI * r * r, PI * 5f64.sqrt() * r];
    let volume = PI * r * r * 3.0;
    let with = tilted_cylinder(&t, true);
    let without = tilted_cylinder(&t, false);
    for (i, ((a, b), want)) in with.iter().zip(&without).zip(exact).enumerate() {
        assert_eq!(a.positions, b.positions, "the curves change no mesh");
        assert_eq!(a.indices, b.indices);
        assert!(rel(area(a), want) < 1e-6, "area {} vs {want}", area(a));
        if i > 0 {
            assert!(rel(area(b), want) > 6e-3, "chords only: area {} vs {want}", area(b));
        }
    }
    let m = measure_faces(&with, &Affine::IDENTITY);
    let old = measure_faces(&without, &Affine::IDENTITY);
    assert!(m.closed, "still one closed mesh");
    assert!(rel(m.signed_volume, volume) < 1e-6, "volume {} vs {volume}", m.signed_volume);
    assert!(rel(old.signed_volume, volume) > 2e-3, "chords only: volume {} vs {volume}", old.signed_volume);
}

/// The same tilted cut on a rational B-spline quarter cylinder (r = 2, u not the angle): the face between
/// the bottom arc, the ellipse arc z = 3 + x/2 and two rulings has area ∫ r(3 + cos θ) dθ over a quarter
/// turn = 3π + 2 and flux about the axis (1/3)·r·area. Its (u, v) chords along the ellipse leave it
/// 4.0e-4 short; with the curves it is within 1e-6 (5e-7, nearly all of it the interior rule's over the
/// face's 85 triangles: 3e-7 at chord 0.05 with the interior split to a spread of 1.01 instead of 1.5).
#[test]
fn bspline_face_is_integrated_up_to_a_curved_edge() {
    let r = 2.0;
    let root5 = 5f64.sqrt();
    let s = Surface::Nurbs(quarter_cylinder(r, 5.0));
    let t = Tolerance { chord: 0.02, angle: 0.5 };
    let (a0, a1, b0, b1) = (p(r, 0.0, 0.0), p(0.0, r, 0.0), p(r, 0.0, 4.0), p(0.0, r, 3.0));
    let low =
        discretise_edge_sampled(&Curve::Circle { frame: Frame::WORLD, radius: r }, a0, a1, true, &t).expect("low");
    let top_frame = frame(p(0.0, 0.0, 3.0), p(-1.0 / root5, 0.0, 2.0 / root5), p(2.0 / root5, 0.0, 1.0 / root5));
    let top_c = Curve::Ellipse { frame: top_frame, semi_x: root5, semi_y: r };
    let high = discretise_edge_sampled(&top_c, b1, b0, false, &t).expect("high");
    let up = Curve::Line { origin: a1, dir: p(0.0, 0.0, 1.0) };
    let side = discretise_edge_sampled(&up, a1, b1, true, &t).expect("side");
    let down = Curve::Line { origin: a0, dir: p(0.0, 0.0, 1.0) };
    let seam = discretise_edge_sampled(&down, a0, b0, true, &t).expect("seam");
    let lp = sampled_loop(&[(&low, true), (&side, true), (&high, true), (&seam, false)]);
    let exact = 3.0 * PI + 2.0;
    let chords = mesh_face(&s, true, &[points_only(&lp)], &t).expect("chords only");
    let m = mesh_face(&s, true, &[lp], &t).expect("with curves");
    assert!(rel(area(&chords), exact) > 3e-4, "chords only: area {} vs {exact}", area(&chords));
    assert!(rel(area(&m), exact) < 1e-6, "area {} vs {exact}", area(&m));
    let e = m.exact.expect("integrals kept");
    assert!(rel(e.flux, r * exact / 3.0) < 1e-6, "flux {} vs {}", e.flux, r * exact / 3.0);
}

/// A flat fan: the row v = 0 collapses to the origin and the rim v = 1 runs (4, 0) → (0, −4) → (−4, 0), so
/// (u, v) is polar-like and far from uniform near the centre.
fn fan() -> Surface {
    let ctrl = vec![
        p(0.0, 0.0, 0.0),
        p(4.0, 0.0, 0.0),
        p(0.0, 0.0, 0.0),
        p(0.0, -4.0, 0.0),
        p(0.0, 0.0, 0.0),
        p(-4.0, 0.0, 0.0),
    ];
    let s = NurbsSurface::new(1, 1, vec![0.0, 0.0, 1.0, 2.0, 2.0], vec![0.0, 0.0, 1.0, 1.0], 3, 2, ctrl, None)
        .expect("valid surface");
    Surface::Nurbs(s)
}

#[test]
fn a_straight_edge_across_a_fan_is_split_until_the_face_keeps_to_it() {
    // The strip between the fan's top (y = 0, through the collapsed centre) and the line y = −0.1: a
    // trapezoid of 0.1 × (8 + 7.8) / 2 = 0.79. The long line edge maps to a V in (u, v) reaching down
    // to v = 0.025; the one straight (u, v) step between its two points spans nearly the whole fan.
    let s = fan();
    let t = tol(8.0);
    let line = |a: Point, b: Point| Curve::Line { origin: a, dir: b.minus(a) };
    let (a, b, c, d, o) =
        (p(3.9, -0.1, 0.0), p(4.0, 0.0, 0.0), p(-4.0, 0.0, 0.0), p(-3.9, -0.1, 0.0), p(0.0, 0.0, 0.0));
    let bottom = line(d, a);
    let bottom_pts = discretise_edge(&bottom, d, a, true, &t).expect("edge");
    assert_eq!(bottom_pts.len(), 2, "a line edge is its two vertices");
    let unrefined = join(&[vec![a, b], vec![b, o], vec![o, c], vec![c, d], bottom_pts.clone()]);
    let wrong = triangles_only(&mesh_face(&s, true, &[unrefined], &t).expect("mesh")).area;
    assert!(wrong > 10.0, "without the split the face covers most of the fan's 16: {wrong}");

    let refined = refine_edge_on_surface(&bottom, &bottom_pts, &s, &t).expect("the bottom edge strays");
    assert!(refined.len() > 8, "{} points", refined.len());
    assert!(refined.iter().all(|q| (q.y + 0.1).abs() < 1e-12 && q.x.abs() <= 3.9), "points stay on the segment");
    let lp = join(&[vec![a, b], vec![b, o], vec![o, c], vec![c, d], refined.clone()]);
    let m = mesh_face(&s, true, &[lp], &t).expect("mesh");
    let drawn = triangles_only(&m).area;
    assert!((drawn - 0.79).abs() < 1e-6, "strip area {drawn} (vertices are f32)");
    // With the refined edge's chord samples the face's exact integrals follow the split edge too (its points
    // alone leave them 2.1e-8 off).
    let sampled = |curve: &Curve, points: Vec<Point>| EdgePoints { inner: chord_samples(curve, &points), points };
    let edges = [
        sampled(&line(a, b), vec![a, b]),
        sampled(&line(b, o), vec![b, o]),
        sampled(&line(o, c), vec![o, c]),
        sampled(&line(c, d), vec![c, d]),
        sampled(&bottom, refined.clone()),
    ];
    let lp = sampled_loop(&edges.iter().map(|e| (e, true)).collect::<Vec<_>>());
    assert_eq!(lp.inner.len(), lp.points.len(), "a sample triple per chord");
    let m = mesh_face(&s, true, &[lp], &t).expect("mesh");
    assert!((area(&m) - 0.79).abs() < 1e-9, "exact strip area {}", area(&m));
    // Edges along the fan's rows, and any edge on a plane, need nothing.
    assert_eq!(refine_edge_on_surface(&line(b, o), &[b, o], &s, &t), None);
    let plane = Surface::Plane(frame(o, p(0.0, 0.0, 1.0), p(1.0, 0.0, 0.0)));
    assert_eq!(refine_edge_on_surface(&bottom, &bottom_pts, &plane, &t), None);
}

#[test]
fn seam_sides_evaluated_apart_still_weld() {
    // The band's two seam sides as two edges evaluated apart (as an exporter that writes the seam twice
    // gives them): on one side y is r·sin 2π = −1.2e-15 instead of 0. Both come out as 0, so the band
    // and its caps weld into a closed mesh.
    let (r, h) = (5.0, 10.0);
    let t = tol(17.3);
    let bottom_c = Curve::Circle { frame: Frame::WORLD, radius: r };
    let top_c = Curve::Circle { frame: frame(p(0.0, 0.0, h), p(0.0, 0.0, 1.0), p(1.0, 0.0, 0.0)), radius: r };
    let (v0, v1) = (p(r, 0.0, 0.0), p(r, 0.0, h));
    let bottom = discretise_edge(&bottom_c, v0, v0, true, &t).expect("bottom");
    let top = discretise_edge(&top_c, v1, v1, true, &t).expect("top");
    // A seam with inner points, as a B-spline seam has them.
    let seam: Vec<Point> = (0..=4).map(|k| p(r, 0.0, h * f64::from(k) / 4.0)).collect();
    let turned = |q: &Point| p(r * TAU.cos(), r * TAU.sin(), q.z);
    let last = seam.len() - 1;
    let seam_at_tau: Vec<Point> =
        seam.iter().enumerate().map(|(i, q)| if i == 0 || i == last { *q } else { turned(q) }).collect();
    assert!(seam_at_tau[1].y != 0.0 && seam_at_tau[1].y.abs() < 1e-14, "a residue, not a gap");
    let band_loop = join(&[bottom.clone(), seam_at_tau, rev(&top), rev(&seam)]);
    let band = mesh_face(&Surface::Cylinder { frame: Frame::WORLD, radius: r }, true, &[band_loop], &t).expect("band");
    let bottom_plane = Surface::Plane(frame(p(0.0, 0.0, 0.0), p(0.0, 0.0, -1.0), p(1.0, 0.0, 0.0)));
    let cap0 = mesh_face(&bottom_plane, true, &[join(&[rev(&bottom)])], &t).expect("bottom cap");
    let top_plane = Surface::Plane(frame(p(0.0, 0.0, h), p(0.0, 0.0, 1.0), p(1.0, 0.0, 0.0)));
    let cap1 = mesh_face(&top_plane, true, &[join(&[top])], &t).expect("top cap");
    assert!(band.positions.iter().all(|q| q[1] == 0.0 || q[1].abs() > 1e-6), "no residue left in y");
    assert!(measure_faces(&[band, cap0, cap1], &Affine::IDENTITY).closed, "the seam sides weld");
}
