//! Snapshot of `assets/bracket.dxf` at 256×192 against the reviewed `tests/golden/bracket_256x192.png`.
//! Tolerance: a pixel counts as changed when a channel differs by more than 48; the test fails when more
//! than 0.5 % of the pixels (245) changed — anti-aliasing noise from a dependency update stays under that,
//! a moved, missing or recoloured entity does not (the text alone covers ~600 pixels). Set
//! `CADLENS_UPDATE_GOLDEN=1` to rewrite the golden after reviewing the new picture.

use std::path::Path;
use std::time::Instant;

use cadlens::render::{RenderOptions, build_scene, raster};

const GOLDEN: &str = "tests/golden/bracket_256x192.png";
const CHANNEL_TOLERANCE: i16 = 48;
const MAX_CHANGED: usize = 245;

fn decode(png: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut reader = png::Decoder::new(png).read_info().expect("PNG header");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("PNG data");
    assert_eq!(info.color_type, png::ColorType::Rgba);
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

fn render_bracket() -> Vec<u8> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = cadlens::read::read_path(&root.join("assets/bracket.dxf")).expect("bracket.dxf reads");
    let opts = RenderOptions { width: 256, height: 192, ..RenderOptions::default() };
    let started = Instant::now();
    let scene = build_scene(&doc, &opts).expect("a 2D drawing");
    let png = raster::to_png(&scene).expect("renders");
    eprintln!("bracket 256×192: {:?} ({} points)", started.elapsed(), scene.point_count());
    png
}

#[test]
fn bracket_matches_the_reviewed_snapshot() {
    let png = render_bracket();
    let golden_path = Path::new(env!("CARGO_MANIFEST_DIR")).join(GOLDEN);
    if std::env::var_os("CADLENS_UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden_path, &png).expect("golden written");
    }
    let golden = std::fs::read(&golden_path).expect("the golden PNG exists (CADLENS_UPDATE_GOLDEN=1 writes it)");
    let (w, h, got) = decode(&png);
    let (gw, gh, want) = decode(&golden);
    assert_eq!((w, h), (gw, gh));
    let changed = got
        .chunks(4)
        .zip(want.chunks(4))
        .filter(|(a, b)| a.iter().zip(b.iter()).any(|(x, y)| (i16::from(*x) - i16::from(*y)).abs() > CHANNEL_TOLERANCE))
        .count();
    assert!(changed <= MAX_CHANGED, "{changed} of {} pixels differ from {GOLDEN}", w * h);
    // The drawing is there at all: the red outline's top-left corner region and black text pixels.
    let red = got.chunks(4).filter(|p| p[0] > 200 && p[1] < 80 && p[2] < 80).count();
    let black = got.chunks(4).filter(|p| p[0] < 60 && p[1] < 60 && p[2] < 60).count();
    assert!(red > 500 && black > 100, "red {red}, black {black}");
}

#[test]
fn rendering_is_deterministic() {
    assert_eq!(render_bracket(), render_bracket());
}
