//! Runs the `helm` command for chart inflation (`--enable-helm`, `--helm-command`): the
//! process side of `strata::ChartInflater`, as kustomize's HelmChartInflationGenerator runs
//! Helm (api/internal/builtins/HelmChartInflationGenerator.go `runHelmCommand`): the
//! environment gains `HELM_CONFIG_HOME`, `HELM_CACHE_HOME` and `HELM_DATA_HOME`, the values
//! file goes to a fresh temporary directory that is removed afterwards, and a failure reports
//! Helm's stderr and the command line in kustomize's words.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};

use strata::{ChartInflater, TemplateRequest};

/// Runs `command` (default `helm`) as Helm.
#[derive(Debug)]
pub struct HelmCommand {
    command: String,
}

impl HelmCommand {
    /// Returns an inflater running `command`.
    pub fn new(command: impl Into<String>) -> HelmCommand {
        HelmCommand {
            command: command.into(),
        }
    }

    /// Runs Helm with `args` and returns its stdout, or kustomize's error text.
    fn run(&self, args: &[String], config_home: &Path) -> Result<Vec<u8>, String> {
        let home = config_home.display();
        let env = [
            ("HELM_CONFIG_HOME", format!("{home}")),
            ("HELM_CACHE_HOME", format!("{home}/.cache")),
            ("HELM_DATA_HOME", format!("{home}/.data")),
        ];
        let shown_env: Vec<String> = env.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let describe = |stderr: &str, stdout: &str, cause: String| {
            let output = if args.iter().any(|a| a == "--debug") {
                format!(" Helm stack trace:\n{stderr}\nHelm template:\n{stdout}\n")
            } else {
                stderr.to_owned()
            };
            let message = format!(
                "unable to run: '{} {}' with env=[{}] (is '{}' installed?): {cause}",
                self.command,
                args.join(" "),
                shown_env.join(" "),
                self.command
            );
            // kyaml's errors.WrapPrefixf adds nothing for an empty prefix.
            if output.is_empty() {
                message
            } else {
                format!("{output}: {message}")
            }
        };
        let out = Command::new(&self.command)
            .args(args)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .output()
            .map_err(|e| {
                // Go's os/exec words: a bare name is looked up in $PATH, a path is run as is.
                let cause = if self.command.contains('/') {
                    let reason = match e.kind() {
                        std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
                        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
                        _ => e.to_string(),
                    };
                    format!("fork/exec {}: {reason}", self.command)
                } else if e.kind() == std::io::ErrorKind::NotFound {
                    format!(
                        "exec: \"{}\": executable file not found in $PATH",
                        self.command
                    )
                } else {
                    format!("exec: \"{}\": {e}", self.command)
                };
                describe("", "", cause)
            })?;
        if out.status.success() {
            return Ok(out.stdout);
        }
        let cause = match out.status.code() {
            Some(code) => format!("exit status {code}"),
            None => "signal: killed".to_owned(),
        };
        Err(describe(
            &String::from_utf8_lossy(&out.stderr),
            &String::from_utf8_lossy(&out.stdout),
            cause,
        ))
    }
}

/// A temporary directory removed when dropped (kustomize's `kustomize-helm-*`).
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<TempDir, String> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let base = std::env::temp_dir();
        for _ in 0..100 {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos());
            let path = base.join(format!("strata-helm-{}-{n}-{nanos}", std::process::id()));
            match std::fs::create_dir(&path) {
                Ok(()) => return Ok(TempDir(path)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    return Err(format!(
                        "unable to create tmp dir for HELM_CONFIG_HOME: {e}"
                    ));
                }
            }
        }
        Err("unable to create tmp dir for HELM_CONFIG_HOME".to_owned())
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Returns `config_home`, or `{tmp}/helm` in a new temporary directory `tmp`.
fn home(config_home: Option<&Path>, tmp: &TempDir) -> PathBuf {
    config_home.map_or_else(|| tmp.0.join("helm"), Path::to_path_buf)
}

impl ChartInflater for HelmCommand {
    fn version(&self, config_home: Option<&Path>) -> Result<String, String> {
        let tmp = TempDir::new()?;
        let out = self.run(
            &["version".into(), "-c".into(), "--short".into()],
            &home(config_home, &tmp),
        )?;
        Ok(String::from_utf8_lossy(&out).into_owned())
    }

    fn pull(&self, args: &[String], config_home: Option<&Path>) -> Result<(), String> {
        let tmp = TempDir::new()?;
        self.run(args, &home(config_home, &tmp)).map(|_| ())
    }

    fn template(&self, request: &TemplateRequest) -> Result<Vec<u8>, String> {
        let tmp = TempDir::new()?;
        let values = tmp.0.join(&request.values_file_name);
        std::fs::write(&values, &request.values)
            .map_err(|e| format!("failed to write values file: {e}"))?;
        let args = request.args(&values.display().to_string());
        self.run(&args, &home(request.config_home.as_deref(), &tmp))
    }
}
