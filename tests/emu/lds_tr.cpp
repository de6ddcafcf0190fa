// tests/emu/lds_tr.cpp — gfx950's transposing LDS reads (`__builtin_amdgcn_ds_read_tr16_b64_v4{i16,f16,bf16}`,
// `__builtin_amdgcn_ds_read_tr8_b64_v2i32`, and the wrappers of hipforge/lds_tr.hpp) against the formula of
// docs/emulator-builtins.md "Transposing LDS reads", written out here independently of the emulator:
//   lane s reads the 8 bytes D_s at its own address A_s; for lane l = 16g + i
//   tr16: element e (0..3) = 16-bit element (i % 4) of D_{16g + 4e + i/4}
//   tr8:  byte    e (0..7) = byte (i % 8)           of D_{16g + 2e + i/8}
// LDS is filled with value = element index, so each expected value is the index the formula names. Also: the
// MFMA use (a row-major [K][N] bf16 B read into the 16x16x32 and 32x32x16 B operands of specs/mfma.md §3.1, then an
// MFMA against an exact reference), in-order visibility of the wave's own earlier writes, and the checkers (lds_oob, lds_race)
// and misuse reports (partial wave, misaligned address, divergence).
//
// gfx942 has no transposing LDS read: there the test checks the builtins are not declared and skips the rest.
#include <cstdio>
#include <cstring>

#include "check.hpp"
#include "hipforge/device.hpp"
#include "hipforge/emu/runtime.hpp"
#include "hipforge/lds_tr.hpp"

// Whether the emulator declares the builtin (an unqualified call with a dependent argument is looked up at
// instantiation; with no declaration in scope the requirement is simply not met).
template <class T>
concept has_tr16 = requires(T* p) { __builtin_amdgcn_ds_read_tr16_b64_v4i16(p); };
template <class T>
concept has_tr8 = requires(T* p) { __builtin_amdgcn_ds_read_tr8_b64_v2i32(p); };
typedef short v4s __attribute__((__vector_size__(8)));
typedef int v2i __attribute__((__vector_size__(8)));

#if HIPFORGE_EMU_ARCH == 950

typedef __fp16 v4h __attribute__((__vector_size__(8)));
typedef __bf16 v4y __attribute__((__vector_size__(8)));

// The formula, from the doc (never from the emulator).
static int tr16_src_lane(int l, int e) { return 16 * (l / 16) + 4 * e + (l % 16) / 4; }
static int tr16_src_elem(int l) { return l % 4; }
static int tr8_src_lane(int l, int e) { return 16 * (l / 16) + 2 * e + (l % 16) / 8; }
static int tr8_src_byte(int l) { return l % 8; }

constexpr int kLdsElems = 2048;  // 4 KiB of 16-bit elements
// Lane l's address (in 16-bit elements) in the formula tests: a scattered, 8-byte-aligned pattern that is not the
// canonical one, so the exchange is seen to be independent of the addresses.
static int addr_elem(int pattern, int l) {
  if (pattern == 0) return 4 * l;                            // contiguous
  if (pattern == 1) return 4 * ((l * 37 + 11) % 512);        // scattered
  return 4 * (63 - l) + 1024;                                // reversed, upper half
}

struct Out16 {
  uint16_t v[3][64][4];  // [variant i16/f16/bf16][lane][element]
  uint16_t w[64][4];     // hf::lds_read_tr16_b64 wrapper
};

static void k_tr16(Out16* o, int pattern) {
  HIP_DYNAMIC_SHARED(uint16_t, lds)
  const int l = threadIdx.x;
  for (int j = l; j < kLdsElems; j += 64) lds[j] = uint16_t(j);
  __syncthreads();
  uint16_t* a = lds + addr_elem(pattern, l);
  const v4s r0 = __builtin_amdgcn_ds_read_tr16_b64_v4i16(reinterpret_cast<v4s*>(a));
  const v4h r1 = __builtin_amdgcn_ds_read_tr16_b64_v4f16(reinterpret_cast<v4h*>(a));
  const v4y r2 = __builtin_amdgcn_ds_read_tr16_b64_v4bf16(reinterpret_cast<v4y*>(a));
  const hf::i16x4 r3 = hf::lds_read_tr16_b64(a);
  std::memcpy(o->v[0][l], &r0, 8);
  std::memcpy(o->v[1][l], &r1, 8);
  std::memcpy(o->v[2][l], &r2, 8);
  std::memcpy(o->w[l], &r3, 8);
}

static void test_tr16() {
  HF_SECTION("tr16: lane 16g+i element e = element i%4 of lane 16g+4e+i/4's 8 bytes (every lane, element, variant)");
  Out16* o = static_cast<Out16*>(hf::emu::malloc(sizeof(Out16)));
  for (int pattern = 0; pattern < 3; ++pattern) {
    hf::emu::Report rep = hf::emu::launch(k_tr16, dim3(1), dim3(64), 2 * kLdsElems, o, pattern);
    HF_CHECK(rep.ok(), "pattern %d: no fault (%zu: %s)", pattern, rep.faults.size(),
             rep.faults.empty() ? "" : rep.faults[0].message.c_str());
    int bad = 0;
    for (int l = 0; l < 64; ++l)
      for (int e = 0; e < 4; ++e) {
        const int want = addr_elem(pattern, tr16_src_lane(l, e)) + tr16_src_elem(l);
        for (int v = 0; v < 3; ++v)
          if (o->v[v][l][e] != want && bad++ < 5)
            HF_CHECK(false, "pattern %d variant %d lane %d element %d: %u, want %d", pattern, v, l, e,
                     o->v[v][l][e], want);
        if (o->w[l][e] != want && bad++ < 5)
          HF_CHECK(false, "pattern %d wrapper lane %d element %d: %u, want %d", pattern, l, e, o->w[l][e], want);
      }
    HF_CHECK(bad == 0, "pattern %d: %d of 1024 elements differ from the formula", pattern, bad);
  }
  hf::emu::free(o);
}

// tr8: 8-bit values cannot name 4096 byte offsets, so LDS is read twice, holding the low and then the high byte of
// each byte's offset.
struct Out8 {
  uint8_t lo[64][8], hi[64][8], wlo[64][8];
};
static int addr_byte8(int l) { return 8 * ((l * 23 + 5) % 256); }

static void k_tr8(Out8* o) {
  HIP_DYNAMIC_SHARED(uint8_t, lds)
  const int l = threadIdx.x;
  uint8_t* a = lds + addr_byte8(l);
  for (int j = l; j < 2 * kLdsElems; j += 64) lds[j] = uint8_t(j);
  __syncthreads();
  const v2i lo = __builtin_amdgcn_ds_read_tr8_b64_v2i32(reinterpret_cast<v2i*>(a));
  const hf::i32x2 wlo = hf::lds_read_tr8_b64(a);
  __syncthreads();
  for (int j = l; j < 2 * kLdsElems; j += 64) lds[j] = uint8_t(j >> 8);
  __syncthreads();
  const v2i hi = __builtin_amdgcn_ds_read_tr8_b64_v2i32(reinterpret_cast<v2i*>(a));
  std::memcpy(o->lo[l], &lo, 8);
  std::memcpy(o->hi[l], &hi, 8);
  std::memcpy(o->wlo[l], &wlo, 8);
}

static void test_tr8() {
  HF_SECTION("tr8: lane 16g+i byte e = byte i%8 of lane 16g+2e+i/8's 8 bytes (every lane and byte)");
  Out8* o = static_cast<Out8*>(hf::emu::malloc(sizeof(Out8)));
  hf::emu::Report rep = hf::emu::launch(k_tr8, dim3(1), dim3(64), 2 * kLdsElems, o);
  HF_CHECK(rep.ok(), "no fault (%zu: %s)", rep.faults.size(), rep.faults.empty() ? "" : rep.faults[0].message.c_str());
  int bad = 0;
  for (int l = 0; l < 64; ++l)
    for (int e = 0; e < 8; ++e) {
      const int want = addr_byte8(tr8_src_lane(l, e)) + tr8_src_byte(l);
      const int got = o->lo[l][e] | o->hi[l][e] << 8;
      if ((got != want || o->wlo[l][e] != (want & 0xff)) && bad++ < 5)
        HF_CHECK(false, "lane %d byte %d: offset %d (wrapper low byte %u), want %d", l, e, got, o->wlo[l][e], want);
    }
  HF_CHECK(bad == 0, "%d of 512 bytes differ from the formula", bad);
  hf::emu::free(o);
}

// ---- the MFMA use: B row-major [K][N] bf16 in LDS (padded row stride) -> the B operand, then an MFMA ------------
// specs/mfma.md §3.1 (KL = 8): lane L, item e of B holds B[k][j], j = L % MN, k = 8 (L / MN) + e. The kernel reads it
// with two tr16 reads at hipforge's lds_tr16_operand_k/mn<MN> (the second 4 rows further down); the expected values
// below come from §3.1 alone. MN = 16: v_mfma_f32_16x16x32_bf16 (K = 32); MN = 32: v_mfma_f32_32x32x16_bf16 (K = 16).
template <int MN>
struct MfmaCase {
  static constexpr int kK = MN == 16 ? 32 : 16, kN = MN, kM = MN, kLd = MN + 4;  // row stride: 8-byte aligned rows
  static constexpr int kRegs = MN == 16 ? 4 : 16;
  struct Out {
    uint16_t breg[64][8];  // the B operand registers (bf16 bits)
    float d[64][kRegs];    // D of A x B
  };
};
static uint16_t bf16_bits(float f) {  // exact for the small integers used here
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return uint16_t(u >> 16);
}
static float b_val(int k, int n) { return float((k * 7 + n * 3) % 17 - 8); }
static float a_val(int m, int k) { return float((m * 5 + k * 11) % 13 - 6); }

template <int MN>
static void k_mfma(const uint16_t* b_global, const uint16_t* a_global, typename MfmaCase<MN>::Out* o) {
  using C = MfmaCase<MN>;
  HIP_DYNAMIC_SHARED(uint16_t, lds)
  const int l = threadIdx.x;
  for (int j = l; j < C::kK * C::kLd; j += 64) lds[j] = b_global[j];
  __syncthreads();
  const uint16_t* p = lds + hf::lds_tr16_operand_k<MN>(l) * C::kLd + hf::lds_tr16_operand_mn<MN>(l);
  const hf::bf16x4 lo = hf::lds_read_tr16_b64_bf16(p);
  const hf::bf16x4 hi = hf::lds_read_tr16_b64_bf16(p + 4 * C::kLd);
  const hf::bf16x8 b = {lo[0], lo[1], lo[2], lo[3], hi[0], hi[1], hi[2], hi[3]};
  std::memcpy(o->breg[l], &b, 16);
  // A in the dense layout straight from global (row-major [M][K]): lane L item e = A[L % MN][8 (L / MN) + e].
  hf::bf16x8 a;
  std::memcpy(&a, a_global + (l % MN) * C::kK + 8 * (l / MN), 16);
  if constexpr (MN == 16) {
    const hf::f32x4 d = __builtin_amdgcn_mfma_f32_16x16x32_bf16(a, b, hf::f32x4{}, 0, 0, 0);
    for (int r = 0; r < 4; ++r) o->d[l][r] = d[r];
  } else {
    const hf::f32x16 d = __builtin_amdgcn_mfma_f32_32x32x16_bf16(a, b, hf::f32x16{}, 0, 0, 0);
    for (int r = 0; r < 16; ++r) o->d[l][r] = d[r];
  }
}

template <int MN>
static void test_mfma_operand() {
  using C = MfmaCase<MN>;
  char title[160];
  snprintf(title, sizeof title, "MFMA use: row-major [K][N] bf16 B, two tr16 reads = the %dx%dx%d B operand; D = A x B",
           MN, MN, C::kK);
  HF_SECTION(title);
  uint16_t* bg = static_cast<uint16_t*>(hf::emu::malloc(C::kK * C::kLd * 2));
  uint16_t* ag = static_cast<uint16_t*>(hf::emu::malloc(C::kM * C::kK * 2));
  auto* o = static_cast<typename C::Out*>(hf::emu::malloc(sizeof(typename C::Out)));
  for (int k = 0; k < C::kK; ++k)
    for (int n = 0; n < C::kLd; ++n) bg[k * C::kLd + n] = n < C::kN ? bf16_bits(b_val(k, n)) : 0x7fc0;  // pad: NaN
  for (int m = 0; m < C::kM; ++m)
    for (int k = 0; k < C::kK; ++k) ag[m * C::kK + k] = bf16_bits(a_val(m, k));
  hf::emu::Report rep = hf::emu::launch(k_mfma<MN>, dim3(1), dim3(64), C::kK * C::kLd * 2, bg, ag, o);
  HF_CHECK(rep.ok(), "MN %d: no fault (%zu: %s)", MN, rep.faults.size(),
           rep.faults.empty() ? "" : rep.faults[0].message.c_str());
  int bad = 0;
  for (int L = 0; L < 64; ++L)
    for (int e = 0; e < 8; ++e) {
      const int j = L % MN, k = 8 * (L / MN) + e;  // specs/mfma.md §3.1, B register -> matrix
      if (o->breg[L][e] != bf16_bits(b_val(k, j)) && bad++ < 5)
        HF_CHECK(false, "MN %d: B operand lane %d item %d: 0x%04x, want B[%d][%d] = 0x%04x", MN, L, e, o->breg[L][e], k,
                 j, bf16_bits(b_val(k, j)));
    }
  HF_CHECK(bad == 0, "MN %d: %d of 512 B-operand items differ from specs/mfma.md §3.1", MN, bad);
  bad = 0;
  for (int L = 0; L < 64; ++L)
    for (int r = 0; r < C::kRegs; ++r) {
      // §3.3: 16x16: VGPR r of lane L holds D[4 (L/16) + r][L % 16]; 32x32: D[8 (r/4) + 4 (L/32) + r%4][L % 32].
      const int i = MN == 16 ? 4 * (L / 16) + r : 8 * (r / 4) + 4 * (L / 32) + r % 4, j = L % MN;
      float want = 0;
      for (int k = 0; k < C::kK; ++k) want += a_val(i, k) * b_val(k, j);  // small integers: exact
      if (o->d[L][r] != want && bad++ < 5) HF_CHECK(false, "MN %d: D[%d][%d] = %g, want %g", MN, i, j, o->d[L][r], want);
    }
  HF_CHECK(bad == 0, "MN %d: %d of %d D elements differ from the reference A x B", MN, bad, MN * MN);
  hf::emu::free(bg);
  hf::emu::free(ag);
  hf::emu::free(o);
}

// ---- ordering, checkers and misuse ---------------------------------------------------------------------------------

// The wave's own earlier writes are visible to every lane's part of the read, without a barrier or wave_sync (the
// wave's LDS instructions run in order on the GPU), and are not a race: lane l writes elements 4 (63-l)..+3 (value
// 3000 + index), i.e. the 8 bytes another lane reads, then the wave tr-reads the contiguous pattern.
static void k_inorder(uint16_t* out) {
  HIP_DYNAMIC_SHARED(uint16_t, lds)
  const int l = threadIdx.x;
  for (int e = 0; e < 4; ++e) lds[4 * (63 - l) + e] = uint16_t(3000 + 4 * (63 - l) + e);
  const hf::i16x4 r = hf::lds_read_tr16_b64(lds + 4 * l);
  for (int e = 0; e < 4; ++e) out[4 * l + e] = uint16_t(r[e]);
}

// Two waves, one barrier interval: wave 1 writes what wave 0 tr-reads (the planted race), or (clean twin) wave 1
// writes only after a __syncthreads.
static void k_race(int clean) {
  HIP_DYNAMIC_SHARED(uint16_t, lds)
  const int t = threadIdx.x, w = t / 64, l = t % 64;
  if (w == 0) hf::lds_read_tr16_b64(lds + 4 * l);
  if (clean) __syncthreads();
  if (w == 1) lds[4 * l] = 1;
  if (!clean) __syncthreads();
}

// One lane's address past the end of dynamic LDS (512 bytes): that lane's 8-byte read is lds_oob.
static void k_oob(int past) {
  HIP_DYNAMIC_SHARED(uint16_t, lds)
  const int l = threadIdx.x;
  hf::lds_read_tr16_b64(lds + (l == 63 && past ? 256 : 4 * l));
}

static void k_misaligned() {
  HIP_DYNAMIC_SHARED(uint16_t, lds)
  const int l = threadIdx.x;
  hf::lds_read_tr16_b64(lds + 4 * l + (l == 9 ? 2 : 0));  // lane 9: 4 bytes past an 8-byte boundary
}

static void k_partial(uint16_t* out) {
  HIP_DYNAMIC_SHARED(uint16_t, lds)
  const int l = threadIdx.x;
  for (int e = 0; e < 4; ++e) lds[4 * l + e] = uint16_t(4 * l + e + 1);
  __syncthreads();
  const hf::i16x4 r = hf::lds_read_tr16_b64(lds + 4 * l);
  for (int e = 0; e < 4; ++e) out[4 * l + e] = uint16_t(r[e]);
}

static void k_divergent() {
  HIP_DYNAMIC_SHARED(uint16_t, lds)
  const int l = threadIdx.x;
  if (l < 32) hf::lds_read_tr16_b64(lds + 4 * l);
}

static const char* first_message(const hf::emu::Report& r, const char* kind) {
  for (const hf::emu::Fault& f : r.faults)
    if (f.kind == kind) return f.message.c_str();
  return "";
}

static void test_checkers() {
  HF_SECTION("in order: the wave's own earlier writes are read, and are no race");
  uint16_t* out = static_cast<uint16_t*>(hf::emu::malloc(512));
  {
    hf::emu::Report rep = hf::emu::launch(k_inorder, dim3(1), dim3(64), 512, out);
    HF_CHECK(rep.ok(), "no fault (%zu: %s)", rep.faults.size(), rep.faults.empty() ? "" : rep.faults[0].message.c_str());
    int bad = 0;
    for (int l = 0; l < 64; ++l)
      for (int e = 0; e < 4; ++e) bad += out[4 * l + e] != 3000 + 4 * tr16_src_lane(l, e) + tr16_src_elem(l);
    HF_CHECK(bad == 0, "%d of 256 elements are not the values the wave wrote just before", bad);
  }

  HF_SECTION("lds_race: another wave writes what a tr read reads in the same barrier interval");
  {
    hf::emu::Report planted = hf::emu::launch(k_race, dim3(1), dim3(128), 512, 0);
    HF_CHECK(planted.count("lds_race") >= 1, "planted race reported (%zu faults)", planted.faults.size());
    hf::emu::Report clean = hf::emu::launch(k_race, dim3(1), dim3(128), 512, 1);
    HF_CHECK(clean.ok(), "clean twin: no fault (%zu: %s)", clean.faults.size(),
             clean.faults.empty() ? "" : clean.faults[0].message.c_str());
  }

  HF_SECTION("lds_oob: a lane's address past the end of dynamic LDS");
  {
    hf::emu::Report bad = hf::emu::launch(k_oob, dim3(1), dim3(64), 512, 1);
    HF_CHECK(bad.count("lds_oob") == 1 && bad.faults.size() == 1, "one lds_oob (%zu faults: %s)", bad.faults.size(),
             bad.faults.empty() ? "" : bad.faults[0].message.c_str());
    HF_CHECK(std::strstr(first_message(bad, "lds_oob"), "lane 63") != nullptr, "attributed to lane 63: %s",
             first_message(bad, "lds_oob"));
    hf::emu::Report good = hf::emu::launch(k_oob, dim3(1), dim3(64), 512, 0);
    HF_CHECK(good.ok(), "in bounds: no fault (%zu)", good.faults.size());
  }

  HF_SECTION("misuse: misaligned address, partial wave (EXEC not all ones), divergence");
  {
    hf::emu::Report r = hf::emu::launch(k_misaligned, dim3(1), dim3(64), 512);
    HF_CHECK(r.count("fault") == 1 && std::strstr(first_message(r, "fault"), "aligned") != nullptr &&
                 std::strstr(first_message(r, "fault"), "lane 9") != nullptr,
             "misaligned address reported for lane 9 (%zu faults: %s)", r.faults.size(), first_message(r, "fault"));
  }
  {
    std::memset(out, 0xee, 512);
    hf::emu::Report r = hf::emu::launch(k_partial, dim3(1), dim3(48), 512, out);
    HF_CHECK(r.count("fault") == 1 && std::strstr(first_message(r, "fault"), "EXEC") != nullptr,
             "partial wave reported (%zu faults: %s)", r.faults.size(), first_message(r, "fault"));
    // Lanes 0..47 are present; elements whose source lane is absent (48..63) read 0.
    int bad = 0;
    for (int l = 0; l < 48; ++l)
      for (int e = 0; e < 4; ++e) {
        const int s = tr16_src_lane(l, e);
        bad += out[4 * l + e] != (s < 48 ? 4 * s + tr16_src_elem(l) + 1 : 0);
      }
    HF_CHECK(bad == 0, "partial wave: %d elements differ (absent source lanes must give 0)", bad);
  }
  {
    hf::emu::Report r = hf::emu::launch(k_divergent, dim3(1), dim3(64), 512);
    HF_CHECK(r.count("barrier_divergence") == 1 && std::strstr(first_message(r, "barrier_divergence"),
                                                               "ds_read_tr16_b64") != nullptr,
             "half a wave at the read is barrier_divergence naming it (%s)", first_message(r, "barrier_divergence"));
  }
  hf::emu::free(out);
}

int main() {
  HF_CHECK(hf::emu::arch() == 950, "built for gfx950");
  HF_CHECK(has_tr16<v4s> && has_tr8<v2i> && hf::kLdsReadTr, "gfx950 declares the transposing reads");
  test_tr16();
  test_tr8();
  test_mfma_operand<16>();
  test_mfma_operand<32>();
  test_checkers();
  return hf::test::summary();
}

#else  // gfx942

int main() {
  HF_CHECK(!has_tr16<v4s> && !has_tr8<v2i> && !hf::kLdsReadTr,
           "gfx942 declares no ds_read_tr builtins (the instruction does not exist before gfx950)");
  printf("SKIPPED (gfx942): ds_read_b64_tr_b16 / ds_read_b64_tr_b8 exist on gfx950 only; only their absence is "
         "checked here\n");
  return hf::test::summary();
}

#endif
