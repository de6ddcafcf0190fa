// hipforge/emu/builtins_mfma.hpp — clang's __builtin_amdgcn_mfma_* on the host, under their own names and
// signatures (specs/mfma.md §4 rows 1–16; rows 9–16 only when compiled for gfx950, as on the GPU).
//
// Every lane calls the builtin with its own registers; wave_collective gathers the 64 lanes and the instruction runs
// once per wave (semantics/mfma.hpp), then each lane gets its D registers back. Argument types are the GCC vector
// types of the builtin prototypes, so a kernel passing hf::f32x4 & co. converts exactly as it does on the GPU.
// Included by device_emu.hpp; see docs/emulator-builtins.md for the arithmetic policy per arch.
#pragma once

#include <stdint.h>

#include <cstring>
#include <memory>
#include <string>

#include "hipforge/emu/semantics/mfma.hpp"
#include "hipforge/emu/wave.hpp"

// 64-byte vectors (v16f) are passed by value as the builtins' prototypes say; x86 warns that their ABI depends on
// AVX-512. Every emulator TU is built with the same flags, so the warning is noise here and at kernels' call sites.
#pragma clang diagnostic ignored "-Wpsabi"

namespace hf::emu::bt {

#if defined(__gfx942__)
inline constexpr sem::Arch kArch = sem::Arch::gfx942;
#else
inline constexpr sem::Arch kArch = sem::Arch::gfx950;
#endif

// The builtins' prototype types (BuiltinsAMDGPU.def: V4f, V16f, V4i, V16i, V8Zi, V4h, V8h, V4s, V8y).
typedef float v4f __attribute__((__vector_size__(16)));
typedef float v16f __attribute__((__vector_size__(64)));
typedef int v4i __attribute__((__vector_size__(16)));
typedef int v16i __attribute__((__vector_size__(64)));
typedef int v8i __attribute__((__vector_size__(32)));
typedef _Float16 v4h __attribute__((__vector_size__(8)));
typedef _Float16 v8h __attribute__((__vector_size__(16)));
typedef short v4s __attribute__((__vector_size__(8)));
typedef __bf16 v8y __attribute__((__vector_size__(16)));

struct MfmaLaneIn {
  uint32_t a[8], b[8], c[16];
  uint32_t scale_a, scale_b;
};
struct MfmaLaneOut {
  uint32_t d[16];
};

// What one call site asks for; validated once per wave inside the collective.
struct MfmaCall {
  const char* name;
  sem::MfmaDesc desc;
  int cbsz, abid, blgp;          // must be 0 except as f8f6f4 format codes
  bool scaled;                   // the scale builtins
  int opsel_a, opsel_b;
  bool constant_zero_scales;     // both scale arguments were compile-time constants (value checked below)
};

// Runs the instruction for the wave; heavy work stays out of line and uninstrumented (semantics are not kernel
// memory accesses the checkers should see).
__attribute__((noinline, no_sanitize("coverage"))) inline void mfma_wave(const MfmaCall& call,
                                                                         const MfmaLaneIn* in, MfmaLaneOut* out) {
  struct Scratch {  // on the heap: keeps the binary's static TLS small (it comes out of every thread's stack)
    sem::MfmaRegs regs;
    sem::MfmaScales scales;
    uint32_t d[sem::kWave][16];
  };
  static thread_local std::unique_ptr<Scratch> scratch;
  if (!scratch) scratch.reset(new Scratch);
  sem::MfmaRegs& regs = scratch->regs;
  sem::MfmaScales& scales = scratch->scales;
  auto& d = scratch->d;
  sem::MfmaDesc desc = call.desc;
  if (desc.f8f6f4) {
    const bool ok_a = sem::elem_from_f8f6f4_code(call.cbsz, desc.a);
    const bool ok_b = sem::elem_from_f8f6f4_code(call.blgp, desc.b);
    if (!ok_a || !ok_b) {
      fault("fault", std::string(call.name) + ": cbsz/blgp format code must be 0..4, got cbsz=" +
                                  std::to_string(call.cbsz) + " blgp=" + std::to_string(call.blgp));
      if (!ok_a) desc.a = sem::Elem::fp8;
      if (!ok_b) desc.b = sem::Elem::fp8;
    }
  } else if (call.cbsz || call.abid || call.blgp) {
    fault("fault", std::string(call.name) + ": cbsz, abid and blgp must be 0 (mfma.md §2.2), got " +
                                std::to_string(call.cbsz) + ", " + std::to_string(call.abid) + ", " +
                                std::to_string(call.blgp));
  }
  if (call.scaled && ((call.opsel_a & ~3) || (call.opsel_b & ~3)))
    fault("fault", std::string(call.name) + ": opsel must be 0..3");
  for (int l = 0; l < sem::kWave; ++l) {
    std::memcpy(regs.a[l], in[l].a, sizeof regs.a[l]);
    std::memcpy(regs.b[l], in[l].b, sizeof regs.b[l]);
    std::memcpy(regs.c[l], in[l].c, sizeof regs.c[l]);
    scales.a[l] = in[l].scale_a;
    scales.b[l] = in[l].scale_b;
  }
  scales.opsel_a = call.opsel_a & 3;
  scales.opsel_b = call.opsel_b & 3;
  // §6.4: literal-zero scales with opsel 0 compile to the non-scaled instruction (scale 1.0). The scale values are
  // uniform literals then, so lane 0's value stands for all.
  scales.unscaled = call.constant_zero_scales && call.opsel_a == 0 && call.opsel_b == 0 && in[0].scale_a == 0 &&
                    in[0].scale_b == 0;
  sem::mfma(kArch, desc, regs, call.scaled ? &scales : nullptr, d);
  for (int l = 0; l < sem::kWave; ++l) std::memcpy(out[l].d, d[l], sizeof out[l].d);
}

template <class Ret, class VA, class VB>
inline Ret mfma_lane(const MfmaCall& call, const VA& a, const VB& b, const Ret& c, uint32_t scale_a = 0,
                     uint32_t scale_b = 0) {
  static_assert(sizeof(VA) <= 32 && sizeof(VB) <= 32 && sizeof(Ret) <= 64, "MFMA operand too wide");
  MfmaLaneIn in{};
  std::memcpy(in.a, &a, sizeof(VA));
  std::memcpy(in.b, &b, sizeof(VB));
  std::memcpy(in.c, &c, sizeof(Ret));
  in.scale_a = scale_a;
  in.scale_b = scale_b;
  const MfmaLaneOut out = wave_collective<MfmaLaneOut>(
      call.name, in, [&call](const MfmaLaneIn* args, MfmaLaneOut* res, uint64_t) { mfma_wave(call, args, res); });
  Ret d;
  std::memcpy(&d, out.d, sizeof(Ret));
  return d;
}

inline MfmaCall plain(const char* name, int mn, int k, sem::Elem a, sem::Elem b, int cbsz, int abid, int blgp) {
  return MfmaCall{name, sem::MfmaDesc{mn, k, a, b, false}, cbsz, abid, blgp, false, 0, 0, false};
}

template <class Ret>
inline Ret mfma_scale(const char* name, int mn, int k, const v8i& a, const v8i& b, const Ret& c, int cbsz, int blgp,
                      int opsel_a, int scale_a, int opsel_b, int scale_b, bool constant_scales) {
  const MfmaCall call{name,    sem::MfmaDesc{mn, k, sem::Elem::fp8, sem::Elem::fp8, true},
                      cbsz,    0,
                      blgp,    true,
                      opsel_a, opsel_b,
                      constant_scales};
  return mfma_lane(call, a, b, c, uint32_t(scale_a), uint32_t(scale_b));
}

}  // namespace hf::emu::bt

#define HF_EMU_MFMA(NAME, RET, TA, TB, MN, K, EA, EB)                                                         \
  inline ::hf::emu::bt::RET __builtin_amdgcn_##NAME(TA a, TB b, ::hf::emu::bt::RET c, int cbsz, int abid,    \
                                                    int blgp) {                                              \
    return ::hf::emu::bt::mfma_lane(                                                                          \
        ::hf::emu::bt::plain(#NAME, MN, K, ::hf::emu::sem::Elem::EA, ::hf::emu::sem::Elem::EB, cbsz, abid, blgp), \
        a, b, c);                                                                                             \
  }

// Rows 1–8 (gfx942 and gfx950).
HF_EMU_MFMA(mfma_f32_16x16x16f16, v4f, ::hf::emu::bt::v4h, ::hf::emu::bt::v4h, 16, 16, f16, f16)
HF_EMU_MFMA(mfma_f32_32x32x8f16, v16f, ::hf::emu::bt::v4h, ::hf::emu::bt::v4h, 32, 8, f16, f16)
HF_EMU_MFMA(mfma_f32_16x16x16bf16_1k, v4f, ::hf::emu::bt::v4s, ::hf::emu::bt::v4s, 16, 16, bf16, bf16)
HF_EMU_MFMA(mfma_f32_32x32x8bf16_1k, v16f, ::hf::emu::bt::v4s, ::hf::emu::bt::v4s, 32, 8, bf16, bf16)
HF_EMU_MFMA(mfma_i32_16x16x32_i8, v4i, long, long, 16, 32, i8, i8)
HF_EMU_MFMA(mfma_i32_32x32x16_i8, v16i, long, long, 32, 16, i8, i8)
HF_EMU_MFMA(mfma_f32_16x16x32_fp8_fp8, v4f, long, long, 16, 32, fp8, fp8)
HF_EMU_MFMA(mfma_f32_16x16x32_fp8_bf8, v4f, long, long, 16, 32, fp8, bf8)
HF_EMU_MFMA(mfma_f32_16x16x32_bf8_fp8, v4f, long, long, 16, 32, bf8, fp8)
HF_EMU_MFMA(mfma_f32_16x16x32_bf8_bf8, v4f, long, long, 16, 32, bf8, bf8)
HF_EMU_MFMA(mfma_f32_32x32x16_fp8_fp8, v16f, long, long, 32, 16, fp8, fp8)
HF_EMU_MFMA(mfma_f32_32x32x16_fp8_bf8, v16f, long, long, 32, 16, fp8, bf8)
HF_EMU_MFMA(mfma_f32_32x32x16_bf8_fp8, v16f, long, long, 32, 16, bf8, fp8)
HF_EMU_MFMA(mfma_f32_32x32x16_bf8_bf8, v16f, long, long, 32, 16, bf8, bf8)

#if defined(__gfx950__)
// Rows 9–14.
HF_EMU_MFMA(mfma_f32_16x16x32_f16, v4f, ::hf::emu::bt::v8h, ::hf::emu::bt::v8h, 16, 32, f16, f16)
HF_EMU_MFMA(mfma_f32_16x16x32_bf16, v4f, ::hf::emu::bt::v8y, ::hf::emu::bt::v8y, 16, 32, bf16, bf16)
HF_EMU_MFMA(mfma_f32_32x32x16_f16, v16f, ::hf::emu::bt::v8h, ::hf::emu::bt::v8h, 32, 16, f16, f16)
HF_EMU_MFMA(mfma_f32_32x32x16_bf16, v16f, ::hf::emu::bt::v8y, ::hf::emu::bt::v8y, 32, 16, bf16, bf16)
HF_EMU_MFMA(mfma_i32_16x16x64_i8, v4i, ::hf::emu::bt::v4i, ::hf::emu::bt::v4i, 16, 64, i8, i8)
HF_EMU_MFMA(mfma_i32_32x32x32_i8, v16i, ::hf::emu::bt::v4i, ::hf::emu::bt::v4i, 32, 32, i8, i8)

// Rows 15–16. Macros, not functions, because §6.4 depends on whether the scales are compile-time constants at the
// call site: __builtin_constant_p answers that for literals (and, with optimization, for values the optimizer
// proves constant — as on the GPU, where the fold happens on the optimized IR). Each argument is evaluated once.
#  define __builtin_amdgcn_mfma_scale_f32_16x16x128_f8f6f4(a, b, c, cbsz, blgp, opsel_a, scale_a, opsel_b, scale_b) \
    ::hf::emu::bt::mfma_scale<::hf::emu::bt::v4f>("mfma_scale_f32_16x16x128_f8f6f4", 16, 128, (a), (b), (c), (cbsz), \
                                                  (blgp), (opsel_a), (scale_a), (opsel_b), (scale_b),              \
                                                  __builtin_constant_p(scale_a) && __builtin_constant_p(scale_b))
#  define __builtin_amdgcn_mfma_scale_f32_32x32x64_f8f6f4(a, b, c, cbsz, blgp, opsel_a, scale_a, opsel_b, scale_b) \
    ::hf::emu::bt::mfma_scale<::hf::emu::bt::v16f>("mfma_scale_f32_32x32x64_f8f6f4", 32, 64, (a), (b), (c), (cbsz), \
                                                   (blgp), (opsel_a), (scale_a), (opsel_b), (scale_b),             \
                                                   __builtin_constant_p(scale_a) && __builtin_constant_p(scale_b))
#endif

#undef HF_EMU_MFMA
