//! Durable records of the authorization server: registered clients,
//! authorization codes and refresh tokens.
//!
//! The store handles records and has no notion of OAuth. Every operation maps onto one atomic
//! DynamoDB request (a conditional put, a conditional delete returning the old
//! item, a conditional update), so the embedded store and the DynamoDB store
//! give the same guarantees:
//!
//! - [`Store::create`] writes only when no live record has the key;
//! - [`Store::take`] returns a record and deletes it in one step, so two
//!   concurrent redemptions of one code cannot both succeed;
//! - [`Store::replace`] is a compare-and-swap on the record's version;
//! - every read compares `expires_at` with the clock, because DynamoDB's TTL
//!   deletes expired items lazily, sometimes days late.

mod embedded;

pub use embedded::EmbeddedStore;

use async_trait::async_trait;

/// The kinds of record, each its own key space.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Collection {
    /// Registered OAuth clients, keyed by `client_id`.
    Clients,
    /// Authorization codes, keyed by the SHA-256 of the code.
    AuthorizationCodes,
    /// Refresh tokens, keyed by the SHA-256 of the token.
    RefreshTokens,
}

impl Collection {
    /// The prefix that separates this collection's keys from the others.
    pub fn prefix(self) -> &'static str {
        match self {
            Self::Clients => "client",
            Self::AuthorizationCodes => "code",
            Self::RefreshTokens => "refresh",
        }
    }
}

/// A stored record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// Opaque payload, JSON in practice.
    pub value: Vec<u8>,
    /// Seconds since the Unix epoch after which the record no longer exists.
    pub expires_at: Option<u64>,
    /// Incremented by every [`Store::replace`]; starts at 1.
    pub version: u64,
}

/// Outcome of [`Store::create`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Created {
    /// The record was written.
    Written,
    /// A live record already has this key; nothing was written.
    AlreadyExists,
}

/// Outcome of [`Store::replace`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Replaced {
    /// The record had the expected version and now contains the new value.
    Written,
    /// The record is absent, expired or at another version; nothing was written.
    Conflict,
}

/// Failures of the storage backend. None of them means "not found".
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The backend is unreachable, throttled or failing; the request may be
    /// retried later. Endpoints respond with 503 and `Retry-After`.
    #[error("storage is unavailable: {0}")]
    Unavailable(String),
    /// A stored record could not be decoded.
    #[error("stored record is corrupt: {0}")]
    Corrupt(String),
}

/// Atomic record operations. Implementations check expiry on every read.
#[async_trait]
pub trait Store: Send + Sync + std::fmt::Debug {
    /// Writes a record unless a live one already has the key. An expired
    /// record with the same key is overwritten.
    async fn create(
        &self,
        collection: Collection,
        key: &str,
        value: Vec<u8>,
        expires_at: Option<u64>,
    ) -> Result<Created, StoreError>;

    /// Reads a live record.
    async fn get(&self, collection: Collection, key: &str) -> Result<Option<Record>, StoreError>;

    /// Deletes a record and returns it if it was live, in one atomic step.
    /// Of several concurrent calls for one key, at most one returns `Some`.
    async fn take(&self, collection: Collection, key: &str) -> Result<Option<Record>, StoreError>;

    /// Replaces a live record whose version is `expected_version`, bumping
    /// the version.
    async fn replace(
        &self,
        collection: Collection,
        key: &str,
        expected_version: u64,
        value: Vec<u8>,
        expires_at: Option<u64>,
    ) -> Result<Replaced, StoreError>;

    /// Deletes a record if present.
    async fn delete(&self, collection: Collection, key: &str) -> Result<(), StoreError>;
}

/// A suite every [`Store`] implementation must pass, shared by the embedded
/// store's unit tests and the DynamoDB store's integration tests.
#[doc(hidden)]
pub mod conformance {
    use std::sync::Arc;

    use super::*;
    use crate::clock::Clock;

    /// Runs every check against a store whose clock is `clock`.
    pub async fn run_all(store: Arc<dyn Store>, clock: &dyn Clock) {
        create_is_exclusive(store.as_ref(), clock).await;
        expired_record_is_invisible(store.as_ref(), clock).await;
        take_returns_record_once(store.as_ref(), clock).await;
        concurrent_takes_succeed_once(store.clone(), clock).await;
        replace_checks_version(store.as_ref(), clock).await;
        concurrent_replaces_succeed_once(store.clone(), clock).await;
        collections_are_separate(store.as_ref(), clock).await;
    }

    fn unique(name: &str) -> String {
        format!("{name}-{}", crate::secret::random_token())
    }

    async fn create_is_exclusive(store: &dyn Store, clock: &dyn Clock) {
        let key = unique("create");
        let later = Some(clock.now() + 60);
        let first = store
            .create(Collection::Clients, &key, b"one".to_vec(), later)
            .await;
        assert_eq!(first.unwrap(), Created::Written);
        let second = store
            .create(Collection::Clients, &key, b"two".to_vec(), later)
            .await;
        assert_eq!(second.unwrap(), Created::AlreadyExists);
        let record = store.get(Collection::Clients, &key).await.unwrap().unwrap();
        assert_eq!(record.value, b"one");
        assert_eq!(record.version, 1);
    }

    async fn expired_record_is_invisible(store: &dyn Store, clock: &dyn Clock) {
        let key = unique("expired");
        let past = Some(clock.now() - 1);
        store
            .create(Collection::AuthorizationCodes, &key, b"old".to_vec(), past)
            .await
            .unwrap();
        assert!(
            store
                .get(Collection::AuthorizationCodes, &key)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            store
                .take(Collection::AuthorizationCodes, &key)
                .await
                .unwrap()
                .is_none()
        );
        let replaced = store
            .replace(
                Collection::AuthorizationCodes,
                &key,
                1,
                b"new".to_vec(),
                None,
            )
            .await
            .unwrap();
        assert_eq!(replaced, Replaced::Conflict);
        let recreated = store
            .create(
                Collection::AuthorizationCodes,
                &key,
                b"fresh".to_vec(),
                None,
            )
            .await
            .unwrap();
        assert_eq!(recreated, Created::Written);
    }

    async fn take_returns_record_once(store: &dyn Store, clock: &dyn Clock) {
        let key = unique("take");
        store
            .create(
                Collection::AuthorizationCodes,
                &key,
                b"code".to_vec(),
                Some(clock.now() + 60),
            )
            .await
            .unwrap();
        let taken = store
            .take(Collection::AuthorizationCodes, &key)
            .await
            .unwrap();
        assert_eq!(taken.unwrap().value, b"code");
        assert!(
            store
                .take(Collection::AuthorizationCodes, &key)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            store
                .get(Collection::AuthorizationCodes, &key)
                .await
                .unwrap()
                .is_none()
        );
    }

    async fn concurrent_takes_succeed_once(store: Arc<dyn Store>, clock: &dyn Clock) {
        let key = unique("race");
        store
            .create(
                Collection::AuthorizationCodes,
                &key,
                b"code".to_vec(),
                Some(clock.now() + 60),
            )
            .await
            .unwrap();
        let mut tasks = Vec::new();
        for _ in 0..50 {
            let store = store.clone();
            let key = key.clone();
            tasks.push(tokio::spawn(async move {
                store.take(Collection::AuthorizationCodes, &key).await
            }));
        }
        let mut successes = 0;
        for task in tasks {
            if task.await.unwrap().unwrap().is_some() {
                successes += 1;
            }
        }
        assert_eq!(
            successes, 1,
            "exactly one of 50 concurrent takes must succeed"
        );
    }

    async fn replace_checks_version(store: &dyn Store, clock: &dyn Clock) {
        let key = unique("replace");
        let later = Some(clock.now() + 60);
        store
            .create(Collection::RefreshTokens, &key, b"v1".to_vec(), later)
            .await
            .unwrap();
        let stale = store
            .replace(Collection::RefreshTokens, &key, 7, b"x".to_vec(), later)
            .await
            .unwrap();
        assert_eq!(stale, Replaced::Conflict);
        let fresh = store
            .replace(Collection::RefreshTokens, &key, 1, b"v2".to_vec(), later)
            .await
            .unwrap();
        assert_eq!(fresh, Replaced::Written);
        let record = store
            .get(Collection::RefreshTokens, &key)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(record.value, b"v2");
        assert_eq!(record.version, 2);
        let absent = store
            .replace(
                Collection::RefreshTokens,
                &unique("absent"),
                1,
                b"x".to_vec(),
                later,
            )
            .await
            .unwrap();
        assert_eq!(absent, Replaced::Conflict);
    }

    async fn concurrent_replaces_succeed_once(store: Arc<dyn Store>, clock: &dyn Clock) {
        let key = unique("cas");
        let later = Some(clock.now() + 60);
        store
            .create(Collection::RefreshTokens, &key, b"v1".to_vec(), later)
            .await
            .unwrap();
        let mut tasks = Vec::new();
        for attempt in 0..10u8 {
            let store = store.clone();
            let key = key.clone();
            tasks.push(tokio::spawn(async move {
                store
                    .replace(Collection::RefreshTokens, &key, 1, vec![attempt], later)
                    .await
            }));
        }
        let mut written = 0;
        for task in tasks {
            if task.await.unwrap().unwrap() == Replaced::Written {
                written += 1;
            }
        }
        assert_eq!(
            written, 1,
            "exactly one of 10 concurrent replaces must succeed"
        );
    }

    async fn collections_are_separate(store: &dyn Store, clock: &dyn Clock) {
        let key = unique("shared-key");
        let later = Some(clock.now() + 60);
        store
            .create(Collection::Clients, &key, b"client".to_vec(), later)
            .await
            .unwrap();
        assert!(
            store
                .get(Collection::RefreshTokens, &key)
                .await
                .unwrap()
                .is_none()
        );
        store.delete(Collection::Clients, &key).await.unwrap();
        assert!(
            store
                .get(Collection::Clients, &key)
                .await
                .unwrap()
                .is_none()
        );
    }
}
