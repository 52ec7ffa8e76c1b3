//! A `tracing` span per request, with the request id, method, route template, status and
//! duration, whatever the outcome.

use std::io::Write;
use std::sync::{Arc, Mutex};

use minik::{App, Path, Source};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

/// The fields of every closed `request` span, as `name=value` strings.
#[derive(Clone, Default)]
struct Spans(Arc<Mutex<Vec<Vec<String>>>>);

#[derive(Default)]
struct Fields(Vec<String>);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push(format!("{}={value:?}", field.name()));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push(format!("{}={value}", field.name()));
    }
}

impl<S: tracing::Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Spans {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(fields);
        }
    }
    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            if let Some(fields) = span.extensions_mut().get_mut::<Fields>() {
                values.record(fields);
            }
        }
    }
    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(&id) {
            if span.name() == "request" {
                let fields = span
                    .extensions()
                    .get::<Fields>()
                    .map(|f| f.0.clone())
                    .unwrap_or_default();
                self.0.lock().unwrap().push(fields);
            }
        }
    }
}

/// Runs `f` with `subscriber` as this thread's default, so that tests that capture logs can
/// run beside others.
///
/// tracing caches each callsite's interest for the whole process, and while one dispatcher is
/// registered it asks the thread that first reaches the callsite: another test's thread,
/// without a subscriber, would turn minik's `request` span off for good
/// (tokio-rs/tracing#3611). With a second live dispatcher every registered subscriber is
/// asked, and the rebuild corrects what was cached before.
pub(crate) fn with_subscriber<T>(
    subscriber: impl tracing::Subscriber + Send + Sync + 'static,
    f: impl FnOnce() -> T,
) -> T {
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    tracing::subscriber::with_default(subscriber, || {
        tracing::callsite::rebuild_interest_cache();
        f()
    })
}

#[test]
fn every_request_gets_a_span_with_its_outcome() {
    let spans = Spans::default();
    let subscriber = tracing_subscriber::registry().with(spans.clone());
    let routes = "[[route]]\npath = \"/hello/{name}\"\nmethods = [\"GET\"]\nhandler = \"hello\"";
    let app = App::from_toml("r.toml", routes)
        .handler("hello", |Path(name): Path<String>| name)
        .build()
        .unwrap();
    with_subscriber(subscriber, || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(async {
            app.test()
                .get("/hello/ada")
                .source(Source::RestApi)
                .send()
                .await
                .unwrap();
            app.test().post("/hello/ada").send().await.unwrap();
            app.test().get("/nowhere").send().await.unwrap();
        });
    });
    let spans = spans.0.lock().unwrap().clone();
    assert_eq!(spans.len(), 3, "{spans:?}");
    let field = |span: &Vec<String>, name: &str| -> Option<String> {
        span.iter()
            .rev()
            .find_map(|f| f.strip_prefix(&format!("{name}=")).map(str::to_owned))
    };
    assert_eq!(field(&spans[0], "method").as_deref(), Some("GET"));
    assert_eq!(field(&spans[0], "route").as_deref(), Some("/hello/{name}"));
    assert_eq!(field(&spans[0], "status").as_deref(), Some("200"));
    assert!(
        field(&spans[0], "request_id").is_some_and(|id| id.starts_with("local-")),
        "{:?}",
        spans[0]
    );
    assert!(
        field(&spans[0], "duration_us").is_some_and(|d| d.parse::<u64>().is_ok()),
        "{:?}",
        spans[0]
    );
    assert_eq!(field(&spans[1], "status").as_deref(), Some("405"));
    assert_eq!(field(&spans[2], "status").as_deref(), Some("404"));
    assert_eq!(field(&spans[2], "route"), None, "no route matched");
}

#[test]
fn the_request_span_carries_the_x_ray_trace_id_and_whether_it_is_a_cold_start() {
    let spans = Spans::default();
    let subscriber = tracing_subscriber::registry().with(spans.clone());
    let routes = "[[route]]\npath = \"/hello/{name}\"\nhandler = \"hello\"";
    let app = App::from_toml("r.toml", routes)
        .handler("hello", |Path(name): Path<String>| name)
        .build()
        .unwrap();
    let event = br#"{"version": "2.0", "rawPath": "/hello/ada", "rawQueryString": "",
        "requestContext": {"http": {"method": "GET"}, "stage": "$default"}}"#;
    let mut context = lambda_runtime::Context::default();
    context.xray_trace_id =
        Some("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1".into());
    let context = Some(Arc::new(context));
    with_subscriber(subscriber, || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(async {
            for _ in 0..2 {
                let reply = app
                    .respond_with_context(event, context.clone())
                    .await
                    .unwrap();
                assert!(reply.starts_with(br#"{"statusCode":200"#));
            }
        });
    });
    let spans = spans.0.lock().unwrap().clone();
    assert_eq!(spans.len(), 2, "{spans:?}");
    for span in &spans {
        assert!(
            span.contains(&"xray_trace_id=Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1".to_owned()),
            "{span:?}"
        );
        // Other tests of this process may have served the first request.
        assert!(
            span.iter().any(|f| f.starts_with("cold_start=")),
            "{span:?}"
        );
    }
    assert!(
        spans[1].contains(&"cold_start=false".to_owned()),
        "{:?}",
        spans[1]
    );
}

/// The lines a `fmt` subscriber writes, kept in memory.
#[derive(Clone, Default)]
pub(crate) struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    pub(crate) fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}
