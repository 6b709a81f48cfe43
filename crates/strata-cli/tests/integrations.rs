//! The integration files shipped with the workspace: `.pre-commit-hooks.yaml` run by
//! pre-commit itself, and the Argo CD plugin Dockerfile's build step.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// True when a missing tool must fail the test instead of skipping it.
fn required() -> bool {
    std::env::var("STRATA_REQUIRE_SHARED").as_deref() == Ok("1") || std::env::var_os("CI").is_some()
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.email=test@example.com", "-c", "user.name=test"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Returns PATH with the directory of the built `strata` first.
fn path_with_strata() -> std::ffi::OsString {
    let bin = Path::new(env!("CARGO_BIN_EXE_strata"))
        .parent()
        .unwrap()
        .to_path_buf();
    std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap()
}

#[test]
fn pre_commit_hook_fails_when_an_overlay_stops_rendering() {
    if Command::new("pre-commit")
        .arg("--version")
        .output()
        .is_err()
    {
        assert!(!required(), "pre-commit is needed (pip install pre-commit)");
        eprintln!("skipped: pre-commit not found (pip install pre-commit)");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    // The hook repository: the shipped manifest, committed (try-repo reads a commit).
    let hooks = tmp.path().join("hooks");
    std::fs::create_dir(&hooks).unwrap();
    std::fs::copy(
        workspace().join(".pre-commit-hooks.yaml"),
        hooks.join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    git(&hooks, &["init", "-q", "."]);
    git(&hooks, &["add", "-A"]);
    git(&hooks, &["commit", "-qm", "hooks"]);
    // A repository whose root is a kustomization (the hook's default argument is `.`).
    let repo = tmp.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    std::fs::write(repo.join("kustomization.yaml"), "resources:\n- cm.yaml\n").unwrap();
    std::fs::write(
        repo.join("cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n",
    )
    .unwrap();
    git(&repo, &["init", "-q", "."]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-qm", "init"]);
    let run = || -> Output {
        Command::new("pre-commit")
            .current_dir(&repo)
            .env("PATH", path_with_strata())
            .env("PRE_COMMIT_HOME", tmp.path().join("cache"))
            .args(["try-repo"])
            .arg(&hooks)
            .args(["strata-render", "--all-files"])
            .output()
            .unwrap()
    };
    let out = run();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("Passed"), "{text}");

    std::fs::write(repo.join("kustomization.yaml"), "resources:\n- gone.yaml\n").unwrap();
    let out = run();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("Failed"), "{text}");
    assert!(text.contains("kustomization.yaml:2:3:"), "{text}");
    assert!(text.contains("'gone.yaml'"), "{text}");
}

/// Returns the argument words of the Dockerfile's `RUN cargo build …` line.
fn dockerfile_cargo_build() -> Vec<String> {
    let text = std::fs::read_to_string(workspace().join("deploy/argocd-cmp/Dockerfile")).unwrap();
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("RUN cargo build "))
        .expect("the Dockerfile builds with `RUN cargo build …`");
    line.split_whitespace().map(str::to_owned).collect()
}

// The image itself cannot be built here (no container runtime); this runs the Dockerfile's
// own cargo command in the workspace and checks that the file its COPY names is the `strata`
// binary.
#[test]
#[ignore = "builds the release binary; .ci/run runs it after its release build"]
fn argocd_plugin_dockerfile_builds_the_binary_it_copies() {
    let args = dockerfile_cargo_build();
    let out = Command::new(env!("CARGO"))
        .current_dir(workspace())
        .arg("build")
        .args(&args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(workspace().join("deploy/argocd-cmp/Dockerfile")).unwrap();
    let copied = text
        .lines()
        .find_map(|l| l.strip_prefix("COPY --from=build /src/"))
        .and_then(|l| l.split_whitespace().next())
        .expect("the Dockerfile copies the binary from the build stage");
    assert_eq!(copied, "target/release/strata");
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace().join("target"), PathBuf::from);
    let bin = target_dir.join("release/strata");
    let out = Command::new(&bin).arg("version").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{}\n", strata::KUSTOMIZE_VERSION)
    );
}

#[test]
fn argocd_plugin_dockerfile_names_this_workspaces_package() {
    let args = dockerfile_cargo_build();
    let package = args
        .iter()
        .position(|a| a == "-p")
        .and_then(|i| args.get(i + 1))
        .expect("-p PACKAGE");
    assert_eq!(package, env!("CARGO_PKG_NAME"));
    assert!(args.iter().any(|a| a == "--locked"));
    assert!(args.iter().any(|a| a == "--release"));
}
