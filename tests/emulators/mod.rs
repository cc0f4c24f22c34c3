//! Access to the AWS emulators the AWS tests run against: DynamoDB Local and
//! moto's Secrets Manager, both on 127.0.0.1. `scripts/test.sh` starts them
//! and sets the variables below. A test run without them fails with a
//! message on how to start them.

#![allow(
    dead_code,
    reason = "each test file uses a different part of this module"
)]

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
};

/// DynamoDB Local's `http://127.0.0.1:PORT`.
pub const DYNAMODB_ENDPOINT_VAR: &str = "NEONPANEL_TEST_DYNAMODB_ENDPOINT";
/// moto server's `http://127.0.0.1:PORT`.
pub const MOTO_ENDPOINT_VAR: &str = "NEONPANEL_TEST_MOTO_ENDPOINT";
/// The region every emulated client uses.
pub const REGION: &str = "us-east-1";

/// Returns the endpoint in `var`, or fails the test with how to start it.
pub fn endpoint(var: &str) -> String {
    match std::env::var(var) {
        Ok(value) if value.starts_with("http://127.0.0.1:") => value,
        Ok(value) => panic!("{var} must be an http://127.0.0.1:PORT URL, not {value:?}"),
        Err(_) => panic!(
            "{var} is not set: run the tests with `bash scripts/test.sh`, which starts \
             DynamoDB Local and moto on 127.0.0.1 and sets it"
        ),
    }
}

/// An SDK configuration that reaches only the emulator at `endpoint`, with
/// fake static credentials and a fixed region.
pub async fn sdk_config(endpoint: &str) -> SdkConfig {
    let credentials =
        aws_sdk_dynamodb::config::Credentials::new("test", "test", None, None, "emulator");
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .endpoint_url(endpoint)
        .credentials_provider(credentials)
        .load()
        .await
}

/// A DynamoDB client for DynamoDB Local.
pub async fn dynamodb_client() -> aws_sdk_dynamodb::Client {
    aws_sdk_dynamodb::Client::new(&sdk_config(&endpoint(DYNAMODB_ENDPOINT_VAR)).await)
}

/// A Secrets Manager client for moto.
pub async fn secrets_client() -> aws_sdk_secretsmanager::Client {
    aws_sdk_secretsmanager::Client::new(&sdk_config(&endpoint(MOTO_ENDPOINT_VAR)).await)
}

/// Creates a table shaped as `template.yaml` declares it, under a fresh
/// name, and returns the name.
pub async fn create_table(client: &aws_sdk_dynamodb::Client, prefix: &str) -> String {
    let name = format!("{prefix}-{}", unique_suffix());
    client
        .create_table()
        .table_name(&name)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("pk")
                .attribute_type(ScalarAttributeType::S)
                .build()
                .unwrap(),
        )
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name("pk")
                .key_type(KeyType::Hash)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap_or_else(|error| {
            panic!(
                "cannot create table {name} in DynamoDB Local: {}",
                aws_sdk_dynamodb::error::DisplayErrorContext(&error)
            )
        });
    name
}

/// A suffix that keeps names of concurrent tests apart.
pub fn unique_suffix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{nanos:x}{:04x}", rand_u16())
}

fn rand_u16() -> u16 {
    use std::sync::atomic::{AtomicU16, Ordering};
    static COUNTER: AtomicU16 = AtomicU16::new(0);
    COUNTER.fetch_add(1, Ordering::Relaxed)
}

/// The `execute-api` domain of the test events.
pub const EXECUTE_API_DOMAIN: &str = "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com";

/// Builds an API Gateway HTTP API (payload format 2.0) event on the `$default`
/// stage, as API Gateway sends it to the function.
pub fn http_api_event(
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> serde_json::Value {
    let mut header_map = serde_json::Map::new();
    header_map.insert("host".to_owned(), EXECUTE_API_DOMAIN.into());
    for (name, value) in headers {
        header_map.insert(name.to_ascii_lowercase(), (*value).into());
    }
    serde_json::json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": header_map,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "a1b2c3d4e5",
            "domainName": EXECUTE_API_DOMAIN,
            "domainPrefix": "a1b2c3d4e5",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "198.51.100.7",
                "userAgent": "test"
            },
            "requestId": "test-request",
            "routeKey": "$default",
            "stage": "$default",
            "time": "04/Dec/2026:12:00:00 +0000",
            "timeEpoch": 1796385600000u64
        },
        "body": body,
        "isBase64Encoded": false
    })
}

/// Deserializes an event the way the `lambda_http` runtime does.
pub fn lambda_request(event: &serde_json::Value) -> lambda_http::Request {
    lambda_http::request::from_str(&event.to_string()).expect("the event deserializes")
}

/// The body of a `lambda_http` response as text.
pub fn body_text(response: &lambda_http::Response<lambda_http::Body>) -> String {
    match response.body() {
        lambda_http::Body::Empty => String::new(),
        lambda_http::Body::Text(text) => text.clone(),
        lambda_http::Body::Binary(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        _ => String::new(),
    }
}
