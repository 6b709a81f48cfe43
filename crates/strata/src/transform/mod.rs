//! Transformers that rewrite resources in place.

pub mod replacements;
pub mod vars;
