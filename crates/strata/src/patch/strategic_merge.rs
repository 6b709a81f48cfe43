//! Strategic-merge patches as kustomize applies them: kyaml's merge2 (kyaml/yaml/merge2 over
//! kyaml/yaml/walk), on our node tree.
//!
//! [`strategic_merge`] walks dest and patch together, the way `walk.Walker` does with
//! `merge2.Merger` as its visitor:
//!
//! - **Maps** merge field by field. Fields are visited in sorted order; a field dest has keeps
//!   its place, a new one is appended (so new keys come in sorted order, not patch order). A
//!   `null` in the patch removes the field; a null in dest that the patch does not mention
//!   survives if it was written (`~`, `null`), not if it was empty.
//! - **Scalars** from the patch replace dest's, but take dest's style (`FieldSetter` keeps the
//!   style of the node it overwrites): patching `a: "1"` with `a: 2` gives `a: "2"`.
//! - **Lists** merge by key where the schema has a `merge` patch strategy (`containers` by
//!   `name`, `ports` by `containerPort` + `protocol`), as sets for keyless ones
//!   (`finalizers`), and are replaced otherwise. The schema is a `Schemas`: the built-in
//!   Kubernetes v1.21.2 one unless a kustomization's `openapi:` brings a custom one
//!   (`kustomize_patch_with`, which a build calls); it is found from the document's
//!   `apiVersion`/`kind` (and for a node without schema, from its own `apiVersion`/`kind`).
//!   With
//!   [`MergeOptions::infer_associative_lists`], lists without schema whose elements all have a
//!   `name` merge by `name`.
//! - **Schemas in comments** replace the schema of the field they are written on (kyaml's
//!   `fieldmeta.FieldMeta.Read`, used by kyaml/yaml/walk `valueIfPresent` and `GetSchema`):
//!   `containers: # {"items": {"$ref": ...}, "x-kubernetes-patch-merge-key": "name",
//!   "x-kubernetes-patch-strategy": "merge"}`. The line comment of the value, else of its key
//!   (where go-yaml puts `key: # ...` before a block collection), else the head comment; dest
//!   before the patch; a JSON object with at least one member. A build keeps the comments of
//!   files that may hold one (`may_hold_comment_schema`). Checked with `kubectl kustomize`
//!   v5.5 (fixtures `patches-sm-comment-*`) and kyaml's merge2 tests.
//! - **Directives**: `$patch: delete`, `replace` and `merge` on maps and list elements, and as
//!   a lone `- $patch: ...` element of a list. Nothing else is special: kyaml knows no
//!   `$setElementOrder/...`, `$retainKeys` or `$deleteFromPrimitiveList/...`, so these are
//!   merged in as ordinary fields and show up in the output (checked with kustomize v5.5).
//!
//! The keyed-list merge reproduces kyaml's algorithm with its quirks rather than the
//! Kubernetes semantics (kyaml/yaml/walk/associative_sequence.go). In prepend mode, which
//! `kustomize build` uses, the result lists the patch's elements in patch order, then dest's
//! other elements, and a `$patch: replace` on an element has no effect; with several keys, a
//! patch element whose keys match a dest element only in part is dropped (reference
//! `smp-examples/02`).
//!
//! Stage: `patch`. Uses the node model and parser ([`crate::yaml`]), the merge tables
//! (`crate::schema`) and [`crate::source`]; reads no files (callers hand it text) and knows
//! nothing of kustomizations.

use std::fmt;
use std::sync::Arc;

use crate::error::{Error, ErrorKind};
use crate::schema::{CommentSchema, Schema, Schemas};
use crate::source::{SourceFile, Span};
use crate::yaml::Node;
use crate::yaml::node::Comments;
use crate::yaml::parse::{DuplicateKeys, ParseOptions, parse_documents};

use super::graph::{Fault, Graph, Id, Kind};
use super::json6902::is_json;

pub use super::graph::Side;

/// Where list elements that only the patch has go.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Direction {
    /// After dest's elements (kyaml's default, `MergeOptionsListAppend`).
    #[default]
    Append,
    /// Before dest's elements, in patch order (`MergeOptionsListPrepend`: what
    /// `kustomize build` uses for `patches` and `patchesStrategicMerge`).
    Prepend,
}

/// How to merge.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct MergeOptions {
    /// Merge lists that have no schema by `name` when their elements all have one
    /// (kyaml's `InferAssociativeLists`; `kustomize build` leaves it off).
    pub infer_associative_lists: bool,
    /// Where new list elements go.
    pub list_increase_direction: Direction,
}

impl MergeOptions {
    /// The options `kustomize build` merges strategic-merge patches with
    /// (api/filters/patchstrategicmerge/patchstrategicmerge.go): prepend, no inference.
    pub const KUSTOMIZE: MergeOptions = MergeOptions {
        infer_associative_lists: false,
        list_increase_direction: Direction::Prepend,
    };
}

/// A merge that kyaml would refuse, with the node it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MergeError {
    /// kyaml's message, e.g. `wrong node kind: expected MappingNode but got ScalarNode`.
    pub message: String,
    /// Which input the offending node came from ([`Side::New`] when none is known).
    pub side: Side,
    /// Its span in that input (empty when unknown).
    pub span: Span,
}

impl fmt::Display for MergeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for MergeError {}

impl MergeError {
    /// Returns the crate's [`Error`], located in `dest` or `patch` (the files the two inputs
    /// were parsed from) by [`MergeError::side`]; a node the merge made is reported at the
    /// start of `dest`.
    pub fn to_error(&self, dest: &Arc<SourceFile>, patch: &Arc<SourceFile>) -> Error {
        let file = match self.side {
            Side::Patch => patch,
            Side::Dest | Side::New => dest,
        };
        Error::at(ErrorKind::Resource, self.message.clone(), file, self.span)
    }
}

/// Applies every document of `patch`, in order, to every document of `dest`, and returns the
/// documents that remain: what `strata patch` prints.
///
/// For one document each this is kyaml's `merge2.MergeStrings` (which reads only the first
/// document of either text). Empty documents are skipped; both files are read keeping the
/// first of duplicate keys, which is what kyaml's field lookups see.
///
/// Comments are kept. A document's own head and foot comments (the parser puts them on the
/// root's head and foot) stay dest's: kyaml merges the documents' contents, so the patch's
/// document comments are dropped.
///
/// ```
/// use strata::patch::strategic_merge::{MergeOptions, merge_files};
/// use strata::source::SourceFile;
///
/// let dest = SourceFile::new("dest.yaml", "spec:\n  replicas: 1 # keep\n  paused: true\n");
/// let patch = SourceFile::new("patch.yaml", "spec:\n  replicas: 3\n");
/// let docs = merge_files(&dest, &patch, &MergeOptions::default())?;
/// assert_eq!(docs.len(), 1);
/// assert_eq!(docs[0].get_str(&["spec", "replicas"]), Some("3"));
/// assert_eq!(docs[0].get_str(&["spec", "paused"]), Some("true"));
/// # Ok::<(), strata::Error>(())
/// ```
pub fn merge_files(
    dest: &Arc<SourceFile>,
    patch: &Arc<SourceFile>,
    opts: &MergeOptions,
) -> Result<Vec<Node>, Error> {
    let parse_opts = ParseOptions {
        duplicate_keys: DuplicateKeys::KeepFirst,
        keep_comments: true,
        ..ParseOptions::default()
    };
    let patches: Vec<Node> = parse_documents(patch, parse_opts)?
        .into_iter()
        .filter(|d| !d.is_empty)
        .map(|d| {
            let mut root = d.root;
            if let Some(c) = root.comments.as_mut() {
                c.head.clear();
                c.foot.clear();
                if c.line.is_none() {
                    root.comments = None;
                }
            }
            root
        })
        .collect();
    let mut out = Vec::new();
    for doc in parse_documents(dest, parse_opts)? {
        if doc.is_empty {
            continue;
        }
        let mut cur = Some(doc.root);
        for p in &patches {
            let Some(d) = cur.take() else { break };
            cur = strategic_merge(&d, p, opts).map_err(|e| e.to_error(dest, patch))?;
        }
        out.extend(cur);
    }
    Ok(out)
}

/// Applies `patch` to `dest` as kyaml's `merge2.Merge(patch, dest, opts)` does and returns the
/// result, or `None` if the patch deleted the document (`$patch: delete` at its root).
///
/// Neither input is changed. The result keeps dest's key order, styles and comments where
/// dest's nodes survive, and the patch's where the patch's nodes were taken; only nodes from
/// dest keep their spans.
///
/// The merge uses the built-in schema. For `kustomize build`, use [`kustomize_patch`], which
/// differs at the root.
///
/// ```
/// use strata::patch::strategic_merge::{MergeOptions, strategic_merge};
/// use strata::source::SourceFile;
/// use strata::yaml::parse::{ParseOptions, parse_single};
///
/// let parse = |t: &str| parse_single(&SourceFile::new("x.yaml", t), ParseOptions::default());
/// let dest = parse("apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    image: a:1\n")?
///     .ok_or("empty")?;
/// let patch = parse("spec:\n  containers:\n  - name: a\n    image: a:2\n")?.ok_or("empty")?;
/// // Pod containers merge by `name` in the built-in schema.
/// let merged = strategic_merge(&dest, &patch, &MergeOptions::default())?.ok_or("deleted")?;
/// let containers = merged.get_path(&["spec", "containers"]).and_then(|c| c.as_sequence());
/// assert_eq!(containers.map(|c| c.len()), Some(1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn strategic_merge(
    dest: &Node,
    patch: &Node,
    opts: &MergeOptions,
) -> Result<Option<Node>, MergeError> {
    run(dest, patch, opts, &Schemas::BUILTIN, false)
}

/// [`strategic_merge`] with the merge keys and list strategies of `schemas` (a build's
/// `openapi:` schema, see [`crate::schema::SchemaState`]).
#[cfg(test)]
pub(crate) fn strategic_merge_with(
    dest: &Node,
    patch: &Node,
    opts: &MergeOptions,
    schemas: &Schemas,
) -> Result<Option<Node>, MergeError> {
    run(dest, patch, opts, schemas, false)
}

/// Applies a strategic-merge patch to a resource as `kustomize build` does for `patches` and
/// `patchesStrategicMerge`: [`strategic_merge`] with [`MergeOptions::KUSTOMIZE`], except that
/// the resource keeps its own root node.
///
/// kustomize runs the merge as a filter over the resource (api/resource/resource.go
/// `ApplyFilter`) and only looks at whether a node came back: the merge edits the resource in
/// place, and a different root it returns is dropped. So a `$patch: replace` at the patch's
/// root leaves the resource as it was (oracle: kustomize v5.5), while `$patch: delete`
/// removes it (`None`). See [`super`] for what kustomize does around the call.
///
/// The merge uses the built-in schema; a build passes its own to `kustomize_patch_with`.
pub fn kustomize_patch(resource: &Node, patch: &Node) -> Result<Option<Node>, MergeError> {
    kustomize_patch_with(resource, patch, &Schemas::BUILTIN)
}

/// [`kustomize_patch`] with the merge keys and list strategies of `schemas`: the build's
/// schema at the time of the patch, which its `openapi:` fields select
/// ([`crate::schema::SchemaState::schemas`]).
pub(crate) fn kustomize_patch_with(
    resource: &Node,
    patch: &Node,
    schemas: &Schemas,
) -> Result<Option<Node>, MergeError> {
    run(resource, patch, &MergeOptions::KUSTOMIZE, schemas, true)
}

fn run(
    dest: &Node,
    patch: &Node,
    opts: &MergeOptions,
    schemas: &Schemas,
    keep_dest_root: bool,
) -> Result<Option<Node>, MergeError> {
    let mut g = Graph::new();
    let result = (|| {
        let d = g.import(dest, Side::Dest)?;
        let p = g.import(patch, Side::Patch)?;
        let comment_schemas = comment_schemas(&g);
        let mut walker = Walker {
            g: &mut g,
            schemas,
            comment_schemas: &comment_schemas,
            opts: *opts,
            path: Vec::new(),
        };
        match walker.walk([Some(d), Some(p)], Schema::Nil, 0)? {
            None => Ok(None),
            Some(_) if keep_dest_root => walker.g.export(d).map(Some),
            Some(v) => walker.g.export(v.id).map(Some),
        }
    })();
    result.map_err(|f| {
        let (side, span) = match f.node {
            Some(id) => {
                let n = g.node(id);
                (n.side, n.span)
            }
            None => (Side::New, Span::default()),
        };
        MergeError {
            message: f.message,
            side,
            span,
        }
    })
}

/// Returns true if `text` may hold a schema in a comment (`# {`), so that a build must keep
/// its comments for the merge to find it: kyaml reads resources and patches with their
/// comments, and merges with a schema written in a field's comment ([`CommentSchema`]).
/// Comments cost a second pass over the text, so other files are read without them.
pub(crate) fn may_hold_comment_schema(text: &str) -> bool {
    text.match_indices('#').any(|(i, _)| {
        text.get(i..)
            .unwrap_or_default()
            .trim_start_matches('#')
            .trim_start_matches([' ', '\t'])
            .starts_with('{')
    })
}

/// The text kyaml's `FieldMeta.Read` looks for a schema in: a node's line comment, else its
/// head comment (go-yaml's `HeadComment`, lines joined by `\n`); only the first that is not
/// empty counts.
fn comment_text(c: &Comments) -> Option<String> {
    match &c.line {
        Some(line) if !line.is_empty() => Some(line.clone()),
        _ if !c.head.is_empty() => Some(c.head.join("\n")),
        _ => None,
    }
}

/// Every schema written in a comment of the two documents, by comment text, sorted. The
/// merge only moves comments between nodes, so every comment it meets is one of these.
fn comment_schemas(g: &Graph) -> Vec<(String, CommentSchema)> {
    let mut texts: Vec<String> = g
        .all_comments()
        .filter_map(comment_text)
        .filter(|t| t.contains('{'))
        .collect();
    texts.sort_unstable();
    texts.dedup();
    texts
        .into_iter()
        .filter_map(|t| CommentSchema::parse(&t, is_json).map(|s| (t, s)))
        .collect()
}

/// A walk result: kyaml's `*RNode`, with its `ShouldKeep` flag.
#[derive(Clone, Copy, Debug)]
struct Val {
    id: Id,
    /// A null that must be written, not cleared (`MakePersistentNullNode`).
    keep: bool,
}

impl Val {
    fn of(id: Option<Id>) -> Option<Val> {
        id.map(|id| Val { id, keep: false })
    }
}

/// Deepest nesting the walk follows. The walk recurses once per level (about 0.6 KiB of stack
/// per mapping level and 1.1 KiB per list level in release builds, four times that unoptimised),
/// so this keeps any input within a 2 MiB thread stack; real manifests are a few dozen levels
/// deep. kyaml has no limit.
pub const MAX_WALK_DEPTH: usize = 512;

/// `[dest, origin]`: kyaml's `walk.Sources` for a two-way merge.
type Sources = [Option<Id>; 2];

const DEST: usize = 0;
const ORIGIN: usize = 1;

/// A strategic-merge directive (kyaml/yaml/merge2/smpdirective.go).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Directive {
    Unknown,
    Replace,
    Delete,
    Merge,
}

/// Which kind of list `VisitList` is told about.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ListWalk {
    Associative,
    NonAssociative,
}

struct Walker<'g, 's> {
    g: &'g mut Graph,
    /// Where types and fields are looked up.
    schemas: &'s Schemas,
    /// The schemas written in the documents' comments ([`comment_schemas`]).
    comment_schemas: &'s [(String, CommentSchema)],
    opts: MergeOptions,
    /// Field names from the last list element (or the root) down, for messages.
    path: Vec<String>,
}

impl<'s> Walker<'_, 's> {
    fn fault(message: impl Into<String>, node: Option<Id>) -> Fault {
        Fault {
            message: message.into(),
            node,
        }
    }

    /// `Walker.Walk`: dispatches on the kind of the first source that is not null.
    ///
    /// This and the functions it recurses through keep their frames small: the walk recurses
    /// once per level of the documents, and deep documents must fit a small thread stack.
    fn walk(
        &mut self,
        src: Sources,
        schema: Schema<'s>,
        depth: usize,
    ) -> Result<Option<Val>, Fault> {
        let (kind, schema) = self.prepare(&src, schema, depth)?;
        match kind {
            Some(Kind::Sequence) if self.is_associative(schema, &src) => {
                self.walk_associative(src, schema, depth)
            }
            Some(Kind::Sequence) => self.visit_list(&src, ListWalk::NonAssociative),
            Some(Kind::Scalar) => Ok(self.visit_scalar(&src)),
            // Maps, and only nulls (walked as maps).
            Some(Kind::Mapping) | None => self.walk_map(src, schema, depth),
        }
    }

    /// The checks before a walk: depth, the schema (`GetSchema`), the kind of the first
    /// non-null source, and that every other source has it (`ErrorIfAnyInvalidAndNonNull`).
    #[inline(never)]
    fn prepare(
        &self,
        src: &Sources,
        schema: Schema<'s>,
        depth: usize,
    ) -> Result<(Option<Kind>, Schema<'s>), Fault> {
        if depth > MAX_WALK_DEPTH {
            return Err(Self::fault(
                format!("strategic merge: nesting deeper than {MAX_WALK_DEPTH} levels"),
                src.iter().flatten().next().copied(),
            ));
        }
        let schema = self.schema_for(src, schema);
        let kind = src
            .iter()
            .flatten()
            .find(|&&id| !self.g.is_tagged_null(id))
            .map(|&id| self.g.node(id).kind);
        if let Some(k) = kind {
            for &id in src.iter().flatten() {
                self.g.check_kind(id, k)?;
            }
        }
        Ok((kind, schema))
    }

    /// The schema written in node `id`'s comment, if any (`FieldMeta.Read`).
    fn comment_schema(&self, id: Id) -> Option<Schema<'s>> {
        let text = comment_text(self.g.node(id).comments.as_deref()?)?;
        let i = self
            .comment_schemas
            .binary_search_by(|(t, _)| t.as_str().cmp(&text))
            .ok()?;
        let (_, c) = self.comment_schemas.get(i)?;
        Some(self.schemas.comment(c))
    }

    /// `Walker.GetSchema`: a schema in the comment of the first source (dest first) that has
    /// one, else the schema handed down, else the root of the first source whose
    /// `apiVersion` and `kind` name a known type.
    fn schema_for(&self, src: &Sources, schema: Schema<'s>) -> Schema<'s> {
        if let Some(s) = src
            .iter()
            .flatten()
            .filter(|&&id| !self.g.is_tagged_null(id))
            .find_map(|&id| self.comment_schema(id))
        {
            return s;
        }
        if !schema.is_nil() {
            return schema;
        }
        for id in src.iter().flatten().copied() {
            if self.g.is_tagged_null(id) {
                continue;
            }
            let text = |name: &str| {
                self.g
                    .field(id, name)
                    .map(|(_, v)| v)
                    .filter(|&v| !self.g.is_tagged_null(v))
                    .map(|v| self.g.node(v).value.as_str())
                    .filter(|t| !t.is_empty())
            };
            if let (Some(av), Some(k)) = (text("apiVersion"), text("kind")) {
                let root = self.schemas.root(av, k);
                if !root.is_nil() {
                    return root;
                }
            }
        }
        Schema::Nil
    }

    /// `schema.IsAssociative`: by the schema's strategy when there is a schema, else (with
    /// inference on) when some source's elements all have a `name`.
    fn is_associative(&self, schema: Schema<'s>, src: &Sources) -> bool {
        if !schema.is_nil() {
            return schema.merge_keys().is_some();
        }
        self.opts.infer_associative_lists
            && src
                .iter()
                .flatten()
                .any(|&id| !self.g.is_tagged_null(id) && self.g.associative_key(id).is_some())
    }

    // ----- the visitor (kyaml/yaml/merge2/merge2.go `Merger`) -----

    /// `Merger.SetComments` and `SetStyle`, run on every visit: the patch's comments win where
    /// it has them, and an empty dest collection takes the patch's style (flow or block).
    fn set_comments_and_style(&mut self, src: &Sources) {
        let (Some(dest), Some(origin)) = (src[DEST], src[ORIGIN]) else {
            return;
        };
        let origin_comments = self.g.node(origin).comments.clone();
        if let Some(oc) = origin_comments.filter(|c| **c != Comments::default()) {
            let dc = self
                .g
                .node_mut(dest)
                .comments
                .get_or_insert_with(Box::default);
            if !oc.foot.is_empty() {
                dc.foot = oc.foot;
            }
            if !oc.head.is_empty() {
                dc.head = oc.head;
            }
            if oc.line.is_some() {
                dc.line = oc.line;
            }
        }
        let d = self.g.node(dest);
        if d.kind != Kind::Scalar && d.content.is_empty() {
            self.g.node_mut(dest).style = self.g.node(origin).style;
        }
    }

    fn visit_map(&mut self, src: &Sources) -> Result<Option<Val>, Fault> {
        self.set_comments_and_style(src);
        let [dest, origin] = *src;
        if self.g.is_missing_or_null(dest) {
            // Adding: kyaml ignores a bad directive here (and then keeps it as a field).
            let ps = self.directive(origin).unwrap_or(Directive::Unknown);
            if ps == Directive::Delete {
                return Ok(None);
            }
            if let (None, Some(d)) = (origin, dest) {
                let written = self.g.node(d).value.clone();
                if !written.is_empty() {
                    let id = self.g.new_null(&written);
                    return Ok(Some(Val { id, keep: true }));
                }
            }
            return Ok(Val::of(origin));
        }
        if origin.is_some_and(|o| self.g.is_tagged_null(o)) {
            return Ok(None);
        }
        Ok(match self.directive(origin)? {
            Directive::Delete => None,
            Directive::Replace => Val::of(origin),
            Directive::Merge | Directive::Unknown => Val::of(dest),
        })
    }

    fn visit_scalar(&mut self, src: &Sources) -> Option<Val> {
        self.set_comments_and_style(src);
        Val::of(src[ORIGIN].or(src[DEST]))
    }

    fn visit_list(&mut self, src: &Sources, kind: ListWalk) -> Result<Option<Val>, Fault> {
        self.set_comments_and_style(src);
        let [dest, origin] = *src;
        if kind == ListWalk::NonAssociative {
            return Ok(Val::of(origin.or(dest)));
        }
        if self.g.is_missing_or_null(dest) {
            return Ok(Val::of(origin));
        }
        if origin.is_some_and(|o| self.g.is_tagged_null(o)) {
            return Ok(None);
        }
        Ok(match self.directive(origin)? {
            Directive::Delete => None,
            Directive::Replace => Val::of(origin),
            Directive::Merge | Directive::Unknown => Val::of(dest),
        })
    }

    /// `determineSmpDirective`: reads `$patch` from the patch node and removes it.
    ///
    /// On a map, `$patch: <d>` is its directive. On a list, the first element that has a
    /// `$patch` field is the directive only if that is its sole field; then every element
    /// with the same `$patch` value is removed (elideSequencePatchDirective).
    fn directive(&mut self, patch: Option<Id>) -> Result<Directive, Fault> {
        const KEY: &str = "$patch";
        let Some(p) = patch else {
            return Ok(Directive::Merge);
        };
        let parse = |g: &Graph, v: Id| match g.node(v).value.as_str() {
            "replace" => Ok(Directive::Replace),
            "delete" => Ok(Directive::Delete),
            "merge" => Ok(Directive::Merge),
            other => Err(Self::fault(
                format!("unknown patch strategy '{other}'"),
                Some(v),
            )),
        };
        match self.g.node(p).kind {
            Kind::Mapping => {
                let Some((_, v)) = self.g.field(p, KEY) else {
                    return Ok(Directive::Merge);
                };
                let d = parse(self.g, v)?;
                self.g.clear_field(p, KEY)?;
                Ok(d)
            }
            Kind::Sequence => {
                let first = self.g.node(p).content.iter().copied().find(|&e| {
                    self.g.node(e).kind == Kind::Mapping && self.g.field(e, KEY).is_some()
                });
                let Some(elem) = first else {
                    return Ok(Directive::Merge);
                };
                if self.g.node(elem).content.len() > 2 {
                    return Ok(Directive::Merge);
                }
                let Some((_, v)) = self.g.field(elem, KEY) else {
                    return Ok(Directive::Merge);
                };
                let d = parse(self.g, v)?;
                let value = self.g.node(v).value.clone();
                self.g
                    .element_setter(p, None, &[KEY.to_owned()], &[value])?;
                Ok(d)
            }
            Kind::Scalar => {
                let n = self.g.node(p);
                Err(Self::fault(
                    format!(
                        "no implemented strategic merge patch strategy for '{}' ('{}')",
                        n.tag, n.value
                    ),
                    Some(p),
                ))
            }
        }
    }

    // ----- traversal (kyaml/yaml/walk) -----

    /// `walkMap`: visits the map, then every field either side has, in sorted order, setting
    /// each result on the visited map.
    fn walk_map(
        &mut self,
        mut src: Sources,
        schema: Schema<'s>,
        depth: usize,
    ) -> Result<Option<Val>, Fault> {
        let Some(dest) = self.visit_map(&src)? else {
            return Ok(None);
        };
        src[DEST] = Some(dest.id);
        for name in self.field_union(&src) {
            self.walk_field(dest.id, &src, name, schema, depth)?;
        }
        Ok(Some(dest))
    }

    /// The field names of either source, sorted and without repeats (`fieldNames`).
    #[inline(never)]
    fn field_union(&self, src: &Sources) -> Vec<String> {
        let mut names: Vec<String> = src
            .iter()
            .flatten()
            .flat_map(|&id| self.g.field_names(id))
            .map(str::to_owned)
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// Walks field `name` of both sources and sets the result on `map`.
    fn walk_field(
        &mut self,
        map: Id,
        src: &Sources,
        name: String,
        schema: Schema<'s>,
        depth: usize,
    ) -> Result<(), Fault> {
        let fd = src[DEST].and_then(|m| self.g.field(m, &name));
        let fo = src[ORIGIN].and_then(|m| self.g.field(m, &name));
        // `valueIfPresent`: a schema in the comment of a source's value, else of its key
        // (where go-yaml puts `key: # ...` when a block collection follows), replaces the
        // field's own; dest's wins.
        let child_schema = [fd, fo]
            .into_iter()
            .flatten()
            .find_map(|(k, v)| self.comment_schema(v).or_else(|| self.comment_schema(k)))
            .unwrap_or_else(|| self.schemas.field(schema, &name));
        self.path.push(name);
        let val = self.walk([fd.map(|f| f.1), fo.map(|f| f.1)], child_schema, depth + 1)?;
        let name = self.path.pop().unwrap_or_default();
        self.store_field(map, &name, val, fd, fo)
    }

    /// `FieldSetter` as walkMap calls it: a new field's key takes the style of the key whose
    /// value won (kyaml's `keyStyles[val]`); a value kyaml made afresh gets a plain key.
    #[inline(never)]
    fn store_field(
        &mut self,
        map: Id,
        name: &str,
        val: Option<Val>,
        fd: Option<(Id, Id)>,
        fo: Option<(Id, Id)>,
    ) -> Result<(), Fault> {
        let key_style = match (val, fo, fd) {
            (Some(v), Some((k, ov)), _) if v.id == ov => self.g.node(k).style,
            (Some(v), _, Some((k, dv))) if v.id == dv => self.g.node(k).style,
            _ => 0,
        };
        self.g.set_field(
            map,
            name,
            val.map(|v| v.id),
            val.is_some_and(|v| v.keep),
            key_style,
        )
    }

    /// `walkAssociativeSequence`: merges list elements by key (or as a set of scalars).
    fn walk_associative(
        &mut self,
        mut src: Sources,
        schema: Schema<'s>,
        depth: usize,
    ) -> Result<Option<Val>, Fault> {
        let Some(dest) = self.visit_list(&src, ListWalk::Associative)? else {
            return Ok(None);
        };
        src[DEST] = Some(dest.id);
        // kyaml pairs elements by scanning (quadratic in the list length), and so does this
        // faithful reproduction; a budget keeps a hostile list from running for minutes.
        let total: usize = src
            .iter()
            .flatten()
            .map(|&id| self.g.node(id).content.len())
            .sum();
        if total > MAX_ASSOCIATIVE_ELEMENTS {
            return Err(Self::fault(
                format!(
                    "list {} has {total} elements, over the limit of {MAX_ASSOCIATIVE_ELEMENTS} for a keyed merge",
                    self.path.join(".")
                ),
                Some(dest.id),
            ));
        }
        let (values, keys) = self.list_keys(&src, schema)?;
        self.set_elements(src, values, keys, dest, schema, depth)
    }

    /// The merge keys (from the schema, else inferred) and each element's values for them;
    /// for a list without keys, the scalars' texts under the empty key.
    #[inline(never)]
    fn list_keys(
        &self,
        src: &Sources,
        schema: Schema<'s>,
    ) -> Result<(Vec<Vec<String>>, Vec<String>), Fault> {
        let strategy = schema.merge_keys();
        let mut keys: Vec<String> = strategy
            .into_iter()
            .flat_map(|k| k.iter())
            .map(str::to_owned)
            .collect();
        if strategy.is_none() {
            keys.push(self.inferred_key(src)?);
        }
        let values = self.element_values(src, &keys);
        if !values.is_empty() || !keys.is_empty() {
            return Ok((values, keys));
        }
        Ok((self.element_primitive_values(src), vec![String::new()]))
    }

    /// `Walker.elementKey`: the key every non-empty source agrees on.
    fn inferred_key(&self, src: &Sources) -> Result<String, Fault> {
        let mut key = String::new();
        for &id in src.iter().flatten() {
            if self.g.node(id).content.is_empty() {
                continue;
            }
            let new = self.g.associative_key(id).unwrap_or("");
            if !key.is_empty() && key != new {
                return Err(Self::fault(
                    format!(
                        "conflicting merge keys [{key},{new}] for field {}",
                        self.path.join(".")
                    ),
                    Some(id),
                ));
            }
            new.clone_into(&mut key);
        }
        if key.is_empty() {
            return Err(Self::fault(
                format!("no merge key found for field {}", self.path.join(".")),
                src.iter().flatten().next().copied(),
            ));
        }
        Ok(key)
    }

    /// The sources in the order their elements are listed: dest first when appending, the
    /// patch first when prepending.
    fn ordered(&self, src: &Sources) -> [Option<Id>; 2] {
        match self.opts.list_increase_direction {
            Direction::Append => [src[DEST], src[ORIGIN]],
            Direction::Prepend => [src[ORIGIN], src[DEST]],
        }
    }

    /// `elementValues`: each element's key values, first occurrence only.
    fn element_values(&self, src: &Sources, keys: &[String]) -> Vec<Vec<String>> {
        let mut out: Vec<Vec<String>> = Vec::new();
        for id in self.ordered(src).into_iter().flatten() {
            for v in self.g.element_values_list(id, keys) {
                if !v.is_empty() && !out.contains(&v) {
                    out.push(v);
                }
            }
        }
        out
    }

    /// `elementPrimitiveValues`: each scalar's text, first occurrence only.
    fn element_primitive_values(&self, src: &Sources) -> Vec<Vec<String>> {
        let mut out: Vec<Vec<String>> = Vec::new();
        for id in self.ordered(src).into_iter().flatten() {
            for &item in &self.g.node(id).content {
                let v = vec![self.g.node(item).value.clone()];
                if !out.contains(&v) {
                    out.push(v);
                }
            }
        }
        out
    }

    /// `setAssociativeSequenceElements`: walks each element (dest's and the patch's with
    /// the same key values), collects the results, then combines them with dest's list.
    fn set_elements(
        &mut self,
        src: Sources,
        values_list: Vec<Vec<String>>,
        keys: Vec<String>,
        dest: Val,
        schema: Schema<'s>,
        depth: usize,
    ) -> Result<Option<Val>, Fault> {
        let items = self.g.new_list();
        let elem_schema = self.schemas.elements(schema);
        let values_list = if keys.len() > 1 {
            merge_values(values_list)
        } else {
            values_list
        };
        // The last element's keys are used to combine the lists, as kyaml does.
        let mut valid_keys: Vec<String> = Vec::new();
        for values in &values_list {
            if values.is_empty() {
                continue;
            }
            let valid_values;
            (valid_keys, valid_values) = validate_keys(&values_list, values, &keys);
            let sources = self.element_sources(&src, &valid_keys, &valid_values);
            let saved = std::mem::take(&mut self.path);
            let val = self.walk(sources, elem_schema, depth + 1);
            self.path = saved;
            self.collect_element(dest.id, items, val?, &valid_keys, &valid_values)?;
        }
        self.combine(dest, items, &values_list, &valid_keys)
    }

    /// `elementValueList`: the element of each source whose keys have these values.
    #[inline(never)]
    fn element_sources(&self, src: &Sources, keys: &[String], values: &[String]) -> Sources {
        let (k, v) = validate_keys(std::slice::from_ref(&values.to_vec()), values, keys);
        [
            src[DEST].and_then(|s| self.g.element_list(s, &k, &v)),
            src[ORIGIN].and_then(|s| self.g.element_list(s, &k, &v)),
        ]
    }

    /// The rest of the loop body of `setAssociativeSequenceElements`: an element that came out
    /// null or empty is deleted from dest; otherwise its key fields are set if missing and it
    /// is added to (or replaces its match in) `items`.
    #[inline(never)]
    fn collect_element(
        &mut self,
        dest: Id,
        items: Id,
        val: Option<Val>,
        valid_keys: &[String],
        valid_values: &[String],
    ) -> Result<(), Fault> {
        let mut deleted = false;
        for (i, key) in valid_keys.iter().enumerate() {
            let gone = val.is_none_or(|v| self.g.is_empty_map(Some(v.id)));
            if gone {
                self.g
                    .element_setter(dest, None, valid_keys, valid_values)?;
                deleted = true;
            } else if let Some(v) = val {
                let text = valid_values.get(i).map_or("", String::as_str);
                if self.g.field(v.id, key).is_none() && !text.is_empty() {
                    let s = self.g.new_scalar(text);
                    self.g.set_field(v.id, key, Some(s), false, 0)?;
                }
            }
        }
        if deleted {
            return Ok(());
        }
        self.g
            .element_setter(items, val.map(|v| v.id), valid_keys, valid_values)
    }

    /// The end of `setAssociativeSequenceElements`: prepend puts dest's elements into the
    /// collected ones (a new list), append the collected ones into dest.
    #[inline(never)]
    fn combine(
        &mut self,
        dest: Val,
        items: Id,
        values_list: &[Vec<String>],
        valid_keys: &[String],
    ) -> Result<Option<Val>, Fault> {
        let mut result = dest.id;
        if !values_list.is_empty() {
            match self.opts.list_increase_direction {
                Direction::Prepend => {
                    self.append_list(items, dest.id, valid_keys)?;
                    result = items;
                }
                Direction::Append => self.append_list(dest.id, items, valid_keys)?,
            }
        }
        if self.g.is_tagged_null(result) {
            return Ok(None);
        }
        Ok(Some(Val {
            id: result,
            keep: false,
        }))
    }

    /// `appendListNode`: sets each element of `from` into `into` by its key values.
    ///
    /// kyaml's quirks, reproduced: an element missing a key is appended at once and then set
    /// again with the values it has (so with several keys it displaces every element that
    /// matches those), and with several keys the matching elements are deleted first.
    fn append_list(&mut self, into: Id, from: Id, keys: &[String]) -> Result<(), Fault> {
        let elems = self.g.node(from).content.clone();
        let primitive = keys.first().is_none_or(String::is_empty);
        for elem in elems {
            if primitive {
                let text = self.g.node(elem).value.clone();
                self.g
                    .element_setter(into, Some(elem), &[String::new()], &[text])?;
                continue;
            }
            let mut values = Vec::with_capacity(keys.len());
            for key in keys {
                match self.g.field_matcher(elem, key, "")? {
                    None => self.g.append(into, elem)?,
                    Some(v) => values.push(self.g.node(v).value.clone()),
                }
            }
            if keys.len() > 1 {
                self.g.element_setter(into, None, keys, &values)?;
            }
            self.g.element_setter(into, Some(elem), keys, &values)?;
        }
        Ok(())
    }
}

/// Most elements (dest's and the patch's together) a keyed list merge accepts.
const MAX_ASSOCIATIVE_ELEMENTS: usize = 5_000;

/// `validateKeys`: keeps the keys some element has a value for (all keys if none has any),
/// and the values for those keys.
fn validate_keys(
    values_list: &[Vec<String>],
    values: &[String],
    keys: &[String],
) -> (Vec<String>, Vec<String>) {
    let mut valid = vec![false; keys.len()];
    for vs in values_list {
        for (i, v) in vs.iter().enumerate() {
            if !v.is_empty()
                && let Some(slot) = valid.get_mut(i)
            {
                *slot = true;
            }
        }
    }
    // kyaml keeps a set of key *names*, so a repeated key name counts once for all.
    let valid_name = |k: &str| keys.iter().zip(&valid).any(|(n, &ok)| ok && n == k);
    if !valid.iter().any(|&v| v) {
        return (keys.to_vec(), values.to_vec());
    }
    let vk = keys.iter().filter(|k| valid_name(k)).cloned().collect();
    let vv = values
        .iter()
        .enumerate()
        .filter(|(i, v)| !v.is_empty() || keys.get(*i).is_some_and(|k| valid_name(k)))
        .map(|(_, v)| v.clone())
        .collect();
    (vk, vv)
}

/// `mergeValues`: with several keys, key values that agree where both are set (and share at
/// least one) are unified, e.g. `[80, ""]` and `[80, TCP]` both become `[80, TCP]`.
fn merge_values(mut list: Vec<Vec<String>>) -> Vec<Vec<String>> {
    for i in 0..list.len() {
        let a = list[i].clone();
        for j in 0..list.len() {
            if let Some(m) = match_values(&a, &list[j]) {
                list[i] = m.clone();
                list[j] = m;
            }
        }
    }
    list
}

/// `match`: `Some(unified)` if `a` and `b` share a value and differ only where one is empty.
fn match_values(a: &[String], b: &[String]) -> Option<Vec<String>> {
    if a.len() != b.len() {
        return None;
    }
    let mut common = false;
    let mut out = Vec::with_capacity(a.len());
    for (x, y) in a.iter().zip(b) {
        if x == y {
            common = true;
            out.push(x.clone());
        } else if !x.is_empty() && !y.is_empty() {
            return None;
        } else if !x.is_empty() {
            out.push(x.clone());
        } else {
            out.push(y.clone());
        }
    }
    common.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::kyaml_emit;
    use crate::yaml::parse::parse_single;

    const APPEND: MergeOptions = MergeOptions {
        infer_associative_lists: false,
        list_increase_direction: Direction::Append,
    };
    const PREPEND: MergeOptions = MergeOptions::KUSTOMIZE;
    const INFER: MergeOptions = MergeOptions {
        infer_associative_lists: true,
        list_increase_direction: Direction::Append,
    };

    fn parse(name: &str, text: &str) -> Node {
        let file = SourceFile::new(name, text);
        let opts = ParseOptions {
            duplicate_keys: DuplicateKeys::KeepFirst,
            ..ParseOptions::default()
        };
        parse_single(&file, opts)
            .expect("parses")
            .unwrap_or_else(|| Node::scalar(crate::yaml::Scalar::plain("")))
    }

    /// Merges and prints with kyaml's printer; `"<deleted>"` when the patch removed the
    /// document, `"error: ..."` when the merge failed.
    fn merge(dest: &str, patch: &str, opts: &MergeOptions) -> String {
        let d = parse("dest.yaml", dest);
        let p = parse("patch.yaml", patch);
        match strategic_merge(&d, &p, opts) {
            Ok(Some(n)) => kyaml_emit::to_string([&n]),
            Ok(None) => "<deleted>".to_owned(),
            Err(e) => format!("error: {e}"),
        }
    }

    /// Runs `(name, dest, patch, expected)` rows; every row also checks that the inputs were
    /// not modified (the merge works on copies).
    fn check(opts: &MergeOptions, cases: &[(&str, &str, &str, &str)]) {
        for (name, dest, patch, want) in cases {
            let got = merge(dest, patch, opts);
            assert_eq!(got, *want, "case {name}");
        }
    }

    const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\n";

    #[test]
    fn keyed_lists_over_the_budget_are_refused_not_merged_for_minutes() {
        let list =
            |n: usize| -> String { (0..n).map(|i| format!("      - name: c{i}\n")).collect() };
        let body = |n: usize| {
            format!(
                "spec:\n  template:\n    spec:\n      containers:\n{}",
                list(n)
            )
        };
        let ok = merge(&deploy(&body(2000)), &deploy(&body(2000)), &PREPEND);
        assert!(!ok.starts_with("error"), "{ok}");
        let refused = merge(&deploy(&body(3000)), &deploy(&body(3000)), &PREPEND);
        assert!(refused.contains("over the limit of 5000"), "{refused}");
    }

    fn deploy(body: &str) -> String {
        format!("{DEPLOY}{body}")
    }

    #[test]
    fn maps_merge_field_by_field() {
        check(
            &APPEND,
            &[
                // kyaml visits fields sorted and appends the new ones: sorted, after dest's.
                (
                    "new keys sorted",
                    "z: 1\nm: 2\n",
                    "m: 3\nb: 1\na: 2\n",
                    "z: 1\nm: 3\na: 2\nb: 1\n",
                ),
                (
                    "nested",
                    "a:\n  x: 1\n  y: 2\n",
                    "a:\n  y: 3\n  w: 4\n",
                    "a:\n  x: 1\n  y: 3\n  w: 4\n",
                ),
                ("null removes", "a: 1\nb: 2\n", "a: null\n", "b: 2\n"),
                ("empty removes", "a: 1\nb: 2\n", "a:\n", "b: 2\n"),
                (
                    "null on a map removes it",
                    "a:\n  x: 1\nb: 2\n",
                    "a: ~\n",
                    "b: 2\n",
                ),
                ("null for a missing field", "b: 2\n", "a: null\n", "b: 2\n"),
                // A null dest wrote survives when the patch does not mention it...
                (
                    "written null kept",
                    "a: ~\nb: null\n",
                    "c: 1\n",
                    "a: ~\nb: null\nc: 1\n",
                ),
                // ...but an empty one is dropped (kyaml's MakePersistentNullNode needs text).
                ("empty null dropped", "a:\nb: 1\n", "c: 1\n", "b: 1\nc: 1\n"),
                ("null replaced", "a: null\n", "a:\n  x: 1\n", "a:\n  x: 1\n"),
                (
                    "empty map in dest",
                    "a: {}\n",
                    "a:\n  x: 1\n",
                    "a:\n  x: 1\n",
                ),
                ("empty map in patch", "a: 1\n", "b: {}\n", "a: 1\nb: {}\n"),
                ("nothing in patch", "a: 1\n", "{}\n", "a: 1\n"),
            ],
        );
    }

    /// `FieldSetter` keeps the style of the node it overwrites; go-yaml's encoder then quotes
    /// a string that would not read back as one.
    #[test]
    fn scalars_take_dest_style() {
        check(
            &APPEND,
            &[
                ("quoted dest", "a: \"x\"\n", "a: y\n", "a: \"y\"\n"),
                ("plain dest", "a: x\n", "a: 'y'\n", "a: y\n"),
                ("string stays string", "a: x\n", "a: \"2\"\n", "a: \"2\"\n"),
                ("int into quoted", "a: \"x\"\n", "a: 2\n", "a: \"2\"\n"),
                ("tag dropped", "a: x\n", "a: !!str 2\n", "a: \"2\"\n"),
                ("tag kept by dest", "a: !!str x\n", "a: 2\n", "a: !!int 2\n"),
                (
                    "new field keeps patch style",
                    "a: 1\n",
                    "b: 'x'\n",
                    "a: 1\nb: 'x'\n",
                ),
                (
                    "new key keeps key style",
                    "a: 1\n",
                    "\"b\": x\n",
                    "a: 1\n\"b\": x\n",
                ),
                // IsYaml1_1NonString: a bare YAML 1.1 boolean is quoted when set...
                ("yes quoted", "a: 1\n", "b: yes\n", "a: 1\nb: \"yes\"\n"),
                // ...then takes the style of the field it overwrites...
                ("yes into plain", "b: x\n", "b: on\n", "b: on\n"),
                // ...which is itself when the walk keeps a node: every bare `yes` the walk
                // visits ends up quoted.
                (
                    "untouched yes",
                    "a: yes\nb: 1\n",
                    "b: 2\n",
                    "a: \"yes\"\nb: 2\n",
                ),
                ("literal kept", "a: |\n  x\n", "a: y\n", "a: |-\n  y\n"),
            ],
        );
    }

    #[test]
    fn map_directives() {
        check(
            &APPEND,
            &[
                (
                    "delete",
                    "a:\n  x: 1\nb: 2\n",
                    "a:\n  $patch: delete\n",
                    "b: 2\n",
                ),
                (
                    "replace",
                    "a:\n  x: 1\n  y: 2\n",
                    "a:\n  $patch: replace\n  z: 3\n",
                    "a:\n  z: 3\n",
                ),
                (
                    "merge is the default",
                    "a:\n  x: 1\n",
                    "a:\n  $patch: merge\n  z: 3\n",
                    "a:\n  x: 1\n  z: 3\n",
                ),
                (
                    "delete the document",
                    "a: 1\n",
                    "$patch: delete\n",
                    "<deleted>",
                ),
                (
                    "delete what dest lacks",
                    "b: 1\n",
                    "a:\n  $patch: delete\n",
                    "b: 1\n",
                ),
                (
                    "unknown directive",
                    "a:\n  x: 1\n",
                    "a:\n  $patch: bogus\n",
                    "error: unknown patch strategy 'bogus'",
                ),
                // Where dest has nothing, kyaml ignores the bad directive and keeps it.
                (
                    "unknown directive, added",
                    "b: 1\n",
                    "a:\n  $patch: bogus\n",
                    "b: 1\na:\n  $patch: bogus\n",
                ),
            ],
        );
    }

    /// kyaml merge2 has no `$setElementOrder`, `$retainKeys` or `$deleteFromPrimitiveList`:
    /// they are ordinary fields (kustomize v5.5 prints them too).
    #[test]
    fn other_directives_are_plain_fields() {
        let dest = deploy(
            "metadata:\n  name: web\n  finalizers: [a, b]\nspec:\n  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: 1\n",
        );
        let patch = deploy(
            "metadata:\n  $deleteFromPrimitiveList/finalizers: [b]\nspec:\n  strategy:\n    $retainKeys: [type]\n    type: Recreate\n",
        );
        assert_eq!(
            merge(&dest, &patch, &PREPEND),
            deploy(
                "metadata:\n  name: web\n  finalizers: [a, b]\n  $deleteFromPrimitiveList/finalizers: [b]\nspec:\n  strategy:\n    type: Recreate\n    rollingUpdate:\n      maxSurge: 1\n    $retainKeys: [type]\n",
            )
        );
    }

    fn containers(list: &str) -> String {
        deploy(&format!(
            "spec:\n  template:\n    spec:\n      containers:\n{list}"
        ))
    }

    #[test]
    fn keyed_lists_merge_by_key() {
        let dest = containers(
            "      - name: a\n        image: a:1\n      - name: b\n        image: b:1\n",
        );
        let patch = containers(
            "      - name: c\n        image: c:1\n      - name: a\n        image: a:2\n",
        );
        assert_eq!(
            merge(&dest, &patch, &APPEND),
            containers(
                "      - name: a\n        image: a:2\n      - name: b\n        image: b:1\n      - name: c\n        image: c:1\n"
            ),
        );
        // Prepend: the patch's elements in its order, then dest's others (oracle: kustomize
        // v5.5 lists c, a, b).
        assert_eq!(
            merge(&dest, &patch, &PREPEND),
            containers(
                "      - name: c\n        image: c:1\n      - name: a\n        image: a:2\n      - name: b\n        image: b:1\n"
            ),
        );
    }

    #[test]
    fn element_directives() {
        let dest = containers(
            "      - name: a\n        image: a:1\n        args: [x]\n      - name: b\n        image: b:1\n",
        );
        let replace = containers(
            "      - name: a\n        image: a:2\n        $patch: replace\n      - name: c\n",
        );
        // Append replaces the element.
        assert_eq!(
            merge(&dest, &replace, &APPEND),
            containers(
                "      - name: a\n        image: a:2\n      - name: b\n        image: b:1\n      - name: c\n"
            ),
        );
        // Prepend puts dest's element back over it (oracle: kustomize v5.5 keeps a:1 and its
        // args, and lists a, c, b).
        assert_eq!(
            merge(&dest, &replace, &PREPEND),
            containers(
                "      - name: a\n        image: a:1\n        args: [x]\n      - name: c\n      - name: b\n        image: b:1\n"
            ),
        );
        let delete = containers(
            "      - name: b\n        $patch: delete\n      - name: zz\n        $patch: delete\n",
        );
        for opts in [APPEND, PREPEND] {
            assert_eq!(
                merge(&dest, &delete, &opts),
                containers("      - name: a\n        image: a:1\n        args: [x]\n"),
            );
        }
    }

    #[test]
    fn list_directives() {
        let dest = containers("      - name: a\n      - name: b\n");
        check(
            &APPEND,
            &[
                (
                    "replace",
                    &dest,
                    &containers("      - name: c\n      - $patch: replace\n"),
                    &containers("      - name: c\n"),
                ),
                (
                    "merge",
                    &dest,
                    &containers("      - $patch: merge\n      - name: c\n"),
                    &containers("      - name: a\n      - name: b\n      - name: c\n"),
                ),
                (
                    "delete",
                    &dest,
                    &containers("      - $patch: delete\n"),
                    &deploy("spec:\n  template:\n    spec: {}\n"),
                ),
                // Only a lone `$patch` element is a list directive.
                (
                    "not alone",
                    &dest,
                    &containers("      - name: c\n        $patch: replace\n"),
                    &containers("      - name: a\n      - name: b\n      - name: c\n"),
                ),
            ],
        );
    }

    #[test]
    fn sets_merge_scalars() {
        let dest = deploy("metadata:\n  finalizers:\n  - a\n  - b\n");
        let patch = deploy("metadata:\n  finalizers:\n  - c\n  - a\n");
        assert_eq!(
            merge(&dest, &patch, &APPEND),
            deploy("metadata:\n  finalizers:\n  - a\n  - b\n  - c\n")
        );
        // Oracle: kustomize v5.5 lists c, a, b.
        assert_eq!(
            merge(&dest, &patch, &PREPEND),
            deploy("metadata:\n  finalizers:\n  - c\n  - a\n  - b\n")
        );
    }

    /// `ports` merges on containerPort + protocol with kyaml's partial-match rules: the patch's
    /// protocol-less 443 matches no element on both keys and is dropped; its 80/TCP is
    /// displaced by dest's protocol-less 80 (appendListNode deletes on the keys an element
    /// has); 53/TCP is new and comes first (oracle: kustomize v5.5 gives exactly this list).
    #[test]
    fn multi_key_lists() {
        let dest = containers(
            "      - name: a\n        ports:\n        - containerPort: 80\n        - containerPort: 443\n          protocol: TCP\n        - containerPort: 53\n          protocol: UDP\n",
        );
        let patch = containers(
            "      - name: a\n        ports:\n        - containerPort: 80\n          protocol: TCP\n          name: http\n        - containerPort: 53\n          protocol: TCP\n        - containerPort: 443\n          name: https\n",
        );
        assert_eq!(
            merge(&dest, &patch, &PREPEND),
            containers(
                "      - name: a\n        ports:\n        - containerPort: 53\n          protocol: TCP\n        - containerPort: 80\n        - containerPort: 443\n          protocol: TCP\n        - containerPort: 53\n          protocol: UDP\n",
            ),
        );
    }

    /// In prepend mode an element without the merge key wipes the keyed elements set after
    /// it (appendListNode with no values; oracle: kustomize v5.5 keeps only that element).
    #[test]
    fn element_without_key() {
        let dest = containers("      - name: a\n      - image: noname\n");
        let patch = containers("      - name: b\n");
        assert_eq!(
            merge(&dest, &patch, &PREPEND),
            containers("      - image: noname\n")
        );
    }

    #[test]
    fn lists_without_schema_are_replaced() {
        let dest = "apiVersion: apps/v9\nkind: Deployment\nspec:\n  containers:\n  - name: a\n  - name: b\n";
        let patch = "apiVersion: apps/v9\nkind: Deployment\nspec:\n  containers:\n  - name: c\n";
        let replaced = "apiVersion: apps/v9\nkind: Deployment\nspec:\n  containers:\n  - name: c\n";
        assert_eq!(merge(dest, patch, &PREPEND), replaced);
        // Inferred from the `name`s.
        assert_eq!(
            merge(dest, patch, &INFER),
            "apiVersion: apps/v9\nkind: Deployment\nspec:\n  containers:\n  - name: a\n  - name: b\n  - name: c\n"
        );
        // A known kind's field without merge strategy is replaced even with inference.
        let args_dest = containers("      - name: a\n        args:\n        - name: x\n");
        let args_patch = containers("      - name: a\n        args:\n        - name: y\n");
        assert_eq!(
            merge(&args_dest, &args_patch, &INFER),
            containers("      - name: a\n        args:\n        - name: y\n"),
        );
    }

    #[test]
    fn inference_errors() {
        check(
            &INFER,
            &[
                (
                    "conflicting keys",
                    "l:\n- name: a\n",
                    "l:\n- name: b\n- other: c\n",
                    "error: conflicting merge keys [name,] for field l",
                ),
                // An empty list counts as associative, scalars have no key.
                (
                    "no key",
                    "l: []\n",
                    "l: [a, b]\n",
                    "error: no merge key found for field l",
                ),
            ],
        );
    }

    /// Merges as `strata patch` does (comments kept) and prints with kyaml's printer.
    fn merge_with_comments(dest: &str, patch: &str, opts: &MergeOptions) -> String {
        let d = SourceFile::new("dest.yaml", dest);
        let p = SourceFile::new("patch.yaml", patch);
        let out = merge_files(&d, &p, opts).expect("merges");
        kyaml_emit::to_string(out.iter())
    }

    /// kyaml merges with a schema written in a field's comment (kyaml/yaml/walk
    /// `valueIfPresent`, `GetSchema`), as kyaml's merge2 tests `no infer merge keys merge
    /// using explicit schema as line comment` and `merge_primitive_items` show; the same
    /// shapes with kyaml-format comparison pass the merge2 runner.
    #[test]
    fn schemas_in_comments() {
        const KEYED: &str = r##"# {"type":"array","items":{"$ref":"#/definitions/io.k8s.api.core.v1.Container"},"x-kubernetes-patch-merge-key":"name","x-kubernetes-patch-strategy":"merge"}"##;
        // In dest, on the key: elements merge by name (without it, the list is replaced).
        let dest = format!(
            "kind: Thing\napiVersion: example.com/v1\nlist: {KEYED}\n- name: a\n  image: a:1\n"
        );
        let patch = "kind: Thing\napiVersion: example.com/v1\nlist:\n- name: a\n  args: [x]\n";
        assert_eq!(
            merge_with_comments(&dest, patch, &APPEND),
            format!(
                "kind: Thing\napiVersion: example.com/v1\nlist: {KEYED}\n- name: a\n  image: a:1\n  args: [x]\n"
            )
        );
        assert_eq!(
            merge(&dest, patch, &APPEND),
            "kind: Thing\napiVersion: example.com/v1\nlist:\n- name: a\n  args: [x]\n",
            "without comments the list is replaced"
        );
        // In the patch: a merge strategy without keys merges scalars as a set (dest's key,
        // without the comment, stays).
        let dest = "kind: Thing\napiVersion: example.com/v1\nitems:\n- b\n- c\n";
        let patch = "kind: Thing\napiVersion: example.com/v1\nitems: # {\"type\":\"array\", \"x-kubernetes-patch-strategy\": \"merge\"}\n- a\n- b\n";
        assert_eq!(
            merge_with_comments(dest, patch, &APPEND),
            "kind: Thing\napiVersion: example.com/v1\nitems:\n- b\n- c\n- a\n"
        );
    }

    #[test]
    fn comment_schema_texts() {
        let cases = [
            (
                r#"# {"type":"array","x-kubernetes-patch-strategy":"merge"}"#,
                true,
            ),
            (r#"##  {"x-anything": 1}"#, true),
            ("# {}", false),
            ("# {{ template }}", false),
            ("# {type: array}", false),
            (r#"# {"type":"array"} trailing"#, false),
            (r#"# ["type"]"#, false),
            ("# plain words", false),
        ];
        for (text, want) in cases {
            assert_eq!(
                CommentSchema::parse(text, is_json).is_some(),
                want,
                "{text}"
            );
        }
        assert!(may_hold_comment_schema("a: # {\"x\":1}\n"));
        assert!(may_hold_comment_schema("#\t{\n"));
        assert!(!may_hold_comment_schema("a: b # c {\n"));
        assert!(!may_hold_comment_schema("a: '{'\n"));
    }

    /// A node without schema is looked up by its own apiVersion/kind (oracle: kustomize v5.5
    /// merges the embedded Deployment's containers by name inside a custom resource).
    #[test]
    fn embedded_objects_find_their_schema() {
        let dest = "apiVersion: example.com/v1\nkind: Widget\nspec:\n  items:\n  - name: a\n  nested:\n    apiVersion: apps/v1\n    kind: Deployment\n    spec:\n      template:\n        spec:\n          containers:\n          - name: x\n";
        let patch = "apiVersion: example.com/v1\nkind: Widget\nspec:\n  items:\n  - name: b\n  nested:\n    spec:\n      template:\n        spec:\n          containers:\n          - name: w\n";
        assert_eq!(
            merge(dest, patch, &PREPEND),
            "apiVersion: example.com/v1\nkind: Widget\nspec:\n  items:\n  - name: b\n  nested:\n    apiVersion: apps/v1\n    kind: Deployment\n    spec:\n      template:\n        spec:\n          containers:\n          - name: w\n          - name: x\n"
        );
    }

    /// The schema set decides: a custom schema's keys apply to its kinds, a built-in kind it
    /// lacks has its lists replaced, and a node without schema is looked up by its own kind
    /// in the same set (a Widget inside a custom resource the schema does not describe).
    #[test]
    fn custom_schemas() {
        use crate::schema::CustomSchema;
        let custom = CustomSchema::parse(&SourceFile::new(
            "schema.json",
            r##"{"definitions": {"W": {"properties": {"spec": {"properties": {"items": {
                "type": "array", "x-kubernetes-patch-strategy": "merge",
                "x-kubernetes-patch-merge-key": "id"}}}},
                "x-kubernetes-group-version-kind": [{"group": "example.com", "version": "v1", "kind": "Widget"}]}}}"##,
        ))
        .expect("parses");
        let custom = Schemas::custom(std::sync::Arc::new(custom));
        let run = |schemas: &Schemas, dest: &str, patch: &str| {
            let d = parse("dest.yaml", dest);
            let p = parse("patch.yaml", patch);
            let out = strategic_merge_with(&d, &p, &PREPEND, schemas)
                .expect("merges")
                .expect("kept");
            kyaml_emit::to_string([&out])
        };
        let widget = |items: &str| {
            format!("apiVersion: example.com/v1\nkind: Widget\nspec:\n  items:\n{items}")
        };
        let dest = widget("  - id: a\n  - id: b\n");
        let patch = widget("  - id: c\n");
        assert_eq!(
            run(&custom, &dest, &patch),
            widget("  - id: c\n  - id: a\n  - id: b\n")
        );
        assert_eq!(run(&Schemas::BUILTIN, &dest, &patch), patch);
        let dest = containers("      - name: a\n      - name: b\n");
        let patch = containers("      - name: c\n");
        assert_eq!(run(&custom, &dest, &patch), patch);
        assert_eq!(
            run(&Schemas::BUILTIN, &dest, &patch),
            containers("      - name: c\n      - name: a\n      - name: b\n")
        );
        // A Widget nested where the CRD below has no schema finds the custom root.
        let nest = |items: &str| {
            format!(
                "apiVersion: example.com/v1\nkind: Holder\nspec:\n  inner:\n    apiVersion: example.com/v1\n    kind: Widget\n    spec:\n      items:\n{items}"
            )
        };
        assert_eq!(
            run(&custom, &nest("      - id: a\n"), &nest("      - id: c\n")),
            nest("      - id: c\n      - id: a\n")
        );
        // kustomize_patch_with keeps the resource root, as kustomize_patch does.
        let d = parse("d.yaml", &widget("  - id: a\n"));
        let p = parse("p.yaml", &widget("  - id: b\n"));
        assert_eq!(
            kustomize_patch_with(&d, &p, &custom)
                .expect("merges")
                .map(|n| kyaml_emit::to_string([&n])),
            Some(widget("  - id: b\n  - id: a\n"))
        );
    }

    #[test]
    fn collection_styles() {
        check(
            &APPEND,
            &[
                // A replaced list takes dest's style.
                ("flow dest", "a: [x]\n", "a:\n- y\n", "a: [y]\n"),
                ("block dest", "a:\n- x\n", "a: [y]\n", "a:\n- y\n"),
                // An empty dest collection takes the patch's.
                ("empty flow dest", "a: []\n", "a:\n- y\n", "a:\n- y\n"),
                ("added", "b: 1\n", "a: [y]\n", "b: 1\na: [y]\n"),
            ],
        );
    }

    #[test]
    fn kind_mismatches_fail_with_a_location() {
        let d = parse("dest.yaml", "a:\n  b: 1\n");
        let p = parse("patch.yaml", "a:\n  b: [1]\n");
        let e = strategic_merge(&d, &p, &APPEND).expect_err("kinds differ");
        assert_eq!(
            e.message,
            "wrong node kind: expected ScalarNode but got SequenceNode"
        );
        assert_eq!(e.side, Side::Patch);
        assert_eq!(e.span.start, 8);
        // kyaml's FieldSetter takes an empty key for "set this scalar", which fails on a map.
        let d = parse("dest.yaml", "\"\": x\n");
        let p = parse("patch.yaml", "a: 1\n");
        let e = strategic_merge(&d, &p, &APPEND).expect_err("empty key");
        assert_eq!(
            e.message,
            "wrong node kind: expected ScalarNode but got MappingNode"
        );
    }

    #[test]
    fn spans_survive_for_dest_nodes_only() {
        let d = parse("dest.yaml", "a: 1\nb: 2\n");
        let p = parse("patch.yaml", "b: 3\nc: 4\n");
        let out = strategic_merge(&d, &p, &APPEND)
            .expect("merges")
            .expect("kept");
        let m = out.as_mapping().expect("map");
        assert_eq!(m.get("a").map(|n| n.span.start), Some(3));
        assert_eq!(m.get("c").map(|n| n.span), Some(Span::default()));
    }

    #[test]
    fn files_apply_each_patch_document() {
        let dest = SourceFile::new("d.yaml", "a: 1\n---\nb: 1\n");
        let patch = SourceFile::new("p.yaml", "x: 1\n---\ny: 2\n---\n");
        let docs = merge_files(&dest, &patch, &APPEND).expect("merges");
        assert_eq!(
            kyaml_emit::to_string(&docs),
            "a: 1\nx: 1\ny: 2\n---\nb: 1\nx: 1\ny: 2\n"
        );
        let delete = SourceFile::new("p.yaml", "$patch: delete\n");
        assert!(
            merge_files(&dest, &delete, &APPEND)
                .expect("merges")
                .is_empty()
        );
        let bad = SourceFile::new("p.yaml", "a:\n  b: 1\n");
        let e = merge_files(&dest, &bad, &APPEND).expect_err("kinds differ");
        assert_eq!(
            e.to_string(),
            "p.yaml:2:3: wrong node kind: expected ScalarNode but got MappingNode"
        );
    }

    /// Nested mappings `depth` deep, ending in `b: <leaf>`.
    fn deep_maps(depth: usize, leaf: &str) -> Node {
        let mut text = String::new();
        for i in 0..depth {
            text.push_str(&" ".repeat(i));
            text.push_str("a:\n");
        }
        text.push_str(&" ".repeat(depth));
        text.push_str("b: ");
        text.push_str(leaf);
        text.push('\n');
        parse("deep.yaml", &text)
    }

    /// Lists of maps `levels` deep (`l: [{name: a, l: [...]}]`), two levels each.
    fn deep_lists(levels: usize) -> Node {
        let mut text = String::new();
        for i in 0..levels {
            let ind = " ".repeat(2 * i);
            text.push_str(&format!("{ind}l:\n{ind}- name: a\n"));
        }
        parse("deep.yaml", &text)
    }

    /// Deep documents merge up to [`MAX_WALK_DEPTH`] without overflowing the (2 MiB) test
    /// thread's stack, and fail cleanly beyond.
    #[test]
    fn deep_documents() {
        let d = deep_maps(MAX_WALK_DEPTH - 2, "1");
        let p = deep_maps(MAX_WALK_DEPTH - 2, "2");
        let out = strategic_merge(&d, &p, &APPEND)
            .expect("merges")
            .expect("kept");
        assert!(kyaml_emit::to_string([&out]).ends_with("b: 2\n"));
        let l = deep_lists(MAX_WALK_DEPTH / 2 - 1);
        assert!(strategic_merge(&l, &l, &INFER).is_ok());
        let too_deep = deep_maps(MAX_WALK_DEPTH + 5, "1");
        let e = strategic_merge(&too_deep, &too_deep, &APPEND).expect_err("too deep");
        assert_eq!(e.message, "strategic merge: nesting deeper than 512 levels");
    }

    /// kustomize keeps the resource's root: a root `$patch: replace` changes nothing there
    /// (oracle: kustomize v5.5 prints the resource unchanged), while merge2 itself returns
    /// the patch.
    #[test]
    fn kustomize_keeps_the_resource_root() {
        let d = parse(
            "d.yaml",
            &deploy("metadata:\n  name: web\nspec:\n  replicas: 1\n"),
        );
        let p = parse(
            "p.yaml",
            &deploy("metadata:\n  name: web\n$patch: replace\n"),
        );
        let print = |n: Option<Node>| n.map(|n| kyaml_emit::to_string([&n]));
        assert_eq!(
            print(kustomize_patch(&d, &p).expect("merges")),
            Some(deploy("metadata:\n  name: web\nspec:\n  replicas: 1\n"))
        );
        assert_eq!(
            print(strategic_merge(&d, &p, &PREPEND).expect("merges")),
            Some(deploy("metadata:\n  name: web\n"))
        );
        let del = parse("p.yaml", &deploy("$patch: delete\n"));
        assert_eq!(kustomize_patch(&d, &del).expect("merges"), None);
        // Otherwise the two agree.
        let p = parse("p.yaml", &deploy("spec:\n  replicas: 2\n"));
        assert_eq!(
            kustomize_patch(&d, &p).expect("merges"),
            strategic_merge(&d, &p, &PREPEND).expect("merges")
        );
    }

    /// `Merger.SetComments`: where the patch has comments they win on the node dest keeps;
    /// a scalar the patch replaces comes with the patch's node, comments and all.
    #[test]
    fn comments_follow_the_nodes() {
        let note = |head: &str| {
            Some(Box::new(Comments {
                head: vec![head.to_owned()],
                line: None,
                foot: vec![],
            }))
        };
        let mut d = parse("d.yaml", "a:\n  x: 1\n  y: 2\n");
        let mut p = parse("p.yaml", "a:\n  x: 3\n");
        if let Some(m) = d.as_mapping_mut().and_then(|m| m.get_mut("a")) {
            m.comments = note("dest a");
            if let Some(y) = m.as_mapping_mut().and_then(|m| m.get_mut("y")) {
                y.comments = note("dest y");
            }
        }
        if let Some(x) = p
            .as_mapping_mut()
            .and_then(|m| m.get_mut("a"))
            .and_then(|a| a.as_mapping_mut())
            .and_then(|m| m.get_mut("x"))
        {
            x.comments = note("patch x");
        }
        let out = strategic_merge(&d, &p, &APPEND)
            .expect("merges")
            .expect("kept");
        let head = |path: &[&str]| {
            out.get_path(path)
                .and_then(|n| n.comments.as_ref())
                .map(|c| c.head.clone())
        };
        assert_eq!(head(&["a"]), Some(vec!["dest a".to_owned()]));
        assert_eq!(head(&["a", "x"]), Some(vec!["patch x".to_owned()]));
        assert_eq!(head(&["a", "y"]), Some(vec!["dest y".to_owned()]));
    }

    #[test]
    fn inputs_are_not_modified() {
        let d = parse("d.yaml", "a:\n  x: 1\n");
        let p = parse("p.yaml", "a:\n  $patch: replace\n  y: 2\n");
        let (d0, p0) = (d.clone(), p.clone());
        strategic_merge(&d, &p, &APPEND).expect("merges");
        assert_eq!((d, p), (d0, p0));
    }

    #[test]
    fn key_helpers() {
        let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            match_values(&s(&["80", ""]), &s(&["80", "TCP"])),
            Some(s(&["80", "TCP"]))
        );
        assert_eq!(match_values(&s(&["80", "UDP"]), &s(&["80", "TCP"])), None);
        assert_eq!(match_values(&s(&["", "TCP"]), &s(&["80", ""])), None);
        let keys = s(&["containerPort", "protocol"]);
        assert_eq!(
            validate_keys(&[s(&["80", ""])], &s(&["80", ""]), &keys),
            (s(&["containerPort"]), s(&["80"]))
        );
        assert_eq!(
            validate_keys(&[s(&["", ""])], &s(&["", ""]), &keys),
            (keys.clone(), s(&["", ""]))
        );
    }
}
