//! The common document model (formats.md §8). Readers produce only a [`Document`]; the result-JSON writers
//! and the renderers consume only a [`Document`].

pub mod colour;
pub mod drawing;
pub mod entity_list;
pub mod flatten;
pub mod geom;
pub mod measure;
pub mod mesh;
pub mod name;
pub mod text_extent;

use std::collections::BTreeMap;

pub use colour::{ColourSpec, HexText, NearestAciCache, Rgb};
pub use drawing::{
    Attrib, BlockDef, DimensionGeom, DimensionKind, EllipseGeom, Entity, Geom, HAlign, Handle, HatchEdge, HatchGeom,
    InsertClip, InsertGeom, Layer, LeaderArrow, LeaderGeom, Linetype, MLeaderGeom, PatternLine, ProxyGraphics, Sheet,
    SheetKind, SplineGeom, TextColumns, TextGeom, VAlign, Vertex, ViewportGeom,
};
pub use entity_list::EntityList;
pub use geom::{Affine, BBox2, BBox3, Point};
pub use mesh::{FaceMesh, Model3d, Node, NodeKind, PartDef, Rgba, Solid, SolidKind, Tessellation, Wire};
pub use name::Name;

/// Input formats cadlens reads (or names, for the ones it recognises but refuses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileFormat {
    Dxf,
    Dwg,
    Dwf,
    Dwfx,
    Dgn,
    Pdf,
    Step,
    Stl,
}

impl FileFormat {
    /// The upper-case name both result schemas use in `format`.
    pub fn json_name(self) -> &'static str {
        match self {
            FileFormat::Dxf => "DXF",
            FileFormat::Dwg => "DWG",
            FileFormat::Dwf => "DWF",
            FileFormat::Dwfx => "DWFX",
            FileFormat::Dgn => "DGN",
            FileFormat::Pdf => "PDF",
            FileFormat::Step => "STEP",
            FileFormat::Stl => "STL",
        }
    }

    pub fn is_3d(self) -> bool {
        matches!(self, FileFormat::Step | FileFormat::Stl)
    }
}

/// Where the document came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub format: FileFormat,
    /// The version code as the file gives it (`AC1032`, `V7`, `1.7`, `AP214`, `binary`), if any.
    pub version: Option<String>,
    /// A human release name (`R2018`), if known.
    pub release: Option<String>,
    /// The producing program, where the file names it.
    pub producer: Option<String>,
    /// The text encoding the reader decoded with (`ANSI_1252`, `UTF-8`), if relevant.
    pub encoding: Option<String>,
    pub bytes: u64,
}

impl Source {
    pub fn new(format: FileFormat, bytes: u64) -> Source {
        Source { format, version: None, release: None, producer: None, encoding: None, bytes }
    }
}

/// Length units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LengthUnit {
    Millimetre,
    Centimetre,
    Metre,
    Kilometre,
    Micrometre,
    Nanometre,
    Decimetre,
    Inch,
    Foot,
    UsSurveyFoot,
    Yard,
    Mile,
    Mil,
    Microinch,
    /// A unit we name but that has no JSON name (Å, AU, light year, …): kept as its DXF code.
    OtherInsunits(i32),
}

impl LengthUnit {
    /// From DXF `$INSUNITS` (and the DWG equivalent); 0 (unitless) is `None`.
    pub fn from_insunits(code: i32) -> Option<LengthUnit> {
        Some(match code {
            0 => return None,
            1 => LengthUnit::Inch,
            2 => LengthUnit::Foot,
            3 => LengthUnit::Mile,
            4 => LengthUnit::Millimetre,
            5 => LengthUnit::Centimetre,
            6 => LengthUnit::Metre,
            7 => LengthUnit::Kilometre,
            8 => LengthUnit::Microinch,
            9 => LengthUnit::Mil,
            10 => LengthUnit::Yard,
            12 => LengthUnit::Nanometre,
            13 => LengthUnit::Micrometre,
            14 => LengthUnit::Decimetre,
            21 => LengthUnit::UsSurveyFoot,
            other => LengthUnit::OtherInsunits(other),
        })
    }

    /// The `units` string of the result schemas: `mm`, `cm`, `m`, `inch`, `feet`, else `unknown`.
    pub fn json_name(self) -> &'static str {
        match self {
            LengthUnit::Millimetre => "mm",
            LengthUnit::Centimetre => "cm",
            LengthUnit::Metre => "m",
            LengthUnit::Inch => "inch",
            LengthUnit::Foot | LengthUnit::UsSurveyFoot => "feet",
            _ => "unknown",
        }
    }

    /// Metres per unit, where the unit is a fixed length.
    pub fn metres(self) -> Option<f64> {
        Some(match self {
            LengthUnit::Millimetre => 1e-3,
            LengthUnit::Centimetre => 1e-2,
            LengthUnit::Metre => 1.0,
            LengthUnit::Kilometre => 1e3,
            LengthUnit::Micrometre => 1e-6,
            LengthUnit::Nanometre => 1e-9,
            LengthUnit::Decimetre => 1e-1,
            LengthUnit::Inch => 0.0254,
            LengthUnit::Foot => 0.3048,
            LengthUnit::UsSurveyFoot => 1200.0 / 3937.0,
            LengthUnit::Yard => 0.9144,
            LengthUnit::Mile => 1609.344,
            LengthUnit::Mil => 0.0000254,
            LengthUnit::Microinch => 0.0000000254,
            LengthUnit::OtherInsunits(_) => return None,
        })
    }
}

/// How the document's units were determined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UnitsSource {
    Header,
    Measurement,
    Tcb,
    StepContext,
    Assumed,
    #[default]
    None,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Units {
    pub length: Option<LengthUnit>,
    /// The raw DXF/DWG `$INSUNITS` code when the source had one.
    pub insunits: Option<i32>,
    pub source: UnitsSource,
}

/// Non-fatal findings of a reader, in the order found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Diagnostics {
    /// Lossy conversions: approximated or skipped content, clamped values.
    pub warnings: Vec<String>,
    /// Records that could not be decoded but did not stop the parse.
    pub errors: Vec<String>,
    /// Entity types read but not emitted, by source type name.
    pub skipped: BTreeMap<String, u64>,
    /// 3D-only entities (3DSOLID, BODY, REGION, SURFACE, MESH) without extracted geometry.
    pub unsupported_3d: u64,
}

impl Diagnostics {
    pub fn skip(&mut self, kind: &str) {
        *self.skipped.entry(kind.to_owned()).or_insert(0) += 1;
    }
}

/// Everything cadlens knows about one input file.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub source: Source,
    pub units: Units,
    /// Creation time of the drawing (Unix milliseconds, UTC), where the file says.
    pub created_unix_ms: Option<i64>,
    /// `$LTSCALE` (1 when absent).
    pub ltscale: f64,
    pub linetypes: Vec<Linetype>,
    /// Model space first, then layouts/pages in tab order.
    pub sheets: Vec<Sheet>,
    /// The layer table, in table order, then referenced-but-undefined layers.
    pub layers: Vec<Layer>,
    pub blocks: Vec<BlockDef>,
    pub model3d: Option<Model3d>,
    pub diagnostics: Diagnostics,
}

impl Document {
    pub fn new(source: Source) -> Document {
        Document {
            source,
            units: Units::default(),
            created_unix_ms: None,
            ltscale: 1.0,
            linetypes: Vec::new(),
            sheets: Vec::new(),
            layers: Vec::new(),
            blocks: Vec::new(),
            model3d: None,
            diagnostics: Diagnostics::default(),
        }
    }

    /// The layer named `name` (layer names compare case-insensitively, as in AutoCAD).
    pub fn layer(&self, name: &str) -> Option<&Layer> {
        self.layers
            .iter()
            .find(|l| l.name == name)
            .or_else(|| self.layers.iter().find(|l| l.name.eq_ignore_ascii_case(name)))
    }

    /// A lookup table of blocks by name for insert expansion.
    pub fn block_table(&self) -> flatten::BlockTable<'_> {
        flatten::BlockTable::new(&self.blocks)
    }

    /// Appends a layer for every name that entities use but the table lacks, so every entity's layer resolves.
    pub fn add_undefined_layers(&mut self) {
        let mut known: std::collections::HashSet<String> =
            self.layers.iter().map(|l| l.name.to_ascii_uppercase()).collect();
        let mut missing = Vec::new();
        let all = self
            .sheets
            .iter()
            .flat_map(|s| s.entities.iter())
            .chain(self.blocks.iter().flat_map(|b| b.entities.iter()));
        // Readers intern layer names, so entities share a few `Arc`s: a name already checked is skipped by
        // pointer, without upper-casing and hashing it again (a short list, so foreign readers that do not
        // intern still cost only the hashing path).
        let mut checked: Vec<*const u8> = Vec::new();
        for e in all {
            let ptr = e.layer.as_ptr();
            if checked.contains(&ptr) {
                continue;
            }
            if checked.len() < 32 {
                checked.push(ptr);
            }
            if known.insert(e.layer.to_ascii_uppercase()) {
                missing.push(e.layer.to_string());
            }
        }
        for name in missing {
            let mut layer = Layer::new(name);
            layer.defined = false;
            self.layers.push(layer);
        }
    }
}
