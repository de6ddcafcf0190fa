//! The `hipforge` command line: `info`, `demo`, `isa`, `model`.
//!
//! Each subcommand lives in its own module.

mod demo;
mod info;
mod isa;
mod model;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (cmd, rest) = match args.split_first() {
        Some((c, r)) => (c.as_str(), r),
        None => ("", &[][..]),
    };
    let code = match cmd {
        "info" => info::run(rest),
        "demo" => demo::run(rest),
        "isa" => isa::run(rest),
        "model" => model::run(rest),
        _ => {
            eprintln!("usage: hipforge <command>\n");
            eprintln!("  info          HIP runtime, devices, archs the kernels were built for, emulator");
            eprintln!(
                "  demo          run GEMM and attention on the best device and check them against the CPU reference"
            );
            eprintln!("  isa [--json]  resources and MFMA instructions of every kernel's code object");
            eprintln!("  model [--json] [--arch A] [--kernel NAME] [FILE.co ...]");
            eprintln!("                modeled cost of every kernel's steady-state loop, anchors beside (docs/model.md)");
            2
        }
    };
    std::process::exit(code);
}
