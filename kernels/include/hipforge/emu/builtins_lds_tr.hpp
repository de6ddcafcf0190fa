// hipforge/emu/builtins_lds_tr.hpp — gfx950's transposing LDS reads on the host (ds_read_b64_tr_b16, ds_read_b64_tr_b8),
// under clang's builtin names and signatures. gfx942 has no such instruction, so for HIPFORGE_EMU_ARCH 942 nothing is
// declared here and a kernel using one fails to compile, as clang refuses it for gfx942 ("needs target feature
// gfx950-insts").
//
// Semantics (docs/emulator-builtins.md "Transposing LDS reads" has the sources): every lane s of the wave reads the 8
// bytes D_s at its own LDS address A_s; then, within each group of 16 lanes (g = ⌊l/16⌋, i = l mod 16):
//   tr16: lane l, 16-bit element e (0..3) = D_{16g + 4e + ⌊i/4⌋} element i mod 4   (the 2 bytes at A_src + 2·(i mod 4))
//   tr8:  lane l, byte e (0..7)           = D_{16g + 2e + ⌊i/8⌋} byte i mod 8      (the byte at A_src + (i mod 8))
// The exchange does not depend on the addresses: any 8-byte-aligned per-lane address works (swizzled layouts).
//
// How it runs: a wave-level point first (so every lane's earlier LDS writes have happened, as the GPU's in-order LDS
// queue guarantees for one wave), then each lane reads its own 8 bytes with an ordinary, instrumented load (so the
// checkers see lds_oob and lds_race for that lane's address), then a wave collective does the exchange. Misuse is
// reported as a "fault" once per instruction (the result is still computed): a partial wave (the ISA requires EXEC to
// be all ones) and an address that is not 8-byte aligned (the ISA requires alignment to the data size; the emulator
// reads the 8 bytes at the address as given).
#pragma once

#include <stdint.h>

#include <string>

#include "hipforge/emu/wave.hpp"

#if defined(__gfx950__)

namespace hf::emu::bt {

// clang's parameter and result types (BuiltinsAMDGPU.def: "V4sV4s*3", "V4hV4h*3", "V4yV4y*3", "V2iV2i*3").
typedef short tr_v4i16 __attribute__((__vector_size__(8)));
typedef __fp16 tr_v4f16 __attribute__((__vector_size__(8)));
typedef __bf16 tr_v4bf16 __attribute__((__vector_size__(8)));
typedef int tr_v2i32 __attribute__((__vector_size__(8)));

// An 8-byte load the compiler reports to the checkers (__sanitizer_cov_load8) whatever the address' alignment.
typedef uint64_t tr_u64_unaligned __attribute__((aligned(1), may_alias));

struct TrLane {
  uint64_t data;  // the 8 bytes this lane read at its own address
  uintptr_t addr;
};

// The source lane and the bit offset within its 8 bytes of lane l's element e (element width 16 or 8 bits).
constexpr int tr_source_lane(int bits, int l, int e) {
  const int g = l / 16, i = l % 16;
  return bits == 16 ? 16 * g + 4 * e + i / 4 : 16 * g + 2 * e + i / 8;
}
constexpr int tr_source_bit(int bits, int l) { return bits == 16 ? 16 * (l % 4) : 8 * (l % 8); }

template <int Bits>
inline uint64_t lds_read_tr_b64(const void* lds, const char* what) {
  static_assert(Bits == 16 || Bits == 8, "ds_read_b64_tr_b{8,16}");
  // 1. The wave-level point: every lane has done what precedes the instruction (the wave's LDS instructions run in
  //    order on the GPU), and the race checker orders the wave's earlier accesses before the reads below.
  wave_collective<int>(what, 0, [](const int*, int*, uint64_t) {});
  // 2. This lane's 64-bit read, at its own address: an ordinary load, checked for this lane.
  const uint64_t data = *static_cast<const tr_u64_unaligned*>(lds);
  // 3. The exchange within each 16-lane group.
  return wave_collective<uint64_t>(what, TrLane{data, reinterpret_cast<uintptr_t>(lds)},
                                   [what](const TrLane* a, uint64_t* r, uint64_t mask) {
    if (mask != ~uint64_t(0))
      fault("fault", std::string(what) + ": EXEC must be all ones (CDNA4 ISA §11.4); this wave has " +
                         std::to_string(__builtin_popcountll(mask)) +
                         " lanes (a partial wave): elements from absent lanes read as 0 here, undefined on the GPU");
    for (int l = 0; l < 64; ++l) {
      if (!(mask >> l & 1) || a[l].addr % 8 == 0) continue;
      acting_lane(l);
      fault("fault", std::string(what) + ": lane " + std::to_string(l) + "'s LDS address is " +
                         std::to_string(a[l].addr % 8) +
                         " bytes past an 8-byte boundary (the ISA requires the address aligned to the 8-byte data "
                         "size); the emulator read the 8 bytes at the address as given");
      break;
    }
    constexpr int elems = 64 / Bits;
    constexpr uint64_t elem_mask = (uint64_t(1) << Bits) - 1;
    for (int l = 0; l < 64; ++l) {
      if (!(mask >> l & 1)) continue;
      uint64_t v = 0;
      for (int e = 0; e < elems; ++e) {
        const uint64_t src = a[tr_source_lane(Bits, l, e)].data;  // absent lanes: value-initialized, 0
        v |= ((src >> tr_source_bit(Bits, l)) & elem_mask) << (Bits * e);
      }
      r[l] = v;
    }
  });
}

}  // namespace hf::emu::bt

// ds_read_b64_tr_b16: four 16-bit elements per lane (element e = bits [16e+15:16e] of the result).
inline hf::emu::bt::tr_v4i16 __builtin_amdgcn_ds_read_tr16_b64_v4i16(hf::emu::bt::tr_v4i16* p) {
  return __builtin_bit_cast(hf::emu::bt::tr_v4i16, hf::emu::bt::lds_read_tr_b64<16>(p, "ds_read_tr16_b64"));
}
inline hf::emu::bt::tr_v4f16 __builtin_amdgcn_ds_read_tr16_b64_v4f16(hf::emu::bt::tr_v4f16* p) {
  return __builtin_bit_cast(hf::emu::bt::tr_v4f16, hf::emu::bt::lds_read_tr_b64<16>(p, "ds_read_tr16_b64"));
}
inline hf::emu::bt::tr_v4bf16 __builtin_amdgcn_ds_read_tr16_b64_v4bf16(hf::emu::bt::tr_v4bf16* p) {
  return __builtin_bit_cast(hf::emu::bt::tr_v4bf16, hf::emu::bt::lds_read_tr_b64<16>(p, "ds_read_tr16_b64"));
}
// ds_read_b64_tr_b8: eight bytes per lane (byte e = bits [8e+7:8e], i.e. byte e mod 4 of dword ⌊e/4⌋).
inline hf::emu::bt::tr_v2i32 __builtin_amdgcn_ds_read_tr8_b64_v2i32(hf::emu::bt::tr_v2i32* p) {
  return __builtin_bit_cast(hf::emu::bt::tr_v2i32, hf::emu::bt::lds_read_tr_b64<8>(p, "ds_read_tr8_b64"));
}

#endif  // __gfx950__
