//! `strata patch`: applies a strategic-merge patch to a document and prints the result as
//! kyaml prints it (the command the merge2 conformance runner drives).

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use strata::patch::strategic_merge::{Direction, MergeOptions, merge_files};
use strata::source::SourceFile;
use strata::yaml::kyaml_emit;
use strata::{DiskFs, Error, ErrorKind, FileSystem};

use crate::args::{DirectionArg, PatchArgs};
use crate::commands::Failure;
use crate::report;

/// Runs `strata patch`.
pub fn run(args: &PatchArgs) -> Result<ExitCode, Failure> {
    let opts = MergeOptions {
        infer_associative_lists: args.infer_associative_lists,
        list_increase_direction: match args.list_increase_direction {
            DirectionArg::Append => Direction::Append,
            DirectionArg::Prepend => Direction::Prepend,
        },
    };
    let fail = |e: Error| {
        report::error(&e);
        Failure::Reported(ExitCode::FAILURE)
    };
    let dest = read(&args.dest).map_err(fail)?;
    let patch = read(&args.patch).map_err(fail)?;
    let docs = merge_files(&dest, &patch, &opts).map_err(fail)?;
    let text = kyaml_emit::to_string(&docs);
    super::write_stdout(&text)
}

fn read(path: &Path) -> Result<Arc<SourceFile>, Error> {
    let shown = path.display().to_string();
    let bytes = DiskFs
        .read(path)
        .map_err(|e| Error::new(ErrorKind::Io, format!("{shown}: {e}")))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::new(ErrorKind::Yaml, format!("{shown}: not UTF-8 text")))?;
    Ok(SourceFile::new(shown, text))
}
