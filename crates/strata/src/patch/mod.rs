//! Patching: strategic-merge patches (kyaml merge2 semantics), JSON 6902 operations and the
//! selection of patch targets.
//!
//! Stage: `patch` sits below the build and above the node model. It may use [`crate::yaml`]
//! (nodes), `crate::schema` (merge keys) and [`crate::source`] (spans); it reads no files and
//! knows nothing of kustomizations or resource maps.
//!
//! # Applying `kustomize build`'s strategic-merge patches
//!
//! For each resource a patch targets, kustomize (api/resource/resource.go `ApplySmPatch`, via
//! api/filters/patchstrategicmerge) calls merge2 with prepend and the built-in schema, then
//! restores what the patch may not change. The same with Strata, through
//! [`strategic_merge::kustomize_patch`]:
//!
//! ```
//! use strata::patch::strategic_merge::kustomize_patch;
//! # use strata::source::SourceFile;
//! # use strata::yaml::parse::{parse_single, ParseOptions};
//! # let parse = |t: &str| parse_single(&SourceFile::new("x.yaml", t), ParseOptions::default())
//! #     .unwrap().unwrap();
//! let resource = parse("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n\
//!     spec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: app:1\n");
//! let patch = parse("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n\
//!     spec:\n  template:\n    spec:\n      containers:\n      - name: side\n        image: side:1\n");
//! let merged = kustomize_patch(&resource, &patch)?.unwrap();
//! let containers = merged.get_path(&["spec", "template", "spec", "containers"]).unwrap();
//! let names: Vec<_> = containers.as_sequence().unwrap().iter()
//!     .map(|c| c.get_str(&["name"]).unwrap()).collect();
//! assert_eq!(names, ["side", "app"]); // prepend: the patch's new element first
//! # Ok::<(), strata::patch::strategic_merge::MergeError>(())
//! ```
//!
//! Around the call, the caller does what kustomize does:
//!
//! - The schema comes from the resource's own `apiVersion`/`kind` (then the patch's), so pass
//!   the resource as `dest`. A `patches` entry with a `target` first gives the patch the
//!   target's group/version, keeping the patch's kind (api/resmap/reswrangler.go
//!   `ApplySmPatch`); that only matters if the resource lacks them.
//! - `Ok(None)` means `$patch: delete` removed the resource; kustomize drops a resource that
//!   comes out as an empty mapping too (`IsNilOrEmpty`).
//! - Afterwards the resource's kind and name are restored unless the patch's options allow
//!   changing them, and its namespace always (resource.go `ApplySmPatch`).
//! - Patch files are read with the first of duplicate keys kept
//!   ([`crate::yaml::parse::DuplicateKeys::KeepFirst`]); each document is one patch.

mod graph;
pub mod json6902;
pub mod strategic_merge;
pub(crate) mod target;
