//! `fieldspecs/defaultconfig.yaml` → `generated/field_specs.rs`.
//!
//! The file is kustomize's `GetDefaultFieldSpecs()` at master: one top-level key per Go constant,
//! each a list of `{path, group?, version?, kind?, create?}` (`nameReference`: a list of
//! `{kind, group?, version?, fieldSpecs}`). Categories and entries keep the file's order.

use std::fmt::Write as _;

use crate::rust::{header, lit};
use crate::yaml::{self, Yaml};

/// The source file, relative to `shared/reference/`.
pub const SOURCE: &str = "fieldspecs/defaultconfig.yaml";

/// Top-level keys of `defaultconfig.yaml`, with the `DefaultFieldSpecs` field each fills, in the
/// order the struct declares them. A key not listed here fails codegen: a new upstream constant
/// needs a field in `crates/strata/src/schema/mod.rs` first.
const CATEGORIES: &[(&str, &str)] = &[
    ("namePrefix", "name_prefix"),
    ("nameSuffix", "name_suffix"),
    ("commonLabels", "common_labels"),
    ("templateLabels", "template_labels"),
    ("volumeClaimTemplateLabels", "volume_claim_template_labels"),
    ("commonAnnotations", "common_annotations"),
    ("namespace", "namespace"),
    ("varReference", "var_reference"),
    ("nameReference", "name_reference"),
    ("images", "images"),
    ("replicas", "replicas"),
];

/// One field spec as written in the file (absent keys are empty / false).
#[derive(Debug, Default, PartialEq)]
struct Spec {
    group: String,
    version: String,
    kind: String,
    path: String,
    create: bool,
}

/// One `nameReference` entry: the referenced kind and where its name is used.
#[derive(Debug, Default, PartialEq)]
struct NameRef {
    kind: String,
    group: String,
    version: String,
    specs: Vec<Spec>,
}

enum Category {
    Specs(Vec<Spec>),
    NameRefs(Vec<NameRef>),
}

/// Parses `defaultconfig.yaml` and returns the Rust source of `field_specs.rs` (unformatted).
pub fn generate(text: &str) -> Result<String, String> {
    let categories = parse(text)?;
    Ok(render(&categories))
}

fn parse(text: &str) -> Result<Vec<(&'static str, &'static str, Category)>, String> {
    let root = yaml::parse(SOURCE, text)?;
    let Yaml::Map(entries) = root else {
        return Err(format!(
            "{SOURCE}: expected a mapping, found {}",
            root.kind()
        ));
    };
    let mut out = Vec::new();
    for (key, value) in &entries {
        let &(yaml_key, field) = CATEGORIES.iter().find(|(k, _)| k == key).ok_or_else(|| {
            format!("{SOURCE}: unknown category {key:?}; add it to DefaultFieldSpecs")
        })?;
        let Yaml::Seq(items) = value else {
            return Err(format!("{SOURCE}: {key}: expected a list"));
        };
        let category = if yaml_key == "nameReference" {
            let refs = items
                .iter()
                .enumerate()
                .map(|(i, item)| name_ref(item).map_err(|e| format!("{SOURCE}: {key}[{i}]: {e}")))
                .collect::<Result<_, _>>()?;
            Category::NameRefs(refs)
        } else {
            let specs = items
                .iter()
                .enumerate()
                .map(|(i, item)| spec(item).map_err(|e| format!("{SOURCE}: {key}[{i}]: {e}")))
                .collect::<Result<_, _>>()?;
            Category::Specs(specs)
        };
        out.push((yaml_key, field, category));
    }
    for (key, _) in CATEGORIES {
        if !out.iter().any(|(k, _, _)| k == key) {
            return Err(format!("{SOURCE}: category {key:?} is missing"));
        }
    }
    Ok(out)
}

fn scalar<'a>(key: &str, value: &'a Yaml) -> Result<&'a str, String> {
    match value {
        Yaml::Scalar(text) => Ok(text),
        other => Err(format!("{key}: expected a scalar, found {}", other.kind())),
    }
}

fn spec(item: &Yaml) -> Result<Spec, String> {
    let Yaml::Map(entries) = item else {
        return Err(format!("expected a mapping, found {}", item.kind()));
    };
    let mut spec = Spec::default();
    for (key, value) in entries {
        let text = scalar(key, value)?;
        match key.as_str() {
            "group" => spec.group = text.to_owned(),
            "version" => spec.version = text.to_owned(),
            "kind" => spec.kind = text.to_owned(),
            "path" => spec.path = text.to_owned(),
            // Go reads these through sigs.k8s.io/yaml; only the two spellings the file uses
            // are accepted, so an unusual one is looked at rather than guessed.
            "create" => {
                spec.create = match text {
                    "true" => true,
                    "false" => false,
                    other => {
                        return Err(format!("create: expected true or false, found {other:?}"));
                    }
                }
            }
            other => return Err(format!("unknown key {other:?}")),
        }
    }
    if spec.path.is_empty() {
        return Err("path is missing".to_owned());
    }
    Ok(spec)
}

fn name_ref(item: &Yaml) -> Result<NameRef, String> {
    let Yaml::Map(entries) = item else {
        return Err(format!("expected a mapping, found {}", item.kind()));
    };
    let mut out = NameRef::default();
    let mut seen_specs = false;
    for (key, value) in entries {
        match key.as_str() {
            "kind" => out.kind = scalar(key, value)?.to_owned(),
            "group" => out.group = scalar(key, value)?.to_owned(),
            "version" => out.version = scalar(key, value)?.to_owned(),
            "fieldSpecs" => {
                let Yaml::Seq(items) = value else {
                    return Err("fieldSpecs: expected a list".to_owned());
                };
                out.specs = items
                    .iter()
                    .enumerate()
                    .map(|(i, s)| spec(s).map_err(|e| format!("fieldSpecs[{i}]: {e}")))
                    .collect::<Result<_, _>>()?;
                seen_specs = true;
            }
            other => return Err(format!("unknown key {other:?}")),
        }
    }
    if out.kind.is_empty() || !seen_specs {
        return Err("kind and fieldSpecs are required".to_owned());
    }
    Ok(out)
}

fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn static_name(field: &str) -> String {
    field.to_ascii_uppercase()
}

fn render_spec(out: &mut String, spec: &Spec) {
    let _ = writeln!(
        out,
        "FieldSpec {{ group: {}, version: {}, kind: {}, path: {}, create: {} }},",
        lit(&spec.group),
        lit(&spec.version),
        lit(&spec.kind),
        lit(&spec.path),
        spec.create
    );
}

fn render(categories: &[(&'static str, &'static str, Category)]) -> String {
    let mut out = header(&[SOURCE]);
    out.push_str(
        "//! Kustomize's default field specs (`GetDefaultFieldSpecs`, \
         api/internal/konfig/builtinpluginconsts at master), in file order.\n\n\
         use crate::schema::{DefaultFieldSpecs, FieldSpec, NameReference};\n\n",
    );
    out.push_str("/// Every category of `defaultconfig.yaml`.\n");
    out.push_str(
        "pub(crate) static DEFAULT_FIELD_SPECS: DefaultFieldSpecs = DefaultFieldSpecs {\n",
    );
    for (_, field) in CATEGORIES {
        let _ = writeln!(out, "{field}: {},", static_name(field));
    }
    out.push_str("};\n");
    for (key, field, category) in categories {
        out.push('\n');
        match category {
            Category::Specs(specs) => {
                let _ = writeln!(out, "/// `{key}:` ({}).", count(specs.len(), "field spec"));
                let _ = writeln!(out, "static {}: &[FieldSpec] = &[", static_name(field));
                for spec in specs {
                    render_spec(&mut out, spec);
                }
            }
            Category::NameRefs(refs) => {
                let _ = writeln!(
                    out,
                    "/// `{key}:` ({}).",
                    count(refs.len(), "referenced kind")
                );
                let _ = writeln!(out, "static {}: &[NameReference] = &[", static_name(field));
                for r in refs {
                    let _ = writeln!(
                        out,
                        "NameReference {{ kind: {}, group: {}, version: {}, field_specs: &[",
                        lit(&r.kind),
                        lit(&r.group),
                        lit(&r.version)
                    );
                    for spec in &r.specs {
                        render_spec(&mut out, spec);
                    }
                    out.push_str("] },\n");
                }
            }
        }
        out.push_str("];\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_specs_and_name_references() {
        let mut text = String::new();
        for (key, _) in CATEGORIES {
            if *key == "nameReference" {
                text.push_str(
                    "nameReference:\n- kind: ConfigMap\n  version: v1\n  fieldSpecs:\n  \
                     - path: spec/volumes/configMap/name\n    version: v1\n    kind: Pod\n",
                );
            } else {
                text.push_str(&format!(
                    "{key}:\n- path: metadata/name\n  create: true\n\n"
                ));
            }
        }
        let parsed = parse(&text).expect("parses");
        assert_eq!(parsed.len(), CATEGORIES.len());
        let Category::Specs(prefix) = &parsed[0].2 else {
            panic!("namePrefix is a spec list")
        };
        assert_eq!(
            prefix[..],
            [Spec {
                path: "metadata/name".to_owned(),
                create: true,
                ..Spec::default()
            }]
        );
        let refs = parsed
            .iter()
            .find_map(|(_, _, c)| match c {
                Category::NameRefs(r) => Some(r),
                Category::Specs(_) => None,
            })
            .expect("nameReference");
        assert_eq!(refs[0].kind, "ConfigMap");
        assert_eq!(refs[0].specs[0].kind, "Pod");
    }

    #[test]
    fn rejects_unknown_keys_and_categories() {
        assert!(parse("bogus:\n- path: a\n").is_err());
        assert!(spec(&yaml::parse("t", "path: a\nwat: b\n").expect("yaml")).is_err());
        assert!(spec(&yaml::parse("t", "path: a\ncreate: yes\n").expect("yaml")).is_err());
    }
}
