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
