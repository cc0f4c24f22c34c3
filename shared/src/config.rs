//! Configuration shared by every entry point: the public base URL and the URLs
//! derived from it, NeonPanel client settings, token lifetimes and the MCP
//! authentication mode.

use std::sync::Arc;
use std::time::Duration;

use url::Url;

use crate::secret::{AccessCode, ApiKey, Iat, KeyBytes};

/// Reads the NeonPanel IAT from where the operator keeps it: an environment
/// variable or file locally, the Secrets Manager secret on Lambda.
#[async_trait::async_trait]
pub trait IatLoader: Send + Sync + std::fmt::Debug {
    /// Reads the current IAT. The error message must never contain the IAT.
    async fn load(&self) -> Result<Iat, String>;
}

/// Errors found while reading configuration. Messages name the setting at
/// fault and never its value.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} is missing: {hint}")]
    Missing {
        name: &'static str,
        hint: &'static str,
    },
    #[error("{name} is invalid: {reason}")]
    Invalid { name: &'static str, reason: String },
}

/// The public URLs of this server, all derived from one base URL so that the
/// issuer, the resource and every metadata URL are byte-identical wherever
/// they appear.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicUrls {
    /// Scheme, host and optional port, without a trailing slash.
    base: String,
    /// `host` or `host:port`, as clients send it in the `Host` header.
    authority: String,
}

impl PublicUrls {
    /// Parses the public base URL. It must be an https origin, or an http
    /// origin on a loopback host for local development, with no path, query
    /// or fragment.
    pub fn parse(name: &'static str, value: &str) -> Result<Self, ConfigError> {
        let invalid = |reason: &str| ConfigError::Invalid {
            name,
            reason: reason.to_owned(),
        };
        let url = Url::parse(value.trim()).map_err(|error| invalid(&error.to_string()))?;
        let host = url
            .host_str()
            .ok_or_else(|| invalid("the URL has no host"))?;
        match url.scheme() {
            "https" => {}
            "http" if crate::web::is_loopback_host(host) => {}
            "http" => {
                return Err(invalid(
                    "http is allowed only for loopback hosts; use https",
                ));
            }
            _ => return Err(invalid("the scheme must be https")),
        }
        if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
            return Err(invalid(
                "use an origin such as https://mcp.example.com, without a path, query or fragment",
            ));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid("the URL must not carry credentials"));
        }
        let authority = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        let base = format!("{}://{authority}", url.scheme());
        Ok(Self { base, authority })
    }

    /// The authorization server's issuer identifier (RFC 8414 section 2).
    pub fn issuer(&self) -> &str {
        &self.base
    }

    /// `host` or `host:port` of the public URL.
    pub fn authority(&self) -> &str {
        &self.authority
    }

    /// The host name of the public URL, without the port.
    pub fn host(&self) -> &str {
        match self.authority.rsplit_once(':') {
            Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) => host,
            _ => &self.authority,
        }
    }

    /// Whether the public URL uses https, which decides the `Secure` cookie flag.
    pub fn is_https(&self) -> bool {
        self.base.starts_with("https://")
    }

    /// The MCP endpoint, which is also the protected resource identifier
    /// (RFC 9728 section 2) and the `aud` of every access token.
    pub fn resource(&self) -> String {
        format!("{}/mcp", self.base)
    }

    /// The protected resource metadata URL for `/mcp` (RFC 9728 section 3.1).
    pub fn resource_metadata(&self) -> String {
        format!("{}/.well-known/oauth-protected-resource/mcp", self.base)
    }

    /// Joins an absolute path such as `/token` onto the base URL.
    pub fn endpoint(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// Lifetimes of the credentials the authorization server issues.
#[derive(Clone, Debug)]
pub struct TokenLifetimes {
    /// Access token lifetime. Defaults to one hour.
    pub access_token: Duration,
    /// Refresh token lifetime, renewed at every rotation. Defaults to 30 days.
    pub refresh_token: Duration,
    /// Authorization code lifetime. Defaults to five minutes, under the ten
    /// minute maximum of RFC 6749 section 4.1.2.
    pub authorization_code: Duration,
    /// How long a consent page stays valid before its form must be reloaded.
    /// Defaults to ten minutes.
    pub consent: Duration,
}

impl Default for TokenLifetimes {
    fn default() -> Self {
        Self {
            access_token: Duration::from_secs(3600),
            refresh_token: Duration::from_secs(30 * 24 * 3600),
            authorization_code: Duration::from_secs(300),
            consent: Duration::from_secs(600),
        }
    }
}

/// How `/mcp` authenticates requests.
#[derive(Clone, Debug, Default)]
pub enum McpAuth {
    /// Only access tokens issued by this server. The default.
    #[default]
    OAuth,
    /// Access tokens issued by this server, or the given static API key as a
    /// bearer token. A development mode.
    OAuthOrApiKey(ApiKey),
    /// No authentication at all. A development mode for a loopback-only server.
    DangerouslyNone,
}

/// NeonPanel API client settings.
#[derive(Clone, Debug)]
pub struct NeonPanelSettings {
    /// Base URL of the NeonPanel API. Defaults to `https://my.neonpanel.com`.
    pub base_url: Url,
    /// TCP and TLS connect timeout. Defaults to 5 seconds.
    pub connect_timeout: Duration,
    /// Whole-request timeout of one attempt. Defaults to 30 seconds.
    pub request_timeout: Duration,
    /// How many times a failed read (429, 5xx, timeout, lost connection) is
    /// repeated. Writes are never repeated. Defaults to 2.
    pub max_retries: u32,
    /// Wait before the first repeat, doubled for each further one. Defaults
    /// to 500 milliseconds.
    pub retry_delay: Duration,
    /// Longest wait between attempts, also capping NeonPanel's
    /// `Retry-After`. Defaults to 5 seconds.
    pub max_retry_delay: Duration,
    /// No repeat starts later than this after the first attempt, so a
    /// failing call ends within the time a client waits. Defaults to 20
    /// seconds.
    pub retry_window: Duration,
}

impl Default for NeonPanelSettings {
    fn default() -> Self {
        Self {
            base_url: Url::parse(DEFAULT_NEONPANEL_URL).expect("the default NeonPanel URL parses"),
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
            max_retries: 2,
            retry_delay: Duration::from_millis(500),
            max_retry_delay: Duration::from_secs(5),
            retry_window: Duration::from_secs(20),
        }
    }
}

/// The production NeonPanel API.
pub const DEFAULT_NEONPANEL_URL: &str = "https://my.neonpanel.com";

/// A JWT signing key with its key id (`kid`, RFC 7515 section 4.1.4).
#[derive(Clone, Debug)]
pub struct SigningKey {
    /// Key id carried in every token header signed with this key.
    pub kid: String,
    /// HMAC-SHA256 key material, at least 32 bytes.
    pub secret: KeyBytes,
}

/// Everything secret the server needs: in production one Secrets Manager
/// secret, locally environment variables or files.
#[derive(Clone, Debug)]
pub struct Secrets {
    /// Credential sent to NeonPanel.
    pub iat: Iat,
    /// Signs new access tokens.
    pub current_signing_key: SigningKey,
    /// Still accepted on verification, so rotating keys logs no one out.
    pub previous_signing_key: Option<SigningKey>,
    /// Codes that let a person approve a connection on the consent page.
    pub access_codes: Vec<AccessCode>,
    /// Reads the IAT again after NeonPanel rejects it, because the operator
    /// may have rotated it. `None` keeps the IAT read at start-up.
    pub iat_loader: Option<Arc<dyn IatLoader>>,
}

/// Settings of one running server.
#[derive(Clone, Debug)]
pub struct Config {
    /// Public base URL every issued URL is built from.
    pub public_urls: PublicUrls,
    /// NeonPanel API client settings.
    pub neonpanel: NeonPanelSettings,
    /// Credential lifetimes.
    pub lifetimes: TokenLifetimes,
    /// `/mcp` authentication mode. Defaults to OAuth only.
    pub mcp_auth: McpAuth,
    /// Browser origins, besides the public origin, whose pages may call
    /// `/mcp`, such as `http://localhost:6274` for MCP Inspector. Each is
    /// `scheme://host[:port]` without a default port. Defaults to none.
    pub allowed_origins: Vec<String>,
}

impl Config {
    /// Builds a configuration with default lifetimes, the production NeonPanel
    /// API and OAuth-only authentication.
    pub fn new(public_urls: PublicUrls) -> Self {
        Self {
            public_urls,
            neonpanel: NeonPanelSettings::default(),
            lifetimes: TokenLifetimes::default(),
            mcp_auth: McpAuth::OAuth,
            allowed_origins: Vec::new(),
        }
    }
}

/// Parses a comma-separated list of browser origins, as a browser sends
/// them in `Origin`: `scheme://host[:port]`, lowercase, default port left
/// out. Blank entries are skipped.
pub fn parse_origins(name: &'static str, value: &str) -> Result<Vec<String>, ConfigError> {
    let mut origins = Vec::new();
    for entry in value
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
    {
        let invalid = |reason: &str| ConfigError::Invalid {
            name,
            reason: format!("{entry:?} {reason}"),
        };
        let url = Url::parse(entry).map_err(|error| invalid(&format!("is not a URL: {error}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid("must use http or https"));
        }
        if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
            return Err(invalid(
                "must be an origin, without a path, such as http://localhost:6274",
            ));
        }
        let origin = url.origin().ascii_serialization();
        if origin == "null" {
            return Err(invalid("has no host"));
        }
        origins.push(origin);
    }
    Ok(origins)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_url_trailing_slash_is_dropped() {
        let urls = PublicUrls::parse("URL", "https://mcp.example.com/").unwrap();
        assert_eq!(urls.issuer(), "https://mcp.example.com");
        assert_eq!(urls.resource(), "https://mcp.example.com/mcp");
        assert_eq!(
            urls.resource_metadata(),
            "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"
        );
        assert_eq!(urls.authority(), "mcp.example.com");
    }

    #[test]
    fn public_url_keeps_explicit_port() {
        let urls = PublicUrls::parse("URL", "http://127.0.0.1:8787").unwrap();
        assert_eq!(urls.issuer(), "http://127.0.0.1:8787");
        assert_eq!(urls.authority(), "127.0.0.1:8787");
        assert_eq!(urls.host(), "127.0.0.1");
        assert!(!urls.is_https());
    }

    #[test]
    fn origins_are_normalised_like_browsers_send_them() {
        let origins = parse_origins(
            "ORIGINS",
            " http://LocalHost:6274 , https://app.example.com:443,",
        )
        .unwrap();
        assert_eq!(
            origins,
            ["http://localhost:6274", "https://app.example.com"]
        );
    }

    #[test]
    fn origin_with_path_fails() {
        assert!(parse_origins("ORIGINS", "https://app.example.com/page").is_err());
        assert!(parse_origins("ORIGINS", "ftp://files.example.com").is_err());
    }

    #[test]
    fn public_url_with_path_fails() {
        assert!(PublicUrls::parse("URL", "https://example.com/prod").is_err());
    }

    #[test]
    fn public_url_plain_http_on_public_host_fails() {
        assert!(PublicUrls::parse("URL", "http://example.com").is_err());
    }
}
