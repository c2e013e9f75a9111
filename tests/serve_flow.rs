//! `cadlens serve` end to end on real corpus files (api.md §3–§7, §9–§10): the real binary on a free
//! loopback port with a temporary store; accounts and keys made with the CLI; HTTP from the test.

mod serve_support;

use serve_support::{Server, corpus_file};

const GEAR: &str = "dxf/cadquery__tests_testdata_gear.dxf";
const CUBE: &str = "stl/occt-import-js__test_testfiles_cube-10x10mm_Cube 10x10.stl";

#[test]
fn dxf_upload_poll_result_image_download_then_the_original_is_gone() {
    let Some(gear) = corpus_file(GEAR) else { return };
    let srv = Server::start(&["--preview-ttl", "3s"]);
    let (key, _) = srv.key("ann@example.com", &[]);

    let up = srv.upload(&key, "gear.dxf", &gear, "");
    assert_eq!(up.status, 202, "{}", up.text());
    let summary = up.json();
    let id = summary["jobId"].as_str().expect("jobId").to_owned();
    assert_eq!(summary["job_id"], id.as_str());
    assert_eq!(
        (summary["fileName"].as_str(), summary["fileSize"].as_u64()),
        (Some("gear.dxf"), Some(gear.len() as u64))
    );
    assert_eq!(up.header("location"), Some(format!("/v1/jobs/{id}").as_str()));
    assert!(id.starts_with("job_") && id.len() == 28, "{id}");

    let job = srv.wait_terminal(&key, &id);
    assert_eq!(job["status"], "COMPLETED", "{job}");
    assert_eq!((job["format"].as_str(), job["errorMsg"].as_str()), (Some("DXF"), None));
    let original = srv.data().join("jobs").join(&id).join("original");
    assert!(original.is_file(), "the original is kept until the result is retrieved");

    let result = srv.get(&format!("/v1/jobs/{id}/result"), Some(&key));
    assert_eq!(result.status, 200);
    let doc = result.json();
    assert_eq!(doc["schemaVersion"], "2.0.0");
    assert_eq!(doc["jobId"], id.as_str());
    assert_eq!(doc["summary"]["totalEntities"], 364, "the gear has 332 lines and 32 arcs");
    assert!(doc["imageUrl"].as_str().is_some_and(|u| u.contains(&format!("/v1/previews/{id}.png?expires="))));
    assert_eq!(doc["sheets"][0]["imageUrl"], doc["imageUrl"]);
    assert!(!original.exists(), "the original is deleted after the first result delivery");
    let old = srv.get(&format!("/v1/jobs/{id}/result?schema=2024-01"), Some(&key)).json();
    assert_eq!(old["vectorJson"].as_array().map(Vec::len), Some(364));

    let image = srv.get(&format!("/v1/jobs/{id}/image"), Some(&key)).json();
    let url = image["imageUrl"].as_str().expect("imageUrl").to_owned();
    assert_eq!(image["imageUrls"][0], url.as_str());
    let png = srv.get(&url, None);
    assert_eq!((png.status, png.header("content-type")), (200, Some("image/png")));
    assert!(png.body.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert!(png.header("cache-control").is_some_and(|c| c.starts_with("private, max-age=")));

    let tampered = url.replace("&sig=", "&sig=A");
    srv.get(&tampered, None).expect_error(403, "INVALID_SIGNATURE");
    let (path, query) = url.split_once('?').expect("query");
    let expires: u64 =
        query.split('&').find_map(|p| p.strip_prefix("expires=")).and_then(|e| e.parse().ok()).expect("expires");
    let later = url.replace(&format!("expires={expires}"), &format!("expires={}", expires + 3600));
    srv.get(&later, None).expect_error(403, "INVALID_SIGNATURE");
    srv.get(path, None).expect_error(403, "INVALID_SIGNATURE");
    std::thread::sleep(std::time::Duration::from_millis(4200));
    srv.get(&url, None).expect_error(403, "URL_EXPIRED");
}

#[test]
fn sync_wait_returns_the_result_delete_removes_everything_and_other_keys_see_nothing() {
    let (Some(gear), Some(cube)) = (corpus_file(GEAR), corpus_file(CUBE)) else { return };
    let srv = Server::start(&[]);
    let (key, _) = srv.key("ann@example.com", &[]);
    let (other, _) = srv.key("bob@example.com", &[]);

    let sync = srv.upload(&key, "Cube 10x10.stl", &cube, "?wait=true");
    assert_eq!(sync.status, 200, "{}", sync.text());
    let doc = sync.json();
    assert_eq!((doc["status"].as_str(), doc["file"]["format"].as_str()), (Some("COMPLETED"), Some("STL")));
    assert_eq!(doc["job_id"], doc["jobId"]);
    assert_eq!(doc["fileSize"], cube.len() as u64);
    assert!(doc["completedAt"].is_string());
    assert!(
        doc["imageUrl"].as_str().is_some_and(|u| u.contains("/v1/previews/job_")),
        "a 3D model's preview is its shaded view: {}",
        doc["imageUrl"]
    );

    let old = srv.upload(&key, "gear.dxf", &gear, "?wait=true&schema=2024-01").json();
    assert!(old["vectorJson"].is_array(), "the schema asked for at upload");
    let id = old["jobId"].as_str().expect("id").to_owned();
    let url = srv.get(&format!("/v1/jobs/{id}/image"), Some(&key)).json()["imageUrl"].as_str().expect("url").to_owned();

    // Tenancy: another account's key gets exactly what a missing job gets.
    let missing = srv.get("/v1/jobs/job_000000000000000000000000", Some(&other)).expect_error(404, "NOT_FOUND");
    for route in ["", "/result", "/image"] {
        let foreign = srv.get(&format!("/v1/jobs/{id}{route}"), Some(&other)).expect_error(404, "NOT_FOUND");
        assert_eq!(foreign["error"], missing["error"]);
    }
    srv.delete(&format!("/v1/jobs/{id}"), &other).expect_error(404, "NOT_FOUND");
    assert_eq!(srv.get("/v1/jobs", Some(&other)).json()["jobs"].as_array().map(Vec::len), Some(0));
    assert_eq!(srv.get("/v1/jobs", Some(&key)).json()["jobs"].as_array().map(Vec::len), Some(2));

    let usage = srv.get("/v1/usage", Some(&key)).json();
    assert_eq!(
        (usage["used"].as_i64(), usage["bytesUploaded"].as_u64()),
        (Some(2), Some((gear.len() + cube.len()) as u64))
    );
    assert_eq!(usage["jobs"]["COMPLETED"], 2);

    let del = srv.delete(&format!("/v1/jobs/{id}"), &key);
    assert_eq!((del.status, del.body.len()), (204, 0));
    for route in ["", "/result", "/image"] {
        srv.get(&format!("/v1/jobs/{id}{route}"), Some(&key)).expect_error(404, "NOT_FOUND");
    }
    srv.get(&url, None).expect_error(404, "NOT_FOUND");
    srv.delete(&format!("/v1/jobs/{id}"), &key).expect_error(404, "NOT_FOUND");
    assert!(!srv.data().join("jobs").join(&id).exists(), "its files are gone");
    assert_eq!(srv.stored_jobs().len(), 1);
    assert_eq!(srv.get("/v1/usage", Some(&key)).json()["used"], 2, "deleting does not refund usage");

    // The CLI on the same store while the server runs.
    let left = srv.stored_jobs()[0]["id"].as_str().expect("id").to_owned();
    let json = |out: std::process::Output| serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("JSON");
    assert_eq!(json(srv.cli(&["jobs", "show", &left], None))["status"], "COMPLETED");
    let usage = json(srv.cli(&["usage", "--account", "ann@example.com", "--json"], None));
    assert_eq!((usage["parses"].as_i64(), usage["jobs"]["COMPLETED"].as_i64()), (Some(2), Some(1)));
    srv.cli(&["gc"], None);
    assert_eq!(srv.stored_jobs().len(), 1, "nothing has expired yet");
    srv.cli(&["jobs", "delete", &left], None);
    srv.get(&format!("/v1/jobs/{left}"), Some(&key)).expect_error(404, "NOT_FOUND");
    assert!(srv.job_files().is_empty());
}

#[test]
fn a_crashing_or_killed_worker_fails_only_its_job() {
    let Some(gear) = corpus_file(GEAR) else { return };
    let srv = Server::start(&["--workers", "1"]);
    let (key, _) = srv.key("ann@example.com", &[]);
    let crash = srv.upload(&key, "segv.dxf", &poison("segv"), "?wait=true").json();
    assert_eq!(crash["status"], "FAILED", "{crash}");
    assert!(crash["errorMsg"].as_str().is_some_and(|m| !m.is_empty()));

    let sleeper = srv.upload(&key, "sleep.dxf", &poison("sleep"), "").json();
    let id = sleeper["jobId"].as_str().expect("id").to_owned();
    let worker = wait_for_worker(srv.pid());
    // SIGKILL from outside, as an operator or the OOM killer would.
    let killed = std::process::Command::new("kill").args(["-9", &worker.to_string()]).status().expect("kill");
    assert!(killed.success());
    let job = srv.wait_terminal(&key, &id);
    assert_eq!(job["status"], "FAILED", "{job}");

    let next = srv.upload(&key, "gear.dxf", &gear, "?wait=true").json();
    assert_eq!(next["status"], "COMPLETED", "the server lives on: {next}");
    assert_eq!(srv.get("/v1/health", None).json()["status"], "ok");
    assert_eq!(srv.get("/v1/usage", Some(&key)).json()["used"], 1, "crashes and kills are not billed");
}

#[test]
fn shutdown_fails_running_jobs_cleanly_and_a_restart_runs_the_queued_ones() {
    let Some(gear) = corpus_file(GEAR) else { return };
    let mut srv = Server::start(&["--workers", "1", "--shutdown-grace", "1s"]);
    let (key, _) = srv.key("ann@example.com", &[]);
    let running = srv.upload(&key, "sleep.dxf", &poison("sleep"), "").json()["jobId"].as_str().expect("id").to_owned();
    wait_for_worker(srv.pid());
    let queued = srv.upload(&key, "gear.dxf", &gear, "").json()["jobId"].as_str().expect("id").to_owned();
    let status = srv.stop();
    assert!(status.success(), "a clean exit on SIGTERM: {status}");

    srv.restart(&["--workers", "1"]);
    let failed = srv.get(&format!("/v1/jobs/{running}"), Some(&key)).json();
    assert_eq!(failed["status"], "FAILED", "{failed}");
    assert!(failed["errorMsg"].as_str().is_some_and(|m| m.contains("shut down")), "{failed}");
    let done = srv.wait_terminal(&key, &queued);
    assert_eq!(done["status"], "COMPLETED", "the queued job ran after the restart: {done}");
    assert_eq!(srv.get("/v1/usage", Some(&key)).json()["used"], 1, "the cancelled job is not billed");
}

/// A DXF that makes a debug-build worker misbehave (`src/worker/hooks.rs`) once it is sandboxed.
fn poison(hook: &str) -> Vec<u8> {
    format!("999\nCADLENS_TEST_HOOK {hook}\n  0\nSECTION\n  2\nENTITIES\n  0\nENDSEC\n  0\nEOF\n").into_bytes()
}

/// The pid of the server's worker child (waits until there is one).
fn wait_for_worker(server: u32) -> u32 {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let children = std::fs::read_to_string(format!("/proc/{server}/task/{server}/children")).unwrap_or_default();
        let all: Vec<u32> = std::fs::read_dir(format!("/proc/{server}/task"))
            .into_iter()
            .flatten()
            .flatten()
            .flat_map(|t| {
                std::fs::read_to_string(t.path().join("children"))
                    .unwrap_or_default()
                    .split_whitespace()
                    .filter_map(|p| p.parse().ok())
                    .collect::<Vec<u32>>()
            })
            .chain(children.split_whitespace().filter_map(|p| p.parse().ok()))
            .collect();
        let worker = all.into_iter().find(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|c| c.split(|b| *b == 0).any(|a| a == b"worker"))
        });
        if let Some(pid) = worker {
            return pid;
        }
        assert!(std::time::Instant::now() < deadline, "no worker process appeared");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn admin_keys_manage_their_own_account_only() {
    let srv = Server::start(&[]);
    let (admin, admin_id) = srv.key("ann@example.com", &["--scope", "admin,parse"]);
    let (plain, _) = srv.key("ann@example.com", &[]);
    let (_, foreign_id) = srv.key("bob@example.com", &["--scope", "admin"]);
    const JSON: &str = "application/json";

    srv.get("/v1/keys", Some(&plain)).expect_error(403, "FORBIDDEN");
    let listed = srv.get("/v1/keys", Some(&admin));
    assert_eq!(listed.status, 200);
    assert_eq!(listed.json()["keys"].as_array().map(Vec::len), Some(2), "only the caller's account");
    assert!(!listed.text().contains(&admin) && !listed.text().contains("\"key\""), "never a raw key");

    srv.post("/v1/keys", &admin, JSON, r#"{"name":"ci","scopes":["root"]}"#).expect_error(400, "VALIDATION_ERROR");
    srv.post("/v1/keys", &admin, "text/plain", "name=ci").expect_error(415, "UNSUPPORTED_MEDIA_TYPE");
    let made = srv.post("/v1/keys", &admin, JSON, r#"{"name":"ci","scopes":["parse"],"expiresAt":null}"#);
    assert_eq!(made.status, 201, "{}", made.text());
    let made = made.json();
    let (new_key, new_id) =
        (made["key"].as_str().expect("key").to_owned(), made["id"].as_str().expect("id").to_owned());
    assert_eq!(made["keyPrefix"], &new_key[..12]);
    assert_eq!(srv.get("/v1/jobs", Some(&new_key)).status, 200);

    let rotated = srv.post(&format!("/v1/keys/{new_id}/rotate"), &admin, JSON, r#"{"graceSeconds":0}"#);
    assert_eq!(rotated.status, 201, "{}", rotated.text());
    let rotated = rotated.json()["key"].as_str().expect("key").to_owned();
    srv.get("/v1/jobs", Some(&new_key)).expect_error(401, "UNAUTHORIZED");
    assert_eq!(srv.get("/v1/jobs", Some(&rotated)).status, 200);

    srv.delete(&format!("/v1/keys/{foreign_id}"), &admin).expect_error(404, "NOT_FOUND");
    srv.delete(&format!("/v1/keys/{admin_id}"), &admin).expect_error(409, "LAST_ADMIN_KEY");
    let rotated_id = srv.get("/v1/keys", Some(&admin)).json()["keys"]
        .as_array()
        .and_then(|ks| {
            ks.iter().find(|k| k["keyPrefix"] == rotated[..12]).and_then(|k| k["id"].as_str().map(str::to_owned))
        })
        .expect("the rotated key is listed");
    assert_eq!(srv.delete(&format!("/v1/keys/{rotated_id}"), &admin).status, 204);
    srv.get("/v1/jobs", Some(&rotated)).expect_error(401, "UNAUTHORIZED");
}
