//! Lambda events in, Lambda responses out: every HTTP source, detected from the event.
//!
//! Each event format has a module that holds all minik knows of it: how to recognise its
//! events, which of their fields carry the method, path, query, headers and client address,
//! the shape of the reply, and the event the test client and local `serve` write for it.
//! Each implements [`Format`], and [`FORMATS`] lists them in the order detection tries them.
//! Adding a source is a module, a line in that list and a [`Source`] variant.
//!
//! Design note: the event is deserialized once, into [`raw::RawEvent`], the union of the fields
//! of every format, and the source is decided from the fields that only it carries. What every
//! source shares stays here and in [`read`]: refusing what is not an HTTP request, checking
//! the method, path and headers, the body, the stage and the base path. The [`ReplyShape`]
//! (the format, the source and ALB's header mode) is kept with the request so that
//! [`reply()`] answers in the sender's format. The request path minik routes on is the one the
//! client sent, never API Gateway's `resource`, so one routes file serves API Gateway, an ALB
//! and a Function URL alike.

mod alb;
mod http_api;
mod lattice;
mod raw;
mod read;
mod reply;
mod rest;
pub(crate) mod synth;

use std::fmt;

use bytes::Bytes;
use serde_json::Value;

use self::raw::RawEvent;
use self::read::{Fields, SharedEvent};
use self::reply::Reply;
pub(crate) use self::reply::{ReplyPayload, reply};
use self::synth::Draft;
use crate::error::HttpError;
use crate::request::Request;
use crate::response::Response;
use crate::source::Source;

/// One event format: the events of one source, or of sources that send the same event.
trait Format: Sync {
    /// The sources whose events are of this format.
    fn sources(&self) -> &'static [Source];

    /// The source that sent `raw`, when it is an event of this format. Only the formats before
    /// this one in [`FORMATS`] have been asked already.
    fn detect(&self, raw: &RawEvent<'_>) -> Option<Source>;

    /// The parts of the request that this format keeps in its own fields, taken out of an event
    /// that [`Format::detect`] said `source` sent.
    fn read<'a>(&self, source: Source, raw: &mut RawEvent<'a>) -> Fields<'a>;

    /// Writes the parts of `reply` that this format shapes its own way: its headers, and any
    /// field only it has. `reply` already has the status, the body and the base64 flag.
    fn reply<'r>(&self, shape: ReplyShape, response: &'r Response, reply: &mut Reply<'r>);

    /// The event `source` would send for `request`, following AWS's documented shapes.
    fn event_for(&self, source: Source, request: &Draft<'_>) -> Value;
}

/// Every format, in the order detection tries them: an event is of the first format whose
/// [`Format::detect`] accepts it.
///
/// The order matters where formats share fields. ALB events also have REST's `httpMethod` and
/// `path`, told apart by `requestContext.elb`: ALB comes before REST. Payload 2.0 and VPC
/// Lattice v2 both have `version: "2.0"`; Lattice v2 accepts any such event with a `path` and
/// no `httpMethod`, so payload 2.0, which has `rawPath` and `requestContext.http`, comes first.
/// REST, whose two fields are the most common, comes last.
static FORMATS: &[&dyn Format] = &[
    &alb::Alb,
    &http_api::PayloadV2,
    &lattice::V2,
    &lattice::V1,
    &rest::Rest,
];

/// Every source whose events minik reads, in the order of [`FORMATS`].
#[cfg(any(feature = "local", test))]
pub(crate) fn sources() -> impl Iterator<Item = Source> {
    FORMATS
        .iter()
        .flat_map(|format| format.sources().iter().copied())
}

/// The format of the events `source` sends.
fn format_of(source: Source) -> &'static dyn Format {
    FORMATS
        .iter()
        .copied()
        .find(|format| format.sources().contains(&source))
        // Every source has a format (a test checks it); the default one is never used.
        .unwrap_or(&http_api::PayloadV2)
}

/// How to answer a request: in the format of its event, for the source that sent it.
#[derive(Clone, Copy)]
pub(crate) struct ReplyShape {
    format: &'static dyn Format,
    source: Source,
    /// The event had `multiValueHeaders`. For an ALB, whose target groups send one header map
    /// or the other by their setting, it means multi-value mode, and the reply must be in the
    /// same mode; the other formats' replies do not depend on it.
    multi_value: bool,
}

impl ReplyShape {
    /// The source that sent the request.
    #[cfg(any(feature = "local", feature = "stream"))]
    pub(crate) fn source(&self) -> Source {
        self.source
    }
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
    let trimmed = bytes.trim_ascii();
    match trimmed.first() {
        Some(b'{') => None,
        Some(b'[') => Some("a JSON array"),
        Some(b'"') => Some("a JSON string"),
        Some(b'n') if trimmed == b"null" => Some("JSON null"),
        Some(b't' | b'f') if trimmed == b"true" || trimmed == b"false" => Some("a JSON boolean"),
        Some(b'-' | b'0'..=b'9') => Some("a JSON number"),
        None => Some("an empty payload"),
        Some(_) => Some("not JSON"),
    }
}

const NOT_HTTP: &str = "expected an HTTP request from API Gateway, an Application Load Balancer, a Lambda Function URL or VPC Lattice";

/// Reads one invocation payload.
/// What the app tells the reading of its events.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Options<'a> {
    /// `[app] base_path`, removed from paths before routing.
    pub(crate) base_path: Option<&'a str>,
    /// The largest body any route accepts: a larger one is a 413 before it is decoded.
    pub(crate) max_body: usize,
}

impl Default for Options<'_> {
    fn default() -> Self {
        Options {
            base_path: None,
            max_body: usize::MAX,
        }
    }
}

#[cfg(test)]
pub(crate) fn parse(bytes: &[u8], options: Options<'_>) -> Result<Parsed, EventError> {
    parse_shared(&Bytes::copy_from_slice(bytes), options)
}

/// Reads one invocation payload held in shared bytes, which the request keeps (for
/// [`Request::event`](crate::Request::event) and the header values sliced from it) without
/// copying them.
pub(crate) fn parse_shared(event: &Bytes, options: Options<'_>) -> Result<Parsed, EventError> {
    let bytes: &[u8] = event;
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
    let mut raw: RawEvent<'_> = serde_json::from_str(text).map_err(|error| {
        EventError::new(format!("the event is not a valid HTTP event: {error}"))
    })?;
    let shape = detect(&raw)?;
    // The event, kept for `Request::event`, whose slices also back the header values: a
    // header value costs no allocation of its own.
    let shared = SharedEvent::new(event);
    let fields = shape.format.read(shape.source, &mut raw);
    let request = read::request(fields, &mut raw, shape.source, options, shared);
    Ok(Parsed { shape, request })
}

/// Refuses what is not a request, then asks each format in turn.
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
    for &format in FORMATS {
        if let Some(source) = format.detect(raw) {
            return Ok(ReplyShape {
                format,
                source,
                multi_value: raw.multi_value_headers.is_some(),
            });
        }
    }
    not_http("a JSON object of no known HTTP shape")
}

#[cfg(test)]
mod tests {
    use http::{HeaderMap, HeaderValue, Method};

    use super::*;

    const SOURCES: [Source; 6] = [
        Source::RestApi,
        Source::HttpApi,
        Source::FunctionUrl,
        Source::Alb,
        Source::LatticeV1,
        Source::LatticeV2,
    ];

    #[test]
    fn every_source_has_one_format() {
        for source in SOURCES {
            let formats = FORMATS.iter().filter(|f| f.sources().contains(&source));
            assert_eq!(formats.count(), 1, "{source}");
        }
        assert_eq!(sources().count(), SOURCES.len());
    }

    #[test]
    fn the_event_written_for_a_source_is_read_back_as_that_source() {
        let mut headers = HeaderMap::new();
        headers.insert("x-token", HeaderValue::from_static("t1"));
        headers.append("x-list", HeaderValue::from_static("a"));
        headers.append("x-list", HeaderValue::from_static("b"));
        let request = synth::HttpRequest {
            method: &Method::POST,
            path: "/caf%C3%A9/items",
            query: "q=a&q=b%20c&one=1",
            headers: &headers,
            body: b"{}",
            source_ip: "10.0.0.1",
            multi_value: false,
        };
        for source in SOURCES {
            let event = serde_json::to_vec(&synth::event_for(source, &request)).unwrap();
            let parsed = parse(&event, Default::default()).unwrap();
            assert_eq!(parsed.shape.source, source);
            let request = parsed.request.unwrap();
            assert_eq!(request.method(), Method::POST, "{source}");
            assert_eq!(request.path(), "/café/items", "{source}");
            assert_eq!(request.header("x-token"), Some("t1"), "{source}");
            assert_eq!(request.body(), b"{}", "{source}");
            assert_eq!(request.query("one"), Some("1"), "{source}");
            assert!(request.query_all("q").any(|q| q == "b c"), "{source}");
            if source != Source::Alb {
                assert_eq!(request.source_ip(), Some("10.0.0.1"), "{source}");
            }
        }
    }
}
