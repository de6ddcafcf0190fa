// FP8 quantization: f32 or bf16 in, FP8 out (the arch's flavour: FNUZ on gfx942, OCP on gfx950), with
// dequantization scales computed from the amax so that x ≈ q · scale (the torch._scaled_mm convention).
//
// Three scale granularities over a row-major [rows, cols] input:
//   tensor    one scale; its amax comes from hf_quant_amax_* (run first, into a zeroed u32)
//   row       one scale per row (per token)
//   block128  one scale per 1×128 run of a row (DeepSeek-V3's activation blocks); the last run may be shorter
//
// Per group: amax = max |x| (NaN wins), inv = FP8_MAX / amax, scale = amax / FP8_MAX, q = sat_fp8(x · inv), all in
// f32 (division correctly rounded). amax = 0 gives inv = scale = 1 (q = 0). A NaN in a group makes its scale and
// every q of the group NaN; an Inf (with no NaN) makes the scale Inf, finite x give q = 0 and the Inf gives NaN.
// src/quant/reference.rs computes exactly this, so the emulator must match it bit for bit.
//
// Launch: block (256, 1, 1); grid (rows, 1, 1) for tensor/row/amax, (rows, ceil(cols / 128), 1) for block128
// (rows on x: the x dimension of a grid is the one with room for millions of tokens).
#include "hipforge/device.hpp"
#include "hipforge/numeric.hpp"

namespace hf {

struct QuantParams {
  uint64_t x;      // input elements (f32 or bf16), row stride ld_x
  uint64_t q;      // output FP8 bytes, row stride ld_q
  uint64_t scale;  // f32 dequantization scales: tensor [1], row [rows], block128 [rows][ceil(cols/128)]
  uint64_t amax;   // u32: bits of max |x| (hf_quant_amax_* writes it, tensor mode reads it); 0 otherwise
  uint32_t rows, cols;
  uint32_t ld_x, ld_q;
};
static_assert(sizeof(QuantParams) == 48, "QuantParams is mirrored in src/quant/mod.rs (48 bytes)");

constexpr uint32_t kQuantThreads = 256;
constexpr uint32_t kQuantBlockCols = 128;

enum class Granularity { tensor, row, block128 };

__device__ inline float load_elem(const float* p, uint32_t i) { return p[i]; }
__device__ inline float load_elem(const uint16_t* p, uint32_t i) { return bf16_to_f32(p[i]); }
// Four consecutive elements in one 16-byte (f32) or 8-byte (bf16) load; `i` is a multiple of 4 and the row aligned.
__device__ inline f32x4 load4(const float* p, uint32_t i) { return *reinterpret_cast<const f32x4*>(p + i); }
__device__ inline f32x4 load4(const uint16_t* p, uint32_t i) {
  const i32x2 w = *reinterpret_cast<const i32x2*>(p + i);
  const uint32_t lo = uint32_t(w.x), hi = uint32_t(w.y);
  return f32x4{bf16_to_f32(uint16_t(lo)), bf16_to_f32(uint16_t(lo >> 16)), bf16_to_f32(uint16_t(hi)),
               bf16_to_f32(uint16_t(hi >> 16))};
}

// True when every row of x and q starts 4-element aligned, so groups of 4 can be loaded and stored whole. The
// value is the same for every thread (it depends on the params only), so the branch on it never diverges.
template <class T>
__device__ inline bool rows_aligned4(const QuantParams& p) {
  return p.x % (4 * sizeof(T)) == 0 && p.ld_x % 4 == 0 && p.q % 4 == 0 && p.ld_q % 4 == 0;
}

// Visits the columns [begin, end) of a row, spread over the block's threads: `on4(v, c)` for each aligned group
// of four starting at c (when `vec`), then `on1(v, c)` for each remaining column. `begin` is a multiple of 4.
template <class T, class On4, class On1>
__device__ inline void for_each_col(const T* x, uint32_t begin, uint32_t end, bool vec, On4 on4, On1 on1) {
  uint32_t tail = begin;
  if (vec) {
    const uint32_t groups = (end - begin) / 4;
    for (uint32_t g = threadIdx.x; g < groups; g += kQuantThreads) on4(load4(x, begin + 4 * g), begin + 4 * g);
    tail = begin + 4 * groups;
  }
  for (uint32_t c = tail + threadIdx.x; c < end; c += kQuantThreads) on1(load_elem(x, c), c);
}

// |x| as bits: for non-negative floats (and NaN above +Inf) unsigned order is numeric order, so an integer max is a
// NaN-propagating float max and atomicMax on the bits merges blocks.
__device__ inline uint32_t abs_bits(float v) { return __builtin_bit_cast(uint32_t, v) & 0x7FFFFFFFu; }
__device__ inline uint32_t umax(uint32_t a, uint32_t b) { return a > b ? a : b; }

// Max of `v` over the block (every thread gets it). `red` holds kQuantThreads words of LDS.
__device__ inline uint32_t block_max(uint32_t v, uint32_t* red) {
  const uint32_t t = threadIdx.x;
  red[t] = v;
  __syncthreads();
  for (uint32_t s = kQuantThreads / 2; s > 0; s >>= 1) {
    if (t < s) red[t] = umax(red[t], red[t + s]);
    __syncthreads();
  }
  const uint32_t m = red[0];
  __syncthreads();  // red is reused by the caller's next reduction
  return m;
}

// amax (as |x| bits) of the columns [begin, end) of row x, reduced over the block.
template <class T>
__device__ inline uint32_t segment_amax(const T* x, uint32_t begin, uint32_t end, bool vec, uint32_t* red) {
  uint32_t m = 0;
  for_each_col(
      x, begin, end, vec,
      [&](f32x4 v, uint32_t) { m = umax(umax(m, umax(abs_bits(v.x), abs_bits(v.y))), umax(abs_bits(v.z), abs_bits(v.w))); },
      [&](float v, uint32_t) { m = umax(m, abs_bits(v)); });
  return block_max(m, red);
}

// The columns [begin, end) of row blockIdx.x this block owns.
template <Granularity G>
__device__ inline void segment(const QuantParams& p, uint32_t& begin, uint32_t& end) {
  if constexpr (G == Granularity::block128) {
    begin = blockIdx.y * kQuantBlockCols;
    end = begin + kQuantBlockCols < p.cols ? begin + kQuantBlockCols : p.cols;
  } else {
    begin = 0;
    end = p.cols;
  }
}

template <class T>
__device__ void quant_amax(const QuantParams& p) {
  __shared__ uint32_t red[kQuantThreads];
  const T* x = reinterpret_cast<const T*>(p.x) + uint64_t(blockIdx.x) * p.ld_x;
  const uint32_t m = segment_amax(x, 0, p.cols, rows_aligned4<T>(p), red);
  if (threadIdx.x == 0) atomicMax(reinterpret_cast<uint32_t*>(p.amax), m);
}

template <class T, Fp8 F, Granularity G>
__device__ void quant(const QuantParams& p) {
  __shared__ uint32_t red[kQuantThreads];
  const uint32_t row = blockIdx.x;
  const T* x = reinterpret_cast<const T*>(p.x) + uint64_t(row) * p.ld_x;
  uint8_t* q = reinterpret_cast<uint8_t*>(p.q) + uint64_t(row) * p.ld_q;
  const bool vec = rows_aligned4<T>(p);
  uint32_t begin, end;
  segment<G>(p, begin, end);

  // 1. amax of the group.
  uint32_t amax_bits;
  if constexpr (G == Granularity::tensor) {
    amax_bits = *reinterpret_cast<const uint32_t*>(p.amax);
  } else {
    amax_bits = segment_amax(x, begin, end, vec, red);
  }

  // 2. scales.
  const float amax = __builtin_bit_cast(float, amax_bits);
  const float inv = amax == 0.0f ? 1.0f : fp8_max<F>() / amax;
  const float scale = amax == 0.0f ? 1.0f : amax / fp8_max<F>();
  if (threadIdx.x == 0) {
    float* s = reinterpret_cast<float*>(p.scale);
    if constexpr (G == Granularity::tensor) {
      if (row == 0) s[0] = scale;
    } else if constexpr (G == Granularity::row) {
      s[row] = scale;
    } else {
      s[uint64_t(row) * gridDim.y + blockIdx.y] = scale;
    }
  }

  // 3. quantize: four codes per 32-bit store where aligned.
  for_each_col(
      x, begin, end, vec,
      [&](f32x4 v, uint32_t c) {
        *reinterpret_cast<uint32_t*>(q + c) = cvt_pk4_fp8_sat<F>(v.x * inv, v.y * inv, v.z * inv, v.w * inv);
      },
      [&](float v, uint32_t c) { q[c] = cvt_fp8_sat<F>(v * inv); });
}

}  // namespace hf

#define HF_QUANT_AMAX(name, T)                                                                   \
  extern "C" __global__ __launch_bounds__(256) void name(const hf::QuantParams p) { hf::quant_amax<T>(p); }

#define HF_QUANT(name, T, F, G)                                                                  \
  extern "C" __global__ __launch_bounds__(256) void name(const hf::QuantParams p) {              \
    hf::quant<T, hf::Fp8::F, hf::Granularity::G>(p);                                             \
  }

// One HF_EXPORT line per kernel: build/scan.rs reads them (it does not expand macros). HF_ISA_EXPECT: the hardware
// conversion instruction must be in the code (not the portable fallback of numeric.hpp).
// clang-format off
HF_QUANT_AMAX(hf_quant_amax_f32, float)
HF_EXPORT(hf_quant_amax_f32, hf::QuantParams)
HF_QUANT_AMAX(hf_quant_amax_bf16, uint16_t)
HF_EXPORT(hf_quant_amax_bf16, hf::QuantParams)
HF_QUANT(hf_quant_f32_fp8_tensor,    float,    e4m3, tensor)
HF_EXPORT(hf_quant_f32_fp8_tensor, hf::QuantParams)
HF_ISA_EXPECT(hf_quant_f32_fp8_tensor, gfx942, "v_cvt_pk_fp8_f32")
HF_ISA_EXPECT(hf_quant_f32_fp8_tensor, gfx950, "v_cvt_pk_fp8_f32")
HF_QUANT(hf_quant_f32_fp8_row,       float,    e4m3, row)
HF_EXPORT(hf_quant_f32_fp8_row, hf::QuantParams)
HF_ISA_EXPECT(hf_quant_f32_fp8_row, gfx942, "v_cvt_pk_fp8_f32")
HF_ISA_EXPECT(hf_quant_f32_fp8_row, gfx950, "v_cvt_pk_fp8_f32")
HF_QUANT(hf_quant_f32_fp8_block128,  float,    e4m3, block128)
HF_EXPORT(hf_quant_f32_fp8_block128, hf::QuantParams)
HF_ISA_EXPECT(hf_quant_f32_fp8_block128, gfx942, "v_cvt_pk_fp8_f32")
HF_ISA_EXPECT(hf_quant_f32_fp8_block128, gfx950, "v_cvt_pk_fp8_f32")
HF_QUANT(hf_quant_f32_bf8_tensor,    float,    e5m2, tensor)
HF_EXPORT(hf_quant_f32_bf8_tensor, hf::QuantParams)
HF_ISA_EXPECT(hf_quant_f32_bf8_tensor, gfx942, "v_cvt_pk_bf8_f32")
HF_ISA_EXPECT(hf_quant_f32_bf8_tensor, gfx950, "v_cvt_pk_bf8_f32")
HF_QUANT(hf_quant_f32_bf8_row,       float,    e5m2, row)
HF_EXPORT(hf_quant_f32_bf8_row, hf::QuantParams)
HF_ISA_EXPECT(hf_quant_f32_bf8_row, gfx942, "v_cvt_pk_bf8_f32")
HF_ISA_EXPECT(hf_quant_f32_bf8_row, gfx950, "v_cvt_pk_bf8_f32")
HF_QUANT(hf_quant_f32_bf8_block128,  float,    e5m2, block128)
HF_EXPORT(hf_quant_f32_bf8_block128, hf::QuantParams)
HF_ISA_EXPECT(hf_quant_f32_bf8_block128, gfx942, "v_cvt_pk_bf8_f32")
HF_ISA_EXPECT(hf_quant_f32_bf8_block128, gfx950, "v_cvt_pk_bf8_f32")
HF_QUANT(hf_quant_bf16_fp8_tensor,   uint16_t, e4m3, tensor)
HF_EXPORT(hf_quant_bf16_fp8_tensor, hf::QuantParams)
HF_ISA_EXPECT(hf_quant_bf16_fp8_tensor, gfx942, "v_cvt_pk_fp8_f32")
HF_ISA_EXPECT(hf_quant_bf16_fp8_tensor, gfx950, "v_cvt_pk_fp8_f32")
HF_QUANT(hf_quant_bf16_fp8_row,      uint16_t, e4m3, row)
HF_EXPORT(hf_quant_bf16_fp8_row, hf::QuantParams)
HF_ISA_EXPECT(hf_quant_bf16_fp8_row, gfx942, "v_cvt_pk_fp8_f32")
HF_ISA_EXPECT(hf_quant_bf16_fp8_row, gfx950, "v_cvt_pk_fp8_f32")
HF_QUANT(hf_quant_bf16_fp8_block128, uint16_t, e4m3, block128)
HF_EXPORT(hf_quant_bf16_fp8_block128, hf::QuantParams)
HF_ISA_EXPECT(hf_quant_bf16_fp8_block128, gfx942, "v_cvt_pk_fp8_f32")
HF_ISA_EXPECT(hf_quant_bf16_fp8_block128, gfx950, "v_cvt_pk_fp8_f32")
HF_QUANT(hf_quant_bf16_bf8_tensor,   uint16_t, e5m2, tensor)
HF_EXPORT(hf_quant_bf16_bf8_tensor, hf::QuantParams)
HF_ISA_EXPECT(hf_quant_bf16_bf8_tensor, gfx942, "v_cvt_pk_bf8_f32")
HF_ISA_EXPECT(hf_quant_bf16_bf8_tensor, gfx950, "v_cvt_pk_bf8_f32")
HF_QUANT(hf_quant_bf16_bf8_row,      uint16_t, e5m2, row)
HF_EXPORT(hf_quant_bf16_bf8_row, hf::QuantParams)
HF_ISA_EXPECT(hf_quant_bf16_bf8_row, gfx942, "v_cvt_pk_bf8_f32")
HF_ISA_EXPECT(hf_quant_bf16_bf8_row, gfx950, "v_cvt_pk_bf8_f32")
HF_QUANT(hf_quant_bf16_bf8_block128, uint16_t, e5m2, block128)
HF_EXPORT(hf_quant_bf16_bf8_block128, hf::QuantParams)
HF_ISA_EXPECT(hf_quant_bf16_bf8_block128, gfx942, "v_cvt_pk_bf8_f32")
HF_ISA_EXPECT(hf_quant_bf16_bf8_block128, gfx950, "v_cvt_pk_bf8_f32")
// clang-format on

// `hipforge model` floors (docs/model.md), checked by tests/model.rs: no scratch, known MFMA costs, and the
// spill moves, LDS waits and modeled bounds of the steady-state loop no worse than at this commit (clang-22).
// Regression floors only; the kernel-performance issues raise them to the anchors' level.
HF_MODEL_EXPECT(hf_quant_amax_f32, gfx942, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 1", "exposed_lds <= 0")
HF_MODEL_EXPECT(hf_quant_amax_f32, gfx950, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 1", "exposed_lds <= 0")
HF_MODEL_EXPECT(hf_quant_amax_bf16, gfx942, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 1", "exposed_lds <= 0")
HF_MODEL_EXPECT(hf_quant_amax_bf16, gfx950, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 1", "exposed_lds <= 0")
HF_MODEL_EXPECT(hf_quant_f32_fp8_tensor, gfx942, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 1", "exposed_lds <= 0")
HF_MODEL_EXPECT(hf_quant_f32_fp8_tensor, gfx950, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 1", "exposed_lds <= 0")
HF_MODEL_EXPECT(hf_quant_f32_fp8_row, gfx942, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 1", "exposed_lds <= 0")
HF_MODEL_EXPECT(hf_quant_f32_fp8_row, gfx950, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 1", "exposed_lds <= 0")
HF_MODEL_EXPECT(hf_quant_f32_fp8_block128, gfx942, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 1", "exposed_lds <= 0")
HF_MODEL_EXPECT(hf_quant_f32_fp8_block128, gfx950, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 1", "exposed_lds <= 0")
HF_MODEL_EXPECT(hf_quant_f32_bf8_tensor, gfx942, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 1", "exposed_lds <= 0")
HF_MODEL_EXPECT(hf_quant_f32_bf8_tensor, gfx950, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 1", "exposed_lds <= 0")
HF_MODEL_EXPECT(hf_quant_f32_bf8_row, gfx942, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 1", "exposed_lds <= 0")
HF_MODEL_EXPECT(hf_quant_f32_bf8_row, gfx950, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 1", "exposed_lds <= 0")
HF_MODEL_EXPECT(hf_quant_f32_bf8_block128, gfx942, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 1", "exposed_lds <= 0")
HF_MODEL_EXPECT(hf_quant_f32_bf8_block128, gfx950, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 1", "exposed_lds <= 0")
HF_MODEL_EXPECT(hf_quant_bf16_fp8_tensor, gfx942, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 1", "exposed_lds <= 0")
HF_MODEL_EXPECT(hf_quant_bf16_fp8_tensor, gfx950, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 1", "exposed_lds <= 0")
HF_MODEL_EXPECT(hf_quant_bf16_fp8_row, gfx942, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 1", "exposed_lds <= 0")
HF_MODEL_EXPECT(hf_quant_bf16_fp8_row, gfx950, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 1", "exposed_lds <= 0")
HF_MODEL_EXPECT(hf_quant_bf16_fp8_block128, gfx942, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 1", "exposed_lds <= 0")
HF_MODEL_EXPECT(hf_quant_bf16_fp8_block128, gfx950, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 1", "exposed_lds <= 0")
HF_MODEL_EXPECT(hf_quant_bf16_bf8_tensor, gfx942, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 1", "exposed_lds <= 0")
HF_MODEL_EXPECT(hf_quant_bf16_bf8_tensor, gfx950, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 1", "exposed_lds <= 0")
HF_MODEL_EXPECT(hf_quant_bf16_bf8_row, gfx942, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 1", "exposed_lds <= 0")
HF_MODEL_EXPECT(hf_quant_bf16_bf8_row, gfx950, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 1", "exposed_lds <= 0")
HF_MODEL_EXPECT(hf_quant_bf16_bf8_block128, gfx942, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 1", "exposed_lds <= 0")
HF_MODEL_EXPECT(hf_quant_bf16_bf8_block128, gfx950, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 1", "exposed_lds <= 0")
