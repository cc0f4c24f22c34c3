//! The OAuth scopes this server grants (RFC 6749 section 3.3).

use std::collections::BTreeSet;
use std::fmt;

/// Lets a client read NeonPanel data through the tools.
pub const READ: &str = "neonpanel:read";
/// Lets a client change NeonPanel data through the tools.
pub const WRITE: &str = "neonpanel:write";
/// Every scope this server grants, as advertised in `scopes_supported`.
pub const SUPPORTED: [&str; 2] = [READ, WRITE];

/// Scopes some clients add out of habit. They are dropped instead of
/// rejected (RFC 6749 section 3.3 lets a server ignore requested scopes):
/// this server always issues refresh tokens and is not an OpenID provider.
const IGNORED: [&str; 2] = ["offline_access", "openid"];

/// A set of known scopes, kept sorted so its string form is stable.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ScopeSet(BTreeSet<&'static str>);

/// A scope value this server does not grant (RFC 6749 `invalid_scope`).
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown scope {0:?}; supported scopes are neonpanel:read and neonpanel:write")]
pub struct UnknownScope(pub String);

impl ScopeSet {
    /// The scopes granted when a client asks for none: read only.
    pub fn default_grant() -> Self {
        Self(BTreeSet::from([READ]))
    }

    /// Read and write: everything a person can grant.
    pub fn read_write() -> Self {
        Self(BTreeSet::from([READ, WRITE]))
    }

    /// Returns the same set with read added when it contains write, because
    /// changing data through the tools starts with reading it.
    pub fn with_implied(mut self) -> Self {
        if self.0.contains(WRITE) {
            self.0.insert(READ);
        }
        self
    }

    /// Returns the scopes in both sets.
    pub fn intersection(&self, other: &ScopeSet) -> Self {
        Self(self.0.intersection(&other.0).copied().collect())
    }

    /// Parses a space-delimited `scope` parameter. A missing or blank value,
    /// or one of ignored scopes only, means the default grant.
    pub fn parse_or_default(value: Option<&str>) -> Result<Self, UnknownScope> {
        let value = value.unwrap_or_default();
        if value.trim().is_empty() {
            return Ok(Self::default_grant());
        }
        let mut scopes = BTreeSet::new();
        for token in value.split_ascii_whitespace() {
            if IGNORED.contains(&token) {
                continue;
            }
            let known = SUPPORTED
                .iter()
                .find(|known| **known == token)
                .ok_or_else(|| UnknownScope(token.to_owned()))?;
            scopes.insert(*known);
        }
        if scopes.is_empty() {
            return Ok(Self::default_grant());
        }
        Ok(Self(scopes))
    }

    /// Whether the set contains `scope`.
    pub fn contains(&self, scope: &str) -> bool {
        self.0.contains(scope)
    }

    /// Whether every scope of `other` is in this set.
    pub fn is_superset(&self, other: &ScopeSet) -> bool {
        self.0.is_superset(&other.0)
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Iterates over the scopes in sorted order.
    pub fn iter(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.iter().copied()
    }
}

impl fmt::Display for ScopeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let joined: Vec<&str> = self.0.iter().copied().collect();
        f.write_str(&joined.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_scope_means_read() {
        assert_eq!(
            ScopeSet::parse_or_default(Some("  ")).unwrap().to_string(),
            READ
        );
        assert_eq!(ScopeSet::parse_or_default(None).unwrap().to_string(), READ);
    }

    #[test]
    fn scopes_print_sorted_without_duplicates() {
        let scopes =
            ScopeSet::parse_or_default(Some("neonpanel:write neonpanel:read neonpanel:write"));
        assert_eq!(
            scopes.unwrap().to_string(),
            "neonpanel:read neonpanel:write"
        );
    }

    #[test]
    fn habitual_scopes_are_ignored() {
        let only_habitual = ScopeSet::parse_or_default(Some("openid offline_access"));
        assert_eq!(only_habitual.unwrap().to_string(), READ);
        let mixed = ScopeSet::parse_or_default(Some("offline_access neonpanel:write"));
        assert_eq!(mixed.unwrap().to_string(), WRITE);
    }

    #[test]
    fn write_implies_read() {
        let scopes = ScopeSet::parse_or_default(Some(WRITE))
            .unwrap()
            .with_implied();
        assert_eq!(scopes, ScopeSet::read_write());
    }

    #[test]
    fn intersection_keeps_common_scopes() {
        let granted = ScopeSet::read_write().intersection(&ScopeSet::default_grant());
        assert_eq!(granted, ScopeSet::default_grant());
    }

    #[test]
    fn unknown_scope_fails() {
        assert!(ScopeSet::parse_or_default(Some("neonpanel:read admin")).is_err());
    }
}
