//! Strata renders Kubernetes manifests from kustomization directories, byte-identical to
//! `kustomize build`.
//!
//! The pipeline, one internal stage per module: the file system reads bytes, [`yaml::parse`]
//! builds node trees with spans, the kustomization is read, resources, bases and components
//! are accumulated and the transformers run in kustomize's order, the output is sorted and
//! [`yaml::emit`] prints kustomize's exact bytes (ARCHITECTURE.md has the module map).
//!
//! The front door is at the root: [`Renderer`] with [`RenderOptions`] (or [`render_dir`])
//! renders a directory of a [`FileSystem`] ([`DiskFs`], or [`MemoryFs`] for an in-memory tree)
//! into [`Rendered`] resources and warnings; [`Error`] is the one error type. The caller plugs
//! in what the library never does itself through traits: [`ChartInflater`] (Helm),
//! [`RemoteLoader`] (remote bases), [`PluginRunner`] (exec plugins and KRM functions) and
//! [`KeySource`] (SOPS keys). The modules meant for users: [`diff`] compares two renders
//! resource by resource, [`edit`] is `kustomize edit` on text, [`patch`] applies one
//! strategic-merge or JSON 6902 patch to one document, [`fs`] holds the file systems and the
//! helpers for writing one, [`source`] the spans and line lookup errors point into, and
//! [`yaml`] the node tree.
//!
//! ```
//! use strata::{MemoryFs, RenderOptions, Renderer};
//!
//! let fs = MemoryFs::new()
//!     .with_file("app/kustomization.yaml", "resources:\n- cm.yaml\n")
//!     .with_file(
//!         "app/cm.yaml",
//!         "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  port: \"80\"\n",
//!     );
//! let rendered = Renderer::new(RenderOptions::default()).render(&fs, "/app")?;
//! assert_eq!(rendered.resources()[0].id().name, "web");
//! assert_eq!(
//!     rendered.to_yaml()?,
//!     "apiVersion: v1\ndata:\n  port: \"80\"\nkind: ConfigMap\nmetadata:\n  name: web\n"
//! );
//! # Ok::<(), strata::Error>(())
//! ```
//!
//! Warnings come back typed ([`Warning`], [`WarningKind`]) in [`Rendered::warnings`]; the
//! library never prints. The crate's `examples/` render an in-memory tree, diff two overlays
//! and edit a kustomization.
//!
//! # Cargo features
//!
//! - `serde` (default): `serde::Serialize` on [`Resource`] (as its document), [`ResId`],
//!   [`Gvk`], [`Diff`], [`Change`], [`ChangeKind`], [`Warning`] and [`Location`], and
//!   [`Resource::to_json`], the document as a `serde_json::Value`. Without it the library
//!   depends on neither serde nor serde_json.
#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![warn(clippy::print_stdout, clippy::print_stderr)]
#![warn(unreachable_pub)]

pub(crate) mod budget;
pub(crate) mod build;
pub mod diff;
pub mod edit;
pub(crate) mod error;
pub mod fs;
pub(crate) mod generate;
use strata_yaml::go;
pub(crate) mod kustomization;
pub mod localize;
pub(crate) mod name_reference;
pub(crate) mod overrides;
pub mod patch;
pub(crate) mod plugin;
pub(crate) mod remote;
pub(crate) mod render;
pub(crate) mod resource;
pub(crate) mod schema;
pub(crate) mod sops;
pub(crate) mod sort;
pub use strata_yaml::source;
pub(crate) mod transform;
pub(crate) mod warning;
pub use strata_yaml as yaml;

pub use budget::{Budget, Budgets, Usage};
pub use build::{ChartInflater, HelmOptions, Reorder, TemplateRequest};
pub use diff::{Change, ChangeKind, Diff, DiffOptions, PairBy};
pub use error::{Error, ErrorKind, Location, Result, Stage};
pub use fs::{DiskFs, FileKind, FileSystem, LoadRestrictor, MemoryFs};
pub use overrides::Overrides;
pub use plugin::{ExecRequest, FunctionRequest, PluginRunner};
pub use remote::{RemoteError, RemoteLoader, RepoSpec};
pub use render::{RenderOptions, Rendered, Renderer, check_file_name, render_dir};
pub use resource::{Gvk, ResId, Resource};
#[cfg(feature = "age")]
pub use sops::AgeKeys;
#[cfg(feature = "pgp")]
pub use sops::PgpKeys;
pub use sops::{KeySource, Keys, MasterKey};
pub use warning::{Warning, WarningKind};

/// The kustomize release whose `kustomize build` behaviour Strata reproduces, as
/// `kustomize version` prints it: the release of the kustomize source (v5.8 line) whose own
/// tests the conformance corpus is taken from.
pub const KUSTOMIZE_VERSION: &str = "v5.8.1";
