//! Random templates and random request paths: the table builds or reports diagnostics, and
//! every lookup returns, never panics. Input: a count `n`, then lines; the first `n` lines are
//! templates, the others are paths to look up.
#![no_main]

use libfuzzer_sys::fuzz_target;
use minik::{Method, RouteTable};

/// A TOML basic string holding `text`.
fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&count, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let mut lines = text.lines();
    let mut file = String::new();
    for (i, template) in lines.by_ref().take(usize::from(count % 16) + 1).enumerate() {
        let methods = [
            "",
            "methods = [\"GET\"]\n",
            "methods = [\"POST\", \"GET\"]\n",
        ][i % 3];
        let params = [
            "",
            "params = { id = \"int\" }\n",
            "params = { p = { regex = \"[a-c]+\" } }\n",
        ][i % 3];
        file.push_str(&format!(
            "[[route]]\npath = {}\nhandler = \"h{i}\"\n{methods}{params}\n",
            toml_string(template)
        ));
    }
    let Ok(table) = RouteTable::from_toml("fuzz.toml", &file) else {
        return;
    };
    for path in lines {
        for method in [Method::GET, Method::POST, Method::HEAD, Method::DELETE] {
            if let Ok(found) = table.at(&method, path) {
                assert_eq!(found.params().len(), found.route().params().len());
            }
        }
    }
});
