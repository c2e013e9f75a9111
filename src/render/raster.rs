//! Display list → pixels with tiny-skia (anti-aliased CPU rasteriser of the resvg family) → PNG. The PNG
//! encoder writes no time or text chunks, so the same scene gives the same bytes.

use tiny_skia::{
    Color, FillRule as SkFill, LineCap, LineJoin, Paint, PathBuilder, Pixmap, Stroke, StrokeDash, Transform,
};

use super::Background;
use super::scene::{FillRule, Item, Scene, Shape};

#[derive(Debug, thiserror::Error)]
pub enum RasterError {
    #[error("cannot allocate a {0}×{1} image")]
    Size(u32, u32),
    #[error("PNG encoding failed: {0}")]
    Png(String),
}

/// Paints the scene into a pixmap (premultiplied RGBA).
pub fn to_pixmap(scene: &Scene) -> Result<Pixmap, RasterError> {
    let mut pixmap = Pixmap::new(scene.width, scene.height).ok_or(RasterError::Size(scene.width, scene.height))?;
    if let Background::Solid(c) = scene.background {
        pixmap.fill(Color::from_rgba8(c.0, c.1, c.2, 255));
    }
    for item in &scene.items {
        draw(&mut pixmap, item);
    }
    Ok(pixmap)
}

/// The scene as PNG bytes (RGBA, 8 bits per channel).
pub fn to_png(scene: &Scene) -> Result<Vec<u8>, RasterError> {
    to_pixmap(scene)?.encode_png().map_err(|e| RasterError::Png(e.to_string()))
}

fn draw(pixmap: &mut Pixmap, item: &Item) {
    let mut paint = Paint::default();
    paint.set_color_rgba8(item.colour.0, item.colour.1, item.colour.2, 255);
    paint.anti_alias = true;
    match &item.shape {
        Shape::Fill { rings, rule } => {
            let Some(path) = build_path(rings, true) else { return };
            let rule = match rule {
                FillRule::EvenOdd => SkFill::EvenOdd,
                FillRule::NonZero => SkFill::Winding,
            };
            pixmap.fill_path(&path, &paint, rule, Transform::identity(), None);
        }
        Shape::Stroke { paths, width, dash } => {
            let Some(path) = build_path(paths, false) else { return };
            // Round caps and joins, as CAD viewers draw wide lines.
            let stroke = Stroke {
                width: *width,
                line_cap: LineCap::Round,
                line_join: LineJoin::Round,
                dash: dash.as_ref().and_then(|d| StrokeDash::new(d.clone(), 0.0)),
                ..Stroke::default()
            };
            pixmap.stroke_path(&path, &paint, &stroke, Transform::identity(), None);
        }
    }
}

/// One tiny-skia path of many subpaths; `None` when nothing valid is left.
fn build_path(parts: &[Vec<[f32; 2]>], close: bool) -> Option<tiny_skia::Path> {
    let mut pb = PathBuilder::new();
    for part in parts {
        let Some((first, rest)) = part.split_first() else { continue };
        pb.move_to(first[0], first[1]);
        for p in rest {
            pb.line_to(p[0], p[1]);
        }
        if close {
            pb.close();
        }
    }
    pb.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Rgb;
    use crate::render::scene::Fit;

    fn scene(background: Background) -> Scene {
        Scene {
            width: 20,
            height: 10,
            background,
            items: vec![Item {
                colour: Rgb(255, 0, 0),
                shape: Shape::Stroke { paths: vec![vec![[0.0, 5.0], [20.0, 5.0]]], width: 2.0, dash: None },
            }],
            truncated: false,
            fit: Fit { scale: 1.0, centre: (0.0, 0.0), size: (20.0, 10.0) },
        }
    }

    #[test]
    fn background_and_stroke_pixels() {
        let p = to_pixmap(&scene(Background::Solid(Rgb(0x10, 0x20, 0x30)))).expect("paints");
        let corner = p.pixel(0, 0).expect("in range");
        assert_eq!((corner.red(), corner.green(), corner.blue(), corner.alpha()), (0x10, 0x20, 0x30, 255));
        // The 2 px line covers rows 4 and 5 fully.
        let on = p.pixel(10, 4).expect("in range").demultiply();
        assert_eq!((on.red(), on.green(), on.blue(), on.alpha()), (255, 0, 0, 255));
        let t = to_pixmap(&scene(Background::Transparent)).expect("paints");
        assert_eq!(t.pixel(0, 0).expect("in range").alpha(), 0);
        assert_eq!(t.pixel(10, 5).expect("in range").alpha(), 255);
    }

    #[test]
    fn png_bytes_start_with_the_signature_and_repeat() {
        let a = to_png(&scene(Background::Transparent)).expect("encodes");
        assert_eq!(&a[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(a, to_png(&scene(Background::Transparent)).expect("encodes"));
    }
}
