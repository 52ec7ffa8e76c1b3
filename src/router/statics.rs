//! The static children of a tree node: a hash table of their first words for the lookups that
//! match, and a byte-level prefix tree for the ones that do not.
//!
//! Design note: most lookups that reach a node with static segments match one of them, and
//! most segments are at most sixteen bytes long. Such a lookup reads the path's first eight
//! bytes as one word, finds the segment's end in it (a `/`) with a few word operations, and
//! looks the bytes before it up in a small hash table (a multiplication and a shift; the
//! factor is chosen when the table is built so that most segments sit in the slot their
//! search starts from). The slot's words are compared with the path's whole: a few dozen
//! instructions, whatever the number of siblings, where a walk down the prefix tree costs as
//! many per byte it branches on.
//!
//! The prefix tree answers when the table does not: for longer segments, and for a path that
//! matches none, where it also finds the first byte that no segment continues with (a
//! percent-escape there may still decode to a segment). The tree compares the path with the
//! segments in place: it stops at the first byte no segment has, and a segment matches when
//! the path continues with `/` or ends right after it. Segments never contain `/`, so at each
//! byte at most one branch can match and the search never backtracks.

use std::ops::Range;

/// A node's static segments, in a hash table and a prefix tree; each segment maps to its
/// position in the node's list of static children.
#[derive(Debug, Default)]
pub(crate) struct Statics {
    /// The segments by their first eight bytes, in open addressing (at least half the slots
    /// are empty); empty when there are no segments.
    slots: Box<[Slot]>,
    /// What a segment's first word is multiplied by, then shifted right by, to give the slot
    /// its search starts from.
    factor: u64,
    shift: u32,
    /// The most slots any segment lies past the one its search starts from.
    probes: u32,
    /// The tree's nodes, the root first.
    nodes: Vec<TrieNode>,
}

/// A segment in [`Statics::slots`].
#[derive(Debug, Clone, Copy)]
struct Slot {
    /// Its first sixteen bytes (zeros past its end) as two little-endian words. Longer
    /// segments are compared by the prefix tree.
    words: [u64; 2],
    /// Its position among the node's static children.
    target: u32,
    /// Its length, or [`LONG`] if longer than `words` holds.
    len: u8,
    /// How many of its bytes `words[0]` holds (at most 8); [`EMPTY`] for an empty slot.
    short: u8,
}

/// The [`Slot::len`] of segments longer than sixteen bytes.
const LONG: u8 = 17;

/// The [`Slot::short`] of an empty slot, which no path matches.
const EMPTY: u8 = u8::MAX;

impl Default for Slot {
    fn default() -> Self {
        Slot {
            words: [0; 2],
            target: 0,
            len: 0,
            short: EMPTY,
        }
    }
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

/// Whether a failed [`Statics::find`] stopped at a `%`, which decoding may turn into the byte
/// a segment continues with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Escaped(pub(crate) bool);

/// What the hash table says of a path.
enum Probe {
    /// The segment at this index, this long.
    Found(usize, usize),
    /// No segment.
    Absent,
    /// Only the prefix tree can tell.
    Unsure,
}

/// No child for this byte; never a valid index in `nodes`, so `nodes.get` turns it into `None`.
const NONE: u32 = u32::MAX;

impl Statics {
    /// The table and tree of the segments of `items` (`segment` gives an item's), which must
    /// be sorted, distinct and non-empty; a match returns a segment's index in that slice.
    pub(crate) fn new<T>(items: &[T], segment: impl Fn(&T) -> &str) -> Self {
        let mut statics = Statics::default();
        if !items.is_empty() {
            let segment = |i: usize| segment(&items[i]).as_bytes();
            statics.fill_slots(items.len(), &segment);
            // A node either ends a segment or has two children or more: at most 2n - 1 nodes.
            statics.nodes.reserve_exact(2 * items.len() - 1);
            statics.nodes.push(TrieNode::placeholder());
            statics.build(0, &segment, 0..items.len(), 0);
        }
        statics
    }

    /// Puts the `count` segments in the hash table: with the first of a few factors that
    /// gives each segment the slot its search starts from, or else the one that puts them
    /// nearest to it.
    fn fill_slots<'s>(&mut self, count: usize, segment: &impl Fn(usize) -> &'s [u8]) {
        const FACTORS: [u64; 8] = [
            0x9e37_79b9_7f4a_7c15,
            0xc2b2_ae3d_27d4_eb4f,
            0x1656_67b1_9e37_79f9,
            0xd6e8_feb8_6659_fd93,
            0xa076_1d64_78bd_642f,
            0xe703_7ed1_a0b4_28db,
            0x8ebc_6af0_9c88_c6e3,
            0x5899_65cc_7537_4cc3,
        ];
        // Four slots a segment in small nodes, which makes a factor that separates them all
        // likely to be among the few; two in large ones.
        let size = (if count <= 64 { 4 } else { 2 } * count).next_power_of_two();
        self.shift = 64 - size.trailing_zeros();
        let slots: Vec<Slot> = (0..count)
            .map(|i| {
                let bytes = segment(i);
                let word = |from: usize| first_word(bytes.get(from..).unwrap_or_default());
                Slot {
                    words: [word(0), word(8)],
                    target: u32::try_from(i).expect("fewer than 2^32 segments"),
                    len: bytes.len().min(LONG.into()) as u8,
                    short: bytes.len().min(8) as u8,
                }
            })
            .collect();
        let mut best: Option<(u32, Box<[Slot]>, u64)> = None;
        for factor in FACTORS {
            self.factor = factor;
            let mut table = vec![Slot::default(); size];
            let mut probes = 0;
            for slot in &slots {
                let (mut at, mut distance) = (self.home(slot.words[0]), 0);
                while table[at].short != EMPTY {
                    (at, distance) = ((at + 1) % size, distance + 1);
                }
                table[at] = *slot;
                probes = probes.max(distance);
            }
            if best.as_ref().is_none_or(|(least, ..)| probes < *least) {
                best = Some((probes, table.into(), factor));
            }
            if probes == 0 {
                break;
            }
        }
        if let Some((probes, table, factor)) = best {
            (self.probes, self.slots, self.factor) = (probes, table, factor);
        }
    }

    /// The slot where the search for a segment of this first word starts.
    #[inline(always)]
    fn home(&self, head: u64) -> usize {
        (head.wrapping_mul(self.factor) >> self.shift) as usize
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
    /// of the segments followed by `/` or by nothing. Otherwise whether the first byte that no
    /// segment continues with is a `%`: only then can the percent-decoded path match, as
    /// decoding leaves the bytes before the escape as they are.
    #[inline(always)]
    pub(crate) fn find(&self, path: &[u8]) -> Result<(usize, usize), Escaped> {
        if self.slots.is_empty() {
            return Err(Escaped(false));
        }
        match self.lookup(path) {
            Probe::Found(at, len) => Ok((at, len)),
            Probe::Absent => Err(Escaped(false)),
            Probe::Unsure => self
                .climb(path)
                .map_err(|at| Escaped(path.get(at) == Some(&b'%'))),
        }
    }

    /// The segment `path` starts with, found by its first eight bytes; a path whose segment
    /// lies in them and holds no `%` is answered whether it matches or not.
    #[inline(always)]
    fn lookup(&self, path: &[u8]) -> Probe {
        let word = first_word(path);
        // Where the segment ends: 8 if past the word (64 trailing zeros), the path's end if
        // sooner.
        let end = ((bytes_equal(word, b'/').trailing_zeros() / 8) as usize).min(path.len());
        let key = word & MASKS[end];
        let (mut at, mut left) = (self.home(key), self.probes);
        while let Some(slot) = self.slots.get(at) {
            if slot.words[0] == key && usize::from(slot.short) == end {
                let len = usize::from(slot.len);
                if len < 8 || long_matches(slot, path) {
                    return Probe::Found(slot.target as usize, len);
                }
                break;
            }
            if left == 0 {
                break;
            }
            (at, left) = ((at + 1) & (self.slots.len() - 1), left - 1);
        }
        // No segment: certain for a segment that ends within the word, unless an escape in
        // it may decode to one (the prefix tree then says where the search stops).
        if end < 8 && bytes_equal(key, b'%') == 0 {
            Probe::Absent
        } else {
            Probe::Unsure
        }
    }

    /// [`Statics::find`] by the prefix tree, which also says where a failed search stopped:
    /// at the first byte no segment continues with (the path's length if it ended first).
    #[inline(never)]
    fn climb(&self, path: &[u8]) -> Result<(usize, usize), usize> {
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

/// Whether `path`, whose first eight bytes are those of the segment in `slot`, holds the rest
/// of it followed by `/` or by nothing (`false` too for segments longer than `slot` holds,
/// which the prefix tree will compare).
#[inline]
fn long_matches(slot: &Slot, path: &[u8]) -> bool {
    let len = usize::from(slot.len);
    let next = first_word(path.get(8..).unwrap_or_default());
    let ends = path.len() == len || path.get(len) == Some(&b'/');
    len < usize::from(LONG)
        && (next ^ slot.words[1]) & MASKS[len - 8] == 0
        && path.len() >= len
        && ends
}

/// The high bit of each byte of `word` equal to `byte`, and maybe of bytes after one (a borrow
/// spreads upwards only from a byte that is equal): the lowest set bit is exact, and the result
/// is zero only if no byte is equal.
#[inline(always)]
pub(super) fn bytes_equal(word: u64, byte: u8) -> u64 {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    let x = word ^ (ONES * u64::from(byte));
    x.wrapping_sub(ONES) & !x & HIGHS
}

/// The bits of a little-endian word that hold its first `n` bytes.
const MASKS: [u64; 9] = {
    let mut masks = [u64::MAX; 9];
    let mut n = 0;
    while n < 8 {
        masks[n] = (1 << (8 * n)) - 1;
        n += 1;
    }
    masks
};

/// The first eight bytes of `bytes` as a little-endian word, zeros past its end. Shorter
/// slices are read as two overlapping halves (or three bytes), not byte by byte.
#[inline]
fn first_word(bytes: &[u8]) -> u64 {
    if let Some(eight) = bytes.first_chunk::<8>() {
        return u64::from_le_bytes(*eight);
    }
    let len = bytes.len();
    let four = |at: usize| {
        u64::from(u32::from_le_bytes(
            bytes[at..at + 4].try_into().expect("four bytes"),
        ))
    };
    if len >= 4 {
        four(0) | four(len - 4) << (8 * (len - 4))
    } else if len > 0 {
        let byte = |at: usize| u64::from(bytes[at]) << (8 * at);
        byte(0) | byte(len / 2) | byte(len - 1)
    } else {
        0
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
        let absent = Err(Escaped(false));
        assert_eq!(statics.find(b"gis"), absent);
        assert_eq!(statics.find(b"gistsx"), absent);
        assert_eq!(statics.find(b"use"), absent);
        // Where an escape could make the decoded segment match: at the `%`.
        assert_eq!(statics.find(b"us%65rs"), Err(Escaped(true)));
        assert_eq!(statics.find(b"user%73"), Err(Escaped(true)));
        assert_eq!(statics.find(b"users%2fx"), Err(Escaped(true)));
        // Escapes past the first byte no segment continues with cannot help.
        assert_eq!(statics.find(b"gx%73"), absent);
        assert_eq!(statics.find(b"gistsxxxxxxx%73"), absent);
        assert_eq!(statics.find(b"userss"), absent);
        assert_eq!(statics.find(b""), absent);
        assert_eq!(statics.find(b"/user"), absent);
        assert_eq!(Statics::new(&[""; 0], |s| s).find(b"user"), absent);
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
        assert_eq!(one.find(b"event"), Err(Escaped(false)));
        assert_eq!(one.find(b"event%73"), Err(Escaped(true)));
        let mut many: Vec<String> = (0..2_500).map(|i| format!("r{i}")).collect();
        many.sort();
        let statics = Statics::new(&many, String::as_str);
        for (i, segment) in many.iter().enumerate() {
            let path = format!("{segment}/42");
            assert_eq!(statics.find(path.as_bytes()), Ok((i, segment.len())));
        }
        assert_eq!(statics.find(b"r2500"), Err(Escaped(false)));
    }

    /// What [`Statics::find`] must return, found the slow way.
    fn naive(segments: &[Vec<u8>], path: &[u8]) -> Result<(usize, usize), Escaped> {
        let found = segments.iter().position(|segment| {
            path.starts_with(segment) && matches!(path.get(segment.len()), None | Some(b'/'))
        });
        if let Some(i) = found {
            return Ok((i, segments[i].len()));
        }
        let shared =
            |segment: &Vec<u8>| segment.iter().zip(path).take_while(|(a, b)| a == b).count();
        let stop = segments.iter().map(shared).max().unwrap_or(0);
        Err(Escaped(path.get(stop) == Some(&b'%')))
    }

    #[test]
    fn agrees_with_a_naive_search_on_generated_segments() {
        // A small xorshift generator: the same cases on every run, no dependency.
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |below: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % below as u64) as usize
        };
        // Few distinct bytes, so that segments share prefixes; a zero byte, as a path read
        // past its end would be; `%`; and lengths around the word sizes.
        let alphabet = b"ab%\0z";
        for round in 0..3_000 {
            // Now and then more than the 64 segments above which tables have fewer slots.
            let most = match round % 50 {
                0 => 200,
                n if n % 3 == 0 => 40,
                _ => 7,
            };
            let count = 1 + next(most);
            let mut segments: Vec<Vec<u8>> = (0..count)
                .map(|_| {
                    let long = next(4) == 0;
                    let len = 1 + next(if long { 20 } else { 9 });
                    (0..len).map(|_| alphabet[next(alphabet.len())]).collect()
                })
                .collect();
            segments.sort();
            segments.dedup();
            let statics = Statics::new(&segments, |s| std::str::from_utf8(s).unwrap());
            for _ in 0..40 {
                // A segment, cut or altered somewhere, and maybe followed by more path.
                let pick = next(segments.len());
                let mut path = segments[pick].clone();
                match next(4) {
                    0 => {
                        let len = next(path.len() + 1);
                        path.truncate(len);
                    }
                    1 => {
                        let at = next(path.len());
                        let byte = alphabet[next(alphabet.len())];
                        path[at] = byte;
                    }
                    _ => {}
                }
                match next(4) {
                    0 => path.extend_from_slice(b"/rest"),
                    1 => {
                        let byte = alphabet[next(alphabet.len())];
                        path.push(byte);
                    }
                    _ => {}
                }
                assert_eq!(
                    statics.find(&path),
                    naive(&segments, &path),
                    "{segments:?} {path:?}"
                );
            }
        }
    }

    #[test]
    fn first_words_read_zeros_past_the_end() {
        let bytes: Vec<u8> = (1..=12).collect();
        for len in 0..=12 {
            let mut eight = [0; 8];
            let n = len.min(8);
            eight[..n].copy_from_slice(&bytes[..n]);
            assert_eq!(
                first_word(&bytes[..len]),
                u64::from_le_bytes(eight),
                "{len}"
            );
        }
    }
}
