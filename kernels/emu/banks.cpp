// kernels/emu/banks.cpp — LDS bank conflicts, counted on the emulator (docs/emulator.md "LDS bank conflicts").
//
// Every LDS access a lane makes reaches the checkers' hook with its address, width and the PC of the access in the
// kernel code (the hook's return address): that PC is the access *site*. The lanes of a wave run one after another
// here, so the 64 lanes' accesses of one wave-level instruction are put back together: the n-th access a lane makes
// at a site since the wave last synchronized (a wave collective, a barrier, the block's end) belongs to the same
// instruction as the n-th access of every other lane of the wave at that site. At each synchronization point the
// wave's completed instructions are costed under the arch's bank model and added to their site's totals.
//
// The bank model (sources in docs/emulator.md): LDS has B banks of 4 bytes (gfx942: 32, gfx950: 64); dword address
// d lives in bank d mod B. A wave's instruction is served in lane phases whose make-up depends on the arch, the
// width and the direction (phase_of below); within one phase each bank serves one dword per cycle, several lanes
// reading the same dword are served together (broadcast), and a phase costs as many cycles as the largest number of
// distinct dwords it asks of one bank (at least 1). Ideal is one cycle per phase with an active lane; the extra
// cycles are the difference.
#include <stdlib.h>
#include <string.h>

#include <algorithm>

#include "internal.hpp"

HF_EMU_RUNTIME_FILE

namespace hf::emu::rt::banks {

bool enabled() {
  static const bool on = [] {
    const char* e = getenv("HIPFORGE_EMU_LDS_BANKS");
    return !(e && strcmp(e, "0") == 0);
  }();
  return on;
}

int bank_count() { return HIPFORGE_EMU_ARCH == 942 ? 32 : 64; }

// Which phase lane l's part of an access of `bytes` bytes per lane falls in, and how many phases there are.
//   gfx942 (32 banks): <= 4 bytes: 2 phases of 32 consecutive lanes; 8 bytes: 4 of 16; 16 bytes: writes 8 of 8
//     consecutive lanes, reads 8 of 8 lanes in the groups 0-3+20-23, 4-7+16-19, 8-11+28-31, 12-15+24-27 (and +32).
//   gfx950 (64 banks): reads: <= 4 bytes 1 phase of 64; 8 bytes 2 of 32; 16 bytes 4 of 16 in the groups
//     0-3+12-15+20-23+24-27, 4-11+16-19+28-31 (and +32); writes: <= 4 bytes 2 of 32; 8 bytes 4 of 16; 16 bytes 8 of 8.
// 12-byte accesses are costed as 16-byte ones.
int phase_of(unsigned bytes, bool write, int l, int* phases) {
  const int half = l / 32, quad = (l % 32) / 4;
  if (HIPFORGE_EMU_ARCH == 942) {
    if (bytes <= 4) return *phases = 2, l / 32;
    if (bytes <= 8) return *phases = 4, l / 16;
    *phases = 8;
    if (write) return l / 8;
    static const int group[8] = {0, 1, 2, 3, 1, 0, 3, 2};
    return half * 4 + group[quad];
  }
  if (write) {
    if (bytes <= 4) return *phases = 2, l / 32;
    if (bytes <= 8) return *phases = 4, l / 16;
    return *phases = 8, l / 8;
  }
  if (bytes <= 4) return *phases = 1, 0;
  if (bytes <= 8) return *phases = 2, l / 32;
  static const int group[8] = {0, 1, 1, 0, 1, 0, 0, 1};
  return *phases = 4, half * 2 + group[quad];
}

Cost cost(const uint32_t* offsets, uint64_t mask, unsigned bytes, bool write) {
  const int nb = bank_count();
  int nphases = 1;
  phase_of(bytes, write, 0, &nphases);
  Cost c{0, 0};
  uint32_t dwords[64 * 4];
  for (int p = 0; p < nphases; ++p) {
    int n = 0;
    for (int l = 0; l < 64; ++l) {
      if (!(mask >> l & 1)) continue;
      int np;
      if (phase_of(bytes, write, l, &np) != p) continue;
      const uint32_t first = offsets[l] / 4, last = (offsets[l] + (bytes ? bytes : 1) - 1) / 4;
      for (uint32_t d = first; d <= last && n < 64 * 4; ++d) dwords[n++] = d;
    }
    if (!n) continue;
    std::sort(dwords, dwords + n);
    const int distinct = int(std::unique(dwords, dwords + n) - dwords);
    int per_bank[64] = {};
    int worst = 0;
    for (int i = 0; i < distinct; ++i) worst = std::max(worst, ++per_bank[dwords[i] % uint32_t(nb)]);
    c.cycles += uint64_t(worst);
    c.ideal += 1;
  }
  return c;
}

namespace {

void add(State& s, const SiteKey& key, unsigned bytes, bool write, const Cost& c) {
  SiteAgg& a = s.sites[key];
  a.bytes = bytes;
  a.write = write;
  a.accesses += 1;
  a.cycles += c.cycles;
  a.extra += c.cycles - c.ideal;
}

}  // namespace

void block_begin(State& s, int nwaves) {
  for (int w = 0; w < nwaves; ++w) {
    s.waves[w].pending.clear();
    s.waves[w].by_site.clear();
  }
}

void record(Lane* lane, uint32_t offset, unsigned bytes, bool write, uintptr_t pc) {
  Block& b = *lane->block;
  State& s = *b.banks;
  WaveAcc& w = s.waves[lane->wave];
  const uint64_t bit = uint64_t(1) << lane->lane;
  Pending* e = nullptr;
  // The common case: this lane's k-th access since the sync is the wave's k-th instruction (no divergence).
  if (lane->bank_pos < w.pending.size()) {
    Pending& x = w.pending[lane->bank_pos];
    if (x.pc == pc && !(x.mask & bit)) e = &x;
  }
  if (!e) {
    // Otherwise the first instruction at this site the lane has not taken part in (its n-th occurrence), or a new one.
    std::vector<uint32_t>& idx = w.by_site[pc];
    for (uint32_t i : idx)
      if (!(w.pending[i].mask & bit)) {
        e = &w.pending[i];
        break;
      }
    if (!e) {
      idx.push_back(uint32_t(w.pending.size()));
      w.pending.emplace_back();
      e = &w.pending.back();
      e->pc = pc;
      e->bytes = uint8_t(bytes);
      e->write = write;
      e->mask = 0;
    }
  }
  e->mask |= bit;
  e->offsets[lane->lane] = offset;
  lane->bank_pos = uint32_t(e - w.pending.data()) + 1;
}

void record_wave(Block& b, const uint32_t* offsets, uint64_t mask, unsigned bytes, const char* file, int line) {
  SiteKey key{reinterpret_cast<uintptr_t>(file), line};
  add(*b.banks, key, bytes, true, cost(offsets, mask, bytes, true));
}

void flush_wave(Block& b, int wave) {
  State& s = *b.banks;
  WaveAcc& w = s.waves[wave];
  for (const Pending& e : w.pending) add(s, SiteKey{e.pc, 0}, e.bytes, e.write, cost(e.offsets, e.mask, e.bytes, e.write));
  w.pending.clear();
  w.by_site.clear();
  Lane* first = &b.lanes[wave * kWaveSize];
  for (int l = 0; l < b.waves[wave].size; ++l) first[l].bank_pos = 0;
}

void flush_all(Block& b) {
  for (int w = 0; w < b.nwaves; ++w) flush_wave(b, w);
}

}  // namespace hf::emu::rt::banks

HF_EMU_RUNTIME_FILE_END
