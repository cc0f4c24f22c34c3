//! NeonPanel tools over `/mcp` against the NeonPanel stand-in: definitions,
//! results, argument errors and NeonPanel failures.

mod support;

use serde_json::{Value, json};
use support::neonpanel_standin::{
    COMPANY_UUID, INVENTORY_ID, NeonPanelStandIn, WAREHOUSE_UUID, op,
};
use support::{Options, TEST_IAT, TestServer};

async fn start() -> (NeonPanelStandIn, TestServer) {
    let standin = NeonPanelStandIn::start().await;
    let server = TestServer::start_with(Options {
        neonpanel_url: Some(standin.base_url.clone()),
        ..Options::default()
    })
    .await;
    (standin, server)
}

fn text_of(result: &Value) -> String {
    result["content"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|block| block["text"].as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Tool names the earlier NeonPanel MCP server published; prompts use them.
const PUBLISHED_NAMES: &[&str] = &[
    "account_list_companies",
    "account_list_reports",
    "account_get_report_details",
    "account_list_permissions",
    "account_get_companies_with_permission",
    "inventory_list_items",
    "inventory_get_details",
    "inventory_list_warehouses",
    "inventory_get_warehouse_balances",
    "inventory_get_listing_details_by_asin",
    "forecasting_get_company_settings",
    "forecasting_update_company_settings",
    "cogs_get_inventory_landed_cost",
    "cogs_get_inventory_cogs",
    "import_get_instructions",
    "import_create_documents",
    "import_create_documents_by_pdf",
    "import_check_status",
    "financials_get_revenue_and_cogs",
    "project_management_list_payment_requests",
    "project_management_update_payment_request",
    "project_management_list_vendors",
    "project_management_list_services",
    "project_management_list_payment_terms",
    "project_management_list_sales_channels",
];

/// The HTTP method a tool's verb stands for, which its annotations follow.
fn method_of(name: &str) -> &'static str {
    let verb = if name == "search" || name == "fetch" {
        "get"
    } else {
        name.split('_')
            .find(|word| {
                ["list", "get", "create", "update", "delete", "sync", "check"].contains(word)
            })
            .unwrap_or_else(|| panic!("{name} has no verb"))
    };
    match verb {
        "list" | "get" | "check" => "GET",
        "create" | "sync" => "POST",
        "update" => "PUT",
        "delete" => "DELETE",
        _ => unreachable!(),
    }
}

#[tokio::test]
async fn tools_list_describes_every_operation() {
    let (_standin, server) = start().await;
    let response = server
        .mcp_post(Some(&server.access_token()), Some("2025-06-18"))
        .json(&json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" }))
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    let tools = body["result"]["tools"].as_array().unwrap();

    let names: Vec<&str> = tools
        .iter()
        .map(|tool| tool["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), support::TOOL_COUNT);
    for published in PUBLISHED_NAMES {
        assert!(names.contains(published), "{published} is missing");
    }
    for prefix in [
        "inventory_orders",
        "bills",
        "invoices",
        "adjustments",
        "shipments",
        "assembly_orders",
    ] {
        for verb in ["list", "get", "create", "update"] {
            let name = format!("project_management_{verb}_{prefix}");
            assert!(names.contains(&name.as_str()), "{name} is missing");
        }
    }
    assert!(names.contains(&"search") && names.contains(&"fetch"));

    for tool in tools {
        let name = tool["name"].as_str().unwrap();
        let schema = &tool["inputSchema"];
        assert!(
            jsonschema::draft202012::meta::is_valid(schema),
            "{name}: input schema is not valid JSON Schema: {schema}"
        );
        assert_eq!(schema["type"], "object", "{name}");
        assert!(tool["description"].as_str().unwrap().len() > 50, "{name}");
        assert!(tool["title"].is_string(), "{name}");
        if let Some(output) = tool.get("outputSchema") {
            assert!(
                jsonschema::draft202012::meta::is_valid(output),
                "{name}: output schema is not valid JSON Schema"
            );
        }

        let method = method_of(name);
        let annotations = &tool["annotations"];
        assert_eq!(annotations["title"], tool["title"], "{name}");
        assert_eq!(annotations["readOnlyHint"], method == "GET", "{name}");
        assert_eq!(
            annotations["destructiveHint"],
            method == "PUT" || method == "DELETE",
            "{name}"
        );
        assert_eq!(annotations["idempotentHint"], method != "POST", "{name}");
        assert_eq!(annotations["openWorldHint"], false, "{name}");

        let scopes = &tool["_meta"]["securitySchemes"][0];
        assert_eq!(scopes["type"], "oauth2", "{name}");
        let expected_scopes = if method == "GET" {
            json!(["neonpanel:read"])
        } else {
            json!(["neonpanel:read", "neonpanel:write"])
        };
        assert_eq!(scopes["scopes"], expected_scopes, "{name}");

        for (property, definition) in schema["properties"].as_object().unwrap() {
            assert!(
                definition["description"].is_string(),
                "{name}.{property} has no description"
            );
        }
    }
}

#[tokio::test]
async fn input_schemas_carry_openapi_limits() {
    let (_standin, server) = start().await;
    let response = server
        .mcp_post(Some(&server.access_token()), Some("2025-06-18"))
        .json(&json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" }))
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    let tools = body["result"]["tools"].as_array().unwrap();
    let schema_of =
        |name: &str| tools.iter().find(|tool| tool["name"] == name).unwrap()["inputSchema"].clone();

    let companies = schema_of("account_list_companies");
    assert_eq!(companies["properties"]["per_page"]["minimum"], 10);
    assert_eq!(companies["properties"]["per_page"]["maximum"], 60);
    assert_eq!(companies["properties"]["per_page"]["default"], 30);
    assert!(companies.get("required").is_none());

    let details = schema_of("inventory_get_details");
    assert_eq!(details["required"], json!(["companyUuid", "inventoryId"]));
    assert_eq!(details["properties"]["inventoryId"]["type"], "integer");

    let revenue = schema_of("financials_get_revenue_and_cogs");
    assert_eq!(revenue["required"], json!(["start_date"]));
    assert_eq!(
        revenue["properties"]["periodicity"]["enum"],
        json!(["total", "yearly", "quarterly", "monthly"])
    );
    assert_eq!(
        revenue["properties"]["grouping"]["items"]["enum"],
        json!(["company", "country", "invoice"])
    );
}

#[tokio::test]
async fn each_tool_returns_neonpanel_data() {
    let (standin, server) = start().await;
    let cases = [
        (
            "account_list_companies",
            json!({}),
            op("account_list_companies"),
            "2 companies (page 1 of 1)",
        ),
        (
            "inventory_list_items",
            json!({ "companyUuid": COMPANY_UUID, "search": "bamboo" }),
            op("inventory_list_items"),
            "2 inventory items (page 1 of 3; pass page 2 for the next)",
        ),
        (
            "inventory_get_details",
            json!({ "companyUuid": COMPANY_UUID, "inventoryId": INVENTORY_ID }),
            op("inventory_get_details"),
            "Bamboo Cutting Board, Large (SKU HLG-BCB-L): 3580 units in 3 warehouses on 2024-06-30",
        ),
        (
            "inventory_list_warehouses",
            json!({ "companyUuid": COMPANY_UUID }),
            op("inventory_list_warehouses"),
            "3 warehouses (page 1 of 1)",
        ),
        (
            "inventory_get_warehouse_balances",
            json!({ "companyUuid": COMPANY_UUID, "warehouseUuid": WAREHOUSE_UUID, "per_page": 10 }),
            op("inventory_get_warehouse_balances"),
            "2 inventory balances (page 1 of 2; pass page 2 for the next)",
        ),
        (
            "financials_get_revenue_and_cogs",
            json!({ "start_date": "2024-01-01", "end_date": "2024-06-30", "periodicity": "quarterly" }),
            op("financials_get_revenue_and_cogs"),
            "2 revenue and COGS rows",
        ),
    ];
    for (name, arguments, operation, summary) in cases {
        let result = server.call_tool(name, arguments).await;
        assert_eq!(result["isError"], false, "{name}: {result}");
        assert_eq!(
            Some(result["structuredContent"].clone()),
            operation.fixture(),
            "{name}"
        );
        assert_eq!(result["content"][0]["text"], summary, "{name}");
    }

    let requests = standin.requests();
    assert_eq!(requests.len(), 6);
    for request in &requests {
        assert_eq!(
            request.authorization.as_deref(),
            Some(format!("Bearer {TEST_IAT}").as_str()),
            "{}",
            request.path
        );
        assert_eq!(
            request.accept.as_deref(),
            Some("application/json"),
            "{}",
            request.path
        );
        assert_eq!(request.method, "GET", "{}", request.path);
    }
    let targets: Vec<String> = requests
        .iter()
        .map(|request| match &request.query {
            Some(query) => format!("{}?{query}", request.path),
            None => request.path.clone(),
        })
        .collect();
    assert_eq!(
        targets,
        [
            "/api/v1/companies".to_owned(),
            format!("/api/v1/companies/{COMPANY_UUID}/inventory-items?search=bamboo"),
            format!("/api/v1/companies/{COMPANY_UUID}/inventory-items/{INVENTORY_ID}/balances"),
            format!("/api/v1/companies/{COMPANY_UUID}/warehouses"),
            format!("/api/v1/companies/{COMPANY_UUID}/warehouses/{WAREHOUSE_UUID}/balances?per_page=10"),
            "/api/v1/revenue-and-cogs?start_date=2024-01-01&end_date=2024-06-30&periodicity=quarterly".to_owned(),
        ]
    );
}

#[tokio::test]
async fn client_token_never_reaches_neonpanel() {
    let (standin, server) = start().await;
    let token = server.access_token();
    let response = server
        .mcp_post(Some(&token), Some("2025-06-18"))
        .json(&json!({
            "jsonrpc": "2.0",
            "id": 3,
            "method": "tools/call",
            "params": { "name": "account_list_companies", "arguments": {} },
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let requests = standin.requests();
    assert_eq!(requests.len(), 1);
    let authorization = requests[0].authorization.clone().unwrap();
    assert_eq!(authorization, format!("Bearer {TEST_IAT}"));
    assert!(!authorization.contains(&token));
}

#[tokio::test]
async fn path_values_are_percent_encoded() {
    let (standin, server) = start().await;
    let result = server
        .call_tool(
            "inventory_list_warehouses",
            json!({ "companyUuid": "a/b?c" }),
        )
        .await;
    assert_eq!(result["isError"], true, "{result}");
    assert_eq!(
        standin.requests()[0].path,
        "/api/v1/companies/a%2Fb%3Fc/warehouses"
    );
}

#[tokio::test]
async fn invalid_arguments_name_the_argument() {
    let (standin, server) = start().await;
    let cases = [
        (
            "inventory_list_items",
            json!({}),
            "missing required argument `companyUuid`",
        ),
        (
            "inventory_get_details",
            json!({ "companyUuid": COMPANY_UUID, "inventoryId": "twelve" }),
            "invalid argument `inventoryId`: expected an integer",
        ),
        (
            "account_list_companies",
            json!({ "per_page": 5 }),
            "invalid argument `per_page`",
        ),
        (
            "financials_get_revenue_and_cogs",
            json!({ "start_date": "2024-01-01", "periodicity": "weekly" }),
            "invalid argument `periodicity`",
        ),
        (
            "account_list_companies",
            json!({ "company_id": 412 }),
            "unknown argument `company_id`",
        ),
    ];
    for (name, arguments, expected) in cases {
        let result = server.call_tool(name, arguments).await;
        assert_eq!(result["isError"], true, "{name}: {result}");
        let text = text_of(&result);
        assert!(text.contains(expected), "{name}: {text}");
    }
    assert!(
        standin.requests().is_empty(),
        "invalid calls must not reach NeonPanel"
    );
}

#[tokio::test]
async fn unknown_tool_is_protocol_error() {
    let (_standin, server) = start().await;
    let response = server
        .mcp_post(Some(&server.access_token()), Some("2025-06-18"))
        .json(&json!({
            "jsonrpc": "2.0",
            "id": 4,
            "method": "tools/call",
            "params": { "name": "inventory_delete_everything", "arguments": {} },
        }))
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], -32602, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("inventory_delete_everything")
    );
}

#[tokio::test]
async fn neonpanel_errors_become_tool_errors() {
    let (standin, server) = start().await;
    standin.fail(
        op("inventory_list_warehouses"),
        403,
        json!({ "message": "You do not have access to this company." }),
    );
    standin.fail(
        op("financials_get_revenue_and_cogs"),
        422,
        json!({
            "message": "The end date field must be a date after or equal to start date.",
            "errors": { "end_date": ["The end date field must be a date after or equal to start date."] },
        }),
    );
    standin.fail(
        op("account_list_companies"),
        500,
        json!({ "message": "Server Error" }),
    );

    let forbidden = server
        .call_tool(
            "inventory_list_warehouses",
            json!({ "companyUuid": COMPANY_UUID }),
        )
        .await;
    assert_eq!(forbidden["isError"], true);
    let text = text_of(&forbidden);
    assert!(
        text.contains("HTTP 403: You do not have access to this company."),
        "{text}"
    );
    assert!(text.contains("account_list_companies"), "{text}");

    let invalid = server
        .call_tool(
            "financials_get_revenue_and_cogs",
            json!({ "start_date": "2024-06-30", "end_date": "2024-01-01" }),
        )
        .await;
    assert_eq!(invalid["isError"], true);
    let text = text_of(&invalid);
    assert!(text.contains("NeonPanel rejected the input"), "{text}");
    assert!(
        text.contains("end_date: The end date field must be"),
        "{text}"
    );

    let failed = server.call_tool("account_list_companies", json!({})).await;
    assert_eq!(failed["isError"], true);
    let text = text_of(&failed);
    assert!(text.contains("HTTP 500: Server Error"), "{text}");
    assert!(text.contains("try again later"), "{text}");

    for result in [&forbidden, &invalid, &failed] {
        assert!(!result.to_string().contains(TEST_IAT), "{result}");
    }
}

#[tokio::test]
async fn rejected_iat_asks_operator_to_renew() {
    let (standin, server) = start().await;
    standin.fail(
        op("account_list_companies"),
        401,
        json!({ "message": "Unauthenticated." }),
    );
    let result = server.call_tool("account_list_companies", json!({})).await;
    assert_eq!(result["isError"], true);
    let text = text_of(&result);
    assert!(text.contains("HTTP 401: Unauthenticated."), "{text}");
    assert!(text.contains("operator must renew"), "{text}");
}

#[tokio::test]
async fn company_outside_reach_is_tool_error() {
    let (_standin, server) = start().await;
    let result = server
        .call_tool(
            "inventory_list_items",
            json!({ "companyUuid": "00000000-0000-4000-8000-000000000000" }),
        )
        .await;
    assert_eq!(result["isError"], true);
    assert!(text_of(&result).contains("HTTP 403: This action is unauthorized."));
}

#[tokio::test]
async fn unreachable_neonpanel_is_tool_error() {
    // The harness default NeonPanel URL is a closed loopback port.
    let server = TestServer::start().await;
    let result = server.call_tool("account_list_companies", json!({})).await;
    assert_eq!(result["isError"], true, "{result}");
    let text = text_of(&result);
    assert!(
        text.contains("cannot connect to NeonPanel at http://127.0.0.1:9/"),
        "{text}"
    );
    assert!(!text.contains(TEST_IAT), "{text}");
}
