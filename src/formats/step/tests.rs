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

/// One product whose shape is a geometric set (a GEOMETRICALLY_BOUNDED_SURFACE_SHAPE_REPRESENTATION's
/// content) in a degree context: a 500 × 250 square of a plane bounded by four pcurves, every segment
/// written `.F.` although the chain runs forward (as Pro/ENGINEER writes it) and every 3D curve an
/// unbounded line; a quarter of a cylinder of radius 10 and height 20 trimmed in degrees; and a wireframe
/// B-spline curve, which is not a face.
const SURFACE_SET: &str = "ISO-10303-21;HEADER;FILE_DESCRIPTION((''),'2;1');\
FILE_NAME('s.stp','',(''),(''),'pre','Hand','');FILE_SCHEMA(('AUTOMOTIVE_DESIGN'));ENDSEC;DATA;
#1=(LENGTH_UNIT()NAMED_UNIT(*)SI_UNIT(.MILLI.,.METRE.));
#2=(NAMED_UNIT(*)PLANE_ANGLE_UNIT()SI_UNIT($,.RADIAN.));
#3=PLANE_ANGLE_MEASURE_WITH_UNIT(PLANE_ANGLE_MEASURE(0.0174532925199433),#2);
#4=(CONVERSION_BASED_UNIT('DEGREE',#3)NAMED_UNIT(#5)PLANE_ANGLE_UNIT());
#5=DIMENSIONAL_EXPONENTS(0.,0.,0.,0.,0.,0.,0.);
#6=(GEOMETRIC_REPRESENTATION_CONTEXT(3)GLOBAL_UNIT_ASSIGNED_CONTEXT((#1,#4))REPRESENTATION_CONTEXT('',''));
#7=(GEOMETRIC_REPRESENTATION_CONTEXT(2)PARAMETRIC_REPRESENTATION_CONTEXT()REPRESENTATION_CONTEXT('',''));
#10=PRODUCT('p','Patches','',());#11=PRODUCT_DEFINITION_FORMATION('','',#10);
#12=PRODUCT_DEFINITION('','',#11,$);#13=PRODUCT_DEFINITION_SHAPE('','',#12);
#14=GEOMETRICALLY_BOUNDED_SURFACE_SHAPE_REPRESENTATION('',(#15),#6);#16=SHAPE_DEFINITION_REPRESENTATION(#13,#14);
#15=GEOMETRIC_SET('',(#20,#60,#70));
#20=CURVE_BOUNDED_SURFACE('',#21,(#22),.F.);
#21=PLANE('',#23);#23=AXIS2_PLACEMENT_3D('',#24,$,$);#24=CARTESIAN_POINT('',(0.,0.,0.));
#22=OUTER_BOUNDARY_CURVE('',(#30,#31,#32,#33),.F.);
#30=COMPOSITE_CURVE_SEGMENT(.CONTINUOUS.,.F.,#34);#31=COMPOSITE_CURVE_SEGMENT(.CONTINUOUS.,.F.,#35);
#32=COMPOSITE_CURVE_SEGMENT(.CONTINUOUS.,.F.,#36);#33=COMPOSITE_CURVE_SEGMENT(.CONTINUOUS.,.F.,#37);
#34=SURFACE_CURVE('',#80,(#40),.PCURVE_S1.);#35=SURFACE_CURVE('',#80,(#41),.PCURVE_S1.);
#36=SURFACE_CURVE('',#80,(#42),.PCURVE_S1.);#37=SURFACE_CURVE('',#80,(#43),.PCURVE_S1.);
#80=LINE('',#24,#81);#81=VECTOR('',#82,1.);#82=DIRECTION('',(1.,0.,0.));
#40=PCURVE('',#21,#44);#44=DEFINITIONAL_REPRESENTATION('',(#50),#7);
#41=PCURVE('',#21,#45);#45=DEFINITIONAL_REPRESENTATION('',(#51),#7);
#42=PCURVE('',#21,#46);#46=DEFINITIONAL_REPRESENTATION('',(#52),#7);
#43=PCURVE('',#21,#47);#47=DEFINITIONAL_REPRESENTATION('',(#53),#7);
#50=TRIMMED_CURVE('',#54,(0.),(1.),.T.,.UNSPECIFIED.);#54=LINE('',#90,#94);
#51=TRIMMED_CURVE('',#55,(0.),(1.),.T.,.UNSPECIFIED.);#55=LINE('',#91,#95);
#52=TRIMMED_CURVE('',#56,(0.),(1.),.T.,.UNSPECIFIED.);#56=LINE('',#92,#96);
#53=TRIMMED_CURVE('',#57,(0.),(1.),.T.,.UNSPECIFIED.);#57=LINE('',#93,#97);
#90=CARTESIAN_POINT('',(0.,0.));#91=CARTESIAN_POINT('',(500.,0.));
#92=CARTESIAN_POINT('',(500.,250.));#93=CARTESIAN_POINT('',(0.,250.));
#94=VECTOR('',#98,500.);#95=VECTOR('',#99,250.);#96=VECTOR('',#100,500.);#97=VECTOR('',#101,250.);
#98=DIRECTION('',(1.,0.));#99=DIRECTION('',(0.,1.));#100=DIRECTION('',(-1.,0.));#101=DIRECTION('',(0.,-1.));
#60=RECTANGULAR_TRIMMED_SURFACE('',#61,0.,90.,0.,20.,.T.,.T.);
#61=CYLINDRICAL_SURFACE('',#62,10.);#62=AXIS2_PLACEMENT_3D('',#63,$,$);#63=CARTESIAN_POINT('',(0.,0.,100.));
#70=B_SPLINE_CURVE_WITH_KNOTS('',1,(#71,#72),.UNSPECIFIED.,.F.,.F.,(2,2),(0.,1.),.UNSPECIFIED.);
#71=CARTESIAN_POINT('',(0.,0.,0.));#72=CARTESIAN_POINT('',(0.,0.,900.));
ENDSEC;END-ISO-10303-21;";

#[test]
fn surfaces_of_a_geometric_set_are_faces_of_an_open_shell() {
    let doc = read(SURFACE_SET.as_bytes()).expect("reads");
    let m = doc.model3d.expect("3D");
    assert_eq!(m.parts.len(), 1);
    let solids = &m.parts[0].solids;
    assert_eq!(solids.len(), 1);
    assert_eq!(solids[0].kind, crate::model::SolidKind::Shell);
    assert_eq!((solids[0].faces.len(), solids[0].faces_without_mesh), (2, 0), "two surfaces; the curve is no face");
    let area = |i: usize| measure_faces(&solids[0].faces[i..=i], &crate::model::Affine::IDENTITY).area;
    // A plane meshes exactly from its corners (f32 positions).
    assert!((area(0) / 125_000.0 - 1.0).abs() < 1e-6, "square {}", area(0));
    // A quarter cylinder: r·(π/2)·h, chords inside the arc lose a little.
    let quarter = 10.0 * std::f64::consts::FRAC_PI_2 * 20.0;
    assert!((area(1) / quarter - 1.0).abs() < 5e-3, "quarter cylinder {}", area(1));
    let b = measure_faces(&solids[0].faces[1..=1], &crate::model::Affine::IDENTITY).bbox;
    assert!((b.min.z - 100.0).abs() < 1e-4 && (b.max.z - 120.0).abs() < 1e-4, "{b:?}");
    assert!((b.max.x - 10.0).abs() < 1e-4 && (b.max.y - 10.0).abs() < 1e-4, "{b:?}");
}

#[test]
fn a_root_product_without_shape_is_no_part() {
    // A raw-material product (named by a MAKE_FROM_USAGE_OPTION in CAx-IF files) has no representation.
    let text = ASSEMBLY.replace(
        "ENDSEC;END-ISO-10303-21;",
        "#200=PRODUCT('m','Material','',());#201=PRODUCT_DEFINITION_FORMATION('','',#200);\
         #202=PRODUCT_DEFINITION('','',#201,$);ENDSEC;END-ISO-10303-21;",
    );
    let m = read(text.as_bytes()).expect("reads").model3d.expect("3D");
    assert_eq!(m.roots.len(), 1);
    assert_eq!(m.roots[0].name, "Assembly");
}

#[test]
fn a_linked_wireframe_model_is_a_component_of_its_product() {
    // The pin's shape also links an edge-based wireframe: OpenCASCADE makes the pin an assembly of the
    // solid and the wire, so each of the two pins has two leaves; the wire's part is one edge along x
    // from the inch tetrahedron's origin to its (1, 0, 0) corner, in millimetres.
    let text = ASSEMBLY.replace(
        "ENDSEC;END-ISO-10303-21;",
        "#210=EDGE_BASED_WIREFRAME_MODEL('',(#211));#211=CONNECTED_EDGE_SET('',(#214));\
         #212=EDGE_BASED_WIREFRAME_SHAPE_REPRESENTATION('',(#210),#6);\
         #213=SHAPE_REPRESENTATION_RELATIONSHIP('','',#24,#212);\
         #214=EDGE_CURVE('',#215,#216,#217,.T.);#215=VERTEX_POINT('',#70);#216=VERTEX_POINT('',#71);\
         #217=LINE('',#70,#218);#218=VECTOR('',#62,1.);ENDSEC;END-ISO-10303-21;",
    );
    let m = read(text.as_bytes()).expect("reads").model3d.expect("3D");
    let pins = &m.roots[0].children;
    assert_eq!(pins.len(), 2);
    assert!(pins.iter().all(|p| p.kind == NodeKind::Assembly && p.children.len() == 2), "{pins:?}");
    let parts: Vec<&crate::model::PartDef> = pins[0].children.iter().filter_map(|c| m.parts.get(c.part?)).collect();
    assert_eq!(parts.len(), 2, "the solid and the wire are both parts");
    assert_eq!(parts.iter().filter(|p| p.solids.is_empty()).count(), 1, "the wire has no mesh");
    let wires: Vec<&Vec<[f32; 3]>> = parts.iter().flat_map(|p| &p.wires).map(|w| &w.points).collect();
    assert_eq!(wires, vec![&vec![[0.0, 0.0, 0.0], [25.4, 0.0, 0.0]]]);
}

/// A wireframe-only part (a GEOMETRICALLY_BOUNDED_WIREFRAME_SHAPE_REPRESENTATION) in millimetres: a
/// GEOMETRIC_CURVE_SET of a whole circle of radius 10 about the origin in the XY plane, a three-point
/// polyline (0,−12,0) → (20,0,5) → (20,12,5), a free point (−15,0,−3) and an unbounded LINE.
pub(crate) const WIREFRAME: &str = "ISO-10303-21;HEADER;FILE_DESCRIPTION((''),'2;1');\
FILE_NAME('w.stp','',(''),(''),'pre','Hand','');FILE_SCHEMA(('AUTOMOTIVE_DESIGN'));ENDSEC;DATA;
#1=(LENGTH_UNIT()NAMED_UNIT(*)SI_UNIT(.MILLI.,.METRE.));
#2=(GEOMETRIC_REPRESENTATION_CONTEXT(3)GLOBAL_UNIT_ASSIGNED_CONTEXT((#1))REPRESENTATION_CONTEXT('',''));
#10=PRODUCT('w','Wire','',());#11=PRODUCT_DEFINITION_FORMATION('','',#10);
#12=PRODUCT_DEFINITION('','',#11,$);#13=PRODUCT_DEFINITION_SHAPE('','',#12);
#14=GEOMETRICALLY_BOUNDED_WIREFRAME_SHAPE_REPRESENTATION('',(#20),#2);
#15=SHAPE_DEFINITION_REPRESENTATION(#13,#14);
#20=GEOMETRIC_CURVE_SET('',(#21,#22,#23,#24));
#30=CARTESIAN_POINT('',(0.,0.,0.));#31=DIRECTION('',(0.,0.,1.));#32=DIRECTION('',(1.,0.,0.));
#33=AXIS2_PLACEMENT_3D('',#30,#31,#32);#21=CIRCLE('',#33,10.);
#40=CARTESIAN_POINT('',(0.,-12.,0.));#41=CARTESIAN_POINT('',(20.,0.,5.));#42=CARTESIAN_POINT('',(20.,12.,5.));
#22=POLYLINE('',(#40,#41,#42));
#23=CARTESIAN_POINT('',(-15.,0.,-3.));
#50=VECTOR('',#32,1.);#24=LINE('',#30,#50);
ENDSEC;END-ISO-10303-21;";

#[test]
fn wireframe_curves_and_points_make_the_box_and_skip_the_unbounded_line() {
    let doc = read(WIREFRAME.as_bytes()).expect("reads");
    let m = doc.model3d.as_ref().expect("3D");
    assert_eq!(m.parts.len(), 1);
    let part = &m.parts[0];
    assert!(part.solids.is_empty());
    // The chord tolerance is 0.1 % of the box the reader estimates before flattening (the circle as the
    // cube of its radius): diagonal √(35² + 24² + 20²) = 46.915…; the circle is cut at half of it, so
    // 2·acos(1 − 0.02346/10) = 0.1370 rad a chord, 46 chords, 47 points. The polyline keeps its 3.
    assert_eq!(part.wires.len(), 2);
    assert_eq!(part.wires[0].points.len(), 47);
    assert_eq!(part.wires[0].points.first(), part.wires[0].points.last(), "a whole circle closes");
    assert_eq!(part.wires[1].points, vec![[0.0, -12.0, 0.0], [20.0, 0.0, 5.0], [20.0, 12.0, 5.0]]);
    assert_eq!(part.points, vec![[-15.0, 0.0, -3.0]]);
    assert_eq!(part.wire_vertices(), 51);
    let b = part.wire_bbox(&crate::model::Affine::IDENTITY);
    assert_eq!([b.min.x, b.min.y, b.min.z], [-15.0, -12.0, -3.0]);
    assert_eq!([b.max.x, b.max.y, b.max.z], [20.0, 12.0, 5.0]);
    assert!(
        doc.diagnostics
            .warnings
            .iter()
            .any(|w| w == "1 wireframe curves or points not drawn: 1 × unbounded LINE (no finite extent)"),
        "{:?}",
        doc.diagnostics.warnings
    );
}

/// A unit tetrahedron (faceted B-rep, mm) whose bounds all run inward, and a 10 mm cube with that
/// tetrahedron as a void whose bounds run outward: both shells are turned the way their role asks.
const INSIDE_OUT: &str = "ISO-10303-21;HEADER;FILE_DESCRIPTION((''),'2;1');\
FILE_NAME('t.stp','',(''),(''),'pre','Hand','');FILE_SCHEMA(('CONFIG_CONTROL_DESIGN'));ENDSEC;DATA;
#1=(LENGTH_UNIT()NAMED_UNIT(*)SI_UNIT(.MILLI.,.METRE.));
#2=(GEOMETRIC_REPRESENTATION_CONTEXT(3)GLOBAL_UNIT_ASSIGNED_CONTEXT((#1))REPRESENTATION_CONTEXT('',''));
#10=PRODUCT('t','Tetra','',());#11=PRODUCT_DEFINITION_FORMATION('','',#10);
#12=PRODUCT_DEFINITION('','',#11,$);#13=PRODUCT_DEFINITION_SHAPE('','',#12);
#14=SHAPE_REPRESENTATION('',(#90,#190),#2);#15=SHAPE_DEFINITION_REPRESENTATION(#13,#14);
#70=CARTESIAN_POINT('',(1.,1.,1.));#71=CARTESIAN_POINT('',(2.,1.,1.));
#72=CARTESIAN_POINT('',(1.,2.,1.));#73=CARTESIAN_POINT('',(1.,1.,2.));
#80=POLY_LOOP('',(#70,#72,#71));#81=POLY_LOOP('',(#70,#71,#73));#82=POLY_LOOP('',(#70,#73,#72));
#83=POLY_LOOP('',(#71,#72,#73));
#84=FACE('',(#85));#85=FACE_OUTER_BOUND('',#80,.F.);#86=FACE('',(#87));#87=FACE_OUTER_BOUND('',#81,.F.);
#88=FACE('',(#89));#89=FACE_OUTER_BOUND('',#82,.F.);#91=FACE('',(#92));#92=FACE_OUTER_BOUND('',#83,.F.);
#93=CLOSED_SHELL('',(#84,#86,#88,#91));#90=FACETED_BREP('tetra',#93);
#194=FACE('',(#195));#195=FACE_OUTER_BOUND('',#80,.T.);#196=FACE('',(#197));#197=FACE_OUTER_BOUND('',#81,.T.);
#198=FACE('',(#199));#199=FACE_OUTER_BOUND('',#82,.T.);#200=FACE('',(#201));#201=FACE_OUTER_BOUND('',#83,.T.);
#202=CLOSED_SHELL('',(#194,#196,#198,#200));
#100=CARTESIAN_POINT('',(0.,0.,0.));#101=CARTESIAN_POINT('',(10.,0.,0.));
#102=CARTESIAN_POINT('',(10.,10.,0.));#103=CARTESIAN_POINT('',(0.,10.,0.));
#104=CARTESIAN_POINT('',(0.,0.,10.));#105=CARTESIAN_POINT('',(10.,0.,10.));
#106=CARTESIAN_POINT('',(10.,10.,10.));#107=CARTESIAN_POINT('',(0.,10.,10.));
#110=POLY_LOOP('',(#100,#103,#102,#101));#111=POLY_LOOP('',(#104,#105,#106,#107));
#112=POLY_LOOP('',(#100,#101,#105,#104));#113=POLY_LOOP('',(#101,#102,#106,#105));
#114=POLY_LOOP('',(#102,#103,#107,#106));#115=POLY_LOOP('',(#103,#100,#104,#107));
#120=FACE('',(#130));#130=FACE_OUTER_BOUND('',#110,.T.);#121=FACE('',(#131));#131=FACE_OUTER_BOUND('',#111,.T.);
#122=FACE('',(#132));#132=FACE_OUTER_BOUND('',#112,.T.);#123=FACE('',(#133));#133=FACE_OUTER_BOUND('',#113,.T.);
#124=FACE('',(#134));#134=FACE_OUTER_BOUND('',#114,.T.);#125=FACE('',(#135));#135=FACE_OUTER_BOUND('',#115,.T.);
#140=CLOSED_SHELL('',(#120,#121,#122,#123,#124,#125));
#190=BREP_WITH_VOIDS('cube',#140,(#202));
ENDSEC;END-ISO-10303-21;";

#[test]
fn inside_out_shells_are_turned_outward_and_voids_inward() {
    let doc = read(INSIDE_OUT.as_bytes()).expect("reads");
    let m = doc.model3d.expect("3D");
    let solids = &m.parts[0].solids;
    assert_eq!(solids.len(), 2);
    let volume = |i: usize| measure_faces(&solids[i].faces, &crate::model::Affine::IDENTITY).signed_volume;
    assert!((volume(0) - 1.0 / 6.0).abs() < 1e-6, "tetrahedron {}", volume(0));
    assert!((volume(1) - (1000.0 - 1.0 / 6.0)).abs() < 1e-4, "cube less its void {}", volume(1));
}

/// A STEP file whose one part is a shell-based surface model of one open shell holding face #20;
/// `data` writes #20 and what it references (ids from #20 on).
fn one_face_file(data: &str) -> String {
    format!(
        "ISO-10303-21;HEADER;FILE_DESCRIPTION((''),'2;1');\
FILE_NAME('f.stp','',(''),(''),'pre','Hand','');FILE_SCHEMA(('AUTOMOTIVE_DESIGN'));ENDSEC;DATA;
#1=(LENGTH_UNIT()NAMED_UNIT(*)SI_UNIT(.MILLI.,.METRE.));
#2=(GEOMETRIC_REPRESENTATION_CONTEXT(3)GLOBAL_UNIT_ASSIGNED_CONTEXT((#1))REPRESENTATION_CONTEXT('',''));
#10=PRODUCT('f','Face','',());#11=PRODUCT_DEFINITION_FORMATION('','',#10);
#12=PRODUCT_DEFINITION('','',#11,$);#13=PRODUCT_DEFINITION_SHAPE('','',#12);
#14=MANIFOLD_SURFACE_SHAPE_REPRESENTATION('',(#15),#2);#15=SHELL_BASED_SURFACE_MODEL('',(#16));
#17=SHAPE_DEFINITION_REPRESENTATION(#13,#14);
#16=OPEN_SHELL('',(#20));
{data}
ENDSEC;END-ISO-10303-21;"
    )
}

/// A planar face bounded by an open quadratic B-spline from (0,0) over (1,2) to (2,0) and the line back,
/// in a shell-based surface model. `start` and `end` name the B-spline edge's vertices: #31..#32 is right;
/// one vertex for both ends (#31..#31, #32..#32) is the mistake Alias-written files make on some edges.
fn one_vertex_edge_file(start: &str, end: &str) -> String {
    one_face_file(&format!(
        "#20=ADVANCED_FACE('',(#21),#22,.T.);#21=FACE_OUTER_BOUND('',#23,.T.);
#22=PLANE('',#24);#24=AXIS2_PLACEMENT_3D('',#25,$,$);#25=CARTESIAN_POINT('',(0.,0.,0.));
#23=EDGE_LOOP('',(#26,#27));#26=ORIENTED_EDGE('',*,*,#28,.T.);#27=ORIENTED_EDGE('',*,*,#29,.T.);
#28=EDGE_CURVE('',{start},{end},#40,.T.);#29=EDGE_CURVE('',#32,#31,#41,.T.);
#31=VERTEX_POINT('',#33);#32=VERTEX_POINT('',#34);
#33=CARTESIAN_POINT('',(0.,0.,0.));#34=CARTESIAN_POINT('',(2.,0.,0.));#35=CARTESIAN_POINT('',(1.,2.,0.));
#40=B_SPLINE_CURVE_WITH_KNOTS('',2,(#33,#35,#34),.UNSPECIFIED.,.F.,.F.,(3,3),(0.,1.),.UNSPECIFIED.);
#41=LINE('',#34,#42);#42=VECTOR('',#43,1.);#43=DIRECTION('',(-1.,0.,0.));
"
    ))
}

#[test]
fn an_open_b_spline_edge_naming_one_vertex_twice_takes_the_curve_ends() {
    // Between a quadratic Bézier arc and its chord lies 2/3 of its control triangle: 2/3 · 2 = 4/3.
    for (start, end) in [("#31", "#32"), ("#31", "#31"), ("#32", "#32")] {
        let vertex = format!("{start}..{end}");
        let doc = read(one_vertex_edge_file(start, end).as_bytes()).expect("reads");
        let m = doc.model3d.expect("3D");
        let solids = &m.parts[0].solids;
        assert_eq!(solids.len(), 1, "{vertex}");
        assert_eq!((solids[0].faces.len(), solids[0].faces_without_mesh), (1, 0), "{vertex}");
        let area = measure_faces(&solids[0].faces, &crate::model::Affine::IDENTITY).area;
        assert!((area / (4.0 / 3.0) - 1.0).abs() < 5e-3, "{vertex}: area {area}");
    }
}

/// One octant of the unit sphere (x, y, z ≥ 0) bounded by the equator and two meridians, its pole corner
/// written at `pole` (the exact pole is (0,0,1)).
fn sphere_octant_file(pole: &str) -> String {
    one_face_file(&format!(
        "#20=ADVANCED_FACE('',(#21),#22,.T.);#21=FACE_OUTER_BOUND('',#23,.T.);
#22=SPHERICAL_SURFACE('',#24,1.);#24=AXIS2_PLACEMENT_3D('',#25,$,$);#25=CARTESIAN_POINT('',(0.,0.,0.));
#23=EDGE_LOOP('',(#26,#27,#28));
#26=ORIENTED_EDGE('',*,*,#50,.T.);#27=ORIENTED_EDGE('',*,*,#51,.T.);#28=ORIENTED_EDGE('',*,*,#52,.F.);
#50=EDGE_CURVE('',#31,#32,#60,.T.);#51=EDGE_CURVE('',#32,#33,#61,.T.);#52=EDGE_CURVE('',#31,#33,#62,.T.);
#31=VERTEX_POINT('',#34);#32=VERTEX_POINT('',#35);#33=VERTEX_POINT('',#36);
#34=CARTESIAN_POINT('',(1.,0.,0.));#35=CARTESIAN_POINT('',(0.,1.,0.));#36=CARTESIAN_POINT('',{pole});
#60=CIRCLE('',#24,1.);
#61=CIRCLE('',#70,1.);#70=AXIS2_PLACEMENT_3D('',#25,#71,#72);
#71=DIRECTION('',(1.,0.,0.));#72=DIRECTION('',(0.,1.,0.));
#62=CIRCLE('',#73,1.);#73=AXIS2_PLACEMENT_3D('',#25,#74,#75);
#74=DIRECTION('',(0.,-1.,0.));#75=DIRECTION('',(1.,0.,0.));
"
    ))
}

#[test]
fn a_corner_vertex_off_its_curves_moves_to_where_the_curves_meet() {
    // bug25013's fault: the corner at the pole written 0.1 beside both meridians (0.14 off the pole). Its
    // edges must still end at the pole, where the meridians meet, so the face keeps the octant's area π/2
    // and stays inside the octant.
    for pole in ["(0.,0.,1.)", "(-0.1,-0.1,0.99)"] {
        let doc = read(sphere_octant_file(pole).as_bytes()).expect("reads");
        let m = doc.model3d.expect("3D");
        let faces = &m.parts[0].solids[0].faces;
        let measured = measure_faces(faces, &crate::model::Affine::IDENTITY);
        let area = measured.area;
        assert!((area / std::f64::consts::FRAC_PI_2 - 1.0).abs() < 5e-3, "pole at {pole}: area {area}");
        let b = measured.bbox;
        assert!(b.min.x > -1e-6 && b.min.y > -1e-6, "pole at {pole}: box min {:?}", b.min);
        assert!((b.max.z - 1.0).abs() < 1e-6, "pole at {pole}: box max {:?}", b.max);
    }
}
