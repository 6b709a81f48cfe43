//! Tests of the generator stage through its public API. Expected outputs come from the oracle
//! (`kustomize-ref`, kustomize v5.6.0, run 2026-12-01 on the kustomization shown) unless a
//! comment says otherwise; `hash_examples` drives every case of
//! `shared/reference/hash-examples`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::hash::hashed_json;
use super::*;
use crate::error::{Error, ErrorKind};
use crate::source::SourceFile;
use crate::yaml::parse::{DuplicateKeys, ParseOptions, parse_documents, parse_single};

/// Files held in memory, named as the kustomization names them.
struct MapFiles(BTreeMap<String, Vec<u8>>);

impl MapFiles {
    fn new(files: &[(&str, &[u8])]) -> MapFiles {
        MapFiles(
            files
                .iter()
                .map(|(p, c)| ((*p).to_owned(), c.to_vec()))
                .collect(),
        )
    }
}

impl KvFiles for MapFiles {
    fn read(&self, path: &str) -> Result<Vec<u8>> {
        self.0.get(path).cloned().ok_or_else(|| {
            Error::new(
                ErrorKind::Io,
                format!("evalsymlink failure on '/k/{path}' : lstat /k/{path}: no such file or directory"),
            )
            .with_context("in base ../base")
        })
    }
}

/// Files under a directory on disk.
struct DirFiles(PathBuf);

impl KvFiles for DirFiles {
    fn read(&self, path: &str) -> Result<Vec<u8>> {
        std::fs::read(self.0.join(path))
            .map_err(|e| Error::new(ErrorKind::Io, format!("{path}: {e}")))
    }
}

/// An object being built and whether it wants a name hash.
#[derive(Clone, Debug)]
struct Obj {
    node: Node,
    hash: bool,
}

fn parse_kustomization(path: &str, text: &str) -> (Arc<SourceFile>, Mapping) {
    let file = SourceFile::new(path, text);
    let opts = ParseOptions {
        duplicate_keys: DuplicateKeys::KeepLast,
        ..ParseOptions::default()
    };
    let root = parse_single(&file, opts).unwrap();
    let m = root
        .and_then(|n| n.as_mapping().cloned())
        .unwrap_or_default();
    (file, m)
}

/// Runs a kustomization's generators the way the spine is meant to (module doc, steps 1–3),
/// onto `objects` (the base's output). The merge target is looked up by kind and name only.
fn run(text: &str, files: &dyn KvFiles, mut objects: Vec<Obj>) -> Result<Vec<Obj>> {
    let (file, m) = parse_kustomization("/k/kustomization.yaml", text);
    let global = GeneratorOptions::from_kustomization(&file, m.get("generatorOptions"))?;
    for kind in [GeneratorKind::ConfigMap, GeneratorKind::Secret] {
        for args in read_generators(&file, kind, m.get(kind.field()))? {
            let g = generate(&args, global.as_ref(), files)?;
            if g.behavior.edits_existing() {
                let target = objects
                    .iter_mut()
                    .find(|o| {
                        o.node.get_str(&["kind"]) == Some(kind.kind())
                            && o.node.get_str(&["metadata", "name"]) == Some(args.name.as_str())
                    })
                    .expect("a merge target");
                target.hash = merge_generated(&mut target.node, target.hash, &g)?;
            } else {
                objects.push(Obj {
                    node: g.node,
                    hash: g.hash,
                });
            }
        }
    }
    Ok(objects)
}

fn run_one(text: &str, files: &[(&str, &[u8])]) -> Result<Vec<Obj>> {
    run(text, &MapFiles::new(files), Vec::new())
}

/// A node as sorted `path=text` lines (`{}` for an empty map): compares content, not style.
fn flat(node: &Node) -> Vec<String> {
    fn walk(node: &Node, path: &str, out: &mut Vec<String>) {
        match &node.kind {
            // The oracle prints U+2028/U+2029 in single quotes followed by the indentation
            // (go-yaml v2), which reads back as spaces; the value itself has none.
            NodeKind::Scalar(s) => {
                let text = s
                    .text
                    .replace("\u{2028}    ", "\u{2028}")
                    .replace("\u{2029}    ", "\u{2029}");
                out.push(format!("{path}={text}"));
            }
            NodeKind::Mapping(m) if m.is_empty() => out.push(format!("{path}={{}}")),
            NodeKind::Mapping(m) => {
                for e in &m.entries {
                    let key = e.key.as_str().unwrap_or("?");
                    let sub = if path.is_empty() {
                        key.to_owned()
                    } else {
                        format!("{path}.{key}")
                    };
                    walk(&e.value, &sub, out);
                }
            }
            NodeKind::Sequence(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &format!("{path}[{i}]"), out);
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(node, "", &mut out);
    out.sort();
    out
}

fn yaml(text: &str) -> Node {
    let file = SourceFile::new("expected.yaml", text);
    parse_single(&file, ParseOptions::default())
        .unwrap()
        .unwrap()
}

/// Asserts that `obj` prints as the oracle's `expected` document once named as kustomize's
/// top level names it.
fn assert_output(obj: &Obj, expected: &str) {
    let mut node = obj.node.clone();
    if obj.hash {
        let suffix = hash_suffix(&node).unwrap();
        let meta = node.as_mapping_mut().unwrap().get_mut("metadata").unwrap();
        let name = meta.get_str(&["name"]).unwrap().to_owned();
        meta.as_mapping_mut()
            .unwrap()
            .insert("name", Node::string(format!("{name}-{suffix}")));
    }
    assert_eq!(flat(&node), flat(&yaml(expected)), "{expected}");
}

#[test]
fn generates_config_maps() {
    // kustomize-ref: hash-example 08 plus a namespace; keys of every source, sorted.
    let objs = run_one(
        "generatorOptions:\n  labels: {team: web}\n  annotations: {note: generated}\n\
         configMapGenerator:\n- name: plain\n  namespace: ns\n  literals: [K=v]\n  envs: [a.env]\n  files: [blob.bin, t=text.txt]\n  options:\n    immutable: true\n",
        &[("a.env", b"E=1\n"), ("blob.bin", b"\xff\x00"), ("text.txt", b"hi\n")],
    )
    .unwrap();
    assert_eq!(objs.len(), 1);
    assert_output(
        &objs[0],
        "apiVersion: v1\nbinaryData:\n  blob.bin: /wA=\ndata:\n  E: \"1\"\n  K: v\n  t: |\n    hi\nimmutable: true\nkind: ConfigMap\nmetadata:\n  annotations:\n    note: generated\n  labels:\n    team: web\n  name: plain-m8f5d676h4\n  namespace: ns\n",
    );
    // Plain keys (so `1:` fails on output as in kustomize); string values.
    let data = objs[0]
        .node
        .get_path(&["data"])
        .unwrap()
        .as_mapping()
        .unwrap();
    let e = &data.entries[0];
    assert_eq!(
        e.key.as_scalar().unwrap().style,
        crate::yaml::ScalarStyle::Plain
    );
    assert!(e.value.as_scalar().unwrap().style.is_quoted());
}

#[test]
fn generates_secrets() {
    // kustomize-ref case p5: every value base64, files of any bytes; type defaults to Opaque.
    let objs = run_one(
        "secretGenerator:\n- name: c\n  files: [b.bin, e.txt]\n  type: \"\"\n  options: {disableNameSuffixHash: true}\n",
        &[("b.bin", b"\xff\xfe"), ("e.txt", b"")],
    )
    .unwrap();
    assert!(!objs[0].hash);
    assert_output(
        &objs[0],
        "apiVersion: v1\ndata:\n  b.bin: //4=\n  e.txt: \"\"\nkind: Secret\nmetadata:\n  name: c\ntype: Opaque\n",
    );
}

#[test]
fn empty_generators_are_fine() {
    // hash-example 10: a ConfigMap without data has no `data`, a Secret has `data: {}`.
    let objs = run_one(
        "configMapGenerator:\n- name: empty-cm\nsecretGenerator:\n- name: empty-secret\n",
        &[],
    )
    .unwrap();
    assert_output(
        &objs[0],
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: empty-cm-6ct58987ht\n",
    );
    assert_output(
        &objs[1],
        "apiVersion: v1\ndata: {}\nkind: Secret\nmetadata:\n  name: empty-secret-46f8b28mk5\ntype: Opaque\n",
    );
}

#[test]
fn generator_errors_match_kustomize() {
    let files: &[(&str, &[u8])] = &[("e.env", b"A=3\n"), ("bad.env", b"A=\xff\n")];
    // (kustomization, location, message) — messages from kustomize-ref cases noname, l1,
    // p3, l4, l5, f1, f2, e2.
    let cases = [
        (
            "configMapGenerator:\n- literals: [A=1]\n",
            "2:3",
            "a configmap must have a name",
        ),
        (
            "secretGenerator:\n- literals: [A=1]\n",
            "2:3",
            "a configmap must have a name",
        ),
        (
            "configMapGenerator:\n- name: a\n  literals:\n  - B=1\n  - \"=x\"\n",
            "5:5",
            "loading KV pairs: literal sources [B=1 =x]: invalid literal source =x, expected key=value",
        ),
        (
            "configMapGenerator:\n- name: c\n  literals: [null]\n",
            "3:14",
            "loading KV pairs: literal sources []: invalid literal source , expected key=value",
        ),
        (
            "configMapGenerator:\n- name: a\n  literals:\n  - A=1\n  - A=2\n",
            "5:5",
            "configmap a illegally repeats the key `A`",
        ),
        (
            "secretGenerator:\n- name: a\n  literals: [A=1]\n  envs: [e.env]\n",
            "3:14",
            "configmap a illegally repeats the key `A`",
        ),
        (
            "configMapGenerator:\n- name: a\n  files: [x.txt, missing.txt]\n",
            "3:11",
            "loading KV pairs: file sources: [x.txt missing.txt]: evalsymlink failure on '/k/x.txt' : lstat /k/x.txt: no such file or directory (in base ../base)",
        ),
        (
            "configMapGenerator:\n- name: a\n  files: [\"=x.txt\"]\n",
            "3:11",
            r#"loading KV pairs: file sources: [=x.txt]: missing key name for file path "x.txt" in source "=x.txt""#,
        ),
        (
            "configMapGenerator:\n- name: a\n  envs: [bad.env]\n  literals: [\"=x\"]\n",
            "3:10",
            "loading KV pairs: env source files: [bad.env]: line [65 61 255] has invalid utf8 bytes : A=\u{fffd}",
        ),
    ];
    for (text, at, message) in cases {
        let e = run_one(text, files).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("/k/kustomization.yaml:{at}: {message}"),
            "{text}"
        );
    }
    let e = run_one("configMapGenerator:\n- name: a\n  files: [x.txt]\n", &[]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io);
}

/// `behavior: merge`/`replace` over an overlay: (base kustomization, files, overlay
/// kustomization, expected output documents in order).
#[test]
fn merge_and_replace_match_kustomize() {
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: s\n  labels: {ol: old, keep: k}\n  annotations: {oa: z}\nimmutable: true\nextra: {x: 1}\ndata:\n  N: 5\n  T: true\nbinaryData:\n  bin: AAAA\n";
    let cases: &[(&str, &str, &[&str])] = &[
        // m1, m2: a hash only if both base and overlay want one.
        (
            "configMapGenerator:\n- name: s\n  literals: [A=1]\n",
            "configMapGenerator:\n- name: s\n  behavior: merge\n  literals: [B=2]\n  options: {disableNameSuffixHash: true}\n",
            &[
                "apiVersion: v1\ndata:\n  A: \"1\"\n  B: \"2\"\nkind: ConfigMap\nmetadata:\n  name: s\n",
            ],
        ),
        (
            "configMapGenerator:\n- name: s\n  literals: [A=1]\n  options: {disableNameSuffixHash: true}\n",
            "configMapGenerator:\n- name: s\n  behavior: merge\n  literals: [B=2]\n",
            &[
                "apiVersion: v1\ndata:\n  A: \"1\"\n  B: \"2\"\nkind: ConfigMap\nmetadata:\n  name: s\n",
            ],
        ),
        // m3: merging into a ConfigMap from resources: labels and annotations merge, data
        // values become strings, binaryData stays, immutable and other fields go, no hash.
        (
            "RESOURCE",
            "configMapGenerator:\n- name: s\n  behavior: merge\n  literals: [B=2]\n  options:\n    labels: {nl: x, ol: new}\n    annotations: {na: yy}\n",
            &[
                "apiVersion: v1\nbinaryData:\n  bin: AAAA\ndata:\n  B: \"2\"\n  \"N\": \"5\"\n  T: \"true\"\nkind: ConfigMap\nmetadata:\n  annotations:\n    na: yy\n    oa: z\n  labels:\n    keep: k\n    nl: x\n    ol: new\n  name: s\n",
            ],
        ),
        // m4: replace keeps (merged) labels and annotations, nothing of the data.
        (
            "RESOURCE",
            "configMapGenerator:\n- name: s\n  behavior: replace\n  literals: [B=2]\n  options:\n    labels: {nl: x, ol: new}\n    annotations: {na: yy}\n",
            &[
                "apiVersion: v1\ndata:\n  B: \"2\"\nkind: ConfigMap\nmetadata:\n  annotations:\n    na: yy\n    oa: z\n  labels:\n    keep: k\n    nl: x\n    ol: new\n  name: s\n",
            ],
        ),
        // m5: a merged Secret takes the overlay's type (Opaque), not the base's.
        (
            "secretGenerator:\n- name: s\n  type: kubernetes.io/tls\n  literals: [tls.crt=a, tls.key=b]\n",
            "secretGenerator:\n- name: s\n  behavior: merge\n  literals: [B=2]\n",
            &[
                "apiVersion: v1\ndata:\n  B: Mg==\n  tls.crt: YQ==\n  tls.key: Yg==\nkind: Secret\nmetadata:\n  name: s-m7tmm49hm7\ntype: Opaque\n",
            ],
        ),
        // m6: two empty Secrets merge into one without `data`.
        (
            "secretGenerator:\n- name: s\n",
            "secretGenerator:\n- name: s\n  behavior: merge\n",
            &["apiVersion: v1\nkind: Secret\nmetadata:\n  name: s-8226t8dd99\ntype: Opaque\n"],
        ),
        // m6b: immutable comes from the overlay only.
        (
            "configMapGenerator:\n- name: s\n  options:\n    immutable: true\n",
            "configMapGenerator:\n- name: s\n  behavior: merge\n",
            &["apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: s-6ct58987ht\n"],
        ),
        // b7: the base's name is kept, still a string.
        (
            "configMapGenerator:\n- name: \"123\"\n  literals: [A=1]\n  options: {disableNameSuffixHash: true}\n",
            "configMapGenerator:\n- name: \"123\"\n  behavior: merge\n  literals: [B=2]\n",
            &[
                "apiVersion: v1\ndata:\n  A: \"1\"\n  B: \"2\"\nkind: ConfigMap\nmetadata:\n  name: \"123\"\n",
            ],
        ),
        // b9: the base's namespace is kept (b8, the reverse, needs the id lookup to treat
        // "default" as empty, which is the caller's).
        (
            "configMapGenerator:\n- name: s\n  namespace: default\n  literals: [A=1]\n",
            "configMapGenerator:\n- name: s\n  behavior: merge\n  literals: [B=2]\n",
            &[
                "apiVersion: v1\ndata:\n  A: \"1\"\n  B: \"2\"\nkind: ConfigMap\nmetadata:\n  name: s-66h9cbh964\n  namespace: default\n",
            ],
        ),
        // b5: merge within one kustomization.
        (
            "",
            "configMapGenerator:\n- name: s\n  literals: [A=1]\n- name: s\n  behavior: merge\n  literals: [B=1]\n",
            &[
                "apiVersion: v1\ndata:\n  A: \"1\"\n  B: \"1\"\nkind: ConfigMap\nmetadata:\n  name: s-8m82424hk2\n",
            ],
        ),
    ];
    for (base, overlay, expected) in cases {
        let objs = if *base == "RESOURCE" {
            vec![Obj {
                node: yaml(cm),
                hash: false,
            }]
        } else {
            run_one(base, &[]).unwrap()
        };
        let objs = run(overlay, &MapFiles::new(&[]), objs).unwrap();
        assert_eq!(objs.len(), expected.len(), "{overlay}");
        for (obj, want) in objs.iter().zip(expected.iter()) {
            assert_output(obj, want);
        }
    }
}

#[test]
fn b8_namespace_default_matches_none() {
    // kustomize-ref case b8: the overlay's `namespace: default` entry merges into a base
    // object without one; the result has none.
    let objs = run_one("configMapGenerator:\n- name: s\n  literals: [A=1]\n", &[]).unwrap();
    let (file, m) = parse_kustomization(
        "/k/kustomization.yaml",
        "configMapGenerator:\n- name: s\n  namespace: default\n  behavior: merge\n  literals: [B=2]\n",
    );
    let args =
        read_generators(&file, GeneratorKind::ConfigMap, m.get("configMapGenerator")).unwrap();
    let g = generate(&args[0], None, &MapFiles::new(&[])).unwrap();
    let mut obj = objs[0].clone();
    obj.hash = merge_generated(&mut obj.node, obj.hash, &g).unwrap();
    assert_output(
        &obj,
        "apiVersion: v1\ndata:\n  A: \"1\"\n  B: \"2\"\nkind: ConfigMap\nmetadata:\n  name: s-66h9cbh964\n",
    );
    // Create and unspecified behaviors cannot edit an existing object.
    let create = Generated {
        behavior: Behavior::Create,
        ..g
    };
    let e = merge_generated(&mut obj.node, true, &create).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DuplicateId);
}

/// Where `shared/reference/hash-examples` is: `$STRATA_SHARED` (the `shared` directory or
/// its `reference`), else `shared` beside the checkout. Absent data fails the test only when
/// `STRATA_REQUIRE_SHARED=1`.
fn hash_examples_dir() -> Option<PathBuf> {
    let shared = std::env::var_os("STRATA_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let found = [
        shared.join("reference/hash-examples"),
        shared.join("hash-examples"),
    ]
    .into_iter()
    .find(|d| d.join("INDEX.tsv").is_file());
    if found.is_none() && std::env::var("STRATA_REQUIRE_SHARED").as_deref() == Ok("1") {
        panic!("hash-examples not found under {}", shared.display());
    }
    found
}

/// Builds one example directory with the generator stage, plus test-only stand-ins for the
/// stages it does not own: `resources:` directories (recursion), inline `patches:` (data
/// entries set on the named object: enough for example 13), and `namePrefix`, `nameSuffix`
/// and `namespace` applied to every object.
fn build_example(dir: &Path) -> Vec<Obj> {
    let text = std::fs::read_to_string(dir.join("kustomization.yaml")).unwrap();
    let (_, m) = parse_kustomization("kustomization.yaml", &text);
    let mut objects = Vec::new();
    for r in m
        .get("resources")
        .and_then(Node::as_sequence)
        .into_iter()
        .flatten()
    {
        objects.extend(build_example(&dir.join(r.as_str().unwrap())));
    }
    let mut objects = run(&text, &DirFiles(dir.to_path_buf()), objects).unwrap();
    for p in m
        .get("patches")
        .and_then(Node::as_sequence)
        .into_iter()
        .flatten()
    {
        let patch = yaml(p.get_str(&["patch"]).unwrap());
        let target = objects
            .iter_mut()
            .find(|o| {
                o.node.get_str(&["kind"]) == patch.get_str(&["kind"])
                    && o.node.get_str(&["metadata", "name"]) == patch.get_str(&["metadata", "name"])
            })
            .unwrap();
        let data = target
            .node
            .as_mapping_mut()
            .unwrap()
            .get_mut("data")
            .unwrap();
        for (k, v) in patch
            .get_path(&["data"])
            .unwrap()
            .as_mapping()
            .unwrap()
            .iter()
        {
            data.as_mapping_mut().unwrap().insert(k, v.clone());
        }
    }
    let prefix = m.get("namePrefix").and_then(Node::as_str).unwrap_or("");
    let suffix = m.get("nameSuffix").and_then(Node::as_str).unwrap_or("");
    for o in &mut objects {
        let meta = o
            .node
            .as_mapping_mut()
            .unwrap()
            .get_mut("metadata")
            .unwrap();
        let meta = meta.as_mapping_mut().unwrap();
        let name = meta.get("name").and_then(Node::as_str).unwrap().to_owned();
        meta.insert("name", Node::string(format!("{prefix}{name}{suffix}")));
        if let Some(ns) = m.get("namespace").and_then(Node::as_str) {
            meta.insert("namespace", Node::string(ns));
        }
    }
    objects
}

/// Every row of hash-examples/INDEX.tsv: the generator's object hashes to exactly the
/// recorded JSON text, SHA-256 and suffix, and every expected.yaml document matches what was
/// generated (content compared as text; printing is the emitter's).
#[test]
fn hash_examples() {
    let Some(dir) = hash_examples_dir() else {
        #[expect(clippy::print_stderr, reason = "a skipped test says why")]
        {
            eprintln!(
                "note: shared/reference/hash-examples not found; set STRATA_SHARED (skipped)"
            );
        }
        return;
    };
    let index = std::fs::read_to_string(dir.join("INDEX.tsv")).unwrap();
    let mut rows: BTreeMap<String, Vec<Vec<&str>>> = BTreeMap::new();
    for line in index.lines().skip(1).filter(|l| !l.is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 7, "{line}");
        rows.entry(cols[0].to_owned()).or_default().push(cols);
    }
    assert_eq!(rows.len(), 13);
    let mut checked = 0;
    for (example, rows) in &rows {
        let case = dir.join(example);
        let root = if case.join("overlay").is_dir() {
            case.join("overlay")
        } else {
            case.clone()
        };
        let objects = build_example(&root);
        let find = |kind: &str, name: &str| {
            objects
                .iter()
                .find(|o| {
                    o.node.get_str(&["kind"]) == Some(kind)
                        && o.node.get_str(&["metadata", "name"]) == Some(name)
                })
                .unwrap_or_else(|| panic!("{example}: no {kind} {name}"))
        };
        for row in rows {
            let [_, kind, output_name, before, suffix, json, sha] = row[..] else {
                unreachable!()
            };
            let obj = find(kind, before);
            if suffix.is_empty() {
                assert!(!obj.hash, "{example} {before}: unexpected hash");
                assert_eq!(output_name, before);
                continue;
            }
            assert!(obj.hash, "{example} {before}: hash expected");
            let got = hashed_json(&obj.node).unwrap();
            assert_eq!(got, json, "{example} {before}");
            assert_eq!(hash::sha256_hex(&got), sha, "{example} {before}");
            assert_eq!(
                hash_suffix(&obj.node).unwrap(),
                suffix,
                "{example} {before}"
            );
            assert_eq!(output_name, format!("{before}-{suffix}"));
            checked += 1;
        }
        assert_eq!(
            objects.iter().filter(|o| o.hash).count(),
            rows.iter().filter(|r| !r[4].is_empty()).count(),
            "{example}: hashed objects without an INDEX row"
        );
        // The oracle's output, document by document.
        let expected = std::fs::read_to_string(case.join("expected.yaml")).unwrap();
        let file = SourceFile::new("expected.yaml", expected);
        let docs = parse_documents(&file, ParseOptions::default()).unwrap();
        assert_eq!(docs.len(), objects.len(), "{example}");
        for doc in docs {
            let kind = doc.root.get_str(&["kind"]).unwrap();
            let name = doc.root.get_str(&["metadata", "name"]).unwrap();
            let obj = objects
                .iter()
                .find(|o| {
                    let base = o.node.get_str(&["metadata", "name"]).unwrap();
                    let full = if o.hash {
                        format!("{base}-{}", hash_suffix(&o.node).unwrap())
                    } else {
                        base.to_owned()
                    };
                    o.node.get_str(&["kind"]) == Some(kind) && full == name
                })
                .unwrap_or_else(|| panic!("{example}: nothing generated for {kind} {name}"));
            let mut node = obj.node.clone();
            let meta = node.as_mapping_mut().unwrap().get_mut("metadata").unwrap();
            meta.as_mapping_mut()
                .unwrap()
                .insert("name", Node::string(name));
            assert_eq!(flat(&node), flat(&doc.root), "{example} {kind} {name}");
        }
    }
    assert_eq!(checked, 15);
}
