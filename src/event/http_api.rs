//! Payload format 2.0: API Gateway HTTP APIs and Lambda Function URLs.
//!
//! One format for both sources, because they send the same event and take the same reply. They
//! differ only in the path: an HTTP API delivers `rawPath` percent-decoded and, on
//! `execute-api` hosts, with a named stage in front of it; a Function URL delivers it as the
//! client sent it, with no stage. A module each would repeat everything else.
//!
//! - **Detected** by `version: "2.0"` with `rawPath` and `requestContext.http`; a Function URL
//!   by its `requestContext.domainName`, a `.lambda-url.` host. VPC Lattice v2 events also have
//!   `version: "2.0"`: this format comes before theirs in [`FORMATS`](super::FORMATS).
//! - **Read**: the method and the client's address are in `requestContext.http`, the query in
//!   `rawQueryString`, decoded here. HTTP APIs move cookies out of the headers into `cookies`;
//!   they are given back as one `Cookie` header.
//! - **Reply**: `headers`, each name's values joined with `, `, without `Set-Cookie`; the
//!   cookies in the top-level `cookies` list, always present.

use serde_json::{Value, json};

use super::raw::RawEvent;
use super::read::{ClientIp, Fields};
use super::reply::{Cookies, Headers, Reply, Style};
use super::synth::Draft;
use super::{Format, ReplyShape};
use crate::request::parse_query;
use crate::response::Response;
use crate::source::Source;

/// The payload 2.0 format.
pub(super) struct PayloadV2;

impl Format for PayloadV2 {
    fn sources(&self) -> &'static [Source] {
        &[Source::HttpApi, Source::FunctionUrl]
    }

    fn detect(&self, raw: &RawEvent<'_>) -> Option<Source> {
        let context = raw.request_context.as_ref()?;
        if context.http.is_none() || raw.version.as_deref() != Some("2.0") || raw.raw_path.is_none()
        {
            return None;
        }
        let url = context
            .domain_name
            .as_deref()
            .is_some_and(|d| d.contains(".lambda-url."));
        Some(if url {
            Source::FunctionUrl
        } else {
            Source::HttpApi
        })
    }

    fn read<'a>(&self, source: Source, raw: &mut RawEvent<'a>) -> Fields<'a> {
        let http = raw.request_context.as_mut().and_then(|c| c.http.take());
        let http = http.unwrap_or_default();
        let query = raw.raw_query_string.as_deref().map(parse_query);
        let http_api = source == Source::HttpApi;
        Fields {
            method: http.method,
            path: raw.raw_path.take(),
            query: query.unwrap_or_default(),
            headers: raw.headers.take(),
            cookies: raw.cookies.take(),
            base64: raw.is_base64_encoded,
            client_ip: ClientIp::Reported(http.source_ip),
            path_decoded: http_api,
            stage_in_path: http_api,
        }
    }

    fn reply<'r>(&self, _: ReplyShape, response: &'r Response, reply: &mut Reply<'r>) {
        let headers = response.headers();
        reply.headers = Some(Headers::new(headers, Style::JoinedWithoutCookies));
        reply.cookies = Some(Cookies(headers));
    }

    fn event_for(&self, source: Source, request: &Draft<'_>) -> Value {
        // Lowercase names, repeats joined, cookies apart.
        let mut headers = serde_json::Map::new();
        let mut cookies = Vec::new();
        for (name, values) in request.header_values() {
            if name == "cookie" {
                cookies.extend(values.iter().flat_map(|v| v.split("; ")).map(str::to_owned));
            } else {
                headers.insert(name.to_owned(), json!(values.join(",")));
            }
        }
        let url = source == Source::FunctionUrl;
        let raw_path = if url {
            request.path.to_owned()
        } else {
            percent_encoding::percent_decode_str(request.path)
                .decode_utf8_lossy()
                .into_owned()
        };
        let domain = if url {
            "local.lambda-url.localhost.on.aws"
        } else {
            "local.execute-api.localhost"
        };
        let user_agent = request.single.get("user-agent").cloned();
        json!({
            "version": "2.0",
            "routeKey": "$default",
            "rawPath": raw_path,
            "rawQueryString": request.query,
            "cookies": cookies,
            "headers": headers,
            "requestContext": {
                "accountId": "123456789012", "apiId": "local", "domainName": domain,
                "requestId": request.request_id, "routeKey": "$default", "stage": "$default",
                "http": {
                    "method": request.method, "path": raw_path, "protocol": "HTTP/1.1",
                    "sourceIp": request.source_ip, "userAgent": user_agent.unwrap_or_default(),
                },
            },
            "body": request.body,
            "isBase64Encoded": request.is_base64,
        })
    }
}
