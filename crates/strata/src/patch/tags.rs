//! The type go-yaml v3 gives plain text (its `resolve("", text)`), as kyaml's nodes carry it.
//!
//! The merge needs a scalar's v3 tag in three places: `!!null` marks a field to clear, `!!str`
//! decides whether kyaml's `FieldSetter` quotes a YAML 1.1 boolean, and on output go-yaml's
//! encoder drops a tag only when the text resolves back to it (else it quotes a string or prints
//! the tag). Only the tag matters here, never the value.
//!
//! This mirrors go-yaml v3.0.1 `resolve.go` (`resolveTable`, `resolveMap`, `parseTimestamp`)
//! and the parts of Go's `strconv` and `time.Parse` it calls. `yaml::resolve` on the `emit`
//! branch computes the same tags (and values); once merged, [`plain_tag`] can defer to it.
//!
//! Stage: part of `patch`; uses nothing else in the crate.

/// The v3 short tags this module returns.
pub(super) const NULL: &str = "!!null";
pub(super) const BOOL: &str = "!!bool";
pub(super) const STR: &str = "!!str";
pub(super) const INT: &str = "!!int";
pub(super) const FLOAT: &str = "!!float";
pub(super) const TIMESTAMP: &str = "!!timestamp";
pub(super) const MERGE: &str = "!!merge";
pub(super) const MAP: &str = "!!map";
pub(super) const SEQ: &str = "!!seq";

/// Returns the tag go-yaml v3 resolves plain, untagged `text` to.
///
/// Note that `<<` resolves to `!!str` here: only the parser tags a plain `<<` `!!merge`.
pub(super) fn plain_tag(text: &str) -> &'static str {
    let Some(&first) = text.as_bytes().first() else {
        return NULL;
    };
    let hint = match first {
        b'+' | b'-' => b'S',
        b'0'..=b'9' => b'D',
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => b'M',
        b'.' => b'.',
        _ => return STR,
    };
    match text {
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => return BOOL,
        "~" | "null" | "Null" | "NULL" => return NULL,
        ".nan" | ".NaN" | ".NAN" | ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF"
        | "-.inf" | "-.Inf" | "-.INF" => return FLOAT,
        _ => {}
    }
    match hint {
        b'.' if go_parse_float(text) => return FLOAT,
        b'D' | b'S' => {
            if is_timestamp(text) {
                return TIMESTAMP;
            }
            let plain: String = text.chars().filter(|&c| c != '_').collect();
            if go_parse_int(&plain) || go_parse_uint(&plain) {
                return INT;
            }
            if is_yaml_style_float(&plain) && go_parse_float(&plain) {
                return FLOAT;
            }
            let digits_ok = |s: &str, radix: u32| {
                !s.is_empty() && s.chars().all(|c| c.is_digit(radix)) && fits_u64(s, radix)
            };
            if let Some(rest) = plain.strip_prefix("0b") {
                if digits_ok(rest, 2) {
                    return INT;
                }
            } else if let Some(rest) = plain.strip_prefix("-0b") {
                if digits_ok(rest, 2) && fits_neg_i64(rest, 2) {
                    return INT;
                }
            }
            if let Some(rest) = plain.strip_prefix("0o") {
                if digits_ok(rest, 8) {
                    return INT;
                }
            } else if let Some(rest) = plain.strip_prefix("-0o") {
                if digits_ok(rest, 8) && fits_neg_i64(rest, 8) {
                    return INT;
                }
            }
        }
        _ => {}
    }
    STR
}

/// Returns true if go-yaml v2 (YAML 1.1) reads `text` as something other than a string while
/// v3 reads it as one: the YAML 1.1 booleans. kyaml's `IsYaml1_1NonString`
/// (kyaml/yaml/compatibility.go) quotes such strings when a `FieldSetter` writes them.
pub(super) fn is_yaml11_only_bool(text: &str) -> bool {
    matches!(
        text,
        "y" | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "on"
            | "On"
            | "ON"
            | "off"
            | "Off"
            | "OFF"
    )
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$` (resolve.go `yamlStyleFloat`).
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go's `strconv.ParseInt(s, 0, 64)` succeeds (sign, then `0x`/`0o`/`0b`/`0` prefix).
fn go_parse_int(s: &str) -> bool {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let (radix, digits) = go_base_prefix(body);
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return false;
    }
    let limit = if neg {
        i64::MAX as u64 + 1
    } else {
        i64::MAX as u64
    };
    u64::from_str_radix(digits, radix).is_ok_and(|v| v <= limit)
}

/// Go's `strconv.ParseUint(s, 0, 64)` succeeds (no sign allowed).
fn go_parse_uint(s: &str) -> bool {
    let (radix, digits) = go_base_prefix(s);
    !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix)) && fits_u64(digits, radix)
}

/// Splits Go's base-0 prefix: `0x`/`0X` 16, `0o`/`0O` 8, `0b`/`0B` 2, a leading `0` 8.
fn go_base_prefix(s: &str) -> (u32, &str) {
    let b = s.as_bytes();
    if b.first() != Some(&b'0') || b.len() == 1 {
        return (10, s);
    }
    match b.get(1) {
        Some(b'x' | b'X') => (16, &s[2..]),
        Some(b'o' | b'O') => (8, &s[2..]),
        Some(b'b' | b'B') => (2, &s[2..]),
        _ => (8, &s[1..]),
    }
}

fn fits_u64(digits: &str, radix: u32) -> bool {
    u64::from_str_radix(digits, radix).is_ok()
}

fn fits_neg_i64(digits: &str, radix: u32) -> bool {
    u64::from_str_radix(digits, radix).is_ok_and(|v| v <= i64::MAX as u64 + 1)
}

/// Go's `strconv.ParseFloat(s, 64)` succeeds for the texts that reach it here: decimal forms
/// (`.inf` and `.nan` spellings are in the resolve map, checked before). Go fails on
/// out-of-range values, so an infinite result fails here too.
fn go_parse_float(s: &str) -> bool {
    if !s
        .bytes()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        return false;
    }
    s.parse::<f64>().is_ok_and(f64::is_finite)
}

/// go-yaml's `parseTimestamp`: `YYYY-` first, then one of `2006-1-2T15:4:5.999999999Z07:00`
/// (also with `t`), `2006-1-2 15:4:5.999999999` or `2006-1-2`, as Go's `time.Parse` reads them.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let mut p = Cursor { b, i: 5 };
    let year: u32 = b[..4].iter().fold(0, |a, d| a * 10 + u32::from(d - b'0'));
    let Some(month) = p.num(1, 12) else {
        return false;
    };
    if !p.eat(b'-') {
        return false;
    }
    let Some(day) = p.num(1, 31) else {
        return false;
    };
    if day > days_in_month(year, month) {
        return false;
    }
    if p.done() {
        return true;
    }
    let zoned = match b.get(p.i) {
        Some(b'T' | b't') => true,
        Some(b' ') => false,
        _ => return false,
    };
    p.i += 1;
    if p.num(0, 23).is_none() || !p.eat(b':') || p.num(0, 59).is_none() || !p.eat(b':') {
        return false;
    }
    if p.num(0, 59).is_none() {
        return false;
    }
    // Optional fraction: a period or comma followed by digits.
    if matches!(b.get(p.i), Some(b'.' | b',')) && b.get(p.i + 1).is_some_and(u8::is_ascii_digit) {
        p.i += 1;
        while b.get(p.i).is_some_and(u8::is_ascii_digit) {
            p.i += 1;
        }
    }
    if !zoned {
        return p.done();
    }
    match b.get(p.i) {
        Some(b'Z') => {
            p.i += 1;
            p.done()
        }
        Some(b'+' | b'-') => {
            p.i += 1;
            let two = |p: &mut Cursor| {
                let ok =
                    p.b.get(p.i..p.i + 2)
                        .is_some_and(|d| d.iter().all(u8::is_ascii_digit));
                p.i += 2;
                ok
            };
            two(&mut p) && p.eat(b':') && two(&mut p) && p.done()
        }
        _ => false,
    }
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    /// Reads one or two digits (Go's non-fixed `getnum`) and checks the range.
    fn num(&mut self, lo: u32, hi: u32) -> Option<u32> {
        let d0 = *self.b.get(self.i).filter(|c| c.is_ascii_digit())?;
        self.i += 1;
        let mut v = u32::from(d0 - b'0');
        if let Some(d1) = self.b.get(self.i).filter(|c| c.is_ascii_digit()) {
            v = v * 10 + u32::from(d1 - b'0');
            self.i += 1;
        }
        (lo..=hi).contains(&v).then_some(v)
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn done(&self) -> bool {
        self.i == self.b.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each row: text, the tag go-yaml v3.0.1's `resolve("", text)` gives it.
    #[test]
    fn plain_tags_follow_go_yaml_v3() {
        let cases: &[(&str, &str)] = &[
            ("", NULL),
            ("~", NULL),
            ("null", NULL),
            ("NULL", NULL),
            ("nULL", STR),
            ("true", BOOL),
            ("True", BOOL),
            ("yes", STR),
            ("on", STR),
            ("y", STR),
            ("1", INT),
            ("+1", INT),
            ("-1", INT),
            ("017", INT),
            ("08", FLOAT),
            ("0x1F", INT),
            ("0o17", INT),
            ("0b101", INT),
            ("-0b11", INT),
            ("1_000", INT),
            ("9223372036854775808", INT),
            ("18446744073709551616", FLOAT),
            ("1.5", FLOAT),
            ("1.", FLOAT),
            (".5", FLOAT),
            ("1e3", FLOAT),
            ("1e400", STR),
            (".inf", FLOAT),
            ("-.Inf", FLOAT),
            (".nan", FLOAT),
            (".", STR),
            ("2024-01-15", TIMESTAMP),
            ("2024-1-5", TIMESTAMP),
            ("2024-02-30", STR),
            ("2024-01-15T10:00:00Z", TIMESTAMP),
            ("2024-01-15t10:00:00.5+01:00", TIMESTAMP),
            ("2024-01-15T10:00:00", STR),
            ("2024-01-15 10:00:00", TIMESTAMP),
            ("1:20", STR),
            ("<<", STR),
            ("abc", STR),
            ("-", STR),
            ("-a", STR),
            ("+", STR),
            ("0x", STR),
        ];
        for (text, tag) in cases {
            assert_eq!(plain_tag(text), *tag, "{text:?}");
        }
    }

    #[test]
    fn yaml11_booleans() {
        assert!(is_yaml11_only_bool("yes"));
        assert!(is_yaml11_only_bool("OFF"));
        assert!(!is_yaml11_only_bool("yEs"));
        assert!(!is_yaml11_only_bool("true"));
    }
}
