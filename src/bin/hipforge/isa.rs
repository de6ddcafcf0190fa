//! `hipforge isa [--json]`: resources, modeled occupancy and matrix instructions of every kernel's code object.

use hipforge::isa::{self, KernelReport};
use hipforge::kernels;
use std::fmt::Write as _;

const USAGE: &str = "usage: hipforge isa [--json]

Per kernel and arch, from the code objects built into hipforge: VGPRs, AGPRs, SGPRs, spills (VGPRs/SGPRs, from the
code object's metadata), LDS (static + declared dynamic), scratch, modeled occupancy, instruction counts and the
MFMA histogram.
  --json   one JSON array (every field of the code object's metadata) instead of the table";

/// Runs the subcommand; returns the process exit code (0: every report printed; 1: a kernel could not be read or no
/// code objects were built; 2: a usage error).
pub fn run(args: &[String]) -> i32 {
    let mut json = false;
    for a in args {
        match a.as_str() {
            "--json" => json = true,
            h if crate::is_help(h) => {
                outln!("{USAGE}");
                return 0;
            }
            other => {
                let kind = if other.starts_with('-') { "option" } else { "argument" };
                eprintln!("hipforge isa: unknown {kind} {other:?}; expected nothing or --json\n\n{USAGE}");
                return crate::USAGE_ERROR;
            }
        }
    }
    if kernels::GPU_ARCHS.is_empty() {
        eprintln!(
            "hipforge isa: no GPU code objects in this build: {}",
            kernels::GPU_BUILD_NOTE
        );
        if json {
            outln!("[]");
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
    crate::out::text(&text);
    i32::from(failed)
}

fn table(reports: &[KernelReport]) -> String {
    use crate::out::{Align, Table};
    let mut out = String::new();
    let o = &mut out;
    let _ = writeln!(o, "compiler: {}", kernels::GPU_COMPILER);
    if !kernels::GPU_BUILD_NOTE.is_empty() {
        let _ = writeln!(o, "note: {}", kernels::GPU_BUILD_NOTE);
    }
    let _ = writeln!(
        o,
        "occupancy is modeled from registers and LDS (waves per SIMD), not measured; lds = static + declared dynamic;\n\
         spills v/s = VGPRs spilled to scratch / SGPRs spilled (to VGPR lanes or scratch), from the code object\n"
    );
    let r_ = Align::Right;
    let mut t = Table::new(&[
        ("kernel", Align::Left),
        ("arch", Align::Left),
        ("vgpr", r_),
        ("agpr", r_),
        ("v+a", r_),
        ("sgpr", r_),
        ("spills v/s", r_),
        ("lds", r_),
        ("scratch", r_),
        ("occupancy", r_),
        ("insns", r_),
        ("main loop", r_),
        ("matrix instructions", Align::Left),
    ]);
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
        t.row(vec![
            r.kernel.clone(),
            r.arch.clone(),
            res.vgprs().to_string(),
            res.agprs.to_string(),
            res.vgpr_total.to_string(),
            res.sgprs.to_string(),
            format!("{}/{}", res.vgpr_spills, res.sgpr_spills),
            res.lds_total().to_string(),
            res.scratch_bytes.to_string(),
            occ,
            opt(r.instructions),
            opt(r.main_loop_instructions),
            hist,
        ]);
    }
    out.push_str(&t.render());
    out
}
