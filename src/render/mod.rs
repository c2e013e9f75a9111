//! Previews (formats.md §9). 2D: one sheet of a [`Document`] → a display list ([`scene::Scene`]) in pixel
//! coordinates → PNG ([`raster`], tiny-skia) or SVG ([`svg`], our own writer). 3D: the model's instances →
//! [`scene3d::Scene3d`] (camera from [`camera`], colours and light from [`shade`], feature edges from
//! [`edges`]) → our z-buffer rasteriser [`raster3d`] → PNG, and for SVG that PNG embedded in an SVG image.
//! Renderers see only the model.
//!
//! ```no_run
//! # fn demo(doc: &cadlens::model::Document) {
//! let opts = cadlens::render::RenderOptions::default(); // 1024×768, white, model space
//! if let Some(scene) = cadlens::render::build_scene(doc, &opts) {
//!     let png: Vec<u8> = cadlens::render::raster::to_png(&scene).unwrap_or_default();
//!     let svg: String = cadlens::render::svg::to_svg(&scene);
//! #   let _ = (png, svg);
//! }
//! # }
//! ```

pub mod camera;
pub mod colour;
pub mod edges;
pub mod raster;
pub mod raster3d;
pub mod scene;
pub mod scene3d;
pub mod shade;
pub mod svg;
pub mod text;

use crate::model::{Document, Rgb};

pub use camera::View;
pub use scene::{Scene, build_scene};
pub use scene3d::{Scene3d, build_scene3d};

/// What the picture is painted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Background {
    /// An opaque colour (white by default: hosted previews sit on white).
    Solid(Rgb),
    /// No background: PNG alpha 0, SVG without a background rect. Colours are corrected as on white.
    Transparent,
}

impl Background {
    /// `white`, `black`, `transparent` or `#rrggbb` (cli.md `--background`).
    pub fn parse(s: &str) -> Result<Background, String> {
        match s.to_ascii_lowercase().as_str() {
            "white" => Ok(Background::Solid(Rgb::WHITE)),
            "black" => Ok(Background::Solid(Rgb::BLACK)),
            "transparent" => Ok(Background::Transparent),
            hex if hex.len() == 7 && hex.starts_with('#') => u32::from_str_radix(&hex[1..], 16)
                .map(|v| Background::Solid(Rgb::from_u24(v)))
                .map_err(|_| format!("{s}: not a #rrggbb colour")),
            _ => Err(format!("{s}: expected white, black, transparent or #rrggbb")),
        }
    }

    /// The colour that colour correction measures against (transparent previews are shown on white).
    pub fn effective(self) -> Rgb {
        match self {
            Background::Solid(c) => c,
            Background::Transparent => Rgb::WHITE,
        }
    }
}

/// Image size limits: large enough for print previews, small enough that a pixmap always allocates.
pub const MIN_SIDE: u32 = 16;
pub const MAX_SIDE: u32 = 8192;

/// Parses `WxH` (cli.md `--size`), each side within [`MIN_SIDE`]..=[`MAX_SIDE`].
pub fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let (w, h) = s.split_once(['x', 'X']).ok_or_else(|| format!("{s}: expected WxH, e.g. 1024x768"))?;
    let side = |v: &str| -> Result<u32, String> {
        let n: u32 = v.trim().parse().map_err(|_| format!("{s}: {v} is not a whole number"))?;
        if (MIN_SIDE..=MAX_SIDE).contains(&n) {
            Ok(n)
        } else {
            Err(format!("{s}: each side must be {MIN_SIDE}–{MAX_SIDE} pixels"))
        }
    };
    Ok((side(w)?, side(h)?))
}

/// How to render a document.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderOptions {
    pub width: u32,
    pub height: u32,
    pub background: Background,
    /// Draw only these layers (case-insensitive); `None` draws every visible layer.
    pub layers: Option<Vec<String>>,
    /// Index into `Document::sheets` (0 = model space).
    pub sheet: usize,
    /// 3D: the camera.
    pub view: View,
    /// 3D: draw feature edges (creases over 30°, open boundaries) darker over the faces.
    pub edges: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            width: 1024,
            height: 768,
            background: Background::Solid(Rgb::WHITE),
            layers: None,
            sheet: 0,
            view: View::Iso,
            edges: true,
        }
    }
}

/// Renders `doc` to PNG bytes: its 3D model when it has one, else its 2D drawing; `Ok(None)` when there
/// is nothing to render (no sheet, an empty model).
pub fn render_png(doc: &Document, opts: &RenderOptions) -> Result<Option<Vec<u8>>, raster::RasterError> {
    if let Some(model) = &doc.model3d {
        return build_scene3d(model, opts).map(|s| raster3d::to_png(&s)).transpose();
    }
    match build_scene(doc, opts) {
        Some(scene) => raster::to_png(&scene).map(Some),
        None => Ok(None),
    }
}

/// Renders `doc` to SVG text: the 2D drawing as vector paths, or the 3D model's shaded view as a PNG image
/// inside an SVG (cli.md `--svg`); `Ok(None)` when there is nothing to render.
pub fn render_svg(doc: &Document, opts: &RenderOptions) -> Result<Option<String>, raster::RasterError> {
    if let Some(model) = &doc.model3d {
        let Some(scene) = build_scene3d(model, opts) else { return Ok(None) };
        return raster3d::to_png(&scene).map(|png| Some(svg::png_in_svg(&png, scene.width, scene.height)));
    }
    Ok(build_scene(doc, opts).map(|s| svg::to_svg(&s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_and_background_parse_as_the_cli_documents() {
        assert_eq!(parse_size("1024x768"), Ok((1024, 768)));
        assert_eq!(parse_size("64X48"), Ok((64, 48)));
        assert!(parse_size("0x10").is_err());
        assert!(parse_size("100000x10").is_err());
        assert!(parse_size("big").is_err());
        assert_eq!(Background::parse("#102030"), Ok(Background::Solid(Rgb(0x10, 0x20, 0x30))));
        assert_eq!(Background::parse("Black"), Ok(Background::Solid(Rgb::BLACK)));
        assert_eq!(Background::parse("transparent"), Ok(Background::Transparent));
        assert!(Background::parse("#12345").is_err());
    }
}
