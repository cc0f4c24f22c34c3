//! Access tokens issued by `/token` open `/mcp`, whether or not the client
//! named the resource, and keep working after a refresh.

mod support;

use support::TestServer;
use support::oauth_flow::{obtain_code, obtain_tokens, post_token};

const INITIALIZE: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"issued-tokens","version":"1"}}}"#;

async fn initialize_status(server: &TestServer, access_token: &str) -> u16 {
    server
        .mcp_post(Some(access_token), None)
        .body(INITIALIZE)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn token_without_resource_opens_mcp() {
    let server = TestServer::start().await;
    let browser = support::http_client();
    let (_, tokens) = obtain_tokens(&server, &browser).await;
    let access_token = tokens["access_token"].as_str().unwrap();
    assert_eq!(initialize_status(&server, access_token).await, 200);
}

#[tokio::test]
async fn token_with_mcp_resource_opens_mcp() {
    let server = TestServer::start().await;
    let browser = support::http_client();
    let approval = obtain_code(&server, &browser, "none").await;
    let resource = server.url("/mcp");
    let response = post_token(
        &server,
        &browser,
        &approval.registered,
        &[
            ("grant_type", "authorization_code"),
            ("code", &approval.code),
            ("redirect_uri", &approval.registered.redirect_uri),
            ("code_verifier", &approval.pkce.verifier),
            ("resource", &resource),
        ],
    )
    .await;
    assert_eq!(response.status(), 200);
    let tokens: serde_json::Value = response.json().await.unwrap();
    let access_token = tokens["access_token"].as_str().unwrap();
    assert_eq!(initialize_status(&server, access_token).await, 200);
}

#[tokio::test]
async fn refreshed_token_opens_mcp_and_old_refresh_fails() {
    let server = TestServer::start().await;
    let browser = support::http_client();
    let (approval, tokens) = obtain_tokens(&server, &browser).await;
    let first_refresh = tokens["refresh_token"].as_str().unwrap();

    let refreshed = post_token(
        &server,
        &browser,
        &approval.registered,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", first_refresh),
        ],
    )
    .await;
    assert_eq!(refreshed.status(), 200);
    let refreshed: serde_json::Value = refreshed.json().await.unwrap();
    let access_token = refreshed["access_token"].as_str().unwrap();
    assert_ne!(access_token, tokens["access_token"].as_str().unwrap());
    assert_eq!(initialize_status(&server, access_token).await, 200);

    let replay = post_token(
        &server,
        &browser,
        &approval.registered,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", first_refresh),
        ],
    )
    .await;
    assert_eq!(replay.status(), 400);
    let error: serde_json::Value = replay.json().await.unwrap();
    assert_eq!(error["error"], "invalid_grant");
}

#[tokio::test]
async fn expired_access_token_is_challenged() {
    let server = TestServer::start().await;
    let browser = support::http_client();
    let (_, tokens) = obtain_tokens(&server, &browser).await;
    let access_token = tokens["access_token"].as_str().unwrap();
    let lifetime = tokens["expires_in"].as_u64().unwrap();
    server.clock.advance(lifetime);

    let response = server
        .mcp_post(Some(access_token), None)
        .body(INITIALIZE)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let challenge = response.headers()["www-authenticate"].to_str().unwrap();
    assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");
}

#[tokio::test]
async fn reused_code_revokes_its_refresh_token() {
    let server = TestServer::start().await;
    let browser = support::http_client();
    let (approval, tokens) = obtain_tokens(&server, &browser).await;
    let refresh_token = tokens["refresh_token"].as_str().unwrap();

    let reuse = support::oauth_flow::redeem(&server, &browser, &approval).await;
    assert_eq!(reuse.status(), 400);

    let refresh = post_token(
        &server,
        &browser,
        &approval.registered,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ],
    )
    .await;
    assert_eq!(refresh.status(), 400, "the reused code's grant is revoked");
    let error: serde_json::Value = refresh.json().await.unwrap();
    assert_eq!(error["error"], "invalid_grant");
}

#[tokio::test]
async fn reused_code_revokes_rotated_successors() {
    let server = TestServer::start().await;
    let browser = support::http_client();
    let (approval, tokens) = obtain_tokens(&server, &browser).await;
    let rotated = post_token(
        &server,
        &browser,
        &approval.registered,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(rotated.status(), 200);
    let rotated: serde_json::Value = rotated.json().await.unwrap();

    let reuse = support::oauth_flow::redeem(&server, &browser, &approval).await;
    assert_eq!(reuse.status(), 400);

    let refresh = post_token(
        &server,
        &browser,
        &approval.registered,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", rotated["refresh_token"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(
        refresh.status(),
        400,
        "the rotated successor is revoked too"
    );
}
