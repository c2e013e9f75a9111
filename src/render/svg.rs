//! Display list → SVG text (our own writer: paths only, so no crate is needed). Coordinates are pixels
//! with two decimals, so the SVG and the PNG show the same picture at the same size.

use std::fmt::Write;

use super::Background;
use super::scene::{FillRule, Scene, Shape};

pub fn to_svg(scene: &Scene) -> String {
    let mut out = String::with_capacity(1024 + scene.point_count() * 14);
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">"#,
        w = scene.width,
        h = scene.height
    );
    if let Background::Solid(c) = scene.background {
        let _ = writeln!(out, r#"<rect width="100%" height="100%" fill="{}"/>"#, c.hex());
    }
    // Clips as clipPath elements, one per region (`c<clip>_<region>`); an item inside several regions sits
    // in nested groups, so it is drawn where all of them hold, as the rasteriser's intersected mask.
    if !scene.clips.is_empty() {
        out.push_str("<defs>\n");
        for (i, clip) in scene.clips.iter().enumerate() {
            for (k, region) in clip.regions.iter().enumerate() {
                let _ = write!(out, r#"<clipPath id="c{i}_{k}"><path d=""#);
                path_data(&mut out, region, true);
                out.push_str("\" clip-rule=\"evenodd\"/></clipPath>\n");
            }
        }
        out.push_str("</defs>\n");
    }
    for item in &scene.items {
        let regions = item.clip.and_then(|i| scene.clips.get(i as usize)).map_or(0, |c| c.regions.len());
        for k in 0..regions {
            let _ = write!(out, r#"<g clip-path="url(#c{}_{k})">"#, item.clip.unwrap_or(0));
        }
        let colour = item.colour.hex();
        match &item.shape {
            Shape::Fill { rings, rule } => {
                let rule = match rule {
                    FillRule::EvenOdd => "evenodd",
                    FillRule::NonZero => "nonzero",
                };
                out.push_str("<path d=\"");
                path_data(&mut out, rings, true);
                let _ = writeln!(out, r#"" fill="{colour}" fill-rule="{rule}"/>"#);
            }
            Shape::Stroke { paths, width, dash } => {
                out.push_str("<path d=\"");
                path_data(&mut out, paths, false);
                let _ = write!(
                    out,
                    r#"" fill="none" stroke="{colour}" stroke-width="{}" stroke-linecap="round" stroke-linejoin="round""#,
                    num(*width)
                );
                if let Some(d) = dash {
                    let list: Vec<String> = d.iter().map(|v| num(*v)).collect();
                    let _ = write!(out, r#" stroke-dasharray="{}""#, list.join(" "));
                }
                out.push_str("/>\n");
            }
        }
        for _ in 0..regions {
            out.push_str("</g>");
        }
        if regions > 0 {
            out.push('\n');
        }
    }
    out.push_str("</svg>\n");
    out
}

fn path_data(out: &mut String, parts: &[Vec<[f32; 2]>], close: bool) {
    for part in parts {
        for (i, p) in part.iter().enumerate() {
            let _ = write!(out, "{}{} {}", if i == 0 { 'M' } else { 'L' }, num(p[0]), num(p[1]));
        }
        if close && !part.is_empty() {
            out.push('Z');
        }
    }
}

/// A raster picture (PNG bytes) as an SVG document of the same size: how 3D previews are written as SVG
/// (cli.md `--svg`: "3D: the shaded view as SVG"), so both files show the same picture.
pub fn png_in_svg(png: &[u8], width: u32, height: u32) -> String {
    let mut out = String::with_capacity(png.len() * 4 / 3 + 256);
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}"><image width="{width}" height="{height}" href="data:image/png;base64,"#
    );
    base64(png, &mut out);
    out.push_str("\"/></svg>\n");
    out
}

/// Standard base64 with padding (RFC 4648 §4), a few lines rather than a dependency.
fn base64(bytes: &[u8], out: &mut String) {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
}

/// Two decimals without trailing zeros (`12.5`, `3`, `-0.25`).
fn num(v: f32) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".to_owned() } else { s.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Rgb;
    use crate::render::scene::{Clip, Fit, Item};

    #[test]
    fn strokes_and_fills_become_paths() {
        let scene = Scene {
            width: 10,
            height: 20,
            background: Background::Solid(Rgb::WHITE),
            items: vec![
                Item {
                    colour: Rgb(255, 0, 0),
                    shape: Shape::Fill {
                        rings: vec![vec![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0]]],
                        rule: FillRule::EvenOdd,
                    },
                    clip: None,
                },
                Item {
                    colour: Rgb::BLACK,
                    shape: Shape::Stroke {
                        paths: vec![vec![[0.5, 1.25], [3.0, 4.0]]],
                        width: 1.0,
                        dash: Some(vec![5.0, 2.5]),
                    },
                    clip: Some(0),
                },
            ],
            clips: vec![Clip { regions: vec![vec![vec![[0.0, 0.0], [4.0, 0.0], [4.0, 4.0]]]] }],
            truncated: false,
            fit: Fit { scale: 1.0, centre: (0.0, 0.0), size: (10.0, 20.0) },
        };
        let svg = to_svg(&scene);
        assert!(svg.contains(r#"viewBox="0 0 10 20""#));
        assert!(svg.contains(r##"<path d="M0 0L1 0L1 1Z" fill="#FF0000" fill-rule="evenodd"/>"##), "{svg}");
        assert!(svg.contains(r##"<path d="M0.5 1.25L3 4" fill="none" stroke="#000000" stroke-width="1""##), "{svg}");
        assert!(svg.contains(r#"stroke-dasharray="5 2.5""#));
        assert!(
            svg.contains(r#"<clipPath id="c0_0"><path d="M0 0L4 0L4 4Z" clip-rule="evenodd"/></clipPath>"#),
            "{svg}"
        );
        assert!(svg.contains(r##"<g clip-path="url(#c0_0)"><path d="M0.5 1.25L3 4" fill="none""##), "{svg}");
        assert_eq!(num(-0.001), "0");
    }

    #[test]
    fn png_in_svg_embeds_base64() {
        let mut b = String::new();
        base64(b"Man", &mut b);
        base64(b"Ma", &mut b);
        base64(b"M", &mut b);
        assert_eq!(b, "TWFuTWE=TQ==");
        let svg = png_in_svg(b"\x89PNG", 4, 3);
        assert!(svg.contains(r#"width="4" height="3" href="data:image/png;base64,iVBORw==""#), "{svg}");
    }
}
