//! Whatever parses prints; the print parses back to the same content (structure, the text
//! of every string, which scalars are timestamps or of another kind), and printing that again changes nothing. The first print may differ
//! from the second: the printer follows the scalar styles it is given (a double-quoted
//! `\L` comes back single-quoted), as kustomize's does. Text with YAML 1.1's extra line
//! breaks (U+0085, U+2028, U+2029) is exempt from the content check: yaml.v2 prints them raw
//! and indents after them, or folds them to a space (oracle: `"v1\N"` prints as `'v1 '`). So is input
//! with a `!` anywhere: the printer resolves or drops tags (`!!binary`, `!local`) as kustomize
//! does, and input with a `?`: an explicit key with no value in a flow collection
//! (`[? k]`, `{? k}`) has a null value that kustomize prints as `""` (oracle:
//! testdata/build/yaml-explicit-key-without-value-in-flow).
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata::source::SourceFile;
use strata::yaml::emit::emit_document;
use strata::yaml::parse::{ParseOptions, parse_documents};
use strata::yaml::resolve::{Tag, plain_tag, tag};
use strata::yaml::{Node, NodeKind};

fn print(root: &Node) -> Option<String> {
    let mut out = String::new();
    emit_document(root, &mut out).ok().map(|()| out)
}

fn parse_one(text: &str) -> Node {
    let file = SourceFile::new("printed.yaml", text);
    let mut docs = parse_documents(&file, ParseOptions::default())
        .unwrap_or_else(|e| panic!("printed YAML does not parse: {e}\n{text}"));
    assert_eq!(docs.len(), 1, "{text}");
    docs.remove(0).root
}

/// The content of a tree, without styles, positions or key order.
fn content(n: &Node, out: &mut String) {
    match &n.kind {
        NodeKind::Scalar(s) if s.is_null() => out.push_str("null"),
        // The printer rewrites numbers as yaml.v2 does (`1.20` as `1.2`) and timestamps as Go
        // formats them, quoted (kustomize decodes them to time.Time, then strings), so only
        // the text of other strings must survive; the rest must keep their kind.
        NodeKind::Scalar(s) => match tag(s) {
            Tag::Timestamp => out.push_str("timestamp"),
            Tag::Str if plain_tag(&s.text) == Tag::Timestamp => out.push_str("timestamp"),
            Tag::Str => out.push_str(&format!("{:?}", s.text)),
            _ => out.push_str("scalar"),
        },
        NodeKind::Mapping(m) => {
            // The printer sorts keys and writes them as strings (kustomize's documents are
            // map[string]interface{}: a key `1` prints as "1"), as yaml.v2 does.
            let mut entries: Vec<String> = m
                .entries
                .iter()
                .map(|e| {
                    let key = match e.key.as_str() {
                        Some(text) => format!("{text:?}"),
                        None => content_of(&e.key),
                    };
                    format!("{key}:{}", content_of(&e.value))
                })
                .collect();
            entries.sort();
            out.push('{');
            out.push_str(&entries.join(","));
            out.push('}');
        }
        NodeKind::Sequence(items) => {
            out.push('[');
            for i in items {
                content(i, out);
                out.push(',');
            }
            out.push(']');
        }
    }
}

fn content_of(n: &Node) -> String {
    let mut s = String::new();
    content(n, &mut s);
    s
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = SourceFile::new("fuzz.yaml", text);
    let Ok(docs) = parse_documents(&file, ParseOptions::default()) else {
        return;
    };
    for d in docs {
        let Some(first) = print(&d.root) else {
            continue;
        };
        let again = parse_one(&first);
        let breaks = ['\u{85}', '\u{2028}', '\u{2029}'];
        if !first.contains(breaks) && !text.contains(breaks) && !text.contains(['!', '?']) {
            assert_eq!(content_of(&again), content_of(&d.root), "{first}");
        }
        let second = print(&again).expect("a printed tree prints");
        let third = print(&parse_one(&second));
        assert_eq!(third.as_deref(), Some(second.as_str()), "{first}");
    }
});
