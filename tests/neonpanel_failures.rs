//! NeonPanel failures a person can act on: a rotated IAT, unreachable
//! records, validation errors, rate limits, server errors, timeouts and
//! oversized responses, each through `/mcp` against the stand-in.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use neonpanel_mcp::config::IatLoader;
use neonpanel_mcp::secret::Iat;
use serde_json::{Value, json};
use support::neonpanel_standin::{COMPANY_UUID, NeonPanelStandIn, op};
use support::{Options, TEST_IAT, TestServer};

/// An IAT loader that returns a fixed value and counts its reads.
#[derive(Debug)]
struct CountingLoader {
    iat: String,
    loads: AtomicUsize,
}

#[async_trait::async_trait]
impl IatLoader for CountingLoader {
    async fn load(&self) -> Result<Iat, String> {
        self.loads.fetch_add(1, Ordering::SeqCst);
        // Wide enough for concurrent 401s to queue behind this reload.
        tokio::time::sleep(Duration::from_millis(20)).await;
        Ok(Iat::new(self.iat.clone()))
    }
}

async fn start_with(options: Options) -> (NeonPanelStandIn, TestServer) {
    let standin = NeonPanelStandIn::start().await;
    let server = TestServer::start_with(Options {
        neonpanel_url: Some(standin.base_url.clone()),
        ..options
    })
    .await;
    (standin, server)
}

async fn start() -> (NeonPanelStandIn, TestServer) {
    start_with(Options::default()).await
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

fn loader(iat: &str) -> Arc<CountingLoader> {
    Arc::new(CountingLoader {
        iat: iat.to_owned(),
        loads: AtomicUsize::new(0),
    })
}

#[tokio::test]
async fn rotated_iat_is_read_again_and_call_retried() {
    let loader = loader("np-rotated-iat");
    let (standin, server) = start_with(Options {
        iat_loader: Some(loader.clone()),
        ..Options::default()
    })
    .await;
    standin.rotate_iat("np-rotated-iat");

    let result = server.call_tool("account_list_companies", json!({})).await;

    assert_eq!(result["isError"], false, "{result}");
    assert_eq!(loader.loads.load(Ordering::SeqCst), 1);
    let authorizations: Vec<String> = standin
        .requests()
        .iter()
        .map(|request| request.authorization.clone().unwrap())
        .collect();
    assert_eq!(
        authorizations,
        [
            format!("Bearer {TEST_IAT}"),
            "Bearer np-rotated-iat".to_owned()
        ]
    );

    // Later calls use the new IAT straight away.
    let again = server.call_tool("account_list_companies", json!({})).await;
    assert_eq!(again["isError"], false);
    assert_eq!(standin.requests().len(), 3);
    assert_eq!(loader.loads.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn concurrent_rejections_share_one_reload() {
    let loader = loader("np-rotated-iat");
    let (standin, server) = start_with(Options {
        iat_loader: Some(loader.clone()),
        ..Options::default()
    })
    .await;
    standin.rotate_iat("np-rotated-iat");

    let call = || server.call_tool("account_list_companies", json!({}));
    let (first, second, third, fourth) = tokio::join!(call(), call(), call(), call());
    let results = [first, second, third, fourth];

    for result in &results {
        assert_eq!(result["isError"], false, "{result}");
    }
    assert_eq!(loader.loads.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn still_rejected_iat_is_retried_once_only() {
    let loader = loader("np-still-wrong");
    let (standin, server) = start_with(Options {
        iat_loader: Some(loader.clone()),
        ..Options::default()
    })
    .await;
    standin.rotate_iat("np-rotated-iat");

    let result = server.call_tool("account_list_companies", json!({})).await;

    assert_eq!(result["isError"], true);
    let text = text_of(&result);
    assert!(text.contains("operator must renew"), "{text}");
    assert!(!text.contains("np-still-wrong"), "{text}");
    assert_eq!(standin.requests().len(), 2);
    assert_eq!(loader.loads.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn forbidden_and_missing_records_name_the_credential() {
    let (standin, server) = start().await;
    standin.fail(
        op("project_management_get_bills"),
        404,
        json!({ "message": "No query results for model [Bill] 999." }),
    );
    for (tool, arguments) in [
        (
            "project_management_get_bills",
            json!({ "companyUuid": COMPANY_UUID, "billId": 999 }),
        ),
        (
            "inventory_list_warehouses",
            json!({ "companyUuid": "00000000-0000-4000-8000-000000000000" }),
        ),
    ] {
        let result = server.call_tool(tool, arguments).await;
        assert_eq!(result["isError"], true, "{tool}");
        let text = text_of(&result);
        assert!(
            text.contains(
                "this company or record is not reachable with the server's NeonPanel credential"
            ),
            "{tool}: {text}"
        );
    }
    // 403 and 404 are final, so they are not retried.
    assert_eq!(standin.requests().len(), 2);
}

#[tokio::test]
async fn validation_error_lists_every_field() {
    let (standin, server) = start().await;
    standin.fail(
        op("project_management_create_invoices"),
        422,
        json!({
            "message": "The given data was invalid.",
            "errors": {
                "ref_number": ["The ref number has already been taken."],
                "details.0.service_id": ["The selected service is invalid.", "The service must belong to the company."],
            },
        }),
    );
    let result = server
        .call_write_tool(
            "project_management_create_invoices",
            json!({ "companyUuid": COMPANY_UUID, "ref_number": "INV-7" }),
        )
        .await;
    assert_eq!(result["isError"], true);
    let text = text_of(&result);
    assert!(
        text.contains("ref_number: The ref number has already been taken."),
        "{text}"
    );
    assert!(
        text.contains(
            "details.0.service_id: The selected service is invalid.; The service must belong to the company."
        ),
        "{text}"
    );
    assert_eq!(standin.requests().len(), 1);
}

#[tokio::test]
async fn rate_limited_read_is_retried() {
    let (standin, server) = start().await;
    standin.fail_times(
        op("inventory_list_warehouses"),
        2,
        429,
        json!({ "message": "Too Many Attempts." }),
    );
    let result = server
        .call_tool(
            "inventory_list_warehouses",
            json!({ "companyUuid": COMPANY_UUID }),
        )
        .await;
    assert_eq!(result["isError"], false, "{result}");
    assert_eq!(standin.requests().len(), 3);
}

#[tokio::test]
async fn failing_read_gives_up_after_bounded_retries() {
    let (standin, server) = start().await;
    standin.fail(
        op("inventory_list_warehouses"),
        503,
        json!({ "message": "Service Unavailable" }),
    );
    let result = server
        .call_tool(
            "inventory_list_warehouses",
            json!({ "companyUuid": COMPANY_UUID }),
        )
        .await;
    assert_eq!(result["isError"], true);
    let text = text_of(&result);
    assert!(
        text.contains("NeonPanel failed to answer (HTTP 503"),
        "{text}"
    );
    // One attempt and the default two retries.
    assert_eq!(standin.requests().len(), 3);
}

#[tokio::test]
async fn timed_out_read_is_retried() {
    let (standin, server) = start_with(Options {
        neonpanel_timeout: Some(Duration::from_millis(300)),
        ..Options::default()
    })
    .await;
    standin.delay_times(op("account_list_reports"), 1, Duration::from_secs(2));
    let result = server.call_tool("account_list_reports", json!({})).await;
    assert_eq!(result["isError"], false, "{result}");
    assert_eq!(standin.requests().len(), 2);
}

#[tokio::test]
async fn failing_write_is_not_retried() {
    let (standin, server) = start().await;
    standin.fail(
        op("project_management_create_bills"),
        502,
        json!({ "message": "Bad Gateway" }),
    );
    let result = server
        .call_write_tool(
            "project_management_create_bills",
            json!({ "companyUuid": COMPANY_UUID, "ref_number": "B-77" }),
        )
        .await;
    assert_eq!(result["isError"], true);
    let text = text_of(&result);
    assert!(text.contains("may or may not have been saved"), "{text}");
    assert_eq!(standin.requests().len(), 1);
}

#[tokio::test]
async fn timed_out_write_is_not_retried() {
    let (standin, server) = start_with(Options {
        neonpanel_timeout: Some(Duration::from_millis(300)),
        ..Options::default()
    })
    .await;
    standin.delay_times(op("inventory_sync_listing"), 1, Duration::from_secs(2));
    let result = server
        .call_write_tool(
            "inventory_sync_listing",
            json!({ "companyUuid": COMPANY_UUID, "listingId": 8 }),
        )
        .await;
    assert_eq!(result["isError"], true);
    let text = text_of(&result);
    assert!(text.contains("did not answer within"), "{text}");
    assert!(text.contains("may or may not have been saved"), "{text}");
    assert_eq!(standin.requests().len(), 1);
}

#[tokio::test]
async fn oversized_result_is_cut_with_a_note() {
    let (standin, server) = start().await;
    let mut body = op("inventory_list_items").fixture().unwrap();
    let record = body["data"][0].clone();
    body["data"] = Value::Array(vec![record; 2000]);
    standin.respond_with(op("inventory_list_items"), body);

    let result = server
        .call_tool(
            "inventory_list_items",
            json!({ "companyUuid": COMPANY_UUID }),
        )
        .await;

    assert_eq!(result["isError"], false);
    let kept = result["structuredContent"]["data"]
        .as_array()
        .unwrap()
        .len();
    assert!(kept > 0, "nothing was kept");
    assert!(kept < 2000, "nothing was cut");
    let note = result["structuredContent"]["truncated"].as_str().unwrap();
    assert!(
        note.contains(&format!("first {kept} of 2000 records")),
        "{note}"
    );
    assert!(note.contains("per_page"), "{note}");
    let text = text_of(&result);
    assert!(text.contains("narrow the query"), "{text}");
    assert!(result.to_string().len() < 400_000);
}
