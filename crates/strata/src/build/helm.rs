//! `helmCharts:` / `helmGlobals:` (and the deprecated `helmChartInflationGenerator:`, and
//! `HelmChartInflationGenerator` configs under `generators:`): kustomize's
//! HelmChartInflationGenerator (api/internal/builtins/HelmChartInflationGenerator.go and
//! api/types/helmchartargs.go, kustomize v5.5).
//!
//! The library decides everything kustomize decides: the chart directory, the values handed
//! to Helm (the chart's `values.yaml` or `valuesFile`, merged with `valuesInline` as
//! `valuesMerge` says), the exact `helm template` and `helm pull` arguments, and how the
//! output becomes resources. Running Helm is left to a [`ChartInflater`] the caller passes in
//! [`crate::RenderOptions`] (the CLI runs `helm`); without one, charts fail with an error
//! that says so.
//!
//! Quirks reproduced (checked with `kubectl kustomize --enable-helm`, kustomize v5.5):
//! - `valuesInline` is read as the rest of the kustomization, as YAML 1.1 (`yes` is `true`),
//!   while the chart's `values.yaml` is read by kyaml as YAML 1.2 when it is merged with it;
//!   without `valuesInline` the file is handed to Helm byte for byte.
//! - `valuesMerge: override` (the default) is `merge2.Merge(inline, values)`: inline values
//!   win. `merge` is `merge2.Merge(values, inline)`: the chart's values win and inline values
//!   only fill gaps. `replace` uses the inline values alone. Lists are replaced, maps merged,
//!   a `null` deletes (kyaml merge2 without a schema).
//! - A chart missing from `chartHome` without `repo:` fails with
//!   `no repo specified for pull, no chart found at ''`: kustomize's `chartExistsLocally`
//!   returns an empty path when the directory does not exist.
//! - With both `repo` and `version`, the chart home is `<chartHome>/<name>-<version>`.
//! - `helm version` must report major version 3 (`checkHelmVersion`).
//!
//! Stage: `build` (a generator). Uses the loader (for values files, under the load
//! restrictor), the node model and the strategic-merge engine for the values merge.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result};
use crate::kustomization::{JsonScalar, Kustomization, field, json_scalar};
use crate::patch::strategic_merge::{MergeOptions, strategic_merge};
use crate::resource::{Origin, Resource, ResourceMap};
use crate::source::{SourceFile, Span};
use crate::yaml::resolve::{self, Value};
use crate::yaml::{Mapping, Node, NodeKind, Scalar};

use super::loader::Loader;

/// Runs Helm for chart inflation. The CLI implements it by running the `helm` command
/// (`--helm-command`); a library user may implement it any way that gives Helm's output.
///
/// Every method gets the value for `HELM_CONFIG_HOME` (`helmGlobals.configHome`, resolved
/// against the kustomization directory); `None` asks the implementation for a temporary
/// directory, as kustomize does (`{tmpDir}/helm`). kustomize also sets
/// `HELM_CACHE_HOME={configHome}/.cache` and `HELM_DATA_HOME={configHome}/.data`.
/// Errors are the text to report (kustomize reports Helm's stderr and the command line).
///
/// ```
/// use std::path::Path;
/// use std::sync::Arc;
///
/// use strata::{ChartInflater, HelmOptions, MemoryFs, RenderOptions, Renderer, TemplateRequest};
///
/// /// Stands in for `helm`: checks the values it is given and prints one ConfigMap.
/// #[derive(Debug)]
/// struct FakeHelm;
///
/// impl ChartInflater for FakeHelm {
///     fn version(&self, _config_home: Option<&Path>) -> Result<String, String> {
///         Ok("v3.14.0+g1234567".to_owned())
///     }
///     fn pull(&self, _args: &[String], _config_home: Option<&Path>) -> Result<(), String> {
///         Err("offline: the chart is in charts/".to_owned())
///     }
///     fn template(&self, request: &TemplateRequest) -> Result<Vec<u8>, String> {
///         assert_eq!(request.values, b"greeting: hello\n");
///         Ok(b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-chart\n".to_vec())
///     }
/// }
///
/// let fs = MemoryFs::new()
///     .with_file("kustomization.yaml", "helmCharts:\n- name: web\n")
///     .with_file("charts/web/Chart.yaml", "name: web\nversion: 0.1.0\n")
///     .with_file("charts/web/values.yaml", "greeting: hello\n");
/// let options = RenderOptions::new().helm(HelmOptions::new(Arc::new(FakeHelm)));
/// let rendered = Renderer::new(options).render(&fs, "/")?;
/// assert_eq!(rendered.resources()[0].id().name, "from-chart");
/// # Ok::<(), strata::Error>(())
/// ```
pub trait ChartInflater: Send + Sync + fmt::Debug {
    /// Returns the standard output of `helm version -c --short`.
    fn version(&self, config_home: Option<&Path>) -> std::result::Result<String, String>;

    /// Runs `helm` with `args` (a `pull --untar --untardir DIR …` command) for a chart that
    /// is not in its chart home yet.
    fn pull(&self, args: &[String], config_home: Option<&Path>) -> std::result::Result<(), String>;

    /// Runs `helm template` as `request` describes and returns its standard output.
    fn template(&self, request: &TemplateRequest) -> std::result::Result<Vec<u8>, String>;
}

/// One `helm template` run: the values file to write first, and the arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TemplateRequest {
    /// The values Helm gets: the bytes of the values file to write.
    pub values: Vec<u8>,
    /// The file name kustomize gives the values file in its temporary directory
    /// (`<chart>-kustomize-values.yaml`).
    pub values_file_name: String,
    /// `HELM_CONFIG_HOME`, or `None` for a temporary directory.
    pub config_home: Option<PathBuf>,
    before_values: Vec<String>,
    after_values: Vec<String>,
}

impl TemplateRequest {
    /// Returns the arguments of `helm`, exactly as kustomize passes them
    /// (`HelmChart.AsHelmArgs`), with the values file at `values_path`.
    pub fn args(&self, values_path: &str) -> Vec<String> {
        let mut out = self.before_values.clone();
        out.push("-f".to_owned());
        out.push(values_path.to_owned());
        out.extend(self.after_values.iter().cloned());
        out
    }
}

/// Helm settings of a render: the inflater and the `--helm-*` flags, which take precedence
/// over the chart's own fields (kustomize's `HelmConfig`).
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct HelmOptions {
    /// Runs Helm; `None`: charts fail with an error.
    pub inflater: Option<Arc<dyn ChartInflater>>,
    /// `--helm-kube-version`.
    pub kube_version: Option<String>,
    /// `--helm-api-versions`.
    pub api_versions: Vec<String>,
    /// `--helm-debug`.
    pub debug: bool,
}

impl HelmOptions {
    /// Returns options that inflate charts with `inflater`.
    pub fn new(inflater: Arc<dyn ChartInflater>) -> HelmOptions {
        HelmOptions {
            inflater: Some(inflater),
            ..HelmOptions::default()
        }
    }

    /// Sets `--helm-kube-version`.
    pub fn kube_version(mut self, v: Option<String>) -> HelmOptions {
        self.kube_version = v;
        self
    }

    /// Sets `--helm-api-versions`.
    pub fn api_versions(mut self, v: Vec<String>) -> HelmOptions {
        self.api_versions = v;
        self
    }

    /// Sets `--helm-debug`.
    pub fn debug(mut self, on: bool) -> HelmOptions {
        self.debug = on;
        self
    }
}

/// `valuesMerge`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ValuesMerge {
    Override,
    Merge,
    Replace,
}

/// One chart, configured: kustomize's `HelmGlobals` + `HelmChart` after `validateArgs`.
#[derive(Clone, Debug, Default)]
struct Chart {
    name: String,
    version: String,
    repo: String,
    release_name: String,
    namespace: String,
    values_file: Option<String>,
    values_inline: Option<Node>,
    values_merge: Option<ValuesMerge>,
    additional_values_files: Vec<String>,
    include_crds: bool,
    skip_hooks: bool,
    skip_tests: bool,
    api_versions: Vec<String>,
    kube_version: String,
    name_template: String,
    debug: bool,
    chart_home: String,
    config_home: String,
}

/// A chart entry with where it was written, for errors.
pub(super) struct ChartEntry {
    chart: Chart,
    file: Arc<SourceFile>,
    span: Span,
}

/// The `helmGlobals` fields.
#[derive(Clone, Debug, Default)]
struct Globals {
    chart_home: String,
    config_home: String,
}

/// Reads the chart entries of kustomization `k`: `helmCharts` with `helmGlobals`, then the
/// deprecated `helmChartInflationGenerator` (kustomize's `FixKustomization` appends those,
/// and takes their `chartHome`/`helmHome` as globals only when `helmGlobals` is absent).
pub(super) fn kustomization_charts(k: &Kustomization) -> Result<Vec<ChartEntry>> {
    let file = &k.file;
    let mut globals = match k.field("helmGlobals").and_then(Node::as_mapping) {
        Some(m) => Some(Globals {
            chart_home: string(file, m, "chartHome")?,
            config_home: string(file, m, "configHome")?,
        }),
        None => None,
    };
    let mut charts = Vec::new();
    for n in seq(k.field("helmCharts")) {
        let m = mapping(file, n)?;
        charts.push((chart_fields(file, m)?, n.span));
    }
    let mut legacy_globals = Globals::default();
    for n in seq(k.field("helmChartInflationGenerator")) {
        let m = mapping(file, n)?;
        let chart = Chart {
            name: string(file, m, "chartName")?,
            version: string(file, m, "chartVersion")?,
            repo: string(file, m, "chartRepoUrl")?,
            values_file: non_empty(string(file, m, "values")?),
            values_inline: field(m, "valuesLocal").cloned(),
            values_merge: values_merge(file, m)?,
            release_name: string(file, m, "releaseName")?,
            ..Chart::default()
        };
        for (from, to) in [
            ("helmHome", &mut legacy_globals.config_home),
            ("chartHome", &mut legacy_globals.chart_home),
        ] {
            let v = string(file, m, from)?;
            if !v.is_empty() {
                *to = v;
            }
        }
        charts.push((chart, n.span));
    }
    if globals.is_none()
        && (!legacy_globals.chart_home.is_empty() || !legacy_globals.config_home.is_empty())
    {
        globals = Some(legacy_globals);
    }
    let globals = globals.unwrap_or_default();
    Ok(charts
        .into_iter()
        .map(|(mut chart, span)| {
            chart.chart_home = globals.chart_home.clone();
            chart.config_home = globals.config_home.clone();
            ChartEntry {
                chart,
                file: file.clone(),
                span,
            }
        })
        .collect())
}

/// Reads a `HelmChartInflationGenerator` plugin config (`generators:`): the globals and
/// chart fields inline.
pub(super) fn plugin_chart(config: &Resource) -> Result<ChartEntry> {
    let file = config.origin();
    let m = mapping(file, config.node())?;
    let mut chart = chart_fields(file, m)?;
    chart.chart_home = string(file, m, "chartHome")?;
    chart.config_home = string(file, m, "configHome")?;
    Ok(ChartEntry {
        chart,
        file: file.clone(),
        span: config.node().span,
    })
}

fn chart_fields(file: &Arc<SourceFile>, m: &Mapping) -> Result<Chart> {
    Ok(Chart {
        name: string(file, m, "name")?,
        version: string(file, m, "version")?,
        repo: string(file, m, "repo")?,
        release_name: string(file, m, "releaseName")?,
        namespace: string(file, m, "namespace")?,
        values_file: non_empty(string(file, m, "valuesFile")?),
        values_inline: field(m, "valuesInline").cloned(),
        values_merge: values_merge(file, m)?,
        additional_values_files: strings(file, m, "additionalValuesFiles")?,
        include_crds: boolean(file, m, "includeCRDs")?,
        skip_hooks: boolean(file, m, "skipHooks")?,
        skip_tests: boolean(file, m, "skipTests")?,
        api_versions: strings(file, m, "apiVersions")?,
        kube_version: string(file, m, "kubeVersion")?,
        name_template: string(file, m, "nameTemplate")?,
        debug: boolean(file, m, "debug")?,
        chart_home: String::new(),
        config_home: String::new(),
    })
}

/// Inflates every chart of one kustomization (or one plugin config) into `acc`, in order.
/// All charts are configured (and checked) before the first runs, as kustomize configures
/// every generator before running any.
pub(super) fn inflate_all(
    entries: Vec<ChartEntry>,
    loader: &Loader<'_>,
    root: &Path,
    options: &HelmOptions,
    acc: &mut ResourceMap,
    origin: Option<Origin>,
) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let mut configured = Vec::with_capacity(entries.len());
    for entry in entries {
        configured.push(configure(entry, loader, root, options)?);
    }
    let Some(inflater) = options.inflater.as_deref() else {
        return Ok(());
    };
    for (entry, home) in &configured {
        let at = |msg: String| Error::at(ErrorKind::External, msg, &entry.file, entry.span);
        for r in inflate(entry, home, loader, root, inflater).map_err(at)? {
            let mut r = Resource::from_node(r.node().clone(), r.origin())?;
            r.history_mut().origin = origin.clone();
            let id = r.id().clone();
            if acc
                .resources()
                .iter()
                .any(|x| x.id().equals(&id) || x.history().prev_ids.iter().any(|p| p.equals(&id)))
            {
                return Err(at(format!(
                    "id {id} exists; behavior must be merge or replace"
                )));
            }
            acc.append(r).map_err(|r| {
                at(format!(
                    "may not add resource with an already registered id: {}",
                    r.id()
                ))
            })?;
        }
    }
    Ok(())
}

/// kustomize's `Config` + `validateArgs`: returns the chart with its defaults filled in and
/// its absolute chart home.
fn configure(
    mut entry: ChartEntry,
    loader: &Loader<'_>,
    root: &Path,
    options: &HelmOptions,
) -> Result<(ChartEntry, PathBuf)> {
    let at = |kind: ErrorKind, msg: String| Error::at(kind, msg, &entry.file, entry.span);
    if options.inflater.is_none() {
        return Err(at(
            ErrorKind::Unsupported,
            "trouble configuring builtin HelmChartInflationGenerator: must specify --enable-helm \
             (no chart inflater: this render was not given a way to run `helm template`)"
                .to_owned(),
        ));
    }
    let c = &mut entry.chart;
    if let Some(v) = &options.kube_version {
        c.kube_version = v.clone();
    }
    if !options.api_versions.is_empty() {
        c.api_versions = options.api_versions.clone();
    }
    if options.debug {
        c.debug = true;
    }
    if c.name.is_empty() {
        return Err(at(
            ErrorKind::Kustomization,
            "chart name cannot be empty".to_owned(),
        ));
    }
    if c.chart_home.is_empty() {
        c.chart_home = "charts".to_owned();
    }
    let mut home = root.join(&c.chart_home);
    if !c.version.is_empty() && !c.repo.is_empty() {
        home = home.join(format!("{}-{}", c.name, c.version));
    }
    let home = crate::fs::clean(&home);
    for file in &mut c.additional_values_files {
        let path = crate::fs::clean(&root.join(&*file));
        loader.load_restricted(root, &path).map_err(|e| {
            Error::at(
                ErrorKind::External,
                format!("could not load additionalValuesFile: {}", e.message()),
                &entry.file,
                entry.span,
            )
        })?;
        *file = path.to_string_lossy().into_owned();
    }
    Ok((entry, home))
}

/// kustomize's `Generate` for one configured chart.
fn inflate(
    entry: &ChartEntry,
    home: &Path,
    loader: &Loader<'_>,
    root: &Path,
    inflater: &dyn ChartInflater,
) -> std::result::Result<Vec<Resource>, String> {
    let c = &entry.chart;
    let config_home = (!c.config_home.is_empty()).then(|| PathBuf::from(&c.config_home));
    let version = inflater.version(config_home.as_deref())?;
    check_version(&version)?;
    let chart_dir = home.join(&c.name);
    if loader.fs().kind(&chart_dir) != crate::fs::FileKind::Dir {
        if c.repo.is_empty() {
            // kustomize's chartExistsLocally returns "" for a path that does not exist.
            let shown = if loader.fs().kind(&chart_dir) == crate::fs::FileKind::Absent {
                String::new()
            } else {
                chart_dir.display().to_string()
            };
            return Err(format!(
                "no repo specified for pull, no chart found at '{shown}' \
                 (looked for the chart directory {}; put the chart there or set `repo:`)",
                chart_dir.display()
            ));
        }
        inflater.pull(&pull_args(c, home), config_home.as_deref())?;
    }
    let values_path = match &c.values_file {
        Some(f) => crate::fs::clean(&root.join(f)),
        None => chart_dir.join("values.yaml"),
    };
    let inline = c
        .values_inline
        .as_ref()
        .filter(|n| n.as_mapping().is_some_and(|m| !m.is_empty()));
    let values = match inline {
        Some(inline) => merged_values(c, inline, &values_path, loader, root)?,
        None => loader
            .read_restricted_bytes(root, &values_path)
            .map_err(|e| e.message().to_owned())?,
    };
    let request = TemplateRequest {
        values,
        values_file_name: format!("{}-kustomize-values.yaml", c.name),
        config_home,
        before_values: before_values(c, home),
        after_values: after_values(c),
    };
    let stdout = inflater.template(&request)?;
    let text = String::from_utf8_lossy(&stdout).into_owned();
    let name = format!("helm template {}", c.name);
    let file = Arc::new(SourceFile::new(name.clone(), text.clone()));
    match loader.parse_resources(&file) {
        Ok(rs) => Ok(rs),
        Err(first) => {
            // Helm may print messages before the first document; kustomize retries without
            // them (kio.ByteReader skips what precedes the first `---`).
            let Some(at) = text.find("\n---") else {
                return Err(format!(
                    "could not parse bytes into resource map: {}",
                    first.message()
                ));
            };
            let rest = text.get(at + 1..).unwrap_or_default().to_owned();
            let file = Arc::new(SourceFile::new(name, rest));
            loader
                .parse_resources(&file)
                .map_err(|e| format!("error reading helm output: {}", e.message()))
        }
    }
}

/// kustomize's `checkHelmVersion`: the first `v?\d+(\.\d+)+` of the output must have major
/// version 3.
fn check_version(stdout: &str) -> std::result::Result<(), String> {
    let bytes = stdout.as_bytes();
    let mut found = None;
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let mut j = i;
        if bytes.get(j) == Some(&b'v') {
            j += 1;
        }
        let digits = |k: usize| {
            let mut e = k;
            while bytes.get(e).is_some_and(u8::is_ascii_digit) {
                e += 1;
            }
            e
        };
        let first_end = digits(j);
        if first_end > j {
            let mut end = first_end;
            let mut groups = 0;
            while bytes.get(end) == Some(&b'.')
                && bytes.get(end + 1).is_some_and(u8::is_ascii_digit)
            {
                end = digits(end + 1);
                groups += 1;
            }
            if groups > 0 {
                found = stdout.get(start..end);
                break;
            }
        }
        i += 1;
    }
    let Some(v) = found else {
        return Err(format!("cannot find version string in {stdout}"));
    };
    let v = v.strip_prefix('v').unwrap_or(v);
    if v.split('.').next() != Some("3") {
        return Err(format!("this plugin requires helm V3 but got v{v}"));
    }
    Ok(())
}

/// `helm pull` arguments (`pullCommand`).
fn pull_args(c: &Chart, home: &Path) -> Vec<String> {
    let mut args = vec![
        "pull".to_owned(),
        "--untar".to_owned(),
        "--untardir".to_owned(),
        home.display().to_string(),
    ];
    if c.repo.starts_with("oci://") {
        args.push(format!("{}/{}", c.repo.trim_end_matches('/'), c.name));
    } else {
        if !c.repo.is_empty() {
            args.push("--repo".to_owned());
            args.push(c.repo.clone());
        }
        args.push(c.name.clone());
    }
    if !c.version.is_empty() {
        args.push("--version".to_owned());
        args.push(c.version.clone());
    }
    args
}

/// `AsHelmArgs` up to the values file.
fn before_values(c: &Chart, home: &Path) -> Vec<String> {
    let mut args = vec!["template".to_owned()];
    if c.release_name.is_empty() {
        args.push("--generate-name".to_owned());
    } else {
        args.push(c.release_name.clone());
    }
    args.push(home.join(&c.name).display().to_string());
    if !c.namespace.is_empty() {
        args.push("--namespace".to_owned());
        args.push(c.namespace.clone());
    }
    if !c.name_template.is_empty() {
        args.push("--name-template".to_owned());
        args.push(c.name_template.clone());
    }
    args
}

/// `AsHelmArgs` after the values file.
fn after_values(c: &Chart) -> Vec<String> {
    let mut args = Vec::new();
    for f in &c.additional_values_files {
        args.push("-f".to_owned());
        args.push(f.clone());
    }
    for v in &c.api_versions {
        args.push("--api-versions".to_owned());
        args.push(v.clone());
    }
    if !c.kube_version.is_empty() {
        args.push("--kube-version".to_owned());
        args.push(c.kube_version.clone());
    }
    for (on, flag) in [
        (c.include_crds, "--include-crds"),
        (c.skip_tests, "--skip-tests"),
        (c.skip_hooks, "--no-hooks"),
        (c.debug, "--debug"),
    ] {
        if on {
            args.push(flag.to_owned());
        }
    }
    args
}

/// The values file kustomize writes when `valuesInline` is given
/// (`createNewMergedValuesFile`), as JSON (which Helm reads as YAML).
fn merged_values(
    c: &Chart,
    inline: &Node,
    values_path: &Path,
    loader: &Loader<'_>,
    root: &Path,
) -> std::result::Result<Vec<u8>, String> {
    let inline = typed_yaml11(inline);
    let mode = c.values_merge.unwrap_or(ValuesMerge::Override);
    let merged = if mode == ValuesMerge::Replace {
        inline
    } else {
        let file = loader
            .load_restricted(root, values_path)
            .map_err(|e| e.message().to_owned())?;
        let values = crate::yaml::parse::parse_single(&file, Default::default())
            .map_err(|e| format!("could not parse values file into rnode: {}", e.message()))?
            .unwrap_or_else(|| Node::mapping(Mapping::new()));
        let opts = MergeOptions::default();
        let out = match mode {
            ValuesMerge::Merge => strategic_merge(&inline, &values, &opts),
            _ => strategic_merge(&values, &inline, &opts),
        }
        .map_err(|e| format!("could not merge values: {e}"))?;
        out.unwrap_or_else(|| Node::mapping(Mapping::new()))
    };
    let mut out = String::new();
    write_json(&merged, &mut out)?;
    out.push('\n');
    Ok(out.into_bytes())
}

/// Returns `n` with every scalar rewritten so that YAML 1.2 typing reads it as go-yaml v2
/// (YAML 1.1) typed it in the kustomization: `yes` becomes `true`, a quoted `"1"` stays a
/// string. The kustomization's `valuesInline` reaches the values merge through Go values.
fn typed_yaml11(n: &Node) -> Node {
    let mut out = n.clone();
    retype(&mut out);
    out
}

fn retype(n: &mut Node) {
    match &mut n.kind {
        NodeKind::Mapping(m) => {
            for e in &mut m.entries {
                retype(&mut e.value);
            }
        }
        NodeKind::Sequence(items) => items.iter_mut().for_each(retype),
        NodeKind::Scalar(s) => {
            let text = match json_scalar(s) {
                JsonScalar::Null => Some("null".to_owned()),
                JsonScalar::Bool(b) => Some(b.to_string()),
                JsonScalar::Int(i) => Some(i.to_string()),
                JsonScalar::Float(f) => crate::go::json_float(f).ok(),
                JsonScalar::String => None,
            };
            *s = match text {
                Some(t) => Scalar::plain(t),
                None => Scalar::string(s.text.clone()),
            };
        }
    }
}

/// Writes `n` as JSON, typing scalars as go-yaml v3 does; map keys sorted, as Go marshals
/// a map.
fn write_json(n: &Node, out: &mut String) -> std::result::Result<(), String> {
    match &n.kind {
        NodeKind::Mapping(m) => {
            let mut entries: Vec<(&str, &Node)> = m.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                crate::go::json_string(k, out);
                out.push(':');
                write_json(v, out)?;
            }
            out.push('}');
        }
        NodeKind::Sequence(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(v, out)?;
            }
            out.push(']');
        }
        NodeKind::Scalar(s) => match resolve::try_resolve(s).map_err(|e| e.message().to_owned())? {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if b { "true" } else { "false" }),
            Value::Int(i) => out.push_str(&i.to_string()),
            Value::UInt(u) => out.push_str(&u.to_string()),
            Value::Float(f) => out.push_str(
                &crate::go::json_float(f).map_err(|v| format!("json: unsupported value: {v}"))?,
            ),
            Value::Str(t) => crate::go::json_string(&t, out),
        },
    }
    Ok(())
}

fn seq(n: Option<&Node>) -> &[Node] {
    n.and_then(Node::as_sequence).map_or(&[], Vec::as_slice)
}

fn mapping<'a>(file: &Arc<SourceFile>, n: &'a Node) -> Result<&'a Mapping> {
    n.as_mapping().ok_or_else(|| {
        Error::at(
            ErrorKind::Kustomization,
            "a Helm chart entry must be a mapping",
            file,
            n.span,
        )
    })
}

fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

fn string(file: &Arc<SourceFile>, m: &Mapping, name: &str) -> Result<String> {
    match field(m, name) {
        None => Ok(String::new()),
        Some(n) if n.is_null() => Ok(String::new()),
        Some(n) => match n.as_str() {
            Some(s)
                if n.as_scalar()
                    .is_some_and(|s| json_scalar(s) == JsonScalar::String) =>
            {
                Ok(s.to_owned())
            }
            _ => Err(Error::at(
                ErrorKind::Kustomization,
                format!("helm chart field `{name}` must be a string"),
                file,
                n.span,
            )),
        },
    }
}

fn strings(file: &Arc<SourceFile>, m: &Mapping, name: &str) -> Result<Vec<String>> {
    let Some(n) = field(m, name).filter(|n| !n.is_null()) else {
        return Ok(Vec::new());
    };
    let bad = || {
        Error::at(
            ErrorKind::Kustomization,
            format!("helm chart field `{name}` must be a list of strings"),
            file,
            n.span,
        )
    };
    n.as_sequence()
        .ok_or_else(bad)?
        .iter()
        .map(|i| i.as_str().map(str::to_owned).ok_or_else(bad))
        .collect()
}

fn boolean(file: &Arc<SourceFile>, m: &Mapping, name: &str) -> Result<bool> {
    match field(m, name) {
        None => Ok(false),
        Some(n) if n.is_null() => Ok(false),
        Some(n) => match n.as_scalar().map(json_scalar) {
            Some(JsonScalar::Bool(b)) => Ok(b),
            _ => Err(Error::at(
                ErrorKind::Kustomization,
                format!("helm chart field `{name}` must be true or false"),
                file,
                n.span,
            )),
        },
    }
}

fn values_merge(file: &Arc<SourceFile>, m: &Mapping) -> Result<Option<ValuesMerge>> {
    let v = string(file, m, "valuesMerge")?;
    match v.as_str() {
        "" => Ok(None),
        "override" => Ok(Some(ValuesMerge::Override)),
        "merge" => Ok(Some(ValuesMerge::Merge)),
        "replace" => Ok(Some(ValuesMerge::Replace)),
        _ => {
            let msg = "valuesMerge must be one of [merge override replace]";
            Err(match field(m, "valuesMerge") {
                Some(n) => Error::at(ErrorKind::Kustomization, msg, file, n.span),
                None => Error::in_file(ErrorKind::Kustomization, msg, file),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_check_reads_the_first_version() {
        let cases = [
            ("v3.14.2+gc309b6f", Ok(())),
            ("v3.99.0+helm-sdk-v4.2.3\n", Ok(())),
            ("3.1", Ok(())),
            (
                "v4.0.1",
                Err("this plugin requires helm V3 but got v4.0.1".to_owned()),
            ),
            ("helm", Err("cannot find version string in helm".to_owned())),
            ("v2", Err("cannot find version string in v2".to_owned())),
        ];
        for (input, want) in cases {
            assert_eq!(check_version(input), want, "{input}");
        }
    }

    #[test]
    fn template_arguments_follow_kustomize() {
        let c = Chart {
            name: "demo".into(),
            release_name: "web".into(),
            namespace: "apps".into(),
            additional_values_files: vec!["/k/extra.yaml".into()],
            api_versions: vec!["a/v1".into()],
            kube_version: "1.29".into(),
            include_crds: true,
            skip_tests: true,
            skip_hooks: true,
            ..Chart::default()
        };
        let req = TemplateRequest {
            values: Vec::new(),
            values_file_name: String::new(),
            config_home: None,
            before_values: before_values(&c, Path::new("/k/charts")),
            after_values: after_values(&c),
        };
        assert_eq!(
            req.args("/tmp/v.yaml").join(" "),
            "template web /k/charts/demo --namespace apps -f /tmp/v.yaml -f /k/extra.yaml \
             --api-versions a/v1 --kube-version 1.29 --include-crds --skip-tests --no-hooks"
        );
        let unnamed = Chart {
            name: "demo".into(),
            ..Chart::default()
        };
        assert_eq!(
            before_values(&unnamed, Path::new("/c")),
            ["template", "--generate-name", "/c/demo"]
        );
    }

    #[test]
    fn pull_arguments_follow_kustomize() {
        let mut c = Chart {
            name: "demo".into(),
            repo: "https://example.com/charts".into(),
            version: "1.2.3".into(),
            ..Chart::default()
        };
        assert_eq!(
            pull_args(&c, Path::new("/h")).join(" "),
            "pull --untar --untardir /h --repo https://example.com/charts demo --version 1.2.3"
        );
        c.repo = "oci://registry.example/charts/".into();
        assert_eq!(
            pull_args(&c, Path::new("/h")).join(" "),
            "pull --untar --untardir /h oci://registry.example/charts/demo --version 1.2.3"
        );
    }

    #[test]
    fn inline_values_are_typed_as_yaml_11() {
        let file = Arc::new(SourceFile::new(
            "k.yaml",
            "a: yes\nb: \"yes\"\nc: 0x1F\nd: ~\ne: [on, 1.5]\n".to_owned(),
        ));
        let node = crate::yaml::parse::parse_single(&file, Default::default())
            .unwrap()
            .unwrap();
        let mut out = String::new();
        write_json(&typed_yaml11(&node), &mut out).unwrap();
        assert_eq!(
            out,
            r#"{"a":true,"b":"yes","c":31,"d":null,"e":[true,1.5]}"#
        );
    }

    /// Records the calls; answers with a fixed version and one ConfigMap.
    #[derive(Debug, Default)]
    struct Fake {
        version: String,
        calls: std::sync::Mutex<Vec<String>>,
    }

    impl ChartInflater for Fake {
        fn version(&self, _: Option<&Path>) -> std::result::Result<String, String> {
            self.calls.lock().unwrap().push("version".into());
            Ok(self.version.clone())
        }
        fn pull(&self, args: &[String], _: Option<&Path>) -> std::result::Result<(), String> {
            self.calls.lock().unwrap().push(args.join(" "));
            Ok(())
        }
        fn template(&self, r: &TemplateRequest) -> std::result::Result<Vec<u8>, String> {
            let values = String::from_utf8_lossy(&r.values).into_owned();
            self.calls
                .lock()
                .unwrap()
                .push(format!("{} <{values}>", r.args("V").join(" ")));
            Ok(b"---\n# Source: c/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n".to_vec())
        }
    }

    fn render_with(fake: &Arc<Fake>, fs: &crate::MemoryFs) -> crate::Result<crate::Rendered> {
        let opts = crate::RenderOptions::new().helm(HelmOptions::new(fake.clone()));
        crate::Renderer::new(opts).render(fs, "/k")
    }

    #[test]
    fn a_missing_chart_with_a_repo_is_pulled_into_name_version() {
        let fake = Arc::new(Fake {
            version: "v3.15.0".into(),
            ..Fake::default()
        });
        let fs = crate::MemoryFs::new()
            .with_file(
                "/k/kustomization.yaml",
                "helmCharts:\n- name: c\n  repo: https://charts.example\n  version: 1.0.0\n  releaseName: r\n  valuesFile: v.yaml\n",
            )
            // The fake pull writes nothing: the values come from a file of the kustomization.
            .with_file("/k/v.yaml", "a: 1\n");
        let out = render_with(&fake, &fs).unwrap();
        assert_eq!(
            out.to_yaml().unwrap(),
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n"
        );
        let calls = fake.calls.lock().unwrap().clone();
        assert_eq!(
            calls,
            [
                "version",
                "pull --untar --untardir /k/charts/c-1.0.0 --repo https://charts.example c --version 1.0.0",
                "template r /k/charts/c-1.0.0/c -f V <a: 1\n>",
            ]
        );
    }

    #[test]
    fn a_chart_present_locally_is_not_pulled() {
        let fake = Arc::new(Fake {
            version: "v3.15.0".into(),
            ..Fake::default()
        });
        let fs = crate::MemoryFs::new()
            .with_file(
                "/k/kustomization.yaml",
                "helmCharts:\n- name: c\n  repo: https://charts.example\n",
            )
            .with_file("/k/charts/c/values.yaml", "a: 1\n");
        render_with(&fake, &fs).unwrap();
        let calls = fake.calls.lock().unwrap().clone();
        assert_eq!(
            calls,
            [
                "version",
                "template --generate-name /k/charts/c -f V <a: 1\n>"
            ]
        );
    }

    #[test]
    fn a_helm_of_another_major_version_fails_at_the_chart() {
        let fake = Arc::new(Fake {
            version: "v4.0.0+g1".into(),
            ..Fake::default()
        });
        let fs = crate::MemoryFs::new()
            .with_file("/k/kustomization.yaml", "helmCharts:\n- name: c\n")
            .with_file("/k/charts/c/values.yaml", "a: 1\n");
        let err = render_with(&fake, &fs).unwrap_err();
        assert_eq!(
            err.to_string(),
            "/k/kustomization.yaml:2:3: this plugin requires helm V3 but got v4.0.0"
        );
    }
}
