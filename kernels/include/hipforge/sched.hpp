// hipforge/sched.hpp — named scheduling primitives: waits on the memory counters, wave priority, and the compiler's
// scheduling barriers. Kernels say `wait_lds<0>()` instead of writing raw `s_waitcnt` encodings.
//
// On the emulator the scheduling hints are no-ops (a fiber has no instruction schedule) and memory is sequentially
// consistent, with one exception the waits do model: buffer->LDS loads (LDS DMA) land only when vmcnt lets them
// (device_emu.hpp, kernels/emu/lds_dma.cpp), so the emulator gets the real s_waitcnt encoding.
#pragma once

#include "hipforge/device.hpp"

namespace hf {

#if defined(__GFX9__) || defined(HIPFORGE_EMULATOR)
namespace sched_detail {
// GFX9 s_waitcnt immediate: vmcnt in bits [3:0] and [15:14], expcnt [6:4], lgkmcnt [11:8]. A field at its maximum
// means "do not wait on this counter".
constexpr int kVmMax = 63, kExpMax = 7, kLgkmMax = 15;
constexpr int waitcnt_imm(int vm, int exp, int lgkm) {
  return (vm & 0xF) | ((vm >> 4) << 14) | (exp << 4) | (lgkm << 8);
}
}  // namespace sched_detail
#endif

/// Wait until at most N vector-memory operations (global/buffer loads and stores) of this wave are in flight.
template <int N>
__device__ __attribute__((always_inline)) inline void wait_vmem() {
  static_assert(N >= 0 && N <= 63, "wait_vmem<N>: the vmcnt counter holds 0..63");
#if defined(__GFX9__) || defined(HIPFORGE_EMULATOR)
  __builtin_amdgcn_s_waitcnt(sched_detail::waitcnt_imm(N, sched_detail::kExpMax, sched_detail::kLgkmMax));
#else
  // gfx12+ split the counters into separate instructions, which clang has no builtin for.
  asm volatile("s_wait_loadcnt %0" ::"n"(N) : "memory");
#endif
}

/// Wait until at most N LDS (and scalar-memory) operations of this wave are in flight.
template <int N>
__device__ __attribute__((always_inline)) inline void wait_lds() {
  static_assert(N >= 0 && N <= 15, "wait_lds<N>: the lgkmcnt counter holds 0..15");
#if defined(__GFX9__) || defined(HIPFORGE_EMULATOR)
  __builtin_amdgcn_s_waitcnt(sched_detail::waitcnt_imm(sched_detail::kVmMax, sched_detail::kExpMax, N));
#else
  asm volatile("s_wait_dscnt %0" ::"n"(N) : "memory");
#endif
}

/// Raise this wave's issue priority (e.g. around an MFMA burst, so the other waves' loads do not starve it).
__device__ __attribute__((always_inline)) inline void prio_high() { __builtin_amdgcn_s_setprio(1); }
/// Back to normal priority.
__device__ __attribute__((always_inline)) inline void prio_low() { __builtin_amdgcn_s_setprio(0); }

/// Instruction classes for sched_barrier / sched_group (LLVM's AMDGPU scheduling masks).
enum SchedMask : int {
  kSchedNone = 0x0000,  // sched_barrier(kSchedNone): nothing may cross
  kSchedAlu = 0x0001,
  kSchedValu = 0x0002,
  kSchedSalu = 0x0004,
  kSchedMfma = 0x0008,
  kSchedVmem = 0x0010,
  kSchedVmemRead = 0x0020,
  kSchedVmemWrite = 0x0040,
  kSchedDs = 0x0080,
  kSchedDsRead = 0x0100,
  kSchedDsWrite = 0x0200,
  kSchedTrans = 0x0400,
};

/// A compiler scheduling fence: only instruction classes in Mask may be moved across it.
template <int Mask = kSchedNone>
__device__ __attribute__((always_inline)) inline void sched_barrier() {
  __builtin_amdgcn_sched_barrier(Mask);
}

/// Ask the scheduler for Count instructions of class Mask at this point of the pipeline group SyncId
/// (a sequence of sched_group calls with the same SyncId interleaves the classes in that order).
template <int Mask, int Count, int SyncId = 0>
__device__ __attribute__((always_inline)) inline void sched_group() {
  __builtin_amdgcn_sched_group_barrier(Mask, Count, SyncId);
}

/// Ask the scheduler for a software pipeline in the current basic block: the pattern (DsReads LDS reads, Mfmas MFMAs,
/// Valu vector-ALU instructions, transcendentals included) repeated Units times. With Valu > 0 the MFMA pipe runs
/// while the VALU does independent work (e.g. softmax exponentials) instead of the two taking turns. Giving the LDS
/// reads that feed the MFMAs their place in the pattern keeps the scheduler from hoisting them all to the top of the
/// block, which would hold every operand in registers at once (and, near the register limit, makes the scheduler
/// give up on the pattern). Place it after the code whose instructions it arranges, in the same basic block (a
/// branch ends the scheduling region); a group the block has too few instructions for is left partly empty.
///
/// Ahead > 0 software-pipelines the reads: Ahead units' reads are issued before the first unit, so each unit's MFMAs
/// wait only for reads issued Ahead units earlier (the wait becomes lgkmcnt(N > 0), the reads in between stay in
/// flight), at the cost of Ahead more operands live in registers.
template <int Units, int DsReads, int Mfmas, int Valu, int SyncId = 0, int Ahead = 0>
__device__ __attribute__((always_inline)) inline void sched_pipeline() {
  static_assert(Units > 0 && Mfmas > 0 && DsReads >= 0 && Valu >= 0, "sched_pipeline: counts must be positive");
  static_assert(Ahead >= 0 && Ahead < Units, "sched_pipeline: read ahead by fewer than Units units");
  if constexpr (Ahead > 0 && DsReads > 0) sched_group<kSchedDsRead, Ahead * DsReads, SyncId>();
#pragma unroll
  for (int i = 0; i < Units; ++i) {
    if constexpr (DsReads > 0) sched_group<kSchedDsRead, DsReads, SyncId>();
    sched_group<kSchedMfma, Mfmas, SyncId>();
    if constexpr (Valu > 0) sched_group<kSchedValu | kSchedTrans, Valu, SyncId>();
  }
}

/// A software-pipelined sequence of N steps, each an LDS read of one operand and the MFMAs that use it:
/// `read(ic<i>)` returns step i's operand and is issued Ahead steps before `use(ic<i>, operand)`, so the wait before
/// step i's MFMAs leaves the younger reads in flight (lgkmcnt(N > 0)) instead of draining LDS before every step.
/// Costs Ahead more operands in registers. Each step (its use, and the read Ahead steps later) is one scheduling
/// region between fences: left free, the scheduler sinks every read next to its first use. Whatever else `use` does
/// (e.g. softmax exponentials) shares that region and is interleaved with the step's MFMAs.
template <int N, int Ahead, class Read, class Use>
__device__ HF_INLINE void pipelined(Read&& read, Use&& use) {
  static_assert(N > 0 && Ahead >= 0, "pipelined: N > 0 steps, Ahead >= 0");
  using F = decltype(read(ic<0>{}));
  F buf[Ahead + 1];
  static_for<(Ahead < N ? Ahead : N)>([&](auto i) { buf[decltype(i)::value] = read(i); });
  static_for<N>([&](auto i) {
    constexpr int I = decltype(i)::value;
    if constexpr (I + Ahead < N) buf[(I + Ahead) % (Ahead + 1)] = read(ic<I + Ahead>{});
    sched_barrier();
    use(i, buf[I % (Ahead + 1)]);
  });
  sched_barrier();
}

}  // namespace hf
