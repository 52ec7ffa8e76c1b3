//! Synthesized events: the event a source would send for an HTTP request, and the HTTP
//! response a reply stands for. Local mode's `serve` and the test client both use them, so
//! that they exercise the same event and reply code as Lambda does.

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
}

static REQUEST_IDS: AtomicU64 = AtomicU64::new(1);

/// The event `source` would send for this request, following AWS's documented shapes.
pub(crate) fn event_for(source: Source, request: &HttpRequest<'_>) -> Value {
    let method = request.method.as_str();
    let path = request.path;
    let raw_query = request.query;
    let body = request.body;
    let request_id = format!("local-{}", REQUEST_IDS.fetch_add(1, Ordering::Relaxed));
    let (body, is_base64) = match std::str::from_utf8(body) {
        Ok(text) => (text.to_owned(), false),
        Err(_) => (base64::engine::general_purpose::STANDARD.encode(body), true),
    };
    let ip = request.source_ip;
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
    let query_pairs: Vec<(String, String)> = form_urlencoded::parse(raw_query.as_bytes())
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect();
    match source {
        Source::RestApi => {
            let (mut q, mut mq) = (Map::new(), Map::new());
            for (name, value) in &query_pairs {
                q.insert(name.clone(), json!(value));
                if let Some(values) = mq
                    .entry(name.clone())
                    .or_insert_with(|| json!([]))
                    .as_array_mut()
                {
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
                "headers": single,
                "multiValueHeaders": multi,
                "queryStringParameters": none_if_empty(q),
                "multiValueQueryStringParameters": none_if_empty(mq),
                "pathParameters": { "proxy": path.trim_start_matches('/') },
                "stageVariables": null,
                "requestContext": {
                    "accountId": "123456789012", "apiId": "local", "stage": "local", "requestId": request_id,
                    "resourcePath": "/{proxy+}", "httpMethod": method, "path": path,
                    "domainName": "localhost", "protocol": "HTTP/1.1", "identity": { "sourceIp": ip },
                },
                "body": body,
                "isBase64Encoded": is_base64,
            })
        }
        Source::Alb => {
            // ALB passes the query through undecoded, and in single-value mode keeps one value.
            let mut q = Map::new();
            for pair in raw_query.split('&').filter(|p| !p.is_empty()) {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                q.insert(name.to_owned(), json!(value));
            }
            json!({
                "requestContext": { "elb": { "targetGroupArn": "arn:aws:elasticloadbalancing:local:123456789012:targetgroup/minik/local" } },
                "httpMethod": method,
                "path": path,
                "queryStringParameters": q,
                "headers": single,
                "body": body,
                "isBase64Encoded": is_base64,
            })
        }
        _ => {
            // HTTP API and Function URL (payload 2.0): lowercase names, repeats joined, cookies apart.
            let mut headers = Map::new();
            let mut cookies = Vec::new();
            for (name, values) in &multi {
                let values: Vec<&str> = values
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                if name == "cookie" {
                    cookies.extend(values.iter().flat_map(|v| v.split("; ")).map(str::to_owned));
                } else {
                    headers.insert(name.clone(), json!(values.join(",")));
                }
            }
            let url = source == Source::FunctionUrl;
            // An HTTP API delivers `rawPath` decoded; a Function URL keeps the encoding.
            let raw_path = if url {
                path.to_owned()
            } else {
                percent_encoding::percent_decode_str(path)
                    .decode_utf8_lossy()
                    .into_owned()
            };
            let domain = if url {
                "local.lambda-url.localhost.on.aws"
            } else {
                "local.execute-api.localhost"
            };
            json!({
                "version": "2.0",
                "routeKey": "$default",
                "rawPath": raw_path,
                "rawQueryString": raw_query,
                "cookies": cookies,
                "headers": headers,
                "requestContext": {
                    "accountId": "123456789012", "apiId": "local", "domainName": domain, "requestId": request_id,
                    "routeKey": "$default", "stage": "$default",
                    "http": { "method": method, "path": raw_path, "protocol": "HTTP/1.1", "sourceIp": ip,
                              "userAgent": single.get("user-agent").cloned().unwrap_or_default() },
                },
                "body": body,
                "isBase64Encoded": is_base64,
            })
        }
    }
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
