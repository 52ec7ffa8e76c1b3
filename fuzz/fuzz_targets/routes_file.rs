//! Any text as a routes file: a table or rendered diagnostics, never a panic.
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
        }
    }
});
