//! `--decrypt`: the keys that open SOPS files, found where `sops` itself looks for them
//! (age/keysource.go and kms/keysource.go in getsops/sops), loaded once and only when a file
//! needs them.

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use strata::{AgeKeys, KeySource, Keys, MasterKey};

/// Age identities from `SOPS_AGE_KEY`, `SOPS_AGE_KEY_FILE`, the output of
/// `SOPS_AGE_KEY_CMD` and the default key file, all of them together as `sops` reads them;
/// then OpenPGP secret keys (with the `pgp` feature); then AWS KMS with the default
/// credential chain (with the `kms` feature).
#[derive(Default)]
pub struct EnvKeys {
    age: OnceLock<Result<AgeKeys, String>>,
    #[cfg(feature = "pgp")]
    pgp: OnceLock<Result<strata::PgpKeys, String>>,
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
        let has_age = keys.iter().any(|k| matches!(k, MasterKey::Age { .. }));
        let mut why = Vec::new();
        if has_age {
            match self.age.get_or_init(load_age) {
                Ok(age) => match age.data_key(keys) {
                    Ok(key) => return Ok(key),
                    Err(m) => why.push(m),
                },
                Err(m) => why.push(m.clone()),
            }
        }
        if keys.iter().any(|k| matches!(k, MasterKey::Pgp { .. })) {
            match self.pgp_data_key(keys) {
                Ok(key) => return Ok(key),
                Err(m) => why.push(m),
            }
        }
        for key in keys {
            if let MasterKey::Kms { .. } = key {
                match kms::data_key(key) {
                    Ok(k) => return Ok(k),
                    Err(m) => why.push(m),
                }
            }
        }
        if why.is_empty() {
            why.push("no age, PGP or AWS KMS key among them".into());
        }
        Err(why.join("; "))
    }
}

impl EnvKeys {
    #[cfg(feature = "pgp")]
    fn pgp_data_key(&self, keys: &[MasterKey]) -> Result<Vec<u8>, String> {
        match self.pgp.get_or_init(load_pgp) {
            Ok(pgp) => pgp.data_key(keys),
            Err(m) => Err(m.clone()),
        }
    }

    #[cfg(not(feature = "pgp"))]
    fn pgp_data_key(&self, _keys: &[MasterKey]) -> Result<Vec<u8>, String> {
        Err("this build has no PGP support (feature `pgp`)".into())
    }
}

/// OpenPGP secret keys without GnuPG. `sops` itself asks gpg (and its agent), after first
/// reading GnuPG 1's keyring `$GNUPGHOME/secring.gpg` (default `~/.gnupg`) itself
/// (pgp/keysource.go `getSecRing`); Strata reads that keyring too, plus the exported keys
/// (`gpg --export-secret-keys --armor`) in `STRATA_PGP_KEY` and the files listed in
/// `STRATA_PGP_KEY_FILE` (separated by `:`), as CI secrets and Kubernetes Secrets hold them.
/// Keys need to be without a passphrase: there is no agent to ask.
#[cfg(feature = "pgp")]
fn load_pgp() -> Result<strata::PgpKeys, String> {
    let mut keys = strata::PgpKeys::new();
    if let Ok(text) = std::env::var("STRATA_PGP_KEY") {
        keys.add_keyring(text.as_bytes())
            .map_err(|m| format!("STRATA_PGP_KEY: {m}"))?;
    }
    if let Some(list) = std::env::var_os("STRATA_PGP_KEY_FILE") {
        for path in std::env::split_paths(&list).filter(|p| !p.as_os_str().is_empty()) {
            let origin = format!("STRATA_PGP_KEY_FILE {}", path.display());
            let bytes = std::fs::read(&path).map_err(|e| format!("{origin}: {e}"))?;
            keys.add_keyring(&bytes)
                .map_err(|m| format!("{origin}: {m}"))?;
        }
    }
    let home = std::env::var_os("GNUPGHOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".gnupg")));
    if let Some(ring) = home.map(|h| h.join("secring.gpg"))
        && let Ok(bytes) = std::fs::read(&ring)
    {
        keys.add_keyring(&bytes)
            .map_err(|m| format!("{}: {m}", ring.display()))?;
    }
    if keys.is_empty() {
        return Err(
            "no OpenPGP secret key was given: set STRATA_PGP_KEY (an exported secret key) or \
             STRATA_PGP_KEY_FILE, or keep a GnuPG 1 keyring in $GNUPGHOME/secring.gpg \
             (Strata does not ask gpg or gpg-agent)"
                .into(),
        );
    }
    Ok(keys)
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
        add("SOPS_AGE_KEY_CMD", &run_key_cmd("SOPS_AGE_KEY_CMD", &cmd)?)?;
    }
    if let Some(path) = default_key_file().filter(|p| p.is_file()) {
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        add(&path.display().to_string(), &text)?;
    }
    load_ssh(&mut keys)?;
    if keys.is_empty() {
        return Err(
            "no age identity was given: set SOPS_AGE_KEY, SOPS_AGE_KEY_FILE or \
             SOPS_AGE_KEY_CMD, write ~/.config/sops/age/keys.txt, or give an ssh key"
                .into(),
        );
    }
    Ok(keys)
}

/// ssh private keys as age identities, as sops loads them: `SOPS_AGE_SSH_PRIVATE_KEY_FILE`,
/// the output of `SOPS_AGE_SSH_PRIVATE_KEY_CMD`, else `~/.ssh/id_ed25519` and `~/.ssh/id_rsa`
/// (those two skipped quietly when unusable, say passphrase-protected).
fn load_ssh(keys: &mut AgeKeys) -> Result<(), String> {
    let mut explicit = false;
    if let Some(path) = std::env::var_os("SOPS_AGE_SSH_PRIVATE_KEY_FILE") {
        explicit = true;
        let path = PathBuf::from(path);
        let origin = format!("SOPS_AGE_SSH_PRIVATE_KEY_FILE {}", path.display());
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{origin}: {e}"))?;
        keys.add_ssh(&text).map_err(|m| format!("{origin}: {m}"))?;
    }
    if let Ok(cmd) = std::env::var("SOPS_AGE_SSH_PRIVATE_KEY_CMD") {
        explicit = true;
        let text = run_key_cmd("SOPS_AGE_SSH_PRIVATE_KEY_CMD", &cmd)?;
        keys.add_ssh(&text)
            .map_err(|m| format!("SOPS_AGE_SSH_PRIVATE_KEY_CMD: {m}"))?;
    }
    if !explicit && let Some(home) = std::env::var_os("HOME") {
        for name in ["id_ed25519", "id_rsa"] {
            let path = PathBuf::from(&home).join(".ssh").join(name);
            if let Ok(text) = std::fs::read_to_string(&path) {
                // Not an error: sops, too, only notes an unusable default key.
                let _ = keys.add_ssh(&text);
            }
        }
    }
    Ok(())
}

/// Runs a key command with `sh -c` and returns its stdout.
fn run_key_cmd(var: &str, cmd: &str) -> Result<String, String> {
    let out = std::process::Command::new("sh")
        .args(["-c", cmd])
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("{var}: {e}"))?;
    if !out.status.success() {
        return Err(format!("{var} exited with {}", out.status));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
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

#[cfg(feature = "kms")]
mod kms {
    use std::time::Duration;

    use aws_config::BehaviorVersion;
    use aws_config::sts::AssumeRoleProvider;
    use aws_config::timeout::TimeoutConfig;
    use aws_sdk_kms::config::Region;
    use aws_sdk_kms::config::SharedCredentialsProvider;
    use aws_sdk_kms::error::DisplayErrorContext;
    use aws_sdk_kms::primitives::Blob;
    use strata::MasterKey;

    /// How long one KMS call may take, retries included.
    const TIMEOUT: Duration = Duration::from_secs(30);

    /// Decrypts the data key of KMS master `key` as `sops` does: the region from the ARN,
    /// the stored encryption context, the AWS default credential chain (`AWS_PROFILE`, or the
    /// key's `aws_profile`), and the key's `role` assumed through STS with those credentials
    /// (kms/keysource.go `createSTSConfig`); `AWS_ENDPOINT_URL` points it elsewhere.
    pub fn data_key(key: &MasterKey) -> Result<Vec<u8>, String> {
        let MasterKey::Kms {
            arn,
            enc,
            context,
            role,
            profile,
            ..
        } = key
        else {
            return Err("not a KMS key".into());
        };
        let role = role.as_deref().filter(|r| !r.is_empty());
        let who = match role {
            Some(r) => format!("kms {arn} (role {r})"),
            None => format!("kms {arn}"),
        };
        let region = arn
            .split(':')
            .nth(3)
            .filter(|r| !r.is_empty())
            .ok_or_else(|| format!("kms {arn}: no region in the ARN"))?;
        let blob = aws_smithy_types::base64::decode(enc)
            .map_err(|_| format!("{who}: the encrypted data key is not base64"))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("{who}: {e}"))?;
        runtime.block_on(async {
            let mut loader = aws_config::defaults(BehaviorVersion::latest())
                .region(Region::new(region.to_string()))
                .timeout_config(TimeoutConfig::builder().operation_timeout(TIMEOUT).build());
            if let Some(p) = profile.as_deref().filter(|p| !p.is_empty()) {
                loader = loader.profile_name(p);
            }
            let mut config = loader.load().await;
            if let Some(role) = role {
                let assumed = AssumeRoleProvider::builder(role)
                    .session_name(session_name())
                    .configure(&config)
                    .build()
                    .await;
                config = config
                    .into_builder()
                    .credentials_provider(SharedCredentialsProvider::new(assumed))
                    .build();
            }
            let client = aws_sdk_kms::Client::new(&config);
            let mut request = client
                .decrypt()
                .key_id(arn)
                .ciphertext_blob(Blob::new(blob));
            for (k, v) in context {
                request = request.encryption_context(k, v);
            }
            let out = request
                .send()
                .await
                .map_err(|e| format!("{who}: {}", DisplayErrorContext(&e)))?;
            out.plaintext()
                .map(|p| p.as_ref().to_vec())
                .ok_or_else(|| format!("{who}: no plaintext in the response"))
        })
    }

    /// Returns the STS session name sops uses, `sops@HOSTNAME`: the host name without the
    /// characters STS refuses, at most 64 bytes (kms/keysource.go `stsSessionName`).
    fn session_name() -> String {
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .ok()
            .or_else(|| std::env::var("HOSTNAME").ok())
            .unwrap_or_default();
        let allowed = |c: &char| c.is_ascii_alphanumeric() || "=,.@-".contains(*c);
        let mut name: String = "sops@"
            .chars()
            .chain(host.trim().chars().filter(allowed))
            .collect();
        name.truncate(64);
        name
    }
}

#[cfg(not(feature = "kms"))]
mod kms {
    use strata::MasterKey;

    pub fn data_key(key: &MasterKey) -> Result<Vec<u8>, String> {
        let MasterKey::Kms { arn, .. } = key else {
            return Err("not a KMS key".into());
        };
        Err(format!(
            "kms {arn}: this build has no AWS KMS support (feature `kms`)"
        ))
    }
}
