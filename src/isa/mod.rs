//! ISA report: what the real compiler produced for each kernel and arch.
//!
//! Everything here comes from the code objects embedded in the crate ([`crate::kernels::code_object`]):
//! register and memory resources from the ELF's AMDGPU metadata note (parsed in Rust, no LLVM tools needed at run
//! time), and the matrix-instruction histogram and main-loop size that `build.rs` read from `llvm-objdump -d`
//! ([`crate::kernels::GPU_DISASM`]; the heuristic is documented in [`disasm`]).
//!
//! # Occupancy (modeled, waves per SIMD)
//!
//! For gfx942 and gfx950 (CDNA3/CDNA4, wave64, 4 SIMDs per CU, at most 8 waves per SIMD):
//!
//! - **Registers.** VGPRs and AGPRs share one file of 512 registers per lane per SIMD. The metadata's `.vgpr_count`
//!   is already the unified count (arch VGPRs rounded up to 4, then the AGPRs); it is allocated in granules of 8.
//!   `waves = min(8, floor(512 / roundup(vgpr_count, 8)))`.
//! - **SGPRs.** `.sgpr_count` (which includes VCC and the other reserved SGPRs) against 800 SGPRs per SIMD, with the
//!   allocation steps LLVM uses for GFX9: ≤ 80 → 10, ≤ 88 → 9, ≤ 100 → 8, ≤ 112 → 7, ≤ 128 → 6, ≤ 144 → 5,
//!   ≤ 168 → 4, ≤ 200 → 3, ≤ 256 → 2, else 1 (then capped at 8).
//! - **LDS.** Static LDS (`.group_segment_fixed_size`) plus the dynamic LDS the kernel declares with
//!   `HF_DYNAMIC_LDS` (a constant `hf_dynamic_lds__<kernel>` in the code object), rounded up to 512-byte granules,
//!   against the CU's LDS:
//!   64 KiB on gfx942, 160 KiB on gfx950. `blocks = floor(lds_per_cu / lds)`; each block has
//!   `ceil(max_flat_workgroup_size / 64)` waves, spread over 4 SIMDs: `waves = min(8, ceil(blocks · waves_per_block / 4))`.
//!   The block size is the `__launch_bounds__` maximum (the launch may use fewer threads). Code-object metadata
//!   does not record dynamic LDS (`HIP_DYNAMIC_SHARED`); the declaration is what makes it visible, and the ISA gate
//!   rejects a kernel that executes LDS instructions with no LDS at all (static or declared).
//!
//! The occupancy is the minimum of the three. It is a model of the hardware's allocation rules, not a measurement.
//! gfx1250 (wave32, different register file) is not modeled: its occupancy is `None`.

pub mod anchors;
pub mod disasm;
pub mod elf;
pub mod loops;
pub mod model;

use crate::error::{Error, Result};
use crate::kernels;

/// Register and memory resources of one kernel, from the code object's metadata note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resources {
    /// The kernel's symbol (`.name`).
    pub kernel: String,
    /// Unified VGPR count (`.vgpr_count`): architectural VGPRs (rounded up to 4 when AGPRs are used) plus AGPRs.
    pub vgpr_total: u32,
    /// Accumulation registers (`.agpr_count`).
    pub agprs: u32,
    /// Scalar registers, including VCC and other reserved ones (`.sgpr_count`).
    pub sgprs: u32,
    /// Static LDS per block in bytes (`.group_segment_fixed_size`).
    pub lds_bytes: u32,
    /// Dynamic LDS per block in bytes, as the kernel declares it with `HF_DYNAMIC_LDS`; `None` when it declares none.
    pub dynamic_lds_bytes: Option<u32>,
    /// Scratch (private segment) bytes per lane (`.private_segment_fixed_size`).
    pub scratch_bytes: u32,
    /// Whether the kernel needs a dynamically sized stack (`.uses_dynamic_stack`): scratch of unknown size.
    pub uses_dynamic_stack: bool,
    /// VGPRs spilled to scratch (`.vgpr_spill_count`).
    pub vgpr_spills: u32,
    /// SGPRs spilled (`.sgpr_spill_count`).
    pub sgpr_spills: u32,
    /// Largest block the kernel was compiled for (`.max_flat_workgroup_size`, from `__launch_bounds__`).
    pub max_block_threads: u32,
    /// Lanes per wave (`.wavefront_size`).
    pub wavefront_size: u32,
    /// Size of the kernel argument segment (`.kernarg_segment_size`): the params struct and the hidden arguments.
    pub kernarg_bytes: u32,
}

impl Resources {
    /// Architectural VGPRs: the unified count minus the AGPRs.
    pub fn vgprs(&self) -> u32 {
        self.vgpr_total.saturating_sub(self.agprs)
    }

    /// Static plus declared dynamic LDS per block: what one block of the kernel occupies.
    pub fn lds_total(&self) -> u32 {
        self.lds_bytes.saturating_add(self.dynamic_lds_bytes.unwrap_or(0))
    }
}

/// Reads every kernel's resources from an AMDGPU code object (ELF64 with an `NT_AMDGPU_METADATA` note).
pub fn read_resources(code_object: &[u8]) -> Result<Vec<Resources>> {
    let meta = elf::msgpack(elf::metadata_note(code_object)?)?;
    let Some(elf::Value::Array(list)) = meta.get("amdhsa.kernels") else {
        return Err(Error::invalid(
            "code object metadata",
            "an amdhsa.kernels array",
            "none",
        ));
    };
    let mut out = list.iter().map(resources_of).collect::<Result<Vec<_>>>()?;
    for r in &mut out {
        r.dynamic_lds_bytes = read_dynamic_lds(code_object, &r.kernel)?;
    }
    Ok(out)
}

/// The dynamic LDS `kernel` declares with `HF_DYNAMIC_LDS` in the crate's code object for `arch`: `Ok(None)` when it
/// declares none, `KernelNotBuilt` when that code object is not in this build.
pub fn declared_dynamic_lds(arch: &str, kernel: &str) -> Result<Option<u32>> {
    let co = kernels::code_object(arch, kernel).ok_or_else(|| Error::KernelNotBuilt {
        kernel: kernel.to_string(),
        arch: arch.to_string(),
        reason: format!("no code object (GPU archs built: {:?})", kernels::GPU_ARCHS),
    })?;
    read_dynamic_lds(co, kernel)
}

/// The dynamic LDS `kernel` declares with `HF_DYNAMIC_LDS` in `code_object` (the 4-byte constant
/// `hf_dynamic_lds__<kernel>`), or `None` when it declares none.
pub fn read_dynamic_lds(code_object: &[u8], kernel: &str) -> Result<Option<u32>> {
    let sym = format!("hf_dynamic_lds__{kernel}");
    match elf::symbol_data(code_object, &sym)? {
        None => Ok(None),
        Some(b) if b.len() == 4 => Ok(Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))),
        Some(b) => Err(Error::invalid(
            "code object",
            format!("{sym} to be a 4-byte constant"),
            format!("{} bytes", b.len()),
        )),
    }
}

/// The arch a code object was built for (`amdhsa.target`, e.g. `"amdgcn-amd-amdhsa--gfx950"` → `"gfx950"`; without
/// one, the ELF header's `EF_AMDGPU_MACH`).
pub fn read_target(code_object: &[u8]) -> Result<String> {
    let meta = elf::msgpack(elf::metadata_note(code_object)?)?;
    let Some(t) = meta.get("amdhsa.target").and_then(elf::Value::as_str) else {
        // Hand-written assembly code objects may omit it; the ELF header's machine flags still say.
        return elf::arch_from_flags(code_object).map(str::to_string).ok_or_else(|| {
            Error::invalid(
                "code object metadata",
                "an amdhsa.target string, or a gfx942/gfx950 EF_AMDGPU_MACH in the ELF flags",
                "neither",
            )
        });
    };
    let proc_ = t.rsplit('-').next().unwrap_or(t);
    Ok(proc_.split(':').next().unwrap_or(proc_).to_string())
}

fn resources_of(k: &elf::Value) -> Result<Resources> {
    let name = k.get(".name").and_then(elf::Value::as_str).unwrap_or("").to_string();
    let int = |key: &str| -> Result<u32> {
        let v = k.get(key).and_then(elf::Value::as_int).ok_or_else(|| {
            Error::invalid(
                "code object metadata",
                format!("an integer {key} for kernel {name}"),
                "none",
            )
        })?;
        u32::try_from(v).map_err(|_| Error::invalid("code object metadata", format!("{key} in u32 range"), v))
    };
    let opt = |key: &str| {
        k.get(key)
            .and_then(elf::Value::as_int)
            .unwrap_or(0)
            .clamp(0, u32::MAX as i64) as u32
    };
    Ok(Resources {
        vgpr_total: int(".vgpr_count")?,
        agprs: opt(".agpr_count"),
        sgprs: int(".sgpr_count")?,
        lds_bytes: int(".group_segment_fixed_size")?,
        dynamic_lds_bytes: None,
        scratch_bytes: int(".private_segment_fixed_size")?,
        uses_dynamic_stack: opt(".uses_dynamic_stack") != 0,
        vgpr_spills: opt(".vgpr_spill_count"),
        sgpr_spills: opt(".sgpr_spill_count"),
        max_block_threads: int(".max_flat_workgroup_size")?,
        wavefront_size: int(".wavefront_size")?,
        kernarg_bytes: opt(".kernarg_segment_size"),
        kernel: name,
    })
}

/// The per-CU limits the occupancy model uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArchLimits {
    /// `"gfx942"`, `"gfx950"`.
    pub arch: &'static str,
    /// LDS per CU in bytes.
    pub lds_per_cu: u32,
    /// Unified VGPR+AGPR registers per lane per SIMD.
    pub vgprs_per_simd_lane: u32,
    /// VGPR allocation granule.
    pub vgpr_granule: u32,
    /// Hardware cap on waves per SIMD.
    pub max_waves_per_simd: u32,
    /// SIMDs per CU.
    pub simds_per_cu: u32,
}

/// Limits of the archs whose occupancy is modeled (gfx942, gfx950); `None` for others.
pub fn arch_limits(arch: &str) -> Option<ArchLimits> {
    let lds_per_cu = match arch {
        "gfx942" => 64 * 1024,
        "gfx950" => 160 * 1024,
        _ => return None,
    };
    Some(ArchLimits {
        arch: if arch == "gfx942" { "gfx942" } else { "gfx950" },
        lds_per_cu,
        vgprs_per_simd_lane: 512,
        vgpr_granule: 8,
        max_waves_per_simd: 8,
        simds_per_cu: 4,
    })
}

/// Modeled occupancy in waves per SIMD, and what limits it (see the module docs for the formulas).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occupancy {
    /// `min(by_vgprs, by_sgprs, by_lds)`.
    pub waves_per_simd: u32,
    /// Limit from the unified VGPR+AGPR count.
    pub by_vgprs: u32,
    /// Limit from the SGPR count.
    pub by_sgprs: u32,
    /// Limit from static LDS and the block size.
    pub by_lds: u32,
}

impl Occupancy {
    /// Which resource sets the occupancy: `"vgprs"`, `"sgprs"`, `"lds"`, or `"waves"` (the hardware cap).
    pub fn limiter(&self, limits: &ArchLimits) -> &'static str {
        if self.waves_per_simd >= limits.max_waves_per_simd {
            "waves"
        } else if self.by_vgprs == self.waves_per_simd {
            "vgprs"
        } else if self.by_lds == self.waves_per_simd {
            "lds"
        } else {
            "sgprs"
        }
    }
}

/// Models the occupancy of a kernel with resources `r` on `limits`' arch.
pub fn occupancy(r: &Resources, limits: &ArchLimits) -> Occupancy {
    let cap = limits.max_waves_per_simd;
    let alloc = r.vgpr_total.max(1).div_ceil(limits.vgpr_granule) * limits.vgpr_granule;
    let by_vgprs = (limits.vgprs_per_simd_lane / alloc).min(cap);
    let by_sgprs = match r.sgprs {
        0..=80 => 10,
        81..=88 => 9,
        89..=100 => 8,
        101..=112 => 7,
        113..=128 => 6,
        129..=144 => 5,
        145..=168 => 4,
        169..=200 => 3,
        201..=256 => 2,
        _ => 1,
    }
    .min(cap);
    let by_lds = if r.lds_total() == 0 {
        cap
    } else {
        let lds = r.lds_total().div_ceil(512) * 512;
        let blocks = limits.lds_per_cu / lds;
        let waves_per_block = r.max_block_threads.max(1).div_ceil(r.wavefront_size.max(1));
        (blocks * waves_per_block).div_ceil(limits.simds_per_cu).min(cap)
    };
    Occupancy {
        waves_per_simd: by_vgprs.min(by_sgprs).min(by_lds),
        by_vgprs,
        by_sgprs,
        by_lds,
    }
}

/// Everything the report says about one kernel on one arch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KernelReport {
    /// The kernel's symbol.
    pub kernel: String,
    /// The arch of the code object.
    pub arch: String,
    /// Resources from the metadata note.
    pub resources: Resources,
    /// Modeled occupancy; `None` for archs that are not modeled (gfx1250).
    pub occupancy: Option<Occupancy>,
    /// `(mnemonic, count)` of every MFMA/WMMA instruction; empty when the build had no disassembler.
    pub matrix_ops: Vec<(String, u32)>,
    /// Instructions in the kernel; `None` when the build had no disassembler.
    pub instructions: Option<u32>,
    /// Instructions in the main loop ([`disasm`] documents the heuristic); `None` without a loop or disassembler.
    pub main_loop_instructions: Option<u32>,
    /// `(prefix A, prefix B, alternations)`: the interleave metric ([`disasm`]) for every pair some kernel declares
    /// with `HF_ISA_INTERLEAVE`; empty without a disassembler.
    pub interleave: Vec<(String, String, u32)>,
}

/// The report for `kernel` on `arch`, from the embedded code object.
///
/// Errors: [`Error::KernelNotBuilt`] when the crate has no code object for them (unknown kernel, arch not built, or
/// no compiler at build time — the reason says which).
pub fn report(arch: &str, kernel: &str) -> Result<KernelReport> {
    let not_built = |reason: String| Error::KernelNotBuilt {
        kernel: kernel.to_string(),
        arch: arch.to_string(),
        reason,
    };
    if kernels::find(kernel).is_none() {
        return Err(not_built("no such kernel in kernels/ (KERNELS)".into()));
    }
    let co = kernels::code_object(arch, kernel).ok_or_else(|| {
        if kernels::GPU_ARCHS.contains(&arch) {
            let why = kernels::GPU_BUILD_ERRORS
                .iter()
                .find(|(a, s, _)| *a == arch && Some(*s) == kernels::find(kernel).map(|k| k.source))
                .map(|(_, _, m)| {
                    let first_error = m.lines().find(|l| l.contains("error")).or_else(|| m.lines().next());
                    format!("its source failed to compile: {}", first_error.unwrap_or("").trim())
                })
                .unwrap_or_else(|| "its source was not compiled".into());
            not_built(why)
        } else if kernels::GPU_ARCHS.is_empty() {
            not_built(kernels::GPU_BUILD_NOTE.to_string())
        } else {
            not_built(format!(
                "HIPFORGE_ARCHS at build time was {:?}",
                kernels::GPU_ARCHS.join(";")
            ))
        }
    })?;
    let resources = read_resources(co)?
        .into_iter()
        .find(|r| r.kernel == kernel)
        .ok_or_else(|| not_built("the code object of its source has no such kernel in its metadata".into()))?;
    Ok(assemble(arch, resources))
}

fn assemble(arch: &str, resources: Resources) -> KernelReport {
    let facts = kernels::GPU_DISASM
        .iter()
        .find(|d| d.arch == arch && d.kernel == resources.kernel);
    KernelReport {
        kernel: resources.kernel.clone(),
        arch: arch.to_string(),
        occupancy: arch_limits(arch).map(|l| occupancy(&resources, &l)),
        matrix_ops: facts
            .map(|f| f.matrix_ops.iter().map(|(m, n)| (m.to_string(), *n)).collect())
            .unwrap_or_default(),
        instructions: facts.map(|f| f.instructions),
        main_loop_instructions: facts.and_then(|f| f.main_loop_instructions),
        interleave: facts
            .map(|f| {
                f.interleave
                    .iter()
                    .map(|(a, b, n)| (a.to_string(), b.to_string(), *n))
                    .collect()
            })
            .unwrap_or_default(),
        resources,
    }
}

/// Reports for every kernel in [`kernels::KERNELS`] on every arch in [`kernels::GPU_ARCHS`], in table order;
/// a pair that cannot be reported is an `Err` in its place.
pub fn report_all() -> Vec<Result<KernelReport>> {
    let mut out = Vec::new();
    for k in kernels::KERNELS {
        for arch in kernels::GPU_ARCHS {
            out.push(report(arch, k.name));
        }
    }
    out
}

impl KernelReport {
    /// One JSON object with plainly named fields (no external JSON crate: the fields are numbers, strings, a map).
    pub fn to_json(&self) -> String {
        let r = &self.resources;
        let opt = |v: Option<u32>| v.map_or("null".to_string(), |x| x.to_string());
        let limits = arch_limits(&self.arch);
        let (occ, limiter) = match (self.occupancy, limits) {
            (Some(o), Some(l)) => (o.waves_per_simd.to_string(), format!("\"{}\"", o.limiter(&l))),
            _ => ("null".to_string(), "null".to_string()),
        };
        let hist: Vec<String> = self
            .matrix_ops
            .iter()
            .map(|(m, n)| format!("{}: {n}", json_str(m)))
            .collect();
        let il: Vec<String> = self
            .interleave
            .iter()
            .map(|(a, b, n)| {
                format!(
                    "{{\"a\": {}, \"b\": {}, \"alternations\": {n}}}",
                    json_str(a),
                    json_str(b)
                )
            })
            .collect();
        format!(
            "{{\"kernel\": {}, \"arch\": {}, \"vgprs\": {}, \"agprs\": {}, \"vgprs_plus_agprs\": {}, \"sgprs\": {}, \
             \"lds_bytes\": {}, \"dynamic_lds_bytes\": {}, \"scratch_bytes\": {}, \"uses_dynamic_stack\": {}, \"vgpr_spills\": {}, \
             \"sgpr_spills\": {}, \"max_block_threads\": {}, \"wavefront_size\": {}, \
             \"occupancy_waves_per_simd\": {occ}, \"occupancy_limited_by\": {limiter}, \"matrix_instructions\": {{{}}}, \
             \"instructions\": {}, \"main_loop_instructions\": {}, \"interleave\": [{}]}}",
            json_str(&self.kernel),
            json_str(&self.arch),
            r.vgprs(),
            r.agprs,
            r.vgpr_total,
            r.sgprs,
            r.lds_bytes,
            opt(r.dynamic_lds_bytes),
            r.scratch_bytes,
            r.uses_dynamic_stack,
            r.vgpr_spills,
            r.sgpr_spills,
            r.max_block_threads,
            r.wavefront_size,
            hist.join(", "),
            opt(self.instructions),
            opt(self.main_loop_instructions),
            il.join(", "),
        )
    }
}

/// `s` as a JSON string literal (quotes, backslashes and control characters escaped).
pub fn json_str(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\u{:04x}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// The ISA gate's rules for one kernel on one arch: scratch 0 (and no dynamic stack), VGPR+AGPR ≤ 512, LDS within
/// the CU's LDS (64 KiB gfx942, 160 KiB gfx950), and every expected mnemonic present. `mnemonics` is the kernel's
/// instruction histogram; `expect` the `(arch, mnemonic)` pairs declared with `HF_ISA_EXPECT` (pairs for other archs
/// are ignored). Returns one line per violated rule; empty means the kernel passes.
pub fn gate_violations(arch: &str, r: &Resources, mnemonics: &[(&str, u32)], expect: &[(&str, &str)]) -> Vec<String> {
    let mut v = Vec::new();
    let who = format!("{} on {arch}", r.kernel);
    if r.scratch_bytes != 0 {
        v.push(format!(
            "{who}: uses {} bytes of scratch per lane (expected 0; {} VGPRs and {} SGPRs spilled)",
            r.scratch_bytes, r.vgpr_spills, r.sgpr_spills
        ));
    }
    if r.uses_dynamic_stack {
        v.push(format!("{who}: needs a dynamic stack (expected none)"));
    }
    if let Some(l) = arch_limits(arch) {
        if r.vgpr_total > l.vgprs_per_simd_lane {
            v.push(format!(
                "{who}: VGPR+AGPR = {} (expected <= {})",
                r.vgpr_total, l.vgprs_per_simd_lane
            ));
        }
        if r.lds_total() > l.lds_per_cu {
            v.push(format!(
                "{who}: {} bytes of LDS ({} static + {} declared dynamic; expected <= {} on {arch})",
                r.lds_total(),
                r.lds_bytes,
                r.dynamic_lds_bytes.unwrap_or(0),
                l.lds_per_cu
            ));
        }
    }
    if r.lds_total() == 0 {
        if let Some((m, _)) = mnemonics.iter().find(|(m, n)| *n > 0 && touches_lds(m)) {
            v.push(format!(
                "{who}: executes {m} but has no LDS: no static LDS and no HF_DYNAMIC_LDS declaration (expected the \
                 kernel's dynamic LDS declared, so the gate and the launch know it)"
            ));
        }
    }
    for (a, m) in expect.iter().filter(|(a, _)| *a == arch) {
        if !mnemonics.iter().any(|(have, n)| have == m && *n > 0) {
            v.push(format!(
                "{who}: expected instruction {m} ({a}, HF_ISA_EXPECT) is not in the code"
            ));
        }
    }
    v
}

/// Whether an instruction reads or writes LDS memory: the `ds_` family except the cross-lane ops that only use the
/// LDS crossbar (`ds_swizzle`, `ds_permute`, `ds_bpermute`, `ds_consume`/`ds_append` counters, `ds_nop`).
fn touches_lds(mnemonic: &str) -> bool {
    mnemonic.starts_with("ds_")
        && ![
            "ds_swizzle",
            "ds_permute",
            "ds_bpermute",
            "ds_nop",
            "ds_consume",
            "ds_append",
        ]
        .iter()
        .any(|p| mnemonic.starts_with(p))
}

/// The ISA gate's interleave rule for one kernel on one arch: for every `(arch, A, B, minimum)` declared with
/// `HF_ISA_INTERLEAVE` (`declared`; other archs are ignored), the measured metric (`measured`: `(A, B, alternations)`,
/// see [`disasm`]) must reach the minimum. A pair with no measurement is a violation too. Returns one line per
/// violation; empty means the kernel passes.
pub fn interleave_violations(
    arch: &str,
    kernel: &str,
    measured: &[(&str, &str, u32)],
    declared: &[(&str, &str, &str, u32)],
) -> Vec<String> {
    let mut v = Vec::new();
    for (_, a, b, min) in declared.iter().filter(|(d, ..)| *d == arch) {
        match measured.iter().find(|(ma, mb, _)| ma == a && mb == b) {
            Some((_, _, n)) if n >= min => {}
            Some((_, _, n)) => v.push(format!(
                "{kernel} on {arch}: {a}* and {b}* alternate {n} times in the best basic block of a loop (expected >= \
                 {min}, HF_ISA_INTERLEAVE): the scheduler did not interleave them"
            )),
            None => v.push(format!(
                "{kernel} on {arch}: no interleave measurement for {a}*/{b}* (HF_ISA_INTERLEAVE; was the disassembly read?)"
            )),
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(vgpr_total: u32, agprs: u32, sgprs: u32, lds: u32, threads: u32) -> Resources {
        Resources {
            kernel: "k".into(),
            vgpr_total,
            agprs,
            sgprs,
            lds_bytes: lds,
            dynamic_lds_bytes: None,
            scratch_bytes: 0,
            uses_dynamic_stack: false,
            vgpr_spills: 0,
            sgpr_spills: 0,
            max_block_threads: threads,
            wavefront_size: 64,
            kernarg_bytes: 0,
        }
    }

    #[test]
    fn occupancy_follows_the_unified_register_file() {
        let l = arch_limits("gfx942").unwrap();
        // 65 unified registers allocate 72: floor(512 / 72) = 7 (what LLVM prints as "Occupancy: 7" for it).
        assert_eq!(occupancy(&res(65, 41, 8, 0, 256), &l).waves_per_simd, 7);
        assert_eq!(occupancy(&res(128, 0, 30, 0, 256), &l).by_vgprs, 4);
        assert_eq!(occupancy(&res(256, 128, 30, 0, 256), &l).waves_per_simd, 2);
        assert_eq!(occupancy(&res(512, 256, 30, 0, 256), &l).waves_per_simd, 1);
        assert_eq!(occupancy(&res(16, 0, 30, 0, 256), &l).waves_per_simd, 8);
        assert_eq!(occupancy(&res(16, 0, 106, 0, 256), &l).by_sgprs, 7);
    }

    #[test]
    fn occupancy_counts_lds_per_cu() {
        // 32 KiB per 256-thread block: gfx942 fits 2 blocks = 8 waves over 4 SIMDs = 2 per SIMD; gfx950 fits 5 -> 5.
        let r = res(16, 0, 20, 32 * 1024, 256);
        let o942 = occupancy(&r, &arch_limits("gfx942").unwrap());
        assert_eq!((o942.by_lds, o942.waves_per_simd), (2, 2));
        assert_eq!(o942.limiter(&arch_limits("gfx942").unwrap()), "lds");
        assert_eq!(occupancy(&r, &arch_limits("gfx950").unwrap()).by_lds, 5);
        assert!(arch_limits("gfx1250").is_none());
    }

    #[test]
    fn declared_dynamic_lds_counts_in_the_gate_and_the_occupancy() {
        // 128 KiB declared on top of 0 static: one 512-thread block per CU on gfx950 (8 waves / 4 SIMDs = 2).
        let mut r = res(100, 0, 20, 0, 512);
        r.dynamic_lds_bytes = Some(128 * 1024);
        let l950 = arch_limits("gfx950").unwrap();
        assert_eq!(occupancy(&r, &l950).by_lds, 2);
        assert!(gate_violations("gfx950", &r, &[("ds_read_b128", 4)], &[]).is_empty());
        // The same kernel does not fit gfx942's 64 KiB.
        let v = gate_violations("gfx942", &r, &[("ds_read_b128", 4)], &[]);
        assert!(v.len() == 1 && v[0].contains("131072 bytes of LDS"), "{v:?}");
        // LDS instructions with no LDS at all: an undeclared dynamic allocation.
        r.dynamic_lds_bytes = None;
        let v = gate_violations("gfx950", &r, &[("v_add_f32", 3), ("ds_write_b128", 2)], &[]);
        assert!(v.len() == 1 && v[0].contains("HF_DYNAMIC_LDS"), "{v:?}");
        // Cross-lane ops that only use the LDS crossbar need no LDS.
        assert!(gate_violations("gfx950", &r, &[("ds_bpermute_b32", 2), ("ds_swizzle_b32", 1)], &[]).is_empty());
    }

    #[test]
    fn gate_rejects_each_rule_it_states() {
        let ok = res(100, 0, 20, 64 * 1024, 256);
        assert!(gate_violations("gfx942", &ok, &[("v_mfma_x", 1)], &[("gfx942", "v_mfma_x")]).is_empty());
        let lds = gate_violations("gfx942", &res(100, 0, 20, 64 * 1024 + 4, 256), &[], &[]);
        assert!(lds.len() == 1 && lds[0].contains("LDS"), "{lds:?}");
        assert!(gate_violations("gfx950", &res(100, 0, 20, 100 * 1024, 256), &[], &[]).is_empty());
        let regs = gate_violations("gfx950", &res(520, 300, 20, 0, 256), &[], &[]);
        assert!(regs.len() == 1 && regs[0].contains("VGPR+AGPR"), "{regs:?}");
        let mut scratch = res(100, 0, 20, 0, 256);
        scratch.scratch_bytes = 16;
        assert!(gate_violations("gfx942", &scratch, &[], &[])[0].contains("scratch"));
        let missing = gate_violations(
            "gfx950",
            &ok,
            &[("v_add_f32", 3)],
            &[("gfx950", "v_mfma_x"), ("gfx942", "v_y")],
        );
        assert!(missing.len() == 1 && missing[0].contains("v_mfma_x"), "{missing:?}");
    }

    #[test]
    fn msgpack_decodes_the_types_metadata_uses() {
        // {"a": 300, "b": [-1, true, "xy"], "c": 1.5f64}
        let bytes = [
            0x83, 0xa1, b'a', 0xcd, 0x01, 0x2c, 0xa1, b'b', 0x93, 0xff, 0xc3, 0xa2, b'x', b'y', 0xa1, b'c', 0xcb, 0x3f,
            0xf8, 0, 0, 0, 0, 0, 0,
        ];
        let v = elf::msgpack(&bytes).unwrap();
        assert_eq!(v.get("a").and_then(elf::Value::as_int), Some(300));
        assert_eq!(
            v.get("b"),
            Some(&elf::Value::Array(vec![
                elf::Value::Int(-1),
                elf::Value::Bool(true),
                elf::Value::Str("xy".into())
            ]))
        );
        assert_eq!(v.get("c"), Some(&elf::Value::Float(1.5)));
        assert!(elf::msgpack(&bytes[..5]).is_err(), "truncated input must be an error");
        assert!(
            elf::msgpack(&[0xdd, 0xff, 0xff, 0xff, 0xff]).is_err(),
            "absurd counts must be an error"
        );
        assert!(read_resources(b"not an elf").is_err());
    }

    #[test]
    fn disasm_finds_the_innermost_loop_with_matrix_work() {
        let text = "\
0000000000001000 <k>:
\ts_mov_b32 s0, 0                                          // 000000001000: 00000000
\tv_mov_b32_e32 v1, 0                                      // 000000001004: 00000000
\tv_add_f32_e32 v1, v1, v1                                 // 000000001008: 00000000
\ts_cbranch_scc0 65534                                     // 00000000100C: 00000000 <k+0x8>
\tv_mfma_f32_16x16x32_bf16 v[0:3], v[4:7], v[8:11], v[0:3] // 000000001010: 00000000 00000000
\tv_mfma_f32_16x16x32_bf16 v[0:3], v[4:7], v[8:11], v[0:3] // 000000001018: 00000000 00000000
\ts_cbranch_vccnz 65532                                    // 000000001020: 00000000 <k+0x10>
\ts_branch 65526                                           // 000000001024: 00000000 <k+0x4>
\ts_endpgm                                                 // 000000001028: 00000000
\ts_nop 0                                                  // 00000000102C: 00000000
";
        let f = disasm::analyze(text);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].name, "k");
        assert_eq!(f[0].instructions, 9, "padding after s_endpgm is not counted");
        // Innermost regions: [0x1008, 0x100C] (2, no MFMA) and [0x1010, 0x1020] (3, two MFMA): the MFMA one wins.
        assert_eq!(f[0].main_loop_instructions, Some(3));
        assert_eq!(f[0].matrix_ops, vec![("v_mfma_f32_16x16x32_bf16".to_string(), 2)]);
    }

    #[test]
    fn interleave_metric_counts_alternations_in_one_loop_block() {
        assert_eq!(
            disasm::alternations(
                &["v_mfma_a", "v_mfma_a", "v_exp_f32", "v_add", "v_mfma_b"],
                "v_mfma",
                "v_exp"
            ),
            2
        );
        assert_eq!(disasm::alternations(&["v_mov", "v_add"], "v_mfma", "v_exp"), 0);
        // Loop 1 [0x1010, 0x1038]: M M E M E M in one block = 4. Loop 2 [0x103C, 0x1054] is cut by the branch target
        // 0x1048 into [M E] and [M E]: 1 each; the lone branch at 0x1058 closes a third region. The E M E before
        // the first loop is in no loop: not counted.
        let text = "\
0000000000001000 <k>:
\tv_exp_f32_e32 v1, v1                                     // 000000001000: 00000000
\tv_mfma_f32_16x16x16_bf16 v[0:3], v[4:5], v[6:7], v[0:3] // 000000001004: 00000000 00000000
\tv_exp_f32_e32 v1, v1                                     // 00000000100C: 00000000
\tv_mfma_f32_16x16x16_bf16 v[0:3], v[4:5], v[6:7], v[0:3] // 000000001010: 00000000 00000000
\tv_mfma_f32_16x16x16_bf16 v[0:3], v[4:5], v[6:7], v[0:3] // 000000001018: 00000000 00000000
\tv_exp_f32_e32 v1, v1                                     // 000000001020: 00000000
\tv_mfma_f32_16x16x16_bf16 v[0:3], v[4:5], v[6:7], v[0:3] // 000000001024: 00000000 00000000
\tv_exp_f32_e32 v1, v1                                     // 00000000102C: 00000000
\tv_mfma_f32_16x16x16_bf16 v[0:3], v[4:5], v[6:7], v[0:3] // 000000001030: 00000000 00000000
\ts_cbranch_scc1 65525                                     // 000000001038: 00000000 <k+0x10>
\tv_mfma_f32_16x16x16_bf16 v[0:3], v[4:5], v[6:7], v[0:3] // 00000000103C: 00000000 00000000
\tv_exp_f32_e32 v1, v1                                     // 000000001044: 00000000
\tv_mfma_f32_16x16x16_bf16 v[0:3], v[4:5], v[6:7], v[0:3] // 000000001048: 00000000 00000000
\tv_exp_f32_e32 v1, v1                                     // 000000001050: 00000000
\ts_cbranch_vccnz 65529                                    // 000000001054: 00000000 <k+0x3c>
\ts_cbranch_execz 65531                                    // 000000001058: 00000000 <k+0x48>
\ts_endpgm                                                 // 00000000105C: 00000000
";
        let f = disasm::analyze(text);
        assert_eq!(f[0].max_alternations("v_mfma", "v_exp_f32"), 4);
        assert_eq!(f[0].loop_blocks.len(), 4, "{:?}", f[0].loop_blocks);
        let measured = [("v_mfma", "v_exp_f32", 4)];
        assert!(interleave_violations("gfx950", "k", &measured, &[("gfx950", "v_mfma", "v_exp_f32", 4)]).is_empty());
        let low = interleave_violations("gfx950", "k", &measured, &[("gfx950", "v_mfma", "v_exp_f32", 5)]);
        assert!(low.len() == 1 && low[0].contains("alternate 4 times"), "{low:?}");
        assert!(interleave_violations("gfx942", "k", &measured, &[("gfx950", "v_mfma", "v_exp_f32", 50)]).is_empty());
        let unmeasured = interleave_violations("gfx950", "k", &[], &[("gfx950", "v_mfma", "v_exp_f32", 1)]);
        assert!(
            unmeasured.len() == 1 && unmeasured[0].contains("no interleave measurement"),
            "{unmeasured:?}"
        );
    }

    #[test]
    fn disasm_counts_an_lds_dma_load_apart_from_the_register_load() {
        // llvm-objdump-22's gfx950 spelling of both (the `lds` modifier makes the load write LDS, not v1).
        let text = "\
0000000000001000 <k>:
\tbuffer_load_dwordx4 v[0:3], v1, s[0:3], 0 offen           // 000000001000: 00000000 00000000
\tbuffer_load_dwordx4 v1, s[0:3], 0 offen offset:1024 lds   // 000000001008: 00000000 00000000
\tbuffer_load_dwordx4 v2, s[0:3], 0 offen lds               // 000000001010: 00000000 00000000
\ts_endpgm                                                 // 000000001018: 00000000
";
        let f = disasm::analyze(text);
        let count = |m: &str| f[0].mnemonics.iter().find(|(n, _)| n == m).map(|(_, c)| *c);
        assert_eq!(count("buffer_load_dwordx4"), Some(1));
        assert_eq!(count("buffer_load_dwordx4 lds"), Some(2));
        let mn: Vec<(&str, u32)> = f[0].mnemonics.iter().map(|(m, n)| (m.as_str(), *n)).collect();
        let r = res(64, 0, 16, 0, 256);
        assert!(gate_violations("gfx950", &r, &mn, &[("gfx950", "buffer_load_dwordx4 lds")]).is_empty());
        let without: Vec<(&str, u32)> = mn.iter().filter(|(m, _)| !m.ends_with(" lds")).copied().collect();
        assert_eq!(
            gate_violations("gfx950", &r, &without, &[("gfx950", "buffer_load_dwordx4 lds")]).len(),
            1
        );
    }
}
