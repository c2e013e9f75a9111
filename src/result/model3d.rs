//! The `model3d` extension (result-schema.md §6), shared by both schemas.

use serde_json::{Map, Value, json};

use super::json::{bbox3, num};
use crate::model::mesh::{MeshMeasures, measure_faces};
use crate::model::{Affine, BBox2, BBox3, Model3d, Node, NodeKind};

/// Totals over every placed solid, in world coordinates.
#[derive(Debug, Clone, Copy, Default)]
pub struct Totals {
    pub triangles: u64,
    pub vertices: u64,
    pub area: f64,
    pub volume: f64,
    pub all_closed: bool,
    pub bbox: BBox3,
}

struct Walk {
    next_part: u64,
    next_solid: u64,
    totals: Totals,
}

/// The `model3d` object and the totals (for `metadata.boundingBox`, the XY projection of the 3D box).
pub fn model3d(m: &Model3d) -> (Value, Totals) {
    let mut walk = Walk {
        next_part: 0,
        next_solid: 0,
        totals: Totals { all_closed: true, bbox: BBox3::EMPTY, ..Totals::default() },
    };
    let parts: Vec<Value> = m.roots.iter().map(|n| node(m, n, &Affine::IDENTITY, 0, &mut walk)).collect();
    let t = walk.totals;
    let any = t.triangles > 0;
    let mut out = Map::new();
    out.insert("units".into(), Value::from(m.units.map_or("unknown", |u| u.json_name())));
    out.insert("boundingBox3d".into(), bbox3(&t.bbox));
    out.insert("triangleCount".into(), Value::from(t.triangles));
    out.insert("vertexCount".into(), Value::from(t.vertices));
    out.insert("surfaceArea".into(), num(t.area));
    out.insert("volume".into(), if any && t.all_closed { num(t.volume) } else { Value::Null });
    out.insert("closed".into(), Value::Bool(any && t.all_closed));
    if let Some(tess) = m.tessellation {
        out.insert(
            "tessellation".into(),
            json!({ "chordTolerance": num(tess.chord_tolerance), "angleToleranceDeg": num(tess.angle_tolerance_deg) }),
        );
    }
    // STEP header facts (absent for STL).
    if let Some(schema) = &m.schema {
        out.insert("schema".into(), Value::from(schema.clone()));
    }
    if let Some(system) = &m.originating_system {
        out.insert("originatingSystem".into(), Value::from(system.clone()));
    }
    out.insert("parts".into(), Value::Array(parts));
    (Value::Object(out), walk.totals)
}

fn node(m: &Model3d, n: &Node, parent: &Affine, depth: u32, walk: &mut Walk) -> Value {
    walk.next_part += 1;
    let id = format!("p{}", walk.next_part);
    let world = parent.then_after(&n.transform);
    let part = n.part.and_then(|i| m.parts.get(i));
    let colour = n.colour_override.or(part.and_then(|p| p.colour));
    let mut solids = Vec::new();
    if let Some(p) = part {
        // The box covers the wireframe (curves and points) as well; area, volume and counts are faces only.
        let wires = p.wire_bbox(&world);
        if !wires.is_empty() {
            walk.totals.bbox.union(&wires);
        }
        for s in &p.solids {
            walk.next_solid += 1;
            let mm: MeshMeasures = measure_faces(&s.faces, &world);
            let solid_colour = s.colour.or(colour);
            let t = &mut walk.totals;
            t.triangles += mm.triangles;
            t.vertices += mm.welded_vertices;
            t.area += mm.area;
            t.volume += mm.signed_volume.abs();
            t.all_closed &= mm.closed;
            t.bbox.union(&mm.bbox);
            solids.push(json!({
                "id": format!("s{}", walk.next_solid),
                "name": s.name,
                "kind": s.kind.name(),
                "triangleCount": mm.triangles,
                "surfaceArea": num(mm.area),
                "volume": if mm.closed { num(mm.signed_volume.abs()) } else { Value::Null },
                "closed": mm.closed,
                "colorHex": solid_colour.map(|c| c.hex()),
                "boundingBox3d": bbox3(&mm.bbox),
            }));
        }
    }
    // Product trees deeper than this come only from corrupt files; the reader has rejected cycles already.
    let children: Vec<Value> =
        if depth < 256 { n.children.iter().map(|c| node(m, c, &world, depth + 1, walk)).collect() } else { Vec::new() };
    let mut out = Map::new();
    out.insert("id".into(), Value::from(id));
    out.insert("name".into(), Value::from(n.name.clone()));
    out.insert(
        "kind".into(),
        Value::from(match n.kind {
            NodeKind::Assembly => "assembly",
            NodeKind::Part => "part",
        }),
    );
    if !n.transform.is_identity() {
        out.insert("transform".into(), Value::Array(n.transform.to_row_major().iter().map(|v| num(*v)).collect()));
    }
    out.insert("colorHex".into(), colour.map_or(Value::Null, |c| Value::from(c.hex())));
    out.insert("children".into(), Value::Array(children));
    out.insert("solids".into(), Value::Array(solids));
    Value::Object(out)
}

/// The XY projection of a 3D box.
pub fn projection(b: &BBox3) -> BBox2 {
    if b.is_empty() {
        return BBox2::EMPTY;
    }
    BBox2 { min_x: b.min.x, min_y: b.min.y, max_x: b.max.x, max_y: b.max.y }
}
