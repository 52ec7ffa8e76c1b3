//! minik's integration tests, in one binary to keep link time low.

mod diagnostics;
mod matching;
