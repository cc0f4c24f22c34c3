//! Every event in `events/`, deserialized as the `lambda_http` runtime does
//! and served by its function's handler, with the registration, authorize
//! and token functions on DynamoDB Local.

mod emulators;

use std::path::Path;
use std::sync::Arc;

use neonpanel_mcp::aws::dynamodb::DynamoDbStore;
use neonpanel_mcp::aws::lambda::{Function, FunctionState, LambdaSettings};
use neonpanel_mcp::clock::{Clock, ManualClock};
use neonpanel_mcp::config::{Secrets, SigningKey};
use neonpanel_mcp::secret::{AccessCode, Iat, KeyBytes, hash_secret};
use neonpanel_mcp::store::Store;
use serde_json::Value;

const PUBLIC_URL: &str = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com";

/// What one event must produce.
struct Expected {
    file: &'static str,
    function: Function,
    status: u16,
    /// A check on the response headers and body text.
    check: fn(&lambda_http::Response<lambda_http::Body>, &str),
}

fn json_body(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|error| panic!("not JSON ({error}): {text}"))
}

fn header<'a>(response: &'a lambda_http::Response<lambda_http::Body>, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .unwrap()
}

const EXPECTED: &[Expected] = &[
    Expected {
        file: "metadata/get-protected-resource.json",
        function: Function::Metadata,
        status: 200,
        check: |response, text| {
            let document = json_body(text);
            assert_eq!(document["resource"], format!("{PUBLIC_URL}/mcp"));
            assert_eq!(document["authorization_servers"][0], PUBLIC_URL);
            assert_eq!(header(response, "access-control-allow-origin"), "*");
        },
    },
    Expected {
        file: "metadata/get-authorization-server.json",
        function: Function::Metadata,
        status: 200,
        check: |_, text| {
            let document = json_body(text);
            assert_eq!(document["issuer"], PUBLIC_URL);
            assert_eq!(document["token_endpoint"], format!("{PUBLIC_URL}/token"));
        },
    },
    Expected {
        file: "metadata/head-openid-configuration.json",
        function: Function::Metadata,
        status: 200,
        check: |response, text| {
            assert_eq!(text, "");
            assert_eq!(header(response, "content-type"), "application/json");
        },
    },
    Expected {
        file: "registration/post-json.json",
        function: Function::Registration,
        status: 201,
        check: |_, text| {
            let document = json_body(text);
            assert!(
                document["client_id"]
                    .as_str()
                    .is_some_and(|id| !id.is_empty())
            );
            assert_eq!(document["client_name"], "ChatGPT");
        },
    },
    Expected {
        file: "registration/post-no-content-type.json",
        function: Function::Registration,
        status: 400,
        check: |_, text| {
            assert_eq!(json_body(text)["error"], "invalid_client_metadata");
        },
    },
    Expected {
        file: "registration/options-preflight.json",
        function: Function::Registration,
        status: 204,
        check: |response, text| {
            assert_eq!(text, "");
            assert_eq!(header(response, "access-control-allow-origin"), "*");
        },
    },
    Expected {
        file: "authorize/get-query-spaces-plus.json",
        function: Function::Authorize,
        status: 400,
        check: |response, text| {
            assert!(header(response, "content-type").starts_with("text/html"));
            assert!(
                text.contains("no application is registered with this client_id"),
                "{text}"
            );
        },
    },
    Expected {
        file: "authorize/head.json",
        function: Function::Authorize,
        status: 400,
        check: |_, text| assert_eq!(text, ""),
    },
    Expected {
        file: "token/post-form-base64.json",
        function: Function::Token,
        status: 401,
        check: |_, text| assert_eq!(json_body(text)["error"], "invalid_client"),
    },
    Expected {
        file: "token/post-no-content-type.json",
        function: Function::Token,
        status: 400,
        check: |_, text| assert_eq!(json_body(text)["error"], "invalid_request"),
    },
    Expected {
        file: "token/options-preflight.json",
        function: Function::Token,
        status: 204,
        check: |response, _| {
            assert_eq!(header(response, "access-control-allow-origin"), "*");
        },
    },
    Expected {
        file: "mcp/post-initialize-no-token.json",
        function: Function::Mcp,
        status: 401,
        check: |response, _| {
            let challenge = header(response, "www-authenticate");
            assert!(
                challenge.contains(&format!(
                    "resource_metadata=\"{PUBLIC_URL}/.well-known/oauth-protected-resource/mcp\""
                )),
                "{challenge}"
            );
        },
    },
    Expected {
        file: "mcp/post-stage-v1.json",
        function: Function::Mcp,
        status: 401,
        check: |response, _| {
            assert!(header(response, "www-authenticate").starts_with("Bearer"));
        },
    },
    Expected {
        file: "mcp/get.json",
        function: Function::Mcp,
        status: 405,
        check: |_, _| {},
    },
];

async fn state_for(
    function: Function,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
) -> FunctionState {
    let settings = LambdaSettings::from_env(function, |name| match name {
        "AWS_REGION" => Some(emulators::REGION.to_owned()),
        "NEONPANEL_MCP_TABLE" => Some("events".to_owned()),
        "NEONPANEL_MCP_SECRET_ID" => Some("events".to_owned()),
        // Port 9 (discard) on loopback: no NeonPanel call can succeed.
        "NEONPANEL_API_URL" => Some("http://127.0.0.1:9".to_owned()),
        _ => None,
    })
    .unwrap();
    let secrets = Secrets {
        iat: Iat::new("np-events-iat"),
        current_signing_key: SigningKey {
            kid: "k1".to_owned(),
            secret: KeyBytes::generate(),
        },
        previous_signing_key: None,
        access_codes: vec![AccessCode::new(format!(
            "sha256:{}",
            hash_secret("events-code")
        ))],
        iat_loader: None,
    };
    let store = function.uses_table().then_some(store);
    let secrets = function.uses_secret().then_some(secrets);
    FunctionState::new(function, settings, secrets, store, clock)
}

#[tokio::test]
async fn every_event_gets_expected_response() {
    let client = emulators::dynamodb_client().await;
    let table = emulators::create_table(&client, "events").await;
    let clock = ManualClock::new();
    let store: Arc<dyn Store> = Arc::new(DynamoDbStore::new(client, table, clock.clone()));

    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("events");
    let mut files: Vec<String> = Vec::new();
    for function_dir in std::fs::read_dir(&directory).unwrap() {
        let function_dir = function_dir.unwrap().path();
        for file in std::fs::read_dir(&function_dir).unwrap() {
            let file = file.unwrap().path();
            files.push(file.strip_prefix(&directory).unwrap().display().to_string());
        }
    }
    files.sort();
    let mut listed: Vec<String> = EXPECTED.iter().map(|case| case.file.to_owned()).collect();
    listed.sort();
    assert_eq!(files, listed, "every file in events/ needs an expectation");

    for case in EXPECTED {
        assert!(
            case.file.starts_with(&format!("{}/", case.function.name())),
            "{} is in the folder of another function",
            case.file
        );
        let text = std::fs::read_to_string(directory.join(case.file)).unwrap();
        let request = lambda_http::request::from_str(&text)
            .unwrap_or_else(|error| panic!("{}: {error}", case.file));
        let state = state_for(case.function, store.clone(), clock.clone()).await;
        let response = state.handle(request).await;
        let body = emulators::body_text(&response);
        assert_eq!(
            response.status().as_u16(),
            case.status,
            "{}: {body}",
            case.file
        );
        (case.check)(&response, &body);
    }
}
