//! Schema 2.0.0 (result-schema-2.md).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{Map, Value, json};

use super::common::{Ids, Resolver, capped, category, emitted_sheets, primary_sheet, unique_slugs};
use super::geometry::geometry;
use super::json::{bbox4, bbox6, num, num6, opt_num6, point, rfc3339_ms};
use super::model3d::{model3d, projection};
use super::{PARSER_VERSION, ResultContext};
use crate::model::measure::{entity_bbox, metrics};
use crate::model::{BBox2, Document, Entity, Geom, Layer, Rgb, SheetKind};

/// Per-layer counts, keyed by upper-case layer name, remembering the spelling first seen.
#[derive(Default)]
struct LayerCounts {
    counts: HashMap<String, (String, u64)>,
}

impl LayerCounts {
    fn add(&mut self, name: &str) {
        self.counts.entry(name.to_ascii_uppercase()).or_insert_with(|| (name.to_owned(), 0)).1 += 1;
    }

    fn get(&self, name: &str) -> u64 {
        self.counts.get(&name.to_ascii_uppercase()).map_or(0, |c| c.1)
    }

    /// Layers with a count, in table order, then referenced-but-undefined ones in first-seen order.
    fn used_layers<'a>(&self, table: &'a [Layer], order: &[String]) -> Vec<(Option<&'a Layer>, String)> {
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        for l in table {
            let key = l.name.to_ascii_uppercase();
            if self.get(&l.name) > 0 && seen.insert(key) {
                out.push((Some(l), l.name.clone()));
            }
        }
        for name in order {
            if seen.insert(name.to_ascii_uppercase()) {
                out.push((None, name.clone()));
            }
        }
        out
    }
}

/// A layer object (§6).
fn layer_value(layer: Option<&Layer>, name: &str, count: u64) -> Value {
    let default = Layer::new(name);
    let l = layer.unwrap_or(&default);
    json!({
        "name": name, "color": l.aci, "colorHex": l.rgb().hex(), "lineType": l.linetype,
        "lineweight": l.lineweight, "isVisible": l.is_visible(), "entityCount": count,
        "frozen": l.frozen, "locked": l.locked,
    })
}

struct EntityOut {
    value: Value,
    bbox: BBox2,
}

fn entity(e: &Entity, id: String, layout: Option<&str>, r: &Resolver<'_>) -> EntityOut {
    let bbox = entity_bbox(e, &r.blocks);
    let m = metrics(e);
    let text = match &e.geom {
        Geom::Text(t) => json!({ "value": t.value, "height": num(t.height), "style": t.style }),
        Geom::Dimension(d) => match &d.text {
            Some(s) => json!({ "value": s, "height": null, "style": null }),
            None => Value::Null,
        },
        Geom::MLeader(m) => match m.text() {
            Some(t) => json!({ "value": t.value, "height": num(t.height), "style": t.style }),
            None => Value::Null,
        },
        _ => Value::Null,
    };
    let reference = match &e.geom {
        Geom::Insert(i) => json!({
            "blockName": i.block,
            "attributes": Value::Array(i.attribs.iter().map(|a| json!({ "tag": a.tag, "value": a.value })).collect()),
        }),
        _ => Value::Null,
    };
    let hatch = match &e.geom {
        Geom::Hatch(h) => Some(h),
        _ => None,
    };
    let colour_index = match e.colour.aci_code() {
        256 => Value::Null,
        c => Value::from(c),
    };
    let properties = json!({
        "colorIndex": colour_index,
        "lineType": e.linetype.as_deref(),
        "lineweight": match e.lineweight { None | Some(-1) => Value::Null, Some(v) => Value::from(v) },
        "visible": r.layer_visible(&e.layer) && !e.invisible,
        "solid": hatch.map(|h| h.solid),
        "patternName": hatch.and_then(|h| h.pattern_name.clone()),
        "patternAngle": hatch.map(|h| num(h.pattern_angle_deg)),
        "patternScale": hatch.map(|h| num(h.pattern_scale)),
        "colorHex": r.rgb(e.colour, &e.layer, Rgb::WHITE).hex(),
        "trueColor": e.colour.true_colour().map(|c| c.hex()),
        "lineTypeEffective": r.linetype(e.linetype.as_deref(), &e.layer),
        "lineweightEffective": r.lineweight(e.lineweight, &e.layer),
    });
    let value = json!({
        "id": id,
        "handle": e.handle.as_ref().map(|h| h.to_ascii_uppercase()),
        "type": e.kind,
        "category": category(&e.kind),
        "layer": &*e.layer,
        "layout": layout,
        "geometry": Value::Object(geometry(&e.geom)),
        "text": text,
        "reference": reference,
        "properties": properties,
        "bbox": bbox4(&bbox),
        "metrics": {
            "length": opt_num6(m.length), "area": opt_num6(m.area), "perimeter": opt_num6(m.perimeter),
            "vertexCount": m.vertex_count,
        },
    });
    EntityOut { value, bbox }
}

struct SheetOut {
    name: String,
    value: Map<String, Value>,
    bbox: BBox2,
    kind: SheetKind,
}

pub fn document(doc: &Document, ctx: &ResultContext) -> Value {
    let r = Resolver::new(doc);
    let mut ids = Ids::default();
    let emitted = emitted_sheets(doc);
    let mut budget = ctx.max_entities.unwrap_or(u64::MAX);
    let mut dropped: u64 = 0;
    let mut by_type: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_category: BTreeMap<String, u64> = BTreeMap::new();
    let mut doc_counts = LayerCounts::default();
    let mut doc_order: Vec<String> = Vec::new();
    let mut referenced_blocks: Vec<String> = Vec::new();
    let mut sheets: Vec<SheetOut> = Vec::new();

    for &si in &emitted {
        let sheet = &doc.sheets[si];
        let mut entities = Vec::new();
        let mut bbox = BBox2::EMPTY;
        let mut counts = LayerCounts::default();
        let mut order: Vec<String> = Vec::new();
        for e in &sheet.entities {
            if budget == 0 {
                dropped += 1;
                continue;
            }
            budget -= 1;
            let out = entity(e, ids.next(e.handle.as_deref()), Some(&sheet.name), &r);
            bbox.union(&out.bbox);
            entities.push(out.value);
            if counts.get(&e.layer) == 0 {
                order.push(e.layer.to_string());
            }
            if doc_counts.get(&e.layer) == 0 {
                doc_order.push(e.layer.to_string());
            }
            counts.add(&e.layer);
            doc_counts.add(&e.layer);
            *by_type.entry(e.kind.to_string()).or_insert(0) += 1;
            *by_category.entry(category(&e.kind).to_owned()).or_insert(0) += 1;
            if let Geom::Insert(i) = &e.geom {
                referenced_blocks.push(i.block.clone());
            }
        }
        let layers: Vec<Value> = counts
            .used_layers(&doc.layers, &order)
            .into_iter()
            .map(|(l, name)| layer_value(l, &name, counts.get(&name)))
            .collect();
        let mut value = Map::new();
        value.insert("entityCount".into(), Value::from(entities.len()));
        value.insert("layerCount".into(), Value::from(layers.len()));
        value.insert("layers".into(), Value::Array(layers));
        value.insert("entities".into(), Value::Array(entities));
        sheets.push(SheetOut { name: sheet.name.clone(), value, bbox, kind: sheet.kind });
    }
    if sheets.is_empty() {
        let mut value = Map::new();
        value.insert("entityCount".into(), Value::from(0));
        value.insert("layerCount".into(), Value::from(0));
        value.insert("layers".into(), Value::Array(Vec::new()));
        value.insert("entities".into(), Value::Array(Vec::new()));
        sheets.push(SheetOut { name: "Model".into(), value, bbox: BBox2::EMPTY, kind: SheetKind::Model });
    }

    let (model3d_value, totals3d) = match &doc.model3d {
        Some(m) => {
            let (v, t) = model3d(m);
            (Some(v), Some(t))
        }
        None => (None, None),
    };
    if let Some(t) = &totals3d {
        // A 3D document's only sheet is framed by the XY projection of its 3D box.
        if let Some(first) = sheets.first_mut() {
            first.bbox = projection(&t.bbox);
        }
    }

    let keys = unique_slugs(sheets.iter().map(|s| s.name.as_str()));
    let summary_box =
        sheets.iter().find(|s| s.kind == SheetKind::Model).or(sheets.first()).map_or(BBox2::EMPTY, |s| s.bbox);
    let _ = primary_sheet(doc, &emitted);
    let total_entities: u64 = sheets.iter().map(|s| s.value["entityCount"].as_u64().unwrap_or(0)).sum();
    let used_layers = doc_counts.used_layers(&doc.layers, &doc_order);
    let truncated = dropped > 0;

    let sheet_values: Vec<Value> = sheets
        .into_iter()
        .enumerate()
        .map(|(i, mut s)| {
            // Moved, not cloned: a sheet's entity array is most of the document.
            let mut take = |name: &str| s.value.get_mut(name).map_or(Value::Null, Value::take);
            let (entity_count, layer_count) = (take("entityCount"), take("layerCount"));
            let (layers, entities) = (take("layers"), take("entities"));
            let mut m = Map::new();
            m.insert("name".into(), Value::from(s.name.clone()));
            m.insert("key".into(), Value::from(keys[i].clone()));
            m.insert("index".into(), Value::from(i));
            m.insert("imageUrl".into(), ctx.image_urls.get(i).map_or(Value::Null, |u| Value::from(u.clone())));
            m.insert("entityCount".into(), entity_count);
            m.insert("layerCount".into(), layer_count);
            m.insert("boundingBox".into(), bbox6(&s.bbox));
            m.insert("area".into(), num6(s.bbox.width() * s.bbox.height()));
            m.insert("perimeter".into(), num6(2.0 * (s.bbox.width() + s.bbox.height())));
            m.insert("layers".into(), layers);
            m.insert("entities".into(), entities);
            Value::Object(m)
        })
        .collect();
    let names: Vec<Value> = sheet_values.iter().map(|s| s["name"].clone()).collect();

    let mut warnings = doc.diagnostics.warnings.clone();
    if truncated {
        warnings.push(format!(
            "the entity cap of {} was reached: {dropped} entities were left out",
            ctx.max_entities.unwrap_or(0)
        ));
    }

    let mut out = Map::new();
    out.insert("schemaVersion".into(), Value::from("2.0.0"));
    out.insert("parserVersion".into(), Value::from(PARSER_VERSION));
    out.insert("jobId".into(), ctx.job_id.clone().map_or(Value::Null, Value::from));
    out.insert("status".into(), Value::from("COMPLETED"));
    out.insert(
        "file".into(),
        json!({
            "name": ctx.file_name, "format": doc.source.format.json_name(),
            "version": doc.source.version.clone().unwrap_or_else(|| "unknown".into()),
            "units": doc.units.length.map_or("unknown", |u| u.json_name()),
        }),
    );
    out.insert(
        "summary".into(),
        json!({
            "totalSheets": sheet_values.len(),
            "totalEntities": total_entities,
            "totalLayers": used_layers.len(),
            "statistics": { "byType": by_type, "byCategory": by_category },
            "boundingBox": bbox6(&summary_box),
            "truncated": truncated,
        }),
    );
    out.insert("sheets".into(), Value::Array(sheet_values));
    out.insert(
        "metadata".into(),
        metadata(doc, ctx, &summary_box, &names, &keys, total_entities, used_layers.len(), truncated),
    );
    out.insert(
        "parseInfo".into(),
        json!({ "durationMs": ctx.duration_ms, "warnings": capped(&warnings), "errors": capped(&doc.diagnostics.errors) }),
    );
    out.insert("imageUrl".into(), ctx.image_urls.first().map_or(Value::Null, |u| Value::from(u.clone())));
    out.insert("imageUrls".into(), Value::Array(ctx.image_urls.iter().map(|u| Value::from(u.clone())).collect()));
    out.insert("createdAt".into(), Value::from(rfc3339_ms(ctx.created_at_unix_ms)));
    let mut all_layers: Vec<Value> =
        doc.layers.iter().map(|l| layer_value(Some(l), &l.name, doc_counts.get(&l.name))).collect();
    for name in &doc_order {
        if r.layer(name).is_none() {
            all_layers.push(layer_value(None, name, doc_counts.get(name)));
        }
    }
    out.insert("layers".into(), Value::Array(all_layers));
    out.insert("blocks".into(), blocks(doc, &referenced_blocks, &r, &mut ids));
    if let Some(v) = model3d_value {
        out.insert("model3d".into(), v);
    }
    Value::Object(out)
}

#[allow(clippy::too_many_arguments)]
fn metadata(
    doc: &Document,
    ctx: &ResultContext,
    bbox: &BBox2,
    names: &[Value],
    keys: &[String],
    entity_count: u64,
    layer_count: usize,
    truncated: bool,
) -> Value {
    let version = doc.source.version.clone().unwrap_or_else(|| "unknown".into());
    let patterns: Map<String, Value> = doc
        .linetypes
        .iter()
        .filter(|lt| !lt.pattern.is_empty())
        .map(|lt| (lt.name.clone(), Value::Array(lt.pattern.iter().map(|v| num(*v)).collect())))
        .collect();
    json!({
        "filename": ctx.file_name,
        "format": doc.source.format.json_name(),
        "version": version,
        "dwgVersion": version,
        "units": doc.units.length.map_or("unknown", |u| u.json_name()),
        "insunits": doc.units.insunits,
        "boundingBox": bbox6(bbox),
        "width": num6(bbox.width()),
        "height": num6(bbox.height()),
        "createdDate": doc.created_unix_ms.map(rfc3339_ms),
        "layouts": names,
        "layoutLabels": names,
        "layoutKeys": keys,
        "linetypePatterns": patterns,
        "ltscale": num(doc.ltscale),
        "unsupported3DCount": doc.diagnostics.unsupported_3d,
        "is3D": doc.model3d.is_some(),
        "truncated": truncated,
        "entityCount": entity_count,
        "layerCount": layer_count,
        "skippedEntities": doc.diagnostics.skipped,
    })
}

/// Definitions of every block referenced, directly or through nested inserts, by emitted inserts.
fn blocks(doc: &Document, roots: &[String], r: &Resolver<'_>, ids: &mut Ids) -> Value {
    let mut order: Vec<String> = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut queue: Vec<String> = roots.to_vec();
    while let Some(name) = queue.pop() {
        let Some(b) = r.blocks.get(&name) else { continue };
        if !seen.insert(b.name.to_ascii_uppercase()) {
            continue;
        }
        order.push(b.name.clone());
        for e in &b.entities {
            if let Geom::Insert(i) = &e.geom {
                queue.push(i.block.clone());
            }
        }
    }
    // Document order of the block table, not discovery order, so output is stable.
    let listed: Vec<Value> = doc
        .blocks
        .iter()
        .filter(|b| order.iter().any(|n| n == &b.name))
        .map(|b| {
            let entities: Vec<Value> =
                b.entities.iter().map(|e| entity(e, ids.next(e.handle.as_deref()), None, r).value).collect();
            let mut m = Map::new();
            m.insert("name".into(), Value::from(b.name.clone()));
            m.insert("basePoint".into(), point(b.base));
            if b.external {
                m.insert("external".into(), Value::Bool(true));
            }
            m.insert("entityCount".into(), Value::from(entities.len()));
            m.insert("entities".into(), Value::Array(entities));
            Value::Object(m)
        })
        .collect();
    Value::Array(listed)
}
