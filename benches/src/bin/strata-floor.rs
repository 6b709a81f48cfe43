//! The floor of a render: what reading, parsing and printing the same bytes costs with
//! Strata's own YAML layer, with no kustomize semantics in between.
//!
//! `strata-floor INPUTS EXPECTED` reads every file under `INPUTS`, parses the YAML ones
//! (`.yaml`, `.yml`, `.json`, `Kustomization`), then parses `EXPECTED` (a `kustomize build`
//! output) and prints its documents to stdout as `kustomize build` prints them. It exits 1
//! if a file does not parse or the printed text differs from `EXPECTED`, so a floor is only
//! quoted for bytes the printer reproduces. `cargo xtask bench-compare` times it as a whole
//! process beside `strata build`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use strata::source::SourceFile;
use strata::yaml::emit::emit_documents;
use strata::yaml::parse::{ParseOptions, parse_documents};

fn is_yaml(path: &Path) -> bool {
    let ext = path.extension().and_then(|e| e.to_str());
    matches!(ext, Some("yaml" | "yml" | "json"))
        || path.file_name().is_some_and(|n| n == "Kustomization")
}

fn run(inputs: &Path, expected: &Path) -> Result<(), String> {
    let mut parsed_docs = 0usize;
    for entry in walkdir::WalkDir::new(inputs).sort_by_file_name() {
        let entry = entry.map_err(|e| e.to_string())?;
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        if !is_yaml(path) {
            continue;
        }
        let text = String::from_utf8(bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        let file = SourceFile::new(path.display().to_string(), text);
        let docs = parse_documents(&file, ParseOptions::default())
            .map_err(|e| format!("{}: {e}", path.display()))?;
        parsed_docs += docs.len();
    }
    let text =
        std::fs::read_to_string(expected).map_err(|e| format!("{}: {e}", expected.display()))?;
    let file = SourceFile::new(expected.display().to_string(), text);
    let docs = parse_documents(&file, ParseOptions::default()).map_err(|e| e.to_string())?;
    let mut out = String::with_capacity(file.text.len());
    emit_documents(docs.iter().map(|d| &d.root), &mut out).map_err(|e| e.to_string())?;
    std::io::stdout()
        .lock()
        .write_all(out.as_bytes())
        .map_err(|e| e.to_string())?;
    if out != file.text {
        return Err(format!(
            "printing {} does not give its bytes back",
            expected.display()
        ));
    }
    // Keeps the parse of the inputs from being optimised away.
    std::hint::black_box(parsed_docs);
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [inputs, expected] = args.as_slice() else {
        eprintln!("usage: strata-floor INPUTS EXPECTED");
        return ExitCode::from(2);
    };
    match run(Path::new(inputs), Path::new(expected)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("strata-floor: {e}");
            ExitCode::FAILURE
        }
    }
}
