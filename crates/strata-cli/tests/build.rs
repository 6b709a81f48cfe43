//! `strata build` / `strata render` on good input.

use std::process::Command;

fn strata() -> Command {
    Command::new(env!("CARGO_BIN_EXE_strata"))
}

fn write(dir: &std::path::Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

const CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n";

#[test]
fn build_prints_yaml_on_stdout() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("kustomization.yaml", "resources:\n- cm.yaml\n"),
            ("cm.yaml", CM),
        ],
    );
    let out = strata().arg("build").arg(dir.path()).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), CM);
    assert!(out.stderr.is_empty());
}

/// Counts the documents of a YAML stream with PyYAML's strict loader, or returns `None`
/// (printing why) when python3 with PyYAML is not installed.
pub fn count_yaml_documents(text: &str) -> Option<usize> {
    use std::io::Write;
    let child = std::process::Command::new("python3")
        .args([
            "-c",
            "import yaml,sys; print(len(list(yaml.safe_load_all(sys.stdin))))",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        eprintln!("skipped: python3 not found");
        return None;
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("No module named 'yaml'") {
        eprintln!("skipped: PyYAML not installed");
        return None;
    }
    assert!(out.status.success(), "PyYAML rejected the stream: {stderr}");
    Some(
        String::from_utf8(out.stdout)
            .unwrap()
            .trim()
            .parse()
            .unwrap(),
    )
}

// Issue 19: two overlays' streams were concatenated without `---`, so the last document of
// one merged into the first of the next.
#[test]
fn render_many_dirs_prints_one_stream_with_every_document() {
    let dir = tempfile::tempdir().unwrap();
    let two = format!("{CM}---\n{}", CM.replace("web", "api"));
    write(
        dir.path(),
        &[
            ("a/kustomization.yaml", "resources:\n- cm.yaml\n"),
            ("a/cm.yaml", &two),
            ("b/kustomization.yaml", "resources:\n- cm.yaml\n"),
            ("b/cm.yaml", &two),
        ],
    );
    let out = strata()
        .current_dir(dir.path())
        .args(["render", "a", "b"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    if let Some(n) = count_yaml_documents(&text) {
        assert_eq!(n, 4, "{text}");
    }
    // The same stream goes to -o FILE.
    let out = strata()
        .current_dir(dir.path())
        .args(["render", "a", "b", "-o", "all.yaml"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("all.yaml")).unwrap(),
        text
    );
}

#[test]
fn output_dir_ending_in_a_slash_is_created() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("a/kustomization.yaml", "resources:\n- cm.yaml\n"),
            ("a/cm.yaml", CM),
            ("b/kustomization.yaml", "resources:\n- cm.yaml\n"),
            ("b/cm.yaml", CM),
        ],
    );
    let out = strata()
        .current_dir(dir.path())
        .args(["render", "a", "b", "-o", "new/out/"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read = |name: &str| std::fs::read_to_string(dir.path().join("new/out").join(name)).unwrap();
    assert_eq!(read("a.yaml"), CM);
    assert_eq!(read("b.yaml"), CM);
}

#[test]
fn output_file_in_a_missing_directory_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("a/kustomization.yaml", "resources:\n- cm.yaml\n"),
            ("a/cm.yaml", CM),
        ],
    );
    let out = strata()
        .current_dir(dir.path())
        .args(["render", "a", "-o", "missing/all.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(
        String::from_utf8_lossy(&out.stderr),
        @"Error: cannot write missing/all.yaml: directory missing does not exist; create it first, or end -o with / to write into a new directory"
    );
}

#[test]
fn render_many_dirs_labels_each_output() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("a/kustomization.yaml", "resources:\n- cm.yaml\n"),
            ("a/cm.yaml", CM),
            ("b/kustomization.yaml", "resources:\n- cm.yaml\n"),
            ("b/cm.yaml", CM),
        ],
    );
    let out = strata()
        .current_dir(dir.path())
        .args(["render", "a", "b"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("# Source: a\n{CM}---\n# Source: b\n{CM}")
    );
}

#[test]
fn output_dir_gets_one_file_per_resource() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("k/kustomization.yaml", "resources:\n- cm.yaml\n"),
            ("k/cm.yaml", CM),
        ],
    );
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let out = strata()
        .arg("build")
        .arg(dir.path().join("k"))
        .arg("-o")
        .arg(&out_dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(out_dir.join("v1_configmap_web.yaml")).unwrap(),
        CM
    );
}

#[test]
fn deprecation_warnings_go_to_stderr() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("base/kustomization.yaml", "resources:\n- cm.yaml\n"),
            ("base/cm.yaml", CM),
            ("kustomization.yaml", "bases:\n- base\n"),
        ],
    );
    let out = strata().arg("build").arg(dir.path()).output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), CM);
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("# Warning: 'bases' is deprecated."));
}

#[cfg(unix)]
#[test]
fn broken_pipe_exits_quietly() {
    use std::io::Read;
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    let mut files = vec![(
        "kustomization.yaml".to_owned(),
        String::from("resources:\n"),
    )];
    for i in 0..2000 {
        files[0].1.push_str(&format!("- cm{i}.yaml\n"));
        files.push((format!("cm{i}.yaml"), CM.replace("web", &format!("web{i}"))));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    write(dir.path(), &refs);
    let mut child = strata()
        .arg("build")
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?}", out.status);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn render_many_dirs_to_an_output_dir_writes_one_file_per_dir() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("overlays/a/kustomization.yaml", "resources:\n- cm.yaml\n"),
            ("overlays/a/cm.yaml", CM),
            ("overlays/b/kustomization.yaml", "resources:\n- cm.yaml\n"),
            ("overlays/b/cm.yaml", &CM.replace("web", "api")),
        ],
    );
    std::fs::create_dir(dir.path().join("out")).unwrap();
    let out = strata()
        .current_dir(dir.path())
        .args(["render", "overlays/a", "overlays/b", "-o", "out"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read = |name: &str| std::fs::read_to_string(dir.path().join("out").join(name)).unwrap();
    assert_eq!(read("overlays_a.yaml"), CM);
    assert_eq!(read("overlays_b.yaml"), CM.replace("web", "api"));
}

/// Runs `strata ARGS` in `cwd`; returns whether it succeeded and its stderr.
fn run_in(cwd: &std::path::Path, args: &[&str]) -> (bool, String) {
    let out = strata().current_dir(cwd).args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Returns the names in `dir`, sorted.
fn names_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

// Issue 16: `-o DIR` joined namespace and name into the file name unchecked.
#[test]
fn regression_16_output_namespace_cannot_leave_the_output_dir() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("k/kustomization.yaml", "resources:\n- a.yaml\n- b.yaml\n"),
            (
                "k/a.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: ../../../../tmp/pwn\n",
            ),
            (
                "k/b.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  namespace: prod\n",
            ),
            ("out/keep.txt", "keep"),
        ],
    );
    let (ok, stderr) = run_in(dir.path(), &["build", "k", "-o", "out"]);
    assert!(!ok);
    assert!(
        stderr.contains("cannot be written to a file of its own")
            && stderr.contains("contains '/'"),
        "{stderr}"
    );
    assert!(stderr.contains("a.yaml:5:"), "points at the name: {stderr}");
    assert_eq!(names_in(&dir.path().join("out")), ["keep.txt"]);
    assert_eq!(names_in(dir.path()), ["k", "out"]);
}

// Issue 16: `-o DIR` silently overwrote when two names differed only in case.
#[test]
fn regression_16_output_names_differing_in_case_are_an_error() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("k/kustomization.yaml", "resources:\n- cm.yaml\n"),
            (
                "k/cm.yaml",
                &format!("{CM}---\n{}", CM.replace("web", "Web")),
            ),
        ],
    );
    std::fs::create_dir(dir.path().join("out")).unwrap();
    let (ok, stderr) = run_in(dir.path(), &["build", "k", "-o", "out"]);
    assert!(!ok);
    assert!(
        stderr.contains("would both be written to \"v1_configmap_web.yaml\""),
        "{stderr}"
    );
    assert!(names_in(&dir.path().join("out")).is_empty());
}

// Issue 16: `render A B -o OUT` silently overwrote when two DIRs mapped to one file name.
#[test]
fn regression_16_render_dirs_mapping_to_one_file_are_an_error() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("a/b/kustomization.yaml", "resources:\n- cm.yaml\n"),
            ("a/b/cm.yaml", CM),
            ("a_b/kustomization.yaml", "resources:\n- cm.yaml\n"),
            ("a_b/cm.yaml", CM),
            ("A_B/kustomization.yaml", "resources:\n- cm.yaml\n"),
            ("A_B/cm.yaml", CM),
        ],
    );
    std::fs::create_dir(dir.path().join("out")).unwrap();
    for dirs in [["a/b", "a_b"], ["a_b", "A_B"]] {
        let (ok, stderr) = run_in(dir.path(), &["render", dirs[0], dirs[1], "-o", "out"]);
        assert!(!ok, "{dirs:?}");
        assert!(
            stderr.contains("would be the same file on a case-insensitive file system"),
            "{dirs:?}: {stderr}"
        );
        assert!(names_in(&dir.path().join("out")).is_empty(), "{dirs:?}");
    }
}

// Issue 16: writes followed a symlink already at the output path.
#[cfg(unix)]
#[test]
fn regression_16_output_replaces_a_symlink_instead_of_writing_through_it() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("k/kustomization.yaml", "resources:\n- cm.yaml\n"),
            ("k/cm.yaml", CM),
            ("victim.txt", "keep"),
        ],
    );
    std::fs::create_dir(dir.path().join("out")).unwrap();
    let victim = dir.path().join("victim.txt");
    for link in ["out/v1_configmap_web.yaml", "all.yaml"] {
        std::os::unix::fs::symlink(&victim, dir.path().join(link)).unwrap();
    }
    for args in [
        ["build", "k", "-o", "out"],
        ["build", "k", "-o", "all.yaml"],
    ] {
        let (ok, stderr) = run_in(dir.path(), &args);
        assert!(ok, "{args:?}: {stderr}");
    }
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
    for file in ["out/v1_configmap_web.yaml", "all.yaml"] {
        let path = dir.path().join(file);
        assert!(!path.is_symlink(), "{file}");
        assert_eq!(std::fs::read_to_string(path).unwrap(), CM, "{file}");
    }
    assert_eq!(names_in(&dir.path().join("out")), ["v1_configmap_web.yaml"]);
}

// Issue 16: an overlay turned into a symlink to the repository root could put `.git/config`
// (where `actions/checkout` keeps the job token) into a ConfigMap a diff then publishes.
#[cfg(unix)]
#[test]
fn regression_16_files_inside_git_are_refused_through_symlinks() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "kustomization.yaml",
                "configMapGenerator:\n- name: leak\n  files:\n  - cfg\n",
            ),
            (
                ".git/config",
                "extraheader = AUTHORIZATION: basic c2VjcmV0\n",
            ),
        ],
    );
    std::os::unix::fs::symlink(".git/config", dir.path().join("cfg")).unwrap();
    std::fs::create_dir(dir.path().join("overlays")).unwrap();
    std::os::unix::fs::symlink("..", dir.path().join("overlays/prod")).unwrap();
    let out = strata()
        .current_dir(dir.path())
        .args(["build", "overlays/prod"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    assert!(
        stderr.contains("is inside a .git directory") && stderr.contains("--allow-git-files"),
        "{stderr}"
    );
    assert!(!stderr.contains("c2VjcmV0"), "{stderr}");
    let (ok, stderr) = run_in(dir.path(), &["build", "overlays/prod", "--allow-git-files"]);
    assert!(ok, "{stderr}");
}

// Issue 16: DIRs often come from a glob over the repository, so a name is PR content; a
// newline in it must not start a document of its own in the stream.
#[cfg(unix)]
#[test]
fn regression_16_source_comment_shows_control_characters_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let evil = "a\n---\nkind: Secret\n#";
    for d in ["b", evil] {
        write(
            dir.path(),
            &[
                (
                    &format!("{d}/kustomization.yaml"),
                    "resources:\n- cm.yaml\n",
                ),
                (&format!("{d}/cm.yaml"), CM),
            ],
        );
    }
    let out = strata()
        .current_dir(dir.path())
        .args(["render", "b", evil])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("# Source: b\n{CM}---\n# Source: a\\n---\\nkind: Secret\\n#\n{CM}")
    );
}

// Issue 16: a failed run left earlier files behind.
#[test]
fn regression_16_a_failed_render_leaves_the_previous_output() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("a/kustomization.yaml", "resources:\n- cm.yaml\n"),
            ("a/cm.yaml", CM),
            ("b/kustomization.yaml", "resources:\n- missing.yaml\n"),
            ("out/a.yaml", "previous a\n"),
            ("out/b.yaml", "previous b\n"),
        ],
    );
    let (ok, stderr) = run_in(dir.path(), &["render", "a", "b", "-o", "out"]);
    assert!(!ok);
    assert!(stderr.contains("missing.yaml"), "{stderr}");
    let read = |name: &str| std::fs::read_to_string(dir.path().join("out").join(name)).unwrap();
    assert_eq!(
        (read("a.yaml"), read("b.yaml")),
        ("previous a\n".into(), "previous b\n".into())
    );
    assert_eq!(names_in(&dir.path().join("out")), ["a.yaml", "b.yaml"]);
}

/// `-o` naming a FIFO (like `/dev/null` or `/dev/stdout`, something that is not a regular
/// file) writes the stream through it, as kustomize does; renaming a file over it would
/// replace the node itself, which for `/dev/null` breaks the whole machine.
#[test]
fn output_to_a_fifo_is_written_through_not_replaced() {
    use std::os::unix::fs::FileTypeExt as _;
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("k/kustomization.yaml", "resources:\n- cm.yaml\n"),
            ("k/cm.yaml", CM),
        ],
    );
    let fifo = dir.path().join("pipe");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let (ok, stderr) = run_in(dir.path(), &["build", "k", "-o", "pipe"]);
    assert!(ok, "{stderr}");
    // Checked before joining: a replaced FIFO would leave the reader waiting for a writer.
    let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
    assert!(kind.is_fifo(), "the FIFO was replaced: {kind:?}");
    assert_eq!(reader.join().unwrap(), CM);
    assert_eq!(
        names_in(dir.path()),
        ["k", "pipe"],
        "no temporary file left"
    );
}
