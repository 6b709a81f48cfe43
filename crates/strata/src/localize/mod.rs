//! `localize`: a kustomization and everything it refers to, copied into a new directory with
//! its paths rewritten, so that the copy renders offline to the same output
//! (api/internal/localizer, kustomize v5).
//!
//! The work is kustomize's `localizer`:
//!
//! - the target is a local directory inside the *scope* (default: the target itself), or a
//!   repository URL with a `?ref=` (its checkout is the scope);
//! - each kustomization is read (unknown fields refused), its path fields localized, and it is
//!   written back as kustomize writes it: marshalled from its typed form, so keys come out
//!   sorted, empty fields dropped, comments lost (`localize` → `yaml.Marshal(kustomization)`);
//! - a local file must lie inside its kustomization's directory (the root-only load
//!   restrictor) and is copied to the same place relative to it, its path cleaned of `..` and
//!   symlinked directories (`cleanedRelativePath`); a base or component must lie inside the
//!   scope and keeps its place relative to the kustomization that names it;
//! - remote content goes under `localized-files/` of the kustomization that names it: an
//!   `http(s)://` file at `localized-files/<host>/<path>`, a remote root at
//!   `localized-files/<host>/<repo>/<ref>/<dir>` (see `paths`);
//! - builtin plugin configs in `generators:`, `transformers:` and `validators:`, inline or in
//!   files, have their paths localized too, and are written as kustomize prints resources;
//!   `helmCharts`' chart home is copied whole (without symlinks).
//!
//! The library computes the whole tree in memory through [`FileSystem`] and [`RemoteLoader`]
//! and writes nothing: [`Localized`] lists the files, and the caller writes them (the CLI
//! writes into a temporary directory beside the destination and renames it, so a failure
//! leaves nothing behind). Files and bytes copied are budgeted ([`LocalizeOptions`]).
//!
//! Stage: beside the pipeline, like `edit`; uses `build::Loader` for gated reads,
//! `kustomization`, `remote`, `yaml`.

mod paths;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use paths::{LOCALIZE_DIR, default_destination};

use crate::build::{Loader, ParseCache};
use crate::error::{Error, ErrorKind, Location, Result};
use crate::fs::{FileKind, FileSystem, LoadRestrictor, clean};
use crate::kustomization::field_name;
use crate::remote::{RemoteLoader, RepoSpec};
use crate::source::{SourceFile, Span};
use crate::yaml::parse::{DuplicateKeys, ParseOptions};
use crate::yaml::{Entry, Mapping, Node, NodeKind, Scalar};

/// Most kustomization roots one localize visits (a cycle or a runaway tree stops here).
const MAX_DEPTH: usize = 200;

/// The default chart home of `helmCharts` (`types.HelmDefaultHome`).
const HELM_DEFAULT_HOME: &str = "charts";

/// `apiVersion` of builtin plugin configs (`konfig.BuiltinPluginApiVersion`).
const BUILTIN_API_VERSION: &str = "builtin";

/// Options of [`localize`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct LocalizeOptions {
    /// The directory that local references must stay inside (`--scope`); default: the target.
    /// Must be empty for a remote target.
    pub scope: Option<PathBuf>,
    /// Most files the copy may hold. Default 100k.
    pub max_files: usize,
    /// Most bytes the copy may hold. Default 1 GiB.
    pub max_bytes: u64,
}

impl Default for LocalizeOptions {
    fn default() -> LocalizeOptions {
        LocalizeOptions {
            scope: None,
            max_files: 100_000,
            max_bytes: 1024 * 1024 * 1024,
        }
    }
}

/// What `localize` would write: directories and files relative to the destination.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Localized {
    files: BTreeMap<PathBuf, Vec<u8>>,
    dirs: BTreeSet<PathBuf>,
    bytes: u64,
}

impl Localized {
    /// Returns the files to write, by path relative to the destination, in path order.
    pub fn files(&self) -> impl Iterator<Item = (&Path, &[u8])> {
        self.files.iter().map(|(p, b)| (p.as_path(), b.as_slice()))
    }

    /// Returns the directories to create (relative to the destination), parents first; the
    /// parents of files are included.
    pub fn dirs(&self) -> impl Iterator<Item = &Path> {
        self.dirs.iter().map(PathBuf::as_path)
    }

    /// Returns the bytes of the file at `path` (relative to the destination).
    pub fn file(&self, path: &Path) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }
}

/// A localize target, resolved.
#[derive(Clone, Debug)]
pub struct Target {
    /// The kustomization directory (canonical; inside the checkout for a remote target).
    pub dir: PathBuf,
    /// The repository, for a remote target, and whether the target is its root.
    pub remote: Option<(RepoSpec, bool)>,
    /// The scope (canonical).
    pub scope: PathBuf,
}

impl Target {
    /// Returns kustomize's default destination name for this target.
    pub fn default_destination(&self) -> String {
        default_destination(&self.dir, self.remote.as_ref().map(|(s, r)| (s, *r)))
    }
}

/// Localizes the kustomization at `target` (a directory of `fs`, or a repository URL with a
/// ref) into `dest`, which must not exist yet and whose parent must be a directory of `fs`.
/// Returns the tree to write at `dest`; writes nothing.
pub fn localize(
    fs: &dyn FileSystem,
    remote: Option<&dyn RemoteLoader>,
    target: &str,
    dest: &Path,
    opts: &LocalizeOptions,
) -> Result<Localized> {
    let cache = ParseCache::new();
    let loader = loader(fs, remote, &cache);
    let resolved = resolve_target(&loader, target, opts.scope.as_deref())?;
    let dest = check_destination(fs, dest)?;
    let to_dst = paths::relative(&resolved.scope, &resolved.dir);
    let mut lc = Localizer {
        loader,
        scope: resolved.scope.clone(),
        dest,
        out: Localized::default(),
        opts,
        done: BTreeSet::new(),
    };
    let root = Root {
        dir: resolved.dir.clone(),
        dst: dst_join(Path::new(""), &to_dst),
        local: resolved.remote.is_none(),
        checkout: resolved.remote.as_ref().map(|_| resolved.scope.clone()),
    };
    lc.add_dir(&root.dst)?;
    lc.localize_root(&root, 0)
        .map_err(|e| e.with_prefix(&format!("unable to localize target {}: ", quote(target))))?;
    Ok(lc.out)
}

/// Resolves a localize target and its scope without localizing (for the default destination).
pub fn resolve(
    fs: &dyn FileSystem,
    remote: Option<&dyn RemoteLoader>,
    target: &str,
    opts: &LocalizeOptions,
) -> Result<Target> {
    let cache = ParseCache::new();
    let loader = loader(fs, remote, &cache);
    resolve_target(&loader, target, opts.scope.as_deref())
}

/// A loader as `kustomize localize` reads: root-only, default limits and budgets.
fn loader<'a>(
    fs: &'a dyn FileSystem,
    remote: Option<&'a dyn RemoteLoader>,
    cache: &'a ParseCache,
) -> Loader<'a> {
    Loader::new(
        fs,
        LoadRestrictor::RootOnly,
        crate::yaml::parse::Limits::default(),
        crate::budget::Budgets::default(),
        cache,
    )
    .with_remote(remote)
}

fn resolve_target(loader: &Loader<'_>, target: &str, scope: Option<&Path>) -> Result<Target> {
    if let Ok(spec) = RepoSpec::parse(target) {
        if spec.git_ref.is_empty() {
            return Err(Error::new(
                ErrorKind::Argument,
                format!(
                    "localize remote root {} missing ref query string parameter",
                    quote(target)
                ),
            ));
        }
        if let Some(s) = scope {
            return Err(Error::new(
                ErrorKind::Argument,
                format!(
                    "invalid localize scope {}: scope {} specified for remote localize target {}",
                    quote(&s.display().to_string()),
                    quote(&s.display().to_string()),
                    quote(target)
                ),
            ));
        }
        let Some(remote) = loader.remote() else {
            return Err(Error::new(
                ErrorKind::Unsupported,
                format!(
                    "unable to establish localize target {}: remote targets need a RemoteLoader \
                     (the strata CLI provides one)",
                    quote(target)
                ),
            ));
        };
        let checkout = loader.checkout(remote, &spec).map_err(|e| {
            Error::new(
                ErrorKind::Io,
                format!("unable to establish localize target {}: {e}", quote(target)),
            )
        })?;
        let dir = loader
            .confirm_dir(&clean(&checkout.join(&spec.kust_root)))
            .map_err(|e| {
                e.with_prefix(&format!(
                    "unable to establish localize target {}: ",
                    quote(target)
                ))
            })?;
        let is_root = dir == checkout;
        return Ok(Target {
            dir,
            remote: Some((spec, is_root)),
            scope: checkout,
        });
    }
    let dir = loader.confirm_dir(Path::new(target)).map_err(|e| {
        e.with_prefix(&format!(
            "unable to establish localize target {}: ",
            quote(target)
        ))
    })?;
    let scope = match scope {
        None => dir.clone(),
        Some(s) => {
            let raw = s.display().to_string();
            let canonical = loader.confirm_dir(s).map_err(|e| {
                e.with_prefix(&format!(
                    "invalid localize scope {}: unable to establish localize scope: ",
                    quote(&raw)
                ))
            })?;
            if !dir.starts_with(&canonical) {
                return Err(Error::new(
                    ErrorKind::Argument,
                    format!(
                        "invalid localize scope {}: localize scope {} does not contain target {} at {}",
                        quote(&raw),
                        quote(&raw),
                        quote(target),
                        quote(&dir.display().to_string())
                    ),
                ));
            }
            canonical
        }
    };
    Ok(Target {
        dir,
        remote: None,
        scope,
    })
}

/// Checks that `dest` does not exist and that its parent is a directory; returns it with its
/// parent canonical.
fn check_destination(fs: &dyn FileSystem, dest: &Path) -> Result<PathBuf> {
    let raw = quote(&dest.display().to_string());
    if fs.kind(dest) != FileKind::Absent {
        return Err(Error::new(
            ErrorKind::Argument,
            format!(
                "invalid localize destination {raw}: localize destination {raw} already exists"
            ),
        ));
    }
    let dest = clean(dest);
    let parent = dest.parent().unwrap_or(Path::new("/"));
    let name = dest.file_name();
    let parent = match (fs.kind(parent), name) {
        (FileKind::Dir, Some(_)) => fs.canonicalize(parent).ok(),
        _ => None,
    };
    match (parent, name) {
        (Some(p), Some(n)) => Ok(p.join(n)),
        _ => Err(Error::new(
            ErrorKind::Argument,
            format!(
                "invalid localize destination {raw}: unable to create localize destination \
                 directory: its parent is not an existing directory"
            ),
        )),
    }
}

/// Go's `%q` for the strings kustomize quotes.
fn quote(s: &str) -> String {
    crate::go::quote(s)
}

/// A kustomization root being localized.
#[derive(Clone, Debug)]
struct Root {
    /// Its directory (canonical).
    dir: PathBuf,
    /// Its copy's directory, relative to the destination.
    dst: PathBuf,
    /// Whether it and every root that led to it are local (not in a checkout).
    local: bool,
    /// The checkout it lies in, if remote.
    checkout: Option<PathBuf>,
}

/// The kustomization being localized, for error locations.
struct Here<'k> {
    root: &'k Root,
    file: Arc<SourceFile>,
}

impl Here<'_> {
    fn at(&self, e: Error, span: Span) -> Error {
        e.with_location(Location::new(&self.file, span))
    }
}

/// What a path field names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PathKind {
    /// A file (`localizeFile`).
    File,
    /// A `key=path` generator file source (`localizeFileSource`).
    FileSource,
    /// A kustomization directory (`localizeRoot`).
    Root,
    /// A resource file or a kustomization directory (`localizeResource`).
    Resource,
    /// An inline resource or a file (`localizeK8sResource`).
    K8sResource,
    /// A Helm chart home, copied whole (`copyChartHomeEntry`).
    ChartHome,
}

struct Localizer<'a> {
    loader: Loader<'a>,
    scope: PathBuf,
    dest: PathBuf,
    out: Localized,
    opts: &'a LocalizeOptions,
    /// Roots already localized, by destination: a base shared by many overlays is
    /// localized once.
    done: BTreeSet<PathBuf>,
}

impl Localizer<'_> {
    fn fs(&self) -> &dyn FileSystem {
        self.loader.fs()
    }

    fn add_dir(&mut self, dir: &Path) -> Result<()> {
        let mut d = dir.to_path_buf();
        loop {
            if d.as_os_str().is_empty() || d == Path::new(".") {
                break;
            }
            self.out.dirs.insert(d.clone());
            if !d.pop() {
                break;
            }
        }
        Ok(())
    }

    fn add_file(&mut self, path: PathBuf, bytes: Vec<u8>) -> Result<()> {
        // Every path is inside the scope or a checkout, so its copy is inside the
        // destination; refuse anything else rather than write outside it.
        if path
            .components()
            .any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            return Err(Error::new(
                ErrorKind::LoadRestriction,
                format!(
                    "'{}' would be written outside the localize destination",
                    path.display()
                ),
            ));
        }
        if let Some(parent) = path.parent() {
            self.add_dir(parent)?;
        }
        let len = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        let old = self
            .out
            .files
            .get(&path)
            .map_or(0, |b| u64::try_from(b.len()).unwrap_or(u64::MAX));
        let bytes_total = self.out.bytes.saturating_sub(old).saturating_add(len);
        if bytes_total > self.opts.max_bytes {
            return Err(Error::new(
                ErrorKind::Limit,
                format!(
                    "localize copies more than the limit of {} bytes",
                    self.opts.max_bytes
                ),
            ));
        }
        if old == 0
            && !self.out.files.contains_key(&path)
            && self.out.files.len() >= self.opts.max_files
        {
            return Err(Error::new(
                ErrorKind::Limit,
                format!(
                    "localize copies more than the limit of {} files",
                    self.opts.max_files
                ),
            ));
        }
        self.out.bytes = bytes_total;
        self.out.files.insert(path, bytes);
        Ok(())
    }

    /// Localizes the kustomization at `root` and everything it refers to (`localize`).
    fn localize_root(&mut self, root: &Root, depth: usize) -> Result<()> {
        if depth > MAX_DEPTH {
            return Err(Error::new(
                ErrorKind::Cycle,
                format!(
                    "kustomizations nest more than {MAX_DEPTH} deep at '{}'; is there a cycle?",
                    root.dir.display()
                ),
            ));
        }
        if !self.done.insert(root.dst.clone()) {
            return Ok(());
        }
        let (file, mapping) = self.read_kustomization(&root.dir)?;
        let here = Here {
            root,
            file: Arc::clone(&file),
        };
        let mut out = Mapping::new();
        for entry in &mapping.entries {
            let Some(key) = entry.key.as_str() else {
                continue;
            };
            let name = field_name(key).unwrap_or(key);
            let value = self.localize_field(&here, name, &entry.value, depth)?;
            out.entries.push(Entry {
                key: Node::string(name),
                value,
            });
        }
        // helmCharts without helmGlobals: the default chart home is copied
        // (`localizeHelmCharts`).
        let has_charts = out.get("helmCharts").is_some_and(|n| !is_empty(n));
        if has_charts && out.get("helmGlobals").is_none_or(Node::is_null) {
            self.copy_chart_home(&here, "", Span::default())?;
        }
        let mut node = Node::mapping(out);
        omit_empty(&mut node, Shape::Kustomization);
        let mut text = String::new();
        crate::yaml::emit::emit_document(&node, &mut text).map_err(|e| {
            Error::at(
                ErrorKind::Emit,
                format!("unable to serialize localized kustomization file: {e}"),
                &file,
                e.span,
            )
        })?;
        let file_name = Path::new(&file.path)
            .file_name()
            .map_or_else(|| PathBuf::from("kustomization.yaml"), PathBuf::from);
        self.add_file(root.dst.join(file_name), text.into_bytes())
    }

    /// Finds and reads the kustomization file of `dir` as kustomize's localizer does
    /// (`LoadKustFile` and `Kustomization.Unmarshal`): unknown fields are refused, but nothing
    /// else is checked (no `kind`, `apiVersion` or emptiness checks, which are the build's).
    fn read_kustomization(&self, dir: &Path) -> Result<(Arc<SourceFile>, Mapping)> {
        let path = &self.loader.find_kustomization_file(dir)?;
        let file = self.loader.load_restricted(dir, path)?;
        let file = SourceFile::new(path.display().to_string(), file.text.clone());
        let opts = ParseOptions {
            // sigs.k8s.io/yaml keeps the last of duplicate keys.
            duplicate_keys: DuplicateKeys::KeepLast,
            ..ParseOptions::default()
        };
        let docs = self
            .loader
            .parse(&file, opts)
            .map_err(|e| e.with_prefix("invalid Kustomization: "))?;
        let root = docs.into_iter().find(|d| !d.is_empty).map(|d| d.root);
        let mapping = match root.map(|n| (n.span, n.kind)) {
            None => Mapping::new(),
            Some((_, NodeKind::Mapping(m))) => m,
            Some((_, NodeKind::Scalar(s))) if s.is_null() => Mapping::new(),
            Some((span, _)) => {
                return Err(Error::at(
                    ErrorKind::Kustomization,
                    "invalid Kustomization: json: cannot unmarshal into Go value of type \
                     types.Kustomization",
                    &file,
                    span,
                ));
            }
        };
        for e in &mapping.entries {
            let known = e.key.as_str().and_then(field_name);
            if known.is_none() {
                return Err(Error::at(
                    ErrorKind::Kustomization,
                    format!(
                        "invalid Kustomization: json: unknown field {}",
                        quote(e.key.as_str().unwrap_or(""))
                    ),
                    &file,
                    e.key.span,
                ));
            }
        }
        Ok((file, mapping))
    }

    /// Returns the localized value of top-level field `name`.
    fn localize_field(
        &mut self,
        here: &Here<'_>,
        name: &str,
        value: &Node,
        depth: usize,
    ) -> Result<Node> {
        let mut value = value.clone();
        match name {
            "openapi" => self.map_key(here, &mut value, "path", PathKind::File, depth)?,
            "bases" | "components" => self.list(here, &mut value, PathKind::Root, depth)?,
            "resources" => self.list(here, &mut value, PathKind::Resource, depth)?,
            "configurations" | "crds" => self.list(here, &mut value, PathKind::File, depth)?,
            "patchesStrategicMerge" => {
                self.list(here, &mut value, PathKind::K8sResource, depth)?;
            }
            "patches" | "patchesJson6902" | "replacements" => {
                for item in items_mut(&mut value) {
                    self.map_key(here, item, "path", PathKind::File, depth)?;
                }
            }
            "configMapGenerator" | "secretGenerator" => {
                for item in items_mut(&mut value) {
                    self.generator(here, item, depth)?;
                }
            }
            "helmChartInflationGenerator" => {
                for item in items_mut(&mut value) {
                    self.map_key(here, item, "values", PathKind::File, depth)?;
                    if item.get_path(&["chartHome"]).is_some() {
                        self.map_key(here, item, "chartHome", PathKind::ChartHome, depth)?;
                    } else {
                        // No chart home: the default one is copied (`copyChartHomeEntry("")`).
                        self.copy_chart_home(here, "", item.span)?;
                    }
                }
            }
            "helmCharts" => {
                for item in items_mut(&mut value) {
                    self.map_key(here, item, "valuesFile", PathKind::File, depth)?;
                    if let Some(list) = item
                        .as_mapping_mut()
                        .and_then(|m| m.get_mut("additionalValuesFiles"))
                    {
                        self.list(here, list, PathKind::File, depth)?;
                    }
                }
            }
            "helmGlobals" => {
                if value
                    .as_mapping()
                    .is_some_and(|m| m.get("chartHome").is_some())
                {
                    self.map_key(here, &mut value, "chartHome", PathKind::ChartHome, depth)?;
                } else if value.as_mapping().is_some() {
                    self.copy_chart_home(here, "", value.span)?;
                }
            }
            "generators" | "transformers" | "validators" => {
                for item in items_mut(&mut value) {
                    self.plugin_entry(here, item, name)?;
                }
            }
            _ => {}
        }
        Ok(value)
    }

    fn list(
        &mut self,
        here: &Here<'_>,
        list: &mut Node,
        kind: PathKind,
        depth: usize,
    ) -> Result<()> {
        for item in items_mut(list) {
            self.scalar(here, item, kind, depth)?;
        }
        Ok(())
    }

    fn map_key(
        &mut self,
        here: &Here<'_>,
        node: &mut Node,
        key: &str,
        kind: PathKind,
        depth: usize,
    ) -> Result<()> {
        if let Some(v) = node.as_mapping_mut().and_then(|m| m.get_mut(key)) {
            self.scalar(here, v, kind, depth)?;
        }
        Ok(())
    }

    /// Localizes `env`, `envs` and `files` of a generator (`localizeGenerator`).
    fn generator(&mut self, here: &Here<'_>, item: &mut Node, depth: usize) -> Result<()> {
        self.map_key(here, item, "env", PathKind::File, depth)?;
        if let Some(m) = item.as_mapping_mut() {
            if let Some(envs) = m.get_mut("envs") {
                self.list(here, envs, PathKind::File, depth)?;
            }
            if let Some(files) = m.get_mut("files") {
                self.list(here, files, PathKind::FileSource, depth)?;
            }
        }
        Ok(())
    }

    /// Replaces the string scalar `node` by its localized path.
    fn scalar(
        &mut self,
        here: &Here<'_>,
        node: &mut Node,
        kind: PathKind,
        depth: usize,
    ) -> Result<()> {
        let Some(path) = node.as_str().map(str::to_owned) else {
            return Ok(());
        };
        let span = node.span;
        let localized = self.path(here, &path, kind, span, depth)?;
        if localized != path {
            let mut n = Node::string(localized);
            n.span = span;
            *node = n;
        }
        Ok(())
    }

    fn path(
        &mut self,
        here: &Here<'_>,
        path: &str,
        kind: PathKind,
        span: Span,
        depth: usize,
    ) -> Result<String> {
        match kind {
            PathKind::File => self.file(here, path, span),
            PathKind::FileSource => self.file_source(here, path, span),
            PathKind::Root => self.root(here, path, span, depth),
            PathKind::Resource => self.resource(here, path, span, depth),
            PathKind::K8sResource => self.k8s_resource(here, path, span),
            PathKind::ChartHome => self.copy_chart_home(here, path, span),
        }
    }

    /// Localizes a file and returns its localized path (`localizeFile`).
    fn file(&mut self, here: &Here<'_>, path: &str, span: Span) -> Result<String> {
        if path.is_empty() {
            return Ok(String::new());
        }
        let content = self.load(here.root, path).map_err(|e| here.at(e, span))?;
        self.file_with_content(here, path, content, span)
    }

    /// Reads a file as the localize loader does (`Loader.Load`): a URL is fetched; a local
    /// path must lie in the root and, for local roots, outside the destination.
    fn load(&self, root: &Root, path: &str) -> Result<Vec<u8>> {
        if is_remote_file(path) {
            let Some(remote) = self.loader.remote() else {
                return Err(Error::new(
                    ErrorKind::Unsupported,
                    format!(
                        "invalid file reference: remote file {} cannot be loaded: this \
                         localize has no RemoteLoader",
                        quote(path)
                    ),
                ));
            };
            return remote
                .fetch(path)
                .map_err(|e| Error::new(ErrorKind::Io, format!("invalid file reference: {e}")));
        }
        let abs = clean(&root.dir.join(path));
        let bytes = self
            .loader
            .read_restricted_bytes(&root.dir, &abs)
            .map_err(|e| e.with_prefix("invalid file reference: "))?;
        if root.local {
            let clean_abs = root.dir.join(self.cleaned_relative(root, path));
            if clean_abs
                .parent()
                .is_some_and(|d| d.starts_with(&self.dest))
            {
                return Err(Error::new(
                    ErrorKind::LoadRestriction,
                    format!(
                        "file {} at {} enters localize destination {}",
                        quote(path),
                        quote(&clean_abs.display().to_string()),
                        quote(&self.dest.display().to_string())
                    ),
                ));
            }
        }
        Ok(bytes)
    }

    /// Returns `path` relative to the root, its directory resolved (`cleanedRelativePath`).
    fn cleaned_relative(&self, root: &Root, path: &str) -> PathBuf {
        let abs = clean(&root.dir.join(path));
        let (dir, name) = match (abs.parent(), abs.file_name()) {
            (Some(d), Some(n)) => (d.to_path_buf(), n.to_owned()),
            _ => return paths::relative(&root.dir, &abs),
        };
        let dir = self.fs().canonicalize(&dir).unwrap_or(dir);
        paths::relative(&root.dir, &dir.join(name))
    }

    /// Writes `content` where `path` goes in the copy (`localizeFileWithContent`).
    fn file_with_content(
        &mut self,
        here: &Here<'_>,
        path: &str,
        content: Vec<u8>,
        span: Span,
    ) -> Result<String> {
        let loc = if is_remote_file(path) {
            self.check_no_localize_dir(here, "file", path, span)?;
            paths::file_url_path(path)
        } else {
            self.cleaned_relative(here.root, path)
        };
        self.add_file(here.root.dst.join(&loc), content)
            .map_err(|e| here.at(e, span))?;
        Ok(paths::slash(&loc))
    }

    /// Remote content goes in `localized-files/`, which the source root must not have.
    fn check_no_localize_dir(
        &self,
        here: &Here<'_>,
        what: &str,
        path: &str,
        span: Span,
    ) -> Result<()> {
        if self.fs().kind(&here.root.dir.join(LOCALIZE_DIR)) != FileKind::Absent {
            return Err(here.at(
                Error::new(
                    ErrorKind::Argument,
                    format!(
                        "{} already contains {LOCALIZE_DIR} needed to store {what} {}",
                        here.root.dir.display(),
                        quote(path)
                    ),
                ),
                span,
            ));
        }
        Ok(())
    }

    /// Localizes a generator file source, `path` or `key=path` (`localizeFileSource`).
    fn file_source(&mut self, here: &Here<'_>, source: &str, span: Span) -> Result<String> {
        let (key, file) = crate::generate::kv::file_source(source)
            .map_err(|m| here.at(Error::new(ErrorKind::Kustomization, m), span))?;
        let loc = self
            .file(here, file, span)
            .map_err(|e| e.with_prefix(&format!("invalid file source {}: ", quote(source))))?;
        Ok(if source == file {
            loc
        } else {
            format!("{key}={loc}")
        })
    }

    /// Localizes a kustomization directory (`localizeRoot`).
    fn root(&mut self, here: &Here<'_>, path: &str, span: Span, depth: usize) -> Result<String> {
        if path.is_empty() {
            return Ok(String::new());
        }
        let (child, loc) = self
            .new_root(here.root, path)
            .map_err(|e| here.at(e.with_prefix("invalid root reference: "), span))?;
        if loc.starts_with(LOCALIZE_DIR)
            && child.checkout.is_some()
            && child.checkout != here.root.checkout
        {
            self.check_no_localize_dir(here, "root", path, span)?;
        }
        self.add_dir(&child.dst)?;
        self.localize_root(&child, depth + 1)
            .map_err(|e| e.with_prefix(&format!("unable to localize root {}: ", quote(path))))
            .map_err(|e| here.at(e, span))?;
        Ok(paths::slash(&loc))
    }

    /// Opens the root `path` names from `root` (`Loader.New`): a repository URL is checked
    /// out, a local directory must stay in the scope (or the checkout) and out of the
    /// destination. Returns it and its path relative to `root`'s copy.
    fn new_root(&self, root: &Root, path: &str) -> Result<(Root, PathBuf)> {
        if let Ok(spec) = RepoSpec::parse(path) {
            if spec.git_ref.is_empty() {
                return Err(Error::new(
                    ErrorKind::Argument,
                    format!(
                        "localize remote root {} missing ref query string parameter",
                        quote(path)
                    ),
                ));
            }
            let Some(remote) = self.loader.remote() else {
                return Err(Error::new(
                    ErrorKind::Unsupported,
                    format!(
                        "remote root {} cannot be loaded: this localize has no RemoteLoader \
                         (the strata CLI provides one)",
                        quote(path)
                    ),
                ));
            };
            let checkout = self
                .loader
                .checkout(remote, &spec)
                .map_err(|e| Error::new(ErrorKind::Io, e.to_string()))?;
            let dir = self
                .loader
                .confirm_dir(&clean(&checkout.join(&spec.kust_root)))?;
            if !dir.starts_with(&checkout) {
                return Err(Error::new(
                    ErrorKind::LoadRestriction,
                    format!(
                        "'{}' leaves the repository '{}'",
                        spec.kust_root,
                        spec.clone_spec()
                    ),
                ));
            }
            let loc = paths::repo_root_path(&spec, &paths::relative(&checkout, &dir));
            let child = Root {
                dir,
                dst: dst_join(&root.dst, &loc),
                local: false,
                checkout: Some(checkout),
            };
            return Ok((child, loc));
        }
        let dir = self.loader.confirm_dir(&clean(&root.dir.join(path)))?;
        if root.dir.starts_with(&dir) {
            return Err(Error::new(
                ErrorKind::Cycle,
                format!(
                    "cycle detected: candidate root '{}' contains visited root '{}'",
                    dir.display(),
                    root.dir.display()
                ),
            ));
        }
        match &root.checkout {
            Some(checkout) if !dir.starts_with(checkout) => {
                return Err(Error::new(
                    ErrorKind::LoadRestriction,
                    format!(
                        "root '{}' leaves the repository checkout '{}'",
                        dir.display(),
                        checkout.display()
                    ),
                ));
            }
            Some(_) => {}
            None => {
                if !dir.starts_with(&self.scope) {
                    return Err(Error::new(
                        ErrorKind::LoadRestriction,
                        format!(
                            "root {} outside localize scope {}",
                            quote(&dir.display().to_string()),
                            quote(&self.scope.display().to_string())
                        ),
                    ));
                }
                if dir.starts_with(&self.dest) {
                    return Err(Error::new(
                        ErrorKind::LoadRestriction,
                        format!(
                            "root {} references into localize destination {}",
                            quote(&dir.display().to_string()),
                            quote(&self.dest.display().to_string())
                        ),
                    ));
                }
            }
        }
        let loc = paths::relative(&root.dir, &dir);
        let child = Root {
            dst: dst_join(&root.dst, &loc),
            dir,
            local: root.local,
            checkout: root.checkout.clone(),
        };
        Ok((child, loc))
    }

    /// Localizes a `resources:` entry, a file of resources or a root (`localizeResource`).
    fn resource(
        &mut self,
        here: &Here<'_>,
        path: &str,
        span: Span,
        depth: usize,
    ) -> Result<String> {
        let as_file = self.load(here.root, path).and_then(|content| {
            let text = String::from_utf8(content.clone()).map_err(|_| {
                Error::new(
                    ErrorKind::Resource,
                    format!("invalid resource at file {}", quote(path)),
                )
            })?;
            let file = SourceFile::new(path, text);
            self.loader.parse_resources(&file).map_err(|e| {
                e.with_prefix(&format!("invalid resource at file {}: ", quote(path)))
            })?;
            Ok(content)
        });
        match as_file {
            Ok(content) => self.file_with_content(here, path, content, span),
            Err(file_error) => self.root(here, path, span, depth).map_err(|root_error| {
                // Errors from deeper roots stand as they are; only a failure to open this
                // entry as either kind gets kustomize's two-part message.
                if root_error.location().is_some_and(|l| l.path != here.file.path) {
                    return root_error;
                }
                here.at(
                    Error::new(
                        root_error.kind(),
                        format!(
                            "could not localize path {} as file: {}; could not localize path {} as directory: {}",
                            quote(path),
                            file_error.message(),
                            quote(path),
                            root_error.message()
                        ),
                    ),
                    span,
                )
            }),
        }
    }

    /// Localizes an entry that is an inline resource or a file (`localizeK8sResource`).
    fn k8s_resource(&mut self, here: &Here<'_>, entry: &str, span: Span) -> Result<String> {
        match self.load_k8s_resource(here, entry, span)? {
            (_, true) => self.file(here, entry, span),
            (_, false) => Ok(entry.to_owned()),
        }
    }

    /// Reads `entry` as inline resources, else as a file of resources; returns the documents
    /// and whether it was a file (`loadK8sResource`).
    fn load_k8s_resource(
        &self,
        here: &Here<'_>,
        entry: &str,
        span: Span,
    ) -> Result<(Vec<Node>, bool)> {
        let inline = SourceFile::new(here.file.path.clone(), entry.to_owned());
        let inline_error = match self.loader.parse_resources(&inline) {
            Ok(rs) => {
                return Ok((
                    rs.into_iter().map(crate::Resource::into_node).collect(),
                    false,
                ));
            }
            Err(e) => e,
        };
        let from_file = self.load(here.root, entry).and_then(|content| {
            let text = String::from_utf8(content)
                .map_err(|_| Error::new(ErrorKind::Resource, "invalid UTF-8"))?;
            let file = SourceFile::new(entry, text);
            self.loader.parse_resources(&file)
        });
        match from_file {
            Ok(rs) => Ok((rs.into_iter().map(crate::Resource::into_node).collect(), true)),
            Err(file_error) => Err(here.at(
                Error::new(
                    ErrorKind::Resource,
                    format!(
                        "unable to load resource entry {}: when parsing as inline received error: {}\nwhen parsing as filepath received error: {}",
                        quote(entry),
                        inline_error.message(),
                        file_error.message()
                    ),
                ),
                span,
            )),
        }
    }

    /// Localizes a `generators:`/`transformers:`/`validators:` entry: the paths inside
    /// builtin plugin configs, written back as kustomize prints resources
    /// (`localizeBuiltinPlugins`).
    fn plugin_entry(&mut self, here: &Here<'_>, item: &mut Node, field: &str) -> Result<()> {
        let Some(entry) = item.as_str().map(str::to_owned) else {
            return Ok(());
        };
        let span = item.span;
        let (mut docs, is_file) = self
            .load_k8s_resource(here, &entry, span)
            .map_err(|e| e.with_prefix(&format!("unable to load {field} entry: ")))?;
        for doc in &mut docs {
            self.builtin_plugin(here, doc, span)?;
        }
        let mut text = String::new();
        crate::yaml::emit::emit_documents(docs.iter(), &mut text).map_err(|e| {
            here.at(
                Error::new(
                    ErrorKind::Emit,
                    format!(
                        "unable to serialize localized {field} entry {}: {e}",
                        quote(&entry)
                    ),
                ),
                span,
            )
        })?;
        let localized = if is_file {
            self.file_with_content(here, &entry, text.into_bytes(), span)?
        } else {
            text
        };
        let mut n = Node::string(localized);
        n.span = span;
        *item = n;
        Ok(())
    }

    /// Localizes the path fields of one builtin plugin config.
    fn builtin_plugin(&mut self, here: &Here<'_>, doc: &mut Node, span: Span) -> Result<()> {
        if doc.get_str(&["apiVersion"]) != Some(BUILTIN_API_VERSION) {
            return Ok(());
        }
        let kind = doc.get_str(&["kind"]).unwrap_or("").to_owned();
        let one = |lc: &mut Self, doc: &mut Node, key: &str, pk: PathKind| -> Result<()> {
            let Some(v) = doc.as_mapping_mut().and_then(|m| m.get_mut(key)) else {
                return Ok(());
            };
            if v.as_sequence().is_some() {
                for item in items_mut(v) {
                    lc.plugin_scalar(here, item, pk, span)?;
                }
                Ok(())
            } else if v.as_scalar().is_some() {
                lc.plugin_scalar(here, v, pk, span)
            } else {
                Err(Error::new(
                    ErrorKind::Resource,
                    "expected sequence or scalar node",
                ))
            }
        };
        match kind.as_str() {
            "ConfigMapGenerator" | "SecretGenerator" => {
                one(self, doc, "env", PathKind::File)?;
                one(self, doc, "envs", PathKind::File)?;
                one(self, doc, "files", PathKind::FileSource)?;
            }
            "HelmChartInflationGenerator" => {
                one(self, doc, "valuesFile", PathKind::File)?;
                one(self, doc, "additionalValuesFiles", PathKind::File)?;
                if doc.get_path(&["chartHome"]).is_some() {
                    one(self, doc, "chartHome", PathKind::ChartHome)?;
                } else {
                    self.copy_chart_home(here, "", span)?;
                }
            }
            "PatchTransformer" | "PatchJson6902Transformer" => {
                one(self, doc, "path", PathKind::File)?;
            }
            "ReplacementTransformer" => {
                if let Some(list) = doc.as_mapping_mut().and_then(|m| m.get_mut("replacements")) {
                    for item in items_mut(list) {
                        one(self, item, "path", PathKind::File)?;
                    }
                }
            }
            "PatchStrategicMergeTransformer" => {
                one(self, doc, "paths", PathKind::K8sResource)?;
            }
            _ => {}
        }
        Ok(())
    }

    fn plugin_scalar(
        &mut self,
        here: &Here<'_>,
        node: &mut Node,
        kind: PathKind,
        span: Span,
    ) -> Result<()> {
        let Some(path) = node.as_scalar().map(|s| s.text.clone()) else {
            return Ok(());
        };
        let localized = self.path(here, &path, kind, span, 0)?;
        if localized != path {
            *node = Node::string(localized);
        }
        Ok(())
    }

    /// Copies a Helm chart home to the same place in the copy and returns its localized
    /// entry (`copyChartHomeEntry`): empty for the default home, the entry itself when it
    /// does not exist (it may be where charts get pulled to).
    fn copy_chart_home(&mut self, here: &Here<'_>, entry: &str, span: Span) -> Result<String> {
        let path = if entry.is_empty() {
            HELM_DEFAULT_HOME
        } else {
            entry
        };
        if Path::new(path).is_absolute() {
            return Err(here.at(
                Error::new(
                    ErrorKind::Argument,
                    format!("absolute path {} not handled in alpha", quote(path)),
                ),
                span,
            ));
        }
        let root = here.root;
        let abs = clean(&root.dir.join(path));
        let rel = paths::relative(&root.dir, &abs);
        if self.fs().kind(&abs) == FileKind::Absent {
            return Ok(if entry.is_empty() {
                String::new()
            } else {
                paths::slash(&rel)
            });
        }
        let wrap = |e: Error| {
            here.at(
                e.with_prefix(&format!(
                    "unable to copy home {}: invalid chart home: ",
                    quote(entry)
                )),
                span,
            )
        };
        let (child, _) = self.new_root(root, path).map_err(wrap)?;
        let is_default = abs == root.dir.join(HELM_DEFAULT_HOME);
        let to_dst = if is_default {
            rel
        } else {
            paths::relative(&root.dir, &child.dir)
        };
        let dst = dst_join(&root.dst, &to_dst);
        if !self.out.dirs.contains(&dst) {
            self.copy_dir(&child.dir, &dst)
                .map_err(|e| here.at(e, span))?;
        }
        Ok(if entry.is_empty() {
            String::new()
        } else {
            paths::slash(&to_dst)
        })
    }

    /// Copies the directory `src` to `dst` (relative to the destination), skipping symbolic
    /// links (`copyDir`).
    fn copy_dir(&mut self, src: &Path, dst: &Path) -> Result<()> {
        let mut stack = vec![(src.to_path_buf(), dst.to_path_buf())];
        self.add_dir(dst)?;
        while let Some((from, to)) = stack.pop() {
            let entries = self.fs().read_dir(&from).map_err(|e| {
                Error::new(
                    ErrorKind::Io,
                    format!(
                        "unable to copy directory {}: {e}",
                        quote(&src.display().to_string())
                    ),
                )
            })?;
            for (name, kind) in entries {
                let (f, t) = (from.join(&name), to.join(&name));
                match kind {
                    FileKind::Dir => {
                        self.add_dir(&t)?;
                        stack.push((f, t));
                    }
                    FileKind::File => {
                        let bytes = self.loader.read_restricted_bytes(src, &f)?;
                        self.add_file(t, bytes)?;
                    }
                    FileKind::Absent | FileKind::Special => {}
                }
            }
        }
        Ok(())
    }
}

/// Returns `base` joined with `rel`, cleaned; the destination itself is the empty path.
fn dst_join(base: &Path, rel: &Path) -> PathBuf {
    let p = clean(&base.join(rel));
    if p == Path::new(".") {
        PathBuf::new()
    } else {
        p
    }
}

/// Whether kustomize reads `path` as a remote file (`loader.IsRemoteFile`).
fn is_remote_file(path: &str) -> bool {
    path.starts_with("http://") || path.starts_with("https://")
}

fn items_mut(node: &mut Node) -> impl Iterator<Item = &mut Node> {
    node.as_sequence_mut().into_iter().flatten()
}

/// Whether `encoding/json`'s `omitempty` drops `node`: null, `false`, `0`, `""`, `[]`, `{}`.
fn is_empty(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Scalar(s) => {
            if s.is_null() {
                return true;
            }
            match crate::yaml::resolve::try_resolve(s) {
                Ok(crate::yaml::resolve::Value::Bool(b)) => !b,
                Ok(crate::yaml::resolve::Value::Int(i)) => i == 0,
                Ok(crate::yaml::resolve::Value::Float(f)) => f == 0.0,
                Ok(crate::yaml::resolve::Value::Str(t)) => t.is_empty(),
                _ => s.text.is_empty() && s.style.is_quoted(),
            }
        }
        NodeKind::Mapping(m) => m.is_empty(),
        NodeKind::Sequence(s) => s.is_empty(),
    }
}

/// Where a node sits in kustomize's `types.Kustomization`: a struct whose `omitempty` fields
/// drop empty values, or a free-form map or value kept whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    Kustomization,
    Struct,
    /// A struct element of `vars`: `name`, `objref` and `fieldref` are always written.
    Var,
    /// A `replicas` element: `count` is always written.
    Replica,
    /// A `targets` element of `replacements`: `select` is always written.
    ReplacementTarget,
    Free,
}

/// The shape of field `key`'s value inside a `parent`.
fn child_shape(parent: Shape, key: &str) -> Shape {
    match (parent, key) {
        (Shape::Free, _) => Shape::Free,
        // `labels:` of a kustomization is a list of structs (pairs, includeSelectors...);
        // `labels` anywhere else is a map.
        (Shape::Kustomization, "labels") => Shape::Struct,
        // map[string]string, map[string]bool, map[string]interface{} fields.
        (
            _,
            "commonLabels" | "commonAnnotations" | "pairs" | "labels" | "annotations"
            | "valuesInline" | "valuesLocal" | "openapi" | "matchLabels",
        ) => Shape::Free,
        (Shape::Kustomization, "vars") => Shape::Var,
        (Shape::Kustomization, "replicas") => Shape::Replica,
        (Shape::Struct, "targets") => Shape::ReplacementTarget,
        _ => Shape::Struct,
    }
}

/// Applies `omitempty` as `sigs.k8s.io/yaml` marshalling of `types.Kustomization` does, and
/// adds the few fields written even when empty.
fn omit_empty(node: &mut Node, shape: Shape) {
    if shape == Shape::Free {
        return;
    }
    match &mut node.kind {
        NodeKind::Sequence(items) => {
            for item in items {
                omit_empty(item, shape);
            }
        }
        NodeKind::Mapping(m) => {
            let keep: &[&str] = match shape {
                Shape::Var => &["name", "objref", "fieldref"],
                Shape::Replica => &["count"],
                Shape::ReplacementTarget => &["select"],
                _ => &[],
            };
            let in_patch_list = shape == Shape::Kustomization;
            for e in &mut m.entries {
                let key = e.key.as_str().unwrap_or("").to_owned();
                let child =
                    if in_patch_list && matches!(key.as_str(), "patches" | "patchesJson6902") {
                        Shape::Struct
                    } else {
                        child_shape(shape, &key)
                    };
                // A patch's `options` is a map[string]bool, kept whole.
                if matches!(key.as_str(), "patches" | "patchesJson6902") {
                    for item in items_mut(&mut e.value) {
                        if let Some(pm) = item.as_mapping_mut() {
                            for pe in &mut pm.entries {
                                let k = pe.key.as_str().unwrap_or("").to_owned();
                                if k != "options" {
                                    omit_empty(&mut pe.value, child_shape(Shape::Struct, &k));
                                }
                            }
                            pm.entries.retain(|pe| !is_empty(&pe.value));
                        }
                    }
                    continue;
                }
                omit_empty(&mut e.value, child);
            }
            m.entries.retain(|e| {
                let key = e.key.as_str().unwrap_or("");
                keep.contains(&key) || !is_empty(&e.value)
            });
            match shape {
                Shape::Var => {
                    ensure(m, "name", Node::string(""));
                    ensure(m, "objref", Node::mapping(Mapping::new()));
                    ensure(m, "fieldref", Node::mapping(Mapping::new()));
                    if let Some(o) = m.get_mut("objref").and_then(Node::as_mapping_mut) {
                        ensure(o, "name", Node::string(""));
                    }
                }
                Shape::Replica => ensure(m, "count", Node::scalar(Scalar::plain("0"))),
                Shape::ReplacementTarget => {
                    ensure(m, "select", Node::scalar(Scalar::plain("null")))
                }
                _ => {}
            }
        }
        NodeKind::Scalar(_) => {}
    }
}

fn ensure(m: &mut Mapping, key: &str, value: Node) {
    if m.get(key).is_none() {
        m.insert(key, value);
    }
}
