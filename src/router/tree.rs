//! The segment tree and the lookup that walks it.
//!
//! Design note: a lookup must cost about the same for 10 routes as for 10,000 and allocate
//! nothing. The static children of a node are found by the path's first eight bytes in a small
//! hash table, or else a byte-level prefix tree of their segments ([`Statics`]), both compared
//! with the path in place; the end of a segment is searched for, and a `%` in it decoded, only
//! when a parameter may take it or the comparison failed on an escape; a node whose children
//! leave nothing to try if they fail (static children only, or one `str` or `int` parameter
//! alone) is left by a loop, not a recursion, through a shortcut chosen by one byte of the
//! node; parameter values are kept inline for the first four; the method is reduced to one bit
//! before the walk; and the walk is generic over what it does at a matching node, so the
//! compiler inlines it.

use std::borrow::Cow;
use std::mem::ManuallyDrop;

use smallvec::SmallVec;

use super::RouteId;
use super::method::MethodSet;
use super::param::{Matcher, ParamValue, parse_int};
use super::statics::{Escaped, Statics, bytes_equal};

#[derive(Debug, Default)]
pub(crate) struct Node {
    /// Static children, sorted by segment (the listing order).
    pub(crate) statics: Vec<(Box<str>, Node)>,
    /// The segments of `statics` in a hash table and a prefix tree, built by [`Node::seal`].
    index: Statics,
    /// Typed children in precedence order (`Matcher::rank`; regexes in file order).
    pub(crate) typed: Vec<(Matcher, Node)>,
    pub(crate) string: Option<Box<Node>>,
    /// Routes whose last segment is a greedy parameter at this position.
    pub(crate) greedy: Vec<RouteId>,
    /// Routes whose template ends at this node.
    pub(crate) routes: Vec<RouteId>,
    /// Which shortcut the walk may take at this node, decided once by [`Node::seal`].
    kind: Kind,
}

/// The children of a node, as far as the walk's shortcuts care: one byte read per node picks
/// the shortcut, where a flag per shortcut costs a test each.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// No typed, `str` or greedy children: a segment matches a static child or nothing.
    Static,
    /// A `str` child and no other: any non-empty segment is taken by it.
    Str,
    /// An `int` child and no other: a segment is an integer for it or matches nothing.
    Int,
    /// As `Str`, the child without children of its own: only the path's last segment can
    /// reach a route through it.
    StrLeaf,
    /// As `Int`, the child without children of its own.
    IntLeaf,
    /// Anything else: the children are tried in precedence order.
    #[default]
    Mixed,
}

impl Node {
    /// The static child for `segment`, creating it (in sorted order) if needed.
    pub(crate) fn static_child_mut(&mut self, segment: &str) -> &mut Node {
        let at = match self
            .statics
            .binary_search_by(|(s, _)| s.as_ref().cmp(segment))
        {
            Ok(at) => at,
            Err(at) => {
                self.statics.insert(at, (segment.into(), Node::default()));
                at
            }
        };
        &mut self.statics[at].1
    }

    /// No children at all: a path that goes on past this node matches nothing.
    fn is_leaf(&self) -> bool {
        self.statics.is_empty()
            && self.typed.is_empty()
            && self.string.is_none()
            && self.greedy.is_empty()
    }

    /// Builds the static children's lookups; called once the table is complete.
    pub(crate) fn seal(&mut self) {
        self.index = Statics::new(&self.statics, |(s, _)| s);
        let greedy = !self.greedy.is_empty();
        let statics = !self.statics.is_empty();
        self.kind = match (statics, &self.typed[..], &self.string, greedy) {
            (_, [], None, false) => Kind::Static,
            (false, [], Some(child), false) if child.is_leaf() => Kind::StrLeaf,
            (false, [], Some(_), false) => Kind::Str,
            (false, [(Matcher::Int, child)], None, false) if child.is_leaf() => Kind::IntLeaf,
            (false, [(Matcher::Int, _)], None, false) => Kind::Int,
            _ => Kind::Mixed,
        };
        for (_, child) in &mut self.statics {
            child.seal();
        }
        for (_, child) in &mut self.typed {
            child.seal();
        }
        if let Some(child) = &mut self.string {
            child.seal();
        }
    }
}

/// Matched parameter values: the first four inline (most routes have fewer), the rest spilled.
///
/// Most values borrow the path or hold a number, and need no drop; only a percent-decoded one
/// owns its text. The values are kept in `ManuallyDrop` and dropped only if such a value was
/// pushed, which spares every other lookup a drop of each of its values.
#[derive(Debug, Default)]
pub(crate) struct Values<'p> {
    items: SmallVec<[ManuallyDrop<ParamValue<'p>>; 4]>,
    /// Some value may own its text.
    owned: bool,
}

impl<'p> Values<'p> {
    fn push(&mut self, value: ParamValue<'p>) {
        let owns = |text: &Cow<'_, str>| matches!(text, Cow::Owned(_));
        self.owned |= match &value {
            ParamValue::Str(text) | ParamValue::Path(text) => owns(text),
            _ => false,
        };
        self.items.push(ManuallyDrop::new(value));
    }

    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    /// Keeps the first `len` values.
    pub(crate) fn truncate(&mut self, len: usize) {
        if self.owned && len < self.items.len() {
            self.items
                .drain(len..)
                .for_each(|value| drop(ManuallyDrop::into_inner(value)));
        } else {
            self.items.truncate(len);
        }
    }

    pub(crate) fn get(&self, i: usize) -> Option<&ParamValue<'p>> {
        self.items.get(i).map(|value| &**value)
    }

    pub(crate) fn iter(&self) -> impl ExactSizeIterator<Item = &ParamValue<'p>> {
        self.items.iter().map(|value| &**value)
    }

    pub(crate) fn into_vec(mut self) -> Vec<ParamValue<'p>> {
        let items = std::mem::take(&mut self.items);
        items.into_iter().map(ManuallyDrop::into_inner).collect()
    }
}

impl Drop for Values<'_> {
    fn drop(&mut self) {
        if self.owned {
            self.truncate(0);
        }
    }
}

/// The method of a request, reduced to what a lookup compares.
#[derive(Clone, Copy)]
pub(crate) struct Wanted {
    /// The method's bit (0 for a method no route can name, which only `*` routes take).
    pub(crate) bit: u8,
    /// A HEAD request, which a GET route answers too.
    pub(crate) head: bool,
}

/// The route among `ids` (all matching the path) that answers the method. An explicit HEAD
/// route is preferred to the HEAD a GET route implies.
pub(crate) fn pick(sets: &[MethodSet], ids: &[RouteId], wanted: Wanted) -> Option<RouteId> {
    let exact = ids.iter().find(|&&id| sets[id].has_bit(wanted.bit));
    let implied = || {
        ids.iter()
            .find(|&&id| wanted.head && sets[id].has_bit(MethodSet::GET_BIT))
    };
    exact.or_else(implied).copied()
}

/// Where the segment at the start of `path` ends, and whether it holds a `%` to decode.
///
/// Eight bytes at a time: segments such as commit hashes are tens of bytes long, and a lookup
/// finds the end of every segment a parameter takes. The bytes left over after the last whole
/// word are read as the path's last eight bytes, the ones already seen masked off.
fn segment_end(path: &[u8]) -> (usize, bool) {
    let stop = match first_stop(path) {
        None => return (path.len(), false),
        Some(at) if path[at] == b'/' => return (at, false),
        Some(at) => at,
    };
    let end = path[stop..].iter().position(|&b| b == b'/');
    (end.map_or(path.len(), |end| stop + end), true)
}

/// The position of the first `/` or `%` in `path`.
fn first_stop(path: &[u8]) -> Option<usize> {
    // The lowest set bit of either is exact, so the lowest of the two together is.
    let stops = |word: u64| bytes_equal(word, b'/') | bytes_equal(word, b'%');
    let eight = |chunk: &[u8]| u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
    let byte_at = |stops: u64| (stops.trailing_zeros() / 8) as usize;
    if path.len() < 8 {
        // Four bytes from each end, overlapping: a word each, zero-extended (a zero byte is
        // neither `/` nor `%`).
        let Some(head) = path.get(..4) else {
            return path.iter().position(|&b| b == b'/' || b == b'%');
        };
        let word = |four: &[u8]| u64::from(u32::from_le_bytes(four.try_into().expect("four")));
        let found = stops(word(head));
        if found != 0 {
            return Some(byte_at(found));
        }
        let found = stops(word(&path[path.len() - 4..]));
        return (found != 0).then(|| path.len() - 4 + byte_at(found));
    }
    let mut start = 0;
    while let Some(chunk) = path.get(start..start + 8) {
        let found = stops(eight(chunk));
        if found != 0 {
            return Some(start + byte_at(found));
        }
        start += 8;
    }
    // The last eight bytes, less the `seen` of them the loop has read already.
    let (last, seen) = (path.len() - 8, start + 8 - path.len());
    let unseen = u64::MAX.checked_shl(8 * seen as u32).unwrap_or(0);
    let found = stops(eight(&path[last..])) & unseen;
    (found != 0).then(|| last + byte_at(found))
}

/// Percent-decodes a segment (or the rest of the path) that holds a `%`; `None` when it
/// decodes to invalid UTF-8, which no route matches.
fn decode(raw: &str) -> Option<Cow<'_, str>> {
    percent_encoding::percent_decode_str(raw).decode_utf8().ok()
}

/// Depth-first search in precedence order. `rest` is the path after the segments already
/// consumed, without its leading `/`; `None` once the path is used up. `decoded` says the path
/// was percent-decoded already. `visit` is called with the routes of every node the whole path
/// reaches, and stops the search by returning `true`, leaving the parameters of that match in
/// `values`.
///
/// Only alternatives that may have to be undone recurse: the last child that can take a segment
/// is followed by the loop, as nothing at this node is left to try if it fails. The values it
/// pushed are then cut off by the caller that tries the next alternative.
pub(crate) fn walk<'p, F: FnMut(&[RouteId]) -> bool>(
    mut node: &Node,
    mut rest: Option<&'p str>,
    decoded: bool,
    values: &mut Values<'p>,
    visit: &mut F,
) -> bool {
    'nodes: loop {
        let Some(path) = rest else {
            return !node.routes.is_empty() && visit(&node.routes);
        };
        match node.kind {
            // Static segments hold no `%`: they are compared with the path's bytes in place.
            Kind::Static => match node.index.find(path.as_bytes()) {
                Ok((at, len)) => {
                    (node, rest) = (&node.statics[at].1, path.get(len + 1..));
                    continue;
                }
                // Nothing else to try, unless decoding an escape may still match a segment.
                Err(Escaped(escaped)) if decoded || !escaped => return false,
                Err(_) => {}
            },
            // The most common parameter, `{owner}` alone below `/repos`, needs no alternatives.
            Kind::Str => {
                let (end, escaped) = segment_end(path.as_bytes());
                if let (true, Some(child)) = (end > 0 && !escaped, &node.string) {
                    values.push(ParamValue::Str(Cow::Borrowed(&path[..end])));
                    (node, rest) = (child, path.get(end + 1..));
                    continue;
                }
            }
            // `{id}` alone below `/gists`: no alternatives either, and the integer parsed here.
            Kind::Int => {
                let (end, escaped) = segment_end(path.as_bytes());
                if !escaped {
                    // Empty segments are not integers.
                    let Some(value) = parse_int(&path[..end]) else {
                        return false;
                    };
                    values.push(ParamValue::Int(value));
                    (node, rest) = (&node.typed[0].1, path.get(end + 1..));
                    continue;
                }
            }
            // The same, for a child without children: the segment must be the path's last
            // (decoding cannot join two), which misses such as `/authorizations/1/x` find
            // before a value is made.
            Kind::StrLeaf | Kind::IntLeaf => {
                let (end, escaped) = segment_end(path.as_bytes());
                if end < path.len() {
                    return false;
                }
                if !escaped {
                    let (value, child) = match (node.kind, &node.typed[..], &node.string) {
                        (Kind::IntLeaf, [(_, child)], _) => {
                            let Some(value) = parse_int(path) else {
                                return false;
                            };
                            (ParamValue::Int(value), child)
                        }
                        (_, _, Some(child)) if end > 0 => {
                            (ParamValue::Str(Cow::Borrowed(path)), &**child)
                        }
                        _ => return false,
                    };
                    values.push(value);
                    (node, rest) = (child, None);
                    continue;
                }
            }
            Kind::Mixed => {}
        }
        // What the alternatives tried here push is cut off before the next is tried.
        let mark = values.len();
        // A static-only node comes here only for a `%` where its segments failed: its find
        // fails again, and the decoded segment has its chance below.
        if let Ok((at, len)) = node.index.find(path.as_bytes()) {
            let child = &node.statics[at].1;
            if walk(child, path.get(len + 1..), decoded, values, visit) {
                return true;
            }
            values.truncate(mark);
        }
        // The segment must now be delimited, and decoded if it has a `%` (which gives the
        // static children another chance).
        let (end, escaped) = segment_end(path.as_bytes());
        let (raw, tail) = (&path[..end], path.get(end + 1..));
        // Empty segments (`//`) match nothing.
        if raw.is_empty() {
            return false;
        }
        let segment = if escaped && !decoded {
            // A segment that decodes to invalid UTF-8 matches nothing.
            let Some(segment) = decode(raw) else {
                return false;
            };
            // A decoded `/` (`%2F`) is part of the segment: the whole of it must match.
            let found = node.index.find(segment.as_bytes()).ok();
            if let Some((at, _)) = found.filter(|&(_, len)| len == segment.len()) {
                if walk(&node.statics[at].1, tail, decoded, values, visit) {
                    return true;
                }
                values.truncate(mark);
            }
            segment
        } else {
            Cow::Borrowed(raw)
        };
        let (string_last, typed_last) = (
            node.greedy.is_empty(),
            node.string.is_none() && node.greedy.is_empty(),
        );
        for (i, (matcher, child)) in node.typed.iter().enumerate() {
            if let Some(value) = matcher.parse(&segment) {
                values.push(value);
                if typed_last && i + 1 == node.typed.len() {
                    (node, rest) = (child, tail);
                    continue 'nodes;
                }
                if walk(child, tail, decoded, values, visit) {
                    return true;
                }
                values.truncate(mark);
            }
        }
        if let Some(child) = &node.string {
            values.push(ParamValue::Str(segment));
            if string_last {
                (node, rest) = (child, tail);
                continue;
            }
            if walk(child, tail, decoded, values, visit) {
                return true;
            }
            values.truncate(mark);
        }
        if !node.greedy.is_empty() && !path.split('/').any(str::is_empty) {
            let value = if decoded || !path.contains('%') {
                Some(Cow::Borrowed(path))
            } else {
                decode(path)
            };
            if let Some(value) = value {
                values.push(ParamValue::Path(value));
                return visit(&node.greedy);
            }
        }
        return false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::router::{MatchError, RouteTable};
    use http::Method;

    /// A table whose nodes take each of the walk's shortcuts, and alternatives to fall back on.
    const ROUTES: &str = r#"
        [[route]]
        path = "/gists/{id}"
        handler = "gist"
        params = { id = "int" }

        [[route]]
        path = "/gists/{id}/star"
        handler = "star"
        params = { id = "int" }

        [[route]]
        path = "/users/{user}/repos"
        handler = "repos"

        [[route]]
        path = "/a/b/{n}/end"
        handler = "abn"
        params = { n = "int" }

        [[route]]
        path = "/a/{x}/{y}/{z}"
        handler = "axyz"

        [[route]]
        path = "/leaves/{n}"
        handler = "leaf_int"
        params = { n = "int" }

        [[route]]
        path = "/names/{name}"
        handler = "leaf_str"

        [[route]]
        path = "/c/d/{n}"
        handler = "cdn"
        params = { n = "int" }

        [[route]]
        path = "/c/{x}/{y}/{z}"
        handler = "cxyz"
    "#;

    /// The handler and the parameters a lookup finds, or `None` for a 404.
    fn found(path: &str, decoded: bool) -> Option<(String, Vec<ParamValue<'static>>)> {
        let table = RouteTable::from_toml("walk.toml", ROUTES).unwrap();
        match table.lookup(&Method::GET, path, decoded) {
            Ok(found) => {
                let handler = found.route().handler().to_owned();
                let values = found.into_values().into_iter();
                Some((handler, values.map(ParamValue::into_owned).collect()))
            }
            Err(MatchError::NotFound) => None,
            Err(error) => panic!("{path}: {error:?}"),
        }
    }

    fn route(
        handler: &str,
        values: &[ParamValue<'static>],
    ) -> Option<(String, Vec<ParamValue<'static>>)> {
        Some((handler.to_owned(), values.to_vec()))
    }

    fn text(s: &str) -> ParamValue<'static> {
        ParamValue::Str(Cow::Owned(s.to_owned()))
    }

    #[test]
    fn an_int_only_node_takes_integers_and_nothing_else() {
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
    fn escapes_leave_the_shortcuts_for_the_general_walk() {
        use ParamValue::Int;
        // Decoded, an integer.
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
    }

    #[test]
    fn a_parameter_without_children_takes_the_last_segment_only() {
        use ParamValue::Int;
        assert_eq!(found("/leaves/5", false), route("leaf_int", &[Int(5)]));
        assert_eq!(found("/leaves/5/", false), route("leaf_int", &[Int(5)]));
        assert_eq!(found("/leaves/%35", false), route("leaf_int", &[Int(5)]));
        assert_eq!(found("/leaves/5/x", false), None);
        assert_eq!(found("/leaves/%35/x", false), None);
        assert_eq!(found("/leaves/5//", false), None);
        assert_eq!(found("/leaves/x", false), None);
        assert_eq!(found("/leaves", false), None);
        assert_eq!(
            found("/names/ada", false),
            route("leaf_str", &[text("ada")])
        );
        let spaced = route("leaf_str", &[text("a b")]);
        assert_eq!(found("/names/a%20b", false), spaced);
        assert_eq!(
            found("/names/a%2Fb", false),
            route("leaf_str", &[text("a/b")])
        );
        assert_eq!(found("/names/a/b", false), None);
        assert_eq!(found("/names//", false), None);
        assert_eq!(found("/names/%FF", false), None);
        // The leaf refuses `7/q`: `{x}` is tried next.
        let xyz = [text("d"), text("7"), text("q")];
        assert_eq!(found("/c/d/7/q", false), route("cxyz", &xyz));
        assert_eq!(found("/c/d/7", false), route("cdn", &[Int(7)]));
    }

    #[test]
    fn a_failed_shortcut_backtracks_with_its_values_cut_off() {
        use ParamValue::Int;
        assert_eq!(found("/a/b/7/end", false), route("abn", &[Int(7)]));
        // `{n}` takes `7`, `end` does not match: `7` is cut off before `{x}` is tried.
        let xyz = [text("b"), text("7"), text("other")];
        assert_eq!(found("/a/b/7/other", false), route("axyz", &xyz));
        // `{n}` refuses `c`.
        let xyz = [text("b"), text("c"), text("end")];
        assert_eq!(found("/a/b/c/end", false), route("axyz", &xyz));
        assert_eq!(found("/users//repos", false), None);
        assert_eq!(found("/users/octocat", false), None);
    }

    #[test]
    fn segment_ends_agree_with_a_byte_by_byte_search() {
        let naive = |path: &[u8]| {
            let stop = path.iter().position(|&b| b == b'/' || b == b'%');
            match stop {
                None => (path.len(), false),
                Some(at) if path[at] == b'/' => (at, false),
                Some(at) => {
                    let end = path[at..].iter().position(|&b| b == b'/');
                    (end.map_or(path.len(), |end| at + end), true)
                }
            }
        };
        // Every placement of `/` and `%` (and neither) in paths of 0 to 24 bytes.
        for len in 0..=24_usize {
            for slash in 0..=len {
                for percent in [None, Some(0), Some(len / 2), Some(len.saturating_sub(1))] {
                    let mut path = vec![b'a'; len];
                    if slash < len {
                        path[slash] = b'/';
                    }
                    if let Some(at) = percent.filter(|&at| at < len) {
                        path[at] = b'%';
                    }
                    assert_eq!(segment_end(&path), naive(&path), "{path:?}");
                }
            }
        }
    }
}
