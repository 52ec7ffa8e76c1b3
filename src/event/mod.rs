//! Lambda events in, Lambda responses out: every HTTP source, detected from the event.
//!
//! Design note: the event is deserialized once ([`raw::RawEvent`]), the source is decided from
//! the fields that only it carries, and the [`ReplyShape`] (source, and ALB's header mode) is
//! kept with the request so that [`reply()`] answers in the sender's format. The request path
//! minik routes on is the one the client sent, never API Gateway's `resource`, so one routes
//! file serves API Gateway, an ALB and a Function URL alike.

mod raw;
mod reply;
pub(crate) mod synth;

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use base64::Engine;
use bytes::Bytes;
use http::header::{HeaderName, HeaderValue};
use http::{HeaderMap, Method};

use self::raw::{Pairs, RawEvent};
pub(crate) use self::reply::reply;
use crate::error::HttpError;
use crate::request::{Request, TextPairs, parse_query};
use crate::source::Source;

/// How to answer a request: the source that sent it, and ALB's header mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ReplyShape {
    pub(crate) source: Source,
    /// An ALB target group with multi-value headers on: the reply uses `multiValueHeaders`.
    pub(crate) multi_value: bool,
}

/// Why an invocation payload is not an HTTP request minik can answer.
///
/// The invocation fails with this error (Lambda reports it to the caller); no HTTP response is
/// produced, because there is no HTTP client to send one to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventError {
    message: String,
}

impl EventError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        EventError {
            message: message.into(),
        }
    }
}

impl fmt::Display for EventError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EventError {}

/// The request an event carries, or the 400 to answer when the event is an HTTP request minik
/// cannot read (invalid base64 body, invalid method or header).
pub(crate) struct Parsed {
    pub(crate) shape: ReplyShape,
    pub(crate) request: Result<Request, HttpError>,
}

/// What a JSON payload is, for the error message when it is not an object.
fn describe_non_object(bytes: &[u8]) -> Option<&'static str> {
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => None,
        Some(b'[') => Some("a JSON array"),
        Some(b'"') => Some("a JSON string"),
        Some(b'n') => Some("JSON null"),
        Some(b't' | b'f') => Some("a JSON boolean"),
        Some(b'-' | b'0'..=b'9') => Some("a JSON number"),
        None => Some("an empty payload"),
        Some(_) => Some("not JSON"),
    }
}

const NOT_HTTP: &str = "expected an HTTP request from API Gateway, an Application Load Balancer, a Lambda Function URL or VPC Lattice";

/// Reads one invocation payload.
pub(crate) fn parse(bytes: &[u8], base_path: Option<&str>) -> Result<Parsed, EventError> {
    if let Some(what) = describe_non_object(bytes) {
        return Err(EventError::new(format!(
            "the event is {what}, not an HTTP request: {NOT_HTTP}"
        )));
    }
    // One UTF-8 check for the whole event: from bytes, serde_json checks each string it
    // borrows, and an event is mostly strings.
    let text = std::str::from_utf8(bytes).map_err(|error| {
        EventError::new(format!(
            "the event is not a valid HTTP event: it is not UTF-8 ({error})"
        ))
    })?;
    let raw: RawEvent<'_> = serde_json::from_str(text).map_err(|error| {
        EventError::new(format!("the event is not a valid HTTP event: {error}"))
    })?;
    let shape = detect(&raw)?;
    // One copy of the event, kept for `Request::event`, whose slices also back the header
    // values: a header value costs no allocation of its own.
    let shared = Event::new(bytes);
    let request = build(raw, shape, base_path, &shared).map(|mut request| {
        request.event = Some(Arc::new(crate::request::EventBytes {
            bytes: shared.copy,
            json: std::sync::OnceLock::new(),
        }));
        request
    });
    Ok(Parsed { shape, request })
}

/// The event's bytes as received, and a shared copy of them.
struct Event<'a> {
    received: &'a [u8],
    copy: Bytes,
}

impl<'a> Event<'a> {
    fn new(received: &'a [u8]) -> Self {
        Event {
            received,
            copy: Bytes::copy_from_slice(received),
        }
    }

    /// A header value: a slice of the shared copy when `value` lies inside the received event
    /// (it was borrowed: the JSON string had no escapes), else a copy.
    fn header_value(&self, value: &str) -> Result<HeaderValue, http::header::InvalidHeaderValue> {
        let start = (value.as_ptr() as usize).wrapping_sub(self.received.as_ptr() as usize);
        match start.checked_add(value.len()) {
            Some(end) if end <= self.received.len() => {
                HeaderValue::from_maybe_shared(self.copy.slice(start..end))
            }
            _ => HeaderValue::from_str(value),
        }
    }
}

/// Decides the source from the fields only it carries; refuses what is not a request.
fn detect(raw: &RawEvent<'_>) -> Result<ReplyShape, EventError> {
    let not_http = |what: &str| {
        Err(EventError::new(format!(
            "the event is {what}, not an HTTP request: {NOT_HTTP}"
        )))
    };
    let context = raw.request_context.as_ref();
    if raw.status_code.is_some() {
        return not_http("a response (it has `statusCode`)");
    }
    if raw.method_arn.is_some()
        || raw.route_arn.is_some()
        || matches!(raw.kind.as_deref(), Some("TOKEN" | "REQUEST"))
    {
        return not_http(
            "an API Gateway authorizer input (it has `type`, `methodArn` or `routeArn`)",
        );
    }
    if context.is_some_and(|c| c.event_type.is_some() || c.connection_id.is_some()) {
        return not_http("an API Gateway WebSocket event (it has `requestContext.connectionId`)");
    }
    let shape = |source| {
        Ok(ReplyShape {
            source,
            multi_value: false,
        })
    };
    if context.is_some_and(|c| c.elb.is_some()) {
        // ALB sends one map or the other, by the target group's setting, and wants the same
        // back. Some hand-written events carry both; the multi-value map then holds everything.
        let multi_value = raw.multi_value_headers.is_some();
        return Ok(ReplyShape {
            source: Source::Alb,
            multi_value,
        });
    }
    if let Some(context) = context.filter(|c| c.http.is_some()) {
        if raw.version.as_deref() == Some("2.0") && raw.raw_path.is_some() {
            let url = context
                .domain_name
                .as_deref()
                .is_some_and(|d| d.contains(".lambda-url."));
            return shape(if url {
                Source::FunctionUrl
            } else {
                Source::HttpApi
            });
        }
    }
    if context.is_some_and(|c| c.service_arn.is_some())
        || (raw.version.as_deref() == Some("2.0")
            && raw.path.is_some()
            && raw.http_method.is_none())
    {
        return shape(Source::LatticeV2);
    }
    if raw.lattice_raw_path.is_some() {
        return shape(Source::LatticeV1);
    }
    if raw.http_method.is_some() && raw.path.is_some() {
        return shape(Source::RestApi);
    }
    not_http("a JSON object of no known HTTP shape")
}

fn bad(message: impl Into<String>) -> HttpError {
    HttpError::bad_request(message)
}

/// Builds the request of a detected event.
fn build(
    raw: RawEvent<'_>,
    shape: ReplyShape,
    base_path: Option<&str>,
    event: &Event<'_>,
) -> Result<Request, HttpError> {
    let context = raw.request_context.unwrap_or_default();
    let http = context.http.unwrap_or_default();
    let source = shape.source;
    let method = match source {
        Source::HttpApi | Source::FunctionUrl => http.method,
        Source::LatticeV1 | Source::LatticeV2 => raw.method,
        Source::RestApi | Source::Alb => raw.http_method,
    };
    let method = method.ok_or_else(|| bad("the event has no HTTP method"))?;
    let method = Method::from_bytes(method.as_bytes())
        .map_err(|_| bad(format!("invalid HTTP method `{method}`")))?;

    let (raw_path, query) = match source {
        Source::HttpApi | Source::FunctionUrl => {
            let query = raw
                .raw_query_string
                .as_deref()
                .map(parse_query)
                .unwrap_or_default();
            (raw.raw_path, query)
        }
        Source::RestApi => {
            // The multi-value map holds every value; the single-value map only one of them.
            let query = raw
                .multi_value_query_string_parameters
                .or(raw.query_string_parameters);
            (raw.path, owned(query))
        }
        Source::Alb => {
            // ALB passes the query through as the client wrote it: decode each name and value.
            let query = raw
                .multi_value_query_string_parameters
                .or(raw.query_string_parameters);
            let decoded = query.map(|pairs| {
                let mut decoded = TextPairs::with_capacity(pairs.0.len(), text_len(&pairs));
                for (name, value) in &pairs.0 {
                    decoded.push(&form_decode(name), &form_decode(value));
                }
                decoded
            });
            (raw.path, decoded.unwrap_or_default())
        }
        Source::LatticeV1 => match raw.lattice_raw_path {
            // Lattice v1 keeps the query string in `raw_path`.
            Some(path) if path.contains('?') => {
                let (path, query) = path.split_once('?').unwrap_or_default();
                (Some(Cow::Owned(path.to_owned())), parse_query(query))
            }
            path => (path, owned(raw.lattice_query)),
        },
        Source::LatticeV2 => (raw.path, owned(raw.query_string_parameters)),
    };
    let raw_path = raw_path
        .ok_or_else(|| bad("the event has no path"))?
        .into_owned();
    if !raw_path.starts_with('/') {
        return Err(bad("the event's path does not start with `/`"));
    }

    let pairs = match source {
        Source::RestApi | Source::Alb => raw.multi_value_headers.or(raw.headers),
        _ => raw.headers,
    };
    let pairs = pairs.map(|p| p.0).unwrap_or_default();
    // `HeaderMap` holds at most 32,768 entries; a hostile event may send more.
    let mut headers = HeaderMap::with_capacity(pairs.len().min(256) + 1);
    for (name, value) in pairs {
        let header_name = header_name(&name)
            .map_err(|_| bad(format!("invalid header name `{}`", name.escape_debug())))?;
        let header_value = event
            .header_value(&value)
            .map_err(|_| bad(format!("invalid value for header `{header_name}`")))?;
        headers
            .try_append(header_name, header_value)
            .map_err(|_| bad("too many headers"))?;
    }
    if let Some(cookies) = raw.cookies.filter(|c| !c.is_empty()) {
        // HTTP APIs move cookies out of the headers; give them back as one `Cookie` header.
        if !headers.contains_key(http::header::COOKIE) {
            let joined = cookies.join("; ");
            let value =
                HeaderValue::from_str(&joined).map_err(|_| bad("invalid value in `cookies`"))?;
            headers
                .try_insert(http::header::COOKIE, value)
                .map_err(|_| bad("too many headers"))?;
        }
    }

    let base64 = raw
        .is_base64_encoded
        .or(raw.lattice_base64)
        .unwrap_or(false);
    let body = match raw.body {
        None => Vec::new(),
        Some(body) if base64 => base64::engine::general_purpose::STANDARD
            .decode(body.as_bytes())
            .map_err(|_| bad("the body is marked `isBase64Encoded` but is not valid base64"))?,
        Some(body) => body.into_owned().into_bytes(),
    };

    let stage = context.stage.map(Cow::into_owned);
    let route_start = route_start(&raw_path, source, stage.as_deref(), base_path);
    let source_ip = match source {
        Source::HttpApi | Source::FunctionUrl => http.source_ip.map(Cow::into_owned),
        Source::RestApi => context
            .identity
            .and_then(|i| i.source_ip)
            .map(Cow::into_owned),
        _ => headers
            .get(X_FORWARDED_FOR)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(|ip| ip.trim().to_owned()),
    };
    let mut request = Request::new(method, String::new());
    request.route_start = route_start;
    request.raw_path = raw_path;
    request.path_decoded = source == Source::HttpApi;
    request.headers = headers;
    request.query = query;
    request.body = body;
    request.source = Some(source);
    request.request_id = context.request_id.map(Cow::into_owned);
    request.source_ip = source_ip;
    request.stage = stage;
    request.stage_variables = owned(raw.stage_variables);
    Ok(request)
}

/// A name constant, so that reading the client's address does not parse the name again.
const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

/// Header names that arrive with most events and that `http` does not know: those AWS adds
/// and browsers' fetch metadata. `HeaderName::from_bytes` allocates every name it does not
/// know, for every header of every event; these are made once.
static FREQUENT_NAMES: [HeaderName; 20] = [
    X_FORWARDED_FOR,
    HeaderName::from_static("x-forwarded-port"),
    HeaderName::from_static("x-forwarded-proto"),
    HeaderName::from_static("x-amzn-trace-id"),
    HeaderName::from_static("x-amz-cf-id"),
    HeaderName::from_static("x-amzn-tls-version"),
    HeaderName::from_static("x-amzn-tls-cipher-suite"),
    HeaderName::from_static("x-amzn-vpce-id"),
    HeaderName::from_static("x-api-key"),
    HeaderName::from_static("cloudfront-forwarded-proto"),
    HeaderName::from_static("cloudfront-is-desktop-viewer"),
    HeaderName::from_static("cloudfront-is-mobile-viewer"),
    HeaderName::from_static("cloudfront-is-smarttv-viewer"),
    HeaderName::from_static("cloudfront-is-tablet-viewer"),
    HeaderName::from_static("cloudfront-viewer-country"),
    HeaderName::from_static("sec-fetch-dest"),
    HeaderName::from_static("sec-fetch-mode"),
    HeaderName::from_static("sec-fetch-site"),
    HeaderName::from_static("sec-fetch-user"),
    HeaderName::from_static("sec-ch-ua"),
];

/// The header name for an event's `name`, in any case.
fn header_name(name: &str) -> Result<HeaderName, http::header::InvalidHeaderName> {
    // Only names of these initials can be frequent ones: the others skip the search.
    let frequent = match name.as_bytes().first() {
        Some(b'x' | b'X' | b'c' | b'C' | b's' | b'S') => FREQUENT_NAMES
            .iter()
            .find(|known| known.as_str().eq_ignore_ascii_case(name)),
        _ => None,
    };
    match frequent {
        Some(known) => Ok(known.clone()),
        None => HeaderName::from_bytes(name.as_bytes()),
    }
}

fn owned(pairs: Option<Pairs<'_>>) -> TextPairs {
    let Some(pairs) = pairs else {
        return TextPairs::default();
    };
    let mut owned = TextPairs::with_capacity(pairs.0.len(), text_len(&pairs));
    for (name, value) in &pairs.0 {
        owned.push(name, value);
    }
    owned
}

/// The length of the text of all names and values.
fn text_len(pairs: &Pairs<'_>) -> usize {
    pairs.0.iter().map(|(n, v)| n.len() + v.len()).sum()
}

/// Decodes one query component as a browser encodes forms (`+` is a space).
fn form_decode(text: &str) -> Cow<'_, str> {
    if !text.contains(['%', '+']) {
        return Cow::Borrowed(text);
    }
    let plus_as_space = text.replace('+', " ");
    Cow::Owned(
        percent_encoding::percent_decode_str(&plus_as_space)
            .decode_utf8_lossy()
            .into_owned(),
    )
}

/// Where the path to route on starts in the client's path: after the stage an HTTP API puts
/// in front of it on `execute-api` hosts, and after the configured base path. Each prefix is
/// removed only when it is really there, as a whole segment.
fn route_start(
    raw_path: &str,
    source: Source,
    stage: Option<&str>,
    base_path: Option<&str>,
) -> usize {
    let mut path = raw_path;
    if source == Source::HttpApi {
        if let Some(stage) = stage.filter(|s| *s != "$default" && !s.is_empty()) {
            path = strip_segment_prefix(path, stage);
        }
    }
    if let Some(base) = base_path {
        path = strip_segment_prefix(path, base.trim_start_matches('/'));
    }
    raw_path.len() - path.len()
}

/// `/prod/items` without `prod` is `/items`, `/prod` is empty; `/production` stays as it is.
fn strip_segment_prefix<'p>(path: &'p str, prefix: &str) -> &'p str {
    let Some(rest) = path.strip_prefix('/').and_then(|p| p.strip_prefix(prefix)) else {
        return path;
    };
    if rest.is_empty() || rest.starts_with('/') {
        rest
    } else {
        path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_stripped_only_as_whole_segments() {
        assert_eq!(strip_segment_prefix("/prod/items", "prod"), "/items");
        assert_eq!(strip_segment_prefix("/prod", "prod"), "");
        assert_eq!(
            strip_segment_prefix("/production/items", "prod"),
            "/production/items"
        );
        assert_eq!(strip_segment_prefix("/items", "prod"), "/items");
        assert_eq!(strip_segment_prefix("/api/v1/x", "api/v1"), "/x");
    }

    #[test]
    fn the_stage_is_removed_only_for_http_apis_and_when_present() {
        let route_path = |raw, source, stage, base| {
            crate::request::routed(raw, route_start(raw, source, stage, base))
        };
        let path = |raw, source, stage| route_path(raw, source, stage, None);
        assert_eq!(
            path("/Prod/my/path", Source::HttpApi, Some("Prod")),
            "/my/path"
        );
        assert_eq!(path("/my/path", Source::HttpApi, Some("Prod")), "/my/path");
        assert_eq!(
            path("/my/path", Source::HttpApi, Some("$default")),
            "/my/path"
        );
        assert_eq!(
            path("/Prod/my/path", Source::RestApi, Some("Prod")),
            "/Prod/my/path"
        );
        assert_eq!(
            route_path("/api/items", Source::Alb, None, Some("/api")),
            "/items"
        );
        // Prefixes that take the whole path leave `/`.
        assert_eq!(path("/Prod", Source::HttpApi, Some("Prod")), "/");
        let both = route_path("/Prod/api", Source::HttpApi, Some("Prod"), Some("/api"));
        assert_eq!(both, "/");
        assert_eq!(route_path("/", Source::Alb, None, Some("/api")), "/");
    }

    #[test]
    fn form_components_decode_plus_and_percent() {
        assert_eq!(form_decode("%3FshowAll%3Dtrue"), "?showAll=true");
        assert_eq!(form_decode("a+b"), "a b");
        assert_eq!(form_decode("plain"), "plain");
    }

    #[test]
    fn frequent_header_names_are_the_names_http_would_make() {
        for known in &FREQUENT_NAMES {
            let upper = known.as_str().to_ascii_uppercase();
            for name in [known.as_str(), &upper] {
                let made = HeaderName::from_bytes(name.as_bytes()).unwrap();
                assert_eq!(header_name(name).unwrap(), made, "{name}");
            }
        }
        let other = header_name("X-Custom-Header").unwrap();
        assert_eq!(other, HeaderName::from_static("x-custom-header"));
        assert!(header_name("bad name").is_err());
        assert!(header_name("").is_err());
    }
}
