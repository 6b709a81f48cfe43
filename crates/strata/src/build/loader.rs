//! Reading kustomization and resource files through a [`FileSystem`], with the load
//! restrictor applied and each file parsed once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::error::{Error, ErrorKind, Location, Result};
use crate::fs::{FileKind, FileSystem, LoadRestrictor, check_restriction};
use crate::kustomization::{self, KUSTOMIZATION_FILE_NAMES, Kustomization, Spanned};
use crate::resource::{Resource, is_empty_document};
use crate::source::{SourceFile, Span};
use crate::transform::config::TransformerConfig;
use crate::yaml::parse::{Document, DuplicateKeys, Limits, ParseOptions, parse_documents};
use crate::yaml::{Node, NodeKind};

/// Most documents one file may expand to through nested `List` kinds.
const MAX_LIST_ITEMS: usize = 1_000_000;

/// Parsed files shared by the builds of one render call, so a base shared by many overlays
/// is read and parsed once. Files are assumed not to change while it lives.
#[derive(Default)]
pub struct ParseCache {
    resources: Mutex<HashMap<PathBuf, Parsed>>,
    kustomizations: Mutex<HashMap<PathBuf, Arc<Kustomization>>>,
}

impl ParseCache {
    /// Returns an empty cache.
    pub fn new() -> ParseCache {
        ParseCache::default()
    }
}

/// Reads files for a build through a [`ParseCache`].
pub struct Loader<'a> {
    fs: &'a dyn FileSystem,
    restrictor: LoadRestrictor,
    limits: Limits,
    cache: &'a ParseCache,
    sops: Option<crate::sops::Keys>,
    keep_encrypted: bool,
    warnings: Mutex<Vec<String>>,
}

impl<'a> Loader<'a> {
    /// Returns a loader over `fs`.
    pub fn new(
        fs: &'a dyn FileSystem,
        restrictor: LoadRestrictor,
        limits: Limits,
        cache: &'a ParseCache,
    ) -> Loader<'a> {
        Loader {
            fs,
            restrictor,
            limits,
            cache,
            sops: None,
            keep_encrypted: false,
            warnings: Mutex::new(Vec::new()),
        }
    }

    /// Without keys, passes SOPS-encrypted inputs through as kustomize does (with a
    /// warning) instead of failing.
    pub fn keep_encrypted(mut self, keep: bool) -> Loader<'a> {
        self.keep_encrypted = keep;
        self
    }

    /// Returns the warnings collected while loading, and forgets them.
    pub fn take_warnings(&self) -> Vec<String> {
        self.warnings
            .lock()
            .map(|mut w| std::mem::take(&mut *w))
            .unwrap_or_default()
    }

    fn warn_kept(&self, path: &str) {
        if let Ok(mut w) = self.warnings.lock() {
            w.push(format!(
                "warning: '{path}' is SOPS-encrypted and is output as ciphertext, as kustomize \
                 does; add --decrypt to decrypt it"
            ));
        }
    }

    /// Decrypts SOPS-encrypted inputs with `keys`; without keys they are an error.
    pub fn sops(mut self, keys: Option<crate::sops::Keys>) -> Loader<'a> {
        self.sops = keys;
        self
    }

    /// Returns true when SOPS-encrypted inputs pass through undecrypted, as kustomize
    /// renders them.
    pub fn keeps_encrypted(&self) -> bool {
        self.sops.is_none() && self.keep_encrypted
    }

    /// Returns true when SOPS-encrypted inputs are decrypted.
    pub fn decrypts(&self) -> bool {
        self.sops.is_some()
    }

    /// Returns the plaintext of SOPS-encrypted document `root` of `file`.
    pub fn decrypt_document(&self, file: &Arc<SourceFile>, root: &Node) -> Result<Node> {
        match &self.sops {
            Some(keys) => crate::sops::decrypt_document(file, root, keys.as_ref()),
            None => Err(crate::sops::not_enabled(file, root)),
        }
    }

    /// Returns the plaintext of generator source `path` (as the kustomization names it)
    /// when `bytes` is SOPS-encrypted; `None` when it is not.
    pub fn decrypt_source(&self, path: &str, bytes: &[u8]) -> Result<Option<Vec<u8>>> {
        let opts = ParseOptions {
            limits: self.limits,
            duplicate_keys: DuplicateKeys::Error,
            ..ParseOptions::default()
        };
        let parse = |f: &Arc<SourceFile>| crate::yaml::parse::parse_single(f, opts);
        match crate::sops::decrypt_source(path, bytes, self.sops.as_deref(), &parse) {
            // Without keys the only failure is "encrypted, and decryption is off".
            Err(e) if self.sops.is_none() && self.keep_encrypted => {
                drop(e);
                self.warn_kept(path);
                Ok(None)
            }
            other => other,
        }
    }

    /// Returns the input budgets.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Returns the file system.
    pub fn fs(&self) -> &'a dyn FileSystem {
        self.fs
    }

    /// Returns the canonical form of `path`, which must be a directory.
    pub fn confirm_dir(&self, path: &Path) -> Result<PathBuf> {
        match self.fs.kind(path) {
            FileKind::Dir => {}
            FileKind::File => {
                return Err(Error::new(
                    ErrorKind::Io,
                    format!(
                        "must build at directory: '{}': file is not directory",
                        path.display()
                    ),
                ));
            }
            FileKind::Absent => {
                return Err(Error::new(
                    ErrorKind::Io,
                    format!(
                        "must build at directory: not a valid directory: '{}' doesn't exist",
                        path.display()
                    ),
                ));
            }
        }
        self.fs.canonicalize(path).map_err(|e| {
            Error::new(
                ErrorKind::Io,
                format!("must build at directory: '{}': {e}", path.display()),
            )
        })
    }

    /// Reads a file as UTF-8 text (a leading byte-order mark is dropped).
    pub fn read_text(&self, path: &Path) -> Result<Arc<SourceFile>> {
        let bytes = self.fs.read(path).map_err(|e| {
            Error::new(ErrorKind::Io, format!("'{}': {e}", path.display()))
                .with_location(Location::file(path.display().to_string()))
        })?;
        if bytes.len() > self.limits.max_bytes {
            return Err(Error::new(
                ErrorKind::Limit,
                format!(
                    "file is {} bytes, over the limit of {} bytes",
                    bytes.len(),
                    self.limits.max_bytes
                ),
            )
            .with_location(Location::file(path.display().to_string())));
        }
        let text = String::from_utf8(bytes).map_err(|e| {
            let offset = u32::try_from(e.utf8_error().valid_up_to()).unwrap_or(u32::MAX);
            let file = SourceFile::new(path.display().to_string(), "");
            Error::at(
                ErrorKind::Yaml,
                "yaml: invalid UTF-8 in file (at byte offset {offset})"
                    .replace("{offset}", &offset.to_string()),
                &file,
                Span::at(0),
            )
        })?;
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_owned(),
            None => text,
        };
        Ok(SourceFile::new(path.display().to_string(), text))
    }

    /// Finds and reads the kustomization file of `dir` (canonical), once per cache.
    pub fn load_kustomization(&self, dir: &Path) -> Result<Arc<Kustomization>> {
        cached(&self.cache.kustomizations, dir, || {
            self.read_kustomization(dir).map(Arc::new)
        })
    }

    fn read_kustomization(&self, dir: &Path) -> Result<Kustomization> {
        let mut found = Vec::new();
        for name in KUSTOMIZATION_FILE_NAMES {
            let p = dir.join(name);
            if self.fs.kind(&p) == FileKind::File {
                found.push(p);
            }
        }
        let path = match found.as_slice() {
            [] => {
                return Err(Error::new(
                    ErrorKind::Kustomization,
                    format!(
                        "unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '{}'",
                        dir.display()
                    ),
                ));
            }
            [one] => one,
            _ => {
                return Err(Error::new(
                    ErrorKind::Kustomization,
                    format!(
                        "Found multiple kustomization files under: {}",
                        dir.display()
                    ),
                ));
            }
        };
        let file = self.read_text(path)?;
        let opts = ParseOptions {
            limits: self.limits,
            // kustomize reads kustomization files with sigs.k8s.io/yaml, where the last of
            // duplicate keys wins (reference README, input typing).
            duplicate_keys: DuplicateKeys::KeepLast,
            ..ParseOptions::default()
        };
        let docs = parse_documents(&file, opts).map_err(|e| match e.kind() {
            ErrorKind::Yaml => e.with_prefix("invalid Kustomization: "),
            _ => e,
        })?;
        let mut roots = docs.into_iter().filter(|d| !d.is_empty);
        let root = roots.next().map(|d| d.root);
        if let Some(extra) = roots.next() {
            return Err(Error::at(
                ErrorKind::Kustomization,
                "invalid Kustomization: a kustomization file holds one document",
                &file,
                extra.root.span,
            ));
        }
        kustomization::from_node(&file, root, &dir.display().to_string())
    }

    /// Loads the resources of a file listed by the kustomization in `root` (canonical): its
    /// documents in order, `*List` kinds expanded, empty documents dropped.
    pub fn load_resources(&self, root: &Path, path: &Path) -> Result<Vec<Resource>> {
        let canonical = self.restricted_path(root, path)?;
        let (file, docs) = self.parse_cached(&canonical)?;
        let mut out = Vec::new();
        // kustomize expands lists with a queue: items of a `*List` go after the rest of the
        // file's documents (api/resource/factory.go `inlineAnyEmbeddedLists`).
        let mut queue: std::collections::VecDeque<Node> = docs
            .iter()
            .filter(|d| !d.is_empty)
            .map(|d| d.root.clone())
            .collect();
        let mut budget = MAX_LIST_ITEMS;
        while let Some(node) = queue.pop_front() {
            if is_empty_document(&node) {
                continue;
            }
            // Flux's `decryption.provider: sops`: encrypted Secrets decrypt in place.
            let node = if !crate::sops::is_encrypted(&node) {
                node
            } else if self.sops.is_none() && self.keep_encrypted {
                self.warn_kept(&file.path);
                node
            } else {
                self.decrypt_document(&file, &node)?
            };
            let r = Resource::from_node(node, &file)?;
            if r.id().gvk.kind.ends_with("List") {
                let items = r.node().as_mapping().and_then(|m| m.get("items"));
                match items.map(|n| &n.kind) {
                    None => {}
                    Some(NodeKind::Sequence(items)) => {
                        if items.len() > budget {
                            return Err(Error::at(
                                ErrorKind::Limit,
                                format!("more than {MAX_LIST_ITEMS} list items in one file"),
                                &file,
                                r.node().span,
                            ));
                        }
                        budget -= items.len();
                        queue.extend(items.iter().cloned());
                        continue;
                    }
                    Some(NodeKind::Scalar(s)) if s.is_null() => continue,
                    Some(_) => {
                        let kind = r.id().gvk.kind.clone();
                        return Err(Error::at(
                            ErrorKind::Resource,
                            format!("expected array in {kind}/items"),
                            &file,
                            r.node().span,
                        ));
                    }
                }
            }
            out.push(r);
        }
        Ok(out)
    }

    /// Loads the file a path entry of kustomization `k` names, relative to its directory
    /// `root` and under the load restrictor; errors point at the entry.
    pub(super) fn load_entry(
        &self,
        root: &Path,
        entry: &Spanned<String>,
        k: &Kustomization,
    ) -> Result<Arc<SourceFile>> {
        let path = crate::fs::clean(&root.join(&entry.value));
        self.load_restricted(root, &path)
            .map_err(|e| e.with_location(Location::new(&k.file, entry.span)))
    }

    /// Loads a `configurations:` entry of kustomization `k` in directory `root`.
    pub fn load_config(
        &self,
        root: &Path,
        entry: &Spanned<String>,
        k: &Kustomization,
    ) -> Result<TransformerConfig> {
        let file = self.load_entry(root, entry, k)?;
        let docs = parse_documents(
            &file,
            ParseOptions {
                limits: self.limits,
                duplicate_keys: DuplicateKeys::Error,
                ..ParseOptions::default()
            },
        )?;
        let root = docs.iter().find(|d| !d.is_empty).map(|d| &d.root);
        super::builtins::parse_config(&file, root)
    }

    /// Loads a `crds:` entry of kustomization `k` in directory `root`.
    pub fn load_crds(
        &self,
        root: &Path,
        entry: &Spanned<String>,
        k: &Kustomization,
    ) -> Result<TransformerConfig> {
        let file = self.load_entry(root, entry, k)?;
        let opts = ParseOptions {
            limits: self.limits,
            duplicate_keys: DuplicateKeys::KeepLast,
            ..ParseOptions::default()
        };
        let docs = parse_documents(&file, opts).map_err(|e| {
            e.with_prefix(&format!(
                "unable to parse open API definition from '{}': ",
                entry.value
            ))
        })?;
        let root = docs.iter().find(|d| !d.is_empty).map(|d| &d.root);
        super::crds::config_from_crds(root)
    }

    /// Reads a file that must lie within `root` under the load restrictor.
    pub fn load_restricted(&self, root: &Path, path: &Path) -> Result<Arc<SourceFile>> {
        let canonical = self.restricted_path(root, path)?;
        self.read_text(&canonical)
    }

    /// Reads the bytes of a file that must lie within `root` under the load restrictor.
    pub fn read_restricted_bytes(&self, root: &Path, path: &Path) -> Result<Vec<u8>> {
        let canonical = self.restricted_path(root, path)?;
        if self.fs.kind(&canonical) != FileKind::File {
            return Err(Error::new(
                ErrorKind::Io,
                format!("'{}' must resolve to a file", canonical.display()),
            ));
        }
        self.fs
            .read(&canonical)
            .map_err(|e| Error::new(ErrorKind::Io, format!("'{}': {e}", canonical.display())))
    }

    /// Returns the canonical path of `path`, checked against `root` by the load restrictor.
    fn restricted_path(&self, root: &Path, path: &Path) -> Result<PathBuf> {
        let canonical = self.fs.canonicalize(path).map_err(|_| {
            Error::new(
                ErrorKind::Io,
                format!(
                    "'{}' doesn't exist: no such file or directory",
                    path.display()
                ),
            )
        })?;
        check_restriction(self.restrictor, root, &canonical)
            .map_err(|m| Error::new(ErrorKind::LoadRestriction, m))?;
        Ok(canonical)
    }

    fn parse_cached(&self, path: &Path) -> Result<Parsed> {
        cached(&self.cache.resources, path, || self.parse_file(path))
    }

    fn parse_file(&self, path: &Path) -> Result<Parsed> {
        let file = self.read_text(path)?;
        let docs = parse_documents(
            &file,
            ParseOptions {
                limits: self.limits,
                duplicate_keys: DuplicateKeys::Error,
                ..ParseOptions::default()
            },
        )
        .map_err(|e| {
            // kustomize's wording for a syntax error in a resource file.
            if e.kind() == ErrorKind::Yaml && e.message().starts_with("yaml: line") {
                e.with_prefix("MalformedYAMLError: ")
            } else {
                e
            }
        })?;
        Ok((file, Arc::new(docs)))
    }
}

/// Returns the value `cache` holds for `key`, else makes it and keeps it there. A poisoned
/// lock only means a panic elsewhere; the cache is an optimisation, so it is then skipped.
fn cached<T: Clone>(
    cache: &Mutex<HashMap<PathBuf, T>>,
    key: &Path,
    make: impl FnOnce() -> Result<T>,
) -> Result<T> {
    if let Some(hit) = cache.lock().ok().and_then(|c| c.get(key).cloned()) {
        return Ok(hit);
    }
    let value = make()?;
    if let Ok(mut c) = cache.lock() {
        c.insert(key.to_path_buf(), value.clone());
    }
    Ok(value)
}

/// A parsed file: its source and its documents.
type Parsed = (Arc<SourceFile>, Arc<Vec<Document>>);
