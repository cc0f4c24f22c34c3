//! NeonPanel tools: a table of operation definitions ([`catalog`]), ChatGPT's
//! `search` and `fetch` ([`search`]), and one executor that validates
//! arguments, calls NeonPanel and shapes the MCP tool result.
//!
//! Results follow the MCP tools specification
//! (<https://modelcontextprotocol.io/specification/2025-11-25/server/tools>):
//! `structuredContent` contains NeonPanel's JSON object, and `content` contains a
//! one-line summary followed by the same JSON as text, for clients that read
//! only `content`. Invalid arguments and NeonPanel failures are tool results
//! with `isError: true` and a message a model can act on, never protocol
//! errors.

pub mod arguments;
pub mod catalog;
pub mod company;
pub mod search;
pub mod spec;

use std::collections::HashMap;
use std::sync::Arc;

use http::StatusCode;
use rmcp::model::{CallToolResult, ContentBlock, JsonObject, Tool};
use serde_json::{Value, json};

use crate::neonpanel::{NeonPanelClient, NeonPanelError};
use company::CompanyDirectory;
use spec::{Access, HttpMethod, ParamKind, Summary, ToolSpec};

/// Largest result, in bytes of JSON, that a tool returns. Larger NeonPanel
/// responses are cut with a note on how to narrow the query, because clients
/// such as ChatGPT drop or truncate much larger tool output on their own.
pub const MAX_RESULT_BYTES: usize = 100_000;

/// A tool the server offers.
#[derive(Clone, Copy, Debug)]
pub enum Entry {
    /// One NeonPanel operation.
    Operation(&'static ToolSpec),
    /// ChatGPT's `search` across companies.
    Search,
    /// ChatGPT's `fetch` of one search result.
    Fetch,
}

impl Entry {
    /// Whether the tool reads or changes NeonPanel data.
    pub fn access(self) -> Access {
        match self {
            Self::Operation(spec) => spec.access(),
            Self::Search | Self::Fetch => Access::Read,
        }
    }

    /// The tool name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Operation(spec) => spec.name,
            Self::Search => search::SEARCH,
            Self::Fetch => search::FETCH,
        }
    }
}

/// The tools of one server: their definitions, built once, and the client
/// they call.
#[derive(Clone, Debug)]
pub struct Toolbox {
    entries: Arc<HashMap<&'static str, Entry>>,
    tools: Arc<Vec<Tool>>,
    neonpanel: NeonPanelClient,
    companies: CompanyDirectory,
    max_result_bytes: usize,
}

impl Toolbox {
    /// Builds the toolbox over every tool of the catalog, plus `search` and
    /// `fetch`.
    pub fn new(neonpanel: NeonPanelClient) -> Self {
        let mut tools: Vec<Tool> = catalog::all().map(ToolSpec::to_tool).collect();
        tools.push(search::search_tool());
        tools.push(search::fetch_tool());
        let mut entries: HashMap<&'static str, Entry> = catalog::all()
            .map(|spec| (spec.name, Entry::Operation(spec)))
            .collect();
        entries.insert(search::SEARCH, Entry::Search);
        entries.insert(search::FETCH, Entry::Fetch);
        Self {
            entries: Arc::new(entries),
            tools: Arc::new(tools),
            neonpanel,
            companies: CompanyDirectory::default(),
            max_result_bytes: MAX_RESULT_BYTES,
        }
    }

    /// Sets the largest result in bytes. Defaults to [`MAX_RESULT_BYTES`].
    pub fn with_max_result_bytes(mut self, max_result_bytes: usize) -> Self {
        self.max_result_bytes = max_result_bytes;
        self
    }

    /// The MCP tool definitions, in catalog order.
    pub fn tools(&self) -> &[Tool] {
        &self.tools
    }

    /// Finds a tool by name.
    pub fn find(&self, name: &str) -> Option<Entry> {
        self.entries.get(name).copied()
    }

    /// Runs a tool found with [`Toolbox::find`]. Its failures come back as
    /// results with `isError: true`, not as protocol errors.
    pub async fn call(&self, entry: Entry, arguments: Option<&JsonObject>) -> CallToolResult {
        match entry {
            Entry::Operation(spec) => self.call_operation(spec, arguments).await,
            Entry::Search => search::search(self, arguments).await,
            Entry::Fetch => search::fetch(self, arguments).await,
        }
    }

    pub(crate) fn neonpanel(&self) -> &NeonPanelClient {
        &self.neonpanel
    }

    pub(crate) fn companies(&self) -> &CompanyDirectory {
        &self.companies
    }

    /// Validates the arguments, resolves a numeric company id, calls
    /// NeonPanel and shapes the result.
    async fn call_operation(
        &self,
        spec: &ToolSpec,
        arguments: Option<&JsonObject>,
    ) -> CallToolResult {
        let arguments = match self.resolve_company(spec, arguments).await {
            Ok(arguments) => arguments,
            Err(message) => return error_result(message),
        };
        let request = match arguments::build_request(spec, arguments.as_ref()) {
            Ok(request) => request,
            Err(error) => {
                tracing::info!(tool = spec.name, %error, "tool arguments rejected");
                return error_result(error.to_string());
            }
        };

        match self.neonpanel.send(&request).await {
            Ok(body) => self.success_result(spec, body),
            Err(error) => {
                tracing::warn!(tool = spec.name, %error, "neonpanel call failed");
                error_result(failure_message(&error, spec.method))
            }
        }
    }

    /// Replaces a numeric company id by the company's `uuid`.
    async fn resolve_company(
        &self,
        spec: &ToolSpec,
        arguments: Option<&JsonObject>,
    ) -> Result<Option<JsonObject>, String> {
        let Some(arguments) = arguments else {
            return Ok(None);
        };
        let mut resolved = arguments.clone();
        for param in spec.params {
            if !matches!(param.kind, ParamKind::Company) {
                continue;
            }
            let Some(id) = arguments.get(param.name).and_then(company::numeric_id) else {
                continue;
            };
            let uuid = self
                .companies
                .uuid_of(&self.neonpanel, id)
                .await
                .map_err(|error| error.to_string())?;
            resolved.insert(param.name.to_owned(), Value::String(uuid));
        }
        Ok(Some(resolved))
    }

    fn success_result(&self, spec: &ToolSpec, body: Value) -> CallToolResult {
        // structuredContent must be a JSON object, so a bare array or scalar is
        // wrapped under `data`, the key NeonPanel itself uses for lists.
        let structured = match body {
            Value::Object(_) => body,
            Value::Null => json!({ "success": true }),
            other => json!({ "data": other }),
        };
        let summary = summarize(spec, &structured);
        structured_result(summary, structured, self.max_result_bytes)
    }
}

/// Builds a successful result from a summary line and a JSON object, cut to
/// `max_bytes` when it is larger.
pub(crate) fn structured_result(summary: String, body: Value, max_bytes: usize) -> CallToolResult {
    let (body, note) = fit(body, max_bytes);
    let summary = match note {
        Some(note) => format!("{summary}. {note}"),
        None => summary,
    };
    let mut result = CallToolResult::structured(body);
    result.content.insert(0, ContentBlock::text(summary));
    result
}

pub(crate) fn error_result(message: String) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(message)])
}

/// Cuts `body` to at most `max_bytes` of JSON. A `data` array loses records
/// from its end; any other body is replaced by the start of its JSON text.
/// Returns the note that states what was cut and how to ask for less.
fn fit(mut body: Value, max_bytes: usize) -> (Value, Option<String>) {
    let size = serde_json::to_vec(&body).map_or(0, |bytes| bytes.len());
    if size <= max_bytes {
        return (body, None);
    }

    if let Some(records) = body.get_mut("data").and_then(Value::as_array_mut) {
        let received = records.len();
        // Every record costs its own size plus a comma.
        let sizes: Vec<usize> = records
            .iter()
            .map(|record| serde_json::to_vec(record).map_or(0, |bytes| bytes.len()) + 1)
            .collect();
        let mut excess = size.saturating_sub(max_bytes) + NOTE_ALLOWANCE;
        let mut kept = received;
        while excess > 0 && kept > 0 {
            kept -= 1;
            excess = excess.saturating_sub(sizes[kept]);
        }
        records.truncate(kept);
        let note = format!(
            "The result was cut to the first {kept} of {received} records to stay under \
             {max_bytes} bytes; ask for fewer records with per_page, or narrow the query with \
             filters such as search or dates"
        );
        body["truncated"] = json!(note);
        return (body, Some(note));
    }

    let text = body.to_string();
    let mut end = max_bytes.saturating_sub(NOTE_ALLOWANCE).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let note = format!(
        "The result was {size} bytes, more than the {max_bytes} this tool returns, so only the \
         start of its JSON is shown; narrow the query with filters"
    );
    let body = json!({ "truncated": note, "partial_json": &text[..end] });
    (body, Some(note))
}

/// Room kept for the note added to a cut result, in bytes.
const NOTE_ALLOWANCE: usize = 400;

/// Writes the one-line summary of a successful result.
fn summarize(spec: &ToolSpec, body: &Value) -> String {
    match spec.summary {
        Summary::Records { singular, plural } => {
            count_summary(spec, body, "data", singular, plural)
        }
        Summary::Count {
            key,
            singular,
            plural,
        } => count_summary(spec, body, key, singular, plural),
        Summary::Record { noun } => record_summary(noun, body),
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
        Summary::Import => {
            let request_id = body["request_id"].as_str().unwrap_or("unknown");
            let status = body["status"].as_str().unwrap_or("unknown");
            let documents = body["documents"].as_array().map_or(0, Vec::len);
            let mut text = format!("import {request_id}: {status}, {documents} documents");
            if matches!(status, "queued" | "processing") {
                text.push_str("; check again with import_check_status in about 15 seconds");
            }
            text
        }
        Summary::Fixed(text) => text.to_owned(),
    }
}

/// Counts the array under `key` and names the page and how to get the next.
fn count_summary(spec: &ToolSpec, body: &Value, key: &str, singular: &str, plural: &str) -> String {
    let count = body[key].as_array().map_or(0, Vec::len);
    let noun = if count == 1 { singular } else { plural };
    let (Some(page), Some(last_page)) = (body["current_page"].as_u64(), body["last_page"].as_u64())
    else {
        return format!("{count} {noun}");
    };
    if page >= last_page {
        return format!("{count} {noun} (page {page} of {last_page})");
    }
    if spec.is_paged() {
        format!(
            "{count} {noun} (page {page} of {last_page}; pass page {} for the next)",
            page + 1
        )
    } else {
        // TODO(pagination): NeonPanel's document declares no `page`
        // parameter for this list although it responds with pages.
        format!(
            "{count} {noun} (page {page} of {last_page}; this list takes no page argument, so \
             narrow it with filters to see the rest)"
        )
    }
}

/// Names one record by id and its first name-like field.
fn record_summary(noun: &str, body: &Value) -> String {
    let id = match &body["id"] {
        Value::Null => String::new(),
        Value::String(text) => format!(" {text}"),
        other => format!(" {other}"),
    };
    let label = ["ref_number", "name", "title", "sku"]
        .iter()
        .find_map(|key| body[*key].as_str().filter(|text| !text.is_empty()));
    match label {
        Some(label) => format!("{noun}{id} ({label})"),
        None => format!("{noun}{id}"),
    }
}

/// Explains a NeonPanel failure and what the model or the person can do next.
pub(crate) fn failure_message(error: &NeonPanelError, method: HttpMethod) -> String {
    let is_write = method != HttpMethod::Get;
    let write_note = if is_write {
        "; the change may or may not have been saved, so check with the matching get or list \
         tool before trying again"
    } else {
        ""
    };
    let NeonPanelError::Status { status, message } = error else {
        return match error {
            NeonPanelError::Timeout { .. }
            | NeonPanelError::Connection { .. }
            | NeonPanelError::Transport { .. } => format!("{error}{write_note}"),
            _ => error.to_string(),
        };
    };
    let code = status.as_u16();
    match *status {
        StatusCode::UNAUTHORIZED => format!(
            "NeonPanel rejected this server's integration access token (HTTP {code}: {message}), \
             also after reading it again; the server operator must renew the NeonPanel credential"
        ),
        StatusCode::FORBIDDEN | StatusCode::NOT_FOUND => format!(
            "this company or record is not reachable with the server's NeonPanel credential \
             (HTTP {code}: {message}); check the ids, which the list tools return, and call \
             account_list_companies for the companies available"
        ),
        StatusCode::BAD_REQUEST => format!(
            "NeonPanel refused the request (HTTP {code}: {message}); documents dated before the \
             company's Entry Locked Date cannot be created, changed or deleted"
        ),
        StatusCode::TOO_MANY_REQUESTS => format!(
            "NeonPanel is limiting the request rate (HTTP {code}: {message}); wait a minute and \
             try again{write_note}"
        ),
        status if status.is_server_error() => format!(
            "NeonPanel failed to answer (HTTP {code}: {message}); try again later{write_note}"
        ),
        _ => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(name: &str) -> &'static ToolSpec {
        catalog::find(name).unwrap()
    }

    #[test]
    fn paginated_summary_names_next_page() {
        let body = json!({ "current_page": 1, "last_page": 3, "per_page": 30, "data": [{}, {}] });
        assert_eq!(
            summarize(spec("inventory_list_items"), &body),
            "2 inventory items (page 1 of 3; pass page 2 for the next)"
        );
    }

    #[test]
    fn last_page_summary_has_no_next() {
        let body = json!({ "current_page": 3, "last_page": 3, "per_page": 30, "data": [{}] });
        assert_eq!(
            summarize(spec("inventory_list_items"), &body),
            "1 inventory item (page 3 of 3)"
        );
    }

    #[test]
    fn unpaginated_summary_counts_records() {
        let body = json!({ "data": [{}] });
        assert_eq!(
            summarize(spec("project_management_list_sales_channels"), &body),
            "1 sales channel"
        );
    }

    #[test]
    fn record_summary_prefers_reference_number() {
        let body = json!({ "id": 17, "name": "Spring order", "ref_number": "PO-17" });
        assert_eq!(record_summary("bill", &body), "bill 17 (PO-17)");
    }

    #[test]
    fn oversized_list_is_cut_with_note() {
        let records: Vec<Value> = (0..500)
            .map(|id| json!({ "id": id, "name": "x".repeat(50) }))
            .collect();
        let body = json!({ "current_page": 1, "last_page": 1, "data": records });
        let (cut, note) = fit(body, 5_000);
        assert!(serde_json::to_vec(&cut).unwrap().len() <= 5_000);
        let kept = cut["data"].as_array().unwrap().len();
        assert!(kept > 0, "{kept}");
        assert!(kept < 500, "{kept}");
        assert!(note.unwrap().contains("per_page"));
        assert_eq!(cut["current_page"], 1);
    }

    #[test]
    fn array_body_is_wrapped_in_object() {
        let toolbox = Toolbox::new(
            NeonPanelClient::new(&Default::default(), crate::secret::Iat::new("x")).unwrap(),
        );
        let result = toolbox.success_result(spec("account_list_companies"), json!([{ "id": 1 }]));
        assert_eq!(
            result.structured_content,
            Some(json!({ "data": [{ "id": 1 }] }))
        );
        assert_eq!(result.is_error, Some(false));
    }

    #[test]
    fn forbidden_message_names_the_credential() {
        let error = NeonPanelError::Status {
            status: StatusCode::FORBIDDEN,
            message: "This action is unauthorized.".to_owned(),
        };
        let message = failure_message(&error, HttpMethod::Get);
        assert!(
            message.contains("HTTP 403: This action is unauthorized."),
            "{message}"
        );
        assert!(
            message.contains("not reachable with the server's NeonPanel credential"),
            "{message}"
        );
        assert!(message.contains("account_list_companies"), "{message}");
    }

    #[test]
    fn failed_write_warns_it_may_be_saved() {
        let error = NeonPanelError::Status {
            status: StatusCode::BAD_GATEWAY,
            message: "Bad Gateway".to_owned(),
        };
        assert!(failure_message(&error, HttpMethod::Post).contains("may or may not"));
        assert!(!failure_message(&error, HttpMethod::Get).contains("may or may not"));
    }
}
