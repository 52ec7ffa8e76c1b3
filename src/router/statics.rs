//! The static children of a tree node, as a byte-level prefix tree.
//!
//! Design note: a lookup compares the request path with the static segments of a node in place,
//! byte by byte, without first finding where the path's segment ends: the tree stops at the
//! first byte no segment has (most misses end there), and a segment matches when the path
//! continues with `/` or ends right after it. Segments never contain `/`, so at each byte at
//! most one branch can match and the search never backtracks; its cost is the length of the
//! segment, whatever the number of siblings (a node of 2,500 static children costs what a node
//! of 3 does, which a linear scan would not and a hash would only after scanning the segment).

use std::ops::Range;

/// The prefix tree of a node's static segments; each segment maps to its position in the
/// node's list of static children.
#[derive(Debug, Default)]
pub(crate) struct Statics {
    /// The tree's nodes, the root first.
    nodes: Vec<TrieNode>,
}

#[derive(Debug)]
struct TrieNode {
    /// The bytes this node consumes after the byte that chose it (the root: from the start).
    prefix: Box<[u8]>,
    /// The smallest byte that chooses a child.
    low: u8,
    /// The index in `nodes` of the child chosen by each byte from `low` on, or [`NONE`]: one
    /// load picks a child, where a search among the bytes would cost one compare per sibling.
    children: Box<[u32]>,
    /// The segment that ends here, as its position among the node's static children.
    target: Option<usize>,
}

/// No child for this byte; never a valid index in `nodes`, so `nodes.get` turns it into `None`.
const NONE: u32 = u32::MAX;

impl Statics {
    /// The tree of the segments of `items` (`segment` gives an item's), which must be sorted,
    /// distinct and non-empty; a match returns a segment's index in that slice.
    pub(crate) fn new<T>(items: &[T], segment: impl Fn(&T) -> &str) -> Self {
        let mut statics = Statics { nodes: Vec::new() };
        if !items.is_empty() {
            let segment = |i: usize| segment(&items[i]).as_bytes();
            // A node either ends a segment or has two children or more: at most 2n - 1 nodes.
            statics.nodes.reserve_exact(2 * items.len() - 1);
            statics.nodes.push(TrieNode::placeholder());
            statics.build(0, &segment, 0..items.len(), 0);
        }
        statics
    }

    /// Fills node `at` with the segments of `group` (indices into the sorted segments), which
    /// share their first `depth` bytes.
    fn build<'s>(
        &mut self,
        at: usize,
        segment: &impl Fn(usize) -> &'s [u8],
        group: Range<usize>,
        depth: usize,
    ) {
        // The longest prefix the whole group shares past `depth` (the group is sorted, so the
        // first and last entries bound it).
        let (first, last) = (segment(group.start), segment(group.end - 1));
        let shared = first[depth..]
            .iter()
            .zip(&last[depth..])
            .take_while(|(a, b)| a == b)
            .count();
        let end = depth + shared;
        // Sorted: the segment that ends at `end`, if any, comes first.
        let (target, rest) = if first.len() == end {
            (Some(group.start), group.start + 1..group.end)
        } else {
            (None, group)
        };
        // The rest, in runs of the same next byte; each run is one child. Found twice (to
        // size the child table, then to fill it) rather than collected.
        let runs = || {
            let (mut start, stop) = (rest.start, rest.end);
            std::iter::from_fn(move || {
                if start == stop {
                    return None;
                }
                let byte = segment(start)[end];
                let len = (start..stop)
                    .take_while(|&i| segment(i)[end] == byte)
                    .count();
                start += len;
                Some((byte, start - len..start))
            })
        };
        let (mut count, mut low, mut high) = (0, 0, 0);
        for (byte, _) in runs() {
            if count == 0 {
                low = byte;
            }
            (count, high) = (count + 1, byte);
        }
        let first_child = self.nodes.len();
        self.nodes
            .extend((0..count).map(|_| TrieNode::placeholder()));
        let mut children = vec![
            NONE;
            if count == 0 {
                0
            } else {
                usize::from(high - low) + 1
            }
        ];
        for (i, (byte, _)) in runs().enumerate() {
            let index = u32::try_from(first_child + i).expect("fewer than 2^32 trie nodes");
            children[usize::from(byte - low)] = index;
        }
        self.nodes[at] = TrieNode {
            prefix: first[depth..end].into(),
            low,
            children: children.into(),
            target,
        };
        for (i, (_, run)) in runs().enumerate() {
            self.build(first_child + i, segment, run, end + 1);
        }
    }

    /// The static segment at the start of `path`: its index and length, when `path` holds one
    /// of the segments followed by `/` or by nothing. Otherwise the position of the first byte
    /// that no segment continues with (the path's length if it ended first): a percent-decoded
    /// path can match only if that byte is a `%`, as decoding leaves the bytes before it as
    /// they are.
    #[inline]
    pub(crate) fn find(&self, path: &[u8]) -> Result<(usize, usize), usize> {
        let mut node = self.nodes.first().ok_or(0_usize)?;
        let mut at = 0;
        loop {
            // `at` never passes the end: it moves past a byte only after reading it.
            let same = shared_len(&path[at..], &node.prefix);
            if same < node.prefix.len() {
                return Err(at + same);
            }
            at += same;
            match path.get(at) {
                None | Some(b'/') => return node.target.map(|target| (target, at)).ok_or(at),
                Some(&byte) => {
                    let slot = usize::from(byte.wrapping_sub(node.low));
                    let child = node.children.get(slot).ok_or(at)?;
                    node = self.nodes.get(*child as usize).ok_or(at)?;
                    at += 1;
                }
            }
        }
    }
}

/// How many bytes `path` and `prefix` share at their start. Eight bytes at a time, the first
/// differing byte found from the lowest set bit of the difference: prefixes such as
/// `uthorizations` are long, and a byte loop costs several instructions per byte. Without
/// `memcmp`, whose call costs more than the few bytes most prefixes have.
fn shared_len(path: &[u8], prefix: &[u8]) -> usize {
    let len = path.len().min(prefix.len());
    let (path, prefix) = (&path[..len], &prefix[..len]);
    let word = |bytes: &[u8], at: usize| {
        u64::from_le_bytes(bytes[at..at + 8].try_into().expect("eight bytes"))
    };
    let differ_at = |diff: u64| (diff.trailing_zeros() / 8) as usize;
    if len < 8 {
        return path.iter().zip(prefix).take_while(|(a, b)| a == b).count();
    }
    let mut at = 0;
    while at + 8 <= len {
        let diff = word(path, at) ^ word(prefix, at);
        if diff != 0 {
            return at + differ_at(diff);
        }
        at += 8;
    }
    if at == len {
        return len;
    }
    // The last eight bytes, overlapping those already compared (which are equal).
    let diff = word(path, len - 8) ^ word(prefix, len - 8);
    if diff == 0 {
        len
    } else {
        len - 8 + differ_at(diff)
    }
}

impl TrieNode {
    fn placeholder() -> Self {
        TrieNode {
            prefix: Box::default(),
            low: 0,
            children: Box::default(),
            target: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_whole_segments_only() {
        let segments = ["gists", "git", "issues", "user", "users"];
        let statics = Statics::new(&segments, |s| s);
        assert_eq!(statics.find(b"user"), Ok((3, 4)));
        assert_eq!(statics.find(b"users/octocat"), Ok((4, 5)));
        assert_eq!(statics.find(b"user/repos"), Ok((3, 4)));
        assert_eq!(statics.find(b"git/refs"), Ok((1, 3)));
        assert_eq!(statics.find(b"gists"), Ok((0, 5)));
        assert_eq!(statics.find(b"gis"), Err(3));
        assert_eq!(statics.find(b"gistsx"), Err(5));
        assert_eq!(statics.find(b"use"), Err(3));
        // Where an escape could make the decoded segment match: at the `%`.
        assert_eq!(statics.find(b"us%65rs"), Err(2));
        assert_eq!(statics.find(b"user%73"), Err(4));
        assert_eq!(statics.find(b"userss"), Err(5));
        assert_eq!(statics.find(b""), Err(0));
        assert_eq!(statics.find(b"/user"), Err(0));
        assert_eq!(Statics::new(&[""; 0], |s| s).find(b"user"), Err(0));
    }

    #[test]
    fn shared_lengths_agree_with_a_byte_by_byte_count() {
        let prefix: Vec<u8> = (b'a'..=b'z').collect();
        for len in 0..=prefix.len() {
            for differ in 0..=len {
                let mut path = prefix[..len].to_vec();
                if differ < len {
                    path[differ] = b'/';
                }
                let naive = path.iter().zip(&prefix).take_while(|(a, b)| a == b).count();
                assert_eq!(shared_len(&path, &prefix), naive, "{path:?}");
                assert_eq!(shared_len(&prefix, &path), naive, "{path:?}");
            }
        }
    }

    #[test]
    fn a_single_segment_and_many_siblings() {
        let one = Statics::new(&["events"], |s| s);
        assert_eq!(one.find(b"events"), Ok((0, 6)));
        assert_eq!(one.find(b"event"), Err(5));
        let mut many: Vec<String> = (0..2_500).map(|i| format!("r{i}")).collect();
        many.sort();
        let statics = Statics::new(&many, String::as_str);
        for (i, segment) in many.iter().enumerate() {
            let path = format!("{segment}/42");
            assert_eq!(statics.find(path.as_bytes()), Ok((i, segment.len())));
        }
        assert_eq!(statics.find(b"r2500"), Err(4));
    }
}
