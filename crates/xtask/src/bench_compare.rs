//! `bench-compare`: renders the shared benchmark workloads with kustomize and with Strata,
//! checks that the outputs are byte-identical, then times both as whole processes beside
//! the floor, and prints a markdown table.
//!
//! For each target of `gen_workloads.py --scale SCALE` (`targets.txt`):
//!
//! 1. the oracle (`kubectl kustomize DIR` by default) renders it once; that run is its
//!    timing too, as kustomize takes minutes on some workloads (`--oracle-runs N` for more,
//!    `--no-oracle` to skip it and reuse the reference render and the timing kept from an
//!    earlier run in `target/bench-workloads/SCALE/outputs`);
//! 2. `strata build DIR` renders it and the two outputs are compared byte for byte; a
//!    difference is reported on stderr and its row is marked `DIFFERS`;
//! 3. Strata and the floor (`strata-floor`: read every file of the workload, parse the YAML
//!    ones, parse and print the expected output with Strata's own YAML layer) run once to
//!    warm up, then `--runs N` times (default 5); the table quotes medians.
//!
//! Every run goes through `/usr/bin/time`, which reports user and system CPU seconds, wall
//! seconds and peak RSS of the finished process. CPU seconds are the figure to compare on
//! a shared machine; wall seconds include waiting for a core.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

const WORKLOADS: [&str; 6] = [
    "wide",
    "deep",
    "monorepo",
    "patch-heavy",
    "generators",
    "namerefs",
];

/// Parsed arguments of `bench-compare`.
#[derive(Debug, PartialEq, Eq)]
pub struct Args {
    /// `small`, `medium` or `large`.
    pub scale: String,
    /// Workloads to run; all when empty.
    pub only: Vec<String>,
    /// Counted runs of Strata and the floor.
    pub runs: usize,
    /// Counted runs of the oracle; 0 when it is skipped.
    pub oracle_runs: usize,
    /// The oracle command line, split on whitespace; the directory is appended.
    pub oracle: Vec<String>,
    /// Where the markdown table is written besides stdout.
    pub out: Option<PathBuf>,
    /// A Strata binary to time instead of this tree's release build.
    pub bin: Option<PathBuf>,
}

/// Reads `--scale S [--only W,..] [--runs N] [--oracle-runs N | --no-oracle]
/// [--oracle CMD] [--out FILE] [--bin PATH]`.
pub fn parse_args(args: &[&str]) -> Result<Args, String> {
    let mut parsed = Args {
        scale: "medium".to_owned(),
        only: Vec::new(),
        runs: 5,
        oracle_runs: 1,
        oracle: vec!["kubectl".to_owned(), "kustomize".to_owned()],
        out: None,
        bin: None,
    };
    let mut it = args.iter();
    while let Some(&a) = it.next() {
        let mut value = || it.next().copied().ok_or(format!("{a} needs a value"));
        match a {
            "--scale" => {
                let v = value()?;
                if !matches!(v, "small" | "medium" | "large") {
                    return Err(format!("--scale takes small, medium or large, not {v}"));
                }
                v.clone_into(&mut parsed.scale);
            }
            "--only" => {
                for w in value()?.split(',') {
                    if !WORKLOADS.contains(&w) {
                        return Err(format!("unknown workload {w} (one of {WORKLOADS:?})"));
                    }
                    parsed.only.push(w.to_owned());
                }
            }
            "--runs" => parsed.runs = number(a, value()?)?,
            "--oracle-runs" => parsed.oracle_runs = number(a, value()?)?,
            "--no-oracle" => parsed.oracle_runs = 0,
            "--oracle" => {
                parsed.oracle = value()?.split_whitespace().map(str::to_owned).collect();
                if parsed.oracle.is_empty() {
                    return Err("--oracle needs a command".to_owned());
                }
            }
            "--out" => parsed.out = Some(PathBuf::from(value()?)),
            "--bin" => parsed.bin = Some(PathBuf::from(value()?)),
            _ => return Err(format!("unknown argument {a}")),
        }
    }
    Ok(parsed)
}

fn number(flag: &str, v: &str) -> Result<usize, String> {
    match v.parse() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("{flag} takes a positive number, not {v}")),
    }
}

/// One finished process as `/usr/bin/time` reports it.
#[derive(Clone, Copy, Debug, Default)]
struct Sample {
    wall: f64,
    cpu: f64,
    rss_kib: u64,
}

/// Medians of several samples.
#[derive(Clone, Copy, Debug, Default)]
struct Timing {
    wall: f64,
    cpu: f64,
    rss_kib: u64,
}

fn median(samples: &[Sample]) -> Timing {
    let pick = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(0.0)
    };
    let mut rss: Vec<u64> = samples.iter().map(|s| s.rss_kib).collect();
    rss.sort_unstable();
    Timing {
        wall: pick(samples.iter().map(|s| s.wall).collect()),
        cpu: pick(samples.iter().map(|s| s.cpu).collect()),
        rss_kib: rss.get(rss.len() / 2).copied().unwrap_or(0),
    }
}

/// Runs `argv` under `/usr/bin/time` with stdout to `stdout` and returns its figures; a
/// non-zero exit is an error carrying the command's stderr.
fn timed(argv: &[String], cwd: &Path, stdout: &Path) -> Result<Sample, String> {
    let stats = std::env::temp_dir().join(format!("strata-bench-time-{}", std::process::id()));
    let out = std::fs::File::create(stdout).map_err(|e| format!("{}: {e}", stdout.display()))?;
    let result = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%e %U %S %M")
        .arg("-o")
        .arg(&stats)
        .args(argv)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("/usr/bin/time {}: {e}", argv.join(" ")))?;
    if !result.status.success() {
        let stderr = String::from_utf8_lossy(&result.stderr);
        return Err(format!(
            "`{}` in {} failed: {}",
            argv.join(" "),
            cwd.display(),
            stderr.lines().last().unwrap_or("")
        ));
    }
    let text = std::fs::read_to_string(&stats).map_err(|e| format!("{}: {e}", stats.display()))?;
    // The last line holds the figures; earlier ones are notes such as a signal.
    let fields: Vec<&str> = text
        .lines()
        .last()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let parse = |i: usize| -> Result<f64, String> {
        fields
            .get(i)
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| format!("unexpected /usr/bin/time output: {text}"))
    };
    Ok(Sample {
        wall: parse(0)?,
        cpu: parse(1)? + parse(2)?,
        rss_kib: fields.get(3).and_then(|v| v.parse().ok()).unwrap_or(0),
    })
}

fn repeat(argv: &[String], cwd: &Path, stdout: &Path, runs: usize) -> Result<Timing, String> {
    timed(argv, cwd, stdout)?;
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        samples.push(timed(argv, cwd, stdout)?);
    }
    Ok(median(&samples))
}

/// Total size of the files under `dir`.
fn tree_bytes(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum()
}

/// Number of documents in a `kustomize build` output.
fn documents(text: &str) -> usize {
    if text.is_empty() {
        return 0;
    }
    1 + text.lines().filter(|l| *l == "---").count()
}

struct Row {
    target: String,
    resources: usize,
    input_bytes: u64,
    identical: bool,
    oracle: Option<Timing>,
    strata: Timing,
    floor: Timing,
}

/// Generates the workloads, measures every target and prints the table.
pub fn run(args: &Args, repo: &Path) -> Result<ExitCode, String> {
    let shared = match std::env::var_os("STRATA_SHARED") {
        Some(dir) => PathBuf::from(dir),
        None => repo.join("../shared"),
    };
    let generator = shared.join("bench/gen_workloads.py");
    if !generator.is_file() {
        return Err(format!(
            "{} not found (set STRATA_SHARED to the shared/ folder)",
            generator.display()
        ));
    }
    let work = repo.join("target/bench-workloads").join(&args.scale);
    eprintln!("bench-compare: generating {} workloads", args.scale);
    let mut generate = Command::new("python3");
    generate
        .arg(&generator)
        .arg("--out")
        .arg(&work)
        .args(["--scale", &args.scale]);
    if !args.only.is_empty() {
        generate.args(["--only", &args.only.join(",")]);
    }
    run_quiet(&mut generate)?;

    eprintln!("bench-compare: building strata and strata-floor (release)");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    run_quiet(Command::new(cargo).current_dir(repo).args([
        "build",
        "--release",
        "-q",
        "-p",
        "strata-kustomize-cli",
        "-p",
        "strata-benches",
        "--bin",
        "strata",
        "--bin",
        "strata-floor",
    ]))?;
    // Copies, so that a rebuild while the comparison runs does not mix two builds.
    let bin_dir = work.join("bin");
    std::fs::create_dir_all(&bin_dir).map_err(|e| format!("{}: {e}", bin_dir.display()))?;
    let built = repo.join("target/release");
    let strata_src = args.bin.clone().unwrap_or_else(|| built.join("strata"));
    for (from, name) in [
        (strata_src, "strata"),
        (built.join("strata-floor"), "strata-floor"),
    ] {
        std::fs::copy(&from, bin_dir.join(name))
            .map_err(|e| format!("copying {}: {e}", from.display()))?;
    }
    let strata = bin_dir.join("strata").display().to_string();
    let floor = bin_dir.join("strata-floor").display().to_string();

    let targets = std::fs::read_to_string(work.join("targets.txt"))
        .map_err(|e| format!("{}: {e}", work.join("targets.txt").display()))?;
    let results = work.join("outputs");
    std::fs::create_dir_all(&results).map_err(|e| format!("{}: {e}", results.display()))?;
    let mut rows = Vec::new();
    let mut differs = false;
    for target in targets.lines().filter(|l| !l.is_empty()) {
        let workload = target.split('/').next().unwrap_or(target);
        if !args.only.is_empty() && !args.only.iter().any(|w| w == workload) {
            continue;
        }
        let flat = target.replace('/', "_");
        let reference = results.join(format!("{flat}.kustomize.yaml"));
        let ours = results.join(format!("{flat}.strata.yaml"));
        let floor_out = results.join(format!("{flat}.floor.yaml"));
        let oracle_time = results.join(format!("{flat}.kustomize.time"));
        let oracle = if args.oracle_runs > 0 {
            eprintln!("bench-compare: {target}: {}", args.oracle.join(" "));
            let mut argv = args.oracle.clone();
            argv.push(target.to_owned());
            let mut samples = Vec::new();
            for _ in 0..args.oracle_runs {
                samples.push(timed(&argv, &work, &reference)?);
            }
            let m = median(&samples);
            let kept = format!("{} {} {}\n", m.cpu, m.wall, m.rss_kib);
            std::fs::write(&oracle_time, kept)
                .map_err(|e| format!("{}: {e}", oracle_time.display()))?;
            Some(m)
        } else if reference.is_file() {
            read_timing(&oracle_time)
        } else {
            return Err(format!(
                "--no-oracle needs a reference render from an earlier run: {} is missing",
                reference.display()
            ));
        };
        eprintln!("bench-compare: {target}: strata");
        let strata_argv = vec![strata.clone(), "build".to_owned(), target.to_owned()];
        let strata_timing = repeat(&strata_argv, &work, &ours, args.runs)?;
        let expected = std::fs::read(&reference).map_err(|e| e.to_string())?;
        let identical = std::fs::read(&ours).map_err(|e| e.to_string())? == expected;
        if !identical {
            differs = true;
            eprintln!(
                "bench-compare: {target}: Strata's output differs from the oracle's \
                 (compare {} and {})",
                ours.display(),
                reference.display()
            );
        }
        let inputs = work.join(workload);
        eprintln!("bench-compare: {target}: floor");
        let floor_argv = vec![
            floor.clone(),
            inputs.display().to_string(),
            reference.display().to_string(),
        ];
        let floor_timing = repeat(&floor_argv, &work, &floor_out, args.runs)?;
        rows.push(Row {
            target: target.to_owned(),
            resources: documents(&String::from_utf8_lossy(&expected)),
            input_bytes: tree_bytes(&inputs),
            identical,
            oracle,
            strata: strata_timing,
            floor: floor_timing,
        });
    }
    let table = table(&rows);
    println!("{table}");
    if let Some(out) = &args.out {
        std::fs::write(out, &table).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    Ok(if differs {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Reads a timing kept by an earlier run (`cpu wall rss_kib`), if there is one.
fn read_timing(path: &Path) -> Option<Timing> {
    let text = std::fs::read_to_string(path).ok()?;
    let mut f = text.split_whitespace();
    Some(Timing {
        cpu: f.next()?.parse().ok()?,
        wall: f.next()?.parse().ok()?,
        rss_kib: f.next()?.parse().ok()?,
    })
}

fn run_quiet(cmd: &mut Command) -> Result<(), String> {
    let out = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{cmd:?} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim_end()
        ))
    }
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn table(rows: &[Row]) -> String {
    let mut t = String::from(
        "| target | resources | input MiB | output | kustomize cpu s | Strata cpu s | \
         Strata wall s | kustomize / Strata | floor cpu s | Strata / floor | \
         Strata peak RSS MiB | RSS / input |\n\
         |---|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|\n",
    );
    for r in rows {
        let (oracle_cpu, speedup) = match r.oracle {
            Some(o) => (
                format!("{:.2}", o.cpu),
                format!("{:.0}×", o.cpu / r.strata.cpu.max(0.005)),
            ),
            None => ("–".to_owned(), "–".to_owned()),
        };
        let input_mib = r.input_bytes as f64 / (1024.0 * 1024.0);
        let _ = writeln!(
            t,
            "| {} | {} | {:.1} | {} | {} | {:.2} | {:.2} | {} | {:.2} | {:.1}× | {:.0} | {:.1}× |",
            r.target,
            r.resources,
            input_mib,
            if r.identical {
                "identical"
            } else {
                "**DIFFERS**"
            },
            oracle_cpu,
            r.strata.cpu,
            r.strata.wall,
            speedup,
            r.floor.cpu,
            r.strata.cpu / r.floor.cpu.max(0.005),
            mib(r.strata.rss_kib),
            (r.strata.rss_kib as f64 * 1024.0) / (r.input_bytes.max(1) as f64),
        );
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments() {
        let a = parse_args(&["--scale", "large", "--only", "wide,deep", "--no-oracle"]).unwrap();
        assert_eq!(a.scale, "large");
        assert_eq!(a.only, ["wide", "deep"]);
        assert_eq!(a.oracle_runs, 0);
        assert_eq!(a.runs, 5);
        assert!(parse_args(&["--scale", "huge"]).is_err());
        assert!(parse_args(&["--only", "wide,nope"]).is_err());
        assert!(parse_args(&["--runs", "0"]).is_err());
        assert!(parse_args(&["--runs"]).is_err());
    }

    #[test]
    fn medians_and_documents() {
        let s = |cpu: f64, rss_kib| Sample {
            wall: cpu * 2.0,
            cpu,
            rss_kib,
        };
        let m = median(&[s(3.0, 10), s(1.0, 30), s(2.0, 20)]);
        assert_eq!((m.cpu, m.wall, m.rss_kib), (2.0, 4.0, 20));
        assert_eq!(documents(""), 0);
        assert_eq!(documents("a: 1\n"), 1);
        assert_eq!(documents("a: 1\n---\nb: 2\n---\nc: |\n  ---x\n"), 3);
    }
}
