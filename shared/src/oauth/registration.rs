//! Open dynamic client registration
//! ([RFC 7591 section 3](https://www.rfc-editor.org/rfc/rfc7591#section-3)).
//!
//! Anyone may register a client, because approving a connection still needs
//! the operator's access code on the consent page. Registration writes one
//! record with one storage call and returns the registered metadata.

use http::StatusCode;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::AuthorizationServer;
use super::client::{AuthMethod, ClientId, ClientRecord, GrantType, validate_redirect_uri};
use super::error::RegistrationError;
use crate::secret::{ClientSecret, hash_secret, random_token};
use crate::store::{Collection, Created, StoreError};
use crate::web::{self, Request, Response};

/// Largest registration document accepted, in bytes. Real documents are a
/// few hundred bytes.
const MAX_DOCUMENT_BYTES: usize = 16 * 1024;
/// Most redirect URIs one client may register.
const MAX_REDIRECT_URIS: usize = 10;
/// Longest redirect URI accepted, in bytes.
const MAX_REDIRECT_URI_BYTES: usize = 2048;
/// Longest `client_name` accepted, in characters; it is shown on the consent page.
const MAX_CLIENT_NAME_CHARS: usize = 200;

/// The client metadata this server reads (RFC 7591 section 2). Other fields
/// are ignored, as section 3.1 asks.
#[derive(Debug, Deserialize)]
struct ClientMetadata {
    redirect_uris: Option<Vec<String>>,
    token_endpoint_auth_method: Option<String>,
    grant_types: Option<Vec<String>>,
    response_types: Option<Vec<String>>,
    client_name: Option<String>,
}

/// Handles `POST /register`.
pub async fn register(server: &AuthorizationServer, request: Request) -> Response {
    match register_client(server, request).await {
        Ok(response) => response,
        Err(error) => {
            if !matches!(error, RegistrationError::Storage(_)) {
                tracing::info!(error = %error, "client registration rejected");
            }
            error.into_response()
        }
    }
}

async fn register_client(
    server: &AuthorizationServer,
    request: Request,
) -> Result<Response, RegistrationError> {
    let metadata = parse_document(&request)?;

    let redirect_uris = validate_redirect_uris(metadata.redirect_uris)?;
    let token_endpoint_auth_method = parse_auth_method(metadata.token_endpoint_auth_method)?;
    let grant_types = parse_grant_types(metadata.grant_types)?;
    validate_response_types(metadata.response_types)?;
    let client_name = validate_client_name(metadata.client_name)?;

    let client_id = ClientId::new(random_token());
    let client_secret = token_endpoint_auth_method
        .uses_secret()
        .then(|| ClientSecret::new(random_token()));
    let record = ClientRecord {
        client_id: client_id.clone(),
        client_name,
        redirect_uris,
        grant_types,
        token_endpoint_auth_method,
        client_secret_hash: client_secret
            .as_ref()
            .map(|secret| hash_secret(secret.expose())),
        client_id_issued_at: server.clock.now(),
    };

    let value = serde_json::to_vec(&record).expect("a client record always serializes");
    let created = server
        .store
        .create(Collection::Clients, client_id.as_str(), value, None)
        .await?;
    if created == Created::AlreadyExists {
        // Two 256-bit random identifiers do not collide in practice; a
        // collision means the random source is broken, so register nothing.
        return Err(StoreError::Corrupt("client_id collision".to_owned()).into());
    }

    tracing::info!(
        client_id = client_id.as_str(),
        client_name = record.client_name.as_deref().unwrap_or_default(),
        token_endpoint_auth_method = token_endpoint_auth_method.as_str(),
        "client registered"
    );
    let mut response = web::json(
        StatusCode::CREATED,
        &registration_response(&record, client_secret.as_ref()),
    );
    // The body carries the client secret.
    web::set_no_store(response.headers_mut());
    Ok(response)
}

/// Reads the body as a JSON client metadata object.
fn parse_document(request: &Request) -> Result<ClientMetadata, RegistrationError> {
    if !web::is_json(request.headers()) {
        return Err(invalid_metadata(
            "send the client metadata as a JSON object with Content-Type: application/json",
        ));
    }
    if request.body().len() > MAX_DOCUMENT_BYTES {
        return Err(invalid_metadata(format!(
            "the registration document is larger than {MAX_DOCUMENT_BYTES} bytes"
        )));
    }
    serde_json::from_slice(request.body())
        .map_err(|error| invalid_metadata(format!("invalid client metadata JSON: {error}")))
}

fn validate_redirect_uris(uris: Option<Vec<String>>) -> Result<Vec<String>, RegistrationError> {
    let uris = uris.unwrap_or_default();
    if uris.is_empty() {
        return Err(RegistrationError::InvalidRedirectUri(
            "redirect_uris is required and must list at least one URI".to_owned(),
        ));
    }
    if uris.len() > MAX_REDIRECT_URIS {
        return Err(RegistrationError::InvalidRedirectUri(format!(
            "at most {MAX_REDIRECT_URIS} redirect URIs may be registered"
        )));
    }
    for uri in &uris {
        if uri.len() > MAX_REDIRECT_URI_BYTES {
            return Err(RegistrationError::InvalidRedirectUri(format!(
                "redirect URIs may be at most {MAX_REDIRECT_URI_BYTES} bytes long"
            )));
        }
        validate_redirect_uri(uri)
            .map_err(|error| RegistrationError::InvalidRedirectUri(error.to_string()))?;
    }
    Ok(uris)
}

/// Parses `token_endpoint_auth_method`. Without one, RFC 7591 section 2 makes
/// the default `client_secret_basic`, so such clients receive a secret.
fn parse_auth_method(value: Option<String>) -> Result<AuthMethod, RegistrationError> {
    let Some(value) = value else {
        return Ok(AuthMethod::ClientSecretBasic);
    };
    AuthMethod::parse(&value).ok_or_else(|| {
        invalid_metadata(format!(
            "token_endpoint_auth_method {value:?} is not supported; use none, client_secret_post or client_secret_basic"
        ))
    })
}

/// Parses `grant_types`. Without it, this server registers both
/// `authorization_code` and `refresh_token` instead of the RFC 7591 default of
/// `authorization_code` alone, so clients that omit the field still receive
/// refresh tokens. The response echoes the registered value, as section
/// 3.2.1 requires when a server substitutes one.
fn parse_grant_types(values: Option<Vec<String>>) -> Result<Vec<GrantType>, RegistrationError> {
    let Some(values) = values else {
        return Ok(vec![GrantType::AuthorizationCode, GrantType::RefreshToken]);
    };
    let mut grant_types = Vec::new();
    for value in &values {
        let grant_type = GrantType::parse(value).ok_or_else(|| {
            invalid_metadata(format!(
                "grant type {value:?} is not supported; use authorization_code and refresh_token"
            ))
        })?;
        if !grant_types.contains(&grant_type) {
            grant_types.push(grant_type);
        }
    }
    if !grant_types.contains(&GrantType::AuthorizationCode) {
        return Err(invalid_metadata(
            "grant_types must include authorization_code, the only way to obtain tokens here",
        ));
    }
    grant_types.sort();
    Ok(grant_types)
}

fn validate_response_types(values: Option<Vec<String>>) -> Result<(), RegistrationError> {
    let Some(values) = values else {
        return Ok(());
    };
    if values.is_empty() || values.iter().any(|value| value != "code") {
        return Err(invalid_metadata(
            "response_types must be [\"code\"], the only response type supported",
        ));
    }
    Ok(())
}

fn validate_client_name(name: Option<String>) -> Result<Option<String>, RegistrationError> {
    let Some(name) = name else {
        return Ok(None);
    };
    let name = name.trim().to_owned();
    if name.chars().count() > MAX_CLIENT_NAME_CHARS {
        return Err(invalid_metadata(format!(
            "client_name may be at most {MAX_CLIENT_NAME_CHARS} characters long"
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(invalid_metadata(
            "client_name must not contain control characters",
        ));
    }
    Ok((!name.is_empty()).then_some(name))
}

/// The registered metadata, plus the secret for confidential clients (RFC
/// 7591 section 3.2.1). `client_secret_expires_at` 0 means it never expires.
fn registration_response(record: &ClientRecord, client_secret: Option<&ClientSecret>) -> Value {
    let mut body = Map::new();
    body.insert("client_id".into(), json!(record.client_id.as_str()));
    body.insert(
        "client_id_issued_at".into(),
        json!(record.client_id_issued_at),
    );
    if let Some(secret) = client_secret {
        body.insert("client_secret".into(), json!(secret.expose()));
        body.insert("client_secret_expires_at".into(), json!(0));
    }
    if let Some(name) = &record.client_name {
        body.insert("client_name".into(), json!(name));
    }
    body.insert("redirect_uris".into(), json!(record.redirect_uris));
    let grant_types: Vec<&str> = record
        .grant_types
        .iter()
        .map(|grant| grant.as_str())
        .collect();
    body.insert("grant_types".into(), json!(grant_types));
    body.insert("response_types".into(), json!(["code"]));
    body.insert(
        "token_endpoint_auth_method".into(),
        json!(record.token_endpoint_auth_method.as_str()),
    );
    Value::Object(body)
}

fn invalid_metadata(description: impl Into<String>) -> RegistrationError {
    RegistrationError::InvalidClientMetadata(description.into())
}
