//! The `hipforge` command line: `info`, `demo`, `isa`, `model`, `help`.
//!
//! Each subcommand lives in its own module. Help goes to stdout with exit code 0; a usage error (unknown command,
//! option or argument, named in the message) goes to stderr with exit code 2. Output to a pipe the reader has closed
//! ends the process quietly ([`out::text`]).

#[macro_use]
mod out;
mod demo;
mod info;
mod isa;
mod model;

const USAGE: &str = "usage: hipforge <command> [options]

commands:
  info           HIP runtime, devices, features and archs the kernels were built for, emulator
  demo           run GEMM and attention on the best device and check them against the CPU reference
  isa [--json]   resources (registers, spills, LDS, scratch) and MFMA instructions of every kernel's code object
  model [...]    modeled cost of every kernel's steady-state loop, anchors beside (docs/model.md)
  help [COMMAND] this text, or a command's options

`hipforge COMMAND --help` shows a command's options.";

/// Exit code of a usage error (as for most Unix tools).
pub const USAGE_ERROR: i32 = 2;

/// The `--help` / `-h` arguments every command accepts.
pub fn is_help(arg: &str) -> bool {
    matches!(arg, "--help" | "-h")
}

/// Prints `usage` (a command's) and returns 0 when `args` is a lone help request; names the first argument and
/// returns [`USAGE_ERROR`] when the command takes none but got some; `None` when `args` is empty.
pub fn no_args(command: &str, usage: &str, args: &[String]) -> Option<i32> {
    let first = args.first()?;
    if is_help(first) {
        outln!("{usage}");
        return Some(0);
    }
    let kind = if first.starts_with('-') { "option" } else { "argument" };
    eprintln!("hipforge {command}: unexpected {kind} {first:?}; it takes none\n\n{usage}");
    Some(USAGE_ERROR)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    std::process::exit(dispatch(&args));
}

fn dispatch(args: &[String]) -> i32 {
    let Some((cmd, rest)) = args.split_first() else {
        eprintln!("hipforge: no command given\n\n{USAGE}");
        return USAGE_ERROR;
    };
    match cmd.as_str() {
        "info" => info::run(rest),
        "demo" => demo::run(rest),
        "isa" => isa::run(rest),
        "model" => model::run(rest),
        "help" | "--help" | "-h" => match rest {
            [] => {
                outln!("{USAGE}");
                0
            }
            [c] if ["info", "demo", "isa", "model"].contains(&c.as_str()) => dispatch(&[c.clone(), "--help".into()]),
            [c] => {
                eprintln!("hipforge help: unknown command {c:?}; expected info, demo, isa or model");
                USAGE_ERROR
            }
            [_, extra, ..] => {
                eprintln!("hipforge help: unexpected argument {extra:?}; expected at most one command");
                USAGE_ERROR
            }
        },
        other => {
            let kind = if other.starts_with('-') { "option" } else { "command" };
            eprintln!("hipforge: unknown {kind} {other:?}; expected info, demo, isa, model or help\n\n{USAGE}");
            USAGE_ERROR
        }
    }
}
