//! `edit add|set|remove label|annotation`: `commonLabels`, `commonAnnotations` and the
//! `labels` list.
//!
//! Grammar from kustomize/commands/edit/add/addmetadata.go, set/setlabel.go,
//! set/setannotation.go and remove/removemetadata.go; arguments are parsed by
//! kustomize/commands/internal/util/util.go `ConvertSliceToMap`.
//!
//! Departures: kustomize's CLI validates no key or value (api/internal/validate/
//! fieldvalidator.go is a stub), so a label the API server will refuse is only found at apply
//! time; here keys are checked as qualified names and label values as label values, at edit
//! time. Adding a key with the value it already has is a no-op rather than the "already in
//! kustomization file" error, so an edit can be repeated. `remove annotation` says
//! "annotation" where kustomize says "label" (its `newCmdRemoveAnnotation` sets the wrong kind).

use crate::error::{Error, ErrorKind, Result};
use crate::yaml::node::{Entry, Mapping, Node, Scalar};

use super::splice::{Doc, Step};

/// Which metadata an edit changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetadataKind {
    /// `commonLabels` (or `labels` without selectors).
    Label,
    /// `commonAnnotations`.
    Annotation,
}

impl MetadataKind {
    fn noun(self) -> &'static str {
        match self {
            MetadataKind::Label => "label",
            MetadataKind::Annotation => "annotation",
        }
    }

    fn field(self) -> &'static str {
        match self {
            MetadataKind::Label => "commonLabels",
            MetadataKind::Annotation => "commonAnnotations",
        }
    }
}

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Kustomization, message)
}

/// Parses `key:value` arguments (`ConvertSliceToMap`): no colon means an empty value, a
/// value in double quotes loses them, a later key wins. Keys are checked as Kubernetes
/// qualified names, and label values as label values.
pub fn parse_pairs(kind: MetadataKind, args: &[String]) -> Result<Vec<(String, String)>> {
    if args.is_empty() {
        return Err(invalid(format!("must specify {}", kind.noun())));
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for arg in args {
        let (k, v) = match arg.find(':') {
            Some(0) => {
                return Err(invalid(format!(
                    "invalid {}: '{arg}' (need k:v pair where v may be quoted)",
                    kind.noun()
                )));
            }
            None => (arg.as_str(), ""),
            Some(c) => {
                let v = &arg[c + 1..];
                let v = if v.len() >= 2 && v.starts_with('"') && v.ends_with('"') {
                    &v[1..v.len() - 1]
                } else {
                    v
                };
                (&arg[..c], v)
            }
        };
        check_key(kind, k)?;
        if kind == MetadataKind::Label {
            check_label_value(k, v)?;
        }
        match out.iter_mut().find(|(ek, _)| ek == k) {
            Some(slot) => slot.1 = v.to_owned(),
            None => out.push((k.to_owned(), v.to_owned())),
        }
    }
    Ok(out)
}

/// Parses the one comma-separated argument of `remove label|annotation`
/// (removemetadata.go `validateAndParse`).
pub fn parse_keys(kind: MetadataKind, args: &[String]) -> Result<Vec<String>> {
    let [arg] = args else {
        return Err(invalid(if args.is_empty() {
            format!("must specify {}", kind.noun())
        } else {
            format!("{}s must be comma-separated, with no spaces", kind.noun())
        }));
    };
    let mut keys = Vec::new();
    for k in arg.split(',') {
        if k.is_empty() {
            return Err(invalid(format!(
                "invalid {}: '' (name is empty)",
                kind.noun()
            )));
        }
        check_key(kind, k)?;
        keys.push(k.to_owned());
    }
    Ok(keys)
}

/// apimachinery's `IsQualifiedName`: an optional DNS-1123 subdomain prefix and `/`, then a
/// name of at most 63 alphanumerics, `-`, `_` and `.`, starting and ending alphanumeric.
fn check_key(kind: MetadataKind, key: &str) -> Result<()> {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    let name_ok = !name.is_empty() && name.len() <= 63 && is_label_like(name);
    let prefix_ok = prefix.is_none_or(|p| {
        !p.is_empty()
            && p.len() <= 253
            && p.split('.').all(|part| {
                !part.is_empty()
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                    && !part.starts_with('-')
                    && !part.ends_with('-')
            })
    });
    if name_ok && prefix_ok {
        Ok(())
    } else {
        Err(invalid(format!(
            "invalid {} key {key:?}: must be a qualified name (an optional DNS subdomain \
             prefix and '/', then at most 63 alphanumeric characters, '-', '_' or '.', \
             starting and ending with an alphanumeric character)",
            kind.noun()
        )))
    }
}

/// apimachinery's `IsValidLabelValue`.
fn check_label_value(key: &str, value: &str) -> Result<()> {
    if value.is_empty() || (value.len() <= 63 && is_label_like(value)) {
        Ok(())
    } else {
        Err(invalid(format!(
            "invalid label value {value:?} for {key:?}: must be at most 63 alphanumeric \
             characters, '-', '_' or '.', starting and ending with an alphanumeric character"
        )))
    }
}

fn is_label_like(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        && b.first().is_some_and(u8::is_ascii_alphanumeric)
        && b.last().is_some_and(u8::is_ascii_alphanumeric)
}

/// Sets `key: value` (a string) in the mapping at `map`, creating the mapping as a top-level
/// field when `map` is a missing or null top-level key.
fn put(doc: &mut Doc, map: &[Step], key: &str, value: &str) -> Result<()> {
    match doc.get(map) {
        Some(n) if n.as_mapping().is_some() => doc.set_scalar(map, key, value, true, false),
        Some(n) if !n.is_null() => Err(doc.error_at(map, "expected a mapping of strings")),
        _ => {
            let [Step::Key(field)] = map else {
                return Err(doc.error_at(map, "expected a mapping of strings"));
            };
            let field = field.clone();
            doc.remove_entry(&[], &field)?;
            let m = Mapping {
                entries: vec![Entry {
                    key: Node::string(key),
                    value: Node::string(value),
                }],
            };
            doc.insert_entry(&[], &field, &Node::mapping(m), true)
        }
    }
}

fn has_key(doc: &Doc, map: &[Step], key: &str) -> bool {
    doc.get(map)
        .and_then(Node::as_mapping)
        .is_some_and(|m| m.get(key).is_some())
}

/// `add label|annotation` (addmetadata.go).
pub(crate) fn add(
    doc: &mut Doc,
    kind: MetadataKind,
    pairs: &[(String, String)],
    force: bool,
    without_selector: bool,
    include_templates: bool,
) -> Result<()> {
    if include_templates && !without_selector {
        return Err(invalid(
            "--without-selector flag must be specified for --include-templates to work",
        ));
    }
    if kind == MetadataKind::Label && without_selector {
        return add_to_labels(doc, pairs, force, include_templates);
    }
    let map = [Step::Key(kind.field().into())];
    for (k, v) in pairs {
        let same = doc.get(&map).and_then(|m| m.get_str(&[k])) == Some(v.as_str());
        if same {
            // Unlike kustomize, adding what is already there is a no-op, not an error.
            continue;
        }
        if has_key(doc, &map, k) && !force {
            return Err(invalid(format!(
                "{} {k} already in kustomization file. Use --force to override.",
                kind.noun()
            )));
        }
        put(doc, &map, k, v)?;
    }
    Ok(())
}

/// `add label --without-selector`: into the first `labels` entry with the same settings
/// (`includeSelectors` off, `includeTemplates` as asked), or a new one (addmetadata.go
/// `writeToLabels`).
fn add_to_labels(
    doc: &mut Doc,
    pairs: &[(String, String)],
    force: bool,
    include_templates: bool,
) -> Result<()> {
    let labels = [Step::Key("labels".into())];
    for (k, v) in pairs {
        let is_true = |n: &Node, f: &str| n.get_str(&[f]) == Some("true");
        let found = doc
            .get(&labels)
            .and_then(Node::as_sequence)
            .and_then(|items| {
                items.iter().position(|l| {
                    !is_true(l, "includeSelectors")
                        && is_true(l, "includeTemplates") == include_templates
                })
            });
        match found {
            Some(i) => {
                let pairs_path = [
                    Step::Key("labels".into()),
                    Step::Index(i),
                    Step::Key("pairs".into()),
                ];
                let same = doc.get(&pairs_path).and_then(|m| m.get_str(&[k])) == Some(v.as_str());
                if same {
                    continue;
                }
                if has_key(doc, &pairs_path, k) && !force {
                    return Err(invalid(format!(
                        "label {k} already in kustomization file. Use --force to override."
                    )));
                }
                if doc.get(&pairs_path).and_then(Node::as_mapping).is_some() {
                    doc.set_scalar(&pairs_path, k, v, true, false)?;
                } else {
                    let item = [Step::Key("labels".into()), Step::Index(i)];
                    doc.remove_entry(&item, "pairs")?;
                    let m = Mapping {
                        entries: vec![Entry {
                            key: Node::string(k.clone()),
                            value: Node::string(v.clone()),
                        }],
                    };
                    doc.insert_entry(&item, "pairs", &Node::mapping(m), false)?;
                }
            }
            None => {
                let mut entry = Mapping::new();
                entry.entries.push(Entry {
                    key: Node::string("pairs"),
                    value: Node::mapping(Mapping {
                        entries: vec![Entry {
                            key: Node::string(k.clone()),
                            value: Node::string(v.clone()),
                        }],
                    }),
                });
                if include_templates {
                    entry.entries.push(Entry {
                        key: Node::string("includeTemplates"),
                        value: Node::scalar(Scalar::plain("true")),
                    });
                }
                let node = Node::mapping(entry);
                match doc.get(&labels).and_then(Node::as_sequence) {
                    Some(items) => {
                        let at = items.len();
                        doc.insert_item(&labels, at, &node)?;
                    }
                    None => {
                        doc.remove_entry(&[], "labels")?;
                        doc.insert_entry(&[], "labels", &Node::sequence(vec![node]), true)?;
                    }
                }
            }
        }
    }
    Ok(())
}

/// `set label|annotation`: add or overwrite (setlabel.go, setannotation.go).
pub(crate) fn set(doc: &mut Doc, kind: MetadataKind, pairs: &[(String, String)]) -> Result<()> {
    let map = [Step::Key(kind.field().into())];
    for (k, v) in pairs {
        put(doc, &map, k, v)?;
    }
    Ok(())
}

/// `remove label|annotation` (removemetadata.go): a missing key or field is an error unless
/// `ignore_missing`; an emptied field goes.
pub(crate) fn remove(
    doc: &mut Doc,
    kind: MetadataKind,
    keys: &[String],
    ignore_missing: bool,
) -> Result<()> {
    let field = kind.field();
    let map = [Step::Key(field.into())];
    if doc.get(&map).and_then(Node::as_mapping).is_none() && !ignore_missing {
        return Err(invalid(format!(
            "{field} is not defined in kustomization file"
        )));
    }
    let mut removed = false;
    for k in keys {
        let hit = doc.remove_entry(&map, k)?;
        removed |= hit;
        if !hit && !ignore_missing {
            return Err(invalid(format!(
                "{} {k} is not defined in kustomization file",
                kind.noun()
            )));
        }
    }
    if removed
        && doc
            .get(&map)
            .and_then(Node::as_mapping)
            .is_some_and(Mapping::is_empty)
    {
        doc.remove_entry(&[], field)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::testutil::{BASE, lacks_fields, once, run, same_fields};
    use crate::edit::{Edit, apply};

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| (*s).to_owned()).collect()
    }

    fn add(kind: MetadataKind, a: &[&str], force: bool) -> Edit {
        Edit::AddMetadata {
            kind,
            pairs: parse_pairs(kind, &args(a)).unwrap(),
            force,
            without_selector: false,
            include_templates: false,
        }
    }

    /// kustomize/commands/edit/add/addmetadata_test.go, annotation tests.
    #[test]
    fn kustomize_add_annotation_cases() {
        use MetadataKind::Annotation as A;
        // TestAddAnnotationValueQuoted, TestAddAnnotationValueWithColon.
        same_fields(
            &run(BASE, &add(A, &["k1:\"v1\""], false)),
            "commonAnnotations:\n  k1: v1",
        );
        same_fields(
            &run(BASE, &add(A, &["k1:\"v1:v2\""], false)),
            "commonAnnotations:\n  k1: v1:v2",
        );
        // TestAddAnnotationValueWithComma: the value is kept whole.
        let v = "{\"k1\":\"v1\",\"k2\":\"v2\"}";
        let out = run(BASE, &add(A, &[&format!("test:{v}")], false));
        same_fields(&out, &format!("commonAnnotations:\n  test: '{v}'"));
        // TestAddAnnotationTooManyColons, TestAddAnnotationNoValue, TestAddAnnotationManyArgs.
        same_fields(
            &run(BASE, &add(A, &["key:v1:v2"], false)),
            "commonAnnotations:\n  key: v1:v2",
        );
        same_fields(
            &run(BASE, &add(A, &["no:,value"], false)),
            "commonAnnotations:\n  no: ',value'",
        );
        same_fields(
            &run(BASE, &add(A, &["k1:v1,k2:v2,k3:v3,k4:v5"], false)),
            "commonAnnotations:\n  k1: v1,k2:v2,k3:v3,k4:v5",
        );
        // TestAddAnnotationMultipleArgs.
        same_fields(
            &run(BASE, &add(A, &["this:annotation", "has:spaces"], false)),
            "commonAnnotations:\n  this: annotation\n  has: spaces",
        );
        // TestAddAnnotationNoKey, TestAddAnnotationNoArgs.
        let e = parse_pairs(A, &args(&[":nokey"])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid annotation: ':nokey' (need k:v pair where v may be quoted)"
        );
        assert_eq!(
            parse_pairs(A, &[]).unwrap_err().to_string(),
            "must specify annotation"
        );
        // TestAddAnnotationForce.
        let out = run(BASE, &add(A, &["key:foo"], false));
        let e = apply("k", &out, &add(A, &["key:bar"], false)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "annotation key already in kustomization file. Use --force to override."
        );
        same_fields(
            &run(&out, &add(A, &["key:bar"], true)),
            "commonAnnotations:\n  key: bar",
        );
    }

    /// addmetadata_test.go, label tests and `TestAddLabelWithoutSelector`-style table
    /// (`addLabels` with `labelsWithoutSelector`).
    #[test]
    fn kustomize_add_label_cases() {
        use MetadataKind::Label as L;
        // TestRunAddLabel / TestAddLabelMultipleArgs: into the existing commonLabels.
        same_fields(
            &run(BASE, &add(L, &["owls:cute", "otters:adorable"], false)),
            "commonLabels:\n  app: helloworld\n  owls: cute\n  otters: adorable",
        );
        // TestAddLabelForce.
        let e = apply("k", BASE, &add(L, &["app:other"], false)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "label app already in kustomization file. Use --force to override."
        );
        same_fields(
            &run(BASE, &add(L, &["app:other"], true)),
            "commonLabels:\n  app: other",
        );
        let without = |a: &[&str], force, templates| Edit::AddMetadata {
            kind: L,
            pairs: parse_pairs(L, &args(a)).unwrap(),
            force,
            without_selector: true,
            include_templates: templates,
        };
        // "add to empty labels", "add to empty labels with IncludeTemplates".
        same_fields(
            &run(BASE, &without(&["new:label"], false, false)),
            "labels:\n- pairs:\n    new: label",
        );
        same_fields(
            &run(BASE, &without(&["new:label"], false, true)),
            "labels:\n- pairs:\n    new: label\n  includeTemplates: true",
        );
        let one = "labels:\n- pairs:\n    key1: old-value1\n";
        // "overwrite label requires force".
        let e = apply("k", one, &without(&["key1:new-value1"], false, false)).unwrap_err();
        assert!(
            e.to_string()
                .contains("label key1 already in kustomization file"),
            "{e}"
        );
        // "overwrite and add label".
        same_fields(
            &run(
                one,
                &without(&["key1:new-value1", "key2:value2"], true, false),
            ),
            "labels:\n- pairs:\n    key1: new-value1\n    key2: value2",
        );
        // "overwrite label with same settings".
        let two = "labels:\n- pairs:\n    key: old-value\n- includeTemplates: true\n  pairs:\n    key: old-value\n";
        same_fields(
            &run(two, &without(&["key:new-value"], true, true)),
            "labels:\n- pairs:\n    key: old-value\n- includeTemplates: true\n  pairs:\n    key: new-value",
        );
        // --include-templates needs --without-selector.
        let bad = Edit::AddMetadata {
            kind: L,
            pairs: vec![("a".into(), "b".into())],
            force: false,
            without_selector: false,
            include_templates: true,
        };
        let e = apply("k", BASE, &bad).unwrap_err();
        assert_eq!(
            e.to_string(),
            "--without-selector flag must be specified for --include-templates to work"
        );
    }

    /// set/setlabel_test.go and set/setannotation_test.go: set overwrites without --force.
    #[test]
    fn kustomize_set_metadata_cases() {
        let set = |kind, a: &[&str]| Edit::SetMetadata {
            kind,
            pairs: parse_pairs(kind, &args(a)).unwrap(),
        };
        same_fields(
            &run(
                BASE,
                &set(MetadataKind::Label, &["app:newvalue", "env:prod"]),
            ),
            "commonLabels:\n  app: newvalue\n  env: prod",
        );
        same_fields(
            &run(BASE, &set(MetadataKind::Annotation, &["note:hello"])),
            "commonAnnotations:\n  note: hello",
        );
    }

    /// remove/removemetadata_test.go.
    #[test]
    fn kustomize_remove_metadata_cases() {
        let file = "commonLabels:\n  label1: a\n  label2: b\n  label3: c\n";
        let remove = |kind, arg: &[&str], ignore| Edit::RemoveMetadata {
            kind,
            keys: parse_keys(kind, &args(arg)).unwrap(),
            ignore_missing: ignore,
        };
        // TestRemoveLabel: the named keys go, the rest stay.
        same_fields(
            &once(
                file,
                &remove(MetadataKind::Label, &["label1,label2"], false),
            ),
            "commonLabels:\n  label3: c",
        );
        // Removing every key drops the field.
        lacks_fields(
            &once(
                file,
                &remove(MetadataKind::Label, &["label1,label2,label3"], false),
            ),
            &["commonLabels"],
        );
        // TestRemoveLabelNoDefinedLabels / TestRemoveAnnotationNoDefinedAnnotations.
        let e = apply(
            "k",
            "resources: []\n",
            &remove(MetadataKind::Label, &["label1"], false),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "commonLabels is not defined in kustomization file"
        );
        let e = apply(
            "k",
            "resources: []\n",
            &remove(MetadataKind::Annotation, &["a"], false),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "commonAnnotations is not defined in kustomization file"
        );
        // A missing key is an error unless --ignore-non-existence.
        let e = apply("k", file, &remove(MetadataKind::Label, &["label9"], false)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "label label9 is not defined in kustomization file"
        );
        assert_eq!(
            run(file, &remove(MetadataKind::Label, &["label9"], true)),
            file
        );
        // TestRemoveLabelMultipleArgs, TestRemoveLabelNoArgs.
        let e = parse_keys(MetadataKind::Label, &args(&["label1", "label2"])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "labels must be comma-separated, with no spaces"
        );
        let e = parse_keys(MetadataKind::Label, &[]).unwrap_err();
        assert_eq!(e.to_string(), "must specify label");
    }

    #[test]
    fn parses_pairs_as_convert_slice_to_map() {
        // kustomize/commands/internal/util/util_test.go TestConvertSliceToMap.
        let args: Vec<String> = ["a:b", "c:\"d\"", "e", "a:z"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let got = parse_pairs(MetadataKind::Annotation, &args).unwrap();
        assert_eq!(
            got,
            vec![
                ("a".to_owned(), "z".to_owned()),
                ("c".to_owned(), "d".to_owned()),
                ("e".to_owned(), String::new()),
            ]
        );
        let err = parse_pairs(MetadataKind::Label, &[":v".to_owned()]).unwrap_err();
        assert!(err.to_string().contains("invalid label: ':v'"), "{err}");
    }

    #[test]
    fn rejects_keys_kubernetes_rejects() {
        for bad in ["-a:b", "a/:b", "UPPER.example/x:y", "a b:c"] {
            assert!(
                parse_pairs(MetadataKind::Label, &[bad.to_owned()]).is_err(),
                "{bad}"
            );
        }
        assert!(parse_pairs(MetadataKind::Label, &["k:bad value".to_owned()]).is_err());
        // Annotation values are free text.
        assert!(parse_pairs(MetadataKind::Annotation, &["k:any value".to_owned()]).is_ok());
    }
}
