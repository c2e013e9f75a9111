//! The 2D drawing part of the document model: sheets, layers, linetypes, blocks and entities.
//!
//! Entities keep the source's type name (`kind`, e.g. `LWPOLYLINE`) next to a format-neutral [`Geom`], and
//! keep inserts as inserts; [`crate::model::flatten`] expands them when a consumer needs world geometry.

use std::borrow::Cow;

use super::colour::{ColourSpec, Rgb, aci_rgb};
use super::geom::{Affine, Point};

/// One drawable page: model space, a paper-space layout, or a PDF/DWF page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sheet {
    pub name: String,
    pub kind: SheetKind,
    /// Layout tab order where the source has one (model space is 0).
    pub tab_order: i32,
    /// Paper size in sheet units, where the source states one.
    pub paper_size: Option<(f64, f64)>,
    /// Extents as the file's header claims them (often stale; reported, never trusted).
    pub extents_header: Option<super::geom::BBox2>,
    pub entities: super::EntityList,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SheetKind {
    #[default]
    Model,
    Paper,
    Page,
}

/// A layer table entry (or a layer that entities reference but the table lacks: `defined == false`).
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    pub name: String,
    /// ACI 1–255 (absolute value of the table's colour).
    pub aci: u8,
    pub true_colour: Option<Rgb>,
    /// Off layers have a negative colour in DXF.
    pub on: bool,
    pub frozen: bool,
    pub locked: bool,
    pub plot: bool,
    pub linetype: String,
    /// 1/100 mm; DXF codes −1 ByLayer, −2 ByBlock, −3 default.
    pub lineweight: i16,
    pub defined: bool,
}

impl Layer {
    /// A layer with AutoCAD's defaults (white/7, CONTINUOUS, default lineweight).
    pub fn new(name: impl Into<String>) -> Layer {
        Layer {
            name: name.into(),
            aci: 7,
            true_colour: None,
            on: true,
            frozen: false,
            locked: false,
            plot: true,
            linetype: "CONTINUOUS".to_owned(),
            lineweight: -3,
            defined: true,
        }
    }

    pub fn rgb(&self) -> Rgb {
        self.true_colour.unwrap_or_else(|| aci_rgb(self.aci))
    }

    /// Off or frozen layers are not drawn.
    pub fn is_visible(&self) -> bool {
        self.on && !self.frozen
    }
}

/// A linetype: its dash pattern in drawing units (+ dash, − gap, 0 dot).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Linetype {
    pub name: String,
    pub description: String,
    pub pattern: Vec<f64>,
}

/// A block definition: entities in block coordinates around `base`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BlockDef {
    pub name: String,
    pub base: Point,
    /// External reference: no entities of its own here.
    pub external: bool,
    pub entities: Vec<Entity>,
}

/// An entity handle held inline: DXF and DWG handles are at most 16 hex digits, and a heap string per entity
/// would cost more than the handle itself. Longer values (not valid handles) keep their first 16 bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Handle {
    bytes: [u8; Handle::CAPACITY],
    len: u8,
}

impl Handle {
    pub const CAPACITY: usize = 16;

    /// The handle for `text`, cut to [`Handle::CAPACITY`] bytes at a character boundary.
    pub fn new(text: &str) -> Handle {
        let mut end = text.len().min(Handle::CAPACITY);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let mut bytes = [0; Handle::CAPACITY];
        bytes[..end].copy_from_slice(&text.as_bytes()[..end]);
        Handle { bytes, len: end as u8 }
    }

    /// The handle for ASCII `bytes` in upper case (how readers store handles), when they fit.
    pub fn from_ascii_upper(bytes: &[u8]) -> Option<Handle> {
        if bytes.len() > Handle::CAPACITY || !bytes.is_ascii() {
            return None;
        }
        // Gathered in a register, not copied into a zeroed array: the copy (a call for a variable length)
        // writes a few bytes that the 16-byte upper-casing then reads at once, and that read waited for
        // the copy's stores to reach the cache (a failed store forward: a third of the DXF reader's time
        // in its per-entity common properties).
        let mut padded = 0u128;
        for (i, &b) in bytes.iter().enumerate() {
            padded |= u128::from(b) << (8 * i);
        }
        Some(Handle { bytes: ascii_upper_16(padded.to_le_bytes()), len: bytes.len() as u8 })
    }

    pub fn as_str(&self) -> &str {
        // `new` only stores a prefix of a `str` cut at a character boundary.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

/// `bytes` (all ASCII) in upper case, the sixteen bytes at once: every entity of a drawing has a handle,
/// and the byte-by-byte loop was 3 % of the DXF builder thread. Per byte `x` < 0x80, `x + 0x1F` reaches
/// 0x80 from `a` on and `x + 0x05` from past `z` on, with no carry into the next byte; where exactly one of
/// the two has its high bit set, `x` is a lower-case letter and its 0x20 bit is flipped.
fn ascii_upper_16(bytes: [u8; 16]) -> [u8; 16] {
    const ONES: u128 = u128::from_le_bytes([1; 16]);
    let x = u128::from_le_bytes(bytes);
    let from_a = x + ONES * u128::from(0x80 - b'a');
    let past_z = x + ONES * u128::from(0x80 - b'z' - 1);
    let lower = (from_a ^ past_z) & (ONES * 0x80);
    (x ^ (lower >> 2)).to_le_bytes()
}

impl std::ops::Deref for Handle {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Debug for Handle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for Handle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for Handle {
    fn from(text: &str) -> Handle {
        Handle::new(text)
    }
}

/// One drawing entity, as the source stores it (colour, linetype and lineweight unresolved).
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    /// The source handle in upper hex, if the format has handles.
    pub handle: Option<Handle>,
    /// The source type name, upper case (`LINE`, `LWPOLYLINE`, `MTEXT` …).
    /// Borrowed for the type names readers know (no allocation per entity), owned for the rest.
    pub kind: Cow<'static, str>,
    /// Shared: a drawing has few layers and many entities, so readers intern the name once per layer.
    pub layer: super::Name,
    pub colour: ColourSpec,
    /// `None` = ByLayer; otherwise the stored name (`BYBLOCK`, `CONTINUOUS`, `DASHED` …). A [`super::Name`]
    /// (8 bytes, not a `String`'s 24) keeps `Entity` at 128 bytes; readers may share one name among entities.
    pub linetype: Option<super::Name>,
    /// `None` = ByLayer; −2 ByBlock, −3 default, else 1/100 mm.
    pub lineweight: Option<i16>,
    /// The entity's own invisibility flag (DXF 60).
    pub invisible: bool,
    pub geom: Geom,
}

impl Entity {
    /// An entity on layer `0` with ByLayer properties.
    pub fn new(kind: impl Into<Cow<'static, str>>, geom: Geom) -> Entity {
        Entity {
            handle: None,
            kind: kind.into(),
            layer: super::Name::from("0"),
            colour: ColourSpec::ByLayer,
            linetype: None,
            lineweight: None,
            invisible: false,
            geom,
        }
    }
}

/// A polyline vertex: position, bulge to the next vertex (tan θ/4), and start/end widths.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Vertex {
    pub p: Point,
    pub bulge: f64,
    pub start_width: f64,
    pub end_width: f64,
}

impl Vertex {
    pub fn at(p: Point) -> Vertex {
        Vertex { p, ..Vertex::default() }
    }
}

/// Horizontal text justification (DXF 72 for TEXT; MTEXT attachment columns).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HAlign {
    #[default]
    Left,
    Center,
    Right,
    /// TEXT "fit" (DXF 72 = 5): stretched between the insertion and the alignment point at its own height.
    /// Readers give it the direction of that span as rotation and a width factor such that the span is
    /// `TEXT_CHAR_WIDTH · height · width_factor` per character (`model::measure`), whatever the font.
    Fit,
    /// TEXT "aligned" (DXF 72 = 3): as [`HAlign::Fit`], but the height scales with the width (the glyphs keep
    /// their proportions), so the stored height is only nominal.
    Aligned,
}

/// Vertical text justification (DXF 73 for TEXT; MTEXT attachment rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VAlign {
    #[default]
    Baseline,
    Bottom,
    Middle,
    Top,
}

/// Text of TEXT, MTEXT, ATTRIB/ATTDEF and the text runs of PDF/DWF/DGN.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TextGeom {
    /// Plain text: formatting codes removed, paragraph breaks as `\n`.
    pub value: String,
    /// The string as stored, when it differs from `value` (MTEXT codes, `%%` escapes).
    pub raw: Option<String>,
    /// Insertion point (or alignment point, per the format's rule), WCS.
    pub position: Point,
    pub height: f64,
    pub rotation_deg: f64,
    pub width_factor: f64,
    pub oblique_deg: f64,
    pub style: Option<String>,
    pub halign: HAlign,
    pub valign: VAlign,
    /// MTEXT reference box width (wrapping), if any; for column layouts the width of all columns.
    pub box_width: Option<f64>,
    /// MTEXT defined height of a column layout (every column that tall), if any.
    pub box_height: Option<f64>,
    /// MTEXT column layout (two columns or more), if any: `box_width` is then all columns and gutters.
    pub columns: Option<TextColumns>,
    pub multiline: bool,
    /// Text drawn mirrored in X (DXF 71 flag 2) or upside down (flag 4).
    pub mirror_x: bool,
    pub mirror_y: bool,
    /// MTEXT line spacing factor (DXF 44; `None` = 1, AutoCAD's 3-on-5 spacing).
    pub line_spacing: Option<f64>,
    /// MTEXT extent as its writer measured it (DXF 42 width, 43 height), when stored.
    pub written_width: Option<f64>,
    pub written_height: Option<f64>,
    /// A rectangle drawn around the text (MTEXT text frame, MULTILEADER text frame), this far outside the
    /// text's measured box ([`crate::model::text_extent::frame_corners`]), in drawing units.
    pub frame: Option<f64>,
    /// TEXT justified "middle" (DXF 72 = 4): centred on the whole height, descender included, where
    /// middle-centre (72 = 1, 73 = 2) centres on the cap height.
    pub middle_of_body: bool,
}

/// An MTEXT column layout: `count` columns `width` wide, `gutter` apart (drawing units).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextColumns {
    pub count: u32,
    pub width: f64,
    pub gutter: f64,
}

/// An attribute attached to an INSERT.
#[derive(Debug, Clone, PartialEq)]
pub struct Attrib {
    pub tag: String,
    pub value: String,
    /// The attribute as drawn, when the source places it (TEXT-like geometry).
    pub entity: Option<Box<Entity>>,
}

/// A block reference, possibly a MINSERT array.
#[derive(Debug, Clone, PartialEq)]
pub struct InsertGeom {
    pub block: String,
    /// Insertion point in the OCS of `normal` (WCS when the normal is +Z).
    pub position: Point,
    pub scale: Point,
    pub rotation_deg: f64,
    /// Extrusion direction (DXF 210); +Z for ordinary 2D inserts.
    pub normal: Point,
    pub columns: u32,
    pub rows: u32,
    pub column_spacing: f64,
    pub row_spacing: f64,
    pub attribs: Vec<Attrib>,
    /// The block reference's clip boundary (DXF XCLIP: a SPATIAL_FILTER), when it has an enabled one.
    pub clip: Option<Box<InsertClip>>,
}

/// Where a clipped block reference is drawn (AutoCAD's XCLIP), in block coordinates (the coordinates of
/// the block's entities), so the insert's own transform places it like the contents.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InsertClip {
    /// The region kept: closed rings under the even-odd rule. One ring for an ordinary clip; for an inverted
    /// clip an outer ring round the block and the inner boundary, so what lies inside the boundary is cut away.
    pub rings: Vec<Vec<Point>>,
    /// The clip frame (the boundary as drawn, `$XCLIPFRAME` ≠ 0), empty when it is not shown.
    pub frame: Vec<Point>,
    /// Front and back clipping distances along the boundary's normal, when set: they cut in depth, which a
    /// plan view cannot show, so they are kept for completeness only.
    pub front: Option<f64>,
    pub back: Option<f64>,
}

impl InsertGeom {
    pub fn new(block: impl Into<String>, position: Point) -> InsertGeom {
        InsertGeom {
            block: block.into(),
            position,
            scale: Point::new(1.0, 1.0, 1.0),
            rotation_deg: 0.0,
            normal: Point::new(0.0, 0.0, 1.0),
            columns: 1,
            rows: 1,
            column_spacing: 0.0,
            row_spacing: 0.0,
            attribs: Vec::new(),
            clip: None,
        }
    }

    /// Block coordinates → parent coordinates for array cell (`col`, `row`):
    /// OCS · T(position) · R(rotation) · T(cell offset) · S(scale) · T(−base).
    pub fn transform(&self, base: Point, col: u32, row: u32) -> Affine {
        let ocs = super::geom::ocs_to_wcs(self.normal);
        let cell = Point::xy(f64::from(col) * self.column_spacing, f64::from(row) * self.row_spacing);
        ocs.then_after(&Affine::translation(self.position))
            .then_after(&Affine::rotation_z(self.rotation_deg.to_radians()))
            .then_after(&Affine::translation(cell))
            .then_after(&Affine::scaling(self.scale.x, self.scale.y, self.scale.z))
            .then_after(&Affine::translation(base.scale(-1.0)))
    }

    /// Number of array cells (1 for an ordinary insert), saturating for absurd counts.
    pub fn cell_count(&self) -> u64 {
        u64::from(self.columns.max(1)) * u64::from(self.rows.max(1))
    }
}

/// One edge of a hatch boundary loop.
#[derive(Debug, Clone, PartialEq)]
pub enum HatchEdge {
    Polyline {
        vertices: Vec<Vertex>,
        closed: bool,
    },
    Line {
        start: Point,
        end: Point,
    },
    /// Circular arc; angles in radians, `ccw == false` means the edge runs clockwise.
    Arc {
        center: Point,
        radius: f64,
        start: f64,
        end: f64,
        ccw: bool,
    },
    Ellipse {
        center: Point,
        major: Point,
        ratio: f64,
        start: f64,
        end: f64,
        ccw: bool,
    },
    Spline {
        degree: usize,
        knots: Vec<f64>,
        ctrl: Vec<Point>,
        weights: Option<Vec<f64>>,
    },
}

/// One line family of a hatch pattern, in drawing units with the hatch's angle and scale applied.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PatternLine {
    pub angle_deg: f64,
    pub base: Point,
    pub offset: Point,
    pub dashes: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct HatchGeom {
    pub loops: Vec<Vec<HatchEdge>>,
    pub solid: bool,
    pub pattern_name: Option<String>,
    pub pattern_angle_deg: f64,
    pub pattern_scale: f64,
    pub pattern_lines: Vec<PatternLine>,
    /// Gradient fills are drawn as a fill of their first colour.
    pub gradient: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DimensionKind {
    #[default]
    Linear,
    Aligned,
    Angular,
    Angular3p,
    Radial,
    Diameter,
    Ordinate,
    ArcLength,
}

impl DimensionKind {
    pub fn name(self) -> &'static str {
        match self {
            DimensionKind::Linear => "linear",
            DimensionKind::Aligned => "aligned",
            DimensionKind::Angular => "angular",
            DimensionKind::Angular3p => "angular3p",
            DimensionKind::Radial => "radial",
            DimensionKind::Diameter => "diameter",
            DimensionKind::Ordinate => "ordinate",
            DimensionKind::ArcLength => "arclength",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct DimensionGeom {
    pub kind: DimensionKind,
    /// The anonymous block (`*D…`) holding the dimension's graphics.
    pub block: Option<String>,
    pub measurement: Option<f64>,
    /// Displayed text with `<>` replaced by the measurement, when known.
    pub text: Option<String>,
    /// Definition points in DXF order 10/13/14/15/16.
    pub def_points: Vec<Point>,
    pub text_position: Option<Point>,
}

/// MULTILEADER as drawn: the parts its context data describes, as entities in the coordinates of the
/// MULTILEADER itself (WCS for a top-level one): leader lines (`LWPOLYLINE`, or a fit-point `SPLINE` for
/// spline leaders), landings, arrowheads (a filled `SOLID` triangle for the default closed-filled arrow, an
/// `INSERT` of the arrow block otherwise) and the content (`MTEXT`, or an `INSERT` of the content block).
/// A part whose colour, linetype or lineweight follows the MULTILEADER is ByBlock, so it inherits them the
/// way block contents do (`model::flatten` walks the parts like an insert's block when asked to).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MLeaderGeom {
    pub parts: Vec<Entity>,
}

impl MLeaderGeom {
    /// The leader lines and landings (polylines and spline fit points), for the result's `paths`.
    pub fn leader_paths(&self) -> Vec<Vec<Point>> {
        self.parts
            .iter()
            .filter_map(|p| match &p.geom {
                Geom::Polyline { vertices, .. } => Some(vertices.iter().map(|v| v.p).collect()),
                Geom::Spline(s) => Some(s.fit.clone()),
                _ => None,
            })
            .collect()
    }

    /// The text content, if the content is MTEXT.
    pub fn text(&self) -> Option<&TextGeom> {
        self.parts.iter().find_map(|p| match &p.geom {
            Geom::Text(t) => Some(&**t),
            _ => None,
        })
    }
}

/// LEADER as drawn: its path through the vertices (straight segments, or a cubic spline through them
/// whose end tangents run along the first and last segments, as AutoCAD draws path type 72 = 1) and the
/// arrowhead at the first vertex when the leader has one.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LeaderGeom {
    pub vertices: Vec<Point>,
    pub spline: bool,
    pub arrow: Option<LeaderArrow>,
    /// The end of the hook line drawn on from the last vertex under text content (not a vertex: the
    /// results show the vertices only).
    pub hook: Option<Point>,
}

/// A leader's arrowhead: its length in drawing units (the dimension style's arrow size × its scale) and
/// the arrow block the style names (`None`: the default closed filled arrow).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LeaderArrow {
    pub size: f64,
    pub block: Option<String>,
}

impl LeaderGeom {
    /// The vertices as an open polyline: how the result contracts show a LEADER (result-schema.md §3).
    pub fn polyline(&self) -> Geom {
        Geom::Polyline {
            vertices: self.vertices.iter().map(|p| Vertex::at(*p)).collect(),
            closed: false,
            constant_width: 0.0,
        }
    }

    /// The closed filled arrowhead: a triangle one size long with its tip on the first vertex, pointing
    /// away from the second, and an enclosed angle of about 18.9° (AutoCAD's closed filled arrow). `None`
    /// without an arrowhead, a usable size or a first segment.
    pub fn arrow_triangle(&self) -> Option<[Point; 3]> {
        let size = self.arrow.as_ref()?.size;
        let (tip, next) = (*self.vertices.first()?, *self.vertices.get(1)?);
        let dir = next.minus(tip).normalized()?;
        if !(size.is_finite() && size > 0.0) {
            return None;
        }
        // Half the enclosed angle of 18.924644°: sin(9.462322°) of the size either side of the axis.
        let half = size * 9.462_322_f64.to_radians().sin();
        let base = tip.plus(dir.scale(size));
        let across = Point::xy(-dir.y, dir.x).scale(half);
        Some([tip, base.plus(across), base.minus(across)])
    }
}

/// A proxy entity's stored graphics (DXF ACAD_PROXY_ENTITY): the entities its writer drew for it, in the
/// proxy's coordinates, inheriting from it like block contents. Only previews draw them; the result
/// contracts show the proxy as the entity of unknown geometry it is.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProxyGraphics {
    pub parts: Vec<Entity>,
}

/// An ellipse or elliptical arc: `major` is the vector from the centre to the end of the major axis;
/// parameters in radians.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EllipseGeom {
    pub center: Point,
    pub major: Point,
    pub ratio: f64,
    pub start: f64,
    pub end: f64,
}

/// A paper-space viewport: its frame on the sheet and the view of model space it shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ViewportGeom {
    pub center: Point,
    pub width: f64,
    pub height: f64,
    pub view_center: Point,
    pub view_height: f64,
    pub twist_deg: f64,
}

/// A NURBS curve: control points with knots (and weights when rational), or fit points only.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SplineGeom {
    pub degree: usize,
    pub knots: Vec<f64>,
    pub ctrl: Vec<Point>,
    pub weights: Option<Vec<f64>>,
    pub fit: Vec<Point>,
    pub closed: bool,
}

/// Format-neutral geometry of an entity, in sheet (or block) coordinates.
#[derive(Debug, Clone, PartialEq)]
pub enum Geom {
    Point {
        position: Point,
    },
    Line {
        start: Point,
        end: Point,
    },
    /// LWPOLYLINE, 2D/3D POLYLINE, DGN line strings and shapes, PDF straight paths.
    Polyline {
        vertices: Vec<Vertex>,
        closed: bool,
        constant_width: f64,
    },
    Circle {
        center: Point,
        radius: f64,
    },
    /// Angles in radians, CCW from +X; the sweep runs CCW from `start` to `end`.
    Arc {
        center: Point,
        radius: f64,
        start: f64,
        end: f64,
    },
    /// Boxed like the large variants below: inline, its 72 bytes set the size of every `Geom`.
    Ellipse(Box<EllipseGeom>),
    Spline(Box<SplineGeom>),
    // The large variants are boxed so that every entity does not pay for the largest one: a drawing is
    // mostly lines, arcs and polylines, and `Entity` is what a 300 k-entity drawing holds 300 k of.
    Text(Box<TextGeom>),
    Insert(Box<InsertGeom>),
    Hatch(Box<HatchGeom>),
    Dimension(Box<DimensionGeom>),
    MLeader(Box<MLeaderGeom>),
    Leader(Box<LeaderGeom>),
    Proxy(Box<ProxyGraphics>),
    /// SOLID, TRACE, 3DFACE: 3 or 4 corners in drawing order (SOLID/TRACE already reordered 1-2-4-3 → 1-2-3-4
    /// so the outline is a proper polygon).
    Face {
        vertices: Vec<Point>,
        filled: bool,
    },
    /// Several polylines drawn as one entity (polyface/mesh wireframes).
    Paths {
        paths: Vec<Vec<Point>>,
    },
    /// Boxed: rare, and inline its 80 bytes would set the size of every `Geom`.
    Viewport(Box<ViewportGeom>),
    /// IMAGE/WIPEOUT: a reference with its clip outline in drawing coordinates.
    Image {
        position: Point,
        outline: Vec<Point>,
        wipeout: bool,
    },
    /// XLINE (both directions) or RAY (one direction): never part of extents.
    Infinite {
        base: Point,
        direction: Point,
        both_ways: bool,
    },
    /// Emitted but without geometry we can draw (proxy entities with a position).
    Other {
        position: Option<Point>,
    },
}

#[cfg(test)]
mod handle_tests {
    use super::Handle;

    #[test]
    fn handles_hold_up_to_sixteen_bytes_inline() {
        assert_eq!(Handle::new("2A").as_str(), "2A");
        assert_eq!(&*Handle::new("FFFFFFFFFFFFFFFF"), "FFFFFFFFFFFFFFFF");
        assert_eq!(Handle::new("0123456789ABCDEF-tail").as_str(), "0123456789ABCDEF");
        // A cut never splits a character: "é" is two bytes at offsets 15–16, so the handle keeps 15.
        assert_eq!(Handle::new("0123456789ABCDEé").as_str(), "0123456789ABCDE");
        assert_eq!(format!("{:?}", Handle::new("1F")), "\"1F\"");
        assert_eq!(Handle::new(""), Handle::from(""));
    }

    #[test]
    fn ascii_handles_are_upper_cased_all_at_once_like_byte_by_byte() {
        assert_eq!(Handle::from_ascii_upper(b"1fa0zZ@[`{").map(|h| h.to_string()).as_deref(), Some("1FA0ZZ@[`{"));
        assert_eq!(Handle::from_ascii_upper(b"abcdefghijklmnop").as_deref(), Some("ABCDEFGHIJKLMNOP"));
        assert_eq!(Handle::from_ascii_upper(b"abcdefghijklmnopq"), None);
        assert_eq!(Handle::from_ascii_upper("é".as_bytes()), None);
        // Every ASCII byte in every position, against the standard library's byte-by-byte rule.
        for b in 0u8..0x80 {
            for at in 0..16 {
                let mut raw = [b'a'; 16];
                raw[at] = b;
                let h = Handle::from_ascii_upper(&raw).expect("sixteen ASCII bytes fit");
                assert_eq!(h.as_bytes(), raw.to_ascii_uppercase().as_slice(), "byte {b:#x} at {at}");
            }
        }
    }
}

#[cfg(test)]
mod size_tests {
    use super::Entity;

    /// A 300 k-entity drawing holds 300 k of these, each written once into fresh memory by the reader: 8 bytes
    /// more is 2.4 MB, which the 3 × file-size memory budget of a binary DXF (≈ 120 bytes per entity) cannot
    /// spare, and past 128 bytes the copy of an entity into its storage becomes a `memcpy` call.
    #[test]
    fn an_entity_stays_at_128_bytes() {
        assert_eq!(std::mem::size_of::<Entity>(), 128);
    }
}
