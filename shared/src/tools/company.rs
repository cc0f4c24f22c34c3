//! Resolves numeric company ids to the `uuid` NeonPanel's company-scoped
//! operations need, through the companies list, cached briefly per instance.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::Mutex;

use crate::neonpanel::{ApiRequest, NeonPanelClient, NeonPanelError};

/// How long a companies list is reused. Companies are rarely added, and a
/// stale list only costs one more NeonPanel call on a miss.
const CACHE_TTL: Duration = Duration::from_secs(300);

/// Pages of 60 companies read at most, so one lookup makes a bounded number
/// of calls.
const MAX_PAGES: u64 = 10;

/// A company the credential reaches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Company {
    pub id: i64,
    pub uuid: String,
    pub name: String,
}

/// A failed company lookup.
#[derive(Debug, thiserror::Error)]
pub enum CompanyError {
    #[error(
        "no company with id {0} is reachable with the server's NeonPanel credential; call account_list_companies for the companies available"
    )]
    Unknown(i64),
    #[error("cannot look up the company: {0}")]
    NeonPanel(#[from] NeonPanelError),
}

/// A companies list and when it was read.
type CachedCompanies = Option<(Instant, Vec<Company>)>;

/// The companies list of one instance, shared by clones.
#[derive(Clone, Debug, Default)]
pub struct CompanyDirectory {
    cache: Arc<Mutex<CachedCompanies>>,
}

impl CompanyDirectory {
    /// Returns the companies the credential reaches, from the cache when it
    /// is fresh.
    pub async fn companies(
        &self,
        client: &NeonPanelClient,
    ) -> Result<Vec<Company>, NeonPanelError> {
        let mut cache = self.cache.lock().await;
        if let Some((fetched_at, companies)) = cache.as_ref()
            && fetched_at.elapsed() < CACHE_TTL
        {
            return Ok(companies.clone());
        }
        let companies = fetch_all(client).await?;
        *cache = Some((Instant::now(), companies.clone()));
        Ok(companies)
    }

    /// Returns the `uuid` of the company with numeric `id`. A miss in a
    /// cached list reads the list again once, in case the company is new.
    pub async fn uuid_of(&self, client: &NeonPanelClient, id: i64) -> Result<String, CompanyError> {
        let find = |companies: &[Company]| {
            companies
                .iter()
                .find(|company| company.id == id)
                .map(|company| company.uuid.clone())
        };
        if let Some(uuid) = find(&self.companies(client).await?) {
            return Ok(uuid);
        }
        self.cache.lock().await.take();
        find(&self.companies(client).await?).ok_or(CompanyError::Unknown(id))
    }
}

/// Reads every page of the companies list, up to [`MAX_PAGES`].
async fn fetch_all(client: &NeonPanelClient) -> Result<Vec<Company>, NeonPanelError> {
    let mut companies = Vec::new();
    let mut page = 1;
    loop {
        let request = ApiRequest::get(
            &["api", "v1", "companies"],
            vec![
                ("page".to_owned(), page.to_string()),
                ("per_page".to_owned(), "60".to_owned()),
            ],
        );
        let body = client.send(&request).await?;
        companies.extend(
            body["data"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(company_of),
        );
        let last_page = body["last_page"].as_u64().unwrap_or(page);
        if page >= last_page || page >= MAX_PAGES {
            return Ok(companies);
        }
        page += 1;
    }
}

fn company_of(value: &Value) -> Option<Company> {
    Some(Company {
        id: value["id"].as_i64()?,
        uuid: value["uuid"].as_str()?.to_owned(),
        name: value["name"].as_str().unwrap_or_default().to_owned(),
    })
}

/// Reads a numeric company id from an argument: an integer, or a string of
/// digits (a `uuid` never is one).
pub fn numeric_id(value: &Value) -> Option<i64> {
    match value {
        Value::Number(number) => number.as_i64(),
        Value::String(text) if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => {
            text.parse().ok()
        }
        _ => None,
    }
}
