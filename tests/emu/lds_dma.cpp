// tests/emu/lds_dma.cpp — the buffer->LDS load (`__builtin_amdgcn_raw_ptr_buffer_load_lds`, LDS DMA) against the
// documented formula (docs/emulator-builtins.md "LDS DMA", from LLVM's AMDGPUDMAOperations / AMDGPUUsage):
//   lane L reads `size` bytes at voffset_L + soffset + offset (range-checked per dword like any buffer load, out of
//   range reads 0) and writes them to LDS at M0 + offset + L * (size <= 4 ? 4 : 16);
//   sizes 1, 2, 4 (gfx950 also 12, 16); the LDS base, resource and soffset are wave-uniform;
//   the LDS write completes with vmcnt: only s_waitcnt vmcnt / a release fence makes it visible.
// The expected LDS image is computed here from that formula and the host's copy of the buffer, never by the builtin.
#include <cstdio>
#include <cstring>

#include "check.hpp"
#include "hipforge/device.hpp"
#include "hipforge/emu/runtime.hpp"
#include "hipforge/sched.hpp"

constexpr int kMem = 2048;
constexpr int kRecords = 810;  // not a multiple of 4: the last lanes straddle the end
constexpr int kLds = 4096;

// One wave: every lane issues one load of `size` bytes at voffset 13*L + 5 (unaligned on purpose), imm offset
// `imm`, LDS base 64; then waits (vmcnt 0), and copies the whole LDS out.
static void k_formula(const unsigned char* mem, unsigned char* out, unsigned size, int imm) {
  HIP_DYNAMIC_SHARED(unsigned char, lds)
  const int l = threadIdx.x;
  __amdgpu_buffer_rsrc_t r = __builtin_amdgcn_make_buffer_rsrc(const_cast<unsigned char*>(mem), 0, kRecords, 0);
  __builtin_amdgcn_raw_ptr_buffer_load_lds(r, lds + 64, size, 13 * l + 5, 0, imm, 0);
  hf::wait_vmem<0>();
  __builtin_amdgcn_s_barrier();
  for (int i = l; i < kLds; i += 64) out[i] = lds[i];
}

// The LDS image the formula predicts (0xff: dynamic LDS before anything is written).
static void expected_image(const unsigned char* mem, unsigned size, int imm, unsigned char* img) {
  std::memset(img, 0xff, kLds);
  const int stride = size <= 4 ? 4 : 16;
  for (int l = 0; l < 64; ++l) {
    const long off = 13L * l + 5 + imm;
    const int piece = size > 4 ? 4 : int(size);
    for (int p = 0; p < int(size); p += piece) {
      const bool in = off + p + piece <= kRecords;
      for (int j = 0; j < piece; ++j) img[64 + imm + l * stride + p + j] = in ? mem[off + p + j] : 0;
    }
  }
}

// Two waves: each DMAs 1 KiB (16 bytes per lane) into its half of LDS, then reads the OTHER wave's half. With
// `wait` the clean twin waits for its DMA before the barrier; without it (the planted bug) it crosses a bare
// s_barrier with the writes still in flight.
static void k_cross(const unsigned char* mem, unsigned char* out, int wait) {
  HIP_DYNAMIC_SHARED(unsigned char, lds)
  const int t = threadIdx.x, w = t / 64, l = t % 64;
  __amdgpu_buffer_rsrc_t r = __builtin_amdgcn_make_buffer_rsrc(const_cast<unsigned char*>(mem), 0, kMem, 0);
#if defined(__gfx950__)
  __builtin_amdgcn_raw_ptr_buffer_load_lds(r, lds + w * 1024, 16, w * 1024 + 16 * l, 0, 0, 0);
#else
  for (int q = 0; q < 4; ++q)  // CDNA3: 4 bytes per lane, four loads cover the same 1 KiB
    __builtin_amdgcn_raw_ptr_buffer_load_lds(r, lds + w * 1024 + 256 * q, 4, w * 1024 + 256 * q + 4 * l, 0, 0, 0);
#endif
  if (wait) hf::wait_vmem<0>();
  __builtin_amdgcn_s_barrier();
  const int other = 1 - w;
  for (int i = l; i < 1024; i += 64) out[w * 1024 + i] = lds[other * 1024 + i];
  __builtin_amdgcn_s_barrier();
}

// vmcnt(N) counts: three loads into three LDS slots, then vmcnt(1) lands the first two only (one load may still
// be in flight); the third becomes visible after vmcnt(0). A plain buffer load issued after the DMAs also counts.
static void k_counts(const unsigned char* mem, unsigned* out) {
  HIP_DYNAMIC_SHARED(unsigned, lds)
  const int l = threadIdx.x;
  __amdgpu_buffer_rsrc_t r = __builtin_amdgcn_make_buffer_rsrc(const_cast<unsigned char*>(mem), 0, kMem, 0);
  for (int q = 0; q < 3; ++q) __builtin_amdgcn_raw_ptr_buffer_load_lds(r, lds + 64 * q, 4, 256 * q + 4 * l, 0, 0, 0);
  hf::wait_vmem<1>();
  out[l] = lds[l];             // slot 0: landed
  out[64 + l] = lds[64 + l];   // slot 1: landed
  out[128 + l] = lds[128 + l]; // slot 2: still in flight -> stale (0xffffffff)
  hf::wait_vmem<0>();
  out[192 + l] = lds[128 + l];  // slot 2: landed
  // One more DMA, then a plain buffer load: vmcnt(1) now admits only the plain load, so the DMA has landed.
  __builtin_amdgcn_raw_ptr_buffer_load_lds(r, lds + 192, 4, 768 + 4 * l, 0, 0, 0);
  const unsigned plain = __builtin_amdgcn_raw_buffer_load_b32(r, 4 * l, 0, 0);
  hf::wait_vmem<1>();
  out[256 + l] = lds[192 + l] ^ plain;
  // wait_lds (lgkmcnt) does not wait for LDS DMA: one more DMA stays in flight across it.
  __builtin_amdgcn_raw_ptr_buffer_load_lds(r, lds + 256, 4, 1024 + 4 * l, 0, 0, 0);
  hf::wait_lds<0>();
  out[320 + l] = lds[256 + l];
  __syncthreads();  // a release fence: lands it (clang 22 waits vmcnt for pending LDS DMA at a release fence)
  out[384 + l] = lds[256 + l];
}

// Misuse: an LDS base that differs between lanes (M0 is one scalar per wave).
static void k_nonuniform(const unsigned char* mem) {
  HIP_DYNAMIC_SHARED(unsigned char, lds)
  const int l = threadIdx.x;
  __amdgpu_buffer_rsrc_t r = __builtin_amdgcn_make_buffer_rsrc(const_cast<unsigned char*>(mem), 0, kMem, 0);
  __builtin_amdgcn_raw_ptr_buffer_load_lds(r, lds + (l >= 32 ? 1024 : 0), 4, 4 * l, 0, 0, 0);
  hf::wait_vmem<0>();
}

static void k_size16(const unsigned char* mem) {
  HIP_DYNAMIC_SHARED(unsigned char, lds)
  __amdgpu_buffer_rsrc_t r = __builtin_amdgcn_make_buffer_rsrc(const_cast<unsigned char*>(mem), 0, kMem, 0);
  __builtin_amdgcn_raw_ptr_buffer_load_lds(r, lds, 16, 16 * threadIdx.x, 0, 0, 0);
  hf::wait_vmem<0>();
}

static unsigned dword_at(const unsigned char* mem, long off) {
  unsigned v;
  std::memcpy(&v, mem + off, 4);
  return v;
}

int main() {
  const int arch = hf::emu::arch();
  unsigned char* mem = static_cast<unsigned char*>(hf::emu::malloc(kMem));
  for (int i = 0; i < kMem; ++i) mem[i] = static_cast<unsigned char>(i * 37 + 11);
  unsigned char* out = static_cast<unsigned char*>(hf::emu::malloc(kLds));
  unsigned char img[kLds];

  HF_SECTION("formula: LDS = M0 + offset + lane * (size <= 4 ? 4 : 16), global = voffset + offset, OOB -> 0");
  const unsigned sizes950[] = {1, 2, 4, 12, 16}, sizes942[] = {1, 2, 4};
  const unsigned* sizes = arch == 950 ? sizes950 : sizes942;
  const int nsizes = arch == 950 ? 5 : 3;
  for (int si = 0; si < nsizes; ++si)
    for (int imm : {0, 48}) {
      const unsigned size = sizes[si];
      std::memset(out, 0, kLds);
      hf::emu::Report rep = hf::emu::launch(k_formula, dim3(1), dim3(64), kLds, mem, out, size, imm);
      HF_CHECK(rep.ok(), "size %u imm %d: no fault (%zu: %s)", size, imm, rep.faults.size(),
               rep.faults.empty() ? "" : rep.faults[0].message.c_str());
      expected_image(mem, size, imm, img);
      int bad = 0, first = -1;
      for (int i = 0; i < kLds; ++i)
        if (out[i] != img[i]) {
          ++bad;
          if (first < 0) first = i;
        }
      HF_CHECK(bad == 0, "size %u imm %d: %d LDS bytes differ from the formula (first at %d: %02x, want %02x)", size,
               imm, bad, first, first >= 0 ? out[first] : 0, first >= 0 ? img[first] : 0);
      // The image has clamped lanes (voffset + offset past num_records) for every size: make sure of it.
      HF_CHECK(13L * 63 + 5 + imm + size > kRecords, "the last lane is out of range (the zero path is exercised)");
    }

  HF_SECTION("completion: the LDS write lands with vmcnt, not at issue");
  unsigned char* cross = static_cast<unsigned char*>(hf::emu::malloc(2048));
  for (int wait : {1, 0}) {
    std::memset(cross, 0, 2048);
    hf::emu::Report rep = hf::emu::launch(k_cross, dim3(1), dim3(128), 2048, mem, cross, wait);
    int right = 0, stale = 0;
    for (int w = 0; w < 2; ++w)
      for (int i = 0; i < 1024; ++i) {
        right += cross[w * 1024 + i] == mem[(1 - w) * 1024 + i];
        stale += cross[w * 1024 + i] == 0xff;
      }
    if (wait) {
      HF_CHECK(rep.ok() && right == 2048, "clean twin (wait_vmem<0> before s_barrier): %d of 2048 bytes right", right);
    } else {
      // The planted bug: the other wave's tile is still in flight at the bare s_barrier.
      HF_CHECK(stale == 2048, "planted bug (no wait before s_barrier): %d of 2048 bytes stale (want all)", stale);
    }
  }

  HF_SECTION("vmcnt(N) counts the wave's vector-memory ops in issue order");
  unsigned* cnt = static_cast<unsigned*>(hf::emu::malloc(448 * 4));
  hf::emu::Report rep = hf::emu::launch(k_counts, dim3(1), dim3(64), 1024 + 256, mem, cnt);
  HF_CHECK(rep.ok(), "counts kernel: no fault (%zu)", rep.faults.size());
  int bad0 = 0, bad1 = 0, stale2 = 0, bad2 = 0, bad3 = 0, stale4 = 0, bad4 = 0;
  for (int l = 0; l < 64; ++l) {
    bad0 += cnt[l] != dword_at(mem, 4 * l);
    bad1 += cnt[64 + l] != dword_at(mem, 256 + 4 * l);
    stale2 += cnt[128 + l] == 0xffffffffu;
    bad2 += cnt[192 + l] != dword_at(mem, 512 + 4 * l);
    bad3 += cnt[256 + l] != (dword_at(mem, 768 + 4 * l) ^ dword_at(mem, 4 * l));
    stale4 += cnt[320 + l] == 0xffffffffu;
    bad4 += cnt[384 + l] != dword_at(mem, 1024 + 4 * l);
  }
  HF_CHECK(bad0 == 0 && bad1 == 0, "vmcnt(1) after three DMAs: the first two landed (%d, %d wrong)", bad0, bad1);
  HF_CHECK(stale2 == 64, "vmcnt(1): the third is still in flight (%d of 64 lanes stale)", stale2);
  HF_CHECK(bad2 == 0, "vmcnt(0): the third landed (%d wrong)", bad2);
  HF_CHECK(bad3 == 0, "a later plain buffer load counts in vmcnt: vmcnt(1) lands the DMA before it (%d wrong)", bad3);
  HF_CHECK(stale4 == 64, "lgkmcnt(0) does not wait for LDS DMA (%d of 64 lanes stale)", stale4);
  HF_CHECK(bad4 == 0, "__syncthreads' release fence lands it (%d wrong)", bad4);

  HF_SECTION("misuse");
  rep = hf::emu::launch(k_nonuniform, dim3(1), dim3(64), 2048, mem);
  bool named = false;
  for (const hf::emu::Fault& f : rep.faults) named |= f.message.find("not wave-uniform") != std::string::npos;
  HF_CHECK(rep.count("fault") == 1 && named, "a lane-varying LDS base is reported once per wave (%zu faults)",
           rep.faults.size());
  rep = hf::emu::launch(k_size16, dim3(1), dim3(64), 2048, mem);
  if (arch == 950)
    HF_CHECK(rep.ok(), "gfx950 accepts 16-byte LDS DMA");
  else
    HF_CHECK(rep.count("fault") == 1, "gfx942 rejects 16-byte LDS DMA (%zu faults)", rep.faults.size());

  hf::emu::free(cnt);
  hf::emu::free(cross);
  hf::emu::free(out);
  hf::emu::free(mem);
  return hf::test::summary();
}
