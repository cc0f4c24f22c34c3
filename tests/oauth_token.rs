//! The token endpoint: code redemption with PKCE, client authentication and
//! refresh token rotation.

mod support;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use support::oauth_flow::{
    Approval, FORM_TYPE, basic_authorization, form_body, obtain_code, obtain_tokens, post_token,
    redeem,
};
use support::{TestServer, http_client};

async fn error_of(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    (
        status,
        body["error"].as_str().unwrap_or_default().to_owned(),
    )
}

fn jwt_claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

async fn redeem_with(
    server: &TestServer,
    client: &reqwest::Client,
    approval: &Approval,
    extra: &[(&str, &str)],
) -> reqwest::Response {
    let mut fields = vec![
        ("grant_type", "authorization_code"),
        ("code", approval.code.as_str()),
        ("redirect_uri", approval.registered.redirect_uri.as_str()),
    ];
    fields.extend_from_slice(extra);
    post_token(server, client, &approval.registered, &fields).await
}

async fn refresh(
    server: &TestServer,
    client: &reqwest::Client,
    approval: &Approval,
    refresh_token: &str,
    extra: &[(&str, &str)],
) -> reqwest::Response {
    let mut fields = vec![
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
    ];
    fields.extend_from_slice(extra);
    post_token(server, client, &approval.registered, &fields).await
}

#[tokio::test]
async fn code_redemption_issues_bearer_tokens() {
    let server = TestServer::start().await;
    let client = http_client();
    let approval = obtain_code(&server, &client, "none").await;
    let response = redeem(&server, &client, &approval).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.headers()["pragma"], "no-cache");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["scope"], "neonpanel:read");
    assert_eq!(body["refresh_token"].as_str().unwrap().len(), 43);
    let claims = jwt_claims(body["access_token"].as_str().unwrap());
    assert_eq!(claims["sub"], "operator");
    assert_eq!(claims["client_id"], approval.registered.client_id);
    assert_eq!(claims["iss"], server.public_url);
}

#[tokio::test]
async fn code_works_only_once() {
    let server = TestServer::start().await;
    let client = http_client();
    let approval = obtain_code(&server, &client, "none").await;
    assert_eq!(redeem(&server, &client, &approval).await.status(), 200);
    let (status, error) = error_of(redeem(&server, &client, &approval).await).await;
    assert_eq!(status, 400);
    assert_eq!(error, "invalid_grant");
}

#[tokio::test]
async fn concurrent_redemptions_succeed_once() {
    let server = TestServer::start().await;
    let client = http_client();
    let approval = obtain_code(&server, &client, "none").await;
    let body = form_body(&[
        ("grant_type", "authorization_code"),
        ("code", &approval.code),
        ("redirect_uri", &approval.registered.redirect_uri),
        ("code_verifier", &approval.pkce.verifier),
        ("client_id", &approval.registered.client_id),
    ]);

    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let request = client
            .post(server.url("/token"))
            .header(reqwest::header::CONTENT_TYPE, FORM_TYPE)
            .body(body.clone());
        tasks.spawn(async move { request.send().await.unwrap() });
    }
    let mut successes = 0;
    while let Some(response) = tasks.join_next().await {
        let response = response.unwrap();
        if response.status() == 200 {
            successes += 1;
        } else {
            assert_eq!(error_of(response).await, (400, "invalid_grant".to_owned()));
        }
    }
    assert_eq!(
        successes, 1,
        "exactly one of 10 concurrent redemptions succeeds"
    );
}

#[tokio::test]
async fn code_without_right_verifier_fails() {
    let server = TestServer::start().await;
    let client = http_client();
    let approval = obtain_code(&server, &client, "none").await;

    let (status, error) = error_of(redeem_with(&server, &client, &approval, &[]).await).await;
    assert_eq!(
        (status, error.as_str()),
        (400, "invalid_grant"),
        "missing verifier"
    );

    let short = "a".repeat(42);
    let response = redeem_with(&server, &client, &approval, &[("code_verifier", &short)]).await;
    let (status, error) = error_of(response).await;
    assert_eq!(
        (status, error.as_str()),
        (400, "invalid_request"),
        "42-character verifier"
    );

    let wrong = "b".repeat(43);
    let response = redeem_with(&server, &client, &approval, &[("code_verifier", &wrong)]).await;
    let (status, error) = error_of(response).await;
    assert_eq!(
        (status, error.as_str()),
        (400, "invalid_grant"),
        "wrong verifier"
    );

    // A wrong verifier consumed the code, so the right one comes too late.
    let (status, error) = error_of(redeem(&server, &client, &approval).await).await;
    assert_eq!((status, error.as_str()), (400, "invalid_grant"));
}

#[tokio::test]
async fn token_audience_defaults_to_mcp_resource() {
    let server = TestServer::start().await;
    let (_, tokens) = obtain_tokens(&server, &http_client()).await;
    let claims = jwt_claims(tokens["access_token"].as_str().unwrap());
    assert_eq!(claims["aud"], format!("{}/mcp", server.public_url));
}

#[tokio::test]
async fn other_resource_is_invalid_target() {
    let server = TestServer::start().await;
    let client = http_client();
    let approval = obtain_code(&server, &client, "none").await;
    let response = redeem_with(
        &server,
        &client,
        &approval,
        &[
            ("code_verifier", &approval.pkce.verifier),
            ("resource", "https://other.example/mcp"),
        ],
    )
    .await;
    let (status, error) = error_of(response).await;
    assert_eq!((status, error.as_str()), (400, "invalid_target"));

    // The rejected request did not consume the code.
    let resource = format!("{}/mcp", server.public_url);
    let response = redeem_with(
        &server,
        &client,
        &approval,
        &[
            ("code_verifier", &approval.pkce.verifier),
            ("resource", &resource),
        ],
    )
    .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        jwt_claims(body["access_token"].as_str().unwrap())["aud"],
        resource
    );
}

#[tokio::test]
async fn expired_code_is_rejected() {
    let server = TestServer::start().await;
    let client = http_client();
    let approval = obtain_code(&server, &client, "none").await;
    server.clock.advance(301);
    let (status, error) = error_of(redeem(&server, &client, &approval).await).await;
    assert_eq!((status, error.as_str()), (400, "invalid_grant"));
}

#[tokio::test]
async fn expired_refresh_token_is_rejected() {
    let server = TestServer::start().await;
    let client = http_client();
    let (approval, tokens) = obtain_tokens(&server, &client).await;
    let refresh_token = tokens["refresh_token"].as_str().unwrap();
    server.clock.advance(30 * 24 * 3600 + 1);
    let response = refresh(&server, &client, &approval, refresh_token, &[]).await;
    let (status, error) = error_of(response).await;
    assert_eq!((status, error.as_str()), (400, "invalid_grant"));
}

#[tokio::test]
async fn refresh_rotates_and_replay_revokes_family() {
    let server = TestServer::start().await;
    let client = http_client();
    let (approval, tokens) = obtain_tokens(&server, &client).await;
    let first = tokens["refresh_token"].as_str().unwrap().to_owned();

    let response = refresh(&server, &client, &approval, &first, &[]).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let rotated: Value = response.json().await.unwrap();
    let second = rotated["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(second, first);
    assert_eq!(rotated["scope"], "neonpanel:read");
    assert!(rotated["access_token"].is_string());

    let response = refresh(&server, &client, &approval, &second, &[]).await;
    assert_eq!(response.status(), 200);
    let third: Value = response.json().await.unwrap();
    let third = third["refresh_token"].as_str().unwrap().to_owned();

    // Replaying the first token revokes the live third one as well.
    let (status, error) = error_of(refresh(&server, &client, &approval, &first, &[]).await).await;
    assert_eq!((status, error.as_str()), (400, "invalid_grant"));
    let (status, error) = error_of(refresh(&server, &client, &approval, &third, &[]).await).await;
    assert_eq!(
        (status, error.as_str()),
        (400, "invalid_grant"),
        "family is revoked"
    );
}

#[tokio::test]
async fn refresh_scope_may_narrow_not_widen() {
    let server = TestServer::start().await;
    let client = http_client();
    let (approval, tokens) = obtain_tokens(&server, &client).await;
    let refresh_token = tokens["refresh_token"].as_str().unwrap();

    let widened = [("scope", "neonpanel:read neonpanel:write")];
    let response = refresh(&server, &client, &approval, refresh_token, &widened).await;
    let (status, error) = error_of(response).await;
    assert_eq!((status, error.as_str()), (400, "invalid_scope"));

    let unknown = [("scope", "admin")];
    let response = refresh(&server, &client, &approval, refresh_token, &unknown).await;
    assert_eq!(error_of(response).await.1, "invalid_scope");

    let same = [("scope", "neonpanel:read")];
    let response = refresh(&server, &client, &approval, refresh_token, &same).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn refresh_token_of_other_client_fails() {
    let server = TestServer::start().await;
    let client = http_client();
    let (_, tokens) = obtain_tokens(&server, &client).await;
    let (other, _) = obtain_tokens(&server, &client).await;
    let response = refresh(
        &server,
        &client,
        &other,
        tokens["refresh_token"].as_str().unwrap(),
        &[],
    )
    .await;
    assert_eq!(error_of(response).await.1, "invalid_grant");
}

#[tokio::test]
async fn code_of_other_client_fails() {
    let server = TestServer::start().await;
    let client = http_client();
    let approval = obtain_code(&server, &client, "none").await;
    let other = obtain_code(&server, &client, "none").await;
    let stolen = Approval {
        registered: other.registered,
        ..approval
    };
    let (status, error) = error_of(redeem(&server, &client, &stolen).await).await;
    assert_eq!((status, error.as_str()), (400, "invalid_grant"));
}

#[tokio::test]
async fn other_redirect_uri_fails() {
    let server = TestServer::start().await;
    let client = http_client();
    let approval = obtain_code(&server, &client, "none").await;
    let fields = [
        ("grant_type", "authorization_code"),
        ("code", approval.code.as_str()),
        ("redirect_uri", "https://chatgpt.com/other"),
        ("code_verifier", approval.pkce.verifier.as_str()),
    ];
    let response = post_token(&server, &client, &approval.registered, &fields).await;
    assert_eq!(error_of(response).await.1, "invalid_grant");
}

#[tokio::test]
async fn client_secret_basic_authenticates() {
    let server = TestServer::start().await;
    let client = http_client();
    let approval = obtain_code(&server, &client, "client_secret_basic").await;
    let mut wrong = approval.clone();
    wrong.registered.client_secret = Some("not-the-secret".into());
    let response = redeem(&server, &client, &wrong).await;
    assert_eq!(response.status(), 401);
    assert!(
        response.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Basic realm=")
    );
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(error_of(response).await.1, "invalid_client");

    // The failed authentication did not consume the code.
    let response = redeem(&server, &client, &approval).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn client_secret_post_authenticates() {
    let server = TestServer::start().await;
    let client = http_client();
    let approval = obtain_code(&server, &client, "client_secret_post").await;
    let mut wrong = approval.clone();
    wrong.registered.client_secret = Some("not-the-secret".into());
    let response = redeem(&server, &client, &wrong).await;
    assert_eq!(response.status(), 401);
    assert!(response.headers().contains_key("www-authenticate"));
    assert_eq!(error_of(response).await.1, "invalid_client");

    let response = redeem(&server, &client, &approval).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn wrong_authentication_method_is_invalid_client() {
    let server = TestServer::start().await;
    let client = http_client();

    let post_client = obtain_code(&server, &client, "client_secret_post").await;
    let mut as_basic = post_client.clone();
    as_basic.registered.token_endpoint_auth_method = "client_secret_basic".into();
    let (status, error) = error_of(redeem(&server, &client, &as_basic).await).await;
    assert_eq!((status, error.as_str()), (401, "invalid_client"));

    let basic_client = obtain_code(&server, &client, "client_secret_basic").await;
    let mut without_secret = basic_client.clone();
    without_secret.registered.token_endpoint_auth_method = "none".into();
    let (status, error) = error_of(redeem(&server, &client, &without_secret).await).await;
    assert_eq!((status, error.as_str()), (401, "invalid_client"));
}

#[tokio::test]
async fn unknown_client_is_invalid_client() {
    let server = TestServer::start().await;
    let client = http_client();
    let response = client
        .post(server.url("/token"))
        .header(reqwest::header::CONTENT_TYPE, FORM_TYPE)
        .header(
            reqwest::header::AUTHORIZATION,
            basic_authorization("no-such-client", "secret"),
        )
        .body("grant_type=authorization_code&code=abc&code_verifier=".to_owned() + &"a".repeat(43))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert!(response.headers().contains_key("www-authenticate"));
    assert_eq!(error_of(response).await.1, "invalid_client");
}

#[tokio::test]
async fn malformed_token_requests_are_rejected() {
    let server = TestServer::start().await;
    let client = http_client();
    let verifier = "a".repeat(43);
    let cases: Vec<(&str, String, &str)> = vec![
        ("no grant_type", "code=x".into(), "invalid_request"),
        (
            "unknown grant_type",
            "grant_type=password&client_id=c".into(),
            "unsupported_grant_type",
        ),
        (
            "client_credentials",
            "grant_type=client_credentials&client_id=c".into(),
            "unsupported_grant_type",
        ),
        (
            "missing code",
            format!("grant_type=authorization_code&client_id=c&code_verifier={verifier}"),
            "invalid_request",
        ),
        (
            "repeated code",
            format!(
                "grant_type=authorization_code&client_id=c&code=a&code=b&code_verifier={verifier}"
            ),
            "invalid_request",
        ),
        (
            "missing refresh_token",
            "grant_type=refresh_token&client_id=c".into(),
            "invalid_request",
        ),
    ];
    for (name, body, expected) in cases {
        let response = client
            .post(server.url("/token"))
            .header(reqwest::header::CONTENT_TYPE, FORM_TYPE)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{name}");
        assert_eq!(response.headers()["cache-control"], "no-store", "{name}");
        assert_eq!(response.headers()["pragma"], "no-cache", "{name}");
        assert_eq!(error_of(response).await.1, expected, "{name}");
    }

    let response = client
        .post(server.url("/token"))
        .json(&serde_json::json!({ "grant_type": "authorization_code" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(error_of(response).await.1, "invalid_request");
}
