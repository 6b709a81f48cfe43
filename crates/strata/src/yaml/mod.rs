//! YAML: the node tree, the parser that builds it, scalar typing and the printer.
//!
//! This module knows nothing of Kubernetes. It may use only [`crate::source`] and the Go
//! formatting leaf `crate::go`.

pub(crate) mod analyze;
pub(crate) mod comments;
pub mod emit;
pub(crate) mod escape;
#[cfg(feature = "serde")]
pub(crate) mod json;
pub mod kyaml_emit;
pub(crate) mod lenient;
pub mod node;
pub mod parse;
pub mod resolve;
mod unicode_tables;

pub use node::{Entry, Mapping, Node, NodeKind, Scalar, ScalarStyle};
