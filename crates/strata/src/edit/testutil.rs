//! Test helpers for edits: run an edit (checking that repeating it changes nothing) and
//! compare fields with the expectations of kustomize's edit tests.

use crate::source::SourceFile;
use crate::yaml::parse::{DuplicateKeys, ParseOptions, parse_single};
use crate::yaml::{Node, NodeKind};

use super::{Edit, apply};

/// A kustomization with comments, flow-style empty lists and no final newline, like the one
/// kustomize's edit tests start from (kustomize/commands/internal/testutils/testutils.go).
pub(crate) const BASE: &str = "\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namePrefix: some-prefix
# Labels for every object.
commonLabels:
  app: helloworld
resources: []
#- service.yaml
configMapGenerator: []
# secrets could go here
secretGenerator: []";

/// Applies `edit` and asserts that applying it again gives the same bytes.
pub(crate) fn run(text: &str, edit: &Edit) -> String {
    let once = once(text, edit);
    let twice = once_more(&once, edit);
    assert_eq!(once, twice, "repeating {edit:?} changed the file");
    once
}

/// Applies an edit whose repetition kustomize defines as an error.
pub(crate) fn once(text: &str, edit: &Edit) -> String {
    match apply("kustomization.yaml", text, edit) {
        Ok(e) => e.text,
        Err(e) => panic!("{edit:?} failed: {e}\n{text}"),
    }
}

fn once_more(text: &str, edit: &Edit) -> String {
    match apply("kustomization.yaml", text, edit) {
        Ok(e) => e.text,
        Err(e) => panic!("repeating {edit:?} failed: {e}\n{text}"),
    }
}

/// Returns the tree as a string that ignores styles, spans, comments and key order
/// (kustomize's marshaller sorts keys).
fn canonical(n: &Node) -> String {
    match &n.kind {
        NodeKind::Scalar(s) => format!("{:?}", s.text),
        NodeKind::Sequence(v) => format!(
            "[{}]",
            v.iter().map(canonical).collect::<Vec<_>>().join(",")
        ),
        NodeKind::Mapping(m) => {
            let mut e: Vec<String> = m
                .entries
                .iter()
                .map(|e| format!("{}:{}", canonical(&e.key), canonical(&e.value)))
                .collect();
            e.sort();
            format!("{{{}}}", e.join(","))
        }
    }
}

fn parse(text: &str) -> Option<Node> {
    let f = SourceFile::new("t", text);
    let opts = ParseOptions {
        duplicate_keys: DuplicateKeys::Error,
        ..ParseOptions::default()
    };
    match parse_single(&f, opts) {
        Ok(n) => n,
        Err(e) => panic!("not YAML: {e}\n{text}"),
    }
}

/// Asserts that every top-level field of `want` (a fragment of a kustomization, as kustomize's
/// tests state their expectations) has the same content in `got`.
pub(crate) fn same_fields(got: &str, want: &str) {
    same_fields_in("", got, want);
}

/// [`same_fields`] for the table case named `case`.
pub(crate) fn same_fields_in(case: &str, got: &str, want: &str) {
    let g = parse(got);
    let w = parse(want);
    let Some(wm) = w.as_ref().and_then(Node::as_mapping) else {
        panic!("expectation is not a mapping: {want}");
    };
    for (k, wv) in wm.iter() {
        let gv = g
            .as_ref()
            .and_then(|g| g.as_mapping())
            .and_then(|m| m.get(k));
        assert_eq!(
            gv.map(canonical),
            Some(canonical(wv)),
            "{case}: field {k}:\ngot:\n{got}\nwant:\n{want}"
        );
    }
}

/// Asserts that `got` has none of the top-level `fields`.
pub(crate) fn lacks_fields(got: &str, fields: &[&str]) {
    let g = parse(got);
    for f in fields {
        assert!(
            g.as_ref().and_then(|g| g.get_path(&[f])).is_none(),
            "{f} should be gone:\n{got}"
        );
    }
}

/// Asserts that `got` and `want` hold the same tree (comments, styles and key order aside).
pub(crate) fn same_file(got: &str, want: &str) {
    assert_eq!(
        parse(got).as_ref().map(canonical),
        parse(want).as_ref().map(canonical),
        "got:\n{got}\nwant:\n{want}"
    );
}

/// Returns `text` without the top-level fields `keys` (each from its key's line to its
/// value's last line): what an edit of those fields must leave byte for byte.
pub(crate) fn without_fields(text: &str, keys: &[&str]) -> String {
    let doc = match super::splice::Doc::parse("t", text) {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    };
    let mut ranges: Vec<(usize, usize)> = keys.iter().filter_map(|k| doc.field_extent(k)).collect();
    ranges.sort_unstable();
    let mut out = String::new();
    let mut at = 0;
    for (s, e) in ranges {
        out.push_str(&text[at..s]);
        at = e;
    }
    out.push_str(&text[at..]);
    out
}
