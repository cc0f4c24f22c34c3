//! The shape of a tool definition: one NeonPanel operation, its parameters
//! and how its result is summarised. Definitions are plain `static` data so
//! the catalog can grow to every NeonPanel operation without new code.

use rmcp::model::{JsonObject, Tool, ToolAnnotations};
use serde_json::{Value, json};

use crate::scope;

/// One MCP tool that calls one NeonPanel operation.
#[derive(Debug)]
pub struct ToolSpec {
    /// Tool name, fixed once published because prompts refer to it.
    pub name: &'static str,
    /// Human-readable title, also sent as the `title` annotation.
    pub title: &'static str,
    /// What the tool returns and when a model should call it.
    pub description: &'static str,
    /// HTTP method of the NeonPanel operation.
    pub method: HttpMethod,
    /// Path template with `{name}` placeholders, such as
    /// `/api/v1/companies/{companyUuid}/warehouses`.
    pub path: &'static str,
    /// Path and query parameters, in the order they are documented.
    pub params: &'static [ParamSpec],
    /// Whether the tool only reads NeonPanel data or changes it.
    pub access: Access,
    /// How a successful result is summarised in text.
    pub summary: Summary,
}

/// HTTP methods of NeonPanel operations. A `const`-friendly stand-in for
/// [`http::Method`], whose constructors are not usable in `static` data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HttpMethod {
    Get,
    Post,
    Put,
    Delete,
}

impl HttpMethod {
    /// The matching [`http::Method`].
    pub fn to_http(self) -> http::Method {
        match self {
            Self::Get => http::Method::GET,
            Self::Post => http::Method::POST,
            Self::Put => http::Method::PUT,
            Self::Delete => http::Method::DELETE,
        }
    }
}

/// Whether a tool reads or changes NeonPanel data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Reads only; calling it again changes nothing.
    Read,
    /// Creates, changes or deletes NeonPanel data.
    Write,
}

impl Access {
    /// The OAuth scope a caller needs for a tool with this access.
    pub fn required_scope(self) -> &'static str {
        match self {
            Self::Read => scope::READ,
            Self::Write => scope::WRITE,
        }
    }
}

/// Where a parameter goes in the NeonPanel request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// Replaces `{name}` in the path template, percent-encoded.
    Path,
    /// Appended to the query string.
    Query,
}

/// The JSON type and constraints of a parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    /// A string, with optional length limits in characters.
    String {
        min_length: Option<u32>,
        max_length: Option<u32>,
    },
    /// An integer, with optional inclusive bounds and NeonPanel's default.
    Integer {
        minimum: Option<i64>,
        maximum: Option<i64>,
        default: Option<i64>,
    },
    /// A calendar date written `YYYY-MM-DD`.
    Date,
    /// One string out of a fixed set, with NeonPanel's default.
    Enum {
        values: &'static [&'static str],
        default: Option<&'static str>,
    },
    /// A list of strings, sent as the parameter repeated once per item.
    /// `values` restricts the items when set.
    StringList {
        values: Option<&'static [&'static str]>,
    },
}

/// One parameter of a NeonPanel operation, exposed as one tool argument of
/// the same name.
#[derive(Debug)]
pub struct ParamSpec {
    /// Argument name, equal to NeonPanel's parameter name.
    pub name: &'static str,
    /// Where the value goes in the request.
    pub location: Location,
    /// JSON type and constraints.
    pub kind: ParamKind,
    /// Whether the caller must supply it. Path parameters always are.
    pub required: bool,
    /// What the value means and where a model can find one.
    pub description: &'static str,
}

/// How a successful result is described in the text content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Summary {
    /// Counts the `data` array, adding the page when the body is paginated:
    /// "12 inventory items (page 1 of 3)".
    Records {
        singular: &'static str,
        plural: &'static str,
    },
    /// Describes one inventory item and its per-warehouse balances.
    InventoryBalances,
}

impl ToolSpec {
    /// Builds the MCP tool definition advertised in `tools/list`.
    pub fn to_tool(&self) -> Tool {
        let read_only = self.access == Access::Read;
        // Every NeonPanel operation acts on the seller's own account, a
        // closed domain, so openWorldHint is false for all of them.
        let annotations = ToolAnnotations::with_title(self.title)
            .read_only(read_only)
            .destructive(!read_only && self.method == HttpMethod::Delete)
            .idempotent(self.method != HttpMethod::Post)
            .open_world(false);
        let mut tool = Tool::new(self.name, self.description, self.input_schema());
        tool.title = Some(self.title.to_owned());
        tool.annotations = Some(annotations);
        tool
    }

    /// Builds the JSON Schema (draft 2020-12) of the tool's arguments.
    pub fn input_schema(&self) -> JsonObject {
        let mut properties = JsonObject::new();
        for param in self.params {
            properties.insert(param.name.to_owned(), param.schema());
        }
        let required: Vec<&str> = self
            .params
            .iter()
            .filter(|param| param.required)
            .map(|param| param.name)
            .collect();

        let mut schema = JsonObject::new();
        schema.insert("type".into(), json!("object"));
        schema.insert("properties".into(), Value::Object(properties));
        if !required.is_empty() {
            schema.insert("required".into(), json!(required));
        }
        schema.insert("additionalProperties".into(), json!(false));
        schema
    }

    /// Finds a parameter by argument name.
    pub fn param(&self, name: &str) -> Option<&ParamSpec> {
        self.params.iter().find(|param| param.name == name)
    }
}

impl ParamSpec {
    /// Builds the JSON Schema of this argument.
    fn schema(&self) -> Value {
        let mut schema = match self.kind {
            ParamKind::String {
                min_length,
                max_length,
            } => {
                let mut schema = json!({ "type": "string" });
                if let Some(min_length) = min_length {
                    schema["minLength"] = json!(min_length);
                }
                if let Some(max_length) = max_length {
                    schema["maxLength"] = json!(max_length);
                }
                schema
            }
            ParamKind::Integer {
                minimum,
                maximum,
                default,
            } => {
                let mut schema = json!({ "type": "integer" });
                if let Some(minimum) = minimum {
                    schema["minimum"] = json!(minimum);
                }
                if let Some(maximum) = maximum {
                    schema["maximum"] = json!(maximum);
                }
                if let Some(default) = default {
                    schema["default"] = json!(default);
                }
                schema
            }
            ParamKind::Date => json!({
                "type": "string",
                "format": "date",
                "pattern": DATE_PATTERN,
            }),
            ParamKind::Enum { values, default } => {
                let mut schema = json!({ "type": "string", "enum": values });
                if let Some(default) = default {
                    schema["default"] = json!(default);
                }
                schema
            }
            ParamKind::StringList { values } => {
                let items = match values {
                    Some(values) => json!({ "type": "string", "enum": values }),
                    None => json!({ "type": "string" }),
                };
                json!({ "type": "array", "items": items })
            }
        };
        schema["description"] = json!(self.description);
        schema
    }
}

/// `YYYY-MM-DD`, as the `pattern` of date arguments.
pub const DATE_PATTERN: &str = r"^\d{4}-\d{2}-\d{2}$";
