//! `edit fix`: move deprecated fields to the ones that replace them, the fix the build's
//! deprecation warnings ask for.
//!
//! kustomize/commands/edit/fix/fix.go `RunFix` with api/types/kustomization.go
//! `FixKustomization` and `FixKustomizationPreMarshalling`: `bases` → `resources`, `imageTags`
//! → `images`, `patchesJson6902` and `patchesStrategicMerge` → `patches`, `commonLabels` →
//! `labels` (with `includeSelectors: true`, so the render is unchanged), and `apiVersion` /
//! `kind` filled in. kustomize tells a `patchesStrategicMerge` file from an inline patch by
//! trying to read it; this stage does no I/O, so an entry with a line break or `: ` is inline
//! and anything else a path (a patch file name has neither).
//!
//! `--vars` (vars → replacements) also rewrites the files that use the vars: see `vars`.

use crate::error::{Error, ErrorKind, Result};
use crate::yaml::node::{Entry, Mapping, Node, Scalar};

use super::splice::{Doc, Step};

fn key(k: &str) -> [Step; 1] {
    [Step::Key(k.into())]
}

/// Returns the items of the top-level list `field` (empty when missing or null).
fn items(doc: &Doc, field: &str) -> Vec<Node> {
    doc.get(&key(field))
        .and_then(Node::as_sequence)
        .cloned()
        .unwrap_or_default()
}

/// Appends `nodes` to the top-level list `field`, creating it when missing.
fn append(doc: &mut Doc, field: &str, nodes: Vec<Node>) -> Result<()> {
    if nodes.is_empty() {
        return Ok(());
    }
    match doc.get(&key(field)).and_then(Node::as_sequence) {
        Some(existing) => {
            for (at, n) in (existing.len()..).zip(nodes) {
                doc.insert_item(&key(field), at, &n)?;
            }
            Ok(())
        }
        None => {
            doc.remove_entry(&[], field)?;
            doc.insert_entry(&[], field, &Node::sequence(nodes), true)
        }
    }
}

/// Strips spans and comments so a moved node is written afresh in the file's style.
fn fresh(n: &Node) -> Node {
    match &n.kind {
        crate::yaml::NodeKind::Scalar(s) => {
            let mut s = s.clone();
            if s.style != crate::yaml::ScalarStyle::Plain {
                s = Scalar::string(s.text);
            }
            Node::scalar(s)
        }
        crate::yaml::NodeKind::Mapping(m) => Node::mapping(Mapping {
            entries: m
                .entries
                .iter()
                .map(|e| Entry {
                    key: fresh(&e.key),
                    value: fresh(&e.value),
                })
                .collect(),
        }),
        crate::yaml::NodeKind::Sequence(v) => Node::sequence(v.iter().map(fresh).collect()),
    }
}

/// Runs the fix.
pub(crate) fn fix(doc: &mut Doc, vars: bool, warnings: &mut Vec<String>) -> Result<()> {
    // commonLabels → labels, checked first so a conflict changes nothing.
    let common = doc.get(&key("commonLabels")).cloned();
    if let Some(m) = common.as_ref().and_then(Node::as_mapping) {
        for l in items(doc, "labels") {
            if let Some(pairs) = l.get_path(&["pairs"]).and_then(Node::as_mapping) {
                for (k, _) in pairs.iter() {
                    if m.get(k).is_some() {
                        return Err(Error::new(
                            ErrorKind::Kustomization,
                            format!("label name '{k}' exists in both commonLabels and labels"),
                        ));
                    }
                }
            }
        }
    }

    // bases → resources (skipping entries already there).
    let have: Vec<Option<String>> = items(doc, "resources")
        .iter()
        .map(|n| n.as_str().map(str::to_owned))
        .collect();
    let bases: Vec<Node> = items(doc, "bases")
        .iter()
        .filter(|b| {
            !have
                .iter()
                .flatten()
                .any(|h| Some(h.as_str()) == b.as_str())
        })
        .map(fresh)
        .collect();
    append(doc, "resources", bases)?;
    doc.remove_entry(&[], "bases")?;

    // imageTags → images.
    let tags = items(doc, "imageTags").iter().map(fresh).collect();
    append(doc, "images", tags)?;
    doc.remove_entry(&[], "imageTags")?;

    // patchesJson6902 → patches, then patchesStrategicMerge → patches.
    let json = items(doc, "patchesJson6902").iter().map(fresh).collect();
    append(doc, "patches", json)?;
    doc.remove_entry(&[], "patchesJson6902")?;
    let sm: Vec<Node> = items(doc, "patchesStrategicMerge")
        .iter()
        .filter_map(|p| {
            let text = p.as_str()?;
            let field = if text.contains('\n') || text.contains(": ") {
                "patch"
            } else {
                "path"
            };
            Some(Node::mapping(Mapping {
                entries: vec![Entry {
                    key: Node::string(field),
                    value: Node::string(text),
                }],
            }))
        })
        .collect();
    append(doc, "patches", sm)?;
    doc.remove_entry(&[], "patchesStrategicMerge")?;

    if let Some(m) = common.as_ref().and_then(Node::as_mapping) {
        if !m.is_empty() {
            let label = Node::mapping(Mapping {
                entries: vec![
                    Entry {
                        key: Node::string("pairs"),
                        value: fresh(&Node::mapping(m.clone())),
                    },
                    Entry {
                        key: Node::string("includeSelectors"),
                        value: Node::scalar(Scalar::plain("true")),
                    },
                ],
            });
            append(doc, "labels", vec![label])?;
        }
        doc.remove_entry(&[], "commonLabels")?;
    }

    // `FixKustomization`: fill in apiVersion and kind.
    let kind = doc
        .root()
        .get("kind")
        .and_then(Node::as_str)
        .unwrap_or("")
        .to_owned();
    if kind.is_empty() {
        doc.set_scalar(&[], "kind", "Kustomization", true, true)?;
    }
    if doc
        .root()
        .get("apiVersion")
        .and_then(Node::as_str)
        .unwrap_or("")
        .is_empty()
    {
        let v = if kind == "Component" {
            "kustomize.config.k8s.io/v1alpha1"
        } else {
            "kustomize.config.k8s.io/v1beta1"
        };
        doc.set_scalar(&[], "apiVersion", v, true, true)?;
    }
    if !vars && doc.get(&key("vars")).is_some() {
        warnings.push(
            "To convert vars -> replacements, run the command `edit fix --vars` (it rewrites \
             the files that use them; do it in a clean git checkout)"
                .to_owned(),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::edit::testutil::{run, same_file};
    use crate::edit::{Edit, apply};

    const FIX: Edit = Edit::Fix { vars: false };
    const HEAD: &str = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n";
    const INLINE: &str = "- |-\n  apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: nginx\n  spec:\n    template:\n      spec:\n        containers:\n          - name: nginx\n            image: nignx:latest\n";
    const INLINE_PATCH: &str = "- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: nginx\n    spec:\n      template:\n        spec:\n          containers:\n            - name: nginx\n              image: nignx:latest\n";

    /// kustomize/commands/edit/fix/fix_test.go `TestFixCommand` and `TestFix`.
    #[test]
    fn kustomize_fix_command_table() {
        let cases: Vec<(&str, String, String)> = vec![
            ("FixOutdatedPatchesFieldTitle",
             "patchesJson6902:\n- path: patch1.yaml\n  target:\n    kind: Service\n- path: patch2.yaml\n  target:\n    group: apps\n    kind: Deployment\n    version: v1\n".into(),
             format!("{HEAD}patches:\n- path: patch1.yaml\n  target:\n    kind: Service\n- path: patch2.yaml\n  target:\n    group: apps\n    kind: Deployment\n    version: v1\n")),
            ("TestRenameAndKeepOutdatedPatchesField",
             "patchesJson6902:\n- path: patch1.yaml\n  target:\n    kind: Deployment\npatches:\n- path: patch2.yaml\n  target:\n    kind: Deployment\n- path: patch3.yaml\n  target:\n    kind: Service\n".into(),
             format!("patches:\n- path: patch2.yaml\n  target:\n    kind: Deployment\n- path: patch3.yaml\n  target:\n    kind: Service\n- path: patch1.yaml\n  target:\n    kind: Deployment\n{HEAD}")),
            ("TestFixOutdatedPatchesStrategicMergeFieldTitle",
             format!("patchesStrategicMerge:\n{INLINE}"),
             format!("{HEAD}patches:\n{INLINE_PATCH}")),
            ("TestFixAndMergeOutdatedPatchesStrategicMergeFieldTitle",
             format!("patchesStrategicMerge:\n{INLINE}patches:\n- path: patch2.yaml\n  target:\n    kind: Deployment\n"),
             format!("patches:\n- path: patch2.yaml\n  target:\n    kind: Deployment\n{INLINE_PATCH}{HEAD}")),
            ("TestFixOutdatedPatchesStrategicMergeToPathFieldTitle",
             "patchesStrategicMerge:\n- deploy.yaml\n".into(),
             format!("{HEAD}patches:\n- path: deploy.yaml\n")),
            ("Test fix outdated patchesStrategicMerge and patchesJson6902",
             "patchesStrategicMerge:\n- deploy.yaml\npatchesJson6902:\n- path: patch1.yaml\n  target:\n    kind: Deployment\n".into(),
             format!("{HEAD}patches:\n- path: patch1.yaml\n  target:\n    kind: Deployment\n- path: deploy.yaml\n")),
            ("TestFixOutdatedCommonLabels",
             "commonLabels:\n  foo: bar\nlabels:\n- pairs:\n    a: b\n".into(),
             format!("labels:\n- pairs:\n    a: b\n- includeSelectors: true\n  pairs:\n    foo: bar\n{HEAD}")),
            ("TestFix", "namePrefix: some-prefix-\n".into(), format!("{HEAD}namePrefix: some-prefix-\n")),
        ];
        for (case, input, want) in cases {
            let got = run(&input, &FIX);
            assert!(
                got.contains("apiVersion: ") && got.contains("kind: Kustomization"),
                "{case}"
            );
            same_file(&got, &want);
        }
    }

    /// fix_test.go `TestFixOutdatedCommonLabelsDuplicate`.
    #[test]
    fn kustomize_fix_label_conflict() {
        let input = "commonLabels:\n  foo: bar\nlabels:\n- pairs:\n    foo: baz\n    a: b\n";
        let e = apply("k", input, &FIX).unwrap_err();
        assert_eq!(
            e.to_string(),
            "label name 'foo' exists in both commonLabels and labels"
        );
    }

    #[test]
    fn fix_keeps_comments_and_moves_bases() {
        let input = "# overlay\nbases: # old\n- ../base\nresources:\n- extra.yaml # mine\n";
        assert_eq!(
            run(input, &FIX),
            format!("# overlay\n{HEAD}resources:\n- extra.yaml # mine\n- ../base\n")
        );
    }
}
