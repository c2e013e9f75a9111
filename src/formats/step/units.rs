//! Length units of representation contexts: `(LENGTH_UNIT() NAMED_UNIT(*) SI_UNIT(.MILLI.,.METRE.))` or
//! `(CONVERSION_BASED_UNIT('INCH', #m) LENGTH_UNIT() NAMED_UNIT(#d))` with `#m =
//! LENGTH_MEASURE_WITH_UNIT(LENGTH_MEASURE(25.4), #mm)`. Everything is measured as millimetres per unit so
//! parts in different units can be brought into one declared unit when instanced.

use super::graph::Graph;
use super::parser::Param;
use crate::model::LengthUnit;

/// Conversion-based units nest (inch → mm → metre); deeper than this is corrupt.
const MAX_CONVERSION_DEPTH: usize = 8;

/// Millimetres per length unit of the representation context `ctx`, if it declares one.
pub fn context_mm(graph: &Graph<'_>, ctx: u64) -> Option<f64> {
    let inst = graph.instances.get(&ctx)?;
    let units = inst.record("GLOBAL_UNIT_ASSIGNED_CONTEXT")?.params.first()?.list()?;
    units.iter().filter_map(Param::reference).find_map(|u| unit_mm(graph, u, 0))
}

/// Millimetres per unit of a length unit instance (`None` for other units and damage).
pub fn unit_mm(graph: &Graph<'_>, id: u64, depth: usize) -> Option<f64> {
    if depth > MAX_CONVERSION_DEPTH {
        return None;
    }
    let inst = graph.instances.get(&id)?;
    if !inst.is("LENGTH_UNIT") {
        return None;
    }
    if let Some(si) = inst.record("SI_UNIT") {
        let prefix = si.params.first().and_then(Param::enumeration);
        let name = si.params.get(1).and_then(Param::enumeration)?;
        if !name.eq_ignore_ascii_case("METRE") {
            return None;
        }
        return Some(1000.0 * prefix.map_or(1.0, si_prefix));
    }
    let conv = inst.record("CONVERSION_BASED_UNIT")?;
    let measure = graph.instances.get(&conv.params.get(1)?.reference()?)?;
    let factor = measure.param(0)?.real()?;
    let base = unit_mm(graph, measure.param(1)?.reference()?, depth + 1)?;
    let mm = factor * base;
    (mm.is_finite() && mm > 0.0).then_some(mm)
}

fn si_prefix(p: &str) -> f64 {
    match p.to_ascii_uppercase().as_str() {
        "EXA" => 1e18,
        "PETA" => 1e15,
        "TERA" => 1e12,
        "GIGA" => 1e9,
        "MEGA" => 1e6,
        "KILO" => 1e3,
        "HECTO" => 1e2,
        "DECA" => 1e1,
        "DECI" => 1e-1,
        "CENTI" => 1e-2,
        "MILLI" => 1e-3,
        "MICRO" => 1e-6,
        "NANO" => 1e-9,
        "PICO" => 1e-12,
        "FEMTO" => 1e-15,
        "ATTO" => 1e-18,
        _ => 1.0,
    }
}

/// Radians per plane-angle unit: the first context that declares one (`SI_UNIT($,.RADIAN.)` or a
/// conversion-based `DEGREE`); radians when none does.
pub fn angle_factor(graph: &Graph<'_>) -> f64 {
    for ctx in graph.all_of("GLOBAL_UNIT_ASSIGNED_CONTEXT") {
        let Some(units) =
            graph.instances.get(&ctx).and_then(|i| i.record("GLOBAL_UNIT_ASSIGNED_CONTEXT")?.params.first()?.list())
        else {
            continue;
        };
        if let Some(f) = units.iter().filter_map(Param::reference).find_map(|u| angle_unit(graph, u, 0)) {
            return f;
        }
    }
    1.0
}

fn angle_unit(graph: &Graph<'_>, id: u64, depth: usize) -> Option<f64> {
    if depth > MAX_CONVERSION_DEPTH {
        return None;
    }
    let inst = graph.instances.get(&id)?;
    if !inst.is("PLANE_ANGLE_UNIT") {
        return None;
    }
    if inst.is("SI_UNIT") {
        return Some(1.0);
    }
    let conv = inst.record("CONVERSION_BASED_UNIT")?;
    let measure = graph.instances.get(&conv.params.get(1)?.reference()?)?;
    let factor = measure.param(0)?.real()? * angle_unit(graph, measure.param(1)?.reference()?, depth + 1)?;
    (factor.is_finite() && factor > 0.0).then_some(factor)
}

/// The named unit for a millimetre factor (within 1e-9 relative), if the model has one.
pub fn length_unit(mm: f64) -> Option<LengthUnit> {
    const KNOWN: &[(f64, LengthUnit)] = &[
        (1.0, LengthUnit::Millimetre),
        (10.0, LengthUnit::Centimetre),
        (100.0, LengthUnit::Decimetre),
        (1000.0, LengthUnit::Metre),
        (1e6, LengthUnit::Kilometre),
        (1e-3, LengthUnit::Micrometre),
        (1e-6, LengthUnit::Nanometre),
        (25.4, LengthUnit::Inch),
        (304.8, LengthUnit::Foot),
        (914.4, LengthUnit::Yard),
        (0.0254, LengthUnit::Mil),
    ];
    KNOWN.iter().find(|(f, _)| ((mm - f) / f).abs() < 1e-9).map(|(_, u)| *u)
}

/// The contexts' most common length unit over all representation contexts, in mm (exporters write one
/// context per part, nearly always in the same unit).
pub fn model_mm(graph: &Graph<'_>) -> Option<f64> {
    let mut counts: Vec<(f64, usize)> = Vec::new();
    for ctx in graph.all_of("GLOBAL_UNIT_ASSIGNED_CONTEXT") {
        if let Some(mm) = context_mm(graph, ctx) {
            match counts.iter_mut().find(|(f, _)| ((mm - *f) / *f).abs() < 1e-9) {
                Some(c) => c.1 += 1,
                None => counts.push((mm, 1)),
            }
        }
    }
    counts.iter().max_by_key(|c| c.1).map(|c| c.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::step::parser::{Budget, parse};

    #[test]
    fn si_and_inch_contexts() {
        let text = "ISO-10303-21;HEADER;ENDSEC;DATA;\
            #1=(LENGTH_UNIT()NAMED_UNIT(*)SI_UNIT(.MILLI.,.METRE.));\
            #2=LENGTH_MEASURE_WITH_UNIT(LENGTH_MEASURE(25.4),#1);\
            #3=(CONVERSION_BASED_UNIT('INCH',#2)LENGTH_UNIT()NAMED_UNIT(#4));\
            #4=DIMENSIONAL_EXPONENTS(1.,0.,0.,0.,0.,0.,0.);\
            #5=(GEOMETRIC_REPRESENTATION_CONTEXT(3)GLOBAL_UNIT_ASSIGNED_CONTEXT((#3,#6))REPRESENTATION_CONTEXT('',''));\
            #6=(NAMED_UNIT(*)PLANE_ANGLE_UNIT()SI_UNIT($,.RADIAN.));\
            #7=(LENGTH_UNIT()NAMED_UNIT(*)SI_UNIT($,.METRE.));\
            ENDSEC;END-ISO-10303-21;";
        let ex = parse(text.as_bytes(), &Budget::default()).expect("parses");
        let g = Graph::new(text.as_bytes(), ex.instances, &Budget::default()).expect("graph");
        assert_eq!(context_mm(&g, 5), Some(25.4));
        assert_eq!(unit_mm(&g, 7, 0), Some(1000.0));
        assert_eq!(length_unit(25.4), Some(LengthUnit::Inch));
        assert_eq!(model_mm(&g), Some(25.4));
    }
}
