//! The segment tree and the lookup that walks it.
//!
//! Design note: a lookup must cost about the same for 10 routes as for 10,000 and allocate
//! nothing. Static children are found by a short linear scan when a node has few of them and
//! by a hash when it has many; parameter values are kept inline for the first four; the method
//! is reduced to one bit before the walk; and the walk is generic over what it does at a
//! matching node, so the compiler inlines it.

use std::borrow::Cow;
use std::collections::HashMap;

use super::RouteId;
use super::method::MethodSet;
use super::param::{Matcher, ParamValue};

/// Above this many static children, a node looks them up by hash.
const HASH_ABOVE: usize = 8;

#[derive(Debug, Default)]
pub(crate) struct Node {
    /// Static children, sorted by segment (the listing order).
    pub(crate) statics: Vec<(Box<str>, Node)>,
    /// Position of each static child in `statics`, built by [`Node::seal`] for wide nodes.
    index: Option<HashMap<Box<str>, usize, foldhash::fast::RandomState>>,
    /// Typed children in precedence order (`Matcher::rank`; regexes in file order).
    pub(crate) typed: Vec<(Matcher, Node)>,
    pub(crate) string: Option<Box<Node>>,
    /// Routes whose last segment is a greedy parameter at this position.
    pub(crate) greedy: Vec<RouteId>,
    /// Routes whose template ends at this node.
    pub(crate) routes: Vec<RouteId>,
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

    /// Builds the hash indexes of wide nodes; called once the table is complete.
    pub(crate) fn seal(&mut self) {
        self.index = (self.statics.len() > HASH_ABOVE).then(|| {
            self.statics
                .iter()
                .enumerate()
                .map(|(i, (s, _))| (s.clone(), i))
                .collect()
        });
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

    fn static_child(&self, segment: &str) -> Option<&Node> {
        match &self.index {
            Some(index) => index.get(segment).map(|&at| &self.statics[at].1),
            None => self
                .statics
                .iter()
                .find(|(s, _)| s.as_ref() == segment)
                .map(|(_, child)| child),
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

    fn pop(&mut self) {
        self.len -= 1;
        if self.len >= self.inline.len() {
            self.spill.pop();
        } else {
            self.inline[self.len] = ParamValue::Int(0);
        }
    }

    pub(crate) fn clear(&mut self) {
        while self.len > 0 {
            self.pop();
        }
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

/// Percent-decodes one segment; `None` when it decodes to invalid UTF-8, which no route matches.
fn decode(raw: &str, decoded: bool) -> Option<Cow<'_, str>> {
    if !decoded && raw.contains('%') {
        percent_encoding::percent_decode_str(raw).decode_utf8().ok()
    } else {
        Some(Cow::Borrowed(raw))
    }
}

/// Depth-first search in precedence order. `rest` is the path after the segments already
/// consumed, without its leading `/`; `None` once the path is used up. `visit` is called with
/// the routes of every node the whole path reaches, and stops the search by returning `true`,
/// leaving the parameters of that match in `values`.
pub(crate) fn walk<'p, F: FnMut(&[RouteId]) -> bool>(
    node: &Node,
    rest: Option<&'p str>,
    decoded: bool,
    values: &mut Values<'p>,
    visit: &mut F,
) -> bool {
    let Some(rest) = rest else {
        return !node.routes.is_empty() && visit(&node.routes);
    };
    // One pass over the segment finds its end and whether it has anything to decode.
    let bytes = rest.as_bytes();
    let mut end = 0;
    let mut escaped = false;
    while end < bytes.len() && bytes[end] != b'/' {
        escaped |= bytes[end] == b'%';
        end += 1;
    }
    let (raw, tail) = (&rest[..end], rest.get(end + 1..));
    // Empty segments (`//`) match nothing.
    if raw.is_empty() {
        return false;
    }
    let Some(segment) = decode(raw, decoded || !escaped) else {
        return false;
    };
    if let Some(child) = node.static_child(&segment) {
        if walk(child, tail, decoded, values, visit) {
            return true;
        }
    }
    for (matcher, child) in &node.typed {
        if let Some(value) = matcher.parse(&segment) {
            values.push(value);
            if walk(child, tail, decoded, values, visit) {
                return true;
            }
            values.pop();
        }
    }
    if let Some(child) = &node.string {
        values.push(ParamValue::Str(segment));
        if walk(child, tail, decoded, values, visit) {
            return true;
        }
        values.pop();
    }
    if !node.greedy.is_empty() && !rest.split('/').any(str::is_empty) {
        if let Some(value) = decode(rest, decoded) {
            values.push(ParamValue::Path(value));
            if visit(&node.greedy) {
                return true;
            }
            values.pop();
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_spill_past_four_and_pop_back() {
        let mut values = Values::new();
        for i in 0..6 {
            values.push(ParamValue::Int(i));
        }
        assert_eq!(values.iter().len(), 6);
        assert_eq!(values.get(5), Some(&ParamValue::Int(5)));
        values.pop();
        values.pop();
        values.pop();
        assert_eq!(values.get(2), Some(&ParamValue::Int(2)));
        assert_eq!(values.get(3), None);
        assert_eq!(
            values.into_vec(),
            vec![ParamValue::Int(0), ParamValue::Int(1), ParamValue::Int(2)]
        );
    }
}
