// hipforge/numeric.hpp — device-side number conversions: bf16 <-> f32 and saturating f32 -> FP8 in the arch's
// flavour (FNUZ on gfx942, OCP on gfx950 and later; specs/numerics.md §1-2). Used by the quantization kernel and by
// GEMM/attention epilogues.
//
// FP8 rounding is RNE. "Saturating" means: finite values beyond the format's largest finite value and ±Inf become
// ±max; NaN stays NaN (FNUZ 0x80; OCP 0x7F/0xFF for e4m3, 0x7E/0xFE for e5m2). The clamp is done with compares and
// selects instead of fmed3 because fmed3's NaN result depends on the IEEE mode bit, and NaN must pass through.
#pragma once

#include "hipforge/device.hpp"

namespace hf {

/// The two FP8 formats, in the arch's flavour: `e4m3` is "fp8" and `e5m2` is "bf8" in AMD's instruction names.
enum class Fp8 { e4m3, e5m2 };

/// Largest finite value of the arch's FP8 format (gfx942 e4m3fnuz 240; OCP e4m3 448; e5m2 57344 in both).
template <Fp8 F>
__device__ constexpr float fp8_max() {
#if defined(__gfx942__)
  return F == Fp8::e4m3 ? 240.0f : 57344.0f;
#else
  return F == Fp8::e4m3 ? 448.0f : 57344.0f;
#endif
}

/// bf16 bits -> f32 (exact).
__device__ __attribute__((always_inline)) inline float bf16_to_f32(uint16_t bits) {
  return __builtin_bit_cast(float, uint32_t(bits) << 16);
}

/// f32 -> bf16 bits, round to nearest even; NaN stays a (quiet) NaN.
__device__ __attribute__((always_inline)) inline uint16_t f32_to_bf16(float v) {
  uint32_t u = __builtin_bit_cast(uint32_t, v);
  if ((u & 0x7FFFFFFFu) > 0x7F800000u) return uint16_t((u >> 16) | 0x40);
  u += 0x7FFFu + ((u >> 16) & 1u);
  return uint16_t(u >> 16);
}

/// Clamp to [-max, max]; NaN passes through unchanged (compares with NaN are false).
template <Fp8 F>
__device__ __attribute__((always_inline)) inline float fp8_clamp(float v) {
  constexpr float m = fp8_max<F>();
  return v > m ? m : (v < -m ? -m : v);
}

namespace numeric_detail {
// Portable RNE encoder for the arch's format (used where the arch has no conversion instruction, e.g. gfx1250 today,
// and by the emulator until its conversion builtins exist). Input is already clamped to [-max, max] or NaN.
template <Fp8 F>
__device__ inline uint32_t encode_fp8_soft(float v) {
#if defined(__gfx942__)
  constexpr bool fnuz = true;
#else
  constexpr bool fnuz = false;
#endif
  constexpr int man = F == Fp8::e4m3 ? 3 : 2;
  constexpr int bias = (F == Fp8::e4m3 ? 7 : 15) + (fnuz ? 1 : 0);
  constexpr int emin = 1 - bias;  // exponent of the smallest normal
  const uint32_t u = __builtin_bit_cast(uint32_t, v);
  const uint32_t sign = (u >> 24) & 0x80u;
  if (v != v) return fnuz ? 0x80u : (sign | (F == Fp8::e4m3 ? 0x7Fu : 0x7Eu));
  const float a = __builtin_fabsf(v);
  if (a == 0.0f) return fnuz ? 0u : sign;
  int e = int((u >> 23) & 0xFF) - 127;  // f32 subnormals are far below FP8's range: they round to 0
  const int qe = (e > emin ? e : emin) - man;   // exponent of one unit in the last place
  float r = __builtin_rintf(__builtin_ldexpf(a, -qe));  // exact scaling, then RNE to an integer
  int E = qe + man;
  if (r >= float(2 << man)) {  // rounding carried into the next binade
    r *= 0.5f;
    E += 1;
  }
  const uint32_t ri = uint32_t(r);
  uint32_t code;
  if (ri >= (1u << man)) {
    code = (uint32_t(E + bias) << man) | (ri - (1u << man));
  } else {
    code = ri;  // subnormal (biased exponent 0)
  }
  if (fnuz && code == 0) return 0u;  // no negative zero in FNUZ
  return sign | code;
}
}  // namespace numeric_detail

/// Saturating f32 -> FP8 of two values: byte 0 from `a`, byte 1 from `b`.
template <Fp8 F>
__device__ __attribute__((always_inline)) inline uint32_t cvt_pk_fp8_sat(float a, float b) {
  a = fp8_clamp<F>(a);
  b = fp8_clamp<F>(b);
#if (defined(__gfx942__) || defined(__gfx950__)) && \
    (!defined(HIPFORGE_EMULATOR) || __has_include("hipforge/emu/builtins_cvt.hpp"))
  // One instruction converts two f32 to two FP8 (RNE) into the low 16 bits: FNUZ on gfx942, OCP on gfx950.
  if constexpr (F == Fp8::e4m3) {
    return uint32_t(__builtin_amdgcn_cvt_pk_fp8_f32(a, b, 0, false)) & 0xFFFFu;
  } else {
    return uint32_t(__builtin_amdgcn_cvt_pk_bf8_f32(a, b, 0, false)) & 0xFFFFu;
  }
#else
  return numeric_detail::encode_fp8_soft<F>(a) | (numeric_detail::encode_fp8_soft<F>(b) << 8);
#endif
}

/// Saturating f32 -> FP8 of four values packed little-endian into one 32-bit word.
template <Fp8 F>
__device__ __attribute__((always_inline)) inline uint32_t cvt_pk4_fp8_sat(float a, float b, float c, float d) {
  return cvt_pk_fp8_sat<F>(a, b) | (cvt_pk_fp8_sat<F>(c, d) << 16);
}

/// Saturating f32 -> one FP8 byte.
template <Fp8 F>
__device__ __attribute__((always_inline)) inline uint8_t cvt_fp8_sat(float v) {
  return uint8_t(cvt_pk_fp8_sat<F>(v, 0.0f));
}

}  // namespace hf
