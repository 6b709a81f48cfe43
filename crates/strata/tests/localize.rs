//! `testdata/localize/<case>/`: localizes `input/` on `MemoryFs` and compares the copy with
//! `expected/` (trees from kustomize's localizer tests, see testdata/README.md), then renders
//! the copy and compares it with `expected-build.yaml`, the oracle's output for the original.
//! Cases that fetch git repositories (`uses-test-repos`) run through the binary
//! (strata-cli's tests/localize.rs).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use strata::localize::{LocalizeOptions, localize};
use strata::{MemoryFs, Renderer};

use crate::support::{diff, memory_fs_from, repo_root};

/// Returns the files of the tree at `dir`, by `/`-separated relative path.
fn files_under(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            let rel: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            (rel.join("/"), std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Reads `args.txt`: the target and the scope (default: the target), relative to `input/`.
fn args_of(case: &Path) -> (String, Option<String>) {
    let text = std::fs::read_to_string(case.join("args.txt")).unwrap();
    let words: Vec<&str> = text.split_whitespace().collect();
    let scope = match words.as_slice() {
        [_, "--scope", s] => Some((*s).to_owned()),
        [_] => None,
        other => panic!("{}: bad args.txt {other:?}", case.display()),
    };
    (words[0].to_owned(), scope)
}

fn clean(p: &str) -> PathBuf {
    strata::fs::clean(&Path::new("/").join(p))
}

#[test]
fn localize_fixtures() {
    let root = repo_root().join("testdata/localize");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    let mut failures = Vec::new();
    let mut ran = 0;
    for case in &cases {
        if case.join("uses-test-repos").exists() {
            continue;
        }
        ran += 1;
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let fs = memory_fs_from(&case.join("input"));
        let (target, scope) = args_of(case);
        let mut opts = LocalizeOptions::default();
        opts.scope = scope.as_deref().map(clean);
        let target_abs = clean(&target);
        let localized = match localize(
            &fs,
            None,
            &target_abs.display().to_string(),
            Path::new("/dest"),
            &opts,
        ) {
            Ok(l) => l,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let actual: BTreeMap<String, Vec<u8>> = localized
            .files()
            .map(|(p, b)| {
                let parts: Vec<String> = p
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                (parts.join("/"), b.to_vec())
            })
            .collect();
        let expected = files_under(&case.join("expected"));
        if actual != expected {
            let show = |m: &BTreeMap<String, Vec<u8>>| {
                m.iter()
                    .map(|(p, b)| format!("== {p}\n{}", String::from_utf8_lossy(b)))
                    .collect::<String>()
            };
            failures.push(format!(
                "{name}: tree differs:\n{}",
                diff(&show(&expected), &show(&actual))
            ));
            continue;
        }
        // The copy renders as the oracle rendered the original.
        let mut copy = MemoryFs::new();
        for (p, b) in localized.files() {
            copy.add_file(Path::new("/dest").join(p), b);
        }
        let scope_abs = scope.as_deref().map_or_else(|| target_abs.clone(), clean);
        let in_copy = Path::new("/dest").join(target_abs.strip_prefix(&scope_abs).unwrap());
        let want = std::fs::read_to_string(case.join("expected-build.yaml")).unwrap();
        match Renderer::new(Default::default())
            .render(&copy, &in_copy)
            .and_then(|r| r.to_yaml())
        {
            Ok(got) if got == want => {}
            Ok(got) => failures.push(format!("{name}: copy renders:\n{}", diff(&want, &got))),
            Err(e) => failures.push(format!("{name}: copy fails to render: {e}")),
        }
    }
    assert!(
        ran > 0,
        "no localize fixtures found under {}",
        root.display()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
