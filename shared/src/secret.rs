//! Newtypes for secret values: the NeonPanel IAT, signing keys, access codes,
//! client secrets, authorization codes and refresh tokens.
//!
//! Each type prints `[redacted]` through `Debug` and has no `Display`, so a
//! secret cannot reach a log line or an error message by accident.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

/// Defines a string newtype whose `Debug` output is `[redacted]`.
macro_rules! secret_string {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            /// Wraps a secret value.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// Returns the secret itself, for the one place that must send or hash it.
            pub fn expose(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }
    };
}

secret_string!(
    /// The NeonPanel integration access token (IAT) this server sends to NeonPanel.
    Iat
);
secret_string!(
    /// A code the operator hands to people allowed to approve a connection.
    AccessCode
);
secret_string!(
    /// A client secret issued at registration (RFC 7591 section 3.2.1).
    ClientSecret
);
secret_string!(
    /// A one-time authorization code (RFC 6749 section 4.1.2).
    AuthorizationCode
);
secret_string!(
    /// An opaque refresh token (RFC 6749 section 1.5).
    RefreshToken
);
secret_string!(
    /// A signed JWT access token, or any bearer token a client presents.
    BearerToken
);
secret_string!(
    /// A PKCE code verifier (RFC 7636 section 4.1).
    CodeVerifier
);
secret_string!(
    /// A static API key accepted on `/mcp` in the API key development mode.
    ApiKey
);

/// Key material for HMAC: JWT signing keys and the consent CSRF key.
#[derive(Clone, PartialEq, Eq)]
pub struct KeyBytes(Vec<u8>);

impl KeyBytes {
    /// Wraps raw key material.
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// Generates 32 random bytes.
    pub fn generate() -> Self {
        let mut bytes = vec![0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// Returns the key material.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for KeyBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyBytes([redacted])")
    }
}

/// Generates an opaque token of 256 random bits, base64url-encoded without padding.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Hashes a secret with SHA-256 for storage, returned as lowercase hex.
///
/// Codes, refresh tokens and client secrets carry 256 random bits, so an
/// unsalted fast hash is enough: the stored value cannot be reversed or guessed.
pub fn hash_secret(secret: &str) -> String {
    hash_secret_bytes(secret.as_bytes())
}

/// Hashes bytes with SHA-256, returned as lowercase hex.
pub fn hash_secret_bytes(secret: &[u8]) -> String {
    let digest = Sha256::digest(secret);
    let mut hex = String::with_capacity(64);
    for byte in digest {
        hex.push_str(&format!("{byte:02x}"));
    }
    hex
}

/// Compares two byte strings in constant time with respect to their content.
pub fn constant_time_eq(left: &[u8], right: &[u8]) -> bool {
    left.ct_eq(right).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_redacts_value() {
        let iat = Iat::new("np-live-secret");
        assert_eq!(format!("{iat:?}"), "Iat([redacted])");
        assert!(!format!("{:?}", KeyBytes::new(b"abc".to_vec())).contains("abc"));
    }

    #[test]
    fn random_tokens_carry_256_bits() {
        let token = random_token();
        assert_eq!(token.len(), 43);
        assert_ne!(token, random_token());
    }

    #[test]
    fn hash_secret_is_hex_sha256() {
        assert_eq!(
            hash_secret("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
