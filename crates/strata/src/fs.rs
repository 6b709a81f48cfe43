//! File access: the read-only [`FileSystem`] trait, [`DiskFs`], [`MemoryFs`], and the load
//! restrictor check.
//!
//! This is the only module that reads bytes. Paths handed around the crate are absolute and
//! lexically clean (no `.` or `..` components); [`clean`] makes them so.

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
}

/// A read-only file system. Implementations must be usable from many threads.
pub trait FileSystem: Send + Sync {
    /// Returns the contents of the file at `path`.
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;

    /// Returns what `path` names.
    fn kind(&self, path: &Path) -> FileKind;

    /// Returns the canonical form of `path` (symlinks resolved), used by the load restrictor.
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf>;
}

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
            Ok(_) => FileKind::File,
            Err(_) => FileKind::Absent,
        }
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        std::fs::canonicalize(path)
    }
}

/// An in-memory file tree, for library users and tests. Directories exist implicitly as the
/// parents of files, or explicitly via [`MemoryFs::add_dir`].
#[derive(Clone, Debug, Default)]
pub struct MemoryFs {
    files: BTreeMap<PathBuf, Vec<u8>>,
    dirs: BTreeSet<PathBuf>,
}

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

    /// Builder form of [`MemoryFs::add_file`].
    pub fn with_file(mut self, path: impl AsRef<Path>, contents: impl Into<Vec<u8>>) -> Self {
        self.add_file(path, contents);
        self
    }
}

impl FileSystem for MemoryFs {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        let path = clean(path);
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
        let path = clean(path);
        if self.files.contains_key(&path) {
            FileKind::File
        } else if self.dirs.contains(&path) {
            FileKind::Dir
        } else {
            FileKind::Absent
        }
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        let path = clean(path);
        match self.kind(&path) {
            FileKind::Absent => Err(io::Error::new(
                io::ErrorKind::NotFound,
                "no such file or directory",
            )),
            _ => Ok(path),
        }
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
