//! Learning the parameters a `Path<T>` expects, by running `T`'s `Deserialize` on a probe.
//!
//! Design note: serde tells a deserializer what a type wants: `deserialize_struct` receives the
//! field names, and each field asks for `i64`, `f64`, `bool` or a string. The probe answers every
//! request with a sample value and records the question, so `T::deserialize(probe)` yields the
//! names and kinds without any derive macro of minik's own (serde-reflection uses the same
//! idea). Strings are ambiguous: `String` and `uuid::Uuid` both ask for one. The probe first
//! offers plain text; a field that rejects it is offered a UUID on the next run. A field that
//! rejects both, and types the probe cannot describe (maps, sequences, `serde_json::Value`),
//! make the whole schema unknown, and then nothing is checked.

use std::fmt;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor,
};

/// What a handler's field accepts, in terms of the routes file's types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `String`: a `str`, `path` or regex parameter.
    Text,
    /// Any integer type: an `int` parameter.
    Int,
    /// `f32` or `f64`: a `float` parameter.
    Float,
    /// `bool`: a `bool` parameter.
    Bool,
    /// `uuid::Uuid`: a `uuid` parameter.
    Uuid,
    /// A type the probe cannot describe: not checked.
    Unknown,
}

impl Kind {
    /// How the routes file would declare it, for messages.
    pub(crate) fn declared(self) -> &'static str {
        match self {
            Kind::Text => "str",
            Kind::Int => "int",
            Kind::Float => "float",
            Kind::Bool => "bool",
            Kind::Uuid => "uuid",
            Kind::Unknown => "unknown",
        }
    }
}

/// One field of a struct, as a query or a body would give it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldShape {
    pub(crate) name: String,
    pub(crate) kind: Kind,
    /// An `Option`: the field may be absent.
    pub(crate) optional: bool,
    /// A `Vec` (or another sequence): the field takes every value given.
    pub(crate) repeated: bool,
}

/// The fields of a struct `T` (the `T` of `Query<T>` or `Json<T>`), with whether each is an
/// `Option` or a `Vec`; `None` when `T` is not a struct of fields the probe can describe.
pub(crate) fn probe_fields<T: DeserializeOwned>() -> Option<Vec<FieldShape>> {
    let (schema, flags) = probe_with_flags::<T>()?;
    let Schema::Named(fields) = schema else {
        return None;
    };
    let shapes = fields
        .into_iter()
        .zip(flags)
        .map(|((name, kind), (optional, repeated))| FieldShape {
            name,
            kind,
            optional,
            repeated,
        });
    Some(shapes.collect())
}

/// The path parameters a handler expects, learned from its `Path<T>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Schema {
    /// A struct: parameters by name.
    Named(Vec<(String, Kind)>),
    /// A tuple: parameters in template order.
    Positional(Vec<Kind>),
    /// A single value: the route's only parameter.
    Single(Kind),
}

const TEXT_SAMPLE: &str = "minik";
const UUID_SAMPLE: &str = "00000000-0000-0000-0000-000000000000";

/// What the probe offers a field that asks for a string, per run.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Offer {
    Text,
    Uuid,
    Nothing,
}

/// Runs `T::deserialize` on probes until every field is described; `None` when `T` is not a
/// struct, tuple or scalar the probe understands.
pub(crate) fn probe<T: DeserializeOwned>() -> Option<Schema> {
    probe_with_flags::<T>().map(|(schema, _)| schema)
}

/// [`probe`], with whether each field is an `Option` and whether it is a sequence.
fn probe_with_flags<T: DeserializeOwned>() -> Option<(Schema, Vec<(bool, bool)>)> {
    let mut offers: Vec<Offer> = Vec::new();
    // Each failed run moves one field to its next offer, so this ends within 2 runs a field.
    for _ in 0..64 {
        let mut state = State {
            offers: &offers,
            kinds: Vec::new(),
            flags: Vec::new(),
            pending: (false, false),
            shape: None,
            field: 0,
        };
        let result = T::deserialize(Probe {
            state: &mut state,
            top: true,
        });
        let State {
            kinds,
            flags,
            shape,
            field,
            ..
        } = state;
        match result {
            Ok(_) => return shape.map(|shape| (shape.into_schema(kinds), flags)),
            Err(_) => {
                // The field that failed is the last one the probe answered.
                let failed = field.checked_sub(1)?;
                offers.resize(offers.len().max(failed + 1), Offer::Text);
                offers[failed] = match offers[failed] {
                    Offer::Text => Offer::Uuid,
                    Offer::Uuid => Offer::Nothing,
                    Offer::Nothing => return None,
                };
            }
        }
    }
    None
}

enum Shape {
    Named(Vec<String>),
    Positional,
    Single,
}

impl Shape {
    fn into_schema(self, kinds: Vec<Kind>) -> Schema {
        match self {
            Shape::Named(names) => Schema::Named(names.into_iter().zip(kinds).collect()),
            Shape::Positional => Schema::Positional(kinds),
            Shape::Single => Schema::Single(kinds.first().copied().unwrap_or(Kind::Unknown)),
        }
    }
}

struct State<'a> {
    offers: &'a [Offer],
    kinds: Vec<Kind>,
    /// For each field of `kinds`: an `Option`, a sequence.
    flags: Vec<(bool, bool)>,
    /// What the field being probed has shown so far (an `Option` around it, a sequence).
    pending: (bool, bool),
    shape: Option<Shape>,
    /// How many fields have been answered so far in this run.
    field: usize,
}

#[derive(Debug)]
struct ProbeError;

impl fmt::Display for ProbeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("probe rejected")
    }
}

impl std::error::Error for ProbeError {}

impl de::Error for ProbeError {
    fn custom<M: fmt::Display>(_: M) -> Self {
        ProbeError
    }
}

/// The deserializer handed to `T` (`top`) and to each of its fields.
struct Probe<'s, 'a> {
    state: &'s mut State<'a>,
    top: bool,
}

impl Probe<'_, '_> {
    /// Records one field of `kind` (a lone scalar at the top is the `Single` shape).
    fn answer(self, kind: Kind) -> usize {
        if self.top {
            self.state.shape = Some(Shape::Single);
        }
        self.state.kinds.push(kind);
        let flags = std::mem::take(&mut self.state.pending);
        self.state.flags.push(flags);
        self.state.field += 1;
        self.state.field - 1
    }
}

macro_rules! integer {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
            self.answer(Kind::Int);
            visitor.visit_u8(1)
        }
    )*};
}

impl<'de> Deserializer<'de> for Probe<'_, '_> {
    type Error = ProbeError;

    integer!(deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
             deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128);

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        self.answer(Kind::Float);
        visitor.visit_f32(1.0)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        self.answer(Kind::Float);
        visitor.visit_f64(1.0)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        self.answer(Kind::Bool);
        visitor.visit_bool(true)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        let offers = self.state.offers;
        let index = self.state.field;
        match offers.get(index).copied().unwrap_or(Offer::Text) {
            Offer::Text => {
                self.answer(Kind::Text);
                visitor.visit_str(TEXT_SAMPLE)
            }
            Offer::Uuid => {
                self.answer(Kind::Uuid);
                visitor.visit_str(UUID_SAMPLE)
            }
            Offer::Nothing => {
                self.answer(Kind::Unknown);
                Err(ProbeError)
            }
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        self.state.pending.0 = true;
        visitor.visit_some(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ProbeError> {
        // A field's `Vec`: one element describes it. A whole `T` that is a sequence is not a
        // shape a routes file declares.
        if self.top || self.state.pending.1 {
            return Err(ProbeError);
        }
        self.state.pending.1 = true;
        visitor.visit_seq(Elements {
            state: self.state,
            left: 1,
        })
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, ProbeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ProbeError> {
        if !self.top {
            return Err(ProbeError);
        }
        self.state.shape = Some(Shape::Named(
            fields.iter().map(|f| (*f).to_owned()).collect(),
        ));
        visitor.visit_map(Fields {
            state: self.state,
            names: fields,
            next: 0,
        })
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, ProbeError> {
        if !self.top {
            return Err(ProbeError);
        }
        self.state.shape = Some(Shape::Positional);
        visitor.visit_seq(Elements {
            state: self.state,
            left: len,
        })
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, ProbeError> {
        self.deserialize_tuple(len, visitor)
    }

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, ProbeError> {
        // Maps, sequences, enums, `serde_json::Value`...: nothing the routes file can declare.
        Err(ProbeError)
    }

    serde::forward_to_deserialize_any! {
        char bytes byte_buf unit unit_struct map enum identifier ignored_any
    }
}

struct Fields<'s, 'a> {
    state: &'s mut State<'a>,
    names: &'static [&'static str],
    next: usize,
}

impl<'de> MapAccess<'de> for Fields<'_, '_> {
    type Error = ProbeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ProbeError> {
        let Some(name) = self.names.get(self.next) else {
            return Ok(None);
        };
        self.next += 1;
        seed.deserialize(de::value::StrDeserializer::<ProbeError>::new(name))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, ProbeError> {
        seed.deserialize(Probe {
            state: self.state,
            top: false,
        })
    }
}

struct Elements<'s, 'a> {
    state: &'s mut State<'a>,
    left: usize,
}

impl<'de> SeqAccess<'de> for Elements<'_, '_> {
    type Error = ProbeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, ProbeError> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        seed.deserialize(Probe {
            state: self.state,
            top: false,
        })
        .map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[allow(dead_code)]
    #[derive(Deserialize)]
    struct Article {
        author: String,
        year: i32,
        #[serde(rename = "id")]
        article_id: uuid::Uuid,
        draft: bool,
        score: f64,
    }

    #[test]
    fn structs_give_names_and_kinds() {
        let expected = Schema::Named(vec![
            ("author".into(), Kind::Text),
            ("year".into(), Kind::Int),
            ("id".into(), Kind::Uuid),
            ("draft".into(), Kind::Bool),
            ("score".into(), Kind::Float),
        ]);
        assert_eq!(probe::<Article>(), Some(expected));
    }

    #[test]
    fn tuples_and_scalars_give_positions() {
        assert_eq!(
            probe::<(String, u8)>(),
            Some(Schema::Positional(vec![Kind::Text, Kind::Int]))
        );
        assert_eq!(
            probe::<(uuid::Uuid,)>(),
            Some(Schema::Positional(vec![Kind::Uuid]))
        );
        assert_eq!(probe::<i64>(), Some(Schema::Single(Kind::Int)));
        assert_eq!(probe::<String>(), Some(Schema::Single(Kind::Text)));
    }

    #[test]
    fn fields_say_whether_they_are_optional_or_repeated() {
        #[allow(dead_code)]
        #[derive(Deserialize)]
        struct Search {
            q: String,
            limit: Option<u32>,
            tag: Vec<String>,
            ids: Option<Vec<uuid::Uuid>>,
        }
        let shape = |name: &str, kind, optional, repeated| FieldShape {
            name: name.to_owned(),
            kind,
            optional,
            repeated,
        };
        assert_eq!(
            probe_fields::<Search>(),
            Some(vec![
                shape("q", Kind::Text, false, false),
                shape("limit", Kind::Int, true, false),
                shape("tag", Kind::Text, false, true),
                shape("ids", Kind::Uuid, true, true),
            ])
        );
        assert_eq!(probe_fields::<(String, i64)>(), None);
    }

    #[test]
    fn types_the_probe_cannot_describe_are_unknown() {
        assert_eq!(probe::<std::collections::HashMap<String, String>>(), None);
        assert_eq!(probe::<serde_json::Value>(), None);
        assert_eq!(probe::<Vec<String>>(), None);
    }

    #[test]
    fn a_field_rejecting_every_sample_makes_the_schema_unknown() {
        #[allow(dead_code)]
        #[derive(Deserialize)]
        struct Odd {
            #[serde(deserialize_with = "reject")]
            code: String,
            n: i64,
        }
        fn reject<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
            let s = String::deserialize(d)?;
            Err(de::Error::custom(s))
        }
        // The run aborts at `code`, so `n` is never reached: the schema stays unknown.
        assert_eq!(probe::<Odd>(), None);
    }
}
