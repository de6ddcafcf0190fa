//! LDS bank-conflict statistics from the emulator reach Rust (`Device::take_lds_stats`), and the survey over the
//! real GEMM and attention kernels (`hipforge::lds::survey`) reports sites for both on both archs. The planted
//! patterns with hand-worked costs are in tests/emu/bank_conflicts.cpp (run by tests/emulator.rs); here the expected
//! figures are the ones that follow from the kernels' documented data movement, worked out in the comments.

mod common;

use hipforge::lds::{survey, KernelLds};
use hipforge::runtime::Arch;

fn find<'a>(s: &'a [KernelLds], name: &str) -> &'a KernelLds {
    s.iter().find(|k| k.kernel == name).unwrap_or_else(|| {
        panic!(
            "{name} not in the survey: {:?}",
            s.iter().map(|k| &k.kernel).collect::<Vec<_>>()
        )
    })
}

fn survey_checks(arch: Arch) {
    if common::emulator(arch.clone()).is_none() {
        return;
    }
    let s = survey(arch.clone(), None).unwrap();
    let banks = if arch == Arch::Gfx942 { 32 } else { 64 };
    // Every GEMM and attention kernel the survey promises: 8 GEMM (4 input families x 2 tiles) and 18 attention
    // (forward and decode x 3 dtypes x 3 head dims).
    assert_eq!(s.len(), 26, "{:?}", s.iter().map(|k| &k.kernel).collect::<Vec<_>>());
    for k in &s {
        let st = &k.stats;
        assert!(st.counted, "{}: counting is on", k.kernel);
        assert_eq!(st.banks, banks, "{}", k.kernel);
        assert_eq!(st.arch, arch);
        assert!(st.launches >= 1, "{}: at least the kernel's own launch", k.kernel);
        assert!(
            st.accesses > 0 && !st.sites.is_empty(),
            "{}: the kernel goes through LDS",
            k.kernel
        );
        // Each wave instruction takes at least one cycle per phase, so cycles >= accesses, and the extra cycles are
        // what the phases took beyond one each.
        assert!(
            st.cycles >= st.accesses && st.extra_cycles < st.cycles,
            "{}: {st:?}",
            k.kernel
        );
        let sum = |f: fn(&hipforge::lds::LdsSite) -> u64| st.sites.iter().map(f).sum::<u64>();
        assert_eq!(
            sum(|x| x.accesses),
            st.accesses,
            "{}: totals are the sites' sums",
            k.kernel
        );
        assert_eq!(sum(|x| x.extra_cycles), st.extra_cycles, "{}", k.kernel);
        assert!(
            st.sites.windows(2).all(|w| w[0].extra_cycles >= w[1].extra_cycles),
            "{}: worst first",
            k.kernel
        );
        for x in &st.sites {
            assert!(
                !x.location.is_empty() && [1, 2, 4, 8, 12, 16].contains(&x.bytes),
                "{}: {x:?}",
                k.kernel
            );
        }
    }
    // Named by source line when the unstripped emulator and llvm-symbolizer are there (they are wherever the
    // toolchain that built the emulator is).
    if std::env::var("HIPFORGE_REQUIRE_GPU_TOOLCHAIN").as_deref() == Ok("1") {
        let g = find(&s, "hf_gemm_bf16_bf16_256x256");
        assert!(
            g.stats
                .sites
                .iter()
                .filter(|x| !x.dma)
                .all(|x| x.location.contains(".hip:") || x.location.contains(".hpp:")),
            "{:?}",
            g.stats.sites
        );
    }
    // The LDS DMA writes of the 256x256 GEMM on gfx950 (TN, every K step inside K): each wave instruction moves
    // 64 lanes x 16 bytes = 1 KiB to consecutive LDS bytes, and all of A's and B's tiles go that way: bf16 M = N = 256,
    // K = 256: 2 x 256 x 256 x 2 B = 256 KiB = 256 instructions; FP8: 128. Consecutive 16-byte writes are 8 phases of
    // 8 lanes covering 32 distinct banks each: 8 cycles, no conflict. gfx942 has no 16-byte LDS DMA and takes the
    // register path: no DMA site at all.
    for (name, insts) in [("hf_gemm_bf16_bf16_256x256", 256u64), ("hf_gemm_fp8_fp8_256x256", 128)] {
        let g = find(&s, name);
        let dma: Vec<_> = g.stats.sites.iter().filter(|x| x.dma).collect();
        if arch == Arch::Gfx950 {
            assert_eq!(dma.iter().map(|x| x.accesses).sum::<u64>(), insts, "{name}: {dma:?}");
            assert!(dma
                .iter()
                .all(|x| x.write && x.bytes == 16 && x.extra_cycles == 0 && x.cycles == 8 * x.accesses));
            assert!(dma.iter().all(|x| x.location.contains("memory.hpp:")), "{dma:?}");
        } else {
            assert!(dma.is_empty(), "{name}: {dma:?}");
        }
    }
    // The survey took the stats after its last launch, and nothing else in this binary launches on this arch: a take
    // now covers no launch and has no site.
    let after = hipforge::runtime::Device::emulator(arch.clone())
        .unwrap()
        .take_lds_stats()
        .unwrap();
    assert_eq!(
        (after.launches, after.accesses, after.sites.len()),
        (0, 0, 0),
        "{after:?}"
    );
    // Attention forward and decode report sites too.
    for name in ["hf_attn_fwd_bf16_d128", "hf_attn_decode_bf16_d128"] {
        assert!(!find(&s, name).stats.sites.is_empty(), "{name}");
    }
}

#[test]
fn survey_gfx942() {
    survey_checks(Arch::Gfx942);
}

#[test]
fn survey_gfx950() {
    survey_checks(Arch::Gfx950);
}
