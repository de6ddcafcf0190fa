//! The attention reference: [`AttentionSpec`]'s formula evaluated in f64 per (sequence, head), on the same
//! [`core`](super::core) as the GEMM: `S = Q·Kᵀ`, masked softmax row by row, `O = P·V`.
//!
//! # Magnitudes and the score error
//!
//! The verifier's bound is `(γ_depth(u) + extra)·magnitude` with `depth = seqlen_k`. For each output element the
//! magnitude is `Σ_j P_ij·|V_jx| · (1 + 4/depth)`: what the P·V accumulation and any rounding of P act on, plus a
//! few ulps per term for the exponentials. The LSE's magnitude is 1 (its error from summing the exponentials is
//! `γ_depth` in absolute terms). Fully masked rows have value 0 / LSE −∞ and magnitude 0.
//!
//! What the magnitudes do not contain is the error a kernel makes in the scores themselves: an f32 score is off by
//! up to `γ_(d+2)(u)·scale·Σ_x|q_x||k_x|` (dot product, scaling, change to the exp2 domain; a softcap only shrinks
//! it). [`AttentionExpected::score_error`] gives that bound over the whole problem; add it to the model with
//! [`ErrorModel::with_score_error`](crate::verify::ErrorModel::with_score_error), for the output and the LSE.
//! (Folding it into the magnitudes instead would multiply it by the P-rounding term too, and loosen the bound
//! by an order of magnitude.)

use super::core::{matmul, threads, MatRef};
use super::gemm::{check_dtype, check_len, convert_output};
use crate::attention::AttentionSpec;
use crate::dtype::Element;
use crate::error::Result;
use crate::verify::Expected;

/// What the reference knows about an attention forward: the output, and the LSE when the spec asks for it.
#[derive(Debug, Clone)]
pub struct AttentionExpected {
    /// O in packed order: token (sequence after sequence), head, dim — see [`AttentionSpec::gather_o`].
    pub out: Expected,
    /// The LSE (natural log) in the LSE buffer's layout ([`AttentionSpec::lse_index`]), if `return_lse`.
    pub lse: Option<Expected>,
    /// The largest `scale·Σ_x|q_x||k_x|` over all visible (query, key) pairs (descales included).
    pub max_score_magnitude: f64,
    /// The head dimension (the length of each score's dot product).
    pub head_dim: usize,
}

impl AttentionExpected {
    /// A bound on the absolute error of a kernel's scores when the dot products accumulate with unit roundoff
    /// `accum_unit_roundoff` (2⁻²⁴ for f32): `γ_(d+2)·max_score_magnitude`. Pass it to
    /// [`ErrorModel::with_score_error`](crate::verify::ErrorModel::with_score_error).
    pub fn score_error(&self, accum_unit_roundoff: f64) -> f64 {
        let nu = (self.head_dim as f64 + 2.0) * accum_unit_roundoff;
        if nu >= 1.0 {
            return f64::INFINITY;
        }
        nu / (1.0 - nu) * self.max_score_magnitude
    }
}

/// One (sequence, head) worth of results.
struct HeadResult {
    b: usize,
    h: usize,
    /// sq×d outputs and magnitudes.
    out: Vec<f64>,
    out_mag: Vec<f64>,
    /// sq LSEs and magnitudes.
    lse: Vec<f64>,
    lse_mag: Vec<f64>,
    /// The largest scale·Σ|q||k| over visible pairs.
    max_score: f64,
}

/// Computes the exact attention forward of `spec` on these inputs (Q, K, V laid out as the spec's strides say).
pub fn attention<T: Element>(spec: &AttentionSpec, q: &[T], k: &[T], v: &[T]) -> Result<AttentionExpected> {
    spec.validate()?;
    for (name, buf, needed) in [("q", q, spec.q_len()), ("k", k, spec.k_len()), ("v", v, spec.v_len())] {
        check_dtype(name, T::DTYPE, spec.dtype)?;
        check_len(name, buf.len(), needed)?;
    }
    let d = spec.head_dim;
    let depth = spec.seqlen_k.max(1);
    let tasks: Vec<(usize, usize)> = (0..spec.batch)
        .flat_map(|b| (0..spec.heads_q).map(move |h| (b, h)))
        .collect();

    // Big heads: one at a time, the core threads inside. Small heads: heads spread over threads instead.
    let per_head = spec.seqlen_q as f64 * spec.seqlen_k as f64 * d as f64;
    let results: Vec<HeadResult> = if per_head >= (1u64 << 21) as f64 || threads() == 1 || tasks.len() == 1 {
        tasks
            .iter()
            .map(|&(b, h)| head(spec, q, k, v, b, h, depth, true))
            .collect()
    } else {
        let chunk = tasks.len().div_ceil(threads());
        std::thread::scope(|scope| {
            let handles: Vec<_> = tasks
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || {
                        part.iter()
                            .map(|&(b, h)| head(spec, q, k, v, b, h, depth, false))
                            .collect::<Vec<HeadResult>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|t| t.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect::<Vec<_>>()
        })
    };

    let n_out = spec.total_q() * spec.heads_q * d;
    let mut out = Expected {
        values: vec![0.0; n_out],
        magnitudes: vec![0.0; n_out],
        depth,
    };
    let mut lse = spec.return_lse.then(|| Expected {
        values: vec![f64::NEG_INFINITY; spec.lse_len()],
        magnitudes: vec![0.0; spec.lse_len()],
        depth,
    });
    let mut max_score_magnitude = 0.0f64;
    for r in results {
        max_score_magnitude = max_score_magnitude.max(r.max_score);
        let (sq, _, q0, _) = spec.sequence(r.b);
        let token0 = if spec.varlen.is_some() { q0 } else { r.b * spec.seqlen_q };
        for i in 0..sq {
            let dst = ((token0 + i) * spec.heads_q + r.h) * d;
            out.values[dst..dst + d].copy_from_slice(&r.out[i * d..(i + 1) * d]);
            out.magnitudes[dst..dst + d].copy_from_slice(&r.out_mag[i * d..(i + 1) * d]);
            if let Some(l) = lse.as_mut() {
                let idx = spec.lse_index(r.b, r.h, i);
                l.values[idx] = r.lse[i];
                l.magnitudes[idx] = r.lse_mag[i];
            }
        }
    }
    Ok(AttentionExpected {
        out,
        lse,
        max_score_magnitude,
        head_dim: d,
    })
}

#[allow(clippy::too_many_arguments)]
/// Gathers one head of a `[batch, seq, head, dim]` tensor into a packed row-major `len×d` f64 matrix.
fn gather<T: Element>(
    spec: &AttentionSpec,
    buf: &[T],
    strides: &crate::attention::Strides,
    b: usize,
    t0: usize,
    len: usize,
    h: usize,
    descale: f32,
) -> Vec<f64> {
    let d = spec.head_dim;
    let bb = if spec.varlen.is_some() { 0 } else { b };
    let s = descale as f64;
    let mut m = Vec::with_capacity(len * d);
    for t in 0..len {
        let base = strides.offset(bb, t0 + t, h, 0);
        m.extend(buf[base..base + d].iter().map(|x| x.to_f64() * s));
    }
    m
}

/// The reference for sequence `b`, query head `h`.
#[allow(clippy::too_many_arguments)]
fn head<T: Element>(
    spec: &AttentionSpec,
    q: &[T],
    k: &[T],
    v: &[T],
    b: usize,
    h: usize,
    depth: usize,
    parallel: bool,
) -> HeadResult {
    let (sq, sk, q0, k0) = spec.sequence(b);
    let d = spec.head_dim;
    let kvh = spec.kv_head(h);
    let mut qm = gather(spec, q, &spec.q_strides, b, q0, sq, h, spec.descale_q);
    let mut km = gather(spec, k, &spec.k_strides, b, k0, sk, kvh, spec.descale_k);
    let vm = gather(spec, v, &spec.v_strides, b, k0, sk, kvh, spec.descale_v);

    let mut s = vec![0.0; sq * sk];
    let mut s_abs = vec![0.0; sq * sk];
    matmul(
        MatRef::row_major(&qm, sq, d),
        MatRef::row_major(&km, sk, d).t(),
        &mut s,
        parallel,
    );
    qm.iter_mut().for_each(|x| *x = x.abs());
    km.iter_mut().for_each(|x| *x = x.abs());
    matmul(
        MatRef::row_major(&qm, sq, d),
        MatRef::row_major(&km, sk, d).t(),
        &mut s_abs,
        parallel,
    );

    // Softmax row by row; `s` becomes P. Masked entries are exactly 0.
    let scale = spec.softmax_scale as f64;
    let mut lse = vec![f64::NEG_INFINITY; sq];
    let mut max_score = vec![0.0f64; sq];
    for i in 0..sq {
        let row = &mut s[i * sk..(i + 1) * sk];
        let mut row_max = f64::NEG_INFINITY;
        let mut any = false;
        for j in 0..sk {
            if spec.visible(i, j, sq, sk) {
                let mut x = scale * row[j];
                if let Some(c) = spec.softcap {
                    let c = c as f64;
                    x = c * (x / c).tanh();
                }
                row[j] = x;
                row_max = row_max.max(x);
                max_score[i] = max_score[i].max(scale * s_abs[i * sk + j]);
                any = true;
            } else {
                row[j] = f64::NEG_INFINITY;
            }
        }
        if !any {
            row.fill(0.0);
            continue;
        }
        let mut sum = 0.0;
        for x in row.iter_mut() {
            *x = (*x - row_max).exp();
            sum += *x;
        }
        row.iter_mut().for_each(|x| *x /= sum);
        lse[i] = row_max + sum.ln();
    }

    let mut out = vec![0.0; sq * d];
    let mut out_mag = vec![0.0; sq * d];
    matmul(
        MatRef::row_major(&s, sq, sk),
        MatRef::row_major(&vm, sk, d),
        &mut out,
        parallel,
    );
    let v_abs: Vec<f64> = vm.iter().map(|x| x.abs()).collect();
    matmul(
        MatRef::row_major(&s, sq, sk),
        MatRef::row_major(&v_abs, sk, d),
        &mut out_mag,
        parallel,
    );

    let widen = 1.0 + 4.0 / depth as f64;
    let mut lse_mag = vec![0.0; sq];
    for i in 0..sq {
        if lse[i] == f64::NEG_INFINITY {
            continue;
        }
        out_mag[i * d..(i + 1) * d].iter_mut().for_each(|m| *m *= widen);
        lse_mag[i] = 1.0;
    }
    HeadResult {
        b,
        h,
        out,
        out_mag,
        lse,
        lse_mag,
        max_score: max_score.iter().fold(0.0, |a: f64, &b| a.max(b)),
    }
}

/// The reference output converted to the output type (RNE) in packed order, and the LSE as f32 when asked for.
pub fn attention_output<O: Element, T: Element>(
    spec: &AttentionSpec,
    q: &[T],
    k: &[T],
    v: &[T],
) -> Result<(Vec<O>, Option<Vec<f32>>)> {
    check_dtype("O", O::DTYPE, spec.out_dtype)?;
    let e = attention(spec, q, k, v)?;
    let out = convert_output(&e.out.values, spec.out_dtype);
    let lse = e.lse.map(|l| l.values.iter().map(|&x| x as f32).collect());
    Ok((out, lse))
}
