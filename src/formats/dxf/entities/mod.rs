//! Entities: the properties every entity shares (AcDbEntity), and the dispatch by type name to the
//! per-family geometry readers. Geometry leaves here in WCS (planar entities go through their OCS).

mod curves;
mod hatch;
mod misc;
mod mleader;
mod polyline;
mod proxy;
mod textual;

pub use misc::{DimStyleArrows, dimstyle, leader};
pub use mleader::mleader;
pub use polyline::{PolylineBuilder, vertex_from};
pub use proxy::{graphics_bytes as proxy_graphics, parts as proxy_parts};
pub use textual::attribute_tag;

use std::collections::HashMap;

use super::text::{Encoding, decode};
use super::tokenizer::Tag;
use crate::model::colour::Rgb;
use crate::model::flatten::transform_geom;
use crate::model::geom::{Affine, ocs_to_wcs};
use crate::model::{ColourSpec, Entity, Geom, Handle, Name, Point};

/// A value that a geometry reader needed but could not decode: the entity is dropped with a warning.
#[derive(Debug, Clone, PartialEq)]
pub struct BadValue {
    pub at: String,
    pub code: i32,
    pub found: String,
}

impl BadValue {
    pub fn of(t: &Tag<'_>) -> BadValue {
        BadValue { at: t.pos().to_string(), code: t.code, found: super::error::excerpt(t.raw) }
    }
}

pub type GeomResult = Result<Geom, BadValue>;

pub fn num(t: &Tag<'_>) -> Result<f64, BadValue> {
    t.f64().ok_or_else(|| BadValue::of(t))
}

pub fn int(t: &Tag<'_>) -> Result<i64, BadValue> {
    t.int().ok_or_else(|| BadValue::of(t))
}

/// Sets the coordinate of `p` that `t` carries, when `t` is one of `base`, `base + 10`, `base + 20`.
pub fn coord(p: &mut Point, t: &Tag<'_>, base: i32) -> Result<bool, BadValue> {
    let d = t.code - base;
    if d != 0 && d != 10 && d != 20 {
        return Ok(false);
    }
    let v = num(t)?;
    match d {
        0 => p.x = v,
        10 => p.y = v,
        _ => p.z = v,
    }
    Ok(true)
}

/// Which space an entity of the ENTITIES section belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Space {
    Model,
    Paper,
}

/// A handle in upper case, without a heap allocation for the usual short ASCII hex.
fn handle(raw: &[u8], enc: Encoding) -> Handle {
    Handle::from_ascii_upper(raw).unwrap_or_else(|| Handle::new(&decode(raw, enc).to_uppercase()))
}

/// Layer names decoded once and shared by every entity on the layer: a drawing has few layers and many
/// entities, so this saves an allocation and a decode per entity.
#[derive(Debug, Default)]
pub struct LayerNames<'a> {
    /// The first few names, searched in order: comparing a handful of short byte strings costs less than
    /// hashing one, and most drawings have fewer layers than this.
    few: Vec<(&'a [u8], Name)>,
    by_raw: HashMap<&'a [u8], Name>,
}

/// Names kept in the linear list before the map takes over.
const FEW_LAYERS: usize = 16;

impl<'a> LayerNames<'a> {
    /// The interned name for the raw layer value (layer `0` when the entity names none).
    pub fn get(&mut self, raw: Option<&'a [u8]>, enc: Encoding) -> Name {
        let raw = raw.unwrap_or(b"0");
        if let Some((_, name)) = self.few.iter().find(|(r, _)| *r == raw) {
            return name.clone();
        }
        if let Some(name) = self.by_raw.get(raw) {
            return name.clone();
        }
        let name = Name::from(decode(raw, enc));
        if self.few.len() < FEW_LAYERS {
            self.few.push((raw, name.clone()));
        } else {
            self.by_raw.insert(raw, name.clone());
        }
        name
    }

    /// Takes in the names another interner handed out (those not known here), so that
    /// [`LayerNames::all_defined`] covers both.
    pub fn absorb(&mut self, other: LayerNames<'a>) {
        for (raw, name) in other.few.into_iter().chain(other.by_raw) {
            if !self.few.iter().any(|(r, _)| *r == raw) && !self.by_raw.contains_key(raw) {
                if self.few.len() < FEW_LAYERS {
                    self.few.push((raw, name));
                } else {
                    self.by_raw.insert(raw, name);
                }
            }
        }
    }

    /// Whether every name handed out is one of `layers` (compared as layer names are: ignoring ASCII case).
    pub fn all_defined(&self, layers: &[crate::model::Layer]) -> bool {
        let defined = |name: &Name| layers.iter().any(|l| l.name.eq_ignore_ascii_case(name));
        self.few.iter().all(|(_, n)| defined(n)) && self.by_raw.values().all(defined)
    }
}

/// AcDbEntity properties, plus the owner handle for the paper-space test.
#[derive(Debug, Clone, Default)]
pub struct Common<'a> {
    pub handle: Option<Handle>,
    /// The owner handle as stored (compared case-insensitively, never allocated).
    pub owner: Option<&'a [u8]>,
    /// The layer name as stored: the builder decodes and interns it once per distinct name.
    pub layer: Option<&'a [u8]>,
    pub colour: ColourSpec,
    pub aci: Option<i64>,
    pub true_colour: Option<Rgb>,
    pub linetype: Option<String>,
    pub lineweight: Option<i16>,
    pub invisible: bool,
    pub paper: bool,
}

impl<'a> Common<'a> {
    /// Reads the shared properties. Group codes of later subclasses reuse some numbers, so the shared ones
    /// are only taken before the first subclass marker after `AcDbEntity` (R12 files have no markers).
    ///
    /// The walk stops at the first subclass marker after `AcDbEntity` once the handle and owner are known:
    /// past it only a missing handle or owner could still be taken, so the rest of the record (most of its
    /// tags: the geometry) is not walked twice. (A second `AcDbEntity` marker later in the same record,
    /// which no writer emits, would no longer reopen the shared properties.)
    pub fn parse(body: &[Tag<'a>], enc: Encoding) -> Common<'a> {
        let mut c = Common::default();
        let mut in_entity = true;
        let mut seen_entity = false;
        let mut in_group = false;
        for t in body {
            match t.code {
                102 => in_group = t.trimmed().first() == Some(&b'{'),
                _ if in_group => {}
                100 => {
                    in_entity = t.trimmed() == b"AcDbEntity";
                    if !in_entity && seen_entity && c.handle.is_some() && c.owner.is_some() {
                        break;
                    }
                    seen_entity |= in_entity;
                }
                5 if c.handle.is_none() => c.handle = Some(handle(t.trimmed(), enc)),
                330 if c.owner.is_none() => c.owner = Some(t.trimmed()),
                _ if !in_entity => {}
                8 => c.layer = Some(t.raw),
                62 => c.aci = t.int(),
                420 => c.true_colour = t.int().map(|v| Rgb::from_u24(v as u32 & 0xFF_FFFF)),
                6 => c.linetype = Some(decode(t.raw, enc)),
                370 => c.lineweight = t.int().and_then(|v| i16::try_from(v).ok()),
                60 => c.invisible = t.int() == Some(1),
                67 => c.paper = t.int() == Some(1),
                _ => {}
            }
        }
        let aci_spec = c.aci.map(|a| ColourSpec::from_aci_code(a.clamp(-1000, 1000) as i32));
        c.colour = match (c.true_colour, aci_spec) {
            (Some(rgb), aci) => ColourSpec::True {
                rgb,
                aci: match aci {
                    Some(ColourSpec::Aci(i)) => Some(i),
                    _ => None,
                },
            },
            (None, Some(spec)) => spec,
            (None, None) => ColourSpec::ByLayer,
        };
        c
    }

    /// `layer` is this entity's layer name, decoded and interned by the caller (see [`LayerNames`]).
    pub fn into_entity(self, kind: std::borrow::Cow<'static, str>, layer: Name, geom: Geom) -> Entity {
        Entity {
            handle: self.handle,
            kind,
            layer,
            colour: self.colour,
            linetype: self.linetype.filter(|l| !l.eq_ignore_ascii_case("BYLAYER")).map(Name::from),
            lineweight: self.lineweight.filter(|&w| w != -1),
            invisible: self.invisible,
            geom,
        }
    }
}

/// What the dispatcher made of one entity record.
pub enum Read {
    Geom(Geom),
    /// A type we know but do not draw (ACIS solids, proxies …): kept as `Other`, counted as skipped.
    Skipped {
        three_d: bool,
    },
    /// A record in the entity stream that is no drawing entity: counted as skipped, not emitted.
    Dropped,
}

/// The entity type names the reader knows, classified once per record from the type-name bytes, so the
/// dispatch of a record costs one length switch and a compare or two, not a chain of string compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Line,
    Line3d,
    Point,
    Circle,
    Arc,
    Ellipse,
    Spline,
    Helix,
    Xline,
    Ray,
    LwPolyline,
    Polyline,
    Text,
    Attrib,
    Attdef,
    Mtext,
    Insert,
    AcadTable,
    Dimension,
    ArcDimension,
    LargeRadialDimension,
    Solid,
    Trace,
    Face3d,
    Leader,
    MultiLeader,
    MLeader,
    Viewport,
    Image,
    Wipeout,
    Hatch,
    Solid3d,
    Region,
    Body,
    Surface,
    PlaneSurface,
    ExtrudedSurface,
    LoftedSurface,
    RevolvedSurface,
    SweptSurface,
    NurbSurface,
    Mesh,
    Repeat,
    EndRep,
    // Records of the entity stream that are not entities of their own.
    Block,
    EndBlk,
    Vertex,
    SeqEnd,
}

impl Kind {
    /// The kind named by the upper-case type name `raw` (exactly as stored; other spellings are
    /// upper-cased by the caller first).
    #[inline]
    pub fn classify(raw: &[u8]) -> Option<Kind> {
        use Kind::*;
        // By length first: most lengths hold one or two names, so a record costs one or two compares.
        Some(match raw.len() {
            3 => match raw {
                b"ARC" => Arc,
                b"RAY" => Ray,
                _ => return None,
            },
            4 => match raw {
                b"LINE" => Line,
                b"TEXT" => Text,
                b"BODY" => Body,
                b"MESH" => Mesh,
                _ => return None,
            },
            5 => match raw {
                b"POINT" => Point,
                b"MTEXT" => Mtext,
                b"HATCH" => Hatch,
                b"SOLID" => Solid,
                b"HELIX" => Helix,
                b"XLINE" => Xline,
                b"TRACE" => Trace,
                b"IMAGE" => Image,
                b"BLOCK" => Block,
                _ => return None,
            },
            6 => match raw {
                b"CIRCLE" => Circle,
                b"INSERT" => Insert,
                b"SPLINE" => Spline,
                b"ATTRIB" => Attrib,
                b"ATTDEF" => Attdef,
                b"3DFACE" => Face3d,
                b"LEADER" => Leader,
                b"3DLINE" => Line3d,
                b"REGION" => Region,
                b"REPEAT" => Repeat,
                b"ENDREP" => EndRep,
                b"ENDBLK" => EndBlk,
                b"VERTEX" => Vertex,
                b"SEQEND" => SeqEnd,
                _ => return None,
            },
            7 => match raw {
                b"ELLIPSE" => Ellipse,
                b"MLEADER" => MLeader,
                b"WIPEOUT" => Wipeout,
                b"3DSOLID" => Solid3d,
                b"SURFACE" => Surface,
                _ => return None,
            },
            8 => match raw {
                b"POLYLINE" => Polyline,
                b"VIEWPORT" => Viewport,
                _ => return None,
            },
            9 => match raw {
                b"DIMENSION" => Dimension,
                _ => return None,
            },
            10 => match raw {
                b"LWPOLYLINE" => LwPolyline,
                b"ACAD_TABLE" => AcadTable,
                _ => return None,
            },
            11 => match raw {
                b"MULTILEADER" => MultiLeader,
                b"NURBSURFACE" => NurbSurface,
                _ => return None,
            },
            12 => match raw {
                b"PLANESURFACE" => PlaneSurface,
                b"SWEPTSURFACE" => SweptSurface,
                _ => return None,
            },
            13 => match raw {
                b"ARC_DIMENSION" => ArcDimension,
                b"LOFTEDSURFACE" => LoftedSurface,
                _ => return None,
            },
            15 => match raw {
                b"EXTRUDEDSURFACE" => ExtrudedSurface,
                b"REVOLVEDSURFACE" => RevolvedSurface,
                _ => return None,
            },
            22 => match raw {
                b"LARGE_RADIAL_DIMENSION" => LargeRadialDimension,
                _ => return None,
            },
            _ => return None,
        })
    }

    /// The type name, as stored.
    pub fn name(self) -> &'static str {
        use Kind::*;
        match self {
            Line => "LINE",
            Line3d => "3DLINE",
            Point => "POINT",
            Circle => "CIRCLE",
            Arc => "ARC",
            Ellipse => "ELLIPSE",
            Spline => "SPLINE",
            Helix => "HELIX",
            Xline => "XLINE",
            Ray => "RAY",
            LwPolyline => "LWPOLYLINE",
            Polyline => "POLYLINE",
            Text => "TEXT",
            Attrib => "ATTRIB",
            Attdef => "ATTDEF",
            Mtext => "MTEXT",
            Insert => "INSERT",
            AcadTable => "ACAD_TABLE",
            Dimension => "DIMENSION",
            ArcDimension => "ARC_DIMENSION",
            LargeRadialDimension => "LARGE_RADIAL_DIMENSION",
            Solid => "SOLID",
            Trace => "TRACE",
            Face3d => "3DFACE",
            Leader => "LEADER",
            MultiLeader => "MULTILEADER",
            MLeader => "MLEADER",
            Viewport => "VIEWPORT",
            Image => "IMAGE",
            Wipeout => "WIPEOUT",
            Hatch => "HATCH",
            Solid3d => "3DSOLID",
            Region => "REGION",
            Body => "BODY",
            Surface => "SURFACE",
            PlaneSurface => "PLANESURFACE",
            ExtrudedSurface => "EXTRUDEDSURFACE",
            LoftedSurface => "LOFTEDSURFACE",
            RevolvedSurface => "REVOLVEDSURFACE",
            SweptSurface => "SWEPTSURFACE",
            NurbSurface => "NURBSURFACE",
            Mesh => "MESH",
            Repeat => "REPEAT",
            EndRep => "ENDREP",
            Block => "BLOCK",
            EndBlk => "ENDBLK",
            Vertex => "VERTEX",
            SeqEnd => "SEQEND",
        }
    }
}

/// Reads the geometry of a single-record entity of type `kind` (POLYLINE and the followers of INSERT are
/// handled by the section walker, which owns the following records).
pub fn read_geom(kind: &str, body: &[Tag<'_>], enc: Encoding) -> Result<Read, BadValue> {
    match Kind::classify(kind.as_bytes()) {
        Some(k) => read_kind(k, body, enc),
        None => Ok(Read::Skipped { three_d: false }),
    }
}

/// [`read_geom`] for a type already classified.
pub fn read_kind(kind: Kind, body: &[Tag<'_>], enc: Encoding) -> Result<Read, BadValue> {
    use Kind as K;
    let g = match kind {
        // 3DLINE: the R9–R10 name of a line with Z (obsolete since R11, same codes).
        K::Line | K::Line3d => curves::line(body)?,
        K::Point => curves::point(body)?,
        K::Circle => curves::circle(body)?,
        K::Arc => curves::arc(body)?,
        K::Ellipse => curves::ellipse(body)?,
        K::Spline | K::Helix => curves::spline(body)?,
        K::Xline | K::Ray => curves::infinite(body, kind == K::Xline)?,
        K::LwPolyline => polyline::lwpolyline(body)?,
        K::Text | K::Attrib | K::Attdef => textual::text(body, enc, kind != K::Text, kind == K::Attdef)?,
        K::Mtext => textual::mtext(body, enc)?,
        K::Insert => misc::insert(body, enc)?,
        K::AcadTable => misc::table(body, enc)?,
        K::Dimension | K::ArcDimension | K::LargeRadialDimension => misc::dimension(body, enc)?,
        K::Solid | K::Trace => misc::solid(body)?,
        K::Face3d => misc::face3d(body)?,
        // Without the DIMSTYLE table and block records: the default arrow (the builder passes them).
        K::Leader => misc::leader(body, enc, &|_| None, &|_| None, false)?,
        // Without the document's block records (the builder reads MULTILEADERs itself, with them).
        K::MultiLeader | K::MLeader => mleader::mleader(body, enc, &|_| None)?,
        K::Viewport => misc::viewport(body)?,
        K::Image | K::Wipeout => misc::image(body, kind == K::Wipeout)?,
        K::Hatch => hatch::hatch(body, enc)?,
        K::Solid3d
        | K::Region
        | K::Body
        | K::Surface
        | K::PlaneSurface
        | K::ExtrudedSurface
        | K::LoftedSurface
        | K::RevolvedSurface
        | K::SweptSurface
        | K::NurbSurface
        | K::Mesh => return Ok(Read::Skipped { three_d: true }),
        // Not entities: the repeat markers of AutoCAD 2.x files.
        K::Repeat | K::EndRep => return Ok(Read::Dropped),
        // POLYLINE is read with its followers by the section walker; the rest are no entities.
        K::Polyline | K::Block | K::EndBlk | K::Vertex | K::SeqEnd => return Ok(Read::Skipped { three_d: false }),
    };
    Ok(Read::Geom(g))
}

/// The handle of an entity's extension dictionary (`102 {ACAD_XDICTIONARY`, `360 handle`, `102 }`).
pub fn xdictionary<'t>(body: &'t [Tag<'_>]) -> Option<&'t [u8]> {
    let mut inside = false;
    for t in body {
        match t.code {
            102 => inside = t.trimmed().eq_ignore_ascii_case(b"{ACAD_XDICTIONARY"),
            360 if inside => return Some(t.trimmed()),
            // Group codes of the entity proper come after the application groups.
            100 => return None,
            _ => {}
        }
    }
    None
}

/// The extrusion direction (210/220/230), +Z when absent.
pub fn extrusion(body: &[Tag<'_>]) -> Result<Point, BadValue> {
    let mut n = Point::new(0.0, 0.0, 1.0);
    for t in body {
        coord(&mut n, t, 210)?;
    }
    Ok(n)
}

/// Whether an extrusion is the default +Z (no OCS transform needed).
pub fn is_plus_z(n: Point) -> bool {
    n.x.abs() < 1e-12 && n.y.abs() < 1e-12 && n.z > 0.0
}

/// Maps geometry given in the OCS of `normal` to WCS. A plane tilted out of XY is projected onto XY (the
/// model is 2D), so circles become ellipses there; ±Z keep their kind (−Z mirrors X).
pub fn ocs_geom(g: Geom, normal: Point) -> Geom {
    if is_plus_z(normal) || normal.normalized().is_none() {
        return g;
    }
    transform_geom(&g, &plane_map(ocs_to_wcs(normal), normal))
}

/// The OCS transform, with its Z row dropped when the plane is tilted (projection onto XY).
pub fn plane_map(a: Affine, normal: Point) -> Affine {
    if normal.x.abs() < 1e-12 && normal.y.abs() < 1e-12 {
        return a;
    }
    let mut p = a;
    p.m[2] = [0.0, 0.0, 0.0, 0.0];
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) use super::super::tokenizer::test_tags as tags;

    #[test]
    fn common_properties_and_true_colour() {
        let body = tags("5\n2A\n330\n1F\n100\nAcDbEntity\n8\nWalls\n62\n1\n420\n16711935\n6\nDASHED\n370\n50\n");
        let c = Common::parse(&body, Encoding::Utf8);
        assert_eq!(c.handle.as_deref(), Some("2A"));
        assert_eq!(c.owner, Some(b"1F".as_slice()));
        assert_eq!(c.layer, Some(b"Walls".as_slice()));
        assert_eq!(c.colour, ColourSpec::True { rgb: Rgb(255, 0, 255), aci: Some(1) });
        assert_eq!(c.lineweight, Some(50));
    }

    #[test]
    fn reactor_groups_do_not_hide_the_owner() {
        let body = tags("5\n2A\n102\n{ACAD_REACTORS\n330\n99\n102\n}\n330\n1F\n100\nAcDbEntity\n8\n0\n62\n0\n");
        let c = Common::parse(&body, Encoding::Utf8);
        assert_eq!(c.owner, Some(b"1F".as_slice()));
        assert_eq!(c.colour, ColourSpec::ByBlock);
    }

    #[test]
    fn type_names_classify_both_ways() {
        let names = [
            "LINE",
            "3DLINE",
            "POINT",
            "CIRCLE",
            "ARC",
            "ELLIPSE",
            "SPLINE",
            "HELIX",
            "XLINE",
            "RAY",
            "LWPOLYLINE",
            "POLYLINE",
            "TEXT",
            "ATTRIB",
            "ATTDEF",
            "MTEXT",
            "INSERT",
            "ACAD_TABLE",
            "DIMENSION",
            "ARC_DIMENSION",
            "LARGE_RADIAL_DIMENSION",
            "SOLID",
            "TRACE",
            "3DFACE",
            "LEADER",
            "MULTILEADER",
            "MLEADER",
            "VIEWPORT",
            "IMAGE",
            "WIPEOUT",
            "HATCH",
            "3DSOLID",
            "REGION",
            "BODY",
            "SURFACE",
            "PLANESURFACE",
            "EXTRUDEDSURFACE",
            "LOFTEDSURFACE",
            "REVOLVEDSURFACE",
            "SWEPTSURFACE",
            "NURBSURFACE",
            "MESH",
            "REPEAT",
            "ENDREP",
            "BLOCK",
            "ENDBLK",
            "VERTEX",
            "SEQEND",
        ];
        for name in names {
            let k = Kind::classify(name.as_bytes()).unwrap_or_else(|| panic!("{name} is known"));
            assert_eq!(k.name(), name);
        }
        assert_eq!(Kind::classify(b"LWPOLYLINE"), Some(Kind::LwPolyline));
        // As stored only: other spellings are upper-cased by the caller; unknown names stay unknown.
        assert_eq!(Kind::classify(b"line"), None);
        assert_eq!(Kind::classify(b"LINES"), None);
        assert_eq!(Kind::classify(b"ACAD_PROXY_ENTITY"), None);
        assert_eq!(Kind::classify(b""), None);
    }

    #[test]
    fn interned_layers_report_whether_all_are_defined() {
        let mut names = LayerNames::default();
        let walls = names.get(Some(b"Walls"), Encoding::Utf8);
        assert_eq!(&*walls, "Walls");
        assert_eq!(&*names.get(None, Encoding::Utf8), "0");
        let mut layers = vec![crate::model::Layer::new("WALLS".to_owned())];
        assert!(!names.all_defined(&layers));
        layers.push(crate::model::Layer::new("0".to_owned()));
        assert!(names.all_defined(&layers));
    }

    #[test]
    fn subclass_codes_are_not_taken_for_common_ones() {
        // Code 6 after a later subclass marker is not the linetype.
        let body = tags("100\nAcDbEntity\n8\nA\n100\nAcDbSomething\n6\nNOTALINETYPE\n");
        let c = Common::parse(&body, Encoding::Utf8);
        assert_eq!(c.linetype, None);
    }
}
