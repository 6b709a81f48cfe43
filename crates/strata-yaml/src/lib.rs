//! YAML as kustomize reads and prints it: the node tree, the parser that builds it, scalar
//! typing and the printers.
//!
//! This crate knows nothing of Kubernetes. [`parse`] turns a [`source::SourceFile`] into
//! [`Node`] trees with a span on every node, within budgets the caller passes in
//! ([`parse::Limits`]); [`resolve`] types scalars as go-yaml v3 (and v2, YAML 1.1) does;
//! [`emit`] prints `kustomize build`'s bytes (yaml.v2) and [`kyaml_emit`] kyaml's (yaml.v3).
//! [`go`] reproduces the Go formatting those outputs depend on. Failures are an [`Error`]
//! with a kind, go-yaml's message and a position when there is one.
//!
//! ```
//! use strata_yaml::emit::emit_document;
//! use strata_yaml::parse::{ParseOptions, parse_single};
//! use strata_yaml::source::SourceFile;
//!
//! let file = SourceFile::new("cm.yaml", "b: 'x'\na: [1, 2]\n");
//! let root = parse_single(&file, ParseOptions::default())?.expect("one document");
//! let mut out = String::new();
//! emit_document(&root, &mut out).expect("printable");
//! assert_eq!(out, "a:\n- 1\n- 2\nb: x\n");
//! # Ok::<(), strata_yaml::Error>(())
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![warn(clippy::print_stdout, clippy::print_stderr)]

mod analyze;
mod comments;
pub mod emit;
mod error;
pub mod escape;
pub mod go;
#[cfg(feature = "serde")]
pub mod json;
pub mod kyaml_emit;
mod lenient;
pub mod node;
pub mod parse;
pub mod resolve;
pub mod source;
mod unicode_tables;

pub use error::{Error, ErrorKind, Result};
pub use node::{Entry, Mapping, Node, NodeKind, Scalar, ScalarStyle};
