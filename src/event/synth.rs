//! Synthesized events: the event a source would send for an HTTP request (each format's module
//! writes its own from a [`Draft`]), and the HTTP response a reply stands for. Local mode's
//! `serve` and the test client both use them, so that they exercise the same event and reply
//! code as Lambda does.

use std::sync::atomic::{AtomicU64, Ordering};

use base64::Engine;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use serde_json::{Map, Value, json};

use crate::source::Source;

/// An HTTP request, as a client sends it.
pub(crate) struct HttpRequest<'a> {
    pub(crate) method: &'a Method,
    /// The path, percent-encoded.
    pub(crate) path: &'a str,
    /// The query string, without `?`.
    pub(crate) query: &'a str,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: &'a [u8],
    pub(crate) source_ip: &'a str,
    /// For an ALB: the target group has multi-value headers on, so that the event carries
    /// `multiValueHeaders` and expects its reply in them.
    pub(crate) multi_value: bool,
}

static REQUEST_IDS: AtomicU64 = AtomicU64::new(1);

/// What every source's event is written from: the request, and its parts as events carry them.
pub(super) struct Draft<'a> {
    pub(super) method: &'a str,
    /// The path, percent-encoded.
    pub(super) path: &'a str,
    /// The query string, without `?`.
    pub(super) query: &'a str,
    pub(super) source_ip: &'a str,
    pub(super) request_id: String,
    /// The body as text, base64-encoded unless it is UTF-8.
    pub(super) body: String,
    pub(super) is_base64: bool,
    /// The last value of each header, by name.
    pub(super) single: Map<String, Value>,
    /// Every value of each header, by name, as a list.
    pub(super) multi: Map<String, Value>,
    /// See [`HttpRequest::multi_value`].
    pub(super) multi_value: bool,
}

impl<'a> Draft<'a> {
    fn new(request: &HttpRequest<'a>) -> Self {
        let request_id = format!("local-{}", REQUEST_IDS.fetch_add(1, Ordering::Relaxed));
        let (body, is_base64) = match std::str::from_utf8(request.body) {
            Ok(text) => (text.to_owned(), false),
            Err(_) => (
                base64::engine::general_purpose::STANDARD.encode(request.body),
                true,
            ),
        };
        let mut single = Map::new();
        let mut multi = Map::new();
        for name in request.headers.keys() {
            let values: Vec<String> = request
                .headers
                .get_all(name)
                .iter()
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .collect();
            single.insert(name.as_str().to_owned(), json!(values.last()));
            multi.insert(name.as_str().to_owned(), json!(values));
        }
        Draft {
            method: request.method.as_str(),
            path: request.path,
            query: request.query,
            source_ip: request.source_ip,
            request_id,
            body,
            is_base64,
            single,
            multi,
            multi_value: request.multi_value,
        }
    }

    /// The query parameters, decoded.
    pub(super) fn query_pairs(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(self.query.as_bytes())
            .map(|(n, v)| (n.into_owned(), v.into_owned()))
            .collect()
    }

    /// The values of each header as strings, by name.
    pub(super) fn header_values(&self) -> impl Iterator<Item = (&str, Vec<&str>)> {
        self.multi.iter().map(|(name, values)| {
            let values = values.as_array().into_iter().flatten();
            (name.as_str(), values.filter_map(Value::as_str).collect())
        })
    }
}

/// The event `source` would send for this request, following AWS's documented shapes.
pub(crate) fn event_for(source: Source, request: &HttpRequest<'_>) -> Value {
    super::format_of(source).event_for(source, &Draft::new(request))
}

/// The HTTP response a reply payload stands for; `None` when it is not a reply.
pub(crate) fn read_reply(reply: &[u8]) -> Option<(StatusCode, HeaderMap, Vec<u8>)> {
    let reply = serde_json::from_slice::<Value>(reply).ok()?;
    let status = reply["statusCode"]
        .as_u64()
        .and_then(|s| u16::try_from(s).ok())?;
    let status = StatusCode::from_u16(status).ok()?;
    let body = reply["body"].as_str().unwrap_or_default();
    let body = if reply["isBase64Encoded"] == true {
        base64::engine::general_purpose::STANDARD
            .decode(body)
            .ok()?
    } else {
        body.as_bytes().to_vec()
    };
    let mut headers = HeaderMap::new();
    let mut add = |name: &str, value: &Value| {
        let name = HeaderName::from_bytes(name.as_bytes());
        let value = value.as_str().map(HeaderValue::from_str);
        if let (Ok(name), Some(Ok(value))) = (name, value) {
            headers.append(name, value);
        }
    };
    for (name, value) in reply["headers"].as_object().into_iter().flatten() {
        add(name, value);
    }
    for (name, values) in reply["multiValueHeaders"].as_object().into_iter().flatten() {
        for value in values.as_array().into_iter().flatten() {
            add(name, value);
        }
    }
    for cookie in reply["cookies"].as_array().into_iter().flatten() {
        add("set-cookie", cookie);
    }
    Some((status, headers, body))
}
