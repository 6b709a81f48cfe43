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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::testutil::{BASE, lacks_fields, run, same_fields, same_fields_in};
    use crate::edit::{Edit, apply};

    fn add_cm(name: &str, namespace: &str, literals: &[&str]) -> Edit {
        let mut g = GeneratorEdit::new(GeneratorKind::ConfigMap, name, false);
        g.namespace = namespace.to_owned();
        g.literals = literals.iter().map(|s| (*s).to_owned()).collect();
        Edit::Generator(g)
    }

    fn set_cm(name: &str, namespace: &str, literals: &[&str], new_ns: &str) -> Edit {
        let mut g = GeneratorEdit::new(GeneratorKind::ConfigMap, name, true);
        g.namespace = namespace.to_owned();
        g.literals = literals.iter().map(|s| (*s).to_owned()).collect();
        g.new_namespace = new_ns.to_owned();
        Edit::Generator(g)
    }

    /// kustomize/commands/edit/add/addconfigmap_test.go `TestEditAddConfigMapNamespaced`.
    #[test]
    fn kustomize_add_configmap_namespaced() {
        let head = "---\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n";
        let cases = [
            (
                "adds new key to configmap when default namespace matches empty",
                "default",
                "configMapGenerator:\n- literals:\n  - key=value\n  name: test-cm\n",
                "configMapGenerator:\n- literals:\n  - key=value\n  - key1=value1\n  name: test-cm\n",
            ),
            (
                "adds new key to configmap when empty namespace matches default",
                "",
                "configMapGenerator:\n- literals:\n  - key=value\n  name: test-cm\n  namespace: default\n",
                "configMapGenerator:\n- literals:\n  - key=value\n  - key1=value1\n  name: test-cm\n  namespace: default\n",
            ),
            (
                "creates a new generator when namespaces don't match",
                "",
                "configMapGenerator:\n- literals:\n  - key=value\n  name: test-cm\n  namespace: ns1\n",
                "configMapGenerator:\n- literals:\n  - key=value\n  name: test-cm\n  namespace: ns1\n- literals:\n  - key1=value1\n  name: test-cm\n",
            ),
        ];
        for (case, ns, file, want) in cases {
            let got = run(
                &format!("{head}{file}"),
                &add_cm("test-cm", ns, &["key1=value1"]),
            );
            same_fields_in(case, &got, want);
        }
    }

    /// addconfigmap_test.go `TestMergeFlagsIntoConfigMapArgs_*`, `TestEditAddConfigMapWith*`
    /// and configmapSecretFlagsAndArgs_test.go `TestDataValidation_*`-style argument checks.
    #[test]
    fn kustomize_add_configmap_sources_and_checks() {
        let mut g = GeneratorEdit::new(GeneratorKind::ConfigMap, "foo", false);
        g.namespace = "test-ns".into();
        g.literals = vec!["k1=v1".into()];
        g.behavior = "create".into();
        let out = run(BASE, &Edit::Generator(g.clone()));
        g.literals = vec!["k2=v2".into()];
        g.behavior = "merge".into();
        g.files = vec!["file1".into()];
        let out = run(&out, &Edit::Generator(g.clone()));
        same_fields(
            &out,
            "configMapGenerator:\n- name: foo\n  namespace: test-ns\n  behavior: merge\n  literals:\n  - k1=v1\n  - k2=v2\n  files:\n  - file1\n",
        );
        let mut e = GeneratorEdit::new(GeneratorKind::ConfigMap, "env", false);
        e.env_file = "env1".into();
        e.disable_name_suffix_hash = true;
        same_fields(
            &run(BASE, &Edit::Generator(e.clone())),
            "configMapGenerator:\n- name: env\n  envs:\n  - env1\n  options:\n    disableNameSuffixHash: true\n",
        );
        let errs = [
            (
                GeneratorEdit::new(GeneratorKind::ConfigMap, "x", false),
                "at least from-env-file, or from-file or from-literal must be set",
            ),
            (
                GeneratorEdit {
                    literals: vec!["a=b".into()],
                    ..e.clone()
                },
                "from-env-file cannot be combined with from-file or from-literal",
            ),
            (
                GeneratorEdit {
                    literals: vec!["a=b".into()],
                    behavior: "bogus".into(),
                    ..GeneratorEdit::new(GeneratorKind::ConfigMap, "x", false)
                },
                r#"invalid behavior: must be one of "create", "merge", or "replace""#,
            ),
            (
                GeneratorEdit {
                    literals: vec!["novalue".into()],
                    ..GeneratorEdit::new(GeneratorKind::ConfigMap, "x", false)
                },
                "literal values must be specified in the key=value format",
            ),
        ];
        for (g, want) in errs {
            let err = apply("k", BASE, &Edit::Generator(g)).unwrap_err();
            assert!(err.to_string().contains(want), "{err}");
        }
    }

    /// kustomize/commands/edit/set/setconfigmap_test.go `TestSuccessCasesEditSetConfigMap` and
    /// `TestFailureCasesEditSetConfigMap`.
    #[test]
    fn kustomize_set_configmap_cases() {
        let head = "\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n";
        let two = format!(
            "{head}configMapGenerator:\n- literals:\n  - a-key=a-value\n  - key1=val1\n  name: test-cm\n- literals:\n  - another-key=another-value\n  - key1=value-from-cm-2\n  name: test-cm-2\n  namespace: another-ns\n"
        );
        // "set a value successfully".
        same_fields(
            &run(&two, &set_cm("test-cm", "", &["key1=val2"], "")),
            "configMapGenerator:\n- literals:\n  - a-key=a-value\n  - key1=val2\n  name: test-cm\n- literals:\n  - another-key=another-value\n  - key1=value-from-cm-2\n  name: test-cm-2\n  namespace: another-ns\n",
        );
        // "successfully update namespace of target configmap" (with and without default).
        let ns = format!(
            "{head}configMapGenerator:\n- literals:\n  - yet-another-key=value\n  name: test-cm\n  namespace: test-ns\n"
        );
        same_fields(
            &apply("k", &ns, &set_cm("test-cm", "test-ns", &[], "test-new-ns"))
                .unwrap()
                .text,
            "configMapGenerator:\n- literals:\n  - yet-another-key=value\n  name: test-cm\n  namespace: test-new-ns\n",
        );
        let none = format!(
            "{head}configMapGenerator:\n- literals:\n  - found-key=found-value\n  name: test-cm\n"
        );
        same_fields(
            &apply(
                "k",
                &none,
                &set_cm("test-cm", "default", &[], "test-new-ns"),
            )
            .unwrap()
            .text,
            "configMapGenerator:\n- literals:\n  - found-key=found-value\n  name: test-cm\n  namespace: test-new-ns\n",
        );
        let fails = [
            (
                two.clone(),
                set_cm("test-cm", "", &["test-key=test-value"], ""),
                "key 'test-key' not found in resource",
            ),
            (
                two.clone(),
                set_cm("test-cm2", "", &["test-key=test-value"], ""),
                "unable to find ConfigMap with name \"test-cm2\"",
            ),
            (
                two.clone(),
                set_cm("test-cm", "test-ns", &[], ""),
                "at least one of [--from-literal, --new-namespace] must be specified",
            ),
            (
                two.clone(),
                set_cm("test-cm", "", &["value"], ""),
                "literal values must be specified in the key=value format",
            ),
            (
                format!("{head}configMapGenerator: []\n"),
                set_cm("test-cm", "", &["value"], ""),
                "unable to find ConfigMap with name \"test-cm\"",
            ),
        ];
        for (file, edit, want) in fails {
            let err = apply("k", &file, &edit).unwrap_err();
            assert!(err.to_string().contains(want), "{err}");
        }
    }

    /// remove/removeconfigmap_test.go and removesecret_test.go.
    #[test]
    fn kustomize_remove_generator_cases() {
        let file = "secretGenerator:\n- name: a\n  literals:\n  - k=v\n- name: b\n  namespace: ns\n  literals:\n  - k=v\n- name: c\n  literals:\n  - k=v\n";
        let remove = |names: &[&str], ns: &str| Edit::RemoveGenerators {
            kind: GeneratorKind::Secret,
            names: names.iter().map(|s| (*s).to_owned()).collect(),
            namespace: ns.to_owned(),
        };
        let out = apply("k", file, &remove(&["a", "nope"], "")).unwrap();
        same_fields(
            &out.text,
            "secretGenerator:\n- name: b\n  namespace: ns\n  literals:\n  - k=v\n- name: c\n  literals:\n  - k=v\n",
        );
        assert_eq!(
            out.warnings,
            ["secret nope doesn't exist in kustomization file"]
        );
        // A name in another namespace does not match.
        let err = apply("k", file, &remove(&["b"], "")).unwrap_err();
        assert!(
            err.to_string()
                .contains("no specified secret(s) were found"),
            "{err}"
        );
        let out = apply("k", file, &remove(&["a", "c"], "default"))
            .unwrap()
            .text;
        let out = apply("k", &out, &remove(&["b"], "ns")).unwrap().text;
        lacks_fields(&out, &["secretGenerator"]);
    }

    /// set/setsecret_test.go `TestSuccessCasesEditSetSecret` and
    /// `TestFailureCasesEditSetSecret`: as for ConfigMaps, with "Secret" in the messages.
    #[test]
    fn kustomize_set_secret_cases() {
        let file = "\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nsecretGenerator:\n- literals:\n  - random-key=random-value\n  - key1=value\n  name: test-secret\n  type: Opaque\n";
        let set = |name: &str, ns: &str, lits: &[&str], new_ns: &str| {
            let mut g = GeneratorEdit::new(GeneratorKind::Secret, name, true);
            g.namespace = ns.to_owned();
            g.literals = lits.iter().map(|s| (*s).to_owned()).collect();
            g.new_namespace = new_ns.to_owned();
            Edit::Generator(g)
        };
        // "set a value successfully" (kustomize compares the literals as a set).
        same_fields(
            &run(file, &set("test-secret", "", &["key1=val2"], "")),
            "secretGenerator:\n- literals:\n  - random-key=random-value\n  - key1=val2\n  name: test-secret\n  type: Opaque\n",
        );
        // "successfully update literal source ... namespace specified in command".
        same_fields(
            &run(file, &set("test-secret", "default", &["key1=val2"], "")),
            "secretGenerator:\n- literals:\n  - random-key=random-value\n  - key1=val2\n  name: test-secret\n  type: Opaque\n",
        );
        let fails = [
            (
                set("test-secret", "", &["key3=val2"], ""),
                "key 'key3' not found in resource",
            ),
            (
                set("test-secret2", "", &["key3=val2"], ""),
                "unable to find Secret with name \"test-secret2\"",
            ),
            (
                set("test-secret", "test-ns", &[], ""),
                "at least one of [--from-literal, --new-namespace] must be specified",
            ),
        ];
        for (edit, want) in fails {
            let err = apply("k", file, &edit).unwrap_err();
            assert!(err.to_string().contains(want), "{err}");
        }
    }

    #[test]
    fn add_secret_with_type() {
        // add/addsecret_test.go: a new entry carries --type.
        let mut g = GeneratorEdit::new(GeneratorKind::Secret, "tls", false);
        g.files = vec!["tls.crt".into(), "tls.key".into()];
        g.secret_type = "kubernetes.io/tls".into();
        same_fields(
            &run(BASE, &Edit::Generator(g)),
            "secretGenerator:\n- name: tls\n  type: kubernetes.io/tls\n  files:\n  - tls.crt\n  - tls.key\n",
        );
    }
}
