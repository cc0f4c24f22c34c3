//! Checks tool arguments against a [`ToolSpec`] and turns them into a
//! NeonPanel [`ApiRequest`]. Every error names the argument at fault, so a
//! model can correct its call.

use rmcp::model::JsonObject;
use serde_json::Value;

use super::spec::{Location, ParamKind, ParamSpec, ToolSpec};
use crate::neonpanel::ApiRequest;

/// A rejected tool call argument.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ArgumentError {
    #[error("missing required argument `{name}`: {description}")]
    Missing {
        name: &'static str,
        description: &'static str,
    },
    #[error("unknown argument `{name}`; this tool accepts {accepted}")]
    Unknown { name: String, accepted: String },
    #[error("invalid argument `{name}`: {reason}")]
    Invalid { name: String, reason: String },
}

/// Validates `arguments` and builds the NeonPanel request for `spec`.
/// Company arguments must already be resolved to a `uuid` string (see
/// [`super::company`]).
pub fn build_request(
    spec: &ToolSpec,
    arguments: Option<&JsonObject>,
) -> Result<ApiRequest, ArgumentError> {
    let empty = JsonObject::new();
    let arguments = arguments.unwrap_or(&empty);

    if let Some(unknown) = arguments.keys().find(|name| spec.param(name).is_none()) {
        return Err(ArgumentError::Unknown {
            name: unknown.clone(),
            accepted: accepted_names(spec.params),
        });
    }

    let mut path_values = Vec::new();
    let mut query = Vec::new();
    let mut body = JsonObject::new();
    for param in spec.params {
        // A JSON null counts as absent: models often send null for "not set".
        let value = arguments.get(param.name).filter(|value| !value.is_null());
        let Some(value) = value else {
            if param.required {
                return Err(ArgumentError::Missing {
                    name: param.name,
                    description: param.description,
                });
            }
            continue;
        };
        let checked = check_value(param.name, param.kind, value)?;
        match param.location {
            Location::Path => path_values.push((param.name, scalar_text(&checked))),
            Location::Query => match checked {
                Value::Array(items) => query.extend(
                    items
                        .iter()
                        .map(|item| (param.name.to_owned(), scalar_text(item))),
                ),
                other => query.push((param.name.to_owned(), scalar_text(&other))),
            },
            Location::Body => {
                body.insert(param.name.to_owned(), checked);
            }
        }
    }

    let segments = spec
        .path
        .split('/')
        .filter(|segment| !segment.is_empty())
        .map(|segment| fill_placeholder(segment, &path_values))
        .collect();
    let has_body = spec
        .params
        .iter()
        .any(|param| param.location == Location::Body);
    Ok(ApiRequest {
        method: spec.method.to_http(),
        segments,
        query,
        body: has_body.then_some(Value::Object(body)),
    })
}

fn accepted_names(params: &[ParamSpec]) -> String {
    if params.is_empty() {
        return "no arguments".to_owned();
    }
    let names: Vec<String> = params
        .iter()
        .map(|param| format!("`{}`", param.name))
        .collect();
    names.join(", ")
}

/// Replaces a `{name}` path segment by its validated value.
fn fill_placeholder(segment: &str, path_values: &[(&'static str, String)]) -> String {
    let Some(name) = segment
        .strip_prefix('{')
        .and_then(|rest| rest.strip_suffix('}'))
    else {
        return segment.to_owned();
    };
    path_values
        .iter()
        .find(|(param, _)| *param == name)
        .map(|(_, value)| value.clone())
        .unwrap_or_else(|| panic!("path placeholder {{{name}}} has no required path parameter"))
}

/// The query or path form of a checked scalar.
fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Checks one value against `kind` and returns it as it goes into the
/// request. `name` is the argument's path for messages, such as
/// `details[2].quantity`.
fn check_value(name: &str, kind: ParamKind, value: &Value) -> Result<Value, ArgumentError> {
    let invalid = |reason: String| ArgumentError::Invalid {
        name: name.to_owned(),
        reason,
    };
    match kind {
        ParamKind::String {
            min_length,
            max_length,
        } => {
            let text = value
                .as_str()
                .ok_or_else(|| invalid(format!("expected a string, got {}", type_name(value))))?;
            check_length(text, min_length, max_length).map_err(invalid)?;
            Ok(value.clone())
        }
        ParamKind::Company => {
            let text = value.as_str().ok_or_else(|| {
                invalid(format!(
                    "expected a company uuid or numeric id, got {}",
                    type_name(value)
                ))
            })?;
            check_length(text, Some(1), None).map_err(invalid)?;
            Ok(value.clone())
        }
        ParamKind::Integer {
            minimum, maximum, ..
        } => {
            let number = value
                .as_i64()
                .ok_or_else(|| invalid(format!("expected an integer, got {}", describe(value))))?;
            if minimum.is_some_and(|minimum| number < minimum)
                || maximum.is_some_and(|maximum| number > maximum)
            {
                return Err(invalid(format!(
                    "{number} is out of range; use {}",
                    range_text(minimum, maximum)
                )));
            }
            Ok(value.clone())
        }
        ParamKind::Number => {
            if !value.is_number() {
                return Err(invalid(format!(
                    "expected a number, got {}",
                    describe(value)
                )));
            }
            Ok(value.clone())
        }
        ParamKind::Boolean => {
            if !value.is_boolean() {
                return Err(invalid(format!(
                    "expected true or false, got {}",
                    describe(value)
                )));
            }
            Ok(value.clone())
        }
        ParamKind::Date => {
            let text = value.as_str().ok_or_else(|| {
                invalid(format!(
                    "expected a date string YYYY-MM-DD, got {}",
                    type_name(value)
                ))
            })?;
            if !is_date(text) {
                return Err(invalid(format!(
                    "{text:?} is not a date; use YYYY-MM-DD, such as 2024-01-31"
                )));
            }
            Ok(value.clone())
        }
        ParamKind::Enum { values, .. } => {
            let text = value
                .as_str()
                .ok_or_else(|| invalid(format!("expected a string, got {}", type_name(value))))?;
            if !values.contains(&text) {
                return Err(invalid(format!(
                    "{text:?} is not one of {}",
                    values.join(", ")
                )));
            }
            Ok(value.clone())
        }
        ParamKind::StringList { values } => {
            let items = value.as_array().ok_or_else(|| {
                invalid(format!(
                    "expected an array of strings, got {}",
                    type_name(value)
                ))
            })?;
            for item in items {
                let text = item.as_str().ok_or_else(|| {
                    invalid(format!(
                        "expected an array of strings, but an item is {}",
                        type_name(item)
                    ))
                })?;
                if let Some(values) = values
                    && !values.contains(&text)
                {
                    return Err(invalid(format!(
                        "item {text:?} is not one of {}",
                        values.join(", ")
                    )));
                }
            }
            Ok(value.clone())
        }
        ParamKind::IntegerList => {
            let items = value.as_array().ok_or_else(|| {
                invalid(format!(
                    "expected an array of integers, got {}",
                    type_name(value)
                ))
            })?;
            if let Some(item) = items.iter().find(|item| item.as_i64().is_none()) {
                return Err(invalid(format!(
                    "expected an array of integers, but an item is {}",
                    describe(item)
                )));
            }
            Ok(value.clone())
        }
        ParamKind::AnyObject => {
            if !value.is_object() {
                return Err(invalid(format!(
                    "expected an object, got {}",
                    type_name(value)
                )));
            }
            Ok(value.clone())
        }
        ParamKind::Object { fields } => {
            let object = value
                .as_object()
                .ok_or_else(|| invalid(format!("expected an object, got {}", type_name(value))))?;
            check_object(name, fields, object).map(Value::Object)
        }
        ParamKind::ObjectList { fields } => {
            let items = value.as_array().ok_or_else(|| {
                invalid(format!(
                    "expected an array of objects, got {}",
                    type_name(value)
                ))
            })?;
            let mut checked = Vec::with_capacity(items.len());
            for (index, item) in items.iter().enumerate() {
                let item_name = format!("{name}[{index}]");
                let object = item.as_object().ok_or_else(|| ArgumentError::Invalid {
                    name: item_name.clone(),
                    reason: format!("expected an object, got {}", type_name(item)),
                })?;
                checked.push(Value::Object(check_object(&item_name, fields, object)?));
            }
            Ok(Value::Array(checked))
        }
    }
}

/// Checks a nested object: no unknown properties, every required one
/// present, each of the right kind.
fn check_object(
    name: &str,
    fields: &[ParamSpec],
    object: &JsonObject,
) -> Result<JsonObject, ArgumentError> {
    if let Some(unknown) = object
        .keys()
        .find(|key| !fields.iter().any(|field| field.name == key.as_str()))
    {
        return Err(ArgumentError::Invalid {
            name: name.to_owned(),
            reason: format!(
                "unknown property `{unknown}`; accepted are {}",
                accepted_names(fields)
            ),
        });
    }
    let mut checked = JsonObject::new();
    for field in fields {
        let value = object.get(field.name).filter(|value| !value.is_null());
        let Some(value) = value else {
            if field.required {
                return Err(ArgumentError::Invalid {
                    name: name.to_owned(),
                    reason: format!("missing property `{}`: {}", field.name, field.description),
                });
            }
            continue;
        };
        let field_name = format!("{name}.{}", field.name);
        checked.insert(
            field.name.to_owned(),
            check_value(&field_name, field.kind, value)?,
        );
    }
    Ok(checked)
}

fn check_length(
    text: &str,
    min_length: Option<u32>,
    max_length: Option<u32>,
) -> Result<(), String> {
    let length = text.chars().count();
    let too_short = min_length.is_some_and(|min| length < min as usize);
    let too_long = max_length.is_some_and(|max| length > max as usize);
    match (min_length, max_length) {
        _ if !too_short && !too_long => Ok(()),
        (Some(min), Some(max)) if min == max => {
            Err(format!("expected exactly {min} characters, got {length}"))
        }
        (Some(1), None) => Err("must not be empty".to_owned()),
        _ => Err(format!(
            "expected {} characters, got {length}",
            range_text(min_length.map(i64::from), max_length.map(i64::from))
        )),
    }
}

fn range_text(minimum: Option<i64>, maximum: Option<i64>) -> String {
    match (minimum, maximum) {
        (Some(minimum), Some(maximum)) => format!("{minimum} to {maximum}"),
        (Some(minimum), None) => format!("{minimum} or more"),
        (None, Some(maximum)) => format!("{maximum} or less"),
        (None, None) => "any value".to_owned(),
    }
}

/// Returns whether `text` is `YYYY-MM-DD` with a month from 01 to 12 and a day from
/// 01 to 31. NeonPanel checks the calendar itself (such as February 30).
fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits_at = |range: std::ops::Range<usize>| bytes[range].iter().all(u8::is_ascii_digit);
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    if !digits_at(0..4) || !digits_at(5..7) || !digits_at(8..10) {
        return false;
    }
    let month: u32 = text[5..7].parse().unwrap_or(0);
    let day: u32 = text[8..10].parse().unwrap_or(0);
    (1..=12).contains(&month) && (1..=31).contains(&day)
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Names the type, and shows numbers and strings themselves, which is where
/// a model most often slips (`"2"` or `2.5` for an integer).
fn describe(value: &Value) -> String {
    match value {
        Value::Number(number) => format!("{number}"),
        Value::String(text) => format!("the string {text:?}"),
        other => type_name(other).to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::tools::catalog;

    fn spec(name: &str) -> &'static ToolSpec {
        catalog::find(name).unwrap()
    }

    fn arguments(value: Value) -> JsonObject {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn path_and_query_arguments_build_request() {
        let request = build_request(
            spec("inventory_get_details"),
            Some(&arguments(
                json!({ "companyUuid": "c-1", "inventoryId": 1001, "balances_date": "2024-03-31" }),
            )),
        )
        .unwrap();
        assert_eq!(
            request.segments,
            [
                "api",
                "v1",
                "companies",
                "c-1",
                "inventory-items",
                "1001",
                "balances"
            ]
        );
        assert_eq!(
            request.query,
            [("balances_date".to_owned(), "2024-03-31".to_owned())]
        );
    }

    #[test]
    fn missing_required_argument_is_named() {
        let error = build_request(spec("inventory_list_items"), None).unwrap_err();
        assert!(matches!(
            error,
            ArgumentError::Missing {
                name: "companyUuid",
                ..
            }
        ));
    }

    #[test]
    fn string_for_integer_fails() {
        let error = build_request(
            spec("inventory_get_details"),
            Some(&arguments(
                json!({ "companyUuid": "c", "inventoryId": "7" }),
            )),
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid argument `inventoryId`: expected an integer, got the string \"7\""
        );
    }

    #[test]
    fn per_page_above_maximum_fails() {
        let error = build_request(
            spec("account_list_companies"),
            Some(&arguments(json!({ "per_page": 100 }))),
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid argument `per_page`: 100 is out of range; use 10 to 60"
        );
    }

    #[test]
    fn unknown_argument_lists_accepted_names() {
        let error = build_request(
            spec("account_list_companies"),
            Some(&arguments(json!({ "company_id": 4 }))),
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown argument `company_id`; this tool accepts `page`, `per_page`"
        );
    }

    #[test]
    fn null_optional_argument_is_ignored() {
        let request = build_request(
            spec("account_list_companies"),
            Some(&arguments(json!({ "page": null }))),
        )
        .unwrap();
        assert!(request.query.is_empty());
    }

    #[test]
    fn list_argument_repeats_query_name() {
        let request = build_request(
            spec("financials_get_revenue_and_cogs"),
            Some(&arguments(json!({
                "start_date": "2024-01-01",
                "grouping": ["company", "country"],
            }))),
        )
        .unwrap();
        assert_eq!(
            request.query,
            [
                ("start_date".to_owned(), "2024-01-01".to_owned()),
                ("grouping".to_owned(), "company".to_owned()),
                ("grouping".to_owned(), "country".to_owned()),
            ]
        );
    }

    #[test]
    fn enum_item_outside_set_fails() {
        let error = build_request(
            spec("financials_get_revenue_and_cogs"),
            Some(&arguments(
                json!({ "start_date": "2024-01-01", "grouping": ["sku"] }),
            )),
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid argument `grouping`: item \"sku\" is not one of company, country, invoice"
        );
    }

    #[test]
    fn datetime_for_date_fails() {
        let error = build_request(
            spec("financials_get_revenue_and_cogs"),
            Some(&arguments(json!({ "start_date": "2024-01-01T00:00:00Z" }))),
        )
        .unwrap_err();
        assert!(error.to_string().contains("use YYYY-MM-DD"), "{error}");
        assert!(is_date("2024-12-31"));
        assert!(!is_date("2024-13-01"));
        assert!(!is_date("2024-1-01"));
    }

    #[test]
    fn country_code_length_is_checked() {
        let error = build_request(
            spec("inventory_list_items"),
            Some(&arguments(
                json!({ "companyUuid": "c", "country_code": "USA" }),
            )),
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid argument `country_code`: expected exactly 2 characters, got 3"
        );
    }

    #[test]
    fn nested_body_builds_json() {
        let request = build_request(
            spec("project_management_create_bills"),
            Some(&arguments(json!({
                "companyUuid": "c",
                "ref_number": "B-1",
                "details": [{ "service_id": 5, "quantity": 2, "rate": 12.5 }],
                "documents": null,
            }))),
        )
        .unwrap();
        assert_eq!(request.method, http::Method::POST);
        assert_eq!(
            request.body,
            Some(json!({
                "ref_number": "B-1",
                "details": [{ "service_id": 5, "quantity": 2, "rate": 12.5 }],
            }))
        );
    }

    #[test]
    fn nested_error_names_the_path() {
        let error = build_request(
            spec("project_management_create_bills"),
            Some(&arguments(json!({
                "companyUuid": "c",
                "details": [{ "service_id": 5, "quantity": 2, "rate": 1 }, { "service_id": 5, "quantity": 0, "rate": 1 }],
            }))),
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid argument `details[1].quantity`: 0 is out of range; use 1 or more"
        );
    }

    #[test]
    fn missing_nested_property_fails() {
        let error = build_request(
            spec("project_management_create_bills"),
            Some(&arguments(json!({
                "companyUuid": "c",
                "details": [{ "service_id": 5, "quantity": 2 }],
            }))),
        )
        .unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("invalid argument `details[0]`: missing property `rate`"),
            "{error}"
        );
    }

    #[test]
    fn unknown_nested_property_fails() {
        let error = build_request(
            spec("import_create_documents_by_pdf"),
            Some(&arguments(json!({
                "companyUuid": "c",
                "type": "bill",
                "file": { "name": "a.pdf", "link": "https://x", "size": 3 },
            }))),
        )
        .unwrap_err();
        assert!(
            error.to_string().contains("unknown property `size`"),
            "{error}"
        );
    }

    #[test]
    fn write_tool_without_fields_sends_empty_object() {
        let request = build_request(
            spec("forecasting_update_company_settings"),
            Some(&arguments(json!({ "companyUuid": "c" }))),
        )
        .unwrap();
        assert_eq!(request.body, Some(json!({})));
        let read = build_request(
            spec("forecasting_get_company_settings"),
            Some(&arguments(json!({ "companyUuid": "c" }))),
        )
        .unwrap();
        assert_eq!(read.body, None);
    }

    #[test]
    fn empty_path_value_fails() {
        let error = build_request(
            spec("inventory_list_warehouses"),
            Some(&arguments(json!({ "companyUuid": "" }))),
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid argument `companyUuid`: must not be empty"
        );
    }
}
