//! Go formatting reproduced: `%q`, `%v` of a `[]string`, `%d` of a `[]byte`, invalid UTF-8,
//! `encoding/json` strings and floats, and the `strconv` parsers go-yaml and kustomize call.
//!
//! kustomize is a Go program: what it prints passes through Go's formatting (a quoted name is
//! `strconv.Quote`d, a number goes through `encoding/json`, a YAML number through
//! `strconv.ParseInt`). Every stage that reproduces one of those uses this module, so each Go
//! routine is ported once.
//!
//! Stage: a leaf. It uses nothing else in the crate; the printers, [`crate::resolve`] and the
//! Kubernetes-aware library above this crate all use it.

use std::fmt::Write as _;

/// Returns `s` quoted as Go's `%q` (`strconv.Quote`) quotes it: `"` and `\\` escaped, `\a \b
/// \f \n \r \t \v` short, other C0 controls and DEL as `\x`, what Go's `unicode.IsPrint`
/// refuses as `\u` (C1 controls, and Unicode's space and format characters other than U+0020:
/// U+00A0, U+00AD, U+2000–U+200F, U+2028–U+202F, U+205F–U+206F, U+3000, U+FEFF,
/// U+FFF9–U+FFFB, U+FFFE, U+FFFF); everything else raw.
///
/// Close enough for messages: private-use and unassigned code points, U+1680 and the rarer
/// format characters (U+0600…) are written raw, where Go escapes them.
pub fn quote(s: &str) -> String {
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
            c if c < ' ' || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            c if c.is_control()
                || matches!(c, '\u{a0}' | '\u{ad}' | '\u{2000}'..='\u{200f}' | '\u{2028}'..='\u{202f}'
                    | '\u{205f}'..='\u{206f}' | '\u{3000}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}'
                    | '\u{fffe}' | '\u{ffff}') =>
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
pub fn list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
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
pub fn byte_list(bytes: &[u8]) -> String {
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
pub fn lossy(mut bytes: &[u8]) -> String {
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
pub fn json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        push_json_char(c, out);
    }
    out.push('"');
}

/// Appends one character of a string as `encoding/json` writes it (see [`json_string`]).
pub fn push_json_char(c: char, out: &mut String) {
    match json_escape(c) {
        JsonEscape::Raw => out.push(c),
        JsonEscape::Short(e) => {
            out.push('\\');
            out.push(e);
        }
        JsonEscape::Unicode => {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        }
    }
}

/// Returns how many characters `encoding/json` writes for `c` inside a string.
pub fn json_char_width(c: char) -> usize {
    match json_escape(c) {
        JsonEscape::Raw => 1,
        JsonEscape::Short(_) => 2,
        JsonEscape::Unicode => 6,
    }
}

/// How `encoding/json` writes one character of a string.
enum JsonEscape {
    Raw,
    /// A backslash and this character.
    Short(char),
    /// `\u` and four lower-case hex digits.
    Unicode,
}

fn json_escape(c: char) -> JsonEscape {
    match c {
        '"' => JsonEscape::Short('"'),
        '\\' => JsonEscape::Short('\\'),
        '\n' => JsonEscape::Short('n'),
        '\r' => JsonEscape::Short('r'),
        '\t' => JsonEscape::Short('t'),
        '\u{8}' => JsonEscape::Short('b'),
        '\u{c}' => JsonEscape::Short('f'),
        '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => JsonEscape::Unicode,
        c if c < ' ' => JsonEscape::Unicode,
        _ => JsonEscape::Raw,
    }
}

/// Returns a finite float as `encoding/json` writes a `float64`: shortest round-trip digits,
/// fixed notation unless |x| < 1e-6 or |x| ≥ 1e21, where Go writes `1e+21` / `1e-7` (exponent
/// unpadded). Returns Go's `%v` of the value (`+Inf`, `-Inf`, `NaN`) as the error text for
/// values JSON cannot hold.
pub fn json_float(f: f64) -> Result<String, &'static str> {
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

/// Returns `f` as Go's `strconv.FormatFloat(f, 'g', -1, 64)` writes it, which is also `%v`:
/// shortest round-trip digits, exponent form (`1e+06`, `1.5e-07`) iff the decimal exponent is
/// below −4 or at least 6; `NaN`, `+Inf`, `-Inf`.
pub fn format_g(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.into();
    }
    let (digits, dp) = shortest_digits(f);
    let mut out = String::new();
    push_g(f < 0.0, &digits, dp, &mut out);
    out
}

/// Returns `f` as Go's `strconv.FormatFloat(f, 'f', -1, 64)` writes it: shortest round-trip
/// digits in fixed notation; `NaN`, `+Inf`, `-Inf`.
pub fn format_f(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    // Rust's `Display` for f64 is shortest round-trip digits in fixed notation, "5" not "5.0".
    format!("{f}")
}

/// Returns the text `sigs.k8s.io/yaml` gives a float map key when it converts YAML to JSON:
/// `strconv.FormatFloat(f, 'g', -1, 32)` (`1e3` is `1000`, `1.5e7` is `1.5e+07`), with
/// `+Inf`, `-Inf` and `NaN` spelled `.inf`, `-.inf` and `.nan` (so is `1e40`, which overflows
/// `float32`).
pub fn yaml_float_key(f: f64) -> String {
    #[expect(
        clippy::cast_possible_truncation,
        reason = "narrowing to float32 is the point: Go formats the key at 32-bit precision"
    )]
    let g = f as f32;
    if g.is_nan() {
        return ".nan".into();
    }
    if g.is_infinite() {
        return if g > 0.0 { ".inf" } else { "-.inf" }.into();
    }
    if g == 0.0 {
        return if g.is_sign_negative() { "-0" } else { "0" }.into();
    }
    // Rust's `{:e}` of an f32 is the shortest digits that round-trip the f32, as Go's
    // bitSize 32.
    let e = format!("{:e}", g.abs());
    let (mantissa, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exp: i32 = exp.parse().unwrap_or(0);
    let mut out = String::new();
    push_g(g < 0.0, &digits, exp + 1, &mut out);
    out
}

/// Returns the shortest decimal digits that round-trip `f` (no leading zeros) and the decimal
/// point position: |f| = 0.d₁d₂… × 10^dp. Rust's and Go's shortest formatting agree.
pub fn shortest_digits(f: f64) -> (String, i32) {
    let e = format!("{:e}", f.abs());
    let (mantissa, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exp: i32 = exp.parse().unwrap_or(0);
    (digits, exp + 1)
}

/// Appends [`shortest_digits`] as `FormatFloat(x, 'g', -1, 64)` lays them out: exponent form
/// iff the decimal exponent is below −4 or at least 6 (two exponent digits at least).
pub fn push_g(neg: bool, digits: &str, dp: i32, out: &mut String) {
    if neg {
        out.push('-');
    }
    let d = digits.as_bytes();
    let exp = dp - 1;
    if !(-4..6).contains(&exp) {
        out.push(char::from(*d.first().unwrap_or(&b'0')));
        if d.len() > 1 {
            out.push('.');
            out.push_str(digits.get(1..).unwrap_or_default());
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        let _ = write!(out, "{:02}", exp.unsigned_abs());
        return;
    }
    push_fixed(digits, dp, out);
}

/// Appends [`shortest_digits`] as Go's `%f` with the shortest digits: the digits, padded with
/// zeros to the decimal point, then any fraction.
pub fn push_fixed(digits: &str, dp: i32, out: &mut String) {
    let d = digits.as_bytes();
    let nd = d.len() as i32;
    if dp > 0 {
        let int_len = dp.min(nd) as usize;
        out.push_str(digits.get(..int_len).unwrap_or_default());
        for _ in nd..dp {
            out.push('0');
        }
    } else {
        out.push('0');
    }
    let decimals = (nd - dp).max(0);
    if decimals > 0 {
        out.push('.');
        for i in 0..decimals {
            let at = dp + i;
            let c = if at >= 0 && at < nd {
                d.get(at as usize).copied().unwrap_or(b'0')
            } else {
                b'0'
            };
            out.push(char::from(c));
        }
    }
}

/// Go's `strconv.ParseUint(s, base, 64)` for base 0 (prefixes `0b` `0o` `0x`, a bare leading
/// `0` meaning octal) or an explicit base; no sign, no underscores (callers remove them).
pub fn parse_uint(s: &str, base: u32) -> Option<u64> {
    let b = s.as_bytes();
    if b.is_empty() {
        return None;
    }
    let (base, digits) = if base != 0 {
        (base, b)
    } else if b[0] == b'0' {
        match b.get(1).map(u8::to_ascii_lowercase) {
            Some(b'b') if b.len() >= 3 => (2, &b[2..]),
            Some(b'o') if b.len() >= 3 => (8, &b[2..]),
            Some(b'x') if b.len() >= 3 => (16, &b[2..]),
            _ => (8, &b[1..]),
        }
    } else {
        (10, b)
    };
    let mut n: u64 = 0;
    for &c in digits {
        let d = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'a'..=b'z' | b'A'..=b'Z' => u32::from(c.to_ascii_lowercase() - b'a') + 10,
            _ => return None,
        };
        if d >= base {
            return None;
        }
        n = n.checked_mul(u64::from(base))?.checked_add(u64::from(d))?;
    }
    Some(n)
}

/// Go's `strconv.ParseInt(s, base, 64)`: one optional sign, then [`parse_uint`].
pub fn parse_int(s: &str, base: u32) -> Option<i64> {
    let (neg, rest) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let un = parse_uint(rest, base)?;
    if neg {
        if un <= i64::MAX as u64 {
            Some(-(un as i64))
        } else if un == i64::MAX as u64 + 1 {
            Some(i64::MIN)
        } else {
            None
        }
    } else {
        i64::try_from(un).ok()
    }
}

/// Returns Go's `strconv.Atoi(s)` (an optional sign, decimal digits, in `int64`) or Go's
/// error text: `strconv.Atoi: parsing "x": invalid syntax`, `… value out of range`.
///
/// A text with a non-digit anywhere is a syntax error; Go reports an overflow it meets before
/// such a character as out of range (`99999999999999999999x`).
pub fn atoi(s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "strconv.Atoi: parsing {}: invalid syntax",
            quote(s)
        ));
    }
    parse_int(s, 10)
        .ok_or_else(|| format!("strconv.Atoi: parsing {}: value out of range", quote(s)))
}

/// Go's `strconv.ParseFloat(s, 64)`: decimal text `[sign] digits [. digits] [e [sign]
/// digits]` with Go's underscore rule, and `inf`, `infinity` (signed) and `nan` in any case;
/// `None` on a syntax error or overflow (Go's `ErrRange`). Hexadecimal floats are not read.
pub fn parse_float(s: &str) -> Option<f64> {
    if let Some(f) = special_float(s) {
        return Some(f);
    }
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let mut saw_digits = false;
    let mut saw_dot = false;
    let mut underscores = false;
    while let Some(&c) = b.get(i) {
        match c {
            b'_' => underscores = true,
            b'.' if !saw_dot => saw_dot = true,
            b'0'..=b'9' => saw_digits = true,
            _ => break,
        }
        i += 1;
    }
    if !saw_digits {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !b.get(i).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        while let Some(&c) = b.get(i) {
            match c {
                b'_' => underscores = true,
                b'0'..=b'9' => {}
                _ => break,
            }
            i += 1;
        }
    }
    if i != b.len() || (underscores && !underscore_ok(s)) {
        return None;
    }
    let f: f64 = if underscores {
        s.replace('_', "").parse().ok()?
    } else {
        s.parse().ok()?
    };
    // Go reports overflow to infinity as ErrRange; underflow to zero is fine.
    f.is_finite().then_some(f)
}

/// Go's `strconv.special` when it consumes all of `s`: an optional sign and `inf` or
/// `infinity`, or `nan` without a sign, ignoring case.
fn special_float(s: &str) -> Option<f64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    if body.eq_ignore_ascii_case("inf") || body.eq_ignore_ascii_case("infinity") {
        return Some(if neg {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    (body.len() == s.len() && body.eq_ignore_ascii_case("nan")).then_some(f64::NAN)
}

/// Go's `strconv.underscoreOK`: every `_` sits between two digits (or after a base prefix).
fn underscore_ok(s: &str) -> bool {
    let mut b = s.as_bytes();
    if matches!(b.first(), Some(b'+' | b'-')) {
        b = &b[1..];
    }
    // 'start' = beginning, '0' = digit or prefix, '_' = underscore, '!' = anything else.
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = b[1].eq_ignore_ascii_case(&b'x');
    }
    while let Some(&c) = b.get(i) {
        i += 1;
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = b'0';
            continue;
        }
        if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
            continue;
        }
        if saw == b'_' {
            return false;
        }
        saw = b'!';
    }
    saw != b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_like_go() {
        assert_eq!(quote("x.txt"), r#""x.txt""#);
        assert_eq!(quote("a\"b\\c\n\u{1}\u{7f}é"), r#""a\"b\\c\n\x01\x7fé""#);
        // kustomize-ref on a generator file source `=a\u00a0…`: U+00A0, U+2028 and U+200B
        // escaped, emoji and combining marks raw.
        assert_eq!(
            quote("a\u{a0}b\u{2028}c\u{200b}d🚀e\u{301}"),
            "\"a\\u00a0b\\u2028c\\u200bd🚀e\u{301}\""
        );
        assert_eq!(quote("\u{7}\u{85}\u{feff}"), r#""\a\u0085\ufeff""#);
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
    fn formats_floats_like_strconv() {
        // (f, FormatFloat 'g' -1 64 = %v, FormatFloat 'f' -1 64)
        let cases: &[(f64, &str, &str)] = &[
            (1.5, "1.5", "1.5"),
            (3.0, "3", "3"),
            (1e6, "1e+06", "1000000"),
            (123456.0, "123456", "123456"),
            (0.0001, "0.0001", "0.0001"),
            (0.00001, "1e-05", "0.00001"),
            (1e-7, "1e-07", "0.0000001"),
            (1e21, "1e+21", "1000000000000000000000"),
            (1e20, "1e+20", "100000000000000000000"),
            (-2.5e-10, "-2.5e-10", "-0.00000000025"),
            (-0.0, "-0", "-0"),
            (f64::NAN, "NaN", "NaN"),
            (f64::NEG_INFINITY, "-Inf", "-Inf"),
        ];
        for (f, g, fixed) in cases {
            assert_eq!(format_g(*f), *g, "{f} as %v");
            assert_eq!(format_f(*f), *fixed, "{f} as 'f'");
        }
        for (f, want) in [
            (1000.0, "1000"),
            (1234567.0, "1.234567e+06"),
            (0.1, "0.1"),
            (0.00001, "1e-05"),
            (1.5e7, "1.5e+07"),
            (1e40, ".inf"),
            (f64::NEG_INFINITY, "-.inf"),
            (f64::NAN, ".nan"),
        ] {
            assert_eq!(yaml_float_key(f), want, "{f}");
        }
    }

    #[test]
    fn parses_numbers_like_strconv() {
        assert_eq!(parse_uint("0", 0), Some(0));
        assert_eq!(parse_uint("00", 0), Some(0));
        assert_eq!(parse_uint("18446744073709551616", 0), None);
        assert_eq!(parse_int("-9223372036854775809", 0), None);
        assert_eq!(parse_int("-", 0), None);
        assert_eq!(parse_int("+-1", 0), None);
        assert!(underscore_ok("1_0.5_5e1_0"));
        assert!(!underscore_ok("1._5"));
        assert!(!underscore_ok("1_"));
        assert_eq!(parse_float("1_0.5"), Some(10.5));
        assert_eq!(parse_float("1e"), None);
        assert_eq!(parse_float("1e+"), None);
        assert_eq!(parse_float("1.5.5"), None);
        assert_eq!(parse_float("1e999"), None);
        assert_eq!(parse_float("-Infinity"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_float("+inf"), Some(f64::INFINITY));
        assert!(parse_float("NaN").is_some_and(f64::is_nan));
        assert_eq!(parse_float("-nan"), None);
        assert_eq!(parse_float("infin"), None);
        assert_eq!(parse_float(".inf"), None);
        assert_eq!(atoi("+7"), Ok(7));
        assert_eq!(atoi("-0"), Ok(0));
        assert_eq!(atoi("-9223372036854775808"), Ok(i64::MIN));
        assert_eq!(
            atoi("9223372036854775808").unwrap_err(),
            r#"strconv.Atoi: parsing "9223372036854775808": value out of range"#
        );
        assert_eq!(
            atoi("1_0").unwrap_err(),
            r#"strconv.Atoi: parsing "1_0": invalid syntax"#
        );
        assert!(atoi("").is_err());
        assert!(atoi("-").is_err());
        assert!(atoi("0x1").is_err());
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
        for (f, want) in [
            (1.5e-7, "1.5e-7"),
            (1e-6, "0.000001"),
            (1.2345678901234567e19, "12345678901234567000"),
            (-2.5e-10, "-2.5e-10"),
            (0.00001, "0.00001"),
        ] {
            assert_eq!(json_float(f).unwrap(), want, "{f}");
        }
        assert_eq!(json_float(f64::INFINITY), Err("+Inf"));
        assert_eq!(json_float(f64::NEG_INFINITY), Err("-Inf"));
        assert_eq!(json_float(f64::NAN), Err("NaN"));
    }
}
