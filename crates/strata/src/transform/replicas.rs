//! `replicas:`: sets replica counts of the named workloads at the replica field specs.
//!
//! kustomize's plugin/builtin/replicacounttransformer: a resource matches by its current or
//! any previous name; a rule that matches nothing is an error.

use crate::resource::Resource;
use crate::transform::field_spec::{Create, FieldSpec, WalkError, walk};
use crate::yaml::{Node, Scalar};

/// Sets `count` replicas on every resource named `name` (now or before a rename). Returns
/// whether any resource matched.
pub(crate) fn apply(
    resources: &mut [Resource],
    name: &str,
    count: i64,
    specs: &[FieldSpec],
) -> Result<bool, WalkError> {
    let mut found = false;
    for spec in specs {
        for r in resources.iter_mut() {
            let matches = std::iter::once(r.id())
                .chain(r.history().prev_ids.iter())
                .any(|id| id.name == name && spec.selects(&id.gvk));
            if !matches {
                continue;
            }
            found = true;
            if !spec.selects(&r.id().gvk) {
                continue;
            }
            walk(r.node_mut(), spec, Create::Scalar, &mut |n| {
                *n = Node::scalar(Scalar::plain(count.to_string()));
                Ok(())
            })?;
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    //! Expected outputs are `kubectl kustomize` (v5.5) on a kustomization with `resources:
    //! [r.yaml]` and `replicas: [{name, count}]`, like kustomize's
    //! api/krusty/replicas_test.go.

    use super::*;
    use crate::transform::testutil::{builtin, print, resources};

    #[test]
    fn table() {
        let config = builtin();
        let cases: &[(&str, &str, &str, i64, Option<&str>)] = &[
            // (case, input, name, count, oracle output; None: no resource matched, which the
            // build reports as "resource with name nope does not match a config ...")
            (
                "creates the field",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: nginx\n",
                "web",
                3,
                Some(
                    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n      - image: nginx\n        name: app\n",
                ),
            ),
            (
                "sets zero",
                "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n  replicas: 1\n",
                "web",
                0,
                Some(
                    "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n  replicas: 0\n",
                ),
            ),
            (
                "no match",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: nginx\n",
                "nope",
                3,
                None,
            ),
            (
                "not a workload kind",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
                "cm",
                3,
                None,
            ),
        ];
        for (case, input, name, count, want) in cases {
            let mut rs = resources(input);
            let found = apply(&mut rs, name, *count, &config.replicas).unwrap();
            match want {
                Some(want) => {
                    assert!(found, "{case}");
                    assert_eq!(print(&rs), *want, "{case}");
                }
                None => {
                    assert!(!found, "{case}");
                    assert_eq!(print(&rs), print(&resources(input)), "{case}");
                }
            }
        }
    }
}
