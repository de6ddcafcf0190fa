//! `hipforge info`: what this build and this machine provide — the HIP runtime (path and version, or why it is
//! missing), its devices and their archs, hipBLASLt, the archs the kernels were built for, and the emulator.

use hipforge::runtime::{format_hip_version, Device, HipRuntime};

/// Runs the subcommand; returns the process exit code (0: the report was printed, whatever it says).
pub fn run(_args: &[String]) -> i32 {
    println!("hipforge {}", env!("CARGO_PKG_VERSION"));
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
            println!("HIP runtime: {e}");
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
    println!("HIP runtime: {} ({version}{driver})", rt.path());
    match rt.device_count() {
        Ok(n) => {
            println!("  devices: {n}");
            for i in 0..n {
                match Device::hip_with(&rt, i) {
                    Ok(d) => {
                        let Some(p) = d.properties() else { continue };
                        println!(
                            "  device {i}: {} — {} (arch {}, FP8 {}), {} CUs, {} MHz, wave{}, {} KiB LDS/block, {} GiB",
                            p.name,
                            p.gcn_arch_name,
                            d.arch(),
                            if d.arch().fp8_is_fnuz() { "FNUZ" } else { "OCP" },
                            p.compute_units,
                            p.clock_khz / 1000,
                            p.warp_size,
                            p.lds_per_block / 1024,
                            p.total_memory >> 30
                        );
                    }
                    Err(e) => println!("  device {i}: {e}"),
                }
            }
        }
        Err(e) => println!("  devices: none — {e}"),
    }
}

fn hipblaslt_section() {
    match hipforge::runtime::hipblaslt::HipBlasLtLibrary::global() {
        Ok(lib) => println!("hipBLASLt: {}", lib.path()),
        Err(e) => println!("hipBLASLt: {e}"),
    }
}

fn build_section() {
    match hip_sys::INSTALLED_HEADERS {
        Some(h) => println!(
            "HIP headers at build time: HIP {}.{}.{} in {} (bindgen; committed ROCm 6/7 ABI used for calls)",
            h.major, h.minor, h.patch, h.include_dir
        ),
        None => println!("HIP headers at build time: none ({})", hip_sys::BINDGEN_NOTE),
    }
    let gpu = hipforge::kernels::GPU_ARCHS;
    if gpu.is_empty() {
        println!("GPU kernels built for: none");
    } else {
        println!("GPU kernels built for: {}", gpu.join(", "));
    }
    if !hipforge::kernels::GPU_BUILD_NOTE.is_empty() {
        println!("  note: {}", hipforge::kernels::GPU_BUILD_NOTE);
    }
    println!("kernels: {}", hipforge::kernels::KERNELS.len());
    let emu = hipforge::kernels::EMULATOR_ARCHS;
    if emu.is_empty() {
        println!("emulator built for: none (the emulator is unavailable in this build)");
    } else {
        println!("emulator built for: {}", emu.join(", "));
    }
}

fn best_section() {
    match Device::best() {
        Ok(d) if d.is_emulator() => {
            println!("best device: {} (no usable HIP GPU)", d.name());
            if let Some(why) = d.fallback_reason() {
                println!("  why the emulator: {why}");
            }
        }
        Ok(d) => println!("best device: HIP GPU 0, {} ({})", d.name(), d.arch()),
        Err(e) => println!("best device: none — {e}"),
    }
}
