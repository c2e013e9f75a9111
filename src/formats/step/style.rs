//! Colours from presentation (formats.md §6 "Colours"): every `STYLED_ITEM` (and its over-riding subtypes)
//! maps its item — a face, shell, solid or representation — to the first surface fill colour found under
//! its style assignments: `PRESENTATION_STYLE_ASSIGNMENT` → `SURFACE_STYLE_USAGE` → `SURFACE_SIDE_STYLE` →
//! `SURFACE_STYLE_FILL_AREA` → `FILL_AREA_STYLE` → `FILL_AREA_STYLE_COLOUR` → `COLOUR_RGB` or
//! `DRAUGHTING_PRE_DEFINED_COLOUR`. Curve styles (edge colours) are skipped. The search is bounded (depth
//! and visited set), so styling damage never costs more than its size.

use std::collections::{HashMap, HashSet};

use super::graph::Graph;
use super::parser::Param;
use crate::model::Rgba;

const MAX_STYLE_DEPTH: usize = 16;

/// Item id → colour. Over-riding styled items win over plain ones for the same item.
pub fn colours(graph: &Graph<'_>) -> HashMap<u64, Rgba> {
    let mut out = HashMap::new();
    let mut overriding = HashMap::new();
    let kinds = ["STYLED_ITEM", "OVER_RIDING_STYLED_ITEM", "CONTEXT_DEPENDENT_OVER_RIDING_STYLED_ITEM"];
    let mut ids: Vec<u64> = kinds.iter().flat_map(|k| graph.all_of(k)).collect();
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        let Some(inst) = graph.instances.get(&id) else { continue };
        let Some(rec) = inst.records.iter().find(|r| kinds.iter().any(|k| r.name.eq_ignore_ascii_case(k))) else {
            continue;
        };
        let Some(item) = rec.params.get(2).and_then(Param::reference) else { continue };
        let Some(styles) = rec.params.get(1).and_then(Param::list) else { continue };
        let Some(colour) = styles.iter().filter_map(Param::reference).find_map(|s| fill_colour(graph, s)) else {
            continue;
        };
        if inst.is("OVER_RIDING_STYLED_ITEM") || inst.is("CONTEXT_DEPENDENT_OVER_RIDING_STYLED_ITEM") {
            overriding.insert(item, colour);
        } else {
            out.entry(item).or_insert(colour);
        }
    }
    out.extend(overriding);
    out
}

/// The first fill colour under a style, depth-first in attribute order.
fn fill_colour(graph: &Graph<'_>, start: u64) -> Option<Rgba> {
    let mut seen = HashSet::new();
    let mut stack = vec![(start, 0usize)];
    while let Some((id, depth)) = stack.pop() {
        if depth > MAX_STYLE_DEPTH || !seen.insert(id) {
            continue;
        }
        let inst = graph.instances.get(&id)?;
        if inst.is("CURVE_STYLE") || inst.is("POINT_STYLE") || inst.is("TEXT_STYLE") {
            continue;
        }
        if let Some(c) = colour(graph, id) {
            if depth > 0 {
                return Some(c);
            }
        }
        let mut refs = Vec::new();
        inst.for_each_ref(|r| refs.push(r));
        stack.extend(refs.into_iter().rev().map(|r| (r, depth + 1)));
    }
    None
}

/// `COLOUR_RGB('', r, g, b)` or a pre-defined colour by name.
fn colour(graph: &Graph<'_>, id: u64) -> Option<Rgba> {
    let inst = graph.instances.get(&id)?;
    if let Some(rgb) = inst.record("COLOUR_RGB") {
        let c = |i: usize| rgb.params.get(i).and_then(Param::real).map(|v| v.clamp(0.0, 1.0) as f32);
        return Some(Rgba::opaque(c(1)?, c(2)?, c(3)?));
    }
    let named = inst.record("DRAUGHTING_PRE_DEFINED_COLOUR")?.params.first()?.string()?;
    let (r, g, b) = match named.trim().to_ascii_lowercase().as_str() {
        "red" => (1.0, 0.0, 0.0),
        "green" => (0.0, 1.0, 0.0),
        "blue" => (0.0, 0.0, 1.0),
        "yellow" => (1.0, 1.0, 0.0),
        "magenta" => (1.0, 0.0, 1.0),
        "cyan" => (0.0, 1.0, 1.0),
        "black" => (0.0, 0.0, 0.0),
        "white" => (1.0, 1.0, 1.0),
        _ => return None,
    };
    Some(Rgba::opaque(r, g, b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::step::parser::{Budget, parse};

    #[test]
    fn face_colour_through_the_style_chain_and_override() {
        let text = "ISO-10303-21;HEADER;ENDSEC;DATA;\
            #1=STYLED_ITEM('',(#2),#10);#2=PRESENTATION_STYLE_ASSIGNMENT((#3));\
            #3=SURFACE_STYLE_USAGE(.BOTH.,#4);#4=SURFACE_SIDE_STYLE('',(#5));\
            #5=SURFACE_STYLE_FILL_AREA(#6);#6=FILL_AREA_STYLE('',(#7));#7=FILL_AREA_STYLE_COLOUR('',#8);\
            #8=COLOUR_RGB('',1.,0.5,0.);#10=ADVANCED_FACE('',(),#11,.T.);#11=PLANE('',$);\
            #20=OVER_RIDING_STYLED_ITEM('',(#21),#10,#1);#21=PRESENTATION_STYLE_ASSIGNMENT((#22));\
            #22=SURFACE_STYLE_USAGE(.BOTH.,#23);#23=SURFACE_SIDE_STYLE('',(#24));#24=SURFACE_STYLE_FILL_AREA(#25);\
            #25=FILL_AREA_STYLE('',(#26));#26=FILL_AREA_STYLE_COLOUR('',#27);#27=DRAUGHTING_PRE_DEFINED_COLOUR('blue');\
            ENDSEC;END-ISO-10303-21;";
        let ex = parse(text.as_bytes(), &Budget::default()).expect("parses");
        let g = Graph::new(text.as_bytes(), ex.instances, &Budget::default()).expect("graph");
        let c = colours(&g);
        assert_eq!(c.get(&10).map(Rgba::hex), Some("#0000FF".to_owned()));
        assert_eq!(fill_colour(&g, 2).map(|c| c.hex()), Some("#FF8000".to_owned()));
    }
}
