//! Hostile trees on a real disk (issue 16): symlinks to kernel files and devices, FIFOs and
//! huge sparse files get a clear error, and nothing of what they point at reaches stderr.

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// A value only the process environment holds; it must never be printed.
const CANARY: &str = "strata-canary-4c1f9e";

/// Runs `strata build ARGS DIR`; a build that never ends is killed after two minutes (a hang
/// guard against a regression, not a speed check).
fn build(dir: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_strata"))
        .arg("build")
        .args(args)
        .arg(dir)
        .env("STRATA_TEST_CANARY", CANARY)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    for _ in 0..1200 {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    child.kill().unwrap();
    panic!("strata build {} did not finish", dir.display());
}

/// Asserts the build failed with `phrase` on stderr, no output and no canary.
fn assert_refused(out: &Output, phrase: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(stderr.contains(phrase), "{phrase:?} not in {stderr}");
    assert!(!stderr.contains(CANARY), "environment leaked: {stderr}");
    assert!(stderr.len() < 4096, "{} bytes of stderr", stderr.len());
}

fn write(dir: &Path, path: &str, text: &str) {
    let p = dir.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

#[cfg(unix)]
fn link(target: &str, dir: &Path, path: &str) {
    let p = dir.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(target, p).unwrap();
}

const NONE: [&str; 2] = ["--load-restrictor", "LoadRestrictionsNone"];

#[cfg(unix)]
#[test]
fn issue_16_kustomization_linked_to_proc_self_environ() {
    let dir = tempfile::tempdir().unwrap();
    link("/proc/self/environ", dir.path(), "app/kustomization.yaml");
    let app = dir.path().join("app");
    assert_refused(&build(&app, &[]), "unable to find one of");
    // Even where kustomize would follow it, a kernel file is never read.
    assert_refused(&build(&app, &NONE), "not a regular file");
}

#[cfg(unix)]
#[test]
fn issue_16_links_to_devices_are_not_read() {
    let dir = tempfile::tempdir().unwrap();
    link("/dev/zero", dir.path(), "app/kustomization.yaml");
    let app = dir.path().join("app");
    assert_refused(&build(&app, &[]), "unable to find one of");
    assert_refused(&build(&app, &NONE), "not a regular file");

    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app/kustomization.yaml",
        "resources:\n- zero.yaml\n",
    );
    link("/dev/zero", dir.path(), "app/zero.yaml");
    let app = dir.path().join("app");
    assert_refused(&build(&app, &[]), "is not in or below");
    assert_refused(&build(&app, &NONE), "not a regular file");

    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app/kustomization.yaml",
        "configMapGenerator:\n- name: g\n  files:\n  - urandom\n",
    );
    link("/dev/urandom", dir.path(), "app/urandom");
    assert_refused(&build(&dir.path().join("app"), &NONE), "not a regular file");
}

#[cfg(unix)]
#[test]
fn issue_16_fifos_are_not_opened() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app/kustomization.yaml",
        "resources:\n- pipe.yaml\n",
    );
    let status = Command::new("mkfifo")
        .arg(dir.path().join("app/pipe.yaml"))
        .status()
        .unwrap();
    assert!(status.success());
    assert_refused(&build(&dir.path().join("app"), &[]), "not a regular file");

    // A FIFO as the kustomization file itself (kubectl kustomize blocks on it forever).
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("app")).unwrap();
    let status = Command::new("mkfifo")
        .arg(dir.path().join("app/kustomization.yaml"))
        .status()
        .unwrap();
    assert!(status.success());
    assert_refused(&build(&dir.path().join("app"), &[]), "not a regular file");
}

#[test]
fn issue_16_huge_files_are_refused_by_size_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app/kustomization.yaml",
        "resources:\n- big.yaml\n",
    );
    // A sparse gigabyte: no disk used, and the size alone refuses it.
    let big = std::fs::File::create(dir.path().join("app/big.yaml")).unwrap();
    big.set_len(1 << 30).unwrap();
    assert_refused(
        &build(&dir.path().join("app"), &[]),
        "larger than the limit of 268435456 bytes",
    );

    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app/kustomization.yaml",
        "configMapGenerator:\n- name: g\n  envs:\n  - big.env\n",
    );
    let big = std::fs::File::create(dir.path().join("app/big.env")).unwrap();
    big.set_len(1 << 30).unwrap();
    assert_refused(
        &build(&dir.path().join("app"), &[]),
        "larger than the limit of 268435456 bytes",
    );
}

#[test]
fn issue_16_budget_flag_sets_a_budget() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app/kustomization.yaml",
        "configMapGenerator:\n- name: g\n  literals:\n  - a=b\n",
    );
    let app = dir.path().join("app");
    assert!(build(&app, &[]).status.success());
    let out = build(&app, &["--budget", "nodes=5"]);
    assert_refused(&out, "budget of 5 nodes");
    let out = build(&app, &["--budget", "time=5"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown budget 'time'"));
}

#[test]
fn issue_16_a_long_line_prints_a_window_of_itself() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app/kustomization.yaml",
        "resources:\n- r.yaml\n",
    );
    let long = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata: {{a: \"{}\", b: [}}\n",
        "x".repeat(5_000_000)
    );
    write(dir.path(), "app/r.yaml", &long);
    let out = build(&dir.path().join("app"), &[]);
    // assert_refused also bounds stderr to 4 kB.
    assert_refused(&out, "r.yaml:5:");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("…xxxx"), "{stderr}");
}
