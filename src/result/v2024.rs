//! Schema 2024-01 (result-schema.md): one flat `vectorJson` in world coordinates, block contents expanded
//! with `insertId`, and `layersJson`.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;

use serde_json::{Value, json};

use super::common::{Ids, LayerTally, Resolver, capped, emitted_sheets};
use super::geometry::{Verts, spline_points, vertices, write_insert_placement, write_shared_members};
use super::json::{Pt, Pts, bbox4, bbox6, num, rfc3339_ms};
use super::model3d::{model3d, projection};
use super::stream::{self, Array, Object};
use super::{PARSER_VERSION, ResultContext};
use crate::model::colour::aci_rgb;
use crate::model::flatten::{FlatItem, FlattenLimits, flatten};
use crate::model::measure::{geom_bbox, polyline_is_closed};
use crate::model::{BBox2, ColourSpec, Document, Geom, HatchEdge, NearestAciCache, Rgb, SheetKind, Vertex};

/// The lower-case 2024-01 type of a world geometry, or `None` when 2024-01 has no type for it.
fn legacy_type(kind: &str, g: &Geom) -> Option<&'static str> {
    Some(match g {
        Geom::Leader(_) => "polyline",
        Geom::Line { .. } => "line",
        Geom::Polyline { .. } | Geom::Face { .. } => "polyline",
        Geom::Arc { .. } => "arc",
        Geom::Circle { .. } => "circle",
        Geom::Ellipse(_) => "ellipse",
        Geom::Spline { .. } => "spline",
        Geom::Text(_) => "text",
        Geom::Insert(_) => "insert",
        Geom::Hatch(_) => "hatch",
        Geom::Dimension(_) => "dimension",
        Geom::Point { .. } => "point",
        Geom::Paths { .. } if kind == "LEADER" => "polyline",
        _ => return None,
    })
}

/// Writes the members specific to each type (result-schema.md §3), in world coordinates.
fn type_members<W: Write>(g: &Geom, o: &mut Object<'_, W>) -> stream::Result {
    if write_shared_members(g, o)? {
        return Ok(());
    }
    match g {
        Geom::Leader(l) => type_members(&l.polyline(), o)?,
        Geom::Line { start, end } => {
            o.member("start", &Pt(*start))?;
            o.member("end", &Pt(*end))?;
            o.member("x1", &num(start.x))?;
            o.member("y1", &num(start.y))?;
            o.member("x2", &num(end.x))?;
            o.member("y2", &num(end.y))?;
        }
        Geom::Polyline { vertices: vs, closed, .. } => {
            o.member("points", &Verts(vs))?;
            o.member("closed", &polyline_is_closed(vs, *closed))?;
        }
        Geom::Face { vertices: vs, .. } => {
            o.member("points", &Pts(vs))?;
            o.member("closed", &true)?;
        }
        Geom::Paths { paths } => {
            o.member("points", &Pts(paths.first().map_or(&[], Vec::as_slice)))?;
            o.member("closed", &false)?;
        }
        Geom::Text(t) => {
            o.member("text", &t.value)?;
            o.member("position", &Pt(t.position))?;
            o.member("height", &num(t.height))?;
            o.member("rotation", &num(t.rotation_deg))?;
            o.member("multiline", &t.multiline)?;
            o.member("style", &t.style)?;
        }
        Geom::Insert(i) => {
            o.member("blockName", &i.block)?;
            write_insert_placement(i, o)?;
            let attributes: Vec<Value> = i.attribs.iter().map(|a| json!({ "tag": a.tag, "text": a.value })).collect();
            o.member("attributes", &attributes)?;
        }
        Geom::Hatch(h) => {
            o.member("patternName", &h.pattern_name)?;
            o.member("solid", &h.solid)?;
            o.member("patternAngle", &num(h.pattern_angle_deg))?;
            o.member("patternScale", &num(h.pattern_scale))?;
            let loops: Vec<Value> = h
                .loops
                .iter()
                .map(|edges| json!({ "points": vertices(&loop_vertices(edges)), "closed": true }))
                .collect();
            o.member("boundaries", &loops)?;
        }
        Geom::Dimension(d) => {
            o.member("dimensionType", &d.kind.name())?;
            o.member("measurement", &d.measurement.map(num))?;
            o.member("text", &d.text)?;
            o.member("defPoints", &Pts(&d.def_points))?;
            o.member("textPosition", &d.text_position.map(Pt))?;
        }
        _ => {}
    }
    Ok(())
}

/// A hatch loop as one bulged polyline: lines and arcs exactly, ellipses and splines tessellated.
fn loop_vertices(edges: &[HatchEdge]) -> Vec<Vertex> {
    let mut out = Vec::new();
    for e in edges {
        match e {
            HatchEdge::Polyline { vertices: vs, .. } => out.extend_from_slice(vs),
            HatchEdge::Line { start, .. } => out.push(Vertex::at(*start)),
            HatchEdge::Arc { center, radius, start, end, ccw } => {
                let sweep = if *ccw {
                    crate::model::geom::ccw_sweep(*start, *end)
                } else {
                    -crate::model::geom::ccw_sweep(*end, *start)
                };
                let p = crate::model::Point::xy(center.x + radius * start.cos(), center.y + radius * start.sin());
                out.push(Vertex { p, bulge: (sweep / 4.0).tan(), ..Vertex::default() });
            }
            HatchEdge::Ellipse { center, major, ratio, start, end, ccw } => {
                let sweep = if *ccw {
                    crate::model::geom::ccw_sweep(*start, *end)
                } else {
                    -crate::model::geom::ccw_sweep(*end, *start)
                };
                let minor = crate::model::Point::xy(-major.y * ratio, major.x * ratio);
                for i in 0..32 {
                    let t = start + sweep * f64::from(i) / 32.0;
                    out.push(Vertex::at(center.plus(major.scale(t.cos())).plus(minor.scale(t.sin()))));
                }
            }
            HatchEdge::Spline { degree, knots, ctrl, weights } => {
                let pts = spline_points(*degree, knots, ctrl, weights.as_deref(), 0.0);
                let n = pts.len().saturating_sub(1);
                out.extend(pts.into_iter().take(n).map(Vertex::at));
            }
        }
    }
    out
}

struct Emitter<'a> {
    r: Resolver<'a>,
    ids: Ids,
    layer_counts: LayerTally,
    nearest_aci: NearestAciCache,
    skipped: BTreeMap<String, u64>,
    model_box: BBox2,
    budget: u64,
    dropped: u64,
    /// Id of each top-level insert of the current sheet (by index), so expanded contents can name it.
    top_ids: HashMap<usize, String>,
    /// Effective colour of each top-level insert, for ByBlock contents.
    top_colours: HashMap<usize, Rgb>,
}

impl Emitter<'_> {
    /// Writes the `vectorJson` element for `item` to `list`, if it gets one (its type has one in 2024-01 and
    /// the entity cap is not reached).
    fn emit<W: Write>(
        &mut self,
        item: &FlatItem<'_>,
        space: &str,
        is_model: bool,
        list: &mut Array<'_, W>,
    ) -> stream::Result {
        let e = item.entity;
        let world = item.world_geom();
        let Some(kind) = legacy_type(&e.kind, &world) else {
            *self.skipped.entry(e.kind.to_string()).or_insert(0) += 1;
            return Ok(());
        };
        if self.budget == 0 {
            self.dropped += 1;
            return Ok(());
        }
        self.budget -= 1;
        let id = self.ids.next(e.handle.as_deref());
        let top_level = item.depth == 0;
        let block_rgb =
            if top_level { Rgb::WHITE } else { self.top_colours.get(&item.top_index).copied().unwrap_or(Rgb::WHITE) };
        let rgb = self.r.rgb(item.colour, item.layer, block_rgb);
        let bbox = if matches!(*world, Geom::Insert(_)) {
            crate::model::measure::entity_bbox(
                &crate::model::Entity { geom: Geom::clone(&world), ..e.clone() },
                &self.r.blocks,
            )
        } else {
            geom_bbox(&world)
        };
        if is_model {
            self.model_box.union(&bbox);
        }
        let colour_index = e.colour.aci_code();
        let effective_aci = match item.colour {
            ColourSpec::Aci(i) => i,
            ColourSpec::True { rgb, .. } => self.nearest_aci.get(rgb),
            _ => {
                if rgb == aci_rgb(7) {
                    7
                } else {
                    self.nearest_aci.get(rgb)
                }
            }
        };
        let insert_id = if top_level {
            if matches!(*world, Geom::Insert(_)) {
                // Expanded contents follow their insert: they name it by id and take its colour for ByBlock.
                self.top_ids.insert(item.top_index, id.clone());
                self.top_colours.insert(item.top_index, rgb);
            }
            None
        } else {
            self.top_ids.get(&item.top_index)
        };
        self.layer_counts.add(item.layer);
        list.element_with(|w| {
            let mut o = Object::begin(w)?;
            o.member("id", &id)?;
            o.member("type", kind)?;
            o.member("layer", item.layer)?;
            o.member("colorHex", &rgb.hex_text())?;
            o.member("colorIndex", &colour_index)?;
            o.member("color", &effective_aci)?;
            o.member("trueColor", &e.colour.true_colour().map(Rgb::hex_text))?;
            o.member("lineType", &self.r.linetype(item.linetype, item.layer))?;
            o.member("lineweight", &e.lineweight.unwrap_or(-1))?;
            if let Some(insert_id) = insert_id {
                o.member("insertId", insert_id)?;
            }
            // `space` names the paper-space layout; model space is the default and is left implicit, as in
            // the spec's complete example.
            if !is_model {
                o.member("space", space)?;
            }
            o.member("bbox", &bbox4(&bbox))?;
            type_members(&world, &mut o)?;
            o.end()
        })
    }
}

/// Writes the 2024-01 result of `doc` to `out`; each `vectorJson` element is made and written in turn.
pub fn write<W: Write>(doc: &Document, ctx: &ResultContext, out: &mut W) -> stream::Result {
    let mut em = Emitter {
        r: Resolver::new(doc),
        ids: Ids::default(),
        layer_counts: LayerTally::default(),
        nearest_aci: NearestAciCache::default(),
        skipped: doc.diagnostics.skipped.clone(),
        model_box: BBox2::EMPTY,
        budget: ctx.max_entities.unwrap_or(u64::MAX),
        dropped: 0,
        top_ids: HashMap::new(),
        top_colours: HashMap::new(),
    };
    let mut top = Object::begin(out)?;
    top.member("jobId", &ctx.job_id)?;
    top.member("status", &"COMPLETED")?;
    top.member("schemaVersion", &"2024-01")?;
    top.member("parserVersion", &PARSER_VERSION)?;
    let limits = FlattenLimits::default();
    let mut truncated_expansion = false;
    let mut entity_count = 0;
    top.member_with("vectorJson", |w| {
        let mut list = Array::begin(w)?;
        let mut failed = None;
        // One table for every sheet (the resolver holds another, but `emit` borrows it mutably meanwhile).
        let blocks = doc.block_table();
        for si in emitted_sheets(doc) {
            let sheet = &doc.sheets[si];
            let is_model = sheet.kind == SheetKind::Model;
            let space = if is_model { "model".to_owned() } else { sheet.name.clone() };
            let report = flatten(&sheet.entities, &blocks, limits, &mut |item| {
                if failed.is_none() {
                    failed = em.emit(&item, &space, is_model, &mut list).err();
                }
            });
            truncated_expansion |= report.truncated;
            em.top_ids.clear();
            em.top_colours.clear();
        }
        if let Some(e) = failed {
            return Err(e);
        }
        entity_count = list.written();
        list.end()
    })?;

    let (model3d_value, totals3d) = match &doc.model3d {
        Some(m) => {
            let (v, t) = model3d(m);
            (Some(v), Some(t))
        }
        None => (None, None),
    };
    let bbox = match &totals3d {
        Some(t) => projection(&t.bbox),
        None => em.model_box,
    };
    let layers: Vec<Value> = doc
        .layers
        .iter()
        .map(|l| {
            json!({
                "name": l.name, "color": l.aci, "colorHex": l.rgb().hex(), "lineType": l.linetype,
                "lineweight": l.lineweight, "isVisible": l.is_visible(), "frozen": l.frozen, "locked": l.locked,
                "entityCount": em.layer_counts.get(&l.name),
            })
        })
        .collect();
    let truncated = em.dropped > 0;
    let mut warnings = doc.diagnostics.warnings.clone();
    if truncated {
        warnings.push(format!(
            "the entity cap of {} was reached: {} entities were left out",
            ctx.max_entities.unwrap_or(0),
            em.dropped
        ));
    }
    if truncated_expansion {
        warnings.push("block expansion stopped at its depth limit or budget".to_owned());
    }
    let version = doc.source.version.clone().unwrap_or_else(|| "unknown".into());
    let layer_count = layers.len();
    top.member("layersJson", &layers)?;
    top.member(
        "metadata",
        &json!({
            "filename": ctx.file_name,
            "format": doc.source.format.json_name(),
            "version": version,
            "dwgVersion": version,
            "units": doc.units.length.map_or("unknown", |u| u.json_name()),
            "insunits": doc.units.insunits,
            "boundingBox": bbox6(&bbox),
            "width": num(super::json::round6(bbox.width())),
            "height": num(super::json::round6(bbox.height())),
            "createdDate": doc.created_unix_ms.map(rfc3339_ms),
            "entityCount": entity_count,
            "layerCount": layer_count,
            "truncated": truncated,
            "is3D": doc.model3d.is_some(),
            "skippedEntities": em.skipped,
        }),
    )?;
    top.member("imageUrl", &ctx.image_urls.first())?;
    top.member("createdAt", &rfc3339_ms(ctx.created_at_unix_ms))?;
    if let Some(v) = model3d_value {
        top.member("model3d", &v)?;
    }
    top.member("warnings", &capped(&warnings))?;
    top.end()
}
