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
    pub(crate) fn allow(self) -> Allow {
        let mut set = self;
        if set.contains(&Method::GET) {
            set.insert(&Method::HEAD);
        }
        Allow { set }
    }
}

impl fmt::Display for MethodSet {
    /// `*` for every method, else what [`MethodSet::allow`] lists: `GET,HEAD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.any {
            return f.write_str("*");
        }
        self.allow().write(f, ",")
    }
}

impl fmt::Debug for MethodSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The methods a path's routes accept: what a 405 lists in its `Allow` header.
///
/// A small set that is copied, not allocated, so that a lookup answering 405 costs no more than
/// one that finds a route. Iterating gives the methods in the order `Allow` lists them; the
/// `Display` form is the header's value, `GET, HEAD, POST`.
///
/// ```
/// use minik::{MatchError, Method, RouteTable};
///
/// let table = RouteTable::from_toml("routes.toml", r#"
///     [[route]]
///     path = "/orders"
///     methods = ["GET", "POST"]
///     handler = "orders"
/// "#).unwrap();
/// let Err(MatchError::MethodNotAllowed { allow }) = table.at(&Method::DELETE, "/orders") else {
///     panic!("a 405");
/// };
/// assert!(allow.contains(&Method::HEAD));
/// assert_eq!(allow.to_string(), "GET, HEAD, POST");
/// assert_eq!(allow.iter().collect::<Vec<_>>(), [Method::GET, Method::HEAD, Method::POST]);
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Allow {
    set: MethodSet,
}

impl Allow {
    /// Whether one of the routes answers `method`.
    pub fn contains(&self, method: &Method) -> bool {
        self.set.contains(method)
    }

    /// The methods, in the order `Allow` lists them.
    pub fn iter(&self) -> impl Iterator<Item = Method> + '_ {
        let set = self.set;
        KNOWN
            .iter()
            .enumerate()
            .filter(move |&(i, _)| set.any || set.bits & (1 << i) != 0)
            .map(|(_, method)| method.clone())
    }

    /// How many methods the set holds.
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// Whether the set is empty (a 405 always lists at least one method).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn write(&self, f: &mut fmt::Formatter<'_>, separator: &str) -> fmt::Result {
        for (i, method) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(separator)?;
            }
            f.write_str(method.as_str())?;
        }
        Ok(())
    }
}

impl fmt::Display for Allow {
    /// The `Allow` header's value: `GET, HEAD, POST`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, ", ")
    }
}

impl fmt::Debug for Allow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}
