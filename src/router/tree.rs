//! The segment tree and the lookup that walks it.
//!
//! Design note: a lookup must cost about the same for 10 routes as for 10,000 and allocate
//! nothing. The static children of a node are found by comparing the path with a byte-level
//! prefix tree of their segments in place ([`Statics`]); the end of a segment is searched for,
//! and a `%` in it decoded, only when a parameter may take it or the comparison failed on an
//! escape; a node with static children only is left by a loop, not a recursion; parameter
//! values are kept inline for the first four; the method is reduced to one bit before the walk;
//! and the walk is generic over what it does at a matching node, so the compiler inlines it.

use std::borrow::Cow;

use super::RouteId;
use super::method::MethodSet;
use super::param::{Matcher, ParamValue};
use super::statics::Statics;

#[derive(Debug, Default)]
pub(crate) struct Node {
    /// Static children, sorted by segment (the listing order).
    pub(crate) statics: Vec<(Box<str>, Node)>,
    /// The segments of `statics` as a prefix tree, built by [`Node::seal`].
    index: Statics,
    /// Typed children in precedence order (`Matcher::rank`; regexes in file order).
    pub(crate) typed: Vec<(Matcher, Node)>,
    pub(crate) string: Option<Box<Node>>,
    /// Routes whose last segment is a greedy parameter at this position.
    pub(crate) greedy: Vec<RouteId>,
    /// Routes whose template ends at this node.
    pub(crate) routes: Vec<RouteId>,
    /// No typed, `str` or greedy children: a segment matches a static child or nothing.
    static_only: bool,
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

    /// Builds the prefix trees of the static children; called once the table is complete.
    pub(crate) fn seal(&mut self) {
        self.index = Statics::new(&self.statics, |(s, _)| s);
        self.static_only = self.typed.is_empty() && self.string.is_none() && self.greedy.is_empty();
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
#[derive(Debug)]
pub(crate) struct Values<'p> {
    inline: [ParamValue<'p>; 4],
    len: usize,
    spill: Vec<ParamValue<'p>>,
}

impl<'p> Values<'p> {
    pub(crate) fn new() -> Self {
        let empty = || ParamValue::Int(0);
        Values {
            inline: [empty(), empty(), empty(), empty()],
            len: 0,
            spill: Vec::new(),
        }
    }

    fn push(&mut self, value: ParamValue<'p>) {
        match self.inline.get_mut(self.len) {
            Some(slot) => *slot = value,
            None => self.spill.push(value),
        }
        self.len += 1;
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Keeps the first `len` values. Inline slots past them are left as they are, to be
    /// overwritten: they are out of reach of `get` and `iter`.
    pub(crate) fn truncate(&mut self, len: usize) {
        self.len = self.len.min(len);
        self.spill
            .truncate(self.len.saturating_sub(self.inline.len()));
    }

    pub(crate) fn clear(&mut self) {
        self.truncate(0);
    }

    pub(crate) fn get(&self, i: usize) -> Option<&ParamValue<'p>> {
        if i >= self.len {
            None
        } else if i < self.inline.len() {
            Some(&self.inline[i])
        } else {
            self.spill.get(i - self.inline.len())
        }
    }

    pub(crate) fn iter(&self) -> impl ExactSizeIterator<Item = &ParamValue<'p>> {
        // `len` counts the inline values and then the spilled ones, so every index is in bounds.
        let inline = self.inline.len();
        (0..self.len).map(move |i| {
            if i < inline {
                &self.inline[i]
            } else {
                &self.spill[i - inline]
            }
        })
    }

    pub(crate) fn into_vec(self) -> Vec<ParamValue<'p>> {
        let len = self.len;
        self.inline
            .into_iter()
            .chain(self.spill)
            .take(len)
            .collect()
    }
}

/// The method of a request, reduced to what a lookup compares.
#[derive(Clone, Copy)]
pub(crate) struct Wanted {
    /// The method's bit (0 for a method no route can name, which only `*` routes take).
    pub(crate) bit: u8,
    /// A HEAD request, which a GET route answers too.
    pub(crate) head: bool,
    pub(crate) get_bit: u8,
}

/// The route among `ids` (all matching the path) that answers the method. An explicit HEAD
/// route is preferred to the HEAD a GET route implies.
pub(crate) fn pick(sets: &[MethodSet], ids: &[RouteId], wanted: Wanted) -> Option<RouteId> {
    let exact = ids.iter().find(|&&id| sets[id].has_bit(wanted.bit));
    let implied = || {
        ids.iter()
            .find(|&&id| wanted.head && sets[id].has_bit(wanted.get_bit))
    };
    exact.or_else(implied).copied()
}

/// Where the segment at the start of `path` ends, and whether it holds a `%` to decode.
///
/// Eight bytes at a time: segments such as commit hashes are tens of bytes long, and a lookup
/// finds the end of every segment a parameter takes.
fn segment_end(path: &[u8]) -> (usize, bool) {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    // The high bit of each byte of `word` equal to `byte`, and maybe of bytes after one (a
    // borrow can spread upwards only from a byte that is equal): the lowest bit is exact.
    let find = |word: u64, byte: u8| {
        let x = word ^ (ONES * u64::from(byte));
        x.wrapping_sub(ONES) & !x & HIGHS
    };
    let mut chunks = path.chunks_exact(8);
    let mut start = 0;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        let slash = find(word, b'/');
        let percent = find(word, b'%');
        if slash != 0 || percent != 0 {
            break;
        }
        start += 8;
    }
    // The chunk that holds the first `/` or `%`, or the bytes left over, byte by byte.
    match path[start..].iter().position(|&b| b == b'/' || b == b'%') {
        None => (path.len(), false),
        Some(i) if path[start + i] == b'/' => (start + i, false),
        Some(i) => {
            let end = path[start + i..].iter().position(|&b| b == b'/');
            (end.map_or(path.len(), |end| start + i + end), true)
        }
    }
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
        // What the alternatives tried here push is cut off before the next is tried.
        let mark = values.len();
        // Static segments hold no `%`: they are compared with the path's bytes in place.
        if let Some((at, len)) = node.index.find(path.as_bytes()) {
            let (child, tail) = (&node.statics[at].1, path.get(len + 1..));
            if node.static_only {
                (node, rest) = (child, tail);
                continue;
            }
            if walk(child, tail, decoded, values, visit) {
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
            let found = node.index.find(segment.as_bytes());
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

    #[test]
    fn values_spill_past_four_and_truncate() {
        let mut values = Values::new();
        for i in 0..6 {
            values.push(ParamValue::Int(i));
        }
        assert_eq!(values.iter().len(), 6);
        assert_eq!(values.get(5), Some(&ParamValue::Int(5)));
        values.truncate(3);
        assert_eq!(values.get(2), Some(&ParamValue::Int(2)));
        assert_eq!(values.get(3), None);
        assert_eq!(
            values.into_vec(),
            vec![ParamValue::Int(0), ParamValue::Int(1), ParamValue::Int(2)]
        );
    }
}
