// Test-only kernel for tests/isa.rs: the named scheduling primitives of hipforge/sched.hpp must become the
// instructions they promise (waitcnt encodings, setprio) on gfx942 and gfx950.
#include "hipforge/device.hpp"
#include "hipforge/sched.hpp"
namespace fixture { struct Params { uint64_t in, out; uint32_t n; }; }
extern "C" __global__ __launch_bounds__(64) void hf_fixture_sched(const fixture::Params p) {
  const float* in = reinterpret_cast<const float*>(p.in);
  float* out = reinterpret_cast<float*>(p.out);
  __shared__ float lds[64];
  lds[threadIdx.x] = in[threadIdx.x + 64];
  hf::wait_vmem<5>();
  hf::wait_lds<3>();
  hf::prio_high();
  hf::sched_barrier<hf::kSchedNone>();
  hf::sched_group<hf::kSchedMfma, 1, 0>();
  hf::prio_low();
  __syncthreads();
  out[threadIdx.x] = lds[63 - threadIdx.x];
}
HF_EXPORT(hf_fixture_sched, fixture::Params)
