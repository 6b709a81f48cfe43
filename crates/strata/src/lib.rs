//! Strata renders Kubernetes manifests from kustomization directories, byte-identical to
//! `kustomize build`.
//!
//! The pipeline, one stage per module: [`fs`] reads bytes, [`yaml::parse`] builds node trees
//! with spans, [`kustomization`] reads the kustomization file, [`build`] accumulates
//! resources, bases and components and runs the transformers in kustomize's order,
//! [`sort`] orders the output and [`yaml::emit`] prints kustomize's exact bytes; [`diff`]
//! compares two renders resource by resource.
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

pub mod budget;
pub mod build;
pub mod diff;
pub mod edit;
pub mod error;
pub mod fs;
pub mod generate;
mod go;
pub mod kustomization;
pub mod localize;
pub mod overrides;
pub mod patch;
pub mod plugin;
pub mod remote;
pub mod render;
pub mod resource;
pub mod schema;
pub mod sops;
pub mod sort;
pub mod source;
pub mod transform;
pub mod warning;
pub mod yaml;

pub use budget::{Budget, Budgets, Usage};
pub use build::{ChartInflater, HelmOptions, Reorder, TemplateRequest};
pub use diff::{Change, ChangeKind, Diff, DiffOptions, PairBy};
pub use error::{Error, ErrorKind, Location, Result};
pub use fs::{DiskFs, FileKind, FileSystem, LoadRestrictor, MemoryFs};
pub use overrides::Overrides;
pub use plugin::{ExecRequest, FunctionRequest, PluginRunner};
pub use remote::{RemoteError, RemoteLoader, RepoSpec};
pub use render::{RenderOptions, Rendered, Renderer, render_dir};
pub use resource::{Gvk, ResId, Resource};
pub use warning::{Warning, WarningKind};
pub mod name_reference;

/// The kustomize release whose `kustomize build` behaviour Strata reproduces, as
/// `kustomize version` prints it: the release of the kustomize source (v5.8 line) whose own
/// tests the conformance corpus is taken from.
pub const KUSTOMIZE_VERSION: &str = "v5.8.1";
