// hipforge/emu/semantics/formats.hpp — bit-level number formats of CDNA3/CDNA4 (specs/mfma.md §5, numerics.md §1-2).
//
// Pure functions, no emulator state: the builtins (builtins_*.hpp) and the spec tests (tests/emu/) both use them.
// Values are carried as double: every format here (and every product of two of them, times E8M0 scales) is exact in
// binary64, so decoding never rounds.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

// Semantics are not kernel memory traffic: keep the checkers' instrumentation (-fsanitize-coverage) out of them.
#pragma clang attribute push(__attribute__((no_sanitize("coverage"))), apply_to = function)

namespace hf::emu::sem {

/// The two CDNA generations the emulator models. Passed at run time so one test binary can check both decodes.
enum class Arch : int { gfx942 = 942, gfx950 = 950 };

/// Every small format a builtin reads or writes.
enum class Fmt : uint8_t {
  e4m3_ocp,   // OCP FP8 e4m3fn: bias 7, 0x7F/0xFF NaN, no Inf (gfx950 "fp8", f8f6f4 code 0)
  e5m2_ocp,   // OCP FP8 e5m2: bias 15, IEEE-like Inf/NaN (gfx950 "bf8", f8f6f4 code 1)
  e4m3_fnuz,  // FNUZ e4m3: bias 8, 0x80 the only NaN (gfx942 "fp8")
  e5m2_fnuz,  // FNUZ e5m2: bias 16, 0x80 the only NaN (gfx942 "bf8")
  e2m3,       // FP6 (f8f6f4 code 2): all codes finite
  e3m2,       // BF6 (f8f6f4 code 3)
  e2m1,       // FP4 (f8f6f4 code 4)
};

/// The "fp8" and "bf8" of an arch's legacy instructions and conversions: FNUZ on gfx942, OCP on gfx950 (mfma.md §5).
constexpr Fmt fp8_of(Arch a) { return a == Arch::gfx942 ? Fmt::e4m3_fnuz : Fmt::e4m3_ocp; }
constexpr Fmt bf8_of(Arch a) { return a == Arch::gfx942 ? Fmt::e5m2_fnuz : Fmt::e5m2_ocp; }

struct FmtInfo {
  int ebits, mbits, bias;
  enum Special : uint8_t { none, fn, ieee, fnuz } special;
  double max_finite;
};

constexpr FmtInfo info(Fmt f) {
  switch (f) {
    case Fmt::e4m3_ocp: return {4, 3, 7, FmtInfo::fn, 448.0};
    case Fmt::e5m2_ocp: return {5, 2, 15, FmtInfo::ieee, 57344.0};
    case Fmt::e4m3_fnuz: return {4, 3, 8, FmtInfo::fnuz, 240.0};
    case Fmt::e5m2_fnuz: return {5, 2, 16, FmtInfo::fnuz, 57344.0};
    case Fmt::e2m3: return {2, 3, 1, FmtInfo::none, 7.5};
    case Fmt::e3m2: return {3, 2, 3, FmtInfo::none, 28.0};
    case Fmt::e2m1: return {2, 1, 1, FmtInfo::none, 6.0};
  }
  return {0, 0, 0, FmtInfo::none, 0.0};
}

constexpr int width_bits(Fmt f) { return 1 + info(f).ebits + info(f).mbits; }

inline uint32_t f32_bits(float x) { uint32_t u; std::memcpy(&u, &x, 4); return u; }
inline float f32_from_bits(uint32_t u) { float x; std::memcpy(&x, &u, 4); return x; }
inline constexpr uint32_t kQuietNaN32 = 0x7FC00000u;

/// Decodes the low `width_bits(f)` bits of `code` exactly.
inline double decode(Fmt f, uint32_t code) {
  const FmtInfo fi = info(f);
  const int w = 1 + fi.ebits + fi.mbits;
  code &= (1u << w) - 1;
  const uint32_t sign_bit = 1u << (w - 1);
  const uint32_t mag = code & (sign_bit - 1);
  const uint32_t emax_code = (1u << fi.ebits) - 1;
  const uint32_t e = mag >> fi.mbits;
  const uint32_t m = mag & ((1u << fi.mbits) - 1);
  switch (fi.special) {
    case FmtInfo::fnuz:
      if (code == sign_bit) return NAN;
      break;
    case FmtInfo::fn:
      if (mag == (sign_bit - 1)) return NAN;
      break;
    case FmtInfo::ieee:
      if (e == emax_code) return m == 0 ? ((code & sign_bit) ? -INFINITY : INFINITY) : NAN;
      break;
    case FmtInfo::none: break;
  }
  const double v = e == 0 ? std::ldexp(double(m), 1 - fi.bias - fi.mbits)
                          : std::ldexp(double((1u << fi.mbits) | m), int(e) - fi.bias - fi.mbits);
  return (code & sign_bit) ? -v : v;
}

/// E8M0 scale byte: 2^(s-127); 0xFF is NaN; 0 is 2^-127 (there is no zero).
inline double decode_e8m0(uint32_t s) {
  s &= 0xFF;
  return s == 0xFF ? NAN : std::ldexp(1.0, int(s) - 127);
}

/// Encodes `x` into format `f` with round-to-nearest-even: round first, then check overflow (numerics.md §2).
/// `saturate`: finite overflow and ±Inf give ±max. Otherwise overflow gives NaN (e4m3 OCP: 0x7F|sign; FNUZ: 0x80)
/// or ±Inf (e5m2 OCP: 0x7C|sign); FP6/FP4 have neither, so they always saturate. A NaN input gives the format's
/// NaN (e4m3 OCP 0x7F|sign, e5m2 OCP 0x7E|sign, FNUZ 0x80; FP6/FP4: +0, as the formats have no NaN).
/// −0 stays −0 except in FNUZ, which has no −0 (it becomes +0).
inline uint32_t encode(Fmt f, double x, bool saturate) {
  const FmtInfo fi = info(f);
  const int w = 1 + fi.ebits + fi.mbits;
  const uint32_t sign = std::signbit(x) ? (1u << (w - 1)) : 0u;
  const bool fnuz = fi.special == FmtInfo::fnuz;
  auto nan_code = [&]() -> uint32_t {
    switch (fi.special) {
      case FmtInfo::fnuz: return 0x80u;
      case FmtInfo::fn: return sign | 0x7Fu;
      case FmtInfo::ieee: return sign | 0x7Eu;
      case FmtInfo::none: return 0u;
    }
    return 0u;
  };
  const int emin = 1 - fi.bias;
  auto max_code = [&]() -> uint32_t {  // largest finite magnitude
    const double mx = fi.max_finite;
    int e = std::ilogb(mx);
    uint32_t mant = uint32_t(std::ldexp(mx, fi.mbits - e)) - (1u << fi.mbits);
    return (uint32_t(e + fi.bias) << fi.mbits) | mant;
  };
  auto overflow_code = [&]() -> uint32_t {
    if (saturate || fi.special == FmtInfo::none) return sign | max_code();
    if (fi.special == FmtInfo::ieee) return sign | (((1u << fi.ebits) - 1) << fi.mbits);
    return nan_code();
  };
  if (std::isnan(x)) return nan_code();
  if (std::isinf(x)) return overflow_code();
  const double a = std::fabs(x);
  if (a == 0.0) return fnuz ? 0u : sign;
  const int e = std::max(std::ilogb(a), emin);
  const int q = e - fi.mbits;                                      // exponent of one unit in the last place
  const double r = std::nearbyint(std::ldexp(a, -q));              // RNE (default rounding mode)
  const double v = std::ldexp(r, q);
  if (v > fi.max_finite) return overflow_code();
  if (v == 0.0) return fnuz ? 0u : sign;
  const int ev = std::ilogb(v);
  if (ev < emin) return sign | uint32_t(std::ldexp(v, fi.mbits - emin));  // subnormal
  const uint32_t mant = uint32_t(std::ldexp(v, fi.mbits - ev)) - (1u << fi.mbits);
  return sign | (uint32_t(ev + fi.bias) << fi.mbits) | mant;
}

/// Stochastic rounding as the SR conversions do it [UNVERIFIED bit-exactness]: add the low bits of `rng` below the
/// target precision to the magnitude, then truncate. `rng` = 0 rounds toward zero; the result is always one of the
/// two representable neighbours of x. Overflow follows `encode` (non-saturating).
inline uint32_t encode_sr(Fmt f, double x, uint32_t rng, bool saturate) {
  const FmtInfo fi = info(f);
  if (std::isnan(x) || std::isinf(x) || x == 0.0) return encode(f, x, saturate);
  const double a = std::fabs(x);
  const int e = std::max(std::ilogb(a), 1 - fi.bias);
  const int q = e - fi.mbits;
  const double scaled = std::ldexp(a, -q);     // units of the last place; fraction = the bits to be dropped
  const double lo = std::floor(scaled);
  const double frac = scaled - lo;             // exact: a has at most 53 significant bits
  // Compare the dropped fraction against a uniform threshold built from the rng word (32 bits of resolution).
  const double threshold = std::ldexp(double(rng), -32);
  const double r = (frac + threshold >= 1.0) ? lo + 1.0 : lo;
  const double v = std::copysign(std::ldexp(r, q), x);
  return encode(f, v, saturate);  // v is representable or overflows: encode only maps it to bits / overflow code
}

// ---- IEEE half and bfloat16 (RNE), as bit patterns so no host runtime function is needed ----

inline uint16_t bf16_bits_from_f32(float x) {
  uint32_t u = f32_bits(x);
  if ((u & 0x7FFFFFFFu) > 0x7F800000u) return uint16_t((u >> 16) | 0x40u);  // quiet NaN, sign and payload kept
  u += 0x7FFFu + ((u >> 16) & 1u);
  return uint16_t(u >> 16);
}
inline float f32_from_bf16_bits(uint16_t b) { return f32_from_bits(uint32_t(b) << 16); }

inline double decode_f16_bits(uint16_t h) {
  const int e = (h >> 10) & 0x1F, m = h & 0x3FF;
  const double s = (h & 0x8000) ? -1.0 : 1.0;
  if (e == 31) return m ? NAN : s * INFINITY;
  return s * (e ? std::ldexp(double(1024 | m), e - 25) : std::ldexp(double(m), -24));
}

inline uint16_t f16_bits_from_double(double x) {
  const uint16_t sign = std::signbit(x) ? 0x8000 : 0;
  if (std::isnan(x)) return 0x7E00 | sign;
  const double a = std::fabs(x);
  if (std::isinf(a)) return sign | 0x7C00;
  if (a == 0.0) return sign;
  const int e = std::max(std::ilogb(a), -14);
  const double r = std::nearbyint(std::ldexp(a, 10 - e));
  const double v = std::ldexp(r, e - 10);
  if (v > 65504.0) return sign | 0x7C00;
  const int ev = std::ilogb(v);
  if (ev < -14) return sign | uint16_t(std::ldexp(v, 24));
  return sign | uint16_t((ev + 15) << 10) | uint16_t(std::ldexp(v, 10 - ev) - 1024.0);
}

}  // namespace hf::emu::sem

#pragma clang attribute pop
