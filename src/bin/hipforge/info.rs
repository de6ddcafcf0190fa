//! `hipforge info` (not written yet).

/// Runs the subcommand; returns the process exit code.
pub fn run(_args: &[String]) -> i32 {
    eprintln!("hipforge info: not available yet");
    1
}
