//! The product's main job, driven by rmcp's OAuth client, which this project
//! did not write. The flow runs 401, metadata discovery, dynamic client
//! registration, consent approved by a person, token, `tools/list`, NeonPanel
//! tool calls, refresh, and another call with the new access token.

mod support;

use rmcp::ServiceExt as _;
use rmcp::model::CallToolRequestParams;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::auth::{AuthClient, AuthorizationRequest, OAuthState};
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use support::neonpanel_standin::NeonPanelStandIn;
use support::{Options, TEST_ACCESS_CODE, TEST_IAT, TestServer, browser};

/// Where the client asks to be sent back; nothing needs to listen there,
/// because the test reads the redirect instead of following it.
const REDIRECT_URI: &str = "http://127.0.0.1:53682/callback";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oauth_client_connects_and_calls_neonpanel_tools() {
    let neonpanel = NeonPanelStandIn::start().await;
    let server = TestServer::start_with(Options {
        neonpanel_url: Some(neonpanel.base_url.clone()),
        ..Options::default()
    })
    .await;
    let mcp_url = server.url("/mcp");

    // An unauthenticated request gets the challenge that starts OAuth.
    let unauthenticated = reqwest::Client::new()
        .post(&mcp_url)
        .header("accept", "application/json, text/event-stream")
        .json(&serde_json::json!({
            "jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": { "name": "end-to-end", "version": "1" }
            }
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthenticated.status(), 401);
    let challenge = unauthenticated.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        challenge.contains(&format!(
            "resource_metadata=\"{}\"",
            server.url("/.well-known/oauth-protected-resource/mcp")
        )),
        "challenge: {challenge}"
    );

    // The client library discovers metadata from the challenge and registers.
    let mut oauth = OAuthState::new(mcp_url.as_str(), None).await.unwrap();
    oauth
        .start_authorization(
            AuthorizationRequest::new(REDIRECT_URI)
                .with_client_name("End-to-end test client")
                .with_challenge(challenge),
        )
        .await
        .expect("discovery and registration succeed");
    let authorization_url = oauth.get_authorization_url().await.unwrap();
    assert!(authorization_url.starts_with(&server.url("/authorize?")));
    assert!(authorization_url.contains("code_challenge_method=S256"));

    // A person approves on the consent page; the client takes the callback.
    let person = support::http_client();
    let callback = browser::approve(&person, &authorization_url, TEST_ACCESS_CODE).await;
    assert!(callback.as_str().starts_with(REDIRECT_URI));
    oauth
        .handle_callback_url(callback.as_str())
        .await
        .expect("the code is exchanged for tokens");
    let manager = oauth.into_authorization_manager().unwrap();
    let auth_client = AuthClient::new(reqwest::Client::new(), manager);
    let first_access_token = auth_client.get_access_token().await.unwrap();

    // The MCP session lists tools and calls NeonPanel through the server.
    let transport = StreamableHttpClientTransport::with_client(
        auth_client.clone(),
        StreamableHttpClientTransportConfig::with_uri(mcp_url.as_str()),
    );
    let mcp = ().serve(transport).await.expect("the MCP client connects");
    let tools = mcp.list_all_tools().await.unwrap();
    let names: Vec<&str> = tools.iter().map(|tool| tool.name.as_ref()).collect();
    for expected in ["account_list_companies", "inventory_list_items"] {
        assert!(
            names.contains(&expected),
            "tools/list lacks {expected}: {names:?}"
        );
    }

    let companies = mcp
        .call_tool(CallToolRequestParams::new("account_list_companies"))
        .await
        .unwrap();
    assert_ne!(companies.is_error, Some(true), "{companies:?}");
    let structured = companies
        .structured_content
        .clone()
        .expect("structured content");
    let company_uuid = structured["data"][0]["uuid"]
        .as_str()
        .expect("the stand-in's first company has a uuid")
        .to_owned();

    let items = mcp
        .call_tool(
            CallToolRequestParams::new("inventory_list_items").with_arguments(
                serde_json::json!({ "companyUuid": company_uuid })
                    .as_object()
                    .unwrap()
                    .clone(),
            ),
        )
        .await
        .unwrap();
    assert_ne!(items.is_error, Some(true), "{items:?}");
    let items = items.structured_content.expect("structured content");
    assert!(!items["data"].as_array().unwrap().is_empty());

    // The refresh token rotates and the new access token keeps working.
    auth_client
        .auth_manager
        .lock()
        .await
        .refresh_token()
        .await
        .expect("the refresh token is accepted");
    let second_access_token = auth_client.get_access_token().await.unwrap();
    assert_ne!(first_access_token, second_access_token);
    let again = mcp
        .call_tool(CallToolRequestParams::new("account_list_companies"))
        .await
        .unwrap();
    assert_ne!(again.is_error, Some(true), "{again:?}");
    mcp.cancel().await.unwrap();

    // NeonPanel only ever saw the server's own credential.
    let seen = neonpanel.requests();
    assert!(seen.len() >= 3, "NeonPanel was called: {seen:?}");
    for request in &seen {
        assert_eq!(request.authorization, Some(format!("Bearer {TEST_IAT}")));
    }
}
