//! A strategic merge of any two documents never panics. Input: dest and patch separated by
//! a NUL byte.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata::patch::strategic_merge::kustomize_patch;
use strata::source::SourceFile;
use strata::yaml::parse::{ParseOptions, parse_documents};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some((dest, patch)) = text.split_once('\0') else {
        return;
    };
    let parse = |name: &str, t: &str| {
        let file = SourceFile::new(name, t);
        parse_documents(&file, ParseOptions::default()).ok()
    };
    let (Some(d), Some(p)) = (parse("dest.yaml", dest), parse("patch.yaml", patch)) else {
        return;
    };
    if let (Some(d), Some(p)) = (d.first(), p.first()) {
        let _ = kustomize_patch(&d.root, &p.root);
    }
});
