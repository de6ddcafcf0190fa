//! Finding the host C++ compiler that builds the emulator's C++ (the tests' and benches' copy of build/emu.rs's
//! search order, without its version checks). Also `#[path]`-included by benches/emulator.rs.

use std::path::PathBuf;
use std::process::Command;

/// `HIPFORGE_HOST_CLANG`, then `clang++-22` .. `clang++-18` on `PATH`: the first that runs `--version`
/// successfully, or `None`.
pub fn host_clang() -> Option<PathBuf> {
    let mut names: Vec<PathBuf> = Vec::new();
    if let Some(c) = std::env::var_os("HIPFORGE_HOST_CLANG") {
        names.push(PathBuf::from(c));
    }
    for v in (18..=22).rev() {
        names.push(PathBuf::from(format!("clang++-{v}")));
    }
    names.into_iter().find(|n| {
        Command::new(n)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}
