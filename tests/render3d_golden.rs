//! Snapshots of 3D previews of a small synthetic assembly (built here, no corpus file): a cube part placed
//! twice (the second instance moved, mirrored and overridden red), a smooth sphere part with vertex normals
//! (blue) and an open box (a shell whose inside shows, darker). Three cameras and backgrounds, 160×120,
//! against reviewed PNGs in `tests/golden/`.
//!
//! Tolerance as in `render_golden.rs`: a pixel counts as changed when a channel differs by more than 48; a
//! snapshot fails when more than 0.5 % of its pixels (96) changed. Anti-aliasing noise stays well under
//! that; a moved part, a lost colour or a changed light does not (each part covers over 1 000 pixels, and
//! the faces of a part differ by more than 48 in brightness). `CADLENS_UPDATE_GOLDEN=1` rewrites the
//! snapshots after reviewing the new pictures.

use std::path::Path;

use cadlens::model::geom::{Affine, Point};
use cadlens::model::{FaceMesh, Model3d, Node, NodeKind, PartDef, Rgba, Solid};
use cadlens::render::{Background, RenderOptions, View, build_scene3d, raster3d};

const CHANNEL_TOLERANCE: i16 = 48;
const MAX_CHANGED: usize = 96;

fn cube() -> FaceMesh {
    FaceMesh::cuboid([1.0; 3])
}

/// A sphere of radius ½ around (½, ½, ½) with its exact normals.
fn sphere() -> FaceMesh {
    let (slices, stacks) = (24u32, 12u32);
    let mut mesh = FaceMesh::default();
    for i in 0..=stacks {
        let phi = std::f32::consts::PI * i as f32 / stacks as f32;
        for j in 0..slices {
            let theta = std::f32::consts::TAU * j as f32 / slices as f32;
            let n = [phi.sin() * theta.cos(), phi.sin() * theta.sin(), phi.cos()];
            mesh.positions.push(n.map(|c| 0.5 + 0.5 * c));
            mesh.normals.push(n);
        }
    }
    for i in 0..stacks {
        for j in 0..slices {
            let (a, b) = (i * slices + j, i * slices + (j + 1) % slices);
            let (c, d) = (a + slices, b + slices);
            mesh.indices.push([a, c, b]);
            mesh.indices.push([b, c, d]);
        }
    }
    mesh
}

fn part(name: &str, face: FaceMesh, colour: Option<Rgba>) -> PartDef {
    PartDef {
        name: name.into(),
        solids: vec![Solid { faces: vec![face], ..Solid::default() }],
        colour,
        ..PartDef::default()
    }
}

fn placed(part: usize, transform: Affine, colour_override: Option<Rgba>) -> Node {
    Node { part: Some(part), transform, colour_override, ..Node::default() }
}

fn assembly() -> Model3d {
    let mut open_box = cube();
    // Bottom and three sides, no top and no −X side: the inside shows.
    open_box.indices.truncate(10);
    open_box.indices.drain(2..4);
    let moved = |x: f64, y: f64| Affine::translation(Point::new(x, y, 0.0));
    Model3d {
        parts: vec![
            part("cube", cube(), None),
            part("ball", sphere(), Some(Rgba::opaque(0.2, 0.4, 0.9))),
            part("tray", open_box, Some(Rgba::opaque(0.9, 0.8, 0.3))),
        ],
        roots: vec![Node {
            name: "assembly".into(),
            kind: NodeKind::Assembly,
            children: vec![
                placed(0, Affine::IDENTITY, None),
                placed(
                    0,
                    moved(2.5, 0.0).then_after(&Affine::scaling(-1.0, 1.0, 1.0)),
                    Some(Rgba::opaque(0.85, 0.1, 0.1)),
                ),
                placed(1, moved(0.0, 2.0), None),
                placed(2, moved(2.0, 2.0), None),
            ],
            ..Node::default()
        }],
        ..Model3d::default()
    }
}

fn decode(png: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut reader = png::Decoder::new(png).read_info().expect("PNG header");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("PNG data");
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

fn check(name: &str, opts: RenderOptions) -> Vec<u8> {
    let model = assembly();
    let png = raster3d::to_png(&build_scene3d(&model, &opts).expect("a scene")).expect("renders");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name);
    if std::env::var_os("CADLENS_UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &png).expect("golden written");
    }
    let golden = std::fs::read(&path).expect("the golden PNG exists (CADLENS_UPDATE_GOLDEN=1 writes it)");
    let (w, h, got) = decode(&png);
    let (gw, gh, want) = decode(&golden);
    assert_eq!((w, h), (gw, gh));
    let changed = got
        .chunks(4)
        .zip(want.chunks(4))
        .filter(|(a, b)| a.iter().zip(b.iter()).any(|(x, y)| (i16::from(*x) - i16::from(*y)).abs() > CHANNEL_TOLERANCE))
        .count();
    assert!(changed <= MAX_CHANGED, "{changed} of {} pixels differ from {name}", w * h);
    got
}

/// Pixels whose colour is near `rgb` (opaque).
fn near(rgba: &[u8], rgb: [u8; 3], within: i16) -> usize {
    rgba.chunks(4)
        .filter(|p| p[3] == 255 && (0..3).all(|k| (i16::from(p[k]) - i16::from(rgb[k])).abs() <= within))
        .count()
}

#[test]
fn assembly_iso_on_white() {
    let rgba = check("assembly_iso_160x120.png", RenderOptions { width: 160, height: 120, ..RenderOptions::default() });
    // The red override shows (lit between 25 % and 100 %: red clearly above green and blue).
    let red = rgba.chunks(4).filter(|p| p[0] > 100 && u16::from(p[1]) * 3 < u16::from(p[0])).count();
    assert!(red > 500, "{red} red pixels");
    let blue = rgba.chunks(4).filter(|p| p[2] > 100 && u16::from(p[0]) * 2 < u16::from(p[2])).count();
    assert!(blue > 500, "{blue} blue pixels");
    assert_eq!(&rgba[..4], &[255, 255, 255, 255]);
}

#[test]
fn assembly_top_on_black() {
    let opts = RenderOptions {
        width: 160,
        height: 120,
        view: View::Top,
        background: Background::parse("black").expect("a colour"),
        ..RenderOptions::default()
    };
    let rgba = check("assembly_top_160x120.png", opts);
    // From the top the four parts sit on a 3 × 3 grid: the background shows between them.
    assert!(near(&rgba, [0, 0, 0], 0) > 160 * 120 / 4);
}

#[test]
fn assembly_az_el_on_transparent() {
    let opts = RenderOptions {
        width: 160,
        height: 120,
        view: View::parse("200,25").expect("a view"),
        background: Background::Transparent,
        ..RenderOptions::default()
    };
    let rgba = check("assembly_az200_el25_160x120.png", opts);
    let clear = rgba.chunks(4).filter(|p| p[3] == 0).count();
    let solid = rgba.chunks(4).filter(|p| p[3] == 255).count();
    assert!(clear > 160 * 120 / 3 && solid > 160 * 120 / 6, "{clear} clear, {solid} solid");
}
