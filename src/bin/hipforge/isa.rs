//! `hipforge isa` (not written yet).

/// Runs the subcommand; returns the process exit code.
pub fn run(_args: &[String]) -> i32 {
    eprintln!("hipforge isa: not available yet");
    1
}
