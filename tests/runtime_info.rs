//! `hipforge info`, run as a subprocess so each case can set its own environment (override variables) without
//! racing other tests.

use std::process::Command;

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
