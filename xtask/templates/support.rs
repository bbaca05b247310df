//! Support code the generated types and client rely on: open enums, tagged unions, and the hook
//! through which a caller (the `openrouter` crate) runs every request.
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

/// A union whose members one property (the tag) tells apart. Deserializing reads the tag first
/// and decodes only the matching member, so an error names the member that failed; a tag this
/// version does not know, or a value without a tag, becomes `Unknown` with the data intact.
/// Each member type keeps its own tag field, so serializing a variant writes the tag back.
/// Plain string members (`"auto"` beside `{type: "function", …}`) are unit variants.
macro_rules! tagged_union {
    (@text [] $name:ident $tag:literal { $( $variant:ident ( $($value:literal)|+ ), )* }) => {};
    (@text [text] $name:ident $tag:literal { $( $variant:ident ( $($value:literal)|+ ), )* }) => {
        // Opt-in: a second deserializer for every member type (and everything they contain)
        // costs about 15% of this crate's compile time.
        #[cfg(feature = "text-decoder")]
        impl $name {
            /// Decode from JSON text without building a `serde_json::Value`: one pass reads the
            /// tag (skipping the rest), a second decodes the member it names (the generic
            /// `Deserialize` must buffer the value, which costs about three times as much).
            pub fn from_json_str(text: &str) -> ::std::result::Result<Self, ::serde_json::Error> {
                let tag = $crate::support::peek_tag(text, $tag)?;
                match tag.as_deref() {
                    $( $(::std::option::Option::Some($value))|+ => {
                        return ::serde_json::from_str(text).map(Self::$variant);
                    } )*
                    _ => {}
                }
                ::serde_json::from_str(text)
            }
        }
    };
    (
        $(#[$meta:meta])*
        pub enum $name:ident (tag = $tag:literal) $([$text:ident])? {
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
        }

        // Stream payloads (`[text]`) also decode straight from text; for other unions a second
        // deserializer per member type would only cost compile time.
        tagged_union!(@text [$($text)?] $name $tag { $( $variant ( $($value)|+ ), )* });

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
                type Decode<T> = fn(::serde_json::Value) -> ::std::result::Result<T, ::serde_json::Error>;
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                if let ::std::option::Option::Some(text) = value.as_str() {
                    match text {
                        $($( $svalue => return ::std::result::Result::Ok(Self::$svariant), )*)?
                        _ => return ::std::result::Result::Ok(Self::Unknown(value)),
                    }
                }
                // Pick the member by its tag, then decode it once the tag is no longer borrowed.
                let (variant, decode): (&str, Decode<Self>) = match value.get($tag).and_then(::serde_json::Value::as_str) {
                    $(
                        $(::std::option::Option::Some($value))|+ => (
                            stringify!($variant),
                            |v| ::serde_json::from_value(v).map(Self::$variant),
                        ),
                    )*
                    _ => {
                        // A tag no member claims: the member that takes any tag, else Unknown.
                        $(
                            if value.get($tag).is_some_and(::serde_json::Value::is_string) {
                                if let ::std::result::Result::Ok(inner) = <$fty as ::serde::Deserialize>::deserialize(&value) {
                                    return ::std::result::Result::Ok(Self::$fvariant(inner));
                                }
                            }
                        )?
                        return ::std::result::Result::Ok(Self::Unknown(value));
                    }
                };
                decode(value).map_err(|e| $crate::support::member_error::<D::Error>(stringify!($name), variant, e))
            }
        }
    };
}

#[cfg(feature = "text-decoder")]
/// The string value of `tag` at the top level of a JSON object; the rest of the text is skipped
/// without being built. Not an object, or no string there: `None`.
#[doc(hidden)]
pub fn peek_tag<'a>(text: &'a str, tag: &str) -> Result<Option<std::borrow::Cow<'a, str>>, serde_json::Error> {
    use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
    struct Peek<'t>(&'t str);
    impl<'de> Visitor<'de> for Peek<'_> {
        type Value = Option<std::borrow::Cow<'de, str>>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a JSON value")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut found = None;
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                if found.is_none() && key == self.0 {
                    found = match map.next_value::<serde_json::Value>()? {
                        serde_json::Value::String(s) => Some(std::borrow::Cow::Owned(s)),
                        _ => None,
                    };
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(found)
        }
        fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(None)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    de.deserialize_any(Peek(tag))
}

#[doc(hidden)]
pub fn member_error<E: serde::de::Error>(union: &str, variant: &str, err: serde_json::Error) -> E {
    E::custom(format_args!("{union}::{variant}: {err}"))
}

/// Runs a request on behalf of the generated client. The `openrouter` crate implements it to add
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
