//! HATCH: boundary loops (bulged polylines or line/arc/ellipse/spline edges), then fill (solid, pattern
//! lines, gradient). The tags are a sequence, so this is a small state machine over the body.

use super::{BadValue, GeomResult, extrusion, int, num, ocs_geom};
use crate::formats::dxf::text::{Encoding, decode};
use crate::formats::dxf::tokenizer::Tag;
use crate::model::{Geom, HatchEdge, HatchGeom, PatternLine, Point, Vertex};

/// A cursor over the body tags.
struct Cursor<'t, 'a> {
    tags: &'t [Tag<'a>],
    i: usize,
}

impl<'a> Cursor<'_, 'a> {
    fn peek(&self) -> Option<&Tag<'a>> {
        self.tags.get(self.i)
    }

    fn next(&mut self) -> Option<&Tag<'a>> {
        let t = self.tags.get(self.i);
        self.i += 1;
        t
    }

    /// The next tag's number if it has `code`, consuming it.
    fn take_num(&mut self, code: i32) -> Result<Option<f64>, BadValue> {
        match self.peek() {
            Some(t) if t.code == code => {
                let v = num(t)?;
                self.i += 1;
                Ok(Some(v))
            }
            _ => Ok(None),
        }
    }

    fn take_int(&mut self, code: i32) -> Result<Option<i64>, BadValue> {
        match self.peek() {
            Some(t) if t.code == code => {
                let v = int(t)?;
                self.i += 1;
                Ok(Some(v))
            }
            _ => Ok(None),
        }
    }

    /// A 2D point from the codes `x` and `x + 10`.
    fn take_point(&mut self, x: i32) -> Result<Option<Point>, BadValue> {
        let Some(px) = self.take_num(x)? else { return Ok(None) };
        let py = self.take_num(x + 10)?.unwrap_or(0.0);
        Ok(Some(Point::xy(px, py)))
    }
}

/// Caps on counts a file states (never used to pre-allocate, only to stop runaway loops).
const MAX_ITEMS: i64 = 1 << 24;

pub fn hatch(body: &[Tag<'_>], enc: Encoding) -> GeomResult {
    let mut h = HatchGeom { pattern_scale: 1.0, ..HatchGeom::default() };
    let mut elevation = 0.0;
    let mut c = Cursor { tags: body, i: 0 };
    let mut after_loops = false;
    while let Some(t) = c.next() {
        match t.code {
            30 if !after_loops => elevation = num(t)?,
            2 => h.pattern_name = Some(decode(t.raw, enc)),
            70 => h.solid = int(t)? == 1,
            91 if !after_loops => {
                let n = int(t)?.clamp(0, MAX_ITEMS);
                for _ in 0..n {
                    match read_loop(&mut c)? {
                        Some(edges) => h.loops.push(edges),
                        None => break,
                    }
                }
                after_loops = true;
            }
            52 => h.pattern_angle_deg = num(t)?,
            41 => h.pattern_scale = num(t)?,
            78 => {
                let n = int(t)?.clamp(0, MAX_ITEMS);
                for _ in 0..n {
                    match read_pattern_line(&mut c)? {
                        Some(l) => h.pattern_lines.push(l),
                        None => break,
                    }
                }
            }
            450 => h.gradient = int(t)? != 0,
            _ => {}
        }
    }
    if elevation != 0.0 {
        set_z(&mut h, elevation);
    }
    Ok(ocs_geom(Geom::Hatch(Box::new(h)), extrusion(body)?))
}

fn set_z(h: &mut HatchGeom, z: f64) {
    for edges in &mut h.loops {
        for e in edges {
            match e {
                HatchEdge::Polyline { vertices, .. } => vertices.iter_mut().for_each(|v| v.p.z = z),
                HatchEdge::Line { start, end } => {
                    start.z = z;
                    end.z = z;
                }
                HatchEdge::Arc { center, .. } | HatchEdge::Ellipse { center, .. } => center.z = z,
                HatchEdge::Spline { ctrl, .. } => ctrl.iter_mut().for_each(|p| p.z = z),
            }
        }
    }
}

/// One boundary loop starting at its 92 tag; `None` when the tags run out of loops.
fn read_loop(c: &mut Cursor<'_, '_>) -> Result<Option<Vec<HatchEdge>>, BadValue> {
    // Skip to the loop's 92 (tolerates stray tags between loops).
    let flags = loop {
        match c.peek() {
            Some(t) if t.code == 92 => break int(t)?,
            Some(t) if matches!(t.code, 75 | 76 | 52 | 41 | 77 | 78 | 47 | 98 | 450) => return Ok(None),
            Some(_) => c.i += 1,
            None => return Ok(None),
        }
    };
    c.i += 1;
    let mut edges = Vec::new();
    if flags & 2 != 0 {
        let has_bulge = c.take_int(72)?.unwrap_or(0) != 0;
        let closed = c.take_int(73)?.unwrap_or(1) != 0;
        let n = c.take_int(93)?.unwrap_or(0).clamp(0, MAX_ITEMS);
        let mut vs = Vec::new();
        for _ in 0..n {
            let Some(p) = c.take_point(10)? else { break };
            let bulge = if has_bulge { c.take_num(42)?.unwrap_or(0.0) } else { 0.0 };
            vs.push(Vertex { p, bulge, ..Vertex::default() });
        }
        edges.push(HatchEdge::Polyline { vertices: vs, closed });
    } else {
        let n = c.take_int(93)?.unwrap_or(0).clamp(0, MAX_ITEMS);
        for _ in 0..n {
            match read_edge(c)? {
                Some(e) => edges.push(e),
                None => break,
            }
        }
    }
    // Source boundary object references.
    if let Some(n) = c.take_int(97)? {
        for _ in 0..n.clamp(0, MAX_ITEMS) {
            if c.peek().is_some_and(|t| t.code == 330) {
                c.i += 1;
            } else {
                break;
            }
        }
    }
    Ok(Some(edges))
}

fn read_edge(c: &mut Cursor<'_, '_>) -> Result<Option<HatchEdge>, BadValue> {
    let Some(kind) = c.take_int(72)? else { return Ok(None) };
    let e = match kind {
        1 => {
            let start = c.take_point(10)?.unwrap_or_default();
            let end = c.take_point(11)?.unwrap_or_default();
            HatchEdge::Line { start, end }
        }
        2 => {
            let center = c.take_point(10)?.unwrap_or_default();
            let radius = c.take_num(40)?.unwrap_or(0.0);
            let s = c.take_num(50)?.unwrap_or(0.0);
            let e = c.take_num(51)?.unwrap_or(360.0);
            let ccw = c.take_int(73)?.unwrap_or(1) != 0;
            let (start, end) = edge_angles(s, e, ccw);
            HatchEdge::Arc { center, radius, start, end, ccw }
        }
        3 => {
            let center = c.take_point(10)?.unwrap_or_default();
            let major = c.take_point(11)?.unwrap_or(Point::xy(1.0, 0.0));
            let ratio = c.take_num(40)?.unwrap_or(1.0);
            let s = c.take_num(50)?.unwrap_or(0.0);
            let e = c.take_num(51)?.unwrap_or(360.0);
            let ccw = c.take_int(73)?.unwrap_or(1) != 0;
            let (start, end) = edge_angles(s, e, ccw);
            HatchEdge::Ellipse { center, major, ratio, start, end, ccw }
        }
        4 => read_spline_edge(c)?,
        _ => return Ok(None),
    };
    Ok(Some(e))
}

/// Clockwise edges store the angles of the counter-clockwise mirror image: the real angles are negated.
fn edge_angles(start_deg: f64, end_deg: f64, ccw: bool) -> (f64, f64) {
    let full = (end_deg - start_deg).abs() >= 360.0 - 1e-9;
    let (s, e) = if ccw { (start_deg, end_deg) } else { (-start_deg, -end_deg) };
    let (s, e) = (s.to_radians(), e.to_radians());
    if full { (s, s + std::f64::consts::TAU) } else { (s, e) }
}

fn read_spline_edge(c: &mut Cursor<'_, '_>) -> Result<HatchEdge, BadValue> {
    let degree = c.take_int(94)?.unwrap_or(3).clamp(1, 32) as usize;
    let _rational = c.take_int(73)?;
    let _periodic = c.take_int(74)?;
    let nk = c.take_int(95)?.unwrap_or(0).clamp(0, MAX_ITEMS);
    let nc = c.take_int(96)?.unwrap_or(0).clamp(0, MAX_ITEMS);
    let mut knots = Vec::new();
    for _ in 0..nk {
        let Some(k) = c.take_num(40)? else { break };
        knots.push(k);
    }
    let mut ctrl = Vec::new();
    let mut weights = Vec::new();
    for _ in 0..nc {
        let Some(p) = c.take_point(10)? else { break };
        ctrl.push(p);
        if let Some(w) = c.take_num(42)? {
            weights.push(w);
        }
    }
    // Fit data (97 count, 11/21 points, 12/22 and 13/23 tangents) is not needed to draw the edge.
    if let Some(nf) = c.take_int(97)? {
        for _ in 0..nf.clamp(0, MAX_ITEMS) {
            if c.take_point(11)?.is_none() {
                break;
            }
        }
        c.take_point(12)?;
        c.take_point(13)?;
    }
    let weights = (!weights.is_empty() && weights.len() == ctrl.len()).then_some(weights);
    Ok(HatchEdge::Spline { degree, knots, ctrl, weights })
}

fn read_pattern_line(c: &mut Cursor<'_, '_>) -> Result<Option<PatternLine>, BadValue> {
    let Some(angle) = c.take_num(53)? else { return Ok(None) };
    let mut l = PatternLine { angle_deg: angle, ..PatternLine::default() };
    let mut base = Point::ZERO;
    let mut offset = Point::ZERO;
    while let Some(t) = c.peek() {
        match t.code {
            43 => base.x = num(t)?,
            44 => base.y = num(t)?,
            45 => offset.x = num(t)?,
            46 => offset.y = num(t)?,
            79 => {}
            49 => l.dashes.push(num(t)?),
            _ => break,
        }
        c.i += 1;
    }
    l.base = base;
    l.offset = offset;
    Ok(Some(l))
}

#[cfg(test)]
mod tests {
    use super::super::tests::tags;
    use super::*;

    #[test]
    fn polyline_loop_with_bulges_and_solid_fill() {
        let body = tags(
            "10\n0\n20\n0\n30\n0\n2\nSOLID\n70\n1\n71\n0\n91\n1\n92\n2\n72\n1\n73\n1\n93\n2\n10\n0\n20\n0\n42\n1\n10\n2\n20\n0\n42\n1\n97\n0\n75\n0\n76\n1\n98\n0\n",
        );
        let Geom::Hatch(h) = hatch(&body, Encoding::Utf8).unwrap() else { panic!("a hatch") };
        assert!(h.solid);
        assert_eq!(h.loops.len(), 1);
        let HatchEdge::Polyline { vertices, closed } = &h.loops[0][0] else { panic!("polyline edge") };
        assert!(closed);
        assert_eq!(vertices.len(), 2);
        let area = crate::model::measure::hatch_area(&h.loops).unwrap();
        assert!((area - std::f64::consts::PI).abs() < 1e-9, "{area}");
    }

    #[test]
    fn edge_loop_with_a_clockwise_arc() {
        let body = tags(
            "70\n0\n91\n1\n92\n1\n93\n2\n72\n1\n10\n-1\n20\n0\n11\n1\n21\n0\n72\n2\n10\n0\n20\n0\n40\n1\n50\n0\n51\n180\n73\n0\n97\n0\n",
        );
        let Geom::Hatch(h) = hatch(&body, Encoding::Utf8).unwrap() else { panic!("a hatch") };
        let HatchEdge::Arc { start, end, ccw, .. } = h.loops[0][1] else { panic!("an arc edge") };
        assert!(!ccw);
        assert_eq!((start, end), (0.0, -std::f64::consts::PI));
        // Clockwise from 0 to −180°: the lower half circle.
        let b = crate::model::measure::geom_bbox(&Geom::Hatch(h));
        assert!((b.min_y + 1.0).abs() < 1e-9 && b.max_y.abs() < 1e-9, "{b:?}");
    }
}
