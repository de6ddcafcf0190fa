// tests/emu/buffer_clamp.cpp — raw buffer loads/stores against the range-check rule of docs/emulator-builtins.md:
// offset = voffset + soffset (unsigned, no wrap); accesses of ≤ 4 bytes checked whole, wider ones per dword; a piece
// [o, o+n) is in range iff o + n <= num_records; out-of-range load pieces read 0, out-of-range store pieces are
// dropped. Also: in-range accesses still reach the global_oob checker, a non-zero stride is a fault, and the
// buffer→LDS load writes lane·size into LDS.
#include <cstdio>
#include <cstring>

#include "check.hpp"
#include "hipforge/device.hpp"
#include "hipforge/emu/runtime.hpp"

constexpr int kRecords = 100;  // deliberately not a multiple of 4 or 16

struct Buf {
  unsigned char mem[256];  // the buffer's memory is larger than num_records: "dropped" stores stay visible if made
  unsigned out32[64];
  unsigned out128[64][4];
  unsigned out96[64][3];
  unsigned out64[64][2];
  unsigned short out16[64];
  unsigned char out8[64];
  unsigned lds_out[64];
};

static void k_loads(Buf* b) {
  const int l = threadIdx.x;
  __amdgpu_buffer_rsrc_t r = __builtin_amdgcn_make_buffer_rsrc(b->mem, 0, kRecords, 0);
  b->out32[l] = __builtin_amdgcn_raw_buffer_load_b32(r, 4 * l - 8, 0, 0);  // negative voffsets are huge: OOB
  const auto v128 = __builtin_amdgcn_raw_buffer_load_b128(r, 40 + l, 2, 0);  // soffset 2 counts
  for (int i = 0; i < 4; ++i) b->out128[l][i] = v128[i];
  const auto v96 = __builtin_amdgcn_raw_buffer_load_b96(r, 80 + l, 0, 0);
  for (int i = 0; i < 3; ++i) b->out96[l][i] = v96[i];
  const auto v64 = __builtin_amdgcn_raw_buffer_load_b64(r, 88 + l, 0, 0);
  for (int i = 0; i < 2; ++i) b->out64[l][i] = v64[i];
  b->out16[l] = __builtin_amdgcn_raw_buffer_load_b16(r, 96 + l, 0, 0);
  b->out8[l] = __builtin_amdgcn_raw_buffer_load_b8(r, 90 + l, 0, 0);
}

static void k_store(Buf* b) {
  const int l = threadIdx.x;
  __amdgpu_buffer_rsrc_t r = __builtin_amdgcn_make_buffer_rsrc(b->mem, 0, kRecords, 0);
  if (l == 0) {
    typedef unsigned v4u __attribute__((__vector_size__(16)));
    const v4u v = {0x11111111u, 0x22222222u, 0x33333333u, 0x44444444u};
    __builtin_amdgcn_raw_buffer_store_b128(v, r, kRecords - 8, 0, 0);  // dwords 0, 1 land; 2, 3 dropped
  }
  if (l == 1) __builtin_amdgcn_raw_buffer_store_b16(0xBEEF, r, kRecords - 1, 0, 0);  // 99+2 > 100: dropped
  if (l == 2) __builtin_amdgcn_raw_buffer_store_b8(0x5A, r, kRecords - 1, 0, 0);     // 99+1 <= 100: lands
  if (l == 3) __builtin_amdgcn_raw_buffer_store_b32(0xCAFEF00Du, r, 0, kRecords, 0);  // soffset past the end
}

// Buffer → LDS: lane l loads the dword at 4·l into LDS dword l (offset 0), then copies LDS out.
static void k_lds(Buf* b) {
  __shared__ unsigned lds[64];
  const int l = threadIdx.x;
  __amdgpu_buffer_rsrc_t r = __builtin_amdgcn_make_buffer_rsrc(b->mem, 0, kRecords, 0);
  __builtin_amdgcn_raw_ptr_buffer_load_lds(r, lds, 4, 4 * l, 0, 0, 0);
  __syncthreads();
  b->lds_out[l] = lds[63 - l];
}

// A descriptor that claims more than the allocation: the load is in range for the hardware, outside the allocation
// for the checker.
static void k_past_allocation(unsigned char* small, unsigned* out) {
  __amdgpu_buffer_rsrc_t r = __builtin_amdgcn_make_buffer_rsrc(small, 0, 4096, 0);
  out[threadIdx.x] = __builtin_amdgcn_raw_buffer_load_b32(r, 1024 + 4 * threadIdx.x, 0, 0);
}

static void k_stride(Buf* b) {
  __amdgpu_buffer_rsrc_t r = __builtin_amdgcn_make_buffer_rsrc(b->mem, 16, kRecords, 0);
  b->out32[threadIdx.x] = __builtin_amdgcn_raw_buffer_load_b32(r, 0, 0, 0);
}

static unsigned dword_at(const Buf* b, long off) {  // what memory holds at a byte offset (host view)
  unsigned v;
  std::memcpy(&v, b->mem + off, 4);
  return v;
}

int main() {
  Buf* b = static_cast<Buf*>(hf::emu::malloc(sizeof(Buf)));
  for (int i = 0; i < 256; ++i) b->mem[i] = static_cast<unsigned char>(i * 7 + 1);
  hf::emu::Report rep = hf::emu::launch(k_loads, dim3(1), dim3(64), 0, b);
  HF_CHECK(rep.ok(), "in-range buffer loads raise no fault (%zu)", rep.faults.size());

  int bad = 0;
  for (int l = 0; l < 64; ++l) {
    const long o = 4L * l - 8;  // as unsigned, o < 0 is ~4e9: out of range
    const unsigned want = (o >= 0 && o + 4 <= kRecords) ? dword_at(b, o) : 0u;
    bad += b->out32[l] != want;
  }
  HF_CHECK(bad == 0, "b32: %d lanes wrong (in range iff 0 <= 4l-8 and 4l-8+4 <= 100)", bad);

  bad = 0;
  for (int l = 0; l < 64; ++l)
    for (int i = 0; i < 4; ++i) {
      const long o = 40 + l + 2 + 4 * i;  // per-dword check for a 16-byte access
      bad += b->out128[l][i] != (o + 4 <= kRecords ? dword_at(b, o) : 0u);
    }
  HF_CHECK(bad == 0, "b128 with soffset 2: %d dwords wrong (checked per dword)", bad);
  // The worked example of the doc: a 16-byte load at num_records - 8 returns two dwords and two zeros.
  HF_CHECK(b->out128[kRecords - 8 - 42][0] == dword_at(b, kRecords - 8) &&
               b->out128[kRecords - 8 - 42][1] == dword_at(b, kRecords - 4) && b->out128[kRecords - 8 - 42][2] == 0 &&
               b->out128[kRecords - 8 - 42][3] == 0,
           "b128 at num_records-8: two dwords then zeros");

  bad = 0;
  for (int l = 0; l < 64; ++l) {
    for (int i = 0; i < 3; ++i) bad += b->out96[l][i] != (80 + l + 4 * i + 4 <= kRecords ? dword_at(b, 80 + l + 4 * i) : 0u);
    for (int i = 0; i < 2; ++i) bad += b->out64[l][i] != (88 + l + 4 * i + 4 <= kRecords ? dword_at(b, 88 + l + 4 * i) : 0u);
    unsigned short h;
    std::memcpy(&h, b->mem + 96 + l, 2);
    bad += b->out16[l] != (96 + l + 2 <= kRecords ? h : 0);
    bad += b->out8[l] != (90 + l + 1 <= kRecords ? b->mem[90 + l] : 0);
  }
  HF_CHECK(bad == 0, "b96/b64/b16/b8 at the edge: %d wrong", bad);

  rep = hf::emu::launch(k_store, dim3(1), dim3(64), 0, b);
  HF_CHECK(rep.ok(), "stores raise no fault");
  HF_CHECK(dword_at(b, kRecords - 8) == 0x11111111u && (dword_at(b, kRecords - 4) & 0xFFFFFFu) == 0x222222u,
           "in-range dwords of a b128 store land (byte 99 is the b8 store's)");
  HF_CHECK(dword_at(b, kRecords) != 0x33333333u && dword_at(b, kRecords + 4) != 0x44444444u,
           "out-of-range dwords of a b128 store are dropped");
  HF_CHECK(b->mem[kRecords - 1] == 0x5A, "b8 store at offset 99 lands");
  HF_CHECK(dword_at(b, 0) != 0xCAFEF00Du, "b32 store with soffset = num_records is dropped");

  for (int i = 0; i < 256; ++i) b->mem[i] = static_cast<unsigned char>(i * 5 + 3);
  rep = hf::emu::launch(k_lds, dim3(1), dim3(64), 0, b);
  HF_CHECK(rep.ok(), "buffer->LDS load raises no fault (%zu)", rep.faults.size());
  bad = 0;
  for (int l = 0; l < 64; ++l) {
    const int src = 63 - l;
    bad += b->lds_out[l] != (4 * src + 4 <= kRecords ? dword_at(b, 4 * src) : 0u);
  }
  HF_CHECK(bad == 0, "buffer->LDS: LDS dword l holds buffer dword l (0 out of range): %d wrong", bad);

  unsigned char* small = static_cast<unsigned char*>(hf::emu::malloc(64));
  unsigned* out = static_cast<unsigned*>(hf::emu::malloc(64 * 4));
  rep = hf::emu::launch(k_past_allocation, dim3(1), dim3(64), 0, small, out);
  HF_CHECK(rep.count("global_oob") >= 1, "a descriptor larger than its allocation is caught as global_oob (%zu)",
           rep.count("global_oob"));

  rep = hf::emu::launch(k_stride, dim3(1), dim3(64), 0, b);
  HF_CHECK(rep.count("fault") >= 1, "a strided buffer resource is reported");

  hf::emu::free(out);
  hf::emu::free(small);
  hf::emu::free(b);
  return hf::test::summary();
}
