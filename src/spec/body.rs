//! A route's request body (`body` in the routes file): its kind, whether it is required, and
//! for JSON an optional JSON Schema; and a request's body checked against them.
//!
//! Design note: the schema file is read and compiled when the app is built (and by `minik
//! check`), never per request; a request's JSON is validated by `boon`, a JSON Schema crate
//! (drafts 4 to 2020-12), behind minik's `json-schema` feature so that apps without schemas do
//! not carry it. A route that names a schema in a build without the feature is a build error,
//! never a schema silently not enforced.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use http::StatusCode;
use serde_json::Value;

use super::Compiler;
use crate::config::{BodyDecl, Located};
use crate::diagnostic::{DiagnosticKind, list, suggestion};
#[cfg(feature = "json-schema")]
use crate::error::FieldError;
use crate::error::HttpError;

/// What kind of body a route takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyKind {
    Json,
    Form,
    Text,
    Binary,
}

const KINDS: &[&str] = &["json", "form", "text", "binary"];

impl BodyKind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            BodyKind::Json => "json",
            BodyKind::Form => "form",
            BodyKind::Text => "text",
            BodyKind::Binary => "binary",
        }
    }

    /// The media type a body of this kind is sent as, for OpenAPI and messages.
    pub(crate) fn media_type(self) -> &'static str {
        match self {
            BodyKind::Json => "application/json",
            BodyKind::Form => "application/x-www-form-urlencoded",
            BodyKind::Text => "text/plain",
            BodyKind::Binary => "application/octet-stream",
        }
    }

    /// Whether a request's `Content-Type` fits: JSON is `application/json` or any `+json`
    /// type; a form is `application/x-www-form-urlencoded`; text is any `text/` type; binary is
    /// anything. Parameters and case are ignored.
    fn fits(self, content_type: &str) -> bool {
        let essence = content_type.split(';').next().unwrap_or_default().trim();
        match self {
            BodyKind::Json => is_json(content_type),
            BodyKind::Form => essence.eq_ignore_ascii_case("application/x-www-form-urlencoded"),
            BodyKind::Text => essence
                .get(..5)
                .is_some_and(|t| t.eq_ignore_ascii_case("text/")),
            BodyKind::Binary => true,
        }
    }
}

/// Whether a `Content-Type` is JSON: `application/json` or a `+json` type (such as
/// `application/merge-patch+json`), in any case, with any parameters.
pub(crate) fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
        || essence
            .get(essence.len().saturating_sub(5)..)
            .is_some_and(|suffix| suffix.eq_ignore_ascii_case("+json"))
}

/// A JSON Schema file, compiled.
pub(crate) struct JsonSchema {
    /// The file as the routes file names it.
    pub(crate) file: String,
    /// Its content, for OpenAPI.
    pub(crate) document: Value,
    #[cfg(feature = "json-schema")]
    compiled: (boon::Schemas, boon::SchemaIndex),
}

impl std::fmt::Debug for JsonSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonSchema")
            .field("file", &self.file)
            .finish_non_exhaustive()
    }
}

/// A route's declared body.
#[derive(Debug, Clone)]
pub(crate) struct BodySpec {
    pub(crate) kind: BodyKind,
    pub(crate) required: bool,
    pub(crate) schema: Option<Arc<JsonSchema>>,
}

impl BodySpec {
    /// Checks a request's body: present if required (400), of the declared kind by its
    /// `Content-Type` (415; a request without one is taken at its word), valid against the
    /// schema (422, every violation named by its JSON pointer).
    pub(crate) fn check(&self, content_type: Option<&str>, body: &[u8]) -> Result<(), HttpError> {
        if body.is_empty() {
            return match self.required {
                true => Err(HttpError::bad_request("a request body is required")),
                false => Ok(()),
            };
        }
        if let Some(content_type) = content_type.filter(|t| !self.kind.fits(t)) {
            let message = format!(
                "expected a {} body (Content-Type: {}), not `{content_type}`",
                self.kind.name(),
                self.kind.media_type()
            );
            return Err(HttpError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, message));
        }
        match &self.schema {
            Some(schema) => schema.validate(body),
            None => Ok(()),
        }
    }
}

impl JsonSchema {
    #[cfg(feature = "json-schema")]
    fn validate(&self, body: &[u8]) -> Result<(), HttpError> {
        let instance: Value = serde_json::from_slice(body)
            .map_err(|error| HttpError::bad_request(format!("invalid JSON body: {error}")))?;
        let (schemas, index) = &self.compiled;
        let Err(error) = schemas.validate(&instance, *index) else {
            return Ok(());
        };
        let mut errors = Vec::new();
        collect_leaves(&error, &mut errors);
        let message = match errors.len() {
            1 => "the body does not fit its schema".to_owned(),
            n => format!("the body does not fit its schema: {n} errors"),
        };
        Err(HttpError::unprocessable(message).with_errors(errors))
    }

    #[cfg(not(feature = "json-schema"))]
    fn validate(&self, _: &[u8]) -> Result<(), HttpError> {
        // Unreachable: a schema is refused at build time without the feature.
        Ok(())
    }
}

/// The violations at the leaves of a validation error, each at its JSON pointer.
#[cfg(feature = "json-schema")]
fn collect_leaves(error: &boon::ValidationError<'_, '_>, errors: &mut Vec<FieldError>) {
    if error.causes.is_empty() {
        let pointer = error.instance_location.to_string();
        errors.push(FieldError::body(pointer, error.kind.to_string()));
    }
    for cause in &error.causes {
        collect_leaves(cause, errors);
    }
}

/// The largest schema file read.
const MAX_SCHEMA_BYTES: u64 = 1 << 20;

impl Compiler<'_, '_> {
    /// The route's `body`, compiled; `None` when it declares none or has a mistake (reported).
    pub(super) fn body(
        &mut self,
        decl: &BodyDecl<'_>,
        schemas: &mut HashMap<PathBuf, Arc<JsonSchema>>,
    ) -> Option<BodySpec> {
        let kind = match decl.kind.value.as_ref() {
            "json" => BodyKind::Json,
            "form" => BodyKind::Form,
            "text" => BodyKind::Text,
            "binary" => BodyKind::Binary,
            other => {
                let mut message = format!("unknown body kind `{other}`");
                let expected = || format!(", expected {}", list(KINDS));
                message.push_str(&suggestion(other, KINDS).unwrap_or_else(expected));
                self.error(
                    DiagnosticKind::InvalidValue,
                    decl.kind.span.clone(),
                    message,
                );
                return None;
            }
        };
        let schema = match &decl.schema {
            None => None,
            Some(file) if kind != BodyKind::Json => {
                let message = format!(
                    "a JSON Schema describes a JSON body, and this one is `{}`",
                    kind.name()
                );
                self.error(DiagnosticKind::InvalidSchema, file.span.clone(), message);
                return None;
            }
            Some(file) => Some(self.schema(file, schemas)?),
        };
        Some(BodySpec {
            kind,
            required: decl.required,
            schema,
        })
    }

    /// A schema file, relative to the routes file, read and compiled once however many routes
    /// name it.
    fn schema(
        &mut self,
        file: &Located<'_>,
        schemas: &mut HashMap<PathBuf, Arc<JsonSchema>>,
    ) -> Option<Arc<JsonSchema>> {
        let base = Path::new(&self.source.name)
            .parent()
            .unwrap_or(Path::new(""));
        let path = base.join(file.value.as_ref());
        if let Some(schema) = schemas.get(&path) {
            return Some(Arc::clone(schema));
        }
        let problem = |compiler: &mut Self, message: String| {
            compiler.error(DiagnosticKind::InvalidSchema, file.span.clone(), message);
            None
        };
        let shown = path.display();
        let text = match self.types.schemas.get(file.value.as_ref()) {
            // Embedded in the binary with `AppBuilder::schema`.
            Some(text) => Ok(text.clone()),
            None => match std::fs::metadata(&path) {
                Ok(meta) if meta.len() > MAX_SCHEMA_BYTES => {
                    let message = format!("the schema file `{shown}` is larger than 1 MiB");
                    return problem(self, message);
                }
                Ok(_) => std::fs::read_to_string(&path),
                Err(error) => Err(error),
            },
        };
        let text = match text {
            Ok(text) => text,
            Err(error) => {
                let message = format!(
                    "cannot read the schema file `{shown}`: {error} (an app that embeds its routes file can embed its schemas too, with `.schema(\"{}\", include_str!(..))`)",
                    file.value
                );
                return problem(self, message);
            }
        };
        let document: Value = match serde_json::from_str(&text) {
            Ok(document) => document,
            Err(error) => {
                return problem(
                    self,
                    format!("the schema file `{shown}` is not JSON: {error}"),
                );
            }
        };
        #[cfg_attr(not(feature = "json-schema"), allow(clippy::let_unit_value))]
        let compiled = match compile_schema(&path, &document) {
            Ok(compiled) => compiled,
            Err(message) => return problem(self, format!("the schema file `{shown}` {message}")),
        };
        #[cfg(not(feature = "json-schema"))]
        let () = compiled;
        let schema = Arc::new(JsonSchema {
            file: file.value.to_string(),
            document,
            #[cfg(feature = "json-schema")]
            compiled,
        });
        schemas.insert(path, Arc::clone(&schema));
        Some(schema)
    }
}

#[cfg(feature = "json-schema")]
fn compile_schema(
    path: &Path,
    document: &Value,
) -> Result<(boon::Schemas, boon::SchemaIndex), String> {
    let absolute = std::path::absolute(path).map_err(|e| format!("has no absolute path: {e}"))?;
    let location = absolute.to_string_lossy().into_owned();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler
        .add_resource(&location, document.clone())
        .map_err(|error| format!("is not a valid JSON Schema: {error}"))?;
    let index = compiler
        .compile(&location, &mut schemas)
        .map_err(|error| format!("is not a valid JSON Schema: {error}"))?;
    Ok((schemas, index))
}

#[cfg(not(feature = "json-schema"))]
fn compile_schema(_: &Path, _: &Value) -> Result<(), String> {
    Err("cannot be enforced: validating bodies against a JSON Schema needs minik's `json-schema` feature (`minik = { version = \"0.1\", features = [\"json-schema\"] }`)".to_owned())
}
