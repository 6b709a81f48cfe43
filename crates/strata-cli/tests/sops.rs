//! `--decrypt`: where the age keys come from, and that a failure prints nothing on stdout.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `strata` with no key source from the caller's environment.
fn strata(home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_strata"));
    for var in [
        "SOPS_AGE_KEY",
        "SOPS_AGE_KEY_FILE",
        "SOPS_AGE_KEY_CMD",
        "XDG_CONFIG_HOME",
        "STRATA_PGP_KEY",
        "STRATA_PGP_KEY_FILE",
        "GNUPGHOME",
    ] {
        c.env_remove(var);
    }
    c.env("HOME", home);
    c
}

fn key_file(name: &str) -> PathBuf {
    repo().join("testdata/sops/keys").join(name)
}

fn build(mut c: Command, case: &str, decrypt: bool) -> Output {
    c.arg("render").arg(repo().join("testdata/sops").join(case));
    if decrypt {
        c.arg("--decrypt");
    }
    c.output().unwrap()
}

fn expected(case: &str) -> String {
    let p = repo().join(format!("testdata/build/sops-plain-{case}/expected.yaml"));
    std::fs::read_to_string(p).unwrap()
}

fn assert_renders(out: &Output, case: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected(case));
}

fn assert_fails(out: &Output, phrase: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty(), "stdout: {:?}", out.stdout);
    assert!(stderr.contains(phrase), "{stderr:?} lacks {phrase:?}");
    assert!(stderr.contains("secret.enc.yaml"), "{stderr}");
}

#[test]
fn every_age_key_source_sops_reads_works() {
    let home = tempfile::tempdir().unwrap();
    let key = std::fs::read_to_string(key_file("age.txt")).unwrap();

    let mut c = strata(home.path());
    c.env("SOPS_AGE_KEY", &key);
    assert_renders(&build(c, "secret-resource", true), "secret-resource");

    let mut c = strata(home.path());
    c.env("SOPS_AGE_KEY_FILE", key_file("age.txt"));
    assert_renders(&build(c, "generator-sources", true), "generator-sources");

    let mut c = strata(home.path());
    let cmd = format!("cat '{}'", key_file("age.txt").display());
    c.env("SOPS_AGE_KEY_CMD", cmd);
    assert_renders(&build(c, "secret-resource", true), "secret-resource");

    // The default file, with a wrong key beside the right one in another source.
    let default = home.path().join(".config/sops/age/keys.txt");
    std::fs::create_dir_all(default.parent().unwrap()).unwrap();
    std::fs::write(&default, &key).unwrap();
    let mut c = strata(home.path());
    c.env("SOPS_AGE_KEY_FILE", key_file("other-age.txt"));
    assert_renders(&build(c, "secret-resource", true), "secret-resource");
}

#[test]
fn the_kustomize_build_verb_passes_ciphertext_through_with_a_warning() {
    let home = tempfile::tempdir().unwrap();
    for verb in ["build", "render"] {
        let out = strata(home.path())
            .arg(verb)
            .arg(repo().join("testdata/sops/secret-resource"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        if verb == "build" {
            // What kustomize prints: the document as it is, `sops` block included.
            assert!(out.status.success(), "{stderr}");
            assert!(stdout.contains("key: ENC[AES256_GCM,") && stdout.contains("sops:"));
            assert!(
                stderr.contains("secret.enc.yaml' is SOPS-encrypted"),
                "{stderr}"
            );
            assert!(stderr.contains("--decrypt"), "{stderr}");
        } else {
            assert_eq!(out.status.code(), Some(1), "{stderr}");
            assert!(stdout.is_empty());
        }
    }
}

#[test]
fn failures_print_nothing_on_stdout() {
    let home = tempfile::tempdir().unwrap();
    let c = strata(home.path());
    assert_fails(&build(c, "secret-resource", false), "--decrypt");

    let c = strata(home.path());
    assert_fails(&build(c, "secret-resource", true), "no age identity");

    let mut c = strata(home.path());
    c.env("SOPS_AGE_KEY_FILE", key_file("other-age.txt"));
    assert_fails(
        &build(c, "secret-resource", true),
        "none of the given age identities",
    );

    // A changed unencrypted field: only the MAC notices.
    let tampered = tempfile::tempdir().unwrap();
    let case = repo().join("testdata/sops/secret-resource");
    for name in ["kustomization.yaml", "secret.enc.yaml"] {
        let text = std::fs::read_to_string(case.join(name)).unwrap();
        let text = text.replace("name: age", "name: agf");
        std::fs::write(tampered.path().join(name), text).unwrap();
    }
    let mut c = strata(home.path());
    c.env("SOPS_AGE_KEY_FILE", key_file("age.txt"));
    let out = c
        .arg("render")
        .arg("--decrypt")
        .arg(tampered.path())
        .output()
        .unwrap();
    assert_fails(&out, "MAC mismatch");

    let mut c = strata(home.path());
    c.env("SOPS_AGE_KEY", "AGE-SECRET-KEY-NOT-A-KEY");
    let out = build(c, "secret-resource", true);
    assert_fails(&out, "SOPS_AGE_KEY: line 1 is not an age identity");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("NOT-A-KEY"));
}

/// A local KMS emulator (`moto_server`, PyPI `moto[server]`) on a free loopback port, ended
/// when dropped.
struct KmsEmulator {
    child: std::process::Child,
    url: String,
}

impl KmsEmulator {
    /// Starts one, or returns why it cannot (not installed).
    fn start() -> Result<KmsEmulator, String> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| e.to_string())?
            .port();
        let child = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .map_err(|e| format!("moto_server: {e}"))?;
        let mut emulator = KmsEmulator {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        for _ in 0..300 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(emulator);
            }
            if let Ok(Some(status)) = emulator.child.try_wait() {
                return Err(format!("moto_server exited with {status}"));
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        Err("moto_server did not listen within 30 s".into())
    }
}

impl Drop for KmsEmulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Skips a test whose tool is missing, except in CI, where it fails.
fn unavailable(why: &str) {
    if std::env::var_os("STRATA_REQUIRE_SHARED").is_some_and(|v| v == "1") {
        panic!("{why} (install it: pip install 'moto[server]')");
    }
    eprintln!("skipped: {why}; pip install 'moto[server]' to run this test");
}

#[test]
fn aws_kms_master_keys_through_a_local_kms_emulator() {
    let emulator = match KmsEmulator::start() {
        Ok(e) => e,
        Err(why) => return unavailable(&why),
    };
    let dir = tempfile::tempdir().unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sops_kms/make_fixture.py");
    let made = Command::new("python3")
        .arg(script)
        .arg(&emulator.url)
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let kms_command = |case: &str, decrypt: bool| {
        let mut c = strata(dir.path());
        c.env("AWS_ENDPOINT_URL", &emulator.url)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_CONFIG_FILE", dir.path().join("none"))
            .env("AWS_SHARED_CREDENTIALS_FILE", dir.path().join("none"))
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_remove("AWS_PROFILE")
            .arg("build")
            .arg(dir.path().join(case));
        if decrypt {
            c.arg("--decrypt");
        }
        c
    };
    let kms = |case: &str, decrypt: bool| kms_command(case, decrypt).output().unwrap();
    let plain = kms("plain", false);
    assert!(plain.status.success());
    let out = kms("encrypted", true);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&plain.stdout)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("password: s3cret-from-kms"), "{stdout}");
    assert!(
        stdout.contains("API_TOKEN: t0ken-from-kms"),
        "KSOPS: {stdout}"
    );
    assert!(
        stdout.contains("API_TOKEN: dDBrZW4tZnJvbS1rbXM="),
        "generator: {stdout}"
    );

    // A `role` is assumed through STS first: the emulator serves STS too, and an STS that
    // cannot be reached fails the render, naming the role.
    let file = dir.path().join("encrypted/secret.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    let role = "arn:aws:iam::123456789012:role/sops-decrypt";
    let with_role = text.replacen("    enc: ", &format!("    role: {role}\n    enc: "), 1);
    assert_ne!(with_role, text);
    std::fs::write(&file, &with_role).unwrap();
    let out = kms("encrypted", true);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&plain.stdout)
    );
    let mut c = kms_command("encrypted", true);
    c.env("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9");
    let out = c.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(stderr.contains(&format!("(role {role})")), "{stderr}");
    std::fs::write(&file, &text).unwrap();

    // The encryption context is part of what KMS authenticates.
    let file = dir.path().join("encrypted/secret.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("app: storefront", "app: other")).unwrap();
    let out = kms("encrypted", true);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(
        stderr.contains("secret.yaml") && stderr.contains("kms arn:aws:kms:"),
        "{stderr}"
    );
    assert!(!stderr.contains("s3cret"), "{stderr}");
}

/// Returns the armored age file that wraps the data key in `sops_yaml`'s `enc: |` block.
fn age_block(sops_yaml: &str) -> (String, String) {
    let start = sops_yaml.find("-----BEGIN AGE").unwrap();
    let end = sops_yaml.find("-----END AGE ENCRYPTED FILE-----").unwrap() + 32;
    let raw = &sops_yaml[start..end];
    let armored: String = raw.lines().map(|l| format!("{}\n", l.trim())).collect();
    (raw.to_string(), armored)
}

#[test]
fn an_ssh_key_opens_a_file_encrypted_to_its_ssh_recipient() {
    use std::io::{Read, Write};
    use std::str::FromStr;

    let home = tempfile::tempdir().unwrap();
    let ssh = home.path().join(".ssh");
    std::fs::create_dir_all(&ssh).unwrap();
    let keygen = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(ssh.join("id_ed25519"))
        .output();
    if !keygen.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: ssh-keygen is not available");
        return;
    }
    // The real sops file, with its data key re-wrapped (by the age crate) to the ssh key: the
    // recipient list is not covered by the MAC, so sops accepts such a file too.
    let case = repo().join("testdata/sops/secret-resource");
    let text = std::fs::read_to_string(case.join("secret.enc.yaml")).unwrap();
    let (raw, armored) = age_block(&text);
    let key_text = std::fs::read_to_string(key_file("age.txt")).unwrap();
    let x25519 = key_text
        .lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY-"))
        .unwrap();
    let identity = age::x25519::Identity::from_str(x25519).unwrap();
    let decryptor =
        age::Decryptor::new(age::armor::ArmoredReader::new(armored.as_bytes())).unwrap();
    let mut data_key = Vec::new();
    decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .unwrap()
        .read_to_end(&mut data_key)
        .unwrap();
    let public = std::fs::read_to_string(ssh.join("id_ed25519.pub")).unwrap();
    let public = public
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ");
    #[expect(
        deprecated,
        reason = "deprecated for new files as not post-quantum; sops users still have ssh recipients"
    )]
    let recipient = age::ssh::Recipient::from_str(&public).unwrap();
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
            .unwrap();
    let mut wrapped = Vec::new();
    let armor =
        age::armor::ArmoredWriter::wrap_output(&mut wrapped, age::armor::Format::AsciiArmor)
            .unwrap();
    let mut w = encryptor.wrap_output(armor).unwrap();
    w.write_all(&data_key).unwrap();
    w.finish().unwrap().finish().unwrap();
    let block = String::from_utf8(wrapped).unwrap();
    let indented = block.trim_end().replace('\n', "\n        ");
    let old_recipient = "age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29";
    let rewrapped = text
        .replace(&raw, &indented)
        .replace(old_recipient, &public);

    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        case.join("kustomization.yaml"),
        dir.path().join("kustomization.yaml"),
    )
    .unwrap();
    std::fs::write(dir.path().join("secret.enc.yaml"), &rewrapped).unwrap();
    let out = strata(home.path())
        .arg("render")
        .arg("--decrypt")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_renders(&out, "secret-resource");
}

#[test]
fn pgp_keys_come_from_strata_pgp_key_variables_or_a_gnupg_1_keyring() {
    let home = tempfile::tempdir().unwrap();
    let flux = key_file("pgp.asc");
    let sops = key_file("sops-functional-tests.asc");

    let mut c = strata(home.path());
    let list = std::env::join_paths([&flux, &sops]).unwrap();
    c.env("STRATA_PGP_KEY_FILE", list);
    assert_renders(&build(c, "pgp", true), "pgp");

    // The exported key's text in a variable, the other one in GnuPG 1's binary keyring.
    let gnupg = home.path().join(".gnupg");
    std::fs::create_dir_all(&gnupg).unwrap();
    std::fs::write(gnupg.join("secring.gpg"), dearmor(&sops)).unwrap();
    let mut c = strata(home.path());
    c.env("STRATA_PGP_KEY", std::fs::read_to_string(&flux).unwrap());
    assert_renders(&build(c, "pgp", true), "pgp");

    let mut c = strata(home.path());
    c.env("GNUPGHOME", home.path().join("nowhere"));
    let out = build(c, "pgp", true);
    assert_fails(&out, "no OpenPGP secret key was given");

    let mut c = strata(home.path());
    c.env(
        "STRATA_PGP_KEY",
        "-----BEGIN PGP PRIVATE KEY BLOCK-----\nnot a key\n",
    );
    let out = build(c, "pgp", true);
    assert_fails(&out, "STRATA_PGP_KEY: not an OpenPGP keyring");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("not a key"));
}

/// Returns the binary packets of an armored OpenPGP file: its base64 lines between the
/// header's blank line and the `=` checksum line.
fn dearmor(path: &Path) -> Vec<u8> {
    use base64::Engine;
    let text = std::fs::read_to_string(path).unwrap();
    let body: String = text
        .split("\n\n")
        .nth(1)
        .unwrap()
        .lines()
        .take_while(|l| !l.starts_with('=') && !l.starts_with("-----"))
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap()
}
