//! Peak memory of each framework answering 10,000 events in one process: `peak_memory minik`
//! or `peak_memory lambda_http+axum`. It cycles through the quickstart's REST, HTTP API and
//! ALB events, checks every reply, and prints the process's peak resident set (VmHWM, KiB).

#[path = "../../../examples/quickstart/app.rs"]
#[allow(dead_code)]
mod app;

#[path = "axum_quickstart.rs"]
#[allow(dead_code)]
mod peer;

use minik_benches::ready;

fn main() {
    let contender = std::env::args()
        .nth(1)
        .expect("usage: peak_memory minik|lambda_http+axum");
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/quickstart/events");
    let events: Vec<Vec<u8>> = ["rest", "http", "alb"]
        .iter()
        .flat_map(|source| {
            ["hello", "articles", "events-location", "greetings"]
                .map(|name| format!("{dir}/{source}-{name}.json"))
        })
        .map(|file| std::fs::read(file).expect("quickstart event"))
        .collect();
    let app = app::app().build().expect("the quickstart builds");
    let router = peer::router();
    // SAFETY: single-threaded; see minik_benches::axum_app::router.
    unsafe { std::env::set_var("AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH", "true") };
    let mut bytes = 0usize;
    for i in 0..10_000 {
        let event = &events[i % events.len()];
        let reply = match contender.as_str() {
            // As `minik::run` answers: the payload's bytes as the runtime hands them over.
            "minik" => {
                ready(minik::answer_invocation(&app, event.clone().into())).expect("minik answers")
            }
            "lambda_http+axum" => minik_benches::axum_app::respond(&router, event),
            other => panic!("unknown contender {other}"),
        };
        assert!(
            reply.windows(17).any(|w| w == b"\"statusCode\":200,"),
            "{}",
            String::from_utf8_lossy(&reply)
        );
        bytes += reply.len();
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .map(str::trim)
        .unwrap_or("unknown");
    println!("{contender}: 10000 replies ({bytes} bytes), peak RSS {peak}");
}
