//! The GEMM reference: [`GemmSpec`]'s formula evaluated in f64 on the stored (already quantized) inputs.
//!
//! Per batch: A and B are dequantized once into f64 (scales folded in per element, so every scaling mode is the
//! same product afterwards), multiplied by the [`core`](super::core) for the values and again on |A|, |B| for the
//! magnitudes, then the epilogue runs per element.
//!
//! INT8 follows the hardware: the products are exact in f64 and so is their sum (|Σ| < 2⁵³ for any K below 2³⁹),
//! which is then reduced modulo 2³² to the i32 the MFMA accumulator holds; scales and the float epilogue act on
//! that wrapped integer.

use super::core::{matmul, par_rows, par_rows2, MatRef};
use super::math::activate;
use crate::dtype::{DType, Element};
use crate::error::{Error, Result};
use crate::gemm::spec::is_fp8;
use crate::gemm::{GemmSpec, Scaling, BLOCK_K, MX_K};
use crate::verify::Expected;

/// The host buffers of one GEMM, laid out as the [`GemmSpec`] says.
///
/// `C` and `S` default to `f32` so that a problem without C or scales need not name their types:
/// `GemmInputs::new(&a, &b)`. Buffers may be longer than the spec needs, never shorter.
#[derive(Debug, Clone, Copy)]
pub struct GemmInputs<'a, A, B, C = f32, S = f32> {
    /// The A buffer ([`GemmSpec::a_len`] elements).
    pub a: &'a [A],
    /// The B buffer ([`GemmSpec::b_len`] elements).
    pub b: &'a [B],
    /// The C buffer ([`GemmSpec::c_len`] elements; ignored when `beta == 0`).
    pub c: &'a [C],
    /// A's scales (`f32`, or [`crate::E8M0`] for MX; [`GemmSpec::scale_a_len`] elements).
    pub scale_a: &'a [S],
    /// B's scales ([`GemmSpec::scale_b_len`] elements).
    pub scale_b: &'a [S],
    /// The bias, one per column of D ([`GemmSpec::bias_len`] elements).
    pub bias: &'a [f32],
}

impl<'a, A: Element, B: Element> GemmInputs<'a, A, B> {
    /// A and B only: no C, no scales, no bias.
    pub fn new(a: &'a [A], b: &'a [B]) -> Self {
        GemmInputs {
            a,
            b,
            c: &[],
            scale_a: &[],
            scale_b: &[],
            bias: &[],
        }
    }
}

impl<'a, A: Element, B: Element, C: Element, S: Element> GemmInputs<'a, A, B, C, S> {
    /// Adds the C buffer.
    pub fn with_c<C2: Element>(self, c: &'a [C2]) -> GemmInputs<'a, A, B, C2, S> {
        GemmInputs {
            a: self.a,
            b: self.b,
            c,
            scale_a: self.scale_a,
            scale_b: self.scale_b,
            bias: self.bias,
        }
    }

    /// Adds the scale buffers.
    pub fn with_scales<S2: Element>(self, scale_a: &'a [S2], scale_b: &'a [S2]) -> GemmInputs<'a, A, B, C, S2> {
        GemmInputs {
            a: self.a,
            b: self.b,
            c: self.c,
            scale_a,
            scale_b,
            bias: self.bias,
        }
    }

    /// Adds the bias buffer.
    pub fn with_bias(self, bias: &'a [f32]) -> Self {
        GemmInputs { bias, ..self }
    }

    /// Checks the buffers against a validated spec: element types and lengths.
    fn check(&self, spec: &GemmSpec) -> Result<()> {
        check_dtype("A", A::DTYPE, spec.a.dtype)?;
        check_dtype("B", B::DTYPE, spec.b.dtype)?;
        check_len("a", self.a.len(), spec.a_len())?;
        check_len("b", self.b.len(), spec.b_len())?;
        if spec.beta != 0.0 {
            check_dtype("C", C::DTYPE, spec.c.dtype)?;
            check_len("c", self.c.len(), spec.c_len())?;
        }
        if let Some(t) = spec.scaling.scale_dtype() {
            check_dtype("scales", S::DTYPE, t)?;
            check_len("scale_a", self.scale_a.len(), spec.scale_a_len())?;
            check_len("scale_b", self.scale_b.len(), spec.scale_b_len())?;
        }
        check_len("bias", self.bias.len(), spec.bias_len())
    }
}

/// `LengthMismatch` when a buffer is shorter than the spec needs.
pub(crate) fn check_len(what: &str, got: usize, needed: usize) -> Result<()> {
    if got < needed {
        return Err(Error::LengthMismatch {
            what: what.into(),
            expected: needed,
            got,
        });
    }
    Ok(())
}

/// `InvalidArgument` when a buffer's element type is not the spec's.
pub(crate) fn check_dtype(what: &str, got: DType, spec: DType) -> Result<()> {
    if got != spec {
        return Err(Error::invalid(
            format!("element type of {what}"),
            format!("{spec} (as the spec says)"),
            got,
        ));
    }
    Ok(())
}

/// Where a scale for element `(row, p)` of A or `(p, col)` of B sits, for one batch.
struct ScaleIndex {
    scaling: Scaling,
    /// m for A, n for B.
    mn: usize,
    /// Scales per batch.
    per_batch: usize,
    is_b: bool,
}

impl ScaleIndex {
    /// Index of the scale for batch `b`, row/column `x` (i of A, j of B) and K position `p`.
    #[inline]
    fn index(&self, b: usize, x: usize, p: usize) -> usize {
        let base = b * self.per_batch;
        match self.scaling {
            Scaling::None | Scaling::PerTensor => 0,
            Scaling::RowCol => base + x,
            Scaling::Block if self.is_b => {
                let nb = self.mn.div_ceil(BLOCK_K);
                base + (p / BLOCK_K) * nb + x / BLOCK_K
            }
            Scaling::Block => base + (p / BLOCK_K) * self.mn + x,
            Scaling::Mx => base + x * self.per_batch / self.mn.max(1) + p / MX_K,
        }
    }
}

/// Computes the exact result of `spec` on these inputs: values in f64 (after the epilogue and, for FP8 outputs,
/// times `scale_d`: the number the output conversion rounds), magnitudes and depth for the verifier.
///
/// Values are in packed order — batch, then row, then column (`(b·m + i)·n + j`) — whatever D's layout; use
/// [`GemmSpec::gather_d`] to bring a D buffer into that order.
pub fn gemm<A: Element, B: Element, C: Element, S: Element>(
    spec: &GemmSpec,
    inputs: &GemmInputs<'_, A, B, C, S>,
) -> Result<Expected> {
    spec.validate()?;
    inputs.check(spec)?;
    let (m, n, k) = (spec.m, spec.n, spec.k);
    let out_len = spec.batch * m * n;
    let mut values = vec![0.0f64; out_len];
    let mut magnitudes = vec![0.0f64; out_len];
    if out_len == 0 {
        return Ok(Expected {
            values,
            magnitudes,
            depth: k,
        });
    }
    let int8 = spec.is_int8();
    // INT8 scales act on the wrapped i32 in the epilogue; float scales are folded into the operands.
    let fold_scales = !int8 && spec.scaling != Scaling::None;
    let sa = ScaleIndex {
        scaling: spec.scaling,
        mn: m,
        per_batch: spec.scale_a_len() / spec.batch.max(1),
        is_b: false,
    };
    let sb = ScaleIndex {
        scaling: spec.scaling,
        mn: n,
        per_batch: spec.scale_b_len() / spec.batch.max(1),
        is_b: true,
    };
    let scale = |buf: &[S], idx: &ScaleIndex, b: usize, x: usize, p: usize| buf[idx.index(b, x, p)].to_f64();

    let mut qa = vec![0.0f64; m * k];
    let mut qb = vec![0.0f64; k * n]; // row-major k×n
    for b in 0..spec.batch {
        par_rows(&mut qa, k, |i, row| {
            for (p, q) in row.iter_mut().enumerate() {
                let x = inputs.a[spec.a.offset(b, i, p)].to_f64();
                *q = if fold_scales {
                    x * scale(inputs.scale_a, &sa, b, i, p)
                } else {
                    x
                };
            }
        });
        par_rows(&mut qb, n, |p, row| {
            for (j, q) in row.iter_mut().enumerate() {
                let x = inputs.b[spec.b.offset(b, p, j)].to_f64();
                *q = if fold_scales {
                    x * scale(inputs.scale_b, &sb, b, j, p)
                } else {
                    x
                };
            }
        });
        // The products land in the output buffers; the epilogue then rewrites them in place.
        let out = b * m * n..(b + 1) * m * n;
        matmul(
            MatRef::row_major(&qa, m, k),
            MatRef::row_major(&qb, k, n),
            &mut values[out.clone()],
            true,
        );
        if !int8 {
            // INT8 needs no magnitudes from the core: its sum is exact (the magnitude is |wrapped sum|).
            magnitudes_into(&qa, &qb, m, k, n, &mut magnitudes[out.clone()]);
        }
        par_rows2(&mut values[out.clone()], &mut magnitudes[out], n, |i, vals, mags| {
            for j in 0..n {
                let c = if spec.beta != 0.0 {
                    inputs.c[spec.c.offset(b, i, j)].to_f64()
                } else {
                    0.0
                };
                let mut s = vals[j];
                let mut s_mag = mags[j];
                if int8 {
                    s = wrap_i32(s);
                    s_mag = s.abs();
                    if spec.scaling != Scaling::None {
                        let f = scale(inputs.scale_a, &sa, b, i, 0) * scale(inputs.scale_b, &sb, b, j, 0);
                        s *= f;
                        s_mag *= f.abs();
                    }
                }
                (vals[j], mags[j]) = epilogue(spec, s, s_mag, c, inputs.bias.get(j).copied());
            }
        });
    }
    Ok(Expected {
        values,
        magnitudes,
        depth: k,
    })
}

/// `mag = |qa|·|qb|`, an upper bound on every Σ|terms|.
///
/// Computed in f32 — twice the core's f64 speed, and a bound needs no more — then widened so it stays an upper
/// bound: the stored inputs are exact in f32 (f32 scale products round by ≤ 2⁻²⁴), and a sum of K non-negative
/// f32 terms is at least (1 − γ_K) times the exact one, so multiplying by 1 + (K + 4)·2⁻²³ covers both with room
/// to spare. That argument needs every product to be a normal f32 and no sum to overflow: inputs outside
/// [2⁻⁶⁰, 2⁶⁰] (extreme scales, NaN, Inf) or an overflowing sum send the work to the f64 core instead.
fn magnitudes_into(qa: &[f64], qb: &[f64], m: usize, k: usize, n: usize, mag: &mut [f64]) {
    let in_range = |x: &f64| *x == 0.0 || (2f64.powi(-60)..=2f64.powi(60)).contains(&x.abs());
    if !(qa.iter().all(in_range) && qb.iter().all(in_range)) {
        let abs64 = |src: &[f64]| src.iter().map(|x| x.abs()).collect::<Vec<_>>();
        matmul(
            MatRef::row_major(&abs64(qa), m, k),
            MatRef::row_major(&abs64(qb), k, n),
            mag,
            true,
        );
        return;
    }
    let abs32 = |src: &[f64], row_len: usize| {
        let mut dst = vec![0.0f32; src.len()];
        par_rows(&mut dst, row_len.max(1), |r, row| {
            for (x, y) in row.iter_mut().zip(&src[r * row_len..]) {
                *x = y.abs() as f32;
            }
        });
        dst
    };
    let (a32, b32) = (abs32(qa, k), abs32(qb, n));
    let mut m32 = vec![0.0f32; m * n];
    matmul(
        MatRef::row_major(&a32, m, k),
        MatRef::row_major(&b32, k, n),
        &mut m32,
        true,
    );
    let widen = 1.0 + (k as f64 + 4.0) * 2f64.powi(-23);
    if m32.iter().all(|x| x.is_finite()) {
        par_rows2(mag, &mut m32, n.max(1), |_, dst, src| {
            for (d, s) in dst.iter_mut().zip(src.iter()) {
                *d = *s as f64 * widen;
            }
        });
    } else {
        let abs64 = |src: &[f64]| src.iter().map(|x| x.abs()).collect::<Vec<_>>();
        matmul(
            MatRef::row_major(&abs64(qa), m, k),
            MatRef::row_major(&abs64(qb), k, n),
            mag,
            true,
        );
    }
}

/// The epilogue of one element: `(value, magnitude)` from the accumulated sum and its magnitude.
fn epilogue(spec: &GemmSpec, acc: f64, acc_mag: f64, c: f64, bias: Option<f32>) -> (f64, f64) {
    let act = spec.epilogue.activation;
    if spec.d.dtype == DType::I32 {
        // Integer-exact (validate() restricts this epilogue): wrapping add of C, then ReLU.
        let v = activate(act, wrap_i32(acc + spec.beta as f64 * c));
        return (v, v.abs());
    }
    let bias = if spec.epilogue.bias.is_some() {
        bias.unwrap_or(0.0) as f64
    } else {
        0.0
    };
    let alpha = spec.alpha as f64;
    let beta = spec.beta as f64;
    let mut v = activate(act, alpha * acc + beta * c + bias);
    let mut mag = act.lipschitz() * (alpha.abs() * acc_mag + (beta * c).abs() + bias.abs());
    if is_fp8(spec.d.dtype) {
        v *= spec.scale_d as f64;
        mag *= (spec.scale_d as f64).abs();
    }
    (v, mag)
}

/// Reduces an exact integer (held in f64) modulo 2³² into the i32 range, as a wrapping i32 accumulator does.
fn wrap_i32(x: f64) -> f64 {
    (x as i64) as i32 as f64
}

/// The reference result converted to D's element type, in packed order (see [`gemm()`]): RNE to f32/bf16/f16,
/// saturating RNE to FP8 (after `scale_d`), exact for i32.
pub fn gemm_output<D: Element, A: Element, B: Element, C: Element, S: Element>(
    spec: &GemmSpec,
    inputs: &GemmInputs<'_, A, B, C, S>,
) -> Result<Vec<D>> {
    check_dtype("D", D::DTYPE, spec.d.dtype)?;
    let expected = gemm(spec, inputs)?;
    Ok(convert_output(&expected.values, spec.d.dtype))
}

/// Rounds reference values to the output type (saturating for FP8, as the kernels' output conversion does).
pub(crate) fn convert_output<D: Element>(values: &[f64], dtype: DType) -> Vec<D> {
    if is_fp8(dtype) {
        values.iter().map(|&v| D::from_f64_saturating(v)).collect()
    } else {
        values.iter().map(|&v| D::from_f64(v)).collect()
    }
}
