//! LDS bank conflicts, **measured on the emulator** (docs/emulator.md "LDS bank conflicts").
//!
//! The emulator puts the 64 lanes' accesses of every wave-level LDS instruction back together and costs them under
//! the arch's bank model: gfx942 32 banks of 4 bytes, gfx950 64, served in lane phases that depend on the access
//! width and direction; within a phase each bank serves one dword per cycle (lanes asking for the same dword share
//! it). [`Device::take_lds_stats`] returns the figures of the launches since the last call, per access site (a PC
//! in the emulator's code, named by its source line when the build's unstripped twin of the emulator and
//! `llvm-symbolizer` are there; an LDS DMA builtin's call site). [`survey`] runs every GEMM and attention kernel
//! on a small representative shape and collects them (`hipforge model --lds`).
//!
//! These are emulator figures of the bank model, not GPU measurements: the widths are the source-level accesses the
//! host compiler made (the GPU compiler may merge or split them), and the phase make-up is partly an assumption
//! (docs/emulator.md says which parts).

use crate::attention::{AttentionPlan, AttentionSpec};
use crate::dtype::{bf16, f16, DType, Element, F8E4M3Fnuz, F8E4M3};
use crate::error::{Error, Result};
use crate::gemm::{GemmOperands, GemmPlan, GemmSpec, PlanOptions, Tile};
use crate::runtime::{Arch, Device, DeviceRepr};

/// One LDS access site of the launches taken, and its cost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LdsSite {
    /// Where: `file:line:column in function` (paths relative to the crate) when symbolized, else
    /// `libhf_emu_gfxA.so+0x…`; for an LDS DMA site, the `file:line` of the builtin's call.
    pub location: String,
    /// The access's offset in the emulator's shared object (`None` for LDS DMA sites).
    pub code_offset: Option<u64>,
    /// An LDS DMA write (`buffer_load … lds`), counted for the whole wave at issue.
    pub dma: bool,
    /// Bytes per lane of the access.
    pub bytes: u32,
    /// A write (else a read).
    pub write: bool,
    /// Wave-level instructions executed at the site.
    pub accesses: u64,
    /// Bank cycles they took under the arch's bank model.
    pub cycles: u64,
    /// Cycles beyond one per lane phase: the bank-conflict cost.
    pub extra_cycles: u64,
}

/// The LDS bank figures of a set of emulator launches (see the module docs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LdsStats {
    /// The emulated arch.
    pub arch: Arch,
    /// False when counting was turned off (`HIPFORGE_EMU_LDS_BANKS=0`): every figure is then 0.
    pub counted: bool,
    /// The arch's LDS banks (4 bytes each): 32 on gfx942, 64 on gfx950.
    pub banks: u32,
    /// Launches the figures cover.
    pub launches: u64,
    /// Wave-level LDS instructions, all sites.
    pub accesses: u64,
    /// Bank cycles, all sites.
    pub cycles: u64,
    /// Extra (bank-conflict) cycles, all sites.
    pub extra_cycles: u64,
    /// Every site, most extra cycles first (then most accesses).
    pub sites: Vec<LdsSite>,
}

fn malformed(line: &str) -> Error {
    Error::Emulator {
        message: format!("malformed LDS statistics line from the emulator: {line:?}"),
    }
}

fn num<T: std::str::FromStr>(s: &str, line: &str) -> Result<T> {
    s.parse().map_err(|_| malformed(line))
}

impl LdsStats {
    /// Parses the emulator's `hf_emu_gfxA_lds_take` text (kernels/emu/runtime.cpp) and names the sites.
    pub(crate) fn parse(arch: &Arch, text: &str) -> Result<LdsStats> {
        let mut s = LdsStats {
            arch: arch.clone(),
            counted: false,
            banks: 0,
            launches: 0,
            accesses: 0,
            cycles: 0,
            extra_cycles: 0,
            sites: Vec::new(),
        };
        let mut header = false;
        for line in text.lines().filter(|l| !l.is_empty()) {
            let f: Vec<&str> = line.split('\t').collect();
            match f.as_slice() {
                ["lds", counted, banks, launches] => {
                    s.counted = *counted == "1";
                    s.banks = num(banks, line)?;
                    s.launches = num(launches, line)?;
                    header = true;
                }
                ["site", kind, at, bytes, write, accesses, cycles, extra] => {
                    let (location, code_offset, dma) = match *kind {
                        "dma" => (at.to_string(), None, true),
                        "pc" => {
                            let off = u64::from_str_radix(at, 16).map_err(|_| malformed(line))?;
                            (format!("libhf_emu_{}.so+{off:#x}", arch.name()), Some(off), false)
                        }
                        _ => return Err(malformed(line)),
                    };
                    let site = LdsSite {
                        location,
                        code_offset,
                        dma,
                        bytes: num(bytes, line)?,
                        write: *write == "1",
                        accesses: num(accesses, line)?,
                        cycles: num(cycles, line)?,
                        extra_cycles: num(extra, line)?,
                    };
                    s.accesses += site.accesses;
                    s.cycles += site.cycles;
                    s.extra_cycles += site.extra_cycles;
                    s.sites.push(site);
                }
                _ => return Err(malformed(line)),
            }
        }
        if !header {
            return Err(malformed(text));
        }
        symbolize(arch, &mut s.sites);
        // Sites that name the same source place (an unrolled loop's copies of one access) are one site; its
        // code_offset is the first copy's.
        let mut merged: Vec<LdsSite> = Vec::new();
        s.sites
            .sort_by(|a, b| a.location.cmp(&b.location).then(a.code_offset.cmp(&b.code_offset)));
        for x in s.sites.drain(..) {
            match merged.last_mut() {
                Some(m) if m.location == x.location && m.bytes == x.bytes && m.write == x.write && m.dma == x.dma => {
                    m.accesses += x.accesses;
                    m.cycles += x.cycles;
                    m.extra_cycles += x.extra_cycles;
                }
                _ => merged.push(x),
            }
        }
        merged.sort_by(|a, b| {
            b.extra_cycles
                .cmp(&a.extra_cycles)
                .then(b.accesses.cmp(&a.accesses))
                .then(a.location.cmp(&b.location))
        });
        s.sites = merged;
        Ok(s)
    }
}

/// Names PC sites by source line: `llvm-symbolizer` (`HIPFORGE_SYMBOLIZER`, else `llvm-symbolizer-22` … `-18`,
/// `llvm-symbolizer`) on the build's unstripped twin of the emulator ([`crate::kernels::EMULATOR_DEBUG_OBJECTS`]).
/// Sites stay `libhf_emu_gfxA.so+0x…` when either is missing.
fn symbolize(arch: &Arch, sites: &mut [LdsSite]) {
    let offsets: Vec<u64> = sites.iter().filter_map(|s| s.code_offset).collect();
    if offsets.is_empty() {
        return;
    }
    let Some((_, obj)) = crate::kernels::EMULATOR_DEBUG_OBJECTS
        .iter()
        .find(|(a, _)| *a == arch.name())
    else {
        return;
    };
    if !std::path::Path::new(obj).exists() {
        return;
    }
    let mut tools: Vec<String> = std::env::var("HIPFORGE_SYMBOLIZER").into_iter().collect();
    tools.extend((18..=22).rev().map(|v| format!("llvm-symbolizer-{v}")));
    tools.push("llvm-symbolizer".into());
    // The offsets are return addresses of the checkers' hook (the instruction after the call): look up the byte
    // before, inside the call instruction, as debuggers do.
    let args: Vec<String> = offsets.iter().map(|o| format!("{:#x}", o.saturating_sub(1))).collect();
    let Some(out) = tools.iter().find_map(|t| {
        std::process::Command::new(t)
            .arg(format!("--obj={obj}"))
            .arg("--inlining")
            .args(&args)
            .output()
            .ok()
            .filter(|o| o.status.success())
    }) else {
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/");
    // One block per address: (function, file:line:col) per inlined frame, innermost first; blank line between.
    let names: Vec<Option<String>> = text
        .split("\n\n")
        .map(|block| {
            let lines: Vec<&str> = block.lines().filter(|l| !l.is_empty()).collect();
            if lines.len() < 2 || lines[1].starts_with("??") {
                return None;
            }
            // The innermost frame in kernel code: an emulated builtin's own lines (hipforge/emu/) are skipped.
            let place = lines
                .iter()
                .skip(1)
                .step_by(2)
                .find(|l| !l.contains("hipforge/emu/"))
                .unwrap_or(&lines[1]);
            let place = place.strip_prefix(root).unwrap_or(place);
            let outer = short_function(lines[lines.len() - 2]);
            Some(format!("{place} in {outer}"))
        })
        .collect();
    for (i, s) in sites.iter_mut().filter(|s| s.code_offset.is_some()).enumerate() {
        if let Some(Some(n)) = names.get(i) {
            s.location = n.clone();
        }
    }
}

/// A demangled function name without its parameter list and return type (`hf::attn::fwd<…> (a lambda)`).
fn short_function(f: &str) -> String {
    let f = f.trim_start_matches("auto ").trim_start_matches("void ");
    let head = f.split('(').next().unwrap_or(f);
    if f.contains("'lambda'") {
        format!("{head} (a lambda)")
    } else {
        head.to_string()
    }
}

/// One kernel's LDS figures from [`survey`].
#[derive(Clone, Debug)]
pub struct KernelLds {
    /// The kernel that ran (the plan's kernel; the decode path's combine kernel ran after it and is included).
    pub kernel: String,
    /// The shape it ran on.
    pub shape: String,
    /// Its figures for that one launch (one plan run).
    pub stats: LdsStats,
}

/// Zero-filled operands, one GEMM run: the LDS figures of the plan's launches.
fn gemm_once<A: Element + DeviceRepr, B: Element + DeviceRepr, D: Element + DeviceRepr>(
    dev: &Device,
    spec: &GemmSpec,
    tile: Tile,
    only: Option<&str>,
) -> Result<Option<KernelLds>> {
    let plan = GemmPlan::with_options(
        dev,
        spec,
        PlanOptions {
            tile: Some(tile),
            splits: Some(1),
            ..Default::default()
        },
    )?;
    if only.is_some_and(|n| !plan.kernel().contains(n)) {
        return Ok(None);
    }
    let a = dev.alloc_zeroed::<A>(spec.a_len())?;
    let b = dev.alloc_zeroed::<B>(spec.b_len())?;
    let mut d = dev.alloc_zeroed::<D>(spec.d_len())?;
    dev.take_lds_stats()?;
    plan.run(&GemmOperands::new(&a, &b), &mut d)?;
    Ok(Some(KernelLds {
        kernel: plan.kernel().to_string(),
        shape: format!("M={} N={} K={}, TN", spec.m, spec.n, spec.k),
        stats: dev.take_lds_stats()?,
    }))
}

/// Zero-filled Q, K, V, one attention run: the LDS figures of the plan's launches.
fn attention_once<T: Element + DeviceRepr>(
    dev: &Device,
    spec: &AttentionSpec,
    only: Option<&str>,
) -> Result<Option<KernelLds>> {
    let plan = AttentionPlan::new(dev, spec)?;
    if only.is_some_and(|n| !plan.kernel().contains(n)) {
        return Ok(None);
    }
    let q = dev.alloc_zeroed::<T>(spec.q_len())?;
    let k = dev.alloc_zeroed::<T>(spec.k_len())?;
    let v = dev.alloc_zeroed::<T>(spec.v_len())?;
    let mut o = dev.alloc_zeroed::<f32>(spec.o_len())?;
    dev.take_lds_stats()?;
    plan.run(&q, &k, &v, &mut o, None)?;
    Ok(Some(KernelLds {
        kernel: plan.kernel().to_string(),
        shape: format!(
            "seqlen_q {} seqlen_k {} d{}",
            spec.seqlen_q, spec.seqlen_k, spec.head_dim
        ),
        stats: dev.take_lds_stats()?,
    }))
}

/// Runs every GEMM kernel (bf16, f16, i8 and the arch's FP8, each with the 64×128 and the 256×256 tile: M = 64 or
/// 256, N = 128 or 256, K = 256, TN layout, no split-K) and every attention kernel (forward: bf16, f16, FP8 e4m3,
/// head dims 64/128/256, 64 queries × 128 keys; split-KV decode: the same dtypes and head dims, 1 query × 256 keys),
/// one head, zero-filled inputs, on the emulator of `arch`, and returns each kernel's LDS figures. With `only`,
/// just the kernels whose name contains it.
///
/// # Errors
/// [`Error::Emulator`] when the emulator is not built for `arch`; any plan or launch error.
pub fn survey(arch: Arch, only: Option<&str>) -> Result<Vec<KernelLds>> {
    let dev = Device::emulator(arch.clone())?;
    let fp8 = if arch == Arch::Gfx942 {
        DType::F8E4M3Fnuz
    } else {
        DType::F8E4M3
    };
    let mut out = Vec::new();
    for tile in [Tile::Small, Tile::Large] {
        let (m, n) = if tile == Tile::Small { (64, 128) } else { (256, 256) };
        let k = 256;
        out.extend(gemm_once::<bf16, bf16, f32>(
            &dev,
            &GemmSpec::new(m, n, k, DType::BF16, DType::BF16, DType::F32),
            tile,
            only,
        )?);
        out.extend(gemm_once::<f16, f16, f32>(
            &dev,
            &GemmSpec::new(m, n, k, DType::F16, DType::F16, DType::F32),
            tile,
            only,
        )?);
        out.extend(gemm_once::<i8, i8, i32>(
            &dev,
            &GemmSpec::new(m, n, k, DType::I8, DType::I8, DType::I32),
            tile,
            only,
        )?);
        let spec = GemmSpec::new(m, n, k, fp8, fp8, DType::F32);
        out.extend(if arch == Arch::Gfx942 {
            gemm_once::<F8E4M3Fnuz, F8E4M3Fnuz, f32>(&dev, &spec, tile, only)?
        } else {
            gemm_once::<F8E4M3, F8E4M3, f32>(&dev, &spec, tile, only)?
        });
    }
    for (sq, sk) in [(64, 128), (1, 256)] {
        for d in [64, 128, 256] {
            for dt in [DType::BF16, DType::F16, fp8] {
                let spec = AttentionSpec::new(1, sq, sk, 1, d, dt).out_dtype(DType::F32);
                out.extend(match dt {
                    DType::BF16 => attention_once::<bf16>(&dev, &spec, only)?,
                    DType::F16 => attention_once::<f16>(&dev, &spec, only)?,
                    DType::F8E4M3Fnuz => attention_once::<F8E4M3Fnuz>(&dev, &spec, only)?,
                    _ => attention_once::<F8E4M3>(&dev, &spec, only)?,
                });
            }
        }
    }
    Ok(out)
}
