//! KSOPS generator configs (`apiVersion: viaduct.ai/v1`, `kind: ksops`) run natively: what
//! the KSOPS exec plugin prints under `kustomize build --enable-alpha-plugins --enable-exec`,
//! without the plugin, with the keys of `RenderOptions::decrypt`.
//!
//! Reproduced from viaduct-ai/kustomize-sops ksops.go `generate`: each `files:` entry is
//! a decrypted manifest; each `secretFrom:` entry is a Secret with the given `metadata`
//! (name, namespace, labels, annotations) and `type`, whose `stringData` holds each
//! `files:` entry (`key=path`, else the file's base name) decrypted and each `envs:` file's
//! pairs, and whose `data` holds each `binaryFiles:` entry decrypted, base64. As for any
//! exec generator, the annotation `kustomize.config.k8s.io/needs-hash: "true"` asks for a
//! content-hash name suffix and is removed (api/resmap/resource.go `UpdateResourceOptions`).
//! Departure: the files are read under the load restrictor, where the plugin reads any path.

use std::path::Path;
use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result};
use crate::resource::{Origin, Resource, ResourceMap};
use crate::source::SourceFile;
use crate::yaml::parse::ParseOptions;
use crate::yaml::{Mapping, Node};

use super::loader::Loader;

const BEHAVIOR: &str = "kustomize.config.k8s.io/behavior";

/// Returns true if `config` is a KSOPS generator config.
pub(super) fn is_config(config: &Resource) -> bool {
    let gvk = &config.id().gvk;
    gvk.group == "viaduct.ai" && gvk.version == "v1" && gvk.kind == "ksops"
}

/// Runs KSOPS generator `config` of the kustomization in `root`, appending to `acc`.
pub(super) fn generate(
    config: &Resource,
    loader: &Loader<'_>,
    root: &Path,
    acc: &mut ResourceMap,
    origin: Option<Origin>,
) -> Result<()> {
    let file = config.origin();
    let node = config.node();
    let err = |kind: ErrorKind, msg: String| Error::at(kind, msg, file, node.span);
    if !loader.decrypts() {
        return Err(err(
            ErrorKind::Unsupported,
            "a KSOPS generator decrypts SOPS files: render with --decrypt \
             (RenderOptions::decrypt); Strata runs it without the plugin or its flags"
                .into(),
        ));
    }
    let list = |key: &str, n: &Node| -> Vec<String> {
        n.get_path(&[key])
            .and_then(Node::as_sequence)
            .map(|items| {
                items
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let files = list("files", node);
    let secret_from = node
        .get_path(&["secretFrom"])
        .and_then(Node::as_sequence)
        .cloned()
        .unwrap_or_default();
    if node.get_path(&["files"]).is_none() && node.get_path(&["secretFrom"]).is_none() {
        return Err(err(
            ErrorKind::Kustomization,
            "missing the required 'files' or 'secretFrom' key in the ksops manifest".into(),
        ));
    }
    let mut out = Vec::new();
    for path in &files {
        let (source, plain) = decrypt_manifest(loader, root, path)
            .map_err(|e| e.with_context(format!("in KSOPS files entry '{path}'")))?;
        for doc in plain {
            out.push(Resource::from_node(doc, &source)?);
        }
    }
    for sf in &secret_from {
        let mut string_data = Mapping::new();
        for entry in list("files", sf) {
            let (key, path) = key_path(&entry).map_err(|m| err(ErrorKind::Kustomization, m))?;
            let plain = decrypt_bytes(loader, root, path)?;
            let text = String::from_utf8(plain).map_err(|_| {
                err(
                    ErrorKind::Decrypt,
                    format!("'{path}' is not UTF-8 text; list it under binaryFiles"),
                )
            })?;
            string_data.insert(key, Node::string(text));
        }
        for path in list("envs", sf) {
            let plain = decrypt_bytes(loader, root, &path)?;
            for (k, v) in dotenv_pairs(&String::from_utf8_lossy(&plain)) {
                string_data.insert(&k, Node::string(v));
            }
        }
        let mut data = Mapping::new();
        for entry in list("binaryFiles", sf) {
            let (key, path) = key_path(&entry).map_err(|m| err(ErrorKind::Kustomization, m))?;
            let plain = decrypt_bytes(loader, root, path)?;
            data.insert(key, Node::string(crate::generate::encode_base64(&plain)));
        }
        let mut secret = Mapping::new();
        secret.insert("apiVersion", Node::string("v1"));
        secret.insert("kind", Node::string("Secret"));
        secret.insert("metadata", Node::mapping(object_meta(sf)));
        if let Some(t) = sf.get_str(&["type"]).filter(|t| !t.is_empty()) {
            secret.insert("type", Node::string(t));
        }
        if !string_data.is_empty() {
            secret.insert("stringData", Node::mapping(string_data));
        }
        if !data.is_empty() {
            secret.insert("data", Node::mapping(data));
        }
        let mut n = Node::mapping(secret);
        n.span = sf.span;
        out.push(Resource::from_node(n, file)?);
    }
    for mut r in out {
        hash_options(&mut r).map_err(|m| err(ErrorKind::Kustomization, m))?;
        r.history_mut().origin = origin.clone();
        acc.append(r).map_err(|r| {
            err(
                ErrorKind::DuplicateId,
                format!(
                    "may not add resource with an already registered id: {}",
                    r.id()
                ),
            )
        })?;
    }
    Ok(())
}

/// kustomize's `types.ObjectMeta` as KSOPS marshals it: name, namespace, labels, annotations.
fn object_meta(sf: &Node) -> Mapping {
    let mut meta = Mapping::new();
    if let Some(m) = sf.get_path(&["metadata"]).and_then(Node::as_mapping) {
        for key in ["annotations", "labels", "name", "namespace"] {
            if let Some(v) = m.get(key).filter(|v| !v.is_null()) {
                meta.insert(key, v.clone());
            }
        }
    }
    meta
}

/// Applies and removes the generator annotations of an exec plugin's output.
fn hash_options(r: &mut Resource) -> std::result::Result<(), String> {
    let (needs_hash, behavior) = super::exec_plugin::take_generator_options(r);
    if let Some(b) = behavior.as_ref().and_then(Node::as_str)
        && !matches!(b, "" | "create")
    {
        return Err(format!(
            "{BEHAVIOR}: {b} is not supported for KSOPS output; use create"
        ));
    }
    if needs_hash.as_ref().and_then(Node::as_str) == Some("true") {
        r.history_mut().needs_hash = true;
    }
    r.refresh_id();
    Ok(())
}

/// ksops.go `fileKeyPath`: `key=path`, else the base name of the path.
fn key_path(entry: &str) -> std::result::Result<(&str, &str), String> {
    let parts: Vec<&str> = entry.split('=').collect();
    match parts.as_slice() {
        [path] => Ok((path.rsplit('/').next().unwrap_or(path), path)),
        [key, path] => Ok((key, path)),
        _ => Err(format!("invalid format in file generator {entry}")),
    }
}

/// The pairs of a dotenv text as godotenv reads them, for the common forms: `KEY=value`,
/// an optional `export `, `#` comment lines, surrounding quotes removed.
fn dotenv_pairs(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        let v = v.trim();
        let unquoted = ['"', '\'']
            .iter()
            .find_map(|q| v.strip_prefix(*q).and_then(|r| r.strip_suffix(*q)))
            .unwrap_or(v);
        out.push((k.trim().to_string(), unquoted.to_string()));
    }
    out
}

/// Reads `path` (relative to `root`) and returns its SOPS plaintext; the file must be
/// SOPS-encrypted, as `sops --decrypt` requires.
fn decrypt_bytes(loader: &Loader<'_>, root: &Path, path: &str) -> Result<Vec<u8>> {
    let full = crate::fs::clean(&root.join(path));
    let bytes = loader.read_restricted_bytes(root, &full)?;
    loader.decrypt_source(path, &bytes)?.ok_or_else(|| {
        Error::new(
            ErrorKind::Decrypt,
            format!("'{path}': sops metadata not found; KSOPS decrypts only SOPS files"),
        )
    })
}

/// Reads manifest `path` and returns its decrypted documents.
fn decrypt_manifest(
    loader: &Loader<'_>,
    root: &Path,
    path: &str,
) -> Result<(Arc<SourceFile>, Vec<Node>)> {
    let full = crate::fs::clean(&root.join(path));
    let source = loader.load_restricted(root, &full)?;
    let opts = ParseOptions {
        limits: loader.limits(),
        ..ParseOptions::default()
    };
    let docs = crate::yaml::parse::parse_documents(&source, opts)?;
    let mut out = Vec::new();
    for d in docs.into_iter().filter(|d| !d.is_empty) {
        if !crate::sops::is_encrypted(&d.root) {
            return Err(Error::at(
                ErrorKind::Decrypt,
                "sops metadata not found; KSOPS decrypts only SOPS files",
                &source,
                d.root.span,
            ));
        }
        out.push(loader.decrypt_document(&source, &d.root)?);
    }
    Ok((source, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_file_entries_as_ksops() {
        assert_eq!(
            key_path("a/b/secret.txt"),
            Ok(("secret.txt", "a/b/secret.txt"))
        );
        assert_eq!(key_path("token=a/b.txt"), Ok(("token", "a/b.txt")));
        assert!(key_path("a=b=c").is_err());
    }

    #[test]
    fn reads_dotenv_pairs() {
        let text = "# c\nA=1\nexport B = \"two words\"\nC='x'\n\nnoequals\n";
        let want = [("A", "1"), ("B", "two words"), ("C", "x")];
        let got = dotenv_pairs(text);
        let got: Vec<(&str, &str)> = got.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(got, want);
    }
}
