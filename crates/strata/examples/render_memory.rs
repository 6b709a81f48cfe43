//! Renders a kustomization held in memory and prints it as `kustomize build` would, then each
//! resource's id and its JSON view.
//!
//! `cargo run -p strata-kustomize --example render_memory`

use strata::{MemoryFs, Renderer};

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
        image: nginx:1.25
";

fn main() -> Result<(), strata::Error> {
    let fs = MemoryFs::new()
        .with_file("base/kustomization.yaml", "resources:\n- deployment.yaml\n")
        .with_file("base/deployment.yaml", DEPLOYMENT)
        .with_file(
            "prod/kustomization.yaml",
            "resources:\n- ../base\nnamespace: prod\nreplicas:\n- name: web\n  count: 3\n",
        );
    let rendered = Renderer::default().render(&fs, "/prod")?;
    print!("{}", rendered.to_yaml()?);
    for w in rendered.warnings() {
        eprintln!("{w}");
    }
    for r in rendered.resources() {
        let json = r.to_json();
        println!(
            "# {} {}/{}: replicas {}",
            r.id().gvk,
            r.id().namespace,
            r.id().name,
            json["spec"]["replicas"]
        );
    }
    Ok(())
}
