//! The NeonPanel stand-in's fixtures follow the 200 response schemas of
//! NeonPanel's published OpenAPI document, so tool tests run against data
//! shaped like the real API's.
//!
//! The document is not part of this repository. The test reads it from
//! `../shared/neonpanel/openapi.json` next to the workspace and fails with
//! the path it tried when the file is missing.

mod support;

use serde_json::{Value, json};
use support::neonpanel_standin::{OPERATIONS, Operation, op, openapi_document};

/// Returns the success response schema of `operation`, with the document's
/// components attached so that `#/components/...` references resolve.
fn response_schema(document: &Value, operation: Operation) -> Value {
    let status = operation.success_status().to_string();
    let schema = &document["paths"][operation.template][operation.method.to_lowercase()]["responses"]
        [status.as_str()]["content"]["application/json"]["schema"];
    assert!(
        schema.is_object(),
        "no {status} JSON schema for {} {}",
        operation.method,
        operation.template
    );
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "allOf": [schema],
        "components": document["components"],
    })
}

/// Makes every declared property required, recursively, so a fixture that
/// leaves out a documented field fails too. The published schemas mark no
/// property required, which alone would accept an empty object.
fn require_all_properties(schema: &mut Value) {
    match schema {
        Value::Object(object) => {
            if let Some(Value::Object(properties)) = object.get("properties") {
                let names: Vec<Value> = properties.keys().cloned().map(Value::String).collect();
                object.insert("required".to_owned(), Value::Array(names));
            }
            for value in object.values_mut() {
                require_all_properties(value);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(require_all_properties),
        _ => {}
    }
}

#[test]
fn fixtures_match_openapi_response_schemas() {
    let document = openapi_document();
    for operation in OPERATIONS.iter().copied() {
        let Some(fixture) = operation.fixture() else {
            continue;
        };
        let mut schema = response_schema(document, operation);
        require_all_properties(&mut schema);
        let validator = jsonschema::draft202012::new(&schema).unwrap_or_else(|error| {
            panic!(
                "schema of {} does not compile: {error}",
                operation.path_template()
            )
        });
        let errors: Vec<String> = validator
            .iter_errors(&fixture)
            .map(|error| format!("{} at {}", error, error.instance_path))
            .collect();
        assert!(
            errors.is_empty(),
            "{} does not match {} {}:\n{}",
            operation.fixture_name(),
            operation.method,
            operation.path_template(),
            errors.join("\n")
        );
    }
}

#[test]
fn schema_check_rejects_wrong_types() {
    let document = openapi_document();
    let companies = op("account_list_companies");
    let mut schema = response_schema(document, companies);
    require_all_properties(&mut schema);
    let validator = jsonschema::draft202012::new(&schema).unwrap();

    let mut fixture = companies.fixture().unwrap();
    fixture["data"][0]["id"] = json!("412");
    assert!(!validator.is_valid(&fixture));

    let mut fixture = companies.fixture().unwrap();
    fixture["data"][0].as_object_mut().unwrap().remove("uuid");
    assert!(!validator.is_valid(&fixture));
}
