//! The shared reference examples (`../shared/reference`), rendered in-process.
//!
//! Each folder with an `expected.yaml` renders byte for byte; `06-errors` cases must fail with
//! kustomize's key phrase; `08` accepts each of the orders kustomize itself prints.

use std::path::Path;

use strata::{RenderOptions, Renderer};

use crate::support::{diff, memory_fs_from, shared_dir};

fn render(dir: &Path) -> Result<String, strata::Error> {
    let fs = memory_fs_from(dir);
    Renderer::new(RenderOptions::default())
        .render(&fs, "/")
        .and_then(|r| r.to_yaml())
}

#[test]
fn output_format_examples() {
    let Some(shared) = shared_dir() else { return };
    let root = shared.join("reference/output-format-examples");
    let mut failures = Vec::new();
    let mut ran = 0;
    for entry in std::fs::read_dir(&root).unwrap() {
        let dir = entry.unwrap().path();
        let expected = dir.join("expected.yaml");
        if !expected.is_file() {
            continue;
        }
        ran += 1;
        let expected = std::fs::read_to_string(expected).unwrap();
        match render(&dir) {
            Ok(actual) if actual == expected => {}
            Ok(actual) => {
                failures.push(format!("{}:\n{}", dir.display(), diff(&expected, &actual)))
            }
            Err(e) => failures.push(format!("{}: {e}", dir.display())),
        }
    }
    assert!(
        ran >= 6,
        "found only {ran} examples under {}",
        root.display()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The key phrase each error case's message must contain (from kustomize's stderr in the
/// case's expected.yaml); a null key is reported as a non-string key.
const ERROR_GIST: &[(&str, &[&str])] = &[
    ("bool-key", &["unsupported type"]),
    (
        "comment-then-doc-end",
        &["did not find expected node content"],
    ),
    ("del-char", &["control characters are not allowed"]),
    ("duplicate-key", &["already defined"]),
    ("inf-value", &["unsupported value: +Inf"]),
    ("int-key", &["unsupported type"]),
    ("nan-value", &["unsupported value: NaN"]),
    ("null-key", &["already defined", "unsupported type"]),
];

#[test]
fn output_format_errors() {
    let Some(shared) = shared_dir() else { return };
    let root = shared.join("reference/output-format-examples/06-errors");
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(&root).unwrap() {
        let dir = entry.unwrap().path();
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let expected = std::fs::read_to_string(dir.join("expected.yaml")).unwrap();
        let (body, status) = expected
            .trim_end_matches('\n')
            .rsplit_once('\n')
            .unwrap_or(("", &expected));
        let result = render(&dir);
        if status.trim() == "exit status: 0" {
            let want = format!("{body}\n");
            match result {
                Ok(actual) if actual == want => {}
                Ok(actual) => failures.push(format!("{name}:\n{}", diff(&want, &actual))),
                Err(e) => failures.push(format!("{name}: unexpected error {e}")),
            }
            continue;
        }
        let gist = ERROR_GIST
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, g)| *g)
            .unwrap_or_else(|| panic!("no key phrase listed for error case {name}"));
        match result {
            Ok(_) => failures.push(format!("{name}: rendered, but kustomize fails")),
            Err(e) => {
                let msg = e.to_string();
                if !gist.iter().any(|g| msg.contains(g)) {
                    failures.push(format!("{name}: message {msg:?} lacks {gist:?}"));
                }
                if e.location().is_none() {
                    failures.push(format!("{name}: error has no location: {msg}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn nondeterministic_key_order_is_one_of_kustomizes() {
    let Some(shared) = shared_dir() else { return };
    let dir = shared.join("reference/output-format-examples/08-nondeterministic-key-order");
    let actual = render(&dir).unwrap();
    let head = "apiVersion: example.com/v1\nkind: Thing\nmetadata:\n  name: nd\nspec:\n";
    let accepted: Vec<String> = [
        ["v10", "v1beta1", "v2"],
        ["v2", "v10", "v1beta1"],
        ["v1beta1", "v2", "v10"],
    ]
    .iter()
    .map(|order| {
        let body: String = order.iter().map(|k| format!("  {k}: 1\n")).collect();
        format!("{head}{body}")
    })
    .collect();
    assert!(accepted.contains(&actual), "unexpected order:\n{actual}");
}

/// Renders every example folder under `dir` (root = the folder, else its `overlay/`) and
/// returns the failures. `roots` overrides the root for folders that have several.
fn render_examples(dir: &Path, min: usize) -> Vec<String> {
    let mut failures = Vec::new();
    let mut ran = 0;
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    entries.sort();
    for case in entries {
        let roots: Vec<(String, std::path::PathBuf)> = if case.join("expected.yaml").is_file() {
            let root = if case.join("kustomization.yaml").is_file() {
                "/".to_owned()
            } else {
                "/overlay".to_owned()
            };
            vec![(root, case.join("expected.yaml"))]
        } else {
            // Several roots, each with its own expected.yaml (smp-examples 05).
            let mut v: Vec<_> = std::fs::read_dir(&case)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.join("expected.yaml").is_file())
                .map(|p| {
                    let name = p.file_name().unwrap().to_string_lossy().into_owned();
                    (format!("/{name}"), p.join("expected.yaml"))
                })
                .collect();
            v.sort();
            v
        };
        for (root, expected) in roots {
            ran += 1;
            let fs = memory_fs_from(&case);
            let want = std::fs::read_to_string(&expected).unwrap();
            let name = format!("{}{}", case.display(), root);
            match Renderer::new(RenderOptions::default())
                .render(&fs, &root)
                .and_then(|r| r.to_yaml())
            {
                Ok(actual) if actual == want => {}
                Ok(actual) => failures.push(format!("{name}:\n{}", diff(&want, &actual))),
                Err(e) => failures.push(format!("{name}: {e}")),
            }
        }
    }
    assert!(
        ran >= min,
        "found only {ran} examples under {}",
        dir.display()
    );
    failures
}

#[test]
fn hash_examples() {
    let Some(shared) = shared_dir() else { return };
    let failures = render_examples(&shared.join("reference/hash-examples"), 13);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn order_examples() {
    let Some(shared) = shared_dir() else { return };
    let dir = shared.join("reference/order-examples");
    let failures = render_examples(&dir, 2);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The deprecation warnings, in kustomize's order.
    for case in ["01-transformer-order", "02-components"] {
        let path = dir.join(case);
        let root = if path.join("kustomization.yaml").is_file() {
            "/"
        } else {
            "/overlay"
        };
        let fs = memory_fs_from(&path);
        let rendered = Renderer::new(RenderOptions::default())
            .render(&fs, root)
            .unwrap();
        let want = std::fs::read_to_string(path.join("stderr.txt")).unwrap();
        let want: Vec<&str> = want
            .lines()
            .filter(|l| l.starts_with("# Warning"))
            .collect();
        let got: Vec<String> = rendered
            .warnings()
            .iter()
            .map(|w| w.to_string())
            .filter(|l| l.starts_with("# Warning"))
            .collect();
        assert_eq!(got, want, "{case}");
    }
}

#[test]
fn smp_examples() {
    let Some(shared) = shared_dir() else { return };
    let failures = render_examples(&shared.join("reference/schemas/smp-examples"), 5);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn fieldspec_examples() {
    let Some(shared) = shared_dir() else { return };
    let failures = render_examples(&shared.join("reference/fieldspecs/examples"), 2);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
