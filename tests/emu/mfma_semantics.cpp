// tests/emu/mfma_semantics.cpp — the emulator's MFMA semantics (hipforge/emu/semantics/mfma.hpp) against
// specs/mfma.md, for both archs in one binary: every instruction of §4, every lane and item (random exactly
// representable operands placed with the spec's inverse maps), the §9 spot-check samples, FP8 decoding per arch,
// split-16 vs contiguous, scale opsel, the constant-zero-scale rule and i8 wrapping.
#include <cmath>
#include <cstdio>
#include <random>

#include "check.hpp"
#include "hipforge/emu/semantics/mfma.hpp"
#include "mfma_spec_support.hpp"

namespace sem = hf::emu::sem;

static sem::Elem to_elem(spec::Kind k) {
  switch (k) {
    case spec::F16: return sem::Elem::f16;
    case spec::BF16: return sem::Elem::bf16;
    case spec::I8: return sem::Elem::i8;
    case spec::FP8: return sem::Elem::fp8;
    case spec::BF8: return sem::Elem::bf8;
    case spec::FP6: return sem::Elem::fp6;
    case spec::BF6: return sem::Elem::bf6;
    case spec::FP4: return sem::Elem::fp4;
  }
  return sem::Elem::f16;
}

static sem::MfmaDesc desc_of(const spec::Op& op) {
  return {op.mn, op.k, to_elem(op.a), to_elem(op.b), op.f8f6f4};
}

static void run(sem::Arch arch, const spec::Op& op, const spec::Problem& p, bool scaled, bool unscaled_fold,
                uint32_t (*d)[16]) {
  static sem::MfmaRegs regs;
  std::memcpy(regs.a, p.a, sizeof regs.a);
  std::memcpy(regs.b, p.b, sizeof regs.b);
  std::memcpy(regs.c, p.c, sizeof regs.c);
  sem::MfmaScales s{};
  std::memcpy(s.a, p.sa, sizeof s.a);
  std::memcpy(s.b, p.sb, sizeof s.b);
  s.opsel_a = p.opsel_a;
  s.opsel_b = p.opsel_b;
  s.unscaled = unscaled_fold;
  sem::mfma(arch, desc_of(op), regs, scaled || unscaled_fold ? &s : nullptr, d);
}

// Every instruction, every lane/item: random operands, exact expected D from §6.3 with the spec's maps.
static void test_all_ops_random() {
  std::mt19937 rng(1234);
  for (sem::Arch arch : {sem::Arch::gfx942, sem::Arch::gfx950}) {
    const bool g942 = arch == sem::Arch::gfx942;
    for (const spec::Op& op : spec::all_ops()) {
      if (op.gfx950_only && g942) continue;
      for (int scaled = 0; scaled <= (op.f8f6f4 ? 1 : 0); ++scaled) {
        for (int rep = 0; rep < 2; ++rep) {
          spec::Problem p = spec::make_problem(op, g942, rng, scaled);
          uint32_t d[64][16] = {};
          run(arch, op, p, scaled, false, d);
          std::string first;
          const int bad = spec::compare_d(op, d, spec::expected_d(p, op.a == spec::I8), first);
          HF_CHECK(bad == 0, "gfx%d %s a=%d b=%d scaled=%d: %d mismatches, first %s", int(arch), op.name, op.a,
                op.b, scaled, bad, first.c_str());
        }
      }
    }
  }
}

// §9 samples: an A item marked 1 with B = the one-hot column of its k must light up exactly row i of D.
struct Sample {
  const char* op;
  int fa, fb;  // f8f6f4 format codes (or -1)
  int a_lane, a_item, a_i, a_k;
  int b_lane, b_item, b_k, b_j;
  int d_lane, d_vgpr, d_i, d_j;
};

// Items are flattened: item = vgpr * (32 / width) + element, or the item number for 6-bit formats.
// Every row of every §9 table (transcribed from specs/mfma.md; "vR elem E" flattened to item R·(32/width)+E). Tables
// covering several instructions (fp8/bf8 variants, f16/bf16, FP8/BF8 and FP6/BF6 f8f6f4 operands) are checked on two
// of them each. The last row mixes an FP8 (split-16) A with an FP4 (contiguous) B.
static const Sample kSamples[] = {
    {"mfma_f32_16x16x16f16", -1, -1, 0, 2, 0, 2, 38, 1, 9, 6, 9, 3, 3, 9},
    {"mfma_f32_16x16x16f16", -1, -1, 7, 1, 7, 1, 51, 3, 15, 3, 20, 0, 4, 4},
    {"mfma_f32_16x16x16f16", -1, -1, 18, 2, 2, 6, 0, 3, 3, 0, 39, 1, 9, 7},
    {"mfma_f32_16x16x16f16", -1, -1, 37, 1, 5, 9, 1, 1, 1, 1, 52, 2, 14, 4},
    {"mfma_f32_16x16x16f16", -1, -1, 50, 2, 2, 14, 8, 1, 1, 8, 1, 3, 3, 1},
    {"mfma_f32_16x16x16f16", -1, -1, 63, 1, 15, 13, 19, 3, 7, 3, 2, 0, 0, 2},
    {"mfma_f32_32x32x8f16", -1, -1, 0, 2, 0, 2, 38, 1, 5, 6, 9, 3, 3, 9},
    {"mfma_f32_32x32x8f16", -1, -1, 7, 1, 7, 1, 51, 3, 7, 19, 20, 8, 16, 20},
    {"mfma_f32_32x32x8f16", -1, -1, 18, 2, 18, 2, 0, 3, 3, 0, 39, 13, 29, 7},
    {"mfma_f32_32x32x8f16", -1, -1, 37, 1, 5, 5, 1, 1, 1, 1, 52, 2, 6, 20},
    {"mfma_f32_32x32x8f16", -1, -1, 50, 2, 18, 6, 8, 1, 1, 8, 1, 7, 11, 1},
    {"mfma_f32_32x32x8f16", -1, -1, 63, 1, 31, 5, 19, 3, 3, 19, 2, 12, 24, 2},
    {"mfma_f32_16x16x16bf16_1k", -1, -1, 0, 2, 0, 2, 38, 1, 9, 6, 9, 3, 3, 9},
    {"mfma_f32_16x16x16bf16_1k", -1, -1, 7, 1, 7, 1, 51, 3, 15, 3, 20, 0, 4, 4},
    {"mfma_f32_16x16x16bf16_1k", -1, -1, 18, 2, 2, 6, 0, 3, 3, 0, 39, 1, 9, 7},
    {"mfma_f32_16x16x16bf16_1k", -1, -1, 37, 1, 5, 9, 1, 1, 1, 1, 52, 2, 14, 4},
    {"mfma_f32_16x16x16bf16_1k", -1, -1, 50, 2, 2, 14, 8, 1, 1, 8, 1, 3, 3, 1},
    {"mfma_f32_16x16x16bf16_1k", -1, -1, 63, 1, 15, 13, 19, 3, 7, 3, 2, 0, 0, 2},
    {"mfma_f32_32x32x8bf16_1k", -1, -1, 0, 2, 0, 2, 38, 1, 5, 6, 9, 3, 3, 9},
    {"mfma_f32_32x32x8bf16_1k", -1, -1, 7, 1, 7, 1, 51, 3, 7, 19, 20, 8, 16, 20},
    {"mfma_f32_32x32x8bf16_1k", -1, -1, 18, 2, 18, 2, 0, 3, 3, 0, 39, 13, 29, 7},
    {"mfma_f32_32x32x8bf16_1k", -1, -1, 37, 1, 5, 5, 1, 1, 1, 1, 52, 2, 6, 20},
    {"mfma_f32_32x32x8bf16_1k", -1, -1, 50, 2, 18, 6, 8, 1, 1, 8, 1, 7, 11, 1},
    {"mfma_f32_32x32x8bf16_1k", -1, -1, 63, 1, 31, 5, 19, 3, 3, 19, 2, 12, 24, 2},
    {"mfma_i32_16x16x32_i8", -1, -1, 0, 6, 0, 6, 38, 5, 21, 6, 9, 3, 3, 9},
    {"mfma_i32_16x16x32_i8", -1, -1, 7, 3, 7, 3, 51, 5, 29, 3, 20, 0, 4, 4},
    {"mfma_i32_16x16x32_i8", -1, -1, 18, 4, 2, 12, 0, 1, 1, 0, 39, 1, 9, 7},
    {"mfma_i32_16x16x32_i8", -1, -1, 37, 1, 5, 17, 1, 1, 1, 1, 52, 2, 14, 4},
    {"mfma_i32_16x16x32_i8", -1, -1, 50, 6, 2, 30, 8, 1, 1, 8, 1, 3, 3, 1},
    {"mfma_i32_16x16x32_i8", -1, -1, 63, 3, 15, 27, 19, 1, 9, 3, 2, 0, 0, 2},
    {"mfma_i32_32x32x16_i8", -1, -1, 0, 6, 0, 6, 38, 5, 13, 6, 9, 3, 3, 9},
    {"mfma_i32_32x32x16_i8", -1, -1, 7, 3, 7, 3, 51, 5, 13, 19, 20, 8, 16, 20},
    {"mfma_i32_32x32x16_i8", -1, -1, 18, 4, 18, 4, 0, 1, 1, 0, 39, 13, 29, 7},
    {"mfma_i32_32x32x16_i8", -1, -1, 37, 1, 5, 9, 1, 1, 1, 1, 52, 2, 6, 20},
    {"mfma_i32_32x32x16_i8", -1, -1, 50, 6, 18, 14, 8, 1, 1, 8, 1, 7, 11, 1},
    {"mfma_i32_32x32x16_i8", -1, -1, 63, 3, 31, 11, 19, 1, 1, 19, 2, 12, 24, 2},
    {"mfma_f32_16x16x32_fp8_fp8", -1, -1, 0, 6, 0, 6, 38, 5, 21, 6, 9, 3, 3, 9},
    {"mfma_f32_16x16x32_bf8_fp8", -1, -1, 0, 6, 0, 6, 38, 5, 21, 6, 9, 3, 3, 9},
    {"mfma_f32_16x16x32_fp8_fp8", -1, -1, 7, 3, 7, 3, 51, 5, 29, 3, 20, 0, 4, 4},
    {"mfma_f32_16x16x32_bf8_fp8", -1, -1, 7, 3, 7, 3, 51, 5, 29, 3, 20, 0, 4, 4},
    {"mfma_f32_16x16x32_fp8_fp8", -1, -1, 18, 4, 2, 12, 0, 1, 1, 0, 39, 1, 9, 7},
    {"mfma_f32_16x16x32_bf8_fp8", -1, -1, 18, 4, 2, 12, 0, 1, 1, 0, 39, 1, 9, 7},
    {"mfma_f32_16x16x32_fp8_fp8", -1, -1, 37, 1, 5, 17, 1, 1, 1, 1, 52, 2, 14, 4},
    {"mfma_f32_16x16x32_bf8_fp8", -1, -1, 37, 1, 5, 17, 1, 1, 1, 1, 52, 2, 14, 4},
    {"mfma_f32_16x16x32_fp8_fp8", -1, -1, 50, 6, 2, 30, 8, 1, 1, 8, 1, 3, 3, 1},
    {"mfma_f32_16x16x32_bf8_fp8", -1, -1, 50, 6, 2, 30, 8, 1, 1, 8, 1, 3, 3, 1},
    {"mfma_f32_16x16x32_fp8_fp8", -1, -1, 63, 3, 15, 27, 19, 1, 9, 3, 2, 0, 0, 2},
    {"mfma_f32_16x16x32_bf8_fp8", -1, -1, 63, 3, 15, 27, 19, 1, 9, 3, 2, 0, 0, 2},
    {"mfma_f32_32x32x16_fp8_fp8", -1, -1, 0, 6, 0, 6, 38, 5, 13, 6, 9, 3, 3, 9},
    {"mfma_f32_32x32x16_fp8_bf8", -1, -1, 0, 6, 0, 6, 38, 5, 13, 6, 9, 3, 3, 9},
    {"mfma_f32_32x32x16_fp8_fp8", -1, -1, 7, 3, 7, 3, 51, 5, 13, 19, 20, 8, 16, 20},
    {"mfma_f32_32x32x16_fp8_bf8", -1, -1, 7, 3, 7, 3, 51, 5, 13, 19, 20, 8, 16, 20},
    {"mfma_f32_32x32x16_fp8_fp8", -1, -1, 18, 4, 18, 4, 0, 1, 1, 0, 39, 13, 29, 7},
    {"mfma_f32_32x32x16_fp8_bf8", -1, -1, 18, 4, 18, 4, 0, 1, 1, 0, 39, 13, 29, 7},
    {"mfma_f32_32x32x16_fp8_fp8", -1, -1, 37, 1, 5, 9, 1, 1, 1, 1, 52, 2, 6, 20},
    {"mfma_f32_32x32x16_fp8_bf8", -1, -1, 37, 1, 5, 9, 1, 1, 1, 1, 52, 2, 6, 20},
    {"mfma_f32_32x32x16_fp8_fp8", -1, -1, 50, 6, 18, 14, 8, 1, 1, 8, 1, 7, 11, 1},
    {"mfma_f32_32x32x16_fp8_bf8", -1, -1, 50, 6, 18, 14, 8, 1, 1, 8, 1, 7, 11, 1},
    {"mfma_f32_32x32x16_fp8_fp8", -1, -1, 63, 3, 31, 11, 19, 1, 1, 19, 2, 12, 24, 2},
    {"mfma_f32_32x32x16_fp8_bf8", -1, -1, 63, 3, 31, 11, 19, 1, 1, 19, 2, 12, 24, 2},
    {"mfma_f32_16x16x32_f16", -1, -1, 0, 2, 0, 2, 38, 1, 17, 6, 9, 3, 3, 9},
    {"mfma_f32_16x16x32_bf16", -1, -1, 0, 2, 0, 2, 38, 1, 17, 6, 9, 3, 3, 9},
    {"mfma_f32_16x16x32_f16", -1, -1, 7, 1, 7, 1, 51, 3, 27, 3, 20, 0, 4, 4},
    {"mfma_f32_16x16x32_bf16", -1, -1, 7, 1, 7, 1, 51, 3, 27, 3, 20, 0, 4, 4},
    {"mfma_f32_16x16x32_f16", -1, -1, 18, 6, 2, 14, 0, 3, 3, 0, 39, 1, 9, 7},
    {"mfma_f32_16x16x32_bf16", -1, -1, 18, 6, 2, 14, 0, 3, 3, 0, 39, 1, 9, 7},
    {"mfma_f32_16x16x32_f16", -1, -1, 37, 5, 5, 21, 1, 5, 5, 1, 52, 2, 14, 4},
    {"mfma_f32_16x16x32_bf16", -1, -1, 37, 5, 5, 21, 1, 5, 5, 1, 52, 2, 14, 4},
    {"mfma_f32_16x16x32_f16", -1, -1, 50, 2, 2, 26, 8, 5, 5, 8, 1, 3, 3, 1},
    {"mfma_f32_16x16x32_bf16", -1, -1, 50, 2, 2, 26, 8, 5, 5, 8, 1, 3, 3, 1},
    {"mfma_f32_16x16x32_f16", -1, -1, 63, 1, 15, 25, 19, 7, 15, 3, 2, 0, 0, 2},
    {"mfma_f32_16x16x32_bf16", -1, -1, 63, 1, 15, 25, 19, 7, 15, 3, 2, 0, 0, 2},
    {"mfma_f32_32x32x16_f16", -1, -1, 0, 2, 0, 2, 38, 1, 9, 6, 9, 3, 3, 9},
    {"mfma_f32_32x32x16_bf16", -1, -1, 0, 2, 0, 2, 38, 1, 9, 6, 9, 3, 3, 9},
    {"mfma_f32_32x32x16_f16", -1, -1, 7, 1, 7, 1, 51, 3, 11, 19, 20, 8, 16, 20},
    {"mfma_f32_32x32x16_bf16", -1, -1, 7, 1, 7, 1, 51, 3, 11, 19, 20, 8, 16, 20},
    {"mfma_f32_32x32x16_f16", -1, -1, 18, 6, 18, 6, 0, 3, 3, 0, 39, 13, 29, 7},
    {"mfma_f32_32x32x16_bf16", -1, -1, 18, 6, 18, 6, 0, 3, 3, 0, 39, 13, 29, 7},
    {"mfma_f32_32x32x16_f16", -1, -1, 37, 5, 5, 13, 1, 5, 5, 1, 52, 2, 6, 20},
    {"mfma_f32_32x32x16_bf16", -1, -1, 37, 5, 5, 13, 1, 5, 5, 1, 52, 2, 6, 20},
    {"mfma_f32_32x32x16_f16", -1, -1, 50, 2, 18, 10, 8, 5, 5, 8, 1, 7, 11, 1},
    {"mfma_f32_32x32x16_bf16", -1, -1, 50, 2, 18, 10, 8, 5, 5, 8, 1, 7, 11, 1},
    {"mfma_f32_32x32x16_f16", -1, -1, 63, 1, 31, 9, 19, 7, 7, 19, 2, 12, 24, 2},
    {"mfma_f32_32x32x16_bf16", -1, -1, 63, 1, 31, 9, 19, 7, 7, 19, 2, 12, 24, 2},
    {"mfma_i32_16x16x64_i8", -1, -1, 0, 6, 0, 6, 38, 13, 45, 6, 9, 3, 3, 9},
    {"mfma_i32_16x16x64_i8", -1, -1, 7, 3, 7, 3, 51, 13, 61, 3, 20, 0, 4, 4},
    {"mfma_i32_16x16x64_i8", -1, -1, 18, 12, 2, 28, 0, 9, 9, 0, 39, 1, 9, 7},
    {"mfma_i32_16x16x64_i8", -1, -1, 37, 9, 5, 41, 1, 9, 9, 1, 52, 2, 14, 4},
    {"mfma_i32_16x16x64_i8", -1, -1, 50, 6, 2, 54, 8, 9, 9, 8, 1, 3, 3, 1},
    {"mfma_i32_16x16x64_i8", -1, -1, 63, 3, 15, 51, 19, 9, 25, 3, 2, 0, 0, 2},
    {"mfma_i32_32x32x32_i8", -1, -1, 0, 6, 0, 6, 38, 13, 29, 6, 9, 3, 3, 9},
    {"mfma_i32_32x32x32_i8", -1, -1, 7, 3, 7, 3, 51, 13, 29, 19, 20, 8, 16, 20},
    {"mfma_i32_32x32x32_i8", -1, -1, 18, 12, 18, 12, 0, 9, 9, 0, 39, 13, 29, 7},
    {"mfma_i32_32x32x32_i8", -1, -1, 37, 9, 5, 25, 1, 9, 9, 1, 52, 2, 6, 20},
    {"mfma_i32_32x32x32_i8", -1, -1, 50, 6, 18, 22, 8, 9, 9, 8, 1, 7, 11, 1},
    {"mfma_i32_32x32x32_i8", -1, -1, 63, 3, 31, 19, 19, 9, 9, 19, 2, 12, 24, 2},
    {"mfma_scale_f32_16x16x128_f8f6f4", 0, 0, 0, 6, 0, 6, 38, 13, 45, 6, 9, 3, 3, 9},
    {"mfma_scale_f32_16x16x128_f8f6f4", 1, 0, 0, 6, 0, 6, 38, 13, 45, 6, 9, 3, 3, 9},
    {"mfma_scale_f32_16x16x128_f8f6f4", 0, 0, 7, 19, 7, 67, 51, 29, 125, 3, 20, 0, 4, 4},
    {"mfma_scale_f32_16x16x128_f8f6f4", 1, 0, 7, 19, 7, 67, 51, 29, 125, 3, 20, 0, 4, 4},
    {"mfma_scale_f32_16x16x128_f8f6f4", 0, 0, 18, 28, 2, 92, 0, 9, 9, 0, 39, 1, 9, 7},
    {"mfma_scale_f32_16x16x128_f8f6f4", 1, 0, 18, 28, 2, 92, 0, 9, 9, 0, 39, 1, 9, 7},
    {"mfma_scale_f32_16x16x128_f8f6f4", 0, 0, 37, 9, 5, 41, 1, 25, 73, 1, 52, 2, 14, 4},
    {"mfma_scale_f32_16x16x128_f8f6f4", 1, 0, 37, 9, 5, 41, 1, 25, 73, 1, 52, 2, 14, 4},
    {"mfma_scale_f32_16x16x128_f8f6f4", 0, 0, 50, 22, 2, 118, 8, 9, 9, 8, 1, 3, 3, 1},
    {"mfma_scale_f32_16x16x128_f8f6f4", 1, 0, 50, 22, 2, 118, 8, 9, 9, 8, 1, 3, 3, 1},
    {"mfma_scale_f32_16x16x128_f8f6f4", 0, 0, 63, 3, 15, 51, 19, 25, 89, 3, 2, 0, 0, 2},
    {"mfma_scale_f32_16x16x128_f8f6f4", 1, 0, 63, 3, 15, 51, 19, 25, 89, 3, 2, 0, 0, 2},
    {"mfma_scale_f32_16x16x128_f8f6f4", 2, 2, 0, 0, 0, 0, 38, 13, 77, 6, 9, 3, 3, 9},
    {"mfma_scale_f32_16x16x128_f8f6f4", 3, 2, 0, 0, 0, 0, 38, 13, 77, 6, 9, 3, 3, 9},
    {"mfma_scale_f32_16x16x128_f8f6f4", 2, 2, 7, 5, 7, 5, 51, 21, 117, 3, 20, 0, 4, 4},
    {"mfma_scale_f32_16x16x128_f8f6f4", 3, 2, 7, 5, 7, 5, 51, 21, 117, 3, 20, 0, 4, 4},
    {"mfma_scale_f32_16x16x128_f8f6f4", 2, 2, 18, 13, 2, 45, 0, 26, 26, 0, 39, 1, 9, 7},
    {"mfma_scale_f32_16x16x128_f8f6f4", 3, 2, 18, 13, 2, 45, 0, 26, 26, 0, 39, 1, 9, 7},
    {"mfma_scale_f32_16x16x128_f8f6f4", 2, 2, 37, 21, 5, 85, 1, 31, 31, 1, 52, 2, 14, 4},
    {"mfma_scale_f32_16x16x128_f8f6f4", 3, 2, 37, 21, 5, 85, 1, 31, 31, 1, 52, 2, 14, 4},
    {"mfma_scale_f32_16x16x128_f8f6f4", 2, 2, 50, 26, 2, 122, 8, 0, 0, 8, 1, 3, 3, 1},
    {"mfma_scale_f32_16x16x128_f8f6f4", 3, 2, 50, 26, 2, 122, 8, 0, 0, 8, 1, 3, 3, 1},
    {"mfma_scale_f32_16x16x128_f8f6f4", 2, 2, 63, 31, 15, 127, 19, 5, 37, 3, 2, 0, 0, 2},
    {"mfma_scale_f32_16x16x128_f8f6f4", 3, 2, 63, 31, 15, 127, 19, 5, 37, 3, 2, 0, 0, 2},
    {"mfma_scale_f32_16x16x128_f8f6f4", 4, 4, 0, 10, 0, 10, 38, 17, 81, 6, 9, 3, 3, 9},
    {"mfma_scale_f32_16x16x128_f8f6f4", 4, 4, 7, 7, 7, 7, 51, 17, 113, 3, 20, 0, 4, 4},
    {"mfma_scale_f32_16x16x128_f8f6f4", 4, 4, 18, 28, 2, 60, 0, 9, 9, 0, 39, 1, 9, 7},
    {"mfma_scale_f32_16x16x128_f8f6f4", 4, 4, 37, 17, 5, 81, 1, 1, 1, 1, 52, 2, 14, 4},
    {"mfma_scale_f32_16x16x128_f8f6f4", 4, 4, 50, 14, 2, 110, 8, 1, 1, 8, 1, 3, 3, 1},
    {"mfma_scale_f32_16x16x128_f8f6f4", 4, 4, 63, 3, 15, 99, 19, 25, 57, 3, 2, 0, 0, 2},
    {"mfma_scale_f32_32x32x64_f8f6f4", 0, 0, 0, 6, 0, 6, 38, 13, 29, 6, 9, 3, 3, 9},
    {"mfma_scale_f32_32x32x64_f8f6f4", 0, 1, 0, 6, 0, 6, 38, 13, 29, 6, 9, 3, 3, 9},
    {"mfma_scale_f32_32x32x64_f8f6f4", 0, 0, 7, 19, 7, 35, 51, 29, 61, 19, 20, 8, 16, 20},
    {"mfma_scale_f32_32x32x64_f8f6f4", 0, 1, 7, 19, 7, 35, 51, 29, 61, 19, 20, 8, 16, 20},
    {"mfma_scale_f32_32x32x64_f8f6f4", 0, 0, 18, 28, 18, 44, 0, 9, 9, 0, 39, 13, 29, 7},
    {"mfma_scale_f32_32x32x64_f8f6f4", 0, 1, 18, 28, 18, 44, 0, 9, 9, 0, 39, 13, 29, 7},
    {"mfma_scale_f32_32x32x64_f8f6f4", 0, 0, 37, 9, 5, 25, 1, 25, 41, 1, 52, 2, 6, 20},
    {"mfma_scale_f32_32x32x64_f8f6f4", 0, 1, 37, 9, 5, 25, 1, 25, 41, 1, 52, 2, 6, 20},
    {"mfma_scale_f32_32x32x64_f8f6f4", 0, 0, 50, 22, 18, 54, 8, 9, 9, 8, 1, 7, 11, 1},
    {"mfma_scale_f32_32x32x64_f8f6f4", 0, 1, 50, 22, 18, 54, 8, 9, 9, 8, 1, 7, 11, 1},
    {"mfma_scale_f32_32x32x64_f8f6f4", 0, 0, 63, 3, 31, 19, 19, 25, 41, 19, 2, 12, 24, 2},
    {"mfma_scale_f32_32x32x64_f8f6f4", 0, 1, 63, 3, 31, 19, 19, 25, 41, 19, 2, 12, 24, 2},
    {"mfma_scale_f32_32x32x64_f8f6f4", 2, 2, 0, 0, 0, 0, 38, 13, 45, 6, 9, 3, 3, 9},
    {"mfma_scale_f32_32x32x64_f8f6f4", 2, 3, 0, 0, 0, 0, 38, 13, 45, 6, 9, 3, 3, 9},
    {"mfma_scale_f32_32x32x64_f8f6f4", 2, 2, 7, 5, 7, 5, 51, 21, 53, 19, 20, 8, 16, 20},
    {"mfma_scale_f32_32x32x64_f8f6f4", 2, 3, 7, 5, 7, 5, 51, 21, 53, 19, 20, 8, 16, 20},
    {"mfma_scale_f32_32x32x64_f8f6f4", 2, 2, 18, 13, 18, 13, 0, 26, 26, 0, 39, 13, 29, 7},
    {"mfma_scale_f32_32x32x64_f8f6f4", 2, 3, 18, 13, 18, 13, 0, 26, 26, 0, 39, 13, 29, 7},
    {"mfma_scale_f32_32x32x64_f8f6f4", 2, 2, 37, 21, 5, 53, 1, 31, 31, 1, 52, 2, 6, 20},
    {"mfma_scale_f32_32x32x64_f8f6f4", 2, 3, 37, 21, 5, 53, 1, 31, 31, 1, 52, 2, 6, 20},
    {"mfma_scale_f32_32x32x64_f8f6f4", 2, 2, 50, 26, 18, 58, 8, 0, 0, 8, 1, 7, 11, 1},
    {"mfma_scale_f32_32x32x64_f8f6f4", 2, 3, 50, 26, 18, 58, 8, 0, 0, 8, 1, 7, 11, 1},
    {"mfma_scale_f32_32x32x64_f8f6f4", 2, 2, 63, 31, 31, 63, 19, 5, 5, 19, 2, 12, 24, 2},
    {"mfma_scale_f32_32x32x64_f8f6f4", 2, 3, 63, 31, 31, 63, 19, 5, 5, 19, 2, 12, 24, 2},
    {"mfma_scale_f32_32x32x64_f8f6f4", 4, 4, 0, 10, 0, 10, 38, 17, 49, 6, 9, 3, 3, 9},
    {"mfma_scale_f32_32x32x64_f8f6f4", 4, 4, 7, 7, 7, 7, 51, 17, 49, 19, 20, 8, 16, 20},
    {"mfma_scale_f32_32x32x64_f8f6f4", 4, 4, 18, 28, 18, 28, 0, 9, 9, 0, 39, 13, 29, 7},
    {"mfma_scale_f32_32x32x64_f8f6f4", 4, 4, 37, 17, 5, 49, 1, 1, 1, 1, 52, 2, 6, 20},
    {"mfma_scale_f32_32x32x64_f8f6f4", 4, 4, 50, 14, 18, 46, 8, 1, 1, 8, 1, 7, 11, 1},
    {"mfma_scale_f32_32x32x64_f8f6f4", 4, 4, 63, 3, 31, 35, 19, 25, 25, 19, 2, 12, 24, 2},
    {"mfma_scale_f32_16x16x128_f8f6f4", 0, 4, 7, 19, 7, 67, 51, 17, 113, 3, 20, 0, 4, 4},
};

static spec::Kind kind_of_code(int c) {
  static const spec::Kind k[5] = {spec::FP8, spec::BF8, spec::FP6, spec::BF6, spec::FP4};
  return k[c];
}

static void test_samples() {
  for (const Sample& s : kSamples) {
    spec::Op op{};
    for (const spec::Op& o : spec::all_ops())
      if (std::string(o.name) == s.op && (s.fa < 0 || (o.a == kind_of_code(s.fa) && o.b == kind_of_code(s.fb))))
        op = o;
    HF_CHECK(op.name != nullptr, "sample op %s found", s.op);
    if (!op.name) continue;
    const int one_a = op.a == spec::I8 ? 1 : int(spec::code_of(op.a, 2, false));
    const int one_b = op.b == spec::I8 ? 1 : int(spec::code_of(op.b, 2, false));
    // A sample: item (a_lane, a_item) = 1; B[k][*] = 1 for k = a_k only. Then D[i][j] = 1 iff i == a_i.
    {
      spec::Problem p{};
      p.mn = op.mn;
      p.k = op.k;
      spec::put(p.a[s.a_lane], s.a_item, spec::bits_of(op.a), uint32_t(one_a));
      for (int j = 0; j < op.mn; ++j) {
        int lane, item;
        spec::where_ab(op, op.b, j, s.a_k, lane, item);
        spec::put(p.b[lane], item, spec::bits_of(op.b), uint32_t(one_b));
      }
      uint32_t d[64][16] = {};
      run(sem::Arch::gfx950, op, p, false, false, d);
      std::vector<double> D(op.mn * op.mn, 0.0);
      for (int j = 0; j < op.mn; ++j) D[s.a_i * op.mn + j] = 1.0;
      std::string first;
      HF_CHECK(spec::compare_d(op, d, D, first) == 0, "%s fa=%d: A sample L%d item %d -> (%d,%d): %s", s.op, s.fa,
            s.a_lane, s.a_item, s.a_i, s.a_k, first.c_str());
    }
    // B sample: item (b_lane, b_item) = 1; A[*][k] = 1 for k = b_k only. Then D[i][j] = 1 iff j == b_j.
    {
      spec::Problem p{};
      p.mn = op.mn;
      p.k = op.k;
      spec::put(p.b[s.b_lane], s.b_item, spec::bits_of(op.b), uint32_t(one_b));
      for (int i = 0; i < op.mn; ++i) {
        int lane, item;
        spec::where_ab(op, op.a, i, s.b_k, lane, item);
        spec::put(p.a[lane], item, spec::bits_of(op.a), uint32_t(one_a));
      }
      uint32_t d[64][16] = {};
      run(sem::Arch::gfx950, op, p, false, false, d);
      std::vector<double> D(op.mn * op.mn, 0.0);
      for (int i = 0; i < op.mn; ++i) D[i * op.mn + s.b_j] = 1.0;
      std::string first;
      HF_CHECK(spec::compare_d(op, d, D, first) == 0, "%s fb=%d: B sample L%d item %d -> (%d,%d): %s", s.op, s.fb,
            s.b_lane, s.b_item, s.b_k, s.b_j, first.c_str());
    }
    // C/D sample: A[i][0] = 1 for row d_i only, B[0][j] = 1 for column d_j only: the single 1 of D must be in
    // (d_lane, d_vgpr), read raw without the test's own C/D map.
    {
      spec::Problem p{};
      p.mn = op.mn;
      p.k = op.k;
      int lane, item;
      spec::where_ab(op, op.a, s.d_i, 0, lane, item);
      spec::put(p.a[lane], item, spec::bits_of(op.a), uint32_t(one_a));
      spec::where_ab(op, op.b, s.d_j, 0, lane, item);
      spec::put(p.b[lane], item, spec::bits_of(op.b), uint32_t(one_b));
      uint32_t d[64][16] = {};
      run(sem::Arch::gfx950, op, p, false, false, d);
      int nonzero = 0;
      bool at = false;
      for (int L = 0; L < 64; ++L)
        for (int r = 0; r < op.mn * op.mn / 64; ++r)
          if (d[L][r] != 0) {
            ++nonzero;
            at = L == s.d_lane && r == s.d_vgpr;
          }
      HF_CHECK(nonzero == 1 && at, "%s: D sample L%d v%d -> (%d,%d): %d nonzero", s.op, s.d_lane, s.d_vgpr, s.d_i,
            s.d_j, nonzero);
    }
  }
}

// The same FP8 bytes decode differently (§5): 0x40·0x38 is 2·1 under OCP, 1·0.5 under FNUZ; 0x80 is −0 vs NaN;
// 0x7F is NaN under OCP e4m3 and 240 under FNUZ.
static void test_fp8_arch_decode() {
  spec::Op op{"mfma_f32_16x16x32_fp8_fp8", 16, 32, spec::FP8, spec::FP8, false, false};
  sem::MfmaRegs regs{};
  for (int L = 0; L < 64; ++L)
    for (int v = 0; v < 2; ++v) regs.a[L][v] = 0x40404040u, regs.b[L][v] = 0x38383838u;
  uint32_t d942[64][16], d950[64][16];
  sem::mfma(sem::Arch::gfx942, desc_of(op), regs, nullptr, d942);
  sem::mfma(sem::Arch::gfx950, desc_of(op), regs, nullptr, d950);
  HF_CHECK(sem::f32_from_bits(d942[5][1]) == 16.0f, "gfx942 FNUZ: 32 x 1.0 x 0.5 = 16, got %g",
        sem::f32_from_bits(d942[5][1]));
  HF_CHECK(sem::f32_from_bits(d950[5][1]) == 64.0f, "gfx950 OCP: 32 x 2.0 x 1.0 = 64, got %g",
        sem::f32_from_bits(d950[5][1]));
  regs.a[3][0] = 0x40404080u;  // one element 0x80: A[3][0]
  sem::mfma(sem::Arch::gfx942, desc_of(op), regs, nullptr, d942);
  sem::mfma(sem::Arch::gfx950, desc_of(op), regs, nullptr, d950);
  int lane, vgpr;
  spec::where_cd(16, 3, 7, lane, vgpr);
  HF_CHECK(std::isnan(sem::f32_from_bits(d942[lane][vgpr])), "gfx942: 0x80 is NaN, row 3 must be NaN");
  HF_CHECK(sem::f32_from_bits(d950[lane][vgpr]) == 62.0f, "gfx950: 0x80 is -0, row 3 = 31 x 2 = 62, got %g",
        sem::f32_from_bits(d950[lane][vgpr]));
  regs.a[3][0] = 0x4040407Fu;  // 0x7F: 240 (FNUZ) vs NaN (OCP e4m3)
  sem::mfma(sem::Arch::gfx942, desc_of(op), regs, nullptr, d942);
  sem::mfma(sem::Arch::gfx950, desc_of(op), regs, nullptr, d950);
  HF_CHECK(sem::f32_from_bits(d942[lane][vgpr]) == 31.0f * 0.5f + 240.0f * 0.5f, "gfx942: 0x7F is 240, got %g",
        sem::f32_from_bits(d942[lane][vgpr]));
  HF_CHECK(std::isnan(sem::f32_from_bits(d950[lane][vgpr])), "gfx950: 0x7F is NaN in e4m3");
}

// Split-16 vs contiguous: the same 32 bytes per lane mean different k for FP8 (split-16) and FP4 (contiguous);
// checked by placing byte 16 of lane 0 (split-16: k = 64 for 16x16x128) and nibbles 16..17 (FP4 contiguous: k=16,17).
static void test_split16_vs_contiguous() {
  spec::Op fp8{"mfma_scale_f32_16x16x128_f8f6f4", 16, 128, spec::FP8, spec::FP8, true, true};
  sem::MfmaRegs regs{};
  regs.a[0][4] = 0x38;  // lane 0, VGPR 4, byte 0 = item 16 = 1.0 (OCP e4m3)
  // B[k][0] = k-dependent power of two only at k = 16 and k = 64 to tell the two layouts apart.
  int lane, item;
  spec::where_ab(fp8, spec::FP8, 0, 64, lane, item);
  spec::put(regs.b[lane], item, 8, 0x40);  // B[64][0] = 2
  spec::where_ab(fp8, spec::FP8, 0, 16, lane, item);
  spec::put(regs.b[lane], item, 8, 0x48);  // B[16][0] = 4
  uint32_t d[64][16];
  sem::mfma(sem::Arch::gfx950, desc_of(fp8), regs, nullptr, d);
  HF_CHECK(sem::f32_from_bits(d[0][0]) == 2.0f, "FP8 split-16: lane 0 item 16 is k=64 (D[0][0]=2), got %g",
        sem::f32_from_bits(d[0][0]));
  // A as FP4 (contiguous): lane 0 nibble 16 (VGPR 2, nibble 0) is k = 16.
  spec::Op mixed{"mfma_scale_f32_16x16x128_f8f6f4", 16, 128, spec::FP4, spec::FP8, true, true};
  sem::MfmaRegs r2{};
  r2.a[0][2] = 0x2;  // FP4 1.0 at item 16
  std::memcpy(r2.b, regs.b, sizeof r2.b);
  sem::mfma(sem::Arch::gfx950, desc_of(mixed), r2, nullptr, d);
  HF_CHECK(sem::f32_from_bits(d[0][0]) == 4.0f, "FP4 contiguous: lane 0 item 16 is k=16 (D[0][0]=4), got %g",
        sem::f32_from_bits(d[0][0]));
}

// Scale opsel and the constant-zero rule: all A = B = 1.0 (FP8), K = 128 → D = 128·SA·SB per block sum.
static void test_scales() {
  spec::Op op{"mfma_scale_f32_16x16x128_f8f6f4", 16, 128, spec::FP8, spec::FP8, true, true};
  sem::MfmaRegs regs{};
  for (int L = 0; L < 64; ++L)
    for (int v = 0; v < 8; ++v) regs.a[L][v] = regs.b[L][v] = 0x38383838u;
  sem::MfmaScales s{};
  for (int opsel = 0; opsel < 4; ++opsel) {
    // Byte `opsel` of every lane is 128 (×2) for A and 126 (×0.5) for B; the other bytes are 0xFF (NaN) decoys.
    for (int L = 0; L < 64; ++L) {
      s.a[L] = (0xFFFFFFFFu & ~(0xFFu << (8 * opsel))) | (128u << (8 * opsel));
      s.b[L] = (0xFFFFFFFFu & ~(0xFFu << (8 * opsel))) | (126u << (8 * opsel));
    }
    s.opsel_a = s.opsel_b = opsel;
    s.unscaled = false;
    uint32_t d[64][16];
    sem::mfma(sem::Arch::gfx950, desc_of(op), regs, &s, d);
    HF_CHECK(sem::f32_from_bits(d[17][2]) == 128.0f, "opsel %d: D = 128 x 2 x 0.5 = 128, got %g", opsel,
          sem::f32_from_bits(d[17][2]));
  }
  // Scale of lane 16+3 (row 3, block 1) only: A rows 3 gets ×4 on k 32..63 → D[3][*] = 96 + 32·4 = 224.
  for (int L = 0; L < 64; ++L) s.a[L] = s.b[L] = 127;
  s.a[16 + 3] = 129;
  s.opsel_a = s.opsel_b = 0;
  uint32_t d[64][16];
  sem::mfma(sem::Arch::gfx950, desc_of(op), regs, &s, d);
  int lane, vgpr;
  spec::where_cd(16, 3, 5, lane, vgpr);
  HF_CHECK(sem::f32_from_bits(d[lane][vgpr]) == 224.0f, "A scale of lane 19 = row 3, k-block 1: got %g",
        sem::f32_from_bits(d[lane][vgpr]));
  spec::where_cd(16, 4, 5, lane, vgpr);
  HF_CHECK(sem::f32_from_bits(d[lane][vgpr]) == 128.0f, "row 4 unscaled: got %g", sem::f32_from_bits(d[lane][vgpr]));
  // §6.4: scale registers 0 decoded at run time mean 2^-127 each; the compile-time-zero fold means 1.0.
  for (int L = 0; L < 64; ++L) s.a[L] = s.b[L] = 0;
  sem::mfma(sem::Arch::gfx950, desc_of(op), regs, &s, d);
  HF_CHECK(sem::f32_from_bits(d[0][0]) == 0.0f, "runtime zero scales: 128 x 2^-254 underflows to 0, got %g",
        sem::f32_from_bits(d[0][0]));
  s.unscaled = true;
  sem::mfma(sem::Arch::gfx950, desc_of(op), regs, &s, d);
  HF_CHECK(sem::f32_from_bits(d[0][0]) == 128.0f, "constant-zero fold: unscaled, 128, got %g",
        sem::f32_from_bits(d[0][0]));
  // 0xFF scale is NaN.
  s.unscaled = false;
  for (int L = 0; L < 64; ++L) s.a[L] = s.b[L] = 127;
  s.b[5] = 0xFF;  // column 5, block 0
  sem::mfma(sem::Arch::gfx950, desc_of(op), regs, &s, d);
  spec::where_cd(16, 0, 5, lane, vgpr);
  HF_CHECK(std::isnan(sem::f32_from_bits(d[lane][vgpr])), "NaN scale 0xFF gives NaN in column 5");
}

// §9 block-scale samples: lane L's byte `opsel` scales (row i, k-block g) of A and (column j, k-block g) of B.
// All other scale bytes of every lane are 0xFF (NaN) decoys, the selected bytes 127 (1.0) except lane L's, 128 (2.0).
// With A = 1.0 and B[k][*] = 2^(k/32) (OCP e4m3), D = 32·(2^G − 1) everywhere, plus 32·2^g in row i (A sample) or
// column j (B sample): the extra term names the k-block g.
static void test_scale_samples() {
  struct ScaleSample { int mn, k, lane, opsel, idx, block; };
  static const ScaleSample kScale[] = {
      {16, 128, 0, 0, 0, 0},  {16, 128, 15, 1, 15, 0}, {16, 128, 16, 2, 0, 1},
      {16, 128, 33, 3, 1, 2}, {16, 128, 47, 0, 15, 2}, {16, 128, 63, 2, 15, 3},
      {32, 64, 0, 0, 0, 0},   {32, 64, 31, 1, 31, 0},  {32, 64, 32, 2, 0, 1},
      {32, 64, 40, 3, 8, 1},  {32, 64, 5, 0, 5, 0},    {32, 64, 63, 1, 31, 1},
  };
  for (const ScaleSample& t : kScale) {
    spec::Op op{"scaled", t.mn, t.k, spec::FP8, spec::FP8, true, true};
    sem::MfmaRegs regs{};
    for (int L = 0; L < 64; ++L)
      for (int v = 0; v < 8; ++v) regs.a[L][v] = 0x38383838u;
    static const uint32_t kPow2[4] = {0x38, 0x40, 0x48, 0x50};  // 1, 2, 4, 8
    for (int j = 0; j < t.mn; ++j)
      for (int k = 0; k < t.k; ++k) {
        int lane, item;
        spec::where_ab(op, spec::FP8, j, k, lane, item);
        spec::put(regs.b[lane], item, 8, kPow2[k / 32]);
      }
    const int G = t.k / 32;
    for (int side = 0; side < 2; ++side) {
      sem::MfmaScales s{};
      const uint32_t decoy = ~(0xFFu << (8 * t.opsel));
      for (int L = 0; L < 64; ++L) s.a[L] = s.b[L] = decoy | (127u << (8 * t.opsel));
      uint32_t& mine = side == 0 ? s.a[t.lane] : s.b[t.lane];
      mine = decoy | (128u << (8 * t.opsel));
      s.opsel_a = s.opsel_b = t.opsel;
      uint32_t d[64][16];
      sem::mfma(sem::Arch::gfx950, desc_of(op), regs, &s, d);
      int bad = 0;
      for (int i = 0; i < t.mn; ++i)
        for (int j = 0; j < t.mn; ++j) {
          int lane, vgpr;
          spec::where_cd(t.mn, i, j, lane, vgpr);
          const bool hit = side == 0 ? i == t.idx : j == t.idx;
          bad += sem::f32_from_bits(d[lane][vgpr]) != float(32 * ((1 << G) - 1) + (hit ? 32 << t.block : 0));
        }
      HF_CHECK(bad == 0, "%dx%dx%d scale sample L%d opsel %d (%s %d, block %d): %d wrong", t.mn, t.mn, t.k, t.lane,
               t.opsel, side == 0 ? "A row" : "B col", t.idx, t.block, bad);
    }
  }
}

// i8: each product sign-extended, sum wraps modulo 2^32 (§2.5).
static void test_i8_wrap() {
  spec::Op op{"mfma_i32_16x16x32_i8", 16, 32, spec::I8, spec::I8, false, false};
  sem::MfmaRegs regs{};
  for (int L = 0; L < 64; ++L) {
    regs.a[L][0] = regs.a[L][1] = 0x80808080u;  // -128
    regs.b[L][0] = regs.b[L][1] = 0x80808080u;  // -128
    for (int r = 0; r < 4; ++r) regs.c[L][r] = 0x7FFFFFFFu;
  }
  uint32_t d[64][16];
  for (sem::Arch arch : {sem::Arch::gfx942, sem::Arch::gfx950}) {
    sem::mfma(arch, desc_of(op), regs, nullptr, d);
    const uint32_t want = uint32_t(0x7FFFFFFFu + 32u * 16384u);  // wraps past INT32_MAX
    HF_CHECK(d[0][0] == want && d[63][3] == want, "gfx%d i8 wrap: got %08x want %08x", int(arch), d[0][0], want);
  }
}

// gfx942 arithmetic (§7.2) vs the gfx950 exact policy, on a case that separates them: C = 2^-24 (half an ulp of
// 1.0), products 1·1 and 2^-14·2^-12 = 2^-26. Exact sum 1 + 2^-24 + 2^-26 is above the tie → 1 + 2^-23 (gfx950).
// §7.2 truncates 2^-26 in the fused sum (24 fractional bits at exponent 0) → exact tie → even → 1.0 (gfx942).
static void test_arith_models() {
  spec::Op op{"mfma_f32_16x16x16f16", 16, 16, spec::F16, spec::F16, false, false};
  sem::MfmaRegs regs{};
  int lane, item;
  auto seta = [&](int i, int k, uint16_t code) {
    spec::where_ab(op, spec::F16, i, k, lane, item);
    spec::put(regs.a[lane], item, 16, code);
  };
  auto setb = [&](int k, int j, uint16_t code) {
    spec::where_ab(op, spec::F16, j, k, lane, item);
    spec::put(regs.b[lane], item, 16, code);
  };
  seta(0, 0, 0x3C00);  // 1.0
  setb(0, 0, 0x3C00);
  seta(0, 1, 0x0400);  // 2^-14 (smallest normal f16)
  setb(1, 0, 0x0C00);  // 2^-12
  int vgpr;
  spec::where_cd(16, 0, 0, lane, vgpr);
  regs.c[lane][vgpr] = sem::f32_bits(0x1p-24f);
  uint32_t d[64][16];
  sem::mfma(sem::Arch::gfx950, desc_of(op), regs, nullptr, d);
  HF_CHECK(sem::f32_from_bits(d[lane][vgpr]) == 1.0f + 0x1p-23f, "gfx950 exact policy: 1 + 2^-23, got %a",
        sem::f32_from_bits(d[lane][vgpr]));
  sem::mfma(sem::Arch::gfx942, desc_of(op), regs, nullptr, d);
  HF_CHECK(sem::f32_from_bits(d[lane][vgpr]) == 1.0f, "gfx942 §7.2: product 2^-26 truncated, tie to even: 1, got %a",
        sem::f32_from_bits(d[lane][vgpr]));
}

// §7.2 for fp8 on gfx942: an accumulator more than 25 binades below the chunk sum is dropped, not floored. Products
// 2^7·2^7 (k=0) and 2^-5·2^-4 (k=1, the odd half) give S = 2^14 + 2^-9, exact in f32. C = -2^-12: dropped, D = S.
// Floored to the 24-bit grid at 2^14 instead, C would become -2^-10 and leave a tie, rounding to even 2^14. The
// gfx950 exact policy also gives 2^14 + 2^-9 (the nearest float to 2^14 + 2^-9 - 2^-12).
static void test_fp8_model() {
  spec::Op op{"mfma_f32_16x16x32_fp8_fp8", 16, 32, spec::FP8, spec::FP8, false, false};
  for (sem::Arch arch : {sem::Arch::gfx942, sem::Arch::gfx950}) {
    const bool g942 = arch == sem::Arch::gfx942;
    const uint32_t p7 = g942 ? 0x78 : 0x70, m5 = g942 ? 0x18 : 0x10, m4 = g942 ? 0x20 : 0x18;  // 2^7, 2^-5, 2^-4
    sem::MfmaRegs regs{};
    int lane, item, vgpr;
    for (int k = 0; k < 2; ++k) {
      spec::where_ab(op, spec::FP8, 0, k, lane, item);
      spec::put(regs.a[lane], item, 8, k == 0 ? p7 : m5);
      spec::where_ab(op, spec::FP8, 0, k, lane, item);
      spec::put(regs.b[lane], item, 8, k == 0 ? p7 : m4);
    }
    spec::where_cd(16, 0, 0, lane, vgpr);
    regs.c[lane][vgpr] = sem::f32_bits(-0x1p-12f);
    uint32_t d[64][16];
    sem::mfma(arch, desc_of(op), regs, nullptr, d);
    const float want = 0x1p14f + 0x1p-9f;
    HF_CHECK(sem::f32_from_bits(d[lane][vgpr]) == want, "gfx%d fp8 accumulator rule: got %a want %a", int(arch),
             sem::f32_from_bits(d[lane][vgpr]), want);
  }
}

// §7.2 step 1 for bf16 on gfx942: a single product of magnitude ≥ 2^128 makes the chunk ±Inf, NaN when both signs
// occur, even though binary64 (and the gfx950 exact policy) would see 2^130 − 2^130 = 0.
static void test_bf16_big_products() {
  spec::Op op{"mfma_f32_16x16x16bf16_1k", 16, 16, spec::BF16, spec::BF16, false, false};
  auto bf = [](float x) { return uint32_t(sem::f32_bits(x) >> 16); };
  for (int both = 0; both < 2; ++both)
    for (sem::Arch arch : {sem::Arch::gfx942, sem::Arch::gfx950}) {
      sem::MfmaRegs regs{};
      int lane, item, vgpr;
      const float bs[3] = {0x1p30f, both ? -0x1p30f : -0x1p27f, 1.0f};  // -2^127 is below the 2^128 line
      for (int k = 0; k < 3; ++k) {
        spec::where_ab(op, spec::BF16, 0, k, lane, item);
        spec::put(regs.a[lane], item, 16, bf(k < 2 ? 0x1p100f : 5.0f));
        spec::where_ab(op, spec::BF16, 0, k, lane, item);
        spec::put(regs.b[lane], item, 16, bf(bs[k]));
      }
      uint32_t d[64][16];
      sem::mfma(arch, desc_of(op), regs, nullptr, d);
      spec::where_cd(16, 0, 0, lane, vgpr);
      const float got = sem::f32_from_bits(d[lane][vgpr]);
      if (arch == sem::Arch::gfx942)
        HF_CHECK(both ? std::isnan(got) : got == INFINITY, "gfx942 bf16 products >= 2^128 (%s): got %g",
                 both ? "both signs -> NaN" : "positive -> +Inf", got);
      else
        HF_CHECK(got == (both ? 5.0f : INFINITY), "gfx950 exact: 2^130 %s + 5 = %g", both ? "- 2^130" : "- 2^127 (overflows)",
                 got);
    }
}

// gfx950 exact policy at the edges: a cancellation across 160 bits (the wide accumulator), and subnormal results.
static void test_exact_edges() {
  spec::Op op{"mfma_f32_16x16x16bf16_1k", 16, 16, spec::BF16, spec::BF16, false, false};
  auto bf = [](float x) { return uint32_t(sem::f32_bits(x) >> 16); };  // exact for these powers of two
  auto run1 = [&](std::initializer_list<std::pair<float, float>> prods, float c) {
    sem::MfmaRegs regs{};
    int lane, item, k = 0;
    for (auto [x, y] : prods) {
      spec::where_ab(op, spec::BF16, 0, k, lane, item);
      spec::put(regs.a[lane], item, 16, bf(x));
      spec::where_ab(op, spec::BF16, 0, k, lane, item);
      spec::put(regs.b[lane], item, 16, bf(y));
      ++k;
    }
    int vgpr;
    spec::where_cd(16, 0, 0, lane, vgpr);
    regs.c[lane][vgpr] = sem::f32_bits(c);
    uint32_t d[64][16];
    sem::mfma(sem::Arch::gfx950, desc_of(op), regs, nullptr, d);
    return sem::f32_from_bits(d[lane][vgpr]);
  };
  HF_CHECK(run1({{0x1p50f, -0x1p50f}, {0x1p-30f, 0x1p-30f}}, 0x1p100f) == 0x1p-60f,
           "2^100 - 2^100 + 2^-60 is exactly 2^-60");
  HF_CHECK(run1({{0x1p-75f, 0x1p-75f}}, 0.0f) == 0.0f, "2^-150 is a tie between 0 and 2^-149: even, 0");
  HF_CHECK(run1({{0x1.8p-75f, 0x1p-75f}}, 0.0f) == 0x1p-149f, "0.75 of the smallest subnormal rounds up");
  HF_CHECK(run1({{0x1p100f, 0x1p100f}}, 0.0f) == INFINITY, "2^200 overflows f32 to +Inf");
  HF_CHECK(std::isnan(run1({{INFINITY, 1.0f}, {-1.0f, INFINITY}}, 0.0f)), "+Inf - Inf is NaN");
  HF_CHECK(run1({{0x1p-24f, 1.0f}}, 1.0f) == 1.0f, "1 + 2^-24 is a tie: even, 1");
  HF_CHECK(run1({{0x1p-24f, 1.0f}, {0x1p-65f, 0x1p-65f}}, 1.0f) == 1.0f + 0x1p-23f,
           "1 + 2^-24 + 2^-130 is above the tie (sticky bit 130 places down): 1 + 2^-23");
}

int main() {
  test_all_ops_random();
  test_samples();
  test_fp8_arch_decode();
  test_split16_vs_contiguous();
  test_scales();
  test_scale_samples();
  test_i8_wrap();
  test_arith_models();
  test_exact_edges();
  test_fp8_model();
  test_bf16_big_products();
  return hf::test::summary();
}
