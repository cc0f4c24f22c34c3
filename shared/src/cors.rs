//! Cross-origin access for browser-based MCP clients, such as MCP Inspector,
//! which discover, register and exchange tokens from a page on another origin
//! ([Fetch standard, CORS protocol](https://fetch.spec.whatwg.org/#http-cors-protocol)).
//!
//! The metadata documents, `/register` and `/token` are readable from any
//! origin: none of them relies on cookies, so `*` grants nothing a script
//! could not already do by asking its own server to make the request.
//! `/authorize` is a page a person navigates to and needs no CORS. `/mcp`
//! keeps its own `Origin` check against DNS rebinding.

use http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE, HeaderValue,
};
use http::{Method, StatusCode};

use crate::web::{self, Response};

/// Returns whether browser scripts from any origin may call `path`.
pub fn path_is_open(path: &str) -> bool {
    path.starts_with("/.well-known/") || path == "/register" || path == "/token"
}

/// Builds the response to a CORS preflight (`OPTIONS`) for an open path,
/// without authentication.
pub fn preflight(path: &str) -> Response {
    let methods = if path.starts_with("/.well-known/") {
        "GET, HEAD, OPTIONS"
    } else {
        "POST, OPTIONS"
    };
    let mut response = web::empty(StatusCode::NO_CONTENT);
    let headers = response.headers_mut();
    headers.insert(
        ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static(methods),
    );
    headers.insert(
        ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("authorization, content-type, mcp-protocol-version"),
    );
    headers.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
    allow_any_origin(&mut response);
    response
}

/// Returns whether the request is a preflight, an `OPTIONS` on an open path.
pub fn is_preflight(method: &Method, path: &str) -> bool {
    method == Method::OPTIONS && path_is_open(path)
}

/// Lets any origin read the response, including its `WWW-Authenticate` header.
pub fn allow_any_origin(response: &mut Response) {
    let headers = response.headers_mut();
    headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    headers.insert(
        ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("www-authenticate"),
    );
}
