//! OAuth flow steps as a client and a browser perform them: register,
//! open the consent page, post its form with the access code, read the
//! redirect, and redeem the code at the token endpoint.

use std::sync::atomic::{AtomicU64, Ordering};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::header::LOCATION;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use super::{TEST_ACCESS_CODE, TestServer};

/// The redirect URI ChatGPT registers.
pub const CHATGPT_REDIRECT_URI: &str = "https://chatgpt.com/connector_platform_oauth_redirect";

/// A PKCE verifier and its S256 challenge.
#[derive(Clone, Debug)]
pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

impl Pkce {
    /// Creates a verifier unique within the test process.
    pub fn new() -> Self {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let seed = format!(
            "{:?}-{}",
            std::time::SystemTime::now(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        // 32 bytes of SHA-256 give a 43-character verifier, the RFC 7636 minimum.
        let verifier = URL_SAFE_NO_PAD.encode(Sha256::digest(seed.as_bytes()));
        Self::from_verifier(verifier)
    }

    /// Builds the S256 challenge of `verifier`.
    pub fn from_verifier(verifier: impl Into<String>) -> Self {
        let verifier = verifier.into();
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        Self {
            verifier,
            challenge,
        }
    }
}

impl Default for Pkce {
    fn default() -> Self {
        Self::new()
    }
}

/// A client as registered.
#[derive(Clone, Debug)]
pub struct RegisteredClient {
    pub client_id: String,
    pub client_secret: Option<String>,
    pub redirect_uri: String,
    pub token_endpoint_auth_method: String,
}

/// Posts a registration document.
pub async fn post_registration(
    server: &TestServer,
    client: &reqwest::Client,
    document: &Value,
) -> reqwest::Response {
    client
        .post(server.url("/register"))
        .json(document)
        .send()
        .await
        .unwrap()
}

/// Registers a client with one redirect URI and the given authentication
/// method, the way ChatGPT does.
pub async fn register_client(
    server: &TestServer,
    client: &reqwest::Client,
    redirect_uri: &str,
    token_endpoint_auth_method: &str,
) -> RegisteredClient {
    let document = json!({
        "client_name": "Test Client",
        "redirect_uris": [redirect_uri],
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "token_endpoint_auth_method": token_endpoint_auth_method,
    });
    let response = post_registration(server, client, &document).await;
    assert_eq!(response.status(), 201, "registration must succeed");
    let body: Value = response.json().await.unwrap();
    RegisteredClient {
        client_id: body["client_id"].as_str().unwrap().to_owned(),
        client_secret: body["client_secret"].as_str().map(str::to_owned),
        redirect_uri: redirect_uri.to_owned(),
        token_endpoint_auth_method: token_endpoint_auth_method.to_owned(),
    }
}

/// Builds an `/authorize` URL with a code flow, S256 challenge and state,
/// followed by `extra` parameters.
pub fn authorize_url(
    server: &TestServer,
    registered: &RegisteredClient,
    pkce: &Pkce,
    state: &str,
    extra: &[(&str, &str)],
) -> String {
    let mut params = vec![
        ("response_type", "code"),
        ("client_id", registered.client_id.as_str()),
        ("redirect_uri", registered.redirect_uri.as_str()),
        ("state", state),
        ("code_challenge", pkce.challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    params.extend_from_slice(extra);
    authorize_url_with(server, &params)
}

/// Builds an `/authorize` URL with exactly `params`.
pub fn authorize_url_with(server: &TestServer, params: &[(&str, &str)]) -> String {
    let query: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    server.url(&format!("/authorize?{query}"))
}

/// A consent page as the browser received it.
#[derive(Clone, Debug)]
pub struct ConsentPage {
    pub status: u16,
    pub html: String,
    /// `name`/`value` of every hidden input, decoded.
    pub hidden_inputs: Vec<(String, String)>,
}

impl ConsentPage {
    /// Whether the page carries a consent form a browser could post.
    pub fn has_form(&self) -> bool {
        self.html.contains("<form") && !self.hidden_inputs.is_empty()
    }
}

/// Opens a consent page URL.
pub async fn open_consent(client: &reqwest::Client, url: &str) -> ConsentPage {
    let response = client.get(url).send().await.unwrap();
    let status = response.status().as_u16();
    let html = response.text().await.unwrap();
    let hidden_inputs = hidden_inputs(&html);
    ConsentPage {
        status,
        html,
        hidden_inputs,
    }
}

/// Posts the consent form as a browser does after a click on the button
/// named `decision`, with `access_code` typed in when given.
pub async fn submit_consent(
    server: &TestServer,
    client: &reqwest::Client,
    page: &ConsentPage,
    access_code: Option<&str>,
    decision: &str,
) -> reqwest::Response {
    submit_consent_with_access(server, client, page, access_code, decision, None).await
}

/// Posts the consent form like [`submit_consent`], with the access choice
/// (`read` or `read_write`) selected when given.
pub async fn submit_consent_with_access(
    server: &TestServer,
    client: &reqwest::Client,
    page: &ConsentPage,
    access_code: Option<&str>,
    decision: &str,
    access: Option<&str>,
) -> reqwest::Response {
    let mut fields = page.hidden_inputs.clone();
    if let Some(access) = access {
        fields.push(("access".to_owned(), access.to_owned()));
    }
    fields.push((
        "access_code".to_owned(),
        access_code.unwrap_or_default().to_owned(),
    ));
    fields.push(("decision".to_owned(), decision.to_owned()));
    client
        .post(server.url("/authorize"))
        .header(reqwest::header::CONTENT_TYPE, FORM_TYPE)
        .body(form_body(&fields))
        .send()
        .await
        .unwrap()
}

/// The query parameters of a redirect's `Location`, or `None` without one.
pub fn redirect_params(response: &reqwest::Response) -> Option<Vec<(String, String)>> {
    let location = response.headers().get(LOCATION)?.to_str().unwrap();
    let url = url::Url::parse(location).unwrap();
    Some(url.query_pairs().into_owned().collect())
}

/// The value of `name` among redirect parameters.
pub fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// An approved authorization, ready to redeem.
#[derive(Clone, Debug)]
pub struct Approval {
    pub registered: RegisteredClient,
    pub pkce: Pkce,
    pub code: String,
    pub state: String,
}

/// Opens the consent page at `url`, approves it with the test access code,
/// and returns the code from the redirect to `registered`'s redirect URI.
pub async fn approve(
    server: &TestServer,
    client: &reqwest::Client,
    url: &str,
) -> Vec<(String, String)> {
    let page = open_consent(client, url).await;
    assert_eq!(page.status, 200, "consent page must open: {}", page.html);
    assert!(page.has_form(), "consent page must carry a form");
    let response = submit_consent(server, client, &page, Some(TEST_ACCESS_CODE), "approve").await;
    assert_eq!(response.status(), 303, "approval must redirect");
    redirect_params(&response).expect("approval must carry a Location")
}

/// Registers a client with `token_endpoint_auth_method` and runs the
/// browser part of the flow with default scopes.
pub async fn obtain_code(
    server: &TestServer,
    client: &reqwest::Client,
    token_endpoint_auth_method: &str,
) -> Approval {
    let registered = register_client(
        server,
        client,
        CHATGPT_REDIRECT_URI,
        token_endpoint_auth_method,
    )
    .await;
    let pkce = Pkce::new();
    let state = "state-for-test";
    let url = authorize_url(server, &registered, &pkce, state, &[]);
    let params = approve(server, client, &url).await;
    assert_eq!(param(&params, "state"), Some(state));
    let code = param(&params, "code").expect("approval must carry a code");
    Approval {
        registered,
        pkce,
        code: code.to_owned(),
        state: state.to_owned(),
    }
}

/// Posts to `/token` with `fields` plus the client authentication that
/// `registered` registered.
pub async fn post_token(
    server: &TestServer,
    client: &reqwest::Client,
    registered: &RegisteredClient,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut form: Vec<(&str, &str)> = fields.to_vec();
    let mut request = client.post(server.url("/token"));
    let secret = registered.client_secret.as_deref().unwrap_or_default();
    match registered.token_endpoint_auth_method.as_str() {
        "client_secret_basic" => {
            request = request.header(
                reqwest::header::AUTHORIZATION,
                basic_authorization(&registered.client_id, secret),
            );
        }
        "client_secret_post" => {
            form.push(("client_id", &registered.client_id));
            form.push(("client_secret", secret));
        }
        _ => form.push(("client_id", &registered.client_id)),
    }
    request
        .header(reqwest::header::CONTENT_TYPE, FORM_TYPE)
        .body(form_body(&form))
        .send()
        .await
        .unwrap()
}

/// The media type of HTML form posts and token requests.
pub const FORM_TYPE: &str = "application/x-www-form-urlencoded";

/// Encodes `fields` as `application/x-www-form-urlencoded`.
pub fn form_body<K: AsRef<str>, V: AsRef<str>>(fields: &[(K, V)]) -> String {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (name, value) in fields {
        serializer.append_pair(name.as_ref(), value.as_ref());
    }
    serializer.finish()
}

/// An `Authorization: Basic` value with both parts form-urlencoded first, as
/// RFC 6749 section 2.3.1 requires.
pub fn basic_authorization(client_id: &str, client_secret: &str) -> String {
    let encode =
        |value: &str| form_urlencoded::byte_serialize(value.as_bytes()).collect::<String>();
    let credentials = format!("{}:{}", encode(client_id), encode(client_secret));
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(credentials)
    )
}

/// Redeems an approval's code with its verifier and the registered redirect URI.
pub async fn redeem(
    server: &TestServer,
    client: &reqwest::Client,
    approval: &Approval,
) -> reqwest::Response {
    post_token(
        server,
        client,
        &approval.registered,
        &[
            ("grant_type", "authorization_code"),
            ("code", &approval.code),
            ("redirect_uri", &approval.registered.redirect_uri),
            ("code_verifier", &approval.pkce.verifier),
        ],
    )
    .await
}

/// Runs the whole flow with a public client and returns the token response.
pub async fn obtain_tokens(server: &TestServer, client: &reqwest::Client) -> (Approval, Value) {
    let approval = obtain_code(server, client, "none").await;
    let response = redeem(server, client, &approval).await;
    assert_eq!(response.status(), 200, "code redemption must succeed");
    (approval, response.json().await.unwrap())
}

/// Extracts `name`/`value` of every hidden input of the page's form, decoded.
pub fn hidden_inputs(html: &str) -> Vec<(String, String)> {
    let Some(form) = super::browser::Form::parse(html) else {
        return Vec::new();
    };
    form.fields
        .into_iter()
        .filter(|field| field.kind == "hidden")
        .map(|field| (field.name, field.value))
        .collect()
}
