//! Inherent methods on the hot server types (see `openapi/accessors.toml`): the token counts
//! and the text an application reads from every answer, as plain values (`0`, `""` when the
//! server left them out) with no `Option` to unwrap and no trait to import.
//!
//! Each accessor is a path through the generated types (`choices[0].delta.content`), resolved
//! here against the types progenitor produced. Field types are read from the generated code,
//! so an `Option`, a `List` or a boxed union member needs no mention in the path. An accessor
//! whose path this document's types do not have is skipped and reported, not emitted broken: an
//! older or newer document still generates, and the hand-written crate, which calls them, is
//! what fails to compile if one it needs is gone.
//!
//! Path syntax: segments joined by `.`; a segment is a field name, then `[0]` (the first item of
//! a list) or `[*]` (every item), then `<v>`: the member of a union whose tag is `v` (or whose
//! variant is named `v`, for untagged unions). A tuple struct's field is `0`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context as _, Result, bail};
use quote::ToTokens as _;
use serde::Deserialize;
use syn::{Fields, Item};

use crate::normalise::TaggedUnion;
use crate::postprocess::{Piece, rust_type_name};

pub const CONFIG_PATH: &str = "openapi/accessors.toml";

#[derive(Debug, Clone, Deserialize, Default)]
pub struct AccessorConfig {
    #[serde(default, rename = "accessor")]
    pub accessors: Vec<Accessor>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accessor {
    /// The generated type the method is on.
    pub on: String,
    /// The method's name.
    pub name: String,
    pub returns: Returns,
    /// Tried in order; the first that yields a non-empty value wins (for `count`/`amount` and
    /// `str`, the first that yields any value).
    pub paths: Vec<String>,
    pub doc: String,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Returns {
    /// `i64`, `0` when absent.
    Count,
    /// `f64`, `0.0` when absent.
    Amount,
    /// `&str`, `""` when absent (paths without `[*]`).
    Str,
    /// `String`: the strings a path reaches, joined.
    String,
}

impl AccessorConfig {
    pub fn read(root: &Path) -> Result<Self> {
        let path = root.join(CONFIG_PATH);
        let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("in {}", path.display()))
    }
}

/// What `emit` made of the configuration.
#[derive(Debug, Default)]
pub struct Emitted {
    /// The impl blocks, as source text.
    pub text: String,
    pub methods: Vec<String>,
    /// `Type::method: why`.
    pub skipped: Vec<String>,
}

/// The shape of a field's type, as far as a path cares.
#[derive(Debug, Clone, PartialEq)]
enum Shape {
    Option(Box<Shape>),
    List(Box<Shape>),
    Named(String),
    Leaf(String),
}

fn shape_of(ty: &syn::Type) -> Shape {
    let syn::Type::Path(p) = ty else { return Shape::Leaf(ty.to_token_stream().to_string()) };
    let Some(last) = p.path.segments.last() else { return Shape::Leaf(String::new()) };
    let ident = last.ident.to_string();
    let inner = match &last.arguments {
        syn::PathArguments::AngleBracketed(a) => a.args.iter().find_map(|g| match g {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        }),
        _ => None,
    };
    match (ident.as_str(), inner) {
        ("Option", Some(t)) => Shape::Option(Box::new(shape_of(t))),
        ("Vec" | "List", Some(t)) => Shape::List(Box::new(shape_of(t))),
        ("Box", Some(t)) => shape_of(t),
        ("String" | "i64" | "f64" | "bool" | "u64" | "i32", None) => Shape::Leaf(ident),
        (_, None) => Shape::Named(ident),
        _ => Shape::Leaf(ident),
    }
}

/// The generated types a path can walk: struct fields, untagged enum variants, tagged unions.
struct Types<'a> {
    structs: BTreeMap<String, Vec<(String, Shape)>>,
    enums: BTreeMap<String, Vec<(String, Shape)>>,
    unions: BTreeMap<String, &'a TaggedUnion>,
}

impl<'a> Types<'a> {
    fn new(pieces: &[Piece], unions: &'a BTreeMap<String, TaggedUnion>) -> Self {
        let mut structs = BTreeMap::new();
        let mut enums = BTreeMap::new();
        for piece in pieces {
            let Piece::Items(items) = piece else { continue };
            for item in items {
                match item {
                    Item::Struct(s) => {
                        let fields = match &s.fields {
                            Fields::Named(f) => f
                                .named
                                .iter()
                                .filter_map(|f| Some((f.ident.as_ref()?.to_string(), shape_of(&f.ty))))
                                .collect(),
                            Fields::Unnamed(f) => f.unnamed.iter().enumerate().map(|(i, f)| (i.to_string(), shape_of(&f.ty))).collect(),
                            Fields::Unit => Vec::new(),
                        };
                        structs.insert(s.ident.to_string(), fields);
                    }
                    Item::Enum(e) => {
                        let variants = e
                            .variants
                            .iter()
                            .filter_map(|v| match &v.fields {
                                Fields::Unnamed(f) if f.unnamed.len() == 1 => Some((v.ident.to_string(), shape_of(&f.unnamed[0].ty))),
                                _ => None,
                            })
                            .collect();
                        enums.insert(e.ident.to_string(), variants);
                    }
                    _ => {}
                }
            }
        }
        let unions = unions.iter().map(|(name, u)| (rust_type_name(name), u)).collect();
        Self { structs, enums, unions }
    }
}

/// One path as an iterator expression over `&Leaf` items, starting from `self`, and the leaf's
/// type name; whether it can yield several.
fn compile_path(types: &Types<'_>, on: &str, path: &str) -> Result<(String, String, bool)> {
    let mut expr = String::from("::std::iter::once(self)");
    let mut current = Shape::Named(on.to_string());
    let mut many = false;
    for segment in path.split('.') {
        let (field, mut rest) = segment.split_at(segment.find(['[', '<']).unwrap_or(segment.len()));
        let Shape::Named(owner) = &current else { bail!("`{segment}`: `{current:?}` has no fields") };
        let fields = types.structs.get(owner).with_context(|| format!("`{segment}`: `{owner}` is not a struct"))?;
        let (_, shape) = fields.iter().find(|(n, _)| n == field).with_context(|| format!("`{owner}` has no field `{field}`"))?;
        current = match shape {
            Shape::Option(inner) => {
                write!(expr, ".flat_map(|v| v.{field}.as_ref())")?;
                (**inner).clone()
            }
            other => {
                write!(expr, ".flat_map(|v| ::std::option::Option::Some(&v.{field}))")?;
                other.clone()
            }
        };
        // Suffixes, left to right: `[0]`/`[*]` into a list, `<v>` into a union member.
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix('[') {
                let (index, after) = r.split_once(']').with_context(|| format!("`{segment}`: `[` without `]`"))?;
                rest = after;
                let Shape::List(item) = &current else { bail!("`{segment}`: `{current:?}` is not a list") };
                match index {
                    "0" => expr.push_str(".flat_map(|v| v.first())"),
                    "*" => {
                        expr.push_str(".flat_map(|v| v.iter())");
                        many = true;
                    }
                    other => bail!("`{segment}`: index `{other}` (only `0` and `*`)"),
                }
                current = (**item).clone();
            } else if let Some(r) = rest.strip_prefix('<') {
                let (select, after) = r.split_once('>').with_context(|| format!("`{segment}`: `<` without `>`"))?;
                rest = after;
                let Shape::Named(union) = &current else { bail!("`{segment}`: `{current:?}` is not a union") };
                let (variant, member) = if let Some(u) = types.unions.get(union) {
                    let v = u
                        .variants
                        .iter()
                        .find(|v| v.values.iter().any(|t| t == select) || v.name == select)
                        .with_context(|| format!("union `{union}` has no member tagged `{select}`"))?;
                    (v.name.clone(), Shape::Named(rust_type_name(&v.schema)))
                } else if let Some(variants) = types.enums.get(union) {
                    let (name, shape) =
                        variants.iter().find(|(n, _)| n == select).with_context(|| format!("enum `{union}` has no variant `{select}`"))?;
                    (name.clone(), shape.clone())
                } else {
                    bail!("`{segment}`: `{union}` is not a union");
                };
                write!(
                    expr,
                    ".flat_map(|v| match v {{ {union}::{variant}(x) => ::std::option::Option::Some(x), _ => ::std::option::Option::None }})"
                )?;
                current = member;
            } else {
                bail!("`{segment}`: unexpected `{rest}`");
            }
        }
        if matches!(current, Shape::List(_)) {
            bail!("`{segment}`: `{field}` is a list: say `[0]` or `[*]`");
        }
    }
    let Shape::Leaf(leaf) = current else { bail!("`{path}` ends at `{current:?}`, not a string or number") };
    Ok((expr, leaf, many))
}

fn method(types: &Types<'_>, a: &Accessor) -> Result<String> {
    if a.paths.is_empty() {
        bail!("no paths");
    }
    let mut body = String::new();
    let (ret, expected) = match a.returns {
        Returns::Count => ("i64", "i64"),
        Returns::Amount => ("f64", "f64"),
        Returns::Str => ("&str", "String"),
        Returns::String => ("::std::string::String", "String"),
    };
    for path in &a.paths {
        let (expr, leaf, many) = compile_path(types, &a.on, path).with_context(|| format!("path `{path}`"))?;
        let expr = expr.replace(".flat_map(", "\n            .flat_map(").replace(".next()", "\n            .next()");
        if leaf != expected {
            bail!("path `{path}` reaches a `{leaf}`, not a `{expected}`");
        }
        match a.returns {
            Returns::Count | Returns::Amount | Returns::Str if many => bail!("path `{path}` has `[*]`: only a `string` accessor joins"),
            Returns::Count | Returns::Amount => {
                writeln!(body, "        if let ::std::option::Option::Some(v) = {expr}.next() {{\n            return *v;\n        }}")?
            }
            Returns::Str => {
                writeln!(body, "        if let ::std::option::Option::Some(v) = {expr}.next() {{\n            return v.as_str();\n        }}")?
            }
            Returns::String => writeln!(
                body,
                "        let text: ::std::string::String = {expr}.map(|s| s.as_str()).collect();\n        if !text.is_empty() {{\n            return text;\n        }}"
            )?,
        }
    }
    let fallback = match a.returns {
        Returns::Count => "0",
        Returns::Amount => "0.0",
        Returns::Str => "\"\"",
        Returns::String => "::std::string::String::new()",
    };
    let mut doc = String::new();
    for line in a.doc.trim().lines() {
        writeln!(doc, "    ///{}{line}", if line.is_empty() { "" } else { " " })?;
    }
    Ok(format!("{doc}    pub fn {}(&self) -> {ret} {{\n{body}        {fallback}\n    }}\n", a.name))
}

/// The impl blocks of every accessor whose paths this document's types have.
pub fn emit(
    config: &AccessorConfig,
    pieces: &[Piece],
    unions: &BTreeMap<String, TaggedUnion>,
    gated: &std::collections::BTreeSet<String>,
) -> Emitted {
    let types = Types::new(pieces, unions);
    let mut by_type: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut out = Emitted::default();
    for a in &config.accessors {
        match method(&types, a) {
            Ok(text) => {
                by_type.entry(&a.on).or_default().push(text);
                out.methods.push(format!("{}::{}", a.on, a.name));
            }
            Err(e) => out.skipped.push(format!("{}::{}: {e:#}", a.on, a.name)),
        }
    }
    for (ty, methods) in by_type {
        if gated.contains(ty) {
            out.text.push_str("#[cfg(feature = \"management\")]\n");
        }
        writeln!(out.text, "impl {ty} {{\n{}}}\n", methods.join("\n")).expect("writing to a String");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalise::UnionVariant;

    fn pieces() -> Vec<Piece> {
        let file: syn::File = syn::parse_quote! {
            pub struct Chunk { pub choices: crate::List<Choice>, pub usage: ::std::option::Option<Usage>, pub parts: ::std::option::Option<Vec<Part>>, pub content: ::std::option::Option<Content> }
            pub struct Choice { pub delta: ::std::option::Option<Delta> }
            pub struct Delta { pub content: ::std::option::Option<::std::string::String> }
            pub struct Usage { pub prompt_tokens: ::std::option::Option<i64>, pub cost: f64 }
            pub struct Text { pub text: ::std::option::Option<::std::string::String> }
            pub struct Wrapper(pub ::std::option::Option<Usage>);
            pub enum Content { String(::std::string::String), Array(Vec<Part>) }
        };
        vec![Piece::Items(file.items)]
    }

    fn unions() -> BTreeMap<String, TaggedUnion> {
        let variant = UnionVariant { name: "Text".into(), schema: "Text".into(), values: vec!["text".into()] };
        let union = TaggedUnion {
            tag: "type".into(),
            variants: vec![variant],
            strings: vec![],
            fallback: None,
            stream_payload: false,
            description: None,
        };
        BTreeMap::from([("Part".to_string(), union)])
    }

    fn accessor(on: &str, returns: Returns, paths: &[&str]) -> Accessor {
        Accessor { on: on.into(), name: "m".into(), returns, paths: paths.iter().map(|p| p.to_string()).collect(), doc: "Doc.".into() }
    }

    fn emit_one(a: Accessor) -> Emitted {
        let unions = unions();
        emit(&AccessorConfig { accessors: vec![a] }, &pieces(), &unions, &Default::default())
    }

    #[test]
    fn paths_walk_options_lists_and_unions() {
        let out = emit_one(accessor("Chunk", Returns::Str, &["choices[0].delta.content"]));
        assert!(out.skipped.is_empty(), "{:?}", out.skipped);
        assert!(out.text.contains("pub fn m(&self) -> &str"), "{}", out.text);
        assert!(out.text.contains(".flat_map(|v| v.first())"), "{}", out.text);
        let out = emit_one(accessor("Chunk", Returns::String, &["content<String>", "content<Array>[*]<text>.text", "parts[*]<text>.text"]));
        assert!(out.skipped.is_empty(), "{:?}", out.skipped);
        assert!(out.text.contains("Part::Text(x)") && out.text.contains("Content::Array(x)"), "{}", out.text);
        let out = emit_one(accessor("Wrapper", Returns::Count, &["0.prompt_tokens"]));
        assert!(out.skipped.is_empty(), "{:?}", out.skipped);
        let out = emit_one(accessor("Usage", Returns::Amount, &["cost"]));
        assert!(out.text.contains("return *v;"), "{}", out.text);
    }

    #[test]
    fn a_path_the_types_lack_is_skipped_with_its_reason() {
        let cases = [
            (accessor("Chunk", Returns::Str, &["choices.delta.content"]), "is a list: say `[0]` or `[*]`"),
            (accessor("Chunk", Returns::Str, &["choices[0].delta.text"]), "`Delta` has no field `text`"),
            (accessor("Chunk", Returns::Count, &["choices[0].delta.content"]), "not a `i64`"),
            (accessor("Chunk", Returns::Str, &["parts[*]<text>.text"]), "only a `string` accessor joins"),
            (accessor("Chunk", Returns::String, &["parts[*]<image>.text"]), "no member tagged `image`"),
            (accessor("Missing", Returns::Str, &["x"]), "`Missing` is not a struct"),
            (accessor("Chunk", Returns::Str, &["usage"]), "not a string or number"),
        ];
        for (a, why) in cases {
            let out = emit_one(a);
            assert!(out.text.is_empty(), "{}", out.text);
            assert!(out.skipped.len() == 1 && out.skipped[0].contains(why), "{:?} should say {why}", out.skipped);
        }
    }
}
