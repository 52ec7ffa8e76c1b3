//! The segment tree and the walk that looks a path up in it.
//!
//! Design note: the tree has one level per path segment. At each node the children are tried
//! in precedence order: the static child named by the segment (a binary search of the sorted
//! static children), the typed children by rank, the `str` child, then the greedy routes,
//! which take the rest of the path. A segment is percent-decoded once, before it is compared
//! with anything. Every node sits at one depth, so a walk visits each node at most once,
//! whatever backtracking a typed parameter causes: the cost is bounded by the table, never
//! exponential, and recursion is no deeper than the longest template.

use std::borrow::Cow;

use super::RouteId;
use super::param::{Matcher, ParamValue};

#[derive(Debug, Default)]
pub(super) struct Node {
    /// Static children, sorted by segment.
    statics: Vec<(Box<str>, Node)>,
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
        for (_, child) in &self.statics {
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
/// UTF-8, which no route matches.
fn decode(raw: &str) -> Option<Cow<'_, str>> {
    percent_encoding::percent_decode_str(raw).decode_utf8().ok()
}

/// Depth-first search in precedence order. `rest` is the path after the segments already
/// consumed, without its leading `/`; `None` once the path is used up. `decoded` says the path
/// was percent-decoded already, so that a `%` in it is a character. `visit` is called with
/// the routes of every node the whole path reaches, and stops the search by returning `true`,
/// leaving the parameters of that match in `params`.
pub(super) fn walk<'p>(
    node: &Node,
    rest: Option<&'p str>,
    decoded: bool,
    params: &mut Vec<ParamValue<'p>>,
    visit: &mut impl FnMut(&[RouteId]) -> bool,
) -> bool {
    let Some(path) = rest else {
        return !node.routes.is_empty() && visit(&node.routes);
    };
    let (raw, tail) = match path.split_once('/') {
        Some((raw, tail)) => (raw, Some(tail)),
        None => (path, None),
    };
    // Empty segments (`//`) match nothing.
    if raw.is_empty() {
        return false;
    }
    // A decoded `/` (`%2F`) stays part of its segment.
    let segment = if decoded || !raw.contains('%') {
        Cow::Borrowed(raw)
    } else {
        match decode(raw) {
            Some(segment) => segment,
            None => return false,
        }
    };
    // What an alternative pushed is cut off before the next one is tried.
    let mark = params.len();
    let found = node
        .statics
        .binary_search_by(|(s, _)| s.as_ref().cmp(&segment));
    if let Ok(at) = found {
        if walk(&node.statics[at].1, tail, decoded, params, visit) {
            return true;
        }
        params.truncate(mark);
    }
    for (matcher, child) in &node.typed {
        if let Some(value) = matcher.parse(&segment) {
            params.push(value);
            if walk(child, tail, decoded, params, visit) {
                return true;
            }
            params.truncate(mark);
        }
    }
    if let Some(child) = &node.string {
        params.push(ParamValue::Str(segment));
        if walk(child, tail, decoded, params, visit) {
            return true;
        }
        params.truncate(mark);
    }
    if !node.greedy.is_empty() && !path.split('/').any(str::is_empty) {
        let value = if decoded || !path.contains('%') {
            Some(Cow::Borrowed(path))
        } else {
            decode(path)
        };
        if let Some(value) = value {
            params.push(ParamValue::Path(value));
            if visit(&node.greedy) {
                return true;
            }
            params.truncate(mark);
        }
    }
    false
}
