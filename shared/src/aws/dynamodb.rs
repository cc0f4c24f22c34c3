//! The [`Store`] on one DynamoDB table, used by the Lambda functions.
//!
//! Table layout: partition key `pk` (string, `<collection prefix>#<key>`),
//! `value` (binary), `version` (number) and, for records that expire,
//! `expires_at` (number, seconds since the Unix epoch), which is also the
//! table's TTL attribute. TTL deletes expired items lazily, so every read and
//! every condition compares `expires_at` with the clock as well.
//!
//! Each operation is one DynamoDB request, so no record is ever half written:
//! `create` and `replace` are conditional `PutItem`s, `take` is a conditional
//! `DeleteItem` that returns the old item, and `get` is a strongly consistent
//! `GetItem`. Throttling, timeouts and service errors become
//! [`StoreError::Unavailable`], to which the endpoints respond with 503 and
//! `Retry-After`.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};

use crate::clock::Clock;
use crate::store::{Collection, Created, Record, Replaced, Store, StoreError};

/// Partition key attribute.
const PARTITION_KEY: &str = "pk";
/// Payload attribute.
const VALUE: &str = "value";
/// Version attribute, bumped by every replace.
const VERSION: &str = "version";
/// Expiry attribute, also the table's TTL attribute.
pub const EXPIRES_AT: &str = "expires_at";

/// Matches an item that contains no live record: absent, or expired at `:now`.
const NO_LIVE_RECORD: &str = "attribute_not_exists(pk) OR expires_at <= :now";
/// Matches an item that contains a live record.
const LIVE_RECORD: &str =
    "attribute_exists(pk) AND (attribute_not_exists(expires_at) OR expires_at > :now)";
/// Matches a live record at version `:expected`.
const LIVE_RECORD_AT_VERSION: &str =
    "version = :expected AND (attribute_not_exists(expires_at) OR expires_at > :now)";

/// A [`Store`] on one DynamoDB table.
#[derive(Clone, Debug)]
pub struct DynamoDbStore {
    client: Client,
    table: String,
    clock: Arc<dyn Clock>,
}

impl DynamoDbStore {
    /// Wraps a client and the table name. Makes no network call.
    pub fn new(client: Client, table: impl Into<String>, clock: Arc<dyn Clock>) -> Self {
        Self {
            client,
            table: table.into(),
            clock,
        }
    }

    /// Returns the table name.
    pub fn table(&self) -> &str {
        &self.table
    }
}

#[async_trait]
impl Store for DynamoDbStore {
    async fn create(
        &self,
        collection: Collection,
        key: &str,
        value: Vec<u8>,
        expires_at: Option<u64>,
    ) -> Result<Created, StoreError> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item(collection, key, value, expires_at, 1)))
            .condition_expression(NO_LIVE_RECORD)
            .expression_attribute_values(":now", number(self.clock.now()))
            .send()
            .await;
        match result {
            Ok(_) => Ok(Created::Written),
            Err(error) if is_condition_failure(&error) => Ok(Created::AlreadyExists),
            Err(error) => Err(unavailable("PutItem", &error)),
        }
    }

    async fn get(&self, collection: Collection, key: &str) -> Result<Option<Record>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(PARTITION_KEY, partition_key(collection, key))
            .consistent_read(true)
            .send()
            .await
            .map_err(|error| unavailable("GetItem", &error))?;
        let Some(item) = output.item() else {
            return Ok(None);
        };
        let record = decode(item)?;
        Ok(record.is_live(self.clock.now()).then_some(record))
    }

    async fn take(&self, collection: Collection, key: &str) -> Result<Option<Record>, StoreError> {
        let result = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key(PARTITION_KEY, partition_key(collection, key))
            .condition_expression(LIVE_RECORD)
            .expression_attribute_values(":now", number(self.clock.now()))
            .return_values(ReturnValue::AllOld)
            .send()
            .await;
        match result {
            Ok(output) => match output.attributes() {
                Some(item) => decode(item).map(Some),
                None => Ok(None),
            },
            Err(error) if is_condition_failure(&error) => Ok(None),
            Err(error) => Err(unavailable("DeleteItem", &error)),
        }
    }

    async fn replace(
        &self,
        collection: Collection,
        key: &str,
        expected_version: u64,
        value: Vec<u8>,
        expires_at: Option<u64>,
    ) -> Result<Replaced, StoreError> {
        let next_version = expected_version.checked_add(1).ok_or_else(|| {
            StoreError::Corrupt(format!("version {expected_version} cannot be incremented"))
        })?;
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item(collection, key, value, expires_at, next_version)))
            .condition_expression(LIVE_RECORD_AT_VERSION)
            .expression_attribute_values(":now", number(self.clock.now()))
            .expression_attribute_values(":expected", number(expected_version))
            .send()
            .await;
        match result {
            Ok(_) => Ok(Replaced::Written),
            Err(error) if is_condition_failure(&error) => Ok(Replaced::Conflict),
            Err(error) => Err(unavailable("PutItem", &error)),
        }
    }

    async fn delete(&self, collection: Collection, key: &str) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .key(PARTITION_KEY, partition_key(collection, key))
            .send()
            .await
            .map_err(|error| unavailable("DeleteItem", &error))?;
        Ok(())
    }
}

fn partition_key(collection: Collection, key: &str) -> AttributeValue {
    AttributeValue::S(format!("{}#{key}", collection.prefix()))
}

fn number(value: u64) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

fn item(
    collection: Collection,
    key: &str,
    value: Vec<u8>,
    expires_at: Option<u64>,
    version: u64,
) -> HashMap<String, AttributeValue> {
    let mut item = HashMap::from([
        (PARTITION_KEY.to_owned(), partition_key(collection, key)),
        (VALUE.to_owned(), AttributeValue::B(Blob::new(value))),
        (VERSION.to_owned(), number(version)),
    ]);
    if let Some(expires_at) = expires_at {
        item.insert(EXPIRES_AT.to_owned(), number(expires_at));
    }
    item
}

fn decode(item: &HashMap<String, AttributeValue>) -> Result<Record, StoreError> {
    let value = match item.get(VALUE) {
        Some(AttributeValue::B(blob)) => blob.as_ref().to_vec(),
        _ => return Err(StoreError::Corrupt(format!("`{VALUE}` is not binary"))),
    };
    let version = decode_number(item, VERSION)?
        .ok_or_else(|| StoreError::Corrupt(format!("`{VERSION}` is missing")))?;
    let expires_at = decode_number(item, EXPIRES_AT)?;
    Ok(Record {
        value,
        expires_at,
        version,
    })
}

fn decode_number(
    item: &HashMap<String, AttributeValue>,
    name: &str,
) -> Result<Option<u64>, StoreError> {
    match item.get(name) {
        None => Ok(None),
        Some(AttributeValue::N(text)) => text
            .parse()
            .map(Some)
            .map_err(|_| StoreError::Corrupt(format!("`{name}` is not a whole number"))),
        Some(_) => Err(StoreError::Corrupt(format!("`{name}` is not a number"))),
    }
}

fn is_condition_failure<E: ProvideErrorMetadata, R>(error: &SdkError<E, R>) -> bool {
    error
        .as_service_error()
        .is_some_and(|error| error.code() == Some("ConditionalCheckFailedException"))
}

/// Converts any other failure into [`StoreError::Unavailable`] and logs it.
/// DynamoDB error messages name attributes and the table, never item values.
fn unavailable<E, R>(operation: &'static str, error: &SdkError<E, R>) -> StoreError
where
    E: std::error::Error + ProvideErrorMetadata + 'static,
    R: std::fmt::Debug,
{
    let code = error.code().unwrap_or("none");
    tracing::warn!(
        operation,
        code,
        error = %DisplayErrorContext(error),
        "dynamodb request failed (answered as 503)"
    );
    StoreError::Unavailable(format!("dynamodb {operation} failed ({code})"))
}
