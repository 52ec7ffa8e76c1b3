//! The segment tree and the walk that looks a path up in it.
//!
//! Design note: the tree has one level per path segment. At each node the children are tried
//! in precedence order: the static child named by the segment (found by hash, so that a lookup
//! costs the same among ten static children as among thousands), the typed children by rank,
//! the `str` child, then the greedy routes, which take the rest of the path. A segment is
//! percent-decoded once, before it is compared with anything. Every node sits at one depth, so
//! a walk visits each node at most once, whatever backtracking a typed parameter causes: the
//! cost is bounded by the table, never exponential, and recursion is no deeper than the longest
//! template.

use std::borrow::Cow;

use rustc_hash::FxHashMap;

use super::param::{Matcher, ParamValue};
use super::{Params, RouteId};

#[derive(Debug, Default)]
pub(super) struct Node {
    /// Static children by segment.
    statics: FxHashMap<Box<str>, Node>,
    /// Typed children in precedence order (`Matcher::rank`; regexes in file order).
    typed: Vec<(Matcher, Node)>,
    string: Option<Box<Node>>,
    /// Routes whose last segment is a greedy parameter at this position.
    greedy: Vec<RouteId>,
    /// Routes whose template ends at this node.
    routes: Vec<RouteId>,
}

impl Node {
    /// The static child for `segment`, created if needed.
    pub(super) fn static_child(&mut self, segment: &str) -> &mut Node {
        self.statics.entry(segment.into()).or_default()
    }

    /// The typed child for `matcher` (one per distinct type or pattern), created in precedence
    /// order if needed: after the children of the same rank, so regexes stay in file order.
    pub(super) fn typed_child(&mut self, matcher: &Matcher) -> &mut Node {
        let at = match self.typed.iter().position(|(m, _)| m.same_as(matcher)) {
            Some(at) => at,
            None => {
                let rank = matcher.rank();
                let at = self
                    .typed
                    .iter()
                    .take_while(|(m, _)| m.rank() <= rank)
                    .count();
                self.typed.insert(at, (matcher.clone(), Node::default()));
                at
            }
        };
        &mut self.typed[at].1
    }

    pub(super) fn string_child(&mut self) -> &mut Node {
        self.string.get_or_insert_with(Box::default)
    }

    /// The routes that end here: those whose template ends at this node, or, with `greedy`,
    /// those whose greedy parameter starts here.
    pub(super) fn routes(&mut self, greedy: bool) -> &mut Vec<RouteId> {
        if greedy {
            &mut self.greedy
        } else {
            &mut self.routes
        }
    }

    /// Appends the routes below this node in the order a walk tries them.
    pub(super) fn in_order(&self, order: &mut Vec<RouteId>) {
        order.extend(&self.routes);
        // Static children are exclusive: any order is theirs, and names read best in a listing.
        let mut statics: Vec<(&Box<str>, &Node)> = self.statics.iter().collect();
        statics.sort_unstable_by_key(|(segment, _)| *segment);
        for (_, child) in statics {
            child.in_order(order);
        }
        for (_, child) in &self.typed {
            child.in_order(order);
        }
        if let Some(child) = &self.string {
            child.in_order(order);
        }
        order.extend(&self.greedy);
    }
}

/// Percent-decodes a segment (or the rest of the path); `None` when it decodes to invalid
/// UTF-8 or to a control character (`%0D`, `%0A`, `%00`, ...), which no route matches: a value
/// that reaches a handler never carries them.
fn decode(raw: &str) -> Option<Cow<'_, str>> {
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .ok()?;
    (!has_control(&decoded)).then_some(decoded)
}

fn has_control(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_control())
}

/// What [`segment_end`] found in a segment.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Found {
    Plain,
    /// A `%`: the segment is to be decoded.
    Escape,
    /// A control character (a source that decodes paths can deliver one): no route matches.
    Control,
}

/// Where the segment at the start of `path` ends (at the next `/`), and whether it holds a `%`
/// or a control character: one pass over bytes, as segments are a few bytes long. Letters and
/// digits sort after `/`, `%` and the controls, so most bytes take one comparison.
fn segment_end(path: &str) -> (usize, Found) {
    let mut found = Found::Plain;
    for (at, &byte) in path.as_bytes().iter().enumerate() {
        if byte <= b'/' {
            match byte {
                b'/' => return (at, found),
                b'%' if found == Found::Plain => found = Found::Escape,
                0..0x20 => found = Found::Control,
                _ => {}
            }
        } else if byte == 0x7f {
            found = Found::Control;
        }
    }
    (path.len(), found)
}

/// Depth-first search in precedence order. `rest` is the path after the segments already
/// consumed, without its leading `/`; `None` once the path is used up. `decoded` says the path
/// was percent-decoded already, so that a `%` in it is a character. `visit` is called with
/// the routes of every node the whole path reaches, and stops the search by returning `true`,
/// leaving the parameters of that match in `params`.
///
/// Only an alternative that may have to be undone is a recursive call: the last child that can
/// take a segment is followed by the loop, as nothing at this node is left to try if it fails
/// (the values it pushed are cut off by the caller that tries its next alternative). Most
/// nodes have one kind of child, so most lookups descend the tree without a call per segment.
pub(super) fn walk<'p>(
    mut node: &Node,
    mut rest: Option<&'p str>,
    decoded: bool,
    params: &mut Params<'p>,
    visit: &mut impl FnMut(&[RouteId]) -> bool,
) -> bool {
    'nodes: loop {
        let Some(path) = rest else {
            return !node.routes.is_empty() && visit(&node.routes);
        };
        let (typed, string, greedy) = (&node.typed, &node.string, &node.greedy);
        // A path that goes on past a node without children matches nothing.
        if node.statics.is_empty() && typed.is_empty() && string.is_none() && greedy.is_empty() {
            return false;
        }
        let (end, found) = segment_end(path);
        let (raw, tail) = (&path[..end], path.get(end + 1..));
        // Empty segments (`//`) match nothing.
        if raw.is_empty() || found == Found::Control {
            return false;
        }
        // A decoded `/` (`%2F`) stays part of its segment.
        let segment = if decoded || found == Found::Plain {
            Cow::Borrowed(raw)
        } else {
            match decode(raw) {
                Some(segment) => segment,
                None => return false,
            }
        };
        // What an alternative pushed is cut off before the next one is tried.
        let mark = params.len();
        let found = match node.statics.is_empty() {
            true => None,
            false => node.statics.get(segment.as_ref()),
        };
        if let Some(child) = found {
            if typed.is_empty() && string.is_none() && greedy.is_empty() {
                (node, rest) = (child, tail);
                continue;
            }
            if walk(child, tail, decoded, params, visit) {
                return true;
            }
            params.truncate(mark);
        }
        let last_typed = typed.len().wrapping_sub(1);
        for (i, (matcher, child)) in typed.iter().enumerate() {
            if let Some(value) = matcher.parse(&segment) {
                params.push(value);
                if i == last_typed && string.is_none() && greedy.is_empty() {
                    (node, rest) = (child, tail);
                    continue 'nodes;
                }
                if walk(child, tail, decoded, params, visit) {
                    return true;
                }
                params.truncate(mark);
            }
        }
        if let Some(child) = string {
            params.push(ParamValue::Str(segment));
            if greedy.is_empty() {
                (node, rest) = (child, tail);
                continue;
            }
            if walk(child, tail, decoded, params, visit) {
                return true;
            }
            params.truncate(mark);
        }
        if !greedy.is_empty() && !path.split('/').any(str::is_empty) {
            let value = if has_control(path) {
                None
            } else if decoded || !path.contains('%') {
                Some(Cow::Borrowed(path))
            } else {
                decode(path)
            };
            if let Some(value) = value {
                params.push(ParamValue::Path(value));
                return visit(greedy);
            }
        }
        return false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `segment_end` written the obvious way: the reference it must agree with.
    fn segment_end_naive(path: &str) -> (usize, Found) {
        let end = path.find('/').unwrap_or(path.len());
        let segment = &path[..end];
        let found = if segment.chars().any(|c| c.is_ascii_control()) {
            Found::Control
        } else if segment.contains('%') {
            Found::Escape
        } else {
            Found::Plain
        };
        (end, found)
    }

    proptest::proptest! {
        #[test]
        fn segment_end_agrees_with_the_naive_form(path in "[a/%\u{0}\u{1f}\u{7f} .é-]{0,12}") {
            let (end, found) = segment_end(&path);
            let (naive_end, naive_found) = segment_end_naive(&path);
            proptest::prop_assert_eq!(end, naive_end);
            proptest::prop_assert!(found == naive_found, "{:?}", path);
        }
    }
}
