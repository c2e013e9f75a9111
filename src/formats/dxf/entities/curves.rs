//! LINE, POINT, CIRCLE, ARC, ELLIPSE, SPLINE/HELIX, XLINE/RAY.

use super::{BadValue, GeomResult, coord, extrusion, int, is_plus_z, num, ocs_geom, plane_map};
use crate::formats::dxf::tokenizer::Tag;
use crate::model::flatten::transform_geom;
use crate::model::geom::{Affine, normalize_angle};
use crate::model::{EllipseGeom, SplineGeom};
use crate::model::{Geom, Point};

pub fn line(body: &[Tag<'_>]) -> GeomResult {
    let (mut a, mut b) = (Point::ZERO, Point::ZERO);
    for t in body {
        if !coord(&mut a, t, 10)? {
            coord(&mut b, t, 11)?;
        }
    }
    Ok(Geom::Line { start: a, end: b })
}

pub fn point(body: &[Tag<'_>]) -> GeomResult {
    let mut p = Point::ZERO;
    for t in body {
        coord(&mut p, t, 10)?;
    }
    Ok(Geom::Point { position: p })
}

/// Centre (OCS), radius and, for arcs, the angles in degrees.
fn circular(body: &[Tag<'_>]) -> Result<(Point, f64, f64, f64), BadValue> {
    let (mut c, mut r, mut s, mut e) = (Point::ZERO, 0.0, 0.0, 360.0);
    for t in body {
        match t.code {
            10 | 20 | 30 => {
                coord(&mut c, t, 10)?;
            }
            40 => r = num(t)?,
            50 => s = num(t)?,
            51 => e = num(t)?,
            _ => {}
        }
    }
    Ok((c, r, s, e))
}

pub fn circle(body: &[Tag<'_>]) -> GeomResult {
    let (c, r, _, _) = circular(body)?;
    Ok(ocs_geom(Geom::Circle { center: c, radius: r }, extrusion(body)?))
}

pub fn arc(body: &[Tag<'_>]) -> GeomResult {
    let (c, r, s, e) = circular(body)?;
    let g = Geom::Arc {
        center: c,
        radius: r,
        start: normalize_angle(s.to_radians()),
        end: normalize_angle(e.to_radians()),
    };
    Ok(ocs_geom(g, extrusion(body)?))
}

/// ELLIPSE: centre and major axis in WCS; the minor axis is extrusion × major × ratio, so a −Z extrusion
/// runs the parameter the other way and a tilted one is projected onto XY.
pub fn ellipse(body: &[Tag<'_>]) -> GeomResult {
    let (mut c, mut major) = (Point::ZERO, Point::new(1.0, 0.0, 0.0));
    let (mut ratio, mut t0, mut t1) = (1.0, 0.0, std::f64::consts::TAU);
    for t in body {
        match t.code {
            10 | 20 | 30 => {
                coord(&mut c, t, 10)?;
            }
            11 | 21 | 31 => {
                coord(&mut major, t, 11)?;
            }
            40 => ratio = num(t)?,
            41 => t0 = num(t)?,
            42 => t1 = num(t)?,
            _ => {}
        }
    }
    let n = extrusion(body)?;
    if is_plus_z(n) {
        return Ok(Geom::Ellipse(Box::new(EllipseGeom { center: c, major, ratio, start: t0, end: t1 })));
    }
    let Some(nz) = n.normalized() else {
        return Ok(Geom::Ellipse(Box::new(EllipseGeom { center: c, major, ratio, start: t0, end: t1 })));
    };
    let len = major.length();
    let Some(mx) = major.normalized() else {
        return Ok(Geom::Ellipse(Box::new(EllipseGeom { center: c, major, ratio, start: t0, end: t1 })));
    };
    // Local frame: x along the major axis, y = normal × x, origin at the centre.
    let frame = Affine::from_axes(mx, nz.cross(mx), nz, c);
    let local = Geom::Ellipse(Box::new(EllipseGeom {
        center: Point::ZERO,
        major: Point::xy(len, 0.0),
        ratio,
        start: t0,
        end: t1,
    }));
    Ok(transform_geom(&local, &plane_map(frame, n)))
}

pub fn spline(body: &[Tag<'_>]) -> GeomResult {
    let (mut degree, mut flags) = (3i64, 0i64);
    let (mut knots, mut weights, mut ctrl, mut fit) =
        (Vec::new(), Vec::new(), Vec::<Point>::new(), Vec::<Point>::new());
    for t in body {
        match t.code {
            70 => flags = int(t)?,
            71 => degree = int(t)?,
            40 => knots.push(num(t)?),
            41 => weights.push(num(t)?),
            10 => ctrl.push(Point::xy(num(t)?, 0.0)),
            20 | 30 => {
                if let Some(p) = ctrl.last_mut() {
                    coord(p, t, 10)?;
                }
            }
            11 => fit.push(Point::xy(num(t)?, 0.0)),
            21 | 31 => {
                if let Some(p) = fit.last_mut() {
                    coord(p, t, 11)?;
                }
            }
            _ => {}
        }
    }
    let weights = (!weights.is_empty() && weights.len() == ctrl.len()).then_some(weights);
    // A B-spline needs `control points + degree + 1` knots; without them (and without fit points) there is
    // no curve to draw, and the entity is refused like any undecodable one.
    let degree_n = degree.clamp(1, 32) as usize;
    if fit.len() < 2 && (ctrl.len() <= degree_n || knots.len() != ctrl.len() + degree_n + 1) {
        let at = body.first().map(|t| t.pos().to_string()).unwrap_or_default();
        return Err(BadValue {
            at,
            code: 72,
            found: format!("{} knots for {} control points of degree {degree_n}", knots.len(), ctrl.len()),
        });
    }
    Ok(Geom::Spline(Box::new(SplineGeom {
        degree: degree.clamp(1, 32) as usize,
        knots,
        ctrl,
        weights,
        fit,
        closed: flags & 1 != 0 || flags & 2 != 0,
    })))
}

pub fn infinite(body: &[Tag<'_>], both_ways: bool) -> GeomResult {
    let (mut base, mut dir) = (Point::ZERO, Point::new(1.0, 0.0, 0.0));
    for t in body {
        if !coord(&mut base, t, 10)? {
            coord(&mut dir, t, 11)?;
        }
    }
    Ok(Geom::Infinite { base, direction: dir, both_ways })
}

#[cfg(test)]
mod tests {
    use super::super::tests::tags;
    use super::*;

    #[test]
    fn arc_angles_become_radians() {
        let g = arc(&tags("10\n1\n20\n2\n40\n3\n50\n90\n51\n180\n")).unwrap();
        let Geom::Arc { center, radius, start, end } = g else { panic!("an arc") };
        assert_eq!((center.x, center.y, radius), (1.0, 2.0, 3.0));
        assert!((start - std::f64::consts::FRAC_PI_2).abs() < 1e-12);
        assert!((end - std::f64::consts::PI).abs() < 1e-12);
    }

    #[test]
    fn mirrored_circle_has_negated_x() {
        let g = circle(&tags("10\n5\n20\n2\n40\n1\n210\n0\n220\n0\n230\n-1\n")).unwrap();
        let Geom::Circle { center, radius } = g else { panic!("a circle") };
        assert!((center.x + 5.0).abs() < 1e-12 && (center.y - 2.0).abs() < 1e-12);
        assert_eq!(radius, 1.0);
    }

    #[test]
    fn circle_in_a_vertical_plane_projects_to_a_flat_ellipse() {
        // Normal +X: the OCS x axis is world +Y, y axis world +Z; the circle projects to a segment along Y.
        let g = circle(&tags("10\n0\n20\n0\n30\n0\n40\n2\n210\n1\n220\n0\n230\n0\n")).unwrap();
        let b = crate::model::measure::geom_bbox(&g);
        assert!((b.min_y + 2.0).abs() < 1e-9 && (b.max_y - 2.0).abs() < 1e-9, "{b:?}");
        assert!(b.width() < 1e-6);
    }

    #[test]
    fn spline_control_and_fit_points() {
        let g = spline(&tags(
            "70\n8\n71\n2\n40\n0\n40\n0\n40\n0\n40\n1\n40\n1\n40\n1\n10\n0\n20\n0\n30\n0\n10\n1\n20\n2\n30\n0\n10\n2\n20\n0\n30\n0\n11\n0\n21\n0\n",
        ))
        .unwrap();
        let Geom::Spline(s) = g else { panic!("a spline") };
        let SplineGeom { degree, knots, ctrl, fit, weights, closed } = *s;
        assert_eq!((degree, knots.len(), ctrl.len(), fit.len(), weights, closed), (2, 6, 3, 1, None, false));
        assert_eq!(ctrl[1], Point::new(1.0, 2.0, 0.0));
    }
}
