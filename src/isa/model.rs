//! `hipforge model`: a static cost model of each kernel's steady-state loop, read from its real code object.
//! Everything it computes is **modeled, not measured**; docs/model.md gives every cost with its source, every
//! assumption and the blind spots.
//!
//! The input is the steady-state path ([`super::loops`]): one trip around the main loop, as instruction keys
//! ([`super::disasm::model_key`]). For one wave and one trip the model counts (per wave64 instruction):
//!
//! - **MFMA cycles**: the instruction's pass count × 4 ([`mfma_cost`]); FLOPs `2·M·N·K`.
//! - **VALU-port cycles**: 4 per VALU instruction, [`Assumptions::trans_cycles`] per transcendental (`v_exp`,
//!   `v_log`, `v_rcp`, `v_rsq`, `v_sqrt`, `v_sin`, `v_cos`), and 4 per MFMA (its issue occupies the port).
//! - SALU and SMEM instructions, issue slots (every instruction), barriers.
//! - **LDS**: instructions, bytes read and written (64 lanes × bytes per lane; `ds_bpermute`/`ds_permute`/
//!   `ds_swizzle` move 4 bytes per lane through the LDS crossbar and count as read bytes), and LDS-DMA writes.
//! - **Global**: bytes loaded and stored by vector memory instructions; an LDS-DMA load counts as a global load and
//!   an LDS write.
//! - **Waits**: `s_waitcnt` instructions that wait on `lgkmcnt` and on `vmcnt`, and the latency each leaves
//!   **exposed**: a one-wave timeline issues the path three times ([`exposed`]); at each wait, the youngest operation
//!   it waits for completes at its issue time plus its assumed latency ([`Assumptions`]), and the time the wave
//!   stalls until then is exposed. Only the third trip is counted, so loads issued one trip ahead are seen as such.
//! - **Spill moves** (`v_readlane_b32`/`v_writelane_b32`: SGPR spills into VGPR lanes), scratch instructions,
//!   `v_accvgpr_read`/`write` moves.
//!
//! Per SIMD with `W` waves on it (the modeled occupancy), one trip of every wave costs `W ×` the MFMA and VALU-port
//! cycles; the CU's LDS serves `4·W` waves at [`ArchCosts::lds_bytes_per_clk`]; HBM would serve their global bytes at
//! [`ArchCosts::hbm_bytes_per_clk`] if no cache helped. The bounds, as a fraction of the arch's MFMA peak:
//!
//! - **optimistic**: `mfma / max(mfma, valu_port, lds)` — MFMA and VALU work of different waves overlap, latency
//!   is hidden;
//! - **pessimistic**: `mfma / max(mfma + valu_port, lds)` — nothing overlaps MFMA on a SIMD;
//! - the **binding** resource is the largest of MFMA, VALU port and LDS; `hbm_share` is the HBM time over the
//!   largest of all four (≥ 0.9 means the loop would be bandwidth-bound without cache reuse).

use super::disasm::model_key;
use super::{disasm, loops};
use std::collections::VecDeque;

/// Cost of one matrix instruction (wave64).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MfmaCost {
    /// Cycles the instruction occupies the SIMD's matrix core: passes × 4.
    pub cycles: u32,
    /// Floating-point (or integer) operations: `2·M·N·K`.
    pub flops: u64,
}

/// The cost of a matrix instruction key on `arch` (`"gfx942"`, `"gfx950"`), or `None` when the model does not know
/// it. Sources: LLVM's `SISchedule.td` (the `Write{2,4,8,16}PassMAI` classes of the gfx940/gfx950 models, which
/// `llvm-mca-22 -mcpu=gfx942|gfx950` reports as reciprocal throughput in passes) and AMD's Origami
/// `hardware.hpp`. One exception: `v_mfma[_scale]_f32_16x16x128_f8f6f4` and `_32x32x64_` take 8 / 16 passes when an
/// operand is 8-bit (`cbsz`/`blgp` 0 or 1) and 4 / 8 passes for FP6/FP4 (Origami; the CDNA4 ISA's MFMA table);
/// llvm-mca-22 reports 4 / 8 for all formats.
pub fn mfma_cost(arch: &str, key: &str) -> Option<MfmaCost> {
    let mnemonic = key.split_whitespace().next()?;
    let m = mnemonic
        .trim_end_matches("_e64")
        .trim_start_matches("v_")
        .trim_start_matches("mfma_")
        .trim_start_matches("scale_");
    // "f32_16x16x32_bf16" → ("16x16x32", "bf16"); "i32_16x16x64_i8"; "f32_32x32x16_fp8_fp8".
    let mut parts = m.splitn(3, '_');
    let _acc = parts.next()?;
    let shape = parts.next()?;
    let ty = parts.next().unwrap_or("");
    let dims: Vec<u64> = shape.split('x').map(|d| d.parse().ok()).collect::<Option<Vec<u64>>>()?;
    let [mm, nn, kk] = dims[..] else { return None };
    let gfx950 = arch == "gfx950";
    if !matches!(arch, "gfx942" | "gfx950") {
        return None;
    }
    let passes: u32 = match (shape, ty) {
        ("16x16x16", "bf16" | "f16" | "bf16_1k") => 4,
        ("32x32x8", "bf16" | "f16" | "bf16_1k") => 8,
        ("16x16x32", t) if t.starts_with("fp8") || t.starts_with("bf8") => 4,
        ("32x32x16", t) if t.starts_with("fp8") || t.starts_with("bf8") => 8,
        ("16x16x32", "i8") => 4,
        ("32x32x16", "i8") => 8,
        ("16x16x4", "f32" | "xf32") | ("16x16x8", "xf32") => 8,
        ("32x32x2", "f32") => 16,
        ("32x32x4", "xf32") => 8,
        ("16x16x32", "bf16" | "f16") if gfx950 => 4,
        ("32x32x16", "bf16" | "f16") if gfx950 => 8,
        ("16x16x64", "i8") if gfx950 => 4,
        ("32x32x32", "i8") if gfx950 => 8,
        ("16x16x128", "f8f6f4") | ("32x32x64", "f8f6f4") if gfx950 => {
            let fmt = |field: &str| {
                key.split_whitespace()
                    .find_map(|t| t.strip_prefix(field))
                    .and_then(|v| v.parse::<u32>().ok())
                    .unwrap_or(0)
            };
            let eight_bit = fmt("cbsz:") <= 1 || fmt("blgp:") <= 1;
            let base = if shape == "16x16x128" { 4 } else { 8 };
            if eight_bit {
                base * 2
            } else {
                base
            }
        }
        _ => return None,
    };
    Some(MfmaCost {
        cycles: passes * 4,
        flops: 2 * mm * nn * kk,
    })
}

/// Per-arch constants of the model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ArchCosts {
    /// `"gfx942"` or `"gfx950"`.
    pub arch: &'static str,
    /// The product the peak figures are for.
    pub product: &'static str,
    /// Compute units of that product.
    pub cus: u32,
    /// Its peak engine clock in GHz.
    pub peak_ghz: f64,
    /// LDS bytes per clock per CU: banks × 4 bytes (32 banks on CDNA3, 64 on CDNA4).
    pub lds_bytes_per_clk: f64,
    /// HBM bytes per clock per CU at peak clock: the product's bandwidth / (CUs × clock).
    pub hbm_bytes_per_clk: f64,
}

/// The model's constants for `arch`; `None` for archs it does not model (gfx1250).
pub fn arch_costs(arch: &str) -> Option<ArchCosts> {
    match arch {
        // MI300X: 304 CUs, 2100 MHz, 5.3 TB/s; 32 LDS banks.
        "gfx942" => Some(ArchCosts {
            arch: "gfx942",
            product: "MI300X",
            cus: 304,
            peak_ghz: 2.1,
            lds_bytes_per_clk: 128.0,
            hbm_bytes_per_clk: 5.3e12 / (304.0 * 2.1e9),
        }),
        // MI355X: 256 CUs, 2400 MHz, 8 TB/s; 64 LDS banks.
        "gfx950" => Some(ArchCosts {
            arch: "gfx950",
            product: "MI355X",
            cus: 256,
            peak_ghz: 2.4,
            lds_bytes_per_clk: 256.0,
            hbm_bytes_per_clk: 8.0e12 / (256.0 * 2.4e9),
        }),
        _ => None,
    }
}

/// Dense peak in TFLOP/s of a matrix instruction on `arch`'s reference product: every SIMD (4 per CU) issuing it
/// back to back at peak clock.
pub fn peak_tflops(arch: &str, key: &str) -> Option<f64> {
    let c = mfma_cost(arch, key)?;
    let a = arch_costs(arch)?;
    Some(c.flops as f64 / c.cycles as f64 * 4.0 * a.cus as f64 * a.peak_ghz * 1e9 / 1e12)
}

/// The model's assumptions: latencies (cycles) and the transcendental rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assumptions {
    /// VALU-port cycles of a wave64 transcendental (16 = quarter rate, CDNA3's; gfx950's rate is not published).
    pub trans_cycles: u32,
    /// Latency of an LDS access of up to 8 bytes per lane, and of the crossbar ops.
    pub lds_latency: u32,
    /// Latency of a 12- or 16-byte-per-lane LDS access and of the transposing reads.
    pub lds_wide_latency: u32,
    /// Latency of a scalar memory load.
    pub smem_latency: u32,
    /// Latency of a vector memory access (global/buffer, LDS DMA).
    pub vmem_latency: u32,
}

impl Default for Assumptions {
    fn default() -> Self {
        Assumptions {
            trans_cycles: 16,
            lds_latency: 64,
            lds_wide_latency: 128,
            smem_latency: 64,
            vmem_latency: 500,
        }
    }
}

/// What one instruction is to the model.
#[derive(Debug, Clone, PartialEq)]
enum Op {
    Mfma(MfmaCost),
    /// A matrix instruction the cost table does not know.
    UnknownMfma,
    Valu {
        trans: bool,
        spill: bool,
        agpr_move: bool,
    },
    Salu,
    Smem,
    Lds {
        read: u32,
        write: u32,
        wide: bool,
    },
    Vmem {
        load: u32,
        store: u32,
        lds_dma: bool,
        scratch: bool,
    },
    Wait {
        vm: Option<u32>,
        lgkm: Option<u32>,
    },
    Nop(u32),
    Barrier,
    Other,
}

const TRANS: [&str; 10] = [
    "v_exp_",
    "v_log_",
    "v_rcp_",
    "v_rsq_",
    "v_sqrt_",
    "v_sin_",
    "v_cos_",
    "v_exp_legacy",
    "v_log_legacy",
    "v_rcp_iflag",
];

/// Bytes per lane named by a memory mnemonic's size suffix (`_b128`, `_dwordx4`, `_u16`, ...).
fn lane_bytes(m: &str) -> u32 {
    let base = m.trim_end_matches(" lds");
    let two = base.contains("read2") || base.contains("write2") || base.contains("load_2") || base.contains("store_2");
    let tail = base.rsplit('_').next().unwrap_or("");
    let b = match tail {
        "b128" | "dwordx4" => 16,
        "b96" | "dwordx3" => 12,
        "b64" | "dwordx2" => 8,
        "b32" | "dword" | "f32" | "u32" | "i32" => 4,
        "b16" | "u16" | "i16" | "ushort" | "sshort" | "short" | "f16" => 2,
        "b8" | "u8" | "i8" | "ubyte" | "sbyte" | "byte" => 1,
        "hi" | "d16" => {
            // ds_read_u8_d16_hi, buffer_load_short_d16, ...: the size is the part before.
            let inner = base.trim_end_matches("_hi").trim_end_matches("_d16");
            return lane_bytes(inner);
        }
        _ => 4,
    };
    // ds_read_b64_tr_b16 and friends: the size is the first one.
    if base.contains("_tr_") {
        let first = base.split("_tr_").next().unwrap_or(base);
        return lane_bytes(first);
    }
    if two {
        2 * b
    } else {
        b
    }
}

fn parse_count(ops: &str, name: &str) -> Option<u32> {
    let at = ops.find(&format!("{name}("))?;
    let rest = &ops[at + name.len() + 1..];
    rest.split(')').next()?.trim().parse().ok()
}

fn classify(arch: &str, key: &str) -> Op {
    let m = key.split_whitespace().next().unwrap_or("");
    if disasm::is_matrix_mnemonic(m) {
        return mfma_cost(arch, key).map_or(Op::UnknownMfma, Op::Mfma);
    }
    if m == "s_waitcnt" {
        let ops = key.strip_prefix("s_waitcnt").unwrap_or("");
        return Op::Wait {
            vm: parse_count(ops, "vmcnt"),
            lgkm: parse_count(ops, "lgkmcnt"),
        };
    }
    if m == "s_nop" {
        let n = key.split_whitespace().nth(1).and_then(|v| v.parse().ok()).unwrap_or(0);
        return Op::Nop(n);
    }
    if m == "s_barrier" {
        return Op::Barrier;
    }
    if m.starts_with("s_load") || m.starts_with("s_buffer_load") || m.starts_with("s_store") {
        return Op::Smem;
    }
    if m.starts_with("s_") {
        return Op::Salu;
    }
    if let Some(ds) = m.strip_prefix("ds_") {
        let crossbar = ds.starts_with("bpermute") || ds.starts_with("permute") || ds.starts_with("swizzle");
        if crossbar {
            return Op::Lds {
                read: 4,
                write: 0,
                wide: false,
            };
        }
        if ds.starts_with("nop") {
            return Op::Other;
        }
        let b = lane_bytes(m);
        let wide = b >= 12 || ds.contains("_tr_");
        let is_read = ds.starts_with("read") || ds.starts_with("load");
        let is_write = ds.starts_with("write") || ds.starts_with("store");
        return match (is_read, is_write) {
            (true, _) => Op::Lds {
                read: b,
                write: 0,
                wide,
            },
            (_, true) => Op::Lds {
                read: 0,
                write: b,
                wide,
            },
            // Atomics: read and write.
            _ => Op::Lds {
                read: b,
                write: b,
                wide,
            },
        };
    }
    for (prefix, scratch) in [
        ("buffer_", false),
        ("global_", false),
        ("flat_", false),
        ("scratch_", true),
    ] {
        if let Some(rest) = m.strip_prefix(prefix) {
            let b = lane_bytes(m);
            let lds_dma = m.ends_with(" lds") || key.ends_with(" lds");
            let store = rest.starts_with("store") || rest.starts_with("atomic");
            let load = rest.starts_with("load") || rest.starts_with("atomic");
            return Op::Vmem {
                load: if load { b } else { 0 },
                store: if store { b } else { 0 },
                lds_dma,
                scratch,
            };
        }
    }
    if m.starts_with("v_") {
        let base = m;
        return Op::Valu {
            trans: TRANS.iter().any(|t| base.starts_with(t)),
            spill: base.starts_with("v_readlane_b32") || base.starts_with("v_writelane_b32"),
            agpr_move: base.starts_with("v_accvgpr_read") || base.starts_with("v_accvgpr_write"),
        };
    }
    Op::Other
}

/// VALU-port cycles of one instruction key on `arch` (module docs): 4 for a VALU instruction, `trans_cycles` for a
/// transcendental, 4 for an MFMA's issue, 0 for the rest.
pub fn valu_port_cycles_of(arch: &str, key: &str, trans_cycles: u32) -> u64 {
    match classify(arch, key) {
        Op::Valu { trans: true, .. } => trans_cycles as u64,
        Op::Valu { .. } | Op::Mfma(_) | Op::UnknownMfma => 4,
        _ => 0,
    }
}

/// What one wave does in one trip around the steady-state path (module docs).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LoopCost {
    /// Instructions on the path (issue slots).
    pub instructions: u32,
    /// Matrix instructions.
    pub mfma: u32,
    /// Their cycles on the matrix core.
    pub mfma_cycles: u64,
    /// Their operations (`2·M·N·K` each).
    pub flops: u64,
    /// Matrix instructions the cost table does not know (counted in `mfma`, not in the cycles); their keys.
    pub unknown_mfma: Vec<String>,
    /// VALU instructions that are not transcendental.
    pub valu: u32,
    /// Transcendental VALU instructions.
    pub trans: u32,
    /// Scalar ALU instructions (branches and waits included).
    pub salu: u32,
    /// Scalar memory loads.
    pub smem: u32,
    /// LDS instructions (crossbar ops included).
    pub lds_instructions: u32,
    /// Bytes the wave reads from LDS (and moves through its crossbar).
    pub lds_read_bytes: u64,
    /// Bytes the wave writes to LDS, LDS-DMA writes included.
    pub lds_write_bytes: u64,
    /// Vector memory instructions (loads, stores, LDS DMA; scratch excluded).
    pub vmem_instructions: u32,
    /// Bytes loaded from global memory, LDS-DMA loads included.
    pub global_load_bytes: u64,
    /// Bytes stored to global memory.
    pub global_store_bytes: u64,
    /// Bytes written to LDS by LDS-DMA loads.
    pub lds_dma_bytes: u64,
    /// `s_waitcnt` instructions that wait on `lgkmcnt` (LDS, scalar loads).
    pub lgkm_waits: u32,
    /// `s_waitcnt` instructions that wait on `vmcnt` (vector memory).
    pub vm_waits: u32,
    /// `s_barrier` instructions.
    pub barriers: u32,
    /// Cycles the wave stalls at `lgkmcnt` waits (one-wave timeline).
    pub exposed_lds: u64,
    /// Cycles the wave stalls at `vmcnt` waits.
    pub exposed_global: u64,
    /// Cycles of one trip on the one-wave timeline, stalls included.
    pub timeline_cycles: u64,
    /// `v_readlane_b32`/`v_writelane_b32`: SGPR spill traffic through VGPR lanes.
    pub spill_moves: u32,
    /// Scratch loads and stores (VGPR spills, stack).
    pub scratch_ops: u32,
    /// `v_accvgpr_read`/`v_accvgpr_write` moves.
    pub agpr_moves: u32,
}

impl LoopCost {
    /// VALU-port cycles of one wave's trip: 4 per VALU instruction, `trans_cycles` per transcendental, 4 per MFMA.
    pub fn valu_port_cycles(&self, trans_cycles: u32) -> u64 {
        4 * self.valu as u64 + trans_cycles as u64 * self.trans as u64 + 4 * self.mfma as u64
    }
}

/// Counts the path `keys` on `arch` (module docs).
pub fn cost<S: AsRef<str>>(arch: &str, keys: &[S], a: &Assumptions) -> LoopCost {
    let mut c = LoopCost {
        instructions: keys.len() as u32,
        ..Default::default()
    };
    for k in keys {
        let k = k.as_ref();
        match classify(arch, k) {
            Op::Mfma(m) => {
                c.mfma += 1;
                c.mfma_cycles += m.cycles as u64;
                c.flops += m.flops;
            }
            Op::UnknownMfma => {
                c.mfma += 1;
                if !c.unknown_mfma.iter().any(|u| u == k) {
                    c.unknown_mfma.push(k.to_string());
                }
            }
            Op::Valu {
                trans,
                spill,
                agpr_move,
            } => {
                if trans {
                    c.trans += 1;
                } else {
                    c.valu += 1;
                }
                c.spill_moves += spill as u32;
                c.agpr_moves += agpr_move as u32;
            }
            Op::Salu => c.salu += 1,
            Op::Nop(_) | Op::Other => {}
            Op::Barrier => c.barriers += 1,
            Op::Smem => c.smem += 1,
            Op::Lds { read, write, .. } => {
                c.lds_instructions += 1;
                c.lds_read_bytes += 64 * read as u64;
                c.lds_write_bytes += 64 * write as u64;
            }
            Op::Vmem {
                load,
                store,
                lds_dma,
                scratch,
            } => {
                if scratch {
                    c.scratch_ops += 1;
                    continue;
                }
                c.vmem_instructions += 1;
                c.global_load_bytes += 64 * load as u64;
                c.global_store_bytes += 64 * store as u64;
                if lds_dma {
                    c.lds_dma_bytes += 64 * load as u64;
                    c.lds_write_bytes += 64 * load as u64;
                }
            }
            Op::Wait { vm, lgkm } => {
                c.vm_waits += vm.is_some() as u32;
                c.lgkm_waits += lgkm.is_some() as u32;
            }
        }
    }
    let e = exposed(arch, keys, a);
    c.exposed_lds = e.lds;
    c.exposed_global = e.global;
    c.timeline_cycles = e.trip_cycles;
    c
}

/// The one-wave timeline's result for one trip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Exposed {
    /// Stall cycles at `lgkmcnt` waits.
    pub lds: u64,
    /// Stall cycles at `vmcnt` waits.
    pub global: u64,
    /// Cycles of the trip.
    pub trip_cycles: u64,
}

/// The exposed latency of one trip (module docs): the path issued three times by one wave; the third trip counts.
///
/// Issue: every instruction takes 4 cycles of the wave's issue (one issue per wave per 4-cycle round), a
/// transcendental `trans_cycles`, `s_nop N` max(4, N+1). An MFMA also occupies the matrix core for its cycles: the
/// next MFMA issues when the core is free, but other instructions go on in its shadow. Counters: LDS and scalar
/// loads complete in order on `lgkmcnt`, vector memory on `vmcnt`; `s_waitcnt X(N)` waits until at most N are
/// outstanding. Barriers cost only their issue (the other waves' skew is a blind spot).
pub fn exposed<S: AsRef<str>>(arch: &str, keys: &[S], a: &Assumptions) -> Exposed {
    timeline(arch, keys, a, &mut |_, _, _| {})
}

/// The counted (third) trip of [`exposed`]'s timeline, one `(issue cycle from the trip's start, stall cycles)` per
/// instruction of `keys`: what `hipforge model --path` prints.
pub fn trace<S: AsRef<str>>(arch: &str, keys: &[S], a: &Assumptions) -> Vec<(u64, u64)> {
    let mut out = vec![(0, 0); keys.len()];
    timeline(arch, keys, a, &mut |i, t, stall| out[i] = (t, stall));
    out
}

fn timeline<S: AsRef<str>>(arch: &str, keys: &[S], a: &Assumptions, on: &mut dyn FnMut(usize, u64, u64)) -> Exposed {
    let ops: Vec<Op> = keys.iter().map(|k| classify(arch, k.as_ref())).collect();
    let mut t: u64 = 0;
    let mut xdl_free: u64 = 0;
    let mut lgkm: VecDeque<u64> = VecDeque::new();
    let mut vm: VecDeque<u64> = VecDeque::new();
    let mut out = Exposed::default();
    for trip in 0..3 {
        let counting = trip == 2;
        let start = t.max(xdl_free);
        for (idx, op) in ops.iter().enumerate() {
            let (t_issue, mut stalled) = (t, 0);
            match op {
                Op::Mfma(m) => {
                    let s = t.max(xdl_free);
                    xdl_free = s + m.cycles as u64;
                    t = s + 4;
                }
                Op::UnknownMfma => t += 4,
                Op::Valu { trans: true, .. } => t += a.trans_cycles as u64,
                Op::Nop(n) => t += (*n as u64 + 1).max(4),
                Op::Lds { wide, .. } => {
                    lgkm.push_back(t + if *wide { a.lds_wide_latency } else { a.lds_latency } as u64);
                    t += 4;
                }
                Op::Smem => {
                    lgkm.push_back(t + a.smem_latency as u64);
                    t += 4;
                }
                Op::Vmem { .. } => {
                    vm.push_back(t + a.vmem_latency as u64);
                    t += 4;
                }
                Op::Wait { vm: wv, lgkm: wl } => {
                    let drain = |q: &mut VecDeque<u64>, n: Option<u32>| -> u64 {
                        let mut ready = 0;
                        if let Some(n) = n {
                            while q.len() > n as usize {
                                ready = ready.max(q.pop_front().unwrap_or(0));
                            }
                        }
                        ready
                    };
                    let ready_vm = drain(&mut vm, *wv);
                    let ready_lgkm = drain(&mut lgkm, *wl);
                    let stall_vm = ready_vm.saturating_sub(t);
                    let stall_lgkm = ready_lgkm.saturating_sub(t.max(ready_vm));
                    if counting {
                        out.global += stall_vm;
                        out.lds += stall_lgkm;
                    }
                    stalled = stall_vm + stall_lgkm;
                    t = t.max(ready_vm).max(ready_lgkm) + 4;
                }
                _ => t += 4,
            }
            if counting {
                on(idx, t_issue.saturating_sub(start), stalled);
            }
        }
        if counting {
            out.trip_cycles = t.max(xdl_free) - start;
        }
    }
    out
}

/// Bounds of a loop on one SIMD with `waves` waves (module docs). Cycles are per trip of every wave.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    /// Waves per SIMD the bounds assume.
    pub waves: u32,
    /// Transcendental cycles assumed.
    pub trans_cycles: u32,
    /// MFMA cycles on the SIMD.
    pub mfma: f64,
    /// VALU-port cycles on the SIMD.
    pub valu_port: f64,
    /// LDS cycles of the CU (all 4 SIMDs' waves).
    pub lds: f64,
    /// HBM cycles of the CU if no cache served any global byte.
    pub hbm: f64,
    /// Optimistic fraction of the MFMA peak; `None` without MFMA work.
    pub optimistic: Option<f64>,
    /// Pessimistic fraction of the MFMA peak; `None` without MFMA work.
    pub pessimistic: Option<f64>,
    /// The largest of MFMA, VALU port and LDS: `"mfma"`, `"valu"` or `"lds"`.
    pub binding: &'static str,
    /// HBM time over the largest of the four resources.
    pub hbm_share: f64,
}

impl LoopCost {
    /// The counts of one of `units` equal units of work of a trip (each rounded to the nearest integer).
    pub fn per_unit(self, units: u32) -> LoopCost {
        if units <= 1 {
            return self;
        }
        let n32 = |x: u32| (x + units / 2) / units;
        let n64 = |x: u64| (x + units as u64 / 2) / units as u64;
        LoopCost {
            instructions: n32(self.instructions),
            mfma: n32(self.mfma),
            mfma_cycles: n64(self.mfma_cycles),
            flops: n64(self.flops),
            unknown_mfma: self.unknown_mfma,
            valu: n32(self.valu),
            trans: n32(self.trans),
            salu: n32(self.salu),
            smem: n32(self.smem),
            lds_instructions: n32(self.lds_instructions),
            lds_read_bytes: n64(self.lds_read_bytes),
            lds_write_bytes: n64(self.lds_write_bytes),
            vmem_instructions: n32(self.vmem_instructions),
            global_load_bytes: n64(self.global_load_bytes),
            global_store_bytes: n64(self.global_store_bytes),
            lds_dma_bytes: n64(self.lds_dma_bytes),
            lgkm_waits: n32(self.lgkm_waits),
            vm_waits: n32(self.vm_waits),
            barriers: n32(self.barriers),
            exposed_lds: n64(self.exposed_lds),
            exposed_global: n64(self.exposed_global),
            timeline_cycles: n64(self.timeline_cycles),
            spill_moves: n32(self.spill_moves),
            scratch_ops: n32(self.scratch_ops),
            agpr_moves: n32(self.agpr_moves),
        }
    }
}

/// The bounds of `c` on `arch` with `waves` waves per SIMD and transcendentals at `trans_cycles`.
pub fn bounds(arch: &str, c: &LoopCost, waves: u32, trans_cycles: u32) -> Option<Bounds> {
    let ac = arch_costs(arch)?;
    let w = waves.max(1) as f64;
    let mfma = w * c.mfma_cycles as f64;
    let valu_port = w * c.valu_port_cycles(trans_cycles) as f64;
    let lds = 4.0 * w * (c.lds_read_bytes + c.lds_write_bytes) as f64 / ac.lds_bytes_per_clk;
    let hbm = 4.0 * w * (c.global_load_bytes + c.global_store_bytes) as f64 / ac.hbm_bytes_per_clk;
    let binding = if mfma >= valu_port && mfma >= lds {
        "mfma"
    } else if valu_port >= lds {
        "valu"
    } else {
        "lds"
    };
    let top = mfma.max(valu_port).max(lds).max(hbm);
    let has_mfma = c.mfma_cycles > 0;
    Some(Bounds {
        waves,
        trans_cycles,
        mfma,
        valu_port,
        lds,
        hbm,
        optimistic: has_mfma.then(|| mfma / mfma.max(valu_port).max(lds)),
        pessimistic: has_mfma.then(|| mfma / (mfma + valu_port).max(lds)),
        binding,
        hbm_share: if top > 0.0 { hbm / top } else { 0.0 },
    })
}

/// The model of one kernel on one arch.
#[derive(Debug, Clone, PartialEq)]
pub struct KernelModel {
    /// The kernel's symbol.
    pub kernel: String,
    /// The arch of its code object.
    pub arch: String,
    /// Waves per SIMD the bounds use: the modeled occupancy ([`super::occupancy`]).
    pub waves_per_simd: u32,
    /// Instructions of the main loop (nested loops included) and its blocks; `None` without a loop.
    pub loop_instructions: Option<(u32, u32)>,
    /// Instructions and blocks of the steady-state path.
    pub path: (u32, u32),
    /// `(rule, met)` of each declared `HF_MODEL_PATH` rule.
    pub rules: Vec<(String, bool)>,
    /// The counts of one unit of work: one trip, or a trip's share when its rules declare `units:N`.
    pub cost: LoopCost,
    /// Bounds with transcendentals at 16 cycles (the default assumption).
    pub bounds16: Option<Bounds>,
    /// Bounds with transcendentals at 8 cycles.
    pub bounds8: Option<Bounds>,
    /// Scratch bytes per lane (`.private_segment_fixed_size`).
    pub scratch_bytes: u32,
    /// The steady-state path's instruction keys, in order.
    pub path_keys: Vec<String>,
}

impl KernelModel {
    /// The value of a gate metric (docs/model.md lists them), or `None` for an unknown name or a bound that does
    /// not apply (no MFMA work).
    pub fn metric(&self, name: &str) -> Option<f64> {
        let c = &self.cost;
        let b = self.bounds16.as_ref();
        Some(match name {
            "opt" => b?.optimistic?,
            "pess" => b?.pessimistic?,
            "opt8" => self.bounds8.as_ref()?.optimistic?,
            "pess8" => self.bounds8.as_ref()?.pessimistic?,
            "hbm_share" => b?.hbm_share,
            "valu_clk" => b?.valu_port,
            "mfma" => c.mfma as f64,
            "valu" => c.valu as f64,
            "trans" => c.trans as f64,
            "lgkm_waits" => c.lgkm_waits as f64,
            "vm_waits" => c.vm_waits as f64,
            "exposed_lds" => c.exposed_lds as f64,
            "exposed_global" => c.exposed_global as f64,
            "spill_moves" => c.spill_moves as f64,
            "scratch_ops" => c.scratch_ops as f64,
            "scratch" => self.scratch_bytes as f64,
            "barriers" => c.barriers as f64,
            "path_instructions" => self.path.0 as f64,
            "path_blocks" => self.path.1 as f64,
            "lds_bytes" => (c.lds_read_bytes + c.lds_write_bytes) as f64,
            "global_bytes" => (c.global_load_bytes + c.global_store_bytes) as f64,
            "unknown_mfma" => c.unknown_mfma.len() as f64,
            _ => return None,
        })
    }
}

/// The metric names [`KernelModel::metric`] knows.
pub const METRICS: &[&str] = &[
    "opt",
    "pess",
    "opt8",
    "pess8",
    "hbm_share",
    "valu_clk",
    "mfma",
    "valu",
    "trans",
    "lgkm_waits",
    "vm_waits",
    "exposed_lds",
    "exposed_global",
    "spill_moves",
    "scratch_ops",
    "scratch",
    "barriers",
    "path_instructions",
    "path_blocks",
    "lds_bytes",
    "global_bytes",
    "unknown_mfma",
];

/// Builds the model of a kernel from its steady-state path keys and resources.
pub fn assemble<S: AsRef<str>>(
    arch: &str,
    resources: &super::Resources,
    main_loop: Option<((u32, u32), (u32, u32))>,
    path: &[S],
    rules: Vec<(String, bool)>,
    a: &Assumptions,
) -> KernelModel {
    let waves = super::arch_limits(arch)
        .map(|l| super::occupancy(resources, &l).waves_per_simd)
        .unwrap_or(1);
    // A loop unrolled N times declares `units:N`: everything below is per unit of work.
    let units = rules
        .iter()
        .find_map(|(r, _)| match super::loops::PathRule::parse(r) {
            Some(super::loops::PathRule::Units(n)) => Some(n),
            _ => None,
        })
        .unwrap_or(1);
    let cost = cost(arch, path, a).per_unit(units);
    KernelModel {
        kernel: resources.kernel.clone(),
        arch: arch.to_string(),
        waves_per_simd: waves,
        loop_instructions: main_loop.map(|(l, _)| l),
        path: main_loop.map(|(_, p)| p).unwrap_or((0, 0)),
        rules,
        bounds16: bounds(arch, &cost, waves, 16),
        bounds8: bounds(arch, &cost, waves, 8),
        cost,
        scratch_bytes: resources.scratch_bytes,
        path_keys: path.iter().map(|k| k.as_ref().to_string()).collect(),
    }
}

/// Models every function of a disassembly (`llvm-objdump -d` text) with the resources of `code_object`'s metadata
/// (functions without metadata, i.e. not kernels, are skipped). No path rules: the default steady-state path.
pub fn model_disassembly(code_object: &[u8], text: &str, a: &Assumptions) -> crate::Result<Vec<KernelModel>> {
    model_disassembly_with_rules(code_object, text, &|_| Vec::new(), a)
}

/// Like [`model_disassembly`], with the `HF_MODEL_PATH` rules of each kernel (`rules(symbol)`, e.g.
/// `"via:buffer_load"`; rules that do not parse are ignored here and reported by the gate as unmet).
pub fn model_disassembly_with_rules(
    code_object: &[u8],
    text: &str,
    rules: &dyn Fn(&str) -> Vec<String>,
    a: &Assumptions,
) -> crate::Result<Vec<KernelModel>> {
    let arch = super::read_target(code_object)?;
    let resources = super::read_resources(code_object)?;
    let mut out = Vec::new();
    // Only the kernels of the metadata start functions: other symbols are labels (hand-written assembly).
    let is_kernel = |n: &str| resources.iter().any(|r| r.kernel == n);
    for (name, insns) in disasm::parse_functions(text, &is_kernel) {
        let Some(r) = resources.iter().find(|r| r.kernel == name) else {
            continue;
        };
        let declared = rules(&name);
        let parsed: Vec<Option<loops::PathRule>> = declared.iter().map(|r| loops::PathRule::parse(r)).collect();
        let valid: Vec<loops::PathRule> = parsed.iter().flatten().cloned().collect();
        let cfg = loops::cfg(&insns);
        let all = cfg.loops();
        let main = loops::main_loop(&insns, &cfg, &all, disasm::is_matrix_mnemonic);
        let mut met = vec![false; valid.len()];
        let (facts, keys) = match main {
            Some(l) => {
                let lp = &all[l];
                let p = loops::steady_path(&insns, &cfg, lp, &valid, disasm::matrix_flops);
                if let Some(p) = &p {
                    met.clone_from(&p.rules_met);
                }
                let keys: Vec<String> = p
                    .as_ref()
                    .map(|p| p.insns.iter().map(|&i| model_key(&insns[i])).collect())
                    .unwrap_or_default();
                let pb = p.as_ref().map_or(0, |p| p.blocks.len() as u32);
                (
                    Some((
                        (cfg.instructions_in(&lp.blocks) as u32, lp.blocks.len() as u32),
                        (keys.len() as u32, pb),
                    )),
                    keys,
                )
            }
            None => (None, Vec::new()),
        };
        let mut valid_met = met.into_iter();
        let rule_report = declared
            .iter()
            .zip(&parsed)
            .map(|(d, p)| (d.clone(), p.is_some() && valid_met.next().unwrap_or(false)))
            .collect();
        out.push(assemble(&arch, r, facts, &keys, rule_report, a));
    }
    Ok(out)
}

/// The model of a kernel built into this crate, from the steady-state path the build embedded.
pub fn model(arch: &str, kernel: &str, a: &Assumptions) -> crate::Result<KernelModel> {
    let report = super::report(arch, kernel)?;
    let facts = crate::kernels::GPU_DISASM
        .iter()
        .find(|d| d.arch == arch && d.kernel == kernel)
        .ok_or_else(|| crate::Error::KernelNotBuilt {
            kernel: kernel.to_string(),
            arch: arch.to_string(),
            reason: format!(
                "no disassembly facts (no llvm-objdump at build time? {})",
                crate::kernels::GPU_BUILD_NOTE
            ),
        })?;
    let info = crate::kernels::find(kernel);
    let declared: Vec<&str> = info
        .map(|k| {
            k.model_path
                .iter()
                .filter(|(a, _)| *a == arch || *a == "all")
                .map(|(_, r)| *r)
                .collect()
        })
        .unwrap_or_default();
    let (main, keys, met): (_, Vec<&str>, &[bool]) = match &facts.main_loop {
        Some(m) => (
            Some(((m.instructions, m.blocks), (m.path.len() as u32, m.path_blocks))),
            m.path.iter().map(|&i| crate::kernels::MODEL_KEYS[i as usize]).collect(),
            m.rules_met,
        ),
        None => (None, Vec::new(), &[]),
    };
    let rules = declared
        .iter()
        .enumerate()
        .map(|(i, r)| (r.to_string(), met.get(i).copied().unwrap_or(false)))
        .collect();
    Ok(assemble(arch, &report.resources, main, &keys, rules, a))
}

/// One parsed gate expression: `metric op number`.
#[derive(Debug, Clone, PartialEq)]
pub struct Gate {
    /// The metric ([`METRICS`]).
    pub metric: String,
    /// `==`, `!=`, `<=`, `>=`, `<` or `>`.
    pub op: String,
    /// The number compared with.
    pub value: f64,
}

impl Gate {
    /// Parses `"exposed_lds == 0"`; errors name what is wrong.
    pub fn parse(expr: &str) -> std::result::Result<Gate, String> {
        let toks: Vec<&str> = expr.split_whitespace().collect();
        let [metric, op, value] = toks[..] else {
            return Err(format!("{expr:?}: expected \"metric op number\""));
        };
        if !METRICS.contains(&metric) {
            return Err(format!(
                "{expr:?}: unknown metric {metric:?} (known: {})",
                METRICS.join(", ")
            ));
        }
        if !["==", "!=", "<=", ">=", "<", ">"].contains(&op) {
            return Err(format!("{expr:?}: unknown operator {op:?}"));
        }
        let value = value
            .parse::<f64>()
            .map_err(|_| format!("{expr:?}: {value:?} is not a number"))?;
        Ok(Gate {
            metric: metric.to_string(),
            op: op.to_string(),
            value,
        })
    }

    /// Whether `x` passes.
    pub fn holds(&self, x: f64) -> bool {
        match self.op.as_str() {
            "==" => x == self.value,
            "!=" => x != self.value,
            "<=" => x <= self.value,
            ">=" => x >= self.value,
            "<" => x < self.value,
            _ => x > self.value,
        }
    }
}

/// The model gate for one kernel on one arch: every `(arch, expression)` of `declared` for `m.arch` (or `"all"`) must parse and
/// hold, and every declared `HF_MODEL_PATH` rule must be met by the chosen path. One line per violation.
pub fn gate_violations(m: &KernelModel, declared: &[(&str, &str)]) -> Vec<String> {
    let who = format!("{} on {}", m.kernel, m.arch);
    let mut v = Vec::new();
    for (rule, met) in &m.rules {
        if !*met {
            v.push(format!(
                "{who}: the steady-state path does not meet its HF_MODEL_PATH rule {rule:?} (no path through the main \
                 loop does)"
            ));
        }
    }
    for (_, expr) in declared.iter().filter(|(a, _)| *a == m.arch || *a == "all") {
        match Gate::parse(expr) {
            Err(e) => v.push(format!("{who}: HF_MODEL_EXPECT {e}")),
            Ok(g) => match m.metric(&g.metric) {
                None => v.push(format!(
                    "{who}: HF_MODEL_EXPECT {expr:?}: {} does not apply (no MFMA work in the main loop?)",
                    g.metric
                )),
                Some(x) if g.holds(x) => {}
                Some(x) => v.push(format!(
                    "{who}: HF_MODEL_EXPECT {expr:?} fails: {} is {} (modeled)",
                    g.metric,
                    fmt_num(x)
                )),
            },
        }
    }
    v
}

fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x:.3}")
    }
}

/// The `llvm-objdump` that `hipforge model FILE.co` runs: `HIPFORGE_OBJDUMP` if set, else the one the build used,
/// else `$ROCM_PATH/llvm/bin/llvm-objdump`, `/opt/rocm/llvm/bin/llvm-objdump`, `llvm-objdump-22`…`-20` and
/// `llvm-objdump` on `PATH`. `None` when none runs.
pub fn find_objdump() -> Option<std::path::PathBuf> {
    use std::path::PathBuf;
    let mut cands: Vec<PathBuf> = Vec::new();
    if let Some(p) = std::env::var_os("HIPFORGE_OBJDUMP") {
        return Some(PathBuf::from(p));
    }
    if !crate::kernels::GPU_OBJDUMP_PATH.is_empty() {
        cands.push(PathBuf::from(crate::kernels::GPU_OBJDUMP_PATH));
    }
    if let Some(r) = std::env::var_os("ROCM_PATH") {
        cands.push(PathBuf::from(r).join("llvm/bin/llvm-objdump"));
    }
    cands.push(PathBuf::from("/opt/rocm/llvm/bin/llvm-objdump"));
    for n in ["llvm-objdump-22", "llvm-objdump-21", "llvm-objdump-20", "llvm-objdump"] {
        cands.push(PathBuf::from(n));
    }
    cands.into_iter().find(|c| {
        std::process::Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// Disassembles the code object at `path` with [`find_objdump`]'s tool.
fn disassemble(path: &std::path::Path) -> crate::Result<String> {
    let od = find_objdump().ok_or_else(|| {
        crate::Error::invalid(
            "llvm-objdump",
            "an llvm-objdump with AMDGPU support (set HIPFORGE_OBJDUMP, or install llvm-22)",
            "none found",
        )
    })?;
    let out = std::process::Command::new(&od)
        .arg("-d")
        .arg(path)
        .output()
        .map_err(|e| crate::Error::invalid("llvm-objdump", format!("{} to run", od.display()), e))?;
    if !out.status.success() {
        return Err(crate::Error::invalid(
            "llvm-objdump",
            format!("{} -d {} to succeed", od.display(), path.display()),
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The model of a built-in kernel with other steady-state path rules than it declares (`rules`, e.g.
/// `["avoid:buffer_load_dwordx4 lds"]` for the register path a transposed layout takes): its embedded code object is
/// disassembled at run time ([`find_objdump`]), since the build keeps only the declared path.
pub fn model_with_rules(arch: &str, kernel: &str, rules: &[String], a: &Assumptions) -> crate::Result<KernelModel> {
    let report = super::report(arch, kernel)?; // typed errors for unknown kernels and archs
    let co = crate::kernels::code_object(arch, kernel).expect("report() found it");
    let path = std::env::temp_dir().join(format!("hipforge-model-{}-{arch}-{kernel}.co", std::process::id()));
    std::fs::write(&path, co).map_err(|e| crate::Error::invalid("a temporary file", "writable", e))?;
    let text = disassemble(&path);
    let _ = std::fs::remove_file(&path);
    let rules_of = |n: &str| if n == kernel { rules.to_vec() } else { Vec::new() };
    model_disassembly_with_rules(co, &text?, &rules_of, a)?
        .into_iter()
        .find(|m| m.kernel == report.kernel)
        .ok_or_else(|| crate::Error::invalid("disassembly", format!("a function {kernel}"), "none"))
}

/// Models every kernel of the code object at `path` (an AMDGPU ELF: ours, or an anchor's), disassembling it with
/// [`find_objdump`]'s tool. Errors: unreadable file, not a code object, no disassembler, a failed disassembly.
pub fn model_file(path: &std::path::Path, a: &Assumptions) -> crate::Result<Vec<KernelModel>> {
    model_file_with_rules(path, &[], a)
}

/// [`model_file`], with every kernel's steady-state path picked by `rules` (the `HF_MODEL_PATH` syntax) when
/// `rules` is not empty: how a kernel being worked on is modeled from a code object compiled outside the build.
pub fn model_file_with_rules(
    path: &std::path::Path,
    rules: &[String],
    a: &Assumptions,
) -> crate::Result<Vec<KernelModel>> {
    let bytes = std::fs::read(path).map_err(|e| {
        crate::Error::invalid(
            "code object file",
            "a readable file",
            format!("{}: {e}", path.display()),
        )
    })?;
    // Fail on a non-code-object before running any tool.
    super::read_target(&bytes)?;
    let text = disassemble(path)?;
    model_disassembly_with_rules(&bytes, &text, &|_: &str| rules.to_vec(), a)
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
