//! The tree of a git commit as a read-only [`FileSystem`], for `strata diff --git-ref`: no
//! checkout, no temporary worktree, nothing written.
//!
//! It drives the `git` command (`rev-parse`, `ls-tree -r -z`, one long-lived
//! `cat-file --batch`) rather than a git library: no new dependency, and git is on every CI
//! machine; it also honours whatever the repository's git honours (alternates, shallow and
//! partial clones, `GIT_DIR`). The whole tree at the commit is listed once (paths, modes and
//! object ids: cheap even for large repositories); blob contents are read on demand, so only
//! the files a render opens are fetched from the object store.
//!
//! The tree is mounted at the working tree's top-level directory, so a path means the same
//! file on both sides of a diff and bases outside the rendered directory resolve as they do on
//! disk. Symlinks (mode 120000) inside the tree are followed, relative or absolute, as the
//! working tree would follow them; a link's target is a blob too, read the first time a path
//! goes through the link (a tree of 200k symlinks costs nothing until the render opens one). Paths outside the repository are not versioned: they are
//! read from disk, the same on both sides. Submodules (gitlinks) are not read: their paths do
//! not exist at the ref.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::{OsStr, OsString};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Mutex, OnceLock};

use strata::fs::clean;
use strata::{DiskFs, FileKind, FileSystem};

/// Symlinks followed in one path before giving up, as Linux's `MAXSYMLINKS`.
const MAX_SYMLINKS: usize = 40;

/// A git working tree, found from a directory inside it.
#[derive(Debug)]
pub struct Repo {
    top: PathBuf,
}

impl Repo {
    /// Returns the repository whose working tree contains `dir` (which must exist).
    pub fn discover(dir: &Path) -> Result<Repo, String> {
        let out = git_in(dir, &["rev-parse".as_ref(), "--show-toplevel".as_ref()])?;
        let text = String::from_utf8(out)
            .map_err(|_| "git rev-parse --show-toplevel: path is not UTF-8".to_owned())?;
        let top = text.trim_end_matches(['\n', '\r']);
        if top.is_empty() {
            return Err(format!(
                "{}: not in a git working tree (a bare repository?)",
                dir.display()
            ));
        }
        Ok(Repo {
            top: PathBuf::from(top),
        })
    }

    /// Returns the working tree's top-level directory (symlinks resolved, as git prints it).
    pub fn top(&self) -> &Path {
        &self.top
    }

    /// Returns the full id of the commit `rev` names.
    pub fn resolve_commit(&self, rev: &str) -> Result<String, String> {
        if rev.starts_with('-') || rev.is_empty() {
            return Err(format!("git ref '{rev}' is not a revision"));
        }
        let spec = format!("{rev}^{{commit}}");
        let out = git_in(
            &self.top,
            &[
                "rev-parse".as_ref(),
                "--verify".as_ref(),
                "--quiet".as_ref(),
                spec.as_ref(),
            ],
        )
        .map_err(|_| {
            format!(
                "git ref '{rev}' does not name a commit in {} (in a shallow clone, fetch it \
                 first: git fetch --depth=1 origin <branch>)",
                self.top.display()
            )
        })?;
        Ok(String::from_utf8_lossy(&out).trim().to_owned())
    }

    /// Returns the tree of `commit` as a file system mounted at [`Repo::top`].
    pub fn tree(&self, commit: &str) -> Result<GitTree, String> {
        let listing = git_in(
            &self.top,
            &[
                "ls-tree".as_ref(),
                "-r".as_ref(),
                "-z".as_ref(),
                "--full-tree".as_ref(),
                commit.as_ref(),
            ],
        )?;
        let blobs = CatFile::spawn(&self.top)?;
        let mut entries = BTreeMap::new();
        let mut dirs = BTreeSet::from([PathBuf::from("/"), self.top.clone()]);
        for record in listing.split(|&b| b == 0).filter(|r| !r.is_empty()) {
            let bad = || format!("git ls-tree: unexpected line {:?}", bytes_text(record));
            let tab = record.iter().position(|&b| b == b'\t').ok_or_else(bad)?;
            let (meta, name) = (&record[..tab], &record[tab + 1..]);
            let meta = std::str::from_utf8(meta).map_err(|_| bad())?;
            let mut parts = meta.split(' ');
            let (Some(mode), Some(kind), Some(oid)) = (parts.next(), parts.next(), parts.next())
            else {
                return Err(bad());
            };
            let path = self.top.join(bytes_path(name));
            let entry = match (mode, kind) {
                ("120000", "blob") => Entry::Link {
                    oid: oid.to_owned(),
                    target: OnceLock::new(),
                },
                (_, "blob") => Entry::File(oid.to_owned()),
                // Submodules (`commit`) are not read.
                _ => continue,
            };
            let mut parent = path.parent();
            while let Some(p) = parent {
                if !dirs.insert(p.to_path_buf()) {
                    break;
                }
                parent = p.parent();
            }
            entries.insert(path, entry);
        }
        Ok(GitTree {
            mount: self.top.clone(),
            entries,
            dirs,
            blobs: Mutex::new(blobs),
            #[cfg(test)]
            opened: Mutex::new(Vec::new()),
        })
    }
}

/// One file of the tree.
#[derive(Debug)]
enum Entry {
    /// A regular file (executable or not) and its blob id.
    File(String),
    /// A symlink: the blob holding its target, and the target as written once read.
    Link {
        oid: String,
        target: OnceLock<PathBuf>,
    },
}

/// A commit's tree, mounted at the working tree's top-level directory.
#[derive(Debug)]
pub struct GitTree {
    mount: PathBuf,
    entries: BTreeMap<PathBuf, Entry>,
    dirs: BTreeSet<PathBuf>,
    blobs: Mutex<CatFile>,
    /// The paths whose blob was read, in order: tests prove with it what a render opened.
    #[cfg(test)]
    opened: Mutex<Vec<PathBuf>>,
}

/// Where a path leads once symlinks are followed.
enum Resolved {
    /// A path inside the mount.
    Tree(PathBuf),
    /// A path outside it: not versioned, read from disk.
    Disk(PathBuf),
}

impl GitTree {
    /// Returns the contents of the blob `oid` (the entry at `path`) if it holds at most
    /// `limit` bytes.
    fn blob(&self, path: &Path, oid: &str, limit: u64) -> io::Result<Vec<u8>> {
        #[cfg(test)]
        if let Ok(mut opened) = self.opened.lock() {
            opened.push(path.to_path_buf());
        }
        let _ = path;
        let mut blobs = self
            .blobs
            .lock()
            .map_err(|_| io::Error::other("git cat-file reader failed earlier"))?;
        blobs.read(oid, limit)
    }

    /// Follows the symlinks of the tree along `path`.
    fn resolve(&self, path: &Path) -> io::Result<Resolved> {
        let path = clean(&Path::new("/").join(path));
        let mut todo: Vec<OsString> = Vec::new();
        push_components(&mut todo, &path);
        let mut cur = PathBuf::from("/");
        let mut hops = 0;
        while let Some(c) = todo.pop() {
            if c == ".." {
                cur.pop();
                continue;
            }
            let next = cur.join(&c);
            match self.entries.get(&next) {
                Some(Entry::Link { oid, target }) => {
                    let target = match target.get() {
                        Some(t) => t,
                        None => {
                            let bytes = self.blob(&next, oid, u64::MAX)?;
                            // Another thread may have read it meanwhile: same blob, same value.
                            let _ = target.set(bytes_path(&bytes));
                            target
                                .get()
                                .ok_or_else(|| io::Error::other("symlink target"))?
                        }
                    };
                    hops += 1;
                    if hops > MAX_SYMLINKS {
                        return Err(io::Error::other(format!(
                            "{}: too many levels of symbolic links",
                            path.display()
                        )));
                    }
                    if target.is_absolute() {
                        cur = PathBuf::from("/");
                    }
                    push_components(&mut todo, target);
                }
                _ => cur = next,
            }
        }
        Ok(if cur.starts_with(&self.mount) {
            Resolved::Tree(cur)
        } else {
            Resolved::Disk(cur)
        })
    }
}

/// Pushes the normal and `..` components of `path` onto `todo` so they pop in order.
fn push_components(todo: &mut Vec<OsString>, path: &Path) {
    let parts: Vec<OsString> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_os_string()),
            Component::ParentDir => Some(OsString::from("..")),
            _ => None,
        })
        .collect();
    todo.extend(parts.into_iter().rev());
}

impl FileSystem for GitTree {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.read_limited(path, u64::MAX)
    }

    fn read_limited(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        match self.resolve(path)? {
            // Outside the tree: the disk's checks (regular files only, size first).
            Resolved::Disk(p) => DiskFs.read_limited(&p, limit),
            Resolved::Tree(p) => match self.entries.get(&p) {
                Some(Entry::File(oid)) => self.blob(&p, oid, limit),
                _ if self.dirs.contains(&p) => Err(io::Error::new(
                    io::ErrorKind::IsADirectory,
                    "is a directory",
                )),
                _ => Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    "no such file or directory",
                )),
            },
        }
    }

    fn kind(&self, path: &Path) -> FileKind {
        match self.resolve(path) {
            Err(_) => FileKind::Absent,
            Ok(Resolved::Disk(p)) => DiskFs.kind(&p),
            Ok(Resolved::Tree(p)) => {
                if matches!(self.entries.get(&p), Some(Entry::File(_))) {
                    FileKind::File
                } else if self.dirs.contains(&p) {
                    FileKind::Dir
                } else {
                    FileKind::Absent
                }
            }
        }
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        match self.resolve(path)? {
            Resolved::Disk(p) => DiskFs.canonicalize(&p),
            Resolved::Tree(p) => match self.kind(&p) {
                FileKind::Absent => Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    "no such file or directory",
                )),
                _ => Ok(p),
            },
        }
    }
}

/// A running `git cat-file --batch`: one object id in, its header and contents out.
#[derive(Debug)]
struct CatFile {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    /// Objects asked for so far.
    reads: u64,
}

impl CatFile {
    fn spawn(top: &Path) -> Result<CatFile, String> {
        let mut child = Command::new("git")
            .arg("-C")
            .arg(top)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot run git: {e}"))?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err("git cat-file: no pipes".to_owned());
        };
        Ok(CatFile {
            child,
            stdin: Some(stdin),
            stdout: BufReader::new(stdout),
            reads: 0,
        })
    }

    /// Returns the contents of the blob `oid` if it holds at most `limit` bytes; the size
    /// comes first in cat-file's header, so a larger blob is skipped, never kept.
    fn read(&mut self, oid: &str, limit: u64) -> io::Result<Vec<u8>> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| io::Error::other("git cat-file is closed"))?;
        self.reads += 1;
        writeln!(stdin, "{oid}")?;
        stdin.flush()?;
        let mut header = String::new();
        self.stdout.read_line(&mut header)?;
        // `<oid> <type> <size>`, or `<oid> missing` for an object this clone lacks.
        let fields: Vec<&str> = header.split_whitespace().collect();
        let size = match fields.as_slice() {
            [_, "blob", size] => size
                .parse::<u64>()
                .map_err(|_| io::Error::other(format!("git cat-file: bad header {header:?}")))?,
            [_, "missing"] => {
                return Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    format!("git object {oid} is missing from this clone"),
                ));
            }
            _ => {
                return Err(io::Error::other(format!(
                    "git cat-file: unexpected header {header:?}"
                )));
            }
        };
        if size > limit {
            // Skip the contents and the newline after them, so the next answer lines up.
            let rest = size.saturating_add(1);
            let skipped = io::copy(&mut (&mut self.stdout).take(rest), &mut io::sink())?;
            if skipped != rest {
                return Err(io::Error::other("git cat-file: short read"));
            }
            return Err(io::Error::new(
                io::ErrorKind::FileTooLarge,
                format!("larger than the limit of {limit} bytes"),
            ));
        }
        let mut data = Vec::with_capacity(usize::try_from(size).unwrap_or(0).min(1 << 20));
        (&mut self.stdout).take(size).read_to_end(&mut data)?;
        let mut newline = [0u8; 1];
        self.stdout.read_exact(&mut newline)?;
        if u64::try_from(data.len()).ok() != Some(size) || newline != *b"\n" {
            return Err(io::Error::other("git cat-file: short read"));
        }
        Ok(data)
    }
}

impl Drop for CatFile {
    fn drop(&mut self) {
        // Closing its stdin ends cat-file; wait so no zombie is left behind.
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

/// Runs `git -C dir ARGS` and returns its stdout, or its stderr as the error.
fn git_in(dir: &Path, args: &[&OsStr]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        let shown: Vec<String> = args.iter().map(|a| a.to_string_lossy().into()).collect();
        return Err(format!(
            "git {}: {}",
            shown.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(out.stdout)
}

#[cfg(unix)]
fn bytes_path(b: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(OsStr::from_bytes(b))
}

#[cfg(not(unix))]
fn bytes_path(b: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(b).into_owned())
}

fn bytes_text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;
    use strata::{RenderOptions, Renderer};

    /// Runs git in `dir` with the user's and the system's configuration left out.
    fn git(dir: &Path, args: &[&str]) {
        let out = Command::new("git")
            .current_dir(dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", dir)
            .args(["-c", "user.name=T", "-c", "user.email=t@example.com"])
            .args(["-c", "commit.gpgsign=false"])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {out:?}");
    }

    #[cfg(unix)]
    #[test]
    fn regression_16_git_ref_reads_only_what_the_render_opens() {
        let tmp = tempfile::tempdir().unwrap();
        let top = tmp.path().canonicalize().unwrap();
        let app = top.join("app");
        std::fs::create_dir_all(app.join("links")).unwrap();
        std::fs::create_dir_all(app.join("data")).unwrap();
        std::fs::write(
            app.join("kustomization.yaml"),
            "resources:\n- cm.yaml\n- links/used.yaml\n",
        )
        .unwrap();
        let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: NAME\n";
        std::fs::write(app.join("cm.yaml"), cm.replace("NAME", "a")).unwrap();
        std::fs::write(app.join("data/shared.yaml"), cm.replace("NAME", "b")).unwrap();
        std::fs::write(top.join("unused.yaml"), cm.replace("NAME", "c")).unwrap();
        std::os::unix::fs::symlink("../data/shared.yaml", app.join("links/used.yaml")).unwrap();
        for i in 0..50 {
            let link = app.join(format!("links/unused-{i}.yaml"));
            std::os::unix::fs::symlink("../../unused.yaml", link).unwrap();
        }
        git(&top, &["init", "-q"]);
        git(&top, &["add", "-A"]);
        git(&top, &["commit", "-q", "-m", "tree"]);

        let repo = Repo::discover(&top).unwrap();
        let commit = repo.resolve_commit("HEAD").unwrap();
        let tree = repo.tree(&commit).unwrap();
        let out = Renderer::new(RenderOptions::default())
            .render(&tree, &app)
            .unwrap()
            .to_yaml()
            .unwrap();
        assert!(out.contains("name: a") && out.contains("name: b"), "{out}");
        let mut opened = tree.opened.lock().unwrap().clone();
        opened.sort();
        let want: Vec<PathBuf> = [
            "app/cm.yaml",
            "app/data/shared.yaml",
            "app/kustomization.yaml",
            "app/links/used.yaml",
        ]
        .iter()
        .map(|p| top.join(p))
        .collect();
        assert_eq!(opened, want);
        // Every object fetched from git is one of those: the 50 unused links were never read.
        assert_eq!(tree.blobs.lock().unwrap().reads, 4);
    }

    #[test]
    fn a_blob_over_the_limit_is_skipped_and_the_next_read_lines_up() {
        let tmp = tempfile::tempdir().unwrap();
        let top = tmp.path().canonicalize().unwrap();
        std::fs::write(top.join("big"), "0123456789").unwrap();
        std::fs::write(top.join("small"), "ok").unwrap();
        git(&top, &["init", "-q"]);
        git(&top, &["add", "-A"]);
        git(&top, &["commit", "-q", "-m", "tree"]);
        let repo = Repo::discover(&top).unwrap();
        let tree = repo.tree(&repo.resolve_commit("HEAD").unwrap()).unwrap();
        let e = tree.read_limited(&top.join("big"), 9).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::FileTooLarge);
        assert_eq!(tree.read_limited(&top.join("small"), 9).unwrap(), b"ok");
        assert_eq!(
            tree.read_limited(&top.join("big"), 10).unwrap(),
            b"0123456789"
        );
    }
}
