// Test-only kernels that must FAIL the ISA gate (tests/isa.rs compiles this at test time; it is outside kernels/, so
// it is never built into the crate). Each one breaks exactly one rule.
#include "hipforge/device.hpp"

namespace fixture {
struct Params {
  uint64_t out;
  uint32_t n, pick;
};
}  // namespace fixture

// A large per-lane array indexed by a run-time value cannot live in registers: the compiler puts it in scratch.
extern "C" __global__ __launch_bounds__(64) void hf_fixture_scratch(const fixture::Params p) {
  float local[512];
  for (uint32_t i = 0; i < 512; ++i) local[i] = float(i * p.n + threadIdx.x);
  reinterpret_cast<float*>(p.out)[threadIdx.x] = local[(p.pick + threadIdx.x) & 511];
}
HF_EXPORT(hf_fixture_scratch, fixture::Params)

// Declares an MFMA it does not contain: plain FMAs only.
extern "C" __global__ __launch_bounds__(64) void hf_fixture_no_mfma(const fixture::Params p) {
  float acc = 0.0f;
  for (uint32_t k = 0; k < p.n; ++k) acc = __builtin_fmaf(acc, 1.5f, float(k));
  reinterpret_cast<float*>(p.out)[threadIdx.x] = acc;
}
HF_EXPORT(hf_fixture_no_mfma, fixture::Params)
HF_ISA_EXPECT(hf_fixture_no_mfma, gfx942, "v_mfma_f32_16x16x16_bf16")
HF_ISA_EXPECT(hf_fixture_no_mfma, gfx950, "v_mfma_f32_16x16x32_bf16")

// Uses dynamic LDS without declaring it (HF_DYNAMIC_LDS): the metadata shows no LDS at all.
extern "C" __global__ __launch_bounds__(64) void hf_fixture_undeclared_lds(const fixture::Params p) {
  HIP_DYNAMIC_SHARED(float, lds)
  lds[threadIdx.x] = float(p.n + threadIdx.x);
  __syncthreads();
  reinterpret_cast<float*>(p.out)[threadIdx.x] = lds[(threadIdx.x + p.pick) & 63];
}
HF_EXPORT(hf_fixture_undeclared_lds, fixture::Params)

// Declares more dynamic LDS than gfx942's 64 KiB holds (96 KiB fits gfx950's 160 KiB: it fails on gfx942 only).
extern "C" __global__ __launch_bounds__(64) void hf_fixture_lds_too_big(const fixture::Params p) {
  HIP_DYNAMIC_SHARED(float, lds)
  lds[threadIdx.x] = float(p.n + threadIdx.x);
  __syncthreads();
  reinterpret_cast<float*>(p.out)[threadIdx.x] = lds[(threadIdx.x + p.pick) & 63];
}
HF_EXPORT(hf_fixture_lds_too_big, fixture::Params)
HF_DYNAMIC_LDS(hf_fixture_lds_too_big, 96 * 1024)

// MFMAs and exponentials in one loop body, kept apart by a scheduling fence: the ISA gate's interleave rule
// (HF_ISA_INTERLEAVE) must reject it. Its twin, hf_fixture_interleaved, does the same work with each MFMA followed
// by an exponential (held in place by fences) and must pass.
#include "hipforge/sched.hpp"
template <bool kInterleave>
__device__ void mfma_and_exp(const fixture::Params& p) {
  const hf::f16x4 a = {(_Float16)threadIdx.x, 1, 2, 3}, b = {1, (_Float16)p.pick, 1, 1};
  hf::f32x4 acc[8];
  float e[8];
  for (int i = 0; i < 8; ++i) {
    acc[i] = hf::f32x4{0.f, 0.f, 0.f, float(i)};
    e[i] = float(threadIdx.x + i);
  }
  for (uint32_t it = 0; it < p.n; ++it) {
    if constexpr (kInterleave) {  // interleaved, and fenced so: this twin tests the rule, not the scheduler
      for (int i = 0; i < 8; ++i) {
        acc[i] = __builtin_amdgcn_mfma_f32_16x16x16f16(a, b, acc[i], 0, 0, 0);
        e[i] = __builtin_amdgcn_exp2f(e[i] * 0.5f - 1.0f);
        hf::sched_barrier<hf::kSchedNone>();
      }
    } else {
      for (int i = 0; i < 8; ++i) acc[i] = __builtin_amdgcn_mfma_f32_16x16x16f16(a, b, acc[i], 0, 0, 0);
      hf::sched_barrier<hf::kSchedNone>();
      for (int i = 0; i < 8; ++i) e[i] = __builtin_amdgcn_exp2f(e[i] * 0.5f - 1.0f);
    }
  }
  float s = 0.f;
  for (int i = 0; i < 8; ++i) s += acc[i][0] + acc[i][3] + e[i];
  reinterpret_cast<float*>(p.out)[threadIdx.x] = s;
}
extern "C" __global__ __launch_bounds__(64) void hf_fixture_not_interleaved(const fixture::Params p) {
  mfma_and_exp<false>(p);
}
HF_EXPORT(hf_fixture_not_interleaved, fixture::Params)
HF_ISA_INTERLEAVE(hf_fixture_not_interleaved, gfx942, "v_mfma", "v_exp_f32", 6)
HF_ISA_INTERLEAVE(hf_fixture_not_interleaved, gfx950, "v_mfma", "v_exp_f32", 6)
extern "C" __global__ __launch_bounds__(64) void hf_fixture_interleaved(const fixture::Params p) {
  mfma_and_exp<true>(p);
}
HF_EXPORT(hf_fixture_interleaved, fixture::Params)
HF_ISA_INTERLEAVE(hf_fixture_interleaved, gfx942, "v_mfma", "v_exp_f32", 6)
HF_ISA_INTERLEAVE(hf_fixture_interleaved, gfx950, "v_mfma", "v_exp_f32", 6)
