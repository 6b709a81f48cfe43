//! Parsing arbitrary bytes never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata::source::SourceFile;
use strata::yaml::parse::{ParseOptions, parse_documents};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for keep_comments in [false, true] {
        let file = SourceFile::new("fuzz.yaml", text);
        let opts = ParseOptions {
            keep_comments,
            ..ParseOptions::default()
        };
        let _ = parse_documents(&file, opts);
    }
});
