//! The shape of every HTTP event Lambda delivers, as one borrowed serde struct.
//!
//! Design note: rather than trying one typed struct per source and keeping the first that
//! parses (lambda_http's approach: up to four parses, and a fixed error message when all fail),
//! minik deserializes once into the union of the fields the sources use, borrowing strings from
//! the payload, and decides the source from which discriminating fields are present. Fields no
//! source needs are skipped by serde without being allocated.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// Every top-level field minik reads, from any source.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawEvent<'a> {
    #[serde(borrow, default, deserialize_with = "text")]
    pub(crate) version: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "text")]
    pub(crate) path: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "text")]
    pub(crate) http_method: Option<Cow<'a, str>>,
    /// HTTP API and Function URLs.
    #[serde(borrow, default, deserialize_with = "text")]
    pub(crate) raw_path: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "text")]
    pub(crate) raw_query_string: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "texts")]
    pub(crate) cookies: Option<Vec<Cow<'a, str>>>,
    #[serde(borrow, default)]
    pub(crate) headers: Option<Pairs<'a>>,
    #[serde(borrow, default)]
    pub(crate) multi_value_headers: Option<Pairs<'a>>,
    #[serde(borrow, default)]
    pub(crate) query_string_parameters: Option<Pairs<'a>>,
    #[serde(borrow, default)]
    pub(crate) multi_value_query_string_parameters: Option<Pairs<'a>>,
    #[serde(borrow, default)]
    pub(crate) stage_variables: Option<Pairs<'a>>,
    #[serde(borrow)]
    pub(crate) request_context: Option<RawContext<'a>>,
    #[serde(borrow, default, deserialize_with = "text")]
    pub(crate) body: Option<Cow<'a, str>>,
    pub(crate) is_base64_encoded: Option<bool>,
    /// VPC Lattice v1 and v2.
    #[serde(borrow, default, deserialize_with = "text")]
    pub(crate) method: Option<Cow<'a, str>>,
    /// VPC Lattice v1 writes its fields in snake_case.
    #[serde(borrow, rename = "raw_path", default, deserialize_with = "text")]
    pub(crate) lattice_raw_path: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "query_string_parameters")]
    pub(crate) lattice_query: Option<Pairs<'a>>,
    #[serde(rename = "is_base64_encoded")]
    pub(crate) lattice_base64: Option<bool>,
    /// Present on authorizer inputs (`TOKEN`, `REQUEST`), which are not requests.
    #[serde(borrow, rename = "type", default, deserialize_with = "text")]
    pub(crate) kind: Option<Cow<'a, str>>,
    pub(crate) method_arn: Option<IgnoredAny>,
    pub(crate) route_arn: Option<IgnoredAny>,
    /// Present on responses, which are not requests.
    pub(crate) status_code: Option<IgnoredAny>,
}

/// `requestContext`, the union of every source's.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawContext<'a> {
    #[serde(borrow, default, deserialize_with = "text")]
    pub(crate) stage: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "text")]
    pub(crate) request_id: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "text")]
    pub(crate) domain_name: Option<Cow<'a, str>>,
    pub(crate) elb: Option<IgnoredAny>,
    #[serde(borrow)]
    pub(crate) http: Option<RawHttp<'a>>,
    #[serde(borrow)]
    pub(crate) identity: Option<RawIdentity<'a>>,
    pub(crate) service_arn: Option<IgnoredAny>,
    /// WebSocket APIs.
    pub(crate) event_type: Option<IgnoredAny>,
    pub(crate) connection_id: Option<IgnoredAny>,
}

/// `requestContext.http` (HTTP API, Function URLs).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawHttp<'a> {
    #[serde(borrow, default, deserialize_with = "text")]
    pub(crate) method: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "text")]
    pub(crate) source_ip: Option<Cow<'a, str>>,
}

/// `requestContext.identity` (REST).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawIdentity<'a> {
    #[serde(borrow, default, deserialize_with = "text")]
    pub(crate) source_ip: Option<Cow<'a, str>>,
}

/// Name/value pairs from a map whose values are a string, a list of strings, or null:
/// headers and query strings of every source (Lattice v2 sends lists, the others strings).
#[derive(Default, Debug)]
pub(crate) struct Pairs<'a>(pub(crate) Vec<(Cow<'a, str>, Cow<'a, str>)>);

impl<'de: 'a, 'a> Deserialize<'de> for Pairs<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(PairsVisitor)
    }
}

struct PairsVisitor;

impl<'de> Visitor<'de> for PairsVisitor {
    type Value = Pairs<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map of strings or lists of strings")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Pairs::default())
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Pairs::default())
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
        // serde_json gives no size hint. The header maps of the sample events of every source
        // (`tests/fixtures/events`) hold 1 to 22 pairs: room for 16 spares most of them the
        // growths, each a `realloc` and a copy of every pair. Not more: 24 pairs (1,152 bytes)
        // miss glibc's thread cache, which costs more than the growths it spares. The vector
        // lives only while the event is read. An empty map (`"queryStringParameters": {}`)
        // allocates nothing.
        let mut pairs = Vec::new();
        while let Some(Text(name)) = map.next_key::<Text<'de>>()? {
            if pairs.capacity() == 0 {
                pairs.reserve_exact(map.size_hint().unwrap_or(16).min(64));
            }
            map.next_value_seed(Values {
                name,
                pairs: &mut pairs,
            })?;
        }
        Ok(Pairs(pairs))
    }
}

/// The value(s) of one name, pushed as pairs.
struct Values<'p, 'de> {
    name: Cow<'de, str>,
    pairs: &'p mut Vec<(Cow<'de, str>, Cow<'de, str>)>,
}

impl<'de> DeserializeSeed<'de> for Values<'_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Values<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a string or a list of strings for `{}`", self.name)
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<(), E> {
        self.pairs.push((self.name, Cow::Borrowed(value)));
        Ok(())
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<(), E> {
        self.pairs.push((self.name, Cow::Owned(value.to_owned())));
        Ok(())
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<(), E> {
        self.pairs.push((self.name, Cow::Owned(value)));
        Ok(())
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<(), S::Error> {
        while let Some(value) = seq.next_element::<Option<Text<'de>>>()? {
            if let Some(Text(value)) = value {
                self.pairs.push((self.name.clone(), value));
            }
        }
        Ok(())
    }
}

/// An optional string, borrowed from the event when it has no escapes: serde borrows for a
/// `#[serde(borrow)]` field of type `Cow<str>`, but copies an `Option<Cow<str>>`.
fn text<'de: 'a, 'a, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Cow<'a, str>>, D::Error> {
    Ok(Option::<Text<'de>>::deserialize(deserializer)?.map(|Text(text)| text))
}

/// An optional list of strings, each borrowed as [`text`] does.
fn texts<'de: 'a, 'a, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Vec<Cow<'a, str>>>, D::Error> {
    let texts = Option::<Vec<Text<'de>>>::deserialize(deserializer)?;
    Ok(texts.map(|texts| texts.into_iter().map(|Text(text)| text).collect()))
}

/// A string borrowed from the event when it has no escapes: serde's own `Cow<str>` always
/// copies (only `#[serde(borrow)]` fields borrow), and a multi-value ALB event holds dozens.
struct Text<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
        Ok(Text(Cow::Borrowed(value)))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(Text(Cow::Owned(value.to_owned())))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
        Ok(Text(Cow::Owned(value)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_take_strings_lists_and_nulls() {
        let json = r#"{"a": "1", "b": ["2", null, "3"], "c": null, "d": "\u0041"}"#;
        let pairs: Pairs<'_> = serde_json::from_str(json).unwrap();
        let flat: Vec<(&str, &str)> = pairs
            .0
            .iter()
            .map(|(n, v)| (n.as_ref(), v.as_ref()))
            .collect();
        assert_eq!(flat, [("a", "1"), ("b", "2"), ("b", "3"), ("d", "A")]);
        let borrowed = |(n, v): &(Cow<'_, str>, Cow<'_, str>)| {
            matches!((n, v), (Cow::Borrowed(_), Cow::Borrowed(_)))
        };
        assert!(
            pairs.0[..3].iter().all(borrowed),
            "unescaped names and values, in lists too, are borrowed"
        );
        assert!(
            matches!(pairs.0[3].1, Cow::Owned(_)),
            "escaped ones are decoded"
        );
        let none: Option<Pairs<'_>> = serde_json::from_str("null").unwrap();
        assert!(none.is_none());
        assert!(serde_json::from_str::<Pairs<'_>>(r#"{"a": 1}"#).is_err());
    }

    #[test]
    fn optional_strings_are_borrowed_unless_escaped() {
        let json = r#"{"path": "/a", "httpMethod": "G\u0045T", "cookies": ["a=1"], "body": null}"#;
        let raw: RawEvent<'_> = serde_json::from_str(json).unwrap();
        assert!(matches!(raw.path, Some(Cow::Borrowed("/a"))));
        assert!(matches!(raw.http_method.as_deref(), Some("GET")));
        assert!(matches!(raw.http_method, Some(Cow::Owned(_))));
        assert!(matches!(
            raw.cookies.as_deref(),
            Some([Cow::Borrowed("a=1")])
        ));
        assert!(raw.body.is_none() && raw.raw_path.is_none());
    }
}
