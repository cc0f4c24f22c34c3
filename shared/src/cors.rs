//! Cross-origin access for browser-based MCP clients, such as MCP Inspector,
//! which discover, register, exchange tokens and call `/mcp` from a page on
//! another origin
//! ([Fetch standard, CORS protocol](https://fetch.spec.whatwg.org/#http-cors-protocol)).
//!
//! - The metadata documents, `/register` and `/token` are readable from any
//!   origin. None of them relies on cookies, so `*` grants nothing a script
//!   could not already do by asking its own server to make the request.
//! - `/mcp` answers only the public origin and the configured allowed
//!   origins, because a page on any other origin reaching a local server is
//!   what DNS rebinding attacks look like. rmcp checks `Origin` on the
//!   request itself, and this module responds to the preflight and adds the
//!   headers that let an allowed page read the response.
//! - `/authorize` is a page a person navigates to and needs no CORS.
//!
//! Preflights carry no credentials, so they are answered without
//! authentication.

use http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE, HeaderMap, HeaderValue, ORIGIN, VARY,
};
use http::{Method, StatusCode};
use serde_json::json;

use crate::config::PublicUrls;
use crate::web::{self, Response};

/// Request headers a browser client may send.
const ALLOWED_HEADERS: &str =
    "authorization, content-type, mcp-protocol-version, mcp-session-id, last-event-id";
/// Response headers a browser client may read besides the CORS-safelisted ones.
const EXPOSED_HEADERS: &str = "www-authenticate, mcp-protocol-version, mcp-session-id";

/// The browser origins allowed on each path.
#[derive(Clone, Debug)]
pub struct CorsPolicy {
    /// Origins allowed on `/mcp`: the public origin and the configured ones,
    /// serialized as browsers send them.
    mcp_origins: Vec<String>,
}

impl CorsPolicy {
    /// Builds the policy from the public URL and the configured origins.
    pub fn new(urls: &PublicUrls, allowed_origins: &[String]) -> Self {
        let mut mcp_origins = vec![urls.issuer().to_owned()];
        mcp_origins.extend(allowed_origins.iter().cloned());
        Self { mcp_origins }
    }

    /// Builds a policy with no origin allowed on `/mcp`, for entry points
    /// that do not serve it. The open paths still accept every origin.
    pub fn open_paths_only() -> Self {
        Self {
            mcp_origins: Vec::new(),
        }
    }

    /// Origins allowed on `/mcp`, as browsers send them.
    pub fn mcp_origins(&self) -> &[String] {
        &self.mcp_origins
    }

    /// Returns the preflight response when the request is a CORS preflight
    /// for a path with cross-origin access, or `None` otherwise.
    pub fn preflight(&self, method: &Method, path: &str, headers: &HeaderMap) -> Option<Response> {
        if method != Method::OPTIONS || !headers.contains_key("access-control-request-method") {
            return None;
        }
        let allow_origin = if path_is_open(path) {
            HeaderValue::from_static("*")
        } else if is_mcp(path) {
            let origin = request_origin(headers)?;
            if !self.mcp_origin_is_allowed(origin) {
                tracing::info!(
                    origin,
                    "cors preflight rejected (origin not allowed on /mcp)"
                );
                return Some(web::json(
                    StatusCode::FORBIDDEN,
                    &json!({
                        "error": "forbidden",
                        "error_description": "this origin may not call /mcp; the operator can allow it in the server's allowed origins",
                    }),
                ));
            }
            HeaderValue::from_str(origin).ok()?
        } else {
            return None;
        };

        let methods = if path.starts_with("/.well-known/") {
            "GET, HEAD, OPTIONS"
        } else {
            "POST, OPTIONS"
        };
        let mut response = web::empty(StatusCode::NO_CONTENT);
        let response_headers = response.headers_mut();
        response_headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
        response_headers.insert(
            ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static(methods),
        );
        response_headers.insert(
            ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static(ALLOWED_HEADERS),
        );
        response_headers.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
        response_headers.insert(VARY, HeaderValue::from_static("origin"));
        Some(response)
    }

    /// Adds the headers that let a browser page read `response`, when the
    /// request's path and `Origin` allow it.
    pub fn decorate(&self, path: &str, origin: Option<&HeaderValue>, response: &mut Response) {
        let allow_origin = if path_is_open(path) {
            HeaderValue::from_static("*")
        } else if is_mcp(path) {
            response
                .headers_mut()
                .append(VARY, HeaderValue::from_static("origin"));
            let Some(origin) = origin.and_then(|value| value.to_str().ok()) else {
                return;
            };
            if !self.mcp_origin_is_allowed(origin) {
                return;
            }
            match HeaderValue::from_str(origin) {
                Ok(value) => value,
                Err(_) => return,
            }
        } else {
            return;
        };
        let headers = response.headers_mut();
        headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
        headers.insert(
            ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(EXPOSED_HEADERS),
        );
    }

    fn mcp_origin_is_allowed(&self, origin: &str) -> bool {
        self.mcp_origins
            .iter()
            .any(|allowed| allowed.eq_ignore_ascii_case(origin))
    }
}

/// Returns whether browser scripts from any origin may call `path`.
pub fn path_is_open(path: &str) -> bool {
    path.starts_with("/.well-known/") || path == "/register" || path == "/token"
}

fn is_mcp(path: &str) -> bool {
    path == "/mcp" || path == "/mcp/"
}

fn request_origin(headers: &HeaderMap) -> Option<&str> {
    headers.get(ORIGIN)?.to_str().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> CorsPolicy {
        let urls = PublicUrls::parse("URL", "https://mcp.example.com").unwrap();
        CorsPolicy::new(&urls, &["http://localhost:6274".to_owned()])
    }

    fn preflight_headers(origin: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(ORIGIN, HeaderValue::from_str(origin).unwrap());
        headers.insert(
            "access-control-request-method",
            HeaderValue::from_static("POST"),
        );
        headers
    }

    #[test]
    fn mcp_preflight_from_allowed_origin_echoes_it() {
        let response = policy()
            .preflight(
                &Method::OPTIONS,
                "/mcp",
                &preflight_headers("http://localhost:6274"),
            )
            .unwrap();
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        assert_eq!(
            response.headers()[ACCESS_CONTROL_ALLOW_ORIGIN],
            "http://localhost:6274"
        );
    }

    #[test]
    fn mcp_preflight_from_other_origin_is_forbidden() {
        let response = policy()
            .preflight(
                &Method::OPTIONS,
                "/mcp",
                &preflight_headers("https://evil.example"),
            )
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert!(
            response
                .headers()
                .get(ACCESS_CONTROL_ALLOW_ORIGIN)
                .is_none()
        );
    }

    #[test]
    fn options_without_preflight_header_is_not_a_preflight() {
        let mut headers = HeaderMap::new();
        headers.insert(ORIGIN, HeaderValue::from_static("http://localhost:6274"));
        assert!(
            policy()
                .preflight(&Method::OPTIONS, "/mcp", &headers)
                .is_none()
        );
    }

    #[test]
    fn token_preflight_allows_any_origin() {
        let response = policy()
            .preflight(
                &Method::OPTIONS,
                "/token",
                &preflight_headers("https://any.example"),
            )
            .unwrap();
        assert_eq!(response.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    }

    #[test]
    fn authorize_gets_no_cors() {
        let response = policy().preflight(
            &Method::OPTIONS,
            "/authorize",
            &preflight_headers("https://any.example"),
        );
        assert!(response.is_none());
    }
}
