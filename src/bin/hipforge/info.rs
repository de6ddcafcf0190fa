//! `hipforge info`: what this build and this machine provide — the HIP runtime (path and version, or why it is
//! missing), its devices and their archs, hipBLASLt, the archs the kernels were built for, and the emulator.

use hipforge::runtime::{format_hip_version, Device, HipRuntime};
use std::fmt::Display;

const USAGE: &str = "usage: hipforge info

Reports the HIP runtime (path and version, or why it is missing), its devices, hipBLASLt, the HIP headers seen at
build time, the Cargo features and archs this build has kernels for, the emulator, and the device Device::best()
picks (and why).";

/// Width of the label column: the longest label, "HIP headers at build time:", and a space.
const LABEL: usize = 27;

/// One `label value` line, the values of every line starting in the same column.
fn kv(label: &str, value: impl Display) {
    outln!("{label:<LABEL$}{value}");
}

/// Runs the subcommand; returns the process exit code (0: the report was printed, whatever it says; 2: a usage
/// error).
pub fn run(args: &[String]) -> i32 {
    if let Some(code) = crate::no_args("info", USAGE, args) {
        return code;
    }
    outln!("hipforge {}", env!("CARGO_PKG_VERSION"));
    hip_section();
    hipblaslt_section();
    build_section();
    best_section();
    0
}

fn hip_section() {
    let rt = match HipRuntime::global() {
        Ok(rt) => rt,
        Err(e) => {
            kv("HIP runtime:", e);
            return;
        }
    };
    let version = match rt.runtime_version() {
        Ok(v) => format!("HIP {}", format_hip_version(v)),
        Err(e) => format!("version unknown: {e}"),
    };
    let driver = match rt.driver_version() {
        Ok(v) => format!(", driver {}", format_hip_version(v)),
        Err(_) => String::new(),
    };
    kv("HIP runtime:", format!("{} ({version}{driver})", rt.path()));
    match rt.device_count() {
        Ok(n) => {
            kv("  devices:", n);
            for i in 0..n {
                match Device::hip_with(&rt, i) {
                    Ok(d) => {
                        let Some(p) = d.properties() else { continue };
                        kv(
                            &format!("  device {i}:"),
                            format!(
                                "{} — {} (arch {}, FP8 {}), {} CUs, {} MHz, wave{}, {} KiB LDS/block, {} GiB",
                                p.name,
                                p.gcn_arch_name,
                                d.arch(),
                                if d.arch().fp8_is_fnuz() { "FNUZ" } else { "OCP" },
                                p.compute_units,
                                p.clock_khz / 1000,
                                p.warp_size,
                                p.lds_per_block / 1024,
                                p.total_memory >> 30
                            ),
                        );
                    }
                    Err(e) => kv(&format!("  device {i}:"), e),
                }
            }
        }
        Err(e) => kv("  devices:", format!("none — {e}")),
    }
}

fn hipblaslt_section() {
    match hipforge::runtime::hipblaslt::HipBlasLtLibrary::global() {
        Ok(lib) => kv("hipBLASLt:", lib.path()),
        Err(e) => kv("hipBLASLt:", e),
    }
}

fn build_section() {
    match hipforge_sys::INSTALLED_HEADERS {
        Some(h) => kv(
            "HIP headers at build time:",
            format!(
                "HIP {}.{}.{} in {} (bindgen; committed ROCm 6/7 ABI used for calls)",
                h.major, h.minor, h.patch, h.include_dir
            ),
        ),
        None => kv(
            "HIP headers at build time:",
            format!("none ({})", hipforge_sys::BINDGEN_NOTE),
        ),
    }
    let features: Vec<&str> = [
        ("emulator", cfg!(feature = "emulator")),
        ("gpu-kernels", cfg!(feature = "gpu-kernels")),
        ("bindgen", cfg!(feature = "bindgen")),
    ]
    .into_iter()
    .filter_map(|(name, on)| on.then_some(name))
    .collect();
    kv(
        "features:",
        if features.is_empty() {
            "none".to_string()
        } else {
            features.join(", ")
        },
    );
    let gpu = hipforge::kernels::GPU_ARCHS;
    if gpu.is_empty() {
        kv("GPU kernels built for:", "none");
    } else {
        kv("GPU kernels built for:", gpu.join(", "));
    }
    if !hipforge::kernels::GPU_BUILD_NOTE.is_empty() {
        kv("  note:", hipforge::kernels::GPU_BUILD_NOTE);
    }
    kv("kernels:", hipforge::kernels::KERNELS.len());
    let emu = hipforge::kernels::EMULATOR_ARCHS;
    if emu.is_empty() {
        kv(
            "emulator built for:",
            match hipforge::kernels::EMULATOR_BUILD_NOTE {
                "" => "none".to_string(),
                note => format!("none ({note})"),
            },
        );
    } else {
        kv("emulator built for:", emu.join(", "));
    }
}

fn best_section() {
    match Device::best() {
        Ok(d) if d.is_emulator() => {
            kv("best device:", format!("{} (no usable HIP GPU)", d.name()));
            if let Some(why) = d.fallback_reason() {
                kv("  why the emulator:", why);
            }
        }
        Ok(d) => kv("best device:", format!("HIP GPU 0, {} ({})", d.name(), d.arch())),
        Err(e) => kv("best device:", format!("none — {e}")),
    }
}
