//! The request of an event, from what its format found in it: the checks and conversions every
//! source shares.

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use base64::Engine;
use bytes::Bytes;
use http::header::{HeaderName, HeaderValue};
use http::{HeaderMap, Method};

use super::Options;
use super::raw::{Pairs, RawEvent};
use crate::error::HttpError;
use crate::request::{EventBytes, Request, TextPairs};
use crate::source::Source;

/// The parts of a request that each format keeps in fields of its own, as it found them:
/// [`request`] checks them.
pub(super) struct Fields<'a> {
    pub(super) method: Option<Cow<'a, str>>,
    /// The path as the event carries it.
    pub(super) path: Option<Cow<'a, str>>,
    /// The query parameters, decoded.
    pub(super) query: TextPairs,
    pub(super) headers: Option<Pairs<'a>>,
    /// Cookies sent apart from the headers, given back as one `Cookie` header when the headers
    /// have none.
    pub(super) cookies: Option<Vec<Cow<'a, str>>>,
    /// Whether the body is base64-encoded.
    pub(super) base64: Option<bool>,
    pub(super) client_ip: ClientIp<'a>,
    /// The path arrives percent-decoded.
    pub(super) path_decoded: bool,
    /// The stage may be in front of the path, to be removed when it is.
    pub(super) stage_in_path: bool,
}

/// Where a source gives the client's address.
pub(super) enum ClientIp<'a> {
    /// In a field of the event (`None` when the event lacks it).
    Reported(Option<Cow<'a, str>>),
    /// As the first address of `X-Forwarded-For`, which the source adds.
    ForwardedFor,
}

/// The event's bytes as received, and a shared handle on them.
pub(super) struct SharedEvent<'a> {
    received: &'a [u8],
    pub(super) copy: Bytes,
}

impl<'a> SharedEvent<'a> {
    pub(super) fn new(received: &'a Bytes) -> Self {
        SharedEvent {
            received,
            copy: received.clone(),
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

fn bad(message: impl Into<String>) -> HttpError {
    HttpError::bad_request(message)
}

/// The request of an event that `source` sent: `fields` as its format found them, and from
/// `raw` what every format keeps in the same fields (body, stage, request id, stage variables),
/// taken out of it; `event` is kept for `Request::event`. `raw` is borrowed, not moved: it is
/// large, and a move copies it.
pub(super) fn request(
    fields: Fields<'_>,
    raw: &mut RawEvent<'_>,
    source: Source,
    options: Options<'_>,
    event: SharedEvent<'_>,
) -> Result<Request, HttpError> {
    let method = fields
        .method
        .ok_or_else(|| bad("the event has no HTTP method"))?;
    let method = Method::from_bytes(method.as_bytes())
        .map_err(|_| bad(format!("invalid HTTP method `{method}`")))?;
    let raw_path = fields
        .path
        .ok_or_else(|| bad("the event has no path"))?
        .into_owned();
    if !raw_path.starts_with('/') {
        return Err(bad("the event's path does not start with `/`"));
    }
    let headers = headers(fields.headers, fields.cookies, &event)?;

    let base64 = fields.base64.unwrap_or(false);
    if let Some(body) = &raw.body {
        // Checked before the body is decoded: base64 gives three bytes for every four.
        let len = if base64 {
            body.len() / 4 * 3
        } else {
            body.len()
        };
        if len > options.max_body {
            return Err(HttpError::body_too_large(len, options.max_body));
        }
    }
    let body = match raw.body.take() {
        None => Vec::new(),
        Some(body) if base64 => base64::engine::general_purpose::STANDARD
            .decode(body.as_bytes())
            .map_err(|_| bad("the body is marked `isBase64Encoded` but is not valid base64"))?,
        Some(body) => body.into_owned().into_bytes(),
    };

    let context = raw.request_context.take().unwrap_or_default();
    let stage = context.stage.map(Cow::into_owned);
    let stage_in_path = stage.as_deref().filter(|_| fields.stage_in_path);
    let route_start = route_start(&raw_path, stage_in_path, options.base_path);
    let source_ip = match fields.client_ip {
        ClientIp::Reported(ip) => ip.map(Cow::into_owned),
        ClientIp::ForwardedFor => headers
            .get(X_FORWARDED_FOR)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(|ip| ip.trim().to_owned()),
    };
    let mut request = Request::new(method, String::new());
    request.route_start = route_start;
    request.raw_path = raw_path;
    request.path_decoded = fields.path_decoded;
    request.headers = headers;
    request.query = fields.query;
    request.body = body;
    request.source = Some(source);
    request.request_id = context.request_id.map(Cow::into_owned);
    request.source_ip = source_ip;
    request.stage = stage;
    request.stage_variables = owned(raw.stage_variables.take());
    request.event = Some(Arc::new(EventBytes {
        bytes: event.copy,
        json: OnceLock::new(),
    }));
    Ok(request)
}

/// The header map of an event's header pairs and separate cookies.
fn headers(
    pairs: Option<Pairs<'_>>,
    cookies: Option<Vec<Cow<'_, str>>>,
    event: &SharedEvent<'_>,
) -> Result<HeaderMap, HttpError> {
    let pairs = pairs.map(|p| p.0).unwrap_or_default();
    // Values, not names: one name can carry any number of values in a multi-value map.
    if pairs.len() > MAX_HEADER_VALUES {
        return Err(bad(format!(
            "too many headers: {} values, more than the {MAX_HEADER_VALUES} minik reads",
            pairs.len()
        )));
    }
    let mut headers = HeaderMap::with_capacity(pairs.len() + 1);
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
    if let Some(cookies) = cookies.filter(|c| !c.is_empty()) {
        if !headers.contains_key(http::header::COOKIE) {
            let joined = cookies.join("; ");
            let value =
                HeaderValue::from_str(&joined).map_err(|_| bad("invalid value in `cookies`"))?;
            headers
                .try_insert(http::header::COOKIE, value)
                .map_err(|_| bad("too many headers"))?;
        }
    }
    Ok(headers)
}

/// The most header values a request may carry. API Gateway and ALB refuse requests whose
/// headers pass 10 to 64 KB long before this; a hand-made event can carry more.
const MAX_HEADER_VALUES: usize = 1_024;

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

/// Pairs kept as the event has them.
pub(super) fn owned(pairs: Option<Pairs<'_>>) -> TextPairs {
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
pub(super) fn text_len(pairs: &Pairs<'_>) -> usize {
    pairs.0.iter().map(|(n, v)| n.len() + v.len()).sum()
}

/// Where the path to route on starts in the client's path: after the stage, when the source
/// puts it in front of the path, and after the configured base path. Each prefix is removed
/// only when it is really there, as a whole segment.
fn route_start(raw_path: &str, stage: Option<&str>, base_path: Option<&str>) -> usize {
    let mut path = raw_path;
    if let Some(stage) = stage.filter(|s| *s != "$default" && !s.is_empty()) {
        path = strip_segment_prefix(path, stage);
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
    fn the_stage_and_base_path_are_removed_only_when_present() {
        let route_path =
            |raw, stage, base| crate::request::routed(raw, route_start(raw, stage, base));
        let path = |raw, stage| route_path(raw, stage, None);
        assert_eq!(path("/Prod/my/path", Some("Prod")), "/my/path");
        assert_eq!(path("/my/path", Some("Prod")), "/my/path");
        assert_eq!(path("/my/path", Some("$default")), "/my/path");
        assert_eq!(path("/Prod/my/path", None), "/Prod/my/path");
        assert_eq!(route_path("/api/items", None, Some("/api")), "/items");
        // Prefixes that take the whole path leave `/`.
        assert_eq!(path("/Prod", Some("Prod")), "/");
        assert_eq!(route_path("/Prod/api", Some("Prod"), Some("/api")), "/");
        assert_eq!(route_path("/", None, Some("/api")), "/");
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
