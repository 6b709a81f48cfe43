//! `localize [TARGET [DEST]]` (kustomize/commands/localize): the library computes the copy,
//! this module writes it, then checks that both render the same.
//!
//! The copy is written into a temporary directory beside DEST and renamed to DEST at the end,
//! so a failure leaves nothing behind.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use strata::localize::{self, LocalizeOptions, Localized};
use strata::{DiskFs, RemoteLoader, RenderOptions, Renderer};

use crate::commands::Failure;
use crate::remote::GitRemote;
use crate::report;

/// Arguments of `localize` (kustomize's flags plus the remote cache flags of `build`).
#[derive(Debug, clap::Args)]
pub struct LocalizeArgs {
    /// The kustomization directory to localize, or a repository URL with `?ref=`
    /// (default: the current directory).
    pub target: Option<String>,

    /// The new directory to create, inside an existing one (default:
    /// `localized-<target dir>`, or `localized-<repo>-<ref>` for a URL, in the current
    /// directory).
    pub destination: Option<PathBuf>,

    /// Directory that local references must stay inside (default: the target; not allowed
    /// for a URL, whose scope is its repository).
    #[arg(long, value_name = "DIR")]
    pub scope: Option<PathBuf>,

    /// Do not check that the target and the copy render the same.
    #[arg(long)]
    pub no_verify: bool,

    /// Where remote bases are cached, keyed by commit (default: `$XDG_CACHE_HOME/strata`).
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,

    /// Load remote bases only from the cache; fetch nothing.
    #[arg(long)]
    pub offline: bool,
}

fn fail(msg: impl std::fmt::Display) -> Failure {
    eprintln!("Error: {msg}");
    Failure::Reported(ExitCode::FAILURE)
}

fn reported(e: &strata::Error) -> Failure {
    report::error(e);
    Failure::Reported(ExitCode::FAILURE)
}

/// Runs `localize`.
pub fn run(args: &LocalizeArgs) -> Result<ExitCode, Failure> {
    let target = args.target.clone().unwrap_or_else(|| ".".to_owned());
    let remote: Arc<dyn RemoteLoader> =
        Arc::new(GitRemote::new(args.cache_dir.clone(), args.offline));
    let mut opts = LocalizeOptions::default();
    opts.scope.clone_from(&args.scope);
    let cwd = std::env::current_dir().map_err(|e| fail(format!("current directory: {e}")))?;
    let resolved = localize::resolve(&DiskFs, Some(remote.as_ref()), &target, &opts)
        .map_err(|e| reported(&e))?;
    let raw_dest = args
        .destination
        .clone()
        .unwrap_or_else(|| PathBuf::from(resolved.default_destination()));
    let dest = cwd.join(&raw_dest);
    let localized = localize::localize(&DiskFs, Some(remote.as_ref()), &target, &dest, &opts)
        .map_err(|e| reported(&e))?;
    write_tree(&dest, &localized).map_err(fail)?;
    if !args.no_verify {
        // The copy's kustomization sits where the target sits in the scope.
        let in_copy = match &args.scope {
            Some(_) => dest.join(relative(&resolved.scope, &resolved.dir)),
            None => dest.clone(),
        };
        verify(&target, &in_copy, &raw_dest, remote)?;
    }
    eprintln!(
        "SUCCESS: localized {target:?} to directory {}",
        raw_dest.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Renders the target (remote bases allowed) and the copy (offline: no remote loader) and
/// fails if they differ (kustomize's verification, `runBuildCmd`).
fn verify(
    target: &str,
    copy: &Path,
    raw_dest: &Path,
    remote: Arc<dyn RemoteLoader>,
) -> Result<(), Failure> {
    let hint = |what: &str| {
        eprintln!(
            "If your target directory requires flags to build, run `strata build` on {what} \
             with them and compare the outputs yourself, or pass --no-verify."
        );
    };
    let original = Renderer::new(RenderOptions::new().remote(remote))
        .render(&DiskFs, Path::new(target))
        .and_then(|r| r.to_yaml())
        .map_err(|e| {
            hint(target);
            reported(&e)
        })?;
    let localized = Renderer::new(RenderOptions::new())
        .render(&DiskFs, copy)
        .and_then(|r| r.to_yaml())
        .map_err(|e| {
            hint(&copy.display().to_string());
            reported(&e)
        })?;
    if original != localized {
        let line = original
            .lines()
            .zip(localized.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| original.lines().count().min(localized.lines().count()));
        return Err(fail(format!(
            "VERIFICATION FAILED: `kustomize build` for {target} and {} are different after \
             localization (first difference at output line {})",
            raw_dest.display(),
            line + 1
        )));
    }
    eprintln!(
        "VERIFICATION SUCCESS: `kustomize build` for {target} and {} are the same after \
         localization.",
        raw_dest.display()
    );
    Ok(())
}

fn relative(from: &Path, to: &Path) -> PathBuf {
    to.strip_prefix(from)
        .map_or_else(|_| to.to_path_buf(), Path::to_path_buf)
}

/// Writes the tree into a temporary directory beside `dest`, then renames it to `dest`; on
/// failure the temporary directory is removed.
fn write_tree(dest: &Path, tree: &Localized) -> Result<(), String> {
    let parent = dest
        .parent()
        .ok_or_else(|| format!("{}: no parent directory", dest.display()))?;
    let name = dest
        .file_name()
        .ok_or_else(|| format!("{}: not a directory name", dest.display()))?;
    let tmp = parent.join(format!(
        ".{}.localize-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    std::fs::create_dir(&tmp).map_err(|e| {
        format!(
            "unable to create localize destination directory {}: {e}",
            tmp.display()
        )
    })?;
    let result = fill(&tmp, tree).and_then(|()| {
        if dest.symlink_metadata().is_ok() {
            return Err(format!(
                "localize destination {:?} already exists",
                dest.display().to_string()
            ));
        }
        std::fs::rename(&tmp, dest)
            .map_err(|e| format!("renaming {} to {}: {e}", tmp.display(), dest.display()))
    });
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result
}

fn fill(root: &Path, tree: &Localized) -> Result<(), String> {
    for dir in tree.dirs() {
        let p = root.join(dir);
        std::fs::create_dir_all(&p).map_err(|e| format!("creating {}: {e}", p.display()))?;
    }
    for (path, bytes) in tree.files() {
        let p = root.join(path);
        if let Some(dir) = p.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        }
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&p)
            .map_err(|e| format!("writing {}: {e}", p.display()))?;
        f.write_all(bytes)
            .map_err(|e| format!("writing {}: {e}", p.display()))?;
    }
    Ok(())
}
