//! Renders every corpus DXF at 1024×768: no panic, the PNG decodes at that size, and a drawing with
//! something to draw is not blank (counts pixels that differ from the white background). Prints the
//! slowest files, so a renderer regression shows as time too.

mod common;

use std::time::{Duration, Instant};

use cadlens::render::{RenderOptions, build_scene, raster};

/// Pixels that differ from white by more than a faint anti-aliasing fringe.
fn ink_pixels(png: &[u8]) -> (u32, u32, usize) {
    let decoder = png::Decoder::new(png);
    let mut reader = decoder.read_info().expect("the PNG header decodes");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("the PNG image decodes");
    let bpp = info.color_type.samples();
    let ink = buf[..info.buffer_size()]
        .chunks(bpp)
        .filter(|px| px.iter().take(3).any(|&c| c < 240) || (bpp == 4 && px[3] < 255))
        .count();
    (info.width, info.height, ink)
}

#[test]
fn every_corpus_dxf_renders_and_is_not_blank() {
    let Some(corpus) = common::corpus() else { return };
    let mut files: Vec<_> = std::fs::read_dir(corpus.join("dxf"))
        .expect("corpus/dxf is readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("dxf")))
        .collect();
    files.sort();
    assert!(files.len() >= 100, "expected the corpus DXF files, found {}", files.len());
    let opts = RenderOptions::default();
    let (mut rendered, mut failures, mut empty) = (0, Vec::new(), Vec::new());
    let mut times: Vec<(Duration, String, usize)> = Vec::new();
    for path in &files {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        // Files the reader refuses are the reader's business (dxf_oracle covers them).
        let Ok(doc) = cadlens::read::read_path(path) else { continue };
        let started = Instant::now();
        let Some(scene) = build_scene(&doc, &opts) else {
            failures.push(format!("{name}: no 2D scene"));
            continue;
        };
        let png = match raster::to_png(&scene) {
            Ok(png) => png,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        times.push((started.elapsed(), name.clone(), scene.point_count()));
        let (w, h, ink) = ink_pixels(&png);
        assert_eq!((w, h), (1024, 768), "{name}");
        rendered += 1;
        if scene.items.is_empty() {
            // Nothing drawable (an empty model space): blank is right.
            empty.push(name.clone());
            assert_eq!(ink, 0, "{name}: an empty scene painted pixels");
        } else if ink == 0 {
            failures.push(format!("{name}: {} items drawn but the image is blank", scene.items.len()));
        }
    }
    times.sort_by_key(|t| std::cmp::Reverse(t.0));
    let total: Duration = times.iter().map(|t| t.0).sum();
    eprintln!("rendered {rendered} files in {total:?}; {} with nothing to draw: {}", empty.len(), empty.join(" "));
    eprintln!("slowest:");
    for (t, name, points) in times.iter().take(5) {
        eprintln!("  {t:>10.1?}  {points:>8} points  {name}");
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
    assert!(rendered >= 100, "only {rendered} files rendered");
}
