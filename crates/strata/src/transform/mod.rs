//! Transformers: small stages over the node tree, each driven by field specs.
//!
//! Traversal lives in [`field_spec`]; each transformer module holds only its policy. This
//! module may use `yaml`, `resource` and `schema`; transformers never touch files.

pub mod config;
pub mod field_spec;
pub mod images;
pub mod metadata;
pub mod name_affix;
pub mod namespace;
pub mod replacements;
pub mod replicas;
#[cfg(test)]
mod testutil;
pub mod vars;
