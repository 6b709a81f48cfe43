//! `edit add|set|remove configmap|secret`: `configMapGenerator` and `secretGenerator` entries.
//!
//! Grammar from kustomize/commands/internal/util/configmapSecretFlagsAndArgs.go (`ValidateAdd`,
//! `ValidateSet`, `MergeFlagsIntoGeneratorArgs`, `UpdateLiteralSources`) and
//! kustomize/commands/edit/{add/addconfigmap.go, add/addsecret.go, set/setconfigmap.go,
//! remove/removeconfigmap.go}. An entry is found by name and namespace, where no namespace and
//! `default` are the same (util.go `NamespaceEqual`).
//!
//! Departures, each keeping the render the same: a literal, file or env source already in the
//! entry is not added twice (so repeating an `add` changes nothing, where kustomize appends a
//! duplicate key that the next build rejects), and global `generatorOptions` are not copied
//! into the entry (kustomize's `MergeGlobalOptionsIntoLocal` does, with the same effect).

use crate::error::{Error, ErrorKind, Result};
use crate::yaml::node::{Entry, Mapping, Node, Scalar};

use super::splice::{Doc, Step};

/// ConfigMaps or Secrets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GeneratorKind {
    /// `configMapGenerator`.
    ConfigMap,
    /// `secretGenerator`.
    Secret,
}

impl GeneratorKind {
    fn field(self) -> &'static str {
        match self {
            GeneratorKind::ConfigMap => "configMapGenerator",
            GeneratorKind::Secret => "secretGenerator",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            GeneratorKind::ConfigMap => "configmap",
            GeneratorKind::Secret => "secret",
        }
    }

    fn title(self) -> &'static str {
        match self {
            GeneratorKind::ConfigMap => "ConfigMap",
            GeneratorKind::Secret => "Secret",
        }
    }
}

/// An `add` or `set` of a configmap or secret, with kustomize's flags.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct GeneratorEdit {
    /// ConfigMap or Secret (`None` is read as ConfigMap).
    pub kind: Option<GeneratorKind>,
    /// `set` rather than `add`.
    pub set: bool,
    /// The generator's name (the one positional argument).
    pub name: String,
    /// `--namespace`.
    pub namespace: String,
    /// `--from-literal` values, `key=value`.
    pub literals: Vec<String>,
    /// `--from-file` values, `[key=]path`, globs already expanded.
    pub files: Vec<String>,
    /// `--from-env-file`.
    pub env_file: String,
    /// `--behavior`.
    pub behavior: String,
    /// `--disableNameSuffixHash`.
    pub disable_name_suffix_hash: bool,
    /// `--type` (secrets).
    pub secret_type: String,
    /// `--new-namespace` (set).
    pub new_namespace: String,
}

impl GeneratorEdit {
    /// Returns an `add` (or, with `set`, a `set`) of the generator `name` of `kind`.
    pub fn new(kind: GeneratorKind, name: impl Into<String>, set: bool) -> GeneratorEdit {
        GeneratorEdit {
            kind: Some(kind),
            set,
            name: name.into(),
            ..GeneratorEdit::default()
        }
    }

    fn kind(&self) -> GeneratorKind {
        self.kind.unwrap_or(GeneratorKind::ConfigMap)
    }
}

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Kustomization, message)
}

fn namespace_equal(a: &str, b: &str) -> bool {
    let norm = |s: &str| if s.is_empty() { "default" } else { s }.to_owned();
    norm(a) == norm(b)
}

/// Checks a `key=value` literal (`validateAndExtractLiteralSource`).
fn split_literal(lit: &str) -> Result<(&str, &str)> {
    if lit.matches('=').count() != 1 {
        return Err(invalid(
            "invalid format: literal values must be specified in the key=value format",
        ));
    }
    Ok(lit.split_once('=').unwrap_or((lit, "")))
}

/// Applies an `add` or `set`.
pub(crate) fn apply(doc: &mut Doc, g: &GeneratorEdit) -> Result<()> {
    if g.set { set(doc, g) } else { add(doc, g) }
}

fn find(doc: &Doc, kind: GeneratorKind, name: &str, namespace: &str) -> Option<usize> {
    doc.get(&[Step::Key(kind.field().into())])
        .and_then(Node::as_sequence)?
        .iter()
        .position(|e| {
            e.get_str(&["name"]) == Some(name)
                && namespace_equal(e.get_str(&["namespace"]).unwrap_or(""), namespace)
        })
}

fn add(doc: &mut Doc, g: &GeneratorEdit) -> Result<()> {
    if g.env_file.is_empty() && g.files.is_empty() && g.literals.is_empty() {
        return Err(invalid(
            "at least from-env-file, or from-file or from-literal must be set",
        ));
    }
    if !g.env_file.is_empty() && (!g.files.is_empty() || !g.literals.is_empty()) {
        return Err(invalid(
            "from-env-file cannot be combined with from-file or from-literal",
        ));
    }
    if !g.behavior.is_empty() && !matches!(g.behavior.as_str(), "create" | "merge" | "replace") {
        return Err(invalid(
            r#"invalid behavior: must be one of "create", "merge", or "replace""#,
        ));
    }
    for l in &g.literals {
        split_literal(l)?;
    }
    let kind = g.kind();
    let field = kind.field();
    let list = [Step::Key(field.into())];
    let index = match find(doc, kind, &g.name, &g.namespace) {
        Some(i) => i,
        None => {
            let mut m = Mapping::new();
            let mut push = |k: &str, v: Node| {
                m.entries.push(Entry {
                    key: Node::string(k),
                    value: v,
                });
            };
            push("name", Node::string(g.name.clone()));
            if !g.namespace.is_empty() {
                push("namespace", Node::string(g.namespace.clone()));
            }
            if kind == GeneratorKind::Secret && !g.secret_type.is_empty() {
                push("type", Node::string(g.secret_type.clone()));
            }
            let node = Node::mapping(m);
            match doc.get(&list).and_then(Node::as_sequence) {
                Some(items) => {
                    let at = items.len();
                    doc.insert_item(&list, at, &node)?;
                    at
                }
                None => {
                    if doc.get(&list).is_some_and(|n| !n.is_null()) {
                        return Err(doc.error_at(&list, format!("{field} must be a list")));
                    }
                    doc.remove_entry(&[], field)?;
                    doc.insert_entry(&[], field, &Node::sequence(vec![node]), true)?;
                    0
                }
            }
        }
    };
    let item = [Step::Key(field.into()), Step::Index(index)];
    if !g.behavior.is_empty() {
        doc.set_scalar(&item, "behavior", &g.behavior, true, false)?;
    }
    append_unique(doc, &item, "literals", &g.literals)?;
    append_unique(doc, &item, "files", &g.files)?;
    if !g.env_file.is_empty() {
        append_unique(doc, &item, "envs", std::slice::from_ref(&g.env_file))?;
    }
    if g.disable_name_suffix_hash {
        // kustomize replaces the entry's options with exactly this.
        let mut path = item.to_vec();
        path.push(Step::Key("options".into()));
        let already = doc.get(&path).is_some_and(|o| {
            o.as_mapping().is_some_and(|m| m.len() == 1)
                && o.get_str(&["disableNameSuffixHash"]) == Some("true")
        });
        if !already {
            doc.remove_entry(&item, "options")?;
            let m = Mapping {
                entries: vec![Entry {
                    key: Node::string("disableNameSuffixHash"),
                    value: Node::scalar(Scalar::plain("true")),
                }],
            };
            doc.insert_entry(&item, "options", &Node::mapping(m), false)?;
        }
    }
    Ok(())
}

/// Appends to the string list `key` of the mapping at `item` whatever of `values` it lacks.
fn append_unique(doc: &mut Doc, item: &[Step], key: &str, values: &[String]) -> Result<()> {
    let mut path = item.to_vec();
    path.push(Step::Key(key.into()));
    for v in values {
        match doc.get(&path) {
            Some(n) if n.as_sequence().is_some() => {
                let items = n.as_sequence().map(Vec::as_slice).unwrap_or(&[]);
                if items.iter().any(|i| i.as_str() == Some(v.as_str())) {
                    continue;
                }
                let at = items.len();
                doc.insert_item(&path, at, &Node::string(v.clone()))?;
            }
            Some(n) if !n.is_null() => {
                return Err(doc.error_at(&path, format!("{key} must be a list")));
            }
            _ => {
                doc.remove_entry(item, key)?;
                doc.insert_entry(
                    item,
                    key,
                    &Node::sequence(vec![Node::string(v.clone())]),
                    false,
                )?;
            }
        }
    }
    Ok(())
}

fn set(doc: &mut Doc, g: &GeneratorEdit) -> Result<()> {
    if g.literals.is_empty() && g.new_namespace.is_empty() {
        return Err(invalid(
            "at least one of [--from-literal, --new-namespace] must be specified",
        ));
    }
    let kind = g.kind();
    let field = kind.field();
    let Some(index) = find(doc, kind, &g.name, &g.namespace) else {
        return Err(invalid(format!(
            "could not set new {} value: unable to find {} with name {:?}",
            kind.title(),
            kind.title(),
            g.name
        )));
    };
    let item = [Step::Key(field.into()), Step::Index(index)];
    let lits = {
        let mut p = item.to_vec();
        p.push(Step::Key("literals".into()));
        p
    };
    for l in &g.literals {
        let (key, _) = split_literal(l)?;
        let existing: Vec<String> = doc
            .get(&lits)
            .and_then(Node::as_sequence)
            .map(|v| {
                v.iter()
                    .filter_map(|n| n.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let Some(pos) = existing
            .iter()
            .position(|e| e.split_once('=').map(|(k, _)| k) == Some(key))
        else {
            return Err(invalid(format!(
                "failed to update literal sources: key '{key}' not found in resource"
            )));
        };
        if existing[pos] != *l {
            doc.set_item_scalar(&lits, pos, l)?;
        }
    }
    if !g.new_namespace.is_empty() {
        doc.set_scalar(&item, "namespace", &g.new_namespace, true, false)?;
    }
    Ok(())
}

/// `remove configmap|secret NAME[,NAME]`: at least one must exist; the others are warnings
/// (removeconfigmap.go `RunRemoveConfigMap`).
pub(crate) fn remove(
    doc: &mut Doc,
    kind: GeneratorKind,
    names: &[String],
    namespace: &str,
    warnings: &mut Vec<String>,
) -> Result<()> {
    let field = kind.field();
    let list = [Step::Key(field.into())];
    let mut found: Vec<&String> = Vec::new();
    loop {
        let hit = doc
            .get(&list)
            .and_then(Node::as_sequence)
            .and_then(|items| {
                items.iter().enumerate().find_map(|(i, e)| {
                    let name = e.get_str(&["name"])?;
                    let n = names.iter().find(|n| n.as_str() == name)?;
                    namespace_equal(e.get_str(&["namespace"]).unwrap_or(""), namespace)
                        .then_some((i, n))
                })
            });
        let Some((i, n)) = hit else { break };
        doc.remove_item(&list, i)?;
        found.push(n);
    }
    if found.is_empty() {
        return Err(invalid(format!(
            "no specified {}(s) were found in the kustomization.yaml file",
            kind.noun()
        )));
    }
    for n in names {
        if !found.contains(&n) {
            warnings.push(format!(
                "{} {n} doesn't exist in kustomization file",
                kind.noun()
            ));
        }
    }
    if doc
        .get(&list)
        .and_then(Node::as_sequence)
        .is_some_and(Vec::is_empty)
    {
        doc.remove_entry(&[], field)?;
    }
    Ok(())
}
