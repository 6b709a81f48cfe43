//! Build-time overrides: what `kustomize edit set image|replicas|namespace` would write into
//! the top kustomization, applied to its parsed mapping for one render instead of to the file.
//!
//! Argument grammars and merge rules are kustomize's (kustomize/commands/edit/set/setimage.go,
//! setreplicas.go, setnamespace.go): an override replaces the entry of the same name, other
//! entries stay, and the list ends up sorted by name as the edit writes it; `*` as the new
//! name, tag or digest keeps the existing entry's value. Image references are split as
//! api/internal/image/image.go `Split` does (a `:` before the first `/` is a registry port).
//!
//! This stage sits between loading the top kustomization and accumulating it; it uses only
//! the node model.

use crate::error::{Error, ErrorKind, Result};
use crate::yaml::{Mapping, Node, NodeKind, Scalar};

/// kustomize's message for an image argument it cannot parse.
const IMAGE_FORMAT: &str = "invalid format of image, use one of the following options:
- <image>=<newimage>:<newtag>
- <image>=<newimage>@<digest>
- <image>=<newimage>:<newtag>@<digest>
- <image>=<newimage>
- <image>:<newtag>
- <image>:<newtag>@<digest>
- <image>@<digest>";

/// `kustomize edit set` transformations applied in memory to the top kustomization.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Overrides {
    /// `set image` entries, later ones replacing earlier ones of the same name.
    pub images: Vec<ImageOverride>,
    /// `set replicas` entries: name and count.
    pub replicas: Vec<(String, i64)>,
    /// `set namespace`.
    pub namespace: Option<String>,
}

/// One `images` entry as `kustomize edit set image` builds it from its argument; `*` in a
/// field means "keep the existing entry's value".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImageOverride {
    /// The image name the entry matches.
    pub name: String,
    /// `newName`, empty for none.
    pub new_name: String,
    /// `newTag`, empty for none.
    pub new_tag: String,
    /// `digest`, empty for none.
    pub digest: String,
}

impl ImageOverride {
    /// Parses `name=newName:tag@digest`, `name:tag`, `name@digest`, `name=newName` and the
    /// other forms `kustomize edit set image` accepts.
    pub fn parse(arg: &str) -> Result<ImageOverride> {
        let (key, value) = match arg.split_once('=') {
            Some((k, v)) => (Some(k), v),
            None => (None, arg),
        };
        let (name, tag, digest) = split_image(value);
        if name == arg {
            return Err(Error::new(ErrorKind::Argument, IMAGE_FORMAT));
        }
        let (name, new_name) = match key {
            Some(k) => (k.to_owned(), name.to_owned()),
            None => (name.to_owned(), String::new()),
        };
        Ok(ImageOverride {
            name,
            new_name,
            new_tag: tag.to_owned(),
            digest: digest.to_owned(),
        })
    }
}

/// Splits an image reference into name, tag and digest (api/internal/image/image.go
/// `Split`): only the part from the first `/` on is searched, so a registry port stays in the
/// name.
fn split_image(image: &str) -> (&str, &str, &str) {
    let from = match image.find('/') {
        Some(i) if i > 0 => i,
        _ => 0,
    };
    let search = &image[from..];
    let at = search.find('@').map(|i| i + from);
    let colon = search.find(':').map(|i| i + from);
    match (colon, at) {
        (None, None) => (image, "", ""),
        (c, Some(d)) if c.is_none_or(|c| d < c) => (&image[..d], "", &image[d + 1..]),
        (Some(c), Some(d)) => (&image[..c], &image[c + 1..d], &image[d + 1..]),
        (Some(c), None) => (&image[..c], &image[c + 1..], ""),
        // `(None, Some(_))` is the second arm.
        (None, Some(_)) => (image, "", ""),
    }
}

impl Overrides {
    /// Returns no overrides.
    pub fn new() -> Overrides {
        Overrides::default()
    }

    /// Adds a `set image` argument (see [`ImageOverride::parse`]).
    pub fn image(mut self, arg: &str) -> Result<Overrides> {
        self.images.push(ImageOverride::parse(arg)?);
        Ok(self)
    }

    /// Adds a `set replicas` argument, `name=count`.
    pub fn replicas(mut self, arg: &str) -> Result<Overrides> {
        let bad = || {
            Error::new(
                ErrorKind::Argument,
                "invalid format of replica, use the following format: <name>=<count>",
            )
        };
        let mut parts = arg.split('=');
        let (Some(name), Some(count), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        let count = parse_go_int(count).ok_or_else(bad)?;
        self.replicas.push((name.to_owned(), count));
        Ok(self)
    }

    /// Sets the `set namespace` value.
    pub fn namespace(mut self, ns: &str) -> Result<Overrides> {
        if ns.is_empty() {
            return Err(Error::new(
                ErrorKind::Argument,
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

    /// Applies the overrides to a kustomization's top-level mapping.
    pub(crate) fn apply(&self, root: &mut Mapping) {
        if !self.images.is_empty() {
            self.apply_images(root);
        }
        if !self.replicas.is_empty() {
            let mut by_name: Vec<(String, Node)> = Vec::new();
            for item in take_list(root, "replicas") {
                let name = entry_name(&item);
                upsert(&mut by_name, name, item);
            }
            for (name, count) in &self.replicas {
                let mut m = Mapping::new();
                m.insert("name", Node::string(name.as_str()));
                m.insert("count", Node::scalar(Scalar::plain(count.to_string())));
                upsert(&mut by_name, name.clone(), Node::mapping(m));
            }
            put_list(root, "replicas", by_name);
        }
        if let Some(ns) = &self.namespace {
            set_field(root, "namespace", Node::string(ns.as_str()));
        }
    }

    fn apply_images(&self, root: &mut Mapping) {
        // kustomize's `FixKustomization` moves the deprecated `imageTags` into `images`.
        let mut existing = take_list(root, "images");
        existing.extend(take_list(root, "imageTags"));
        let mut by_name: Vec<(String, Node)> = Vec::new();
        let mut args: Vec<ImageOverride> = Vec::new();
        for o in &self.images {
            args.retain(|a| a.name != o.name);
            args.push(o.clone());
        }
        for item in existing {
            let name = entry_name(&item);
            if let Some(arg) = args.iter_mut().find(|a| a.name == name) {
                // `*` keeps the value of the entry it replaces.
                let old = |f: &str| item.get_str(&[f]).unwrap_or_default().to_owned();
                for (value, field) in [
                    (&mut arg.new_name, "newName"),
                    (&mut arg.new_tag, "newTag"),
                    (&mut arg.digest, "digest"),
                ] {
                    if value == "*" {
                        *value = old(field);
                    }
                }
                continue;
            }
            upsert(&mut by_name, name, item);
        }
        for arg in args {
            let mut m = Mapping::new();
            m.insert("name", Node::string(arg.name.as_str()));
            for (field, value) in [
                ("newName", &arg.new_name),
                ("newTag", &arg.new_tag),
                ("digest", &arg.digest),
            ] {
                if !value.is_empty() && value != "*" {
                    m.insert(field, Node::string(value.as_str()));
                }
            }
            upsert(&mut by_name, arg.name, Node::mapping(m));
        }
        put_list(root, "images", by_name);
    }
}

/// Parses a decimal integer as Go's `strconv.ParseInt(s, 10, 64)`: an optional sign, digits.
fn parse_go_int(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Returns the `name` of a list entry (empty if it has none).
fn entry_name(item: &Node) -> String {
    item.get_str(&["name"]).unwrap_or_default().to_owned()
}

/// Inserts or replaces the entry called `name` (a later entry of a name wins, as in the Go
/// map kustomize collects them in).
fn upsert(list: &mut Vec<(String, Node)>, name: String, node: Node) {
    match list.iter_mut().find(|(n, _)| *n == name) {
        Some(slot) => slot.1 = node,
        None => list.push((name, node)),
    }
}

/// Removes a list field (matched case-insensitively, as kustomize decodes fields) and returns
/// its items.
fn take_list(root: &mut Mapping, name: &str) -> Vec<Node> {
    let mut items = Vec::new();
    root.entries.retain_mut(|e| {
        let hit = e.key.as_str().is_some_and(|k| k.eq_ignore_ascii_case(name));
        if hit {
            if let NodeKind::Sequence(seq) = &mut e.value.kind {
                items.append(seq);
            }
        }
        !hit
    });
    items
}

/// Sets a list field to the entries sorted by name, as the edit writes them.
fn put_list(root: &mut Mapping, name: &str, mut entries: Vec<(String, Node)>) {
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let items = entries.into_iter().map(|(_, n)| n).collect();
    set_field(root, name, Node::sequence(items));
}

/// Sets a top-level field, replacing any spelling of it kustomize would decode.
fn set_field(root: &mut Mapping, name: &str, value: Node) {
    root.entries
        .retain(|e| !e.key.as_str().is_some_and(|k| k.eq_ignore_ascii_case(name)));
    root.insert(name, value);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_arguments_parse_as_kustomize_edit_set_image() {
        // (argument, name, newName, newTag, digest): setimage.go's documented forms.
        let cases = [
            ("app=registry/app:v2", "app", "registry/app", "v2", ""),
            (
                "app=registry/app@sha256:ab",
                "app",
                "registry/app",
                "",
                "sha256:ab",
            ),
            (
                "app=registry/app:v2@sha256:ab",
                "app",
                "registry/app",
                "v2",
                "sha256:ab",
            ),
            ("mysql=mariadb", "mysql", "mariadb", "", ""),
            ("node:8.15.0", "node", "", "8.15.0", ""),
            ("node:8.15.0@sha256:ab", "node", "", "8.15.0", "sha256:ab"),
            ("alpine@sha256:ab", "alpine", "", "", "sha256:ab"),
            // A registry port is not a tag.
            ("app=host:5000/app:v1", "app", "host:5000/app", "v1", ""),
            ("host:5000/app:v1", "host:5000/app", "", "v1", ""),
            ("app=*:v3", "app", "*", "v3", ""),
            ("*=registry/x:1", "*", "registry/x", "1", ""),
        ];
        for (arg, name, new_name, new_tag, digest) in cases {
            let want = ImageOverride {
                name: name.into(),
                new_name: new_name.into(),
                new_tag: new_tag.into(),
                digest: digest.into(),
            };
            assert_eq!(ImageOverride::parse(arg).unwrap(), want, "{arg}");
        }
        for bad in ["app", "host:5000/app"] {
            let e = ImageOverride::parse(bad).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Argument, "{bad}");
            assert!(
                e.to_string().starts_with("invalid format of image"),
                "{bad}"
            );
        }
    }

    #[test]
    fn replica_arguments_need_name_and_integer() {
        let o = Overrides::new().replicas("web=3").unwrap();
        assert_eq!(o.replicas, [("web".to_owned(), 3)]);
        for bad in ["web", "web=x", "web=1=2", "web=", "web=1.5"] {
            assert!(Overrides::new().replicas(bad).is_err(), "{bad}");
        }
    }

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
        let with = crate::Renderer::new(crate::RenderOptions::new().overrides(overrides))
            .render(&tree(before), "/app")
            .unwrap()
            .to_yaml()
            .unwrap();
        let edited = crate::Renderer::default()
            .render(&tree(after), "/app")
            .unwrap()
            .to_yaml()
            .unwrap();
        assert_eq!(with, edited);
        assert!(with.contains("image: reg/app:abc123"), "{with}");
        assert!(with.contains("image: reg/side:3"), "{with}");
    }

    #[test]
    fn image_tags_join_images_as_kustomize_fixes_them() {
        let mut root = Mapping::new();
        let entry = |name: &str| {
            let mut m = Mapping::new();
            m.insert("name", Node::string(name));
            m.insert("newTag", Node::string("1"));
            Node::mapping(m)
        };
        root.insert("imageTags", Node::sequence(vec![entry("b")]));
        root.insert("images", Node::sequence(vec![entry("c")]));
        Overrides::new().image("a:2").unwrap().apply(&mut root);
        assert!(root.get("imageTags").is_none());
        let names: Vec<&str> = root
            .get("images")
            .and_then(Node::as_sequence)
            .unwrap()
            .iter()
            .map(|n| n.get_str(&["name"]).unwrap())
            .collect();
        assert_eq!(names, ["a", "b", "c"]);
    }
}
