//! encoding/json's syntax for JSON 6902 patches written as JSON text: the values the
//! operations are read from, with encoding/json's syntax errors and its decoding of strings.

use std::collections::BTreeMap;

use super::{Atom, J, JEntry, JScalar, MAX_DEPTH};
use crate::go;
use crate::source::Span;

/// Returns true if `text` is one JSON value, as `encoding/json` reads it.
pub(crate) fn is_json(text: &str) -> bool {
    JsonParser::new(text).parse().is_ok()
}

pub(super) struct JsonParser<'a> {
    text: &'a str,
    b: &'a [u8],
    i: usize,
    depth: usize,
}

pub(super) type JsonResult<T> = std::result::Result<T, (String, u32)>;

/// encoding/json's `quoteChar`.
fn quote_char(c: u8) -> String {
    match c {
        b'\'' => "'\\''".into(),
        b'"' => "'\"'".into(),
        c if c.is_ascii() => {
            let q = go::quote(&char::from(c).to_string());
            format!("'{}'", &q[1..q.len() - 1])
        }
        c => format!("'\\x{c:02x}'"),
    }
}

impl<'a> JsonParser<'a> {
    pub(super) fn new(text: &'a str) -> JsonParser<'a> {
        JsonParser {
            text,
            b: text.as_bytes(),
            i: 0,
            depth: 0,
        }
    }

    fn at(&self) -> u32 {
        u32::try_from(self.i).unwrap_or(u32::MAX)
    }

    fn err<T>(&self, msg: String) -> JsonResult<T> {
        Err((msg, self.at()))
    }

    fn eof<T>(&self) -> JsonResult<T> {
        self.err("unexpected end of JSON input".into())
    }

    fn ws(&mut self) {
        while matches!(self.b.get(self.i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    pub(super) fn parse(mut self) -> JsonResult<J> {
        let v = self.value()?;
        self.ws();
        if let Some(&c) = self.b.get(self.i) {
            return self.err(format!(
                "invalid character {} after top-level value",
                quote_char(c)
            ));
        }
        Ok(v)
    }

    fn value(&mut self) -> JsonResult<J> {
        self.ws();
        let Some(&c) = self.b.get(self.i) else {
            return self.eof();
        };
        match c {
            b'{' => self.object(),
            b'[' => self.array(),
            b'"' => {
                let start = self.i;
                let s = self.string()?;
                Ok(J::Scalar(Box::new(JScalar {
                    raw: self.text.get(start..self.i).unwrap_or_default().to_owned(),
                    atom: Atom::Str(s),
                    orig: None,
                    span: self.span_from(start),
                })))
            }
            b'-' | b'0'..=b'9' => self.number(),
            b't' => self.literal("true", true),
            b'f' => self.literal("false", false),
            b'n' => self.null(),
            c => self.err(format!(
                "invalid character {} looking for beginning of value",
                quote_char(c)
            )),
        }
    }

    fn enter(&mut self) -> JsonResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.err(format!("patch is nested deeper than {MAX_DEPTH} levels"));
        }
        Ok(())
    }

    fn object(&mut self) -> JsonResult<J> {
        self.enter()?;
        let start = self.i;
        self.i += 1;
        let mut entries = BTreeMap::new();
        self.ws();
        if self.b.get(self.i) == Some(&b'}') {
            self.i += 1;
            self.depth -= 1;
            return Ok(J::Map(entries, self.span_from(start)));
        }
        loop {
            self.ws();
            match self.b.get(self.i) {
                None => return self.eof(),
                Some(b'"') => {}
                Some(&c) => {
                    return self.err(format!(
                        "invalid character {} looking for beginning of object key string",
                        quote_char(c)
                    ));
                }
            }
            let key = self.string()?;
            self.ws();
            match self.b.get(self.i) {
                None => return self.eof(),
                Some(b':') => self.i += 1,
                Some(&c) => {
                    return self.err(format!(
                        "invalid character {} after object key",
                        quote_char(c)
                    ));
                }
            }
            let value = self.value()?;
            // encoding/json keeps the last of repeated keys.
            entries.insert(
                key,
                JEntry {
                    key_node: None,
                    value,
                },
            );
            self.ws();
            match self.b.get(self.i) {
                None => return self.eof(),
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    self.depth -= 1;
                    return Ok(J::Map(entries, self.span_from(start)));
                }
                Some(&c) => {
                    return self.err(format!(
                        "invalid character {} after object key:value pair",
                        quote_char(c)
                    ));
                }
            }
        }
    }

    fn array(&mut self) -> JsonResult<J> {
        self.enter()?;
        let start = self.i;
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.b.get(self.i) == Some(&b']') {
            self.i += 1;
            self.depth -= 1;
            return Ok(J::Seq(items, self.span_from(start)));
        }
        loop {
            items.push(self.value()?);
            self.ws();
            match self.b.get(self.i) {
                None => return self.eof(),
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    self.depth -= 1;
                    return Ok(J::Seq(items, self.span_from(start)));
                }
                Some(&c) => {
                    return self.err(format!(
                        "invalid character {} after array element",
                        quote_char(c)
                    ));
                }
            }
        }
    }

    fn span_from(&self, start: usize) -> Span {
        Span::new(
            u32::try_from(start).unwrap_or(u32::MAX),
            u32::try_from(self.i).unwrap_or(u32::MAX),
        )
    }

    fn null(&mut self) -> JsonResult<J> {
        self.word("null")?;
        Ok(J::Null)
    }

    fn literal(&mut self, word: &str, b: bool) -> JsonResult<J> {
        let start = self.i;
        self.word(word)?;
        Ok(J::Scalar(Box::new(JScalar {
            raw: word.to_owned(),
            atom: Atom::Bool(b),
            orig: None,
            span: self.span_from(start),
        })))
    }

    fn word(&mut self, word: &str) -> JsonResult<()> {
        for want in word.bytes().skip(1) {
            self.i += 1;
            match self.b.get(self.i) {
                None => return self.eof(),
                Some(&c) if c == want => {}
                Some(&c) => {
                    let expecting = char::from(want);
                    return self.err(format!(
                        "invalid character {} in literal {word} (expecting '{expecting}')",
                        quote_char(c)
                    ));
                }
            }
        }
        self.i += 1;
        Ok(())
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while self.b.get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> JsonResult<J> {
        let start = self.i;
        if self.b.get(self.i) == Some(&b'-') {
            self.i += 1;
            match self.b.get(self.i) {
                None => return self.eof(),
                Some(b'0'..=b'9') => {}
                Some(&c) => {
                    return self.err(format!(
                        "invalid character {} in numeric literal",
                        quote_char(c)
                    ));
                }
            }
        }
        if self.b.get(self.i) == Some(&b'0') {
            self.i += 1;
        } else {
            self.digits();
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            match self.b.get(self.i) {
                None => return self.eof(),
                Some(b'0'..=b'9') => {
                    self.digits();
                }
                Some(&c) => {
                    return self.err(format!(
                        "invalid character {} after decimal point in numeric literal",
                        quote_char(c)
                    ));
                }
            }
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            match self.b.get(self.i) {
                None => return self.eof(),
                Some(b'0'..=b'9') => {
                    self.digits();
                }
                Some(&c) => {
                    return self.err(format!(
                        "invalid character {} in exponent of numeric literal",
                        quote_char(c)
                    ));
                }
            }
        }
        Ok(J::Scalar(Box::new(JScalar {
            raw: self.text.get(start..self.i).unwrap_or_default().to_owned(),
            atom: Atom::Num,
            orig: None,
            span: self.span_from(start),
        })))
    }

    fn hex4(&mut self) -> JsonResult<u32> {
        let mut n = 0u32;
        for _ in 0..4 {
            let Some(&c) = self.b.get(self.i) else {
                return self.eof();
            };
            let d = match c {
                b'0'..=b'9' => c - b'0',
                b'a'..=b'f' => c - b'a' + 10,
                b'A'..=b'F' => c - b'A' + 10,
                _ => {
                    return self.err(format!(
                        "invalid character {} in \\u hexadecimal character escape",
                        quote_char(c)
                    ));
                }
            };
            n = n * 16 + u32::from(d);
            self.i += 1;
        }
        Ok(n)
    }

    /// Reads a string token, returning its decoded text (invalid surrogates become U+FFFD,
    /// as encoding/json decodes them).
    fn string(&mut self) -> JsonResult<String> {
        self.i += 1;
        let mut out = String::new();
        loop {
            let Some(&c) = self.b.get(self.i) else {
                return self.eof();
            };
            match c {
                b'"' => {
                    self.i += 1;
                    return Ok(out);
                }
                b'\\' => {
                    self.i += 1;
                    let Some(&e) = self.b.get(self.i) else {
                        return self.eof();
                    };
                    self.i += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            if (0xD800..0xDC00).contains(&hi)
                                && self.b.get(self.i) == Some(&b'\\')
                                && self.b.get(self.i + 1) == Some(&b'u')
                            {
                                let save = self.i;
                                self.i += 2;
                                let lo = self.hex4()?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                                    out.push(char::from_u32(cp).unwrap_or('\u{FFFD}'));
                                } else {
                                    out.push('\u{FFFD}');
                                    self.i = save;
                                }
                            } else {
                                out.push(char::from_u32(hi).unwrap_or('\u{FFFD}'));
                            }
                        }
                        c => {
                            self.i -= 1;
                            return self.err(format!(
                                "invalid character {} in string escape code",
                                quote_char(c)
                            ));
                        }
                    }
                }
                c if c < 0x20 => {
                    return self.err(format!(
                        "invalid character {} in string literal",
                        quote_char(c)
                    ));
                }
                _ => {
                    // Copy one UTF-8 character.
                    let rest = self.text.get(self.i..).unwrap_or_default();
                    match rest.chars().next() {
                        Some(ch) => {
                            out.push(ch);
                            self.i += ch.len_utf8();
                        }
                        None => return self.eof(),
                    }
                }
            }
        }
    }
}
