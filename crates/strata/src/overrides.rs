//! Build-time overrides: what `kustomize edit set image|replicas|namespace` would write into
//! the top kustomization, applied for one render instead of to the file.
//!
//! The arguments are parsed and applied by [`crate::edit`], so `--set-image X` and `edit set
//! image X` cannot disagree: the build edits the text of the top kustomization in memory and
//! reads the result as it would read the file. As `kustomize edit` does
//! (kustomize/commands/internal/kustfile `FixKustomization`), a deprecated `imageTags` field
//! is first moved into `images`.
//!
//! This stage sits between loading the top kustomization and accumulating it.

use crate::edit::{Edit, ImageEdit, parse_image, parse_replica};
use crate::error::Result;

/// `kustomize edit set` transformations applied in memory to the top kustomization.
///
/// ```
/// use strata::{MemoryFs, Overrides, RenderOptions, Renderer};
///
/// let fs = MemoryFs::new()
///     .with_file("kustomization.yaml", "resources:\n- deploy.yaml\n")
///     .with_file(
///         "deploy.yaml",
///         "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  \
///          template:\n    spec:\n      containers:\n      - name: app\n        image: app:1\n",
///     );
/// let overrides = Overrides::new().image("app=app:2")?.namespace("prod")?;
/// let rendered = Renderer::new(RenderOptions::new().overrides(overrides)).render(&fs, "/")?;
/// let yaml = rendered.to_yaml()?;
/// assert!(yaml.contains("image: app:2"));
/// assert!(yaml.contains("namespace: prod"));
/// # Ok::<(), strata::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Overrides {
    /// `set image` entries, later ones replacing earlier ones of the same name.
    pub images: Vec<ImageEdit>,
    /// `set replicas` entries: name and count.
    pub replicas: Vec<(String, i64)>,
    /// `set namespace`.
    pub namespace: Option<String>,
}

impl Overrides {
    /// Returns no overrides.
    pub fn new() -> Overrides {
        Overrides::default()
    }

    /// Adds a `set image` argument (`name=newName:tag@digest`, `name:tag`, `*=...`; see
    /// [`parse_image`]).
    pub fn image(mut self, arg: &str) -> Result<Overrides> {
        self.images.push(parse_image(arg)?);
        Ok(self)
    }

    /// Adds a `set replicas` argument, `name=count`.
    pub fn replicas(mut self, arg: &str) -> Result<Overrides> {
        self.replicas.push(parse_replica(arg)?);
        Ok(self)
    }

    /// Sets the `set namespace` value (checked when the edit is applied, as the edit checks
    /// it).
    pub fn namespace(mut self, ns: &str) -> Result<Overrides> {
        if ns.is_empty() {
            return Err(crate::Error::new(
                crate::ErrorKind::Argument,
                "must specify exactly one namespace value",
            ));
        }
        self.namespace = Some(ns.to_owned());
        Ok(self)
    }

    /// Returns true if there is nothing to override.
    pub fn is_empty(&self) -> bool {
        self.images.is_empty() && self.replicas.is_empty() && self.namespace.is_none()
    }

    /// Returns the text of the kustomization at `path` with the overrides applied.
    pub(crate) fn apply(&self, path: &str, text: &str) -> Result<String> {
        let mut edits = Vec::new();
        if !self.images.is_empty() {
            if has_top_level_key(text, "imageTags") {
                edits.push(Edit::Fix { vars: false });
            }
            edits.push(Edit::SetImages(self.images.clone()));
        }
        if !self.replicas.is_empty() {
            edits.push(Edit::SetReplicas(self.replicas.clone()));
        }
        if let Some(ns) = &self.namespace {
            edits.push(Edit::SetNamespace(ns.clone()));
        }
        let mut text = text.to_owned();
        for edit in &edits {
            text = crate::edit::apply(path, &text, edit)?.text;
        }
        Ok(text)
    }
}

/// Returns true if a line of `text` starts with `key:` (a top-level key in block style).
fn has_top_level_key(text: &str, key: &str) -> bool {
    text.lines().any(|l| {
        l.strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with(':'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tree whose top kustomization has images, imageTags and replicas already.
    fn tree(kustomization: &str) -> crate::MemoryFs {
        crate::MemoryFs::new()
            .with_file("/app/kustomization.yaml", kustomization)
            .with_file(
                "/app/d.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  \
                 replicas: 1\n  template:\n    spec:\n      containers:\n      - name: a\n        \
                 image: app:1\n      - name: b\n        image: side:1\n      - name: c\n        \
                 image: db:1\n",
            )
    }

    #[test]
    fn overrides_render_like_the_kustomization_the_edit_would_write() {
        let before = "resources:\n- d.yaml\nimages:\n- name: side\n  newName: reg/side\n  \
                      newTag: \"2\"\n- name: db\n  newTag: \"5\"\nreplicas:\n- name: web\n  \
                      count: 2\nnamespace: old\n";
        // What `kustomize edit set image app=reg/app:$SHA side=*:3` then `set replicas web=4`
        // and `set namespace prod` write (setimage.go keeps `db`, keeps side's newName for
        // `*`, sorts by name).
        let after = "resources:\n- d.yaml\nimages:\n- name: app\n  newName: reg/app\n  \
                     newTag: abc123\n- name: db\n  newTag: \"5\"\n- name: side\n  \
                     newName: reg/side\n  newTag: \"3\"\nreplicas:\n- name: web\n  count: 4\n\
                     namespace: prod\n";
        let overrides = Overrides::new()
            .image("app=reg/app:abc123")
            .and_then(|o| o.image("side=*:3"))
            .and_then(|o| o.replicas("web=4"))
            .and_then(|o| o.namespace("prod"))
            .unwrap();
        let with = render_both_ways(before, overrides, after);
        assert!(with.contains("image: reg/app:abc123"), "{with}");
        assert!(with.contains("image: reg/side:3"), "{with}");
    }

    /// Renders `before` with `overrides` and `after` (the same file edited by hand) without
    /// them, checks both give the same stream and returns it.
    fn render_both_ways(before: &str, overrides: Overrides, after: &str) -> String {
        let render = |options: crate::RenderOptions, text: &str| {
            crate::Renderer::new(options)
                .render(&tree(text), "/app")
                .unwrap()
                .to_yaml()
                .unwrap()
        };
        let with = render(crate::RenderOptions::new().overrides(overrides), before);
        let edited = render(crate::RenderOptions::default(), after);
        assert_eq!(with, edited);
        with
    }

    #[test]
    fn image_tags_are_fixed_into_images_before_the_override() {
        // kustomize edit runs FixKustomization first, so `imageTags` join `images` and the
        // override replaces the entry of its name instead of racing it.
        let before = "resources:\n- d.yaml\nimageTags:\n- name: app\n  newTag: \"1\"\n";
        let after = "resources:\n- d.yaml\nimages:\n- name: app\n  newTag: \"2\"\n";
        let overrides = Overrides::new().image("app:2").unwrap();
        let with = render_both_ways(before, overrides, after);
        assert!(with.contains("image: app:2"), "{with}");
    }

    #[test]
    fn malformed_arguments_are_refused_with_kustomize_edit_messages() {
        for bad in ["app", "host:5000/app"] {
            let e = Overrides::new().image(bad).unwrap_err();
            assert!(
                e.to_string().contains("invalid format of image"),
                "{bad}: {e}"
            );
        }
        for bad in ["web", "web=x", "web=1=2", "web=", "web=1.5"] {
            assert!(Overrides::new().replicas(bad).is_err(), "{bad}");
        }
        assert!(Overrides::new().namespace("").is_err());
    }
}
