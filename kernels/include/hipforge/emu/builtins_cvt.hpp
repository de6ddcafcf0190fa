// hipforge/emu/builtins_cvt.hpp — conversion and math builtins on the host, per lane (no wave collective needed).
//
// FP8 conversions follow the arch: FNUZ e4m3/e5m2 on gfx942, OCP on gfx950 (numerics.md §1). Every f32→8-bit
// conversion rounds to nearest even and is NON-saturating (overflow → NaN for e4m3 and FNUZ, ±Inf for OCP e5m2):
// the public sources give no raw overflow result for gfx942's v_cvt_pk_fp8_f32 (numerics.md §2), HIP clamps with
// fmed3 *before* calling it when it wants saturation, and gfx950's scalef32 forms are documented non-saturating.
// Kernels that need saturation clamp first, which is correct on hardware whatever the answer turns out to be.
// The scalef32 forms use only the exponent field of `scale` (the ISA: "scale … using the exponent provided by the
// float input"): down-conversions divide by 2^(exp−127), up-conversions multiply by it. Details:
// docs/emulator-builtins.md.
#pragma once

#include <stdint.h>

#include <cmath>
#include <cstring>

#include "hipforge/emu/semantics/formats.hpp"

// float → __bf16 casts call this runtime function; Debian 12's libgcc (GCC 12) lacks it. The compiler's calls do
// not count as uses of an inline function, so `used` forces it out in every TU (as a mergeable weak definition);
// RNE like libgcc's and compiler-rt's.
extern "C" inline __attribute__((used)) __bf16 __truncsfbf2(float x) {
  return __builtin_bit_cast(__bf16, ::hf::emu::sem::bf16_bits_from_f32(x));
}

namespace hf::emu::bt {

typedef short v2s __attribute__((__vector_size__(4)));
typedef float v2f __attribute__((__vector_size__(8)));
typedef _Float16 v2h __attribute__((__vector_size__(4)));
typedef __bf16 v2y __attribute__((__vector_size__(4)));

#if defined(__gfx942__)
inline constexpr sem::Arch kCvtArch = sem::Arch::gfx942;
#else
inline constexpr sem::Arch kCvtArch = sem::Arch::gfx950;
#endif
inline constexpr sem::Fmt kFp8 = sem::fp8_of(kCvtArch);
inline constexpr sem::Fmt kBf8 = sem::bf8_of(kCvtArch);

inline uint32_t enc8(sem::Fmt f, double x) { return sem::encode(f, x, /*saturate=*/false); }

// Two bytes into word `hi` of `old`.
inline uint32_t put_word(uint32_t old, bool hi, uint32_t lo_byte, uint32_t hi_byte) {
  const uint32_t w = (lo_byte & 0xFF) | ((hi_byte & 0xFF) << 8);
  return hi ? (old & 0x0000FFFFu) | (w << 16) : (old & 0xFFFF0000u) | w;
}
inline uint32_t put_byte(uint32_t old, int sel, uint32_t byte) {
  const int s = 8 * (sel & 3);
  return (old & ~(0xFFu << s)) | ((byte & 0xFF) << s);
}
inline uint32_t get_byte(uint32_t v, int sel) { return (v >> (8 * (sel & 3))) & 0xFF; }

// The power of two a scalef32 operand stands for: its exponent field only. 0xFF exponent (Inf/NaN) → NaN.
inline double scale_factor(float s) {
  const uint32_t e = (sem::f32_bits(s) >> 23) & 0xFF;
  return e == 0xFF ? NAN : std::ldexp(1.0, int(e) - 127);
}

inline float f32_round(double x) { return float(x); }  // host double→float is RNE
inline _Float16 f16_round(double x) {
  return __builtin_bit_cast(_Float16, sem::f16_bits_from_double(x));
}
inline __bf16 bf16_round(double x) {
  // double → f32 first would round twice; values here are exact in f32 (8-bit decodes times powers of two) unless
  // they over/underflow f32, where the double rounding cannot change a bf16 result's class.
  return __builtin_bit_cast(__bf16, sem::bf16_bits_from_f32(float(x)));
}

}  // namespace hf::emu::bt

// ---- FP8 conversions present on both archs (gfx942: FNUZ; gfx950: OCP) --------------------------------------------
inline int __builtin_amdgcn_cvt_pk_fp8_f32(float a, float b, int old, bool word_sel) {
  using namespace hf::emu::bt;
  return int(put_word(uint32_t(old), word_sel, enc8(kFp8, a), enc8(kFp8, b)));
}
inline int __builtin_amdgcn_cvt_pk_bf8_f32(float a, float b, int old, bool word_sel) {
  using namespace hf::emu::bt;
  return int(put_word(uint32_t(old), word_sel, enc8(kBf8, a), enc8(kBf8, b)));
}
inline int __builtin_amdgcn_cvt_sr_fp8_f32(float a, int rng, int old, int byte_sel) {
  using namespace hf::emu::bt;
  return int(put_byte(uint32_t(old), byte_sel, hf::emu::sem::encode_sr(kFp8, a, uint32_t(rng), false)));
}
inline int __builtin_amdgcn_cvt_sr_bf8_f32(float a, int rng, int old, int byte_sel) {
  using namespace hf::emu::bt;
  return int(put_byte(uint32_t(old), byte_sel, hf::emu::sem::encode_sr(kBf8, a, uint32_t(rng), false)));
}
inline float __builtin_amdgcn_cvt_f32_fp8(int src, int byte_sel) {
  using namespace hf::emu::bt;
  return float(hf::emu::sem::decode(kFp8, get_byte(uint32_t(src), byte_sel)));
}
inline float __builtin_amdgcn_cvt_f32_bf8(int src, int byte_sel) {
  using namespace hf::emu::bt;
  return float(hf::emu::sem::decode(kBf8, get_byte(uint32_t(src), byte_sel)));
}
inline hf::emu::bt::v2f __builtin_amdgcn_cvt_pk_f32_fp8(int src, bool word_sel) {
  using namespace hf::emu::bt;
  const int b0 = word_sel ? 2 : 0;
  return v2f{float(hf::emu::sem::decode(kFp8, get_byte(uint32_t(src), b0))),
             float(hf::emu::sem::decode(kFp8, get_byte(uint32_t(src), b0 + 1)))};
}
inline hf::emu::bt::v2f __builtin_amdgcn_cvt_pk_f32_bf8(int src, bool word_sel) {
  using namespace hf::emu::bt;
  const int b0 = word_sel ? 2 : 0;
  return v2f{float(hf::emu::sem::decode(kBf8, get_byte(uint32_t(src), b0))),
             float(hf::emu::sem::decode(kBf8, get_byte(uint32_t(src), b0 + 1)))};
}

// ---- gfx950 scalef32 conversions (OCP only) -------------------------------------------------------------------------
#if defined(__gfx950__)
namespace hf::emu::bt {
inline v2s scalef32_pk(sem::Fmt f, v2s old, double x0, double x1, float scale, bool word_sel) {
  const double s = scale_factor(scale);
  uint32_t bits;
  std::memcpy(&bits, &old, 4);
  bits = put_word(bits, word_sel, enc8(f, x0 / s), enc8(f, x1 / s));
  v2s r;
  std::memcpy(&r, &bits, 4);
  return r;
}
inline int scalef32_sr(sem::Fmt f, uint32_t old, double x, uint32_t seed, float scale, int byte_sel) {
  return int(put_byte(old, byte_sel, sem::encode_sr(f, x / scale_factor(scale), seed, false)));
}
inline double scalef32_up(sem::Fmt f, uint32_t src, int byte, float scale) {
  return sem::decode(f, get_byte(src, byte)) * scale_factor(scale);
}
}  // namespace hf::emu::bt

// f32 / f16 / bf16 → two fp8 (e4m3) or bf8 (e5m2) bytes into word `word_sel` of `old`: RNE of x / 2^exp(scale).
inline hf::emu::bt::v2s __builtin_amdgcn_cvt_scalef32_pk_fp8_f32(hf::emu::bt::v2s old, float a, float b, float scale,
                                                                 bool word_sel) {
  return hf::emu::bt::scalef32_pk(hf::emu::sem::Fmt::e4m3_ocp, old, a, b, scale, word_sel);
}
inline hf::emu::bt::v2s __builtin_amdgcn_cvt_scalef32_pk_bf8_f32(hf::emu::bt::v2s old, float a, float b, float scale,
                                                                 bool word_sel) {
  return hf::emu::bt::scalef32_pk(hf::emu::sem::Fmt::e5m2_ocp, old, a, b, scale, word_sel);
}
inline hf::emu::bt::v2s __builtin_amdgcn_cvt_scalef32_pk_fp8_f16(hf::emu::bt::v2s old, hf::emu::bt::v2h src,
                                                                 float scale, bool word_sel) {
  return hf::emu::bt::scalef32_pk(hf::emu::sem::Fmt::e4m3_ocp, old, double(src[0]), double(src[1]), scale, word_sel);
}
inline hf::emu::bt::v2s __builtin_amdgcn_cvt_scalef32_pk_bf8_f16(hf::emu::bt::v2s old, hf::emu::bt::v2h src,
                                                                 float scale, bool word_sel) {
  return hf::emu::bt::scalef32_pk(hf::emu::sem::Fmt::e5m2_ocp, old, double(src[0]), double(src[1]), scale, word_sel);
}
inline hf::emu::bt::v2s __builtin_amdgcn_cvt_scalef32_pk_fp8_bf16(hf::emu::bt::v2s old, hf::emu::bt::v2y src,
                                                                  float scale, bool word_sel) {
  return hf::emu::bt::scalef32_pk(hf::emu::sem::Fmt::e4m3_ocp, old, double(float(src[0])), double(float(src[1])),
                                  scale, word_sel);
}
inline hf::emu::bt::v2s __builtin_amdgcn_cvt_scalef32_pk_bf8_bf16(hf::emu::bt::v2s old, hf::emu::bt::v2y src,
                                                                  float scale, bool word_sel) {
  return hf::emu::bt::scalef32_pk(hf::emu::sem::Fmt::e5m2_ocp, old, double(float(src[0])), double(float(src[1])),
                                  scale, word_sel);
}
// Stochastic rounding: one byte `byte_sel` of `old` (see formats.hpp encode_sr for the rounding rule).
inline int __builtin_amdgcn_cvt_scalef32_sr_fp8_f32(unsigned old, float x, unsigned seed, float scale, int byte_sel) {
  return hf::emu::bt::scalef32_sr(hf::emu::sem::Fmt::e4m3_ocp, old, x, seed, scale, byte_sel);
}
inline int __builtin_amdgcn_cvt_scalef32_sr_bf8_f32(unsigned old, float x, unsigned seed, float scale, int byte_sel) {
  return hf::emu::bt::scalef32_sr(hf::emu::sem::Fmt::e5m2_ocp, old, x, seed, scale, byte_sel);
}
inline int __builtin_amdgcn_cvt_scalef32_sr_fp8_f16(unsigned old, _Float16 x, unsigned seed, float scale,
                                                    int byte_sel) {
  return hf::emu::bt::scalef32_sr(hf::emu::sem::Fmt::e4m3_ocp, old, double(x), seed, scale, byte_sel);
}
inline int __builtin_amdgcn_cvt_scalef32_sr_bf8_f16(unsigned old, _Float16 x, unsigned seed, float scale,
                                                    int byte_sel) {
  return hf::emu::bt::scalef32_sr(hf::emu::sem::Fmt::e5m2_ocp, old, double(x), seed, scale, byte_sel);
}
inline int __builtin_amdgcn_cvt_scalef32_sr_fp8_bf16(unsigned old, __bf16 x, unsigned seed, float scale,
                                                     int byte_sel) {
  return hf::emu::bt::scalef32_sr(hf::emu::sem::Fmt::e4m3_ocp, old, double(float(x)), seed, scale, byte_sel);
}
inline int __builtin_amdgcn_cvt_scalef32_sr_bf8_bf16(unsigned old, __bf16 x, unsigned seed, float scale,
                                                     int byte_sel) {
  return hf::emu::bt::scalef32_sr(hf::emu::sem::Fmt::e5m2_ocp, old, double(float(x)), seed, scale, byte_sel);
}
// fp8/bf8 → f32 / f16 / bf16 times 2^exp(scale), rounded to nearest even.
inline float __builtin_amdgcn_cvt_scalef32_f32_fp8(unsigned src, float scale, int byte_sel) {
  return hf::emu::bt::f32_round(hf::emu::bt::scalef32_up(hf::emu::sem::Fmt::e4m3_ocp, src, byte_sel, scale));
}
inline float __builtin_amdgcn_cvt_scalef32_f32_bf8(unsigned src, float scale, int byte_sel) {
  return hf::emu::bt::f32_round(hf::emu::bt::scalef32_up(hf::emu::sem::Fmt::e5m2_ocp, src, byte_sel, scale));
}
inline hf::emu::bt::v2f __builtin_amdgcn_cvt_scalef32_pk_f32_fp8(unsigned src, float scale, bool word_sel) {
  using namespace hf::emu::bt;
  const int b = word_sel ? 2 : 0;
  return v2f{f32_round(scalef32_up(hf::emu::sem::Fmt::e4m3_ocp, src, b, scale)),
             f32_round(scalef32_up(hf::emu::sem::Fmt::e4m3_ocp, src, b + 1, scale))};
}
inline hf::emu::bt::v2f __builtin_amdgcn_cvt_scalef32_pk_f32_bf8(unsigned src, float scale, bool word_sel) {
  using namespace hf::emu::bt;
  const int b = word_sel ? 2 : 0;
  return v2f{f32_round(scalef32_up(hf::emu::sem::Fmt::e5m2_ocp, src, b, scale)),
             f32_round(scalef32_up(hf::emu::sem::Fmt::e5m2_ocp, src, b + 1, scale))};
}
inline hf::emu::bt::v2h __builtin_amdgcn_cvt_scalef32_pk_f16_fp8(unsigned src, float scale, bool word_sel) {
  using namespace hf::emu::bt;
  const int b = word_sel ? 2 : 0;
  return v2h{f16_round(scalef32_up(hf::emu::sem::Fmt::e4m3_ocp, src, b, scale)),
             f16_round(scalef32_up(hf::emu::sem::Fmt::e4m3_ocp, src, b + 1, scale))};
}
inline hf::emu::bt::v2h __builtin_amdgcn_cvt_scalef32_pk_f16_bf8(unsigned src, float scale, bool word_sel) {
  using namespace hf::emu::bt;
  const int b = word_sel ? 2 : 0;
  return v2h{f16_round(scalef32_up(hf::emu::sem::Fmt::e5m2_ocp, src, b, scale)),
             f16_round(scalef32_up(hf::emu::sem::Fmt::e5m2_ocp, src, b + 1, scale))};
}
inline hf::emu::bt::v2y __builtin_amdgcn_cvt_scalef32_pk_bf16_fp8(unsigned src, float scale, bool word_sel) {
  using namespace hf::emu::bt;
  const int b = word_sel ? 2 : 0;
  return v2y{bf16_round(scalef32_up(hf::emu::sem::Fmt::e4m3_ocp, src, b, scale)),
             bf16_round(scalef32_up(hf::emu::sem::Fmt::e4m3_ocp, src, b + 1, scale))};
}
inline hf::emu::bt::v2y __builtin_amdgcn_cvt_scalef32_pk_bf16_bf8(unsigned src, float scale, bool word_sel) {
  using namespace hf::emu::bt;
  const int b = word_sel ? 2 : 0;
  return v2y{bf16_round(scalef32_up(hf::emu::sem::Fmt::e5m2_ocp, src, b, scale)),
             bf16_round(scalef32_up(hf::emu::sem::Fmt::e5m2_ocp, src, b + 1, scale))};
}
// One byte into half `dst_hi` of `old`.
inline hf::emu::bt::v2h __builtin_amdgcn_cvt_scalef32_f16_fp8(hf::emu::bt::v2h old, unsigned src, float scale,
                                                              int byte_sel, bool dst_hi) {
  old[dst_hi ? 1 : 0] =
      hf::emu::bt::f16_round(hf::emu::bt::scalef32_up(hf::emu::sem::Fmt::e4m3_ocp, src, byte_sel, scale));
  return old;
}
inline hf::emu::bt::v2h __builtin_amdgcn_cvt_scalef32_f16_bf8(hf::emu::bt::v2h old, unsigned src, float scale,
                                                              int byte_sel, bool dst_hi) {
  old[dst_hi ? 1 : 0] =
      hf::emu::bt::f16_round(hf::emu::bt::scalef32_up(hf::emu::sem::Fmt::e5m2_ocp, src, byte_sel, scale));
  return old;
}
#endif

// ---- math builtins --------------------------------------------------------------------------------------------------
// The hardware's transcendental ops are approximations (v_exp_f32, v_rcp_f32, v_log_f32: about 1 ulp, flushing
// denormal results in some modes). The emulator returns the correctly rounded host value: kernels are verified with
// error bounds, not bit-exactness, on these. NaN/Inf follow IEEE.
inline float __builtin_amdgcn_exp2f(float x) { return std::exp2(x); }
inline float __builtin_amdgcn_logf(float x) { return std::log2(x); }
inline float __builtin_amdgcn_rcpf(float x) { return 1.0f / x; }
inline double __builtin_amdgcn_rcp(double x) { return 1.0 / x; }
inline float __builtin_amdgcn_sqrtf(float x) { return std::sqrt(x); }
inline float __builtin_amdgcn_rsqf(float x) { return 1.0f / std::sqrt(x); }
inline float __builtin_amdgcn_ldexpf(float x, int e) { return std::ldexp(x, e); }
inline double __builtin_amdgcn_ldexp(double x, int e) { return std::ldexp(x, e); }
inline float __builtin_amdgcn_frexp_mantf(float x) {
  int e;
  return std::isfinite(x) ? std::frexp(x, &e) : x;
}
inline int __builtin_amdgcn_frexp_expf(float x) {
  int e = 0;
  if (std::isfinite(x)) std::frexp(x, &e);
  return e;
}
inline float __builtin_amdgcn_fractf(float x) {
  return std::isinf(x) ? 0.0f : std::fmin(x - std::floor(x), 0x1.fffffep-1f);
}
// v_med3_f32 (CDNA3 ISA): with any NaN operand the result is min3 (fmin ignores a quiet NaN, so the smaller of the
// others); otherwise the median.
inline float __builtin_amdgcn_fmed3f(float a, float b, float c) {
  if (std::isnan(a) || std::isnan(b) || std::isnan(c)) return std::fmin(std::fmin(a, b), c);
  return std::fmax(std::fmin(a, b), std::fmin(std::fmax(a, b), c));
}
inline _Float16 __builtin_amdgcn_fmed3h(_Float16 a, _Float16 b, _Float16 c) {
  return _Float16(__builtin_amdgcn_fmed3f(float(a), float(b), float(c)));
}
