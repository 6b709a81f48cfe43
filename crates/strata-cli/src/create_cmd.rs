//! `create`: writes a new kustomization.yaml in the current directory, as kustomize's
//! `create` does (kustomize/commands/create/create.go; the file's field order and printing
//! are kustomize/commands/internal/kustfile/kustomizationfile.go's `Write`).

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use strata::yaml::emit::emit_document;
use strata::yaml::{Mapping, Node};
use strata::{MemoryFs, RenderOptions, Renderer};

use crate::args::CreateArgs;
use crate::commands::Failure;

/// The names kustomize recognizes for a kustomization file (konfig
/// `RecognizedKustomizationFileNames`).
const KUSTOMIZATION_FILES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// The most directory entries `--autodetect` looks at, and how deep it descends.
const WALK_BUDGET: usize = 100_000;
const WALK_DEPTH: usize = 64;

/// Runs `create` in the current directory.
pub fn run(args: &CreateArgs) -> Result<ExitCode, Failure> {
    match create(Path::new("."), args) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(msg) => {
            eprintln!("Error: {msg}");
            Err(Failure::Reported(ExitCode::FAILURE))
        }
    }
}

/// Creates `dir/kustomization.yaml`; the error is the message to print.
fn create(dir: &Path, args: &CreateArgs) -> Result<(), String> {
    let mut resources = Vec::new();
    if !args.resources.is_empty() {
        for pattern in args.resources.split(',') {
            resources.extend(resolve_resource(dir, pattern)?);
        }
    }
    if KUSTOMIZATION_FILES.iter().any(|f| dir.join(f).exists()) {
        return Err("kustomization file already exists".into());
    }
    if args.autodetect {
        let mut budget = WALK_BUDGET;
        let mut detected = Vec::new();
        detect(dir, "", args.recursive, 0, &mut budget, &mut detected)?;
        for r in detected {
            if !resources.contains(&r) {
                resources.push(r);
            }
        }
    }
    let annotations = parse_map(&args.annotations, "annotation")?;
    let labels = parse_map(&args.labels, "label")?;
    let text = kustomization_text(&resources, args, &labels, &annotations)?;
    write_new(&dir.join("kustomization.yaml"), &text)
}

/// Returns what a `--resources` entry adds: the glob's matches, or the entry itself when it
/// names a directory (kustomize's `GlobPatternsWithLoader`: a loader must accept it).
fn resolve_resource(dir: &Path, pattern: &str) -> Result<Vec<String>, String> {
    let matches = glob(dir, pattern)?;
    if !matches.is_empty() {
        return Ok(matches);
    }
    if dir.join(pattern).is_dir() {
        return Ok(vec![pattern.to_owned()]);
    }
    Err(format!(
        "{pattern} has no match: must build at directory: not a valid directory: '{pattern}' \
         doesn't exist"
    ))
}

/// Returns the paths matching `pattern` under `dir`, as Go's `filepath.Glob` does: `*`, `?`
/// and `[...]` within one path component, each directory's matches in byte order.
fn glob(dir: &Path, pattern: &str) -> Result<Vec<String>, String> {
    if !pattern.contains(['*', '?', '[', '\\']) {
        let exists = dir.join(pattern).symlink_metadata().is_ok();
        return Ok(if exists {
            vec![pattern.to_owned()]
        } else {
            vec![]
        });
    }
    let mut found = vec![String::new()];
    let absolute = pattern.starts_with('/');
    for part in pattern.split('/').filter(|p| !p.is_empty()) {
        let mut next = Vec::new();
        for prefix in &found {
            let base = match (prefix.is_empty(), absolute) {
                (true, true) => PathBuf::from("/"),
                (true, false) => dir.to_path_buf(),
                (false, _) => dir.join(prefix),
            };
            let join = |name: &str| match (prefix.is_empty(), absolute) {
                (true, true) => format!("/{name}"),
                (true, false) => name.to_owned(),
                (false, _) => format!("{prefix}/{name}"),
            };
            if !part.contains(['*', '?', '[', '\\']) {
                if base.join(part).symlink_metadata().is_ok() {
                    next.push(join(part));
                }
                continue;
            }
            let Ok(entries) = std::fs::read_dir(&base) else {
                continue;
            };
            let mut names: Vec<String> = entries
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .collect();
            names.sort_unstable();
            for name in names {
                if wildcard_match(part, &name)? {
                    next.push(join(&name));
                }
            }
        }
        found = next;
    }
    found.retain(|f| !f.is_empty());
    Ok(found)
}

/// Matches one path component against a Go `filepath.Match` pattern.
fn wildcard_match(pattern: &str, name: &str) -> Result<bool, String> {
    let bad = || format!("syntax error in pattern {pattern:?}");
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    // Iterative matching with one backtrack point for the last `*` (linear in practice).
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    loop {
        if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ni));
            pi += 1;
            continue;
        }
        if ni == n.len() && pi == p.len() {
            return Ok(true);
        }
        let step = if ni < n.len() && pi < p.len() {
            match p[pi] {
                '?' => Some(pi + 1),
                '[' => {
                    let (hit, end) = class_match(&p, pi + 1, n[ni]).ok_or_else(bad)?;
                    hit.then_some(end)
                }
                '\\' => {
                    let c = *p.get(pi + 1).ok_or_else(bad)?;
                    (c == n[ni]).then_some(pi + 2)
                }
                c => (c == n[ni]).then_some(pi + 1),
            }
        } else {
            None
        };
        match step {
            Some(next) => {
                pi = next;
                ni += 1;
            }
            None => match star {
                Some((sp, sn)) if sn < n.len() => {
                    star = Some((sp, sn + 1));
                    pi = sp + 1;
                    ni = sn + 1;
                }
                _ => return Ok(false),
            },
        }
    }
}

/// Matches `c` against the class starting after `[` at `start`; returns whether it matched
/// and the index after `]`, or `None` for a malformed class.
fn class_match(p: &[char], start: usize, c: char) -> Option<(bool, usize)> {
    let mut i = start;
    let negate = p.get(i) == Some(&'^');
    if negate {
        i += 1;
    }
    let mut hit = false;
    let mut first = true;
    loop {
        let lo = *p.get(i)?;
        if lo == ']' && !first {
            return Some((hit != negate, i + 1));
        }
        first = false;
        let lo = if lo == '\\' {
            i += 1;
            *p.get(i)?
        } else {
            lo
        };
        i += 1;
        let hi = if p.get(i) == Some(&'-') && p.get(i + 1).is_some_and(|&h| h != ']') {
            i += 1;
            let h = if p[i] == '\\' {
                i += 1;
                *p.get(i)?
            } else {
                p[i]
            };
            i += 1;
            h
        } else {
            lo
        };
        if lo <= c && c <= hi {
            hit = true;
        }
    }
}

/// `--autodetect`: appends the files under `dir/rel` that hold Kubernetes resources, in
/// lexical order (Go's `filepath.Walk`); with `recursive`, subdirectories too, a
/// subdirectory with a kustomization being added whole.
fn detect(
    root: &Path,
    rel: &str,
    recursive: bool,
    depth: usize,
    budget: &mut usize,
    out: &mut Vec<String>,
) -> Result<(), String> {
    let here = if rel.is_empty() {
        root.to_path_buf()
    } else {
        root.join(rel)
    };
    let entries =
        std::fs::read_dir(&here).map_err(|e| format!("reading {}: {e}", here.display()))?;
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    names.sort_unstable();
    for name in names {
        *budget = budget.checked_sub(1).ok_or_else(|| {
            format!("--autodetect stopped after {WALK_BUDGET} files; list --resources instead")
        })?;
        let path = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        let full = root.join(&path);
        let Ok(meta) = full.symlink_metadata() else {
            continue;
        };
        if meta.is_dir() {
            if !recursive || depth >= WALK_DEPTH {
                continue;
            }
            if KUSTOMIZATION_FILES.iter().any(|f| full.join(f).exists()) {
                out.push(path);
            } else {
                detect(root, &path, recursive, depth + 1, budget, out)?;
            }
        } else if let Ok(bytes) = std::fs::read(&full)
            && holds_resources(bytes)
        {
            out.push(path);
        }
    }
    Ok(())
}

/// Returns true if a kustomization listing a file with these bytes renders, i.e. the file
/// holds only Kubernetes resources (kustomize asks its resource factory the same question).
fn holds_resources(bytes: Vec<u8>) -> bool {
    let fs = MemoryFs::new()
        .with_file("/k/kustomization.yaml", "resources:\n- r.yaml\n")
        .with_file("/k/r.yaml", bytes);
    Renderer::new(RenderOptions::new())
        .render(&fs, "/k")
        .is_ok()
}

/// Parses `k:v,k2:v2` as kustomize's `ConvertToMap`: a missing `:` gives an empty value, a
/// leading `:` is an error, a value in double quotes loses them, a later key wins.
fn parse_map(input: &str, kind: &str) -> Result<BTreeMap<String, String>, String> {
    let mut map = BTreeMap::new();
    if input.is_empty() {
        return Ok(map);
    }
    for item in input.split(',') {
        match item.split_once(':') {
            Some(("", _)) => {
                return Err(format!(
                    "invalid {kind}: '{item}' (need k:v pair where v may be quoted)"
                ));
            }
            Some((k, v)) => {
                let v = v
                    .strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                    .unwrap_or(v);
                map.insert(k.to_owned(), v.to_owned());
            }
            None => {
                map.insert(item.to_owned(), String::new());
            }
        }
    }
    Ok(map)
}

/// Returns the file text: kustfile's field order, each non-empty field printed on its own as
/// `sigs.k8s.io/yaml` prints it.
fn kustomization_text(
    resources: &[String],
    args: &CreateArgs,
    labels: &BTreeMap<String, String>,
    annotations: &BTreeMap<String, String>,
) -> Result<String, String> {
    let string_map = |m: &BTreeMap<String, String>| {
        let mut map = Mapping::new();
        for (k, v) in m {
            map.insert(k, Node::string(v.as_str()));
        }
        Node::mapping(map)
    };
    let mut fields: Vec<(&str, Node)> = vec![
        (
            "apiVersion",
            Node::string("kustomize.config.k8s.io/v1beta1"),
        ),
        ("kind", Node::string("Kustomization")),
    ];
    if !resources.is_empty() {
        let items = resources.iter().map(|r| Node::string(r.as_str())).collect();
        fields.push(("resources", Node::sequence(items)));
    }
    for (key, value) in [
        ("namePrefix", &args.nameprefix),
        ("nameSuffix", &args.namesuffix),
        ("namespace", &args.namespace),
    ] {
        if !value.is_empty() {
            fields.push((key, Node::string(value.as_str())));
        }
    }
    if !labels.is_empty() {
        fields.push(("commonLabels", string_map(labels)));
    }
    if !annotations.is_empty() {
        fields.push(("commonAnnotations", string_map(annotations)));
    }
    let mut text = String::new();
    for (key, value) in fields {
        let mut one = Mapping::new();
        one.insert(key, value);
        emit_document(&Node::mapping(one), &mut text).map_err(|e| e.message)?;
    }
    Ok(text)
}

/// Writes `text` to `path` atomically, refusing to replace an existing file: the text goes to
/// a temporary file beside it, which is then hard-linked into place.
fn write_new(path: &Path, text: &str) -> Result<(), String> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = dir.join(format!(".kustomization.yaml.{}.tmp", std::process::id()));
    let result = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut f| f.write_all(text.as_bytes()).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::hard_link(&tmp, path));
    let _ = std::fs::remove_file(&tmp);
    result.map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => "kustomization file already exists".to_owned(),
        _ => format!("writing {}: {e}", path.display()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_matches_like_go_filepath_match() {
        let cases = [
            ("*.yaml", "a.yaml", true),
            ("*.yaml", "a.yml", false),
            ("a?c", "abc", true),
            ("a?c", "ac", false),
            ("[a-c]x", "bx", true),
            ("[^a-c]x", "bx", false),
            ("[^a-c]x", "dx", true),
            ("*", ".hidden", true),
            ("a*b*c", "aXbYbZc", true),
            ("a*b*c", "aXbY", false),
            ("\\*", "*", true),
            ("\\*", "a", false),
        ];
        for (pattern, name, want) in cases {
            assert_eq!(
                wildcard_match(pattern, name),
                Ok(want),
                "{pattern} vs {name}"
            );
        }
        assert!(wildcard_match("[a-", "a").is_err());
    }

    #[test]
    fn maps_parse_like_kustomize_convert_to_map() {
        let m = parse_map("a:b,c,d:\"e:f\",a:z", "label").unwrap();
        let got: Vec<(&str, &str)> = m.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(got, [("a", "z"), ("c", ""), ("d", "e:f")]);
        assert_eq!(
            parse_map(":x", "label").unwrap_err(),
            "invalid label: ':x' (need k:v pair where v may be quoted)"
        );
    }
}
