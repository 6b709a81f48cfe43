//! go-yaml's `yaml_emitter_analyze_scalar` (emitterc.go): which scalar styles can hold a text.
//! Both printers use it: [`super::emit`] as go-yaml v2 does and [`super::kyaml_emit`] as v3
//! does. The two versions differ in one rule: v2 counts a tab as a special character, which
//! rules out every style but double quotes, while v3 (`tab_characters`) still allows a block
//! scalar. Stage: `yaml`; uses only `yaml::escape`.

use crate::escape::{is_break, is_printable};

/// The go-yaml version whose rules apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GoYaml {
    /// go-yaml v2 (what `kustomize build` prints with).
    V2,
    /// go-yaml v3 (kyaml).
    V3,
}

/// The styles a text allows (go-yaml's `emitter.scalar_data`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Analysis {
    /// The text has a line break.
    pub(crate) multiline: bool,
    /// Plain style inside a flow collection.
    pub(crate) flow_plain: bool,
    /// Plain style in block context.
    pub(crate) block_plain: bool,
    /// Single-quoted style.
    pub(crate) single_quoted: bool,
    /// Literal or folded block style.
    pub(crate) block: bool,
}

/// Analyzes `text` with the rules of `version`.
pub(crate) fn analyze(text: &str, version: GoYaml) -> Analysis {
    if text.is_empty() {
        return Analysis {
            multiline: false,
            flow_plain: false,
            block_plain: true,
            single_quoted: true,
            block: false,
        };
    }
    let both = text.starts_with("---") || text.starts_with("...");
    let mut block_indicators = both;
    let mut flow_indicators = both;
    let mut line_breaks = false;
    let mut special = false;
    let mut tabs = false;
    let mut leading_space = false;
    let mut leading_break = false;
    let mut trailing_space = false;
    let mut trailing_break = false;
    let mut break_space = false;
    let mut space_break = false;
    let mut preceded_by_ws = true;
    let mut previous_space = false;
    let mut previous_break = false;
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        // Decode one character (ASCII without the general decoder: most text is ASCII).
        let (c, width) = match b.get(i) {
            Some(&a) if a < 0x80 => (char::from(a), 1),
            _ => match text.get(i..).and_then(|r| r.chars().next()) {
                Some(c) => (c, c.len_utf8()),
                None => break,
            },
        };
        let next = i + width;
        let last = next >= b.len();
        let followed_by_ws = last || matches!(b.get(next), Some(b' ' | b'\t'));
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                '?' | ':' => {
                    flow_indicators = true;
                    block_indicators |= followed_by_ws;
                }
                '-' if followed_by_ws => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                _ => {}
            }
        } else {
            match c {
                ',' | '?' | '[' | ']' | '{' | '}' => flow_indicators = true,
                ':' => {
                    flow_indicators = true;
                    block_indicators |= followed_by_ws;
                }
                '#' if preceded_by_ws => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                _ => {}
            }
        }
        if c == '\t' && version == GoYaml::V3 {
            tabs = true;
        } else if !is_printable(c) {
            special = true;
        }
        if c == ' ' {
            leading_space |= i == 0;
            trailing_space |= last;
            break_space |= previous_break;
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            line_breaks = true;
            leading_break |= i == 0;
            trailing_break |= last;
            space_break |= previous_space;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_ws = matches!(c, ' ' | '\t' | '\0') || is_break(c);
        i = next;
    }
    let edge = leading_space || leading_break || trailing_space || trailing_break;
    let no_quotes = break_space || space_break || tabs || special;
    Analysis {
        multiline: line_breaks,
        flow_plain: !(edge || no_quotes || line_breaks || flow_indicators),
        block_plain: !(edge || no_quotes || line_breaks || block_indicators),
        single_quoted: !no_quotes,
        block: !(trailing_space || space_break || special),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_differ_between_versions() {
        // emitterc.go: v2 finds a tab not printable (special_characters); v3 sets
        // tab_characters, which still allows a literal block.
        let v2 = analyze("a\tb\n", GoYaml::V2);
        let v3 = analyze("a\tb\n", GoYaml::V3);
        assert!(!v2.block && v3.block);
        assert!(!v2.single_quoted && !v3.single_quoted);
    }

    #[test]
    fn indicators() {
        let cases = [
            // (text, flow_plain, block_plain)
            ("a", true, true),
            ("a:b", false, true),
            ("a: b", false, false),
            ("a,b", false, true),
            ("- a", false, false),
            ("-a", true, true),
            ("a #b", false, false),
            ("a#b", true, true),
            ("---x", false, false),
            (" a", false, false),
        ];
        for (text, flow, block) in cases {
            for v in [GoYaml::V2, GoYaml::V3] {
                let a = analyze(text, v);
                assert_eq!(
                    (a.flow_plain, a.block_plain),
                    (flow, block),
                    "{text:?} {v:?}"
                );
            }
        }
    }
}
