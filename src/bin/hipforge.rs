//! The `hipforge` command line: `info`, `demo`, `isa`, `bench`.
fn main() {
    let cmd = std::env::args().nth(1).unwrap_or_default();
    match cmd.as_str() {
        _ => {
            eprintln!("usage: hipforge <info|demo|isa>");
            std::process::exit(2);
        }
    }
}
