//! Key-value pairs from a generator's `envs`, `literals` and `files` (api/kv/kv.go,
//! api/internal/generators/utils.go), and the base64 text of Secret and binary values
//! (kyaml/yaml/datamap.go `encodeBase64`).
//!
//! kustomize validates no key (its `FieldValidator` is a stub): `a b/c`, `export D` and
//! `ü` are all accepted as keys, and only repeats are an error.

use crate::error::{Error, ErrorKind, Result};
use crate::generate::KvFiles;
use crate::generate::args::{GeneratorArgs, KvSource};
use crate::go;
use crate::source::Span;

/// One key and its value, with the source entry that produced it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Pair {
    pub(crate) key: String,
    /// File contents may be any bytes; literals and env values are UTF-8.
    pub(crate) value: Vec<u8>,
    pub(crate) span: Span,
}

/// Loads every pair of `args` in kustomize's order (env files, then literals, then files) and
/// rejects a key given twice, as `makeValidatedDataMap` does.
pub(crate) fn load_pairs(args: &GeneratorArgs, files: &dyn KvFiles) -> Result<Vec<Pair>> {
    let mut pairs = Vec::new();
    let list = |sources: &[KvSource]| go::list(sources.iter().map(|s| s.text.as_str()));

    for source in &args.envs {
        let prefix = || format!("env source files: {}", list(&args.envs));
        let content = files
            .read(&source.text)
            .map_err(|e| rewrap(args, &prefix(), e, source.span))?;
        let lines = env_pairs(&content).map_err(|message| {
            args.error_at(
                ErrorKind::Kustomization,
                format!("loading KV pairs: {}: {message}", prefix()),
                source.span,
            )
        })?;
        pairs.extend(lines.into_iter().map(|(key, value)| Pair {
            key,
            value: value.into_bytes(),
            span: source.span,
        }));
    }

    for source in &args.literals {
        let Some((key, value)) = literal_pair(&source.text) else {
            return Err(args.error_at(
                ErrorKind::Kustomization,
                format!(
                    "loading KV pairs: literal sources {}: invalid literal source {}, expected key=value",
                    list(&args.literals),
                    source.text
                ),
                source.span,
            ));
        };
        pairs.push(Pair {
            key: key.to_owned(),
            value: value.as_bytes().to_vec(),
            span: source.span,
        });
    }

    for source in &args.files {
        let prefix = || format!("file sources: {}", list(&args.files));
        let (key, path) = file_source(&source.text).map_err(|message| {
            args.error_at(
                ErrorKind::Kustomization,
                format!("loading KV pairs: {}: {message}", prefix()),
                source.span,
            )
        })?;
        let value = files
            .read(path)
            .map_err(|e| rewrap(args, &prefix(), e, source.span))?;
        pairs.push(Pair {
            key,
            value,
            span: source.span,
        });
    }

    let mut seen = std::collections::BTreeSet::new();
    for p in &pairs {
        if !seen.insert(p.key.as_str()) {
            // The message says "configmap" for Secrets too (utils.go).
            return Err(args.error_at(
                ErrorKind::Kustomization,
                format!(
                    "configmap {} illegally repeats the key `{}`",
                    args.name, p.key
                ),
                p.span,
            ));
        }
    }
    Ok(pairs)
}

/// Puts kustomize's "loading KV pairs: <sources>: " in front of a file-read error and locates
/// it at the source entry, keeping the error's kind and context.
fn rewrap(args: &GeneratorArgs, prefix: &str, e: Error, span: Span) -> Error {
    let mut out = args.error_at(
        e.kind(),
        format!("loading KV pairs: {prefix}: {}", e.message()),
        span,
    );
    for c in e.context() {
        out = out.with_context(c.clone());
    }
    out
}

/// Splits a literal source at its first `=` and drops one pair of matching outer quotes from
/// the value (kv.go `parseLiteralSource`, `removeQuotes`). Returns `None` when there is no
/// `=` or the text starts with one.
pub(crate) fn literal_pair(source: &str) -> Option<(&str, &str)> {
    if source.starts_with('=') {
        return None;
    }
    let (key, value) = source.split_once('=')?;
    let b = value.as_bytes();
    let quoted = b.len() >= 2 && b[0] == b[b.len() - 1] && matches!(b[0], b'"' | b'\'');
    Some((
        key,
        if quoted {
            &value[1..value.len() - 1]
        } else {
            value
        },
    ))
}

/// Reads a file source, `path` or `key=path` (utils.go `ParseFileSource`); the key defaults to
/// the path's last element (Go `path.Base`). Returns the key and the path, or kustomize's
/// message.
pub(crate) fn file_source(source: &str) -> Result<(String, &str), String> {
    match source.matches('=').count() {
        0 => Ok((path_base(source), source)),
        1 if source.starts_with('=') => Err(format!(
            "missing key name for file path {} in source {}",
            go::quote(&source[1..]),
            go::quote(source)
        )),
        1 if source.ends_with('=') => Err(format!(
            "missing file path for key name {} in source {}",
            go::quote(&source[..source.len() - 1]),
            go::quote(source)
        )),
        1 => {
            let (key, path) = source.split_once('=').unwrap_or((source, ""));
            Ok((key.to_owned(), path))
        }
        _ => Err(format!(
            "source {} key name or file path contains '='",
            go::quote(source)
        )),
    }
}

/// Go's `path.Base`: the last slash-separated element, trailing slashes ignored; `.` for an
/// empty path, `/` for only slashes.
fn path_base(path: &str) -> String {
    if path.is_empty() {
        return ".".to_owned();
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".to_owned();
    }
    match trimmed.rfind('/') {
        Some(i) => trimmed[i + 1..].to_owned(),
        None => trimmed.to_owned(),
    }
}

/// The longest line `bufio.Scanner` returns with its default buffer: a line of 65536 bytes or
/// more (a `\r` before the `\n` counts) stops the scan.
const MAX_LINE: usize = 64 * 1024 - 1;

/// Parses an env file as kv.go `keyValuesFromLines` does: lines split at `\n` with one `\r`
/// dropped; a UTF-8 BOM dropped from the first line only; leading whitespace trimmed; blank
/// and `#` lines skipped; `KEY=VALUE` split at the first `=` with the value verbatim (quotes
/// and trailing spaces kept); a bare `KEY` is `""`; an empty key (`=5`) is skipped silently.
///
/// Quirk reproduced: kustomize never checks the scanner's error, so a line too long for
/// `bufio.Scanner` ends the file there, silently (kustomize-ref: with a 65536-byte line the
/// pairs after it vanish). Returns kustomize's message for a line that is not UTF-8.
pub(crate) fn env_pairs(content: &[u8]) -> Result<Vec<(String, String)>, String> {
    let mut pairs = Vec::new();
    for (n, line) in scan_lines(content).enumerate() {
        let Ok(text) = std::str::from_utf8(line) else {
            return Err(format!(
                "line {} has invalid utf8 bytes : {}",
                go::byte_list(line),
                go::lossy(line)
            ));
        };
        let text = if n == 0 {
            text.strip_prefix('\u{feff}').unwrap_or(text)
        } else {
            text
        };
        // Go's unicode.IsSpace and Rust's char::is_whitespace are both Unicode White_Space.
        let text = text.trim_start_matches(char::is_whitespace);
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        let (key, value) = text.split_once('=').unwrap_or((text, ""));
        if key.is_empty() {
            continue;
        }
        pairs.push((key.to_owned(), value.to_owned()));
    }
    Ok(pairs)
}

/// `bufio.Scanner` with `ScanLines`, stopping (as on `ErrTooLong`) at a line longer than
/// [`MAX_LINE`].
fn scan_lines(content: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(content);
    std::iter::from_fn(move || {
        let data = rest.filter(|d| !d.is_empty())?;
        let (line, next) = match data.iter().position(|&b| b == b'\n') {
            Some(i) => (&data[..i], Some(&data[i + 1..])),
            None => (data, None),
        };
        if line.len() > MAX_LINE {
            rest = None;
            return None;
        }
        rest = next;
        Some(line.strip_suffix(b"\r").unwrap_or(line))
    })
}

/// Base64 (standard alphabet, padded) as kyaml's `encodeBase64` writes Secret values and
/// ConfigMap `binaryData`: once the encoding is 70 characters or longer (input of 52 bytes or
/// more) it is cut into lines of 70, each followed by `\n`, the last one too.
pub(crate) fn encode_base64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    const LINE: usize = 70;
    let plain = base64::engine::general_purpose::STANDARD.encode(bytes);
    if plain.len() < LINE {
        return plain;
    }
    let mut wrapped = String::with_capacity(plain.len() + plain.len() / LINE + 1);
    for line in plain.as_bytes().chunks(LINE) {
        // Base64 text is ASCII, so every chunk is valid UTF-8.
        wrapped.push_str(std::str::from_utf8(line).unwrap_or_default());
        wrapped.push('\n');
    }
    wrapped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_literals_like_kustomize() {
        // kustomize-ref cases l1, l2, l3 and hash-example 01.
        let cases = [
            ("A=1", Some(("A", "1"))),
            ("C=\"quoted value\"", Some(("C", "quoted value"))),
            ("D=x=y", Some(("D", "x=y"))),
            ("A=\"x'", Some(("A", "\"x'"))),
            ("B=\"\"", Some(("B", ""))),
            ("C=\"", Some(("C", "\""))),
            ("D='q'", Some(("D", "q"))),
            ("E=\"\"x\"\"", Some(("E", "\"x\""))),
            ("F=", Some(("F", ""))),
            ("G===", Some(("G", "=="))),
            (" H = v ", Some((" H ", " v "))),
            ("a b/c=1", Some(("a b/c", "1"))),
            ("=x", None),
            ("novalue", None),
            ("", None),
        ];
        for (source, want) in cases {
            assert_eq!(literal_pair(source), want, "{source:?}");
        }
    }

    #[test]
    fn reads_file_sources_like_kustomize() {
        // kustomize-ref cases f2..f8.
        let ok = [
            ("app.properties", ("app.properties", "app.properties")),
            ("renamed.txt=notes.txt", ("renamed.txt", "notes.txt")),
            ("./sub/x.txt", ("x.txt", "./sub/x.txt")),
            ("sub/", ("sub", "sub/")),
            ("", (".", "")),
            ("/", ("/", "/")),
        ];
        for (source, (key, path)) in ok {
            assert_eq!(
                file_source(source),
                Ok((key.to_owned(), path)),
                "{source:?}"
            );
        }
        let bad = [
            (
                "=x.txt",
                r#"missing key name for file path "x.txt" in source "=x.txt""#,
            ),
            ("=", r#"missing key name for file path "" in source "=""#),
            ("k=", r#"missing file path for key name "k" in source "k=""#),
            (
                "a=b=c",
                r#"source "a=b=c" key name or file path contains '='"#,
            ),
        ];
        for (source, message) in bad {
            assert_eq!(file_source(source), Err(message.to_owned()), "{source:?}");
        }
    }

    fn env(content: &[u8]) -> Vec<String> {
        env_pairs(content)
            .unwrap()
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect()
    }

    #[test]
    fn parses_env_files_like_kustomize() {
        // hash-example 03.
        assert_eq!(
            env(b"\xef\xbb\xbf# comment line\nFOO=bar\n\n   # indented comment\nQUOTED=\"kept quotes\"\nEMPTY=\nNOVALUE\nSPACES=  a b  \nEQ=a=b=c\n"),
            ["FOO=bar", "QUOTED=\"kept quotes\"", "EMPTY=", "NOVALUE=", "SPACES=  a b  ", "EQ=a=b=c"]
        );
        // kustomize-ref case e1: CRLF, a BOM on a later line is kept, `=5` vanishes.
        assert_eq!(
            env(b"\xef\xbb\xbfA=1\r\n  B = 2 \r\n\t# c\n\xef\xbb\xbfC=3\nexport D=4\n=5\n"),
            ["A=1", "B = 2 ", "\u{feff}C=3", "export D=4"]
        );
        // e3: Unicode whitespace is trimmed, NUL kept, no final newline needed.
        assert_eq!(
            env(b"A=1\n\n\n  \x0b\x0c\n\xc2\x85B=2\n\xe3\x80\x80C=3\nD=x\x00y"),
            ["A=1", "B=2", "C=3", "D=x\0y"]
        );
        assert_eq!(
            env_pairs(b"A=\xff\n"),
            Err("line [65 61 255] has invalid utf8 bytes : A=\u{fffd}".to_owned())
        );
    }

    #[test]
    fn stops_at_a_line_too_long_for_bufio() {
        // kustomize-ref cases e8/e9: "L=" + 65533 bytes is kept, + 65534 ends the file.
        for (len, with_newline, want) in [
            (65533, true, 3),
            (65534, true, 1),
            (65533, false, 2),
            (65534, false, 1),
        ] {
            let mut content = b"A=1\nL=".to_vec();
            content.extend(std::iter::repeat_n(b'x', len));
            if with_newline {
                content.extend_from_slice(b"\nB=2\n");
            }
            assert_eq!(
                env_pairs(&content).unwrap().len(),
                want,
                "{len} {with_newline}"
            );
        }
        // A `\r` counts toward the limit.
        let mut content = b"L=".to_vec();
        content.extend(std::iter::repeat_n(b'x', 65533));
        content.extend_from_slice(b"\r\nB=2\n");
        assert_eq!(env_pairs(&content).unwrap().len(), 0);
    }

    #[test]
    fn encodes_base64_like_kyaml() {
        // hash-examples 04, 05 and kustomize-ref case b64 (51/52/105 bytes).
        assert_eq!(encode_base64(b""), "");
        assert_eq!(encode_base64(b"admin"), "YWRtaW4=");
        assert_eq!(encode_base64(b"s3cr3t!"), "czNjcjN0IQ==");
        assert_eq!(
            encode_base64(b"\x00\x01\x02\xff\xfe binary \x80"),
            "AAEC//4gYmluYXJ5IIA="
        );
        let a = |n| vec![b'a'; n];
        assert_eq!(encode_base64(&a(51)).len(), 68);
        assert!(!encode_base64(&a(51)).contains('\n'));
        assert_eq!(
            encode_base64(&a(52)),
            "YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYQ\n==\n"
        );
        let long = encode_base64(&a(105));
        assert_eq!(long.len(), 142);
        assert!(long.ends_with("YWFhYWFh\n") && long.matches('\n').count() == 2);
    }
}
