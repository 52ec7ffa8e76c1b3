//! The wording shared by "unknown ..." diagnostics: lists of the names minik expects, and a
//! "did you mean" for a name close enough to one of them to be a typo.

/// `` `a`, `b` or `c` ``.
pub(crate) fn list(names: &[&str]) -> String {
    list_with(names, None)
}

/// `` `a`, `b`, `c` or <last> ``: a list of names with a last alternative written out.
pub(crate) fn list_with(names: &[&str], last: Option<&str>) -> String {
    let mut quoted: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    quoted.extend(last.map(str::to_owned));
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

/// `, did you mean `close`?` for the known name closest to `name`, when it is close enough to
/// be a typo: the end of every "unknown ..." message.
pub(crate) fn suggestion(name: &str, known: &[&str]) -> Option<String> {
    did_you_mean(name, known).map(|close| format!(", did you mean `{close}`?"))
}

/// The longest name a "did you mean" is looked for: a typo of a name people write is about as
/// long as the name, and comparing a name of megabytes costs time and memory for nothing.
const LONGEST_TYPO: usize = 64;

/// The known name closest to `name`, when it is close enough to be a typo.
fn did_you_mean<'k>(name: &str, known: &[&'k str]) -> Option<&'k str> {
    if name.len() > LONGEST_TYPO {
        return None;
    }
    let name = name.to_ascii_lowercase();
    let distance = |candidate: &str| edit_distance(&name, &candidate.to_ascii_lowercase());
    let close = known
        .iter()
        .map(|candidate| (distance(candidate), *candidate))
        .filter(|(d, candidate)| *d <= (candidate.len().max(name.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, candidate)| candidate);
    // `integer` for `int`, `boolean` for `bool`: a longer spelling of a known name.
    close.or_else(|| {
        let prefix = |k: &&str| k.len() >= 3 && name.starts_with(&k.to_ascii_lowercase());
        known.iter().copied().filter(prefix).max_by_key(|k| k.len())
    })
}

/// Edit distance in characters, counting a swap of two neighbours as one edit (`GTE` is one
/// edit from `GET`): optimal string alignment, three rows of the table at a time.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    // The rows for `a[..i-2]`, `a[..i-1]` and `a[..i]`.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut row = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        row[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            row[j] = (previous[j] + 1)
                .min(row[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                row[j] = row[j].min(before[j - 2] + 1);
            }
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut row);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROUTE_KEYS: &[&str] = &["path", "handler", "methods", "params"];

    #[test]
    fn typos_are_matched_to_known_names() {
        assert_eq!(did_you_mean("handlr", ROUTE_KEYS), Some("handler"));
        assert_eq!(did_you_mean("method", ROUTE_KEYS), Some("methods"));
        assert_eq!(did_you_mean("Path", ROUTE_KEYS), Some("path"));
        assert_eq!(did_you_mean("colour", ROUTE_KEYS), None);
        assert_eq!(did_you_mean("GTE", &["GET", "PUT"]), Some("GET"));
        assert_eq!(did_you_mean("integer", &["str", "int"]), Some("int"));
        assert_eq!(did_you_mean(&"handler".repeat(100), ROUTE_KEYS), None);
    }

    #[test]
    fn edit_distances_count_swaps_as_one_edit() {
        assert_eq!(edit_distance("GTE", "GET"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("ca", "abc"), 3);
        assert_eq!(edit_distance("abcdef", "badcfe"), 3);
    }

    #[test]
    fn lists_read_as_english() {
        assert_eq!(list(&["a"]), "`a`");
        assert_eq!(list(&["a", "b", "c"]), "`a`, `b` or `c`");
    }
}
