//! Project tasks for Strata developers, like ruff's `cargo dev`.
//!
//! - `cargo run -p xtask -- codegen` regenerates the compiled-in tables in
//!   `crates/strata/src/schema/generated/` from `../shared/reference` (found through
//!   `$STRATA_SHARED`, else `<workspace>/../shared`), and the Unicode tables of
//!   `crates/strata-yaml/src/unicode_tables.rs` ([`unicode`]).
//! - `cargo run -p xtask -- codegen --check` regenerates them in memory and exits 1, naming each
//!   stale file, if the checked-in ones differ. CI runs it.
//! - `cargo xtask diff-tree DIR [--oracle CMD] [--bin PATH]` renders every kustomization under
//!   DIR with Strata and the oracle and reports the first differing line of each mismatch
//!   ([`diff_tree`]).
//! - `cargo xtask bench-compare --scale small|medium|large [--only W,..]` generates the
//!   shared benchmark workloads, checks Strata's output against kustomize's, and times both
//!   beside the parse-and-print floor ([`bench_compare`]).
//!
//! The library never reads `shared/`: only this tool does, and what it writes is checked in.

mod bench_compare;
mod codegen;
mod diff_tree;
mod fieldspecs;
mod openapi;
mod rust;
mod scope;
mod tsv;
mod unicode;
mod yaml;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask codegen [--check]
       cargo xtask diff-tree DIR [--oracle \"kubectl kustomize\"] [--bin target/release/strata]
       cargo xtask bench-compare [--scale small|medium|large] [--only wide,deep,..] [--runs 5]
                                 [--oracle-runs 1 | --no-oracle] [--oracle CMD] [--out FILE]
                                 [--bin PATH]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["codegen"] => run_codegen(false),
        ["codegen", "--check"] => run_codegen(true),
        ["diff-tree", rest @ ..] => {
            diff_tree::parse_args(rest).and_then(|a| diff_tree::run(&a, &workspace_root()?))
        }
        ["bench-compare", rest @ ..] => {
            bench_compare::parse_args(rest).and_then(|a| bench_compare::run(&a, &workspace_root()?))
        }
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// The workspace root: two levels above this crate's manifest.
fn workspace_root() -> Result<PathBuf, String> {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .ok_or_else(|| "cannot locate the workspace root".to_owned())
}

/// `shared/reference`: `$STRATA_SHARED/reference` (or `$STRATA_SHARED` itself if it is the
/// reference folder), else `<workspace>/../shared/reference`.
fn reference_dir(repo: &Path) -> Result<PathBuf, String> {
    let shared = match std::env::var_os("STRATA_SHARED") {
        Some(dir) => PathBuf::from(dir),
        None => repo.join("../shared"),
    };
    for candidate in [shared.join("reference"), shared.clone()] {
        if candidate.join("fieldspecs").is_dir() && candidate.join("schemas").is_dir() {
            return Ok(candidate);
        }
    }
    Err(format!(
        "no reference data at {} (set STRATA_SHARED to the shared/ folder)",
        shared.display()
    ))
}

fn run_codegen(check: bool) -> Result<ExitCode, String> {
    let repo = workspace_root()?;
    let reference = reference_dir(&repo)?;
    let outputs = codegen::generate(&reference, &repo)?;
    if check {
        let stale = codegen::stale(&repo, &outputs)?;
        if stale.changed.is_empty() && stale.extra.is_empty() {
            return Ok(ExitCode::SUCCESS);
        }
        // On stdout as well as stderr: CI logs keep the tail of one stream.
        for path in &stale.changed {
            eprintln!("stale: {path}");
            if let Some(out) = outputs.iter().find(|o| &o.path == path) {
                println!("{}", codegen::first_difference(&repo, path, &out.text, 8));
            }
        }
        for path in &stale.extra {
            eprintln!("not generated: {}", relative(&repo, path));
        }
        eprintln!("generated tables are out of date: run `cargo run -p xtask -- codegen`");
        return Ok(ExitCode::FAILURE);
    }
    let written = codegen::write(&repo, &outputs)?;
    for path in &written.changed {
        eprintln!("wrote {path}");
    }
    for path in &written.extra {
        eprintln!("removed {}", relative(&repo, path));
    }
    Ok(ExitCode::SUCCESS)
}

/// Returns `path` relative to the workspace root, for messages.
fn relative(repo: &Path, path: &Path) -> String {
    path.strip_prefix(repo)
        .unwrap_or(path)
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The checked-in tables are what the reference data gives (the test form of `--check`).
    /// Absent reference data fails the test under `STRATA_REQUIRE_SHARED=1` (as `.ci/run`
    /// sets it); a clone without `../shared` skips it.
    #[test]
    fn generated_files_are_up_to_date() {
        let repo = workspace_root().expect("workspace root");
        let reference = match reference_dir(&repo) {
            Ok(r) => r,
            Err(e) if std::env::var("STRATA_REQUIRE_SHARED").as_deref() != Ok("1") => {
                eprintln!("note: skipping, reference data not found: {e}");
                return;
            }
            Err(e) => panic!("reference data required: {e}"),
        };
        let outputs = codegen::generate(&reference, &repo).expect("codegen");
        let stale = codegen::stale(&repo, &outputs).expect("compare");
        assert!(
            stale.changed.is_empty() && stale.extra.is_empty(),
            "stale: {:?} {:?}; run `cargo run -p xtask -- codegen`",
            stale.changed,
            stale.extra
        );
    }
}
