//! The local development server: every route on one loopback port, on the
//! embedded store, configured from environment variables.
//!
//! | variable | meaning |
//! |---|---|
//! | `NEONPANEL_IAT` or `NEONPANEL_IAT_FILE` | the NeonPanel IAT, or a file holding it (required); the file is read again when NeonPanel rejects the IAT, so a rotated IAT needs no restart |
//! | `NEONPANEL_MCP_ACCESS_CODE` or `NEONPANEL_MCP_ACCESS_CODE_FILE` | the code a person enters on the consent page (required unless authentication is off) |
//! | `NEONPANEL_MCP_PORT` | loopback port; defaults to 8787 |
//! | `NEONPANEL_MCP_PUBLIC_URL` | public base URL, such as a tunnel's https URL; defaults to `http://127.0.0.1:PORT` |
//! | `NEONPANEL_API_URL` | NeonPanel API base URL; defaults to `https://my.neonpanel.com` |
//! | `NEONPANEL_MCP_DATA_DIR` | folder of the embedded store and the signing key; defaults to `.neonpanel-mcp` |
//! | `NEONPANEL_MCP_ALLOWED_ORIGINS` | comma-separated browser origins whose pages may call `/mcp`, such as `http://localhost:6274` |
//! | `NEONPANEL_MCP_DEV_API_KEY` | development mode: this static key is also accepted as a bearer token on `/mcp` |
//! | `NEONPANEL_MCP_DEV_NO_AUTH` | development mode: `true` turns authentication on `/mcp` off |

use std::convert::Infallible;
use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http::StatusCode;
use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;
use tracing::Instrument as _;

use crate::app::App;
use crate::clock::{Clock, SystemClock};
use crate::config::{Config, ConfigError, IatLoader, McpAuth, PublicUrls, Secrets, SigningKey};
use crate::secret::{AccessCode, ApiKey, Iat, KeyBytes, random_token};
use crate::store::EmbeddedStore;
use crate::web::{self, MAX_BODY_BYTES};

/// How long a client may take to send a request body. A client that stalls
/// longer gets 408, so it cannot hold a connection and its task open forever.
const BODY_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

/// Default loopback port.
pub const DEFAULT_PORT: u16 = 8787;

/// Everything the local server reads from its environment.
#[derive(Debug)]
pub struct LocalSettings {
    /// Server configuration.
    pub config: Config,
    /// The IAT and the access codes; the signing key is added by [`LocalSettings::load_secrets`].
    pub iat: Iat,
    /// Consent access codes (empty only when authentication is off).
    pub access_codes: Vec<AccessCode>,
    /// Loopback port to listen on.
    pub port: u16,
    /// Folder of the embedded store and the signing key.
    pub data_dir: PathBuf,
    /// The source the IAT is read from again after NeonPanel rejects it.
    pub iat_loader: LocalIatLoader,
}

/// Re-reads the IAT from where the local server found it at start, so that
/// an operator who writes a new IAT into `NEONPANEL_IAT_FILE` needs no
/// restart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LocalIatLoader {
    /// The file named by `NEONPANEL_IAT_FILE`.
    File(PathBuf),
    /// The `NEONPANEL_IAT` variable of this process. It cannot change while
    /// the process runs, so re-reading it only confirms the value.
    Env,
}

#[async_trait::async_trait]
impl IatLoader for LocalIatLoader {
    async fn load(&self) -> Result<Iat, String> {
        match self {
            Self::File(path) => {
                // A blocking read: the file holds one short token, and this
                // runs only after NeonPanel rejected the IAT.
                let contents = std::fs::read_to_string(path)
                    .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
                let value = contents.trim();
                if value.is_empty() {
                    return Err(format!("{} is empty", path.display()));
                }
                Ok(Iat::new(value))
            }
            Self::Env => std::env::var("NEONPANEL_IAT")
                .ok()
                .map(|value| value.trim().to_owned())
                .filter(|value| !value.is_empty())
                .map(Iat::new)
                .ok_or_else(|| "NEONPANEL_IAT is no longer set".to_owned()),
        }
    }
}

impl LocalSettings {
    /// Reads settings through `var`, which returns a variable's value.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let port = match non_empty(&var, "NEONPANEL_MCP_PORT") {
            Some(value) => value.parse::<u16>().map_err(|_| ConfigError::Invalid {
                name: "NEONPANEL_MCP_PORT",
                reason: "expected a port number between 1 and 65535".to_owned(),
            })?,
            None => DEFAULT_PORT,
        };
        let public_url = non_empty(&var, "NEONPANEL_MCP_PUBLIC_URL")
            .unwrap_or_else(|| format!("http://127.0.0.1:{port}"));
        let public_urls = PublicUrls::parse("NEONPANEL_MCP_PUBLIC_URL", &public_url)?;
        let mut config = Config::new(public_urls);

        if let Some(api_url) = non_empty(&var, "NEONPANEL_API_URL") {
            config.neonpanel.base_url =
                url::Url::parse(&api_url).map_err(|error| ConfigError::Invalid {
                    name: "NEONPANEL_API_URL",
                    reason: error.to_string(),
                })?;
        }

        let no_auth = match non_empty(&var, "NEONPANEL_MCP_DEV_NO_AUTH").as_deref() {
            None | Some("false") | Some("0") => false,
            Some("true") | Some("1") => true,
            Some(_) => {
                return Err(ConfigError::Invalid {
                    name: "NEONPANEL_MCP_DEV_NO_AUTH",
                    reason: "expected true or false".to_owned(),
                });
            }
        };
        if let Some(origins) = non_empty(&var, "NEONPANEL_MCP_ALLOWED_ORIGINS") {
            config.allowed_origins =
                crate::config::parse_origins("NEONPANEL_MCP_ALLOWED_ORIGINS", &origins)?;
        }
        config.mcp_auth = match (no_auth, non_empty(&var, "NEONPANEL_MCP_DEV_API_KEY")) {
            (true, _) => McpAuth::DangerouslyNone,
            (false, Some(key)) => McpAuth::OAuthOrApiKey(ApiKey::new(key)),
            (false, None) => McpAuth::OAuth,
        };

        let iat = read_secret(&var, "NEONPANEL_IAT", "NEONPANEL_IAT_FILE")?.ok_or(
            ConfigError::Missing {
                name: "NEONPANEL_IAT",
                hint: "set NEONPANEL_IAT to your NeonPanel integration access token, or NEONPANEL_IAT_FILE to a file holding it",
            },
        )?;
        let access_code = read_secret(
            &var,
            "NEONPANEL_MCP_ACCESS_CODE",
            "NEONPANEL_MCP_ACCESS_CODE_FILE",
        )?;
        let access_codes = match (access_code, no_auth) {
            (Some(code), _) => vec![AccessCode::new(code)],
            (None, true) => Vec::new(),
            (None, false) => {
                return Err(ConfigError::Missing {
                    name: "NEONPANEL_MCP_ACCESS_CODE",
                    hint: "set NEONPANEL_MCP_ACCESS_CODE to the code people must enter to approve a connection",
                });
            }
        };

        let iat_loader = match (
            non_empty(&var, "NEONPANEL_IAT"),
            non_empty(&var, "NEONPANEL_IAT_FILE"),
        ) {
            (None, Some(path)) => LocalIatLoader::File(PathBuf::from(path)),
            _ => LocalIatLoader::Env,
        };

        let data_dir = non_empty(&var, "NEONPANEL_MCP_DATA_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(".neonpanel-mcp"));

        Ok(Self {
            config,
            iat: Iat::new(iat),
            access_codes,
            port,
            data_dir,
            iat_loader,
        })
    }

    /// Creates the data folder and loads or generates the signing key kept in it.
    pub fn load_secrets(&self) -> Result<Secrets, ConfigError> {
        std::fs::create_dir_all(&self.data_dir).map_err(|error| ConfigError::Invalid {
            name: "NEONPANEL_MCP_DATA_DIR",
            reason: format!("cannot create {}: {error}", self.data_dir.display()),
        })?;
        let current_signing_key = load_or_create_signing_key(&self.data_dir.join("signing-key"))?;
        Ok(Secrets {
            iat: self.iat.clone(),
            current_signing_key,
            previous_signing_key: None,
            access_codes: self.access_codes.clone(),
            iat_loader: Some(Arc::new(self.iat_loader.clone())),
        })
    }
}

/// Starts the local server from the process environment and runs it until
/// Ctrl-C. Returns an error message for the user when it cannot start.
pub async fn run_from_env() -> Result<(), String> {
    let settings = LocalSettings::from_env(|name| std::env::var(name).ok())
        .map_err(|error| error.to_string())?;
    let secrets = settings.load_secrets().map_err(|error| error.to_string())?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let store_path = settings.data_dir.join("store.redb");
    let store =
        EmbeddedStore::open(&store_path, clock.clone()).map_err(|error| error.to_string())?;
    let app = App::new(&settings.config, secrets, Arc::new(store), clock)
        .map_err(|error| error.to_string())?;

    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, settings.port));
    let listener = TcpListener::bind(address)
        .await
        .map_err(|error| format!("cannot listen on {address}: {error}"))?;

    match &settings.config.mcp_auth {
        McpAuth::DangerouslyNone => tracing::warn!(
            "authentication on /mcp is OFF (NEONPANEL_MCP_DEV_NO_AUTH): anyone who can reach {address} uses your NeonPanel credential"
        ),
        McpAuth::OAuthOrApiKey(_) => tracing::warn!(
            "development API key accepted on /mcp (NEONPANEL_MCP_DEV_API_KEY); do not use it outside development"
        ),
        McpAuth::OAuth => {}
    }
    tracing::info!(
        %address,
        data_dir = %settings.data_dir.display(),
        neonpanel = %settings.config.neonpanel.base_url,
        "local server listening"
    );
    println!("MCP URL: {}", settings.config.public_urls.resource());

    serve(listener, Arc::new(app), async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await;
    tracing::info!("local server stopped");
    Ok(())
}

/// Serves `app` on `listener` until `shutdown` completes. Connections still
/// open then are dropped.
pub async fn serve(listener: TcpListener, app: Arc<App>, shutdown: impl Future<Output = ()>) {
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => return,
        };
        let (stream, peer) = match accepted {
            Ok(connection) => connection,
            Err(error) => {
                // Accept fails when the process runs out of file descriptors;
                // pausing lets open connections finish instead of spinning.
                tracing::warn!(%error, "accept failed (retrying in 100 ms)");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                continue;
            }
        };
        let app = app.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let app = app.clone();
                async move { Ok::<_, Infallible>(handle(&app, request).await) }
            });
            let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
            if let Err(error) = builder
                .serve_connection(TokioIo::new(stream), service)
                .await
            {
                tracing::debug!(%peer, %error, "connection closed with an error");
            }
        });
    }
}

/// Collects a hyper request, runs it through the app and logs one line.
async fn handle(app: &App, request: http::Request<Incoming>) -> http::Response<Full<Bytes>> {
    let started = Instant::now();
    let request_id = random_token()[..12].to_owned();
    let span = tracing::info_span!("request", request_id = %request_id);
    async move {
        let method = request.method().clone();
        let path = request.uri().path().to_owned();
        let (parts, body) = request.into_parts();
        let collected = tokio::time::timeout(
            BODY_READ_TIMEOUT,
            Limited::new(body, MAX_BODY_BYTES).collect(),
        )
        .await;
        let response = match collected {
            Ok(Ok(collected)) => {
                let request = http::Request::from_parts(parts, collected.to_bytes());
                app.handle(request).await
            }
            Err(_) => web::json(
                StatusCode::REQUEST_TIMEOUT,
                &serde_json::json!({
                    "error": "invalid_request",
                    "error_description": format!(
                        "the request body did not arrive within {} seconds",
                        BODY_READ_TIMEOUT.as_secs()
                    ),
                }),
            ),
            Ok(Err(_)) => web::json(
                StatusCode::PAYLOAD_TOO_LARGE,
                &serde_json::json!({
                    "error": "invalid_request",
                    "error_description": format!("request body is larger than {MAX_BODY_BYTES} bytes"),
                }),
            ),
        };
        tracing::info!(
            %method,
            path,
            status = response.status().as_u16(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "request handled"
        );
        response.map(Full::new)
    }
    .instrument(span)
    .await
}

fn non_empty(var: &impl Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    var(name).filter(|value| !value.trim().is_empty())
}

/// Reads a secret from `name`, or from the file named by `file_name`.
fn read_secret(
    var: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    file_name: &'static str,
) -> Result<Option<String>, ConfigError> {
    if let Some(value) = non_empty(var, name) {
        return Ok(Some(value.trim().to_owned()));
    }
    let Some(path) = non_empty(var, file_name) else {
        return Ok(None);
    };
    let contents = std::fs::read_to_string(&path).map_err(|error| ConfigError::Invalid {
        name: file_name,
        reason: format!("cannot read {path}: {error}"),
    })?;
    let value = contents.trim();
    if value.is_empty() {
        return Err(ConfigError::Invalid {
            name: file_name,
            reason: format!("{path} is empty"),
        });
    }
    Ok(Some(value.to_owned()))
}

/// Reads the signing key file, or creates it with a fresh random key readable
/// only by its owner.
fn load_or_create_signing_key(path: &Path) -> Result<SigningKey, ConfigError> {
    let invalid = |reason: String| ConfigError::Invalid {
        name: "NEONPANEL_MCP_DATA_DIR",
        reason,
    };
    if let Ok(contents) = std::fs::read(path) {
        if contents.len() < 32 {
            return Err(invalid(format!(
                "{} holds fewer than 32 bytes; delete it to generate a new key",
                path.display()
            )));
        }
        return Ok(local_signing_key(contents));
    }
    let key = KeyBytes::generate();
    write_private_file(path, key.expose())
        .map_err(|error| invalid(format!("cannot write {}: {error}", path.display())))?;
    Ok(local_signing_key(key.expose().to_vec()))
}

fn local_signing_key(bytes: Vec<u8>) -> SigningKey {
    // The kid names the key without revealing it: the first bytes of its hash.
    let kid = format!("local-{}", &crate::secret::hash_secret_bytes(&bytes)[..12]);
    SigningKey {
        kid,
        secret: KeyBytes::new(bytes),
    }
}

fn write_private_file(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn missing_iat_fails_with_hint() {
        let error =
            LocalSettings::from_env(env(&[("NEONPANEL_MCP_ACCESS_CODE", "c")])).unwrap_err();
        assert!(error.to_string().contains("NEONPANEL_IAT"));
    }

    #[test]
    fn missing_access_code_fails_with_hint() {
        let error = LocalSettings::from_env(env(&[("NEONPANEL_IAT", "iat")])).unwrap_err();
        assert!(error.to_string().contains("NEONPANEL_MCP_ACCESS_CODE"));
    }

    #[test]
    fn no_auth_mode_needs_no_access_code() {
        let settings = LocalSettings::from_env(env(&[
            ("NEONPANEL_IAT", "iat"),
            ("NEONPANEL_MCP_DEV_NO_AUTH", "true"),
        ]))
        .unwrap();
        assert!(matches!(settings.config.mcp_auth, McpAuth::DangerouslyNone));
    }

    #[test]
    fn defaults_derive_public_url_from_port() {
        let settings = LocalSettings::from_env(env(&[
            ("NEONPANEL_IAT", "iat"),
            ("NEONPANEL_MCP_ACCESS_CODE", "code"),
            ("NEONPANEL_MCP_PORT", "9001"),
        ]))
        .unwrap();
        assert_eq!(
            settings.config.public_urls.resource(),
            "http://127.0.0.1:9001/mcp"
        );
        assert!(matches!(settings.config.mcp_auth, McpAuth::OAuth));
    }

    #[test]
    fn iat_file_is_read_and_trimmed() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("iat");
        std::fs::write(&path, "secret-iat\n").unwrap();
        let settings = LocalSettings::from_env(env(&[
            ("NEONPANEL_IAT_FILE", path.to_str().unwrap()),
            ("NEONPANEL_MCP_ACCESS_CODE", "code"),
        ]))
        .unwrap();
        assert_eq!(settings.iat.expose(), "secret-iat");
    }

    #[tokio::test]
    async fn iat_file_is_read_again_after_rotation() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("iat");
        std::fs::write(&path, "first-iat\n").unwrap();
        let settings = LocalSettings::from_env(env(&[
            ("NEONPANEL_IAT_FILE", path.to_str().unwrap()),
            ("NEONPANEL_MCP_ACCESS_CODE", "code"),
        ]))
        .unwrap();
        assert_eq!(settings.iat_loader, LocalIatLoader::File(path.clone()));

        std::fs::write(&path, "rotated-iat\n").unwrap();
        let reloaded = settings.iat_loader.load().await.unwrap();
        assert_eq!(reloaded.expose(), "rotated-iat");

        std::fs::write(&path, "").unwrap();
        let error = settings.iat_loader.load().await.unwrap_err();
        assert!(error.ends_with("is empty"), "{error}");
        assert!(!error.contains("rotated-iat"));
    }

    #[test]
    fn signing_key_survives_restart() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("signing-key");
        let first = load_or_create_signing_key(&path).unwrap();
        let second = load_or_create_signing_key(&path).unwrap();
        assert_eq!(first.kid, second.kid);
        assert_eq!(first.secret, second.secret);
    }
}
