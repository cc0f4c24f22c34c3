//! The embedded store used by the local server: one [redb] file, so records
//! survive a restart without a database server.
//!
//! redb runs one write transaction at a time, which makes `take` and
//! `replace` atomic. Its calls block on disk, so they run on Tokio's blocking
//! pool.
//!
//! [redb]: https://docs.rs/redb

use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use redb::{Database, ReadableDatabase as _, ReadableTable as _, TableDefinition};

use super::{Collection, Created, Record, Replaced, Store, StoreError};
use crate::clock::Clock;

/// One table; keys are `collection/key`.
const RECORDS: TableDefinition<&str, &[u8]> = TableDefinition::new("records");

/// Bytes before the payload: `expires_at` (0 for never) and `version`, both
/// big-endian `u64`.
const HEADER_LEN: usize = 16;

/// A [`Store`] in one redb database file, or in memory for tests.
#[derive(Clone)]
pub struct EmbeddedStore {
    database: Arc<Database>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for EmbeddedStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedStore").finish_non_exhaustive()
    }
}

impl EmbeddedStore {
    /// Opens the database file at `path`, creating it if needed.
    pub fn open(path: &Path, clock: Arc<dyn Clock>) -> Result<Self, StoreError> {
        let database = Database::create(path).map_err(|error| {
            StoreError::Unavailable(format!("cannot open {}: {error}", path.display()))
        })?;
        Self::with_database(database, clock)
    }

    /// Creates a store that lives in memory only.
    pub fn in_memory(clock: Arc<dyn Clock>) -> Self {
        let database = Database::builder()
            .create_with_backend(redb::backends::InMemoryBackend::new())
            .expect("an in-memory redb database always opens");
        Self::with_database(database, clock).expect("an in-memory table can always be created")
    }

    fn with_database(database: Database, clock: Arc<dyn Clock>) -> Result<Self, StoreError> {
        // Creating the table up front lets read transactions open it unconditionally.
        let transaction = database.begin_write().map_err(unavailable)?;
        transaction.open_table(RECORDS).map_err(unavailable)?;
        transaction.commit().map_err(unavailable)?;
        Ok(Self {
            database: Arc::new(database),
            clock,
        })
    }

    /// Runs a blocking database closure on the blocking thread pool.
    async fn run<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Database, u64) -> Result<T, StoreError> + Send + 'static,
    {
        let database = self.database.clone();
        let now = self.clock.now();
        tokio::task::spawn_blocking(move || work(&database, now))
            .await
            .map_err(|error| StoreError::Unavailable(format!("storage task failed: {error}")))?
    }
}

#[async_trait]
impl Store for EmbeddedStore {
    async fn create(
        &self,
        collection: Collection,
        key: &str,
        value: Vec<u8>,
        expires_at: Option<u64>,
    ) -> Result<Created, StoreError> {
        let key = full_key(collection, key);
        self.run(move |database, now| {
            let transaction = database.begin_write().map_err(unavailable)?;
            let created = {
                let mut table = transaction.open_table(RECORDS).map_err(unavailable)?;
                let live = match table.get(key.as_str()).map_err(unavailable)? {
                    Some(bytes) => decode(bytes.value())?.is_live(now),
                    None => false,
                };
                if live {
                    Created::AlreadyExists
                } else {
                    let encoded = encode(&value, expires_at, 1);
                    table
                        .insert(key.as_str(), encoded.as_slice())
                        .map_err(unavailable)?;
                    Created::Written
                }
            };
            transaction.commit().map_err(unavailable)?;
            Ok(created)
        })
        .await
    }

    async fn get(&self, collection: Collection, key: &str) -> Result<Option<Record>, StoreError> {
        let key = full_key(collection, key);
        self.run(move |database, now| {
            let transaction = database.begin_read().map_err(unavailable)?;
            let table = transaction.open_table(RECORDS).map_err(unavailable)?;
            let Some(bytes) = table.get(key.as_str()).map_err(unavailable)? else {
                return Ok(None);
            };
            let record = decode(bytes.value())?;
            Ok(record.is_live(now).then_some(record))
        })
        .await
    }

    async fn take(&self, collection: Collection, key: &str) -> Result<Option<Record>, StoreError> {
        let key = full_key(collection, key);
        self.run(move |database, now| {
            let transaction = database.begin_write().map_err(unavailable)?;
            let removed = {
                let mut table = transaction.open_table(RECORDS).map_err(unavailable)?;
                let removed = table.remove(key.as_str()).map_err(unavailable)?;
                match removed {
                    Some(bytes) => Some(decode(bytes.value())?),
                    None => None,
                }
            };
            transaction.commit().map_err(unavailable)?;
            Ok(removed.filter(|record| record.is_live(now)))
        })
        .await
    }

    async fn replace(
        &self,
        collection: Collection,
        key: &str,
        expected_version: u64,
        value: Vec<u8>,
        expires_at: Option<u64>,
    ) -> Result<Replaced, StoreError> {
        let key = full_key(collection, key);
        self.run(move |database, now| {
            let transaction = database.begin_write().map_err(unavailable)?;
            let replaced = {
                let mut table = transaction.open_table(RECORDS).map_err(unavailable)?;
                let current = match table.get(key.as_str()).map_err(unavailable)? {
                    Some(bytes) => Some(decode(bytes.value())?),
                    None => None,
                };
                match current {
                    Some(record) if record.is_live(now) && record.version == expected_version => {
                        let encoded = encode(&value, expires_at, expected_version + 1);
                        table
                            .insert(key.as_str(), encoded.as_slice())
                            .map_err(unavailable)?;
                        Replaced::Written
                    }
                    _ => Replaced::Conflict,
                }
            };
            transaction.commit().map_err(unavailable)?;
            Ok(replaced)
        })
        .await
    }

    async fn delete(&self, collection: Collection, key: &str) -> Result<(), StoreError> {
        let key = full_key(collection, key);
        self.run(move |database, _now| {
            let transaction = database.begin_write().map_err(unavailable)?;
            {
                let mut table = transaction.open_table(RECORDS).map_err(unavailable)?;
                table.remove(key.as_str()).map_err(unavailable)?;
            }
            transaction.commit().map_err(unavailable)?;
            Ok(())
        })
        .await
    }
}

impl Record {
    /// Whether the record has not expired at `now`.
    pub fn is_live(&self, now: u64) -> bool {
        self.expires_at.is_none_or(|expires_at| now < expires_at)
    }
}

fn full_key(collection: Collection, key: &str) -> String {
    format!("{}/{key}", collection.prefix())
}

fn encode(value: &[u8], expires_at: Option<u64>, version: u64) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(HEADER_LEN + value.len());
    bytes.extend_from_slice(&expires_at.unwrap_or(0).to_be_bytes());
    bytes.extend_from_slice(&version.to_be_bytes());
    bytes.extend_from_slice(value);
    bytes
}

fn decode(bytes: &[u8]) -> Result<Record, StoreError> {
    if bytes.len() < HEADER_LEN {
        return Err(StoreError::Corrupt(format!(
            "record of {} bytes is shorter than its header",
            bytes.len()
        )));
    }
    let (header, value) = bytes.split_at(HEADER_LEN);
    let expires_at = u64::from_be_bytes(header[..8].try_into().expect("header slice is 8 bytes"));
    let version = u64::from_be_bytes(header[8..].try_into().expect("header slice is 8 bytes"));
    Ok(Record {
        value: value.to_vec(),
        expires_at: (expires_at != 0).then_some(expires_at),
        version,
    })
}

fn unavailable(error: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{ManualClock, SystemClock};
    use crate::store::conformance;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn in_memory_store_passes_conformance_suite() {
        let clock = Arc::new(SystemClock);
        let store = Arc::new(EmbeddedStore::in_memory(clock.clone()));
        conformance::run_all(store, clock.as_ref()).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn file_store_passes_conformance_suite() {
        let folder = tempfile::tempdir().unwrap();
        let clock = Arc::new(SystemClock);
        let store = EmbeddedStore::open(&folder.path().join("store.redb"), clock.clone()).unwrap();
        conformance::run_all(Arc::new(store), clock.as_ref()).await;
    }

    #[tokio::test]
    async fn records_survive_reopen() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("store.redb");
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        {
            let store = EmbeddedStore::open(&path, clock.clone()).unwrap();
            store
                .create(Collection::Clients, "abc", b"client".to_vec(), None)
                .await
                .unwrap();
        }
        let reopened = EmbeddedStore::open(&path, clock).unwrap();
        let record = reopened.get(Collection::Clients, "abc").await.unwrap();
        assert_eq!(record.unwrap().value, b"client");
    }

    #[tokio::test]
    async fn record_expires_when_clock_passes_expiry() {
        let clock = ManualClock::new();
        let store = EmbeddedStore::in_memory(clock.clone());
        let expires_at = Some(clock.now() + 10);
        store
            .create(
                Collection::RefreshTokens,
                "r",
                b"token".to_vec(),
                expires_at,
            )
            .await
            .unwrap();
        assert!(
            store
                .get(Collection::RefreshTokens, "r")
                .await
                .unwrap()
                .is_some()
        );
        clock.advance(10);
        assert!(
            store
                .get(Collection::RefreshTokens, "r")
                .await
                .unwrap()
                .is_none()
        );
    }
}
