//! The server without a socket: an [`App`] over any store, called with
//! `http` requests, and a store wrapper that counts storage calls so tests
//! can check per-request storage budgets and that bad input writes nothing.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;
use bytes::Bytes;
use neonpanel_mcp::app::App;
use neonpanel_mcp::clock::Clock;
use neonpanel_mcp::config::{Config, PublicUrls, Secrets, SigningKey};
use neonpanel_mcp::secret::{AccessCode, Iat, KeyBytes};
use neonpanel_mcp::store::{Collection, Created, Record, Replaced, Store, StoreError};

use super::{TEST_ACCESS_CODE, TEST_IAT};

/// Public URL of in-process apps; nothing listens there.
pub const PUBLIC_URL: &str = "http://127.0.0.1:8787";

/// Builds an app over `store`, signing with `signing_key`.
pub fn app(store: Arc<dyn Store>, clock: Arc<dyn Clock>, signing_key: KeyBytes) -> App {
    let mut config = Config::new(PublicUrls::parse("public URL", PUBLIC_URL).unwrap());
    config.neonpanel.base_url = "http://127.0.0.1:9".parse().unwrap();
    let secrets = Secrets {
        iat: Iat::new(TEST_IAT),
        current_signing_key: SigningKey {
            kid: "test-key".to_owned(),
            secret: signing_key,
        },
        previous_signing_key: None,
        access_codes: vec![AccessCode::new(TEST_ACCESS_CODE)],
        iat_loader: None,
    };
    App::new(&config, secrets, store, clock).unwrap()
}

/// Builds a request for [`App::handle`].
pub fn request(
    method: &str,
    path_and_query: &str,
    headers: &[(&str, &str)],
    body: impl Into<Bytes>,
) -> http::Request<Bytes> {
    let mut builder = http::Request::builder()
        .method(method)
        .uri(format!("{PUBLIC_URL}{path_and_query}"));
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(body.into()).unwrap()
}

/// A store that counts calls and writes before passing them on.
#[derive(Debug)]
pub struct CountingStore {
    inner: Arc<dyn Store>,
    calls: AtomicUsize,
    writes: AtomicUsize,
}

impl CountingStore {
    /// Wraps `inner`.
    pub fn new(inner: Arc<dyn Store>) -> Arc<Self> {
        Arc::new(Self {
            inner,
            calls: AtomicUsize::new(0),
            writes: AtomicUsize::new(0),
        })
    }

    /// Storage calls since the last reset.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    /// Calls that may change stored state (create, take, replace, delete)
    /// since the last reset.
    pub fn writes(&self) -> usize {
        self.writes.load(Ordering::SeqCst)
    }

    /// Sets both counters to zero.
    pub fn reset(&self) {
        self.calls.store(0, Ordering::SeqCst);
        self.writes.store(0, Ordering::SeqCst);
    }

    fn count(&self, is_write: bool) {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if is_write {
            self.writes.fetch_add(1, Ordering::SeqCst);
        }
    }
}

#[async_trait]
impl Store for CountingStore {
    async fn create(
        &self,
        collection: Collection,
        key: &str,
        value: Vec<u8>,
        expires_at: Option<u64>,
    ) -> Result<Created, StoreError> {
        self.count(true);
        self.inner.create(collection, key, value, expires_at).await
    }

    async fn get(&self, collection: Collection, key: &str) -> Result<Option<Record>, StoreError> {
        self.count(false);
        self.inner.get(collection, key).await
    }

    async fn take(&self, collection: Collection, key: &str) -> Result<Option<Record>, StoreError> {
        self.count(true);
        self.inner.take(collection, key).await
    }

    async fn replace(
        &self,
        collection: Collection,
        key: &str,
        expected_version: u64,
        value: Vec<u8>,
        expires_at: Option<u64>,
    ) -> Result<Replaced, StoreError> {
        self.count(true);
        self.inner
            .replace(collection, key, expected_version, value, expires_at)
            .await
    }

    async fn delete(&self, collection: Collection, key: &str) -> Result<(), StoreError> {
        self.count(true);
        self.inner.delete(collection, key).await
    }
}
