//! CORS declared in the routes file: `[app.cors]` for the whole API, a route's `cors` table to
//! override it (`/session` with credentials, `/health` for any origin) and `cors = false` to
//! turn it off (`/webhooks/payments`). The handlers never touch a CORS header.
//!
//! ```sh
//! cargo run --example cors -- invoke examples/cors/events/http-notes.json
//! cargo run --example cors -- invoke examples/cors/events/rest-notes-preflight.json
//! cargo run --example cors -- serve
//! # An allowed origin: Access-Control-Allow-Origin, Vary: Origin, Access-Control-Expose-Headers.
//! curl -i localhost:3000/notes -H 'Origin: https://notes.example'
//! # Any other origin: the same 200, without CORS headers (the browser hides it from the page).
//! curl -i localhost:3000/notes -H 'Origin: https://elsewhere.example'
//! # The preflight of a POST with a JSON body: 204 from minik, the handler is not called.
//! curl -i -X OPTIONS localhost:3000/notes -H 'Origin: https://notes.example' \
//!     -H 'Access-Control-Request-Method: POST' -H 'Access-Control-Request-Headers: content-type'
//! curl -i localhost:3000/health -H 'Origin: https://status.example'        # `*`
//! curl -i localhost:3000/session -H 'Origin: https://notes.example' -H 'Cookie: session=ada'
//! curl -i -X OPTIONS localhost:3000/webhooks/payments -H 'Origin: https://notes.example' \
//!     -H 'Access-Control-Request-Method: POST'                              # 405, no CORS
//! ```
//!
//! The events in `events/` are real events of each source with the request changed
//! (`python3 examples/events.py` writes them).

mod app;

#[tokio::main]
async fn main() -> Result<(), minik::RunError> {
    minik::run(app::app()).await
}
