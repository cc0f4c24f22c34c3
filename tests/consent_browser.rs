//! The consent page in a real browser: headless Chromium, driven by
//! playwright-core from `tests/clients/consent-browser.mjs`. It shows the
//! client name, the redirect host and the scopes; a wrong access code shows
//! an error and issues no code; the right one redirects with a code; deny
//! redirects with `access_denied`. The screenshot is kept in
//! `test-artifacts/consent-page.png`.

mod support;

use std::path::Path;
use std::time::Duration;

use support::document_server::{DocumentServer, Page};
use support::external::{self, TestDeps};
use support::oauth_flow::{Pkce, authorize_url, register_client};
use support::{TEST_ACCESS_CODE, TestServer, http_client};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consent_page_in_chromium() {
    let deps = TestDeps::load();
    let server = TestServer::start().await;
    // The client's callback is a loopback server, so the browser lands on a
    // real page and Chromium never resolves an outside name.
    let callback_host = DocumentServer::start().await;
    let callback = callback_host.url("/callback");
    callback_host.page(
        "/callback",
        Page {
            status: 200,
            headers: vec![("content-type".into(), "text/html".into())],
            body: "<p>Back at the client.</p>".into(),
        },
    );
    let client = register_client(&server, &http_client(), &callback, "none").await;
    let urls: Vec<String> = ["wrong", "approve", "deny"]
        .iter()
        .map(|state| authorize_url(&server, &client, &Pkce::new(), state, &[]))
        .collect();

    let artifacts = Path::new(env!("CARGO_MANIFEST_DIR")).join("test-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let screenshot = artifacts.join("consent-page.png");
    let _ = std::fs::remove_file(&screenshot);

    let mut command = external::node(&deps, &deps.script("consent-browser.mjs"));
    command
        .env("AUTHORIZE_URLS", serde_json::to_string(&urls).unwrap())
        .env("ACCESS_CODE", TEST_ACCESS_CODE)
        .env("CHROMIUM", &deps.chromium)
        .env("SCREENSHOT", &screenshot)
        .env("CALLBACK_PREFIX", &callback);
    let finished = external::run(command, Duration::from_secs(120)).await;
    finished.assert_success("the Chromium consent test");
    let report = finished.report();

    let text = report["text"].as_str().unwrap();
    assert!(text.contains("Test Client"), "client name missing: {text}");
    assert!(text.contains("127.0.0.1"), "redirect host missing: {text}");
    assert!(text.contains("neonpanel:read"), "scope missing: {text}");
    assert!(
        std::fs::metadata(&screenshot).unwrap().len() > 1000,
        "the screenshot was written"
    );

    let wrong = &report["wrong"];
    let wrong_url = wrong["url"].as_str().unwrap();
    assert!(wrong_url.starts_with(&server.base_url), "{wrong_url}");
    assert!(!wrong_url.contains("code="), "{wrong_url}");
    let wrong_text = wrong["text"].as_str().unwrap();
    assert!(
        wrong_text.contains("access code is not correct"),
        "no error shown: {wrong_text}"
    );

    let approve = &report["approve"];
    assert_eq!(approve["state"], "approve");
    assert!(
        approve["code"]
            .as_str()
            .is_some_and(|code| !code.is_empty()),
        "{approve}"
    );
    assert_eq!(approve["iss"], server.public_url.as_str());

    let deny = &report["deny"];
    assert_eq!(deny["error"], "access_denied", "{deny}");
    assert_eq!(deny["state"], "deny");
    assert!(deny["code"].is_null(), "{deny}");
    assert_eq!(
        callback_host.hits("/callback"),
        2,
        "only approve and deny reach the client"
    );
}
