//! Resources: a parsed document plus its cached id and origin, the [`ResourceMap`], and the
//! [`LabelSelector`] that picks resources by their labels.
//!
//! This module may use `yaml`, `source`, `error`, `schema` and `go`.

mod id;
mod map;
pub(crate) mod regex;
mod selector;

use std::sync::Arc;

pub(crate) use id::IdKey;
pub use id::{Gvk, ResId};
pub(crate) use map::ResourceMap;
pub(crate) use selector::LabelSelector;

use crate::error::{Error, ErrorKind, Result};
use crate::source::SourceFile;
use crate::yaml::{Node, NodeKind};

/// One Kubernetes object being built.
#[derive(Clone, Debug)]
pub struct Resource {
    node: Node,
    id: ResId,
    origin: Arc<SourceFile>,
    /// `None` until something is recorded: most resources never get a history, and an
    /// empty one inline would take 336 bytes of every resource.
    history: Option<Box<History>>,
}

/// The history of a resource nothing has been recorded for.
pub(crate) static NO_HISTORY: History = History {
    prev_ids: Vec::new(),
    prefixes: Vec::new(),
    suffixes: Vec::new(),
    needs_hash: false,
    origin: None,
    transformations: Vec::new(),
    ref_var_names: Vec::new(),
    generator_behavior: None,
};

/// What the build remembers about a resource, kept beside the document instead of in
/// annotations as kustomize does (`config.kubernetes.io/previousNames`, `.../prefixes`...).
#[derive(Clone, Debug, Default)]
pub(crate) struct History {
    /// Ids the resource had before each rename, oldest first (kustomize's `PrevIds`); their
    /// namespaces are effective namespaces (`default` for none).
    pub prev_ids: Vec<ResId>,
    /// Name prefixes added, in order.
    pub prefixes: Vec<String>,
    /// Name suffixes added, in order.
    pub suffixes: Vec<String>,
    /// True for generated objects whose name gets a content hash at the top level.
    pub needs_hash: bool,
    /// Where the object came from, when `buildMetadata` asks for it.
    pub origin: Option<Origin>,
    /// The transformers that ran over the object, in order (`transformerAnnotations`).
    pub transformations: Vec<Origin>,
    /// Names of the vars bound to this object (kustomize's `refVarNames`).
    pub ref_var_names: Vec<String>,
    /// For generated objects, the generator's `behavior` as kustomize names it (`create`,
    /// `merge`, `replace`, `unspecified`); a merge keeps the existing object's.
    pub generator_behavior: Option<&'static str>,
}

/// The annotations kustomize keeps its build state in (resource.go `BuildAnnotations`); it
/// removes them before printing.
pub(crate) const BUILD_ANNOTATIONS: &[&str] = &[
    "internal.config.kubernetes.io/previousKinds",
    "internal.config.kubernetes.io/previousNames",
    "internal.config.kubernetes.io/prefixes",
    "internal.config.kubernetes.io/suffixes",
    "internal.config.kubernetes.io/previousNamespaces",
    "internal.config.kubernetes.io/allowNameChange",
    "internal.config.kubernetes.io/allowKindChange",
    "internal.config.kubernetes.io/refBy",
    "internal.config.kubernetes.io/generatorBehavior",
    "internal.config.kubernetes.io/needsHashSuffix",
    "internal.config.kubernetes.io/path",
    "internal.config.kubernetes.io/index",
    "internal.config.kubernetes.io/seqindent",
    "internal.config.kubernetes.io/id",
    "internal.config.kubernetes.io/annotations-migration-resource-id",
    "config.kubernetes.io/path",
    "config.kubernetes.io/index",
    "config.k8s.io/id",
];

impl History {
    /// Returns the build annotations kustomize would hold for this history, as key and
    /// value: the comma-separated previous names, namespaces and kinds, prefixes and
    /// suffixes (resource.go `appendCsvAnnotation`, which skips empty values), and the
    /// generator's hash and behavior marks (resource.go `EnableHashSuffix`, `SetBehavior`).
    ///
    /// Strata keeps this state here instead; a JSON 6902 patch, which kustomize applies to
    /// the document with these annotations in it, is the one place where they show.
    pub(crate) fn build_annotations(&self) -> Vec<(&'static str, String)> {
        fn csv<'a>(values: impl Iterator<Item = &'a str>) -> String {
            values
                .filter(|v| !v.is_empty())
                .collect::<Vec<_>>()
                .join(",")
        }
        let mut out = Vec::new();
        let mut push = |key: &'static str, value: String| {
            if !value.is_empty() {
                out.push((key, value));
            }
        };
        push(
            "internal.config.kubernetes.io/previousNames",
            csv(self.prev_ids.iter().map(|id| id.name.as_str())),
        );
        push(
            "internal.config.kubernetes.io/previousNamespaces",
            csv(self.prev_ids.iter().map(|id| id.namespace.as_str())),
        );
        push(
            "internal.config.kubernetes.io/previousKinds",
            csv(self.prev_ids.iter().map(|id| id.gvk.kind.as_str())),
        );
        push(
            "internal.config.kubernetes.io/prefixes",
            csv(self.prefixes.iter().map(String::as_str)),
        );
        push(
            "internal.config.kubernetes.io/suffixes",
            csv(self.suffixes.iter().map(String::as_str)),
        );
        if self.needs_hash {
            push(
                "internal.config.kubernetes.io/needsHashSuffix",
                "enabled".to_owned(),
            );
        }
        if let Some(b) = self.generator_behavior {
            push(
                "internal.config.kubernetes.io/generatorBehavior",
                b.to_owned(),
            );
        }
        out
    }

    /// Returns the origin and transformer annotations kustomize keeps on an object while it
    /// tracks origins (any `buildMetadata` entry), as key and value: where it came from
    /// (`config.kubernetes.io/origin`) and the transformers that ran over it so far
    /// (`alpha.config.kubernetes.io/transformations`). kustomize drops the ones
    /// `buildMetadata` does not ask for at the end.
    pub(crate) fn origin_annotations(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(o) = &self.origin {
            let mut text = String::new();
            o.write_yaml(&mut text, "", "");
            out.push((ORIGIN_ANNOTATION, text));
        }
        if !self.transformations.is_empty() {
            let mut text = String::new();
            for t in &self.transformations {
                t.write_yaml(&mut text, "- ", "  ");
            }
            out.push((TRANSFORMATIONS_ANNOTATION, text));
        }
        out
    }
}

/// kustomize's `OriginAnnotationKey`.
pub(crate) const ORIGIN_ANNOTATION: &str = "config.kubernetes.io/origin";

/// kustomize's `TransformerAnnotationKey`.
pub(crate) const TRANSFORMATIONS_ANNOTATION: &str = "alpha.config.kubernetes.io/transformations";

/// Where an object came from or which transformer touched it: kustomize's
/// `resource.Origin`, printed into `config.kubernetes.io/origin` and
/// `alpha.config.kubernetes.io/transformations`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Origin {
    /// The file the object was read from, relative to the top kustomization (or to the
    /// root of its remote repository).
    pub path: String,
    /// The remote repository the file came from (its clone URL), if any.
    pub repo: String,
    /// The ref of that repository, if one was given.
    pub git_ref: String,
    /// The file that configured the generator or transformer.
    pub configured_in: String,
    /// The generator or transformer: apiVersion, kind, name, namespace.
    pub configured_by: Option<[String; 4]>,
}

impl Origin {
    /// Returns an origin for a file path.
    pub(crate) fn file(path: String) -> Origin {
        Origin {
            path,
            ..Origin::default()
        }
    }

    /// Returns the origin of a builtin generator or transformer configured in `configured_in`.
    pub(crate) fn builtin(configured_in: String, kind: &str) -> Origin {
        Origin {
            configured_in,
            configured_by: Some(["builtin".into(), kind.into(), String::new(), String::new()]),
            ..Origin::default()
        }
    }

    /// Writes the origin as kustomize's YAML lines, each prefixed by `indent` (the first
    /// by `first`).
    pub(crate) fn write_yaml(&self, out: &mut String, first: &str, indent: &str) {
        let mut lines: Vec<String> = Vec::new();
        if !self.path.is_empty() {
            lines.push(format!("path: {}", self.path));
        }
        if !self.repo.is_empty() {
            lines.push(format!("repo: {}", self.repo));
        }
        if !self.git_ref.is_empty() {
            lines.push(format!("ref: {}", self.git_ref));
        }
        if !self.configured_in.is_empty() {
            lines.push(format!("configuredIn: {}", self.configured_in));
        }
        if let Some(by) = &self.configured_by {
            lines.push("configuredBy:".into());
            for (key, value) in ["apiVersion", "kind", "name", "namespace"].iter().zip(by) {
                if !value.is_empty() {
                    lines.push(format!("  {key}: {value}"));
                }
            }
        }
        for (i, l) in lines.iter().enumerate() {
            out.push_str(if i == 0 { first } else { indent });
            out.push_str(l);
            out.push('\n');
        }
    }
}

impl Resource {
    /// Makes a resource from a document root, which must be a mapping with a `kind` and (for
    /// all but `*List` kinds) a `metadata.name`, as kyaml's `GetValidatedMetadata` requires.
    pub(crate) fn from_node(node: Node, origin: &Arc<SourceFile>) -> Result<Resource> {
        let at = |msg: String, n: &Node| Error::at(ErrorKind::Resource, msg, origin, n.span);
        let Some(m) = node.as_mapping() else {
            return Err(at(
                "resource document must be a mapping (with apiVersion, kind and metadata)".into(),
                &node,
            ));
        };
        let text = |key: &str| -> Result<String> {
            match m.get(key) {
                None => Ok(String::new()),
                Some(n) if n.is_null() => Ok(String::new()),
                Some(n) => n
                    .as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| at(format!("'{key}' must be a string"), n)),
            }
        };
        let api_version = text("apiVersion")?;
        let kind = text("kind")?;
        let meta = m.get("metadata").filter(|n| !n.is_null());
        let meta_text = |key: &str| -> Result<String> {
            let Some(meta) = meta else {
                return Ok(String::new());
            };
            let Some(mm) = meta.as_mapping() else {
                return Err(at("'metadata' must be a mapping".into(), meta));
            };
            match mm.get(key) {
                None => Ok(String::new()),
                Some(n) if n.is_null() => Ok(String::new()),
                Some(n) => n
                    .as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| at(format!("'metadata.{key}' must be a string"), n)),
            }
        };
        let name = meta_text("name")?;
        let namespace = meta_text("namespace")?;
        if kind.is_empty() {
            return Err(at(
                format!("missing kind in object {{apiVersion: {api_version}, name: {name}}}"),
                &node,
            ));
        }
        if name.is_empty() && !kind.ends_with("List") {
            return Err(at(
                format!(
                    "missing metadata.name in object {{apiVersion: {api_version}, kind: {kind}}}"
                ),
                &node,
            ));
        }
        let id = ResId {
            gvk: Gvk::from_api_version(&api_version, &kind),
            name,
            namespace,
        };
        Ok(Resource {
            node,
            id,
            origin: Arc::clone(origin),
            history: None,
        })
    }

    /// Returns the current id.
    pub fn id(&self) -> &ResId {
        &self.id
    }

    /// Returns the id the resource had when it was loaded or generated (kustomize's `OrgId`).
    pub fn org_id(&self) -> &ResId {
        self.history().prev_ids.first().unwrap_or(&self.id)
    }

    /// Returns the build history.
    pub(crate) fn history(&self) -> &History {
        self.history.as_deref().unwrap_or(&NO_HISTORY)
    }

    /// Returns the build history mutably.
    pub(crate) fn history_mut(&mut self) -> &mut History {
        self.history.get_or_insert_with(Box::default)
    }

    /// Records the current id as a previous one, before a rename (kustomize's
    /// `StorePreviousId`, which stores the effective namespace).
    pub(crate) fn store_previous_id(&mut self) {
        let mut id = self.id.clone();
        id.namespace = id
            .effective_namespace()
            .unwrap_or("_non_namespaceable_")
            .to_owned();
        self.history_mut().prev_ids.push(id);
    }

    /// Returns the document as JSON, its scalars typed as kustomize types them (go-yaml v3),
    /// so that embedders need no YAML crate.
    ///
    /// ```
    /// let fs = strata::MemoryFs::new()
    ///     .with_file("kustomization.yaml", "resources:\n- cm.yaml\n")
    ///     .with_file("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  port: \"80\"\n");
    /// let rendered = strata::Renderer::default().render(&fs, "/")?;
    /// let json = rendered.resources()[0].to_json();
    /// assert_eq!(json["data"]["port"], "80");
    /// assert_eq!(json["metadata"]["name"], "web");
    /// # Ok::<(), strata::Error>(())
    /// ```
    #[cfg(feature = "serde")]
    pub fn to_json(&self) -> serde_json::Value {
        crate::yaml::json::to_json(&self.node)
    }

    /// Returns the document.
    pub fn node(&self) -> &Node {
        &self.node
    }

    /// Returns the document as the node it is.
    pub(crate) fn into_node(self) -> Node {
        self.node
    }

    /// Returns the file the resource was read from (or generated by).
    pub fn origin(&self) -> &Arc<SourceFile> {
        &self.origin
    }

    /// Returns the document mutably. Call [`Resource::refresh_id`] after changing identity
    /// fields.
    pub(crate) fn node_mut(&mut self) -> &mut Node {
        &mut self.node
    }

    /// Re-reads the cached id from the document.
    pub(crate) fn refresh_id(&mut self) {
        self.id = ResId::from_node(&self.node);
    }

    /// Returns the annotation `key`, if set to a scalar.
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.node.get_str(&["metadata", "annotations", key])
    }
}

impl History {
    /// Returns true if nothing has been recorded.
    pub(crate) fn is_empty(&self) -> bool {
        self.prev_ids.is_empty()
            && self.prefixes.is_empty()
            && self.suffixes.is_empty()
            && !self.needs_hash
            && self.origin.is_none()
            && self.transformations.is_empty()
            && self.ref_var_names.is_empty()
            && self.generator_behavior.is_none()
    }

    /// Returns true if both histories carry the same trailing prefixes and suffixes
    /// (kustomize's `PrefixesSuffixesEquals`); with `allow_empty`, a side with none matches.
    pub(crate) fn affixes_equal(&self, other: &History, allow_empty: bool) -> bool {
        let pre = same_ending(&self.prefixes, &other.prefixes);
        let suf = same_ending(&self.suffixes, &other.suffixes);
        if allow_empty {
            (self.prefixes.is_empty() || other.prefixes.is_empty() || pre)
                && (self.suffixes.is_empty() || other.suffixes.is_empty() || suf)
        } else {
            pre && suf
        }
    }
}

/// Returns true if the shorter list equals the end of the longer (kustomize's
/// `utils.SameEndingSubSlice`); an empty list only equals another empty one.
fn same_ending(a: &[String], b: &[String]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.is_empty() {
        return long.is_empty();
    }
    long.get(long.len() - short.len()..) == Some(short)
}

/// Returns true if a document is skipped on load: null or an empty mapping or sequence
/// (kyaml `IsNilOrEmpty`).
pub(crate) fn is_empty_document(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Scalar(s) => s.is_null(),
        NodeKind::Mapping(m) => m.is_empty(),
        NodeKind::Sequence(s) => s.is_empty(),
    }
}

/// Serializes as the document, the same value as [`Resource::to_json`].
#[cfg(feature = "serde")]
impl serde::Serialize for Resource {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}
