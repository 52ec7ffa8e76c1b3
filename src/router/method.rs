//! The set of methods a route accepts; no `methods` key means every method (minik's rule).

use std::fmt;

use http::Method;

/// The methods a routes file may name, in the order `Allow` lists them.
pub(crate) const KNOWN: [Method; 7] = [
    Method::GET,
    Method::HEAD,
    Method::POST,
    Method::PUT,
    Method::PATCH,
    Method::DELETE,
    Method::OPTIONS,
];

pub(crate) const NAMES: &[&str] = &["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/// The methods of one route: a bit per known method, or every method at all.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct MethodSet {
    bits: u8,
    any: bool,
}

fn bit(method: &Method) -> Option<u8> {
    KNOWN
        .iter()
        .position(|known| known == method)
        .map(|i| 1 << i)
}

impl MethodSet {
    pub(crate) const ANY: MethodSet = MethodSet {
        bits: u8::MAX,
        any: true,
    };
    pub(crate) const EMPTY: MethodSet = MethodSet {
        bits: 0,
        any: false,
    };

    /// The set of `method` alone; empty for a method no routes file can name, which only
    /// routes without `methods` take.
    pub(crate) fn of(method: &Method) -> MethodSet {
        MethodSet {
            bits: bit(method).unwrap_or(0),
            any: false,
        }
    }

    /// A method named in the file, case-insensitively.
    pub(crate) fn parse_one(name: &str) -> Option<Method> {
        KNOWN
            .iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(name))
            .cloned()
    }

    pub(crate) fn insert(&mut self, method: &Method) {
        if let Some(bit) = bit(method) {
            self.bits |= bit;
        }
    }

    pub(crate) fn is_any(&self) -> bool {
        self.any
    }

    /// Whether the route declares this method (not counting the HEAD a GET route implies).
    /// A route without `methods` declares every method, even those a file cannot name.
    pub(crate) fn contains(&self, method: &Method) -> bool {
        self.any || bit(method).is_some_and(|bit| self.bits & bit != 0)
    }

    pub(crate) fn overlaps(&self, other: &MethodSet) -> bool {
        self.any || other.any || self.bits & other.bits != 0
    }

    /// Union, for the `Allow` header of a 405.
    pub(crate) fn union(self, other: MethodSet) -> MethodSet {
        MethodSet {
            bits: self.bits | other.bits,
            any: self.any || other.any,
        }
    }

    /// The methods the routes answer, as `Allow` lists them: a GET route answers HEAD too.
    pub(crate) fn allow(&self) -> Vec<Method> {
        let mut set = *self;
        if set.contains(&Method::GET) {
            set.insert(&Method::HEAD);
        }
        KNOWN.iter().filter(|m| set.contains(m)).cloned().collect()
    }
}

impl fmt::Display for MethodSet {
    /// `*` for every method, else what [`MethodSet::allow`] lists: `GET,HEAD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.any {
            return f.write_str("*");
        }
        let allow = self.allow();
        let names: Vec<&str> = allow.iter().map(Method::as_str).collect();
        f.write_str(&names.join(","))
    }
}

impl fmt::Debug for MethodSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
