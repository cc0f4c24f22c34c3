//! The MCP endpoint, `POST /mcp`: the streamable HTTP transport
//! (<https://modelcontextprotocol.io/specification/2025-11-25/basic/transports>)
//! served by rmcp's `StreamableHttpService` in stateless mode with JSON
//! responses, behind this server's own Host check and bearer token check.
//!
//! A request passes these steps in order, and the first that fails sends the response:
//!
//! 1. `Host` must name the public host (403 otherwise). This comes first so
//!    that a request aimed at another host (DNS rebinding) learns nothing
//!    about this server, not even its metadata URL.
//! 2. Only `POST` is served. `GET` and `DELETE` answer 405 with `Allow: POST`
//!    before authentication: there is no SSE stream and no session to end,
//!    whoever asks.
//! 3. `Authorization: Bearer` must carry a valid access token (401 with a
//!    `WWW-Authenticate` challenge otherwise), unless a development mode says
//!    otherwise. The verified caller travels to the tool handlers in the HTTP
//!    request extensions.
//! 4. A `tools/call` of a tool that changes NeonPanel data, from a caller
//!    whose token lacks `neonpanel:write`, answers 403 with an
//!    `insufficient_scope` challenge naming the scopes to ask for (RFC 6750
//!    section 3.1, MCP step-up authorization). Before that check, a body
//!    that is not one JSON-RPC request object gets a JSON-RPC error with
//!    HTTP 400 (see [`envelope`]); batches are among them, because rmcp
//!    serves one message per POST.
//! 5. `Accept` is not checked. Responses are always JSON, so the header is
//!    replaced with the `application/json, text/event-stream` that rmcp
//!    insists on; `Accept: application/json`, `*/*` and no `Accept` at all
//!    behave the same.
//!
//! Protocol revisions 2025-03-26 to 2025-11-25 (with `initialize`) and
//! 2026-07-28 (per-request `_meta`, `server/discover`) share the endpoint;
//! rmcp picks the lifecycle from each request.

pub mod auth;
pub mod envelope;
pub mod server;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{ACCEPT, CONTENT_TYPE, HOST, HeaderValue};
use http::{Method, StatusCode};
use http_body_util::{BodyExt as _, Full};
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use serde_json::{Value, json};

use crate::clock::Clock;
use crate::config::{Config, PublicUrls};
use crate::jwt::AccessTokens;
use crate::neonpanel::NeonPanelClient;
use crate::tools::Toolbox;
use crate::tools::spec::Access;
use crate::web::{self, Request, Response};
use auth::{Authenticator, Caller};
use server::NeonPanelServer;

/// The `Accept` value rmcp requires on every POST.
const RMCP_ACCEPT: &str = "application/json, text/event-stream";

/// Extra time, beyond the NeonPanel request timeout, that the endpoint waits
/// for rmcp to finish a response that fell back to an SSE stream.
const SSE_COLLECT_MARGIN: Duration = Duration::from_secs(10);

/// The `/mcp` endpoint.
pub struct McpEndpoint {
    service: StreamableHttpService<NeonPanelServer, NeverSessionManager>,
    authenticator: Authenticator,
    /// Tells write tools from read tools for the scope check.
    toolbox: Toolbox,
    public_host: String,
    /// Upper bound for reading a streamed rmcp response to its end.
    collect_timeout: Duration,
}

impl std::fmt::Debug for McpEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("McpEndpoint")
            .field("authenticator", &self.authenticator)
            .field("public_host", &self.public_host)
            .finish_non_exhaustive()
    }
}

impl McpEndpoint {
    /// Builds the endpoint and its rmcp service. Makes no network call.
    pub fn new(
        config: &Config,
        tokens: AccessTokens,
        neonpanel: NeonPanelClient,
        clock: Arc<dyn Clock>,
    ) -> Self {
        let urls = &config.public_urls;
        let toolbox = Toolbox::new(neonpanel);
        let handler = NeonPanelServer::new(toolbox.clone(), urls.resource_metadata());
        let service = StreamableHttpService::new(
            move || Ok(handler.clone()),
            Arc::new(NeverSessionManager::default()),
            transport_config(urls, &config.allowed_origins),
        );
        let authenticator = Authenticator::new(
            tokens,
            config.mcp_auth.clone(),
            clock,
            urls.resource_metadata(),
        );
        Self {
            service,
            authenticator,
            toolbox,
            public_host: urls.host().to_ascii_lowercase(),
            collect_timeout: config.neonpanel.request_timeout + SSE_COLLECT_MARGIN,
        }
    }

    /// Returns the issuer-verifier of access tokens, so tests can mint tokens
    /// this endpoint accepts.
    pub fn access_tokens(&self) -> &AccessTokens {
        self.authenticator.access_tokens()
    }

    /// Serves one request to `/mcp` or `/mcp/`.
    pub async fn handle(&self, request: Request) -> Response {
        if let Some(response) = self.host_rejection(&request) {
            return response;
        }

        if request.method() != Method::POST {
            return web::method_not_allowed("POST");
        }

        let caller = match self.authenticator.authenticate(request.headers()) {
            Ok(caller) => caller,
            Err(failure) => return self.authenticator.challenge(failure),
        };

        let message = match envelope::check(request.body()) {
            Ok(message) => message,
            Err(error) => return error.into_response(),
        };
        if let Some(response) = self.scope_rejection(&caller, &message) {
            return response;
        }

        let (mut parts, body) = request.into_parts();
        parts
            .headers
            .insert(ACCEPT, HeaderValue::from_static(RMCP_ACCEPT));
        parts.extensions.insert(caller);
        let request = http::Request::from_parts(parts, Full::new(body));

        let response = self.service.handle(request).await;
        self.collect(response).await
    }

    /// Returns the 403 step-up answer when the message calls a write tool and
    /// the caller lacks the write scope, or `None` otherwise.
    fn scope_rejection(&self, caller: &Caller, message: &Value) -> Option<Response> {
        let needed = Access::Write.required_scopes();
        if caller.has_scopes(needed) {
            return None;
        }
        let calls_write_tool = message["method"] == "tools/call"
            && message["params"]["name"]
                .as_str()
                .and_then(|name| self.toolbox.find(name))
                .is_some_and(|entry| entry.access() == Access::Write);
        if !calls_write_tool {
            return None;
        }
        let blocked = message;
        tracing::info!(
            tool = blocked["params"]["name"].as_str().unwrap_or_default(),
            "tool call rejected (insufficient scope, step-up requested)"
        );

        let challenge =
            auth::insufficient_scope_challenge(needed, self.authenticator.resource_metadata());
        let mut response = web::json(
            StatusCode::FORBIDDEN,
            &json!({
                "error": "insufficient_scope",
                "error_description": "this tool changes NeonPanel data; authorize again and grant read and write access",
                "scope": needed.join(" "),
            }),
        );
        let challenge = HeaderValue::from_str(&challenge)
            .expect("the challenge is built from a URL and fixed ASCII text");
        response
            .headers_mut()
            .insert(http::header::WWW_AUTHENTICATE, challenge);
        web::set_no_store(response.headers_mut());
        Some(response)
    }

    /// Returns the rejection of a request whose `Host` is not the public host,
    /// or `None` when the host is the public one. The port is not
    /// compared: behind API Gateway or a tunnel it may differ from the public
    /// URL's, and the host name alone defeats DNS rebinding.
    fn host_rejection(&self, request: &Request) -> Option<Response> {
        let host = match request.headers().get(HOST) {
            Some(value) => value
                .to_str()
                .ok()
                .and_then(|value| value.parse::<http::uri::Authority>().ok())
                .map(|authority| authority.host().to_owned()),
            None => request.uri().host().map(str::to_owned),
        };
        let Some(host) = host else {
            return Some(web::json(
                StatusCode::BAD_REQUEST,
                &json!({
                    "error": "invalid_request",
                    "error_description": "the Host header is missing or malformed",
                }),
            ));
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.eq_ignore_ascii_case(&self.public_host) {
            return None;
        }
        tracing::warn!(host, "rejected /mcp request for another host");
        Some(web::json(
            StatusCode::FORBIDDEN,
            &json!({
                "error": "forbidden",
                "error_description": "the Host header does not name this server",
            }),
        ))
    }

    /// Reads rmcp's response body into memory. A JSON body is passed on as it
    /// is. rmcp responds with an SSE stream only when a handler sends a
    /// message before its result, which these tools never do; if it happens,
    /// the stream's final JSON-RPC response is returned as plain JSON.
    async fn collect(
        &self,
        response: http::Response<
            http_body_util::combinators::BoxBody<Bytes, std::convert::Infallible>,
        >,
    ) -> Response {
        let (parts, body) = response.into_parts();
        let is_sse = parts
            .headers
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("text/event-stream"));

        let bytes = match tokio::time::timeout(self.collect_timeout, body.collect()).await {
            Ok(Ok(collected)) => collected.to_bytes(),
            Ok(Err(never)) => match never {},
            Err(_) => {
                tracing::error!("rmcp response did not finish in time");
                return internal_error("the MCP response did not finish in time");
            }
        };
        if !is_sse {
            let is_json = parts
                .headers
                .get(CONTENT_TYPE)
                .and_then(|value| value.to_str().ok())
                .is_some_and(|value| value.starts_with("application/json"));
            if parts.status.is_client_error() && !is_json {
                // rmcp words transport rejections (protocol version, Origin,
                // content type) as plain text; clients expect JSON-RPC.
                let message = String::from_utf8_lossy(&bytes).trim().to_owned();
                let mut response = envelope::EnvelopeError {
                    id: Value::Null,
                    code: envelope::INVALID_REQUEST,
                    message,
                }
                .into_response();
                *response.status_mut() = parts.status;
                return response;
            }
            return http::Response::from_parts(parts, bytes);
        }

        let Some(message) = final_sse_message(&bytes) else {
            tracing::error!("rmcp SSE response carried no JSON-RPC result");
            return internal_error("the MCP response carried no result");
        };
        tracing::info!("converted an SSE response to JSON");
        web::json(parts.status, &message)
    }
}

/// Configures rmcp's transport: stateless, JSON responses, Host and Origin
/// allow-lists from the public URL.
fn transport_config(urls: &PublicUrls, allowed_origins: &[String]) -> StreamableHttpServerConfig {
    let origins: Vec<String> = std::iter::once(urls.issuer())
        .chain(allowed_origins.iter().map(String::as_str))
        .map(origin_with_port)
        .collect();
    StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_sse_keep_alive(None)
        .with_sse_retry(None)
        .with_max_request_body_bytes(web::MAX_BODY_BYTES)
        .with_allowed_hosts([urls.authority().to_owned(), urls.host().to_owned()])
        .with_allowed_origins(origins)
}

/// Spells out the default port of an origin such as `https://host`: rmcp
/// matches an origin without a port against any port.
fn origin_with_port(origin: &str) -> String {
    let after_scheme = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    let has_port = after_scheme
        .rsplit_once(':')
        .is_some_and(|(_, port)| port.chars().all(|c| c.is_ascii_digit()));
    if has_port {
        return origin.to_owned();
    }
    let port = if origin.starts_with("https://") {
        443
    } else {
        80
    };
    format!("{origin}:{port}")
}

/// Finds the last JSON-RPC response or error in an SSE body.
fn final_sse_message(body: &[u8]) -> Option<Value> {
    let text = String::from_utf8_lossy(body);
    let mut last = None;
    for event in text.split("\n\n") {
        let data: Vec<&str> = event
            .lines()
            .filter_map(|line| line.strip_prefix("data:"))
            .map(|data| data.strip_prefix(' ').unwrap_or(data))
            .collect();
        if data.is_empty() {
            continue;
        }
        let Ok(message) = serde_json::from_str::<Value>(&data.join("\n")) else {
            continue;
        };
        let is_final = message.get("id").is_some()
            && (message.get("result").is_some() || message.get("error").is_some());
        if is_final {
            last = Some(message);
        }
    }
    last
}

fn internal_error(message: &str) -> Response {
    web::json(
        StatusCode::INTERNAL_SERVER_ERROR,
        &json!({
            "jsonrpc": "2.0",
            "id": null,
            "error": { "code": -32603, "message": message },
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn final_sse_message_skips_notifications() {
        let body =
            b"data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{}}\n\n\
            id: 1\ndata: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[]}}\n\n";
        let message = final_sse_message(body).unwrap();
        assert_eq!(message["id"], 1);
        assert_eq!(message["result"]["tools"], json!([]));
    }

    #[test]
    fn final_sse_message_without_result_is_none() {
        assert!(final_sse_message(b": keep-alive\n\n").is_none());
    }

    #[test]
    fn origin_of_default_port_is_explicit() {
        let urls = PublicUrls::parse("URL", "https://mcp.example.com").unwrap();
        assert_eq!(
            transport_config(&urls, &[]).allowed_origins,
            ["https://mcp.example.com:443"]
        );
        let urls = PublicUrls::parse("URL", "http://127.0.0.1:8787").unwrap();
        assert_eq!(
            transport_config(&urls, &[]).allowed_origins,
            ["http://127.0.0.1:8787"]
        );
    }

    #[test]
    fn configured_origins_are_allowed_with_ports() {
        let urls = PublicUrls::parse("URL", "https://mcp.example.com").unwrap();
        let configured = [
            "http://localhost:6274".to_owned(),
            "https://app.example".to_owned(),
        ];
        assert_eq!(
            transport_config(&urls, &configured).allowed_origins,
            [
                "https://mcp.example.com:443",
                "http://localhost:6274",
                "https://app.example:443"
            ]
        );
    }
}
