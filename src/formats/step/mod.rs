//! The STEP reader (formats.md §6): ISO 10303-21 text (AP203, AP214, AP242 — one schema-agnostic parser)
//! into the 3D document model.
//!
//! `lexer` (zero-copy tokens) → `parser` (header records and instances, explicit-stack parameter parsing)
//! → `graph` (instances by id, references checked, cycles refused) → `units` (length unit of each
//! representation context) → `product` (product tree from NAUOs and their placements) and `shape`
//! (B-rep and tessellated bodies → meshes) with `style` (colours). Strings decode lazily (`strings`).

mod error;
mod geometry;
mod graph;
mod lexer;
mod parser;
mod patch;
mod placement;
mod product;
mod shape;
mod strings;
mod style;
mod units;
mod wire;

pub use error::{At, StepError};
pub use parser::{Budget, HeaderInfo};

use crate::model::{
    Affine, BBox3, Document, FileFormat, Model3d, Node, PartDef, Source, Tessellation, Units, UnitsSource,
};
use product::Tree;

/// Reads a STEP file with the default budgets.
pub fn read(bytes: &[u8]) -> Result<Document, StepError> {
    read_with(bytes, &Budget::default())
}

/// The chord tolerance as a fraction of the model's bounding-box diagonal, and the angle (the oracle's
/// setting, issue 5).
const CHORD_OF_DIAGONAL: f64 = 1e-3;
const ANGLE_RAD: f64 = 0.5;

pub fn read_with(bytes: &[u8], budget: &Budget) -> Result<Document, StepError> {
    read_inner(bytes, budget, true)
}

/// Everything but the meshing: header, graph, units, product tree, colours (parts have no solids). The
/// fuzz target uses it, so that the Part 21 side runs at millions of inputs per hour; the kernel has its
/// own tests and bench.
pub fn read_structure(bytes: &[u8]) -> Result<Document, StepError> {
    read_inner(bytes, &Budget::default(), false)
}

fn read_inner(bytes: &[u8], budget: &Budget, mesh: bool) -> Result<Document, StepError> {
    let ex = parser::parse(bytes, budget)?;
    let header = HeaderInfo::from_records(&ex.header);
    let graph = graph::Graph::new(bytes, ex.instances, budget)?;
    let mut doc = Document::new(Source::new(FileFormat::Step, bytes.len() as u64));
    doc.source.version = header.schema.as_deref().and_then(crate::sniff::step_application_protocol).map(str::to_owned);
    doc.source.producer = header.originating_system.clone().or_else(|| header.preprocessor.clone());
    let declared = units::model_mm(&graph);
    let mut warnings = graph_warnings(&graph);
    let tree = product::build(&graph, declared, budget)?;
    let unit = declared.and(units::length_unit(tree.model_mm));
    doc.units = Units { length: unit, insunits: None, source: UnitsSource::StepContext };
    if declared.is_some() && unit.is_none() {
        warnings.push(format!("length unit of {} mm has no name; values are in that unit", tree.model_mm));
    }
    warnings.extend(tree.warnings.iter().cloned());
    let chord = chord_tolerance(&graph, &tree);
    let colours = style::colours(&graph);
    let mut mesher = shape::Mesher::new(&graph, units::angle_factor(&graph), &colours);
    let parts = if mesh {
        tree.parts.iter().map(|src| mesher.part(src, chord)).collect()
    } else {
        tree.parts.iter().map(|src| PartDef { name: src.name.clone(), ..PartDef::default() }).collect()
    };
    warnings.extend(mesher.failure_summary());
    warnings.extend(mesher.wire_summary());
    doc.model3d = Some(Model3d {
        units: unit,
        parts,
        roots: tree.roots,
        tessellation: Some(Tessellation { chord_tolerance: chord, angle_tolerance_deg: ANGLE_RAD.to_degrees() }),
        schema: header.schema.clone(),
        originating_system: doc.source.producer.clone(),
    });
    doc.diagnostics.warnings = warnings;
    Ok(doc)
}

fn graph_warnings(graph: &graph::Graph<'_>) -> Vec<String> {
    let mut out = Vec::new();
    if graph.dangling > 0 {
        let (from, to) = graph.first_dangling.unwrap_or_default();
        out.push(format!("{} references to undefined instances (first: #{from} → #{to})", graph.dangling));
    }
    if let Some(cycle) = &graph.first_cycle {
        out.push(format!("{} instances on reference cycles the reader does not need (first: {cycle})", graph.cyclic()));
    }
    out
}

/// 0.1 % of the diagonal of the placed parts' vertex boxes (world, model units), computed before meshing.
fn chord_tolerance(graph: &graph::Graph<'_>, tree: &Tree) -> f64 {
    let boxes: Vec<BBox3> = tree
        .parts
        .iter()
        .map(|p| {
            let b = shape::part_bbox(graph, p);
            if b.is_empty() {
                return b;
            }
            let mut s = BBox3::EMPTY;
            s.add_point(b.min.scale(p.scale));
            s.add_point(b.max.scale(p.scale));
            s
        })
        .collect();
    let mut world = BBox3::EMPTY;
    let mut stack: Vec<(&Node, Affine, usize)> = tree.roots.iter().map(|n| (n, n.transform, 0)).collect();
    while let Some((node, xf, depth)) = stack.pop() {
        if let Some(b) = node.part.and_then(|i| boxes.get(i)).filter(|b| !b.is_empty()) {
            for c in b.corners() {
                world.add_point(xf.apply(c));
            }
        }
        if depth < 1024 {
            stack.extend(node.children.iter().map(|c| (c, xf.then_after(&c.transform), depth + 1)));
        }
    }
    let diag = if world.is_empty() { 0.0 } else { world.diagonal() };
    if diag.is_finite() && diag > 1e-9 { diag * CHORD_OF_DIAGONAL } else { 1e-3 }
}

#[cfg(test)]
mod tests;
