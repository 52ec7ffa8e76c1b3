//! The quickstart served by hyper as a `tower::Service` (minik's `tower` feature), behind two
//! tower-http layers: gzip compression for clients that accept it, and a 10 s timeout. The
//! same app runs in a container (ECS, Fargate, Lambda Web Adapter) or in any tower stack.
//!
//! ```sh
//! cargo run --example tower -- serve            # http://127.0.0.1:3000 (--addr 0.0.0.0:8080)
//! curl --compressed localhost:3000/hello/ada    # {"hello":"ada"}
//! ```

#[path = "../quickstart/app.rs"]
mod app;

use std::net::SocketAddr;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use minik::StatusCode;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `serve [--addr ADDR]`, as the other examples' local mode reads it.
    let args: Vec<String> = std::env::args().skip(1).collect();
    let addr: SocketAddr = match args.iter().position(|arg| arg == "--addr") {
        Some(at) => args.get(at + 1).ok_or("--addr needs an address")?.parse()?,
        None => ([127, 0, 0, 1], 3000).into(),
    };
    // `build()` reports every mismatch of the routes file and the handlers at once.
    let app = app::app().build()?;
    let service = ServiceBuilder::new()
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(10),
        ))
        .service(app);
    let listener = tokio::net::TcpListener::bind(addr).await?;
    eprintln!("serving http://{} (Ctrl-C stops)", listener.local_addr()?);
    loop {
        let (stream, _) = listener.accept().await?;
        let service = TowerToHyperService::new(service.clone());
        tokio::spawn(async move {
            if let Err(error) = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await
            {
                eprintln!("connection closed: {error}");
            }
        });
    }
}
