//! The consent page and its CSRF protection.
//!
//! The page keeps no server-side state. The validated authorization request
//! travels in a hidden form field, signed with HMAC-SHA256 together with an
//! expiry and a random nonce. The nonce is also set as an `HttpOnly`,
//! `SameSite=Strict` cookie, so another site can neither forge the form nor
//! replay a form it obtained without also holding the browser's cookie
//! (the double-submit pattern, see
//! [RFC 9700 section 4.7](https://www.rfc-editor.org/rfc/rfc9700#section-4.7)
//! on CSRF). The HMAC key is derived from the token signing key, so every
//! instance verifies forms rendered by any other.
//!
//! Everything the client supplied is escaped before it reaches the page, and
//! [`web::html`] forbids framing.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac as _};
use http::StatusCode;
use http::header::{COOKIE, HeaderMap, HeaderValue};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::scope::{self, ScopeSet};
use crate::secret::KeyBytes;
use crate::web::{self, Response, escape_html};

/// The purpose string the consent HMAC key is derived under.
pub const KEY_PURPOSE: &str = "consent-csrf-v1";

/// Name of the cookie carrying the consent nonce.
pub const NONCE_COOKIE: &str = "neonpanel_consent";

/// Form field carrying the signed authorization request.
pub const CONSENT_FIELD: &str = "consent";
/// Form field carrying the access code typed by the person.
pub const ACCESS_CODE_FIELD: &str = "access_code";
/// Form field carrying the access the person chose: [`ACCESS_READ`] or
/// [`ACCESS_READ_WRITE`]. Shown only when the client asked for write.
pub const ACCESS_FIELD: &str = "access";
pub const ACCESS_READ: &str = "read";
pub const ACCESS_READ_WRITE: &str = "read_write";
/// Form field naming the button pressed: [`APPROVE`] or [`DENY`].
pub const DECISION_FIELD: &str = "decision";
pub const APPROVE: &str = "approve";
pub const DENY: &str = "deny";

/// Signs and verifies consent forms.
#[derive(Clone, Debug)]
pub struct ConsentSigner {
    key: KeyBytes,
}

/// What a consent form carries besides the signature.
#[derive(Serialize, Deserialize)]
struct SignedForm<T> {
    /// Seconds since the Unix epoch after which the form is rejected.
    expires_at: u64,
    request: T,
}

/// Why a submitted consent form is rejected.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConsentFormError {
    #[error("the consent form field is missing or malformed")]
    Malformed,
    #[error("the consent cookie is missing")]
    MissingNonce,
    #[error("the consent form signature does not match")]
    BadSignature,
    #[error("the consent form has expired")]
    Expired,
}

impl ConsentSigner {
    /// Creates a signer with an HMAC key.
    pub fn new(key: KeyBytes) -> Self {
        Self { key }
    }

    /// Signs `request` for a form valid until `expires_at`, bound to `nonce`.
    /// Returns `payload.signature`, both base64url.
    pub fn sign<T: Serialize>(&self, request: &T, expires_at: u64, nonce: &str) -> String {
        let form = SignedForm {
            expires_at,
            request,
        };
        let json = serde_json::to_vec(&form).expect("a consent form always serializes");
        let payload = URL_SAFE_NO_PAD.encode(json);
        let signature = URL_SAFE_NO_PAD.encode(self.mac(&payload, nonce).finalize().into_bytes());
        format!("{payload}.{signature}")
    }

    /// Verifies a signed form against the cookie's nonce and the clock, and
    /// returns the request it carries.
    pub fn verify<T: DeserializeOwned>(
        &self,
        signed: Option<&str>,
        nonce: Option<&str>,
        now: u64,
    ) -> Result<T, ConsentFormError> {
        let signed = signed.ok_or(ConsentFormError::Malformed)?;
        let (payload, signature) = signed.split_once('.').ok_or(ConsentFormError::Malformed)?;
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| ConsentFormError::Malformed)?;
        let nonce = nonce
            .filter(|nonce| !nonce.is_empty())
            .ok_or(ConsentFormError::MissingNonce)?;
        self.mac(payload, nonce)
            .verify_slice(&signature)
            .map_err(|_| ConsentFormError::BadSignature)?;

        let json = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| ConsentFormError::Malformed)?;
        let form: SignedForm<T> =
            serde_json::from_slice(&json).map_err(|_| ConsentFormError::Malformed)?;
        if form.expires_at <= now {
            return Err(ConsentFormError::Expired);
        }
        Ok(form.request)
    }

    fn mac(&self, payload: &str, nonce: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(self.key.expose())
            .expect("HMAC-SHA256 accepts keys of any length");
        mac.update(payload.as_bytes());
        // The separator keeps `payload` and `nonce` from sliding into each other.
        mac.update(b"\0");
        mac.update(nonce.as_bytes());
        mac
    }
}

/// The `Set-Cookie` value carrying the nonce of a freshly rendered form.
pub fn nonce_cookie(nonce: &str, secure: bool, max_age: Duration) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let value = format!(
        "{NONCE_COOKIE}={nonce}; Max-Age={}; Path=/authorize; HttpOnly; SameSite=Strict{secure}",
        max_age.as_secs()
    );
    HeaderValue::from_str(&value).expect("a base64url nonce is a valid header value")
}

/// The `Set-Cookie` value that removes the nonce once a decision is taken.
pub fn clear_nonce_cookie(secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let value =
        format!("{NONCE_COOKIE}=; Max-Age=0; Path=/authorize; HttpOnly; SameSite=Strict{secure}");
    HeaderValue::from_str(&value).expect("a constant cookie is a valid header value")
}

/// Reads the nonce cookie from the request's `Cookie` headers.
pub fn nonce_from_cookies(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == NONCE_COOKIE)
        .map(|(_, value)| value.to_owned())
}

/// What the consent page shows.
#[derive(Debug)]
pub struct ConsentPage<'a> {
    /// `client_name`, or the `client_id` without one.
    pub client_name: &'a str,
    /// Host the browser is sent back to after the decision.
    pub redirect_host: &'a str,
    /// The scopes the client asked for. When they include write, the page
    /// lets the person grant read only, or read and write.
    pub scopes: &'a ScopeSet,
    /// The signed form value.
    pub signed_form: &'a str,
    /// Shown above the form after a failed attempt.
    pub error: Option<&'a str>,
}

/// Renders the consent page.
pub fn consent_page(status: StatusCode, page: &ConsentPage<'_>) -> Response {
    let client_name = escape_html(page.client_name);
    let redirect_host = escape_html(page.redirect_host);
    let signed_form = escape_html(page.signed_form);
    let scopes: String = page
        .scopes
        .iter()
        .map(|scope| {
            format!(
                "<li><code>{}</code>: {}</li>\n",
                escape_html(scope),
                escape_html(scope_description(scope))
            )
        })
        .collect();
    // Read only is preselected, so granting write takes a deliberate choice.
    let access_choice = if page.scopes.contains(scope::WRITE) {
        format!(
            r#"<fieldset>
<legend>Access to grant</legend>
<label><input type="radio" name="{ACCESS_FIELD}" value="{ACCESS_READ}" checked> Read only: view NeonPanel data</label>
<label><input type="radio" name="{ACCESS_FIELD}" value="{ACCESS_READ_WRITE}"> Read and write: also create, change and delete NeonPanel data</label>
</fieldset>
"#
        )
    } else {
        String::new()
    };
    let error = page
        .error
        .map(|message| {
            format!(
                "<p class=\"error\" role=\"alert\">{}</p>\n",
                escape_html(message)
            )
        })
        .unwrap_or_default();
    let body = format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Connect {client_name} to NeonPanel</title>
<style>{STYLE}</style>
</head>
<body>
<main>
<h1>Connect <strong>{client_name}</strong> to NeonPanel?</h1>
<p>After you approve, your browser returns to <strong>{redirect_host}</strong>.</p>
<p>The application asks for:</p>
<ul>
{scopes}</ul>
{error}<form method="post" action="/authorize">
<input type="hidden" name="{CONSENT_FIELD}" value="{signed_form}">
{access_choice}<label for="{ACCESS_CODE_FIELD}">Access code from the NeonPanel operator</label>
<input type="password" id="{ACCESS_CODE_FIELD}" name="{ACCESS_CODE_FIELD}" autocomplete="off" autofocus>
<div class="buttons">
<button type="submit" name="{DECISION_FIELD}" value="{APPROVE}">Approve</button>
<button type="submit" name="{DECISION_FIELD}" value="{DENY}" formnovalidate>Deny</button>
</div>
</form>
</main>
</body>
</html>
"#
    );
    web::html(status, body)
}

/// Renders an error page shown instead of redirecting to the client.
pub fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    let title = escape_html(title);
    let message = escape_html(message);
    let body = format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{STYLE}</style>
</head>
<body>
<main>
<h1>{title}</h1>
<p class="error">{message}</p>
<p>Close this window and start the connection again from your application.</p>
</main>
</body>
</html>
"#
    );
    web::html(status, body)
}

/// What a scope lets a client do, in words a person approving it understands.
fn scope_description(scope: &str) -> &'static str {
    match scope {
        scope::READ => "read NeonPanel data such as inventory, orders and reports",
        scope::WRITE => "change NeonPanel data",
        _ => "an unrecognised permission",
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d1f23}\
main{max-width:32rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:8px}\
h1{font-size:1.3rem}.error{color:#a40e26}label{display:block;margin-top:1rem}\
input[type=password]{width:100%;padding:.5rem;margin-top:.3rem;box-sizing:border-box}\
fieldset{margin-top:1rem;border:1px solid #ccd;border-radius:6px}fieldset label{margin-top:.4rem}\
.buttons{margin-top:1.2rem;display:flex;gap:.8rem}button{padding:.5rem 1.2rem}";

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Request {
        client_id: String,
    }

    fn signer() -> ConsentSigner {
        ConsentSigner::new(KeyBytes::generate())
    }

    fn request() -> Request {
        Request {
            client_id: "c1".into(),
        }
    }

    #[test]
    fn signed_form_round_trips() {
        let signer = signer();
        let signed = signer.sign(&request(), 1_000, "nonce-1");
        let verified: Request = signer.verify(Some(&signed), Some("nonce-1"), 999).unwrap();
        assert_eq!(verified, request());
    }

    #[test]
    fn expired_form_is_rejected() {
        let signer = signer();
        let signed = signer.sign(&request(), 1_000, "nonce-1");
        let result = signer.verify::<Request>(Some(&signed), Some("nonce-1"), 1_000);
        assert_eq!(result, Err(ConsentFormError::Expired));
    }

    #[test]
    fn form_with_other_nonce_is_rejected() {
        let signer = signer();
        let signed = signer.sign(&request(), 1_000, "nonce-1");
        let result = signer.verify::<Request>(Some(&signed), Some("nonce-2"), 1);
        assert_eq!(result, Err(ConsentFormError::BadSignature));
    }

    #[test]
    fn form_without_cookie_is_rejected() {
        let signer = signer();
        let signed = signer.sign(&request(), 1_000, "nonce-1");
        let result = signer.verify::<Request>(Some(&signed), None, 1);
        assert_eq!(result, Err(ConsentFormError::MissingNonce));
    }

    #[test]
    fn tampered_form_is_rejected() {
        let signer = signer();
        let signed = signer.sign(&request(), 1_000, "nonce-1");
        let (_, signature) = signed.split_once('.').unwrap();
        let forged_payload =
            URL_SAFE_NO_PAD.encode(br#"{"expires_at":1000,"request":{"client_id":"evil"}}"#);
        let forged = format!("{forged_payload}.{signature}");
        let result = signer.verify::<Request>(Some(&forged), Some("nonce-1"), 1);
        assert_eq!(result, Err(ConsentFormError::BadSignature));
    }

    #[test]
    fn form_signed_by_other_key_is_rejected() {
        let signed = signer().sign(&request(), 1_000, "nonce-1");
        let result = signer().verify::<Request>(Some(&signed), Some("nonce-1"), 1);
        assert_eq!(result, Err(ConsentFormError::BadSignature));
    }

    #[test]
    fn nonce_cookie_is_read_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(
            COOKIE,
            HeaderValue::from_static("a=1; neonpanel_consent=xyz"),
        );
        assert_eq!(nonce_from_cookies(&headers), Some("xyz".to_owned()));
        assert_eq!(nonce_from_cookies(&HeaderMap::new()), None);
    }

    #[test]
    fn nonce_cookie_is_strict_and_scoped() {
        let cookie = nonce_cookie("n", true, Duration::from_secs(600));
        let cookie = cookie.to_str().unwrap();
        assert!(cookie.contains("HttpOnly"));
        assert!(cookie.contains("SameSite=Strict"));
        assert!(cookie.contains("Path=/authorize"));
        assert!(cookie.contains("Secure"));
        let cookie = nonce_cookie("n", false, Duration::from_secs(600));
        assert!(!cookie.to_str().unwrap().contains("Secure"));
    }

    #[test]
    fn consent_page_escapes_client_name() {
        let scopes = ScopeSet::default_grant();
        let response = consent_page(
            StatusCode::OK,
            &ConsentPage {
                client_name: "<script>alert(1)</script>",
                redirect_host: "client.example",
                scopes: &scopes,
                signed_form: "a.b",
                error: None,
            },
        );
        let body = std::str::from_utf8(response.body()).unwrap();
        assert!(!body.contains("<script>"));
        assert!(body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(body.contains("neonpanel:read"));
        assert!(!body.contains(ACCESS_READ_WRITE));
    }

    #[test]
    fn write_request_offers_access_choice() {
        let scopes = ScopeSet::read_write();
        let response = consent_page(
            StatusCode::OK,
            &ConsentPage {
                client_name: "ChatGPT",
                redirect_host: "chatgpt.com",
                scopes: &scopes,
                signed_form: "a.b",
                error: None,
            },
        );
        let body = std::str::from_utf8(response.body()).unwrap();
        assert!(body.contains(r#"value="read" checked"#), "{body}");
        assert!(body.contains(r#"value="read_write">"#), "{body}");
    }
}
