//! Bad input gets one `path:line:col: message` line on stderr, exit status 1, and no output on
//! stdout. Speed is not asserted here (a loaded CI machine makes any wall-clock bound flaky):
//! the library's budgets count work and their tests count it too.

use std::path::Path;
use std::process::Command;

struct Failure {
    first_line: String,
}

fn fails(dir: &Path) -> Failure {
    let out = Command::new(env!("CARGO_BIN_EXE_strata"))
        .arg("build")
        .arg(dir)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stdout.is_empty(),
        "partial output: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    let first_line = stderr.lines().next().unwrap_or("").to_owned();
    Failure { first_line }
}

fn setup(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

/// Asserts the first stderr line is `Error: <file ending in suffix>:<line>:<col>: ...message...`.
fn assert_located(f: &Failure, file_suffix: &str, line: u32, message: &str) {
    let rest = f
        .first_line
        .strip_prefix("Error: ")
        .unwrap_or_else(|| panic!("{}", f.first_line));
    let needle = format!("{file_suffix}:{line}:");
    let at = rest
        .find(&needle)
        .unwrap_or_else(|| panic!("no {needle} in {rest}"));
    let after = &rest[at + needle.len()..];
    let (col, msg) = after.split_once(": ").unwrap();
    assert!(col.parse::<u32>().is_ok(), "column in {rest}");
    assert!(msg.contains(message), "{msg:?} lacks {message:?}");
}

const KUST: &str = "resources:\n- r.yaml\n";

#[test]
fn invalid_yaml() {
    let dir = setup(&[("kustomization.yaml", KUST), ("r.yaml", "a: b\n  c: d\n")]);
    assert_located(&fails(dir.path()), "r.yaml", 2, "yaml: line 2");
}

#[test]
fn missing_file() {
    let dir = setup(&[("kustomization.yaml", "resources:\n- nope.yaml\n")]);
    assert_located(&fails(dir.path()), "kustomization.yaml", 2, "doesn't exist");
}

#[test]
fn cycle() {
    let dir = setup(&[
        ("a/kustomization.yaml", "resources:\n- ../b\n"),
        ("b/kustomization.yaml", "resources:\n- ../a\n"),
    ]);
    let f = fails(&dir.path().join("a"));
    assert_located(&f, "kustomization.yaml", 2, "cycle detected");
}

#[test]
fn file_outside_the_root() {
    let dir = setup(&[
        ("app/kustomization.yaml", "resources:\n- ../r.yaml\n"),
        (
            "r.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
        ),
    ]);
    let f = fails(&dir.path().join("app"));
    assert_located(&f, "kustomization.yaml", 2, "is not in or below");
}

#[test]
fn alias_bomb() {
    let mut text = String::from(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n",
    );
    for i in 1..10 {
        let p = i - 1;
        text.push_str(&format!(
            "  a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    assert!(text.len() <= 1024, "{} bytes", text.len());
    let dir = setup(&[("kustomization.yaml", KUST), ("r.yaml", &text)]);
    // Line 11 holds a5, whose aliases (111,111 nodes each) exhaust the 1,000,000-node budget.
    assert_located(&fails(dir.path()), "r.yaml", 11, "excessive aliasing");
}

#[test]
fn deep_nesting() {
    let text = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let dir = setup(&[("kustomization.yaml", KUST), ("r.yaml", &text)]);
    assert_located(&fails(dir.path()), "r.yaml", 1, "");
    // Block nesting needs one more column per level, so 2,000 levels (2 MB) stand for it.
    let mut block = String::new();
    for i in 0..2_000usize {
        block.push_str(&" ".repeat(i));
        block.push_str("- \n");
    }
    let dir = setup(&[("kustomization.yaml", KUST), ("r.yaml", &block)]);
    let f = fails(dir.path());
    assert!(f.first_line.contains("r.yaml:"), "{}", f.first_line);
}
