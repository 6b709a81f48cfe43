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
//! working tree would follow them. Paths outside the repository are not versioned: they are
//! read from disk, the same on both sides. Submodules (gitlinks) are not read: their paths do
//! not exist at the ref.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::{OsStr, OsString};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Mutex;

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
        let mut blobs = CatFile::spawn(&self.top)?;
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
                ("120000", "blob") => {
                    let target = blobs.read(oid).map_err(|e| format!("git cat-file: {e}"))?;
                    Entry::Link(bytes_path(&target))
                }
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
        })
    }
}

/// One file of the tree.
#[derive(Debug)]
enum Entry {
    /// A regular file (executable or not) and its blob id.
    File(String),
    /// A symlink and its target as written.
    Link(PathBuf),
}

/// A commit's tree, mounted at the working tree's top-level directory.
#[derive(Debug)]
pub struct GitTree {
    mount: PathBuf,
    entries: BTreeMap<PathBuf, Entry>,
    dirs: BTreeSet<PathBuf>,
    blobs: Mutex<CatFile>,
}

/// Where a path leads once symlinks are followed.
enum Resolved {
    /// A path inside the mount.
    Tree(PathBuf),
    /// A path outside it: not versioned, read from disk.
    Disk(PathBuf),
}

impl GitTree {
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
                Some(Entry::Link(target)) => {
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
        match self.resolve(path)? {
            Resolved::Disk(p) => DiskFs.read(&p),
            Resolved::Tree(p) => match self.entries.get(&p) {
                Some(Entry::File(oid)) => {
                    let mut blobs = self
                        .blobs
                        .lock()
                        .map_err(|_| io::Error::other("git cat-file reader failed earlier"))?;
                    blobs.read(oid)
                }
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

    fn read_limited(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        match self.resolve(path)? {
            // Outside the tree: the disk's checks (regular files only, size first).
            Resolved::Disk(p) => DiskFs.read_limited(&p, limit),
            Resolved::Tree(_) => strata::fs::within_limit(self.read(path)?, limit),
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
        })
    }

    /// Returns the contents of the blob `oid`.
    fn read(&mut self, oid: &str) -> io::Result<Vec<u8>> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| io::Error::other("git cat-file is closed"))?;
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
        let mut data = Vec::new();
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
