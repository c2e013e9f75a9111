//! ACAD_PROXY_ENTITY: the proxy graphics its writer stored for it (group 92, the byte count, then 310 chunks),
//! so a custom object drawn by another application shows as that application drew it.
//!
//! The graphics are a little-endian stream: total size and command count (two 32-bit words), then commands,
//! each a 32-bit byte size (header included) and a 32-bit type followed by its data. Read here: circle (2),
//! circle by three points (3), circular arc (4), arc by three points (5), polyline (6), polygon (7), text
//! (10, 11, 36, 38), colour (14, 22), model transforms (29, 30, 31), polyline with normal (32) and elliptic
//! arc (44). Other commands are skipped by their size. Coordinates are WCS (with the pushed transforms).

use std::borrow::Cow;

use crate::formats::dxf::text::{Encoding, decode};
use crate::formats::dxf::tokenizer::Tag;
use crate::model::colour::Rgb;
use crate::model::{Affine, ColourSpec, EllipseGeom, Entity, Geom, Point, TextGeom, Vertex};

/// Commands read at most, and parts made at most: a hostile stream stops there.
const MAX_COMMANDS: usize = 100_000;
/// Points of one polyline at most.
const MAX_POINTS: usize = 1_000_000;
/// Nested model transforms at most.
const MAX_TRANSFORMS: usize = 64;

/// The proxy graphics bytes of a proxy entity: the 310 chunks that follow its 92 (graphics size), decoded
/// from hex in ASCII files; `None` when there are none or a chunk is not hex.
pub fn graphics_bytes(body: &[Tag<'_>]) -> Option<Vec<u8>> {
    let start = body.iter().position(|t| t.code == 92)?;
    let mut out = Vec::new();
    for t in body[start + 1..].iter().take_while(|t| t.code == 310) {
        if t.is_binary() {
            out.extend_from_slice(t.raw);
        } else {
            let hex = t.trimmed();
            if hex.len() % 2 != 0 {
                return None;
            }
            for pair in hex.chunks(2) {
                let digit = |c: u8| (c as char).to_digit(16);
                out.push((digit(pair[0])? * 16 + digit(pair[1])?) as u8);
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

/// A bounded little-endian reader over one command's data.
struct Data<'b> {
    bytes: &'b [u8],
    at: usize,
}

impl<'b> Data<'b> {
    fn take(&mut self, n: usize) -> Option<&'b [u8]> {
        let s = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(s)
    }

    fn u32(&mut self) -> Option<u32> {
        self.take(4).and_then(|b| b.try_into().ok()).map(u32::from_le_bytes)
    }

    fn f64(&mut self) -> Option<f64> {
        self.take(8).and_then(|b| b.try_into().ok()).map(f64::from_le_bytes).filter(|v| v.is_finite())
    }

    fn point(&mut self) -> Option<Point> {
        Some(Point::new(self.f64()?, self.f64()?, self.f64()?))
    }

    /// A NUL-terminated string in the file's code page, then padding to a multiple of four bytes.
    fn padded(&mut self, enc: Encoding) -> Option<String> {
        let rest = self.bytes.get(self.at..)?;
        let end = rest.iter().position(|b| *b == 0)?;
        let s = decode(&rest[..end], enc);
        self.at = (self.at + end + 1).next_multiple_of(4);
        Some(s)
    }

    /// A UTF-16LE string ended by two NUL bytes, then padding to a multiple of four bytes.
    fn padded_unicode(&mut self) -> Option<String> {
        let rest = self.bytes.get(self.at..)?;
        let units: Vec<u16> =
            rest.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).take_while(|u| *u != 0).collect();
        self.at = (self.at + units.len() * 2 + 2).next_multiple_of(4);
        Some(String::from_utf16_lossy(&units))
    }
}

/// The parts the proxy graphics draw, in WCS, on layer `0` (so they take the proxy's layer, as a block's
/// contents do) with the colour the stream sets (ByLayer until it sets one). Unreadable data ends the walk
/// with what was read.
pub fn parts(bytes: &[u8], enc: Encoding) -> Vec<Entity> {
    let mut out = Vec::new();
    let mut colour = ColourSpec::ByLayer;
    let mut transforms: Vec<Affine> = Vec::new();
    let mut at = 8usize;
    for _ in 0..MAX_COMMANDS {
        let Some(head) = bytes.get(at..at.saturating_add(8)) else { break };
        let size = u32::from_le_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let kind = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
        if size < 8 {
            break;
        }
        let Some(data) = bytes.get(at + 8..at.saturating_add(size)) else { break };
        at += size;
        let mut d = Data { bytes: data, at: 0 };
        match kind {
            14 => {
                if let Some(v) = d.u32() {
                    colour = if v <= 256 { ColourSpec::from_aci_code(v as i32) } else { ColourSpec::ByLayer };
                }
            }
            22 => {
                if let Some(v) = d.u32() {
                    colour = raw_colour(v);
                }
            }
            29 | 30 => {
                let m: Option<Vec<f64>> = (0..16).map(|_| d.f64()).collect();
                if let (Some(m), true) = (m, transforms.len() < MAX_TRANSFORMS) {
                    let a =
                        Affine { m: [[m[0], m[1], m[2], m[3]], [m[4], m[5], m[6], m[7]], [m[8], m[9], m[10], m[11]]] };
                    let outer = transforms.last().copied().unwrap_or(Affine::IDENTITY);
                    transforms.push(outer.then_after(&a));
                }
            }
            31 => {
                transforms.pop();
            }
            _ => {
                if let Some((name, geom)) = command(kind, &mut d, enc) {
                    let geom = match transforms.last() {
                        Some(t) => crate::model::flatten::transform_geom(&geom, t),
                        None => geom,
                    };
                    let mut e = Entity::new(Cow::Borrowed(name), geom);
                    e.colour = colour;
                    out.push(e);
                }
            }
        }
    }
    out
}

/// An AcCmEntityColor value: method in the top byte (0xC2 true colour, 0xC3 ACI, 0xC0 ByLayer, 0xC1
/// ByBlock), value below.
fn raw_colour(v: u32) -> ColourSpec {
    match v >> 24 {
        0xC2 => ColourSpec::True { rgb: Rgb::from_u24(v & 0xFF_FFFF), aci: None },
        0xC3 => ColourSpec::from_aci_code((v & 0xFF) as i32),
        0xC1 => ColourSpec::ByBlock,
        _ => ColourSpec::ByLayer,
    }
}

/// One drawing command's geometry, with the type name of the entity it stands for.
fn command(kind: u32, d: &mut Data<'_>, enc: Encoding) -> Option<(&'static str, Geom)> {
    match kind {
        2 => {
            let center = d.point()?;
            let radius = d.f64()?;
            Some(("CIRCLE", Geom::Circle { center, radius }))
        }
        3 => {
            let (a, b, c) = (d.point()?, d.point()?, d.point()?);
            let (center, radius) = circle_3p(a, b, c)?;
            Some(("CIRCLE", Geom::Circle { center, radius }))
        }
        4 => {
            let center = d.point()?;
            let radius = d.f64()?;
            let normal = d.point()?;
            let start = d.point()?;
            let sweep = d.f64()?;
            // The sweep turns about the normal: seen from +Z, a −Z normal turns the other way.
            let a0 = start.y.atan2(start.x);
            let (s, e) = if normal.z < 0.0 { (a0 - sweep, a0) } else { (a0, a0 + sweep) };
            if sweep.abs() >= std::f64::consts::TAU - 1e-12 {
                return Some(("CIRCLE", Geom::Circle { center, radius }));
            }
            Some(("ARC", Geom::Arc { center, radius, start: s, end: e }))
        }
        5 => {
            let (a, b, c) = (d.point()?, d.point()?, d.point()?);
            let (center, radius) = circle_3p(a, b, c)?;
            let ang = |p: Point| (p.y - center.y).atan2(p.x - center.x);
            // Counter-clockwise from the first to the last point when the middle one lies on that way.
            let ccw = (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x) > 0.0;
            let (s, e) = if ccw { (ang(a), ang(c)) } else { (ang(c), ang(a)) };
            Some(("ARC", Geom::Arc { center, radius, start: s, end: e }))
        }
        6 | 7 | 32 => {
            let n = d.u32()? as usize;
            if n == 0 || n > MAX_POINTS {
                return None;
            }
            let pts: Option<Vec<Point>> = (0..n).map(|_| d.point()).collect();
            let vertices = pts?.into_iter().map(Vertex::at).collect();
            Some(("POLYLINE", Geom::Polyline { vertices, closed: kind == 7, constant_width: 0.0 }))
        }
        10 | 36 => {
            let position = d.point()?;
            let _normal = d.point()?;
            let dir = d.point()?;
            let (height, width, oblique) = (d.f64()?, d.f64()?, d.f64()?);
            let value = if kind == 36 { d.padded_unicode()? } else { d.padded(enc)? };
            Some(("TEXT", text(value, position, dir, height, width, oblique)))
        }
        11 | 38 => {
            let position = d.point()?;
            let _normal = d.point()?;
            let dir = d.point()?;
            let value = if kind == 38 { d.padded_unicode()? } else { d.padded(enc)? };
            d.take(8)?; // length and raw flag
            let (height, width, oblique) = (d.f64()?, d.f64()?, d.f64()?);
            Some(("TEXT", text(value, position, dir, height, width, oblique)))
        }
        44 => {
            let center = d.point()?;
            let _normal = d.point()?;
            let (major_len, minor_len) = (d.f64()?, d.f64()?);
            let (start, end, angle) = (d.f64()?, d.f64()?, d.f64()?);
            if major_len <= 0.0 {
                return None;
            }
            let major = Point::xy(angle.cos() * major_len, angle.sin() * major_len);
            Some((
                "ELLIPSE",
                Geom::Ellipse(Box::new(EllipseGeom { center, major, ratio: minor_len / major_len, start, end })),
            ))
        }
        _ => None,
    }
}

fn text(value: String, position: Point, dir: Point, height: f64, width: f64, oblique: f64) -> Geom {
    Geom::Text(Box::new(TextGeom {
        value,
        position,
        height,
        rotation_deg: dir.y.atan2(dir.x).to_degrees(),
        width_factor: if width > 0.0 { width } else { 1.0 },
        oblique_deg: oblique.to_degrees(),
        ..TextGeom::default()
    }))
}

/// The circle through three points (in XY), `None` when they are in a line.
fn circle_3p(a: Point, b: Point, c: Point) -> Option<(Point, f64)> {
    let d = 2.0 * (a.x * (b.y - c.y) + b.x * (c.y - a.y) + c.x * (a.y - b.y));
    if d.abs() < 1e-300 || !d.is_finite() {
        return None;
    }
    let sq = |p: Point| p.x * p.x + p.y * p.y;
    let ux = (sq(a) * (b.y - c.y) + sq(b) * (c.y - a.y) + sq(c) * (a.y - b.y)) / d;
    let uy = (sq(a) * (c.x - b.x) + sq(b) * (a.x - c.x) + sq(c) * (b.x - a.x)) / d;
    let center = Point::new(ux, uy, a.z);
    Some((center, center.distance(Point::new(a.x, a.y, a.z))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(kind: u32, data: &[u8]) -> Vec<u8> {
        let mut v = ((data.len() + 8) as u32).to_le_bytes().to_vec();
        v.extend_from_slice(&kind.to_le_bytes());
        v.extend_from_slice(data);
        v
    }

    fn reals(vs: &[f64]) -> Vec<u8> {
        vs.iter().flat_map(|v| v.to_le_bytes()).collect()
    }

    #[test]
    fn lines_circles_colours_and_text_are_read() {
        let mut s = vec![0u8; 8];
        s.extend(cmd(14, &1u32.to_le_bytes()));
        let mut poly = 2u32.to_le_bytes().to_vec();
        poly.extend(reals(&[0.0, 0.0, 0.0, 3.0, 4.0, 0.0]));
        s.extend(cmd(6, &poly));
        s.extend(cmd(2, &reals(&[1.0, 2.0, 0.0, 5.0, 0.0, 0.0, 1.0])));
        let mut t = reals(&[1.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 2.5, 1.0, 0.0]);
        t.extend_from_slice(b"LEADER\0\0");
        s.extend(cmd(10, &t));
        // An unknown command is skipped by its size; a cut command ends the walk.
        s.extend(cmd(99, &[1, 2, 3, 4]));
        s.extend(cmd(2, &reals(&[1.0])));
        let p = parts(&s, Encoding::Utf8);
        assert_eq!(p.len(), 3);
        assert_eq!(p[0].colour, ColourSpec::Aci(1));
        let Geom::Polyline { vertices, closed: false, .. } = &p[0].geom else { panic!("a polyline") };
        assert_eq!(vertices[1].p, Point::xy(3.0, 4.0));
        assert_eq!(p[1].geom, Geom::Circle { center: Point::xy(1.0, 2.0), radius: 5.0 });
        let Geom::Text(t) = &p[2].geom else { panic!("text") };
        assert_eq!((t.value.as_str(), t.height, t.rotation_deg), ("LEADER", 2.5, 90.0));
    }

    #[test]
    fn hex_chunks_after_the_size_are_the_graphics() {
        let body = crate::formats::dxf::tokenizer::test_tags("90\n498\n92\n8\n310\n0A0B\n310\nff00\n93\n4\n310\n99\n");
        assert_eq!(graphics_bytes(&body), Some(vec![0x0A, 0x0B, 0xFF, 0x00]));
        let bad = crate::formats::dxf::tokenizer::test_tags("92\n8\n310\n0G\n");
        assert_eq!(graphics_bytes(&bad), None);
    }
}
