//! Diagnostics on stderr: the one-line error, then a source snippet when there is a span.
//!
//! Input is hostile, and stderr lands in CI logs: the snippet shows a window of the line
//! around the column (a 50 MB line would otherwise be printed whole, plus as many spaces
//! before the caret), with an ellipsis where it was cut, and control characters escaped so
//! the file cannot drive the terminal. An overlong message keeps its head and tail.

use std::io::Write;

use strata::Error;

/// Characters of the line shown before the column.
const BEFORE: usize = 80;
/// Characters of the line shown from the column on.
const AFTER: usize = 160;
/// Longest first line printed, in bytes; kustomize's key phrases sit well within it.
const MAX_MESSAGE: usize = 16 * 1024;

/// Prints `error` to stderr as `Error: path:line:col: message` plus a snippet.
pub fn error(error: &Error) {
    error_with_prefix("Error: ", error);
}

/// Prints `error` to stderr after `prefix` (`error: left (overlays/staging): `), plus a
/// snippet.
pub fn error_with_prefix(prefix: &str, error: &Error) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(format_error(prefix, error).as_bytes());
}

/// Returns what [`error_with_prefix`] prints.
fn format_error(prefix: &str, error: &Error) -> String {
    let mut out = clip_middle(&format!("{prefix}{error}"), MAX_MESSAGE);
    out.push('\n');
    if let (Some(loc), Some(file)) = (error.location(), error.source_file()) {
        let line_no = loc.line_col.line as usize;
        if let Some(line) = file.text.lines().nth(line_no.saturating_sub(1)) {
            let width = line_no.to_string().len();
            let col = (loc.line_col.column as usize).saturating_sub(1);
            let (shown, caret) = window(line, col);
            out.push_str(&format!("{:width$} |\n", ""));
            out.push_str(&format!("{line_no} | {shown}\n"));
            out.push_str(&format!("{:width$} | {}^\n", "", " ".repeat(caret)));
        }
    }
    out
}

/// Returns the part of `line` around character `col` as printed (cut ends marked `…`,
/// control characters but tab escaped) and the caret's offset in it.
fn window(line: &str, col: usize) -> (String, usize) {
    let start = col.saturating_sub(BEFORE);
    let end = col.saturating_add(AFTER);
    let mut shown = String::new();
    let mut caret = None;
    if start > 0 {
        shown.push('…');
    }
    let mut cut_end = false;
    for (i, c) in line.chars().enumerate().skip(start) {
        if i == end {
            cut_end = true;
            break;
        }
        if i == col {
            // The window is a few hundred characters, so counting again is cheap.
            caret = Some(shown.chars().count());
        }
        if c.is_control() && c != '\t' {
            shown.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            shown.push(c);
        }
    }
    let caret = caret.unwrap_or_else(|| shown.chars().count());
    if cut_end {
        shown.push('…');
    }
    (shown, caret)
}

/// Returns `text` whole if it has at most `max` bytes, else its head and tail around
/// ` … (N bytes cut) … `.
fn clip_middle(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let boundary = |mut i: usize| {
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let head = boundary(max / 2);
    let tail = boundary(text.len() - max / 2);
    format!(
        "{} … ({} bytes cut) … {}",
        &text[..head],
        tail - head,
        &text[tail..]
    )
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

#[cfg(test)]
mod tests {
    use super::*;
    use strata::ErrorKind;
    use strata::source::{SourceFile, Span};

    fn at(text: String, offset: usize) -> String {
        let file = SourceFile::new("big.yaml", text);
        let span = Span::new(offset as u32, offset as u32 + 1);
        let e = Error::at(
            ErrorKind::Yaml,
            "yaml: something is wrong here",
            &file,
            span,
        );
        format_error("Error: ", &e)
    }

    #[test]
    fn short_lines_print_whole() {
        insta::assert_snapshot!(at("a: b\nkey: [1, 2\n".into(), 10), @r"
        Error: big.yaml:2:6: yaml: something is wrong here
          |
        2 | key: [1, 2
          |      ^
        ");
    }

    #[test]
    fn long_lines_print_a_window_around_the_column() {
        // A 500 kB line with the error at 250k: the snippet is a few hundred bytes.
        let mut line = String::from("data: \"");
        for i in 0..100_000 {
            line.push_str(&format!("{:05}", i % 100_000));
        }
        line.push_str("\"\n");
        let out = at(line, 250_007);
        assert!(out.len() < 1024, "{} bytes", out.len());
        insta::assert_snapshot!(out, @r"
        Error: big.yaml:1:250008: yaml: something is wrong here
          |
        1 | …499844998549986499874998849989499904999149992499934999449995499964999749998499995000050001500025000350004500055000650007500085000950010500115001250013500145001550016500175001850019500205002150022500235002450025500265002750028500295003050031…
          |                                                                                  ^
        ");
    }

    #[test]
    fn control_characters_are_escaped() {
        insta::assert_snapshot!(at("name: \u{1b}[2Jx\u{7}y\n".into(), 12), @r"
        Error: big.yaml:1:13: yaml: something is wrong here
          |
        1 | name: \u{1b}[2Jx\u{7}y
          |                      ^
        ");
    }

    #[test]
    fn long_messages_keep_head_and_tail() {
        let text = format!("head {} tail", "x".repeat(100_000));
        let clipped = clip_middle(&text, 64);
        assert_eq!(
            clipped,
            format!(
                "head {} … (99946 bytes cut) … {} tail",
                "x".repeat(27),
                "x".repeat(27)
            )
        );
        assert_eq!(clip_middle("short", 64), "short");
        // Never cuts inside a character.
        let wide = "é".repeat(100);
        assert!(clip_middle(&wide, 65).starts_with(&"é".repeat(16)));
    }
}
