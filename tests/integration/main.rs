//! minik's integration tests, in one binary to keep link time low.

mod app;
mod diagnostics;
mod events;
mod golden;
mod hostile;
mod matching;
mod mutation;
mod properties;
mod quickstart;
