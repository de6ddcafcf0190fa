// hipforge/emu/semantics/exact_sum.hpp — an exact accumulator of scaled integers, rounded once to binary32.
//
// Why: the gfx950 MFMA policy (docs/emulator-builtins.md) is "exact sum, one RNE rounding", and the gfx942 model
// ends in one RNE rounding of a wide fixed-point value. Both need a sum that never rounds, over products spanning
// 2^-290 .. 2^290 (bf16 products, E8M0 scales). Digits are 32 bits wide but stored in int64 slots, so additions
// never propagate carries (2^30 additions fit) and cost three slot updates.
#pragma once

#include <cmath>
#include <cstdint>

// Semantics are not kernel memory traffic: keep the checkers' instrumentation (-fsanitize-coverage) out of them.
#pragma clang attribute push(__attribute__((no_sanitize("coverage"))), apply_to = function)

namespace hf::emu::sem {

class ExactSum {
 public:
  static constexpr int kDigits = 24;     // 768 bits
  static constexpr int kLowExp = -384;   // weight of bit 0 of digit 0

  /// Adds m·2^e exactly. Terms below 2^kLowExp cannot occur for the formats here and are dropped.
  void add(int64_t m, int e) {
    if (m == 0) return;
    int p = e - kLowExp;
    if (p < 0) {
      if (-p >= 63) return;
      m >>= -p;  // unreachable for CDNA formats; kept so a misuse cannot write out of bounds
      p = 0;
    }
    const int q = p >> 5, s = p & 31;
    if (q + 3 >= kDigits) return;  // beyond 2^(kLowExp+704): impossible for finite CDNA products
    __int128 v = (__int128)m << s;
    d_[q] += int64_t(v & 0xFFFFFFFF);
    v >>= 32;
    d_[q + 1] += int64_t(v & 0xFFFFFFFF);
    v >>= 32;
    d_[q + 2] += int64_t(v);
    lo_ = q < lo_ ? q : lo_;
    hi_ = q + 2 > hi_ ? q + 2 : hi_;
  }

  /// Adds a finite double exactly.
  void add(double x) {
    if (x == 0.0) return;
    int e;
    const double f = std::frexp(x, &e);  // x = f·2^e, 0.5 ≤ |f| < 1
    add(int64_t(std::ldexp(f, 53)), e - 53);
  }

  /// The sum rounded to binary32 with round-to-nearest-even (subnormals kept, overflow to ±Inf).
  float round_f32() const {
    if (hi_ < 0) return 0.0f;
    // Work on the touched digits only: [lo, top], one spare digit above for carries and the sign.
    const int lo = lo_, top = hi_ + 1;
    int64_t d[kDigits];
    for (int i = lo; i <= top; ++i) d[i] = d_[i];
    normalize(d, lo, top);
    const bool neg = d[top] < 0;
    if (neg) {
      for (int i = lo; i <= top; ++i) d[i] = -d[i];
      normalize(d, lo, top);
    }
    int t = top;
    while (t >= lo && d[t] == 0) --t;
    if (t < lo) return 0.0f;
    const int msb = t * 32 + (63 - __builtin_clzll(uint64_t(d[t])));  // bit index of the leading one
    const int msb_exp = msb + kLowExp;
    const int q_exp = msb_exp - 23 > -149 ? msb_exp - 23 : -149;  // exponent of the result's last place
    const int qb = q_exp - kLowExp;
    uint64_t mant = 0;
    for (int b = msb; b >= qb; --b) mant = (mant << 1) | bit(d, lo, b);
    const bool guard = qb >= 1 && bit(d, lo, qb - 1);
    bool sticky = false;
    if (qb >= 2) {
      const int sb = qb - 2;  // any one bit in [0, sb]?
      const int sd = sb >> 5;
      for (int i = lo; i < sd && !sticky; ++i) sticky = d[i] != 0;
      if (!sticky && sd >= lo) sticky = (uint64_t(d[sd]) & ((uint64_t(2) << (sb & 31)) - 1)) != 0;
    }
    if (guard && (sticky || (mant & 1))) ++mant;
    const float r = float(std::ldexp(double(mant), q_exp));  // exact, or ±Inf past the f32 range
    return neg ? -r : r;
  }

 private:
  static void normalize(int64_t* d, int lo, int top) {
    for (int i = lo; i < top; ++i) {
      const int64_t carry = d[i] >> 32;  // floor division: keeps the digit in [0, 2^32)
      d[i] -= carry * (int64_t(1) << 32);
      d[i + 1] += carry;
    }
  }
  static uint64_t bit(const int64_t* d, int lo, int b) {
    const int i = b >> 5;
    return i < lo ? 0 : (uint64_t(d[i]) >> (b & 31)) & 1;
  }

  int64_t d_[kDigits] = {};
  int lo_ = kDigits, hi_ = -1;
};

}  // namespace hf::emu::sem

#pragma clang attribute pop
