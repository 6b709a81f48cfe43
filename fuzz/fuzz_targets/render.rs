//! A render over `MemoryFs` of an arbitrary small tree never panics and never reads outside
//! its root. Input: files separated by NUL bytes, each `path\nCONTENTS`; a path ending in
//! `@` followed by a target makes a symlink (`a/kustomization.yaml@/etc/x`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata::{MemoryFs, RenderOptions, Renderer};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut fs = MemoryFs::new().with_file(
        "outside/secret.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: fuzz-leak\n",
    );
    for part in text.split('\0').take(16) {
        let (path, contents) = part.split_once('\n').unwrap_or((part, ""));
        let path = path.trim_start_matches('/');
        if path.is_empty() || path.contains("..") {
            continue;
        }
        match path.split_once('@') {
            Some((link, target)) => {
                fs.add_symlink(format!("root/{link}"), target);
            }
            None => {
                fs.add_file(format!("root/{path}"), contents);
            }
        }
    }
    if let Ok(r) = Renderer::new(RenderOptions::default()).render(&fs, "/root") {
        if let Ok(yaml) = r.to_yaml() {
            assert!(!yaml.contains("fuzz-leak"), "{yaml}");
        }
    }
});
