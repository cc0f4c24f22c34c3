//! The scope rule on `/mcp`: tools that change NeonPanel data need
//! `neonpanel:write`, and a caller without it gets the MCP step-up response
//! (403 with an `insufficient_scope` challenge) before anything reaches
//! NeonPanel.

mod support;

use neonpanel_mcp::config::McpAuth;
use neonpanel_mcp::secret::ApiKey;
use serde_json::{Value, json};
use support::neonpanel_standin::{COMPANY_UUID, NeonPanelStandIn};
use support::{Options, TestServer};

async fn start_with(mcp_auth: McpAuth) -> (NeonPanelStandIn, TestServer) {
    let standin = NeonPanelStandIn::start().await;
    let server = TestServer::start_with(Options {
        neonpanel_url: Some(standin.base_url.clone()),
        mcp_auth,
        ..Options::default()
    })
    .await;
    (standin, server)
}

fn call(name: &str, arguments: Value) -> Value {
    json!({
        "jsonrpc": "2.0",
        "id": 11,
        "method": "tools/call",
        "params": { "name": name, "arguments": arguments },
    })
}

fn create_bill() -> Value {
    call(
        "project_management_create_bills",
        json!({ "companyUuid": COMPANY_UUID, "ref_number": "B-5" }),
    )
}

#[tokio::test]
async fn read_token_calling_write_tool_gets_step_up() {
    let (standin, server) = start_with(McpAuth::OAuth).await;
    let response = server
        .mcp_post(Some(&server.access_token()), Some("2025-06-18"))
        .json(&create_bill())
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 403);
    let challenge = response
        .headers()
        .get("www-authenticate")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(challenge.starts_with("Bearer "), "{challenge}");
    assert!(
        challenge.contains(r#"error="insufficient_scope""#),
        "{challenge}"
    );
    assert!(
        challenge.contains(r#"scope="neonpanel:read neonpanel:write""#),
        "{challenge}"
    );
    let metadata = format!(
        r#"resource_metadata="{}/.well-known/oauth-protected-resource/mcp""#,
        server.public_url
    );
    assert!(challenge.contains(&metadata), "{challenge}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "insufficient_scope");
    assert!(standin.requests().is_empty(), "nothing may reach NeonPanel");
}

#[tokio::test]
async fn read_token_may_call_read_tools() {
    let (standin, server) = start_with(McpAuth::OAuth).await;
    let result = server
        .call_tool(
            "project_management_list_bills",
            json!({ "companyUuid": COMPANY_UUID }),
        )
        .await;
    assert_eq!(result["isError"], false, "{result}");
    assert_eq!(standin.requests().len(), 1);
}

#[tokio::test]
async fn write_token_may_call_write_tools() {
    let (standin, server) = start_with(McpAuth::OAuth).await;
    let response = server
        .mcp_post(Some(&server.write_access_token()), Some("2025-06-18"))
        .json(&create_bill())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["result"]["isError"], false, "{body}");
    let requests = standin.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, "POST");
    assert_eq!(requests[0].body, Some(json!({ "ref_number": "B-5" })));
}

#[tokio::test]
async fn batch_is_rejected_before_scope_check() {
    let (standin, server) = start_with(McpAuth::OAuth).await;
    let batch = json!([call("account_list_companies", json!({})), create_bill(),]);
    let response = server
        .mcp_post(Some(&server.access_token()), Some("2025-06-18"))
        .json(&batch)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], -32600);
    assert!(standin.requests().is_empty());
}

#[tokio::test]
async fn development_api_key_holds_every_scope() {
    let (standin, server) = start_with(McpAuth::OAuthOrApiKey(ApiKey::new("dev-key-2718"))).await;
    let response = server
        .mcp_post(Some("dev-key-2718"), Some("2025-06-18"))
        .json(&create_bill())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(standin.requests().len(), 1);
}

#[tokio::test]
async fn tools_list_is_the_same_for_read_tokens() {
    let (_standin, server) = start_with(McpAuth::OAuth).await;
    let response = server
        .mcp_post(Some(&server.access_token()), Some("2025-06-18"))
        .json(&json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" }))
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["result"]["tools"].as_array().unwrap().len(),
        support::TOOL_COUNT
    );
}
