//! Remote bases and resources for the CLI: the process side of `strata::RemoteLoader`.
//!
//! Repositories are fetched with the `git` command as kustomize fetches them
//! (api/internal/git/cloner.go: `init`, `remote add origin`, `fetch --depth=1 URL REF`,
//! `checkout FETCH_HEAD`, `submodule update --init --recursive`), each git command under the
//! URL's timeout. Unlike kustomize, which clones again for every reference and deletes the
//! clone afterwards, checkouts are kept in a cache directory (`--cache-dir`, else
//! `$XDG_CACHE_HOME/strata`, else `~/.cache/strata`):
//!
//!     <cache>/git/<hash of URL>/<commit>/   the checkout, keyed by its resolved commit
//!     <cache>/git/<hash of URL>/refs/<hash of ref>   the commit the ref resolved to last
//!
//! A ref that is already a full commit id found in the cache needs no network. `--offline`
//! uses only the cache. `http(s)://` files are fetched with `curl`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use strata::{RemoteError, RemoteLoader, RepoSpec};

/// Fetches with git and curl, through an on-disk cache.
#[derive(Debug)]
pub struct GitRemote {
    cache: PathBuf,
    offline: bool,
}

impl GitRemote {
    /// Returns a loader caching under `cache_dir` (or the default), offline or not.
    pub fn new(cache_dir: Option<PathBuf>, offline: bool) -> GitRemote {
        let cache = cache_dir.unwrap_or_else(default_cache_dir);
        GitRemote { cache, offline }
    }

    fn repo_dir(&self, repo: &RepoSpec) -> PathBuf {
        self.cache
            .join("git")
            .join(format!("{:016x}", fnv(repo.clone_spec().as_bytes())))
    }
}

/// `$XDG_CACHE_HOME/strata`, else `$HOME/.cache/strata`, else a directory under the system's
/// temporary directory.
fn default_cache_dir() -> PathBuf {
    if let Some(x) = std::env::var_os("XDG_CACHE_HOME").filter(|x| !x.is_empty()) {
        return PathBuf::from(x).join("strata");
    }
    if let Some(h) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        return PathBuf::from(h).join(".cache").join("strata");
    }
    std::env::temp_dir().join("strata-cache")
}

/// FNV-1a, 64 bits: a stable name for a URL or ref (std's hasher may change between Rust
/// releases, and the cache outlives the binary).
fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn is_commit_id(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

impl RemoteLoader for GitRemote {
    fn checkout(&self, repo: &RepoSpec) -> Result<PathBuf, RemoteError> {
        let base = self.repo_dir(repo);
        let refs = base.join("refs");
        let ref_key = format!("{}\n{}", repo.git_ref, repo.submodules);
        let ref_file = refs.join(format!("{:016x}", fnv(ref_key.as_bytes())));
        if is_commit_id(&repo.git_ref) && base.join(&repo.git_ref).is_dir() {
            return Ok(base.join(&repo.git_ref));
        }
        if self.offline {
            let commit = std::fs::read_to_string(&ref_file).map_err(|_| {
                RemoteError::Other(format!(
                    "--offline: no cached checkout of '{}' at ref '{}' in {}; run once without \
                     --offline to fill the cache",
                    repo.clone_spec(),
                    display_ref(repo),
                    self.cache.display()
                ))
            })?;
            let dir = base.join(commit.trim());
            if dir.is_dir() {
                return Ok(dir);
            }
            return Err(RemoteError::Other(format!(
                "--offline: the cached checkout {} of '{}' is gone",
                dir.display(),
                repo.clone_spec()
            )));
        }
        let other =
            |e: std::io::Error| RemoteError::Other(format!("cache {}: {e}", self.cache.display()));
        std::fs::create_dir_all(&refs).map_err(other)?;
        let tmp = TempDir::new(&base).map_err(other)?;
        let git = Git {
            dir: tmp.0.clone(),
            timeout: repo.timeout,
        };
        let git_ref = if repo.git_ref.is_empty() {
            "HEAD"
        } else {
            &repo.git_ref
        };
        git.run(&["init", "--quiet"])?;
        git.run(&["remote", "add", "origin", &repo.clone_spec()])?;
        git.run(&["fetch", "--depth=1", &repo.clone_spec(), git_ref])?;
        git.run(&["checkout", "--quiet", "FETCH_HEAD"])?;
        if repo.submodules {
            git.run(&["submodule", "update", "--init", "--recursive"])?;
        }
        let commit = git.output(&["rev-parse", "HEAD"])?;
        let commit = commit.trim().to_owned();
        let dir = base.join(&commit);
        if !dir.is_dir() {
            // Another process may have stored the same commit meanwhile: then ours goes.
            if std::fs::rename(&tmp.0, &dir).is_err() && !dir.is_dir() {
                return Err(RemoteError::Other(format!(
                    "cannot store the checkout of '{}' in {}",
                    repo.clone_spec(),
                    dir.display()
                )));
            }
        }
        std::fs::write(&ref_file, format!("{commit}\n")).map_err(other)?;
        Ok(dir)
    }

    fn fetch(&self, url: &str) -> Result<Vec<u8>, RemoteError> {
        if self.offline {
            return Err(RemoteError::Other(format!(
                "--offline: cannot fetch '{url}'"
            )));
        }
        let out = Command::new("curl")
            .args(["-sS", "-L", "--max-time", "27", "-w", "\n%{http_code}", url])
            .stdin(Stdio::null())
            .output()
            .map_err(|e| RemoteError::Other(format!("cannot run curl to fetch '{url}': {e}")))?;
        if !out.status.success() {
            return Err(RemoteError::Other(format!(
                "fetching '{url}': {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        let mut body = out.stdout;
        let nl = body.iter().rposition(|b| *b == b'\n').unwrap_or(0);
        let code: u16 = String::from_utf8_lossy(body.get(nl + 1..).unwrap_or_default())
            .trim()
            .parse()
            .unwrap_or(0);
        body.truncate(nl);
        if !(200..=299).contains(&code) {
            return Err(RemoteError::Status(code));
        }
        Ok(body)
    }
}

fn display_ref(repo: &RepoSpec) -> &str {
    if repo.git_ref.is_empty() {
        "HEAD"
    } else {
        &repo.git_ref
    }
}

/// Runs git in one directory with a timeout per command.
struct Git {
    dir: PathBuf,
    timeout: Duration,
}

impl Git {
    fn run(&self, args: &[&str]) -> Result<(), RemoteError> {
        self.output(args).map(|_| ())
    }

    /// Runs `git ARGS` and returns its stdout; on failure kustomize's words
    /// (gitrunner.go: `failed to run '…': <output>`, utils.TimedCall: `hit … timeout`).
    fn output(&self, args: &[&str]) -> Result<String, RemoteError> {
        let shown = format!("git {}", args.join(" "));
        let mut child = Command::new("git")
            .args(args)
            .current_dir(&self.dir)
            .env("GIT_TERMINAL_PROMPT", "0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| RemoteError::Other(format!("no 'git' program on path: {e}")))?;
        let (mut stdout, mut stderr) = (child.stdout.take(), child.stderr.take());
        // Drain both pipes on threads so a chatty git cannot block on a full pipe.
        let out_thread = std::thread::spawn(move || {
            let mut s = Vec::new();
            if let Some(o) = stdout.as_mut() {
                let _ = o.read_to_end(&mut s);
            }
            s
        });
        let err_thread = std::thread::spawn(move || {
            let mut s = Vec::new();
            if let Some(e) = stderr.as_mut() {
                let _ = e.read_to_end(&mut s);
            }
            s
        });
        let start = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if start.elapsed() >= self.timeout => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(RemoteError::Other(format!(
                        "hit {}s timeout running '{shown}'",
                        self.timeout.as_secs_f64()
                    )));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(10)),
                Err(e) => return Err(RemoteError::Other(format!("'{shown}': {e}"))),
            }
        };
        let out = out_thread.join().unwrap_or_default();
        let err = err_thread.join().unwrap_or_default();
        if !status.success() {
            let code = status
                .code()
                .map_or_else(|| "signal".to_owned(), |c| format!("exit status {c}"));
            return Err(RemoteError::Other(format!(
                "failed to run '{shown}': {}: {code}",
                String::from_utf8_lossy(&err).trim_end()
            )));
        }
        Ok(String::from_utf8_lossy(&out).into_owned())
    }
}

/// A fresh directory next to the checkouts, removed when dropped unless it was renamed.
struct TempDir(PathBuf);

impl TempDir {
    fn new(base: &Path) -> std::io::Result<TempDir> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        loop {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let path = base.join(format!("tmp-{}-{n}", std::process::id()));
            match std::fs::create_dir(&path) {
                Ok(()) => return Ok(TempDir(path)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if self.0.exists() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}
