//! PLACEHOLDER: replaced by the OAuth authorization server.

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::Config;
use crate::jwt::AccessTokens;
use crate::secret::AccessCode;
use crate::store::Store;
use crate::web::{self, Request, Response};

#[derive(Debug)]
pub struct AuthorizationServer {}

impl AuthorizationServer {
    pub fn new(
        _config: &Config,
        _store: Arc<dyn Store>,
        _tokens: AccessTokens,
        _access_codes: Vec<AccessCode>,
        _clock: Arc<dyn Clock>,
    ) -> Self {
        Self {}
    }
    pub fn protected_resource_metadata(&self) -> Response {
        web::not_found()
    }
    pub fn authorization_server_metadata(&self) -> Response {
        web::not_found()
    }
    pub fn openid_configuration(&self) -> Response {
        web::not_found()
    }
    pub async fn register(&self, _request: Request) -> Response {
        web::not_found()
    }
    pub async fn authorize(&self, _request: Request) -> Response {
        web::not_found()
    }
    pub async fn token(&self, _request: Request) -> Response {
        web::not_found()
    }
}
