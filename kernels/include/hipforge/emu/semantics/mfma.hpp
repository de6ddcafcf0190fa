// hipforge/emu/semantics/mfma.hpp — one MFMA instruction over a whole wave, as a pure function (specs/mfma.md).
//
// Registers in, registers out: `a[lane][vgpr]`, `b[lane][vgpr]`, `c[lane][vgpr]` are the 32-bit VGPR contents of all
// 64 lanes (EXEC is ignored, §2.1). The steps follow §8: unpack A and B to matrices with the §3 layouts, unpack C,
// decode scales, compute every D[i][j] with the arch's arithmetic (§7), pack D.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "hipforge/emu/semantics/exact_sum.hpp"
#include "hipforge/emu/semantics/formats.hpp"

// Semantics are not kernel memory traffic: keep the checkers' instrumentation (-fsanitize-coverage) out of them.
#pragma clang attribute push(__attribute__((no_sanitize("coverage"))), apply_to = function)

namespace hf::emu::sem {

constexpr int kWave = 64;

/// Element kind of an MFMA operand. fp8/bf8 are the arch's (FNUZ on gfx942, OCP on gfx950); the f8f6f4 codes map
/// to fp8 (0), bf8 (1), fp6 (2), bf6 (3), fp4 (4).
enum class Elem : uint8_t { f16, bf16, i8, fp8, bf8, fp6, bf6, fp4 };

constexpr int elem_bits(Elem e) {
  switch (e) {
    case Elem::f16: case Elem::bf16: return 16;
    case Elem::i8: case Elem::fp8: case Elem::bf8: return 8;
    case Elem::fp6: case Elem::bf6: return 6;
    case Elem::fp4: return 4;
  }
  return 0;
}

/// f8f6f4 format selector (cbsz/blgp) to element kind; false for the reserved codes 5..7.
constexpr bool elem_from_f8f6f4_code(int code, Elem& out) {
  switch (code) {
    case 0: out = Elem::fp8; return true;
    case 1: out = Elem::bf8; return true;
    case 2: out = Elem::fp6; return true;
    case 3: out = Elem::bf6; return true;
    case 4: out = Elem::fp4; return true;
    default: return false;
  }
}

/// One instruction's shape: M = N = mn, K, operand kinds, and whether it is the gfx950 f8f6f4 family (whose 8-bit
/// operands use the split-16 layout of §3.2).
struct MfmaDesc {
  int mn, k;
  Elem a, b;
  bool f8f6f4;
  bool is_int() const { return a == Elem::i8; }
  int items_per_lane() const { return k * mn / kWave; }
  int vgprs(Elem e) const { return (items_per_lane() * elem_bits(e) + 31) / 32; }
  int cd_vgprs() const { return mn * mn / kWave; }
};

/// §3.1 / §3.2: (row-or-column, k) of item `e` of lane `L` of an A or B operand of kind `el`.
inline void ab_coords(const MfmaDesc& d, Elem el, int L, int e, int& mn_idx, int& k) {
  mn_idx = L % d.mn;
  const bool split16 = d.f8f6f4 && elem_bits(el) == 8;
  if (split16)
    k = 16 * (L / d.mn) + (d.k / 2) * (e / 16) + (e % 16);
  else
    k = d.items_per_lane() * (L / d.mn) + e;
}

/// §3.3: (i, j) of VGPR `r` of lane `L` of C or D.
inline void cd_coords(int mn, int L, int r, int& i, int& j) {
  j = L % mn;
  i = mn == 16 ? 4 * (L / 16) + r : 8 * (r / 4) + 4 * (L / 32) + (r % 4);
}

/// Item `e` (width w bits) of a little-endian register group (§1).
inline uint32_t get_item(const uint32_t* regs, int e, int w) {
  const int bit = e * w;
  uint64_t pair = regs[bit / 32];
  if ((bit % 32) + w > 32) pair |= uint64_t(regs[bit / 32 + 1]) << 32;
  return uint32_t(pair >> (bit % 32)) & ((1u << w) - 1);
}

inline void put_item(uint32_t* regs, int e, int w, uint32_t v) {
  const int bit = e * w;
  const uint64_t mask = ((uint64_t(1) << w) - 1) << (bit % 32);
  uint64_t pair = regs[bit / 32] | (((bit % 32) + w > 32) ? uint64_t(regs[bit / 32 + 1]) << 32 : 0);
  pair = (pair & ~mask) | ((uint64_t(v) << (bit % 32)) & mask);
  regs[bit / 32] = uint32_t(pair);
  if ((bit % 32) + w > 32) regs[bit / 32 + 1] = uint32_t(pair >> 32);
}

/// Decodes one A/B item exactly (§5): the legacy fp8/bf8 are FNUZ on gfx942 and OCP on gfx950.
inline double decode_elem(Elem el, uint32_t raw, Arch arch) {
  switch (el) {
    case Elem::f16: return decode_f16_bits(uint16_t(raw));
    case Elem::bf16: return f32_from_bf16_bits(uint16_t(raw));
    case Elem::i8: return double(int8_t(uint8_t(raw)));
    case Elem::fp8: return decode(fp8_of(arch), raw);
    case Elem::bf8: return decode(bf8_of(arch), raw);
    case Elem::fp6: return decode(Fmt::e2m3, raw);
    case Elem::bf6: return decode(Fmt::e3m2, raw);
    case Elem::fp4: return decode(Fmt::e2m1, raw);
  }
  return NAN;
}

/// Scale operands of the scaled f8f6f4 ops (§6.2). `unscaled` = the compile-time-zero fold of §6.4.
struct MfmaScales {
  uint32_t a[kWave], b[kWave];
  int opsel_a, opsel_b;
  bool unscaled;
};

/// Register images of one wave. A/B: up to 8 VGPRs per lane; C/D: up to 16.
struct MfmaRegs {
  uint32_t a[kWave][8];
  uint32_t b[kWave][8];
  uint32_t c[kWave][16];
};

namespace detail {

/// §7.2: an input as (integer significand with `frac` fractional bits, exponent); subnormals clamped to the format's
/// minimum exponent, zero at exponent -126.
struct SigExp {
  int64_t sig;
  int exp;
};

inline SigExp split(double x, int frac, int emin) {
  if (x == 0.0) return {0, -126};
  const int e = std::max(std::ilogb(x), emin);
  return {int64_t(std::ldexp(x, frac - e)), e};
}

inline void elem_frac_emin(Elem el, int& frac, int& emin) {
  switch (el) {
    case Elem::f16: frac = 10; emin = -14; return;
    case Elem::bf16: frac = 7; emin = -126; return;
    case Elem::fp8: frac = 3; emin = -7; return;   // E4M3FNUZ
    case Elem::bf8: frac = 2; emin = -15; return;  // E5M2FNUZ
    default: frac = 0; emin = 0; return;
  }
}

/// Shift an integer left (n ≥ 0) or right (n < 0) with truncation toward zero.
inline int64_t shift_trunc(int64_t v, int n) {
  if (n >= 0) return v << n;
  if (-n >= 63) return 0;
  return v < 0 ? -((-v) >> -n) : v >> -n;
}
/// Shift right rounding toward −∞ (arithmetic shift), left if n ≥ 0.
inline int64_t shift_floor(int64_t v, int n) {
  if (n >= 0) return v << n;
  if (-n >= 63) return v < 0 ? -1 : 0;
  return v >> -n;
}

struct Product {
  int64_t sig;  // significand product, 24 fractional bits after alignment
  int frac;     // fractional bits of sig before alignment
  int exp;
};

/// Fused sum of §7.2 step 3: align to the chunk's largest exponent, keep 24 fractional bits truncating each term.
inline void fused_sum(const Product* p, int n, int64_t& S, int& E) {
  E = p[0].exp;
  for (int t = 1; t < n; ++t) E = std::max(E, p[t].exp);
  S = 0;
  for (int t = 0; t < n; ++t) S += shift_trunc(p[t].sig, 24 - p[t].frac - (E - p[t].exp));
}

/// One chunk of the gfx942 model (§7.2): returns the new accumulator.
inline float cdna3_chunk(const double* a, const double* b, int n, Elem ea, Elem eb, float acc) {
  // Step 1: special values, decided in binary64.
  double s64 = acc;
  for (int t = 0; t < n; ++t) s64 += a[t] * b[t];
  if (std::isnan(s64)) return f32_from_bits(kQuietNaN32);
  if (std::isinf(s64)) return float(s64);
  bool pinf = false, ninf = false;
  Product prod[32];
  int fa, ma, fb, mb;
  elem_frac_emin(ea, fa, ma);
  elem_frac_emin(eb, fb, mb);
  for (int t = 0; t < n; ++t) {
    const double p = a[t] * b[t];
    if (p >= 0x1p128) pinf = true;
    if (p <= -0x1p128) ninf = true;
    const SigExp x = split(a[t], fa, ma), y = split(b[t], fb, mb);
    prod[t] = {x.sig * y.sig, fa + fb, x.exp + y.exp};
  }
  if (pinf && ninf) return f32_from_bits(kQuietNaN32);
  if (pinf) return INFINITY;
  if (ninf) return -INFINITY;
  const bool fp8 = ea == Elem::fp8 || ea == Elem::bf8;
  int64_t S;
  int E;
  if (fp8) {
    // Even-k and odd-k products fused separately, then re-aligned rounding down.
    Product even[16], odd[16];
    int ne = 0, no = 0;
    for (int t = 0; t < n; ++t) (t % 2 == 0 ? even[ne++] : odd[no++]) = prod[t];
    int64_t S0, S1;
    int E0, E1;
    fused_sum(even, ne, S0, E0);
    fused_sum(odd, no, S1, E1);
    E = std::max(E0, E1);
    S = shift_floor(S0, E0 - E) + shift_floor(S1, E1 - E);
  } else {
    fused_sum(prod, n, S, E);
  }
  // Step 4: combine with the accumulator.
  const SigExp c = split(double(acc), 23, -126);
  const int M = std::max(E, c.exp);
  const int64_t s31 = shift_floor(S, 7 + E - M);              // 31 fractional bits at exponent M
  int64_t c31 = shift_floor(c.sig, 1 + c.exp - M) << 7;       // 24 fractional bits, widened to 31
  if (fp8 && c.exp < M - 25) c31 = 0;
  ExactSum r;
  r.add(s31 + c31, M - 31);
  return r.round_f32();
}

}  // namespace detail

/// Executes one MFMA for the whole wave. `d_out[lane][r]` receives D (f32 bits or i32). `scales` is null for the
/// non-scaled instructions. Inputs must already be validated (cbsz/abid/blgp, format codes).
inline void mfma(Arch arch, const MfmaDesc& d, const MfmaRegs& in, const MfmaScales* scales,
                 uint32_t (*d_out)[16]) {
  const int MN = d.mn, K = d.k, KL = d.items_per_lane();
  static thread_local double A[32][128], B[128][32];
  const int wa = elem_bits(d.a), wb = elem_bits(d.b);
  for (int L = 0; L < kWave; ++L) {
    for (int e = 0; e < KL; ++e) {
      int r, k;
      ab_coords(d, d.a, L, e, r, k);
      A[r][k] = decode_elem(d.a, get_item(in.a[L], e, wa), arch);
      ab_coords(d, d.b, L, e, r, k);
      B[k][r] = decode_elem(d.b, get_item(in.b[L], e, wb), arch);
    }
  }
  // Block scales (§3.4): lane L's selected byte scales row/col L % MN, k-block L / MN.
  double SA[32][4], SB[32][4];
  const bool scaled = scales && !scales->unscaled;
  for (int L = 0; L < kWave && scaled; ++L) {
    SA[L % MN][L / MN] = decode_e8m0(scales->a[L] >> (8 * scales->opsel_a));
    SB[L % MN][L / MN] = decode_e8m0(scales->b[L] >> (8 * scales->opsel_b));
  }
  for (int L = 0; L < kWave; ++L) {
    for (int r = 0; r < d.cd_vgprs(); ++r) {
      int i, j;
      cd_coords(MN, L, r, i, j);
      if (d.is_int()) {
        int64_t acc = int32_t(in.c[L][r]);
        for (int k = 0; k < K; ++k) acc += int64_t(A[i][k]) * int64_t(B[k][j]);
        d_out[L][r] = uint32_t(uint64_t(acc));  // wraps modulo 2^32 (§2.5)
        continue;
      }
      const float c = f32_from_bits(in.c[L][r]);
      float out;
      if (arch == Arch::gfx942) {
        // §7.2: chunks of min(8, K) for 16-bit inputs, 16 for fp8/bf8, in increasing k.
        const int G = (d.a == Elem::f16 || d.a == Elem::bf16) ? std::min(8, K) : 16;
        double ra[32], rb[32];
        out = c;
        for (int k0 = 0; k0 < K; k0 += G) {
          for (int t = 0; t < G; ++t) ra[t] = A[i][k0 + t], rb[t] = B[k0 + t][j];
          out = detail::cdna3_chunk(ra, rb, G, d.a, d.b, out);
        }
      } else {
        // gfx950 policy (docs/emulator-builtins.md): C + Σ (scaled) products summed exactly, one RNE rounding.
        bool nan = std::isnan(c), pinf = std::isinf(c) && c > 0, ninf = std::isinf(c) && c < 0;
        ExactSum s;
        s.add(double(c));
        for (int k = 0; k < K && !nan; ++k) {
          double p = A[i][k] * B[k][j];
          if (scaled) p = p * SA[i][k / 32] * SB[j][k / 32];  // powers of two: exact unless NaN
          if (std::isnan(p)) nan = true;
          else if (std::isinf(p)) (p > 0 ? pinf : ninf) = true;
          else s.add(p);
        }
        if (nan || (pinf && ninf)) out = f32_from_bits(kQuietNaN32);
        else if (pinf) out = INFINITY;
        else if (ninf) out = -INFINITY;
        else out = s.round_f32();
      }
      d_out[L][r] = f32_bits(out);
    }
  }
}

}  // namespace hf::emu::sem

#pragma clang attribute pop
