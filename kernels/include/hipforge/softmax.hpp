// hipforge/softmax.hpp — the pieces of a FlashAttention-style forward kernel that are not GEMM tiles:
// MFMA fragments in the transposed (Sᵀ = K·Qᵀ, Oᵀ = Vᵀ·Pᵀ) formulation, the online softmax in the exp2 domain,
// masks, FP8 decoding for V, and the K / Vᵀ tiles in LDS with their swizzles.
//
// Why transposed: with Sᵀ = K·Qᵀ on a 16×16 MFMA, lane L holds Sᵀ[j = 4·⌊L/16⌋ + r][i = L mod 16] (specs/mfma.md
// §3.3). That is exactly the B operand Pᵀ of Oᵀ = Vᵀ·Pᵀ (item e ↔ j = 4·⌊L/16⌋ + e for 16x16x16; for 16x16x32 two S
// tiles are concatenated through a permutation of k, which an MFMA does not see because it sums over k). And the
// output Oᵀ[d][i] again keeps query row i = L mod 16 in lane L, so every per-row quantity (running max, running sum,
// rescale factor) is lane-local: only the row max needs two cross-lane exchanges per tile.
#pragma once
#include "hipforge/device.hpp"
#include "hipforge/memory.hpp"  // global loads: hf::buffer (clamped raw-buffer loads)
#include "hipforge/mfma.hpp"    // the MFMA instructions (mfma_dense)

namespace hf {
namespace attn {

// ---------------------------------------------------------------------------------------------------------------
// Element types and the 16×16×K MFMA each one uses (from hipforge/mfma.hpp).

/// FP8 E4M3 storage (OCP on gfx950, FNUZ on gfx942: the MFMA reads it per the arch).
struct fp8e4m3 {
    uint8_t bits;
};

typedef unsigned int dw2 __attribute__((ext_vector_type(2)));
typedef unsigned int dw4 __attribute__((ext_vector_type(4)));

// A fragment is `dwords` 32-bit registers of one lane: KL items of the operand, packed little-endian.
template <int Dwords>
struct frag {
    unsigned int w[Dwords];
};

// The MFMA of each element type: hipforge/mfma.hpp's one dense 16x16 instruction for the type's format
// (k elements of K per MFMA, `dwords` operand registers per lane).
template <class T>
struct fmt_of;
template <>
struct fmt_of<__bf16> {
    static constexpr fmt value = fmt::bf16;
};
template <>
struct fmt_of<_Float16> {
    static constexpr fmt value = fmt::f16;
};
template <>
struct fmt_of<fp8e4m3> {
    static constexpr fmt value = fmt::fp8;  // e4m3: FNUZ on gfx942, OCP on gfx950
};

template <class T>
struct mma16 {
    static constexpr fmt F = fmt_of<T>::value;
    static constexpr int dwords = mfma_dense_dwords<F>;
    static constexpr int k = 16 * dwords / fmt_bytes<F>;  // 4 lane groups x the lane's elements
    using acc = f32x4;
    __device__ static f32x4 run(frag<dwords> a, frag<dwords> b, f32x4 c) {
        return mfma_dense<F>(c, __builtin_bit_cast(mfma_dense_operand<F>, a), __builtin_bit_cast(mfma_dense_operand<F>, b));
    }
};

// The 32x32 MFMA of a 16-bit type (hipforge/mfma.hpp, mfma_wide): k = 16 (gfx950) or 8 (gfx942) per instruction.
template <class T>
struct mma32 {
    static constexpr fmt F = fmt_of<T>::value;
    static_assert(fmt_bytes<F> == 2, "mma32: 16-bit inputs");
    static constexpr int dwords = mfma_wide_dwords;
    static constexpr int k = 2 * dwords * 2;  // 2 lane halves x the lane's 16-bit elements
    using acc = f32x16;
    using operand = typename dwords_of<mfma_wide_dwords>::type;
    __device__ static f32x16 run(frag<dwords> a, frag<dwords> b, f32x16 c) {
        return mfma_wide<F>(c, __builtin_bit_cast(operand, a), __builtin_bit_cast(operand, b));
    }
};

// The MFMA of a W×W tile (W = 16 or 32).
template <class T, int W>
struct mma_of {
    using type = mma16<T>;
};
template <class T>
struct mma_of<T, 32> {
    using type = mma32<T>;
};

// The type P and Vᵀ take in the P·V product: the input type for 16-bit inputs; bf16 for FP8 (V is decoded exactly
// into bf16 in LDS and P is rounded to bf16, which keeps the P·V error at bf16's unit roundoff instead of FP8's).
template <class T>
struct pv_type {
    using type = T;
};
template <>
struct pv_type<fp8e4m3> {
    using type = __bf16;
};

// Bits of a 16-bit float as an unsigned integer, and back.
template <class H>
__device__ inline unsigned int bits16(H x) {
    return __builtin_bit_cast(unsigned short, x);
}

// f32 → the bits of a 16-bit float, round to nearest even. On the GPU the cast is the hardware conversion; the host
// emulator build spells the bf16 rounding out, because host runtimes before libgcc 13 lack the cast's helper.
template <class H>
__device__ inline unsigned int to_bits16(float x) {
#if defined(HIPFORGE_EMULATOR)
    if constexpr (sizeof(H) == 2 && __is_same(H, __bf16)) {
        unsigned int u = __builtin_bit_cast(unsigned int, x);
        if ((u & 0x7fffffffu) > 0x7f800000u) return (u >> 16) | 0x40;  // NaN stays NaN (quiet)
        u += 0x7fffu + ((u >> 16) & 1);
        return u >> 16;
    } else
#endif
    {
        return bits16((H)x);
    }
}

// Two f32 values rounded to a 16-bit type (nearest even), packed into one dword, `a` in the low half. On gfx950 a
// bf16 pair is one v_cvt_pk_bf16_f32; converted one at a time, each value takes its own conversion plus a shift and
// an OR to pack (three instructions per value instead of one per pair, 48 VALU instructions per P tile at d128).
template <class H>
__device__ inline unsigned int pack2(float a, float b) {
#if defined(__gfx950__) && !defined(HIPFORGE_EMULATOR)
    if constexpr (__is_same(H, __bf16)) {
        return __builtin_bit_cast(unsigned int, __builtin_convertvector((f32x2){a, b}, bf16x2));
    } else
#endif
    {
        return to_bits16<H>(a) | (to_bits16<H>(b) << 16);
    }
}

// FP8 E4M3 → f32, exact. gfx942 reads E4M3 as FNUZ (bias 8, 0x80 is the only NaN, no −0); gfx950 as OCP (bias 7,
// S.1111.111 is NaN, no infinities). Same rule as the MFMA applies to Q and K, so V agrees with them.
__device__ inline float fp8_to_f32(uint8_t b) {
#if defined(__gfx942__)
    constexpr int bias = 8;
    if (b == 0x80) return __builtin_nanf("");
#else
    constexpr int bias = 7;
    if ((b & 0x7f) == 0x7f) return __builtin_nanf("");
#endif
    const unsigned int e = (b >> 3) & 15, m = b & 7;
    float mag;
    if (e == 0) {
        // Subnormal: m · 2^(1 − bias − 3).
        mag = (float)m * __builtin_bit_cast(float, (unsigned int)(127 + 1 - bias - 3) << 23);
    } else {
        mag = __builtin_bit_cast(float, ((e - bias + 127) << 23) | (m << 20));
    }
    return (b & 0x80) ? -mag : mag;
}

// ---------------------------------------------------------------------------------------------------------------
// Cross-lane exchange within a wave (ds_bpermute: every lane reads `x` of lane `lane ^ mask`).

__device__ inline float shfl_xor(float x, int lane, int mask) {
    return __builtin_bit_cast(float, __builtin_amdgcn_ds_bpermute((lane ^ mask) << 2, __builtin_bit_cast(int, x)));
}

// Reduce over the four lanes L, L^16, L^32, L^48 that hold one query row's values.
__device__ inline float row_max(float x, int lane) {
    x = __builtin_fmaxf(x, shfl_xor(x, lane, 16));
    return __builtin_fmaxf(x, shfl_xor(x, lane, 32));
}
__device__ inline float row_sum(float x, int lane) {
    x += shfl_xor(x, lane, 16);
    return x + shfl_xor(x, lane, 32);
}

// ---------------------------------------------------------------------------------------------------------------
// Scores.

inline constexpr float kLog2e = 1.4426950408889634f;
inline constexpr float kLn2 = 0.6931471805599453f;
inline constexpr float kNegInf = -__builtin_inff();

// Lazy rescaling: the running max m only moves when a row's new max exceeds it by more than this (in log2 units),
// so exp2(s − m) ≤ 2^8 stays far from f32 overflow while most tiles skip the O rescale entirely.
inline constexpr float kRescaleThreshold = 8.0f;

// 2^x on the hardware's v_exp_f32 (about 1 ulp; exp2(−inf) = 0; results below 2^−126 flush to 0). __builtin_exp2f
// wraps the same instruction in a denormal-preserving range reduction, four more VALU ops per exponential in the
// hottest VALU loop of the kernel. The flush cannot matter here: a running row sum is ≥ 1 once the row has seen a
// key (the element at the running max contributes 2^0), so a flushed term changes it by < 2^−126 relative.
__device__ inline float exp2_fast(float x) { return __builtin_amdgcn_exp2f(x); }

// The wave's index in its block as a scalar (readfirstlane): the compiler then sees that values derived from it are
// equal across the wave, so per-wave decisions compile to scalar branches instead of exec-mask regions.
__device__ inline int wave_id() { return __builtin_amdgcn_readfirstlane((int)(threadIdx.x >> 6)); }

// x, about which the compiler may assume nothing (an empty asm claims to modify it). The kernel's loop stores V
// transposed with one 2-byte write per element at a swizzled address; left alone, the compiler hoists all of those
// loop-invariant addresses out of the loop and holds them in ~16 VGPRs for the whole kernel, which at d128 is what
// pushes it into scratch. Recomputing them per tile costs a few VALU ops.
__device__ inline int opaque(int x) {
#if !defined(HIPFORGE_EMULATOR)
    asm volatile("" : "+v"(x));
#endif
    return x;
}

// A kernel's parameter block (its only argument, so at offset 0 of the kernel-argument segment), read again: loads
// through the returned reference are new scalar loads from the kernarg segment, placed where the values are used,
// instead of values the compiler loaded at the start and holds in SGPRs until then (an empty asm hides that the
// pointer is the same). `p` itself is only used by the emulator, where there is no such segment.
template <class P>
__device__ inline const auto& reload_params(const P& p) {
#if defined(HIPFORGE_EMULATOR)
    return p;
#else
    (void)p;
    typedef const __attribute__((address_space(4))) P* kernarg_ptr;
    kernarg_ptr k = (kernarg_ptr)__builtin_amdgcn_kernarg_segment_ptr();
    asm volatile("" : "+s"(k));
    return *k;
#endif
}

// tanh through exp2 (no device math library is linked): tanh(x) = sign(x)·(1 − e)/(1 + e), e = exp(−2|x|).
__device__ inline float tanh_f32(float x) {
    const float e = __builtin_exp2f(-2.0f * kLog2e * __builtin_fabsf(x));
    return __builtin_copysignf((1.0f - e) / (1.0f + e), x);
}

// Masks, in positions within one sequence. Key j is visible from query i when j < seqlen_k and
//   i + shift − left ≤ j ≤ i + shift + right, shift = seqlen_k − seqlen_q (bottom-right alignment),
// where a negative `left`/`right` means unbounded. Causal is (left = −1, right = 0).
struct mask {
    int seqlen_q, seqlen_k, left, right;

    __device__ int shift() const { return seqlen_k - seqlen_q; }
    // First visible key of query row i (may be < 0: clamp at use).
    __device__ int lo(int i) const { return left < 0 ? 0 : i + shift() - left; }
    // One past the last visible key of query row i.
    __device__ int hi(int i) const {
        if (right < 0) return seqlen_k;
        const int h = i + shift() + right + 1;
        return h < seqlen_k ? h : seqlen_k;
    }
    __device__ bool visible(int i, int j) const { return j >= lo(i) && j < hi(i); }
};

// ---------------------------------------------------------------------------------------------------------------
// K and Vᵀ tiles in LDS.
//
// K tile: BN rows × D elements, row-major; 16-byte chunk c of row j is stored at chunk c ^ (j mod S), S = min(8,
// chunks per row), so the 16 rows one MFMA operand read touches spread over the banks (with v_rows below: padded
// rows instead).
// Vᵀ tile: D rows × BN elements (Vt[d][j] = V[j][d]). What one lane reads as the A operand of the P·V MFMA depends on
// its K size (pv_k):
//   - 16 keys (gfx942): keys 4g .. 4g+3 of a 16-key chunk, 8 bytes, stored contiguously; element j of row d sits at
//     j ^ 4·(d mod 8): the XOR moves whole 4-key groups and spreads the 16 rows (d = L mod 16) of one read over the
//     banks (32 banks × 4 bytes).
//   - 32 keys (gfx950): keys 4g .. 4g+3 and 16+4g .. 16+4g+3 of a 32-key chunk (the order P's registers have, see
//     the P·V step of fwd.hip). Within each 32-key chunk, key 16h + 4g + r is stored at 8g + 4h + r, so those eight
//     keys are 16 contiguous bytes — one ds_read_b128 instead of two 8-byte reads whose results the compiler
//     shuffles with v_movs. Then 16-byte granule q of row d is stored at granule q ^ ((d / R) mod Q), R = rows per
//     256 bytes (64 banks × 4 bytes), Q = granules per row: the 16 rows of one read phase land on distinct banks.
//
// V tile (v_rows: gfx950 with 16-bit V, read with ds_read_b64_tr_b16): BN rows × D elements as in memory, each row
// padded by 32 bytes. A transposing read touches 16 rows × 32 bytes; with a row pitch of D·2 + 32 bytes, the 8 rows of
// each half-wave start 8 banks apart (64 banks × 4 bytes), and every per-step part of the address (key chunk,
// head-dim tile) is a constant that the read's immediate offset absorbs (an XOR swizzle would not be). A row's
// 16-byte stores by 16 consecutive lanes cover 256 contiguous bytes: all 64 banks once.
template <class T, int D, int BN>
struct kv_tiles {
    using V = typename pv_type<T>::type;
    static constexpr int pv_k = mma16<V>::k;  // keys per P·V MFMA
    static constexpr int k_row_bytes = D * (int)sizeof(T);
    static constexpr int k_chunks = k_row_bytes / 16;
    static constexpr int k_swizzle = (k_chunks < 8 ? k_chunks : 8) - 1;
#if defined(__gfx950__)
    static constexpr bool v_rows = sizeof(T) == 2 && pv_k == 32;
#else
    static constexpr bool v_rows = false;
#endif
    // With v_rows, K rows are padded by 16 bytes instead of swizzled: the 16 rows of one 16-lane phase of a
    // fragment read then start 4 banks apart (all 64 banks once), and the per-step address parts stay immediates.
    static constexpr int k_pitch = v_rows ? k_row_bytes + 16 : k_row_bytes;
    static constexpr int k_bytes = BN * k_pitch;
    static constexpr int v_row_bytes = D * 2 + 32;  // the v_rows layout's row pitch
    static constexpr int v_bytes = v_rows ? BN * v_row_bytes : D * BN * (int)sizeof(V);
    static constexpr int stage_bytes = k_bytes + v_bytes;
    static_assert(k_row_bytes % 16 == 0, "a K row must be whole 16-byte chunks");
    static_assert(BN % 32 == 0, "the Vt layouts permute 32-key chunks: BN must be a multiple of 32");

    __device__ static int k_offset(int j, int byte) {
        if constexpr (v_rows) return j * k_pitch + byte;
        return j * k_row_bytes + (((byte >> 4) ^ (j & k_swizzle)) << 4) + (byte & 15);
    }
    // Byte `byte` of V row j in the v_rows layout.
    __device__ static int v_offset(int j, int byte) { return j * v_row_bytes + byte; }
    __device__ static int vt_offset(int d, int j) {
        if constexpr (pv_k == 32) {
            const int pos = (j & ~31) | ((j & 12) << 1) | ((j & 16) >> 2) | (j & 3);
            constexpr int rows_per_window = 256 / (BN * (int)sizeof(V)), granules = BN / 8;
            return (d * BN + (pos ^ (((d / rows_per_window) & (granules - 1)) << 3))) * (int)sizeof(V);
        } else {
            return (d * BN + (j ^ ((d & 7) << 2))) * (int)sizeof(V);
        }
    }
};

// ---------------------------------------------------------------------------------------------------------------
// Block order. The hardware hands consecutive workgroup ids round-robin to the 8 XCDs, each with its own L2. Give
// each XCD a contiguous range of logical ids instead, so the query blocks of one (batch, head) — which all read the
// same K and V — run on one XCD. A bijection on [0, n) for any n.
inline constexpr int kXcds = 8;
__device__ inline int block_order(int id, int n) {
    const int per = n / kXcds, extra = n % kXcds;
    const int xcd = id % kXcds, k = id / kXcds;
    return xcd * per + (xcd < extra ? xcd : extra) + k;
}

}  // namespace attn
}  // namespace hf
