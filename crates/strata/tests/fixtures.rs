//! The project's own fixtures under `testdata/build/`, each rendered through `MemoryFs`.
//!
//! A case is a directory holding a kustomization; `expected.yaml` is what the oracle printed
//! for it, or `error-contains.txt` a phrase its error must contain (see testdata/README.md).

use std::path::Path;

use strata::{LoadRestrictor, RenderOptions, Renderer, Reorder};

use crate::support::{diff, memory_fs_from, repo_root};

fn options_for(case: &Path) -> RenderOptions {
    let mut opts = RenderOptions::default();
    if let Ok(args) = std::fs::read_to_string(case.join("args.txt")) {
        let words: Vec<&str> = args.split_whitespace().collect();
        for pair in words.windows(2) {
            match pair {
                ["--load-restrictor", "LoadRestrictionsNone"] => {
                    opts = opts.load_restrictor(LoadRestrictor::None)
                }
                ["--reorder", "none"] => opts = opts.reorder(Reorder::None),
                _ => {}
            }
        }
    }
    opts
}

/// Returns true if the case's oracle flags include `--enable-helm`.
fn needs_helm(case: &Path) -> bool {
    std::fs::read_to_string(case.join("args.txt"))
        .is_ok_and(|a| a.split_whitespace().any(|w| w == "--enable-helm"))
}

/// Renders every case; returns how many ran.
pub fn run_cases(root: &Path) -> usize {
    let mut cases: Vec<_> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        if needs_helm(case)
            || case.join("uses-test-repos").exists()
            || case.join("env.txt").exists()
        {
            // Inflating a chart runs Helm, remote bases are fetched with git and exec
            // plugins run as processes, on the files on disk: strata-cli's
            // tests/external.rs runs these cases through the binary.
            continue;
        }
        let fs = memory_fs_from(case);
        let result = Renderer::new(options_for(case)).render(&fs, "/");
        if let Ok(expected) = std::fs::read_to_string(case.join("expected.yaml")) {
            match result.and_then(|r| {
                let yaml = r.to_yaml()?;
                let warnings: Vec<String> = r.warnings().iter().map(|w| w.to_string()).collect();
                Ok((yaml, warnings))
            }) {
                Ok((actual, warnings)) => {
                    if actual != expected {
                        failures.push(format!("{name}:\n{}", diff(&expected, &actual)));
                    }
                    if let Ok(stderr) = std::fs::read_to_string(case.join("expected-stderr.txt")) {
                        let want: Vec<&str> = stderr
                            .lines()
                            .filter(|l| l.starts_with("# Warning"))
                            .collect();
                        let warnings: Vec<&String> = warnings
                            .iter()
                            .filter(|w| w.starts_with("# Warning"))
                            .collect();
                        if want != warnings {
                            failures
                                .push(format!("{name}: warnings {warnings:?}, expected {want:?}"));
                        }
                    }
                }
                Err(e) => failures.push(format!("{name}: unexpected error: {e}")),
            }
        } else if let Ok(phrase) = std::fs::read_to_string(case.join("error-contains.txt")) {
            let phrase = phrase.trim();
            match result {
                Ok(_) => failures.push(format!("{name}: rendered, but the oracle fails")),
                Err(e) => {
                    let msg = e.to_string();
                    if !msg.contains(phrase) {
                        failures.push(format!("{name}: message {msg:?} lacks {phrase:?}"));
                    }
                }
            }
        } else {
            failures.push(format!(
                "{name}: neither expected.yaml nor error-contains.txt"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    cases.len()
}

#[test]
fn build_fixtures() {
    let root = repo_root().join("testdata/build");
    assert!(run_cases(&root) > 100);
}
