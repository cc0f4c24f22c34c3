//! The MCP conformance suite (`@modelcontextprotocol/conformance`, 0.2 line)
//! against the server in its no-authentication development mode. Only the
//! scenarios that apply to a tools-only, stateless server run here;
//! `docs/conformance.md` lists the others and why they do not apply.

mod support;

use std::time::Duration;

use neonpanel_mcp::config::McpAuth;
use support::external::{self, TestDeps};
use support::{Options, TestServer};

/// Server scenarios that apply to this server. The checks of these that
/// cannot apply are listed in `tests/clients/conformance-expected-failures.yaml`.
const SERVER_SCENARIOS: [&str; 8] = [
    "server-initialize",
    "ping",
    "tools-list",
    "dns-rebinding-protection",
    "server-stateless",
    "http-header-validation",
    "caching",
    "http-custom-header-server-validation",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conformance_server_scenarios() {
    let deps = TestDeps::load();
    let server = TestServer::start_with(Options {
        mcp_auth: McpAuth::DangerouslyNone,
        ..Options::default()
    })
    .await;
    let results = tempfile::tempdir().unwrap();

    let mut failures = Vec::new();
    for scenario in SERVER_SCENARIOS {
        let mut command = external::node(&deps, &deps.npm_bin("conformance"));
        command
            .arg("server")
            .arg("--url")
            .arg(server.url("/mcp"))
            .arg("--scenario")
            .arg(scenario)
            .arg("--force")
            .arg("--expected-failures")
            .arg(deps.script("conformance-expected-failures.yaml"))
            .arg("--output-dir")
            .arg(results.path())
            .env("HOME", results.path());
        let finished = external::run(command, Duration::from_secs(120)).await;
        if !finished.success {
            failures.push(format!(
                "{scenario}\n--- stdout\n{}\n--- stderr\n{}",
                finished.stdout, finished.stderr
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "failed scenarios:\n{}",
        failures.join("\n")
    );
}
