//! The schema a strategic merge consults: the built-in graph, a custom schema, or both, with
//! kyaml's Kustomization schema on top.
//!
//! kyaml keeps one global schema (kyaml/openapi/openapi.go `globalSchema`) into which each
//! parse *adds* definitions (`AddDefinitions`): a later parse replaces definitions of the same
//! name and the roots of the same types, and keeps the rest. A `$ref` is resolved by name
//! against that global schema when the merge walks to it (`ResourceSchema.Field` /
//! `Elements` call `Resolve(ref, Schema())`), while a type's root is the definition as it was
//! when its parse indexed it. [`Schemas`] reproduces that with layers in parse order:
//! [`Schemas::builtin`] (no `openapi:`, or `openapi: {version: v1.21.2}`), [`Schemas::custom`]
//! (`openapi: {path}` replaces the built-in schema), and the two orders in which a build can
//! have parsed both ([`super::SchemaState`] says when). kyaml's Kustomization schema is parsed
//! last on every initialisation, so it is the top layer of each.
//!
//! The built-in layer is the pruned graph of [`super::merge`]: it names only definitions with
//! merge behaviour below them. So a custom definition replaces a built-in one of the same name
//! only where the graph has that name (it lacks, e.g., `io.k8s.api.core.v1.Toleration`), and
//! a reference the custom schema leaves unresolved counts as known-but-plain while the
//! built-in schema is loaded (it probably names a built-in definition the graph left out).

use std::sync::Arc;

use super::custom::{CustomSchema, NodeId, Ref};
use super::kustomization;
use super::merge::{
    DefId, Field, ListKind, definition, definition_by_name, field, root_definition,
};

/// Most `$ref` hops followed from one schema object; kyaml loops forever on a cycle of
/// references.
const MAX_REF_HOPS: usize = 64;

/// The set of schemas a strategic merge looks types and fields up in.
#[derive(Clone, Debug, Default)]
pub(crate) struct Schemas {
    layers: Layers,
}

/// The layers below the Kustomization schema, in parse order.
#[derive(Clone, Debug, Default)]
enum Layers {
    #[default]
    Builtin,
    Custom(Arc<CustomSchema>),
    /// The built-in schema, then a custom one: custom definitions and roots win.
    BuiltinThenCustom(Arc<CustomSchema>),
    /// A custom schema, then the built-in one: built-in definitions and roots win.
    CustomThenBuiltin(Arc<CustomSchema>),
}

/// One layer, for lookups from the top down.
#[derive(Clone, Copy)]
enum Layer<'s> {
    Builtin,
    Custom(&'s CustomSchema),
}

/// What the schema says about one node of a document: kyaml's `*openapi.ResourceSchema`,
/// reduced to what the merge asks of it.
///
/// kyaml distinguishes "no schema" ([`Schema::Nil`]) from "a schema with nothing special"
/// ([`Schema::Plain`]): with no schema, the merge looks a map up by its own `apiVersion` and
/// `kind`, and may infer merge keys.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Schema<'s> {
    /// No schema.
    Nil,
    /// Known, and nothing special at or below this node (the built-in graph leaves such
    /// fields out).
    Plain,
    /// A definition of the built-in graph (a resource root, a list element, a map value).
    Def(DefId),
    /// A field of the built-in graph with its own merge behaviour, or leading to some.
    Field(&'static Field),
    /// A schema object of a custom schema (or of the Kustomization schema).
    Custom(CustomNode<'s>),
}

/// A schema object of a [`CustomSchema`].
#[derive(Clone, Copy)]
pub(crate) struct CustomNode<'s> {
    schema: &'s CustomSchema,
    id: NodeId,
}

impl std::fmt::Debug for CustomNode<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CustomNode({})", self.id)
    }
}

/// The merge keys of a list whose patch strategy includes `merge`; empty for a set of scalars.
#[derive(Clone, Copy, Debug)]
pub(crate) enum MergeKeys<'s> {
    /// Keys from the built-in graph.
    Builtin(&'static [&'static str]),
    /// Keys from a custom schema.
    Custom(&'s [String]),
}

/// A schema written in a field's comment, which kyaml merges with in place of the field's
/// own (kyaml/yaml/walk `valueIfPresent` and `GetSchema`, kyaml/fieldmeta `FieldMeta.Read`):
/// `containers: # {"items": {"$ref": "#/definitions/io.k8s.api.core.v1.Container"},
/// "type": "array", "x-kubernetes-patch-merge-key": "name", "x-kubernetes-patch-strategy":
/// "merge"}`. A `$ref` is resolved against the [`Schemas`] it is used with.
#[derive(Debug)]
pub(crate) struct CommentSchema {
    schema: CustomSchema,
    root: NodeId,
}

impl CommentSchema {
    /// Reads a comment as go-yaml keeps it (`# {...}`; a head comment's lines joined by
    /// `\n`): every leading `#` is dropped, and what is left must be a JSON object with at
    /// least one member. `is_json` says whether text is JSON (the caller owns a JSON parser
    /// with `encoding/json`'s rules).
    pub(crate) fn parse(comment: &str, is_json: impl Fn(&str) -> bool) -> Option<CommentSchema> {
        let text = comment.trim_start_matches('#');
        if !text.trim_start().starts_with('{') || !is_json(text) {
            return None;
        }
        let (schema, root) = CustomSchema::fragment(text)?;
        Some(CommentSchema { schema, root })
    }
}

impl<'s> MergeKeys<'s> {
    /// Iterates over the key names.
    pub(crate) fn iter(self) -> impl Iterator<Item = &'s str> {
        let (a, b): (&'static [&'static str], &'s [String]) = match self {
            MergeKeys::Builtin(k) => (k, &[]),
            MergeKeys::Custom(k) => (&[], k),
        };
        a.iter().copied().chain(b.iter().map(String::as_str))
    }
}

impl<'s> Schema<'s> {
    /// Returns true for [`Schema::Nil`].
    pub(crate) fn is_nil(self) -> bool {
        matches!(self, Schema::Nil)
    }

    /// `PatchStrategyAndKeyList` when the patch strategy includes `merge`
    /// (`schemaHasMergeStrategy`): the merge keys, empty for a set; `None` for a list the
    /// patch replaces.
    pub(crate) fn merge_keys(self) -> Option<MergeKeys<'s>> {
        match self {
            Schema::Field(f) => match f.list {
                ListKind::Keys(k) => Some(MergeKeys::Builtin(k)),
                ListKind::Set => Some(MergeKeys::Builtin(&[])),
                _ => None,
            },
            Schema::Custom(n) => n
                .schema
                .node(n.id)
                .merge_keys
                .as_deref()
                .map(MergeKeys::Custom),
            Schema::Nil | Schema::Plain | Schema::Def(_) => None,
        }
    }
}

impl Schemas {
    /// The built-in Kubernetes v1.21.2 schema (and the Kustomization schema): a build without
    /// `openapi:`.
    pub(crate) const BUILTIN: Schemas = Schemas {
        layers: Layers::Builtin,
    };

    /// Returns [`Schemas::BUILTIN`].
    pub(crate) fn builtin() -> Schemas {
        Schemas::BUILTIN
    }

    /// Returns the set with only `custom` (and the Kustomization schema): `openapi: {path}`
    /// replaces the built-in schema.
    pub(crate) fn custom(custom: Arc<CustomSchema>) -> Schemas {
        Schemas {
            layers: Layers::Custom(custom),
        }
    }

    /// Returns the set a build has when it parsed the built-in schema, then `custom`:
    /// `custom`'s definitions and roots win.
    pub(crate) fn custom_over_builtin(custom: Arc<CustomSchema>) -> Schemas {
        Schemas {
            layers: Layers::BuiltinThenCustom(custom),
        }
    }

    /// Returns the set a build has when it parsed `custom`, then the built-in schema: the
    /// built-in definitions and roots win.
    pub(crate) fn builtin_over_custom(custom: Arc<CustomSchema>) -> Schemas {
        Schemas {
            layers: Layers::CustomThenBuiltin(custom),
        }
    }

    /// Returns true if the built-in schema is one of the layers.
    #[cfg(test)]
    pub(crate) fn has_builtin(&self) -> bool {
        !matches!(self.layers, Layers::Custom(_))
    }

    /// Returns the custom schema, if one is a layer.
    pub(crate) fn custom_schema(&self) -> Option<&Arc<CustomSchema>> {
        match &self.layers {
            Layers::Builtin => None,
            Layers::Custom(c) | Layers::BuiltinThenCustom(c) | Layers::CustomThenBuiltin(c) => {
                Some(c)
            }
        }
    }

    /// The layers below the Kustomization schema, top (last parsed) first.
    fn layers(&self) -> [Option<Layer<'_>>; 2] {
        match &self.layers {
            Layers::Builtin => [Some(Layer::Builtin), None],
            Layers::Custom(c) => [Some(Layer::Custom(c)), None],
            Layers::BuiltinThenCustom(c) => [Some(Layer::Custom(c)), Some(Layer::Builtin)],
            Layers::CustomThenBuiltin(c) => [Some(Layer::Builtin), Some(Layer::Custom(c))],
        }
    }

    /// `SchemaForResourceType`: the root schema of `api_version` + `kind` (matched exactly),
    /// from the last layer that declares the type; [`Schema::Nil`] if none does.
    pub(crate) fn root(&self, api_version: &str, kind: &str) -> Schema<'_> {
        if api_version == kustomization::API_VERSION
            && let Some(k) = kustomization::schema()
            && let Some(id) = k.root(api_version, kind)
        {
            return custom_node(k, id);
        }
        for layer in self.layers().into_iter().flatten() {
            match layer {
                Layer::Builtin => {
                    if let Some(d) = root_definition(api_version, kind) {
                        return Schema::Def(d);
                    }
                }
                Layer::Custom(c) => {
                    if let Some(id) = c.root(api_version, kind) {
                        return custom_node(c, id);
                    }
                }
            }
        }
        Schema::Nil
    }

    /// `ResourceSchema.Field`: the schema of the value of field `name` of a map.
    pub(crate) fn field<'s>(&'s self, schema: Schema<'s>, name: &str) -> Schema<'s> {
        match schema {
            Schema::Nil => Schema::Nil,
            Schema::Plain => Schema::Plain,
            Schema::Def(d) => builtin_field(d, name),
            Schema::Field(f) => match (f.list, f.target) {
                (ListKind::Fieldwise, Some(d)) => match self.builtin_target(d) {
                    Schema::Def(d) => builtin_field(d, name),
                    other => self.field(other, name),
                },
                (ListKind::Fieldwise, None) => Schema::Plain,
                // An array (or scalar) schema has no properties.
                _ => Schema::Nil,
            },
            Schema::Custom(n) => match n.schema.node(n.id).field(name) {
                Some(id) => self.deref(n.schema, id),
                None => Schema::Nil,
            },
        }
    }

    /// `ResourceSchema.Elements`: the schema of a list's items.
    pub(crate) fn elements<'s>(&'s self, schema: Schema<'s>) -> Schema<'s> {
        match schema {
            Schema::Nil | Schema::Def(_) => Schema::Nil,
            Schema::Plain => Schema::Plain,
            Schema::Field(f) => match f.list {
                ListKind::Keys(_) | ListKind::Set | ListKind::Replace => {
                    f.target.map_or(Schema::Plain, |d| self.builtin_target(d))
                }
                ListKind::Fieldwise | ListKind::Scalar => Schema::Nil,
            },
            Schema::Custom(n) => match n.schema.node(n.id).elements() {
                Some(id) => self.deref(n.schema, id),
                None => Schema::Nil,
            },
        }
    }

    /// The schema a [`CommentSchema`] gives, its `$ref` resolved in this set (kyaml resolves
    /// it against the global schema).
    pub(crate) fn comment<'s>(&'s self, c: &'s CommentSchema) -> Schema<'s> {
        self.deref(&c.schema, c.root)
    }

    /// The schema a built-in field's target resolves to: kyaml resolves the `$ref` by name,
    /// so a custom schema parsed after the built-in one replaces it.
    fn builtin_target(&self, d: DefId) -> Schema<'_> {
        match &self.layers {
            Layers::BuiltinThenCustom(c) => match c.definition(definition(d).name) {
                Some(id) => self.deref(c, id),
                None => Schema::Def(d),
            },
            _ => Schema::Def(d),
        }
    }

    /// Follows `$ref`s from node `id` of `schema`, as kyaml's `for s.Ref.String() != ""`
    /// loops do.
    fn deref<'s>(&'s self, schema: &'s CustomSchema, id: NodeId) -> Schema<'s> {
        let (mut schema, mut id) = (schema, id);
        for _ in 0..MAX_REF_HOPS {
            match &schema.node(id).reference {
                Ref::None => return custom_node(schema, id),
                Ref::Root => return custom_node(schema, super::custom::EMPTY),
                Ref::Unresolvable => return Schema::Nil,
                Ref::Definition(name) => match self.resolve(name) {
                    Schema::Custom(n) => (schema, id) = (n.schema, n.id),
                    other => return other,
                },
            }
        }
        Schema::Nil
    }

    /// The definition called `name`, from the last layer that has one (not yet dereferenced).
    fn resolve(&self, name: &str) -> Schema<'_> {
        if let Some(k) = kustomization::schema()
            && let Some(id) = k.definition(name)
        {
            return custom_node(k, id);
        }
        let mut builtin = false;
        for layer in self.layers().into_iter().flatten() {
            match layer {
                Layer::Builtin => {
                    builtin = true;
                    if let Some(d) = definition_by_name(name) {
                        return Schema::Def(d);
                    }
                }
                Layer::Custom(c) => {
                    if let Some(id) = c.definition(name) {
                        return custom_node(c, id);
                    }
                }
            }
        }
        // The built-in graph leaves out definitions with nothing special below them.
        if builtin { Schema::Plain } else { Schema::Nil }
    }
}

fn custom_node(schema: &CustomSchema, id: NodeId) -> Schema<'_> {
    Schema::Custom(CustomNode { schema, id })
}

fn builtin_field(d: DefId, name: &str) -> Schema<'static> {
    field(d, name).map_or(Schema::Plain, Schema::Field)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    #[test]
    fn builtin_knows_merge_keys_of_builtin_kinds_only() {
        let builtin = Schemas::builtin();
        let deploy = builtin.root("apps/v1", "Deployment");
        let containers = ["spec", "template", "spec", "containers"]
            .iter()
            .fold(deploy, |s, name| builtin.field(s, name));
        let keys: Vec<&str> = containers.merge_keys().expect("keys").iter().collect();
        assert_eq!(keys, ["name"]);
        assert!(builtin.root("example.com/v1", "Widget").is_nil());
    }

    fn custom(text: &str) -> Arc<CustomSchema> {
        Arc::new(CustomSchema::parse(&SourceFile::new("schema.json", text)).expect("parses"))
    }

    /// Follows `path` from the root of `api_version` `kind`; `[]` steps into list items.
    fn walk<'s>(s: &'s Schemas, api_version: &str, kind: &str, path: &str) -> Schema<'s> {
        path.split('.')
            .fold(s.root(api_version, kind), |sch, name| {
                if name == "[]" {
                    s.elements(sch)
                } else {
                    s.field(sch, name)
                }
            })
    }

    fn keys(s: &Schemas, api_version: &str, kind: &str, path: &str) -> Option<Vec<String>> {
        walk(s, api_version, kind, path)
            .merge_keys()
            .map(|k| k.iter().map(str::to_owned).collect())
    }

    const CONTAINERS: &str = "spec.template.spec.containers";

    /// A custom type whose pod template refers to definitions by their built-in names, and
    /// defines `PodSpec` itself with only `containers` (merged by `name`) and
    /// `Container` with only `ports` (merged by `containerPort`).
    const POD_CRD: &str = r##"{"definitions": {
  "com.example.v1.Runner": {
    "properties": {"spec": {"properties": {"template": {"$ref": "#/definitions/io.k8s.api.core.v1.PodTemplateSpec"}}}},
    "x-kubernetes-group-version-kind": [{"group": "example.com", "version": "v1", "kind": "Runner"}]
  },
  "io.k8s.api.core.v1.PodSpec": {
    "properties": {"containers": {"type": "array", "items": {"$ref": "#/definitions/io.k8s.api.core.v1.Container"},
                                  "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "name"}}
  },
  "io.k8s.api.core.v1.Container": {
    "properties": {"ports": {"type": "array", "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "containerPort"}}
  }
}}"##;

    #[test]
    fn builtin_only() {
        let s = Schemas::builtin();
        assert_eq!(
            keys(&s, "apps/v1", "Deployment", CONTAINERS),
            Some(vec!["name".to_owned()])
        );
        assert!(s.root("example.com/v1", "Runner").is_nil());
        assert!(matches!(
            walk(
                &s,
                "apps/v1",
                "Deployment",
                "spec.template.spec.tolerations"
            ),
            Schema::Plain
        ));
    }

    #[test]
    fn custom_only_replaces_builtin() {
        let s = Schemas::custom(custom(POD_CRD));
        assert!(s.root("apps/v1", "Deployment").is_nil());
        // PodTemplateSpec is not defined anywhere: no schema below `template`.
        assert!(walk(&s, "example.com/v1", "Runner", "spec.template").is_nil());
        assert!(!s.has_builtin());
    }

    #[test]
    fn custom_over_builtin_replaces_builtin_definitions_by_name() {
        let s = Schemas::custom_over_builtin(custom(POD_CRD));
        // The Runner's template resolves to the built-in PodTemplateSpec, whose `spec` is
        // the custom PodSpec.
        assert_eq!(
            keys(&s, "example.com/v1", "Runner", CONTAINERS),
            Some(vec!["name".to_owned()])
        );
        assert_eq!(
            keys(
                &s,
                "example.com/v1",
                "Runner",
                &format!("{CONTAINERS}.[].ports")
            ),
            Some(vec!["containerPort".to_owned()])
        );
        // The Deployment's root is built-in, but its PodSpec is now the custom one: volumes
        // lost their merge key, containers' ports their second key, env its key.
        assert_eq!(
            keys(&s, "apps/v1", "Deployment", CONTAINERS),
            Some(vec!["name".to_owned()])
        );
        assert!(walk(&s, "apps/v1", "Deployment", "spec.template.spec.volumes").is_nil());
        assert_eq!(
            keys(
                &s,
                "apps/v1",
                "Deployment",
                &format!("{CONTAINERS}.[].ports")
            ),
            Some(vec!["containerPort".to_owned()])
        );
        assert!(walk(&s, "apps/v1", "Deployment", &format!("{CONTAINERS}.[].env")).is_nil());
        // Elsewhere the built-in graph still answers.
        assert_eq!(
            keys(&s, "apps/v1", "Deployment", "metadata.finalizers"),
            Some(vec![])
        );
    }

    #[test]
    fn builtin_over_custom_keeps_builtin_definitions() {
        let s = Schemas::builtin_over_custom(custom(POD_CRD));
        assert_eq!(
            keys(
                &s,
                "apps/v1",
                "Deployment",
                &format!("{CONTAINERS}.[].ports")
            ),
            Some(vec!["containerPort".to_owned(), "protocol".to_owned()])
        );
        assert_eq!(
            keys(&s, "apps/v1", "Deployment", "spec.template.spec.volumes"),
            Some(vec!["name".to_owned()])
        );
        // The custom root is kept; its references land in the built-in definitions.
        assert_eq!(
            keys(
                &s,
                "example.com/v1",
                "Runner",
                &format!("{CONTAINERS}.[].ports")
            ),
            Some(vec!["containerPort".to_owned(), "protocol".to_owned()])
        );
        // A reference the graph does not name counts as plain while built-in is loaded.
        let s = Schemas::builtin_over_custom(custom(
            r##"{"definitions": {"R": {"properties": {"t": {"$ref": "#/definitions/io.k8s.api.core.v1.Toleration"}},
                "x-kubernetes-group-version-kind": [{"version": "v1", "kind": "R"}]}}}"##,
        ));
        assert!(matches!(walk(&s, "v1", "R", "t"), Schema::Plain));
        let only = Schemas::custom(custom(
            r##"{"definitions": {"R": {"properties": {"t": {"$ref": "#/definitions/io.k8s.api.core.v1.Toleration"}},
                "x-kubernetes-group-version-kind": [{"version": "v1", "kind": "R"}]}}}"##,
        ));
        assert!(walk(&only, "v1", "R", "t").is_nil());
    }

    #[test]
    fn custom_roots_win_only_when_parsed_last() {
        let text = r##"{"definitions": {"D": {"properties": {"spec": {"properties": {"x": {
            "type": "array", "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "id"}}}},
            "x-kubernetes-group-version-kind": [{"group": "apps", "version": "v1", "kind": "Deployment"}]}}}"##;
        let over = Schemas::custom_over_builtin(custom(text));
        assert_eq!(
            keys(&over, "apps/v1", "Deployment", "spec.x"),
            Some(vec!["id".to_owned()])
        );
        let under = Schemas::builtin_over_custom(custom(text));
        assert_eq!(keys(&under, "apps/v1", "Deployment", "spec.x"), None);
    }

    #[test]
    fn references_and_maps() {
        let s = Schemas::custom(custom(
            r##"{"definitions": {
  "R": {"properties": {
          "a": {"$ref": "#/definitions/A"},
          "loop": {"$ref": "#/definitions/L1"},
          "root": {"$ref": "#"},
          "deep": {"$ref": "#/definitions/A/properties/l"},
          "m": {"type": "object", "additionalProperties": {"$ref": "#/definitions/A"}}},
        "x-kubernetes-group-version-kind": [{"version": "v1", "kind": "R"}]},
  "A": {"$ref": "#/definitions/B"},
  "B": {"properties": {"l": {"type": "array", "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "k"}}},
  "L1": {"$ref": "#/definitions/L2"},
  "L2": {"$ref": "#/definitions/L1"}
}}"##,
        ));
        // A chain of references is followed; siblings of `$ref` are replaced by its target.
        assert_eq!(keys(&s, "v1", "R", "a.l"), Some(vec!["k".to_owned()]));
        assert_eq!(keys(&s, "v1", "R", "m.any.l"), Some(vec!["k".to_owned()]));
        // A cycle ends with no schema instead of looping.
        assert!(walk(&s, "v1", "R", "loop").is_nil());
        // `#` is the document: a schema, but with no properties.
        assert!(matches!(walk(&s, "v1", "R", "root"), Schema::Custom(_)));
        assert!(walk(&s, "v1", "R", "root.x").is_nil());
        assert!(walk(&s, "v1", "R", "deep").is_nil());
        assert!(walk(&s, "v1", "R", "missing").is_nil());
    }

    #[test]
    fn kustomization_schema_is_always_on_top() {
        for s in [Schemas::builtin(), Schemas::custom(custom("{}"))] {
            assert_eq!(
                keys(
                    &s,
                    "kustomize.config.k8s.io/v1beta1",
                    "Kustomization",
                    "configMapGenerator"
                ),
                Some(vec!["name".to_owned()])
            );
            // `additionalProperties: false`: other fields have no schema.
            assert!(
                walk(
                    &s,
                    "kustomize.config.k8s.io/v1beta1",
                    "Kustomization",
                    "resources"
                )
                .is_nil()
            );
        }
    }
}
