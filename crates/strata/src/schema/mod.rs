//! Schema tables compiled into the library — resource scope, kustomize's default field specs and
//! the strategic-merge schema graph — and the custom schemas a kustomization's `openapi:` field
//! adds.
//!
//! Stage: data. Transformers, patching and name references read these tables; the module uses
//! only [`crate::yaml`] (to parse a custom schema), [`crate::source`] and [`crate::error`]. The
//! tables in `generated/` are written by
//! `cargo run -p xtask -- codegen` from `../shared/reference` (`gvk-index.tsv`,
//! `fieldspecs/defaultconfig.yaml`, the Kubernetes v1.21.2 OpenAPI bundle and
//! `merge-keys.tsv`) and checked in; do not edit them. CI runs `codegen --check`, which fails
//! when they differ from what the data gives. The built-in tables are not parsed at run time:
//! each is a static slice, looked up by binary search. Only a custom schema file, and once per
//! process kyaml's small Kustomization schema, are parsed (into sorted tables as well).
//!
//! - Scope: [`is_namespaced`] (the built-in table, exact `apiVersion` + `kind`) and
//!   [`is_cluster_scoped`] (that table, then the running build's custom schema, as kustomize
//!   decides it; [`CustomScopes`] installs the schema).
//! - Field specs: [`default_field_specs`], the [`FieldSpec`]s and [`NameReference`]s kustomize
//!   starts from before `configurations:` and `crds:` are merged in.
//! - Merge schema: [`root_definition`](merge::root_definition), [`field`](merge::field),
//!   [`definition`](merge::definition): for each built-in resource,
//!   the fields whose strategic merge differs from "maps field by field, lists replaced".
//! - Custom schemas: [`CustomSchema`](custom::CustomSchema) (an `openapi: {path}` file), [`Schemas`] (what a
//!   strategic merge looks types and fields up in: the built-in graph, a custom schema, or
//!   both, with kyaml's [`KUSTOMIZATION_SCHEMA`](kustomization::KUSTOMIZATION_SCHEMA) on top) and [`SchemaState`] (kyaml's global
//!   schema state, kept per build: which `openapi:` field wins and what has been parsed).

mod custom;
mod field_spec;
mod generated;
mod kustomization;
mod merge;
mod scope;
mod set;
mod state;

#[cfg(test)]
pub(crate) use custom::CustomSchema;
pub(crate) use field_spec::{DefaultFieldSpecs, FieldSpec, NameReference, default_field_specs};
pub(crate) use merge::{DefId, Definition, Field, ListKind};
pub(crate) use scope::{CustomScopes, is_cluster_scoped, is_namespaced};
pub(crate) use set::{CommentSchema, Schema, Schemas};
pub(crate) use state::{OpenApiField, SchemaState, SetSchemaError};

#[cfg(test)]
mod tests {
    use super::merge::{definition, field, root_definition};
    use super::*;

    #[test]
    fn tables_answer_scope_and_merge_questions() {
        assert_eq!(is_namespaced("v1", "Namespace"), Some(false));
        let deployment = root_definition("apps/v1", "Deployment").expect("deployment");
        let spec = field(deployment, "spec")
            .and_then(|f| f.target)
            .expect("spec");
        assert_eq!(definition(spec).name, "io.k8s.api.apps.v1.DeploymentSpec");
        let finalizers = field(deployment, "metadata")
            .and_then(|f| f.target)
            .and_then(|meta| field(meta, "finalizers"))
            .expect("finalizers");
        assert_eq!(finalizers.list, ListKind::Set);
    }
}
