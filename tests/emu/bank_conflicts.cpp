// tests/emu/bank_conflicts.cpp — the emulator's LDS bank-conflict counts (kernels/emu/banks.cpp, docs/emulator.md
// "LDS bank conflicts") on planted access patterns whose cost is worked out by hand below, never by the code under
// test.
//
// The model being checked: B banks of 4 bytes (gfx942 B = 32, gfx950 B = 64), dword d in bank d mod B. An
// instruction is served in lane phases:
//   gfx942: 4-byte accesses 2 phases of 32 lanes (0-31, 32-63); 16-byte reads 8 phases of 8 lanes in the groups
//           {0-3,20-23} {4-7,16-19} {8-11,28-31} {12-15,24-27} and the same +32.
//   gfx950: 4-byte reads 1 phase of 64 lanes, 4-byte writes 2 of 32; 16-byte reads 4 phases of 16 lanes in the
//           groups {0-3,12-15,20-23,24-27} {4-11,16-19,28-31} and the same +32; 16-byte writes 8 of 8.
// A phase with an active lane costs max over banks of the distinct dwords asked of that bank (lanes asking for the
// same dword share it); extra cycles = cycles - number of phases with an active lane.
#include <cstdio>
#include <cstring>

#include "check.hpp"
#include "hipforge/device.hpp"
#include "hipforge/emu/runtime.hpp"
#include "hipforge/sched.hpp"

typedef unsigned u32x4 __attribute__((ext_vector_type(4)));

constexpr bool k942 = HIPFORGE_EMU_ARCH == 942;
constexpr size_t kLds = 16 * 1024;

// One 4-byte read per lane at dword `stride * lane` (stride 0: every lane reads dword 0, a broadcast).
static void k_read32(unsigned* out, int stride) {
  HIP_DYNAMIC_SHARED(unsigned, lds)
  const int l = threadIdx.x;
  out[l] = lds[stride * l];
}

// One 4-byte write per lane at dword `stride * lane`.
static void k_write32(unsigned* out, int stride) {
  HIP_DYNAMIC_SHARED(unsigned, lds)
  const int l = threadIdx.x;
  lds[stride * l] = unsigned(l);
  out[l] = 0;
}

// One 16-byte read per lane at byte `pitch * lane` (a column of 16-byte cells of rows `pitch` bytes apart).
static void k_read128(u32x4* out, int pitch) {
  HIP_DYNAMIC_SHARED(unsigned char, lds)
  const int l = threadIdx.x;
  out[l] = *reinterpret_cast<const u32x4*>(lds + pitch * l);
}

// Only lanes 0-31 read, at dword 32 * lane.
static void k_half(unsigned* out) {
  HIP_DYNAMIC_SHARED(unsigned, lds)
  const int l = threadIdx.x;
  unsigned v = 0;
  if (l < 32) v = lds[32 * l];
  out[l] = v;
}

// The same access site executed twice by every lane (a loop kept rolled): two instructions at one site.
static void k_twice(unsigned* out) {
  HIP_DYNAMIC_SHARED(unsigned, lds)
  const int l = threadIdx.x;
  unsigned v = 0;
#pragma clang loop unroll(disable)
  for (int i = 0; i < 2; ++i) v += lds[64 * i + l];
  out[l] = v;
}

// An LDS DMA write: lane L's `size` bytes land at LDS + L * (size <= 4 ? 4 : 16).
static void k_dma(const unsigned char* mem, unsigned* out, unsigned size) {
  HIP_DYNAMIC_SHARED(unsigned char, lds)
  const int l = threadIdx.x;
  __amdgpu_buffer_rsrc_t r = __builtin_amdgcn_make_buffer_rsrc(const_cast<unsigned char*>(mem), 0, 4096, 0);
  __builtin_amdgcn_raw_ptr_buffer_load_lds(r, lds, size, 16 * l, 0, 0, 0);
  hf::wait_vmem<0>();
  out[l] = 0;
}

// Checks a launch with a single LDS site against the hand-worked figures.
static void expect_one_site(const char* what, const hf::emu::Report& r, unsigned long accesses, unsigned long cycles,
                            unsigned long extra, unsigned bytes, bool write) {
  HF_CHECK(r.ok(), "%s: the launch ran clean (%zu faults)", what, r.faults.size());
  HF_CHECK(r.lds.counted, "%s: counting is on", what);
  HF_CHECK(r.lds.banks == (k942 ? 32 : 64), "%s: %d banks", what, r.lds.banks);
  if (!HF_CHECK(r.lds.sites.size() == 1, "%s: one LDS site, got %zu", what, r.lds.sites.size())) return;
  const hf::emu::LdsSite& s = r.lds.sites[0];
  HF_CHECK(s.accesses == accesses, "%s: %lu wave instructions, expected %lu", what, (unsigned long)s.accesses,
           accesses);
  HF_CHECK(s.cycles == cycles, "%s: %lu cycles, expected %lu", what, (unsigned long)s.cycles, cycles);
  HF_CHECK(s.extra_cycles == extra, "%s: %lu extra cycles, expected %lu", what, (unsigned long)s.extra_cycles, extra);
  HF_CHECK(s.bytes == bytes && s.write == write, "%s: %u-byte %s", what, s.bytes, s.write ? "write" : "read");
  HF_CHECK(r.lds.extra_cycles == extra && r.lds.accesses == accesses, "%s: the launch totals are the site's", what);
}

int main() {
  unsigned* out = static_cast<unsigned*>(hf::emu::malloc(64 * 16));
  unsigned char* mem = static_cast<unsigned char*>(hf::emu::malloc(4096));

  HF_SECTION("4-byte reads");
  // Consecutive dwords: lane l -> bank l mod B, all distinct in any phase. gfx942: 2 phases, 1 cycle each;
  // gfx950: 1 phase.
  expect_one_site("consecutive", hf::emu::launch(k_read32, dim3(1), dim3(64), kLds, out, 1), 1, k942 ? 2 : 1, 0, 4,
                  false);
  // Every lane reads dword 0: one dword, broadcast: no conflict.
  expect_one_site("broadcast", hf::emu::launch(k_read32, dim3(1), dim3(64), kLds, out, 0), 1, k942 ? 2 : 1, 0, 4,
                  false);
  // Stride 32 dwords: dword 32l. gfx942: bank 32l mod 32 = 0 for every lane; each 32-lane phase asks bank 0 for 32
  // distinct dwords: 32 cycles per phase, 64 in all, 62 extra. gfx950: bank 32l mod 64 is 0 (even l) or 32 (odd l):
  // the one 64-lane phase asks each of the two banks for 32 dwords: 32 cycles, 31 extra.
  expect_one_site("stride 32", hf::emu::launch(k_read32, dim3(1), dim3(64), kLds, out, 32), 1, k942 ? 64 : 32,
                  k942 ? 62 : 31, 4, false);
  // Stride 64 dwords: bank 0 for every lane on both archs. gfx942: as stride 32, 64 cycles, 62 extra; gfx950: 64
  // distinct dwords in bank 0 in one phase: 64 cycles, 63 extra.
  expect_one_site("stride 64", hf::emu::launch(k_read32, dim3(1), dim3(64), kLds, out, 64), 1, 64, k942 ? 62 : 63, 4,
                  false);
  // Half the wave (lanes 0-31) at stride 32: gfx942: one active phase, 32 dwords in bank 0: 32 cycles, 31 extra.
  // gfx950: 16 even lanes in bank 0, 16 odd in bank 32: 16 cycles, 15 extra.
  expect_one_site("half wave, stride 32", hf::emu::launch(k_half, dim3(1), dim3(64), kLds, out), 1, k942 ? 32 : 16,
                  k942 ? 31 : 15, 4, false);
  // Two instructions at one site (consecutive dwords each time): twice the conflict-free figure.
  expect_one_site("one site twice", hf::emu::launch(k_twice, dim3(1), dim3(64), kLds, out), 2, k942 ? 4 : 2, 0, 4,
                  false);

  HF_SECTION("4-byte writes");
  // Stride 32 dwords, writes. gfx942 serves writes like reads: 64 cycles, 62 extra. gfx950 writes 4 bytes in 2 phases
  // of 32 lanes: in each phase 16 lanes in bank 0 and 16 in bank 32: 16 cycles per phase, 32 in all, 30 extra.
  expect_one_site("write stride 32", hf::emu::launch(k_write32, dim3(1), dim3(64), kLds, out, 32), 1, k942 ? 64 : 32,
                  k942 ? 62 : 30, 4, true);
  expect_one_site("write consecutive", hf::emu::launch(k_write32, dim3(1), dim3(64), kLds, out, 1), 1, 2, 0, 4, true);

  HF_SECTION("16-byte reads");
  // Lane l reads dwords 4l..4l+3. gfx942, group {0-3,20-23}: dwords 0-15 (banks 0-15) and 80-95 (banks 16-31): all
  // distinct; likewise {4-7,16-19} (16-31 | 0-15), {8-11,28-31} (0-15 | 16-31), {12-15,24-27} (16-31 | 0-15): 8
  // phases of 1 cycle. gfx950, {0-3,12-15,20-23,24-27}: banks 0-15, 48-63, 16-31, 32-47; {4-11,16-19,28-31}: banks
  // 16-47, 0-15, 48-63: 4 phases of 1 cycle.
  u32x4* out16 = reinterpret_cast<u32x4*>(out);
  expect_one_site("consecutive b128", hf::emu::launch(k_read128, dim3(1), dim3(64), kLds, out16, 16), 1, k942 ? 8 : 4,
                  0, 16, false);
  // A column of a tile with 128-byte rows: lane l reads dwords 32l..32l+3. gfx942: banks 0-3 for every lane, so each
  // 8-lane phase asks each of banks 0-3 for 8 distinct dwords: 8 cycles per phase, 64 in all, 56 extra. gfx950: banks
  // 0-3 (even l) or 32-35 (odd l); each 16-lane group holds 8 even and 8 odd lanes: 8 cycles per phase, 32 in all, 28
  // extra.
  expect_one_site("column b128, 128-byte rows", hf::emu::launch(k_read128, dim3(1), dim3(64), kLds, out16, 128), 1,
                  k942 ? 64 : 32, k942 ? 56 : 28, 16, false);
  // The same column with 16 bytes of padding per row (144-byte rows): lane l starts at dword 36l. gfx942: bank 4l mod
  // 32; group {0-3,20-23}: 0,4,8,12 | 16,20,24,28 (each +0..3): distinct; {4-7,16-19}: 16..28 | 0..12; {8-11,28-31}:
  // 0..12 | 16..28; {12-15,24-27}: 16..28 | 0..12: 8 cycles, no extra. gfx950: bank 36l mod 64, and 36*16 = 576 = 0
  // mod 64, so lane l and l+16 share a bank; lanes 0-15 take the 16 four-bank slots 0,36,8,44,... once each. Group
  // {0-3,12-15,20-23,24-27} is lanes 0-3, 12-15, 4-7, 8-11 mod 16: all 16 slots; {4-11,16-19,28-31} likewise: 4
  // cycles, no extra.
  expect_one_site("column b128, 144-byte rows", hf::emu::launch(k_read128, dim3(1), dim3(64), kLds, out16, 144), 1,
                  k942 ? 8 : 4, 0, 16, false);

  HF_SECTION("LDS DMA writes");
  // 4 bytes per lane: lane L writes dword L: consecutive, 2 phases of 32 lanes on both archs (gfx942 4-byte
  // accesses; gfx950 4-byte writes), no conflict.
  {
    hf::emu::Report r = hf::emu::launch(k_dma, dim3(1), dim3(64), kLds, mem, out, 4u);
    expect_one_site("DMA 4 bytes", r, 1, 2, 0, 4, true);
    if (!r.lds.sites.empty()) {
      HF_CHECK(r.lds.sites[0].dma, "the DMA site is marked as DMA");
      HF_CHECK(std::strstr(r.lds.sites[0].where.c_str(), "bank_conflicts.cpp:") != nullptr,
               "the DMA site is the builtin's call in this file: %s", r.lds.sites[0].where.c_str());
    }
  }
#if defined(__gfx950__)
  // 16 bytes per lane (gfx950): lane L writes dwords 4L..4L+3; 8 phases of 8 lanes, each phase 32 consecutive
  // dwords in 32 distinct banks: 8 cycles, no conflict.
  expect_one_site("DMA 16 bytes", hf::emu::launch(k_dma, dim3(1), dim3(64), kLds, mem, out, 16u), 1, 8, 0, 16, true);
#endif

  HF_SECTION("several waves and blocks");
  // 3 blocks of 2 waves, stride 64 (wave 1's lanes read dwords 64*64 .. 64*127: bank 0 too): 6 wave instructions at
  // one site, each costed as above: 6 * 64 = 384 cycles; extra 6 * 62 = 372 (gfx942) or 6 * 63 = 378 (gfx950).
  expect_one_site("6 waves stride 64", hf::emu::launch(k_read32, dim3(3), dim3(128), 2 * kLds, out, 64), 6, 384,
                  k942 ? 372 : 378, 4, false);

  hf::emu::free(out);
  hf::emu::free(mem);
  return hf::test::summary();
}
