//! OpenPGP secret keys as a [`KeySource`]: SOPS stores the data key of each PGP master key as
//! an armored OpenPGP message (pgp/keysource.go in getsops/sops); rPGP (the `pgp` crate)
//! opens it with a secret key the caller loaded, without GnuPG or its agent.

use std::fmt;
use std::io::{BufReader, Read};

use pgp::composed::{Message, PublicOrSecret, SignedSecretKey};
use pgp::types::{KeyDetails, Password};

use super::{KeySource, MasterKey};

/// Most bytes a PGP-wrapped data key may decrypt to (SOPS stores 32, or a 33-byte share).
const MAX_DATA_KEY: u64 = 1024;

/// How every armored block starts.
const ARMOR_BEGIN: &str = "-----BEGIN PGP ";

/// Most keys one keyring may hold.
const MAX_KEYS: usize = 10_000;

/// OpenPGP secret keys, without a passphrase: transferable secret keys as `gpg
/// --export-secret-keys` writes them, armored or binary, and GnuPG 1's `secring.gpg`.
#[derive(Default)]
pub struct PgpKeys {
    keys: Vec<SignedSecretKey>,
}

impl PgpKeys {
    /// Returns an empty set.
    pub fn new() -> PgpKeys {
        PgpKeys::default()
    }

    /// Adds the secret keys of a keyring's bytes: binary packets, or one or more armored
    /// blocks one after the other (public keys among them are skipped). Returns how many
    /// were added, or why the bytes are no keyring; the reason never quotes the input.
    pub fn add_keyring(&mut self, bytes: &[u8]) -> Result<usize, String> {
        let Some(text) = std::str::from_utf8(bytes)
            .ok()
            .filter(|t| t.trim_start().starts_with(ARMOR_BEGIN))
        else {
            return self.add_packets(bytes);
        };
        let mut added = 0;
        for (i, _) in text.match_indices(ARMOR_BEGIN) {
            added += self.add_packets(&bytes[i..])?;
        }
        Ok(added)
    }

    /// Adds the secret keys of one armored block (the first in `bytes`) or of binary packets.
    fn add_packets(&mut self, bytes: &[u8]) -> Result<usize, String> {
        let (items, _) = PublicOrSecret::from_reader_many(BufReader::new(bytes))
            .map_err(|_| "not an OpenPGP keyring".to_string())?;
        let mut added = 0;
        for item in items {
            if self.keys.len() >= MAX_KEYS {
                return Err(format!("more than {MAX_KEYS} OpenPGP keys"));
            }
            match item {
                Ok(PublicOrSecret::Secret(key)) => {
                    self.keys.push(key);
                    added += 1;
                }
                Ok(PublicOrSecret::Public(_)) => {}
                Err(_) => return Err("a key in the keyring cannot be read".into()),
            }
        }
        Ok(added)
    }

    /// Returns the fingerprints of the keys, upper-case hex as SOPS writes them (`fp:`).
    pub fn fingerprints(&self) -> Vec<String> {
        self.keys.iter().map(fingerprint).collect()
    }

    /// Returns the number of secret keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Returns true when there are no secret keys.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Returns the data key `enc` holds, or why it could not be opened.
    fn open(&self, enc: &str) -> Result<Vec<u8>, Failure> {
        let (message, _) =
            Message::from_armor(BufReader::new(enc.as_bytes())).map_err(|_| Failure::Malformed)?;
        let keys: Vec<&SignedSecretKey> = self.keys.iter().collect();
        let empty = Password::empty();
        let passwords = vec![&empty; keys.len()];
        let message = message
            .decrypt_with_keys(passwords, keys)
            .map_err(|_| Failure::NoKey)?;
        let mut message = if message.is_compressed() {
            message.decompress().map_err(|_| Failure::Malformed)?
        } else {
            message
        };
        let mut out = Vec::new();
        // Reading to the end also checks the message's integrity (MDC or AEAD tag).
        message
            .by_ref()
            .take(MAX_DATA_KEY)
            .read_to_end(&mut out)
            .map_err(|_| Failure::Malformed)?;
        Ok(out)
    }
}

/// Why one PGP master key did not open.
enum Failure {
    /// No given key opens it (or the matching key is passphrase-protected).
    NoKey,
    /// The message cannot be read or fails its integrity check.
    Malformed,
}

fn fingerprint(key: &SignedSecretKey) -> String {
    key.fingerprint()
        .as_bytes()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect()
}

impl fmt::Debug for PgpKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the keys themselves.
        write!(f, "PgpKeys({} secret keys)", self.len())
    }
}

impl KeySource for PgpKeys {
    fn data_key(&self, keys: &[MasterKey]) -> Result<Vec<u8>, String> {
        if self.is_empty() {
            return Err("no OpenPGP secret key was given".into());
        }
        let mut any_pgp = false;
        let mut malformed = false;
        for key in keys {
            let MasterKey::Pgp { enc, .. } = key else {
                continue;
            };
            any_pgp = true;
            match self.open(enc) {
                Ok(data_key) => return Ok(data_key),
                Err(Failure::Malformed) => malformed = true,
                Err(Failure::NoKey) => {}
            }
        }
        Err(if !any_pgp {
            "the file has no PGP master key".into()
        } else if malformed {
            "a PGP-wrapped data key is malformed or was changed".into()
        } else {
            "none of the given OpenPGP secret keys opens it (passphrase-protected keys are \
             not supported)"
                .into()
        })
    }
}
