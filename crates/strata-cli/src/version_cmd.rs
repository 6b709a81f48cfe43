//! `version`: the kustomize release whose behaviour Strata reproduces, in the shapes
//! `kustomize version` prints (kustomize/commands/version/version.go, api/provenance).
//!
//! Tools parse this output: Argo CD runs `kustomize version --short` and gates features on
//! the version it finds (argo-cd util/kustomize/kustomize.go), so it names the kustomize
//! release, not Strata's own version (`strata --version` says both).

use std::process::ExitCode;

use crate::args::{VersionArgs, VersionFormat};
use crate::commands::{Failure, write_stdout};

/// kustomize's default for provenance fields a build did not stamp.
const UNKNOWN: &str = "unknown";

/// Runs `version`.
pub fn run(args: &VersionArgs) -> Result<ExitCode, Failure> {
    write_stdout(&text(args))
}

/// Returns what `version` prints for `args`.
fn text(args: &VersionArgs) -> String {
    let version = strata::KUSTOMIZE_VERSION;
    let (os, arch) = (go_os(), go_arch());
    match (args.short, args.output) {
        // Go's `%v` of provenance.Provenance{Version, BuildDate}: six fields joined by spaces,
        // the empty ones included (`Short`).
        (true, _) => format!("{{{version}  {UNKNOWN}   }}\n"),
        (false, None) => format!("{version}\n"),
        // go-yaml's Marshal of the struct (empty fields omitted), then `Println`'s newline.
        (false, Some(VersionFormat::Yaml)) => format!(
            "version: {version}\ngitCommit: {UNKNOWN}\nbuildDate: {UNKNOWN}\ngoOs: {os}\n\
             goArch: {arch}\n\n"
        ),
        // `json.MarshalIndent(p, "", "  ")`, then `Println`'s newline.
        (false, Some(VersionFormat::Json)) => format!(
            "{{\n  \"version\": \"{version}\",\n  \"gitCommit\": \"{UNKNOWN}\",\n  \
             \"buildDate\": \"{UNKNOWN}\",\n  \"goOs\": \"{os}\",\n  \"goArch\": \"{arch}\"\n}}\n"
        ),
    }
}

/// Returns the operating system as Go's `GOOS` names it.
fn go_os() -> &'static str {
    match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    }
}

/// Returns the platform's architecture as Go's `GOARCH` names it.
fn go_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "x86" => "386",
        "aarch64" => "arm64",
        "powerpc64" => "ppc64",
        "loongarch64" => "loong64",
        other => other,
    }
}
