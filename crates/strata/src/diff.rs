//! Diff: compares two [`Rendered`] outputs resource by resource (the last stage, beside
//! `emit`: it prints each resource with [`emit::emit_document`] and diffs the text).
//!
//! Resources are paired by group, kind, effective namespace and name; the API version is not
//! part of the key, so `apps/v1beta1` → `apps/v1` is one changed Deployment. Generated objects
//! whose content-hash suffix changed (`app-config-5g7h2k9m4t` → `app-config-8b2d6f9c7k`) are
//! paired by the name they had before the hash was added (the last of
//! `History::prev_ids` when `needs_hash` is set), so a ConfigMap
//! edit shows as one changed ConfigMap, and the references kustomize rewrote (`envFrom`,
//! volumes...) show as changed lines of the resources that hold them.
//!
//! Two environments (`overlays/staging` and `overlays/production`) rarely share a final id:
//! each overlay adds its own namespace, prefix or suffix. With [`PairBy::Origin`] resources
//! are paired first by the id they had when loaded or generated, before any namespace, prefix,
//! suffix or hash ([`Resource::org_id`], kustomize's `OrgId`), so the diff shows what one
//! environment does differently from the other; the final id and the name before the hash
//! pair what remains.
//!
//! Secret values are redacted by default (see [`DiffOptions::redact_secrets`]); the library
//! decides what is shown, the caller only formats [`Change`]s.
//!
//! This module may use `render`, `resource`, `yaml` and `error`; it never prints.
//!
//! ```
//! use strata::diff::{ChangeKind, DiffOptions, diff};
//! use strata::{MemoryFs, Renderer};
//!
//! let app = |port: &str| {
//!     MemoryFs::new()
//!         .with_file("app/kustomization.yaml", "resources:\n- cm.yaml\n")
//!         .with_file(
//!             "app/cm.yaml",
//!             format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  port: \"{port}\"\n"),
//!         )
//! };
//! let renderer = Renderer::default();
//! let old = renderer.render(&app("80"), "/app")?;
//! let new = renderer.render(&app("8080"), "/app")?;
//! let d = diff(&old, &new, &DiffOptions::default())?;
//! assert_eq!(d.summary().to_string(), "0 added, 0 removed, 1 changed");
//! let change = &d.changes()[0];
//! assert_eq!((change.kind, change.id.name.as_str()), (ChangeKind::Changed, "web"));
//! assert_eq!(
//!     change.unified(),
//!     "@@ -1,6 +1,6 @@\n apiVersion: v1\n data:\n-  port: \"80\"\n+  port: \"8080\"\n kind: ConfigMap\n metadata:\n   name: web\n"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeMap, VecDeque};
use std::fmt;

use similar::{ChangeTag, TextDiff};

use crate::error::{Error, ErrorKind, Location};
use crate::render::Rendered;
use crate::resource::{ResId, Resource};
use crate::yaml::{Node, emit};

/// What [`diff`] compares and how much it shows.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct DiffOptions {
    /// Lines of unchanged context around each change in a hunk (default 3, as diff(1)).
    pub context: usize,
    /// Hide the values of Secrets (default true).
    ///
    /// Each value under a core Secret's `data` and `stringData`, and its
    /// `kubectl.kubernetes.io/last-applied-configuration` annotation (a copy of the whole
    /// object), prints as [`REDACTED`], or as [`REDACTED_OLD`] / [`REDACTED_NEW`] when both
    /// sides have the key with different values: a reviewer sees which keys were added,
    /// removed or changed, and nothing of the values. No hash of a value is printed: diffs
    /// get posted to pull requests, and a short unsalted hash lets anyone confirm a guessed
    /// low-entropy value (`change-me`) offline. Whether two values differ is decided here,
    /// where both sides are known, on the values as kustomize prints them.
    pub redact_secrets: bool,
    /// Only compare resources of these kinds (ASCII case-insensitive); empty compares all.
    pub kinds: Vec<String>,
    /// Which id pairs a resource with its counterpart (default [`PairBy::Final`]).
    pub pair_by: PairBy,
}

/// Which id pairs resources of the two sides.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum PairBy {
    /// The id in the output (group, kind, namespace, name), then the name before a hash
    /// suffix: for two states of one kustomization.
    #[default]
    Final,
    /// The id as loaded or generated, before namespace, prefix, suffix and hash, then as
    /// [`PairBy::Final`]: for two overlays of one base.
    Origin,
}

impl Default for DiffOptions {
    fn default() -> DiffOptions {
        DiffOptions {
            context: 3,
            redact_secrets: true,
            kinds: Vec::new(),
            pair_by: PairBy::Final,
        }
    }
}

impl DiffOptions {
    /// Returns the default options: 3 lines of context, Secrets redacted, every kind.
    pub fn new() -> DiffOptions {
        DiffOptions::default()
    }

    /// Sets the lines of context around each change.
    pub fn context(mut self, lines: usize) -> DiffOptions {
        self.context = lines;
        self
    }

    /// Sets whether Secret values are hidden.
    pub fn redact_secrets(mut self, redact: bool) -> DiffOptions {
        self.redact_secrets = redact;
        self
    }

    /// Sets which id pairs resources.
    pub fn pair_by(mut self, pair_by: PairBy) -> DiffOptions {
        self.pair_by = pair_by;
        self
    }

    /// Restricts the comparison to resources of these kinds.
    pub fn kinds(mut self, kinds: impl IntoIterator<Item = impl Into<String>>) -> DiffOptions {
        self.kinds = kinds.into_iter().map(Into::into).collect();
        self
    }

    fn selects(&self, r: &Resource) -> bool {
        self.kinds.is_empty()
            || self
                .kinds
                .iter()
                .any(|k| k.eq_ignore_ascii_case(&r.id().gvk.kind))
    }
}

/// What a redacted Secret value prints as when it is the same on both sides, or has no
/// counterpart (the Secret or the key was added or removed).
pub const REDACTED: &str = "<redacted>";
/// What a redacted Secret value prints as on the left when the right has another value
/// under the same key.
pub const REDACTED_OLD: &str = "<redacted, old value>";
/// What a redacted Secret value prints as on the right when the left has another value
/// under the same key.
pub const REDACTED_NEW: &str = "<redacted, new value>";

/// Whether a resource was added, removed or changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum ChangeKind {
    /// Only the right side has it.
    Added,
    /// Only the left side has it.
    Removed,
    /// Both sides have it, with different YAML.
    Changed,
}

impl ChangeKind {
    /// Returns the lower-case word for the kind (`added`, `removed`, `changed`).
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
        }
    }

    /// Returns the one-character mark diff headers use: `+`, `-` or `~`.
    pub fn sigil(self) -> char {
        match self {
            ChangeKind::Added => '+',
            ChangeKind::Removed => '-',
            ChangeKind::Changed => '~',
        }
    }
}

/// One resource that differs between the two sides.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Change {
    /// Added, removed or changed.
    pub kind: ChangeKind,
    /// The resource's id: the right side's, or the left side's for a removed resource.
    pub id: ResId,
    /// The left side's id when it differs from [`Change::id`]: a new hash suffix (or another
    /// API version) on a changed resource.
    pub old_id: Option<ResId>,
    /// The left side's YAML as compared (Secret values redacted if asked); `None` if added.
    pub left_yaml: Option<String>,
    /// The right side's YAML as compared; `None` if removed.
    pub right_yaml: Option<String>,
    /// The unified diff of the two texts, as hunks (an added resource is one hunk of added
    /// lines).
    pub hunks: Vec<Hunk>,
}

impl Change {
    /// Returns the hunks as unified diff text: `@@ -a,b +c,d @@` headers and lines marked
    /// ` `, `-` or `+`, without `---`/`+++` file headers.
    pub fn unified(&self) -> String {
        let mut out = String::new();
        for h in &self.hunks {
            h.write_unified(&mut out);
        }
        out
    }
}

/// One hunk of a unified diff.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Hunk {
    /// First line of the hunk on the left (1-based; for an empty range, the line before it).
    pub old_start: usize,
    /// Number of left lines in the hunk.
    pub old_len: usize,
    /// First line of the hunk on the right (1-based; for an empty range, the line before it).
    pub new_start: usize,
    /// Number of right lines in the hunk.
    pub new_len: usize,
    /// The lines, in order.
    pub lines: Vec<Line>,
}

impl Hunk {
    /// Returns the header: `@@ -old_start,old_len +new_start,new_len @@` (a length of 1 is
    /// left out, as diff(1) does).
    pub fn header(&self) -> String {
        let range = |start: usize, len: usize| {
            if len == 1 {
                start.to_string()
            } else {
                format!("{start},{len}")
            }
        };
        format!(
            "@@ -{} +{} @@",
            range(self.old_start, self.old_len),
            range(self.new_start, self.new_len)
        )
    }

    /// Appends the hunk as unified diff text.
    pub fn write_unified(&self, out: &mut String) {
        out.push_str(&self.header());
        out.push('\n');
        for l in &self.lines {
            out.push(l.tag.sigil());
            out.push_str(&l.text);
            out.push('\n');
            if l.missing_newline {
                out.push_str("\\ No newline at end of file\n");
            }
        }
    }
}

/// One line of a hunk.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Line {
    /// Context, removed or added.
    pub tag: LineTag,
    /// The text, without its line break.
    pub text: String,
    /// True if the text is the last of its side and has no line break.
    pub missing_newline: bool,
}

/// Whether a hunk line is on both sides, the left only or the right only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum LineTag {
    /// Unchanged context.
    Context,
    /// Only on the left.
    Removed,
    /// Only on the right.
    Added,
}

impl LineTag {
    /// Returns the unified diff mark: ` `, `-` or `+`.
    pub fn sigil(self) -> char {
        match self {
            LineTag::Context => ' ',
            LineTag::Removed => '-',
            LineTag::Added => '+',
        }
    }
}

/// Counts of a [`Diff`]; `Display` prints `N added, M removed, K changed`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Summary {
    /// Resources only the right side has.
    pub added: usize,
    /// Resources only the left side has.
    pub removed: usize,
    /// Resources both sides have, with different YAML.
    pub changed: usize,
    /// Resources both sides have, with the same YAML.
    pub unchanged: usize,
}

impl Summary {
    /// Returns true if nothing was added, removed or changed.
    pub fn is_empty(&self) -> bool {
        self.added == 0 && self.removed == 0 && self.changed == 0
    }
}

impl std::ops::AddAssign for Summary {
    fn add_assign(&mut self, other: Summary) {
        self.added += other.added;
        self.removed += other.removed;
        self.changed += other.changed;
        self.unchanged += other.unchanged;
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} added, {} removed, {} changed",
            self.added, self.removed, self.changed
        )
    }
}

/// The differences between two renders.
#[derive(Clone, Debug, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Diff {
    changes: Vec<Change>,
    unchanged: usize,
}

impl Diff {
    /// Returns the changes in output order: the right side's order, each removed resource
    /// placed after the resources that preceded it on the left.
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    /// Returns true if the two sides render the same resources (among the selected kinds).
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Returns the counts of added, removed, changed and unchanged resources.
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            unchanged: self.unchanged,
            ..Summary::default()
        };
        for c in &self.changes {
            match c.kind {
                ChangeKind::Added => s.added += 1,
                ChangeKind::Removed => s.removed += 1,
                ChangeKind::Changed => s.changed += 1,
            }
        }
        s
    }
}

/// Which side of a diff something came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    /// The first render given to [`diff`] (the old state).
    Left,
    /// The second render (the new state).
    Right,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::Left => "left",
            Side::Right => "right",
        })
    }
}

/// A resource of one side could not be printed (kustomize refuses to print it too).
#[derive(Debug)]
pub struct DiffError {
    /// The side the resource is on.
    pub side: Side,
    /// Why it could not be printed.
    pub error: Error,
}

impl fmt::Display for DiffError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.side, self.error)
    }
}

impl std::error::Error for DiffError {}

/// Compares two renders resource by resource.
///
/// Returns an error only if a resource cannot be printed, which [`Rendered::to_yaml`] would
/// report too; it names the side.
///
/// ```
/// use strata::{ChangeKind, DiffOptions, MemoryFs, Renderer};
///
/// let fs = MemoryFs::new()
///     .with_file("base/kustomization.yaml", "resources:\n- cm.yaml\n")
///     .with_file("base/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n")
///     .with_file("dev/kustomization.yaml", "resources:\n- ../base\n")
///     .with_file("prod/kustomization.yaml", "resources:\n- ../base\nnamespace: prod\n");
/// let renderer = Renderer::default();
/// let (dev, prod) = (renderer.render(&fs, "/dev")?, renderer.render(&fs, "/prod")?);
/// let d = strata::diff::diff(&dev, &prod, &DiffOptions::default())?;
/// // A new namespace is another id: the resource is removed on one side, added on the other.
/// let kinds: Vec<ChangeKind> = d.changes().iter().map(|c| c.kind).collect();
/// assert_eq!(kinds, [ChangeKind::Added, ChangeKind::Removed]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn diff(left: &Rendered, right: &Rendered, options: &DiffOptions) -> Result<Diff, DiffError> {
    let lefts: Vec<&Resource> = left
        .resources()
        .iter()
        .filter(|r| options.selects(r))
        .collect();
    let rights: Vec<&Resource> = right
        .resources()
        .iter()
        .filter(|r| options.selects(r))
        .collect();
    let pairs = pair(&lefts, &rights, options.pair_by);

    let mut out = Diff::default();
    let mut left_used = vec![false; lefts.len()];
    for p in pairs.iter().flatten() {
        if let Some(u) = left_used.get_mut(*p) {
            *u = true;
        }
    }
    // Removed resources are emitted as soon as the walk over the right side passes a pair
    // whose left resource comes after them.
    let mut next_left = 0;
    for (j, r) in rights.iter().enumerate() {
        match pairs.get(j).copied().flatten() {
            Some(i) => {
                removed_before(i, &lefts, &left_used, &mut next_left, options, &mut out)?;
                if let Some(l) = lefts.get(i) {
                    changed(l, r, options, &mut out)?;
                }
            }
            None => {
                let text = yaml(r, None, Side::Right, options)?;
                out.changes.push(Change {
                    kind: ChangeKind::Added,
                    id: r.id().clone(),
                    old_id: None,
                    hunks: hunks("", &text, options.context),
                    left_yaml: None,
                    right_yaml: Some(text),
                });
            }
        }
    }
    removed_before(
        lefts.len(),
        &lefts,
        &left_used,
        &mut next_left,
        options,
        &mut out,
    )?;
    Ok(out)
}

/// Pushes the unpaired left resources before index `until` not yet pushed.
fn removed_before(
    until: usize,
    lefts: &[&Resource],
    left_used: &[bool],
    next_left: &mut usize,
    options: &DiffOptions,
    out: &mut Diff,
) -> Result<(), DiffError> {
    while *next_left < until {
        let i = *next_left;
        *next_left += 1;
        if left_used.get(i).copied().unwrap_or(true) {
            continue;
        }
        let Some(l) = lefts.get(i) else { continue };
        let text = yaml(l, None, Side::Left, options)?;
        out.changes.push(Change {
            kind: ChangeKind::Removed,
            id: l.id().clone(),
            old_id: None,
            hunks: hunks(&text, "", options.context),
            left_yaml: Some(text),
            right_yaml: None,
        });
    }
    Ok(())
}

/// Compares one pair and pushes a change if their YAML differs.
fn changed(
    l: &Resource,
    r: &Resource,
    options: &DiffOptions,
    out: &mut Diff,
) -> Result<(), DiffError> {
    let raw_left = print(l.node(), l, Side::Left)?;
    let raw_right = print(r.node(), r, Side::Right)?;
    if raw_left == raw_right {
        out.unchanged += 1;
        return Ok(());
    }
    let (left_text, right_text) = if options.redact_secrets && (is_secret(l) || is_secret(r)) {
        (
            yaml(l, Some(r.node()), Side::Left, options)?,
            yaml(r, Some(l.node()), Side::Right, options)?,
        )
    } else {
        (raw_left, raw_right)
    };
    let old_id = (l.id() != r.id()).then(|| l.id().clone());
    out.changes.push(Change {
        kind: ChangeKind::Changed,
        id: r.id().clone(),
        old_id,
        hunks: hunks(&left_text, &right_text, options.context),
        left_yaml: Some(left_text),
        right_yaml: Some(right_text),
    });
    Ok(())
}

/// What pairs two resources: group, kind, effective namespace, and a name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Key<'a> {
    group: &'a str,
    kind: &'a str,
    namespace: Option<&'a str>,
    name: &'a str,
}

fn key<'a>(r: &'a Resource, name: &'a str) -> Key<'a> {
    Key {
        group: &r.id().gvk.group,
        kind: &r.id().gvk.kind,
        namespace: r.id().effective_namespace(),
        name,
    }
}

/// Returns the key of the id `r` had when loaded or generated. Previous ids store the
/// effective namespace (`default`, or `_non_namespaceable_` for cluster-scoped kinds), so
/// those and an empty namespace all count as none.
fn origin_key(r: &Resource) -> Key<'_> {
    let org = r.org_id();
    let namespace = match org.namespace.as_str() {
        "" | "default" | "_non_namespaceable_" => None,
        ns => Some(ns),
    };
    Key {
        group: &org.gvk.group,
        kind: &org.gvk.kind,
        namespace,
        name: &org.name,
    }
}

/// Returns the name a generated object had before its hash suffix, or its name.
fn name_before_hash(r: &Resource) -> &str {
    let h = r.history();
    match h.prev_ids.last() {
        Some(p) if h.needs_hash => &p.name,
        _ => &r.id().name,
    }
}

/// Returns, for each right resource, the index of the left resource it pairs with: with
/// [`PairBy::Origin`] first by the id as loaded; then by exact name, then the rest by the name
/// before the hash suffix. Ties pair in output order, so the result does not depend on any
/// hash map's iteration.
fn pair(lefts: &[&Resource], rights: &[&Resource], pair_by: PairBy) -> Vec<Option<usize>> {
    let mut pairs = vec![None; rights.len()];
    let mut used = vec![false; lefts.len()];
    let final_name: fn(&Resource) -> Key<'_> = |r| key(r, &r.id().name);
    let before_hash: fn(&Resource) -> Key<'_> = |r| key(r, name_before_hash(r));
    let passes: &[fn(&Resource) -> Key<'_>] = match pair_by {
        PairBy::Final => &[final_name, before_hash],
        PairBy::Origin => &[origin_key, final_name, before_hash],
    };
    for key_of in passes {
        let mut by_key: BTreeMap<Key<'_>, VecDeque<usize>> = BTreeMap::new();
        for (i, l) in lefts.iter().enumerate() {
            if !used.get(i).copied().unwrap_or(true) {
                by_key.entry(key_of(l)).or_default().push_back(i);
            }
        }
        for (j, r) in rights.iter().enumerate() {
            let Some(slot) = pairs.get_mut(j) else {
                continue;
            };
            if slot.is_some() {
                continue;
            }
            if let Some(i) = by_key.get_mut(&key_of(r)).and_then(VecDeque::pop_front) {
                *slot = Some(i);
                if let Some(u) = used.get_mut(i) {
                    *u = true;
                }
            }
        }
    }
    pairs
}

fn is_secret(r: &Resource) -> bool {
    r.id().gvk.group.is_empty() && r.id().gvk.kind == "Secret"
}

/// The annotation `kubectl apply` keeps the whole object in, Secret values included.
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Returns the YAML shown for `r`: printed as kustomize prints it, with Secret values replaced
/// by markers if asked; `other` is the paired resource's document, which decides the markers.
fn yaml(
    r: &Resource,
    other: Option<&Node>,
    side: Side,
    options: &DiffOptions,
) -> Result<String, DiffError> {
    if !(options.redact_secrets && is_secret(r)) {
        return print(r.node(), r, side);
    }
    let changed_marker = match side {
        Side::Left => REDACTED_OLD,
        Side::Right => REDACTED_NEW,
    };
    let mut node = r.node().clone();
    for field in ["data", "stringData"] {
        let Some(value) = get_path_mut(&mut node, &[field]) else {
            continue;
        };
        if value.is_null() {
            continue;
        }
        let Some(values) = value.as_mapping_mut() else {
            // Not a map of values (kustomize would reject it on apply): hide it whole.
            let theirs = other.and_then(|o| o.get_path(&[field]));
            *value = Node::string(marker(value, theirs, changed_marker, r, side)?);
            continue;
        };
        for v in &mut values.entries {
            let theirs = v
                .key
                .as_str()
                .and_then(|name| other.and_then(|o| o.get_path(&[field, name])));
            v.value = Node::string(marker(&v.value, theirs, changed_marker, r, side)?);
        }
    }
    let annotation = ["metadata", "annotations", LAST_APPLIED];
    if let Some(value) = get_path_mut(&mut node, &annotation) {
        let theirs = other.and_then(|o| o.get_path(&annotation));
        *value = Node::string(marker(value, theirs, changed_marker, r, side)?);
    }
    print(&node, r, side)
}

/// Returns the marker for one Secret value: [`REDACTED`] unless the other side has another
/// value under the same key.
fn marker(
    mine: &Node,
    theirs: Option<&Node>,
    changed: &'static str,
    r: &Resource,
    side: Side,
) -> Result<&'static str, DiffError> {
    let Some(theirs) = theirs else {
        return Ok(REDACTED);
    };
    // Compare printed forms: spans differ between sides, and `"1"` vs `1` is a change. The
    // printer takes documents (mappings), so each value is printed under one key.
    let printed = |v: &Node| {
        let mut m = crate::yaml::Mapping::new();
        m.insert("v", v.clone());
        print(&Node::mapping(m), r, side)
    };
    if printed(mine)? == printed(theirs)? {
        Ok(REDACTED)
    } else {
        Ok(changed)
    }
}

fn get_path_mut<'n>(node: &'n mut Node, path: &[&str]) -> Option<&'n mut Node> {
    let mut cur = node;
    for key in path {
        cur = cur.as_mapping_mut()?.get_mut(key)?;
    }
    Some(cur)
}

/// Prints `node` (the document of `r`, or a part of it) as kustomize does.
fn print(node: &Node, r: &Resource, side: Side) -> Result<String, DiffError> {
    let mut out = String::new();
    emit::emit_document(node, &mut out).map_err(|e| DiffError {
        side,
        error: Error::new(ErrorKind::Emit, e.message)
            .with_location(Location::new(r.origin(), e.span)),
    })?;
    Ok(out)
}

/// Returns the unified diff hunks between two texts with `context` lines around changes.
fn hunks(old: &str, new: &str, context: usize) -> Vec<Hunk> {
    let diff = TextDiff::from_lines(old, new);
    let mut out = Vec::new();
    for group in diff.grouped_ops(context) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let (old_range, new_range) = (
            first.old_range().start..last.old_range().end,
            first.new_range().start..last.new_range().end,
        );
        // diff(1) numbers an empty range by the line before it.
        let start = |r: &std::ops::Range<usize>| {
            if r.is_empty() { r.start } else { r.start + 1 }
        };
        let mut lines = Vec::new();
        for op in &group {
            for c in diff.iter_changes(op) {
                let text = c.value();
                let tag = match c.tag() {
                    ChangeTag::Equal => LineTag::Context,
                    ChangeTag::Delete => LineTag::Removed,
                    ChangeTag::Insert => LineTag::Added,
                };
                lines.push(Line {
                    tag,
                    text: text.strip_suffix('\n').unwrap_or(text).to_owned(),
                    missing_newline: !text.ends_with('\n'),
                });
            }
        }
        out.push(Hunk {
            old_start: start(&old_range),
            old_len: old_range.len(),
            new_start: start(&new_range),
            new_len: new_range.len(),
            lines,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{MemoryFs, Renderer};

    const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: web
        image: example.com/web:0.1
        envFrom:
        - configMapRef:
            name: app-config
        - secretRef:
            name: app-secret
";

    const SERVICE: &str = "\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
  - port: 80
";

    /// The knobs the cases turn.
    #[derive(Clone, Copy)]
    struct App {
        tag: &'static str,
        replicas: u32,
        log_level: &'static str,
        password: &'static str,
        service: bool,
    }

    const APP: App = App {
        tag: "1.0",
        replicas: 2,
        log_level: "info",
        password: "hunter2",
        service: true,
    };

    fn render(app: App) -> Rendered {
        let k = format!(
            "namespace: production\nresources:\n- deployment.yaml\n{service}\
             images:\n- name: example.com/web\n  newTag: \"{tag}\"\n\
             replicas:\n- name: web\n  count: {replicas}\n\
             configMapGenerator:\n- name: app-config\n  literals:\n  - LOG_LEVEL={log}\n\
             secretGenerator:\n- name: app-secret\n  literals:\n  - PASSWORD={password}\n  - TOKEN=abc\n",
            service = if app.service { "- service.yaml\n" } else { "" },
            tag = app.tag,
            replicas = app.replicas,
            log = app.log_level,
            password = app.password,
        );
        let fs = MemoryFs::new()
            .with_file("app/kustomization.yaml", k)
            .with_file("app/deployment.yaml", DEPLOYMENT)
            .with_file("app/service.yaml", SERVICE);
        Renderer::default().render(&fs, "/app").unwrap()
    }

    fn run(left: App, right: App, options: &DiffOptions) -> Diff {
        diff(&render(left), &render(right), options).unwrap()
    }

    /// `(kind, "Kind name")` for each change, in order.
    fn outline(d: &Diff) -> Vec<(ChangeKind, String)> {
        d.changes()
            .iter()
            .map(|c| (c.kind, format!("{} {}", c.id.gvk.kind, c.id.name)))
            .collect()
    }

    /// The changed lines (`-`/`+`) of every change, in order.
    fn changed_lines(d: &Diff) -> Vec<String> {
        d.changes()
            .iter()
            .flat_map(|c| c.hunks.iter().flat_map(|h| h.lines.iter()))
            .filter(|l| l.tag != LineTag::Context)
            .map(|l| format!("{}{}", l.tag.sigil(), l.text))
            .collect()
    }

    #[test]
    fn identical_renders_have_no_changes() {
        let d = run(APP, APP, &DiffOptions::default());
        assert!(d.is_empty());
        assert_eq!(d.summary().to_string(), "0 added, 0 removed, 0 changed");
        assert_eq!(d.summary().unchanged, 4);
    }

    #[test]
    fn one_field_changes() {
        use ChangeKind::Changed;
        let cases: [(&str, App, &[&str]); 2] = [
            (
                "image tag",
                App { tag: "1.1", ..APP },
                &[
                    "-        image: example.com/web:1.0",
                    "+        image: example.com/web:1.1",
                ],
            ),
            (
                "replicas",
                App { replicas: 5, ..APP },
                &["-  replicas: 2", "+  replicas: 5"],
            ),
        ];
        for (name, right, lines) in cases {
            let d = run(APP, right, &DiffOptions::default());
            assert_eq!(outline(&d), [(Changed, "Deployment web".into())], "{name}");
            assert_eq!(changed_lines(&d), lines, "{name}");
            assert_eq!(d.changes()[0].old_id, None, "{name}");
            assert_eq!(d.summary().to_string(), "0 added, 0 removed, 1 changed");
        }
    }

    #[test]
    fn new_hash_suffix_pairs_as_one_change_and_shows_the_reference() {
        let left = render(APP);
        let right = render(App {
            log_level: "debug",
            ..APP
        });
        let d = diff(&left, &right, &DiffOptions::default()).unwrap();
        let old = |kind: &str| {
            left.resources()
                .iter()
                .find(|r| r.id().gvk.kind == kind)
                .unwrap()
                .id()
                .name
                .clone()
        };
        let new = |kind: &str| {
            right
                .resources()
                .iter()
                .find(|r| r.id().gvk.kind == kind)
                .unwrap()
                .id()
                .name
                .clone()
        };
        let (old_cm, new_cm) = (old("ConfigMap"), new("ConfigMap"));
        assert_ne!(old_cm, new_cm);
        assert!(old_cm.starts_with("app-config-") && new_cm.starts_with("app-config-"));
        assert_eq!(
            outline(&d),
            [
                (ChangeKind::Changed, format!("ConfigMap {new_cm}")),
                (ChangeKind::Changed, "Deployment web".into()),
            ]
        );
        assert_eq!(
            d.changes()[0].old_id.as_ref().map(|id| id.name.as_str()),
            Some(old_cm.as_str())
        );
        assert_eq!(
            changed_lines(&d),
            [
                "-  LOG_LEVEL: info".to_owned(),
                "+  LOG_LEVEL: debug".to_owned(),
                format!("-  name: {old_cm}"),
                format!("+  name: {new_cm}"),
                format!("-            name: {old_cm}"),
                format!("+            name: {new_cm}"),
            ]
        );
    }

    #[test]
    fn added_and_removed_resources() {
        let with = APP;
        let without = App {
            service: false,
            ..APP
        };
        let d = run(with, without, &DiffOptions::default());
        assert_eq!(outline(&d), [(ChangeKind::Removed, "Service web".into())]);
        let c = &d.changes()[0];
        assert_eq!(c.right_yaml, None);
        assert_eq!(c.hunks.len(), 1);
        assert!(c.hunks[0].lines.iter().all(|l| l.tag == LineTag::Removed));
        assert_eq!(c.hunks[0].header(), "@@ -1,8 +0,0 @@");

        let d = run(without, with, &DiffOptions::default());
        assert_eq!(outline(&d), [(ChangeKind::Added, "Service web".into())]);
        assert_eq!(d.changes()[0].hunks[0].header(), "@@ -0,0 +1,8 @@");
        assert_eq!(d.summary().to_string(), "1 added, 0 removed, 0 changed");
    }

    #[test]
    fn removed_resources_keep_their_place() {
        // Left has the Service between the Secret and the Deployment (legacy order); the
        // removal is listed before the Deployment's change.
        let d = run(
            APP,
            App {
                service: false,
                tag: "2.0",
                ..APP
            },
            &DiffOptions::default(),
        );
        assert_eq!(
            outline(&d),
            [
                (ChangeKind::Removed, "Service web".into()),
                (ChangeKind::Changed, "Deployment web".into()),
            ]
        );
    }

    #[test]
    fn secrets_are_redacted_unless_asked() {
        let right = App {
            password: "correct-horse",
            ..APP
        };
        let d = run(APP, right, &DiffOptions::default());
        let secret = d
            .changes()
            .iter()
            .find(|c| c.id.gvk.kind == "Secret")
            .unwrap();
        let shown = format!(
            "{}{}{}",
            secret.unified(),
            secret.left_yaml.as_deref().unwrap(),
            secret.right_yaml.as_deref().unwrap()
        );
        for value in ["hunter2", "correct-horse", "abc"] {
            let b64 = base64(value);
            assert!(!shown.contains(&b64), "{value} leaked:\n{shown}");
        }
        let lines: Vec<String> = changed_lines(&d)
            .into_iter()
            .filter(|l| l.contains("PASSWORD") || l.contains("TOKEN"))
            .collect();
        assert_eq!(
            lines,
            [
                "-  PASSWORD: <redacted, old value>",
                "+  PASSWORD: <redacted, new value>"
            ]
        );
        assert!(secret.unified().contains("   TOKEN: <redacted>\n"));

        let d = run(APP, right, &DiffOptions::new().redact_secrets(false));
        let lines: Vec<String> = changed_lines(&d)
            .into_iter()
            .filter(|l| l.contains("PASSWORD"))
            .collect();
        assert_eq!(
            lines,
            [
                format!("-  PASSWORD: {}", base64("hunter2")),
                format!("+  PASSWORD: {}", base64("correct-horse"))
            ]
        );
    }

    #[test]
    fn added_secret_shows_keys_only() {
        let mut fs = MemoryFs::new();
        fs.add_file(
            "a/kustomization.yaml",
            "secretGenerator:\n- name: s\n  literals:\n  - K=v\n",
        );
        fs.add_file(
            "a/s.yaml",
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: plain\n  annotations:\n    \
             kubectl.kubernetes.io/last-applied-configuration: '{\"data\":{\"X\":\"c2VjcmV0\"}}'\n\
             stringData:\n  X: secret\n",
        );
        fs.add_file("b/kustomization.yaml", "resources:\n- ../a/s.yaml\n");
        fs.add_file("empty/kustomization.yaml", "resources: []\n");
        let r = Renderer::new(
            crate::RenderOptions::default().load_restrictor(crate::LoadRestrictor::None),
        );
        let empty = r.render(&fs, "/empty").unwrap();
        for dir in ["/a", "/b"] {
            let d = diff(
                &empty,
                &r.render(&fs, dir).unwrap(),
                &DiffOptions::default(),
            )
            .unwrap();
            let text = d.changes()[0].unified();
            assert!(
                !text.contains("secret") && !text.contains("dg==") && !text.contains("c2VjcmV0"),
                "{text}"
            );
            assert!(text.contains(": <redacted>\n"), "{text}");
        }
    }

    #[test]
    fn kind_filter_and_context() {
        let right = App {
            tag: "1.1",
            replicas: 3,
            service: false,
            ..APP
        };
        let d = run(APP, right, &DiffOptions::new().kinds(["service"]));
        assert_eq!(outline(&d), [(ChangeKind::Removed, "Service web".into())]);

        let d = run(
            APP,
            right,
            &DiffOptions::new().kinds(["Deployment"]).context(0),
        );
        let c = &d.changes()[0];
        assert_eq!(c.hunks.len(), 2);
        assert_eq!(
            c.unified(),
            "\
@@ -7 +7 @@
-  replicas: 2
+  replicas: 3
@@ -16 +16 @@
-        image: example.com/web:1.0
+        image: example.com/web:1.1
"
        );
    }

    #[test]
    fn hashed_and_unhashed_versions_pair() {
        let fs = MemoryFs::new()
            .with_file(
                "a/kustomization.yaml",
                "configMapGenerator:\n- name: cm\n  literals:\n  - K=v\n",
            )
            .with_file(
                "b/kustomization.yaml",
                "configMapGenerator:\n- name: cm\n  literals:\n  - K=v\n  \
                 options:\n    disableNameSuffixHash: true\n",
            );
        let r = Renderer::default();
        let d = diff(
            &r.render(&fs, "/a").unwrap(),
            &r.render(&fs, "/b").unwrap(),
            &DiffOptions::default(),
        )
        .unwrap();
        assert_eq!(outline(&d), [(ChangeKind::Changed, "ConfigMap cm".into())]);
        assert!(
            d.changes()[0]
                .old_id
                .as_ref()
                .unwrap()
                .name
                .starts_with("cm-")
        );
    }

    #[test]
    fn missing_newline_is_marked() {
        let h = hunks("a\nb", "a\nc", 3);
        let c = Change {
            kind: ChangeKind::Changed,
            id: ResId::default(),
            old_id: None,
            left_yaml: None,
            right_yaml: None,
            hunks: h,
        };
        assert_eq!(
            c.unified(),
            "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n"
        );
    }

    fn base64(s: &str) -> String {
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, s)
    }

    /// A base with a Deployment and a Service, and two overlays that each add their own
    /// namespace, prefix or suffix, a generated ConfigMap and one resource of their own.
    fn environments() -> MemoryFs {
        MemoryFs::new()
            .with_file(
                "/base/kustomization.yaml",
                "resources:\n- d.yaml\n- s.yaml\n",
            )
            .with_file("/base/d.yaml", DEPLOYMENT)
            .with_file("/base/s.yaml", SERVICE)
            .with_file(
                "/staging/kustomization.yaml",
                "resources:\n- ../base\nnamespace: staging\nnamePrefix: staging-\n\
                 configMapGenerator:\n- name: app-config\n  literals:\n  - MODE=staging\n",
            )
            .with_file(
                "/production/kustomization.yaml",
                "resources:\n- ../base\n- ns.yaml\nnamespace: prod\nnameSuffix: -prod\n\
                 replicas:\n- name: web\n  count: 5\nconfigMapGenerator:\n- name: app-config\n  \
                 literals:\n  - MODE=production\n",
            )
            .with_file(
                "/production/ns.yaml",
                "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n",
            )
    }

    #[test]
    fn origin_pairing_compares_two_environments() {
        let fs = environments();
        let renderer = Renderer::default();
        let staging = renderer.render(&fs, "/staging").unwrap();
        let production = renderer.render(&fs, "/production").unwrap();

        let by_final = diff(&staging, &production, &DiffOptions::new()).unwrap();
        assert_eq!(
            by_final.summary().to_string(),
            "4 added, 3 removed, 0 changed"
        );

        let options = DiffOptions::new().pair_by(PairBy::Origin);
        let d = diff(&staging, &production, &options).unwrap();
        assert_eq!(d.summary().to_string(), "1 added, 0 removed, 3 changed");
        let pairs: Vec<(ChangeKind, String, Option<String>)> = d
            .changes()
            .iter()
            .map(|c| {
                (
                    c.kind,
                    c.id.name.clone(),
                    c.old_id.as_ref().map(|i| i.name.clone()),
                )
            })
            .collect();
        let names: Vec<(ChangeKind, &str, Option<&str>)> = pairs
            .iter()
            .map(|(k, n, o)| (*k, n.as_str(), o.as_deref()))
            .collect();
        assert_eq!(
            names[0],
            (ChangeKind::Added, "prod", None),
            "the Namespace only production has"
        );
        // The Deployment and the Service, both `web` in the base.
        let webs = names
            .iter()
            .filter(|n| **n == (ChangeKind::Changed, "web-prod", Some("staging-web")))
            .count();
        assert_eq!(webs, 2, "{names:?}");
        // The generated ConfigMaps, paired across prefix, suffix and hash.
        assert!(
            names.iter().any(|(k, n, o)| *k == ChangeKind::Changed
                && n.starts_with("app-config-prod-")
                && o.is_some_and(|o| o.starts_with("staging-app-config-"))),
            "{names:?}"
        );
        let deployment = d
            .changes()
            .iter()
            .find(|c| c.id.gvk.kind == "Deployment")
            .unwrap()
            .unified();
        assert!(
            deployment.contains("-  replicas: 1\n+  replicas: 5\n"),
            "{deployment}"
        );
    }

    #[test]
    fn origin_pairing_of_one_state_against_itself_finds_nothing() {
        let fs = environments();
        let staging = Renderer::default().render(&fs, "/staging").unwrap();
        let options = DiffOptions::new().pair_by(PairBy::Origin);
        assert!(diff(&staging, &staging, &options).unwrap().is_empty());
    }
}
