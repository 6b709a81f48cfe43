//! A strict reader for the small YAML files in `shared/reference/fieldspecs/`.
//!
//! Builds a plain tree (scalars, sequences, mappings in file order) from saphyr-parser events.
//! Only what the field-spec files use is accepted: anchors, aliases, tags, non-plain scalars in
//! keys, duplicate keys and multiple documents are errors, so a change in the data shows up as a
//! failed `codegen` instead of a silently different table.

use saphyr_parser::{Event, Parser, Span};

/// One YAML node.
#[derive(Debug, PartialEq)]
pub enum Yaml {
    /// A scalar's text, untyped (the caller decides what it means).
    Scalar(String),
    /// A sequence's items in order.
    Seq(Vec<Yaml>),
    /// A mapping's entries in file order; keys are unique.
    Map(Vec<(String, Yaml)>),
}

impl Yaml {
    /// Returns a short name of the node's kind, for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Yaml::Scalar(_) => "a scalar",
            Yaml::Seq(_) => "a sequence",
            Yaml::Map(_) => "a mapping",
        }
    }
}

/// Parses `text` (one document) into a tree; `name` is used in error messages.
pub fn parse(name: &str, text: &str) -> Result<Yaml, String> {
    let mut events = Vec::new();
    for item in Parser::new_from_str(text) {
        let (event, span) = item.map_err(|e| format!("{name}: {e}"))?;
        events.push((event, span));
    }
    let mut reader = Reader {
        name,
        events: events.into_iter(),
    };
    reader.expect_start()?;
    let root = match reader.next()? {
        (Event::DocumentEnd, _) | (Event::StreamEnd, _) => {
            return Err(format!("{name}: empty document"));
        }
        (event, span) => reader.node(event, span)?,
    };
    match reader.next()? {
        (Event::DocumentEnd, _) => {}
        (_, span) => return Err(reader.err(span, "expected the end of the document")),
    }
    match reader.next()? {
        (Event::StreamEnd, _) => Ok(root),
        (_, span) => Err(reader.err(span, "expected a single document")),
    }
}

struct Reader<'a, I> {
    name: &'a str,
    events: I,
}

impl<'a, 'input, I> Reader<'a, I>
where
    I: Iterator<Item = (Event<'input>, Span)>,
{
    fn err(&self, span: Span, message: &str) -> String {
        format!(
            "{}:{}:{}: {message}",
            self.name,
            span.start.line(),
            span.start.col() + 1
        )
    }

    fn next(&mut self) -> Result<(Event<'input>, Span), String> {
        self.events
            .next()
            .ok_or_else(|| format!("{}: unexpected end of events", self.name))
    }

    fn expect_start(&mut self) -> Result<(), String> {
        match self.next()? {
            (Event::StreamStart, _) => {}
            (_, span) => return Err(self.err(span, "expected the start of the stream")),
        }
        match self.next()? {
            (Event::DocumentStart(_), _) => Ok(()),
            (_, span) => Err(self.err(span, "expected a document")),
        }
    }

    fn node(&mut self, event: Event<'input>, span: Span) -> Result<Yaml, String> {
        match event {
            Event::Scalar(text, _style, anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return Err(self.err(span, "anchors and tags are not supported"));
                }
                Ok(Yaml::Scalar(text.into_owned()))
            }
            Event::SequenceStart(anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return Err(self.err(span, "anchors and tags are not supported"));
                }
                let mut items = Vec::new();
                loop {
                    match self.next()? {
                        (Event::SequenceEnd, _) => return Ok(Yaml::Seq(items)),
                        (event, span) => items.push(self.node(event, span)?),
                    }
                }
            }
            Event::MappingStart(anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return Err(self.err(span, "anchors and tags are not supported"));
                }
                let mut entries: Vec<(String, Yaml)> = Vec::new();
                loop {
                    let key = match self.next()? {
                        (Event::MappingEnd, _) => return Ok(Yaml::Map(entries)),
                        (Event::Scalar(text, saphyr_parser::ScalarStyle::Plain, 0, None), _) => {
                            text.into_owned()
                        }
                        (_, span) => return Err(self.err(span, "keys must be plain scalars")),
                    };
                    if entries.iter().any(|(k, _)| *k == key) {
                        return Err(self.err(span, &format!("duplicate key {key:?}")));
                    }
                    let (event, span) = self.next()?;
                    let value = self.node(event, span)?;
                    entries.push((key, value));
                }
            }
            Event::Alias(_) => Err(self.err(span, "aliases are not supported")),
            _ => Err(self.err(span, "unexpected event")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Yaml {
        Yaml::Scalar(text.to_owned())
    }

    #[test]
    fn reads_nested_structure_in_order() {
        let text = "\nb:\n- path: x\\/y\n  create: true\n\na: []\n";
        let expected = Yaml::Map(vec![
            (
                "b".to_owned(),
                Yaml::Seq(vec![Yaml::Map(vec![
                    ("path".to_owned(), s("x\\/y")),
                    ("create".to_owned(), s("true")),
                ])]),
            ),
            ("a".to_owned(), Yaml::Seq(vec![])),
        ]);
        assert_eq!(parse("t", text), Ok(expected));
    }

    #[test]
    fn rejects_duplicates_aliases_and_documents() {
        for text in ["a: 1\na: 2\n", "a: &x 1\nb: *x\n", "a: 1\n---\nb: 2\n", ""] {
            assert!(parse("t", text).is_err(), "{text:?}");
        }
    }
}
