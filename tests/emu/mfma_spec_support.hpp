// tests/emu/mfma_spec_support.hpp — what the MFMA spec tests know, written from specs/mfma.md only.
//
// Nothing here calls the emulator's layout code: the matrix→register maps are the spec's *inverse* formulas
// (§3.1, §3.2, §3.3), the element codes are hand-derived from the §5 format table, so a wrong layout or decode in
// the emulator cannot agree with these by construction.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace spec {

/// Operand element kinds as the spec names them. fp8/bf8 are "the arch's" (FNUZ on gfx942, OCP on gfx950).
enum Kind { F16, BF16, I8, FP8, BF8, FP6, BF6, FP4 };

inline int bits_of(Kind k) {
  switch (k) {
    case F16: case BF16: return 16;
    case I8: case FP8: case BF8: return 8;
    case FP6: case BF6: return 6;
    case FP4: return 4;
  }
  return 0;
}

/// Values every floating format here represents exactly; products and sums of ≤128 of them are exact in f32.
inline const double kValues[] = {0.0, 0.5, 1.0, 1.5, 2.0, 3.0, -0.5, -1.0, -1.5, -2.0, -3.0};
constexpr int kNumValues = 11;

/// Hand-derived codes of kValues[0..5] (positive); negatives set the sign bit. Row order: F16, BF16, FP8 OCP,
/// FP8 FNUZ, BF8 OCP, BF8 FNUZ, FP6 (e2m3), BF6 (e3m2), FP4 (e2m1).
struct CodeTable { uint32_t pos[6]; uint32_t sign; };
inline const CodeTable kF16 = {{0x0000, 0x3800, 0x3C00, 0x3E00, 0x4000, 0x4200}, 0x8000};
inline const CodeTable kBF16 = {{0x0000, 0x3F00, 0x3F80, 0x3FC0, 0x4000, 0x4040}, 0x8000};
inline const CodeTable kE4M3 = {{0x00, 0x30, 0x38, 0x3C, 0x40, 0x44}, 0x80};       // bias 7
inline const CodeTable kE4M3Fnuz = {{0x00, 0x38, 0x40, 0x44, 0x48, 0x4C}, 0x80};   // bias 8
inline const CodeTable kE5M2 = {{0x00, 0x38, 0x3C, 0x3E, 0x40, 0x42}, 0x80};       // bias 15
inline const CodeTable kE5M2Fnuz = {{0x00, 0x3C, 0x40, 0x42, 0x44, 0x46}, 0x80};   // bias 16
inline const CodeTable kE2M3 = {{0x00, 0x04, 0x08, 0x0C, 0x10, 0x14}, 0x20};
inline const CodeTable kE3M2 = {{0x00, 0x08, 0x0C, 0x0E, 0x10, 0x12}, 0x20};
inline const CodeTable kE2M1 = {{0x0, 0x1, 0x2, 0x3, 0x4, 0x5}, 0x8};

inline const CodeTable& table(Kind k, bool gfx942) {
  switch (k) {
    case F16: return kF16;
    case BF16: return kBF16;
    case FP8: return gfx942 ? kE4M3Fnuz : kE4M3;
    case BF8: return gfx942 ? kE5M2Fnuz : kE5M2;
    case FP6: return kE2M3;
    case BF6: return kE3M2;
    default: return kE2M1;
  }
}

/// Code of kValues[idx] in kind k (idx 0..10). The value 0 is +0 (code 0) in every format.
inline uint32_t code_of(Kind k, int idx, bool gfx942) {
  const CodeTable& t = table(k, gfx942);
  return idx < 6 ? t.pos[idx] : (t.pos[idx - 5] | t.sign);
}

/// One instruction under test.
struct Op {
  const char* name;
  int mn, k;
  Kind a, b;
  bool f8f6f4;  // gfx950 f8f6f4 family: 8-bit operands use split-16
  bool gfx950_only;
};

/// §3.1/§3.2 inverse: where element (mn, k) of an A or B operand lives (lane, item).
inline void where_ab(const Op& op, Kind kind, int mn, int k, int& lane, int& item) {
  const int G = 64 / op.mn;
  if (op.f8f6f4 && bits_of(kind) == 8) {  // split-16
    const int half = op.k / 2;
    lane = mn + op.mn * ((k % half) / 16);
    item = 16 * (k / half) + (k % 16);
  } else {
    const int KL = op.k / G;
    lane = mn + op.mn * (k / KL);
    item = k % KL;
  }
}

/// §3.3 inverse: where D[i][j] (and C[i][j]) lives (lane, vgpr).
inline void where_cd(int mn, int i, int j, int& lane, int& vgpr) {
  if (mn == 16) {
    lane = 16 * (i / 4) + j;
    vgpr = i % 4;
  } else {
    lane = 32 * ((i / 4) % 2) + j;
    vgpr = 4 * (i / 8) + (i % 4);
  }
}

/// Writes item `e` of width w into a little-endian VGPR group (§1).
inline void put(uint32_t* regs, int e, int w, uint32_t v) {
  for (int b = 0; b < w; ++b) {
    const int bit = e * w + b;
    const uint32_t m = 1u << (bit % 32);
    if ((v >> b) & 1) regs[bit / 32] |= m; else regs[bit / 32] &= ~m;
  }
}

/// The 25 f8f6f4 format pairs and the dense instructions of §4 (rows 1–16).
inline std::vector<Op> all_ops() {
  std::vector<Op> ops = {
      {"mfma_f32_16x16x16f16", 16, 16, F16, F16, false, false},
      {"mfma_f32_32x32x8f16", 32, 8, F16, F16, false, false},
      {"mfma_f32_16x16x16bf16_1k", 16, 16, BF16, BF16, false, false},
      {"mfma_f32_32x32x8bf16_1k", 32, 8, BF16, BF16, false, false},
      {"mfma_i32_16x16x32_i8", 16, 32, I8, I8, false, false},
      {"mfma_i32_32x32x16_i8", 32, 16, I8, I8, false, false},
      {"mfma_f32_16x16x32_fp8_fp8", 16, 32, FP8, FP8, false, false},
      {"mfma_f32_16x16x32_fp8_bf8", 16, 32, FP8, BF8, false, false},
      {"mfma_f32_16x16x32_bf8_fp8", 16, 32, BF8, FP8, false, false},
      {"mfma_f32_16x16x32_bf8_bf8", 16, 32, BF8, BF8, false, false},
      {"mfma_f32_32x32x16_fp8_fp8", 32, 16, FP8, FP8, false, false},
      {"mfma_f32_32x32x16_fp8_bf8", 32, 16, FP8, BF8, false, false},
      {"mfma_f32_32x32x16_bf8_fp8", 32, 16, BF8, FP8, false, false},
      {"mfma_f32_32x32x16_bf8_bf8", 32, 16, BF8, BF8, false, false},
      {"mfma_f32_16x16x32_f16", 16, 32, F16, F16, false, true},
      {"mfma_f32_16x16x32_bf16", 16, 32, BF16, BF16, false, true},
      {"mfma_f32_32x32x16_f16", 32, 16, F16, F16, false, true},
      {"mfma_f32_32x32x16_bf16", 32, 16, BF16, BF16, false, true},
      {"mfma_i32_16x16x64_i8", 16, 64, I8, I8, false, true},
      {"mfma_i32_32x32x32_i8", 32, 32, I8, I8, false, true},
  };
  static const Kind f8f6f4[5] = {FP8, BF8, FP6, BF6, FP4};
  for (int s = 0; s < 2; ++s)
    for (int fa = 0; fa < 5; ++fa)
      for (int fb = 0; fb < 5; ++fb)
        ops.push_back({s == 0 ? "mfma_scale_f32_16x16x128_f8f6f4" : "mfma_scale_f32_32x32x64_f8f6f4",
                       s == 0 ? 16 : 32, s == 0 ? 128 : 64, f8f6f4[fa], f8f6f4[fb], true, true});
  return ops;
}

/// f8f6f4 format code of a kind (§6.1).
inline int f8f6f4_code(Kind k) { return k == FP8 ? 0 : k == BF8 ? 1 : k == FP6 ? 2 : k == BF6 ? 3 : 4; }

/// A random problem: matrices (as value indices / ints), C, and their register images built with the spec maps.
struct Problem {
  int mn, k;
  std::vector<double> A, B, C;        // row-major A[mn][k], B[k][mn], C[mn][mn]
  uint32_t a[64][8] = {}, b[64][8] = {}, c[64][16] = {};
  uint32_t sa[64] = {}, sb[64] = {};  // scale registers (scaled ops)
  int opsel_a = 0, opsel_b = 0;
  std::vector<double> SA, SB;         // decoded scales [mn][k/32], 1.0 when unscaled
};

inline Problem make_problem(const Op& op, bool gfx942, std::mt19937& rng, bool scaled) {
  Problem p;
  p.mn = op.mn;
  p.k = op.k;
  const int MN = op.mn, K = op.k;
  p.A.assign(MN * K, 0);
  p.B.assign(K * MN, 0);
  p.C.assign(MN * MN, 0);
  const bool integer = op.a == I8;
  auto pick = [&](Kind kind, double& val) -> uint32_t {
    if (integer) {
      const int v = int(rng() % 256) - 128;
      val = v;
      return uint32_t(uint8_t(int8_t(v)));
    }
    const int idx = int(rng() % kNumValues);
    val = kValues[idx];
    return code_of(kind, idx, gfx942);
  };
  for (int i = 0; i < MN; ++i)
    for (int k = 0; k < K; ++k) {
      int lane, item;
      where_ab(op, op.a, i, k, lane, item);
      put(p.a[lane], item, bits_of(op.a), pick(op.a, p.A[i * K + k]));
    }
  for (int k = 0; k < K; ++k)
    for (int j = 0; j < MN; ++j) {
      int lane, item;
      where_ab(op, op.b, j, k, lane, item);
      put(p.b[lane], item, bits_of(op.b), pick(op.b, p.B[k * MN + j]));
    }
  for (int i = 0; i < MN; ++i)
    for (int j = 0; j < MN; ++j) {
      int lane, vgpr;
      where_cd(MN, i, j, lane, vgpr);
      const int v = int(rng() % 64) - 32;
      p.C[i * MN + j] = v;
      if (integer) {
        p.c[lane][vgpr] = uint32_t(v);
      } else {
        const float f = float(v);
        std::memcpy(&p.c[lane][vgpr], &f, 4);
      }
    }
  const int blocks = K / 32;
  p.SA.assign(MN * (blocks > 0 ? blocks : 1), 1.0);
  p.SB.assign(MN * (blocks > 0 ? blocks : 1), 1.0);
  if (scaled) {
    // §3.4: lane L's selected byte scales row/column L % MN, k-block L / MN. Other bytes hold decoys.
    p.opsel_a = int(rng() % 4);
    p.opsel_b = int(rng() % 4);
    for (int L = 0; L < 64; ++L) {
      const uint32_t ea = 125 + rng() % 5, eb = 125 + rng() % 5;  // 2^-2 .. 2^2: D stays exact in f32
      p.sa[L] = (rng() & 0xFFFFFFFFu);
      p.sb[L] = (rng() & 0xFFFFFFFFu);
      p.sa[L] = (p.sa[L] & ~(0xFFu << (8 * p.opsel_a))) | (ea << (8 * p.opsel_a));
      p.sb[L] = (p.sb[L] & ~(0xFFu << (8 * p.opsel_b))) | (eb << (8 * p.opsel_b));
      p.SA[(L % MN) * blocks + L / MN] = std::ldexp(1.0, int(ea) - 127);
      p.SB[(L % MN) * blocks + L / MN] = std::ldexp(1.0, int(eb) - 127);
    }
  }
  return p;
}

/// D = C + Σ_g SA·SB·Σ_k A·B per §6.3 (SA = SB = 1 when unscaled), exact in double for these values.
inline std::vector<double> expected_d(const Problem& p, bool integer) {
  const int MN = p.mn, K = p.k, blocks = K / 32 > 0 ? K / 32 : 1;
  std::vector<double> D(MN * MN);
  for (int i = 0; i < MN; ++i)
    for (int j = 0; j < MN; ++j) {
      if (integer) {
        int64_t acc = int64_t(p.C[i * MN + j]);
        for (int k = 0; k < K; ++k) acc += int64_t(p.A[i * K + k]) * int64_t(p.B[k * MN + j]);
        D[i * MN + j] = double(int32_t(uint32_t(uint64_t(acc))));
        continue;
      }
      double acc = p.C[i * MN + j];
      for (int k = 0; k < K; ++k) {
        const int g = K >= 32 ? k / 32 : 0;
        acc += p.SA[i * blocks + g] * p.SB[j * blocks + g] * p.A[i * K + k] * p.B[k * MN + j];
      }
      D[i * MN + j] = acc;
    }
  return D;
}

/// Compares D registers against the expected matrix through the spec's C/D map; returns mismatches.
inline int compare_d(const Op& op, const uint32_t (*d)[16], const std::vector<double>& D, std::string& first) {
  int bad = 0;
  for (int i = 0; i < op.mn; ++i)
    for (int j = 0; j < op.mn; ++j) {
      int lane, vgpr;
      where_cd(op.mn, i, j, lane, vgpr);
      double got;
      if (op.a == I8) {
        got = double(int32_t(d[lane][vgpr]));
      } else {
        float f;
        std::memcpy(&f, &d[lane][vgpr], 4);
        got = f;
      }
      if (got != D[i * op.mn + j]) {
        if (!bad) {
          char buf[160];
          std::snprintf(buf, sizeof buf, "D[%d][%d] (lane %d vgpr %d) = %g, expected %g", i, j, lane, vgpr, got,
                        D[i * op.mn + j]);
          first = buf;
        }
        ++bad;
      }
    }
  return bad;
}

}  // namespace spec
