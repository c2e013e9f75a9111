//! INSERT, ACAD_TABLE, DIMENSION, SOLID/TRACE, 3DFACE, LEADER, VIEWPORT, IMAGE/WIPEOUT.

use super::{GeomResult, coord, extrusion, int, num, ocs_geom};
use crate::formats::dxf::text::{Encoding, decode, mtext_plain};
use crate::formats::dxf::tokenizer::Tag;
use crate::model::{DimensionGeom, DimensionKind, Geom, InsertGeom, Point, Vertex, ViewportGeom};

/// MINSERT arrays larger than this per direction are clamped (flatten's budget bounds the work anyway).
const MAX_ARRAY: i64 = 100_000;

pub fn insert(body: &[Tag<'_>], enc: Encoding) -> GeomResult {
    let mut g = InsertGeom::new("", Point::ZERO);
    let mut scale = Point::new(1.0, 1.0, 1.0);
    for t in body {
        match t.code {
            2 => g.block = decode(t.raw, enc),
            10 | 20 | 30 => {
                coord(&mut g.position, t, 10)?;
            }
            41 => scale.x = num(t)?,
            42 => scale.y = num(t)?,
            43 => scale.z = num(t)?,
            50 => g.rotation_deg = num(t)?,
            70 => g.columns = int(t)?.clamp(1, MAX_ARRAY) as u32,
            71 => g.rows = int(t)?.clamp(1, MAX_ARRAY) as u32,
            44 => g.column_spacing = num(t)?,
            45 => g.row_spacing = num(t)?,
            _ => {}
        }
    }
    g.scale = scale;
    g.normal = extrusion(body)?;
    Ok(Geom::Insert(Box::new(g)))
}

/// ACAD_TABLE draws through its anonymous `*T` block, placed like an unscaled insert.
pub fn table(body: &[Tag<'_>], enc: Encoding) -> GeomResult {
    let mut g = InsertGeom::new("", Point::ZERO);
    for t in body {
        match t.code {
            2 if g.block.is_empty() => g.block = decode(t.raw, enc),
            10 | 20 | 30 => {
                coord(&mut g.position, t, 10)?;
            }
            _ => {}
        }
    }
    // The `*T` block is drawn around the table's insertion point (its base is the origin).
    Ok(Geom::Insert(Box::new(g)))
}

pub fn dimension(body: &[Tag<'_>], enc: Encoding) -> GeomResult {
    let mut d = DimensionGeom::default();
    let mut pts = [Point::ZERO; 5];
    let mut text_pos = None::<Point>;
    let mut kind = 0i64;
    for t in body {
        match t.code {
            2 => d.block = Some(decode(t.raw, enc)).filter(|s| !s.is_empty()),
            1 => d.text = Some(decode(t.raw, enc)).filter(|s| !s.is_empty()).map(|s| mtext_plain(&s)),
            42 => d.measurement = Some(num(t)?),
            70 => kind = int(t)?,
            10 | 20 | 30 => {
                coord(&mut pts[0], t, 10)?;
            }
            11 | 21 | 31 => {
                coord(text_pos.get_or_insert(Point::ZERO), t, 11)?;
            }
            13..=16 | 23..=26 | 33..=36 => {
                let i = ((t.code % 10) - 2) as usize;
                coord(&mut pts[i], t, t.code - (t.code / 10 - 1) * 10)?;
            }
            _ => {}
        }
    }
    d.kind = match kind & 0x0F {
        1 => DimensionKind::Aligned,
        2 => DimensionKind::Angular,
        3 => DimensionKind::Diameter,
        4 => DimensionKind::Radial,
        5 => DimensionKind::Angular3p,
        6 => DimensionKind::Ordinate,
        8 => DimensionKind::ArcLength,
        _ => DimensionKind::Linear,
    };
    d.def_points = pts.to_vec();
    d.text_position = text_pos;
    if let (Some(text), Some(m)) = (&d.text, d.measurement) {
        d.text = Some(text.replace("<>", &format!("{m}")));
    }
    Ok(Geom::Dimension(Box::new(d)))
}

fn corners(body: &[Tag<'_>]) -> Result<[Point; 4], super::BadValue> {
    let mut c = [Point::ZERO; 4];
    let mut seen4 = false;
    for t in body {
        if let 10..=13 | 20..=23 | 30..=33 = t.code {
            let i = (t.code % 10) as usize;
            seen4 |= i == 3;
            coord(&mut c[i], t, 10 + i as i32)?;
        }
    }
    if !seen4 {
        c[3] = c[2];
    }
    Ok(c)
}

/// SOLID/TRACE store corners in the order 1-2-4-3 (a "Z"); the polygon is 1-2-3-4 = stored 1, 2, 4, 3.
pub fn solid(body: &[Tag<'_>]) -> GeomResult {
    let c = corners(body)?;
    let mut vertices = vec![c[0], c[1], c[3], c[2]];
    if c[2] == c[3] {
        vertices.remove(2);
    }
    Ok(ocs_geom(Geom::Face { vertices, filled: true }, extrusion(body)?))
}

pub fn face3d(body: &[Tag<'_>]) -> GeomResult {
    let c = corners(body)?;
    let mut vertices = c.to_vec();
    if c[2] == c[3] {
        vertices.pop();
    }
    Ok(Geom::Face { vertices, filled: false })
}

pub fn leader(body: &[Tag<'_>]) -> GeomResult {
    let mut vs: Vec<Vertex> = Vec::new();
    for t in body {
        match t.code {
            10 => vs.push(Vertex::at(Point::xy(num(t)?, 0.0))),
            20 | 30 => {
                if let Some(v) = vs.last_mut() {
                    coord(&mut v.p, t, 10)?;
                }
            }
            _ => {}
        }
    }
    Ok(Geom::Polyline { vertices: vs, closed: false, constant_width: 0.0 })
}

pub fn viewport(body: &[Tag<'_>]) -> GeomResult {
    let (mut center, mut view_center) = (Point::ZERO, Point::ZERO);
    let (mut width, mut height, mut view_height, mut twist) = (0.0, 0.0, 0.0, 0.0);
    for t in body {
        match t.code {
            10 | 20 | 30 => {
                coord(&mut center, t, 10)?;
            }
            12 | 22 => {
                coord(&mut view_center, t, 12)?;
            }
            40 => width = num(t)?,
            41 => height = num(t)?,
            45 => view_height = num(t)?,
            51 => twist = num(t)?,
            _ => {}
        }
    }
    Ok(Geom::Viewport(Box::new(ViewportGeom { center, width, height, view_center, view_height, twist_deg: twist })))
}

/// IMAGE/WIPEOUT: the outline is the clip boundary (pixel coordinates, 14) mapped through the pixel
/// vectors u (11) and v (12) from the insertion point (10); without one, the full image rectangle.
pub fn image(body: &[Tag<'_>], wipeout: bool) -> GeomResult {
    let (mut ins, mut u, mut v, mut size) = (Point::ZERO, Point::ZERO, Point::ZERO, Point::ZERO);
    let mut clip: Vec<Point> = Vec::new();
    for t in body {
        match t.code {
            10 | 20 | 30 => {
                coord(&mut ins, t, 10)?;
            }
            11 | 21 | 31 => {
                coord(&mut u, t, 11)?;
            }
            12 | 22 | 32 => {
                coord(&mut v, t, 12)?;
            }
            13 | 23 => {
                coord(&mut size, t, 13)?;
            }
            14 => clip.push(Point::xy(num(t)?, 0.0)),
            24 => {
                if let Some(p) = clip.last_mut() {
                    p.y = num(t)?;
                }
            }
            _ => {}
        }
    }
    let at = |x: f64, y: f64| ins.plus(u.scale(x)).plus(v.scale(y));
    let outline = if clip.len() >= 3 {
        // Clip vertices are pixel coordinates measured from the image's upper-left pixel centre.
        clip.iter().map(|p| at(p.x + 0.5, size.y - (p.y + 0.5))).collect()
    } else {
        vec![at(0.0, 0.0), at(size.x, 0.0), at(size.x, size.y), at(0.0, size.y)]
    };
    Ok(Geom::Image { position: ins, outline, wipeout })
}

#[cfg(test)]
mod tests {
    use super::super::tests::tags;
    use super::*;

    #[test]
    fn solid_corners_are_reordered_1_2_4_3() {
        let g = solid(&tags("10\n0\n20\n0\n11\n1\n21\n0\n12\n0\n22\n1\n13\n1\n23\n1\n")).unwrap();
        let Geom::Face { vertices, filled } = g else { panic!("a face") };
        assert!(filled);
        assert_eq!(vertices, vec![Point::xy(0.0, 0.0), Point::xy(1.0, 0.0), Point::xy(1.0, 1.0), Point::xy(0.0, 1.0)]);
    }

    #[test]
    fn solid_triangle_has_three_corners() {
        let g = solid(&tags("10\n0\n20\n0\n11\n1\n21\n0\n12\n0\n22\n1\n")).unwrap();
        let Geom::Face { vertices, .. } = g else { panic!("a face") };
        assert_eq!(vertices.len(), 3);
    }

    #[test]
    fn minsert_counts_are_clamped() {
        let g = insert(&tags("2\nB\n10\n1\n20\n2\n70\n999999999\n71\n3\n44\n5\n"), Encoding::Utf8).unwrap();
        let Geom::Insert(i) = g else { panic!("an insert") };
        assert_eq!((i.block.as_str(), i.columns, i.rows, i.column_spacing), ("B", 100_000, 3, 5.0));
    }

    #[test]
    fn dimension_points_and_value() {
        let g = dimension(&tags("2\n*D1\n10\n5\n20\n5\n13\n0\n23\n0\n14\n10\n24\n0\n42\n10\n70\n32\n"), Encoding::Utf8)
            .unwrap();
        let Geom::Dimension(d) = g else { panic!("a dimension") };
        assert_eq!(d.block.as_deref(), Some("*D1"));
        assert_eq!(d.measurement, Some(10.0));
        assert_eq!(d.def_points[1], Point::xy(0.0, 0.0));
        assert_eq!(d.def_points[2], Point::xy(10.0, 0.0));
        assert_eq!(d.kind, DimensionKind::Linear);
    }
}
