//! Client for the NeonPanel REST API v1 (`https://my.neonpanel.com/api/v1`).
//!
//! Every call carries the integration access token (IAT) as a bearer token and
//! requests JSON. Failures come back as one typed [`NeonPanelError`] whose
//! messages never contain the IAT: the token lives only in [`IatSource`] and in
//! the `Authorization` header of outgoing requests, which neither `Debug`
//! output nor errors include.
//!
//! Recovery rules:
//! - 401: the IAT may have been rotated, so the client re-reads it through
//!   its [`IatLoader`] once (concurrent calls share one reload) and repeats
//!   the call once. NeonPanel did not act on a rejected request, so this
//!   holds for writes too.
//! - 429, 5xx, timeouts and connection failures: reads (GET) are repeated
//!   with exponential backoff, bounded by [`NeonPanelSettings::max_retries`]
//!   and [`NeonPanelSettings::retry_window`]. Writes are never repeated,
//!   because NeonPanel may have acted on them before failing.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use http::header::{ACCEPT, AUTHORIZATION, HeaderValue, RETRY_AFTER};
use http::{Method, StatusCode};
use serde_json::Value;
use url::Url;

use crate::config::{IatLoader, NeonPanelSettings};
use crate::secret::Iat;

/// Largest NeonPanel response body the client reads, in bytes. List pages hold
/// at most 60 records, which stay well below this.
pub const MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

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
    /// NeonPanel returned a body larger than [`MAX_RESPONSE_BYTES`].
    #[error(
        "NeonPanel returned more than {limit} bytes, more than this server reads; ask for fewer records with per_page or narrow the query with filters such as search or dates"
    )]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// NeonPanel returned 2xx with a body that is not JSON.
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
            Self::Timeout { .. }
            | Self::Connection { .. }
            | Self::Transport { .. }
            | Self::TooLarge { .. } => None,
        }
    }

    /// Whether repeating the same read may succeed: rate limiting, server
    /// failures, timeouts and lost connections.
    fn is_transient(&self) -> bool {
        match self {
            Self::Status { status, .. } => {
                *status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
            }
            Self::Timeout { .. } | Self::Connection { .. } | Self::Transport { .. } => true,
            Self::Validation { .. } | Self::TooLarge { .. } | Self::InvalidResponse { .. } => false,
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

/// Where the client reads the IAT from on every call, and how it re-reads it
/// after NeonPanel rejects it.
#[derive(Clone, Debug)]
pub struct IatSource(Arc<IatState>);

#[derive(Debug)]
struct IatState {
    /// The IAT to send and its generation, which grows with every reload so
    /// that a caller can tell whether someone reloaded since its attempt.
    current: RwLock<(Iat, u64)>,
    loader: Option<Arc<dyn IatLoader>>,
    /// Held during a reload, so concurrent 401s share one read of the secret.
    reload: tokio::sync::Mutex<()>,
}

impl IatSource {
    /// Wraps the IAT read at start-up, with no way to re-read it.
    pub fn new(iat: Iat) -> Self {
        Self::with_loader(iat, None)
    }

    /// Wraps the IAT read at start-up and the loader that re-reads it.
    pub fn with_loader(iat: Iat, loader: Option<Arc<dyn IatLoader>>) -> Self {
        Self(Arc::new(IatState {
            current: RwLock::new((iat, 0)),
            loader,
            reload: tokio::sync::Mutex::new(()),
        }))
    }

    /// Returns the IAT to send now.
    pub fn current(&self) -> Iat {
        self.current_with_generation().0
    }

    fn current_with_generation(&self) -> (Iat, u64) {
        // A writer cannot panic while holding the lock (it only assigns), so a
        // poisoned lock still holds a whole value.
        match self.0.current.read() {
            Ok(current) => current.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Replaces the IAT for every later call.
    pub fn replace(&self, iat: Iat) {
        let mut current = match self.0.current.write() {
            Ok(current) => current,
            Err(poisoned) => poisoned.into_inner(),
        };
        let generation = current.1 + 1;
        *current = (iat, generation);
    }

    /// Re-reads the IAT after NeonPanel rejected the one of `rejected`
    /// generation. Returns whether a call may be repeated: true when this
    /// or a concurrent call read the secret again, false when there is no
    /// loader or it failed.
    async fn reload_after_rejection(&self, rejected: u64) -> bool {
        let Some(loader) = &self.0.loader else {
            return false;
        };
        let _reloading = self.0.reload.lock().await;
        if self.current_with_generation().1 != rejected {
            return true;
        }
        match loader.load().await {
            Ok(iat) => {
                self.replace(iat);
                tracing::info!("neonpanel IAT re-read after a 401");
                true
            }
            Err(error) => {
                tracing::warn!(%error, "neonpanel IAT could not be re-read after a 401");
                false
            }
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
    /// JSON request body, for operations that take one.
    pub body: Option<Value>,
}

impl ApiRequest {
    /// A `GET` of `segments` with `query`.
    pub fn get(segments: &[&str], query: Vec<(String, String)>) -> Self {
        Self {
            method: Method::GET,
            segments: segments
                .iter()
                .map(|segment| (*segment).to_owned())
                .collect(),
            query,
            body: None,
        }
    }
}

/// A NeonPanel API client. Cheap to clone: clones share one connection pool.
#[derive(Clone, Debug)]
pub struct NeonPanelClient {
    http: reqwest::Client,
    base_url: Url,
    iat: IatSource,
    request_timeout_seconds: u64,
    max_retries: u32,
    retry_delay: Duration,
    max_retry_delay: Duration,
    retry_window: Duration,
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
            max_retries: settings.max_retries,
            retry_delay: settings.retry_delay,
            max_retry_delay: settings.max_retry_delay,
            retry_window: settings.retry_window,
        })
    }

    /// Sets the loader that re-reads the IAT after NeonPanel returns 401.
    pub fn with_iat_loader(mut self, loader: Option<Arc<dyn IatLoader>>) -> Self {
        self.iat = IatSource::with_loader(self.iat.current(), loader);
        self
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

    /// Sends a call and returns NeonPanel's JSON body; an empty body (such
    /// as a 204 response to a delete) comes back as `null`. Applies the
    /// recovery rules of the module documentation.
    pub async fn send(&self, request: &ApiRequest) -> Result<Value, NeonPanelError> {
        let url = self.url_for(request);
        let is_read = request.method == Method::GET;
        let started = Instant::now();
        let mut attempt: u32 = 0;
        let mut iat_reloaded = false;
        loop {
            attempt += 1;
            let (iat, generation) = self.iat.current_with_generation();
            let result = self.send_once(request, url.clone(), &iat).await;
            let status = match &result {
                Ok(_) => 200,
                Err(failure) => failure.error.status().map_or(0, |status| status.as_u16()),
            };
            tracing::info!(
                method = %request.method,
                path = url.path(),
                status,
                attempt,
                elapsed_ms = started.elapsed().as_millis() as u64,
                "neonpanel call finished"
            );
            let failure = match result {
                Ok(body) => return Ok(body),
                Err(failure) => failure,
            };

            if failure.error.status() == Some(StatusCode::UNAUTHORIZED) {
                if !iat_reloaded && self.iat.reload_after_rejection(generation).await {
                    iat_reloaded = true;
                    continue;
                }
                return Err(failure.error);
            }

            let delay = self.backoff(attempt, failure.retry_after);
            let may_retry = is_read
                && failure.error.is_transient()
                && attempt <= self.max_retries
                && started.elapsed() + delay <= self.retry_window;
            if !may_retry {
                return Err(failure.error);
            }
            tracing::warn!(
                path = url.path(),
                attempt,
                delay_ms = delay.as_millis() as u64,
                error = %failure.error,
                "neonpanel read failed (retrying)"
            );
            tokio::time::sleep(delay).await;
        }
    }

    /// Returns the wait before attempt `attempt + 1`: NeonPanel's
    /// `Retry-After` when it sent one, otherwise the base delay doubled per
    /// attempt, both capped at the maximum delay.
    fn backoff(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let doubled = self
            .retry_delay
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)));
        retry_after.unwrap_or(doubled).min(self.max_retry_delay)
    }

    async fn send_once(&self, request: &ApiRequest, url: Url, iat: &Iat) -> Result<Value, Failure> {
        let mut builder = self
            .http
            .request(request.method.clone(), url)
            .header(AUTHORIZATION, bearer_header(iat))
            .header(ACCEPT, HeaderValue::from_static("application/json"));
        if let Some(body) = &request.body {
            builder = builder.json(body);
        }
        let mut response = builder
            .send()
            .await
            .map_err(|error| Failure::from(self.transport_error(error)))?;

        let status = response.status();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|error| Failure::from(self.transport_error(error)))?
        {
            if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
                return Err(NeonPanelError::TooLarge {
                    limit: MAX_RESPONSE_BYTES,
                }
                .into());
            }
            body.extend_from_slice(&chunk);
        }

        if status.is_success() {
            if body.iter().all(u8::is_ascii_whitespace) {
                return Ok(Value::Null);
            }
            return serde_json::from_slice(&body).map_err(|error| {
                Failure::from(NeonPanelError::InvalidResponse {
                    status,
                    reason: format!("the body is not JSON ({error})"),
                })
            });
        }
        Err(Failure {
            error: error_from_body(status, &body),
            retry_after,
        })
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

/// One failed attempt, with the wait NeonPanel asked for.
struct Failure {
    error: NeonPanelError,
    retry_after: Option<Duration>,
}

impl From<NeonPanelError> for Failure {
    fn from(error: NeonPanelError) -> Self {
        Self {
            error,
            retry_after: None,
        }
    }
}

/// Builds `Authorization: Bearer <IAT>`, marked sensitive so that `http`'s
/// `Debug` output of the header map prints `Sensitive` instead of the value.
fn bearer_header(iat: &Iat) -> HeaderValue {
    // An IAT with bytes that are invalid in a header value cannot be sent at
    // all; sending an empty bearer makes NeonPanel return 401, which names the
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
            body: None,
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
            body: None,
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
