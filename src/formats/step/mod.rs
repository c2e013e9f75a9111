//! The STEP reader (formats.md §6): ISO 10303-21 text (AP203, AP214, AP242 — one schema-agnostic parser)
//! into the 3D document model.
//!
//! `lexer` (zero-copy tokens) → `parser` (header records and instances, explicit-stack parameter parsing)
//! → `graph` (instances by id, references checked, cycles refused) → `units` (length unit of each
//! representation context) → `product` (product tree from NAUOs and their placements) and `shape`
//! (B-rep and tessellated bodies → meshes) with `style` (colours). Strings decode lazily (`strings`).

mod error;
mod graph;
mod lexer;
mod parser;
mod strings;
mod units;

pub use error::{At, StepError};
pub use parser::{Budget, HeaderInfo};

use crate::model::{Document, FileFormat, Source, Units, UnitsSource};

/// Reads a STEP file with the default budgets.
pub fn read(bytes: &[u8]) -> Result<Document, StepError> {
    read_with(bytes, &Budget::default())
}

pub fn read_with(bytes: &[u8], budget: &Budget) -> Result<Document, StepError> {
    let ex = parser::parse(bytes, budget)?;
    let header = HeaderInfo::from_records(&ex.header);
    let graph = graph::Graph::new(bytes, ex.instances, budget)?;
    let mut doc = Document::new(Source::new(FileFormat::Step, bytes.len() as u64));
    doc.source.version = header
        .schema
        .as_deref()
        .and_then(crate::sniff::step_application_protocol)
        .map(str::to_owned);
    doc.source.producer = header.originating_system.clone().or_else(|| header.preprocessor.clone());
    let unit = units::model_mm(&graph).and_then(units::length_unit);
    doc.units = Units { length: unit, insunits: None, source: UnitsSource::StepContext };
    if graph.dangling > 0 {
        let (from, to) = graph.first_dangling.unwrap_or_default();
        doc.diagnostics.warnings.push(format!(
            "{} references to undefined instances (first: #{from} → #{to})",
            graph.dangling
        ));
    }
    if let Some(cycle) = &graph.first_cycle {
        doc.diagnostics.warnings.push(format!(
            "{} instances on reference cycles the reader does not need (first: {cycle})",
            graph.cyclic()
        ));
    }
    Ok(doc)
}
