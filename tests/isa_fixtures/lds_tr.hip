// Test-only kernel for tests/isa.rs: hipforge/lds_tr.hpp's wrappers must become gfx950's transposing LDS reads
// (`ds_read_b64_tr_b16`, `ds_read_b64_tr_b8`), and on gfx942 a call must fail to compile with the wrapper's
// static_assert message (the instruction does not exist there).
#include "hipforge/device.hpp"
#include "hipforge/lds_tr.hpp"
namespace fixture { struct Params { uint64_t in, out16, out8; }; }
extern "C" __global__ __launch_bounds__(64) void hf_fixture_lds_tr(const fixture::Params p) {
  const uint16_t* in = reinterpret_cast<const uint16_t*>(p.in);
  __shared__ uint16_t lds[32 * 16];
  const int l = threadIdx.x;
  for (int j = l; j < 32 * 16; j += 64) lds[j] = in[j];
  __syncthreads();
  // The 16x16x32 B operand of a row-major [32][16] bf16 block: two reads, 4 rows apart.
  const uint16_t* b = lds + hf::lds_tr16_operand_k<16>(l) * 16 + hf::lds_tr16_operand_mn<16>(l);
  const hf::bf16x4 lo = hf::lds_read_tr16_b64_bf16(b);
  const hf::bf16x4 hi = hf::lds_read_tr16_b64_bf16(b + 4 * 16);
  const hf::i32x2 bytes = hf::lds_read_tr8_b64(lds + hf::lds_tr8_row(l) * 8 + hf::lds_tr8_col(l) / 2);
  reinterpret_cast<hf::bf16x8*>(p.out16)[l] = hf::bf16x8{lo[0], lo[1], lo[2], lo[3], hi[0], hi[1], hi[2], hi[3]};
  reinterpret_cast<hf::i32x2*>(p.out8)[l] = bytes;
}
HF_EXPORT(hf_fixture_lds_tr, fixture::Params)
