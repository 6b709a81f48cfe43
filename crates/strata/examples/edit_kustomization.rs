//! Edits a kustomization as `kustomize edit` does, keeping its comments and layout: adds a
//! resource, sets an image and a name prefix.
//!
//! `cargo run -p strata-kustomize --example edit_kustomization`

use strata::edit::{Edit, ImageEdit, ListField, apply, parse_image};

const KUSTOMIZATION: &str = "\
# The web app, production settings.
resources:
- deployment.yaml # the main workload
";

fn main() -> Result<(), strata::Error> {
    let image: ImageEdit = parse_image("nginx=nginx:1.27")?;
    let edits = [
        Edit::AddToList(ListField::Resources, vec!["service.yaml".to_owned()]),
        Edit::SetImages(vec![image]),
        Edit::SetNamePrefix("prod-".to_owned()),
    ];
    let mut text = KUSTOMIZATION.to_owned();
    for edit in &edits {
        let edited = apply("kustomization.yaml", &text, edit)?;
        for w in &edited.warnings {
            eprintln!("{w}");
        }
        text = edited.text;
    }
    print!("{text}");
    Ok(())
}
