// hipforge/memory.hpp — global memory through buffer resources.
//
// Every global access of a kernel goes through a `buffer`: a base address plus a byte range. A raw buffer load
// whose offset lies outside the range returns zeros and a store there is dropped (CDNA buffer semantics), so ragged
// edges need no branches: an out-of-range element gets the offset `kOutOfRange` and reads as 0.
//
// Offsets are 32-bit byte offsets. The host side (src/gemm) guarantees each buffer's range is below 2^31 bytes, so
// `kOutOfRange` (2^31) is always past the end, whatever the exact range-check rule (per dword or per access).
#pragma once
#include "hipforge/device.hpp"

// Forces inlining: a call on AMDGPU spills to scratch, and kernels must use none.
#ifndef HF_INLINE
#define HF_INLINE __attribute__((always_inline)) inline
#endif

namespace hf {

// Buffer resource word 3 for raw (stride 0) buffers on gfx9: 32-bit data format, no swizzle, range checked in bytes.
#if defined(__gfx942__) || defined(__gfx950__) || defined(HIPFORGE_EMULATOR)
inline constexpr int kBufferFlags = 0x00020000;
#else
inline constexpr int kBufferFlags = 0x00020000;
#endif

// An offset that is past the end of every buffer the host creates (their ranges are < 2^31 bytes).
inline constexpr uint32_t kOutOfRange = 0x80000000u;

typedef unsigned int u32x2 __attribute__((ext_vector_type(2)));
typedef unsigned int u32x4 __attribute__((ext_vector_type(4)));

// An LDS address as the buffer->LDS builtin takes it (address space 3 on the GPU; a host pointer in the emulator).
#if defined(HIPFORGE_EMULATOR)
typedef void* lds_ptr;
#else
typedef __attribute__((address_space(3))) void* lds_ptr;
#endif

// Whether this arch has 16-byte buffer->LDS loads (CDNA4; CDNA3's LDS DMA moves at most 4 bytes per lane).
#if defined(__gfx950__)
inline constexpr bool kLdsDma16 = true;
#else
inline constexpr bool kLdsDma16 = false;
#endif

// A global memory range addressed by 32-bit byte offsets with hardware clamping.
struct buffer {
    __amdgpu_buffer_rsrc_t rsrc;

    __device__ static buffer make(const void* base, uint32_t bytes) {
        buffer b;
        b.rsrc = __builtin_amdgcn_make_buffer_rsrc(const_cast<void*>(base), 0, (int)bytes, kBufferFlags);
        return b;
    }

    // The same, for a base and range the caller knows are equal in every lane of the wave (they usually are: kernel
    // parameters and block indices). Saying so matters: when the compiler cannot prove a resource uniform it keeps it
    // in vector registers and wraps every access in a "waterfall" loop (readfirstlane, compare, exec mask, repeat).
    __device__ static buffer make_uniform(const void* base, uint32_t bytes) {
        const uint64_t a = (uint64_t)base;
        const uint64_t lo = (uint32_t)__builtin_amdgcn_readfirstlane((int)(uint32_t)a);
        const uint64_t hi = (uint32_t)__builtin_amdgcn_readfirstlane((int)(uint32_t)(a >> 32));
        return make((const void*)(lo | (hi << 32)), (uint32_t)__builtin_amdgcn_readfirstlane((int)bytes));
    }

    // Loads (zeros when `off` is out of range).
    __device__ u32x4 load16(uint32_t off) const { return __builtin_amdgcn_raw_buffer_load_b128(rsrc, (int)off, 0, 0); }
    __device__ u32x2 load8(uint32_t off) const { return __builtin_amdgcn_raw_buffer_load_b64(rsrc, (int)off, 0, 0); }
    __device__ uint32_t load4(uint32_t off) const { return __builtin_amdgcn_raw_buffer_load_b32(rsrc, (int)off, 0, 0); }
    __device__ uint16_t load2(uint32_t off) const { return __builtin_amdgcn_raw_buffer_load_b16(rsrc, (int)off, 0, 0); }
    __device__ uint8_t load1(uint32_t off) const { return __builtin_amdgcn_raw_buffer_load_b8(rsrc, (int)off, 0, 0); }

    // Stores (dropped when `off` is out of range).
    __device__ void store4(uint32_t off, uint32_t v) const { __builtin_amdgcn_raw_buffer_store_b32(v, rsrc, (int)off, 0, 0); }
    __device__ void store2(uint32_t off, uint16_t v) const { __builtin_amdgcn_raw_buffer_store_b16(v, rsrc, (int)off, 0, 0); }
    __device__ void store1(uint32_t off, uint8_t v) const { __builtin_amdgcn_raw_buffer_store_b8(v, rsrc, (int)off, 0, 0); }

    // Buffer -> LDS without registers (`buffer_load_dwordx4 ... lds`, gfx950 only): lane L of the wave loads the 16
    // bytes at `voff + IMM` (zeros when out of range) into LDS at `wave_lds + IMM + 16 * L` (the instruction's
    // immediate offset applies to both sides). `wave_lds` must be the same for every lane (it goes to M0); IMM < 4096.
    // The LDS write completes with vmcnt: wait_vmem<0>() (sched.hpp) before the barrier that publishes it.
    // docs/emulator-builtins.md "LDS DMA" has the semantics and their sources.
    // `soff` (wave-uniform, an SGPR) is added to the global offset only: a loop can keep per-lane `voff`s fixed and
    // step through K with it.
    template <int IMM = 0>
    __device__ void load16_to_lds(uint32_t voff, void* wave_lds, uint32_t soff = 0) const {
        static_assert(IMM >= 0 && IMM < 4096, "the MUBUF immediate offset has 12 bits");
#if defined(__gfx950__)  // clang rejects size 16 for other archs even in a template never instantiated there
        __builtin_amdgcn_raw_ptr_buffer_load_lds(rsrc, (lds_ptr)wave_lds, 16, (int)voff, (int)soff, IMM, 0);
#else
        static_assert(IMM < 0, "16-byte LDS DMA exists on gfx950 only");
#endif
    }

    // An element of `bytes` width (1, 2 or 4), zero-extended.
    __device__ uint32_t load_elem(uint32_t off, int bytes) const {
        if (bytes == 1) return load1(off);
        if (bytes == 2) return load2(off);
        return load4(off);
    }
    __device__ void store_elem(uint32_t off, int bytes, uint32_t v) const {
        if (bytes == 1) store1(off, (uint8_t)v);
        else if (bytes == 2) store2(off, (uint16_t)v);
        else store4(off, v);
    }
};

// The byte offset of element (r, c) of a strided 2-D view, or kOutOfRange when (r, c) is outside rows x cols.
// Strides are in elements; `esize` is the element size in bytes.
__device__ inline uint32_t offset_2d(int r, int c, int rows, int cols, uint32_t stride_r, uint32_t stride_c, int esize) {
    bool in = r < rows && c < cols;
    return in ? ((uint32_t)r * stride_r + (uint32_t)c * stride_c) * (uint32_t)esize : kOutOfRange;
}

}  // namespace hf
