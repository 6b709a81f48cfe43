//! age identities as a [`KeySource`]: SOPS stores the data key of each age recipient as an
//! armored age file (keys/age in getsops/sops); the `age` crate opens it.

use std::fmt;
use std::io::Read;
use std::str::FromStr;

use super::{KeySource, MasterKey};

/// Most bytes an age-wrapped data key may decrypt to (SOPS stores 32).
const MAX_DATA_KEY: u64 = 1024;

/// age identities: X25519 keys (`AGE-SECRET-KEY-1…`, as `age-keygen` writes them), hybrid
/// post-quantum ML-KEM-768 + X25519 keys (`AGE-SECRET-KEY-PQ-1…`, `age-keygen -pq`, the
/// `age1pq1…` recipients of sops 3.12 and later) and unencrypted ssh-ed25519 / ssh-rsa private
/// keys (age's ssh recipients, which SOPS accepts).
#[derive(Default)]
pub struct AgeKeys {
    identities: Vec<age::x25519::Identity>,
    pq: Vec<age::pq::Identity>,
    ssh: Vec<age::ssh::Identity>,
}

impl AgeKeys {
    /// Returns an empty set.
    pub fn new() -> AgeKeys {
        AgeKeys::default()
    }

    /// Adds the identities of a key file's text: one `AGE-SECRET-KEY-1…` or
    /// `AGE-SECRET-KEY-PQ-1…` per line, `#` comments and blank lines skipped. Returns how many were added, or the line number of
    /// the first line that is not an identity (the line itself is never repeated: it may be
    /// a secret).
    pub fn add_text(&mut self, text: &str) -> Result<usize, usize> {
        let mut added = 0;
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if line.starts_with("AGE-SECRET-KEY-PQ-") {
                let id = age::pq::Identity::from_str(line).map_err(|_| i + 1)?;
                self.pq.push(id);
            } else {
                let id = age::x25519::Identity::from_str(line).map_err(|_| i + 1)?;
                self.identities.push(id);
            }
            added += 1;
        }
        Ok(added)
    }

    /// Adds an OpenSSH private key (ed25519 or RSA) given as the text of its file. Returns
    /// why it cannot be used: not a key, protected by a passphrase, or an unsupported type.
    pub fn add_ssh(&mut self, text: &str) -> Result<(), String> {
        let id = age::ssh::Identity::from_buffer(text.as_bytes(), None)
            .map_err(|_| "not an OpenSSH private key".to_string())?;
        match id {
            age::ssh::Identity::Unencrypted(_) => {
                self.ssh.push(id);
                Ok(())
            }
            age::ssh::Identity::Encrypted(_) => {
                Err("passphrase-protected ssh keys are not supported".into())
            }
            age::ssh::Identity::Unsupported(_) => Err("unsupported ssh key type".into()),
        }
    }

    /// Returns the number of identities.
    pub fn len(&self) -> usize {
        self.identities.len() + self.pq.len() + self.ssh.len()
    }

    /// Returns true when there are no identities.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl fmt::Debug for AgeKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the keys themselves.
        write!(f, "AgeKeys({} identities)", self.len())
    }
}

impl KeySource for AgeKeys {
    fn data_key(&self, keys: &[MasterKey]) -> Result<Vec<u8>, String> {
        if self.is_empty() {
            return Err("no age identity was given".into());
        }
        let mut any_age = false;
        for key in keys {
            let MasterKey::Age { enc, .. } = key else {
                continue;
            };
            any_age = true;
            if let Some(data_key) = self.open(enc) {
                return Ok(data_key);
            }
        }
        Err(if any_age {
            "none of the given age identities matches a recipient".into()
        } else {
            "the file has no age recipient".into()
        })
    }
}

impl AgeKeys {
    fn open(&self, enc: &str) -> Option<Vec<u8>> {
        let reader = age::armor::ArmoredReader::new(enc.as_bytes());
        let decryptor = age::Decryptor::new(reader).ok()?;
        let x25519 = self.identities.iter().map(|i| i as &dyn age::Identity);
        let pq = self.pq.iter().map(|i| i as &dyn age::Identity);
        let ids = x25519
            .chain(pq)
            .chain(self.ssh.iter().map(|i| i as &dyn age::Identity));
        let stream = decryptor.decrypt(ids).ok()?;
        let mut out = Vec::new();
        stream.take(MAX_DATA_KEY).read_to_end(&mut out).ok()?;
        Some(out)
    }
}
