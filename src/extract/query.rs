//! Deserializing `Query<T>` from the route's declared query parameters, parsed as their types.

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor,
};

use super::params::{One, ParamsError};
use crate::request::QueryValues;
use crate::router::ParamValue;

pub(super) fn from_values<T: DeserializeOwned>(values: &QueryValues) -> Result<T, ParamsError> {
    T::deserialize(Declared(values))
}

/// The declared parameters, as a struct by name. One without a value is `None` for an
/// `Option` field and empty for a `Vec`.
struct Declared<'a>(&'a QueryValues);

impl<'de> Deserializer<'de> for Declared<'_> {
    type Error = ParamsError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamsError> {
        visitor.visit_map(Entries {
            entries: self.0.iter(),
            values: None,
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

struct Entries<'a> {
    entries: std::slice::Iter<'a, (String, Vec<ParamValue<'static>>)>,
    values: Option<&'a [ParamValue<'static>]>,
}

impl<'de> MapAccess<'de> for Entries<'_> {
    type Error = ParamsError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ParamsError> {
        let Some((name, values)) = self.entries.next() else {
            return Ok(None);
        };
        self.values = Some(values);
        seed.deserialize(de::value::StrDeserializer::new(name))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, ParamsError> {
        let values = self.values.take().unwrap_or_default();
        seed.deserialize(Values(values))
    }
}

/// The values of one parameter: a sequence for a `Vec` field, the first for any other.
struct Values<'a>(&'a [ParamValue<'static>]);

impl<'a> Values<'a> {
    fn first(&self) -> Result<One<'a>, ParamsError> {
        self.0
            .first()
            .map(One)
            .ok_or_else(|| de::Error::custom("a value is missing"))
    }
}

impl<'de> Deserializer<'de> for Values<'_> {
    type Error = ParamsError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamsError> {
        self.first()?.deserialize_any(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamsError> {
        self.first()?.deserialize_str(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamsError> {
        self.first()?.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamsError> {
        if self.0.is_empty() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamsError> {
        visitor.visit_seq(Each(self.0.iter()))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, ParamsError> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf unit
        unit_struct tuple tuple_struct map struct enum identifier ignored_any
    }
}

struct Each<'a>(std::slice::Iter<'a, ParamValue<'static>>);

impl<'de> SeqAccess<'de> for Each<'_> {
    type Error = ParamsError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, ParamsError> {
        self.0
            .next()
            .map(|value| seed.deserialize(One(value)))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Search {
        item: Vec<String>,
        limit: i64,
        done: Option<bool>,
    }

    #[test]
    fn absent_parameters_are_empty_lists_and_nones() {
        let values: QueryValues = vec![
            ("item".to_owned(), vec![]),
            ("limit".to_owned(), vec![ParamValue::Int(10)]),
            ("done".to_owned(), vec![]),
        ];
        let search: Search = from_values(&values).unwrap();
        assert_eq!(
            search,
            Search {
                item: vec![],
                limit: 10,
                done: None
            }
        );
        let values: QueryValues = vec![
            (
                "item".to_owned(),
                vec![
                    ParamValue::Str(Cow::Borrowed("a")),
                    ParamValue::Str(Cow::Borrowed("b")),
                ],
            ),
            ("limit".to_owned(), vec![ParamValue::Int(1)]),
            ("done".to_owned(), vec![ParamValue::Bool(true)]),
        ];
        let search: Search = from_values(&values).unwrap();
        assert_eq!(search.item, ["a", "b"]);
        assert_eq!(search.done, Some(true));
    }
}
