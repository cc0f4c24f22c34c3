//! The NeonPanel stand-in's fixtures follow the 200 response schemas of
//! NeonPanel's published OpenAPI document, so tool tests run against data
//! shaped like the real API's.
//!
//! The document is not part of this repository. The test reads it from
//! `../shared/neonpanel/openapi.json` next to the workspace and fails with
//! the path it tried when the file is missing.

mod support;

use std::path::PathBuf;

use serde_json::{Value, json};
use support::neonpanel_standin::Operation;

fn openapi_document() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/neonpanel/openapi.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| {
        panic!(
            "cannot read NeonPanel's OpenAPI document at {} ({error}); place openapi.json there to run this test",
            path.display()
        )
    });
    serde_json::from_str(&text).expect("the OpenAPI document is JSON")
}

/// Returns the 200 response schema of `GET path`, with the document's
/// components attached so that `#/components/...` references resolve.
fn response_schema(document: &Value, path: &str) -> Value {
    let schema = &document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        ["schema"];
    assert!(schema.is_object(), "no 200 JSON schema for GET {path}");
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
    for operation in Operation::ALL {
        let mut schema = response_schema(&document, operation.path_template());
        require_all_properties(&mut schema);
        let validator = jsonschema::draft202012::new(&schema).unwrap_or_else(|error| {
            panic!(
                "schema of {} does not compile: {error}",
                operation.path_template()
            )
        });
        let fixture = operation.fixture();
        let errors: Vec<String> = validator
            .iter_errors(&fixture)
            .map(|error| format!("{} at {}", error, error.instance_path))
            .collect();
        assert!(
            errors.is_empty(),
            "{} does not match GET {}:\n{}",
            operation.fixture_name(),
            operation.path_template(),
            errors.join("\n")
        );
    }
}

#[test]
fn schema_check_rejects_wrong_types() {
    let document = openapi_document();
    let mut schema = response_schema(&document, Operation::ListCompanies.path_template());
    require_all_properties(&mut schema);
    let validator = jsonschema::draft202012::new(&schema).unwrap();

    let mut fixture = Operation::ListCompanies.fixture();
    fixture["data"][0]["id"] = json!("412");
    assert!(!validator.is_valid(&fixture));

    let mut fixture = Operation::ListCompanies.fixture();
    fixture["data"][0].as_object_mut().unwrap().remove("uuid");
    assert!(!validator.is_valid(&fixture));
}
