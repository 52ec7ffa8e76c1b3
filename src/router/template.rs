//! Path templates: `/articles/{author}/{year}`, `/files/{key+}`.
//!
//! A template is a list of segments, each either static text or one whole parameter, as API
//! Gateway resources are. Errors carry the byte range inside the template they point at, so
//! that a diagnostic can put its caret under the offending brace.

use std::ops::Range;

/// One segment of a template, borrowed from it (compiling a table copies only what it keeps).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment<'t> {
    Static(&'t str),
    Param {
        name: &'t str,
        greedy: bool,
        range: Range<usize>,
    },
}

/// A mistake in a template, located inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TemplateError {
    pub(crate) message: String,
    pub(crate) range: Range<usize>,
}

fn error(range: Range<usize>, message: impl Into<String>) -> TemplateError {
    TemplateError {
        message: message.into(),
        range,
    }
}

/// The most segments a template may have.
pub(crate) const MAX_SEGMENTS: usize = 128;

/// Characters API Gateway accepts in a resource path part, besides letters and digits.
const STATIC_PUNCTUATION: &str = "-._~:@";

/// Parses a template; every mistake is reported, not just the first.
pub(crate) fn parse(template: &str) -> Result<Vec<Segment<'_>>, Vec<TemplateError>> {
    if !template.starts_with('/') {
        return Err(vec![error(
            0..template.len().min(1),
            "a path template must start with `/`",
        )]);
    }
    // One trailing slash is not significant: `/events/` is `/events`.
    let body = if template.len() > 1 {
        template.strip_suffix('/').unwrap_or(template)
    } else {
        template
    };
    if body == "/" {
        return Ok(Vec::new());
    }
    // The lookup walks one tree level per segment: a bound on templates bounds its depth.
    let count = body[1..].split('/').count();
    if count > MAX_SEGMENTS {
        let message =
            format!("the template has {count} segments, minik allows at most {MAX_SEGMENTS}");
        return Err(vec![error(0..template.len(), message)]);
    }
    let mut segments = Vec::with_capacity(count);
    let mut errors = Vec::new();
    let mut start = 1;
    for (i, text) in body[1..].split('/').enumerate() {
        let range = start..start + text.len();
        start = range.end + 1;
        match parse_segment(text, range) {
            Ok(segment) => push_checked(segment, i + 1 == count, &mut segments, &mut errors),
            Err(mut errs) => errors.append(&mut errs),
        }
    }
    if errors.is_empty() {
        Ok(segments)
    } else {
        Err(errors)
    }
}

/// Adds a segment `parse_segment` accepted, with the checks a parameter needs: its name is new
/// to the template, and a greedy one is `last` (it ends the template).
fn push_checked<'t>(
    segment: Segment<'t>,
    last: bool,
    segments: &mut Vec<Segment<'t>>,
    errors: &mut Vec<TemplateError>,
) {
    if let Segment::Param {
        name,
        greedy,
        range,
    } = &segment
    {
        let seen = |s: &Segment<'_>| matches!(s, Segment::Param { name: n, .. } if n == name);
        if segments.iter().any(seen) {
            errors.push(error(
                range.clone(),
                format!("parameter `{name}` appears twice in the template"),
            ));
        }
        if *greedy && !last {
            let message = format!("greedy parameter `{{{name}+}}` must be the last segment");
            errors.push(error(range.clone(), message));
        }
    }
    segments.push(segment);
}

fn parse_segment(text: &str, range: Range<usize>) -> Result<Segment<'_>, Vec<TemplateError>> {
    if text.is_empty() {
        // Point at the second slash of `//`.
        return Err(vec![error(
            range.start..range.start + 1,
            "empty segment (`//`) in the path template",
        )]);
    }
    let braces = text.bytes().filter(|b| matches!(b, b'{' | b'}')).count();
    if braces == 0 {
        return parse_static(text, range);
    }
    let inner = text.strip_prefix('{').and_then(|t| t.strip_suffix('}'));
    match inner {
        Some(inner) if braces == 2 => parse_param(inner, range),
        _ => {
            let opens = text.matches('{').count();
            let closes = text.matches('}').count();
            let message = if opens > closes {
                "unbalanced `{`: a parameter is written `{name}`"
            } else if closes > opens {
                "unbalanced `}`: a parameter is written `{name}`"
            } else {
                "a parameter must be a whole segment, such as `/{name}`"
            };
            let at = text.find(['{', '}']).unwrap_or(0);
            Err(vec![error(range.start + at..range.end, message)])
        }
    }
}

fn parse_static(text: &str, range: Range<usize>) -> Result<Segment<'_>, Vec<TemplateError>> {
    let bad: Vec<TemplateError> = text
        .char_indices()
        .filter(|(_, c)| !(c.is_ascii_alphanumeric() || STATIC_PUNCTUATION.contains(*c)))
        .map(|(i, c)| {
            let at = range.start + i..range.start + i + c.len_utf8();
            let message = format!(
                "character `{}` is not allowed in a path template, API Gateway accepts letters, digits and `{STATIC_PUNCTUATION}`",
                c.escape_debug()
            );
            error(at, message)
        })
        .collect();
    if bad.is_empty() {
        Ok(Segment::Static(text))
    } else {
        Err(bad)
    }
}

fn parse_param(inner: &str, range: Range<usize>) -> Result<Segment<'_>, Vec<TemplateError>> {
    let (name, greedy) = match inner.strip_suffix('+') {
        Some(name) => (name, true),
        None => (inner, false),
    };
    if name.is_empty() {
        return Err(vec![error(
            range,
            "empty parameter name, a parameter is written `{name}`",
        )]);
    }
    let valid_start = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
    let valid_rest = name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !(valid_start && valid_rest) {
        let message = format!(
            "invalid parameter name `{name}`, use letters, digits and `_`, not starting with a digit"
        );
        return Err(vec![error(range, message)]);
    }
    Ok(Segment::Param {
        name,
        greedy,
        range,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn param(name: &str, greedy: bool, range: Range<usize>) -> Segment<'_> {
        Segment::Param {
            name,
            greedy,
            range,
        }
    }

    #[test]
    fn templates_split_into_segments() {
        assert_eq!(parse("/"), Ok(vec![]));
        assert_eq!(parse("/events/"), Ok(vec![Segment::Static("events")]));
        assert_eq!(
            parse("/files/{key+}"),
            Ok(vec![Segment::Static("files"), param("key", true, 7..13)])
        );
    }

    #[test]
    fn every_mistake_is_located() {
        let errors = parse("/a/{x}/{x}//{y+}/b c").unwrap_err();
        let found: Vec<(Range<usize>, &str)> = errors
            .iter()
            .map(|e| (e.range.clone(), &e.message[..12]))
            .collect();
        assert_eq!(
            found,
            vec![
                (7..10, "parameter `x"),
                (11..12, "empty segmen"),
                (12..16, "greedy param"),
                (18..19, "character ` "),
            ]
        );
        assert_eq!(parse("/a/{b").unwrap_err()[0].range, 3..5);
    }
}
