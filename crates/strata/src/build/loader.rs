//! Reading kustomization and resource files through a [`FileSystem`], with the load
//! restrictor applied and each file parsed once.
//!
//! Every read of a build, kustomization files included, passes one gate
//! ([`Loader::read_gated`]): the path is resolved (symlinks, `..`) and checked against the
//! load restrictor before anything is opened (a path inside a `.git` directory is refused
//! unless allowed), only regular files are read, and each read is bounded by the per-file
//! limit and what is left of the build's input budget.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::budget::{Budget, Budgets, Meter, Usage, count_nodes, exceeded};
use crate::error::{Error, ErrorKind, Location, Result};
use crate::fs::{FileKind, FileSystem, LoadRestrictor, check_restriction};
use crate::kustomization::{self, KUSTOMIZATION_FILE_NAMES, Kustomization, Spanned};
use crate::remote::{RemoteError, RemoteLoader, RepoSpec};
use crate::resource::{Resource, is_empty_document};
use crate::source::{SourceFile, Span};
use crate::transform::config::TransformerConfig;
use crate::yaml::parse::{Document, DuplicateKeys, Limits, ParseOptions, parse_documents};
use crate::yaml::{Node, NodeKind};

/// Most documents one file may expand to through nested `List` kinds.
const MAX_LIST_ITEMS: usize = 1_000_000;

/// Parsed files shared by the builds of one render call, so a base shared by many overlays
/// is read and parsed once more, not once per overlay. Files are assumed not to change
/// while it lives.
///
/// A resource file is kept only from its second read on: the first read hands its
/// documents to the build without a copy (a kept file would hold a second tree of every
/// resource until the render ends, doubling the memory of a one-directory build), the
/// second parses again and keeps the result for every later read.
#[derive(Default)]
pub(crate) struct ParseCache {
    resources: Mutex<HashMap<PathBuf, Parsed>>,
    /// Resource files read once and not kept.
    seen: Mutex<std::collections::HashSet<PathBuf>>,
    kustomizations: Mutex<HashMap<PathBuf, Arc<Kustomization>>>,
    /// Remote checkouts by (clone spec, ref, submodules): each repository is brought in once
    /// however many kustomizations refer to it (kustomize clones once per reference).
    checkouts: Mutex<HashMap<CheckoutKey, std::result::Result<PathBuf, RemoteError>>>,
    /// The canonical directories of those checkouts: a kustomization inside one may not read
    /// outside its own directory (kustomize's loader for a clone is always root-only).
    checkout_roots: Mutex<Vec<PathBuf>>,
}

impl ParseCache {
    /// Returns an empty cache.
    pub(crate) fn new() -> ParseCache {
        ParseCache::default()
    }
}

/// Reads files for one build through a [`ParseCache`], and counts the build's work against
/// its [`Budgets`].
pub(crate) struct Loader<'a> {
    allow_git_files: bool,
    fs: &'a dyn FileSystem,
    restrictor: LoadRestrictor,
    limits: Limits,
    cache: &'a ParseCache,
    meter: Meter,
    remote: Option<&'a dyn RemoteLoader>,
    sops: Option<crate::sops::Keys>,
    keep_encrypted: bool,
    warnings: Mutex<Vec<crate::warning::Warning>>,
}

/// kustomize's message for a directory without a kustomization file.
fn no_kustomization(dir: &Path) -> String {
    format!(
        "unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in \
         directory '{}'",
        dir.display()
    )
}

impl<'a> Loader<'a> {
    /// Returns a loader over `fs` for one build.
    pub(crate) fn new(
        fs: &'a dyn FileSystem,
        restrictor: LoadRestrictor,
        limits: Limits,
        budgets: Budgets,
        cache: &'a ParseCache,
    ) -> Loader<'a> {
        Loader {
            allow_git_files: false,
            fs,
            restrictor,
            limits,
            cache,
            meter: Meter::new(budgets),
            remote: None,
            sops: None,
            keep_encrypted: false,
            warnings: Mutex::new(Vec::new()),
        }
    }

    /// Without keys, passes SOPS-encrypted inputs through as kustomize does (with a
    /// warning) instead of failing.
    pub(crate) fn keep_encrypted(mut self, keep: bool) -> Loader<'a> {
        self.keep_encrypted = keep;
        self
    }

    /// Returns the warnings collected while loading, and forgets them.
    pub(crate) fn take_warnings(&self) -> Vec<crate::warning::Warning> {
        self.warnings
            .lock()
            .map(|mut w| std::mem::take(&mut *w))
            .unwrap_or_default()
    }

    fn warn_kept(&self, path: &str) {
        if let Ok(mut w) = self.warnings.lock() {
            w.push(crate::warning::Warning::new(
                crate::warning::WarningKind::Encrypted,
                format!(
                    "'{path}' is SOPS-encrypted and is output as ciphertext, as kustomize \
                     does; add --decrypt to decrypt it"
                ),
            ));
        }
    }

    /// Decrypts SOPS-encrypted inputs with `keys`; without keys they are an error.
    pub(crate) fn sops(mut self, keys: Option<crate::sops::Keys>) -> Loader<'a> {
        self.sops = keys;
        self
    }

    /// Returns true when SOPS-encrypted inputs pass through undecrypted, as kustomize
    /// renders them.
    pub(crate) fn keeps_encrypted(&self) -> bool {
        self.sops.is_none() && self.keep_encrypted
    }

    /// Returns true when SOPS-encrypted inputs are decrypted.
    pub(crate) fn decrypts(&self) -> bool {
        self.sops.is_some()
    }

    /// Returns the plaintext of SOPS-encrypted document `root` of `file`.
    pub(crate) fn decrypt_document(&self, file: &Arc<SourceFile>, root: &Node) -> Result<Node> {
        match &self.sops {
            Some(keys) => crate::sops::decrypt_document(file, root, keys.as_ref()),
            None => Err(crate::sops::not_enabled(file, root)),
        }
    }

    /// Returns the plaintext of generator source `path` (as the kustomization names it)
    /// when `bytes` is SOPS-encrypted; `None` when it is not.
    pub(crate) fn decrypt_source(&self, path: &str, bytes: &[u8]) -> Result<Option<Vec<u8>>> {
        let opts = ParseOptions {
            limits: self.limits,
            duplicate_keys: DuplicateKeys::Error,
            ..ParseOptions::default()
        };
        let parse = |f: &Arc<SourceFile>| Ok(crate::yaml::parse::parse_single(f, opts)?);
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

    /// Counts `n` units of budget `b` for this build.
    pub(crate) fn charge(&self, b: Budget, n: u64) -> Result<()> {
        self.meter.charge(b, n)
    }

    /// Returns what this build has used of each budget.
    pub(crate) fn usage(&self) -> Usage {
        self.meter.usage()
    }

    /// Parses `file` with `opts` (its limits replaced by the build's), counting the nodes its
    /// aliases expand to against the build's budget.
    pub(crate) fn parse(
        &self,
        file: &Arc<SourceFile>,
        opts: ParseOptions,
    ) -> Result<Vec<Document>> {
        let (limits, per_build) = self.parse_limits();
        let docs = parse_documents(file, ParseOptions { limits, ..opts })
            .map_err(|e| budget_context(e.into(), per_build))?;
        let nodes = docs.iter().map(|d| count_nodes(&d.root)).sum();
        self.charge_aliases(file, nodes)?;
        Ok(docs)
    }

    /// Returns the limits for the next parse: the per-file alias budget cut to what is left
    /// of the build's, and whether that cut applies.
    fn parse_limits(&self) -> (Limits, Option<u64>) {
        let left = self.meter.remaining(Budget::AliasNodes);
        let mut limits = self.limits;
        if usize::try_from(left).is_ok_and(|l| l < limits.max_alias_nodes) {
            limits.max_alias_nodes = usize::try_from(left).unwrap_or(0);
            return (limits, Some(left));
        }
        (limits, None)
    }

    /// Charges the nodes a parse made beyond one per input byte: text without aliases cannot
    /// make more, so this never counts more than aliases expanded to.
    fn charge_aliases(&self, file: &SourceFile, nodes: u64) -> Result<()> {
        let bytes = u64::try_from(file.text.len()).unwrap_or(u64::MAX);
        self.meter
            .charge(Budget::AliasNodes, nodes.saturating_sub(bytes))
            .map_err(|e| e.with_context(format!("reading '{}'", file.path)))
    }

    /// Brings remote bases and resources in through `remote`.
    pub(crate) fn with_remote(mut self, remote: Option<&'a dyn RemoteLoader>) -> Loader<'a> {
        self.remote = remote;
        self
    }

    /// Returns the remote loader, if the render has one.
    pub(crate) fn remote(&self) -> Option<&'a dyn RemoteLoader> {
        self.remote
    }

    /// Returns the canonical checkout directory of `repo`, checking it out on first use
    /// (once per render call, whatever the number of kustomizations that refer to it).
    pub(crate) fn checkout(
        &self,
        remote: &dyn RemoteLoader,
        repo: &RepoSpec,
    ) -> std::result::Result<PathBuf, RemoteError> {
        let key = (repo.clone_spec(), repo.git_ref.clone(), repo.submodules);
        // The lock is held while checking out, so two threads never fetch one repository.
        let mut checkouts = match self.cache.checkouts.lock() {
            Ok(c) => c,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(done) = checkouts.get(&key) {
            return done.clone();
        }
        let result = remote.checkout(repo).and_then(|dir| {
            self.fs
                .canonicalize(&dir)
                .map_err(|e| RemoteError::Other(format!("{}: {e}", dir.display())))
        });
        if let Ok(dir) = &result
            && let Ok(mut roots) = self.cache.checkout_roots.lock()
        {
            roots.push(dir.clone());
        }
        checkouts.insert(key, result.clone());
        result
    }

    /// Returns the checkout directory that contains `dir`, if any.
    pub(crate) fn checkout_containing(&self, dir: &Path) -> Option<PathBuf> {
        let roots = self.cache.checkout_roots.lock().ok()?;
        roots.iter().find(|r| dir.starts_with(r)).cloned()
    }

    /// Returns the input budgets.
    pub(crate) fn limits(&self) -> Limits {
        self.limits
    }

    /// Returns the file system.
    pub(crate) fn fs(&self) -> &'a dyn FileSystem {
        self.fs
    }

    /// Returns the canonical form of `path`, which must be a directory.
    pub(crate) fn confirm_dir(&self, path: &Path) -> Result<PathBuf> {
        match self.fs.kind(path) {
            FileKind::Dir => {}
            FileKind::File | FileKind::Special => {
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

    /// The one gate every read of the build passes: resolves `path`, checks it against the
    /// load restrictor for `root`, refuses anything but a regular file, and reads at most the
    /// per-file limit and what is left of the build's input budget. Returns the canonical
    /// path and the bytes.
    pub(crate) fn read_gated(&self, root: &Path, path: &Path) -> Result<(PathBuf, Vec<u8>)> {
        let canonical = self.restricted_path(root, path)?;
        let bytes = self.read_canonical(&canonical)?;
        Ok((canonical, bytes))
    }

    /// Reads a file already resolved and checked by the restrictor.
    fn read_canonical(&self, canonical: &Path) -> Result<Vec<u8>> {
        // No location here: the caller points at the entry that named the file.
        match self.fs.kind(canonical) {
            FileKind::File => {}
            FileKind::Dir => {
                return Err(Error::new(
                    ErrorKind::Io,
                    format!("'{}' must resolve to a file", canonical.display()),
                ));
            }
            FileKind::Special => {
                return Err(Error::new(
                    ErrorKind::Io,
                    format!(
                        "'{}' is not a regular file (a FIFO, device or socket); only regular files are read",
                        canonical.display()
                    ),
                ));
            }
            FileKind::Absent => {
                return Err(Error::new(
                    ErrorKind::Io,
                    format!(
                        "'{}' doesn't exist: no such file or directory",
                        canonical.display()
                    ),
                ));
            }
        }
        let per_file = u64::try_from(self.limits.max_bytes).unwrap_or(u64::MAX);
        let left = self.meter.remaining(Budget::InputBytes);
        let limit = per_file.min(left);
        let bytes = self
            .fs
            .read_limited(canonical, limit)
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::FileTooLarge if left < per_file => {
                    exceeded(Budget::InputBytes, self.meter.limit(Budget::InputBytes))
                }
                std::io::ErrorKind::FileTooLarge => Error::new(
                    ErrorKind::Limit,
                    format!(
                        "'{}' is larger than the limit of {per_file} bytes for one file",
                        canonical.display()
                    ),
                ),
                std::io::ErrorKind::InvalidInput => {
                    Error::new(ErrorKind::Io, format!("'{}': {e}", canonical.display()))
                }
                _ => Error::new(ErrorKind::Io, format!("'{}': {e}", canonical.display())),
            })?;
        self.meter.charge(
            Budget::InputBytes,
            u64::try_from(bytes.len()).unwrap_or(u64::MAX),
        )?;
        Ok(bytes)
    }

    /// Reads a file that must lie within `root` as UTF-8 text (a leading byte-order mark is
    /// dropped).
    fn read_text(&self, root: &Path, path: &Path) -> Result<Arc<SourceFile>> {
        let (canonical, bytes) = self.read_gated(root, path)?;
        self.text_of(&canonical, bytes)
    }

    fn text_of(&self, path: &Path, bytes: Vec<u8>) -> Result<Arc<SourceFile>> {
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

    /// Finds and reads the kustomization file of `dir` (canonical), once per cache; its
    /// bytes count against this build's input budget each time it is loaded.
    pub(crate) fn load_kustomization(&self, dir: &Path) -> Result<Arc<Kustomization>> {
        let hit = self
            .cache
            .kustomizations
            .lock()
            .ok()
            .and_then(|c| c.get(dir).cloned());
        if let Some(k) = hit {
            self.meter
                .charge(
                    Budget::InputBytes,
                    u64::try_from(k.file.text.len()).unwrap_or(u64::MAX),
                )
                .map_err(|e| e.with_context(format!("reading '{}'", k.file.path)))?;
            return Ok(k);
        }
        let k = Arc::new(self.read_kustomization(dir)?);
        if let Ok(mut c) = self.cache.kustomizations.lock() {
            c.insert(dir.to_path_buf(), Arc::clone(&k));
        }
        Ok(k)
    }

    /// The one kustomization file of `dir` (kustomize's `loadKustFile` names): an error if it
    /// has none or more than one.
    pub(crate) fn find_kustomization_file(&self, dir: &Path) -> Result<PathBuf> {
        let mut found: Vec<PathBuf> = KUSTOMIZATION_FILE_NAMES
            .iter()
            .map(|name| dir.join(name))
            .filter(|p| self.fs.kind(p) != FileKind::Absent)
            .collect();
        match found.len() {
            1 => Ok(found.remove(0)),
            0 => Err(Error::new(ErrorKind::Kustomization, no_kustomization(dir))),
            _ => Err(Error::new(
                ErrorKind::Kustomization,
                format!(
                    "Found multiple kustomization files under: {}",
                    dir.display()
                ),
            )),
        }
    }

    fn read_kustomization(&self, dir: &Path) -> Result<Kustomization> {
        let path = &self.find_kustomization_file(dir)?;
        // The kustomization file is read through the same gate as every other file. A
        // symlink out of its directory is refused as kustomize refuses it: its file loader
        // does not find the file (api/internal/target/kusttarget.go `loadKustFile`, through
        // the restricted loader; `kubectl kustomize` prints "unable to find one of ...").
        let canonical = self
            .fs
            .canonicalize(path)
            .map_err(|e| Error::new(ErrorKind::Io, format!("'{}': {e}", path.display())))?;
        if check_restriction(self.restrictor, dir, &canonical).is_err() {
            return Err(Error::new(
                ErrorKind::LoadRestriction,
                format!(
                    "{}: '{}' resolves to '{}', outside the directory, which the load restrictor refuses",
                    no_kustomization(dir),
                    path.display(),
                    canonical.display()
                ),
            ));
        }
        let bytes = self.read_canonical(&canonical)?;
        let file = self.text_of(path, bytes)?;
        self.parse_kustomization(dir, &file)
    }

    /// Reads `text` as the kustomization file `path` of `dir` (the top kustomization after
    /// build-time overrides).
    pub(crate) fn kustomization_from_text(
        &self,
        dir: &Path,
        path: &str,
        text: String,
    ) -> Result<Kustomization> {
        self.parse_kustomization(dir, &SourceFile::new(path, text))
    }

    fn parse_kustomization(&self, dir: &Path, file: &Arc<SourceFile>) -> Result<Kustomization> {
        let file = Arc::clone(file);
        let opts = ParseOptions {
            limits: self.limits,
            // kustomize reads kustomization files with sigs.k8s.io/yaml, where the last of
            // duplicate keys wins (reference README, input typing).
            duplicate_keys: DuplicateKeys::KeepLast,
            ..ParseOptions::default()
        };
        let docs = self.parse(&file, opts).map_err(|e| match e.kind() {
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
    pub(crate) fn load_resources(&self, root: &Path, path: &Path) -> Result<Vec<Resource>> {
        let canonical = self.restricted_path(root, path)?;
        let Parsed { file, docs, .. } = self.parse_cached(&canonical)?;
        // Flux's `decryption.provider: sops`: encrypted Secrets decrypt in place.
        let prepare = |node: Node| {
            if !crate::sops::is_encrypted(&node) {
                Ok(node)
            } else if self.sops.is_none() && self.keep_encrypted {
                self.warn_kept(&file.path);
                Ok(node)
            } else {
                self.decrypt_document(&file, &node)
            }
        };
        resources_of(&file, docs, &prepare)
    }

    /// Parses resources from text that did not come from a file of the build (a generator's
    /// output, e.g. `helm template`, or a remote file), as [`Loader::load_resources`] parses
    /// a file. Its bytes count against the build's input budget as a file's would: a plugin
    /// or chart that prints without end is stopped like a file that never ends.
    pub(crate) fn parse_resources(&self, file: &Arc<SourceFile>) -> Result<Vec<Resource>> {
        self.meter
            .charge(
                Budget::InputBytes,
                u64::try_from(file.text.len()).unwrap_or(u64::MAX),
            )
            .map_err(|e| e.with_context(format!("reading {}", file.path)))?;
        let (docs, _) = self.parse_docs(file)?;
        resources_of(file, Arc::new(docs), &Ok)
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
    pub(crate) fn load_config(
        &self,
        root: &Path,
        entry: &Spanned<String>,
        k: &Kustomization,
    ) -> Result<TransformerConfig> {
        let file = self.load_entry(root, entry, k)?;
        let docs = self.parse(
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
    pub(crate) fn load_crds(
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
        let docs = self.parse(&file, opts).map_err(|e| {
            e.with_prefix(&format!(
                "unable to parse open API definition from '{}': ",
                entry.value
            ))
        })?;
        let root = docs.iter().find(|d| !d.is_empty).map(|d| &d.root);
        super::crds::config_from_crds(root)
    }

    /// Reads a file that must lie within `root` under the load restrictor.
    pub(crate) fn load_restricted(&self, root: &Path, path: &Path) -> Result<Arc<SourceFile>> {
        self.read_text(root, path)
    }

    /// Reads the bytes of a file that must lie within `root` under the load restrictor.
    pub(crate) fn read_restricted_bytes(&self, root: &Path, path: &Path) -> Result<Vec<u8>> {
        self.read_gated(root, path).map(|(_, bytes)| bytes)
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
        // Inside a remote checkout the restrictor is always root-only (kustomize's
        // newLoaderAtGitClone: "Clones never allowed to escape root").
        let restrictor = if self.checkout_containing(root).is_some() {
            LoadRestrictor::RootOnly
        } else {
            self.restrictor
        };
        check_restriction(restrictor, root, &canonical)
            .map_err(|m| Error::new(ErrorKind::LoadRestriction, m))?;
        if !self.allow_git_files {
            refuse_git_dir(path)?;
            refuse_git_dir(&canonical)?;
        }
        Ok(canonical)
    }

    /// Sets whether files inside a `.git` directory may be read; they are refused by default.
    pub(crate) fn allow_git_files(mut self, allow: bool) -> Loader<'a> {
        self.allow_git_files = allow;
        self
    }

    /// Returns the parsed file at `path` (canonical, already checked by the restrictor),
    /// from the cache when another build read it. Its bytes and alias nodes are counted
    /// against this build's budgets either way, so where a build stops does not depend on
    /// what was cached.
    fn parse_cached(&self, path: &Path) -> Result<Parsed> {
        let hit = self
            .cache
            .resources
            .lock()
            .ok()
            .and_then(|c| c.get(path).cloned());
        if let Some(hit) = hit {
            self.meter.charge(
                Budget::InputBytes,
                u64::try_from(hit.file.text.len()).unwrap_or(u64::MAX),
            )?;
            self.charge_aliases(&hit.file, hit.nodes)?;
            return Ok(hit);
        }
        let parsed = self.parse_file(path)?;
        let first = self
            .cache
            .seen
            .lock()
            .is_ok_and(|mut seen| seen.insert(path.to_path_buf()));
        if !first && let Ok(mut c) = self.cache.resources.lock() {
            c.insert(path.to_path_buf(), parsed.clone());
        }
        Ok(parsed)
    }

    fn parse_file(&self, path: &Path) -> Result<Parsed> {
        let bytes = self.read_canonical(path)?;
        let file = self.text_of(path, bytes)?;
        let (docs, nodes) = self.parse_docs(&file)?;
        Ok(Parsed {
            file,
            docs: Arc::new(docs),
            nodes,
        })
    }

    /// Parses the documents of a resource file, counting the nodes its aliases expand to
    /// against the build's budget; returns them and their number of nodes.
    fn parse_docs(&self, file: &Arc<SourceFile>) -> Result<(Vec<Document>, u64)> {
        let (limits, per_build) = self.parse_limits();
        let docs = parse_documents(
            file,
            ParseOptions {
                limits,
                duplicate_keys: DuplicateKeys::Error,
                // A schema in a comment takes part in strategic merges.
                keep_comments: crate::patch::strategic_merge::may_hold_comment_schema(&file.text),
            },
        )
        .map_err(|e| {
            let malformed = e.kind() == strata_yaml::ErrorKind::Malformed;
            let e = Error::from(e);
            // kustomize's wording for a scanner or parser error in a resource file.
            if malformed {
                e.with_prefix("MalformedYAMLError: ")
            } else {
                budget_context(e, per_build)
            }
        })?;
        let nodes = docs.iter().map(|d| count_nodes(&d.root)).sum();
        self.charge_aliases(file, nodes)?;
        Ok((docs, nodes))
    }
}

/// Refuses a path with a `.git` component (any case: case-insensitive file systems open
/// `.GIT/config` too). A `.git` directory holds no manifests, but it does hold credentials:
/// `actions/checkout` keeps the job token in `.git/config` by default, and an overlay turned
/// into a symlink to the repository root could put that file into a ConfigMap that a diff
/// then publishes. kustomize reads such files; Strata refuses unless asked.
fn refuse_git_dir(path: &Path) -> Result<()> {
    let in_git = path
        .components()
        .any(|c| c.as_os_str().eq_ignore_ascii_case(".git"));
    if !in_git {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::LoadRestriction,
        format!(
            "security; file '{}' is inside a .git directory, which can hold credentials; \
             it is not read unless allowed (--allow-git-files, RenderOptions::allow_git_files)",
            path.display()
        ),
    ))
}

/// Adds to a parse's limit error that the per-file alias budget had been cut to what was left
/// of the build's (`left`), and how to raise that.
fn budget_context(e: Error, left: Option<u64>) -> Error {
    match left {
        Some(left) if e.kind() == ErrorKind::Limit => e.with_context(format!(
            "only {left} of the build's alias-nodes budget were left; if the input is trusted, \
             raise it with `--budget alias-nodes=N`"
        )),
        _ => e,
    }
}

/// Turns parsed documents into resources: in order, `*List` kinds expanded, empty documents
/// dropped, each document passed through `prepare` first (SOPS decryption).
fn resources_of(
    file: &Arc<SourceFile>,
    docs: Arc<Vec<Document>>,
    prepare: &dyn Fn(Node) -> Result<Node>,
) -> Result<Vec<Resource>> {
    let mut out = Vec::new();
    // kustomize expands lists with a queue: items of a `*List` go after the rest of the
    // file's documents (api/resource/factory.go `inlineAnyEmbeddedLists`). Documents no
    // cache holds are moved, not copied.
    let mut queue: std::collections::VecDeque<Node> = match Arc::try_unwrap(docs) {
        Ok(owned) => owned
            .into_iter()
            .filter(|d| !d.is_empty)
            .map(|d| d.root)
            .collect(),
        Err(shared) => shared
            .iter()
            .filter(|d| !d.is_empty)
            .map(|d| d.root.clone())
            .collect(),
    };
    out.reserve_exact(queue.len());
    let mut budget = MAX_LIST_ITEMS;
    while let Some(node) = queue.pop_front() {
        if is_empty_document(&node) {
            continue;
        }
        let r = Resource::from_node(prepare(node)?, file)?;
        if r.id().gvk.kind.ends_with("List") {
            let items = r.node().as_mapping().and_then(|m| m.get("items"));
            match items.map(|n| &n.kind) {
                None => {}
                Some(NodeKind::Sequence(items)) => {
                    if items.len() > budget {
                        return Err(Error::at(
                            ErrorKind::Limit,
                            format!("more than {MAX_LIST_ITEMS} list items in one file"),
                            file,
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
                        file,
                        r.node().span,
                    ));
                }
            }
        }
        out.push(r);
    }
    Ok(out)
}

/// A parsed file: its source, its documents and their number of nodes.
#[derive(Clone)]
struct Parsed {
    file: Arc<SourceFile>,
    docs: Arc<Vec<Document>>,
    nodes: u64,
}

/// A repository checkout: clone spec, ref, submodules.
type CheckoutKey = (String, String, bool);
