//! The five Lambda functions: cold-start wiring, the conversion between API
//! Gateway HTTP API (payload format 2.0) events and [`web`] requests, and the
//! per-function routing.
//!
//! | variable | meaning |
//! |---|---|
//! | `NEONPANEL_MCP_ALLOWED_ORIGINS` | comma-separated browser origins, besides the public one, whose pages may call `/mcp` |
//! | `NEONPANEL_MCP_PUBLIC_URL` | public base URL, set by the template when a custom domain is configured; otherwise the URL is `https://` plus the API's `execute-api` domain, read from the first request |
//! | `NEONPANEL_MCP_TABLE` | DynamoDB table (registration, authorize and token functions) |
//! | `NEONPANEL_MCP_SECRET_ID` | Secrets Manager secret name or ARN (every function but metadata) |
//! | `NEONPANEL_API_URL` | NeonPanel API base URL; defaults to `https://my.neonpanel.com` |
//! | `AWS_REGION` | set by Lambda; the region of the `execute-api` domain |
//! | `RUST_LOG` | log filter; defaults to `info` |

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::timeout::TimeoutConfig;
use bytes::Bytes;
use http::uri::PathAndQuery;
use http::{StatusCode, Uri};
use lambda_http::request::RequestContext;
use lambda_http::{Body, RequestExt as _};
use tokio::sync::OnceCell;

use crate::app::{self, Endpoints};
use crate::clock::{Clock, SystemClock};
use crate::config::{Config, ConfigError, PublicUrls, Secrets};
use crate::cors::CorsPolicy;
use crate::mcp::McpEndpoint;
use crate::oauth::AuthorizationServer;
use crate::oauth::metadata::Metadata;
use crate::store::Store;
use crate::web::{self, Request, Response};

use super::dynamodb::DynamoDbStore;
use super::secrets::{self, DEFAULT_REREAD_INTERVAL, SecretError, SecretsManagerIatLoader};

/// The error a function's `main` returns when it cannot start.
pub use lambda_http::Error;

/// Public base URL variable.
pub const PUBLIC_URL_VAR: &str = "NEONPANEL_MCP_PUBLIC_URL";
/// Comma-separated browser origins allowed on `/mcp` besides the public one.
pub const ALLOWED_ORIGINS_VAR: &str = "NEONPANEL_MCP_ALLOWED_ORIGINS";
/// DynamoDB table variable.
pub const TABLE_VAR: &str = "NEONPANEL_MCP_TABLE";
/// Secrets Manager secret variable.
pub const SECRET_ID_VAR: &str = "NEONPANEL_MCP_SECRET_ID";
/// NeonPanel API base URL variable.
pub const NEONPANEL_API_URL_VAR: &str = "NEONPANEL_API_URL";

/// Upper bound for one AWS SDK call, retries included, so a stalled
/// dependency fails the request with 503 well before the API Gateway
/// integration timeout of 30 seconds.
const AWS_OPERATION_TIMEOUT: Duration = Duration::from_secs(10);

/// One of the five functions of the deployment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Function {
    /// `/.well-known/*`: discovery documents. Reads neither table nor secret.
    Metadata,
    /// `POST /register`.
    Registration,
    /// `/authorize`: the consent page and decision.
    Authorize,
    /// `POST /token`.
    Token,
    /// `/mcp` and `/mcp/`. Reads the secret but not the table.
    Mcp,
}

impl Function {
    /// Every function, in the order of the template.
    pub const ALL: [Function; 5] = [
        Function::Metadata,
        Function::Registration,
        Function::Authorize,
        Function::Token,
        Function::Mcp,
    ];

    /// The function's name, as in `functions/<name>` and the template.
    pub fn name(self) -> &'static str {
        match self {
            Function::Metadata => "metadata",
            Function::Registration => "registration",
            Function::Authorize => "authorize",
            Function::Token => "token",
            Function::Mcp => "mcp",
        }
    }

    /// Whether the function reads and writes the DynamoDB table.
    pub fn uses_table(self) -> bool {
        matches!(
            self,
            Function::Registration | Function::Authorize | Function::Token
        )
    }

    /// Whether the function reads the secret.
    pub fn uses_secret(self) -> bool {
        self != Function::Metadata
    }
}

/// Failures of a cold start. Messages name the variable or secret field at
/// fault, never a secret value.
#[derive(Debug, thiserror::Error)]
pub enum ColdStartError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error(transparent)]
    App(#[from] app::StartError),
}

/// Settings read from the function's environment.
#[derive(Clone, Debug)]
pub struct LambdaSettings {
    /// Public base URL when configured; `None` derives it from the request's
    /// `execute-api` domain.
    pub public_url: Option<PublicUrls>,
    /// Region of the `execute-api` domain, from `AWS_REGION`.
    pub region: Option<String>,
    /// Server configuration apart from the public URL.
    pub neonpanel_api_url: Option<url::Url>,
    /// DynamoDB table, for the functions that use it.
    pub table: Option<String>,
    /// Secret name or ARN, for the functions that use it.
    pub secret_id: Option<String>,
    /// Browser origins, besides the public one, allowed on `/mcp`.
    pub allowed_origins: Vec<String>,
}

impl LambdaSettings {
    /// Reads settings through `var`, which returns a variable's value.
    pub fn from_env(
        function: Function,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let read = |name: &str| var(name).filter(|value| !value.trim().is_empty());
        let public_url = read(PUBLIC_URL_VAR)
            .map(|value| PublicUrls::parse(PUBLIC_URL_VAR, &value))
            .transpose()?;
        let neonpanel_api_url = read(NEONPANEL_API_URL_VAR)
            .map(|value| {
                url::Url::parse(&value).map_err(|error| ConfigError::Invalid {
                    name: NEONPANEL_API_URL_VAR,
                    reason: error.to_string(),
                })
            })
            .transpose()?;
        let allowed_origins = match read(ALLOWED_ORIGINS_VAR) {
            Some(value) => crate::config::parse_origins(ALLOWED_ORIGINS_VAR, &value)?,
            None => Vec::new(),
        };
        let table = read(TABLE_VAR);
        if function.uses_table() && table.is_none() {
            return Err(ConfigError::Missing {
                name: TABLE_VAR,
                hint: "set it to the DynamoDB table name (template.yaml does)",
            });
        }
        let secret_id = read(SECRET_ID_VAR);
        if function.uses_secret() && secret_id.is_none() {
            return Err(ConfigError::Missing {
                name: SECRET_ID_VAR,
                hint: "set it to the Secrets Manager secret ARN (template.yaml does)",
            });
        }
        Ok(Self {
            public_url,
            region: read("AWS_REGION"),
            neonpanel_api_url,
            table,
            secret_id,
            allowed_origins,
        })
    }

    /// The configuration for one public base URL.
    fn config(&self, public_urls: PublicUrls) -> Config {
        let mut config = Config::new(public_urls);
        if let Some(url) = &self.neonpanel_api_url {
            config.neonpanel.base_url = url.clone();
        }
        config.allowed_origins = self.allowed_origins.clone();
        config
    }
}

/// What one function instance keeps between invocations.
#[derive(Debug)]
pub struct FunctionState {
    function: Function,
    settings: LambdaSettings,
    secrets: Option<Secrets>,
    store: Option<Arc<dyn Store>>,
    clock: Arc<dyn Clock>,
    /// Built at the first request when the public URL comes from the
    /// request's domain; building makes no network call.
    endpoints: OnceCell<BuiltEndpoints>,
}

#[derive(Debug)]
struct BuiltEndpoints {
    metadata: Metadata,
    cors: CorsPolicy,
    oauth: Option<AuthorizationServer>,
    mcp: Option<McpEndpoint>,
}

impl FunctionState {
    /// Cold start: reads the environment, builds the AWS clients and reads
    /// the secret once.
    pub async fn from_env(
        function: Function,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ColdStartError> {
        let settings = LambdaSettings::from_env(function, var)?;
        let timeouts = TimeoutConfig::builder()
            .operation_timeout(AWS_OPERATION_TIMEOUT)
            .build();
        let aws = aws_config::defaults(BehaviorVersion::latest())
            .timeout_config(timeouts)
            .load()
            .await;
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);

        let store = settings
            .table
            .as_ref()
            .filter(|_| function.uses_table())
            .map(|table| {
                let client = aws_sdk_dynamodb::Client::new(&aws);
                Arc::new(DynamoDbStore::new(client, table, clock.clone())) as Arc<dyn Store>
            });

        let secrets = match settings
            .secret_id
            .as_ref()
            .filter(|_| function.uses_secret())
        {
            Some(secret_id) => {
                let client = aws_sdk_secretsmanager::Client::new(&aws);
                let mut secrets = secrets::read_secrets(&client, secret_id).await?;
                if function == Function::Mcp {
                    secrets.iat_loader = Some(SecretsManagerIatLoader::new(
                        client,
                        secret_id,
                        DEFAULT_REREAD_INTERVAL,
                    ));
                }
                Some(secrets)
            }
            None => None,
        };

        let state = Self::new(function, settings, secrets, store, clock);
        if let Some(urls) = state.settings.public_url.clone() {
            state.endpoints_for(urls).await?;
        }
        Ok(state)
    }

    /// Wraps already built parts, for tests and for [`Self::from_env`].
    /// `secrets` must be set for every function but metadata, and `store` for
    /// the functions that use the table.
    pub fn new(
        function: Function,
        settings: LambdaSettings,
        secrets: Option<Secrets>,
        store: Option<Arc<dyn Store>>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            function,
            settings,
            secrets,
            store,
            clock,
            endpoints: OnceCell::new(),
        }
    }

    /// The function this state serves.
    pub fn function(&self) -> Function {
        self.function
    }

    /// Serves one API Gateway event already turned into a request by
    /// `lambda_http`.
    pub async fn handle(&self, event: lambda_http::Request) -> lambda_http::Response<Body> {
        let context = api_gateway_context(&event);
        let request = into_web_request(event, context.stage.as_deref());
        let method = request.method().clone();
        let path = request.uri().path().to_owned();

        let response = match self.public_urls(context.domain_name.as_deref()) {
            Some(urls) => match self.endpoints_for(urls).await {
                Ok(endpoints) => self.route(endpoints, request).await,
                Err(error) => {
                    tracing::error!(error = %error, "cannot build the endpoints");
                    server_error()
                }
            },
            None => {
                tracing::error!(
                    domain = context.domain_name.as_deref().unwrap_or(""),
                    "no public URL (set {PUBLIC_URL_VAR}, or call through the execute-api domain)"
                );
                server_error()
            }
        };

        tracing::info!(
            function = self.function.name(),
            %method,
            path,
            status = response.status().as_u16(),
            "request served"
        );
        into_lambda_response(response)
    }

    /// The configured public URL, or the one the request's `execute-api`
    /// domain gives.
    fn public_urls(&self, domain_name: Option<&str>) -> Option<PublicUrls> {
        if let Some(urls) = &self.settings.public_url {
            return Some(urls.clone());
        }
        let domain = domain_name?;
        if !is_execute_api_domain(domain, self.settings.region.as_deref()?) {
            return None;
        }
        PublicUrls::parse("requestContext.domainName", &format!("https://{domain}")).ok()
    }

    async fn endpoints_for(&self, urls: PublicUrls) -> Result<&BuiltEndpoints, app::StartError> {
        self.endpoints
            .get_or_try_init(|| async { self.build(urls) })
            .await
    }

    fn build(&self, urls: PublicUrls) -> Result<BuiltEndpoints, app::StartError> {
        let config = self.settings.config(urls);
        let metadata = Metadata::new(&config.public_urls);
        let oauth = match (self.function, &self.secrets, &self.store) {
            (
                Function::Registration | Function::Authorize | Function::Token,
                Some(secrets),
                Some(store),
            ) => Some(app::build_authorization_server(
                &config,
                secrets,
                store.clone(),
                self.clock.clone(),
            )),
            _ => None,
        };
        let mcp = match (self.function, &self.secrets) {
            (Function::Mcp, Some(secrets)) => Some(app::build_mcp_endpoint(
                &config,
                secrets,
                self.clock.clone(),
            )?),
            _ => None,
        };
        Ok(BuiltEndpoints {
            metadata,
            cors: CorsPolicy::new(&config.public_urls, &config.allowed_origins),
            oauth,
            mcp,
        })
    }

    /// Serves only this function's routes; any other path gets 404, as it
    /// would if API Gateway routed it here by mistake.
    async fn route(&self, built: &BuiltEndpoints, request: Request) -> Response {
        let endpoints = match self.function {
            Function::Metadata => Endpoints {
                metadata: Some(&built.metadata),
                cors: Some(&built.cors),
                ..Endpoints::default()
            },
            Function::Registration | Function::Authorize | Function::Token => {
                if !serves_path(self.function, request.uri().path()) {
                    return web::not_found();
                }
                Endpoints {
                    oauth: built.oauth.as_ref(),
                    cors: Some(&built.cors),
                    ..Endpoints::default()
                }
            }
            Function::Mcp => Endpoints {
                mcp: built.mcp.as_ref(),
                cors: Some(&built.cors),
                ..Endpoints::default()
            },
        };
        app::route(endpoints, request).await
    }
}

/// Starts a function: logging, cold start, then the Lambda runtime loop.
pub async fn run(function: Function) -> Result<(), Error> {
    init_logging();
    let state = match FunctionState::from_env(function, |name| std::env::var(name).ok()).await {
        Ok(state) => Arc::new(state),
        Err(error) => {
            tracing::error!(function = function.name(), error = %error, "cold start failed");
            return Err(error.into());
        }
    };
    tracing::info!(function = function.name(), "cold start finished");
    lambda_http::run(lambda_http::service_fn(move |event| {
        let state = state.clone();
        async move { Ok::<_, Infallible>(state.handle(event).await) }
    }))
    .await
}

/// JSON logs, one object per line; the runtime's span carries `requestId`.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_current_span(false)
        .with_span_list(true)
        .with_target(false)
        .with_ansi(false)
        .init();
}

/// Whether the three OAuth functions serve `path`.
fn serves_path(function: Function, path: &str) -> bool {
    match function {
        Function::Registration => path == "/register",
        Function::Authorize => path == "/authorize",
        Function::Token => path == "/token",
        Function::Metadata | Function::Mcp => true,
    }
}

/// `{api-id}.execute-api.{region}.amazonaws.com`, or the `.com.cn` form.
fn is_execute_api_domain(domain: &str, region: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    match labels.as_slice() {
        [id, "execute-api", domain_region, "amazonaws", "com"]
        | [id, "execute-api", domain_region, "amazonaws", "com", "cn"] => {
            *domain_region == region
                && !id.is_empty()
                && id.chars().all(|c| c.is_ascii_alphanumeric())
        }
        _ => false,
    }
}

#[derive(Debug, Default)]
struct GatewayContext {
    stage: Option<String>,
    domain_name: Option<String>,
}

fn api_gateway_context(event: &lambda_http::Request) -> GatewayContext {
    match event.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(context)) => GatewayContext {
            stage: context.stage.clone(),
            domain_name: context.domain_name.clone(),
        },
        _ => GatewayContext::default(),
    }
}

/// Converts a `lambda_http` request into the shared handlers' request.
///
/// `lambda_http` puts a named stage back in front of the path; the routes
/// carry no stage, so it is removed again. The `$default` stage adds nothing.
pub fn into_web_request(event: lambda_http::Request, stage: Option<&str>) -> Request {
    let (mut parts, body) = event.into_parts();
    let body = match body {
        Body::Empty => Bytes::new(),
        Body::Text(text) => Bytes::from(text),
        Body::Binary(bytes) => Bytes::from(bytes),
        // `Body` is non-exhaustive; later kinds carry no bytes this server reads.
        _ => Bytes::new(),
    };

    let path = parts.uri.path();
    let stripped = match stage {
        Some(stage) if stage != "$default" => strip_stage(path, stage),
        _ => path,
    };
    if stripped.len() != path.len() {
        let path_and_query = match parts.uri.query() {
            Some(query) => format!("{stripped}?{query}"),
            None => stripped.to_owned(),
        };
        let mut uri_parts = parts.uri.clone().into_parts();
        if let Ok(path_and_query) = PathAndQuery::try_from(path_and_query) {
            uri_parts.path_and_query = Some(path_and_query);
            if let Ok(uri) = Uri::from_parts(uri_parts) {
                parts.uri = uri;
            }
        }
    }
    http::Request::from_parts(parts, body)
}

/// Removes `/{stage}` from the front of `path` when it is a whole segment.
fn strip_stage<'a>(path: &'a str, stage: &str) -> &'a str {
    let Some(rest) = path
        .strip_prefix('/')
        .and_then(|rest| rest.strip_prefix(stage))
    else {
        return path;
    };
    match rest {
        "" => "/",
        rest if rest.starts_with('/') => rest,
        _ => path,
    }
}

/// Converts a response into `lambda_http`'s, as text when the body is UTF-8
/// so API Gateway does not base64-encode JSON and HTML.
pub fn into_lambda_response(response: Response) -> lambda_http::Response<Body> {
    let (parts, bytes) = response.into_parts();
    let body = if bytes.is_empty() {
        Body::Empty
    } else {
        match String::from_utf8(bytes.to_vec()) {
            Ok(text) => Body::Text(text),
            Err(error) => Body::Binary(error.into_bytes()),
        }
    };
    lambda_http::Response::from_parts(parts, body)
}

fn server_error() -> Response {
    web::json(
        StatusCode::INTERNAL_SERVER_ERROR,
        &serde_json::json!({
            "error": "server_error",
            "error_description": "the server is misconfigured; see its logs",
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_stage_is_stripped() {
        assert_eq!(strip_stage("/v1/mcp", "v1"), "/mcp");
        assert_eq!(strip_stage("/v1", "v1"), "/");
        assert_eq!(strip_stage("/v1x/mcp", "v1"), "/v1x/mcp");
        assert_eq!(strip_stage("/mcp", "v1"), "/mcp");
    }

    #[test]
    fn execute_api_domain_is_recognised() {
        assert!(is_execute_api_domain(
            "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com",
            "eu-west-1"
        ));
        assert!(!is_execute_api_domain(
            "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com",
            "us-east-1"
        ));
        assert!(!is_execute_api_domain("mcp.example.com", "eu-west-1"));
        assert!(!is_execute_api_domain(
            "evil.com.execute-api.eu-west-1.amazonaws.com",
            "eu-west-1"
        ));
    }

    #[test]
    fn missing_table_fails_naming_variable() {
        let error = LambdaSettings::from_env(Function::Token, |name| {
            (name == SECRET_ID_VAR).then(|| "secret".to_owned())
        })
        .unwrap_err();
        assert!(error.to_string().contains(TABLE_VAR));
    }

    #[test]
    fn metadata_needs_no_table_or_secret() {
        let settings = LambdaSettings::from_env(Function::Metadata, |_| None).unwrap();
        assert!(settings.table.is_none());
        assert!(settings.secret_id.is_none());
    }
}
