//! Any text as a routes file: a table or rendered diagnostics, never a panic, and diagnostics
//! rendered in bounded size whatever the file (at most 50, each with a bounded excerpt).
#![no_main]

use libfuzzer_sys::fuzz_target;
use minik::RouteTable;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match RouteTable::from_toml("fuzz.toml", &text) {
        Ok(table) => {
            for route in table.routes() {
                let _ = route.to_string();
            }
        }
        Err(diagnostics) => {
            let rendered = diagnostics.to_string();
            assert!(rendered.contains("error"));
            assert!(rendered.len() < 200_000, "{} bytes rendered", rendered.len());
        }
    }
});
