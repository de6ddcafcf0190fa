// tests/emu/mfma_builtins.cpp — the __builtin_amdgcn_mfma_* builtins as kernels call them (a launched wave of 64
// fibers, through wave_collective), against specs/mfma.md: every instruction of the compiled arch, every lane and
// item, with operands placed by the spec's inverse maps (mfma_spec_support.hpp); all 25 f8f6f4 format pairs, scaled
// and unscaled; the constant-zero-scale rule; the same FP8 bytes per arch; cbsz/abid/blgp misuse is a fault.
#include <cstdio>
#include <cstring>
#include <random>
#include <string>

#include "check.hpp"
#include "hipforge/device.hpp"
#include "hipforge/emu/runtime.hpp"
#include "mfma_spec_support.hpp"

#if defined(__gfx942__)
static constexpr bool kGfx942 = true;
#else
static constexpr bool kGfx942 = false;
#endif

struct Regs {
  uint32_t a[64][8], b[64][8], c[64][16], d[64][16];
  uint32_t sa[64], sb[64];
  int cbsz, blgp, opsel_a, opsel_b, abid;
};

template <class T>
static T lane_load(const uint32_t* src) {
  T v;
  uint32_t tmp[sizeof(T) / 4];
  for (unsigned i = 0; i < sizeof(T) / 4; ++i) tmp[i] = src[i];
  std::memcpy(&v, tmp, sizeof(T));
  return v;
}
template <class T>
static void lane_store(uint32_t* dst, const T& v) {
  uint32_t tmp[sizeof(T) / 4];
  std::memcpy(tmp, &v, sizeof(T));
  for (unsigned i = 0; i < sizeof(T) / 4; ++i) dst[i] = tmp[i];
}

// One kernel per builtin: lane L loads its A, B, C registers, calls the builtin, stores D.
#define DENSE_KERNEL(NAME, TA, TB, TC)                                                                        \
  static void k_##NAME(Regs* r) {                                                                             \
    const int L = threadIdx.x;                                                                                \
    const TC d = __builtin_amdgcn_##NAME(lane_load<TA>(r->a[L]), lane_load<TB>(r->b[L]),                      \
                                         lane_load<TC>(r->c[L]), 0, 0, 0);                                    \
    lane_store(r->d[L], d);                                                                                   \
  }
DENSE_KERNEL(mfma_f32_16x16x16f16, hf::f16x4, hf::f16x4, hf::f32x4)
DENSE_KERNEL(mfma_f32_32x32x8f16, hf::f16x4, hf::f16x4, hf::f32x16)
DENSE_KERNEL(mfma_f32_16x16x16bf16_1k, hf::i16x4, hf::i16x4, hf::f32x4)
DENSE_KERNEL(mfma_f32_32x32x8bf16_1k, hf::i16x4, hf::i16x4, hf::f32x16)
DENSE_KERNEL(mfma_i32_16x16x32_i8, long, long, hf::i32x4)
DENSE_KERNEL(mfma_i32_32x32x16_i8, long, long, hf::i32x16)
DENSE_KERNEL(mfma_f32_16x16x32_fp8_fp8, long, long, hf::f32x4)
DENSE_KERNEL(mfma_f32_16x16x32_fp8_bf8, long, long, hf::f32x4)
DENSE_KERNEL(mfma_f32_16x16x32_bf8_fp8, long, long, hf::f32x4)
DENSE_KERNEL(mfma_f32_16x16x32_bf8_bf8, long, long, hf::f32x4)
DENSE_KERNEL(mfma_f32_32x32x16_fp8_fp8, long, long, hf::f32x16)
DENSE_KERNEL(mfma_f32_32x32x16_fp8_bf8, long, long, hf::f32x16)
DENSE_KERNEL(mfma_f32_32x32x16_bf8_fp8, long, long, hf::f32x16)
DENSE_KERNEL(mfma_f32_32x32x16_bf8_bf8, long, long, hf::f32x16)
#if defined(__gfx950__)
DENSE_KERNEL(mfma_f32_16x16x32_f16, hf::f16x8, hf::f16x8, hf::f32x4)
DENSE_KERNEL(mfma_f32_16x16x32_bf16, hf::bf16x8, hf::bf16x8, hf::f32x4)
DENSE_KERNEL(mfma_f32_32x32x16_f16, hf::f16x8, hf::f16x8, hf::f32x16)
DENSE_KERNEL(mfma_f32_32x32x16_bf16, hf::bf16x8, hf::bf16x8, hf::f32x16)
DENSE_KERNEL(mfma_i32_16x16x64_i8, hf::i32x4, hf::i32x4, hf::i32x4)
DENSE_KERNEL(mfma_i32_32x32x32_i8, hf::i32x4, hf::i32x4, hf::i32x16)

// Runtime scales (from memory) and literal-zero scales (the §6.4 fold).
static void k_scale16(Regs* r) {
  const int L = threadIdx.x;
  const hf::f32x4 d = __builtin_amdgcn_mfma_scale_f32_16x16x128_f8f6f4(
      lane_load<hf::i32x8>(r->a[L]), lane_load<hf::i32x8>(r->b[L]), lane_load<hf::f32x4>(r->c[L]), r->cbsz, r->blgp,
      r->opsel_a, int(r->sa[L]), r->opsel_b, int(r->sb[L]));
  lane_store(r->d[L], d);
}
static void k_scale32(Regs* r) {
  const int L = threadIdx.x;
  const hf::f32x16 d = __builtin_amdgcn_mfma_scale_f32_32x32x64_f8f6f4(
      lane_load<hf::i32x8>(r->a[L]), lane_load<hf::i32x8>(r->b[L]), lane_load<hf::f32x16>(r->c[L]), r->cbsz,
      r->blgp, r->opsel_a, int(r->sa[L]), r->opsel_b, int(r->sb[L]));
  lane_store(r->d[L], d);
}
static void k_scale16_literal0(Regs* r) {
  const int L = threadIdx.x;
  const hf::f32x4 d = __builtin_amdgcn_mfma_scale_f32_16x16x128_f8f6f4(
      lane_load<hf::i32x8>(r->a[L]), lane_load<hf::i32x8>(r->b[L]), lane_load<hf::f32x4>(r->c[L]), r->cbsz, r->blgp,
      0, 0, 0, 0);
  lane_store(r->d[L], d);
}
#endif

// Misuse: non-zero abid on a dense op.
static void k_bad_abid(Regs* r) {
  const int L = threadIdx.x;
  const hf::f32x4 d = __builtin_amdgcn_mfma_f32_16x16x16f16(lane_load<hf::f16x4>(r->a[L]), lane_load<hf::f16x4>(r->b[L]),
                                                            lane_load<hf::f32x4>(r->c[L]), 0, r->abid, 0);
  lane_store(r->d[L], d);
}

using Kernel = void (*)(Regs*);

static Kernel kernel_for(const spec::Op& op) {
  const std::string n = op.name;
#define MATCH(NAME) \
  if (n == #NAME) return k_##NAME;
  MATCH(mfma_f32_16x16x16f16)
  MATCH(mfma_f32_32x32x8f16)
  MATCH(mfma_f32_16x16x16bf16_1k)
  MATCH(mfma_f32_32x32x8bf16_1k)
  MATCH(mfma_i32_16x16x32_i8)
  MATCH(mfma_i32_32x32x16_i8)
  MATCH(mfma_f32_16x16x32_fp8_fp8)
  MATCH(mfma_f32_16x16x32_fp8_bf8)
  MATCH(mfma_f32_16x16x32_bf8_fp8)
  MATCH(mfma_f32_16x16x32_bf8_bf8)
  MATCH(mfma_f32_32x32x16_fp8_fp8)
  MATCH(mfma_f32_32x32x16_fp8_bf8)
  MATCH(mfma_f32_32x32x16_bf8_fp8)
  MATCH(mfma_f32_32x32x16_bf8_bf8)
#if defined(__gfx950__)
  MATCH(mfma_f32_16x16x32_f16)
  MATCH(mfma_f32_16x16x32_bf16)
  MATCH(mfma_f32_32x32x16_f16)
  MATCH(mfma_f32_32x32x16_bf16)
  MATCH(mfma_i32_16x16x64_i8)
  MATCH(mfma_i32_32x32x32_i8)
  if (n == "mfma_scale_f32_16x16x128_f8f6f4") return k_scale16;
  if (n == "mfma_scale_f32_32x32x64_f8f6f4") return k_scale32;
#endif
#undef MATCH
  return nullptr;
}

static Regs* g_regs;

static void load_problem(const spec::Op& op, const spec::Problem& p) {
  std::memset(g_regs, 0, sizeof(Regs));
  std::memcpy(g_regs->a, p.a, sizeof p.a);
  std::memcpy(g_regs->b, p.b, sizeof p.b);
  std::memcpy(g_regs->c, p.c, sizeof p.c);
  std::memcpy(g_regs->sa, p.sa, sizeof p.sa);
  std::memcpy(g_regs->sb, p.sb, sizeof p.sb);
  g_regs->opsel_a = p.opsel_a;
  g_regs->opsel_b = p.opsel_b;
  g_regs->cbsz = op.f8f6f4 ? spec::f8f6f4_code(op.a) : 0;
  g_regs->blgp = op.f8f6f4 ? spec::f8f6f4_code(op.b) : 0;
}

static void test_every_builtin() {
  std::mt19937 rng(77);
  int ran = 0;
  for (const spec::Op& op : spec::all_ops()) {
    if (op.gfx950_only && kGfx942) continue;
    Kernel k = kernel_for(op);
    HF_CHECK(k != nullptr, "builtin %s exists for gfx%d", op.name, kGfx942 ? 942 : 950);
    if (!k) continue;
    // The scaled kernels always pass runtime scales: unscaled problems use 127 (= 1.0) in every byte.
    spec::Problem p = spec::make_problem(op, kGfx942, rng, op.f8f6f4);
    load_problem(op, p);
    const hf::emu::Report rep = hf::emu::launch(k, dim3(1), dim3(64), 0, g_regs);
    HF_CHECK(rep.ok(), "%s: launch clean (%zu faults%s%s)", op.name, rep.faults.size(),
          rep.faults.empty() ? "" : ": ", rep.faults.empty() ? "" : rep.faults[0].message.c_str());
    std::string first;
    const int bad = spec::compare_d(op, g_regs->d, spec::expected_d(p, op.a == spec::I8), first);
    HF_CHECK(bad == 0, "%s a=%d b=%d: %d of %d D elements wrong, first %s", op.name, op.a, op.b, bad, op.mn * op.mn,
          first.c_str());
    ++ran;
  }
  HF_CHECK(ran == (kGfx942 ? 14 : 70), "ran every instruction of the arch: %d", ran);
}

// The same bytes, the arch's decode: 0x40 x 0x38 summed over K = 32 is 16 under FNUZ (1 x 0.5), 64 under OCP.
static void test_fp8_bytes_per_arch() {
  std::memset(g_regs, 0, sizeof(Regs));
  for (int L = 0; L < 64; ++L)
    for (int v = 0; v < 2; ++v) g_regs->a[L][v] = 0x40404040u, g_regs->b[L][v] = 0x38383838u;
  hf::emu::launch(k_mfma_f32_16x16x32_fp8_fp8, dim3(1), dim3(64), 0, g_regs);
  float d;
  std::memcpy(&d, &g_regs->d[9][2], 4);
  HF_CHECK(d == (kGfx942 ? 16.0f : 64.0f), "fp8 0x40*0x38 x32 on gfx%d: got %g", kGfx942 ? 942 : 950, d);
}

static void test_misuse_faults() {
  std::memset(g_regs, 0, sizeof(Regs));
  g_regs->abid = 1;
  const hf::emu::Report rep = hf::emu::launch(k_bad_abid, dim3(1), dim3(64), 0, g_regs);
  HF_CHECK(rep.count("fault") >= 1, "abid = 1 on mfma_f32_16x16x16f16 is reported (%zu faults)", rep.faults.size());
}

#if defined(__gfx950__)
// §6.4: literal 0 scales fold to the unscaled instruction (×1); the same zeros from memory mean 2^-127 each.
static void test_constant_zero_scale() {
  std::memset(g_regs, 0, sizeof(Regs));
  for (int L = 0; L < 64; ++L)
    for (int v = 0; v < 8; ++v) g_regs->a[L][v] = g_regs->b[L][v] = 0x38383838u;  // OCP e4m3 1.0
  hf::emu::launch(k_scale16_literal0, dim3(1), dim3(64), 0, g_regs);
  float d;
  std::memcpy(&d, &g_regs->d[0][0], 4);
  HF_CHECK(d == 128.0f, "literal-zero scales: unscaled, 128 x 1 x 1 = 128, got %g", d);
  hf::emu::launch(k_scale16, dim3(1), dim3(64), 0, g_regs);  // sa = sb = 0 from memory
  std::memcpy(&d, &g_regs->d[0][0], 4);
  HF_CHECK(d == 0.0f, "runtime-zero scales: 128 x 2^-254 underflows to 0, got %g", d);
  for (int L = 0; L < 64; ++L) g_regs->sa[L] = g_regs->sb[L] = 127;
  hf::emu::launch(k_scale16, dim3(1), dim3(64), 0, g_regs);
  std::memcpy(&d, &g_regs->d[0][0], 4);
  HF_CHECK(d == 128.0f, "scale 127 is 1.0, got %g", d);
  // Scale opsel: byte 2 selects 129 (x4) for A; other bytes NaN decoys.
  for (int L = 0; L < 64; ++L) g_regs->sa[L] = 0xFF81FFFFu, g_regs->sb[L] = 0xFFFFFF7Fu;
  g_regs->opsel_a = 2;
  g_regs->opsel_b = 0;
  hf::emu::launch(k_scale16, dim3(1), dim3(64), 0, g_regs);
  std::memcpy(&d, &g_regs->d[63][3], 4);
  HF_CHECK(d == 512.0f, "opsel_a = 2 picks byte 2 (2^2): 128 x 4 = 512, got %g", d);
  g_regs->cbsz = 5;
  const hf::emu::Report rep = hf::emu::launch(k_scale16, dim3(1), dim3(64), 0, g_regs);
  HF_CHECK(rep.count("fault") >= 1, "reserved format code 5 is reported");
}
#endif

int main() {
  g_regs = static_cast<Regs*>(hf::emu::malloc(sizeof(Regs)));
  test_every_builtin();
  test_fp8_bytes_per_arch();
  test_misuse_faults();
#if defined(__gfx950__)
  test_constant_zero_scale();
#endif
  hf::emu::free(g_regs);
  return hf::test::summary();
}
