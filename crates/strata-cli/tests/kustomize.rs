//! The `kustomize` command tree (the binary invoked through a `kustomize` symlink), `version`,
//! `create` and `completion`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A temporary directory holding a `kustomize` symlink to the built binary.
pub struct Kustomize {
    pub dir: tempfile::TempDir,
}

impl Kustomize {
    pub fn new() -> Kustomize {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).unwrap();
        link(
            Path::new(env!("CARGO_BIN_EXE_strata")),
            &bin.join("kustomize"),
        );
        Kustomize { dir }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().join("bin/kustomize")
    }

    /// Returns a command running `kustomize` in `cwd`.
    pub fn cmd(&self, cwd: &Path) -> Command {
        let mut c = Command::new(self.path());
        c.current_dir(cwd);
        c
    }

    pub fn run(&self, cwd: &Path, args: &[&str]) -> Output {
        self.cmd(cwd).args(args).output().unwrap()
    }
}

#[cfg(unix)]
fn link(target: &Path, at: &Path) {
    std::os::unix::fs::symlink(target, at).unwrap();
}

#[cfg(not(unix))]
fn link(target: &Path, at: &Path) {
    std::fs::copy(target, at).unwrap();
}

fn strata() -> Command {
    Command::new(env!("CARGO_BIN_EXE_strata"))
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// Argo CD's `versionWithBinaryPath` clean-up and `getSemver` match, step by step
/// (argo-cd util/kustomize/kustomize.go; the pattern is Masterminds/semver's, copied there as
/// `semVerRegex`).
fn argo_cd_semver(short: &str) -> Option<(u64, u64, u64)> {
    const SEM_VER_REGEX: &str = concat!(
        r"v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?",
        r"(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?",
        r"(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?",
    );
    let v = short.trim();
    let v = v.strip_prefix('{').unwrap_or(v);
    let v = v.strip_suffix('}').unwrap_or(v);
    let v = v.trim().replace("  ", " ");
    let v = v.strip_prefix("kustomize/").unwrap_or(&v);
    let caps = regex::Regex::new(SEM_VER_REGEX).unwrap().captures(v)?;
    let num = |i: usize| {
        caps.get(i)
            .map_or(0, |m| m.as_str().trim_start_matches('.').parse().unwrap())
    };
    Some((num(1), num(2), num(3)))
}

#[test]
fn version_short_parses_with_argo_cds_regex() {
    let k = Kustomize::new();
    let short = stdout(&k.run(k.dir.path(), &["version", "--short"]));
    let version = argo_cd_semver(&short).expect("Argo CD finds no version");
    let want: Vec<u64> = strata::KUSTOMIZE_VERSION
        .trim_start_matches('v')
        .split('.')
        .map(|n| n.parse().unwrap())
        .collect();
    assert_eq!([version.0, version.1, version.2], want[..]);
    // Argo CD gates `components` on >= v3.7.0 and Helm's flags on >= v4.1.0.
    assert!(version >= (4, 1, 0));
    // Go's `%v` of provenance.Provenance{Version, BuildDate}: braces and six fields.
    assert_eq!(
        short,
        format!("{{{}  unknown   }}\n", strata::KUSTOMIZE_VERSION)
    );
}

#[test]
fn version_forms_have_kustomizes_shapes() {
    let k = Kustomize::new();
    let v = strata::KUSTOMIZE_VERSION;
    assert_eq!(stdout(&k.run(k.dir.path(), &["version"])), format!("{v}\n"));
    // `strata version` answers like `kustomize version`, for tools given Strata's path.
    assert_eq!(
        stdout(&strata().arg("version").output().unwrap()),
        format!("{v}\n")
    );
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&k.run(k.dir.path(), &["version", "-o", "json"]))).unwrap();
    assert_eq!(json["version"], v);
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        ["buildDate", "gitCommit", "goArch", "goOs", "version"]
    );
    let yaml = stdout(&k.run(k.dir.path(), &["version", "-o", "yaml"]));
    assert!(
        yaml.starts_with(&format!("version: {v}\ngitCommit: unknown\n")),
        "{yaml}"
    );
    // kustomize: "--short and --output are mutually exclusive".
    let out = k.run(k.dir.path(), &["version", "--short", "-o", "json"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn dash_dash_version_names_both_versions() {
    let v = strata::KUSTOMIZE_VERSION;
    let pkg = env!("CARGO_PKG_VERSION");
    assert_eq!(
        stdout(&strata().arg("--version").output().unwrap()),
        format!("strata {pkg} (kustomize {v})\n")
    );
    let k = Kustomize::new();
    assert_eq!(
        stdout(&k.run(k.dir.path(), &["--version"])),
        format!("kustomize {v} (strata {pkg})\n")
    );
}

#[test]
fn bad_usage_exits_1_as_kustomize_and_2_as_strata() {
    let k = Kustomize::new();
    for args in [
        &["bogus"][..],
        &["build", "--no-such-flag"],
        &["version", "extra"],
    ] {
        let out = k.run(k.dir.path(), args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
    }
    // A bare `kustomize` prints its help and succeeds, as cobra does.
    assert_eq!(k.run(k.dir.path(), &[]).status.code(), Some(0));
    let out = strata().arg("bogus").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = k.run(k.dir.path(), &["build", "--help"]);
    assert_eq!(out.status.code(), Some(0));
}

const DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    spec:
      containers:
      - image: registry/app:1.0
        name: app
";

#[test]
fn build_accepts_every_kustomize_flag() {
    let k = Kustomize::new();
    let app = k.dir.path().join("app");
    std::fs::create_dir(&app).unwrap();
    std::fs::write(app.join("kustomization.yaml"), "resources:\n- d.yaml\n").unwrap();
    std::fs::write(app.join("d.yaml"), DEPLOY).unwrap();
    let plain = stdout(&k.run(&app, &["build"]));
    let out = k.run(
        &app,
        &[
            "build",
            "--enable-helm",
            "--helm-command",
            "helm3",
            "--helm-kube-version",
            "1.31",
            "--helm-api-versions",
            "v1",
            "--helm-api-versions",
            "apps/v1",
            "--helm-debug",
            "--enable-alpha-plugins",
            "--enable-exec",
            "-e",
            "A=1",
            "--env",
            "B",
            "--mount",
            "type=bind,src=.,dst=/x",
            "--network",
            "--network-name",
            "host",
            "--as-current-user",
            "--stack-trace",
            "--load-restrictor",
            "LoadRestrictionsNone",
            "--reorder",
            "legacy",
            ".",
        ],
    );
    assert_eq!(stdout(&out), plain);
    let out = k.run(&app, &["build", ".", "."]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Error: specify one path to kustomization.yaml\n"
    );
}

#[test]
fn completion_scripts_for_both_names() {
    let k = Kustomize::new();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let script = stdout(&k.run(k.dir.path(), &["completion", shell]));
        assert!(script.contains("kustomize"), "{shell}");
        assert!(script.contains("helm-kube-version"), "{shell}");
        let script = stdout(&strata().args(["completion", shell]).output().unwrap());
        assert!(script.contains("strata"), "{shell}");
        assert!(script.contains("set-image"), "{shell}");
    }
}

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

/// Runs `kustomize create ARGS` in a fresh directory holding `files`; returns the directory
/// and the command's output.
fn create(files: &[(&str, &str)], args: &[&str]) -> (Kustomize, Output) {
    let k = Kustomize::new();
    let work = k.dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    write(&work, files);
    let mut all = vec!["create"];
    all.extend_from_slice(args);
    let out = k.run(&work, &all);
    (k, out)
}

fn created(k: &Kustomize) -> String {
    std::fs::read_to_string(k.dir.path().join("work/kustomization.yaml")).unwrap()
}

const HEADER: &str = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n";

// The expectations below are those of kustomize/commands/create/create_test.go, as the file
// kustfile writes them (field order of kustfile's `determineFieldOrder`).
#[test]
fn create_matches_kustomizes_tests() {
    let (k, out) = create(&[], &[]);
    assert!(out.status.success());
    assert_eq!(created(&k), HEADER);

    let (k, out) = create(
        &[("foo.yaml", ""), ("bar.yaml", "")],
        &["--resources", "foo.yaml,bar.yaml"],
    );
    assert!(out.status.success());
    assert_eq!(
        created(&k),
        format!("{HEADER}resources:\n- foo.yaml\n- bar.yaml\n")
    );

    let (k, out) = create(&[("foo.yaml", "")], &["--resources", "foo.yaml,bar.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Error: bar.yaml has no match: must build at directory: not a valid directory: \
         'bar.yaml' doesn't exist\n"
    );
    assert!(!k.dir.path().join("work/kustomization.yaml").exists());

    for (args, want) in [
        (&["--namespace", "foo"][..], "namespace: foo\n"),
        (&["--labels", "foo:bar"], "commonLabels:\n  foo: bar\n"),
        (
            &["--annotations", "foo:bar"],
            "commonAnnotations:\n  foo: bar\n",
        ),
        (&["--nameprefix", "foo-"], "namePrefix: foo-\n"),
        (&["--namesuffix", "-foo"], "nameSuffix: -foo\n"),
    ] {
        let (k, out) = create(&[], args);
        assert!(out.status.success(), "{args:?}");
        assert_eq!(created(&k), format!("{HEADER}{want}"), "{args:?}");
    }
}

fn detect_tree() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            "test.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: test\n",
        ),
        (
            "README.md",
            "# Not a k8s resource\nThis file is not a valid kubernetes object.\n",
        ),
        (
            "non-k8s.yaml",
            "# Not a k8s resource\nother: yaml\nfoo:\n- bar\n- baz\n",
        ),
        (
            "sub/test.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: test2\n",
        ),
        (
            "sub/README.md",
            "# Not a k8s resource\nNot a valid kubernetes object.\n",
        ),
        ("sub/non-k8s.yaml", "other: yaml\n"),
        (
            "overlay/test.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: test3\n",
        ),
        ("overlay/kustomization.yaml", "resources:\n- test.yaml\n"),
    ]
}

#[test]
fn create_autodetect_finds_resources_like_kustomize() {
    let (k, out) = create(&detect_tree(), &["--autodetect"]);
    assert!(out.status.success());
    assert_eq!(created(&k), format!("{HEADER}resources:\n- test.yaml\n"));

    let (k, out) = create(&detect_tree(), &["--autodetect", "--recursive"]);
    assert!(out.status.success());
    assert_eq!(
        created(&k),
        format!("{HEADER}resources:\n- overlay\n- sub/test.yaml\n- test.yaml\n")
    );
}

#[test]
fn create_refuses_to_replace_a_kustomization() {
    let existing = "# mine\nresources: []\n";
    let (k, out) = create(&[("Kustomization", existing)], &["--namespace", "x"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Error: kustomization file already exists\n"
    );
    assert!(!k.dir.path().join("work/kustomization.yaml").exists());
    let (k, out) = create(&[("kustomization.yaml", existing)], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(created(&k), existing);
}

/// Returns `kubectl kustomize DIR`'s stdout, or `None` (printing why) when kubectl is absent
/// and neither STRATA_REQUIRE_SHARED nor CI is set.
pub fn oracle(dir: &Path) -> Option<String> {
    match Command::new("kubectl").arg("kustomize").arg(dir).output() {
        Ok(out) => Some(stdout(&out)),
        Err(e) => {
            let required = std::env::var("STRATA_REQUIRE_SHARED").as_deref() == Ok("1")
                || std::env::var_os("CI").is_some();
            assert!(!required, "kubectl kustomize is needed: {e}");
            eprintln!("skipped: kubectl not found ({e})");
            None
        }
    }
}

#[test]
fn created_kustomization_renders_as_kubectl_kustomize_renders_it() {
    let (k, out) = create(
        &detect_tree(),
        &[
            "--autodetect",
            "--recursive",
            "--namespace",
            "yes",
            "--nameprefix",
            "p-",
            "--namesuffix",
            "-1",
            "--labels",
            "app:web,tier:\"1\",flag",
            "--annotations",
            "note:0.5,owner:team a",
        ],
    );
    assert!(out.status.success());
    let work = k.dir.path().join("work");
    let Some(want) = oracle(&work) else { return };
    assert_eq!(stdout(&k.run(&work, &["build"])), want);
}

const BASE_DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: app
        image: registry/app:1.0
      - name: proxy
        image: proxy:1
";

// `strata build --set-image` renders what `kubectl kustomize` renders after the edit that
// `kustomize edit set image` would make (setimage.go: replace by name, `*` keeps the old
// value, sorted by name); the edited copy is written here as that edit writes it.
#[test]
fn set_flags_render_like_the_edited_kustomization() {
    let dir = tempfile::tempdir().unwrap();
    let overlay = "resources:\n- ../base\nimages:\n- name: proxy\n  newName: mirror/proxy\n  \
                   newTag: \"2\"\nreplicas:\n- name: web\n  count: 2\n";
    let edited = "resources:\n- ../base\nimages:\n- name: proxy\n  newName: mirror/proxy\n  \
                  newTag: \"3\"\n- name: registry/app\n  newTag: 5f2c1e0\nreplicas:\n- name: web\n  \
                  count: 5\nnamespace: staging\n";
    write(
        dir.path(),
        &[
            ("base/kustomization.yaml", "resources:\n- d.yaml\n"),
            ("base/d.yaml", BASE_DEPLOY),
            ("overlay/kustomization.yaml", overlay),
            ("edited/kustomization.yaml", edited),
        ],
    );
    let out = strata()
        .arg("build")
        .args([
            "--set-image",
            "registry/app:5f2c1e0",
            "--set-image",
            "proxy=*:3",
        ])
        .args(["--set-replicas", "web=5", "--set-namespace", "staging"])
        .arg(dir.path().join("overlay"))
        .output()
        .unwrap();
    let got = stdout(&out);
    // The file itself is untouched.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("overlay/kustomization.yaml")).unwrap(),
        overlay
    );
    assert!(got.contains("image: registry/app:5f2c1e0"), "{got}");
    let Some(want) = oracle(&dir.path().join("edited")) else {
        return;
    };
    assert_eq!(got, want);
}

#[test]
fn malformed_set_image_is_an_error_before_rendering() {
    let out = strata()
        .args(["build", "--set-image", "app", "/nonexistent"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stderr), @r#"
    Error: --set-image "app": invalid format of image, use one of the following options:
    - <image>=<newimage>:<newtag>
    - <image>=<newimage>@<digest>
    - <image>=<newimage>:<newtag>@<digest>
    - <image>=<newimage>
    - <image>:<newtag>
    - <image>:<newtag>@<digest>
    - <image>@<digest>
    "#);
}

/// Skaffold's `kustomizeBuildArgs` (skaffold pkg/skaffold/render/renderer/kustomize/
/// kustomize.go): each configured build arg split at spaces, then the path.
fn skaffold_build_args(build_args: &[&str], path: &str) -> Vec<String> {
    let mut args: Vec<String> = build_args
        .iter()
        .flat_map(|v| v.split(' ').map(str::to_owned))
        .collect();
    if !path.is_empty() {
        args.push(path.to_owned());
    }
    args
}

// Skaffold runs `kustomize build [buildArgs] PATH`, finding `kustomize` on PATH.
#[test]
fn skaffold_sequence_renders_like_kubectl_kustomize() {
    let k = Kustomize::new();
    let work = k.dir.path().join("work");
    write(
        &work,
        &[
            ("shared/d.yaml", BASE_DEPLOY),
            (
                "app/kustomization.yaml",
                "resources:\n- ../shared/d.yaml\nnamePrefix: dev-\nimages:\n- name: proxy\n  newTag: \"2\"\n",
            ),
        ],
    );
    let build_args = ["--load-restrictor LoadRestrictionsNone", "--enable-helm"];
    let app = work.join("app");
    let path = std::env::join_paths(std::iter::once(k.dir.path().join("bin")).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let out = Command::new("kustomize")
        .env("PATH", path)
        .arg("build")
        .args(skaffold_build_args(&build_args, app.to_str().unwrap()))
        .output()
        .unwrap();
    let got = stdout(&out);
    assert!(got.contains("name: dev-web"), "{got}");
    let want = match Command::new("kubectl")
        .args(["kustomize", "--load-restrictor", "LoadRestrictionsNone"])
        .arg(&app)
        .output()
    {
        Ok(out) => stdout(&out),
        Err(e) => {
            assert!(
                std::env::var("STRATA_REQUIRE_SHARED").as_deref() != Ok("1")
                    && std::env::var_os("CI").is_none(),
                "kubectl kustomize is needed: {e}"
            );
            eprintln!("skipped: kubectl not found ({e})");
            return;
        }
    };
    assert_eq!(got, want);
}

/// Argo CD's `parseKustomizeBuildOptions` (argo-cd util/kustomize/kustomize.go): `build
/// <path>`, the Application's build options split on whitespace, then, for kustomize >=
/// v5.3.0 with `--enable-helm` among the options, the Helm capability flags.
fn argo_cd_build_params(
    path: &Path,
    build_options: &str,
    version: (u64, u64, u64),
    kube_version: &str,
    api_versions: &[&str],
) -> Vec<String> {
    let mut params = vec!["build".to_owned(), path.to_str().unwrap().to_owned()];
    params.extend(build_options.split_whitespace().map(str::to_owned));
    if version >= (5, 3, 0) && build_options.contains("--enable-helm") {
        if !kube_version.is_empty() {
            params.extend(["--helm-kube-version".to_owned(), kube_version.to_owned()]);
        }
        for v in api_versions {
            params.extend(["--helm-api-versions".to_owned(), (*v).to_owned()]);
        }
    }
    params
}

// Argo CD's sequence for an Application without `spec.source.kustomize` overrides (those go
// through `kustomize edit`): `version --short`, then the build with the flags the version
// unlocks. Before issue 19, the unparsable version made Argo CD assume v99.99.99 and every
// build with `--enable-helm` in its options failed on the Helm flags.
#[test]
fn argo_cd_build_sequence_renders_like_kubectl_kustomize() {
    let k = Kustomize::new();
    let app = k.dir.path().join("app");
    write(
        &app,
        &[
            (
                "kustomization.yaml",
                "resources:\n- d.yaml\nnamePrefix: guestbook-\n",
            ),
            ("d.yaml", BASE_DEPLOY),
        ],
    );
    let version = argo_cd_semver(&stdout(&k.run(k.dir.path(), &["version", "--short"])))
        .expect("Argo CD parses the version");
    let params = argo_cd_build_params(
        &app,
        "--enable-helm --load-restrictor LoadRestrictionsRootOnly",
        version,
        "1.31.0",
        &["v1", "apps/v1", "batch/v1"],
    );
    assert!(
        params.iter().any(|p| p == "--helm-api-versions"),
        "{params:?}"
    );
    let got = stdout(&k.cmd(k.dir.path()).args(&params).output().unwrap());
    let Some(want) = oracle(&app) else { return };
    assert_eq!(got, want);
}

// Function flags are accepted at parse time; only a kustomization that needs a function
// fails, and then the error says the flags had no effect.
#[test]
fn function_flags_explain_themselves_only_when_a_function_is_needed() {
    let k = Kustomize::new();
    let app = k.dir.path().join("app");
    write(
        &app,
        &[
            (
                "kustomization.yaml",
                "resources:\n- d.yaml\ntransformers:\n- fn.yaml\n",
            ),
            ("d.yaml", BASE_DEPLOY),
            (
                "fn.yaml",
                "apiVersion: example.com/v1\nkind: SetLabel\nmetadata:\n  name: fn\n  \
                 annotations:\n    config.kubernetes.io/function: |\n      container:\n        \
                 image: example/fn:1\n",
            ),
        ],
    );
    let out = k.run(&app, &["build", "--network", "-e", "A=1", "."]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("KRM function plugins are not supported"),
        "{stderr}"
    );
    assert!(
        stderr.contains("note: --env, --network only configure plugins and container functions"),
        "{stderr}"
    );
    let out = k.run(&app, &["build", "."]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("note:"));
}

#[test]
fn kustomize_help_lists_kustomizes_commands() {
    let k = Kustomize::new();
    insta::assert_snapshot!(stdout(&k.run(k.dir.path(), &["--help"])), @r"
    Manages declarative configuration of Kubernetes (Strata, speaking kustomize's CLI)

    Usage: kustomize <COMMAND>

    Commands:
      build       Build a kustomization target from a directory
      edit        Edits a kustomization file
      create      Create a new kustomization in the current directory
      version     Prints the kustomize version
      completion  Generate shell completion script
      localize    [Alpha] Creates localized copy of target kustomization root at destination
      help        Print this message or the help of the given subcommand(s)

    Options:
      -h, --help     Print help
      -V, --version  Print version
    ");
}
