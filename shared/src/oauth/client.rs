//! Registered clients: the stored record, its authentication method and
//! redirect URI rules.
//!
//! Redirect URIs must be https, or http on a loopback host for native apps
//! ([RFC 8252 section 7.3](https://www.rfc-editor.org/rfc/rfc8252#section-7.3)),
//! and never carry a fragment
//! ([RFC 6749 section 3.1.2](https://www.rfc-editor.org/rfc/rfc6749#section-3.1.2)).
//! A request's redirect URI must equal a registered one byte for byte, except
//! that the port of a loopback http URI may differ, because native apps pick
//! a free port at run time.

use serde::{Deserialize, Serialize};
use url::Url;

use crate::secret::{ClientSecret, constant_time_eq, hash_secret};
use crate::web::is_loopback_host;

/// A `client_id` issued at registration (RFC 7591 section 3.2.1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ClientId(String);

impl ClientId {
    /// Wraps a client identifier.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The identifier as sent on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The method a client authenticates with at the token endpoint (RFC 7591 section 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthMethod {
    /// A public client: `client_id` in the form, no secret.
    None,
    /// `client_id` and `client_secret` in the form body.
    ClientSecretPost,
    /// `client_id` and `client_secret` in an HTTP Basic header.
    ClientSecretBasic,
}

impl AuthMethod {
    /// Every method, in the order advertised in metadata.
    pub const SUPPORTED: [&str; 3] = ["none", "client_secret_post", "client_secret_basic"];

    /// Parses a `token_endpoint_auth_method` value.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "none" => Some(Self::None),
            "client_secret_post" => Some(Self::ClientSecretPost),
            "client_secret_basic" => Some(Self::ClientSecretBasic),
            _ => None,
        }
    }

    /// The value as registered and echoed.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::ClientSecretPost => "client_secret_post",
            Self::ClientSecretBasic => "client_secret_basic",
        }
    }

    /// Whether clients using this method hold a client secret.
    pub fn uses_secret(self) -> bool {
        self != Self::None
    }
}

/// A grant type a client may use (RFC 7591 section 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantType {
    AuthorizationCode,
    RefreshToken,
}

impl GrantType {
    /// Every grant type this server supports, as advertised in metadata.
    pub const SUPPORTED: [&str; 2] = ["authorization_code", "refresh_token"];

    /// Parses a `grant_type` value.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "authorization_code" => Some(Self::AuthorizationCode),
            "refresh_token" => Some(Self::RefreshToken),
            _ => None,
        }
    }

    /// The value as sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AuthorizationCode => "authorization_code",
            Self::RefreshToken => "refresh_token",
        }
    }
}

/// A registered client as stored under [`crate::store::Collection::Clients`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientRecord {
    pub client_id: ClientId,
    /// Human-readable name shown on the consent page.
    pub client_name: Option<String>,
    /// Registered redirect URIs, exactly as the client sent them.
    pub redirect_uris: Vec<String>,
    pub grant_types: Vec<GrantType>,
    pub token_endpoint_auth_method: AuthMethod,
    /// SHA-256 of the client secret, hex; `None` for public clients.
    pub client_secret_hash: Option<String>,
    /// Registration time, seconds since the Unix epoch.
    pub client_id_issued_at: u64,
}

impl ClientRecord {
    /// The name shown to people: `client_name`, or the `client_id` without one.
    pub fn display_name(&self) -> &str {
        self.client_name
            .as_deref()
            .filter(|name| !name.trim().is_empty())
            .unwrap_or(self.client_id.as_str())
    }

    /// Whether the client registered `grant_type`.
    pub fn grant_type_is_allowed(&self, grant_type: GrantType) -> bool {
        self.grant_types.contains(&grant_type)
    }

    /// Whether `secret` is this client's secret, compared in constant time.
    /// Always false for a public client.
    pub fn secret_matches(&self, secret: &ClientSecret) -> bool {
        let Some(stored) = &self.client_secret_hash else {
            return false;
        };
        constant_time_eq(hash_secret(secret.expose()).as_bytes(), stored.as_bytes())
    }

    /// Resolves the redirect URI of an authorization request: the requested
    /// one when it matches a registered URI, or the only registered URI when
    /// the request names none (RFC 6749 section 3.1.2.3).
    pub fn resolve_redirect_uri(
        &self,
        requested: Option<&str>,
    ) -> Result<String, RedirectMismatch> {
        match requested {
            Some(requested) => self
                .redirect_uris
                .iter()
                .any(|registered| redirect_uri_matches(registered, requested))
                .then(|| requested.to_owned())
                .ok_or(RedirectMismatch::NotRegistered),
            None => match self.redirect_uris.as_slice() {
                [only] => Ok(only.clone()),
                _ => Err(RedirectMismatch::Ambiguous),
            },
        }
    }
}

/// Why no redirect URI could be resolved for an authorization request.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum RedirectMismatch {
    #[error(
        "redirect_uri is not registered for this application; register it or use a registered one"
    )]
    NotRegistered,
    #[error("redirect_uri is required because this application registered several")]
    Ambiguous,
}

/// Why a redirect URI cannot be registered.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum InvalidRedirectUri {
    #[error("redirect URI {0:?} is not an absolute URL")]
    NotAbsolute(String),
    #[error(
        "redirect URI {0:?} must use https, or http on a loopback host (localhost, 127.0.0.1, [::1])"
    )]
    InsecureScheme(String),
    #[error("redirect URI {0:?} must not contain a fragment")]
    Fragment(String),
    #[error("redirect URI {0:?} must not contain a user name or password")]
    Credentials(String),
}

/// Checks that a redirect URI may be registered.
pub fn validate_redirect_uri(value: &str) -> Result<(), InvalidRedirectUri> {
    let url = Url::parse(value).map_err(|_| InvalidRedirectUri::NotAbsolute(value.to_owned()))?;
    let host = url.host_str().unwrap_or_default();
    if host.is_empty() {
        return Err(InvalidRedirectUri::NotAbsolute(value.to_owned()));
    }
    match url.scheme() {
        "https" => {}
        "http" if is_loopback_host(host) => {}
        _ => return Err(InvalidRedirectUri::InsecureScheme(value.to_owned())),
    }
    // `Url` drops an empty fragment, so look at the raw string as well.
    if url.fragment().is_some() || value.contains('#') {
        return Err(InvalidRedirectUri::Fragment(value.to_owned()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(InvalidRedirectUri::Credentials(value.to_owned()));
    }
    Ok(())
}

/// Whether a requested redirect URI matches a registered one: an exact string
/// match, or for http on a loopback host a match of everything but the port.
pub fn redirect_uri_matches(registered: &str, requested: &str) -> bool {
    if registered == requested {
        return true;
    }
    let (Ok(mut registered), Ok(mut requested)) = (Url::parse(registered), Url::parse(requested))
    else {
        return false;
    };
    let is_loopback_http =
        |url: &Url| url.scheme() == "http" && url.host_str().is_some_and(is_loopback_host);
    if !is_loopback_http(&registered) || !is_loopback_http(&requested) {
        return false;
    }
    if requested.fragment().is_some() {
        return false;
    }
    // Setting the port cannot fail on an http URL with a host.
    let _ = registered.set_port(None);
    let _ = requested.set_port(None);
    registered.as_str() == requested.as_str()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(redirect_uris: &[&str]) -> ClientRecord {
        ClientRecord {
            client_id: ClientId::new("c1"),
            client_name: None,
            redirect_uris: redirect_uris.iter().map(|uri| (*uri).to_owned()).collect(),
            grant_types: vec![GrantType::AuthorizationCode],
            token_endpoint_auth_method: AuthMethod::None,
            client_secret_hash: None,
            client_id_issued_at: 0,
        }
    }

    #[test]
    fn exact_redirect_uri_matches() {
        let uri = "https://chatgpt.com/connector/oauth/abc123";
        assert!(redirect_uri_matches(uri, uri));
    }

    #[test]
    fn other_callback_path_fails() {
        assert!(!redirect_uri_matches(
            "https://chatgpt.com/connector/oauth/abc123",
            "https://chatgpt.com/connector/oauth/xyz789"
        ));
    }

    #[test]
    fn https_redirect_with_other_port_fails() {
        assert!(!redirect_uri_matches(
            "https://client.example/cb",
            "https://client.example:8443/cb"
        ));
    }

    #[test]
    fn loopback_redirect_port_may_differ() {
        assert!(redirect_uri_matches(
            "http://127.0.0.1/callback",
            "http://127.0.0.1:51234/callback"
        ));
        assert!(redirect_uri_matches(
            "http://localhost:3000/callback",
            "http://localhost:49152/callback"
        ));
        assert!(redirect_uri_matches(
            "http://[::1]:1/cb",
            "http://[::1]:2/cb"
        ));
    }

    #[test]
    fn loopback_redirect_with_other_path_or_host_fails() {
        assert!(!redirect_uri_matches(
            "http://127.0.0.1/callback",
            "http://127.0.0.1:5000/other"
        ));
        assert!(!redirect_uri_matches(
            "http://127.0.0.1:5000/callback",
            "http://localhost:5000/callback"
        ));
        assert!(!redirect_uri_matches(
            "http://127.0.0.1/callback",
            "http://127.0.0.1:5000/callback#x"
        ));
    }

    #[test]
    fn single_registered_uri_is_the_default() {
        let record = client(&["https://client.example/cb"]);
        assert_eq!(
            record.resolve_redirect_uri(None),
            Ok("https://client.example/cb".to_owned())
        );
        let record = client(&["https://client.example/a", "https://client.example/b"]);
        assert_eq!(
            record.resolve_redirect_uri(None),
            Err(RedirectMismatch::Ambiguous)
        );
    }

    #[test]
    fn unregistered_redirect_uri_fails() {
        let record = client(&["https://client.example/cb"]);
        assert_eq!(
            record.resolve_redirect_uri(Some("https://evil.example/cb")),
            Err(RedirectMismatch::NotRegistered)
        );
    }

    #[test]
    fn redirect_uri_registration_rules() {
        assert!(
            validate_redirect_uri("https://chatgpt.com/connector_platform_oauth_redirect").is_ok()
        );
        assert!(validate_redirect_uri("http://localhost:8080/cb").is_ok());
        assert!(validate_redirect_uri("http://127.0.0.1/cb").is_ok());
        assert!(validate_redirect_uri("http://[::1]:9/cb").is_ok());
        assert!(matches!(
            validate_redirect_uri("http://client.example/cb"),
            Err(InvalidRedirectUri::InsecureScheme(_))
        ));
        assert!(matches!(
            validate_redirect_uri("myapp://callback"),
            Err(InvalidRedirectUri::InsecureScheme(_))
        ));
        assert!(matches!(
            validate_redirect_uri("https://client.example/cb#frag"),
            Err(InvalidRedirectUri::Fragment(_))
        ));
        assert!(matches!(
            validate_redirect_uri("https://client.example/cb#"),
            Err(InvalidRedirectUri::Fragment(_))
        ));
        assert!(matches!(
            validate_redirect_uri("/relative/cb"),
            Err(InvalidRedirectUri::NotAbsolute(_))
        ));
        assert!(matches!(
            validate_redirect_uri("https://user:pw@client.example/cb"),
            Err(InvalidRedirectUri::Credentials(_))
        ));
    }
}
