//! The OAuth 2.1 authorization server
//! ([draft-ietf-oauth-v2-1](https://datatracker.ietf.org/doc/draft-ietf-oauth-v2-1/))
//! that issues the access tokens `/mcp` accepts: discovery metadata, open
//! client registration, authorization code grant with PKCE and a consent
//! page, and refresh token rotation.
//!
//! Every grant is approved by a person who knows one of the operator's access
//! codes, and its subject is [`SUBJECT`], because all grants reach NeonPanel
//! through the operator's one credential.

mod authorize;
mod client;
mod client_metadata_document;
mod consent;
mod error;
pub mod metadata;
mod pkce;
mod registration;
mod token;

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::{Config, PublicUrls, TokenLifetimes};
use crate::jwt::AccessTokens;
use crate::secret::AccessCode;
use crate::store::Store;
use crate::web::{Request, Response};

use client_metadata_document::DocumentFetcher;
use consent::ConsentSigner;
use metadata::Metadata;

/// The `sub` of every grant: the operator who owns the NeonPanel credential.
pub const SUBJECT: &str = "operator";

/// The authorization server and its discovery documents.
#[derive(Debug)]
pub struct AuthorizationServer {
    urls: PublicUrls,
    lifetimes: TokenLifetimes,
    store: Arc<dyn Store>,
    tokens: AccessTokens,
    access_codes: Vec<AccessCode>,
    clock: Arc<dyn Clock>,
    consent: ConsentSigner,
    metadata: Metadata,
    client_documents: DocumentFetcher,
}

impl AuthorizationServer {
    /// Builds the authorization server. Makes no storage or network call.
    pub fn new(
        config: &Config,
        store: Arc<dyn Store>,
        tokens: AccessTokens,
        access_codes: Vec<AccessCode>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        if access_codes.is_empty() {
            tracing::warn!("no access code is configured (nobody can approve a connection)");
        }
        let consent = ConsentSigner::new(tokens.derive_key(consent::KEY_PURPOSE));
        Self {
            urls: config.public_urls.clone(),
            lifetimes: config.lifetimes.clone(),
            store,
            tokens,
            access_codes,
            clock,
            consent,
            metadata: Metadata::new(&config.public_urls),
            client_documents: DocumentFetcher::default(),
        }
    }

    /// Lets client ID metadata documents be served over http from loopback
    /// addresses, which production must never allow. Only tests call this:
    /// no configuration value or environment variable reaches it.
    #[doc(hidden)]
    pub fn allow_loopback_client_metadata_documents_for_tests(&mut self) {
        self.client_documents.allow_loopback();
    }

    /// Serves protected resource metadata (RFC 9728) for `/mcp`, the same
    /// document at the root and at the `/mcp` path-suffixed well-known URL.
    pub fn protected_resource_metadata(&self) -> Response {
        self.metadata.protected_resource()
    }

    /// Serves authorization server metadata (RFC 8414).
    pub fn authorization_server_metadata(&self) -> Response {
        self.metadata.authorization_server()
    }

    /// Serves `/.well-known/openid-configuration` with the same document as
    /// [`Self::authorization_server_metadata`]. This server is not an OpenID
    /// Provider and issues no ID tokens, but some MCP clients discover the
    /// authorization server only through this URL, and RFC 8414 section 5
    /// lets both URLs carry one document.
    pub fn openid_configuration(&self) -> Response {
        self.metadata.authorization_server()
    }

    /// Handles `POST /register` (RFC 7591).
    pub async fn register(&self, request: Request) -> Response {
        registration::register(self, request).await
    }

    /// Handles `/authorize`: GET and HEAD validate the request and show the
    /// consent page, POST takes the person's decision.
    pub async fn authorize(&self, request: Request) -> Response {
        authorize::authorize(self, request).await
    }

    /// Handles `POST /token`: the authorization code and refresh token grants.
    pub async fn token(&self, request: Request) -> Response {
        token::token(self, request).await
    }
}
