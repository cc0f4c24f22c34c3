//! NeonPanel tools: a table of operation definitions ([`catalog::TOOLS`]) and
//! one executor that validates arguments, calls NeonPanel and shapes the MCP
//! tool result.
//!
//! Results follow the MCP tools specification
//! (<https://modelcontextprotocol.io/specification/2025-11-25/server/tools>):
//! `structuredContent` holds NeonPanel's JSON object, and `content` holds a
//! one-line summary followed by the same JSON as text, for clients that read
//! only `content`. Invalid arguments and NeonPanel failures are tool results
//! with `isError: true` and a message a model can act on, never protocol
//! errors.

pub mod arguments;
pub mod catalog;
pub mod spec;

use std::collections::HashMap;
use std::sync::Arc;

use http::StatusCode;
use rmcp::model::{CallToolResult, ContentBlock, JsonObject, Tool};
use serde_json::{Value, json};

use crate::neonpanel::{NeonPanelClient, NeonPanelError};
use spec::{Summary, ToolSpec};

/// The tools of one server: their definitions, built once, and the client
/// they call.
#[derive(Clone, Debug)]
pub struct Toolbox {
    specs: Arc<HashMap<&'static str, &'static ToolSpec>>,
    tools: Arc<Vec<Tool>>,
    neonpanel: NeonPanelClient,
}

impl Toolbox {
    /// Builds the toolbox over every tool of the catalog.
    pub fn new(neonpanel: NeonPanelClient) -> Self {
        Self::with_specs(catalog::TOOLS, neonpanel)
    }

    /// Builds a toolbox over the given definitions.
    pub fn with_specs(specs: &'static [ToolSpec], neonpanel: NeonPanelClient) -> Self {
        let tools = specs.iter().map(ToolSpec::to_tool).collect();
        let specs = specs.iter().map(|spec| (spec.name, spec)).collect();
        Self {
            specs: Arc::new(specs),
            tools: Arc::new(tools),
            neonpanel,
        }
    }

    /// The MCP tool definitions, in catalog order.
    pub fn tools(&self) -> &[Tool] {
        &self.tools
    }

    /// Finds a tool definition by name.
    pub fn spec(&self, name: &str) -> Option<&'static ToolSpec> {
        self.specs.get(name).copied()
    }

    /// Runs a tool: validates the arguments, calls NeonPanel and shapes the
    /// result. Never fails at the protocol level; failures are results with
    /// `isError: true`.
    pub async fn call(&self, spec: &ToolSpec, arguments: Option<&JsonObject>) -> CallToolResult {
        let request = match arguments::build_request(spec, arguments) {
            Ok(request) => request,
            Err(error) => {
                tracing::info!(tool = spec.name, %error, "tool arguments rejected");
                return error_result(error.to_string());
            }
        };

        match self.neonpanel.send(&request).await {
            Ok(body) => success_result(spec, body),
            Err(error) => {
                tracing::warn!(tool = spec.name, %error, "neonpanel call failed");
                error_result(failure_message(&error))
            }
        }
    }
}

fn success_result(spec: &ToolSpec, body: Value) -> CallToolResult {
    // structuredContent must be a JSON object, so a bare array or scalar is
    // wrapped under `data`, the key NeonPanel itself uses for lists.
    let structured = match body {
        Value::Object(_) => body,
        other => json!({ "data": other }),
    };
    let summary = summarize(spec.summary, &structured);
    let mut result = CallToolResult::structured(structured);
    result.content.insert(0, ContentBlock::text(summary));
    result
}

fn error_result(message: String) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(message)])
}

/// Writes the one-line summary of a successful result.
fn summarize(summary: Summary, body: &Value) -> String {
    match summary {
        Summary::Records { singular, plural } => {
            let count = body["data"].as_array().map_or(0, Vec::len);
            let noun = if count == 1 { singular } else { plural };
            match (body["current_page"].as_u64(), body["last_page"].as_u64()) {
                (Some(page), Some(last_page)) => {
                    format!("{count} {noun} (page {page} of {last_page})")
                }
                _ => format!("{count} {noun}"),
            }
        }
        Summary::InventoryBalances => {
            let inventory = &body["inventory"];
            let name = inventory["name"].as_str().unwrap_or("unnamed item");
            let sku = inventory["sku"].as_str().unwrap_or("no SKU");
            let balances = &body["balances_data"];
            let warehouses = balances["balances_list"].as_array().map_or(0, Vec::len);
            let units: f64 = balances["balances_list"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|entry| entry["balance"].as_f64())
                .sum();
            let date = balances["balances_date"].as_str().unwrap_or("today");
            let places = if warehouses == 1 {
                "warehouse"
            } else {
                "warehouses"
            };
            format!("{name} (SKU {sku}): {units} units in {warehouses} {places} on {date}")
        }
    }
}

/// Explains a NeonPanel failure and what the model or the person can do next.
fn failure_message(error: &NeonPanelError) -> String {
    let NeonPanelError::Status { status, message } = error else {
        return error.to_string();
    };
    let code = status.as_u16();
    match *status {
        StatusCode::UNAUTHORIZED => format!(
            "NeonPanel rejected this server's integration access token (HTTP {code}: {message}); \
             the server operator must renew the NeonPanel credential"
        ),
        StatusCode::FORBIDDEN => format!(
            "NeonPanel denied access (HTTP {code}: {message}); the company or record is outside \
             what this connection may reach, so call account_list_companies to see the \
             companies available"
        ),
        StatusCode::NOT_FOUND => format!(
            "not found in NeonPanel (HTTP {code}: {message}); check the identifiers, which the \
             list tools return"
        ),
        StatusCode::TOO_MANY_REQUESTS => format!(
            "NeonPanel is limiting the request rate (HTTP {code}: {message}); wait a minute and \
             try again"
        ),
        status if status.is_server_error() => {
            format!("NeonPanel failed to answer (HTTP {code}: {message}); try again later")
        }
        _ => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records() -> Summary {
        Summary::Records {
            singular: "inventory item",
            plural: "inventory items",
        }
    }

    #[test]
    fn paginated_summary_names_page() {
        let body = json!({ "current_page": 1, "last_page": 3, "per_page": 30, "data": [{}, {}] });
        assert_eq!(
            summarize(records(), &body),
            "2 inventory items (page 1 of 3)"
        );
    }

    #[test]
    fn unpaginated_summary_counts_records() {
        let body = json!({ "data": [{}] });
        assert_eq!(summarize(records(), &body), "1 inventory item");
    }

    #[test]
    fn array_body_is_wrapped_in_object() {
        let spec = &catalog::TOOLS[0];
        let result = success_result(spec, json!([{ "id": 1 }]));
        assert_eq!(
            result.structured_content,
            Some(json!({ "data": [{ "id": 1 }] }))
        );
        assert_eq!(result.is_error, Some(false));
    }

    #[test]
    fn forbidden_message_points_to_company_list() {
        let error = NeonPanelError::Status {
            status: StatusCode::FORBIDDEN,
            message: "This action is unauthorized.".to_owned(),
        };
        let message = failure_message(&error);
        assert!(
            message.contains("HTTP 403: This action is unauthorized."),
            "{message}"
        );
        assert!(message.contains("account_list_companies"), "{message}");
    }
}
