//! `--decrypt`: the keys that open SOPS files, found where `sops` itself looks for them
//! (age/keysource.go in getsops/sops), loaded once and only when a file needs them.

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use strata::sops::{AgeKeys, KeySource, Keys, MasterKey};

/// Age identities from `SOPS_AGE_KEY`, `SOPS_AGE_KEY_FILE`, the output of
/// `SOPS_AGE_KEY_CMD` and the default key file, all of them together as `sops` reads them.
#[derive(Default)]
pub struct EnvKeys {
    age: OnceLock<Result<AgeKeys, String>>,
}

/// Returns the key source of `--decrypt`.
pub fn from_env() -> Keys {
    Arc::new(EnvKeys::default())
}

impl fmt::Debug for EnvKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EnvKeys")
    }
}

impl KeySource for EnvKeys {
    fn data_key(&self, keys: &[MasterKey]) -> Result<Vec<u8>, String> {
        match self.age.get_or_init(load_age) {
            Ok(age) => age.data_key(keys),
            Err(m) => Err(m.clone()),
        }
    }
}

fn load_age() -> Result<AgeKeys, String> {
    let mut keys = AgeKeys::new();
    let mut add = |origin: &str, text: &str| {
        keys.add_text(text)
            .map(|_| ())
            .map_err(|line| format!("{origin}: line {line} is not an age identity"))
    };
    if let Ok(text) = std::env::var("SOPS_AGE_KEY") {
        add("SOPS_AGE_KEY", &text)?;
    }
    if let Some(path) = std::env::var_os("SOPS_AGE_KEY_FILE") {
        let path = PathBuf::from(path);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("SOPS_AGE_KEY_FILE {}: {e}", path.display()))?;
        add(&format!("SOPS_AGE_KEY_FILE {}", path.display()), &text)?;
    }
    if let Ok(cmd) = std::env::var("SOPS_AGE_KEY_CMD") {
        let out = std::process::Command::new("sh")
            .args(["-c", &cmd])
            .stderr(std::process::Stdio::inherit())
            .output()
            .map_err(|e| format!("SOPS_AGE_KEY_CMD: {e}"))?;
        if !out.status.success() {
            return Err(format!("SOPS_AGE_KEY_CMD exited with {}", out.status));
        }
        add("SOPS_AGE_KEY_CMD", &String::from_utf8_lossy(&out.stdout))?;
    }
    if let Some(path) = default_key_file().filter(|p| p.is_file()) {
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        add(&path.display().to_string(), &text)?;
    }
    if keys.is_empty() {
        return Err(
            "no age identity was given: set SOPS_AGE_KEY, SOPS_AGE_KEY_FILE or \
                    SOPS_AGE_KEY_CMD, or write ~/.config/sops/age/keys.txt"
                .into(),
        );
    }
    Ok(keys)
}

/// `$XDG_CONFIG_HOME/sops/age/keys.txt`, else `~/.config/sops/age/keys.txt` (Go's
/// `os.UserConfigDir` on Linux).
fn default_key_file() -> Option<PathBuf> {
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(config.join("sops/age/keys.txt"))
}
