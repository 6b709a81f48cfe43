//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

use strata::MemoryFs;

/// Returns the repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Returns the shared reference data directory, or `None` when it is absent and not required.
/// With `STRATA_REQUIRE_SHARED=1` (set by `.ci/run`) absent data is a failure.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("STRATA_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared"));
    if dir.join("reference").is_dir() {
        return Some(dir);
    }
    if std::env::var("STRATA_REQUIRE_SHARED").as_deref() == Ok("1") {
        panic!("shared data required but not found at {}", dir.display());
    }
    eprintln!(
        "note: {} not found; skipping tests that need it",
        dir.display()
    );
    None
}

/// Copies the directory tree at `src` into a `MemoryFs` under `/`, returning the fs.
pub fn memory_fs_from(src: &Path) -> MemoryFs {
    let mut fs = MemoryFs::new();
    for entry in walkdir::WalkDir::new(src).sort_by_file_name() {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(src).unwrap();
        let dest = Path::new("/").join(rel);
        if entry.file_type().is_dir() {
            fs.add_dir(&dest);
        } else {
            fs.add_file(&dest, std::fs::read(entry.path()).unwrap());
        }
    }
    fs
}

/// Returns a readable diff of two texts for assertion messages.
pub fn diff(expected: &str, actual: &str) -> String {
    similar::TextDiff::from_lines(expected, actual)
        .unified_diff()
        .header("expected", "actual")
        .to_string()
}
