//! The module table in ARCHITECTURE.md is the truth about which library module may use which:
//! every `crate::…` path outside the unit tests is read and checked against the table's
//! "may use" column, in both directions, and every "may use" entry must name a module listed
//! above it (lower stages never import higher ones).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::support::repo_root;

/// One row of the table: the module and the modules it may use, in table order.
#[derive(Debug)]
struct Row {
    module: String,
    may_use: Vec<String>,
}

/// Reads the rows of the `| module | stage | may use |` table under `## Library modules`.
fn parse_table(markdown: &str) -> Result<Vec<Row>, String> {
    let section = markdown
        .split("\n## ")
        .find(|s| s.starts_with("Library modules"))
        .ok_or("ARCHITECTURE.md has no \"## Library modules\" section")?;
    let mut rows = Vec::new();
    for line in section.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.trim().trim_matches('|').split('|').collect();
        let (Some(first), Some(last)) = (cells.first(), cells.last()) else {
            continue;
        };
        let module = first.trim().trim_matches('`').to_owned();
        let last = last.trim();
        let may_use = if last == "—" {
            Vec::new()
        } else {
            last.split(',')
                .map(|m| m.trim().trim_matches('`'))
                .map(|m| m.split("::").next().unwrap_or(m).to_owned())
                .collect()
        };
        rows.push(Row { module, may_use });
    }
    if rows.is_empty() {
        return Err("the \"## Library modules\" section has no table rows".into());
    }
    Ok(rows)
}

/// Returns the top-level modules `lib.rs` declares (`mod x;` at any visibility, or a module
/// of another crate it brings in, `use other as x;` / `use other::x;`) and what each root
/// re-export (`pub use x::{A, B}`) resolves to.
fn lib_modules(lib: &str) -> (BTreeSet<String>, BTreeMap<String, String>) {
    // One statement per `;`, whitespace collapsed, leading attributes and visibility dropped.
    let statements: Vec<String> = code_of(lib)
        .split(';')
        .map(|s| {
            let mut s = s.split_whitespace().collect::<Vec<_>>().join(" ");
            while s.starts_with('#') {
                let Some(end) = s.find(']') else { break };
                s = s[end + 1..].trim_start().to_owned();
            }
            for vis in ["pub(crate) ", "pub "] {
                if let Some(rest) = s.strip_prefix(vis) {
                    s = rest.to_owned();
                }
            }
            s
        })
        .collect();
    let mut modules: BTreeSet<String> = statements
        .iter()
        .filter_map(|s| s.strip_prefix("mod "))
        .map(str::to_owned)
        .collect();
    let mut reexports = BTreeMap::new();
    for used in statements.iter().filter_map(|s| s.strip_prefix("use ")) {
        let (first, rest) = used.split_once("::").unwrap_or((used, ""));
        let first = first.split(" as ").next().unwrap_or(first);
        if ["std", "core", "alloc"].contains(&first) {
            continue;
        }
        let items: Vec<&str> = match rest.strip_prefix('{') {
            Some(group) => group
                .trim_end_matches('}')
                .split(',')
                .map(str::trim)
                .collect(),
            None if rest.is_empty() => vec![used],
            None => vec![rest],
        };
        for item in items.into_iter().filter(|i| !i.is_empty()) {
            let name = match item.rsplit_once(" as ") {
                Some((_, alias)) => alias,
                None => item.rsplit("::").next().unwrap_or(item),
            };
            if modules.contains(first) {
                reexports.insert(name.to_owned(), first.to_owned());
            } else if name.starts_with(|c: char| c.is_ascii_lowercase()) {
                modules.insert(name.to_owned());
            }
        }
    }
    (modules, reexports)
}

/// Returns the code of a source file without comments and without the unit tests at its
/// bottom (from the first `#[cfg(test)]` that introduces an inline `mod … {`; a test module
/// in a file of its own, `#[cfg(test)] mod testutil;`, is skipped by file name instead).
fn code_of(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let trimmed = line.trim();
        if trimmed == "#[cfg(test)]" {
            let rest: Vec<&str> = lines.clone().take(8).collect();
            let next_item = rest.iter().map(|l| l.trim()).find(|l| !l.starts_with("#["));
            if next_item.is_some_and(|l| l.starts_with("mod ") && l.ends_with('{')) {
                break;
            }
        }
        let code = line.split_once("//").map_or(line, |(code, _)| code);
        out.push_str(code);
        out.push('\n');
    }
    out
}

/// Returns the first segment of every `crate::…` path in `code`, including each member of a
/// `crate::{a::x, b}` group.
fn crate_paths(code: &str) -> BTreeSet<String> {
    let ident_end = |s: &str| {
        s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(s.len())
    };
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let before = rest[..i].chars().next_back();
        rest = &rest[i + "crate::".len()..];
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1usize;
            let mut start = 0;
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' | ',' if depth == 1 => {
                        let item = group[start..j].trim();
                        if !item.is_empty() {
                            out.insert(item[..ident_end(item)].to_owned());
                        }
                        start = j + 1;
                        if c == '}' {
                            break;
                        }
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
            }
        } else {
            out.insert(rest[..ident_end(rest)].to_owned());
        }
    }
    out
}

/// Checks the table against what each module uses (rows missing from `uses` only for their
/// order); returns one line per disagreement.
fn violations(rows: &[Row], uses: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let mut out = Vec::new();
    let mut above: BTreeSet<&str> = BTreeSet::new();
    for row in rows {
        let allowed: BTreeSet<&str> = row.may_use.iter().map(String::as_str).collect();
        for m in &allowed {
            if !above.contains(m) {
                out.push(format!(
                    "`{}` may use `{m}`, which is not listed above it: move `{m}` up or \
                     break the dependency",
                    row.module
                ));
            }
        }
        above.insert(&row.module);
        // A module from another crate: its imports are that crate's to check.
        let Some(used) = uses.get(&row.module) else {
            continue;
        };
        for m in used {
            if !allowed.contains(m.as_str()) {
                out.push(format!(
                    "`{}` uses `crate::{m}`, which ARCHITECTURE.md does not allow: remove the \
                     import or add `{m}` to its \"may use\" column (if `{m}` is above it)",
                    row.module
                ));
            }
        }
        for m in &allowed {
            if !used.contains(*m) {
                out.push(format!(
                    "ARCHITECTURE.md says `{}` may use `{m}`, but it does not: drop `{m}` \
                     from its row",
                    row.module
                ));
            }
        }
    }
    out
}

/// Returns, for each top-level module with its source in this crate, the other top-level
/// modules its code uses. A module brought in from another crate is left out: that crate's
/// own boundaries hold it.
fn module_uses(
    src: &Path,
    modules: &BTreeSet<String>,
    reexports: &BTreeMap<String, String>,
) -> BTreeMap<String, BTreeSet<String>> {
    let mut uses = BTreeMap::new();
    for module in modules {
        let file = src.join(format!("{module}.rs"));
        let dir = src.join(module);
        let files: Vec<_> = if file.is_file() {
            vec![file]
        } else if dir.is_dir() {
            walkdir::WalkDir::new(&dir)
                .sort_by_file_name()
                .into_iter()
                .map(|e| e.unwrap().into_path())
                .filter(|p| p.extension().is_some_and(|e| e == "rs"))
                .filter(|p| !p.ends_with("tests.rs") && !p.ends_with("testutil.rs"))
                .collect()
        } else {
            continue;
        };
        let mut used = BTreeSet::new();
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for first in crate_paths(&code_of(&text)) {
                let target = reexports.get(&first).cloned().unwrap_or(first);
                if &target != module {
                    used.insert(target);
                }
            }
        }
        uses.insert(module.clone(), used);
    }
    uses
}

#[test]
fn module_imports_match_architecture_table() {
    let root = repo_root();
    let src = root.join("crates/strata/src");
    let markdown = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    let rows = parse_table(&markdown).unwrap();
    let (modules, reexports) = lib_modules(&std::fs::read_to_string(src.join("lib.rs")).unwrap());

    let listed: BTreeSet<String> = rows.iter().map(|r| r.module.clone()).collect();
    assert_eq!(
        listed.len(),
        rows.len(),
        "a module is listed twice in ARCHITECTURE.md"
    );
    assert_eq!(
        listed, modules,
        "ARCHITECTURE.md's table and lib.rs's modules differ"
    );
    for (item, module) in &reexports {
        assert!(
            modules.contains(module),
            "lib.rs re-exports {item} from {module}?"
        );
    }

    let uses = module_uses(&src, &modules, &reexports);
    let problems = violations(&rows, &uses);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn checker_reports_a_forbidden_import_and_a_back_edge() {
    let markdown = "# A\n\n## Library modules\n\n| module | stage | may use |\n| --- | --- | --- |\n\
                    | `source` | spans | — |\n| `yaml` | nodes | `source`, `resource` |\n\
                    | `resource` | ids | `yaml::emit` |\n\n## Next\n\n| `x` | y | — |\n";
    let rows = parse_table(markdown).unwrap();
    let names: Vec<&str> = rows.iter().map(|r| r.module.as_str()).collect();
    assert_eq!(names, ["source", "yaml", "resource"]);
    assert_eq!(rows[2].may_use, ["yaml"]);

    let code = code_of(
        "use crate::{source::Span, error::{Error, ErrorKind}};\n\
         // use crate::comment::Ignored;\n\
         #[cfg(test)]\nmod testutil;\nuse crate::sort::rank;\n\
         fn f() -> crate::Result<()> { crate::resource::x() }\n\
         #[cfg(test)]\n#[allow(dead_code, reason = \"r\")]\nmod tests {\n    use crate::render;\n}\n",
    );
    let paths = crate_paths(&code);
    let want: BTreeSet<String> = ["error", "resource", "sort", "source", "Result"]
        .map(String::from)
        .into();
    assert_eq!(paths, want);

    let (modules, reexports) = lib_modules(
        "//! Docs.\n#![deny(missing_docs)]\npub(crate) mod source;\npub(crate) use strata_yaml as yaml;\n\
         pub(crate) mod resource;\npub use resource::{\n    Gvk,\n    ResId,\n};\n\
         #[cfg(feature = \"x\")]\npub use source::Span;\npub const V: &str = \"1\";\n",
    );
    assert_eq!(
        modules,
        ["resource", "source", "yaml"].map(String::from).into()
    );
    assert_eq!(
        reexports,
        BTreeMap::from([
            ("Gvk".to_owned(), "resource".to_owned()),
            ("ResId".to_owned(), "resource".to_owned()),
            ("Span".to_owned(), "source".to_owned()),
        ])
    );

    let uses = BTreeMap::from([
        ("source".to_owned(), BTreeSet::new()),
        (
            "yaml".to_owned(),
            BTreeSet::from(["source".to_owned(), "error".to_owned()]),
        ),
        ("resource".to_owned(), BTreeSet::new()),
    ]);
    let problems = violations(&rows, &uses);
    assert_eq!(problems.len(), 4, "{problems:#?}");
    assert!(problems[0].starts_with("`yaml` may use `resource`, which is not listed above"));
    assert!(
        problems[1].starts_with("`yaml` uses `crate::error`, which ARCHITECTURE.md does not allow")
    );
    assert!(problems[2].starts_with("ARCHITECTURE.md says `yaml` may use `resource`"));
    assert!(problems[3].starts_with("ARCHITECTURE.md says `resource` may use `yaml`"));
}
