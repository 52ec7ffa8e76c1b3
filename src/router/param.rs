//! Path parameter types and the parsing that decides whether a segment matches one.
//!
//! Design note: the built-in types are checked by parsing (`i64::from_str`, a UUID's fixed
//! layout), never by a compiled regex, so a table of a thousand typed routes costs nothing to
//! build. Only `{ regex = "..." }` compiles a regex, once per distinct pattern.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use super::pattern::Regex;

/// The declared type of a path parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParamType {
    /// `str`: one non-empty segment (the default).
    Str,
    /// `int`: a signed decimal that fits an `i64`.
    Int,
    /// `float`: a finite `f64`.
    Float,
    /// `bool`: `true` or `false`.
    Bool,
    /// `uuid`: a UUID in canonical hyphenated form, in any case.
    Uuid,
    /// `path`, or `{name+}`: the rest of the path, slashes included (last segment only).
    Path,
    /// `{ regex = "..." }`: a segment the whole of which matches the pattern.
    Regex(String),
    /// A type the app registered by name (`AppBuilder::param_type`): a segment it accepts.
    Custom(String),
}

impl ParamType {
    /// The names accepted in `params`.
    pub(crate) const NAMES: &'static [&'static str] =
        &["str", "int", "float", "bool", "uuid", "path"];

    pub(crate) fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "str" => ParamType::Str,
            "int" => ParamType::Int,
            "float" => ParamType::Float,
            "bool" => ParamType::Bool,
            "uuid" => ParamType::Uuid,
            "path" => ParamType::Path,
            _ => return None,
        })
    }
}

impl fmt::Display for ParamType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamType::Str => f.write_str("str"),
            ParamType::Int => f.write_str("int"),
            ParamType::Float => f.write_str("float"),
            ParamType::Bool => f.write_str("bool"),
            ParamType::Uuid => f.write_str("uuid"),
            ParamType::Path => f.write_str("path"),
            ParamType::Regex(pattern) => write!(f, "regex({pattern})"),
            ParamType::Custom(name) => f.write_str(name),
        }
    }
}

/// The value of a matched path parameter, already parsed as its declared type.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ParamValue<'p> {
    /// A `str` or regex parameter, percent-decoded.
    Str(Cow<'p, str>),
    /// An `int` parameter.
    Int(i64),
    /// A `float` parameter.
    Float(f64),
    /// A `bool` parameter.
    Bool(bool),
    /// A `uuid` parameter.
    Uuid(uuid::Uuid),
    /// A greedy `path` parameter: the rest of the path, percent-decoded, without its leading `/`.
    Path(Cow<'p, str>),
}

impl ParamValue<'_> {
    /// The value as text: strings as they are, numbers, booleans and UUIDs formatted.
    pub fn to_text(&self) -> Cow<'_, str> {
        match self {
            ParamValue::Str(s) | ParamValue::Path(s) => Cow::Borrowed(s),
            ParamValue::Int(i) => Cow::Owned(i.to_string()),
            ParamValue::Float(x) => Cow::Owned(x.to_string()),
            ParamValue::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
            ParamValue::Uuid(u) => Cow::Owned(u.hyphenated().to_string()),
        }
    }

    /// A copy that owns its text, so it can outlive the path it was matched in.
    pub fn into_owned(self) -> ParamValue<'static> {
        match self {
            ParamValue::Str(s) => ParamValue::Str(Cow::Owned(s.into_owned())),
            ParamValue::Path(s) => ParamValue::Path(Cow::Owned(s.into_owned())),
            ParamValue::Int(i) => ParamValue::Int(i),
            ParamValue::Float(x) => ParamValue::Float(x),
            ParamValue::Bool(b) => ParamValue::Bool(b),
            ParamValue::Uuid(u) => ParamValue::Uuid(u),
        }
    }
}

/// How a typed tree edge tests one decoded segment. Tried in this order at each node, which
/// is the documented precedence among typed parameters.
#[derive(Debug, Clone)]
pub(crate) enum Matcher {
    Int,
    Uuid,
    Bool,
    /// The declared pattern and its compiled, anchored form.
    Regex(Arc<(String, Regex)>),
    /// A type registered by name, ranked with regexes.
    Custom(Arc<CustomType>),
    Float,
}

impl Matcher {
    /// The precedence rank among typed parameters: lower is tried first.
    pub(crate) fn rank(&self) -> u8 {
        match self {
            Matcher::Int => 0,
            Matcher::Uuid => 1,
            Matcher::Bool => 2,
            Matcher::Regex(_) | Matcher::Custom(_) => 3,
            Matcher::Float => 4,
        }
    }

    /// Two matchers that accept exactly the same segments (regexes: the same pattern).
    pub(crate) fn same_as(&self, other: &Matcher) -> bool {
        match (self, other) {
            (Matcher::Regex(a), Matcher::Regex(b)) => a.0 == b.0,
            (Matcher::Custom(a), Matcher::Custom(b)) => a.name == b.name,
            (Matcher::Regex(_), Matcher::Custom(_)) | (Matcher::Custom(_), Matcher::Regex(_)) => {
                false
            }
            _ => self.rank() == other.rank(),
        }
    }

    /// The segment as a typed value, or `None` when it does not parse as this type.
    pub(crate) fn parse<'p>(&self, segment: &Cow<'p, str>) -> Option<ParamValue<'p>> {
        match self {
            Matcher::Int => segment.parse().ok().map(ParamValue::Int),
            Matcher::Float => segment
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .map(ParamValue::Float),
            Matcher::Bool => match segment.as_ref() {
                "true" => Some(ParamValue::Bool(true)),
                "false" => Some(ParamValue::Bool(false)),
                _ => None,
            },
            Matcher::Uuid => parse_uuid(segment).map(ParamValue::Uuid),
            Matcher::Regex(regex) => regex
                .1
                .is_match(segment)
                .then(|| ParamValue::Str(segment.clone())),
            Matcher::Custom(custom) => {
                (custom.accepts)(segment).then(|| ParamValue::Str(segment.clone()))
            }
        }
    }
}

/// A parameter type the app registered by name: the segments it accepts.
pub(crate) struct CustomType {
    pub(crate) name: String,
    pub(crate) accepts: Box<dyn Fn(&str) -> bool + Send + Sync>,
}

impl fmt::Debug for CustomType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CustomType")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// A UUID in the canonical 8-4-4-4-12 hyphenated form only: `uuid::Uuid::try_parse` also takes
/// the simple, braced and URN forms, which would make one resource reachable at four paths.
fn parse_uuid(segment: &str) -> Option<uuid::Uuid> {
    let bytes = segment.as_bytes();
    let hyphens_in_place = bytes.len() == 36 && [8, 13, 18, 23].iter().all(|&i| bytes[i] == b'-');
    if hyphens_in_place {
        uuid::Uuid::try_parse(segment).ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::router::compile_regex;

    fn parse(matcher: &Matcher, s: &str) -> Option<ParamValue<'static>> {
        matcher
            .parse(&Cow::Owned(s.to_owned()))
            .map(ParamValue::into_owned)
    }

    #[test]
    fn built_in_types_parse_strictly() {
        assert_eq!(parse(&Matcher::Int, "-42"), Some(ParamValue::Int(-42)));
        assert_eq!(parse(&Matcher::Int, "9223372036854775808"), None);
        assert_eq!(parse(&Matcher::Int, "4.2"), None);
        assert_eq!(parse(&Matcher::Float, "4.5"), Some(ParamValue::Float(4.5)));
        assert_eq!(parse(&Matcher::Float, "inf"), None);
        assert_eq!(parse(&Matcher::Float, "NaN"), None);
        assert_eq!(parse(&Matcher::Bool, "true"), Some(ParamValue::Bool(true)));
        assert_eq!(parse(&Matcher::Bool, "True"), None);
        let id = "67E55044-10B1-426F-9247-BB680E5FE0C8";
        assert!(matches!(
            parse(&Matcher::Uuid, id),
            Some(ParamValue::Uuid(_))
        ));
        assert_eq!(
            parse(&Matcher::Uuid, "67e5504410b1426f9247bb680e5fe0c8"),
            None
        );
        assert_eq!(
            parse(&Matcher::Uuid, "{67e55044-10b1-426f-9247-bb680e5fe0c8}"),
            None
        );
    }

    #[test]
    fn regexes_match_the_whole_segment() {
        let regex = compile_regex("[A-Z]{3}").unwrap();
        let matcher = Matcher::Regex(Arc::new(("[A-Z]{3}".into(), regex)));
        assert!(parse(&matcher, "ABC").is_some());
        assert!(parse(&matcher, "ABCD").is_none());
        assert!(parse(&matcher, "xABC").is_none());
    }
}
