//! API Gateway REST APIs, and HTTP APIs with payload format 1.0.
//!
//! - **Detected** by `httpMethod` and `path`. ALB events have both too: this format comes after
//!   ALB's in [`FORMATS`](super::FORMATS).
//! - **Read**: `path` is the path as the client sent it, percent-encoded; REST APIs leave the
//!   stage out of it. `resource` (the API's template) is not used. Headers and query
//!   parameters come from the multi-value maps, which hold every value, else from the
//!   single-value maps, which hold one; query values arrive decoded. The client's address is
//!   `requestContext.identity.sourceIp`.
//! - **Reply**: `headers` holds the names with one value and `multiValueHeaders` the names with
//!   several, `Set-Cookie` included in either.

use serde_json::{Map, Value, json};

use super::raw::RawEvent;
use super::read::{ClientIp, Fields, owned};
use super::reply::{Headers, Reply, Style};
use super::synth::Draft;
use super::{Format, ReplyShape};
use crate::response::Response;
use crate::source::Source;

/// The REST API format.
pub(super) struct Rest;

impl Format for Rest {
    fn sources(&self) -> &'static [Source] {
        &[Source::RestApi]
    }

    fn detect(&self, raw: &RawEvent<'_>) -> Option<Source> {
        (raw.http_method.is_some() && raw.path.is_some()).then_some(Source::RestApi)
    }

    fn read<'a>(&self, _: Source, raw: &mut RawEvent<'a>) -> Fields<'a> {
        let query = raw.multi_value_query_string_parameters.take();
        let query = query.or_else(|| raw.query_string_parameters.take());
        let identity = raw.request_context.as_mut().and_then(|c| c.identity.take());
        Fields {
            method: raw.http_method.take(),
            path: raw.path.take(),
            query: owned(query),
            headers: raw
                .multi_value_headers
                .take()
                .or_else(|| raw.headers.take()),
            cookies: None,
            base64: raw.is_base64_encoded,
            client_ip: ClientIp::Reported(identity.and_then(|i| i.source_ip)),
            path_decoded: false,
            stage_in_path: false,
        }
    }

    fn reply<'r>(&self, _: ReplyShape, response: &'r Response, reply: &mut Reply<'r>) {
        let headers = response.headers();
        reply.headers = Some(Headers::new(headers, Style::SingleOnly));
        reply.multi_value_headers = Some(Headers::new(headers, Style::MultiOnly));
    }

    fn event_for(&self, _: Source, request: &Draft<'_>) -> Value {
        let (method, path) = (request.method, request.path);
        let (mut q, mut mq) = (Map::new(), Map::new());
        for (name, value) in request.query_pairs() {
            q.insert(name.clone(), json!(value));
            if let Some(values) = mq.entry(name).or_insert_with(|| json!([])).as_array_mut() {
                values.push(json!(value));
            }
        }
        let none_if_empty = |map: Map<String, Value>| {
            if map.is_empty() {
                Value::Null
            } else {
                Value::Object(map)
            }
        };
        json!({
            "resource": "/{proxy+}",
            "path": path,
            "httpMethod": method,
            "headers": request.single,
            "multiValueHeaders": request.multi,
            "queryStringParameters": none_if_empty(q),
            "multiValueQueryStringParameters": none_if_empty(mq),
            "pathParameters": { "proxy": path.trim_start_matches('/') },
            "stageVariables": null,
            "requestContext": {
                "accountId": "123456789012", "apiId": "local", "stage": "local",
                "requestId": request.request_id, "resourcePath": "/{proxy+}",
                "httpMethod": method, "path": path, "domainName": "localhost",
                "protocol": "HTTP/1.1", "identity": { "sourceIp": request.source_ip },
            },
            "body": request.body,
            "isBase64Encoded": request.is_base64,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::event::parse;

    #[test]
    fn the_stage_is_not_in_the_path() {
        let event = r#"{"httpMethod": "GET", "path": "/prod/items",
            "requestContext": {"stage": "prod"}}"#;
        let request = parse(event.as_bytes(), Default::default())
            .unwrap()
            .request
            .unwrap();
        assert_eq!(request.path(), "/prod/items");
        assert_eq!(request.stage(), Some("prod"));
    }
}
