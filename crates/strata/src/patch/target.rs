//! Patch targets: kustomize's `target:` selector and the resources it picks.
//!
//! Stage: patch. This module may use [`crate::resource`], [`crate::yaml`], [`crate::source`]
//! and [`crate::error`].
//!
//! kustomize's rules (api/resmap/reswrangler.go `Select`, api/types/selector.go):
//! `group`, `version`, `kind`, `name` and `namespace` are Go regular expressions anchored as
//! `^(?:…)$`, and an empty one matches anything. The namespace is matched against the
//! *effective* namespace of the original id or of the current one (`default` for none,
//! `_non_namespaceable_` for cluster-scoped kinds), the name against the original name or
//! the current one, and the group/version/kind against the current ones. `labelSelector` and
//! `annotationSelector` use Kubernetes label-selector syntax (`a=b`, `a==b`, `a!=b`,
//! `a in (x,y)`, `a notin (x)`, `a`, `!a`, `a>1`, `a<1`) and are parsed only once a resource
//! has passed the id tests, so a bad selector that meets no such resource is no error.
//!
//! Selecting nothing is no error for kustomize (the patch is silently skipped); patches that
//! need exactly one target use [`get_by_id`]. [`explain_miss`] gives Strata's own hint for
//! either case.

use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result};
use crate::kustomization::json_type;
pub(crate) use crate::resource::LabelSelector;
use crate::resource::regex::{self, GoRegex, RegexError};
use crate::resource::{Gvk, ResId, Resource};
use crate::source::{SourceFile, Span};
use crate::yaml::node::{Node, NodeKind};
use crate::yaml::resolve::{self, Value};

/// A `target:` selector (kustomize's `types.Selector`).
#[derive(Clone, Debug, Default)]
pub(crate) struct Selector {
    /// API group regex (empty matches any).
    pub group: String,
    /// API version regex.
    pub version: String,
    /// Kind regex.
    pub kind: String,
    /// Name regex, matched against the original and the current name.
    pub name: String,
    /// Namespace regex, matched against the original and current effective namespace.
    pub namespace: String,
    /// Label selector expression over `metadata.labels`.
    pub label_selector: String,
    /// Label selector expression over `metadata.annotations`.
    pub annotation_selector: String,
    /// Where the selector was written.
    pub span: Span,
    /// The file it was written in, for error locations.
    pub file: Option<Arc<SourceFile>>,
}

impl Selector {
    /// Reads a `target:` node of the kustomization field `field` (`patches`,
    /// `patchesJson6902`); returns `None` for a null node.
    ///
    /// The kustomization is decoded strictly through JSON by kustomize, so an unknown key
    /// fails with `json: unknown field "x"` and a non-string value with encoding/json's
    /// `cannot unmarshal number into Go struct field Selector.patches.target.ResId.name of
    /// type string` (oracle, kustomize v5.6), both after `invalid Kustomization: `. Values
    /// are typed as YAML 1.1 (`name: yes` is a bool).
    pub(crate) fn from_node(
        node: &Node,
        file: &Arc<SourceFile>,
        field: &str,
    ) -> Result<Option<Selector>> {
        let err = |msg: String, span: Span| {
            Error::at(
                ErrorKind::Kustomization,
                format!("invalid Kustomization: {msg}"),
                file,
                span,
            )
        };
        let m = match &node.kind {
            _ if node.is_null() => return Ok(None),
            NodeKind::Mapping(m) => m,
            other => {
                let t = match other {
                    NodeKind::Sequence(_) => "array",
                    _ => json_type(node),
                };
                return Err(err(
                    format!(
                        "json: cannot unmarshal {t} into Go struct field Patch.{field}.target of type types.Selector"
                    ),
                    node.span,
                ));
            }
        };
        let mut sel = Selector {
            span: node.span,
            file: Some(Arc::clone(file)),
            ..Selector::default()
        };
        for e in &m.entries {
            let key = e.key.as_str().unwrap_or_default();
            let (slot, go_path) = match key {
                "group" => (&mut sel.group, "ResId.Gvk.group"),
                "version" => (&mut sel.version, "ResId.Gvk.version"),
                "kind" => (&mut sel.kind, "ResId.Gvk.kind"),
                "name" => (&mut sel.name, "ResId.name"),
                "namespace" => (&mut sel.namespace, "ResId.namespace"),
                "labelSelector" => (&mut sel.label_selector, "labelSelector"),
                "annotationSelector" => (&mut sel.annotation_selector, "annotationSelector"),
                other => {
                    return Err(err(format!("json: unknown field \"{other}\""), e.key.span));
                }
            };
            if e.value.is_null() {
                continue;
            }
            let text = match &e.value.kind {
                NodeKind::Scalar(s) => match resolve::resolve_yaml11(s) {
                    Value::Str(t) => Some(t.into_owned()),
                    _ => None,
                },
                _ => None,
            };
            match text {
                Some(t) => *slot = t,
                None => {
                    return Err(err(
                        format!(
                            "json: cannot unmarshal {} into Go struct field Selector.{field}.target.{go_path} of type string",
                            json_type(&e.value)
                        ),
                        e.value.span,
                    ));
                }
            }
        }
        Ok(Some(sel))
    }

    fn error(&self, msg: String) -> Error {
        match &self.file {
            Some(f) => Error::at(ErrorKind::Kustomization, msg, f, self.span),
            None => Error::new(ErrorKind::Kustomization, msg),
        }
    }
}

impl std::fmt::Display for Selector {
    /// Formats as kustomize's `Selector.String()`: `<ResId>:a=<annotations>:l=<labels>`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let id = ResId {
            gvk: Gvk {
                group: self.group.clone(),
                version: self.version.clone(),
                kind: self.kind.clone(),
            },
            name: self.name.clone(),
            namespace: self.namespace.clone(),
        };
        write!(
            f,
            "{id}:a={}:l={}",
            self.annotation_selector, self.label_selector
        )
    }
}

/// The selector's id regexes, compiled (kustomize's `SelectorRegex`).
struct Compiled {
    group: Option<GoRegex>,
    version: Option<GoRegex>,
    kind: Option<GoRegex>,
    name: Option<GoRegex>,
    namespace: Option<GoRegex>,
}

impl Compiled {
    /// Compiles each field as `^(?:pattern)$` (kustomize's `anchorRegex`); an empty one
    /// matches anything.
    fn new(sel: &Selector) -> std::result::Result<Compiled, RegexError> {
        Ok(Compiled {
            group: regex::anchored(&sel.group)?,
            version: regex::anchored(&sel.version)?,
            kind: regex::anchored(&sel.kind)?,
            name: regex::anchored(&sel.name)?,
            namespace: regex::anchored(&sel.namespace)?,
        })
    }
}

fn matches(re: &Option<GoRegex>, s: &str) -> bool {
    re.as_ref().is_none_or(|r| r.is_match(s))
}

/// kyaml's `ResId.EffectiveNamespace`.
fn effective_namespace(id: &ResId) -> &str {
    if id.is_cluster_scoped() {
        "_non_namespaceable_"
    } else if id.namespace.is_empty() {
        "default"
    } else {
        &id.namespace
    }
}

fn string_map(node: &Node, field: &str) -> Vec<(String, String)> {
    node.get_path(&["metadata", field])
        .and_then(Node::as_mapping)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.to_owned(), v.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// Returns the value of `key` in `metadata.<field>` as [`string_map`] would hold it (the
/// last of repeated keys, `""` for a value that is not a string), without copying the map:
/// selection looks up only the keys a selector names, and none for an empty selector.
fn metadata_value<'n>(node: &'n Node, field: &str, key: &str) -> Option<&'n str> {
    node.get_path(&["metadata", field])
        .and_then(Node::as_mapping)
        .and_then(|m| m.entries.iter().rev().find(|e| e.key.as_str() == Some(key)))
        .map(|e| e.value.as_str().unwrap_or_default())
}

/// Returns the positions of the resources `sel` selects, in order (reswrangler `Select`).
///
/// Fails for a regex Go would not compile (`error parsing regexp: …`) and for a label or
/// annotation selector that does not parse (`unable to parse requirement: …`), located at the
/// selector.
pub(crate) fn select(resources: &[Resource], sel: &Selector) -> Result<Vec<usize>> {
    let compiled = Compiled::new(sel).map_err(|e| sel.error(e.0))?;
    let mut labels: Option<LabelSelector> = None;
    let mut annotations: Option<LabelSelector> = None;
    let mut out = Vec::new();
    for (i, r) in resources.iter().enumerate() {
        if !id_matches(&compiled, r) {
            continue;
        }
        if labels.is_none() {
            labels = Some(LabelSelector::parse(&sel.label_selector).map_err(|m| sel.error(m))?);
        }
        if !labels
            .as_ref()
            .is_some_and(|l| l.matches_with(|k| metadata_value(r.node(), "labels", k)))
        {
            continue;
        }
        if annotations.is_none() {
            annotations =
                Some(LabelSelector::parse(&sel.annotation_selector).map_err(|m| sel.error(m))?);
        }
        if !annotations
            .as_ref()
            .is_some_and(|a| a.matches_with(|k| metadata_value(r.node(), "annotations", k)))
        {
            continue;
        }
        out.push(i);
    }
    Ok(out)
}

fn id_matches(c: &Compiled, r: &Resource) -> bool {
    let (cur, org) = (r.id(), r.org_id());
    // The kind first: it is the test most resources fail.
    matches(&c.kind, &cur.gvk.kind)
        && (matches(&c.namespace, effective_namespace(org))
            || matches(&c.namespace, effective_namespace(cur)))
        && (matches(&c.name, &org.name) || matches(&c.name, &cur.name))
        && matches(&c.group, &cur.gvk.group)
        && matches(&c.version, &cur.gvk.version)
}

/// Why [`get_by_id`] found no single resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum IdMatchError {
    /// No resource has the id.
    None(String),
    /// Several resources have it; their positions are kept for hints.
    Many(String, Vec<usize>),
}

impl IdMatchError {
    /// Returns kustomize's message, e.g. `no matches for Id Thing.v1.[noGrp]/web.[noNs];
    /// failed to find unique target for patch Thing.v1.[noGrp]/web.[noNs]`.
    pub(crate) fn message(&self) -> &str {
        match self {
            IdMatchError::None(m) | IdMatchError::Many(m, _) => m,
        }
    }
}

/// Returns the one resource whose current or any previous id equals `id` (reswrangler
/// `GetById` over `GetMatchingResourcesByAnyId`: same group, version, kind and name, same
/// effective namespace), as strategic-merge patches without a target need.
///
/// The strategic-merge transformer puts `no resource matches strategic merge patch "<id>": `
/// before the message (oracle, kustomize v5.6).
pub(crate) fn get_by_id(
    resources: &[Resource],
    id: &ResId,
) -> std::result::Result<usize, IdMatchError> {
    let found: Vec<usize> = resources
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            r.history()
                .prev_ids
                .iter()
                .chain(std::iter::once(r.id()))
                .any(|p| p.equals(id))
        })
        .map(|(i, _)| i)
        .collect();
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(IdMatchError::None(format!(
            "no matches for Id {id}; failed to find unique target for patch {id}"
        ))),
        _ => Err(IdMatchError::Many(
            format!("multiple matches for Id {id}; failed to find unique target for patch {id}"),
            found,
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// Hints.

/// Returns Strata's hint for a selector that matched nothing: the closest candidates and
/// whether a name prefix or suffix, a namespace, the kind or a label selector explains the
/// miss. One line per finding, each starting with `hint: `; empty if nothing helps.
pub(crate) fn explain_miss(resources: &[Resource], sel: &Selector) -> String {
    let literal = is_literal(&sel.name).then(|| sel.name.clone());
    explain(resources, sel, literal.as_deref())
}

/// Returns Strata's hint for a [`get_by_id`] failure: for no match, the same findings as
/// [`explain_miss`]; for several, which id of each resource matched and how to pick one.
pub(crate) fn explain_id_miss(resources: &[Resource], id: &ResId, err: &IdMatchError) -> String {
    match err {
        IdMatchError::Many(_, found) => {
            let key = id.key();
            let items: Vec<String> = found
                .iter()
                .filter_map(|&i| resources.get(i))
                .map(|r| {
                    if r.id().key() == key {
                        format!("{} (its current id)", r.id())
                    } else {
                        let was = r
                            .history()
                            .prev_ids
                            .iter()
                            .find(|p| p.key() == key)
                            .map(ToString::to_string)
                            .unwrap_or_default();
                        format!("{} (previously {was})", r.id())
                    }
                })
                .collect();
            format!(
                "hint: {id} names {} resources: {}; give the patch a `target:` (by current name, namespace or labelSelector) to pick one",
                items.len(),
                items.join(", ")
            )
        }
        IdMatchError::None(_) => {
            let sel = Selector {
                group: regex::quote_meta(&id.gvk.group),
                version: regex::quote_meta(&id.gvk.version),
                kind: regex::quote_meta(&id.gvk.kind),
                name: regex::quote_meta(&id.name),
                namespace: regex::quote_meta(effective_namespace(id)),
                ..Selector::default()
            };
            explain(resources, &sel, Some(&id.name))
        }
    }
}

/// The body of [`explain_miss`]; `literal` is the target name when it names one name.
fn explain(resources: &[Resource], sel: &Selector, literal: Option<&str>) -> String {
    let mut lines: Vec<String> = Vec::new();
    if resources.is_empty() {
        return "hint: there are no resources to patch at this point of the build".into();
    }
    let Ok(compiled) = Compiled::new(sel) else {
        return String::new();
    };
    let gvk_ok = |r: &Resource| {
        let g = &r.id().gvk;
        matches(&compiled.group, &g.group)
            && matches(&compiled.version, &g.version)
            && matches(&compiled.kind, &g.kind)
    };
    let name_ok = |r: &Resource| {
        matches(&compiled.name, &r.org_id().name) || matches(&compiled.name, &r.id().name)
    };
    let ns_ok = |r: &Resource| {
        matches(&compiled.namespace, effective_namespace(r.org_id()))
            || matches(&compiled.namespace, effective_namespace(r.id()))
    };

    // Resources that fail only the namespace test.
    for r in resources
        .iter()
        .filter(|r| gvk_ok(r) && name_ok(r) && !ns_ok(r))
    {
        lines.push(format!(
            "hint: {} has effective namespace '{}', which the target namespace '{}' does not match{}",
            r.id(),
            effective_namespace(r.id()),
            sel.namespace.replace('\\', ""),
            if effective_namespace(r.id()) == "default" {
                " (a resource without a namespace is in 'default')"
            } else {
                ""
            }
        ));
    }
    // Resources that fail only the kind/group/version test.
    for r in resources
        .iter()
        .filter(|r| !gvk_ok(r) && name_ok(r) && ns_ok(r))
    {
        if !sel.name.is_empty() {
            lines.push(format!(
                "hint: {} has the name but not the group/version/kind the target asks for ({})",
                r.id(),
                selector_gvk(sel)
            ));
        }
    }
    // Resources that pass the id tests but not the label or annotation selector.
    for r in resources
        .iter()
        .filter(|r| gvk_ok(r) && name_ok(r) && ns_ok(r))
    {
        let labels_ok = LabelSelector::parse(&sel.label_selector)
            .is_ok_and(|l| l.matches(&string_map(r.node(), "labels")));
        let ann_ok = LabelSelector::parse(&sel.annotation_selector)
            .is_ok_and(|a| a.matches(&string_map(r.node(), "annotations")));
        if !labels_ok {
            lines.push(format!(
                "hint: {} matches by id, but its labels {} do not satisfy '{}'",
                r.id(),
                show_map(&string_map(r.node(), "labels")),
                sel.label_selector
            ));
        } else if !ann_ok {
            lines.push(format!(
                "hint: {} matches by id, but its annotations {} do not satisfy '{}'",
                r.id(),
                show_map(&string_map(r.node(), "annotations")),
                sel.annotation_selector
            ));
        }
    }
    // Names: prefixes and suffixes, then the closest names of a matching kind.
    if let Some(want) = literal.filter(|w| !w.is_empty()) {
        for r in resources.iter().filter(|r| gvk_ok(r) && !name_ok(r)) {
            let cur = r.id().name.as_str();
            let h = r.history();
            if cur != want && want.len() > cur.len() && want.contains(cur) {
                let (pre, post) = want.split_once(cur).unwrap_or_default();
                lines.push(format!(
                    "hint: the target name '{want}' is '{pre}' + '{cur}' + '{post}': this kustomization's namePrefix/nameSuffix apply after patches, so target {} by its name before them, '{cur}'",
                    r.id()
                ));
            } else if cur.len() > want.len() && cur.contains(want) {
                let affixes: Vec<&str> = h
                    .prefixes
                    .iter()
                    .chain(h.suffixes.iter())
                    .map(String::as_str)
                    .collect();
                let note = if affixes.is_empty() {
                    String::new()
                } else {
                    format!(" (it was renamed with {})", quote_list(&affixes))
                };
                lines.push(format!(
                    "hint: {} contains '{want}'{note}; a target name must match the whole original or current name, or be a regex such as '.*{want}.*'",
                    r.id()
                ));
            }
        }
        if lines.is_empty() {
            let mut close: Vec<(usize, &Resource)> = resources
                .iter()
                .filter(|r| gvk_ok(r))
                .map(|r| (edit_distance(want, &r.id().name), r))
                .collect();
            close.sort_by_key(|(d, _)| *d);
            let names: Vec<String> = close
                .iter()
                .take(5)
                .map(|(_, r)| r.id().to_string())
                .collect();
            if !names.is_empty() {
                lines.push(format!(
                    "hint: resources of that kind: {}",
                    names.join(", ")
                ));
            }
        }
    }
    if lines.is_empty() {
        let kinds: Vec<String> = {
            let mut k: Vec<String> = resources.iter().map(|r| r.id().to_string()).collect();
            k.truncate(5);
            k
        };
        lines.push(format!(
            "hint: the target {} matches none of {} resources, such as {}",
            sel,
            resources.len(),
            kinds.join(", ")
        ));
    }
    lines.dedup();
    lines.join("\n")
}

fn selector_gvk(sel: &Selector) -> String {
    let or_any = |s: &str| {
        if s.is_empty() {
            "*".to_owned()
        } else {
            s.to_owned()
        }
    };
    format!(
        "group {}, version {}, kind {}",
        or_any(&sel.group),
        or_any(&sel.version),
        or_any(&sel.kind)
    )
}

fn show_map(m: &[(String, String)]) -> String {
    let items: Vec<String> = m.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{{{}}}", items.join(", "))
}

fn quote_list(items: &[&str]) -> String {
    let q: Vec<String> = items.iter().map(|s| format!("'{s}'")).collect();
    q.join(", ")
}

/// True if `s` has no regex metacharacters, so it names one literal name.
fn is_literal(s: &str) -> bool {
    !s.chars().any(|c| "\\.+*?()|[]{}^$".contains(c))
}

/// Levenshtein distance over characters, with a bounded table (names are short).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().take(256).collect();
    let b: Vec<char> = b.chars().take(256).collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    //! Expectations come from `kustomize-ref` (v5.6) and `kubectl kustomize` (v5.5) runs of
    //! a JSON 6902 patch with the given `target:` over [`THING`], unless marked Strata's own.

    use super::*;
    use crate::yaml::parse::{ParseOptions, parse_documents};

    const THING: &str =
        "apiVersion: v1\nkind: Thing\nmetadata:\n  name: web\n  labels: {app: web, tier: fe}\n";

    fn node(text: &str) -> (Node, Arc<SourceFile>) {
        let f = SourceFile::new("kustomization.yaml", text);
        let root = parse_documents(&f, ParseOptions::default())
            .unwrap()
            .remove(0)
            .root;
        (root, f)
    }

    fn res(text: &str) -> Resource {
        let (n, f) = node(text);
        Resource::from_node(n, &f).unwrap()
    }

    fn sel(target: &str) -> Selector {
        let (n, f) = node(target);
        Selector::from_node(&n, &f, "patches").unwrap().unwrap()
    }

    /// Returns `match`, `none` or `ERR <message>` for `target` over `resources`.
    fn pick(resources: &[Resource], target: &str) -> String {
        match select(resources, &sel(target)) {
            Ok(v) if v.is_empty() => "none".into(),
            Ok(v) => format!("match {v:?}"),
            Err(e) => format!("ERR {}", e.message()),
        }
    }

    #[test]
    fn selects_like_kustomize() {
        let rs = [res(THING)];
        for (name, target, want) in [
            ("nomatch", "{kind: Thing, name: nomatch}", "none"),
            ("anch", "{kind: Thing, name: we}", "none"),
            ("re", "{kind: Th.*, name: w.b|x}", "match [0]"),
            ("case", "{kind: thing}", "none"),
            ("nsdef", "{namespace: default}", "match [0]"),
            ("tv2", "{kind: Thing, version: v2}", "none"),
            ("tnul", "{kind: Thing, name: null}", "match [0]"),
            ("empty", "{}", "match [0]"),
            (
                "ls1",
                "{labelSelector: \"app=web,tier in (fe,be)\"}",
                "match [0]",
            ),
            (
                "ls2",
                "{labelSelector: \"app=web,tier notin (fe)\"}",
                "none",
            ),
            (
                "as1",
                "{annotationSelector: \"!x\", version: v1, group: \"\"}",
                "match [0]",
            ),
            ("ls7", "{labelSelector: \"app>3\"}", "none"),
            (
                "ls8",
                "{labelSelector: \"app in (web,),tier\"}",
                "match [0]",
            ),
            ("ls9", "{labelSelector: \"x/app=web\"}", "none"),
            ("ls11", "{labelSelector: \"app=\"}", "none"),
            // Label selectors are parsed only once a resource passes the id tests.
            ("lsnone", "{kind: Nope, labelSelector: \"a b\"}", "none"),
            (
                "rebad",
                "{kind: Thing, name: \"w(\"}",
                "ERR error parsing regexp: missing closing ): `^(?:w()$`",
            ),
            (
                "re3",
                "{name: \"w)\"}",
                "ERR error parsing regexp: unexpected ): `^(?:w))$`",
            ),
            (
                "re4",
                "{name: \"[a\"}",
                "ERR error parsing regexp: missing closing ]: `[a)$`",
            ),
            (
                "re5",
                "{name: \"a**\"}",
                "ERR error parsing regexp: invalid nested repetition operator: `**`",
            ),
            (
                "re6",
                "{name: \"\\\\q\"}",
                "ERR error parsing regexp: invalid escape sequence: `\\q`",
            ),
            ("re2", "{name: \"w*?\"}", "none"),
            (
                "ls3",
                "{labelSelector: \"app in (web\"}",
                "ERR unable to parse requirement: found '', expected: ',' or ')'",
            ),
            (
                "ls4",
                "{labelSelector: \"a b\"}",
                "ERR unable to parse requirement: found 'b', expected: '=', '!=', '==', 'in', notin'",
            ),
            (
                "ls5",
                "{labelSelector: \"-bad=x\"}",
                "ERR unable to parse requirement: invalid label key \"-bad\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
            ),
            (
                "ls6",
                "{labelSelector: \"app=we@b\"}",
                "ERR unable to parse requirement: invalid label value: \"we@b\": at key: \"app\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
            ),
            (
                "ls10",
                "{labelSelector: \"Bad_/app=web\"}",
                "ERR unable to parse requirement: invalid label key \"Bad_/app\": prefix part a DNS-1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
            ),
            (
                "ls12",
                "{labelSelector: \"app=web,\"}",
                "ERR found '', expected: identifier after ','",
            ),
            (
                "ls13",
                "{labelSelector: \"=web\"}",
                "ERR found '=', expected: !, identifier, or 'end of string'",
            ),
        ] {
            assert_eq!(pick(&rs, target), want, "case {name}");
        }
    }

    /// Issue 14 item 8: a `{` that forms no repetition is a literal to Go's regexp, so a
    /// target `name: \${NAME}-cp` selects the resource of that name (oracle:
    /// testdata/build/patch-target-name-brace-is-literal).
    #[test]
    fn patch_target_brace_without_repetition_is_literal() {
        let named = |n: &str| {
            res(&format!(
                "apiVersion: v1\nkind: Thing\nmetadata:\n  name: '{n}'\n"
            ))
        };
        let rs = [named("${NAME}-cp"), named("{worker}-x{"), named("w{}x")];
        assert_eq!(pick(&rs, "{name: \"\\\\${NAME}-cp\"}"), "match [0]");
        assert_eq!(pick(&rs, "{name: \"{worker}-x{\"}"), "match [1]");
        assert_eq!(pick(&rs, "{name: \"w{}x\"}"), "match [2]");
        assert_eq!(pick(&rs, "{name: \"w{1}x\"}"), "none");
    }

    /// A resource that was `web` without a namespace in its base and is now `p-web` in `ns1`
    /// (the base had `namePrefix: p-` and `namespace: ns1`).
    fn renamed() -> Resource {
        let mut r =
            res("apiVersion: v1\nkind: Thing\nmetadata:\n  name: p-web\n  namespace: ns1\n");
        r.history_mut().prev_ids.push(ResId {
            gvk: Gvk::from_api_version("v1", "Thing"),
            name: "web".into(),
            namespace: "default".into(),
        });
        r.history_mut().prefixes.push("p-".into());
        r
    }

    #[test]
    fn original_and_current_ids_both_count() {
        // Oracle overlays o1, o2 and o3.
        let rs = [renamed()];
        assert_eq!(pick(&rs, "{name: web, namespace: default}"), "match [0]");
        assert_eq!(pick(&rs, "{name: p-web, namespace: ns1}"), "match [0]");
        assert_eq!(pick(&rs, "{name: p-we., namespace: other}"), "none");
        // A cluster-scoped kind's effective namespace is `_non_namespaceable_`.
        let ns = [res(
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n",
        )];
        assert_eq!(pick(&ns, "{namespace: default}"), "none");
        assert_eq!(pick(&ns, "{namespace: _non_namespaceable_}"), "match [0]");
    }

    #[test]
    fn target_fields_are_checked_like_kustomize() {
        let err = |t: &str, field: &str| {
            let (n, f) = node(t);
            Selector::from_node(&n, &f, field)
                .unwrap_err()
                .message()
                .to_owned()
        };
        // Oracle runs tu, tn, tn2, tl, tav and the same for patchesJson6902.
        assert_eq!(
            err("{kind: Thing, foo: 1}", "patches"),
            "invalid Kustomization: json: unknown field \"foo\""
        );
        assert_eq!(
            err("{kind: Thing, apiVersion: v1}", "patches"),
            "invalid Kustomization: json: unknown field \"apiVersion\""
        );
        assert_eq!(
            err("{name: 5}", "patches"),
            "invalid Kustomization: json: cannot unmarshal number into Go struct field Selector.patches.target.ResId.name of type string"
        );
        assert_eq!(
            err("{name: yes}", "patches"),
            "invalid Kustomization: json: cannot unmarshal bool into Go struct field Selector.patches.target.ResId.name of type string"
        );
        assert_eq!(
            err("{kind: 5}", "patches"),
            "invalid Kustomization: json: cannot unmarshal number into Go struct field Selector.patches.target.ResId.Gvk.kind of type string"
        );
        assert_eq!(
            err("{labelSelector: 5}", "patches"),
            "invalid Kustomization: json: cannot unmarshal number into Go struct field Selector.patches.target.labelSelector of type string"
        );
        assert_eq!(
            err("{name: 5}", "patchesJson6902"),
            "invalid Kustomization: json: cannot unmarshal number into Go struct field Selector.patchesJson6902.target.ResId.name of type string"
        );
        assert_eq!(
            err("[a]", "patches"),
            "invalid Kustomization: json: cannot unmarshal array into Go struct field Patch.patches.target of type types.Selector"
        );
        let (n, f) = node("~");
        assert!(Selector::from_node(&n, &f, "patches").unwrap().is_none());
        assert_eq!(
            sel("{group: apps, version: v1, kind: Deployment, name: web, namespace: x, labelSelector: a=b}").to_string(),
            "Deployment.v1.apps/web.x:a=:l=a=b"
        );
        // Errors point at the value.
        let (n, f) = node("kind: Thing\nname: 5\n");
        let e = Selector::from_node(&n, &f, "patches").unwrap_err();
        assert_eq!(e.location().unwrap().line_col.to_string(), "2:7");
    }

    #[test]
    fn get_by_id_needs_exactly_one() {
        // Oracle s1 and s3: strategic-merge patches without a target.
        let id = |name: &str| ResId {
            gvk: Gvk::from_api_version("v1", "Thing"),
            name: name.into(),
            namespace: String::new(),
        };
        let rs = [res(THING)];
        assert_eq!(get_by_id(&rs, &id("web")), Ok(0));
        assert_eq!(
            get_by_id(&rs, &id("nope")).unwrap_err().message(),
            "no matches for Id Thing.v1.[noGrp]/nope.[noNs]; failed to find unique target for patch Thing.v1.[noGrp]/nope.[noNs]"
        );
        let mut a = res("apiVersion: v1\nkind: Thing\nmetadata:\n  name: x-web\n");
        let mut b = res("apiVersion: v1\nkind: Thing\nmetadata:\n  name: y-web\n");
        for r in [&mut a, &mut b] {
            r.history_mut().prev_ids.push(ResId {
                namespace: "default".into(),
                ..id("web")
            });
        }
        let e = get_by_id(&[a, b], &id("web")).unwrap_err();
        assert_eq!(
            e.message(),
            "multiple matches for Id Thing.v1.[noGrp]/web.[noNs]; failed to find unique target for patch Thing.v1.[noGrp]/web.[noNs]"
        );
        assert!(matches!(e, IdMatchError::Many(_, ref v) if v == &[0, 1]));
    }

    #[test]
    fn hints_explain_the_miss() {
        // Strata's own wording (no oracle).
        let plain = [
            res(THING),
            res("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n"),
        ];
        let h = explain_miss(&plain, &sel("{kind: Thing, name: p-web}"));
        assert!(h.contains("'p-' + 'web' + ''"), "{h}");
        assert!(
            h.contains("namePrefix/nameSuffix apply after patches"),
            "{h}"
        );
        let h = explain_miss(&plain, &sel("{kind: Thing, name: we}"));
        assert!(
            h.contains("Thing.v1.[noGrp]/web.[noNs] contains 'we'"),
            "{h}"
        );
        let h = explain_miss(&plain, &sel("{kind: Thing, name: wbe}"));
        assert_eq!(
            h,
            "hint: resources of that kind: Thing.v1.[noGrp]/web.[noNs]"
        );
        let h = explain_miss(&plain, &sel("{name: web, namespace: prod}"));
        assert!(h.contains("effective namespace 'default'"), "{h}");
        assert!(h.contains("without a namespace is in 'default'"), "{h}");
        let h = explain_miss(&plain, &sel("{kind: Deployment, name: web}"));
        assert!(
            h.contains("has the name but not the group/version/kind"),
            "{h}"
        );
        let h = explain_miss(&plain, &sel("{name: web, labelSelector: app=api}"));
        assert!(
            h.contains("its labels {app=web, tier=fe} do not satisfy 'app=api'"),
            "{h}"
        );
        let moved = [renamed()];
        let h = explain_miss(&moved, &sel("{name: eb}"));
        assert!(h.contains("(it was renamed with 'p-')"), "{h}");
        let h = explain_miss(&plain, &sel("{kind: Nope}"));
        assert!(h.starts_with("hint: the target Nope.[noVer].[noGrp]/[noName].[noNs]:a=:l= matches none of 2 resources"), "{h}");
        assert!(explain_miss(&[], &sel("{kind: Nope}")).contains("no resources"));
        // Targetless strategic-merge patches.
        let id = |name: &str, ns: &str| ResId {
            gvk: Gvk::from_api_version("v1", "Thing"),
            name: name.into(),
            namespace: ns.into(),
        };
        let e = get_by_id(&plain, &id("web", "prod")).unwrap_err();
        let h = explain_id_miss(&plain, &id("web", "prod"), &e);
        assert!(
            h.contains(
                "effective namespace 'default', which the target namespace 'prod' does not match"
            ),
            "{h}"
        );
        let e = get_by_id(&plain, &id("p-web", "")).unwrap_err();
        let h = explain_id_miss(&plain, &id("p-web", ""), &e);
        assert!(
            h.contains("namePrefix/nameSuffix apply after patches"),
            "{h}"
        );
        let two = [
            renamed(),
            res("apiVersion: v1\nkind: Thing\nmetadata:\n  name: web\n"),
        ];
        let e = get_by_id(&two, &id("web", "")).unwrap_err();
        assert_eq!(
            explain_id_miss(&two, &id("web", ""), &e),
            "hint: Thing.v1.[noGrp]/web.[noNs] names 2 resources: Thing.v1.[noGrp]/p-web.ns1 (previously Thing.v1.[noGrp]/web.default), Thing.v1.[noGrp]/web.[noNs] (its current id); give the patch a `target:` (by current name, namespace or labelSelector) to pick one"
        );
    }
}
