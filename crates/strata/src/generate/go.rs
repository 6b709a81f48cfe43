//! Go's formatting of the values that appear in kustomize's generator messages and hashes:
//! `%q`, `%v` of a `[]string`, `%d` of a `[]byte`, invalid UTF-8 and `encoding/json` output.

use std::fmt::Write as _;

/// Returns `s` quoted as Go's `%q` (`strconv.Quote`) quotes it, for the characters that occur
/// in practice: `"` and `\` escaped, control characters as `\n`-style or `\x`/`\u` escapes,
/// everything else raw.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if u32::from(c) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            c if ('\u{80}'..='\u{9f}').contains(&c)
                || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') =>
            {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Returns a list as Go's `%v` prints a `[]string`: `[a b c]`.
pub(crate) fn list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::from("[");
    for (i, s) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(s);
    }
    out.push(']');
    out
}

/// Returns bytes as Go's `%d` prints a `[]byte`: `[65 61 255]`.
pub(crate) fn byte_list(bytes: &[u8]) -> String {
    let mut out = String::from("[");
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let _ = write!(out, "{b}");
    }
    out.push(']');
    out
}

/// Converts bytes to a string the way Go's `for range` over a string and `encoding/json` do:
/// each byte that does not start a valid UTF-8 sequence becomes one U+FFFD. (Rust's
/// `from_utf8_lossy` replaces a whole truncated sequence with one U+FFFD instead.)
pub(crate) fn lossy(mut bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    loop {
        match std::str::from_utf8(bytes) {
            Ok(s) => {
                out.push_str(s);
                return out;
            }
            Err(e) => {
                let (valid, rest) = bytes.split_at(e.valid_up_to());
                // `valid` is valid UTF-8 by construction of `valid_up_to`.
                out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                out.push('\u{fffd}');
                bytes = rest.get(1..).unwrap_or_default();
            }
        }
    }
}

/// Appends `s` as `encoding/json` writes a string with HTML escaping on (the default for
/// `json.Marshal`): `<`, `>`, `&`, U+2028 and U+2029 as `\u` escapes, `\" \\ \n \r \t \b \f`
/// (Go 1.22+ writes `\b` and `\f` short), other C0 controls as lower-case `\u00xx`; DEL and
/// everything else raw.
pub(crate) fn json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Returns a finite float as `encoding/json` writes a `float64`: shortest round-trip digits,
/// fixed notation unless |x| < 1e-6 or |x| ≥ 1e21, where Go writes `1e+21` / `1e-7` (exponent
/// unpadded). Returns Go's `%v` of the value (`+Inf`, `-Inf`, `NaN`) as the error text for
/// values JSON cannot hold.
pub(crate) fn json_float(f: f64) -> Result<String, &'static str> {
    if f.is_nan() {
        return Err("NaN");
    }
    if f.is_infinite() {
        return Err(if f > 0.0 { "+Inf" } else { "-Inf" });
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        // Rust's `{:e}` is shortest round-trip digits too: "1.5e-7", "1e21".
        let e = format!("{f:e}");
        let (mantissa, exp) = e.split_once('e').unwrap_or((&e, "0"));
        return Ok(match exp.strip_prefix('-') {
            Some(neg) => format!("{mantissa}e-{neg}"),
            None => format!("{mantissa}e+{exp}"),
        });
    }
    // Rust's `Display` for f64 is shortest round-trip digits in fixed notation, "5" not "5.0".
    Ok(format!("{f}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_like_go() {
        assert_eq!(quote("x.txt"), r#""x.txt""#);
        assert_eq!(quote("a\"b\\c\n\u{1}\u{7f}é"), r#""a\"b\\c\n\x01\x7fé""#);
    }

    #[test]
    fn lists_and_bytes_like_go() {
        assert_eq!(list(["a", "b=c"]), "[a b=c]");
        assert_eq!(list([""]), "[]");
        assert_eq!(byte_list(b"A=\xff"), "[65 61 255]");
    }

    #[test]
    fn replaces_each_invalid_byte() {
        assert_eq!(lossy(b"a\xf0\x9f\x98b"), "a\u{fffd}\u{fffd}\u{fffd}b");
        assert_eq!(lossy("ok é".as_bytes()), "ok é");
    }

    #[test]
    fn writes_json_strings_like_go() {
        // The escapes in hash-examples/INDEX.tsv rows 09 and 11.
        let mut out = String::new();
        json_string(
            "<a href=\"x\">&amp;</a>\u{2028}\u{2029}\t\u{8}\u{c}\u{1}\u{1b}\u{7f}🚀",
            &mut out,
        );
        assert_eq!(
            out,
            concat!(
                r#""\u003ca href=\"x\"\u003e\u0026amp;\u003c/a\u003e\u2028\u2029\t\b\f\u0001\u001b"#,
                "\u{7f}🚀\""
            )
        );
    }

    #[test]
    fn writes_json_floats_like_go() {
        // Go: json.Marshal(float64(x)); the large and small ones checked with kustomize-ref
        // hashes (hash.rs, case h5).
        let cases = [
            (5.0, "5"),
            (1.5, "1.5"),
            (-0.0, "-0"),
            (0.1, "0.1"),
            (1e20, "100000000000000000000"),
            (1e21, "1e+21"),
            (1.2345678901234568e22, "1.2345678901234568e+22"),
            (1e-6, "0.000001"),
            (1e-7, "1e-7"),
            (-1.5e-10, "-1.5e-10"),
            (12345678901234567890.0, "12345678901234567000"),
        ];
        for (f, want) in cases {
            assert_eq!(json_float(f).unwrap(), want, "{f}");
        }
        assert_eq!(json_float(f64::INFINITY), Err("+Inf"));
        assert_eq!(json_float(f64::NEG_INFINITY), Err("-Inf"));
        assert_eq!(json_float(f64::NAN), Err("NaN"));
    }
}
