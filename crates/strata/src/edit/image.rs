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
    use crate::edit::testutil::{BASE, run, same_fields_in};
    use crate::edit::{Edit, apply};

    const D: &str = "sha256:24a0c4b4a4c0eb97a1aabb8e29f18e917d05abfe1b7a7c07857230879ce7d3d3";

    /// kustomize/commands/edit/set/setimage_test.go `TestSetImage`: (case, args, file, the
    /// `images` kustomize expects). An empty file means kustomize's standard test file.
    #[test]
    fn kustomize_set_image_table() {
        let d = D;
        let cases: Vec<(&str, Vec<String>, String, String)> = vec![
            ("name, tag", vec!["image1=my-image1:my-tag".into()], String::new(),
             "images:\n- name: image1\n  newName: my-image1\n  newTag: my-tag".into()),
            ("numeric tag", vec!["image1=my-image1:1234".into()], String::new(),
             "images:\n- name: image1\n  newName: my-image1\n  newTag: \"1234\"".into()),
            ("float-like tag", vec!["image1=my-image1:3.2e2".into()], String::new(),
             "images:\n- name: image1\n  newName: my-image1\n  newTag: \"3.2e2\"".into()),
            ("name, digest", vec![format!("image1=my-image1@{d}")], String::new(),
             format!("images:\n- digest: {d}\n  name: image1\n  newName: my-image1")),
            ("tag only", vec!["image1:my-tag".into()], String::new(),
             "images:\n- name: image1\n  newTag: my-tag".into()),
            ("digest only", vec![format!("image1@{d}")], String::new(),
             format!("images:\n- digest: {d}\n  name: image1")),
            ("tag and digest", vec![format!("my-image1:my-tag@{d}")], String::new(),
             format!("images:\n- digest: {d}\n  name: my-image1\n  newTag: my-tag")),
            ("name, tag, digest", vec![format!("image1=my-image1:my-tag@{d}")], String::new(),
             format!("images:\n- digest: {d}\n  name: image1\n  newName: my-image1\n  newTag: my-tag")),
            ("<image>=<image>", vec!["ngnix=localhost:5000/my-project/ngnix".into()], String::new(),
             "images:\n- name: ngnix\n  newName: localhost:5000/my-project/ngnix".into()),
            ("registry port and tag", vec!["ngnix=localhost:5000/my-project/ngnix:dev-01".into()], String::new(),
             "images:\n- name: ngnix\n  newName: localhost:5000/my-project/ngnix\n  newTag: dev-01".into()),
            ("override file", vec!["image1=foo.bar.foo:8800/foo/image1:foo-bar".into()],
             "images:\n- name: image1\n  newName: my-image1\n  newTag: my-tag\n- name: image2\n  newName: my-image2\n  newTag: my-tag2".into(),
             "images:\n- name: image1\n  newName: foo.bar.foo:8800/foo/image1\n  newTag: foo-bar\n- name: image2\n  newName: my-image2\n  newTag: my-tag2".into()),
            ("override file with patch", vec!["image1=foo.bar.foo:8800/foo/image1:foo-bar".into()],
             "images:\n- name: image1\n  newName: my-image1\n  newTag: my-tag\n- name: image2\n  newName: my-image2\n  newTag: my-tag2\npatchesJson6902:\n- patch: |-\n    - op: remove\n      path: /spec/selector\n  target:\n    kind: Service\n    name: foo\n    version: v1".into(),
             "images:\n- name: image1\n  newName: foo.bar.foo:8800/foo/image1\n  newTag: foo-bar\n- name: image2\n  newName: my-image2\n  newTag: my-tag2\npatchesJson6902:\n- patch: |-\n    - op: remove\n      path: /spec/selector\n  target:\n    kind: Service\n    name: foo\n    version: v1".into()),
            ("override new tag and new name with just a new tag", vec!["image1:v1".into()],
             "images:\n- name: image1\n  newTag: my-tag".into(),
             "images:\n- name: image1\n  newTag: v1".into()),
            ("multiple args with multiple overrides",
             vec!["image1=foo.bar.foo:8800/foo/image1:foo-bar".into(), format!("image2=my-image2@{d}"), "image3:my-tag".into()],
             "images:\n- name: image1\n  newName: my-image1\n  newTag: my-tag1\n- name: image2\n  newName: my-image2\n  newTag: my-tag2\n- name: image3\n  newTag: my-tag".into(),
             format!("images:\n- name: image1\n  newName: foo.bar.foo:8800/foo/image1\n  newTag: foo-bar\n- digest: {d}\n  name: image2\n  newName: my-image2\n- name: image3\n  newTag: my-tag")),
            ("override new tag but keep new name", vec!["image1=*:v1".into()],
             "images:\n- name: image1\n  newName: foo.bar.foo:8800/foo/image1\n  newTag: my-tag".into(),
             "images:\n- name: image1\n  newName: foo.bar.foo:8800/foo/image1\n  newTag: v1".into()),
            ("override new name but keep new tag", vec!["image1=my-image1:*".into()],
             "images:\n- name: image1\n  newName: foo.bar.foo:8800/foo/image1\n  newTag: my-tag".into(),
             "images:\n- name: image1\n  newName: my-image1\n  newTag: my-tag".into()),
            ("keep new name and new tag (rare case)", vec!["image1=*:*".into()],
             "images:\n- name: image1\n  newName: my-image1\n  newTag: my-tag".into(),
             "images:\n- name: image1\n  newName: my-image1\n  newTag: my-tag".into()),
            ("do not set asterisk as new name for existing image", vec!["image1=*:v1".into()],
             "images:\n- name: image1\n  newTag: my-tag".into(),
             "images:\n- name: image1\n  newTag: v1".into()),
            ("do not set asterisk as new name", vec!["image1=*:v1".into()], String::new(),
             "images:\n- name: image1\n  newTag: v1".into()),
            ("do not set asterisk as new tag", vec!["image1=my-image1:*".into()], String::new(),
             "images:\n- name: image1\n  newName: my-image1".into()),
            ("keep new name and update digest", vec![format!("image2=*@{d}")],
             "images:\n- name: image2\n  newName: my-image2\n  digest: sha256:abcdef12345".into(),
             format!("images:\n- digest: {d}\n  name: image2\n  newName: my-image2")),
            ("keep new name, remove tag, and set digest", vec![format!("image2=*@{d}")],
             "images:\n- name: image2\n  newName: my-image2\n  newTag: my-tag".into(),
             format!("images:\n- digest: {d}\n  name: image2\n  newName: my-image2")),
            ("update new name and keep the digest", vec!["image2=my-image2@*".into()],
             format!("images:\n- digest: {d}\n  name: image2\n  newName: foo.bar.foo:8800/foo/image1"),
             format!("images:\n- digest: {d}\n  name: image2\n  newName: my-image2")),
        ];
        for (case, args, file, want) in cases {
            let file = if file.is_empty() {
                BASE.to_owned()
            } else {
                file
            };
            let images = args.iter().map(|a| parse_image(a).unwrap()).collect();
            let got = run(&file, &Edit::SetImages(images));
            same_fields_in(case, &got, &want);
        }
    }

    #[test]
    fn kustomize_set_image_errors_leave_the_text() {
        // setimage_test.go "error: invalid args": `bad` has no tag, digest or `=`.
        let err = parse_image("bad").unwrap_err();
        assert!(
            err.to_string().starts_with("invalid format of image"),
            "{err}"
        );
        // A file that is not a kustomization mapping is an error with its position.
        let err = apply("kustomization.yaml", "- a\n", &Edit::SetImages(vec![])).unwrap_err();
        assert!(
            err.to_string().starts_with("kustomization.yaml:1:1: "),
            "{err}"
        );
    }

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
