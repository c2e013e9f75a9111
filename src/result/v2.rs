//! Schema 2.0.0 (result-schema-2.md).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use serde_json::{Map, Value, json};

use super::common::{
    Ids, LayerTally, Resolver, ascii_upper, capped, category, emitted_sheets, primary_sheet, unique_slugs,
};
use super::geometry::write_geometry;
use super::json::{bbox6, num, num6, opt_num6, point, rfc3339_ms};
use super::model3d::{model3d, projection};
use super::stream::{self, Array, Object};
use super::{PARSER_VERSION, ResultContext};
use crate::model::measure::{entity_bbox, metrics};
use crate::model::{BBox2, Document, Entity, Geom, Layer, Rgb, Sheet, SheetKind};

/// Layers with a count in `counts`, in table order, then referenced-but-undefined ones in first-seen order.
fn used_layers<'a>(counts: &LayerTally, table: &'a [Layer], order: &[String]) -> Vec<(Option<&'a Layer>, String)> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for l in table {
        let key = l.name.to_ascii_uppercase();
        if counts.get(&l.name) > 0 && seen.insert(key) {
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

/// Writes one entity envelope (§5). Written member by member rather than built as a `Value`: a drawing
/// has hundreds of thousands of these, and a tree's keys and maps were most of the time it took to write
/// one (the small nested members that vary by type stay `Value`s).
fn write_entity<W: Write>(
    w: &mut W,
    e: &Entity,
    id: &str,
    layout: Option<&str>,
    r: &Resolver<'_>,
    bbox: &BBox2,
) -> stream::Result {
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
    let mut o = Object::begin(w)?;
    o.member("id", &id)?;
    o.member("handle", &e.handle.as_deref().map(ascii_upper))?;
    o.member("type", &*e.kind)?;
    o.member("category", &category(&e.kind))?;
    o.member("layer", &*e.layer)?;
    o.member("layout", &layout)?;
    o.member_with("geometry", |w| write_geometry(w, &e.geom))?;
    o.member("text", &text)?;
    o.member("reference", &reference)?;
    o.member_with("properties", |w| write_properties(w, e, r))?;
    o.member_with("bbox", |w| write_bbox4(w, bbox))?;
    o.member_with("metrics", |w| {
        let mut o = Object::begin(w)?;
        o.member("length", &opt_num6(m.length))?;
        o.member("area", &opt_num6(m.area))?;
        o.member("perimeter", &opt_num6(m.perimeter))?;
        o.member("vertexCount", &m.vertex_count)?;
        o.end()
    })?;
    o.end()
}

/// An entity's `properties` (§5.3): as stored, and as resolved through its layer.
fn write_properties<W: Write>(w: &mut W, e: &Entity, r: &Resolver<'_>) -> stream::Result {
    let hatch = match &e.geom {
        Geom::Hatch(h) => Some(h),
        _ => None,
    };
    let mut o = Object::begin(w)?;
    o.member("colorIndex", &Some(e.colour.aci_code()).filter(|&c| c != 256))?;
    o.member("lineType", &e.linetype.as_deref())?;
    o.member("lineweight", &e.lineweight.filter(|&v| v != -1))?;
    o.member("visible", &(r.layer_visible(&e.layer) && !e.invisible))?;
    o.member("solid", &hatch.map(|h| h.solid))?;
    o.member("patternName", &hatch.and_then(|h| h.pattern_name.as_deref()))?;
    o.member("patternAngle", &hatch.map(|h| num(h.pattern_angle_deg)))?;
    o.member("patternScale", &hatch.map(|h| num(h.pattern_scale)))?;
    o.member("colorHex", &r.rgb(e.colour, &e.layer, Rgb::WHITE).hex_text())?;
    o.member("trueColor", &e.colour.true_colour().map(Rgb::hex_text))?;
    o.member("lineTypeEffective", &r.linetype(e.linetype.as_deref(), &e.layer))?;
    o.member("lineweightEffective", &r.lineweight(e.lineweight, &e.layer))?;
    o.end()
}

/// [`super::json::bbox4`], written.
fn write_bbox4<W: Write>(w: &mut W, b: &BBox2) -> stream::Result {
    let corner = |v: f64| if b.is_empty() { Value::Null } else { num6(v) };
    let mut o = Object::begin(w)?;
    o.member("minX", &corner(b.min_x))?;
    o.member("minY", &corner(b.min_y))?;
    o.member("maxX", &corner(b.max_x))?;
    o.member("maxY", &corner(b.max_y))?;
    o.end()
}

/// What a sheet contributes to the result, gathered before anything is written: its members and the
/// summary's come before its entities, whose values are made only as they are written.
struct SheetPlan<'d> {
    /// `None` for the empty model sheet a document without sheets reports.
    sheet: Option<&'d Sheet>,
    name: String,
    kind: SheetKind,
    /// One per written entity: the sheet's first `bboxes.len()` entities are written (the entity cap
    /// leaves out the rest).
    bboxes: Vec<BBox2>,
    bbox: BBox2,
    layers: Vec<Value>,
}

/// Writes the 2.0.0 result of `doc` to `out`.
pub fn write<W: Write>(doc: &Document, ctx: &ResultContext, out: &mut W) -> stream::Result {
    let r = Resolver::new(doc);
    let emitted = emitted_sheets(doc);
    let mut budget = ctx.max_entities.unwrap_or(u64::MAX);
    let mut dropped: u64 = 0;
    let mut by_type: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_category: BTreeMap<String, u64> = BTreeMap::new();
    let mut doc_counts = LayerTally::default();
    let mut doc_order: Vec<String> = Vec::new();
    let mut referenced_blocks: Vec<String> = Vec::new();
    let mut sheets: Vec<SheetPlan<'_>> = Vec::new();

    for &si in &emitted {
        let sheet = &doc.sheets[si];
        let mut bboxes = Vec::new();
        let mut bbox = BBox2::EMPTY;
        let mut counts = LayerTally::default();
        let mut order: Vec<String> = Vec::new();
        for e in &sheet.entities {
            if budget == 0 {
                dropped += 1;
                continue;
            }
            budget -= 1;
            let entity_box = entity_bbox(e, &r.blocks);
            bbox.union(&entity_box);
            bboxes.push(entity_box);
            if counts.add(&e.layer) {
                order.push(e.layer.to_string());
            }
            if doc_counts.add(&e.layer) {
                doc_order.push(e.layer.to_string());
            }
            *by_type.entry(e.kind.to_string()).or_insert(0) += 1;
            *by_category.entry(category(&e.kind).to_owned()).or_insert(0) += 1;
            if let Geom::Insert(i) = &e.geom {
                referenced_blocks.push(i.block.clone());
            }
        }
        let layers: Vec<Value> = used_layers(&counts, &doc.layers, &order)
            .into_iter()
            .map(|(l, name)| layer_value(l, &name, counts.get(&name)))
            .collect();
        sheets.push(SheetPlan { sheet: Some(sheet), name: sheet.name.clone(), kind: sheet.kind, bboxes, bbox, layers });
    }
    if sheets.is_empty() {
        sheets.push(SheetPlan {
            sheet: None,
            name: "Model".into(),
            kind: SheetKind::Model,
            bboxes: Vec::new(),
            bbox: BBox2::EMPTY,
            layers: Vec::new(),
        });
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
    let total_entities: u64 = sheets.iter().map(|s| s.bboxes.len() as u64).sum();
    let used_layers = used_layers(&doc_counts, &doc.layers, &doc_order);
    let truncated = dropped > 0;
    let names: Vec<Value> = sheets.iter().map(|s| Value::from(s.name.clone())).collect();

    let mut warnings = doc.diagnostics.warnings.clone();
    if truncated {
        warnings.push(format!(
            "the entity cap of {} was reached: {dropped} entities were left out",
            ctx.max_entities.unwrap_or(0)
        ));
    }

    let mut ids = Ids::default();
    let mut top = Object::begin(out)?;
    top.member("schemaVersion", &"2.0.0")?;
    top.member("parserVersion", &PARSER_VERSION)?;
    top.member("jobId", &ctx.job_id)?;
    top.member("status", &"COMPLETED")?;
    top.member(
        "file",
        &json!({
            "name": ctx.file_name, "format": doc.source.format.json_name(),
            "version": doc.source.version.clone().unwrap_or_else(|| "unknown".into()),
            "units": doc.units.length.map_or("unknown", |u| u.json_name()),
        }),
    )?;
    top.member(
        "summary",
        &json!({
            "totalSheets": sheets.len(),
            "totalEntities": total_entities,
            "totalLayers": used_layers.len(),
            "statistics": { "byType": by_type, "byCategory": by_category },
            "boundingBox": bbox6(&summary_box),
            "truncated": truncated,
        }),
    )?;
    top.member_with("sheets", |w| {
        let mut list = Array::begin(w)?;
        for (i, s) in sheets.iter().enumerate() {
            list.element_with(|w| write_sheet(w, s, i, &keys[i], ctx, &r, &mut ids))?;
        }
        list.end()
    })?;
    top.member(
        "metadata",
        &metadata(doc, ctx, &summary_box, &names, &keys, total_entities, used_layers.len(), truncated),
    )?;
    top.member(
        "parseInfo",
        &json!({ "durationMs": ctx.duration_ms, "warnings": capped(&warnings), "errors": capped(&doc.diagnostics.errors) }),
    )?;
    top.member("imageUrl", &ctx.image_urls.first())?;
    top.member("imageUrls", &ctx.image_urls)?;
    top.member("createdAt", &rfc3339_ms(ctx.created_at_unix_ms))?;
    let mut all_layers: Vec<Value> =
        doc.layers.iter().map(|l| layer_value(Some(l), &l.name, doc_counts.get(&l.name))).collect();
    for name in &doc_order {
        if r.layer(name).is_none() {
            all_layers.push(layer_value(None, name, doc_counts.get(name)));
        }
    }
    top.member("layers", &all_layers)?;
    top.member_with("blocks", |w| blocks(w, doc, &referenced_blocks, &r, &mut ids))?;
    if let Some(v) = model3d_value {
        top.member("model3d", &v)?;
    }
    top.end()
}

/// One sheet object: its members, then its entities, each made and written in turn.
fn write_sheet<W: Write>(
    w: &mut W,
    s: &SheetPlan<'_>,
    index: usize,
    key: &str,
    ctx: &ResultContext,
    r: &Resolver<'_>,
    ids: &mut Ids,
) -> stream::Result {
    let mut m = Object::begin(w)?;
    m.member("name", &s.name)?;
    m.member("key", &key)?;
    m.member("index", &index)?;
    m.member("imageUrl", &ctx.image_urls.get(index))?;
    m.member("entityCount", &s.bboxes.len())?;
    m.member("layerCount", &s.layers.len())?;
    m.member("boundingBox", &bbox6(&s.bbox))?;
    m.member("area", &num6(s.bbox.width() * s.bbox.height()))?;
    m.member("perimeter", &num6(2.0 * (s.bbox.width() + s.bbox.height())))?;
    m.member("layers", &s.layers)?;
    m.member_with("entities", |w| {
        let mut list = Array::begin(w)?;
        if let Some(sheet) = s.sheet {
            for (e, bbox) in sheet.entities.iter().zip(&s.bboxes) {
                let id = ids.next(e.handle.as_deref());
                list.element_with(|w| write_entity(w, e, &id, Some(&sheet.name), r, bbox))?;
            }
        }
        list.end()
    })?;
    m.end()
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
fn blocks<W: Write>(w: &mut W, doc: &Document, roots: &[String], r: &Resolver<'_>, ids: &mut Ids) -> stream::Result {
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
    let mut list = Array::begin(w)?;
    for b in doc.blocks.iter().filter(|b| order.iter().any(|n| n == &b.name)) {
        list.element_with(|w| {
            let mut m = Object::begin(w)?;
            m.member("name", &b.name)?;
            m.member("basePoint", &point(b.base))?;
            if b.external {
                m.member("external", &true)?;
            }
            m.member("entityCount", &b.entities.len())?;
            m.member_with("entities", |w| {
                let mut entities = Array::begin(w)?;
                for e in &b.entities {
                    let bbox = entity_bbox(e, &r.blocks);
                    let id = ids.next(e.handle.as_deref());
                    entities.element_with(|w| write_entity(w, e, &id, None, r, &bbox))?;
                }
                entities.end()
            })?;
            m.end()
        })?;
    }
    list.end()
}
