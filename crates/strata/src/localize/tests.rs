//! Cases from kustomize's api/internal/localizer/localizer_test.go (named after each test),
//! run on `MemoryFs`: the expected trees are those tests' expectations.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::*;
use crate::fs::MemoryFs;
use crate::remote::RemoteError;

const POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: pod
spec:
  containers:
  - name: nginx
    image: nginx:1.14.2
    ports:
    - containerPort: 80";

fn memory_fs(dir: &str, files: &[(&str, &str)]) -> MemoryFs {
    let mut fs = MemoryFs::new();
    fs.add_file("/a/pod.yaml", POD);
    fs.add_dir("/a/b");
    fs.add_file(
        "/alpha/beta/gamma/delta/deployment.yaml",
        "deployment configuration",
    );
    fs.add_dir("/alpha/beta/say");
    for (p, c) in files {
        fs.add_file(Path::new(dir).join(p), *c);
    }
    fs
}

fn run(fs: &MemoryFs, target: &str, scope: Option<&str>, dest: &str) -> Result<Localized> {
    run_remote(fs, None, target, scope, dest)
}

fn run_remote(
    fs: &MemoryFs,
    remote: Option<&dyn RemoteLoader>,
    target: &str,
    scope: Option<&str>,
    dest: &str,
) -> Result<Localized> {
    let opts = LocalizeOptions {
        scope: scope.map(PathBuf::from),
        ..LocalizeOptions::default()
    };
    localize(fs, remote, target, Path::new(dest), &opts)
}

fn tree(l: &Localized) -> BTreeMap<String, String> {
    l.files()
        .map(|(p, b)| (paths::slash(p), String::from_utf8_lossy(b).into_owned()))
        .collect()
}

fn expect(prefix: &str, files: &[(&str, &str)]) -> BTreeMap<String, String> {
    files
        .iter()
        .map(|(p, c)| {
            (
                paths::slash(&clean(&Path::new(prefix).join(p))),
                (*c).to_owned(),
            )
        })
        .collect()
}

/// `checkLocalizeInTargetSuccess`: target `/a`, scope `/`, destination `/dst`; the copy
/// equals the input.
fn in_target_success(files: &[(&str, &str)]) {
    let fs = memory_fs("/a", files);
    let out = run(&fs, "/a", Some("/"), "/dst").unwrap();
    assert_eq!(tree(&out), expect("a", files));
}

#[test]
fn target_is_scope() {
    let k = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamePrefix: my-\n";
    let fs = memory_fs("/a", &[("kustomization.yaml", k)]);
    let out = run(&fs, "/a", Some("/a"), "/a/b/dst").unwrap();
    assert_eq!(tree(&out), expect(".", &[("kustomization.yaml", k)]));
}

#[test]
fn load_kustomization_name_gvknn_and_legacy_fields() {
    in_target_success(&[(
        "Kustomization",
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nlabels:\n- pairs:\n    label-one: value-one\n    label-two: value-two\n",
    )]);
    in_target_success(&[("kustomization.yaml", "namePrefix: my-\n")]);
    in_target_success(&[("kustomization.yaml", "kind: NotChecked\n")]);
    in_target_success(&[(
        "kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1beta1\ncommonLabels:\n  app: bingo\nimageTags:\n- name: postgres\n  newName: my-registry/my-postgres\n  newTag: v1\nkind: Kustomization\n",
    )]);
}

#[test]
fn load_unknown_kust_fields() {
    let fs = memory_fs(
        "/a",
        &[("kustomization.yaml", "namePrefix: valid\nsuffix: invalid")],
    );
    let e = run(&fs, "/a", None, "/dst").unwrap_err();
    assert!(
        e.to_string().contains("unable to localize target \"/a\""),
        "{e}"
    );
    assert!(e.to_string().contains("suffix"), "{e}");
}

#[test]
fn localize_file_name() {
    for path in [
        "a/b/c/d/patch.yaml",
        "localized-files",
        "localized-files/patch.yaml",
        "patch",
        "a/kustomization.yaml",
    ] {
        let k = format!(
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\npatches:\n- path: {path}\n"
        );
        in_target_success(&[("kustomization.yaml", &k), (path, POD)]);
    }
}

#[test]
fn localize_file_cleaned() {
    let k = "apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
patches:
- path: ../gamma/../../../alpha/beta/./gamma/patch.yaml
- path: /alpha/beta/../beta/./gamma/patch2.yaml
";
    let files = [
        ("kustomization.yaml", k),
        ("patch.yaml", POD),
        ("patch2.yaml", POD),
    ];
    let fs = memory_fs("/alpha/beta/gamma", &files);
    let out = run(&fs, "/alpha/beta/gamma", Some("/"), "/localized-gamma").unwrap();
    let want = "apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
patches:
- path: patch.yaml
- path: patch2.yaml
";
    assert_eq!(
        tree(&out),
        expect(
            "alpha/beta/gamma",
            &[
                ("kustomization.yaml", want),
                ("patch.yaml", POD),
                ("patch2.yaml", POD)
            ]
        )
    );
}

#[test]
fn localize_unreferenced_ignored() {
    let k = "apiVersion: kustomize.config.k8s.io/v1beta1
configMapGenerator:
- envs:
  - env
  name: referenced-file
kind: Kustomization
";
    let fs = memory_fs(
        "/alpha/beta",
        &[
            ("kustomization.yaml", k),
            ("env", "APPLE=orange"),
            ("env.properties", "USERNAME=password"),
            ("dir/resource.yaml", POD),
        ],
    );
    let out = run(&fs, "/alpha/beta", Some("/alpha"), "/beta").unwrap();
    assert_eq!(
        tree(&out),
        expect(
            "beta",
            &[("kustomization.yaml", k), ("env", "APPLE=orange")]
        )
    );
}

#[test]
fn localize_patches_and_generators() {
    in_target_success(&[
        (
            "kustomization.yaml",
            "apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
patches:
- patch: |-
    apiVersion: v1
    kind: Deployment
    metadata:
      labels:
        app.kubernetes.io/version: 1.21.0
      name: dummy-app
  target:
    labelSelector: app.kubernetes.io/name=nginx
- options:
    allowNameChange: true
  path: patch.yaml
",
        ),
        ("patch.yaml", POD),
    ]);
    // TestLocalizeConfigMapGenerator
    in_target_success(&[
        (
            "kustomization.yaml",
            "apiVersion: kustomize.config.k8s.io/v1beta1
configMapGenerator:
- env: single.env
  envs:
  - standard.env
  files:
  - key=file.properties
  - file.properties
  literals:
  - PEAR=pineapple
  name: my-config
kind: Kustomization
",
        ),
        ("single.env", "MANGO=strawberry"),
        ("standard.env", "BANANA=grape"),
        ("file.properties", "APPLE=orange"),
    ]);
}

#[test]
fn localize_empty() {
    for k in [
        "configurations:\n- \"\"\n",
        "bases:\n- \"\"\n",
        "resources:\n- \"\"\n",
        "configMapGenerator:\n- files:\n  - \"\"\n",
        "patchesStrategicMerge:\n- \"\"\n",
        "transformers:\n- \"\"\n",
        "transformers:\n- |\n  apiVersion: builtin\n  kind: PatchStrategicMergeTransformer\n  metadata:\n    name: empty\n  paths:\n  - \"\"\n",
    ] {
        in_target_success(&[("kustomization.yaml", k)]);
    }
}

#[test]
fn localize_plugins_inline_and_file() {
    in_target_success(&[
        (
            "kustomization.yaml",
            "generators:
- generator.yaml
- |
  apiVersion: builtin
  env: second.properties
  kind: ConfigMapGenerator
  metadata:
    name: inline
",
        ),
        (
            "generator.yaml",
            "apiVersion: builtin\nenv: first.properties\nkind: ConfigMapGenerator\nmetadata:\n  name: file\n",
        ),
        ("first.properties", "APPLE=orange"),
        ("second.properties", "BANANA=pear"),
    ]);
    in_target_success(&[
        (
            "kustomization.yaml",
            "apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
transformers:
- |
  apiVersion: builtin
  kind: PatchTransformer
  metadata:
    name: inline
  path: patchSM-one.yaml
- patch.yaml
",
        ),
        (
            "patch.yaml",
            "apiVersion: builtin\nkind: PatchTransformer\nmetadata:\n  name: file\npath: patchSM-two.yaml\n",
        ),
        ("patchSM-one.yaml", POD),
        ("patchSM-two.yaml", POD),
    ]);
}

#[test]
fn localize_bases_components_resources() {
    in_target_success(&[
        ("kustomization.yaml", "bases:\n- b\n- c/d\n"),
        ("b/kustomization.yaml", "kind: Kustomization\n"),
        ("c/d/kustomization.yaml", "kind: Kustomization\n"),
    ]);
    // TestLocalizeResources
    let k = "apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- pod.yaml
- /a/b/pod2.yaml
- ../../alpha
";
    let alpha =
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamePrefix: my-\n";
    let fs = memory_fs(
        "/a/b",
        &[
            ("kustomization.yaml", k),
            ("pod.yaml", POD),
            ("pod2.yaml", POD),
            ("../../alpha/kustomization.yaml", alpha),
        ],
    );
    let out = run(&fs, "/a/b", Some("/"), "/localized-b").unwrap();
    let want = "apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- pod.yaml
- pod2.yaml
- ../../alpha
";
    assert_eq!(
        tree(&out),
        expect(
            "a/b",
            &[
                ("kustomization.yaml", want),
                ("pod.yaml", POD),
                ("pod2.yaml", POD),
                ("../../alpha/kustomization.yaml", alpha),
            ]
        )
    );
}

#[test]
fn localize_path_error() {
    let fs = memory_fs(
        "/a",
        &[(
            "kustomization.yaml",
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- b\n",
        )],
    );
    let e = run(&fs, "/a", Some("/"), "/dst").unwrap_err();
    let m = e.to_string();
    assert!(m.contains("could not localize path \"b\" as file: "), "{m}");
    assert!(
        m.contains("could not localize path \"b\" as directory: "),
        "{m}"
    );
    assert!(
        m.contains("unable to find one of 'kustomization.yaml'"),
        "{m}"
    );
    // The error points at the entry.
    assert_eq!(e.location().map(|l| l.line_col.line), Some(4), "{m}");
}

#[test]
fn argument_errors() {
    let fs = memory_fs("/a", &[("kustomization.yaml", "namePrefix: my-\n")]);
    // locloader_test.go TestNewLocLoader_ExistingNewDir and TestBadArgs.
    let e = run(&fs, "/a", None, "/alpha").unwrap_err();
    assert!(
        e.to_string()
            .contains("localize destination \"/alpha\" already exists"),
        "{e}"
    );
    let e = run(&fs, "/a", Some("/alpha"), "/dst").unwrap_err();
    assert!(
        e.to_string()
            .contains("localize scope \"/alpha\" does not contain target \"/a\" at \"/a\""),
        "{e}"
    );
    let e = run(&fs, "/a", None, "/nowhere/dst").unwrap_err();
    assert!(
        e.to_string().contains("invalid localize destination"),
        "{e}"
    );
    let e = run(&fs, "/a/pod.yaml", None, "/dst").unwrap_err();
    assert!(
        e.to_string()
            .contains("unable to establish localize target"),
        "{e}"
    );
}

#[test]
fn roots_outside_scope_or_into_destination() {
    let fs = memory_fs(
        "/alpha/beta",
        &[
            ("kustomization.yaml", "resources:\n- ../say\n"),
            ("../say/kustomization.yaml", "namePrefix: x-\n"),
        ],
    );
    let e = run(&fs, "/alpha/beta", None, "/dst").unwrap_err();
    assert!(
        e.to_string()
            .contains("root \"/alpha/say\" outside localize scope \"/alpha/beta\""),
        "{e}"
    );
    // A file outside the kustomization's directory (root-only load restrictor).
    let fs = memory_fs(
        "/a/b",
        &[("kustomization.yaml", "resources:\n- ../pod.yaml\n")],
    );
    let e = run(&fs, "/a/b", Some("/"), "/dst").unwrap_err();
    assert!(
        e.to_string()
            .contains("could not localize path \"../pod.yaml\""),
        "{e}"
    );
}

#[test]
fn kustomization_rewritten_as_kustomize_marshals_it() {
    // Keys sorted, empty fields dropped, comments lost, names matched without case.
    let k = "# comment\nnamespace: \"\"\nResources:\n- pod.yaml # here\nnamePrefix: p-\ncommonLabels:\n  empty: \"\"\n";
    let fs = memory_fs("/a", &[("kustomization.yaml", k), ("pod.yaml", POD)]);
    let out = run(&fs, "/a", None, "/dst").unwrap();
    assert_eq!(
        tree(&out),
        expect(
            ".",
            &[
                (
                    "kustomization.yaml",
                    "commonLabels:\n  empty: \"\"\nnamePrefix: p-\nresources:\n- pod.yaml\n"
                ),
                ("pod.yaml", POD)
            ]
        )
    );
}

/// Checkouts and fetches served from fixed answers.
#[derive(Debug)]
struct FakeRemote;

impl RemoteLoader for FakeRemote {
    fn checkout(&self, repo: &RepoSpec) -> std::result::Result<PathBuf, RemoteError> {
        match (repo.clone_spec().as_str(), repo.git_ref.as_str()) {
            ("https://github.com/org/repo", "v1") => Ok(PathBuf::from("/clone")),
            _ => Err(RemoteError::Other("unknown ref".into())),
        }
    }

    fn fetch(&self, url: &str) -> std::result::Result<Vec<u8>, RemoteError> {
        match url {
            "https://raw.example.com/org/repo/v1/pod.yaml" => Ok(POD.as_bytes().to_vec()),
            _ => Err(RemoteError::Status(404)),
        }
    }
}

#[test]
fn remote_roots_and_files() {
    let k = "resources:\n- https://github.com/org/repo//overlay?ref=v1\n- https://raw.example.com/org/repo/v1/pod.yaml\n";
    let fs = memory_fs(
        "/w",
        &[
            ("kustomization.yaml", k),
            (
                "/clone/overlay/kustomization.yaml",
                "resources:\n- ../base\n",
            ),
            ("/clone/base/kustomization.yaml", "resources:\n- pod.yaml\n"),
            ("/clone/base/pod.yaml", POD),
        ],
    );
    let out = run_remote(&fs, Some(&FakeRemote), "/w", None, "/dst").unwrap();
    let dir = "localized-files/github.com/org/repo/v1";
    assert_eq!(
        tree(&out),
        expect(
            ".",
            &[
                (
                    "kustomization.yaml",
                    "resources:\n- localized-files/github.com/org/repo/v1/overlay\n- localized-files/raw.example.com/org/repo/v1/pod.yaml\n"
                ),
                ("localized-files/raw.example.com/org/repo/v1/pod.yaml", POD),
                (
                    &format!("{dir}/overlay/kustomization.yaml"),
                    "resources:\n- ../base\n"
                ),
                (
                    &format!("{dir}/base/kustomization.yaml"),
                    "resources:\n- pod.yaml\n"
                ),
                (&format!("{dir}/base/pod.yaml"), POD),
            ]
        )
    );
    // A remote target: the checkout is the scope; the default destination names repo and ref.
    let target = "https://github.com/org/repo//overlay?ref=v1";
    let t = resolve(&fs, Some(&FakeRemote), target, &LocalizeOptions::default()).unwrap();
    assert_eq!(t.default_destination(), "localized-overlay-v1");
    let out = run_remote(&fs, Some(&FakeRemote), target, None, "/dst").unwrap();
    assert_eq!(
        tree(&out).keys().collect::<Vec<_>>(),
        [
            "base/kustomization.yaml",
            "base/pod.yaml",
            "overlay/kustomization.yaml"
        ]
    );
    // A remote root needs a ref (locloader_test.go TestNewLocLoaderFails... missing ref).
    let fs = memory_fs(
        "/w",
        &[(
            "kustomization.yaml",
            "resources:\n- https://github.com/org/repo//overlay\n",
        )],
    );
    let e = run_remote(&fs, Some(&FakeRemote), "/w", None, "/dst").unwrap_err();
    assert!(
        e.to_string().contains("missing ref query string parameter"),
        "{e}"
    );
    // localized-files must not exist in a root that stores remote content.
    let fs = memory_fs(
        "/w",
        &[
            (
                "kustomization.yaml",
                "resources:\n- https://raw.example.com/org/repo/v1/pod.yaml\n",
            ),
            ("localized-files/x", ""),
        ],
    );
    let e = run_remote(&fs, Some(&FakeRemote), "/w", None, "/dst").unwrap_err();
    assert!(
        e.to_string().contains("already contains localized-files"),
        "{e}"
    );
}

#[test]
fn helm_chart_home_copied() {
    // TestLocalizeHelmCharts: the default chart home is copied whole, values files localized.
    let k = "helmCharts:\n- name: minecraft\n  valuesFile: values.yaml\n";
    let fs = memory_fs(
        "/a",
        &[
            ("kustomization.yaml", k),
            ("values.yaml", "minecraftServer:\n  difficulty: peaceful\n"),
            ("charts/minecraft/Chart.yaml", "name: minecraft\n"),
            ("charts/minecraft/templates/t.yaml", "x: 1\n"),
            ("unused.yaml", "x"),
        ],
    );
    let out = run(&fs, "/a", None, "/dst").unwrap();
    assert_eq!(
        tree(&out),
        expect(
            ".",
            &[
                ("kustomization.yaml", k),
                ("values.yaml", "minecraftServer:\n  difficulty: peaceful\n"),
                ("charts/minecraft/Chart.yaml", "name: minecraft\n"),
                ("charts/minecraft/templates/t.yaml", "x: 1\n"),
            ]
        )
    );
}

#[test]
fn budgets_bound_the_copy() {
    let fs = memory_fs(
        "/a",
        &[
            ("kustomization.yaml", "resources:\n- pod.yaml\n"),
            ("pod.yaml", POD),
        ],
    );
    let opts = LocalizeOptions {
        max_files: 1,
        ..LocalizeOptions::default()
    };
    let e = localize(&fs, None, "/a", Path::new("/dst"), &opts).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit, "{e}");
    let opts = LocalizeOptions {
        max_bytes: 10,
        ..LocalizeOptions::default()
    };
    let e = localize(&fs, None, "/a", Path::new("/dst"), &opts).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit, "{e}");
}

#[test]
fn omit_empty_knows_struct_fields_from_maps() {
    // `labels:` entries are structs (includeSelectors: false is dropped); the maps inside
    // (pairs, a patch's options) keep their empty and false values.
    let k = "labels:\n- includeSelectors: false\n  pairs:\n    a: \"\"\npatches:\n- options:\n    allowNameChange: false\n  path: p.yaml\n";
    let fs = memory_fs("/a", &[("kustomization.yaml", k), ("p.yaml", POD)]);
    let out = run(&fs, "/a", None, "/dst").unwrap();
    assert_eq!(
        tree(&out)["kustomization.yaml"],
        "labels:\n- pairs:\n    a: \"\"\npatches:\n- options:\n    allowNameChange: false\n  path: p.yaml\n"
    );
}

const VALUES: &str = "minecraftServer:\n  difficulty: peaceful\n";

#[test]
fn localize_helm_chart_inflation_generator() {
    // TestLocalizeHelmChartInflationGenerator: entries without chartHome copy the default
    // home; values files are localized.
    in_target_success(&[
        (
            "kustomization.yaml",
            "helmChartInflationGenerator:
- chartName: nothing-to-localize
  chartRepoUrl: https://itzg.github.io/warcraft-server-charts
  releaseName: moria
- chartName: localize-values
  values: minecraftValues.yaml
  valuesLocal:
    minecraftServer:
      eula: true
  valuesMerge: replace
- chartHome: home
  chartName: copy-chartHome
",
        ),
        ("minecraftValues.yaml", VALUES),
        ("charts/localize-values/values.yaml", VALUES),
        ("home/copy-chartHome/values.yaml", VALUES),
    ]);
}

#[test]
fn localize_helm_charts_no_default_and_chart_home_simple() {
    // TestLocalizeHelmChartsNoDefault: with helmGlobals.chartHome, charts/ stays behind.
    let k = "helmGlobals:\n  chartHome: home\n";
    let fs = memory_fs(
        "/a",
        &[
            ("kustomization.yaml", k),
            ("home/name/values.yaml", VALUES),
            ("charts/name/values.yaml", VALUES),
        ],
    );
    let out = run(&fs, "/a", Some("/a"), "/dst").unwrap();
    assert_eq!(
        tree(&out),
        expect(
            ".",
            &[("kustomization.yaml", k), ("home/name/values.yaml", VALUES)]
        )
    );
    // TestCopyChartHomeSimple
    in_target_success(&[(
        "kustomization.yaml",
        "helmGlobals:\n  chartHome: untar-dir\n",
    )]);
    in_target_success(&[
        ("kustomization.yaml", "helmGlobals:\n  chartHome: home\n"),
        ("home/minecraft-3.1.3.tgz", "blah"),
        ("home/terraform-1.0.0.tgz", "la"),
        (
            "home/minecraft/Chart.yaml",
            "annotations:\n  artifacthub.io/links: |\n  - name: source\n    url: https://minecraft.net/\n",
        ),
        (
            "home/terraform/Chart.yaml",
            "description: Minecraft server\n",
        ),
    ]);
}
