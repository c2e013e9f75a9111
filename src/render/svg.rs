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
    for item in &scene.items {
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
    use crate::render::scene::{Fit, Item};

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
                },
                Item {
                    colour: Rgb::BLACK,
                    shape: Shape::Stroke {
                        paths: vec![vec![[0.5, 1.25], [3.0, 4.0]]],
                        width: 1.0,
                        dash: Some(vec![5.0, 2.5]),
                    },
                },
            ],
            truncated: false,
            fit: Fit { scale: 1.0, centre: (0.0, 0.0), size: (10.0, 20.0) },
        };
        let svg = to_svg(&scene);
        assert!(svg.contains(r#"viewBox="0 0 10 20""#));
        assert!(svg.contains(r##"<path d="M0 0L1 0L1 1Z" fill="#FF0000" fill-rule="evenodd"/>"##), "{svg}");
        assert!(svg.contains(r##"<path d="M0.5 1.25L3 4" fill="none" stroke="#000000" stroke-width="1""##), "{svg}");
        assert!(svg.contains(r#"stroke-dasharray="5 2.5""#));
        assert_eq!(num(-0.001), "0");
    }
}
