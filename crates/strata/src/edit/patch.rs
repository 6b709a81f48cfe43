//! `edit add|remove patch`: entries of `patches`.
//!
//! Grammar from kustomize/commands/edit/add/addpatch.go and remove/removepatch.go: a patch is
//! a `--path` or an inline `--patch` plus an optional target selector; two entries are the
//! same when path, patch and every selector field are (`types.Patch.Equals`).

use crate::error::{Error, ErrorKind, Result};
use crate::yaml::node::{Entry, Mapping, Node};

use super::splice::{Doc, Step};

/// The flags of `add patch` / `remove patch`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PatchEdit {
    /// `--path`.
    pub path: String,
    /// `--patch` (inline).
    pub patch: String,
    /// `--group`.
    pub group: String,
    /// `--version`.
    pub version: String,
    /// `--kind`.
    pub kind: String,
    /// `--name`.
    pub name: String,
    /// `--namespace`.
    pub namespace: String,
    /// `--label-selector`.
    pub label_selector: String,
    /// `--annotation-selector`.
    pub annotation_selector: String,
}

impl PatchEdit {
    /// The target fields in kustomize's `Selector` order, with their YAML keys.
    fn target(&self) -> [(&'static str, &str); 7] {
        [
            ("group", &self.group),
            ("version", &self.version),
            ("kind", &self.kind),
            ("name", &self.name),
            ("namespace", &self.namespace),
            ("labelSelector", &self.label_selector),
            ("annotationSelector", &self.annotation_selector),
        ]
    }

    /// Returns true if the `patches` entry `n` is this patch (`Patch.Equals`).
    fn matches(&self, n: &Node) -> bool {
        let s = |path: &[&str]| n.get_str(path).unwrap_or("").to_owned();
        s(&["path"]) == self.path
            && s(&["patch"]) == self.patch
            && self.target().iter().all(|(k, v)| s(&["target", k]) == *v)
            && n.get_path(&["options"]).is_none_or(Node::is_null)
    }

    fn to_node(&self) -> Node {
        let mut m = Mapping::new();
        let entry = |k: &str, v: Node| Entry {
            key: Node::string(k),
            value: v,
        };
        if !self.path.is_empty() {
            m.entries
                .push(entry("path", Node::string(self.path.clone())));
        }
        if !self.patch.is_empty() {
            m.entries
                .push(entry("patch", Node::string(self.patch.clone())));
        }
        let target: Vec<Entry> = self
            .target()
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| entry(k, Node::string(*v)))
            .collect();
        if !target.is_empty() {
            m.entries
                .push(entry("target", Node::mapping(Mapping { entries: target })));
        }
        Node::mapping(m)
    }
}

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Kustomization, message)
}

fn find(doc: &Doc, p: &PatchEdit) -> Option<usize> {
    doc.get(&[Step::Key("patches".into())])
        .and_then(Node::as_sequence)?
        .iter()
        .position(|n| p.matches(n))
}

/// `add patch`: append unless an equal patch is there.
pub(crate) fn add(doc: &mut Doc, p: &PatchEdit, warnings: &mut Vec<String>) -> Result<()> {
    if !p.patch.is_empty() && !p.path.is_empty() {
        return Err(invalid("patch and path can't be set at the same time"));
    }
    if p.patch.is_empty() && p.path.is_empty() {
        return Err(invalid("must provide either patch or path"));
    }
    if find(doc, p).is_some() {
        warnings.push("patch already in kustomization file".to_owned());
        return Ok(());
    }
    let list = [Step::Key("patches".into())];
    match doc.get(&list).and_then(Node::as_sequence) {
        Some(items) => {
            let at = items.len();
            doc.insert_item(&list, at, &p.to_node())
        }
        None => {
            if doc.get(&list).is_some_and(|n| !n.is_null()) {
                return Err(doc.error_at(&list, "patches must be a list"));
            }
            doc.remove_entry(&[], "patches")?;
            doc.insert_entry(&[], "patches", &Node::sequence(vec![p.to_node()]), true)
        }
    }
}

/// `remove patch`: drop every equal entry; none is only a warning, as in kustomize.
pub(crate) fn remove(doc: &mut Doc, p: &PatchEdit, warnings: &mut Vec<String>) -> Result<()> {
    if !p.patch.is_empty() && !p.path.is_empty() {
        return Err(invalid("patch and path can't be set at the same time"));
    }
    let list = [Step::Key("patches".into())];
    let mut removed = false;
    while let Some(i) = find(doc, p) {
        doc.remove_item(&list, i)?;
        removed = true;
    }
    if !removed {
        warnings.push("patch doesn't exist in kustomization file".to_owned());
    } else if doc
        .get(&list)
        .and_then(Node::as_sequence)
        .is_some_and(Vec::is_empty)
    {
        doc.remove_entry(&[], "patches")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::testutil::{BASE, run};
    use crate::edit::{Edit, apply};

    fn target(p: PatchEdit) -> PatchEdit {
        PatchEdit {
            kind: "myKind".into(),
            group: "myGroup".into(),
            version: "myVersion".into(),
            name: "myName".into(),
            namespace: "myNamespace".into(),
            annotation_selector: "myAnnotationSelector".into(),
            label_selector: "myLabelSelector".into(),
            ..p
        }
    }

    /// kustomize/commands/edit/add/addpatch_test.go: every flag's value is in the file
    /// (`TestAddPatchWithFilePath`, `TestAddPatchWithPatchContent`), adding it again is no
    /// error (`TestAddPatchAlreadyThere`), and one of --path/--patch is required
    /// (`TestAddPatchNoArgs`).
    #[test]
    fn kustomize_add_patch_cases() {
        let by_path = target(PatchEdit {
            path: "myWonderfulPatch.yaml".into(),
            ..PatchEdit::default()
        });
        let inline = target(PatchEdit {
            patch: "\nLorem ipsum dolor sit amet, consectetur adipiscing elit,\n".into(),
            ..PatchEdit::default()
        });
        for p in [by_path, inline] {
            let out = run(BASE, &Edit::AddPatch(p.clone()));
            let values = [
                p.path.as_str(),
                &p.kind,
                &p.group,
                &p.version,
                &p.name,
                &p.namespace,
                &p.annotation_selector,
                &p.label_selector,
            ];
            for v in values.iter().filter(|v| !v.is_empty()) {
                assert!(out.contains(*v), "{v} not in\n{out}");
            }
            // The parsed entry is the patch itself (line breaks and all).
            let again = apply("k", &out, &Edit::AddPatch(p.clone())).unwrap();
            assert_eq!(again.text, out);
            assert_eq!(again.warnings, ["patch already in kustomization file"]);
        }
        let e = apply("k", BASE, &Edit::AddPatch(PatchEdit::default())).unwrap_err();
        assert_eq!(e.to_string(), "must provide either patch or path");
        let both = PatchEdit {
            path: "a".into(),
            patch: "b".into(),
            ..PatchEdit::default()
        };
        let e = apply("k", BASE, &Edit::AddPatch(both)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "patch and path can't be set at the same time"
        );
    }

    /// remove/removepatch_test.go, on its `makeKustomizationPatchFS` kustomization.
    #[test]
    fn kustomize_remove_patch_cases() {
        let file = "
patches:
- path: patch1.yaml
  target:
    group: myGroup
    version: myVersion
    kind: myKind
    name: myName
    namespace: myNamespace
    labelSelector: myLabelSelector
    annotationSelector: myAnnotationSelector
- path: patch2.yaml
  target:
    group: myGroup
    version: myVersion
    kind: myKind
- patch: |-
    - op: replace
      path: /some/existing/path
      value: new value
  target:
    kind: myKind
    labelSelector: myLabelSelector
";
        let paths = |text: &str| -> Vec<String> {
            let doc = Doc::parse("k", text).unwrap();
            doc.get(&[Step::Key("patches".into())])
                .and_then(Node::as_sequence)
                .map(|v| {
                    v.iter()
                        .map(|p| {
                            p.get_str(&["path"])
                                .or(p.get_str(&["patch"]).map(|_| "<inline>"))
                                .unwrap_or("")
                                .to_owned()
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        // TestRemovePatch.
        let out = run(
            file,
            &Edit::RemovePatch(target(PatchEdit {
                path: "patch1.yaml".into(),
                ..PatchEdit::default()
            })),
        );
        assert_eq!(paths(&out), ["patch2.yaml", "<inline>"]);
        // TestRemovePatch2: an inline patch, matched by content and target.
        let out = run(
            file,
            &Edit::RemovePatch(PatchEdit {
                patch: "- op: replace\n  path: /some/existing/path\n  value: new value".into(),
                kind: "myKind".into(),
                label_selector: "myLabelSelector".into(),
                ..PatchEdit::default()
            }),
        );
        assert_eq!(paths(&out), ["patch1.yaml", "patch2.yaml"]);
        // TestRemovePatchNotDefinedInKustomization / TestRemovePatchNotExist: a warning, and
        // the file as it was.
        let missing = apply(
            "k",
            file,
            &Edit::RemovePatch(target(PatchEdit {
                path: "patch3.yaml".into(),
                ..PatchEdit::default()
            })),
        )
        .unwrap();
        assert_eq!(missing.text, file);
        assert_eq!(
            missing.warnings,
            ["patch doesn't exist in kustomization file"]
        );
    }
}
