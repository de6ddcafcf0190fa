// hipforge/emu/device_emu.hpp — the emulator side of device.hpp: the HIP kernel language on the host (included by
// device.hpp under HIPFORGE_EMULATOR; do not include directly). See docs/emulator.md for the execution model.
//
// Every thread of a block is a fiber on one host thread; blocks run in parallel on a pool of host threads.
//   __global__/__device__/__host__/__launch_bounds__   expand to nothing (kernels are plain host functions)
//   __shared__            a static variable in the `hf_lds` section: one instance, so the runtime runs the blocks of
//                         a kernel that uses static LDS one at a time (docs/emulator.md); the checkers see the section
//                         as static LDS.
//   HIP_DYNAMIC_SHARED(type, name)   `type* const name;` pointing at the block's dynamic LDS (guard zones around it)
//   threadIdx/blockIdx/blockDim/gridDim   the current fiber's coordinates
//   __syncthreads(), __builtin_amdgcn_s_barrier()   block barrier (a barrier not every thread reaches is a fault)
//   HF_EXPORT(name, Params)   registers `name` so hf_emu_gfxA_launch / hf::emu::launch_by_name can find it
// Wave-level builtins (MFMA, conversions, buffer ops, cross-lane ops) come from builtins_*.hpp (emu-builtins).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "hipforge/emu/runtime.hpp"
#include "hipforge/emu/wave.hpp"

// ---- HIP kernel language keywords -------------------------------------------------------------------------------
#define __global__
#define __device__
#define __host__
#define __constant__
#define __forceinline__ inline __attribute__((always_inline))
#define __noinline__ __attribute__((noinline))
#define __launch_bounds__(...)
#define __shared__ static __attribute__((section("hf_lds")))
// Like ROCm's macro, it is a whole declaration (its own semicolon included).
#define HIP_DYNAMIC_SHARED(type, name) type* const name = reinterpret_cast<type*>(::hf::emu::detail::dynamic_lds());
#define HIP_DYNAMIC_SHARED_ATTRIBUTE

namespace hf::emu::detail {
// What a fiber knows about itself. The accessors are out-of-line (runtime.cpp) and uninstrumented, so reading the
// coordinates is never mistaken for a memory access of the kernel; `const` lets the compiler hoist them: within one
// fiber they never change.
struct Coord3 {
  uint32_t x, y, z;
};
__attribute__((const)) Coord3 thread_idx();
__attribute__((const)) Coord3 block_idx();
__attribute__((const)) Coord3 block_dim();
__attribute__((const)) Coord3 grid_dim();
__attribute__((const)) void* dynamic_lds();
void barrier();
void yield();
// Vector-memory counting for buffer->LDS loads (kernels/emu/lds_dma.cpp, docs/emulator-builtins.md "LDS DMA"):
// s_waitcnt vmcnt(N) lands the current lane's LDS DMA writes older than its N most recent vector-memory ops;
// a release fence (or the end of the lane) lands all of them.
void vmem_wait(int vmcnt);
void lds_dma_drain();
// Lets the checkers see an access the compiler's instrumentation cannot (atomics, wide copies). `is_write` marks a
// store; atomics are checked for bounds only (they never race).
void check_access(const volatile void* p, size_t bytes, bool is_write, bool is_atomic);
bool register_kernel(const char* name, size_t params_size, void (*trampoline)(const void* params));
bool declare_dynamic_lds(const char* name, size_t bytes);
}  // namespace hf::emu::detail

#define threadIdx (::hf::emu::detail::thread_idx())
#define blockIdx (::hf::emu::detail::block_idx())
#define blockDim (::hf::emu::detail::block_dim())
#define gridDim (::hf::emu::detail::grid_dim())

// After each `extern "C" void name(const Params p)`: registers name -> {sizeof(Params), trampoline} in this arch's
// registry (a static initializer).
#define HF_EXPORT(name, Params)                                                                               \
  [[maybe_unused]] static const bool hf_emu_registered_##name = ::hf::emu::detail::register_kernel(           \
      #name, sizeof(Params), [](const void* params) { name(*static_cast<const Params*>(params)); });

// Records the kernel's dynamic LDS (device.hpp): a launch of `name` with less is refused.
#define HF_DYNAMIC_LDS(name, bytes)                                                                           \
  [[maybe_unused]] static const bool hf_emu_dynamic_lds_##name =                                              \
      ::hf::emu::detail::declare_dynamic_lds(#name, (bytes));

// ---- synchronization and scheduling builtins --------------------------------------------------------------------
// __syncthreads is a release fence + s_barrier + acquire fence on the GPU (device_gpu.hpp); clang 22 makes a release
// fence wait for the wave's pending LDS DMA (vmcnt), so it lands them here too. A bare s_barrier does not.
inline void __syncthreads() {
  ::hf::emu::detail::lds_dma_drain();
  ::hf::emu::detail::barrier();
}
inline void __builtin_amdgcn_s_barrier() { ::hf::emu::detail::barrier(); }
// The wave-level ordering point (see wave.hpp): lanes of one wave are ordered across it.
inline void __builtin_amdgcn_wave_barrier() { ::hf::emu::wave_sync(); }
// Memory is sequentially consistent in the emulator: fences and wait counters have nothing to wait for, except
// buffer->LDS loads (LDS DMA), whose LDS writes stay pending until vmcnt lets them go (builtins_buffer.hpp).
inline void __threadfence() { ::hf::emu::detail::lds_dma_drain(); }
inline void __threadfence_block() { ::hf::emu::detail::lds_dma_drain(); }
// GFX9 s_waitcnt immediate: vmcnt in bits [3:0] and [15:14].
inline void __builtin_amdgcn_s_waitcnt(int imm) { ::hf::emu::detail::vmem_wait((imm & 0xF) | (((imm >> 14) & 3) << 4)); }
inline void __builtin_amdgcn_fence(int order, const char*) {
  if (order != __ATOMIC_RELAXED && order != __ATOMIC_ACQUIRE && order != __ATOMIC_CONSUME)
    ::hf::emu::detail::lds_dma_drain();
}
// Instruction-scheduling hints: no meaning for a fiber.
inline void __builtin_amdgcn_sched_barrier(int) {}
inline void __builtin_amdgcn_sched_group_barrier(int, int, int) {}
inline void __builtin_amdgcn_s_setprio(short) {}
inline void __builtin_amdgcn_iglp_opt(int) {}
// s_sleep lets other waves run: a scheduling point, so a spin-wait that sleeps makes progress.
inline void __builtin_amdgcn_s_sleep(int) { ::hf::emu::detail::yield(); }

// ---- work-item builtins ------------------------------------------------------------------------------------------
inline unsigned __builtin_amdgcn_workitem_id_x() { return threadIdx.x; }
inline unsigned __builtin_amdgcn_workitem_id_y() { return threadIdx.y; }
inline unsigned __builtin_amdgcn_workitem_id_z() { return threadIdx.z; }
inline unsigned __builtin_amdgcn_workgroup_id_x() { return blockIdx.x; }
inline unsigned __builtin_amdgcn_workgroup_id_y() { return blockIdx.y; }
inline unsigned __builtin_amdgcn_workgroup_id_z() { return blockIdx.z; }
inline unsigned short __builtin_amdgcn_workgroup_size_x() { return (unsigned short)blockDim.x; }
inline unsigned short __builtin_amdgcn_workgroup_size_y() { return (unsigned short)blockDim.y; }
inline unsigned short __builtin_amdgcn_workgroup_size_z() { return (unsigned short)blockDim.z; }
inline unsigned __builtin_amdgcn_grid_size_x() { return gridDim.x * blockDim.x; }
inline unsigned __builtin_amdgcn_grid_size_y() { return gridDim.y * blockDim.y; }
inline unsigned __builtin_amdgcn_grid_size_z() { return gridDim.z * blockDim.z; }
inline constexpr int warpSize = 64;
inline int __builtin_amdgcn_wavefrontsize() { return 64; }

// ---- atomics (HIP's names; visible to the checkers, never reported as races) -------------------------------------
template <class T>
inline T atomicAdd(T* p, T v) {
  ::hf::emu::detail::check_access(p, sizeof(T), true, true);
  return __atomic_fetch_add(p, v, __ATOMIC_RELAXED);
}
inline float atomicAdd(float* p, float v) {
  ::hf::emu::detail::check_access(p, sizeof(float), true, true);
  float old, sum;
  __atomic_load(p, &old, __ATOMIC_RELAXED);
  do {
    sum = old + v;
  } while (!__atomic_compare_exchange(p, &old, &sum, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
  return old;
}
template <class T>
inline T atomicMax(T* p, T v) {
  ::hf::emu::detail::check_access(p, sizeof(T), true, true);
  return __atomic_fetch_max(p, v, __ATOMIC_RELAXED);
}
template <class T>
inline T atomicMin(T* p, T v) {
  ::hf::emu::detail::check_access(p, sizeof(T), true, true);
  return __atomic_fetch_min(p, v, __ATOMIC_RELAXED);
}
template <class T>
inline T atomicExch(T* p, T v) {
  ::hf::emu::detail::check_access(p, sizeof(T), true, true);
  return __atomic_exchange_n(p, v, __ATOMIC_RELAXED);
}
template <class T>
inline T atomicCAS(T* p, T expected, T desired) {
  ::hf::emu::detail::check_access(p, sizeof(T), true, true);
  __atomic_compare_exchange_n(p, &expected, desired, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
  return expected;
}

// ---- wave-level builtins (emu-builtins' files; included when present) -------------------------------------------
#if __has_include("hipforge/emu/builtins_lane.hpp")
#  include "hipforge/emu/builtins_lane.hpp"
#endif
#if __has_include("hipforge/emu/builtins_cvt.hpp")
#  include "hipforge/emu/builtins_cvt.hpp"
#endif
#if __has_include("hipforge/emu/builtins_buffer.hpp")
#  include "hipforge/emu/builtins_buffer.hpp"
#endif
#if __has_include("hipforge/emu/builtins_mfma.hpp")
#  include "hipforge/emu/builtins_mfma.hpp"
#endif
#if __has_include("hipforge/emu/builtins_lds_tr.hpp")
#  include "hipforge/emu/builtins_lds_tr.hpp"
#endif
