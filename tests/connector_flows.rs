//! ChatGPT- and Claude-shaped connection flows, scripted from the requests
//! those connectors are documented to send. Their callback URLs appear only
//! as `redirect_uri` strings; nothing here contacts them.

mod support;

use serde_json::{Value, json};
use support::neonpanel_standin::{COMPANY_UUID, NeonPanelStandIn};
use support::oauth_flow::{
    FORM_TYPE, Pkce, RegisteredClient, authorize_url, form_body, open_consent, param,
    post_registration, post_token, redirect_params, submit_consent,
};
use support::{Options, TEST_ACCESS_CODE, TestServer, http_client};

const CHATGPT_PLATFORM_CALLBACK: &str = "https://chatgpt.com/connector_platform_oauth_redirect";
const CHATGPT_CONNECTOR_CALLBACK: &str = "https://chatgpt.com/connector/oauth/cb_7d2e41a9";
const CLAUDE_AI_CALLBACK: &str = "https://claude.ai/api/mcp/auth_callback";
const CLAUDE_COM_CALLBACK: &str = "https://claude.com/api/mcp/auth_callback";

async fn server_with_standin() -> (TestServer, NeonPanelStandIn) {
    let neonpanel = NeonPanelStandIn::start().await;
    let server = TestServer::start_with(Options {
        neonpanel_url: Some(neonpanel.base_url.clone()),
        ..Options::default()
    })
    .await;
    (server, neonpanel)
}

async fn register(server: &TestServer, redirect_uris: &[&str], method: &str) -> Value {
    let response = post_registration(
        server,
        &http_client(),
        &json!({
            "client_name": "Connector",
            "redirect_uris": redirect_uris,
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "token_endpoint_auth_method": method,
        }),
    )
    .await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

/// Runs the consent page with `extra` authorize parameters and returns the
/// code, checking `state` and `iss` on the way back.
async fn approve(
    server: &TestServer,
    client: &RegisteredClient,
    pkce: &Pkce,
    extra: &[(&str, &str)],
) -> String {
    let browser = http_client();
    let url = authorize_url(server, client, pkce, "st-42", extra);
    let page = open_consent(&browser, &url).await;
    assert_eq!(page.status, 200, "{}", page.html);
    let response = submit_consent(server, &browser, &page, Some(TEST_ACCESS_CODE), "approve").await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with(&format!("{}?", client.redirect_uri)),
        "{location}"
    );
    let params = redirect_params(&response).unwrap();
    assert_eq!(param(&params, "state"), Some("st-42"));
    assert_eq!(param(&params, "iss"), Some(server.public_url.as_str()));
    param(&params, "code").unwrap().to_owned()
}

async fn tools_call(server: &TestServer, token: &str, name: &str) -> Value {
    let response = server
        .mcp_post(Some(token), Some("2025-06-18"))
        .json(&json!({
            "jsonrpc": "2.0", "id": 3, "method": "tools/call",
            "params": { "name": name, "arguments": {} },
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chatgpt_shaped_flow() {
    let (server, neonpanel) = server_with_standin().await;
    let http = http_client();
    let resource = server.url("/mcp");

    // ChatGPT probes with server/discover at the newest revision first.
    let probe = server
        .mcp_post(None, Some("2026-07-28"))
        .header("mcp-method", "server/discover")
        .json(&json!({ "jsonrpc": "2.0", "id": 0, "method": "server/discover", "params": {} }))
        .send()
        .await
        .unwrap();
    assert_eq!(probe.status(), 401);
    let challenge = probe.headers()["www-authenticate"].to_str().unwrap();
    let metadata_url = server.url("/.well-known/oauth-protected-resource/mcp");
    assert!(challenge.contains(&metadata_url), "{challenge}");

    // HEAD, then GET, on both metadata documents.
    for path in [
        "/.well-known/oauth-protected-resource/mcp",
        "/.well-known/oauth-authorization-server",
    ] {
        let head = http.head(server.url(path)).send().await.unwrap();
        assert_eq!(head.status(), 200, "HEAD {path}");
        assert!(
            head.bytes().await.unwrap().is_empty(),
            "HEAD {path} has a body"
        );
        let get = http.get(server.url(path)).send().await.unwrap();
        assert_eq!(get.status(), 200, "GET {path}");
    }
    let authorization_server: Value = http
        .get(server.url("/.well-known/oauth-authorization-server"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        authorization_server["client_id_metadata_document_supported"],
        true
    );

    // Registration with both callback shapes, used in turn.
    let registration = register(
        &server,
        &[CHATGPT_PLATFORM_CALLBACK, CHATGPT_CONNECTOR_CALLBACK],
        "none",
    )
    .await;
    let client_id = registration["client_id"].as_str().unwrap();
    for callback in [CHATGPT_PLATFORM_CALLBACK, CHATGPT_CONNECTOR_CALLBACK] {
        let client = RegisteredClient {
            client_id: client_id.to_owned(),
            client_secret: None,
            redirect_uri: callback.to_owned(),
            token_endpoint_auth_method: "none".to_owned(),
        };
        let pkce = Pkce::new();
        // An empty scope asks for the default grant.
        let code = approve(
            &server,
            &client,
            &pkce,
            &[("scope", ""), ("resource", &resource)],
        )
        .await;
        let tokens = post_token(
            &server,
            &http,
            &client,
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", callback),
                ("code_verifier", &pkce.verifier),
                ("resource", &resource),
            ],
        )
        .await;
        assert_eq!(tokens.status(), 200, "{callback}");
        let tokens: Value = tokens.json().await.unwrap();
        assert_eq!(tokens["scope"], "neonpanel:read", "{tokens}");
        let access_token = tokens["access_token"].as_str().unwrap();

        let result = tools_call(&server, access_token, "account_list_companies").await;
        assert_eq!(result["result"]["isError"], false, "{result}");
        assert_eq!(
            result["result"]["structuredContent"]["data"][0]["uuid"],
            COMPANY_UUID
        );

        let refreshed = post_token(
            &server,
            &http,
            &client,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
                ("resource", &resource),
            ],
        )
        .await;
        assert_eq!(refreshed.status(), 200, "{callback} refresh");
    }
    assert!(neonpanel.requests().len() >= 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claude_shaped_flow() {
    let (server, _neonpanel) = server_with_standin().await;
    let http = http_client();

    let registration = register(
        &server,
        &[CLAUDE_AI_CALLBACK, CLAUDE_COM_CALLBACK],
        "client_secret_post",
    )
    .await;
    assert_eq!(
        registration["token_endpoint_auth_method"],
        "client_secret_post"
    );
    let secret = registration["client_secret"].as_str().unwrap();
    for callback in [CLAUDE_AI_CALLBACK, CLAUDE_COM_CALLBACK] {
        let client = RegisteredClient {
            client_id: registration["client_id"].as_str().unwrap().to_owned(),
            client_secret: Some(secret.to_owned()),
            redirect_uri: callback.to_owned(),
            token_endpoint_auth_method: "client_secret_post".to_owned(),
        };
        let pkce = Pkce::new();
        let code = approve(&server, &client, &pkce, &[]).await;
        let tokens = post_token(
            &server,
            &http,
            &client,
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", callback),
                ("code_verifier", &pkce.verifier),
            ],
        )
        .await;
        assert_eq!(tokens.status(), 200, "{callback}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claude_reregisters_after_invalid_client() {
    let (server, _neonpanel) = server_with_standin().await;
    let http = http_client();

    // A client the server no longer knows, as after a data reset.
    let forgotten = http
        .post(server.url("/token"))
        .header(reqwest::header::CONTENT_TYPE, FORM_TYPE)
        .body(form_body(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", "stale-refresh-token"),
            ("client_id", "2b7f0e0c-forgotten"),
            ("client_secret", "stale-secret"),
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(forgotten.status(), 401);
    let error: Value = forgotten.json().await.unwrap();
    assert_eq!(error["error"], "invalid_client");

    let page = open_consent(
        &http,
        &authorize_url(
            &server,
            &RegisteredClient {
                client_id: "2b7f0e0c-forgotten".to_owned(),
                client_secret: None,
                redirect_uri: CLAUDE_AI_CALLBACK.to_owned(),
                token_endpoint_auth_method: "client_secret_post".to_owned(),
            },
            &Pkce::new(),
            "st",
            &[],
        ),
    )
    .await;
    assert_eq!(
        page.status, 400,
        "an unknown client gets an error page, not a redirect"
    );

    // Claude registers again and the new registration works end to end.
    let registration = register(&server, &[CLAUDE_AI_CALLBACK], "client_secret_post").await;
    let client = RegisteredClient {
        client_id: registration["client_id"].as_str().unwrap().to_owned(),
        client_secret: Some(registration["client_secret"].as_str().unwrap().to_owned()),
        redirect_uri: CLAUDE_AI_CALLBACK.to_owned(),
        token_endpoint_auth_method: "client_secret_post".to_owned(),
    };
    let pkce = Pkce::new();
    let code = approve(&server, &client, &pkce, &[]).await;
    let tokens = post_token(
        &server,
        &http,
        &client,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CLAUDE_AI_CALLBACK),
            ("code_verifier", &pkce.verifier),
        ],
    )
    .await;
    assert_eq!(tokens.status(), 200);
    let tokens: Value = tokens.json().await.unwrap();
    let result = tools_call(
        &server,
        tokens["access_token"].as_str().unwrap(),
        "account_list_companies",
    )
    .await;
    assert_eq!(result["result"]["isError"], false, "{result}");
}
