//! The result documents: schema 2.0.0 (result-schema-2.md, the default) and 2024-01 (result-schema.md),
//! both from one [`Document`]. The CLI writes them; the server will serve them. Nothing here parses.

mod common;
pub mod geometry;
pub mod json;
mod model3d;
pub mod stream;
mod v2;
mod v2024;

use std::fmt;
use std::str::FromStr;

use serde_json::Value;

use crate::model::Document;

/// Which result contract to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Schema {
    /// `2.0.0`: sheets with entity envelopes (hosted CADLens today).
    #[default]
    V2,
    /// `2024-01`: flat `vectorJson`/`layersJson`.
    V2024,
}

impl Schema {
    pub fn as_str(self) -> &'static str {
        match self {
            Schema::V2 => "2.0.0",
            Schema::V2024 => "2024-01",
        }
    }
}

impl fmt::Display for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown result schema {0:?}: expected 2.0.0 or 2024-01")]
pub struct UnknownSchema(pub String);

impl FromStr for Schema {
    type Err = UnknownSchema;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "2.0.0" | "2" => Ok(Schema::V2),
            "2024-01" => Ok(Schema::V2024),
            other => Err(UnknownSchema(other.to_owned())),
        }
    }
}

/// What a result needs besides the document: job identity, preview URLs, timing.
#[derive(Debug, Clone, Default)]
pub struct ResultContext {
    /// The input's file name (`file.name`, `metadata.filename`).
    pub file_name: String,
    /// `null` offline (the CLI has no job).
    pub job_id: Option<String>,
    /// One preview URL per emitted sheet (empty offline).
    pub image_urls: Vec<String>,
    pub created_at_unix_ms: i64,
    pub duration_ms: Option<u64>,
    /// Cap on emitted entities (`--max-entities`); `None` = no cap.
    pub max_entities: Option<u64>,
}

/// The parser version reported in `parserVersion`: this crate's version.
pub const PARSER_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Writes the result of `doc` in the requested schema to `out`, as compact JSON. Entities are made and
/// written one at a time (see [`stream`]): memory beyond the document stays small however many it has.
pub fn write_json<W: std::io::Write>(
    doc: &Document,
    schema: Schema,
    ctx: &ResultContext,
    out: &mut W,
) -> serde_json::Result<()> {
    match schema {
        Schema::V2 => v2::write(doc, ctx, out),
        Schema::V2024 => v2024::write(doc, ctx, out),
    }
}

/// [`write_json`] into a byte vector.
pub fn to_json(doc: &Document, schema: Schema, ctx: &ResultContext) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::new();
    write_json(doc, schema, ctx, &mut out)?;
    Ok(out)
}

/// The result as a `serde_json::Value` tree, for callers that inspect it (members in written order).
pub fn to_value(doc: &Document, schema: Schema, ctx: &ResultContext) -> serde_json::Result<Value> {
    serde_json::from_slice(&to_json(doc, schema, ctx)?)
}

/// Names of the sheets a result emits, in order (what previews are rendered for).
pub fn emitted_sheet_indices(doc: &Document) -> Vec<usize> {
    common::emitted_sheets(doc)
}
