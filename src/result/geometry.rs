//! Geometry members per entity type (result-schema-2.md §5.2); 2024-01 uses the same members flat.

use crate::model::SplineGeom;
use serde_json::{Map, Value, json};

use super::json::{num, point, points};
use crate::model::geom::{normalize_angle, sample_spline};
use crate::model::measure::polyline_is_closed;
use crate::model::{Geom, HatchEdge, Point, Vertex};

/// Polyline vertices with `bulge` only when non-zero.
pub fn vertices(vs: &[Vertex]) -> Value {
    Value::Array(
        vs.iter()
            .map(|v| {
                let mut p = point(v.p);
                if v.bulge != 0.0 && v.bulge.is_finite() {
                    if let Value::Object(m) = &mut p {
                        m.insert("bulge".into(), num(v.bulge));
                    }
                }
                p
            })
            .collect(),
    )
}

fn obj(pairs: Vec<(&str, Value)>) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
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

/// The `geometry` object of one entity.
pub fn geometry(g: &Geom) -> Map<String, Value> {
    match g {
        Geom::Leader(l) => geometry(&l.polyline()),
        Geom::Proxy(_) => geometry(&Geom::Other { position: None }),
        Geom::Point { position } => obj(vec![("position", point(*position))]),
        Geom::Line { start, end } => obj(vec![("start", point(*start)), ("end", point(*end))]),
        Geom::Polyline { vertices: vs, closed, constant_width } => {
            let filled = *constant_width != 0.0 || vs.iter().any(|v| v.start_width != 0.0 || v.end_width != 0.0);
            obj(vec![
                ("vertices", vertices(vs)),
                ("closed", Value::Bool(polyline_is_closed(vs, *closed))),
                ("filled", Value::Bool(filled)),
                ("width", num(*constant_width)),
            ])
        }
        Geom::Circle { center, radius } => obj(vec![("center", point(*center)), ("radius", num(*radius))]),
        Geom::Arc { center, radius, start, end } => obj(vec![
            ("center", point(*center)),
            ("radius", num(*radius)),
            ("startAngle", num(normalize_angle(*start))),
            ("endAngle", num(normalize_angle(*end))),
        ]),
        Geom::Ellipse(el) => obj(vec![
            ("center", point(el.center)),
            ("majorAxis", point(el.major)),
            ("ratio", num(el.ratio)),
            ("startAngle", num(el.start)),
            ("endAngle", num(el.end)),
        ]),
        Geom::Spline(s) => spline(s),
        Geom::Text(t) => obj(vec![
            ("position", point(t.position)),
            ("rotation", num(t.rotation_deg)),
            ("multiline", Value::Bool(t.multiline)),
            ("width", t.box_width.map_or(Value::Null, num)),
        ]),
        Geom::Insert(i) => obj(vec![
            ("position", point(i.position)),
            ("scaleX", num(i.scale.x)),
            ("scaleY", num(i.scale.y)),
            ("rotation", num(i.rotation_deg)),
            ("columns", Value::from(i.columns.max(1))),
            ("rows", Value::from(i.rows.max(1))),
            ("columnSpacing", num(i.column_spacing)),
            ("rowSpacing", num(i.row_spacing)),
        ]),
        Geom::Hatch(h) => obj(vec![
            (
                "boundaries",
                Value::Array(
                    h.loops
                        .iter()
                        .map(|edges| json!({ "edges": Value::Array(edges.iter().map(hatch_edge).collect()) }))
                        .collect(),
                ),
            ),
            (
                "patternLines",
                Value::Array(
                    h.pattern_lines
                        .iter()
                        .map(|l| {
                            json!({
                                "angle": num(l.angle_deg), "base": point(l.base), "offset": point(l.offset),
                                "dashes": Value::Array(l.dashes.iter().map(|d| num(*d)).collect()),
                            })
                        })
                        .collect(),
                ),
            ),
        ]),
        Geom::Dimension(d) => obj(vec![
            ("dimensionType", Value::from(d.kind.name())),
            ("measurement", d.measurement.map_or(Value::Null, num)),
            ("defPoints", points(&d.def_points)),
            ("textPosition", d.text_position.map_or(Value::Null, point)),
        ]),
        Geom::Face { vertices: vs, .. } => obj(vec![("vertices", points(vs)), ("closed", Value::Bool(true))]),
        Geom::Paths { paths } => obj(vec![("paths", Value::Array(paths.iter().map(|p| points(p)).collect()))]),
        // Leader lines and landings as `paths`; the content's position where it is text.
        Geom::MLeader(m) => {
            let mut out = obj(vec![("paths", Value::Array(m.leader_paths().iter().map(|p| points(p)).collect()))]);
            if let Some(t) = m.text() {
                out.insert("textPosition".into(), point(t.position));
            }
            out
        }
        Geom::Viewport(v) => obj(vec![
            ("center", point(v.center)),
            ("width", num(v.width)),
            ("height", num(v.height)),
            ("viewCenter", point(v.view_center)),
            ("viewHeight", num(v.view_height)),
            ("twist", num(v.twist_deg)),
        ]),
        Geom::Image { position, outline, .. } => {
            obj(vec![("position", point(*position)), ("outline", points(outline))])
        }
        Geom::Infinite { base, direction, both_ways } => {
            obj(vec![("base", point(*base)), ("direction", point(*direction)), ("bothWays", Value::Bool(*both_ways))])
        }
        Geom::Other { position } => position.map_or_else(Map::new, |p| obj(vec![("position", point(p))])),
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

fn spline(s: &SplineGeom) -> Map<String, Value> {
    let SplineGeom { degree, knots, ctrl, weights, fit, closed } = s;
    obj(vec![
        ("degree", Value::from(*degree as u64)),
        ("controlPoints", points(ctrl)),
        ("knots", Value::Array(knots.iter().map(|k| num(*k)).collect())),
        ("weights", weights.as_ref().map_or(Value::Null, |w| Value::Array(w.iter().map(|x| num(*x)).collect()))),
        ("fitPoints", points(fit)),
        ("closed", Value::Bool(*closed)),
        ("points", points(&spline_points(*degree, knots, ctrl, weights.as_deref(), 0.0))),
    ])
}
