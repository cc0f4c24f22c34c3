//! Client for the NeonPanel REST API v1 (`https://my.neonpanel.com/api/v1`).
//!
//! Every call carries the integration access token (IAT) as a bearer token and
//! requests JSON. Failures come back as one typed [`NeonPanelError`] whose
//! messages never contain the IAT: the token lives only in [`IatSource`] and in
//! the `Authorization` header of outgoing requests, which neither `Debug`
//! output nor errors include.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};
use std::time::Instant;

use http::header::{ACCEPT, AUTHORIZATION, HeaderValue};
use http::{Method, StatusCode};
use serde_json::Value;
use url::Url;

use crate::config::NeonPanelSettings;
use crate::secret::Iat;

/// Largest NeonPanel response body the client reads, in bytes. List pages hold
/// at most 60 records, which stay well below this.
const MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

/// A failed NeonPanel call. The `Display` form is meant for people: it names
/// the failure and, where there is one, what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum NeonPanelError {
    /// NeonPanel returned a 4xx or 5xx status other than 422.
    #[error("NeonPanel returned HTTP {}: {message}", status.as_u16())]
    Status {
        /// The HTTP status NeonPanel returned.
        status: StatusCode,
        /// NeonPanel's `message`, or a generic text when the body had none.
        message: String,
    },
    /// NeonPanel rejected the input (HTTP 422, a Laravel validation error).
    #[error(
        "NeonPanel rejected the input: {message}{}",
        format_field_errors(errors)
    )]
    Validation {
        /// NeonPanel's `message`.
        message: String,
        /// Messages per input field, as NeonPanel keyed them.
        errors: BTreeMap<String, Vec<String>>,
    },
    /// No response arrived within the configured request timeout.
    #[error("NeonPanel did not answer within {seconds} seconds; try again later")]
    Timeout {
        /// The configured whole-request timeout.
        seconds: u64,
    },
    /// The TCP or TLS connection to NeonPanel failed.
    #[error(
        "cannot connect to NeonPanel at {base_url}; check the NeonPanel API URL or try again later"
    )]
    Connection {
        /// The configured NeonPanel base URL.
        base_url: String,
    },
    /// The request failed after connecting, for example when the connection
    /// was reset mid-response.
    #[error("the request to NeonPanel failed: {reason}")]
    Transport {
        /// The underlying error, without the request URL.
        reason: String,
    },
    /// NeonPanel returned 2xx with a body that is not JSON or is too large.
    #[error("NeonPanel returned an unreadable response (HTTP {}): {reason}", status.as_u16())]
    InvalidResponse {
        /// The HTTP status NeonPanel returned.
        status: StatusCode,
        /// What was wrong with the body.
        reason: String,
    },
}

impl NeonPanelError {
    /// The HTTP status NeonPanel returned, when it returned one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Status { status, .. } | Self::InvalidResponse { status, .. } => Some(*status),
            Self::Validation { .. } => Some(StatusCode::UNPROCESSABLE_ENTITY),
            Self::Timeout { .. } | Self::Connection { .. } | Self::Transport { .. } => None,
        }
    }
}

/// Errors while building the client at start-up.
#[derive(Debug, thiserror::Error)]
pub enum NeonPanelSetupError {
    #[error("the NeonPanel API URL {0} cannot carry paths; use an http or https URL")]
    BaseUrl(String),
    #[error("cannot build the HTTP client: {0}")]
    HttpClient(String),
}

/// Where the client reads the IAT from on every call.
///
/// The value sits behind a lock so that a later change can replace it after
/// NeonPanel answers 401 (the secret may have been rotated) without
/// rebuilding the client.
#[derive(Clone, Debug)]
pub struct IatSource(Arc<RwLock<Iat>>);

impl IatSource {
    /// Wraps the IAT read at start-up.
    pub fn new(iat: Iat) -> Self {
        Self(Arc::new(RwLock::new(iat)))
    }

    /// Returns the IAT to send now.
    pub fn current(&self) -> Iat {
        // A writer cannot panic while holding the lock (it only assigns), so a
        // poisoned lock still holds a whole value.
        match self.0.read() {
            Ok(iat) => iat.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Replaces the IAT for every later call.
    pub fn replace(&self, iat: Iat) {
        match self.0.write() {
            Ok(mut current) => *current = iat,
            Err(poisoned) => *poisoned.into_inner() = iat,
        }
    }
}

/// One NeonPanel API call: method, path segments and query parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiRequest {
    /// HTTP method.
    pub method: Method,
    /// Path segments after the base URL, unencoded, such as
    /// `["api", "v1", "companies", "<uuid>", "warehouses"]`. Each segment is
    /// percent-encoded on its own, so a value containing `/` or `?` stays one
    /// segment.
    pub segments: Vec<String>,
    /// Query parameters in order; a name may repeat (OpenAPI `form` style
    /// with `explode: true`).
    pub query: Vec<(String, String)>,
}

/// A NeonPanel API client. Cheap to clone: clones share one connection pool.
#[derive(Clone, Debug)]
pub struct NeonPanelClient {
    http: reqwest::Client,
    base_url: Url,
    iat: IatSource,
    request_timeout_seconds: u64,
}

impl NeonPanelClient {
    /// Builds a client. Makes no network call.
    pub fn new(settings: &NeonPanelSettings, iat: Iat) -> Result<Self, NeonPanelSetupError> {
        if settings.base_url.cannot_be_a_base()
            || !matches!(settings.base_url.scheme(), "http" | "https")
        {
            return Err(NeonPanelSetupError::BaseUrl(settings.base_url.to_string()));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.request_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("neonpanel-mcp/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| NeonPanelSetupError::HttpClient(error.to_string()))?;
        Ok(Self {
            http,
            base_url: settings.base_url.clone(),
            iat: IatSource::new(iat),
            request_timeout_seconds: settings.request_timeout.as_secs(),
        })
    }

    /// The IAT source, for replacing the token after a rotation.
    pub fn iat_source(&self) -> &IatSource {
        &self.iat
    }

    /// Builds the absolute URL of a call.
    pub fn url_for(&self, request: &ApiRequest) -> Url {
        let mut url = self.base_url.clone();
        {
            let mut path = url
                .path_segments_mut()
                .expect("the base URL was checked to carry paths in new()");
            path.pop_if_empty();
            for segment in &request.segments {
                path.push(segment);
            }
        }
        if !request.query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(request.query.iter().map(|(name, value)| (name, value)));
        }
        url
    }

    /// Sends a call and returns NeonPanel's JSON body.
    pub async fn send(&self, request: &ApiRequest) -> Result<Value, NeonPanelError> {
        let url = self.url_for(request);
        let started = Instant::now();
        let result = self.send_once(request.method.clone(), url.clone()).await;
        let status = match &result {
            Ok(_) => 200,
            Err(error) => error.status().map_or(0, |status| status.as_u16()),
        };
        tracing::info!(
            method = %request.method,
            path = url.path(),
            status,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "neonpanel call finished"
        );
        result
    }

    async fn send_once(&self, method: Method, url: Url) -> Result<Value, NeonPanelError> {
        let authorization = bearer_header(&self.iat.current());
        let mut response = self
            .http
            .request(method, url)
            .header(AUTHORIZATION, authorization)
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .send()
            .await
            .map_err(|error| self.transport_error(error))?;

        let status = response.status();
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|error| self.transport_error(error))?
        {
            if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
                return Err(NeonPanelError::InvalidResponse {
                    status,
                    reason: format!("the body is larger than {MAX_RESPONSE_BYTES} bytes"),
                });
            }
            body.extend_from_slice(&chunk);
        }

        if status.is_success() {
            return serde_json::from_slice(&body).map_err(|error| {
                NeonPanelError::InvalidResponse {
                    status,
                    reason: format!("the body is not JSON ({error})"),
                }
            });
        }
        Err(error_from_body(status, &body))
    }

    /// Maps a reqwest error to a typed error. reqwest's own message names the
    /// request URL, which may carry query values, so only its kind is kept.
    fn transport_error(&self, error: reqwest::Error) -> NeonPanelError {
        if error.is_timeout() {
            NeonPanelError::Timeout {
                seconds: self.request_timeout_seconds,
            }
        } else if error.is_connect() {
            NeonPanelError::Connection {
                base_url: self.base_url.to_string(),
            }
        } else {
            NeonPanelError::Transport {
                reason: error.without_url().to_string(),
            }
        }
    }
}

/// Builds `Authorization: Bearer <IAT>`, marked sensitive so that `http`'s
/// `Debug` output of the header map prints `Sensitive` instead of the value.
fn bearer_header(iat: &Iat) -> HeaderValue {
    // An IAT with bytes that are invalid in a header value cannot be sent at
    // all; sending an empty bearer makes NeonPanel answer 401, which names the
    // credential as the problem without echoing it.
    let mut value = HeaderValue::from_str(&format!("Bearer {}", iat.expose()))
        .unwrap_or_else(|_| HeaderValue::from_static("Bearer"));
    value.set_sensitive(true);
    value
}

/// Reads NeonPanel's error envelope: `{"message": ...}`, plus a field-keyed
/// `errors` object on 422.
fn error_from_body(status: StatusCode, body: &[u8]) -> NeonPanelError {
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let message = parsed
        .as_ref()
        .and_then(|value| value.get("message"))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| {
            status
                .canonical_reason()
                .unwrap_or("no error message")
                .to_owned()
        });

    if status == StatusCode::UNPROCESSABLE_ENTITY {
        let errors = parsed
            .as_ref()
            .and_then(|value| value.get("errors"))
            .and_then(|errors| serde_json::from_value(errors.clone()).ok())
            .unwrap_or_default();
        return NeonPanelError::Validation { message, errors };
    }
    NeonPanelError::Status { status, message }
}

fn format_field_errors(errors: &BTreeMap<String, Vec<String>>) -> String {
    let mut text = String::new();
    for (field, messages) in errors {
        text.push_str(&format!(" ({field}: {})", messages.join("; ")));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(base_url: &str) -> NeonPanelClient {
        let settings = NeonPanelSettings {
            base_url: base_url.parse().unwrap(),
            ..NeonPanelSettings::default()
        };
        NeonPanelClient::new(&settings, Iat::new("np-secret-iat")).unwrap()
    }

    #[test]
    fn path_values_are_encoded_as_one_segment() {
        let request = ApiRequest {
            method: Method::GET,
            segments: vec![
                "api".into(),
                "v1".into(),
                "companies".into(),
                "a/b?c".into(),
            ],
            query: vec![],
        };
        let url = client("https://my.neonpanel.com").url_for(&request);
        assert_eq!(
            url.as_str(),
            "https://my.neonpanel.com/api/v1/companies/a%2Fb%3Fc"
        );
    }

    #[test]
    fn repeated_query_names_are_kept() {
        let request = ApiRequest {
            method: Method::GET,
            segments: vec!["api".into(), "v1".into(), "revenue-and-cogs".into()],
            query: vec![
                ("country_codes".into(), "US".into()),
                ("country_codes".into(), "DE".into()),
                ("start_date".into(), "2024-01-01".into()),
            ],
        };
        let url = client("http://127.0.0.1:9/").url_for(&request);
        assert_eq!(
            url.as_str(),
            "http://127.0.0.1:9/api/v1/revenue-and-cogs?country_codes=US&country_codes=DE&start_date=2024-01-01"
        );
    }

    #[test]
    fn debug_output_omits_iat() {
        let client = client("https://my.neonpanel.com");
        assert!(!format!("{client:?}").contains("np-secret-iat"));
        assert!(!format!("{:?}", bearer_header(&client.iat.current())).contains("np-secret-iat"));
    }

    #[test]
    fn replaced_iat_is_used_next() {
        let client = client("https://my.neonpanel.com");
        client.iat_source().replace(Iat::new("rotated"));
        assert_eq!(client.iat.current().expose(), "rotated");
    }

    #[test]
    fn validation_error_lists_field_messages() {
        let body = br#"{"message":"The given data was invalid.","errors":{"start_date":["The start date field is required."]}}"#;
        let error = error_from_body(StatusCode::UNPROCESSABLE_ENTITY, body);
        assert_eq!(
            error.to_string(),
            "NeonPanel rejected the input: The given data was invalid. (start_date: The start date field is required.)"
        );
    }

    #[test]
    fn error_without_json_body_uses_status_reason() {
        let error = error_from_body(StatusCode::BAD_GATEWAY, b"<html>bad gateway</html>");
        assert_eq!(
            error.to_string(),
            "NeonPanel returned HTTP 502: Bad Gateway"
        );
    }

    #[test]
    fn url_without_path_support_is_rejected() {
        let settings = NeonPanelSettings {
            base_url: "mailto:ops@example.com".parse().unwrap(),
            ..NeonPanelSettings::default()
        };
        assert!(NeonPanelClient::new(&settings, Iat::new("x")).is_err());
    }
}
