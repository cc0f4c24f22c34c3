//! Discovery documents: protected resource metadata and authorization
//! server metadata, served without credentials.

mod support;

use serde_json::{Value, json};
use support::{Options, TestServer, http_client};

async fn get_json(server: &TestServer, path: &str) -> (reqwest::StatusCode, Value) {
    let response = http_client().get(server.url(path)).send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn root_metadata_names_issuer_resource_and_endpoints() {
    let server = TestServer::start_with(Options {
        public_url: Some("https://mcp.example.com".into()),
        ..Options::default()
    })
    .await;

    let (status, resource) = get_json(&server, "/.well-known/oauth-protected-resource").await;
    assert_eq!(status, 200);
    assert_eq!(resource["resource"], "https://mcp.example.com/mcp");
    assert_eq!(
        resource["authorization_servers"],
        json!(["https://mcp.example.com"])
    );
    assert_eq!(resource["bearer_methods_supported"], json!(["header"]));
    assert_eq!(
        resource["scopes_supported"],
        json!(["neonpanel:read", "neonpanel:write"])
    );
    assert!(resource["resource_name"].is_string());

    let (status, server_metadata) =
        get_json(&server, "/.well-known/oauth-authorization-server").await;
    assert_eq!(status, 200);
    assert_eq!(server_metadata["issuer"], "https://mcp.example.com");
    assert_eq!(
        server_metadata["authorization_endpoint"],
        "https://mcp.example.com/authorize"
    );
    assert_eq!(
        server_metadata["token_endpoint"],
        "https://mcp.example.com/token"
    );
    assert_eq!(
        server_metadata["registration_endpoint"],
        "https://mcp.example.com/register"
    );
    assert_eq!(server_metadata["response_types_supported"], json!(["code"]));
    assert_eq!(
        server_metadata["response_modes_supported"],
        json!(["query"])
    );
    assert_eq!(
        server_metadata["grant_types_supported"],
        json!(["authorization_code", "refresh_token"])
    );
    assert_eq!(
        server_metadata["code_challenge_methods_supported"],
        json!(["S256"])
    );
    assert_eq!(
        server_metadata["token_endpoint_auth_methods_supported"],
        json!(["none", "client_secret_post", "client_secret_basic"])
    );
    assert_eq!(
        server_metadata["authorization_response_iss_parameter_supported"],
        true
    );
}

#[tokio::test]
async fn resource_metadata_is_same_at_both_paths() {
    let server = TestServer::start().await;
    let (_, root) = get_json(&server, "/.well-known/oauth-protected-resource").await;
    let (status, suffixed) = get_json(&server, "/.well-known/oauth-protected-resource/mcp").await;
    assert_eq!(status, 200);
    assert_eq!(root, suffixed);
    assert_eq!(root["resource"], format!("{}/mcp", server.public_url));
}

#[tokio::test]
async fn openid_configuration_serves_server_metadata() {
    let server = TestServer::start().await;
    let (_, oauth) = get_json(&server, "/.well-known/oauth-authorization-server").await;
    let (status, openid) = get_json(&server, "/.well-known/openid-configuration").await;
    assert_eq!(status, 200);
    assert_eq!(openid, oauth);
    assert_eq!(openid["issuer"], server.public_url);
}

#[tokio::test]
async fn metadata_ignores_bearer_token() {
    let server = TestServer::start().await;
    for path in [
        "/.well-known/oauth-protected-resource",
        "/.well-known/oauth-protected-resource/mcp",
        "/.well-known/oauth-authorization-server",
        "/.well-known/openid-configuration",
    ] {
        let response = http_client()
            .get(server.url(path))
            .bearer_auth("garbage")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
    }
}

#[tokio::test]
async fn unknown_well_known_path_is_json_404() {
    let server = TestServer::start().await;
    let response = http_client()
        .get(server.url("/.well-known/whatever"))
        .bearer_auth("garbage")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(response.headers()["content-type"], "application/json");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "not_found");
}

#[tokio::test]
async fn metadata_is_publicly_cacheable() {
    let server = TestServer::start().await;
    for path in [
        "/.well-known/oauth-protected-resource",
        "/.well-known/oauth-authorization-server",
    ] {
        let response = http_client().get(server.url(path)).send().await.unwrap();
        let cache_control = response.headers()["cache-control"].to_str().unwrap();
        assert!(
            cache_control.starts_with("public"),
            "{path}: {cache_control}"
        );
        assert!(
            cache_control.contains("max-age="),
            "{path}: {cache_control}"
        );
        assert_eq!(response.headers()["content-type"], "application/json");
    }
}

#[tokio::test]
async fn head_metadata_has_headers_without_body() {
    let server = TestServer::start().await;
    let response = http_client()
        .head(server.url("/.well-known/oauth-authorization-server"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert!(response.bytes().await.unwrap().is_empty());
}
