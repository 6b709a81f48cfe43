//! Schema tables compiled into the library: resource scope, kustomize's default field specs and
//! the strategic-merge schema graph.
//!
//! Stage: data only. Transformers, patching and name references read these tables; this module
//! uses nothing else in the crate. The tables in `generated/` are written by
//! `cargo run -p xtask -- codegen` from `../shared/reference` (`gvk-index.tsv`,
//! `fieldspecs/defaultconfig.yaml`, the Kubernetes v1.21.2 OpenAPI bundle and
//! `merge-keys.tsv`) and checked in; do not edit them. CI runs `codegen --check`, which fails
//! when they differ from what the data gives. Nothing is parsed at run time: every table is a
//! static slice, looked up by binary search.
//!
//! - Scope: [`is_namespaced`] (exact `apiVersion` + `kind`, as kustomize decides it) and
//!   [`kind_scope`] (by kind alone).
//! - Field specs: [`default_field_specs`], the [`FieldSpec`]s and [`NameReference`]s kustomize
//!   starts from before `configurations:` and `crds:` are merged in.
//! - Merge schema: [`root_definition`], [`field`], [`definition`]: for each built-in resource,
//!   the fields whose strategic merge differs from "maps field by field, lists replaced".
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

mod field_spec;
mod generated;
mod merge;
mod scope;

pub use field_spec::{DefaultFieldSpecs, FieldSpec, NameReference, default_field_specs};
pub use merge::{DefId, Definition, Field, ListKind, definition, field, root_definition};
pub use scope::{is_namespaced, kind_scope};
