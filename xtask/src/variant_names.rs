//! Names for the variants of typify's untagged unions.
//!
//! typify names a variant after its member when the member is a named type, and `Variant0..N`
//! otherwise (`CreateEmbeddingsBodyInput::Variant2(Vec<f64>)`). This renames each `VariantN`
//! after what it holds: `String`, `Number`, `Integer`, `Boolean`, `Object`, `NumberArray`, a named
//! type (minus the union's own name as prefix), … A name two variants would share stays
//! `VariantN`. Every path to a renamed variant (`Self::Variant2`, `Union::Variant2`) follows.

use std::collections::BTreeMap;

use syn::visit_mut::VisitMut;
use syn::{Fields, GenericArgument, Item, PathArguments, Type};

/// Rename in place; returns how many variants got a name.
pub fn rename(items: &mut [Item]) -> usize {
    let mut renames: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for item in items.iter_mut() {
        let Item::Enum(e) = item else { continue };
        let untagged = e.attrs.iter().any(|a| a.path().is_ident("serde") && quote::quote!(#a).to_string().contains("untagged"));
        if !untagged {
            continue;
        }
        let enum_name = e.ident.to_string();
        let mut proposed: Vec<(usize, String)> = Vec::new();
        for (i, v) in e.variants.iter().enumerate() {
            let old = v.ident.to_string();
            if !is_numbered(&old) {
                continue;
            }
            if let Fields::Unnamed(f) = &v.fields
                && let Some(field) = f.unnamed.first().filter(|_| f.unnamed.len() == 1)
                    && let Some(name) = name_for(&field.ty, &enum_name) {
                        proposed.push((i, name));
                    }
        }
        let existing: Vec<String> = e.variants.iter().map(|v| v.ident.to_string()).collect();
        let mut map = BTreeMap::new();
        for (i, name) in &proposed {
            let clash = proposed.iter().filter(|(_, n)| n == name).count() > 1 || existing.contains(name);
            if !clash {
                map.insert(existing[*i].clone(), name.clone());
            }
        }
        for v in e.variants.iter_mut() {
            if let Some(new) = map.get(&v.ident.to_string()) {
                v.ident = syn::Ident::new(new, v.ident.span());
            }
        }
        if !map.is_empty() {
            renames.insert(enum_name, map);
        }
    }
    let count = renames.values().map(BTreeMap::len).sum();
    let mut renamer = Renamer { renames: &renames, current_self: None };
    for item in items.iter_mut() {
        renamer.visit_item_mut(item);
    }
    count
}

fn is_numbered(ident: &str) -> bool {
    ident.strip_prefix("Variant").is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// What a member type is called as a variant.
fn name_for(ty: &Type, enum_name: &str) -> Option<String> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    let ident = last.ident.to_string();
    Some(match ident.as_str() {
        "String" => "String".into(),
        "f64" | "f32" => "Number".into(),
        "i64" | "i32" | "u64" | "u32" => "Integer".into(),
        "bool" => "Boolean".into(),
        "Map" | "HashMap" => "Object".into(),
        "Value" => "Any".into(),
        "Vec" => {
            let PathArguments::AngleBracketed(args) = &last.arguments else { return None };
            let Some(GenericArgument::Type(inner)) = args.args.first() else { return None };
            format!("{}Array", name_for(inner, enum_name)?)
        }
        named => {
            let rest = named.strip_prefix(enum_name).unwrap_or(named);
            if rest.is_empty() || rest.starts_with("Variant") { "Object".into() } else { rest.to_string() }
        }
    })
}

struct Renamer<'a> {
    renames: &'a BTreeMap<String, BTreeMap<String, String>>,
    current_self: Option<String>,
}

impl VisitMut for Renamer<'_> {
    fn visit_item_impl_mut(&mut self, imp: &mut syn::ItemImpl) {
        let previous = self.current_self.take();
        if let Type::Path(p) = &*imp.self_ty {
            self.current_self = p.path.segments.last().map(|s| s.ident.to_string());
        }
        syn::visit_mut::visit_item_impl_mut(self, imp);
        self.current_self = previous;
    }

    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        let n = path.segments.len();
        if n >= 2 {
            let owner = path.segments[n - 2].ident.to_string();
            let owner = if owner == "Self" { self.current_self.clone().unwrap_or_default() } else { owner };
            if let Some(map) = self.renames.get(&owner) {
                let last = &mut path.segments[n - 1].ident;
                if let Some(new) = map.get(&last.to_string()) {
                    *last = syn::Ident::new(new, last.span());
                }
            }
        }
        syn::visit_mut::visit_path_mut(self, path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_variants_after_what_they_hold() {
        let file: syn::File = syn::parse_quote! {
            #[serde(untagged)]
            pub enum Input {
                Variant0(::std::string::String),
                Variant1(::std::vec::Vec<f64>),
                Variant2(::std::vec::Vec<InputVariant2Item>),
                Variant3(InputImage),
                Variant4(i64),
                Variant5(i32),
            }
            impl ::std::convert::From<Vec<f64>> for Input {
                fn from(value: Vec<f64>) -> Self { Self::Variant1(value) }
            }
            fn f(x: Input) -> bool { match x { Input::Variant3(_) => true, _ => false } }
        };
        let mut items = file.items;
        assert_eq!(rename(&mut items), 4);
        let text = prettyplease::unparse(&syn::File { items, ..syn::parse_quote!() });
        for want in ["String(::std::string::String)", "NumberArray(::std::vec::Vec<f64>)", "ObjectArray(", "Image(InputImage)", "Self::NumberArray(value)", "Input::Image(_)"] {
            assert!(text.contains(want), "{want} in {text}");
        }
        // Two variants would both be `Integer`: both keep their numbers.
        assert!(text.contains("Variant4(i64)") && text.contains("Variant5(i32)"), "{text}");
    }
}
