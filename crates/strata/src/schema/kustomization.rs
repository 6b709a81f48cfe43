//! kyaml's schema for `Kustomization` objects, which joins the schema of every build.
//!
//! kyaml's `initSchema` (kyaml/openapi/openapi.go) parses `kustomizationapi/swagger.json`
//! after the built-in or custom schema, every time it (re)initialises, so its five
//! definitions and their `kustomize.config.k8s.io/v1beta1` roots win over any others: a
//! strategic-merge patch on a `Kustomization` resource merges `configMapGenerator` and
//! `secretGenerator` by `name`, with or without `openapi:` (oracle: kustomize v5.5).

use std::sync::OnceLock;

use super::custom::CustomSchema;
use crate::source::SourceFile;

/// The `apiVersion` of every type this schema declares.
pub(super) const API_VERSION: &str = "kustomize.config.k8s.io/v1beta1";

/// kyaml's `kyaml/openapi/kustomizationapi/swagger.json` (v5.6.0, same at master),
/// verbatim; a test compares it with `shared/reference/schemas/kustomization-swagger.json`.
pub(crate) const KUSTOMIZATION_SCHEMA: &str = r##"{
  "definitions": {
    "io.k8s.api.apps.v1.ConfigMapArgs": {
      "properties": {
        "GeneratorArgs": {
          "$ref": "#/definitions/io.k8s.api.apps.v1.GeneratorArgs"
        }
      },
      "additionalProperties": false,
      "type": "object",
      "x-kubernetes-group-version-kind": [
        {
          "group": "kustomize.config.k8s.io",
          "kind": "ConfigMapArgs",
          "version": "v1beta1"
        }
      ]
    },
    "io.k8s.api.apps.v1.SecretArgs": {
      "properties": {
        "GeneratorArgs": {
          "$ref": "#/definitions/io.k8s.api.apps.v1.GeneratorArgs"
        },
        "type": {
          "type": "string"
        }
      },
      "additionalProperties": false,
      "type": "object",
      "x-kubernetes-group-version-kind": [
        {
          "group": "kustomize.config.k8s.io",
          "kind": "SecretArgs",
          "version": "v1beta1"
        }
      ]
    },
    "io.k8s.api.apps.v1.GeneratorArgs": {
      "properties": {
        "namespace": {
          "type": "string"
        },
        "name": {
          "type": "string"
        },
        "behavior": {
          "type": "string"
        },
        "KvPairSources": {
          "$ref": "#/definitions/io.k8s.api.apps.v1.KvPairSources"
        }
      },
      "additionalProperties": false,
      "type": "object",
      "x-kubernetes-group-version-kind": [
        {
          "group": "kustomize.config.k8s.io",
          "kind": "GeneratorArgs",
          "version": "v1beta1"
        }
      ]
    },
    "io.k8s.api.apps.v1.Kustomization": {
      "required": [
        "TypeMeta"
      ],
      "properties": {
        "configMapGenerator": {
          "items": {
            "$ref": "#/definitions/io.k8s.api.apps.v1.ConfigMapArgs"
          },
          "type": "array",
          "x-kubernetes-patch-merge-key": "name",
          "x-kubernetes-patch-strategy": "merge"
        },
        "secretGenerator": {
          "items": {
            "$ref": "#/definitions/io.k8s.api.apps.v1.SecretArgs"
          },
          "type": "array",
          "x-kubernetes-patch-merge-key": "name",
          "x-kubernetes-patch-strategy": "merge"
        }
      },
      "additionalProperties": false,
      "type": "object",
      "x-kubernetes-group-version-kind": [
        {
          "group": "kustomize.config.k8s.io",
          "kind": "Kustomization",
          "version": "v1beta1"
        }
      ]
    },
    "io.k8s.api.apps.v1.KvPairSources": {
      "properties": {
        "literals": {
          "items": {
            "type": "string"
          },
          "type": "array"
        },
        "files": {
          "items": {
            "type": "string"
          },
          "type": "array"
        },
        "envs": {
          "items": {
            "type": "string"
          },
          "type": "array"
        },
        "env": {
          "type": "string"
        }
      },
      "additionalProperties": false,
      "type": "object",
      "x-kubernetes-group-version-kind": [
        {
          "group": "kustomize.config.k8s.io",
          "kind": "KvPairSources",
          "version": "v1beta1"
        }
      ]
    }
  }
}"##;

/// Returns [`KUSTOMIZATION_SCHEMA`], parsed once.
pub(super) fn schema() -> Option<&'static CustomSchema> {
    static PARSED: OnceLock<Option<CustomSchema>> = OnceLock::new();
    PARSED
        .get_or_init(|| {
            CustomSchema::parse(&SourceFile::new(
                "kustomizationapi/swagger.json",
                KUSTOMIZATION_SCHEMA,
            ))
            .ok()
        })
        .as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_with_its_roots() {
        let s = schema().expect("parses");
        for kind in [
            "Kustomization",
            "ConfigMapArgs",
            "SecretArgs",
            "GeneratorArgs",
            "KvPairSources",
        ] {
            assert!(s.has_root(API_VERSION, kind), "{kind}");
        }
        assert!(s.has_definition("io.k8s.api.apps.v1.Kustomization"));
    }

    /// The embedded schema is kyaml's, as the shared reference keeps it: `$STRATA_SHARED`, else
    /// `shared` beside the checkout. Absent data fails the test only when
    /// `STRATA_REQUIRE_SHARED=1`, as in the integration tests.
    #[test]
    #[expect(
        clippy::disallowed_methods,
        reason = "the test compares with the reference copy on disk"
    )]
    fn is_kyamls() {
        let shared = std::env::var_os("STRATA_SHARED")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| {
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
            });
        let path = shared.join("reference/schemas/kustomization-swagger.json");
        match std::fs::read_to_string(&path) {
            Ok(want) => assert_eq!(KUSTOMIZATION_SCHEMA, want),
            Err(e) if std::env::var("STRATA_REQUIRE_SHARED").as_deref() == Ok("1") => {
                panic!("{}: {e}", path.display())
            }
            Err(_) => {}
        }
    }
}
