// hipforge/emu/builtins_lane.hpp — cross-lane builtins on the host: every lane calls, the wave exchanges at once
// through wave_collective (mbcnt needs only the lane's own id).
//
// Inactive lanes (absent from a partial wave) hold 0 as a source; reading them gives 0, as does a DPP or swizzle
// source outside the row/wave when bound_ctrl asks for zero. Patterns: ds_swizzle's quad-permute and
// and/or/xor bit modes; DPP quad_perm, row_shl/shr/ror 1–15, wave_shl/rol/shr/ror by 1, row_mirror,
// row_half_mirror, row_bcast15, row_bcast31 (the GFX9 set). An unknown control is reported as misuse.
#pragma once

#include <stdint.h>

#include <string>

#include "hipforge/emu/wave.hpp"

namespace hf::emu::bt {

struct IntPair {
  int x, y;
};

// Source lane of DPP control `ctrl` for lane `l`, or -1 when the source is out of range (row or wave edge).
inline int dpp_source(int ctrl, int l) {
  const int row = l & ~15, in_row = l & 15;
  if (ctrl >= 0x00 && ctrl <= 0xFF) return (l & ~3) | ((ctrl >> (2 * (l & 3))) & 3);  // quad_perm
  if (ctrl >= 0x101 && ctrl <= 0x10F) {                                                // row_shl n
    const int n = ctrl & 15;
    return in_row + n < 16 ? l + n : -1;
  }
  if (ctrl >= 0x111 && ctrl <= 0x11F) {  // row_shr n
    const int n = ctrl & 15;
    return in_row >= n ? l - n : -1;
  }
  if (ctrl >= 0x121 && ctrl <= 0x12F) return row | ((in_row - (ctrl & 15)) & 15);  // row_ror n
  switch (ctrl) {
    case 0x130: return l < 63 ? l + 1 : -1;      // wave_shl:1
    case 0x134: return (l + 1) & 63;             // wave_rol:1
    case 0x138: return l > 0 ? l - 1 : -1;       // wave_shr:1
    case 0x13C: return (l - 1) & 63;             // wave_ror:1
    case 0x140: return row | (15 - in_row);      // row_mirror
    case 0x141: return (l & ~7) | (7 - (l & 7));  // row_half_mirror
    case 0x142: return row > 0 ? row - 1 : -1;   // row_bcast:15 (lane 15 of the previous row)
    case 0x143: return l >= 32 ? 31 : -1;        // row_bcast:31
    default: return -2;
  }
}

inline int update_dpp(int old, int src, int ctrl, int row_mask, int bank_mask, bool bound_ctrl, const char* what) {
  return wave_collective<int>(what, IntPair{old, src}, [&](const IntPair* a, int* r, uint64_t mask) {
    bool bad = false;
    for (int l = 0; l < 64; ++l) {
      if (!(mask >> l & 1)) continue;
      if (!((row_mask >> (l / 16)) & 1) || !((bank_mask >> ((l & 15) / 4)) & 1)) {
        r[l] = a[l].x;  // lane not written: keeps old
        continue;
      }
      const int s = dpp_source(ctrl, l);
      if (s == -2) bad = true;
      if (s < 0 || !(mask >> s & 1))
        r[l] = bound_ctrl ? 0 : a[l].x;
      else
        r[l] = a[s].y;
    }
    if (bad) fault("fault", std::string(what) + ": unsupported dpp_ctrl " + std::to_string(ctrl));
  });
}

}  // namespace hf::emu::bt

// dst = data of lane (addr / 4) mod 64.
inline int __builtin_amdgcn_ds_bpermute(int addr, int data) {
  using hf::emu::bt::IntPair;
  return hf::emu::wave_collective<int>("ds_bpermute", IntPair{addr, data},
                                       [](const IntPair* a, int* r, uint64_t mask) {
                                         for (int l = 0; l < 64; ++l)
                                           if (mask >> l & 1) r[l] = a[(a[l].x >> 2) & 63].y;
                                       });
}

// Lane (addr / 4) mod 64 receives data (the highest writing lane wins); lanes nobody writes get 0.
inline int __builtin_amdgcn_ds_permute(int addr, int data) {
  using hf::emu::bt::IntPair;
  return hf::emu::wave_collective<int>("ds_permute", IntPair{addr, data},
                                       [](const IntPair* a, int* r, uint64_t mask) {
                                         for (int l = 0; l < 64; ++l) r[l] = 0;
                                         for (int l = 0; l < 64; ++l)
                                           if (mask >> l & 1) r[(a[l].x >> 2) & 63] = a[l].y;
                                       });
}

// offset[15] = 1: quad permute (2 bits per lane of the quad). Otherwise within each 32-lane half:
// source = ((lane & and_mask) | or_mask) ^ xor_mask, masks in offset[4:0], [9:5], [14:10].
inline int __builtin_amdgcn_ds_swizzle(int data, int pattern) {
  return hf::emu::wave_collective<int>("ds_swizzle", data, [pattern](const int* a, int* r, uint64_t mask) {
    for (int l = 0; l < 64; ++l) {
      if (!(mask >> l & 1)) continue;
      int s;
      if (pattern & 0x8000) {
        s = (l & ~3) | ((pattern >> (2 * (l & 3))) & 3);
      } else {
        const int and_m = pattern & 0x1F, or_m = (pattern >> 5) & 0x1F, xor_m = (pattern >> 10) & 0x1F;
        s = (l & 0x20) | ((((l & 0x1F) & and_m) | or_m) ^ xor_m);
      }
      r[l] = (mask >> s & 1) ? a[s] : 0;
    }
  });
}

inline int __builtin_amdgcn_update_dpp(int old, int src, int dpp_ctrl, int row_mask, int bank_mask, bool bound_ctrl) {
  return hf::emu::bt::update_dpp(old, src, dpp_ctrl, row_mask, bank_mask, bound_ctrl, "update_dpp");
}
// mov_dpp is update_dpp with an undefined `old`; the emulator uses 0 so code relying on it shows up.
inline int __builtin_amdgcn_mov_dpp(int src, int dpp_ctrl, int row_mask, int bank_mask, bool bound_ctrl) {
  return hf::emu::bt::update_dpp(0, src, dpp_ctrl, row_mask, bank_mask, bound_ctrl, "mov_dpp");
}

inline int __builtin_amdgcn_readfirstlane(int v) {
  return hf::emu::wave_collective<int>("readfirstlane", v, [](const int* a, int* r, uint64_t mask) {
    const int first = a[__builtin_ctzll(mask)];
    for (int l = 0; l < 64; ++l) r[l] = first;
  });
}

// The lane index is a scalar on the GPU; the first active lane's value is used.
inline int __builtin_amdgcn_readlane(int v, int lane) {
  using hf::emu::bt::IntPair;
  return hf::emu::wave_collective<int>("readlane", IntPair{v, lane}, [](const IntPair* a, int* r, uint64_t mask) {
    const int src = a[__builtin_ctzll(mask)].y & 63;
    for (int l = 0; l < 64; ++l) r[l] = a[src].x;
  });
}

inline unsigned long __builtin_amdgcn_ballot_w64(bool pred) {
  return hf::emu::wave_collective<unsigned long>("ballot_w64", int(pred),
                                                 [](const int* a, unsigned long* r, uint64_t mask) {
                                                   unsigned long bits = 0;
                                                   for (int l = 0; l < 64; ++l)
                                                     if ((mask >> l & 1) && a[l]) bits |= 1ul << l;
                                                   for (int l = 0; l < 64; ++l) r[l] = bits;
                                                 });
}

// Bits of mask[31:0] below this lane, plus `add` (lanes 32..63 count all 32).
inline unsigned __builtin_amdgcn_mbcnt_lo(unsigned mask, unsigned add) {
  const int l = hf::emu::lane_id();
  const unsigned below = l >= 32 ? mask : (mask & ((1u << l) - 1u));
  return unsigned(__builtin_popcount(below)) + add;
}
// Bits of mask (= exec[63:32]) below this lane, plus `add` (lanes 0..31 count none).
inline unsigned __builtin_amdgcn_mbcnt_hi(unsigned mask, unsigned add) {
  const int l = hf::emu::lane_id();
  const unsigned below = l < 32 ? 0u : (mask & ((1u << (l - 32)) - 1u));
  return unsigned(__builtin_popcount(below)) + add;
}

inline unsigned long __builtin_amdgcn_read_exec() {
  return hf::emu::wave_collective<unsigned long>("read_exec", 0, [](const int*, unsigned long* r, uint64_t mask) {
    for (int l = 0; l < 64; ++l) r[l] = mask;
  });
}
