//! Checks the JSON-RPC 2.0 envelope of a `/mcp` request body before rmcp
//! receives it (<https://www.jsonrpc.org/specification#error_object>).
//!
//! rmcp answers a body it cannot deserialize with 415 and a plain-text
//! message, and a `tools/call` whose `arguments` is not an object with
//! "method not found". Clients act on JSON-RPC error codes, so this module
//! answers those cases itself: -32700 for a body that is not JSON, -32600 for
//! JSON that is not one request object, and -32602 for parameters of the
//! wrong type.

use http::StatusCode;
use serde_json::{Value, json};

use crate::web::{self, Response};

/// JSON-RPC "parse error": the body is not JSON.
pub const PARSE_ERROR: i64 = -32700;
/// JSON-RPC "invalid request": the JSON is not a request object.
pub const INVALID_REQUEST: i64 = -32600;
/// JSON-RPC "invalid params".
pub const INVALID_PARAMS: i64 = -32602;

/// A request rejected with a JSON-RPC error instead of being passed to rmcp.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvelopeError {
    /// The request's `id`, or null when it could not be read.
    pub id: Value,
    /// The JSON-RPC error code.
    pub code: i64,
    /// The reason, for the client's developer.
    pub message: String,
}

impl EnvelopeError {
    /// Builds the JSON-RPC error response. It goes out with HTTP 400: the
    /// message could not be served at all, and the body gives the reason.
    pub fn into_response(self) -> Response {
        web::json(
            StatusCode::BAD_REQUEST,
            &json!({
                "jsonrpc": "2.0",
                "id": self.id,
                "error": { "code": self.code, "message": self.message },
            }),
        )
    }
}

/// Parses the body and checks its envelope. Returns the message.
pub fn check(body: &[u8]) -> Result<Value, EnvelopeError> {
    let message: Value = serde_json::from_slice(body).map_err(|error| {
        envelope_error(
            &Value::Null,
            PARSE_ERROR,
            &format!("the request body is not valid JSON: {error}"),
        )
    })?;

    let Some(object) = message.as_object() else {
        let reason = if message.is_array() {
            "JSON-RPC batches are not supported; send one request per HTTP POST"
        } else {
            "the request body must be a JSON-RPC object"
        };
        return Err(envelope_error(&Value::Null, INVALID_REQUEST, reason));
    };
    let id = object.get("id").cloned().unwrap_or(Value::Null);

    if object.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Err(envelope_error(
            &id,
            INVALID_REQUEST,
            "\"jsonrpc\" must be \"2.0\"",
        ));
    }
    if !object.contains_key("method")
        && !object.contains_key("result")
        && !object.contains_key("error")
    {
        return Err(envelope_error(
            &id,
            INVALID_REQUEST,
            "\"method\" is missing",
        ));
    }
    if object
        .get("method")
        .is_some_and(|method| !method.is_string())
    {
        return Err(envelope_error(
            &id,
            INVALID_REQUEST,
            "\"method\" must be a string",
        ));
    }
    if let Some(params) = object.get("params")
        && !params.is_object()
    {
        return Err(envelope_error(
            &id,
            INVALID_PARAMS,
            "\"params\" must be an object",
        ));
    }
    if object.get("method").and_then(Value::as_str) == Some("tools/call") {
        check_tool_call(&id, object.get("params"))?;
    }
    Ok(message)
}

/// Checks the parameter types of `tools/call`, which rmcp would otherwise
/// report as an unknown method.
fn check_tool_call(id: &Value, params: Option<&Value>) -> Result<(), EnvelopeError> {
    let Some(params) = params else {
        return Err(envelope_error(
            id,
            INVALID_PARAMS,
            "tools/call needs \"params\" with a tool \"name\"",
        ));
    };
    if !params["name"].is_string() {
        return Err(envelope_error(
            id,
            INVALID_PARAMS,
            "\"params.name\" must be the tool name as a string",
        ));
    }
    if let Some(arguments) = params.get("arguments")
        && !arguments.is_object()
        && !arguments.is_null()
    {
        return Err(envelope_error(
            id,
            INVALID_PARAMS,
            "\"params.arguments\" must be an object",
        ));
    }
    Ok(())
}

fn envelope_error(id: &Value, code: i64, message: &str) -> EnvelopeError {
    EnvelopeError {
        id: id.clone(),
        code,
        message: message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_code(body: &[u8]) -> i64 {
        let response = check(body).unwrap_err().into_response();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let body: Value = serde_json::from_slice(response.body()).unwrap();
        body["error"]["code"].as_i64().unwrap()
    }

    #[test]
    fn truncated_json_is_parse_error() {
        assert_eq!(error_code(br#"{"jsonrpc":"#), PARSE_ERROR);
        assert_eq!(error_code(b""), PARSE_ERROR);
    }

    #[test]
    fn non_object_bodies_are_invalid_requests() {
        for body in [
            &b"[]"[..],
            b"null",
            br#""x""#,
            br#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#,
        ] {
            assert_eq!(
                error_code(body),
                INVALID_REQUEST,
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn missing_jsonrpc_version_is_invalid_request() {
        assert_eq!(error_code(br#"{"id":1,"method":"ping"}"#), INVALID_REQUEST);
    }

    #[test]
    fn string_arguments_are_invalid_params() {
        let body = br#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"x","arguments":"str"}}"#;
        let error = check(body).unwrap_err();
        assert_eq!(error.code, INVALID_PARAMS);
        assert_eq!(error.id, 3);
    }

    #[test]
    fn client_responses_pass_without_method() {
        assert!(check(br#"{"jsonrpc":"2.0","id":9,"result":{}}"#).is_ok());
        let error = br#"{"jsonrpc":"2.0","id":1,"error":{"code":1,"message":"x"}}"#;
        assert!(check(error).is_ok());
    }

    #[test]
    fn well_formed_request_passes() {
        let body = br#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","arguments":{}}}"#;
        assert!(check(body).is_ok());
        assert!(check(br#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#).is_ok());
    }
}
