//! `localize` through the binary: the remote fixture of testdata/localize (git checkouts of
//! the file:// test repositories), the `kustomize localize` spelling, verification, and
//! nothing left behind on failure. Localize semantics are tested in the library.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use super::diff::copy_tree;
use super::external::{repo_root, setup_repos};

fn files_under(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read_to_string(&p).unwrap());
            }
        }
    }
    out
}

fn run(bin: &Path, cwd: &Path, args: &[&str], cache: &Path) -> Output {
    Command::new(bin)
        .current_dir(cwd)
        .args(args)
        .arg("--cache-dir")
        .arg(cache)
        .output()
        .unwrap()
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn remote_fixture_localizes_verifies_and_renders_offline() {
    setup_repos();
    let case = repo_root().join("testdata/localize/remote-file-repo");
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    copy_tree(&case.join("input"), &tmp.path().join("input"));
    let cwd = tmp.path().join("input");
    let out = run(
        Path::new(env!("CARGO_BIN_EXE_strata")),
        &cwd,
        &["localize", "target"],
        &cache,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("VERIFICATION SUCCESS"), "{stderr}");
    // The default destination is localized-<target dir>.
    assert_eq!(
        files_under(&cwd.join("localized-target")),
        files_under(&case.join("expected"))
    );
    // The copy renders offline (no cache, no fetch) to the oracle's output for the original.
    let out = Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(["build", "--offline", "--cache-dir"])
        .arg(tmp.path().join("empty-cache"))
        .arg(cwd.join("localized-target"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let want = std::fs::read(case.join("expected-build.yaml")).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&want)
    );
}

#[test]
fn kustomize_spelling_scope_and_no_verify() {
    let case = repo_root().join("testdata/localize/file-cleaned");
    let tmp = tempfile::tempdir().unwrap();
    let bin = tmp.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_strata"), bin.join("kustomize")).unwrap();
    copy_tree(&case.join("input"), &tmp.path().join("input"));
    let cwd = tmp.path().join("input");
    let out = run(
        &bin.join("kustomize"),
        &cwd,
        &[
            "localize",
            "alpha/beta/gamma",
            "../out",
            "--scope",
            ".",
            "--no-verify",
        ],
        &tmp.path().join("cache"),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("VERIFICATION"), "{stderr}");
    assert_eq!(
        files_under(&tmp.path().join("out")),
        files_under(&case.join("expected"))
    );
}

#[test]
fn failures_write_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("app")).unwrap();
    std::fs::write(
        dir.join("app/kustomization.yaml"),
        "resources:\n- pod.yaml\n- missing.yaml\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("app/pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n",
    )
    .unwrap();
    let before = entries(dir);
    let bin = Path::new(env!("CARGO_BIN_EXE_strata"));
    let out = run(bin, dir, &["localize", "app", "dst"], &dir.join("cache"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    // kustomize's message, at the entry's line and column.
    assert!(stderr.contains("kustomization.yaml:3:3"), "{stderr}");
    assert!(
        stderr.contains("could not localize path \"missing.yaml\""),
        "{stderr}"
    );
    assert_eq!(entries(dir), before);
    // An existing destination is refused before anything is written.
    std::fs::write(
        dir.join("app/missing.yaml"),
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n",
    )
    .unwrap();
    std::fs::create_dir(dir.join("dst")).unwrap();
    let out = run(bin, dir, &["localize", "app", "dst"], &dir.join("cache"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("localize destination"), "{stderr}");
    assert!(stderr.contains("already exists"), "{stderr}");
    assert!(entries(&dir.join("dst")).is_empty());
}
