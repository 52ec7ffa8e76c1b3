//! CORS, declared in the routes file: `[app.cors]` for every route, `cors` on a route to
//! override it or turn it off (`cors = false`).
//!
//! Design note: the browser's rules decide everything here. A response carries
//! `Access-Control-Allow-Origin` only for an origin the policy allows (an origin it does not
//! allow gets no CORS header, and the browser blocks the response); `*` is never sent with
//! credentials (browsers refuse it), so a policy allowing any origin with credentials echoes
//! the origin instead; and `Vary: Origin` is added whenever the answer depends on the origin.
//! Preflight requests (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) are
//! answered by minik with the policy of the route that takes the requested method, unless the
//! route the `OPTIONS` request reaches lists `OPTIONS` itself.

use std::ops::Range;
use std::sync::Arc;

use http::header::{self, HeaderName, HeaderValue};
use http::{HeaderMap, Method, StatusCode};

use crate::config::{CorsDecl, Located};
use crate::diagnostic::{Diagnostic, DiagnosticKind, SourceFile};
use crate::response::{Body, Response};
use crate::router::MethodSet;

/// A compiled CORS policy.
#[derive(Debug)]
pub(crate) struct Cors {
    /// `None`: any origin (`"*"`).
    origins: Option<Vec<String>>,
    methods: Option<HeaderValue>,
    headers: Option<HeaderValue>,
    expose: Option<HeaderValue>,
    credentials: bool,
    max_age: Option<HeaderValue>,
}

/// The CORS policy of one route.
#[derive(Debug, Clone, Default)]
pub(crate) enum RouteCors {
    /// The app's policy, if any.
    #[default]
    Inherit,
    /// `cors = false`.
    Off,
    Own(Arc<Cors>),
}

impl RouteCors {
    pub(crate) fn resolve<'a>(&'a self, app: Option<&'a Arc<Cors>>) -> Option<&'a Arc<Cors>> {
        match self {
            RouteCors::Inherit => app,
            RouteCors::Off => None,
            RouteCors::Own(cors) => Some(cors),
        }
    }
}

fn join(values: &[Located<'_>]) -> String {
    values
        .iter()
        .map(|v| v.value.as_ref())
        .collect::<Vec<_>>()
        .join(", ")
}

impl Cors {
    /// Checks a declaration; every problem is pushed to `diagnostics`.
    pub(crate) fn compile(
        decl: &CorsDecl<'_>,
        source: &Arc<SourceFile>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> RouteCors {
        if decl.disabled {
            return RouteCors::Off;
        }
        let before = diagnostics.len();
        let mut error = |span: Range<usize>, message: String| {
            diagnostics.push(Diagnostic::at(
                DiagnosticKind::InvalidValue,
                source,
                span,
                message,
            ));
        };
        let origins = decl.allow_origins.as_deref().unwrap_or_default();
        let any = origins.iter().any(|o| o.value == "*");
        for origin in origins.iter().filter(|o| o.value != "*") {
            let valid = ["https://", "http://"].iter().any(|scheme| {
                origin
                    .value
                    .strip_prefix(scheme)
                    .is_some_and(|host| !host.is_empty() && !host.contains('/'))
            });
            if !valid {
                let message = format!(
                    "`{}` is not an origin, write `\"*\"` or a scheme and host such as `\"https://example.com\"`",
                    origin.value
                );
                error(origin.span.clone(), message);
            }
        }
        if any && decl.allow_credentials {
            if let Some(star) = origins.iter().find(|o| o.value == "*") {
                let message =
                    "browsers refuse `*` with credentials: list the allowed origins".to_owned();
                error(star.span.clone(), message);
            }
        }
        if decl.allow_origins.is_none() {
            error(
                decl.span.clone(),
                "missing key `allow_origins` in the CORS table".to_owned(),
            );
        }
        for method in decl.allow_methods.iter().flatten() {
            if MethodSet::parse_one(&method.value).is_none() {
                error(
                    method.span.clone(),
                    format!("unknown method `{}`", method.value),
                );
            }
        }
        for name in decl
            .allow_headers
            .iter()
            .chain(&decl.expose_headers)
            .flatten()
        {
            if name.value != "*" && HeaderName::from_bytes(name.value.as_bytes()).is_err() {
                error(
                    name.span.clone(),
                    format!("`{}` is not a valid header name", name.value),
                );
            }
        }
        if let Some((seconds, span)) = &decl.max_age {
            if !(0..=86_400).contains(seconds) {
                error(
                    span.clone(),
                    "`max_age` is a number of seconds from 0 to 86400".to_owned(),
                );
            }
        }
        if diagnostics.len() > before {
            return RouteCors::Inherit;
        }
        let value = |list: &Option<Vec<Located<'_>>>| {
            list.as_deref()
                .and_then(|l| HeaderValue::from_str(&join(l)).ok())
        };
        let methods = decl.allow_methods.as_deref().map(|methods| {
            let upper: Vec<String> = methods
                .iter()
                .map(|m| m.value.to_ascii_uppercase())
                .collect();
            HeaderValue::from_str(&upper.join(", ")).unwrap_or(HeaderValue::from_static(""))
        });
        RouteCors::Own(Arc::new(Cors {
            origins: (!any).then(|| origins.iter().map(|o| o.value.to_string()).collect()),
            methods,
            headers: value(&decl.allow_headers),
            expose: value(&decl.expose_headers),
            credentials: decl.allow_credentials,
            max_age: decl.max_age.as_ref().map(|(s, _)| HeaderValue::from(*s)),
        }))
    }

    /// The `Access-Control-Allow-Origin` for a request's `Origin`, if the policy allows it.
    fn allow_origin(&self, origin: &HeaderValue) -> Option<HeaderValue> {
        match &self.origins {
            None if !self.credentials => Some(HeaderValue::from_static("*")),
            None => Some(origin.clone()),
            Some(list) => list
                .iter()
                .any(|o| o.as_bytes() == origin.as_bytes())
                .then(|| origin.clone()),
        }
    }

    fn vary(&self, headers: &mut HeaderMap) {
        if self.origins.is_some() || self.credentials {
            let _ = headers.try_append(header::VARY, HeaderValue::from_static("Origin"));
        }
    }

    /// Adds the CORS headers of an actual (not preflight) response.
    pub(crate) fn apply(&self, origin: Option<&HeaderValue>, response: &mut Response) {
        let headers = response.headers_mut();
        self.vary(headers);
        let Some(allowed) = origin.and_then(|o| self.allow_origin(o)) else {
            return;
        };
        let _ = headers.try_insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allowed);
        if self.credentials {
            let _ = headers.try_insert(
                header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                HeaderValue::from_static("true"),
            );
        }
        if let Some(expose) = &self.expose {
            let _ = headers.try_insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, expose.clone());
        }
    }

    /// The answer to a preflight request for a path whose routes accept `allowed`.
    pub(crate) fn preflight(
        &self,
        origin: &HeaderValue,
        allowed: &[Method],
        requested: &HeaderMap,
    ) -> Response {
        let mut response = Response::new(Body::Empty).with_status(StatusCode::NO_CONTENT);
        response.headers_mut().remove(header::CONTENT_TYPE);
        let headers = response.headers_mut();
        self.vary(headers);
        let Some(allowed_origin) = self.allow_origin(origin) else {
            // Not an allowed origin: no CORS headers, and the browser stops here.
            return response;
        };
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allowed_origin);
        let methods = self.methods.clone().unwrap_or_else(|| {
            let list: Vec<&str> = allowed.iter().map(Method::as_str).collect();
            HeaderValue::from_str(&list.join(", ")).unwrap_or(HeaderValue::from_static(""))
        });
        headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, methods);
        // Without a list, the headers the browser asks for are allowed.
        let asked = requested
            .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
            .cloned();
        if let Some(allow) = self.headers.clone().or(asked) {
            headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, allow);
        }
        if self.credentials {
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                HeaderValue::from_static("true"),
            );
        }
        if let Some(max_age) = &self.max_age {
            headers.insert(header::ACCESS_CONTROL_MAX_AGE, max_age.clone());
        }
        response
    }
}
