//! Test harness: the whole server in-process on a loopback port, with an
//! embedded store in a temporary folder and a clock tests can move.

#![allow(
    dead_code,
    reason = "each test file uses a different part of the harness"
)]

pub mod in_process;
pub mod neonpanel_standin;
pub mod oauth_flow;

use std::sync::Arc;

use neonpanel_mcp::app::App;
use neonpanel_mcp::clock::{Clock, ManualClock};
use std::time::Duration;

use neonpanel_mcp::config::{Config, IatLoader, McpAuth, PublicUrls, Secrets, SigningKey};
use neonpanel_mcp::jwt::AccessTokens;
use neonpanel_mcp::scope::ScopeSet;
use neonpanel_mcp::secret::{AccessCode, Iat, KeyBytes};
use neonpanel_mcp::store::{EmbeddedStore, Store};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// The IAT every test server sends to NeonPanel.
pub const TEST_IAT: &str = "np-test-iat-7f3a9c";
/// Tools in `tools/list`: one per NeonPanel API operation (59), plus
/// ChatGPT's `search` and `fetch`.
pub const TOOL_COUNT: usize = 61;
/// The consent access code of every test server.
pub const TEST_ACCESS_CODE: &str = "let-me-in-2718";

/// Options for [`TestServer::start_with`].
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// NeonPanel API base URL; defaults to a closed loopback port.
    pub neonpanel_url: Option<String>,
    /// `/mcp` authentication mode; defaults to OAuth only.
    pub mcp_auth: McpAuth,
    /// Public base URL; defaults to `http://127.0.0.1:PORT`.
    pub public_url: Option<String>,
    /// Loader that re-reads the IAT after NeonPanel returns 401; defaults to none.
    pub iat_loader: Option<Arc<dyn IatLoader>>,
    /// Whole-request timeout of one NeonPanel attempt; defaults to 30 seconds.
    pub neonpanel_timeout: Option<Duration>,
    /// Accepts client ID metadata documents served over http on loopback,
    /// through the authorization server's test-only switch.
    pub loopback_client_documents: bool,
    /// Browser origins allowed on `/mcp` besides the public one.
    pub allowed_origins: Vec<String>,
}

/// A running server.
pub struct TestServer {
    /// The server, for calling endpoints without the network.
    pub app: Arc<App>,
    /// The store behind the server.
    pub store: Arc<dyn Store>,
    /// The server's clock.
    pub clock: Arc<ManualClock>,
    /// `http://127.0.0.1:PORT`, where the server listens.
    pub base_url: String,
    /// The configured public base URL (equal to `base_url` by default).
    pub public_url: String,
    /// The key that signs this server's access tokens, for tests that build
    /// tokens with other claims.
    pub signing_key: SigningKey,
    shutdown: Option<oneshot::Sender<()>>,
    _data_dir: tempfile::TempDir,
}

impl TestServer {
    /// Starts a server with default options.
    pub async fn start() -> Self {
        Self::start_with(Options::default()).await
    }

    /// Starts a server.
    pub async fn start_with(options: Options) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let base_url = format!("http://{address}");
        let public_url = options
            .public_url
            .clone()
            .unwrap_or_else(|| base_url.clone());

        let mut config = Config::new(PublicUrls::parse("public URL", &public_url).unwrap());
        config.mcp_auth = options.mcp_auth.clone();
        config.allowed_origins = options.allowed_origins.clone();
        // Port 9 (discard) on loopback: nothing listens, so calls fail fast.
        let neonpanel_url = options
            .neonpanel_url
            .clone()
            .unwrap_or_else(|| "http://127.0.0.1:9".to_owned());
        config.neonpanel.base_url = neonpanel_url.parse().unwrap();
        // Retries keep their count but wait only milliseconds, so failure
        // tests stay fast.
        config.neonpanel.retry_delay = Duration::from_millis(2);
        config.neonpanel.max_retry_delay = Duration::from_millis(10);
        if let Some(timeout) = options.neonpanel_timeout {
            config.neonpanel.request_timeout = timeout;
        }

        let signing_key = SigningKey {
            kid: "test-key".to_owned(),
            secret: KeyBytes::generate(),
        };
        let secrets = Secrets {
            iat: Iat::new(TEST_IAT),
            current_signing_key: signing_key.clone(),
            previous_signing_key: None,
            access_codes: vec![AccessCode::new(TEST_ACCESS_CODE)],
            iat_loader: options.iat_loader.clone(),
        };
        let data_dir = tempfile::tempdir().unwrap();
        let clock = ManualClock::new();
        let store: Arc<dyn Store> = Arc::new(
            EmbeddedStore::open(&data_dir.path().join("store.redb"), clock.clone()).unwrap(),
        );
        let mut app = App::new(&config, secrets, store.clone(), clock.clone()).unwrap();
        if options.loopback_client_documents {
            app.oauth
                .allow_loopback_client_metadata_documents_for_tests();
        }
        let app = Arc::new(app);

        let (shutdown, stopped) = oneshot::channel::<()>();
        tokio::spawn(neonpanel_mcp::local::serve(listener, app.clone(), async {
            let _ = stopped.await;
        }));
        Self {
            app,
            store,
            clock,
            base_url,
            public_url,
            signing_key,
            shutdown: Some(shutdown),
            _data_dir: data_dir,
        }
    }

    /// `base_url` joined with `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// The current time of the server's clock.
    pub fn now(&self) -> u64 {
        self.clock.now()
    }

    /// Issues an access token `/mcp` accepts, valid for one hour, with the
    /// default read scope. Tokens come from the endpoint's own verifier
    /// until the authorization server can issue them.
    pub fn access_token(&self) -> String {
        self.access_token_with(&ScopeSet::default_grant())
    }

    /// Issues an access token like [`TestServer::access_token`], with the
    /// read and write scopes.
    pub fn write_access_token(&self) -> String {
        self.access_token_with(&ScopeSet::read_write())
    }

    /// Issues an access token `/mcp` accepts with `scopes`.
    pub fn access_token_with(&self, scopes: &ScopeSet) -> String {
        let tokens = self.app.mcp.access_tokens();
        let (token, _) = tokens.issue("operator", "test-client", scopes, self.now(), 3600);
        token.expose().to_owned()
    }

    /// Issues a token signed with this server's key for another issuer and
    /// audience.
    pub fn token_for(&self, issuer: &str, audience: &str) -> String {
        let tokens = AccessTokens::new(issuer, audience, self.signing_key.clone(), None);
        let (token, _) = tokens.issue(
            "operator",
            "test-client",
            &ScopeSet::default_grant(),
            self.now(),
            3600,
        );
        token.expose().to_owned()
    }

    /// Starts a `POST /mcp` with the headers an MCP client of `version`
    /// sends, and a bearer token when one is given.
    pub fn mcp_post(&self, token: Option<&str>, version: Option<&str>) -> reqwest::RequestBuilder {
        let mut request = http_client()
            .post(self.url("/mcp"))
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream");
        if let Some(version) = version {
            request = request.header("mcp-protocol-version", version);
        }
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request
    }

    /// Calls a tool with a valid read-scope token over the 2025-06-18
    /// revision and returns the JSON-RPC `result`.
    pub async fn call_tool(&self, name: &str, arguments: serde_json::Value) -> serde_json::Value {
        self.call_tool_with(&self.access_token(), name, arguments)
            .await
    }

    /// Calls a tool like [`TestServer::call_tool`] with the read and write
    /// scopes.
    pub async fn call_write_tool(
        &self,
        name: &str,
        arguments: serde_json::Value,
    ) -> serde_json::Value {
        self.call_tool_with(&self.write_access_token(), name, arguments)
            .await
    }

    /// Calls a tool with `token` and returns the JSON-RPC `result`.
    pub async fn call_tool_with(
        &self,
        token: &str,
        name: &str,
        arguments: serde_json::Value,
    ) -> serde_json::Value {
        let response = self
            .mcp_post(Some(token), Some("2025-06-18"))
            .json(&serde_json::json!({
                "jsonrpc": "2.0",
                "id": 7,
                "method": "tools/call",
                "params": { "name": name, "arguments": arguments },
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "tools/call {name} status");
        let body: serde_json::Value = response.json().await.unwrap();
        assert!(body["error"].is_null(), "tools/call {name} failed: {body}");
        body["result"].clone()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// An HTTP client that follows no redirects, so tests can read `Location`.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap()
}
pub mod browser;
pub mod document_server;
pub mod external;
