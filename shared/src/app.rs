//! The whole server as one value: builds every component from configuration
//! and routes a request to its endpoint. The local server calls
//! [`App::handle`] for every route; each Lambda function calls the same
//! endpoint methods for its own routes.

use std::sync::Arc;

use bytes::Bytes;
use http::Method;

use crate::clock::Clock;
use crate::config::{Config, Secrets};
use crate::cors::CorsPolicy;
use crate::jwt::AccessTokens;
use crate::mcp::McpEndpoint;
use crate::neonpanel::NeonPanelClient;
use crate::oauth::AuthorizationServer;
use crate::oauth::metadata::Metadata;
use crate::store::Store;
use crate::web::{self, Request, Response};

/// Failures while building the server at start-up.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot build the NeonPanel client: {0}")]
    NeonPanel(String),
}

/// Every endpoint of the server.
#[derive(Debug)]
pub struct App {
    /// The OAuth 2.1 authorization server and its metadata.
    pub oauth: AuthorizationServer,
    /// The MCP endpoint, the protected resource.
    pub mcp: McpEndpoint,
    metadata: Metadata,
    cors: CorsPolicy,
}

/// The endpoints one entry point serves: all of them on the local server,
/// one group per Lambda function. A path whose endpoint is absent gets 404.
#[derive(Clone, Copy, Debug, Default)]
pub struct Endpoints<'a> {
    /// The discovery documents under `/.well-known/`.
    pub metadata: Option<&'a Metadata>,
    /// `/register`, `/authorize` and `/token`.
    pub oauth: Option<&'a AuthorizationServer>,
    /// `/mcp` and `/mcp/`.
    pub mcp: Option<&'a McpEndpoint>,
    /// The browser origins allowed on each path. Without a policy, the open
    /// paths accept every origin and `/mcp` none besides its own.
    pub cors: Option<&'a CorsPolicy>,
}

impl App {
    /// Builds every component. Makes no network call.
    pub fn new(
        config: &Config,
        secrets: Secrets,
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, StartError> {
        let oauth = build_authorization_server(config, &secrets, store, clock.clone());
        let mcp = build_mcp_endpoint(config, &secrets, clock)?;
        let metadata = Metadata::new(&config.public_urls);
        let cors = CorsPolicy::new(&config.public_urls, &config.allowed_origins);
        Ok(Self {
            oauth,
            mcp,
            metadata,
            cors,
        })
    }

    /// Routes a request to its endpoint. Unknown paths get a JSON 404.
    pub async fn handle(&self, request: Request) -> Response {
        let endpoints = Endpoints {
            metadata: Some(&self.metadata),
            oauth: Some(&self.oauth),
            mcp: Some(&self.mcp),
            cors: Some(&self.cors),
        };
        route(endpoints, request).await
    }
}

/// Builds the access token issuer-verifier from the configured signing keys.
pub fn build_access_tokens(config: &Config, secrets: &Secrets) -> AccessTokens {
    let urls = &config.public_urls;
    AccessTokens::new(
        urls.issuer(),
        urls.resource(),
        secrets.current_signing_key.clone(),
        secrets.previous_signing_key.clone(),
    )
}

/// Builds the authorization server. Makes no storage or network call.
pub fn build_authorization_server(
    config: &Config,
    secrets: &Secrets,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
) -> AuthorizationServer {
    AuthorizationServer::new(
        config,
        store,
        build_access_tokens(config, secrets),
        secrets.access_codes.clone(),
        clock,
    )
}

/// Builds the MCP endpoint and its NeonPanel client, which needs no store.
/// Makes no network call.
pub fn build_mcp_endpoint(
    config: &Config,
    secrets: &Secrets,
    clock: Arc<dyn Clock>,
) -> Result<McpEndpoint, StartError> {
    let neonpanel = NeonPanelClient::new(&config.neonpanel, secrets.iat.clone())
        .map_err(|error| StartError::NeonPanel(error.to_string()))?
        .with_iat_loader(secrets.iat_loader.clone());
    Ok(McpEndpoint::new(
        config,
        build_access_tokens(config, secrets),
        neonpanel,
        clock,
    ))
}

/// Routes a request to one of `endpoints`: responds to CORS preflights, checks
/// the method, adds CORS headers the policy allows and empties `HEAD` bodies.
/// Unknown paths, and paths whose endpoint is absent, get a JSON 404.
pub async fn route(endpoints: Endpoints<'_>, request: Request) -> Response {
    let is_head = request.method() == Method::HEAD;
    let path = request.uri().path().to_owned();
    let method = request.method().clone();
    let Endpoints {
        metadata,
        oauth,
        mcp,
        cors,
    } = endpoints;
    let open_paths_only;
    let cors = match cors {
        Some(cors) => cors,
        None => {
            open_paths_only = CorsPolicy::open_paths_only();
            &open_paths_only
        }
    };
    if let Some(response) = cors.preflight(&method, &path, request.headers()) {
        return response;
    }
    let origin = request.headers().get(http::header::ORIGIN).cloned();

    let mut response = match (path.as_str(), metadata, oauth, mcp) {
        (
            "/.well-known/oauth-protected-resource" | "/.well-known/oauth-protected-resource/mcp",
            Some(metadata),
            _,
            _,
        ) => read_only(&method, || metadata.protected_resource()),
        (
            "/.well-known/oauth-authorization-server" | "/.well-known/openid-configuration",
            Some(metadata),
            _,
            _,
        ) => read_only(&method, || metadata.authorization_server()),
        ("/register", _, Some(oauth), _) => match method {
            Method::POST => oauth.register(request).await,
            _ => web::method_not_allowed("POST"),
        },
        ("/authorize", _, Some(oauth), _) => match method {
            Method::GET | Method::HEAD | Method::POST => oauth.authorize(request).await,
            _ => web::method_not_allowed("GET, POST"),
        },
        ("/token", _, Some(oauth), _) => match method {
            Method::POST => oauth.token(request).await,
            _ => web::method_not_allowed("POST"),
        },
        ("/mcp" | "/mcp/", _, _, Some(mcp)) => mcp.handle(request).await,
        _ => web::not_found(),
    };

    cors.decorate(&path, origin.as_ref(), &mut response);
    if is_head {
        *response.body_mut() = Bytes::new();
    }
    response
}

/// Responds to GET and HEAD with `build`, and to anything else with 405.
fn read_only(method: &Method, build: impl FnOnce() -> Response) -> Response {
    match *method {
        Method::GET | Method::HEAD => build(),
        _ => web::method_not_allowed("GET, HEAD"),
    }
}
