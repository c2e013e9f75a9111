//! The z-buffer rasteriser of 3D previews: [`Scene3d`] → supersampled colour and depth buffers → box
//! downsample → a tiny-skia [`Pixmap`] (premultiplied RGBA, encoded to PNG like the 2D previews).
//!
//! Triangles are scan-converted with integer edge functions on vertices snapped to 1/16 sample, stepped
//! incrementally over each triangle's bounding box, with the top-left rule: a pixel centre on an edge
//! shared by two triangles belongs to exactly one of them, so meshes have no seams and no double hits.
//! Depth is a plane evaluated per sample in f32. The image is cut into horizontal bands, one per thread;
//! each band walks all triangles and rejects those outside it by their y range first.
//!
//! Work is bounded: each band visits at most [`VISITS_PER_SAMPLE`] × its samples (samples tested, rows
//! started, edge stamps); past that it stops drawing (a pathological scene of huge overlapping
//! triangles), and the image is what was drawn by then.

use std::sync::atomic::{AtomicBool, Ordering};

use tiny_skia::Pixmap;

use super::raster::RasterError;
use super::scene3d::{Batch, Scene3d};
use super::{Background, shade};

/// Sub-sample precision of the snapped vertices (4 bits).
const SUB: i64 = 16;
/// Sample visits allowed per sample of a band (see the module comment).
const VISITS_PER_SAMPLE: u64 = 256;
/// Threads (bands) at most.
const MAX_THREADS: usize = 8;
/// Bounding boxes wider than this many samples are walked by inside spans (see [`inside_span`]).
const WIDE_SPAN: i64 = 32;
/// Sample rows per strip: at 2048 samples a row, a strip's colour and depth (256 KiB) stay in a core's
/// L2 cache.
const STRIP_ROWS: usize = 16;

/// The three vertices of a triangle, `None` when an index is out of range.
fn corners<'b>(batch: &'b Batch, tri: &[u32; 3]) -> Option<[&'b [f32; 3]; 3]> {
    Some([batch.verts.get(tri[0] as usize)?, batch.verts.get(tri[1] as usize)?, batch.verts.get(tri[2] as usize)?])
}

/// Rasterises the scene; `truncated` is set when a band ran out of its work budget.
pub fn to_pixmap(scene: &Scene3d) -> Result<Pixmap, RasterError> {
    let mut pixmap = Pixmap::new(scene.width, scene.height).ok_or(RasterError::Size(scene.width, scene.height))?;
    let ss = scene.ss as usize;
    let (w, h) = (scene.width as usize, scene.height as usize);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, MAX_THREADS);
    // Bands of whole pixel rows, so that each thread also downsamples its own band.
    let band_rows = h.div_ceil(threads).max(1);
    let background = shade::background(match scene.background {
        Background::Solid(c) => Some(c),
        Background::Transparent => None,
    });
    let truncated = AtomicBool::new(false);
    let out_rows = pixmap.data_mut().chunks_mut(band_rows * w * 4);
    let jobs: Vec<(usize, &mut [u8])> = out_rows.enumerate().map(|(i, rows)| (i * band_rows, rows)).collect();
    let run = |(row0, out): (usize, &mut [u8])| {
        let rows = out.len() / (w * 4);
        let mut band = Band::new(w * ss, row0 * ss, rows * ss, background);
        if !band.draw(scene) {
            truncated.store(true, Ordering::Relaxed);
        }
        band.downsample(ss, out);
    };
    if jobs.len() == 1 {
        jobs.into_iter().for_each(run);
    } else {
        std::thread::scope(|s| {
            for job in jobs {
                s.spawn(move || run(job));
            }
        });
    }
    Ok(pixmap)
}

/// The scene as PNG bytes (RGBA, 8 bits per channel), encoded as the 2D previews are.
pub fn to_png(scene: &Scene3d) -> Result<Vec<u8>, RasterError> {
    to_pixmap(scene)?.encode_png().map_err(|e| RasterError::Png(e.to_string()))
}

/// A horizontal band of sample rows `y0 .. y0 + rows` with its buffers.
struct Band {
    width: usize,
    y0: i64,
    rows: usize,
    colour: Vec<u32>,
    depth: Vec<f32>,
    budget: u64,
}

/// A triangle snapped to the sample grid, oriented counter-clockwise on screen (positive area).
struct Setup {
    x: [i64; 3],
    y: [i64; 3],
    /// Float sample positions with depth, in the oriented order.
    f: [[f32; 3]; 3],
    /// Vertices 1 and 2 were swapped to orient the triangle.
    swapped: bool,
}

impl Band {
    fn new(width: usize, y0: usize, rows: usize, background: u32) -> Band {
        Band {
            width,
            y0: y0 as i64,
            rows,
            colour: vec![background; width * rows],
            depth: vec![f32::INFINITY; width * rows],
            budget: VISITS_PER_SAMPLE * (width * rows) as u64,
        }
    }

    /// Draws every batch's triangles, then every batch's edges (over the finished depth buffer). `false`
    /// when the work budget ran out.
    fn draw(&mut self, scene: &Scene3d) -> bool {
        self.triangles(scene) && scene.batches.iter().all(|b| self.edges(b, scene.ss))
    }

    /// Triangles are first sorted into strips of [`STRIP_ROWS`] sample rows by the rows they touch, then
    /// drawn strip by strip: a strip's colour and depth rows stay in the cache while its triangles are
    /// drawn, whatever order the mesh lists them in. Within a strip the mesh order is kept.
    fn triangles(&mut self, scene: &Scene3d) -> bool {
        let strips = self.rows.div_ceil(STRIP_ROWS).max(1);
        let mut bins: Vec<Vec<(u32, u32)>> = vec![Vec::new(); strips];
        let (lo, hi) = (self.y0 as f32, (self.y0 + self.rows as i64) as f32);
        for (bi, batch) in scene.batches.iter().enumerate() {
            for (ti, tri) in batch.indices.iter().enumerate() {
                let Some([a, b, c]) = corners(batch, tri) else { continue };
                // NaN fails both comparisons, and so does a triangle outside the band.
                let (ymin, ymax) = (a[1].min(b[1]).min(c[1]), a[1].max(b[1]).max(c[1]));
                if !(ymax >= lo - 1.0 && ymin <= hi + 1.0) {
                    continue;
                }
                let strip = |y: f32| (((y - lo) as i64).max(0) as usize / STRIP_ROWS).min(strips - 1);
                for bin in &mut bins[strip(ymin)..=strip(ymax)] {
                    bin.push((bi as u32, ti as u32));
                }
            }
        }
        for (s, bin) in bins.iter().enumerate() {
            let rows = (self.y0 + (s * STRIP_ROWS) as i64, self.y0 + ((s + 1) * STRIP_ROWS).min(self.rows) as i64);
            for &(bi, ti) in bin {
                let batch = &scene.batches[bi as usize];
                let tri = &batch.indices[ti as usize];
                let Some(v) = corners(batch, tri) else { continue };
                let Some(setup) = Setup::new(v.map(|p| *p)) else { continue };
                if !self.fill(&setup, triangle_colours(batch, tri, v), rows) {
                    return false;
                }
            }
        }
        true
    }

    /// Scan-converts one triangle within sample rows `rows.0 .. rows.1` of the band; `false` when the
    /// budget is spent.
    fn fill(&mut self, t: &Setup, colours: Colours, rows: (i64, i64)) -> bool {
        let width = self.width as i64;
        // Sample (px, py) has its centre at (px + ½, py + ½) samples = px·SUB + SUB/2 in fixed point.
        let first = |v: i64| (v - SUB / 2 + SUB - 1).div_euclid(SUB);
        let last = |v: i64| (v - SUB / 2).div_euclid(SUB);
        let x0 = first(t.x[0].min(t.x[1]).min(t.x[2])).max(0);
        let x1 = last(t.x[0].max(t.x[1]).max(t.x[2])).min(width - 1);
        let y0 = first(t.y[0].min(t.y[1]).min(t.y[2])).max(rows.0);
        let y1 = last(t.y[0].max(t.y[1]).max(t.y[2])).min(rows.1 - 1);
        if x0 > x1 || y0 > y1 {
            return true;
        }
        let edges = [0, 1, 2].map(|k| Edge::new(t, k, x0, y0));
        let steps = edges.map(|e| e.step_x);
        let planes = Planes::new(t, &colours, x0, y0);
        let n = x1 - x0 + 1;
        for row in 0..=(y1 - y0) {
            let e: [i64; 3] = edges.map(|e| e.at_row_start + row * e.step_y);
            // Wide boxes (long thin triangles across the picture) visit only the row's inside span;
            // small ones test every sample of the box, which is cheaper than three divisions.
            let (lo, hi) = if n > WIDE_SPAN { inside_span(e, steps, n) } else { (0, n - 1) };
            // Every visited sample and every row counts against the budget.
            let visits = (hi - lo + 2).max(1) as u64;
            if visits > self.budget {
                return false;
            }
            self.budget -= visits;
            if lo > hi {
                continue;
            }
            let e = [0, 1, 2].map(|k| e[k] + steps[k] * lo);
            let start = (y0 + row - self.y0) as usize * self.width + (x0 + lo) as usize;
            let len = (hi - lo + 1) as usize;
            let depth = &mut self.depth[start..start + len];
            let colour = &mut self.colour[start..start + len];
            let z_row = planes.z.at(lo as f32, row as f32);
            match &colours {
                Colours::Flat(c) => span_flat(depth, colour, e, steps, z_row, planes.z.dx, *c),
                Colours::Smooth(_) => {
                    let rgb_row = planes.rgb.map(|p| p.at(lo as f32, row as f32));
                    let rgb_dx = planes.rgb.map(|p| p.dx);
                    span_smooth(depth, colour, e, steps, (z_row, planes.z.dx), (rgb_row, rgb_dx));
                }
            }
        }
        true
    }

    /// Draws the batch's feature edges one output pixel wide, in front of the surface they lie on.
    fn edges(&mut self, batch: &Batch, ss: u32) -> bool {
        let edges = batch.edges();
        if edges.is_empty() {
            return true;
        }
        let colour = shade::edge(batch.colour);
        let (lo, hi) = ((self.y0 as f32) - 4.0, (self.y0 + self.rows as i64) as f32 + 4.0);
        for e in edges {
            let (Some(p), Some(q)) = (batch.verts.get(e[0] as usize), batch.verts.get(e[1] as usize)) else {
                continue;
            };
            let near_band = p[1].max(q[1]) >= lo && p[1].min(q[1]) <= hi;
            if !(near_band && p[0].is_finite() && q[0].is_finite()) {
                continue;
            }
            if !self.line(*p, *q, ss as usize, colour) {
                return false;
            }
        }
        true
    }

    /// A line of `thick`-sample squares stamped every sample along p → q, drawn where it is not behind the
    /// surface by more than a few samples (the surface it lies on is at the same depth).
    fn line(&mut self, p: [f32; 3], q: [f32; 3], thick: usize, colour: u32) -> bool {
        let bias = 3.0 * thick as f32;
        let steps = (q[0] - p[0]).abs().max((q[1] - p[1]).abs()).ceil().max(1.0);
        // Both ends lie inside the image (the camera fits every vertex), so `steps` is at most its diagonal.
        let steps = steps.min(1.0e5) as usize;
        let cost = (steps as u64 + 1) * (thick * thick) as u64;
        if cost > self.budget {
            return false;
        }
        self.budget -= cost;
        let half = thick as f32 / 2.0;
        for i in 0..=steps {
            let t = i as f32 / steps as f32;
            let at = |k: usize| p[k] + (q[k] - p[k]) * t;
            let (x, y, z) = (at(0), at(1), at(2) - bias);
            let (sx, sy) = ((x - half + 0.5).floor() as i64, (y - half + 0.5).floor() as i64);
            for yy in sy.max(self.y0)..(sy + thick as i64).min(self.y0 + self.rows as i64) {
                let row = (yy - self.y0) as usize * self.width;
                for xx in sx.max(0)..(sx + thick as i64).min(self.width as i64) {
                    let i = row + xx as usize;
                    if z <= self.depth[i] {
                        self.colour[i] = colour;
                    }
                }
            }
        }
        true
    }

    /// Box-filters `ss`×`ss` samples into each pixel of `out` (premultiplied RGBA rows of this band).
    fn downsample(&self, ss: usize, out: &mut [u8]) {
        let w = self.width / ss;
        let n = (ss * ss) as u32;
        for (py, out_row) in out.chunks_mut(w * 4).enumerate() {
            for (px, pixel) in out_row.chunks_mut(4).enumerate() {
                let mut sum = [0u32; 4];
                for sy in 0..ss {
                    let row = (py * ss + sy) * self.width + px * ss;
                    for &s in &self.colour[row..row + ss] {
                        for (acc, byte) in sum.iter_mut().zip(s.to_le_bytes()) {
                            *acc += u32::from(byte);
                        }
                    }
                }
                for (dst, acc) in pixel.iter_mut().zip(sum) {
                    *dst = ((acc + n / 2) / n) as u8;
                }
            }
        }
    }
}

impl Setup {
    /// Snaps and orients a triangle; `None` when it is degenerate on the grid or not finite.
    fn new(mut f: [[f32; 3]; 3]) -> Option<Setup> {
        // Every finite vertex lies inside the image; this only guards the integer maths.
        if f.iter().flatten().any(|c| !c.is_finite() || c.abs() > 1.0e7) {
            return None;
        }
        // Round half up by adding ½ and truncating: `f32::round` is a library call on baseline x86-64, and
        // the snap only has to be the same function of a vertex for every triangle that shares it.
        let snap = |v: f32| (v * SUB as f32 + 0.5) as i64;
        let mut x = f.map(|v| snap(v[0]));
        let mut y = f.map(|v| snap(v[1]));
        let area = (x[1] - x[0]) * (y[2] - y[0]) - (x[2] - x[0]) * (y[1] - y[0]);
        if area == 0 {
            return None;
        }
        let swapped = area < 0;
        if swapped {
            x.swap(1, 2);
            y.swap(1, 2);
            f.swap(1, 2);
        }
        Some(Setup { x, y, f, swapped })
    }
}

/// One edge function a→b of an oriented triangle: positive inside, with the top-left rule folded in as a
/// −1 bias on edges that are neither top nor left.
#[derive(Clone, Copy)]
struct Edge {
    at_row_start: i64,
    step_x: i64,
    step_y: i64,
}

impl Edge {
    fn new(t: &Setup, k: usize, x0: i64, y0: i64) -> Edge {
        let (a, b) = (k, (k + 1) % 3);
        let (dx, dy) = (t.x[b] - t.x[a], t.y[b] - t.y[a]);
        // E(p) = dx·(p.y − a.y) − dy·(p.x − a.x); with y down and positive area the inside is E > 0.
        let (px, py) = (x0 * SUB + SUB / 2, y0 * SUB + SUB / 2);
        let e = dx * (py - t.y[a]) - dy * (px - t.x[a]);
        let top_left = dy < 0 || (dy == 0 && dx > 0);
        Edge { at_row_start: if top_left { e } else { e - 1 }, step_x: -dy * SUB, step_y: dx * SUB }
    }
}

/// What a triangle is painted with.
enum Colours {
    Flat(u32),
    /// Lit colours (0…255 per channel) at the three vertices, in the triangle's original order.
    Smooth([[f32; 3]; 3]),
}

/// The lit colour(s) of a triangle: its face normal (from the sample-space winding), or the vertex normals
/// when the batch has them.
fn triangle_colours(batch: &Batch, tri: &[u32; 3], v: [&[f32; 3]; 3]) -> Colours {
    let u = [v[1][0] - v[0][0], v[1][1] - v[0][1], v[1][2] - v[0][2]];
    let w = [v[2][0] - v[0][0], v[2][1] - v[0][1], v[2][2] - v[0][2]];
    let c = [u[1] * w[2] - u[2] * w[1], u[2] * w[0] - u[0] * w[2], u[0] * w[1] - u[1] * w[0]];
    // Sample space flips y against view space and the view basis is left-handed: the view normal is
    // (c.x, −c.y, c.z), reversed again for a mirroring instance.
    let sign = if batch.mirrored { -1.0 } else { 1.0 };
    let len = (c[0] * c[0] + c[1] * c[1] + c[2] * c[2]).sqrt();
    let n = [c[0], -c[1], c[2]].map(|x| sign * x / len);
    let (n, back) = shade::facing(n);
    let Some(normals) = &batch.normals else {
        return Colours::Flat(shade::lit(batch.colour, shade::intensity(n, back)));
    };
    let vertex = |i: u32| {
        let m = normals.get(i as usize).copied().unwrap_or(n);
        let m = if back { m.map(|x| -x) } else { m };
        let i = shade::intensity(m, back);
        batch.colour.map(|c| c * i * 255.0)
    };
    Colours::Smooth(tri.map(vertex))
}

/// A linear function over the triangle in samples, relative to the bounding box's first sample centre.
#[derive(Clone, Copy)]
struct Plane {
    at0: f32,
    dx: f32,
    dy: f32,
}

impl Plane {
    fn at(&self, x: f32, y: f32) -> f32 {
        self.at0 + self.dx * x + self.dy * y
    }
}

/// Depth and (for smooth triangles) the colour channels as planes.
struct Planes {
    z: Plane,
    rgb: [Plane; 3],
}

impl Planes {
    fn new(t: &Setup, colours: &Colours, x0: i64, y0: i64) -> Planes {
        let p = t.x.map(|v| v as f32 / SUB as f32);
        let q = t.y.map(|v| v as f32 / SUB as f32);
        let (d1, d2) = ([p[1] - p[0], q[1] - q[0]], [p[2] - p[0], q[2] - q[0]]);
        let det = d1[0] * d2[1] - d2[0] * d1[1];
        let origin = [x0 as f32 + 0.5 - p[0], y0 as f32 + 0.5 - q[0]];
        let plane = |f: [f32; 3]| {
            let (fb, fc) = (f[1] - f[0], f[2] - f[0]);
            let dx = (fb * d2[1] - fc * d1[1]) / det;
            let dy = (fc * d1[0] - fb * d2[0]) / det;
            Plane { at0: f[0] + dx * origin[0] + dy * origin[1], dx, dy }
        };
        let z = plane(t.f.map(|v| v[2]));
        let rgb = match colours {
            Colours::Flat(_) => [Plane { at0: 0.0, dx: 0.0, dy: 0.0 }; 3],
            Colours::Smooth(c) => {
                // The colours are in the triangle's original vertex order; the setup may have swapped 1 and 2.
                let c = if t.swapped { [c[0], c[2], c[1]] } else { *c };
                [0, 1, 2].map(|k| plane([c[0][k], c[1][k], c[2][k]]))
            }
        };
        Planes { z, rgb }
    }
}

/// Columns `lo..=hi` of a row (of `n`, starting at edge values `e` and stepping by `steps`) where all three
/// edge functions are ≥ 0; `lo > hi` when there is none.
fn inside_span(e: [i64; 3], steps: [i64; 3], n: i64) -> (i64, i64) {
    let (mut lo, mut hi) = (0, n - 1);
    for (v, s) in e.into_iter().zip(steps) {
        match s.signum() {
            // v + s·c ≥ 0 ⇔ c ≥ ⌈−v / s⌉
            1 => lo = lo.max(-(v.div_euclid(s))),
            // v + s·c ≥ 0 ⇔ c ≤ ⌊v / −s⌋
            -1 => hi = hi.min(v.div_euclid(-s)),
            _ if v < 0 => return (1, 0),
            _ => {}
        }
    }
    (lo, hi)
}

/// One row of a flat-shaded triangle.
fn span_flat(depth: &mut [f32], colour: &mut [u32], mut e: [i64; 3], step: [i64; 3], z0: f32, dz: f32, c: u32) {
    for (k, (d, out)) in depth.iter_mut().zip(colour.iter_mut()).enumerate() {
        if (e[0] | e[1] | e[2]) >= 0 {
            let z = z0 + dz * k as f32;
            if z < *d {
                *d = z;
                *out = c;
            }
        }
        e[0] += step[0];
        e[1] += step[1];
        e[2] += step[2];
    }
}

/// One row of a smooth-shaded triangle: the colour planes are evaluated per sample too.
fn span_smooth(
    depth: &mut [f32],
    colour: &mut [u32],
    mut e: [i64; 3],
    step: [i64; 3],
    (z0, dz): (f32, f32),
    (rgb0, drgb): ([f32; 3], [f32; 3]),
) {
    for (k, (d, out)) in depth.iter_mut().zip(colour.iter_mut()).enumerate() {
        if (e[0] | e[1] | e[2]) >= 0 {
            let kf = k as f32;
            let z = z0 + dz * kf;
            if z < *d {
                *d = z;
                let ch = |i: usize| (rgb0[i] + drgb[i] * kf).clamp(0.0, 255.0) as u8;
                *out = u32::from_le_bytes([ch(0), ch(1), ch(2), 255]);
            }
        }
        e[0] += step[0];
        e[1] += step[1];
        e[2] += step[2];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FaceMesh, Model3d, Node, PartDef, Rgb, Solid};
    use crate::render::{RenderOptions, View, build_scene3d};

    /// A unit cube, 12 outward triangles on 8 shared vertices.
    fn cube() -> FaceMesh {
        let positions = vec![
            [0.0, 0.0, 0.0],
            [1.0, 0.0, 0.0],
            [1.0, 1.0, 0.0],
            [0.0, 1.0, 0.0],
            [0.0, 0.0, 1.0],
            [1.0, 0.0, 1.0],
            [1.0, 1.0, 1.0],
            [0.0, 1.0, 1.0],
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
        FaceMesh { positions, indices, ..FaceMesh::default() }
    }

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

    fn render(m: &Model3d, opts: &RenderOptions) -> Pixmap {
        to_pixmap(&build_scene3d(m, opts).expect("a scene")).expect("renders")
    }

    fn rgba(p: &Pixmap, x: u32, y: u32) -> [u8; 4] {
        let c = p.pixel(x, y).expect("in range").demultiply();
        [c.red(), c.green(), c.blue(), c.alpha()]
    }

    #[test]
    fn an_iso_cube_shows_three_shades_and_a_background() {
        let opts = RenderOptions { width: 64, height: 64, edges: false, ..RenderOptions::default() };
        let p = render(&model(cube()), &opts);
        assert_eq!(rgba(&p, 0, 0), [255, 255, 255, 255]);
        // The hexagon's top third is the top face, the lower left the +X face, the lower right the +Y face.
        let (top, left, right) = (rgba(&p, 32, 18), rgba(&p, 22, 40), rgba(&p, 42, 40));
        let lum = |c: [u8; 4]| u32::from(c[0]) + u32::from(c[1]) + u32::from(c[2]);
        assert!(lum(top) > lum(left) + 30 && lum(left) > lum(right) + 30, "{top:?} {left:?} {right:?}");
        // The default grey-blue: blue is the strongest channel.
        assert!(top[2] > top[0] && top[3] == 255, "{top:?}");
    }

    #[test]
    fn a_top_view_of_a_cube_is_a_square_with_crisp_sides() {
        let opts = RenderOptions { width: 100, height: 60, view: View::Top, edges: false, ..RenderOptions::default() };
        let p = render(&model(cube()), &opts);
        let ink: Vec<(u32, u32)> = (0..60)
            .flat_map(|y| (0..100).map(move |x| (x, y)))
            .filter(|&(x, y)| rgba(&p, x, y) != [255, 255, 255, 255])
            .collect();
        // 90 % of 60 rows = 54 px square, centred: columns 23..77, rows 3..57.
        let (xs, ys): (Vec<u32>, Vec<u32>) = ink.iter().copied().unzip();
        let bbox = (xs.iter().min(), xs.iter().max(), ys.iter().min(), ys.iter().max());
        assert_eq!(bbox, (Some(&23), Some(&76), Some(&3), Some(&56)));
        assert_eq!(ink.len(), 54 * 54);
    }

    #[test]
    fn shared_edges_have_no_seams_and_no_double_hits() {
        // A flat square of two triangles seen from the top: every inside pixel is fully covered.
        let square = FaceMesh {
            positions: vec![[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [1.0, 1.0, 0.0], [0.0, 1.0, 0.0]],
            indices: vec![[0, 1, 2], [0, 2, 3]],
            ..FaceMesh::default()
        };
        let opts = RenderOptions { width: 50, height: 50, view: View::Top, edges: false, ..RenderOptions::default() };
        let p = render(&model(square), &opts);
        let inside = rgba(&p, 25, 25);
        for (x, y) in [(10, 10), (20, 20), (30, 30), (39, 39), (12, 37)] {
            assert_eq!(rgba(&p, x, y), inside, "({x}, {y})");
        }
    }

    #[test]
    fn feature_edges_darken_the_outline_and_transparent_stays_clear() {
        let base = RenderOptions { width: 64, height: 64, view: View::Top, ..RenderOptions::default() };
        let with = render(&model(cube()), &RenderOptions { background: Background::Transparent, ..base.clone() });
        let without = render(&model(cube()), &RenderOptions { edges: false, ..base });
        // The square's left side is at x = 3.2 px (5 % margin of 64); the one-pixel edge line is centred on
        // it: half over the face in pixel 3, half outside in pixel 2.
        let (a, b) = (rgba(&with, 3, 32), rgba(&without, 3, 32));
        assert!(u32::from(a[0]) * 4 < u32::from(b[0]) * 3, "edge {a:?}, face {b:?}");
        assert!((100..160).contains(&rgba(&with, 2, 32)[3]), "{:?}", rgba(&with, 2, 32));
        assert_eq!(rgba(&with, 20, 32), b);
        assert_eq!(rgba(&with, 0, 0)[3], 0);
        assert_eq!(rgba(&with, 32, 32)[3], 255);
    }

    #[test]
    fn colours_overrides_and_backgrounds() {
        let mut face = cube();
        face.colour = Some(crate::model::Rgba::opaque(1.0, 0.0, 0.0));
        let mut m = model(face);
        let opts = RenderOptions {
            width: 40,
            height: 40,
            view: View::Top,
            background: Background::Solid(Rgb(0, 0, 0)),
            edges: false,
            ..RenderOptions::default()
        };
        let red = rgba(&render(&m, &opts), 20, 20);
        assert!(red[0] > 150 && red[1] == 0 && red[2] == 0, "{red:?}");
        assert_eq!(rgba(&render(&m, &opts), 0, 0), [0, 0, 0, 255]);
        m.roots[0].colour_override = Some(crate::model::Rgba::opaque(0.0, 1.0, 0.0));
        let green = rgba(&render(&m, &opts), 20, 20);
        assert!(green[1] > 150 && green[0] == 0, "{green:?}");
    }

    #[test]
    fn nan_degenerate_and_out_of_range_triangles_draw_nothing_and_do_not_panic() {
        let face = FaceMesh {
            positions: vec![
                [0.0, 0.0, 0.0],
                [1.0, 0.0, 0.0],
                [2.0, 0.0, 0.0],
                [f32::NAN, 1.0, 0.0],
                [f32::MAX, 0.0, 0.0],
            ],
            indices: vec![[0, 1, 2], [0, 1, 3], [0, 1, 4], [0, 1, 99]],
            ..FaceMesh::default()
        };
        let opts = RenderOptions { width: 32, height: 32, ..RenderOptions::default() };
        let m = model(face);
        let scene = build_scene3d(&m, &opts).expect("finite vertices exist");
        let p = to_pixmap(&scene).expect("renders");
        assert!(p.pixels().iter().all(|c| c.red() == 255 && c.alpha() == 255));
    }

    #[test]
    fn inside_spans_are_exactly_the_samples_the_edge_test_accepts() {
        let mut seed = 12345u64;
        let mut next = |m: i64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as i64 % m - m / 2
        };
        for _ in 0..2000 {
            let (e, s) = ([next(4000), next(4000), next(4000)], [next(64), next(64), 0]);
            let n = 100;
            let inside: Vec<i64> = (0..n).filter(|&c| (0..3).all(|k| e[k] + s[k] * c >= 0)).collect();
            let (lo, hi) = inside_span(e, s, n);
            let span: Vec<i64> = (lo..=hi).collect();
            assert_eq!(span, inside, "{e:?} {s:?}");
        }
    }

    #[test]
    fn long_thin_triangles_across_the_picture_are_drawn_whole() {
        // 400 slivers over a 1000 × 1000 square, each a few samples wide at its base and hundreds of
        // samples across its box: drawn through the inside spans, and every one of them.
        let mut face = FaceMesh::default();
        for i in 0..400u32 {
            let x = i as f32 * 2.5;
            face.positions.extend([[x, 0.0, 0.0], [x + 1.0, 0.0, 0.0], [1000.0, 1000.0, 0.0]]);
            face.indices.push([3 * i, 3 * i + 1, 3 * i + 2]);
        }
        let opts = RenderOptions { width: 200, height: 200, view: View::Top, edges: false, ..RenderOptions::default() };
        let p = render(&model(face), &opts);
        // The last sliver starts at x = 997.5 of 1000: its base still shows at the bottom right.
        let base = rgba(&p, 189, 189);
        assert_ne!(base, [255, 255, 255, 255]);
        let ink = p.pixels().iter().filter(|c| c.red() != 255).count();
        assert!(ink > 8_000, "{ink}");
    }

    #[test]
    fn mirrored_instances_keep_their_outside_lit() {
        let mut m = model(cube());
        let opts = RenderOptions { width: 40, height: 40, view: View::Top, edges: false, ..RenderOptions::default() };
        let plain = rgba(&render(&m, &opts), 20, 20);
        m.roots[0].transform = crate::model::geom::Affine::scaling(-1.0, 1.0, 1.0);
        assert_eq!(rgba(&render(&m, &opts), 20, 20), plain);
    }
}
