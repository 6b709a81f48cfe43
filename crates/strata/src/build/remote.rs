//! `resources:` and `components:` entries that name remote content, and a build root that is
//! a URL: kustomize tries an entry as a file first (an `http(s)://` file is fetched), then as
//! a directory or git repository (api/internal/target/kusttarget.go `accumulateResources`,
//! api/internal/loader/fileloader.go `New` and `newLoaderAtGitClone`).
//!
//! A repository is checked out through the render's [`RemoteLoader`], once per render call
//! (see [`Loader::checkout`]); inside the checkout the kustomization may read only below its
//! own directory, and its local bases must stay inside the checkout.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result, Stage};
use crate::fs::FileKind;
use crate::kustomization::{Kustomization, Spanned};
use crate::remote::{RemoteError, RemoteLoader, RepoSpec};
use crate::resource::Resource;
use crate::source::SourceFile;

use super::loader::Loader;

/// What a remote entry brought in.
pub(super) enum Remote {
    /// The resources of an `http(s)://` file.
    Resources(Vec<Resource>),
    /// The kustomization directory inside a checkout (canonical), and the repository.
    Dir(PathBuf, RepoSpec),
}

/// Resolves `entry` of `k` if it names remote content; `None` if it is a local path.
/// `files`: an `http(s)://` entry may be a file (`resources:`), not only a repository.
pub(super) fn resolve(
    loader: &Loader<'_>,
    k: &Kustomization,
    entry: &Spanned<String>,
    files: bool,
    stage: Stage,
) -> Result<Option<Remote>> {
    let field = stage.field();
    let url = entry.value.as_str();
    let http = url.starts_with("http://") || url.starts_with("https://");
    let spec = RepoSpec::parse(url);
    if !http && spec.is_err() {
        return Ok(None);
    }
    let at = |kind: ErrorKind, msg: String| k.error_at(kind, msg, entry.span).in_stage(stage);
    let Some(remote) = loader.remote() else {
        return Err(at(
            ErrorKind::Unsupported,
            format!(
                "remote {field} '{url}' cannot be loaded: this render has no \
                 RemoteLoader (the strata CLI provides one; library users pass one in \
                 RenderOptions::remote)"
            ),
        ));
    };
    let mut file_error = None;
    if http && files {
        match fetch_resources(loader, remote, url) {
            Ok(rs) => return Ok(Some(Remote::Resources(rs))),
            Err(e) => file_error = Some(e),
        }
    }
    let spec = match spec {
        Ok(s) => s,
        Err(repo_error) => {
            let msg = file_error.unwrap_or(repo_error);
            return Err(at(
                ErrorKind::Io,
                format!("accumulating {field} from '{url}': {msg}"),
            ));
        }
    };
    let dir = checkout_dir(loader, remote, &spec)
        .map_err(|m| at(ErrorKind::Io, format!("'{url}': {m}")))?;
    Ok(Some(Remote::Dir(dir, spec)))
}

/// Returns the build root for `root` if it is a repository URL and the render can load it
/// (kustomize's `NewLoader` tries a URL before a local path).
pub(super) fn resolve_root(loader: &Loader<'_>, root: &Path) -> Result<Option<PathBuf>> {
    let (Some(remote), Some(url)) = (loader.remote(), root.to_str()) else {
        return Ok(None);
    };
    let Ok(spec) = RepoSpec::parse(url) else {
        return Ok(None);
    };
    checkout_dir(loader, remote, &spec)
        .map(Some)
        .map_err(|m| Error::new(ErrorKind::Io, format!("'{url}': {m}")))
}

/// Checks out `spec` and returns its kustomization directory, which must be a directory
/// inside the checkout.
fn checkout_dir(
    loader: &Loader<'_>,
    remote: &dyn RemoteLoader,
    spec: &RepoSpec,
) -> std::result::Result<PathBuf, String> {
    let checkout = loader.checkout(remote, spec).map_err(|e| e.to_string())?;
    let dir = crate::fs::clean(&checkout.join(&spec.kust_root));
    match loader.fs().kind(&dir) {
        FileKind::Dir => {}
        FileKind::File | FileKind::Special => {
            return Err(format!(
                "'{}' refers to file '{}'; expecting directory",
                dir.display(),
                dir.file_name()
                    .map_or(String::new(), |n| n.to_string_lossy().into_owned())
            ));
        }
        FileKind::Absent => {
            return Err(format!(
                "'{}' doesn't exist in {} at ref '{}'",
                spec.kust_root,
                spec.clone_spec(),
                spec.git_ref
            ));
        }
    }
    let canonical = loader
        .fs()
        .canonicalize(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    // A symlink in the repository may point outside it.
    if !canonical.starts_with(&checkout) {
        return Err(format!(
            "{:?} refers to directory outside of repo {:?}",
            dir.display().to_string(),
            checkout.display().to_string()
        ));
    }
    Ok(canonical)
}

/// Fetches an `http(s)://` file and parses its resources, or returns why not.
fn fetch_resources(
    loader: &Loader<'_>,
    remote: &dyn RemoteLoader,
    url: &str,
) -> std::result::Result<Vec<Resource>, String> {
    let bytes = remote.fetch(url).map_err(|e| match e {
        RemoteError::Status(code) => format!("HTTP Error: status code {code}"),
        RemoteError::Other(m) => m,
    })?;
    let text = String::from_utf8(bytes).map_err(|e| format!("{url}: {e}"))?;
    let file = Arc::new(SourceFile::new(url.to_owned(), text));
    loader
        .parse_resources(&file)
        .map_err(|e| e.message().to_owned())
}

/// kustomize's `errIfGitContainmentViolation`: a local base of a kustomization inside a
/// checkout must be inside that checkout.
pub(super) fn check_containment(
    loader: &Loader<'_>,
    k: &Kustomization,
    parent: &Path,
    base: &Path,
    entry: &Spanned<String>,
) -> Result<()> {
    let Some(checkout) = loader.checkout_containing(parent) else {
        return Ok(());
    };
    let canonical = loader
        .fs()
        .canonicalize(base)
        .unwrap_or_else(|_| base.to_path_buf());
    if canonical.starts_with(&checkout) {
        return Ok(());
    }
    Err(k.error_at(
        ErrorKind::LoadRestriction,
        format!(
            "security; bases in kustomizations found in cloned git repos must be within the repo, \
             but base '{}' is outside '{}'",
            canonical.display(),
            checkout.display()
        ),
        entry.span,
    ))
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use crate::{MemoryFs, RenderOptions, Renderer};

    use super::*;

    /// Serves one repository from `/cache/repo` of a `MemoryFs`, counting checkouts.
    #[derive(Debug, Default)]
    struct Counting {
        checkouts: AtomicUsize,
    }

    impl RemoteLoader for Counting {
        fn checkout(&self, repo: &RepoSpec) -> std::result::Result<PathBuf, RemoteError> {
            self.checkouts.fetch_add(1, Ordering::SeqCst);
            match repo.git_ref.as_str() {
                "v1" => Ok(PathBuf::from("/cache/repo")),
                other => Err(RemoteError::Other(format!("unknown ref {other}"))),
            }
        }
        fn fetch(&self, _: &str) -> std::result::Result<Vec<u8>, RemoteError> {
            Err(RemoteError::Status(404))
        }
    }

    const URL: &str = "https://git.example/org/repo//base?ref=v1";

    fn fs_with_overlays(n: usize) -> (MemoryFs, Vec<String>) {
        let mut fs = MemoryFs::new()
            .with_file(
                "/cache/repo/base/kustomization.yaml",
                "resources:\n- cm.yaml\n",
            )
            .with_file(
                "/cache/repo/base/cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
            );
        let mut roots = Vec::new();
        for i in 0..n {
            let root = format!("/o{i}");
            fs.add_file(
                format!("{root}/kustomization.yaml"),
                format!("resources:\n- {URL}\nnamePrefix: p{i}-\n"),
            );
            roots.push(root);
        }
        (fs, roots)
    }

    #[test]
    fn fifty_overlays_check_a_shared_base_out_once() {
        let (fs, roots) = fs_with_overlays(50);
        let remote = Arc::new(Counting::default());
        let renderer = Renderer::new(RenderOptions::new().remote(remote.clone()));
        let results = renderer.render_many(&fs, &roots, 4);
        for (i, r) in results.into_iter().enumerate() {
            let yaml = r.unwrap().to_yaml().unwrap();
            assert!(yaml.contains(&format!("name: p{i}-cm")), "{yaml}");
        }
        assert_eq!(remote.checkouts.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn remote_entries_without_a_loader_say_what_is_missing() {
        let (fs, _) = fs_with_overlays(1);
        let err = Renderer::default().render(&fs, "/o0").unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "/o0/kustomization.yaml:2:3: accumulating resources: remote resources '{URL}' \
                 cannot be loaded: this render has no RemoteLoader (the strata CLI provides \
                 one; library users pass one in RenderOptions::remote)"
            )
        );
    }

    #[test]
    fn a_failed_checkout_is_reported_at_the_entry() {
        let fs = MemoryFs::new().with_file(
            "/k/kustomization.yaml",
            "resources:\n- https://git.example/org/repo//base?ref=v9\n",
        );
        let remote = Arc::new(Counting::default());
        let err = Renderer::new(RenderOptions::new().remote(remote))
            .render(&fs, "/k")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "/k/kustomization.yaml:2:3: accumulating resources: \
             'https://git.example/org/repo//base?ref=v9': unknown ref v9"
        );
    }

    /// Serves one http file; everything else is a 404.
    #[derive(Debug)]
    struct Http;

    impl RemoteLoader for Http {
        fn checkout(&self, repo: &RepoSpec) -> std::result::Result<PathBuf, RemoteError> {
            Err(RemoteError::Other(format!(
                "no repository {}",
                repo.clone_spec()
            )))
        }
        fn fetch(&self, url: &str) -> std::result::Result<Vec<u8>, RemoteError> {
            match url {
                "https://files.example/cm.yaml" => {
                    Ok(b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n".to_vec())
                }
                _ => Err(RemoteError::Status(404)),
            }
        }
    }

    #[test]
    fn http_files_are_resources_and_a_404_on_a_non_repository_url_fails() {
        let fs = MemoryFs::new()
            .with_file(
                "/k/kustomization.yaml",
                "resources:\n- https://files.example/cm.yaml\nnamePrefix: p-\n",
            )
            .with_file(
                "/bad/kustomization.yaml",
                "resources:\n- https://files.example/missing.yaml\n",
            );
        let renderer = Renderer::new(RenderOptions::new().remote(Arc::new(Http)));
        let out = renderer.render(&fs, "/k").unwrap();
        assert_eq!(
            out.to_yaml().unwrap(),
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: p-web\n"
        );
        // With one path segment the URL is no repository URL (kustomize needs `org/repo`),
        // so the file's 404 is what is reported.
        let err = renderer.render(&fs, "/bad").unwrap_err();
        assert_eq!(
            err.to_string(),
            "/bad/kustomization.yaml:2:3: accumulating resources: accumulating resources from \
             'https://files.example/missing.yaml': HTTP Error: status code 404"
        );
    }

    #[test]
    fn a_local_base_inside_a_checkout_must_stay_inside() {
        let fs = MemoryFs::new()
            .with_file(
                "/cache/repo/base/kustomization.yaml",
                "resources:\n- ../../../outside\n",
            )
            .with_file("/outside/kustomization.yaml", "resources: []\n")
            .with_file("/k/kustomization.yaml", format!("resources:\n- {URL}\n"));
        let remote = Arc::new(Counting::default());
        let err = Renderer::new(RenderOptions::new().remote(remote))
            .render(&fs, "/k")
            .unwrap_err();
        assert!(
            err.to_string().contains(
                "security; bases in kustomizations found in cloned git repos must be within \
                 the repo, but base '/outside' is outside '/cache/repo'"
            ),
            "{err}"
        );
    }
}
