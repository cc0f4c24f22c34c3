//! The one Secrets Manager secret of a deployment: the NeonPanel IAT, the
//! token signing keys and the consent access codes.
//!
//! The secret string is a JSON object:
//!
//! | field | meaning |
//! |---|---|
//! | `neonpanel_iat` | the NeonPanel integration access token |
//! | `signing_key`, `signing_key_id` | the key that signs new access tokens (at least 32 characters) and its `kid` |
//! | `previous_signing_key`, `previous_signing_key_id` | optional: the key before the last rotation, still accepted on verification |
//! | `access_codes` | list of consent access codes, each stored as `sha256:<64 hex digits>` |
//!
//! The functions read it once per cold start. Error messages name the field
//! at fault and never its value.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use aws_sdk_secretsmanager::Client;
use aws_sdk_secretsmanager::error::{DisplayErrorContext, ProvideErrorMetadata};
use serde_json::{Map, Value};
use tokio::sync::Mutex;

use crate::config::{IatLoader, Secrets, SigningKey};
use crate::secret::{AccessCode, Iat, KeyBytes};

/// Shortest signing key accepted, in bytes (HMAC-SHA256 wants at least 32).
const MIN_SIGNING_KEY_BYTES: usize = 32;
/// Prefix of an access code stored as its SHA-256 digest.
pub const HASHED_ACCESS_CODE_PREFIX: &str = "sha256:";
/// How often a warm instance may read the secret again after NeonPanel
/// rejects the IAT. Defaults to one minute.
pub const DEFAULT_REREAD_INTERVAL: Duration = Duration::from_secs(60);

/// Failures reading or parsing the secret. None carries a secret value.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// Secrets Manager could not be reached or refused the request.
    #[error("cannot read secret {secret_id}: {reason}")]
    Unreadable { secret_id: String, reason: String },
    /// The secret string is not a JSON object.
    #[error("the secret is not a JSON object: {0}")]
    NotJson(String),
    /// A required field is absent or empty.
    #[error("the secret field `{field}` is missing: {hint}")]
    Missing { field: String, hint: &'static str },
    /// A field has the wrong shape.
    #[error("the secret field `{field}` is invalid: {reason}")]
    Invalid { field: String, reason: String },
}

/// Reads and parses the secret.
pub async fn read_secrets(client: &Client, secret_id: &str) -> Result<Secrets, SecretError> {
    let text = read_secret_string(client, secret_id).await?;
    parse_secrets(&text)
}

/// Parses the secret string. The IAT loader is left unset.
pub fn parse_secrets(text: &str) -> Result<Secrets, SecretError> {
    // Parsed as a generic value first: serde's typed errors can quote the
    // offending value, which may be secret.
    let document: Value =
        serde_json::from_str(text).map_err(|error| SecretError::NotJson(syntax_only(&error)))?;
    let Value::Object(fields) = document else {
        return Err(SecretError::NotJson("expected an object".to_owned()));
    };

    let iat = parse_iat(&fields)?;
    let current_signing_key = parse_signing_key(&fields, "signing_key", "signing_key_id")?
        .ok_or_else(|| SecretError::Missing {
            field: "signing_key".to_owned(),
            hint: "the template generates it; restore a random value of at least 32 characters",
        })?;
    let previous_signing_key =
        parse_signing_key(&fields, "previous_signing_key", "previous_signing_key_id")?;
    let access_codes = parse_access_codes(&fields)?;

    Ok(Secrets {
        iat,
        current_signing_key,
        previous_signing_key,
        access_codes,
        iat_loader: None,
    })
}

/// Reads the IAT from the secret again after NeonPanel rejects it, at most
/// once per interval per instance. Within the interval it returns the IAT of
/// the last read without calling Secrets Manager, so concurrent tool calls
/// that all met a 401 after a rotation share one read.
#[derive(Debug)]
pub struct SecretsManagerIatLoader {
    client: Client,
    secret_id: String,
    interval: Duration,
    last_read: Mutex<Option<(Instant, Iat)>>,
}

impl SecretsManagerIatLoader {
    /// Creates a loader that re-reads at most once per `interval`; use
    /// [`DEFAULT_REREAD_INTERVAL`] in production. The read at cold start does
    /// not count, so the first rejection always re-reads.
    pub fn new(client: Client, secret_id: impl Into<String>, interval: Duration) -> Arc<Self> {
        Arc::new(Self {
            client,
            secret_id: secret_id.into(),
            interval,
            last_read: Mutex::new(None),
        })
    }
}

#[async_trait]
impl IatLoader for SecretsManagerIatLoader {
    async fn load(&self) -> Result<Iat, String> {
        let mut last_read = self.last_read.lock().await;
        if let Some((at, iat)) = last_read.as_ref()
            && at.elapsed() < self.interval
        {
            tracing::debug!("iat re-read skipped (the secret was read less than a minute ago)");
            return Ok(iat.clone());
        }

        let text = read_secret_string(&self.client, &self.secret_id)
            .await
            .map_err(|error| error.to_string())?;
        let document: Value = serde_json::from_str(&text)
            .map_err(|error| SecretError::NotJson(syntax_only(&error)).to_string())?;
        let Value::Object(fields) = document else {
            return Err(SecretError::NotJson("expected an object".to_owned()).to_string());
        };
        let iat = parse_iat(&fields).map_err(|error| error.to_string())?;
        *last_read = Some((Instant::now(), iat.clone()));
        tracing::info!(secret_id = %self.secret_id, "iat re-read from the secret (neonpanel rejected the cached one)");
        Ok(iat)
    }
}

async fn read_secret_string(client: &Client, secret_id: &str) -> Result<String, SecretError> {
    let unreadable = |reason: String| SecretError::Unreadable {
        secret_id: secret_id.to_owned(),
        reason,
    };
    let output = client
        .get_secret_value()
        .secret_id(secret_id)
        .send()
        .await
        .map_err(|error| {
            let code = error.code().unwrap_or("none").to_owned();
            tracing::debug!(error = %DisplayErrorContext(&error), "get-secret-value failed");
            unreadable(format!("GetSecretValue failed ({code})"))
        })?;
    output
        .secret_string()
        .map(str::to_owned)
        .ok_or_else(|| unreadable("the secret has no string value".to_owned()))
}

/// Keeps only the position of a JSON syntax error, never the text around it.
fn syntax_only(error: &serde_json::Error) -> String {
    format!(
        "syntax error at line {} column {}",
        error.line(),
        error.column()
    )
}

fn parse_iat(fields: &Map<String, Value>) -> Result<Iat, SecretError> {
    let iat = required_string(
        fields,
        "neonpanel_iat",
        "store the NeonPanel IAT with scripts/secret.py set-iat",
    )?;
    if iat.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(invalid(
            "neonpanel_iat",
            "contains whitespace or control characters",
        ));
    }
    Ok(Iat::new(iat))
}

fn parse_signing_key(
    fields: &Map<String, Value>,
    key_field: &str,
    id_field: &str,
) -> Result<Option<SigningKey>, SecretError> {
    let key = optional_string(fields, key_field)?;
    let kid = optional_string(fields, id_field)?;
    match (key, kid) {
        (None, None) => Ok(None),
        (Some(_), None) => Err(SecretError::Missing {
            field: id_field.to_owned(),
            hint: "every signing key needs a key id",
        }),
        (None, Some(_)) => Err(SecretError::Missing {
            field: key_field.to_owned(),
            hint: "a key id is set without its key",
        }),
        (Some(key), Some(kid)) => {
            if key.len() < MIN_SIGNING_KEY_BYTES {
                return Err(invalid(
                    key_field,
                    &format!("shorter than {MIN_SIGNING_KEY_BYTES} bytes"),
                ));
            }
            let kid_is_valid = kid.len() <= 64
                && kid
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
            if !kid_is_valid {
                return Err(invalid(
                    id_field,
                    "use at most 64 letters, digits, '-', '_' or '.'",
                ));
            }
            Ok(Some(SigningKey {
                kid: kid.to_owned(),
                secret: KeyBytes::new(key.as_bytes().to_vec()),
            }))
        }
    }
}

fn parse_access_codes(fields: &Map<String, Value>) -> Result<Vec<AccessCode>, SecretError> {
    let missing = || SecretError::Missing {
        field: "access_codes".to_owned(),
        hint: "add an access code with scripts/secret.py add-access-code",
    };
    let entries = match fields.get("access_codes") {
        None | Some(Value::Null) => return Err(missing()),
        Some(Value::Array(entries)) => entries,
        Some(_) => return Err(invalid("access_codes", "expected a list of strings")),
    };
    if entries.is_empty() {
        return Err(missing());
    }
    entries
        .iter()
        .enumerate()
        .map(|(index, entry)| {
            let field = format!("access_codes[{index}]");
            let Value::String(entry) = entry else {
                return Err(invalid(&field, "expected a string"));
            };
            let digest = entry.strip_prefix(HASHED_ACCESS_CODE_PREFIX);
            let is_hashed = digest.is_some_and(|digest| {
                digest.len() == 64
                    && digest
                        .chars()
                        .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
            });
            if !is_hashed {
                return Err(invalid(
                    &field,
                    "expected sha256: followed by 64 lowercase hex digits; store codes with scripts/secret.py add-access-code",
                ));
            }
            Ok(AccessCode::new(entry.clone()))
        })
        .collect()
}

fn required_string<'a>(
    fields: &'a Map<String, Value>,
    field: &str,
    hint: &'static str,
) -> Result<&'a str, SecretError> {
    optional_string(fields, field)?.ok_or_else(|| SecretError::Missing {
        field: field.to_owned(),
        hint,
    })
}

/// Returns a non-empty string field; absent, null and empty all count as unset.
fn optional_string<'a>(
    fields: &'a Map<String, Value>,
    field: &str,
) -> Result<Option<&'a str>, SecretError> {
    match fields.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(value)) if value.trim().is_empty() => Ok(None),
        Some(Value::String(value)) => Ok(Some(value.as_str())),
        Some(_) => Err(invalid(field, "expected a string")),
    }
}

fn invalid(field: &str, reason: &str) -> SecretError {
    SecretError::Invalid {
        field: field.to_owned(),
        reason: reason.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "0123456789abcdef0123456789abcdef";
    const HASHED: &str = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    fn document() -> Value {
        serde_json::json!({
            "neonpanel_iat": "np-secret-iat",
            "signing_key": KEY,
            "signing_key_id": "k2",
            "previous_signing_key": "fedcba9876543210fedcba9876543210",
            "previous_signing_key_id": "k1",
            "access_codes": [HASHED],
        })
    }

    fn parse_with(change: impl FnOnce(&mut Map<String, Value>)) -> Result<Secrets, SecretError> {
        let mut document = document();
        change(document.as_object_mut().unwrap());
        parse_secrets(&document.to_string())
    }

    #[test]
    fn complete_secret_parses_ok() {
        let secrets = parse_with(|_| {}).unwrap();
        assert_eq!(secrets.iat.expose(), "np-secret-iat");
        assert_eq!(secrets.current_signing_key.kid, "k2");
        assert_eq!(secrets.current_signing_key.secret.expose(), KEY.as_bytes());
        assert_eq!(secrets.previous_signing_key.unwrap().kid, "k1");
        assert_eq!(secrets.access_codes, vec![AccessCode::new(HASHED)]);
    }

    #[test]
    fn empty_iat_fails_naming_field() {
        let error = parse_with(|fields| {
            fields.insert("neonpanel_iat".into(), "".into());
        })
        .unwrap_err();
        assert!(error.to_string().contains("`neonpanel_iat` is missing"));
    }

    #[test]
    fn plaintext_access_code_fails_without_echo() {
        let error = parse_with(|fields| {
            fields.insert("access_codes".into(), serde_json::json!(["open-sesame"]));
        })
        .unwrap_err()
        .to_string();
        assert!(error.contains("access_codes[0]"), "{error}");
        assert!(!error.contains("open-sesame"), "{error}");
    }

    #[test]
    fn short_signing_key_fails_without_echo() {
        let error = parse_with(|fields| {
            fields.insert("signing_key".into(), "short-key-value".into());
        })
        .unwrap_err()
        .to_string();
        assert!(error.contains("`signing_key` is invalid"), "{error}");
        assert!(!error.contains("short-key-value"), "{error}");
    }

    #[test]
    fn previous_key_without_id_fails() {
        let error = parse_with(|fields| {
            fields.remove("previous_signing_key_id");
        })
        .unwrap_err();
        assert!(error.to_string().contains("previous_signing_key_id"));
    }

    #[test]
    fn wrong_type_fails_without_echo() {
        let error = parse_with(|fields| {
            fields.insert("neonpanel_iat".into(), serde_json::json!(["np-secret-iat"]));
        })
        .unwrap_err()
        .to_string();
        assert!(error.contains("`neonpanel_iat` is invalid"), "{error}");
        assert!(!error.contains("np-secret-iat"), "{error}");
    }

    #[test]
    fn broken_json_fails_without_echo() {
        let error = parse_secrets("{\"neonpanel_iat\": \"np-secret-iat\" oops")
            .unwrap_err()
            .to_string();
        assert!(error.contains("not a JSON object"), "{error}");
        assert!(!error.contains("np-secret-iat"), "{error}");
    }
}
