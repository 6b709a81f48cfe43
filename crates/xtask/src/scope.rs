//! `schemas/gvk-index.tsv` → `generated/scope.rs`.
//!
//! kyaml's `IsNamespaceScoped` (kyaml/openapi/openapi.go) looks a `TypeMeta` — the full
//! `apiVersion` plus `kind` — up in `precomputedIsNamespaceScoped`, which the tsv's `scope`
//! column reproduces. kustomize's `resid.NewGvk` asks it through `IsCertainlyClusterScoped`, so
//! a kind at an unknown version (or without one, as `resid.FromKind` builds) is namespaced.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::rust::{header, lit};
use crate::tsv;

/// The source file, relative to `shared/reference/`.
pub const SOURCE: &str = "schemas/gvk-index.tsv";

/// The tsv's columns.
pub const COLUMNS: &[&str] = &["apiVersion", "kind", "definition", "scope"];

/// One row of `gvk-index.tsv`.
#[derive(Debug, PartialEq)]
pub struct Row {
    pub api_version: String,
    pub kind: String,
    pub definition: String,
    /// `Some(true)` namespaced, `Some(false)` cluster, `None` no REST path (not a resource).
    pub namespaced: Option<bool>,
}

/// Parses the tsv.
pub fn parse(text: &str) -> Result<Vec<Row>, String> {
    tsv::read(SOURCE, text, COLUMNS)?
        .into_iter()
        .map(|r| {
            let namespaced = match r[3] {
                "Namespaced" => Some(true),
                "Cluster" => Some(false),
                "" => None,
                other => return Err(format!("{SOURCE}: unknown scope {other:?}")),
            };
            if r[0].is_empty() || r[1].is_empty() {
                return Err(format!("{SOURCE}: empty apiVersion or kind in {r:?}"));
            }
            Ok(Row {
                api_version: r[0].to_owned(),
                kind: r[1].to_owned(),
                definition: r[2].to_owned(),
                namespaced,
            })
        })
        .collect()
}

/// Returns the Rust source of `scope.rs` (unformatted).
pub fn generate(rows: &[Row]) -> Result<String, String> {
    let mut by_gvk: BTreeMap<(&str, &str), bool> = BTreeMap::new();
    for row in rows {
        let Some(namespaced) = row.namespaced else {
            continue;
        };
        if by_gvk
            .insert((&row.api_version, &row.kind), namespaced)
            .is_some()
        {
            return Err(format!(
                "{SOURCE}: {} {} is listed twice",
                row.api_version, row.kind
            ));
        }
    }
    let mut out = header(&[SOURCE]);
    out.push_str(
        "//! Resource scope: kyaml's `precomputedIsNamespaceScoped` (kyaml/openapi/openapi.go), \
         keyed by apiVersion and kind.\n\n",
    );
    let _ = writeln!(
        out,
        "/// `(apiVersion, kind, namespaced)` for the {} resources with a scope, sorted by \
         apiVersion then kind (bytewise) for binary search.",
        by_gvk.len()
    );
    out.push_str("pub(crate) static SCOPES: &[(&str, &str, bool)] = &[\n");
    for ((api_version, kind), namespaced) in &by_gvk {
        let _ = writeln!(out, "({}, {}, {namespaced}),", lit(api_version), lit(kind));
    }
    out.push_str("];\n");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scoped_rows_sorted_and_unscoped_left_out() {
        let text = "apiVersion\tkind\tdefinition\tscope\n\
                    v1\tNamespace\td.Namespace\tCluster\n\
                    apps/v1\tDeployment\td.Deployment\tNamespaced\n\
                    v1\tStatus\td.Status\t\n\
                    a/v1\tThing\td.A\tCluster\n\
                    b/v1\tThing\td.B\tNamespaced\n";
        let rows = parse(text).expect("parses");
        let out = generate(&rows).expect("generates");
        let scopes = out.find("SCOPES: ").expect("table");
        let body = &out[scopes..];
        let a = body.find("\"a/v1\"").expect("a");
        let apps = body.find("\"apps/v1\"").expect("apps");
        let v1 = body.find("\"v1\", \"Namespace\"").expect("v1");
        assert!(a < apps && apps < v1, "{out}");
        assert!(!out.contains("\"Status\""), "{out}");
    }

    #[test]
    fn rejects_unknown_scope() {
        assert!(parse("apiVersion\tkind\tdefinition\tscope\nv1\tX\td\tGlobal\n").is_err());
    }
}
