//! Kubernetes label selectors (`app=web,tier in (front),!legacy`): the parser and matcher of
//! k8s.io/apimachinery's `labels.Parse`, as kyaml copies it
//! (kyaml/yaml/internal/k8sgen/pkg/labels/selector.go), with its error texts.
//!
//! Patch targets (`patches[].target.labelSelector`, `annotationSelector`) and replacement
//! selectors (`select`/`reject`) both use it.
//!
//! This module may use `crate::go`.

use crate::go;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    In,
    NotIn,
    Equals,
    DoubleEquals,
    NotEquals,
    Exists,
    DoesNotExist,
    GreaterThan,
    LessThan,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Requirement {
    key: String,
    op: Op,
    values: Vec<String>,
}

/// A parsed label selector: every requirement must hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct LabelSelector {
    requirements: Vec<Requirement>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    Error,
    End,
    ClosedPar,
    Comma,
    DoesNotExist,
    DoubleEquals,
    Equals,
    GreaterThan,
    Identifier,
    In,
    LessThan,
    NotEquals,
    NotIn,
    OpenPar,
}

fn keyword(s: &str) -> Option<Tok> {
    Some(match s {
        ")" => Tok::ClosedPar,
        "," => Tok::Comma,
        "!" => Tok::DoesNotExist,
        "==" => Tok::DoubleEquals,
        "=" => Tok::Equals,
        ">" => Tok::GreaterThan,
        "in" => Tok::In,
        "<" => Tok::LessThan,
        "!=" => Tok::NotEquals,
        "notin" => Tok::NotIn,
        "(" => Tok::OpenPar,
        _ => return None,
    })
}

fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_special(c: u8) -> bool {
    matches!(c, b'=' | b'!' | b'(' | b')' | b',' | b'>' | b'<')
}

/// The selector lexer: every token up to and including the end-of-string token.
fn lex(s: &str) -> Vec<(Tok, String)> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    loop {
        while b.get(i).is_some_and(|&c| is_ws(c)) {
            i += 1;
        }
        let Some(&c) = b.get(i) else {
            out.push((Tok::End, String::new()));
            return out;
        };
        if is_special(c) {
            let start = i;
            let mut last: Option<(Tok, usize)> = None;
            while let Some(&c) = b.get(i) {
                if !is_special(c) {
                    break;
                }
                i += 1;
                match s.get(start..i).and_then(keyword) {
                    Some(t) => last = Some((t, i)),
                    None if last.is_some() => {
                        i -= 1;
                        break;
                    }
                    None => {}
                }
            }
            match last {
                Some((t, end)) => {
                    i = end;
                    out.push((t, s.get(start..end).unwrap_or_default().to_owned()));
                }
                None => out.push((
                    Tok::Error,
                    format!(
                        "error expected: keyword found '{}'",
                        s.get(start..i).unwrap_or_default()
                    ),
                )),
            }
        } else {
            let start = i;
            while b.get(i).is_some_and(|&c| !is_special(c) && !is_ws(c)) {
                i += 1;
            }
            // Identifiers end at ASCII bytes only, so the slice is on char boundaries.
            let word = s.get(start..i).unwrap_or_default().to_owned();
            out.push((keyword(&word).unwrap_or(Tok::Identifier), word));
        }
    }
}

struct SelParser {
    items: Vec<(Tok, String)>,
    pos: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    KeyAndOperator,
    Values,
}

impl SelParser {
    fn item(&self, at: usize, ctx: Ctx) -> (Tok, String) {
        let (t, l) = self
            .items
            .get(at)
            .cloned()
            .unwrap_or((Tok::End, String::new()));
        let t = match (ctx, t) {
            (Ctx::Values, Tok::In | Tok::NotIn) => Tok::Identifier,
            (_, t) => t,
        };
        (t, l)
    }

    fn lookahead(&self, ctx: Ctx) -> (Tok, String) {
        self.item(self.pos, ctx)
    }

    fn consume(&mut self, ctx: Ctx) -> (Tok, String) {
        let r = self.item(self.pos, ctx);
        self.pos += 1;
        r
    }

    fn parse(&mut self) -> std::result::Result<Vec<Requirement>, String> {
        let mut reqs = Vec::new();
        loop {
            let (t, lit) = self.lookahead(Ctx::Values);
            match t {
                Tok::Identifier | Tok::DoesNotExist => {
                    let r = self
                        .requirement()
                        .map_err(|e| format!("unable to parse requirement: {e}"))?;
                    reqs.push(r);
                    let (t, l) = self.consume(Ctx::Values);
                    match t {
                        Tok::End => return Ok(reqs),
                        Tok::Comma => {
                            let (t2, l2) = self.lookahead(Ctx::Values);
                            if t2 != Tok::Identifier && t2 != Tok::DoesNotExist {
                                return Err(format!(
                                    "found '{l2}', expected: identifier after ','"
                                ));
                            }
                        }
                        _ => return Err(format!("found '{l}', expected: ',' or 'end of string'")),
                    }
                }
                Tok::End => return Ok(reqs),
                _ => {
                    return Err(format!(
                        "found '{lit}', expected: !, identifier, or 'end of string'"
                    ));
                }
            }
        }
    }

    fn requirement(&mut self) -> std::result::Result<Requirement, String> {
        let (key, op) = self.key_and_operator()?;
        if let Some(op @ (Op::Exists | Op::DoesNotExist)) = op {
            return new_requirement(key, op, Vec::new());
        }
        let op = self.operator()?;
        let values = match op {
            Op::In | Op::NotIn => self.values()?,
            _ => self.exact_value()?,
        };
        new_requirement(key, op, values)
    }

    fn key_and_operator(&mut self) -> std::result::Result<(String, Option<Op>), String> {
        let mut op = None;
        let (mut t, mut lit) = self.consume(Ctx::Values);
        if t == Tok::DoesNotExist {
            op = Some(Op::DoesNotExist);
            (t, lit) = self.consume(Ctx::Values);
        }
        if t != Tok::Identifier {
            return Err(format!("found '{lit}', expected: identifier"));
        }
        validate_label_key(&lit)?;
        let (next, _) = self.lookahead(Ctx::Values);
        if matches!(next, Tok::End | Tok::Comma) && op != Some(Op::DoesNotExist) {
            op = Some(Op::Exists);
        }
        Ok((lit, op))
    }

    fn operator(&mut self) -> std::result::Result<Op, String> {
        let (t, lit) = self.consume(Ctx::KeyAndOperator);
        Ok(match t {
            Tok::In => Op::In,
            Tok::Equals => Op::Equals,
            Tok::DoubleEquals => Op::DoubleEquals,
            Tok::GreaterThan => Op::GreaterThan,
            Tok::LessThan => Op::LessThan,
            Tok::NotIn => Op::NotIn,
            Tok::NotEquals => Op::NotEquals,
            _ => {
                return Err(format!(
                    "found '{lit}', expected: '=', '!=', '==', 'in', notin'"
                ));
            }
        })
    }

    fn values(&mut self) -> std::result::Result<Vec<String>, String> {
        let (t, lit) = self.consume(Ctx::Values);
        if t != Tok::OpenPar {
            return Err(format!("found '{lit}' expected: '('"));
        }
        let (t, lit) = self.lookahead(Ctx::Values);
        match t {
            Tok::Identifier | Tok::Comma => {
                let s = self.identifiers()?;
                let (t, _) = self.consume(Ctx::Values);
                if t != Tok::ClosedPar {
                    return Err(format!("found '{lit}', expected: ')'"));
                }
                Ok(s)
            }
            Tok::ClosedPar => {
                self.consume(Ctx::Values);
                Ok(vec![String::new()])
            }
            _ => Err(format!("found '{lit}', expected: ',', ')' or identifier")),
        }
    }

    fn identifiers(&mut self) -> std::result::Result<Vec<String>, String> {
        let mut s: Vec<String> = Vec::new();
        let insert = |s: &mut Vec<String>, v: String| {
            if !s.contains(&v) {
                s.push(v);
            }
        };
        loop {
            let (t, lit) = self.consume(Ctx::Values);
            match t {
                Tok::Identifier => {
                    insert(&mut s, lit);
                    let (t2, l2) = self.lookahead(Ctx::Values);
                    match t2 {
                        Tok::Comma => continue,
                        Tok::ClosedPar => return Ok(sorted(s)),
                        _ => return Err(format!("found '{l2}', expected: ',' or ')'")),
                    }
                }
                Tok::Comma => {
                    if s.is_empty() {
                        insert(&mut s, String::new());
                    }
                    let (t2, _) = self.lookahead(Ctx::Values);
                    if t2 == Tok::ClosedPar {
                        insert(&mut s, String::new());
                        return Ok(sorted(s));
                    }
                    if t2 == Tok::Comma {
                        self.consume(Ctx::Values);
                        insert(&mut s, String::new());
                    }
                }
                _ => return Err(format!("found '{lit}', expected: ',', or identifier")),
            }
        }
    }

    fn exact_value(&mut self) -> std::result::Result<Vec<String>, String> {
        let (t, _) = self.lookahead(Ctx::Values);
        if matches!(t, Tok::End | Tok::Comma) {
            return Ok(vec![String::new()]);
        }
        let (t, lit) = self.consume(Ctx::Values);
        if t == Tok::Identifier {
            return Ok(vec![lit]);
        }
        Err(format!("found '{lit}', expected: identifier"))
    }
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn new_requirement(
    key: String,
    op: Op,
    values: Vec<String>,
) -> std::result::Result<Requirement, String> {
    validate_label_key(&key)?;
    match op {
        Op::In | Op::NotIn if values.is_empty() => {
            return Err("for 'in', 'notin' operators, values set can't be empty".into());
        }
        Op::Equals | Op::DoubleEquals | Op::NotEquals if values.len() != 1 => {
            return Err("exact-match compatibility requires one single value".into());
        }
        Op::Exists | Op::DoesNotExist if !values.is_empty() => {
            return Err("values set must be empty for exists and does not exist".into());
        }
        Op::GreaterThan | Op::LessThan => {
            if values.len() != 1 {
                return Err("for 'Gt', 'Lt' operators, exactly one value is required".into());
            }
            if values.iter().any(|v| go::parse_int(v, 10).is_none()) {
                return Err("for 'Gt', 'Lt' operators, the value must be an integer".into());
            }
        }
        _ => {}
    }
    for v in &values {
        validate_label_value(&key, v)?;
    }
    Ok(Requirement { key, op, values })
}

const QNAME_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const QNAME_MSG: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_MSG: &str = "a DNS-1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_FMT: &str =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";

/// k8s validation's `RegexError`.
fn regex_error(msg: &str, fmt: &str, examples: &[&str]) -> String {
    let mut out = format!("{msg} (e.g. ");
    for (i, e) in examples.iter().enumerate() {
        if i > 0 {
            out.push_str(" or ");
        }
        out.push_str(&format!("'{e}', "));
    }
    out.push_str(&format!("regex used for validation is '{fmt}')"));
    out
}

fn is_qualified_name_part(s: &str) -> bool {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(f), Some(l)) => {
            f.is_ascii_alphanumeric()
                && l.is_ascii_alphanumeric()
                && b.iter()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        }
        _ => false,
    }
}

fn is_dns1123_subdomain(s: &str) -> bool {
    s.split('.').all(|label| {
        let b = label.as_bytes();
        let ok = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
        match (b.first(), b.last()) {
            (Some(f), Some(l)) => ok(f) && ok(l) && b.iter().all(|c| ok(c) || *c == b'-'),
            _ => false,
        }
    })
}

/// k8s validation's `IsQualifiedName`, wrapped as `validateLabelKey` words it.
fn validate_label_key(k: &str) -> std::result::Result<(), String> {
    let mut errs: Vec<String> = Vec::new();
    let parts: Vec<&str> = k.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errs.push("prefix part must be non-empty".into());
            } else {
                if prefix.len() > 253 {
                    errs.push("prefix part must be no more than 253 characters".into());
                }
                if !is_dns1123_subdomain(prefix) {
                    errs.push(format!(
                        "prefix part {}",
                        regex_error(
                            DNS1123_SUBDOMAIN_MSG,
                            DNS1123_SUBDOMAIN_FMT,
                            &["example.com"]
                        )
                    ));
                }
            }
            *name
        }
        _ => {
            errs.push(format!(
                "a qualified name {} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                regex_error(QNAME_MSG, QNAME_FMT, &["MyName", "my.name", "123-abc"])
            ));
            return Err(format!(
                "invalid label key {}: {}",
                go::quote(k),
                errs.join("; ")
            ));
        }
    };
    if name.is_empty() {
        errs.push("name part must be non-empty".into());
    } else if name.len() > 63 {
        errs.push("name part must be no more than 63 characters".into());
    }
    if !is_qualified_name_part(name) {
        errs.push(format!(
            "name part {}",
            regex_error(QNAME_MSG, QNAME_FMT, &["MyName", "my.name", "123-abc"])
        ));
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "invalid label key {}: {}",
            go::quote(k),
            errs.join("; ")
        ))
    }
}

/// k8s validation's `IsValidLabelValue`, wrapped as `validateLabelValue` words it.
fn validate_label_value(k: &str, v: &str) -> std::result::Result<(), String> {
    let mut errs: Vec<String> = Vec::new();
    if v.len() > 63 {
        errs.push("must be no more than 63 characters".into());
    }
    if !(v.is_empty() || is_qualified_name_part(v)) {
        errs.push(regex_error(
            LABEL_VALUE_MSG,
            &format!("({QNAME_FMT})?"),
            &["MyValue", "my_value", "12345"],
        ));
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "invalid label value: {}: at key: {}: {}",
            go::quote(v),
            go::quote(k),
            errs.join("; ")
        ))
    }
}

impl LabelSelector {
    /// Parses a selector expression with kubernetes' grammar and error texts, e.g.
    /// `unable to parse requirement: found '', expected: ',' or ')'` for `app in (web`.
    /// The empty expression selects everything.
    pub(crate) fn parse(s: &str) -> std::result::Result<LabelSelector, String> {
        let items = lex(s);
        if let Some((_, msg)) = items.iter().find(|(t, _)| *t == Tok::Error) {
            // The Go parser sees an error token where an identifier or operator should be.
            return Err(format!(
                "found '{msg}', expected: !, identifier, or 'end of string'"
            ));
        }
        let mut p = SelParser { items, pos: 0 };
        let mut requirements = p.parse()?;
        requirements.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(LabelSelector { requirements })
    }

    /// Returns true if every requirement holds for `labels` (of duplicate keys, the last
    /// counts).
    pub(crate) fn matches(&self, labels: &[(String, String)]) -> bool {
        self.matches_with(|k| {
            labels
                .iter()
                .rev()
                .find(|(lk, _)| lk == k)
                .map(|(_, v)| v.as_str())
        })
    }

    /// Returns true if every requirement holds for the labels `get` looks up by key (`None`
    /// for a label that is not there).
    pub(crate) fn matches_with<V: AsRef<str>>(&self, get: impl Fn(&str) -> Option<V>) -> bool {
        self.requirements.iter().all(|r| {
            let value = get(&r.key);
            let value = value.as_ref().map(AsRef::as_ref);
            r.holds(value)
        })
    }
}

impl Requirement {
    /// Returns true if the requirement holds for the label's value (`None`: no such label).
    fn holds(&self, value: Option<&str>) -> bool {
        let listed = |v: &str| self.values.iter().any(|x| x == v);
        match self.op {
            Op::In | Op::Equals | Op::DoubleEquals => value.is_some_and(listed),
            Op::NotIn | Op::NotEquals => value.is_none_or(|v| !listed(v)),
            Op::Exists => value.is_some(),
            Op::DoesNotExist => value.is_none(),
            Op::GreaterThan | Op::LessThan => {
                let Some(have) = value.and_then(|v| go::parse_int(v, 10)) else {
                    return false;
                };
                let Some(want) = self.values.first().and_then(|v| go::parse_int(v, 10)) else {
                    return false;
                };
                if self.op == Op::GreaterThan {
                    have > want
                } else {
                    have < want
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_selector_forms() {
        // The grammar of k8s.io/apimachinery's labels.Parse (copied into kyaml).
        let labels = |s: &str| -> Vec<(String, String)> {
            s.split(',')
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let (k, v) = p.split_once('=').unwrap();
                    (k.to_owned(), v.to_owned())
                })
                .collect()
        };
        for (sel, have, want) in [
            ("", "", true),
            ("a=b", "a=b", true),
            ("a==b", "a=b", true),
            ("a!=b", "a=b", false),
            ("a!=b", "", true),
            ("a", "a=", true),
            ("!a", "a=x", false),
            ("!a", "b=x", true),
            ("a in (x, y)", "a=y", true),
            ("a notin (x,y)", "a=z", true),
            ("a notin (x,y)", "", true),
            ("a in (in)", "a=in", true),
            ("a>1", "a=2", true),
            ("a<1", "a=2", false),
            ("a, b", "a=1,b=2", true),
            ("a=", "a=", true),
            ("example.com/a=b", "example.com/a=b", true),
        ] {
            let s = LabelSelector::parse(sel).unwrap();
            assert_eq!(s.matches(&labels(have)), want, "{sel} on {have}");
        }
        for (sel, err) in [
            (
                "a>x",
                "unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer",
            ),
            ("a in ()x", "found 'x', expected: ',' or 'end of string'"),
            (
                "a=(",
                "unable to parse requirement: found '(', expected: identifier",
            ),
            (
                "a/b/c",
                "unable to parse requirement: invalid label key \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
            ),
        ] {
            assert_eq!(LabelSelector::parse(sel).unwrap_err(), err, "{sel}");
        }
    }

    /// Looks labels up in a list of pairs, as replacements' getters do on a node.
    fn set<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(pk, _)| *pk == k)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn matches_requirements() {
        let labels = [("app", "web"), ("tier", "front"), ("n", "5")];
        let cases: &[(&str, bool)] = &[
            ("", true),
            ("app=web", true),
            ("app==web", true),
            ("app!=web", false),
            ("app", true),
            ("!app", false),
            ("!legacy", true),
            ("app in (web, db)", true),
            ("app notin (web)", false),
            ("tier in (back),app=web", false),
            ("app=web, tier=front", true),
            ("n>4", true),
            ("n<4", false),
            ("missing!=x", true),
            ("app in (in, web)", true),
        ];
        for (sel, want) in cases {
            let s = LabelSelector::parse(sel).unwrap_or_else(|e| panic!("{sel}: {e}"));
            assert_eq!(s.matches_with(set(&labels)), *want, "{sel}");
        }
    }

    #[test]
    fn errors_like_kubernetes() {
        let cases: &[(&str, &str)] = &[
            ("app=", ""),
            (
                "=x",
                "found '=', expected: !, identifier, or 'end of string'",
            ),
            (
                "a b",
                "unable to parse requirement: found 'b', expected: '=', '!=', '==', 'in', notin'",
            ),
            ("a=b c", "found 'c', expected: ',' or 'end of string'"),
            ("!a=b", "found '=', expected: ',' or 'end of string'"),
            (
                "app in web",
                "unable to parse requirement: found 'web' expected: '('",
            ),
            (
                "-a=b",
                "unable to parse requirement: invalid label key \"-a\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
            ),
        ];
        for (sel, want) in cases {
            match LabelSelector::parse(sel) {
                Ok(_) => assert_eq!(*want, "", "{sel} parsed"),
                Err(e) => assert_eq!(e, *want, "{sel}"),
            }
        }
    }
}
