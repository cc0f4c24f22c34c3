//! Client ID metadata documents end to end: a client whose `client_id` is
//! the URL of its metadata document authorizes, redeems and refreshes with no
//! registration, and every guard on the fetch turns a bad document into a
//! 4xx. Documents are served on loopback through the authorization server's
//! test-only switch, so production configuration never fetches them there.

mod support;

use serde_json::{Value, json};
use support::document_server::{DocumentServer, Page};
use support::oauth_flow::{
    self, CHATGPT_REDIRECT_URI, Pkce, RegisteredClient, authorize_url, open_consent, param,
    post_token, redeem, redirect_params,
};
use support::{Options, TestServer, http_client};

const DOCUMENT_PATH: &str = "/oauth/client.json";

async fn server_with_documents() -> (TestServer, DocumentServer) {
    let documents = DocumentServer::start().await;
    let server = TestServer::start_with(Options {
        loopback_client_documents: true,
        ..Options::default()
    })
    .await;
    (server, documents)
}

fn document(client_id: &str) -> Value {
    json!({
        "client_id": client_id,
        "client_name": "Metadata Document App",
        "redirect_uris": [CHATGPT_REDIRECT_URI],
        "grant_types": ["authorization_code", "refresh_token"],
        "token_endpoint_auth_method": "none",
    })
}

fn public_client(client_id: &str) -> RegisteredClient {
    RegisteredClient {
        client_id: client_id.to_owned(),
        client_secret: None,
        redirect_uri: CHATGPT_REDIRECT_URI.to_owned(),
        token_endpoint_auth_method: "none".to_owned(),
    }
}

/// Opens `/authorize` for `client` and returns the status and page.
async fn open(server: &TestServer, client: &RegisteredClient) -> oauth_flow::ConsentPage {
    let url = authorize_url(server, client, &Pkce::new(), "s1", &[]);
    open_consent(&http_client(), &url).await
}

#[tokio::test]
async fn metadata_advertises_documents() {
    let server = TestServer::start().await;
    let metadata: Value = http_client()
        .get(server.url("/.well-known/oauth-authorization-server"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(metadata["client_id_metadata_document_supported"], true);
}

#[tokio::test]
async fn document_client_authorizes_and_refreshes() {
    let (server, documents) = server_with_documents().await;
    let client_id = documents.url(DOCUMENT_PATH);
    documents.json(DOCUMENT_PATH, &document(&client_id));
    let registered = public_client(&client_id);
    let browser = http_client();

    let pkce = Pkce::new();
    let url = authorize_url(&server, &registered, &pkce, "s1", &[]);
    let page = open_consent(&browser, &url).await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(
        page.html.contains("Metadata Document App (from 127.0.0.1)"),
        "the consent page names the document's host: {}",
        page.html
    );
    let response = oauth_flow::submit_consent(
        &server,
        &browser,
        &page,
        Some(support::TEST_ACCESS_CODE),
        "approve",
    )
    .await;
    assert_eq!(response.status(), 303);
    let params = redirect_params(&response).unwrap();
    let code = param(&params, "code")
        .expect("approval carries a code")
        .to_owned();

    let approval = oauth_flow::Approval {
        registered: registered.clone(),
        pkce,
        code,
        state: "s1".to_owned(),
    };
    let tokens = redeem(&server, &browser, &approval).await;
    assert_eq!(tokens.status(), 200);
    let tokens: Value = tokens.json().await.unwrap();
    let refresh_token = tokens["refresh_token"].as_str().unwrap();

    let refreshed = post_token(
        &server,
        &browser,
        &registered,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ],
    )
    .await;
    assert_eq!(refreshed.status(), 200);

    // authorize (page and decision) and two token requests: one fetch, then the cache.
    assert_eq!(documents.hits(DOCUMENT_PATH), 1, "the document is cached");
}

#[tokio::test]
async fn unlisted_redirect_uri_is_rejected() {
    let (server, documents) = server_with_documents().await;
    let client_id = documents.url(DOCUMENT_PATH);
    documents.json(DOCUMENT_PATH, &document(&client_id));
    let mut client = public_client(&client_id);
    client.redirect_uri = "https://evil.example/callback".to_owned();

    let page = open(&server, &client).await;
    assert_eq!(page.status, 400);
    assert!(!page.has_form());
}

#[tokio::test]
async fn bad_documents_are_rejected_with_400() {
    let (server, documents) = server_with_documents().await;
    let mismatched = documents.url("/mismatched.json");
    documents.json(
        "/mismatched.json",
        &document("https://other.example/client.json"),
    );
    let oversized = documents.url("/oversized.json");
    let mut big = document(&oversized);
    big["padding"] = json!("x".repeat(6 * 1024));
    documents.json("/oversized.json", &big);
    let not_json = documents.url("/not-json.json");
    documents.page(
        "/not-json.json",
        Page {
            status: 200,
            headers: Vec::new(),
            body: "<html>".into(),
        },
    );
    let missing = documents.url("/missing.json");
    let looping = documents.url("/loop.json");
    documents.page(
        "/loop.json",
        Page {
            status: 302,
            headers: vec![("location".into(), "/loop.json".into())],
            body: String::new(),
        },
    );

    for (client_id, expected) in [
        (&mismatched, "must equal the URL"),
        (&oversized, "larger than"),
        (&not_json, "not a JSON object"),
        (&missing, "HTTP 404"),
        (&looping, "redirects"),
    ] {
        let page = open(&server, &public_client(client_id)).await;
        assert_eq!(page.status, 400, "{client_id}: {}", page.html);
        assert!(page.html.contains(expected), "{client_id}: {}", page.html);
        assert!(!page.has_form(), "{client_id} got a consent form");
    }

    let token = post_token(
        &server,
        &http_client(),
        &public_client(&mismatched),
        &[("grant_type", "refresh_token"), ("refresh_token", "x")],
    )
    .await;
    assert_eq!(token.status(), 401);
    let body: Value = token.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");
}

#[tokio::test]
async fn loopback_documents_need_test_switch() {
    let documents = DocumentServer::start().await;
    let server = TestServer::start().await;
    let client_id = documents.url(DOCUMENT_PATH);
    documents.json(DOCUMENT_PATH, &document(&client_id));

    // Without the switch an http client_id is an unknown registration.
    let page = open(&server, &public_client(&client_id)).await;
    assert_eq!(page.status, 400);
    assert!(!page.has_form());

    // An https URL on a loopback address is refused before any connection.
    let https_loopback = client_id.replacen("http://", "https://", 1);
    let page = open(&server, &public_client(&https_loopback)).await;
    assert_eq!(page.status, 400);
    assert!(page.html.contains("non-public address"), "{}", page.html);
    assert_eq!(documents.hits(DOCUMENT_PATH), 0);
}
