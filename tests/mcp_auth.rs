//! Bearer token authentication of `/mcp`: challenges, rejected tokens and
//! the development modes.

mod support;

use neonpanel_mcp::config::McpAuth;
use neonpanel_mcp::secret::ApiKey;
use serde_json::{Value, json};
use support::{Options, TestServer};

fn initialize() -> Value {
    json!({
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": { "name": "auth-test", "version": "1.0.0" },
        },
    })
}

fn tools_list() -> Value {
    json!({ "jsonrpc": "2.0", "id": 2, "method": "tools/list" })
}

fn challenge(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("www-authenticate")
        .expect("a 401 carries WWW-Authenticate")
        .to_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn requests_without_token_get_challenge() {
    let server = TestServer::start().await;
    let expected = format!(
        r#"Bearer resource_metadata="{}/.well-known/oauth-protected-resource/mcp""#,
        server.public_url
    );
    for body in [initialize(), tools_list()] {
        let response = server
            .mcp_post(None, Some("2025-06-18"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{}", body["method"]);
        assert_eq!(challenge(&response), expected, "{}", body["method"]);
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"], "unauthorized");
    }
}

#[tokio::test]
async fn malformed_token_is_invalid_token() {
    let server = TestServer::start().await;
    let response = server
        .mcp_post(Some("not-a-jwt"), Some("2025-06-18"))
        .json(&initialize())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let challenge = challenge(&response);
    assert!(
        challenge.starts_with(&format!(
            r#"Bearer resource_metadata="{}/.well-known/oauth-protected-resource/mcp""#,
            server.public_url
        )),
        "{challenge}"
    );
    assert!(
        challenge.contains(r#"error="invalid_token""#),
        "{challenge}"
    );
    assert!(challenge.contains("error_description="), "{challenge}");
    let error: Value = response.json().await.unwrap();
    assert_eq!(error["error"], "invalid_token");
}

#[tokio::test]
async fn token_for_other_audience_is_rejected() {
    let server = TestServer::start().await;
    let token = server.token_for(&server.public_url, "https://other.example.com/mcp");
    let response = server
        .mcp_post(Some(&token), Some("2025-06-18"))
        .json(&tools_list())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert!(challenge(&response).contains(r#"error="invalid_token""#));
}

#[tokio::test]
async fn token_from_other_issuer_is_rejected() {
    let server = TestServer::start().await;
    let audience = format!("{}/mcp", server.public_url);
    let token = server.token_for("https://other.example.com", &audience);
    let response = server
        .mcp_post(Some(&token), Some("2025-06-18"))
        .json(&tools_list())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert!(challenge(&response).contains(r#"error="invalid_token""#));
}

#[tokio::test]
async fn expired_token_is_rejected() {
    let server = TestServer::start().await;
    let token = server.access_token();
    let before = server
        .mcp_post(Some(&token), Some("2025-06-18"))
        .json(&tools_list())
        .send()
        .await
        .unwrap();
    assert_eq!(before.status(), 200);

    server.clock.advance(3601);
    let after = server
        .mcp_post(Some(&token), Some("2025-06-18"))
        .json(&tools_list())
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 401);
    assert!(challenge(&after).contains(r#"error="invalid_token""#));
}

#[tokio::test]
async fn valid_token_initializes() {
    let server = TestServer::start().await;
    let response = server
        .mcp_post(Some(&server.access_token()), None)
        .json(&initialize())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["result"]["serverInfo"]["name"], "neonpanel-mcp");
}

#[tokio::test]
async fn development_api_key_is_accepted() {
    let server = TestServer::start_with(Options {
        mcp_auth: McpAuth::OAuthOrApiKey(ApiKey::new("dev-key-31415")),
        ..Options::default()
    })
    .await;

    let with_key = server
        .mcp_post(Some("dev-key-31415"), Some("2025-06-18"))
        .json(&tools_list())
        .send()
        .await
        .unwrap();
    assert_eq!(with_key.status(), 200);

    let with_token = server
        .mcp_post(Some(&server.access_token()), Some("2025-06-18"))
        .json(&tools_list())
        .send()
        .await
        .unwrap();
    assert_eq!(with_token.status(), 200);

    let with_other_key = server
        .mcp_post(Some("dev-key-27182"), Some("2025-06-18"))
        .json(&tools_list())
        .send()
        .await
        .unwrap();
    assert_eq!(with_other_key.status(), 401);
    assert!(challenge(&with_other_key).contains(r#"error="invalid_token""#));

    let without = server
        .mcp_post(None, Some("2025-06-18"))
        .json(&tools_list())
        .send()
        .await
        .unwrap();
    assert_eq!(without.status(), 401);
}

#[tokio::test]
async fn api_key_is_rejected_in_oauth_mode() {
    let server = TestServer::start().await;
    let response = server
        .mcp_post(Some("dev-key-31415"), Some("2025-06-18"))
        .json(&tools_list())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn no_auth_mode_serves_without_token() {
    let server = TestServer::start_with(Options {
        mcp_auth: McpAuth::DangerouslyNone,
        ..Options::default()
    })
    .await;
    let response = server
        .mcp_post(None, Some("2025-06-18"))
        .json(&tools_list())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["result"]["tools"].as_array().unwrap().len(),
        support::TOOL_COUNT
    );
}
