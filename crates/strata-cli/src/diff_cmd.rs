//! `strata diff`: renders both sides with the library, compares them with
//! [`strata::diff::diff`] and formats the result as text, JSON or Markdown.
//!
//! Exit status as diff(1) and `git diff --exit-code`: 0 no differences, 1 differences, 2
//! error (a render failing on either side is an error naming the side).

use std::fmt::Write as _;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use strata::diff::{Change, ChangeKind, Diff, LineTag, Summary};
use strata::fs::clean;
use strata::{DiskFs, FileKind, FileSystem, Rendered, Renderer};

use super::git::Repo;
use crate::args::{ColorArg, DiffArgs, DiffFormat};
use crate::commands::Failure;
use crate::report;

/// Exit status for "the sides differ".
const DIFFERENT: u8 = 1;
/// Exit status for errors (bad arguments, a failed render, git trouble).
const ERROR: u8 = 2;

/// One compared directory: labels for its two sides and their differences.
struct Overlay {
    /// The directory as given (`RIGHT` when comparing two directories).
    name: String,
    /// What the left side is (`overlays/staging`, or `overlays/production (HEAD)`).
    left: String,
    /// What the right side is.
    right: String,
    diff: Diff,
}

/// Everything one call compared.
struct Report {
    /// `--git-ref` and the commit it named.
    git: Option<(String, String)>,
    overlays: Vec<Overlay>,
}

impl Report {
    fn summary(&self) -> Summary {
        let mut total = Summary::default();
        for o in &self.overlays {
            total += o.diff.summary();
        }
        total
    }
}

/// A side to render: where, on which file system, and how to name it in errors.
struct Side<'a> {
    label: String,
    fs: &'a dyn FileSystem,
    root: Option<PathBuf>,
}

/// Runs `strata diff`.
pub fn run(args: &DiffArgs) -> Result<ExitCode, Failure> {
    let report = match &args.git_ref {
        None => two_dirs(args)?,
        Some(rev) => against_git(args, rev)?,
    };
    let text = match args.output {
        DiffFormat::Text => text(&report, use_color(args.color)),
        DiffFormat::Json => json(&report),
        DiffFormat::Markdown => markdown(&report),
    };
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) if report.summary().is_empty() => Ok(ExitCode::SUCCESS),
        Ok(()) => Ok(ExitCode::from(DIFFERENT)),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Err(Failure::BrokenPipe),
        Err(e) => Err(fail(&format!("writing output: {e}"))),
    }
}

/// `strata diff LEFT RIGHT`.
fn two_dirs(args: &DiffArgs) -> Result<Report, Failure> {
    let [left, right] = args.dirs.as_slice() else {
        return Err(fail(
            "diff takes two directories (LEFT RIGHT), or --git-ref REF and one or more DIRs",
        ));
    };
    let renderer = Renderer::new(args.render.render_options());
    // One call: a base both sides share is read and parsed once.
    let mut results = renderer
        .render_many(&DiskFs, &[left, right], args.threads)
        .into_iter();
    let (l, r) = (results.next(), results.next());
    let sides = [
        (display(left), l.unwrap_or_else(|| Ok(Rendered::default()))),
        (display(right), r.unwrap_or_else(|| Ok(Rendered::default()))),
    ];
    let [(left_label, l), (right_label, r)] = checked(sides)?;
    let diff = compare(&l, &r, args, &left_label, &right_label)?;
    Ok(Report {
        git: None,
        overlays: vec![Overlay {
            name: right_label.clone(),
            left: left_label,
            right: right_label,
            diff,
        }],
    })
}

/// `strata diff --git-ref REF DIR...`.
fn against_git(args: &DiffArgs, rev: &str) -> Result<Report, Failure> {
    let cwd = std::env::current_dir().map_err(|e| fail(&format!("current directory: {e}")))?;
    let first = args.dirs.first().ok_or_else(|| fail("no DIR given"))?;
    let repo =
        Repo::discover(&existing_ancestor(&clean(&cwd.join(first)))).map_err(|m| fail(&m))?;
    let absolute: Vec<PathBuf> = args
        .dirs
        .iter()
        .map(|d| absolutize(&cwd, d, repo.top()))
        .collect();
    for (dir, abs) in args.dirs.iter().zip(&absolute) {
        if !abs.starts_with(repo.top()) {
            return Err(fail(&format!(
                "{}: not inside the git working tree {}",
                dir.display(),
                repo.top().display()
            )));
        }
    }
    let commit = repo.resolve_commit(rev).map_err(|m| fail(&m))?;
    let tree = repo.tree(&commit).map_err(|m| fail(&m))?;

    let mut lefts = Vec::new();
    let mut rights = Vec::new();
    for (dir, abs) in args.dirs.iter().zip(&absolute) {
        let at_ref = tree.kind(abs) != FileKind::Absent;
        let on_disk = DiskFs.kind(abs) != FileKind::Absent;
        if !at_ref && !on_disk {
            return Err(fail(&format!(
                "{}: exists neither at {rev} nor in the working tree",
                dir.display()
            )));
        }
        // A directory that exists on one side only is compared with an empty render.
        lefts.push(Side {
            label: format!("{} ({rev})", display(dir)),
            fs: &tree,
            root: at_ref.then(|| abs.clone()),
        });
        rights.push(Side {
            label: display(dir),
            fs: &DiskFs,
            root: on_disk.then(|| abs.clone()),
        });
    }
    let renderer = Renderer::new(args.render.render_options());
    let left_results = render_side(&renderer, &lefts, args.threads);
    let right_results = render_side(&renderer, &rights, args.threads);

    let mut pairs = Vec::with_capacity(args.dirs.len());
    let mut failed = false;
    let results = left_results.into_iter().zip(right_results);
    for ((l, r), (left, right)) in results.zip(lefts.iter().zip(&rights)) {
        match checked([(left.label.clone(), l), (right.label.clone(), r)]) {
            Ok(pair) => pairs.push(pair),
            Err(_) => failed = true,
        }
    }
    if failed {
        return Err(Failure::Reported(ExitCode::from(ERROR)));
    }
    let mut overlays = Vec::with_capacity(pairs.len());
    for (dir, [(left, l), (right, r)]) in args.dirs.iter().zip(pairs) {
        let diff = compare(&l, &r, args, &left, &right)?;
        overlays.push(Overlay {
            name: display(dir),
            left,
            right,
            diff,
        });
    }
    Ok(Report {
        git: Some((rev.to_owned(), commit)),
        overlays,
    })
}

/// Renders every side that exists in one `render_many` call (shared parse cache, parallel);
/// a side whose directory is absent gets an empty render. Results keep the order of `sides`.
fn render_side(
    renderer: &Renderer,
    sides: &[Side<'_>],
    threads: usize,
) -> Vec<strata::Result<Rendered>> {
    let Some(fs) = sides.first().map(|s| s.fs) else {
        return Vec::new();
    };
    let roots: Vec<&PathBuf> = sides.iter().filter_map(|s| s.root.as_ref()).collect();
    let mut results = renderer.render_many(fs, &roots, threads).into_iter();
    sides
        .iter()
        .map(|s| match s.root {
            Some(_) => results.next().unwrap_or_else(|| Ok(Rendered::default())),
            None => Ok(Rendered::default()),
        })
        .collect()
}

/// Reports a failed render as `error: left (LABEL): message`; returns both renders if both
/// succeeded.
fn checked(
    sides: [(String, strata::Result<Rendered>); 2],
) -> Result<[(String, Rendered); 2], Failure> {
    let [(ll, l), (rl, r)] = sides;
    let mut failed = false;
    for (word, label, result) in [("left", &ll, &l), ("right", &rl, &r)] {
        if let Err(e) = result {
            report::error_with_prefix(&format!("error: {word} ({label}): "), e);
            failed = true;
        }
    }
    match (l, r) {
        (Ok(l), Ok(r)) if !failed => {
            report::warnings(r.warnings());
            Ok([(ll, l), (rl, r)])
        }
        _ => Err(Failure::Reported(ExitCode::from(ERROR))),
    }
}

fn compare(
    l: &Rendered,
    r: &Rendered,
    args: &DiffArgs,
    left: &str,
    right: &str,
) -> Result<Diff, Failure> {
    strata::diff::diff(l, r, &args.diff_options()).map_err(|e| {
        let label = match e.side {
            strata::diff::Side::Left => left,
            strata::diff::Side::Right => right,
        };
        report::error_with_prefix(&format!("error: {} ({label}): ", e.side), &e.error);
        Failure::Reported(ExitCode::from(ERROR))
    })
}

/// Prints `error: message` and returns the error exit.
fn fail(message: &str) -> Failure {
    let _ = writeln!(io::stderr().lock(), "error: {message}");
    Failure::Reported(ExitCode::from(ERROR))
}

fn display(p: &Path) -> String {
    p.display().to_string()
}

/// Returns `dir` as an absolute path under `top` (which git prints with symlinks resolved).
/// Inside the repository the path stays lexical, so each side follows its own symlinks;
/// only a path that reaches the repository through a symlink outside it is canonicalized
/// (its deepest existing ancestor, the rest appended).
fn absolutize(cwd: &Path, dir: &Path, top: &Path) -> PathBuf {
    let abs = clean(&cwd.join(dir));
    if abs.starts_with(top) {
        return abs;
    }
    let base = existing_ancestor(&abs);
    let rest = abs.strip_prefix(&base).unwrap_or(Path::new(""));
    match std::fs::canonicalize(&base) {
        Ok(real) => clean(&real.join(rest)),
        Err(_) => abs,
    }
}

fn existing_ancestor(path: &Path) -> PathBuf {
    let mut cur = path;
    while !cur.exists() {
        match cur.parent() {
            Some(p) => cur = p,
            None => break,
        }
    }
    cur.to_path_buf()
}

/// `--color`: auto colors a terminal unless NO_COLOR is set to something (no-color.org).
fn use_color(arg: ColorArg) -> bool {
    match arg {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// Returns the header line of a change: `~ apps/Deployment production/web`, with
/// `(was OLD)` when a hash suffix changed the name. Names come from the input, so control
/// characters in them are shown escaped ([`visible`]).
fn header(c: &Change) -> String {
    let id = &c.id;
    let mut s = String::new();
    s.push(c.kind.sigil());
    s.push(' ');
    if !id.gvk.group.is_empty() {
        s.push_str(&id.gvk.group);
        s.push('/');
    }
    s.push_str(&id.gvk.kind);
    s.push(' ');
    if !id.namespace.is_empty() {
        s.push_str(&id.namespace);
        s.push('/');
    }
    s.push_str(&id.name);
    if let Some(old) = &c.old_id
        && old.name != id.name
    {
        let _ = write!(s, " (was {})", old.name);
    }
    visible(&s, false).into_owned()
}

/// Returns `s` with every character that could act on a terminal or hide text from a reviewer
/// shown as an escape instead: C0 and C1 controls and DEL (`\n`, `\x1b`, `\u{9b}`), and the
/// bidirectional overrides and isolates (`\u{202e}`, "Trojan Source"). A tab stays a tab when
/// `keep_tab` is set (diff bodies may indent with tabs in block scalars).
///
/// Names and values are whatever a pull request puts there; printed raw, ESC and BEL drive the
/// reader's terminal, and a newline in a name ends a Markdown block early.
pub(super) fn visible(s: &str, keep_tab: bool) -> std::borrow::Cow<'_, str> {
    let needs = |c: char| {
        (c.is_control() && !(keep_tab && c == '\t'))
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !s.chars().any(needs) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            _ if !needs(c) => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            _ if u32::from(c) < 0x80 => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            _ => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
        }
    }
    std::borrow::Cow::Owned(out)
}

const BOLD: &str = "\x1b[1m";
const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const CYAN: &str = "\x1b[36m";
const BOLD_GREEN: &str = "\x1b[1;32m";
const BOLD_RED: &str = "\x1b[1;31m";
const BOLD_YELLOW: &str = "\x1b[1;33m";
const RESET: &str = "\x1b[0m";

/// The text format: per overlay with changes, `---`/`+++` lines naming the sides, then each
/// change's header and hunks, a blank line between changes; the summary last.
fn text(report: &Report, color: bool) -> String {
    let paint = |out: &mut String, style: &str, line: &str| {
        if color && !style.is_empty() {
            let _ = writeln!(out, "{style}{line}{RESET}");
        } else {
            let _ = writeln!(out, "{line}");
        }
    };
    let mut out = String::new();
    for o in report.overlays.iter().filter(|o| !o.diff.is_empty()) {
        if !out.is_empty() {
            out.push('\n');
        }
        paint(&mut out, BOLD, &format!("--- {}", visible(&o.left, false)));
        paint(&mut out, BOLD, &format!("+++ {}", visible(&o.right, false)));
        for (i, c) in o.diff.changes().iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            let style = match c.kind {
                ChangeKind::Added => BOLD_GREEN,
                ChangeKind::Removed => BOLD_RED,
                ChangeKind::Changed => BOLD_YELLOW,
            };
            paint(&mut out, style, &header(c));
            for h in &c.hunks {
                paint(&mut out, CYAN, &h.header());
                for l in &h.lines {
                    let style = match l.tag {
                        LineTag::Context => "",
                        LineTag::Removed => RED,
                        LineTag::Added => GREEN,
                    };
                    let line = visible(&l.text, true);
                    paint(&mut out, style, &format!("{}{line}", l.tag.sigil()));
                    if l.missing_newline {
                        out.push_str("\\ No newline at end of file\n");
                    }
                }
            }
        }
    }
    if !out.is_empty() {
        out.push('\n');
    }
    paint(&mut out, BOLD, &report.summary().to_string());
    out
}

/// The JSON format (schema version 1, documented in the README).
fn json(report: &Report) -> String {
    use serde_json::{Value, json};
    let counts = |s: Summary| {
        json!({
            "added": s.added,
            "removed": s.removed,
            "changed": s.changed,
            "unchanged": s.unchanged,
        })
    };
    let mut changes = Vec::new();
    let mut overlays = Vec::new();
    for o in &report.overlays {
        let mut entry = counts(o.diff.summary());
        if let Some(m) = entry.as_object_mut() {
            m.insert("overlay".into(), json!(o.name));
            m.insert("left".into(), json!(o.left));
            m.insert("right".into(), json!(o.right));
        }
        overlays.push(entry);
        for c in o.diff.changes() {
            let id = &c.id;
            changes.push(json!({
                "overlay": o.name,
                "change": c.kind.as_str(),
                "group": id.gvk.group,
                "version": id.gvk.version,
                "kind": id.gvk.kind,
                "namespace": if id.namespace.is_empty() { Value::Null } else { json!(id.namespace) },
                "name": id.name,
                "old_name": c.old_id.as_ref().filter(|old| old.name != id.name).map(|old| old.name.clone()),
                "diff": c.unified(),
            }));
        }
    }
    let (git_ref, commit) = match &report.git {
        Some((r, c)) => (json!(r), json!(c)),
        None => (Value::Null, Value::Null),
    };
    let doc = json!({
        "schema_version": 1,
        "git_ref": git_ref,
        "commit": commit,
        "overlays": overlays,
        "changes": changes,
        "summary": counts(report.summary()),
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// The first line of the Markdown output: hidden when rendered, and stable, so a CI step can
/// find the comment it posted before and update it instead of adding another.
pub const MARKDOWN_MARKER: &str = "<!-- strata-diff -->";

/// GitHub's limit on a comment body, in characters.
const MARKDOWN_LIMIT: usize = 65_536;

/// Room kept for the note that says how many resources were left out.
const ELISION_NOTE_ROOM: usize = 400;

/// The Markdown format, for a pull-request comment: the marker, a heading, the summary, a
/// table of overlays and a collapsible diff per changed resource.
///
/// The whole text stays under GitHub's comment limit by itself: when the diffs do not fit,
/// whole resources are left out (from the first that does not fit on) and a note counts them;
/// a code fence is never cut.
fn markdown(report: &Report) -> String {
    markdown_within(report, MARKDOWN_LIMIT)
}

fn markdown_within(report: &Report, limit: usize) -> String {
    let mut out = format!("{MARKDOWN_MARKER}\n### strata diff\n\n");
    let total = report.summary();
    match (&report.git, report.overlays.as_slice()) {
        (Some((rev, commit)), _) => {
            let short = commit.get(..12).unwrap_or(commit);
            let _ = writeln!(
                out,
                "Working tree compared with `{}` (`{short}`): **{total}**.\n",
                code(rev)
            );
        }
        (None, [o]) => {
            let _ = writeln!(
                out,
                "`{}` compared with `{}`: **{total}**.\n",
                code(&o.right),
                code(&o.left)
            );
        }
        (None, _) => {
            let _ = writeln!(out, "**{total}**.\n");
        }
    }
    out.push_str("| Overlay | Added | Removed | Changed | Unchanged |\n");
    out.push_str("| :-- | --: | --: | --: | --: |\n");
    let budget = limit.saturating_sub(ELISION_NOTE_ROOM);
    let mut used = out.chars().count();
    let mut rows_left_out = 0;
    for o in &report.overlays {
        let s = o.diff.summary();
        let row = format!(
            "| `{}` | {} | {} | {} | {} |\n",
            code(&o.name).replace('|', "\\|"),
            s.added,
            s.removed,
            s.changed,
            s.unchanged
        );
        let n = row.chars().count();
        if rows_left_out > 0 || used + n > budget / 2 {
            rows_left_out += 1;
            continue;
        }
        used += n;
        out.push_str(&row);
    }
    if rows_left_out > 0 {
        let row = format!("| {rows_left_out} more overlays | | | | |\n");
        used += row.chars().count();
        out.push_str(&row);
    }
    let mut left_out = 0usize;
    for o in report.overlays.iter().filter(|o| !o.diff.is_empty()) {
        let heading = format!("\n#### `{}`\n", code(&o.name));
        let mut heading_done = false;
        for c in o.diff.changes() {
            if left_out > 0 {
                left_out += 1;
                continue;
            }
            let body = visible_lines(&c.unified());
            let fence = "`".repeat(longest_backtick_run(&body).max(2) + 1);
            let block = format!(
                "\n<details>\n<summary><code>{}</code></summary>\n\n{fence}diff\n{body}{fence}\n\n</details>\n",
                html(&header(c))
            );
            let extra = if heading_done {
                0
            } else {
                heading.chars().count()
            };
            let n = block.chars().count() + extra;
            if used + n > budget {
                left_out += 1;
                continue;
            }
            if !heading_done {
                out.push_str(&heading);
                heading_done = true;
            }
            used += n;
            out.push_str(&block);
        }
    }
    if left_out > 0 {
        let _ = write!(
            out,
            "\n**{left_out} more changed resources are not shown** (a comment holds at most \
             {MARKDOWN_LIMIT} characters); run `strata diff` with `--output text` to see them.\n"
        );
    }
    out
}

/// Makes text safe inside a one-backtick code span on one line: backticks become `'` and
/// control characters, newlines included, are shown escaped, so the span can neither end
/// early nor end its line (a heading or table row).
fn code(s: &str) -> String {
    visible(s, false).replace('`', "'")
}

/// Escapes text for HTML on one line: `&`, `<`, `>` and quotes as entities, control
/// characters (newlines included: a blank line ends an HTML block in Markdown) shown escaped.
fn html(s: &str) -> String {
    visible(s, false)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Applies [`visible`] to each line of `text`, keeping its newlines (and tabs).
fn visible_lines(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| match line.strip_suffix('\n') {
            Some(l) => format!("{}\n", visible(l, true)),
            None => visible(line, true).into_owned(),
        })
        .collect()
}

fn longest_backtick_run(s: &str) -> usize {
    let (mut best, mut cur) = (0, 0);
    for ch in s.chars() {
        if ch == '`' {
            cur += 1;
            best = best.max(cur);
        } else {
            cur = 0;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use strata::{MemoryFs, Renderer};

    /// A report of one overlay whose `n` ConfigMaps each changed a long value.
    fn big_report(n: usize) -> Report {
        let side = |value: &str| {
            let mut fs = MemoryFs::new();
            let mut k = String::from("resources:\n");
            for i in 0..n {
                k.push_str(&format!("- cm{i}.yaml\n"));
                fs = fs.with_file(
                    format!("/app/cm{i}.yaml"),
                    format!(
                        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm{i}\ndata:\n  \
                         v: \"{}\"\n  code: \"```\"\n",
                        value.repeat(300)
                    ),
                );
            }
            Renderer::default()
                .render(&fs.with_file("/app/kustomization.yaml", k), "/app")
                .unwrap()
        };
        let diff = strata::diff::diff(&side("a"), &side("b"), &strata::DiffOptions::new()).unwrap();
        Report {
            git: None,
            overlays: vec![Overlay {
                name: "app".into(),
                left: "old".into(),
                right: "new".into(),
                diff,
            }],
        }
    }

    /// A report whose resource name and values carry terminal escapes, blank lines,
    /// closing HTML tags and a backtick fence, as a pull request could.
    fn hostile_report() -> Report {
        let side = |value: &str| {
            let fs = MemoryFs::new()
                .with_file("/app/kustomization.yaml", "resources:\n- cm.yaml\n")
                .with_file(
                    "/app/cm.yaml",
                    format!(
                        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \"x\\e]0;owned\\a\\n\\n\
                         </code></summary></details>\\n\\n# injected ```\\u202e\"\n\
                         data:\n  v: \"{value}\"\n  t: |\n    tab\there\n"
                    ),
                );
            Renderer::default().render(&fs, "/app").unwrap()
        };
        let l = side("\\e[2J````");
        let r = side("\\a\\n\\n</details>\\n");
        let diff = strata::diff::diff(&l, &r, &strata::DiffOptions::new()).unwrap();
        Report {
            git: None,
            overlays: vec![Overlay {
                name: "app\n\n# x".into(),
                left: "old\u{1b}[2J".into(),
                right: "new`".into(),
                diff,
            }],
        }
    }

    #[test]
    fn text_output_shows_control_characters_escaped() {
        let report = hostile_report();
        let plain = text(&report, false);
        assert!(
            !plain
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t')
        );
        insta::assert_snapshot!(plain, @r##"
--- old\x1b[2J
+++ new`
~ ConfigMap x\x1b]0;owned\x07\n\n</code></summary></details>\n\n# injected ```\u{202e}
@@ -1,7 +1,7 @@
 apiVersion: v1
 data:
   t: "tab\there\n"
-  v: "\e[2J````"
+  v: "\a\n\n</details>\n"
 kind: ConfigMap
 metadata:
   name: "x\e]0;owned\a\n\n</code></summary></details>\n\n# injected ```\u{202e}"

0 added, 0 removed, 1 changed
"##);
        // With colour, the only escapes are Strata's own colour codes.
        let coloured = text(&report, true).replace('\u{1b}', "<ESC>");
        assert!(
            !coloured
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t')
        );
        insta::assert_snapshot!(coloured, @r##"
<ESC>[1m--- old\x1b[2J<ESC>[0m
<ESC>[1m+++ new`<ESC>[0m
<ESC>[1;33m~ ConfigMap x\x1b]0;owned\x07\n\n</code></summary></details>\n\n# injected ```\u{202e}<ESC>[0m
<ESC>[36m@@ -1,7 +1,7 @@<ESC>[0m
 apiVersion: v1
 data:
   t: "tab\there\n"
<ESC>[31m-  v: "\e[2J````"<ESC>[0m
<ESC>[32m+  v: "\a\n\n</details>\n"<ESC>[0m
 kind: ConfigMap
 metadata:
   name: "x\e]0;owned\a\n\n</code></summary></details>\n\n# injected ```\u{202e}"

<ESC>[1m0 added, 0 removed, 1 changed<ESC>[0m
"##);
    }

    #[test]
    fn markdown_output_cannot_be_ended_early_by_names_or_values() {
        let md = markdown(&hostile_report());
        assert!(!md.chars().any(|c| c.is_control() && c != '\n' && c != '\t'));
        insta::assert_snapshot!(md, @r##"
<!-- strata-diff -->
### strata diff

`new'` compared with `old\x1b[2J`: **0 added, 0 removed, 1 changed**.

| Overlay | Added | Removed | Changed | Unchanged |
| :-- | --: | --: | --: | --: |
| `app\n\n# x` | 0 | 0 | 1 | 0 |

#### `app\n\n# x`

<details>
<summary><code>~ ConfigMap x\x1b]0;owned\x07\n\n&lt;/code&gt;&lt;/summary&gt;&lt;/details&gt;\n\n# injected ```\u{202e}</code></summary>

`````diff
@@ -1,7 +1,7 @@
 apiVersion: v1
 data:
   t: "tab\there\n"
-  v: "\e[2J````"
+  v: "\a\n\n</details>\n"
 kind: ConfigMap
 metadata:
   name: "x\e]0;owned\a\n\n</code></summary></details>\n\n# injected ```\u{202e}"
`````

</details>
"##);
    }

    #[test]
    fn markdown_stays_under_the_limit_with_whole_resources() {
        let report = big_report(300);
        let text = markdown(&report);
        assert!(text.starts_with("<!-- strata-diff -->\n"));
        assert!(text.chars().count() <= MARKDOWN_LIMIT);
        let shown = text.matches("<details>").count();
        assert_eq!(text.matches("</details>").count(), shown);
        // Every fence opened is closed: fences come in pairs.
        assert_eq!(text.matches("````diff").count(), shown);
        assert_eq!(text.lines().filter(|l| *l == "````").count(), shown);
        assert!(shown > 0 && shown < 300, "{shown}");
        assert!(
            text.contains(&format!(
                "**{} more changed resources are not shown**",
                300 - shown
            )),
            "{}",
            &text[text.len() - 300..]
        );
    }

    #[test]
    fn markdown_within_a_small_limit_still_counts_what_it_left_out() {
        let report = big_report(3);
        let full = markdown_within(&report, MARKDOWN_LIMIT);
        assert!(!full.contains("not shown"));
        assert_eq!(full.matches("<details>").count(), 3);
        let small = markdown_within(&report, ELISION_NOTE_ROOM + 1_000);
        assert!(small.chars().count() <= ELISION_NOTE_ROOM + 1_000);
        assert_eq!(small.matches("<details>").count(), 0);
        assert!(small.contains("**3 more changed resources are not shown**"));
    }
}
