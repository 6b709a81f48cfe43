//! Edits of plain fields: `namespace`, `namePrefix`, `nameSuffix`, `replicas`, the lists of
//! paths (`resources`, `components`, ...) and `buildMetadata`.
//!
//! Grammar from kustomize/commands/edit/{set,add,remove}/*.go; the function each reproduces is
//! named on it.

use crate::error::{Error, ErrorKind, Result};
use crate::yaml::node::{Entry, Mapping, Node, Scalar};

use super::splice::{Doc, Step};

/// A top-level list of strings that `add`/`remove` change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ListField {
    /// `resources` (also `add base`).
    Resources,
    /// `components`.
    Components,
    /// `transformers`.
    Transformers,
    /// `generators`.
    Generators,
    /// `configurations`.
    Configurations,
    /// `buildMetadata`.
    BuildMetadata,
}

impl ListField {
    /// Returns the field's key in a kustomization.
    pub fn key(self) -> &'static str {
        match self {
            ListField::Resources => "resources",
            ListField::Components => "components",
            ListField::Transformers => "transformers",
            ListField::Generators => "generators",
            ListField::Configurations => "configurations",
            ListField::BuildMetadata => "buildMetadata",
        }
    }

    /// Returns the singular noun kustomize's messages use.
    fn noun(self) -> &'static str {
        match self {
            ListField::Resources => "resource",
            ListField::Components => "component",
            ListField::Transformers => "transformer",
            ListField::Generators => "generator",
            ListField::Configurations => "configuration",
            ListField::BuildMetadata => "buildMetadata option",
        }
    }
}

/// kustomize's `types.BuildMetadataOptions`.
const BUILD_METADATA: &[&str] = &[
    "originAnnotations",
    "transformerAnnotations",
    "managedByLabel",
];

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Kustomization, message)
}

/// Sets a top-level string field (`set nameprefix`, `set namesuffix`).
pub(crate) fn set_top_scalar(doc: &mut Doc, key: &str, value: &str) -> Result<()> {
    if value.is_empty() {
        // kustomize's `omitempty` drops an empty string.
        doc.remove_entry(&[], key)?;
        return Ok(());
    }
    doc.set_scalar(&[], key, value, true, true)
}

/// `set namespace`: the value must be a DNS-1123 label (setnamespace.go `Validate`, with
/// apimachinery's `IsDNS1123Label` messages).
pub(crate) fn set_namespace(doc: &mut Doc, ns: &str) -> Result<()> {
    let mut errs = Vec::new();
    if ns.len() > 63 {
        errs.push("must be no more than 63 characters".to_owned());
    }
    let ok_chars = !ns.is_empty()
        && ns
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !ns.starts_with('-')
        && !ns.ends_with('-');
    if !ok_chars {
        errs.push(
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \
             '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or \
             '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
                .to_owned(),
        );
    }
    if !errs.is_empty() {
        return Err(invalid(format!(
            "{ns:?} is not a valid namespace name: {}",
            errs.join(";")
        )));
    }
    set_top_scalar(doc, "namespace", ns)
}

/// Parses `NAME=COUNT` (setreplicas.go `parseReplicasArg`).
pub fn parse_replica(arg: &str) -> Result<(String, i64)> {
    let parts: Vec<&str> = arg.split('=').collect();
    if let [name, count] = parts.as_slice()
        && let Ok(n) = count.parse::<i64>()
    {
        return Ok(((*name).to_owned(), n));
    }
    Err(invalid(
        "invalid format of replica, use the following format: <name>=<count>",
    ))
}

/// `set replicas`: update the count of an entry of that name, or add one where a list sorted
/// by name (as kustomize writes it) would have it.
pub(crate) fn set_replicas(doc: &mut Doc, replicas: &[(String, i64)]) -> Result<()> {
    let list = [Step::Key("replicas".into())];
    for (name, count) in replicas {
        let count = count.to_string();
        let items = doc.get(&list).and_then(Node::as_sequence).cloned();
        let matching: Vec<usize> = items
            .iter()
            .flatten()
            .enumerate()
            .filter(|(_, i)| i.get_str(&["name"]) == Some(name.as_str()))
            .map(|(n, _)| n)
            .collect();
        if !matching.is_empty() {
            for i in matching {
                let item = [Step::Key("replicas".into()), Step::Index(i)];
                doc.set_scalar(&item, "count", &count, false, false)?;
            }
            continue;
        }
        let entry = Node::mapping(Mapping {
            entries: vec![
                Entry {
                    key: Node::string("name"),
                    value: Node::string(name.clone()),
                },
                Entry {
                    key: Node::string("count"),
                    value: Node::scalar(Scalar::plain(count)),
                },
            ],
        });
        match items {
            Some(items) => {
                let at = items
                    .iter()
                    .position(|i| i.get_str(&["name"]).is_some_and(|n| n > name.as_str()))
                    .unwrap_or(items.len());
                doc.insert_item(&list, at, &entry)?;
            }
            None => add_list_field(doc, "replicas", vec![entry])?,
        }
    }
    Ok(())
}

/// Creates the top-level list `key` holding `items` (replacing a null value).
fn add_list_field(doc: &mut Doc, key: &str, items: Vec<Node>) -> Result<()> {
    let path = [Step::Key(key.into())];
    if doc.get(&path).is_some_and(|n| !n.is_null()) {
        return Err(doc.error_at(&path, format!("{key} must be a list")));
    }
    doc.remove_entry(&[], key)?;
    doc.insert_entry(&[], key, &Node::sequence(items), true)
}

/// Returns the string items of the top-level list `key`.
fn list_items(doc: &Doc, key: &str) -> Result<Vec<Option<String>>> {
    let path = [Step::Key(key.into())];
    match doc.get(&path) {
        None => Ok(Vec::new()),
        Some(n) if n.is_null() => Ok(Vec::new()),
        Some(n) => match n.as_sequence() {
            Some(items) => Ok(items
                .iter()
                .map(|i| i.as_str().map(str::to_owned))
                .collect()),
            None => Err(doc.error_at(&path, format!("{key} must be a list of strings"))),
        },
    }
}

/// Appends each of `items` to the list unless it is there already
/// (addresource.go `RunAddResource` and its siblings).
pub(crate) fn add_to_list(
    doc: &mut Doc,
    field: ListField,
    items: &[String],
    warnings: &mut Vec<String>,
) -> Result<()> {
    let key = field.key();
    for item in items {
        let existing = list_items(doc, key)?;
        if existing.iter().flatten().any(|e| e == item) {
            warnings.push(format!(
                "{} {item} already in kustomization file",
                field.noun()
            ));
            continue;
        }
        let is_list = doc
            .get(&[Step::Key(key.into())])
            .and_then(Node::as_sequence)
            .is_some();
        if !is_list {
            add_list_field(doc, key, vec![Node::string(item.clone())])?;
        } else {
            doc.insert_item(
                &[Step::Key(key.into())],
                existing.len(),
                &Node::string(item.clone()),
            )?;
        }
    }
    Ok(())
}

/// `add base`: like `add resource`, but a base already in `resources` is an error
/// (addbase.go `RunAddBase`).
pub(crate) fn add_bases(doc: &mut Doc, bases: &[String]) -> Result<()> {
    if bases.is_empty() {
        return Err(invalid("must specify a base directory"));
    }
    let existing = list_items(doc, "resources")?;
    for b in bases {
        if existing.iter().flatten().any(|e| e == b) {
            return Err(invalid(format!("base {b} already in kustomization file")));
        }
    }
    add_to_list(doc, ListField::Resources, bases, &mut Vec::new())
}

/// Checks `buildMetadata` options (validate.go `BuildMetadataValidator.Validate`).
fn check_build_metadata(opts: &[String]) -> Result<()> {
    if opts.is_empty() {
        return Err(invalid("must specify a buildMetadata option"));
    }
    for o in opts {
        if !BUILD_METADATA.contains(&o.as_str()) {
            return Err(invalid(format!("invalid buildMetadata option: {o}")));
        }
    }
    Ok(())
}

/// `add buildmetadata`: an option already present is an error (addbuildmetadata.go).
pub(crate) fn add_build_metadata(doc: &mut Doc, opts: &[String]) -> Result<()> {
    check_build_metadata(opts)?;
    let existing = list_items(doc, "buildMetadata")?;
    for o in opts {
        if existing.iter().flatten().any(|e| e == o) {
            return Err(invalid(format!(
                "buildMetadata option {o} already in kustomization file"
            )));
        }
    }
    add_to_list(doc, ListField::BuildMetadata, opts, &mut Vec::new())
}

/// `set buildmetadata`: the list becomes exactly `opts` (setbuildmetadata.go).
pub(crate) fn set_build_metadata(doc: &mut Doc, opts: &[String]) -> Result<()> {
    check_build_metadata(opts)?;
    let existing = list_items(doc, "buildMetadata")?;
    if existing.len() == opts.len()
        && existing
            .iter()
            .zip(opts)
            .all(|(e, o)| e.as_ref() == Some(o))
    {
        return Ok(());
    }
    doc.remove_entry(&[], "buildMetadata")?;
    let items = opts.iter().map(|o| Node::string(o.clone())).collect();
    doc.insert_entry(&[], "buildMetadata", &Node::sequence(items), true)
}

/// `remove resource|component|transformer|buildmetadata`: drop entries matching any pattern
/// (removeresource.go `globPatterns`, Go's `filepath.Match`); the field goes when emptied.
pub(crate) fn remove_from_list(doc: &mut Doc, field: ListField, patterns: &[String]) -> Result<()> {
    let key = field.key();
    if field == ListField::BuildMetadata {
        check_build_metadata(patterns)?;
    }
    let existing = list_items(doc, key)?;
    let path = [Step::Key(key.into())];
    let mut removed = 0;
    for (i, item) in existing.iter().enumerate() {
        let Some(item) = item else { continue };
        let hit = if field == ListField::BuildMetadata {
            patterns.iter().any(|p| p == item)
        } else {
            let mut hit = false;
            for p in patterns {
                if glob_match(p, item)? {
                    hit = true;
                    break;
                }
            }
            hit
        };
        if hit {
            doc.remove_item(&path, i - removed)?;
            removed += 1;
        }
    }
    if removed > 0
        && doc
            .get(&path)
            .and_then(Node::as_sequence)
            .is_some_and(Vec::is_empty)
    {
        doc.remove_entry(&[], key)?;
    }
    Ok(())
}

/// Go's `path/filepath.Match` on `/`-separated names: `*`, `?`, `[...]` classes (with `^`
/// negation and ranges) and `\` escapes; `*` and `?` never match `/`. A malformed pattern is
/// `syntax error in pattern`, as in Go.
pub fn glob_match(pattern: &str, name: &str) -> Result<bool> {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let bad = || invalid("syntax error in pattern");
    // Iterative matcher with one backtrack point for the last `*` (linear in practice).
    let (mut pi, mut ni) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    loop {
        if pi < p.len() {
            match p[pi] {
                '*' => {
                    star = Some((pi, ni));
                    pi += 1;
                    continue;
                }
                c if ni < n.len() => {
                    let (ok, next) = match c {
                        '?' => (n[ni] != '/', pi + 1),
                        '[' => class_match(&p, pi, n[ni]).ok_or_else(bad)?,
                        '\\' => {
                            let lit = *p.get(pi + 1).ok_or_else(bad)?;
                            (lit == n[ni], pi + 2)
                        }
                        c => (c == n[ni], pi + 1),
                    };
                    if ok {
                        pi = next;
                        ni += 1;
                        continue;
                    }
                }
                '[' => {
                    // Still check the class, so a malformed pattern is an error as in Go.
                    class_match(&p, pi, 'a').ok_or_else(bad)?;
                }
                _ => {}
            }
        } else if ni == n.len() {
            return Ok(true);
        }
        // Mismatch: let the last `*` swallow one more non-separator character.
        match star {
            Some((sp, sn)) if sn < n.len() && n[sn] != '/' => {
                star = Some((sp, sn + 1));
                pi = sp + 1;
                ni = sn + 1;
            }
            _ => return Ok(false),
        }
    }
}

/// Matches `c` against the class starting at `p[start] == '['`; returns (matched, index after
/// `]`), or `None` for a malformed class.
fn class_match(p: &[char], start: usize, c: char) -> Option<(bool, usize)> {
    let mut i = start + 1;
    let negate = p.get(i) == Some(&'^');
    if negate {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    loop {
        let ch = *p.get(i)?;
        if ch == ']' && !first {
            return Some((matched != negate, i + 1));
        }
        first = false;
        let lo = if ch == '\\' {
            i += 1;
            *p.get(i)?
        } else {
            ch
        };
        i += 1;
        let mut hi = lo;
        if p.get(i) == Some(&'-') && p.get(i + 1).is_some_and(|x| *x != ']') {
            i += 1;
            hi = if p.get(i) == Some(&'\\') {
                i += 1;
                *p.get(i)?
            } else {
                *p.get(i)?
            };
            i += 1;
            if hi < lo {
                return None;
            }
        }
        if lo <= c && c <= hi {
            matched = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::testutil::{BASE, lacks_fields, run, same_fields, same_fields_in};
    use crate::edit::{Edit, apply};

    /// kustomize/commands/edit/set/setreplicas_test.go `TestSetReplicas`.
    #[test]
    fn kustomize_set_replicas_table() {
        let two = "replicas:\n- count: 1\n  name: app\n- count: 2\n  name: other-app";
        let cases = [
            (
                "(first case)",
                vec!["app=5"],
                BASE,
                "replicas:\n- count: 5\n  name: app",
            ),
            (
                "override file",
                vec!["app=5"],
                two,
                "replicas:\n- count: 5\n  name: app\n- count: 2\n  name: other-app",
            ),
            (
                "multiple args with multiple overrides",
                vec!["app=100", "other-app=200"],
                two,
                "replicas:\n- count: 100\n  name: app\n- count: 200\n  name: other-app",
            ),
        ];
        for (case, args, file, want) in cases {
            let r = args.iter().map(|a| parse_replica(a).unwrap()).collect();
            same_fields_in(case, &run(file, &Edit::SetReplicas(r)), want);
        }
        // "error: invalid args -- no =" and "-- non-integer count".
        assert!(parse_replica("bad").is_err());
        assert!(parse_replica("app=bad").is_err());
    }

    /// add/addbuildmetadata_test.go, set/setbuildmetadata_test.go and
    /// remove/removebuildmetadata_test.go `TestAddBuildMetadata` / `TestSetBuildMetadata` /
    /// `TestRemoveBuildMetadata` (the "too many args" cases are the CLI's comma rule).
    #[test]
    fn kustomize_build_metadata_tables() {
        let all = vec![
            "originAnnotations".to_owned(),
            "transformerAnnotations".to_owned(),
            "managedByLabel".to_owned(),
        ];
        let one = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nbuildMetadata: [originAnnotations]";
        let three = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nbuildMetadata: [originAnnotations, transformerAnnotations, managedByLabel]";
        let origin = vec!["originAnnotations".to_owned()];
        // add: "happy path", "option already there", "invalid option".
        same_fields(
            &crate::edit::testutil::once("", &Edit::AddBuildMetadata(all.clone())),
            "buildMetadata: [originAnnotations, transformerAnnotations, managedByLabel]",
        );
        let e = apply("k", one, &Edit::AddBuildMetadata(origin.clone())).unwrap_err();
        assert_eq!(
            e.to_string(),
            "buildMetadata option originAnnotations already in kustomization file"
        );
        let e = apply(
            "k",
            "",
            &Edit::AddBuildMetadata(vec!["invalid_option".into()]),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid buildMetadata option: invalid_option"
        );
        // set: "happy path", "option already there", "remove old options".
        same_fields(
            &run("", &Edit::SetBuildMetadata(all.clone())),
            &format!("buildMetadata: [{}]", all.join(", ")),
        );
        assert_eq!(run(one, &Edit::SetBuildMetadata(origin.clone())), one);
        same_fields(
            &run(three, &Edit::SetBuildMetadata(origin.clone())),
            "buildMetadata: [originAnnotations]",
        );
        // remove: "happy path", "option already there" (the last one: the field goes).
        let out = run(
            three,
            &Edit::RemoveFromList(ListField::BuildMetadata, origin.clone()),
        );
        same_fields(
            &out,
            "buildMetadata: [transformerAnnotations, managedByLabel]",
        );
        lacks_fields(
            &run(one, &Edit::RemoveFromList(ListField::BuildMetadata, origin)),
            &["buildMetadata"],
        );
    }

    /// add/addbase_test.go `TestAddBaseAlreadyThere`.
    #[test]
    fn kustomize_add_base_already_there() {
        let bases = vec!["my/path/base".to_owned(), "other".to_owned()];
        let out = crate::edit::testutil::once(BASE, &Edit::AddBases(bases.clone()));
        same_fields(&out, "resources:\n- my/path/base\n- other");
        let e = apply("k", &out, &Edit::AddBases(bases)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "base my/path/base already in kustomization file"
        );
    }

    /// remove/removecomponent_test.go `TestRemoveComponents` and add/addtransformer_test.go
    /// `TestAddTransformerAlreadyThere` (with its siblings for generators and configurations).
    #[test]
    fn kustomize_component_and_plugin_lists() {
        let file = "components:\n- ../../components/component1\n- ../../components/component2\n- ../../components/component3\n";
        same_fields(
            &run(
                file,
                &Edit::RemoveFromList(
                    ListField::Components,
                    vec!["../../components/component2".into()],
                ),
            ),
            "components:\n- ../../components/component1\n- ../../components/component3",
        );
        same_fields(
            &run(
                file,
                &Edit::RemoveFromList(
                    ListField::Components,
                    vec!["../../components/component[12]".into()],
                ),
            ),
            "components:\n- ../../components/component3",
        );
        for field in [
            ListField::Transformers,
            ListField::Generators,
            ListField::Configurations,
        ] {
            let out = run(
                BASE,
                &Edit::AddToList(field, vec!["myWonderfulPlugin.yaml".into()]),
            );
            let again = apply(
                "k",
                &out,
                &Edit::AddToList(field, vec!["myWonderfulPlugin.yaml".into()]),
            )
            .unwrap();
            assert_eq!(again.text, out, "{field:?}");
            same_fields(&out, &format!("{}:\n- myWonderfulPlugin.yaml", field.key()));
        }
    }

    /// set/set_name_prefix_test.go `TestSetNamePrefix`, set_name_suffix_test.go
    /// `TestSetNameSuffix`, setnamespace_test.go `TestSetNamespace`,
    /// `TestSetNamespaceOverride` and `TestSetNamespaceInvalid`.
    #[test]
    fn kustomize_set_scalar_fields() {
        same_fields(
            &run(BASE, &Edit::SetNamePrefix("my-prefix".into())),
            "namePrefix: my-prefix",
        );
        same_fields(
            &run(BASE, &Edit::SetNameSuffix("my-suffix".into())),
            "nameSuffix: my-suffix",
        );
        same_fields(
            &run(BASE, &Edit::SetNamespace("newnamespace".into())),
            "namespace: newnamespace",
        );
        same_fields(
            &run(
                "namespace: oldnamespace\n",
                &Edit::SetNamespace("newnamespace".into()),
            ),
            "namespace: newnamespace",
        );
        let e = apply(
            "k",
            BASE,
            &Edit::SetNamespace("namespace name with spaces".into()),
        )
        .unwrap_err();
        assert!(
            e.to_string().starts_with("\"namespace name with spaces\" is not a valid namespace name: a lowercase RFC 1123 label must consist of"),
            "{e}"
        );
    }

    /// add/addresource_test.go `TestAddResourceHappyPath` and `TestAddResourceAlreadyThere`,
    /// add/addcomponent_test.go, remove/removeresource_test.go (globs, emptied field).
    #[test]
    fn kustomize_resource_lists() {
        let out = run(
            BASE,
            &Edit::AddToList(
                ListField::Resources,
                vec!["foo.yaml".into(), "bar.yaml".into()],
            ),
        );
        same_fields(&out, "resources:\n- foo.yaml\n- bar.yaml");
        let again = apply(
            "k",
            &out,
            &Edit::AddToList(ListField::Resources, vec!["foo.yaml".into()]),
        )
        .unwrap();
        assert_eq!(again.text, out);
        assert_eq!(
            again.warnings,
            ["resource foo.yaml already in kustomization file"]
        );
        let out = run(
            BASE,
            &Edit::AddToList(ListField::Components, vec!["comp".into()]),
        );
        same_fields(&out, "components:\n- comp");
        let file = "resources:\n- resource1.yaml\n- resource2.yaml\n- resource3.yaml\n";
        same_fields(
            &run(
                file,
                &Edit::RemoveFromList(ListField::Resources, vec!["resource2.yaml".into()]),
            ),
            "resources:\n- resource1.yaml\n- resource3.yaml",
        );
        lacks_fields(
            &run(
                file,
                &Edit::RemoveFromList(ListField::Resources, vec!["resource*.yaml".into()]),
            ),
            &["resources"],
        );
        // A pattern that matches nothing changes nothing.
        assert_eq!(
            run(
                file,
                &Edit::RemoveFromList(ListField::Resources, vec!["x".into()])
            ),
            file
        );
    }

    #[test]
    fn glob_matches_like_go_filepath_match() {
        let cases = [
            ("*.yaml", "a.yaml", true),
            ("*.yaml", "dir/a.yaml", false),
            ("dir/*.yaml", "dir/a.yaml", true),
            ("res?.yaml", "res1.yaml", true),
            ("res[0-9].yaml", "res7.yaml", true),
            ("res[^0-9].yaml", "res7.yaml", false),
            ("a.yaml", "a.yaml", true),
            ("a.yaml", "b.yaml", false),
            ("*", "", true),
            ("a*b*c", "axxbyyc", true),
            ("a*b*c", "axxbyy", false),
        ];
        for (p, n, want) in cases {
            assert_eq!(glob_match(p, n).unwrap(), want, "{p} ~ {n}");
        }
        assert!(glob_match("[", "a").is_err());
    }

    #[test]
    fn parses_replica_arguments() {
        // kustomize/commands/edit/set/setreplicas_test.go.
        assert_eq!(parse_replica("app=3").unwrap(), ("app".to_owned(), 3));
        for bad in ["app", "app=x", "app=3=4", "app=3.5"] {
            let e = parse_replica(bad).unwrap_err();
            assert!(e.to_string().contains("<name>=<count>"), "{bad}: {e}");
        }
    }
}
