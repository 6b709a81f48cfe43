//! `edit set image`: parse `name=newName:tag@digest` arguments and update `images`.
//!
//! Grammar and merge rules from kustomize/commands/edit/set/setimage.go: an argument names an
//! image and gives its new name, tag and digest; an existing entry of that name is replaced
//! by exactly those fields, except that `*` keeps the value the entry had. kustomize then
//! sorts `images` by name; here existing entries keep their place and new ones go where a
//! sorted list would have them.

use crate::error::{Error, ErrorKind, Result};
use crate::yaml::node::{Entry, Mapping, Node};

use super::splice::{Doc, Step};

/// `*`: keep the value the kustomization already has.
const PRESERVE: &str = "*";

/// kustomize's `errImageInvalidArgs` (setimage.go).
const INVALID: &str = "invalid format of image, use one of the following options:
- <image>=<newimage>:<newtag>
- <image>=<newimage>@<digest>
- <image>=<newimage>:<newtag>@<digest>
- <image>=<newimage>
- <image>:<newtag>
- <image>:<newtag>@<digest>
- <image>@<digest>";

/// One parsed `set image` argument. Empty fields are absent; `*` means "keep".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageEdit {
    /// The image name the entry matches.
    pub name: String,
    /// The replacement name.
    pub new_name: String,
    /// The replacement tag.
    pub new_tag: String,
    /// The replacement digest.
    pub digest: String,
}

/// Parses one `set image` argument as kustomize does (`parse` in setimage.go).
pub fn parse_image(arg: &str) -> Result<ImageEdit> {
    let (key, value) = match arg.split_once('=') {
        Some((k, v)) => (k, v),
        None => ("", arg),
    };
    let (name, tag, digest) = split_image_name(value);
    if name == arg {
        return Err(Error::new(ErrorKind::Kustomization, INVALID));
    }
    let (name, new_name) = if key.is_empty() {
        (name, "")
    } else {
        (key, name)
    };
    Ok(ImageEdit {
        name: name.to_owned(),
        new_name: new_name.to_owned(),
        new_tag: tag.to_owned(),
        digest: digest.to_owned(),
    })
}

/// Splits `registry:5000/app:tag@digest` into name, tag and digest, ignoring a `:` in the
/// registry part (api/internal/image/image.go `Split`).
fn split_image_name(image: &str) -> (&str, &str, &str) {
    let slash = match image.find('/') {
        Some(i) if i > 0 => i,
        _ => 0,
    };
    let search = image.get(slash..).unwrap_or("");
    let at = search.find('@').map(|i| i + slash);
    let colon = search.find(':').map(|i| i + slash);
    match (colon, at) {
        (None, None) => (image, "", ""),
        (c, Some(d)) if c.is_none_or(|c| d < c) => (&image[..d], "", &image[d + 1..]),
        (Some(c), Some(d)) => (&image[..c], &image[c + 1..d], &image[d + 1..]),
        (Some(c), None) => (&image[..c], &image[c + 1..], ""),
        // Unreachable: `(None, Some(_))` is matched above.
        (None, Some(_)) => (image, "", ""),
    }
}

/// Applies `set image` to the document.
pub(crate) fn set_images(doc: &mut Doc, images: &[ImageEdit]) -> Result<()> {
    // Later arguments for the same name win, as in kustomize's map.
    let mut args: Vec<&ImageEdit> = Vec::new();
    for img in images {
        match args.iter_mut().find(|a| a.name == img.name) {
            Some(slot) => *slot = img,
            None => args.push(img),
        }
    }
    for img in args {
        set_one(doc, img)?;
    }
    Ok(())
}

fn set_one(doc: &mut Doc, img: &ImageEdit) -> Result<()> {
    let images = [Step::Key("images".into())];
    let existing: Vec<usize> = doc
        .get(&images)
        .and_then(Node::as_sequence)
        .map(|items| {
            items
                .iter()
                .enumerate()
                .filter(|(_, i)| i.get_str(&["name"]) == Some(img.name.as_str()))
                .map(|(n, _)| n)
                .collect()
        })
        .unwrap_or_default();
    if existing.is_empty() {
        let resolve = |v: &str| if v == PRESERVE { "" } else { v }.to_owned();
        let mut m = Mapping::new();
        for (k, v) in [
            ("name", img.name.clone()),
            ("newName", resolve(&img.new_name)),
            ("newTag", resolve(&img.new_tag)),
            ("digest", resolve(&img.digest)),
        ] {
            if !v.is_empty() {
                m.entries.push(Entry {
                    key: Node::string(k),
                    value: Node::string(v),
                });
            }
        }
        let node = Node::mapping(m);
        return insert_sorted(doc, &img.name, &node);
    }
    for index in existing {
        let item = [Step::Key("images".into()), Step::Index(index)];
        for (field, value) in [
            ("newName", &img.new_name),
            ("newTag", &img.new_tag),
            ("digest", &img.digest),
        ] {
            if value == PRESERVE {
                continue;
            }
            if value.is_empty() {
                doc.remove_entry(&item, field)?;
            } else {
                doc.set_scalar(&item, field, value, true, false)?;
            }
        }
        // kustomize rebuilds the entry from name, newName, newTag and digest only.
        doc.remove_entry(&item, "tagSuffix")?;
    }
    Ok(())
}

/// Adds `node` to `images` before the first entry whose name sorts after `name`, creating the
/// field when missing.
fn insert_sorted(doc: &mut Doc, name: &str, node: &Node) -> Result<()> {
    let images = [Step::Key("images".into())];
    match doc.get(&images).and_then(Node::as_sequence) {
        Some(items) => {
            let at = items
                .iter()
                .position(|i| i.get_str(&["name"]).is_some_and(|n| n > name))
                .unwrap_or(items.len());
            doc.insert_item(&images, at, node)
        }
        None => {
            if doc.get(&images).is_some_and(|n| !n.is_null()) {
                return Err(doc.error_at(&images, "images must be a list"));
            }
            doc.remove_entry(&[], "images")?;
            doc.insert_entry(&[], "images", &Node::sequence(vec![node.clone()]), true)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn img(name: &str, new_name: &str, tag: &str, digest: &str) -> ImageEdit {
        ImageEdit {
            name: name.into(),
            new_name: new_name.into(),
            new_tag: tag.into(),
            digest: digest.into(),
        }
    }

    #[test]
    fn parses_kustomize_argument_forms() {
        // kustomize/commands/edit/set/setimage_test.go, TestSetImage argument forms.
        let d = "sha256:24a0c4b4a4c0eb97a1aabb8e29f18e917d05abfe1b7a7c07857230879ce7d3d3";
        let cases = [
            (
                "image1=my-image1:my-tag",
                img("image1", "my-image1", "my-tag", ""),
            ),
            (
                &format!("image1=my-image1@{d}") as &str,
                img("image1", "my-image1", "", d),
            ),
            ("image1:my-tag", img("image1", "", "my-tag", "")),
            (&format!("image1@{d}"), img("image1", "", "", d)),
            ("image1=my-image1", img("image1", "my-image1", "", "")),
            (
                &format!("image1=my-image1:my-tag@{d}"),
                img("image1", "my-image1", "my-tag", d),
            ),
            (
                "localhost:5000/app=localhost:5000/app:v2",
                img("localhost:5000/app", "localhost:5000/app", "v2", ""),
            ),
            ("*=my-image1:*", img("*", "my-image1", "*", "")),
            ("image1=*:*@*", img("image1", "*", "*", "*")),
        ];
        for (arg, want) in cases {
            assert_eq!(parse_image(arg).unwrap(), want, "{arg}");
        }
    }

    #[test]
    fn rejects_a_bare_name() {
        // setimage_test.go "error: no colon" (`set image image1`).
        let err = parse_image("image1").unwrap_err();
        assert!(
            err.to_string().starts_with("invalid format of image"),
            "{err}"
        );
    }
}
