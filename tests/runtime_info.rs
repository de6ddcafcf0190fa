//! The `hipforge` command line, run as a subprocess: `hipforge info` (each case can set its own environment,
//! override variables, without racing other tests), help and usage errors, closed pipes, the aligned tables, and the
//! spills in `isa`'s text.

use std::process::{Command, Output, Stdio};

fn hipforge(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hipforge"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run hipforge {args:?}: {e}"))
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn info(env: &[(&str, &str)]) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hipforge"));
    cmd.arg("info");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run hipforge info");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "hipforge info failed: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn line<'a>(text: &'a str, prefix: &str) -> &'a str {
    text.lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting with {prefix:?} in:\n{text}"))
}

#[test]
fn reports_runtime_devices_build_and_emulator() {
    let text = info(&[]);
    let hip = line(&text, "HIP runtime:");
    match hipforge::runtime::HipRuntime::global() {
        Ok(rt) => {
            let v = rt.runtime_version().unwrap();
            assert!(hip.contains(rt.path()), "{hip}");
            assert!(hip.contains(&hipforge::runtime::format_hip_version(v)), "{hip}");
            if hipforge::runtime::Device::hip(0).is_err() {
                assert!(line(&text, "  devices:").contains("no HIP device"), "{text}");
            }
        }
        Err(_) => {
            assert!(hip.contains("not found"), "{hip}");
            if std::env::var("HIPFORGE_REQUIRE_HIP_RUNTIME").as_deref() == Ok("1") {
                panic!("HIPFORGE_REQUIRE_HIP_RUNTIME=1 but: {hip}");
            }
        }
    }
    assert!(line(&text, "hipBLASLt:").len() > "hipBLASLt:".len());
    let gpu = line(&text, "GPU kernels built for:");
    for arch in hipforge::kernels::GPU_ARCHS {
        assert!(gpu.contains(arch), "{gpu}");
    }
    let emu = line(&text, "emulator built for:");
    if hipforge::kernels::EMULATOR_ARCHS.is_empty() {
        assert!(emu.contains("none"), "{emu}");
    } else {
        for arch in hipforge::kernels::EMULATOR_ARCHS {
            assert!(emu.contains(arch), "{emu}");
        }
    }
    line(&text, "HIP headers at build time:");
    line(&text, "best device:");
}

#[test]
fn override_to_a_missing_file_says_not_found_and_what_was_tried() {
    let path = "/nonexistent/hipforge-info-test/libamdhip64.so.6";
    let text = info(&[("HIPFORGE_HIP_LIBRARY", path)]);
    let hip = line(&text, "HIP runtime:");
    assert!(hip.contains("HIP runtime not found"), "{hip}");
    assert!(hip.contains(&format!("{path} (from HIPFORGE_HIP_LIBRARY)")), "{hip}");
    // Without HIP the best device is the emulator, or none with both reasons.
    let best = line(&text, "best device:");
    if hipforge::kernels::EMULATOR_ARCHS.contains(&"gfx950") {
        assert!(best.contains("emulator"), "{best}");
        // ... and it says why: HIP's own error, naming the file that was tried.
        let why = line(&text, "  why the emulator:");
        assert!(why.contains("HIP device 0 unavailable: HIP runtime not found"), "{why}");
        assert!(why.contains(path), "{why}");
    } else {
        assert!(
            best.contains("HIP runtime not found") && best.contains("emulator"),
            "{best}"
        );
    }
}

#[test]
fn override_to_a_library_that_is_not_hip_reports_the_missing_symbol() {
    let text = info(&[("HIPFORGE_HIP_LIBRARY", "libc.so.6")]);
    let hip = line(&text, "HIP runtime:");
    assert!(hip.contains("libc.so.6"), "{hip}");
    assert!(
        hip.contains("symbol hipRuntimeGetVersion missing from libc.so.6"),
        "{hip}"
    );
    assert!(line(&text, "  devices:").contains("symbol hipInit missing"), "{text}");
}

#[test]
fn hipblaslt_absent_is_reported_and_the_rest_still_works() {
    let path = "/nonexistent/libhipblaslt.so";
    let text = info(&[("HIPFORGE_HIPBLASLT_LIBRARY", path)]);
    let blas = line(&text, "hipBLASLt:");
    assert!(blas.contains("hipBLASLt not found") && blas.contains(path), "{blas}");
    line(&text, "emulator built for:");
    line(&text, "best device:");
}

#[test]
fn help_goes_to_stdout_with_exit_code_0() {
    for args in [&["--help"][..], &["-h"], &["help"]] {
        let o = hipforge(args);
        assert_eq!(o.status.code(), Some(0), "hipforge {args:?}: {}", stderr(&o));
        let text = stdout(&o);
        assert!(
            text.starts_with("usage: hipforge <command>"),
            "hipforge {args:?}: {text}"
        );
        for cmd in ["info", "demo", "isa", "model", "help"] {
            assert!(
                text.contains(&format!("\n  {cmd} ")),
                "hipforge {args:?} lacks {cmd}: {text}"
            );
        }
        assert_eq!(stderr(&o), "", "hipforge {args:?}");
    }
    // Every command's own help, directly and through `help COMMAND`.
    for cmd in ["info", "demo", "isa", "model"] {
        for args in [vec![cmd, "--help"], vec![cmd, "-h"], vec!["help", cmd]] {
            let o = hipforge(&args);
            assert_eq!(o.status.code(), Some(0), "hipforge {args:?}: {}", stderr(&o));
            assert!(
                stdout(&o).starts_with(&format!("usage: hipforge {cmd}")),
                "hipforge {args:?}: {}",
                stdout(&o)
            );
            assert_eq!(stderr(&o), "", "hipforge {args:?}");
        }
    }
}

#[test]
fn usage_errors_name_the_culprit_with_exit_code_2() {
    let cases: &[(&[&str], &str)] = &[
        (&["frobnicate"], "unknown command \"frobnicate\""),
        (&["--frobnicate"], "unknown option \"--frobnicate\""),
        (&["info", "extra"], "hipforge info: unexpected argument \"extra\""),
        (&["info", "--verbose"], "hipforge info: unexpected option \"--verbose\""),
        (&["demo", "--fast"], "hipforge demo: unexpected option \"--fast\""),
        (&["isa", "--jsn"], "hipforge isa: unknown option \"--jsn\""),
        (&["isa", "kernels"], "hipforge isa: unknown argument \"kernels\""),
        (&["help", "frobnicate"], "hipforge help: unknown command \"frobnicate\""),
        (
            &["help", "isa", "extra"],
            "hipforge help: unexpected argument \"extra\"",
        ),
        (&[], "hipforge: no command given"),
    ];
    for (args, message) in cases {
        let o = hipforge(args);
        assert_eq!(o.status.code(), Some(2), "hipforge {args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(message),
            "hipforge {args:?}: expected {message:?} in {:?}",
            stderr(&o)
        );
        assert_eq!(stdout(&o), "", "hipforge {args:?} wrote to stdout");
    }
}

/// Runs `hipforge args` with stdout a pipe whose reading end is already closed, so its first write fails with
/// EPIPE, whatever the timing (as in `hipforge info | head -0`).
fn into_closed_pipe(args: &[&str]) -> Output {
    use std::os::fd::{FromRawFd, OwnedFd};
    let mut fds = [0; 2];
    // SAFETY: pipe() writes two new descriptors into the array; each is owned exactly once below.
    assert_eq!(
        unsafe { libc::pipe(fds.as_mut_ptr()) },
        0,
        "pipe: {}",
        std::io::Error::last_os_error()
    );
    let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    drop(read);
    Command::new(env!("CARGO_BIN_EXE_hipforge"))
        .args(args)
        .stdout(Stdio::from(write))
        .stderr(Stdio::piped())
        .output()
        .unwrap_or_else(|e| panic!("run hipforge {args:?}: {e}"))
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let mut cases = vec![vec!["info"], vec!["--help"], vec!["model", "--help"]];
    if !hipforge::kernels::GPU_ARCHS.is_empty() {
        cases.push(vec!["isa"]);
        cases.push(vec!["isa", "--json"]);
    }
    for args in cases {
        let o = into_closed_pipe(&args);
        assert_eq!(
            o.status.code(),
            Some(0),
            "hipforge {args:?}: {:?}, stderr {}",
            o.status,
            stderr(&o)
        );
        assert_eq!(stderr(&o), "", "hipforge {args:?} said something about the closed pipe");
    }
}

#[test]
fn info_values_start_in_one_column() {
    let text = info(&[]);
    let column = |l: &str| {
        let label_end = l.find(':').unwrap_or_else(|| panic!("no label in {l:?}")) + 1;
        label_end + l[label_end..].len() - l[label_end..].trim_start().len()
    };
    let lines: Vec<&str> = text.lines().skip(1).filter(|l| !l.trim().is_empty()).collect();
    assert!(lines.len() >= 8, "{text}");
    let first = column(lines[0]);
    for l in &lines {
        assert_eq!(column(l), first, "misaligned value in {l:?}:\n{text}");
    }
}

#[test]
fn isa_text_shows_the_spills_the_json_has() {
    if hipforge::kernels::GPU_ARCHS.is_empty() {
        assert!(
            std::env::var("HIPFORGE_REQUIRE_GPU_TOOLCHAIN").as_deref() != Ok("1"),
            "HIPFORGE_REQUIRE_GPU_TOOLCHAIN=1 but no code objects: {}",
            hipforge::kernels::GPU_BUILD_NOTE
        );
        eprintln!("skipping: no code objects ({})", hipforge::kernels::GPU_BUILD_NOTE);
        return;
    }
    let o = hipforge(&["isa"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    let header = text
        .lines()
        .find(|l| l.starts_with("kernel "))
        .unwrap_or_else(|| panic!("no header: {text}"));
    let cols: Vec<&str> = header.split("  ").map(str::trim).filter(|c| !c.is_empty()).collect();
    let spill_col = cols
        .iter()
        .position(|c| *c == "spills v/s")
        .unwrap_or_else(|| panic!("no spills column: {header}"));
    let reports: Vec<_> = hipforge::isa::report_all().into_iter().map(|r| r.unwrap()).collect();
    let mut rows = 0;
    let mut nonzero_sgpr = 0;
    for r in &reports {
        let row = text
            .lines()
            .find(|l| {
                let mut w = l.split_whitespace();
                w.next() == Some(r.kernel.as_str()) && w.next() == Some(r.arch.as_str())
            })
            .unwrap_or_else(|| panic!("no row for {} {}", r.kernel, r.arch));
        let cells: Vec<&str> = row.split_whitespace().collect();
        let (v, s) = (r.resources.vgpr_spills, r.resources.sgpr_spills);
        assert_eq!(cells[spill_col], format!("{v}/{s}"), "{} {}: {row}", r.kernel, r.arch);
        // The JSON carries the same numbers.
        assert!(
            r.to_json().contains(&format!("\"sgpr_spills\": {s}")),
            "{}",
            r.to_json()
        );
        rows += 1;
        nonzero_sgpr += usize::from(s > 0);
    }
    assert_eq!(rows, reports.len());
    assert!(rows > 0);
    eprintln!("{rows} rows, {nonzero_sgpr} with SGPR spills");
    // Every row's columns line up: the spills cell ends where its header does.
    let end = header.find("spills v/s").unwrap() + "spills v/s".len();
    for l in text.lines().skip_while(|l| !l.starts_with("kernel ")).skip(1) {
        let before: String = l.chars().take(end).collect();
        assert!(
            before.ends_with(|c: char| c.is_ascii_digit()),
            "spills not right-aligned under its header: {l:?}"
        );
    }
}
