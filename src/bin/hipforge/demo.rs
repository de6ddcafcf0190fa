//! `hipforge demo` (not written yet).

/// Runs the subcommand; returns the process exit code.
pub fn run(_args: &[String]) -> i32 {
    eprintln!("hipforge demo: not available yet");
    1
}
