//! `namePrefix:` / `nameSuffix:`: adds text before or after names at the field specs' paths.
//!
//! kustomize's plugin/builtin/prefixtransformer and suffixtransformer with
//! api/filters/prefix and suffix: selection is by the resource's original id, and
//! CustomResourceDefinitions, APIServices and Namespaces are never renamed.

use crate::resource::{Gvk, Resource};
use crate::transform::field_spec::{Create, FieldSpec, WalkError, walk};
use crate::yaml::Node;

/// Which end of the name the text goes on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Affix {
    /// `namePrefix`.
    Prefix,
    /// `nameSuffix`.
    Suffix,
}

fn skipped(gvk: &Gvk) -> bool {
    gvk.kind == "CustomResourceDefinition"
        || gvk.kind == "Namespace"
        || (gvk.kind == "APIService" && gvk.group == "apiregistration.k8s.io")
}

/// Adds `text` to `r` at every spec that selects it.
pub(crate) fn apply(
    r: &mut Resource,
    affix: Affix,
    text: &str,
    specs: &[FieldSpec],
) -> Result<(), WalkError> {
    let org = r.org_id().gvk.clone();
    if skipped(&org) {
        return Ok(());
    }
    for spec in specs {
        if !spec.selects(&org) {
            continue;
        }
        if spec.path == "metadata/name" {
            let h = r.history_mut();
            match affix {
                Affix::Prefix if !text.is_empty() => h.prefixes.push(text.to_owned()),
                Affix::Suffix if !text.is_empty() => h.suffixes.push(text.to_owned()),
                _ => {}
            }
            if !text.is_empty() {
                r.store_previous_id();
            }
        }
        // The filter checks the current GVK too (fieldspec.go isMatchGVK).
        if !spec.selects(&r.id().gvk) {
            continue;
        }
        walk(r.node_mut(), spec, Create::Scalar, &mut |n| {
            let old = n.as_str().unwrap_or("");
            let new = match affix {
                Affix::Prefix => format!("{text}{old}"),
                Affix::Suffix => format!("{old}{text}"),
            };
            *n = Node::string(new);
            Ok(())
        })?;
    }
    r.refresh_id();
    Ok(())
}

#[cfg(test)]
mod tests {
    //! Expected outputs are `kubectl kustomize` (v5.5) on a kustomization with `resources:
    //! [r.yaml]` and the field named in each case, like kustomize's
    //! api/filters/prefix/prefix_test.go and suffix_test.go.

    use super::*;
    use crate::transform::testutil::{builtin, print, resources};

    #[test]
    fn table() {
        let config = builtin();
        type Case<'a> = (&'a str, &'a str, Option<&'a str>, Option<&'a str>, &'a str);
        let cases: &[Case] = &[
            // (case, input, namePrefix, nameSuffix, oracle output)
            (
                "prefix",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
                Some("p-"),
                None,
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: p-cm\n",
            ),
            (
                "suffix",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: nginx\n",
                None,
                Some("-s"),
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-s\nspec:\n  template:\n    spec:\n      containers:\n      - image: nginx\n        name: app\n",
            ),
            (
                "never renamed: Namespace, CRD, apiregistration APIService; another APIService is",
                "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns\n---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: crd\n---\napiVersion: apiregistration.k8s.io/v1\nkind: APIService\nmetadata:\n  name: api\n---\napiVersion: v1\nkind: APIService\nmetadata:\n  name: other\n",
                Some("p-"),
                Some("-s"),
                "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns\n---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: crd\n---\napiVersion: apiregistration.k8s.io/v1\nkind: APIService\nmetadata:\n  name: api\n---\napiVersion: v1\nkind: APIService\nmetadata:\n  name: p-other-s\n",
            ),
        ];
        for (case, input, prefix, suffix, want) in cases {
            let mut rs = resources(input);
            for r in &mut rs {
                if let Some(p) = prefix {
                    apply(r, Affix::Prefix, p, &config.name_prefix).unwrap();
                }
                if let Some(s) = suffix {
                    apply(r, Affix::Suffix, s, &config.name_suffix).unwrap();
                }
            }
            assert_eq!(print(&rs), *want, "{case}");
        }
    }

    #[test]
    fn renames_are_remembered() {
        let config = builtin();
        let mut rs = resources("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n");
        apply(&mut rs[0], Affix::Prefix, "p-", &config.name_prefix).unwrap();
        assert_eq!(rs[0].id().name, "p-cm");
        assert_eq!(rs[0].history().prefixes, ["p-"]);
        assert_eq!(rs[0].history().prev_ids[0].name, "cm");
        // An empty affix changes nothing and records nothing.
        let mut rs = resources("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n");
        apply(&mut rs[0], Affix::Suffix, "", &config.name_suffix).unwrap();
        assert_eq!(
            print(&rs),
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n"
        );
        assert!(rs[0].history().suffixes.is_empty() && rs[0].history().prev_ids.is_empty());
    }
}
