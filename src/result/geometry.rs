//! Geometry members per entity type (result-schema-2.md §5.2); 2024-01 uses the same members flat.

use crate::model::SplineGeom;
use std::io::Write;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Value, json};

use super::json::{Pt, Pts, num, point, points};
use super::stream::{self, Object};
use crate::model::geom::{normalize_angle, sample_spline};
use crate::model::measure::polyline_is_closed;
use crate::model::{Geom, HatchEdge, InsertGeom, Point, Vertex};

/// Polyline vertices with `bulge` only when non-zero.
pub fn vertices(vs: &[Vertex]) -> Value {
    serde_json::to_value(Verts(vs)).unwrap_or(Value::Null)
}

/// [`vertices`], serialised directly (no map per vertex).
#[derive(Debug, Clone, Copy)]
pub struct Verts<'a>(pub &'a [Vertex]);

impl Serialize for Verts<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(Vert))
    }
}

struct Vert<'a>(&'a Vertex);

impl Serialize for Vert<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Vert(v) = *self;
        let with_z = v.p.z != 0.0 && v.p.z.is_finite();
        let with_bulge = v.bulge != 0.0 && v.bulge.is_finite();
        let mut m = s.serialize_map(Some(2 + usize::from(with_z) + usize::from(with_bulge)))?;
        m.serialize_entry("x", &num(v.p.x))?;
        m.serialize_entry("y", &num(v.p.y))?;
        if with_z {
            m.serialize_entry("z", &num(v.p.z))?;
        }
        if with_bulge {
            m.serialize_entry("bulge", &num(v.bulge))?;
        }
        m.end()
    }
}

/// Spline approximation with chord error ≤ `tolerance` (0.1 % of the spline's box diagonal when 0).
pub fn spline_points(
    degree: usize,
    knots: &[f64],
    ctrl: &[Point],
    weights: Option<&[f64]>,
    tolerance: f64,
) -> Vec<Point> {
    let tol = if tolerance > 0.0 {
        tolerance
    } else {
        let mut b = crate::model::BBox2::EMPTY;
        ctrl.iter().for_each(|p| b.add_point(*p));
        (b.diagonal() * 1e-3).max(1e-12)
    };
    sample_spline(degree, knots, ctrl, weights, tol)
}

/// Writes the `geometry` object of one entity. Written member by member (points and vertices serialised
/// straight from the model): most entities of a large drawing are lines, arcs and polylines, and building
/// a map per object and per point was most of the time their JSON took.
pub fn write_geometry<W: Write>(w: &mut W, g: &Geom) -> stream::Result {
    match g {
        Geom::Leader(l) => return write_geometry(w, &l.polyline()),
        Geom::Proxy(_) => return write_geometry(w, &Geom::Other { position: None }),
        _ => {}
    }
    let mut o = Object::begin(w)?;
    if write_shared_members(g, &mut o)? {
        return o.end();
    }
    match g {
        Geom::Leader(_) | Geom::Proxy(_) => {}
        Geom::Point { .. } | Geom::Circle { .. } | Geom::Arc { .. } | Geom::Ellipse(_) | Geom::Spline(_) => {}
        Geom::Line { start, end } => {
            o.member("start", &Pt(*start))?;
            o.member("end", &Pt(*end))?;
        }
        Geom::Polyline { vertices: vs, closed, constant_width } => {
            let filled = *constant_width != 0.0 || vs.iter().any(|v| v.start_width != 0.0 || v.end_width != 0.0);
            o.member("vertices", &Verts(vs))?;
            o.member("closed", &polyline_is_closed(vs, *closed))?;
            o.member("filled", &filled)?;
            o.member("width", &num(*constant_width))?;
        }
        Geom::Text(t) => {
            o.member("position", &Pt(t.position))?;
            o.member("rotation", &num(t.rotation_deg))?;
            o.member("multiline", &t.multiline)?;
            o.member("width", &t.box_width.map(num))?;
        }
        Geom::Insert(i) => {
            write_insert_placement(i, &mut o)?;
            o.member("columnSpacing", &num(i.column_spacing))?;
            o.member("rowSpacing", &num(i.row_spacing))?;
        }
        Geom::Hatch(h) => {
            let boundaries: Vec<Value> = h
                .loops
                .iter()
                .map(|edges| json!({ "edges": Value::Array(edges.iter().map(hatch_edge).collect()) }))
                .collect();
            o.member("boundaries", &boundaries)?;
            let pattern_lines: Vec<Value> = h
                .pattern_lines
                .iter()
                .map(|l| {
                    json!({
                        "angle": num(l.angle_deg), "base": point(l.base), "offset": point(l.offset),
                        "dashes": Value::Array(l.dashes.iter().map(|d| num(*d)).collect()),
                    })
                })
                .collect();
            o.member("patternLines", &pattern_lines)?;
        }
        Geom::Dimension(d) => {
            o.member("dimensionType", &d.kind.name())?;
            o.member("measurement", &d.measurement.map(num))?;
            o.member("defPoints", &Pts(&d.def_points))?;
            o.member("textPosition", &d.text_position.map(Pt))?;
        }
        Geom::Face { vertices: vs, .. } => {
            o.member("vertices", &Pts(vs))?;
            o.member("closed", &true)?;
        }
        Geom::Paths { paths } => o.member("paths", &paths.iter().map(|p| Pts(p)).collect::<Vec<_>>())?,
        // Leader lines and landings as `paths`; the content's position where it is text.
        Geom::MLeader(m) => {
            let paths = m.leader_paths();
            o.member("paths", &paths.iter().map(|p| Pts(p)).collect::<Vec<_>>())?;
            if let Some(t) = m.text() {
                o.member("textPosition", &Pt(t.position))?;
            }
        }
        Geom::Viewport(v) => {
            o.member("center", &Pt(v.center))?;
            o.member("width", &num(v.width))?;
            o.member("height", &num(v.height))?;
            o.member("viewCenter", &Pt(v.view_center))?;
            o.member("viewHeight", &num(v.view_height))?;
            o.member("twist", &num(v.twist_deg))?;
        }
        Geom::Image { position, outline, .. } => {
            o.member("position", &Pt(*position))?;
            o.member("outline", &Pts(outline))?;
        }
        Geom::Infinite { base, direction, both_ways } => {
            o.member("base", &Pt(*base))?;
            o.member("direction", &Pt(*direction))?;
            o.member("bothWays", both_ways)?;
        }
        Geom::Other { position } => {
            if let Some(p) = position {
                o.member("position", &Pt(*p))?;
            }
        }
    }
    o.end()
}

/// Writes the members both schemas give POINT, CIRCLE, ARC, ELLIPSE and SPLINE alike (2.0.0 in `geometry`,
/// 2024-01 flat in the element); `false` for the other types, whose members differ between the schemas.
pub fn write_shared_members<W: Write>(g: &Geom, o: &mut Object<'_, W>) -> Result<bool, serde_json::Error> {
    match g {
        Geom::Point { position } => o.member("position", &Pt(*position))?,
        Geom::Circle { center, radius } => {
            o.member("center", &Pt(*center))?;
            o.member("radius", &num(*radius))?;
        }
        Geom::Arc { center, radius, start, end } => {
            o.member("center", &Pt(*center))?;
            o.member("radius", &num(*radius))?;
            o.member("startAngle", &num(normalize_angle(*start)))?;
            o.member("endAngle", &num(normalize_angle(*end)))?;
        }
        Geom::Ellipse(el) => {
            o.member("center", &Pt(el.center))?;
            o.member("majorAxis", &Pt(el.major))?;
            o.member("ratio", &num(el.ratio))?;
            o.member("startAngle", &num(el.start))?;
            o.member("endAngle", &num(el.end))?;
        }
        Geom::Spline(sp) => {
            let SplineGeom { degree, knots, ctrl, weights, fit, closed } = &**sp;
            o.member("degree", &(*degree as u64))?;
            o.member("controlPoints", &Pts(ctrl))?;
            o.member("knots", &Nums(knots))?;
            o.member("weights", &weights.as_deref().map(Nums))?;
            o.member("fitPoints", &Pts(fit))?;
            o.member("closed", closed)?;
            o.member("points", &Pts(&spline_points(*degree, knots, ctrl, weights.as_deref(), 0.0)))?;
        }
        _ => return Ok(false),
    }
    Ok(true)
}

/// An insert's placement as both schemas write it: position, scales, rotation, array columns and rows.
pub fn write_insert_placement<W: Write>(i: &InsertGeom, o: &mut Object<'_, W>) -> stream::Result {
    o.member("position", &Pt(i.position))?;
    o.member("scaleX", &num(i.scale.x))?;
    o.member("scaleY", &num(i.scale.y))?;
    o.member("rotation", &num(i.rotation_deg))?;
    o.member("columns", &i.columns.max(1))?;
    o.member("rows", &i.rows.max(1))
}

/// Numbers as [`num`] writes them, serialised directly.
#[derive(Debug, Clone, Copy)]
struct Nums<'a>(&'a [f64]);

impl Serialize for Nums<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|v| num(*v)))
    }
}

fn hatch_edge(e: &HatchEdge) -> Value {
    match e {
        HatchEdge::Polyline { vertices: vs, closed } => {
            json!({ "type": "LWPOLYLINE", "vertices": vertices(vs), "closed": closed })
        }
        HatchEdge::Line { start, end } => json!({ "type": "LINE", "start": point(*start), "end": point(*end) }),
        HatchEdge::Arc { center, radius, start, end, ccw } => {
            // Schema arcs sweep CCW from start to end: a clockwise edge is written with its ends swapped.
            let (s, e) = if *ccw { (*start, *end) } else { (*end, *start) };
            json!({ "type": "ARC", "center": point(*center), "radius": num(*radius),
                    "startAngle": num(normalize_angle(s)), "endAngle": num(normalize_angle(e)) })
        }
        HatchEdge::Ellipse { center, major, ratio, start, end, ccw } => {
            let (s, e) = if *ccw { (*start, *end) } else { (*end, *start) };
            json!({ "type": "ELLIPSE", "center": point(*center), "majorAxis": point(*major), "ratio": num(*ratio),
                    "startAngle": num(s), "endAngle": num(e) })
        }
        HatchEdge::Spline { degree, knots, ctrl, weights } => json!({
            "type": "SPLINE", "degree": degree, "controlPoints": points(ctrl),
            "knots": Value::Array(knots.iter().map(|k| num(*k)).collect()),
            "weights": weights.as_ref().map_or(Value::Null, |w| Value::Array(w.iter().map(|x| num(*x)).collect())),
            "points": points(&spline_points(*degree, knots, ctrl, weights.as_deref(), 0.0)),
        }),
    }
}
