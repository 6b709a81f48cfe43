//! Where localized content goes: relative paths between confirmed directories, the
//! `localized-files/` layout for remote files and repositories, and the default destination
//! name (kustomize's api/internal/localizer/util.go).

use std::path::{Component, Path, PathBuf};

use crate::remote::RepoSpec;

/// The directory, inside the localized copy of a kustomization, that holds the remote content
/// it refers to (`LocalizeDir`).
pub const LOCALIZE_DIR: &str = "localized-files";

/// The directory inside [`LOCALIZE_DIR`] for `file://` repositories, so that their absolute
/// paths never collide with host names (`FileSchemeDir`).
const FILE_SCHEME_DIR: &str = "file-schemed";

/// Returns the path from directory `from` to `to`, both absolute and clean
/// (`filepath.Rel`): `.` when they are equal, with `..` where `to` is not below `from`.
pub(crate) fn relative(from: &Path, to: &Path) -> PathBuf {
    let a: Vec<Component<'_>> = from.components().collect();
    let b: Vec<Component<'_>> = to.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..a.len() {
        out.push("..");
    }
    for c in b.iter().skip(common) {
        out.push(c.as_os_str());
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// Returns `path` as kustomize writes it into the localized kustomization: `/`-separated.
pub(crate) fn slash(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Returns `path` cleaned of `.` and `..` as a relative path below a root (`filepath.Join("/",
/// path)` then the leading `/` dropped): `..` never climbs above the start.
fn rooted(path: &str) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            p => out.push(p),
        }
    }
    out
}

/// Returns where the `http(s)://` file `url` is stored, relative to the localized
/// kustomization that names it (`locFilePath`): `localized-files/<host>/<path>`, without user,
/// port, query or fragment, the path kept percent-encoded and cleaned of dot segments.
pub(crate) fn file_url_path(url: &str) -> PathBuf {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut out = PathBuf::from(LOCALIZE_DIR);
    out.push(host_name(authority));
    out.push(rooted(path));
    out
}

/// Go's `url.URL.Hostname` of an authority: without `user@` and `:port` (brackets of an IPv6
/// literal dropped).
fn host_name(authority: &str) -> &str {
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if let Some(inner) = host.strip_prefix('[') {
        return inner.split(']').next().unwrap_or("");
    }
    host.split(':').next().unwrap_or("")
}

/// Returns the directory for the host of `spec` (`parseHost`): `gh` for the `gh:` shorthand,
/// `file-schemed` for `file://`, else the host name without scheme, user and port.
fn repo_host(spec: &RepoSpec) -> String {
    let host = spec.host.as_str();
    let scheme = host.split_once("://").map_or(host, |(s, _)| s);
    let target = match scheme {
        "gh:" => return "gh".to_owned(),
        "file" => return FILE_SCHEME_DIR.to_owned(),
        "https" | "http" | "ssh" => host.to_owned(),
        // scp-like syntax (`git@host:org/repo`): read as an ssh URL.
        _ => format!("ssh://{host}"),
    };
    let target = target.strip_suffix(':').unwrap_or(&target);
    let rest = target.split_once("://").map_or(target, |(_, r)| r);
    let authority = rest.split('/').next().unwrap_or("");
    host_name(authority).to_owned()
}

/// Returns where the remote root of `spec` is stored, relative to the localized kustomization
/// that names it (`locRootPath`): `localized-files/<host>/<repo path without .git>/<ref>/<dir
/// in repo>`, `in_repo` being the root's directory relative to the checkout.
pub(crate) fn repo_root_path(spec: &RepoSpec, in_repo: &Path) -> PathBuf {
    let repo = spec
        .repo_path
        .strip_suffix(".git")
        .unwrap_or(&spec.repo_path);
    let mut out = PathBuf::from(LOCALIZE_DIR);
    out.push(repo_host(spec));
    out.push(rooted(repo));
    out.push(&spec.git_ref);
    if in_repo != Path::new(".") {
        out.push(in_repo);
    }
    crate::fs::clean(&out)
}

/// Returns the default destination directory name for a target (`defaultNewDir`):
/// `localized-<dir>` for a local directory (`localized` for `/`), `localized-<dir>-<ref>` for
/// a remote one, where `<dir>` is the repository's name when the target is the repository
/// root, and `/` in the ref becomes `-`.
pub fn default_destination(target_dir: &Path, remote: Option<(&RepoSpec, bool)>) -> String {
    let base = target_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned());
    match remote {
        Some((spec, is_repo_root)) => {
            let name = if is_repo_root {
                let trimmed = spec.repo_path.trim_end_matches('/');
                trimmed.rsplit('/').next().unwrap_or(trimmed).to_owned()
            } else {
                base.unwrap_or_default()
            };
            format!("localized-{name}-{}", spec.git_ref.replace('/', "-"))
        }
        None => match base {
            Some(b) => format!("localized-{b}"),
            None => "localized".to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        for (from, to, want) in [
            ("/a/b", "/a/b", "."),
            ("/a/b", "/a/b/c/d", "c/d"),
            ("/a/b", "/a/c", "../c"),
            ("/a/b/c", "/x", "../../../x"),
        ] {
            assert_eq!(relative(Path::new(from), Path::new(to)), Path::new(want));
        }
    }

    // util_test.go TestLocFilePath.
    #[test]
    fn file_urls() {
        for (url, want) in [
            (
                "https://raw.githubusercontent.com/org/repo/ref/path/to/file.yaml",
                "raw.githubusercontent.com/org/repo/ref/path/to/file.yaml",
            ),
            ("http://host/path", "host/path"),
            (
                "http://userinfo@host:1234/path/file?query",
                "host/path/file",
            ),
            ("https://host", "host"),
            ("https://host//", "host"),
            ("https://host/file%2Eyaml", "host/file%2Eyaml"),
            (
                "https://host/path/blah/../to/foo/bar/../../file/./",
                "host/path/to/file",
            ),
            ("https://host/foo/bar/baz/../../../../file", "host/file"),
            // TestLocFilePathColon
            (
                "https://[2001:4860:4860::8888]/file.yaml",
                "2001:4860:4860::8888/file.yaml",
            ),
        ] {
            let want = Path::new(LOCALIZE_DIR).join(want);
            assert_eq!(file_url_path(url), want, "{url}");
        }
    }

    // util_test.go TestLocRootPath_URLComponents.
    #[test]
    fn repo_roots() {
        for (url, want) in [
            (
                "ssh://git@github.com/org/repo//%s?ref=value",
                "github.com/org/repo/value",
            ),
            (
                "git@github.com:org/repo//%s?ref=value",
                "github.com/org/repo/value",
            ),
            (
                "https://gitlab.com/org/repo//%s?ref=value",
                "gitlab.com/org/repo/value",
            ),
            (
                "file:///var/run/repo//%s?ref=value",
                "file-schemed/var/run/repo/value",
            ),
            (
                "https://[2001:4860:4860::8888]/org/repo//%s?ref=value",
                "2001:4860:4860::8888/org/repo/value",
            ),
            (
                "https://localhost.com:8080/org/repo//%s?ref=value",
                "localhost.com/org/repo/value",
            ),
            (
                "https://github.com/repo//%s?ref=value",
                "github.com/repo/value",
            ),
            (
                "https://github.com/org1/org2/repo.git//%s?ref=value",
                "github.com/org1/org2/repo/value",
            ),
            (
                "https://github.com/./../org/../org/repo.git//%s?ref=value",
                "github.com/org/repo/value",
            ),
            (
                "https://github.com/org/repo/%s?ref=value",
                "github.com/org/repo/value",
            ),
            (
                "https://gitlab.com/org./repo..git//%s?ref=value",
                "gitlab.com/org./repo./value",
            ),
            (
                "https://gitlab.com/org/repo//%s?ref=group/version/kind",
                "gitlab.com/org/repo/group/version/kind",
            ),
        ] {
            let url = url.replace("%s", "path/to/root");
            let spec = RepoSpec::parse(&url).unwrap();
            let want = Path::new(LOCALIZE_DIR).join(want).join("path/to/root");
            assert_eq!(
                repo_root_path(&spec, Path::new("path/to/root")),
                want,
                "{url}"
            );
        }
    }

    // util_test.go TestDefaultNewDirRepo (the target is the repository root).
    #[test]
    fn default_destinations() {
        for (url, want) in [
            (
                "https://github.com/org/repo?ref=value",
                "localized-repo-value",
            ),
            (
                "https://github.com/org/repo?ref=group/version",
                "localized-repo-group-version",
            ),
        ] {
            let spec = RepoSpec::parse(url).unwrap();
            assert_eq!(
                default_destination(Path::new("/tmp/clone"), Some((&spec, true))),
                want
            );
        }
        assert_eq!(
            default_destination(Path::new("/a/b/target"), None),
            "localized-target"
        );
        assert_eq!(default_destination(Path::new("/"), None), "localized");
    }
}
