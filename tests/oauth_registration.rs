//! Open dynamic client registration (RFC 7591).

mod support;

use std::sync::Arc;

use neonpanel_mcp::clock::ManualClock;
use neonpanel_mcp::secret::KeyBytes;
use neonpanel_mcp::store::{EmbeddedStore, Store};
use serde_json::{Value, json};
use support::in_process::{self, CountingStore};
use support::oauth_flow::{CHATGPT_REDIRECT_URI, Pkce, post_registration};
use support::{TestServer, http_client};

fn chatgpt_document(method: Option<&str>) -> Value {
    let mut document = json!({
        "client_name": "ChatGPT",
        "redirect_uris": [CHATGPT_REDIRECT_URI],
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
    });
    if let Some(method) = method {
        document["token_endpoint_auth_method"] = json!(method);
    }
    document
}

async fn register(server: &TestServer, document: &Value) -> (u16, Value) {
    let response = post_registration(server, &http_client(), document).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn client_secret_post_is_honoured() {
    let server = TestServer::start().await;
    let (status, body) = register(&server, &chatgpt_document(Some("client_secret_post"))).await;
    assert_eq!(status, 201);
    assert_eq!(body["token_endpoint_auth_method"], "client_secret_post");
    assert!(body["client_id"].as_str().is_some_and(|id| !id.is_empty()));
    assert_eq!(body["client_secret"].as_str().unwrap().len(), 43);
    assert_eq!(body["client_secret_expires_at"], 0);
    assert!(body["client_id_issued_at"].is_u64());
    assert_eq!(body["client_name"], "ChatGPT");
    assert_eq!(body["redirect_uris"], json!([CHATGPT_REDIRECT_URI]));
    assert_eq!(
        body["grant_types"],
        json!(["authorization_code", "refresh_token"])
    );
    assert_eq!(body["response_types"], json!(["code"]));
}

#[tokio::test]
async fn public_client_gets_no_secret() {
    let server = TestServer::start().await;
    let (status, body) = register(&server, &chatgpt_document(Some("none"))).await;
    assert_eq!(status, 201);
    assert_eq!(body["token_endpoint_auth_method"], "none");
    assert!(body.get("client_secret").is_none());
    assert!(body.get("client_secret_expires_at").is_none());
}

#[tokio::test]
async fn client_secret_basic_is_default() {
    let server = TestServer::start().await;
    let (status, body) = register(&server, &chatgpt_document(None)).await;
    assert_eq!(status, 201);
    assert_eq!(body["token_endpoint_auth_method"], "client_secret_basic");
    assert!(body["client_secret"].is_string());

    let (status, body) = register(&server, &chatgpt_document(Some("client_secret_basic"))).await;
    assert_eq!(status, 201);
    assert_eq!(body["token_endpoint_auth_method"], "client_secret_basic");
}

#[tokio::test]
async fn unknown_auth_method_is_rejected() {
    let server = TestServer::start().await;
    for method in ["private_key_jwt", "tls_client_auth", "NONE", ""] {
        let (status, body) = register(&server, &chatgpt_document(Some(method))).await;
        assert_eq!(status, 400, "{method}");
        assert_eq!(body["error"], "invalid_client_metadata", "{method}");
    }
}

#[tokio::test]
async fn registration_response_is_uncacheable() {
    let server = TestServer::start().await;
    let response = post_registration(
        &server,
        &http_client(),
        &chatgpt_document(Some("client_secret_post")),
    )
    .await;
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["cache-control"], "no-store");
}

#[tokio::test]
async fn insecure_redirect_uris_are_rejected() {
    let server = TestServer::start().await;
    for uri in [
        "http://client.example/callback",
        "https://client.example/callback#fragment",
        "myapp://callback",
        "javascript:alert(1)",
        "/relative/callback",
        "https://user:password@client.example/callback",
    ] {
        let document = json!({ "redirect_uris": [uri], "token_endpoint_auth_method": "none" });
        let (status, body) = register(&server, &document).await;
        assert_eq!(status, 400, "{uri}");
        assert_eq!(body["error"], "invalid_redirect_uri", "{uri}");
    }
}

#[tokio::test]
async fn missing_redirect_uris_are_rejected() {
    let server = TestServer::start().await;
    for document in [
        json!({ "client_name": "x" }),
        json!({ "redirect_uris": [] }),
        json!({ "redirect_uris": null }),
    ] {
        let (status, body) = register(&server, &document).await;
        assert_eq!(status, 400, "{document}");
        assert_eq!(body["error"], "invalid_redirect_uri", "{document}");
    }
}

#[tokio::test]
async fn loopback_http_redirect_uris_are_accepted() {
    let server = TestServer::start().await;
    for uri in [
        "http://localhost:6274/oauth/callback",
        "http://127.0.0.1/callback",
        "http://[::1]:8080/callback",
    ] {
        let document = json!({ "redirect_uris": [uri], "token_endpoint_auth_method": "none" });
        let (status, body) = register(&server, &document).await;
        assert_eq!(status, 201, "{uri}: {body}");
        assert_eq!(body["redirect_uris"], json!([uri]));
    }
}

#[tokio::test]
async fn unsupported_grant_or_response_types_are_rejected() {
    let server = TestServer::start().await;
    for document in [
        json!({ "redirect_uris": [CHATGPT_REDIRECT_URI], "grant_types": ["client_credentials"] }),
        json!({ "redirect_uris": [CHATGPT_REDIRECT_URI], "grant_types": ["refresh_token"] }),
        json!({ "redirect_uris": [CHATGPT_REDIRECT_URI], "grant_types": ["implicit"] }),
        json!({ "redirect_uris": [CHATGPT_REDIRECT_URI], "response_types": ["token"] }),
        json!({ "redirect_uris": [CHATGPT_REDIRECT_URI], "response_types": ["code", "id_token"] }),
        json!({ "redirect_uris": [CHATGPT_REDIRECT_URI], "client_name": "x".repeat(201) }),
    ] {
        let (status, body) = register(&server, &document).await;
        assert_eq!(status, 400, "{document}");
        assert_eq!(body["error"], "invalid_client_metadata", "{document}");
    }
}

#[tokio::test]
async fn omitted_grant_types_include_refresh_token() {
    let server = TestServer::start().await;
    let document =
        json!({ "redirect_uris": [CHATGPT_REDIRECT_URI], "token_endpoint_auth_method": "none" });
    let (status, body) = register(&server, &document).await;
    assert_eq!(status, 201);
    assert_eq!(
        body["grant_types"],
        json!(["authorization_code", "refresh_token"])
    );
}

/// A case name, request headers and request body.
type MalformedCase = (&'static str, Vec<(&'static str, &'static str)>, String);

#[tokio::test]
async fn malformed_registration_stores_nothing() {
    let clock = ManualClock::new();
    let store = CountingStore::new(Arc::new(EmbeddedStore::in_memory(clock.clone())));
    let app = in_process::app(store.clone(), clock, KeyBytes::generate());
    let json_type = ("content-type", "application/json");
    let oversize = format!(
        r#"{{"redirect_uris":["{CHATGPT_REDIRECT_URI}"],"client_name":"{}"}}"#,
        "x".repeat(64 * 1024)
    );
    let cases: Vec<MalformedCase> = vec![
        (
            "truncated JSON",
            vec![json_type],
            r#"{"redirect_uris": ["#.into(),
        ),
        (
            "not JSON",
            vec![json_type],
            "redirect_uris=https://a.example".into(),
        ),
        ("array", vec![json_type], "[]".into()),
        ("string", vec![json_type], r#""hello""#.into()),
        ("empty body", vec![json_type], String::new()),
        (
            "uris as string",
            vec![json_type],
            format!(r#"{{"redirect_uris":"{CHATGPT_REDIRECT_URI}"}}"#),
        ),
        (
            "name as number",
            vec![json_type],
            format!(r#"{{"redirect_uris":["{CHATGPT_REDIRECT_URI}"],"client_name":7}}"#),
        ),
        (
            "method as list",
            vec![json_type],
            format!(
                r#"{{"redirect_uris":["{CHATGPT_REDIRECT_URI}"],"token_endpoint_auth_method":["none"]}}"#
            ),
        ),
        ("oversize", vec![json_type], oversize),
        (
            "form content type",
            vec![("content-type", "application/x-www-form-urlencoded")],
            format!(r#"{{"redirect_uris":["{CHATGPT_REDIRECT_URI}"]}}"#),
        ),
        (
            "no content type",
            vec![],
            format!(r#"{{"redirect_uris":["{CHATGPT_REDIRECT_URI}"]}}"#),
        ),
    ];
    for (name, headers, body) in cases {
        let request = in_process::request("POST", "/register", &headers, body);
        let response = app.handle(request).await;
        assert_eq!(response.status(), 400, "{name}");
        let error: Value = serde_json::from_slice(response.body()).unwrap();
        assert_eq!(error["error"], "invalid_client_metadata", "{name}");
        assert_eq!(store.writes(), 0, "{name} must store nothing");
    }
}

#[tokio::test]
async fn registration_makes_one_storage_call() {
    let clock = ManualClock::new();
    let store = CountingStore::new(Arc::new(EmbeddedStore::in_memory(clock.clone())));
    let app = in_process::app(store.clone(), clock, KeyBytes::generate());
    let body = chatgpt_document(Some("none")).to_string();
    let request = in_process::request(
        "POST",
        "/register",
        &[("content-type", "application/json")],
        body,
    );
    let response = app.handle(request).await;
    assert_eq!(response.status(), 201);
    assert_eq!(store.calls(), 1);
}

#[tokio::test]
async fn registered_client_survives_restart() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("store.redb");
    let clock = ManualClock::new();
    let signing_key = KeyBytes::generate();

    let client_id = {
        let store: Arc<dyn Store> = Arc::new(EmbeddedStore::open(&path, clock.clone()).unwrap());
        let app = in_process::app(store, clock.clone(), signing_key.clone());
        let body = chatgpt_document(Some("none")).to_string();
        let request = in_process::request(
            "POST",
            "/register",
            &[("content-type", "application/json")],
            body,
        );
        let response = app.handle(request).await;
        assert_eq!(response.status(), 201);
        let body: Value = serde_json::from_slice(response.body()).unwrap();
        body["client_id"].as_str().unwrap().to_owned()
    };

    let store: Arc<dyn Store> = Arc::new(EmbeddedStore::open(&path, clock.clone()).unwrap());
    let app = in_process::app(store, clock, signing_key);
    let pkce = Pkce::new();
    let query: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("response_type", "code"),
            ("client_id", client_id.as_str()),
            ("redirect_uri", CHATGPT_REDIRECT_URI),
            ("code_challenge", pkce.challenge.as_str()),
            ("code_challenge_method", "S256"),
        ])
        .finish();
    let request = in_process::request("GET", &format!("/authorize?{query}"), &[], "");
    let response = app.handle(request).await;
    assert_eq!(
        response.status(),
        200,
        "the restarted server must know the client"
    );
    let page = std::str::from_utf8(response.body()).unwrap();
    assert!(page.contains("ChatGPT"));
}
