//! The CPU definition of FP8 quantization (the formulas in [`crate::quant`]), which the device kernels match bit for
//! bit: the same f32 operations in the same order, and the crate's saturating FP8 encoder.

use super::{Granularity, QuantInput, QuantOutput, QuantSpec, BLOCK_COLS};
use crate::error::{Error, Result};

/// `max |x|` over `xs` with NaN winning (the kernels compare |x| as bit patterns, where NaN sorts above +Inf).
pub fn amax(xs: impl IntoIterator<Item = f32>) -> f32 {
    let bits = xs.into_iter().map(|v| v.to_bits() & 0x7FFF_FFFF).max().unwrap_or(0);
    f32::from_bits(bits)
}

/// `(inv, scale)` for a group with this amax: `(MAX / amax, amax / MAX)`, or `(1, 1)` when amax is 0.
pub fn scales_from_amax(amax: f32, fp8_max: f32) -> (f32, f32) {
    if amax == 0.0 {
        (1.0, 1.0)
    } else {
        (fp8_max / amax, amax / fp8_max)
    }
}

/// Quantizes a host `[rows, cols]` input (strides from `spec`) into `(q, scales)`: `q` has `spec.output_len()`
/// elements (positions between rows keep `O::default()`, code 0), `scales` has `spec.scale_len()`.
///
/// Errors as [`QuantSpec::validate`], and [`Error::LengthMismatch`] when `x` is shorter than the shape needs.
pub fn quantize<I: QuantInput, O: QuantOutput>(x: &[I], spec: &QuantSpec) -> Result<(Vec<O>, Vec<f32>)> {
    spec.validate()?;
    let need = spec.input_len()?;
    if x.len() < need {
        return Err(Error::LengthMismatch {
            what: "x".into(),
            expected: need,
            got: x.len(),
        });
    }
    let mut q = vec![O::default(); spec.output_len()?];
    let mut scales = vec![0f32; spec.scale_len()];
    let row = |r: usize| &x[r * spec.ld_x..r * spec.ld_x + spec.cols];
    let tensor_amax = match spec.granularity {
        Granularity::Tensor => Some(amax((0..spec.rows).flat_map(|r| row(r).iter().map(|v| v.to_f32())))),
        _ => None,
    };
    let group_cols = match spec.granularity {
        Granularity::Block128 => BLOCK_COLS,
        _ => spec.cols,
    };
    for r in 0..spec.rows {
        let xs = row(r);
        for (g, chunk) in xs.chunks(group_cols).enumerate() {
            let a = tensor_amax.unwrap_or_else(|| amax(chunk.iter().map(|v| v.to_f32())));
            let (inv, scale) = scales_from_amax(a, O::MAX);
            match spec.granularity {
                Granularity::Tensor => scales[0] = scale,
                Granularity::Row => scales[r] = scale,
                Granularity::Block128 => scales[r * spec.scales_per_row() + g] = scale,
            }
            let base = r * spec.ld_q + g * group_cols;
            for (i, v) in chunk.iter().enumerate() {
                q[base + i] = O::from_f32_saturating(v.to_f32() * inv);
            }
        }
    }
    Ok((q, scales))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dtype::{F8E4M3Fnuz, F8E4M3};

    #[test]
    fn amax_lets_nan_win_and_ignores_sign() {
        assert_eq!(amax([1.0, -3.5, 2.0]), 3.5);
        assert!(amax([1.0, f32::NAN, f32::INFINITY]).is_nan());
        assert_eq!(amax([f32::NEG_INFINITY, 1.0]), f32::INFINITY);
        assert_eq!(amax(std::iter::empty()), 0.0);
    }

    #[test]
    fn row_scales_map_amax_to_the_format_max() {
        // Row 0: amax 896 -> scale 2, q = x / 2 exactly representable; row 1: all zero -> scale 1, q = 0.
        let x = [896.0f32, -448.0, 2.0, 0.0, 0.0, 0.0];
        let spec = QuantSpec::new(2, 3, Granularity::Row);
        let (q, s) = quantize::<f32, F8E4M3>(&x, &spec).unwrap();
        assert_eq!(s, vec![2.0, 1.0]);
        let vals: Vec<f32> = q.iter().map(|v| v.to_f32()).collect();
        assert_eq!(vals, vec![448.0, -224.0, 1.0, 0.0, 0.0, 0.0]);
        let (qf, sf) = quantize::<f32, F8E4M3Fnuz>(&x, &spec).unwrap();
        assert_eq!(sf[0], 896.0 / 240.0);
        assert_eq!(qf[0].to_f32(), 240.0);
    }
}
