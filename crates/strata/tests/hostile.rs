//! Hostile input (issue 16): every read of a build passes the load restrictor, kustomization
//! files included, and budgets count a build's work across all its files. A recording
//! `FileSystem` proves what was opened; budgets are checked by what they count, never by time.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use strata::budget::Budget;
use strata::{Budgets, ErrorKind, FileKind, FileSystem, MemoryFs, RenderOptions, Renderer};

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
