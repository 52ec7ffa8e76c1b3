//! The router: lookups over every route of the GitHub API set against matchit (hits, misses and
//! 405s), building the table against building matchit's and axum's `Router`, and lookup time as
//! the table grows. Every iteration checks its result; minik's lookups parse the `int`
//! parameters they declare.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use minik::{MatchError, Method, RouteTable};
use minik_benches::{
    github_axum, github_matchit, github_requests, github_routes_file, scaled_routes_file,
};
use std::hint::black_box;

fn parsed(list: &[(String, String)]) -> Vec<(Method, &str)> {
    list.iter()
        .map(|(m, p)| (m.parse().unwrap(), p.as_str()))
        .collect()
}

fn lookup(c: &mut Criterion) {
    let file = github_routes_file();
    let table = RouteTable::from_toml("github.toml", &file).unwrap();
    let matchit = github_matchit();
    let requests = github_requests();
    let hits = parsed(&requests.hits);
    let misses = parsed(&requests.misses);
    let not_allowed = parsed(&requests.not_allowed);
    assert!(hits.len() >= 203 && misses.len() >= 150 && not_allowed.len() >= 100);
    // Both routers agree on every request before anything is timed.
    for (method, path) in &hits {
        let found = table
            .at(method, path)
            .unwrap_or_else(|e| panic!("minik misses {path}: {e}"));
        let peer = matchit
            .at(path)
            .unwrap_or_else(|e| panic!("matchit misses {path}: {e}"));
        // The same parameters, by name and text (minik's `int`s formatted back), and a route
        // for the method in both.
        let mine: Vec<(&str, String)> = found
            .params()
            .map(|(name, value)| (name, value.to_text().into_owned()))
            .collect();
        let theirs: Vec<(&str, String)> = peer
            .params
            .iter()
            .map(|(name, value)| (name, value.to_owned()))
            .collect();
        assert_eq!(mine, theirs, "{path}");
        assert!(peer.value.iter().any(|m| m == method.as_str()), "{path}");
    }
    for (method, path) in &misses {
        assert!(
            matches!(table.at(method, path), Err(MatchError::NotFound))
                && matchit.at(path).is_err(),
            "{path} should miss"
        );
    }
    for (method, path) in &not_allowed {
        let Err(MatchError::MethodNotAllowed { allow }) = table.at(method, path) else {
            panic!("{method} {path} should be a 405 in minik");
        };
        let peer = matchit.at(path).unwrap();
        assert!(!peer.value.iter().any(|m| m == method.as_str()));
        // Both list the path's methods (minik adds the HEAD a GET route answers).
        let listed = |m: &str| peer.value.iter().any(|x| x == m);
        assert!(peer.value.iter().all(|m| allow.contains(&m.parse().unwrap())));
        assert!(allow.iter().all(|m| listed(m.as_str()) || (m == Method::HEAD && listed("GET"))));
    }

    let mut group = c.benchmark_group("lookup/github/hits");
    group.bench_function("minik", |b| {
        b.iter(|| {
            for (method, path) in &hits {
                let found = table.at(method, black_box(path)).unwrap();
                black_box(found.params().len());
            }
        })
    });
    group.bench_function("matchit", |b| {
        b.iter(|| {
            for (method, path) in &hits {
                let found = matchit.at(black_box(path)).unwrap();
                // matchit knows paths, not methods: check the method as a router must.
                assert!(found.value.iter().any(|m| m == method.as_str()));
                black_box(found.params.len());
            }
        })
    });
    group.finish();

    let mut group = c.benchmark_group("lookup/github/misses");
    group.bench_function("minik", |b| {
        b.iter(|| {
            for (method, path) in &misses {
                assert!(table.at(method, black_box(path)).is_err());
            }
        })
    });
    group.bench_function("matchit", |b| {
        b.iter(|| {
            for (_, path) in &misses {
                assert!(matchit.at(black_box(path)).is_err());
            }
        })
    });
    group.finish();

    let mut group = c.benchmark_group("lookup/github/405");
    group.bench_function("minik", |b| {
        b.iter(|| {
            for (method, path) in &not_allowed {
                let error = table.at(method, black_box(path)).unwrap_err();
                assert!(matches!(error, MatchError::MethodNotAllowed { .. }));
            }
        })
    });
    group.bench_function("matchit", |b| {
        b.iter(|| {
            for (method, path) in &not_allowed {
                let found = matchit.at(black_box(path)).unwrap();
                // The 405's `Allow` list is the path's methods.
                assert!(!found.value.iter().any(|m| m == method.as_str()));
                black_box(&found.value);
            }
        })
    });
    group.finish();
}

fn startup(c: &mut Criterion) {
    let file = github_routes_file();
    let mut group = c.benchmark_group("startup/github");
    group.bench_function("minik", |b| {
        b.iter(|| {
            let table = RouteTable::from_toml("github.toml", black_box(&file)).unwrap();
            assert_eq!(table.routes().count(), 203);
        })
    });
    group.bench_function("matchit", |b| {
        b.iter(|| {
            let router = github_matchit();
            assert!(router.at("/user").is_ok());
        })
    });
    group.bench_function("axum", |b| {
        b.iter(|| {
            let router = github_axum();
            assert!(router.has_routes());
        })
    });
    group.finish();
}

fn scale(c: &mut Criterion) {
    let mut group = c.benchmark_group("lookup/scale");
    for n in [10, 100, 1_000, 10_000] {
        let table = RouteTable::from_toml("scale.toml", &scaled_routes_file(n)).unwrap();
        // The same four requests at every size: the first resource, as deep as it goes.
        let paths = [
            "/api/r0",
            "/api/r0/42",
            "/api/r0/42/items",
            "/api/r0/42/items/x",
        ];
        group.bench_with_input(BenchmarkId::new("minik", n), &paths, |b, paths| {
            b.iter(|| {
                for path in paths {
                    assert!(table.at(&Method::GET, black_box(path)).is_ok());
                }
            })
        });
    }
    group.finish();
}

criterion_group!(benches, lookup, startup, scale);
criterion_main!(benches);
