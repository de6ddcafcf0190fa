// tests/emu/lane_ops.cpp — cross-lane builtins against their ISA definitions (written out below per case, not taken
// from the emulator): ds_bpermute / ds_permute, ds_swizzle (bit mode and quad mode), DPP controls with row/bank masks
// and bound_ctrl, readfirstlane / readlane, ballot, mbcnt, and a partial wave (40 threads) where absent lanes read 0.
#include <cstdio>
#include <cstring>

#include "check.hpp"
#include "hipforge/device.hpp"
#include "hipforge/emu/runtime.hpp"

constexpr int kCases = 16;
struct Out {
  int v[kCases][64];
  unsigned long ballot[64];
};

static int data_of(int l) { return 1000 + 17 * l; }  // each lane's source value

static void k_lane(Out* o) {
  const int l = threadIdx.x;
  const int x = data_of(l);
  o->v[0][l] = __builtin_amdgcn_ds_bpermute(4 * (63 - l), x);             // reverse the wave
  o->v[1][l] = __builtin_amdgcn_ds_bpermute(4 * (l + 5) + 256 * 3, x);    // index wraps mod 64
  o->v[2][l] = __builtin_amdgcn_ds_permute(4 * ((l + 1) & 63), x);        // push to the next lane
  o->v[3][l] = __builtin_amdgcn_ds_swizzle(x, 0x1F | (1 << 10));          // bit mode: xor 1
  o->v[4][l] = __builtin_amdgcn_ds_swizzle(x, 0x10 | (0x3 << 5));         // bit mode: (l & 0x10) | 3
  o->v[5][l] = __builtin_amdgcn_ds_swizzle(x, 0x8000 | 0x1B);             // quad mode: reverse each quad
  o->v[6][l] = __builtin_amdgcn_mov_dpp(x, 0x111, 0xF, 0xF, true);        // row_shr:1, out of row -> 0
  o->v[7][l] = __builtin_amdgcn_update_dpp(-1, x, 0x101, 0xF, 0xF, false);  // row_shl:1, out of row -> old
  o->v[8][l] = __builtin_amdgcn_update_dpp(-1, x, 0x1B, 0x5, 0x3, false);   // quad_perm reverse, rows 0,2, banks 0,1
  o->v[9][l] = __builtin_amdgcn_update_dpp(-1, x, 0x142, 0xA, 0xF, false);  // row_bcast:15 on rows 1, 3
  o->v[10][l] = __builtin_amdgcn_update_dpp(-1, x, 0x143, 0xC, 0xF, false);  // row_bcast:31 on rows 2, 3
  o->v[11][l] = __builtin_amdgcn_mov_dpp(x, 0x13C, 0xF, 0xF, true);        // wave_ror:1
  o->v[12][l] = __builtin_amdgcn_mov_dpp(x, 0x140, 0xF, 0xF, true);        // row_mirror
  o->v[13][l] = __builtin_amdgcn_readfirstlane(x) + __builtin_amdgcn_readlane(x, 37);
  o->v[14][l] = int(__builtin_amdgcn_mbcnt_hi(~0u, __builtin_amdgcn_mbcnt_lo(~0u, 0u)));
  o->v[15][l] = int(__builtin_amdgcn_mbcnt_hi(0xF0F0F0F0u, __builtin_amdgcn_mbcnt_lo(0x0000FFFFu, 0u)));
  o->ballot[l] = __builtin_amdgcn_ballot_w64(l % 3 == 0);
}

// Expected values, from the ISA definitions.
static int expect(int c, int l) {
  const int row = l / 16, r = l % 16;
  switch (c) {
    case 0: return data_of(63 - l);
    case 1: return data_of((l + 5) & 63);
    case 2: return data_of((l + 63) & 63);
    case 3: return data_of(l ^ 1);
    case 4: return data_of((l & 0x20) | (l & 0x10) | 3);
    case 5: return data_of((l & ~3) | (3 - (l & 3)));
    case 6: return r == 0 ? 0 : data_of(l - 1);
    case 7: return r == 15 ? -1 : data_of(l + 1);
    case 8: {
      const bool on = (row == 0 || row == 2) && (r / 4) < 2;
      return on ? data_of((l & ~3) | (3 - (l & 3))) : -1;
    }
    case 9: return (row == 1 || row == 3) ? data_of(16 * row - 1) : -1;
    case 10: return row >= 2 ? data_of(31) : -1;
    case 11: return data_of((l + 63) & 63);
    case 12: return data_of(16 * row + 15 - r);
    case 13: return data_of(0) + data_of(37);
    case 14: return l;
    case 15: {
      int n = 0;
      for (int k = 0; k < l && k < 32; ++k) n += (0x0000FFFFu >> k) & 1;
      for (int k = 32; k < l; ++k) n += (0xF0F0F0F0u >> (k - 32)) & 1;
      return n;
    }
  }
  return 0;
}

// 40 threads: lanes 40..63 of the wave are absent; they read as 0 and do not vote.
static void k_partial(Out* o) {
  const int l = threadIdx.x;
  o->v[0][l] = __builtin_amdgcn_ds_bpermute(4 * (63 - l), data_of(l));
  o->ballot[l] = __builtin_amdgcn_ballot_w64(true);
  o->v[1][l] = __builtin_amdgcn_readfirstlane(data_of(l));
}

int main() {
  Out* o = static_cast<Out*>(hf::emu::malloc(sizeof(Out)));
  hf::emu::Report rep = hf::emu::launch(k_lane, dim3(1), dim3(64), 0, o);
  HF_CHECK(rep.ok(), "clean launch (%zu faults)", rep.faults.size());
  static const char* names[kCases] = {"bpermute reverse", "bpermute wrap", "permute", "swizzle xor1",
                                      "swizzle and/or", "swizzle quad", "dpp row_shr bound0", "dpp row_shl old",
                                      "dpp quad_perm masks", "dpp row_bcast15", "dpp row_bcast31", "dpp wave_ror1",
                                      "dpp row_mirror", "readfirstlane+readlane", "mbcnt all", "mbcnt masks"};
  for (int c = 0; c < kCases; ++c) {
    int bad = 0, first = -1;
    for (int l = 0; l < 64; ++l)
      if (o->v[c][l] != expect(c, l)) {
        if (first < 0) first = l;
        ++bad;
      }
    HF_CHECK(bad == 0, "%s: %d lanes wrong (first lane %d: got %d want %d)", names[c], bad, first,
             first < 0 ? 0 : o->v[c][first], first < 0 ? 0 : expect(c, first));
  }
  unsigned long want = 0;
  for (int l = 0; l < 64; l += 3) want |= 1ul << l;
  bool all = true;
  for (int l = 0; l < 64; ++l) all = all && o->ballot[l] == want;
  HF_CHECK(all, "ballot of l %% 3 == 0 on every lane: %lx", o->ballot[5]);

  std::memset(o, 0x55, sizeof(Out));
  rep = hf::emu::launch(k_partial, dim3(1), dim3(40), 0, o);
  HF_CHECK(rep.ok(), "partial wave clean (%zu faults)", rep.faults.size());
  int bad = 0;
  for (int l = 0; l < 40; ++l) bad += o->v[0][l] != (63 - l < 40 ? data_of(63 - l) : 0);
  HF_CHECK(bad == 0, "bpermute from absent lanes reads 0: %d wrong", bad);
  HF_CHECK(o->ballot[7] == (1ul << 40) - 1, "ballot counts the 40 present lanes: %lx", o->ballot[7]);
  HF_CHECK(o->v[1][39] == data_of(0), "readfirstlane");
  hf::emu::free(o);
  return hf::test::summary();
}
