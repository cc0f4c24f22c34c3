//! A stand-in for the NeonPanel API on a loopback port. It serves the
//! operations behind the tools from JSON fixtures, accepts only the test IAT,
//! records every request it receives, and can be set to fail an operation.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::Full;
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

/// A NeonPanel operation the stand-in serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operation {
    ListCompanies,
    ListInventoryItems,
    InventoryBalances,
    ListWarehouses,
    WarehouseBalances,
    RevenueAndCogs,
}

impl Operation {
    /// Every operation, in fixture order.
    pub const ALL: [Operation; 6] = [
        Operation::ListCompanies,
        Operation::ListInventoryItems,
        Operation::InventoryBalances,
        Operation::ListWarehouses,
        Operation::WarehouseBalances,
        Operation::RevenueAndCogs,
    ];

    /// Returns the 200 response body, from `tests/fixtures/neonpanel/`.
    pub fn fixture(self) -> Value {
        let text = match self {
            Operation::ListCompanies => include_str!("../fixtures/neonpanel/list_companies.json"),
            Operation::ListInventoryItems => {
                include_str!("../fixtures/neonpanel/list_inventory_items.json")
            }
            Operation::InventoryBalances => {
                include_str!("../fixtures/neonpanel/inventory_balances.json")
            }
            Operation::ListWarehouses => include_str!("../fixtures/neonpanel/list_warehouses.json"),
            Operation::WarehouseBalances => {
                include_str!("../fixtures/neonpanel/warehouse_balances.json")
            }
            Operation::RevenueAndCogs => {
                include_str!("../fixtures/neonpanel/revenue_and_cogs.json")
            }
        };
        serde_json::from_str(text).expect("fixtures are valid JSON")
    }

    /// Returns the fixture file name.
    pub fn fixture_name(self) -> &'static str {
        match self {
            Operation::ListCompanies => "list_companies.json",
            Operation::ListInventoryItems => "list_inventory_items.json",
            Operation::InventoryBalances => "inventory_balances.json",
            Operation::ListWarehouses => "list_warehouses.json",
            Operation::WarehouseBalances => "warehouse_balances.json",
            Operation::RevenueAndCogs => "revenue_and_cogs.json",
        }
    }

    /// Returns the OpenAPI path template of the operation.
    pub fn path_template(self) -> &'static str {
        match self {
            Operation::ListCompanies => "/api/v1/companies",
            Operation::ListInventoryItems => "/api/v1/companies/{companyUuid}/inventory-items",
            Operation::InventoryBalances => {
                "/api/v1/companies/{companyUuid}/inventory-items/{inventoryId}/balances"
            }
            Operation::ListWarehouses => "/api/v1/companies/{companyUuid}/warehouses",
            Operation::WarehouseBalances => {
                "/api/v1/companies/{companyUuid}/warehouses/{warehouseUuid}/balances"
            }
            Operation::RevenueAndCogs => "/api/v1/revenue-and-cogs",
        }
    }
}

/// One request the stand-in received.
#[derive(Clone, Debug)]
pub struct SeenRequest {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub authorization: Option<String>,
    pub accept: Option<String>,
}

#[derive(Default)]
struct State {
    seen: Vec<SeenRequest>,
    failures: HashMap<Operation, (u16, Value)>,
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
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State::default()));
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
                        async move { Ok::<_, Infallible>(respond(&state, request)) }
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
        self.state
            .lock()
            .unwrap()
            .failures
            .insert(operation, (status, body));
    }

    /// Returns every request received so far, oldest first.
    pub fn requests(&self) -> Vec<SeenRequest> {
        self.state.lock().unwrap().seen.clone()
    }
}

impl Drop for NeonPanelStandIn {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

fn respond(state: &Mutex<State>, request: http::Request<Incoming>) -> http::Response<Full<Bytes>> {
    let header = |name: http::header::HeaderName| {
        request
            .headers()
            .get(name)
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
    };
    let seen = SeenRequest {
        method: request.method().to_string(),
        path: request.uri().path().to_owned(),
        query: request.uri().query().map(str::to_owned),
        authorization: header(http::header::AUTHORIZATION),
        accept: header(http::header::ACCEPT),
    };
    let mut state = state.lock().unwrap();
    state.seen.push(seen.clone());

    let expected = format!("Bearer {TEST_IAT}");
    if seen.authorization.as_deref() != Some(expected.as_str()) {
        return json_response(401, &json!({ "message": "Unauthenticated." }));
    }
    if seen.method != "GET" {
        return json_response(
            405,
            &json!({ "message": "The method is not supported for this route." }),
        );
    }

    let segments: Vec<&str> = seen.path.split('/').filter(|s| !s.is_empty()).collect();
    let (operation, company) = match segments.as_slice() {
        ["api", "v1", "companies"] => (Operation::ListCompanies, None),
        ["api", "v1", "revenue-and-cogs"] => (Operation::RevenueAndCogs, None),
        ["api", "v1", "companies", company, "inventory-items"] => {
            (Operation::ListInventoryItems, Some(*company))
        }
        [
            "api",
            "v1",
            "companies",
            company,
            "inventory-items",
            _,
            "balances",
        ] => (Operation::InventoryBalances, Some(*company)),
        ["api", "v1", "companies", company, "warehouses"] => {
            (Operation::ListWarehouses, Some(*company))
        }
        [
            "api",
            "v1",
            "companies",
            company,
            "warehouses",
            _,
            "balances",
        ] => (Operation::WarehouseBalances, Some(*company)),
        _ => return json_response(404, &json!({ "message": "Not Found" })),
    };

    if let Some((status, body)) = state.failures.get(&operation) {
        return json_response(*status, body);
    }
    if company.is_some_and(|company| company != COMPANY_UUID) {
        return json_response(403, &json!({ "message": "This action is unauthorized." }));
    }
    json_response(200, &operation.fixture())
}

fn json_response(status: u16, body: &Value) -> http::Response<Full<Bytes>> {
    http::Response::builder()
        .status(status)
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap()
}
