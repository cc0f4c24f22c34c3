//! ChatGPT- and Claude-shaped connection flows, scripted from the requests
//! those connectors are documented to send. Their callback URLs appear only
//! as `redirect_uri` strings; nothing here contacts them.

mod support;

use serde_json::{Value, json};
use support::neonpanel_standin::{COMPANY_UUID, NeonPanelStandIn};
use support::oauth_flow::{
    FORM_TYPE, Pkce, RegisteredClient, authorize_url, form_body, open_consent, param,
    post_registration, post_token, redirect_params, submit_consent_with_access,
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
    approve_with_access(server, client, pkce, extra, None).await
}

/// Runs the consent page like [`approve`], choosing `access` (`read` or
/// `read_write`) on the page when given.
async fn approve_with_access(
    server: &TestServer,
    client: &RegisteredClient,
    pkce: &Pkce,
    extra: &[(&str, &str)],
    access: Option<&str>,
) -> String {
    let browser = http_client();
    let url = authorize_url(server, client, pkce, "st-42", extra);
    let page = open_consent(&browser, &url).await;
    assert_eq!(page.status, 200, "{}", page.html);
    if let Some(access) = access {
        assert!(
            page.html.contains(&format!(r#"value="{access}""#)),
            "the consent page offers no {access} choice: {}",
            page.html
        );
    }
    let response = submit_consent_with_access(
        server,
        &browser,
        &page,
        Some(TEST_ACCESS_CODE),
        "approve",
        access,
    )
    .await;
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
    let mut read_token = String::new();
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
        read_token = access_token.to_owned();
    }
    assert!(neonpanel.requests().len() >= 2);

    // ChatGPT reads each tool's securitySchemes to know which need more access.
    let tools = tools_list(&server, &read_token).await;
    assert_eq!(
        security_scopes(&tools, "account_list_companies"),
        ["neonpanel:read"]
    );
    assert_eq!(
        security_scopes(&tools, CREATE_BILL),
        ["neonpanel:read", "neonpanel:write"]
    );
    for tool in &tools {
        assert_eq!(
            tool["_meta"]["securitySchemes"][0]["type"], "oauth2",
            "{}",
            tool["name"]
        );
    }

    // A write tool with the read-only grant gets the step-up challenge.
    let requests_before = neonpanel.requests().len();
    let denied = create_bill(&server, &read_token).await;
    assert_eq!(denied.status(), 403);
    let challenge = denied.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(challenge.starts_with("Bearer "), "{challenge}");
    assert!(
        challenge.contains(r#"error="insufficient_scope""#),
        "{challenge}"
    );
    assert!(
        challenge.contains(&format!(r#"resource_metadata="{metadata_url}""#)),
        "{challenge}"
    );
    let requested_scope = challenge_param(&challenge, "scope");
    assert_eq!(requested_scope, "neonpanel:read neonpanel:write");
    assert_eq!(neonpanel.requests().len(), requests_before);

    // ChatGPT authorizes again with the scope from the challenge, and the
    // person chooses "read and write".
    let client = RegisteredClient {
        client_id: client_id.to_owned(),
        client_secret: None,
        redirect_uri: CHATGPT_PLATFORM_CALLBACK.to_owned(),
        token_endpoint_auth_method: "none".to_owned(),
    };
    let pkce = Pkce::new();
    let code = approve_with_access(
        &server,
        &client,
        &pkce,
        &[("scope", &requested_scope), ("resource", &resource)],
        Some("read_write"),
    )
    .await;
    let tokens = post_token(
        &server,
        &http,
        &client,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CHATGPT_PLATFORM_CALLBACK),
            ("code_verifier", &pkce.verifier),
            ("resource", &resource),
        ],
    )
    .await;
    assert_eq!(tokens.status(), 200);
    let tokens: Value = tokens.json().await.unwrap();
    assert_eq!(
        tokens["scope"], "neonpanel:read neonpanel:write",
        "{tokens}"
    );

    let allowed = create_bill(&server, tokens["access_token"].as_str().unwrap()).await;
    assert_eq!(allowed.status(), 200);
    let result: Value = allowed.json().await.unwrap();
    assert_eq!(result["result"]["isError"], false, "{result}");
    let requests = neonpanel.requests();
    assert_eq!(requests.len(), requests_before + 1);
    let created = requests.last().unwrap();
    assert_eq!(created.method, "POST");
    assert_eq!(created.body, Some(json!({ "ref_number": "B-77" })));
    assert!(
        neonpanel.violations().is_empty(),
        "{:?}",
        neonpanel.violations()
    );
}

/// A write tool: it creates a bill in NeonPanel.
const CREATE_BILL: &str = "project_management_create_bills";

async fn create_bill(server: &TestServer, token: &str) -> reqwest::Response {
    server
        .mcp_post(Some(token), Some("2025-06-18"))
        .json(&json!({
            "jsonrpc": "2.0", "id": 5, "method": "tools/call",
            "params": {
                "name": CREATE_BILL,
                "arguments": { "companyUuid": COMPANY_UUID, "ref_number": "B-77" },
            },
        }))
        .send()
        .await
        .unwrap()
}

async fn tools_list(server: &TestServer, token: &str) -> Vec<Value> {
    let response = server
        .mcp_post(Some(token), Some("2025-06-18"))
        .json(&json!({ "jsonrpc": "2.0", "id": 4, "method": "tools/list" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body["result"]["tools"].as_array().unwrap().clone()
}

/// Returns the scopes that the `securitySchemes` of tool `name` declare.
fn security_scopes(tools: &[Value], name: &str) -> Vec<String> {
    let tool = tools
        .iter()
        .find(|tool| tool["name"] == name)
        .unwrap_or_else(|| panic!("tools/list has no {name}"));
    let schemes = &tool["_meta"]["securitySchemes"];
    assert_eq!(schemes[0]["type"], "oauth2", "{name}: {schemes}");
    schemes[0]["scopes"]
        .as_array()
        .unwrap_or_else(|| panic!("{name} declares no scopes: {schemes}"))
        .iter()
        .map(|scope| scope.as_str().unwrap().to_owned())
        .collect()
}

/// Returns the quoted value of `name` in a `WWW-Authenticate` challenge.
fn challenge_param(challenge: &str, name: &str) -> String {
    let marker = format!(r#" {name}=""#);
    let start = challenge
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {challenge}"))
        + marker.len();
    let end = challenge[start..].find('"').unwrap() + start;
    challenge[start..end].to_owned()
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
