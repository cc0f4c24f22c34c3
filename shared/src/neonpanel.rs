//! PLACEHOLDER: replaced by the NeonPanel API client.

use crate::config::NeonPanelSettings;
use crate::secret::Iat;

#[derive(Debug)]
pub struct NeonPanelClient {}

impl NeonPanelClient {
    pub fn new(_settings: &NeonPanelSettings, _iat: Iat) -> Result<Self, std::io::Error> {
        Ok(Self {})
    }
}
