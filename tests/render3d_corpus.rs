//! 3D previews of the corpus STL files: every file that parses renders at 1024×768 without panic (empty
//! models give no image), the PNG decodes at that size and is not blank; and facts about known parts that a
//! real change to the camera, the fit, the colours or the rasteriser breaks. Timing is measured in
//! `benches/render.rs`, not here; the slowest files are printed.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cadlens::render::{RenderOptions, View, build_scene3d, raster3d};

/// A decoded RGBA image.
struct Image {
    width: u32,
    height: u32,
    rgba: Vec<u8>,
}

impl Image {
    fn decode(png: &[u8]) -> Image {
        let mut reader = png::Decoder::new(png).read_info().expect("the PNG header decodes");
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).expect("the PNG image decodes");
        assert_eq!(info.color_type, png::ColorType::Rgba);
        buf.truncate(info.buffer_size());
        Image { width: info.width, height: info.height, rgba: buf }
    }

    /// Pixels that differ from the white background by more than an anti-aliasing fringe, and their box
    /// `(x0, y0, x1, y1)` inclusive.
    fn ink(&self) -> (usize, Option<(u32, u32, u32, u32)>) {
        let mut count = 0;
        let mut bbox: Option<(u32, u32, u32, u32)> = None;
        for (i, px) in self.rgba.chunks(4).enumerate() {
            if px[..3].iter().any(|&c| c < 240) {
                count += 1;
                let (x, y) = (i as u32 % self.width, i as u32 / self.width);
                bbox = Some(bbox.map_or((x, y, x, y), |(a, b, c, d)| (a.min(x), b.min(y), c.max(x), d.max(y))));
            }
        }
        (count, bbox)
    }
}

fn stl_files(corpus: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus.join("stl"))
        .expect("corpus/stl is readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("stl")))
        .collect();
    files.sort();
    files
}

/// Renders a corpus STL; `None` for an empty model.
fn render(path: &Path, opts: &RenderOptions) -> Option<Image> {
    let doc = cadlens::read::read_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let model = doc.model3d.as_ref().expect("an STL is a 3D document");
    let scene = build_scene3d(model, opts)?;
    Some(Image::decode(&raster3d::to_png(&scene).expect("renders")))
}

#[test]
fn every_corpus_stl_renders_and_is_not_blank() {
    let Some(corpus) = common::corpus() else { return };
    let files = stl_files(&corpus);
    assert!(files.len() >= 35, "expected the corpus STL files, found {}", files.len());
    let opts = RenderOptions::default();
    let (mut rendered, mut empty, mut times) = (0, Vec::new(), Vec::<(Duration, String)>::new());
    for path in &files {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let Ok(doc) = cadlens::read::read_path(path) else { continue };
        let model = doc.model3d.as_ref().expect("an STL is a 3D document");
        let started = Instant::now();
        let Some(scene) = build_scene3d(model, &opts) else {
            // Only models without a single finite triangle vertex have no picture.
            assert_eq!(scene_triangles(model), 0, "{name}: triangles but no scene");
            empty.push(name);
            continue;
        };
        let image = Image::decode(&raster3d::to_png(&scene).expect("renders"));
        times.push((started.elapsed(), name.clone()));
        assert_eq!((image.width, image.height), (1024, 768), "{name}");
        let (ink, _) = image.ink();
        assert!(ink > 100, "{name}: {} triangles but only {ink} pixels drawn", scene.triangle_count());
        rendered += 1;
    }
    times.sort_by_key(|t| std::cmp::Reverse(t.0));
    eprintln!("rendered {rendered} files; no picture for the empty ones: {}", empty.join(" "));
    for (t, name) in times.iter().take(5) {
        eprintln!("  {t:>10.1?}  {name}");
    }
    // The corpus has three empty STL files (trimesh's empty.stl and emptyIO ASCII/binary).
    assert_eq!(empty.len(), 3, "{empty:?}");
    assert!(rendered >= 35, "only {rendered} files rendered");
}

fn scene_triangles(model: &cadlens::model::Model3d) -> usize {
    let mut n = 0;
    model.for_each_instance(|_, part, _| {
        n += part.solids.iter().flat_map(|s| &s.faces).map(|f| f.indices.len()).sum::<usize>();
    });
    n
}

/// trimesh's plate_holes.STL is a 203.2 × 304.8 × 12.7 plate (8 × 12 × ½ inch).
#[test]
fn the_plate_from_the_top_has_its_aspect_ratio_and_fills_the_height() {
    let Some(corpus) = common::corpus() else { return };
    let path = corpus.join("stl/trimesh__models_plate_holes.STL");
    let top = render(&path, &RenderOptions { view: View::Top, ..RenderOptions::default() }).expect("a picture");
    let (ink, bbox) = top.ink();
    let (x0, y0, x1, y1) = bbox.expect("ink");
    let (w, h) = (f64::from(x1 - x0 + 1), f64::from(y1 - y0 + 1));
    // 90 % of 768 rows is 691 px of plate; the edge line adds up to a pixel each side.
    assert!((690.0..=694.0).contains(&h), "height {h}");
    assert!((w / h - 203.2 / 304.8).abs() < 0.006, "aspect {w}/{h} = {}", w / h);
    // Seen from the top the plate is a rounded rectangle with five small holes: nearly all of its box.
    let fill = ink as f64 / (w * h);
    assert!((0.95..=0.995).contains(&fill), "fill {fill}");
    // Centred.
    assert!((i64::from(x0) + i64::from(x1) - 1023).abs() <= 2 && (i64::from(y0) + i64::from(y1) - 767).abs() <= 2);

    // Iso, the thin plate is a flat hexagon over about a third of the picture, wider than the picture's
    // 4:3, so the width decides the fit: 90 % of 1024 px.
    let iso = render(&path, &RenderOptions::default()).expect("a picture");
    let (ink, bbox) = iso.ink();
    let fraction = ink as f64 / (1024.0 * 768.0);
    assert!((0.25..=0.40).contains(&fraction), "iso ink fraction {fraction}");
    let (x0, y0, x1, y1) = bbox.expect("ink");
    assert!((920..=925).contains(&(x1 - x0 + 1)), "iso width {}", x1 - x0 + 1);
    // The box's projection is 359 × 218 (8·√2 + 12·√2 over 2, and (8 + 12 + 2 · ½) / √6 inches); rounded
    // corners take a little of the height.
    let ratio = f64::from(x1 - x0 + 1) / f64::from(y1 - y0 + 1);
    assert!((1.62..=1.70).contains(&ratio), "iso aspect {ratio}");
}

/// trimesh's 20mm-xyz-cube.STL carries grey colours (#A0A0A0 and #9C9C9C): its picture is grey, not the
/// default grey-blue, and its three visible sides have three brightnesses.
#[test]
fn a_coloured_stl_shows_its_colour() {
    let Some(corpus) = common::corpus() else { return };
    let image =
        render(&corpus.join("stl/trimesh__models_20mm-xyz-cube.stl"), &RenderOptions::default()).expect("a picture");
    let inked: Vec<&[u8]> = image.rgba.chunks(4).filter(|p| p[..3].iter().any(|&c| c < 240)).collect();
    let neutral = inked.iter().filter(|p| (i16::from(p[0]) - i16::from(p[2])).abs() <= 3).count();
    assert!(neutral as f64 > 0.98 * inked.len() as f64, "{neutral} of {} pixels grey", inked.len());
    // The default colour would be bluish: the same cube without its colours.
    let doc = cadlens::read::read_path(&corpus.join("stl/trimesh__models_20mm-xyz-cube.stl")).expect("reads");
    let mut model = doc.model3d.expect("3D");
    for part in &mut model.parts {
        part.colour = None;
        for solid in &mut part.solids {
            solid.colour = None;
            solid.faces.iter_mut().for_each(|f| f.colour = None);
        }
    }
    let scene = build_scene3d(&model, &RenderOptions::default()).expect("a scene");
    let plain = Image::decode(&raster3d::to_png(&scene).expect("renders"));
    let bluish = plain.rgba.chunks(4).filter(|p| p[..3].iter().any(|&c| c < 240) && p[2] > p[0] + 10).count();
    assert!(bluish as f64 > 0.9 * inked.len() as f64, "{bluish} bluish of {}", inked.len());
    // Three sides, three shades: the centres of the top, left and right faces of the iso cube.
    let at = |x: u32, y: u32| image.rgba[((y * image.width + x) * 4) as usize];
    let (top, left, right) = (at(512, 320), at(260, 350), at(770, 350));
    assert!(top > left + 15 && left > right + 15, "top {top}, left {left}, right {right}");
}

/// `cadlens parse` on a 3D file writes `<stem>.png` (the 3D preview) and, with `--svg`, an SVG that embeds
/// that very PNG; `--view` takes the names and `AZ,EL` of cli.md and refuses anything else (exit 2).
#[test]
fn parse_writes_the_3d_preview_and_its_svg() {
    let dir = common::temp_dir();
    let stl = dir.path().join("tri.stl");
    std::fs::write(
        &stl,
        "solid t\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 2 0 0\nvertex 0 1 0\nendloop\nendfacet\nendsolid t\n",
    )
    .expect("writes");
    let out = common::run(&["parse", "tri.stl", "--svg", "--view", "top", "--size", "200x100", "-q"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let png = std::fs::read(dir.path().join("tri.png")).expect("tri.png written");
    let image = Image::decode(&png);
    assert_eq!((image.width, image.height), (200, 100));
    // A 2 × 1 triangle from the top, fitted to 90 % of the height: 180 px wide, 90 px tall.
    let (_, bbox) = image.ink();
    let (x0, y0, x1, y1) = bbox.expect("ink");
    assert!((179..=182).contains(&(x1 - x0 + 1)) && (89..=92).contains(&(y1 - y0 + 1)), "{bbox:?}");
    let svg = std::fs::read_to_string(dir.path().join("tri.svg")).expect("tri.svg written");
    assert!(
        svg.starts_with("<svg ")
            && svg.contains(r#"<image width="200" height="100" href="data:image/png;base64,iVBOR"#)
    );
    // Base64 of the same bytes: four characters per three bytes.
    let encoded = svg.split("base64,").nth(1).and_then(|s| s.split('"').next()).expect("the data");
    assert_eq!(encoded.len(), png.len().div_ceil(3) * 4);

    let bad = common::run(&["parse", "tri.stl", "--view", "sideways"], dir.path());
    assert_eq!(bad.status.code(), Some(2));
    let az_el = common::run(&["parse", "tri.stl", "--view", "-30,60", "-q", "-o", "azel"], dir.path());
    assert_eq!(az_el.status.code(), Some(0), "{}", String::from_utf8_lossy(&az_el.stderr));
    assert!(dir.path().join("azel/tri.png").is_file());
}
