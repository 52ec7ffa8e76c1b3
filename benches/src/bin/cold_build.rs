//! The routes build's share of the cold start: the quickstart's `App` built once in a fresh
//! process (its code and data not yet in the caches, as on a cold start), then once more (warm),
//! each timed on its own. Prints the two durations in microseconds; `benches/coldstart.py` runs
//! it beside the cold start and reports the medians.

#[path = "../../../examples/quickstart/app.rs"]
#[allow(dead_code)]
mod app;

use std::time::Instant;

use minik::IntoApp;

fn main() {
    let cold = Instant::now();
    let first = app::app().into_app();
    let cold = cold.elapsed();
    let warm = Instant::now();
    let second = app::app().into_app();
    let warm = warm.elapsed();
    assert!(first.is_ok() && second.is_ok(), "the quickstart builds");
    println!("{} {}", cold.as_nanos(), warm.as_nanos());
}
