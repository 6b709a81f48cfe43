//! File access: the read-only [`FileSystem`] trait, [`DiskFs`], [`MemoryFs`], and the load
//! restrictor check.
//!
//! This is the only module that reads bytes. Paths handed around the crate are absolute and
//! lexically clean (no `.` or `..` components); [`clean`] makes them so.
//!
//! Input is hostile (Strata renders whatever a pull request contains), so the build reads
//! through [`FileSystem::read_limited`] only: regular files, at most a given number of bytes,
//! checked from metadata before reading and enforced while reading. `DiskFs` refuses FIFOs,
//! devices, sockets and the kernel's `/proc`, `/sys` and `/dev` trees, whose entries claim a
//! size they do not have or never end.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Component, Path, PathBuf};

/// What a path names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A regular file.
    File,
    /// A directory.
    Dir,
    /// Nothing.
    Absent,
    /// Something that is neither a regular file nor a directory: a FIFO, a device, a socket.
    /// It is never read.
    Special,
}

/// A read-only file system. Implementations must be usable from many threads.
///
/// A wrapper that records what a render reads (the build reads through
/// [`FileSystem::read_limited`], whose default calls [`FileSystem::read`]):
///
/// ```
/// use std::io;
/// use std::path::{Path, PathBuf};
/// use std::sync::Mutex;
///
/// use strata::{FileKind, FileSystem, MemoryFs, Renderer};
///
/// struct Recording {
///     inner: MemoryFs,
///     read: Mutex<Vec<PathBuf>>,
/// }
///
/// impl FileSystem for Recording {
///     fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
///         self.read.lock().map_err(|_| io::Error::other("poisoned"))?.push(path.to_owned());
///         self.inner.read(path)
///     }
///     fn kind(&self, path: &Path) -> FileKind {
///         self.inner.kind(path)
///     }
///     fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
///         self.inner.canonicalize(path)
///     }
/// }
///
/// let fs = Recording {
///     inner: MemoryFs::new()
///         .with_file("app/kustomization.yaml", "resources:\n- cm.yaml\n")
///         .with_file("app/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n")
///         .with_file("app/unused.yaml", "not: read\n"),
///     read: Mutex::new(Vec::new()),
/// };
/// Renderer::default().render(&fs, "/app")?;
/// let read = fs.read.lock().map(|r| r.clone()).unwrap_or_default();
/// assert_eq!(read, [Path::new("/app/kustomization.yaml"), Path::new("/app/cm.yaml")]);
/// # Ok::<(), strata::Error>(())
/// ```
pub trait FileSystem: Send + Sync {
    /// Returns the contents of the file at `path`.
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;

    /// Returns what `path` names.
    fn kind(&self, path: &Path) -> FileKind;

    /// Returns the canonical form of `path` (symlinks resolved), used by the load restrictor.
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf>;

    /// Returns the contents of the regular file at `path` if it holds at most `limit` bytes;
    /// anything else fails (a larger file with [`io::ErrorKind::FileTooLarge`], anything but
    /// a regular file with [`io::ErrorKind::InvalidInput`]). This is the read the build uses.
    /// The default reads the whole file first; implementations that can ask for the size or
    /// read incrementally should.
    fn read_limited(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        if self.kind(path) == FileKind::Special {
            return Err(not_regular());
        }
        within_limit(self.read(path)?, limit)
    }

    /// Returns the entries of the directory `path` (names and kinds, sorted by name), without
    /// following symbolic links: a link is listed as [`FileKind::Special`]. Only `localize`
    /// lists directories (to copy a Helm chart home); the default says it cannot.
    fn read_dir(&self, path: &Path) -> io::Result<Vec<(String, FileKind)>> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            format!(
                "{}: this file system cannot list directories",
                path.display()
            ),
        ))
    }
}

/// Returns `bytes` if there are at most `limit` of them, else a
/// [`io::ErrorKind::FileTooLarge`] error.
pub fn within_limit(bytes: Vec<u8>, limit: u64) -> io::Result<Vec<u8>> {
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > limit {
        return Err(too_large(limit));
    }
    Ok(bytes)
}

fn too_large(limit: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::FileTooLarge,
        format!("larger than the limit of {limit} bytes"),
    )
}

fn not_regular() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        "not a regular file (a FIFO, device, socket or kernel file); only regular files are read",
    )
}

/// Directories whose entries are not files of the repository: their sizes lie (`/proc`
/// reports 0 for files that hold the process environment), reads may never end
/// (`/dev/zero`) or block (`/dev/stdin`).
const SPECIAL_TREES: [&str; 3] = ["/proc", "/sys", "/dev"];

/// The real file system.
#[derive(Clone, Copy, Debug, Default)]
pub struct DiskFs;

// DiskFs is the one place the library touches the disk (clippy.toml disallows std::fs).
#[expect(clippy::disallowed_methods, reason = "the real file system")]
impl FileSystem for DiskFs {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        std::fs::read(path)
    }

    fn kind(&self, path: &Path) -> FileKind {
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => FileKind::Dir,
            Ok(m) if m.is_file() => FileKind::File,
            Ok(_) => FileKind::Special,
            Err(_) => FileKind::Absent,
        }
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        std::fs::canonicalize(path)
    }

    fn read_dir(&self, path: &Path) -> io::Result<Vec<(String, FileKind)>> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(path)? {
            let entry = entry?;
            let t = entry.file_type()?;
            let kind = if t.is_dir() {
                FileKind::Dir
            } else if t.is_file() {
                FileKind::File
            } else {
                FileKind::Special
            };
            out.push((entry.file_name().to_string_lossy().into_owned(), kind));
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }

    fn read_limited(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        use std::io::Read;
        let real = std::fs::canonicalize(path)?;
        if SPECIAL_TREES.iter().any(|t| real.starts_with(t)) {
            return Err(not_regular());
        }
        // Ask first: opening a FIFO blocks until a writer comes, and a sparse file's size is
        // known without reading it.
        let meta = std::fs::metadata(&real)?;
        if !meta.is_file() {
            return Err(not_regular());
        }
        if meta.len() > limit {
            return Err(too_large(limit));
        }
        let file = std::fs::File::open(&real)?;
        // The file may have changed since: check what was opened, and never read past the
        // limit whatever the metadata said.
        if !file.metadata()?.is_file() {
            return Err(not_regular());
        }
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
        within_limit(bytes, limit)
    }
}

/// An in-memory file tree, for library users and tests. Directories exist implicitly as the
/// parents of files, or explicitly via [`MemoryFs::add_dir`].
#[derive(Clone, Debug, Default)]
pub struct MemoryFs {
    files: BTreeMap<PathBuf, Vec<u8>>,
    dirs: BTreeSet<PathBuf>,
    /// Symbolic links: link path to target (relative to the link's directory, or absolute).
    links: BTreeMap<PathBuf, PathBuf>,
}

/// Most symbolic links followed in one path (Linux's `MAXSYMLINKS`).
const MAX_SYMLINKS: usize = 40;

impl MemoryFs {
    /// Returns an empty tree (only `/` exists).
    pub fn new() -> MemoryFs {
        let mut fs = MemoryFs::default();
        fs.dirs.insert(PathBuf::from("/"));
        fs
    }

    /// Adds (or replaces) a file; relative paths are taken from `/`.
    pub fn add_file(&mut self, path: impl AsRef<Path>, contents: impl Into<Vec<u8>>) -> &mut Self {
        let path = clean(&Path::new("/").join(path.as_ref()));
        let mut parent = path.parent();
        while let Some(p) = parent {
            self.dirs.insert(p.to_path_buf());
            parent = p.parent();
        }
        self.files.insert(path, contents.into());
        self
    }

    /// Adds an empty directory (and its parents).
    pub fn add_dir(&mut self, path: impl AsRef<Path>) -> &mut Self {
        let path = clean(&Path::new("/").join(path.as_ref()));
        let mut cur = Some(path.as_path());
        while let Some(p) = cur {
            self.dirs.insert(p.to_path_buf());
            cur = p.parent();
        }
        self
    }

    /// Adds a symbolic link at `path` to `target` (absolute, or relative to the link's
    /// directory), as `ln -s target path` would; relative link paths are taken from `/`.
    pub fn add_symlink(&mut self, path: impl AsRef<Path>, target: impl AsRef<Path>) -> &mut Self {
        let path = clean(&Path::new("/").join(path.as_ref()));
        if let Some(parent) = path.parent() {
            self.add_dir(parent);
        }
        self.links.insert(path, target.as_ref().to_path_buf());
        self
    }

    /// Returns `path` with every symbolic link along it followed, or `None` for a loop.
    fn resolve(&self, path: &Path) -> Option<PathBuf> {
        let path = Path::new("/").join(path);
        let mut todo: Vec<std::ffi::OsString> = Vec::new();
        push_components(&mut todo, &path);
        let mut cur = PathBuf::from("/");
        let mut hops = 0;
        while let Some(c) = todo.pop() {
            if c == ".." {
                cur.pop();
                continue;
            }
            let next = cur.join(&c);
            match self.links.get(&next) {
                Some(target) => {
                    hops += 1;
                    if hops > MAX_SYMLINKS {
                        return None;
                    }
                    if target.is_absolute() {
                        cur = PathBuf::from("/");
                    }
                    push_components(&mut todo, target);
                }
                None => cur = next,
            }
        }
        Some(cur)
    }

    /// Builder form of [`MemoryFs::add_file`].
    pub fn with_file(mut self, path: impl AsRef<Path>, contents: impl Into<Vec<u8>>) -> Self {
        self.add_file(path, contents);
        self
    }
}

/// Pushes the normal and `..` components of `path` onto `todo` so they pop in order.
fn push_components(todo: &mut Vec<std::ffi::OsString>, path: &Path) {
    let parts: Vec<std::ffi::OsString> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_os_string()),
            Component::ParentDir => Some("..".into()),
            _ => None,
        })
        .collect();
    todo.extend(parts.into_iter().rev());
}

fn symlink_loop() -> io::Error {
    io::Error::other("too many levels of symbolic links")
}

impl FileSystem for MemoryFs {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        let path = self.resolve(path).ok_or_else(symlink_loop)?;
        match self.files.get(&path) {
            Some(b) => Ok(b.clone()),
            None if self.dirs.contains(&path) => Err(io::Error::new(
                io::ErrorKind::IsADirectory,
                "is a directory",
            )),
            None => Err(io::Error::new(
                io::ErrorKind::NotFound,
                "no such file or directory",
            )),
        }
    }

    fn kind(&self, path: &Path) -> FileKind {
        let Some(path) = self.resolve(path) else {
            return FileKind::Absent;
        };
        if self.files.contains_key(&path) {
            FileKind::File
        } else if self.dirs.contains(&path) {
            FileKind::Dir
        } else {
            FileKind::Absent
        }
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        let path = self.resolve(path).ok_or_else(symlink_loop)?;
        match self.kind(&path) {
            FileKind::Absent => Err(io::Error::new(
                io::ErrorKind::NotFound,
                "no such file or directory",
            )),
            _ => Ok(path),
        }
    }

    fn read_dir(&self, path: &Path) -> io::Result<Vec<(String, FileKind)>> {
        let dir = self.resolve(path).ok_or_else(symlink_loop)?;
        if !self.dirs.contains(&dir) {
            return Err(io::Error::new(io::ErrorKind::NotFound, "no such directory"));
        }
        let name = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned());
        let mut out: Vec<(String, FileKind)> = Vec::new();
        let children = |p: &&PathBuf| p.parent() == Some(dir.as_path());
        out.extend(
            self.dirs
                .iter()
                .filter(children)
                .filter_map(|p| Some((name(p)?, FileKind::Dir))),
        );
        out.extend(
            self.files
                .keys()
                .filter(children)
                .filter_map(|p| Some((name(p)?, FileKind::File))),
        );
        out.extend(
            self.links
                .keys()
                .filter(children)
                .filter_map(|p| Some((name(p)?, FileKind::Special))),
        );
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }
}

/// Returns `path` with `.` removed and `..` applied lexically (never above the root).
pub fn clean(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() && !path.is_absolute() {
                    out.push("..");
                }
                if out.as_os_str().is_empty() && path.is_absolute() {
                    out.push("/");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(if path.is_absolute() { "/" } else { "." });
    }
    out
}

/// How far from its kustomization's directory a file may be loaded from (kustomize's
/// `--load-restrictor`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum LoadRestrictor {
    /// Files must lie in or below the kustomization's directory (kustomize's default).
    #[default]
    RootOnly,
    /// Any file may be loaded.
    None,
}

impl LoadRestrictor {
    /// Returns kustomize's flag value for this restrictor.
    pub fn as_flag(self) -> &'static str {
        match self {
            LoadRestrictor::RootOnly => "LoadRestrictionsRootOnly",
            LoadRestrictor::None => "LoadRestrictionsNone",
        }
    }
}

/// Checks `file` against `root` under `restrictor`, both already canonical. Returns kustomize's
/// message (api/loader/fileloader.go `RestrictionRootOnly`) when the file is outside.
pub fn check_restriction(
    restrictor: LoadRestrictor,
    root: &Path,
    file: &Path,
) -> Result<(), String> {
    match restrictor {
        LoadRestrictor::None => Ok(()),
        LoadRestrictor::RootOnly => {
            if file.starts_with(root) {
                Ok(())
            } else {
                Err(format!(
                    "security; file '{}' is not in or below '{}'",
                    file.display(),
                    root.display()
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_is_lexical() {
        let cases = [
            ("/a/./b/../c", "/a/c"),
            ("/../x", "/x"),
            ("/a/b/", "/a/b"),
            ("a/../../b", "../b"),
            ("/", "/"),
        ];
        for (input, want) in cases {
            assert_eq!(clean(Path::new(input)), PathBuf::from(want), "{input}");
        }
    }

    #[test]
    fn memory_fs_has_implicit_dirs() {
        let fs = MemoryFs::new().with_file("app/base/k.yaml", "x");
        assert_eq!(fs.kind(Path::new("/app/base/k.yaml")), FileKind::File);
        assert_eq!(fs.kind(Path::new("/app/base")), FileKind::Dir);
        assert_eq!(fs.kind(Path::new("/app/./base/../base")), FileKind::Dir);
        assert_eq!(fs.kind(Path::new("/app/other")), FileKind::Absent);
        assert_eq!(fs.read(Path::new("/app/base/k.yaml")).unwrap(), b"x");
        assert!(fs.read(Path::new("/app")).is_err());
    }

    #[test]
    fn memory_fs_follows_symlinks() {
        let mut fs = MemoryFs::new().with_file("repo/other/k.yaml", "x");
        fs.add_symlink("repo/app/rel.yaml", "../other/k.yaml")
            .add_symlink("repo/app/abs.yaml", "/repo/other/k.yaml")
            .add_symlink("repo/app/dir", "../other")
            .add_symlink("repo/app/loop", "loop")
            .add_symlink("repo/app/dangling", "nope");
        let canonical = |p: &str| fs.canonicalize(Path::new(p)).ok();
        let want = Some(PathBuf::from("/repo/other/k.yaml"));
        assert_eq!(canonical("/repo/app/rel.yaml"), want);
        assert_eq!(canonical("/repo/app/abs.yaml"), want);
        assert_eq!(canonical("/repo/app/dir/k.yaml"), want);
        // `..` after a link leaves the link's target, as on disk.
        assert_eq!(canonical("/repo/app/dir/../other/k.yaml"), want);
        assert_eq!(canonical("/repo/app/loop"), None);
        assert_eq!(canonical("/repo/app/dangling"), None);
        assert_eq!(fs.kind(Path::new("/repo/app/dir")), FileKind::Dir);
        assert_eq!(fs.read(Path::new("/repo/app/rel.yaml")).unwrap(), b"x");
    }

    #[test]
    fn read_limited_checks_the_size() {
        let fs = MemoryFs::new().with_file("a", "12345");
        assert_eq!(fs.read_limited(Path::new("/a"), 5).unwrap(), b"12345");
        let e = fs.read_limited(Path::new("/a"), 4).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::FileTooLarge);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn disk_fs_reads_regular_files_only() {
        for special in [
            "/dev/zero",
            "/dev/null",
            "/proc/self/environ",
            "/proc/self/status",
        ] {
            let e = DiskFs
                .read_limited(Path::new(special), 1 << 20)
                .unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{special}");
        }
        assert_eq!(DiskFs.kind(Path::new("/dev/zero")), FileKind::Special);
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
        assert!(DiskFs.read_limited(&manifest, 1 << 20).is_ok());
        let e = DiskFs.read_limited(&manifest, 10).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::FileTooLarge);
    }

    #[test]
    fn restrictor_message_matches_kustomize() {
        let root = Path::new("/prod");
        assert!(
            check_restriction(LoadRestrictor::RootOnly, root, Path::new("/prod/a.yaml")).is_ok()
        );
        let e = check_restriction(LoadRestrictor::RootOnly, root, Path::new("/patches/p.yaml"))
            .unwrap_err();
        assert_eq!(
            e,
            "security; file '/patches/p.yaml' is not in or below '/prod'"
        );
        assert!(
            check_restriction(LoadRestrictor::None, root, Path::new("/patches/p.yaml")).is_ok()
        );
    }
}
