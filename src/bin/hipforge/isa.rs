//! `hipforge isa [--json]`: resources, modeled occupancy and matrix instructions of every kernel's code object.

use hipforge::isa::{self, KernelReport};
use hipforge::kernels;
use std::fmt::Write as _;
use std::io::Write as _;

/// Runs the subcommand; returns the process exit code.
pub fn run(args: &[String]) -> i32 {
    let mut json = false;
    for a in args {
        match a.as_str() {
            "--json" => json = true,
            other => {
                eprintln!("hipforge isa: unknown argument {other:?}; expected nothing or --json");
                return 2;
            }
        }
    }
    if kernels::GPU_ARCHS.is_empty() {
        eprintln!(
            "hipforge isa: no GPU code objects in this build: {}",
            kernels::GPU_BUILD_NOTE
        );
        if json {
            println!("[]");
        }
        return 1;
    }
    let mut reports = Vec::new();
    let mut failed = false;
    for r in isa::report_all() {
        match r {
            Ok(r) => reports.push(r),
            Err(e) => {
                eprintln!("hipforge isa: {e}");
                failed = true;
            }
        }
    }
    let text = if json {
        let objs: Vec<String> = reports.iter().map(|r| format!("  {}", r.to_json())).collect();
        format!("[\n{}\n]\n", objs.join(",\n"))
    } else {
        table(&reports)
    };
    // A closed pipe (`hipforge isa | head`) is not an error worth a panic.
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    i32::from(failed)
}

fn table(reports: &[KernelReport]) -> String {
    let mut out = String::new();
    let o = &mut out;
    let _ = writeln!(o, "compiler: {}", kernels::GPU_COMPILER);
    if !kernels::GPU_BUILD_NOTE.is_empty() {
        let _ = writeln!(o, "note: {}", kernels::GPU_BUILD_NOTE);
    }
    let _ = writeln!(
        o,
        "occupancy is modeled from registers and LDS (waves per SIMD), not measured; lds = static + declared dynamic\n"
    );
    let width = reports.iter().map(|r| r.kernel.len()).max().unwrap_or(6).max(6);
    let _ = writeln!(
        o,
        "{:<width$}  {:<7} {:>5} {:>5} {:>5} {:>5} {:>7} {:>7} {:>9} {:>6} {:>9}  matrix instructions",
        "kernel", "arch", "vgpr", "agpr", "v+a", "sgpr", "lds", "scratch", "occupancy", "insns", "main loop"
    );
    for r in reports {
        let res = &r.resources;
        let occ = match (r.occupancy, isa::arch_limits(&r.arch)) {
            (Some(o), Some(l)) => format!("{} ({})", o.waves_per_simd, o.limiter(&l)),
            _ => "-".into(),
        };
        let opt = |v: Option<u32>| v.map_or("-".to_string(), |x| x.to_string());
        let hist = if r.matrix_ops.is_empty() {
            "-".to_string()
        } else {
            r.matrix_ops
                .iter()
                .map(|(m, n)| format!("{m} x{n}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(
            o,
            "{:<width$}  {:<7} {:>5} {:>5} {:>5} {:>5} {:>7} {:>7} {:>9} {:>6} {:>9}  {}",
            r.kernel,
            r.arch,
            res.vgprs(),
            res.agprs,
            res.vgpr_total,
            res.sgprs,
            res.lds_total(),
            res.scratch_bytes,
            occ,
            opt(r.instructions),
            opt(r.main_loop_instructions),
            hist
        );
    }
    out
}
