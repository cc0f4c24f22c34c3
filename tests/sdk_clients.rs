//! The official MCP SDK clients, TypeScript (`@modelcontextprotocol/sdk`) and
//! Python (`mcp`), each through the whole flow against the server: discovery
//! from the 401, registration, consent posted as a browser would, token,
//! `tools/list`, a NeonPanel tool call answered by the stand-in, refresh,
//! and another call. The scripts live in `tests/clients/`.

mod support;

use std::time::Duration;

use support::external::{self, TestDeps};
use support::neonpanel_standin::{COMPANY_UUID, NeonPanelStandIn};
use support::{Options, TEST_ACCESS_CODE, TEST_IAT, TestServer};
use tokio::process::Command;

const CLIENT_TIMEOUT: Duration = Duration::from_secs(90);

async fn server_with_standin() -> (TestServer, NeonPanelStandIn) {
    let neonpanel = NeonPanelStandIn::start().await;
    let server = TestServer::start_with(Options {
        neonpanel_url: Some(neonpanel.base_url.clone()),
        ..Options::default()
    })
    .await;
    (server, neonpanel)
}

/// Checks what every SDK flow must have seen and done.
fn assert_full_flow(report: &serde_json::Value, server: &TestServer, neonpanel: &NeonPanelStandIn) {
    let authorization_url = report["authorization_url"].as_str().unwrap();
    assert!(
        authorization_url.starts_with(&server.url("/authorize?")),
        "authorization URL: {authorization_url}"
    );
    assert!(authorization_url.contains("code_challenge_method=S256"));
    let client_id = report["client_id"].as_str().unwrap_or_default();
    assert!(!client_id.is_empty(), "the client registered: {report}");
    assert_eq!(report["callback_has_iss"], true, "{report}");

    let tools: Vec<&str> = report["tools"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|name| name.as_str())
        .collect();
    assert!(tools.contains(&"account_list_companies"), "{tools:?}");
    assert!(tools.contains(&"inventory_list_items"), "{tools:?}");

    assert_eq!(report["first_company"], COMPANY_UUID);
    assert_eq!(report["token_rotated"], true, "{report}");
    assert_eq!(report["second_company"], COMPANY_UUID);

    let seen = neonpanel.requests();
    assert!(seen.len() >= 2, "NeonPanel answered both calls: {seen:?}");
    for request in &seen {
        assert_eq!(request.authorization, Some(format!("Bearer {TEST_IAT}")));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typescript_sdk_full_flow() {
    let deps = TestDeps::load();
    let (server, neonpanel) = server_with_standin().await;

    let mut command = external::node(&deps, &deps.script("ts-sdk-flow.mjs"));
    command
        .env("MCP_URL", server.url("/mcp"))
        .env("ACCESS_CODE", TEST_ACCESS_CODE);
    let finished = external::run(command, CLIENT_TIMEOUT).await;
    finished.assert_success("the TypeScript SDK flow");

    assert_full_flow(&finished.report(), &server, &neonpanel);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_sdk_full_flow() {
    let deps = TestDeps::load();
    let (server, neonpanel) = server_with_standin().await;

    let mut command = Command::new(&deps.python);
    command
        .arg(deps.script("python_sdk_flow.py"))
        .env("MCP_URL", server.url("/mcp"))
        .env("ACCESS_CODE", TEST_ACCESS_CODE)
        .env("PYTHONDONTWRITEBYTECODE", "1");
    let finished = external::run(command, CLIENT_TIMEOUT).await;
    finished.assert_success("the Python SDK flow");

    let report = finished.report();
    assert_full_flow(&report, &server, &neonpanel);
}
