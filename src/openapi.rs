//! The route table as an OpenAPI 3 document, for API Gateway imports and API tooling.

use serde_json::{Map, Value, json};

use crate::router::ParamType;
use crate::spec::RouteTable;

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
        ParamType::Str | ParamType::Path => json!({ "type": "string" }),
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
            let parameters: Vec<Value> = route
                .params()
                .iter()
                .map(|(name, ty)| json!({ "name": name, "in": "path", "required": true, "schema": schema(ty) }))
                .collect();
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
                let mut operation = json!({
                    "operationId": id,
                    "responses": { "default": { "description": "The handler's response" } },
                });
                if !parameters.is_empty() {
                    operation["parameters"] = Value::Array(parameters.clone());
                }
                if let Some(arn) = aws_integration {
                    operation["x-amazon-apigateway-integration"] = integration(arn);
                }
                item[method] = operation;
            }
        }
        json!({
            "openapi": "3.0.1",
            "info": { "title": title, "version": "1.0.0" },
            "paths": paths,
        })
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
