//! Cost of keeping comments: parses a comment-heavy 3.8 MB file (40k list items, 160k
//! comments) with and without `keep_comments` and reports the best of several runs of each
//! and their ratio (measured at about 2x).
//!
//! ```text
//! cargo bench -p strata-benches --bench parse_comments [-- --runs N]
//! ```

use std::time::{Duration, Instant};

use strata::source::SourceFile;
use strata::yaml::parse::{ParseOptions, parse_documents};

fn main() -> std::process::ExitCode {
    let mut runs = 3usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--runs" {
            runs = args
                .next()
                .and_then(|v| v.parse().ok())
                .unwrap_or(runs)
                .max(1);
        }
    }
    let mut text = String::from("kind: List\nitems:\n");
    for i in 0..40_000 {
        text.push_str(&format!(
            "# item {i}\n- name: c{i} # line\n  image: \"img:{i}\"\n  env:\n  - name: K\n    value: v\n  # foot\n"
        ));
    }
    let file = SourceFile::new("big.yaml", text);
    let mut best = [Duration::MAX; 2];
    for _ in 0..runs {
        for keep_comments in [false, true] {
            let opts = ParseOptions {
                keep_comments,
                ..ParseOptions::default()
            };
            let t = Instant::now();
            if let Err(e) = parse_documents(&file, opts) {
                eprintln!("parse failed: {e}");
                return std::process::ExitCode::FAILURE;
            }
            let slot = &mut best[usize::from(keep_comments)];
            *slot = (*slot).min(t.elapsed());
        }
    }
    println!(
        "parse without comments {:?}, with comments {:?} ({:.2}x)",
        best[0],
        best[1],
        best[1].as_secs_f64() / best[0].as_secs_f64().max(f64::MIN_POSITIVE)
    );
    std::process::ExitCode::SUCCESS
}
