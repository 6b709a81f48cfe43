//! Diagnostics on stderr: the one-line error, then a source snippet when there is a span.

use std::io::Write;

use strata::Error;

/// Prints `error` to stderr as `Error: path:line:col: message` plus a snippet.
pub fn error(error: &Error) {
    error_with_prefix("Error: ", error);
}

/// Prints `error` to stderr after `prefix` (`error: left (overlays/staging): `), plus a
/// snippet.
pub fn error_with_prefix(prefix: &str, error: &Error) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{prefix}{error}");
    if let (Some(loc), Some(file)) = (error.location(), error.source_file()) {
        let line_no = loc.line_col.line as usize;
        if let Some(line) = file.text.lines().nth(line_no.saturating_sub(1)) {
            let width = line_no.to_string().len();
            let col = (loc.line_col.column as usize).saturating_sub(1);
            let _ = writeln!(err, "{:width$} |", "");
            let _ = writeln!(err, "{line_no} | {line}");
            let _ = writeln!(err, "{:width$} | {}^", "", " ".repeat(col));
        }
    }
}

/// Prints warnings to stderr, one per line. kustomize's deprecation warnings say "Run
/// 'kustomize edit fix'"; under any other program name they name that program's `edit fix`.
pub fn warnings<W: std::fmt::Display>(warnings: &[W]) {
    let program = std::env::args_os()
        .next()
        .and_then(|a| {
            std::path::Path::new(&a)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "strata".to_owned());
    let mut err = std::io::stderr().lock();
    for w in warnings {
        let w = w.to_string();
        if program == "kustomize" {
            let _ = writeln!(err, "{w}");
        } else {
            let w = w.replace("'kustomize edit fix'", &format!("'{program} edit fix'"));
            let _ = writeln!(err, "{w}");
        }
    }
}
