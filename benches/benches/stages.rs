//! Per-stage benchmarks: parse, emit, strategic merge, JSON 6902 and name references, each
//! over inputs generated here (a Deployment with a few containers, repeated).
//!
//! ```text
//! cargo bench -p strata-benches --bench stages
//! cargo bench -p strata-benches --bench stages -- json6902
//! ```
//!
//! Whole-process comparisons with kustomize and the parse-and-print floor are
//! `cargo xtask bench-compare`'s job; these isolate one stage each, so a change to one
//! stage shows up here first.

#![expect(
    clippy::expect_used,
    reason = "the inputs are generated here: a failure is a bug in the bench, not user input"
)]

use std::fmt::Write as _;

use divan::{Bencher, black_box};
use strata::patch::json6902;
use strata::patch::strategic_merge::kustomize_patch;
use strata::source::SourceFile;
use strata::yaml::Node;
use strata::yaml::emit::emit_documents;
use strata::yaml::parse::{ParseOptions, parse_documents};
use strata::{MemoryFs, RenderOptions, Renderer};

fn main() {
    divan::main();
}

/// Document counts the stages run over.
const SIZES: [usize; 2] = [10, 100];

/// A Deployment named `app-{i}` with three containers, env, ports and volumes.
fn deployment(i: usize, out: &mut String) {
    let _ = write!(
        out,
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-{i}\n  labels:\n    \
         app: app-{i}\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: app-{i}\n  \
         template:\n    metadata:\n      labels:\n        app: app-{i}\n    spec:\n      \
         containers:\n"
    );
    for c in 0..3 {
        let _ = write!(
            out,
            "      - name: c{c}\n        image: registry.example/app-{i}/c{c}:1.{c}\n        \
             ports:\n        - containerPort: {}\n          protocol: TCP\n        env:\n        \
             - name: MODE\n          value: \"fast\"\n        - name: CONFIG\n          \
             valueFrom:\n            configMapKeyRef:\n              name: config-{i}\n              \
             key: mode\n        volumeMounts:\n        - name: data\n          mountPath: /data\n",
            8080 + c
        );
    }
    out.push_str(
        "      volumes:\n      - name: data\n        configMap:\n          name: config-\
         ",
    );
    let _ = writeln!(out, "{i}");
}

fn stream(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        if i > 0 {
            s.push_str("---\n");
        }
        deployment(i, &mut s);
    }
    s
}

fn parse(text: &str) -> Vec<Node> {
    let file = SourceFile::new("bench.yaml", text);
    parse_documents(&file, ParseOptions::default())
        .expect("bench input parses")
        .into_iter()
        .map(|d| d.root)
        .collect()
}

#[divan::bench(args = SIZES)]
fn parse_stream(bencher: Bencher, n: usize) {
    let file = SourceFile::new("bench.yaml", stream(n));
    bencher.bench(|| parse_documents(black_box(&file), ParseOptions::default()));
}

#[divan::bench(args = SIZES)]
fn emit_stream(bencher: Bencher, n: usize) {
    let docs = parse(&stream(n));
    bencher.bench(|| {
        let mut out = String::new();
        emit_documents(black_box(&docs), &mut out).map(|()| out)
    });
}

#[divan::bench(args = [1, 10, 50])]
fn strategic_merge(bencher: Bencher, patches: usize) {
    let mut text = String::new();
    deployment(0, &mut text);
    let resource = parse(&text).remove(0);
    let patches: Vec<Node> = (0..patches)
        .map(|p| {
            let t = format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-0\nspec:\n  \
                 template:\n    spec:\n      containers:\n      - name: c{}\n        env:\n        \
                 - name: P{p}\n          value: \"{p}\"\n",
                p % 3
            );
            parse(&t).remove(0)
        })
        .collect();
    bencher.bench(|| {
        let mut doc = resource.clone();
        for patch in &patches {
            doc = kustomize_patch(&doc, patch)
                .expect("bench patch applies")
                .expect("bench patch keeps the resource");
        }
        doc
    });
}

#[divan::bench(args = [1, 10, 50])]
fn json6902(bencher: Bencher, patches: usize) {
    let mut text = String::new();
    deployment(0, &mut text);
    let resource = parse(&text).remove(0);
    let ops: Vec<Vec<json6902::Operation>> = (0..patches)
        .map(|p| {
            let t = format!(
                "- op: add\n  path: /spec/template/spec/containers/{}/env/-\n  value:\n    \
                 name: P{p}\n    value: \"{p}\"\n- op: replace\n  path: /spec/replicas\n  \
                 value: {p}\n- op: test\n  path: /metadata/name\n  value: app-0\n",
                p % 3
            );
            json6902::parse_operations(&SourceFile::new("ops.yaml", t)).expect("bench ops parse")
        })
        .collect();
    bencher.bench(|| {
        let mut doc = resource.clone();
        for op in &ops {
            json6902::apply(&mut doc, op).expect("bench ops apply");
        }
        doc
    });
}

/// A base of `n` Deployments each referring to its ConfigMap, and an overlay that renames
/// everything, so every reference is rewritten.
fn nameref_tree(n: usize) -> MemoryFs {
    let mut base = String::new();
    for i in 0..n {
        if i > 0 {
            base.push_str("---\n");
        }
        let _ = write!(
            base,
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config-{i}\ndata:\n  mode: fast\n---\n"
        );
        deployment(i, &mut base);
    }
    MemoryFs::new()
        .with_file("base/resources.yaml", base)
        .with_file("base/kustomization.yaml", "resources:\n- resources.yaml\n")
        .with_file(
            "overlay/kustomization.yaml",
            "namePrefix: pre-\nnameSuffix: -suf\nresources:\n- ../base\n",
        )
}

#[divan::bench(args = SIZES)]
fn name_references(bencher: Bencher, n: usize) {
    let fs = nameref_tree(n);
    let renderer = Renderer::new(RenderOptions::default());
    bencher.bench(|| {
        renderer
            .render(&fs, "/overlay")
            .expect("bench tree renders")
    });
}
