//! Access tokens: JWTs (RFC 9068 profile, RFC 7519) signed with HMAC-SHA256,
//! audience-bound to the MCP resource (RFC 8707).
//!
//! Verification pins the algorithm, requires `exp`, `iss`, `aud` and `sub`,
//! and accepts the current and the previous signing key, chosen by `kid`, so
//! rotating the key logs no one out. It reads no storage.

use hmac::{Hmac, Mac as _};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::config::SigningKey;
use crate::scope::ScopeSet;
use crate::secret::{BearerToken, KeyBytes, random_token};

/// RFC 9068 section 2.1 media type for access token headers.
const ACCESS_TOKEN_TYPE: &str = "at+jwt";

/// Claims of an access token issued by this server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    /// Issuer: this server's issuer identifier.
    pub iss: String,
    /// Subject: who approved the grant.
    pub sub: String,
    /// Audience: the MCP resource URL.
    pub aud: String,
    /// The client the token was issued to.
    pub client_id: String,
    /// Space-delimited granted scopes.
    pub scope: String,
    /// Expiry, seconds since the Unix epoch.
    pub exp: u64,
    /// Issue time, seconds since the Unix epoch.
    pub iat: u64,
    /// Unique token id.
    pub jti: String,
}

impl AccessClaims {
    /// The granted scopes; unknown values are dropped.
    pub fn scopes(&self) -> ScopeSet {
        let known: Vec<&str> = self
            .scope
            .split_ascii_whitespace()
            .filter(|scope| crate::scope::SUPPORTED.contains(scope))
            .collect();
        ScopeSet::parse_or_default(Some(&known.join(" "))).unwrap_or_default()
    }
}

/// Why a bearer token was rejected. The variants exist for logs; clients
/// only ever see `invalid_token`.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum TokenRejection {
    #[error("token is not a well-formed JWT")]
    Malformed,
    #[error("token names an unknown signing key")]
    UnknownKey,
    #[error("token signature, algorithm or claims are invalid: {0}")]
    Invalid(String),
    #[error("token has expired")]
    Expired,
}

/// Issues and verifies access tokens for one issuer and one audience.
#[derive(Clone, Debug)]
pub struct AccessTokens {
    issuer: String,
    audience: String,
    current: SigningKey,
    previous: Option<SigningKey>,
}

impl AccessTokens {
    /// Creates an issuer-verifier. `audience` is the MCP resource URL.
    pub fn new(
        issuer: impl Into<String>,
        audience: impl Into<String>,
        current: SigningKey,
        previous: Option<SigningKey>,
    ) -> Self {
        Self {
            issuer: issuer.into(),
            audience: audience.into(),
            current,
            previous,
        }
    }

    /// Signs a new access token with the current key.
    pub fn issue(
        &self,
        sub: &str,
        client_id: &str,
        scope: &ScopeSet,
        now: u64,
        lifetime_seconds: u64,
    ) -> (BearerToken, AccessClaims) {
        let claims = AccessClaims {
            iss: self.issuer.clone(),
            sub: sub.to_owned(),
            aud: self.audience.clone(),
            client_id: client_id.to_owned(),
            scope: scope.to_string(),
            exp: now + lifetime_seconds,
            iat: now,
            jti: random_token(),
        };
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(self.current.kid.clone());
        header.typ = Some(ACCESS_TOKEN_TYPE.to_owned());
        let key = EncodingKey::from_secret(self.current.secret.expose())
            .expect("a configured signing key is never empty");
        let token = jsonwebtoken::encode(&header, &claims, &key)
            .expect("HS256 signing of serializable claims cannot fail");
        (BearerToken::new(token), claims)
    }

    /// Derives a separate HMAC key for `purpose` from the current signing key,
    /// so every instance holding the signing key computes the same key without
    /// another secret. Rotating the signing key changes every derived key.
    pub fn derive_key(&self, purpose: &str) -> KeyBytes {
        let mut mac = Hmac::<Sha256>::new_from_slice(self.current.secret.expose())
            .expect("HMAC-SHA256 accepts keys of any length");
        mac.update(b"neonpanel-mcp derived key\0");
        mac.update(purpose.as_bytes());
        KeyBytes::new(mac.finalize().into_bytes().to_vec())
    }

    /// Verifies a token's signature, algorithm, issuer, audience and expiry.
    pub fn verify(&self, token: &str, now: u64) -> Result<AccessClaims, TokenRejection> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenRejection::Malformed)?;
        if header.alg != Algorithm::HS256 {
            return Err(TokenRejection::Invalid(format!(
                "algorithm {:?} is not accepted",
                header.alg
            )));
        }
        let kid = header.kid.ok_or(TokenRejection::UnknownKey)?;
        let key = [Some(&self.current), self.previous.as_ref()]
            .into_iter()
            .flatten()
            .find(|key| key.kid == kid)
            .ok_or(TokenRejection::UnknownKey)?;

        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        // Expiry is compared below against the server's clock, which tests can move.
        validation.validate_exp = false;
        let decoding_key = DecodingKey::from_secret(key.secret.expose())
            .map_err(|error| TokenRejection::Invalid(error.to_string()))?;
        let data = jsonwebtoken::decode::<AccessClaims>(token, &decoding_key, &validation)
            .map_err(|error| TokenRejection::Invalid(error.to_string()))?;

        if data.claims.exp <= now {
            return Err(TokenRejection::Expired);
        }
        Ok(data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(kid: &str) -> SigningKey {
        SigningKey {
            kid: kid.to_owned(),
            secret: KeyBytes::generate(),
        }
    }

    fn tokens() -> AccessTokens {
        AccessTokens::new(
            "https://mcp.example.com",
            "https://mcp.example.com/mcp",
            key("k1"),
            None,
        )
    }

    #[test]
    fn issued_token_verifies() {
        let tokens = tokens();
        let (token, claims) =
            tokens.issue("operator", "client-1", &ScopeSet::default_grant(), 1000, 60);
        let verified = tokens.verify(token.expose(), 1000).unwrap();
        assert_eq!(verified, claims);
        assert_eq!(verified.aud, "https://mcp.example.com/mcp");
        assert_eq!(verified.scope, "neonpanel:read");
    }

    #[test]
    fn exp_in_past_fails() {
        let tokens = tokens();
        let (token, _) = tokens.issue("operator", "client-1", &ScopeSet::default_grant(), 1000, 60);
        assert_eq!(
            tokens.verify(token.expose(), 1060),
            Err(TokenRejection::Expired)
        );
    }

    #[test]
    fn other_audience_fails() {
        let tokens = tokens();
        let other = AccessTokens::new(
            "https://mcp.example.com",
            "https://other.example/mcp",
            tokens.current.clone(),
            None,
        );
        let (token, _) = other.issue("operator", "client-1", &ScopeSet::default_grant(), 1000, 60);
        assert!(matches!(
            tokens.verify(token.expose(), 1000),
            Err(TokenRejection::Invalid(_))
        ));
    }

    #[test]
    fn previous_key_still_verifies() {
        let old = key("old");
        let before = AccessTokens::new("https://i", "https://i/mcp", old.clone(), None);
        let after = AccessTokens::new("https://i", "https://i/mcp", key("new"), Some(old));
        let (token, _) = before.issue("operator", "c", &ScopeSet::default_grant(), 1000, 60);
        assert!(after.verify(token.expose(), 1000).is_ok());
    }

    #[test]
    fn unknown_kid_fails() {
        let stranger = AccessTokens::new(
            "https://mcp.example.com",
            "https://mcp.example.com/mcp",
            key("k2"),
            None,
        );
        let (token, _) = stranger.issue("operator", "c", &ScopeSet::default_grant(), 1000, 60);
        assert_eq!(
            tokens().verify(token.expose(), 1000),
            Err(TokenRejection::UnknownKey)
        );
    }

    #[test]
    fn derived_keys_differ_by_purpose() {
        let tokens = tokens();
        assert_eq!(tokens.derive_key("a"), tokens.derive_key("a"));
        assert_ne!(tokens.derive_key("a"), tokens.derive_key("b"));
        assert_eq!(tokens.derive_key("a").expose().len(), 32);
    }

    #[test]
    fn unsigned_token_fails() {
        // {"alg":"none","kid":"k1"}.{"sub":"x"}.
        let token = "eyJhbGciOiJub25lIiwia2lkIjoiazEifQ.eyJzdWIiOiJ4In0.";
        assert!(tokens().verify(token, 1000).is_err());
    }

    #[test]
    fn garbage_token_is_malformed() {
        assert_eq!(
            tokens().verify("not-a-jwt", 1000),
            Err(TokenRejection::Malformed)
        );
    }
}
