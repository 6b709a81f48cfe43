//! `kustomize edit`: changes to a kustomization file that keep everything else in it.
//!
//! This stage sits beside the build pipeline, not in it: it takes a kustomization's text and
//! returns new text, and writes nothing (finding the file, expanding globs and writing
//! atomically are the CLI's job; [`fix_vars`] reads the files that use vars through a
//! [`crate::FileSystem`] and returns their new texts). It may use [`crate::yaml`],
//! [`crate::source`] and [`crate::fs`].
//!
//! The grammar of each edit follows kustomize's `kustomize/commands/edit/**` and the result is
//! what kustomize's edit tests expect, with one difference: kustomize unmarshals the file and
//! marshals it again (kustomize/commands/internal/kustfile/kustomizationfile.go), losing
//! comments inside fields, reordering keys and requoting scalars (kustomize issues #2310,
//! #4481). Here every edit splices the bytes of only the nodes it changes (`splice`), writes
//! new nodes in the file's own indentation (`style`), and puts new top-level fields where
//! kustomize's field order would (`order`). Editing again with the same arguments gives the
//! same bytes.
//!
//! kustomize also fills in `apiVersion` and `kind` on every edit (`FixKustomization`); that
//! changes no render, so it is left to `edit fix`.
//!
//! ```
//! use strata::edit::{Edit, apply, parse_image};
//!
//! let text = "# the app\nresources:\n  - app.yaml # keep me\n";
//! let edit = Edit::SetImages(vec![parse_image("app=registry/app:v2")?]);
//! let out = apply("kustomization.yaml", text, &edit)?.text;
//! assert_eq!(
//!     out,
//!     "# the app\nresources:\n  - app.yaml # keep me\nimages:\n  - name: app\n    newName: registry/app\n    newTag: v2\n"
//! );
//! # Ok::<(), strata::Error>(())
//! ```

mod builtin;
mod fields;
mod fix;
mod generator;
mod image;
mod metadata;
mod order;
mod patch;
mod splice;
mod style;
#[cfg(test)]
mod testutil;
mod vars;

pub use builtin::{BUILTIN_GENERATORS, BUILTIN_TRANSFORMERS, is_builtin};
pub use fields::{ListField, glob_match, parse_replica};
pub use generator::{GeneratorEdit, GeneratorKind};
pub use image::{ImageEdit, parse_image};
pub use metadata::{MetadataKind, parse_keys, parse_pairs};
pub use patch::PatchEdit;

use crate::error::Result;
use splice::Doc;

/// One `kustomize edit` command, its arguments already parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Edit {
    /// `set image`: add or update `images` entries (kept sorted by name, as kustomize does).
    SetImages(Vec<ImageEdit>),
    /// `set replicas NAME=COUNT...`.
    SetReplicas(Vec<(String, i64)>),
    /// `set namespace NS` (validated as a DNS-1123 label).
    SetNamespace(String),
    /// `set nameprefix PREFIX`.
    SetNamePrefix(String),
    /// `set namesuffix SUFFIX`.
    SetNameSuffix(String),
    /// `add resource|component|base|transformer|generator|configuration`: append entries that
    /// are not there yet.
    AddToList(ListField, Vec<String>),
    /// `add base DIR[,DIR]`: append to `resources`; a base already listed is an error.
    AddBases(Vec<String>),
    /// `add buildmetadata`: like [`Edit::AddToList`], but an entry already present is an error.
    AddBuildMetadata(Vec<String>),
    /// `set buildmetadata`: replace the list.
    SetBuildMetadata(Vec<String>),
    /// `remove resource|component|transformer|buildmetadata`: remove entries matching the
    /// glob patterns (`filepath.Match` syntax).
    RemoveFromList(ListField, Vec<String>),
    /// `add label|annotation`.
    AddMetadata {
        /// Labels or annotations.
        kind: MetadataKind,
        /// The pairs, in argument order.
        pairs: Vec<(String, String)>,
        /// Overwrite keys that exist (`--force`).
        force: bool,
        /// Labels only: add to a `labels` entry without selectors (`--without-selector`).
        without_selector: bool,
        /// Labels only: with `without_selector`, also label templates (`--include-templates`).
        include_templates: bool,
    },
    /// `set label|annotation`: add or overwrite.
    SetMetadata {
        /// Labels or annotations.
        kind: MetadataKind,
        /// The pairs, in argument order.
        pairs: Vec<(String, String)>,
    },
    /// `remove label|annotation`.
    RemoveMetadata {
        /// Labels or annotations.
        kind: MetadataKind,
        /// The keys.
        keys: Vec<String>,
        /// Missing keys are no error (`--ignore-non-existence`).
        ignore_missing: bool,
    },
    /// `add|set configmap|secret`.
    Generator(GeneratorEdit),
    /// `remove configmap|secret NAME[,NAME]`.
    RemoveGenerators {
        /// ConfigMaps or Secrets.
        kind: GeneratorKind,
        /// The names.
        names: Vec<String>,
        /// Their namespace (empty and `default` are the same).
        namespace: String,
    },
    /// `add patch`.
    AddPatch(PatchEdit),
    /// `remove patch`.
    RemovePatch(PatchEdit),
    /// `fix`: move deprecated fields to their replacements (`--vars` also turns `vars` into
    /// `replacements`).
    Fix {
        /// Convert `vars` too.
        vars: bool,
    },
}

/// The result of an edit: the new text and anything worth telling the user.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Edited {
    /// The new file text (the input, byte for byte, when nothing changed).
    pub text: String,
    /// Notes such as `resource a.yaml already in kustomization file`.
    pub warnings: Vec<String>,
}

/// The result of `edit fix --vars`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FixedVars {
    /// The new kustomization.
    pub kustomization: Edited,
    /// Files whose `$(NAME)` became `NAME_PLACEHOLDER`, relative to the kustomization's
    /// directory, with their new text.
    pub files: Vec<(std::path::PathBuf, String)>,
}

/// Runs `edit fix --vars` on the kustomization `text` in directory `dir` of `fs`: the fixes of
/// [`Edit::Fix`], then `vars` turned into `replacements` (kustomize/commands/edit/fix/
/// convert.go). Reads the files the kustomization uses; writes nothing.
///
/// ```
/// use std::path::Path;
///
/// use strata::MemoryFs;
/// use strata::edit::fix_vars;
///
/// let kustomization = "resources:\n- cm.yaml\n- pod.yaml\nvars:\n- name: CM\n  objref:\n    \
///                      apiVersion: v1\n    kind: ConfigMap\n    name: config\n";
/// let fs = MemoryFs::new()
///     .with_file("app/kustomization.yaml", kustomization)
///     .with_file("app/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config\n")
///     .with_file(
///         "app/pod.yaml",
///         "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  \
///          - name: a\n    image: a\n    command: [echo, $(CM)]\n",
///     );
/// let fixed = fix_vars("kustomization.yaml", kustomization, &fs, Path::new("/app"))?;
/// assert!(fixed.kustomization.text.contains("replacements:"));
/// assert!(!fixed.kustomization.text.contains("vars:"));
/// let (file, text) = &fixed.files[0];
/// assert_eq!(file, Path::new("pod.yaml"));
/// assert!(text.contains("CM_PLACEHOLDER"), "{text}");
/// # Ok::<(), strata::Error>(())
/// ```
pub fn fix_vars(
    path: &str,
    text: &str,
    fs: &dyn crate::FileSystem,
    dir: &std::path::Path,
) -> Result<FixedVars> {
    let mut doc = Doc::parse(path, text)?;
    let mut warnings = Vec::new();
    fix::fix(&mut doc, true, &mut warnings)?;
    let files = vars::convert(&mut doc, fs, dir)?;
    Ok(FixedVars {
        kustomization: Edited {
            text: doc.text().to_owned(),
            warnings,
        },
        files,
    })
}

/// Applies `edit` to the kustomization `text` read from `path` (used in error locations).
///
/// On error the caller should leave the file as it is: nothing is half-applied.
///
/// ```
/// use strata::edit::{Edit, ListField, apply};
///
/// let text = "# the app\nresources:\n- deployment.yaml # main\n";
/// let edited = apply(
///     "kustomization.yaml",
///     text,
///     &Edit::AddToList(ListField::Resources, vec!["service.yaml".to_owned()]),
/// )?;
/// assert_eq!(
///     edited.text,
///     "# the app\nresources:\n- deployment.yaml # main\n- service.yaml\n"
/// );
/// # Ok::<(), strata::Error>(())
/// ```
pub fn apply(path: &str, text: &str, edit: &Edit) -> Result<Edited> {
    let mut doc = Doc::parse(path, text)?;
    let mut warnings = Vec::new();
    match edit {
        Edit::SetImages(images) => image::set_images(&mut doc, images)?,
        Edit::SetReplicas(r) => fields::set_replicas(&mut doc, r)?,
        Edit::SetNamespace(ns) => fields::set_namespace(&mut doc, ns)?,
        Edit::SetNamePrefix(p) => fields::set_top_scalar(&mut doc, "namePrefix", p)?,
        Edit::SetNameSuffix(s) => fields::set_top_scalar(&mut doc, "nameSuffix", s)?,
        Edit::AddToList(field, items) => {
            fields::add_to_list(&mut doc, *field, items, &mut warnings)?;
        }
        Edit::AddBases(bases) => fields::add_bases(&mut doc, bases)?,
        Edit::AddBuildMetadata(opts) => fields::add_build_metadata(&mut doc, opts)?,
        Edit::SetBuildMetadata(opts) => fields::set_build_metadata(&mut doc, opts)?,
        Edit::RemoveFromList(field, patterns) => {
            fields::remove_from_list(&mut doc, *field, patterns)?;
        }
        Edit::AddMetadata {
            kind,
            pairs,
            force,
            without_selector,
            include_templates,
        } => metadata::add(
            &mut doc,
            *kind,
            pairs,
            *force,
            *without_selector,
            *include_templates,
        )?,
        Edit::SetMetadata { kind, pairs } => metadata::set(&mut doc, *kind, pairs)?,
        Edit::RemoveMetadata {
            kind,
            keys,
            ignore_missing,
        } => metadata::remove(&mut doc, *kind, keys, *ignore_missing)?,
        Edit::Generator(g) => generator::apply(&mut doc, g)?,
        Edit::RemoveGenerators {
            kind,
            names,
            namespace,
        } => generator::remove(&mut doc, *kind, names, namespace, &mut warnings)?,
        Edit::AddPatch(p) => patch::add(&mut doc, p, &mut warnings)?,
        Edit::RemovePatch(p) => patch::remove(&mut doc, p, &mut warnings)?,
        Edit::Fix { vars } => {
            if *vars && doc.root().get("vars").is_some() {
                return Err(crate::Error::new(
                    crate::ErrorKind::Unsupported,
                    "edit fix --vars reads and rewrites the files that use the vars: use \
                     strata::edit::fix_vars",
                ));
            }
            fix::fix(&mut doc, *vars, &mut warnings)?;
        }
    }
    Ok(Edited {
        text: doc.text().to_owned(),
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::testutil::{lacks_fields, once, run, same_fields, same_file, without_fields};
    use super::*;

    /// A kustomization written by hand, with comments everywhere an edit could lose them.
    const COMMENTED: &str = "\
# Production overlay. Owned by the platform team.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization

# Everything in the base, plus the monitoring bits.
resources:
  - ../../base # shared base
  # - ../../debug   (disabled)
  - monitoring.yaml

namePrefix: 'prod-' # keep the quotes

images:
  # The app image is bumped by CI.
  - name: app
    newName: registry.example.com/app # mirror
    newTag: \"1.4.0\"

  # Sidecar pinned by digest.
  - name: envoy
    digest: sha256:0123

replicas:
  - name: web # frontend
    count: 2
# trailing comment
";

    /// Every field an edit can touch, each commented, some in flow style, sequences indented.
    const RICH: &str = "\
# Staging overlay.
# Keep this file tidy: CI edits it.
apiVersion: kustomize.config.k8s.io/v1beta1   # pinned API
kind: Kustomization

resources:   # order matters
    - ../base          # the app
    - extra.yaml

components: [../components/tls]   # TLS everywhere

namePrefix: stg-
nameSuffix: \"-v1\"
namespace: staging # per-env namespace

commonLabels:
    # who to page
    team: payments
commonAnnotations: {note: staging}

labels:
    - pairs:
          tier: web
      includeTemplates: true

patches:
    # scale down in staging
    - path: replicas.yaml
      target: {kind: Deployment}

configMapGenerator:
    - name: settings   # app settings
      literals:
          - MODE=staging
          - LEVEL=debug

secretGenerator:
    - name: creds
      envs: [creds.env]
      type: Opaque

images:
    - name: app # main
      newTag: \"2.3\"

replicas:
    - {name: web, count: 1}

transformers:
    - transformer.yaml # custom

buildMetadata: [originAnnotations]
# end of file
";

    fn strs(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    /// Each subcommand on a heavily commented file: outside the fields it edits, the result is
    /// the input byte for byte, and the edit is idempotent (checked by `run`).
    #[test]
    fn every_edit_leaves_other_fields_byte_identical() {
        let mut cm = GeneratorEdit::new(GeneratorKind::ConfigMap, "settings", false);
        cm.literals = strs(&["NEW=1"]);
        let mut cm_set = GeneratorEdit::new(GeneratorKind::ConfigMap, "settings", true);
        cm_set.literals = strs(&["LEVEL=info"]);
        let mut sec = GeneratorEdit::new(GeneratorKind::Secret, "tls", false);
        sec.files = strs(&["tls.crt"]);
        let patch = PatchEdit {
            path: "more.yaml".into(),
            ..PatchEdit::default()
        };
        let label = |pairs: &[(&str, &str)], without_selector| Edit::AddMetadata {
            kind: MetadataKind::Label,
            pairs: pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            force: true,
            without_selector,
            include_templates: without_selector,
        };
        let cases: Vec<(Edit, &[&str])> = vec![
            (
                Edit::SetImages(vec![parse_image("app=reg/app:2.4").unwrap()]),
                &["images"],
            ),
            (
                Edit::SetImages(vec![parse_image("db:15").unwrap()]),
                &["images"],
            ),
            (Edit::SetReplicas(vec![("web".into(), 3)]), &["replicas"]),
            (Edit::SetReplicas(vec![("api".into(), 2)]), &["replicas"]),
            (Edit::SetNamespace("prod".into()), &["namespace"]),
            (Edit::SetNamePrefix("prod-".into()), &["namePrefix"]),
            (Edit::SetNameSuffix("-v2".into()), &["nameSuffix"]),
            (
                Edit::AddToList(ListField::Resources, strs(&["new.yaml"])),
                &["resources"],
            ),
            (
                Edit::AddToList(ListField::Components, strs(&["../c2"])),
                &["components"],
            ),
            (
                Edit::AddToList(ListField::Transformers, strs(&["t2.yaml"])),
                &["transformers"],
            ),
            (
                Edit::AddToList(ListField::Generators, strs(&["g.yaml"])),
                &["generators"],
            ),
            (
                Edit::AddToList(ListField::Configurations, strs(&["c.yaml"])),
                &["configurations"],
            ),
            (
                Edit::RemoveFromList(ListField::Resources, strs(&["extra.yaml"])),
                &["resources"],
            ),
            (
                Edit::RemoveFromList(ListField::Transformers, strs(&["*"])),
                &["transformers"],
            ),
            (
                Edit::SetBuildMetadata(strs(&["managedByLabel"])),
                &["buildMetadata"],
            ),
            (label(&[("env", "stg")], false), &["commonLabels"]),
            (label(&[("tier", "api")], true), &["labels"]),
            (
                Edit::SetMetadata {
                    kind: MetadataKind::Annotation,
                    pairs: vec![("note".into(), "hello".into())],
                },
                &["commonAnnotations"],
            ),
            (
                Edit::RemoveMetadata {
                    kind: MetadataKind::Label,
                    keys: strs(&["team"]),
                    ignore_missing: true,
                },
                &["commonLabels"],
            ),
            (Edit::Generator(cm), &["configMapGenerator"]),
            (Edit::Generator(cm_set), &["configMapGenerator"]),
            (Edit::Generator(sec), &["secretGenerator"]),
            (Edit::AddPatch(patch.clone()), &["patches"]),
        ];
        for (edit, touched) in cases {
            let out = run(RICH, &edit);
            assert_ne!(out, RICH, "{edit:?} changed nothing");
            assert_eq!(
                without_fields(&out, touched),
                without_fields(RICH, touched),
                "{edit:?} changed bytes outside {touched:?}"
            );
            // Every comment outside the edited fields is still there.
            let kept = without_fields(RICH, touched);
            for line in kept.lines().filter(|l| l.contains('#')) {
                let comment = &line[line.find('#').unwrap_or(0)..];
                assert!(out.contains(comment), "{edit:?} lost {comment:?}:\n{out}");
            }
        }
    }

    /// One edit of each kind, with arguments that exercise quoting, ordering and flow/block
    /// conversion.
    fn every_style_edits() -> Vec<Edit> {
        let mut cm = GeneratorEdit::new(GeneratorKind::ConfigMap, "settings", false);
        cm.literals = strs(&["NEW=1"]);
        cm.disable_name_suffix_hash = true;
        let mut cm_set = GeneratorEdit::new(GeneratorKind::ConfigMap, "settings", true);
        cm_set.literals = strs(&["LEVEL=2"]);
        vec![
            Edit::SetImages(vec![
                parse_image("app=reg/app:2.4@sha256:1").unwrap(),
                parse_image("aaa:1").unwrap(),
                parse_image("zzz=*:*").unwrap(),
            ]),
            Edit::SetReplicas(vec![("web".into(), 3), ("a".into(), 0)]),
            Edit::SetNamespace("prod".into()),
            Edit::SetNamePrefix("pre-".into()),
            Edit::SetNameSuffix("-suf".into()),
            Edit::AddToList(ListField::Resources, strs(&["new.yaml", "x: y", "[z]"])),
            Edit::AddToList(ListField::Components, strs(&["../c"])),
            Edit::RemoveFromList(ListField::Resources, strs(&["*"])),
            Edit::AddBuildMetadata(strs(&["managedByLabel"])),
            Edit::SetBuildMetadata(strs(&["originAnnotations", "managedByLabel"])),
            Edit::AddMetadata {
                kind: MetadataKind::Label,
                pairs: vec![("a".into(), "c".into()), ("n".into(), "1".into())],
                force: true,
                without_selector: false,
                include_templates: false,
            },
            Edit::AddMetadata {
                kind: MetadataKind::Label,
                pairs: vec![("t".into(), "x".into())],
                force: true,
                without_selector: true,
                include_templates: true,
            },
            Edit::SetMetadata {
                kind: MetadataKind::Annotation,
                pairs: vec![("note".into(), "multi\nline".into())],
            },
            Edit::RemoveMetadata {
                kind: MetadataKind::Label,
                keys: strs(&["a", "team"]),
                ignore_missing: true,
            },
            Edit::Generator(cm),
            Edit::Generator(cm_set),
            Edit::AddPatch(PatchEdit {
                patch: "- op: remove\n  path: /y\n".into(),
                kind: "B".into(),
                ..PatchEdit::default()
            }),
            Edit::RemovePatch(PatchEdit {
                path: "replicas.yaml".into(),
                ..PatchEdit::default()
            }),
            Edit::Fix { vars: false },
        ]
    }

    /// Every edit on files written in every style the parser accepts: each edit either
    /// succeeds, repeatably, with text that parses, or fails with one of kustomize's errors;
    /// it never writes YAML that does not parse.
    #[test]
    fn every_edit_on_every_style_stays_valid() {
        let files = [
            RICH.to_owned(),
            COMMENTED.to_owned(),
            COMMENTED.replace('\n', "\r\n"),
            String::new(),
            "# only a comment\n".to_owned(),
            "---\nresources: [a.yaml]\ncommonLabels: {}\nimages: []\n...\n".to_owned(),
            "resources:\n- a.yaml\nnamespace:\nimages:\nreplicas: ~\n".to_owned(),
            "patches:\n- patch: |-\n    - op: add\n      path: /x\n  target: {kind: A}\nresources:\n- |\n  odd.yaml\n".to_owned(),
            "\"resources\":\n  - 'a.yaml'\n\"namePrefix\": \"p-\" # q\n'commonLabels':\n  'a': 'b'".to_owned(),
            "labels:\n- pairs: {a: b}\n  includeTemplates: true\nconfigMapGenerator:\n- {name: settings, literals: [LEVEL=1]}\n".to_owned(),
            "configMapGenerator: [{name: settings, literals: []}]\nlabels: [{pairs: {}}]\n".to_owned(),
            "configMapGenerator:\n- {name: settings, literals: [LEVEL=1], options: {}}\nimages: [{name: app}]\n".to_owned(),
        ];
        let edits = every_style_edits();
        // kustomize's own refusals (the edit's precondition does not hold for that file).
        for file in &files {
            for edit in &edits {
                assert_valid_and_idempotent(file, edit);
            }
        }
    }

    /// `edit` on `file` either fails for one of kustomize's own reasons or succeeds, and
    /// applying it again to the result changes nothing.
    fn assert_valid_and_idempotent(file: &str, edit: &Edit) {
        let allowed = [
            "already in kustomization file",
            "unable to find ConfigMap",
            "not found in resource",
        ];
        let expected_failure = |e: &dyn std::fmt::Display| {
            let text = e.to_string();
            allowed.iter().any(|m| text.contains(m))
        };
        match apply("kustomization.yaml", file, edit) {
            Ok(out) => match apply("kustomization.yaml", &out.text, edit) {
                Ok(again) => assert_eq!(again.text, out.text, "{edit:?} twice on {file:?}"),
                Err(e) => assert!(
                    expected_failure(&e),
                    "{edit:?} again on {:?}: {e}",
                    out.text
                ),
            },
            Err(e) => assert!(expected_failure(&e), "{edit:?} on {file:?}: {e}"),
        }
    }

    /// Files assembled from fields in varied styles (seeded, so every run tests the same
    /// ones) under the edits of `every_edit_on_every_style_stays_valid`: no edit may fail
    /// for any reason but kustomize's own, write YAML that does not parse, or change the
    /// file when repeated.
    #[test]
    fn generated_files_stay_valid_under_every_edit() {
        let fields: &[&[&str]] = &[
            &[
                "resources:\n- a.yaml\n",
                "resources: [a.yaml]\n",
                "resources:\n    - a.yaml # c\n",
                "resources: []\n",
            ],
            &[
                "images:\n- name: app\n  newTag: v1\n",
                "images: [{name: app, newTag: v1}]\n",
                "images:\n  # c\n  - name: app\n    digest: sha256:x\n",
            ],
            &[
                "replicas:\n- name: web\n  count: 1\n",
                "replicas: [{name: web, count: 1}]\n",
            ],
            &[
                "commonLabels:\n  team: a\n",
                "commonLabels: {team: a}\n",
                "commonLabels:\n",
            ],
            &["namespace: x\n", "namespace: 'x' # c\n", "namespace:\n"],
            &[
                "configMapGenerator:\n- name: settings\n  literals:\n  - LEVEL=1\n",
                "configMapGenerator: [{name: settings, literals: [LEVEL=1]}]\n",
            ],
            &[
                "patches:\n- path: p.yaml\n",
                "patches:\n- patch: |-\n    - op: add\n      path: /x\n  target: {kind: A}\n",
            ],
            &["# header\n", "\n", "---\n"],
        ];
        let edits = every_style_edits();
        // xorshift: a fixed sequence, no dependency.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % (n as u64)).unwrap_or(0)
        };
        for _ in 0..300 {
            let mut order: Vec<usize> = (0..fields.len()).collect();
            for i in (1..order.len()).rev() {
                order.swap(i, next(i + 1));
            }
            let mut file = String::new();
            for &f in order.iter().take(1 + next(fields.len())) {
                let variants = fields[f];
                let v = variants[next(variants.len())];
                // A document marker only opens a file.
                if v == "---\n" && !file.is_empty() {
                    continue;
                }
                file.push_str(v);
            }
            assert_valid_and_idempotent(&file, &edits[next(edits.len())]);
        }
    }

    #[test]
    fn set_image_changes_only_the_tag_bytes() {
        let out = run(
            COMMENTED,
            &Edit::SetImages(vec![
                parse_image("app=registry.example.com/app:1.5.0").unwrap(),
            ]),
        );
        assert_eq!(out, COMMENTED.replace("\"1.4.0\"", "\"1.5.0\""));
    }

    #[test]
    fn set_image_adds_a_new_image_in_sorted_place_and_file_style() {
        let out = run(
            COMMENTED,
            &Edit::SetImages(vec![parse_image("cache:7").unwrap()]),
        );
        let want = COMMENTED.replace(
            "    newTag: \"1.4.0\"\n",
            "    newTag: \"1.4.0\"\n  - name: cache\n    newTag: \"7\"\n",
        );
        assert_eq!(out, want);
    }

    #[test]
    fn a_new_first_item_goes_above_the_comment_of_the_old_first() {
        let out = run(
            COMMENTED,
            &Edit::SetImages(vec![parse_image("aaa:1").unwrap()]),
        );
        let want = COMMENTED.replace("images:\n", "images:\n  - name: aaa\n    newTag: \"1\"\n");
        assert_eq!(out, want);
    }

    #[test]
    fn set_image_star_keeps_and_omission_drops() {
        // setimage.go: `*` keeps the current value, a field not given is removed.
        let out = run(
            COMMENTED,
            &Edit::SetImages(vec![parse_image("app=*:2.0").unwrap()]),
        );
        assert_eq!(out, COMMENTED.replace("\"1.4.0\"", "\"2.0\""));
        let out = run(
            COMMENTED,
            &Edit::SetImages(vec![parse_image("envoy:1.30").unwrap()]),
        );
        assert_eq!(
            out,
            COMMENTED.replace("    digest: sha256:0123\n", "    newTag: \"1.30\"\n")
        );
    }

    #[test]
    fn set_scalars_keep_quoting_and_neighbours() {
        let out = run(COMMENTED, &Edit::SetNamePrefix("canary-".into()));
        assert_eq!(out, COMMENTED.replace("'prod-'", "'canary-'"));
        let out = run(COMMENTED, &Edit::SetNameSuffix("-v2".into()));
        assert_eq!(
            out,
            COMMENTED.replace(
                "namePrefix: 'prod-' # keep the quotes\n",
                "namePrefix: 'prod-' # keep the quotes\nnameSuffix: -v2\n"
            )
        );
        let out = run(COMMENTED, &Edit::SetNamespace("shop".into()));
        assert_eq!(
            out,
            COMMENTED.replace(
                "namePrefix: 'prod-' # keep the quotes\n",
                "namePrefix: 'prod-' # keep the quotes\nnamespace: shop\n"
            )
        );
    }

    #[test]
    fn set_replicas_updates_in_place_or_inserts_sorted() {
        let out = run(COMMENTED, &Edit::SetReplicas(vec![("web".into(), 5)]));
        assert_eq!(out, COMMENTED.replace("    count: 2\n", "    count: 5\n"));
        let out = run(COMMENTED, &Edit::SetReplicas(vec![("api".into(), 1)]));
        assert_eq!(
            out,
            COMMENTED.replace("replicas:\n", "replicas:\n  - name: api\n    count: 1\n")
        );
    }

    #[test]
    fn add_resource_and_component_append_in_file_style() {
        let out = run(
            COMMENTED,
            &Edit::AddToList(
                ListField::Resources,
                vec!["ingress.yaml".into(), "monitoring.yaml".into()],
            ),
        );
        assert_eq!(
            out,
            COMMENTED.replace(
                "  - monitoring.yaml\n",
                "  - monitoring.yaml\n  - ingress.yaml\n"
            )
        );
        let out = run(
            COMMENTED,
            &Edit::AddToList(ListField::Components, vec!["../../components/tls".into()]),
        );
        assert_eq!(
            out,
            COMMENTED.replace(
                "    count: 2\n",
                "    count: 2\ncomponents:\n  - ../../components/tls\n"
            )
        );
    }

    #[test]
    fn add_label_and_annotation_create_maps_in_kustomize_order() {
        let out = run(
            COMMENTED,
            &Edit::AddMetadata {
                kind: MetadataKind::Label,
                pairs: vec![("env".into(), "prod".into())],
                force: false,
                without_selector: false,
                include_templates: false,
            },
        );
        assert_eq!(
            out,
            COMMENTED.replace(
                "namePrefix: 'prod-' # keep the quotes\n",
                "namePrefix: 'prod-' # keep the quotes\ncommonLabels:\n  env: prod\n"
            )
        );
    }

    #[test]
    fn removing_keeps_everything_else() {
        let out = run(
            COMMENTED,
            &Edit::RemoveFromList(ListField::Resources, vec!["*.yaml".into()]),
        );
        assert_eq!(out, COMMENTED.replace("  - monitoring.yaml\n", ""));
    }

    #[test]
    fn errors_change_nothing_and_say_why() {
        assert!(parse_image("app").is_err());
        let e = apply(
            "kustomization.yaml",
            COMMENTED,
            &Edit::SetNamespace("Prod".into()),
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("is not a valid namespace name"),
            "{e}"
        );
        let e = apply(
            "kustomization.yaml",
            "- a\n- b\n",
            &Edit::SetNamePrefix("x".into()),
        )
        .unwrap_err();
        assert_eq!(e.location().map(|l| l.line_col.line), Some(1), "{e}");
        assert!(e.to_string().starts_with("kustomization.yaml:1:1:"), "{e}");
    }

    // The cases below restate expectations of kustomize's own edit tests; each names its
    // Go test. kustomize re-serialises the whole file, so they compare parsed trees.

    #[test]
    fn kustomize_set_image_cases() {
        // kustomize/commands/edit/set/setimage_test.go TestSetImage
        // "image with tag and digest" and "override existing image".
        let d = "sha256:24a0c4b4a4c0eb97a1aabb8e29f18e917d05abfe1b7a7c07857230879ce7d3d3";
        let out = run(
            "",
            &Edit::SetImages(vec![
                parse_image(&format!("image1=my-image1:my-tag@{d}")).unwrap(),
            ]),
        );
        same_fields(
            &out,
            &format!(
                "images:\n- digest: {d}\n  name: image1\n  newName: my-image1\n  newTag: my-tag\n"
            ),
        );
        let out = run(
            "images:\n- name: image1\n  newName: foo.bar.foo:8800/foo/image1\n  newTag: latest\n",
            &Edit::SetImages(vec![
                parse_image("image1=foo.bar.foo:8800/foo/image1:v1").unwrap(),
            ]),
        );
        same_fields(
            &out,
            "images:\n- name: image1\n  newName: foo.bar.foo:8800/foo/image1\n  newTag: v1\n",
        );
    }

    #[test]
    fn kustomize_set_replicas_and_scalars() {
        // set/setreplicas_test.go TestSetReplicas "set one replica".
        let out = run("", &Edit::SetReplicas(vec![("app".into(), 2)]));
        same_fields(&out, "replicas:\n- count: 2\n  name: app\n");
        // set/set_name_prefix_test.go TestSetNamePrefix; set_name_suffix_test.go.
        same_fields(
            &run("", &Edit::SetNamePrefix("my-prefix".into())),
            "namePrefix: my-prefix\n",
        );
        same_fields(
            &run("", &Edit::SetNameSuffix("my-suffix".into())),
            "nameSuffix: my-suffix\n",
        );
        // set/setnamespace_test.go TestSetNamespaceOverride.
        same_fields(
            &run(
                "namespace: aaa\n",
                &Edit::SetNamespace("newnamespace".into()),
            ),
            "namespace: newnamespace\n",
        );
    }

    #[test]
    fn kustomize_add_metadata_cases() {
        // add/addmetadata_test.go TestAddLabelNoForce / TestAddLabelForce.
        let base = "commonLabels:\n  key: foo\n";
        let add = |force| Edit::AddMetadata {
            kind: MetadataKind::Label,
            pairs: vec![("key".into(), "bar".into())],
            force,
            without_selector: false,
            include_templates: false,
        };
        let e = apply("k", base, &add(false)).unwrap_err();
        assert!(
            e.to_string()
                .contains("label key already in kustomization file"),
            "{e}"
        );
        same_fields(&run(base, &add(true)), "commonLabels:\n  key: bar\n");
        // TestAddLabelWithoutSelector / includeTemplates.
        let out = run(
            "",
            &Edit::AddMetadata {
                kind: MetadataKind::Label,
                pairs: vec![("new".into(), "label".into())],
                force: false,
                without_selector: true,
                include_templates: true,
            },
        );
        same_fields(
            &out,
            "labels:\n- includeTemplates: true\n  pairs:\n    new: label\n",
        );
        // remove/removemetadata_test.go: removing the last key drops the field (removing it
        // again is kustomize's "not defined" error, so this edit is not repeatable).
        let out = once(
            "commonAnnotations:\n  a: b\n",
            &Edit::RemoveMetadata {
                kind: MetadataKind::Annotation,
                keys: vec!["a".into()],
                ignore_missing: false,
            },
        );
        lacks_fields(&out, &["commonAnnotations"]);
    }

    #[test]
    fn kustomize_generator_cases() {
        // add/addconfigmap_test.go TestAddConfigMapWithLiterals-style expectations.
        let mut g = GeneratorEdit::new(GeneratorKind::ConfigMap, "test-cm", false);
        g.literals = vec!["key1=value1".into()];
        g.behavior = "merge".into();
        g.disable_name_suffix_hash = true;
        let out = run("", &Edit::Generator(g));
        same_fields(
            &out,
            "configMapGenerator:\n- behavior: merge\n  literals:\n  - key1=value1\n  name: test-cm\n  options:\n    disableNameSuffixHash: true\n",
        );
        // set/setconfigmap_test.go: changes the value of an existing key.
        let mut s = GeneratorEdit::new(GeneratorKind::ConfigMap, "test-cm", true);
        s.literals = vec!["key1=value2".into()];
        let out = run(&out, &Edit::Generator(s));
        assert!(out.contains("- key1=value2\n"), "{out}");
        let mut missing = GeneratorEdit::new(GeneratorKind::ConfigMap, "test-cm", true);
        missing.literals = vec!["nope=1".into()];
        let e = apply("k", &out, &Edit::Generator(missing)).unwrap_err();
        assert!(
            e.to_string().contains("key 'nope' not found in resource"),
            "{e}"
        );
        // remove/removesecret_test.go-style: removing the only entry drops the field.
        let mut sec = GeneratorEdit::new(GeneratorKind::Secret, "sec", false);
        sec.literals = vec!["k=v".into()];
        sec.secret_type = "Opaque".into();
        let out = run("", &Edit::Generator(sec));
        same_fields(
            &out,
            "secretGenerator:\n- literals:\n  - k=v\n  name: sec\n  type: Opaque\n",
        );
        let out = apply(
            "k",
            &out,
            &Edit::RemoveGenerators {
                kind: GeneratorKind::Secret,
                names: vec!["sec".into()],
                namespace: String::new(),
            },
        )
        .unwrap()
        .text;
        lacks_fields(&out, &["secretGenerator"]);
    }

    #[test]
    fn kustomize_patch_and_buildmetadata_cases() {
        // add/addpatch_test.go TestAddPatchWithFilePath.
        let p = PatchEdit {
            path: "patch.yaml".into(),
            kind: "Deployment".into(),
            name: "myDeploy".into(),
            ..PatchEdit::default()
        };
        let out = run("", &Edit::AddPatch(p.clone()));
        same_fields(
            &out,
            "patches:\n- path: patch.yaml\n  target:\n    kind: Deployment\n    name: myDeploy\n",
        );
        // remove/removepatch_test.go: removing it drops the field.
        lacks_fields(&run(&out, &Edit::RemovePatch(p)), &["patches"]);
        // add/addbuildmetadata_test.go: an option already there is an error.
        let out = once("", &Edit::AddBuildMetadata(vec!["managedByLabel".into()]));
        same_fields(&out, "buildMetadata:\n- managedByLabel\n");
        let e = apply(
            "k",
            &out,
            &Edit::AddBuildMetadata(vec!["managedByLabel".into()]),
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("already in kustomization file"),
            "{e}"
        );
        let e = apply("k", &out, &Edit::SetBuildMetadata(vec!["bogus".into()])).unwrap_err();
        assert!(
            e.to_string()
                .contains("invalid buildMetadata option: bogus"),
            "{e}"
        );
    }

    #[test]
    fn kustomize_fix_cases() {
        // fix/fix_test.go TestFixOutdatedPatchesFieldTitle-style: deprecated fields move.
        let out = run(
            "bases:\n- ../base\ncommonLabels:\n  app: x\npatchesStrategicMerge:\n- patch.yaml\n",
            &Edit::Fix { vars: false },
        );
        same_file(
            &out,
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- ../base\nlabels:\n- includeSelectors: true\n  pairs:\n    app: x\npatches:\n- path: patch.yaml\n",
        );
    }
}
