//! Remote bases and resources: which `resources:`/`components:` entries name a git
//! repository, parsed as kustomize parses them (api/internal/git/repospec.go
//! `NewRepoSpecFromURL`, kustomize v5.5), and the [`RemoteLoader`] trait through which the
//! caller clones them (the library runs no processes).
//!
//! Accepted forms, as kustomize accepts them (the tests below hold kustomize's own table,
//! api/internal/git/repospec_test.go):
//!
//! - `https://host/org/repo//sub/dir?ref=v1&timeout=90s&submodules=false` (also `http://`,
//!   `ssh://`); `//` separates the repository from the directory inside it;
//! - without `//`: `_git/` (Azure DevOps) ends the repository at the next segment, `.git`
//!   ends it right there, otherwise the first two path segments are the repository (`org/repo`);
//! - `github.com/org/repo/sub` (any case) means `https://github.com/`; with a user or `ssh://`
//!   it means `git@github.com:` (scp style);
//! - `user@host:org/repo` (scp style needs a user, except for GitHub);
//! - `git::` in front is dropped (go-getter's syntax);
//! - `file:///abs/repo//sub`: without `//` the whole path is the repository;
//! - `?version=` is `?ref=` when `ref` is absent; `timeout` is whole seconds or a Go duration
//!   (default 27s); `submodules` a Go bool (default true). A query that does not parse gives
//!   the defaults.
//!
//! Stage: below `build`; knows only strings.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// kustomize's default timeout for each git command (`defaultTimeout`).
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(27);

/// A git repository, a ref and a directory inside it (kustomize's `RepoSpec`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct RepoSpec {
    /// The entry as written.
    pub raw: String,
    /// Scheme, user and host, e.g. `https://github.com/` or `git@github.com:`.
    pub host: String,
    /// The repository path on the host, e.g. `org/repo` or `org/repo.git`.
    pub repo_path: String,
    /// The directory of the kustomization inside the repository (may be empty).
    pub kust_root: String,
    /// The branch, tag or commit (`?ref=`/`?version=`); empty means the default branch.
    pub git_ref: String,
    /// Whether submodules are checked out too.
    pub submodules: bool,
    /// The most each git command may take.
    pub timeout: Duration,
}

impl RepoSpec {
    /// Parses `entry`, or returns kustomize's reason why it is no repository URL.
    pub fn parse(entry: &str) -> Result<RepoSpec, String> {
        if entry.starts_with('/') {
            return Err(format!("uri looks like abs path: {entry}"));
        }
        let (rest, query) = entry.split_once('?').unwrap_or((entry, ""));
        let (git_ref, timeout, submodules) = parse_query(query);
        let (host, rest) = split_host(rest)?;
        let all_segments = host.starts_with("file://");
        let (repo_path, kust_root) = split_path(&rest, all_segments)?;
        Ok(RepoSpec {
            raw: entry.to_owned(),
            host,
            repo_path,
            kust_root,
            git_ref,
            submodules,
            timeout,
        })
    }

    /// Returns the argument of `git fetch`: host and repository path.
    pub fn clone_spec(&self) -> String {
        format!("{}{}", self.host, self.repo_path)
    }
}

impl fmt::Display for RepoSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

/// Why a remote load failed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RemoteError {
    /// An HTTP server answered with a status outside 200–299.
    Status(u16),
    /// Anything else (unreachable host, unknown ref, timeout, offline cache miss...), with
    /// the message to report.
    Other(String),
}

impl fmt::Display for RemoteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RemoteError::Status(code) => write!(f, "HTTP Error: status code {code}"),
            RemoteError::Other(m) => f.write_str(m),
        }
    }
}

/// Brings remote content to where the build's [`crate::FileSystem`] can read it. The CLI
/// implements it with the `git` command and an on-disk cache.
///
/// A render asks for each repository (clone spec, ref, submodules) at most once, however
/// many kustomizations refer to it: the renderer keeps the answer.
///
/// ```
/// use std::path::PathBuf;
/// use std::sync::Arc;
///
/// use strata::{MemoryFs, RemoteError, RemoteLoader, RenderOptions, Renderer, RepoSpec};
///
/// /// Serves one URL from memory and has no repositories.
/// #[derive(Debug)]
/// struct Canned;
///
/// impl RemoteLoader for Canned {
///     fn checkout(&self, _repo: &RepoSpec) -> Result<PathBuf, RemoteError> {
///         unreachable!("the tree names no repository")
///     }
///     fn fetch(&self, url: &str) -> Result<Vec<u8>, RemoteError> {
///         assert_eq!(url, "https://example.com/cm.yaml");
///         Ok(b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: remote\n".to_vec())
///     }
/// }
///
/// let fs = MemoryFs::new()
///     .with_file("kustomization.yaml", "resources:\n- https://example.com/cm.yaml\n");
/// let options = RenderOptions::new().remote(Arc::new(Canned));
/// let rendered = Renderer::new(options).render(&fs, "/")?;
/// assert_eq!(rendered.resources()[0].id().name, "remote");
/// # Ok::<(), strata::Error>(())
/// ```
pub trait RemoteLoader: Send + Sync + fmt::Debug {
    /// Returns an absolute directory of the file system holding a checkout of `repo` at
    /// `repo.git_ref` (the repository root, not `kust_root`).
    fn checkout(&self, repo: &RepoSpec) -> Result<PathBuf, RemoteError>;

    /// Returns the body of an `http://` or `https://` URL.
    fn fetch(&self, url: &str) -> Result<Vec<u8>, RemoteError>;
}

/// Returns ref, timeout and submodules from a query (`parseQuery`).
fn parse_query(query: &str) -> (String, Duration, bool) {
    let defaults = (String::new(), DEFAULT_TIMEOUT, true);
    let Some(values) = query_values(query) else {
        return defaults;
    };
    let get = |key: &str| {
        values
            .iter()
            .find(|(k, _)| k == key)
            .map_or("", |(_, v)| v.as_str())
    };
    let mut git_ref = get("version").to_owned();
    if !get("ref").is_empty() {
        git_ref = get("ref").to_owned();
    }
    let mut timeout = DEFAULT_TIMEOUT;
    let t = get("timeout");
    if !t.is_empty() {
        if let Some(secs) = t.parse::<i64>().ok().filter(|s| *s > 0) {
            timeout = Duration::from_secs(secs.unsigned_abs());
        } else if let Some(d) = go_duration(t).filter(|d| !d.is_zero()) {
            timeout = d;
        }
    }
    let submodules = match get("submodules") {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => true,
        "0" | "f" | "F" | "FALSE" | "false" | "False" => false,
        _ => true,
    };
    (git_ref, timeout, submodules)
}

/// Go's `url.ParseQuery`: `&`-separated `key=value` pairs, percent- and `+`-decoded; `None`
/// on any error (a `;`, a bad escape), where kustomize falls back to the defaults.
fn query_values(query: &str) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    for part in query.split('&') {
        if part.is_empty() {
            continue;
        }
        if part.contains(';') {
            return None;
        }
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        out.push((unescape(k)?, unescape(v)?));
    }
    Some(out)
}

fn unescape(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b.get(i) {
            Some(b'%') => {
                let hex = s.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            Some(b'+') => {
                out.push(b' ');
                i += 1;
            }
            Some(&c) => {
                out.push(c);
                i += 1;
            }
            None => break,
        }
    }
    String::from_utf8(out).ok()
}

/// Go's `time.ParseDuration` for non-negative durations: a sequence of decimal numbers with
/// units `ns`, `us`/`µs`, `ms`, `s`, `m`, `h`.
fn go_duration(s: &str) -> Option<Duration> {
    let s = s.strip_prefix('+').unwrap_or(s);
    if s == "0" {
        return Some(Duration::ZERO);
    }
    if s.is_empty() || s.starts_with('-') {
        return None;
    }
    let mut total = 0f64;
    let mut rest = s;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest.get(..num_len)?.parse().ok()?;
        rest = rest.get(num_len..)?;
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match rest.get(..unit_len)? {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        rest = rest.get(unit_len..)?;
        total += number * scale;
    }
    Duration::try_from_secs_f64(total).ok()
}

/// Splits scheme, user and host from the path (`extractHost`).
fn split_host(n: &str) -> Result<(String, String), String> {
    let n = strip_prefix_ignore_case(n, "git::").unwrap_or(n);
    let (scheme, n) = ["ssh://", "https://", "http://", "file://"]
        .into_iter()
        .find_map(|p| strip_prefix_ignore_case(n, p).map(|rest| (p, rest)))
        .unwrap_or(("", n));
    let user_len = user_prefix_len(n);
    let (user, n) = n.split_at(user_len);
    let lower = n.to_ascii_lowercase();
    let github = lower.starts_with("github.com/") || lower.starts_with("github.com:");
    let scp = scheme.is_empty() && (!user.is_empty() || github);
    if scheme.is_empty() && !scp {
        return Err("failed to parse scheme".to_owned());
    }
    if scheme == "file://" {
        // Everything after the scheme, a "user" included, is the repository's path.
        return Ok((scheme.to_owned(), format!("{user}{n}")));
    }
    let mut sep = n.find('/');
    if scp
        && let Some(colon) = n.find(':')
        && sep.is_none_or(|s| colon > 0 && colon < s)
    {
        sep = Some(colon);
    }
    let (mut host, rest) = match sep {
        Some(i) => (n.get(..=i).unwrap_or(n), n.get(i + 1..).unwrap_or("")),
        None => (n, ""),
    };
    let (mut scheme, mut user) = (scheme, user);
    if github {
        if scheme.starts_with("ssh://") || !user.is_empty() {
            scheme = "";
            host = "github.com:";
        } else {
            scheme = "https://";
            user = "";
            host = "github.com/";
        }
    }
    if host.is_empty() {
        return Err("failed to parse host segment".to_owned());
    }
    Ok((format!("{scheme}{user}{host}"), rest.to_owned()))
}

/// Returns the length of a leading `user@` (`^([a-zA-Z][a-zA-Z0-9-]*)@`), or 0.
fn user_prefix_len(s: &str) -> usize {
    let b = s.as_bytes();
    if !b.first().is_some_and(u8::is_ascii_alphabetic) {
        return 0;
    }
    let name = b
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-')
        .count();
    if b.get(name) == Some(&b'@') {
        name + 1
    } else {
        0
    }
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| s.get(prefix.len()..))
        .flatten()
}

/// Splits the repository path from the directory inside it (`parsePathParts`).
fn split_path(n: &str, all_segments: bool) -> Result<(String, String), String> {
    let split = if let Some(i) = n.find("_git/") {
        let (root, after) = n.split_at(i + "_git/".len());
        let (repo, sub) = after.split_once('/').unwrap_or((after, ""));
        Some((format!("{root}{repo}"), sub.to_owned()))
    } else if let Some(i) = n.find("//") {
        Some((
            n.get(..i).unwrap_or("").to_owned(),
            n.get(i + 2..).unwrap_or("").to_owned(),
        ))
    } else if let Some(i) = n.find(".git") {
        let (repo, sub) = n.split_at(i + ".git".len());
        Some((repo.to_owned(), sub.to_owned()))
    } else if all_segments {
        Some((n.to_owned(), String::new()))
    } else {
        let segments: Vec<&str> = n.split('/').collect();
        (segments.len() >= 2).then(|| {
            (
                segments.get(..2).unwrap_or_default().join("/"),
                segments.get(2..).unwrap_or_default().join("/"),
            )
        })
    };
    let Some((repo, sub)) = split.filter(|(repo, _)| !repo.is_empty()) else {
        return Err("failed to parse repo path segment".to_owned());
    };
    if lexically_exits(sub.trim_start_matches('/')) {
        return Err(format!("url path exits repo: {n}"));
    }
    Ok((repo, sub.trim_start_matches('/').to_owned()))
}

/// Returns true if the relative path, cleaned, starts with `..` (`kustRootPathExitsRepo`).
fn lexically_exits(path: &str) -> bool {
    let mut depth: i64 = 0;
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if depth == 0 {
                    return true;
                }
                depth -= 1;
            }
            _ => depth += 1,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// kustomize's TestNewRepoSpecFromUrl_Permute: every host form with every repo path,
    /// directory and ref.
    #[test]
    fn permutations_parse_as_kustomize_parses_them() {
        let hosts = [
            ("gitHub.com/", "https://github.com/"),
            ("github.com:", "https://github.com/"),
            ("http://github.com/", "https://github.com/"),
            ("https://github.com/", "https://github.com/"),
            ("hTTps://github.com/", "https://github.com/"),
            (
                "https://git-codecommit.us-east-2.amazonaws.com/",
                "https://git-codecommit.us-east-2.amazonaws.com/",
            ),
            (
                "https://fabrikops2.visualstudio.com/",
                "https://fabrikops2.visualstudio.com/",
            ),
            ("ssh://git.example.com:7999/", "ssh://git.example.com:7999/"),
            ("git::https://gitlab.com/", "https://gitlab.com/"),
            ("git::http://git.example.com/", "http://git.example.com/"),
            ("git::https://git.example.com/", "https://git.example.com/"),
            ("git@github.com:", "git@github.com:"),
            ("git@github.com/", "git@github.com:"),
            ("git::git@github.com:", "git@github.com:"),
            ("org-12345@github.com:", "org-12345@github.com:"),
            ("org-12345@github.com/", "org-12345@github.com:"),
        ];
        for (raw, host) in hosts {
            for repo in ["someOrg/someRepo", "kubernetes/website"] {
                for dir in ["README.md", "foo/krusty.txt", ""] {
                    for git_ref in ["group/version", "someBranch", "master", "v0.1.0", ""] {
                        let mut url = format!("{raw}{repo}");
                        if !dir.is_empty() {
                            url = format!("{url}/{dir}");
                        }
                        if !git_ref.is_empty() {
                            url = format!("{url}?ref={git_ref}");
                        }
                        let spec = RepoSpec::parse(&url).unwrap_or_else(|e| panic!("{url}: {e}"));
                        assert_eq!(spec.host, host, "{url}");
                        assert_eq!(spec.repo_path, repo, "{url}");
                        assert_eq!(spec.kust_root, dir, "{url}");
                        assert_eq!(spec.git_ref, git_ref, "{url}");
                    }
                }
            }
        }
    }

    /// kustomize's TestNewRepoSpecFromUrlErrors.
    #[test]
    fn errors_match_kustomize() {
        let cases = [
            ("/tmp", "uri looks like abs path"),
            ("../../tmp", "failed to parse scheme"),
            ("src/github.com/org/repo/path", "failed to parse scheme"),
            ("iauhsdiuashduas", "failed to parse scheme"),
            ("htxxxtp://github.com/", "failed to parse scheme"),
            ("ssh://git.example.com", "failed to parse repo path segment"),
            ("git::___", "failed to parse scheme"),
            (
                "https://host?ref=group/version/minor_version",
                "failed to parse repo path segment",
            ),
            (
                "https://github.com/org/repo.git//path/../../exits/repo",
                "url path exits repo",
            ),
            ("github.com!org/repo.git//path", "failed to parse scheme"),
            ("gh:org/repo", "failed to parse scheme"),
            (
                "https://github.com/thisisa404.yaml",
                "failed to parse repo path segment",
            ),
            (
                "file:////tmp//path/to/whatever",
                "failed to parse repo path segment",
            ),
            (
                "git@scp://github.com/org/repo.git//path",
                "failed to parse repo path segment",
            ),
            (
                "git@ssh://github.com/org/repo.git//path",
                "failed to parse repo path segment",
            ),
        ];
        for (url, want) in cases {
            let err = RepoSpec::parse(url).unwrap_err();
            assert!(err.contains(want), "{url}: {err}");
        }
    }

    /// Cases from kustomize's TestNewRepoSpecFromUrl_Smoke: (input, clone spec, directory,
    /// ref).
    #[test]
    fn smoke_cases() {
        let cases = [
            (
                "https://git-codecommit.us-east-2.amazonaws.com/someorg/somerepo/somedir?ref=testbranch",
                "https://git-codecommit.us-east-2.amazonaws.com/someorg/somerepo",
                "somedir",
                "testbranch",
            ),
            (
                "git@gitlab2.sqtools.ru:infra/kubernetes/thanos-base.git?ref=v0.1.0",
                "git@gitlab2.sqtools.ru:infra/kubernetes/thanos-base.git",
                "",
                "v0.1.0",
            ),
            (
                "https://username@dev.azure.com/org/project/_git/repo/path/to/root",
                "https://username@dev.azure.com/org/project/_git/repo",
                "path/to/root",
                "",
            ),
            (
                "file:///a/b/c/someRepo//somepath?ref=someBranch",
                "file:///a/b/c/someRepo",
                "somepath",
                "someBranch",
            ),
            ("file:///a/b/c/someRepo", "file:///a/b/c/someRepo", "", ""),
            (
                "ssh://git@github.com/kubernetes-sigs/kustomize//examples/multibases?version=v3.1.0",
                "git@github.com:kubernetes-sigs/kustomize",
                "examples/multibases",
                "v3.1.0",
            ),
            (
                "https://github.com/org/repo?ref=main&version=v1",
                "https://github.com/org/repo",
                "",
                "main",
            ),
        ];
        for (input, clone, dir, git_ref) in cases {
            let spec = RepoSpec::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(spec.clone_spec(), clone, "{input}");
            assert_eq!(spec.kust_root, dir, "{input}");
            assert_eq!(spec.git_ref, git_ref, "{input}");
        }
    }

    #[test]
    fn query_timeout_and_submodules() {
        let cases = [
            ("", DEFAULT_TIMEOUT, true),
            ("timeout=61", Duration::from_secs(61), true),
            ("timeout=1m30s", Duration::from_secs(90), true),
            ("timeout=0", DEFAULT_TIMEOUT, true),
            ("timeout=bogus&submodules=false", DEFAULT_TIMEOUT, false),
            ("submodules=maybe", DEFAULT_TIMEOUT, true),
            ("ref=a;b&submodules=false", DEFAULT_TIMEOUT, true),
        ];
        for (q, timeout, submodules) in cases {
            let (_, t, s) = parse_query(q);
            assert_eq!((t, s), (timeout, submodules), "{q}");
        }
    }
}
