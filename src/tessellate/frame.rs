//! An orthonormal, right-handed placement (STEP `axis2_placement_3d`): the local coordinate system of
//! circles, ellipses and the elementary surfaces.

use super::{TessError, Vec3};
use crate::model::geom::Point;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    pub origin: Point,
    pub x: Vec3,
    pub y: Vec3,
    pub z: Vec3,
}

impl Frame {
    /// The world frame.
    pub const WORLD: Frame = Frame {
        origin: Point::ZERO,
        x: Point::new(1.0, 0.0, 0.0),
        y: Point::new(0.0, 1.0, 0.0),
        z: Point::new(0.0, 0.0, 1.0),
    };

    /// The frame with axis `z` and reference direction `x` projected perpendicular to it, as STEP builds an
    /// `axis2_placement_3d`. A missing or parallel reference direction picks an arbitrary perpendicular one.
    pub fn new(origin: Point, z: Vec3, x: Option<Vec3>) -> Result<Frame, TessError> {
        if !origin.is_finite() {
            return Err(TessError::NonFinite("placement origin"));
        }
        let z = z.normalized().ok_or(TessError::InvalidGeometry("zero or non-finite placement axis"))?;
        let projected = x.and_then(|x| x.minus(z.scale(x.dot(z))).normalized());
        let x = match projected {
            Some(x) if x.is_finite() => x,
            _ => any_perpendicular(z),
        };
        let y = z.cross(x);
        Ok(Frame { origin, x, y, z })
    }

    /// Local coordinates of a world point.
    pub fn to_local(&self, p: Point) -> Point {
        let d = p.minus(self.origin);
        Point::new(d.dot(self.x), d.dot(self.y), d.dot(self.z))
    }

    /// World point of local coordinates.
    pub fn to_world(&self, x: f64, y: f64, z: f64) -> Point {
        self.origin.plus(self.x.scale(x)).plus(self.y.scale(y)).plus(self.z.scale(z))
    }

    /// World direction of local vector components.
    pub fn vector(&self, x: f64, y: f64, z: f64) -> Vec3 {
        self.x.scale(x).plus(self.y.scale(y)).plus(self.z.scale(z))
    }

    pub(crate) fn is_valid(&self) -> bool {
        let unit = |v: Vec3| (v.length() - 1.0).abs() < 1e-6;
        self.origin.is_finite()
            && unit(self.x)
            && unit(self.y)
            && unit(self.z)
            && self.x.dot(self.y).abs() < 1e-6
            && self.x.cross(self.y).minus(self.z).length() < 1e-6
    }
}

/// A unit vector perpendicular to unit `z` (the world axis least aligned with `z`, made perpendicular).
fn any_perpendicular(z: Vec3) -> Vec3 {
    let seed = if z.x.abs() < 0.6 { Point::new(1.0, 0.0, 0.0) } else { Point::new(0.0, 1.0, 0.0) };
    seed.minus(z.scale(seed.dot(z))).normalized().unwrap_or(Point::new(1.0, 0.0, 0.0))
}
