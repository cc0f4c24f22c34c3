//! HTTP types and helpers shared by every endpoint.
//!
//! Handlers take and return `http` crate values with fully buffered bodies,
//! the shape both `lambda_http` and the local hyper server can hand over
//! without copying logic between them.

use std::net::IpAddr;

use bytes::Bytes;
use http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue, PRAGMA};
use http::{HeaderMap, StatusCode};
use serde::Serialize;

/// A request with its body collected.
pub type Request = http::Request<Bytes>;
/// A response with its body collected.
pub type Response = http::Response<Bytes>;

/// Largest request body any endpoint reads, in bytes. Registration documents
/// and MCP requests are a few kilobytes; anything bigger is refused with 413.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Builds a JSON response.
pub fn json(status: StatusCode, body: &impl Serialize) -> Response {
    let bytes = serde_json::to_vec(body).expect("serializing a JSON response value cannot fail");
    let mut response = http::Response::new(Bytes::from(bytes));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// Builds an HTML response that no other site may frame.
pub fn html(status: StatusCode, body: String) -> Response {
    let mut response = http::Response::new(Bytes::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    headers.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    set_no_store(headers);
    response
}

/// Builds an empty response with the given status.
pub fn empty(status: StatusCode) -> Response {
    let mut response = http::Response::new(Bytes::new());
    *response.status_mut() = status;
    response
}

/// Marks a response as uncacheable (RFC 6749 section 5.1).
pub fn set_no_store(headers: &mut HeaderMap) {
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(PRAGMA, HeaderValue::from_static("no-cache"));
}

/// The JSON 404 every unknown path gets.
pub fn not_found() -> Response {
    json(
        StatusCode::NOT_FOUND,
        &serde_json::json!({ "error": "not_found", "error_description": "no such endpoint" }),
    )
}

/// A 405 listing the methods the path accepts.
pub fn method_not_allowed(allow: &'static str) -> Response {
    let mut response = json(
        StatusCode::METHOD_NOT_ALLOWED,
        &serde_json::json!({
            "error": "method_not_allowed",
            "error_description": format!("this endpoint accepts {allow}"),
        }),
    );
    response
        .headers_mut()
        .insert(http::header::ALLOW, HeaderValue::from_static(allow));
    response
}

/// Decoded `application/x-www-form-urlencoded` parameters or a query string,
/// in order, duplicates kept so callers can reject them (RFC 6749 section 3.1
/// forbids repeating a parameter).
#[derive(Clone, Debug, Default)]
pub struct Params(Vec<(String, String)>);

/// A parameter that appears more than once.
#[derive(Debug, PartialEq, Eq)]
pub struct RepeatedParam(pub String);

impl Params {
    /// Parses a URL-encoded string.
    pub fn parse(encoded: &[u8]) -> Self {
        Self(
            form_urlencoded::parse(encoded)
                .map(|(name, value)| (name.into_owned(), value.into_owned()))
                .collect(),
        )
    }

    /// Parses the query string of a request.
    pub fn from_query(request: &Request) -> Self {
        Self::parse(request.uri().query().unwrap_or_default().as_bytes())
    }

    /// Returns the single value of `name`, `Ok(None)` when it is absent, or an
    /// error when it is repeated.
    pub fn single(&self, name: &str) -> Result<Option<&str>, RepeatedParam> {
        let mut values = self.0.iter().filter(|(key, _)| key == name);
        let first = values.next().map(|(_, value)| value.as_str());
        if values.next().is_some() {
            return Err(RepeatedParam(name.to_owned()));
        }
        Ok(first)
    }

    /// Returns the first value of `name`, ignoring repeats.
    pub fn first(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Iterates over all pairs in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
    }
}

/// Whether the request's media type is `application/x-www-form-urlencoded`.
pub fn is_form(headers: &HeaderMap) -> bool {
    media_type(headers).is_some_and(|media| media == "application/x-www-form-urlencoded")
}

/// Whether the request's media type is `application/json`.
pub fn is_json(headers: &HeaderMap) -> bool {
    media_type(headers).is_some_and(|media| media == "application/json")
}

/// The lowercase media type of `Content-Type`, without parameters.
fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(CONTENT_TYPE)?.to_str().ok()?;
    let media = value.split(';').next()?.trim().to_ascii_lowercase();
    Some(media)
}

/// Whether a host name is a loopback host: `localhost`, 127.0.0.0/8 or `::1`.
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#x27;"),
            other => escaped.push(other),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_param_is_reported() {
        let params = Params::parse(b"state=a&state=b&scope=");
        assert_eq!(params.single("state"), Err(RepeatedParam("state".into())));
        assert_eq!(params.single("scope"), Ok(Some("")));
        assert_eq!(params.single("missing"), Ok(None));
    }

    #[test]
    fn plus_in_form_decodes_to_space() {
        let params = Params::parse(b"scope=a+b%20c");
        assert_eq!(params.single("scope"), Ok(Some("a b c")));
    }

    #[test]
    fn loopback_hosts_are_recognised() {
        assert!(is_loopback_host("localhost"));
        assert!(is_loopback_host("127.0.0.1"));
        assert!(is_loopback_host("127.8.9.10"));
        assert!(is_loopback_host("[::1]"));
        assert!(!is_loopback_host("example.com"));
        assert!(!is_loopback_host("10.0.0.1"));
    }

    #[test]
    fn html_escaping_covers_attribute_quotes() {
        assert_eq!(
            escape_html(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#x27;&amp;&#x27;&lt;/a&gt;"
        );
    }
}
