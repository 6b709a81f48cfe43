//! kyaml's global OpenAPI state, kept per build: which schema a kustomization's `openapi:`
//! field selects, and when each schema gets parsed.
//!
//! kyaml/openapi/openapi.go keeps the schema in process globals, and kustomize sets them while
//! it builds (reproduced here per build, since the library keeps no globals):
//!
//! - `SetSchema(openapi, bytes, reset)`: api/krusty/kustomizer.go `Run` calls it for the top
//!   kustomization with `reset = true`; api/internal/target/kusttarget.go `accumulateDirectory`
//!   calls it with `reset = false` for every base and component it enters, before building
//!   them, and then it does nothing if a schema is already set (by the top kustomization or an
//!   earlier one). So the top kustomization's `openapi:` wins, else the first one kustomize
//!   visits. Setting a schema only records it and marks the global schema for re-parsing
//!   (`schemaInit = false`).
//! - `initSchema`, on the first use after that (a strategic merge's
//!   `SchemaForResourceType`), *adds* the selected schema to what is already parsed: the
//!   custom schema, or the built-in one; then the built-in one if a parse of it was delayed
//!   (below); then kyaml's Kustomization schema.
//! - `IsNamespaceScoped`, asked for every resource id (`resid.NewGvk`), answers from a
//!   precomputed table; for any other type, before any parse, it only flags the built-in
//!   schema to be parsed later (`schemaParseDelayed`), and with a custom schema set it runs
//!   `initSchema`.
//!
//! Hence the quirk of reference `smp-examples/05` (oracle: kustomize v5.5 and v5.6): when a
//! base brings a custom schema, built-in kinds keep their merge keys only if the built-in
//! schema was parsed already — a strategic merge ran earlier in the build (it stays below the
//! custom one, which wins on shared names) — or its parse was delayed — a resource of a type
//! the precomputed table lacks (a custom resource) was loaded earlier (then it is parsed
//! after the custom one and wins). Base order decides.

use std::fmt;
use std::sync::Arc;

use super::custom::CustomSchema;
use super::is_namespaced;
use super::set::Schemas;
use crate::error::Result;
use crate::source::SourceFile;

/// The built-in schema version kustomize has (`kubernetesapi.DefaultOpenAPI`).
pub(crate) const BUILTIN_VERSION: &str = "v1.21.2";

/// One kustomization's `openapi:` field.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct OpenApiField<'a> {
    /// `version`, if the field is there (an empty value still counts as given).
    pub version: Option<&'a str>,
    /// The text of the file `path` names, if given (kustomize loads it whether or not the
    /// schema is then taken).
    pub schema: Option<&'a Arc<SourceFile>>,
}

/// Why `SetSchema` failed.
#[derive(Debug)]
pub(crate) enum SetSchemaError {
    /// `path` and `version` both given.
    BothPathAndVersion,
    /// A `version` other than [`BUILTIN_VERSION`].
    NotBuiltIn(String),
    /// The custom schema does not parse (located in the schema file).
    Invalid(crate::Error),
}

impl fmt::Display for SetSchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetSchemaError::BothPathAndVersion => {
                f.write_str("builtin version and custom schema provided, cannot use both")
            }
            SetSchemaError::NotBuiltIn(v) => write!(
                f,
                "the specified OpenAPI version is not built in: '{v}' (built in: {BUILTIN_VERSION})"
            ),
            SetSchemaError::Invalid(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for SetSchemaError {}

/// What `SetSchema` recorded (kyaml's `kubernetesOpenAPIVersion` and `customSchema`).
#[derive(Clone, Debug, Default)]
enum Setting {
    /// Nothing set: the built-in schema is used.
    #[default]
    Unset,
    /// `openapi: {version: v1.21.2}`.
    Version,
    /// `openapi: {path}`.
    Custom(Arc<CustomSchema>),
}

/// Whether the built-in schema was parsed (`defaultBuiltInSchemaParseStatus`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum BuiltinParse {
    #[default]
    NotParsed,
    Delayed,
    Parsed,
}

/// kyaml's OpenAPI globals for one build.
#[derive(Clone, Debug, Default)]
pub(crate) struct SchemaState {
    setting: Setting,
    /// `schemaInit`: what is selected has been parsed.
    init: bool,
    builtin: BuiltinParse,
    /// What has been parsed so far (meaningful once `init` was set).
    parsed: Option<Schemas>,
}

impl SchemaState {
    /// Returns the state at the start of a build: nothing set, nothing parsed.
    pub(crate) fn new() -> SchemaState {
        SchemaState::default()
    }

    /// `SetSchema`: records a kustomization's `openapi:` field. With `reset` (the top
    /// kustomization) it always applies; otherwise only if no schema is set yet, and then a
    /// bad field is not even checked.
    ///
    /// # Errors
    ///
    /// kustomize's: `path` and `version` together, a version that is not built in, and (here
    /// at once, in kyaml when the schema is first used) a custom schema that does not parse.
    pub(crate) fn set_schema(
        &mut self,
        field: OpenApiField<'_>,
        reset: bool,
    ) -> Result<(), SetSchemaError> {
        let is_set = !matches!(self.setting, Setting::Unset);
        if is_set && !reset {
            return Ok(());
        }
        if let Some(file) = field.schema {
            if field.version.is_some() {
                return Err(SetSchemaError::BothPathAndVersion);
            }
            let custom = CustomSchema::parse(file).map_err(SetSchemaError::Invalid)?;
            self.setting = Setting::Custom(Arc::new(custom));
            self.init = false;
            return Ok(());
        }
        match field.version {
            None | Some("") => Ok(()),
            Some(BUILTIN_VERSION) => {
                self.setting = Setting::Version;
                self.init = false;
                Ok(())
            }
            Some(v) => Err(SetSchemaError::NotBuiltIn(v.to_owned())),
        }
    }

    /// Records that kustomize made a resource id of type `api_version` + `kind`
    /// (`IsNamespaceScoped` via `resid.NewGvk`); only types outside the precomputed scope
    /// table have an effect.
    pub(crate) fn note_type(&mut self, api_version: &str, kind: &str) {
        if self.init || is_namespaced(api_version, kind).is_some() {
            return;
        }
        match self.setting {
            Setting::Custom(_) => self.init_schema(),
            Setting::Unset | Setting::Version => {
                if self.builtin == BuiltinParse::NotParsed {
                    self.builtin = BuiltinParse::Delayed;
                }
            }
        }
    }

    /// Returns the custom schema `openapi: {path}` set, if one did; its `paths` decide the
    /// scope of types the built-in table lacks (`IsNamespaceScoped` parses it first).
    pub(crate) fn custom_schema(&self) -> Option<&Arc<CustomSchema>> {
        match &self.setting {
            Setting::Custom(c) => Some(c),
            Setting::Unset | Setting::Version => None,
        }
    }

    /// Returns true while no kustomization of the build has set a schema (`openapi:`).
    pub(crate) fn is_unset(&self) -> bool {
        matches!(self.setting, Setting::Unset)
    }

    /// Returns true while [`SchemaState::note_type`] can still change what a later custom
    /// schema sees: nothing set, nothing parsed, no parse delayed. Callers skip scanning
    /// resource types otherwise.
    pub(crate) fn wants_types(&self) -> bool {
        !self.init
            && matches!(self.setting, Setting::Unset)
            && self.builtin == BuiltinParse::NotParsed
    }

    /// `initSchema` followed by a lookup: parses what is selected (if not done since it was
    /// set) and returns the schemas a strategic merge uses now.
    pub(crate) fn schemas(&mut self) -> &Schemas {
        self.init_schema();
        self.parsed.get_or_insert_with(Schemas::builtin)
    }

    fn init_schema(&mut self) {
        if self.init {
            return;
        }
        self.init = true;
        let builtin_parsed = self.builtin == BuiltinParse::Parsed;
        let mut next = match &self.setting {
            Setting::Custom(c) if builtin_parsed => Schemas::custom_over_builtin(Arc::clone(c)),
            Setting::Custom(c) => Schemas::custom(Arc::clone(c)),
            Setting::Unset | Setting::Version => {
                self.builtin = BuiltinParse::Parsed;
                // Parsing the built-in schema again changes nothing: within one build a
                // custom schema is never followed by a built-in version.
                self.parsed.clone().unwrap_or_default()
            }
        };
        if self.builtin == BuiltinParse::Delayed {
            self.builtin = BuiltinParse::Parsed;
            if let Some(c) = next.custom_schema() {
                next = Schemas::builtin_over_custom(Arc::clone(c));
            }
        }
        self.parsed = Some(next);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A custom resource loaded before a base sets a custom schema delays the built-in
    /// schema's parse until after the custom one: built-in kinds keep their merge keys.
    #[test]
    fn custom_schema_after_custom_type_keeps_builtin() {
        let schema = SourceFile::new("schema.json", r#"{"definitions": {}}"#);
        let mut state = SchemaState::new();
        state.note_type("example.com/v1", "Widget");
        state
            .set_schema(
                OpenApiField {
                    version: None,
                    schema: Some(&schema),
                },
                false,
            )
            .expect("sets");
        assert!(state.schemas().has_builtin());
        assert!(!state.schemas().root("apps/v1", "Deployment").is_nil());
    }

    /// A schema declaring `example.com/v1 Widget` and `apps/v1 Deployment`, whose `spec.x`
    /// merges by `id`.
    fn schema_file() -> Arc<SourceFile> {
        SourceFile::new(
            "schema.json",
            r#"{"definitions": {
  "W": {"x-kubernetes-group-version-kind": [{"group": "example.com", "version": "v1", "kind": "Widget"}]},
  "D": {"properties": {"spec": {"properties": {"x": {"type": "array", "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "id"}}}},
        "x-kubernetes-group-version-kind": [{"group": "apps", "version": "v1", "kind": "Deployment"}]}
}}"#,
        )
    }

    fn custom(file: &Arc<SourceFile>) -> OpenApiField<'_> {
        OpenApiField {
            version: None,
            schema: Some(file),
        }
    }

    const BUILTIN: (bool, bool, bool) = (true, false, true);
    const CUSTOM: (bool, bool, bool) = (false, true, false);
    const CUSTOM_OVER_BUILTIN: (bool, bool, bool) = (false, true, true);
    const BUILTIN_OVER_CUSTOM: (bool, bool, bool) = (true, false, true);

    /// What the merge sees after the events: (a Deployment's containers merge by key, its
    /// `spec.x` merges by key, the built-in schema is loaded).
    fn seen(state: &mut SchemaState) -> (bool, bool, bool) {
        let s = state.schemas();
        let walk = |path: &[&str]| {
            path.iter()
                .fold(s.root("apps/v1", "Deployment"), |sch, f| s.field(sch, f))
                .merge_keys()
                .is_some()
        };
        (
            walk(&["spec", "template", "spec", "containers"]),
            walk(&["spec", "x"]),
            s.has_builtin(),
        )
    }

    #[test]
    fn without_openapi_the_builtin_schema_is_used() {
        let mut s = SchemaState::new();
        assert_eq!(seen(&mut s), BUILTIN);
    }

    #[test]
    fn top_custom_schema_replaces_builtin() {
        let file = schema_file();
        let mut s = SchemaState::new();
        s.set_schema(custom(&file), true).expect("sets");
        // Custom resources loaded afterwards parse the custom schema only.
        s.note_type("example.com/v1", "Widget");
        assert_eq!(seen(&mut s), CUSTOM);
    }

    #[test]
    fn base_schema_after_a_merge_goes_over_builtin() {
        let file = schema_file();
        let mut s = SchemaState::new();
        s.schemas();
        s.set_schema(custom(&file), false).expect("sets");
        assert_eq!(seen(&mut s), CUSTOM_OVER_BUILTIN);
    }

    #[test]
    fn base_schema_after_a_custom_resource_goes_under_builtin() {
        let file = schema_file();
        let mut s = SchemaState::new();
        // Precomputed types change nothing.
        s.note_type("apps/v1", "Deployment");
        assert!(s.wants_types());
        s.note_type("example.com/v1", "Other");
        assert!(!s.wants_types());
        s.set_schema(custom(&file), false).expect("sets");
        assert_eq!(seen(&mut s), BUILTIN_OVER_CUSTOM);
    }

    #[test]
    fn base_schema_first_replaces_builtin() {
        let file = schema_file();
        let mut s = SchemaState::new();
        s.note_type("v1", "ConfigMap");
        s.set_schema(custom(&file), false).expect("sets");
        assert_eq!(seen(&mut s), CUSTOM);
    }

    #[test]
    fn the_first_schema_wins_and_later_fields_are_not_checked() {
        let file = schema_file();
        let bad = SourceFile::new("bad.json", "{\"definitions\": 5}");
        let mut s = SchemaState::new();
        s.set_schema(
            OpenApiField {
                version: Some(BUILTIN_VERSION),
                schema: None,
            },
            true,
        )
        .expect("sets");
        s.set_schema(custom(&file), false).expect("ignored");
        s.set_schema(custom(&bad), false).expect("ignored");
        s.set_schema(
            OpenApiField {
                version: Some("v1"),
                schema: Some(&file),
            },
            false,
        )
        .expect("ignored");
        assert_eq!(seen(&mut s), BUILTIN);
    }

    #[test]
    fn errors() {
        let file = schema_file();
        let bad = SourceFile::new("bad.json", "{\"definitions\": 5}");
        let set = |version, schema| {
            SchemaState::new()
                .set_schema(OpenApiField { version, schema }, false)
                .map_err(|e| e.to_string())
        };
        assert_eq!(
            set(Some(""), Some(&file)),
            Err("builtin version and custom schema provided, cannot use both".to_owned())
        );
        assert_eq!(
            set(Some("v1.14.1"), None),
            Err(
                "the specified OpenAPI version is not built in: 'v1.14.1' (built in: v1.21.2)"
                    .to_owned()
            )
        );
        assert!(
            set(None, Some(&bad))
                .expect_err("invalid")
                .contains("invalid schema file")
        );
        // An empty version sets nothing: a later base may still set a schema.
        let mut s = SchemaState::new();
        s.set_schema(
            OpenApiField {
                version: Some(""),
                schema: None,
            },
            true,
        )
        .expect("sets nothing");
        s.set_schema(custom(&file), false).expect("sets");
        assert_eq!(seen(&mut s), CUSTOM);
    }
}
