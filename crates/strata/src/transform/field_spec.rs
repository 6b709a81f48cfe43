//! Field specs and the walker that visits the fields they name.
//!
//! A field spec is a GVK filter plus a slash-separated path (`spec/template/metadata/labels`);
//! lists on the way are walked element by element, `[]` marks a field that must be a list,
//! `\/` is a literal slash. With `create`, missing mappings on the way are created. This is
//! kustomize's api/filters/fieldspec/fieldspec.go, ported once: namespace, prefix/suffix,
//! labels, annotations, images, replicas, name references and vars all walk through
//! [`walk`]. Traversal is here; what to do at the end of the path is the caller's closure.
//! This module may use `yaml`, `resource` and the kyaml path lookup of `replacements`.

use crate::resource::{Gvk, ResId};
use crate::transform::replacements::path;
use crate::yaml::{Entry, Mapping, Node, NodeKind, Scalar};

/// Where a transformer acts: resources matching a GVK filter, at a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FieldSpec {
    /// Group to match; empty matches any.
    pub group: String,
    /// Version to match; empty matches any.
    pub version: String,
    /// Kind to match; empty matches any.
    pub kind: String,
    /// The path, `/`-separated.
    pub path: String,
    /// Whether missing fields along the path are created.
    pub create: bool,
}

impl FieldSpec {
    /// Returns a spec for any resource at `path`.
    pub(crate) fn any(path: &str, create: bool) -> FieldSpec {
        FieldSpec {
            group: String::new(),
            version: String::new(),
            kind: String::new(),
            path: path.to_owned(),
            create,
        }
    }

    /// Returns true if the spec's GVK filter selects `gvk` (empty parts match anything).
    pub(crate) fn selects(&self, gvk: &Gvk) -> bool {
        (self.group.is_empty() || self.group == gvk.group)
            && (self.version.is_empty() || self.version == gvk.version)
            && (self.kind.is_empty() || self.kind == gvk.kind)
    }

    /// Returns the path's segments, honouring `\/` escapes (kyaml utils.PathSplitter).
    pub(crate) fn segments(&self) -> Vec<String> {
        split_path(&self.path)
    }
}

/// Splits a field-spec path at `/`, except where the slash is escaped as `\/`; a leading `/`
/// is dropped (kyaml's `utils.PathSplitter`, as fieldspec.go calls it).
pub(crate) fn split_path(path: &str) -> Vec<String> {
    crate::transform::replacements::path::split(path, "/")
}

/// What to create at the end of a path that does not exist yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Create {
    /// Never create the final field.
    Nothing,
    /// Create an empty string scalar (prefix, namespace).
    Scalar,
    /// Create an empty mapping (labels, annotations).
    Mapping,
}

/// An error while walking, in kustomize's words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct WalkError(pub String);

/// Calls `set` on every node at `spec`'s path in `root` (the caller has checked the GVK).
/// `create` says what to make at the end of the path when it is missing and the spec allows
/// creation; intermediate fields are created as mappings.
///
/// This is the one port of kustomize's field-spec walk (api/filters/fieldspec/fieldspec.go),
/// for every field-spec driven transformer, name references and vars. Errors keep its
/// context: `considering field '<path>' of object <id>: ` (the id read from the document as
/// it stands, `resid.FromRNode`), `visit traversal on path: [<rest>]: ` for each list on
/// the way (`seq`), and `fieldName: <name>: ` for a path step the lookup refuses (`field`).
pub(crate) fn walk(
    root: &mut Node,
    spec: &FieldSpec,
    create: Create,
    set: &mut dyn FnMut(&mut Node) -> Result<(), WalkError>,
) -> Result<(), WalkError> {
    let segments = spec.segments();
    let create = if spec.create { create } else { Create::Nothing };
    walk_node(root, &segments, create, set).map_err(|e| {
        WalkError(format!(
            "considering field '{}' of object {}: {}",
            spec.path,
            ResId::from_node(root),
            e.0
        ))
    })
}

fn walk_node(
    node: &mut Node,
    path: &[String],
    create: Create,
    set: &mut dyn FnMut(&mut Node) -> Result<(), WalkError>,
) -> Result<(), WalkError> {
    let Some((first, rest)) = path.split_first() else {
        return set(node);
    };
    match &mut node.kind {
        NodeKind::Scalar(s) if s.is_null() => Ok(()),
        NodeKind::Sequence(items) => {
            for item in items {
                walk_node(item, path, create, set).map_err(|e| {
                    // Go's `%v` of the remaining path: `[a b]`.
                    WalkError(format!(
                        "visit traversal on path: [{}]: {}",
                        path.join(" "),
                        e.0
                    ))
                })?;
            }
            Ok(())
        }
        NodeKind::Mapping(_) => {
            let (name, is_seq) = match first.strip_suffix("[]") {
                Some(n) => (n, true),
                None => (first.as_str(), false),
            };
            if name.is_empty() {
                return Err(WalkError("cannot set or create an empty field name".into()));
            }
            let make = if create == Create::Nothing || is_seq {
                None
            } else if rest.is_empty() {
                Some(create)
            } else {
                Some(Create::Mapping)
            };
            let Some(kind) = make else {
                // kyaml's `Lookup(name)`: list steps (`[a=b]`, `0`, `-`) are honoured there.
                let step = [name.to_owned()];
                match path::lookup(node, &step) {
                    Err(e) => return Err(WalkError(format!("fieldName: {name}: {e}"))),
                    Ok(None) => return Ok(()),
                    Ok(Some(_)) => {}
                }
                return match path::lookup_mut(node, &step) {
                    Some(child) => walk_node(child, rest, create, set),
                    None => Ok(()),
                };
            };
            let NodeKind::Mapping(m) = &mut node.kind else {
                return Ok(());
            };
            let child = match m.position(name) {
                Some(i) => m.entries.get_mut(i).map(|e| &mut e.value),
                None => {
                    m.entries.push(Entry {
                        key: Node::scalar(Scalar::plain(name)),
                        value: empty(kind),
                    });
                    m.entries.last_mut().map(|e| &mut e.value)
                }
            };
            let Some(child) = child else { return Ok(()) };
            // An explicit null becomes the kind being created (fieldspec.go handleMap).
            if child.is_null() {
                *child = empty(kind);
            }
            walk_node(child, rest, create, set)
        }
        NodeKind::Scalar(_) => Err(WalkError("expected sequence or mapping node".into())),
    }
}

fn empty(kind: Create) -> Node {
    match kind {
        Create::Mapping => Node::mapping(Mapping::new()),
        Create::Scalar | Create::Nothing => Node::string(""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;
    use crate::yaml::parse::{ParseOptions, parse_single};

    fn doc(text: &str) -> Node {
        let f = SourceFile::new("t.yaml", text);
        parse_single(&f, ParseOptions::default()).unwrap().unwrap()
    }

    fn collect(text: &str, path: &str, create: bool, kind: Create) -> (Vec<String>, Node) {
        let mut n = doc(text);
        let mut seen = Vec::new();
        walk(&mut n, &FieldSpec::any(path, create), kind, &mut |node| {
            seen.push(node.as_str().unwrap_or("<node>").to_owned());
            Ok(())
        })
        .unwrap();
        (seen, n)
    }

    #[test]
    fn walks_lists_implicitly_and_with_brackets() {
        let text = "spec:\n  containers:\n  - image: a\n  - image: b\n  - name: c\n";
        assert_eq!(
            collect(text, "spec/containers/image", false, Create::Nothing).0,
            ["a", "b"]
        );
        assert_eq!(
            collect(text, "spec/containers[]/image", false, Create::Nothing).0,
            ["a", "b"]
        );
    }

    #[test]
    fn creates_missing_fields_only_when_asked() {
        let (seen, n) = collect("metadata: {}\n", "metadata/labels", true, Create::Mapping);
        assert_eq!(seen, ["<node>"]);
        assert!(
            n.get_path(&["metadata", "labels"])
                .unwrap()
                .as_mapping()
                .is_some()
        );
        let (seen, _) = collect("metadata: {}\n", "metadata/labels", false, Create::Mapping);
        assert!(seen.is_empty());
        let (_, n) = collect(
            "kind: X\n",
            "spec/template/metadata/labels",
            true,
            Create::Mapping,
        );
        assert!(
            n.get_path(&["spec", "template", "metadata", "labels"])
                .is_some()
        );
        // a null on the way becomes a mapping
        let (_, n) = collect(
            "metadata:\n  labels: ~\n",
            "metadata/labels",
            true,
            Create::Mapping,
        );
        assert!(
            n.get_path(&["metadata", "labels"])
                .unwrap()
                .as_mapping()
                .is_some()
        );
    }

    #[test]
    fn escaped_slashes_are_part_of_a_key() {
        assert_eq!(
            split_path("metadata/annotations/a.io\\/b"),
            ["metadata", "annotations", "a.io/b"]
        );
        let (seen, _) = collect(
            "metadata:\n  annotations:\n    a.io/b: x\n",
            "metadata/annotations/a.io\\/b",
            false,
            Create::Nothing,
        );
        assert_eq!(seen, ["x"]);
    }

    /// Issue 14 item 10: walk errors keep kustomize's context, the object's id and each
    /// list on the way (oracle: testdata/build/nameref-error-keeps-traversal-context).
    #[test]
    fn walk_errors_keep_object_and_traversal_context() {
        let mut n = doc(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  volumes:\n  - configMap: {name: a}\n  - configMap: 3\n",
        );
        let e = walk(
            &mut n,
            &FieldSpec::any("spec/volumes/configMap/name", false),
            Create::Nothing,
            &mut |_| Ok(()),
        )
        .unwrap_err();
        assert_eq!(
            e.0,
            "considering field 'spec/volumes/configMap/name' of object Deployment.v1.apps/web.[noNs]: visit traversal on path: [configMap name]: expected sequence or mapping node"
        );
    }

    #[test]
    fn a_leading_slash_is_dropped_as_kyaml_does() {
        assert_eq!(split_path("/metadata/labels"), ["metadata", "labels"]);
    }

    #[test]
    fn scalar_in_the_middle_is_an_error() {
        let mut n = doc("spec: 3\n");
        let e = walk(
            &mut n,
            &FieldSpec::any("spec/x", false),
            Create::Nothing,
            &mut |_| Ok(()),
        )
        .unwrap_err();
        assert!(e.0.contains("expected sequence or mapping node"), "{e:?}");
    }
}
