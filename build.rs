//! Build script: scans `kernels/`, compiles the GPU code objects and the host emulator, writes the kernel table.
//! See docs/kernel-abi.md. Never probes a GPU.

#[path = "build/emu.rs"]
mod emu;
#[path = "build/gpu.rs"]
mod gpu;
#[path = "build/scan.rs"]
mod scan;
// Shared with the crate (src/isa/disasm.rs): the build reads the disassembly so the ISA report needs no LLVM tools
// at run time.
#[allow(dead_code)]
#[path = "src/isa/disasm.rs"]
mod disasm;
#[allow(dead_code)]
#[path = "src/isa/loops.rs"]
mod loops;

use std::path::PathBuf;

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build");
    println!("cargo:rerun-if-changed=src/isa/disasm.rs");
    println!("cargo:rerun-if-changed=src/isa/loops.rs");
    let sources = scan::scan(&root.join("kernels"));
    // A source tree (or a packaged crate) without kernels/ would otherwise build a library with no kernels at all.
    assert!(
        !sources.is_empty(),
        "no kernel sources (kernels/**/*.hip) under {}: the source tree or package is incomplete",
        root.join("kernels").display()
    );
    // Features off: no compiler is looked for, nothing is compiled or embedded (the tables say why).
    let gpu = if cfg!(feature = "gpu-kernels") {
        gpu::build(&root, &sources, &out)
    } else {
        gpu::GpuBuild::absent("feature `gpu-kernels` is off: no GPU code objects were built".into())
    };
    let emu = if cfg!(feature = "emulator") {
        emu::build(&root, &sources, &out)
    } else {
        emu::EmuBuild::absent("feature `emulator` is off: the host emulator was not built".into())
    };
    scan::write_table(&sources, &gpu, &emu, &out);
}
