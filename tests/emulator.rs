//! Compiles and runs the emulator's C++ tests (`tests/emu/*.cpp`) for gfx942 and gfx950 with the emulator
//! contract's command line (design.md, docs/emulator.md):
//!
//! ```text
//! clang++ -std=c++20 -DHIPFORGE_EMULATOR -DHIPFORGE_EMU_ARCH=A -I kernels/include test.cpp kernels/emu/*.cpp -lpthread
//! ```
//!
//! plus `-O2` and the checkers' instrumentation (`-fsanitize-coverage=func,trace-loads,trace-stores`). The runtime
//! files are compiled once per arch with the same flags and linked into every test. Each test prints
//! "N passed, M failed" and exits non-zero on failure; this test fails if any of them fails, fails to compile, or runs
//! longer than its deadline. Without a host clang++ it skips with a printed reason, unless
//! `HIPFORGE_REQUIRE_EMULATOR=1` (CI), where that is a failure.
//! A C++ test that needs data from the Rust side (e.g. tests/emu/cvt_codes.cpp with a table file) gets its own Rust
//! test that passes it; here it runs with no arguments.
// Every test here needs the `emulator` feature (on by default); without it the file compiles to nothing.
#![cfg(feature = "emulator")]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

mod common;
use common::host_clang::host_clang;

const ARCHS: &[&str] = &["942", "950"];
const FLAGS: &[&str] = &[
    "-std=c++20",
    "-O2",
    "-g0",
    "-fsanitize-coverage=func,trace-loads,trace-stores",
    "-DHIPFORGE_EMULATOR",
];
/// A test binary that runs longer than this is killed and counts as failed (a hang must not stall CI).
const DEADLINE: Duration = Duration::from_secs(600);

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn mtime(p: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(p).ok()?.modified().ok()
}

/// The newest modification time under `dir` (recursively).
fn newest(dir: &Path) -> Option<std::time::SystemTime> {
    let mut best = None;
    for e in std::fs::read_dir(dir).ok()?.flatten() {
        let p = e.path();
        let t = if p.is_dir() { newest(&p) } else { mtime(&p) };
        best = best.max(t);
    }
    best
}

/// True when `out` exists and is newer than every input (the build is skipped then: re-running the tests after
/// editing one test file recompiles only that one).
fn up_to_date(out: &Path, inputs: &[Option<std::time::SystemTime>]) -> bool {
    match mtime(out) {
        Some(o) => inputs.iter().all(|i| i.is_some_and(|i| i <= o)),
        None => false,
    }
}

fn run_cmd(cmd: &mut Command) -> Result<(), String> {
    let o = cmd
        .output()
        .map_err(|e| format!("{:?} could not run: {e}", cmd.get_program()))?;
    if o.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{:?} failed ({}):\n{}{}",
            cmd,
            o.status,
            String::from_utf8_lossy(&o.stderr),
            String::from_utf8_lossy(&o.stdout)
        ))
    }
}

/// Runs a test binary with a deadline; returns (success, combined output).
fn run_with_deadline(bin: &Path) -> (bool, String) {
    let out_path = bin.with_extension("out");
    let Ok(out_file) = std::fs::File::create(&out_path) else {
        return (false, "cannot create output file".into());
    };
    let err_file = out_file.try_clone().unwrap();
    let child = Command::new(bin)
        .stdout(Stdio::from(out_file))
        .stderr(Stdio::from(err_file))
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => return (false, format!("could not start: {e}")),
    };
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break Some(s),
            Ok(None) if start.elapsed() > DEADLINE => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(_) => break None,
        }
    };
    let text = std::fs::read_to_string(&out_path).unwrap_or_default();
    match status {
        Some(s) if s.success() => (true, text),
        Some(s) => (false, format!("{text}\n[exit: {s}]")),
        None => (false, format!("{text}\n[killed after {} s]", DEADLINE.as_secs())),
    }
}

#[test]
fn emulator_cpp_tests() {
    let Some(clang) = host_clang() else {
        let msg =
            "no host clang++ (HIPFORGE_HOST_CLANG or clang++-22..18 on PATH): the emulator's C++ tests cannot be built";
        if std::env::var("HIPFORGE_REQUIRE_EMULATOR").as_deref() == Ok("1") {
            panic!("{msg} (HIPFORGE_REQUIRE_EMULATOR=1)");
        }
        println!("SKIPPED: {msg}");
        return;
    };
    let root = root();
    let include = root.join("kernels/include");
    let work = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("emu-cpp-tests");
    std::fs::create_dir_all(&work).unwrap();

    let mut tests: Vec<PathBuf> = std::fs::read_dir(root.join("tests/emu"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "cpp"))
        .collect();
    tests.sort();
    assert!(!tests.is_empty(), "no C++ tests in tests/emu");
    let mut runtime: Vec<PathBuf> = std::fs::read_dir(root.join("kernels/emu"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "cpp"))
        .collect();
    runtime.sort();

    // Inputs every object depends on: all headers, the runtime, the shared test headers, this file's flags (via the
    // compiler stamp below).
    let stamp = work.join("stamp");
    let stamp_text = format!("{}\n{:?}\n", clang.display(), FLAGS);
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(stamp_text.as_str()) {
        let _ = std::fs::remove_dir_all(&work);
        std::fs::create_dir_all(&work).unwrap();
        std::fs::write(&stamp, &stamp_text).unwrap();
    }
    let shared_inputs = [newest(&include), newest(&root.join("kernels/emu")), mtime(&stamp)];
    let test_headers = std::fs::read_dir(root.join("tests/emu"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "hpp"))
        .map(|p| mtime(&p))
        .max()
        .flatten();

    // Jobs: the runtime objects of each arch first, then each test (compile + link + run).
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).min(2);
    let failures = Mutex::new(Vec::<String>::new());
    let summaries = Mutex::new(Vec::<String>::new());
    for arch in ARCHS {
        let dir = work.join(format!("gfx{arch}"));
        std::fs::create_dir_all(&dir).unwrap();
        let common = |cmd: &mut Command| {
            cmd.args(FLAGS)
                .arg(format!("-DHIPFORGE_EMU_ARCH={arch}"))
                .arg("-I")
                .arg(&include);
        };
        let objs: Vec<PathBuf> = runtime
            .iter()
            .map(|r| dir.join(format!("rt_{}.o", r.file_stem().unwrap().to_string_lossy())))
            .collect();
        let next = Mutex::new(0usize);
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| loop {
                    let i = {
                        let mut n = next.lock().unwrap();
                        *n += 1;
                        *n - 1
                    };
                    if i >= runtime.len() {
                        break;
                    }
                    if up_to_date(&objs[i], &shared_inputs) {
                        continue;
                    }
                    let mut cmd = Command::new(&clang);
                    common(&mut cmd);
                    cmd.arg("-c").arg(&runtime[i]).arg("-o").arg(&objs[i]);
                    if let Err(e) = run_cmd(&mut cmd) {
                        failures
                            .lock()
                            .unwrap()
                            .push(format!("gfx{arch}: runtime {}: {e}", runtime[i].display()));
                    }
                });
            }
        });
        if !failures.lock().unwrap().is_empty() {
            continue;
        }
        let next = Mutex::new(0usize);
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| loop {
                    let i = {
                        let mut n = next.lock().unwrap();
                        *n += 1;
                        *n - 1
                    };
                    let Some(test) = tests.get(i) else { break };
                    let name = test.file_stem().unwrap().to_string_lossy().to_string();
                    let bin = dir.join(&name);
                    let mut cmd = Command::new(&clang);
                    common(&mut cmd);
                    cmd.arg(test).args(&objs).arg("-lpthread").arg("-o").arg(&bin);
                    let label = format!("tests/emu/{name}.cpp gfx{arch}");
                    // Test-local headers (tests/emu/*.hpp) count for every test; the test's own source for itself.
                    let mut inputs = shared_inputs.to_vec();
                    inputs.push(test_headers);
                    inputs.push(mtime(test));
                    let built = up_to_date(&bin, &inputs) || {
                        let _ = std::fs::remove_file(&bin);
                        false
                    };
                    if built {
                        // fall through to running it
                    } else if let Err(e) = run_cmd(&mut cmd) {
                        failures.lock().unwrap().push(format!("{label}: compile failed: {e}"));
                        continue;
                    }
                    let start = Instant::now();
                    let (ok, out) = run_with_deadline(&bin);
                    let last = out
                        .lines()
                        .rev()
                        .find(|l| l.contains(" passed, "))
                        .unwrap_or("(no summary line)");
                    summaries
                        .lock()
                        .unwrap()
                        .push(format!("{label}: {last} ({:.1} s)", start.elapsed().as_secs_f64()));
                    if !ok || !last.contains(" 0 failed") {
                        let tail: Vec<&str> = out.lines().filter(|l| !l.starts_with("== ")).collect();
                        let tail = tail[tail.len().saturating_sub(40)..].join("\n");
                        failures.lock().unwrap().push(format!("{label} failed:\n{tail}"));
                    }
                });
            }
        });
    }
    let mut summaries = summaries.into_inner().unwrap();
    summaries.sort();
    for s in &summaries {
        println!("{s}");
    }
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} emulator C++ test(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
