//! `--decrypt`: where the age keys come from, and that a failure prints nothing on stdout.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `strata` with no key source from the caller's environment.
fn strata(home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_strata"));
    for var in [
        "SOPS_AGE_KEY",
        "SOPS_AGE_KEY_FILE",
        "SOPS_AGE_KEY_CMD",
        "XDG_CONFIG_HOME",
    ] {
        c.env_remove(var);
    }
    c.env("HOME", home);
    c
}

fn key_file(name: &str) -> PathBuf {
    repo().join("testdata/sops/keys").join(name)
}

fn build(mut c: Command, case: &str, decrypt: bool) -> Output {
    c.arg("build").arg(repo().join("testdata/sops").join(case));
    if decrypt {
        c.arg("--decrypt");
    }
    c.output().unwrap()
}

fn expected(case: &str) -> String {
    let p = repo().join(format!("testdata/build/sops-plain-{case}/expected.yaml"));
    std::fs::read_to_string(p).unwrap()
}

fn assert_renders(out: &Output, case: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected(case));
}

fn assert_fails(out: &Output, phrase: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty(), "stdout: {:?}", out.stdout);
    assert!(stderr.contains(phrase), "{stderr:?} lacks {phrase:?}");
    assert!(stderr.contains("secret.enc.yaml"), "{stderr}");
}

#[test]
fn every_age_key_source_sops_reads_works() {
    let home = tempfile::tempdir().unwrap();
    let key = std::fs::read_to_string(key_file("age.txt")).unwrap();

    let mut c = strata(home.path());
    c.env("SOPS_AGE_KEY", &key);
    assert_renders(&build(c, "secret-resource", true), "secret-resource");

    let mut c = strata(home.path());
    c.env("SOPS_AGE_KEY_FILE", key_file("age.txt"));
    assert_renders(&build(c, "generator-sources", true), "generator-sources");

    let mut c = strata(home.path());
    let cmd = format!("cat '{}'", key_file("age.txt").display());
    c.env("SOPS_AGE_KEY_CMD", cmd);
    assert_renders(&build(c, "secret-resource", true), "secret-resource");

    // The default file, with a wrong key beside the right one in another source.
    let default = home.path().join(".config/sops/age/keys.txt");
    std::fs::create_dir_all(default.parent().unwrap()).unwrap();
    std::fs::write(&default, &key).unwrap();
    let mut c = strata(home.path());
    c.env("SOPS_AGE_KEY_FILE", key_file("other-age.txt"));
    assert_renders(&build(c, "secret-resource", true), "secret-resource");
}

#[test]
fn failures_print_nothing_on_stdout() {
    let home = tempfile::tempdir().unwrap();
    let c = strata(home.path());
    assert_fails(&build(c, "secret-resource", false), "--decrypt");

    let c = strata(home.path());
    assert_fails(&build(c, "secret-resource", true), "no age identity");

    let mut c = strata(home.path());
    c.env("SOPS_AGE_KEY_FILE", key_file("other-age.txt"));
    assert_fails(
        &build(c, "secret-resource", true),
        "none of the given age identities",
    );

    let mut c = strata(home.path());
    c.env("SOPS_AGE_KEY", "AGE-SECRET-KEY-NOT-A-KEY");
    let out = build(c, "secret-resource", true);
    assert_fails(&out, "SOPS_AGE_KEY: line 1 is not an age identity");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("NOT-A-KEY"));
}
