//! The DynamoDB store against DynamoDB Local: the shared store suite, expiry
//! of records that TTL has not deleted yet, and failures as 503.

mod emulators;

use std::sync::Arc;

use aws_sdk_dynamodb::types::AttributeValue;
use neonpanel_mcp::aws::dynamodb::DynamoDbStore;
use neonpanel_mcp::clock::{Clock, ManualClock};
use neonpanel_mcp::store::{Collection, Created, Store, StoreError, conformance};

async fn store_on_new_table() -> (DynamoDbStore, Arc<ManualClock>, aws_sdk_dynamodb::Client) {
    let client = emulators::dynamodb_client().await;
    let table = emulators::create_table(&client, "conformance").await;
    let clock = ManualClock::new();
    let store = DynamoDbStore::new(client.clone(), table, clock.clone());
    (store, clock, client)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamodb_store_passes_store_suite() {
    let (store, clock, _) = store_on_new_table().await;
    conformance::run_all(Arc::new(store), clock.as_ref()).await;
}

#[tokio::test]
async fn expired_item_still_present_is_refused() {
    let (store, clock, client) = store_on_new_table().await;
    let expires_at = clock.now() + 30;
    let created = store
        .create(
            Collection::AuthorizationCodes,
            "code-hash",
            b"grant".to_vec(),
            Some(expires_at),
        )
        .await
        .unwrap();
    assert_eq!(created, Created::Written);

    clock.advance(31);

    // TTL has not deleted the item: it is still in the table.
    let raw = client
        .get_item()
        .table_name(store.table())
        .key("pk", AttributeValue::S("code#code-hash".to_owned()))
        .send()
        .await
        .unwrap();
    let item = raw.item().expect("the expired item is still stored");
    assert_eq!(
        item.get("expires_at"),
        Some(&AttributeValue::N(expires_at.to_string()))
    );

    assert!(
        store
            .get(Collection::AuthorizationCodes, "code-hash")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .take(Collection::AuthorizationCodes, "code-hash")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn record_without_expiry_has_no_ttl_attribute() {
    let (store, _, client) = store_on_new_table().await;
    store
        .create(Collection::Clients, "client-1", b"{}".to_vec(), None)
        .await
        .unwrap();
    let raw = client
        .get_item()
        .table_name(store.table())
        .key("pk", AttributeValue::S("client#client-1".to_owned()))
        .send()
        .await
        .unwrap();
    let item = raw.item().unwrap();
    assert!(!item.contains_key("expires_at"));
    assert_eq!(
        item.get("version"),
        Some(&AttributeValue::N("1".to_owned()))
    );
}

#[tokio::test]
async fn missing_table_is_unavailable() {
    let client = emulators::dynamodb_client().await;
    let store = DynamoDbStore::new(client, "no-such-table", ManualClock::new());
    let error = store.get(Collection::Clients, "x").await.unwrap_err();
    assert!(matches!(error, StoreError::Unavailable(_)), "{error:?}");
    let error = store
        .create(Collection::Clients, "x", b"v".to_vec(), None)
        .await
        .unwrap_err();
    assert!(matches!(error, StoreError::Unavailable(_)), "{error:?}");
}

#[tokio::test]
async fn unreachable_endpoint_is_unavailable() {
    // Port 9 (discard) on loopback: nothing listens, so the call fails fast.
    let config = emulators::sdk_config("http://127.0.0.1:9").await;
    let config = aws_sdk_dynamodb::config::Builder::from(&config)
        .retry_config(aws_sdk_dynamodb::config::retry::RetryConfig::disabled())
        .build();
    let client = aws_sdk_dynamodb::Client::from_conf(config);
    let store = DynamoDbStore::new(client, "table", ManualClock::new());
    let error = store
        .take(Collection::AuthorizationCodes, "x")
        .await
        .unwrap_err();
    assert!(matches!(error, StoreError::Unavailable(_)), "{error:?}");
}
