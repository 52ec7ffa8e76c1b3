//! Middleware by name: an API key checked before every route but one, an admin area, and
//! headers added on the way out. The hooks are listed in `routes.toml` and registered in
//! `app.rs`.
//!
//! ```sh
//! cargo run --example middleware -- serve
//! curl -i localhost:3000/health                                    # 200, no key needed
//! curl -i localhost:3000/me                                        # 401 from require_api_key
//! curl -i -H 'x-api-key: ada-key' localhost:3000/me                # 200 {"name":"ada","admin":true}
//! curl -i -X POST -H 'x-api-key: bob-key' localhost:3000/admin/reindex   # 403 from require_admin
//! curl -i -X POST -H 'x-api-key: ada-key' localhost:3000/admin/reindex   # 200, with Server-Timing
//! cargo run --example middleware -- check                          # the table, hooks included
//! ```

mod app;

#[tokio::main]
async fn main() -> Result<(), minik::RunError> {
    minik::run(app::app()).await
}
