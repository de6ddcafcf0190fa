// hipforge/emu/semantics/mfma.hpp — one MFMA instruction over a whole wave, as a pure function (specs/mfma.md).
//
// Registers in, registers out: `a[lane][vgpr]`, `b[lane][vgpr]`, `c[lane][vgpr]` are the 32-bit VGPR contents of all
// 64 lanes (EXEC is ignored, §2.1). The steps follow §8: unpack A and B to matrices with the §3 layouts, unpack C,
// decode scales, compute every D[i][j] with the arch's arithmetic (§7), pack D.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>

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

/// A decoded element as an exact integer pair: value = sig · 2^exp (cls: finite, NaN, +Inf, −Inf). Building these
/// once per MFMA keeps libm out of the inner loops: every product is an integer multiply and an exponent add.
struct El {
  int32_t sig;
  int32_t exp;
  uint8_t cls;  // 0 finite, 1 NaN, 2 +Inf, 3 -Inf
};
enum : uint8_t { kFinite = 0, kNaN = 1, kPosInf = 2, kNegInf = 3 };

inline El el_from_double(double v) {
  if (std::isnan(v)) return {0, 0, kNaN};
  if (std::isinf(v)) return {0, 0, uint8_t(v > 0 ? kPosInf : kNegInf)};
  if (v == 0.0) return {0, 0, kFinite};
  int e;
  const double m = std::frexp(v, &e);  // v = m·2^e, 24 bits are plenty for every format here
  return {int32_t(std::ldexp(m, 24)), e - 24, kFinite};
}

/// Binary float bits (1 sign, `eb` exponent bits, `mb` mantissa bits, IEEE specials) to El, closed form.
inline El el_from_ieee(uint32_t bits, int eb, int mb) {
  const uint32_t bias = (1u << (eb - 1)) - 1;
  const uint32_t e = (bits >> mb) & ((1u << eb) - 1), m = bits & ((1u << mb) - 1);
  const bool neg = (bits >> (eb + mb)) & 1;
  if (e == (1u << eb) - 1) return {0, 0, uint8_t(m ? kNaN : (neg ? kNegInf : kPosInf))};
  const int32_t sig = int32_t(e ? ((1u << mb) | m) : m);
  const int32_t exp = int32_t(e ? e : 1) - int32_t(bias) - mb;
  return {neg ? -sig : sig, exp, kFinite};
}

/// Table of the ≤8-bit float formats' codes, built once (thread-safe static initialization).
inline const El* small_table(Elem el, Arch arch) {
  struct Tables {
    El t[2][8][256] = {};
    Tables() {
      for (int a = 0; a < 2; ++a)
        for (Elem e : {Elem::fp8, Elem::bf8, Elem::fp6, Elem::bf6, Elem::fp4})
          for (int c = 0; c < 256; ++c)
            t[a][int(e)][c] = el_from_double(decode_elem(e, uint32_t(c), a == 0 ? Arch::gfx942 : Arch::gfx950));
    }
  };
  static const Tables tables;
  return tables.t[arch == Arch::gfx942 ? 0 : 1][int(el)];
}

inline El decode_el(Elem el, uint32_t raw, const El* table) {
  switch (el) {
    case Elem::f16: return el_from_ieee(raw & 0xFFFF, 5, 10);
    case Elem::bf16: return el_from_ieee(raw & 0xFFFF, 8, 7);
    case Elem::i8: return {int32_t(int8_t(uint8_t(raw))), 0, kFinite};
    default: return table[raw & 0xFF];
  }
}

inline int bit_length(uint64_t x) { return x ? 64 - __builtin_clzll(x) : 0; }

/// §7.2: an element as (integer significand with `frac` fractional bits, exponent), subnormals clamped to the
/// format's minimum exponent `emin`, zero at exponent −126.
struct SigExp {
  int64_t sig;
  int exp;
};
inline SigExp split(const El& x, int frac, int emin) {
  if (x.sig == 0) return {0, -126};
  const uint64_t mag = uint64_t(x.sig < 0 ? -int64_t(x.sig) : int64_t(x.sig));
  const int e = std::max(x.exp + bit_length(mag) - 1, emin);
  const int sh = x.exp + frac - e;  // exact by construction: the format has `frac` fractional bits at exponent e
  const int64_t s = sh >= 0 ? int64_t(x.sig) << sh : int64_t(x.sig) / (int64_t(1) << -sh);
  return {s, e};
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
  int64_t sig;  // significand product
  int frac;     // its fractional bits
  int exp;
};

/// Fused sum of §7.2 step 3: align to the chunk's largest exponent, keep 24 fractional bits truncating each term.
inline void fused_sum(const Product* p, int n, int stride, int64_t& S, int& E) {
  E = p[0].exp;
  for (int t = stride; t < n; t += stride) E = std::max(E, p[t].exp);
  S = 0;
  for (int t = 0; t < n; t += stride) S += shift_trunc(p[t].sig, 24 - p[t].frac - (E - p[t].exp));
}

/// IEEE classes of a sum of products plus acc, as binary64 would find them (products of finite inputs never
/// overflow binary64 here): NaN, ±Inf or finite.
inline uint8_t special_class(const El* a, const El* b, int n, uint8_t acc_cls) {
  bool nan = acc_cls == kNaN, pinf = acc_cls == kPosInf, ninf = acc_cls == kNegInf;
  for (int t = 0; t < n; ++t) {
    const El &x = a[t], &y = b[t];
    if (x.cls == kFinite && y.cls == kFinite) continue;
    if (x.cls == kNaN || y.cls == kNaN) { nan = true; continue; }
    const bool xz = x.cls == kFinite && x.sig == 0, yz = y.cls == kFinite && y.sig == 0;
    if (xz || yz) { nan = true; continue; }  // 0 · Inf
    const bool xneg = x.cls == kNegInf || (x.cls == kFinite && x.sig < 0);
    const bool yneg = y.cls == kNegInf || (y.cls == kFinite && y.sig < 0);
    (xneg != yneg ? ninf : pinf) = true;
  }
  if (nan || (pinf && ninf)) return kNaN;
  return pinf ? kPosInf : ninf ? kNegInf : kFinite;
}

inline El el_from_f32(float f) { return el_from_ieee(f32_bits(f), 8, 23); }

/// v·2^e rounded to binary32, RNE, subnormals kept, overflow to ±Inf (|v| < 2^127).
inline float round_i128_f32(__int128 v, int e) {
  if (v == 0) return 0.0f;
  const bool neg = v < 0;
  const unsigned __int128 mag = neg ? (unsigned __int128)(-v) : (unsigned __int128)v;
  const uint64_t hi64 = uint64_t(mag >> 64);
  const int msb = hi64 ? 127 - __builtin_clzll(hi64) : 63 - __builtin_clzll(uint64_t(mag));
  const int q = std::max(msb + e - 23, -149);  // exponent of the last place kept
  const int shift = q - e;
  uint64_t mant;
  if (shift <= 0) {
    mant = uint64_t(mag) << -shift;  // fewer than 24 significant bits: exact
  } else if (shift > 128) {
    mant = 0;  // below half of the smallest subnormal
  } else {
    mant = shift == 128 ? 0 : uint64_t(mag >> shift);
    const bool guard = (mag >> (shift - 1)) & 1;
    const bool sticky = shift >= 2 && (mag & ((((unsigned __int128)1) << (shift - 1)) - 1)) != 0;
    if (guard && (sticky || (mant & 1))) ++mant;
  }
  const float r = float(std::ldexp(double(mant), q));
  return neg ? -r : r;
}

inline float class_value(uint8_t cls) {
  return cls == kNaN ? f32_from_bits(kQuietNaN32) : cls == kPosInf ? INFINITY : -INFINITY;
}

/// One chunk of the gfx942 model (§7.2): returns the new accumulator.
inline float cdna3_chunk(const El* a, const El* b, const SigExp* sa, const SigExp* sb, int n, bool fp8, int fab,
                         bool inputs_finite, bool bf16, float acc) {
  // Step 1: special values as binary64 would see them, then products of magnitude ≥ 2^128 (bf16 only).
  const El ce = el_from_f32(acc);
  const uint8_t cls = inputs_finite ? ce.cls : special_class(a, b, n, ce.cls);
  if (cls != kFinite) return class_value(cls);
  bool pinf = false, ninf = false;
  Product prod[32];
  for (int t = 0; t < n; ++t) {
    if (bf16) {
      const int64_t p = int64_t(a[t].sig) * b[t].sig;
      if (p != 0 && a[t].exp + b[t].exp + bit_length(uint64_t(p < 0 ? -p : p)) - 1 >= 128) (p > 0 ? pinf : ninf) = true;
    }
    prod[t] = {sa[t].sig * sb[t].sig, fab, sa[t].exp + sb[t].exp};
  }
  if (pinf && ninf) return f32_from_bits(kQuietNaN32);
  if (pinf) return INFINITY;
  if (ninf) return -INFINITY;
  int64_t S;
  int E;
  if (fp8) {
    // Even-k and odd-k products fused separately, then re-aligned rounding down.
    int64_t S0, S1;
    int E0, E1;
    fused_sum(prod, n, 2, S0, E0);
    fused_sum(prod + 1, n - 1, 2, S1, E1);
    E = std::max(E0, E1);
    S = shift_floor(S0, E0 - E) + shift_floor(S1, E1 - E);
  } else {
    fused_sum(prod, n, 1, S, E);
  }
  // Step 4: combine with the accumulator.
  const SigExp c = split(ce, 23, -126);
  const int M = std::max(E, c.exp);
  const int64_t s31 = shift_floor(S, 7 + E - M);         // 31 fractional bits at exponent M
  int64_t c31 = shift_floor(c.sig, 1 + c.exp - M) * 128;  // 24 fractional bits, widened to 31
  if (fp8 && c.exp < M - 25) c31 = 0;
  // |s31 + c31| < 2^53 here, so the double is exact and its conversion to float is the one RNE rounding.
  return float(std::ldexp(double(s31 + c31), M - 31));
}

}  // namespace detail

/// Executes one MFMA for the whole wave. `d_out[lane][r]` receives D (f32 bits or i32). `scales` is null for the
/// non-scaled instructions. Inputs must already be validated (cbsz/abid/blgp, format codes).
inline void mfma(Arch arch, const MfmaDesc& d, const MfmaRegs& in, const MfmaScales* scales,
                 uint32_t (*d_out)[16]) {
  using namespace detail;
  const int MN = d.mn, K = d.k, KL = d.items_per_lane();
  // Per-host-thread scratch on the heap: static TLS this large would shrink every thread's stack (glibc carves
  // static TLS out of it), so only a pointer lives in TLS.
  struct Scratch {
    El A[32][128], Bt[32][128];        // Bt[j][k]: B transposed, so both walk k contiguously
    SigExp A7[32][128], B7[32][128];  // §7.2 splits (gfx942)
  };
  static thread_local std::unique_ptr<Scratch> scratch;
  if (!scratch) scratch.reset(new Scratch);
  auto& A = scratch->A;
  auto& Bt = scratch->Bt;
  auto& A7 = scratch->A7;
  auto& B7 = scratch->B7;
  const int wa = elem_bits(d.a), wb = elem_bits(d.b);
  const El* ta = (wa <= 8 && d.a != Elem::i8) ? small_table(d.a, arch) : nullptr;
  const El* tb = (wb <= 8 && d.b != Elem::i8) ? small_table(d.b, arch) : nullptr;
  for (int L = 0; L < kWave; ++L) {
    for (int e = 0; e < KL; ++e) {
      int r, k;
      ab_coords(d, d.a, L, e, r, k);
      A[r][k] = decode_el(d.a, get_item(in.a[L], e, wa), ta);
      ab_coords(d, d.b, L, e, r, k);
      Bt[r][k] = decode_el(d.b, get_item(in.b[L], e, wb), tb);
    }
  }
  // Rows of A / columns of B with only finite elements skip the special-value scan.
  bool a_fin[32], b_fin[32];
  for (int r = 0; r < MN; ++r) {
    a_fin[r] = b_fin[r] = true;
    for (int k = 0; k < K; ++k) a_fin[r] &= A[r][k].cls == kFinite, b_fin[r] &= Bt[r][k].cls == kFinite;
  }
  const bool cdna3 = arch == Arch::gfx942 && !d.is_int();
  int fa = 0, fb = 0;
  if (cdna3) {
    int ma, mb;
    elem_frac_emin(d.a, fa, ma);
    elem_frac_emin(d.b, fb, mb);
    for (int r = 0; r < MN; ++r)
      for (int k = 0; k < K; ++k) A7[r][k] = split(A[r][k], fa, ma), B7[r][k] = split(Bt[r][k], fb, mb);
  }
  // Block scales (§3.4): lane L's selected byte scales row/col L % MN, k-block L / MN. Kept as exponents.
  int SA[32][4] = {}, SB[32][4] = {};
  bool SAnan[32][4] = {}, SBnan[32][4] = {};
  const bool scaled = scales && !scales->unscaled;
  for (int L = 0; L < kWave && scaled; ++L) {
    const uint32_t sa = (scales->a[L] >> (8 * scales->opsel_a)) & 0xFF, sb = (scales->b[L] >> (8 * scales->opsel_b)) & 0xFF;
    SA[L % MN][L / MN] = int(sa) - 127;
    SB[L % MN][L / MN] = int(sb) - 127;
    SAnan[L % MN][L / MN] = sa == 0xFF;
    SBnan[L % MN][L / MN] = sb == 0xFF;
  }
  for (int L = 0; L < kWave; ++L) {
    for (int r = 0; r < d.cd_vgprs(); ++r) {
      int i, j;
      cd_coords(MN, L, r, i, j);
      if (d.is_int()) {
        int64_t acc = int32_t(in.c[L][r]);
        for (int k = 0; k < K; ++k) acc += int64_t(A[i][k].sig) * Bt[j][k].sig;
        d_out[L][r] = uint32_t(uint64_t(acc));  // wraps modulo 2^32 (§2.5)
        continue;
      }
      const float c = f32_from_bits(in.c[L][r]);
      float out;
      if (cdna3) {
        // §7.2: chunks of min(8, K) for 16-bit inputs, 16 for fp8/bf8, in increasing k.
        const bool fp8 = d.a == Elem::fp8 || d.a == Elem::bf8;
        const int G = fp8 ? 16 : std::min(8, K);
        out = c;
        for (int k0 = 0; k0 < K; k0 += G)
          out = cdna3_chunk(&A[i][k0], &Bt[j][k0], &A7[i][k0], &B7[j][k0], G, fp8, fa + fb, a_fin[i] && b_fin[j],
                            d.a == Elem::bf16, out);
      } else {
        // gfx950 policy (docs/emulator-builtins.md): C + Σ (scaled) products summed exactly, one RNE rounding.
        const El ce = el_from_f32(c);
        uint8_t cls = (a_fin[i] && b_fin[j]) ? ce.cls : special_class(&A[i][0], &Bt[j][0], K, ce.cls);
        if (scaled && cls != kNaN)
          for (int g = 0; g < K / 32; ++g)
            if (SAnan[i][g] || SBnan[j][g]) cls = kNaN;
        if (cls != kFinite) {
          out = class_value(cls);
        } else {
          // Terms m·2^e; when they span < 120 bits a 128-bit integer holds the exact sum (the common case),
          // otherwise the 768-bit accumulator does.
          int64_t m[129];
          int ex[129];
          int n = 0, lo = 1 << 30, hi = -(1 << 30);
          auto term = [&](int64_t v, int e) {
            if (v == 0) return;
            m[n] = v;
            ex[n++] = e;
            lo = std::min(lo, e);
            hi = std::max(hi, e + 48);  // every El significand has at most 24 bits, a product at most 48
          };
          term(ce.sig, ce.exp);
          for (int k = 0; k < K; ++k) {
            const El &x = A[i][k], &y = Bt[j][k];
            const int se = scaled ? SA[i][k / 32] + SB[j][k / 32] : 0;  // powers of two: exact
            term(int64_t(x.sig) * y.sig, x.exp + y.exp + se);
          }
          if (n == 0) {
            out = 0.0f;
          } else if (hi - lo <= 118) {  // ≤ 129 terms below 2^118: |sum| < 2^126
            __int128 acc = 0;
            for (int t = 0; t < n; ++t) acc += (__int128)m[t] << (ex[t] - lo);
            out = round_i128_f32(acc, lo);
          } else {
            ExactSum s;
            for (int t = 0; t < n; ++t) s.add(m[t], ex[t]);
            out = s.round_f32();
          }
        }
      }
      d_out[L][r] = f32_bits(out);
    }
  }
}

}  // namespace hf::emu::sem

#pragma clang attribute pop
