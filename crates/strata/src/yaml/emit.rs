//! The printer: node trees to the bytes `kustomize build` writes (go-yaml v2 style).

use std::fmt;

use crate::source::Span;
use crate::yaml::{Node, NodeKind};

/// A tree that has no printed form (for example `.inf`, which JSON cannot hold).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmitError {
    /// What is wrong, with kustomize's key phrase.
    pub message: String,
    /// The offending node.
    pub span: Span,
}

impl fmt::Display for EmitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Writes one document.
pub fn emit_document(root: &Node, out: &mut String) -> Result<(), EmitError> {
    write_node(root, 0, out);
    out.push('\n');
    Ok(())
}

/// Writes documents separated by `---`.
pub fn emit_documents<'a>(
    docs: impl IntoIterator<Item = &'a Node>,
    out: &mut String,
) -> Result<(), EmitError> {
    for (i, d) in docs.into_iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        emit_document(d, out)?;
    }
    Ok(())
}

fn write_node(n: &Node, indent: usize, out: &mut String) {
    match &n.kind {
        NodeKind::Scalar(s) => out.push_str(&s.text),
        NodeKind::Mapping(m) => {
            let mut entries: Vec<_> = m.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                    out.push_str(&" ".repeat(indent));
                }
                out.push_str(k);
                out.push(':');
                match &v.kind {
                    NodeKind::Scalar(_) => {
                        out.push(' ');
                        write_node(v, indent + 2, out);
                    }
                    NodeKind::Mapping(_) => {
                        out.push('\n');
                        out.push_str(&" ".repeat(indent + 2));
                        write_node(v, indent + 2, out);
                    }
                    NodeKind::Sequence(_) => {
                        out.push('\n');
                        out.push_str(&" ".repeat(indent));
                        write_node(v, indent, out);
                    }
                }
            }
        }
        NodeKind::Sequence(items) => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                    out.push_str(&" ".repeat(indent));
                }
                out.push_str("- ");
                write_node(item, indent + 2, out);
            }
        }
    }
}
