// Test-only kernels for the `hipforge model` gates (tests/model.rs compiles this at test time; it is outside
// kernels/, so it is never built into the crate). Each `hf_fixture_model_*` kernel but the last breaks exactly the
// gates it declares; hf_fixture_model_ok must pass its own.
#include "hipforge/device.hpp"

namespace fixture {
struct Params {
  uint64_t out;
  uint32_t n, pick;
};
}  // namespace fixture

// An MFMA loop with nothing else to do: the MFMA pipe binds.
__device__ inline hf::f32x4 mfma4(hf::f32x4 acc, const fixture::Params& p) {
  const hf::f16x4 a = {(_Float16)threadIdx.x, 1, 2, 3}, b = {1, (_Float16)p.pick, 1, 1};
  for (int i = 0; i < 4; ++i) acc = __builtin_amdgcn_mfma_f32_16x16x16f16(a, b, acc, 0, 0, 0);
  return acc;
}

// Every trip reads LDS and uses the value at once: the wait leaves the LDS latency exposed.
extern "C" __global__ __launch_bounds__(64) void hf_fixture_model_exposed(const fixture::Params p) {
  HIP_DYNAMIC_SHARED(float, lds)
  lds[threadIdx.x] = float(threadIdx.x);
  __syncthreads();
  hf::f32x4 acc = {0.f, 0.f, 0.f, 0.f};
  float x = 0.f;
  for (uint32_t it = 0; it < p.n; ++it) {
    x = lds[((uint32_t)x + it + threadIdx.x) & 63];  // a dependent chain of LDS reads
    acc = mfma4(acc, p);
  }
  reinterpret_cast<float*>(p.out)[threadIdx.x] = acc[0] + x;
}
HF_EXPORT(hf_fixture_model_exposed, fixture::Params)
HF_DYNAMIC_LDS(hf_fixture_model_exposed, 256)
HF_MODEL_EXPECT(hf_fixture_model_exposed, all, "exposed_lds == 0", "lgkm_waits == 0")

// Transcendentals swamp the MFMAs: the VALU port binds, far from the MFMA peak.
extern "C" __global__ __launch_bounds__(64) void hf_fixture_model_valu(const fixture::Params p) {
  hf::f32x4 acc = {0.f, 0.f, 0.f, 0.f};
  float e[16];
  for (int i = 0; i < 16; ++i) e[i] = float(threadIdx.x + i);
  for (uint32_t it = 0; it < p.n; ++it) {
    acc = mfma4(acc, p);
    for (int i = 0; i < 16; ++i) e[i] = __builtin_amdgcn_exp2f(e[i] * 0.5f - 1.0f);
  }
  float s = acc[0];
  for (int i = 0; i < 16; ++i) s += e[i];
  reinterpret_cast<float*>(p.out)[threadIdx.x] = s;
}
HF_EXPORT(hf_fixture_model_valu, fixture::Params)
HF_MODEL_EXPECT(hf_fixture_model_valu, all, "opt >= 0.9", "pess >= 0.5")

// A lane move in the loop (what SGPR spills into VGPR lanes look like).
extern "C" __global__ __launch_bounds__(64) void hf_fixture_model_spill(const fixture::Params p) {
  hf::f32x4 acc = {0.f, 0.f, 0.f, 0.f};
  int v = (int)threadIdx.x;
  for (uint32_t it = 0; it < p.n; ++it) {
    v += __builtin_amdgcn_readlane(v, (int)(it & 63));
    acc = mfma4(acc, p);
  }
  reinterpret_cast<float*>(p.out)[threadIdx.x] = acc[0] + float(v);
}
HF_EXPORT(hf_fixture_model_spill, fixture::Params)
HF_MODEL_EXPECT(hf_fixture_model_spill, all, "spill_moves == 0")

// Declares a steady-state property no path has, and a gate on a metric that does not exist.
extern "C" __global__ __launch_bounds__(64) void hf_fixture_model_declared(const fixture::Params p) {
  hf::f32x4 acc = {0.f, 0.f, 0.f, 0.f};
  for (uint32_t it = 0; it < p.n; ++it) acc = mfma4(acc, p);
  reinterpret_cast<float*>(p.out)[threadIdx.x] = acc[0];
}
HF_EXPORT(hf_fixture_model_declared, fixture::Params)
HF_MODEL_PATH(hf_fixture_model_declared, all, "via:ds_read_b128")
HF_MODEL_EXPECT(hf_fixture_model_declared, all, "bogus_metric == 0")

// The passing twin: the same MFMA loop, gates it meets.
extern "C" __global__ __launch_bounds__(64) void hf_fixture_model_ok(const fixture::Params p) {
  hf::f32x4 acc = {0.f, 0.f, 0.f, 0.f};
  for (uint32_t it = 0; it < p.n; ++it) acc = mfma4(acc, p);
  reinterpret_cast<float*>(p.out)[threadIdx.x] = acc[0];
}
HF_EXPORT(hf_fixture_model_ok, fixture::Params)
HF_MODEL_PATH(hf_fixture_model_ok, all, "via:v_mfma", "flops:32768")
HF_MODEL_EXPECT(hf_fixture_model_ok, all, "opt >= 0.99", "spill_moves == 0", "exposed_lds == 0", "mfma == 4")
