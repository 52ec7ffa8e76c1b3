//! The run path: what `minik::run` does with each invocation on Lambda (the payload's bytes as
//! the runtime receives them in, the bytes it posts as the reply out), raced against
//! lambda_http + axum doing the same (`lambda_http::run`'s work per invocation) and against the
//! floor (`serde_json::from_slice::<Value>` of the event and `serde_json::to_vec` of the same
//! reply), over every HTTP event of `tests/fixtures/events`: all sources, all sizes.
//!
//! The subscriber `minik::run` installs is installed (writing nowhere), so that the request
//! span is enabled as on Lambda. Contenders are interleaved: each round times every contender
//! on every event, in a rotating order, for a batch of about two milliseconds; a line's ratio
//! is the median of its rounds' ratios. Every timed reply is checked against the one the
//! contender gave before timing.
//!
//! `cargo bench --bench run_path` measures (`RUN_PATH_ROUNDS`, 15 by default) and writes
//! `target/run_path.json`; `cargo test --benches` only checks every contender on every event.

use std::hint::black_box;
use std::time::Instant;

use bytes::Bytes;
use minik_benches::{axum_app, install_run_subscriber, minik_app, ready};
use serde_json::{Value, json};

/// One HTTP event and each contender's reply to it.
struct Case {
    name: String,
    event: Bytes,
    minik_reply: Vec<u8>,
    /// `None` where lambda_http does not read the event (VPC Lattice).
    axum_reply: Option<Vec<u8>>,
    floor_reply: Value,
}

fn status(reply: &[u8]) -> Value {
    let reply: Value = serde_json::from_slice(reply).expect("a JSON reply");
    reply["statusCode"].clone()
}

fn cases(app: &minik::App, router: &axum::Router) -> Vec<Case> {
    let mut cases = Vec::new();
    // lambda_http panics on a few events (a path that is not a valid URI): quietly, here.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for (name, bytes) in minik_benches::all_fixtures() {
        let event = Bytes::from(bytes);
        // Events that are not HTTP requests (authorizers, WebSocket) fail the invocation.
        let Ok(minik_reply) = ready(minik::answer_invocation(app, event.clone())) else {
            continue;
        };
        let axum_reply = axum_app::try_respond(router, &event);
        let floor_reply = serde_json::from_slice(&minik_reply).expect("minik's reply is JSON");
        assert!(status(&minik_reply).is_u64(), "minik on {name}");
        if let Some(reply) = &axum_reply {
            assert!(status(reply).is_u64(), "lambda_http + axum on {name}");
        }
        cases.push(Case {
            name,
            event,
            minik_reply,
            axum_reply,
            floor_reply,
        });
    }
    std::panic::set_hook(hook);
    cases
}

fn minik_once(app: &minik::App, case: &Case) {
    let reply = ready(minik::answer_invocation(app, black_box(case.event.clone())));
    assert_eq!(reply.as_deref(), Ok(&case.minik_reply[..]), "{}", case.name);
}

fn axum_once(router: &axum::Router, case: &Case, expected: &[u8]) {
    let reply = axum_app::respond(router, black_box(&case.event));
    assert_eq!(reply, expected, "{}", case.name);
}

fn floor_once(case: &Case) {
    let parsed: Value = serde_json::from_slice(black_box(&case.event)).unwrap();
    assert!(parsed.is_object());
    let reply = serde_json::to_vec(black_box(&case.floor_reply)).unwrap();
    assert_eq!(reply.len(), case.minik_reply.len(), "{}", case.name);
}

/// Nanoseconds per iteration of `once`, over `n` iterations.
fn time(n: u32, mut once: impl FnMut()) -> f64 {
    let start = Instant::now();
    for _ in 0..n {
        once();
    }
    start.elapsed().as_nanos() as f64 / f64::from(n)
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[(values.len() - 1) / 2]
}

fn main() {
    install_run_subscriber();
    let app = minik_app::app();
    let router = axum_app::router();
    let cases = cases(&app, &router);
    assert!(cases.len() >= 50, "{} HTTP events", cases.len());
    // Every contender once on every event, its reply checked: what `cargo test --benches` runs.
    for case in &cases {
        minik_once(&app, case);
        floor_once(case);
        if let Some(expected) = &case.axum_reply {
            axum_once(&router, case, expected);
        }
    }
    if !std::env::args().any(|arg| arg == "--bench") {
        println!(
            "run_path: {} HTTP events, every contender checked",
            cases.len()
        );
        return;
    }
    let rounds: usize = std::env::var("RUN_PATH_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(15);
    // Batch sizes: about two milliseconds of the floor per batch.
    let batches: Vec<u32> = cases
        .iter()
        .map(|case| {
            let ns = time(200, || floor_once(case));
            (2_000_000.0 / ns).clamp(20.0, 20_000.0) as u32
        })
        .collect();
    // times[case][contender][round]: minik, floor, lambda_http + axum.
    let mut times = vec![[Vec::new(), Vec::new(), Vec::new()]; cases.len()];
    for round in 0..rounds {
        for (i, case) in cases.iter().enumerate() {
            let n = batches[i];
            for k in 0..3 {
                match (round + k) % 3 {
                    0 => times[i][0].push(time(n, || minik_once(&app, case))),
                    1 => times[i][1].push(time(n, || floor_once(case))),
                    _ => {
                        if let Some(expected) = &case.axum_reply {
                            times[i][2].push(time(n, || axum_once(&router, case, expected)));
                        }
                    }
                }
            }
        }
    }
    let mut results = Vec::new();
    for (case, [minik, floor, axum]) in cases.iter().zip(&mut times) {
        let mut vs_floor: Vec<f64> = minik.iter().zip(&*floor).map(|(m, f)| m / f).collect();
        let mut vs_axum: Vec<f64> = minik.iter().zip(&*axum).map(|(m, a)| m / a).collect();
        let line = json!({
            "event": case.name,
            "bytes": case.event.len(),
            "status": status(&case.minik_reply),
            "minik_ns": median(minik),
            "floor_ns": median(floor),
            "axum_ns": (!axum.is_empty()).then(|| median(axum)),
            "vs_floor": median(&mut vs_floor),
            "vs_axum": (!vs_axum.is_empty()).then(|| median(&mut vs_axum)),
        });
        println!("{line}");
        results.push(line);
    }
    let out = concat!(env!("CARGO_MANIFEST_DIR"), "/target/run_path.json");
    let document = json!({ "rounds": rounds, "events": results });
    std::fs::write(out, serde_json::to_vec_pretty(&document).unwrap()).expect("write the results");
}
