//! Whole-reader tests on small hand-written files: product tree, placements, units, colours.

use super::read;
use crate::model::mesh::measure_faces;
use crate::model::{BBox3, LengthUnit, NodeKind};

/// An assembly in millimetres placing an inch tetrahedron (faceted B-rep) twice: once shifted by 100 mm
/// along x, once turned 90° about z and shifted 200 mm along y. The tetrahedron is red on its solid.
const ASSEMBLY: &str = "ISO-10303-21;HEADER;FILE_DESCRIPTION((''),'2;1');\
FILE_NAME('a.stp','',(''),(''),'pre','Hand','');FILE_SCHEMA(('CONFIG_CONTROL_DESIGN'));ENDSEC;DATA;
#1=(LENGTH_UNIT()NAMED_UNIT(*)SI_UNIT(.MILLI.,.METRE.));
#2=(GEOMETRIC_REPRESENTATION_CONTEXT(3)GLOBAL_UNIT_ASSIGNED_CONTEXT((#1))REPRESENTATION_CONTEXT('',''));
#3=LENGTH_MEASURE_WITH_UNIT(LENGTH_MEASURE(25.4),#1);
#4=(CONVERSION_BASED_UNIT('INCH',#3)LENGTH_UNIT()NAMED_UNIT(#5));
#5=DIMENSIONAL_EXPONENTS(1.,0.,0.,0.,0.,0.,0.);
#6=(GEOMETRIC_REPRESENTATION_CONTEXT(3)GLOBAL_UNIT_ASSIGNED_CONTEXT((#4))REPRESENTATION_CONTEXT('',''));
#10=PRODUCT('asm','Assembly','',());#11=PRODUCT_DEFINITION_FORMATION('','',#10);
#12=PRODUCT_DEFINITION('','',#11,$);#13=PRODUCT_DEFINITION_SHAPE('','',#12);
#14=SHAPE_REPRESENTATION('',(#30,#31,#32),#2);#15=SHAPE_DEFINITION_REPRESENTATION(#13,#14);
#20=PRODUCT('pin','Pin','',());#21=PRODUCT_DEFINITION_FORMATION('','',#20);
#22=PRODUCT_DEFINITION('','',#21,$);#23=PRODUCT_DEFINITION_SHAPE('','',#22);
#24=SHAPE_REPRESENTATION('',(#33),#6);#25=SHAPE_DEFINITION_REPRESENTATION(#23,#24);
#26=FACETED_BREP_SHAPE_REPRESENTATION('',(#33,#90),#6);#27=SHAPE_REPRESENTATION_RELATIONSHIP('','',#24,#26);
#30=AXIS2_PLACEMENT_3D('',#64,$,$);#31=AXIS2_PLACEMENT_3D('',#60,$,$);
#32=AXIS2_PLACEMENT_3D('',#61,#62,#63);#33=AXIS2_PLACEMENT_3D('',#64,$,$);
#60=CARTESIAN_POINT('',(100.,0.,0.));#61=CARTESIAN_POINT('',(0.,200.,0.));
#62=DIRECTION('',(0.,0.,1.));#63=DIRECTION('',(0.,1.,0.));#64=CARTESIAN_POINT('',(0.,0.,0.));
#40=NEXT_ASSEMBLY_USAGE_OCCURRENCE('1','pin-1','',#12,#22,$);#41=PRODUCT_DEFINITION_SHAPE('','',#40);
#42=(REPRESENTATION_RELATIONSHIP('','',#24,#14)REPRESENTATION_RELATIONSHIP_WITH_TRANSFORMATION(#43)SHAPE_REPRESENTATION_RELATIONSHIP());
#43=ITEM_DEFINED_TRANSFORMATION('','',#33,#31);#44=CONTEXT_DEPENDENT_SHAPE_REPRESENTATION(#42,#41);
#45=NEXT_ASSEMBLY_USAGE_OCCURRENCE('2','pin-2','',#12,#22,$);#46=PRODUCT_DEFINITION_SHAPE('','',#45);
/* this exporter writes the parent's representation first: the child is found by ownership */
#47=(REPRESENTATION_RELATIONSHIP('','',#14,#24)REPRESENTATION_RELATIONSHIP_WITH_TRANSFORMATION(#48)SHAPE_REPRESENTATION_RELATIONSHIP());
#48=ITEM_DEFINED_TRANSFORMATION('','',#32,#33);#49=CONTEXT_DEPENDENT_SHAPE_REPRESENTATION(#47,#46);
#70=CARTESIAN_POINT('',(0.,0.,0.));#71=CARTESIAN_POINT('',(1.,0.,0.));
#72=CARTESIAN_POINT('',(0.,1.,0.));#73=CARTESIAN_POINT('',(0.,0.,1.));
#80=POLY_LOOP('',(#70,#72,#71));#81=POLY_LOOP('',(#70,#71,#73));#82=POLY_LOOP('',(#70,#73,#72));
#83=POLY_LOOP('',(#71,#72,#73));
#84=FACE('',(#85));#85=FACE_OUTER_BOUND('',#80,.T.);#86=FACE('',(#87));#87=FACE_OUTER_BOUND('',#81,.T.);
#88=FACE('',(#89));#89=FACE_OUTER_BOUND('',#82,.T.);#91=FACE('',(#92));#92=FACE_OUTER_BOUND('',#83,.T.);
#93=CLOSED_SHELL('',(#84,#86,#88,#91));#90=FACETED_BREP('tetra',#93);
#100=STYLED_ITEM('',(#101),#90);#101=PRESENTATION_STYLE_ASSIGNMENT((#102));#102=SURFACE_STYLE_USAGE(.BOTH.,#103);
#103=SURFACE_SIDE_STYLE('',(#104));#104=SURFACE_STYLE_FILL_AREA(#105);#105=FILL_AREA_STYLE('',(#106));
#106=FILL_AREA_STYLE_COLOUR('',#107);#107=COLOUR_RGB('',1.,0.,0.);
ENDSEC;END-ISO-10303-21;";

#[test]
fn assembly_placements_units_names_and_colour() {
    let doc = read(ASSEMBLY.as_bytes()).expect("reads");
    assert_eq!(doc.units.length, Some(LengthUnit::Millimetre));
    assert_eq!(doc.source.version.as_deref(), Some("AP203"));
    assert_eq!(doc.source.producer.as_deref(), Some("Hand"));
    let m = doc.model3d.expect("3D");
    assert_eq!(m.parts.len(), 1, "one part definition shared by both instances");
    assert_eq!(m.parts[0].name, "Pin");
    assert_eq!(m.parts[0].colour.map(|c| c.hex()), Some("#FF0000".to_owned()));
    assert_eq!(m.roots.len(), 1);
    assert_eq!((m.roots[0].name.as_str(), m.roots[0].kind), ("Assembly", NodeKind::Assembly));
    assert_eq!(m.roots[0].children.len(), 2);
    let mut boxes = Vec::new();
    let mut volume = 0.0;
    m.for_each_instance(|_, part, xf| {
        let mm = measure_faces(&part.solids[0].faces, xf);
        assert!(mm.closed, "the tetrahedron's faces share their edges exactly");
        volume += mm.signed_volume;
        boxes.push(mm.bbox);
    });
    let side = 25.4;
    // f32 positions: agreement to 1e-5 relative.
    assert!((volume / (2.0 * side * side * side / 6.0) - 1.0).abs() < 1e-5, "volume {volume}");
    let near = |b: &BBox3, min: [f64; 3], max: [f64; 3]| {
        let d = [
            b.min.x - min[0],
            b.min.y - min[1],
            b.min.z - min[2],
            b.max.x - max[0],
            b.max.y - max[1],
            b.max.z - max[2],
        ];
        d.iter().all(|v| v.abs() < 1e-4)
    };
    assert!(near(&boxes[0], [100.0, 0.0, 0.0], [125.4, 25.4, 25.4]), "{:?}", boxes[0]);
    // Turned 90° about z: x' = −y, y' = x.
    assert!(near(&boxes[1], [-25.4, 200.0, 0.0], [0.0, 225.4, 25.4]), "{:?}", boxes[1]);
}
