//! The Secrets Manager secret against moto's server: cold start with a
//! complete secret, a missing field, and an IAT rotated while an instance is
//! warm.

mod emulators;
mod support;

use std::time::Duration;

use neonpanel_mcp::aws::lambda::{
    Function, FunctionState, NEONPANEL_API_URL_VAR, PUBLIC_URL_VAR, SECRET_ID_VAR, TABLE_VAR,
};
use neonpanel_mcp::aws::secrets::{self, SecretsManagerIatLoader};
use neonpanel_mcp::config::{IatLoader, SigningKey};
use neonpanel_mcp::jwt::AccessTokens;
use neonpanel_mcp::scope::ScopeSet;
use neonpanel_mcp::secret::{KeyBytes, hash_secret};
use serde_json::{Value, json};
use support::TEST_IAT;
use support::neonpanel_standin::NeonPanelStandIn;

const SIGNING_KEY: &str = "Zq8v3LmN0pXw7Rt2Ks9Yb4Hc6Jd1Fg5A";
const OLD_IAT: &str = "np-old-iat-4b1d";

fn secret_document(iat: &str) -> Value {
    json!({
        "neonpanel_iat": iat,
        "signing_key": SIGNING_KEY,
        "signing_key_id": "k1",
        "access_codes": [format!("sha256:{}", hash_secret("open-sesame-42"))],
    })
}

async fn create_secret(client: &aws_sdk_secretsmanager::Client, document: &Value) -> String {
    let name = format!("neonpanel-mcp-test-{}", emulators::unique_suffix());
    client
        .create_secret()
        .name(&name)
        .secret_string(document.to_string())
        .send()
        .await
        .expect("moto creates the secret");
    name
}

async fn put_secret(client: &aws_sdk_secretsmanager::Client, name: &str, document: &Value) {
    client
        .put_secret_value()
        .secret_id(name)
        .secret_string(document.to_string())
        .send()
        .await
        .expect("moto stores the new secret version");
}

/// The environment a function sees, apart from the AWS_* variables that
/// scripts/test.sh points at the emulators.
fn environment(pairs: Vec<(&'static str, String)>) -> impl Fn(&str) -> Option<String> {
    move |name| {
        pairs
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.clone())
            .or_else(|| std::env::var(name).ok().filter(|_| name == "AWS_REGION"))
    }
}

#[tokio::test]
async fn complete_secret_cold_start_ok() {
    let client = emulators::secrets_client().await;
    let name = create_secret(&client, &secret_document(TEST_IAT)).await;

    let secrets = secrets::read_secrets(&client, &name).await.unwrap();
    assert_eq!(secrets.iat.expose(), TEST_IAT);
    assert_eq!(secrets.current_signing_key.kid, "k1");
    assert_eq!(
        secrets.current_signing_key.secret.expose(),
        SIGNING_KEY.as_bytes()
    );
    assert!(secrets.previous_signing_key.is_none());
    assert_eq!(secrets.access_codes.len(), 1);

    // The whole cold start of the token function, through the SDK's own
    // environment lookup.
    let env = environment(vec![
        (SECRET_ID_VAR, name.clone()),
        (TABLE_VAR, "unused-table".to_owned()),
    ]);
    let state = FunctionState::from_env(Function::Token, env).await.unwrap();
    assert_eq!(state.function(), Function::Token);
}

#[tokio::test]
async fn missing_field_fails_cold_start() {
    let client = emulators::secrets_client().await;
    let mut document = secret_document(TEST_IAT);
    document.as_object_mut().unwrap().remove("access_codes");
    let name = create_secret(&client, &document).await;

    let env = environment(vec![(SECRET_ID_VAR, name)]);
    let error = FunctionState::from_env(Function::Mcp, env)
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("`access_codes` is missing"), "{error}");
    assert!(!error.contains(TEST_IAT), "{error}");
    assert!(!error.contains(SIGNING_KEY), "{error}");
}

#[tokio::test]
async fn absent_secret_fails_cold_start() {
    let env = environment(vec![(SECRET_ID_VAR, "no-such-secret".to_owned())]);
    let error = FunctionState::from_env(Function::Mcp, env)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("cannot read secret no-such-secret"),
        "{error}"
    );
    assert!(error.contains("ResourceNotFoundException"), "{error}");
}

#[tokio::test]
async fn iat_loader_rereads_once_per_interval() {
    let client = emulators::secrets_client().await;
    let name = create_secret(&client, &secret_document(OLD_IAT)).await;
    let loader = SecretsManagerIatLoader::new(client.clone(), &name, Duration::from_secs(60));

    put_secret(&client, &name, &secret_document("np-second-iat")).await;
    assert_eq!(loader.load().await.unwrap().expose(), "np-second-iat");

    // Within the interval the loader does not read again.
    put_secret(&client, &name, &secret_document("np-third-iat")).await;
    assert_eq!(loader.load().await.unwrap().expose(), "np-second-iat");

    let eager = SecretsManagerIatLoader::new(client.clone(), &name, Duration::ZERO);
    assert_eq!(eager.load().await.unwrap().expose(), "np-third-iat");
}

#[tokio::test]
async fn iat_loader_error_hides_values() {
    let client = emulators::secrets_client().await;
    let name = create_secret(&client, &secret_document(OLD_IAT)).await;
    let mut broken = secret_document(OLD_IAT);
    broken["neonpanel_iat"] = json!("np rotated with a space");
    put_secret(&client, &name, &broken).await;

    let loader = SecretsManagerIatLoader::new(client, &name, Duration::ZERO);
    let error = loader.load().await.unwrap_err();
    assert!(error.contains("`neonpanel_iat` is invalid"), "{error}");
    assert!(!error.contains("rotated"), "{error}");
}

fn tools_call_event(token: &str) -> Value {
    mcp_event(
        token,
        json!({
            "jsonrpc": "2.0",
            "id": 7,
            "method": "tools/call",
            "params": { "name": "account_list_companies", "arguments": {} },
        }),
    )
}

fn mcp_event(token: &str, body: Value) -> Value {
    let mut event = emulators::http_api_event(
        "POST",
        "/mcp",
        &[
            ("authorization", &format!("Bearer {token}")),
            ("content-type", "application/json"),
            ("accept", "application/json, text/event-stream"),
            ("mcp-protocol-version", "2025-06-18"),
        ],
        Some(&body.to_string()),
    );
    event["headers"]["host"] = json!("mcp.example.com");
    event
}

#[tokio::test]
async fn iat_rotated_while_warm_is_used() {
    let neonpanel = NeonPanelStandIn::start().await;
    let client = emulators::secrets_client().await;
    let name = create_secret(&client, &secret_document(OLD_IAT)).await;
    let env = environment(vec![
        (SECRET_ID_VAR, name.clone()),
        (PUBLIC_URL_VAR, "https://mcp.example.com".to_owned()),
        (NEONPANEL_API_URL_VAR, neonpanel.base_url.clone()),
    ]);
    let state = FunctionState::from_env(Function::Mcp, env).await.unwrap();

    let tokens = AccessTokens::new(
        "https://mcp.example.com",
        "https://mcp.example.com/mcp",
        SigningKey {
            kid: "k1".to_owned(),
            secret: KeyBytes::new(SIGNING_KEY.as_bytes().to_vec()),
        },
        None,
    );
    let now = neonpanel_mcp::clock::Clock::now(&neonpanel_mcp::clock::SystemClock);
    let (token, _) = tokens.issue(
        "operator",
        "test-client",
        &ScopeSet::default_grant(),
        now,
        600,
    );

    // The instance serves a request that needs no NeonPanel call, so it is
    // warm with the IAT read at cold start.
    let warm_up = mcp_event(
        token.expose(),
        json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" }),
    );
    let response = state.handle(emulators::lambda_request(&warm_up)).await;
    assert_eq!(response.status(), 200);
    assert!(neonpanel.requests().is_empty());

    // The operator rotates the IAT. The stand-in accepts only TEST_IAT, so
    // the cached one now gets 401, and the instance re-reads the secret.
    put_secret(&client, &name, &secret_document(TEST_IAT)).await;
    let response = state
        .handle(emulators::lambda_request(&tools_call_event(token.expose())))
        .await;
    let body: Value = serde_json::from_str(&emulators::body_text(&response)).unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(body["result"]["isError"], false, "{body}");
    let seen = neonpanel.requests();
    assert_eq!(seen.len(), 2, "one call with the old IAT, one retry");
    assert_eq!(
        seen[0].authorization.as_deref(),
        Some(format!("Bearer {OLD_IAT}").as_str())
    );
    assert_eq!(
        seen[1].authorization.as_deref(),
        Some(format!("Bearer {TEST_IAT}").as_str())
    );
}

#[tokio::test]
async fn old_iat_is_sent_until_rotation() {
    // The half of the warm-rotation scenario that holds before the NeonPanel
    // client retries: the IAT read at cold start is what NeonPanel receives.
    let neonpanel = NeonPanelStandIn::start().await;
    let client = emulators::secrets_client().await;
    let name = create_secret(&client, &secret_document(OLD_IAT)).await;
    let env = environment(vec![
        (SECRET_ID_VAR, name),
        (PUBLIC_URL_VAR, "https://mcp.example.com".to_owned()),
        (NEONPANEL_API_URL_VAR, neonpanel.base_url.clone()),
    ]);
    let state = FunctionState::from_env(Function::Mcp, env).await.unwrap();
    let tokens = AccessTokens::new(
        "https://mcp.example.com",
        "https://mcp.example.com/mcp",
        SigningKey {
            kid: "k1".to_owned(),
            secret: KeyBytes::new(SIGNING_KEY.as_bytes().to_vec()),
        },
        None,
    );
    let now = neonpanel_mcp::clock::Clock::now(&neonpanel_mcp::clock::SystemClock);
    let (token, _) = tokens.issue(
        "operator",
        "test-client",
        &ScopeSet::default_grant(),
        now,
        600,
    );

    let response = state
        .handle(emulators::lambda_request(&tools_call_event(token.expose())))
        .await;
    let text = emulators::body_text(&response);
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(response.status(), 200, "{text}");
    assert_eq!(body["result"]["isError"], true, "{body}");
    assert!(!text.contains(OLD_IAT), "{text}");
    let seen = neonpanel.requests();
    assert_eq!(
        seen.first().unwrap().authorization.as_deref(),
        Some(format!("Bearer {OLD_IAT}").as_str())
    );
}

#[tokio::test]
async fn secret_script_output_is_accepted() {
    let client = emulators::secrets_client().await;
    // The secret as template.yaml creates it: a generated key, no IAT, no code.
    let created = json!({
        "neonpanel_iat": "",
        "signing_key_id": "initial",
        "access_codes": [],
        "signing_key": SIGNING_KEY,
    });
    let name = create_secret(&client, &created).await;
    let venv = std::env::var("NEONPANEL_TOOLS_VENV")
        .expect("NEONPANEL_TOOLS_VENV is not set: run the tests with `bash scripts/test.sh`");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/secret.py");

    let run = |command: &str, input: &str| {
        let mut child = std::process::Command::new(format!("{venv}/bin/python"))
            .args([
                script,
                command,
                "--secret-id",
                &name,
                "--region",
                emulators::REGION,
            ])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write as _;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "secret.py {command}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    };

    run("setup", "np-script-iat\nopen-sesame-42\n");
    let secrets = secrets::read_secrets(&client, &name).await.unwrap();
    assert_eq!(secrets.iat.expose(), "np-script-iat");
    assert_eq!(secrets.current_signing_key.kid, "initial");
    assert_eq!(
        secrets.access_codes[0].expose(),
        format!("sha256:{}", hash_secret("open-sesame-42"))
    );

    run("rotate-signing-key", "");
    let rotated = secrets::read_secrets(&client, &name).await.unwrap();
    let previous = rotated.previous_signing_key.unwrap();
    assert_eq!(previous.kid, "initial");
    assert_eq!(previous.secret.expose(), SIGNING_KEY.as_bytes());
    assert_ne!(rotated.current_signing_key.kid, "initial");
    assert_ne!(
        rotated.current_signing_key.secret.expose(),
        SIGNING_KEY.as_bytes()
    );
}
