//! Property tests, run by plain `cargo test`: random route tables and random paths never make
//! minik panic, a route that matches is always found, and a static route beats a parameter.

use minik::{MatchError, Method, RouteTable};
use proptest::prelude::*;

/// A segment of a template: mostly small static words (so that routes share prefixes and
/// collide), sometimes a parameter of any type.
fn template_segment() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec!["a", "b", "users", "items", "x1"]).prop_map(str::to_owned),
        1 => Just("{p}".to_owned()),
        1 => Just("{p:int}".to_owned()),
        1 => Just("{p:uuid}".to_owned()),
        1 => Just("{p:bool}".to_owned()),
        1 => Just("{p:float}".to_owned()),
        1 => Just("{p:re}".to_owned()),
        1 => Just("{p+}".to_owned()),
    ]
}

/// A routes file from templates written with inline types (renamed and declared in `params`).
fn routes_file(templates: &[(Vec<String>, Option<&'static str>)]) -> String {
    let mut file = String::new();
    for (i, (segments, method)) in templates.iter().enumerate() {
        let mut path = String::new();
        let mut params = Vec::new();
        for (j, segment) in segments.iter().enumerate() {
            let name = format!("p{j}");
            let written = match segment.as_str() {
                "{p}" => format!("{{{name}}}"),
                "{p+}" => format!("{{{name}+}}"),
                s if s.starts_with("{p:") => {
                    let ty = &s[3..s.len() - 1];
                    let ty = if ty == "re" {
                        "{ regex = \"[a-c]+\" }".to_owned()
                    } else {
                        format!("\"{ty}\"")
                    };
                    params.push(format!("{name} = {ty}"));
                    format!("{{{name}}}")
                }
                s => s.to_owned(),
            };
            path.push('/');
            path.push_str(&written);
        }
        if path.is_empty() {
            path.push('/');
        }
        file.push_str(&format!(
            "[[route]]\npath = \"{path}\"\nhandler = \"h{i}\"\n"
        ));
        if let Some(method) = method {
            file.push_str(&format!("methods = [\"{method}\"]\n"));
        }
        if !params.is_empty() {
            file.push_str(&format!("params = {{ {} }}\n", params.join(", ")));
        }
    }
    file
}

fn routes() -> impl Strategy<Value = Vec<(Vec<String>, Option<&'static str>)>> {
    let method = prop::option::of(prop::sample::select(vec!["GET", "POST", "DELETE"]));
    prop::collection::vec(
        (prop::collection::vec(template_segment(), 0..4), method),
        1..12,
    )
}

/// A request path: pieces that hit the static words and every parameter type, and noise.
fn path() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        prop::sample::select(vec![
            "a",
            "b",
            "users",
            "items",
            "x1",
            "42",
            "-1",
            "true",
            "1.5",
            "abc",
            "ABC",
            "%2F",
            "%FF",
            "%zz",
            "",
            "67e55044-10b1-426f-9247-bb680e5fe0c8",
            "..",
            ".",
            "%00",
        ])
        .prop_map(str::to_owned),
        "[ -~]{0,6}",
        "\\PC{0,3}",
    ];
    (prop::collection::vec(piece, 0..6), any::<bool>()).prop_map(|(pieces, trailing)| {
        let mut path = format!("/{}", pieces.join("/"));
        if trailing {
            path.push('/');
        }
        path
    })
}

/// A request path that the template of `route` matches, with a sample value per parameter.
fn concrete_path(route: &minik::Route) -> String {
    let mut path = String::new();
    for segment in route.template().split('/').filter(|s| !s.is_empty()) {
        let name = segment
            .trim_start_matches('{')
            .trim_end_matches('}')
            .trim_end_matches('+');
        let declared = route.params().iter().find(|(n, _)| n == name);
        let value = match declared.map(|(_, ty)| ty.to_string()).as_deref() {
            None => segment,
            Some("int") => "7",
            Some("float") => "2.5",
            Some("bool") => "false",
            Some("uuid") => "00000000-0000-0000-0000-000000000001",
            Some(regex) if regex.starts_with("regex") => "abc",
            Some(_) => "word",
        };
        path.push('/');
        path.push_str(value);
    }
    if path.is_empty() {
        "/".to_owned()
    } else {
        path
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Any generated table either builds or reports diagnostics; lookups never panic, and a
    /// found route's parameters are as many as its template declares.
    #[test]
    fn random_tables_and_paths_never_panic(routes in routes(), paths in prop::collection::vec(path(), 1..16)) {
        let file = routes_file(&routes);
        let Ok(table) = RouteTable::from_toml("random.toml", &file) else { return Ok(()) };
        for path in &paths {
            for method in [Method::GET, Method::POST, Method::HEAD, Method::PUT] {
                match table.at(&method, path) {
                    Ok(found) => prop_assert_eq!(found.params().len(), found.route().params().len()),
                    Err(MatchError::MethodNotAllowed { allow }) => {
                        prop_assert!(!allow.is_empty());
                        prop_assert!(!allow.contains(&method), "{} {} {}", method, path, allow);
                    }
                    Err(_) => {}
                }
            }
        }
    }

    /// A route is always found for a path built from its own template.
    #[test]
    fn a_route_matches_its_own_concrete_path(routes in routes()) {
        let file = routes_file(&routes);
        let Ok(table) = RouteTable::from_toml("random.toml", &file) else { return Ok(()) };
        for route in table.routes() {
            let concrete = concrete_path(route);
            let method = route.methods().and_then(|m| m.first().cloned()).unwrap_or(Method::PATCH);
            // Some route answers: this one, or one of higher precedence for the same request.
            prop_assert!(table.at(&method, &concrete).is_ok(), "{} {} for {}\n{}", method, concrete, route, file);
        }
    }

    /// A static route beats any parameter at the same position.
    #[test]
    fn a_static_route_beats_a_parameter(word in "[a-z]{1,8}", ty in prop::sample::select(vec!["str", "path", "int", "bool"]), value in "[a-z0-9]{1,8}") {
        let file = format!(
            "[[route]]\npath = \"/things/{{p}}\"\nhandler = \"param\"\nparams = {{ p = \"{ty}\" }}\n\n\
             [[route]]\npath = \"/things/{word}\"\nhandler = \"static\"\n"
        );
        let table = RouteTable::from_toml("r.toml", &file).unwrap();
        let (static_path, other_path) = (format!("/things/{word}"), format!("/things/{value}"));
        let found = table.at(&Method::GET, &static_path).unwrap();
        prop_assert_eq!(found.route().handler(), "static");
        if value != word {
            if let Ok(found) = table.at(&Method::GET, &other_path) {
                prop_assert_eq!(found.route().handler(), "param");
            }
        }
    }

    /// Arbitrary text as a routes file gives diagnostics or a table, never a panic.
    #[test]
    fn arbitrary_routes_files_never_panic(text in "(\\[\\[route\\]\\]\n|path = |handler = |methods = |params = |\"[^\"\n]{0,12}\"|\\{|\\}|\\[|\\]|[a-z]{1,5}|=|,|\n| ){0,40}") {
        let _ = RouteTable::from_toml("fuzz.toml", &text).map(|_| ()).map_err(|d| d.to_string());
    }
}
