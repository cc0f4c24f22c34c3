//! A stand-in for the NeonPanel API on a loopback port. It serves every
//! operation of the API from JSON fixtures, accepts only its current IAT,
//! records every request it receives, and can be set to respond to an
//! operation differently.
//!
//! Every request is checked against NeonPanel's published OpenAPI document
//! (method, path parameters, query parameters, JSON body). A request that
//! does not match gets 400 and is recorded as a violation, and tests
//! assert that no violation was recorded.
//!
//! The document is not part of this repository: the stand-in reads it from
//! `../shared/neonpanel/openapi.json` next to the workspace and panics with
//! the path it tried when the file is missing.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use super::TEST_IAT;

/// The company the fixtures describe. Requests for any other company get 403.
pub const COMPANY_UUID: &str = "9b2f6c1e-4a7d-4e3b-8f21-6d5c3a9e0b17";
/// The inventory item of the balances fixture.
pub const INVENTORY_ID: u64 = 20931;
/// The warehouse of the warehouse balances fixture.
pub const WAREHOUSE_UUID: &str = "5f0b3d27-8e6a-4c91-b7f2-a4d9c1e06b38";

/// One NeonPanel API operation, and the tool that calls it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Operation {
    pub method: &'static str,
    /// OpenAPI path template, such as `/api/v1/companies/{companyUuid}/bills`.
    pub template: &'static str,
    /// The tool that calls this operation, which also names its fixture.
    pub tool: &'static str,
}

/// Every operation of the API, in catalog order.
pub const OPERATIONS: &[Operation] = &[
    Operation {
        method: "GET",
        template: "/api/v1/companies",
        tool: "account_list_companies",
    },
    Operation {
        method: "GET",
        template: "/api/v1/permissions",
        tool: "account_list_permissions",
    },
    Operation {
        method: "GET",
        template: "/api/v1/permissions/{permission}/companies",
        tool: "account_get_companies_with_permission",
    },
    Operation {
        method: "GET",
        template: "/api/v1/companies/{companyUuid}/permissions",
        tool: "account_list_company_permissions",
    },
    Operation {
        method: "GET",
        template: "/api/v1/reports",
        tool: "account_list_reports",
    },
    Operation {
        method: "GET",
        template: "/api/v1/reports/{reportId}",
        tool: "account_get_report_details",
    },
    Operation {
        method: "GET",
        template: "/api/v1/companies/{companyUuid}/warehouses",
        tool: "inventory_list_warehouses",
    },
    Operation {
        method: "GET",
        template: "/api/v1/companies/{companyUuid}/warehouses/{warehouseUuid}/balances",
        tool: "inventory_get_warehouse_balances",
    },
    Operation {
        method: "GET",
        template: "/api/v1/companies/{companyUuid}/inventory-items",
        tool: "inventory_list_items",
    },
    Operation {
        method: "POST",
        template: "/api/v1/companies/{companyUuid}/inventory-items",
        tool: "inventory_create_item",
    },
    Operation {
        method: "GET",
        template: "/api/v1/companies/{companyUuid}/inventory-items/{inventoryId}",
        tool: "inventory_get_item",
    },
    Operation {
        method: "PUT",
        template: "/api/v1/companies/{companyUuid}/inventory-items/{inventoryId}",
        tool: "inventory_update_item",
    },
    Operation {
        method: "DELETE",
        template: "/api/v1/companies/{companyUuid}/inventory-items/{inventoryId}",
        tool: "inventory_delete_item",
    },
    Operation {
        method: "GET",
        template: "/api/v1/companies/{companyUuid}/inventory-items/{inventoryId}/balances",
        tool: "inventory_get_details",
    },
    Operation {
        method: "GET",
        template: "/api/v1/companies/{companyUuid}/products",
        tool: "inventory_list_products",
    },
    Operation {
        method: "POST",
        template: "/api/v1/companies/{companyUuid}/products",
        tool: "inventory_create_product",
    },
    Operation {
        method: "PUT",
        template: "/api/v1/companies/{companyUuid}/products/{productId}",
        tool: "inventory_update_product",
    },
    Operation {
        method: "DELETE",
        template: "/api/v1/companies/{companyUuid}/products/{productId}",
        tool: "inventory_delete_product",
    },
    Operation {
        method: "GET",
        template: "/api/v1/companies/{companyUuid}/listings",
        tool: "inventory_get_listing_details_by_asin",
    },
    Operation {
        method: "POST",
        template: "/api/v1/companies/{companyUuid}/listings/{listingId}/sync",
        tool: "inventory_sync_listing",
    },
    Operation {
        method: "GET",
        template: "/api/v1/companies/{companyUuid}/inventory-items/{inventoryId}/landed-cost",
        tool: "cogs_get_inventory_landed_cost",
    },
    Operation {
        method: "GET",
        template: "/api/v1/companies/{companyUuid}/inventory-items/{inventoryId}/cogs",
        tool: "cogs_get_inventory_cogs",
    },
    Operation {
        method: "GET",
        template: "/api/v1/revenue-and-cogs",
        tool: "financials_get_revenue_and_cogs",
    },
    Operation {
        method: "GET",
        template: "/api/v1/companies/{companyUuid}/settings/forecasts",
        tool: "forecasting_get_company_settings",
    },
    Operation {
        method: "PUT",
        template: "/api/v1/companies/{companyUuid}/settings/forecasts",
        tool: "forecasting_update_company_settings",
    },
    Operation {
        method: "GET",
        template: "/api/v1/import/{type}/instructions",
        tool: "import_get_instructions",
    },
    Operation {
        method: "POST",
        template: "/api/v1/companies/{companyUuid}/create/{type}",
        tool: "import_create_documents",
    },
    Operation {
        method: "POST",
        template: "/api/v1/companies/{companyUuid}/import/{type}/pdf",
        tool: "import_create_documents_by_pdf",
    },
    Operation {
        method: "GET",
        template: "/api/v1/companies/{companyUuid}/import/{type}/status/{requestId}",
        tool: "import_check_status",
    },
    Operation {
        method: "GET",
        template: "/api/v1/companies/{companyUuid}/inventory-orders",
        tool: "project_management_list_inventory_orders",
    },
    Operation {
        method: "GET",
        template: "/api/v1/companies/{companyUuid}/inventory-orders/{orderId}",
        tool: "project_management_get_inventory_orders",
    },
    Operation {
        method: "POST",
        template: "/api/v1/companies/{companyUuid}/inventory-orders",
        tool: "project_management_create_inventory_orders",
    },
    Operation {
        method: "PUT",
        template: "/api/v1/companies/{companyUuid}/inventory-orders/{orderId}",
        tool: "project_management_update_inventory_orders",
    },
    Operation {
        method: "GET",
        template: "/api/v1/companies/{companyUuid}/bills",
        tool: "project_management_list_bills",
    },
    Operation {
        method: "GET",
        template: "/api/v1/companies/{companyUuid}/bills/{billId}",
        tool: "project_management_get_bills",
    },
    Operation {
        method: "POST",
        template: "/api/v1/companies/{companyUuid}/bills",
        tool: "project_management_create_bills",
    },
    Operation {
        method: "PUT",
        template: "/api/v1/companies/{companyUuid}/bills/{billId}",
        tool: "project_management_update_bills",
    },
    Operation {
        method: "GET",
        template: "/api/v1/companies/{companyUuid}/payment-requests",
        tool: "project_management_list_payment_requests",
    },
    Operation {
        method: "PUT",
        template: "/api/v1/companies/{companyUuid}/payment-requests/{paymentId}",
        tool: "project_management_update_payment_request",
    },
    Operation {
        method: "GET",
        template: "/api/v1/companies/{companyUuid}/vendors",
        tool: "project_management_list_vendors",
    },
    Operation {
        method: "GET",
        template: "/api/v1/companies/{companyUuid}/assembly-orders",
        tool: "project_management_list_assembly_orders",
    },
    Operation {
        method: "GET",
        template: "/api/v1/companies/{companyUuid}/assembly-orders/{orderId}",
        tool: "project_management_get_assembly_orders",
    },
    Operation {
        method: "POST",
        template: "/api/v1/companies/{companyUuid}/assembly-orders",
        tool: "project_management_create_assembly_orders",
    },
    Operation {
        method: "PUT",
        template: "/api/v1/companies/{companyUuid}/assembly-orders/{orderId}",
        tool: "project_management_update_assembly_orders",
    },
    Operation {
        method: "GET",
        template: "/api/v1/companies/{companyUuid}/invoices",
        tool: "project_management_list_invoices",
    },
    Operation {
        method: "GET",
        template: "/api/v1/companies/{companyUuid}/invoices/{invoiceId}",
        tool: "project_management_get_invoices",
    },
    Operation {
        method: "POST",
        template: "/api/v1/companies/{companyUuid}/invoices",
        tool: "project_management_create_invoices",
    },
    Operation {
        method: "PUT",
        template: "/api/v1/companies/{companyUuid}/invoices/{invoiceId}",
        tool: "project_management_update_invoices",
    },
    Operation {
        method: "GET",
        template: "/api/v1/companies/{companyUuid}/shipments",
        tool: "project_management_list_shipments",
    },
    Operation {
        method: "GET",
        template: "/api/v1/companies/{companyUuid}/shipments/{shipmentId}",
        tool: "project_management_get_shipments",
    },
    Operation {
        method: "POST",
        template: "/api/v1/companies/{companyUuid}/shipments",
        tool: "project_management_create_shipments",
    },
    Operation {
        method: "PUT",
        template: "/api/v1/companies/{companyUuid}/shipments/{shipmentId}",
        tool: "project_management_update_shipments",
    },
    Operation {
        method: "GET",
        template: "/api/v1/companies/{companyUuid}/services",
        tool: "project_management_list_services",
    },
    Operation {
        method: "GET",
        template: "/api/v1/sales-channels",
        tool: "project_management_list_sales_channels",
    },
    Operation {
        method: "GET",
        template: "/api/v1/companies/{companyUuid}/payment-terms",
        tool: "project_management_list_payment_terms",
    },
    Operation {
        method: "GET",
        template: "/api/v1/companies/{companyUuid}/adjustments",
        tool: "project_management_list_adjustments",
    },
    Operation {
        method: "GET",
        template: "/api/v1/companies/{companyUuid}/adjustments/{adjustmentId}",
        tool: "project_management_get_adjustments",
    },
    Operation {
        method: "POST",
        template: "/api/v1/companies/{companyUuid}/adjustments",
        tool: "project_management_create_adjustments",
    },
    Operation {
        method: "PUT",
        template: "/api/v1/companies/{companyUuid}/adjustments/{adjustmentId}",
        tool: "project_management_update_adjustments",
    },
];

/// Returns the operation that `tool` calls.
pub fn op(tool: &str) -> Operation {
    *OPERATIONS
        .iter()
        .find(|operation| operation.tool == tool)
        .unwrap_or_else(|| panic!("no operation for tool {tool}"))
}

impl Operation {
    /// Returns the success response body, from
    /// `tests/fixtures/neonpanel/<tool>.json`, or `None` for operations
    /// that return 204 without a body.
    pub fn fixture(self) -> Option<Value> {
        if self.method == "DELETE" {
            return None;
        }
        let path = fixture_dir().join(self.fixture_name());
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
        Some(serde_json::from_str(&text).expect("fixtures are valid JSON"))
    }

    /// Returns the fixture file name.
    pub fn fixture_name(self) -> String {
        format!("{}.json", self.tool)
    }

    /// Returns the OpenAPI path template of the operation.
    pub fn path_template(self) -> &'static str {
        self.template
    }

    /// The success status the document gives the operation.
    pub fn success_status(self) -> u16 {
        match (self.method, self.tool) {
            ("DELETE", _) => 204,
            (_, "import_create_documents_by_pdf") => 202,
            _ => 200,
        }
    }

    /// Whether `method` and `path` (decoded segments) match this operation.
    fn matches(self, method: &str, segments: &[String]) -> Option<HashMap<&'static str, String>> {
        if self.method != method {
            return None;
        }
        let template: Vec<&'static str> =
            self.template.split('/').filter(|s| !s.is_empty()).collect();
        if template.len() != segments.len() {
            return None;
        }
        let mut values = HashMap::new();
        for (part, segment) in template.iter().zip(segments) {
            match part
                .strip_prefix('{')
                .and_then(|rest| rest.strip_suffix('}'))
            {
                Some(name) => {
                    values.insert(name, segment.clone());
                }
                None if part == segment => {}
                None => return None,
            }
        }
        Some(values)
    }
}

/// The folder of the NeonPanel fixtures.
pub fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/neonpanel")
}

/// NeonPanel's OpenAPI document, read once per test process.
pub fn openapi_document() -> &'static Value {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let path =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/neonpanel/openapi.json");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|error| {
            panic!(
                "cannot read NeonPanel's OpenAPI document at {} ({error}); place openapi.json there to run this test",
                path.display()
            )
        });
        serde_json::from_str(&text).expect("the OpenAPI document is JSON")
    })
}

/// One request the stand-in received.
#[derive(Clone, Debug)]
pub struct SeenRequest {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub authorization: Option<String>,
    pub accept: Option<String>,
    /// The JSON body, when there was one.
    pub body: Option<Value>,
    /// The tool of the operation the request matched.
    pub tool: Option<&'static str>,
}

/// A canned response that replaces the fixture.
#[derive(Clone, Debug)]
struct Answer {
    status: u16,
    body: Value,
    /// How many requests get it; `None` for every request.
    times: Option<usize>,
    delay: Duration,
}

struct State {
    seen: Vec<SeenRequest>,
    violations: Vec<String>,
    answers: HashMap<&'static str, VecDeque<Answer>>,
    iat: String,
}

/// A running stand-in. Dropping it stops the server.
pub struct NeonPanelStandIn {
    /// `http://127.0.0.1:PORT`, the value for `Options::neonpanel_url`.
    pub base_url: String,
    state: Arc<Mutex<State>>,
    shutdown: Option<oneshot::Sender<()>>,
}

impl NeonPanelStandIn {
    /// Starts the stand-in on a free loopback port.
    pub async fn start() -> Self {
        // Read the document up front, so a missing file fails here with its path.
        openapi_document();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State {
            seen: Vec::new(),
            violations: Vec::new(),
            answers: HashMap::new(),
            iat: TEST_IAT.to_owned(),
        }));
        let (shutdown, mut stopped) = oneshot::channel::<()>();

        let served = state.clone();
        tokio::spawn(async move {
            loop {
                let accepted = tokio::select! {
                    accepted = listener.accept() => accepted,
                    _ = &mut stopped => return,
                };
                let Ok((stream, _)) = accepted else { continue };
                let state = served.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request| {
                        let state = state.clone();
                        async move { Ok::<_, Infallible>(respond(&state, request).await) }
                    });
                    let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });

        Self {
            base_url,
            state,
            shutdown: Some(shutdown),
        }
    }

    /// Makes `operation` return `status` with `body` from now on.
    pub fn fail(&self, operation: Operation, status: u16, body: Value) {
        self.answer(operation, status, body, None, Duration::ZERO);
    }

    /// Makes the next `times` requests of `operation` return `status` with
    /// `body`; later ones get the fixture again.
    pub fn fail_times(&self, operation: Operation, times: usize, status: u16, body: Value) {
        self.answer(operation, status, body, Some(times), Duration::ZERO);
    }

    /// Makes the next `times` requests of `operation` wait `delay` before
    /// answering with the fixture.
    pub fn delay_times(&self, operation: Operation, times: usize, delay: Duration) {
        let body = operation.fixture().unwrap_or(Value::Null);
        let status = operation.success_status();
        self.answer(operation, status, body, Some(times), delay);
    }

    /// Makes `operation` answer 200 with `body` from now on.
    pub fn respond_with(&self, operation: Operation, body: Value) {
        self.answer(operation, 200, body, None, Duration::ZERO);
    }

    fn answer(
        &self,
        operation: Operation,
        status: u16,
        body: Value,
        times: Option<usize>,
        delay: Duration,
    ) {
        self.state
            .lock()
            .unwrap()
            .answers
            .entry(operation.tool)
            .or_default()
            .push_back(Answer {
                status,
                body,
                times,
                delay,
            });
    }

    /// Accepts `iat` instead of the test IAT from now on, as NeonPanel does
    /// after the credential is rotated.
    pub fn rotate_iat(&self, iat: &str) {
        self.state.lock().unwrap().iat = iat.to_owned();
    }

    /// Returns every request received so far, oldest first.
    pub fn requests(&self) -> Vec<SeenRequest> {
        self.state.lock().unwrap().seen.clone()
    }

    /// Returns every way a request so far failed to match the OpenAPI
    /// document.
    pub fn violations(&self) -> Vec<String> {
        self.state.lock().unwrap().violations.clone()
    }
}

impl Drop for NeonPanelStandIn {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

async fn respond(
    state: &Mutex<State>,
    request: http::Request<Incoming>,
) -> http::Response<Full<Bytes>> {
    let header = |name: http::header::HeaderName| {
        request
            .headers()
            .get(name)
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
    };
    let authorization = header(http::header::AUTHORIZATION);
    let accept = header(http::header::ACCEPT);
    let content_type = header(http::header::CONTENT_TYPE);
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().map(str::to_owned);
    let raw_body = request
        .into_body()
        .collect()
        .await
        .map(|body| body.to_bytes())
        .unwrap_or_default();

    let segments: Vec<String> = path
        .split('/')
        .filter(|segment| !segment.is_empty())
        .map(percent_encoding_decode)
        .collect();
    let matched = OPERATIONS
        .iter()
        .find_map(|operation| Some((*operation, operation.matches(&method, &segments)?)));
    let query_pairs: Vec<(String, String)> = query
        .as_deref()
        .map(|query| {
            form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    let body = if raw_body.is_empty() {
        None
    } else {
        Some(
            serde_json::from_slice::<Value>(&raw_body)
                .unwrap_or(Value::String("<not JSON>".into())),
        )
    };

    let answer = {
        let mut state = state.lock().unwrap();
        state.seen.push(SeenRequest {
            method: method.clone(),
            path: path.clone(),
            query: query.clone(),
            authorization: authorization.clone(),
            accept,
            body: body.clone(),
            tool: matched.as_ref().map(|(operation, _)| operation.tool),
        });

        let expected = format!("Bearer {}", state.iat);
        if authorization.as_deref() != Some(expected.as_str()) {
            return json_response(401, &json!({ "message": "Unauthenticated." }));
        }
        let Some((operation, path_values)) = matched else {
            let violation = format!("{method} {path} is not an operation of the document");
            state.violations.push(violation.clone());
            return json_response(404, &json!({ "message": violation }));
        };

        let problems = check_request(
            operation,
            &path_values,
            &query_pairs,
            content_type.as_deref(),
            body.as_ref(),
        );
        if !problems.is_empty() {
            let violation = format!("{method} {path}: {}", problems.join("; "));
            state.violations.push(violation.clone());
            return json_response(400, &json!({ "message": format!("stand-in: {violation}") }));
        }

        let answer = state.answers.get_mut(operation.tool).and_then(|answers| {
            let answer = answers.front_mut()?;
            let current = answer.clone();
            if let Some(times) = &mut answer.times {
                *times -= 1;
                if *times == 0 {
                    answers.pop_front();
                }
            }
            Some(current)
        });
        if answer.is_none()
            && path_values
                .get("companyUuid")
                .is_some_and(|company| company != COMPANY_UUID)
        {
            return json_response(403, &json!({ "message": "This action is unauthorized." }));
        }
        answer.unwrap_or_else(|| Answer {
            status: operation.success_status(),
            body: operation.fixture().unwrap_or(Value::Null),
            times: None,
            delay: Duration::ZERO,
        })
    };

    if !answer.delay.is_zero() {
        tokio::time::sleep(answer.delay).await;
    }
    if answer.status == 204 {
        return http::Response::builder()
            .status(204)
            .body(Full::new(Bytes::new()))
            .unwrap();
    }
    json_response(answer.status, &answer.body)
}

/// Decodes one percent-encoded path segment.
fn percent_encoding_decode(segment: &str) -> String {
    form_urlencoded::parse(format!("x={}", segment.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default()
}

/// Checks a request against the operation's parameters and request body in
/// the OpenAPI document, and returns what does not match.
pub fn check_request(
    operation: Operation,
    path_values: &HashMap<&'static str, String>,
    query: &[(String, String)],
    content_type: Option<&str>,
    body: Option<&Value>,
) -> Vec<String> {
    let document = openapi_document();
    let definition = &document["paths"][operation.template][operation.method.to_lowercase()];
    let mut problems = Vec::new();

    let parameters: Vec<Value> = definition["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|parameter| resolve(document, parameter))
        .collect();

    for parameter in parameters
        .iter()
        .filter(|parameter| parameter["in"] == "path")
    {
        let name = parameter["name"].as_str().unwrap();
        match path_values.get(name) {
            Some(value) => check_scalar(document, name, &parameter["schema"], value, &mut problems),
            None => problems.push(format!("path parameter {name} is missing")),
        }
    }

    // NeonPanel's document gives some GET operations a JSON body whose
    // properties the API reads from the query string; they count as query
    // parameters here.
    let mut query_schemas: HashMap<String, (Value, bool)> = parameters
        .iter()
        .filter(|parameter| parameter["in"] == "query")
        .map(|parameter| {
            (
                parameter["name"].as_str().unwrap().to_owned(),
                (parameter["schema"].clone(), parameter["required"] == true),
            )
        })
        .collect();
    let json_body_schema =
        definition["requestBody"]["content"]["application/json"]["schema"].clone();
    if operation.method == "GET" && json_body_schema.is_object() {
        let schema = resolve(document, &json_body_schema);
        for (name, property) in schema["properties"].as_object().into_iter().flatten() {
            query_schemas.insert(name.clone(), (property.clone(), false));
        }
    }
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for (name, value) in query {
        *counts.entry(name.as_str()).or_default() += 1;
        let Some((schema, _)) = query_schemas.get(name) else {
            problems.push(format!("query parameter {name} is not in the document"));
            continue;
        };
        let schema = resolve(document, schema);
        if schema["type"] == "array" {
            check_scalar(document, name, &schema["items"], value, &mut problems);
        } else {
            check_scalar(document, name, &schema, value, &mut problems);
        }
    }
    for (name, (schema, required)) in &query_schemas {
        let count = counts.get(name.as_str()).copied().unwrap_or(0);
        if *required && count == 0 {
            problems.push(format!("required query parameter {name} is missing"));
        }
        if count > 1 && resolve(document, schema)["type"] != "array" {
            problems.push(format!(
                "query parameter {name} is repeated but not an array"
            ));
        }
    }

    let declared_body = operation.method != "GET" && json_body_schema.is_object();
    match (declared_body, body) {
        (true, Some(body)) => {
            if !content_type.is_some_and(|value| value.starts_with("application/json")) {
                problems.push(format!(
                    "body sent as {content_type:?}, not application/json"
                ));
            }
            let schema = json!({
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "allOf": [json_body_schema],
                "components": document["components"],
            });
            let validator =
                jsonschema::draft202012::new(&schema).expect("request body schemas compile");
            for error in validator.iter_errors(body) {
                problems.push(format!("body {error} at {}", error.instance_path));
            }
        }
        (true, None) => {
            if definition["requestBody"]["required"] == true {
                problems.push("the required JSON body is missing".to_owned());
            }
        }
        (false, Some(body)) => {
            // TODO(openapi): the document declares no body for product
            // creation and update. The stand-in accepts the fields of the
            // Product resource there, and no body anywhere else.
            let resource = resource_properties(document, definition);
            match (body.as_object(), resource) {
                (Some(object), Some(properties)) if operation.template.contains("/products") => {
                    for key in object.keys() {
                        if key == "id" || !properties.contains(key) {
                            problems.push(format!("body property {key} is not a product field"));
                        }
                    }
                }
                _ => problems.push("a body was sent but the document declares none".to_owned()),
            }
        }
        (false, None) => {}
    }
    problems
}

/// Returns the property names of the operation's 200 response object.
fn resource_properties(document: &Value, definition: &Value) -> Option<Vec<String>> {
    let schema = &definition["responses"]["200"]["content"]["application/json"]["schema"];
    let schema = resolve(document, schema);
    Some(schema["properties"].as_object()?.keys().cloned().collect())
}

/// Follows a `$ref` into the document's components.
fn resolve(document: &Value, value: &Value) -> Value {
    match value["$ref"].as_str() {
        Some(reference) => {
            let pointer = reference.trim_start_matches('#');
            let target = document.pointer(pointer).cloned().unwrap_or(Value::Null);
            resolve(document, &target)
        }
        None => value.clone(),
    }
}

/// Checks one path or query value, sent as text, against its schema.
fn check_scalar(
    document: &Value,
    name: &str,
    schema: &Value,
    value: &str,
    problems: &mut Vec<String>,
) {
    let schema = resolve(document, schema);
    let types: Vec<&str> = match &schema["type"] {
        Value::String(kind) => vec![kind.as_str()],
        Value::Array(kinds) => kinds.iter().filter_map(Value::as_str).collect(),
        _ => vec!["string"],
    };
    if types.contains(&"integer") {
        match value.parse::<i64>() {
            Ok(number) => {
                if schema["minimum"]
                    .as_i64()
                    .is_some_and(|minimum| number < minimum)
                {
                    problems.push(format!("{name}={value} is below the minimum"));
                }
                if schema["maximum"]
                    .as_i64()
                    .is_some_and(|maximum| number > maximum)
                {
                    problems.push(format!("{name}={value} is above the maximum"));
                }
            }
            Err(_) => problems.push(format!("{name}={value:?} is not an integer")),
        }
        return;
    }
    if let Some(values) = schema["enum"].as_array()
        && !values.iter().any(|allowed| allowed == value)
    {
        problems.push(format!(
            "{name}={value:?} is not one of {}",
            Value::Array(values.clone())
        ));
    }
    if schema["format"] == "date" && !is_date(value) {
        problems.push(format!("{name}={value:?} is not a YYYY-MM-DD date"));
    }
    if schema["format"] == "uuid" && !is_uuid(value) {
        problems.push(format!("{name}={value:?} is not a UUID"));
    }
    let length = value.chars().count() as u64;
    if schema["minLength"]
        .as_u64()
        .is_some_and(|minimum| length < minimum)
        || schema["maxLength"]
            .as_u64()
            .is_some_and(|maximum| length > maximum)
    {
        problems.push(format!("{name}={value:?} has the wrong length"));
    }
}

fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(index, byte)| index == 4 || index == 7 || byte.is_ascii_digit())
}

fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.iter().map(|group| group.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && groups
            .iter()
            .all(|group| group.chars().all(|c| c.is_ascii_hexdigit()))
}

fn json_response(status: u16, body: &Value) -> http::Response<Full<Bytes>> {
    http::Response::builder()
        .status(status)
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap()
}
