//! Runs kustomize's legacy exec plugins (`--enable-alpha-plugins`): the process side of
//! `strata::PluginRunner`, as api/internal/plugins/execplugin/execplugin.go runs them.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};

use strata::{ExecRequest, FunctionRequest, PluginRunner};

/// kustomize's limit on each of the two plugin environment variables.
const MAX_ENV_LEN: usize = 131_071;

/// Finds plugins under kustomize's plugin home and runs them; exec KRM functions only when
/// `exec_functions` (`--enable-exec`).
#[derive(Debug, Default)]
pub struct ExecPlugins {
    /// `--enable-exec`.
    pub exec_functions: bool,
}

/// kustomize's `DefaultAbsPluginHome`: the first of `$KUSTOMIZE_PLUGIN_HOME`,
/// `$XDG_CONFIG_HOME/kustomize/plugin`, `$HOME/.config/kustomize/plugin` that exists.
fn plugin_home() -> Result<PathBuf, String> {
    let mut tried = Vec::new();
    let candidates = [
        std::env::var_os("KUSTOMIZE_PLUGIN_HOME").map(PathBuf::from),
        std::env::var_os("XDG_CONFIG_HOME").map(|x| PathBuf::from(x).join("kustomize/plugin")),
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config/kustomize/plugin")),
    ];
    for c in candidates.into_iter().flatten() {
        if c.is_dir() {
            return Ok(c);
        }
        tried.push(c.display().to_string());
    }
    Err(format!(
        "unable to find plugin root - tried: {}",
        tried.join(", ")
    ))
}

impl PluginRunner for ExecPlugins {
    fn run_exec(&self, req: &ExecRequest) -> Result<Vec<u8>, String> {
        let path = plugin_home()?.join(req.relative_path());
        match std::fs::metadata(&path) {
            Ok(m) => {
                use std::os::unix::fs::PermissionsExt;
                if m.permissions().mode() & 0o111 == 0 {
                    return Err(format!("unexecutable plugin at: {}", path.display()));
                }
            }
            Err(_) => {
                return Err(format!(
                    "no exec plugin at {} (Go plugins, {}.so, are not supported)",
                    path.display(),
                    path.display()
                ));
            }
        }
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let config_file = std::env::temp_dir().join(format!(
            "kust-plugin-config-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::write(&config_file, &req.config)
            .map_err(|e| format!("writing plugin config to {}: {e}", config_file.display()))?;
        let result = run(req, &path, &config_file);
        let _ = std::fs::remove_file(&config_file);
        result
    }

    fn run_function(&self, req: &FunctionRequest) -> Result<Vec<u8>, String> {
        if !self.exec_functions {
            return Err(format!(
                "exec function '{}' not run: exec functions need --enable-exec",
                req.path
            ));
        }
        // A relative path with a slash is relative to the kustomization directory, the
        // function's working directory; a bare name is looked up in $PATH.
        let program = if req.path.contains('/') {
            req.dir.join(&req.path)
        } else {
            PathBuf::from(&req.path)
        };
        let mut child = Command::new(&program)
            .current_dir(&req.dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run '{}': {e}", req.path))?;
        let input = req.input.clone();
        let stdin = child.stdin.take();
        let writer = std::thread::spawn(move || {
            if let Some(mut s) = stdin {
                let _ = s.write_all(&input);
            }
        });
        let out = child
            .wait_with_output()
            .map_err(|e| format!("'{}': {e}", req.path))?;
        let _ = writer.join();
        if out.status.success() {
            return Ok(out.stdout);
        }
        let code = out.status.code().map_or_else(
            || "signal: killed".to_owned(),
            |c| format!("exit status {c}"),
        );
        Err(format!(
            "'{}' failed: {code}: {}",
            req.path,
            String::from_utf8_lossy(&out.stderr).trim_end()
        ))
    }
}

fn run(
    req: &ExecRequest,
    path: &std::path::Path,
    config_file: &std::path::Path,
) -> Result<Vec<u8>, String> {
    let mut cmd = Command::new(path);
    cmd.arg(config_file).args(&req.args);
    let config = String::from_utf8_lossy(&req.config);
    if "KUSTOMIZE_PLUGIN_CONFIG_STRING=".len() + config.len() <= MAX_ENV_LEN {
        cmd.env("KUSTOMIZE_PLUGIN_CONFIG_STRING", config.as_ref());
    }
    cmd.env("KUSTOMIZE_PLUGIN_CONFIG_ROOT", &req.dir);
    if req.dir.is_dir() {
        cmd.current_dir(&req.dir);
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            format!(
                "failure in plugin configured via {}; {e}",
                config_file.display()
            )
        })?;
    let input = req.input.clone().unwrap_or_default();
    let stdin = child.stdin.take();
    // Feed stdin on a thread so a plugin that writes before it reads cannot deadlock.
    let writer = std::thread::spawn(move || {
        if let Some(mut s) = stdin {
            let _ = s.write_all(&input);
        }
    });
    let out = child.wait_with_output().map_err(|e| {
        format!(
            "failure in plugin configured via {}; {e}",
            config_file.display()
        )
    })?;
    let _ = writer.join();
    if out.status.success() {
        return Ok(out.stdout);
    }
    let code = out.status.code().map_or_else(
        || "signal: killed".to_owned(),
        |c| format!("exit status {c}"),
    );
    let message = format!(
        "failure in plugin configured via {}; {code}",
        config_file.display()
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    // kyaml's errors.WrapPrefixf: the plugin's stderr first, if any.
    Err(if stderr.is_empty() {
        message
    } else {
        format!("{stderr}: {message}")
    })
}
