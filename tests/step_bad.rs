//! Hostile STEP input: each case must end in a typed error (or, for damage the reader does not need, a
//! document with a warning) and do so quickly — the 1 s bound is a hang guard, not a speed measurement.

use std::sync::mpsc;
use std::time::Duration;

use cadlens::formats::step::{self, StepError};
use cadlens::model::Document;

mod common;

/// Reads on a worker thread; a read that does not finish within 1 s is a hang and fails the test.
fn read_within_a_second(bytes: Vec<u8>) -> Result<Document, StepError> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(step::read(&bytes));
    });
    rx.recv_timeout(Duration::from_secs(1)).expect("the STEP reader answers within 1 s")
}

fn file(data: &str) -> Vec<u8> {
    format!(
        "ISO-10303-21;\nHEADER;\nFILE_DESCRIPTION((''),'2;1');\nFILE_NAME('','',(''),(''),'','','');\n\
         FILE_SCHEMA(('AUTOMOTIVE_DESIGN'));\nENDSEC;\nDATA;\n{data}\nENDSEC;\nEND-ISO-10303-21;\n"
    )
    .into_bytes()
}

#[test]
fn a_needed_instance_that_references_itself_is_a_cycle_error() {
    match read_within_a_second(file("#1=PRODUCT_DEFINITION('d','',#1,#1);")) {
        Err(StepError::Cycle { id: 1, path, at }) => {
            assert_eq!(path, "#1 → #1");
            assert_eq!(at.line, 8);
        }
        other => panic!("expected a cycle error, got {other:?}"),
    }
}

#[test]
fn an_assembly_that_contains_itself_is_a_cycle_error() {
    let data = "#1=PRODUCT_DEFINITION('a','',$,$);#2=PRODUCT_DEFINITION('b','',$,$);\
                #3=PRODUCT_DEFINITION('root','',$,$);\
                #10=NEXT_ASSEMBLY_USAGE_OCCURRENCE('1','','',#1,#2,$);\
                #11=NEXT_ASSEMBLY_USAGE_OCCURRENCE('2','','',#2,#1,$);\
                #12=NEXT_ASSEMBLY_USAGE_OCCURRENCE('3','','',#3,#1,$);";
    assert!(matches!(read_within_a_second(file(data)), Err(StepError::Cycle { .. })));
}

#[test]
fn an_unneeded_annotation_cycle_is_a_warning() {
    let doc = read_within_a_second(file("#1=DIMENSION_TEXT_ASSOCIATIVITY('',#2);#2=FOO(#1);")).expect("reads");
    assert_eq!(
        doc.diagnostics.warnings,
        vec!["2 instances on reference cycles the reader does not need (first: #1 → #2 → #1)".to_owned()]
    );
}

#[test]
fn ids_and_counts_beyond_any_budget_are_typed_errors_or_harmless() {
    // An id that does not fit 64 bits.
    match read_within_a_second(file("#99999999999999999999999=FOO();")) {
        Err(StepError::BadNumber { at, .. }) => assert_eq!(at.line, 8),
        other => panic!("expected a number error, got {other:?}"),
    }
    // The largest id is one map entry, not a table that long; a declared 10^9 coordinate count and a 10^9
    // knot multiplicity size nothing (the count is ignored, the multiplicities are checked first).
    let data = "#18446744073709551615=COORDINATES_LIST('',1000000000,((0.,0.,0.)));\
                #2=B_SPLINE_CURVE_WITH_KNOTS('',3,(#3,#3,#3,#3),.UNSPECIFIED.,.F.,.F.,(1000000000,4),(0.,1.),.UNSPECIFIED.);\
                #3=CARTESIAN_POINT('',(0.,0.,0.));";
    let doc = read_within_a_second(file(data)).expect("reads");
    assert_eq!(doc.model3d.map(|m| m.parts.len()), Some(0));
}

#[test]
fn a_200_000_deep_nested_list_is_a_budget_error() {
    let deep = format!("#1=FOO({}{});", "(".repeat(200_000), ")".repeat(200_000));
    match read_within_a_second(file(&deep)) {
        Err(StepError::Budget { what, limit, .. }) => assert_eq!((what, limit), ("list nesting depth", 1024)),
        other => panic!("expected a depth budget error, got {other:?}"),
    }
}

#[test]
fn a_truncated_corpus_file_is_a_positioned_error() {
    let Some(corpus) = common::corpus() else { return };
    let bytes = std::fs::read(corpus.join("step/foxtrot__examples_cube_hole.step")).expect("corpus file");
    let cut = bytes[..bytes.len() / 2].to_vec();
    match read_within_a_second(cut) {
        Err(StepError::Truncated { at, .. }) => assert!(at.line > 10, "{at}"),
        Err(StepError::Syntax { at, .. }) => assert!(at.line > 10, "{at}"),
        other => panic!("expected a truncation error, got {other:?}"),
    }
}

#[test]
fn no_data_section_and_garbage_are_typed_errors() {
    let no_data = b"ISO-10303-21;HEADER;ENDSEC;END-ISO-10303-21;".to_vec();
    assert!(matches!(read_within_a_second(no_data), Err(StepError::NoData { .. })));
    assert!(matches!(read_within_a_second(file("#1=FOO(1 2);")), Err(StepError::Syntax { .. })));
    assert!(matches!(read_within_a_second(file("#1=FOO('open);")), Err(StepError::Truncated { .. })));
}
