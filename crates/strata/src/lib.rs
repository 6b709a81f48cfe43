//! Strata renders Kubernetes manifests from kustomization directories, byte-identical to
//! `kustomize build`.
#![deny(missing_docs)]
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod error;
pub mod source;
pub mod yaml;

pub use error::{Error, ErrorKind, Location, Result};
pub mod build;
pub mod fs;
pub mod kustomization;
pub mod render;
pub mod resource;
pub mod sort;
pub mod transform;

pub use build::Reorder;
pub use fs::{DiskFs, FileKind, FileSystem, LoadRestrictor, MemoryFs};
pub use render::{RenderOptions, Rendered, Renderer, render_dir};
pub use resource::{Gvk, ResId, Resource};
