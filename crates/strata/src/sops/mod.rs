//! SOPS decryption: files encrypted by the `sops` tool become plaintext in memory, for one
//! render, with their MAC checked. Used by the loader (resources and generator sources); it
//! may use `yaml`, `error` and `source`, never the file system.
//!
//! A SOPS file holds the plaintext's structure with every selected leaf replaced by
//! `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]`, plus a `sops` block: the data key encrypted
//! to each master key (age, AWS KMS, PGP…), `lastmodified`, and `mac`, the encrypted
//! SHA-512 of the plaintext leaves. Which leaves are encrypted is decided per path by
//! `unencrypted_suffix`, `encrypted_suffix`, `unencrypted_regex` and `encrypted_regex`.
//! Reproduced from getsops/sops (v3.9, 2024):
//!
//! - a leaf's additional authenticated data is its path of mapping keys joined and ended by
//!   `:` (`stringData:key:`); sequence items share their parent's path (sops.go `walkBranch`,
//!   `walkSlice`); nulls are neither decrypted nor hashed;
//! - the MAC hashes every leaf (only encrypted ones under `mac_only_encrypted`, after a fixed
//!   32-byte prefix) as `ToBytes` writes it: ints in decimal, floats as `FormatFloat(f, 'f',
//!   -1)`, booleans `True`/`False`; it is compared in upper-case hex, and its own AAD is
//!   `lastmodified` in RFC 3339 (sops.go `Tree.Decrypt`, decrypt/decrypt.go);
//! - the AES-GCM nonce is 32 bytes, tag 16 (aes/cipher.go); an empty value stays empty;
//! - dotenv files keep the metadata as `sops_*` lines, nested keys flattened with `__map_`
//!   and `__list_N__` (stores/dotenv, stores/flatten.go); binary files are JSON with one
//!   `data` value (stores/json `BinaryStore`);
//! - with several key groups the data key is split with Shamir's secret sharing: each group's
//!   master keys wrap one share, and `shamir_threshold` shares recombine it (sops.go
//!   `GetDataKeyWithKeyServices`, shamir/shamir.go; see `shamir`).
//!
//! Decrypting the data key is the [`KeySource`]'s job: `AgeKeys` for age identities (feature
//! `age`), `PgpKeys` for OpenPGP secret keys (feature `pgp`), or a caller's own source (AWS
//! KMS) behind the same trait.

#[cfg(feature = "age")]
mod age_keys;
mod dotenv;
mod json;
#[cfg(feature = "pgp")]
mod pgp_keys;
mod shamir;

use std::fmt;
use std::sync::{Arc, LazyLock};

use aes_gcm::aead::consts::{U12, U32};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::aes::Aes256;
use aes_gcm::{AesGcm, Nonce};
use regex::Regex;
use sha2::{Digest, Sha512};

use crate::error::{Error, ErrorKind, Result};
use crate::source::{SourceFile, Span};
use crate::yaml::resolve::{self, Value};
use crate::yaml::{Node, NodeKind, Scalar};

#[cfg(feature = "age")]
pub use age_keys::AgeKeys;
#[cfg(feature = "pgp")]
pub use pgp_keys::PgpKeys;

/// A key that encrypted a SOPS file's data key, as the file's `sops` block records it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MasterKey {
    /// An age recipient and the armored age file holding the data key.
    Age {
        /// The recipient (`age1…`).
        recipient: String,
        /// The armored age file.
        enc: String,
    },
    /// An AWS KMS key and the base64 ciphertext of the data key.
    Kms {
        /// The key's ARN.
        arn: String,
        /// The KMS ciphertext, base64.
        enc: String,
        /// The encryption context SOPS passed, in file order.
        context: Vec<(String, String)>,
        /// The role to assume, if any.
        role: Option<String>,
        /// The AWS profile named, if any.
        profile: Option<String>,
    },
    /// A PGP key and the armored PGP message holding the data key.
    Pgp {
        /// The key's fingerprint.
        fingerprint: String,
        /// The armored message.
        enc: String,
    },
    /// A key type Strata does not model (`gcp_kms`, `azure_kv`, `hc_vault`…).
    Other {
        /// The metadata field it came from.
        kind: String,
    },
}

impl MasterKey {
    fn describe(&self) -> String {
        match self {
            MasterKey::Age { recipient, .. } => format!("age {recipient}"),
            MasterKey::Kms { arn, .. } => format!("kms {arn}"),
            MasterKey::Pgp { fingerprint, .. } => format!("pgp {fingerprint}"),
            MasterKey::Other { kind } => kind.clone(),
        }
    }
}

/// Decrypts a SOPS file's data key. Implementations hold the private keys; the library never
/// reads them from the environment itself.
///
/// ```
/// use std::sync::Arc;
///
/// use strata::{KeySource, MasterKey, MemoryFs, RenderOptions, Renderer};
///
/// /// Holds no identities: says which recipients it was asked for.
/// #[derive(Debug)]
/// struct NoKeys;
///
/// impl KeySource for NoKeys {
///     fn data_key(&self, keys: &[MasterKey]) -> Result<Vec<u8>, String> {
///         let asked: Vec<&str> = keys
///             .iter()
///             .filter_map(|k| match k {
///                 MasterKey::Age { recipient, .. } => Some(recipient.as_str()),
///                 _ => None,
///             })
///             .collect();
///         Err(format!("no age identity for {}", asked.join(", ")))
///     }
/// }
///
/// let fs = MemoryFs::new()
///     .with_file("kustomization.yaml", "resources:\n- secret.yaml\n")
///     .with_file(
///         "secret.yaml",
///         "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  \
///          password: ENC[AES256_GCM,data:AAAA,iv:AAAAAAAAAAAAAAAAAAAAAA==,tag:AAAAAAAAAAAAAAAAAAAAAA==,type:str]\n\
///          sops:\n  age:\n  - recipient: age1example\n    enc: x\n  \
///          lastmodified: \"2024-01-01T00:00:00Z\"\n  mac: ENC[AES256_GCM,data:AAAA,iv:AAAAAAAAAAAAAAAAAAAAAA==,tag:AAAAAAAAAAAAAAAAAAAAAA==,type:str]\n  \
///          version: 3.8.1\n",
///     );
/// let err = Renderer::new(RenderOptions::new().decrypt(Arc::new(NoKeys)))
///     .render(&fs, "/")
///     .unwrap_err();
/// assert!(err.to_string().contains("no age identity for age1example"), "{err}");
/// ```
pub trait KeySource: Send + Sync + fmt::Debug {
    /// Returns the data key that one of `keys` decrypts to, or says why none did. The
    /// message must not contain key material.
    fn data_key(&self, keys: &[MasterKey]) -> std::result::Result<Vec<u8>, String>;
}

/// The key sources a render may use, shared by every file it decrypts.
pub type Keys = Arc<dyn KeySource>;

/// Which leaves a file's metadata says are encrypted, and how its MAC is computed.
#[derive(Debug, Default)]
struct Metadata {
    mac: String,
    last_modified: String,
    unencrypted_suffix: Option<String>,
    encrypted_suffix: Option<String>,
    unencrypted_regex: Option<Regex>,
    encrypted_regex: Option<Regex>,
    mac_only_encrypted: bool,
    /// The key groups: one unless the data key was split with Shamir's secret sharing.
    groups: Vec<Vec<MasterKey>>,
    /// How many groups' shares recover the data key (`shamir_threshold`; 0 when absent).
    shamir_threshold: usize,
}

/// Most key groups one file may list (Shamir shares are indexed by one byte).
const MAX_KEY_GROUPS: usize = 255;

/// sops.go `MACOnlyEncryptedInitialization`.
const MAC_ONLY_ENCRYPTED_INIT: [u8; 32] = [
    0x8a, 0x3f, 0xd2, 0xad, 0x54, 0xce, 0x66, 0x52, 0x7b, 0x10, 0x34, 0xf3, 0xd1, 0x47, 0xbe, 0x0b,
    0x0b, 0x97, 0x5b, 0x3b, 0xf4, 0x4f, 0x72, 0xc6, 0xfd, 0xad, 0xec, 0x81, 0x76, 0xf2, 0x7d, 0x69,
];

/// Most leaves one file may hold.
const MAX_LEAVES: usize = 1_000_000;

/// Returns true if `root` is a document SOPS encrypted: a mapping with a `sops` mapping that
/// holds a `mac`.
pub(crate) fn is_encrypted(root: &Node) -> bool {
    root.as_mapping()
        .and_then(|m| m.get("sops"))
        .and_then(Node::as_mapping)
        .is_some_and(|m| m.get("mac").is_some())
}

/// The error for an encrypted input met without decryption enabled.
pub(crate) fn not_enabled(file: &Arc<SourceFile>, root: &Node) -> Error {
    Error::at(ErrorKind::Unsupported, NOT_ENABLED, file, root.span)
}

const NOT_ENABLED: &str = "this file is encrypted with SOPS; render with --decrypt \
     (RenderOptions::decrypt) and a key that can decrypt it, or decrypt it before the build";

/// Returns the plaintext of SOPS-encrypted document `root` of `file`, without the `sops`
/// block, after checking its MAC.
pub(crate) fn decrypt_document(
    file: &Arc<SourceFile>,
    root: &Node,
    keys: &dyn KeySource,
) -> Result<Node> {
    decrypt_tree(root, keys)
        .map_err(|(kind, span, m)| Error::at(kind, m, file, span.unwrap_or(root.span)))
}

/// A decryption failure: its kind, the span it concerns (when the tree has real spans) and
/// the message.
type TreeError = (ErrorKind, Option<Span>, String);

fn decrypt_tree(root: &Node, keys: &dyn KeySource) -> std::result::Result<Node, TreeError> {
    let meta_node = root
        .as_mapping()
        .and_then(|m| m.get("sops"))
        .ok_or_else(|| (ErrorKind::Decrypt, None, "no `sops` metadata".to_string()))?;
    let meta = parse_metadata(meta_node)
        .map_err(|(kind, m)| (kind, Some(meta_node.span), format!("SOPS metadata: {m}")))?;
    let data_key =
        data_key(&meta, keys).map_err(|m| (ErrorKind::Decrypt, Some(meta_node.span), m))?;
    let mut tree = root.clone();
    if let Some(m) = tree.as_mapping_mut() {
        m.remove("sops");
    }
    let mut walker = Walker::new(&meta, &data_key);
    walker
        .walk(&mut tree)
        .map_err(|(span, m)| (ErrorKind::Decrypt, Some(span), m))?;
    let mac_span = meta_node
        .as_mapping()
        .and_then(|m| m.get("mac"))
        .map(|n| n.span);
    walker
        .check_mac()
        .map_err(|m| (ErrorKind::Decrypt, mac_span, m))?;
    Ok(tree)
}

/// Returns the plaintext bytes of a SOPS-encrypted generator source, or `None` when `bytes`
/// is not SOPS-encrypted. The format follows the name as `sops` picks it: `.env` dotenv,
/// `.json` JSON (written back as `sops decrypt` writes it), `.yaml`/`.yml` YAML, anything
/// else binary.
pub(crate) fn decrypt_source(
    path: &str,
    bytes: &[u8],
    keys: Option<&dyn KeySource>,
    parse: &dyn Fn(&Arc<SourceFile>) -> Result<Option<Node>>,
) -> Result<Option<Vec<u8>>> {
    // Every SOPS file's MAC is an `ENC[` value; anything without one is left alone unread.
    if !contains(bytes, b"ENC[AES256_GCM,") {
        return Ok(None);
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Ok(None);
    };
    let file = SourceFile::new(path, text);
    if path.ends_with(".env") {
        let Some(doc) = dotenv::parse(text) else {
            return Ok(None);
        };
        // Dotenv trees are built, not parsed: they have no spans, so errors name the file.
        let at_file = |kind: ErrorKind, m: String| Error::new(kind, m).with_path(path);
        let Some(keys) = keys else {
            return Err(at_file(ErrorKind::Unsupported, NOT_ENABLED.into()));
        };
        let plain = decrypt_tree(&doc, keys).map_err(|(kind, _, m)| at_file(kind, m))?;
        return Ok(Some(dotenv::emit(&plain).into_bytes()));
    }
    let Ok(Some(root)) = parse(&file) else {
        return Ok(None);
    };
    if !is_encrypted(&root) {
        return Ok(None);
    }
    let Some(keys) = keys else {
        return Err(not_enabled(&file, &root));
    };
    let plain = decrypt_document(&file, &root, keys)?;
    if path.ends_with(".json") {
        let out =
            json::emit(&plain).map_err(|m| Error::at(ErrorKind::Emit, m, &file, root.span))?;
        return Ok(Some(out.into_bytes()));
    }
    let is_document = [".yaml", ".yml"].iter().any(|e| path.ends_with(e));
    if is_document {
        let mut out = String::new();
        crate::yaml::emit::emit_document(&plain, &mut out)
            .map_err(|e| Error::at(ErrorKind::Emit, e.to_string(), &file, root.span))?;
        return Ok(Some(out.into_bytes()));
    }
    match plain
        .as_mapping()
        .and_then(|m| m.get("data"))
        .and_then(Node::as_str)
    {
        Some(data) => Ok(Some(data.as_bytes().to_vec())),
        None => Err(Error::at(
            ErrorKind::Decrypt,
            "a SOPS binary file must hold one string `data`".to_string(),
            &file,
            root.span,
        )),
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

type MetaError = (ErrorKind, String);

fn parse_metadata(node: &Node) -> std::result::Result<Metadata, MetaError> {
    let bad = |m: String| (ErrorKind::Decrypt, m);
    let map = node
        .as_mapping()
        .ok_or_else(|| bad("`sops` must be a mapping".into()))?;
    let text = |key: &str| {
        map.get(key)
            .and_then(Node::as_str)
            .filter(|s| !s.is_empty())
    };
    let regex = |key: &str| -> std::result::Result<Option<Regex>, MetaError> {
        text(key)
            .map(|r| Regex::new(r).map_err(|e| bad(format!("{key}: {e}"))))
            .transpose()
    };
    for unsupported in ["unencrypted_comment_regex", "encrypted_comment_regex"] {
        if text(unsupported).is_some() {
            return Err((
                ErrorKind::Unsupported,
                format!("{unsupported} is not supported; re-encrypt without it"),
            ));
        }
    }
    // One group is stored flat in the `sops` block, several under `key_groups`
    // (stores/stores.go `metadataFromInternal`).
    let groups: Vec<Vec<MasterKey>> = match map.get("key_groups").and_then(Node::as_sequence) {
        Some(groups) if groups.len() > MAX_KEY_GROUPS => {
            return Err(bad(format!("more than {MAX_KEY_GROUPS} key groups")));
        }
        Some(groups) => groups.iter().map(collect_keys).collect(),
        None => vec![collect_keys(node)],
    };
    let shamir_threshold = match map.get("shamir_threshold").and_then(Node::as_scalar) {
        // An int in YAML and JSON, a string in dotenv.
        Some(s) => s
            .text
            .parse::<usize>()
            .map_err(|_| bad("shamir_threshold is not a count of key groups".into()))?,
        None => 0,
    };
    Ok(Metadata {
        mac: text("mac")
            .ok_or_else(|| bad("no `mac`".into()))?
            .to_string(),
        last_modified: text("lastmodified")
            .ok_or_else(|| bad("no `lastmodified`".into()))?
            .to_string(),
        unencrypted_suffix: text("unencrypted_suffix").map(str::to_string),
        encrypted_suffix: text("encrypted_suffix").map(str::to_string),
        unencrypted_regex: regex("unencrypted_regex")?,
        encrypted_regex: regex("encrypted_regex")?,
        mac_only_encrypted: map
            .get("mac_only_encrypted")
            .and_then(Node::as_scalar)
            // A bool in YAML and JSON, a string in dotenv.
            .is_some_and(|s| matches!(s.text.as_str(), "true" | "True" | "TRUE")),
        groups,
        shamir_threshold,
    })
}

/// Returns the master keys of one key group (or of the flat `sops` block).
fn collect_keys(group: &Node) -> Vec<MasterKey> {
    let mut out = Vec::new();
    let Some(map) = group.as_mapping() else {
        return out;
    };
    for (kind, list) in map.iter() {
        let Some(items) = list.as_sequence() else {
            continue;
        };
        for item in items {
            let field = |k: &str| item.get_str(&[k]).unwrap_or_default().to_string();
            let key = match kind {
                "age" => MasterKey::Age {
                    recipient: field("recipient"),
                    enc: field("enc"),
                },
                "kms" => MasterKey::Kms {
                    arn: field("arn"),
                    enc: field("enc"),
                    context: item
                        .get_path(&["context"])
                        .and_then(Node::as_mapping)
                        .map(|m| {
                            m.iter()
                                .filter_map(|(k, v)| Some((k.to_string(), v.as_str()?.to_string())))
                                .collect()
                        })
                        .unwrap_or_default(),
                    role: item.get_str(&["role"]).map(str::to_string),
                    profile: item.get_str(&["aws_profile"]).map(str::to_string),
                },
                "pgp" => MasterKey::Pgp {
                    fingerprint: field("fp"),
                    enc: field("enc"),
                },
                "gcp_kms" | "azure_kv" | "hc_vault" => MasterKey::Other {
                    kind: kind.to_string(),
                },
                _ => continue,
            };
            out.push(key);
        }
    }
    out
}

/// Returns the data key: from any master key when there is one key group; else the shares of
/// every group that opens, recombined when at least `shamir_threshold` do (sops.go
/// `GetDataKeyWithKeyServices`, which also tries every group).
fn data_key(meta: &Metadata, keys: &dyn KeySource) -> std::result::Result<Vec<u8>, String> {
    let key = match meta.groups.as_slice() {
        [] => return Err(no_master_keys()),
        [group] => open_group(group, keys)?,
        groups => {
            let mut shares = Vec::new();
            let mut failed = Vec::new();
            for (i, group) in groups.iter().enumerate() {
                match open_group(group, keys) {
                    Ok(share) => shares.push(share),
                    Err(why) => failed.push(format!("key group {}: {why}", i + 1)),
                }
            }
            let needed = meta.shamir_threshold.max(2);
            if shares.len() < needed {
                return Err(format!(
                    "the SOPS data key is split across {} key groups and {needed} of them must \
                     open, but {} did; {}",
                    groups.len(),
                    shares.len(),
                    failed.join("; ")
                ));
            }
            shamir::combine(&shares)
                .map_err(|m| format!("cannot recombine the SOPS data key: {m}"))?
        }
    };
    if key.len() != 32 {
        return Err(format!("the SOPS data key is {} bytes, not 32", key.len()));
    }
    Ok(key)
}

fn no_master_keys() -> String {
    "cannot decrypt the SOPS data key: the file lists no master keys".into()
}

/// Returns what one key group's master keys decrypt to: the data key, or a Shamir share.
fn open_group(group: &[MasterKey], keys: &dyn KeySource) -> std::result::Result<Vec<u8>, String> {
    if group.is_empty() {
        return Err(no_master_keys());
    }
    keys.data_key(group).map_err(|why| {
        let tried: Vec<String> = group.iter().map(MasterKey::describe).collect();
        format!(
            "cannot decrypt the SOPS data key with any of {}: {why}; give a matching key ({})",
            tried.join(", "),
            key_hints(group)
        )
    })
}

/// Says where the CLI looks for each kind of key among `group`.
fn key_hints(group: &[MasterKey]) -> String {
    let mut hints: Vec<&str> = Vec::new();
    for key in group {
        let hint = match key {
            MasterKey::Age { .. } => {
                "for age: SOPS_AGE_KEY, SOPS_AGE_KEY_FILE or ~/.config/sops/age/keys.txt"
            }
            MasterKey::Pgp { .. } => {
                "for PGP: STRATA_PGP_KEY, STRATA_PGP_KEY_FILE or $GNUPGHOME/secring.gpg"
            }
            MasterKey::Kms { .. } => "for AWS KMS: credentials allowed to call kms:Decrypt",
            MasterKey::Other { .. } => continue,
        };
        if !hints.contains(&hint) {
            hints.push(hint);
        }
    }
    if hints.is_empty() {
        return "Strata reads age, PGP and AWS KMS keys".into();
    }
    hints.join("; ")
}

/// A parsed `ENC[AES256_GCM,…]` value.
struct Encrypted {
    data: Vec<u8>,
    iv: Vec<u8>,
    tag: Vec<u8>,
    kind: String,
}

/// aes/cipher.go `encre`.
static ENC: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\]").ok());

fn parse_encrypted(value: &str) -> std::result::Result<Encrypted, String> {
    let caps = ENC
        .as_ref()
        .and_then(|re| re.captures(value))
        .ok_or_else(|| "value does not match SOPS' ENC[AES256_GCM,…] format".to_string())?;
    let part = |i: usize, what: &str| {
        caps.get(i)
            .and_then(|m| resolve::decode_base64(m.as_str()))
            .ok_or_else(|| format!("cannot base64-decode the {what} of an encrypted value"))
    };
    Ok(Encrypted {
        data: part(1, "data")?,
        iv: part(2, "iv")?,
        tag: part(3, "tag")?,
        kind: caps
            .get(4)
            .map(|m| m.as_str().to_string())
            .unwrap_or_default(),
    })
}

/// Decrypts `value` with `key` and authenticated data `aad`; returns the plaintext bytes and
/// the type SOPS recorded.
fn open(value: &str, key: &[u8], aad: &str) -> std::result::Result<(Vec<u8>, String), String> {
    let e = parse_encrypted(value)?;
    let mut sealed = e.data;
    sealed.extend_from_slice(&e.tag);
    let payload = Payload {
        msg: &sealed,
        aad: aad.as_bytes(),
    };
    let failed =
        || "AES-GCM authentication failed (wrong data key or tampered ciphertext)".to_string();
    let plain = match e.iv.len() {
        32 => AesGcm::<Aes256, U32>::new_from_slice(key)
            .map_err(|_| failed())?
            .decrypt(Nonce::<U32>::from_slice(&e.iv), payload),
        12 => AesGcm::<Aes256, U12>::new_from_slice(key)
            .map_err(|_| failed())?
            .decrypt(Nonce::<U12>::from_slice(&e.iv), payload),
        n => return Err(format!("unsupported AES-GCM nonce of {n} bytes")),
    }
    .map_err(|_| failed())?;
    Ok((plain, e.kind))
}

/// Walks a tree in SOPS' order, decrypting selected leaves and hashing them for the MAC.
struct Walker<'m> {
    meta: &'m Metadata,
    key: &'m [u8],
    hash: Sha512,
    path: Vec<String>,
    leaves: usize,
}

type WalkError = (Span, String);

impl<'m> Walker<'m> {
    fn new(meta: &'m Metadata, key: &'m [u8]) -> Walker<'m> {
        let mut hash = Sha512::new();
        if meta.mac_only_encrypted {
            hash.update(MAC_ONLY_ENCRYPTED_INIT);
        }
        Walker {
            meta,
            key,
            hash,
            path: Vec::new(),
            leaves: 0,
        }
    }

    /// Walks `node`; depth is bounded by the parser's nesting limit.
    fn walk(&mut self, node: &mut Node) -> std::result::Result<(), WalkError> {
        let span = node.span;
        match &mut node.kind {
            NodeKind::Mapping(m) => {
                for entry in &mut m.entries {
                    let Some(key) = entry.key.as_str() else {
                        return Err((entry.key.span, "SOPS trees have only string keys".into()));
                    };
                    self.path.push(key.to_string());
                    let r = self.walk(&mut entry.value);
                    self.path.pop();
                    r?;
                }
                Ok(())
            }
            NodeKind::Sequence(items) => items.iter_mut().try_for_each(|i| self.walk(i)),
            NodeKind::Scalar(s) => {
                self.leaves += 1;
                if self.leaves > MAX_LEAVES {
                    return Err((span, format!("more than {MAX_LEAVES} values in one file")));
                }
                self.leaf(s).map_err(|m| (span, m))
            }
        }
    }

    fn leaf(&mut self, s: &mut Scalar) -> std::result::Result<(), String> {
        if s.is_null() {
            return Ok(());
        }
        let encrypted = self.should_be_encrypted();
        if encrypted {
            let aad = format!("{}:", self.path.join(":"));
            let at = || format!("`{}`", self.path.join("."));
            if !matches!(resolve::resolve(s), Value::Str(_)) {
                return Err(format!("{}: expected an encrypted string", at()));
            }
            if !s.text.is_empty() {
                let (plain, kind) =
                    open(&s.text, self.key, &aad).map_err(|m| format!("{}: {m}", at()))?;
                *s = plain_scalar(plain, &kind).map_err(|m| format!("{}: {m}", at()))?;
            }
        }
        if !self.meta.mac_only_encrypted || encrypted {
            let bytes = to_bytes(s).map_err(|m| format!("`{}`: {m}", self.path.join(".")))?;
            self.hash.update(bytes);
        }
        Ok(())
    }

    /// sops.go `shouldBeEncrypted`, without the comment rules (refused in the metadata).
    fn should_be_encrypted(&self) -> bool {
        let m = self.meta;
        let mut encrypted = true;
        if let Some(suffix) = &m.unencrypted_suffix
            && self.path.iter().any(|p| p.ends_with(suffix.as_str()))
        {
            encrypted = false;
        }
        if let Some(suffix) = &m.encrypted_suffix {
            encrypted = self.path.iter().any(|p| p.ends_with(suffix.as_str()));
        }
        if let Some(re) = &m.unencrypted_regex
            && self.path.iter().any(|p| re.is_match(p))
        {
            encrypted = false;
        }
        if let Some(re) = &m.encrypted_regex {
            encrypted = self.path.iter().any(|p| re.is_match(p));
        }
        encrypted
    }

    fn check_mac(self) -> std::result::Result<(), String> {
        let computed: String = self
            .hash
            .finalize()
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        let aad = rfc3339(&self.meta.last_modified);
        let (stored, _) = open(&self.meta.mac, self.key, &aad)
            .map_err(|m| format!("cannot decrypt the SOPS MAC: {m}"))?;
        if stored != computed.as_bytes() {
            return Err(
                "MAC mismatch: the file was changed after SOPS encrypted it; re-encrypt it with sops"
                    .into(),
            );
        }
        Ok(())
    }
}

/// Returns `lastmodified` as Go's `time.Format(time.RFC3339)` writes it back: without
/// fractional seconds.
fn rfc3339(text: &str) -> String {
    let Some(dot) = text.find('.') else {
        return text.to_string();
    };
    let rest = &text[dot + 1..];
    let zone = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    format!("{}{}", &text[..dot], &rest[zone..])
}

/// Returns the scalar a decrypted value of SOPS type `kind` becomes.
fn plain_scalar(plain: Vec<u8>, kind: &str) -> std::result::Result<Scalar, String> {
    let text = String::from_utf8(plain).map_err(|_| "decrypted value is not UTF-8".to_string())?;
    Ok(match kind {
        "str" | "bytes" => Scalar::string(text),
        "int" => Scalar::plain(
            crate::go::atoi(&text)
                .map_err(|_| "decrypted int is not an integer".to_string())?
                .to_string(),
        ),
        "float" => Scalar::plain(
            crate::go::parse_float(&text)
                .map(crate::go::format_f)
                .ok_or_else(|| "decrypted float is not a number".to_string())?,
        ),
        "bool" => Scalar::plain(match go_parse_bool(&text) {
            Some(true) => "true",
            Some(false) => "false",
            None => return Err("decrypted bool is not a boolean".into()),
        }),
        "time" => Scalar::plain(text),
        other => return Err(format!("unknown SOPS value type `{other}`")),
    })
}

/// Go's `strconv.ParseBool`.
fn go_parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// sops.go `ToBytes` of the value go-yaml v3 decodes `s` into.
fn to_bytes(s: &Scalar) -> std::result::Result<Vec<u8>, String> {
    if matches!(resolve::tag(s), resolve::Tag::Timestamp) {
        // go-yaml v3 decodes an untyped timestamp into a string, its text.
        return Ok(s.text.clone().into_bytes());
    }
    Ok(match resolve::resolve(s) {
        Value::Null => Vec::new(),
        Value::Bool(b) => if b { "True" } else { "False" }.into(),
        Value::Int(i) => i.to_string().into_bytes(),
        Value::Float(f) => crate::go::format_f(f).into_bytes(),
        Value::Str(t) => t.into_owned().into_bytes(),
        Value::UInt(_) => return Err("SOPS cannot hash an integer above 2^63".into()),
    })
}

#[cfg(test)]
mod tests;
