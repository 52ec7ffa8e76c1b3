//! The build's checks of a handler's `Query<T>`, `Json<T>` and `Form<T>` against what its
//! route declares in `query` and `body`, one sentence per disagreement.

use serde_json::Value;

use super::build::fits;
use crate::extract::{BodyExtractor, FieldShape, Kind};
use crate::spec::{BodyKind, Route};

/// How a handler's `Query<T>` disagrees with the route's `query`.
pub(super) fn query(fields: &[FieldShape], route: &Route) -> Vec<String> {
    let mut problems = Vec::new();
    for field in fields {
        let name = &field.name;
        let Some(param) = route.query().iter().find(|p| p.name == *name) else {
            problems.push(format!(
                "its `Query` takes `{name}`, which the route's `query` does not declare"
            ));
            continue;
        };
        if !fits(field.kind, &param.ty) {
            problems.push(format!(
                "its `Query` takes `{name}` as `{}` but the routes file declares `{}`",
                field.kind.declared(),
                param.ty
            ));
        }
        if field.repeated && !param.repeated {
            problems.push(format!(
                "its `Query` takes `{name}` as a list, but the route's `query` does not say `repeated = true`"
            ));
        } else if param.repeated && !field.repeated {
            problems.push(format!(
                "the route's `query` says `{name}` is `repeated`, but its `Query` takes one value: take a `Vec`"
            ));
        } else if !param.repeated && !field.optional && !param.required && param.default.is_none() {
            problems.push(format!(
                "its `Query` takes `{name}` as always present, but the route's `query` makes it optional without a default: take an `Option`, or declare it `required` or with a `default`"
            ));
        }
    }
    problems
}

/// How a handler's body extractor disagrees with the route's `body`, and with the fields of
/// its JSON Schema where both can be read.
pub(super) fn body(extractor: &BodyExtractor, route: &Route) -> Vec<String> {
    let Some(body) = route.body() else {
        return Vec::new();
    };
    let name = extractor.name;
    if extractor.kind != body.kind {
        return vec![format!(
            "its `{name}` reads a {} body, but the route declares `body = \"{}\"`",
            extractor.kind.name(),
            body.kind.name()
        )];
    }
    match (&extractor.fields, &body.schema) {
        (Some(fields), Some(schema)) if body.kind == BodyKind::Json => {
            schema_fields(name, fields, &schema.document)
        }
        _ => Vec::new(),
    }
}

/// The fields of a `Json<T>` against the `properties` and `required` of an object schema.
fn schema_fields(name: &str, fields: &[FieldShape], schema: &Value) -> Vec<String> {
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut problems = Vec::new();
    for field in fields {
        let field_name = field.name.as_str();
        let Some(property) = properties.get(field_name) else {
            problems.push(format!(
                "its `{name}` takes `{field_name}`, which the body's schema does not describe"
            ));
            continue;
        };
        if !field.optional && !required.contains(&field_name) {
            problems.push(format!(
                "its `{name}` takes `{field_name}` as always present, but the schema does not require it: take an `Option`"
            ));
        }
        let declared = property.get("type").and_then(Value::as_str);
        let item = |property: &Value| {
            property
                .get("items")?
                .get("type")?
                .as_str()
                .map(str::to_owned)
        };
        let declared = match (field.repeated, declared) {
            (true, Some("array")) => item(property),
            (true, Some(other)) => {
                problems.push(format!(
                    "its `{name}` takes `{field_name}` as a list, but the schema says `{other}`"
                ));
                continue;
            }
            (true, None) => None,
            (false, declared) => declared.map(str::to_owned),
        };
        let fits = match (field.kind, declared.as_deref()) {
            (_, None) | (Kind::Unknown, _) => true,
            (Kind::Int, Some(ty)) => ty == "integer",
            (Kind::Float, Some(ty)) => ty == "number" || ty == "integer",
            (Kind::Bool, Some(ty)) => ty == "boolean",
            (Kind::Text | Kind::Uuid, Some(ty)) => ty == "string",
        };
        if !fits {
            problems.push(format!(
                "its `{name}` takes `{field_name}` as `{}`, but the schema says `{}`",
                field.kind.declared(),
                declared.unwrap_or_default()
            ));
        }
    }
    problems
}
