//! Compiling the test-only kernel sources under tests/isa_fixtures/ the way build.rs compiles kernels.

use hipforge::kernels;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Compiles tests/isa_fixtures/`name`.hip for `arch` with the compiler the build used; returns the code object's path
/// in `dir`. Panics (failing the test) when the compiler fails.
pub fn compile(name: &str, arch: &str, dir: &Path) -> PathBuf {
    match try_compile(name, arch, dir) {
        Ok(out) => out,
        Err(msg) => panic!("fixture {name} failed to compile for {arch}:\n{msg}"),
    }
}

/// Like [`compile`], but a compile error is returned as the compiler's diagnostics (stderr) instead of panicking, for
/// tests that require a fixture to be rejected with a given message.
pub fn try_compile(name: &str, arch: &str, dir: &Path) -> Result<PathBuf, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = dir.join(format!("{name}.{arch}.co"));
    let output = Command::new(kernels::GPU_COMPILER_PATH)
        .args([
            "-x",
            "hip",
            "-std=c++20",
            "--offload-device-only",
            "-nogpuinc",
            "-nogpulib",
        ])
        .args(["--no-gpu-bundle-output", "-O3"])
        .arg(format!("--offload-arch={arch}"))
        .arg("-I")
        .arg(root.join("kernels/include"))
        .arg(root.join(format!("tests/isa_fixtures/{name}.hip")))
        .arg("-o")
        .arg(&out)
        .output()
        .expect("run the compiler the build used");
    if output.status.success() {
        Ok(out)
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}
