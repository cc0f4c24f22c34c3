//! The authorization endpoint: request validation, the consent page and the
//! consent decision.

mod support;

use std::sync::Arc;

use neonpanel_mcp::clock::ManualClock;
use neonpanel_mcp::secret::KeyBytes;
use neonpanel_mcp::store::EmbeddedStore;
use reqwest::header::{LOCATION, SET_COOKIE};
use support::in_process::{self, CountingStore};
use support::oauth_flow::{
    CHATGPT_REDIRECT_URI, FORM_TYPE, Pkce, RegisteredClient, approve, authorize_url,
    authorize_url_with, form_body, open_consent, param, post_registration, redirect_params,
    register_client, submit_consent, submit_consent_with_access,
};
use support::{TEST_ACCESS_CODE, TestServer, http_client};

const STATE: &str = "xyz-state";

async fn public_client(server: &TestServer, client: &reqwest::Client) -> RegisteredClient {
    register_client(server, client, CHATGPT_REDIRECT_URI, "none").await
}

/// Opens `url` and asserts it redirects to the client with `error`, the
/// state, the issuer and no code.
async fn assert_redirected_error(server: &TestServer, url: &str, error: &str) {
    let response = http_client().get(url).send().await.unwrap();
    assert_eq!(response.status(), 303, "{url}");
    let location = response.headers()[LOCATION].to_str().unwrap();
    assert!(location.starts_with(CHATGPT_REDIRECT_URI), "{location}");
    let params = redirect_params(&response).unwrap();
    assert_eq!(param(&params, "error"), Some(error), "{url}");
    assert!(param(&params, "error_description").is_some());
    assert_eq!(param(&params, "state"), Some(STATE));
    assert_eq!(param(&params, "iss"), Some(server.public_url.as_str()));
    assert_eq!(param(&params, "code"), None);
}

/// Asserts an HTML error page on this server with no redirect.
async fn assert_error_page(response: reqwest::Response) {
    assert_eq!(response.status(), 400);
    assert!(response.headers().get(LOCATION).is_none());
    let content_type = response.headers()["content-type"].to_str().unwrap();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let html = response.text().await.unwrap();
    assert!(
        !html.contains("<form"),
        "an error page offers no consent form"
    );
}

#[tokio::test]
async fn chatgpt_callback_shows_consent_page() {
    let server = TestServer::start().await;
    let client = http_client();
    let redirect_uri = "https://chatgpt.com/connector/oauth/abc123DEF";
    let registered = register_client(&server, &client, redirect_uri, "client_secret_post").await;

    let url = authorize_url(&server, &registered, &Pkce::new(), STATE, &[]);
    let page = open_consent(&client, &url).await;
    assert_eq!(page.status, 200);
    assert!(page.has_form());
    assert!(
        page.html.contains("chatgpt.com"),
        "the page names the redirect host"
    );
}

#[tokio::test]
async fn other_callback_id_gets_error_page() {
    let server = TestServer::start().await;
    let client = http_client();
    let registered = register_client(
        &server,
        &client,
        "https://chatgpt.com/connector/oauth/abc123",
        "none",
    )
    .await;
    let other = RegisteredClient {
        redirect_uri: "https://chatgpt.com/connector/oauth/zzz999".into(),
        ..registered
    };
    let url = authorize_url(&server, &other, &Pkce::new(), STATE, &[]);
    assert_error_page(client.get(&url).send().await.unwrap()).await;
}

#[tokio::test]
async fn unknown_client_gets_error_page() {
    let server = TestServer::start().await;
    let client = http_client();
    let unknown = RegisteredClient {
        client_id: "no-such-client".into(),
        client_secret: None,
        redirect_uri: CHATGPT_REDIRECT_URI.into(),
        token_endpoint_auth_method: "none".into(),
    };
    let url = authorize_url(&server, &unknown, &Pkce::new(), STATE, &[]);
    assert_error_page(client.get(&url).send().await.unwrap()).await;

    let url = authorize_url_with(&server, &[("response_type", "code")]);
    assert_error_page(client.get(&url).send().await.unwrap()).await;
}

#[tokio::test]
async fn unregistered_redirect_uri_gets_error_page() {
    let server = TestServer::start().await;
    let client = http_client();
    let registered = public_client(&server, &client).await;
    for redirect_uri in [
        "https://evil.example/callback",
        "https://chatgpt.com/connector_platform_oauth_redirect/extra",
        "https://chatgpt.com/connector_platform_oauth_redirect?x=1",
        "http://chatgpt.com/connector_platform_oauth_redirect",
    ] {
        let other = RegisteredClient {
            redirect_uri: redirect_uri.into(),
            ..registered.clone()
        };
        let url = authorize_url(&server, &other, &Pkce::new(), STATE, &[]);
        assert_error_page(client.get(&url).send().await.unwrap()).await;
    }
}

#[tokio::test]
async fn repeated_redirect_uri_gets_error_page() {
    let server = TestServer::start().await;
    let client = http_client();
    let registered = public_client(&server, &client).await;
    let url = authorize_url(
        &server,
        &registered,
        &Pkce::new(),
        STATE,
        &[("redirect_uri", CHATGPT_REDIRECT_URI)],
    );
    assert_error_page(client.get(&url).send().await.unwrap()).await;
}

#[tokio::test]
async fn single_registered_redirect_uri_is_used_when_omitted() {
    let server = TestServer::start().await;
    let client = http_client();
    let registered = public_client(&server, &client).await;
    let pkce = Pkce::new();
    let url = authorize_url_with(
        &server,
        &[
            ("response_type", "code"),
            ("client_id", &registered.client_id),
            ("state", STATE),
            ("code_challenge", &pkce.challenge),
            ("code_challenge_method", "S256"),
        ],
    );
    let page = open_consent(&client, &url).await;
    assert_eq!(page.status, 200);
    let response = submit_consent(&server, &client, &page, Some(TEST_ACCESS_CODE), "approve").await;
    let location = response.headers()[LOCATION].to_str().unwrap();
    assert!(location.starts_with(CHATGPT_REDIRECT_URI), "{location}");
}

#[tokio::test]
async fn loopback_redirect_port_may_differ() {
    let server = TestServer::start().await;
    let client = http_client();
    let registered = register_client(&server, &client, "http://127.0.0.1/callback", "none").await;
    let with_port = RegisteredClient {
        redirect_uri: "http://127.0.0.1:53682/callback".into(),
        ..registered
    };
    let url = authorize_url(&server, &with_port, &Pkce::new(), STATE, &[]);
    let params = approve(&server, &client, &url).await;
    assert!(param(&params, "code").is_some());
}

#[tokio::test]
async fn empty_or_missing_scope_grants_default_scope() {
    let server = TestServer::start().await;
    let client = http_client();
    let registered = public_client(&server, &client).await;
    for extra in [vec![("scope", "")], vec![]] {
        let url = authorize_url(&server, &registered, &Pkce::new(), STATE, &extra);
        let page = open_consent(&client, &url).await;
        assert_eq!(page.status, 200, "{extra:?}");
        assert!(page.html.contains("neonpanel:read"), "{extra:?}");
        assert!(!page.html.contains("neonpanel:write"), "{extra:?}");

        let response =
            submit_consent(&server, &client, &page, Some(TEST_ACCESS_CODE), "approve").await;
        assert_eq!(response.status(), 303);
        let params = redirect_params(&response).unwrap();
        assert!(param(&params, "code").is_some(), "{extra:?}");
        assert_eq!(param(&params, "state"), Some(STATE), "{extra:?}");
        assert_eq!(param(&params, "iss"), Some(server.public_url.as_str()));
    }
}

#[tokio::test]
async fn missing_code_challenge_is_rejected() {
    let server = TestServer::start().await;
    let registered = public_client(&server, &http_client()).await;
    let url = authorize_url_with(
        &server,
        &[
            ("response_type", "code"),
            ("client_id", &registered.client_id),
            ("redirect_uri", CHATGPT_REDIRECT_URI),
            ("state", STATE),
        ],
    );
    assert_redirected_error(&server, &url, "invalid_request").await;
}

#[tokio::test]
async fn plain_pkce_method_is_rejected() {
    let server = TestServer::start().await;
    let registered = public_client(&server, &http_client()).await;
    let pkce = Pkce::new();
    let base = [
        ("response_type", "code"),
        ("client_id", registered.client_id.as_str()),
        ("redirect_uri", CHATGPT_REDIRECT_URI),
        ("state", STATE),
    ];

    let mut plain = base.to_vec();
    plain.extend([
        ("code_challenge", pkce.verifier.as_str()),
        ("code_challenge_method", "plain"),
    ]);
    assert_redirected_error(
        &server,
        &authorize_url_with(&server, &plain),
        "invalid_request",
    )
    .await;

    // Without a method, RFC 7636 would default to plain; this server rejects.
    for challenge in [pkce.verifier.as_str(), pkce.challenge.as_str()] {
        let mut no_method = base.to_vec();
        no_method.push(("code_challenge", challenge));
        let url = authorize_url_with(&server, &no_method);
        assert_redirected_error(&server, &url, "invalid_request").await;
    }
}

#[tokio::test]
async fn malformed_code_challenge_is_rejected() {
    let server = TestServer::start().await;
    let registered = public_client(&server, &http_client()).await;
    for challenge in ["short", &"a".repeat(44), &"a+b/".repeat(11)[..43]] {
        let mut pkce = Pkce::new();
        pkce.challenge = challenge.to_owned();
        let url = authorize_url(&server, &registered, &pkce, STATE, &[]);
        assert_redirected_error(&server, &url, "invalid_request").await;
    }
}

#[tokio::test]
async fn invalid_parameters_redirect_with_error() {
    let server = TestServer::start().await;
    let registered = public_client(&server, &http_client()).await;
    let pkce = Pkce::new();
    let other_resource = [("resource", "https://other.example/mcp")];
    let unknown_scope = [("scope", "neonpanel:read admin")];
    let repeated_scope = [("scope", "neonpanel:read"), ("scope", "neonpanel:read")];
    let repeated_state = [("state", "second")];
    for (extra, error) in [
        (&other_resource[..], "invalid_target"),
        (&unknown_scope[..], "invalid_scope"),
        (&repeated_scope[..], "invalid_request"),
        (&repeated_state[..], "invalid_request"),
    ] {
        let url = authorize_url(&server, &registered, &pkce, STATE, extra);
        assert_redirected_error(&server, &url, error).await;
    }

    let url = authorize_url_with(
        &server,
        &[
            ("response_type", "token"),
            ("client_id", &registered.client_id),
            ("redirect_uri", CHATGPT_REDIRECT_URI),
            ("state", STATE),
            ("code_challenge", &pkce.challenge),
            ("code_challenge_method", "S256"),
        ],
    );
    assert_redirected_error(&server, &url, "unsupported_response_type").await;
}

#[tokio::test]
async fn mcp_resource_is_accepted_with_or_without_slash() {
    let server = TestServer::start().await;
    let client = http_client();
    let registered = public_client(&server, &client).await;
    let resource = format!("{}/mcp", server.public_url);
    for value in [resource.clone(), format!("{resource}/")] {
        let url = authorize_url(
            &server,
            &registered,
            &Pkce::new(),
            STATE,
            &[("resource", &value)],
        );
        let page = open_consent(&client, &url).await;
        assert_eq!(page.status, 200, "{value}");
    }
}

#[tokio::test]
async fn consent_page_escapes_client_name() {
    let server = TestServer::start().await;
    let client = http_client();
    let document = serde_json::json!({
        "client_name": "<script>alert(1)</script>",
        "redirect_uris": [CHATGPT_REDIRECT_URI],
        "token_endpoint_auth_method": "none",
    });
    let response = post_registration(&server, &client, &document).await;
    let body: serde_json::Value = response.json().await.unwrap();
    let registered = RegisteredClient {
        client_id: body["client_id"].as_str().unwrap().into(),
        client_secret: None,
        redirect_uri: CHATGPT_REDIRECT_URI.into(),
        token_endpoint_auth_method: "none".into(),
    };
    let state = "\"><img src=x onerror=alert(2)>";
    let url = authorize_url(&server, &registered, &Pkce::new(), state, &[]);
    let page = open_consent(&client, &url).await;
    assert_eq!(page.status, 200);
    assert!(!page.html.contains("<script>alert(1)"));
    assert!(page.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!page.html.contains("<img"));
}

#[tokio::test]
async fn consent_page_cannot_be_framed() {
    let server = TestServer::start().await;
    let client = http_client();
    let registered = public_client(&server, &client).await;
    let url = authorize_url(&server, &registered, &Pkce::new(), STATE, &[]);
    let response = client.get(&url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-frame-options"], "DENY");
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    assert!(policy.contains("frame-ancestors 'none'"));
    assert_eq!(response.headers()["cache-control"], "no-store");
    let cookie = response.headers()[SET_COOKIE].to_str().unwrap();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(cookie.contains("Path=/authorize"), "{cookie}");
}

#[tokio::test]
async fn consent_cookie_is_secure_on_https() {
    let server = TestServer::start_with(support::Options {
        public_url: Some("https://mcp.example.com".into()),
        ..support::Options::default()
    })
    .await;
    let client = http_client();
    let registered = public_client(&server, &client).await;
    let url = authorize_url(&server, &registered, &Pkce::new(), STATE, &[]);
    let response = client.get(&url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let cookie = response.headers()[SET_COOKIE].to_str().unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
}

#[tokio::test]
async fn wrong_access_code_issues_nothing() {
    let server = TestServer::start().await;
    let client = http_client();
    let registered = public_client(&server, &client).await;
    let url = authorize_url(&server, &registered, &Pkce::new(), STATE, &[]);
    let page = open_consent(&client, &url).await;

    for (access_code, status) in [(Some("wrong-code"), 401), (None, 400)] {
        let response = submit_consent(&server, &client, &page, access_code, "approve").await;
        assert_eq!(response.status(), status, "{access_code:?}");
        assert!(response.headers().get(LOCATION).is_none());
        let html = response.text().await.unwrap();
        assert!(
            html.contains("access code"),
            "the page explains the failure"
        );
        assert!(html.contains("<form"), "the person may try again");
    }

    let response = submit_consent(&server, &client, &page, Some(TEST_ACCESS_CODE), "approve").await;
    assert_eq!(response.status(), 303);
    assert!(param(&redirect_params(&response).unwrap(), "code").is_some());
}

#[tokio::test]
async fn deny_redirects_with_access_denied() {
    let server = TestServer::start().await;
    let client = http_client();
    let registered = public_client(&server, &client).await;
    let url = authorize_url(&server, &registered, &Pkce::new(), STATE, &[]);
    let page = open_consent(&client, &url).await;
    let response = submit_consent(&server, &client, &page, None, "deny").await;
    assert_eq!(response.status(), 303);
    let params = redirect_params(&response).unwrap();
    assert_eq!(param(&params, "error"), Some("access_denied"));
    assert_eq!(param(&params, "state"), Some(STATE));
    assert_eq!(param(&params, "iss"), Some(server.public_url.as_str()));
    assert_eq!(param(&params, "code"), None);
}

#[tokio::test]
async fn consent_without_cookie_issues_no_code() {
    let server = TestServer::start().await;
    let client = http_client();
    let registered = public_client(&server, &client).await;
    let url = authorize_url(&server, &registered, &Pkce::new(), STATE, &[]);
    let page = open_consent(&client, &url).await;

    // Another browser, as a cross-site attacker would post from, has no cookie.
    let stranger = http_client();
    let response =
        submit_consent(&server, &stranger, &page, Some(TEST_ACCESS_CODE), "approve").await;
    assert_error_page(response).await;
}

#[tokio::test]
async fn tampered_consent_form_issues_no_code() {
    let server = TestServer::start().await;
    let client = http_client();
    let registered = public_client(&server, &client).await;
    let url = authorize_url(&server, &registered, &Pkce::new(), STATE, &[]);
    let page = open_consent(&client, &url).await;
    let (name, signed) = page.hidden_inputs[0].clone();

    let mut without_form = page.clone();
    without_form.hidden_inputs.clear();
    let mut tampered = page.clone();
    let flipped = if signed.starts_with('e') { "f" } else { "e" };
    tampered.hidden_inputs = vec![(name, format!("{flipped}{}", &signed[1..]))];

    for page in [without_form, tampered] {
        let response =
            submit_consent(&server, &client, &page, Some(TEST_ACCESS_CODE), "approve").await;
        assert_error_page(response).await;
    }
}

#[tokio::test]
async fn expired_consent_form_issues_no_code() {
    let server = TestServer::start().await;
    let client = http_client();
    let registered = public_client(&server, &client).await;
    let url = authorize_url(&server, &registered, &Pkce::new(), STATE, &[]);
    let page = open_consent(&client, &url).await;
    server.clock.advance(601);
    let response = submit_consent(&server, &client, &page, Some(TEST_ACCESS_CODE), "approve").await;
    assert_error_page(response).await;
}

#[tokio::test]
async fn consent_post_must_be_a_form() {
    let server = TestServer::start().await;
    let client = http_client();
    let response = client
        .post(server.url("/authorize"))
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_error_page(response).await;
    let response = client
        .post(server.url("/authorize"))
        .header(reqwest::header::CONTENT_TYPE, FORM_TYPE)
        .body(form_body(&[("decision", "approve")]))
        .send()
        .await
        .unwrap();
    assert_error_page(response).await;
}

#[tokio::test]
async fn authorization_touches_storage_twice() {
    let clock = ManualClock::new();
    let store = CountingStore::new(Arc::new(EmbeddedStore::in_memory(clock.clone())));
    let app = in_process::app(store.clone(), clock, KeyBytes::generate());
    let document = serde_json::json!({
        "redirect_uris": [CHATGPT_REDIRECT_URI],
        "token_endpoint_auth_method": "none",
    });
    let request = in_process::request(
        "POST",
        "/register",
        &[("content-type", "application/json")],
        document.to_string(),
    );
    let response = app.handle(request).await;
    let body: serde_json::Value = serde_json::from_slice(response.body()).unwrap();
    let client_id = body["client_id"].as_str().unwrap();
    store.reset();

    let pkce = Pkce::new();
    let query = form_body(&[
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", CHATGPT_REDIRECT_URI),
        ("code_challenge", &pkce.challenge),
        ("code_challenge_method", "S256"),
    ]);
    let response = app
        .handle(in_process::request(
            "GET",
            &format!("/authorize?{query}"),
            &[],
            "",
        ))
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        store.calls(),
        1,
        "showing the consent page reads the client once"
    );

    let cookie = response.headers()[SET_COOKIE].to_str().unwrap();
    let cookie = cookie.split(';').next().unwrap().to_owned();
    let html = std::str::from_utf8(response.body()).unwrap();
    let mut fields = support::oauth_flow::hidden_inputs(html);
    fields.push(("access_code".into(), TEST_ACCESS_CODE.into()));
    fields.push(("decision".into(), "approve".into()));
    store.reset();
    let response = app
        .handle(in_process::request(
            "POST",
            "/authorize",
            &[("content-type", FORM_TYPE), ("cookie", &cookie)],
            form_body(&fields),
        ))
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        store.calls(),
        2,
        "approval reads the client and writes the code"
    );
}

/// Runs the flow for a client asking for `scope`, answers the consent page
/// with `access`, and returns the scope the token endpoint grants.
async fn granted_scope(scope: &str, access: Option<&str>) -> (String, String) {
    let server = TestServer::start().await;
    let client = http_client();
    let registered = public_client(&server, &client).await;
    let pkce = Pkce::new();
    let url = authorize_url(&server, &registered, &pkce, STATE, &[("scope", scope)]);
    let page = open_consent(&client, &url).await;
    assert_eq!(page.status, 200, "{}", page.html);
    let response = submit_consent_with_access(
        &server,
        &client,
        &page,
        Some(TEST_ACCESS_CODE),
        "approve",
        access,
    )
    .await;
    assert_eq!(response.status(), 303);
    let params = redirect_params(&response).unwrap();
    let code = param(&params, "code").unwrap().to_owned();
    let token = support::oauth_flow::post_token(
        &server,
        &client,
        &registered,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", &registered.redirect_uri),
            ("code_verifier", &pkce.verifier),
        ],
    )
    .await;
    assert_eq!(token.status(), 200);
    let body: serde_json::Value = token.json().await.unwrap();
    (body["scope"].as_str().unwrap().to_owned(), page.html)
}

#[tokio::test]
async fn consent_grants_write_when_chosen() {
    let (scope, html) = granted_scope("neonpanel:read neonpanel:write", Some("read_write")).await;
    assert_eq!(scope, "neonpanel:read neonpanel:write");
    assert!(html.contains("Read and write"), "{html}");
}

#[tokio::test]
async fn consent_read_only_choice_drops_write() {
    let (scope, _) = granted_scope("neonpanel:read neonpanel:write", Some("read")).await;
    assert_eq!(scope, "neonpanel:read");
    let (scope, _) = granted_scope("neonpanel:write", None).await;
    assert_eq!(scope, "neonpanel:read");
}

#[tokio::test]
async fn read_request_cannot_be_widened_on_consent() {
    let (scope, html) = granted_scope("neonpanel:read", Some("read_write")).await;
    assert_eq!(scope, "neonpanel:read");
    assert!(!html.contains("Read and write"), "{html}");
}
