//! Strata renders Kubernetes manifests from kustomization directories, byte-identical to
//! `kustomize build`.
#![deny(missing_docs)]
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod error;
pub mod schema;
pub mod source;
pub mod yaml;

pub use error::{Error, ErrorKind, Location, Result};
