//! A user's OpenAPI schema: the file a kustomization's `openapi: {path: ...}` names, reduced to
//! what kyaml's strategic merge and scope lookups read from it.
//!
//! kyaml reads the file in `openapi.parse` (kyaml/openapi/openapi.go): text starting with `{`
//! is JSON, anything else YAML (converted with `sigs.k8s.io/yaml`), decoded as a Swagger 2.0
//! document. Two parts count:
//!
//! - `definitions`: every definition joins the schema by name (`AddDefinitions`), and one
//!   that lists `x-kubernetes-group-version-kind` becomes the root schema of each of those
//!   types (`schemaByResourceType`), so a resource of that `apiVersion`/`kind` merges with it.
//!   From each schema object the merge reads `properties`, `additionalProperties` (for a map's
//!   values), `items` (only when `type` is exactly `array`), `$ref` (resolved by definition
//!   name, replacing everything beside it) and the extensions `x-kubernetes-patch-strategy`,
//!   `x-kubernetes-patch-merge-key` and `x-kubernetes-list-map-keys`
//!   (`ResourceSchema.Field`, `Elements`, `PatchStrategyAndKeyList`).
//! - `paths`: a `get` operation with `x-kubernetes-group-version-kind` gives that type a
//!   scope, namespaced if some such path contains `namespaces/{namespace}`, else cluster-wide
//!   (`findNamespaceability`).
//!
//! Everything else (descriptions, validation keywords, other operations) is ignored. Where
//! kyaml would panic on a well-formed document of an odd shape (a GVK entry without `version`,
//! an extension that is not a string, an `items` array), the entry is ignored instead.
//! Resolving `$ref` is left to [`super::Schemas`], since a reference may land in another
//! layer (the built-in schema, or kyaml's Kustomization schema).

use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result};
use crate::source::SourceFile;
use crate::yaml::parse::{DuplicateKeys, ParseOptions, parse_documents};
use crate::yaml::{Mapping, Node, NodeKind};

/// Deepest nesting of schema objects read; real schemas are a few levels deep, as nesting is
/// expressed with `$ref`.
const MAX_DEPTH: usize = 256;

/// Index of a schema object in [`CustomSchema::nodes`].
pub(super) type NodeId = u32;

/// The node every [`CustomSchema`] holds at index 0: a schema with nothing in it, which is
/// what a reference to the whole document (`#`) resolves to.
pub(super) const EMPTY: NodeId = 0;

/// A user's OpenAPI schema, parsed from JSON or YAML.
#[derive(Debug)]
pub(crate) struct CustomSchema {
    nodes: Vec<SchemaNode>,
    /// Definition names with their nodes, sorted by name.
    definitions: Vec<(String, NodeId)>,
    /// `(apiVersion, kind)` of each type a definition declares, sorted, one entry per type.
    roots: Vec<(String, String, NodeId)>,
    /// `(apiVersion, kind)` → namespaced, from `paths`, sorted, one entry per type.
    scopes: Vec<(String, String, bool)>,
}

/// Where a `$ref` points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Ref {
    /// No `$ref`.
    None,
    /// `#/definitions/<name>`.
    Definition(String),
    /// `#` (or no fragment): the document itself, a schema without properties.
    Root,
    /// Any other pointer; kyaml's `Resolve` fails and the field has no schema.
    Unresolvable,
}

/// One schema object, reduced to what the merge reads.
#[derive(Debug)]
pub(super) struct SchemaNode {
    /// `$ref`, which replaces everything else in the object when the merge looks it up.
    pub(super) reference: Ref,
    /// `type` is exactly `array` (`Elements` requires it).
    pub(super) array: bool,
    /// `properties`, sorted by name.
    pub(super) properties: Vec<(String, NodeId)>,
    /// `additionalProperties` when it is a schema (not `true`/`false`).
    pub(super) additional: Option<NodeId>,
    /// `items` when it is one schema (not a list of them).
    pub(super) items: Option<NodeId>,
    /// The merge keys when `x-kubernetes-patch-strategy` includes `merge`.
    pub(super) merge_keys: Option<Vec<String>>,
}

impl SchemaNode {
    fn empty() -> SchemaNode {
        SchemaNode {
            reference: Ref::None,
            array: false,
            properties: Vec::new(),
            additional: None,
            items: None,
            merge_keys: None,
        }
    }

    /// `ResourceSchema.Field` before resolving: the property, else the schema of a map's
    /// values.
    pub(super) fn field(&self, name: &str) -> Option<NodeId> {
        self.properties
            .binary_search_by(|(n, _)| n.as_str().cmp(name))
            .ok()
            .and_then(|i| self.properties.get(i))
            .map(|(_, id)| *id)
            .or(self.additional)
    }

    /// `ResourceSchema.Elements` before resolving.
    pub(super) fn elements(&self) -> Option<NodeId> {
        if self.array { self.items } else { None }
    }
}

impl CustomSchema {
    /// Parses `file` as kyaml's `openapi.parse` reads a custom schema: JSON if the text starts
    /// with `{`, YAML otherwise (JSON is YAML here too). A file with no bytes at all is an
    /// error, as in kyaml; one with only comments or `null` is an empty schema.
    ///
    /// Errors say `invalid schema file: ...`, kustomize's wording when the schema is first
    /// used, and point into `file`.
    pub(crate) fn parse(file: &Arc<SourceFile>) -> Result<CustomSchema> {
        let mut parser = Parser {
            file,
            nodes: vec![SchemaNode::empty()],
        };
        if file.text.is_empty() {
            return Err(Error::in_file(
                ErrorKind::Kustomization,
                "invalid schema file: the file is empty",
                file,
            ));
        }
        let docs = parse_documents(
            file,
            ParseOptions {
                duplicate_keys: DuplicateKeys::KeepLast,
                ..ParseOptions::default()
            },
        )
        .map_err(|e| Error::from(e).with_prefix("invalid schema file: "))?;
        let mut definitions = Vec::new();
        let mut roots = Vec::new();
        let mut scopes = Vec::new();
        if let Some(doc) = docs.into_iter().find(|d| !d.is_empty) {
            let top = parser.mapping(&doc.root, "the document")?;
            if let Some(defs) = top.and_then(|m| m.get("definitions")) {
                parser.definitions(defs, &mut definitions, &mut roots)?;
            }
            if let Some(paths) = top.and_then(|m| m.get("paths")) {
                parser.paths(paths, &mut scopes)?;
            }
        }
        // Later entries win, as later map writes do in kyaml (for roots, kyaml's own choice
        // between two definitions of one type depends on Go's map order).
        definitions.reverse();
        definitions.sort_by(|a, b| a.0.cmp(&b.0));
        definitions.dedup_by(|a, b| a.0 == b.0);
        roots.reverse();
        roots.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        roots.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
        // A namespaced path wins over cluster-wide ones for the same type, whatever their
        // order (`findNamespaceability` always writes `true`, `false` only to a new entry).
        scopes.sort();
        scopes.dedup_by(|later, earlier| {
            let same = later.0 == earlier.0 && later.1 == earlier.1;
            if same {
                earlier.2 |= later.2;
            }
            same
        });
        Ok(CustomSchema {
            nodes: parser.nodes,
            definitions,
            roots,
            scopes,
        })
    }

    /// Parses one schema object written as JSON (a field's comment, kyaml's
    /// `fieldmeta.FieldMeta.Read`) and returns it with the id of its root object. `None`
    /// when the text is not a mapping with at least one member (kyaml's `IsEmpty`) or has a
    /// member of the wrong shape; the caller checks that the text is JSON.
    pub(super) fn fragment(text: &str) -> Option<(CustomSchema, NodeId)> {
        let file = SourceFile::new("<comment>", text);
        let opts = ParseOptions {
            duplicate_keys: DuplicateKeys::KeepLast,
            ..ParseOptions::default()
        };
        let doc = parse_documents(&file, opts).ok()?.into_iter().next()?;
        if doc.root.as_mapping().is_none_or(|m| m.entries.is_empty()) {
            return None;
        }
        let mut parser = Parser {
            file: &file,
            nodes: vec![SchemaNode::empty()],
        };
        let root = parser.schema(&doc.root, 0).ok()?;
        Some((
            CustomSchema {
                nodes: parser.nodes,
                definitions: Vec::new(),
                roots: Vec::new(),
                scopes: Vec::new(),
            },
            root,
        ))
    }

    /// Returns true if the schema has a definition called `name`.
    #[cfg(test)]
    pub(crate) fn has_definition(&self, name: &str) -> bool {
        self.definition(name).is_some()
    }

    /// Returns true if a definition declares the type `api_version` + `kind` in its
    /// `x-kubernetes-group-version-kind`.
    #[cfg(test)]
    pub(crate) fn has_root(&self, api_version: &str, kind: &str) -> bool {
        self.root(api_version, kind).is_some()
    }

    /// Returns the scope the `paths` give the type `api_version` + `kind`: `Some(true)`
    /// namespaced, `Some(false)` cluster-scoped, `None` not named by any `get` operation.
    pub(super) fn scope(&self, api_version: &str, kind: &str) -> Option<bool> {
        self.scopes
            .binary_search_by(|(a, k, _)| (a.as_str(), k.as_str()).cmp(&(api_version, kind)))
            .ok()
            .and_then(|i| self.scopes.get(i))
            .map(|(_, _, namespaced)| *namespaced)
    }

    pub(super) fn definition(&self, name: &str) -> Option<NodeId> {
        self.definitions
            .binary_search_by(|(n, _)| n.as_str().cmp(name))
            .ok()
            .and_then(|i| self.definitions.get(i))
            .map(|(_, id)| *id)
    }

    pub(super) fn root(&self, api_version: &str, kind: &str) -> Option<NodeId> {
        self.roots
            .binary_search_by(|(a, k, _)| (a.as_str(), k.as_str()).cmp(&(api_version, kind)))
            .ok()
            .and_then(|i| self.roots.get(i))
            .map(|(_, _, id)| *id)
    }

    pub(super) fn node(&self, id: NodeId) -> &SchemaNode {
        // Ids are only made by the parser, as indices of `nodes`; fall back to the empty
        // node rather than panic.
        usize::try_from(id)
            .ok()
            .and_then(|i| self.nodes.get(i))
            .or_else(|| self.nodes.first())
            .unwrap_or(&EMPTY_NODE)
    }
}

static EMPTY_NODE: SchemaNode = SchemaNode {
    reference: Ref::None,
    array: false,
    properties: Vec::new(),
    additional: None,
    items: None,
    merge_keys: None,
};

struct Parser<'f> {
    file: &'f Arc<SourceFile>,
    nodes: Vec<SchemaNode>,
}

impl Parser<'_> {
    fn error(&self, node: &Node, what: &str) -> Error {
        Error::at(
            ErrorKind::Kustomization,
            format!("invalid schema file: {what}"),
            self.file,
            node.span,
        )
    }

    /// A mapping, or `None` for null; anything else is an error.
    fn mapping<'n>(&self, node: &'n Node, what: &str) -> Result<Option<&'n Mapping>> {
        match &node.kind {
            NodeKind::Mapping(m) => Ok(Some(m)),
            _ if node.is_null() => Ok(None),
            _ => Err(self.error(node, &format!("{what} must be a mapping"))),
        }
    }

    fn definitions(
        &mut self,
        defs: &Node,
        out: &mut Vec<(String, NodeId)>,
        roots: &mut Vec<(String, String, NodeId)>,
    ) -> Result<()> {
        let Some(m) = self.mapping(defs, "definitions")? else {
            return Ok(());
        };
        for (name, def) in m.iter() {
            let id = self.schema(def, 0)?;
            out.push((name.to_owned(), id));
            let Some(gvks) = def
                .as_mapping()
                .and_then(|d| d.get("x-kubernetes-group-version-kind"))
                .and_then(Node::as_sequence)
            else {
                continue;
            };
            for gvk in gvks {
                if let Some((api_version, kind)) = type_meta(gvk) {
                    roots.push((api_version, kind, id));
                }
            }
        }
        Ok(())
    }

    /// One schema object (`spec.Schema`); null is an empty schema.
    fn schema(&mut self, node: &Node, depth: usize) -> Result<NodeId> {
        if depth > MAX_DEPTH {
            return Err(self.error(
                node,
                &format!("schema objects nest deeper than {MAX_DEPTH} levels"),
            ));
        }
        let Some(m) = self.mapping(node, "a schema")? else {
            return Ok(EMPTY);
        };
        let mut out = SchemaNode::empty();
        if let Some(r) = m.get("$ref").filter(|r| !r.is_null()) {
            let text = r
                .as_str()
                .ok_or_else(|| self.error(r, "$ref must be a string"))?;
            out.reference = reference(text);
        }
        if let Some(t) = m.get("type") {
            out.array = self.is_array_type(t)?;
        }
        if let Some(props) = m.get("properties") {
            if let Some(pm) = self.mapping(props, "properties")? {
                for (name, p) in pm.iter() {
                    let id = self.schema(p, depth + 1)?;
                    out.properties.push((name.to_owned(), id));
                }
            }
            out.properties.reverse();
            out.properties.sort_by(|a, b| a.0.cmp(&b.0));
            out.properties.dedup_by(|a, b| a.0 == b.0);
        }
        if let Some(a) = m.get("additionalProperties") {
            match &a.kind {
                NodeKind::Mapping(_) => out.additional = Some(self.schema(a, depth + 1)?),
                // `true`/`false` allow or forbid extra fields but give them no schema.
                NodeKind::Scalar(_) => {}
                NodeKind::Sequence(_) => {
                    return Err(self.error(a, "additionalProperties must be a schema or a bool"));
                }
            }
        }
        if let Some(i) = m.get("items") {
            match &i.kind {
                NodeKind::Mapping(_) => out.items = Some(self.schema(i, depth + 1)?),
                // A list of item schemas (a tuple) gives no element schema; kyaml would
                // dereference a nil pointer here.
                NodeKind::Sequence(_) => {}
                NodeKind::Scalar(_) if i.is_null() => {}
                NodeKind::Scalar(_) => return Err(self.error(i, "items must be a schema")),
            }
        }
        out.merge_keys = merge_keys(m);
        let id = NodeId::try_from(self.nodes.len())
            .map_err(|_| self.error(node, "too many schema objects"))?;
        self.nodes.push(out);
        Ok(id)
    }

    /// `type` as Go's `StringOrArray`: one string or a list of them; `Elements` wants exactly
    /// `["array"]`.
    fn is_array_type(&self, t: &Node) -> Result<bool> {
        if t.is_null() {
            return Ok(false);
        }
        match &t.kind {
            NodeKind::Scalar(s) => Ok(s.text == "array"),
            NodeKind::Sequence(items) => {
                let mut texts = Vec::with_capacity(items.len());
                for item in items {
                    match item.as_str() {
                        Some(s) if !item.is_null() => texts.push(s),
                        _ => {
                            return Err(
                                self.error(item, "type must be a string or a list of strings")
                            );
                        }
                    }
                }
                Ok(texts == ["array"])
            }
            NodeKind::Mapping(_) => {
                Err(self.error(t, "type must be a string or a list of strings"))
            }
        }
    }
}

impl Parser<'_> {
    /// `findNamespaceability`: the scope of each type a path's `get` operation names in
    /// `x-kubernetes-group-version-kind`; namespaced if the path contains
    /// `namespaces/{namespace}`. Other operations, and a `get` without a usable GVK, are
    /// ignored, as in kyaml.
    fn paths(&self, paths: &Node, out: &mut Vec<(String, String, bool)>) -> Result<()> {
        let Some(m) = self.mapping(paths, "paths")? else {
            return Ok(());
        };
        for (path, item) in m.iter() {
            let Some(gvk) = item
                .as_mapping()
                .and_then(|i| i.get("get"))
                .and_then(Node::as_mapping)
                .and_then(|g| g.get("x-kubernetes-group-version-kind"))
            else {
                continue;
            };
            if let Some((api_version, kind)) = type_meta(gvk) {
                out.push((api_version, kind, path.contains("namespaces/{namespace}")));
            }
        }
        Ok(())
    }
}

/// `toTypeMeta`: `{group, version, kind}` → (`group/version` or `version`, kind). kyaml
/// panics when `version` or `kind` is missing; such an entry is skipped here.
fn type_meta(gvk: &Node) -> Option<(String, String)> {
    let m = gvk.as_mapping()?;
    let text = |k: &str| m.get(k).filter(|n| !n.is_null()).and_then(Node::as_str);
    let version = text("version")?;
    let kind = text("kind")?;
    let api_version = match text("group") {
        Some(g) if !g.is_empty() => format!("{g}/{version}"),
        _ => version.to_owned(),
    };
    Some((api_version, kind.to_owned()))
}

/// `PatchStrategyAndKeyList`, asked only when the strategy includes `merge`
/// (`schemaHasMergeStrategy`): `x-kubernetes-list-map-keys` if present, else the one
/// `x-kubernetes-patch-merge-key`, else none (a set of scalars).
fn merge_keys(m: &Mapping) -> Option<Vec<String>> {
    let text = |k: &str| m.get(k).filter(|n| !n.is_null()).and_then(Node::as_str);
    let strategy = text("x-kubernetes-patch-strategy")?;
    if !strategy.split(',').any(|s| s == "merge") {
        return None;
    }
    if let Some(list) = m
        .get("x-kubernetes-list-map-keys")
        .and_then(Node::as_sequence)
    {
        let keys: Option<Vec<String>> = list
            .iter()
            .map(|k| k.as_str().filter(|_| !k.is_null()).map(str::to_owned))
            .collect();
        if let Some(keys) = keys {
            return Some(keys);
        }
    }
    Some(
        text("x-kubernetes-patch-merge-key")
            .map(|k| vec![k.to_owned()])
            .unwrap_or_default(),
    )
}

/// Reads a `$ref` as go-openapi does: the URL's fragment is a JSON pointer into the document
/// (whatever precedes `#` is ignored), percent-decoded, with `~1` for `/` and `~0` for `~`.
fn reference(text: &str) -> Ref {
    let pointer = match text.split_once('#') {
        Some((_, fragment)) => fragment,
        None => "",
    };
    let Some(pointer) = percent_decode(pointer) else {
        return Ref::Unresolvable;
    };
    if pointer.is_empty() {
        return Ref::Root;
    }
    let mut tokens = pointer.split('/');
    match (tokens.next(), tokens.next(), tokens.next()) {
        (Some(""), Some("definitions"), None) => Ref::Root,
        (Some(""), Some("definitions"), Some(name)) if tokens.next().is_none() => {
            Ref::Definition(name.replace("~1", "/").replace("~0", "~"))
        }
        _ => Ref::Unresolvable,
    }
}

/// Decodes `%XX` escapes; `None` if one is malformed or the result is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    if !s.contains('%') {
        return Some(s.to_owned());
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declares_roots_and_definitions() {
        let schema = parse(
            "definitions:\n  Widget:\n    x-kubernetes-group-version-kind:\n    \
             - {group: example.com, version: v1, kind: Widget}\n",
        );
        assert!(schema.has_root("example.com/v1", "Widget"));
        assert!(schema.has_definition("Widget"));
    }

    #[test]
    fn paths_give_scopes() {
        let s = parse(
            r#"{"paths": {
  "/apis/example.com/v1/namespaces/{namespace}/gadgets": {"get": {"x-kubernetes-group-version-kind": {"group": "example.com", "version": "v1", "kind": "Gadget"}}},
  "/apis/example.com/v1/widgets": {"get": {"x-kubernetes-group-version-kind": {"group": "example.com", "version": "v1", "kind": "Widget"}}},
  "/apis/example.com/v1/gadgets": {"get": {"x-kubernetes-group-version-kind": {"group": "example.com", "version": "v1", "kind": "Gadget"}}},
  "/apis/example.com/v1/things": {"put": {"x-kubernetes-group-version-kind": {"group": "example.com", "version": "v1", "kind": "Thing"}}},
  "/apis/example.com/v1/broken": {"get": {"x-kubernetes-group-version-kind": {"group": "example.com", "kind": "Broken"}}},
  "/api/v1/nodes": {"get": {"x-kubernetes-group-version-kind": {"group": "", "version": "v1", "kind": "Node"}}}
}}"#,
        );
        assert_eq!(s.scope("example.com/v1", "Widget"), Some(false));
        // A namespaced path wins, before or after a cluster-wide one.
        assert_eq!(s.scope("example.com/v1", "Gadget"), Some(true));
        assert_eq!(s.scope("example.com/v1", "Thing"), None);
        assert_eq!(s.scope("example.com/v1", "Broken"), None);
        assert_eq!(s.scope("v1", "Node"), Some(false));
        assert_eq!(s.scope("example.com/v2", "Widget"), None);
    }

    #[test]
    fn paths_must_be_a_mapping() {
        assert!(error(r#"{"paths": []}"#).contains("paths must be a mapping"));
    }

    fn parse(text: &str) -> CustomSchema {
        CustomSchema::parse(&SourceFile::new("schema", text)).expect("parses")
    }

    fn error(text: &str) -> String {
        CustomSchema::parse(&SourceFile::new("schema", text))
            .expect_err("fails")
            .to_string()
    }

    const WIDGET_JSON: &str = r##"{
  "definitions": {
    "Widget": {
      "type": "object",
      "properties": {"spec": {"$ref": "#/definitions/WidgetSpec"}},
      "x-kubernetes-group-version-kind": [
        {"group": "example.com", "kind": "Widget", "version": "v1"},
        {"group": "", "kind": "Widget", "version": "v1"}
      ]
    },
    "WidgetSpec": {
      "properties": {
        "items": {
          "type": "array",
          "items": {"type": "object"},
          "x-kubernetes-patch-merge-key": "name",
          "x-kubernetes-patch-strategy": "merge"
        },
        "ports": {
          "type": ["array"],
          "x-kubernetes-list-map-keys": ["port", "protocol"],
          "x-kubernetes-patch-merge-key": "port",
          "x-kubernetes-patch-strategy": "merge,retainKeys"
        },
        "finalizers": {"type": "array", "x-kubernetes-patch-strategy": "merge"},
        "args": {"type": "array", "x-kubernetes-patch-strategy": "replace",
                 "x-kubernetes-patch-merge-key": "name"},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}}
      }
    }
  }
}"##;

    #[test]
    fn definitions_roots_and_merge_keys() {
        let s = parse(WIDGET_JSON);
        assert!(s.has_root("example.com/v1", "Widget"));
        // An empty group gives a bare version.
        assert!(s.has_root("v1", "Widget"));
        assert!(!s.has_root("example.com/v2", "Widget"));
        let spec = s.definition("WidgetSpec").expect("defined");
        let keys = |field: &str| {
            let id = s.node(spec).field(field).expect("field");
            s.node(id).merge_keys.clone()
        };
        assert_eq!(keys("items"), Some(vec!["name".to_owned()]));
        // list-map-keys beat the merge key; `merge,retainKeys` includes merge.
        assert_eq!(
            keys("ports"),
            Some(vec!["port".to_owned(), "protocol".to_owned()])
        );
        assert_eq!(keys("finalizers"), Some(vec![]));
        assert_eq!(keys("args"), None);
        let items = s.node(spec).field("items").expect("items");
        assert!(s.node(items).elements().is_some());
        // `type: object` has no elements even with `items`.
        let labels = s.node(spec).field("labels").expect("labels");
        assert!(s.node(labels).elements().is_none());
        // additionalProperties answers for every other key.
        assert!(s.node(labels).field("anything").is_some());
        let root = s.root("v1", "Widget").expect("root");
        assert_eq!(
            s.node(s.node(root).field("spec").expect("spec")).reference,
            Ref::Definition("WidgetSpec".to_owned())
        );
    }

    #[test]
    fn yaml_and_json_read_alike() {
        let yaml = "definitions:\n  Widget:\n    x-kubernetes-group-version-kind:\n    - group: example.com\n      kind: Widget\n      version: v1\n    properties:\n      items:\n        type: array\n        x-kubernetes-patch-strategy: merge\n        x-kubernetes-patch-merge-key: name\n";
        let s = parse(yaml);
        let root = s.root("example.com/v1", "Widget").expect("root");
        let items = s.node(root).field("items").expect("items");
        assert_eq!(s.node(items).merge_keys, Some(vec!["name".to_owned()]));
        // JSON indented with tabs.
        let s = parse("{\n\t\"definitions\": {\n\t\t\"A\": {\"type\": \"object\"}\n\t}\n}\n");
        assert!(s.has_definition("A"));
    }

    #[test]
    fn references() {
        let cases = [
            ("#/definitions/A", Ref::Definition("A".to_owned())),
            ("other.json#/definitions/A", Ref::Definition("A".to_owned())),
            ("#/definitions/a~1b~0c", Ref::Definition("a/b~c".to_owned())),
            ("#/definitions/a%2Eb", Ref::Definition("a.b".to_owned())),
            ("#", Ref::Root),
            ("", Ref::Root),
            ("#/definitions/A/properties/b", Ref::Unresolvable),
            ("#/paths/x", Ref::Unresolvable),
            ("#/definitions/%zz", Ref::Unresolvable),
        ];
        for (text, expected) in cases {
            assert_eq!(reference(text), expected, "{text}");
        }
    }

    #[test]
    fn odd_shapes_are_ignored() {
        let s = parse(
            "definitions:\n  A:\n    x-kubernetes-group-version-kind:\n    - {group: g, kind: A}\n    - {version: v1}\n    - x\n    properties:\n      l:\n        type: [array, 'null']\n        items: [{type: string}]\n        x-kubernetes-patch-strategy: merge\n        x-kubernetes-list-map-keys: [{a: b}]\n        x-kubernetes-patch-merge-key: k\n  B: ~\n",
        );
        assert!(s.roots.is_empty());
        let a = s.definition("A").expect("A");
        let l = s.node(a).field("l").expect("l");
        assert!(s.node(l).elements().is_none());
        assert_eq!(s.node(l).merge_keys, Some(vec!["k".to_owned()]));
        assert_eq!(s.definition("B"), Some(EMPTY));
        // Empty documents are empty schemas.
        assert!(parse("# nothing\n").definitions.is_empty());
        assert!(parse("null\n").definitions.is_empty());
    }

    #[test]
    fn later_duplicates_win() {
        let s = parse(
            "definitions:\n  A:\n    x-kubernetes-group-version-kind: [{version: v1, kind: K}]\n    properties: {a: {}}\n  B:\n    x-kubernetes-group-version-kind: [{version: v1, kind: K}]\n    properties: {b: {}}\n",
        );
        let root = s.root("v1", "K").expect("root");
        assert!(s.node(root).field("b").is_some());
        assert!(s.node(root).field("a").is_none());
    }

    #[test]
    fn malformed_schemas_fail_with_a_location() {
        assert_eq!(
            error("{\"definitions\": 5}"),
            "schema:1:17: invalid schema file: definitions must be a mapping"
        );
        assert_eq!(
            error("definitions:\n  A:\n    properties: [a]\n"),
            "schema:3:17: invalid schema file: properties must be a mapping"
        );
        assert_eq!(
            error("definitions:\n  A: 5\n"),
            "schema:2:6: invalid schema file: a schema must be a mapping"
        );
        assert_eq!(
            error("definitions:\n  A: {$ref: [x]}\n"),
            "schema:2:13: invalid schema file: $ref must be a string"
        );
        assert!(error("").contains("invalid schema file"));
        assert!(error("definitions: [\n").contains("invalid schema file"));
        // Block style: saphyr limits flow nesting on its own.
        let mut deep = String::from("definitions:\n  A:\n");
        for level in 0..300 {
            let indent = "  ".repeat(2 * level + 2);
            deep.push_str(&format!("{indent}properties:\n{indent}  a:\n"));
        }
        let e = error(&deep);
        assert!(e.contains("nest deeper than 256 levels"), "{e}");
    }
}
