//! Integration tests: one binary, one module per area.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly on broken fixtures; that is what a test should do"
)]
#![allow(
    clippy::disallowed_methods,
    reason = "integration tests read fixtures from disk directly; the library goes through FileSystem"
)]

mod support;

mod api;
mod architecture;
mod examples;
mod fixtures;
mod hostile;
mod http_origins;
mod localize;
mod properties;
mod reference;
mod sops;
