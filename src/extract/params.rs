//! Deserializing `Path<T>` from the parameters the router matched and typed.

use std::fmt;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor,
};

use crate::router::ParamValue;

/// Why the matched parameters do not fit the handler's type.
#[derive(Debug)]
pub(crate) struct ParamsError(String);

impl fmt::Display for ParamsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParamsError {}

impl de::Error for ParamsError {
    fn custom<M: fmt::Display>(message: M) -> Self {
        ParamsError(message.to_string())
    }
}

type Params = [(String, ParamValue<'static>)];

pub(crate) fn from_params<T: DeserializeOwned>(params: &Params) -> Result<T, ParamsError> {
    T::deserialize(All(params))
}

/// All the parameters: a struct (by name), a tuple (in order) or, for one parameter, a scalar.
struct All<'a>(&'a Params);

impl<'de> Deserializer<'de> for All<'_> {
    type Error = ParamsError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamsError> {
        match self.0 {
            [(_, value)] => One(value).deserialize_any(visitor),
            _ => self.deserialize_map(visitor),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamsError> {
        visitor.visit_map(ByName {
            params: self.0.iter(),
            value: None,
        })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ParamsError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamsError> {
        visitor.visit_seq(InOrder(self.0.iter()))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, ParamsError> {
        if len != self.0.len() {
            return Err(de::Error::invalid_length(self.0.len(), &visitor));
        }
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, ParamsError> {
        self.deserialize_tuple(len, visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, ParamsError> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct enum identifier ignored_any
    }
}

struct ByName<'a> {
    params: std::slice::Iter<'a, (String, ParamValue<'static>)>,
    value: Option<&'a ParamValue<'static>>,
}

impl<'de> MapAccess<'de> for ByName<'_> {
    type Error = ParamsError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ParamsError> {
        let Some((name, value)) = self.params.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        seed.deserialize(de::value::StrDeserializer::new(name))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, ParamsError> {
        let value = self
            .value
            .take()
            .ok_or_else(|| de::Error::custom("value requested before key"))?;
        seed.deserialize(One(value))
    }
}

struct InOrder<'a>(std::slice::Iter<'a, (String, ParamValue<'static>)>);

impl<'de> SeqAccess<'de> for InOrder<'_> {
    type Error = ParamsError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, ParamsError> {
        self.0
            .next()
            .map(|(_, value)| seed.deserialize(One(value)))
            .transpose()
    }
}

/// One parameter value. Typed values are visited as their type; any type can also be read as
/// text, so a `String` field accepts an `int` parameter's digits.
pub(super) struct One<'a>(pub(super) &'a ParamValue<'static>);

impl<'de> Deserializer<'de> for One<'_> {
    type Error = ParamsError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamsError> {
        match self.0 {
            ParamValue::Int(i) => visitor.visit_i64(*i),
            ParamValue::Float(x) => visitor.visit_f64(*x),
            ParamValue::Bool(b) => visitor.visit_bool(*b),
            other => visitor.visit_str(&other.to_text()),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamsError> {
        visitor.visit_str(&self.0.to_text())
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamsError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamsError> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, ParamsError> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn params() -> Vec<(String, ParamValue<'static>)> {
        vec![
            ("author".into(), ParamValue::Str(Cow::Borrowed("ada"))),
            ("year".into(), ParamValue::Int(1843)),
        ]
    }

    #[test]
    fn structs_tuples_and_scalars() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Article {
            year: u16,
            author: String,
        }
        let article: Article = from_params(&params()).unwrap();
        assert_eq!(
            article,
            Article {
                year: 1843,
                author: "ada".into()
            }
        );
        let tuple: (String, i64) = from_params(&params()).unwrap();
        assert_eq!(tuple, ("ada".into(), 1843));
        let single: i64 = from_params(&params()[1..]).unwrap();
        assert_eq!(single, 1843);
    }

    #[test]
    fn values_outside_the_rust_type_are_errors() {
        let error = from_params::<(String, u8)>(&params()).unwrap_err();
        assert!(error.to_string().contains("1843"), "{error}");
        assert!(from_params::<(String,)>(&params()).is_err());
    }
}
