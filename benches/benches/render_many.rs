//! Renders every overlay of the `monorepo` bench workload in one `Renderer::render_many`
//! call (the work `strata diff --git-ref REF DIR...` does per side), prints each overlay as
//! `kustomize build` would, and diffs the renders with `strata::diff`; reports median, min
//! and max wall time over several runs.
//!
//! The workload is generated, never committed:
//!
//! ```text
//! python3 shared/bench/gen_workloads.py --out /tmp/wl --scale medium --only monorepo
//! cargo bench -p strata-benches --bench render_many -- /tmp/wl
//! STRATA_BENCH_WORKLOADS=/tmp/wl cargo bench -p strata-benches --bench render_many
//! ```
//!
//! Flags after `--`: `--runs N` (default 5), `--threads N` (default 0: one per core),
//! `--write DIR` (write each overlay's output to `DIR/<overlay path with / as _>.yaml`, to
//! compare with `kubectl kustomize`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use strata::diff::{DiffOptions, diff};
use strata::{DiskFs, Rendered, Renderer};

struct Args {
    workloads: PathBuf,
    runs: usize,
    threads: usize,
    write: Option<PathBuf>,
}

const USAGE: &str = "usage: cargo bench -p strata-benches --bench render_many -- \
                     [WORKLOADS] [--runs N] [--threads N] [--write DIR]\n\
                     WORKLOADS (or $STRATA_BENCH_WORKLOADS) is the --out directory of \
                     shared/bench/gen_workloads.py --only monorepo";

fn parse_args() -> Result<Args, String> {
    let mut workloads = std::env::var_os("STRATA_BENCH_WORKLOADS").map(PathBuf::from);
    let (mut runs, mut threads, mut write) = (5, 0, None);
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut number = |name: &str| -> Result<usize, String> {
            it.next()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("{name} takes a number"))
        };
        match a.as_str() {
            // cargo bench passes --bench to harness = false targets.
            "--bench" => {}
            "--runs" => runs = number("--runs")?.max(1),
            "--threads" => threads = number("--threads")?,
            "--write" => write = Some(PathBuf::from(it.next().ok_or("--write takes a DIR")?)),
            "-h" | "--help" => return Err(String::new()),
            s if s.starts_with('-') => return Err(format!("unknown flag {s}")),
            s => workloads = Some(PathBuf::from(s)),
        }
    }
    let workloads = workloads.ok_or("no workload directory given")?;
    Ok(Args {
        workloads,
        runs,
        threads,
        write,
    })
}

/// Returns the monorepo directory and its overlays, relative paths joined on.
fn overlays(workloads: &Path) -> Result<(PathBuf, Vec<PathBuf>), String> {
    let mono = if workloads.join("overlays.txt").is_file() {
        workloads.to_path_buf()
    } else {
        workloads.join("monorepo")
    };
    let list = mono.join("overlays.txt");
    let text = std::fs::read_to_string(&list).map_err(|e| {
        format!(
            "{}: {e} (generate the workload with gen_workloads.py --only monorepo)",
            list.display()
        )
    })?;
    let dirs = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| mono.join(l))
        .collect();
    Ok((mono, dirs))
}

fn render_all(dirs: &[PathBuf], threads: usize) -> Result<(Vec<Rendered>, Vec<String>), String> {
    let renderer = Renderer::default();
    let mut rendered = Vec::with_capacity(dirs.len());
    let mut yaml = Vec::with_capacity(dirs.len());
    for (dir, r) in dirs
        .iter()
        .zip(renderer.render_many(&DiskFs, dirs, threads))
    {
        let r = r.map_err(|e| format!("{}: {e}", dir.display()))?;
        yaml.push(r.to_yaml().map_err(|e| format!("{}: {e}", dir.display()))?);
        rendered.push(r);
    }
    Ok((rendered, yaml))
}

fn stats(name: &str, mut times: Vec<Duration>) {
    times.sort();
    let s = |d: Duration| format!("{:.3} s", d.as_secs_f64());
    let (Some(min), Some(max)) = (times.first(), times.last()) else {
        return;
    };
    let median = times[times.len() / 2];
    println!(
        "{name}: median {} (min {}, max {}, {} runs)",
        s(median),
        s(*min),
        s(*max),
        times.len()
    );
}

fn run(args: &Args) -> Result<(), String> {
    let (mono, dirs) = overlays(&args.workloads)?;
    let mut render_times = Vec::new();
    let mut diff_times = Vec::new();
    let mut last = None;
    for _ in 0..args.runs {
        let start = Instant::now();
        let (rendered, yaml) = render_all(&dirs, args.threads)?;
        render_times.push(start.elapsed());
        if let Some((previous, _)) = &last {
            let start = Instant::now();
            let mut differences = 0;
            for (a, b) in std::iter::zip(previous as &Vec<Rendered>, &rendered) {
                let d = diff(a, b, &DiffOptions::default()).map_err(|e| e.to_string())?;
                differences += d.changes().len();
            }
            diff_times.push(start.elapsed());
            if differences != 0 {
                return Err(format!(
                    "two renders of the same tree differ ({differences})"
                ));
            }
        }
        last = Some((rendered, yaml));
    }
    let Some((rendered, yaml)) = last else {
        return Ok(());
    };
    let resources: usize = rendered.iter().map(|r| r.resources().len()).sum();
    let bytes: usize = yaml.iter().map(String::len).sum();
    println!(
        "monorepo: {} overlays, {resources} resources, {bytes} bytes of YAML ({})",
        dirs.len(),
        mono.display()
    );
    stats("render_many + to_yaml, all overlays", render_times);
    stats("diff of every overlay with itself", diff_times);
    if let Some(out) = &args.write {
        std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
        for (dir, text) in dirs.iter().zip(&yaml) {
            let rel = dir.strip_prefix(&mono).unwrap_or(dir);
            let name = rel.to_string_lossy().replace('/', "_") + ".yaml";
            std::fs::write(out.join(&name), text).map_err(|e| format!("{name}: {e}"))?;
        }
        println!("wrote {} files to {}", yaml.len(), out.display());
    }
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("render_many: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("render_many: {e}");
            ExitCode::FAILURE
        }
    }
}
