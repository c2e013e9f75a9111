//! The z-buffer rasteriser of 3D previews: [`Scene3d`] → supersampled colour and depth, one strip of
//! sample rows at a time → box downsample → a tiny-skia [`Pixmap`] (premultiplied RGBA, encoded to PNG
//! like the 2D previews).
//!
//! Triangles are scan-converted with integer edge functions on vertices snapped to 1/16 sample, stepped
//! incrementally over each triangle's bounding box, with the top-left rule: a pixel centre on an edge
//! shared by two triangles belongs to exactly one of them, so meshes have no seams and no double hits.
//! Depth is a plane evaluated per sample in f32, from the first sample of the triangle's box in the whole
//! picture, so a triangle's samples do not depend on which strip or thread paints them.
//!
//! Every triangle is first set up once (snap, orient, depth plane, colour; triangles that cover no sample
//! centre, and back faces of closed solids, go no further) and copied into the strips of [`STRIP_ROWS`]
//! sample rows it touches: by [`bin_early`] while the feature edges are still being found (large meshes,
//! see `scene3d`), or here, each thread taking one slice of the mesh order. Then the threads paint groups
//! of [`GROUP_STRIPS`] strips, each taking the next group from a shared counter: the work of a picture is
//! seldom even over its rows (the iso view of a UV sphere has most of its triangles round the upper pole),
//! and a thread that would wait for another with fixed halves takes more groups instead. A strip is
//! painted into buffers of one strip (they stay in the cache), with the slices' triangles in slice order
//! (so in mesh order: ties in depth resolve as in one whole-image pass), then gets its feature edges and
//! the wires (STEP wireframe: one-pixel lines and three-pixel points, depth-tested like the edges), and is
//! downsampled into the picture.
//!
//! Work is bounded: each group visits at most [`VISITS_PER_SAMPLE`] × its samples (samples tested, rows
//! started, edge stamps); past that it stops drawing (a pathological scene of huge overlapping
//! triangles), and the image is what was drawn by then.

use std::ops::Range;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use tiny_skia::Pixmap;

use super::raster::RasterError;
use super::scene3d::{Batch, Scene3d, WireLine};
use super::{Background, shade};

/// Sub-sample precision of the snapped vertices (4 bits).
const SUB: i64 = 16;
/// Sample visits allowed per sample of a group of strips (see the module comment).
const VISITS_PER_SAMPLE: u64 = 256;
/// Threads at most.
const MAX_THREADS: usize = 8;
/// Bounding boxes wider than this many samples are walked by inside spans (see [`inside_span`]).
const WIDE_SPAN: i64 = 32;
/// Sample rows per strip: at 2048 samples a row, a strip's colour and depth (256 KiB) stay in a core's
/// L2 cache. A multiple of every supersampling factor, so that a strip downsamples to whole pixel rows.
const STRIP_ROWS: usize = 16;
/// Strips a thread takes at a time: small enough that the last groups even out the threads' work (a
/// 2048-sample-high picture has 64 groups), large enough that taking one costs nothing.
const GROUP_STRIPS: usize = 2;
/// Meshes from this many triangles up are set up and binned by every thread, a slice each (below it,
/// one slice: threads cost more than they save).
const SLICES_FROM: usize = 1 << 14;
/// Edge functions of a triangle whose box spans less than this (width × height in 1/16 samples) stay
/// below 2²⁹ in magnitude over its box, so its rows are stepped in `i32`, which the compiler vectorises.
const SMALL_BOX: i64 = 1 << 28;
/// A free point of a wireframe is a square this many pixels wide (a wire is one pixel wide).
const POINT_PIXELS: usize = 3;

/// The ends of segment `k` of a wire (a one-vertex wire, a point, is the segment from it to itself).
fn wire_segment(w: &WireLine, k: usize) -> Option<([f32; 3], [f32; 3])> {
    let p = *w.verts.get(k)?;
    let q = if w.verts.len() == 1 { p } else { *w.verts.get(k + 1)? };
    Some((p, q))
}

/// The three vertices of a triangle, `None` when an index is out of range.
fn corners<'b>(batch: &'b Batch, tri: &[u32; 3]) -> Option<[&'b [f32; 3]; 3]> {
    Some([batch.verts.get(tri[0] as usize)?, batch.verts.get(tri[1] as usize)?, batch.verts.get(tri[2] as usize)?])
}

/// Threads to paint with.
fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, MAX_THREADS)
}

/// Rasterises the scene.
pub fn to_pixmap(scene: &Scene3d) -> Result<Pixmap, RasterError> {
    to_pixmap_with(scene, threads())
}

/// [`to_pixmap`] on `threads` threads (the picture does not depend on it).
fn to_pixmap_with(scene: &Scene3d, threads: usize) -> Result<Pixmap, RasterError> {
    let mut pixmap = Pixmap::new(scene.width, scene.height).ok_or(RasterError::Size(scene.width, scene.height))?;
    let ss = scene.ss.max(1) as usize;
    let w = scene.width as usize;
    let rows = Rows::new(w * ss, scene.height as usize * ss);
    let background = shade::background(match scene.background {
        Background::Solid(c) => Some(c),
        Background::Transparent => None,
    });
    // The triangles as binned while the feature edges were found, if that was for this picture; else
    // binned now.
    let own: Vec<TriBins>;
    let slices: Vec<&TriBins> = match scene.early.as_ref().map(|e| &e.bins).filter(|b| b.rows == rows) {
        Some(bins) => vec![bins],
        None => {
            own = bin_slices(rows, &scene.batches, threads);
            own.iter().collect()
        }
    };
    // Back faces listed apart are set up and painted only when one of their solids is not closed.
    let backs: Vec<Option<TriBins>> = slices
        .iter()
        .map(|p| {
            let shown =
                p.undecided.iter().any(|&b| scene.batches.get(b as usize).is_some_and(|batch| !batch.cull_back));
            shown.then(|| bin_back(p, &scene.batches))
        })
        .collect();
    let layers: Vec<(&TriBins, Option<&TriBins>)> =
        slices.iter().copied().zip(backs.iter().map(Option::as_ref)).collect();
    // The picture's rows in groups of strips, each group's pixel rows behind a lock that only the thread
    // taking the group ever asks for.
    let group_rows = GROUP_STRIPS * STRIP_ROWS / ss;
    let groups: Vec<Mutex<&mut [u8]>> = pixmap.data_mut().chunks_mut(group_rows * w * 4).map(Mutex::new).collect();
    let next = AtomicUsize::new(0);
    let run = || {
        let mut band = Band::new(rows.width, background);
        let lines = bin_lines(scene, rows);
        loop {
            let g = next.fetch_add(1, Ordering::Relaxed);
            let Some(group) = groups.get(g) else { break };
            let mut out = group.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let strips = g * GROUP_STRIPS..((g + 1) * GROUP_STRIPS).min(rows.strips);
            band.draw(scene, ss, &layers, &lines, rows, strips, &mut out);
        }
    };
    let threads = threads.clamp(1, groups.len().max(1));
    if threads == 1 {
        run();
    } else {
        std::thread::scope(|s| {
            for _ in 1..threads {
                s.spawn(run);
            }
            run();
        });
    }
    Ok(pixmap)
}

/// Sets up and bins the triangles of `batches` (back faces of closed solids culled), in `threads`
/// slices of the mesh order, one per thread, each for the whole picture.
fn bin_slices(rows: Rows, batches: &[Batch], threads: usize) -> Vec<TriBins> {
    let total: usize = batches.iter().map(|b| b.indices.len()).sum();
    let slices = if total >= SLICES_FROM { threads.max(1) } else { 1 };
    let mode = |_, b: &Batch| if b.cull_back { BackFaces::Culled } else { BackFaces::Shown };
    let slice = |k: usize| bin_triangles(rows, batches, total * k / slices..total * (k + 1) / slices, mode);
    if slices == 1 {
        return vec![slice(0)];
    }
    std::thread::scope(|s| {
        let helpers: Vec<_> = (1..slices).map(|k| s.spawn(move || slice(k))).collect();
        let mut out = vec![slice(0)];
        out.extend(helpers.into_iter().map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))));
        out
    })
}

/// The picture's triangles set up and binned by [`bin_early`], before the feature edges (and so whether
/// each solid is closed and its back faces may be culled) were known.
pub struct EarlyBins {
    bins: TriBins,
}

impl std::fmt::Debug for EarlyBins {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let triangles: usize = self.bins.bins.iter().map(Bin::len).sum();
        f.debug_struct("EarlyBins")
            .field("strips", &self.bins.bins.len())
            .field("triangles", &triangles)
            .field("undecided", &self.bins.back.len())
            .finish()
    }
}

/// Sets up and bins the triangles of `batches` for the picture [`to_pixmap`] will paint (`width` ×
/// `height` pixels, `ss` samples per pixel), so that this can run while the feature edges are still being
/// found. `undecided[b]` says that batch b's back faces will be culled if its solid turns out closed: they
/// are only listed ([`TriBins::back`]), and set up when painting only if it is not, then painted in mesh
/// order among the others. So the picture is the one binning after the edges gives, and a closed solid's
/// back faces (half its triangles) cost a list entry instead of a set-up.
pub fn bin_early(batches: &[Batch], undecided: &[bool], width: u32, height: u32, ss: u32) -> EarlyBins {
    let ss = ss.max(1) as usize;
    let rows = Rows::new(width as usize * ss, height as usize * ss);
    let total: usize = batches.iter().map(|b| b.indices.len()).sum();
    let bins = bin_triangles(rows, batches, 0..total, |b, _| {
        if undecided.get(b).copied().unwrap_or(false) { BackFaces::Undecided } else { BackFaces::Shown }
    });
    EarlyBins { bins }
}

/// What the binning does with a batch's back faces.
#[derive(Clone, Copy, PartialEq, Eq)]
enum BackFaces {
    /// Hidden (a closed solid): dropped before any set-up.
    Culled,
    Shown,
    /// Not known yet: listed apart, without set-up.
    Undecided,
}

/// The sample rows of the picture, as binning sees them.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Rows {
    /// Samples per row.
    width: usize,
    rows: usize,
    strips: usize,
}

impl Rows {
    fn new(width: usize, rows: usize) -> Rows {
        Rows { width, rows, strips: rows.div_ceil(STRIP_ROWS).max(1) }
    }

    /// The strip of sample row `y` (clamped to the picture).
    fn strip(&self, y: i64) -> usize {
        (y.max(0) as usize / STRIP_ROWS).min(self.strips - 1)
    }

    /// Sample rows of strip `s`.
    fn of_strip(&self, s: usize) -> (i64, i64) {
        ((s * STRIP_ROWS).min(self.rows) as i64, ((s + 1) * STRIP_ROWS).min(self.rows) as i64)
    }
}

/// The scene as PNG bytes (RGBA, 8 bits per channel), encoded as the 2D previews are.
pub fn to_png(scene: &Scene3d) -> Result<Vec<u8>, RasterError> {
    to_pixmap(scene)?.encode_png().map_err(|e| RasterError::Png(e.to_string()))
}

/// One thread's painting state: the colour and depth of one strip and the work budget of the group of
/// strips being painted.
struct Band {
    width: usize,
    background: u32,
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

/// A triangle ready to paint: snapped and oriented vertices, its depth plane from the first sample of
/// its box ([`SampleBox`]), and its colour. 44 bytes: the box is found again from the vertices when
/// painting (the minima and maxima are needed there anyway), which is cheaper than moving it through
/// memory for a million triangles.
#[derive(Clone, Copy)]
struct Tri {
    x: [i32; 3],
    y: [i32; 3],
    z: Plane,
    /// The flat colour, or for a smooth triangle the index of its colour planes.
    colour: u32,
    smooth: bool,
}

/// The samples a snapped triangle's box covers in a picture `width` samples wide: first and last column,
/// first and last row (rows not clipped below: the strips do that), and the box's extent in 1/16 samples
/// (width × height). Empty (first after last) for a triangle between sample centres.
struct SampleBox {
    x0: i64,
    x1: i64,
    y0: i64,
    y1: i64,
    extent: i64,
}

impl SampleBox {
    #[inline(always)]
    fn new(x: &[i64; 3], y: &[i64; 3], width: usize) -> SampleBox {
        let (xmin, xmax) = (x[0].min(x[1]).min(x[2]), x[0].max(x[1]).max(x[2]));
        let (ymin, ymax) = (y[0].min(y[1]).min(y[2]), y[0].max(y[1]).max(y[2]));
        SampleBox {
            x0: first_sample(xmin).max(0),
            x1: last_sample(xmax).min(width as i64 - 1),
            y0: first_sample(ymin).max(0),
            y1: last_sample(ymax),
            extent: (xmax - xmin) * (ymax - ymin),
        }
    }
}

/// Triangles set up and sorted into the strips of the picture they reach: the whole mesh, or one slice
/// of its order.
struct TriBins {
    /// The picture they were binned for.
    rows: Rows,
    /// Colour planes of smooth triangles.
    rgb: Vec<[Plane; 3]>,
    /// Per strip: its triangles, in mesh order. Copies rather than indices into one list: a strip then
    /// reads its triangles front to back, where indices would scatter its reads over the whole list (a
    /// cache miss per triangle); the few triangles that straddle strips are copied twice.
    bins: Vec<Bin>,
    /// The back faces of batches whose culling was [`BackFaces::Undecided`], in mesh order, not yet set
    /// up.
    back: Vec<BackRef>,
    /// The batches with triangles in `back`, ascending.
    undecided: Vec<u32>,
}

impl TriBins {
    fn new(rows: Rows) -> TriBins {
        TriBins {
            rows,
            rgb: Vec::new(),
            bins: (0..rows.strips).map(|_| Bin::default()).collect(),
            back: Vec::new(),
            undecided: Vec::new(),
        }
    }
}

/// Sets up and bins the back faces `p` listed whose batches are not culled (their solid is not closed);
/// the result has no list of its own, and its bins keep the mesh order of each triangle to merge them
/// with `p`'s.
fn bin_back(p: &TriBins, batches: &[Batch]) -> TriBins {
    let mut out = TriBins::new(p.rows);
    for r in &p.back {
        let Some(batch) = batches.get(r.batch as usize).filter(|b| !b.cull_back) else { continue };
        let Some(tri) = batch.indices.get(r.tri as usize) else { continue };
        let Some(v) = corners(batch, tri) else { continue };
        let Some(t) = Setup::new(v.map(|p| *p)) else { continue };
        bin(p.rows, &t, || triangle_colours(batch, tri, v), Some(r.order), &mut out.rgb, &mut out.bins);
    }
    out
}

/// Triangles a strip's bin holds in one chunk (44 KiB).
const CHUNK: usize = 1024;

/// A strip's triangles, in chunks of [`CHUNK`]: growing never copies what is there. Growing one vector
/// by doubling copied each strip's triangles into fresh memory about once more, and on a
/// million-triangle mesh those copies and the page faults of the memory they touch for the first time
/// were a tenth of the binning.
#[derive(Default)]
struct Bin {
    chunks: Vec<Vec<Tri>>,
    /// The place of each triangle in the mesh order, kept only by bins that have listed back faces to
    /// merge in (see [`strip_triangles`](Band::strip_triangles)): everywhere else it would be 4 more
    /// bytes a triangle written and read for nothing.
    orders: Vec<u32>,
}

impl Bin {
    #[inline]
    fn push(&mut self, t: Tri) {
        match self.chunks.last_mut() {
            Some(chunk) if chunk.len() < chunk.capacity() => chunk.push(t),
            _ => {
                let mut chunk = Vec::with_capacity(CHUNK);
                chunk.push(t);
                self.chunks.push(chunk);
            }
        }
    }

    fn iter(&self) -> impl Iterator<Item = &Tri> {
        self.chunks.iter().flatten()
    }

    fn len(&self) -> usize {
        self.chunks.iter().map(Vec::len).sum()
    }
}

/// A back face listed apart: its place in the mesh order, batch and triangle.
#[derive(Clone, Copy)]
struct BackRef {
    order: u32,
    batch: u32,
    tri: u32,
}

/// The picture's lines, sorted into the strips they reach.
struct LineBins {
    /// Per strip: feature edges crossing it, as (batch, edge) indices.
    edges: Vec<Vec<(u32, u32)>>,
    /// Per strip: wire segments crossing it, as (wire, segment) indices.
    wires: Vec<Vec<(u32, u32)>>,
}

/// Sets up the triangles numbered `range` in the mesh order (over all batches) and sorts them into the
/// picture's strips by the rows they touch; `back_faces` says, per batch (index and batch), what becomes
/// of its back faces.
fn bin_triangles(
    rows: Rows,
    batches: &[Batch],
    range: Range<usize>,
    back_faces: impl Fn(usize, &Batch) -> BackFaces,
) -> TriBins {
    let mut out = TriBins::new(rows);
    // Where each batch starts in the mesh order.
    let mut first = 0usize;
    let modes: Vec<(BackFaces, Range<usize>)> = batches
        .iter()
        .enumerate()
        .map(|(bi, batch)| {
            let mode = match back_faces(bi, batch) {
                // Batch and triangle numbers must fit a `BackRef` (always: that many cannot be in
                // memory); if not, the back faces are set up and binned as shown ones.
                BackFaces::Undecided if u32::try_from(bi).is_err() || u32::try_from(batch.indices.len()).is_err() => {
                    BackFaces::Shown
                }
                mode => mode,
            };
            // This batch's triangles within the slice, as indices into its own list.
            let own = range.start.max(first) - first..range.end.min(first + batch.indices.len()).max(first) - first;
            first += batch.indices.len();
            (mode, own)
        })
        .collect();
    // The slice's share of the lists that grow by doubling, reserved once (address space only; pages are
    // touched as they fill), so that they are never copied.
    let listed: usize = modes.iter().filter(|m| m.0 == BackFaces::Undecided).map(|m| m.1.len()).sum();
    let smooth: usize = batches.iter().zip(&modes).filter(|(b, _)| b.normals.is_some()).map(|(_, m)| m.1.len()).sum();
    out.back.reserve(listed);
    out.rgb.reserve(smooth);
    // Triangles are numbered in the mesh order for the merge of listed back faces (saturating: only past
    // 2³² triangles in one scene, far beyond any model, could a tie in depth between a listed back face
    // and another triangle resolve differently).
    let mut order_of_batch = 0usize;
    for ((bi, batch), (mode, own)) in batches.iter().enumerate().zip(modes) {
        let base = order_of_batch;
        order_of_batch += batch.indices.len();
        let keep_order = listed > 0;
        let Some(tris) = batch.indices.get(own.clone()) else { continue };
        for (k, tri) in tris.iter().enumerate() {
            let Some(v) = corners(batch, tri) else { continue };
            let ti = own.start + k;
            let order = u32::try_from(base + ti).unwrap_or(u32::MAX);
            if mode != BackFaces::Shown && hidden_back_face(batch, v) {
                // Hidden back faces (half of a closed solid) go before any set-up.
                if mode == BackFaces::Undecided {
                    out.back.push(BackRef { order, batch: bi as u32, tri: ti as u32 });
                    if out.undecided.last() != Some(&(bi as u32)) {
                        out.undecided.push(bi as u32);
                    }
                }
                continue;
            }
            let Some(t) = Setup::new(v.map(|p| *p)) else { continue };
            let order = keep_order.then_some(order);
            bin(rows, &t, || triangle_colours(batch, tri, v), order, &mut out.rgb, &mut out.bins);
        }
    }
    out
}

/// Bins the set-up triangle `t` into the strips of the picture `rows` whose sample centres it may cover
/// (none: nowhere), with its place in the mesh order if the bins keep it; `colours` gives its colours
/// when they are needed.
#[inline(always)]
fn bin(
    rows: Rows,
    t: &Setup,
    colours: impl FnOnce() -> Colours,
    order: Option<u32>,
    rgb: &mut Vec<[Plane; 3]>,
    bins: &mut [Bin],
) {
    let b = SampleBox::new(&t.x, &t.y, rows.width);
    let y1 = b.y1.min(rows.rows as i64 - 1);
    if b.x0 > b.x1 || b.y0 > y1 {
        return;
    }
    let colours = colours();
    let planes = Planes::new(t, &colours, b.x0, b.y0);
    let (colour, smooth) = match colours {
        Colours::Flat(c) => (c, false),
        Colours::Smooth(_) => {
            rgb.push(planes.rgb);
            (rgb.len() as u32 - 1, true)
        }
    };
    // Setup::new bounds the coordinates by 1e7 samples: ×SUB still fits an i32.
    let tri = Tri { x: t.x.map(|c| c as i32), y: t.y.map(|c| c as i32), z: planes.z, colour, smooth };
    for bin in bins.get_mut(rows.strip(b.y0)..=rows.strip(y1)).unwrap_or_default() {
        bin.push(tri);
        if let Some(order) = order {
            bin.orders.push(order);
        }
    }
}

/// Sample (px, py) has its centre at (px + ½, py + ½) samples = px·SUB + SUB/2 in fixed point: the first
/// sample whose centre is at or after `v`, and the last at or before it.
fn first_sample(v: i64) -> i64 {
    (v - SUB / 2 + SUB - 1).div_euclid(SUB)
}

fn last_sample(v: i64) -> i64 {
    (v - SUB / 2).div_euclid(SUB)
}

/// Sorts the feature edges and wire segments into the picture's strips by the rows they touch.
fn bin_lines(scene: &Scene3d, rows: Rows) -> LineBins {
    let strips = rows.strips;
    let mut p = LineBins { edges: vec![Vec::new(); strips], wires: vec![Vec::new(); strips] };
    let (lo, hi) = (0.0, rows.rows as f32);
    let thick = scene.ss as f32;
    // The first and last strip a segment drawn `reach` samples wide touches (two samples more for
    // rounding); `None` when it misses the picture or has a non-finite end. Feature edges and wires share it.
    let strips_of_segment = |p0: &[f32; 3], q0: &[f32; 3], reach: f32| {
        let (ymin, ymax) = (p0[1].min(q0[1]) - reach - 2.0, p0[1].max(q0[1]) + reach + 2.0);
        (ymax >= lo && ymin <= hi && p0[0].is_finite() && q0[0].is_finite())
            .then(|| (rows.strip(ymin.max(lo - 1.0) as i64), rows.strip(ymax.min(hi + 1.0) as i64)))
    };
    for (bi, batch) in scene.batches.iter().enumerate() {
        for (ei, e) in batch.edges().iter().enumerate() {
            let (Some(p0), Some(q0)) = (batch.verts.get(e[0] as usize), batch.verts.get(e[1] as usize)) else {
                continue;
            };
            // A stamp reaches `thick` samples around the line.
            let Some((a, b)) = strips_of_segment(p0, q0, thick) else { continue };
            for bin in &mut p.edges[a..=b] {
                bin.push((bi as u32, ei as u32));
            }
        }
    }
    let reach = (POINT_PIXELS * scene.ss as usize) as f32;
    for (wi, w) in scene.wires.iter().enumerate() {
        for k in 0..w.verts.len().saturating_sub(1).max(1) {
            let Some((p0, q0)) = wire_segment(w, k) else { continue };
            let Some((a, b)) = strips_of_segment(&p0, &q0, reach) else { continue };
            for bin in &mut p.wires[a..=b] {
                bin.push((wi as u32, k as u32));
            }
        }
    }
    p
}

impl Band {
    fn new(width: usize, background: u32) -> Band {
        let strip = width * STRIP_ROWS;
        Band { width, background, colour: vec![background; strip], depth: vec![f32::INFINITY; strip], budget: 0 }
    }

    /// Draws the picture's `strips` into `out` (their premultiplied RGBA pixel rows): every layer's
    /// triangles (`layers`: the slices in mesh order, each with its listed back faces set up if they show),
    /// then the edges and wires over the strip's finished depth. `false` when the group's work budget ran
    /// out; the strips after that are background.
    #[allow(clippy::too_many_arguments)]
    fn draw(
        &mut self,
        scene: &Scene3d,
        ss: usize,
        layers: &[(&TriBins, Option<&TriBins>)],
        lines: &LineBins,
        picture: Rows,
        strips: Range<usize>,
        out: &mut [u8],
    ) -> bool {
        let first_row = picture.of_strip(strips.start).0;
        let last_row = picture.of_strip(strips.end.saturating_sub(1)).1;
        self.budget = VISITS_PER_SAMPLE * (self.width as u64) * (last_row - first_row).max(0) as u64;
        let out_row = self.width / ss * 4;
        let mut ok = true;
        for s in strips {
            let rows = picture.of_strip(s);
            if rows.0 >= rows.1 {
                break;
            }
            let n = (rows.1 - rows.0) as usize * self.width;
            self.colour[..n].fill(self.background);
            self.depth[..n].fill(f32::INFINITY);
            if ok {
                ok = layers.iter().all(|&(p, back)| self.strip_triangles(p, back, s, rows))
                    && self.strip_edges(scene, lines.edges.get(s).map_or(&[], Vec::as_slice), rows)
                    && self.strip_wires(scene, lines.wires.get(s).map_or(&[], Vec::as_slice), rows);
            }
            let (r0, r1) = ((rows.0 - first_row) as usize / ss, (rows.1 - first_row) as usize / ss);
            let out = out.get_mut(r0 * out_row..r1 * out_row).unwrap_or_default();
            self.downsample(ss, (rows.1 - rows.0) as usize, out);
        }
        ok
    }

    /// Paints strip `s`'s triangles (sample rows `rows.0 .. rows.1`); `false` when the budget is spent.
    /// With `back` (listed back faces of solids that are not closed, set up), those of the strip are
    /// merged in by their mesh order, so ties in depth resolve as if they had been binned with the rest.
    fn strip_triangles(&mut self, p: &TriBins, back: Option<&TriBins>, s: usize, rows: (i64, i64)) -> bool {
        let Some(back) = back else {
            // Chunk by chunk: a flattened iterator costs a check per triangle in this hot loop.
            let chunks = p.bins.get(s).map_or(&[][..], |b| b.chunks.as_slice());
            return chunks.iter().all(|chunk| chunk.iter().all(|t| self.paint(&p.rgb, t, rows)));
        };
        let Some(front) = p.bins.get(s) else { return true };
        let behind_bin = back.bins.get(s);
        let mut behind = behind_bin
            .into_iter()
            .flat_map(|b| b.iter().zip(b.orders.iter().copied().chain(std::iter::repeat(u32::MAX))))
            .peekable();
        // A bin with listed back faces keeps every triangle's order; a missing one sorts last.
        let orders = front.orders.iter().copied().chain(std::iter::repeat(u32::MAX));
        for (t, order) in front.iter().zip(orders) {
            while let Some((b, _)) = behind.next_if(|&(_, o)| o < order) {
                if !self.paint(&back.rgb, b, rows) {
                    return false;
                }
            }
            if !self.paint(&p.rgb, t, rows) {
                return false;
            }
        }
        behind.all(|(b, _)| self.paint(&back.rgb, b, rows))
    }

    /// Paints one triangle (whose colour planes, if smooth, are in `rgb`) within the strip's rows; `false`
    /// when the budget is spent.
    #[inline]
    fn paint(&mut self, rgb: &[[Plane; 3]], t: &Tri, rows: (i64, i64)) -> bool {
        let planes = if t.smooth { rgb.get(t.colour as usize) } else { None };
        self.fill(t, planes, rows)
    }

    /// Scan-converts one triangle within sample rows `rows.0 .. rows.1` (the current strip); `false` when
    /// the budget is spent.
    fn fill(&mut self, t: &Tri, rgb: Option<&[Plane; 3]>, rows: (i64, i64)) -> bool {
        let (x, y) = (t.x.map(i64::from), t.y.map(i64::from));
        let SampleBox { x0, x1, y0: by0, y1: by1, extent } = SampleBox::new(&x, &y, self.width);
        let (y0, y1) = (by0.max(rows.0), by1.min(rows.1 - 1));
        if y0 > y1 || x0 > x1 {
            return true;
        }
        let edges =
            [Edge::new(&x, &y, 0, 1, x0, by0), Edge::new(&x, &y, 1, 2, x0, by0), Edge::new(&x, &y, 2, 0, x0, by0)];
        let steps = edges.map(|e| e.step_x);
        let n = x1 - x0 + 1;
        if n <= WIDE_SPAN && extent < SMALL_BOX {
            // Small boxes test every sample, which is cheaper than three divisions per row; each row and
            // each visited sample counts against the budget.
            let visits = (n + 1) as u64 * (y1 - y0 + 1) as u64;
            if visits > self.budget {
                return false;
            }
            self.budget -= visits;
            let steps = steps.map(|s| s as i32);
            let len = n as usize;
            for yy in y0..=y1 {
                let row = yy - by0;
                // Every sample of the box is inside the vertices' extent, where |E| < 2·extent (SMALL_BOX).
                let e = edges.map(|e| (e.at_row_start + row * e.step_y) as i32);
                let start = (yy - rows.0) as usize * self.width + x0 as usize;
                let depth = &mut self.depth[start..start + len];
                let colour = &mut self.colour[start..start + len];
                let z_row = t.z.at(0.0, row as f32);
                match rgb {
                    None => span_flat(depth, colour, e, steps, z_row, t.z.dx, t.colour),
                    Some(planes) => {
                        let rgb_row = planes.map(|p| p.at(0.0, row as f32));
                        span_smooth(depth, colour, e, steps, (z_row, t.z.dx), (rgb_row, planes.map(|p| p.dx)));
                    }
                }
            }
            return true;
        }
        for yy in y0..=y1 {
            let row = yy - by0;
            let e: [i64; 3] = edges.map(|e| e.at_row_start + row * e.step_y);
            // Wide boxes (long thin triangles across the picture) visit only the row's inside span.
            let (lo, hi) = if n > WIDE_SPAN { inside_span(e, steps, n) } else { (0, n - 1) };
            let visits = (hi - lo + 2).max(1) as u64;
            if visits > self.budget {
                return false;
            }
            self.budget -= visits;
            if lo > hi {
                continue;
            }
            let e = [0, 1, 2].map(|k| e[k] + steps[k] * lo);
            let start = (yy - rows.0) as usize * self.width + (x0 + lo) as usize;
            let len = (hi - lo + 1) as usize;
            let depth = &mut self.depth[start..start + len];
            let colour = &mut self.colour[start..start + len];
            let z_row = t.z.at(lo as f32, row as f32);
            match rgb {
                None => span_flat_wide(depth, colour, e, steps, z_row, t.z.dx, t.colour),
                Some(planes) => {
                    let rgb_row = planes.map(|p| p.at(lo as f32, row as f32));
                    span_smooth_wide(depth, colour, e, steps, (z_row, t.z.dx), (rgb_row, planes.map(|p| p.dx)));
                }
            }
        }
        true
    }

    /// Draws the strip's feature edges one output pixel wide, in front of the surface they lie on.
    fn strip_edges(&mut self, scene: &Scene3d, edges: &[(u32, u32)], rows: (i64, i64)) -> bool {
        for &(bi, ei) in edges {
            let Some(batch) = scene.batches.get(bi as usize) else { continue };
            let Some(e) = batch.edges().get(ei as usize) else { continue };
            let (Some(p), Some(q)) = (batch.verts.get(e[0] as usize), batch.verts.get(e[1] as usize)) else {
                continue;
            };
            if !self.line(*p, *q, scene.ss as usize, shade::edge(batch.colour), rows) {
                return false;
            }
        }
        true
    }

    /// Draws the strip's wire segments (one pixel wide) and points ([`POINT_PIXELS`] wide) in their own
    /// colour where no surface is in front of them.
    fn strip_wires(&mut self, scene: &Scene3d, segments: &[(u32, u32)], rows: (i64, i64)) -> bool {
        let ss = scene.ss as usize;
        for &(wi, k) in segments {
            let Some(w) = scene.wires.get(wi as usize) else { continue };
            let Some((p, q)) = wire_segment(w, k as usize) else { continue };
            let thick = if w.verts.len() == 1 { POINT_PIXELS * ss } else { ss };
            if !self.line(p, q, thick, shade::pack(w.colour), rows) {
                return false;
            }
        }
        true
    }

    /// A line of `thick`-sample squares stamped every sample along p → q, drawn where it is not behind the
    /// surface by more than a few samples (the surface it lies on is at the same depth); only the stamps
    /// that reach sample rows `rows.0 .. rows.1` (the current strip).
    fn line(&mut self, p: [f32; 3], q: [f32; 3], thick: usize, colour: u32, rows: (i64, i64)) -> bool {
        let bias = 3.0 * thick as f32;
        let steps = (q[0] - p[0]).abs().max((q[1] - p[1]).abs()).ceil().max(1.0);
        // Both ends lie inside the image (the camera fits every vertex), so `steps` is at most its diagonal.
        let steps = steps.min(1.0e5) as usize;
        // The stamps near the strip: y moves at most one sample per step, so the steps whose y is within
        // `thick` + 2 samples of the strip (the rows test below decides exactly).
        let (lo, hi) = (rows.0 as f32 - thick as f32 - 2.0, rows.1 as f32 + thick as f32 + 2.0);
        let dy = q[1] - p[1];
        let (i0, i1) = if dy == 0.0 {
            (0, steps)
        } else {
            let (ta, tb) = ((lo - p[1]) / dy, (hi - p[1]) / dy);
            let (t0, t1) = (ta.min(tb), ta.max(tb));
            let at = |t: f32| (t * steps as f32).clamp(0.0, steps as f32);
            (at(t0).floor() as usize, at(t1).ceil() as usize)
        };
        if i0 > i1 {
            return true;
        }
        let cost = (i1 - i0 + 1) as u64 * (thick * thick) as u64;
        if cost > self.budget {
            return false;
        }
        self.budget -= cost;
        let half = thick as f32 / 2.0;
        for i in i0..=i1 {
            let t = i as f32 / steps as f32;
            let at = |k: usize| p[k] + (q[k] - p[k]) * t;
            let (x, y, z) = (at(0), at(1), at(2) - bias);
            let (sx, sy) = ((x - half + 0.5).floor() as i64, (y - half + 0.5).floor() as i64);
            for yy in sy.max(rows.0)..(sy + thick as i64).min(rows.1) {
                let row = (yy - rows.0) as usize * self.width;
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

    /// Box-filters `ss`×`ss` samples of the strip's first `rows` rows into each pixel of `out`
    /// (premultiplied RGBA rows).
    fn downsample(&self, ss: usize, rows: usize, out: &mut [u8]) {
        let w = self.width / ss;
        let samples = &self.colour[..rows * self.width];
        match ss {
            1 => {
                for (px, s) in out.chunks_exact_mut(4).zip(samples) {
                    px.copy_from_slice(&s.to_le_bytes());
                }
            }
            2 => {
                // Four samples at once per pair of channels: bytes 0 and 2, then 1 and 3, each sum in its
                // own 16 bits (at most 4 × 255), rounded as (sum + 2) / 4.
                const LOW: u32 = 0x00FF_00FF;
                for (out_row, pair) in out.chunks_exact_mut(w * 4).zip(samples.chunks_exact(2 * self.width)) {
                    let (top, bottom) = pair.split_at(self.width);
                    for ((px, t), b) in out_row.chunks_exact_mut(4).zip(top.chunks_exact(2)).zip(bottom.chunks_exact(2))
                    {
                        let s = [t[0], t[1], b[0], b[1]];
                        let even: u32 = s.iter().map(|v| v & LOW).sum();
                        let odd: u32 = s.iter().map(|v| (v >> 8) & LOW).sum();
                        let even = ((even + 0x0002_0002) >> 2) & LOW;
                        let odd = ((odd + 0x0002_0002) >> 2) & LOW;
                        px.copy_from_slice(&(even | (odd << 8)).to_le_bytes());
                    }
                }
            }
            _ => {
                let n = (ss * ss) as u32;
                for (py, out_row) in out.chunks_mut(w * 4).enumerate() {
                    for (px, pixel) in out_row.chunks_mut(4).enumerate() {
                        let mut sum = [0u32; 4];
                        for sy in 0..ss {
                            let row = (py * ss + sy) * self.width + px * ss;
                            for &s in &samples[row..row + ss] {
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
    }
}

impl Setup {
    /// Snaps and orients a triangle; `None` when it is degenerate on the grid or not finite.
    #[inline(always)]
    fn new(mut f: [[f32; 3]; 3]) -> Option<Setup> {
        // Every finite vertex lies inside the image; this only guards the integer maths.
        if f.iter().flatten().any(|c| !c.is_finite() || c.abs() > 1.0e7) {
            return None;
        }
        // Round half up by adding ½ and truncating: `f32::round` is a library call on baseline x86-64, and
        // the snap only has to be the same function of a vertex for every triangle that shares it.
        // Through `i32`: |v| ≤ 1e7 samples is 1.6e8 sixteenths, and the `i32` conversion is one instruction
        // fewer than the `i64` one on x86-64.
        let snap = |v: f32| i64::from((v * SUB as f32 + 0.5) as i32);
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
    /// Edge a→b of the oriented triangle (`x`, `y` in 1/16 samples), at the centre of sample (x0, y0).
    #[inline(always)]
    fn new(x: &[i64; 3], y: &[i64; 3], a: usize, b: usize, x0: i64, y0: i64) -> Edge {
        let (dx, dy) = (x[b] - x[a], y[b] - y[a]);
        // E(p) = dx·(p.y − a.y) − dy·(p.x − a.x); with y down and positive area the inside is E > 0.
        let (px, py) = (x0 * SUB + SUB / 2, y0 * SUB + SUB / 2);
        let e = dx * (py - y[a]) - dy * (px - x[a]);
        let top_left = dy < 0 || (dy == 0 && dx > 0);
        Edge { at_row_start: if top_left { e } else { e - 1 }, step_x: -dy * SUB, step_y: dx * SUB }
    }
}

/// What a triangle is painted with.
#[derive(Clone, Copy)]
enum Colours {
    Flat(u32),
    /// Lit colours (0…255 per channel) at the three vertices, in the triangle's original order.
    Smooth([[f32; 3]; 3]),
}

/// The lit colour(s) of a triangle: its face normal (from the sample-space winding), or the vertex normals
/// when the batch has them (hidden back faces were dropped before).
#[inline(always)]
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
    // Written out: `tri.map(vertex)` was left out of line.
    Colours::Smooth([vertex(tri[0]), vertex(tri[1]), vertex(tri[2])])
}

/// Whether a triangle of a batch whose back faces are hidden shows its back: the test `shade::facing`
/// makes on the view normal's z, without the normalisation (NaN is not a back face).
fn hidden_back_face(batch: &Batch, v: [&[f32; 3]; 3]) -> bool {
    let (u, w) = ([v[1][0] - v[0][0], v[1][1] - v[0][1]], [v[2][0] - v[0][0], v[2][1] - v[0][1]]);
    let z = u[0] * w[1] - u[1] * w[0];
    let sign = if batch.mirrored { -1.0 } else { 1.0 };
    sign * z > 0.0
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
    /// The planes through the triangle's depths and (smooth) vertex colours. Four lanes — depth, red,
    /// green, blue — with the same operations on each, in plain loops over arrays: the compiler runs
    /// them side by side (one division for all four), where a closure per plane was left out of line
    /// (three calls a smooth triangle, and a tenth of the binning's time in profiles). Each lane is the
    /// same arithmetic as one plane on its own, so the values are the same to the bit.
    #[inline(always)]
    fn new(t: &Setup, colours: &Colours, x0: i64, y0: i64) -> Planes {
        let scale = 1.0 / SUB as f32;
        let p = [t.x[0] as f32 * scale, t.x[1] as f32 * scale, t.x[2] as f32 * scale];
        let q = [t.y[0] as f32 * scale, t.y[1] as f32 * scale, t.y[2] as f32 * scale];
        let (d1, d2) = ([p[1] - p[0], q[1] - q[0]], [p[2] - p[0], q[2] - q[0]]);
        let det = d1[0] * d2[1] - d2[0] * d1[1];
        let origin = [x0 as f32 + 0.5 - p[0], y0 as f32 + 0.5 - q[0]];
        // The values at the three (oriented) vertices, per lane; a flat triangle's colour lanes are zero
        // (its colour planes are never read).
        let mut f = [[t.f[0][2], 0.0, 0.0, 0.0], [t.f[1][2], 0.0, 0.0, 0.0], [t.f[2][2], 0.0, 0.0, 0.0]];
        if let Colours::Smooth(c) = colours {
            // The colours are in the triangle's original vertex order; the setup may have swapped 1 and 2.
            let c = if t.swapped { [c[0], c[2], c[1]] } else { *c };
            for v in 0..3 {
                f[v][1..].copy_from_slice(&c[v]);
            }
        }
        let (mut at0, mut dx, mut dy) = ([0.0f32; 4], [0.0f32; 4], [0.0f32; 4]);
        for k in 0..4 {
            let (fb, fc) = (f[1][k] - f[0][k], f[2][k] - f[0][k]);
            dx[k] = (fb * d2[1] - fc * d1[1]) / det;
            dy[k] = (fc * d1[0] - fb * d2[0]) / det;
            at0[k] = f[0][k] + dx[k] * origin[0] + dy[k] * origin[1];
        }
        let plane = |k: usize| Plane { at0: at0[k], dx: dx[k], dy: dy[k] };
        Planes { z: plane(0), rgb: [plane(1), plane(2), plane(3)] }
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

/// One row of a small flat-shaded triangle's box. Branch-free (every sample is read and written back,
/// changed or not) with the edge functions in `i32`, so the compiler runs it four samples at a time.
fn span_flat(depth: &mut [f32], colour: &mut [u32], e: [i32; 3], step: [i32; 3], z0: f32, dz: f32, c: u32) {
    let n = depth.len().min(colour.len());
    let (depth, colour) = (&mut depth[..n], &mut colour[..n]);
    for k in 0..n {
        let ki = k as i32;
        let inside = ((e[0] + step[0] * ki) | (e[1] + step[1] * ki) | (e[2] + step[2] * ki)) >= 0;
        let z = z0 + dz * ki as f32;
        let hit = inside & (z < depth[k]);
        depth[k] = if hit { z } else { depth[k] };
        colour[k] = if hit { c } else { colour[k] };
    }
}

/// One row of a small smooth-shaded triangle's box: the colour planes are evaluated per sample too.
fn span_smooth(
    depth: &mut [f32],
    colour: &mut [u32],
    e: [i32; 3],
    step: [i32; 3],
    (z0, dz): (f32, f32),
    (rgb0, drgb): ([f32; 3], [f32; 3]),
) {
    let n = depth.len().min(colour.len());
    let (depth, colour) = (&mut depth[..n], &mut colour[..n]);
    for k in 0..n {
        let ki = k as i32;
        let inside = ((e[0] + step[0] * ki) | (e[1] + step[1] * ki) | (e[2] + step[2] * ki)) >= 0;
        let kf = ki as f32;
        let z = z0 + dz * kf;
        let hit = inside & (z < depth[k]);
        let ch = |i: usize| (rgb0[i] + drgb[i] * kf).clamp(0.0, 255.0) as u8;
        let c = u32::from_le_bytes([ch(0), ch(1), ch(2), 255]);
        depth[k] = if hit { z } else { depth[k] };
        colour[k] = if hit { c } else { colour[k] };
    }
}

/// One row span of a wide flat-shaded triangle.
fn span_flat_wide(depth: &mut [f32], colour: &mut [u32], mut e: [i64; 3], step: [i64; 3], z0: f32, dz: f32, c: u32) {
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

/// One row span of a wide smooth-shaded triangle.
fn span_smooth_wide(
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
        FaceMesh::cuboid([1.0; 3])
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

    /// A UV sphere of `2 · slices · (stacks − 1)` triangles, with vertex normals when `smooth`.
    fn sphere(slices: u32, stacks: u32, smooth: bool) -> FaceMesh {
        let mut mesh = FaceMesh::default();
        for i in 0..=stacks {
            let phi = std::f32::consts::PI * i as f32 / stacks as f32;
            for j in 0..slices {
                let theta = std::f32::consts::TAU * j as f32 / slices as f32;
                let p = [phi.sin() * theta.cos(), phi.sin() * theta.sin(), phi.cos()];
                mesh.positions.push(p);
                if smooth {
                    mesh.normals.push(p);
                }
            }
        }
        for i in 0..stacks {
            for j in 0..slices {
                let (a, b) = (i * slices + j, i * slices + (j + 1) % slices);
                mesh.indices.push([a, a + slices, b]);
                mesh.indices.push([b, a + slices, b + slices]);
            }
        }
        mesh
    }

    #[test]
    fn the_picture_does_not_depend_on_the_threads_that_bin_and_paint_it() {
        // Past SLICES_FROM triangles every thread bins a slice of the mesh order, and the threads take
        // groups of strips as they come: a smooth sphere, a flat one (culled when the edges say it is
        // closed) and an open box whose inside shows, at a size whose last group is a partial strip.
        let (smooth, flat) = (sphere(90, 100, true), sphere(90, 100, false));
        assert!(smooth.indices.len() + flat.indices.len() >= SLICES_FROM);
        let mut open = cube();
        open.indices.truncate(10);
        let part = |face: FaceMesh| crate::model::PartDef {
            solids: vec![Solid { faces: vec![face], ..Solid::default() }],
            ..crate::model::PartDef::default()
        };
        let at = |part: usize, x: f64| Node {
            part: Some(part),
            transform: crate::model::geom::Affine::translation(crate::model::geom::Point { x, y: 0.0, z: 0.0 }),
            ..Node::default()
        };
        let m = Model3d {
            parts: vec![part(smooth), part(flat), part(open)],
            roots: vec![at(0, 0.0), at(1, 2.5), at(2, 5.0)],
            ..Model3d::default()
        };
        for edges in [false, true] {
            let opts = RenderOptions { width: 203, height: 157, edges, ..RenderOptions::default() };
            let scene = build_scene3d(&m, &opts).expect("a scene");
            let one = to_pixmap_with(&scene, 1).expect("renders");
            let ink = one.pixels().iter().filter(|c| c.red() != 255 || c.green() != 255).count();
            assert!(ink > 203 * 157 / 5, "{ink} pixels drawn");
            for threads in [2, 3, 8] {
                let many = to_pixmap_with(&scene, threads).expect("renders");
                assert!(one.data() == many.data(), "{threads} threads, edges {edges}: the pictures differ");
            }
        }
    }

    #[test]
    fn a_binned_triangle_is_44_bytes() {
        // Every visible triangle of a million-triangle mesh is written to its strips and read back once:
        // the box is not stored (it is found again from the vertices), nor the mesh order (only bins with
        // listed back faces keep it, beside the triangles).
        assert_eq!(std::mem::size_of::<Tri>(), 44);
    }

    fn wire(points: Vec<[f32; 3]>, colour: Option<crate::model::Rgba>) -> crate::model::Wire {
        crate::model::Wire { points, colour }
    }

    #[test]
    fn a_wireframe_only_model_draws_its_lines_and_points() {
        // A unit square wire with a free point at its centre, seen from the top: the square fills 90 % of
        // the 50 px picture (45 px, from 2.5 px), lines one pixel wide in the dark default colour.
        let part = PartDef {
            wires: vec![wire(
                vec![[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [1.0, 1.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]],
                None,
            )],
            points: vec![[0.5, 0.5, 0.0]],
            ..PartDef::default()
        };
        let m =
            Model3d { parts: vec![part], roots: vec![Node { part: Some(0), ..Node::default() }], ..Model3d::default() };
        let opts = RenderOptions { width: 50, height: 50, view: View::Top, ..RenderOptions::default() };
        let scene = build_scene3d(&m, &opts).expect("wires alone make a scene");
        assert_eq!(scene.triangle_count(), 0);
        assert_eq!(scene.wires.len(), 2);
        let p = to_pixmap(&scene).expect("renders");
        let dark = [41, 46, 61, 255];
        for (x, y) in [(2, 25), (47, 25), (25, 2), (25, 47), (24, 25), (25, 24), (24, 24)] {
            assert_eq!(rgba(&p, x, y), dark, "({x}, {y})");
        }
        for (x, y) in [(12, 25), (25, 12), (0, 0), (49, 49)] {
            assert_eq!(rgba(&p, x, y), [255, 255, 255, 255], "({x}, {y})");
        }
        let ink = (0..50).flat_map(|y| (0..50).map(move |x| (x, y))).filter(|&(x, y)| rgba(&p, x, y)[0] < 255).count();
        assert!(ink > 4 * 44, "the four sides are drawn: {ink} pixels");
    }

    #[test]
    fn wires_in_front_of_a_face_show_and_wires_behind_it_do_not() {
        // Top view of the unit cube with two red wires across it: one above the top face, one below the
        // bottom face. Only the upper one may colour the picture.
        let red = Some(crate::model::Rgba::opaque(1.0, 0.0, 0.0));
        let mut m = model(cube());
        m.parts[0].wires = vec![
            wire(vec![[0.2, 0.25, 2.0], [0.8, 0.25, 2.0]], red),
            wire(vec![[0.2, 0.75, -1.0], [0.8, 0.75, -1.0]], red),
        ];
        let opts = RenderOptions { width: 50, height: 50, view: View::Top, edges: false, ..RenderOptions::default() };
        let p = render(&m, &opts);
        let is_red = |y: u32| rgba(&p, 25, y) == [255, 0, 0, 255];
        // World y 0.25 and 0.75 are pixel rows 13 and 36 (y up in the picture).
        assert!(is_red(36), "{:?}", rgba(&p, 25, 36));
        assert!(!is_red(13), "{:?}", rgba(&p, 25, 13));
    }
}
