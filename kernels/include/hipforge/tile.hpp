// hipforge/tile.hpp — shared-memory tiles of K-contiguous rows, and moving them global -> registers -> LDS -> MFMA.
//
// A K-step tile (`st_k128<ROWS>`) holds ROWS rows of 128 bytes: one K step of an operand (64 16-bit or 128 8-bit
// elements per row), rows being rows of A or columns of B. The tile owns its swizzle, so kernels never compute an
// LDS address: 16-byte chunk c of row r lives at chunk position c ^ f(r).
//   - gfx950 (64 banks x 4 B): f(r) = (r >> 1) & 7. A ds_read_b128 phase covers 16 lanes = 16 consecutive rows at
//     the same logical chunk; rows 2s and 2s+1 sit in different bank halves (128 B rows), and the XOR spreads the 8
//     row pairs over the 8 chunk positions, so the 16 lanes hit 16 distinct 16-byte bank groups (modeled, not
//     measured).
//   - gfx942 (32 banks x 4 B, one 128 B row spans all banks): f(r) = r & 7, so 8 consecutive rows at the same
//     logical chunk land on 8 distinct bank groups.
#pragma once
#include "hipforge/device.hpp"
#include "hipforge/memory.hpp"

namespace hf {

inline constexpr int kStepBytes = 128;  // bytes of K per row per K step
inline constexpr int kChunks = 8;       // 16-byte chunks per row

__device__ inline int swizzle_chunk(int row, int chunk) {
#if defined(__gfx950__)
    return chunk ^ ((row >> 1) & 7);
#else
    return chunk ^ (row & 7);
#endif
}

template <int ROWS>
struct st_k128 {
    static_assert(ROWS % 16 == 0, "a K-step tile holds whole 16-row MFMA tiles");
    static constexpr int kBytes = ROWS * kStepBytes;
    uint8_t* base;

    __device__ u32x4* chunk(int row, int c) const {
        return reinterpret_cast<u32x4*>(base + row * kStepBytes + swizzle_chunk(row, c) * 16);
    }
};

// A strided 2-D operand view in global memory: `rows` x `k` elements, element (r, k) at r*stride_r + k*stride_k.
// `vec` says whole 16-byte chunks along K may be loaded at once (K contiguous, rows 16-byte aligned).
struct gview {
    buffer buf;
    int rows, k;
    uint32_t stride_r, stride_k;
    int esize;
    bool vec;
};

// The 16 bytes of K elements k_first .. k_first + 16/ES - 1 of row r; zeros outside rows x k. ES = g.esize.
template <int ES>
__device__ inline u32x4 load_chunk(const gview& g, int r, int k_first) {
    constexpr int per = 16 / ES;  // elements per chunk
    if (g.vec && k_first + per <= g.k) {
        uint32_t off = r < g.rows ? ((uint32_t)r * g.stride_r + (uint32_t)k_first) * (uint32_t)ES : kOutOfRange;
        return g.buf.load16(off);
    }
    // Element path: transposed layouts, unaligned rows and the K tail. Each element is clamped on its own.
    uint32_t w[4] = {0, 0, 0, 0};
#pragma unroll
    for (int i = 0; i < per; ++i) {
        uint32_t off = offset_2d(r, k_first + i, g.rows, g.k, g.stride_r, g.stride_k, ES);
        uint32_t v = ES == 1 ? g.buf.load1(off) : g.buf.load2(off);
        int bit = i * ES * 8;
        w[bit / 32] |= v << (bit % 32);
    }
    u32x4 out = {w[0], w[1], w[2], w[3]};
    return out;
}

// The chunks one thread moves for one K step of a ROWS-row tile, staged in registers so the global loads of the
// next K step overlap the MFMAs of the current one.
template <int ROWS, int THREADS, int ES>
struct stage {
    static_assert((ROWS * kChunks) % THREADS == 0, "every thread moves the same number of chunks");
    static constexpr int N = ROWS * kChunks / THREADS;
    u32x4 v[N];

    // Global rows row0.., K elements k0.. (one K step) -> registers.
    __device__ void load(const gview& g, int row0, int k0, int tid) {
#pragma unroll
        for (int i = 0; i < N; ++i) {
            int c = tid + i * THREADS;
            v[i] = load_chunk<ES>(g, row0 + c / kChunks, k0 + (c % kChunks) * (16 / ES));
        }
    }
    // Global -> LDS directly, one chunk at a time (nothing stays live in registers beyond one chunk).
    __device__ HF_INLINE void copy(const gview& g, int row0, int k0, const st_k128<ROWS>& t, int tid) {
#pragma unroll
        for (int i = 0; i < N; ++i) {
            int c = tid + i * THREADS;
            *t.chunk(c / kChunks, c % kChunks) = load_chunk<ES>(g, row0 + c / kChunks, k0 + (c % kChunks) * (16 / ES));
        }
    }
    // Global -> LDS with no registers at all (LDS DMA, gfx950): 16 bytes per lane per instruction, N instructions per
    // thread. The hardware fixes where each lane writes (the wave's LDS base + 16 * lane), so instruction i of wave w
    // fills the 64 chunks (8 rows) starting at chunk (w * N + i) * 64, lane L writing chunk *position* L % 8 of row
    // (w * N + i) * 8 + L / 8; the swizzle moves to the global side: the lane loads the logical chunk stored at that
    // position, swizzle_chunk(row, position) (the XOR is its own inverse). A wave's N instructions cover N KiB of
    // consecutive LDS: one M0 base per 4 instructions and the immediate offset (i % 4) KiB (which the hardware also
    // adds to the global offset, so it is subtracted there: rows (i % 4) * 8.. start at least that far into the
    // operand, as a row is at least one 128-byte K step long). Only for K steps that lie wholly inside K with vectorizable rows
    // (`direct_ok`); rows past g.rows read zeros through buffer clamping. The caller waits (wait_vmem<0>) before the
    // barrier that publishes the tile.
    __device__ HF_INLINE void copy_direct(const gview& g, int row0, int k0, const st_k128<ROWS>& t, int tid) const {
        static_assert(THREADS % 64 == 0, "whole waves");
        const int lane = tid & 63, wave = tid >> 6;
        static_for<N>([&](auto i_) {
            constexpr int i = decltype(i_)::value;
            constexpr int imm = (i % 4) * 1024;  // up to 4 instructions share an M0 base (the immediate has 12 bits)
            uint8_t* const wave_lds = t.base + (wave * N + i - i % 4) * 1024;
            const int row = (wave * N + i) * 8 + lane / kChunks;
            const int logical = swizzle_chunk(row, lane % kChunks);
            const int r = row0 + row;
            const uint32_t off = r < g.rows ? ((uint32_t)r * g.stride_r + (uint32_t)(k0 + logical * (16 / ES))) *
                                                      (uint32_t)ES - (uint32_t)imm
                                            : kOutOfRange;
            g.buf.template load16_to_lds<imm>(off, wave_lds);
        });
    }
    // copy_direct in two parts, so a K loop pays the per-lane address arithmetic once: `plan_direct` computes each
    // instruction's per-lane offset for K step 0 (outside the loop; N registers), `copy_planned` issues the loads of
    // the K step at k0, whose k0 · ES bytes go in the scalar offset. Rows past g.rows keep kOutOfRange (2^31), which
    // stays past the end with the scalar offset added (the emulator adds the three offsets without wrap-around, as
    // the hardware's range check does; docs/emulator-builtins.md). Same preconditions as copy_direct, per K step.
    __device__ HF_INLINE void plan_direct(const gview& g, int row0, int tid, uint32_t (&off)[N]) const {
        const int lane = tid & 63, wave = tid >> 6;
        static_for<N>([&](auto i_) {
            constexpr int i = decltype(i_)::value;
            constexpr int imm = (i % 4) * 1024;
            const int row = (wave * N + i) * 8 + lane / kChunks;
            const int logical = swizzle_chunk(row, lane % kChunks);
            const int r = row0 + row;
            off[i] = r < g.rows ? ((uint32_t)r * g.stride_r + (uint32_t)(logical * (16 / ES))) * (uint32_t)ES -
                                      (uint32_t)imm
                                : kOutOfRange;
        });
    }
    __device__ HF_INLINE void copy_planned(const gview& g, const uint32_t (&off)[N], int k0, const st_k128<ROWS>& t,
                                           int tid) const {
        const int wave = tid >> 6;
        const uint32_t soff = (uint32_t)k0 * (uint32_t)ES;
        static_for<N>([&](auto i_) {
            constexpr int i = decltype(i_)::value;
            constexpr int imm = (i % 4) * 1024;
            uint8_t* const wave_lds = t.base + (wave * N + i - i % 4) * 1024;
            g.buf.template load16_to_lds<imm>(off[i], wave_lds, soff);
        });
    }
    // Whether the K step at k0 can take copy_direct: the arch has 16-byte LDS DMA, whole 16-byte chunks can be
    // loaded (K-contiguous, aligned rows) and the whole step is inside K (the tail needs per-element zeros).
    __device__ static bool direct_ok(const gview& g, int k0) {
        return kLdsDma16 && g.vec && k0 + kStepBytes / ES <= g.k;
    }
    // Registers -> LDS tile (swizzled).
    __device__ void store(const st_k128<ROWS>& t, int tid) const {
#pragma unroll
        for (int i = 0; i < N; ++i) {
            int c = tid + i * THREADS;
            *t.chunk(c / kChunks, c % kChunks) = v[i];
        }
    }
};

// A lane's two chunks (see mfma.hpp) of row `row0 + lane % 16` of a K-step tile: the MFMA operand of one 16-row tile.
template <int ROWS>
__device__ inline void load_frag(u32x4 (&f)[2], const st_k128<ROWS>& t, int row0, int lane) {
    int row = row0 + (lane & 15), g = lane >> 4;
    f[0] = *t.chunk(row, g);
    f[1] = *t.chunk(row, g + 4);
}

// Chunk h only (see mma_by_chunk in mfma.hpp).
template <int ROWS>
__device__ inline u32x4 load_frag_chunk(const st_k128<ROWS>& t, int row0, int lane, int h) {
    return *t.chunk(row0 + (lane & 15), (lane >> 4) + 4 * h);
}

// Quarter K step q (16 bytes of K per lane) of row `row0 + lane % 32` for a 32x32 MFMA (specs/mfma.md rows 11, 12, 14:
// lane l holds the quarter's bytes 16⌊l/32⌋ .. + 15): chunk 2q + l / 32.
template <int ROWS>
__device__ inline u32x4 load_frag_wide(const st_k128<ROWS>& t, int row0, int lane, int q) {
    return *t.chunk(row0 + (lane & 31), 2 * q + (lane >> 5));
}

}  // namespace hf
