//! Fixtures of `testdata/build` that reach outside the tree, run through the binary on the
//! files on disk (the library's fixture test renders through `MemoryFs` and skips them):
//!
//! - Helm cases (`args.txt` asks for `--enable-helm`): the binary runs the test Helm
//!   front-end `testdata/helm/helm` (Helm's engine from the PyPI package `helm-python-sdk`)
//!   exactly as `kubectl kustomize` ran it when the expected files were made. Without
//!   helm-python-sdk they are skipped with a printed reason, unless `STRATA_REQUIRE_SHARED=1`
//!   or `CI` is set (`.ci/run` installs it): then they fail.
//! - Remote cases (marked by a `uses-test-repos` file): they fetch `file://` git
//!   repositories that `testdata/remote/setup.sh` makes, as the oracle did.
//! - Exec plugin cases (`--enable-alpha-plugins`): the test plugins under
//!   `testdata/plugins/kustomize/plugin`, found through the `XDG_CONFIG_HOME` of `env.txt`.
//!
//! - Exec KRM functions (`testdata/functions/`), compared with the oracle's output for an
//!   equivalent kustomization.
//!
//! Then the remote cache: many overlays of one remote base fetch it once, `--offline` renders
//! from the cache, and a clone that takes too long fails.

use std::path::{Path, PathBuf};
use std::process::Command;

pub(super) fn repo_root() -> PathBuf {
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

/// Returns the cases with the marker `pick` says, with their `args.txt` words.
fn cases(pick: impl Fn(&Path, &[String]) -> bool) -> Vec<(PathBuf, Vec<String>)> {
    let root = repo_root().join("testdata/build");
    let mut cases: Vec<(PathBuf, Vec<String>)> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .filter_map(|dir| {
            let args = std::fs::read_to_string(dir.join("args.txt")).unwrap_or_default();
            let words: Vec<String> = args.split_whitespace().map(str::to_owned).collect();
            pick(&dir, &words).then_some((dir, words))
        })
        .collect();
    cases.sort();
    cases
}

fn helm_cases() -> Vec<(PathBuf, Vec<String>)> {
    cases(|_, words| words.iter().any(|w| w == "--enable-helm"))
}

fn remote_cases() -> Vec<(PathBuf, Vec<String>)> {
    cases(|dir, _| dir.join("uses-test-repos").exists())
}

/// Makes the test repositories (testdata/remote/setup.sh); fails if git is missing.
pub(super) fn setup_repos() {
    let out = Command::new(repo_root().join("testdata/remote/setup.sh"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "testdata/remote/setup.sh: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn helm_fixtures_match_the_oracle() {
    let cases = helm_cases();
    assert!(cases.len() >= 9, "helm fixtures missing: {}", cases.len());
    if !helm_engine_available() {
        return;
    }
    check_cases(&cases, &[]);
}

fn plugin_cases() -> Vec<(PathBuf, Vec<String>)> {
    cases(|_, words| words.iter().any(|w| w == "--enable-alpha-plugins"))
}

#[test]
fn exec_plugin_fixtures_match_the_oracle() {
    let cases = plugin_cases();
    assert!(cases.len() >= 2, "plugin fixtures missing: {}", cases.len());
    check_cases(&cases, &[]);
}

#[test]
fn remote_fixtures_match_the_oracle() {
    let cases = remote_cases();
    assert!(cases.len() >= 6, "remote fixtures missing: {}", cases.len());
    setup_repos();
    let cache = tempfile::tempdir().unwrap();
    let cache_arg = cache.path().display().to_string();
    check_cases(&cases, &["--cache-dir", &cache_arg]);
}

/// Builds each case with its `args.txt` words plus `extra`, and compares with the oracle's
/// files.
fn check_cases(cases: &[(PathBuf, Vec<String>)], extra: &[&str]) {
    let mut failures = Vec::new();
    for (dir, args) in cases {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        // From the repository root, as testdata/regen.sh runs the oracle (the helm command
        // in args.txt is relative to it).
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_strata"));
        cmd.current_dir(repo_root())
            .arg("build")
            .arg(dir)
            .args(args)
            .args(extra);
        // env.txt: NAME=VALUE lines, `$REPO` for the repository root (as regen.sh reads it).
        let root = repo_root().canonicalize().unwrap();
        for line in std::fs::read_to_string(dir.join("env.txt"))
            .unwrap_or_default()
            .lines()
        {
            if let Some((k, v)) = line.split_once('=') {
                cmd.env(k, v.replace("$REPO", &root.display().to_string()));
            }
        }
        let out = cmd.output().unwrap();
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
            } else if !stderr.contains(".yaml:") {
                // The kustomization's or the plugin config's file:line:col.
                failures.push(format!("{name}: error has no file location: {stderr}"));
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

const BASE_URL: &str = "file:///tmp/strata-test-repos/app//base?ref=v1";

/// A directory holding a `git` that logs each call's first argument to `git.log` and then
/// runs the real git, sleeping first before a `fetch` if `slow` is set.
fn logging_git(slow: bool) -> (tempfile::TempDir, String) {
    let real = Command::new("sh")
        .args(["-c", "command -v git"])
        .output()
        .unwrap();
    let real = String::from_utf8(real.stdout).unwrap().trim().to_owned();
    assert!(!real.is_empty(), "git not found");
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("git.log");
    let sleep = if slow {
        "if [ \"$1\" = fetch ]; then sleep 5; fi\n"
    } else {
        ""
    };
    let script = format!(
        "#!/bin/sh\necho \"$1\" >> '{}'\n{sleep}exec '{real}' \"$@\"\n",
        log.display()
    );
    let git = dir.path().join("git");
    std::fs::write(&git, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&git, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        dir.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    (dir, path)
}

fn fetches(log_dir: &Path) -> usize {
    std::fs::read_to_string(log_dir.join("git.log"))
        .unwrap_or_default()
        .lines()
        .filter(|l| *l == "fetch")
        .count()
}

#[test]
fn overlays_sharing_a_remote_base_fetch_it_once_and_offline_renders_from_the_cache() {
    setup_repos();
    let work = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let mut dirs = Vec::new();
    for i in 0..50 {
        let d = work.path().join(format!("o{i:02}"));
        std::fs::create_dir(&d).unwrap();
        std::fs::write(
            d.join("kustomization.yaml"),
            format!("resources:\n- {BASE_URL}\nnameSuffix: \"-{i}\"\n"),
        )
        .unwrap();
        dirs.push(d);
    }
    let (git_dir, path) = logging_git(false);
    let run = |offline: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_strata"));
        cmd.env("PATH", &path)
            .arg("build")
            .args(&dirs)
            .arg("--cache-dir")
            .arg(cache.path());
        if offline {
            cmd.arg("--offline");
        }
        cmd.output().unwrap()
    };
    let first = run(false);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    // Measured: kustomize fetches once per overlay (50); Strata once per render.
    assert_eq!(fetches(git_dir.path()), 1);
    let text = String::from_utf8(first.stdout.clone()).unwrap();
    assert_eq!(text.matches("kind: Deployment").count(), 50);
    assert!(text.contains("name: app-49"));

    let second = run(true);
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    assert_eq!(second.stdout, first.stdout);
    // No git command at all ran offline (the log holds the first run's calls only).
    let calls = std::fs::read_to_string(git_dir.path().join("git.log")).unwrap();
    let first_calls = calls.lines().count();
    assert!(first_calls >= 4, "{calls}");
    let third = run(true);
    assert!(third.status.success());
    let calls_after = std::fs::read_to_string(git_dir.path().join("git.log")).unwrap();
    assert_eq!(calls_after.lines().count(), first_calls);
}

#[test]
fn offline_without_a_cached_checkout_fails_and_names_the_repository() {
    setup_repos();
    let work = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    std::fs::write(
        work.path().join("kustomization.yaml"),
        format!("resources:\n- {BASE_URL}\n"),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_strata"))
        .arg("build")
        .arg(work.path())
        .arg("--cache-dir")
        .arg(cache.path())
        .arg("--offline")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("kustomization.yaml:2:3"), "{stderr}");
    assert!(
        stderr.contains("--offline: no cached checkout of 'file:///tmp/strata-test-repos/app'"),
        "{stderr}"
    );
}

#[test]
fn a_clone_that_outlasts_its_timeout_fails() {
    setup_repos();
    let work = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    std::fs::write(
        work.path().join("kustomization.yaml"),
        "resources:\n- file:///tmp/strata-test-repos/app//base?ref=v1&timeout=1\n",
    )
    .unwrap();
    let (_git_dir, path) = logging_git(true);
    let out = Command::new(env!("CARGO_BIN_EXE_strata"))
        .env("PATH", &path)
        .arg("build")
        .arg(work.path())
        .arg("--cache-dir")
        .arg(cache.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "hit 1s timeout running 'git fetch --depth=1 file:///tmp/strata-test-repos/app v1'"
        ),
        "{stderr}"
    );
}

#[test]
fn a_url_builds_as_the_root() {
    setup_repos();
    let cache = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_strata"))
        .arg("build")
        .arg(BASE_URL)
        .arg("--cache-dir")
        .arg(cache.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The oracle's output for a kustomization whose only resource is this URL, which
    // kustomize builds to the same bytes as the URL itself.
    let expected =
        std::fs::read_to_string(repo_root().join("testdata/build/remote-base/expected.yaml"))
            .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), expected);
}

/// Runs `strata build DIR ARGS…` and returns the output.
fn build(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_strata"))
        .arg("build")
        .arg(dir)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn exec_functions_render_like_the_equivalent_kustomization() {
    let dir = repo_root().join("testdata/functions/annotate");
    let out = build(&dir, &["--enable-alpha-plugins", "--enable-exec"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // kubectl kustomize runs no exec functions: the oracle is its output for the
    // kustomization that does by hand what the functions do.
    let expected = std::fs::read_to_string(
        repo_root().join("testdata/build/function-equivalent-annotate/expected.yaml"),
    )
    .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), expected);
}

/// A kustomization with one exec function transformer whose script is `script`.
fn function_case(script: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(
        p.join("kustomization.yaml"),
        "resources:\n- cm.yaml\ntransformers:\n- fn.yaml\n",
    )
    .unwrap();
    std::fs::write(
        p.join("cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
    )
    .unwrap();
    std::fs::write(
        p.join("fn.yaml"),
        "apiVersion: fn.example.com/v1\nkind: Fn\nmetadata:\n  name: fn\n  annotations:\n    \
         config.kubernetes.io/function: |\n      exec:\n        path: ./fn.sh\n",
    )
    .unwrap();
    std::fs::write(p.join("fn.sh"), script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p.join("fn.sh"), std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

#[test]
fn exec_function_failures_name_the_config() {
    let cases = [
        (
            "#!/bin/sh\necho 'bad input: no widgets' >&2\nexit 3\n",
            vec!["--enable-alpha-plugins", "--enable-exec"],
            "'./fn.sh' failed: exit status 3: bad input: no widgets",
        ),
        (
            "#!/bin/sh\ncat >/dev/null\necho hello\n",
            vec!["--enable-alpha-plugins", "--enable-exec"],
            "function './fn.sh' printed no valid ResourceList: its kind is not ResourceList",
        ),
        (
            "#!/bin/sh\ncat\n",
            vec!["--enable-alpha-plugins"],
            "exec functions need --enable-exec",
        ),
        ("#!/bin/sh\ncat\n", vec![], "external plugins disabled"),
    ];
    for (script, args, phrase) in cases {
        let dir = function_case(script);
        let out = build(dir.path(), &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{phrase}");
        assert!(out.stdout.is_empty(), "{phrase}");
        assert!(stderr.contains(phrase), "{phrase}: {stderr}");
        assert!(stderr.contains("fn.yaml:1:1"), "{phrase}: {stderr}");
    }
}

#[test]
fn container_functions_name_the_image() {
    let dir = function_case("");
    std::fs::write(
        dir.path().join("fn.yaml"),
        "apiVersion: fn.example.com/v1\nkind: Fn\nmetadata:\n  name: fn\n  annotations:\n    \
         config.kubernetes.io/function: |\n      container:\n        image: example/fn:1\n",
    )
    .unwrap();
    let out = build(dir.path(), &["--enable-alpha-plugins", "--enable-exec"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("'Fn' asks for container image 'example/fn:1'"),
        "{stderr}"
    );
}
