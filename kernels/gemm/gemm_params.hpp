// kernels/gemm/gemm_params.hpp — the one params struct of every GEMM kernel (mirrored by src/gemm/launch.rs).
#pragma once
#include "hipforge/device.hpp"

namespace hf {

// Scaling modes (src/gemm/launch.rs: `scaling_code`).
enum scaling_code : uint32_t { SCALE_NONE = 0, SCALE_TENSOR = 1, SCALE_ROWCOL = 2, SCALE_BLOCK = 3, SCALE_MX = 4 };

// Flag bits.
enum gemm_flag : uint32_t {
    FLAG_A_VEC = 1,  // A is K-contiguous with 16-byte aligned rows: whole chunks load at once
    FLAG_B_VEC = 2,
    FLAG_C = 4,      // beta != 0: read C
    FLAG_BIAS = 8,   // add bias[n]
};

// D[b][m][n] = epilogue(sum_k A[b][m][k] B[b][k][n]). Every operand is a strided view: element (m, k) of A in batch
// b is at a + (b * a_batch + m * a_sm + k * a_sk) elements. B is addressed by (n, k). `*_bytes` is the byte extent
// of one batch's view (< 2^31; the host checks), which is also the range loads are clamped to.
struct GemmParams {
    uint64_t a, b, c, d, bias, scale_a, scale_b, workspace;  // device addresses (0 when unused)
    uint64_t a_batch, b_batch, c_batch, d_batch;  // element strides between batches
    uint64_t sa_batch, sb_batch;                  // byte strides between batches of the scale buffers
    uint32_t a_bytes, b_bytes, c_bytes, d_bytes;
    uint32_t bias_bytes, sa_bytes, sb_bytes, ws_bytes;  // ws_bytes: one (split, batch) slice of the workspace
    int32_t m, n, k, batch;
    uint32_t a_sm, a_sk, b_sn, b_sk;
    uint32_t c_sm, c_sn, d_sm, d_sn;
    // Scale strides. TENSOR: index 0. ROWCOL: scale_a[m * sa_sm], scale_b[n * sb_sn]. BLOCK (f32): scale_a[m * sa_sm
    // + kb * sa_sk] with kb = k / 128, scale_b[nb * sb_sn + kb * sb_sk] with nb = n / 128. MX (E8M0 bytes):
    // scale_a[m * sa_sm + kb * sa_sk], scale_b[n * sb_sn + kb * sb_sk] with kb = k / 32.
    uint32_t sa_sm, sa_sk, sb_sn, sb_sk;
    float alpha, beta, scale_d;
    uint32_t flags;
    uint32_t scaling, act, c_dtype, d_dtype;
    uint32_t bias_dtype, splits, k_steps_per_split, tiles_m;
    uint32_t tiles_n, group_m, reserved0, reserved1;
};
static_assert(sizeof(GemmParams) == 272, "GemmParams must match src/gemm/launch.rs");

}  // namespace hf
