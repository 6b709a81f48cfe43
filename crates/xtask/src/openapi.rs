//! The OpenAPI bundle and `schemas/merge-keys.tsv` → `generated/openapi.rs`.
//!
//! The bundle's `definitions` nest through `properties.X.$ref` (a map value) and
//! `properties.X.items.$ref` (list items); its `resources` map `apiVersion` + `kind` to a root
//! definition, as kyaml's `SchemaForResourceType` does with `x-kubernetes-group-version-kind`.
//! The tsv's `kustomizeList` column says what kyaml's merge (kyaml/yaml/merge2, walk) does with
//! one field. The output is the part of the graph the merge can reach and that leads to a field
//! listed in the tsv; see [`generate`] for the pruning rule.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Read as _;

use serde_json::{Map, Value};

use crate::rust::{header, lit};
use crate::tsv;

/// The bundle, relative to `shared/reference/`.
pub const BUNDLE: &str = "schemas/kubernetes-openapi-union-v1.21.2.bundle-v1.json.gz";

/// The merge-key table, relative to `shared/reference/`.
pub const MERGE_KEYS: &str = "schemas/merge-keys.tsv";

const MERGE_KEY_COLUMNS: &[&str] = &[
    "definition",
    "field",
    "patchStrategy",
    "mergeKey",
    "listType",
    "listMapKeys",
    "kustomizeList",
];

/// What kyaml's merge does with a field (the tsv's `kustomizeList`).
#[derive(Clone, Debug, PartialEq)]
enum Kind {
    /// `keys=a,b`: list elements matched on these keys.
    Keys(Vec<String>),
    /// `set`: a list of scalars merged as a set.
    Set,
    /// `replace`: the patch's list replaces the target's.
    Replace,
    /// `fieldwise`: a map merged key by key.
    Fieldwise,
    /// `scalar`: nothing to merge.
    Scalar,
}

impl Kind {
    fn parse(text: &str) -> Result<Kind, String> {
        Ok(match text {
            "set" => Kind::Set,
            "replace" => Kind::Replace,
            "fieldwise" => Kind::Fieldwise,
            "scalar" => Kind::Scalar,
            _ => {
                let keys = text
                    .strip_prefix("keys=")
                    .ok_or_else(|| format!("unknown kustomizeList {text:?}"))?;
                let keys: Vec<String> = keys.split(',').map(str::to_owned).collect();
                if keys.iter().any(String::is_empty) {
                    return Err(format!("empty key in {text:?}"));
                }
                Kind::Keys(keys)
            }
        })
    }

    fn render(&self) -> String {
        match self {
            Kind::Keys(keys) => {
                let keys: Vec<String> = keys.iter().map(|k| lit(k)).collect();
                format!("ListKind::Keys(&[{}])", keys.join(", "))
            }
            Kind::Set => "ListKind::Set".to_owned(),
            Kind::Replace => "ListKind::Replace".to_owned(),
            Kind::Fieldwise => "ListKind::Fieldwise".to_owned(),
            Kind::Scalar => "ListKind::Scalar".to_owned(),
        }
    }
}

/// One resource of the bundle.
#[derive(Debug, PartialEq)]
pub struct Resource {
    pub api_version: String,
    pub kind: String,
    pub definition: Option<String>,
    pub scope: Option<String>,
}

/// The decoded bundle.
pub struct Bundle {
    definitions: Map<String, Value>,
    /// The bundle's `resources`, in file order.
    pub resources: Vec<Resource>,
}

/// Decompresses and decodes the bundle.
pub fn load_bundle(gz: &[u8]) -> Result<Bundle, String> {
    let mut json = String::new();
    flate2::read::GzDecoder::new(gz)
        .read_to_string(&mut json)
        .map_err(|e| format!("{BUNDLE}: gunzip: {e}"))?;
    let root: Value = serde_json::from_str(&json).map_err(|e| format!("{BUNDLE}: {e}"))?;
    let format = root.get("formatVersion").and_then(Value::as_u64);
    if format != Some(1) {
        return Err(format!("{BUNDLE}: formatVersion {format:?}, expected 1"));
    }
    let definitions = root
        .get("definitions")
        .and_then(Value::as_object)
        .ok_or_else(|| format!("{BUNDLE}: no definitions object"))?
        .clone();
    let resources = root
        .get("resources")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{BUNDLE}: no resources list"))?
        .iter()
        .map(|r| {
            let text = |key: &str| r.get(key).and_then(Value::as_str).map(str::to_owned);
            Ok(Resource {
                api_version: text("apiVersion")
                    .ok_or_else(|| format!("{BUNDLE}: resource without apiVersion: {r}"))?,
                kind: text("kind")
                    .ok_or_else(|| format!("{BUNDLE}: resource without kind: {r}"))?,
                definition: text("definition"),
                scope: text("scope"),
            })
        })
        .collect::<Result<_, String>>()?;
    Ok(Bundle {
        definitions,
        resources,
    })
}

/// The parts of one property that the merge looks at.
struct Prop<'a> {
    /// `$ref` target: the value is that definition.
    value: Option<&'a str>,
    /// `items.$ref` target: list elements are that definition.
    items: Option<&'a str>,
    /// `additionalProperties.$ref` target: every map value is that definition.
    map_values: Option<&'a str>,
    is_array: bool,
    /// `type: object` (a map without a definition of its own).
    is_object: bool,
    /// The array's items are a scalar type.
    scalar_items: bool,
    /// `(strategy, mergeKey, listType, listMapKeys)` as the tsv writes them.
    extensions: [String; 4],
    has_extensions: bool,
}

impl Bundle {
    fn ref_target<'a>(
        &'a self,
        at: &str,
        value: Option<&'a Value>,
    ) -> Result<Option<&'a str>, String> {
        let Some(value) = value else { return Ok(None) };
        let reference = value
            .as_str()
            .ok_or_else(|| format!("{BUNDLE}: {at}: $ref is not a string"))?;
        let name = reference
            .strip_prefix("#/definitions/")
            .ok_or_else(|| format!("{BUNDLE}: {at}: unsupported $ref {reference:?}"))?;
        if !self.definitions.contains_key(name) {
            return Err(format!("{BUNDLE}: {at}: $ref to missing {name}"));
        }
        Ok(Some(name))
    }

    /// Returns a definition's properties, sorted by name.
    fn props(&self, def: &str) -> Result<Vec<(&str, Prop<'_>)>, String> {
        let schema = self
            .definitions
            .get(def)
            .ok_or_else(|| format!("{BUNDLE}: no definition {def}"))?;
        let Some(properties) = schema.get("properties") else {
            return Ok(Vec::new());
        };
        let properties = properties
            .as_object()
            .ok_or_else(|| format!("{BUNDLE}: {def}.properties is not an object"))?;
        let mut out = Vec::new();
        for (name, p) in properties {
            let at = format!("{def}.{name}");
            let text = |key: &str| p.get(key).and_then(Value::as_str).unwrap_or("").to_owned();
            let map_keys = p
                .get("x-kubernetes-list-map-keys")
                .and_then(Value::as_array)
                .map(|keys| {
                    keys.iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .unwrap_or_default();
            let items = p.get("items");
            let prop = Prop {
                value: self.ref_target(&at, p.get("$ref"))?,
                items: self.ref_target(&at, items.and_then(|i| i.get("$ref")))?,
                map_values: self.ref_target(
                    &at,
                    p.get("additionalProperties").and_then(|a| a.get("$ref")),
                )?,
                is_array: p.get("type").and_then(Value::as_str) == Some("array"),
                is_object: p.get("type").and_then(Value::as_str) == Some("object"),
                scalar_items: items
                    .and_then(|i| i.get("type"))
                    .and_then(Value::as_str)
                    .is_some_and(|t| !matches!(t, "array" | "object")),
                extensions: [
                    text("x-kubernetes-patch-strategy"),
                    text("x-kubernetes-patch-merge-key"),
                    text("x-kubernetes-list-type"),
                    map_keys,
                ],
                has_extensions: p.as_object().is_some_and(|o| {
                    o.keys().any(|k| {
                        k.starts_with("x-kubernetes-patch-") || k.starts_with("x-kubernetes-list-")
                    })
                }),
            };
            out.push((name.as_str(), prop));
        }
        // Sorted here rather than trusting the map: serde_json keeps insertion order when
        // another crate in the build enables its `preserve_order` feature.
        out.sort_by(|a, b| a.0.cmp(b.0));
        Ok(out)
    }
}

/// Returns the definition the merge walks into below `prop` under `kind`, if any: list
/// elements for a keyed list, the value for a field-wise map. Replaced lists, sets and scalars
/// are never walked into (kyaml's `walkNonAssociativeSequence` takes the patch's list whole).
fn walked<'a>(prop: &Prop<'a>, kind: &Kind) -> Option<&'a str> {
    match kind {
        Kind::Keys(_) => prop.items,
        Kind::Fieldwise => prop.value,
        Kind::Set | Kind::Replace | Kind::Scalar => None,
    }
}

/// What the merge does with a field the tsv does not list: maps merge field-wise, lists are
/// replaced (README, schemas/).
fn default_kind(prop: &Prop<'_>) -> Kind {
    if prop.is_array {
        Kind::Replace
    } else if prop.value.is_some() || prop.is_object {
        Kind::Fieldwise
    } else {
        Kind::Scalar
    }
}

/// Parses `merge-keys.tsv` and checks it against the bundle: every row names an existing
/// property whose raw extensions match the row, every property with a patch or list extension
/// has a row, and the row's behaviour fits the property's shape.
fn merge_keys(bundle: &Bundle, text: &str) -> Result<BTreeMap<(String, String), Kind>, String> {
    let mut out = BTreeMap::new();
    for row in tsv::read(MERGE_KEYS, text, MERGE_KEY_COLUMNS)? {
        let (def, field) = (row[0], row[1]);
        let at = format!("{MERGE_KEYS}: {def}.{field}");
        let kind = Kind::parse(row[6]).map_err(|e| format!("{at}: {e}"))?;
        let props = bundle.props(def).map_err(|e| format!("{at}: {e}"))?;
        let prop = props
            .iter()
            .find(|(name, _)| *name == field)
            .map(|(_, p)| p)
            .ok_or_else(|| format!("{at}: no such property in the bundle"))?;
        if prop
            .extensions
            .iter()
            .map(String::as_str)
            .ne(row[2..6].iter().copied())
        {
            return Err(format!(
                "{at}: raw columns {:?} differ from the bundle's {:?}",
                &row[2..6],
                prop.extensions
            ));
        }
        let fits = match kind {
            Kind::Keys(_) => prop.is_array && prop.items.is_some(),
            Kind::Set => prop.is_array && prop.scalar_items,
            Kind::Replace => prop.is_array,
            Kind::Fieldwise => prop.value.is_some(),
            Kind::Scalar => !prop.is_array && prop.value.is_none() && !prop.is_object,
        };
        if !fits {
            return Err(format!("{at}: {} does not fit the property's type", row[6]));
        }
        if out
            .insert((def.to_owned(), field.to_owned()), kind)
            .is_some()
        {
            return Err(format!("{at}: listed twice"));
        }
    }
    for def in bundle.definitions.keys() {
        for (field, prop) in bundle.props(def)? {
            if prop.has_extensions && !out.contains_key(&(def.clone(), field.to_owned())) {
                return Err(format!(
                    "{MERGE_KEYS}: {def}.{field} has patch/list extensions in the bundle but no row"
                ));
            }
        }
    }
    Ok(out)
}

struct Field {
    name: String,
    target: Option<usize>,
    kind: Kind,
}

/// Returns the Rust source of `openapi.rs` (unformatted).
///
/// Pruning: a definition is *relevant* if a field of it has a tsv row, or its merge walks
/// (see [`walked`]) into a relevant definition. The output holds every resource's root
/// definition (so a known kind always has one, possibly without fields) and every relevant
/// definition reachable from a root; a definition keeps the fields that have a tsv row or walk
/// into a relevant definition, and a field's target is set only when that definition is
/// relevant.
pub fn generate(bundle: &Bundle, merge_keys_text: &str) -> Result<String, String> {
    let rows = merge_keys(bundle, merge_keys_text)?;
    let kind_of = |def: &str, field: &str, prop: &Prop<'_>| -> Kind {
        rows.get(&(def.to_owned(), field.to_owned()))
            .cloned()
            .unwrap_or_else(|| default_kind(prop))
    };

    let mut props: BTreeMap<&str, Vec<(&str, Prop<'_>)>> = BTreeMap::new();
    for def in bundle.definitions.keys() {
        props.insert(def, bundle.props(def)?);
    }

    let mut relevant: BTreeSet<&str> = BTreeSet::new();
    for (def, _) in rows.keys() {
        if let Some((name, _)) = props.get_key_value(def.as_str()) {
            relevant.insert(name);
        }
    }
    loop {
        let mut grown = false;
        for (def, fields) in &props {
            if relevant.contains(def) {
                continue;
            }
            let reaches = fields.iter().any(|(field, prop)| {
                walked(prop, &kind_of(def, field, prop)).is_some_and(|t| relevant.contains(t))
            });
            if reaches {
                relevant.insert(def);
                grown = true;
            }
        }
        if !grown {
            break;
        }
    }

    // Roots, sorted by (apiVersion, kind) for binary search.
    let mut roots: BTreeMap<(&str, &str), &str> = BTreeMap::new();
    for r in &bundle.resources {
        let Some(def) = &r.definition else { continue };
        if !props.contains_key(def.as_str()) {
            return Err(format!(
                "{BUNDLE}: resource {} {} names missing {def}",
                r.api_version, r.kind
            ));
        }
        if roots.insert((&r.api_version, &r.kind), def).is_some() {
            return Err(format!(
                "{BUNDLE}: resource {} {} listed twice",
                r.api_version, r.kind
            ));
        }
    }

    let mut kept: BTreeSet<&str> = BTreeSet::new();
    let mut stack: Vec<&str> = roots.values().copied().collect();
    while let Some(def) = stack.pop() {
        if !kept.insert(def) {
            continue;
        }
        for (field, prop) in props.get(def).map(Vec::as_slice).unwrap_or_default() {
            if let Some(t) =
                walked(prop, &kind_of(def, field, prop)).filter(|t| relevant.contains(t))
            {
                stack.push(t);
            }
            if let Some(t) = prop.map_values.filter(|t| relevant.contains(t)) {
                return Err(format!(
                    "{BUNDLE}: {def}.{field}: map values ({t}) have merge behaviour; \
                     the table has no way to say so yet"
                ));
            }
        }
    }
    // Rows the merge never reaches: below replaced lists (e.g. `EndpointSlice.endpoints`) or
    // in definitions no resource uses. Named in the output so that a change is visible.
    let unreached: Vec<String> = rows
        .keys()
        .filter(|(def, _)| !kept.contains(def.as_str()))
        .map(|(def, field)| format!("{def}.{field}"))
        .collect();
    if kept.len() > usize::from(u16::MAX) {
        return Err(format!("{} definitions do not fit DefId(u16)", kept.len()));
    }
    let ids: BTreeMap<&str, usize> = kept.iter().enumerate().map(|(i, d)| (*d, i)).collect();

    let mut definitions: Vec<(&str, Vec<Field>)> = Vec::new();
    for def in &kept {
        let mut fields = Vec::new();
        for (field, prop) in props.get(def).map(Vec::as_slice).unwrap_or_default() {
            let listed = rows.contains_key(&((*def).to_owned(), (*field).to_owned()));
            let kind = kind_of(def, field, prop);
            let target = walked(prop, &kind)
                .filter(|t| relevant.contains(t))
                .and_then(|t| ids.get(t).copied());
            if listed || target.is_some() {
                fields.push(Field {
                    name: (*field).to_owned(),
                    target,
                    kind,
                });
            }
        }
        definitions.push((def, fields));
    }

    let field_count: usize = definitions.iter().map(|(_, f)| f.len()).sum();
    let mut out = header(&[BUNDLE, MERGE_KEYS]);
    out.push_str(
        "//! The strategic-merge schema graph: Kubernetes v1.21.2 definitions that lead to a \
         field with merge behaviour, and each resource's root definition.\n\n\
         use crate::schema::{DefId, Definition, Field, ListKind};\n\n",
    );
    let _ = writeln!(
        out,
        "/// {} of the bundle's {} definitions with {field_count} fields, sorted by name; a \
         `DefId` indexes this slice, and fields are sorted by name.",
        definitions.len(),
        bundle.definitions.len()
    );
    if !unreached.is_empty() {
        out.push_str(
            "///\n/// Rows of the tsv left out, as no merge walks to them from a resource:\n",
        );
        for row in &unreached {
            let _ = writeln!(out, "/// - `{row}`");
        }
    }
    out.push_str("pub(crate) static DEFINITIONS: &[Definition] = &[\n");
    for (i, (name, fields)) in definitions.iter().enumerate() {
        let _ = writeln!(out, "// DefId({i})");
        let _ = writeln!(out, "Definition {{ name: {}, fields: &[", lit(name));
        for f in fields {
            let target = match f.target {
                Some(t) => format!("Some(DefId({t}))"),
                None => "None".to_owned(),
            };
            let _ = writeln!(
                out,
                "Field {{ name: {}, target: {target}, list: {} }},",
                lit(&f.name),
                f.kind.render()
            );
        }
        out.push_str("] },\n");
    }
    out.push_str("];\n\n");
    let _ = writeln!(
        out,
        "/// `(apiVersion, kind, root definition)` for the bundle's {} resources that have a \
         definition, sorted by apiVersion then kind (bytewise) for binary search.",
        roots.len()
    );
    out.push_str("pub(crate) static ROOTS: &[(&str, &str, DefId)] = &[\n");
    for ((api_version, kind), def) in &roots {
        let id = ids
            .get(def)
            .ok_or_else(|| format!("root {def} was not kept"))?;
        let _ = writeln!(out, "({}, {}, DefId({id})),", lit(api_version), lit(kind));
    }
    out.push_str("];\n");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn bundle(definitions: Value, resources: &[(&str, &str, &str)]) -> Bundle {
        Bundle {
            definitions: definitions.as_object().expect("object").clone(),
            resources: resources
                .iter()
                .map(|(a, k, d)| Resource {
                    api_version: (*a).to_owned(),
                    kind: (*k).to_owned(),
                    definition: Some((*d).to_owned()),
                    scope: None,
                })
                .collect(),
        }
    }

    const HEAD: &str =
        "definition\tfield\tpatchStrategy\tmergeKey\tlistType\tlistMapKeys\tkustomizeList\n";

    fn sample() -> Bundle {
        bundle(
            json!({
                "Root": {"properties": {
                    "spec": {"$ref": "#/definitions/Spec"},
                    "other": {"$ref": "#/definitions/Inert"},
                    "kind": {"type": "string"},
                }},
                "Spec": {"properties": {
                    "items": {"type": "array", "items": {"$ref": "#/definitions/Item"},
                              "x-kubernetes-patch-strategy": "merge",
                              "x-kubernetes-patch-merge-key": "name"},
                    "plain": {"type": "array", "items": {"$ref": "#/definitions/Item"}},
                }},
                "Item": {"properties": {
                    "tags": {"type": "array", "items": {"type": "string"},
                             "x-kubernetes-patch-strategy": "merge"},
                }},
                "Inert": {"properties": {"x": {"type": "string"}}},
                "Unused": {"properties": {}},
            }),
            &[("v1", "Root", "Root"), ("v1", "Bare", "Inert")],
        )
    }

    #[test]
    fn prunes_to_merge_relevant_fields() {
        let tsv = format!(
            "{HEAD}Spec\titems\tmerge\tname\t\t\tkeys=name\nItem\ttags\tmerge\t\t\t\tset\n"
        );
        let out = generate(&sample(), &tsv).expect("generates");
        // Kept, sorted: Inert (a root), Item, Root, Spec; Unused is dropped.
        assert!(
            out.contains("// DefId(0)\nDefinition { name: \"Inert\", fields: &[\n] },"),
            "{out}"
        );
        assert!(!out.contains("Unused"), "{out}");
        assert!(
            out.contains(
                "Field { name: \"spec\", target: Some(DefId(3)), list: ListKind::Fieldwise },"
            ),
            "{out}"
        );
        assert!(out.contains("Field { name: \"items\", target: Some(DefId(1)), list: ListKind::Keys(&[\"name\"]) },"), "{out}");
        assert!(
            out.contains("Field { name: \"tags\", target: None, list: ListKind::Set },"),
            "{out}"
        );
        // Not walked: a replaced list, an inert map, a scalar.
        assert!(
            !out.contains("\"plain\"") && !out.contains("\"other\"") && !out.contains("\"kind\""),
            "{out}"
        );
        assert!(
            out.contains("(\"v1\", \"Bare\", DefId(0)),\n(\"v1\", \"Root\", DefId(2)),"),
            "{out}"
        );
    }

    #[test]
    fn rejects_rows_that_disagree_with_the_bundle() {
        let b = sample();
        // Wrong raw column.
        let tsv =
            format!("{HEAD}Spec\titems\tmerge\tid\t\t\tkeys=name\nItem\ttags\tmerge\t\t\t\tset\n");
        assert!(generate(&b, &tsv).is_err());
        // Missing row for a property with extensions.
        let tsv = format!("{HEAD}Spec\titems\tmerge\tname\t\t\tkeys=name\n");
        assert!(generate(&b, &tsv).is_err());
        // Behaviour that does not fit the shape.
        let tsv = format!(
            "{HEAD}Spec\titems\tmerge\tname\t\t\tkeys=name\nItem\ttags\tmerge\t\t\t\tfieldwise\n"
        );
        assert!(generate(&b, &tsv).is_err());
    }
}
