//! `generators:`, `transformers:` and `validators:` configs that name a legacy exec plugin
//! (not `apiVersion: builtin`), run through the render's [`PluginRunner`] as kustomize runs
//! them (api/internal/plugins/execplugin/execplugin.go, api/internal/plugins/utils/utils.go):
//!
//! - a generator's output documents are generated resources; the annotations
//!   `kustomize.config.k8s.io/needs-hash: "true"` and `…/behavior` are taken off them and
//!   become their options (`UpdateResourceOptions`), so `behavior: merge|replace` edits the
//!   existing object of the same id as a `configMapGenerator`'s does;
//! - a transformer gets every resource, each annotated `kustomize.config.k8s.io/id` with its
//!   current id, and its output replaces them (`UpdateResMapValues`): an output resource
//!   whose current id matches an existing one replaces that one's content in place, others
//!   are appended, and existing resources missing from the output are removed.

use std::path::Path;
use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result};
use crate::generate::{Behavior, Generated};
use crate::kustomization::field;
use crate::plugin::{ExecRequest, PluginRunner};
use crate::resource::{Origin, Resource, ResourceMap};
use crate::source::SourceFile;
use crate::yaml::{Mapping, Node};

use super::loader::Loader;

const ID_ANNOTATION: &str = "kustomize.config.k8s.io/id";
const HASH_ANNOTATION: &str = "kustomize.config.k8s.io/needs-hash";
const BEHAVIOR_ANNOTATION: &str = "kustomize.config.k8s.io/behavior";

/// Returns true if `config` is not a builtin plugin config.
pub(super) fn is_external(config: &Resource) -> bool {
    let gvk = &config.id().gvk;
    !(gvk.group.is_empty() && gvk.version == "builtin")
}

fn request(
    config: &Resource,
    loader: &Loader<'_>,
    dir: &Path,
    input: Option<Vec<u8>>,
) -> Result<ExecRequest> {
    let at = |msg: String| config_error(config, ErrorKind::Kustomization, msg);
    let mut text = String::new();
    crate::yaml::emit::emit_document(config.node(), &mut text).map_err(|e| at(e.message))?;
    let mut args = Vec::new();
    if let Some(m) = config.node().as_mapping() {
        if let Some(line) = field(m, "argsOneLiner").and_then(Node::as_str) {
            args.extend(shell_words(line));
        }
        if let Some(file) = field(m, "argsFromFile").and_then(Node::as_str) {
            let path = crate::fs::clean(&dir.join(file));
            let text = loader.load_restricted(dir, &path).map_err(|e| {
                at(format!(
                    "plugin {} fails configuration: {}",
                    config.org_id(),
                    e.message()
                ))
            })?;
            for line in text.text.split('\n') {
                let line = line.trim_start_matches(' ');
                if !line.is_empty() {
                    args.push(line.to_owned());
                }
            }
        }
    }
    let gvk = &config.id().gvk;
    Ok(ExecRequest {
        group: gvk.group.clone(),
        version: gvk.version.clone(),
        kind: gvk.kind.clone(),
        config: text.into_bytes(),
        args,
        dir: dir.to_path_buf(),
        input,
    })
}

/// Splits a one-line argument string as shlex does: whitespace separates words, quotes
/// group them, a backslash escapes the next character.
fn shell_words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') | (None, '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
                in_word = true;
            }
            (Some(_), c) => cur.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            (None, c) => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    out
}

/// What a KRM function config asks to run (`config.kubernetes.io/function` or
/// `config.k8s.io/function`).
enum FunctionSpec {
    Exec(String),
    /// A container image, or another kind of function: the words for the error.
    Other(String),
}

fn function_spec(config: &Resource) -> Option<FunctionSpec> {
    let ann = config
        .node()
        .get_path(&["metadata", "annotations"])?
        .as_mapping()?;
    let text = ann
        .get("config.kubernetes.io/function")
        .or_else(|| ann.get("config.k8s.io/function"))?
        .as_str()?;
    let file = Arc::new(SourceFile::new(
        config.origin().path.clone(),
        text.to_owned(),
    ));
    let spec = crate::yaml::parse::parse_single(&file, Default::default()).ok()??;
    if let Some(path) = spec.get_str(&["exec", "path"]) {
        return Some(FunctionSpec::Exec(path.to_owned()));
    }
    if let Some(image) = spec.get_str(&["container", "image"]) {
        return Some(FunctionSpec::Other(format!("container image '{image}'")));
    }
    Some(FunctionSpec::Other(
        "a function of an unknown kind".to_owned(),
    ))
}

fn runner_or_error<'r>(
    runner: Option<&'r dyn PluginRunner>,
    config: &Resource,
) -> Result<&'r dyn PluginRunner> {
    if let Some(FunctionSpec::Other(what)) = function_spec(config) {
        let prefix = if runner.is_none() {
            format!(
                "external plugins disabled; unable to load external plugin '{}': ",
                config.id().gvk.kind
            )
        } else {
            String::new()
        };
        return Err(Error::at(
            ErrorKind::Unsupported,
            format!(
                "{prefix}KRM function plugins are not supported except exec functions: '{}' \
                 asks for {what}",
                config.id().gvk.kind
            ),
            config.origin(),
            config.node().span,
        ));
    }
    runner.ok_or_else(|| {
        Error::at(
            ErrorKind::Unsupported,
            format!(
                "external plugins disabled; unable to load external plugin '{}': this render \
                 has no PluginRunner (the strata CLI provides one with --enable-alpha-plugins)",
                config.id().gvk.kind
            ),
            config.origin(),
            config.node().span,
        )
    })
}

fn parse_output(config: &Resource, loader: &Loader<'_>, out: Vec<u8>) -> Result<Vec<Resource>> {
    let name = format!("output of plugin {}", config.id().gvk.kind);
    let text = String::from_utf8_lossy(&out).into_owned();
    let file = Arc::new(SourceFile::new(name, text));
    loader.parse_resources(&file)
}

/// Runs an exec generator and adds its resources to `acc`.
pub(super) fn generate(
    config: &Resource,
    loader: &Loader<'_>,
    runner: Option<&dyn PluginRunner>,
    dir: &Path,
    acc: &mut ResourceMap,
    origin: Option<Origin>,
) -> Result<()> {
    let runner = runner_or_error(runner, config)?;
    let at = |msg: String| config_error(config, ErrorKind::External, msg);
    let outputs = match function_spec(config) {
        Some(FunctionSpec::Exec(path)) => {
            // kustomize hands a generator function its own config as the only item
            // (fnplugin.go invokePlugin).
            let mut item = config.node().clone();
            set_annotation(&mut item, LOCAL_CONFIG, "true");
            run_function(config, runner, dir, &path, vec![item])?
        }
        _ => {
            let out = runner
                .run_exec(&request(config, loader, dir, None)?)
                .map_err(at)?;
            parse_output(config, loader, out)?
        }
    };
    for mut r in outputs {
        let (hash, behavior) = take_generator_options(&mut r);
        let mut needs_hash = false;
        if let Some(v) = hash {
            let v = v.as_str().unwrap_or_default().to_owned();
            needs_hash = match v.as_str() {
                "1" | "t" | "T" | "TRUE" | "true" | "True" => true,
                "0" | "f" | "F" | "FALSE" | "false" | "False" => false,
                _ => {
                    return Err(at(format!(
                        "the annotation \"{HASH_ANNOTATION}\" contains an invalid value (\"{v}\")"
                    )));
                }
            };
        }
        let behavior = behavior
            .as_ref()
            .and_then(Node::as_str)
            .unwrap_or_default()
            .to_owned();
        r.refresh_id();
        r.history_mut().origin = origin.clone();
        // The annotations become the resource's generator options (utils.go
        // `UpdateResourceOptions`), and the output is absorbed as a builtin generator's is
        // (kusttarget.go `runGenerators` → reswrangler.go `appendReplaceOrMerge`): `merge`
        // and `replace` edit the existing object of that id.
        let g = Generated {
            node: r.node().clone(),
            behavior: Behavior::parse(&behavior),
            hash: needs_hash,
        };
        let locate = |e: Error| match e.location() {
            Some(_) => e,
            None => config_error(config, e.kind(), e.message().to_owned()),
        };
        super::generators::place(acc, r, &g, &locate)?;
    }
    Ok(())
}

/// Runs an exec transformer over `acc`.
pub(super) fn transform(
    config: &Resource,
    loader: &Loader<'_>,
    runner: Option<&dyn PluginRunner>,
    dir: &Path,
    acc: &mut ResourceMap,
) -> Result<()> {
    let runner = runner_or_error(runner, config)?;
    let at = |msg: String| config_error(config, ErrorKind::External, msg);
    let function = match function_spec(config) {
        Some(FunctionSpec::Exec(path)) => Some(path),
        _ => None,
    };
    let mut input = String::new();
    let mut items = Vec::new();
    for (i, r) in acc.resources().iter().enumerate() {
        let mut node = r.node().clone();
        let mut id = String::new();
        let rid = r.id();
        // sigs.k8s.io/yaml.Marshal of kustomize's ResId: through JSON, so keys sorted, empty
        // ones left out.
        for (k, v) in [
            ("group", &rid.gvk.group),
            ("kind", &rid.gvk.kind),
            ("name", &rid.name),
            ("namespace", &rid.namespace),
            ("version", &rid.gvk.version),
        ] {
            if !v.is_empty() {
                id.push_str(&format!("{k}: {v}\n"));
            }
        }
        set_annotation(&mut node, ID_ANNOTATION, &id);
        if function.is_some() {
            items.push(node);
            continue;
        }
        if i > 0 {
            input.push_str("---\n");
        }
        crate::yaml::emit::emit_document(&node, &mut input).map_err(|e| at(e.message))?;
    }
    let outputs = match &function {
        Some(path) => run_function(config, runner, dir, path, items)?,
        None => {
            let out = runner
                .run_exec(&request(config, loader, dir, Some(input.into_bytes()))?)
                .map_err(at)?;
            parse_output(config, loader, out)?
        }
    };
    let mut all = std::mem::take(acc).into_resources();
    let mut seen = Vec::with_capacity(outputs.len());
    for mut o in outputs {
        if let Some(ann) = o
            .node_mut()
            .as_mapping_mut()
            .and_then(|m| m.get_mut("metadata"))
            .and_then(Node::as_mapping_mut)
            .and_then(|m| m.get_mut("annotations"))
            .and_then(Node::as_mapping_mut)
        {
            ann.remove(ID_ANNOTATION);
        }
        drop_empty_annotations(o.node_mut());
        o.refresh_id();
        let id = o.id().clone();
        if seen.iter().any(|s: &crate::ResId| s.equals(&id)) {
            return Err(at(format!(
                "plugin {} generated duplicate resource: {id}",
                config.id().gvk.kind
            )));
        }
        seen.push(id.clone());
        match all.iter_mut().find(|r| r.id().equals(&id)) {
            Some(existing) => {
                *existing.node_mut() = o.node().clone();
                existing.refresh_id();
            }
            None => all.push(o),
        }
    }
    all.retain(|r| seen.iter().any(|s| s.equals(r.id())));
    acc.replace_all(all).map_err(|r| {
        at(format!(
            "may not add resource with an already registered id: {}",
            r.id()
        ))
    })
}

const LOCAL_CONFIG: &str = "config.kubernetes.io/local-config";
/// The index annotations kyaml's reader puts on each item and its writer takes off.
const INDEX_ANNOTATIONS: [&str; 2] = [
    "config.kubernetes.io/index",
    "internal.config.kubernetes.io/index",
];

/// Runs an exec KRM function over `items` with kyaml's ResourceList protocol and returns the
/// items it gives back, index annotations removed. As in kustomize, the exit status decides
/// failure (its stderr is reported); `results` are not read.
fn run_function(
    config: &Resource,
    runner: &dyn PluginRunner,
    dir: &Path,
    path: &str,
    items: Vec<Node>,
) -> Result<Vec<Resource>> {
    let at = |msg: String| config_error(config, ErrorKind::External, msg);
    let mut list = Mapping::new();
    list.insert("apiVersion", Node::string("config.kubernetes.io/v1"));
    list.insert("kind", Node::string("ResourceList"));
    let mut indexed = Vec::with_capacity(items.len());
    for (i, mut item) in items.into_iter().enumerate() {
        for key in INDEX_ANNOTATIONS {
            set_annotation(&mut item, key, &i.to_string());
        }
        indexed.push(item);
    }
    list.insert("items", Node::sequence(indexed));
    let mut function_config = config.node().clone();
    set_annotation(&mut function_config, LOCAL_CONFIG, "true");
    list.insert("functionConfig", function_config);
    let mut input = String::new();
    crate::yaml::emit::emit_document(&Node::mapping(list), &mut input)
        .map_err(|e| at(e.message))?;
    let request = crate::plugin::FunctionRequest {
        path: path.to_owned(),
        input: input.into_bytes(),
        dir: dir.to_path_buf(),
    };
    let out = runner
        .run_function(&request)
        .map_err(|m| at(format!("couldn't execute function: {m}")))?;
    let text = String::from_utf8_lossy(&out).into_owned();
    let file = Arc::new(SourceFile::new(format!("output of function {path}"), text));
    let malformed = |why: &str| {
        at(format!(
            "function '{path}' printed no valid ResourceList: {why}"
        ))
    };
    let root = crate::yaml::parse::parse_single(&file, Default::default())
        .map_err(|e| malformed(e.message()))?
        .ok_or_else(|| malformed("empty output"))?;
    if root.get_str(&["kind"]) != Some("ResourceList") {
        return Err(malformed("its kind is not ResourceList"));
    }
    let mut out = Vec::new();
    if let Some(items) = root.get_path(&["items"]).and_then(Node::as_sequence) {
        for item in items {
            let mut item = item.clone();
            if let Some(ann) = item
                .as_mapping_mut()
                .and_then(|m| m.get_mut("metadata"))
                .and_then(Node::as_mapping_mut)
                .and_then(|m| m.get_mut("annotations"))
                .and_then(Node::as_mapping_mut)
            {
                for key in INDEX_ANNOTATIONS {
                    ann.remove(key);
                }
            }
            drop_empty_annotations(&mut item);
            out.push(Resource::from_node(item, &file)?);
        }
    }
    Ok(out)
}

/// kustomize's check after a validator: it may not change the resources
/// (kusttarget.go `runValidators`: "validator shouldn't modify the resource map"). The
/// `validated-by` label a validator may add is ignored.
pub(super) fn check_unchanged(
    config: &Resource,
    before: &ResourceMap,
    after: &ResourceMap,
) -> Result<()> {
    let text = |m: &ResourceMap| {
        let mut out = Vec::new();
        for r in m.resources() {
            let mut node = r.node().clone();
            if let Some(labels) = node
                .as_mapping_mut()
                .and_then(|m| m.get_mut("metadata"))
                .and_then(Node::as_mapping_mut)
                .and_then(|m| m.get_mut("labels"))
                .and_then(Node::as_mapping_mut)
            {
                labels.remove("validated-by");
            }
            let mut s = String::new();
            let _ = crate::yaml::emit::emit_document(&node, &mut s);
            out.push(s);
        }
        out.sort();
        out
    };
    if text(before) == text(after) {
        return Ok(());
    }
    Err(Error::at(
        ErrorKind::External,
        "validator shouldn't modify the resource map",
        config.origin(),
        config.node().span,
    ))
}

fn set_annotation(node: &mut Node, key: &str, value: &str) {
    let Some(m) = node.as_mapping_mut() else {
        return;
    };
    if m.get("metadata").and_then(Node::as_mapping).is_none() {
        m.insert("metadata", Node::mapping(Mapping::new()));
    }
    let Some(meta) = m.get_mut("metadata").and_then(Node::as_mapping_mut) else {
        return;
    };
    if meta.get("annotations").and_then(Node::as_mapping).is_none() {
        meta.insert("annotations", Node::mapping(Mapping::new()));
    }
    if let Some(ann) = meta.get_mut("annotations").and_then(Node::as_mapping_mut) {
        ann.insert(key, Node::string(value));
    }
}

/// kyaml drops an annotations map left empty.
/// Removes kustomize's generator-option annotations (`needs-hash`, `behavior`) from a generated
/// resource, and the annotations map if that leaves it empty; returns their values
/// (utils.go `UpdateResourceOptions`). Each plugin kind decides what the values may be.
pub(super) fn take_generator_options(r: &mut Resource) -> (Option<Node>, Option<Node>) {
    let taken = r
        .node_mut()
        .as_mapping_mut()
        .and_then(|m| m.get_mut("metadata"))
        .and_then(Node::as_mapping_mut)
        .and_then(|m| m.get_mut("annotations"))
        .and_then(Node::as_mapping_mut)
        .map_or((None, None), |ann| {
            (ann.remove(HASH_ANNOTATION), ann.remove(BEHAVIOR_ANNOTATION))
        });
    drop_empty_annotations(r.node_mut());
    taken
}

fn drop_empty_annotations(node: &mut Node) {
    if let Some(meta) = node
        .as_mapping_mut()
        .and_then(|m| m.get_mut("metadata"))
        .and_then(Node::as_mapping_mut)
        && meta
            .get("annotations")
            .and_then(Node::as_mapping)
            .is_some_and(Mapping::is_empty)
    {
        meta.remove("annotations");
    }
}

/// An error of `kind` located at the plugin config that caused it.
fn config_error(config: &Resource, kind: ErrorKind, msg: String) -> Error {
    Error::at(kind, msg, config.origin(), config.node().span)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    /// Answers every transformer with a fixed output and records its input.
    #[derive(Debug, Default)]
    struct Fixed {
        output: String,
        seen: std::sync::Mutex<Vec<ExecRequest>>,
    }

    impl PluginRunner for Fixed {
        fn run_exec(&self, request: &ExecRequest) -> std::result::Result<Vec<u8>, String> {
            self.seen.lock().unwrap().push(request.clone());
            Ok(self.output.clone().into_bytes())
        }
    }

    #[test]
    fn transformer_output_replaces_in_place_appends_and_removes() {
        let fs = crate::MemoryFs::new()
            .with_file(
                "/k/kustomization.yaml",
                "resources:\n- r.yaml\ntransformers:\n- t.yaml\n",
            )
            .with_file(
                "/k/r.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n\
                 apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n",
            )
            .with_file(
                "/k/t.yaml",
                "apiVersion: x.example/v1\nkind: T\nmetadata:\n  name: t\nargsOneLiner: -v 'a b'\n",
            );
        let runner = Arc::new(Fixed {
            output: "kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: new\n---\n\
                     apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations:\n    \
                     kustomize.config.k8s.io/id: whatever\ndata:\n  k: v\n"
                .to_owned(),
            ..Fixed::default()
        });
        let opts = crate::RenderOptions::new()
            .plugins(runner.clone())
            .reorder(crate::Reorder::None);
        let out = crate::Renderer::new(opts).render(&fs, "/k").unwrap();
        assert_eq!(
            out.to_yaml().unwrap(),
            "apiVersion: v1\ndata:\n  k: v\nkind: ConfigMap\nmetadata:\n  name: a\n---\n\
             apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: new\n"
        );
        let seen = runner.seen.lock().unwrap();
        let req = seen.first().unwrap();
        assert_eq!(req.relative_path(), PathBuf::from("x.example/v1/t/T"));
        assert_eq!(req.args, ["-v", "a b"]);
        assert_eq!(req.dir, PathBuf::from("/k"));
        let input = String::from_utf8(req.input.clone().unwrap()).unwrap();
        assert!(
            input.contains("kustomize.config.k8s.io/id: |\n      kind: ConfigMap\n      name: b\n      version: v1\n"),
            "{input}"
        );
    }

    #[test]
    fn regression_16_plugin_output_counts_against_the_input_budget() {
        let (kustomization, config) = (
            "transformers:\n- t.yaml\n",
            "apiVersion: x.example/v1\nkind: T\nmetadata:\n  name: t\n",
        );
        let fs = crate::MemoryFs::new()
            .with_file("/k/kustomization.yaml", kustomization)
            .with_file("/k/t.yaml", config);
        let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n";
        let runner = Arc::new(Fixed {
            output: cm.to_owned(),
            ..Fixed::default()
        });
        let render = |runner: Arc<Fixed>, limit: u64| {
            let mut budgets = crate::Budgets::default();
            budgets.set(crate::budget::Budget::InputBytes, limit);
            let opts = crate::RenderOptions::new().plugins(runner).budgets(budgets);
            crate::Renderer::new(opts).render(&fs, "/k")
        };
        let out = render(runner, 1 << 20).unwrap();
        // The two files, then the output: its bytes are counted as input.
        let read = kustomization.len() + config.len() + cm.len();
        assert_eq!(out.usage().input_bytes, read as u64);
        // A plugin that prints more than the budget allows stops the build.
        let runner = Arc::new(Fixed {
            output: format!("{cm}---\n").repeat(1000),
            ..Fixed::default()
        });
        let e = render(runner, 10_000).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Limit, "{e}");
        assert!(e.to_string().contains("--budget input-bytes=N"), "{e}");
    }

    #[test]
    fn one_liner_arguments_split_like_shlex() {
        let cases = [
            ("a b  c", vec!["a", "b", "c"]),
            ("'a b' \"c d\" e\\ f", vec!["a b", "c d", "e f"]),
            ("", vec![]),
            ("x''", vec!["x"]),
        ];
        for (line, want) in cases {
            assert_eq!(shell_words(line), want, "{line}");
        }
    }
}
