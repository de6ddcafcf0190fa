// hipforge/mfma.hpp — typed MFMA wrappers: one "K step" of a 16x16 output tile per call, per arch and dtype.
//
// The unit of work is a K step of 128 bytes of each operand row (64 16-bit or 128 8-bit elements). A lane brings
// two 16-byte chunks of its A row and of its B column: chunk h (0, 1) holds bytes [64h + 16g, 64h + 16g + 16) of the
// K step, where g = lane / 16 (the lane group). Every instruction below consumes exactly that, so the LDS read
// pattern (one ds_read_b128 per chunk) is the same for every arch and dtype:
//   - gfx950 f8f6f4 16x16x128: both chunks form the "split-16" FP8 operand (specs/mfma.md §3.2) - one MFMA.
//   - gfx950 16x16x32 (16-bit) and 16x16x64 (i8): chunk h is the dense operand (§3.1) of K slice h - two MFMAs.
//   - gfx942 16x16x16 (16-bit) and 16x16x32 (i8, fp8): each 8-byte half of a chunk is one dense operand - four MFMAs.
//     That assigns K indices to MFMAs in a permuted order; A and B use the same permutation, so the sum over K is
//     unchanged.
// Accumulators follow §3.3: element r of lane L is D[4 * (L / 16) + r][L % 16].
#pragma once
#include "hipforge/device.hpp"
#include "hipforge/memory.hpp"

namespace hf {

// Operand element formats. On gfx942 the FP8 formats are FNUZ, on gfx950 OCP: the bytes are the arch's own.
enum class fmt { bf16, f16, i8, fp8, bf8 };

template <fmt F> inline constexpr int fmt_bytes = (F == fmt::bf16 || F == fmt::f16) ? 2 : 1;

// The accumulator of a 16x16 tile: 4 f32, or 4 i32 for INT8.
template <fmt A> struct acc_of { typedef f32x4 type; };
template <> struct acc_of<fmt::i8> { typedef i32x4 type; };

// f8f6f4 format selector (cbsz / blgp) of an FP8 operand: 0 = e4m3, 1 = e5m2.
template <fmt F> inline constexpr int f8f6f4_code = F == fmt::bf8 ? 1 : 0;

// Whether a K step splits into two independent halves (chunk 0, chunk 1): true for every family except gfx950's
// FP8, whose one instruction takes both chunks. Kernels use it to hold half as many B fragments at a time.
template <fmt A>
inline constexpr bool mma_by_chunk =
#if defined(__gfx950__)
    !(A == fmt::fp8 || A == fmt::bf8);
#else
    true;
#endif

// ---- one dense 16x16 MFMA (specs/mfma.md §3.1): the single instruction every wrapper here is built from ---------
// Operand dwords per lane: 4 for gfx950's 16-bit (16x16x32) and INT8 (16x16x64) forms, 2 for gfx942's 16-bit
// (16x16x16) and INT8 (16x16x32) forms and for the 16x16x32 FP8/BF8 forms on both archs.
template <fmt A>
inline constexpr int mfma_dense_dwords =
#if defined(__gfx950__)
    (A == fmt::fp8 || A == fmt::bf8) ? 2 : 4;
#else
    2;
#endif
template <int N> struct dwords_of;
template <> struct dwords_of<2> { typedef u32x2 type; };
template <> struct dwords_of<4> { typedef u32x4 type; };
template <fmt A> using mfma_dense_operand = typename dwords_of<mfma_dense_dwords<A>>::type;

template <fmt A, fmt B = A>
__device__ __attribute__((always_inline)) inline typename acc_of<A>::type mfma_dense(
    typename acc_of<A>::type acc, mfma_dense_operand<A> a, mfma_dense_operand<A> b) {
#if defined(__gfx942__) || defined(__gfx950__)
    if constexpr (A == fmt::fp8 || A == fmt::bf8) {
        const long al = __builtin_bit_cast(long, a), bl = __builtin_bit_cast(long, b);
        if constexpr (A == fmt::fp8 && B == fmt::fp8)
            return __builtin_amdgcn_mfma_f32_16x16x32_fp8_fp8(al, bl, acc, 0, 0, 0);
        else if constexpr (A == fmt::fp8)
            return __builtin_amdgcn_mfma_f32_16x16x32_fp8_bf8(al, bl, acc, 0, 0, 0);
        else if constexpr (B == fmt::fp8)
            return __builtin_amdgcn_mfma_f32_16x16x32_bf8_fp8(al, bl, acc, 0, 0, 0);
        else
            return __builtin_amdgcn_mfma_f32_16x16x32_bf8_bf8(al, bl, acc, 0, 0, 0);
    }
#endif
#if defined(__gfx950__)
    if constexpr (A == fmt::bf16)
        return __builtin_amdgcn_mfma_f32_16x16x32_bf16(__builtin_bit_cast(bf16x8, a), __builtin_bit_cast(bf16x8, b), acc, 0,
                                                       0, 0);
    else if constexpr (A == fmt::f16)
        return __builtin_amdgcn_mfma_f32_16x16x32_f16(__builtin_bit_cast(f16x8, a), __builtin_bit_cast(f16x8, b), acc, 0,
                                                      0, 0);
    else if constexpr (A == fmt::i8)
        return __builtin_amdgcn_mfma_i32_16x16x64_i8(__builtin_bit_cast(i32x4, a), __builtin_bit_cast(i32x4, b), acc, 0, 0,
                                                     0);
#elif defined(__gfx942__)
    if constexpr (A == fmt::bf16)
        return __builtin_amdgcn_mfma_f32_16x16x16bf16_1k(__builtin_bit_cast(i16x4, a), __builtin_bit_cast(i16x4, b), acc, 0,
                                                         0, 0);
    else if constexpr (A == fmt::f16)
        return __builtin_amdgcn_mfma_f32_16x16x16f16(__builtin_bit_cast(f16x4, a), __builtin_bit_cast(f16x4, b), acc, 0, 0,
                                                     0);
    else if constexpr (A == fmt::i8)
        return __builtin_amdgcn_mfma_i32_16x16x32_i8(__builtin_bit_cast(long, a), __builtin_bit_cast(long, b), acc, 0, 0,
                                                     0);
#endif
    // Archs without MFMA (gfx1250): no kernel launches there; this only lets the sources compile.
    (void)a;
    (void)b;
    return acc;
}

// ---- one dense 32x32 MFMA for 16-bit inputs: gfx942 32x32x8 (specs/mfma.md rows 2, 4), gfx950 32x32x16 (rows 11,
// 12). A: lane L holds row L%32 and the run of K elements (k/2)·⌊L/32⌋ ... + k/2 − 1; B likewise with its column.
// D (16 f32): element r of lane L is D[8⌊r/4⌋ + 4⌊L/32⌋ + r%4][L%32]. Half the instructions of 16x16 tiles for the
// same work (attention's choice on both archs).
inline constexpr int mfma_wide_dwords =
#if defined(__gfx950__)
    4;
#else
    2;
#endif
template <fmt A>
__device__ __attribute__((always_inline)) inline f32x16 mfma_wide(f32x16 acc, typename dwords_of<mfma_wide_dwords>::type a,
                                                                  typename dwords_of<mfma_wide_dwords>::type b) {
    static_assert(A == fmt::bf16 || A == fmt::f16, "mfma_wide: 16-bit inputs");
#if defined(__gfx950__)
    if constexpr (A == fmt::bf16)
        return __builtin_amdgcn_mfma_f32_32x32x16_bf16(__builtin_bit_cast(bf16x8, a), __builtin_bit_cast(bf16x8, b), acc, 0,
                                                       0, 0);
    else
        return __builtin_amdgcn_mfma_f32_32x32x16_f16(__builtin_bit_cast(f16x8, a), __builtin_bit_cast(f16x8, b), acc, 0,
                                                      0, 0);
#elif defined(__gfx942__)
    if constexpr (A == fmt::bf16)
        return __builtin_amdgcn_mfma_f32_32x32x8bf16_1k(__builtin_bit_cast(i16x4, a), __builtin_bit_cast(i16x4, b), acc, 0,
                                                        0, 0);
    else
        return __builtin_amdgcn_mfma_f32_32x32x8f16(__builtin_bit_cast(f16x4, a), __builtin_bit_cast(f16x4, b), acc, 0, 0,
                                                    0);
#else
    (void)a;
    (void)b;
    return acc;
#endif
}

// One dense 32x32x32 INT8 MFMA (gfx950 only; specs/mfma.md row 14): 16 bytes of K per lane and operand.
__device__ __attribute__((always_inline)) inline i32x16 mfma_wide_i8(i32x16 acc, u32x4 a, u32x4 b) {
#if defined(__gfx950__)
    return __builtin_amdgcn_mfma_i32_32x32x32_i8(__builtin_bit_cast(i32x4, a), __builtin_bit_cast(i32x4, b), acc, 0, 0, 0);
#else
    (void)a;
    (void)b;
    return acc;
#endif
}

// Half a K step (one chunk, 64 bytes of K) for one 16x16 tile; only where mma_by_chunk<A>.
template <fmt A, fmt B>
__device__ inline typename acc_of<A>::type mma_k64(typename acc_of<A>::type acc, const u32x4& a, const u32x4& b) {
    static_assert(mma_by_chunk<A>, "gfx950 FP8 takes the whole K step (mma_k128)");
#if defined(__gfx950__)
    return mfma_dense<A, B>(acc, a, b);
#else
    // Each 8-byte half of the chunk is one dense operand.
    acc = mfma_dense<A, B>(acc, a.xy, b.xy);
    return mfma_dense<A, B>(acc, a.zw, b.zw);
#endif
}

// One 128-byte K step for one 16x16 tile: acc += A(16 x K) * B(K x 16).
// `scale_a` / `scale_b` are E8M0 bytes (byte 0) for the gfx950 FP8 instruction; 0x7f = 1.0. Others ignore them.
template <fmt A, fmt B>
__device__ inline typename acc_of<A>::type mma_k128(typename acc_of<A>::type acc, const u32x4 (&a)[2],
                                                    const u32x4 (&b)[2], uint32_t scale_a = 0x7f,
                                                    uint32_t scale_b = 0x7f) {
    static_assert(fmt_bytes<A> == fmt_bytes<B>, "A and B must have the same element width");
    static_assert((A == fmt::bf16 || A == fmt::f16 || A == fmt::i8) ? A == B : (B == fmt::fp8 || B == fmt::bf8),
                  "16-bit and i8 GEMMs take the same format for A and B; FP8 takes fp8/bf8 on both");
#if defined(__gfx950__)
    if constexpr (A == fmt::fp8 || A == fmt::bf8) {
        i32x8 av = {(int)a[0].x, (int)a[0].y, (int)a[0].z, (int)a[0].w, (int)a[1].x, (int)a[1].y, (int)a[1].z, (int)a[1].w};
        i32x8 bv = {(int)b[0].x, (int)b[0].y, (int)b[0].z, (int)b[0].w, (int)b[1].x, (int)b[1].y, (int)b[1].z, (int)b[1].w};
        return __builtin_amdgcn_mfma_scale_f32_16x16x128_f8f6f4(av, bv, acc, f8f6f4_code<A>, f8f6f4_code<B>, 0,
                                                                (int)scale_a, 0, (int)scale_b);
    } else {
        acc = mma_k64<A, B>(acc, a[0], b[0]);
        return mma_k64<A, B>(acc, a[1], b[1]);
    }
#elif defined(__gfx942__)
    (void)scale_a;
    (void)scale_b;
    acc = mma_k64<A, B>(acc, a[0], b[0]);
    return mma_k64<A, B>(acc, a[1], b[1]);
#else
    // Other archs (e.g. gfx1250: WMMA, no MFMA) get no GEMM kernels yet; the host refuses to launch there.
    (void)a;
    (void)b;
    (void)scale_a;
    (void)scale_b;
    return acc;
#endif
}

}  // namespace hf
