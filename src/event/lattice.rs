//! VPC Lattice, payload versions 1 and 2: a format each, in one module, as they differ only in
//! field names and in whether values are lists.
//!
//! - **Detected**: v2 by `requestContext.serviceArn`, or by `version: "2.0"` with a `path` and no
//!   `httpMethod` (payload 2.0 events also have `version: "2.0"`: its format comes before this
//!   one in [`FORMATS`](super::FORMATS)); v1 by `raw_path`, as v1 writes its fields in
//!   snake_case.
//! - **Read**: the method is in `method`. v2 sends headers and query parameters as lists of
//!   values; v1 sends one value each, and may keep the query string in `raw_path`. The client's
//!   address is the first of `X-Forwarded-For`.
//! - **Reply**: `headers`, each name's values joined with `, `, and only the last `Set-Cookie`.

use std::borrow::Cow;

use serde_json::{Map, Value, json};

use super::raw::RawEvent;
use super::read::{ClientIp, Fields, owned};
use super::reply::{Headers, Reply, Style};
use super::synth::Draft;
use super::{Format, ReplyShape};
use crate::request::parse_query;
use crate::response::Response;
use crate::source::Source;

/// The VPC Lattice v2 format.
pub(super) struct V2;

impl Format for V2 {
    fn sources(&self) -> &'static [Source] {
        &[Source::LatticeV2]
    }

    fn detect(&self, raw: &RawEvent<'_>) -> Option<Source> {
        let service = raw
            .request_context
            .as_ref()
            .is_some_and(|c| c.service_arn.is_some());
        let v2 = raw.version.as_deref() == Some("2.0");
        (service || (v2 && raw.path.is_some() && raw.http_method.is_none()))
            .then_some(Source::LatticeV2)
    }

    fn read<'a>(&self, _: Source, raw: &mut RawEvent<'a>) -> Fields<'a> {
        Fields {
            method: raw.method.take(),
            path: raw.path.take(),
            query: owned(raw.query_string_parameters.take()),
            headers: raw.headers.take(),
            cookies: None,
            base64: raw.is_base64_encoded,
            client_ip: ClientIp::ForwardedFor,
            path_decoded: false,
            stage_in_path: false,
        }
    }

    fn reply<'r>(&self, _: ReplyShape, response: &'r Response, reply: &mut Reply<'r>) {
        reply.headers = Some(Headers::new(response.headers(), Style::JoinedLastCookie));
    }

    fn event_for(&self, _: Source, request: &Draft<'_>) -> Value {
        let mut query = Map::new();
        for (name, value) in request.query_pairs() {
            if let Some(values) = query
                .entry(name)
                .or_insert_with(|| json!([]))
                .as_array_mut()
            {
                values.push(json!(value));
            }
        }
        let mut headers = request.multi.clone();
        headers
            .entry(X_FORWARDED_FOR)
            .or_insert_with(|| json!([request.source_ip]));
        json!({
            "version": "2.0",
            "path": request.path,
            "method": request.method,
            "headers": headers,
            "queryStringParameters": query,
            "body": request.body,
            "isBase64Encoded": request.is_base64,
            "requestContext": {
                "serviceNetworkArn": "arn:aws:vpc-lattice:local:123456789012:servicenetwork/sn-local",
                "serviceArn": "arn:aws:vpc-lattice:local:123456789012:service/svc-local",
                "targetGroupArn": "arn:aws:vpc-lattice:local:123456789012:targetgroup/tg-local",
                "identity": { "type": "NONE" },
                "region": "local",
                "timeEpoch": "0",
            },
        })
    }
}

/// The VPC Lattice v1 format.
pub(super) struct V1;

impl Format for V1 {
    fn sources(&self) -> &'static [Source] {
        &[Source::LatticeV1]
    }

    fn detect(&self, raw: &RawEvent<'_>) -> Option<Source> {
        raw.lattice_raw_path.as_ref().map(|_| Source::LatticeV1)
    }

    fn read<'a>(&self, _: Source, raw: &mut RawEvent<'a>) -> Fields<'a> {
        let (path, query) = match raw.lattice_raw_path.take() {
            Some(path) if path.contains('?') => {
                let (path, query) = path.split_once('?').unwrap_or_default();
                (Some(Cow::Owned(path.to_owned())), parse_query(query))
            }
            path => (path, owned(raw.lattice_query.take())),
        };
        Fields {
            method: raw.method.take(),
            path,
            query,
            headers: raw.headers.take(),
            cookies: None,
            base64: raw.lattice_base64,
            client_ip: ClientIp::ForwardedFor,
            path_decoded: false,
            stage_in_path: false,
        }
    }

    fn reply<'r>(&self, _: ReplyShape, response: &'r Response, reply: &mut Reply<'r>) {
        reply.headers = Some(Headers::new(response.headers(), Style::JoinedLastCookie));
    }

    fn event_for(&self, _: Source, request: &Draft<'_>) -> Value {
        // One value per name: the last of a repeated query parameter; a header's joined.
        let query: Map<String, Value> = request
            .query_pairs()
            .into_iter()
            .map(|(name, value)| (name, json!(value)))
            .collect();
        let mut headers: Map<String, Value> = request
            .header_values()
            .map(|(name, values)| (name.to_owned(), json!(values.join(", "))))
            .collect();
        headers
            .entry(X_FORWARDED_FOR)
            .or_insert_with(|| json!(request.source_ip));
        json!({
            "raw_path": request.path,
            "method": request.method,
            "headers": headers,
            "query_string_parameters": query,
            "body": request.body,
            "is_base64_encoded": request.is_base64,
        })
    }
}

/// The header in which VPC Lattice gives the client's address.
const X_FORWARDED_FOR: &str = "x-forwarded-for";

#[cfg(test)]
mod tests {
    use crate::event::parse;

    #[test]
    fn a_v1_query_string_may_be_in_the_raw_path() {
        let event = r#"{"raw_path": "/items?a=1&a=x%20y", "method": "GET",
            "query_string_parameters": {"ignored": "1"}}"#;
        let request = parse(event.as_bytes(), Default::default())
            .unwrap()
            .request
            .unwrap();
        assert_eq!(request.path(), "/items");
        assert_eq!(request.query_all("a").collect::<Vec<_>>(), ["1", "x y"]);
        assert_eq!(request.query("ignored"), None);
    }
}
