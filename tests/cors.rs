//! Browser-based clients may read metadata, register and exchange tokens
//! from another origin.

mod support;

#[tokio::test]
async fn token_preflight_needs_no_authentication() {
    let server = support::TestServer::start().await;
    let response = support::http_client()
        .request(reqwest::Method::OPTIONS, server.url("/token"))
        .header("origin", "http://localhost:6274")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let headers = response.headers();
    assert_eq!(headers["access-control-allow-origin"], "*");
    assert!(
        headers["access-control-allow-methods"]
            .to_str()
            .unwrap()
            .contains("POST")
    );
    assert!(
        headers["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .contains("content-type")
    );
}

#[tokio::test]
async fn registration_answer_is_readable_cross_origin() {
    let server = support::TestServer::start().await;
    let response = support::http_client()
        .post(server.url("/register"))
        .header("origin", "http://localhost:6274")
        .json(&serde_json::json!({
            "client_name": "Browser client",
            "redirect_uris": ["http://localhost:6274/oauth/callback"],
            "token_endpoint_auth_method": "none",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
}

#[tokio::test]
async fn metadata_exposes_its_headers_cross_origin() {
    let server = support::TestServer::start().await;
    for path in [
        "/.well-known/oauth-protected-resource/mcp",
        "/.well-known/oauth-authorization-server",
    ] {
        let response = support::http_client()
            .get(server.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(
            response.headers()["access-control-allow-origin"],
            "*",
            "{path}"
        );
    }
}

#[tokio::test]
async fn token_error_exposes_authenticate_header() {
    let server = support::TestServer::start().await;
    let response = support::http_client()
        .post(server.url("/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", "some-code"),
            (
                "code_verifier",
                "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
            ),
            ("redirect_uri", "http://localhost:6274/oauth/callback"),
            ("client_id", "nobody"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert!(
        response.headers()["access-control-expose-headers"]
            .to_str()
            .unwrap()
            .contains("www-authenticate")
    );
}

#[tokio::test]
async fn consent_page_allows_no_cross_origin_reads() {
    let server = support::TestServer::start().await;
    let response = support::http_client()
        .get(server.url("/authorize?client_id=nobody"))
        .send()
        .await
        .unwrap();
    assert!(
        response
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}

const INSPECTOR_ORIGIN: &str = "http://localhost:6274";

async fn server_allowing_inspector() -> support::TestServer {
    support::TestServer::start_with(support::Options {
        allowed_origins: vec![INSPECTOR_ORIGIN.to_owned()],
        ..support::Options::default()
    })
    .await
}

#[tokio::test]
async fn mcp_preflight_from_allowed_origin_succeeds() {
    let server = server_allowing_inspector().await;
    let response = support::http_client()
        .request(reqwest::Method::OPTIONS, server.url("/mcp"))
        .header("origin", INSPECTOR_ORIGIN)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization, content-type",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let headers = response.headers();
    assert_eq!(headers["access-control-allow-origin"], INSPECTOR_ORIGIN);
    assert!(
        headers["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .contains("authorization")
    );
}

#[tokio::test]
async fn mcp_preflight_from_unlisted_origin_is_forbidden() {
    let server = server_allowing_inspector().await;
    let response = support::http_client()
        .request(reqwest::Method::OPTIONS, server.url("/mcp"))
        .header("origin", "https://elsewhere.example")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert!(
        response
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}

#[tokio::test]
async fn mcp_challenge_is_readable_from_allowed_origin() {
    let server = server_allowing_inspector().await;
    let response = server
        .mcp_post(None, Some("2025-06-18"))
        .header("origin", INSPECTOR_ORIGIN)
        .body(r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let headers = response.headers();
    assert_eq!(headers["access-control-allow-origin"], INSPECTOR_ORIGIN);
    assert!(
        headers["access-control-expose-headers"]
            .to_str()
            .unwrap()
            .contains("www-authenticate")
    );
}

#[tokio::test]
async fn mcp_call_from_allowed_origin_is_served() {
    let server = server_allowing_inspector().await;
    let response = server
        .mcp_post(Some(&server.access_token()), Some("2025-06-18"))
        .header("origin", INSPECTOR_ORIGIN)
        .body(r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        INSPECTOR_ORIGIN
    );
}

#[tokio::test]
async fn mcp_call_from_unlisted_origin_is_forbidden() {
    let server = server_allowing_inspector().await;
    let response = server
        .mcp_post(Some(&server.access_token()), Some("2025-06-18"))
        .header("origin", "https://elsewhere.example")
        .body(r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert!(
        response
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}
