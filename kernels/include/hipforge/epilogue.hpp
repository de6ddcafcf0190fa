// hipforge/epilogue.hpp — what happens to an accumulator on its way out of a GEMM:
//     y = act(alpha * s * acc + beta * C[m, n] + bias[n]),   then converted to D's dtype
// where s is the per-tensor or per-row/column dequantization scale (block and MX scales are applied earlier, per
// K block), and an FP8 output is saturate(scale_d * y).
//
// The activation math runs in f64: the epilogue is a tiny share of a GEMM's work, and f64 keeps GELU/SiLU within an
// ulp of the f64 reference for f32 outputs. AMDGPU has no libm here (-nogpulib), so exp/erfc are written out below.
#pragma once
#include "hipforge/device.hpp"
#include "hipforge/numeric.hpp"

namespace hf {

// Element types of C and D as the host encodes them (src/gemm/launch.rs: `dtype_code`).
enum dtype_code : uint32_t {
    DT_F32 = 0,
    DT_BF16 = 1,
    DT_F16 = 2,
    DT_F8E4M3 = 3,       // OCP e4m3fn
    DT_F8E5M2 = 4,       // OCP e5m2
    DT_F8E4M3FNUZ = 5,
    DT_F8E5M2FNUZ = 6,
    DT_I32 = 7,
    DT_I8 = 8,
};

enum activation : uint32_t { ACT_NONE = 0, ACT_RELU = 1, ACT_GELU_TANH = 2, ACT_GELU_ERF = 3, ACT_SILU = 4 };

__device__ inline int dtype_bytes(uint32_t dt) {
    return dt == DT_F32 || dt == DT_I32 ? 4 : (dt == DT_BF16 || dt == DT_F16) ? 2 : 1;
}

// ---- f64 math (no libm on the GPU side) -------------------------------------------------------------------------

__device__ inline double bits_to_f64(uint64_t b) { return __builtin_bit_cast(double, b); }

// 2^n for integer n in the normal range of f64 (exponents outside are clamped: callers stay far from them).
__device__ inline double pow2i(int n) {
    n = n < -1022 ? -1022 : (n > 1023 ? 1023 : n);
    return bits_to_f64((uint64_t)(n + 1023) << 52);
}

// e^x to about 1 ulp: x = n ln2 + r with |r| <= ln2/2, then a degree-13 Taylor polynomial of e^r.
__device__ inline double exp_f64(double x) {
    if (x != x) return x;
    if (x > 709.0) return __builtin_inf();
    if (x < -745.0) return 0.0;
    const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
    double nf = __builtin_rint(x * 1.44269504088896338700);
    double r = (x - nf * ln2_hi) - nf * ln2_lo;
    double p = 1.0 / 6227020800.0;  // 1/13!
    const double inv_fact[13] = {1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0,
                                 1.0 / 40320.0,     1.0 / 5040.0,     1.0 / 720.0,     1.0 / 120.0,
                                 1.0 / 24.0,        1.0 / 6.0,        0.5,             1.0,
                                 1.0};
    for (int i = 0; i < 13; ++i) p = p * r + inv_fact[i];
    int n = (int)nf;
    // Split the scaling so results near the subnormal range stay exact enough.
    int n1 = n / 2;
    return p * pow2i(n1) * pow2i(n - n1);
}

// Standard normal CDF Phi(x) = erfc(-x/sqrt2)/2, accurate to ~1e-12 relative over the f32 range.
__device__ inline double normal_cdf(double x) {
    double t = -x * 0.70710678118654752440;  // Phi(x) = erfc(t) / 2
    double at = t < 0 ? -t : t;
    double erfc_at;
    if (at < 3.0) {
        // erf by its Maclaurin series (|t| < 3: 60 terms reach 1e-17; cancellation costs ~3 digits).
        double t2 = at * at, term = at, sum = at;
        for (int n = 1; n < 60; ++n) {
            term *= -t2 / n;
            sum += term / (2 * n + 1);
        }
        erfc_at = 1.0 - sum * 1.12837916709551257390;  // 2/sqrt(pi)
    } else {
        // erfc by its continued fraction: erfc(z) = e^{-z^2}/sqrt(pi) / (z + 1/2/(z + 1/(z + 3/2/(z + ...)))).
        double f = at;
        for (int k = 60; k >= 1; --k) f = at + (k * 0.5) / f;
        erfc_at = exp_f64(-at * at) * 0.56418958354775628695 / f;  // 1/sqrt(pi)
    }
    double erfc_t = t < 0 ? 2.0 - erfc_at : erfc_at;
    return 0.5 * erfc_t;
}

__device__ inline double apply_activation(uint32_t act, double x) {
    switch (act) {
        case ACT_RELU: return x > 0 ? x : 0.0;
        case ACT_GELU_TANH: {
            // 0.5 x (1 + tanh(y)) = x / (1 + e^{-2y}): no cancellation for negative x.
            double y = 0.79788456080286535588 * (x + 0.044715 * x * x * x);
            return x / (1.0 + exp_f64(-2.0 * y));
        }
        case ACT_GELU_ERF: return x * normal_cdf(x);
        case ACT_SILU: return x / (1.0 + exp_f64(-x));
        default: return x;
    }
}

// ---- conversions to the output dtype ------------------------------------------------------------------------
// bf16 and FP8 go through numeric.hpp (one implementation for every kernel: RNE; FP8 saturating, in the arch's
// flavour through the hardware conversion instruction). f16 is the compiler's RNE cast.

__device__ inline uint16_t f32_to_f16_bits(float f) { return __builtin_bit_cast(uint16_t, (_Float16)f); }

// Encodes y (already activated) as D's dtype; FP8 outputs are multiplied by scale_d first. Returns the raw bits.
__device__ inline uint32_t encode_output(double y, uint32_t dt, float scale_d) {
    switch (dt) {
        case DT_F32: return __builtin_bit_cast(uint32_t, (float)y);
        case DT_BF16: return f32_to_bf16((float)y);
        case DT_F16: return f32_to_f16_bits((float)y);
        // The host passes only the arch's FP8 flavour for D (OCP on gfx950, FNUZ on gfx942: src/gemm/plan.rs), which
        // is the flavour numeric.hpp's conversions produce.
        case DT_F8E4M3:
        case DT_F8E4M3FNUZ: return cvt_fp8_sat<Fp8::e4m3>((float)(y * scale_d));
        case DT_F8E5M2:
        case DT_F8E5M2FNUZ: return cvt_fp8_sat<Fp8::e5m2>((float)(y * scale_d));
        default: {  // integer outputs: round to nearest even, saturate to the type's range
            double lo = dt == DT_I8 ? -128.0 : -2147483648.0, hi = dt == DT_I8 ? 127.0 : 2147483647.0;
            double r = __builtin_rint(y);
            r = r != r ? 0.0 : (r < lo ? lo : (r > hi ? hi : r));
            return (uint32_t)(int32_t)r;
        }
    }
}

// ---- decoding of C and bias elements --------------------------------------------------------------------------

template <int E, int M, bool FNUZ>
__device__ inline double f8_to_f64(uint32_t b) {
    constexpr int bias = FNUZ ? (1 << (E - 1)) : (1 << (E - 1)) - 1;
    b &= 0xff;
    if (FNUZ && b == 0x80) return __builtin_nan("");
    double s = (b & 0x80) ? -1.0 : 1.0;
    int e = (int)((b >> M) & ((1 << E) - 1));
    int m = (int)(b & ((1 << M) - 1));
    if (!FNUZ) {
        if (E == 4 && e == 15 && m == 7) return __builtin_nan("");
        if (E == 5 && e == 31) return m ? __builtin_nan("") : s * __builtin_inf();
    }
    if (e == 0) return s * m * pow2i(1 - bias - M);
    return s * ((1 << M) + m) * pow2i(e - bias - M);
}

__device__ inline double decode_elem(uint32_t bits, uint32_t dt) {
    switch (dt) {
        case DT_F32: return __builtin_bit_cast(float, bits);
        case DT_BF16: return __builtin_bit_cast(float, bits << 16);
        case DT_F16: return (double)__builtin_bit_cast(_Float16, (uint16_t)bits);
        case DT_F8E4M3: return f8_to_f64<4, 3, false>(bits);
        case DT_F8E5M2: return f8_to_f64<5, 2, false>(bits);
        case DT_F8E4M3FNUZ: return f8_to_f64<4, 3, true>(bits);
        case DT_F8E5M2FNUZ: return f8_to_f64<5, 2, true>(bits);
        case DT_I8: return (double)(int8_t)bits;
        default: return (double)(int32_t)bits;
    }
}

}  // namespace hf
