//! Transformers: small stages over the node tree, each driven by field specs.
//!
//! Traversal lives in [`field_spec`]; each transformer module holds only its policy. This
//! module may use `yaml`, `resource` and `schema`; transformers never touch files.

pub(crate) mod config;
pub(crate) mod field_spec;
pub(crate) mod images;
pub(crate) mod metadata;
pub(crate) mod name_affix;
pub(crate) mod namespace;
pub(crate) mod replacements;
pub(crate) mod replicas;
#[cfg(test)]
mod testutil;
pub(crate) mod vars;
