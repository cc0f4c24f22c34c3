//! The authorization scenarios of the MCP conformance suite
//! (`@modelcontextprotocol/conformance`, 0.2 line) against this server's
//! authorization server: `authorization-server-metadata-endpoint` and
//! `authorization-code-grant`, with a client registered beforehand.
//!
//! The code grant scenario prints an authorization URL for a person to open
//! and then waits for the redirect on its own callback server. This test
//! plays the person: it opens the consent page, approves with the access
//! code, and follows the redirect to the suite's callback.

mod support;

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use support::external::{self, TestDeps};
use support::oauth_flow::register_client;
use support::{TEST_ACCESS_CODE, TestServer, http_client};
use tokio::io::{AsyncBufReadExt as _, AsyncRead, AsyncReadExt as _, BufReader};
use tokio::process::Command;

/// Maximum duration of the whole suite run, approval included.
const SUITE_TIMEOUT: Duration = Duration::from_secs(120);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conformance_authorization_scenarios() {
    let deps = TestDeps::load();
    let server = TestServer::start().await;
    let http = http_client();
    let results = tempfile::tempdir().unwrap();

    // The suite listens for the redirect on 127.0.0.1:PORT/callback, so the
    // client registers that URI.
    let port = free_port();
    let redirect_uri = format!("http://127.0.0.1:{port}/callback");
    let client = register_client(&server, &http, &redirect_uri, "none").await;

    // Without --scenario the suite runs both scenarios in order and hands the
    // metadata it read in the first to the second.
    let mut command = external::node(&deps, &deps.npm_bin("conformance"));
    command
        .arg("authorization")
        .arg("--url")
        .arg(&server.public_url)
        .arg("--client-id")
        .arg(&client.client_id)
        .arg("--resource")
        .arg(server.url("/mcp"))
        .arg("--port")
        .arg(port.to_string())
        .arg("--output-dir")
        .arg(results.path())
        .env("HOME", results.path());

    let output = tokio::time::timeout(SUITE_TIMEOUT, run_and_approve(command, &server))
        .await
        .unwrap_or_else(|_| panic!("the suite did not finish within {SUITE_TIMEOUT:?}"));
    let report = format!(
        "--- stdout\n{}\n--- stderr\n{}",
        output.stdout, output.stderr
    );
    assert!(output.success, "the suite reported failures\n{report}");

    // The suite prints check details only with --verbose, but saves every
    // check of each scenario to SCENARIO_FOLDER/checks.json.
    let checks = saved_checks(results.path());
    for id in [
        "authorization-server-metadata",
        "authorization-server-metadata-cimd",
        "authorization-code-grant",
    ] {
        let statuses: Vec<&str> = checks
            .iter()
            .filter(|(check, _)| check == id)
            .map(|(_, status)| status.as_str())
            .collect();
        assert_eq!(statuses, ["SUCCESS"], "{id}: {checks:?}\n{report}");
    }
}

/// What the suite printed, and whether it exited with status 0.
struct SuiteOutput {
    stdout: String,
    stderr: String,
    success: bool,
}

/// Runs the suite, approves the authorization URL it prints, delivers the
/// redirect to its callback server, and waits for it to exit. The child is
/// killed when the caller's timeout drops this future.
async fn run_and_approve(mut command: Command, server: &TestServer) -> SuiteOutput {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = command
        .spawn()
        .expect("failed to start the conformance suite");
    let stderr = tokio::spawn(read_all(child.stderr.take().unwrap()));
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();

    let authorize_prefix = format!("{}/authorize?", server.public_url);
    let mut stdout = String::new();
    let mut approved = false;
    while let Some(line) = lines.next_line().await.unwrap() {
        stdout.push_str(&line);
        stdout.push('\n');
        if !approved && line.trim().starts_with(&authorize_prefix) {
            approve_and_deliver(line.trim()).await;
            approved = true;
        }
    }
    let status = child.wait().await.unwrap();
    let stderr = stderr.await.unwrap();
    assert!(
        approved,
        "the suite printed no authorization URL\n{stdout}\n{stderr}"
    );
    SuiteOutput {
        stdout,
        stderr,
        success: status.success(),
    }
}

/// Approves the consent page at `authorization_url` as the person would and
/// opens the redirect, which is the suite's callback server.
async fn approve_and_deliver(authorization_url: &str) {
    let browser = http_client();
    let callback = support::browser::approve(&browser, authorization_url, TEST_ACCESS_CODE).await;
    assert_eq!(callback.host_str(), Some("127.0.0.1"), "{callback}");
    assert_eq!(callback.path(), "/callback", "{callback}");

    let delivered = browser.get(callback.as_str()).send().await.unwrap();
    assert_eq!(delivered.status(), 200, "the suite's callback server");
}

async fn read_all(mut stream: impl AsyncRead + Unpin) -> String {
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).await.unwrap();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Returns a loopback port that was free a moment ago. Another process could
/// take it before the suite binds it, which would fail the test loudly.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Returns the `id` and `status` of every check the suite saved under
/// `results`, one `checks.json` per scenario folder.
fn saved_checks(results: &Path) -> Vec<(String, String)> {
    let mut checks = Vec::new();
    for folder in std::fs::read_dir(results).unwrap() {
        let file = folder.unwrap().path().join("checks.json");
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let saved: Vec<Value> = serde_json::from_str(&text)
            .unwrap_or_else(|error| panic!("{} is invalid JSON: {error}", file.display()));
        for check in saved {
            checks.push((
                check["id"].as_str().unwrap_or_default().to_owned(),
                check["status"].as_str().unwrap_or_default().to_owned(),
            ));
        }
    }
    checks
}
