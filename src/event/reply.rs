//! Responses in the format of the source that sent the request: what every format's reply
//! has (`statusCode`, `body`, `isBase64Encoded`), and the ways of writing a header map that
//! the formats choose from. Each format's module says which fields its reply has.
//!
//! Binary bodies are base64-encoded with `isBase64Encoded: true`.

use base64::Engine;
use http::HeaderMap;
use http::header::{HeaderValue, SET_COOKIE};
use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};

use super::ReplyShape;
use crate::response::{Body, Response};

/// A reply payload; the fields that are `None` are left out.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Reply<'a> {
    status_code: u16,
    /// ALB's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) status_description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) headers: Option<Headers<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) multi_value_headers: Option<Headers<'a>>,
    /// Payload 2.0's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) cookies: Option<Cookies<'a>>,
    body: std::borrow::Cow<'a, str>,
    is_base64_encoded: bool,
}

/// How a header map is written.
#[derive(Clone, Copy)]
pub(super) enum Style {
    /// Names with exactly one value, as strings.
    SingleOnly,
    /// Names with several values, as lists.
    MultiOnly,
    /// Every name, values as lists.
    Lists,
    /// Every name, values joined with `, `; `Set-Cookie` left out.
    JoinedWithoutCookies,
    /// Every name, values joined with `, `; for `Set-Cookie`, the last one.
    JoinedLastCookie,
}

/// A header map, to be written in a style.
pub(super) struct Headers<'a> {
    map: &'a HeaderMap,
    style: Style,
}

impl<'a> Headers<'a> {
    pub(super) fn new(map: &'a HeaderMap, style: Style) -> Self {
        Headers { map, style }
    }
}

fn text(value: &HeaderValue) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(value.as_bytes())
}

impl Serialize for Headers<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for name in self.map.keys() {
            let values = self.map.get_all(name);
            let count = values.iter().count();
            match self.style {
                Style::MultiOnly if count > 1 => {
                    map.serialize_entry(name.as_str(), &List(values))?
                }
                Style::Lists => map.serialize_entry(name.as_str(), &List(values))?,
                Style::JoinedWithoutCookies if name == SET_COOKIE => {}
                Style::JoinedLastCookie if name == SET_COOKIE => {
                    if count > 1 {
                        warn_dropped_cookies(self.map.get_all(name));
                    }
                    map.serialize_entry(
                        name.as_str(),
                        &text(values.iter().next_back().unwrap_or(&EMPTY)),
                    )?
                }
                // One value is written as it is, in every style that writes single values.
                Style::SingleOnly | Style::JoinedWithoutCookies | Style::JoinedLastCookie
                    if count == 1 =>
                {
                    map.serialize_entry(
                        name.as_str(),
                        &text(values.iter().next().unwrap_or(&EMPTY)),
                    )?
                }
                Style::JoinedWithoutCookies | Style::JoinedLastCookie => {
                    let joined: Vec<_> = values.iter().map(text).collect();
                    map.serialize_entry(name.as_str(), &joined.join(", "))?
                }
                Style::SingleOnly | Style::MultiOnly => {}
            }
        }
        map.end()
    }
}

const EMPTY: HeaderValue = HeaderValue::from_static("");

/// A reply that can carry one `Set-Cookie` header (an ALB target group in single-value mode,
/// VPC Lattice) sends the last cookie, as the source itself keeps the last value of a header:
/// the others never reach the client, which the log says, by name.
fn warn_dropped_cookies(values: http::header::GetAll<'_, HeaderValue>) {
    let mut names: Vec<String> = values
        .iter()
        .map(|value| {
            let text = text(value);
            text.split_once('=')
                .map_or(&*text, |(name, _)| name)
                .trim()
                .to_owned()
        })
        .collect();
    let kept = names.pop().unwrap_or_default();
    tracing::warn!(
        dropped = names.join(", "),
        kept,
        "this reply carries one Set-Cookie header: the other cookies are not sent (an ALB target group in single-value mode, or VPC Lattice); turn multi-value headers on for the target group"
    );
}

struct List<'a>(http::header::GetAll<'a, HeaderValue>);

impl Serialize for List<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(None)?;
        for value in self.0.iter() {
            seq.serialize_element(&text(value))?;
        }
        seq.end()
    }
}

/// The values of the `Set-Cookie` headers of a map, as a list.
pub(super) struct Cookies<'a>(pub(super) &'a HeaderMap);

impl Serialize for Cookies<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        List(self.0.get_all(SET_COOKIE)).serialize(serializer)
    }
}

/// A response with the shape of the event it answers: the reply payload, serialized once by
/// whoever writes it out (the Lambda runtime, or [`reply`]).
pub(crate) struct ReplyPayload {
    pub(crate) shape: ReplyShape,
    pub(crate) response: Response,
}

impl Serialize for ReplyPayload {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let response = &self.response;
        let (body, is_base64_encoded) = match response.body() {
            // A stream is collected before a buffered reply is written (`App::respond_payload`).
            Body::Empty | Body::Stream(_) => (std::borrow::Cow::Borrowed(""), false),
            Body::Text(text) => (std::borrow::Cow::Borrowed(text.as_str()), false),
            Body::Binary(bytes) => (
                base64::engine::general_purpose::STANDARD
                    .encode(bytes)
                    .into(),
                true,
            ),
        };
        let mut reply = Reply {
            status_code: response.status().as_u16(),
            status_description: None,
            headers: None,
            multi_value_headers: None,
            cookies: None,
            body,
            is_base64_encoded,
        };
        self.shape.format.reply(self.shape, response, &mut reply);
        reply.serialize(serializer)
    }
}

impl ReplyPayload {
    /// The size to reserve for the serialized reply: the body and room for the headers.
    pub(crate) fn size_hint(&self) -> usize {
        let body = match self.response.body() {
            Body::Empty | Body::Stream(_) => 0,
            Body::Text(text) => text.len(),
            Body::Binary(bytes) => bytes.len() / 3 * 4 + 4,
        };
        256 + body
    }
}

/// The response payload Lambda returns to the source.
pub(crate) fn reply(shape: ReplyShape, response: Response) -> Vec<u8> {
    let payload = ReplyPayload { shape, response };
    // Serializing strings, numbers and maps of strings into a Vec cannot fail.
    let mut out = Vec::with_capacity(payload.size_hint());
    match serde_json::to_writer(&mut out, &payload) {
        Ok(()) => out,
        Err(_) => Vec::new(),
    }
}
