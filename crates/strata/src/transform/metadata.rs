//! `commonLabels`, `labels:` and `commonAnnotations`: sets key/value pairs in the mappings at
//! the field specs' paths, creating them where the spec says so.
//!
//! kustomize's api/filters/labels and api/filters/annotations.

use crate::resource::Resource;
use crate::transform::field_spec::{Create, FieldSpec, WalkError, walk};
use crate::transform::replacements::path::wrong_kind;
use crate::yaml::{Node, NodeKind};

/// Sets every `(key, value)` of `pairs` in the mappings at `specs` of `r`.
pub(crate) fn apply(
    r: &mut Resource,
    pairs: &[(String, String)],
    specs: &[FieldSpec],
) -> Result<(), WalkError> {
    if pairs.is_empty() {
        return Ok(());
    }
    let gvk = r.id().gvk.clone();
    for spec in specs {
        if !spec.selects(&gvk) {
            continue;
        }
        walk(r.node_mut(), spec, Create::Mapping, &mut |n| {
            let NodeKind::Mapping(m) = &mut n.kind else {
                return Err(WalkError(wrong_kind("MappingNode", n)));
            };
            for (k, v) in pairs {
                m.insert(k, Node::string(v.as_str()));
            }
            Ok(())
        })?;
    }
    r.refresh_id();
    Ok(())
}

#[cfg(test)]
mod tests {
    //! Expected outputs are `kubectl kustomize` (v5.5) on a kustomization with `resources:
    //! [r.yaml]` and the `commonLabels` or `commonAnnotations` of each case, like kustomize's
    //! api/filters/labels/labels_test.go and annotations_test.go.

    use super::*;
    use crate::transform::testutil::{builtin, print, resources};

    #[test]
    fn table() {
        let config = builtin();
        let pair = |k: &str, v: &str| vec![(k.to_owned(), v.to_owned())];
        type Case<'a> = (
            &'a str,
            &'a str,
            Vec<(String, String)>,
            &'a [FieldSpec],
            &'a str,
        );
        let cases: Vec<Case> = vec![
            (
                "annotations are created",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
                pair("team", "blue"),
                &config.common_annotations,
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  annotations:\n    team: blue\n  name: cm\n",
            ),
            (
                "labels reach selectors and templates",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: nginx\n",
                pair("app", "web"),
                &config.common_labels,
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  labels:\n    app: web\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - image: nginx\n        name: app\n",
            ),
            (
                "a label is overwritten, others kept",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  labels:\n    app: old\n    keep: \"yes\"\n",
                pair("app", "new"),
                &config.common_labels,
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels:\n    app: new\n    keep: \"yes\"\n  name: cm\n",
            ),
        ];
        for (case, input, pairs, specs, want) in cases {
            let mut rs = resources(input);
            for r in &mut rs {
                apply(r, &pairs, specs).unwrap();
            }
            assert_eq!(print(&rs), want, "{case}");
        }
    }
}
