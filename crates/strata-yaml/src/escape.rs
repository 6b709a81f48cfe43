//! What go-yaml's emitter decides character by character, the same in v2 ([`super::emit`]) and
//! v3 ([`super::kyaml_emit`], and replacements' node printer): which characters are printable,
//! which break lines, and how a double-quoted scalar escapes the rest (libyaml's
//! `yamlprivateh.go` and `yaml_emitter_write_double_quoted_scalar` in `emitterc.go`).
//!
//! Stage: `yaml`; uses nothing else.

/// go-yaml's `is_break`: the line breaks of YAML 1.1 (`\n`, `\r`, U+0085, U+2028, U+2029).
pub fn is_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// go-yaml's `is_printable`: `\n`, printable ASCII, U+00A0–U+D7FF and U+E000–U+FFFD but
/// U+FEFF. Everything else (tab, CR, C1 controls, emoji and every other character beyond
/// U+FFFF) is "special" and forces double quotes. go-yaml v2 and v3 write this as
/// hand-written UTF-8 byte ranges (`is_printable` in yamlprivateh.go), so unlike the key
/// order's `unicode.IsLetter` (`unicode_tables`) it depends on no Unicode version.
pub fn is_printable(c: char) -> bool {
    matches!(c, '\n' | ' '..='~' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
        && c != '\u{FEFF}'
}

/// Returns true if a double-quoted scalar writes `c` escaped: it is not printable, breaks a
/// line, or is `"` or `\`.
pub fn needs_escape(c: char) -> bool {
    !is_printable(c) || is_break(c) || c == '"' || c == '\\'
}

/// Returns what a double-quoted scalar writes after the backslash for an escaped `c`: one of
/// `0 a b t n v f r e " \ N _ L P`, else `x`, `u` or `U` and 2, 4 or 8 upper-case hex digits.
pub fn escape(c: char) -> String {
    let named = match c {
        '\0' => '0',
        '\u{7}' => 'a',
        '\u{8}' => 'b',
        '\t' => 't',
        '\n' => 'n',
        '\u{b}' => 'v',
        '\u{c}' => 'f',
        '\r' => 'r',
        '\u{1b}' => 'e',
        '"' => '"',
        '\\' => '\\',
        '\u{85}' => 'N',
        '\u{a0}' => '_',
        '\u{2028}' => 'L',
        '\u{2029}' => 'P',
        c => {
            let v = u32::from(c);
            return if v <= 0xFF {
                format!("x{v:02X}")
            } else if v <= 0xFFFF {
                format!("u{v:04X}")
            } else {
                format!("U{v:08X}")
            };
        }
    };
    named.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_go_yaml() {
        let cases = [
            ('\0', "0"),
            ('\t', "t"),
            ('"', "\""),
            ('\u{85}', "N"),
            ('\u{a0}', "_"),
            ('\u{2029}', "P"),
            ('\u{1}', "x01"),
            ('\u{9f}', "x9F"),
            ('\u{feff}', "uFEFF"),
            ('🚀', "U0001F680"),
        ];
        for (c, want) in cases {
            assert_eq!(escape(c), want, "{c:?}");
        }
        // Printable, so written raw: NBSP, é; not: tab, NEL, U+FEFF, emoji.
        assert!(!needs_escape('\u{a0}') && !needs_escape('é') && !needs_escape('a'));
        assert!(needs_escape('\t') && needs_escape('\u{85}') && needs_escape('\u{feff}'));
        assert!(needs_escape('🚀') && needs_escape('\u{2028}') && needs_escape('\\'));
    }
}
