//! Project tasks: `cargo run -p xtask -- codegen` regenerates tables from `../shared/reference`.
fn main() {}
