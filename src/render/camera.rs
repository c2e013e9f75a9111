//! 3D cameras (cli.md `--view`): a named view or `az,el` in degrees → an orthographic view basis. World Z
//! is up in every side view; the isometric default looks along (−1,−1,−1) (formats.md §9).

use crate::model::geom::Point;

/// A viewing direction.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum View {
    /// From (+1,+1,+1) towards the origin, Z up.
    #[default]
    Iso,
    Front,
    Back,
    Top,
    Bottom,
    Left,
    Right,
    /// Azimuth (from +X towards +Y, degrees) and elevation (above the XY plane, degrees) of the eye.
    AzEl(f64, f64),
}

impl View {
    /// `iso`, `front`, `back`, `top`, `bottom`, `left`, `right` or `AZ,EL` in degrees (cli.md `--view`).
    pub fn parse(s: &str) -> Result<View, String> {
        let named = match s.trim().to_ascii_lowercase().as_str() {
            "iso" | "isometric" => Some(View::Iso),
            "front" => Some(View::Front),
            "back" => Some(View::Back),
            "top" => Some(View::Top),
            "bottom" => Some(View::Bottom),
            "left" => Some(View::Left),
            "right" => Some(View::Right),
            _ => None,
        };
        if let Some(v) = named {
            return Ok(v);
        }
        let err = || format!("{s}: expected iso, front, back, top, bottom, left, right or AZ,EL in degrees");
        let (az, el) = s.split_once(',').ok_or_else(err)?;
        let az: f64 = az.trim().parse().map_err(|_| err())?;
        let el: f64 = el.trim().parse().map_err(|_| err())?;
        if !az.is_finite() || !(-90.0..=90.0).contains(&el) {
            return Err(format!("{s}: the elevation must be within −90…90 degrees"));
        }
        Ok(View::AzEl(az, el))
    }

    /// The eye's direction from the target as (azimuth, elevation) in degrees.
    fn az_el(self) -> (f64, f64) {
        match self {
            // atan(1/√2): the elevation of the (1,1,1) diagonal.
            View::Iso => (45.0, 35.264_389_682_754_654),
            View::Front => (-90.0, 0.0),
            View::Back => (90.0, 0.0),
            View::Right => (0.0, 0.0),
            View::Left => (180.0, 0.0),
            View::Top => (-90.0, 90.0),
            View::Bottom => (-90.0, -90.0),
            View::AzEl(az, el) => (az, el),
        }
    }

    /// The orthonormal view basis for this direction.
    pub fn basis(self) -> Basis {
        let (az, el) = self.az_el();
        let (az, el) = (az.to_radians(), el.to_radians());
        let eye = Point::new(el.cos() * az.cos(), el.cos() * az.sin(), el.sin());
        let forward = eye.scale(-1.0);
        // Looking straight down or up, world Z cannot be "up"; the azimuth then turns the picture as a
        // drawing's projections do: the side facing the azimuth is at the bottom of a top view and at the
        // top of a bottom view (top: X right, +Y up; bottom: X right, +Y down).
        let world_up = if el.cos().abs() < 1e-9 {
            Point::new(-az.cos(), -az.sin(), 0.0).scale(el.sin().signum())
        } else {
            Point::new(0.0, 0.0, 1.0)
        };
        let right = forward.cross(world_up).normalized().unwrap_or(Point::new(1.0, 0.0, 0.0));
        let up = right.cross(forward);
        Basis { right, up, forward }
    }
}

/// Screen right, screen up and the viewing direction (into the screen), all unit vectors in world space.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Basis {
    pub right: Point,
    pub up: Point,
    pub forward: Point,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Point, b: [f64; 3]) -> bool {
        (a.x - b[0]).abs() < 1e-9 && (a.y - b[1]).abs() < 1e-9 && (a.z - b[2]).abs() < 1e-9
    }

    #[test]
    fn named_views_have_the_usual_axes() {
        let front = View::Front.basis();
        assert!(close(front.right, [1.0, 0.0, 0.0]) && close(front.up, [0.0, 0.0, 1.0]));
        assert!(close(front.forward, [0.0, 1.0, 0.0]));
        let top = View::Top.basis();
        assert!(close(top.right, [1.0, 0.0, 0.0]) && close(top.up, [0.0, 1.0, 0.0]), "{top:?}");
        assert!(close(top.forward, [0.0, 0.0, -1.0]));
        let right = View::Right.basis();
        assert!(close(right.right, [0.0, 1.0, 0.0]) && close(right.up, [0.0, 0.0, 1.0]));
        let bottom = View::Bottom.basis();
        assert!(close(bottom.forward, [0.0, 0.0, 1.0]) && close(bottom.right, [1.0, 0.0, 0.0]), "{bottom:?}");
        assert!(close(bottom.up, [0.0, -1.0, 0.0]));
        let s = 1.0 / 3f64.sqrt();
        assert!(close(View::Iso.basis().forward, [-s, -s, -s]));
    }

    #[test]
    fn views_parse_as_cli_md_lists_them() {
        assert_eq!(View::parse("ISO"), Ok(View::Iso));
        assert_eq!(View::parse("left"), Ok(View::Left));
        assert_eq!(View::parse("30, -20"), Ok(View::AzEl(30.0, -20.0)));
        assert!(View::parse("30,95").is_err());
        assert!(View::parse("side").is_err());
        assert!(View::parse("nan,0").is_err());
    }
}
