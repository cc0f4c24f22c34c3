//! Contract test: every tool, called through `/mcp` with arguments built
//! from its own input schema, sends NeonPanel a request that is valid per
//! NeonPanel's OpenAPI document, and returns the stand-in's data.
//!
//! Each tool runs twice: once with only its required arguments, and once
//! with every argument it accepts, so every parameter is checked against the
//! document at least once.

mod support;

use serde_json::{Map, Value, json};
use support::neonpanel_standin::{COMPANY_UUID, NeonPanelStandIn, WAREHOUSE_UUID, op};
use support::{Options, TestServer};

async fn start() -> (NeonPanelStandIn, TestServer) {
    let standin = NeonPanelStandIn::start().await;
    let server = TestServer::start_with(Options {
        neonpanel_url: Some(standin.base_url.clone()),
        ..Options::default()
    })
    .await;
    (standin, server)
}

/// Builds a representative value for a property of `schema` named `name`.
fn value_for(name: &str, schema: &Value, all: bool) -> Value {
    match name {
        "companyUuid" => return json!(COMPANY_UUID),
        "warehouseUuid" | "warehouse_uuid" => return json!(WAREHOUSE_UUID),
        "requestId" => return json!("4c8e2a91-7b3f-4d65-9e10-2f6a8b5c3d47"),
        "permission" => return json!("view:pages.processes.bills"),
        "company_uuids" => return json!([COMPANY_UUID]),
        "country_codes" => return json!(["US", "CA"]),
        "link" => return json!("https://files.example.com/bills/hl-1042.pdf"),
        "data" => return json!({ "ref_number": "HL-1042", "date": "2024-05-14" }),
        "default_seasonality" => return json!("1;1;1;1;1;1;1;1;1;1;1.4;2"),
        "end_date" => return json!("2024-06-30"),
        _ => {}
    }
    if let Some(values) = schema["enum"].as_array() {
        return schema.get("default").cloned().unwrap_or(values[0].clone());
    }
    match schema["type"].as_str().unwrap_or("string") {
        "integer" => {
            let minimum = schema["minimum"].as_i64().unwrap_or(1);
            json!(
                schema["default"]
                    .as_i64()
                    .unwrap_or(minimum.max(42))
                    .max(minimum)
            )
        }
        "number" => json!(12.5),
        "boolean" => json!(true),
        "array" => {
            let items = &schema["items"];
            if items["type"] == "object" {
                json!([arguments_for(items, all)])
            } else {
                json!([value_for("", items, all)])
            }
        }
        "object" => arguments_for(schema, all),
        _ => {
            if schema["format"] == "date" {
                json!("2024-03-01")
            } else {
                match (schema["minLength"].as_u64(), schema["maxLength"].as_u64()) {
                    (Some(2), Some(2)) => json!("US"),
                    (Some(3), Some(3)) => json!("USD"),
                    _ => json!("walnut"),
                }
            }
        }
    }
}

/// Builds the arguments of an object schema: the required properties, or
/// all of them when `all` is set.
fn arguments_for(schema: &Value, all: bool) -> Value {
    let required: Vec<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let mut arguments = Map::new();
    for (name, property) in schema["properties"].as_object().into_iter().flatten() {
        if all || required.contains(&name.as_str()) {
            arguments.insert(name.clone(), value_for(name, property, all));
        }
    }
    Value::Object(arguments)
}

#[tokio::test]
async fn every_tool_sends_valid_requests_and_returns_data() {
    let (standin, server) = start().await;
    let listed = server
        .mcp_post(Some(&server.access_token()), Some("2025-06-18"))
        .json(&json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" }))
        .send()
        .await
        .unwrap();
    let listed: Value = listed.json().await.unwrap();
    let tools = listed["result"]["tools"].as_array().unwrap().clone();

    let mut operations_called = 0;
    for tool in &tools {
        let name = tool["name"].as_str().unwrap();
        if name == "search" || name == "fetch" {
            continue;
        }
        let operation = op(name);
        operations_called += 1;
        for all in [false, true] {
            let arguments = arguments_for(&tool["inputSchema"], all);
            let seen_before = standin.requests().len();

            let result = server.call_write_tool(name, arguments.clone()).await;

            assert_eq!(result["isError"], false, "{name} {arguments}: {result}");
            let requests = standin.requests();
            assert_eq!(
                requests.len(),
                seen_before + 1,
                "{name} must make exactly one NeonPanel call"
            );
            let request = &requests[seen_before];
            assert_eq!(request.tool, Some(name), "{name}: {request:?}");
            assert_eq!(request.method, operation.method, "{name}");
            match operation.fixture() {
                Some(fixture) => assert_eq!(result["structuredContent"], fixture, "{name}"),
                None => assert_eq!(
                    result["structuredContent"],
                    json!({ "success": true }),
                    "{name}"
                ),
            }
            let summary = result["content"][0]["text"].as_str().unwrap();
            assert!(!summary.is_empty(), "{name}");
        }
    }
    assert_eq!(operations_called, 59);

    let violations = standin.violations();
    assert!(
        violations.is_empty(),
        "requests that do not match NeonPanel's OpenAPI document:\n{}",
        violations.join("\n")
    );
}

#[tokio::test]
async fn standin_rejects_requests_outside_the_document() {
    let (standin, server) = start().await;
    // A company that is not a UUID breaks the document's uuid format on
    // this operation's path parameter.
    let result = server
        .call_tool(
            "project_management_list_bills",
            json!({ "companyUuid": "not-a-uuid" }),
        )
        .await;
    assert_eq!(result["isError"], true, "{result}");
    let violations = standin.violations();
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert!(violations[0].contains("companyUuid"), "{violations:?}");
}

#[test]
fn request_check_finds_body_and_query_mismatches() {
    use std::collections::HashMap;

    use support::neonpanel_standin::check_request;

    let company = HashMap::from([("companyUuid", COMPANY_UUID.to_owned())]);
    let bills = op("project_management_create_bills");
    let valid = json!({ "ref_number": "B-1", "details": [{ "service_id": 5, "quantity": 1, "rate": 2.5 }] });
    assert!(check_request(bills, &company, &[], Some("application/json"), Some(&valid)).is_empty());

    let wrong_type = json!({ "details": [{ "service_id": "five", "quantity": 1, "rate": 2.5 }] });
    let problems = check_request(
        bills,
        &company,
        &[],
        Some("application/json"),
        Some(&wrong_type),
    );
    assert!(!problems.is_empty(), "a string service_id must be reported");

    let missing_field = json!({ "details": [{ "service_id": 5, "quantity": 1 }] });
    let problems = check_request(
        bills,
        &company,
        &[],
        Some("application/json"),
        Some(&missing_field),
    );
    assert!(!problems.is_empty(), "a line without rate must be reported");

    let list = op("project_management_list_bills");
    let unknown = [("page".to_owned(), "2".to_owned())];
    let problems = check_request(list, &company, &unknown, None, None);
    assert_eq!(problems, ["query parameter page is not in the document"]);

    let revenue = op("financials_get_revenue_and_cogs");
    let problems = check_request(revenue, &HashMap::new(), &[], None, None);
    assert_eq!(problems, ["required query parameter start_date is missing"]);
    let bad_enum = [
        ("start_date".to_owned(), "2024-01-01".to_owned()),
        ("periodicity".to_owned(), "weekly".to_owned()),
    ];
    assert_eq!(
        check_request(revenue, &HashMap::new(), &bad_enum, None, None).len(),
        1
    );
}
