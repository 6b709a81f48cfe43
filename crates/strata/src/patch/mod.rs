//! Patches: JSON 6902 operations and the selection of patch targets.

pub mod json6902;
pub mod target;
