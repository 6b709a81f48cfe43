//! Hostile input (issue 16): every read of a build passes the load restrictor, kustomization
//! files included, and budgets count a build's work across all its files. A recording
//! `FileSystem` proves what was opened; budgets are checked by what they count, never by time.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use strata::{Budget, Budgets, ErrorKind, FileKind, FileSystem, MemoryFs, RenderOptions, Renderer};

/// Wraps a file system and records every path opened for reading.
struct RecordingFs<F> {
    inner: F,
    opened: Mutex<Vec<PathBuf>>,
}

impl<F: FileSystem> RecordingFs<F> {
    fn new(inner: F) -> Self {
        RecordingFs {
            inner,
            opened: Mutex::new(Vec::new()),
        }
    }

    /// Returns the paths opened, as the wrapped file system resolves them.
    fn opened(&self) -> Vec<PathBuf> {
        self.opened
            .lock()
            .unwrap()
            .iter()
            .map(|p| self.inner.canonicalize(p).unwrap_or_else(|_| p.clone()))
            .collect()
    }

    fn record(&self, path: &Path) {
        self.opened.lock().unwrap().push(path.to_path_buf());
    }
}

impl<F: FileSystem> FileSystem for RecordingFs<F> {
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        self.record(path);
        self.inner.read(path)
    }

    fn read_limited(&self, path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
        self.record(path);
        self.inner.read_limited(path, limit)
    }

    fn kind(&self, path: &Path) -> FileKind {
        self.inner.kind(path)
    }

    fn canonicalize(&self, path: &Path) -> std::io::Result<PathBuf> {
        self.inner.canonicalize(path)
    }
}

const CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n";
const SECRET: &str =
    "apiVersion: v1\nkind: Secret\nmetadata:\n  name: other-team\ndata:\n  token: c2VjcmV0\n";

/// A repository with another team's kustomization and Secret beside the overlay root.
fn repo() -> MemoryFs {
    MemoryFs::new()
        .with_file(
            "repo/other/kustomization.yaml",
            "resources:\n- secret.yaml\n",
        )
        .with_file("repo/other/secret.yaml", SECRET)
        .with_file("repo/app/cm.yaml", CM)
}

/// Renders `/repo/app` and returns the error, after checking that nothing outside it was
/// opened.
fn refused(fs: MemoryFs) -> strata::Error {
    let fs = RecordingFs::new(fs);
    let err = Renderer::new(RenderOptions::default())
        .render(&fs, "/repo/app")
        .expect_err("rendered through a symlink out of the root");
    for p in fs.opened() {
        assert!(p.starts_with("/repo/app"), "opened {}", p.display());
    }
    err
}

#[test]
fn issue_16_kustomization_symlinked_out_of_the_root_is_not_read() {
    for name in ["kustomization.yaml", "kustomization.yml", "Kustomization"] {
        let mut fs = repo();
        fs.add_symlink(format!("repo/app/{name}"), "../other/kustomization.yaml");
        let e = refused(fs);
        assert_eq!(e.kind(), ErrorKind::LoadRestriction, "{name}: {e}");
        assert!(e.message().contains("unable to find one of"), "{e}");
        assert!(!e.to_string().contains("secret"), "{e}");
    }
}

#[test]
fn issue_16_base_and_component_kustomizations_symlinked_out_are_not_read() {
    // A base's kustomization file links to one outside the base (and outside the top root).
    let mut fs = repo().with_file(
        "repo/app/kustomization.yaml",
        "resources:\n- base\ncomponents:\n- comp\n",
    );
    fs.add_symlink(
        "repo/app/base/kustomization.yaml",
        "../../other/kustomization.yaml",
    );
    fs.add_dir("repo/app/comp");
    assert_eq!(refused(fs).kind(), ErrorKind::LoadRestriction);

    // A component's, by an absolute link.
    let mut fs = repo().with_file(
        "repo/app/kustomization.yaml",
        "resources:\n- cm.yaml\ncomponents:\n- comp\n",
    );
    fs.add_symlink(
        "repo/app/comp/kustomization.yaml",
        "/repo/other/kustomization.yaml",
    );
    assert_eq!(refused(fs).kind(), ErrorKind::LoadRestriction);

    // A base's kustomization linking to its parent's directory stays outside the base.
    let mut fs = repo().with_file("repo/app/kustomization.yaml", "resources:\n- base\n");
    fs.add_symlink("repo/app/base/kustomization.yaml", "../kustomization.yaml");
    let fs = RecordingFs::new(fs);
    let e = Renderer::new(RenderOptions::default())
        .render(&fs, "/repo/app")
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::LoadRestriction, "{e}");
    assert_eq!(fs.opened(), [PathBuf::from("/repo/app/kustomization.yaml")]);
}

#[test]
fn issue_16_symlinks_inside_the_root_still_work() {
    // kubectl kustomize follows a kustomization symlink that stays in its directory; paths
    // in it are relative to the directory, not to where the link points.
    let mut fs = repo().with_file("repo/app/real/k.yaml", "resources:\n- cm.yaml\n");
    fs.add_symlink("repo/app/kustomization.yaml", "real/k.yaml");
    let rendered = Renderer::new(RenderOptions::default())
        .render(&fs, "/repo/app")
        .unwrap();
    assert_eq!(rendered.resources().len(), 1);
    // With LoadRestrictionsNone kustomize reads a kustomization file from anywhere.
    let mut fs = repo();
    fs.add_symlink("repo/app/kustomization.yaml", "../other/kustomization.yaml");
    let e = Renderer::new(RenderOptions::default().load_restrictor(strata::LoadRestrictor::None))
        .render(&fs, "/repo/app")
        .unwrap_err();
    // The file it names is relative to the overlay, where there is no secret.yaml.
    assert!(e.to_string().contains("secret.yaml"), "{e}");
}

#[test]
fn issue_16_resource_and_generator_files_symlinked_out_are_not_read() {
    let cases = [
        ("resources:\n- leak.yaml\n", "leak.yaml"),
        (
            "configMapGenerator:\n- name: g\n  files:\n  - leak.yaml\n",
            "leak.yaml",
        ),
        (
            "configMapGenerator:\n- name: g\n  envs:\n  - leak.env\n",
            "leak.env",
        ),
        (
            "resources:\n- cm.yaml\npatches:\n- path: leak.yaml\n",
            "leak.yaml",
        ),
    ];
    for (kust, link) in cases {
        let mut fs = repo().with_file("repo/app/kustomization.yaml", kust);
        fs.add_symlink(format!("repo/app/{link}"), "../other/secret.yaml");
        let e = refused(fs);
        assert_eq!(e.kind(), ErrorKind::LoadRestriction, "{kust}: {e}");
    }
}

fn budgets(b: Budget, limit: u64) -> RenderOptions {
    let mut budgets = Budgets::default();
    budgets.set(b, limit);
    RenderOptions::default().budgets(budgets)
}

#[test]
fn issue_16_input_bytes_are_budgeted_per_build() {
    // Ten files of 1000 bytes each: fine alone, over a 5000-byte budget together.
    let mut fs = MemoryFs::new();
    let mut kust = String::from("resources:\n");
    for i in 0..10 {
        let mut text = format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\n");
        text.push_str(&format!(
            "data:\n  pad: \"{}\"\n",
            "x".repeat(1000 - text.len() - 16)
        ));
        assert_eq!(text.len(), 1000);
        fs.add_file(format!("app/c{i}.yaml"), text);
        kust.push_str(&format!("- c{i}.yaml\n"));
    }
    fs.add_file("app/kustomization.yaml", kust.as_str());
    let ok = Renderer::new(RenderOptions::default())
        .render(&fs, "/app")
        .unwrap();
    assert_eq!(ok.usage().input_bytes, 10_000 + kust.len() as u64);
    let e = Renderer::new(budgets(Budget::InputBytes, 5_000))
        .render(&fs, "/app")
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit);
    assert!(e.message().contains("--budget input-bytes=N"), "{e}");
}

/// Returns a resource of about 330 bytes whose `a4` alone expands to 66,430 nodes (a
/// sequence of 9 copies of `a3`, 7,381 nodes, itself 9 copies of `a2`...), well under the
/// per-file alias budget of 1,000,000.
fn alias_bomb(name: &str) -> String {
    let mut text = format!(
        "apiVersion: example.com/v1\nkind: Bomb\nmetadata:\n  name: {name}\nspec:\n  a0: &a0 [x, x, x, x, x, x, x, x, x]\n"
    );
    for i in 1..5 {
        let p = i - 1;
        let refs = vec![format!("*a{p}"); 9].join(", ");
        text.push_str(&format!("  a{i}: &a{i} [{refs}]\n"));
    }
    text
}

#[test]
fn issue_16_alias_bombs_are_budgeted_per_build() {
    let one = MemoryFs::new()
        .with_file("app/kustomization.yaml", "resources:\n- b0.yaml\n")
        .with_file("app/b0.yaml", alias_bomb("b0"));
    let rendered = Renderer::new(RenderOptions::default())
        .render(&one, "/app")
        .unwrap();
    let used = rendered.usage().alias_nodes;
    // All of a0..a4 (74,732 nodes) and the rest of the document, less one node per byte.
    assert!(used > 74_000 && used < 75_000, "{used}");

    // 200 such files: each under the per-file budget, together far over the build's.
    let mut fs = MemoryFs::new();
    let mut kust = String::from("resources:\n");
    for i in 0..200 {
        fs.add_file(format!("app/b{i}.yaml"), alias_bomb(&format!("b{i}")));
        kust.push_str(&format!("- b{i}.yaml\n"));
    }
    fs.add_file("app/kustomization.yaml", kust);
    let fs = RecordingFs::new(fs);
    let e = Renderer::new(RenderOptions::default())
        .render(&fs, "/app")
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit, "{e}");
    assert!(e.to_string().contains("alias-nodes"), "{e}");
    // The default budget (500,000) holds `500_000 / used` files; the next one is opened and
    // its parse stops where the budget runs out.
    let bombs = fs
        .opened()
        .iter()
        .filter(|p| p.to_string_lossy().starts_with("/app/b"))
        .count();
    assert_eq!(bombs as u64, 500_000 / used + 1);
}

/// A kustomization whose `replacements` each copy one ConfigMap's `data` into a new field of
/// the other, so the copies grow like Fibonacci numbers.
fn growing_replacements(n: usize) -> MemoryFs {
    let cm = |name: &str| {
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  k: x\n")
    };
    let mut kust = String::from("resources:\n- a.yaml\n- b.yaml\nreplacements:\n");
    for i in 0..n {
        let (src, dst) = if i % 2 == 0 { ("a", "b") } else { ("b", "a") };
        kust.push_str(&format!(
            "- source: {{kind: ConfigMap, name: {src}, fieldPath: data}}\n  targets:\n  - select: {{kind: ConfigMap, name: {dst}}}\n    fieldPaths: [data.d{i}]\n    options: {{create: true}}\n"
        ));
    }
    MemoryFs::new()
        .with_file("app/kustomization.yaml", kust)
        .with_file("app/a.yaml", cm("a"))
        .with_file("app/b.yaml", cm("b"))
}

#[test]
fn issue_16_replacements_count_the_nodes_they_copy() {
    // `data: {k: x}` is 3 nodes (mapping, key, value). Each copy adds a key and the copied
    // mapping to the other side: copy i has size(i-1) + size(i-2) + 1 nodes.
    let mut sizes = vec![3u64, 7];
    while sizes.len() < 10 {
        let n = sizes.len();
        sizes.push(sizes[n - 1] + sizes[n - 2] + 1);
    }
    let rendered = Renderer::new(RenderOptions::default())
        .render(&growing_replacements(10), "/app")
        .unwrap();
    assert_eq!(rendered.usage().nodes, sizes.iter().sum::<u64>());

    // Forty of them would copy about 10^8 nodes; the default budget (1,000,000) stops them.
    let e = Renderer::new(RenderOptions::default())
        .render(&growing_replacements(40), "/app")
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit, "{e}");
    assert!(e.message().contains("--budget nodes=N"), "{e}");
    assert!(e.to_string().contains("kustomization.yaml:"), "{e}");
}

#[test]
fn issue_16_generators_and_patches_count_their_nodes() {
    let fs = MemoryFs::new()
        .with_file(
            "app/kustomization.yaml",
            "resources:\n- cm.yaml\nconfigMapGenerator:\n- name: g\n  literals:\n  - a=b\npatches:\n- patch: |\n    apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: cm\n    data:\n      x: y\n",
        )
        .with_file("app/cm.yaml", CM);
    let rendered = Renderer::new(RenderOptions::default())
        .render(&fs, "/app")
        .unwrap();
    let usage = rendered.usage();
    // The generated ConfigMap: {apiVersion: v1, kind: ConfigMap, metadata: {name: g},
    // data: {a: b}} is 13 nodes, and so is the patch with `cm` and `x: y`.
    assert_eq!(usage.nodes, 13 + 13);
    assert_eq!(usage.resources, 2);
    assert_eq!(usage.kustomizations, 1);
    let e = Renderer::new(budgets(Budget::Nodes, 20))
        .render(&fs, "/app")
        .unwrap_err();
    assert!(e.message().contains("budget of 20 nodes"), "{e}");
}

/// A diamond of bases `depth` levels deep: the top and every directory of a level list both
/// directories of the next, so the bottom is reached by 2^depth paths. Each directory adds a
/// label, or with `prefixes` a name prefix of its own, so that each path yields resources
/// of their own; the bottom directories hold one ConfigMap each.
fn diamond(depth: usize, prefixes: bool) -> MemoryFs {
    let mut fs = MemoryFs::new().with_file(
        "app/kustomization.yaml",
        "resources:\n- cm.yaml\n- l1a\n- l1b\nbuildMetadata: [originAnnotations]\n",
    );
    fs.add_file("app/cm.yaml", CM);
    for level in 1..=depth {
        for side in ["a", "b"] {
            let dir = format!("app/l{level}{side}");
            let mut k = if level < depth {
                format!("resources:\n- ../l{n}a\n- ../l{n}b\n", n = level + 1)
            } else if prefixes {
                fs.add_file(format!("{dir}/cm.yaml"), CM);
                "resources:\n- cm.yaml\n".to_owned()
            } else {
                String::new()
            };
            if prefixes {
                k.push_str(&format!("namePrefix: {side}-\n"));
            } else {
                k.push_str(&format!("labels:\n- pairs:\n    l{level}{side}: \"yes\"\n"));
            }
            fs.add_file(format!("{dir}/kustomization.yaml"), k);
        }
    }
    fs
}

#[test]
fn issue_16_a_diamond_of_bases_is_accumulated_once_per_directory() {
    // 2^20 paths to the bottom. A directory is accumulated once for its first entry, once
    // more for its second (which keeps a copy) and never again: the top and level 1 are
    // entered once, every later level twice per directory.
    let rendered = Renderer::new(RenderOptions::default())
        .render(&diamond(20, false), "/app")
        .unwrap();
    assert_eq!(rendered.usage().kustomizations, 1 + 2 + 19 * 2 * 2);
    assert_eq!(rendered.resources().len(), 1);
    assert!(rendered.to_yaml().unwrap().contains("path: cm.yaml"));

    // With a prefix per side every path is a resource of its own: 2^20 of them. The copies
    // of kept bases count as resources, so the budget stops the doubling.
    let e = Renderer::new(budgets(Budget::Resources, 10_000))
        .render(&diamond(20, true), "/app")
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit, "{e}");
    assert!(e.message().contains("--budget resources=N"), "{e}");
    // At depth 3 the eight paths render, named after their paths.
    let rendered = Renderer::new(RenderOptions::default())
        .render(&diamond(3, true), "/app")
        .unwrap();
    let mut names: Vec<&str> = rendered
        .resources()
        .iter()
        .map(|r| r.id().name.as_str())
        .collect();
    names.sort_unstable();
    assert_eq!(names.len(), 9);
    assert_eq!(names[0], "a-a-a-cm");
    assert_eq!(names[7], "b-b-b-cm");
    assert_eq!(names[8], "cm");
}

#[test]
fn issue_16_a_diamond_of_components_stops_at_the_kustomization_budget() {
    // Components apply to their parent's resources each time they are listed, so a diamond
    // of them cannot be reused: 2^depth applications, which the budget bounds.
    let depth = 20;
    let mut fs = MemoryFs::new()
        .with_file(
            "app/kustomization.yaml",
            "resources:\n- cm.yaml\ncomponents:\n- c1a\n- c1b\n",
        )
        .with_file("app/cm.yaml", CM);
    for level in 1..=depth {
        for side in ["a", "b"] {
            let mut k =
                String::from("apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n");
            if level < depth {
                k.push_str(&format!(
                    "components:\n- ../c{n}a\n- ../c{n}b\n",
                    n = level + 1
                ));
            } else {
                k.push_str("resources: []\n");
            }
            fs.add_file(format!("app/c{level}{side}/kustomization.yaml"), k);
        }
    }
    let e = Renderer::new(budgets(Budget::Kustomizations, 1_000))
        .render(&fs, "/app")
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit, "{e}");
    assert!(e.message().contains("budget of 1000 kustomization"), "{e}");
    // Depth 3 renders: 1 + 2 + 4 + 8 kustomizations.
    fs.add_file(
        "app/c3a/kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: []\n",
    );
    fs.add_file(
        "app/c3b/kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: []\n",
    );
    let rendered = Renderer::new(RenderOptions::default())
        .render(&fs, "/app")
        .unwrap();
    assert_eq!(rendered.usage().kustomizations, 1 + 2 + 4 + 8);
}

/// A ConfigMap `src` whose `data.v` holds `value`, a var `A` reading it, and a Pod `dst`
/// whose one argument is `$(A)` written `refs` times.
fn var_amplifier(value: &str, refs: usize) -> MemoryFs {
    MemoryFs::new()
        .with_file(
            "app/kustomization.yaml",
            "resources:\n- src.yaml\n- dst.yaml\nvars:\n- name: A\n  objref: {apiVersion: v1, kind: ConfigMap, name: src}\n  fieldref: {fieldpath: data.v}\n",
        )
        .with_file(
            "app/src.yaml",
            format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: src\ndata:\n  v: {value}\n"),
        )
        .with_file(
            "app/dst.yaml",
            format!(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: dst\nspec:\n  containers:\n  - name: c\n    args: [\"{}\"]\n",
                "$(A)".repeat(refs)
            ),
        )
}

#[test]
fn issue_16_vars_count_the_text_they_substitute() {
    // One rewritten field of 10 x 1000 bytes: one node plus one per 64 bytes.
    let rendered = Renderer::new(RenderOptions::default())
        .render(&var_amplifier(&"x".repeat(1000), 10), "/app")
        .unwrap();
    assert_eq!(rendered.usage().nodes, 1 + 10_000 / 64);

    // 4 bytes of `$(A)` stand for 100 kB each: 100k of them would make 10 GB of text. The
    // default budget stops the expansion after about 64 MB.
    let e = Renderer::new(RenderOptions::default())
        .render(&var_amplifier(&"x".repeat(100_000), 100_000), "/app")
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit, "{e}");
    assert!(e.message().contains("--budget nodes=N"), "{e}");
}

#[test]
fn issue_16_many_components_each_adding_a_resource() {
    // Components without transformers run no builtin pass over what is accumulated, and
    // each resource's type is noted once for the schema state: 10k of them render in about
    // a second (68 s before), measured with the release build. Here: the output is the
    // same as with every pass run, in accumulation order, with a label from the last one.
    let n = 2_000;
    let mut top = String::from("resources:\n- cm.yaml\ncomponents:\n");
    let mut fs = MemoryFs::new().with_file("app/cm.yaml", CM);
    for i in 0..n {
        top.push_str(&format!("- c{i}\n"));
        let mut k = String::from(
            "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n- cm.yaml\n",
        );
        if i == n - 1 {
            k.push_str("commonLabels:\n  last: \"yes\"\n");
        }
        fs.add_file(format!("app/c{i}/kustomization.yaml"), k);
        fs.add_file(
            format!("app/c{i}/cm.yaml"),
            CM.replace("name: cm", &format!("name: cm{i}")),
        );
    }
    fs.add_file("app/kustomization.yaml", top);
    let rendered = Renderer::new(RenderOptions::default().reorder(strata::Reorder::None))
        .render(&fs, "/app")
        .unwrap();
    let rs = rendered.resources();
    assert_eq!(rs.len(), n + 1);
    assert_eq!(rendered.usage().kustomizations, n as u64 + 1);
    assert_eq!(rs[1].id().name, "cm0");
    assert_eq!(rs[n].id().name, format!("cm{}", n - 1));
    // The last component's label reaches everything accumulated before it.
    assert!(rendered.to_yaml().unwrap().matches("last: \"yes\"").count() == n + 1);
}

#[test]
fn issue_16_a_file_is_kept_parsed_only_once_it_is_read_again() {
    // A file read once is handed to the build without a parsed copy in the cache (which
    // would hold a second tree of every resource until the render ends); from its second
    // read on it is kept, so four overlays of one base read the base's file twice.
    let mut mem = MemoryFs::new()
        .with_file("base/kustomization.yaml", "resources:\n- cm.yaml\n")
        .with_file("base/cm.yaml", CM);
    let roots: Vec<String> = (0..4).map(|i| format!("/o{i}")).collect();
    for (i, root) in roots.iter().enumerate() {
        mem.add_file(
            format!("{root}/kustomization.yaml"),
            format!("resources:\n- ../base\nnamePrefix: p{i}-\n"),
        );
    }
    let fs = RecordingFs::new(mem);
    let results = Renderer::new(RenderOptions::default()).render_many(&fs, &roots, 1);
    for (i, r) in results.iter().enumerate() {
        let r = r.as_ref().unwrap();
        assert_eq!(r.resources()[0].id().name, format!("p{i}-cm"));
    }
    let reads = fs
        .opened()
        .iter()
        .filter(|p| p.as_path() == Path::new("/base/cm.yaml"))
        .count();
    assert_eq!(reads, 2);
}
