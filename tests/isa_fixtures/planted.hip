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
