//! Integration tests: one binary, one module per area.

// Test helpers fail loudly on broken fixtures; that is what a test should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Integration tests read fixtures from disk directly; the library goes through FileSystem.
#![allow(clippy::disallowed_methods)]

mod support;

mod api;
mod examples;
mod fixtures;
mod hostile;
mod http_origins;
mod localize;
mod properties;
mod reference;
mod sops;
