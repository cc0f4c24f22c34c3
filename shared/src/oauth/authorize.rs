//! The authorization endpoint
//! ([RFC 6749 section 4.1.1](https://www.rfc-editor.org/rfc/rfc6749#section-4.1.1),
//! with PKCE from RFC 7636, `resource` from RFC 8707 and `iss` from RFC 9207).
//!
//! `GET` validates the request in the order RFC 6749 section 4.1.2.1 sets.
//! Failures of the client and its redirect URI are shown on this server,
//! because redirecting to an unverified URI would make it an open redirector.
//! Failures of every other parameter are redirected to the client. A valid request gets the consent page. `POST` takes the
//! decision from that page and issues a one-time code on approval.
//!
//! Each request touches storage at most twice: one read of the client, and
//! on approval one write of the code.

use http::header::SET_COOKIE;
use http::{Method, StatusCode};
use serde::{Deserialize, Serialize};
use url::Url;

use super::client::{ClientId, ClientRecord};
use super::consent::{self, ConsentFormError, ConsentPage};
use super::error::{AuthorizeError, ErrorCode, RedirectTarget, redirect_to_client};
use super::pkce::CodeChallenge;
use super::{AuthorizationServer, SUBJECT};
use crate::scope::ScopeSet;
use crate::secret::{AccessCode, constant_time_eq, hash_secret, random_token};
use crate::store::{Collection, Created, StoreError};
use crate::web::{self, Params, Request, Response};

/// Longest `client_id` looked up; issued identifiers are 43 characters.
const MAX_CLIENT_ID_BYTES: usize = 256;

/// A validated authorization request, carried through the consent form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizationRequest {
    pub client_id: ClientId,
    /// The resolved redirect URI the response goes to.
    pub redirect_uri: String,
    /// Whether the request named the redirect URI itself, in which case the
    /// token request must repeat it (RFC 6749 section 4.1.3).
    pub redirect_uri_sent: bool,
    pub state: Option<String>,
    /// Requested scopes, space-delimited; the person may grant fewer.
    pub scope: String,
    pub code_challenge: CodeChallenge,
    /// The `resource` the client named, if any (RFC 8707).
    pub resource: Option<String>,
}

/// An issued authorization code, stored under the SHA-256 of the code in
/// [`Collection::AuthorizationCodes`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeGrant {
    pub client_id: ClientId,
    pub redirect_uri: String,
    pub redirect_uri_sent: bool,
    pub code_challenge: CodeChallenge,
    pub scope: String,
    pub resource: Option<String>,
    pub sub: String,
}

/// Handles `/authorize`.
pub async fn authorize(server: &AuthorizationServer, request: Request) -> Response {
    let result = if request.method() == Method::POST {
        decide(server, &request).await
    } else {
        show_consent(server, &request).await
    };
    result.unwrap_or_else(|error| {
        match &error {
            AuthorizeError::Storage(_) => tracing::error!(error = %error, "authorization failed"),
            AuthorizeError::Redirect { code, .. } => {
                tracing::info!(error = code.as_str(), description = %error, "authorization request rejected (redirected to client)");
            }
            _ => tracing::info!(description = %error, "authorization request rejected (error page shown)"),
        }
        error.into_response(server.urls.issuer())
    })
}

/// Validates a `GET` request and renders the consent page with a fresh
/// signed form and nonce cookie.
async fn show_consent(
    server: &AuthorizationServer,
    request: &Request,
) -> Result<Response, AuthorizeError> {
    let params = Params::from_query(request);

    let (client, target, redirect_uri_sent) = validate_client(server, &params).await?;
    let authorization = validate_request(server, &params, &client, target, redirect_uri_sent)?;

    let nonce = random_token();
    let lifetime = server.lifetimes.consent;
    let expires_at = server.clock.now() + lifetime.as_secs();
    let signed_form = server.consent.sign(&authorization, expires_at, &nonce);
    tracing::info!(
        client_id = client.client_id.as_str(),
        scope = authorization.scope,
        "consent page shown"
    );
    let mut response = render_consent(&client, &authorization, &signed_form, StatusCode::OK, None);
    response.headers_mut().insert(
        SET_COOKIE,
        consent::nonce_cookie(&nonce, server.urls.is_https(), lifetime),
    );
    Ok(response)
}

/// Finds the client and resolves its redirect URI. Failures here are shown
/// on this server, never redirected.
async fn validate_client(
    server: &AuthorizationServer,
    params: &Params,
) -> Result<(ClientRecord, RedirectTarget, bool), AuthorizeError> {
    let client_id = params
        .single("client_id")
        .map_err(|_| AuthorizeError::UnknownClient("client_id is repeated; send it once".into()))?
        .filter(|client_id| !client_id.is_empty())
        .ok_or_else(|| AuthorizeError::UnknownClient("client_id is missing".into()))?;
    let requested_redirect_uri = params.single("redirect_uri").map_err(|_| {
        AuthorizeError::InvalidRedirectUri("redirect_uri is repeated; send it once".into())
    })?;

    let client = load_client(server, client_id).await?;

    let redirect_uri = client
        .resolve_redirect_uri(requested_redirect_uri)
        .map_err(|error| AuthorizeError::InvalidRedirectUri(error.to_string()))?;
    let target = RedirectTarget {
        redirect_uri,
        state: params.first("state").map(str::to_owned),
    };
    Ok((client, target, requested_redirect_uri.is_some()))
}

/// Validates everything after the client and redirect URI. Failures are
/// redirected to the client with `error`, `state` and `iss`.
fn validate_request(
    server: &AuthorizationServer,
    params: &Params,
    client: &ClientRecord,
    target: RedirectTarget,
    redirect_uri_sent: bool,
) -> Result<AuthorizationRequest, AuthorizeError> {
    let invalid_request = |description: String| {
        AuthorizeError::redirect(&target, ErrorCode::InvalidRequest, description)
    };
    // `resource` may legitimately repeat (RFC 8707 section 2), so it is
    // checked value by value below instead.
    let single = |name: &str| {
        params
            .single(name)
            .map_err(|_| invalid_request(format!("{name} is repeated; send it once")))
    };
    let response_type = single("response_type")?;
    let state = single("state")?;
    let scope = single("scope")?;
    let code_challenge = single("code_challenge")?;
    let code_challenge_method = single("code_challenge_method")?;

    match response_type {
        None | Some("") => {
            return Err(invalid_request(
                "response_type is required; use code".to_owned(),
            ));
        }
        Some("code") => {}
        Some(other) => {
            return Err(AuthorizeError::redirect(
                &target,
                ErrorCode::UnsupportedResponseType,
                format!("response_type {other:?} is not supported; use code"),
            ));
        }
    }

    let code_challenge = CodeChallenge::parse(code_challenge, code_challenge_method)
        .map_err(|error| invalid_request(error.to_string()))?;

    let mut resource = None;
    for (name, value) in params.iter() {
        if name != "resource" {
            continue;
        }
        if !resource_is_allowed(server, value) {
            return Err(AuthorizeError::redirect(
                &target,
                ErrorCode::InvalidTarget,
                format!("resource must be {}", server.urls.resource()),
            ));
        }
        resource = Some(value.to_owned());
    }

    let scope = ScopeSet::parse_or_default(scope)
        .map_err(|error| {
            AuthorizeError::redirect(&target, ErrorCode::InvalidScope, error.to_string())
        })?
        .with_implied();

    Ok(AuthorizationRequest {
        client_id: client.client_id.clone(),
        redirect_uri: target.redirect_uri.clone(),
        redirect_uri_sent,
        state: state.map(str::to_owned),
        scope: scope.to_string(),
        code_challenge,
        resource,
    })
}

/// Takes the decision posted from the consent page.
async fn decide(
    server: &AuthorizationServer,
    request: &Request,
) -> Result<Response, AuthorizeError> {
    let authorization = verify_consent_form(server, request)?;
    let form = Params::parse(request.body());
    let signed_form = form.first(consent::CONSENT_FIELD).unwrap_or_default();

    // The client may have changed since the page was rendered, so the
    // redirect URI is checked against the stored record again.
    let client = load_client(server, authorization.client_id.as_str()).await?;
    let redirect_uri = client
        .resolve_redirect_uri(Some(&authorization.redirect_uri))
        .map_err(|error| AuthorizeError::InvalidRedirectUri(error.to_string()))?;
    let target = RedirectTarget {
        redirect_uri,
        state: authorization.state.clone(),
    };
    let client_id = client.client_id.as_str();

    let decision = form.single(consent::DECISION_FIELD).ok().flatten();
    let response = match decision {
        Some(consent::DENY) => {
            tracing::info!(client_id, "authorization denied by the person");
            redirect_to_client(
                &target,
                server.urls.issuer(),
                &[
                    ("error", ErrorCode::AccessDenied.as_str()),
                    ("error_description", "the request was denied"),
                ],
            )
        }
        Some(consent::APPROVE) => {
            let access_code = form.single(consent::ACCESS_CODE_FIELD).ok().flatten();
            let failure = match access_code {
                None | Some("") => {
                    Some((StatusCode::BAD_REQUEST, "enter the access code to approve"))
                }
                Some(code) if !access_code_is_valid(&server.access_codes, code) => Some((
                    StatusCode::UNAUTHORIZED,
                    "the access code is not correct; ask the NeonPanel operator for the current code",
                )),
                Some(_) => None,
            };
            // TODO(rate-limit): wrong access codes are not throttled, so the
            // code's strength is the only defence against guessing.
            if let Some((status, message)) = failure {
                tracing::warn!(
                    client_id,
                    "consent approval rejected (wrong or missing access code)"
                );
                // The same signed form and cookie stay valid until they expire.
                return Ok(render_consent(
                    &client,
                    &authorization,
                    signed_form,
                    status,
                    Some(message),
                ));
            }
            let granted = granted_scope(&authorization, &form);
            let code = issue_code(server, &authorization, &granted).await?;
            tracing::info!(
                client_id,
                requested = authorization.scope,
                scope = %granted,
                "authorization code issued"
            );
            redirect_to_client(&target, server.urls.issuer(), &[("code", code.as_str())])
        }
        _ => {
            return Err(AuthorizeError::InvalidConsentForm(
                "choose Approve or Deny on the consent page".into(),
            ));
        }
    };
    Ok(with_cleared_cookie(server, response))
}

/// Checks the posted form's signature against the nonce cookie and returns
/// the authorization request it carries.
fn verify_consent_form(
    server: &AuthorizationServer,
    request: &Request,
) -> Result<AuthorizationRequest, AuthorizeError> {
    if !web::is_form(request.headers()) {
        return Err(AuthorizeError::InvalidConsentForm(
            "the consent form must be posted as application/x-www-form-urlencoded".into(),
        ));
    }
    let form = Params::parse(request.body());
    let signed_form = form.single(consent::CONSENT_FIELD).ok().flatten();
    let nonce = consent::nonce_from_cookies(request.headers());
    server
        .consent
        .verify(signed_form, nonce.as_deref(), server.clock.now())
        .map_err(|error: ConsentFormError| {
            tracing::warn!(reason = %error, "consent form rejected");
            AuthorizeError::InvalidConsentForm(
                "this consent form has expired or was not opened in this browser; start the connection again from your application".into(),
            )
        })
}

/// Returns the scopes to grant: those the client asked for that the person
/// chose on the consent page. Without a choice in the form, read only.
fn granted_scope(authorization: &AuthorizationRequest, form: &Params) -> ScopeSet {
    let requested = ScopeSet::parse_or_default(Some(&authorization.scope)).unwrap_or_default();
    let chosen = match form.single(consent::ACCESS_FIELD).ok().flatten() {
        Some(consent::ACCESS_READ_WRITE) => ScopeSet::read_write(),
        _ => ScopeSet::default_grant(),
    };
    requested.intersection(&chosen)
}

/// Stores a new authorization code for `scope` and returns it.
async fn issue_code(
    server: &AuthorizationServer,
    authorization: &AuthorizationRequest,
    scope: &ScopeSet,
) -> Result<String, AuthorizeError> {
    let code = random_token();
    let grant = CodeGrant {
        client_id: authorization.client_id.clone(),
        redirect_uri: authorization.redirect_uri.clone(),
        redirect_uri_sent: authorization.redirect_uri_sent,
        code_challenge: authorization.code_challenge.clone(),
        scope: scope.to_string(),
        resource: authorization.resource.clone(),
        sub: SUBJECT.to_owned(),
    };
    let value = serde_json::to_vec(&grant).expect("a code grant always serializes");
    let expires_at = server.clock.now() + server.lifetimes.authorization_code.as_secs();
    let created = server
        .store
        .create(
            Collection::AuthorizationCodes,
            &hash_secret(&code),
            value,
            Some(expires_at),
        )
        .await?;
    if created == Created::AlreadyExists {
        return Err(StoreError::Corrupt("authorization code collision".into()).into());
    }
    Ok(code)
}

/// Reads and decodes a client record.
async fn load_client(
    server: &AuthorizationServer,
    client_id: &str,
) -> Result<ClientRecord, AuthorizeError> {
    let unknown = || {
        AuthorizeError::UnknownClient(
            "no application is registered with this client_id; connect the application again so it can register".into(),
        )
    };
    if server.client_documents.recognizes(client_id) {
        return server
            .resolve_client_document(client_id)
            .await
            .map_err(|error| {
                AuthorizeError::UnknownClient(format!(
                    "{error}; the application must fix its client_id document"
                ))
            });
    }
    if client_id.len() > MAX_CLIENT_ID_BYTES {
        return Err(unknown());
    }
    let record = server
        .store
        .get(Collection::Clients, client_id)
        .await?
        .ok_or_else(unknown)?;
    serde_json::from_slice(&record.value)
        .map_err(|error| StoreError::Corrupt(format!("client record: {error}")).into())
}

/// Whether `value` names this server's MCP resource. One trailing slash is
/// tolerated because some clients normalise URLs that way.
pub fn resource_is_allowed(server: &AuthorizationServer, value: &str) -> bool {
    let resource = server.urls.resource();
    value == resource || value.strip_suffix('/') == Some(resource.as_str())
}

/// Whether `given` is one of the configured access codes. Every code is
/// compared, in constant time and by hash so lengths leak nothing. A code
/// configured as `sha256:<hex>` is already its hash, as the Lambda secret
/// stores codes.
fn access_code_is_valid(codes: &[AccessCode], given: &str) -> bool {
    let given = hash_secret(given);
    codes.iter().fold(false, |matched, code| {
        let expected = match code.expose().strip_prefix("sha256:") {
            Some(digest) => digest.to_ascii_lowercase(),
            None => hash_secret(code.expose()),
        };
        let is_match =
            !code.expose().is_empty() && constant_time_eq(expected.as_bytes(), given.as_bytes());
        matched | is_match
    })
}

fn render_consent(
    client: &ClientRecord,
    authorization: &AuthorizationRequest,
    signed_form: &str,
    status: StatusCode,
    error: Option<&str>,
) -> Response {
    let scopes = ScopeSet::parse_or_default(Some(&authorization.scope)).unwrap_or_default();
    let redirect_host = Url::parse(&authorization.redirect_uri)
        .ok()
        .and_then(|url| url.host_str().map(str::to_owned))
        .unwrap_or_default();
    consent::consent_page(
        status,
        &ConsentPage {
            client_name: client.display_name(),
            redirect_host: &redirect_host,
            scopes: &scopes,
            signed_form,
            error,
        },
    )
}

fn with_cleared_cookie(server: &AuthorizationServer, mut response: Response) -> Response {
    response.headers_mut().insert(
        SET_COOKIE,
        consent::clear_nonce_cookie(server.urls.is_https()),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_configured_access_code_is_accepted() {
        let codes = vec![
            AccessCode::new("first-code"),
            AccessCode::new("second-code"),
        ];
        assert!(access_code_is_valid(&codes, "first-code"));
        assert!(access_code_is_valid(&codes, "second-code"));
    }

    #[test]
    fn wrong_access_code_fails() {
        let codes = vec![AccessCode::new("first-code")];
        assert!(!access_code_is_valid(&codes, "first-cod"));
        assert!(!access_code_is_valid(&codes, ""));
        assert!(!access_code_is_valid(&[], "first-code"));
    }

    #[test]
    fn hashed_access_code_is_accepted() {
        let codes = vec![AccessCode::new(format!(
            "sha256:{}",
            hash_secret("first-code")
        ))];
        assert!(access_code_is_valid(&codes, "first-code"));
        assert!(!access_code_is_valid(&codes, "first-cod"));
    }

    #[test]
    fn empty_configured_access_code_never_matches() {
        assert!(!access_code_is_valid(&[AccessCode::new("")], ""));
    }
}
