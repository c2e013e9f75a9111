//! JSON building blocks shared by both result schemas: numbers in shortest round-trip form (integers
//! without a fraction), 6-decimal helpers, points, boxes and RFC 3339 timestamps.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Value, json};

use crate::model::{BBox2, BBox3, Point};

/// A finite number as JSON: integral values as integers (`0`, not `0.0`), others in shortest round-trip
/// form; NaN/∞ become `null` (the schemas never allow them).
pub fn num(v: f64) -> Value {
    if !v.is_finite() {
        return Value::Null;
    }
    if v.fract() == 0.0 && v.abs() < 9.007_199_254_740_992e15 {
        // -0.0 prints as 0.
        return Value::from(v as i64);
    }
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

/// Rounds to 6 decimals, half away from zero (result-schema-2.md §5.4), then as [`num`].
pub fn num6(v: f64) -> Value {
    num(round6(v))
}

pub fn round6(v: f64) -> f64 {
    if !v.is_finite() {
        return v;
    }
    let r = (v * 1e6).round() / 1e6;
    // Large values lose nothing to rounding; keep them exact rather than re-scaled.
    if r.is_finite() { r } else { v }
}

pub fn opt_num6(v: Option<f64>) -> Value {
    v.map_or(Value::Null, num6)
}

/// `{ "x", "y" }` plus `z` only when non-zero.
pub fn point(p: Point) -> Value {
    serde_json::to_value(Pt(p)).unwrap_or(Value::Null)
}

pub fn points(ps: &[Point]) -> Value {
    serde_json::to_value(Pts(ps)).unwrap_or(Value::Null)
}

/// A point as [`point`] writes it, serialised directly (no map is built): what the streaming writers use
/// for the points of hundreds of thousands of entities.
#[derive(Debug, Clone, Copy)]
pub struct Pt(pub Point);

impl Serialize for Pt {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Pt(p) = *self;
        let with_z = p.z != 0.0 && p.z.is_finite();
        let mut m = s.serialize_map(Some(2 + usize::from(with_z)))?;
        m.serialize_entry("x", &num(p.x))?;
        m.serialize_entry("y", &num(p.y))?;
        if with_z {
            m.serialize_entry("z", &num(p.z))?;
        }
        m.end()
    }
}

/// Points as [`points`] writes them, serialised directly.
#[derive(Debug, Clone, Copy)]
pub struct Pts<'a>(pub &'a [Point]);

impl Serialize for Pts<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|p| Pt(*p)))
    }
}

/// `{minX,minY,maxX,maxY}` rounded to 6 decimals; all `null` when empty.
pub fn bbox4(b: &BBox2) -> Value {
    if b.is_empty() {
        return json!({ "minX": null, "minY": null, "maxX": null, "maxY": null });
    }
    json!({ "minX": num6(b.min_x), "minY": num6(b.min_y), "maxX": num6(b.max_x), "maxY": num6(b.max_y) })
}

/// `{minX,minY,maxX,maxY,width,height}`; all zeros when empty.
pub fn bbox6(b: &BBox2) -> Value {
    if b.is_empty() {
        return json!({ "minX": 0, "minY": 0, "maxX": 0, "maxY": 0, "width": 0, "height": 0 });
    }
    json!({
        "minX": num6(b.min_x), "minY": num6(b.min_y), "maxX": num6(b.max_x), "maxY": num6(b.max_y),
        "width": num6(b.width()), "height": num6(b.height()),
    })
}

/// `{minX,minY,maxX,maxY,minZ,maxZ,sizeX,sizeY,sizeZ}` (result-schema.md §6); zeros when empty.
pub fn bbox3(b: &BBox3) -> Value {
    if b.is_empty() {
        return json!({ "minX": 0, "minY": 0, "maxX": 0, "maxY": 0, "minZ": 0, "maxZ": 0, "sizeX": 0, "sizeY": 0, "sizeZ": 0 });
    }
    let s = b.size();
    json!({
        "minX": num(b.min.x), "minY": num(b.min.y), "maxX": num(b.max.x), "maxY": num(b.max.y),
        "minZ": num(b.min.z), "maxZ": num(b.max.z), "sizeX": num(s.x), "sizeY": num(s.y), "sizeZ": num(s.z),
    })
}

/// RFC 3339 UTC with milliseconds (`2026-11-24T10:14:23.102Z`) from Unix milliseconds.
pub fn rfc3339_ms(unix_ms: i64) -> String {
    let secs = unix_ms.div_euclid(1000);
    let ms = unix_ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{ms:03}Z", sod / 3600, sod % 3600 / 60, sod % 60)
}

/// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar (Howard Hinnant's
/// public-domain algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Now, as Unix milliseconds.
pub fn now_unix_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_shortest_and_integral_without_fraction() {
        assert_eq!(num(0.0).to_string(), "0");
        assert_eq!(num(-0.0).to_string(), "0");
        assert_eq!(num(80.0).to_string(), "80");
        assert_eq!(num(0.1).to_string(), "0.1");
        assert_eq!(num(std::f64::consts::PI).to_string(), "3.141592653589793");
        assert_eq!(num6(std::f64::consts::PI * 10.0).to_string(), "31.415927");
        assert_eq!(num(f64::NAN), Value::Null);
    }

    #[test]
    fn points_serialise_directly_as_their_maps() {
        let (p, q) = (Point::new(1.0, 2.5, 0.0), Point::new(0.1, -3.0, 7.0));
        assert_eq!(serde_json::to_string(&Pt(p)).unwrap(), r#"{"x":1,"y":2.5}"#);
        assert_eq!(serde_json::to_string(&Pts(&[p, q])).unwrap(), r#"[{"x":1,"y":2.5},{"x":0.1,"y":-3,"z":7}]"#);
        assert_eq!(point(q), json!({ "x": 0.1, "y": -3, "z": 7 }));
        assert_eq!(serde_json::to_string(&point(Point::new(0.0, 0.0, f64::NAN))).unwrap(), r#"{"x":0,"y":0}"#);
    }

    #[test]
    fn timestamps_are_rfc3339_utc_with_milliseconds() {
        assert_eq!(rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339_ms(1_795_516_463_102), "2026-11-24T10:34:23.102Z");
        assert_eq!(rfc3339_ms(951_782_400_000), "2000-02-29T00:00:00.000Z");
    }
}
