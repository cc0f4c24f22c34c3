//! Discovery documents: protected resource metadata
//! ([RFC 9728 section 3](https://www.rfc-editor.org/rfc/rfc9728#section-3)) and
//! authorization server metadata
//! ([RFC 8414 section 2](https://www.rfc-editor.org/rfc/rfc8414#section-2)).
//!
//! Both are built once at start-up from the public URLs, so the issuer and
//! the resource are byte-identical in every document and every token.

use http::StatusCode;
use http::header::{CACHE_CONTROL, HeaderValue};
use serde_json::{Value, json};

use super::client::{AuthMethod, GrantType};
use super::pkce::S256;
use crate::config::PublicUrls;
use crate::scope;
use crate::web::{self, Response};

/// Name of the protected resource shown by clients (RFC 9728 `resource_name`).
const RESOURCE_NAME: &str = "NeonPanel";

/// Caching for public metadata: five minutes, so a changed deployment is
/// picked up soon while clients that refetch on every connection stay cheap.
const METADATA_CACHE_CONTROL: &str = "public, max-age=300";

/// The two discovery documents, serialized once.
#[derive(Clone, Debug)]
pub struct Metadata {
    protected_resource: Value,
    authorization_server: Value,
}

impl Metadata {
    /// Builds both documents from the public URLs.
    pub fn new(urls: &PublicUrls) -> Self {
        let protected_resource = json!({
            "resource": urls.resource(),
            "authorization_servers": [urls.issuer()],
            "scopes_supported": scope::SUPPORTED,
            "bearer_methods_supported": ["header"],
            "resource_name": RESOURCE_NAME,
        });
        let authorization_server = json!({
            "issuer": urls.issuer(),
            "authorization_endpoint": urls.endpoint("/authorize"),
            "token_endpoint": urls.endpoint("/token"),
            "registration_endpoint": urls.endpoint("/register"),
            "scopes_supported": scope::SUPPORTED,
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": GrantType::SUPPORTED,
            "token_endpoint_auth_methods_supported": AuthMethod::SUPPORTED,
            "code_challenge_methods_supported": [S256],
            "authorization_response_iss_parameter_supported": true,
            "client_id_metadata_document_supported": true,
        });
        Self {
            protected_resource,
            authorization_server,
        }
    }

    /// The protected resource metadata of `/mcp`.
    pub fn protected_resource(&self) -> Response {
        public_json(&self.protected_resource)
    }

    /// The authorization server metadata.
    pub fn authorization_server(&self) -> Response {
        public_json(&self.authorization_server)
    }
}

/// A JSON response caches may keep for a few minutes. The router adds the
/// CORS headers that let browser-based clients read it.
fn public_json(document: &Value) -> Response {
    let mut response = web::json(StatusCode::OK, document);
    let headers = response.headers_mut();
    headers.insert(
        CACHE_CONTROL,
        HeaderValue::from_static(METADATA_CACHE_CONTROL),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(response: Response) -> Value {
        serde_json::from_slice(response.body()).unwrap()
    }

    #[test]
    fn issuer_and_resource_come_from_public_url() {
        let urls = PublicUrls::parse("URL", "https://mcp.example.com/").unwrap();
        let metadata = Metadata::new(&urls);
        let server = document(metadata.authorization_server());
        let resource = document(metadata.protected_resource());
        assert_eq!(server["issuer"], "https://mcp.example.com");
        assert_eq!(server["token_endpoint"], "https://mcp.example.com/token");
        assert_eq!(resource["resource"], "https://mcp.example.com/mcp");
        assert_eq!(
            resource["authorization_servers"],
            json!(["https://mcp.example.com"])
        );
    }

    #[test]
    fn only_s256_is_advertised() {
        let urls = PublicUrls::parse("URL", "https://mcp.example.com").unwrap();
        let server = document(Metadata::new(&urls).authorization_server());
        assert_eq!(server["code_challenge_methods_supported"], json!(["S256"]));
    }
}
