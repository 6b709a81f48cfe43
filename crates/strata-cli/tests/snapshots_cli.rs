//! Snapshots of what has no oracle: the help of every command and the diagnostics printed for
//! bad input (the `path:line:col: message` line, its source snippet and hints). Reviewed by
//! people; `.ci/run` sets `INSTA_UPDATE=no`.

use std::path::Path;
use std::process::{Command, Output};

fn strata(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(args)
        .current_dir(dir)
        .env_remove("COLUMNS")
        .output()
        .unwrap()
}

/// The subcommands a help text lists under `Commands:`, without `help`.
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| *l != "Commands:")
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // A wrapped description continues on a line indented further.
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

/// Appends `strata <path> --help` and, depth first, the help of every subcommand it lists.
fn walk_help(path: &mut Vec<String>, out: &mut String, budget: &mut usize) {
    assert!(*budget > 0, "more commands than expected: {out}");
    *budget -= 1;
    let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
    args.push("--help");
    let o = strata(Path::new("."), &args);
    assert!(o.status.success(), "strata {args:?}");
    let help = String::from_utf8(o.stdout).unwrap();
    out.push_str(&format!("$ strata {}\n{help}\n", args.join(" ")));
    for sub in subcommands(&help) {
        path.push(sub);
        walk_help(path, out, budget);
        path.pop();
    }
}

#[test]
fn help_of_every_command() {
    let mut out = String::new();
    walk_help(&mut Vec::new(), &mut out, &mut 200);
    insta::assert_snapshot!("help", out);
}

/// Runs `strata build .` in a new directory holding `files` and returns its exit code and
/// stderr, with the directory's path written as `[DIR]`.
fn build_stderr(files: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let o = strata(dir.path(), &["build", "."]);
    let stderr = String::from_utf8(o.stderr).unwrap();
    let real = dir.path().canonicalize().unwrap();
    let code = o
        .status
        .code()
        .map_or("signal".to_owned(), |c| c.to_string());
    format!(
        "exit {code}\n{}",
        stderr
            .replace(&*real.to_string_lossy(), "[DIR]")
            .replace(&*dir.path().to_string_lossy(), "[DIR]")
    )
}

const CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n";

#[test]
fn diagnostics() {
    let cases: &[(&str, &[(&str, &str)])] = &[
        (
            "malformed YAML in a resource",
            &[
                ("kustomization.yaml", "resources:\n- r.yaml\n"),
                ("r.yaml", "a: b\n  c: d\n"),
            ],
        ),
        (
            "a resource that does not exist",
            &[("kustomization.yaml", "resources:\n- nope.yaml\n")],
        ),
        (
            "a field of the wrong type",
            &[
                (
                    "kustomization.yaml",
                    "resources:\n- cm.yaml\nnamePrefix: [x]\n",
                ),
                ("cm.yaml", CM),
            ],
        ),
        (
            "a patch whose target matches nothing (a warning)",
            &[
                (
                    "kustomization.yaml",
                    "resources:\n- cm.yaml\npatches:\n- target:\n    kind: Deployment\n  patch: |-\n    - op: add\n      path: /x\n      value: 1\n",
                ),
                ("cm.yaml", CM),
            ],
        ),
        (
            "a base cycle",
            &[("kustomization.yaml", "resources:\n- .\n")],
        ),
    ];
    let mut out = String::new();
    for (name, files) in cases {
        out.push_str(&format!("## {name}\n{}\n", build_stderr(files)));
    }
    insta::assert_snapshot!("diagnostics", out);
}
