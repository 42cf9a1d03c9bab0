//! JSON read the way the API documents it: a struct only from an object. The
//! REST door's body extractor and the server functions' JSON arguments both
//! read through it.
//!
//! serde's derived structs also accept an array and read its items by
//! position, so `["Aspirine", 1, 3]` would pass for a treatment. [`Strict`]
//! wraps a parsed document and refuses, at any depth, an object-shaped type
//! given anything but an object; everything else reads as serde_json reads
//! it.

use serde::de::{self, DeserializeSeed, Deserializer, IntoDeserializer, Visitor};
use serde_json::{Map, Value};

/// A JSON value whose structs must be objects.
pub struct Strict(pub Value);

fn unexpected(value: &Value) -> de::Unexpected<'_> {
    match value {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => de::Unexpected::Signed(i),
            (_, Some(u), _) => de::Unexpected::Unsigned(u),
            (_, _, Some(f)) => de::Unexpected::Float(f),
            _ => de::Unexpected::Other("number"),
        },
        Value::String(s) => de::Unexpected::Str(s),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Object(_) => de::Unexpected::Map,
    }
}

impl<'de> Deserializer<'de> for Strict {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Array(items) => {
                let len = items.len();
                let mut seq = Items(items.into_iter());
                let value = visitor.visit_seq(&mut seq)?;
                if seq.0.len() == 0 {
                    Ok(value)
                } else {
                    Err(de::Error::invalid_length(len, &"fewer elements in array"))
                }
            }
            Value::Object(fields) => visitor.visit_map(Fields {
                fields: fields.into_iter(),
                value: None,
            }),
            other => other.deserialize_any(visitor),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Object(_) => self.deserialize_any(visitor),
            other => Err(de::Error::invalid_type(unexpected(&other), &"an object")),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Object(_) => self.deserialize_any(visitor),
            other => Err(de::Error::invalid_type(unexpected(&other), &"an object")),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_enum(name, variants, visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct identifier
        ignored_any
    }
}

struct Items(std::vec::IntoIter<Value>);

impl<'de> de::SeqAccess<'de> for Items {
    type Error = serde_json::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Self::Error> {
        self.0
            .next()
            .map(|item| seed.deserialize(Strict(item)))
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct Fields {
    fields: <Map<String, Value> as IntoIterator>::IntoIter,
    value: Option<Value>,
}

impl<'de> de::MapAccess<'de> for Fields {
    type Error = serde_json::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        match self.fields.next() {
            Some((key, value)) => {
                self.value = Some(value);
                seed.deserialize(key.into_deserializer()).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        match self.value.take() {
            Some(value) => seed.deserialize(Strict(value)),
            None => Err(de::Error::custom("a value without its key")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.fields.len())
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::Strict;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Dose {
        name: String,
        times: Option<u8>,
        tags: Vec<String>,
        inner: Option<Inner>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Inner {
        fever: Option<bool>,
    }

    fn read(value: serde_json::Value) -> Result<Dose, String> {
        Dose::deserialize(Strict(value)).map_err(|e| e.to_string())
    }

    #[test]
    fn objects_read_as_serde_json_reads_them() {
        let dose = read(json!({"name": "Aspirine", "times": 3, "tags": ["matin"],
                               "inner": {"fever": true}, "extra": [1, {"a": 2}]}))
        .unwrap();
        assert_eq!(dose.times, Some(3));
        assert_eq!(dose.inner, Some(Inner { fever: Some(true) }));
        assert!(read(json!({"name": "x", "tags": [], "times": null})).is_ok());
    }

    #[test]
    fn arrays_are_not_structs_at_any_depth() {
        let top = read(json!(["Aspirine", 1, ["x"], null])).unwrap_err();
        assert!(top.contains("expected an object"), "{top}");
        let nested = read(json!({"name": "x", "tags": [], "inner": [true]})).unwrap_err();
        assert!(nested.contains("expected an object"), "{nested}");
        assert!(read(json!("Aspirine")).is_err());
        assert!(read(json!(null)).is_err());
        // A map-shaped type too (serde_json's `Map` would take null as empty).
        let map = serde_json::Map::<String, serde_json::Value>::deserialize(Strict(json!(null)));
        assert!(map.is_err());
        assert!(read(json!({"name": "x", "tags": "matin"})).is_err());
    }
}
