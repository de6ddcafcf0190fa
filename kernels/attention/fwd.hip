// Attention forward (FlashAttention-2 style): O = softmax(scale · Q Kᵀ + mask) V per head, optional LSE.
//
// One head-dim-generic kernel, instantiated per (element type, head dim). Layout of the work:
//   - a block is 8 waves (512 threads) and owns 256 query rows of one (batch, head): 32 rows per wave, held in
//     registers as MFMA operands for the whole kernel;
//   - K/V stream through LDS in tiles of 64 keys (32 for head dim 256), double-buffered: the next tile's global loads
//     are in flight while the current one is computed, then stored to the other buffer; one barrier per tile;
//   - per tile and wave: Sᵀ = K·Qᵀ (MFMA), scale/softcap/mask, online softmax in the exp2 domain with lazy
//     rescaling (hipforge/softmax.hpp), Oᵀ += Vᵀ·Pᵀ (MFMA);
//   - tiles no query row of the block can see (causal, sliding window) are never loaded; a wave skips the math of
//     tiles none of its rows can see, and the mask arithmetic of tiles all its rows fully see;
//   - blocks are remapped so one XCD works through neighbouring query blocks of one head (shared K/V in its L2), and
//     for causal masks the heaviest query blocks start first.
// Ragged edges: out-of-range rows load as zeros through buffer-load clamping (hipforge/softmax.hpp: gbuf) and are masked.
// A query row that sees no key at all writes O = 0 and LSE = −inf (never NaN).
#include "hipforge/device.hpp"
#include "hipforge/softmax.hpp"

namespace hf {

// Parameters of every attention kernel. Mirrored by `AttnFwdParams` in src/attention/launch.rs (248 bytes).
struct AttnFwdParams {
    uint64_t q, k, v, o;                 // device addresses of the tensors
    uint64_t lse;                        // f32 log-sum-exp output (natural log), or 0 to skip it
    uint64_t cu_seqlens_q, cu_seqlens_k; // int32[batch + 1] packed-sequence offsets, or 0 for fixed lengths
    int64_t q_strides[3];                // (batch, row, head) strides in elements; the head dim is contiguous
    int64_t k_strides[3];
    int64_t v_strides[3];
    int64_t o_strides[3];
    int64_t lse_strides[2];              // (batch, head) in f32 elements; a head's rows are contiguous
    int32_t seqlen_q, seqlen_k;          // fixed lengths (unused when cu_seqlens_* are given)
    int32_t heads_q, heads_kv;           // heads_q is a multiple of heads_kv (GQA / MQA)
    int32_t window_left, window_right;   // visible keys i+shift-left ..= i+shift+right; negative = unbounded
    int32_t q_blocks;                    // 256-row query blocks per (batch, head); the grid is batch·heads_q·q_blocks
    float scale_log2;                    // softmax scale · descale_q · descale_k · log2(e)
    float qk_scale;                      // softmax scale · descale_q · descale_k (the softcap path needs it apart)
    float softcap;                       // 0 = off, else scores become softcap · tanh(qk_scale · q·k / softcap)
    float v_descale;                     // multiplies O (1 for 16-bit inputs)
    int32_t out_kind;                    // O's element type: 0 bf16, 1 f16, 2 f32
    // Split-KV decode (hf_attn_decode_*, hf_attn_combine_*) only:
    int32_t batch;                       // sequences
    int32_t kv_splits;                   // KV ranges per (sequence, KV head); each writes a partial O and LSE
    int32_t head_dim;                    // for the combine kernel
    int32_t reserved;
    uint64_t part_o;                     // f32 [kv_splits][batch][heads_q][16][head_dim]: each split's normalized O
    uint64_t part_lse;                   // f32 [kv_splits][batch][heads_q][16]: each split's LSE (natural log)
};
static_assert(sizeof(AttnFwdParams) == 248, "AttnFwdParams is mirrored in Rust: keep the sizes equal");

namespace attn {

inline constexpr int kWaves = 8;
inline constexpr int kThreads = kWaves * 64;

// 16-row query tiles per wave: 2 (32 rows per wave, 256 per block), or 1 for head dim 256, where a 32-row O
// accumulator plus Q would not fit the 256 registers a wave gets at 2 waves per SIMD (it spilled).
template <int D>
inline constexpr int q_tiles = D <= 128 ? 2 : 1;
// Keys per LDS tile: 64, or 32 for head dim 256 so that two stages still fit gfx942's 64 KiB.
template <int D>
inline constexpr int kv_rows = D <= 128 ? 64 : 32;
// Dynamic LDS of the forward and decode kernels (their HF_DYNAMIC_LDS): two K/Vᵀ stages.
template <class T, int D>
inline constexpr int lds_bytes = 2 * kv_tiles<T, D, kv_rows<D>>::stage_bytes;

template <int DW>
__device__ inline frag<DW> load_frag(const gbuf& buf, uint32_t off) {
    if constexpr (DW == 4) return __builtin_bit_cast(frag<4>, buf.load16(off));
    else return __builtin_bit_cast(frag<2>, buf.load8(off));
}

template <int DW>
__device__ inline frag<DW> lds_frag(const unsigned char* p) {
    if constexpr (DW == 4) return __builtin_bit_cast(frag<4>, *(const dw4*)p);
    else return __builtin_bit_cast(frag<2>, *(const dw2*)p);
}

// A strided (rows × D) view of one head: byte offset of (row, element), or kOutOfRange past the last row.
struct head_view {
    gbuf buf;
    int rows;
    uint32_t row_bytes;
    __device__ uint32_t at(int row, int byte) const {
        return row < rows ? (uint32_t)row * row_bytes + (uint32_t)byte : kOutOfRange;
    }
};

template <class T, int D>
__device__ inline head_view make_view(uint64_t base, const int64_t* strides, int b, int h, int tok0, int rows) {
    const T* p = (const T*)base + b * strides[0] + h * strides[2] + (int64_t)tok0 * strides[1];
    const uint32_t row_bytes = (uint32_t)(strides[1] * (int64_t)sizeof(T));
    const uint32_t bytes = rows > 0 ? (uint32_t)(rows - 1) * row_bytes + (uint32_t)(D * sizeof(T)) : 0;
    return head_view{gbuf::make(p, bytes), rows, row_bytes};
}

// Four f32 values rounded to a 16-bit type, packed into two dwords.
template <class H>
__device__ inline dw2 pack4(f32x4 x) {
    dw2 r;
    r[0] = to_bits16<H>(x[0]) | (to_bits16<H>(x[1]) << 16);
    r[1] = to_bits16<H>(x[2]) | (to_bits16<H>(x[3]) << 16);
    return r;
}

// kDecode = false: the forward kernel, one block per (sequence, head, 256 query rows).
// kDecode = true: split-KV decode for seqlen_q ≤ 16. One block per (sequence, KV head, group of 8 query heads that
// share it, KV split): wave w takes query head w of the group with all ≤ 16 query rows, so one K/V tile in LDS
// serves 8 heads (GQA); the split's normalized O and its LSE go to part_o/part_lse for the combine kernel.
template <class T, int D, bool kDecode>
__device__ void fwd(const AttnFwdParams& p) {
    using mq = mma16<T>;                       // the Q·Kᵀ MFMA
    using PV = typename pv_type<T>::type;      // P and Vᵀ element type
    using mp = mma16<PV>;                      // the P·V MFMA
    constexpr int BN = kv_rows<D>;
    constexpr int QS = kDecode ? 1 : q_tiles<D>;
    constexpr int kWaveRows = 16 * QS, kBlockRows = kWaves * kWaveRows;
    using tiles = kv_tiles<T, D, BN>;
    constexpr int ES = sizeof(T);
    constexpr int KLQ = mq::k / 4;     // Q/K items per lane per MFMA
    constexpr int KC = D / mq::k;      // MFMAs along the head dim for one 16×16 score tile
    constexpr int JT = BN / 16;        // 16-key score tiles per KV tile
    constexpr int KLP = mp::k / 4;     // P/V items per lane per MFMA
    constexpr int JC = BN / mp::k;     // MFMAs along the keys for one 16×16 output tile
    constexpr int DT = D / 16;         // 16-wide head-dim tiles of O
    constexpr int CH = tiles::k_chunks;  // 16-byte chunks per K/V row in global memory
    constexpr int NCH = BN * CH;         // chunks per K (or V) tile
    constexpr int RK = (NCH + kThreads - 1) / kThreads;
    constexpr int EPC = 16 / ES;         // elements per chunk
#if defined(__gfx942__)
    // gfx942 at head dim 256 keeps 8 bytes of scratch when the next tile is in registers during the math, so it
    // issues those loads after the math instead (the LDS double buffer still overlaps the stores with other waves).
    constexpr bool kPrefetch = D <= 128;
#else
    constexpr bool kPrefetch = true;
#endif
    static_assert(D % mq::k == 0 && BN % mp::k == 0, "tile sizes must be whole MFMAs");

    // Two K/Vᵀ stages in dynamic LDS, declared with HF_DYNAMIC_LDS (`lds_bytes` above; the launch passes it,
    // src/attention/launch.rs). Dynamic rather than static: the emulator keeps one copy of a program's static
    // `__shared__` data, so it runs the blocks of static-LDS kernels one at a time.
    HIP_DYNAMIC_SHARED(dw4, smem_dw4)
    unsigned char* const smem = reinterpret_cast<unsigned char*>(smem_dw4);

    const int tid = threadIdx.x, lane = tid & 63, wave = tid >> 6;
    const int g = lane >> 4, r16 = lane & 15;

    // ---- which (batch, head, query block) — or (batch, KV head, head group, KV split) — this block owns
    int id = block_order(blockIdx.x, gridDim.x);
    const int group = p.heads_q / p.heads_kv;
    int qb = 0, split = 0, h, hk, b;
    bool wave_has_head = true;
    if constexpr (kDecode) {
        split = id % p.kv_splits;
        id /= p.kv_splits;
        const int chunks = (group + kWaves - 1) / kWaves, chunk = id % chunks;
        id /= chunks;
        hk = id % p.heads_kv;
        b = id / p.heads_kv;
        const int hg = chunk * kWaves + wave;
        wave_has_head = hg < group;
        h = hk * group + (wave_has_head ? hg : 0);
    } else {
        qb = id % p.q_blocks;
        id /= p.q_blocks;
        h = id % p.heads_q;
        b = id / p.heads_q;
        hk = h / group;
        if (p.window_right >= 0) qb = p.q_blocks - 1 - qb;  // causal-like masks: later query blocks see more keys
    }

    int tq0 = 0, tk0 = 0, sq = p.seqlen_q, sk = p.seqlen_k;
    if (p.cu_seqlens_q) {
        const int32_t* cq = (const int32_t*)p.cu_seqlens_q;
        const int32_t* ck = (const int32_t*)p.cu_seqlens_k;
        tq0 = cq[b];
        sq = cq[b + 1] - tq0;
        tk0 = ck[b];
        sk = ck[b + 1] - tk0;
    }
    const int q0 = qb * kBlockRows;
    if (q0 >= sq) return;  // block-uniform: no barrier has been reached yet

    const mask mk{sq, sk, p.window_left, p.window_right};
    const int block_last = (q0 + kBlockRows < sq ? q0 + kBlockRows : sq) - 1;
    const int j_begin = mk.lo(q0) > 0 ? mk.lo(q0) : 0, j_end = mk.hi(block_last);
    int t_begin = j_begin / BN, t_end = j_end > j_begin ? (j_end + BN - 1) / BN : t_begin;
    if constexpr (kDecode) {  // this split's share of the visible tiles (possibly none: it then writes LSE −inf)
        const int per = (t_end - t_begin + p.kv_splits - 1) / p.kv_splits;
        t_begin += split * per;
        if (t_begin > t_end) t_begin = t_end;
        if (t_begin + per < t_end) t_end = t_begin + per;
    }
    const head_view qv = make_view<T, D>(p.q, p.q_strides, b, h, tq0, sq);
    const head_view kv = make_view<T, D>(p.k, p.k_strides, b, hk, tk0, sk);
    const head_view vv = make_view<T, D>(p.v, p.v_strides, b, hk, tk0, sk);

    // ---- this wave's query rows, as the B operand (Qᵀ) of Sᵀ = K·Qᵀ
    const int wq0 = kDecode ? 0 : q0 + wave * kWaveRows;
    // Last query row of the wave; < wq0 when the wave has no rows.
    const int w_last = !wave_has_head ? -1 : (wq0 + kWaveRows < sq ? wq0 + kWaveRows : sq) - 1;
    frag<mq::dwords> qf[KC][QS];
    for (int qs = 0; qs < QS; ++qs)
        for (int kc = 0; kc < KC; ++kc)
            qf[kc][qs] = load_frag<mq::dwords>(qv.buf, qv.at(wq0 + qs * 16 + r16, (kc * mq::k + KLQ * g) * ES));

    // ---- running state of the online softmax: lane L owns query rows wq0 + qs·16 + L%16
    float m[QS], l[QS];  // running max (log2 domain, lazily updated); this lane's share of the running sum
    f32x4 o[DT][QS];     // Oᵀ tiles: o[dt][qs][r] = O[row][dt·16 + 4g + r]
    for (int qs = 0; qs < QS; ++qs) {
        m[qs] = kNegInf;
        l[qs] = 0.f;
        for (int dt = 0; dt < DT; ++dt) o[dt][qs] = f32x4{0.f, 0.f, 0.f, 0.f};
    }

    // ---- K/V staging: global → registers (in flight during the math) → LDS
    dw4 kreg[RK], vreg[RK];
    auto load_tile = [&](int t) {
        for (int s = 0; s < RK; ++s) {
            const int c = tid + s * kThreads, j = c / CH, byte = (c % CH) * 16;
            const bool in = c < NCH;
            kreg[s] = kv.buf.load16(in ? kv.at(t * BN + j, byte) : kOutOfRange);
            vreg[s] = vv.buf.load16(in ? vv.at(t * BN + j, byte) : kOutOfRange);
        }
    };
    auto store_tile = [&](int stage) {
        unsigned char* base = smem + stage * tiles::stage_bytes;
        for (int s = 0; s < RK; ++s) {
            const int c = tid + s * kThreads, j = c / CH, cc = c % CH;
            if (c >= NCH) continue;
            *(dw4*)(base + tiles::k_offset(j, cc * 16)) = kreg[s];
            // V goes in transposed (Vt[d][j]): the P·V MFMA reads it as its A operand, 4 keys at a time.
            for (int e = 0; e < EPC; ++e) {
                const int d = cc * EPC + e;
                unsigned short bits;
                if constexpr (ES == 2) {
                    bits = (unsigned short)(vreg[s][e >> 1] >> ((e & 1) * 16));
                } else {
                    const uint8_t byte = (uint8_t)(vreg[s][e >> 2] >> ((e & 3) * 8));
                    bits = (unsigned short)to_bits16<__bf16>(fp8_to_f32(byte));
                }
                *(unsigned short*)(base + tiles::k_bytes + tiles::vt_offset(d, j)) = bits;
            }
        }
    };

    // ---- one KV tile for this wave
    auto compute_tile = [&](int stage, int kv0) {
        if (w_last < wq0) return;                                     // the wave has no query rows
        if (kv0 >= mk.hi(w_last) || kv0 + BN <= mk.lo(wq0)) return;   // no row of the wave sees this tile
        const bool full = kv0 >= mk.lo(w_last) && kv0 + BN <= mk.hi(wq0);
        const unsigned char* kt = smem + stage * tiles::stage_bytes;
        const unsigned char* vt = kt + tiles::k_bytes;

        // Sᵀ = K·Qᵀ: s[jt][qs][r] is the score of query row (qs, L%16) against key kv0 + jt·16 + 4g + r.
        f32x4 s[JT][QS];
        for (int jt = 0; jt < JT; ++jt) {
            for (int qs = 0; qs < QS; ++qs) s[jt][qs] = f32x4{0.f, 0.f, 0.f, 0.f};
            for (int kc = 0; kc < KC; ++kc) {
                const frag<mq::dwords> a =
                    lds_frag<mq::dwords>(kt + tiles::k_offset(jt * 16 + r16, (kc * mq::k + KLQ * g) * ES));
                for (int qs = 0; qs < QS; ++qs) s[jt][qs] = mq::run(a, qf[kc][qs], s[jt][qs]);
            }
        }

        frag<mp::dwords> pf[JC][QS];
        for (int qs = 0; qs < QS; ++qs) {
            const int i = wq0 + qs * 16 + r16;
            float mx = kNegInf;
            for (int jt = 0; jt < JT; ++jt)
                for (int r = 0; r < 4; ++r) {
                    float x = s[jt][qs][r];
                    x = p.softcap > 0.f ? p.softcap * tanh_f32(x * p.qk_scale / p.softcap) * kLog2e : x * p.scale_log2;
                    if (!full && !mk.visible(i, kv0 + jt * 16 + 4 * g + r)) x = kNegInf;
                    s[jt][qs][r] = x;
                    mx = __builtin_fmaxf(mx, x);
                }
            mx = row_max(mx, lane);

            // Lazy rescale: only when the max grew past the threshold (always on the first visible tile).
            const float m_new = __builtin_fmaxf(m[qs], mx);
            if (m_new > m[qs] + kRescaleThreshold) {
                const float alpha = __builtin_exp2f(m[qs] - m_new);
                l[qs] *= alpha;
                for (int dt = 0; dt < DT; ++dt) o[dt][qs] *= alpha;
                m[qs] = m_new;
            }
            const float m_use = m[qs] == kNegInf ? 0.f : m[qs];  // row sees nothing yet: every p is exp2(−inf) = 0

            float sum = 0.f;
            for (int jt = 0; jt < JT; ++jt)
                for (int r = 0; r < 4; ++r) {
                    const float pr = __builtin_exp2f(s[jt][qs][r] - m_use);
                    s[jt][qs][r] = pr;
                    sum += pr;
                }
            l[qs] += sum;

            // Pᵀ as the B operand of the P·V MFMA: item e of chunk jc is score tile jc·(k/16) + e/4, register e%4.
            for (int jc = 0; jc < JC; ++jc)
                for (int w = 0; w < mp::dwords; ++w) {
                    const int e = 2 * w, jt = jc * (mp::k / 16) + e / 4;
                    pf[jc][qs].w[w] = to_bits16<PV>(s[jt][qs][e % 4]) | (to_bits16<PV>(s[jt][qs][e % 4 + 1]) << 16);
                }
        }

        // Oᵀ += Vᵀ·Pᵀ: the A operand is Vt[d = dt·16 + L%16][keys of the same permutation], 4 keys per read.
        for (int dt = 0; dt < DT; ++dt) {
            for (int jc = 0; jc < JC; ++jc) {
                frag<mp::dwords> a;
                for (int q4 = 0; q4 < KLP / 4; ++q4) {
                    const dw2 v4 = *(const dw2*)(vt + tiles::vt_offset(dt * 16 + r16, jc * mp::k + q4 * 16 + 4 * g));
                    a.w[2 * q4] = v4[0];
                    a.w[2 * q4 + 1] = v4[1];
                }
                for (int qs = 0; qs < QS; ++qs) o[dt][qs] = mp::run(a, pf[jc][qs], o[dt][qs]);
            }
        }
    };

    // ---- the pipeline: tile t is computed from one LDS stage while tile t+1 travels to registers
    if (t_begin < t_end) {
        load_tile(t_begin);
        store_tile(0);
    }
    __syncthreads();
    for (int t = t_begin; t < t_end; ++t) {
        const int stage = (t - t_begin) & 1;
        if (kPrefetch && t + 1 < t_end) load_tile(t + 1);
        compute_tile(stage, t * BN);
        if (!kPrefetch && t + 1 < t_end) load_tile(t + 1);
        if (t + 1 < t_end) store_tile(stage ^ 1);
        __syncthreads();
    }

    // ---- epilogue: O = Oᵀ / l (· descale_v), LSE = ln(Σ exp) = (m + log2 l)·ln 2; a row that saw nothing: 0, −inf
    if constexpr (kDecode) {
        const int64_t part = ((int64_t)split * p.batch + b) * p.heads_q + h;  // 16 rows of D per (split, b, h)
        float* po = (float*)p.part_o + part * 16 * D;
        float* pl = (float*)p.part_lse + part * 16;
        for (int qs = 0; qs < QS; ++qs) {
            const float sum = row_sum(l[qs], lane);
            const float inv = sum > 0.f ? p.v_descale / sum : 0.f;
            const int i = wq0 + qs * 16 + r16;
            if (!wave_has_head || i >= sq) continue;
            for (int dt = 0; dt < DT; ++dt) *(f32x4*)(po + i * D + dt * 16 + 4 * g) = o[dt][qs] * inv;
            if (g == 0) pl[i] = sum > 0.f ? (m[qs] + __builtin_log2f(sum)) * kLn2 : kNegInf;
        }
        return;
    }
    const int osize = p.out_kind == 2 ? 4 : 2;
    unsigned char* op = (unsigned char*)p.o + (b * p.o_strides[0] + h * p.o_strides[2] + (int64_t)tq0 * p.o_strides[1]) * osize;
    float* lp = p.lse ? (float*)p.lse + b * p.lse_strides[0] + h * p.lse_strides[1] + tq0 : nullptr;
    for (int qs = 0; qs < QS; ++qs) {
        const float sum = row_sum(l[qs], lane);
        const float inv = sum > 0.f ? p.v_descale / sum : 0.f;
        const int i = wq0 + qs * 16 + r16;
        if (i >= sq) continue;
        unsigned char* row = op + (int64_t)i * p.o_strides[1] * osize;
        for (int dt = 0; dt < DT; ++dt) {
            const f32x4 x = o[dt][qs] * inv;
            unsigned char* dst = row + (dt * 16 + 4 * g) * osize;
            if (p.out_kind == 2) *(f32x4*)dst = x;
            else if (p.out_kind == 1) *(dw2*)dst = pack4<_Float16>(x);
            else *(dw2*)dst = pack4<__bf16>(x);
        }
        if (lp && g == 0) lp[i] = sum > 0.f ? (m[qs] + __builtin_log2f(sum)) * kLn2 : kNegInf;
    }
}

// Split-KV combine: O = Σ_s e^(LSE_s − LSE)·O_s, LSE = ln Σ_s e^(LSE_s). One block per (sequence, query head);
// splits that saw no key have LSE_s = −inf and weigh nothing; a row no split saw stays 0 / −inf.
__device__ inline void combine(const AttnFwdParams& p) {
    const int b = blockIdx.x / p.heads_q, h = blockIdx.x % p.heads_q, D = p.head_dim;
    int tq0 = 0, sq = p.seqlen_q;
    if (p.cu_seqlens_q) {
        const int32_t* cq = (const int32_t*)p.cu_seqlens_q;
        tq0 = cq[b];
        sq = cq[b + 1] - tq0;
    }
    const int osize = p.out_kind == 2 ? 4 : 2;
    unsigned char* op = (unsigned char*)p.o + (b * p.o_strides[0] + h * p.o_strides[2] + (int64_t)tq0 * p.o_strides[1]) * osize;
    const int64_t split_stride = (int64_t)p.batch * p.heads_q * 16;  // partial rows per split
    const int64_t row0 = ((int64_t)b * p.heads_q + h) * 16;
    const float* pl = (const float*)p.part_lse;
    const float* po = (const float*)p.part_o;
    for (int i = 0; i < sq; ++i) {
        float mx = kNegInf;
        for (int s = 0; s < p.kv_splits; ++s) mx = __builtin_fmaxf(mx, pl[s * split_stride + row0 + i]);
        float sum = 0.f;
        if (mx != kNegInf)
            for (int s = 0; s < p.kv_splits; ++s) sum += __builtin_exp2f((pl[s * split_stride + row0 + i] - mx) * kLog2e);
        const float lse = mx == kNegInf ? kNegInf : mx + __builtin_log2f(sum) * kLn2;
        for (int d = threadIdx.x; d < D; d += blockDim.x) {
            float acc = 0.f;
            if (lse != kNegInf)
                for (int s = 0; s < p.kv_splits; ++s) {
                    const int64_t r = s * split_stride + row0 + i;
                    const float w = __builtin_exp2f((pl[r] - lse) * kLog2e);  // 0 for a split with LSE −inf
                    acc += w * po[r * D + d];
                }
            unsigned char* dst = op + ((int64_t)i * p.o_strides[1] + d) * osize;
            if (p.out_kind == 2) *(float*)dst = acc;
            else *(unsigned short*)dst = (unsigned short)(p.out_kind == 1 ? to_bits16<_Float16>(acc) : to_bits16<__bf16>(acc));
        }
        if (p.lse && threadIdx.x == 0) ((float*)p.lse + b * p.lse_strides[0] + h * p.lse_strides[1] + tq0)[i] = lse;
    }
}

}  // namespace attn
}  // namespace hf

// clang-format off
extern "C" __global__ __launch_bounds__(512) void hf_attn_fwd_bf16_d64(const hf::AttnFwdParams p) { hf::attn::fwd<__bf16, 64, false>(p); }
extern "C" __global__ __launch_bounds__(512) void hf_attn_fwd_bf16_d128(const hf::AttnFwdParams p) { hf::attn::fwd<__bf16, 128, false>(p); }
extern "C" __global__ __launch_bounds__(512) void hf_attn_fwd_bf16_d256(const hf::AttnFwdParams p) { hf::attn::fwd<__bf16, 256, false>(p); }
extern "C" __global__ __launch_bounds__(512) void hf_attn_fwd_f16_d64(const hf::AttnFwdParams p) { hf::attn::fwd<_Float16, 64, false>(p); }
extern "C" __global__ __launch_bounds__(512) void hf_attn_fwd_f16_d128(const hf::AttnFwdParams p) { hf::attn::fwd<_Float16, 128, false>(p); }
extern "C" __global__ __launch_bounds__(512) void hf_attn_fwd_f16_d256(const hf::AttnFwdParams p) { hf::attn::fwd<_Float16, 256, false>(p); }
extern "C" __global__ __launch_bounds__(512) void hf_attn_fwd_f8e4m3_d64(const hf::AttnFwdParams p) { hf::attn::fwd<hf::attn::fp8e4m3, 64, false>(p); }
extern "C" __global__ __launch_bounds__(512) void hf_attn_fwd_f8e4m3_d128(const hf::AttnFwdParams p) { hf::attn::fwd<hf::attn::fp8e4m3, 128, false>(p); }
extern "C" __global__ __launch_bounds__(512) void hf_attn_fwd_f8e4m3_d256(const hf::AttnFwdParams p) { hf::attn::fwd<hf::attn::fp8e4m3, 256, false>(p); }
extern "C" __global__ __launch_bounds__(512) void hf_attn_decode_bf16_d64(const hf::AttnFwdParams p) { hf::attn::fwd<__bf16, 64, true>(p); }
extern "C" __global__ __launch_bounds__(512) void hf_attn_decode_bf16_d128(const hf::AttnFwdParams p) { hf::attn::fwd<__bf16, 128, true>(p); }
extern "C" __global__ __launch_bounds__(512) void hf_attn_decode_bf16_d256(const hf::AttnFwdParams p) { hf::attn::fwd<__bf16, 256, true>(p); }
extern "C" __global__ __launch_bounds__(512) void hf_attn_decode_f16_d64(const hf::AttnFwdParams p) { hf::attn::fwd<_Float16, 64, true>(p); }
extern "C" __global__ __launch_bounds__(512) void hf_attn_decode_f16_d128(const hf::AttnFwdParams p) { hf::attn::fwd<_Float16, 128, true>(p); }
extern "C" __global__ __launch_bounds__(512) void hf_attn_decode_f16_d256(const hf::AttnFwdParams p) { hf::attn::fwd<_Float16, 256, true>(p); }
extern "C" __global__ __launch_bounds__(512) void hf_attn_decode_f8e4m3_d64(const hf::AttnFwdParams p) { hf::attn::fwd<hf::attn::fp8e4m3, 64, true>(p); }
extern "C" __global__ __launch_bounds__(512) void hf_attn_decode_f8e4m3_d128(const hf::AttnFwdParams p) { hf::attn::fwd<hf::attn::fp8e4m3, 128, true>(p); }
extern "C" __global__ __launch_bounds__(512) void hf_attn_decode_f8e4m3_d256(const hf::AttnFwdParams p) { hf::attn::fwd<hf::attn::fp8e4m3, 256, true>(p); }
extern "C" __global__ __launch_bounds__(256) void hf_attn_combine(const hf::AttnFwdParams p) { hf::attn::combine(p); }
// clang-format on

HF_EXPORT(hf_attn_fwd_bf16_d64, hf::AttnFwdParams)
HF_EXPORT(hf_attn_fwd_bf16_d128, hf::AttnFwdParams)
HF_EXPORT(hf_attn_fwd_bf16_d256, hf::AttnFwdParams)
HF_EXPORT(hf_attn_fwd_f16_d64, hf::AttnFwdParams)
HF_EXPORT(hf_attn_fwd_f16_d128, hf::AttnFwdParams)
HF_EXPORT(hf_attn_fwd_f16_d256, hf::AttnFwdParams)
HF_EXPORT(hf_attn_fwd_f8e4m3_d64, hf::AttnFwdParams)
HF_EXPORT(hf_attn_fwd_f8e4m3_d128, hf::AttnFwdParams)
HF_EXPORT(hf_attn_fwd_f8e4m3_d256, hf::AttnFwdParams)
HF_EXPORT(hf_attn_decode_bf16_d64, hf::AttnFwdParams)
HF_EXPORT(hf_attn_decode_bf16_d128, hf::AttnFwdParams)
HF_EXPORT(hf_attn_decode_bf16_d256, hf::AttnFwdParams)
HF_EXPORT(hf_attn_decode_f16_d64, hf::AttnFwdParams)
HF_EXPORT(hf_attn_decode_f16_d128, hf::AttnFwdParams)
HF_EXPORT(hf_attn_decode_f16_d256, hf::AttnFwdParams)
HF_EXPORT(hf_attn_decode_f8e4m3_d64, hf::AttnFwdParams)
HF_EXPORT(hf_attn_decode_f8e4m3_d128, hf::AttnFwdParams)
HF_EXPORT(hf_attn_decode_f8e4m3_d256, hf::AttnFwdParams)
HF_EXPORT(hf_attn_combine, hf::AttnFwdParams)

HF_DYNAMIC_LDS(hf_attn_fwd_bf16_d64, (hf::attn::lds_bytes<__bf16, 64>))
HF_DYNAMIC_LDS(hf_attn_fwd_bf16_d128, (hf::attn::lds_bytes<__bf16, 128>))
HF_DYNAMIC_LDS(hf_attn_fwd_bf16_d256, (hf::attn::lds_bytes<__bf16, 256>))
HF_DYNAMIC_LDS(hf_attn_fwd_f16_d64, (hf::attn::lds_bytes<_Float16, 64>))
HF_DYNAMIC_LDS(hf_attn_fwd_f16_d128, (hf::attn::lds_bytes<_Float16, 128>))
HF_DYNAMIC_LDS(hf_attn_fwd_f16_d256, (hf::attn::lds_bytes<_Float16, 256>))
HF_DYNAMIC_LDS(hf_attn_fwd_f8e4m3_d64, (hf::attn::lds_bytes<hf::attn::fp8e4m3, 64>))
HF_DYNAMIC_LDS(hf_attn_fwd_f8e4m3_d128, (hf::attn::lds_bytes<hf::attn::fp8e4m3, 128>))
HF_DYNAMIC_LDS(hf_attn_fwd_f8e4m3_d256, (hf::attn::lds_bytes<hf::attn::fp8e4m3, 256>))
HF_DYNAMIC_LDS(hf_attn_decode_bf16_d64, (hf::attn::lds_bytes<__bf16, 64>))
HF_DYNAMIC_LDS(hf_attn_decode_bf16_d128, (hf::attn::lds_bytes<__bf16, 128>))
HF_DYNAMIC_LDS(hf_attn_decode_bf16_d256, (hf::attn::lds_bytes<__bf16, 256>))
HF_DYNAMIC_LDS(hf_attn_decode_f16_d64, (hf::attn::lds_bytes<_Float16, 64>))
HF_DYNAMIC_LDS(hf_attn_decode_f16_d128, (hf::attn::lds_bytes<_Float16, 128>))
HF_DYNAMIC_LDS(hf_attn_decode_f16_d256, (hf::attn::lds_bytes<_Float16, 256>))
HF_DYNAMIC_LDS(hf_attn_decode_f8e4m3_d64, (hf::attn::lds_bytes<hf::attn::fp8e4m3, 64>))
HF_DYNAMIC_LDS(hf_attn_decode_f8e4m3_d128, (hf::attn::lds_bytes<hf::attn::fp8e4m3, 128>))
HF_DYNAMIC_LDS(hf_attn_decode_f8e4m3_d256, (hf::attn::lds_bytes<hf::attn::fp8e4m3, 256>))

HF_ISA_EXPECT(hf_attn_fwd_bf16_d64, gfx950, "v_mfma_f32_16x16x32_bf16")
HF_ISA_EXPECT(hf_attn_fwd_bf16_d128, gfx950, "v_mfma_f32_16x16x32_bf16")
HF_ISA_EXPECT(hf_attn_fwd_bf16_d256, gfx950, "v_mfma_f32_16x16x32_bf16")
HF_ISA_EXPECT(hf_attn_fwd_f16_d64, gfx950, "v_mfma_f32_16x16x32_f16")
HF_ISA_EXPECT(hf_attn_fwd_f16_d128, gfx950, "v_mfma_f32_16x16x32_f16")
HF_ISA_EXPECT(hf_attn_fwd_f16_d256, gfx950, "v_mfma_f32_16x16x32_f16")
HF_ISA_EXPECT(hf_attn_fwd_f8e4m3_d64, gfx950, "v_mfma_f32_16x16x32_fp8_fp8")
HF_ISA_EXPECT(hf_attn_fwd_f8e4m3_d128, gfx950, "v_mfma_f32_16x16x32_fp8_fp8")
HF_ISA_EXPECT(hf_attn_fwd_f8e4m3_d256, gfx950, "v_mfma_f32_16x16x32_fp8_fp8")
HF_ISA_EXPECT(hf_attn_fwd_bf16_d64, gfx942, "v_mfma_f32_16x16x16_bf16")
HF_ISA_EXPECT(hf_attn_fwd_bf16_d128, gfx942, "v_mfma_f32_16x16x16_bf16")
HF_ISA_EXPECT(hf_attn_fwd_bf16_d256, gfx942, "v_mfma_f32_16x16x16_bf16")
HF_ISA_EXPECT(hf_attn_fwd_f16_d64, gfx942, "v_mfma_f32_16x16x16_f16")
HF_ISA_EXPECT(hf_attn_fwd_f16_d128, gfx942, "v_mfma_f32_16x16x16_f16")
HF_ISA_EXPECT(hf_attn_fwd_f16_d256, gfx942, "v_mfma_f32_16x16x16_f16")
HF_ISA_EXPECT(hf_attn_fwd_f8e4m3_d64, gfx942, "v_mfma_f32_16x16x32_fp8_fp8")
HF_ISA_EXPECT(hf_attn_fwd_f8e4m3_d128, gfx942, "v_mfma_f32_16x16x32_fp8_fp8")
HF_ISA_EXPECT(hf_attn_fwd_f8e4m3_d256, gfx942, "v_mfma_f32_16x16x32_fp8_fp8")
HF_ISA_EXPECT(hf_attn_decode_bf16_d64, gfx950, "v_mfma_f32_16x16x32_bf16")
HF_ISA_EXPECT(hf_attn_decode_bf16_d128, gfx950, "v_mfma_f32_16x16x32_bf16")
HF_ISA_EXPECT(hf_attn_decode_bf16_d256, gfx950, "v_mfma_f32_16x16x32_bf16")
HF_ISA_EXPECT(hf_attn_decode_f16_d64, gfx950, "v_mfma_f32_16x16x32_f16")
HF_ISA_EXPECT(hf_attn_decode_f16_d128, gfx950, "v_mfma_f32_16x16x32_f16")
HF_ISA_EXPECT(hf_attn_decode_f16_d256, gfx950, "v_mfma_f32_16x16x32_f16")
HF_ISA_EXPECT(hf_attn_decode_f8e4m3_d64, gfx950, "v_mfma_f32_16x16x32_fp8_fp8")
HF_ISA_EXPECT(hf_attn_decode_f8e4m3_d128, gfx950, "v_mfma_f32_16x16x32_fp8_fp8")
HF_ISA_EXPECT(hf_attn_decode_f8e4m3_d256, gfx950, "v_mfma_f32_16x16x32_fp8_fp8")
HF_ISA_EXPECT(hf_attn_decode_bf16_d64, gfx942, "v_mfma_f32_16x16x16_bf16")
HF_ISA_EXPECT(hf_attn_decode_bf16_d128, gfx942, "v_mfma_f32_16x16x16_bf16")
HF_ISA_EXPECT(hf_attn_decode_bf16_d256, gfx942, "v_mfma_f32_16x16x16_bf16")
HF_ISA_EXPECT(hf_attn_decode_f16_d64, gfx942, "v_mfma_f32_16x16x16_f16")
HF_ISA_EXPECT(hf_attn_decode_f16_d128, gfx942, "v_mfma_f32_16x16x16_f16")
HF_ISA_EXPECT(hf_attn_decode_f16_d256, gfx942, "v_mfma_f32_16x16x16_f16")
HF_ISA_EXPECT(hf_attn_decode_f8e4m3_d64, gfx942, "v_mfma_f32_16x16x32_fp8_fp8")
HF_ISA_EXPECT(hf_attn_decode_f8e4m3_d128, gfx942, "v_mfma_f32_16x16x32_fp8_fp8")
HF_ISA_EXPECT(hf_attn_decode_f8e4m3_d256, gfx942, "v_mfma_f32_16x16x32_fp8_fp8")
// hf_attn_combine has no matrix instruction.
