//! Proof Key for Code Exchange, S256 only
//! ([RFC 7636](https://www.rfc-editor.org/rfc/rfc7636), required by OAuth 2.1).
//!
//! The `plain` method is rejected: it protects nothing once the authorization
//! request leaks, and a challenge sent without a method is not read as plain.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::secret::{CodeVerifier, constant_time_eq};

/// The only `code_challenge_method` this server accepts.
pub const S256: &str = "S256";

/// Length of an S256 challenge: 32 digest bytes in unpadded base64url.
const S256_CHALLENGE_LEN: usize = 43;

/// Shortest and longest code verifier (RFC 7636 section 4.1).
const VERIFIER_MIN_LEN: usize = 43;
const VERIFIER_MAX_LEN: usize = 128;

/// An S256 `code_challenge` (RFC 7636 section 4.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CodeChallenge(String);

/// Why a `code_challenge` or `code_challenge_method` is unacceptable. Each
/// message tells the client developer what to send instead.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChallengeError {
    #[error("code_challenge is required; send the S256 challenge of a code verifier (PKCE)")]
    MissingChallenge,
    #[error("code_challenge_method is required and must be S256")]
    MissingMethod,
    #[error("code_challenge_method {0:?} is not supported; use S256")]
    UnsupportedMethod(String),
    #[error("code_challenge must be 43 base64url characters, the unpadded SHA-256 of the verifier")]
    MalformedChallenge,
}

/// Why a `code_verifier` is malformed (RFC 7636 section 4.1).
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("code_verifier must be 43 to 128 characters of A-Z, a-z, 0-9, '-', '.', '_' and '~'")]
pub struct MalformedVerifier;

impl CodeChallenge {
    /// Validates `code_challenge` and `code_challenge_method` from an
    /// authorization request.
    ///
    /// The challenge must be exactly 43 base64url characters. RFC 7636 allows
    /// up to 128 characters in its grammar, but an S256 challenge of any other
    /// length can never match a verifier, so it is rejected up front.
    pub fn parse(challenge: Option<&str>, method: Option<&str>) -> Result<Self, ChallengeError> {
        let challenge = challenge
            .filter(|value| !value.is_empty())
            .ok_or(ChallengeError::MissingChallenge)?;
        match method {
            None | Some("") => return Err(ChallengeError::MissingMethod),
            Some(S256) => {}
            Some(other) => return Err(ChallengeError::UnsupportedMethod(other.to_owned())),
        }
        let is_base64url = challenge
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_');
        if challenge.len() != S256_CHALLENGE_LEN || !is_base64url {
            return Err(ChallengeError::MalformedChallenge);
        }
        Ok(Self(challenge.to_owned()))
    }

    /// Whether `verifier` hashes to this challenge, compared in constant time.
    pub fn is_satisfied_by(&self, verifier: &CodeVerifier) -> bool {
        let digest = Sha256::digest(verifier.expose().as_bytes());
        let computed = URL_SAFE_NO_PAD.encode(digest);
        constant_time_eq(computed.as_bytes(), self.0.as_bytes())
    }
}

/// Checks the syntax of a `code_verifier` from a token request.
pub fn parse_verifier(value: &str) -> Result<CodeVerifier, MalformedVerifier> {
    let is_unreserved = value
        .bytes()
        .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~'));
    if !(VERIFIER_MIN_LEN..=VERIFIER_MAX_LEN).contains(&value.len()) || !is_unreserved {
        return Err(MalformedVerifier);
    }
    Ok(CodeVerifier::new(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The verifier and challenge of RFC 7636 appendix B.
    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn s256_challenge_matches_its_verifier() {
        let challenge = CodeChallenge::parse(Some(CHALLENGE), Some("S256")).unwrap();
        assert!(challenge.is_satisfied_by(&parse_verifier(VERIFIER).unwrap()));
    }

    #[test]
    fn wrong_verifier_fails() {
        let challenge = CodeChallenge::parse(Some(CHALLENGE), Some("S256")).unwrap();
        let other = parse_verifier(&"a".repeat(43)).unwrap();
        assert!(!challenge.is_satisfied_by(&other));
    }

    #[test]
    fn plain_pkce_method_fails() {
        assert_eq!(
            CodeChallenge::parse(Some(VERIFIER), Some("plain")),
            Err(ChallengeError::UnsupportedMethod("plain".into()))
        );
    }

    #[test]
    fn challenge_without_method_fails() {
        assert_eq!(
            CodeChallenge::parse(Some(CHALLENGE), None),
            Err(ChallengeError::MissingMethod)
        );
        assert_eq!(
            CodeChallenge::parse(Some(CHALLENGE), Some("")),
            Err(ChallengeError::MissingMethod)
        );
    }

    #[test]
    fn missing_challenge_fails() {
        assert_eq!(
            CodeChallenge::parse(None, Some("S256")),
            Err(ChallengeError::MissingChallenge)
        );
        assert_eq!(
            CodeChallenge::parse(Some(""), Some("S256")),
            Err(ChallengeError::MissingChallenge)
        );
    }

    #[test]
    fn malformed_challenge_fails() {
        for challenge in [
            &CHALLENGE[..42],
            &format!("{CHALLENGE}="),
            &"a.b".repeat(15),
        ] {
            assert_eq!(
                CodeChallenge::parse(Some(challenge), Some("S256")),
                Err(ChallengeError::MalformedChallenge),
                "{challenge}"
            );
        }
    }

    #[test]
    fn verifier_length_bounds_are_enforced() {
        assert_eq!(parse_verifier(&"a".repeat(42)), Err(MalformedVerifier));
        assert!(parse_verifier(&"a".repeat(43)).is_ok());
        assert!(parse_verifier(&"a".repeat(128)).is_ok());
        assert_eq!(parse_verifier(&"a".repeat(129)), Err(MalformedVerifier));
    }

    #[test]
    fn verifier_with_reserved_character_fails() {
        let value = format!("{}+", "a".repeat(43));
        assert_eq!(parse_verifier(&value), Err(MalformedVerifier));
        assert!(parse_verifier(&format!("{}-._~", "a".repeat(40))).is_ok());
    }
}
