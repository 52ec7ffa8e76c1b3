//! Per event: raw event bytes in, raw response bytes out, for three real events, against
//! lambda_http + axum doing the same work and against the floor (parsing the event into a
//! `serde_json::Value` and serializing the same reply). Every iteration checks its result.

use criterion::{Criterion, criterion_group, criterion_main};
use minik_benches::{axum_app, events, expected_body, minik_app, ready};
use serde_json::Value;
use std::hint::black_box;

fn body_of(reply: &[u8]) -> Value {
    let reply: Value = serde_json::from_slice(reply).unwrap();
    assert_eq!(reply["statusCode"], 200, "{reply}");
    serde_json::from_str(reply["body"].as_str().unwrap()).unwrap()
}

fn per_event(c: &mut Criterion) {
    let app = minik_app::app();
    let router = axum_app::router();
    for (name, event) in events() {
        // Each contender's reply, checked once in full, then compared byte for byte in the loop.
        let minik_reply = ready(app.respond(&event)).unwrap();
        let axum_reply = axum_app::respond(&router, &event);
        assert_eq!(
            body_of(&minik_reply),
            expected_body(name),
            "minik on {name}"
        );
        assert_eq!(
            body_of(&axum_reply),
            expected_body(name),
            "lambda_http + axum on {name}"
        );
        let reply_value: Value = serde_json::from_slice(&minik_reply).unwrap();

        let mut group = c.benchmark_group(format!("per_event/{name}"));
        group.bench_function("minik", |b| {
            b.iter(|| {
                let reply = ready(app.respond(black_box(&event))).unwrap();
                assert_eq!(reply, minik_reply);
            })
        });
        group.bench_function("lambda_http+axum", |b| {
            b.iter(|| {
                let reply = axum_app::respond(&router, black_box(&event));
                assert_eq!(reply, axum_reply);
            })
        });
        group.bench_function("floor", |b| {
            b.iter(|| {
                let parsed: Value = serde_json::from_slice(black_box(&event)).unwrap();
                assert!(parsed.is_object());
                let reply = serde_json::to_vec(black_box(&reply_value)).unwrap();
                assert_eq!(reply.len(), minik_reply.len());
            })
        });
        group.finish();
    }
}

criterion_group!(benches, per_event);
criterion_main!(benches);
