//! OAuth wire errors, one enum per endpoint, each turned into an HTTP
//! response in exactly one place:
//!
//! - registration: RFC 7591 section 3.2.2, a 400 JSON object;
//! - authorization: RFC 6749 section 4.1.2.1, a redirect to the client once
//!   the client and its redirect URI are validated, an HTML page on this
//!   server before that;
//! - token: RFC 6749 section 5.2, a JSON object, uncacheable.
//!
//! Descriptions are meant for the developer of the client. They never
//! contain a secret: not a code, token, verifier, client secret or access code.

use http::StatusCode;
use http::header::{HeaderValue, LOCATION, RETRY_AFTER, WWW_AUTHENTICATE};
use serde_json::json;
use url::Url;

use super::consent;
use crate::store::StoreError;
use crate::web::{self, Response};

/// Seconds a client should wait before retrying when storage is unavailable.
const RETRY_AFTER_SECONDS: &str = "2";

/// The realm named in `WWW-Authenticate: Basic` challenges.
pub const BASIC_REALM: &str = "neonpanel-mcp";

/// An error code as registered for OAuth (RFC 6749 section 11.4, RFC 7591
/// section 3.2.2, RFC 8707 section 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    UnauthorizedClient,
    UnsupportedGrantType,
    UnsupportedResponseType,
    InvalidScope,
    InvalidTarget,
    AccessDenied,
    InvalidRedirectUri,
    InvalidClientMetadata,
    ServerError,
    TemporarilyUnavailable,
}

impl ErrorCode {
    /// The code as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidClient => "invalid_client",
            Self::InvalidGrant => "invalid_grant",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::UnsupportedResponseType => "unsupported_response_type",
            Self::InvalidScope => "invalid_scope",
            Self::InvalidTarget => "invalid_target",
            Self::AccessDenied => "access_denied",
            Self::InvalidRedirectUri => "invalid_redirect_uri",
            Self::InvalidClientMetadata => "invalid_client_metadata",
            Self::ServerError => "server_error",
            Self::TemporarilyUnavailable => "temporarily_unavailable",
        }
    }
}

/// Why a registration request failed (RFC 7591 section 3.2.2).
#[derive(Debug, thiserror::Error)]
pub enum RegistrationError {
    #[error("{0}")]
    InvalidRedirectUri(String),
    #[error("{0}")]
    InvalidClientMetadata(String),
    #[error(transparent)]
    Storage(#[from] StoreError),
}

impl RegistrationError {
    /// Converts the error into its HTTP response.
    pub fn into_response(self) -> Response {
        let (code, description) = match self {
            Self::InvalidRedirectUri(description) => (ErrorCode::InvalidRedirectUri, description),
            Self::InvalidClientMetadata(description) => {
                (ErrorCode::InvalidClientMetadata, description)
            }
            Self::Storage(error) => return storage_json_response(&error),
        };
        let mut response = error_json(StatusCode::BAD_REQUEST, code, &description);
        web::set_no_store(response.headers_mut());
        response
    }
}

/// Where an authorization error is sent once the client and its redirect URI
/// are known to be genuine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RedirectTarget {
    /// The validated redirect URI.
    pub redirect_uri: String,
    /// The client's `state`, echoed unchanged.
    pub state: Option<String>,
}

/// Why an authorization request or consent decision failed.
#[derive(Debug, thiserror::Error)]
pub enum AuthorizeError {
    /// The client is unknown, so nothing may be redirected to it.
    #[error("{0}")]
    UnknownClient(String),
    /// The redirect URI is missing, repeated or not registered for the client.
    #[error("{0}")]
    InvalidRedirectUri(String),
    /// The consent form was not sent from this server's page, or it expired.
    #[error("{0}")]
    InvalidConsentForm(String),
    /// Storage failed before anything could be decided.
    #[error(transparent)]
    Storage(#[from] StoreError),
    /// An error the client learns about through its redirect URI.
    #[error("{description}")]
    Redirect {
        target: RedirectTarget,
        code: ErrorCode,
        description: String,
    },
}

impl AuthorizeError {
    /// Builds an error that redirects to the client.
    pub fn redirect(
        target: &RedirectTarget,
        code: ErrorCode,
        description: impl Into<String>,
    ) -> Self {
        Self::Redirect {
            target: target.clone(),
            code,
            description: description.into(),
        }
    }

    /// Converts the error into its HTTP response: an HTML page on this server
    /// or a `303 See Other` to the client carrying `error`, `state` and `iss`.
    pub fn into_response(self, issuer: &str) -> Response {
        match self {
            Self::UnknownClient(message) => {
                consent::error_page(StatusCode::BAD_REQUEST, "Unknown application", &message)
            }
            Self::InvalidRedirectUri(message) => {
                consent::error_page(StatusCode::BAD_REQUEST, "Invalid redirect URI", &message)
            }
            Self::InvalidConsentForm(message) => {
                consent::error_page(StatusCode::BAD_REQUEST, "Consent form expired", &message)
            }
            Self::Storage(error) => {
                let (status, _) = storage_status(&error);
                consent::error_page(
                    status,
                    "Temporarily unavailable",
                    "the server cannot reach its storage; try again in a moment",
                )
            }
            Self::Redirect {
                target,
                code,
                description,
            } => redirect_to_client(
                &target,
                issuer,
                &[
                    ("error", code.as_str()),
                    ("error_description", description.as_str()),
                ],
            ),
        }
    }
}

/// Builds the `303 See Other` that sends the browser back to the client with
/// `params`, then `state` when the client sent one, then `iss` (RFC 9207).
pub fn redirect_to_client(
    target: &RedirectTarget,
    issuer: &str,
    params: &[(&str, &str)],
) -> Response {
    // Redirect URIs were parsed at registration and again at authorization,
    // so this parse only fails if the store was edited by hand.
    let Ok(mut location) = Url::parse(&target.redirect_uri) else {
        return consent::error_page(
            StatusCode::BAD_REQUEST,
            "Invalid redirect URI",
            "the registered redirect URI is not a valid URL; register the application again",
        );
    };
    {
        let mut query = location.query_pairs_mut();
        for (name, value) in params {
            query.append_pair(name, value);
        }
        if let Some(state) = &target.state {
            query.append_pair("state", state);
        }
        query.append_pair("iss", issuer);
    }
    let mut response = web::empty(StatusCode::SEE_OTHER);
    let headers = response.headers_mut();
    match HeaderValue::from_str(location.as_str()) {
        Ok(value) => {
            headers.insert(LOCATION, value);
        }
        Err(_) => {
            return consent::error_page(
                StatusCode::BAD_REQUEST,
                "Invalid redirect URI",
                "the redirect URI cannot be sent as a header",
            );
        }
    }
    web::set_no_store(headers);
    response
}

/// Why a token request failed (RFC 6749 section 5.2, RFC 8707 section 2).
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("{0}")]
    InvalidRequest(String),
    #[error("{0}")]
    InvalidClient(String),
    #[error("{0}")]
    InvalidGrant(String),
    #[error("{0}")]
    UnauthorizedClient(String),
    #[error("{0}")]
    UnsupportedGrantType(String),
    #[error("{0}")]
    InvalidScope(String),
    #[error("{0}")]
    InvalidTarget(String),
    #[error(transparent)]
    Storage(#[from] StoreError),
}

impl TokenError {
    /// The wire error code, or `None` for storage failures.
    pub fn code(&self) -> Option<ErrorCode> {
        Some(match self {
            Self::InvalidRequest(_) => ErrorCode::InvalidRequest,
            Self::InvalidClient(_) => ErrorCode::InvalidClient,
            Self::InvalidGrant(_) => ErrorCode::InvalidGrant,
            Self::UnauthorizedClient(_) => ErrorCode::UnauthorizedClient,
            Self::UnsupportedGrantType(_) => ErrorCode::UnsupportedGrantType,
            Self::InvalidScope(_) => ErrorCode::InvalidScope,
            Self::InvalidTarget(_) => ErrorCode::InvalidTarget,
            Self::Storage(_) => return None,
        })
    }

    /// Converts the error into its HTTP response. Every response is marked
    /// `no-store`. `invalid_client` is a 401 that always carries a `Basic`
    /// challenge, whichever authentication method the client tried, because
    /// RFC 6749 section 5.2 requires it for Basic and allows it otherwise.
    pub fn into_response(self) -> Response {
        let code = self.code();
        let mut response = match (code, self) {
            (_, Self::Storage(error)) => return storage_json_response(&error),
            (Some(code), error) => {
                let status = match code {
                    ErrorCode::InvalidClient => StatusCode::UNAUTHORIZED,
                    _ => StatusCode::BAD_REQUEST,
                };
                error_json(status, code, &error.to_string())
            }
            (None, error) => error_json(
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::ServerError,
                &error.to_string(),
            ),
        };
        let headers = response.headers_mut();
        if code == Some(ErrorCode::InvalidClient) {
            let challenge = format!("Basic realm=\"{BASIC_REALM}\"");
            headers.insert(
                WWW_AUTHENTICATE,
                HeaderValue::from_str(&challenge).expect("the realm is a constant ASCII string"),
            );
        }
        web::set_no_store(headers);
        response
    }
}

/// A JSON error object with `error` and `error_description`.
fn error_json(status: StatusCode, code: ErrorCode, description: &str) -> Response {
    web::json(
        status,
        &json!({ "error": code.as_str(), "error_description": description }),
    )
}

/// The status and wire code for a storage failure: 503 for an unavailable
/// backend, which may recover, 500 for a corrupt record, which will not.
fn storage_status(error: &StoreError) -> (StatusCode, ErrorCode) {
    match error {
        StoreError::Unavailable(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::TemporarilyUnavailable,
        ),
        StoreError::Corrupt(_) => (StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::ServerError),
    }
}

/// Builds the JSON response to a storage failure. The store's own message stays in
/// the log because it may name internal resources.
fn storage_json_response(error: &StoreError) -> Response {
    tracing::error!(error = %error, "storage request failed");
    let (status, code) = storage_status(error);
    let mut response = error_json(status, code, "storage is unavailable; retry shortly");
    let headers = response.headers_mut();
    if status == StatusCode::SERVICE_UNAVAILABLE {
        headers.insert(RETRY_AFTER, HeaderValue::from_static(RETRY_AFTER_SECONDS));
    }
    web::set_no_store(headers);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(response: &Response) -> serde_json::Value {
        serde_json::from_slice(response.body()).unwrap()
    }

    #[test]
    fn invalid_client_is_401_with_basic_challenge() {
        let response = TokenError::InvalidClient("wrong secret".into()).into_response();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            response.headers()[WWW_AUTHENTICATE],
            "Basic realm=\"neonpanel-mcp\""
        );
        assert_eq!(body(&response)["error"], "invalid_client");
    }

    #[test]
    fn invalid_grant_is_400_and_uncacheable() {
        let response = TokenError::InvalidGrant("code expired".into()).into_response();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(response.headers()["cache-control"], "no-store");
        assert_eq!(response.headers()["pragma"], "no-cache");
        assert!(response.headers().get(WWW_AUTHENTICATE).is_none());
        assert_eq!(body(&response)["error"], "invalid_grant");
        assert_eq!(body(&response)["error_description"], "code expired");
    }

    #[test]
    fn unavailable_storage_is_503_with_retry_after() {
        let error = TokenError::Storage(StoreError::Unavailable("throttled".into()));
        let response = error.into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[RETRY_AFTER], RETRY_AFTER_SECONDS);
        assert_eq!(response.headers()["cache-control"], "no-store");
        assert!(!body(&response).to_string().contains("throttled"));
    }

    #[test]
    fn registration_errors_use_rfc7591_codes() {
        let response = RegistrationError::InvalidRedirectUri("use https".into()).into_response();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(body(&response)["error"], "invalid_redirect_uri");
        let response = RegistrationError::InvalidClientMetadata("bad".into()).into_response();
        assert_eq!(body(&response)["error"], "invalid_client_metadata");
    }

    #[test]
    fn redirect_error_carries_state_and_issuer() {
        let target = RedirectTarget {
            redirect_uri: "https://client.example/cb?keep=1".into(),
            state: Some("s 1".into()),
        };
        let response = AuthorizeError::redirect(&target, ErrorCode::InvalidScope, "unknown scope")
            .into_response("https://mcp.example.com");
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let location = Url::parse(response.headers()[LOCATION].to_str().unwrap()).unwrap();
        let pairs: Vec<(String, String)> = location.query_pairs().into_owned().collect();
        assert_eq!(
            pairs,
            vec![
                ("keep".into(), "1".into()),
                ("error".into(), "invalid_scope".into()),
                ("error_description".into(), "unknown scope".into()),
                ("state".into(), "s 1".into()),
                ("iss".into(), "https://mcp.example.com".into()),
            ]
        );
    }

    #[test]
    fn unknown_client_gets_page_not_redirect() {
        let response = AuthorizeError::UnknownClient("no such client".into())
            .into_response("https://mcp.example.com");
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert!(response.headers().get(LOCATION).is_none());
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
    }
}
