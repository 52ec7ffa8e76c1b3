//! Name and value pairs of text (query parameters, stage variables), stored for a request.
//!
//! Design note: an event's query has a few to a few dozen parameters, and a `String` for each
//! name and value would make it the largest source of allocations per event (eight for the ALB
//! sample event's four parameters). The pairs keep their text in one `String` instead, and each pair
//! as two ranges of it: two allocations per request, whatever the number of pairs.

use std::fmt;
use std::ops::Range;

/// Pairs of text in the order they were added, repeats kept.
#[derive(Clone, Default)]
pub(crate) struct TextPairs {
    text: String,
    pairs: Vec<(Range<usize>, Range<usize>)>,
}

impl TextPairs {
    /// Room for `pairs` pairs holding `text` bytes in all.
    pub(crate) fn with_capacity(pairs: usize, text: usize) -> Self {
        TextPairs {
            text: String::with_capacity(text),
            pairs: Vec::with_capacity(pairs),
        }
    }

    pub(crate) fn push(&mut self, name: &str, value: &str) {
        let name = self.append(name);
        let value = self.append(value);
        self.pairs.push((name, value));
    }

    fn append(&mut self, text: &str) -> Range<usize> {
        let start = self.text.len();
        self.text.push_str(text);
        start..self.text.len()
    }

    pub(crate) fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + Clone {
        self.pairs
            .iter()
            .map(|(name, value)| (&self.text[name.clone()], &self.text[value.clone()]))
    }

    /// The value of the first pair named `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// The values of the pairs named `name`, in order.
    pub(crate) fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.iter().filter(move |(n, _)| *n == name).map(|(_, v)| v)
    }
}

impl<'a> FromIterator<(&'a str, &'a str)> for TextPairs {
    fn from_iter<I: IntoIterator<Item = (&'a str, &'a str)>>(pairs: I) -> Self {
        let mut all = TextPairs::default();
        for (name, value) in pairs {
            all.push(name, value);
        }
        all
    }
}

impl fmt::Debug for TextPairs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_keep_their_order_repeats_and_empty_texts() {
        let mut pairs = TextPairs::with_capacity(1, 4);
        pairs.push("a", "1");
        pairs.push("", "");
        pairs.push("a", "café");
        pairs.push("b", "");
        let all: Vec<(&str, &str)> = pairs.iter().collect();
        assert_eq!(all, [("a", "1"), ("", ""), ("a", "café"), ("b", "")]);
        assert_eq!(pairs.values("a").collect::<Vec<_>>(), ["1", "café"]);
        assert_eq!(pairs.values("c").count(), 0);
        assert_eq!(pairs.get("a"), Some("1"));
        assert_eq!(pairs.get(""), Some(""));
        assert_eq!(pairs.get("c"), None);
        assert_eq!(
            format!("{pairs:?}"),
            r#"[("a", "1"), ("", ""), ("a", "café"), ("b", "")]"#
        );
    }
}
