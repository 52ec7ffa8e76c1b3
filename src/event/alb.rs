//! Application Load Balancer target groups.
//!
//! - **Detected** by `requestContext.elb`. ALB events also have REST's `httpMethod` and `path`:
//!   this format comes before REST's in [`FORMATS`](super::FORMATS).
//! - **Read**: a target group sends `headers` and `queryStringParameters`, or with multi-value
//!   headers on, `multiValueHeaders` and `multiValueQueryStringParameters`; some hand-written
//!   events carry both, and the multi-value maps then hold everything. The path is
//!   percent-encoded, and the query is passed through as the client wrote it: each name and
//!   value is decoded here. The client's address is the first of `X-Forwarded-For`.
//! - **Reply**: in the mode of the request, as ALB requires: `multiValueHeaders`, every value
//!   listed, in multi-value mode; else `headers`, each name's values joined with `, ` and only
//!   the last `Set-Cookie` (ALB itself keeps the last value). `statusDescription` (`200 OK`) is
//!   required: a reply without it is a 502.

use std::borrow::Cow;

use http::StatusCode;
use serde_json::{Map, Value, json};

use super::raw::RawEvent;
use super::read::{ClientIp, Fields, text_len};
use super::reply::{Headers, Reply, Style};
use super::synth::Draft;
use super::{Format, ReplyShape};
use crate::request::TextPairs;
use crate::response::Response;
use crate::source::Source;

/// The ALB format.
pub(super) struct Alb;

impl Format for Alb {
    fn sources(&self) -> &'static [Source] {
        &[Source::Alb]
    }

    fn detect(&self, raw: &RawEvent<'_>) -> Option<Source> {
        let context = raw.request_context.as_ref()?;
        context.elb.is_some().then_some(Source::Alb)
    }

    fn read<'a>(&self, _: Source, raw: &mut RawEvent<'a>) -> Fields<'a> {
        let query = raw.multi_value_query_string_parameters.take();
        let query = query.or_else(|| raw.query_string_parameters.take());
        let query = query.map(|pairs| {
            let mut decoded = TextPairs::with_capacity(pairs.0.len(), text_len(&pairs));
            for (name, value) in &pairs.0 {
                decoded.push(&form_decode(name), &form_decode(value));
            }
            decoded
        });
        Fields {
            method: raw.http_method.take(),
            path: raw.path.take(),
            query: query.unwrap_or_default(),
            headers: raw
                .multi_value_headers
                .take()
                .or_else(|| raw.headers.take()),
            cookies: None,
            base64: raw.is_base64_encoded,
            client_ip: ClientIp::ForwardedFor,
            path_decoded: false,
            stage_in_path: false,
        }
    }

    fn reply<'r>(&self, shape: ReplyShape, response: &'r Response, reply: &mut Reply<'r>) {
        let headers = response.headers();
        reply.status_description = Some(status_line(response.status()));
        if shape.multi_value {
            reply.multi_value_headers = Some(Headers::new(headers, Style::Lists));
        } else {
            reply.headers = Some(Headers::new(headers, Style::JoinedLastCookie));
        }
    }

    fn event_for(&self, _: Source, request: &Draft<'_>) -> Value {
        // The query undecoded; in single-value mode, the last value of each name.
        let (mut single, mut multi) = (Map::new(), Map::new());
        for pair in request.query.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            single.insert(name.to_owned(), json!(value));
            if let Some(values) = multi
                .entry(name)
                .or_insert_with(|| json!([]))
                .as_array_mut()
            {
                values.push(json!(value));
            }
        }
        let mut event = json!({
            "requestContext": { "elb": { "targetGroupArn": "arn:aws:elasticloadbalancing:local:123456789012:targetgroup/minik/local" } },
            "httpMethod": request.method,
            "path": request.path,
            "body": request.body,
            "isBase64Encoded": request.is_base64,
        });
        if request.multi_value {
            event["multiValueQueryStringParameters"] = Value::Object(multi);
            event["multiValueHeaders"] = Value::Object(request.multi.clone());
        } else {
            event["queryStringParameters"] = Value::Object(single);
            event["headers"] = Value::Object(request.single.clone());
        }
        event
    }
}

/// `200 OK`: the code and its reason, or the code alone when it has no standard reason.
fn status_line(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_str()),
        None => status.as_str().to_owned(),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines_are_the_code_and_its_reason() {
        assert_eq!(status_line(StatusCode::OK), "200 OK");
        assert_eq!(
            status_line(StatusCode::NETWORK_AUTHENTICATION_REQUIRED),
            "511 Network Authentication Required"
        );
        assert_eq!(status_line(StatusCode::from_u16(599).unwrap()), "599");
    }

    #[test]
    fn form_components_decode_plus_and_percent() {
        assert_eq!(form_decode("%3FshowAll%3Dtrue"), "?showAll=true");
        assert_eq!(form_decode("a+b"), "a b");
        assert_eq!(form_decode("plain"), "plain");
    }
}
