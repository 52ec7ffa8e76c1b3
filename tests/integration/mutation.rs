//! Property tests: random events made by mutating the real fixtures (values replaced, keys
//! removed, bytes flipped, payloads cut short) never make minik panic, and every outcome is a
//! reply with a defined status or a clean invocation error.

use std::path::Path;
use std::sync::LazyLock;

use minik::{App, Request};
use proptest::prelude::*;
use serde_json::{Value, json};

/// Every fixture event, as bytes.
static FIXTURES: LazyLock<Vec<Vec<u8>>> = LazyLock::new(|| {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/events");
    let mut events = Vec::new();
    for dir in [
        "aws_lambda_events",
        "lambda_http",
        "powertools-lambda-python",
    ] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            events.push(std::fs::read(entry.unwrap().path()).unwrap());
        }
    }
    events.sort();
    events
});

/// A handler that reads everything a request offers, so that every accessor meets the mutants.
fn inspect(request: Request) -> minik::Result<String> {
    let summary = json!({
        "path": request.path(),
        "raw": request.raw_path(),
        "query": request.query_pairs().len(),
        "cookies": request.cookies().count(),
        "text": request.text().is_ok(),
        "json": request.json::<Value>().is_ok(),
        "claims": request.claims().is_some(),
        "authorizer": request.authorizer().is_some(),
        "ip": request.source_ip(),
        "id": request.request_id(),
        "stage": request.stage(),
        "event": request.event().is_object(),
    });
    Ok(summary.to_string())
}

static APP: LazyLock<App> = LazyLock::new(|| {
    let routes = "[[route]]\npath = \"/\"\nhandler = \"inspect\"\n\n[[route]]\npath = \"/{rest+}\"\nhandler = \"inspect\"\n";
    App::from_toml("mutation.toml", routes)
        .handler("inspect", inspect)
        .build()
        .unwrap()
});

#[derive(Debug, Clone)]
enum Mutation {
    Remove,
    Replace(Value),
}

fn json_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|x| json!(x)),
        "\\PC{0,12}".prop_map(Value::String),
        "[\\x00-\\x1f\r\n%/{}+ ]{0,8}".prop_map(Value::String),
        prop::sample::select(vec![
            "GET", "", "/", "//", "%zz", "true", "2.0", "$default", "aGVsbG8="
        ])
        .prop_map(|s| json!(s)),
        Just(json!({})),
        Just(json!([])),
        Just(json!(["a", null, 1])),
        Just(json!({ "a": ["b"], "c": null })),
    ]
}

fn mutation() -> impl Strategy<Value = (usize, Mutation)> {
    (
        any::<usize>(),
        prop_oneof![1 => Just(Mutation::Remove), 4 => json_value().prop_map(Mutation::Replace)],
    )
}

/// Every JSON pointer of `value`, root excluded.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    let children: Vec<(String, &Value)> = match value {
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| (k.replace('~', "~0").replace('/', "~1"), v))
            .collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect(),
        _ => Vec::new(),
    };
    for (key, child) in children {
        let pointer = format!("{at}/{key}");
        out.push(pointer.clone());
        pointers(child, pointer, out);
    }
}

fn apply(mut event: Value, (selector, mutation): &(usize, Mutation)) -> Value {
    let mut all = Vec::new();
    pointers(&event, String::new(), &mut all);
    let Some(pointer) = all.get(selector % all.len().max(1)).cloned() else {
        return event;
    };
    match mutation {
        Mutation::Replace(value) => {
            if let Some(target) = event.pointer_mut(&pointer) {
                *target = value.clone();
            }
        }
        Mutation::Remove => {
            let (parent, key) = pointer.rsplit_once('/').unwrap_or_default();
            let key = key.replace("~1", "/").replace("~0", "~");
            match event.pointer_mut(parent) {
                Some(Value::Object(map)) => {
                    map.remove(&key);
                }
                Some(Value::Array(items)) => {
                    if let Ok(i) = key.parse::<usize>() {
                        if i < items.len() {
                            items.remove(i);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    event
}

fn check(event: &[u8]) -> Result<(), TestCaseError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    match runtime.block_on(APP.respond(event)) {
        Err(error) => prop_assert!(!error.to_string().is_empty()),
        Ok(reply) => {
            let reply: Value = serde_json::from_slice(&reply).expect("a reply is always JSON");
            let status = reply["statusCode"].as_u64().unwrap_or_default();
            prop_assert!(
                [200, 400, 404, 405].contains(&status),
                "status {} for a mutant: {}",
                status,
                reply
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// Values replaced and keys removed anywhere in real events.
    #[test]
    fn mutated_events_get_defined_outcomes(fixture in any::<prop::sample::Index>(), mutations in prop::collection::vec(mutation(), 1..6)) {
        let original = &FIXTURES[fixture.index(FIXTURES.len())];
        let mut event: Value = serde_json::from_slice(original).unwrap();
        for m in &mutations {
            event = apply(event, m);
        }
        check(&serde_json::to_vec(&event).unwrap())?;
    }

    /// Bytes flipped, inserted and cut in real events.
    #[test]
    fn corrupted_bytes_get_defined_outcomes(
        fixture in any::<prop::sample::Index>(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
        cut in prop::option::of(any::<prop::sample::Index>()),
    ) {
        let mut event = FIXTURES[fixture.index(FIXTURES.len())].clone();
        for (at, byte) in flips {
            let i = at.index(event.len());
            event[i] = byte;
        }
        if let Some(cut) = cut {
            event.truncate(cut.index(event.len() + 1));
        }
        check(&event)?;
    }
}

#[test]
fn every_fixture_is_loaded() {
    assert!(FIXTURES.len() >= 85);
}
