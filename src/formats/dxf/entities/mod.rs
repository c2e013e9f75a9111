//! Entities: the properties every entity shares (AcDbEntity), and the dispatch by type name to the
//! per-family geometry readers. Geometry leaves here in WCS (planar entities go through their OCS).

mod curves;
mod hatch;
mod misc;
mod mleader;
mod polyline;
mod textual;

pub use mleader::mleader;
pub use polyline::{PolylineBuilder, vertex_from};
pub use textual::attribute_tag;

use std::collections::HashMap;
use std::sync::Arc;

use super::text::{Encoding, decode};
use super::tokenizer::Tag;
use crate::model::colour::Rgb;
use crate::model::flatten::transform_geom;
use crate::model::geom::{Affine, ocs_to_wcs};
use crate::model::{ColourSpec, Entity, Geom, Handle, Point};

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
    few: Vec<(&'a [u8], Arc<str>)>,
    by_raw: HashMap<&'a [u8], Arc<str>>,
}

/// Names kept in the linear list before the map takes over.
const FEW_LAYERS: usize = 16;

impl<'a> LayerNames<'a> {
    /// The interned name for the raw layer value (layer `0` when the entity names none).
    pub fn get(&mut self, raw: Option<&'a [u8]>, enc: Encoding) -> Arc<str> {
        let raw = raw.unwrap_or(b"0");
        if let Some((_, name)) = self.few.iter().find(|(r, _)| *r == raw) {
            return Arc::clone(name);
        }
        if let Some(name) = self.by_raw.get(raw) {
            return Arc::clone(name);
        }
        let name: Arc<str> = Arc::from(decode(raw, enc));
        if self.few.len() < FEW_LAYERS {
            self.few.push((raw, Arc::clone(&name)));
        } else {
            self.by_raw.insert(raw, Arc::clone(&name));
        }
        name
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
    pub fn parse(body: &[Tag<'a>], enc: Encoding) -> Common<'a> {
        let mut c = Common::default();
        let mut in_entity = true;
        let mut in_group = false;
        for t in body {
            match t.code {
                102 => in_group = t.trimmed().first() == Some(&b'{'),
                _ if in_group => {}
                100 => in_entity = t.trimmed() == b"AcDbEntity",
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
    pub fn into_entity(self, kind: std::borrow::Cow<'static, str>, layer: Arc<str>, geom: Geom) -> Entity {
        Entity {
            handle: self.handle,
            kind,
            layer,
            colour: self.colour,
            linetype: self.linetype.filter(|l| !l.eq_ignore_ascii_case("BYLAYER")).map(Arc::from),
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

/// Reads the geometry of a single-record entity of type `kind` (POLYLINE and the followers of INSERT are
/// handled by the section walker, which owns the following records).
pub fn read_geom(kind: &str, body: &[Tag<'_>], enc: Encoding) -> Result<Read, BadValue> {
    let g = match kind {
        // 3DLINE: the R9–R10 name of a line with Z (obsolete since R11, same codes).
        "LINE" | "3DLINE" => curves::line(body)?,
        "POINT" => curves::point(body)?,
        "CIRCLE" => curves::circle(body)?,
        "ARC" => curves::arc(body)?,
        "ELLIPSE" => curves::ellipse(body)?,
        "SPLINE" | "HELIX" => curves::spline(body)?,
        "XLINE" | "RAY" => curves::infinite(body, kind == "XLINE")?,
        "LWPOLYLINE" => polyline::lwpolyline(body)?,
        "TEXT" | "ATTRIB" | "ATTDEF" => textual::text(body, enc, kind != "TEXT", kind == "ATTDEF")?,
        "MTEXT" => textual::mtext(body, enc)?,
        "INSERT" => misc::insert(body, enc)?,
        "ACAD_TABLE" => misc::table(body, enc)?,
        "DIMENSION" | "ARC_DIMENSION" | "LARGE_RADIAL_DIMENSION" => misc::dimension(body, enc)?,
        "SOLID" | "TRACE" => misc::solid(body)?,
        "3DFACE" => misc::face3d(body)?,
        "LEADER" => misc::leader(body)?,
        // Without the document's block records (the builder reads MULTILEADERs itself, with them).
        "MULTILEADER" | "MLEADER" => mleader::mleader(body, enc, &|_| None)?,
        "VIEWPORT" => misc::viewport(body)?,
        "IMAGE" | "WIPEOUT" => misc::image(body, kind == "WIPEOUT")?,
        "HATCH" => hatch::hatch(body, enc)?,
        "3DSOLID" | "REGION" | "BODY" | "SURFACE" | "PLANESURFACE" | "EXTRUDEDSURFACE" | "LOFTEDSURFACE"
        | "REVOLVEDSURFACE" | "SWEPTSURFACE" | "NURBSURFACE" | "MESH" => return Ok(Read::Skipped { three_d: true }),
        // Not entities: the repeat markers of AutoCAD 2.x files.
        "REPEAT" | "ENDREP" => return Ok(Read::Dropped),
        _ => return Ok(Read::Skipped { three_d: false }),
    };
    Ok(Read::Geom(g))
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
    fn subclass_codes_are_not_taken_for_common_ones() {
        // Code 6 after a later subclass marker is not the linetype.
        let body = tags("100\nAcDbEntity\n8\nA\n100\nAcDbSomething\n6\nNOTALINETYPE\n");
        let c = Common::parse(&body, Encoding::Utf8);
        assert_eq!(c.linetype, None);
    }
}
