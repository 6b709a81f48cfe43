//! `edit fix --vars`: turn `vars` into `replacements`.
//!
//! kustomize/commands/edit/fix/convert.go `ConvertVarsToReplacements`: every file the
//! kustomization reads (resources, recursing into directories that hold a kustomization, and
//! patch files) is searched for `$(NAME)`; each scalar holding it becomes a replacement target
//! (a field path with `.`-joined keys and indices, keys holding `.` in brackets, and a
//! delimiter and index when the variable is only part of the value), the variable's object
//! becomes the source, and `$(NAME)` is replaced by `NAME_PLACEHOLDER` in those files. A target
//! in a patch file selects what the patch targets. Departures: existing `replacements` are
//! kept (kustomize overwrites them), and kustomize's directory recursion, which joins a nested
//! base's paths to its own name only, is followed the same way.
//!
//! This stage reads files through [`FileSystem`] and returns the new texts; writing them is the
//! caller's job.

use std::path::{Path, PathBuf};

use crate::error::{Error, ErrorKind, Result};
use crate::fs::{FileKind, FileSystem};
use crate::source::SourceFile;
use crate::yaml::node::{Entry, Mapping, Node, NodeKind, Scalar};
use crate::yaml::parse::{DuplicateKeys, ParseOptions, parse_documents, parse_single};

use super::splice::{Doc, Step};

/// The kustomization file names kustomize looks for in a directory.
const KUSTOMIZATION_FILES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Most kustomization directories followed, so a cycle of bases ends.
const MAX_DIRS: usize = 1000;

/// A file the conversion reads, and the patch whose target its targets select.
struct Touched {
    path: PathBuf,
    patch_target: Option<Option<Node>>,
}

/// A touched file that could be read: its text and documents.
struct ReadFile {
    path: PathBuf,
    text: String,
    docs: Vec<Node>,
    patch_target: Option<Option<Node>>,
}

/// One `$(NAME)` found in a document: where, and the delimiter and index when it is part of
/// the value.
struct Hit {
    field_path: String,
    delimiter: Option<(String, usize)>,
}

fn error(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Kustomization, message)
}

fn string_list(n: Option<&Node>) -> Vec<String> {
    n.and_then(Node::as_sequence)
        .map(|v| {
            v.iter()
                .filter_map(|i| i.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// `filesTouchedByKustomize`: the files (and directories) a kustomization reads, as paths
/// relative to the edited kustomization's directory.
fn touched_files(
    fs: &dyn FileSystem,
    root: &Path,
    k: &Node,
    prefix: &Path,
    out: &mut Vec<Touched>,
    budget: &mut usize,
) -> Result<()> {
    let mut resources = string_list(k.get_path(&["resources"]));
    resources.extend(string_list(k.get_path(&["bases"])));
    for r in resources {
        let dir = root.join(&r);
        if fs.kind(&dir) == FileKind::Dir {
            for name in KUSTOMIZATION_FILES {
                let Ok(bytes) = fs.read(&dir.join(name)) else {
                    continue;
                };
                *budget = budget.checked_sub(1).ok_or_else(|| {
                    error("edit fix --vars: too many nested kustomizations (a cycle?)")
                })?;
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let file = SourceFile::new(dir.join(name).display().to_string(), text);
                let opts = ParseOptions {
                    duplicate_keys: DuplicateKeys::KeepLast,
                    ..ParseOptions::default()
                };
                if let Some(sub) = parse_single(&file, opts)? {
                    // convert.go recurses with the base's own path as the prefix.
                    touched_files(fs, root, &sub, Path::new(&r), out, budget)?;
                }
            }
        }
        out.push(Touched {
            path: prefix.join(&r),
            patch_target: None,
        });
    }
    for p in k
        .get_path(&["patches"])
        .and_then(Node::as_sequence)
        .into_iter()
        .flatten()
    {
        if let Some(path) = p.get_str(&["path"]).filter(|s| !s.is_empty()) {
            let allow_both = p.get_str(&["options", "allowNameChange"]) == Some("true")
                && p.get_str(&["options", "allowKindChange"]) == Some("true");
            out.push(Touched {
                path: prefix.join(path),
                patch_target: (!allow_both).then(|| p.get_path(&["target"]).cloned()),
            });
        }
    }
    Ok(())
}

/// `findVarName`: every scalar under `node` that holds `$(var)`.
fn find_var(node: &Node, var: &str, path: &mut Vec<String>, out: &mut Vec<Hit>) -> Result<()> {
    match &node.kind {
        NodeKind::Sequence(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(i.to_string());
                find_var(item, var, path, out)?;
                path.pop();
            }
        }
        NodeKind::Mapping(m) => {
            for e in &m.entries {
                let key = e.key.as_str().unwrap_or("").trim().to_owned();
                path.push(if key.contains('.') {
                    format!("[{key}]")
                } else {
                    key
                });
                find_var(&e.value, var, path, out)?;
                path.pop();
            }
        }
        NodeKind::Scalar(s) => {
            let needle = format!("$({var})");
            if s.text.contains(&needle) {
                out.push(Hit {
                    field_path: path.join("."),
                    delimiter: delimiter(&s.text, &needle)?,
                });
            }
        }
    }
    Ok(())
}

/// `constructFieldOptions`: the delimiter around `needle` in `value` and the index of the part
/// it is, or `None` when it is the whole value.
fn delimiter(value: &str, needle: &str) -> Result<Option<(String, usize)>> {
    if value == needle {
        return Ok(None);
    }
    let Some(i) = value.find(needle) else {
        return Ok(None);
    };
    let after = i + needle.len();
    let char_at = |at: usize| value.get(at..).and_then(|r| r.chars().next());
    let char_before = |at: usize| value.get(..at).and_then(|r| r.chars().next_back());
    if i == 0 {
        let d = char_at(after).map(String::from).unwrap_or_default();
        return Ok(Some((d, 0)));
    }
    let pre = char_before(i).map(String::from).unwrap_or_default();
    if after >= value.len() {
        let count = value.split(pre.as_str()).count();
        return Ok(Some((pre, count.saturating_sub(1))));
    }
    let post = char_at(after).map(String::from).unwrap_or_default();
    if pre != post {
        return Err(error(format!(
            "cannot convert all vars to replacements; {needle} is not delimited"
        )));
    }
    let index = value
        .split(pre.as_str())
        .position(|p| p == needle)
        .ok_or_else(|| error(format!("could not get index of var {needle}")))?;
    Ok(Some((pre, index)))
}

/// `resid.ParseGroupVersion`.
fn group_version(api_version: &str) -> (&str, &str) {
    match api_version.split_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    }
}

fn push_str(m: &mut Mapping, key: &str, value: &str) {
    if !value.is_empty() {
        m.entries.push(Entry {
            key: Node::string(key),
            value: Node::string(value),
        });
    }
}

/// Returns the targets for the hits in document `doc` of a file.
fn targets(doc: &Node, hits: Vec<Hit>, patch_target: Option<&Option<Node>>) -> Vec<Node> {
    let mut out = Vec::new();
    for hit in hits {
        let mut select = Mapping::new();
        match patch_target {
            Some(target) => {
                // writePatchTargets: what the patch targets, with the document's namespace.
                if let Some(m) = target.as_ref().and_then(Node::as_mapping) {
                    select = m.clone();
                }
                if let Some(ns) = doc
                    .get_str(&["metadata", "namespace"])
                    .filter(|s| !s.is_empty())
                {
                    select.insert("namespace", Node::string(ns));
                }
            }
            None => {
                let (g, v) = group_version(doc.get_str(&["apiVersion"]).unwrap_or(""));
                push_str(&mut select, "group", g);
                push_str(&mut select, "version", v);
                push_str(&mut select, "kind", doc.get_str(&["kind"]).unwrap_or(""));
                push_str(
                    &mut select,
                    "name",
                    doc.get_str(&["metadata", "name"]).unwrap_or(""),
                );
                push_str(
                    &mut select,
                    "namespace",
                    doc.get_str(&["metadata", "namespace"]).unwrap_or(""),
                );
            }
        }
        let mut t = Mapping::new();
        t.entries.push(Entry {
            key: Node::string("select"),
            value: Node::mapping(select),
        });
        t.entries.push(Entry {
            key: Node::string("fieldPaths"),
            value: Node::sequence(vec![Node::string(hit.field_path)]),
        });
        if let Some((d, i)) = hit.delimiter {
            let mut o = Mapping::new();
            push_str(&mut o, "delimiter", &d);
            if i != 0 {
                o.entries.push(Entry {
                    key: Node::string("index"),
                    value: Node::scalar(Scalar::plain(i.to_string())),
                });
            }
            if !o.is_empty() {
                t.entries.push(Entry {
                    key: Node::string("options"),
                    value: Node::mapping(o),
                });
            }
        }
        out.push(Node::mapping(t));
    }
    out
}

/// Converts the document's `vars` into `replacements`, reading the files it uses from `fs`
/// relative to `dir`; returns those files' new texts (only the ones that changed).
pub(crate) fn convert(
    doc: &mut Doc,
    fs: &dyn FileSystem,
    dir: &Path,
) -> Result<Vec<(PathBuf, String)>> {
    let vars_path = [Step::Key("vars".into())];
    let Some(vars) = doc.get(&vars_path).and_then(Node::as_sequence).cloned() else {
        return Ok(Vec::new());
    };
    let root = Node::mapping(doc.root().clone());
    let mut files = Vec::new();
    touched_files(
        fs,
        dir,
        &root,
        Path::new(""),
        &mut files,
        &mut MAX_DIRS.clone(),
    )?;
    // Each readable file's text and documents, read once.
    let mut texts: Vec<ReadFile> = Vec::new();
    for f in files {
        let Ok(bytes) = fs.read(&dir.join(&f.path)) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let file = SourceFile::new(f.path.display().to_string(), text.clone());
        let docs = parse_documents(&file, ParseOptions::default())?
            .into_iter()
            .filter(|d| !d.is_empty)
            .map(|d| d.root)
            .collect();
        texts.push(ReadFile {
            path: f.path,
            text,
            docs,
            patch_target: f.patch_target,
        });
    }
    let mut replacements = Vec::new();
    for v in &vars {
        let name = v.get_str(&["name"]).unwrap_or("");
        if name.is_empty() {
            continue;
        }
        let mut all_targets = Vec::new();
        for ReadFile {
            path,
            docs,
            patch_target,
            ..
        } in &texts
        {
            for d in docs {
                let mut hits = Vec::new();
                find_var(d, name, &mut Vec::new(), &mut hits).map_err(|e| {
                    error(format!("error with {}: {}", path.display(), e.message()))
                })?;
                all_targets.extend(targets(d, hits, patch_target.as_ref()));
            }
        }
        let mut source = Mapping::new();
        let (g, ver) = group_version(v.get_str(&["objref", "apiVersion"]).unwrap_or(""));
        push_str(&mut source, "group", g);
        push_str(&mut source, "version", ver);
        push_str(
            &mut source,
            "kind",
            v.get_str(&["objref", "kind"]).unwrap_or(""),
        );
        push_str(
            &mut source,
            "name",
            v.get_str(&["objref", "name"]).unwrap_or(""),
        );
        push_str(
            &mut source,
            "namespace",
            v.get_str(&["objref", "namespace"]).unwrap_or(""),
        );
        push_str(
            &mut source,
            "fieldPath",
            v.get_str(&["fieldref", "fieldPath"]).unwrap_or(""),
        );
        let mut r = Mapping::new();
        r.entries.push(Entry {
            key: Node::string("source"),
            value: Node::mapping(source),
        });
        r.entries.push(Entry {
            key: Node::string("targets"),
            value: Node::sequence(all_targets),
        });
        replacements.push(Node::mapping(r));
    }
    // Placeholders in the files, for every variable.
    let mut changed = Vec::new();
    for ReadFile { path, text, .. } in &texts {
        let mut new = text.clone();
        for v in &vars {
            if let Some(name) = v.get_str(&["name"]).filter(|n| !n.is_empty()) {
                new = new.replace(&format!("$({name})"), &format!("{name}_PLACEHOLDER"));
            }
        }
        if new != *text && !changed.iter().any(|(p, _): &(PathBuf, String)| p == path) {
            changed.push((path.clone(), new));
        }
    }
    // The kustomization: replacements appended (created where kustomize's order puts them),
    // then vars removed.
    let list = [Step::Key("replacements".into())];
    match doc.get(&list).and_then(Node::as_sequence) {
        Some(existing) => {
            for (at, r) in (existing.len()..).zip(replacements) {
                doc.insert_item(&list, at, &r)?;
            }
        }
        None => {
            doc.remove_entry(&[], "replacements")?;
            if !replacements.is_empty() {
                doc.insert_entry(&[], "replacements", &Node::sequence(replacements), true)?;
            }
        }
    }
    doc.remove_entry(&[], "vars")?;
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::fix_vars;
    use crate::edit::testutil::same_file;
    use crate::{MemoryFs, RenderOptions, Renderer};

    const KUST: &str = "
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization

resources:
- pod.yaml
- secret.yaml
PATCHES
vars:
- name: SOME_SECRET_NAME
  objref:
    kind: Secret
    name: my-secret
    apiVersion: v1
";

    const SECRET: &str = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: my-secret\n";

    /// Runs `fix --vars` on `/app` and returns the new kustomization and files; also checks
    /// that the fixed tree renders exactly as the original did (the point of the fix).
    fn fix(kust: &str, files: &[(&str, &str)]) -> (String, Vec<(PathBuf, String)>) {
        let mut fs = MemoryFs::new().with_file("/app/kustomization.yaml", kust);
        for (p, t) in files {
            fs = fs.with_file(format!("/app/{p}"), *t);
        }
        let before = Renderer::new(RenderOptions::default())
            .render(&fs, "/app")
            .and_then(|r| r.to_yaml());
        let out = fix_vars("kustomization.yaml", kust, &fs, Path::new("/app")).unwrap();
        let mut fixed =
            MemoryFs::new().with_file("/app/kustomization.yaml", out.kustomization.text.as_str());
        for (p, t) in files {
            let new = out
                .files
                .iter()
                .find(|(q, _)| q == Path::new(p))
                .map_or(*t, |(_, n)| n);
            fixed = fixed.with_file(format!("/app/{p}"), new.as_bytes());
        }
        let after = Renderer::new(RenderOptions::default())
            .render(&fixed, "/app")
            .and_then(|r| r.to_yaml());
        let before = before.unwrap_or_else(|e| panic!("the original does not render: {e}"));
        let after = after.unwrap_or_else(|e| panic!("the fixed tree does not render: {e}"));
        assert_eq!(after, before, "the fix changed the render");
        (out.kustomization.text, out.files)
    }

    /// kustomize/commands/edit/fix/convert_test.go `TestFixVarsSimple`, `TestFixVarsDelimiterPrefix`
    /// and `TestFixVarsWithDot`, with the Secret added to `resources` so both trees render.
    #[test]
    fn kustomize_fix_vars_simple_cases() {
        let cases = [
            (
                "TestFixVarsSimple",
                "spec:\n  containers:\n  - image: myimage\n    name: hello\n    env:\n    - name: SECRET_TOKEN\n      value: $(SOME_SECRET_NAME)\n",
                "  - fieldPaths:\n    - spec.containers.0.env.0.value\n",
                "SOME_SECRET_NAME_PLACEHOLDER",
            ),
            (
                "TestFixVarsDelimiterPrefix",
                "spec:\n  containers:\n  - image: myimage\n    name: hello\n    env:\n    - name: SECRET_TOKEN\n      value: $(SOME_SECRET_NAME)/path\n",
                "  - fieldPaths:\n    - spec.containers.0.env.0.value\n    options:\n      delimiter: /\n",
                "SOME_SECRET_NAME_PLACEHOLDER/path",
            ),
            (
                "TestFixVarsWithDot",
                "  annotations:\n    a.b.c: $(SOME_SECRET_NAME)\n",
                "  - fieldPaths:\n    - metadata.annotations.[a.b.c]\n",
                "SOME_SECRET_NAME_PLACEHOLDER",
            ),
        ];
        for (case, body, target, placeholder) in cases {
            let pod = format!("\napiVersion: v1\nkind: Pod\nmetadata:\n  name: my-pod\n{body}");
            let kust = KUST.replace("PATCHES\n", "");
            let (k, files) = fix(&kust, &[("pod.yaml", &pod), ("secret.yaml", SECRET)]);
            same_file(
                &k,
                &format!(
                    "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- pod.yaml\n- secret.yaml\nreplacements:\n- source:\n    kind: Secret\n    name: my-secret\n    version: v1\n  targets:\n{target}    select:\n      kind: Pod\n      name: my-pod\n      version: v1\n"
                ),
            );
            assert_eq!(
                files,
                vec![(
                    PathBuf::from("pod.yaml"),
                    pod.replace(
                        "$(SOME_SECRET_NAME)",
                        placeholder.split('/').next().unwrap_or("")
                    )
                )],
                "{case}"
            );
            assert!(files[0].1.contains(placeholder), "{case}");
        }
    }

    /// convert_test.go `TestFixVarsWithPatchBasic`: a target in a patch file selects the
    /// patch's target.
    #[test]
    fn kustomize_fix_vars_with_patch_basic() {
        let kust = KUST.replace(
            "PATCHES\n",
            "\npatches:\n- path: patch.yaml\n  target:\n    kind: Pod\n    name: my-pod\n",
        );
        let pod = "\napiVersion: v1\nkind: Pod\nmetadata:\n  name: my-pod\n  labels:\n    foo: $(SOME_SECRET_NAME)\nspec:\n  containers:\n  - image: myimage\n    name: hello\n";
        let patch = "\napiVersion: v1\nkind: Pod\nmetadata:\n  name: my-pod\nspec:\n  containers:\n  - image: myimage\n    name: hello\n    env:\n    - name: SECRET_TOKEN\n      value: $(SOME_SECRET_NAME)\n";
        let (k, files) = fix(
            &kust,
            &[
                ("pod.yaml", pod),
                ("patch.yaml", patch),
                ("secret.yaml", SECRET),
            ],
        );
        same_file(
            &k,
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- pod.yaml\n- secret.yaml\npatches:\n- path: patch.yaml\n  target:\n    kind: Pod\n    name: my-pod\nreplacements:\n- source:\n    kind: Secret\n    name: my-secret\n    version: v1\n  targets:\n  - fieldPaths:\n    - metadata.labels.foo\n    select:\n      kind: Pod\n      name: my-pod\n      version: v1\n  - fieldPaths:\n    - spec.containers.0.env.0.value\n    select:\n      kind: Pod\n      name: my-pod\n",
        );
        assert_eq!(files.len(), 2);
        assert!(
            files
                .iter()
                .all(|(_, t)| t.contains("SOME_SECRET_NAME_PLACEHOLDER") && !t.contains("$("))
        );
    }

    #[test]
    fn delimiters_as_convert_go_finds_them() {
        // convert.go constructFieldOptions: prefix, suffix, middle, whole value.
        let n = "$(V)";
        assert_eq!(delimiter("$(V)", n).unwrap(), None);
        assert_eq!(delimiter("$(V)/path", n).unwrap(), Some(("/".into(), 0)));
        assert_eq!(delimiter("a.b.$(V)", n).unwrap(), Some((".".into(), 2)));
        assert_eq!(delimiter("a-$(V)-b", n).unwrap(), Some(("-".into(), 1)));
        assert!(delimiter("a-$(V)/b", n).is_err());
    }
}
