//! The MCP server handler: server information, the tool list and tool calls,
//! all served from the [`Toolbox`] table.

use std::borrow::Cow;

use rmcp::ErrorData;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    JsonObject, ListToolsResult, MetaObject, PaginatedRequestParams, ProtocolVersion,
    ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::{RequestContext, RoleServer};

use super::auth::{Caller, insufficient_scope_challenge};
use crate::tools::Toolbox;

/// Server name announced in `serverInfo`.
pub const SERVER_NAME: &str = "neonpanel-mcp";

/// Protocol revisions served on `/mcp`: every one that defines the streamable
/// HTTP transport. 2024-11-05 is left out because it predates that transport.
pub const SUPPORTED_PROTOCOL_VERSIONS: &[ProtocolVersion] = &[
    ProtocolVersion::V_2025_03_26,
    ProtocolVersion::V_2025_06_18,
    ProtocolVersion::V_2025_11_25,
    ProtocolVersion::V_2026_07_28,
];

/// How long a client may reuse a `tools/list` result, in milliseconds. The
/// list changes only when a new version is deployed.
const TOOL_LIST_TTL_MS: u64 = 5 * 60 * 1000;

/// Guidance for the model, sent as `instructions`.
const INSTRUCTIONS: &str = "\
This server works with a seller's NeonPanel account: companies, inventory items, products, \
listings, warehouses, stock balances, costs, forecasting settings, and documents such as \
inventory orders, bills, invoices, shipments, assembly orders and adjustments.
Start with account_list_companies. Company tools take `companyUuid`: the company's `uuid`, or its \
numeric `id`.
To find a product, call inventory_list_items with `search` (SKU, ASIN, FNSKU or name), then pass \
its numeric `id` as `inventoryId` to inventory_get_details for per-warehouse stock. `search` and \
`fetch` look across items, products, listings and documents at once.
Tools that create, update or delete need read and write access; confirm such changes with the \
person first. Updates replace the fields and line items they are given.
Lists are paginated: read `current_page` and `last_page` and ask for the next `page` when the \
tool takes one. Dates are YYYY-MM-DD. Amounts carry their own currency; do not add amounts in \
different currencies.
If a tool returns an error, read its message: it names the argument to fix or says what failed \
in NeonPanel.";

/// The MCP handler rmcp calls for every request. One value is built per
/// request by the streamable HTTP service; cloning shares the toolbox.
#[derive(Clone, Debug)]
pub struct NeonPanelServer {
    toolbox: Toolbox,
    /// Quoted into the step-up challenge of a tool result.
    resource_metadata: String,
}

impl NeonPanelServer {
    /// Creates a handler over `toolbox`; `resource_metadata` is the
    /// protected resource metadata URL.
    pub fn new(toolbox: Toolbox, resource_metadata: String) -> Self {
        Self {
            toolbox,
            resource_metadata,
        }
    }
}

/// Returns the authenticated caller of the request behind `context`. rmcp copies the
/// HTTP request parts into the context, and the endpoint stored the caller in
/// their extensions before handing the request over.
pub fn caller_of(context: &RequestContext<RoleServer>) -> Option<&Caller> {
    context
        .extensions
        .get::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Caller>())
}

impl rmcp::ServerHandler for NeonPanelServer {
    fn get_info(&self) -> ServerConfig {
        let capabilities = ServerCapabilities::builder().enable_tools().build();
        let implementation = Implementation::new(SERVER_NAME, env!("CARGO_PKG_VERSION"))
            .with_title("NeonPanel")
            .with_description("Inventory and accounting data of a NeonPanel seller account");
        ServerConfig::new(capabilities)
            .with_server_info(implementation)
            .with_instructions(INSTRUCTIONS)
    }

    fn supported_protocol_versions(&self) -> Cow<'static, [ProtocolVersion]> {
        Cow::Borrowed(SUPPORTED_PROTOCOL_VERSIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(
            ListToolsResult::with_all_items(self.toolbox.tools().to_vec())
                .with_ttl_ms(TOOL_LIST_TTL_MS),
        )
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.toolbox
            .tools()
            .iter()
            .find(|tool| tool.name == name)
            .cloned()
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        // An unknown tool is a protocol error (JSON-RPC -32602), as the MCP
        // tools specification requires, and everything after this is a tool result.
        let Some(entry) = self.toolbox.find(&request.name) else {
            return Err(ErrorData::invalid_params(
                format!(
                    "unknown tool {:?}; call tools/list for the available tools",
                    request.name
                ),
                None,
            ));
        };

        // The endpoint never forwards a request without a caller; a missing
        // one means the handler was reached some other way.
        let Some(caller) = caller_of(&context) else {
            return Err(ErrorData::internal_error(
                "the request reached the tool handler without authentication",
                None,
            ));
        };

        // The endpoint already rejects a write call without the write scope
        // with HTTP 403. This check covers any other way in, with the
        // tool-result form of the same challenge, which ChatGPT also reads.
        let required = entry.access().required_scopes();
        if !caller.has_scopes(required) {
            tracing::info!(
                tool = entry.name(),
                caller = caller_label(caller),
                "tool call rejected (insufficient scope)"
            );
            return Ok(insufficient_scope_result(required, &self.resource_metadata).into());
        }
        tracing::info!(
            tool = entry.name(),
            caller = caller_label(caller),
            "tool called"
        );

        Ok(self
            .toolbox
            .call(entry, request.arguments.as_ref())
            .await
            .into())
    }
}

/// Builds the error result of a call without the scopes it needs, carrying
/// the challenge under `_meta["mcp/www_authenticate"]`, where ChatGPT looks
/// for it.
fn insufficient_scope_result(scopes: &[&str], resource_metadata: &str) -> CallToolResult {
    let mut result = CallToolResult::error(vec![ContentBlock::text(format!(
        "this tool changes NeonPanel data, and this connection was granted read access only;          reconnect and choose \"read and write\" on the consent page to grant {}",
        scopes.join(" ")
    ))]);
    let mut meta = JsonObject::new();
    meta.insert(
        "mcp/www_authenticate".into(),
        serde_json::json!([insufficient_scope_challenge(scopes, resource_metadata)]),
    );
    result.meta = Some(MetaObject(meta));
    result
}

/// Names the caller in log lines without any credential.
fn caller_label(caller: &Caller) -> String {
    match caller {
        Caller::Token(claims) => format!("client {}", claims.client_id),
        Caller::ApiKey => "development API key".to_owned(),
        Caller::Unauthenticated => "unauthenticated".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_result_carries_step_up_challenge() {
        let metadata = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp";
        let result = insufficient_scope_result(&["neonpanel:read", "neonpanel:write"], metadata);
        assert_eq!(result.is_error, Some(true));
        let meta = result.meta.unwrap();
        let challenge = meta.0["mcp/www_authenticate"][0].as_str().unwrap();
        assert!(
            challenge.contains(r#"error="insufficient_scope""#),
            "{challenge}"
        );
        assert!(
            challenge.contains(r#"scope="neonpanel:read neonpanel:write""#),
            "{challenge}"
        );
        assert!(challenge.contains(metadata), "{challenge}");
    }
}
