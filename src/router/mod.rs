//! Paths, methods and typed parameters: the tree a request's path is looked up in.
//!
//! The router knows nothing of routes files, handlers, CORS or middleware. Routes are inserted
//! as lists of [`Part`]s with their [`MethodSet`], and known by the [`RouteId`] the insertion
//! returns; a lookup answers with the route that takes the path and the method and its
//! parameters, or with what a 405 needs: every route of the path. See `tree.rs` for how a
//! lookup walks the tree.

mod method;
mod param;
mod pattern;
mod template;
mod tree;

use http::Method;

pub use self::method::Allow;
pub(crate) use self::method::{KNOWN as KNOWN_METHODS, MethodSet, NAMES as METHOD_NAMES};
pub(crate) use self::param::{CustomType, Matcher};
pub use self::param::{ParamType, ParamValue};
pub(crate) use self::pattern::{Regex, compile_regex};
pub(crate) use self::template::{Segment, parse as parse_template};
use self::tree::{Node, walk};

/// A route's number: the order in which it was inserted.
pub(crate) type RouteId = usize;

/// Routes of one path, in precedence order: inline up to four, so that neither a 405 nor a
/// route passed over for its method allocates.
pub(crate) type Routes = smallvec::SmallVec<[RouteId; 4]>;

/// A lookup's parameter values, in template order: inline up to four (most routes have
/// fewer), so that a lookup does not allocate for them.
pub(crate) type Params<'p> = smallvec::SmallVec<[ParamValue<'p>; 4]>;

/// A template segment resolved against the declared types, as the tree matches it.
#[derive(Debug)]
pub(crate) enum Part<'t> {
    Static(&'t str),
    Typed(Matcher),
    Str,
    /// The rest of the path; the last part of a template.
    Greedy,
}

/// Routes by path and method.
#[derive(Debug, Default)]
pub(crate) struct Router {
    root: Node,
    /// The methods of each route, by id.
    methods: Vec<MethodSet>,
}

/// What a lookup found.
#[derive(Debug)]
pub(crate) enum Lookup {
    /// The route that takes the path and the method (its parameters are in the lookup's
    /// `params`).
    Found {
        route: RouteId,
        /// Routes that match the path ahead of `route` but do not take the method, in
        /// precedence order (usually none).
        passed: Routes,
    },
    /// Routes match the path but none takes the method: all of them, in precedence order.
    MethodNotAllowed { routes: Routes },
    /// No route matches the path.
    NotFound,
}

impl Router {
    /// Adds a route, or returns the route it duplicates: one that matches the same paths with
    /// the same specificity and shares a method.
    pub(crate) fn insert(
        &mut self,
        parts: &[Part<'_>],
        methods: MethodSet,
    ) -> Result<RouteId, RouteId> {
        let mut node = &mut self.root;
        let mut greedy = false;
        for part in parts {
            node = match part {
                Part::Static(text) => node.static_child(text),
                Part::Typed(matcher) => node.typed_child(matcher),
                Part::Str => node.string_child(),
                Part::Greedy => {
                    greedy = true;
                    break;
                }
            };
        }
        let ids = node.routes(greedy);
        if let Some(&first) = ids
            .iter()
            .find(|&&other| self.methods[other].overlaps(&methods))
        {
            return Err(first);
        }
        let id = self.methods.len();
        ids.push(id);
        self.methods.push(methods);
        Ok(id)
    }

    /// Every route, in the order a lookup tries them.
    pub(crate) fn in_order(&self) -> Vec<RouteId> {
        let mut order = Vec::with_capacity(self.methods.len());
        self.root.in_order(&mut order);
        order
    }

    /// Looks up a request: `path` as the client sent it, without the query string; `decoded`
    /// when the source percent-decoded it already (HTTP APIs), so that a `%` is not decoded
    /// twice. The parameters of the route found are left in `params`.
    pub(crate) fn lookup<'p>(
        &self,
        method: &Method,
        path: &'p str,
        decoded: bool,
        params: &mut Params<'p>,
    ) -> Lookup {
        let Some(rest) = path.strip_prefix('/') else {
            return Lookup::NotFound;
        };
        // One trailing slash is not significant: `/events/` is `/events`.
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        let rest = (!rest.is_empty()).then_some(rest);
        let (mut found, mut passed) = (None, Routes::new());
        walk(&self.root, rest, decoded, params, &mut |ids| {
            found = self.pick(ids, method);
            if found.is_none() {
                passed.extend_from_slice(ids);
            }
            found.is_some()
        });
        match found {
            Some(route) => Lookup::Found { route, passed },
            None if passed.is_empty() => Lookup::NotFound,
            None => Lookup::MethodNotAllowed { routes: passed },
        }
    }

    /// The first of `routes` that takes `method`: one that declares it, else, for HEAD, a GET
    /// route (which answers HEAD without a body).
    pub(crate) fn pick(&self, routes: &[RouteId], method: &Method) -> Option<RouteId> {
        let takes = |wanted: MethodSet| {
            let methods = &self.methods;
            routes
                .iter()
                .copied()
                .find(|&id| methods[id].overlaps(&wanted))
        };
        takes(MethodSet::of(method)).or_else(|| {
            (method == Method::HEAD)
                .then(|| takes(MethodSet::of(&Method::GET)))
                .flatten()
        })
    }

    /// The methods any of `routes` answers, for an `Allow` header.
    pub(crate) fn allow(&self, routes: &[RouteId]) -> Allow {
        let set = routes
            .iter()
            .fold(MethodSet::EMPTY, |set, &id| set.union(self.methods[id]));
        set.allow()
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;
    use std::sync::Arc;

    use super::*;

    /// A router of `(template, types)` routes accepting GET, the parameters not listed `str`.
    fn router(routes: &[(&str, &[(&str, &str)])]) -> Router {
        let mut router = Router::default();
        for (template, types) in routes {
            let segments = parse_template(template).unwrap();
            let parts: Vec<Part<'_>> = segments
                .iter()
                .map(|segment| match segment {
                    Segment::Static(text) => Part::Static(text),
                    Segment::Param { name, greedy, .. } => {
                        let ty = types.iter().find(|(n, _)| n == name).map(|(_, t)| *t);
                        match (greedy, ty) {
                            (true, _) => Part::Greedy,
                            (false, Some("int")) => Part::Typed(Matcher::Int),
                            (false, Some(pattern)) => Part::Typed(Matcher::Regex(Arc::new((
                                pattern.to_owned(),
                                compile_regex(pattern).unwrap(),
                            )))),
                            (false, None) => Part::Str,
                        }
                    }
                })
                .collect();
            let mut methods = MethodSet::EMPTY;
            methods.insert(&Method::GET);
            router.insert(&parts, methods).unwrap();
        }
        router
    }

    /// Routes through every kind of node, with alternatives to fall back on.
    fn sample() -> Router {
        router(&[
            ("/gists/{id}", &[("id", "int")]),
            ("/gists/{id}/star", &[("id", "int")]),
            ("/users/{user}/repos", &[]),
            ("/a/b/{n}/end", &[("n", "int")]),
            ("/a/{x}/{y}/{z}", &[]),
            ("/leaves/{n}", &[("n", "int")]),
            ("/names/{name}", &[]),
            ("/c/d/{n}", &[("n", "int")]),
            ("/c/{x}/{y}/{z}", &[]),
            ("/files/{key+}", &[]),
        ])
    }

    const NAMES: [&str; 10] = [
        "gist", "star", "repos", "abn", "axyz", "leaf_int", "leaf_str", "cdn", "cxyz", "file",
    ];

    /// The route (by name) and the parameters a GET finds, or `None` for a 404.
    fn found(path: &str, decoded: bool) -> Option<(&'static str, Vec<ParamValue<'static>>)> {
        let mut params = Params::new();
        match sample().lookup(&Method::GET, path, decoded, &mut params) {
            Lookup::Found { route, .. } => Some((
                NAMES[route],
                params.into_iter().map(ParamValue::into_owned).collect(),
            )),
            Lookup::NotFound => None,
            other => panic!("{path}: {other:?}"),
        }
    }

    fn route(
        name: &'static str,
        values: &[ParamValue<'static>],
    ) -> Option<(&'static str, Vec<ParamValue<'static>>)> {
        Some((name, values.to_vec()))
    }

    fn text(s: &str) -> ParamValue<'static> {
        ParamValue::Str(Cow::Owned(s.to_owned()))
    }

    #[test]
    fn typed_parameters_take_what_parses() {
        use ParamValue::Int;
        assert_eq!(found("/gists/42", false), route("gist", &[Int(42)]));
        assert_eq!(found("/gists/-7/star", false), route("star", &[Int(-7)]));
        assert_eq!(found("/gists/+7", false), route("gist", &[Int(7)]));
        let max = "/gists/9223372036854775807";
        assert_eq!(found(max, false), route("gist", &[Int(i64::MAX)]));
        assert_eq!(found("/gists/9223372036854775808", false), None);
        assert_eq!(found("/gists/4a", false), None);
        assert_eq!(found("/gists/-", false), None);
        assert_eq!(found("/gists//star", false), None);
        assert_eq!(found("/gists/42/", false), route("gist", &[Int(42)]));
        assert_eq!(found("/gists/42/other", false), None);
    }

    #[test]
    fn segments_are_decoded_once() {
        use ParamValue::Int;
        assert_eq!(found("/gists/%34%32", false), route("gist", &[Int(42)]));
        assert_eq!(found("/gists/4%32/star", false), route("star", &[Int(42)]));
        // A static segment spelled with an escape.
        assert_eq!(found("/gist%73/7/st%61r", false), route("star", &[Int(7)]));
        assert_eq!(
            found("/%75sers/a%20b/repos", false),
            route("repos", &[text("a b")])
        );
        // Invalid UTF-8 once decoded matches nothing.
        assert_eq!(found("/gists/%FF", false), None);
        assert_eq!(found("/users/%FF/repos", false), None);
        // A path decoded already: a `%` is a character, decoded again by nothing.
        assert_eq!(found("/gists/%34%32", true), None);
        assert_eq!(found("/gist%73/7", true), None);
        assert_eq!(
            found("/users/a%20b/repos", true),
            route("repos", &[text("a%20b")])
        );
        // Control characters, decoded or delivered decoded, match nothing.
        assert_eq!(found("/names/a%0Db", false), None);
        assert_eq!(found("/names/a%00", false), None);
        assert_eq!(found("/names/a\rb", true), None);
        assert_eq!(found("/names/a\u{7f}", true), None);
        assert_eq!(found("/files/a/b%0A", false), None);
        assert_eq!(found("/files/a/b\n", true), None);
        // A decoded `/` stays in its segment.
        assert_eq!(
            found("/names/a%2Fb", false),
            route("leaf_str", &[text("a/b")])
        );
        assert_eq!(
            found("/files/a%2Fb/c", false),
            route("file", &[ParamValue::Path(Cow::Owned("a/b/c".into()))])
        );
    }

    #[test]
    fn parameters_take_one_segment_and_greedy_ones_the_rest() {
        use ParamValue::Int;
        assert_eq!(found("/leaves/5/", false), route("leaf_int", &[Int(5)]));
        assert_eq!(found("/leaves/5/x", false), None);
        assert_eq!(found("/leaves/5//", false), None);
        assert_eq!(found("/leaves", false), None);
        assert_eq!(found("/names/a/b", false), None);
        assert_eq!(found("/names//", false), None);
        let path = |s: &str| ParamValue::Path(Cow::Owned(s.to_owned()));
        assert_eq!(found("/files/a/b", false), route("file", &[path("a/b")]));
        assert_eq!(found("/files/a//b", false), None);
        assert_eq!(found("/files", false), None);
    }

    #[test]
    fn a_failed_alternative_backtracks_with_its_values_cut_off() {
        use ParamValue::Int;
        assert_eq!(found("/a/b/7/end", false), route("abn", &[Int(7)]));
        // `{n}` takes `7`, `end` does not match: `7` is cut off before `{x}` is tried.
        let xyz = [text("b"), text("7"), text("other")];
        assert_eq!(found("/a/b/7/other", false), route("axyz", &xyz));
        // `{n}` refuses `c`.
        let xyz = [text("b"), text("c"), text("end")];
        assert_eq!(found("/a/b/c/end", false), route("axyz", &xyz));
        let xyz = [text("d"), text("7"), text("q")];
        assert_eq!(found("/c/d/7/q", false), route("cxyz", &xyz));
        assert_eq!(found("/users//repos", false), None);
        assert_eq!(found("/users/octocat", false), None);
    }

    #[test]
    fn a_miss_on_the_method_lists_every_route_of_the_path() {
        let mut router = sample();
        let mut post = MethodSet::EMPTY;
        post.insert(&Method::POST);
        let parts = [Part::Static("gists"), Part::Str];
        let posted = router.insert(&parts, post).unwrap();
        match router.lookup(&Method::DELETE, "/gists/42", false, &mut Params::new()) {
            Lookup::MethodNotAllowed { routes } => {
                assert_eq!(routes.as_slice(), [0, posted]);
                assert_eq!(router.allow(&routes).to_string(), "GET, HEAD, POST");
            }
            other => panic!("{other:?}"),
        }
        match router.lookup(&Method::POST, "/gists/42", false, &mut Params::new()) {
            Lookup::Found { route, passed, .. } => {
                assert_eq!((route, passed.as_slice()), (posted, &[0][..]))
            }
            other => panic!("{other:?}"),
        }
        // HEAD goes to the GET route.
        assert!(matches!(
            router.lookup(&Method::HEAD, "/gists/42", false, &mut Params::new()),
            Lookup::Found { route: 0, .. }
        ));
        // A duplicate is refused with the route it duplicates.
        let mut get = MethodSet::EMPTY;
        get.insert(&Method::GET);
        assert_eq!(
            router.insert(&[Part::Static("names"), Part::Str], get),
            Err(6)
        );
    }
}
