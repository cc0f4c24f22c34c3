//! The NeonPanel tools this server offers, one [`ToolSpec`] per operation of
//! NeonPanel's API v1 (OpenAPI document version 1.2.0-beta), grouped by
//! domain.
//!
//! Tool names match those of the earlier NeonPanel MCP server where it had
//! the operation, so existing prompts keep working; the others are named
//! `domain_verb_object`. Parameter names, types and limits follow the API.

mod account;
mod cogs;
mod financials;
mod forecasting;
mod import;
mod inventory;
mod project_management;

use super::spec::{ParamKind, ParamSpec, ToolSpec};

/// Every tool, grouped by domain, in the order `tools/list` returns them.
pub static DOMAINS: &[&[ToolSpec]] = &[
    account::TOOLS,
    inventory::TOOLS,
    cogs::TOOLS,
    financials::TOOLS,
    forecasting::TOOLS,
    import::TOOLS,
    project_management::TOOLS,
];

/// Iterates over every tool of every domain.
pub fn all() -> impl Iterator<Item = &'static ToolSpec> {
    DOMAINS.iter().flat_map(|tools| tools.iter())
}

/// Finds a tool by name.
pub fn find(name: &str) -> Option<&'static ToolSpec> {
    all().find(|spec| spec.name == name)
}

/// A string without limits.
pub(crate) const TEXT: ParamKind = ParamKind::String {
    min_length: None,
    max_length: None,
};
/// A non-empty string, for identifiers.
pub(crate) const NON_EMPTY: ParamKind = ParamKind::String {
    min_length: Some(1),
    max_length: None,
};
/// A positive integer, for record ids.
pub(crate) const ID: ParamKind = ParamKind::Integer {
    minimum: Some(1),
    maximum: None,
    default: None,
};
/// An integer without limits.
pub(crate) const INTEGER: ParamKind = ParamKind::Integer {
    minimum: None,
    maximum: None,
    default: None,
};
/// A positive integer, for quantities.
pub(crate) const QUANTITY: ParamKind = ParamKind::Integer {
    minimum: Some(1),
    maximum: None,
    default: None,
};
/// A two-letter ISO 3166-1 country code.
pub(crate) const COUNTRY: ParamKind = ParamKind::String {
    min_length: Some(2),
    max_length: Some(2),
};
/// A three-letter ISO 4217 currency code.
pub(crate) const CURRENCY: ParamKind = ParamKind::String {
    min_length: Some(3),
    max_length: Some(3),
};

pub(crate) const COMPANY_UUID: ParamSpec = ParamSpec::path(
    "companyUuid",
    ParamKind::Company,
    "The company: its `uuid` from account_list_companies, or its numeric `id`, which the \
     server looks up for you.",
);

pub(crate) const PAGE: ParamSpec = ParamSpec::query(
    "page",
    ParamKind::Integer {
        minimum: Some(1),
        maximum: None,
        default: Some(1),
    },
    "Page number, starting at 1. The result's `last_page` says how many pages exist.",
);

pub(crate) const PER_PAGE: ParamSpec = ParamSpec::query(
    "per_page",
    ParamKind::Integer {
        minimum: Some(10),
        maximum: Some(60),
        default: Some(30),
    },
    "Records per page, from 10 to 60.",
);

pub(crate) const START_DATE: ParamSpec = ParamSpec::query(
    "start_date",
    ParamKind::Date,
    "Only records dated on or after this day, as YYYY-MM-DD.",
);

pub(crate) const END_DATE: ParamSpec = ParamSpec::query(
    "end_date",
    ParamKind::Date,
    "Only records dated on or before this day, as YYYY-MM-DD.",
);

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::tools::spec::Location;

    #[test]
    fn catalog_has_one_tool_per_operation() {
        let operations: HashSet<(String, &str)> = all()
            .map(|spec| (spec.method.to_http().to_string(), spec.path))
            .collect();
        assert_eq!(all().count(), 59);
        assert_eq!(operations.len(), 59, "two tools share an operation");
    }

    #[test]
    fn tool_names_are_unique_and_snake_case() {
        let mut names = HashSet::new();
        for spec in all() {
            assert!(names.insert(spec.name), "{} appears twice", spec.name);
            assert!(
                spec.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_'),
                "{}",
                spec.name
            );
        }
    }

    #[test]
    fn every_placeholder_has_a_path_parameter() {
        for spec in all() {
            let placeholders: Vec<&str> = spec
                .path
                .split('/')
                .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
                .collect();
            let path_params: Vec<&str> = spec
                .params
                .iter()
                .filter(|param| param.location == Location::Path)
                .map(|param| param.name)
                .collect();
            assert_eq!(placeholders, path_params, "{}", spec.name);
        }
    }
}
