//! `images:`: rewrites image references (`name[:tag][@digest]`) at the image field specs.
//!
//! kustomize's api/filters/imagetag with api/internal/image/image.go. The image name is
//! matched as a regular expression anchored at the start, as kustomize does.

use crate::resource::Resource;
use crate::resource::regex::GoRegex;
use crate::transform::field_spec::{Create, FieldSpec, WalkError, walk};
use crate::transform::replacements::path::wrong_kind;
use crate::yaml::{Node, NodeKind};

/// One `images:` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ImageRule {
    /// The image name to match.
    pub name: String,
    /// Replacement name.
    pub new_name: String,
    /// Replacement tag.
    pub new_tag: String,
    /// Replacement digest.
    pub digest: String,
    /// Text appended to the existing tag.
    pub tag_suffix: String,
}

/// A rule with its matcher compiled.
pub(crate) struct CompiledImage {
    rule: ImageRule,
    matcher: Option<GoRegex>,
}

impl CompiledImage {
    /// Compiles the rule's name pattern with Go's regexp syntax; a name that is not a valid
    /// pattern matches nothing, as in kustomize (api/internal/image/image.go
    /// `IsImageMatched`).
    pub(crate) fn new(rule: ImageRule) -> CompiledImage {
        let pattern = format!(
            "^{}(:[a-zA-Z0-9_.{{}}-]*)?(@[a-zA-Z0-9]+([.+_-][a-zA-Z0-9]+)*:[a-zA-Z0-9_.{{}}-]*)?$",
            rule.name
        );
        CompiledImage {
            matcher: GoRegex::new(&pattern).ok(),
            rule,
        }
    }

    /// Returns the rewritten image, or `None` if `value` does not match.
    pub(crate) fn rewrite(&self, value: &str) -> Option<String> {
        if !self.matcher.as_ref()?.is_match(value) {
            return None;
        }
        let (mut name, mut tag, mut digest) = split(value);
        let r = &self.rule;
        if !r.new_name.is_empty() {
            name = r.new_name.clone();
        }
        if !r.new_tag.is_empty() && !r.digest.is_empty() {
            tag = r.new_tag.clone();
            digest = r.digest.clone();
        } else if !r.new_tag.is_empty() {
            tag = r.new_tag.clone();
            digest.clear();
        } else if !r.digest.is_empty() {
            tag.clear();
            digest = r.digest.clone();
        } else if !r.tag_suffix.is_empty() {
            tag.push_str(&r.tag_suffix);
            digest.clear();
        }
        if !tag.is_empty() {
            name = format!("{name}:{tag}");
        }
        if !digest.is_empty() {
            name = format!("{name}@{digest}");
        }
        Some(name)
    }
}

/// Splits an image into name, tag and digest; a `:` before the first `/` is a registry port,
/// not a tag (image.go `Split`).
pub(crate) fn split(image: &str) -> (String, String, String) {
    let slash = image.find('/').filter(|&i| i > 0).unwrap_or(0);
    let search = image.get(slash..).unwrap_or("");
    let at = search.find('@').map(|i| i + slash);
    let colon = search.find(':').map(|i| i + slash);
    let part = |a: usize, b: usize| image.get(a..b).unwrap_or("").to_owned();
    match (at, colon) {
        (None, None) => (image.to_owned(), String::new(), String::new()),
        (Some(d), c) if c.is_none_or(|c| d < c) => {
            (part(0, d), String::new(), part(d + 1, image.len()))
        }
        (Some(d), Some(c)) => (part(0, c), part(c + 1, d), part(d + 1, image.len())),
        (None, Some(c)) => (part(0, c), part(c + 1, image.len()), String::new()),
        (Some(d), None) => (part(0, d), String::new(), part(d + 1, image.len())),
    }
}

/// Applies `image` to `r` as kustomize's ImageTagTransformer does: first to the `image` of
/// every element of every `containers`/`initContainers` list anywhere in the document
/// (api/filters/imagetag/legacy.go), then at `specs`. Standard fields are visited by both,
/// so a `tagSuffix` lands twice there, as in kustomize.
pub(crate) fn apply_all(
    r: &mut Resource,
    image: &CompiledImage,
    specs: &[FieldSpec],
) -> Result<(), WalkError> {
    if r.id().gvk.kind == "CustomResourceDefinition" {
        return Ok(());
    }
    legacy_walk(r.node_mut(), image)?;
    apply(r, image, specs)
}

/// The legacy walk; an `image` that is neither a string nor null fails with kyaml's
/// `InvalidNodeKindError`, unwrapped (api/filters/imagetag/updater.go `SetImageValue`).
fn legacy_walk(node: &mut Node, image: &CompiledImage) -> Result<(), WalkError> {
    match &mut node.kind {
        NodeKind::Mapping(m) => {
            for e in &mut m.entries {
                legacy_walk(&mut e.value, image)?;
                let is_list_field = matches!(e.key.as_str(), Some("containers" | "initContainers"));
                if let (true, NodeKind::Sequence(items)) = (is_list_field, &mut e.value.kind) {
                    for item in items {
                        let Some(slot) = item.as_mapping_mut().and_then(|c| c.get_mut("image"))
                        else {
                            continue;
                        };
                        set_image(slot, image)?;
                    }
                }
            }
            Ok(())
        }
        NodeKind::Sequence(items) => {
            for item in items {
                legacy_walk(item, image)?;
            }
            Ok(())
        }
        NodeKind::Scalar(_) => Ok(()),
    }
}

/// Rewrites one image field (updater.go `SetImageValue`): null is left alone, anything but
/// a scalar is an error.
fn set_image(slot: &mut Node, image: &CompiledImage) -> Result<(), WalkError> {
    if slot.is_null() {
        return Ok(());
    }
    let NodeKind::Scalar(s) = &slot.kind else {
        return Err(WalkError(wrong_kind("ScalarNode", slot)));
    };
    if let Some(new) = image.rewrite(&s.text) {
        *slot = Node::string(new);
    }
    Ok(())
}

/// Applies `image` to `r` at `specs` (CustomResourceDefinitions are left alone).
pub(crate) fn apply(
    r: &mut Resource,
    image: &CompiledImage,
    specs: &[FieldSpec],
) -> Result<(), WalkError> {
    let gvk = r.id().gvk.clone();
    if gvk.kind == "CustomResourceDefinition" {
        return Ok(());
    }
    for spec in specs {
        if !spec.selects(&gvk) {
            continue;
        }
        walk(r.node_mut(), spec, Create::Nothing, &mut |n| {
            set_image(n, image)
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_handles_ports_tags_and_digests() {
        let cases = [
            ("nginx", ("nginx", "", "")),
            ("nginx:1.2", ("nginx", "1.2", "")),
            ("nginx@sha256:abc", ("nginx", "", "sha256:abc")),
            ("nginx:1.2@sha256:abc", ("nginx", "1.2", "sha256:abc")),
            ("reg:5000/app", ("reg:5000/app", "", "")),
            ("reg:5000/app:v1", ("reg:5000/app", "v1", "")),
        ];
        for (input, (n, t, d)) in cases {
            assert_eq!(split(input), (n.into(), t.into(), d.into()), "{input}");
        }
    }

    #[test]
    fn rewrite_follows_kustomize_precedence() {
        let rule = |new_name: &str, new_tag: &str, digest: &str, tag_suffix: &str| {
            CompiledImage::new(ImageRule {
                name: "nginx".into(),
                new_name: new_name.into(),
                new_tag: new_tag.into(),
                digest: digest.into(),
                tag_suffix: tag_suffix.into(),
            })
        };
        assert_eq!(
            rule("", "2", "", "").rewrite("nginx:1"),
            Some("nginx:2".into())
        );
        assert_eq!(
            rule("", "", "sha256:x", "").rewrite("nginx:1"),
            Some("nginx@sha256:x".into())
        );
        assert_eq!(
            rule("", "2", "sha256:x", "").rewrite("nginx"),
            Some("nginx:2@sha256:x".into())
        );
        assert_eq!(
            rule("", "", "", "-rc").rewrite("nginx:1"),
            Some("nginx:1-rc".into())
        );
        assert_eq!(
            rule("my/nginx", "", "", "").rewrite("nginx:1"),
            Some("my/nginx:1".into())
        );
        assert_eq!(rule("", "2", "", "").rewrite("nginx-extra:1"), None);
        assert_eq!(rule("", "2", "", "").rewrite("other/nginx:1"), None);
    }
}
