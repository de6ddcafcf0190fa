//! `cargo bench --bench emulator`: what the CPU emulator costs on this host — fiber switch, block barrier, a checked
//! global load (with and without the checkers' instrumentation, so the hook's share shows), and emulated MFMA
//! GFLOP/s — for gfx942 and gfx950. Host CPU time only: nothing here is a GPU figure.
//!
//! Builds benches/emu/emulator_bench.cpp with the host clang (the emulator contract's command line plus -O2) and runs
//! it; skips with a printed reason when no host clang++ is found.

use std::path::PathBuf;
use std::process::Command;

#[path = "../tests/common/host_clang.rs"]
mod host_clang;
use host_clang::host_clang;

fn main() {
    let Some(clang) = host_clang() else {
        println!("emulator bench skipped: no host clang++ (HIPFORGE_HOST_CLANG or clang++-22..18 on PATH)");
        return;
    };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let work = std::env::temp_dir().join(format!("hipforge-emu-bench-{}", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();
    let mut runtime: Vec<PathBuf> = std::fs::read_dir(root.join("kernels/emu"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "cpp"))
        .collect();
    runtime.sort();
    for arch in ["942", "950"] {
        for (variant, instrument) in [("instrumented", true), ("uninstrumented", false)] {
            let bin = work.join(format!("bench_{arch}_{variant}"));
            let mut cmd = Command::new(&clang);
            cmd.args(["-std=c++20", "-O2", "-DHIPFORGE_EMULATOR"])
                .arg(format!("-DHIPFORGE_EMU_ARCH={arch}"));
            if instrument {
                cmd.arg("-fsanitize-coverage=func,trace-loads,trace-stores");
            }
            cmd.arg("-I")
                .arg(root.join("kernels/include"))
                .arg(root.join("benches/emu/emulator_bench.cpp"));
            cmd.args(&runtime).arg("-lpthread").arg("-o").arg(&bin);
            let o = cmd.output().expect("host clang runs");
            if !o.status.success() {
                panic!(
                    "building the emulator bench failed:\n{}",
                    String::from_utf8_lossy(&o.stderr)
                );
            }
            let o = Command::new(&bin).arg(variant).output().expect("bench runs");
            print!("{}", String::from_utf8_lossy(&o.stdout));
            eprint!("{}", String::from_utf8_lossy(&o.stderr));
            assert!(o.status.success(), "the emulator bench failed");
            println!();
        }
    }
    let _ = std::fs::remove_dir_all(&work);
}
