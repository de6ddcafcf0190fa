//! Compiling the test-only kernel sources under tests/isa_fixtures/ the way build.rs compiles kernels.

use hipforge::kernels;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Compiles tests/isa_fixtures/`name`.hip for `arch` with the compiler the build used; returns the code object's path
/// in `dir`. Panics (failing the test) when the compiler fails.
pub fn compile(name: &str, arch: &str, dir: &Path) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = dir.join(format!("{name}.{arch}.co"));
    let status = Command::new(kernels::GPU_COMPILER_PATH)
        .args(["-x", "hip", "-std=c++20", "--offload-device-only", "-nogpuinc", "-nogpulib"])
        .args(["--no-gpu-bundle-output", "-O3"])
        .arg(format!("--offload-arch={arch}"))
        .arg("-I")
        .arg(root.join("kernels/include"))
        .arg(root.join(format!("tests/isa_fixtures/{name}.hip")))
        .arg("-o")
        .arg(&out)
        .status()
        .expect("run the compiler the build used");
    assert!(status.success(), "fixture {name} failed to compile for {arch}");
    out
}
