//! The HEADER section: `9 $NAME` followed by the variable's value tags.

use super::tokenizer::Tag;
use crate::model::geom::BBox2;
use crate::model::{LengthUnit, Point};

/// The header variables the reader uses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Header {
    pub acadver: Option<String>,
    pub codepage: Option<String>,
    pub insunits: Option<i32>,
    pub measurement: Option<i32>,
    pub extmin: Option<Point>,
    pub extmax: Option<Point>,
    pub ltscale: Option<f64>,
    /// `$TDCREATE` as a Julian date.
    pub tdcreate: Option<f64>,
    /// `$XCLIPFRAME`: whether clip frames of clipped block references are shown (0 no; 1, 2 yes).
    pub xclipframe: Option<i32>,
}

impl Header {
    /// Reads the variables from the section body (all tags between `2 HEADER` and `0 ENDSEC`).
    pub fn parse(body: &[Tag<'_>]) -> Header {
        let mut h = Header::default();
        let mut i = 0;
        while i < body.len() {
            if body[i].code != 9 {
                i += 1;
                continue;
            }
            let name = body[i].trimmed();
            let start = i + 1;
            let mut end = start;
            while end < body.len() && body[end].code != 9 {
                end += 1;
            }
            h.set(name, &body[start..end]);
            i = end;
        }
        h
    }

    fn set(&mut self, name: &[u8], values: &[Tag<'_>]) {
        let first = values.first();
        let text = || first.map(|t| String::from_utf8_lossy(t.trimmed()).into_owned());
        let int = || first.and_then(|t| t.int()).and_then(|v| i32::try_from(v).ok());
        let real = || first.and_then(|t| t.f64());
        match name {
            b"$ACADVER" => self.acadver = text(),
            b"$DWGCODEPAGE" => self.codepage = text(),
            b"$INSUNITS" => self.insunits = int(),
            b"$MEASUREMENT" => self.measurement = int(),
            b"$LTSCALE" => self.ltscale = real(),
            b"$TDCREATE" => self.tdcreate = real(),
            b"$XCLIPFRAME" => self.xclipframe = int(),
            b"$EXTMIN" => self.extmin = point(values),
            b"$EXTMAX" => self.extmax = point(values),
            _ => {}
        }
    }

    /// The header extents, unless they are the "empty drawing" sentinel (±1e20) or inverted.
    pub fn extents(&self) -> Option<BBox2> {
        let (a, b) = (self.extmin?, self.extmax?);
        if a.x > b.x || a.y > b.y || a.x.abs() >= 1e19 || b.x.abs() >= 1e19 {
            return None;
        }
        Some(BBox2 { min_x: a.x, min_y: a.y, max_x: b.x, max_y: b.y })
    }

    pub fn length_unit(&self) -> Option<LengthUnit> {
        LengthUnit::from_insunits(self.insunits?)
    }

    /// `$TDCREATE` (Julian day number with fraction, local time) as Unix milliseconds.
    pub fn created_unix_ms(&self) -> Option<i64> {
        let jd = self.tdcreate?;
        // 2440587.5 is the Julian date of 1970-01-01T00:00Z; anything before 1900 is not a real date.
        if !(2_415_020.0..5_000_000.0).contains(&jd) {
            return None;
        }
        Some(((jd - 2_440_587.5) * 86_400_000.0).round() as i64)
    }
}

fn point(values: &[Tag<'_>]) -> Option<Point> {
    let mut p = Point::ZERO;
    let mut any = false;
    for t in values {
        let v = t.f64()?;
        match t.code {
            10 => p.x = v,
            20 => p.y = v,
            30 => p.z = v,
            _ => continue,
        }
        any = true;
    }
    any.then_some(p)
}

/// The release name of a `$ACADVER` tag.
pub fn release_name(acadver: &str) -> Option<&'static str> {
    Some(match acadver {
        "AC1006" => "R10",
        "AC1009" => "R12",
        "AC1012" => "R13",
        "AC1014" => "R14",
        "AC1015" => "R2000",
        "AC1018" => "R2004",
        "AC1021" => "R2007",
        "AC1024" => "R2010",
        "AC1027" => "R2013",
        "AC1032" => "R2018",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::dxf::tokenizer::test_tags as body;

    #[test]
    fn header_variables() {
        let b = body(
            "9\n$ACADVER\n1\nAC1015\n9\n$INSUNITS\n70\n4\n9\n$EXTMIN\n10\n-1\n20\n-2\n30\n0\n9\n$EXTMAX\n10\n3\n20\n4\n30\n0\n9\n$TDCREATE\n40\n2440588.0\n",
        );
        let h = Header::parse(&b);
        assert_eq!(h.acadver.as_deref(), Some("AC1015"));
        assert_eq!(h.length_unit(), Some(LengthUnit::Millimetre));
        assert_eq!(h.extents(), Some(BBox2 { min_x: -1.0, min_y: -2.0, max_x: 3.0, max_y: 4.0 }));
        assert_eq!(h.created_unix_ms(), Some(43_200_000));
        assert_eq!(release_name("AC1032"), Some("R2018"));
    }

    #[test]
    fn empty_drawing_extents_are_not_reported() {
        let b = body("9\n$EXTMIN\n10\n1e20\n20\n1e20\n9\n$EXTMAX\n10\n-1e20\n20\n-1e20\n");
        assert_eq!(Header::parse(&b).extents(), None);
    }
}
