//! Writing `-o` output: every file goes to a temporary name in its target directory and is
//! renamed over the target, so a run either replaces all of its files or, when a write
//! fails, leaves the previous contents in place; a symlink at a target is replaced, never
//! followed.

use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes `contents` to a new file at `path`; the file must not exist yet.
type WriteNew<'a> = dyn FnMut(&Path, &[u8]) -> io::Result<()> + 'a;

/// Writes each `(name, text)` of `files` into directory `dir`. Every name must be one plain
/// path component, and no two may be equal ignoring case (a case-insensitive file system
/// would write one over the other); both are checked before anything is written.
pub(crate) fn write_files(dir: &Path, files: &[(String, String)]) -> Result<(), String> {
    write_files_with(dir, files, &mut create_and_write)
}

/// Creates `path` (failing if anything, a symlink included, is already there) and writes
/// `contents` to it.
fn create_and_write(path: &Path, contents: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new().write(true).create_new(true).open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

fn write_files_with(
    dir: &Path,
    files: &[(String, String)],
    write_new: &mut WriteNew<'_>,
) -> Result<(), String> {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for (name, _) in files {
        strata::check_file_name(name)
            .map_err(|why| format!("cannot write {name:?} into {}: it {why}", dir.display()))?;
        if let Some(other) = seen.insert(name.to_lowercase(), name) {
            return Err(format!(
                "{other:?} and {name:?} would be the same file on a case-insensitive file \
                 system; rename one of the directories or resources"
            ));
        }
        let target = dir.join(name);
        if std::fs::symlink_metadata(&target).is_ok_and(|m| m.is_dir()) {
            return Err(format!(
                "cannot write {}: it is a directory; remove it or choose another -o",
                target.display()
            ));
        }
    }
    // Every file is written to a temporary name first; only when all are written are they
    // renamed over their targets.
    let mut temps: Vec<(PathBuf, PathBuf)> = Vec::with_capacity(files.len());
    let cleanup = |temps: &[(PathBuf, PathBuf)]| {
        for (temp, _) in temps {
            let _ = std::fs::remove_file(temp);
        }
    };
    for (i, (name, text)) in files.iter().enumerate() {
        let target = dir.join(name);
        match write_temp(dir, i, text.as_bytes(), write_new) {
            Ok(temp) => temps.push((temp, target)),
            Err(e) => {
                cleanup(&temps);
                return Err(format!(
                    "{}: {e}; nothing was written, the previous contents are unchanged",
                    target.display()
                ));
            }
        }
    }
    for (n, (temp, target)) in temps.iter().enumerate() {
        if let Err(e) = std::fs::rename(temp, target) {
            cleanup(temps.get(n..).unwrap_or_default());
            return Err(format!(
                "{}: {e}; {n} of {} files were replaced before this one",
                target.display(),
                temps.len()
            ));
        }
    }
    Ok(())
}

/// Writes `contents` to a fresh temporary file in `dir` and returns its path. The name is
/// hidden, unique to this process and file, and retried if something already has it.
fn write_temp(
    dir: &Path,
    index: usize,
    contents: &[u8],
    write_new: &mut WriteNew<'_>,
) -> io::Result<PathBuf> {
    let pid = std::process::id();
    let mut last = None;
    for attempt in 0..8 {
        let temp = dir.join(format!(".strata-{pid}-{index}-{attempt}.tmp"));
        match write_new(&temp, contents) {
            Ok(()) => return Ok(temp),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => {
                let _ = std::fs::remove_file(&temp);
                return Err(e);
            }
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no free temporary name")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()))
            .collect()
    }

    fn listing(dir: &Path) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                let name = e.file_name().to_string_lossy().into_owned();
                let text = std::fs::read_to_string(e.path()).unwrap_or_default();
                (name, text)
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn a_failing_write_leaves_the_previous_contents() {
        let dir = tempfile::tempdir().unwrap();
        write_files(
            dir.path(),
            &files(&[("a.yaml", "old a"), ("b.yaml", "old b")]),
        )
        .unwrap();
        let mut calls = 0;
        let mut fail_second = |path: &Path, contents: &[u8]| {
            calls += 1;
            if calls == 2 {
                // Leave a half-written file behind, as a full disk would.
                std::fs::write(path, b"partial").unwrap();
                return Err(io::Error::other("no space left on device"));
            }
            create_and_write(path, contents)
        };
        let err = write_files_with(
            dir.path(),
            &files(&[("a.yaml", "new a"), ("b.yaml", "new b")]),
            &mut fail_second,
        )
        .unwrap_err();
        assert!(err.contains("no space left on device"), "{err}");
        assert_eq!(
            listing(dir.path()),
            files(&[("a.yaml", "old a"), ("b.yaml", "old b")])
        );
    }

    #[test]
    fn names_are_checked_before_anything_is_written() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[("ok.yaml", ""), ("../x.yaml", "")], "contains '/'"),
            (&[("ok.yaml", ""), ("..", "")], "is not a file name"),
            (
                &[("ok.yaml", ""), ("a\u{1b}b.yaml", "")],
                "contains '\\u{1b}'",
            ),
            (&[("ok.yaml", ""), ("a\0b.yaml", "")], "contains '\\0'"),
            (&[("Web.yaml", ""), ("web.yaml", "")], "case-insensitive"),
        ];
        for (input, want) in cases {
            let dir = tempfile::tempdir().unwrap();
            let err = write_files(dir.path(), &files(input)).unwrap_err();
            assert!(err.contains(want), "{input:?}: {err}");
            assert!(listing(dir.path()).is_empty(), "{input:?}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_at_the_target_is_replaced_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside.txt");
        std::fs::write(&outside, "keep").unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::os::unix::fs::symlink(&outside, out.join("a.yaml")).unwrap();
        write_files(&out, &files(&[("a.yaml", "new")])).unwrap();
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "keep");
        assert!(!out.join("a.yaml").is_symlink());
        assert_eq!(listing(&out), files(&[("a.yaml", "new")]));
    }

    #[test]
    fn a_directory_at_a_target_is_an_error_before_writing() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("b.yaml")).unwrap();
        let err = write_files(dir.path(), &files(&[("a.yaml", "a"), ("b.yaml", "b")])).unwrap_err();
        assert!(err.contains("is a directory"), "{err}");
        assert!(!dir.path().join("a.yaml").exists());
    }
}
