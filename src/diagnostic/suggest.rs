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

/// The known name closest to `name`, when it is close enough to be a typo.
fn did_you_mean<'k>(name: &str, known: &[&'k str]) -> Option<&'k str> {
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
/// edit from `GET`): optimal string alignment.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
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
    }

    #[test]
    fn lists_read_as_english() {
        assert_eq!(list(&["a"]), "`a`");
        assert_eq!(list(&["a", "b", "c"]), "`a`, `b` or `c`");
    }
}
