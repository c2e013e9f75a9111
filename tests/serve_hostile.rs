//! `cadlens serve` on STEP and on hostile uploads (issue 9): a corpus STEP goes through the whole flow, and a
//! DWFx zip bomb, a STEP reference cycle and an STL declaring 2^31 − 1 triangles each end only their own job
//! (refused at upload or FAILED), fast, with the server healthy and the next job fine.

mod serve_support;

use std::process::Command;
use std::time::{Duration, Instant};

use serve_support::{Server, corpus_file};

const STEP: &str = "step/cadquery__tests_testdata_red_cube_blue_cylinder.step";
const GEAR: &str = "dxf/cadquery__tests_testdata_gear.dxf";

#[test]
fn step_upload_poll_result_and_3d_preview() {
    let Some(step) = corpus_file(STEP) else { return };
    let srv = Server::start(&[]);
    let (key, _) = srv.key("ann@example.com", &[]);
    let up = srv.upload(&key, "red_cube_blue_cylinder.step", &step, "");
    assert_eq!(up.status, 202, "{}", up.text());
    let id = up.json()["jobId"].as_str().expect("jobId").to_owned();
    let job = srv.wait_terminal(&key, &id);
    assert_eq!((job["status"].as_str(), job["format"].as_str()), (Some("COMPLETED"), Some("STEP")), "{job}");

    let doc = srv.get(&format!("/v1/jobs/{id}/result?schema=2024-01"), Some(&key)).json();
    let model = &doc["model3d"];
    // OpenCASCADE reads two parts (a cube and a cylinder) from this file.
    assert_eq!(model["parts"].as_array().map(Vec::len), Some(2), "{model}");
    assert!(model["triangleCount"].as_u64().is_some_and(|t| t > 12), "{model}");
    assert!(!srv.data().join("jobs").join(&id).join("original").exists(), "original gone after retrieval");

    let image = srv.get(&format!("/v1/jobs/{id}/image"), Some(&key)).json();
    let png = srv.get(image["imageUrl"].as_str().expect("imageUrl"), None);
    assert_eq!(png.status, 200);
    assert!(png.body.starts_with(b"\x89PNG\r\n\x1a\n"), "a 3D preview");
}

/// A DWFx-shaped ZIP whose one DWF part inflates to 1 GiB of zeros (about 1 MiB compressed), made by Python's
/// zipfile so the bytes are a real ZIP.
fn dwfx_zip_bomb() -> Vec<u8> {
    let script = r#"
import io, sys, zipfile
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    z.writestr("[Content_Types].xml", "<Types/>")
    z.writestr("_rels/.rels", "<Relationships/>")
    with z.open("DWFDocumentSequence.dwfseq", "w", force_zip64=True) as part:
        block = bytes(1 << 20)
        for _ in range(1024):
            part.write(block)
sys.stdout.buffer.write(buf.getvalue())
"#;
    let out = Command::new("python3").args(["-c", script]).output().expect("python3 runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// `#1` and `#2` name each other as their product definition: resolving the shape must detect the cycle.
const STEP_CYCLE: &str = "ISO-10303-21;\nHEADER;\nFILE_DESCRIPTION((''),'2;1');\nFILE_NAME('c','',(''),(''),'','','');\n\
FILE_SCHEMA(('AUTOMOTIVE_DESIGN'));\nENDSEC;\nDATA;\n#1=PRODUCT_DEFINITION_SHAPE('','',#2);\n\
#2=PRODUCT_DEFINITION_SHAPE('','',#1);\n#3=SHAPE_DEFINITION_REPRESENTATION(#1,#3);\nENDSEC;\nEND-ISO-10303-21;\n";

/// A binary STL whose header declares 2^31 − 1 triangles and that holds two.
fn stl_huge_count() -> Vec<u8> {
    let mut b = vec![0u8; 80];
    b.extend_from_slice(&0x7fff_ffffu32.to_le_bytes());
    for t in 0..2u32 {
        let mut rec = [0u8; 50];
        let coords: [f32; 9] = [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, t as f32];
        for (i, c) in coords.iter().enumerate() {
            rec[12 + 4 * i..16 + 4 * i].copy_from_slice(&c.to_le_bytes());
        }
        b.extend_from_slice(&rec);
    }
    b
}

#[test]
fn hostile_files_end_only_their_own_job_and_the_next_job_succeeds() {
    let Some(gear) = corpus_file(GEAR) else { return };
    let srv = Server::start(&["--job-timeout", "30s"]);
    let (key, _) = srv.key("ann@example.com", &[]);
    let hostile: [(&str, Vec<u8>); 3] = [
        ("bomb.dwfx", dwfx_zip_bomb()),
        ("cycle.step", STEP_CYCLE.as_bytes().to_vec()),
        ("huge.stl", stl_huge_count()),
    ];
    for (name, bytes) in &hostile {
        let started = Instant::now();
        let up = srv.upload(&key, name, bytes, "");
        let outcome = if up.status == 202 {
            let id = up.json()["jobId"].as_str().expect("jobId").to_owned();
            let job = srv.wait_terminal(&key, &id);
            format!("{} {}", job["status"], job["errorMsg"])
        } else {
            assert!(matches!(up.status, 415 | 422), "{name}: {} {}", up.status, up.text());
            format!("refused {}", up.status)
        };
        let took = started.elapsed();
        eprintln!("{name}: {outcome} in {took:?}");
        assert!(took < Duration::from_secs(20), "{name} took {took:?}");
        let health = srv.get("/v1/health", None);
        assert_eq!(health.status, 200, "server healthy after {name}");
    }
    // The cycle cannot be a parse: its job ends FAILED with a reason, not COMPLETED.
    let cycle = srv.upload(&key, "cycle2.step", STEP_CYCLE.as_bytes(), "?wait=true");
    let body = cycle.json();
    assert_ne!(body["status"], "COMPLETED", "{body}");

    let next = srv.upload(&key, "gear.dxf", &gear, "?wait=true");
    assert_eq!((next.status, next.json()["status"].as_str()), (200, Some("COMPLETED")), "{}", next.text());
}
