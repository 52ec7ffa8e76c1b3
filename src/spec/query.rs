//! A route's query parameters (`query` in the routes file): their types, whether each is
//! required or repeated, their defaults; and a request's query read against them.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

use super::Compiler;
use crate::config::{QueryDecl, RouteDecl, ScalarDecl};
use crate::diagnostic::DiagnosticKind;
use crate::error::{FieldError, HttpError};
use crate::request::QueryValues;
use crate::router::{Matcher, ParamType, ParamValue};

/// One declared query parameter.
#[derive(Debug, Clone)]
pub(crate) struct QueryParam {
    pub(crate) name: String,
    pub(crate) ty: ParamType,
    /// How a value is parsed; `None` for `str`, which takes any text.
    matcher: Option<Matcher>,
    pub(crate) required: bool,
    pub(crate) repeated: bool,
    pub(crate) default: Option<ParamValue<'static>>,
}

impl QueryParam {
    fn parse(&self, text: &str) -> Option<ParamValue<'static>> {
        match &self.matcher {
            None => Some(ParamValue::Str(Cow::Owned(text.to_owned()))),
            Some(matcher) => matcher
                .parse(&Cow::Borrowed(text))
                .map(ParamValue::into_owned),
        }
    }

    /// What a value must be, for messages: "an integer".
    fn expected(&self) -> String {
        match &self.ty {
            ParamType::Int => "an integer".to_owned(),
            ParamType::Float => "a number".to_owned(),
            ParamType::Bool => "`true` or `false`".to_owned(),
            ParamType::Uuid => "a UUID".to_owned(),
            ParamType::Regex(pattern) => format!("a value matching `{pattern}`"),
            other => format!("a `{other}`"),
        }
    }
}

/// Reads a request's query against the declared parameters: every value parsed as its type,
/// defaults where absent, or a 400 naming every parameter that does not fit.
pub(crate) fn read<'a>(
    params: &[QueryParam],
    pairs: impl Iterator<Item = (&'a str, &'a str)>,
) -> Result<QueryValues, HttpError> {
    let mut given: HashMap<&str, Vec<&str>> = HashMap::new();
    for (name, value) in pairs {
        if params.iter().any(|param| param.name == name) {
            given.entry(name).or_default().push(value);
        }
    }
    let mut values = Vec::with_capacity(params.len());
    let mut errors = Vec::new();
    for param in params {
        let texts = given.remove(param.name.as_str()).unwrap_or_default();
        let mut parsed = Vec::with_capacity(texts.len().max(1));
        if texts.is_empty() {
            if let Some(default) = &param.default {
                parsed.push(default.clone());
            } else if param.required {
                errors.push(FieldError::query(
                    &param.name,
                    "a required parameter is missing",
                ));
            }
        } else if texts.len() > 1 && !param.repeated {
            let message = format!("given {} times, but declared once", texts.len());
            errors.push(FieldError::query(&param.name, message));
        }
        for text in texts
            .iter()
            .take(if param.repeated { usize::MAX } else { 1 })
        {
            match param.parse(text) {
                Some(value) => parsed.push(value),
                None => {
                    let text: String = text.chars().take(64).collect();
                    let message = format!("expected {}, got `{text}`", param.expected());
                    errors.push(FieldError::query(&param.name, message));
                }
            }
        }
        values.push((param.name.clone(), parsed));
    }
    if errors.is_empty() {
        return Ok(values);
    }
    let message = match errors.len() {
        1 => "a query parameter is invalid".to_owned(),
        n => format!("{n} query parameters are invalid"),
    };
    Err(HttpError::bad_request(message).with_errors(errors))
}

impl Compiler<'_, '_> {
    /// The route's `query` table, compiled; a parameter with a mistake is reported and left out.
    pub(super) fn query(&mut self, decl: &RouteDecl<'_>) -> Vec<QueryParam> {
        decl.query
            .iter()
            .filter_map(|param| self.query_param(param))
            .collect()
    }

    fn query_param(&mut self, decl: &QueryDecl<'_>) -> Option<QueryParam> {
        let (ty, matcher) = self.resolve_type(&decl.ty, &decl.ty_span)?;
        if ty == ParamType::Path {
            let message =
                "`path` is the type of a greedy path parameter; a query parameter is `str`"
                    .to_owned();
            self.error(DiagnosticKind::InvalidValue, decl.ty_span.clone(), message);
            return None;
        }
        let mut param = QueryParam {
            name: decl.name.to_string(),
            ty,
            matcher,
            required: decl.required,
            repeated: decl.repeated,
            default: None,
        };
        if let Some((scalar, span)) = &decl.default {
            if decl.required {
                let message =
                    "a parameter with a `default` is never missing: drop `required` or `default`"
                        .to_owned();
                self.error(DiagnosticKind::InvalidValue, span.clone(), message);
                return None;
            }
            param.default = Some(self.default(&param, scalar, span)?);
        }
        Some(param)
    }

    /// A `default`, which must parse as the parameter's type.
    fn default(
        &mut self,
        param: &QueryParam,
        scalar: &ScalarDecl<'_>,
        span: &Range<usize>,
    ) -> Option<ParamValue<'static>> {
        let text = match scalar {
            ScalarDecl::String(text) => text.to_string(),
            ScalarDecl::Integer(Some(i)) => i.to_string(),
            ScalarDecl::Integer(None) => String::new(),
            ScalarDecl::Float(x) => x.to_string(),
            ScalarDecl::Boolean(b) => b.to_string(),
        };
        let value = param.parse(&text);
        if value.is_none() {
            let message = format!(
                "the default of `{}` is not of its type `{}`: expected {}",
                param.name,
                param.ty,
                param.expected()
            );
            self.error(DiagnosticKind::InvalidValue, span.clone(), message);
        }
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn param(name: &str, ty: ParamType, matcher: Option<Matcher>) -> QueryParam {
        QueryParam {
            name: name.to_owned(),
            ty,
            matcher,
            required: false,
            repeated: false,
            default: None,
        }
    }

    #[test]
    fn every_parameter_that_does_not_fit_is_named() {
        let mut limit = param("limit", ParamType::Int, Some(Matcher::Int));
        limit.default = Some(ParamValue::Int(10));
        let mut q = param("q", ParamType::Str, None);
        q.required = true;
        let mut tag = param("tag", ParamType::Str, None);
        tag.repeated = true;
        let done = param("done", ParamType::Bool, Some(Matcher::Bool));
        let params = [limit, q, tag, done];

        let ok = read(
            &params,
            [("q", "milk"), ("tag", "a"), ("tag", "b"), ("x", "1")].into_iter(),
        );
        let ok = ok.unwrap();
        assert_eq!(ok[0], ("limit".to_owned(), vec![ParamValue::Int(10)]));
        assert_eq!(ok[2].1.len(), 2);
        assert_eq!(ok[3].1, vec![]);

        let error = read(
            &params,
            [("limit", "ten"), ("done", "yes"), ("done", "no")].into_iter(),
        );
        let error = error.unwrap_err();
        assert_eq!(error.status(), 400);
        let named: Vec<(&str, &str)> = error
            .errors()
            .iter()
            .map(|e| (e.name(), e.message()))
            .collect();
        assert_eq!(
            named,
            [
                ("limit", "expected an integer, got `ten`"),
                ("q", "a required parameter is missing"),
                ("done", "given 2 times, but declared once"),
                ("done", "expected `true` or `false`, got `yes`"),
            ]
        );
    }
}
