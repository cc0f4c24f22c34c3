//! The `/mcp` transport: Host checks, methods, `Accept` variants and every
//! protocol revision from 2025-03-26 to 2026-07-28.

mod support;

use serde_json::{Value, json};
use support::{Options, TestServer, http_client};

const EXECUTE_API_URL: &str = "https://abc123.execute-api.us-east-1.amazonaws.com";

fn tools_list() -> Value {
    json!({ "jsonrpc": "2.0", "id": 2, "method": "tools/list" })
}

/// Request metadata a 2026-07-28 client sends with every request instead of
/// `initialize`.
fn meta_2026() -> Value {
    json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": { "name": "transport-test", "version": "1.0.0" },
    })
}

#[tokio::test]
async fn public_host_is_served() {
    let server = TestServer::start_with(Options {
        public_url: Some(EXECUTE_API_URL.to_owned()),
        ..Options::default()
    })
    .await;
    let response = server
        .mcp_post(Some(&server.access_token()), Some("2025-06-18"))
        .header("host", "abc123.execute-api.us-east-1.amazonaws.com")
        .json(&tools_list())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn other_host_is_forbidden() {
    let server = TestServer::start_with(Options {
        public_url: Some(EXECUTE_API_URL.to_owned()),
        ..Options::default()
    })
    .await;
    for host in [
        "evil.example.com",
        "127.0.0.1",
        "abc123.execute-api.us-east-1.amazonaws.com.evil.example",
    ] {
        let response = server
            .mcp_post(Some(&server.access_token()), Some("2025-06-18"))
            .header("host", host)
            .json(&tools_list())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "Host {host}");
    }
}

#[tokio::test]
async fn other_host_is_forbidden_before_authentication() {
    let server = TestServer::start_with(Options {
        public_url: Some(EXECUTE_API_URL.to_owned()),
        ..Options::default()
    })
    .await;
    let response = server
        .mcp_post(None, Some("2025-06-18"))
        .header("host", "evil.example.com")
        .json(&tools_list())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert!(response.headers().get("www-authenticate").is_none());
}

#[tokio::test]
async fn foreign_origin_is_forbidden() {
    let server = TestServer::start().await;
    let response = server
        .mcp_post(Some(&server.access_token()), Some("2025-06-18"))
        .header("origin", "https://evil.example.com")
        .json(&tools_list())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
}

#[tokio::test]
async fn accept_variants_all_get_json() {
    let server = TestServer::start().await;
    let token = server.access_token();
    for accept in [
        Some("application/json"),
        Some("*/*"),
        Some("text/event-stream"),
        None,
    ] {
        let mut request = http_client()
            .post(server.url("/mcp"))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .header("mcp-protocol-version", "2025-06-18")
            .json(&tools_list());
        if let Some(accept) = accept {
            request = request.header("accept", accept);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200, "Accept {accept:?}");
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            content_type.starts_with("application/json"),
            "Accept {accept:?}: {content_type}"
        );
        let body: Value = response.json().await.unwrap();
        assert_eq!(
            body["result"]["tools"].as_array().unwrap().len(),
            support::TOOL_COUNT,
            "Accept {accept:?}"
        );
    }
}

#[tokio::test]
async fn accept_variants_without_token_get_401() {
    let server = TestServer::start().await;
    for accept in [
        Some("application/json"),
        Some("*/*"),
        Some("text/html"),
        None,
    ] {
        let mut request = http_client()
            .post(server.url("/mcp"))
            .header("content-type", "application/json")
            .json(&tools_list());
        if let Some(accept) = accept {
            request = request.header("accept", accept);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401, "Accept {accept:?}");
        assert!(
            response.headers().contains_key("www-authenticate"),
            "Accept {accept:?}"
        );
    }
}

#[tokio::test]
async fn get_and_delete_are_not_allowed() {
    let server = TestServer::start().await;
    let client = http_client();
    for path in ["/mcp", "/mcp/"] {
        for request in [
            client.get(server.url(path)),
            client.delete(server.url(path)),
        ] {
            let response = request
                .bearer_auth(server.access_token())
                .header("accept", "text/event-stream")
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 405, "{path}");
            assert_eq!(response.headers()["allow"], "POST", "{path}");
        }
    }
}

#[tokio::test]
async fn trailing_slash_path_is_served() {
    let server = TestServer::start().await;
    let response = http_client()
        .post(server.url("/mcp/"))
        .bearer_auth(server.access_token())
        .header("content-type", "application/json")
        .json(&tools_list())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn initialize_revisions_negotiate_their_version() {
    let server = TestServer::start().await;
    let token = server.access_token();
    for version in ["2025-03-26", "2025-06-18", "2025-11-25"] {
        // 2025-03-26 clients send no MCP-Protocol-Version header.
        let header = (version != "2025-03-26").then_some(version);
        let response = server
            .mcp_post(Some(&token), header)
            .json(&json!({
                "jsonrpc": "2.0",
                "id": 1,
                "method": "initialize",
                "params": {
                    "protocolVersion": version,
                    "capabilities": {},
                    "clientInfo": { "name": "transport-test", "version": "1.0.0" },
                },
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{version}");
        let body: Value = response.json().await.unwrap();
        let result = &body["result"];
        assert_eq!(result["protocolVersion"], version, "{version}");
        assert_eq!(result["serverInfo"]["name"], "neonpanel-mcp", "{version}");
        assert_eq!(
            result["serverInfo"]["version"],
            env!("CARGO_PKG_VERSION"),
            "{version}"
        );
        assert!(result["capabilities"]["tools"].is_object(), "{version}");
        let instructions = result["instructions"].as_str().unwrap();
        assert!(instructions.contains("account_list_companies"), "{version}");

        // The initialized notification is accepted without a session.
        let notified = server
            .mcp_post(Some(&token), header)
            .json(&json!({ "jsonrpc": "2.0", "method": "notifications/initialized" }))
            .send()
            .await
            .unwrap();
        assert_eq!(notified.status(), 202, "{version}");

        let listed = server
            .mcp_post(Some(&token), header)
            .json(&tools_list())
            .send()
            .await
            .unwrap();
        assert_eq!(listed.status(), 200, "{version}");
        let listed: Value = listed.json().await.unwrap();
        assert_eq!(
            listed["result"]["tools"].as_array().unwrap().len(),
            support::TOOL_COUNT,
            "{version}"
        );
    }
}

#[tokio::test]
async fn server_discover_lists_supported_versions() {
    let server = TestServer::start().await;
    let response = server
        .mcp_post(Some(&server.access_token()), Some("2026-07-28"))
        .header("mcp-method", "server/discover")
        .json(&json!({
            "jsonrpc": "2.0",
            "id": 1,
            "method": "server/discover",
            "params": { "_meta": meta_2026() },
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let versions = body["result"]["supportedVersions"].as_array().unwrap();
    for version in ["2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28"] {
        assert!(versions.contains(&json!(version)), "{version} in {body}");
    }
    assert!(
        body["result"]["capabilities"]["tools"].is_object(),
        "{body}"
    );
}

#[tokio::test]
async fn stateless_2026_revision_lists_and_calls_tools() {
    let standin = support::neonpanel_standin::NeonPanelStandIn::start().await;
    let server = TestServer::start_with(Options {
        neonpanel_url: Some(standin.base_url.clone()),
        ..Options::default()
    })
    .await;
    let token = server.access_token();

    let listed = server
        .mcp_post(Some(&token), Some("2026-07-28"))
        .header("mcp-method", "tools/list")
        .json(&json!({
            "jsonrpc": "2.0",
            "id": 1,
            "method": "tools/list",
            "params": { "_meta": meta_2026() },
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), 200);
    let listed: Value = listed.json().await.unwrap();
    assert_eq!(
        listed["result"]["tools"].as_array().unwrap().len(),
        support::TOOL_COUNT,
        "{listed}"
    );

    let called = server
        .mcp_post(Some(&token), Some("2026-07-28"))
        .header("mcp-method", "tools/call")
        .header("mcp-name", "account_list_companies")
        .json(&json!({
            "jsonrpc": "2.0",
            "id": 2,
            "method": "tools/call",
            "params": {
                "name": "account_list_companies",
                "arguments": {},
                "_meta": meta_2026(),
            },
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(called.status(), 200);
    let called: Value = called.json().await.unwrap();
    assert_eq!(called["result"]["isError"], false, "{called}");
    assert_eq!(
        called["result"]["structuredContent"]["data"][0]["name"],
        "Harbor Lane Goods LLC"
    );
}

#[tokio::test]
async fn unsupported_protocol_header_is_bad_request() {
    let server = TestServer::start().await;
    let response = server
        .mcp_post(Some(&server.access_token()), Some("1999-01-01"))
        .json(&tools_list())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn malformed_bodies_get_json_rpc_errors() {
    let server = support::TestServer::start().await;
    let token = server.access_token();
    let cases: [(&str, i64); 5] = [
        (r#"{"jsonrpc":"#, -32700),
        ("[]", -32600),
        ("null", -32600),
        (r#"{"id":1,"method":"ping"}"#, -32600),
        (
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"account_list_companies","arguments":"str"}}"#,
            -32602,
        ),
    ];
    for (body, code) in cases {
        let response = server
            .mcp_post(Some(&token), Some("2025-06-18"))
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{body}");
        let answer: serde_json::Value = response.json().await.unwrap();
        assert_eq!(answer["jsonrpc"], "2.0", "{body}");
        assert_eq!(answer["error"]["code"], code, "{body}");
    }
}

#[tokio::test]
async fn transport_rejections_are_json() {
    let server = support::TestServer::start().await;
    let response = server
        .mcp_post(Some(&server.access_token()), Some("1999-01-01"))
        .body(r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    let answer: serde_json::Value = response.json().await.unwrap();
    assert_eq!(answer["error"]["code"], -32600);
}

#[tokio::test]
async fn client_response_message_gets_an_answer() {
    let server = support::TestServer::start().await;
    for body in [
        r#"{"jsonrpc":"2.0","id":9,"result":{}}"#,
        r#"{"jsonrpc":"2.0","id":1,"error":{"code":1,"message":"x"}}"#,
    ] {
        let response = server
            .mcp_post(Some(&server.access_token()), Some("2025-06-18"))
            .body(body)
            .send()
            .await
            .expect("the server answers instead of dropping the connection");
        assert!(
            response.status().is_success() || response.status().is_client_error(),
            "{body}: {}",
            response.status()
        );
    }
}
