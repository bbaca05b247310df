//! Rewrites of progenitor's output (a `syn` tree) that no generator setting offers.
//!
//! - String enums become `open_enum!` invocations: an `Unknown(String)` variant keeps values the
//!   document does not list (typify's enums are closed, and one new `finish_reason` would fail a
//!   whole response). typify's own `Display`/`FromStr`/`TryFrom` impls for them are removed; the
//!   macro provides infallible ones.
//! - Tagged unions (replaced by name in typify, see `generate`) are emitted as `tagged_union!`.
//! - `Client::new` is removed: it sets a 15 s total timeout (fatal for long generations and
//!   streams) and unwraps the client builder. `Client::new_with_client` stays.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Result, bail};
use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::{Fields, ImplItem, Item, ItemEnum, Lit, Meta};

use crate::normalise::TaggedUnion;

/// A run of ordinary items (formatted by prettyplease) or a macro invocation we format ourselves
/// (prettyplease wraps macro bodies as flat token soup).
pub enum Piece {
    Items(Vec<Item>),
    Text(String),
}

/// Render pieces as one file's text.
pub fn render(pieces: Vec<Piece>) -> String {
    let mut out = String::new();
    for piece in pieces {
        match piece {
            Piece::Items(items) => out.push_str(&prettyplease::unparse(&file_of(items))),
            Piece::Text(text) => out.push_str(&text),
        }
        out.push('\n');
    }
    out
}

fn push_item(pieces: &mut Vec<Piece>, item: Item) {
    match pieces.last_mut() {
        Some(Piece::Items(items)) => items.push(item),
        _ => pieces.push(Piece::Items(vec![item])),
    }
}

/// What the rewrite produced, ready to be written as files.
pub struct Output {
    pub types: Vec<Piece>,
    pub client: syn::File,
    pub open_enums: usize,
    /// Types compiled only with the `management` feature.
    pub gated_types: usize,
    /// Every type `types.rs` defines, and those of them behind the `management` feature.
    pub type_names: BTreeSet<String>,
    pub gated_type_names: BTreeSet<String>,
    /// Untagged-union variants renamed from `VariantN`.
    pub renamed_variants: usize,
    pub tagged_unions: usize,
    pub closed_enums_left: Vec<String>,
    /// Structs whose `Deserialize` is `lean_deserialize!` instead of serde's derive.
    pub lean_structs: usize,
    /// Fields typed `List<T>` or `Object`.
    pub wire_collections: usize,
    /// Structs given `#[derive(Default)]` (see [`derive_default`]).
    pub default_structs: usize,
}

pub fn rewrite(
    tokens: TokenStream,
    unions: &BTreeMap<String, TaggedUnion>,
    gated_methods: &BTreeSet<String>,
) -> Result<Output> {
    let file: syn::File = syn::parse2(tokens)?;
    let mut types_items = Vec::new();
    let mut client_items = Vec::new();
    for item in file.items {
        match item {
            Item::Mod(m) if m.ident == "types" => {
                types_items = m.content.map(|(_, items)| items).unwrap_or_default();
            }
            other => client_items.push(other),
        }
    }
    if types_items.is_empty() {
        bail!("progenitor's output has no `types` module");
    }
    let wire_collections = wire_collection_fields(&mut types_items);

    // Open enums.
    let mut open = BTreeSet::new();
    let mut closed_left = Vec::new();
    let mut rewritten = Vec::with_capacity(types_items.len());
    let mut texts: BTreeMap<String, String> = BTreeMap::new();
    let mut enum_values: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for item in types_items {
        match item {
            Item::Enum(e) if is_string_enum(&e) => {
                let name = e.ident.to_string();
                enum_values.insert(name.clone(), e.variants.iter().filter_map(wire_name).collect());
                match open_enum(&e) {
                    Some(text) => {
                        open.insert(name.clone());
                        texts.insert(name.clone(), text);
                        // A marker the rendering below swaps for the text.
                        rewritten.push(Item::Verbatim(quote::quote!(#name)));
                    }
                    None => {
                        closed_left.push(name);
                        rewritten.push(Item::Enum(e));
                    }
                }
            }
            other => rewritten.push(other),
        }
    }
    let renamed_variants = crate::variant_names::rename(&mut rewritten);
    let tags = member_tags(&rewritten, &enum_values);
    let mut faithful: BTreeMap<String, String> = BTreeMap::new();
    for item in &mut rewritten {
        if let Item::Enum(e) = item
            && let Some(text) = faithful_union(e, &tags) {
                faithful.insert(e.ident.to_string(), text);
            }
    }
    rewritten.retain(|item| match item {
        Item::Impl(imp) => !(impl_target(imp).is_some_and(|t| open.contains(&t)) && replaced_impl(imp)),
        _ => true,
    });

    // Feature-gate the management operations and the types only they reach.
    let gated = gated_types(&rewritten, &client_items, unions, gated_methods);
    let cfg_attr: syn::Attribute = syn::parse_quote!(#[cfg(feature = "management")]);
    let cfg_text = "#[cfg(feature = \"management\")]\n";
    for item in &mut client_items {
        if let Item::Impl(imp) = item {
            for f in imp.items.iter_mut() {
                if let ImplItem::Fn(f) = f
                    && gated_methods.contains(&f.sig.ident.to_string()) {
                        f.attrs.push(cfg_attr.clone());
                    }
            }
        }
    }

    let mut type_names: BTreeSet<String> = rewritten
        .iter()
        .filter(|i| !matches!(i, Item::Impl(_) | Item::Mod(_)))
        .filter_map(item_name)
        .collect();
    type_names.extend(unions.keys().map(|n| rust_type_name(n)));
    let sizes = TypeSizes::new(&rewritten, unions);
    let defaulted: BTreeSet<String> = rewritten
        .iter()
        .filter_map(|i| match i {
            Item::Impl(imp) if imp.trait_.as_ref().is_some_and(|t| t.0.segments.last().is_some_and(|s| s.ident == "Default")) => impl_target(imp),
            _ => None,
        })
        .collect();
    let mut pieces = Vec::new();
    let mut lean_structs = 0;
    let mut default_structs = 0;
    for mut item in rewritten {
        let name = item_name(&item);
        let is_gated = name.as_ref().is_some_and(|n| gated.contains(n));
        match &mut item {
            Item::Verbatim(_) => {
                let text = texts.remove(name.as_deref().unwrap_or_default()).unwrap_or_default();
                pieces.push(Piece::Text(if is_gated { format!("{cfg_text}{text}") } else { text }));
                continue;
            }
            Item::Struct(x) => {
                if derive_default(x, &defaulted) {
                    default_structs += 1;
                }
                if let Some(text) = lean_deserialize(x) {
                    lean_structs += 1;
                    if is_gated {
                        x.attrs.push(cfg_attr.clone());
                    }
                    push_item(&mut pieces, item);
                    pieces.push(Piece::Text(if is_gated { format!("{cfg_text}{text}") } else { text }));
                    continue;
                }
                if is_gated {
                    x.attrs.push(cfg_attr.clone());
                }
            }
            Item::Enum(x) => {
                if is_gated {
                    x.attrs.push(cfg_attr.clone());
                }
                if let Some(text) = faithful.remove(&x.ident.to_string()) {
                    push_item(&mut pieces, item);
                    pieces.push(Piece::Text(if is_gated { format!("{cfg_text}{text}") } else { text }));
                    continue;
                }
            }
            Item::Type(x) if is_gated => x.attrs.push(cfg_attr.clone()),
            Item::Impl(x) if is_gated => x.attrs.push(cfg_attr.clone()),
            Item::Mod(m) => {
                // typify's `defaults` module: one function per defaulted field.
                for inner in m.content.iter_mut().flat_map(|(_, items)| items.iter_mut()) {
                    if let Item::Fn(f) = inner {
                        let mut mentioned = BTreeSet::new();
                        crate::features::idents(f.to_token_stream(), &mut mentioned);
                        if mentioned.iter().any(|i| gated.contains(i)) {
                            f.attrs.push(cfg_attr.clone());
                        }
                    }
                }
            }
            _ => {}
        }
        push_item(&mut pieces, item);
    }
    for (name, union) in unions {
        let (text, impls) = tagged_union(name, union, &sizes);
        let is_gated = gated.contains(&rust_type_name(name));
        for text in std::iter::once(text).chain(impls) {
            pieces.push(Piece::Text(if is_gated { format!("{cfg_text}{text}") } else { text }));
        }
    }

    // Documented error answers: typed when they decode, else kept as the answer they are.
    let mut arms = ErrorArms(0);
    for item in &mut client_items {
        syn::visit_mut::VisitMut::visit_item_mut(&mut arms, item);
    }

    // Client::new with its 15 s timeout.
    for item in &mut client_items {
        if let Item::Impl(imp) = item
            && impl_target(imp).as_deref() == Some("Client") && imp.trait_.is_none() {
                imp.items.retain(|i| !matches!(i, ImplItem::Fn(f) if f.sig.ident == "new"));
            }
    }

    Ok(Output {
        types: pieces,
        client: file_of(client_items),
        open_enums: open.len(),
        gated_types: gated.len(),
        gated_type_names: gated.iter().filter(|n| type_names.contains(*n)).cloned().collect(),
        type_names,
        renamed_variants,
        tagged_unions: unions.len(),
        closed_enums_left: closed_left,
        lean_structs,
        wire_collections,
        default_structs,
    })
}

/// Fields typed `::openrouter_kit_api::List<T>` / `Object` (the `x-rust-type` the normaliser's
/// `server_tolerance` pass gives a required list or map of a server type) become the crate's own
/// `crate::List<T>` / `crate::Object`, absent when the object lacks them and left out when
/// serialized so: a decoded value writes back what came. Returns how many.
fn wire_collection_fields(items: &mut [Item]) -> usize {
    let mut count = 0;
    for item in items {
        let Item::Struct(s) = item else { continue };
        for f in s.fields.iter_mut() {
            let syn::Type::Path(p) = &mut f.ty else { continue };
            let own = p.qself.is_none()
                && p.path.leading_colon.is_some()
                && p.path.segments.first().is_some_and(|seg| seg.ident == "openrouter_kit_api");
            if !own {
                continue;
            }
            p.path.leading_colon = None;
            p.path.segments[0].ident = syn::Ident::new("crate", proc_macro2::Span::call_site());
            let ty = p.path.segments.last().map(|seg| seg.ident.to_string()).unwrap_or_default();
            let absent = format!("crate::{ty}::absent");
            let is_absent = format!("crate::{ty}::is_absent");
            f.attrs.push(syn::parse_quote!(#[serde(default = #absent, skip_serializing_if = #is_absent)]));
            count += 1;
        }
    }
    count
}

/// Rewrites `Err(Error::ErrorResponse(ResponseValue::from_response(response).await?))` (a body
/// that does not decode as the documented error becomes a decoding failure without its status)
/// into `Err(crate::support::error_response(response).await)`.
struct ErrorArms(usize);

impl syn::visit_mut::VisitMut for ErrorArms {
    fn visit_expr_mut(&mut self, e: &mut syn::Expr) {
        if let syn::Expr::Call(call) = e {
            let is_err = matches!(&*call.func, syn::Expr::Path(p) if p.path.is_ident("Err"));
            let wraps_error_response = call.args.len() == 1
                && matches!(&call.args[0], syn::Expr::Call(inner)
                    if matches!(&*inner.func, syn::Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "ErrorResponse")));
            if is_err && wraps_error_response {
                *e = syn::parse_quote!(Err(crate::support::error_response(response).await));
                self.0 += 1;
                return;
            }
        }
        syn::visit_mut::visit_expr_mut(self, e);
    }
}

/// The type an item defines or implements (open enums are still markers carrying their name).
fn item_name(item: &Item) -> Option<String> {
    match item {
        Item::Struct(x) => Some(x.ident.to_string()),
        Item::Enum(x) => Some(x.ident.to_string()),
        Item::Type(x) => Some(x.ident.to_string()),
        Item::Impl(x) => impl_target(x),
        Item::Verbatim(marker) => syn::parse2::<syn::LitStr>(marker.clone()).ok().map(|l| l.value()),
        _ => None,
    }
}

/// Types reachable from gated methods and from no other method.
fn gated_types(
    items: &[Item],
    client: &[Item],
    unions: &BTreeMap<String, TaggedUnion>,
    gated_methods: &BTreeSet<String>,
) -> BTreeSet<String> {
    use crate::features::{closure, idents};
    if gated_methods.is_empty() {
        return BTreeSet::new();
    }
    let mut refs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in items {
        if let Some(name) = item_name(item) {
            let entry = refs.entry(name).or_default();
            if !matches!(item, Item::Verbatim(_)) {
                idents(item.to_token_stream(), entry);
            }
        }
    }
    for (name, u) in unions {
        refs.entry(rust_type_name(name)).or_default().extend(u.variants.iter().map(|v| rust_type_name(&v.schema)));
    }
    let (mut core_roots, mut gated_roots) = (BTreeSet::new(), BTreeSet::new());
    for item in client {
        match item {
            Item::Impl(imp) if impl_target(imp).as_deref() == Some("Client") && imp.trait_.is_none() => {
                for f in &imp.items {
                    let is_gated = matches!(f, ImplItem::Fn(f) if gated_methods.contains(&f.sig.ident.to_string()));
                    idents(f.to_token_stream(), if is_gated { &mut gated_roots } else { &mut core_roots });
                }
            }
            other => idents(other.to_token_stream(), &mut core_roots),
        }
    }
    let core = closure(&core_roots, &refs);
    closure(&gated_roots, &refs).difference(&core).cloned().collect()
}

fn file_of(items: Vec<Item>) -> syn::File {
    let mut file: syn::File = syn::parse_quote!();
    file.items = items;
    file
}

/// The Rust name typify gives a component (mirrors typify's `sanitize`).
pub fn rust_type_name(schema_name: &str) -> String {
    use heck::ToPascalCase;
    let cleaned: String = schema_name
        .replace('\'', "")
        .chars()
        .map(|c| if c.is_alphanumeric() || c == '_' { c } else { '-' })
        .collect();
    let name = cleaned.to_pascal_case();
    match name.chars().next() {
        Some(c) if c.is_alphabetic() => name,
        _ => format!("X{name}"),
    }
}

fn has_derive(e: &ItemEnum, what: &str) -> bool {
    e.attrs.iter().any(|a| a.path().is_ident("derive") && a.meta.to_token_stream_string().contains(what))
}

trait MetaString {
    fn to_token_stream_string(&self) -> String;
}

impl MetaString for Meta {
    fn to_token_stream_string(&self) -> String {
        quote!(#self).to_string()
    }
}

fn is_serde_container_attr(e: &ItemEnum, word: &str) -> bool {
    e.attrs.iter().any(|a| a.path().is_ident("serde") && a.meta.to_token_stream_string().contains(word))
}

/// A typify string enum: derives Deserialize, unit variants only, not tagged or untagged.
fn is_string_enum(e: &ItemEnum) -> bool {
    has_derive(e, "Deserialize")
        && !e.variants.is_empty()
        && e.variants.iter().all(|v| matches!(v.fields, Fields::Unit))
        && !is_serde_container_attr(e, "untagged")
        && !is_serde_container_attr(e, "tag")
}

/// The wire name of a unit variant: its `#[serde(rename = "…")]`, else its identifier.
fn wire_name(v: &syn::Variant) -> Option<String> {
    for a in &v.attrs {
        if !a.path().is_ident("serde") {
            continue;
        }
        let mut found = None;
        let _ = a.parse_nested_meta(|m| {
            if m.path.is_ident("rename")
                && let Lit::Str(s) = m.value()?.parse::<Lit>()? {
                    found = Some(s.value());
                }
            Ok(())
        });
        if found.is_some() {
            return found;
        }
    }
    Some(v.ident.to_string())
}

/// The `///` lines of an item's doc attributes, indented.
fn doc_lines(attrs: &[syn::Attribute], indent: &str) -> String {
    let mut out = String::new();
    for a in attrs.iter().filter(|a| a.path().is_ident("doc")) {
        if let Meta::NameValue(nv) = &a.meta
            && let syn::Expr::Lit(syn::ExprLit { lit: Lit::Str(s), .. }) = &nv.value {
                for line in s.value().lines() {
                    let line = line.strip_prefix(' ').unwrap_or(line);
                    out.push_str(&format!("{indent}///{}{line}\n", if line.is_empty() { "" } else { " " }));
                }
            }
    }
    out
}

fn open_enum(e: &ItemEnum) -> Option<String> {
    let mut text = format!("open_enum! {{\n{}    pub enum {} {{\n", doc_lines(&e.attrs, "    "), e.ident);
    for v in &e.variants {
        let wire = wire_name(v)?;
        text.push_str(&doc_lines(&v.attrs, "        "));
        // `Unknown` is the fallback variant; a listed value of that name (OpenRouter lists
        // `"unknown"` in a few enums) becomes `UnknownValue`.
        let ident = if v.ident == "Unknown" { "UnknownValue".to_string() } else { v.ident.to_string() };
        text.push_str(&format!("        {ident} = {wire:?},\n"));
    }
    text.push_str("    }\n}\n");
    Some(text)
}

/// The `tagged_union!` invocation, and the `From` impls of its boxed members (each item needs
/// the union's `cfg`, which the caller adds).
fn tagged_union(name: &str, union: &TaggedUnion, sizes: &TypeSizes) -> (String, Vec<String>) {
    let tag = &union.tag;
    let doc = union.description.clone().unwrap_or_else(|| format!("`{name}`: told apart by `{tag}`."));
    let doc_attr: syn::Attribute = syn::parse_quote!(#[doc = #doc]);
    let mut text = format!(
        "tagged_union! {{\n{}    pub enum {} (tag = {:?}) {{\n",
        doc_lines(&[doc_attr], "    "),
        rust_type_name(name),
        tag,
    );
    if !union.strings.is_empty() {
        text.push_str("        @strings {\n");
        for (name, value) in &union.strings {
            text.push_str(&format!("            {name} = {value:?},\n"));
        }
        text.push_str("        }\n");
    }
    let mut boxed_from = Vec::new();
    for v in &union.variants {
        let values: Vec<String> = v.values.iter().map(|x| format!("{x:?}")).collect();
        let member = rust_type_name(&v.schema);
        // A large member is boxed: the union is as big as its largest member, and every small
        // event (a text delta) would otherwise be copied at the size of the whole response.
        let ty = if sizes.of(&member) > BOX_ABOVE {
            boxed_from.push(format!(
                "impl ::std::convert::From<{member}> for {union} {{\n    fn from(value: {member}) -> Self {{\n        Self::{}(Box::new(value))\n    }}\n}}\n",
                v.name,
                union = rust_type_name(name)
            ));
            format!("Box<{member}>")
        } else {
            member
        };
        text.push_str(&format!("        {}({}) => {ty},\n", v.name, values.join(" | ")));
    }
    if let Some(f) = &union.fallback {
        text.push_str(&format!("        _ => {}({}),\n", f.name, rust_type_name(&f.schema)));
    }
    text.push_str("    }\n}\n");
    (text, boxed_from)
}

/// The type an impl block is for, when it is a plain path.
fn impl_target(imp: &syn::ItemImpl) -> Option<String> {
    match &*imp.self_ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// typify impls for enums that `open_enum!` provides itself.
fn replaced_impl(imp: &syn::ItemImpl) -> bool {
    let Some((path, _)) = &imp.trait_ else { return false };
    let last = path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
    matches!(last.as_str(), "Display" | "FromStr" | "TryFrom")
}

/// What each struct's `type` property accepts: `[values]`, `[values | absent]` or `[any]`.
fn member_tags(items: &[Item], enum_values: &BTreeMap<String, Vec<String>>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for item in items {
        let Item::Struct(s) = item else { continue };
        let Fields::Named(fields) = &s.fields else { continue };
        let tag = fields.named.iter().find(|f| field_wire_name(f) == "type");
        let accepts = match tag {
            None => "any".to_string(),
            Some(f) => {
                let optional = is_option(&f.ty);
                let inner = if optional { option_inner(&f.ty) } else { Some(&f.ty) };
                let enum_name = inner.and_then(|t| match t {
                    syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
                    _ => None,
                });
                match enum_name.and_then(|n| enum_values.get(&n)) {
                    Some(values) if !values.is_empty() => {
                        let list: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
                        if optional { format!("{} | absent", list.join(" | ")) } else { list.join(" | ") }
                    }
                    _ => "any".to_string(),
                }
            }
        };
        out.insert(s.ident.to_string(), accepts);
    }
    out
}

fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let syn::PathArguments::AngleBracketed(args) = &p.path.segments.last()?.arguments else { return None };
    match args.args.first()? {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    }
}

/// An untagged union with a member that is a struct: drop its derived `Deserialize`, add a `Raw`
/// variant when none holds JSON already, and return the `faithful_union!` that replaces it.
/// Unions of plain values (`String | Vec<String>`) keep serde's: such a value cannot be
/// reinterpreted.
fn faithful_union(e: &mut ItemEnum, tags: &BTreeMap<String, String>) -> Option<String> {
    if !is_serde_container_attr(e, "untagged") || !has_derive(e, "Deserialize") {
        return None;
    }
    let mut members = Vec::new();
    for v in &e.variants {
        let Fields::Unnamed(f) = &v.fields else { return None };
        if f.unnamed.len() != 1 {
            return None;
        }
        let ty = &f.unnamed[0].ty;
        let name = match ty {
            syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default(),
            _ => String::new(),
        };
        members.push((v.ident.to_string(), name, ty.to_token_stream().to_string()));
    }
    if !members.iter().any(|(_, name, _)| tags.contains_key(name)) {
        return None;
    }
    if !drop_derived_deserialize(&mut e.attrs) {
        return None;
    }
    let raw = match members.iter().find(|(_, _, ty)| ty.replace(' ', "").ends_with("serde_json::Value")) {
        Some((variant, _, _)) => variant.clone(),
        None => {
            e.variants.push(syn::parse_quote! {
                /// A value no member holds exactly as given, kept as sent.
                Raw(::serde_json::Value)
            });
            "Raw".to_string()
        }
    };
    let mut text = format!("faithful_union! {{\n    {} raw {raw} {{\n", e.ident);
    for (variant, name, ty) in members.iter().filter(|(v, _, _)| *v != raw) {
        let accepts = tags.get(name).map_or("any", String::as_str);
        text.push_str(&format!("        {variant} [{accepts}] => {},\n", ty.replace(' ', "")));
    }
    text.push_str("    }\n}\n");
    Some(text)
}

/// A field's name on the wire: its `#[serde(rename)]`, else its identifier.
fn field_wire_name(f: &syn::Field) -> String {
    serde_field_attrs(&f.attrs)
        .rename
        .unwrap_or_else(|| f.ident.as_ref().map(|i| i.to_string().trim_start_matches("r#").to_string()).unwrap_or_default())
}

/// The paths of an item's `#[derive(…)]`.
fn derives(attrs: &[syn::Attribute]) -> Vec<syn::Path> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .filter_map(|a| a.parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated).ok())
        .flatten()
        .collect()
}

fn has_derive_of(attrs: &[syn::Attribute], name: &str) -> bool {
    derives(attrs).iter().any(|p| p.segments.last().is_some_and(|s| s.ident == name))
}

/// Remove `Deserialize` from the derives (a macro provides the impl instead); whether it was there.
fn drop_derived_deserialize(attrs: &mut Vec<syn::Attribute>) -> bool {
    if !has_derive_of(attrs, "Deserialize") {
        return false;
    }
    let kept: Vec<syn::Path> = derives(attrs).into_iter().filter(|p| p.segments.last().is_none_or(|s| s.ident != "Deserialize")).collect();
    let mut first = true;
    attrs.retain_mut(|a| {
        if !a.path().is_ident("derive") {
            return true;
        }
        // The first derive takes the kept list in its place (attribute order unchanged).
        let keep = std::mem::take(&mut first);
        if keep {
            *a = syn::parse_quote!(#[derive(#(#kept),*)]);
        }
        keep
    });
    true
}

/// Union members larger than this many bytes are boxed.
const BOX_ABOVE: usize = 384;

/// Rough in-memory sizes of the generated types, from their fields (what a union member costs to
/// move). Estimates, not `size_of`: only the order of magnitude decides what is boxed.
struct TypeSizes {
    sizes: std::cell::RefCell<BTreeMap<String, usize>>,
    structs: BTreeMap<String, Vec<syn::Type>>,
    enums: BTreeMap<String, Vec<Vec<syn::Type>>>,
    unions: BTreeMap<String, Vec<String>>,
}

impl TypeSizes {
    fn new(items: &[Item], unions: &BTreeMap<String, TaggedUnion>) -> Self {
        let mut structs = BTreeMap::new();
        let mut enums = BTreeMap::new();
        for item in items {
            match item {
                Item::Struct(s) => {
                    structs.insert(s.ident.to_string(), s.fields.iter().map(|f| f.ty.clone()).collect());
                }
                Item::Enum(e) => {
                    let variants = e.variants.iter().map(|v| v.fields.iter().map(|f| f.ty.clone()).collect()).collect();
                    enums.insert(e.ident.to_string(), variants);
                }
                _ => {}
            }
        }
        let unions = unions.iter().map(|(n, u)| (rust_type_name(n), u.variants.iter().map(|v| rust_type_name(&v.schema)).collect())).collect();
        Self { sizes: Default::default(), structs, enums, unions }
    }

    /// The size of a named type (open enums and unknown names: a `String`'s 24 bytes).
    fn of(&self, name: &str) -> usize {
        if let Some(&n) = self.sizes.borrow().get(name) {
            return n;
        }
        // Recursion goes through a `Vec` or `Box` (fixed size), so a cycle stops here.
        self.sizes.borrow_mut().insert(name.to_string(), 24);
        let n = if let Some(fields) = self.structs.get(name) {
            fields.iter().map(|t| self.of_type(t)).sum::<usize>().max(1)
        } else if let Some(variants) = self.enums.get(name) {
            8 + variants.iter().map(|fs| fs.iter().map(|t| self.of_type(t)).sum::<usize>()).max().unwrap_or(0)
        } else if let Some(members) = self.unions.get(name) {
            8 + members.iter().map(|m| self.of(m)).filter(|&m| m <= BOX_ABOVE).max().unwrap_or(32).max(32)
        } else {
            24
        };
        self.sizes.borrow_mut().insert(name.to_string(), n);
        n
    }

    fn of_type(&self, ty: &syn::Type) -> usize {
        let syn::Type::Path(p) = ty else { return 16 };
        let Some(last) = p.path.segments.last() else { return 16 };
        match last.ident.to_string().as_str() {
            "Option" => option_inner(ty).map_or(8, |t| self.of_type(t) + 8),
            "Vec" | "String" => 24,
            "Box" | "Extra" => 8,
            "HashMap" | "Map" => 48,
            "Value" => 32,
            "i64" | "u64" | "f64" => 8,
            "i32" | "u32" | "f32" => 4,
            "bool" | "u8" | "i8" => 1,
            name => self.of(name),
        }
    }
}

/// A struct with named fields that derives `Deserialize`: drop the derive and return the
/// `lean_deserialize!` invocation that replaces it (see `templates/support.rs` for why).
fn lean_deserialize(s: &mut syn::ItemStruct) -> Option<String> {
    if !has_derive_of(&s.attrs, "Deserialize") {
        return None;
    }
    let Fields::Named(fields) = &mut s.fields else { return None };
    // Unknown fields go to an `Extra` (one pointer while empty) rather than a `serde_json::Map`.
    let json_map: syn::Type = syn::parse_quote!(::serde_json::Map<::std::string::String, ::serde_json::Value>);
    for f in fields.named.iter_mut() {
        if serde_field_attrs(&f.attrs).flatten && f.ty == json_map {
            f.ty = syn::parse_quote!(crate::Extra);
        }
    }
    let mut lines = Vec::new();
    let mut extra = None;
    for f in &fields.named {
        let ident = f.ident.as_ref()?.to_string();
        let attrs = serde_field_attrs(&f.attrs);
        if attrs.flatten {
            if extra.is_some() {
                return None;
            }
            extra = Some(format!("{ident}: {}", f.ty.to_token_stream()));
            continue;
        }
        let wire = field_wire_name(f);
        let kind = if is_option(&f.ty) {
            "opt".to_string()
        } else if let Some(path) = attrs.default_with {
            format!("default_with({path})")
        } else if attrs.default {
            "default".to_string()
        } else {
            "req".to_string()
        };
        lines.push(format!("        {ident}: {wire:?} => {kind},\n"));
    }
    if !drop_derived_deserialize(&mut s.attrs) {
        return None;
    }
    let mut text = format!("lean_deserialize! {{\n    {} {{\n", s.ident);
    for l in lines {
        text.push_str(&l);
    }
    text.push_str("    }\n");
    if let Some(e) = extra {
        text.push_str(&format!("    extra {e}\n"));
    }
    text.push_str("}\n");
    Some(text)
}

/// A struct whose every field is optional or a collection (`Option`, `Vec`, a map, `Extra`)
/// gets `Default`: its empty value, built in place with plain stores. The client's request
/// builders start from it on every call (a derived `Clone` of a prototype branches once per
/// field, and a chat request has 45), and callers get `..Default::default()`. A struct with a
/// hand-written or typify `Default` is left alone. Whether one was added.
fn derive_default(s: &mut syn::ItemStruct, defaulted: &BTreeSet<String>) -> bool {
    let Fields::Named(fields) = &s.fields else { return false };
    let defaultable = |ty: &syn::Type| {
        matches!(ty, syn::Type::Path(p) if p.qself.is_none()
            && p.path.segments.last().is_some_and(|s| ["Option", "Vec", "HashMap", "BTreeMap", "Map", "Extra"].iter().any(|n| s.ident == n)))
    };
    if fields.named.is_empty()
        || !fields.named.iter().all(|f| defaultable(&f.ty))
        || has_derive_of(&s.attrs, "Default")
        || defaulted.contains(&s.ident.to_string())
    {
        return false;
    }
    let Some(derive) = s.attrs.iter_mut().find(|a| a.path().is_ident("derive")) else { return false };
    let mut paths: Vec<syn::Path> = derives(std::slice::from_ref(derive));
    paths.push(syn::parse_quote!(Default));
    *derive = syn::parse_quote!(#[derive(#(#paths),*)]);
    true
}

#[derive(Default)]
struct SerdeFieldAttrs {
    flatten: bool,
    rename: Option<String>,
    default: bool,
    default_with: Option<String>,
}

fn serde_field_attrs(attrs: &[syn::Attribute]) -> SerdeFieldAttrs {
    let mut out = SerdeFieldAttrs::default();
    for a in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = a.parse_nested_meta(|m| {
            if m.path.is_ident("flatten") {
                out.flatten = true;
            } else if m.path.is_ident("rename") {
                if let Lit::Str(s) = m.value()?.parse::<Lit>()? {
                    out.rename = Some(s.value());
                }
            } else if m.path.is_ident("default") {
                if m.input.peek(syn::Token![=]) {
                    if let Lit::Str(s) = m.value()?.parse::<Lit>()? {
                        out.default_with = Some(s.value());
                    }
                } else {
                    out.default = true;
                }
            } else if m.input.peek(syn::Token![=]) {
                let _ = m.value()?.parse::<Lit>()?;
            }
            Ok(())
        });
    }
    out
}

fn is_option(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.qself.is_none() && p.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalise::UnionVariant;

    #[test]
    fn opens_string_enums_and_drops_their_conversions() {
        let tokens = quote! {
            pub mod types {
                #[doc = "Why it stopped"]
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug)]
                pub enum FinishReason {
                    #[serde(rename = "stop")]
                    Stop,
                    #[serde(rename = "tool_calls")]
                    ToolCalls,
                }
                impl ::std::fmt::Display for FinishReason { fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { todo!() } }
                impl ::std::convert::TryFrom<&str> for FinishReason { type Error = (); fn try_from(v: &str) -> Result<Self, ()> { todo!() } }
                impl ::std::default::Default for FinishReason { fn default() -> Self { FinishReason::Stop } }
                #[derive(::serde::Deserialize)]
                #[serde(untagged)]
                pub enum Either { A(String), B(i64) }
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                pub enum Format { #[serde(rename = "unknown")] Unknown, #[serde(rename = "v1")] V1 }
            }
            pub struct Client;
            impl Client { pub fn new() -> Self { Client } pub fn new_with_client() {} }
        };
        let unions = BTreeMap::from([("Chat_Message".to_string(), TaggedUnion {
            tag: "role".into(),
            description: None,
            strings: vec![],
            fallback: None,
            stream_payload: false,
            variants: vec![UnionVariant { name: "User".into(), schema: "ChatUserMessage".into(), values: vec!["user".into()] }],
        })]);
        let out = rewrite(tokens, &unions, &BTreeSet::new()).unwrap();
        let types = render(out.types);
        assert_eq!(out.open_enums, 2);
        assert!(types.contains("        UnknownValue = \"unknown\",\n"), "the fallback keeps its name: {types}");
        assert!(types.contains("open_enum! {"), "{types}");
        assert!(types.contains(r#"ToolCalls = "tool_calls","#), "{types}");
        assert!(!types.contains("TryFrom") && !types.contains("Display"), "{types}");
        assert!(types.contains("impl ::std::default::Default for FinishReason"), "{types}");
        assert!(types.contains("pub enum Either"), "untagged unions stay: {types}");
        assert!(types.contains("tagged_union! {\n    /// `Chat_Message`: told apart by `role`.\n    pub enum ChatMessage (tag = \"role\") {\n        User(\"user\") => ChatUserMessage,\n    }\n}"), "{types}");
        assert!(types.contains("open_enum! {\n    /// Why it stopped\n    pub enum FinishReason {\n        Stop = \"stop\",\n"), "{types}");
        let client = prettyplease::unparse(&out.client);
        assert!(!client.contains("fn new()") && client.contains("fn new_with_client"), "{client}");
    }

    #[test]
    fn only_structs_of_optional_fields_and_collections_get_default() {
        let tokens = quote! {
            pub mod types {
                #[derive(::serde::Serialize, Clone, Debug)]
                pub struct Request {
                    pub model: ::std::option::Option<::std::string::String>,
                    pub messages: ::std::vec::Vec<::std::string::String>,
                    pub metadata: ::std::collections::HashMap<::std::string::String, ::std::string::String>,
                    #[serde(flatten)]
                    pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                }
                #[derive(::serde::Serialize, Clone, Debug)]
                pub struct Required {
                    pub id: ::std::string::String,
                    pub note: ::std::option::Option<::std::string::String>,
                }
                #[derive(::serde::Serialize, Clone, Debug)]
                pub struct OwnDefault {
                    pub note: ::std::option::Option<::std::string::String>,
                }
                impl ::std::default::Default for OwnDefault {
                    fn default() -> Self { OwnDefault { note: Some("x".into()) } }
                }
            }
        };
        let out = rewrite(tokens, &BTreeMap::new(), &BTreeSet::new()).unwrap();
        let types = render(out.types);
        assert_eq!(out.default_structs, 1, "{types}");
        assert!(types.contains("#[derive(::serde::Serialize, Clone, Debug, Default)]\npub struct Request"), "{types}");
        assert!(types.contains("#[derive(::serde::Serialize, Clone, Debug)]\npub struct Required"), "{types}");
        assert!(types.contains("#[derive(::serde::Serialize, Clone, Debug)]\npub struct OwnDefault"), "{types}");
    }

    #[test]
    fn type_names_follow_typify() {
        assert_eq!(rust_type_name("Preview_WebSearchServerTool"), "PreviewWebSearchServerTool");
        assert_eq!(rust_type_name("OpenAIFileDeleted"), "OpenAiFileDeleted");
    }
}
