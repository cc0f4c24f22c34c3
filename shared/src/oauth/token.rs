//! The token endpoint
//! ([RFC 6749 section 3.2](https://www.rfc-editor.org/rfc/rfc6749#section-3.2)):
//! the authorization code grant with PKCE (section 4.1.3, RFC 7636 section
//! 4.6) and the refresh token grant with rotation and replay detection
//! ([RFC 9700 section 4.14.2](https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2)).
//!
//! Input is validated before storage is touched, so a malformed request
//! changes nothing. A code is consumed with one atomic take, so of several
//! concurrent redemptions exactly one succeeds. Refresh tokens of one grant
//! form a family: each rotation links the old token to its successor, and
//! presenting a rotated token again deletes the family's live token.

use std::collections::HashSet;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac as _};
use http::StatusCode;
use http::header::{AUTHORIZATION, HeaderMap};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use sha2::Sha256;

use super::AuthorizationServer;
use super::authorize::{CodeGrant, resource_is_allowed};
use super::client::{AuthMethod, ClientRecord, GrantType};
use super::error::TokenError;
use super::pkce::parse_verifier;
use crate::scope::ScopeSet;
use crate::secret::{
    AuthorizationCode, ClientSecret, CodeVerifier, RefreshToken, hash_secret, random_token,
};
use crate::store::{Collection, Created, Record, Replaced, StoreError};
use crate::web::{self, Params, Request, Response};

/// Most links followed when revoking a refresh token family. A family grows
/// by one link per rotation, and each rotated link lives only until its own
/// expiry, so a longer chain is cut short and its rest expires on its own.
const MAX_FAMILY_LINKS: usize = 32;

/// Longest `client_id` looked up; issued identifiers are 43 characters.
const MAX_CLIENT_ID_BYTES: usize = 256;

/// A refresh token's record, stored under the SHA-256 of the token in
/// [`Collection::RefreshTokens`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct RefreshGrant {
    /// Shared by every token rotated from the same authorization.
    family_id: String,
    client_id: String,
    /// Scopes of the grant; a refresh request may narrow the access token's
    /// scopes, never this value (RFC 6749 section 6).
    scope: String,
    sub: String,
    /// SHA-256 of the token that replaced this one, once rotated.
    replaced_by: Option<String>,
}

/// Client credentials as presented in one request (RFC 6749 section 2.3.1).
#[derive(Debug)]
struct PresentedCredentials {
    client_id: String,
    secret: Option<ClientSecret>,
    method: AuthMethod,
}

/// Handles `POST /token`. Every response is marked `no-store`.
pub async fn token(server: &AuthorizationServer, request: Request) -> Response {
    match exchange(server, &request).await {
        Ok(body) => {
            let mut response = web::json(StatusCode::OK, &body);
            web::set_no_store(response.headers_mut());
            response
        }
        Err(error) => {
            if let Some(code) = error.code() {
                tracing::info!(error = code.as_str(), description = %error, "token request rejected");
            }
            error.into_response()
        }
    }
}

async fn exchange(server: &AuthorizationServer, request: &Request) -> Result<Value, TokenError> {
    if !web::is_form(request.headers()) {
        return Err(TokenError::InvalidRequest(
            "send the token request as application/x-www-form-urlencoded".into(),
        ));
    }
    let form = Params::parse(request.body());
    reject_repeated_params(&form)?;
    let grant_type = form
        .first("grant_type")
        .filter(|value| !value.is_empty())
        .ok_or_else(|| TokenError::InvalidRequest("grant_type is missing".into()))?;
    let grant_type = GrantType::parse(grant_type).ok_or_else(|| {
        TokenError::UnsupportedGrantType(format!(
            "grant_type {grant_type:?} is not supported; use authorization_code or refresh_token"
        ))
    })?;
    validate_resources(server, &form)?;
    let credentials = read_credentials(request.headers(), &form)?;

    match grant_type {
        GrantType::AuthorizationCode => {
            let code = required(&form, "code")?;
            let redirect_uri = form.first("redirect_uri");
            let verifier = read_verifier(&form)?;
            let client = authenticate(server, &credentials, grant_type).await?;
            redeem_code(server, &client, &code, redirect_uri, &verifier).await
        }
        GrantType::RefreshToken => {
            let refresh_token = RefreshToken::new(required(&form, "refresh_token")?);
            let scope = form
                .first("scope")
                .map(|scope| ScopeSet::parse_or_default(Some(scope)))
                .transpose()
                .map_err(|error| TokenError::InvalidScope(error.to_string()))?;
            let client = authenticate(server, &credentials, grant_type).await?;
            rotate_refresh_token(server, &client, &refresh_token, scope).await
        }
    }
}

/// RFC 6749 section 3.2 forbids repeating a parameter; `resource` is the
/// exception, as RFC 8707 section 2 allows several.
fn reject_repeated_params(form: &Params) -> Result<(), TokenError> {
    let mut seen = HashSet::new();
    for (name, _) in form.iter() {
        if name != "resource" && !seen.insert(name) {
            return Err(TokenError::InvalidRequest(format!(
                "{name} is repeated; send it once"
            )));
        }
    }
    Ok(())
}

fn validate_resources(server: &AuthorizationServer, form: &Params) -> Result<(), TokenError> {
    let is_invalid = form
        .iter()
        .any(|(name, value)| name == "resource" && !resource_is_allowed(server, value));
    if is_invalid {
        return Err(TokenError::InvalidTarget(format!(
            "resource must be {}",
            server.urls.resource()
        )));
    }
    Ok(())
}

fn required(form: &Params, name: &str) -> Result<String, TokenError> {
    form.first(name)
        .filter(|value| !value.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| TokenError::InvalidRequest(format!("{name} is missing")))
}

/// Reads `code_verifier`. A missing verifier is `invalid_grant`, because every
/// code this server issues is bound to a PKCE challenge. A verifier that
/// breaks the RFC 7636 grammar is `invalid_request`.
fn read_verifier(form: &Params) -> Result<CodeVerifier, TokenError> {
    let value = form.first("code_verifier").unwrap_or_default();
    if value.is_empty() {
        return Err(TokenError::InvalidGrant(
            "code_verifier is required: this server issues every code with a PKCE challenge".into(),
        ));
    }
    parse_verifier(value).map_err(|error| TokenError::InvalidRequest(error.to_string()))
}

/// Reads client credentials from an HTTP Basic header or the form. Using both
/// is rejected (RFC 6749 section 2.3).
fn read_credentials(
    headers: &HeaderMap,
    form: &Params,
) -> Result<PresentedCredentials, TokenError> {
    let form_client_id = form.first("client_id").filter(|value| !value.is_empty());
    let form_secret = form
        .first("client_secret")
        .filter(|value| !value.is_empty());

    if let Some((client_id, secret)) = read_basic(headers)? {
        if form_secret.is_some() {
            return Err(TokenError::InvalidRequest(
                "send the client secret either in the Authorization header or in the form, not both".into(),
            ));
        }
        if form_client_id.is_some_and(|form_id| form_id != client_id) {
            return Err(TokenError::InvalidRequest(
                "client_id in the form differs from the one in the Authorization header".into(),
            ));
        }
        return Ok(PresentedCredentials {
            client_id,
            secret: Some(secret),
            method: AuthMethod::ClientSecretBasic,
        });
    }

    let client_id = form_client_id.ok_or_else(|| {
        TokenError::InvalidClient(
            "client authentication is missing; send client_id (and the client secret for confidential clients)".into(),
        )
    })?;
    let (secret, method) = match form_secret {
        Some(secret) => (
            Some(ClientSecret::new(secret)),
            AuthMethod::ClientSecretPost,
        ),
        None => (None, AuthMethod::None),
    };
    Ok(PresentedCredentials {
        client_id: client_id.to_owned(),
        secret,
        method,
    })
}

/// Decodes `Authorization: Basic`. RFC 6749 section 2.3.1 has the client
/// form-urlencode the id and secret before Basic encoding, so both are
/// decoded again here. Other schemes are ignored.
fn read_basic(headers: &HeaderMap) -> Result<Option<(String, ClientSecret)>, TokenError> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    let malformed =
        || TokenError::InvalidClient("the Basic Authorization header is malformed".into());
    let value = value.to_str().map_err(|_| malformed())?;
    let Some((scheme, encoded)) = value.split_once(' ') else {
        return Ok(None);
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Ok(None);
    }
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| malformed())?;
    let decoded = String::from_utf8(decoded).map_err(|_| malformed())?;
    let (client_id, secret) = decoded.split_once(':').ok_or_else(malformed)?;
    let client_id = form_decode(client_id).ok_or_else(malformed)?;
    let secret = form_decode(secret).ok_or_else(malformed)?;
    if client_id.is_empty() {
        return Err(malformed());
    }
    Ok(Some((client_id, ClientSecret::new(secret))))
}

/// Decodes one `application/x-www-form-urlencoded` value: `+` is a space and
/// `%XX` a byte. Returns `None` for a broken escape or invalid UTF-8.
fn form_decode(value: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(value.len());
    let mut input = value.bytes();
    while let Some(byte) = input.next() {
        match byte {
            b'+' => bytes.push(b' '),
            b'%' => {
                let high = (input.next()? as char).to_digit(16)?;
                let low = (input.next()? as char).to_digit(16)?;
                bytes.push((high * 16 + low) as u8);
            }
            other => bytes.push(other),
        }
    }
    String::from_utf8(bytes).ok()
}

/// Loads the client and checks its credentials with the method it
/// registered. Every failure is `invalid_client` with the same description
/// class, so a caller cannot tell an unknown client from a wrong secret
/// except by the method hint.
async fn authenticate(
    server: &AuthorizationServer,
    credentials: &PresentedCredentials,
    grant_type: GrantType,
) -> Result<ClientRecord, TokenError> {
    let unknown = || TokenError::InvalidClient("client authentication failed".into());
    let client = if server.client_documents.recognizes(&credentials.client_id) {
        server
            .resolve_client_document(&credentials.client_id)
            .await
            .map_err(|error| TokenError::InvalidClient(error.to_string()))?
    } else {
        if credentials.client_id.len() > MAX_CLIENT_ID_BYTES {
            return Err(unknown());
        }
        let record = server
            .store
            .get(Collection::Clients, &credentials.client_id)
            .await?
            .ok_or_else(unknown)?;
        decode::<ClientRecord>(&record, "client")?
    };

    let registered = client.token_endpoint_auth_method;
    if credentials.method != registered {
        tracing::info!(
            client_id = client.client_id.as_str(),
            registered = registered.as_str(),
            presented = credentials.method.as_str(),
            "client authentication failed (wrong method)"
        );
        return Err(TokenError::InvalidClient(format!(
            "this client must authenticate with {}",
            registered.as_str()
        )));
    }
    if let Some(secret) = &credentials.secret
        && !client.secret_matches(secret)
    {
        tracing::info!(
            client_id = client.client_id.as_str(),
            "client authentication failed (wrong secret)"
        );
        return Err(unknown());
    }

    if !client.grant_type_is_allowed(grant_type) {
        return Err(TokenError::UnauthorizedClient(format!(
            "this client did not register the {} grant type",
            grant_type.as_str()
        )));
    }
    Ok(client)
}

/// Redeems an authorization code (RFC 6749 section 4.1.3).
async fn redeem_code(
    server: &AuthorizationServer,
    client: &ClientRecord,
    code: &str,
    redirect_uri: Option<&str>,
    verifier: &CodeVerifier,
) -> Result<Value, TokenError> {
    let code = AuthorizationCode::new(code);
    let invalid_code = || {
        TokenError::InvalidGrant(
            "the authorization code is invalid, expired or already used".into(),
        )
    };
    let client_id = client.client_id.as_str();

    let taken = server
        .store
        .take(Collection::AuthorizationCodes, &hash_secret(code.expose()))
        .await?;
    let Some(record) = taken else {
        revoke_grant_of_reused_code(server, client_id, &code).await?;
        return Err(invalid_code());
    };
    let grant: CodeGrant = decode(&record, "authorization code")?;

    if grant.client_id != client.client_id {
        tracing::warn!(client_id, "authorization code presented by another client");
        return Err(invalid_code());
    }
    match redirect_uri {
        Some(sent) if sent != grant.redirect_uri => {
            return Err(TokenError::InvalidGrant(
                "redirect_uri differs from the one used in the authorization request".into(),
            ));
        }
        None if grant.redirect_uri_sent => {
            return Err(TokenError::InvalidGrant(
                "redirect_uri is required because the authorization request included it".into(),
            ));
        }
        _ => {}
    }
    if !grant.code_challenge.is_satisfied_by(verifier) {
        tracing::warn!(
            client_id,
            "authorization code redeemed with a wrong code_verifier"
        );
        return Err(TokenError::InvalidGrant(
            "code_verifier does not match the code_challenge".into(),
        ));
    }

    let scope = ScopeSet::parse_or_default(Some(&grant.scope))
        .map_err(|error| StoreError::Corrupt(format!("authorization code scope: {error}")))?;
    let refresh_token = if client.grant_type_is_allowed(GrantType::RefreshToken) {
        let family = RefreshGrant {
            family_id: random_token(),
            client_id: client_id.to_owned(),
            scope: grant.scope.clone(),
            sub: grant.sub.clone(),
            replaced_by: None,
        };
        let first_token = first_refresh_token(server, &code);
        Some(store_refresh_token(server, &family, first_token).await?.0)
    } else {
        None
    };
    tracing::info!(
        client_id,
        scope = grant.scope,
        "tokens issued for an authorization code"
    );
    Ok(token_response(
        server,
        client_id,
        &grant.sub,
        &scope,
        refresh_token.as_ref(),
    ))
}

/// Rotates a refresh token (RFC 6749 section 6): the old token is linked to
/// its successor and rejected from then on.
///
/// The successor is written before the old token is marked, so a storage
/// failure between the two leaves the old token usable instead of leaving the
/// client with nothing. If another request rotated the same token first, the
/// successor written here is never handed out and expires unused.
async fn rotate_refresh_token(
    server: &AuthorizationServer,
    client: &ClientRecord,
    refresh_token: &RefreshToken,
    requested_scope: Option<ScopeSet>,
) -> Result<Value, TokenError> {
    let invalid_token =
        || TokenError::InvalidGrant("the refresh token is invalid, expired or revoked".into());
    let client_id = client.client_id.as_str();
    let key = hash_secret(refresh_token.expose());

    let record = server
        .store
        .get(Collection::RefreshTokens, &key)
        .await?
        .ok_or_else(invalid_token)?;
    let grant: RefreshGrant = decode(&record, "refresh token")?;

    if grant.client_id != client_id {
        tracing::warn!(client_id, "refresh token presented by another client");
        return Err(invalid_token());
    }
    if grant.replaced_by.is_some() {
        revoke_family(server, &grant).await?;
        tracing::warn!(
            client_id,
            "rotated refresh token replayed (token family revoked)"
        );
        return Err(TokenError::InvalidGrant(
            "the refresh token was already used, so its grant is revoked; authorize again".into(),
        ));
    }

    let granted = ScopeSet::parse_or_default(Some(&grant.scope))
        .map_err(|error| StoreError::Corrupt(format!("refresh token scope: {error}")))?;
    let scope = match requested_scope {
        Some(requested) if !granted.is_superset(&requested) => {
            return Err(TokenError::InvalidScope(format!(
                "scope may only narrow the granted scopes ({granted})"
            )));
        }
        Some(requested) => requested,
        None => granted,
    };

    // TODO(storage-budget): with the client read this grant makes four
    // storage calls, one more than the three the token endpoint is allowed.
    // One record per family, holding the live token's hash, would need three.
    let successor = RefreshGrant {
        replaced_by: None,
        ..grant.clone()
    };
    let (new_token, new_key) =
        store_refresh_token(server, &successor, RefreshToken::new(random_token())).await?;
    let rotated = RefreshGrant {
        replaced_by: Some(new_key),
        ..grant.clone()
    };
    let value = serde_json::to_vec(&rotated).expect("a refresh grant always serializes");
    let replaced = server
        .store
        .replace(
            Collection::RefreshTokens,
            &key,
            record.version,
            value,
            record.expires_at,
        )
        .await?;
    if replaced == Replaced::Conflict {
        tracing::warn!(
            client_id,
            "refresh token rotated concurrently (this request lost)"
        );
        return Err(TokenError::InvalidGrant(
            "the refresh token was used by another request at the same time; use the newest refresh token".into(),
        ));
    }

    tracing::info!(client_id, scope = %scope, "tokens issued for a refresh token");
    Ok(token_response(
        server,
        client_id,
        &grant.sub,
        &scope,
        Some(&new_token),
    ))
}

/// Deletes every token rotated from a replayed one, following the links from
/// its successor onwards.
async fn revoke_family(
    server: &AuthorizationServer,
    replayed: &RefreshGrant,
) -> Result<(), TokenError> {
    let mut next = replayed.replaced_by.clone();
    for _ in 0..MAX_FAMILY_LINKS {
        let Some(key) = next.take() else {
            return Ok(());
        };
        let Some(record) = server.store.get(Collection::RefreshTokens, &key).await? else {
            return Ok(());
        };
        let link: RefreshGrant = decode(&record, "refresh token")?;
        if link.family_id != replayed.family_id {
            return Ok(());
        }
        server.store.delete(Collection::RefreshTokens, &key).await?;
        next = link.replaced_by;
    }
    // TODO(refresh-families): a chain longer than MAX_FAMILY_LINKS keeps its
    // live token until that token expires; no client rotates that often
    // within one refresh token lifetime without also replaying sooner.
    tracing::warn!(
        client_id = replayed.client_id,
        "refresh token family longer than the revocation limit"
    );
    Ok(())
}

/// Derives the first refresh token of a grant from its authorization code.
///
/// The value is an HMAC under a key derived from the signing key, so only
/// this server can compute it, and it lets a reused code find the tokens it
/// produced without storing a link on the happy path.
fn first_refresh_token(server: &AuthorizationServer, code: &AuthorizationCode) -> RefreshToken {
    let key = server
        .tokens
        .derive_key("refresh token from authorization code");
    let mut mac = Hmac::<Sha256>::new_from_slice(key.expose())
        .expect("HMAC-SHA256 accepts keys of any length");
    mac.update(code.expose().as_bytes());
    RefreshToken::new(URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
}

/// Revokes the refresh tokens issued for a code that is presented again
/// after its redemption (RFC 6749 section 4.1.2; OAuth 2.1 section 4.1.3).
/// A code that was never redeemed, or whose grant is already gone, changes
/// nothing.
async fn revoke_grant_of_reused_code(
    server: &AuthorizationServer,
    client_id: &str,
    code: &AuthorizationCode,
) -> Result<(), TokenError> {
    let first = first_refresh_token(server, code);
    let first_key = hash_secret(first.expose());
    let Some(record) = server
        .store
        .get(Collection::RefreshTokens, &first_key)
        .await?
    else {
        return Ok(());
    };
    let grant: RefreshGrant = decode(&record, "refresh token")?;
    if grant.client_id != client_id {
        return Ok(());
    }
    server
        .store
        .delete(Collection::RefreshTokens, &first_key)
        .await?;
    revoke_family(server, &grant).await?;
    tracing::warn!(
        client_id,
        "authorization code reused (tokens issued for it revoked)"
    );
    Ok(())
}

/// Stores `token` as a refresh token for `grant` and returns it with its key.
async fn store_refresh_token(
    server: &AuthorizationServer,
    grant: &RefreshGrant,
    token: RefreshToken,
) -> Result<(RefreshToken, String), TokenError> {
    let key = hash_secret(token.expose());
    let value = serde_json::to_vec(grant).expect("a refresh grant always serializes");
    let expires_at = server.clock.now() + server.lifetimes.refresh_token.as_secs();
    let created = server
        .store
        .create(Collection::RefreshTokens, &key, value, Some(expires_at))
        .await?;
    if created == Created::AlreadyExists {
        return Err(StoreError::Corrupt("refresh token collision".into()).into());
    }
    Ok((token, key))
}

/// Issues an access token and builds the successful response (RFC 6749
/// section 5.1).
fn token_response(
    server: &AuthorizationServer,
    client_id: &str,
    sub: &str,
    scope: &ScopeSet,
    refresh_token: Option<&RefreshToken>,
) -> Value {
    let lifetime = server.lifetimes.access_token.as_secs();
    let (access_token, _) =
        server
            .tokens
            .issue(sub, client_id, scope, server.clock.now(), lifetime);
    let mut body = Map::new();
    body.insert("access_token".into(), json!(access_token.expose()));
    body.insert("token_type".into(), json!("Bearer"));
    body.insert("expires_in".into(), json!(lifetime));
    body.insert("scope".into(), json!(scope.to_string()));
    if let Some(refresh_token) = refresh_token {
        body.insert("refresh_token".into(), json!(refresh_token.expose()));
    }
    Value::Object(body)
}

fn decode<T: for<'de> Deserialize<'de>>(record: &Record, what: &str) -> Result<T, TokenError> {
    serde_json::from_slice(&record.value)
        .map_err(|error| StoreError::Corrupt(format!("{what} record: {error}")).into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::header::HeaderValue;

    fn basic(user_password: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        let value = format!("Basic {}", STANDARD.encode(user_password));
        headers.insert(AUTHORIZATION, HeaderValue::from_str(&value).unwrap());
        headers
    }

    #[test]
    fn basic_credentials_are_form_decoded() {
        let headers = basic("my%20client:p%40ss+word");
        let credentials = read_credentials(&headers, &Params::default()).unwrap();
        assert_eq!(credentials.client_id, "my client");
        assert_eq!(credentials.secret.unwrap().expose(), "p@ss word");
        assert_eq!(credentials.method, AuthMethod::ClientSecretBasic);
    }

    #[test]
    fn basic_and_form_secret_together_fail() {
        let form = Params::parse(b"client_secret=x");
        let result = read_credentials(&basic("c:s"), &form);
        assert!(matches!(result, Err(TokenError::InvalidRequest(_))));
    }

    #[test]
    fn malformed_basic_header_fails() {
        for header in ["Basic !!!", "Basic bm9jb2xvbg=="] {
            let mut headers = HeaderMap::new();
            headers.insert(AUTHORIZATION, HeaderValue::from_static(header));
            let result = read_credentials(&headers, &Params::default());
            assert!(
                matches!(result, Err(TokenError::InvalidClient(_))),
                "{header}"
            );
        }
    }

    #[test]
    fn form_secret_means_client_secret_post() {
        let form = Params::parse(b"client_id=c1&client_secret=s1");
        let credentials = read_credentials(&HeaderMap::new(), &form).unwrap();
        assert_eq!(credentials.method, AuthMethod::ClientSecretPost);
        let form = Params::parse(b"client_id=c1");
        let credentials = read_credentials(&HeaderMap::new(), &form).unwrap();
        assert_eq!(credentials.method, AuthMethod::None);
    }

    #[test]
    fn missing_client_id_fails() {
        let result = read_credentials(&HeaderMap::new(), &Params::parse(b"code=x"));
        assert!(matches!(result, Err(TokenError::InvalidClient(_))));
    }

    #[test]
    fn repeated_token_param_fails() {
        let form = Params::parse(b"code=a&code=b");
        assert!(matches!(
            reject_repeated_params(&form),
            Err(TokenError::InvalidRequest(_))
        ));
        let form = Params::parse(b"resource=a&resource=b");
        assert!(reject_repeated_params(&form).is_ok());
    }

    #[test]
    fn missing_verifier_is_invalid_grant() {
        let result = read_verifier(&Params::parse(b"code=x"));
        assert!(matches!(result, Err(TokenError::InvalidGrant(_))));
    }

    #[test]
    fn short_verifier_is_invalid_request() {
        let form = Params::parse(format!("code_verifier={}", "a".repeat(42)).as_bytes());
        assert!(matches!(
            read_verifier(&form),
            Err(TokenError::InvalidRequest(_))
        ));
    }

    #[test]
    fn broken_percent_escape_fails_decoding() {
        assert_eq!(form_decode("a%2"), None);
        assert_eq!(form_decode("a%zz"), None);
        assert_eq!(form_decode("a%2Fb"), Some("a/b".to_owned()));
    }
}
