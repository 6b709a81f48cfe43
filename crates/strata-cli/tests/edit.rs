//! `strata edit`: finding the kustomization file, writing it back, leaving it alone on
//! error, and renders of edited files that match `kubectl kustomize`.

use std::path::Path;
use std::process::{Command, Output};

fn strata(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_strata"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
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

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "status {:?}, stderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

fn fails(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(out.stdout.is_empty());
    String::from_utf8(out.stderr.clone()).unwrap()
}

/// Only the kustomization file (and no temporary file) is left in `dir` besides `others`.
fn only_files(dir: &Path, want: &[&str]) {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut want: Vec<String> = want.iter().map(|s| (*s).to_owned()).collect();
    want.sort();
    assert_eq!(names, want);
}

const KUST: &str = "\
# Deployed by CI: the tag below is rewritten on every release.
resources:
- deploy.yaml # the app

images:
- name: app
  newTag: v1 # bumped by CI
";

const DEPLOY: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: app
        image: app:v0
";

#[test]
fn set_image_rewrites_only_the_tag() {
    let dir = setup(&[("kustomization.yaml", KUST), ("deploy.yaml", DEPLOY)]);
    let out = strata(
        dir.path(),
        &["edit", "set", "image", "app=registry.io/app:v2"],
    );
    ok(&out);
    assert_eq!(
        read(dir.path(), "kustomization.yaml"),
        KUST.replace(
            "  newTag: v1 # bumped by CI\n",
            "  newTag: v2 # bumped by CI\n  newName: registry.io/app\n"
        )
    );
    only_files(dir.path(), &["kustomization.yaml", "deploy.yaml"]);
    // The same edit again changes nothing.
    let before = read(dir.path(), "kustomization.yaml");
    ok(&strata(
        dir.path(),
        &["edit", "set", "image", "app=registry.io/app:v2"],
    ));
    assert_eq!(read(dir.path(), "kustomization.yaml"), before);
}

#[test]
fn malformed_image_leaves_the_file_byte_identical() {
    let dir = setup(&[("kustomization.yaml", KUST)]);
    let err = fails(&strata(dir.path(), &["edit", "set", "image", "app"]));
    assert!(err.starts_with("Error: invalid format of image"), "{err}");
    assert_eq!(read(dir.path(), "kustomization.yaml"), KUST);
    only_files(dir.path(), &["kustomization.yaml"]);
}

#[test]
fn missing_kustomization_is_an_error() {
    let dir = setup(&[("other.yaml", "a: b\n")]);
    let err = fails(&strata(dir.path(), &["edit", "set", "namespace", "x"]));
    assert_eq!(
        err,
        "Error: Missing kustomization file 'kustomization.yaml'.\n"
    );
    only_files(dir.path(), &["other.yaml"]);
}

#[test]
fn ambiguous_kustomization_is_an_error_and_touches_neither() {
    let dir = setup(&[
        ("kustomization.yaml", "namespace: a\n"),
        ("Kustomization", "namespace: b\n"),
    ]);
    let err = fails(&strata(dir.path(), &["edit", "set", "namespace", "x"]));
    assert!(
        err.starts_with(
            "Error: Found multiple kustomization file: [kustomization.yaml Kustomization]"
        ),
        "{err}"
    );
    assert_eq!(read(dir.path(), "kustomization.yaml"), "namespace: a\n");
    assert_eq!(read(dir.path(), "Kustomization"), "namespace: b\n");
}

#[test]
fn kustomization_yml_and_kustomization_are_found() {
    for name in ["kustomization.yml", "Kustomization"] {
        let dir = setup(&[(name, "resources: []\n")]);
        ok(&strata(dir.path(), &["edit", "set", "nameprefix", "p-"]));
        assert_eq!(read(dir.path(), name), "resources: []\nnamePrefix: p-\n");
    }
}

#[test]
fn add_resource_expands_globs_and_skips_the_kustomization() {
    let dir = setup(&[
        ("kustomization.yaml", "resources:\n  - a.yaml\n"),
        ("a.yaml", ""),
        ("b.yaml", ""),
        ("c.yaml", ""),
    ]);
    let out = strata(dir.path(), &["edit", "add", "resource", "*.yaml"]);
    ok(&out);
    assert_eq!(
        read(dir.path(), "kustomization.yaml"),
        "resources:\n  - a.yaml\n  - b.yaml\n  - c.yaml\n"
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "resource a.yaml already in kustomization file\n"
    );
    // A path that matches nothing is an error unless --no-verify.
    let err = fails(&strata(
        dir.path(),
        &["edit", "add", "resource", "missing.yaml"],
    ));
    assert!(err.contains("missing.yaml has no match"), "{err}");
    ok(&strata(
        dir.path(),
        &["edit", "add", "resource", "--no-verify", "missing.yaml"],
    ));
    assert!(read(dir.path(), "kustomization.yaml").ends_with("  - missing.yaml\n"));
}

#[test]
fn add_configmap_takes_kustomize_flags() {
    let dir = setup(&[
        ("kustomization.yaml", "resources: []\n"),
        ("app.env", "A=1\n"),
    ]);
    ok(&strata(
        dir.path(),
        &[
            "edit",
            "add",
            "configmap",
            "cfg",
            "--from-literal=mode=prod",
            "--from-file=cfg=app.env",
            "--behavior=create",
            "--disableNameSuffixHash",
        ],
    ));
    assert_eq!(
        read(dir.path(), "kustomization.yaml"),
        "resources: []\nconfigMapGenerator:\n- name: cfg\n  behavior: create\n  literals:\n  - mode=prod\n  files:\n  - cfg=app.env\n  options:\n    disableNameSuffixHash: true\n"
    );
}

#[test]
fn list_builtin_and_fix_exist() {
    let dir = setup(&[("kustomization.yaml", "bases:\n- ../base\n")]);
    let out = strata(dir.path(), &["edit", "list-builtin"]);
    ok(&out);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("Builtin plugins:\n\n * "), "{text}");
    assert!(text.contains(" * ImageTagTransformer\n"), "{text}");
    let err = fails(&strata(
        dir.path(),
        &["edit", "list-builtin", "ImageTagTransformer", "Nope"],
    ));
    assert_eq!(
        err,
        "Error: unknown builtin plugin 'Nope'; run 'edit list-builtin' to list them\n"
    );
    // The command the build's deprecation warnings point at.
    ok(&strata(dir.path(), &["edit", "fix"]));
    assert_eq!(
        read(dir.path(), "kustomization.yaml"),
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- ../base\n"
    );
}

/// Returns the `kubectl` to compare with, or `None` (a failure under
/// `STRATA_REQUIRE_SHARED=1`, as in CI).
fn kubectl() -> Option<&'static str> {
    let found = Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return Some("kubectl");
    }
    assert!(
        std::env::var("STRATA_REQUIRE_SHARED").as_deref() != Ok("1"),
        "kubectl is required under STRATA_REQUIRE_SHARED=1"
    );
    eprintln!("note: kubectl not found; skipping render comparison");
    None
}

#[test]
fn renders_of_edited_files_match_kubectl_kustomize() {
    let Some(kubectl) = kubectl() else { return };
    let dir = setup(&[("kustomization.yaml", KUST), ("deploy.yaml", DEPLOY)]);
    let edits: &[&[&str]] = &[
        &["edit", "set", "image", "app=registry.io/app:v2@sha256:0123"],
        &["edit", "set", "nameprefix", "prod-"],
        &["edit", "set", "namesuffix", "-eu"],
        &["edit", "set", "namespace", "shop"],
        &["edit", "set", "replicas", "web=3"],
        &["edit", "add", "label", "env:prod", "tier:web"],
        &["edit", "add", "annotation", "owner:team-a"],
        &[
            "edit",
            "add",
            "configmap",
            "cfg",
            "--from-literal=mode=prod",
        ],
        &["edit", "add", "label", "--without-selector", "team:a"],
    ];
    for args in edits {
        ok(&strata(dir.path(), args));
        let ours = strata(dir.path(), &["build", "."]);
        ok(&ours);
        let theirs = Command::new(kubectl)
            .args(["kustomize", "."])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(theirs.status.success(), "{theirs:?}");
        assert_eq!(
            String::from_utf8_lossy(&ours.stdout),
            String::from_utf8_lossy(&theirs.stdout),
            "after {args:?}:\n{}",
            read(dir.path(), "kustomization.yaml")
        );
    }
    // Comments the edits did not touch are all still there.
    let text = read(dir.path(), "kustomization.yaml");
    for comment in ["# Deployed by CI", "# the app", "# bumped by CI"] {
        assert!(text.contains(comment), "{comment} lost:\n{text}");
    }
}

#[test]
fn fix_vars_rewrites_the_files_that_use_them_and_keeps_the_render() {
    let kust = "resources:\n- deploy.yaml\n- cm.yaml\nvars:\n- name: CM\n  objref:\n    apiVersion: v1\n    kind: ConfigMap\n    name: cfg\n";
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n";
    let deploy = DEPLOY.replace(
        "image: app:v0\n",
        "image: app:v0\n        args: [--config=$(CM)]\n",
    );
    let dir = setup(&[
        ("kustomization.yaml", kust),
        ("cm.yaml", cm),
        ("deploy.yaml", &deploy),
    ]);
    let before = strata(dir.path(), &["build", "."]);
    ok(&before);
    ok(&strata(dir.path(), &["edit", "fix", "--vars"]));
    let text = read(dir.path(), "kustomization.yaml");
    assert!(
        text.contains("replacements:") && !text.contains("vars:"),
        "{text}"
    );
    assert!(read(dir.path(), "deploy.yaml").contains("--config=CM_PLACEHOLDER"));
    let after = strata(dir.path(), &["build", "."]);
    ok(&after);
    assert_eq!(
        String::from_utf8_lossy(&after.stdout),
        String::from_utf8_lossy(&before.stdout)
    );
}

#[test]
fn deprecation_warnings_point_at_this_programs_edit_fix() {
    let dir = setup(&[
        ("kustomization.yaml", "bases:\n- base\n"),
        ("base/kustomization.yaml", "resources:\n- cm.yaml\n"),
        (
            "base/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
        ),
    ]);
    let out = strata(dir.path(), &["build", "."]);
    ok(&out);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("Run 'strata edit fix' to update your Kustomization automatically."),
        "{err}"
    );
    // And that command does what the warning says: the warning goes away.
    ok(&strata(dir.path(), &["edit", "fix"]));
    let out = strata(dir.path(), &["build", "."]);
    ok(&out);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The edit calls Argo CD makes for an Application's `spec.source.kustomize` overrides, with
/// its argument forms (argo-cd util/kustomize/kustomize.go `Build`: `--` before values that may
/// start with `-`, `--force`, one `key:value` per argument), then a render compared with
/// `kubectl kustomize` of the same file.
#[test]
fn argo_cd_edit_sequence() {
    let dir = setup(&[
        ("app/kustomization.yaml", KUST),
        ("app/deploy.yaml", DEPLOY),
        (
            "components/tls/kustomization.yaml",
            "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncommonAnnotations:\n  tls: \"on\"\n",
        ),
    ]);
    let app = dir.path().join("app");
    let calls: &[&[&str]] = &[
        &["edit", "set", "nameprefix", "--", "-pre-"],
        &["edit", "set", "namesuffix", "--", "-suf"],
        &["edit", "set", "image", "app=registry.io/app:1.2.3"],
        &["edit", "set", "replicas", "web=4"],
        &[
            "edit",
            "add",
            "label",
            "--force",
            "app.kubernetes.io/part-of:shop",
            "env:prod",
        ],
        &["edit", "add", "annotation", "--force", "team:payments"],
        &["edit", "set", "namespace", "--", "shop"],
        &["edit", "add", "component", "../components/tls"],
    ];
    for args in calls {
        ok(&strata(&app, args));
    }
    let text = read(&app, "kustomization.yaml");
    assert!(text.starts_with("# Deployed by CI"), "{text}");
    assert!(text.contains("namePrefix: -pre-\n"), "{text}");
    let Some(kubectl) = kubectl() else { return };
    let ours = strata(&app, &["build", "."]);
    ok(&ours);
    let theirs = Command::new(kubectl)
        .args(["kustomize", "."])
        .current_dir(&app)
        .output()
        .unwrap();
    assert!(theirs.status.success(), "{theirs:?}");
    assert_eq!(
        String::from_utf8_lossy(&ours.stdout),
        String::from_utf8_lossy(&theirs.stdout)
    );
}

#[cfg(unix)]
#[test]
fn a_symlinked_kustomization_stays_a_symlink() {
    let dir = setup(&[
        ("shared/kustomization.yaml", "resources: []\n"),
        ("app/x", ""),
    ]);
    let app = dir.path().join("app");
    std::os::unix::fs::symlink(
        "../shared/kustomization.yaml",
        app.join("kustomization.yaml"),
    )
    .unwrap();
    ok(&strata(&app, &["edit", "set", "namespace", "shop"]));
    assert!(
        std::fs::symlink_metadata(app.join("kustomization.yaml"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        read(&dir.path().join("shared"), "kustomization.yaml"),
        "resources: []\nnamespace: shop\n"
    );
    only_files(&dir.path().join("shared"), &["kustomization.yaml"]);
}

/// A CircleCI / GitHub Actions deploy step through the `kustomize` name: `kustomize edit set
/// image app=registry/app:$SHA`, then `kustomize build`; the render equals `kubectl
/// kustomize` of the edited file, and the file keeps its comments.
#[cfg(unix)]
#[test]
fn ci_deploy_step_through_the_kustomize_name() {
    let dir = setup(&[
        ("app/kustomization.yaml", KUST),
        ("app/deploy.yaml", DEPLOY),
    ]);
    let bin = dir.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let kustomize = bin.join("kustomize");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_strata"), &kustomize).unwrap();
    let app = dir.path().join("app");
    let sha = "3f2c1ab";
    let edit = Command::new(&kustomize)
        .current_dir(&app)
        .args([
            "edit",
            "set",
            "image",
            &format!("app=registry.io/app:{sha}"),
        ])
        .output()
        .unwrap();
    ok(&edit);
    let text = read(&app, "kustomization.yaml");
    assert!(
        text.contains("# bumped by CI") && text.contains(sha),
        "{text}"
    );
    // kustomize's exit code for bad usage is 1, also for edit.
    let bad = Command::new(&kustomize)
        .current_dir(&app)
        .args(["edit", "set", "image", "app"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert_eq!(read(&app, "kustomization.yaml"), text);
    let ours = Command::new(&kustomize)
        .args(["build", app.to_str().unwrap()])
        .output()
        .unwrap();
    ok(&ours);
    let Some(kubectl) = kubectl() else { return };
    let theirs = Command::new(kubectl)
        .args(["kustomize", "."])
        .current_dir(&app)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&ours.stdout),
        String::from_utf8_lossy(&theirs.stdout)
    );
}

/// add/addtransformer_test.go `TestAddTransformerHappyPath` (a glob matching two files) and
/// `TestAddTransformerMissingKustomizationYAML`; add/addbase_test.go `TestAddBaseHappyPath`
/// (comma-separated directories that must exist) and `TestAddBaseNoArgs`.
#[test]
fn add_transformer_glob_and_add_base() {
    let dir = setup(&[
        ("kustomization.yaml", "resources: []\n"),
        ("myWonderfulTransformer.yaml", "kind: X\n"),
        ("myWonderfulTransformer.yamlanother", "kind: X\n"),
        ("my/path/base/x", ""),
        ("other/x", ""),
    ]);
    ok(&strata(
        dir.path(),
        &["edit", "add", "transformer", "myWonderfulTransformer.yaml*"],
    ));
    assert_eq!(
        read(dir.path(), "kustomization.yaml"),
        "resources: []\ntransformers:\n- myWonderfulTransformer.yaml\n- myWonderfulTransformer.yamlanother\n"
    );
    ok(&strata(
        dir.path(),
        &["edit", "add", "base", "my/path/base,other"],
    ));
    assert!(
        read(dir.path(), "kustomization.yaml").starts_with("resources:\n- my/path/base\n- other\n")
    );
    let err = fails(&strata(dir.path(), &["edit", "add", "base", "nope"]));
    assert_eq!(err, "Error: nope does not exist\n");
    let err = fails(&strata(dir.path(), &["edit", "add", "base"]));
    assert_eq!(err, "Error: must specify a base directory\n");
    let empty = setup(&[("myWonderfulTransformer.yaml", "kind: X\n")]);
    let err = fails(&strata(
        empty.path(),
        &["edit", "add", "transformer", "myWonderfulTransformer.yaml*"],
    ));
    assert_eq!(
        err,
        "Error: Missing kustomization file 'kustomization.yaml'.\n"
    );
}
