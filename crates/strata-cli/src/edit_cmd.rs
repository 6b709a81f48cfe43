//! `strata edit` (and `kustomize edit`): find the kustomization file in the current
//! directory, expand file globs, let the library edit the text, write it back atomically.
//!
//! The argument grammar is kustomize's (kustomize/commands/edit/**); the edit itself, and
//! everything it keeps, is [`strata::edit`].

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use strata::edit::{self, Edit, GeneratorEdit, GeneratorKind, ListField, MetadataKind, PatchEdit};
use strata::{Error, ErrorKind};

use crate::commands::Failure;
use crate::report;

/// Flags of `edit`.
#[derive(Debug, Args)]
pub(crate) struct EditArgs {
    #[command(subcommand)]
    command: EditCommand,
}

#[derive(Debug, Subcommand)]
enum EditCommand {
    /// Adds an item to the kustomization file.
    #[command(subcommand)]
    Add(AddCommand),
    /// Sets the value of a field in the kustomization file.
    #[command(subcommand)]
    Set(SetCommand),
    /// Removes items from the kustomization file.
    #[command(subcommand)]
    Remove(RemoveCommand),
    /// Moves deprecated fields to the fields that replace them.
    Fix {
        /// Also convert vars to replacements, replacing `$(NAME)` in the files that use them
        /// with `NAME_PLACEHOLDER`.
        #[arg(long)]
        vars: bool,
    },
    /// Lists kustomize's builtin generator and transformer plugins (with NAMEs, checks that
    /// each is one).
    #[command(name = "list-builtin", alias = "alpha-list-builtin-plugin")]
    ListBuiltin {
        #[arg(value_name = "NAME")]
        names: Vec<String>,
    },
}

/// `--from-*` and friends of `add configmap|secret`.
#[derive(Debug, Args)]
struct GeneratorFlags {
    /// The generator's name.
    #[arg(value_name = "NAME", num_args = 0..)]
    names: Vec<String>,
    /// `[key=]path`: a file (or glob) whose content becomes a key.
    #[arg(long = "from-file", value_delimiter = ',')]
    from_file: Vec<String>,
    /// `key=value`.
    #[arg(long = "from-literal")]
    from_literal: Vec<String>,
    /// A file of `key=value` lines.
    #[arg(long = "from-env-file", default_value = "", hide_default_value = true)]
    from_env_file: String,
    /// create, merge or replace.
    #[arg(long, default_value = "", hide_default_value = true)]
    behavior: String,
    /// Do not append a content hash to the name.
    #[arg(long = "disableNameSuffixHash")]
    disable_name_suffix_hash: bool,
    /// The generated object's namespace.
    #[arg(long, default_value = "", hide_default_value = true)]
    namespace: String,
}

#[derive(Debug, Subcommand)]
enum AddCommand {
    /// Adds resource files, directories or URLs (globs are expanded).
    Resource {
        #[arg(value_name = "PATH")]
        paths: Vec<String>,
        /// Add the paths as given, without checking them.
        #[arg(long = "no-verify")]
        no_verify: bool,
    },
    /// Adds components.
    Component {
        #[arg(value_name = "PATH")]
        paths: Vec<String>,
    },
    /// Adds base directories (comma-separated) to resources; each must exist and not be
    /// listed already.
    Base {
        #[arg(value_name = "DIR[,DIR]")]
        paths: Vec<String>,
    },
    /// Adds transformer configuration files.
    Transformer {
        #[arg(value_name = "PATH")]
        paths: Vec<String>,
    },
    /// Adds generator configuration files.
    Generator {
        #[arg(value_name = "PATH")]
        paths: Vec<String>,
    },
    /// Adds transformer configuration (field spec) files.
    Configuration {
        #[arg(value_name = "PATH")]
        paths: Vec<String>,
    },
    /// Adds buildMetadata options (comma-separated).
    Buildmetadata {
        #[arg(value_name = "OPTION[,OPTION]")]
        options: Vec<String>,
    },
    /// Adds a patch.
    Patch(PatchFlags),
    /// Adds commonLabels (`key:value`).
    Label {
        #[arg(value_name = "KEY:VALUE", allow_hyphen_values = true)]
        pairs: Vec<String>,
        /// Overwrite a label that exists.
        #[arg(short, long)]
        force: bool,
        /// Add to `labels` without selectors instead of `commonLabels`.
        #[arg(long = "without-selector")]
        without_selector: bool,
        /// With --without-selector, label templates too.
        #[arg(long = "include-templates")]
        include_templates: bool,
    },
    /// Adds commonAnnotations (`key:value`).
    Annotation {
        #[arg(value_name = "KEY:VALUE", allow_hyphen_values = true)]
        pairs: Vec<String>,
        /// Overwrite an annotation that exists.
        #[arg(short, long)]
        force: bool,
    },
    /// Adds a configMapGenerator entry (or sources to an existing one).
    Configmap(GeneratorFlags),
    /// Adds a secretGenerator entry (or sources to an existing one).
    Secret {
        #[command(flatten)]
        flags: GeneratorFlags,
        /// The Secret's type.
        #[arg(long = "type", default_value = "", hide_default_value = true)]
        secret_type: String,
    },
}

/// Flags of `add patch` / `remove patch`.
#[derive(Debug, Args)]
struct PatchFlags {
    /// Path to the patch file.
    #[arg(long, default_value = "", hide_default_value = true)]
    path: String,
    /// The patch, inline.
    #[arg(long, default_value = "", hide_default_value = true)]
    patch: String,
    /// Target group.
    #[arg(long, default_value = "", hide_default_value = true)]
    group: String,
    /// Target version.
    #[arg(long, default_value = "", hide_default_value = true)]
    version: String,
    /// Target kind.
    #[arg(long, default_value = "", hide_default_value = true)]
    kind: String,
    /// Target name.
    #[arg(long, default_value = "", hide_default_value = true)]
    name: String,
    /// Target namespace.
    #[arg(long, default_value = "", hide_default_value = true)]
    namespace: String,
    /// Target label selector.
    #[arg(long = "label-selector", default_value = "", hide_default_value = true)]
    label_selector: String,
    /// Target annotation selector.
    #[arg(
        long = "annotation-selector",
        default_value = "",
        hide_default_value = true
    )]
    annotation_selector: String,
}

/// `set configmap|secret` flags.
#[derive(Debug, Args)]
struct SetGeneratorFlags {
    #[arg(value_name = "NAME", num_args = 0..)]
    names: Vec<String>,
    /// `key=value` for a key the entry has.
    #[arg(long = "from-literal")]
    from_literal: Vec<String>,
    /// The entry's current namespace.
    #[arg(long, default_value = "", hide_default_value = true)]
    namespace: String,
    /// Its new namespace.
    #[arg(long = "new-namespace", default_value = "", hide_default_value = true)]
    new_namespace: String,
}

#[derive(Debug, Subcommand)]
enum SetCommand {
    /// Sets images' new names, tags or digests: `name=newName:tag@digest`, `name:tag`,
    /// `name@digest`; `*` keeps the current value.
    Image {
        #[arg(value_name = "IMAGE")]
        images: Vec<String>,
    },
    /// Sets replica counts: `name=count`.
    Replicas {
        #[arg(value_name = "NAME=COUNT")]
        replicas: Vec<String>,
    },
    /// Sets namespace.
    Namespace {
        #[arg(value_name = "NAMESPACE")]
        values: Vec<String>,
    },
    /// Sets namePrefix.
    Nameprefix {
        #[arg(value_name = "PREFIX", allow_hyphen_values = true)]
        values: Vec<String>,
    },
    /// Sets nameSuffix.
    Namesuffix {
        #[arg(value_name = "SUFFIX", allow_hyphen_values = true)]
        values: Vec<String>,
    },
    /// Sets commonLabels (`key:value`), overwriting.
    Label {
        #[arg(value_name = "KEY:VALUE", allow_hyphen_values = true)]
        pairs: Vec<String>,
    },
    /// Sets commonAnnotations (`key:value`), overwriting.
    Annotation {
        #[arg(value_name = "KEY:VALUE", allow_hyphen_values = true)]
        pairs: Vec<String>,
    },
    /// Changes literals or the namespace of a configMapGenerator entry.
    Configmap(SetGeneratorFlags),
    /// Changes literals or the namespace of a secretGenerator entry.
    Secret(SetGeneratorFlags),
    /// Sets buildMetadata to these options (comma-separated).
    Buildmetadata {
        #[arg(value_name = "OPTION[,OPTION]")]
        options: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
enum RemoveCommand {
    /// Removes resources matching the patterns.
    Resource {
        #[arg(value_name = "PATTERN")]
        patterns: Vec<String>,
    },
    /// Removes components matching the patterns.
    Component {
        #[arg(value_name = "PATTERN")]
        patterns: Vec<String>,
    },
    /// Removes transformers matching the patterns.
    Transformer {
        #[arg(value_name = "PATTERN")]
        patterns: Vec<String>,
    },
    /// Removes buildMetadata options (comma-separated).
    Buildmetadata {
        #[arg(value_name = "OPTION[,OPTION]")]
        options: Vec<String>,
    },
    /// Removes commonLabels (comma-separated keys).
    Label {
        #[arg(value_name = "KEY[,KEY]")]
        keys: Vec<String>,
        /// No error for a key that is not there.
        #[arg(short, long = "ignore-non-existence")]
        ignore_non_existence: bool,
    },
    /// Removes commonAnnotations (comma-separated keys).
    Annotation {
        #[arg(value_name = "KEY[,KEY]")]
        keys: Vec<String>,
        /// No error for a key that is not there.
        #[arg(short, long = "ignore-non-existence")]
        ignore_non_existence: bool,
    },
    /// Removes a patch.
    Patch(PatchFlags),
    /// Removes configMapGenerator entries (comma-separated names).
    Configmap {
        #[arg(value_name = "NAME[,NAME]")]
        names: Vec<String>,
        /// Their namespace.
        #[arg(long, default_value = "", hide_default_value = true)]
        namespace: String,
    },
    /// Removes secretGenerator entries (comma-separated names).
    Secret {
        #[arg(value_name = "NAME[,NAME]")]
        names: Vec<String>,
        /// Their namespace.
        #[arg(long, default_value = "", hide_default_value = true)]
        namespace: String,
    },
}

/// The kustomization file names kustomize recognises, in its order
/// (api/konfig `RecognizedKustomizationFileNames`).
const FILE_NAMES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

fn usage(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Kustomization, message)
}

/// Runs `edit` in the current directory.
pub(crate) fn run(args: &EditArgs) -> Result<ExitCode, Failure> {
    let fail = |e: Error| {
        report::error(&e);
        Failure::Reported(ExitCode::FAILURE)
    };
    if let EditCommand::ListBuiltin { names } = &args.command {
        if let Some(unknown) = names.iter().find(|n| !edit::is_builtin(n)) {
            return Err(fail(usage(format!(
                "unknown builtin plugin '{unknown}'; run 'edit list-builtin' to list them"
            ))));
        }
        let mut text = String::from("Builtin plugins:\n\n");
        for p in edit::BUILTIN_GENERATORS
            .iter()
            .chain(edit::BUILTIN_TRANSFORMERS)
            .filter(|p| names.is_empty() || names.iter().any(|n| n == *p))
        {
            text.push_str(&format!(" * {p}\n"));
        }
        return crate::commands::write_stdout(&text);
    }
    let dir = PathBuf::from(".");
    if let EditCommand::Fix { vars: true } = args.command {
        fix_vars(&dir).map_err(fail)?;
        return Ok(ExitCode::SUCCESS);
    }
    let edit = to_edit(&args.command, &dir).map_err(fail)?;
    let Some(edit) = edit else {
        return Ok(ExitCode::SUCCESS);
    };
    run_in(&dir, &edit).map_err(fail)?;
    Ok(ExitCode::SUCCESS)
}

/// Finds the kustomization file in `dir`: exactly one of [`FILE_NAMES`] must exist.
fn find_file(dir: &Path) -> Result<PathBuf, Error> {
    let found: Vec<&str> = FILE_NAMES
        .iter()
        .copied()
        .filter(|n| dir.join(n).exists())
        .collect();
    match found.as_slice() {
        [] => Err(Error::new(
            ErrorKind::Io,
            "Missing kustomization file 'kustomization.yaml'.",
        )),
        [one] => {
            let path = dir.join(one);
            if path.is_dir() {
                return Err(Error::new(ErrorKind::Io, format!("{one} should be a file")));
            }
            Ok(path)
        }
        many => Err(Error::new(
            ErrorKind::Io,
            format!(
                "Found multiple kustomization file: [{}]; keep one of them",
                many.join(" ")
            ),
        )),
    }
}

/// The kustomization file in `dir`: its path, the name errors show, and its text.
fn read_kustomization(dir: &Path) -> Result<(PathBuf, String, String), Error> {
    let path = find_file(dir)?;
    let shown = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let bytes =
        std::fs::read(&path).map_err(|e| Error::new(ErrorKind::Io, format!("{shown}: {e}")))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::new(ErrorKind::Yaml, format!("{shown}: not UTF-8 text")))?;
    Ok((path, shown, text))
}

/// Applies `edit` to the kustomization file in `dir` and writes it back if it changed.
fn run_in(dir: &Path, edit: &Edit) -> Result<(), Error> {
    let (path, shown, text) = read_kustomization(dir)?;
    let edited = edit::apply(&shown, &text, edit)?;
    report::warnings(&edited.warnings);
    if edited.text != text {
        write_atomically(&path, &edited.text)
            .map_err(|e| Error::new(ErrorKind::Io, format!("{shown}: {e}")))?;
    }
    Ok(())
}

/// `edit fix --vars`: converts vars to replacements, writing the files that used them first and
/// the kustomization last.
fn fix_vars(dir: &Path) -> Result<(), Error> {
    let (path, shown, text) = read_kustomization(dir)?;
    let fixed = edit::fix_vars(&shown, &text, &strata::DiskFs, dir)?;
    for (file, new) in &fixed.files {
        let p = dir.join(file);
        write_atomically(&p, new)
            .map_err(|e| Error::new(ErrorKind::Io, format!("{}: {e}", p.display())))?;
    }
    report::warnings(&fixed.kustomization.warnings);
    if fixed.kustomization.text != text {
        write_atomically(&path, &fixed.kustomization.text)
            .map_err(|e| Error::new(ErrorKind::Io, format!("{shown}: {e}")))?;
    }
    Ok(())
}

/// Writes `text` to a temporary file beside `path` (the file a symlink names) and renames it
/// over `path`, keeping the file's permissions; a failure leaves `path` as it was.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    // Through a symlink to the file it names, so the link stays a link.
    let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let path = real.as_path();
    // Renaming over a device or FIFO would replace the node itself (`/dev/null` included).
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        return Err(std::io::Error::other(format!(
            "{} is not a regular file; edit writes only regular files",
            path.display()
        )));
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().map_or_else(
        || "kustomization".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    let tmp = dir.join(format!(".{name}.strata-edit.{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(&tmp, meta.permissions())?;
        }
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Expands one glob pattern relative to `dir` (Go's `filepath.Glob`: sorted matches, the
/// pattern itself when it has no meta characters and exists).
fn glob(dir: &Path, pattern: &str) -> Result<Vec<String>, Error> {
    let has_meta = |s: &str| s.contains(['*', '?', '[', '\\']);
    if !has_meta(pattern) {
        return Ok(if dir.join(pattern).exists() {
            vec![pattern.to_owned()]
        } else {
            Vec::new()
        });
    }
    let absolute = pattern.starts_with('/');
    let mut found: Vec<String> = vec![if absolute {
        "/".to_owned()
    } else {
        String::new()
    }];
    for part in pattern.split('/').filter(|p| !p.is_empty()) {
        let mut next = Vec::new();
        for base in &found {
            if !has_meta(part) {
                let p = format!("{base}{part}");
                if dir.join(&p).exists() {
                    next.push(p);
                }
                continue;
            }
            let listing = if base.is_empty() {
                dir.to_path_buf()
            } else {
                dir.join(base)
            };
            let Ok(entries) = std::fs::read_dir(&listing) else {
                continue;
            };
            let mut names: Vec<String> = entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            for n in names {
                if edit::glob_match(part, &n)? {
                    next.push(format!("{base}{n}"));
                }
            }
        }
        found = next.into_iter().map(|p| format!("{p}/")).collect();
    }
    Ok(found
        .into_iter()
        .map(|p| p.trim_end_matches('/').to_owned())
        .filter(|p| !p.is_empty())
        .collect())
}

/// kustomize's `GlobPatterns`: patterns with no match are reported and skipped.
fn glob_all(dir: &Path, patterns: &[String]) -> Result<Vec<String>, Error> {
    let mut out = Vec::new();
    for p in patterns {
        let m = glob(dir, p)?;
        if m.is_empty() {
            report::warnings(&[format!("{p} has no match")]);
        }
        out.extend(m);
    }
    Ok(out)
}

/// kustomize's `GlobPatternsWithLoader`: a pattern with no match must be a remote target.
fn glob_resources(dir: &Path, patterns: &[String], no_verify: bool) -> Result<Vec<String>, Error> {
    let mut out = Vec::new();
    for p in patterns {
        if no_verify {
            out.push(p.clone());
            continue;
        }
        let m = glob(dir, p)?;
        if !m.is_empty() {
            out.extend(m);
        } else if looks_remote(p) {
            out.push(p.clone());
        } else {
            return Err(usage(format!(
                "{p} has no match: no such file or directory (use --no-verify to add it anyway)"
            )));
        }
    }
    Ok(out
        .into_iter()
        .filter(|r| !FILE_NAMES.contains(&r.as_str()))
        .collect())
}

fn looks_remote(p: &str) -> bool {
    p.contains("://") || p.starts_with("git@") || p.starts_with("github.com/")
}

/// `--from-file` values with globs expanded (`ExpandFileSource`): `key=pattern` must match one
/// file.
fn expand_file_sources(dir: &Path, sources: &[String]) -> Result<Vec<String>, Error> {
    let mut out = Vec::new();
    for s in sources {
        let parts: Vec<&str> = s.split('=').collect();
        let (key, pattern) = match parts.as_slice() {
            [k, p] => (Some(*k), *p),
            _ => (None, parts.first().copied().unwrap_or("")),
        };
        let matched = glob_all(dir, &[pattern.to_owned()])?;
        match key {
            Some(k) => {
                let [one] = matched.as_slice() else {
                    return Err(usage(format!(
                        "failed to expand file source: 'pattern '{s}' catches files {matched:?}, should catch only one"
                    )));
                };
                out.push(format!("{k}={one}"));
            }
            None => out.extend(matched),
        }
    }
    Ok(out)
}

/// The one argument of `set namespace|nameprefix|namesuffix` (kustomize's `Validate`).
fn one_arg(values: &[String], what: &str) -> Result<String, Error> {
    match values {
        [one] => Ok(one.clone()),
        _ => Err(usage(format!("must specify exactly one {what} value"))),
    }
}

fn comma_list(values: &[String], empty: &str, many: &str) -> Result<Vec<String>, Error> {
    match values {
        [] => Err(usage(empty)),
        [one] => Ok(one.split(',').map(str::to_owned).collect()),
        _ => Err(usage(format!(
            "too many arguments: [{}]; {many}",
            values.join(" ")
        ))),
    }
}

fn patch_edit(f: &PatchFlags) -> PatchEdit {
    let mut p = PatchEdit::default();
    p.path.clone_from(&f.path);
    p.patch.clone_from(&f.patch);
    p.group.clone_from(&f.group);
    p.version.clone_from(&f.version);
    p.kind.clone_from(&f.kind);
    p.name.clone_from(&f.name);
    p.namespace.clone_from(&f.namespace);
    p.label_selector.clone_from(&f.label_selector);
    p.annotation_selector.clone_from(&f.annotation_selector);
    p
}

fn add_generator(
    dir: &Path,
    kind: GeneratorKind,
    f: &GeneratorFlags,
    secret_type: &str,
) -> Result<Edit, Error> {
    let [name] = f.names.as_slice() else {
        return Err(usage("name must be specified once"));
    };
    let mut g = GeneratorEdit::new(kind, name.clone(), false);
    g.files = expand_file_sources(dir, &f.from_file)?;
    g.literals.clone_from(&f.from_literal);
    if !f.from_env_file.is_empty() && !dir.join(&f.from_env_file).is_file() {
        // kustomize fails here when it loads the generator (`MakeConfigMap`).
        return Err(Error::new(
            ErrorKind::Io,
            format!("env source file {} does not exist", f.from_env_file),
        ));
    }
    g.env_file.clone_from(&f.from_env_file);
    g.behavior.clone_from(&f.behavior);
    g.disable_name_suffix_hash = f.disable_name_suffix_hash;
    g.namespace.clone_from(&f.namespace);
    g.secret_type = secret_type.to_owned();
    Ok(Edit::Generator(g))
}

fn set_generator(kind: GeneratorKind, f: &SetGeneratorFlags) -> Result<Edit, Error> {
    let [name] = f.names.as_slice() else {
        return Err(usage("name must be specified once"));
    };
    let mut g = GeneratorEdit::new(kind, name.clone(), true);
    g.literals.clone_from(&f.from_literal);
    g.namespace.clone_from(&f.namespace);
    g.new_namespace.clone_from(&f.new_namespace);
    Ok(Edit::Generator(g))
}

/// Turns the command line into a library edit; `None` when there is nothing to do (every glob
/// matched nothing, as kustomize allows).
fn to_edit(cmd: &EditCommand, dir: &Path) -> Result<Option<Edit>, Error> {
    let list = |field: ListField, items: Vec<String>| {
        if items.is_empty() {
            None
        } else {
            Some(Edit::AddToList(field, items))
        }
    };
    let need = |v: &[String], msg: &str| {
        if v.is_empty() {
            Err(usage(msg.to_owned()))
        } else {
            Ok(())
        }
    };
    Ok(match cmd {
        EditCommand::ListBuiltin { .. } => None,
        EditCommand::Fix { vars } => Some(Edit::Fix { vars: *vars }),
        EditCommand::Add(add) => match add {
            AddCommand::Resource { paths, no_verify } => {
                need(paths, "must specify a resource file")?;
                list(
                    ListField::Resources,
                    glob_resources(dir, paths, *no_verify)?,
                )
            }
            AddCommand::Component { paths } => {
                need(paths, "must specify a component file")?;
                list(ListField::Components, glob_resources(dir, paths, false)?)
            }
            AddCommand::Base { paths } => {
                let [arg] = paths.as_slice() else {
                    return Err(usage("must specify a base directory"));
                };
                let bases: Vec<String> = arg.split(',').map(str::to_owned).collect();
                for b in &bases {
                    if !dir.join(b).exists() {
                        return Err(usage(format!("{b} does not exist")));
                    }
                }
                Some(Edit::AddBases(bases))
            }
            AddCommand::Transformer { paths }
            | AddCommand::Generator { paths }
            | AddCommand::Configuration { paths } => {
                let (field, what) = match add {
                    AddCommand::Transformer { .. } => {
                        (ListField::Transformers, "a transformer plugin resource")
                    }
                    AddCommand::Generator { .. } => {
                        (ListField::Generators, "a generator plugin resource")
                    }
                    _ => (ListField::Configurations, "a configuration resource"),
                };
                need(
                    paths,
                    &format!("must specify a yaml file which contains {what}"),
                )?;
                list(field, glob_all(dir, paths)?)
            }
            AddCommand::Buildmetadata { options } => Some(Edit::AddBuildMetadata(comma_list(
                options,
                "must specify a buildMetadata option",
                "to provide multiple buildMetadata options, please separate options by comma",
            )?)),
            AddCommand::Patch(f) => Some(Edit::AddPatch(patch_edit(f))),
            AddCommand::Label {
                pairs,
                force,
                without_selector,
                include_templates,
            } => Some(Edit::AddMetadata {
                kind: MetadataKind::Label,
                pairs: edit::parse_pairs(MetadataKind::Label, pairs)?,
                force: *force,
                without_selector: *without_selector,
                include_templates: *include_templates,
            }),
            AddCommand::Annotation { pairs, force } => Some(Edit::AddMetadata {
                kind: MetadataKind::Annotation,
                pairs: edit::parse_pairs(MetadataKind::Annotation, pairs)?,
                force: *force,
                without_selector: false,
                include_templates: false,
            }),
            AddCommand::Configmap(f) => Some(add_generator(dir, GeneratorKind::ConfigMap, f, "")?),
            AddCommand::Secret { flags, secret_type } => Some(add_generator(
                dir,
                GeneratorKind::Secret,
                flags,
                secret_type,
            )?),
        },
        EditCommand::Set(set) => match set {
            SetCommand::Image { images } => {
                need(images, "no image specified")?;
                let parsed = images
                    .iter()
                    .map(|i| edit::parse_image(i))
                    .collect::<Result<Vec<_>, _>>()?;
                Some(Edit::SetImages(parsed))
            }
            SetCommand::Replicas { replicas } => {
                need(replicas, "no replicas specified")?;
                let parsed = replicas
                    .iter()
                    .map(|r| edit::parse_replica(r))
                    .collect::<Result<Vec<_>, _>>()?;
                Some(Edit::SetReplicas(parsed))
            }
            SetCommand::Namespace { values } => {
                Some(Edit::SetNamespace(one_arg(values, "namespace")?))
            }
            SetCommand::Nameprefix { values } => {
                Some(Edit::SetNamePrefix(one_arg(values, "prefix")?))
            }
            SetCommand::Namesuffix { values } => {
                Some(Edit::SetNameSuffix(one_arg(values, "suffix")?))
            }
            SetCommand::Label { pairs } => Some(Edit::SetMetadata {
                kind: MetadataKind::Label,
                pairs: edit::parse_pairs(MetadataKind::Label, pairs)?,
            }),
            SetCommand::Annotation { pairs } => Some(Edit::SetMetadata {
                kind: MetadataKind::Annotation,
                pairs: edit::parse_pairs(MetadataKind::Annotation, pairs)?,
            }),
            SetCommand::Configmap(f) => Some(set_generator(GeneratorKind::ConfigMap, f)?),
            SetCommand::Secret(f) => Some(set_generator(GeneratorKind::Secret, f)?),
            SetCommand::Buildmetadata { options } => Some(Edit::SetBuildMetadata(comma_list(
                options,
                "must specify a buildMetadata option",
                "to provide multiple buildMetadata options, please separate options by comma",
            )?)),
        },
        EditCommand::Remove(remove) => match remove {
            RemoveCommand::Resource { patterns } => {
                need(patterns, "must specify a resource file")?;
                Some(Edit::RemoveFromList(ListField::Resources, patterns.clone()))
            }
            RemoveCommand::Component { patterns } => {
                need(patterns, "must specify a component file")?;
                Some(Edit::RemoveFromList(
                    ListField::Components,
                    patterns.clone(),
                ))
            }
            RemoveCommand::Transformer { patterns } => {
                need(patterns, "must specify a transformer file")?;
                Some(Edit::RemoveFromList(
                    ListField::Transformers,
                    patterns.clone(),
                ))
            }
            RemoveCommand::Buildmetadata { options } => Some(Edit::RemoveFromList(
                ListField::BuildMetadata,
                comma_list(
                    options,
                    "must specify a buildMetadata option",
                    "to provide multiple buildMetadata options, please separate options by comma",
                )?,
            )),
            RemoveCommand::Label {
                keys,
                ignore_non_existence,
            } => Some(Edit::RemoveMetadata {
                kind: MetadataKind::Label,
                keys: edit::parse_keys(MetadataKind::Label, keys)?,
                ignore_missing: *ignore_non_existence,
            }),
            RemoveCommand::Annotation {
                keys,
                ignore_non_existence,
            } => Some(Edit::RemoveMetadata {
                kind: MetadataKind::Annotation,
                keys: edit::parse_keys(MetadataKind::Annotation, keys)?,
                ignore_missing: *ignore_non_existence,
            }),
            RemoveCommand::Patch(f) => Some(Edit::RemovePatch(patch_edit(f))),
            RemoveCommand::Configmap { names, namespace } => Some(Edit::RemoveGenerators {
                kind: GeneratorKind::ConfigMap,
                names: comma_list(
                    names,
                    "at least one configmap name must be specified",
                    "to provide multiple configmaps to remove, please separate configmap names by commas",
                )?,
                namespace: namespace.clone(),
            }),
            RemoveCommand::Secret { names, namespace } => Some(Edit::RemoveGenerators {
                kind: GeneratorKind::Secret,
                names: comma_list(
                    names,
                    "at least one secret name must be specified",
                    "to provide multiple secrets to remove, please separate secret names by commas",
                )?,
                namespace: namespace.clone(),
            }),
        },
    })
}
