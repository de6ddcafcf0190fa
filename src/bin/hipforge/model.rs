//! `hipforge model [--json] [--arch A] [--kernel NAME] [FILE.co ...]`: the static cost model of every kernel's
//! steady-state loop (modeled, not measured), with the anchors beside ours. docs/model.md explains every column.

use hipforge::isa::anchors::{Anchor, ANCHORS};
use hipforge::isa::json_str;
use hipforge::isa::model::{self, Assumptions, KernelModel};
use hipforge::kernels;
use std::fmt::Write as _;

const USAGE: &str = "usage: hipforge model [--json] [--arch gfx942|gfx950] [--kernel NAME] [FILE.co ...]
       hipforge model --lds [--arch gfx942|gfx950] [--kernel NAME] [--sites N]

Models each kernel's steady-state loop from its real code object (modeled, not measured; docs/model.md).
Without FILE arguments: every kernel built into hipforge. With them: the kernels of those code objects
(disassembled with llvm-objdump at run time).
  --json         one JSON document instead of the table
  --arch A       only kernels of this arch
  --kernel NAME  only kernels whose name contains NAME
  --path         also print each selected kernel's steady-state path: issue cycle, stall, instruction
  --rule R       pick the steady-state path by rule R instead of the kernel's HF_MODEL_PATH (repeatable;
                 via:MNEMONIC[*N], avoid:MNEMONIC, flops:N, units:N), e.g. --rule \"avoid:buffer_load_dwordx4 lds\"
                 for the register path of transposed layouts (disassembles at run time: needs llvm-objdump);
                 with FILE.co arguments, the rules apply to every kernel of the files
  --lds          instead: LDS bank-conflict cycles per launch, measured on the emulator (not modeled): every
                 GEMM and attention kernel on a small shape (hipforge::lds::survey), with the worst sites
  --sites N      with --lds: how many sites to print per kernel (default 3)";

/// Runs the subcommand; returns the process exit code.
pub fn run(args: &[String]) -> i32 {
    let mut json = false;
    let mut path = false;
    let mut arch: Option<String> = None;
    let mut kernel: Option<String> = None;
    let mut rules: Vec<String> = Vec::new();
    let mut files = Vec::new();
    let mut lds = false;
    let mut sites = 3usize;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--json" => json = true,
            "--path" => path = true,
            "--lds" => lds = true,
            "--sites" => {
                let Some(n) = it.next().and_then(|v| v.parse().ok()) else {
                    eprintln!("hipforge model: --sites needs a number\n{USAGE}");
                    return 2;
                };
                sites = n;
            }
            "--help" | "-h" => {
                outln!("{USAGE}");
                return 0;
            }
            "--arch" | "--kernel" | "--rule" => {
                let Some(v) = it.next() else {
                    eprintln!("hipforge model: {a} needs a value\n{USAGE}");
                    return 2;
                };
                match a.as_str() {
                    "--arch" => arch = Some(v.clone()),
                    "--kernel" => kernel = Some(v.clone()),
                    _ => {
                        if hipforge::isa::loops::PathRule::parse(v).is_none() {
                            eprintln!("hipforge model: --rule {v:?}: expected via:MNEMONIC[*N], avoid:MNEMONIC, flops:N or units:N");
                            return 2;
                        }
                        rules.push(v.clone());
                    }
                }
            }
            other if other.starts_with('-') => {
                eprintln!("hipforge model: unknown option {other:?}\n{USAGE}");
                return 2;
            }
            file => files.push(file.to_string()),
        }
    }
    if lds {
        if json || path || !rules.is_empty() || !files.is_empty() {
            eprintln!("hipforge model: --lds takes only --arch, --kernel and --sites\n{USAGE}");
            return 2;
        }
        return lds_report(arch.as_deref(), kernel.as_deref(), sites);
    }
    let a = Assumptions::default();
    let mut models = Vec::new();
    let mut failed = false;
    if files.is_empty() {
        if kernels::GPU_ARCHS.is_empty() {
            eprintln!(
                "hipforge model: no GPU code objects in this build: {}",
                kernels::GPU_BUILD_NOTE
            );
            return 1;
        }
        for k in kernels::KERNELS {
            for ar in kernels::GPU_ARCHS {
                if arch.as_deref().is_some_and(|x| x != *ar) || kernel.as_deref().is_some_and(|n| !k.name.contains(n)) {
                    continue;
                }
                let m = if rules.is_empty() {
                    model::model(ar, k.name, &a)
                } else {
                    model::model_with_rules(ar, k.name, &rules, &a)
                };
                match m {
                    Ok(m) => models.push((m, "hipforge".to_string())),
                    Err(e) => {
                        eprintln!("hipforge model: {e}");
                        failed = true;
                    }
                }
            }
        }
    } else {
        for f in &files {
            match model::model_file_with_rules(std::path::Path::new(f), &rules, &a) {
                Ok(ms) => models.extend(
                    ms.into_iter()
                        .filter(|m| arch.as_deref().map_or(true, |x| x == m.arch))
                        .filter(|m| kernel.as_deref().map_or(true, |n| m.kernel.contains(n)))
                        .map(|m| (m, f.clone())),
                ),
                Err(e) => {
                    eprintln!("hipforge model: {f}: {e}");
                    failed = true;
                }
            }
        }
    }
    if models.is_empty() {
        if !failed {
            eprintln!("hipforge model: no kernel matched");
        }
        return 1;
    }
    let mut text = if json {
        to_json(&models, files.is_empty())
    } else {
        table(&models, files.is_empty())
    };
    if path && !json {
        for (m, _) in &models {
            let _ = writeln!(
                text,
                "\n{} on {}: steady-state path (modeled one-wave timeline; cycle, stall):",
                m.kernel, m.arch
            );
            for ((t, stall), k) in model::trace(&m.arch, &m.path_keys, &a).iter().zip(&m.path_keys) {
                let mark = if *stall > 0 {
                    format!("{stall:>5}")
                } else {
                    String::from("     ")
                };
                let _ = writeln!(text, "{t:>6} {mark}  {k}");
            }
            // Where the VALU port goes: per mnemonic, count and cycles of one wave's trip.
            let mut by: std::collections::BTreeMap<&str, (u32, u64)> = Default::default();
            for k in &m.path_keys {
                let c = model::valu_port_cycles_of(&m.arch, k, a.trans_cycles);
                if c > 0 {
                    let e = by.entry(k.split_whitespace().next().unwrap_or(k)).or_default();
                    e.0 += 1;
                    e.1 += c;
                }
            }
            let mut top: Vec<_> = by.into_iter().collect();
            top.sort_by(|x, y| y.1 .1.cmp(&x.1 .1).then(x.0.cmp(y.0)));
            let _ = writeln!(text, "VALU port per wave and trip, by mnemonic (count, cycles):");
            for (mn, (n, c)) in top.iter().take(20) {
                let _ = writeln!(text, "  {c:>6}  {n:>4}  {mn}");
            }
        }
    }
    // A closed pipe (`hipforge model | head`) ends the process quietly.
    crate::out::text(&text);
    i32::from(failed)
}

fn pct(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{:.0}%", 100.0 * v))
}

fn table(models: &[(KernelModel, String)], ours: bool) -> String {
    let mut out = String::new();
    let o = &mut out;
    let _ = writeln!(
        o,
        "MODELED, NOT MEASURED: static cost of one trip around each kernel's steady-state loop, per wave unless marked \
         /SIMD\n(W waves per SIMD = modeled occupancy; VALU-port = 4/VALU op, 16/transcendental, 4/MFMA issue; bounds \
         are fractions of the MFMA peak,\noptimistic/pessimistic, with transcendentals at 16 and at 8 cycles; \
         exposed = stall cycles on a one-wave timeline; docs/model.md)\n"
    );
    let width = models.iter().map(|(m, _)| m.kernel.len()).max().unwrap_or(6).max(6);
    let _ = writeln!(
        o,
        "{:<width$}  {:<6} {:>1} {:>10} {:>5} {:>8} {:>10} {:>5} {:>5} {:>11} {:>5} {:>9} {:>9} {:>9} {:>9} {:>5}",
        "kernel",
        "arch",
        "W",
        "loop/path",
        "mfma",
        "mfma clk",
        "valu/SIMD",
        "lgkm",
        "vmw",
        "exposed l/g",
        "spill",
        "LDS B",
        "global B",
        "opt/pess",
        "T=8",
        "bind"
    );
    for (m, _) in models {
        let c = &m.cost;
        let b = m.bounds16.as_ref();
        let b8 = m.bounds8.as_ref();
        let lp = match m.loop_instructions {
            Some((n, _)) => format!("{n}/{}", m.path.0),
            None => "-".into(),
        };
        let _ =
            writeln!(
            o,
            "{:<width$}  {:<6} {:>1} {:>10} {:>5} {:>8} {:>10} {:>5} {:>5} {:>11} {:>5} {:>9} {:>9} {:>9} {:>9} {:>5}",
            m.kernel,
            m.arch,
            m.waves_per_simd,
            lp,
            c.mfma,
            c.mfma_cycles,
            b.map_or("-".into(), |b| format!("{:.0}", b.valu_port)),
            c.lgkm_waits,
            c.vm_waits,
            format!("{}/{}", c.exposed_lds, c.exposed_global),
            c.spill_moves,
            c.lds_read_bytes + c.lds_write_bytes,
            c.global_load_bytes + c.global_store_bytes,
            format!("{}/{}", pct(b.and_then(|b| b.optimistic)), pct(b.and_then(|b| b.pessimistic))),
            format!("{}/{}", pct(b8.and_then(|b| b.optimistic)), pct(b8.and_then(|b| b.pessimistic))),
            b.map_or("-", |b| b.binding),
        );
        for (rule, met) in &m.rules {
            if !met {
                let _ = writeln!(
                    o,
                    "{:<width$}  note: HF_MODEL_PATH rule {rule:?} not met by any path",
                    ""
                );
            }
        }
        if !c.unknown_mfma.is_empty() {
            let _ = writeln!(o, "{:<width$}  note: MFMA cost unknown for {:?}", "", c.unknown_mfma);
        }
    }
    if ours {
        let _ = writeln!(
            o,
            "\nANCHORS (modeled by this tool on aiter's and HipKittens' code objects, per unit of work per SIMD; \
             src/isa/anchors.rs, docs/model.md):"
        );
        let _ = writeln!(
            o,
            "{:<52} {:<6} {:>9} {:>5} {:>11} {:>9} {:>8}   ours now (same arch): valu/SIMD, lgkm, opt/pess",
            "anchor", "arch", "valu/SIMD", "lgkm", "exposed l/g", "opt/pess", "measured"
        );
        for an in ANCHORS {
            let now = models.iter().find(|(m, _)| m.kernel == an.ours && m.arch == an.arch);
            let _ = writeln!(
                o,
                "{:<52} {:<6} {:>9} {:>5} {:>11} {:>9} {:>8}   {}",
                an.kernel,
                an.arch,
                an.valu_clk,
                an.lds_waits,
                format!("{}/{}", an.exposed.0, an.exposed.1),
                format!("{:.0}%/{:.0}%", 100.0 * an.bounds.0, 100.0 * an.bounds.1),
                an.measured.map_or("-".into(), |x| format!("{:.0}%", 100.0 * x)),
                now.map_or("(not in this selection)".to_string(), |(m, _)| {
                    let b = m.bounds16.as_ref();
                    format!(
                        "{}: {}, {}, {}/{} per unit",
                        m.kernel,
                        b.map_or("-".into(), |b| format!("{:.0}", b.valu_port)),
                        m.cost.lgkm_waits,
                        pct(b.and_then(|b| b.optimistic)),
                        pct(b.and_then(|b| b.pessimistic))
                    )
                })
            );
        }
    }
    out
}

fn num(x: Option<f64>) -> String {
    x.map_or("null".into(), |v| {
        if v.is_finite() {
            format!("{v:.4}")
        } else {
            "null".into()
        }
    })
}

fn bounds_json(b: Option<&model::Bounds>) -> String {
    match b {
        None => "null".into(),
        Some(b) => format!(
            "{{\"waves_per_simd\": {}, \"trans_cycles\": {}, \"mfma_clk_simd\": {}, \"valu_port_clk_simd\": {}, \
             \"lds_clk_cu\": {}, \"hbm_clk_cu\": {}, \"optimistic\": {}, \"pessimistic\": {}, \"binding\": {}, \
             \"hbm_share\": {}}}",
            b.waves,
            b.trans_cycles,
            num(Some(b.mfma)),
            num(Some(b.valu_port)),
            num(Some(b.lds)),
            num(Some(b.hbm)),
            num(b.optimistic),
            num(b.pessimistic),
            json_str(b.binding),
            num(Some(b.hbm_share))
        ),
    }
}

fn anchor_json(a: &Anchor) -> String {
    format!(
        "{{\"kernel\": {}, \"arch\": {}, \"ours\": {}, \"valu_port_clk_simd\": {}, \"lds_waits\": {}, \
         \"exposed_lds\": {}, \"exposed_global\": {}, \"optimistic\": {}, \"pessimistic\": {}, \"measured\": {}}}",
        json_str(a.kernel),
        json_str(a.arch),
        json_str(a.ours),
        a.valu_clk,
        json_str(a.lds_waits),
        a.exposed.0,
        a.exposed.1,
        a.bounds.0,
        a.bounds.1,
        num(a.measured)
    )
}

fn to_json(models: &[(KernelModel, String)], ours: bool) -> String {
    let mut ks = Vec::new();
    for (m, src) in models {
        let c = &m.cost;
        let rules: Vec<String> = m
            .rules
            .iter()
            .map(|(r, met)| format!("{{\"rule\": {}, \"met\": {met}}}", json_str(r)))
            .collect();
        let unknown: Vec<String> = c.unknown_mfma.iter().map(|u| json_str(u)).collect();
        ks.push(format!(
            "  {{\"kernel\": {}, \"arch\": {}, \"source\": {}, \"waves_per_simd\": {}, \"loop_instructions\": {}, \
             \"loop_blocks\": {}, \"path_instructions\": {}, \"path_blocks\": {}, \"path_rules\": [{}], \
             \"per_wave\": {{\"mfma\": {}, \"mfma_cycles\": {}, \"flops\": {}, \"unknown_mfma\": [{}], \"valu\": {}, \
             \"trans\": {}, \"salu\": {}, \"smem\": {}, \"lds_instructions\": {}, \"lds_read_bytes\": {}, \
             \"lds_write_bytes\": {}, \"vmem_instructions\": {}, \"global_load_bytes\": {}, \"global_store_bytes\": {}, \
             \"lds_dma_bytes\": {}, \"lgkm_waits\": {}, \"vm_waits\": {}, \"barriers\": {}, \"exposed_lds_clk\": {}, \
             \"exposed_global_clk\": {}, \"timeline_clk\": {}, \"spill_moves\": {}, \"scratch_ops\": {}, \
             \"agpr_moves\": {}, \"valu_port_clk_t16\": {}, \"valu_port_clk_t8\": {}}}, \"scratch_bytes\": {}, \
             \"bounds_t16\": {}, \"bounds_t8\": {}}}",
            json_str(&m.kernel),
            json_str(&m.arch),
            json_str(src),
            m.waves_per_simd,
            m.loop_instructions.map_or("null".into(), |l| l.0.to_string()),
            m.loop_instructions.map_or("null".into(), |l| l.1.to_string()),
            m.path.0,
            m.path.1,
            rules.join(", "),
            c.mfma,
            c.mfma_cycles,
            c.flops,
            unknown.join(", "),
            c.valu,
            c.trans,
            c.salu,
            c.smem,
            c.lds_instructions,
            c.lds_read_bytes,
            c.lds_write_bytes,
            c.vmem_instructions,
            c.global_load_bytes,
            c.global_store_bytes,
            c.lds_dma_bytes,
            c.lgkm_waits,
            c.vm_waits,
            c.barriers,
            c.exposed_lds,
            c.exposed_global,
            c.timeline_cycles,
            c.spill_moves,
            c.scratch_ops,
            c.agpr_moves,
            c.valu_port_cycles(16),
            c.valu_port_cycles(8),
            m.scratch_bytes,
            bounds_json(m.bounds16.as_ref()),
            bounds_json(m.bounds8.as_ref()),
        ));
    }
    let anchors: Vec<String> = if ours {
        ANCHORS.iter().map(|a| format!("  {}", anchor_json(a))).collect()
    } else {
        Vec::new()
    };
    format!(
        "{{\"modeled\": true, \"note\": \"static cost model of the steady-state loop; not measured on a GPU \
         (docs/model.md)\", \"kernels\": [\n{}\n], \"anchors\": [\n{}\n]}}\n",
        ks.join(",\n"),
        anchors.join(",\n")
    )
}

/// `hipforge model --lds`: the emulator's LDS bank figures of every GEMM and attention kernel (docs/model.md).
fn lds_report(arch: Option<&str>, kernel: Option<&str>, sites: usize) -> i32 {
    use hipforge::runtime::Arch;
    let archs: Vec<&str> = match arch {
        Some(a) => vec![a],
        None => kernels::EMULATOR_ARCHS.to_vec(),
    };
    if archs.is_empty() {
        eprintln!(
            "hipforge model --lds: the emulator is not built: {}",
            kernels::EMULATOR_BUILD_NOTE
        );
        return 1;
    }
    println!(
        "LDS bank conflicts per launch, measured on the emulator (bank model of docs/emulator.md \"LDS bank \
         conflicts\"), zero-filled inputs:"
    );
    let mut status = 0;
    for a in archs {
        let ar = Arch::parse(a);
        if !matches!(ar, Arch::Gfx942 | Arch::Gfx950) {
            eprintln!("hipforge model --lds: no emulator for {a} (gfx942, gfx950)");
            return 2;
        }
        let survey = match hipforge::lds::survey(ar, kernel) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("hipforge model --lds: {a}: {e}");
                status = 1;
                continue;
            }
        };
        if survey.is_empty() {
            println!(
                "\n{a}: no GEMM or attention kernel of the survey matches {:?}",
                kernel.unwrap_or("")
            );
            continue;
        }
        if let Some(first) = survey.first() {
            if !first.stats.counted {
                println!("{a}: counting is off (HIPFORGE_EMU_LDS_BANKS=0)");
                continue;
            }
            println!("\n{a} ({} banks of 4 bytes)", first.stats.banks);
        }
        println!(
            "{:<28} {:<36} {:>9} {:>10} {:>10} {:>6}",
            "kernel", "shape", "LDS insts", "cycles", "extra", "extra%"
        );
        for k in &survey {
            let s = &k.stats;
            let pct = if s.cycles > 0 {
                100.0 * s.extra_cycles as f64 / s.cycles as f64
            } else {
                0.0
            };
            println!(
                "{:<28} {:<36} {:>9} {:>10} {:>10} {:>5.1}%",
                k.kernel, k.shape, s.accesses, s.cycles, s.extra_cycles, pct
            );
            for site in s.sites.iter().filter(|x| x.extra_cycles > 0).take(sites) {
                println!(
                    "    {:>10} extra in {:>7} x {}-byte {}{} at {}",
                    site.extra_cycles,
                    site.accesses,
                    site.bytes,
                    if site.write { "write" } else { "read" },
                    if site.dma { " (LDS DMA)" } else { "" },
                    site.location
                );
            }
        }
    }
    status
}
