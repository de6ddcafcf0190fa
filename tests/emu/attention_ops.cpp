// tests/emu/attention_ops.cpp — the helpers of hipforge/softmax.hpp, each against a CPU statement of what it must do:
// FP8 e4m3 decoding (FNUZ on gfx942, OCP on gfx950) over all 256 codes, the row reductions over the four lanes of
// a query row, the mask's lo/hi against the bottom-right-aligned definition, the LDS layouts being injective,
// the block order being a permutation, bf16/f16 rounding, and tanh.
#include <math.h>
#include <string.h>

#include <vector>

#include "check.hpp"
#include "hipforge/device.hpp"
#include "hipforge/softmax.hpp"

using namespace hf::attn;

// Decodes by the formats' definitions, written independently of softmax.hpp.
static double e4m3_reference(unsigned code) {
  const bool fnuz = hf::emu::arch() == 942;
  const int bias = fnuz ? 8 : 7;
  if (fnuz && code == 0x80) return NAN;
  if (!fnuz && (code & 0x7f) == 0x7f) return NAN;
  const int e = (code >> 3) & 15, m = code & 7;
  const double mag = e == 0 ? ldexp(m / 8.0, 1 - bias) : ldexp(1.0 + m / 8.0, e - bias);
  return (code & 0x80) ? -mag : mag;
}

__global__ void decode_all(float* out) { out[threadIdx.x] = fp8_to_f32((uint8_t)threadIdx.x); }

// Each lane contributes lane+1; row_max/row_sum reduce over the lanes {L, L^16, L^32, L^48}.
__global__ void reduce_rows(float* mx, float* sum) {
  const int lane = threadIdx.x & 63;
  mx[threadIdx.x] = row_max((float)(lane + 1), lane);
  sum[threadIdx.x] = row_sum((float)(lane + 1), lane);
}

int main() {
  HF_SECTION("fp8_to_f32: all 256 codes");
  {
    float* out = (float*)hf::emu::malloc(256 * sizeof(float));
    HF_CHECK(hf::emu::launch(decode_all, dim3(1), dim3(256), 0, out).ok());
    int bad = 0;
    for (unsigned c = 0; c < 256; ++c) {
      const double want = e4m3_reference(c);
      const bool ok = isnan(want) ? isnan(out[c]) : (double)out[c] == want && signbit(out[c]) == signbit(want);
      bad += !ok;
      if (!ok) HF_CHECK(ok, "code 0x%02x: got %g, want %g", c, out[c], want);
    }
    HF_CHECK(bad == 0, "%d codes wrong", bad);
    hf::emu::free(out);
  }

  HF_SECTION("row_max / row_sum over the four lanes of a row");
  {
    float* mx = (float*)hf::emu::malloc(128 * sizeof(float));
    float* sum = (float*)hf::emu::malloc(128 * sizeof(float));
    HF_CHECK(hf::emu::launch(reduce_rows, dim3(1), dim3(128), 0, mx, sum).ok());
    for (int t = 0; t < 128; ++t) {
      const int r = t & 15;  // lanes r, r+16, r+32, r+48 hold values r+1, r+17, r+33, r+49
      HF_CHECK(mx[t] == (float)(r + 49), "thread %d max %g", t, mx[t]);
      HF_CHECK(sum[t] == (float)(4 * r + 100), "thread %d sum %g", t, sum[t]);
    }
    hf::emu::free(mx);
    hf::emu::free(sum);
  }

  HF_SECTION("mask: lo/hi match the definition, causal = (-1, 0), bottom-right aligned");
  {
    const int settings[][4] = {{5, 9, -1, 0}, {9, 5, -1, 0}, {7, 7, 2, 1}, {4, 11, 3, -1}, {6, 6, -1, -1}, {3, 0, -1, 0}};
    for (auto& s : settings) {
      const mask mk{s[0], s[1], s[2], s[3]};
      for (int i = 0; i < s[0]; ++i)
        for (int j = -2; j < s[1] + 2; ++j) {
          const int diag = i + s[1] - s[0];
          const bool want = j >= 0 && j < s[1] && (s[2] < 0 || j >= diag - s[2]) && (s[3] < 0 || j <= diag + s[3]);
          const bool got = j >= 0 && mk.visible(i, j);
          HF_CHECK(got == want, "sq %d sk %d window (%d, %d): i %d j %d", s[0], s[1], s[2], s[3], i, j);
        }
    }
  }

  HF_SECTION("LDS layouts: every K chunk and V element has its own place inside the tile");
  {
    using t128 = kv_tiles<__bf16, 128, 64>;
    // K: swizzled rows (every slot hit once) or, with v_rows, rows padded by 16 bytes (each chunk once, in range,
    // the padding never written); the 16 rows of a 16-lane phase start on distinct 4-bank groups.
    std::vector<int> seen(t128::k_bytes / 16, 0);
    bool once = true;
    for (int j = 0; j < 64; ++j)
      for (int c = 0; c < t128::k_chunks; ++c) {
        const int o = t128::k_offset(j, c * 16);
        if (o < 0 || o % 16 != 0 || o + 16 > t128::k_bytes) { once = false; continue; }
        seen[o / 16]++;
      }
    int hit = 0;
    for (int x : seen) once &= x <= 1, hit += x;
    HF_CHECK(once && hit == 64 * t128::k_chunks, "K tile chunks not hit exactly once (%d of %d)", hit, 64 * t128::k_chunks);
    if (t128::v_rows) {
      HF_CHECK(t128::k_pitch == 128 * 2 + 16, "K pitch %d", t128::k_pitch);
      for (int c = 0; c < t128::k_chunks; ++c) {
        std::vector<int> banks(16, 0);
        for (int j = 0; j < 16; ++j) banks[(t128::k_offset(j, c * 16) / 16) % 16]++;
        bool distinct = true;
        for (int b : banks) distinct &= b == 1;
        HF_CHECK(distinct, "chunk %d: rows of one phase share a bank group", c);
      }
      // V untransposed: element d of key row j is at j * pitch + 2d, rows 32 bytes apart beyond the data, all
      // inside the tile and none overlapping.
      std::vector<int> vseen(t128::v_bytes / 2, 0);
      for (int j = 0; j < 64; ++j)
        for (int d = 0; d < 128; ++d) {
          const int o = t128::v_offset(j, 2 * d);
          if (o < 0 || o + 2 > t128::v_bytes) { once = false; continue; }
          vseen[o / 2]++;
        }
      int vhit = 0;
      for (int x : vseen) once &= x <= 1, vhit += x;
      HF_CHECK(once && vhit == 64 * 128, "V rows overlap or leave the tile");
      HF_CHECK(t128::v_offset(1, 0) - t128::v_offset(0, 0) == 128 * 2 + 32 && t128::v_offset(0, 0) % 16 == 0, "V pitch");
    } else {
      std::vector<int> vseen(t128::v_bytes / 2, 0);
      for (int d = 0; d < 128; ++d)
        for (int j = 0; j < 64; ++j) vseen[t128::vt_offset(d, j) / 2]++;
      once = true;
      for (int x : vseen) once &= x == 1;
      HF_CHECK(once, "Vt tile elements not hit exactly once");
      // A 4-key group read (8 bytes) stays contiguous and aligned under the XOR.
      for (int d = 0; d < 128; ++d)
        for (int j = 0; j < 64; j += 4)
          HF_CHECK(t128::vt_offset(d, j + 3) == t128::vt_offset(d, j) + 6 && t128::vt_offset(d, j) % 8 == 0, "d %d j %d", d, j);
    }
    // The transposed layout that FP8 (and gfx942) use: with a 32-key P·V MFMA the 8 keys one lane feeds it,
    // 16h + 4g + r of a 32-key chunk, are one aligned 16-byte run in that order (one ds_read_b128).
    using t8 = kv_tiles<fp8e4m3, 128, 64>;
    if (!t8::v_rows && t8::pv_k == 32) {
      std::vector<int> vseen(t8::v_bytes / (int)sizeof(t8::V), 0);
      for (int d = 0; d < 128; ++d)
        for (int j = 0; j < 64; ++j) vseen[t8::vt_offset(d, j) / (int)sizeof(t8::V)]++;
      bool one = true;
      for (int x : vseen) one &= x == 1;
      HF_CHECK(one, "FP8 Vt tile elements not hit exactly once");
      const int e = (int)sizeof(t8::V);
      for (int d = 0; d < 128; ++d)
        for (int j0 = 0; j0 < 64; j0 += 32)
          for (int g = 0; g < 4; ++g) {
            const int base = t8::vt_offset(d, j0 + 4 * g);
            HF_CHECK(base % (8 * e) == 0, "d %d chunk %d g %d: not aligned", d, j0, g);
            for (int h = 0; h < 2; ++h)
              for (int r = 0; r < 4; ++r)
                HF_CHECK(t8::vt_offset(d, j0 + 16 * h + 4 * g + r) == base + (4 * h + r) * e, "d %d j0 %d g %d h %d r %d",
                         d, j0, g, h, r);
          }
    }
  }

  HF_SECTION("block_order is a permutation");
  for (int n = 1; n <= 70; ++n) {
    std::vector<int> hit(n, 0);
    for (int id = 0; id < n; ++id) {
      const int x = block_order(id, n);
      if (x >= 0 && x < n) hit[x]++;
    }
    bool perm = true;
    for (int h : hit) perm &= h == 1;
    HF_CHECK(perm, "n = %d", n);
  }

  HF_SECTION("to_bits16: round to nearest even, NaN kept");
  {
    HF_CHECK(to_bits16<__bf16>(1.0f) == 0x3f80);
    HF_CHECK(to_bits16<__bf16>(1.0f + 1.0f / 256) == 0x3f80);                 // tie to even (down)
    HF_CHECK(to_bits16<__bf16>(1.0f + 3.0f / 256) == 0x3f82);                 // tie to even (up)
    HF_CHECK(to_bits16<__bf16>(-2.5f) == 0xc020);
    HF_CHECK((to_bits16<__bf16>(NAN) & 0x7f80) == 0x7f80 && (to_bits16<__bf16>(NAN) & 0x7f) != 0);
    HF_CHECK(to_bits16<_Float16>(1.0f) == 0x3c00);
    HF_CHECK(to_bits16<_Float16>(65520.0f) == 0x7c00);  // rounds to +inf
  }

  HF_SECTION("tanh_f32");
  {
    double worst = 0;
    for (int i = -4000; i <= 4000; ++i) {
      const float x = i / 200.0f;
      worst = fmax(worst, fabs((double)tanh_f32(x) - tanh((double)x)));
    }
    HF_CHECK(worst < 4e-7, "worst absolute error %g", worst);
  }
  return hf::test::summary();
}
