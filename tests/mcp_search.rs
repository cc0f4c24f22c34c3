//! ChatGPT's `search` and `fetch` round trips, pagination hints and numeric
//! company ids, through `/mcp` against the NeonPanel stand-in.

mod support;

use serde_json::{Value, json};
use support::neonpanel_standin::{COMPANY_UUID, NeonPanelStandIn, op};
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

fn only_text(result: &Value) -> Value {
    let content = result["content"].as_array().unwrap();
    assert_eq!(content.len(), 1, "one text item: {result}");
    assert_eq!(content[0]["type"], "text");
    serde_json::from_str(content[0]["text"].as_str().unwrap()).unwrap()
}

#[tokio::test]
async fn search_finds_records_across_kinds() {
    let (standin, server) = start().await;
    let result = server
        .call_tool("search", json!({ "query": "walnut" }))
        .await;

    assert_eq!(result["isError"], false, "{result}");
    assert_eq!(only_text(&result), result["structuredContent"]);
    let results = result["structuredContent"]["results"].as_array().unwrap();

    // The fixtures hold two records of each of the seven kinds for the one
    // reachable company. The second company returns 403 and adds nothing.
    assert_eq!(results.len(), 14, "{results:#?}");
    let first_item = &results[0];
    assert_eq!(
        first_item["id"],
        format!("inventory_item:{COMPANY_UUID}:20931")
    );
    assert_eq!(
        first_item["title"],
        "Bamboo Cutting Board, Large (SKU HLG-BCB-L, US) (Harbor Lane Goods LLC)"
    );
    assert!(
        first_item.get("url").is_none(),
        "items have no NeonPanel link"
    );

    let bills: Vec<&Value> = results
        .iter()
        .filter(|result| result["id"].as_str().unwrap().starts_with("bill:"))
        .collect();
    assert_eq!(bills.len(), 2);
    let bill_fixture = op("project_management_list_bills").fixture().unwrap();
    assert_eq!(bills[0]["url"], bill_fixture["data"][0]["link"]);

    let searched: Vec<_> = standin
        .requests()
        .into_iter()
        .filter(|request| request.tool != Some("account_list_companies"))
        .collect();
    assert_eq!(searched.len(), 14, "seven kinds for each of two companies");
    for request in &searched {
        let query = request.query.as_deref().unwrap_or_default();
        assert!(query.contains("search=walnut"), "{}: {query}", request.path);
    }
    assert!(
        standin.violations().is_empty(),
        "{:?}",
        standin.violations()
    );
}

#[tokio::test]
async fn fetch_returns_each_kind_found_by_search() {
    let (standin, server) = start().await;
    let found = server
        .call_tool("search", json!({ "query": "walnut" }))
        .await;
    let results = found["structuredContent"]["results"]
        .as_array()
        .unwrap()
        .clone();

    let mut kinds_fetched = Vec::new();
    for result in results.iter().step_by(2) {
        let id = result["id"].as_str().unwrap();
        let fetched = server.call_tool("fetch", json!({ "id": id })).await;
        assert_eq!(fetched["isError"], false, "{id}: {fetched}");
        let document = &fetched["structuredContent"];
        assert_eq!(only_text(&fetched), *document);
        assert_eq!(document["id"], id);
        assert_eq!(document["metadata"]["company_uuid"], COMPANY_UUID);
        let record_id = id.rsplit(':').next().unwrap().parse::<i64>().unwrap();
        assert_eq!(document["metadata"]["record_id"], record_id, "{id}");
        let kind = document["metadata"]["kind"].as_str().unwrap().to_owned();
        let record: Value = serde_json::from_str(document["text"].as_str().unwrap()).unwrap();
        assert_eq!(record, expected_record(&kind, record_id), "{id}");
        kinds_fetched.push(kind);
    }
    assert_eq!(
        kinds_fetched,
        [
            "inventory_item",
            "product",
            "listing",
            "inventory_order",
            "bill",
            "invoice",
            "shipment"
        ]
    );

    let order = op("project_management_get_inventory_orders")
        .fixture()
        .unwrap();
    let order_id = format!("inventory_order:{COMPANY_UUID}:{}", order["id"]);
    let fetched = server.call_tool("fetch", json!({ "id": order_id })).await;
    assert_eq!(fetched["structuredContent"]["url"], order["link"]);
    assert!(
        standin.violations().is_empty(),
        "{:?}",
        standin.violations()
    );
}

/// The stand-in's record behind a fetched id: the fixture of the kind's get
/// operation, or the list entry for kinds read from their list by id.
fn expected_record(kind: &str, record_id: i64) -> Value {
    let (tool, from_list) = match kind {
        "inventory_item" => ("inventory_get_item", false),
        "product" => ("inventory_list_products", true),
        "listing" => ("inventory_get_listing_details_by_asin", true),
        "inventory_order" => ("project_management_get_inventory_orders", false),
        "bill" => ("project_management_get_bills", false),
        "invoice" => ("project_management_get_invoices", false),
        "shipment" => ("project_management_get_shipments", false),
        other => panic!("unexpected kind {other}"),
    };
    let fixture = op(tool).fixture().unwrap();
    if !from_list {
        return fixture;
    }
    fixture["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|record| record["id"] == record_id)
        .cloned()
        .unwrap()
}

#[tokio::test]
async fn fetch_with_foreign_id_is_tool_error() {
    let (standin, server) = start().await;
    for id in ["order-17", "bill::17", "spaceship:x:1"] {
        let result = server.call_tool("fetch", json!({ "id": id })).await;
        assert_eq!(result["isError"], true, "{id}");
        let text = result["content"][0]["text"].as_str().unwrap();
        assert!(text.contains("not an id from search"), "{text}");
    }
    let empty = server.call_tool("search", json!({ "query": "  " })).await;
    assert_eq!(empty["isError"], true);
    assert!(standin.requests().is_empty());
}

#[tokio::test]
async fn pages_pass_through_and_name_the_next() {
    let (standin, server) = start().await;
    let mut page_two = op("inventory_list_items").fixture().unwrap();
    page_two["current_page"] = json!(2);
    page_two["per_page"] = json!(10);
    standin.respond_with(op("inventory_list_items"), page_two);

    let result = server
        .call_tool(
            "inventory_list_items",
            json!({ "companyUuid": COMPANY_UUID, "page": 2, "per_page": 10 }),
        )
        .await;

    assert_eq!(
        result["content"][0]["text"],
        "2 inventory items (page 2 of 3; pass page 3 for the next)"
    );
    assert_eq!(result["structuredContent"]["current_page"], 2);
    assert_eq!(result["structuredContent"]["last_page"], 3);
    let request = &standin.requests()[0];
    assert_eq!(request.query.as_deref(), Some("page=2&per_page=10"));

    // A list whose operation takes no page parameter explains how to see more.
    let orders = server
        .call_tool(
            "project_management_list_inventory_orders",
            json!({ "companyUuid": COMPANY_UUID }),
        )
        .await;
    let text = orders["content"][0]["text"].as_str().unwrap();
    assert!(
        text.contains("page 1 of 2; this list takes no page argument"),
        "{text}"
    );
}

#[tokio::test]
async fn numeric_company_id_resolves_once() {
    let (standin, server) = start().await;
    for _ in 0..2 {
        let result = server
            .call_tool("inventory_list_warehouses", json!({ "companyUuid": 412 }))
            .await;
        assert_eq!(result["isError"], false, "{result}");
    }
    let paths: Vec<String> = standin
        .requests()
        .into_iter()
        .map(|request| request.path)
        .collect();
    let warehouses = format!("/api/v1/companies/{COMPANY_UUID}/warehouses");
    assert_eq!(
        paths,
        [
            "/api/v1/companies",
            warehouses.as_str(),
            warehouses.as_str()
        ],
        "the companies list is read once and cached"
    );

    let unknown = server
        .call_tool("inventory_list_warehouses", json!({ "companyUuid": "999" }))
        .await;
    assert_eq!(unknown["isError"], true);
    let text = unknown["content"][0]["text"].as_str().unwrap();
    assert!(text.contains("no company with id 999"), "{text}");
}
