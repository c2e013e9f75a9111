//! The SVG and the PNG of the same drawing give the same picture (issue 6): our SVG rasterised by resvg and
//! our PNG painted by tiny-skia, compared as ink masks. Ink is a pixel darker than the white background by
//! more than an anti-aliasing fringe; each mask is dilated by 1 px before matching, so a half-pixel
//! difference in where two rasterisers put an edge does not count. Precision: SVG ink within the dilated
//! PNG ink; recall: PNG ink within the dilated SVG ink; F1 ≥ 0.95.

mod common;

use std::path::Path;

use cadlens::render::{RenderOptions, build_scene, raster, svg};
use resvg::{tiny_skia, usvg};

const MIN_F1: f64 = 0.95;

/// Ink mask of a premultiplied pixmap on white: any channel below 200 (after compositing on white).
fn ink(p: &tiny_skia::Pixmap) -> Vec<bool> {
    p.pixels()
        .iter()
        .map(|c| {
            // Premultiplied over white: out = c + (255 − a).
            let on_white = |v: u8| u16::from(v) + 255 - u16::from(c.alpha());
            on_white(c.red()) < 200 || on_white(c.green()) < 200 || on_white(c.blue()) < 200
        })
        .collect()
}

fn dilate(mask: &[bool], w: usize, h: usize) -> Vec<bool> {
    let mut out = mask.to_vec();
    for y in 0..h {
        for x in 0..w {
            if mask[y * w + x] {
                for (dx, dy) in [(-1i64, 0i64), (1, 0), (0, -1), (0, 1), (-1, -1), (1, 1), (-1, 1), (1, -1)] {
                    let (nx, ny) = (x as i64 + dx, y as i64 + dy);
                    if nx >= 0 && ny >= 0 && (nx as usize) < w && (ny as usize) < h {
                        out[ny as usize * w + nx as usize] = true;
                    }
                }
            }
        }
    }
    out
}

/// F1 of the two ink masks with 1 px dilation, and the ink pixel counts.
fn f1(a: &[bool], b: &[bool], w: usize, h: usize) -> (f64, usize, usize) {
    let (da, db) = (dilate(a, w, h), dilate(b, w, h));
    let count = |m: &[bool]| m.iter().filter(|&&v| v).count();
    let (na, nb) = (count(a), count(b));
    let precision = a.iter().zip(&db).filter(|(x, y)| **x && **y).count() as f64 / na.max(1) as f64;
    let recall = b.iter().zip(&da).filter(|(x, y)| **x && **y).count() as f64 / nb.max(1) as f64;
    (2.0 * precision * recall / (precision + recall).max(f64::MIN_POSITIVE), na, nb)
}

/// F1 of the SVG (via resvg) against the PNG (ours) for one drawing.
fn svg_vs_png(path: &Path, opts: &RenderOptions) -> Option<(f64, usize, usize)> {
    let doc = cadlens::read::read_path(path).ok()?;
    let scene = build_scene(&doc, opts)?;
    let ours = raster::to_pixmap(&scene).expect("paints");
    let tree = usvg::Tree::from_str(&svg::to_svg(&scene), &usvg::Options::default()).expect("our SVG parses");
    let mut theirs = tiny_skia::Pixmap::new(scene.width, scene.height).expect("a pixmap");
    resvg::render(&tree, tiny_skia::Transform::default(), &mut theirs.as_mut());
    Some(f1(&ink(&theirs), &ink(&ours), scene.width as usize, scene.height as usize))
}

#[test]
fn the_bracket_svg_and_png_are_the_same_picture() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/bracket.dxf");
    let (score, svg_ink, png_ink) = svg_vs_png(&path, &RenderOptions::default()).expect("a drawing");
    eprintln!("bracket.dxf: F1 {score:.4} (SVG ink {svg_ink}, PNG ink {png_ink})");
    assert!(png_ink > 5_000, "the drawing is there: {png_ink} ink pixels");
    assert!(score >= MIN_F1, "F1 {score:.4} < {MIN_F1}");
}

/// Clipped block references (XCLIP: rectangles, polygons, inverted clips): the SVG's clipPaths cut the same
/// regions as the rasteriser's masks.
#[test]
fn clipped_inserts_svg_and_png_are_the_same_picture() {
    let Some(corpus) = common::corpus() else { return };
    let path = corpus.join("dxf/ezdxf__examples_dxf_xclip.dxf");
    let (score, svg_ink, png_ink) = svg_vs_png(&path, &RenderOptions::default()).expect("a drawing");
    eprintln!("xclip.dxf: F1 {score:.4} (SVG ink {svg_ink}, PNG ink {png_ink})");
    assert!(png_ink > 5_000, "the drawing is there: {png_ink} ink pixels");
    assert!(score >= MIN_F1, "F1 {score:.4} < {MIN_F1}");
}

/// A spread of corpus drawings (every eighth DXF, so hatches, text and dimensions all take part) at a
/// smaller size to keep the test short.
#[test]
fn corpus_drawings_svg_and_png_are_the_same_picture() {
    let Some(corpus) = common::corpus() else { return };
    let mut files: Vec<_> = std::fs::read_dir(corpus.join("dxf"))
        .expect("corpus/dxf is readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("dxf")))
        .collect();
    files.sort();
    let opts = RenderOptions { width: 512, height: 384, ..RenderOptions::default() };
    let mut low = Vec::new();
    let mut compared = 0;
    for path in files.iter().step_by(8) {
        let Some((score, svg_ink, png_ink)) = svg_vs_png(path, &opts) else { continue };
        if png_ink == 0 && svg_ink == 0 {
            continue;
        }
        compared += 1;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        eprintln!("{score:.4}  {name} (SVG ink {svg_ink}, PNG ink {png_ink})");
        if score < MIN_F1 {
            low.push(format!("{name}: F1 {score:.4}"));
        }
    }
    assert!(compared >= 10, "only {compared} drawings compared");
    assert!(low.is_empty(), "SVG and PNG differ:\n{}", low.join("\n"));
}
