//! The streaming example's handlers, bound by name to the routes in `routes.toml`.

use std::convert::Infallible;
use std::time::Duration;

use futures_util::stream::{self, Stream, StreamExt};
use minik::cookie::Cookie;
use minik::http::header;
use minik::stream::{Event, KeepAlive, Sse, Streaming};
use minik::{App, AppBuilder, IntoResponse, Path};

/// `GET /ticks/{count}`: `count` events named `tick`, one a second, with a keep-alive
/// comment should the client wait longer; the cookie shows that cookies reach the client in
/// the stream's prelude.
pub(crate) fn ticks(Path(count): Path<u32>) -> impl IntoResponse {
    let events = stream::unfold(1, move |n| async move {
        if n > count {
            return None;
        }
        if n > 1 {
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        let event = Event::default()
            .event("tick")
            .id(n.to_string())
            .data(n.to_string());
        Some((Ok::<_, Infallible>(event), n + 1))
    });
    let cookie = Cookie::build(("ticks", count.to_string())).path("/ticks");
    let sse = Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)));
    ([(header::SET_COOKIE, cookie.to_string())], sse)
}

/// `GET /tokens`: a sentence, one word every 100 ms, then `[DONE]`, as chat APIs send them.
pub(crate) fn tokens() -> Sse<impl Stream<Item = Result<Event, Infallible>> + Send> {
    const ANSWER: &str = "Streaming sends each token as soon as it is ready, so the reader starts before the writer ends.";
    let words = ANSWER.split(' ').map(|word| format!("{word} "));
    let done = std::iter::once("[DONE]".to_owned());
    let events = stream::iter(words.chain(done)).then(|token| async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        Ok(Event::default().data(token))
    });
    Sse::new(events)
}

/// Rows in the export: about 9 MB, more than a buffered reply can carry.
const ROWS: u32 = 200_000;

/// `GET /export.csv`: the rows in chunks of 1,000, each written when it is needed (here,
/// generated; in an app, read page by page from a database).
pub(crate) fn export() -> impl IntoResponse {
    let header_row =
        stream::once(async { Ok::<_, Infallible>("id,name,price_cents\n".to_owned()) });
    let pages = stream::iter((0..ROWS).step_by(1_000)).map(|first| {
        let mut page = String::with_capacity(80_000);
        for id in first..(first + 1_000).min(ROWS) {
            page.push_str(&format!(
                "{id},item number {id} with a long name,{}\n",
                id % 10_000
            ));
        }
        Ok(page)
    });
    let headers = [
        (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
        (
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"items.csv\"",
        ),
    ];
    (headers, Streaming(header_row.chain(pages)))
}

/// `GET /broken`: one chunk, then a panic. The client gets the chunk and the end of the body;
/// the log says why; the next invocation is served as usual.
pub(crate) fn broken() -> Streaming<impl Stream<Item = Result<&'static str, Infallible>> + Send> {
    let chunks = stream::iter(0..2).map(|n| {
        if n == 1 {
            panic!("the export lost its database connection");
        }
        Ok("first chunk\n")
    });
    Streaming(chunks)
}

/// The app: the routes file embedded in the binary, each handler registered by name.
pub(crate) fn app() -> AppBuilder {
    App::from_toml(
        "examples/streaming/routes.toml",
        include_str!("routes.toml"),
    )
    .handler("ticks", ticks)
    .handler("tokens", tokens)
    .handler("export", export)
    .handler("broken", broken)
}
