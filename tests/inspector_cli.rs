//! MCP Inspector's command-line mode against the server: with an access
//! token from the OAuth flow in an `Authorization` header it lists the tools
//! and calls one that NeonPanel (the stand-in) answers.

mod support;

use std::time::Duration;

use support::external::{self, TestDeps};
use support::neonpanel_standin::{COMPANY_UUID, NeonPanelStandIn};
use support::oauth_flow::obtain_tokens;
use support::{Options, TestServer, http_client};

async fn inspector(deps: &TestDeps, server: &TestServer, token: &str, args: &[&str]) -> String {
    // A fresh HOME keeps the Inspector's catalog file out of the real one.
    let home = tempfile::tempdir().unwrap();
    let mut command = external::node(deps, &deps.npm_bin("mcp-inspector"));
    command
        .arg("--cli")
        .arg(server.url("/mcp"))
        .arg("--transport")
        .arg("http")
        .arg("--header")
        .arg(format!("Authorization: Bearer {token}"))
        .args(args)
        .env("HOME", home.path());
    let finished = external::run(command, Duration::from_secs(90)).await;
    finished.assert_success(&format!("mcp-inspector --cli {args:?}"));
    finished.stdout
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inspector_lists_and_calls_tools() {
    let deps = TestDeps::load();
    let neonpanel = NeonPanelStandIn::start().await;
    let server = TestServer::start_with(Options {
        neonpanel_url: Some(neonpanel.base_url.clone()),
        ..Options::default()
    })
    .await;
    let (_, tokens) = obtain_tokens(&server, &http_client()).await;
    let token = tokens["access_token"].as_str().unwrap();

    let listed = inspector(&deps, &server, token, &["--method", "tools/list"]).await;
    let listed: serde_json::Value = serde_json::from_str(&listed)
        .unwrap_or_else(|error| panic!("tools/list output is no JSON ({error}): {listed}"));
    let names: Vec<&str> = listed["tools"]
        .as_array()
        .unwrap_or_else(|| panic!("no tools in {listed}"))
        .iter()
        .filter_map(|tool| tool["name"].as_str())
        .collect();
    assert!(names.contains(&"account_list_companies"), "{names:?}");

    let called = inspector(
        &deps,
        &server,
        token,
        &[
            "--method",
            "tools/call",
            "--tool-name",
            "account_list_companies",
        ],
    )
    .await;
    assert!(called.contains(COMPANY_UUID), "tools/call output: {called}");
    assert!(!neonpanel.requests().is_empty());
}
