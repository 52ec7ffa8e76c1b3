//! Any bytes as a Lambda invocation payload: a reply or an error, never a panic.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use minik::{App, Path, Request};

static APP: LazyLock<App> = LazyLock::new(|| {
    let routes = "[[route]]\npath = \"/items/{id}\"\nmethods = [\"GET\"]\nhandler = \"item\"\nparams = { id = \"int\" }\n\n\
                  [[route]]\npath = \"/{rest+}\"\nhandler = \"any\"\n";
    App::from_toml("fuzz.toml", routes)
        .handler("item", |Path(id): Path<i64>| id.to_string())
        .handler("any", |request: Request| {
            // Touch what handlers read, so that the fuzzer reaches the accessors too.
            let read = (
                request.path().len(),
                request.query_pairs().len(),
                request.cookies().count(),
            );
            let json = request.json::<serde_json::Value>().is_ok();
            let claims = request.claims().is_some();
            format!("{read:?} {json} {claims}")
        })
        .build()
        .expect("the fuzz app builds")
});

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime")
});

fuzz_target!(|event: &[u8]| {
    if let Ok(reply) = RUNTIME.block_on(APP.respond(event)) {
        assert!(
            reply.starts_with(b"{\"statusCode\":"),
            "a reply starts with its status"
        );
    }
});
