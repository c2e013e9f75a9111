//! Text extents measured with a real font, the way ezdxf 1.4's `bbox` module measures them, for drawing
//! extents comparable with that reference. (The per-entity `bbox` of the result schemas keeps the hosted
//! estimate of 0.6 × height per character: see [`super::measure::text_box`].)
//!
//! The rules, as ezdxf's `disassemble` applies them:
//! - TEXT/ATTRIB/ATTDEF: one line; the height is the cap height, the width the sum of the glyph advances of
//!   [`crate::font::measuring`] scaled by height / cap height and the width factor. The box runs from the
//!   descender to the cap top; justification shifts it (middle = centre of the cap height, 72 = 4 "middle" =
//!   centre of cap plus descender, bottom = descender on the reference point); fit/aligned text spans its two
//!   points. Oblique slants, mirroring flips about the reference point, then rotation.
//! - MTEXT: the reference width (41) wraps words; the box is the writer's own size (42/43) when stored,
//!   else the reference width (or the widest line) by `n` lines of cap plus descender spaced
//!   1.67 × cap × line spacing factor; the attachment point places it.
//! - Empty text has no extent.

use super::drawing::{HAlign, TextGeom, VAlign};
use super::geom::Point;
use crate::font::{Face, measuring};

/// ezdxf's 3-on-5 line pitch factor (written as 1.67 there, not 5/3).
const EZDXF_LINE_PITCH: f64 = 1.67;

/// Characters measured per string at most: longer (hostile) strings are measured by their prefix.
const MAX_MEASURED_CHARS: usize = 100_000;

/// The four corners of a text's measured box in its sheet coordinates, `None` when it has nothing to show.
/// Falls back to the estimate of [`super::measure::text_box`] if the bundled face cannot be parsed.
pub fn measured_text_box(t: &TextGeom) -> Option<[Point; 4]> {
    let Some(face) = measuring() else {
        return (!t.value.is_empty()).then(|| super::measure::text_box(t));
    };
    if t.multiline { mtext_box(t, face) } else { line_box(t, face) }
}

/// The corners of a text's frame ([`TextGeom::frame`]): its measured box grown by the frame's offset on
/// every side, in the box's own directions; `None` without a frame or a box.
pub fn frame_corners(t: &TextGeom) -> Option<[Point; 4]> {
    let gap = t.frame.filter(|g| g.is_finite())?;
    let c = measured_text_box(t)?;
    // c[0]→c[1] runs along one side and c[0]→c[3] along the other, whatever the corner order.
    let u = c[1].minus(c[0]).normalized().unwrap_or(Point::xy(1.0, 0.0));
    let v = c[3].minus(c[0]).normalized().unwrap_or(Point::xy(-u.y, u.x));
    let centre = c.iter().fold(Point::ZERO, |a, p| a.plus(p.scale(0.25)));
    Some(c.map(|p| {
        let d = p.minus(centre);
        let su = if d.dot(u) < 0.0 { -gap } else { gap };
        let sv = if d.dot(v) < 0.0 { -gap } else { gap };
        p.plus(u.scale(su)).plus(v.scale(sv))
    }))
}

fn prefix(s: &str) -> &str {
    match s.char_indices().nth(MAX_MEASURED_CHARS) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Places a box given in text coordinates (x along the baseline) at the text's position and rotation.
fn place(t: &TextGeom, corners: [(f64, f64); 4]) -> [Point; 4] {
    let (s, c) = t.rotation_deg.to_radians().sin_cos();
    corners.map(|(x, y)| Point::new(t.position.x + x * c - y * s, t.position.y + x * s + y * c, t.position.z))
}

/// One line of TEXT, ATTRIB or ATTDEF.
fn line_box(t: &TextGeom, face: &Face) -> Option<[Point; 4]> {
    let text = prefix(&t.value);
    if text.is_empty() {
        return None;
    }
    let h = t.height;
    let scale = h / face.cap_height();
    let width = match t.halign {
        // The reader stretched fit/aligned text between its two points through the width factor of the
        // estimate: that span is the width whatever the font.
        HAlign::Fit | HAlign::Aligned => {
            super::measure::TEXT_CHAR_WIDTH * h.abs() * t.width_factor * text.chars().count() as f64
        }
        _ => face.advance_sum(text) * scale * t.width_factor,
    };
    let baseline = face.baseline() * scale;
    let (bottom, cap_top) = (baseline - face.descender_per_cap() * h, baseline + h);
    let shift_x = match t.halign {
        HAlign::Left | HAlign::Fit | HAlign::Aligned => 0.0,
        HAlign::Center => -width / 2.0,
        HAlign::Right => -width,
    };
    let shift_y = match t.valign {
        VAlign::Baseline => baseline,
        VAlign::Bottom => -bottom,
        VAlign::Middle if t.middle_of_body => -cap_top + (cap_top - bottom) / 2.0,
        VAlign::Middle => -cap_top + h / 2.0,
        VAlign::Top => -cap_top,
    };
    let slant = t.oblique_deg.to_radians().tan();
    let slant = if slant.is_finite() { slant } else { 0.0 };
    let (mx, my) = (if t.mirror_x { -1.0 } else { 1.0 }, if t.mirror_y { -1.0 } else { 1.0 });
    let corner = |x: f64, y: f64| ((x + y * slant + shift_x) * mx, (y + shift_y) * my);
    Some(place(t, [corner(0.0, bottom), corner(width, bottom), corner(width, cap_top), corner(0.0, cap_top)]))
}

/// MTEXT: a frame from the top-left corner at the attachment point.
fn mtext_box(t: &TextGeom, face: &Face) -> Option<[Point; 4]> {
    let h = t.height;
    let width_of = |s: &str| face.advance_sum(s) * h / face.cap_height();
    let (w, total_h) = match (t.written_width, t.written_height, t.box_width, t.box_height) {
        (Some(ww), Some(wh), _, _) => (ww, wh),
        // Column layouts: all columns side by side, each as tall as the defined height.
        (_, _, Some(bw), Some(bh)) => (bw, bh),
        _ => {
            let lines = wrap(prefix(&t.value), t.box_width, &width_of);
            if lines.is_empty() {
                return None;
            }
            let w = t.written_width.or(t.box_width).unwrap_or_else(|| {
                // The line with the most characters (the first of them), as ezdxf picks it.
                let longest = lines.iter().rev().max_by_key(|l| l.chars().count()).map_or("", |l| l.as_str());
                width_of(if longest.is_empty() { " " } else { longest })
            });
            let total = t.written_height.unwrap_or_else(|| {
                let line_h = h * (1.0 + face.descender_per_cap());
                let pitch = h * t.line_spacing.unwrap_or(1.0) * EZDXF_LINE_PITCH;
                let n = lines.len() as f64;
                line_h * n + (pitch - line_h) * (n - 1.0)
            });
            (w, total)
        }
    };
    let sx = match t.halign {
        HAlign::Center => -0.5 * w,
        HAlign::Right => -w,
        HAlign::Left | HAlign::Fit | HAlign::Aligned => 0.0,
    };
    let sy = match t.valign {
        VAlign::Middle => 0.5 * total_h,
        VAlign::Bottom | VAlign::Baseline => total_h,
        VAlign::Top => 0.0,
    };
    let my = if t.mirror_y { -1.0 } else { 1.0 };
    let corners = [(sx, sy), (sx + w, sy), (sx + w, sy - total_h), (sx, sy - total_h)];
    Some(place(t, corners.map(|(x, y)| (x, y * my))))
}

/// Word wrapping of MTEXT as ezdxf's `text_wrap` does it: `\n` breaks a line, a word that would pass
/// `box_width` starts a new line (a lone over-long word keeps its own line), a `\n` right after such a wrap
/// is dropped, blanks at the start of a wrapped line are dropped, trailing blanks are trimmed. No box: lines break at `\n` only. Blank-only text has no lines.
fn wrap(text: &str, box_width: Option<f64>, width_of: &dyn Fn(&str) -> f64) -> Vec<String> {
    if text.chars().all(char::is_whitespace) {
        return Vec::new();
    }
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut current_w = 0.0;
    let mut just_wrapped = false;
    for token in tokens(text) {
        let on_first_line = lines.is_empty();
        if token == "\n" && just_wrapped {
            continue;
        }
        just_wrapped = false;
        if token == "\n" {
            lines.push(current.trim_end().to_owned());
            current.clear();
            current_w = 0.0;
        } else if token.chars().all(char::is_whitespace) {
            if !current.is_empty() || on_first_line {
                current.push_str(token);
                current_w += width_of(token);
            }
        } else {
            let w = width_of(token);
            // Widths add up (no kerning), so the candidate line need not be measured again.
            if box_width.is_some_and(|bw| current_w + w > bw) && !current.is_empty() {
                lines.push(current.trim_end().to_owned());
                current.clear();
                current_w = 0.0;
                just_wrapped = true;
            }
            current.push_str(token);
            current_w += w;
        }
    }
    if !current.chars().all(char::is_whitespace) {
        lines.push(current.trim_end().to_owned());
    }
    lines
}

/// Splits at `\n` (a token of its own) and between runs of blanks and runs of other characters.
fn tokens(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let end = if first == '\n' {
            1
        } else {
            let blank = first.is_whitespace();
            rest.char_indices().find(|&(_, c)| c == '\n' || c.is_whitespace() != blank).map_or(rest.len(), |(i, _)| i)
        };
        let (token, tail) = rest.split_at(end);
        rest = tail;
        Some(token)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: &str, height: f64) -> TextGeom {
        TextGeom { value: value.into(), height, width_factor: 1.0, ..TextGeom::default() }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn a_line_spans_its_advances_from_descender_to_cap_top() {
        // "Hello World 123" is 14745 units wide in DejaVu Sans Condensed, cap height 1493, descender 426.
        let b = measured_text_box(&text("Hello World 123", 2.0)).expect("a box");
        assert!(close(b[0].x, 0.0) && close(b[0].y, -2.0 * 426.0 / 1493.0), "{b:?}");
        assert!(close(b[2].x, 2.0 * 14745.0 / 1493.0) && close(b[2].y, 2.0), "{b:?}");
        assert_eq!(measured_text_box(&text("", 2.0)), None);
    }

    #[test]
    fn justification_mirroring_and_middle_of_body() {
        let mut t = text("Hello World 123", 2.0);
        let w = 2.0 * 14745.0 / 1493.0;
        let d = 2.0 * 426.0 / 1493.0;
        (t.halign, t.valign) = (HAlign::Right, VAlign::Top);
        let b = measured_text_box(&t).unwrap();
        assert!(close(b[0].x, -w) && close(b[2].y, 0.0) && close(b[0].y, -2.0 - d), "{b:?}");
        (t.halign, t.valign) = (HAlign::Center, VAlign::Middle);
        let b = measured_text_box(&t).unwrap();
        assert!(close(b[0].x, -w / 2.0) && close(b[2].y, 1.0), "{b:?}");
        t.middle_of_body = true;
        let b = measured_text_box(&t).unwrap();
        assert!(close(b[2].y, (2.0 + d) / 2.0), "{b:?}");
        let mut t = text("Hello World 123", 2.0);
        t.mirror_x = true;
        let b = measured_text_box(&t).unwrap();
        assert!(close(b[1].x, -w), "{b:?}");
    }

    #[test]
    fn mtext_wraps_words_at_the_reference_width() {
        let width = |s: &str| s.chars().count() as f64;
        assert_eq!(wrap("aa bb cc", Some(5.0), &width), ["aa bb", "cc"]);
        assert_eq!(wrap("aa bb\ncc", None, &width), ["aa bb", "cc"]);
        // A lone long word stays whole; a manual break right after a wrap is swallowed (ezdxf's rule, so
        // "bb" and "cc" share a line).
        assert_eq!(wrap("aaaaaaa bb\ncc", Some(5.0), &width), ["aaaaaaa", "bbcc"]);
        assert_eq!(wrap("  \n ", Some(5.0), &width), Vec::<String>::new());
    }

    #[test]
    fn mtext_height_is_lines_of_cap_and_descender_at_ezdxf_pitch() {
        let mut t = text("one\ntwo", 1.0);
        (t.multiline, t.valign) = (true, VAlign::Top);
        let d = 426.0 / 1493.0;
        let b = measured_text_box(&t).unwrap();
        // Top-left attachment: the frame hangs below the insertion point.
        assert!(close(b[0].y, 0.0) && close(b[2].y, -(1.0 + d + 1.67)), "{b:?}");
        t.written_width = Some(7.0);
        t.written_height = Some(3.0);
        t.valign = VAlign::Bottom;
        let b = measured_text_box(&t).unwrap();
        assert!(close(b[1].x, 7.0) && close(b[0].y, 3.0) && close(b[2].y, 0.0), "{b:?}");
    }
}

#[cfg(test)]
mod mirror_tests {
    use super::*;
    use crate::model::Geom;
    use crate::model::flatten::transform_geom;
    use crate::model::geom::Affine;

    #[test]
    fn text_in_a_mirrored_frame_runs_the_mapped_way_and_stays_upright() {
        // "H" at the origin mirrored in X (a block inserted with X scale −1, or a −Z extrusion): the text
        // runs towards −X from its insertion point and still stands on its baseline.
        let t = TextGeom { value: "HH".into(), height: 1.0, width_factor: 1.0, ..TextGeom::default() };
        let Geom::Text(m) = transform_geom(&Geom::Text(Box::new(t)), &Affine::scaling(-1.0, 1.0, 1.0)) else {
            panic!("text stays text")
        };
        assert!(m.mirror_x);
        let b = measured_text_box(&m).expect("a box");
        let (xs, ys): (Vec<f64>, Vec<f64>) = b.iter().map(|p| (p.x, p.y)).unzip();
        assert!(xs.iter().all(|x| *x <= 1e-12) && xs.iter().any(|x| *x < -1.0), "{b:?}");
        assert!(ys.iter().any(|y| (y - 1.0).abs() < 1e-9) && ys.iter().all(|y| *y < 1.0 + 1e-9), "{b:?}");
    }
}
