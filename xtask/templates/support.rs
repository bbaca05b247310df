//! Support code the generated types and client rely on: open enums, tagged unions, and the hook
//! through which a caller (the `openrouter-kit` crate) runs every request.
//!
//! This file is copied from `xtask/templates/support.rs` by `cargo xtask generate`.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A string enum that stays open: values this version of the crate does not know deserialize
/// into `Unknown(String)` instead of failing the whole response (OpenRouter adds values without
/// notice), and serialize back unchanged.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this version of the crate does not know, kept as sent.
            Unknown(::std::string::String),
        }

        impl $name {
            /// Every value the document lists, in its order.
            pub const KNOWN: &'static [&'static str] = &[$($wire),*];

            /// The value as it goes on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )*
                    Self::Unknown(other) => other.as_str(),
                }
            }

            /// Whether the value is one the document did not list.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }

            fn from_wire(value: &str) -> ::std::option::Option<Self> {
                match value {
                    $( $wire => ::std::option::Option::Some(Self::$variant), )*
                    _ => ::std::option::Option::None,
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(Self::from(value))
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::from_wire(value).unwrap_or_else(|| Self::Unknown(value.to_owned()))
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                Self::from_wire(&value).unwrap_or(Self::Unknown(value))
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                deserializer.deserialize_str($crate::support::OpenEnumVisitor::<Self>::new())
            }
        }
    };
}

/// Reads a string without allocating for known values (shared by every open enum, so each enum
/// costs one small impl, not a derive).
#[doc(hidden)]
pub struct OpenEnumVisitor<T>(::std::marker::PhantomData<T>);

impl<T> OpenEnumVisitor<T> {
    pub const fn new() -> Self {
        Self(::std::marker::PhantomData)
    }
}

impl<'de, T: for<'a> From<&'a str> + From<String>> serde::de::Visitor<'de> for OpenEnumVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
        Ok(T::from(value))
    }

    fn visit_string<E: serde::de::Error>(self, value: String) -> Result<T, E> {
        Ok(T::from(value))
    }
}

/// `Deserialize` for a generated struct, in place of serde's derive: one pass over the object's
/// keys, known keys into their fields, unknown keys into the struct's `extra` map (kept in order,
/// written back by `Serialize`) — or skipped, for the few structs without one.
///
/// Why not `#[derive(Deserialize)]` with `#[serde(flatten)] extra`: serde then buffers every
/// object into an intermediate tree before filling the struct (twice the decode time of a plain
/// struct), and the derive emits visitors JSON never uses (sequences, byte keys), which costs
/// compile time on ~900 types.
///
/// Field kinds: `opt` (absent or `null` → `None`), `req` (absent → error), `default` (absent →
/// `Default`), `default_with(path)` (absent → `path()`).
macro_rules! lean_deserialize {
    (
        $name:ident {
            $( $field:ident : $wire:literal => $how:ident $( ( $($arg:tt)* ) )?, )*
        }
        $( extra $extra:ident : $extra_ty:ty )?
    ) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct Fields;
                impl<'de> ::serde::de::Visitor<'de> for Fields {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("an object (", stringify!($name), ")"))
                    }
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<$name, A::Error> {
                        $( let mut $field = ::std::option::Option::None; )*
                        $( let mut $extra = <$extra_ty as ::std::default::Default>::default(); )?
                        while let ::std::option::Option::Some(key) = map.next_key::<$crate::support::Key<'de>>()? {
                            match key.as_str() {
                                $( $wire => $field = ::std::option::Option::Some(map.next_value()?), )*
                                _ => lean_deserialize!(@unknown map key $( $extra )?),
                            }
                        }
                        ::std::result::Result::Ok($name {
                            $( $field: lean_deserialize!(@finish A $field $wire $how $( ( $($arg)* ) )?), )*
                            $( $extra, )?
                        })
                    }
                }
                deserializer.deserialize_map(Fields)
            }
        }
    };
    (@unknown $map:ident $key:ident) => {{
        $map.next_value::<::serde::de::IgnoredAny>()?;
    }};
    (@unknown $map:ident $key:ident $extra:ident) => {{
        $extra.insert($key.into_string(), $map.next_value()?);
    }};
    (@finish $A:ident $v:ident $wire:literal opt) => { $v.unwrap_or_default() };
    (@finish $A:ident $v:ident $wire:literal default) => { $v.unwrap_or_default() };
    (@finish $A:ident $v:ident $wire:literal default_with($($path:tt)*)) => { $v.unwrap_or_else($($path)*) };
    (@finish $A:ident $v:ident $wire:literal req) => {
        match $v {
            ::std::option::Option::Some(v) => v,
            ::std::option::Option::None => return ::std::result::Result::Err(<$A::Error as ::serde::de::Error>::missing_field($wire)),
        }
    };
}

/// The fields of an object that its type does not know (yet), in the order they came, written
/// back when the value is serialized.
///
/// Almost every object of every answer has such a map, and almost always it is empty: this one
/// is a single pointer then (no allocation, no hasher state), so keeping unknown fields at every
/// depth costs next to nothing when there are none. A `serde_json::Map` otherwise: index it
/// (`extra["new_field"]`, `Value::Null` when absent), `get`, `insert`, `iter`.
#[derive(Clone, Default, PartialEq)]
pub struct Extra(Option<Box<serde_json::Map<String, serde_json::Value>>>);

static NULL: serde_json::Value = serde_json::Value::Null;

impl Extra {
    pub const fn new() -> Self {
        Self(None)
    }

    pub fn is_empty(&self) -> bool {
        self.0.as_ref().is_none_or(|m| m.is_empty())
    }

    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |m| m.len())
    }

    pub fn get(&self, key: &str) -> Option<&serde_json::Value> {
        self.0.as_ref()?.get(key)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut serde_json::Value> {
        self.0.as_mut()?.get_mut(key)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn insert(&mut self, key: impl Into<String>, value: serde_json::Value) -> Option<serde_json::Value> {
        self.0.get_or_insert_with(Default::default).insert(key.into(), value)
    }

    pub fn remove(&mut self, key: &str) -> Option<serde_json::Value> {
        self.0.as_mut()?.remove(key)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &serde_json::Value)> {
        self.0.iter().flat_map(|m| m.iter())
    }

    /// The fields as a JSON map, if there are any.
    pub fn as_map(&self) -> Option<&serde_json::Map<String, serde_json::Value>> {
        self.0.as_deref()
    }

    pub fn into_map(self) -> serde_json::Map<String, serde_json::Value> {
        self.0.map(|m| *m).unwrap_or_default()
    }
}

impl std::ops::Index<&str> for Extra {
    type Output = serde_json::Value;
    fn index(&self, key: &str) -> &serde_json::Value {
        self.get(key).unwrap_or(&NULL)
    }
}

impl std::fmt::Debug for Extra {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl From<serde_json::Map<String, serde_json::Value>> for Extra {
    fn from(map: serde_json::Map<String, serde_json::Value>) -> Self {
        Self((!map.is_empty()).then(|| Box::new(map)))
    }
}

impl FromIterator<(String, serde_json::Value)> for Extra {
    fn from_iter<I: IntoIterator<Item = (String, serde_json::Value)>>(iter: I) -> Self {
        Self::from(iter.into_iter().collect::<serde_json::Map<_, _>>())
    }
}

impl serde::Serialize for Extra {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de> serde::Deserialize<'de> for Extra {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde_json::Map::deserialize(deserializer).map(Self::from)
    }
}

/// An object key, borrowed from the input when it can be (no allocation for known keys).
/// How a list or map the document requires came on the wire: the server does not always send
/// it, and sends `null` now and then.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Wire {
    /// Sent as a list or map (or built by the caller).
    #[default]
    Sent,
    /// Not in the object.
    Absent,
    /// Sent as `null`.
    Null,
}

/// A list the document requires: use it as the `Vec` it derefs to (absent and `null` read as
/// empty), no `Option` to unwrap.
///
/// It remembers whether the server sent it, left it out or sent `null` ([`List::wire`]), and
/// serializes back the same way, so a decoded value written out again is what came in. A list
/// built by the caller (`vec![…].into()`, `Default`) is sent, empty or not.
#[derive(Clone, Default)]
pub struct List<T> {
    items: Vec<T>,
    wire: Wire,
}

impl<T> List<T> {
    /// An empty list, sent as `[]`.
    pub const fn new() -> Self {
        Self { items: Vec::new(), wire: Wire::Sent }
    }

    /// The list of an object that did not have it: empty, and left out when serialized.
    pub const fn absent() -> Self {
        Self { items: Vec::new(), wire: Wire::Absent }
    }

    /// Whether the object did not have it (serialization leaves it out).
    pub fn is_absent(&self) -> bool {
        self.wire == Wire::Absent
    }

    /// How it came on the wire.
    pub fn wire(&self) -> Wire {
        self.wire
    }

    /// The items.
    pub fn into_vec(self) -> Vec<T> {
        self.items
    }
}

impl<T> std::ops::Deref for List<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.items
    }
}

/// Changing the items makes the list one that is sent.
impl<T> std::ops::DerefMut for List<T> {
    fn deref_mut(&mut self) -> &mut Vec<T> {
        self.wire = Wire::Sent;
        &mut self.items
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for List<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.wire {
            Wire::Sent => self.items.fmt(f),
            Wire::Absent => f.write_str("absent"),
            Wire::Null => f.write_str("null"),
        }
    }
}

/// Equal when the items are: how the list came does not make two answers different.
impl<T: PartialEq> PartialEq for List<T> {
    fn eq(&self, other: &Self) -> bool {
        self.items == other.items
    }
}

impl<T: PartialEq> PartialEq<Vec<T>> for List<T> {
    fn eq(&self, other: &Vec<T>) -> bool {
        &self.items == other
    }
}

impl<T> From<Vec<T>> for List<T> {
    fn from(items: Vec<T>) -> Self {
        Self { items, wire: Wire::Sent }
    }
}

impl<T> From<List<T>> for Vec<T> {
    fn from(list: List<T>) -> Self {
        list.items
    }
}

impl<T> FromIterator<T> for List<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Vec::from_iter(iter).into()
    }
}

impl<T> IntoIterator for List<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a List<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<'a, T> IntoIterator for &'a mut List<T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.wire = Wire::Sent;
        self.items.iter_mut()
    }
}

impl<T: serde::Serialize> serde::Serialize for List<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.wire {
            Wire::Null => serializer.serialize_none(),
            _ => self.items.serialize(serializer),
        }
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for List<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<Vec<T>>::deserialize(deserializer)? {
            Some(items) => Self { items, wire: Wire::Sent },
            None => Self { items: Vec::new(), wire: Wire::Null },
        })
    }
}

/// A map of JSON values the document requires: use it as the `serde_json::Map` it derefs to
/// (absent and `null` read as empty). Like [`List`], it serializes back as it came.
#[derive(Clone, Default)]
pub struct Object {
    map: serde_json::Map<String, serde_json::Value>,
    wire: Wire,
}

impl Object {
    /// An empty map, sent as `{}`.
    pub fn new() -> Self {
        Self::default()
    }

    /// The map of an object that did not have it: empty, and left out when serialized.
    pub fn absent() -> Self {
        Self { map: serde_json::Map::new(), wire: Wire::Absent }
    }

    /// Whether the object did not have it (serialization leaves it out).
    pub fn is_absent(&self) -> bool {
        self.wire == Wire::Absent
    }

    /// How it came on the wire.
    pub fn wire(&self) -> Wire {
        self.wire
    }

    /// The entries.
    pub fn into_map(self) -> serde_json::Map<String, serde_json::Value> {
        self.map
    }
}

impl std::ops::Deref for Object {
    type Target = serde_json::Map<String, serde_json::Value>;
    fn deref(&self) -> &Self::Target {
        &self.map
    }
}

/// Changing the entries makes the map one that is sent.
impl std::ops::DerefMut for Object {
    fn deref_mut(&mut self) -> &mut Self::Target {
        self.wire = Wire::Sent;
        &mut self.map
    }
}

impl std::fmt::Debug for Object {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.wire {
            Wire::Sent => self.map.fmt(f),
            Wire::Absent => f.write_str("absent"),
            Wire::Null => f.write_str("null"),
        }
    }
}

/// Equal when the entries are.
impl PartialEq for Object {
    fn eq(&self, other: &Self) -> bool {
        self.map == other.map
    }
}

impl From<serde_json::Map<String, serde_json::Value>> for Object {
    fn from(map: serde_json::Map<String, serde_json::Value>) -> Self {
        Self { map, wire: Wire::Sent }
    }
}

impl From<Object> for serde_json::Map<String, serde_json::Value> {
    fn from(object: Object) -> Self {
        object.map
    }
}

impl FromIterator<(String, serde_json::Value)> for Object {
    fn from_iter<I: IntoIterator<Item = (String, serde_json::Value)>>(iter: I) -> Self {
        serde_json::Map::from_iter(iter).into()
    }
}

impl serde::Serialize for Object {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.wire {
            Wire::Null => serializer.serialize_none(),
            _ => self.map.serialize(serializer),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Object {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<serde_json::Map<String, serde_json::Value>>::deserialize(deserializer)? {
            Some(map) => Self { map, wire: Wire::Sent },
            None => Self::null(),
        })
    }
}

impl Object {
    fn null() -> Self {
        Self { map: serde_json::Map::new(), wire: Wire::Null }
    }
}

#[doc(hidden)]
pub enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl<'de> Key<'de> {
    pub fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }

    pub fn into_string(self) -> String {
        match self {
            Key::Borrowed(s) => s.to_owned(),
            Key::Owned(s) => s,
        }
    }
}

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> serde::de::Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// A map whose first entry (the tag, already read) is handed out again before the rest: lets a
/// union decode the member its tag names from the same input, without buffering the object.
#[doc(hidden)]
pub struct Prepend<'de, A> {
    tag: Option<(&'static str, Key<'de>)>,
    rest: A,
}

impl<'de, A> Prepend<'de, A> {
    pub fn new(key: &'static str, value: Key<'de>, rest: A) -> Self {
        Self { tag: Some((key, value)), rest }
    }
}

impl<'de, A: serde::de::MapAccess<'de>> serde::de::MapAccess<'de> for Prepend<'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: serde::de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        match &self.tag {
            Some((key, _)) => seed.deserialize(serde::de::value::BorrowedStrDeserializer::new(key)).map(Some),
            None => self.rest.next_key_seed(seed),
        }
    }

    fn next_value_seed<V: serde::de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        // A string deserializer for the tag: a field type decoded from it only ever sees a
        // string, so this adds one shallow instantiation per field type, not a second decoder.
        match self.tag.take() {
            Some((_, tag)) => seed.deserialize(TagValue(tag, std::marker::PhantomData)),
            None => self.rest.next_value_seed(seed),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        self.rest.size_hint().map(|n| n + usize::from(self.tag.is_some()))
    }
}

/// A tag's value as read: a string (borrowed from the input when it can be), or anything else.
#[doc(hidden)]
pub enum TagOrValue<'de> {
    Tag(Key<'de>),
    Other(serde_json::Value),
}

impl<'de> serde::Deserialize<'de> for TagOrValue<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TagVisitor;
        impl<'de> serde::de::Visitor<'de> for TagVisitor {
            type Value = TagOrValue<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a tag")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(TagOrValue::Tag(Key::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(TagOrValue::Tag(Key::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(TagOrValue::Tag(Key::Owned(v)))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
                Ok(TagOrValue::Other(v.into()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
                Ok(TagOrValue::Other(v.into()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
                Ok(TagOrValue::Other(v.into()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
                AnyValue.visit_f64(v).map(TagOrValue::Other)
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(TagOrValue::Other(serde_json::Value::Null))
            }
            fn visit_seq<S: serde::de::SeqAccess<'de>>(self, seq: S) -> Result<Self::Value, S::Error> {
                AnyValue.visit_seq(seq).map(TagOrValue::Other)
            }
            fn visit_map<M: serde::de::MapAccess<'de>>(self, map: M) -> Result<Self::Value, M::Error> {
                collect_object(serde_json::Map::new(), map).map(|o| TagOrValue::Other(serde_json::Value::Object(o)))
            }
        }
        deserializer.deserialize_any(TagVisitor)
    }
}

/// The tag's value, handed to the member: a string, and `Some(string)` to an optional tag field.
#[doc(hidden)]
pub struct TagValue<'de, E>(Key<'de>, std::marker::PhantomData<E>);

impl<'de, E: serde::de::Error> serde::Deserializer<'de> for TagValue<'de, E> {
    type Error = E;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        match self.0 {
            Key::Borrowed(s) => visitor.visit_borrowed_str(s),
            Key::Owned(s) => visitor.visit_string(s),
        }
    }

    fn deserialize_option<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_some(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit unit_struct
        newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

/// A value that is not an object, for a union's `Unknown`.
#[doc(hidden)]
pub struct AnyValue;

use serde::de::Visitor as _;

impl<'de> serde::de::Visitor<'de> for AnyValue {
    type Value = serde_json::Value;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<serde_json::Value, E> {
        Ok(v.into())
    }
    fn visit_i64<E>(self, v: i64) -> Result<serde_json::Value, E> {
        Ok(v.into())
    }
    fn visit_u64<E>(self, v: u64) -> Result<serde_json::Value, E> {
        Ok(v.into())
    }
    fn visit_f64<E>(self, v: f64) -> Result<serde_json::Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(serde_json::Value::Null, serde_json::Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<serde_json::Value, E> {
        Ok(v.into())
    }
    fn visit_string<E>(self, v: String) -> Result<serde_json::Value, E> {
        Ok(v.into())
    }
    fn visit_unit<E>(self) -> Result<serde_json::Value, E> {
        Ok(serde_json::Value::Null)
    }
    fn visit_none<E>(self) -> Result<serde_json::Value, E> {
        Ok(serde_json::Value::Null)
    }
    fn visit_seq<S: serde::de::SeqAccess<'de>>(self, mut seq: S) -> Result<serde_json::Value, S::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(serde_json::Value::Array(items))
    }
}

/// The rest of an object whose first keys were already read, as a JSON object.
#[doc(hidden)]
pub fn collect_object<'de, A: serde::de::MapAccess<'de>>(
    mut object: serde_json::Map<String, serde_json::Value>,
    mut map: A,
) -> Result<serde_json::Map<String, serde_json::Value>, A::Error> {
    while let Some(key) = map.next_key::<Key<'de>>()? {
        let value = map.next_value()?;
        object.insert(key.into_string(), value);
    }
    Ok(object)
}

/// Decode a member from an object already read whole (its tag was not its first key). Through
/// JSON text, so the member's decoder is the one every response uses (no second decoder for
/// `serde_json::Value` compiled for every type).
#[doc(hidden)]
pub fn decode_member<T: serde::de::DeserializeOwned, E: serde::de::Error>(
    object: &serde_json::Map<String, serde_json::Value>,
    union: &str,
    variant: &str,
) -> Result<T, E> {
    let text = serde_json::to_vec(object).map_err(E::custom)?;
    serde_json::from_slice(&text).map_err(|e| member_error(union, variant, e))
}

#[doc(hidden)]
pub fn member_error<E: serde::de::Error>(union: &str, variant: &str, err: impl std::fmt::Display) -> E {
    E::custom(format_args!("{union}::{variant}: {err}"))
}

/// A union whose members one property (the tag) tells apart. Deserializing reads the tag and
/// decodes only the matching member, so an error names the member that failed; a tag this
/// version does not know, or a value without a tag, becomes `Unknown` with the data intact.
/// When the tag is the object's first key (as OpenRouter writes stream events) the member is
/// decoded from the input directly; otherwise the object is read whole first.
/// Each member type keeps its own tag field, so serializing a variant writes the tag back.
/// Plain string members (`"auto"` beside `{type: "function", …}`) are unit variants.
macro_rules! tagged_union {
    (
        $(#[$meta:meta])*
        pub enum $name:ident (tag = $tag:literal) {
            $( @strings { $( $svariant:ident = $svalue:literal, )* } )?
            $( $variant:ident ( $($value:literal)|+ ) => $ty:ty, )*
            $( _ => $fvariant:ident ( $fty:ty ), )?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug)]
        pub enum $name {
            $($( #[doc = concat!("`\"", $svalue, "\"`")] $svariant, )*)?
            $( #[doc = concat!("`", $tag, "`: ", $("`", $value, "` "),+)] $variant($ty), )*
            $( #[doc = concat!("Any other `", $tag, "`")] $fvariant($fty), )?
            /// A member this version of the crate does not know (or one without a tag), kept as sent.
            Unknown(::serde_json::Value),
        }

        impl $name {
            /// The property that tells the members apart.
            pub const TAG: &'static str = $tag;

            /// The union from an object read whole.
            fn from_object<E: ::serde::de::Error>(object: ::serde_json::Map<::std::string::String, ::serde_json::Value>) -> ::std::result::Result<Self, E> {
                match object.get($tag).and_then(::serde_json::Value::as_str) {
                    $( $(::std::option::Option::Some($value))|+ => {
                        return $crate::support::decode_member(&object, stringify!($name), stringify!($variant)).map(Self::$variant);
                    } )*
                    // A tag no member claims: the member that takes any tag, else Unknown.
                    ::std::option::Option::Some(_) => {
                        $(
                            if let ::std::result::Result::Ok(inner) = $crate::support::decode_member::<$fty, E>(&object, "", "") {
                                return ::std::result::Result::Ok(Self::$fvariant(inner));
                            }
                        )?
                    }
                    ::std::option::Option::None => {}
                }
                ::std::result::Result::Ok(Self::Unknown(::serde_json::Value::Object(object)))
            }
        }

        $(
            impl ::std::convert::From<$ty> for $name {
                fn from(value: $ty) -> Self {
                    Self::$variant(value)
                }
            }
        )*

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    $($( Self::$svariant => serializer.serialize_str($svalue), )*)?
                    $( Self::$variant(inner) => ::serde::Serialize::serialize(inner, serializer), )*
                    $( Self::$fvariant(inner) => ::serde::Serialize::serialize(inner, serializer), )?
                    Self::Unknown(value) => ::serde::Serialize::serialize(value, serializer),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct Members;
                impl<'de> ::serde::de::Visitor<'de> for Members {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("a ", stringify!($name)))
                    }
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<$name, A::Error> {
                        use $crate::support::Key;
                        let mut object = ::serde_json::Map::new();
                        match map.next_key::<Key<'de>>()? {
                            ::std::option::Option::None => {}
                            ::std::option::Option::Some(key) if key.as_str() == $tag => {
                                let value = match map.next_value::<$crate::support::TagOrValue<'de>>()? {
                                    $crate::support::TagOrValue::Tag(tag) => match tag.as_str() {
                                        $( $(| $value)+ => {
                                            let rest = $crate::support::Prepend::new($tag, tag, map);
                                            return <$ty as ::serde::Deserialize>::deserialize(::serde::de::value::MapAccessDeserializer::new(rest))
                                                .map($name::$variant)
                                                .map_err(|e| $crate::support::member_error(stringify!($name), stringify!($variant), e));
                                        } )*
                                        _ => ::serde_json::Value::String(tag.into_string()),
                                    },
                                    $crate::support::TagOrValue::Other(other) => other,
                                };
                                object.insert(key.into_string(), value);
                            }
                            ::std::option::Option::Some(key) => {
                                let value = map.next_value()?;
                                object.insert(key.into_string(), value);
                            }
                        }
                        $name::from_object($crate::support::collect_object(object, map)?)
                    }
                    fn visit_str<E: ::serde::de::Error>(self, text: &str) -> ::std::result::Result<$name, E> {
                        match text {
                            $($( $svalue => ::std::result::Result::Ok($name::$svariant), )*)?
                            _ => ::std::result::Result::Ok($name::Unknown(text.into())),
                        }
                    }
                    fn visit_bool<E>(self, v: bool) -> ::std::result::Result<$name, E> { ::std::result::Result::Ok($name::Unknown(v.into())) }
                    fn visit_i64<E>(self, v: i64) -> ::std::result::Result<$name, E> { ::std::result::Result::Ok($name::Unknown(v.into())) }
                    fn visit_u64<E>(self, v: u64) -> ::std::result::Result<$name, E> { ::std::result::Result::Ok($name::Unknown(v.into())) }
                    fn visit_f64<E: ::serde::de::Error>(self, v: f64) -> ::std::result::Result<$name, E> { ::serde::de::Visitor::visit_f64($crate::support::AnyValue, v).map($name::Unknown) }
                    fn visit_unit<E>(self) -> ::std::result::Result<$name, E> { ::std::result::Result::Ok($name::Unknown(::serde_json::Value::Null)) }
                    fn visit_seq<S: ::serde::de::SeqAccess<'de>>(self, seq: S) -> ::std::result::Result<$name, S::Error> {
                        ::serde::de::Visitor::visit_seq($crate::support::AnyValue, seq).map($name::Unknown)
                    }
                }
                deserializer.deserialize_any(Members)
            }
        }
    };
}

/// The error of an answer whose status the document lists as an error: its typed body when it
/// decodes, else the answer itself (`UnexpectedResponse`, body still readable) — a proxy's HTML
/// page on a `502` must stay an answer with a status, not become a decoding failure without one.
#[doc(hidden)]
pub async fn error_response<E: serde::de::DeserializeOwned>(response: reqwest::Response) -> progenitor_client::Error<E> {
    let status = response.status();
    let headers = response.headers().clone();
    let version = response.version();
    let body = match response.bytes().await {
        Ok(body) => body,
        Err(e) => return progenitor_client::Error::ResponseBodyError(e),
    };
    match serde_json::from_slice::<E>(&body) {
        Ok(inner) => progenitor_client::Error::ErrorResponse(progenitor_client::ResponseValue::new(inner, status, headers)),
        Err(_) => {
            let mut rebuilt = http::Response::new(body);
            *rebuilt.status_mut() = status;
            *rebuilt.headers_mut() = headers;
            *rebuilt.version_mut() = version;
            progenitor_client::Error::UnexpectedResponse(reqwest::Response::from(rebuilt))
        }
    }
}

/// `Deserialize` for a union whose members no property tells apart for sure (Responses input
/// items: two members share `type: "message"`, one has its tag optional). serde's untagged
/// decoding takes the first member that decodes, and an open member (every object keeps
/// unknown fields) decodes almost anything: a `function_call` item would become the first
/// member, its tag `Unknown`. Here a value becomes a member only if that member's tag accepts
/// its tag (`[values]`, `[values | absent]`, `[any]`), and only if the member writes it back as
/// the same JSON; otherwise it is kept as raw JSON (`$raw`), so the caller's data is never
/// reinterpreted. Decoding goes through JSON text, so each member's decoder is the one every
/// response uses.
macro_rules! faithful_union {
    ($name:ident raw $raw:ident { $( $variant:ident [ $($tags:tt)* ] => $ty:ty, )* }) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let tag = value.get("type").map(|t| t.as_str());
                let _ = &tag; // unused when every member takes any tag
                let text = ::serde_json::to_vec(&value).map_err(<D::Error as ::serde::de::Error>::custom)?;
                // Members whose tag names this value's first, then those that take any.
                for exact in [true, false] {
                    $(
                        if faithful_union!(@accepts exact tag [ $($tags)* ]) {
                            if let ::std::result::Result::Ok(member) = ::serde_json::from_slice::<$ty>(&text) {
                                if $crate::support::writes_back(&member, &value) {
                                    return ::std::result::Result::Ok($name::$variant(member));
                                }
                            }
                        }
                    )*
                }
                ::std::result::Result::Ok($name::$raw(value))
            }
        }
    };
    (@accepts $exact:ident $tag:ident [any]) => { !$exact };
    (@accepts $exact:ident $tag:ident [ $($value:literal)|+ ]) => {
        $exact && matches!($tag, ::std::option::Option::Some(::std::option::Option::Some($($value)|+)))
    };
    (@accepts $exact:ident $tag:ident [ $($value:literal)|+ | absent ]) => {
        ($exact && matches!($tag, ::std::option::Option::Some(::std::option::Option::Some($($value)|+))))
            || (!$exact && $tag.is_none())
    };
}

/// Whether `member` serializes to the same JSON as `value` (ignoring `null`s, which mean absent,
/// and number spelling).
#[doc(hidden)]
pub fn writes_back<T: serde::Serialize>(member: &T, value: &serde_json::Value) -> bool {
    serde_json::to_value(member).is_ok_and(|v| same_json(&v, value))
}

/// JSON equality with `null` members treated as absent and numbers compared by value.
#[doc(hidden)]
pub fn same_json(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value as V;
    match (a, b) {
        (V::Object(x), V::Object(y)) => {
            let present = |m: &serde_json::Map<String, V>| m.iter().filter(|(_, v)| !v.is_null()).count();
            present(x) == present(y) && x.iter().filter(|(_, v)| !v.is_null()).all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        (V::Array(x), V::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same_json(v, w)),
        (V::Number(x), V::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// Runs a request on behalf of the generated client. The `openrouter-kit` crate implements it to add
/// retries, timeouts and tracing around every operation; without one, requests go straight to
/// the `reqwest::Client`.
pub trait Execute: Send + Sync + std::fmt::Debug {
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        operation_id: &'static str,
    ) -> Pin<Box<dyn Future<Output = reqwest::Result<reqwest::Response>> + Send + 'a>>;
}

/// What the generated `Client` carries besides its base URL and `reqwest::Client`.
#[derive(Clone, Debug, Default)]
pub struct Hooks {
    executor: Option<Arc<dyn Execute>>,
}

impl Hooks {
    pub fn with_executor(executor: Arc<dyn Execute>) -> Self {
        Self { executor: Some(executor) }
    }
}

impl progenitor_client::ClientHooks<Hooks> for crate::Client {
    async fn exec(
        &self,
        request: reqwest::Request,
        info: &progenitor_client::OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        match &self.inner.executor {
            Some(executor) => executor.execute(&self.client, request, info.operation_id).await,
            None => self.client.execute(request).await,
        }
    }
}
