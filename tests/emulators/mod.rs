//! Access to the AWS emulators the AWS tests run against: DynamoDB Local and
//! moto's Secrets Manager, both on 127.0.0.1. `scripts/test.sh` starts them
//! and sets the variables below; a test run without them fails and says how
//! to start them.

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
