//! Renders two overlays of one base and prints what differs between them, resource by
//! resource, as a unified diff and as JSON.
//!
//! `cargo run -p strata-kustomize --example diff_overlays`

use strata::{DiffOptions, MemoryFs, PairBy, Renderer};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let fs = MemoryFs::new()
        .with_file("base/kustomization.yaml", "resources:\n- cm.yaml\n")
        .with_file(
            "base/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  level: info\n",
        )
        .with_file(
            "staging/kustomization.yaml",
            "resources:\n- ../base\nnamePrefix: staging-\n",
        )
        .with_file(
            "prod/kustomization.yaml",
            "resources:\n- ../base\nnamePrefix: prod-\npatches:\n- patch: |-\n    apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: settings\n    data:\n      level: warn\n",
        );
    let renderer = Renderer::default();
    let staging = renderer.render(&fs, "/staging")?;
    let prod = renderer.render(&fs, "/prod")?;
    // Two overlays of one base: pair resources by their id before prefixes.
    let mut options = DiffOptions::default();
    options.pair_by = PairBy::Origin;
    let diff = strata::diff::diff(&staging, &prod, &options)?;
    for change in diff.changes() {
        println!("{} {}", change.kind.sigil(), change.id.name);
        print!("{}", change.unified());
    }
    println!("{}", diff.summary());
    println!("{}", serde_json::to_string_pretty(&diff)?);
    Ok(())
}
