//! Bearer token authentication of `/mcp` (RFC 6750, MCP authorization
//! <https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization>).
//!
//! Tokens are verified in memory with [`AccessTokens::verify`]; no storage is
//! read. A request without a token gets 401 with a `WWW-Authenticate`
//! challenge naming the protected resource metadata URL (RFC 9728 section
//! 5.1), which is how MCP clients discover where to start OAuth. A rejected
//! token adds `error="invalid_token"` (RFC 6750 section 3.1).

use std::sync::Arc;

use http::header::{AUTHORIZATION, HeaderValue, WWW_AUTHENTICATE};
use http::{HeaderMap, StatusCode};
use serde_json::json;

use crate::clock::Clock;
use crate::config::McpAuth;
use crate::jwt::{AccessClaims, AccessTokens};
use crate::secret::constant_time_eq;
use crate::web::{self, Response};

/// The sender of an authenticated `/mcp` request. The endpoint stores it in the
/// HTTP request extensions, and tool handlers read it back through
/// [`caller_of`](super::server::caller_of) to decide per-tool access.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Caller {
    /// A client holding an access token this server issued.
    Token(AccessClaims),
    /// Someone presenting the development API key.
    ApiKey,
    /// Anyone at all: authentication is switched off.
    Unauthenticated,
}

impl Caller {
    /// Whether the caller was granted `scope`. The development API key and
    /// switched-off authentication stand for the operator, who has every
    /// scope.
    pub fn has_scope(&self, scope: &str) -> bool {
        match self {
            Self::Token(claims) => claims.scopes().contains(scope),
            Self::ApiKey | Self::Unauthenticated => true,
        }
    }

    /// Returns whether the caller has every scope of `scopes`.
    pub fn has_scopes(&self, scopes: &[&str]) -> bool {
        scopes.iter().all(|scope| self.has_scope(scope))
    }
}

/// Builds the `WWW-Authenticate` value that tells a client to obtain a token
/// with `scopes` (RFC 6750 section 3.1, `insufficient_scope`; MCP step-up
/// authorization).
pub fn insufficient_scope_challenge(scopes: &[&str], resource_metadata: &str) -> String {
    format!(
        r#"Bearer error="insufficient_scope", scope="{}", resource_metadata="{resource_metadata}", error_description="this tool changes NeonPanel data and needs the neonpanel:write scope""#,
        scopes.join(" ")
    )
}

/// Checks the `Authorization` header of `/mcp` requests.
#[derive(Debug)]
pub struct Authenticator {
    tokens: AccessTokens,
    mode: McpAuth,
    clock: Arc<dyn Clock>,
    /// Quoted into every challenge, so built once.
    resource_metadata: String,
}

/// The reason a request was not authenticated. [`Authenticator::challenge`]
/// turns it into the response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// No `Authorization: Bearer` header.
    MissingToken,
    /// A bearer token that is malformed, expired or meant for someone else.
    InvalidToken,
    /// More than one `Authorization` header.
    AmbiguousCredentials,
}

impl Authenticator {
    /// Creates an authenticator for `mode`; `resource_metadata` is the
    /// absolute protected resource metadata URL.
    pub fn new(
        tokens: AccessTokens,
        mode: McpAuth,
        clock: Arc<dyn Clock>,
        resource_metadata: String,
    ) -> Self {
        Self {
            tokens,
            mode,
            clock,
            resource_metadata,
        }
    }

    /// The protected resource metadata URL named in challenges.
    pub fn resource_metadata(&self) -> &str {
        &self.resource_metadata
    }

    /// Returns the token issuer-verifier, for tests that mint their own tokens.
    pub fn access_tokens(&self) -> &AccessTokens {
        &self.tokens
    }

    /// Authenticates a request.
    pub fn authenticate(&self, headers: &HeaderMap) -> Result<Caller, Failure> {
        let api_key = match &self.mode {
            McpAuth::DangerouslyNone => return Ok(Caller::Unauthenticated),
            McpAuth::OAuth => None,
            McpAuth::OAuthOrApiKey(key) => Some(key),
        };

        let token = bearer_token(headers)?;

        if let Some(key) = api_key
            && constant_time_eq(token.as_bytes(), key.expose().as_bytes())
        {
            return Ok(Caller::ApiKey);
        }

        match self.tokens.verify(token, self.clock.now()) {
            Ok(claims) => Ok(Caller::Token(claims)),
            Err(rejection) => {
                tracing::info!(reason = %rejection, "access token rejected");
                Err(Failure::InvalidToken)
            }
        }
    }

    /// Builds the 401 or 400 response with its `WWW-Authenticate` challenge.
    pub fn challenge(&self, failure: Failure) -> Response {
        let metadata = &self.resource_metadata;
        let (status, challenge, body) = match failure {
            Failure::MissingToken => (
                StatusCode::UNAUTHORIZED,
                format!(r#"Bearer resource_metadata="{metadata}""#),
                json!({
                    "error": "unauthorized",
                    "error_description": "this endpoint requires an OAuth access token; the protected resource metadata in WWW-Authenticate names the authorization server",
                }),
            ),
            Failure::InvalidToken => (
                StatusCode::UNAUTHORIZED,
                format!(
                    r#"Bearer resource_metadata="{metadata}", error="invalid_token", error_description="the access token is invalid or has expired""#
                ),
                json!({
                    "error": "invalid_token",
                    "error_description": "the access token is invalid or has expired; obtain a new one",
                }),
            ),
            Failure::AmbiguousCredentials => (
                StatusCode::BAD_REQUEST,
                format!(
                    r#"Bearer resource_metadata="{metadata}", error="invalid_request", error_description="send exactly one Authorization header""#
                ),
                json!({
                    "error": "invalid_request",
                    "error_description": "send exactly one Authorization header",
                }),
            ),
        };

        let mut response = web::json(status, &body);
        let challenge = HeaderValue::from_str(&challenge)
            .expect("the challenge is built from a URL and fixed ASCII text");
        response.headers_mut().insert(WWW_AUTHENTICATE, challenge);
        web::set_no_store(response.headers_mut());
        response
    }
}

/// Extracts the token of `Authorization: Bearer <token>` (RFC 6750 section
/// 2.1). The scheme name is case-insensitive. Another scheme counts as no
/// bearer token at all, which RFC 6750 section 3.1 handles without an error code.
fn bearer_token(headers: &HeaderMap) -> Result<&str, Failure> {
    let mut values = headers.get_all(AUTHORIZATION).iter();
    let Some(value) = values.next() else {
        return Err(Failure::MissingToken);
    };
    if values.next().is_some() {
        return Err(Failure::AmbiguousCredentials);
    }

    let value = value.to_str().map_err(|_| Failure::InvalidToken)?;
    let Some((scheme, token)) = value.split_once(' ') else {
        return if value.eq_ignore_ascii_case("bearer") {
            Err(Failure::InvalidToken)
        } else {
            Err(Failure::MissingToken)
        };
    };
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(Failure::MissingToken);
    }
    let token = token.trim();
    if token.is_empty() {
        return Err(Failure::InvalidToken);
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    #[test]
    fn bearer_scheme_is_case_insensitive() {
        assert_eq!(bearer_token(&headers(&["bearer abc"])), Ok("abc"));
        assert_eq!(bearer_token(&headers(&["BEARER abc"])), Ok("abc"));
    }

    #[test]
    fn other_scheme_counts_as_missing_token() {
        assert_eq!(
            bearer_token(&headers(&["Basic dXNlcjpwYXNz"])),
            Err(Failure::MissingToken)
        );
        assert_eq!(bearer_token(&headers(&[])), Err(Failure::MissingToken));
    }

    #[test]
    fn empty_bearer_token_is_invalid() {
        assert_eq!(
            bearer_token(&headers(&["Bearer"])),
            Err(Failure::InvalidToken)
        );
        assert_eq!(
            bearer_token(&headers(&["Bearer   "])),
            Err(Failure::InvalidToken)
        );
    }

    #[test]
    fn two_authorization_headers_are_ambiguous() {
        assert_eq!(
            bearer_token(&headers(&["Bearer a", "Bearer b"])),
            Err(Failure::AmbiguousCredentials)
        );
    }
}
