//! The benches' comparisons as plain loops, to count instructions with callgrind, which does
//! not drift with the machine as wall-clock time does (BENCHMARKS.md, "Instruction counts").
//! `python3 benches/instructions.py` counts them all; one alone:
//!
//! ```sh
//! cargo build --release --bin instructions
//! valgrind --tool=callgrind --toggle-collect='instructions::count_*' \
//!     target/release/instructions per-event minik alb-multi-value 2000
//! ```
//!
//! Divide the "Collected" figure by the count. `per-event {minik,previous,axum,floor} EVENT N` (minik:
//! the run path, with `minik::run`'s subscriber; EVENT: `rest-v1`, `http-api-v2`,
//! `alb-multi-value` or a fixture's `directory/file.json`),
//! `lookup {minik,matchit} {hits,misses,PATH} N` (PATH: one path of either list),
//! `not-allowed {minik,matchit} N` (the 405 list of the lookup bench, one per path),
//! `startup {minik,matchit} N`, `scale {10,10000} N`. Every loop checks its results, as the
//! benches do.

use std::hint::black_box;

use bytes::Bytes;
use minik::{MatchError, Method, RouteTable};
use minik_benches::{
    GITHUB_HITS, GITHUB_MISSES, all_fixtures, axum_app, events, github_matchit, github_requests, github_routes_file,
    install_run_subscriber, minik_app, ready, scaled_routes_file,
};
use serde_json::Value;

/// The run path: what `minik::run` does with one invocation's payload.
#[inline(never)]
fn count_minik_event(app: &minik::App, event: &Bytes, expected: &[u8], n: usize) {
    for _ in 0..n {
        let reply = ready(minik::answer_invocation(app, black_box(event.clone()))).unwrap();
        assert_eq!(reply, expected);
    }
}

/// The run path as `minik::run` took it before the payload layer: the payload validated into
/// a `RawValue` by the runtime, read by `App::respond`, the reply validated again into a
/// `RawValue` and serialized. Kept to show what the layer saves.
#[inline(never)]
fn count_previous_event(app: &minik::App, event: &Bytes, expected: &[u8], n: usize) {
    use serde_json::value::RawValue;
    for _ in 0..n {
        let payload: Box<RawValue> = serde_json::from_slice(black_box(event)).unwrap();
        let reply = ready(app.respond(payload.get().as_bytes())).unwrap();
        let reply = RawValue::from_string(String::from_utf8(reply).unwrap()).unwrap();
        assert_eq!(serde_json::to_vec(&reply).unwrap(), expected);
    }
}

#[inline(never)]
fn count_axum_event(event: &[u8], n: usize) {
    let router = axum_app::router();
    let expected = axum_app::respond(&router, event);
    for _ in 0..n {
        assert_eq!(axum_app::respond(&router, black_box(event)), expected);
    }
}

#[inline(never)]
fn count_floor_event(event: &[u8], reply: &Value, expected_len: usize, n: usize) {
    for _ in 0..n {
        let parsed: Value = serde_json::from_slice(black_box(event)).unwrap();
        assert!(parsed.is_object());
        let bytes = serde_json::to_vec(black_box(reply)).unwrap();
        assert_eq!(bytes.len(), expected_len);
    }
}

#[inline(never)]
fn count_minik_lookups(table: &RouteTable, requests: &[(Method, &str)], hit: bool, n: usize) {
    for _ in 0..n {
        for (method, path) in requests {
            assert_eq!(table.at(method, black_box(path)).is_ok(), hit);
        }
    }
}

#[inline(never)]
fn count_minik_not_allowed(table: &RouteTable, requests: &[(Method, &str)], n: usize) {
    for _ in 0..n {
        for (method, path) in requests {
            let error = table.at(method, black_box(path)).unwrap_err();
            assert!(matches!(error, MatchError::MethodNotAllowed { .. }));
        }
    }
}

#[inline(never)]
fn count_matchit_lookups(
    router: &matchit::Router<Vec<String>>,
    requests: &[(Method, &str)],
    hit: bool,
    n: usize,
) {
    for _ in 0..n {
        for (method, path) in requests {
            let found = router.at(black_box(path));
            let accepted = found.is_ok_and(|m| m.value.iter().any(|x| x == method.as_str()));
            assert_eq!(accepted, hit);
        }
    }
}

#[inline(never)]
fn count_minik_startup(file: &str, n: usize) {
    for _ in 0..n {
        let table = RouteTable::from_toml("github.toml", black_box(file)).unwrap();
        assert_eq!(table.routes().count(), 203);
    }
}

#[inline(never)]
fn count_matchit_startup(n: usize) {
    for _ in 0..n {
        assert!(github_matchit().at("/user").is_ok());
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let count = |s: &str| s.parse::<usize>().expect("a count");
    let requests = |list: &[(&'static str, &'static str)]| -> Vec<(Method, &'static str)> {
        list.iter().map(|(m, p)| (m.parse().unwrap(), *p)).collect()
    };
    match args.as_slice() {
        ["per-event", who, name, n] => {
            install_run_subscriber();
            let app = minik_app::app();
            // One of the three named events, or any fixture by `directory/file.json`.
            let event = events()
                .into_iter()
                .find(|(e, _)| e == name)
                .map(|(_, event)| event)
                .or_else(|| {
                    let mut fixtures = all_fixtures().into_iter();
                    fixtures.find(|(f, _)| f == name).map(|(_, e)| e)
                })
                .expect("an event");
            let event = Bytes::from(event);
            let reply = ready(minik::answer_invocation(&app, event.clone())).unwrap();
            match *who {
                "minik" => count_minik_event(&app, &event, &reply, count(n)),
                "previous" => count_previous_event(&app, &event, &reply, count(n)),
                "axum" => count_axum_event(&event, count(n)),
                "floor" => {
                    let value: Value = serde_json::from_slice(&reply).unwrap();
                    let len = serde_json::to_vec(&value).unwrap().len();
                    count_floor_event(&event, &value, len, count(n));
                }
                _ => panic!("minik, previous, axum or floor"),
            }
        }
        ["lookup", who, set, n] => {
            let (list, hit) = match *set {
                "hits" => (&GITHUB_HITS[..], true),
                "misses" => (&GITHUB_MISSES[..], false),
                // One listed path alone, to see where its lookup's instructions go.
                path => {
                    let hit = GITHUB_HITS.iter().any(|(_, p)| *p == path);
                    let list = if hit {
                        &GITHUB_HITS[..]
                    } else {
                        &GITHUB_MISSES[..]
                    };
                    let at = list.iter().position(|(_, p)| *p == path);
                    let at = at.expect("hits, misses or a path of either list");
                    (&list[at..=at], hit)
                }
            };
            let requests = requests(list);
            match *who {
                "minik" => {
                    let table = RouteTable::from_toml("github.toml", &github_routes_file());
                    count_minik_lookups(&table.unwrap(), &requests, hit, count(n));
                }
                "matchit" => count_matchit_lookups(&github_matchit(), &requests, hit, count(n)),
                _ => panic!("minik or matchit"),
            }
        }
        ["not-allowed", who, n] => {
            let list = github_requests().not_allowed;
            let requests: Vec<(Method, &str)> = list
                .iter()
                .map(|(method, path)| (method.parse().unwrap(), path.as_str()))
                .collect();
            match *who {
                "minik" => {
                    let table = RouteTable::from_toml("github.toml", &github_routes_file());
                    count_minik_not_allowed(&table.unwrap(), &requests, count(n));
                }
                "matchit" => count_matchit_lookups(&github_matchit(), &requests, false, count(n)),
                _ => panic!("minik or matchit"),
            }
        }
        ["startup", "minik", n] => count_minik_startup(&github_routes_file(), count(n)),
        ["startup", "matchit", n] => count_matchit_startup(count(n)),
        ["scale", size, n] => {
            let table = RouteTable::from_toml("scale.toml", &scaled_routes_file(count(size)));
            let paths = [
                "/api/r0",
                "/api/r0/42",
                "/api/r0/42/items",
                "/api/r0/42/items/x",
            ];
            let requests: Vec<(Method, &str)> = paths.iter().map(|p| (Method::GET, *p)).collect();
            count_minik_lookups(&table.unwrap(), &requests, true, count(n));
        }
        _ => panic!("usage: see the doc comment of benches/src/bin/instructions.rs"),
    }
}
