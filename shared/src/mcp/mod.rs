//! PLACEHOLDER: replaced by the MCP endpoint.

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::Config;
use crate::jwt::AccessTokens;
use crate::neonpanel::NeonPanelClient;
use crate::web::{self, Request, Response};

#[derive(Debug)]
pub struct McpEndpoint {}

impl McpEndpoint {
    pub fn new(
        _config: &Config,
        _tokens: AccessTokens,
        _neonpanel: NeonPanelClient,
        _clock: Arc<dyn Clock>,
    ) -> Self {
        Self {}
    }
    pub async fn handle(&self, _request: Request) -> Response {
        web::not_found()
    }
}
