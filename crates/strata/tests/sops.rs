//! SOPS decryption end to end: files the real `sops` tool encrypted (testdata/sops/README.md
//! says where from) render exactly as the oracle renders their plaintext twins under
//! `testdata/build/sops-plain-<case>/`.

use std::path::Path;
use std::sync::Arc;

use strata::{AgeKeys, ErrorKind, MemoryFs, RenderOptions, Renderer};

use crate::support::{diff, memory_fs_from, repo_root};

fn keys(file: &str) -> Arc<AgeKeys> {
    keys_of(&[file])
}

/// The identities of several key files together.
fn keys_of(files: &[&str]) -> Arc<AgeKeys> {
    let mut keys = AgeKeys::new();
    for file in files {
        let path = repo_root().join("testdata/sops/keys").join(file);
        let text = std::fs::read_to_string(path).unwrap();
        assert_eq!(keys.add_text(&text), Ok(1));
    }
    Arc::new(keys)
}

fn render(fs: &MemoryFs, keys: Option<Arc<AgeKeys>>) -> strata::Result<String> {
    let mut opts = RenderOptions::default();
    if let Some(k) = keys {
        opts = opts.decrypt(k);
    }
    Renderer::new(opts).render(fs, "/")?.to_yaml()
}

fn case(name: &str) -> MemoryFs {
    memory_fs_from(&repo_root().join("testdata/sops").join(name))
}

#[test]
fn encrypted_cases_render_as_their_plaintext_twins() {
    for name in [
        "secret-resource",
        "generator-sources",
        "ksops",
        "key-groups",
        "age-pq",
        "json-source",
    ] {
        let expected_path = repo_root()
            .join("testdata/build")
            .join(format!("sops-plain-{name}"))
            .join("expected.yaml");
        let expected = std::fs::read_to_string(&expected_path).unwrap();
        // Two of the three key groups' identities (the `shamir_threshold` of key-groups)
        // and the post-quantum identity of age-pq.
        let keys = keys_of(&["age.txt", "third-age.txt", "age-pq.txt"]);
        let actual = render(&case(name), Some(keys)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(actual, expected, "{name}:\n{}", diff(&expected, &actual));
    }
}

/// Every failure names the encrypted file (or the KSOPS config) and prints no plaintext
/// (`value`).
fn assert_fails(fs: &MemoryFs, keys: Option<Arc<AgeKeys>>, kind: ErrorKind, phrase: &str) {
    let e = render(fs, keys).expect_err("an encrypted input must not render");
    let msg = e.to_string();
    assert_eq!(e.kind(), kind, "{msg}");
    assert!(msg.contains(phrase), "{msg:?} lacks {phrase:?}");
    assert!(!msg.contains("value"), "plaintext in {msg:?}");
    let named = msg.contains(".enc.") || msg.contains("secret-generator.yaml");
    assert!(named, "the file is not named: {msg}");
}

#[test]
fn without_decrypt_an_encrypted_input_is_an_error() {
    for name in ["secret-resource", "generator-sources", "ksops"] {
        assert_fails(&case(name), None, ErrorKind::Unsupported, "--decrypt");
    }
}

#[test]
fn a_key_that_is_not_a_recipient_is_refused() {
    for name in ["secret-resource", "generator-sources", "ksops"] {
        assert_fails(
            &case(name),
            Some(keys("other-age.txt")),
            ErrorKind::Decrypt,
            "none of the given age identities",
        );
    }
}

#[test]
fn no_identity_at_all_is_refused() {
    assert_fails(
        &case("secret-resource"),
        Some(Arc::new(AgeKeys::new())),
        ErrorKind::Decrypt,
        "no age identity",
    );
}

fn tampered(name: &str, file: &str, from: &str, to: &str) -> MemoryFs {
    let dir = repo_root().join("testdata/sops").join(name);
    let mut fs = memory_fs_from(&dir);
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    assert!(text.contains(from));
    fs.add_file(
        Path::new("/").join(file),
        text.replacen(from, to, 1).into_bytes(),
    );
    fs
}

#[test]
fn a_changed_unencrypted_value_fails_the_mac() {
    // `metadata.name` is outside `encrypted_regex`, so only the MAC protects it.
    let fs = tampered(
        "secret-resource",
        "secret.enc.yaml",
        "name: age",
        "name: agf",
    );
    assert_fails(
        &fs,
        Some(keys("age.txt")),
        ErrorKind::Decrypt,
        "MAC mismatch",
    );
}

#[test]
fn a_changed_ciphertext_fails_authentication() {
    let fs = tampered(
        "secret-resource",
        "secret.enc.yaml",
        "data:mHeXsmQ=",
        "data:nHeXsmQ=",
    );
    assert_fails(
        &fs,
        Some(keys("age.txt")),
        ErrorKind::Decrypt,
        "authentication failed",
    );
    let fs = tampered(
        "generator-sources",
        "app.enc.env",
        "data:3PTvx6o=",
        "data:4PTvx6o=",
    );
    assert_fails(
        &fs,
        Some(keys("age.txt")),
        ErrorKind::Decrypt,
        "authentication failed",
    );
}

#[test]
fn a_moved_value_fails_authentication() {
    // The AAD binds each value to its path: `stringData.key` copied to another key fails.
    let fs = tampered(
        "secret-resource",
        "secret.enc.yaml",
        "  key: ENC",
        "  other: ENC",
    );
    assert_fails(
        &fs,
        Some(keys("age.txt")),
        ErrorKind::Decrypt,
        "stringData.other",
    );
}

#[test]
fn ksops_needs_hash_names_the_secret_after_its_plaintext() {
    let render_with_hash = |drop_binary: bool| {
        let dir = repo_root().join("testdata/sops/ksops");
        let mut cfg = std::fs::read_to_string(dir.join("secret-generator.yaml"))
            .unwrap()
            .replace(
                "    labels:\n",
                "    annotations:\n      kustomize.config.k8s.io/needs-hash: \"true\"\n    labels:\n",
            );
        if drop_binary {
            cfg = cfg.replace("  binaryFiles:\n  - blob=./token.txt\n", "");
        }
        let mut fs = memory_fs_from(&dir);
        fs.add_file("/secret-generator.yaml", cfg.into_bytes());
        let out = render(&fs, Some(keys("age.txt"))).unwrap();
        assert!(!out.contains("needs-hash"), "{out}");
        let name = out.lines().find(|l| l.contains("name: app-secrets"));
        name.unwrap().trim().to_string()
    };
    let full = render_with_hash(false);
    assert!(full.starts_with("name: app-secrets-"), "{full}");
    assert_eq!(
        full,
        render_with_hash(false),
        "the suffix follows the content only"
    );
    assert_ne!(full, render_with_hash(true), "and changes with it");
}

#[test]
fn keep_encrypted_renders_as_kustomize_with_a_warning() {
    let opts = RenderOptions::default().keep_encrypted(true);
    for name in ["secret-resource", "generator-sources"] {
        let rendered = Renderer::new(opts.clone())
            .render(&case(name), "/")
            .unwrap();
        let yaml = rendered.to_yaml().unwrap();
        assert!(
            !yaml.contains(": value"),
            "{name}: decrypted without keys:\n{yaml}"
        );
        let warned = rendered
            .warnings()
            .iter()
            .any(|w| w.message.contains("SOPS-encrypted"));
        assert!(warned, "{name}: {:?}", rendered.warnings());
    }
    // A KSOPS config is then an external plugin, as kustomize sees it.
    let e = Renderer::new(opts).render(&case("ksops"), "/").unwrap_err();
    assert!(e.to_string().contains("external plugins disabled"), "{e}");
}

#[test]
fn any_two_of_three_key_groups_open_a_shamir_split_data_key() {
    let expected = std::fs::read_to_string(
        repo_root().join("testdata/build/sops-plain-key-groups/expected.yaml"),
    )
    .unwrap();
    for pair in [
        ["age.txt", "other-age.txt"],
        ["other-age.txt", "third-age.txt"],
        ["third-age.txt", "age.txt"],
    ] {
        let actual = render(&case("key-groups"), Some(keys_of(&pair))).unwrap();
        assert_eq!(actual, expected, "{pair:?}");
    }
}

#[test]
fn one_key_group_of_a_threshold_of_two_is_refused() {
    for file in ["age.txt", "other-age.txt", "third-age.txt"] {
        assert_fails(
            &case("key-groups"),
            Some(keys(file)),
            ErrorKind::Decrypt,
            "3 key groups and 2 of them must open, but 1 did",
        );
    }
}

#[test]
fn a_share_copied_into_another_group_is_refused() {
    // Group 3's wrapped share replaced by group 1's: both open, and give two shares at x = 1.
    let dir = repo_root().join("testdata/sops/key-groups");
    let text = std::fs::read_to_string(dir.join("secret.enc.yaml")).unwrap();
    let blocks: Vec<&str> = text.split("-----BEGIN AGE ENCRYPTED FILE-----").collect();
    assert_eq!(blocks.len(), 4, "three wrapped shares");
    let body = |b: &str| b.split("-----END").next().unwrap().to_string();
    let swapped = text.replacen(&body(blocks[3]), &body(blocks[1]), 1);
    let recipients = swapped.replace(
        "age1dp8wt2e5hjc9m08vxdk8nx2s8cv7v0fey3v72w5ye9euvl39ppfq66xeat",
        "age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29",
    );
    let mut fs = case("key-groups");
    fs.add_file("/secret.enc.yaml", recipients.into_bytes());
    assert_fails(
        &fs,
        Some(keys_of(&["age.txt", "other-age.txt"])),
        ErrorKind::Decrypt,
        "same x coordinate",
    );
}

/// The OpenPGP secret keys of key files, together.
#[cfg(feature = "pgp")]
fn pgp_keys(files: &[&str]) -> Arc<strata::PgpKeys> {
    let mut keys = strata::PgpKeys::new();
    for file in files {
        let bytes = std::fs::read(repo_root().join("testdata/sops/keys").join(file)).unwrap();
        keys.add_keyring(&bytes).unwrap();
    }
    Arc::new(keys)
}

#[cfg(feature = "pgp")]
fn render_pgp(fs: &MemoryFs, keys: Arc<strata::PgpKeys>) -> strata::Result<String> {
    let opts = RenderOptions::default().decrypt(keys);
    Renderer::new(opts).render(fs, "/")?.to_yaml()
}

#[cfg(feature = "pgp")]
#[test]
fn pgp_master_keys_open_with_armored_secret_keys() {
    // Flux's Secret (sops 3.9, RSA 4096) and SOPS' own functional-test files (sops 3.13 and
    // 3.3, RSA 2048 and 1024), each key from its project's published test key file.
    let keys = pgp_keys(&["pgp.asc", "sops-functional-tests.asc"]);
    let fingerprints = keys.fingerprints();
    // The SOPS file holds five armored blocks: two secret keys, then public keys.
    assert_eq!(
        fingerprints,
        [
            "35C1A64CD7FC0AB6EB66756B2445463C3234ECE1",
            "FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4",
            "D7229043384BCC60326C6FB9D8720D957C3D3074",
        ]
    );
    let expected =
        std::fs::read_to_string(repo_root().join("testdata/build/sops-plain-pgp/expected.yaml"))
            .unwrap();
    let actual = render_pgp(&case("pgp"), keys).unwrap();
    assert_eq!(actual, expected, "{}", diff(&expected, &actual));
}

#[cfg(feature = "pgp")]
#[test]
fn pgp_failures_name_the_file_and_print_no_plaintext() {
    let e = render_pgp(&case("pgp"), pgp_keys(&["sops-functional-tests.asc"])).unwrap_err();
    let msg = e.to_string();
    assert_eq!(e.kind(), ErrorKind::Decrypt, "{msg}");
    assert!(msg.contains("secret.enc.yaml"), "{msg}");
    assert!(
        msg.contains("pgp 35C1A64CD7FC0AB6EB66756B2445463C3234ECE1")
            && msg.contains("none of the given OpenPGP secret keys"),
        "{msg}"
    );
    assert!(!msg.contains("value"), "{msg}");

    let e = render_pgp(&case("pgp"), Arc::new(strata::PgpKeys::new())).unwrap_err();
    assert!(e.to_string().contains("no OpenPGP secret key"), "{e}");

    // A changed PGP message fails its integrity check or does not open at all.
    let dir = repo_root().join("testdata/sops/pgp");
    let text = std::fs::read_to_string(dir.join("secret.enc.yaml")).unwrap();
    let line = text
        .lines()
        .find(|l| l.trim().len() == 64 && !l.contains(':'))
        .unwrap();
    let flipped: String = line
        .trim()
        .chars()
        .rev()
        .collect::<String>()
        .replace('A', "B");
    let mut fs = case("pgp");
    fs.add_file(
        "/secret.enc.yaml",
        text.replacen(line.trim(), &flipped, 1).into_bytes(),
    );
    let e = render_pgp(&fs, pgp_keys(&["pgp.asc", "sops-functional-tests.asc"])).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decrypt, "{e}");
    assert!(e.to_string().contains("secret.enc.yaml"), "{e}");

    assert!(
        strata::PgpKeys::new()
            .add_keyring(b"AGE-SECRET-KEY-1NOTPGP")
            .is_err()
    );
}

#[test]
fn a_post_quantum_recipient_needs_its_own_identity() {
    assert_fails(
        &case("age-pq"),
        Some(keys("age.txt")),
        ErrorKind::Decrypt,
        "none of the given age identities",
    );
}
