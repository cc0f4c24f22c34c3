//! Client ID metadata documents
//! ([draft-ietf-oauth-client-id-metadata-document](https://datatracker.ietf.org/doc/draft-ietf-oauth-client-id-metadata-document/)),
//! the registration path the MCP 2025-11-25 and 2026-07-28 authorization
//! specifications prefer: a client uses an https URL as its `client_id`,
//! and this server fetches the JSON document at that URL in place of a
//! stored registration.
//!
//! Fetching a URL a stranger chose is a server-side request forgery risk, so
//! the fetch is guarded: https only, every resolved address must be public
//! (no private, loopback, link-local or otherwise special range), the
//! connection goes to the address that was checked, the body and the time
//! are capped, redirects are followed at most [`MAX_REDIRECTS`] times and
//! each hop is checked again. Valid documents are cached for
//! [`CACHE_SECONDS`].

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Mutex;
use std::time::Duration;

use serde::Deserialize;
use url::Url;

use super::client::{AuthMethod, ClientId, ClientRecord, GrantType, validate_redirect_uri};

/// Maximum document size. The draft asks servers to cap it; real documents
/// are a few hundred bytes.
pub const MAX_DOCUMENT_BYTES: usize = 5 * 1024;
/// Maximum length of a metadata document URL used as `client_id`.
pub const MAX_URL_BYTES: usize = 2048;
/// Redirects followed before the fetch fails.
pub const MAX_REDIRECTS: usize = 3;
/// Time allowed for one fetch, redirects included.
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a valid document is reused before it is fetched again.
pub const CACHE_SECONDS: u64 = 300;
/// Maximum number of cached documents; the cache is emptied when full.
const MAX_CACHED: usize = 256;
/// Maximum `client_name` length, the same as for registered clients.
const MAX_CLIENT_NAME_CHARS: usize = 100;

/// Returns whether `client_id` names a metadata document: an https URL
/// with a path, as the draft requires.
pub fn is_document_url(client_id: &str) -> bool {
    client_id.starts_with("https://")
        && Url::parse(client_id).is_ok_and(|url| url.path() != "/" && !url.path().is_empty())
}

/// Why a metadata document could not be used.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    #[error("the client_id URL is invalid: {0}")]
    InvalidUrl(String),
    #[error("the client_id URL's host {0} resolves to a non-public address, which is not allowed")]
    ForbiddenAddress(String),
    #[error("fetching the client metadata document failed: {0}")]
    Fetch(String),
    #[error("the client metadata document is invalid: {0}")]
    InvalidDocument(String),
}

/// The fields of a metadata document this server reads.
#[derive(Debug, Deserialize)]
struct Document {
    client_id: Option<String>,
    client_name: Option<String>,
    redirect_uris: Option<Vec<String>>,
    grant_types: Option<Vec<String>>,
    token_endpoint_auth_method: Option<String>,
    client_secret: Option<serde_json::Value>,
    client_secret_expires_at: Option<serde_json::Value>,
}

/// Fetches, checks and caches metadata documents.
#[derive(Debug, Default)]
pub struct DocumentFetcher {
    /// Lets documents be served over http from loopback addresses. Only the
    /// tests switch it on, through
    /// [`super::AuthorizationServer::allow_loopback_client_metadata_documents_for_tests`].
    allow_loopback: bool,
    cache: Mutex<HashMap<String, (ClientRecord, u64)>>,
}

impl DocumentFetcher {
    /// Lets documents be served over http from loopback, for tests only.
    pub(super) fn allow_loopback(&mut self) {
        self.allow_loopback = true;
    }

    /// Returns whether `client_id` names a metadata document: an https URL
    /// with a path, or with the test allowance an http URL on loopback.
    pub fn recognizes(&self, client_id: &str) -> bool {
        if is_document_url(client_id) {
            return true;
        }
        self.allow_loopback && client_id.starts_with("http://") && self.check_url(client_id).is_ok()
    }

    /// Builds the client record that the document at `client_id` describes,
    /// from the cache when it is younger than [`CACHE_SECONDS`].
    pub async fn resolve(&self, client_id: &str, now: u64) -> Result<ClientRecord, DocumentError> {
        if let Some(record) = self.cached(client_id, now) {
            return Ok(record);
        }
        let url = self.check_url(client_id)?;
        let body = tokio::time::timeout(FETCH_TIMEOUT, self.fetch(url.clone()))
            .await
            .map_err(|_| DocumentError::Fetch(format!("timed out after {FETCH_TIMEOUT:?}")))??;
        let record = record_from_document(client_id, &url, &body, now)?;

        let mut cache = self
            .cache
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        if cache.len() >= MAX_CACHED {
            cache.clear();
        }
        cache.insert(client_id.to_owned(), (record.clone(), now + CACHE_SECONDS));
        Ok(record)
    }

    fn cached(&self, client_id: &str, now: u64) -> Option<ClientRecord> {
        let cache = self
            .cache
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        cache
            .get(client_id)
            .filter(|(_, expires_at)| now < *expires_at)
            .map(|(record, _)| record.clone())
    }

    /// Checks the scheme and shape of a URL about to be fetched.
    fn check_url(&self, value: &str) -> Result<Url, DocumentError> {
        if value.len() > MAX_URL_BYTES {
            return Err(DocumentError::InvalidUrl(format!(
                "it is longer than {MAX_URL_BYTES} bytes"
            )));
        }
        let url =
            Url::parse(value).map_err(|error| DocumentError::InvalidUrl(error.to_string()))?;
        let loopback_http = self.allow_loopback
            && url.scheme() == "http"
            && url.host_str().is_some_and(crate::web::is_loopback_host);
        if url.scheme() != "https" && !loopback_http {
            return Err(DocumentError::InvalidUrl("it must use https".into()));
        }
        if url.fragment().is_some() || value.contains('#') {
            return Err(DocumentError::InvalidUrl(
                "it must not contain a fragment".into(),
            ));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(DocumentError::InvalidUrl(
                "it must not contain a user name or password".into(),
            ));
        }
        if url.path() == "/" || url.path().is_empty() {
            return Err(DocumentError::InvalidUrl("it must have a path".into()));
        }
        if url.host_str().is_none() {
            return Err(DocumentError::InvalidUrl("it has no host".into()));
        }
        Ok(url)
    }

    /// Resolves the host of `url` and returns one allowed address, failing
    /// when any resolved address is not public.
    async fn checked_address(&self, url: &Url) -> Result<SocketAddr, DocumentError> {
        let host = url.host_str().unwrap_or_default();
        let port = url.port_or_known_default().unwrap_or(443);
        let bare_host = host.trim_start_matches('[').trim_end_matches(']');
        let addresses: Vec<SocketAddr> = tokio::net::lookup_host((bare_host, port))
            .await
            .map_err(|error| DocumentError::Fetch(format!("cannot resolve {host}: {error}")))?
            .collect();
        if addresses.is_empty() {
            return Err(DocumentError::Fetch(format!("{host} has no address")));
        }
        for address in &addresses {
            let ip = address.ip();
            let allowed = is_public(ip) || (self.allow_loopback && ip.is_loopback());
            if !allowed {
                return Err(DocumentError::ForbiddenAddress(host.to_owned()));
            }
        }
        Ok(addresses[0])
    }

    /// Fetches the document, following at most [`MAX_REDIRECTS`] redirects
    /// and checking every hop like the first URL.
    async fn fetch(&self, mut url: Url) -> Result<Vec<u8>, DocumentError> {
        for _ in 0..=MAX_REDIRECTS {
            let address = self.checked_address(&url).await?;
            let host = url.host_str().unwrap_or_default().to_owned();
            // Pin the connection to the checked address, so a second DNS
            // answer cannot point it somewhere private.
            let client = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .resolve(&host, address)
                .timeout(FETCH_TIMEOUT)
                .build()
                .map_err(|error| DocumentError::Fetch(error.to_string()))?;
            let mut response = client
                .get(url.clone())
                .header("accept", "application/json")
                .send()
                .await
                .map_err(|error| DocumentError::Fetch(error.without_url().to_string()))?;

            let status = response.status();
            if status.is_redirection() {
                let location = response
                    .headers()
                    .get("location")
                    .and_then(|value| value.to_str().ok())
                    .ok_or_else(|| {
                        DocumentError::Fetch(format!("HTTP {status} without Location"))
                    })?;
                let next = url
                    .join(location)
                    .map_err(|error| DocumentError::Fetch(format!("invalid redirect: {error}")))?;
                url = self.check_url(next.as_str())?;
                continue;
            }
            if !status.is_success() {
                return Err(DocumentError::Fetch(format!("HTTP {status}")));
            }
            if response
                .content_length()
                .is_some_and(|length| length > MAX_DOCUMENT_BYTES as u64)
            {
                return Err(too_large());
            }
            let mut body = Vec::new();
            while let Some(chunk) = response
                .chunk()
                .await
                .map_err(|error| DocumentError::Fetch(error.without_url().to_string()))?
            {
                body.extend_from_slice(&chunk);
                if body.len() > MAX_DOCUMENT_BYTES {
                    return Err(too_large());
                }
            }
            return Ok(body);
        }
        Err(DocumentError::Fetch(format!(
            "more than {MAX_REDIRECTS} redirects"
        )))
    }
}

impl super::AuthorizationServer {
    /// Resolves a `client_id` that is a metadata document URL into a client
    /// record, logging why it could not be used.
    pub(super) async fn resolve_client_document(
        &self,
        client_id: &str,
    ) -> Result<ClientRecord, DocumentError> {
        let result = self
            .client_documents
            .resolve(client_id, self.clock.now())
            .await;
        if let Err(error) = &result {
            tracing::info!(client_id, %error, "client metadata document rejected");
        }
        result
    }
}

fn too_large() -> DocumentError {
    DocumentError::Fetch(format!(
        "the document is larger than {MAX_DOCUMENT_BYTES} bytes"
    ))
}

/// Checks a fetched document and turns it into a client record. The record's
/// name carries the document's host, so the consent page shows who vouches
/// for the client.
fn record_from_document(
    client_id: &str,
    url: &Url,
    body: &[u8],
    now: u64,
) -> Result<ClientRecord, DocumentError> {
    let invalid = |message: String| DocumentError::InvalidDocument(message);
    let document: Document = serde_json::from_slice(body)
        .map_err(|error| invalid(format!("not a JSON object of metadata: {error}")))?;

    if document.client_id.as_deref() != Some(client_id) {
        return Err(invalid(
            "its client_id must equal the URL it is served from".into(),
        ));
    }
    if document.client_secret.is_some() || document.client_secret_expires_at.is_some() {
        return Err(invalid("it must not contain a client secret".into()));
    }
    match document.token_endpoint_auth_method.as_deref() {
        None | Some("none") => {}
        Some(other) => {
            return Err(invalid(format!(
                "token_endpoint_auth_method {other:?} is not supported; use \"none\""
            )));
        }
    }

    let redirect_uris = document.redirect_uris.unwrap_or_default();
    if redirect_uris.is_empty() {
        return Err(invalid("redirect_uris is missing or empty".into()));
    }
    for uri in &redirect_uris {
        validate_redirect_uri(uri).map_err(|error| invalid(error.to_string()))?;
    }

    let grant_types = match document.grant_types {
        None => vec![GrantType::AuthorizationCode, GrantType::RefreshToken],
        Some(values) => {
            let mut grant_types: Vec<GrantType> = values
                .iter()
                .filter_map(|value| GrantType::parse(value))
                .collect();
            grant_types.sort();
            grant_types.dedup();
            if !grant_types.contains(&GrantType::AuthorizationCode) {
                return Err(invalid(
                    "grant_types must include authorization_code".into(),
                ));
            }
            grant_types
        }
    };

    let host = url.host_str().unwrap_or_default();
    let name = match document.client_name {
        Some(name) if name.chars().any(char::is_control) => {
            return Err(invalid(
                "client_name must not contain control characters".into(),
            ));
        }
        Some(name) if name.chars().count() > MAX_CLIENT_NAME_CHARS => {
            return Err(invalid(format!(
                "client_name may be at most {MAX_CLIENT_NAME_CHARS} characters long"
            )));
        }
        Some(name) if !name.trim().is_empty() => format!("{} (from {host})", name.trim()),
        _ => host.to_owned(),
    };

    Ok(ClientRecord {
        client_id: ClientId::new(client_id),
        client_name: Some(name),
        redirect_uris,
        grant_types,
        token_endpoint_auth_method: AuthMethod::None,
        client_secret_hash: None,
        client_id_issued_at: now,
    })
}

/// Returns whether `ip` is a public unicast address: not private, loopback,
/// link-local, shared (carrier-grade NAT), documentation, benchmarking,
/// multicast, broadcast, reserved or unspecified.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => is_public_v4(ip),
        IpAddr::V6(ip) => {
            if let Some(mapped) = ip.to_ipv4_mapped() {
                return is_public_v4(mapped);
            }
            let first = ip.segments()[0];
            !(ip.is_loopback()
                || ip.is_unspecified()
                || ip.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (first & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (first == 0x2001 && ip.segments()[1] == 0x0db8) // documentation
                || ip.segments()[..6] == [0x64, 0xff9b, 0, 0, 0, 0] // NAT64
                || ip == Ipv6Addr::from_bits(1))
        }
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || a >= 240)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "https://client.example/oauth/metadata.json";

    fn record(document: serde_json::Value) -> Result<ClientRecord, DocumentError> {
        let url = Url::parse(ID).unwrap();
        record_from_document(ID, &url, document.to_string().as_bytes(), 10)
    }

    #[test]
    fn document_url_needs_https_and_path() {
        assert!(is_document_url(ID));
        assert!(!is_document_url("https://client.example/"));
        assert!(!is_document_url("https://client.example"));
        assert!(!is_document_url("http://client.example/metadata.json"));
        assert!(!is_document_url("4f1c0a5e-client"));
    }

    #[test]
    fn valid_document_becomes_public_client() {
        let client = record(serde_json::json!({
            "client_id": ID,
            "client_name": "Example App",
            "redirect_uris": ["https://client.example/callback"],
        }))
        .unwrap();
        assert_eq!(client.client_id.as_str(), ID);
        assert_eq!(client.display_name(), "Example App (from client.example)");
        assert_eq!(client.token_endpoint_auth_method, AuthMethod::None);
        assert!(client.grant_type_is_allowed(GrantType::RefreshToken));
        assert!(
            client
                .resolve_redirect_uri(Some("https://client.example/callback"))
                .is_ok()
        );
        assert!(
            client
                .resolve_redirect_uri(Some("https://evil.example/callback"))
                .is_err()
        );
    }

    #[test]
    fn document_with_other_client_id_fails() {
        let error = record(serde_json::json!({
            "client_id": "https://other.example/metadata.json",
            "redirect_uris": ["https://client.example/callback"],
        }))
        .unwrap_err();
        assert!(error.to_string().contains("must equal the URL"), "{error}");
    }

    #[test]
    fn document_rules_reject_bad_fields() {
        let cases = [
            serde_json::json!({ "client_id": ID }),
            serde_json::json!({ "client_id": ID, "redirect_uris": [] }),
            serde_json::json!({ "client_id": ID, "redirect_uris": ["http://client.example/cb"] }),
            serde_json::json!({ "client_id": ID, "redirect_uris": ["https://c.example/cb"], "client_secret": "s" }),
            serde_json::json!({ "client_id": ID, "redirect_uris": ["https://c.example/cb"], "token_endpoint_auth_method": "private_key_jwt" }),
            serde_json::json!({ "client_id": ID, "redirect_uris": ["https://c.example/cb"], "grant_types": ["refresh_token"] }),
            serde_json::json!({ "client_id": ID, "redirect_uris": ["https://c.example/cb"], "client_name": "a\u{7}b" }),
            serde_json::json!(["not", "an", "object"]),
        ];
        for case in cases {
            assert!(
                matches!(record(case.clone()), Err(DocumentError::InvalidDocument(_))),
                "accepted {case}"
            );
        }
    }

    #[test]
    fn non_public_addresses_are_rejected() {
        for address in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
        ] {
            assert!(
                !is_public(address.parse().unwrap()),
                "{address} counted as public"
            );
        }
        for address in ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"] {
            assert!(
                is_public(address.parse().unwrap()),
                "{address} counted as non-public"
            );
        }
    }

    #[test]
    fn http_and_loopback_urls_fail_without_allowance() {
        let fetcher = DocumentFetcher::default();
        assert!(matches!(
            fetcher.check_url("http://127.0.0.1:8080/metadata.json"),
            Err(DocumentError::InvalidUrl(_))
        ));
        assert!(
            fetcher
                .check_url("https://client.example/m.json#x")
                .is_err()
        );
        assert!(
            fetcher
                .check_url("https://user:pw@client.example/m.json")
                .is_err()
        );
        assert!(
            fetcher
                .check_url(&format!(
                    "https://client.example/{}",
                    "a".repeat(MAX_URL_BYTES)
                ))
                .is_err()
        );
    }

    #[tokio::test]
    async fn loopback_host_is_forbidden_without_allowance() {
        let fetcher = DocumentFetcher::default();
        let error = fetcher
            .resolve("https://127.0.0.1:9/metadata.json", 0)
            .await
            .unwrap_err();
        assert_eq!(error, DocumentError::ForbiddenAddress("127.0.0.1".into()));
        let error = fetcher
            .resolve("https://localhost:9/metadata.json", 0)
            .await
            .unwrap_err();
        assert_eq!(error, DocumentError::ForbiddenAddress("localhost".into()));
    }
}
