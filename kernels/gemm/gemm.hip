// kernels/gemm/gemm.hip — tiled GEMM for every dtype family on gfx942 and gfx950.
//
// One kernel body, instantiated per operand format and tile shape:
//   - 256x256 tile, 8 waves (2 x 4, 128x64 per wave), K step 128 bytes (64 16-bit / 128 8-bit elements):
//     the large-problem kernel. LDS double-buffered on gfx950 (128 KiB of 160), single-buffered on gfx942 (64 KiB).
//     On gfx950 its 8 waves run the ping-pong schedule (two wave groups alternate memory phase and MFMA burst).
//   - 64x128 tile, 4 waves (1 x 4, 64x32 per wave): small M (decode-shaped GEMMs, M <= 64) and small problems.
// Global loads of K step s+1 are in flight (staged in registers, or straight to LDS on gfx950) while the MFMAs of
// step s run. Split-K
// (grid.z = splits) writes 32-bit partial sums to a workspace that hf_gemm_splitk_reduce sums and finishes.
// Layouts, scaling, epilogue and output dtype are run-time parameters (GemmParams).
#include "hipforge/device.hpp"
#include "hipforge/epilogue.hpp"
#include "hipforge/grid.hpp"
#include "hipforge/memory.hpp"
#include "hipforge/mfma.hpp"
#include "hipforge/sched.hpp"
#include "hipforge/tile.hpp"
#include "gemm_params.hpp"

namespace hf {

// ---- the epilogue of one output element ----------------------------------------------------------------------

struct epilogue_io {
    buffer c, d, bias, sa, sb;
};

__device__ inline epilogue_io make_epilogue_io(const GemmParams& p, int bt) {
    epilogue_io io;
    io.c = buffer::make((const uint8_t*)p.c + bt * p.c_batch * dtype_bytes(p.c_dtype), p.c_bytes);
    io.d = buffer::make((uint8_t*)p.d + bt * p.d_batch * dtype_bytes(p.d_dtype), p.d_bytes);
    io.bias = buffer::make((const void*)p.bias, p.bias_bytes);
    io.sa = buffer::make((const uint8_t*)p.scale_a + bt * p.sa_batch, p.sa_bytes);
    io.sb = buffer::make((const uint8_t*)p.scale_b + bt * p.sb_batch, p.sb_bytes);
    return io;
}

__device__ inline float load_f32(const buffer& b, uint32_t off) { return __builtin_bit_cast(float, b.load4(off)); }

// `bits` is the sum over K (block/MX scales already applied): f32 bits, or i32 bits for INT8 (`INT`).
// Writes D[m][n]; (m, n) outside M x N stores nothing.
template <bool INT>
__device__ HF_INLINE void finish_element(const GemmParams& p, const epilogue_io& io, int m, int n, uint32_t bits) {
    bool in = m < p.m && n < p.n;
    int db = dtype_bytes(p.d_dtype);
    uint32_t d_off = offset_2d(m, n, p.m, p.n, p.d_sm, p.d_sn, db);
    if (INT && p.d_dtype == DT_I32) {
        // Integer-exact epilogue (the host allows alpha 1, beta 0/1, ReLU): D = act(acc + C), wrapping like the
        // accumulator.
        uint32_t y = bits;
        if (p.flags & FLAG_C) y += io.c.load4(offset_2d(m, n, p.m, p.n, p.c_sm, p.c_sn, 4));
        if (p.act == ACT_RELU && (int32_t)y < 0) y = 0;
        io.d.store4(d_off, y);
        return;
    }
    double acc = INT ? (double)(int32_t)bits : (double)__builtin_bit_cast(float, bits);
    double s = p.alpha;
    if (p.scaling == SCALE_TENSOR) s *= (double)load_f32(io.sa, 0) * (double)load_f32(io.sb, 0);
    if (p.scaling == SCALE_ROWCOL)
        s *= (double)load_f32(io.sa, in ? (uint32_t)m * p.sa_sm * 4 : kOutOfRange) *
             (double)load_f32(io.sb, in ? (uint32_t)n * p.sb_sn * 4 : kOutOfRange);
    double y = s * acc;
    if (p.flags & FLAG_C) {
        int cb = dtype_bytes(p.c_dtype);
        uint32_t off = offset_2d(m, n, p.m, p.n, p.c_sm, p.c_sn, cb);
        y += (double)p.beta * decode_elem(io.c.load_elem(off, cb), p.c_dtype);
    }
    if (p.flags & FLAG_BIAS) {
        int bb = dtype_bytes(p.bias_dtype);
        y += decode_elem(io.bias.load_elem(in ? (uint32_t)n * bb : kOutOfRange, bb), p.bias_dtype);
    }
    y = apply_activation(p.act, y);
    io.d.store_elem(d_off, db, encode_output(y, p.d_dtype, p.scale_d));
}

// One K step of a wave's TM x TN tiles: acc += A_tile * B_tile, with block or MX scales when asked for.
// `row0` / `col0` are the global coordinates of the wave's first row and column; `s` is the K step index.
// gfx950 with 16-bit or INT8 inputs: 32x32 MFMAs (specs/mfma.md rows 11, 12: 32x32x16 bf16/f16; row 14: 32x32x32
// i8) instead of 16x16. The same work in half the instructions, so half the MFMA issue cycles on the VALU port (the
// loop's largest VALU-port cost); the same 16-byte fragment reads (lane l: row l % 32, chunk 2q + l / 32 of quarter
// step q), conflict-free under the tile's swizzle for the same reason (a 16-lane phase reads 16 consecutive rows at
// one logical chunk).
template <fmt F>
inline constexpr bool gemm_wide =
#if defined(__gfx950__)
    F == fmt::bf16 || F == fmt::f16 || F == fmt::i8;
#else
    false;
#endif
template <fmt F, bool W = gemm_wide<F>>
struct gemm_acc {
    typedef typename acc_of<F>::type type;
    static constexpr int tile = 16;  // rows and columns of one MFMA tile
};
template <fmt F>
struct gemm_acc<F, true> {
    typedef f32x16 type;
    static constexpr int tile = 32;
};
template <>
struct gemm_acc<fmt::i8, true> {
    typedef i32x16 type;
    static constexpr int tile = 32;
};

// One 32x32 MFMA over a quarter K step (16 bytes of K per lane).
template <fmt F>
__device__ HF_INLINE typename gemm_acc<F>::type mma32(typename gemm_acc<F>::type acc, const u32x4& a, const u32x4& b) {
    if constexpr (F == fmt::i8) return mfma_wide_i8(acc, a, b);
    else return mfma_wide<F>(acc, a, b);
}

// One K step on 32x32 tiles, a quarter (16 elements) at a time, as one pipeline of 4·TM steps (quarter q, A tile i):
// A fragments are read kAhead steps ahead across quarter boundaries, and the B fragments of quarter q+1 are read at
// the start of quarter q (two B buffers), so no step's MFMAs wait on a read issued just before them.
template <fmt FA, int TM, int TN, int BM, int BN>
__device__ HF_INLINE void mma_step_wide(typename gemm_acc<FA>::type (&acc)[TM][TN], const st_k128<BM>& ta, const st_k128<BN>& tb, int wrow,
                                        int wcol, int lane) {
    constexpr int kAhead = 2, kSteps = 4 * TM;
    u32x4 fb[2][TN], fa[kAhead + 1];
    static_for<TN>([&](auto j) {
        constexpr int J = decltype(j)::value;
        fb[0][J] = load_frag_wide(tb, wcol + J * 32, lane, 0);
    });
    static_for<kAhead>([&](auto u) {
        constexpr int U = decltype(u)::value;
        fa[U] = load_frag_wide(ta, wrow + (U % TM) * 32, lane, U / TM);
    });
    static_for<kSteps>([&](auto u_) {
        constexpr int u = decltype(u_)::value, q = u / TM, i = u % TM;
        if constexpr (i == 0 && q + 1 < 4)
            static_for<TN>([&](auto j) {
                constexpr int J = decltype(j)::value;
                fb[(q + 1) & 1][J] = load_frag_wide(tb, wcol + J * 32, lane, q + 1);
            });
        if constexpr (u + kAhead < kSteps)
            fa[(u + kAhead) % (kAhead + 1)] = load_frag_wide(ta, wrow + ((u + kAhead) % TM) * 32, lane, (u + kAhead) / TM);
        sched_barrier();  // keep the reads ahead: the scheduler would sink them next to their MFMAs
        static_for<TN>([&](auto j) {
            constexpr int J = decltype(j)::value;
            acc[i][J] = mma32<FA>(acc[i][J], fa[u % (kAhead + 1)], fb[q & 1][J]);
        });
    });
}

template <fmt FA, fmt FB, int TM, int TN, int BM, int BN, bool KSCALE>
__device__ HF_INLINE void mma_step(typename acc_of<FA>::type (&acc)[TM][TN], const st_k128<BM>& ta,
                                   const st_k128<BN>& tb, int wrow, int wcol, int lane, const GemmParams& p,
                                   const epilogue_io& io, int row0, int col0, int s) {
    typedef typename acc_of<FA>::type acc_t;
    if constexpr (mma_by_chunk<FA> && !KSCALE) {
        // Half a K step at a time: B fragments of one chunk stay in registers, A fragments stream per 16-row tile.
        // The A fragments of tiles i+1 .. i+kAhead are read before tile i's MFMAs are issued (kAhead + 1 fragment
        // buffers), so the wait before them leaves those reads in flight (lgkmcnt(N > 0)) instead of draining LDS.
        // One ahead: only gfx942 comes here (gfx950's 16-bit and INT8 kernels take mma_step_wide, its FP8 the whole
        // K step), and its 256x256 16-bit kernels are at 256 VGPRs already.
        constexpr int kAhead = 1;
#pragma unroll
        for (int h = 0; h < 2; ++h) {
            u32x4 fb[TN];
#pragma unroll
            for (int j = 0; j < TN; ++j) fb[j] = load_frag_chunk(tb, wcol + j * 16, lane, h);
            u32x4 fa[kAhead + 1];
#pragma unroll
            for (int i = 0; i < kAhead; ++i) fa[i] = load_frag_chunk(ta, wrow + i * 16, lane, h);
#pragma unroll
            for (int i = 0; i < TM; ++i) {
                if (i + kAhead < TM) fa[(i + kAhead) % (kAhead + 1)] = load_frag_chunk(ta, wrow + (i + kAhead) * 16, lane, h);
                sched_barrier();  // keep the read ahead: the scheduler would sink it next to its MFMAs
#pragma unroll
                for (int j = 0; j < TN; ++j) acc[i][j] = mma_k64<FA, FB>(acc[i][j], fa[i % (kAhead + 1)], fb[j]);
            }
        }
        return;
    }
    // Whole K steps: B fragments of the step stay in registers, A fragments stream per 16-row tile.
    u32x4 fb[TN][2];
#pragma unroll
    for (int j = 0; j < TN; ++j) load_frag(fb[j], tb, wcol + j * 16, lane);
    if constexpr (KSCALE) {
        if (p.scaling == SCALE_BLOCK) {
            // 1x128 scales on A, 128x128 on B; a K step (128 elements) lies in one K block.
            const uint32_t kb = (uint32_t)s;
            float sbv[TN];
#pragma unroll
            for (int j = 0; j < TN; ++j) {
                int col = col0 + j * 16 + (lane & 15);
                sbv[j] = load_f32(io.sb, col < p.n ? ((uint32_t)(col / 128) * p.sb_sn + kb * p.sb_sk) * 4 : kOutOfRange);
            }
#pragma unroll
            for (int i = 0; i < TM; ++i) {
                u32x4 fa[2];
                load_frag(fa, ta, wrow + i * 16, lane);
                float sav[4];
#pragma unroll
                for (int r = 0; r < 4; ++r) {
                    int row = row0 + i * 16 + 4 * (lane >> 4) + r;
                    sav[r] = load_f32(io.sa, row < p.m ? ((uint32_t)row * p.sa_sm + kb * p.sa_sk) * 4 : kOutOfRange);
                }
#pragma unroll
                for (int j = 0; j < TN; ++j) {
                    acc_t part = mma_k128<FA, FB>(acc_t{0, 0, 0, 0}, fa, fb[j]);
#pragma unroll
                    for (int r = 0; r < 4; ++r) acc[i][j][r] += part[r] * (sav[r] * sbv[j]);
                }
            }
            return;
        }
        if (p.scaling == SCALE_MX) {
            // One E8M0 byte per lane and operand: row/column lane % 16, 32-wide K block lane / 16 (mfma.md §3.4).
            const int kb = s * 4 + (lane >> 4), kblocks = (p.k + 31) / 32;
            uint32_t sbv[TN];
#pragma unroll
            for (int j = 0; j < TN; ++j)
                sbv[j] = io.sb.load1(offset_2d(col0 + j * 16 + (lane & 15), kb, p.n, kblocks, p.sb_sn, p.sb_sk, 1));
#pragma unroll
            for (int i = 0; i < TM; ++i) {
                u32x4 fa[2];
                load_frag(fa, ta, wrow + i * 16, lane);
                uint32_t sav = io.sa.load1(offset_2d(row0 + i * 16 + (lane & 15), kb, p.m, kblocks, p.sa_sm, p.sa_sk, 1));
#pragma unroll
                for (int j = 0; j < TN; ++j) acc[i][j] = mma_k128<FA, FB>(acc[i][j], fa, fb[j], sav, sbv[j]);
            }
            return;
        }
    }
    // Two A fragment buffers, as above.
    u32x4 fa[2][2];
    load_frag(fa[0], ta, wrow, lane);
#pragma unroll
    for (int i = 0; i < TM; ++i) {
        if (i + 1 < TM) load_frag(fa[(i + 1) & 1], ta, wrow + (i + 1) * 16, lane);
        sched_barrier();  // keep the reads ahead: the scheduler would sink them next to their MFMAs
#pragma unroll
        for (int j = 0; j < TN; ++j) acc[i][j] = mma_k128<FA, FB>(acc[i][j], fa[i & 1], fb[j]);
    }
}

// ---- LDS: one K step of A and B per stage, two stages where they fit the arch's LDS -----------------------------

template <int BM, int BN>
inline constexpr int gemm_stage_bytes = (BM + BN) * kStepBytes;
#if defined(__gfx950__)
template <int BM, int BN>
inline constexpr int gemm_stages = 2 * gemm_stage_bytes<BM, BN> <= 160 * 1024 ? 2 : 1;
#else
template <int BM, int BN>
inline constexpr int gemm_stages = 2 * gemm_stage_bytes<BM, BN> <= 64 * 1024 ? 2 : 1;
#endif
// What the kernel declares with HF_DYNAMIC_LDS (and the host passes at launch, src/gemm/plan.rs `lds_bytes`).
template <int BM, int BN>
inline constexpr int gemm_lds_bytes = gemm_stages<BM, BN> * gemm_stage_bytes<BM, BN>;

// ---- the tiled kernel body -----------------------------------------------------------------------------------

// KSCALE: the kernel supports scales applied per K step (block and MX scaling; FP8 only).
template <fmt FA, fmt FB, int BM, int BN, int WM, int WN, bool KSCALE>
__device__ HF_INLINE void gemm_tiles(const GemmParams& p) {
    constexpr int THREADS = WM * WN * 64;
    constexpr int MT = gemm_acc<FA>::tile;                // rows and columns of one MFMA tile
    constexpr int TM = BM / WM / MT, TN = BN / WN / MT;  // MFMA tiles per wave
    constexpr int RPT = MT * MT / 64;                     // accumulator registers per MFMA tile and lane
    constexpr int ES = fmt_bytes<FA>;
    constexpr int PER_STEP = kStepBytes / ES;  // K elements per K step
    constexpr int STAGE_BYTES = gemm_stage_bytes<BM, BN>;
    constexpr int STAGES = gemm_stages<BM, BN>;
    typedef typename gemm_acc<FA>::type acc_t;
    // LDS is dynamic, declared with HF_DYNAMIC_LDS (gemm_lds_bytes; the host passes it, src/gemm/plan.rs
    // `lds_bytes`) rather than static: the emulator keeps one copy of a program's static `__shared__` data, so it
    // runs the blocks of static-LDS kernels one at a time.
    HIP_DYNAMIC_SHARED(u32x4, smem_v)
    uint8_t* const smem = reinterpret_cast<uint8_t*>(smem_v);

    const int tid = threadIdx.x, lane = tid & 63, wave = tid >> 6;
    const int wrow = (wave / WN) * TM * MT, wcol = (wave % WN) * TN * MT;  // the wave's corner inside the tile
    int tm, tn;
    tile_of_block(blockIdx.x, p.tiles_m, p.tiles_n, p.group_m, tm, tn);
    const int bt = blockIdx.y, split = blockIdx.z;
    const int m0 = tm * BM, n0 = tn * BN;

    const gview ga{buffer::make((const uint8_t*)p.a + bt * p.a_batch * ES, p.a_bytes), p.m, p.k, p.a_sm, p.a_sk, ES,
                   (p.flags & FLAG_A_VEC) != 0};
    const gview gb{buffer::make((const uint8_t*)p.b + bt * p.b_batch * ES, p.b_bytes), p.n, p.k, p.b_sn, p.b_sk, ES,
                   (p.flags & FLAG_B_VEC) != 0};
    const epilogue_io io = make_epilogue_io(p, bt);

    const int steps = (p.k + PER_STEP - 1) / PER_STEP;
    const int s_begin = split * (int)p.k_steps_per_split;
    const int s_end = s_begin + (int)p.k_steps_per_split < steps ? s_begin + (int)p.k_steps_per_split : steps;

    acc_t acc[TM][TN];
#pragma unroll
    for (int i = 0; i < TM; ++i)
#pragma unroll
        for (int j = 0; j < TN; ++j) acc[i][j] = acc_t{};

    stage<BM, THREADS, ES> ra;
    stage<BN, THREADS, ES> rb;
    auto tile_a = [&](int s) { return st_k128<BM>{smem + s * STAGE_BYTES}; };
    auto tile_b = [&](int s) { return st_k128<BN>{smem + s * STAGE_BYTES + BM * kStepBytes}; };

    // K step s -> LDS stage `buf`. On gfx950, whole K-contiguous steps go straight to LDS (LDS DMA, no registers);
    // the K tail, transposed layouts and gfx942 go through registers, one chunk at a time. CDNA3's LDS DMA moves at
    // most 4 bytes per lane, so a K step would take 4x the load instructions of the 16-byte register loads it
    // replaces (16 instead of 4 per operand and thread on the 256x256 tile); whether saving the ds_writes pays for
    // that was not measured, so gfx942 keeps the register path. The caller waits (wait_vmem<0>) before the barrier.
    // LDS DMA offsets of both operands, computed once (plan_direct; used on gfx950 only).
    uint32_t aoff[stage<BM, THREADS, ES>::N], boff[stage<BN, THREADS, ES>::N];
    if constexpr (kLdsDma16 && !(STAGES == 2 && WM * WN == 8)) {  // the ping-pong plans its own below
        ra.plan_direct(ga, m0, tid, aoff);
        rb.plan_direct(gb, n0, tid, boff);
    }
    auto load_step = [&](int s, int buf) {
        const int k0 = s * PER_STEP;
        if constexpr (kLdsDma16) {
            if (ra.direct_ok(ga, k0)) ra.copy_planned(ga, aoff, k0, tile_a(buf), tid);
            else ra.copy(ga, m0, k0, tile_a(buf), tid);
            if (rb.direct_ok(gb, k0)) rb.copy_planned(gb, boff, k0, tile_b(buf), tid);
            else rb.copy(gb, n0, k0, tile_b(buf), tid);
        } else {
            ra.copy(ga, m0, k0, tile_a(buf), tid);
            rb.copy(gb, n0, k0, tile_b(buf), tid);
        }
    };

    // 8-wave ping-pong (specs/anchors.md item 2) for gfx950's double-buffered 8-wave tile. The waves form two
    // groups of four, one wave of each per SIMD (wave w runs on SIMD w % 4). Group 1 enters the loop one barrier
    // after group 0, so in every barrier interval one group runs its memory phase while the other runs its MFMA
    // burst (at raised priority, fenced by sched_barrier so the compiler keeps the phases apart):
    //   interval 2t+1: group 0 loads the A tile of step t (buffer t%2)    | group 1 computes step t-1
    //   interval 2t+2: group 0 computes step t                           | group 1 loads the B tile of step t+1
    // Each buffer is written only after both groups finished reading it (step t-2 ended by interval 2t-1) and is
    // complete (wait_vmem<0> before the barrier) before either group computes it. Barrier counts per wave match:
    // group 1 takes one extra barrier before the loop, group 0 one after it. (The hardware counts arrivals, not
    // call sites; so does the emulator.)
    constexpr bool PINGPONG = kLdsDma16 && STAGES == 2 && WM * WN == 8;
    if constexpr (PINGPONG) {
        constexpr int HALF = THREADS / 2;
        const int grp = tid / HALF, gtid = tid % HALF;
        stage<BM, HALF, ES> ha;  // group 0 moves A
        stage<BN, HALF, ES> hb;  // group 1 moves B
        static_assert(BM == BN, "the ping-pong tile is square: both groups plan the same number of LDS DMA loads");
        // Each group's LDS DMA offsets, computed once (plan_direct): a K step only adds k0 in the scalar offset.
        uint32_t doff[stage<BM, HALF, ES>::N];
        if (grp == 0) ha.plan_direct(ga, m0, gtid, doff);
        else hb.plan_direct(gb, n0, gtid, doff);
        auto load_half = [&](int s, int buf) {
            const int k0 = s * PER_STEP;
            if (grp == 0) {
                if (ha.direct_ok(ga, k0)) ha.copy_planned(ga, doff, k0, tile_a(buf), gtid);
                else ha.copy(ga, m0, k0, tile_a(buf), gtid);
            } else {
                if (hb.direct_ok(gb, k0)) hb.copy_planned(gb, doff, k0, tile_b(buf), gtid);
                else hb.copy(gb, n0, k0, tile_b(buf), gtid);
            }
        };
        if (grp == 1 && s_begin < s_end) load_half(s_begin, 0);  // B of the first step
        wait_vmem<0>();
        __syncthreads();
        if (grp == 1) __syncthreads();  // group 1 runs one barrier behind from here on
        for (int s = s_begin; s < s_end; ++s) {
            const int cur = (s - s_begin) & 1;
            // Memory phase: group 0 brings this step's A, group 1 the next step's B.
            if (grp == 0) load_half(s, cur);
            else if (s + 1 < s_end) load_half(s + 1, cur ^ 1);
            wait_vmem<0>();
            sched_barrier();
            __syncthreads();
            sched_barrier();
            // MFMA phase.
            prio_high();
            if constexpr (gemm_wide<FA>)
                mma_step_wide<FA, TM, TN, BM, BN>(acc, tile_a(cur), tile_b(cur), wrow, wcol, lane);
            else
                mma_step<FA, FB, TM, TN, BM, BN, KSCALE>(acc, tile_a(cur), tile_b(cur), wrow, wcol, lane, p, io,
                                                         m0 + wrow, n0 + wcol, s);
            prio_low();
            sched_barrier();
            __syncthreads();
        }
        if (grp == 0) __syncthreads();  // group 0 catches up: every wave has passed the same number of barriers
    } else {
        if (s_begin < s_end) {
            if constexpr (kLdsDma16) {
                load_step(s_begin, 0);
            } else {
                // All chunks in registers first, then LDS (the register-lean `copy` costs gfx942's single-buffered
                // 256x256 8-bit kernels scratch here).
                ra.load(ga, m0, s_begin * PER_STEP, tid);
                rb.load(gb, n0, s_begin * PER_STEP, tid);
                ra.store(tile_a(0), tid);
                rb.store(tile_b(0), tid);
            }
        }
        if constexpr (kLdsDma16) wait_vmem<0>();
        __syncthreads();

        for (int s = s_begin; s < s_end; ++s) {
            const int cur = (s - s_begin) % STAGES;
            const bool more = s + 1 < s_end;
            // Next K step into the other LDS buffer while this one feeds the MFMAs. On the register path the staging
            // registers live only across the copy (not across the MFMAs), which keeps the 256x256 tile within 256
            // VGPRs; the other wave on the SIMD computes meanwhile.
            if (STAGES == 2 && more) load_step(s + 1, cur ^ 1);

            if constexpr (gemm_wide<FA>)
                mma_step_wide<FA, TM, TN, BM, BN>(acc, tile_a(cur), tile_b(cur), wrow, wcol, lane);
            else
                mma_step<FA, FB, TM, TN, BM, BN, KSCALE>(acc, tile_a(cur), tile_b(cur), wrow, wcol, lane, p, io,
                                                         m0 + wrow, n0 + wcol, s);

            if (STAGES == 1 && more) {  // one buffer (gfx942's 64 KiB LDS): refill it once everyone is done reading
                __syncthreads();
                ra.load(ga, m0, (s + 1) * PER_STEP, tid);
                rb.load(gb, n0, (s + 1) * PER_STEP, tid);
                ra.store(tile_a(0), tid);
                rb.store(tile_b(0), tid);
            }
            if constexpr (kLdsDma16) wait_vmem<0>();  // the next step's LDS DMA writes land before the barrier
            __syncthreads();
        }
    }

    // Epilogue: the accumulators go through LDS (free now) in rounds of RT MT-row slices per wave, so the
    // per-element code below is a rolled loop instead of TM*TN*RPT inlined copies, and as few accumulators as the
    // LDS allows stay live in registers while it runs.
    constexpr int SLICE = MT * TN * MT;  // elements of one MT-row slice of a wave's tile
    constexpr int FIT = STAGES * STAGE_BYTES / (WM * WN * SLICE * 4);
    constexpr int RT = FIT < TM ? FIT : TM;
    static_assert(RT >= 1 && TM % RT == 0, "the epilogue rounds must cover the wave tile evenly");
    uint32_t* slice = reinterpret_cast<uint32_t*>(smem) + wave * RT * SLICE;
    // Element (row, col) of a slice. With 16x16 tiles, lanes 0-15 and 16-31 of one 32-lane write phase hold rows 4
    // apart, a multiple of 32 dwords apart: columns of rows 4..7 (mod 8) are XOR-ed by 16 so the two halves hit
    // different banks (emulator-measured: tests/lds_banks.rs). 32x32 tiles write 32 consecutive columns per phase.
    static_assert(MT == 32 || TN * MT >= 32, "the XOR stays inside a slice row");
    auto slice_at = [&](int row, int col) { return row * (TN * MT) + (MT == 16 ? col ^ (((row >> 2) & 1) << 4) : col); };
    const buffer ws = buffer::make((uint8_t*)p.workspace + ((uint64_t)split * p.batch + bt) * p.ws_bytes, p.ws_bytes);
#pragma unroll
    for (int i0 = 0; i0 < TM; i0 += RT) {
#pragma unroll
        for (int t = 0; t < RT; ++t)
#pragma unroll
            for (int j = 0; j < TN; ++j)
#pragma unroll
                for (int r = 0; r < RPT; ++r) {
                    // Copy the element out first: clang miscompiles (host build) a bit_cast of a vector element
                    // reached through an array of vectors with a loop index.
                    const auto v = acc[i0 + t][j][r];
                    // D of register r in lane l (specs/mfma.md rows 1, 2): 16x16 row 4⌊l/16⌋ + r, column l % 16;
                    // 32x32 row 8⌊r/4⌋ + 4⌊l/32⌋ + r % 4, column l % 32.
                    const int row = MT == 32 ? 8 * (r / 4) + 4 * (lane >> 5) + (r & 3) : 4 * (lane >> 4) + r;
                    slice[t * SLICE + slice_at(row, j * MT + (lane & (MT - 1)))] = __builtin_bit_cast(uint32_t, v);
                }
        __syncthreads();
#pragma unroll 1
        for (int e = lane; e < RT * SLICE; e += 64) {
            const int row = m0 + wrow + i0 * MT + e / (TN * MT), col = n0 + wcol + e % (TN * MT);
            const uint32_t bits = slice[slice_at(e / (TN * MT), e % (TN * MT))];  // row t·MT + r of round t: the same XOR bit
            if (p.splits == 1) {
                finish_element<FA == fmt::i8>(p, io, row, col, bits);
            } else {
                ws.store4(offset_2d(row, col, p.m, p.n, (uint32_t)p.n, 1, 4), bits);
            }
        }
        __syncthreads();
    }
}

// Sums the split-K partials of one output element per thread and finishes it. Grid: (ceil(M*N / 256), batch).
template <bool INT>
__device__ HF_INLINE void splitk_reduce(const GemmParams& p) {
    const int bt = blockIdx.y;
    const uint32_t idx = blockIdx.x * 256u + threadIdx.x;
    const int m = (int)(idx / (uint32_t)p.n), n = (int)(idx % (uint32_t)p.n);
    const epilogue_io io = make_epilogue_io(p, bt);
    float sum = 0;
    uint32_t isum = 0;
    for (uint32_t s = 0; s < p.splits; ++s) {
        buffer ws = buffer::make((uint8_t*)p.workspace + ((uint64_t)s * p.batch + bt) * p.ws_bytes, p.ws_bytes);
        uint32_t bits = ws.load4(offset_2d(m, n, p.m, p.n, (uint32_t)p.n, 1, 4));
        if (INT) isum += bits;  // wraps like the MFMA accumulator
        else sum += __builtin_bit_cast(float, bits);  // f32, like the accumulator the partials came from
    }
    finish_element<INT>(p, io, m, n, INT ? isum : __builtin_bit_cast(uint32_t, sum));
}

}  // namespace hf

// ---- instantiations ------------------------------------------------------------------------------------------
// Symbols: hf_gemm_<A>_<B>_<tile>. FP8 names are arch-neutral: "fp8" is e4m3 and "bf8" e5m2, FNUZ on gfx942 and
// OCP on gfx950 (the bytes are the arch's own).

// gfx950 kernels must contain the LDS DMA load (`buffer_load_dwordx4 ... lds`, counted by the ISA gate as
// "buffer_load_dwordx4 lds"): the gate fails if the compiler stops emitting the direct-to-LDS path.
// Block and MX scaling (per-K-step scales) are compiled into the 64x128 FP8 kernels only: their extra registers
// do not fit next to the 256x256 tile's 128 accumulators within 256 VGPRs.
#define HF_GEMM(NAME, FA, FB, BM, BN, WM, WN)                                                           \
    extern "C" __global__ __launch_bounds__(WM * WN * 64) void NAME(const hf::GemmParams p) {           \
        constexpr bool kscale = (BM == 64) && (hf::fmt::FA == hf::fmt::fp8 || hf::fmt::FA == hf::fmt::bf8); \
        hf::gemm_tiles<hf::fmt::FA, hf::fmt::FB, BM, BN, WM, WN, kscale>(p);                            \
    }                                                                                                   \
    HF_DYNAMIC_LDS(NAME, (hf::gemm_lds_bytes<BM, BN>))

HF_GEMM(hf_gemm_bf16_bf16_256x256, bf16, bf16, 256, 256, 2, 4)
HF_EXPORT(hf_gemm_bf16_bf16_256x256, hf::GemmParams)
HF_ISA_EXPECT(hf_gemm_bf16_bf16_256x256, gfx950, "v_mfma_f32_32x32x16_bf16")
HF_ISA_EXPECT(hf_gemm_bf16_bf16_256x256, gfx950, "buffer_load_dwordx4 lds")
HF_ISA_EXPECT(hf_gemm_bf16_bf16_256x256, gfx950, "s_setprio")
HF_ISA_EXPECT(hf_gemm_bf16_bf16_256x256, gfx942, "v_mfma_f32_16x16x16_bf16")
HF_GEMM(hf_gemm_bf16_bf16_64x128, bf16, bf16, 64, 128, 1, 4)
HF_EXPORT(hf_gemm_bf16_bf16_64x128, hf::GemmParams)
HF_ISA_EXPECT(hf_gemm_bf16_bf16_64x128, gfx950, "v_mfma_f32_32x32x16_bf16")
HF_ISA_EXPECT(hf_gemm_bf16_bf16_64x128, gfx950, "buffer_load_dwordx4 lds")
HF_ISA_EXPECT(hf_gemm_bf16_bf16_64x128, gfx942, "v_mfma_f32_16x16x16_bf16")

HF_GEMM(hf_gemm_f16_f16_256x256, f16, f16, 256, 256, 2, 4)
HF_EXPORT(hf_gemm_f16_f16_256x256, hf::GemmParams)
HF_ISA_EXPECT(hf_gemm_f16_f16_256x256, gfx950, "v_mfma_f32_32x32x16_f16")
HF_ISA_EXPECT(hf_gemm_f16_f16_256x256, gfx950, "buffer_load_dwordx4 lds")
HF_ISA_EXPECT(hf_gemm_f16_f16_256x256, gfx950, "s_setprio")
HF_ISA_EXPECT(hf_gemm_f16_f16_256x256, gfx942, "v_mfma_f32_16x16x16_f16")
HF_GEMM(hf_gemm_f16_f16_64x128, f16, f16, 64, 128, 1, 4)
HF_EXPORT(hf_gemm_f16_f16_64x128, hf::GemmParams)
HF_ISA_EXPECT(hf_gemm_f16_f16_64x128, gfx950, "v_mfma_f32_32x32x16_f16")
HF_ISA_EXPECT(hf_gemm_f16_f16_64x128, gfx950, "buffer_load_dwordx4 lds")
HF_ISA_EXPECT(hf_gemm_f16_f16_64x128, gfx942, "v_mfma_f32_16x16x16_f16")

HF_GEMM(hf_gemm_i8_i8_256x256, i8, i8, 256, 256, 2, 4)
HF_EXPORT(hf_gemm_i8_i8_256x256, hf::GemmParams)
HF_ISA_EXPECT(hf_gemm_i8_i8_256x256, gfx950, "v_mfma_i32_32x32x32_i8")
HF_ISA_EXPECT(hf_gemm_i8_i8_256x256, gfx950, "buffer_load_dwordx4 lds")
HF_ISA_EXPECT(hf_gemm_i8_i8_256x256, gfx950, "s_setprio")
HF_ISA_EXPECT(hf_gemm_i8_i8_256x256, gfx942, "v_mfma_i32_16x16x32_i8")
HF_GEMM(hf_gemm_i8_i8_64x128, i8, i8, 64, 128, 1, 4)
HF_EXPORT(hf_gemm_i8_i8_64x128, hf::GemmParams)
HF_ISA_EXPECT(hf_gemm_i8_i8_64x128, gfx950, "v_mfma_i32_32x32x32_i8")
HF_ISA_EXPECT(hf_gemm_i8_i8_64x128, gfx950, "buffer_load_dwordx4 lds")
HF_ISA_EXPECT(hf_gemm_i8_i8_64x128, gfx942, "v_mfma_i32_16x16x32_i8")

HF_GEMM(hf_gemm_fp8_fp8_256x256, fp8, fp8, 256, 256, 2, 4)
HF_EXPORT(hf_gemm_fp8_fp8_256x256, hf::GemmParams)
HF_ISA_EXPECT(hf_gemm_fp8_fp8_256x256, gfx950, "v_mfma_scale_f32_16x16x128_f8f6f4")
HF_ISA_EXPECT(hf_gemm_fp8_fp8_256x256, gfx950, "buffer_load_dwordx4 lds")
HF_ISA_EXPECT(hf_gemm_fp8_fp8_256x256, gfx950, "s_setprio")
HF_ISA_EXPECT(hf_gemm_fp8_fp8_256x256, gfx942, "v_mfma_f32_16x16x32_fp8_fp8")
HF_GEMM(hf_gemm_fp8_fp8_64x128, fp8, fp8, 64, 128, 1, 4)
HF_EXPORT(hf_gemm_fp8_fp8_64x128, hf::GemmParams)
HF_ISA_EXPECT(hf_gemm_fp8_fp8_64x128, gfx950, "v_mfma_scale_f32_16x16x128_f8f6f4")
HF_ISA_EXPECT(hf_gemm_fp8_fp8_64x128, gfx950, "buffer_load_dwordx4 lds")
HF_ISA_EXPECT(hf_gemm_fp8_fp8_64x128, gfx942, "v_mfma_f32_16x16x32_fp8_fp8")

HF_GEMM(hf_gemm_fp8_bf8_256x256, fp8, bf8, 256, 256, 2, 4)
HF_EXPORT(hf_gemm_fp8_bf8_256x256, hf::GemmParams)
HF_ISA_EXPECT(hf_gemm_fp8_bf8_256x256, gfx950, "v_mfma_scale_f32_16x16x128_f8f6f4")
HF_ISA_EXPECT(hf_gemm_fp8_bf8_256x256, gfx950, "buffer_load_dwordx4 lds")
HF_ISA_EXPECT(hf_gemm_fp8_bf8_256x256, gfx950, "s_setprio")
HF_ISA_EXPECT(hf_gemm_fp8_bf8_256x256, gfx942, "v_mfma_f32_16x16x32_fp8_bf8")
HF_GEMM(hf_gemm_fp8_bf8_64x128, fp8, bf8, 64, 128, 1, 4)
HF_EXPORT(hf_gemm_fp8_bf8_64x128, hf::GemmParams)
HF_ISA_EXPECT(hf_gemm_fp8_bf8_64x128, gfx950, "v_mfma_scale_f32_16x16x128_f8f6f4")
HF_ISA_EXPECT(hf_gemm_fp8_bf8_64x128, gfx950, "buffer_load_dwordx4 lds")
HF_ISA_EXPECT(hf_gemm_fp8_bf8_64x128, gfx942, "v_mfma_f32_16x16x32_fp8_bf8")

HF_GEMM(hf_gemm_bf8_fp8_256x256, bf8, fp8, 256, 256, 2, 4)
HF_EXPORT(hf_gemm_bf8_fp8_256x256, hf::GemmParams)
HF_ISA_EXPECT(hf_gemm_bf8_fp8_256x256, gfx950, "v_mfma_scale_f32_16x16x128_f8f6f4")
HF_ISA_EXPECT(hf_gemm_bf8_fp8_256x256, gfx950, "buffer_load_dwordx4 lds")
HF_ISA_EXPECT(hf_gemm_bf8_fp8_256x256, gfx950, "s_setprio")
HF_ISA_EXPECT(hf_gemm_bf8_fp8_256x256, gfx942, "v_mfma_f32_16x16x32_bf8_fp8")
HF_GEMM(hf_gemm_bf8_fp8_64x128, bf8, fp8, 64, 128, 1, 4)
HF_EXPORT(hf_gemm_bf8_fp8_64x128, hf::GemmParams)
HF_ISA_EXPECT(hf_gemm_bf8_fp8_64x128, gfx950, "v_mfma_scale_f32_16x16x128_f8f6f4")
HF_ISA_EXPECT(hf_gemm_bf8_fp8_64x128, gfx950, "buffer_load_dwordx4 lds")
HF_ISA_EXPECT(hf_gemm_bf8_fp8_64x128, gfx942, "v_mfma_f32_16x16x32_bf8_fp8")

HF_GEMM(hf_gemm_bf8_bf8_256x256, bf8, bf8, 256, 256, 2, 4)
HF_EXPORT(hf_gemm_bf8_bf8_256x256, hf::GemmParams)
HF_ISA_EXPECT(hf_gemm_bf8_bf8_256x256, gfx950, "v_mfma_scale_f32_16x16x128_f8f6f4")
HF_ISA_EXPECT(hf_gemm_bf8_bf8_256x256, gfx950, "buffer_load_dwordx4 lds")
HF_ISA_EXPECT(hf_gemm_bf8_bf8_256x256, gfx950, "s_setprio")
HF_ISA_EXPECT(hf_gemm_bf8_bf8_256x256, gfx942, "v_mfma_f32_16x16x32_bf8_bf8")
HF_GEMM(hf_gemm_bf8_bf8_64x128, bf8, bf8, 64, 128, 1, 4)
HF_EXPORT(hf_gemm_bf8_bf8_64x128, hf::GemmParams)
HF_ISA_EXPECT(hf_gemm_bf8_bf8_64x128, gfx950, "v_mfma_scale_f32_16x16x128_f8f6f4")
HF_ISA_EXPECT(hf_gemm_bf8_bf8_64x128, gfx950, "buffer_load_dwordx4 lds")
HF_ISA_EXPECT(hf_gemm_bf8_bf8_64x128, gfx942, "v_mfma_f32_16x16x32_bf8_bf8")

extern "C" __global__ __launch_bounds__(256) void hf_gemm_splitk_reduce_f32(const hf::GemmParams p) {
    hf::splitk_reduce<false>(p);
}
HF_EXPORT(hf_gemm_splitk_reduce_f32, hf::GemmParams)
extern "C" __global__ __launch_bounds__(256) void hf_gemm_splitk_reduce_i32(const hf::GemmParams p) {
    hf::splitk_reduce<true>(p);
}
HF_EXPORT(hf_gemm_splitk_reduce_i32, hf::GemmParams)

// The steady state for `hipforge model` (src/isa/loops.rs): a K step that loads the next step (through LDS DMA on
// gfx950) and does one K step of MFMA work per wave (2·(BM·BN/waves)·K operations, K = 128 bytes of elements): not
// the K tail or a transposed-layout element path.
HF_MODEL_PATH(hf_gemm_bf16_bf16_256x256, all, "via:buffer_load", "flops:1048576")
HF_MODEL_PATH(hf_gemm_bf16_bf16_256x256, gfx950, "via:buffer_load_dwordx4 lds")
HF_MODEL_PATH(hf_gemm_bf16_bf16_64x128, all, "via:buffer_load", "flops:262144")
HF_MODEL_PATH(hf_gemm_bf16_bf16_64x128, gfx950, "via:buffer_load_dwordx4 lds")
HF_MODEL_PATH(hf_gemm_f16_f16_256x256, all, "via:buffer_load", "flops:1048576")
HF_MODEL_PATH(hf_gemm_f16_f16_256x256, gfx950, "via:buffer_load_dwordx4 lds")
HF_MODEL_PATH(hf_gemm_f16_f16_64x128, all, "via:buffer_load", "flops:262144")
HF_MODEL_PATH(hf_gemm_f16_f16_64x128, gfx950, "via:buffer_load_dwordx4 lds")
HF_MODEL_PATH(hf_gemm_i8_i8_256x256, all, "via:buffer_load", "flops:2097152")
HF_MODEL_PATH(hf_gemm_i8_i8_256x256, gfx950, "via:buffer_load_dwordx4 lds")
HF_MODEL_PATH(hf_gemm_i8_i8_64x128, all, "via:buffer_load", "flops:524288")
HF_MODEL_PATH(hf_gemm_i8_i8_64x128, gfx950, "via:buffer_load_dwordx4 lds")
HF_MODEL_PATH(hf_gemm_fp8_fp8_256x256, all, "via:buffer_load", "flops:2097152")
HF_MODEL_PATH(hf_gemm_fp8_fp8_256x256, gfx950, "via:buffer_load_dwordx4 lds")
HF_MODEL_PATH(hf_gemm_fp8_fp8_64x128, all, "via:buffer_load", "flops:524288")
HF_MODEL_PATH(hf_gemm_fp8_fp8_64x128, gfx950, "via:buffer_load_dwordx4 lds")
HF_MODEL_PATH(hf_gemm_fp8_bf8_256x256, all, "via:buffer_load", "flops:2097152")
HF_MODEL_PATH(hf_gemm_fp8_bf8_256x256, gfx950, "via:buffer_load_dwordx4 lds")
HF_MODEL_PATH(hf_gemm_fp8_bf8_64x128, all, "via:buffer_load", "flops:524288")
HF_MODEL_PATH(hf_gemm_fp8_bf8_64x128, gfx950, "via:buffer_load_dwordx4 lds")
HF_MODEL_PATH(hf_gemm_bf8_fp8_256x256, all, "via:buffer_load", "flops:2097152")
HF_MODEL_PATH(hf_gemm_bf8_fp8_256x256, gfx950, "via:buffer_load_dwordx4 lds")
HF_MODEL_PATH(hf_gemm_bf8_fp8_64x128, all, "via:buffer_load", "flops:524288")
HF_MODEL_PATH(hf_gemm_bf8_fp8_64x128, gfx950, "via:buffer_load_dwordx4 lds")
HF_MODEL_PATH(hf_gemm_bf8_bf8_256x256, all, "via:buffer_load", "flops:2097152")
HF_MODEL_PATH(hf_gemm_bf8_bf8_256x256, gfx950, "via:buffer_load_dwordx4 lds")
HF_MODEL_PATH(hf_gemm_bf8_bf8_64x128, all, "via:buffer_load", "flops:524288")
HF_MODEL_PATH(hf_gemm_bf8_bf8_64x128, gfx950, "via:buffer_load_dwordx4 lds")

// `hipforge model` floors (docs/model.md), checked by tests/model.rs: no scratch, known MFMA costs, and the
// spill moves, LDS waits and modeled bounds of the steady-state loop no worse than at this commit (clang-22).
// Regression floors only; the kernel-performance issues raise them to the anchors' level.
HF_MODEL_EXPECT(hf_gemm_bf16_bf16_256x256, gfx942, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 17", "exposed_lds <= 312", "opt >= 1.00", "pess >= 0.77")
HF_MODEL_EXPECT(hf_gemm_bf16_bf16_256x256, gfx950, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 16", "exposed_lds <= 128", "opt >= 1.00", "pess >= 0.83")
HF_MODEL_EXPECT(hf_gemm_bf16_bf16_64x128, gfx942, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 9", "exposed_lds <= 368", "opt >= 0.88", "pess >= 0.66")
HF_MODEL_EXPECT(hf_gemm_bf16_bf16_64x128, gfx950, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 8", "exposed_lds <= 280", "opt >= 1.00", "pess >= 0.75")
HF_MODEL_EXPECT(hf_gemm_f16_f16_256x256, gfx942, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 17", "exposed_lds <= 312", "opt >= 1.00", "pess >= 0.77")
HF_MODEL_EXPECT(hf_gemm_f16_f16_256x256, gfx950, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 16", "exposed_lds <= 128", "opt >= 1.00", "pess >= 0.83")
HF_MODEL_EXPECT(hf_gemm_f16_f16_64x128, gfx942, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 9", "exposed_lds <= 368", "opt >= 0.88", "pess >= 0.66")
HF_MODEL_EXPECT(hf_gemm_f16_f16_64x128, gfx950, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 8", "exposed_lds <= 280", "opt >= 1.00", "pess >= 0.75")
HF_MODEL_EXPECT(hf_gemm_i8_i8_256x256, gfx942, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 17", "exposed_lds <= 356", "opt >= 1.00", "pess >= 0.77")
HF_MODEL_EXPECT(hf_gemm_i8_i8_256x256, gfx950, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 16", "exposed_lds <= 128", "opt >= 1.00", "pess >= 0.83")
HF_MODEL_EXPECT(hf_gemm_i8_i8_64x128, gfx942, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 8", "exposed_lds <= 280", "opt >= 0.88", "pess >= 0.65")
HF_MODEL_EXPECT(hf_gemm_i8_i8_64x128, gfx950, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 8", "exposed_lds <= 280", "opt >= 1.00", "pess >= 0.75")
HF_MODEL_EXPECT(hf_gemm_fp8_fp8_256x256, gfx942, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 17", "exposed_lds <= 356", "opt >= 1.00", "pess >= 0.77")
HF_MODEL_EXPECT(hf_gemm_fp8_fp8_256x256, gfx950, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 9", "exposed_lds <= 124", "opt >= 1.00", "pess >= 0.85")
HF_MODEL_EXPECT(hf_gemm_fp8_fp8_64x128, gfx942, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 4", "lgkm_waits <= 8", "exposed_lds <= 112", "opt >= 0.88", "pess >= 0.60")
HF_MODEL_EXPECT(hf_gemm_fp8_fp8_64x128, gfx950, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 5", "exposed_lds <= 180", "opt >= 1.00", "pess >= 0.65")
HF_MODEL_EXPECT(hf_gemm_fp8_bf8_256x256, gfx942, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 17", "exposed_lds <= 356", "opt >= 1.00", "pess >= 0.77")
HF_MODEL_EXPECT(hf_gemm_fp8_bf8_256x256, gfx950, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 9", "exposed_lds <= 124", "opt >= 1.00", "pess >= 0.85")
HF_MODEL_EXPECT(hf_gemm_fp8_bf8_64x128, gfx942, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 4", "lgkm_waits <= 8", "exposed_lds <= 112", "opt >= 0.88", "pess >= 0.60")
HF_MODEL_EXPECT(hf_gemm_fp8_bf8_64x128, gfx950, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 5", "exposed_lds <= 180", "opt >= 1.00", "pess >= 0.65")
HF_MODEL_EXPECT(hf_gemm_bf8_fp8_256x256, gfx942, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 17", "exposed_lds <= 356", "opt >= 1.00", "pess >= 0.77")
HF_MODEL_EXPECT(hf_gemm_bf8_fp8_256x256, gfx950, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 9", "exposed_lds <= 124", "opt >= 1.00", "pess >= 0.85")
HF_MODEL_EXPECT(hf_gemm_bf8_fp8_64x128, gfx942, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 4", "lgkm_waits <= 8", "exposed_lds <= 112", "opt >= 0.88", "pess >= 0.60")
HF_MODEL_EXPECT(hf_gemm_bf8_fp8_64x128, gfx950, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 5", "exposed_lds <= 180", "opt >= 1.00", "pess >= 0.65")
HF_MODEL_EXPECT(hf_gemm_bf8_bf8_256x256, gfx942, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 17", "exposed_lds <= 356", "opt >= 1.00", "pess >= 0.77")
HF_MODEL_EXPECT(hf_gemm_bf8_bf8_256x256, gfx950, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 9", "exposed_lds <= 124", "opt >= 1.00", "pess >= 0.85")
HF_MODEL_EXPECT(hf_gemm_bf8_bf8_64x128, gfx942, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 4", "lgkm_waits <= 8", "exposed_lds <= 112", "opt >= 0.88", "pess >= 0.60")
HF_MODEL_EXPECT(hf_gemm_bf8_bf8_64x128, gfx950, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 5", "exposed_lds <= 180", "opt >= 1.00", "pess >= 0.65")
HF_MODEL_EXPECT(hf_gemm_splitk_reduce_f32, gfx942, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 0", "exposed_lds <= 0")
HF_MODEL_EXPECT(hf_gemm_splitk_reduce_f32, gfx950, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 0", "exposed_lds <= 0")
HF_MODEL_EXPECT(hf_gemm_splitk_reduce_i32, gfx942, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 0", "exposed_lds <= 0")
HF_MODEL_EXPECT(hf_gemm_splitk_reduce_i32, gfx950, "scratch == 0", "unknown_mfma == 0", "spill_moves <= 0", "lgkm_waits <= 0", "exposed_lds <= 0")
