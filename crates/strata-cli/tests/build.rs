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
