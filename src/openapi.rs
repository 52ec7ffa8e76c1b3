//! The route table as an OpenAPI 3 document, for API Gateway imports and API tooling.

use serde_json::{Map, Value, json};

use crate::router::{ParamType, ParamValue};
use crate::spec::{ErrorStyle, QueryParam, RouteTable};

/// The OpenAPI names of the methods, in the order `Allow` lists them.
const METHODS: [&str; 7] = ["get", "head", "post", "put", "patch", "delete", "options"];

fn schema(ty: &ParamType) -> Value {
    match ty {
        ParamType::Int => json!({ "type": "integer", "format": "int64" }),
        ParamType::Float => json!({ "type": "number", "format": "double" }),
        ParamType::Bool => json!({ "type": "boolean" }),
        ParamType::Uuid => json!({ "type": "string", "format": "uuid" }),
        ParamType::Regex(pattern) => {
            json!({ "type": "string", "pattern": format!("^(?:{pattern})$") })
        }
        ParamType::Custom(name) => json!({ "type": "string", "x-minik-type": name }),
        ParamType::Str | ParamType::Path => json!({ "type": "string" }),
    }
}

/// The schema of a declared query parameter: its type's, a list of them if repeated, with its
/// default.
fn query_schema(param: &QueryParam) -> Value {
    let mut value = schema(&param.ty);
    if let Some(default) = &param.default {
        value["default"] = match default {
            ParamValue::Int(i) => json!(i),
            ParamValue::Float(x) => json!(x),
            ParamValue::Bool(b) => json!(b),
            other => json!(other.to_text()),
        };
    }
    if param.repeated {
        json!({ "type": "array", "items": value })
    } else {
        value
    }
}

/// A JSON Schema file as an OpenAPI 3.0 schema object: the keywords OpenAPI does not take at
/// the top of one (`$schema`, `$id`) are left out.
fn component(document: &Value) -> Value {
    let mut component = document.clone();
    if let Some(object) = component.as_object_mut() {
        object.remove("$schema");
        object.remove("$id");
    }
    component
}

/// A name for a schema file under `components/schemas`: its file name without extension, in
/// the characters OpenAPI allows there.
fn component_name(file: &str) -> String {
    let stem = std::path::Path::new(file).file_stem().map_or_else(
        || file.to_owned(),
        |stem| stem.to_string_lossy().into_owned(),
    );
    let name: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() {
        "body".to_owned()
    } else {
        name
    }
}

impl RouteTable {
    /// The routes as an OpenAPI 3.0 document: one operation per route and method, named by
    /// its handler, with the path parameters' types (regexes as `pattern`).
    ///
    /// With `aws_integration` (a Lambda function ARN, or the full `arn:aws:apigateway:...`
    /// invocation URI), each operation carries an `x-amazon-apigateway-integration` of type
    /// `aws_proxy`, and routes that accept every method become
    /// `x-amazon-apigateway-any-method`, so that API Gateway can import the document as is.
    ///
    /// # Examples
    ///
    /// ```
    /// let table = minik::RouteTable::from_file("routes.example.toml")?;
    /// let document = table.openapi("minik example", None);
    /// let year = &document["paths"]["/articles/{author}/{year}"]["get"]["parameters"][1];
    /// assert_eq!(year["schema"]["type"], "integer");
    /// # Ok::<(), minik::Diagnostics>(())
    /// ```
    pub fn openapi(&self, title: &str, aws_integration: Option<&str>) -> Value {
        let mut paths = Map::new();
        let mut schemas = Map::new();
        let errors = ErrorDocs::of(self.settings.errors);
        let mut used_ids: Vec<String> = Vec::new();
        for route in self.routes() {
            // OpenAPI has no greedy parameter: a plain document writes `{proxy}`. API Gateway
            // writes `{proxy+}` and names the parameter `proxy`, and so does an AWS document,
            // whether the routes file wrote `{proxy+}` or `{proxy}` with `proxy = "path"`.
            let mut template = route.template().trim_end_matches('/').to_owned();
            for (name, ty) in route.params() {
                if *ty == ParamType::Path {
                    let greedy = if aws_integration.is_some() {
                        format!("{{{name}+}}")
                    } else {
                        format!("{{{name}}}")
                    };
                    template = template.replace(&format!("{{{name}+}}"), &format!("{{{name}}}"));
                    template = template.replace(&format!("{{{name}}}"), &greedy);
                }
            }
            if template.is_empty() {
                template.push('/');
            }
            let mut parameters: Vec<Value> = route
                .params()
                .iter()
                .map(|(name, ty)| json!({ "name": name, "in": "path", "required": true, "schema": schema(ty) }))
                .collect();
            for param in route.query() {
                let mut parameter = json!({
                    "name": param.name,
                    "in": "query",
                    "required": param.required,
                    "schema": query_schema(param),
                });
                if param.repeated {
                    parameter["style"] = json!("form");
                    parameter["explode"] = json!(true);
                }
                parameters.push(parameter);
            }
            let request_body = route.body().map(|body| {
                let media = match &body.schema {
                    Some(schema) => {
                        let mut name = component_name(&schema.file);
                        let mut n = 2;
                        while schemas
                            .get(&name)
                            .is_some_and(|known| *known != component(&schema.document))
                        {
                            name = format!("{}_{n}", component_name(&schema.file));
                            n += 1;
                        }
                        schemas.insert(name.clone(), component(&schema.document));
                        json!({ "schema": { "$ref": format!("#/components/schemas/{name}") } })
                    }
                    None => json!({}),
                };
                json!({ "required": body.required, "content": { body.kind.media_type(): media } })
            });
            let mut responses = json!({ "default": { "description": "The handler's response" } });
            let error = |description: &str| json!({ "description": description, "content": { errors.media_type: { "schema": { "$ref": "#/components/schemas/Error" } } } });
            if !route.query().is_empty() || route.body().is_some_and(|b| b.required) {
                responses["400"] =
                    error("A query parameter or the body does not fit what the route declares");
            }
            let typed = |ty: &ParamType| !matches!(ty, ParamType::Str | ParamType::Path);
            if route.params().iter().any(|(_, ty)| typed(ty)) {
                responses["404"] = error("A path parameter does not parse as its declared type");
            }
            if route.methods().is_some() {
                responses["405"] = error("The method is not one the path's routes accept");
            }
            if route.body().is_some() {
                responses["413"] = error("The body is larger than the route accepts");
                responses["415"] = error("The body's Content-Type is not the declared kind");
            }
            if route.body().is_some_and(|b| b.schema.is_some()) {
                responses["422"] = error("The body does not fit its JSON Schema");
            }
            let methods: Vec<&str> = match route.methods() {
                Some(methods) => METHODS
                    .iter()
                    .copied()
                    .filter(|m| methods.iter().any(|x| x.as_str().eq_ignore_ascii_case(m)))
                    .collect(),
                None if aws_integration.is_some() => vec!["x-amazon-apigateway-any-method"],
                None => METHODS.to_vec(),
            };
            let item = paths.entry(template).or_insert_with(|| json!({}));
            for method in methods {
                let mut id = route.handler().to_owned();
                if used_ids.contains(&id) {
                    id = format!(
                        "{}_{}",
                        route.handler(),
                        method.trim_start_matches("x-amazon-apigateway-")
                    );
                }
                let mut n = 2;
                while used_ids.contains(&id) {
                    id = format!("{}_{n}", route.handler());
                    n += 1;
                }
                used_ids.push(id.clone());
                let mut operation = json!({ "operationId": id, "responses": responses });
                if !parameters.is_empty() {
                    operation["parameters"] = Value::Array(parameters.clone());
                }
                // OpenAPI 3.0 has no body for GET, HEAD and DELETE.
                if let Some(body) = &request_body {
                    if !matches!(method, "get" | "head" | "delete") {
                        operation["requestBody"] = body.clone();
                    }
                }
                if let Some(arn) = aws_integration {
                    operation["x-amazon-apigateway-integration"] = integration(arn);
                }
                item[method] = operation;
            }
        }
        schemas.insert("Error".to_owned(), errors.schema);
        json!({
            "openapi": "3.0.1",
            "info": { "title": title, "version": "1.0.0" },
            "paths": paths,
            "components": { "schemas": schemas },
        })
    }
}

/// How the app's error answers are documented: one schema for all of them.
struct ErrorDocs {
    media_type: &'static str,
    schema: Value,
}

impl ErrorDocs {
    fn of(style: ErrorStyle) -> Self {
        let field_errors = json!({
            "type": "array",
            "items": {
                "type": "object",
                "required": ["in", "name", "message"],
                "properties": {
                    "in": { "type": "string", "enum": ["query", "path", "header", "body"] },
                    "name": { "type": "string" },
                    "message": { "type": "string" },
                },
            },
        });
        match style {
            ErrorStyle::Minik => ErrorDocs {
                media_type: "application/json",
                schema: json!({
                    "type": "object",
                    "required": ["error_message"],
                    "properties": {
                        "error_message": { "type": "string" },
                        "errors": field_errors,
                        "details": { "description": "A 500's error chain, in debug mode only" },
                    },
                }),
            },
            ErrorStyle::Problem => ErrorDocs {
                media_type: "application/problem+json",
                schema: json!({
                    "type": "object",
                    "description": "RFC 9457 problem details",
                    "required": ["type", "title", "status", "detail"],
                    "properties": {
                        "type": { "type": "string" },
                        "title": { "type": "string" },
                        "status": { "type": "integer" },
                        "detail": { "type": "string" },
                        "errors": field_errors,
                        "details": { "description": "A 500's error chain, in debug mode only" },
                    },
                }),
            },
        }
    }
}

/// The Lambda proxy integration of API Gateway's OpenAPI extensions.
fn integration(arn: &str) -> Value {
    let uri = if arn.starts_with("arn:aws:apigateway:") {
        arn.to_owned()
    } else {
        // arn:aws:lambda:REGION:ACCOUNT:function:NAME
        let region = arn.split(':').nth(3).unwrap_or("us-east-1");
        format!("arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations")
    };
    json!({ "type": "aws_proxy", "httpMethod": "POST", "uri": uri, "payloadFormatVersion": "1.0" })
}
