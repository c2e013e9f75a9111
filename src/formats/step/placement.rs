//! Points, directions and `AXIS2_PLACEMENT_3D` frames read from the graph. A placement's axis or
//! reference direction may be `$` (defaults Z and X); a reference direction parallel to the axis picks a
//! perpendicular one instead of failing (foxtrot panicked on both: Formlabs/foxtrot#4).

use super::graph::Graph;
use super::parser::Param;
use crate::model::{Affine, Point};

/// A right-handed orthonormal frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Axes {
    pub origin: Point,
    pub x: Point,
    pub y: Point,
    pub z: Point,
}

/// `CARTESIAN_POINT('', (x, y[, z]))`.
pub fn point(graph: &Graph<'_>, id: u64) -> Option<Point> {
    let inst = graph.instances.get(&id)?;
    let coords = inst.record("CARTESIAN_POINT")?.params.get(1)?.list()?;
    triple(coords)
}

/// `DIRECTION('', (x, y[, z]))` (not normalised).
pub fn direction(graph: &Graph<'_>, id: u64) -> Option<Point> {
    let inst = graph.instances.get(&id)?;
    let ratios = inst.record("DIRECTION")?.params.get(1)?.list()?;
    triple(ratios)
}

/// Two or three numbers as a point (z = 0 for 2D); non-finite values are refused.
pub fn triple(values: &[Param<'_>]) -> Option<Point> {
    if values.len() < 2 || values.len() > 3 {
        return None;
    }
    let x = values[0].real()?;
    let y = values[1].real()?;
    let z = values.get(2).map_or(Some(0.0), Param::real)?;
    let p = Point::new(x, y, z);
    p.is_finite().then_some(p)
}

/// `AXIS2_PLACEMENT_3D('', location, axis, ref_direction)` (also the 2D placement, in the XY plane).
pub fn axes(graph: &Graph<'_>, id: u64) -> Option<Axes> {
    let inst = graph.instances.get(&id)?;
    let rec = inst.record("AXIS2_PLACEMENT_3D").or_else(|| inst.record("AXIS2_PLACEMENT_2D"))?;
    let origin = point(graph, rec.params.get(1)?.reference()?)?;
    let dir = |i: usize| rec.params.get(i).and_then(Param::reference).and_then(|d| direction(graph, d));
    let is_2d = rec.name.eq_ignore_ascii_case("AXIS2_PLACEMENT_2D");
    let (z, x) = if is_2d { (None, dir(2)) } else { (dir(2), dir(3)) };
    frame(origin, z.unwrap_or(Point::new(0.0, 0.0, 1.0)), x)
}

/// The frame with axis `z` and `x` projected perpendicular to it.
pub fn frame(origin: Point, z: Point, x: Option<Point>) -> Option<Axes> {
    let z = z.normalized()?;
    let x = x.and_then(|x| x.minus(z.scale(x.dot(z))).normalized()).unwrap_or_else(|| perpendicular(z));
    let y = z.cross(x);
    Some(Axes { origin, x, y, z })
}

/// Some unit vector perpendicular to unit `z`.
pub fn perpendicular(z: Point) -> Point {
    let helper = if z.x.abs() < 0.9 { Point::new(1.0, 0.0, 0.0) } else { Point::new(0.0, 1.0, 0.0) };
    helper.minus(z.scale(helper.dot(z))).normalized().unwrap_or(Point::new(1.0, 0.0, 0.0))
}

impl Axes {
    /// Local → global, with the origin scaled by `unit` (length unit conversion of translations).
    pub fn to_affine(self, unit: f64) -> Affine {
        Affine::from_axes(self.x, self.y, self.z, self.origin.scale(unit))
    }

    /// Global → local (the inverse of the rigid [`Axes::to_affine`]).
    pub fn to_affine_inverse(self, unit: f64) -> Affine {
        let o = self.origin.scale(unit);
        let t = Point::new(-self.x.dot(o), -self.y.dot(o), -self.z.dot(o));
        let cols = |i: usize| {
            let pick = |v: Point| [v.x, v.y, v.z][i];
            Point::new(pick(self.x), pick(self.y), pick(self.z))
        };
        Affine::from_axes(cols(0), cols(1), cols(2), t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_undoes_the_placement() {
        let a = frame(Point::new(1.0, 2.0, 3.0), Point::new(0.0, 1.0, 1.0), Some(Point::new(1.0, 0.0, 0.0)))
            .expect("frame");
        let p = Point::new(0.3, -4.0, 7.0);
        let back = a.to_affine_inverse(2.0).apply(a.to_affine(2.0).apply(p));
        assert!(back.distance(p) < 1e-12, "{back:?}");
        let parallel = frame(Point::new(0.0, 0.0, 0.0), Point::new(0.0, 0.0, 2.0), Some(Point::new(0.0, 0.0, 1.0)))
            .expect("a perpendicular is chosen");
        assert!(parallel.x.dot(parallel.z).abs() < 1e-12);
    }
}
