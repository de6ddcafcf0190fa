// hipforge/lds_tr.hpp — gfx950's transposing LDS reads for kernels: `ds_read_b64_tr_b16` and `ds_read_b64_tr_b8`.
//
// A wave-level instruction (all 64 lanes, EXEC all ones; never call it under divergent control flow). Every lane
// passes the LDS address of 8 bytes (8-byte aligned); lane s's 8 bytes are D_s. Within each group of 16 lanes
// (g = lane / 16, i = lane % 16) the bytes are exchanged, independently of the addresses:
//
//   lds_read_tr16_b64: element e (0..3) of lane 16g+i = 16-bit element (i % 4) of D_{16g + 4e + i/4}
//   lds_read_tr8_b64:  byte    e (0..7) of lane 16g+i = byte (i % 8)           of D_{16g + 2e + i/8}
//
// What that is for: a matrix whose N (or M) is contiguous in LDS read so that each lane holds a run along K, as the
// MFMA operands want. Within one 16-lane group, lane 16g+i pointing at row r0 + i/4, column c0 + 4 (i%4) of a
// 16-bit block X[row][col] (col contiguous; lds_tr16_row/col below) receives X[r0 + e][c0 + i] for e = 0..3: one
// column, four consecutive rows. tr8 likewise: row r0 + i/2, column c0 + 8 (i%2) gives X[r0 + e][c0 + i], e = 0..7
// (lds_tr8_row/col).
//
// The B operand of the gfx950 16-bit MFMAs from a row-major [K][N] block B (n contiguous), or the A operand from a
// column-major A (stored [K][M]): specs/mfma.md §3.1 with KL = 8 wants lane L to hold B[8 floor(L/MN) + e][L mod MN],
// e = 0..7. Two tr16 reads give it; lane L points at
//   k = 8 floor(L/MN) + floor((L mod 16)/4)            (lds_tr16_operand_k<MN>; the second read at k + 4)
//   n = 16 floor((L mod MN)/16) + 4 (L mod 4)          (lds_tr16_operand_mn<MN>)
// and the first read's four elements are items 0..3, the second's items 4..7. Spelled out:
//   v_mfma_f32_16x16x32_bf16 (MN = 16): k = 8 (L/16) + (L%16)/4,  n = 4 (L%4)
//   v_mfma_f32_32x32x16_bf16 (MN = 32): k = 8 (L/32) + (L%16)/4,  n = 16 ((L%32)/16) + 4 (L%4)
// (the 32x32x16 operand: lane L holds column L%32, k-run 8 (L/32)..+7). The CDNA4 ISA's own description of the pair
// ("the first loads K=0..3 and K=8..11, the next K=4..7 and 12..15") is this with MN = 32. tests/emu/lds_tr.cpp
// checks both shapes against §3.1 and through the MFMA. Semantics and sources: docs/emulator-builtins.md
// "Transposing LDS reads"; the emulator implements them in emu/builtins_lds_tr.hpp.
//
// gfx950 only. On other archs `hf::kLdsReadTr` is false and calling a read is a compile error (static_assert), as
// the instruction does not exist there.
#pragma once
#include "hipforge/device.hpp"

#ifndef HF_INLINE
#define HF_INLINE __attribute__((always_inline)) inline
#endif

namespace hf {

#if defined(__gfx950__)
inline constexpr bool kLdsReadTr = true;
#else
inline constexpr bool kLdsReadTr = false;
#endif

// Where lane `lane` points within a block for the canonical use above (tr16: 4 rows of 16 elements, tr8: 8 rows of
// 16 bytes; row = the K index, column = the contiguous index).
__device__ HF_INLINE int lds_tr16_row(int lane) { return (lane & 15) >> 2; }
__device__ HF_INLINE int lds_tr16_col(int lane) { return (lane & 3) * 4; }
__device__ HF_INLINE int lds_tr8_row(int lane) { return (lane & 15) >> 1; }
__device__ HF_INLINE int lds_tr8_col(int lane) { return (lane & 1) * 8; }

// Where lane `lane` points (row k, column mn of a block whose mn is contiguous) for the first of the two tr16 reads
// that make the A or B operand of a gfx950 16-bit MFMA with MN = 16 (16x16x32) or 32 (32x32x16); the second read is
// at row k + 4. The formula is in the header comment.
template <int MN>
__device__ HF_INLINE int lds_tr16_operand_k(int lane) {
    static_assert(MN == 16 || MN == 32, "the gfx950 16-bit MFMAs have MN = 16 (16x16x32) or 32 (32x32x16)");
    return 8 * (lane / MN) + ((lane & 15) >> 2);
}
template <int MN>
__device__ HF_INLINE int lds_tr16_operand_mn(int lane) {
    static_assert(MN == 16 || MN == 32, "the gfx950 16-bit MFMAs have MN = 16 (16x16x32) or 32 (32x32x16)");
    return 16 * ((lane % MN) / 16) + 4 * (lane & 3);
}

namespace lds_tr_detail {
// clang's builtin types (vector_size vectors; the f16 form is declared with __fp16, not _Float16).
typedef short v4i16 __attribute__((__vector_size__(8)));
typedef __fp16 v4f16 __attribute__((__vector_size__(8)));
typedef __bf16 v4bf16 __attribute__((__vector_size__(8)));
typedef int v2i32 __attribute__((__vector_size__(8)));
#if defined(HIPFORGE_EMULATOR)
template <class T>
using lds = T*;
#else
template <class T>
using lds = __attribute__((address_space(3))) T*;
#endif
template <class T>
inline constexpr bool never = false;
}  // namespace lds_tr_detail

#if defined(__gfx950__)

/// `ds_read_b64_tr_b16`: four 16-bit elements (raw bits).
__device__ HF_INLINE i16x4 lds_read_tr16_b64(const void* lds_ptr) {
    using namespace lds_tr_detail;
    return __builtin_bit_cast(i16x4, __builtin_amdgcn_ds_read_tr16_b64_v4i16((lds<v4i16>)const_cast<void*>(lds_ptr)));
}
/// The same instruction, typed bf16.
__device__ HF_INLINE bf16x4 lds_read_tr16_b64_bf16(const void* lds_ptr) {
    using namespace lds_tr_detail;
    return __builtin_bit_cast(bf16x4,
                              __builtin_amdgcn_ds_read_tr16_b64_v4bf16((lds<v4bf16>)const_cast<void*>(lds_ptr)));
}
/// The same instruction, typed f16.
__device__ HF_INLINE f16x4 lds_read_tr16_b64_f16(const void* lds_ptr) {
    using namespace lds_tr_detail;
    return __builtin_bit_cast(f16x4, __builtin_amdgcn_ds_read_tr16_b64_v4f16((lds<v4f16>)const_cast<void*>(lds_ptr)));
}
/// `ds_read_b64_tr_b8`: eight bytes (byte e is byte e % 4 of dword e / 4).
__device__ HF_INLINE i32x2 lds_read_tr8_b64(const void* lds_ptr) {
    using namespace lds_tr_detail;
    return __builtin_bit_cast(i32x2, __builtin_amdgcn_ds_read_tr8_b64_v2i32((lds<v2i32>)const_cast<void*>(lds_ptr)));
}

#else  // no transposing LDS reads on this arch: a call is a compile error naming the reason

template <class T = void>
__device__ i16x4 lds_read_tr16_b64(const void*) {
    static_assert(lds_tr_detail::never<T>, "ds_read_b64_tr_b16 exists on gfx950 only (test hf::kLdsReadTr)");
    return {};
}
template <class T = void>
__device__ bf16x4 lds_read_tr16_b64_bf16(const void*) {
    static_assert(lds_tr_detail::never<T>, "ds_read_b64_tr_b16 exists on gfx950 only (test hf::kLdsReadTr)");
    return {};
}
template <class T = void>
__device__ f16x4 lds_read_tr16_b64_f16(const void*) {
    static_assert(lds_tr_detail::never<T>, "ds_read_b64_tr_b16 exists on gfx950 only (test hf::kLdsReadTr)");
    return {};
}
template <class T = void>
__device__ i32x2 lds_read_tr8_b64(const void*) {
    static_assert(lds_tr_detail::never<T>, "ds_read_b64_tr_b8 exists on gfx950 only (test hf::kLdsReadTr)");
    return {};
}

#endif

}  // namespace hf
