//! The public API as an embedder uses it: typed warnings and the serde views.

use serde_json::json;
use strata::{MemoryFs, Renderer, WarningKind};

const CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  port: \"80\"\n  replicas: 3\n";

#[test]
fn warnings_are_typed_and_located() {
    let fs = MemoryFs::new()
        .with_file(
            "app/kustomization.yaml",
            "resources:\n- cm.yaml\ncommonLabels:\n  a: b\npatches:\n- target:\n    kind: Deployment\n  patch: |-\n    - op: add\n      path: /x\n      value: 1\n",
        )
        .with_file("app/cm.yaml", CM);
    let rendered = Renderer::default().render(&fs, "/app").unwrap();
    let kinds: Vec<WarningKind> = rendered.warnings().iter().map(|w| w.kind).collect();
    assert_eq!(
        kinds,
        [WarningKind::Deprecated, WarningKind::TargetMatchesNothing]
    );
    let miss = &rendered.warnings()[1];
    let loc = miss.location.as_ref().expect("a located warning");
    assert!(loc.path.ends_with("app/kustomization.yaml"), "{}", loc.path);
    // The `target:` mapping starts on line 7, column 5.
    assert_eq!((loc.line_col.line, loc.line_col.column), (7, 5));
    assert!(
        miss.message
            .starts_with("patch target matches no resource\n")
    );
    assert_eq!(
        miss.to_string(),
        format!("# Warning: {}:7:5: {}", loc.path, miss.message)
    );
    let value = serde_json::to_value(miss).unwrap();
    assert_eq!(value["kind"], "target_matches_nothing");
    assert_eq!(
        value["location"]["line_col"],
        json!({"line": 7, "column": 5})
    );
}

#[test]
fn resources_and_ids_serialize() {
    let fs = MemoryFs::new()
        .with_file(
            "kustomization.yaml",
            "resources:\n- cm.yaml\nnamespace: prod\n",
        )
        .with_file("cm.yaml", CM);
    let rendered = Renderer::default().render(&fs, "/").unwrap();
    let r = &rendered.resources()[0];
    assert_eq!(
        serde_json::to_value(r.id()).unwrap(),
        json!({"gvk": {"group": "", "version": "v1", "kind": "ConfigMap"}, "name": "web", "namespace": "prod"})
    );
    let doc = json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "web", "namespace": "prod"},
        "data": {"port": "80", "replicas": 3},
    });
    assert_eq!(r.to_json(), doc);
    assert_eq!(serde_json::to_value(r).unwrap(), doc);
}
