//! CLI tests: wiring, exit codes and the shape of diagnostics. Semantics are tested in the
//! library.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly on broken setup"
)]

mod bad_input;
mod build;
mod diff;
mod edit;
mod external;
mod hostile;
mod integrations;
mod kustomize;
mod localize;
mod snapshots_cli;
mod sops;
