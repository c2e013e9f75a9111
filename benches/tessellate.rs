//! Tessellation benchmark (a bench binary, `cargo bench --bench tessellate`).
//!
//! Builds a synthetic 1000-face B-rep model in the shape a STEP reader hands to `cadlens::tessellate`:
//! 200 cylinders (band with seam + two cap discs = 600 faces), 200 plates with a round hole on a sphere
//! field (200 planar faces) and 200 hemispheres (equator + seam to the pole), all at the oracle's setting
//! (chord 0.1 % of the model diagonal, 0.5 rad). Times edge discretisation and face meshing together —
//! what a reader pays per file — and reports faces/s and triangles/s (best of `CADLENS_BENCH_RUNS`,
//! default 5, the least disturbed by the other work of a shared machine).

use std::time::{Duration, Instant};

use cadlens::model::geom::Point;
use cadlens::tessellate::{Curve, FaceLoop, Frame, Surface, Tolerance, discretise_edge, mesh_face};

fn p(x: f64, y: f64, z: f64) -> Point {
    Point::new(x, y, z)
}

fn frame_at(origin: Point, z: Point) -> Frame {
    Frame::new(origin, z, Some(p(1.0, 0.0, 0.0))).expect("valid frame")
}

fn join(edges: &[&[Point]]) -> FaceLoop {
    let mut points: Vec<Point> = Vec::new();
    for e in edges {
        for &q in *e {
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

/// Meshes the whole model once; returns (faces, triangles).
fn mesh_model(tol: &Tolerance) -> (usize, usize) {
    let mut faces = 0;
    let mut triangles = 0;
    let mut add = |m: cadlens::model::mesh::FaceMesh| {
        faces += 1;
        triangles += m.indices.len();
    };
    for k in 0..200 {
        let (x, y) = (f64::from(k % 20) * 30.0, f64::from(k / 20) * 30.0);
        let (r, h) = (3.0 + f64::from(k % 7), 10.0 + f64::from(k % 5) * 4.0);
        let c0 = frame_at(p(x, y, 0.0), p(0.0, 0.0, 1.0));
        let c1 = frame_at(p(x, y, h), p(0.0, 0.0, 1.0));
        let (v0, v1) = (p(x + r, y, 0.0), p(x + r, y, h));
        let bottom = discretise_edge(&Curve::Circle { frame: c0, radius: r }, v0, v0, true, tol).expect("edge");
        let top = discretise_edge(&Curve::Circle { frame: c1, radius: r }, v1, v1, true, tol).expect("edge");
        let seam =
            discretise_edge(&Curve::Line { origin: v0, dir: p(0.0, 0.0, 1.0) }, v0, v1, true, tol).expect("edge");
        let band = join(&[&bottom, &seam, &rev(&top), &rev(&seam)]);
        add(mesh_face(&Surface::Cylinder { frame: c0, radius: r }, true, &[band], tol).expect("band"));
        let down = frame_at(p(x, y, 0.0), p(0.0, 0.0, -1.0));
        add(mesh_face(&Surface::Plane(down), true, &[join(&[&rev(&bottom)])], tol).expect("cap"));
        add(mesh_face(&Surface::Plane(c1), true, &[join(&[&top])], tol).expect("cap"));
    }
    for k in 0..200 {
        let (x, y) = (f64::from(k % 20) * 30.0, f64::from(k / 20) * 30.0 + 400.0);
        let outer = [p(x, y, 0.0), p(x + 20.0, y, 0.0), p(x + 20.0, y + 20.0, 0.0), p(x, y + 20.0, 0.0)];
        let hc = frame_at(p(x + 10.0, y + 10.0, 0.0), p(0.0, 0.0, 1.0));
        let hv = p(x + 14.0, y + 10.0, 0.0);
        let hole = discretise_edge(&Curve::Circle { frame: hc, radius: 4.0 }, hv, hv, false, tol).expect("hole");
        add(mesh_face(&Surface::Plane(hc), true, &[join(&[&outer]), join(&[&hole])], tol).expect("plate"));
    }
    for k in 0..200 {
        let (x, y) = (f64::from(k % 20) * 30.0, f64::from(k / 20) * 30.0 + 800.0);
        let r = 4.0 + f64::from(k % 6);
        let c = frame_at(p(x, y, 0.0), p(0.0, 0.0, 1.0));
        let meridian = Frame::new(p(x, y, 0.0), p(0.0, -1.0, 0.0), Some(p(1.0, 0.0, 0.0))).expect("frame");
        let (v0, pole) = (p(x + r, y, 0.0), p(x, y, r));
        let equator = discretise_edge(&Curve::Circle { frame: c, radius: r }, v0, v0, true, tol).expect("edge");
        let seam = discretise_edge(&Curve::Circle { frame: meridian, radius: r }, v0, pole, true, tol).expect("edge");
        let lp = join(&[&equator, &seam, &rev(&seam)]);
        add(mesh_face(&Surface::Sphere { frame: c, radius: r }, true, &[lp], tol).expect("hemisphere"));
    }
    (faces, triangles)
}

fn main() {
    let runs: usize = std::env::var("CADLENS_BENCH_RUNS").ok().and_then(|s| s.parse().ok()).unwrap_or(5).max(1);
    // The model spans about 600 × 1200 × 26 units.
    let tol = Tolerance::for_diagonal(1342.0);
    let mut best = Duration::MAX;
    let mut counts = (0, 0);
    for _ in 0..runs {
        let started = Instant::now();
        counts = mesh_model(&tol);
        best = best.min(started.elapsed());
    }
    let secs = best.as_secs_f64();
    println!(
        "tessellate: {} faces, {} triangles in {:.1} ms (best of {runs}): {:.0} faces/s, {:.2} M triangles/s",
        counts.0,
        counts.1,
        secs * 1e3,
        counts.0 as f64 / secs,
        counts.1 as f64 / secs / 1e6
    );
    // Also at a tenth of the chord tolerance, to show how the work grows with precision.
    let fine = Tolerance { chord: tol.chord / 10.0, angle: tol.angle };
    let started = Instant::now();
    let fine_counts = mesh_model(&fine);
    let secs = started.elapsed().as_secs_f64();
    println!(
        "tessellate (chord / 10): {} triangles in {:.1} ms: {:.2} M triangles/s",
        fine_counts.1,
        secs * 1e3,
        fine_counts.1 as f64 / secs / 1e6
    );
}
