//! The shape of a tool definition: one NeonPanel operation, its parameters
//! and how its result is summarised. Definitions are plain `static` data so
//! the catalog covers every NeonPanel operation without per-tool code.

use rmcp::model::{JsonObject, MetaObject, Tool, ToolAnnotations};
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
    /// Path, query and body parameters, in the order they are documented.
    pub params: &'static [ParamSpec],
    /// How a successful result is summarised in text.
    pub summary: Summary,
    /// The stable shape of a successful result, advertised as `outputSchema`.
    pub output: Output,
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
    /// The scopes a caller needs for a tool with this access. Writing
    /// includes reading, so write tools ask for both.
    pub fn required_scopes(self) -> &'static [&'static str] {
        match self {
            Self::Read => &[scope::READ],
            Self::Write => &[scope::READ, scope::WRITE],
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
    /// A property of the JSON request body, or of an object nested in it.
    Body,
}

/// The JSON type and constraints of a parameter.
#[derive(Clone, Copy, Debug)]
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
    /// Any JSON number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// A calendar date written `YYYY-MM-DD`.
    Date,
    /// One string out of a fixed set, with NeonPanel's default.
    Enum {
        values: &'static [&'static str],
        default: Option<&'static str>,
    },
    /// A list of strings, sent as the query parameter repeated once per
    /// item. `values` restricts the items when set.
    StringList {
        values: Option<&'static [&'static str]>,
    },
    /// A list of integers, sent like [`ParamKind::StringList`].
    IntegerList,
    /// A company: its `uuid`, or its numeric `id`, which the toolbox
    /// resolves to the `uuid` before the call.
    Company,
    /// A JSON object with the given properties and no others.
    Object { fields: &'static [ParamSpec] },
    /// A JSON array of objects, each with the given properties.
    ObjectList { fields: &'static [ParamSpec] },
    /// A JSON object whose properties NeonPanel defines elsewhere (such as
    /// import documents, described by `import_get_instructions`).
    AnyObject,
}

/// One parameter of a NeonPanel operation, exposed as one tool argument of
/// the same name, or one property of a nested body object.
#[derive(Clone, Copy, Debug)]
pub struct ParamSpec {
    /// Argument name, equal to NeonPanel's parameter or property name.
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

impl ParamSpec {
    /// A path parameter; always required.
    pub const fn path(name: &'static str, kind: ParamKind, description: &'static str) -> Self {
        Self {
            name,
            location: Location::Path,
            kind,
            required: true,
            description,
        }
    }

    /// An optional query parameter.
    pub const fn query(name: &'static str, kind: ParamKind, description: &'static str) -> Self {
        Self {
            name,
            location: Location::Query,
            kind,
            required: false,
            description,
        }
    }

    /// An optional body property, at the top level or nested.
    pub const fn body(name: &'static str, kind: ParamKind, description: &'static str) -> Self {
        Self {
            name,
            location: Location::Body,
            kind,
            required: false,
            description,
        }
    }

    /// The same parameter, marked required.
    pub const fn required(self) -> Self {
        Self {
            required: true,
            ..self
        }
    }
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
    /// Counts the array under `key`: "14 permissions".
    Count {
        key: &'static str,
        singular: &'static str,
        plural: &'static str,
    },
    /// Names one record by its `id` and the first of its name-like fields:
    /// "bill 17 (REF-BILL-9)".
    Record { noun: &'static str },
    /// Describes one inventory item and its per-warehouse balances.
    InventoryBalances,
    /// Describes an import request by its `request_id` and `status`.
    Import,
    /// A fixed sentence, for results with nothing to count or name.
    Fixed(&'static str),
}

/// The stable shape of a successful result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    /// `data` array with `current_page`, `per_page` and `last_page`.
    Page,
    /// `data` array without pagination.
    List,
    /// A single object whose shape varies too much to promise.
    Object,
}

impl ToolSpec {
    /// Whether the tool only reads or changes NeonPanel data, as its HTTP
    /// method indicates.
    pub fn access(&self) -> Access {
        match self.method {
            HttpMethod::Get => Access::Read,
            HttpMethod::Post | HttpMethod::Put | HttpMethod::Delete => Access::Write,
        }
    }

    /// Builds the MCP tool definition advertised in `tools/list`.
    pub fn to_tool(&self) -> Tool {
        let mut tool = Tool::new(self.name, self.description, self.input_schema());
        tool.title = Some(self.title.to_owned());
        tool.annotations = Some(annotations(self.title, self.method));
        tool.meta = Some(security_meta(self.access()));
        tool.output_schema = self.output_schema().map(std::sync::Arc::new);
        tool
    }

    /// Builds the JSON Schema (draft 2020-12) of the tool's arguments.
    pub fn input_schema(&self) -> JsonObject {
        object_schema(self.params)
    }

    /// Builds the `outputSchema`, when the result has a stable shape.
    pub fn output_schema(&self) -> Option<JsonObject> {
        let schema = match self.output {
            Output::Page => json!({
                "type": "object",
                "properties": {
                    "data": { "type": "array" },
                    "current_page": { "type": "integer" },
                    "per_page": { "type": "integer" },
                    "last_page": { "type": "integer" },
                },
                "required": ["data"],
            }),
            Output::List => json!({
                "type": "object",
                "properties": { "data": { "type": "array" } },
                "required": ["data"],
            }),
            Output::Object => return None,
        };
        schema.as_object().cloned()
    }

    /// Finds a top-level parameter by argument name.
    pub fn param(&self, name: &str) -> Option<&ParamSpec> {
        self.params.iter().find(|param| param.name == name)
    }

    /// Whether the tool takes a `page` argument.
    pub fn is_paged(&self) -> bool {
        self.param("page").is_some()
    }
}

/// Builds the annotations every tool of `method` carries. Every NeonPanel
/// operation acts on the seller's own account, a closed domain, so
/// `openWorldHint` is false for all of them. Updates replace the fields and
/// line items they are given, so they count as destructive like deletes.
pub fn annotations(title: &str, method: HttpMethod) -> ToolAnnotations {
    let read_only = method == HttpMethod::Get;
    ToolAnnotations::with_title(title)
        .read_only(read_only)
        .destructive(matches!(method, HttpMethod::Put | HttpMethod::Delete))
        .idempotent(method != HttpMethod::Post)
        .open_world(false)
}

/// Builds the tool `_meta` that declares which OAuth scopes the tool needs,
/// in the `securitySchemes` form ChatGPT reads to ask the person for more
/// access before calling a write tool.
pub fn security_meta(access: Access) -> MetaObject {
    let mut meta = JsonObject::new();
    meta.insert(
        "securitySchemes".into(),
        json!([{ "type": "oauth2", "scopes": access.required_scopes() }]),
    );
    MetaObject(meta)
}

/// Builds the schema of an object with `params` as its properties.
fn object_schema(params: &[ParamSpec]) -> JsonObject {
    let mut properties = JsonObject::new();
    for param in params {
        properties.insert(param.name.to_owned(), param.schema());
    }
    let required: Vec<&str> = params
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

impl ParamSpec {
    /// Builds the JSON Schema of this argument.
    fn schema(&self) -> Value {
        let mut schema = kind_schema(self.kind);
        schema["description"] = json!(self.description);
        schema
    }
}

fn kind_schema(kind: ParamKind) -> Value {
    match kind {
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
        ParamKind::Number => json!({ "type": "number" }),
        ParamKind::Boolean => json!({ "type": "boolean" }),
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
        ParamKind::IntegerList => json!({ "type": "array", "items": { "type": "integer" } }),
        ParamKind::Company => json!({
            "type": ["string", "integer"],
            "minLength": 1,
            "minimum": 1,
        }),
        ParamKind::Object { fields } => Value::Object(object_schema(fields)),
        ParamKind::ObjectList { fields } => json!({
            "type": "array",
            "items": Value::Object(object_schema(fields)),
        }),
        ParamKind::AnyObject => json!({ "type": "object" }),
    }
}

/// `YYYY-MM-DD`, as the `pattern` of date arguments.
pub const DATE_PATTERN: &str = r"^\d{4}-\d{2}-\d{2}$";
