//! testdata/http-origins: origin annotations of `http(s)://` file resources, compared with
//! `kubectl kustomize` run against a local HTTP server (the case's regen.sh). Here the same
//! files are served through a `RemoteLoader`, so no server is needed.

use std::path::PathBuf;
use std::sync::Arc;

use strata::{RemoteError, RemoteLoader, RenderOptions, Renderer, RepoSpec};

use crate::support::{diff, memory_fs_from, repo_root};

/// Serves `srv/` of the case as `http://127.0.0.1:18731/`.
#[derive(Debug)]
struct Served(PathBuf);

impl RemoteLoader for Served {
    fn checkout(&self, repo: &RepoSpec) -> Result<PathBuf, RemoteError> {
        Err(RemoteError::Other(format!(
            "no repository {}",
            repo.clone_spec()
        )))
    }

    fn fetch(&self, url: &str) -> Result<Vec<u8>, RemoteError> {
        let path = url
            .strip_prefix("http://127.0.0.1:18731/")
            .ok_or(RemoteError::Status(404))?;
        let path = path.split('?').next().unwrap_or(path);
        std::fs::read(self.0.join(path)).map_err(|_| RemoteError::Status(404))
    }
}

#[test]
fn http_file_origins_match_the_oracle() {
    let case = repo_root().join("testdata/http-origins");
    let fs = memory_fs_from(&case);
    let options = RenderOptions::default().remote(Arc::new(Served(case.join("srv"))));
    let got = Renderer::new(options)
        .render(&fs, "/")
        .unwrap()
        .to_yaml()
        .unwrap();
    let want = std::fs::read_to_string(case.join("expected.yaml")).unwrap();
    assert!(got == want, "{}", diff(&want, &got));
}
