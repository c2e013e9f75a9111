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
