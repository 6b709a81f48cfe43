use super::*;

fn meta(f: impl FnOnce(&mut Metadata)) -> Metadata {
    let mut m = Metadata::default();
    f(&mut m);
    m
}

fn encrypted(m: &Metadata, path: &[&str]) -> bool {
    let mut w = Walker::new(m, &[]);
    w.path = path.iter().map(|p| p.to_string()).collect();
    w.should_be_encrypted()
}

#[test]
fn selects_leaves_as_sops_does() {
    let re = |r: &str| Regex::new(r).ok();
    let cases: Vec<(Metadata, &[&str], bool)> = vec![
        (meta(|_| {}), &["a", "b"], true),
        (
            meta(|m| m.unencrypted_suffix = Some("_unencrypted".into())),
            &["a_unencrypted", "b"],
            false,
        ),
        (
            meta(|m| m.unencrypted_suffix = Some("_unencrypted".into())),
            &["a", "b"],
            true,
        ),
        (
            meta(|m| m.encrypted_suffix = Some("_secret".into())),
            &["a"],
            false,
        ),
        (
            meta(|m| m.encrypted_suffix = Some("_secret".into())),
            &["x_secret", "y"],
            true,
        ),
        (
            meta(|m| m.encrypted_regex = re("^(data|stringData)$")),
            &["metadata", "name"],
            false,
        ),
        (
            meta(|m| m.encrypted_regex = re("^(data|stringData)$")),
            &["stringData", "k"],
            true,
        ),
        // Go's regexp.Match is unanchored.
        (
            meta(|m| m.unencrypted_regex = re("pub")),
            &["public_key"],
            false,
        ),
    ];
    for (m, path, want) in cases {
        assert_eq!(encrypted(&m, path), want, "{path:?}");
    }
}

#[test]
fn hashes_leaves_as_to_bytes_writes_them() {
    let cases = [
        (Scalar::plain("3"), "3"),
        (Scalar::plain("0x10"), "16"),
        (Scalar::plain("1.50"), "1.5"),
        (Scalar::plain("true"), "True"),
        (Scalar::plain("false"), "False"),
        (Scalar::string("true"), "true"),
        (Scalar::plain("2024-01-15"), "2024-01-15"),
        (Scalar::plain("text"), "text"),
    ];
    for (s, want) in cases {
        assert_eq!(to_bytes(&s).as_deref(), Ok(want.as_bytes()), "{s:?}");
    }
}

#[test]
fn types_decrypted_values() {
    let cases = [
        ("42", "int", Scalar::plain("42")),
        ("1.5", "float", Scalar::plain("1.5")),
        ("True", "bool", Scalar::plain("true")),
        ("007", "str", Scalar::string("007")),
    ];
    for (plain, kind, want) in cases {
        assert_eq!(plain_scalar(plain.into(), kind), Ok(want), "{kind}");
    }
    assert!(plain_scalar("x".into(), "int").is_err());
    assert!(plain_scalar("x".into(), "weird").is_err());
}

#[test]
fn formats_lastmodified_as_rfc3339() {
    for (text, want) in [
        ("2024-11-12T13:33:42Z", "2024-11-12T13:33:42Z"),
        ("2024-11-12T13:33:42.123456Z", "2024-11-12T13:33:42Z"),
        ("2024-11-12T13:33:42.5+02:00", "2024-11-12T13:33:42+02:00"),
    ] {
        assert_eq!(rfc3339(text), want);
    }
}

#[test]
fn refuses_malformed_encrypted_values() {
    for value in ["plain", "ENC[AES256_GCM,data:!!,iv:AA==,tag:AA==,type:str]"] {
        assert!(open(value, &[0; 32], "a:").is_err(), "{value}");
    }
}

#[test]
fn unflattens_dotenv_metadata() {
    let text =
        "a=1\n#c\nsops_age__list_0__map_recipient=r\nsops_age__list_0__map_enc=x\\ny\nsops_mac=m\n";
    let tree = dotenv::parse(text).expect("encrypted dotenv");
    assert_eq!(tree.get_str(&["a"]), Some("1"));
    let age = tree.get_path(&["sops", "age"]).and_then(Node::as_sequence);
    assert_eq!(age.map(Vec::len), Some(1));
    assert_eq!(tree.get_str(&["sops", "mac"]), Some("m"));
    let keys = collect_keys(tree.get_path(&["sops"]).expect("sops"));
    assert_eq!(
        keys,
        [MasterKey::Age {
            recipient: "r".into(),
            enc: "x\ny".into()
        }]
    );
    assert!(
        dotenv::parse("a=1\n").is_none(),
        "no sops_mac: not encrypted"
    );
    assert!(
        dotenv::parse("sops_mac=m\nsops_a__list_5__map_b=x\n").is_none(),
        "index gap"
    );
}
