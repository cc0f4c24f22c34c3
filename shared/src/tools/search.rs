//! ChatGPT's `search` and `fetch` tools, the contract OpenAI sets for
//! connectors and deep research: `search(query)` returns `{results: [{id,
//! title, url}]}` and `fetch(id)` returns one `{id, title, text, url,
//! metadata}` document, each also as the JSON text of a single text content
//! item.
//!
//! Search covers inventory items, products, listings, inventory orders,
//! bills, invoices and shipments of the companies the credential reaches,
//! using each list's own `search` filter. Result ids name the kind, the
//! company and the record, such as `bill:<companyUuid>:17`, so `fetch` needs
//! no state.

use std::sync::Arc;

use rmcp::model::{CallToolResult, ContentBlock, JsonObject, Tool};
use serde_json::{Value, json};
use tokio::task::JoinSet;

use super::spec::{Access, HttpMethod, annotations, security_meta};
use super::{Toolbox, error_result};
use crate::neonpanel::{ApiRequest, NeonPanelError};

pub const SEARCH: &str = "search";
pub const FETCH: &str = "fetch";

/// Companies searched at most, so one search makes a bounded number of
/// NeonPanel calls (seven per company).
const MAX_COMPANIES: usize = 5;
/// Results kept per kind and company.
const MAX_PER_KIND: usize = 5;
/// Longest query accepted, in characters.
const MAX_QUERY_CHARS: usize = 200;

/// A kind of record `search` finds.
#[derive(Debug)]
struct Kind {
    /// Prefix of result ids.
    key: &'static str,
    /// Path segment of the list under `/api/v1/companies/{companyUuid}/`.
    segment: &'static str,
    /// Word used in titles.
    label: &'static str,
    /// Whether the record is read from the list by `id` rather than from
    /// its own path.
    fetched_from_list: bool,
}

const KINDS: &[Kind] = &[
    Kind {
        key: "inventory_item",
        segment: "inventory-items",
        label: "Inventory item",
        fetched_from_list: false,
    },
    Kind {
        key: "product",
        segment: "products",
        label: "Product",
        fetched_from_list: true,
    },
    Kind {
        key: "listing",
        segment: "listings",
        label: "Listing",
        fetched_from_list: true,
    },
    Kind {
        key: "inventory_order",
        segment: "inventory-orders",
        label: "Inventory order",
        fetched_from_list: false,
    },
    Kind {
        key: "bill",
        segment: "bills",
        label: "Bill",
        fetched_from_list: false,
    },
    Kind {
        key: "invoice",
        segment: "invoices",
        label: "Invoice",
        fetched_from_list: false,
    },
    Kind {
        key: "shipment",
        segment: "shipments",
        label: "Shipment",
        fetched_from_list: false,
    },
];

/// The `search` tool definition.
pub fn search_tool() -> Tool {
    let input = json!({
        "type": "object",
        "properties": {
            "query": {
                "type": "string",
                "minLength": 1,
                "maxLength": MAX_QUERY_CHARS,
                "description": "Words to look for: a SKU, ASIN, FNSKU, product name, or a \
                    document's reference number or name.",
            },
        },
        "required": ["query"],
        "additionalProperties": false,
    });
    let output = json!({
        "type": "object",
        "properties": {
            "results": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": { "type": "string" },
                        "title": { "type": "string" },
                        "url": { "type": "string" },
                    },
                    "required": ["id", "title"],
                },
            },
        },
        "required": ["results"],
    });
    tool(
        SEARCH,
        "Search NeonPanel",
        "Searches the NeonPanel companies this connection reaches for inventory items, \
         products, listings, inventory orders, bills, invoices and shipments matching the query, \
         and returns their ids, titles and NeonPanel links. Pass an id to fetch for the whole \
         record. For filtered lists, dates or totals, use the specific list tools instead.",
        input,
        output,
    )
}

/// The `fetch` tool definition.
pub fn fetch_tool() -> Tool {
    let input = json!({
        "type": "object",
        "properties": {
            "id": {
                "type": "string",
                "minLength": 1,
                "description": "An id from a search result, such as bill:<companyUuid>:17.",
            },
        },
        "required": ["id"],
        "additionalProperties": false,
    });
    let output = json!({
        "type": "object",
        "properties": {
            "id": { "type": "string" },
            "title": { "type": "string" },
            "text": { "type": "string" },
            "url": { "type": "string" },
            "metadata": { "type": "object" },
        },
        "required": ["id", "title", "text"],
    });
    tool(
        FETCH,
        "Fetch NeonPanel record",
        "Returns one record found by search: its title, its full NeonPanel data as JSON text, \
         its NeonPanel link where there is one, and which company it belongs to.",
        input,
        output,
    )
}

fn tool(
    name: &'static str,
    title: &str,
    description: &'static str,
    input: Value,
    output: Value,
) -> Tool {
    let input = input.as_object().cloned().unwrap_or_default();
    let mut tool = Tool::new(name, description, input);
    tool.title = Some(title.to_owned());
    tool.annotations = Some(annotations(title, HttpMethod::Get));
    tool.meta = Some(security_meta(Access::Read));
    tool.output_schema = output.as_object().cloned().map(Arc::new);
    tool
}

/// Runs `search`.
pub async fn search(toolbox: &Toolbox, arguments: Option<&JsonObject>) -> CallToolResult {
    let query = match single_string(arguments, "query") {
        Ok(query) => query,
        Err(message) => return error_result(message),
    };
    if query.chars().count() > MAX_QUERY_CHARS {
        return error_result(format!(
            "invalid argument `query`: use at most {MAX_QUERY_CHARS} characters"
        ));
    }

    let client = toolbox.neonpanel();
    let companies = match toolbox.companies().companies(client).await {
        Ok(companies) => companies,
        Err(error) => return error_result(format!("cannot list the companies to search: {error}")),
    };

    let mut calls = JoinSet::new();
    for (company_index, company) in companies.iter().take(MAX_COMPANIES).enumerate() {
        for (kind_index, kind) in KINDS.iter().enumerate() {
            let client = client.clone();
            let mut query_pairs = vec![("search".to_owned(), query.clone())];
            if kind.key == "inventory_item" {
                query_pairs.push(("per_page".to_owned(), "10".to_owned()));
            }
            let request = ApiRequest::get(
                &["api", "v1", "companies", &company.uuid, kind.segment],
                query_pairs,
            );
            calls.spawn(async move {
                let result = client.send(&request).await;
                (company_index, kind_index, result)
            });
        }
    }

    let mut answers = Vec::new();
    let mut failures: Vec<NeonPanelError> = Vec::new();
    while let Some(joined) = calls.join_next().await {
        let Ok((company_index, kind_index, result)) = joined else {
            continue;
        };
        match result {
            Ok(body) => answers.push((company_index, kind_index, body)),
            Err(error) => {
                tracing::warn!(kind = KINDS[kind_index].key, %error, "search call failed");
                failures.push(error);
            }
        }
    }
    if answers.is_empty()
        && let Some(error) = failures.first()
    {
        return error_result(format!("search failed because NeonPanel failed: {error}"));
    }
    // Calls finish in any order; results keep company, then kind order.
    answers.sort_by_key(|(company_index, kind_index, _)| (*company_index, *kind_index));

    let mut results = Vec::new();
    for (company_index, kind_index, body) in answers {
        let company = &companies[company_index];
        let kind = &KINDS[kind_index];
        let records = body["data"].as_array().cloned().unwrap_or_default();
        for record in records.iter().take(MAX_PER_KIND) {
            let Some(record_id) = record["id"].as_i64() else {
                continue;
            };
            let mut result = json!({
                "id": format!("{}:{}:{record_id}", kind.key, company.uuid),
                "title": format!("{} ({})", title_of(kind, record, record_id), company.name),
            });
            if let Some(url) = link_of(record) {
                result["url"] = json!(url);
            }
            results.push(result);
        }
    }
    tracing::info!(results = results.len(), "search finished");
    contract_result(json!({ "results": results }))
}

/// Runs `fetch`.
pub async fn fetch(toolbox: &Toolbox, arguments: Option<&JsonObject>) -> CallToolResult {
    let id = match single_string(arguments, "id") {
        Ok(id) => id,
        Err(message) => return error_result(message),
    };
    let Some((kind, company_uuid, record_id)) = parse_id(&id) else {
        return error_result(format!(
            "invalid argument `id`: {id:?} is not an id from search; ids look like \
             bill:<companyUuid>:17"
        ));
    };

    let record_text = record_id.to_string();
    let request = if kind.fetched_from_list {
        ApiRequest::get(
            &["api", "v1", "companies", company_uuid, kind.segment],
            vec![("id".to_owned(), record_text)],
        )
    } else {
        ApiRequest::get(
            &[
                "api",
                "v1",
                "companies",
                company_uuid,
                kind.segment,
                &record_text,
            ],
            Vec::new(),
        )
    };
    let body = match toolbox.neonpanel().send(&request).await {
        Ok(body) => body,
        Err(error) => {
            return error_result(super::failure_message(&error, HttpMethod::Get));
        }
    };
    let record = if kind.fetched_from_list {
        match body["data"].as_array().and_then(|records| {
            records
                .iter()
                .find(|record| record["id"].as_i64() == Some(record_id))
        }) {
            Some(record) => record.clone(),
            None => {
                return error_result(format!(
                    "{} {record_id} was not found in NeonPanel; search again for a current id",
                    kind.label
                ));
            }
        }
    } else {
        body
    };

    let text = serde_json::to_string_pretty(&record).unwrap_or_default();
    let mut document = json!({
        "id": id,
        "title": title_of(kind, &record, record_id),
        "text": text,
        "metadata": {
            "kind": kind.key,
            "company_uuid": company_uuid,
            "record_id": record_id,
        },
    });
    if let Some(url) = link_of(&record) {
        document["url"] = json!(url);
    }
    contract_result(document)
}

/// Builds the result OpenAI's contract requires: the object as
/// `structuredContent` and as the JSON text of the only content item.
fn contract_result(body: Value) -> CallToolResult {
    let mut result = CallToolResult::structured(body.clone());
    result.content = vec![ContentBlock::text(body.to_string())];
    result
}

/// Reads the one required, non-empty string argument `name`.
fn single_string(arguments: Option<&JsonObject>, name: &str) -> Result<String, String> {
    let empty = JsonObject::new();
    let arguments = arguments.unwrap_or(&empty);
    if let Some(unknown) = arguments.keys().find(|key| key.as_str() != name) {
        return Err(format!(
            "unknown argument `{unknown}`; this tool accepts `{name}`"
        ));
    }
    match arguments.get(name) {
        Some(Value::String(text)) if !text.trim().is_empty() => Ok(text.trim().to_owned()),
        Some(Value::String(_)) => Err(format!("invalid argument `{name}`: must not be empty")),
        Some(other) if !other.is_null() => {
            Err(format!("invalid argument `{name}`: expected a string"))
        }
        _ => Err(format!("missing required argument `{name}`")),
    }
}

/// Splits `kind:companyUuid:recordId`.
fn parse_id(id: &str) -> Option<(&'static Kind, &str, i64)> {
    let mut parts = id.splitn(3, ':');
    let key = parts.next()?;
    let company_uuid = parts.next().filter(|uuid| !uuid.is_empty())?;
    let record_id = parts.next()?.parse::<i64>().ok().filter(|id| *id > 0)?;
    let kind = KINDS.iter().find(|kind| kind.key == key)?;
    Some((kind, company_uuid, record_id))
}

/// Titles a record by its kind's most telling fields.
fn title_of(kind: &Kind, record: &Value, record_id: i64) -> String {
    let text = |key: &str| record[key].as_str().filter(|text| !text.is_empty());
    match kind.key {
        "inventory_item" => {
            let name = text("name").unwrap_or("Unnamed item");
            match (text("sku"), text("country_code")) {
                (Some(sku), Some(country)) => format!("{name} (SKU {sku}, {country})"),
                (Some(sku), None) => format!("{name} (SKU {sku})"),
                _ => name.to_owned(),
            }
        }
        "product" => {
            let name = text("name").unwrap_or("Unnamed product");
            match text("sku") {
                Some(sku) => format!("{name} (SKU {sku})"),
                None => name.to_owned(),
            }
        }
        "listing" => {
            let title = text("title").unwrap_or("Untitled listing");
            match text("asin") {
                Some(asin) => format!("{title} (ASIN {asin})"),
                None => title.to_owned(),
            }
        }
        _ => {
            let label = text("ref_number")
                .or_else(|| text("name"))
                .map(str::to_owned)
                .unwrap_or_else(|| record_id.to_string());
            format!("{} {label}", kind.label)
        }
    }
}

/// The record's NeonPanel page, where the API gives one.
fn link_of(record: &Value) -> Option<&str> {
    record["link"]
        .as_str()
        .filter(|link| link.starts_with("https://") || link.starts_with("http://"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_round_trips() {
        let (kind, company, record) = parse_id("bill:9b2f-uuid:17").unwrap();
        assert_eq!(kind.key, "bill");
        assert_eq!(company, "9b2f-uuid");
        assert_eq!(record, 17);
    }

    #[test]
    fn malformed_ids_fail() {
        for id in [
            "bill:uuid",
            "bill::17",
            "car:uuid:1",
            "bill:uuid:x",
            "bill:uuid:0",
            "",
        ] {
            assert!(parse_id(id).is_none(), "{id}");
        }
    }

    #[test]
    fn document_title_prefers_reference_number() {
        let kind = KINDS.iter().find(|kind| kind.key == "bill").unwrap();
        let record = json!({ "ref_number": "REF-9", "name": "Spring" });
        assert_eq!(title_of(kind, &record, 9), "Bill REF-9");
    }
}
