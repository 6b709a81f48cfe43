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
//! - Scope: [`is_namespaced`] (exact `apiVersion` + `kind`, as kustomize decides it) and
//!   [`kind_scope`] (by kind alone).
//! - Field specs: [`default_field_specs`], the [`FieldSpec`]s and [`NameReference`]s kustomize
//!   starts from before `configurations:` and `crds:` are merged in.
//! - Merge schema: [`root_definition`], [`field`], [`definition`]: for each built-in resource,
//!   the fields whose strategic merge differs from "maps field by field, lists replaced".
//! - Custom schemas: [`CustomSchema`] (an `openapi: {path}` file), [`Schemas`] (what a
//!   strategic merge looks types and fields up in: the built-in graph, a custom schema, or
//!   both, with kyaml's [`KUSTOMIZATION_SCHEMA`] on top) and [`SchemaState`] (kyaml's global
//!   schema state, kept per build: which `openapi:` field wins and what has been parsed).
//!
//! ```
//! use strata::schema::{self, ListKind};
//!
//! assert_eq!(schema::is_namespaced("v1", "Namespace"), Some(false));
//! let deployment = schema::root_definition("apps/v1", "Deployment").unwrap();
//! let spec = schema::field(deployment, "spec").unwrap().target.unwrap();
//! assert_eq!(schema::definition(spec).name, "io.k8s.api.apps.v1.DeploymentSpec");
//! let finalizers = schema::field(deployment, "metadata")
//!     .and_then(|f| f.target)
//!     .and_then(|meta| schema::field(meta, "finalizers"))
//!     .unwrap();
//! assert_eq!(finalizers.list, ListKind::Set);
//! ```

mod custom;
mod field_spec;
mod generated;
mod kustomization;
mod merge;
mod scope;
mod set;
mod state;

pub use custom::CustomSchema;
pub use field_spec::{DefaultFieldSpecs, FieldSpec, NameReference, default_field_specs};
pub use kustomization::KUSTOMIZATION_SCHEMA;
pub use merge::{
    DefId, Definition, Field, ListKind, definition, definition_by_name, field, root_definition,
};
pub use scope::{is_namespaced, kind_scope};
pub use set::{CommentSchema, CustomNode, MergeKeys, Schema, Schemas};
pub use state::{BUILTIN_VERSION, OpenApiField, SchemaState, SetSchemaError};
