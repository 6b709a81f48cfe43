//! The parser: YAML text to [`Node`](super::Node) trees via saphyr-parser events.
