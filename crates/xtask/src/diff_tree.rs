//! `diff-tree`: renders every kustomization under a directory with Strata and with an oracle
//! (`kubectl kustomize` by default) and reports where they differ.
//!
//! For each directory holding a kustomization file (`kustomization.yaml`, `kustomization.yml`
//! or `Kustomization`), in path order, it runs `BIN build DIR` and `ORACLE DIR` and compares
//! their stdout byte for byte. A mismatch is reported with its first differing line; when
//! exactly one side fails, with that side's first error line. Both failing counts apart:
//! error wording is not compared. The last line is the summary; the exit status is 1 when
//! anything differs.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

/// Names kustomize accepts for a kustomization file (konfig.RecognizedKustomizationFileNames).
const KUSTOMIZATION_FILES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Longest excerpt of a line printed in a report.
const EXCERPT: usize = 120;

/// Parsed arguments of `diff-tree`.
#[derive(Debug, PartialEq, Eq)]
pub struct Args {
    /// The tree to search for kustomizations.
    pub dir: PathBuf,
    /// The oracle command line, split on whitespace; the directory is appended.
    pub oracle: Vec<String>,
    /// The Strata binary, called as `BIN build DIR`.
    pub bin: Option<PathBuf>,
}

/// Reads `DIR [--oracle CMD] [--bin PATH]`.
pub fn parse_args(args: &[&str]) -> Result<Args, String> {
    let mut dir = None;
    let mut oracle = vec!["kubectl".to_owned(), "kustomize".to_owned()];
    let mut bin = None;
    let mut it = args.iter();
    while let Some(&a) = it.next() {
        match a {
            "--oracle" => {
                let v = it.next().ok_or("--oracle needs a command")?;
                oracle = v.split_whitespace().map(str::to_owned).collect();
                if oracle.is_empty() {
                    return Err("--oracle needs a command".to_owned());
                }
            }
            "--bin" => bin = Some(PathBuf::from(it.next().ok_or("--bin needs a path")?)),
            _ if a.starts_with('-') => return Err(format!("unknown option {a}")),
            _ if dir.is_none() => dir = Some(PathBuf::from(a)),
            _ => return Err(format!("unexpected argument {a}")),
        }
    }
    Ok(Args {
        dir: dir.ok_or("diff-tree needs a directory")?,
        oracle,
        bin,
    })
}

/// Runs the comparison and prints the report.
pub fn run(args: &Args, repo: &Path) -> Result<ExitCode, String> {
    let bin = match &args.bin {
        Some(b) => b.clone(),
        None => {
            let b = repo.join("target/release/strata");
            if !b.is_file() {
                return Err(format!(
                    "{} not found: run `cargo build --release -p strata-cli` or pass --bin",
                    b.display()
                ));
            }
            b
        }
    };
    let dirs = kustomization_dirs(&args.dir)?;
    let (mut same, mut differ, mut both_fail) = (0usize, 0usize, 0usize);
    for dir in &dirs {
        let shown = dir.strip_prefix(&args.dir).unwrap_or(dir);
        let shown = if shown.as_os_str().is_empty() {
            ".".to_owned()
        } else {
            shown.display().to_string()
        };
        let ours = render(&bin, &["build"], dir)?;
        let theirs = render(Path::new(&args.oracle[0]), &args.oracle[1..], dir)?;
        match (&ours, &theirs) {
            (Ok(a), Ok(b)) if a == b => same += 1,
            (Err(_), Err(_)) => both_fail += 1,
            (Ok(a), Ok(b)) => {
                differ += 1;
                println!("DIFF {shown}: {}", first_difference(a, b));
            }
            (Err(e), Ok(_)) => {
                differ += 1;
                println!("DIFF {shown}: strata fails, the oracle succeeds: {e}");
            }
            (Ok(_), Err(e)) => {
                differ += 1;
                println!("DIFF {shown}: strata succeeds, the oracle fails: {e}");
            }
        }
    }
    println!(
        "diff-tree: {} kustomizations, {same} same, {differ} different, {both_fail} failing in both",
        dirs.len()
    );
    Ok(if differ == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Every directory under `root` (itself included) that holds a kustomization file, sorted;
/// hidden directories such as `.git` are skipped and symbolic links are not followed.
pub fn kustomization_dirs(root: &Path) -> Result<Vec<PathBuf>, String> {
    if !root.is_dir() {
        return Err(format!("{} is not a directory", root.display()));
    }
    let mut out = Vec::new();
    let walker = walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.map_err(|e| format!("reading {}: {e}", root.display()))?;
        if entry.file_type().is_dir()
            && KUSTOMIZATION_FILES
                .iter()
                .any(|f| entry.path().join(f).is_file())
        {
            out.push(entry.path().to_path_buf());
        }
    }
    Ok(out)
}

/// Runs `program args... dir`; returns stdout, or the first line of stderr on failure.
fn render(
    program: &Path,
    args: &[impl AsRef<str>],
    dir: &Path,
) -> Result<Result<Vec<u8>, String>, String> {
    let out = Command::new(program)
        .args(args.iter().map(AsRef::as_ref))
        .arg(dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
    if out.status.success() {
        return Ok(Ok(out.stdout));
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let first = stderr
        .lines()
        .find(|l| !l.trim().is_empty() && !l.starts_with("# Warning"))
        .unwrap_or("");
    Ok(Err(format!("{} ({})", excerpt(first), out.status)))
}

/// Describes where two outputs first differ: the line number and both lines (a missing
/// final line break counts as a difference).
pub fn first_difference(ours: &[u8], theirs: &[u8]) -> String {
    let a: Vec<&[u8]> = ours.split_inclusive(|&b| b == b'\n').collect();
    let b: Vec<&[u8]> = theirs.split_inclusive(|&b| b == b'\n').collect();
    let trim = |l: &[u8]| -> Vec<u8> { l.strip_suffix(b"\n").unwrap_or(l).to_vec() };
    let show = |l: &[u8]| {
        let text = String::from_utf8_lossy(&trim(l)).into_owned();
        format!("{:?}", excerpt(&text))
    };
    for i in 0..a.len().max(b.len()) {
        let n = i + 1;
        match (a.get(i), b.get(i)) {
            (Some(x), Some(y)) if x == y => {}
            (Some(x), Some(y)) if trim(x) == trim(y) => {
                let (with, without) = if x.ends_with(b"\n") {
                    ("strata", "the oracle")
                } else {
                    ("the oracle", "strata")
                };
                return format!("line {n}: {with} ends it with a line break, {without} does not");
            }
            (Some(x), Some(y)) => {
                return format!("line {n}: strata {}, oracle {}", show(x), show(y));
            }
            (Some(x), None) => {
                return format!("line {n}: strata {}, the oracle's output ended", show(x));
            }
            (None, Some(y)) => {
                return format!("line {n}: strata's output ended, oracle {}", show(y));
            }
            (None, None) => break,
        }
    }
    "no difference".to_owned()
}

fn excerpt(s: &str) -> String {
    match s.char_indices().nth(EXCERPT) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_difference_names_the_line_or_the_lengths() {
        let cases: [(&str, &str, &str); 5] = [
            (
                "a: 1\nb: 2\n",
                "a: 1\nb: 3\n",
                r#"line 2: strata "b: 2", oracle "b: 3""#,
            ),
            (
                "a: |\n  x\n",
                "a: |-\n  x\n",
                r#"line 1: strata "a: |", oracle "a: |-""#,
            ),
            (
                "a: 1\n",
                "a: 1\nb: 2\n",
                r#"line 2: strata's output ended, oracle "b: 2""#,
            ),
            (
                "x\ny\n",
                "x\n",
                r#"line 2: strata "y", the oracle's output ended"#,
            ),
            (
                "a: 1",
                "a: 1\n",
                "line 1: the oracle ends it with a line break, strata does not",
            ),
        ];
        for (ours, theirs, want) in cases {
            assert_eq!(first_difference(ours.as_bytes(), theirs.as_bytes()), want);
        }
    }

    #[test]
    fn excerpt_cuts_long_lines_on_a_character_boundary() {
        let long = "é".repeat(EXCERPT + 5);
        let cut = excerpt(&long);
        assert_eq!(cut.chars().count(), EXCERPT + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(excerpt("short"), "short");
    }

    #[test]
    fn arguments() {
        let a = parse_args(&["dir", "--oracle", "kustomize build", "--bin", "s"]).unwrap();
        assert_eq!(a.dir, PathBuf::from("dir"));
        assert_eq!(a.oracle, ["kustomize", "build"]);
        assert_eq!(a.bin, Some(PathBuf::from("s")));
        let d = parse_args(&["dir"]).unwrap();
        assert_eq!(d.oracle, ["kubectl", "kustomize"]);
        assert_eq!(d.bin, None);
        assert!(parse_args(&[]).is_err());
        assert!(parse_args(&["a", "b"]).is_err());
        assert!(parse_args(&["a", "--oracle"]).is_err());
        assert!(parse_args(&["a", "--frob"]).is_err());
    }

    #[test]
    fn finds_kustomization_directories_in_path_order() {
        let root = std::env::temp_dir().join(format!("strata-diff-tree-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for (dir, file) in [
            ("b", "kustomization.yaml"),
            ("a/overlay", "kustomization.yml"),
            ("a/base", "Kustomization"),
            ("c", "other.yaml"),
            (".git/x", "kustomization.yaml"),
        ] {
            std::fs::create_dir_all(root.join(dir)).unwrap();
            std::fs::write(root.join(dir).join(file), "resources: []\n").unwrap();
        }
        let found: Vec<String> = kustomization_dirs(&root)
            .unwrap()
            .iter()
            .map(|p| p.strip_prefix(&root).unwrap().display().to_string())
            .collect();
        std::fs::remove_dir_all(&root).unwrap();
        assert_eq!(found, ["a/base", "a/overlay", "b"]);
    }
}
