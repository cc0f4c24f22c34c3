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
    /// Which browser origins may call which paths.
    pub cors: CorsPolicy,
}

impl App {
    /// Builds every component. Makes no network call.
    pub fn new(
        config: &Config,
        secrets: Secrets,
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, StartError> {
        let urls = &config.public_urls;
        let tokens = AccessTokens::new(
            urls.issuer(),
            urls.resource(),
            secrets.current_signing_key.clone(),
            secrets.previous_signing_key.clone(),
        );
        let neonpanel = NeonPanelClient::new(&config.neonpanel, secrets.iat.clone())
            .map_err(|error| StartError::NeonPanel(error.to_string()))?
            .with_iat_loader(secrets.iat_loader.clone());
        let oauth = AuthorizationServer::new(
            config,
            store,
            tokens.clone(),
            secrets.access_codes.clone(),
            clock.clone(),
        );
        let cors = CorsPolicy::new(&config.public_urls, &config.allowed_origins);
        let mcp = McpEndpoint::new(config, tokens, neonpanel, clock);
        Ok(Self { oauth, mcp, cors })
    }

    /// Routes a request to its endpoint. Unknown paths get a JSON 404.
    pub async fn handle(&self, request: Request) -> Response {
        let is_head = request.method() == Method::HEAD;
        let path = request.uri().path().to_owned();
        let method = request.method().clone();
        if let Some(response) = self.cors.preflight(&method, &path, request.headers()) {
            return response;
        }
        let origin = request.headers().get(http::header::ORIGIN).cloned();

        let mut response = match path.as_str() {
            "/.well-known/oauth-protected-resource"
            | "/.well-known/oauth-protected-resource/mcp" => {
                read_only(&method, || self.oauth.protected_resource_metadata())
            }
            "/.well-known/oauth-authorization-server" => {
                read_only(&method, || self.oauth.authorization_server_metadata())
            }
            "/.well-known/openid-configuration" => {
                read_only(&method, || self.oauth.openid_configuration())
            }
            "/register" => match method {
                Method::POST => self.oauth.register(request).await,
                _ => web::method_not_allowed("POST"),
            },
            "/authorize" => match method {
                Method::GET | Method::HEAD | Method::POST => self.oauth.authorize(request).await,
                _ => web::method_not_allowed("GET, POST"),
            },
            "/token" => match method {
                Method::POST => self.oauth.token(request).await,
                _ => web::method_not_allowed("POST"),
            },
            "/mcp" | "/mcp/" => self.mcp.handle(request).await,
            _ => web::not_found(),
        };

        self.cors.decorate(&path, origin.as_ref(), &mut response);
        if is_head {
            *response.body_mut() = Bytes::new();
        }
        response
    }
}

/// Responds to GET and HEAD with `build`, and to anything else with 405.
fn read_only(method: &Method, build: impl FnOnce() -> Response) -> Response {
    match *method {
        Method::GET | Method::HEAD => build(),
        _ => web::method_not_allowed("GET, HEAD"),
    }
}
