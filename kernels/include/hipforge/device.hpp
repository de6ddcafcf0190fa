// hipforge/device.hpp — the platform layer every kernel includes, and the only one.
//
// A kernel source includes this header and nothing from ROCm. It then compiles three ways:
//   (a) for AMDGPU, freestanding:  clang++ -x hip --offload-arch=gfx950 --offload-device-only -nogpuinc -nogpulib
//   (b) for AMDGPU against a real ROCm install (hip_runtime.h already provides the kernel language)
//   (c) for the host, as the CDNA emulator:  clang++ -std=c++20 -DHIPFORGE_EMULATOR -DHIPFORGE_EMU_ARCH=950
//
// What kernels may use (the contract both sides implement; see docs/kernel-abi.md):
//   - HIP kernel language: __global__, __device__, __host__, __shared__, __launch_bounds__(n),
//     HIP_DYNAMIC_SHARED(type, name), threadIdx/blockIdx/blockDim/gridDim (.x/.y/.z), __syncthreads(), dim3.
//   - clang's AMDGPU builtins under their own names and signatures (__builtin_amdgcn_*), for the arch compiled.
//   - The vector types below (identical on GPU and host: both are clang ext_vector_type).
//   - HF_EXPORT(name, Params): after each extern "C" kernel `void name(const Params p)`, registers it
//     (emulator: a launchable entry; GPU: nothing but checks). build.rs scans for it to make the Rust kernel table.
//   - HF_ISA_EXPECT(name, arch, "mnemonic"): the MFMA/WMMA instruction the ISA gate must find in `name` for `arch`
//     (expands to nothing; build.rs scans it).
//   - HF_ISA_INTERLEAVE(name, arch, "prefix A", "prefix B", min): the ISA gate requires, in some basic block of a
//     loop of `name` on `arch`, at least `min` alternations between instructions starting with A and with B (e.g.
//     "v_mfma" and "v_exp_f32": MFMAs interleaved with the softmax). Expands to nothing; build.rs scans it.
//   - HF_MODEL_PATH(name, arch, "via:mnemonic" | "avoid:mnemonic", ...): how `hipforge model` picks the steady-state
//     path through the main loop of `name` on `arch`, by properties (src/isa/loops.rs). Expands to nothing.
//   - HF_MODEL_EXPECT(name, arch, "metric op number", ...): floors on the model's figures for `name` on `arch`
//     (e.g. "spill_moves == 0", "opt >= 0.9"; metrics in docs/model.md), checked in `cargo test`. Expands to
//     nothing. No commas or parentheses inside the quoted arguments.
//   - HF_DYNAMIC_LDS(name, bytes): the dynamic LDS (HIP_DYNAMIC_SHARED) kernel `name` needs per block, a constant
//     expression that may depend on the arch macros. Code-object metadata records only static LDS, so this is how
//     the ISA gate, the occupancy model and the HIP launch learn it (GPU: a constant `hf_dynamic_lds__name` in the
//     code object); the emulator refuses a launch that gives less. Every kernel with HIP_DYNAMIC_SHARED declares it.
#pragma once

#include <stddef.h>
#include <stdint.h>

#if defined(HIPFORGE_EMULATOR)
#  if !defined(HIPFORGE_EMU_ARCH)
#    error "HIPFORGE_EMULATOR needs HIPFORGE_EMU_ARCH=942 or 950"
#  endif
#  if HIPFORGE_EMU_ARCH == 942
#    define __gfx942__ 1
#  elif HIPFORGE_EMU_ARCH == 950
#    define __gfx950__ 1
#  else
#    error "HIPFORGE_EMU_ARCH must be 942 or 950"
#  endif
#endif

namespace hf {
// Vector types shared by the GPU and the emulator builds. Names follow <elem>x<count>.
typedef float    f32x4   __attribute__((ext_vector_type(4)));
typedef float    f32x16  __attribute__((ext_vector_type(16)));
typedef int      i32x2   __attribute__((ext_vector_type(2)));
typedef int      i32x4   __attribute__((ext_vector_type(4)));
typedef int      i32x6   __attribute__((ext_vector_type(6)));
typedef int      i32x8   __attribute__((ext_vector_type(8)));
typedef int      i32x16  __attribute__((ext_vector_type(16)));
typedef short    i16x4   __attribute__((ext_vector_type(4)));
typedef short    i16x8   __attribute__((ext_vector_type(8)));
typedef _Float16 f16x2   __attribute__((ext_vector_type(2)));
typedef _Float16 f16x4   __attribute__((ext_vector_type(4)));
typedef _Float16 f16x8   __attribute__((ext_vector_type(8)));
typedef __bf16   bf16x2  __attribute__((ext_vector_type(2)));
typedef __bf16   bf16x4  __attribute__((ext_vector_type(4)));
typedef __bf16   bf16x8  __attribute__((ext_vector_type(8)));
typedef float    f32x2   __attribute__((ext_vector_type(2)));

}  // namespace hf

#define HF_ISA_EXPECT(name, arch, mnemonic)
#define HF_ISA_INTERLEAVE(name, arch, prefix_a, prefix_b, min_alternations)
#define HF_MODEL_PATH(name, arch, ...)
#define HF_MODEL_EXPECT(name, arch, ...)

#if defined(HIPFORGE_EMULATOR)
#  include "hipforge/emu/device_emu.hpp"
#else
#  include "hipforge/device_gpu.hpp"
#endif

namespace hf {
#ifndef HF_INLINE
#define HF_INLINE __attribute__((always_inline)) inline
#endif

// static_for<N>(f): f(ic<0>{}), ..., f(ic<N-1>{}), for loops whose index must be a constant in each body (register
// indices, builtin immediates) whatever the unroller does.
template <int I> struct ic { static constexpr int value = I; };
template <int N, class F>
__device__ HF_INLINE void static_for(F&& f) {
    if constexpr (N > 0) {
        static_for<N - 1>(f);
        f(ic<N - 1>{});
    }
}
}  // namespace hf
