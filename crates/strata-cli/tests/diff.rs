//! `strata diff`: wiring, the three output formats, exit codes, and `--git-ref` against real
//! git repositories. What pairs with what is tested in the library (`strata::diff`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const DEPLOYMENT: &str = "\
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
      - name: web
        image: example.com/shop/web:0.0
        envFrom:
        - configMapRef:
            name: web-config
        - secretRef:
            name: web-secret
";

const SERVICE: &str = "\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
";

const PDB: &str = "\
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 1
";

const HPA: &str = "\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  maxReplicas: 6
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
";

/// An overlay of the shared base: its extra resource, image tag, replicas, log level and
/// password.
fn overlay(extra: &str, tag: &str, replicas: u32, log_level: &str, password: &str) -> String {
    format!(
        "resources:\n- ../base\n- {extra}\nnamespace: shop\n\
         images:\n- name: example.com/shop/web\n  newTag: \"{tag}\"\n\
         replicas:\n- name: web\n  count: {replicas}\n\
         configMapGenerator:\n- name: web-config\n  literals:\n  - LOG_LEVEL={log_level}\n\
         secretGenerator:\n- name: web-secret\n  literals:\n  - PASSWORD={password}\n  - API_KEY=k-123\n"
    )
}

/// `old/` and `new/` differ in every way the diff must show: image tag, replicas, a
/// ConfigMap value (new hash suffix), a Secret value, a removed PDB and an added HPA.
fn two_overlays() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "base/kustomization.yaml",
                "resources:\n- deployment.yaml\n- service.yaml\n",
            ),
            ("base/deployment.yaml", DEPLOYMENT),
            ("base/service.yaml", SERVICE),
            (
                "old/kustomization.yaml",
                &overlay("pdb.yaml", "1.0", 2, "info", "hunter2"),
            ),
            ("old/pdb.yaml", PDB),
            (
                "new/kustomization.yaml",
                &overlay("hpa.yaml", "1.1", 3, "debug", "correct-horse"),
            ),
            ("new/hpa.yaml", HPA),
        ],
    );
    dir
}

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

fn strata(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_strata"))
        .current_dir(cwd)
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", stdout(out), stderr(out)))
}

/// `(change, kind, name)` for each entry of the JSON `changes`.
fn outline(doc: &Value) -> Vec<(String, String, String)> {
    doc["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap_or("").to_owned();
            (s("change"), s("kind"), s("name"))
        })
        .collect()
}

fn base64(s: &str) -> String {
    base64::Engine::encode(&base64::engine::general_purpose::STANDARD, s)
}

#[test]
fn text_output() {
    let dir = two_overlays();
    let out = strata(dir.path(), &["diff", "old", "new"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    insta::assert_snapshot!("text", stdout(&out));
}

#[test]
fn markdown_output() {
    let dir = two_overlays();
    let out = strata(
        dir.path(),
        &[
            "diff",
            "old",
            "new",
            "--output",
            "markdown",
            "--context",
            "1",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    insta::assert_snapshot!("markdown", stdout(&out));
}

#[test]
fn json_output() {
    let dir = two_overlays();
    let out = strata(dir.path(), &["diff", "old", "new", "--output", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc = json(&out);
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["git_ref"], Value::Null);
    let s = |v: &Value| v.as_str().unwrap().to_owned();
    let names: Vec<(String, String, String)> = outline(&doc);
    let kinds: Vec<(&str, &str)> = names
        .iter()
        .map(|(c, k, _)| (c.as_str(), k.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("changed", "ConfigMap"),
            ("changed", "Secret"),
            ("changed", "Deployment"),
            ("added", "HorizontalPodAutoscaler"),
            ("removed", "PodDisruptionBudget"),
        ]
    );
    let changes = doc["changes"].as_array().unwrap();
    for c in changes {
        assert_eq!(c["overlay"], "new");
        assert_eq!(c["namespace"], "shop");
    }
    // The ConfigMap's hash suffix changed: one change, with the old name.
    let cm = &changes[0];
    assert!(s(&cm["name"]).starts_with("web-config-"));
    assert!(s(&cm["old_name"]).starts_with("web-config-"));
    assert_ne!(cm["name"], cm["old_name"]);
    assert_eq!(cm["group"], "");
    assert_eq!(cm["version"], "v1");
    // The Deployment shows the image, the replicas and the two rewritten references.
    let deployment = &changes[2];
    assert_eq!(
        (
            &deployment["group"],
            &deployment["name"],
            &deployment["old_name"]
        ),
        (&Value::from("apps"), &Value::from("web"), &Value::Null)
    );
    let diff = s(&deployment["diff"]);
    for line in [
        "-  replicas: 2\n",
        "+  replicas: 3\n",
        "-        image: example.com/shop/web:1.0\n",
        "+        image: example.com/shop/web:1.1\n",
        &format!("-            name: {}\n", s(&cm["old_name"])),
        &format!("+            name: {}\n", s(&cm["name"])),
    ] {
        assert!(diff.contains(line), "{line:?} not in\n{diff}");
    }
    assert_eq!(
        doc["summary"],
        serde_json::json!({"added": 1, "removed": 1, "changed": 3, "unchanged": 1})
    );
    assert_eq!(doc["overlays"][0]["left"], "old");
    assert_eq!(doc["overlays"][0]["right"], "new");
    assert_eq!(doc["overlays"][0]["changed"], 3);
}

#[test]
fn secrets_are_redacted_unless_shown() {
    let dir = two_overlays();
    let secret_diff = |extra: &[&str]| {
        let mut args = vec!["diff", "old", "new", "--output", "json", "--kind", "Secret"];
        args.extend_from_slice(extra);
        let out = strata(dir.path(), &args);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let doc = json(&out);
        assert_eq!(outline(&doc).len(), 1);
        (
            doc["changes"][0]["diff"].as_str().unwrap().to_owned(),
            stdout(&out),
        )
    };
    let (diff, all) = secret_diff(&[]);
    for value in ["hunter2", "correct-horse", "k-123"] {
        assert!(!all.contains(&base64(value)), "{value} leaked:\n{all}");
    }
    assert!(
        diff.contains("-  PASSWORD: <redacted, old value>\n"),
        "{diff}"
    );
    assert!(
        diff.contains("+  PASSWORD: <redacted, new value>\n"),
        "{diff}"
    );
    assert!(diff.contains("   API_KEY: <redacted>\n"), "{diff}");

    let (diff, _) = secret_diff(&["--show-secrets"]);
    assert!(
        diff.contains(&format!("-  PASSWORD: {}\n", base64("hunter2"))),
        "{diff}"
    );
    assert!(
        diff.contains(&format!("+  PASSWORD: {}\n", base64("correct-horse"))),
        "{diff}"
    );
}

#[test]
fn identical_renders_exit_0() {
    let dir = two_overlays();
    for format in ["text", "json", "markdown"] {
        let out = strata(dir.path(), &["diff", "old", "old", "--output", format]);
        assert_eq!(out.status.code(), Some(0), "{format}: {}", stderr(&out));
        match format {
            "text" => assert_eq!(stdout(&out), "0 added, 0 removed, 0 changed\n"),
            "json" => assert_eq!(json(&out)["changes"], serde_json::json!([])),
            _ => assert!(stdout(&out).contains("**0 added, 0 removed, 0 changed**")),
        }
    }
    // A filter that leaves only equal resources is no difference either.
    let out = strata(dir.path(), &["diff", "old", "new", "--kind", "service"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn a_failing_side_exits_2_and_is_named() {
    let dir = two_overlays();
    write(
        dir.path(),
        &[("broken/kustomization.yaml", "resources:\n- missing.yaml\n")],
    );
    for (args, prefix) in [
        (["diff", "old", "broken"], "error: right (broken): "),
        (["diff", "broken", "old"], "error: left (broken): "),
    ] {
        let out = strata(dir.path(), &args);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(out.stdout.is_empty(), "{}", stdout(&out));
        let err = stderr(&out);
        assert!(err.starts_with(prefix), "{err}");
        assert!(err.contains("missing.yaml"), "{err}");
    }
    // Wrong arguments are errors too.
    let out = strata(dir.path(), &["diff", "old"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("error: diff takes two directories"));
}

#[test]
fn color_follows_the_flag() {
    let dir = two_overlays();
    let args = [
        "diff",
        "old",
        "new",
        "--kind",
        "Deployment",
        "--context",
        "0",
    ];
    let plain = strata(dir.path(), &args);
    assert!(!stdout(&plain).contains('\x1b'));
    let mut colored = args.to_vec();
    colored.extend(["--color", "always"]);
    let out = Command::new(env!("CARGO_BIN_EXE_strata"))
        .current_dir(dir.path())
        .args(&colored)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(
        text.contains("\x1b[1;33m~ apps/Deployment shop/web\x1b[0m\n"),
        "{text:?}"
    );
    assert!(text.contains("\x1b[31m-  replicas: 2\x1b[0m\n"), "{text:?}");
    assert!(text.contains("\x1b[32m+  replicas: 3\x1b[0m\n"), "{text:?}");
    // Without a terminal, auto is plain.
    let mut auto = args.to_vec();
    auto.extend(["--color", "auto"]);
    assert_eq!(stdout(&strata(dir.path(), &auto)), stdout(&plain));
}

/// A git repository in a temporary directory, with git isolated from the user's and the
/// system's configuration.
struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    fn new() -> Repo {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("repo")).unwrap();
        std::fs::create_dir(dir.path().join("home")).unwrap();
        let repo = Repo { dir };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    fn path(&self) -> PathBuf {
        self.dir.path().join("repo")
    }

    fn isolate(&self, cmd: &mut Command) {
        cmd.env("HOME", self.dir.path().join("home"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("NO_COLOR");
        for var in [
            "GIT_DIR",
            "GIT_WORK_TREE",
            "GIT_INDEX_FILE",
            "GIT_OBJECT_DIRECTORY",
            "GIT_CEILING_DIRECTORIES",
        ] {
            cmd.env_remove(var);
        }
    }

    fn git_in(&self, cwd: &Path, args: &[&str]) -> String {
        let mut cmd = Command::new("git");
        cmd.current_dir(cwd).args([
            "-c",
            "user.name=Strata Test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "commit.gpgsign=false",
        ]);
        cmd.args(args);
        self.isolate(&mut cmd);
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
        stdout(&out)
    }

    fn git(&self, args: &[&str]) -> String {
        self.git_in(&self.path(), args)
    }

    fn commit_all(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }

    fn strata_in(&self, cwd: &Path, args: &[&str]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_strata"));
        cmd.current_dir(cwd).args(args);
        self.isolate(&mut cmd);
        cmd.output().unwrap()
    }

    fn strata(&self, args: &[&str]) -> Output {
        self.strata_in(&self.path(), args)
    }
}

pub(super) fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), dest).unwrap();
        }
    }
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from:?} not in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

const STAGING: &str = "examples/webapp/overlays/staging";
const PRODUCTION: &str = "examples/webapp/overlays/production";

fn webapp_repo() -> Repo {
    let repo = Repo::new();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/webapp");
    copy_tree(&example, &repo.path().join("examples/webapp"));
    repo.commit_all("webapp");
    repo
}

#[test]
fn git_ref_against_working_tree() {
    let repo = webapp_repo();
    let args = [
        "diff",
        "--git-ref",
        "HEAD",
        STAGING,
        PRODUCTION,
        "--output",
        "json",
    ];
    let out = repo.strata(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // The production image tag: the images transformer sets it in every workload of the
    // overlay (both Deployments, the Job and the CronJob), and in nothing of staging.
    let kustomization = repo.path().join(PRODUCTION).join("kustomization.yaml");
    edit(&kustomization, "newTag: \"1.4.2\"", "newTag: \"1.4.3\"");
    let out = repo.strata(&args);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc = json(&out);
    assert_eq!(doc["git_ref"], "HEAD");
    assert_eq!(doc["commit"], repo.git(&["rev-parse", "HEAD"]).trim());
    let overlays: Vec<&str> = doc["overlays"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["overlay"].as_str().unwrap())
        .collect();
    assert_eq!(overlays, [STAGING, PRODUCTION]);
    assert_eq!(doc["overlays"][0]["changed"], 0);
    assert_eq!(doc["overlays"][0]["unchanged"], 11);
    let changes = doc["changes"].as_array().unwrap();
    assert!(changes.iter().all(|c| c["overlay"] == PRODUCTION));
    let expected = [
        ("changed", "Deployment", "storefront-web"),
        ("changed", "Deployment", "storefront-worker"),
        ("changed", "CronJob", "storefront-cleanup"),
        ("changed", "Job", "storefront-db-migrate"),
    ];
    let got = outline(&doc);
    let got: Vec<(&str, &str, &str)> = got
        .iter()
        .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
        .collect();
    assert_eq!(got, expected);
    for c in changes {
        let diff = c["diff"].as_str().unwrap();
        assert!(
            diff.contains("-        image: registry.prod.example.com/shop/storefront:1.4.2\n")
                || diff.contains(
                    "-            image: registry.prod.example.com/shop/storefront:1.4.2\n"
                ),
            "{diff}"
        );
        assert_eq!(diff.lines().filter(|l| l.starts_with('+')).count(), 1);
    }

    // One Deployment only: the web replicas.
    edit(&kustomization, "newTag: \"1.4.3\"", "newTag: \"1.4.2\"");
    edit(&kustomization, "count: 4", "count: 6");
    let out = repo.strata(&args);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc = json(&out);
    assert_eq!(
        outline(&doc),
        [(
            "changed".into(),
            "Deployment".into(),
            "storefront-web".into()
        )]
    );
    assert_eq!(doc["changes"][0]["overlay"], PRODUCTION);
    assert_eq!(doc["summary"]["changed"], 1);
}

#[test]
fn git_ref_in_a_shallow_clone() {
    let repo = webapp_repo();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    let env = repo.path().join(PRODUCTION).join("config/production.env");
    edit(&env, "WEB_CONCURRENCY=4", "WEB_CONCURRENCY=6");
    repo.commit_all("more puma workers");

    // As CI checks out a pull request: the branch at depth 1, then the base fetched.
    let clone = repo.dir.path().join("clone");
    let url = format!("file://{}", repo.path().display());
    repo.git_in(
        repo.dir.path(),
        &[
            "clone",
            "-q",
            "--depth=1",
            "--branch",
            "feature",
            &url,
            "clone",
        ],
    );
    assert_eq!(
        repo.git_in(&clone, &["rev-parse", "--is-shallow-repository"]),
        "true\n"
    );
    repo.git_in(&clone, &["fetch", "-q", "--depth=1", "origin", "main"]);
    let out = repo.strata_in(
        &clone,
        &[
            "diff",
            "--git-ref",
            "FETCH_HEAD",
            PRODUCTION,
            "--output",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc = json(&out);
    let got = outline(&doc);
    // The generated ConfigMap (new hash) and the three workloads that use it.
    assert_eq!(got.len(), 5, "{got:?}");
    assert_eq!(got[0].1, "ConfigMap");
    assert!(doc["changes"][0]["old_name"].is_string());
    assert!(got.iter().all(|c| c.0 == "changed"));

    // A ref the clone does not have is an error, not an empty side.
    let out = repo.strata_in(&clone, &["diff", "--git-ref", "HEAD~1", PRODUCTION]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("error: git ref 'HEAD~1'"),
        "{}",
        stderr(&out)
    );
}

#[cfg(unix)]
#[test]
fn git_ref_follows_symlinks_and_new_and_deleted_dirs() {
    let repo = Repo::new();
    let root = repo.path();
    write(
        &root,
        &[
            (
                "base/kustomization.yaml",
                "resources:\n- deployment.yaml\n- service.yaml\n",
            ),
            ("base/deployment.yaml", DEPLOYMENT),
            ("base/service.yaml", SERVICE),
            (
                "apps/web/kustomization.yaml",
                "resources:\n- ../../linked-base\nnamePrefix: a-\n",
            ),
            ("old/kustomization.yaml", "resources:\n- ../base\n"),
        ],
    );
    std::os::unix::fs::symlink("base", root.join("linked-base")).unwrap();
    repo.commit_all("apps");

    // Through the symlink, and from a subdirectory.
    edit(
        &root.join("apps/web/kustomization.yaml"),
        "namePrefix: a-",
        "namePrefix: b-",
    );
    std::fs::remove_dir_all(root.join("old")).unwrap();
    write(
        &root,
        &[("new/kustomization.yaml", "resources:\n- ../base\n")],
    );
    let out = repo.strata_in(
        &root.join("apps"),
        &[
            "diff",
            "--git-ref",
            "HEAD",
            "web",
            "../old",
            "../new",
            "--output",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc = json(&out);
    let by_overlay = |o: usize| {
        let v = &doc["overlays"][o];
        (
            v["overlay"].as_str().unwrap().to_owned(),
            v["added"].as_u64().unwrap(),
            v["removed"].as_u64().unwrap(),
            v["changed"].as_u64().unwrap(),
        )
    };
    assert_eq!(by_overlay(0), ("web".into(), 2, 2, 0));
    assert_eq!(by_overlay(1), ("../old".into(), 0, 2, 0));
    assert_eq!(by_overlay(2), ("../new".into(), 2, 0, 0));

    // The same result on one thread.
    let mut args = vec!["diff", "--git-ref", "HEAD", "web", "../old", "../new"];
    let many = repo.strata_in(&root.join("apps"), &args);
    args.extend(["-j", "1"]);
    let one = repo.strata_in(&root.join("apps"), &args);
    assert_eq!(stdout(&many), stdout(&one));
    assert_eq!(many.status.code(), Some(1));

    // Outside a repository.
    let elsewhere = tempfile::tempdir().unwrap();
    write(
        elsewhere.path(),
        &[("k/kustomization.yaml", "resources: []\n")],
    );
    let out = repo.strata_in(elsewhere.path(), &["diff", "--git-ref", "HEAD", "k"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("error: "), "{}", stderr(&out));
}

// Issue 19: two environments were paired by final name and never met ("13 added, 11
// removed"). By origin, every resource both overlays take from the base is compared.
#[test]
fn environments_pair_by_their_base_resource() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/webapp/overlays");
    let run = |extra: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_strata"))
            .current_dir(&examples)
            .args(["diff", "staging", "production", "--output", "json"])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        json(&out)
    };
    let doc = run(&[]);
    assert_eq!(doc["summary"]["removed"], 0);
    let changes = doc["changes"].as_array().unwrap();
    let added: Vec<(&str, &str)> = changes
        .iter()
        .filter(|c| c["change"] == "added")
        .map(|c| (c["kind"].as_str().unwrap(), c["name"].as_str().unwrap()))
        .collect();
    // Only production has its Namespace object and a feature-flag ConfigMap.
    assert_eq!(added.len(), 2, "{added:?}");
    assert!(added.contains(&("Namespace", "storefront-production")));
    assert!(
        added
            .iter()
            .any(|(k, n)| *k == "ConfigMap" && n.starts_with("storefront-feature-flags-"))
    );
    for c in changes.iter().filter(|c| c["change"] == "changed") {
        let old = c["old_name"].as_str().unwrap();
        let name = c["name"].as_str().unwrap();
        // staging prefixes `staging-`; the base name is common to both.
        let stem = name.rsplit_once('-').map_or(name, |(s, _)| s);
        assert!(old.starts_with("staging-storefront"), "{old}");
        assert!(old.contains(stem.trim_end_matches('-')), "{old} vs {name}");
    }
    assert_eq!(doc["summary"]["changed"], changes.len() - 2);

    let by_final = run(&["--pair-by", "final"]);
    assert_eq!(by_final["summary"]["changed"], 0);
}
