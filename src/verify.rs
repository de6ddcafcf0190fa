//! Checking an output against the CPU reference with an error bound derived from the computation, not a
//! hand-picked tolerance (specs/numerics.md §6).
//!
//! The reference ([`crate::reference`]) computes each output element exactly in f64 from the already-quantized
//! inputs and reports, per element, the value and the magnitude behind it ([`Expected`]). The [`ErrorModel`] says
//! how the device computed it (accumulator precision, rounded intermediates, output type). For element `i` with
//! reference value `v`, magnitude `mag` and accumulation depth `n`, the allowed error is
//!
//! ```text
//! acc   = γ_n(u_acc)·mag + extra_relative·mag          γ_n(u) = n·u / (1 − n·u)
//! bound = acc + u_out·(|v'| + acc) + ½·smallest_subnormal(out)
//! ```
//!
//! where `v'` is `v` clamped to ±max when the output saturates (FP8 outputs) and `u_out` is the output type's unit
//! roundoff. The first term is the classic dot-product bound `|fl(aᵀb) − aᵀb| ≤ γ_n Σ|aᵢbᵢ|`; the second is one
//! rounding of the (already perturbed) result to the output type, the absolute floor covering results in the
//! subnormal range. Integer outputs get no relative term; an integer result with an exact accumulation must match
//! exactly (bound 0), otherwise rounding to the integer grid may add ½.
//!
//! Special values: a NaN where the reference is finite always fails, whatever the bound. So does ±Inf, except where
//! the output type has infinities and does not saturate and |reference| plus the accumulation error reaches the
//! round-to-nearest overflow threshold max + ½ulp(max) (e.g. 65520 for f16): there the correctly rounded result
//! is the infinity of the reference's sign. Where the reference is NaN the output must be NaN. Where it is ±Inf (and the output does not saturate) the output must be
//! the same infinity, or NaN for a type without infinities (e4m3, FNUZ).
//!
//! ```
//! use hipforge::verify::{verify, ErrorModel, Expected};
//! // Two dot products of length 3 computed in f32, exact values from f64.
//! let expected = Expected { values: vec![0.5, -2.0], magnitudes: vec![1.5, 4.0], depth: 3 };
//! let report = verify(&[0.5f32, -2.0000002], &expected, &ErrorModel::gemm(hipforge::DType::F32, false)).unwrap();
//! assert!(report.passed(), "{report}");
//! ```

use std::fmt;

use crate::{DType, Element, Error, Result};

/// What the reference knows about each output element.
///
/// All three vectors describe the output in the same (flat) order as the buffer being checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Expected {
    /// The exact result of each element before the output conversion (after the epilogue: alpha, beta·C, bias,
    /// activation, `scale_d`), in f64.
    pub values: Vec<f64>,
    /// Per element, Σ|terms| of the accumulation behind it, scaled like the value and multiplied by the epilogue's
    /// Lipschitz factor, so that an error of ε·Σ|terms| in the accumulation moves the value by at most
    /// ε·`magnitude`. It is at least |value before the activation|. Must be finite and ≥ 0 where the value is
    /// finite.
    pub magnitudes: Vec<f64>,
    /// The accumulation length: K for GEMM, seqlen_k for attention.
    pub depth: usize,
}

impl Expected {
    /// Values known exactly with no accumulation behind them (magnitudes |v|, depth 0): only the output
    /// conversion is allowed to err. Useful for checking conversions and copies.
    pub fn exact(values: Vec<f64>) -> Self {
        let magnitudes = values
            .iter()
            .map(|v| if v.is_finite() { v.abs() } else { 0.0 })
            .collect();
        Expected {
            values,
            magnitudes,
            depth: 0,
        }
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// True when there are no elements.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

/// How the device computed the output: the sources of rounding error the bound allows for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErrorModel {
    /// Unit roundoff of the accumulator: 2⁻²⁴ for f32 accumulation, 0 for exact i32 accumulation.
    pub accum_unit_roundoff: f64,
    /// Relative error per term from rounded intermediates and fixed-length f32 work around the accumulation
    /// (e.g. attention rounds P to bf16 before P·V: 2⁻⁸), as a multiple of the magnitude.
    pub extra_relative: f64,
    /// The output data type: its unit roundoff and smallest subnormal give the output-conversion part of the bound.
    pub output: DType,
    /// Whether the output conversion clamps to ±max (FP8 outputs do): the comparison is then against the clamped
    /// reference value.
    pub saturate: bool,
}

/// f32 roundings a GEMM epilogue may add per element, each relative to at most the magnitude: the scale products
/// (per-tensor, per-row/column, or per-block partial sums), alpha, beta·C, bias, and the activation's own error
/// (up to 4 ulps for tanh/erf forms).
const GEMM_EPILOGUE_ROUNDINGS: f64 = 8.0;

const F32_UNIT_ROUNDOFF: f64 = 1.0 / 16_777_216.0; // 2^-24

impl ErrorModel {
    /// The model for a GEMM whose result is written as `output`: f32 accumulation (or exact i32 accumulation when
    /// `int_accum`), the epilogue's f32 roundings (none for an integer GEMM with an integer output), saturation for
    /// FP8 outputs.
    pub fn gemm(output: DType, int_accum: bool) -> Self {
        let accum_unit_roundoff = if int_accum { 0.0 } else { F32_UNIT_ROUNDOFF };
        let extra_relative = if int_accum && output.is_integer() {
            0.0
        } else {
            GEMM_EPILOGUE_ROUNDINGS * F32_UNIT_ROUNDOFF
        };
        ErrorModel {
            accum_unit_roundoff,
            extra_relative,
            output,
            saturate: output.is_fp8(),
        }
    }

    /// The model for attention written as `output`, with probabilities rounded to `p` before P·V (bf16 or f16 for
    /// 16-bit inputs, the FP8 type for FP8 attention; f32 if P stays f32): f32 accumulation over the keys, and
    /// `p`'s unit roundoff per term.
    ///
    /// The error of the scores themselves (QKᵀ accumulated over the head dimension) reaches the output through
    /// `exp`: add it with [`with_score_error`](Self::with_score_error). hipforge's reference reports that bound as
    /// [`AttentionExpected::score_error`](crate::reference::AttentionExpected::score_error).
    pub fn attention(output: DType, p: DType) -> Self {
        ErrorModel {
            accum_unit_roundoff: F32_UNIT_ROUNDOFF,
            extra_relative: p.unit_roundoff(),
            output,
            saturate: output.is_fp8(),
        }
    }

    /// Adds the effect of scores (after `scale`, natural-log units) being off by at most `abs_error`: each
    /// probability exp(s − max)/Σ is then off by a relative e^(2·abs_error) − 1 (the term and the normaliser both
    /// move), which joins `extra_relative`.
    pub fn with_score_error(mut self, abs_error: f64) -> Self {
        self.extra_relative += (2.0 * abs_error).exp_m1();
        self
    }

    /// γ_n = n·u/(1 − n·u), the relative error bound of n roundings with unit roundoff u.
    fn gamma(&self, depth: usize) -> Result<f64> {
        let nu = depth as f64 * self.accum_unit_roundoff;
        if nu >= 1.0 {
            return Err(Error::invalid(
                "error model",
                "depth × accum_unit_roundoff < 1 (otherwise the γ bound is infinite)",
                format!("depth {depth} × {:e} = {nu}", self.accum_unit_roundoff),
            ));
        }
        Ok(nu / (1.0 - nu))
    }

    fn validate(&self) -> Result<()> {
        if !(0.0..1.0).contains(&self.accum_unit_roundoff) {
            return Err(Error::invalid(
                "accum_unit_roundoff",
                "a value in [0, 1)",
                self.accum_unit_roundoff,
            ));
        }
        if !(self.extra_relative >= 0.0 && self.extra_relative.is_finite()) {
            return Err(Error::invalid(
                "extra_relative",
                "a finite value >= 0",
                self.extra_relative,
            ));
        }
        Ok(())
    }

    /// The error allowed for one element with reference value `value` (already clamped if the output saturates),
    /// accumulation magnitude `magnitude`, and accumulation depth `depth`.
    pub fn bound(&self, value: f64, magnitude: f64, depth: usize) -> Result<f64> {
        self.validate()?;
        Ok(self.bound_with_gamma(value, magnitude, self.gamma(depth)?))
    }

    /// Whether a result with exact value `value` (accumulation magnitude `magnitude`) may round to ±inf in the
    /// output type: the output has infinities, does not saturate, and `|value|` plus the accumulation error reaches
    /// the round-to-nearest overflow threshold max + ½ulp(max).
    fn may_overflow(&self, value: f64, magnitude: f64, gamma: f64) -> bool {
        if self.saturate || self.output.is_integer() || !self.output.has_infinity() {
            return false;
        }
        let max = self.output.max_finite();
        let half_ulp_of_max = 2f64.powi(max.log2().floor() as i32) * self.output.unit_roundoff();
        let acc = (gamma + self.extra_relative) * magnitude;
        value.abs() + acc >= max + half_ulp_of_max
    }

    fn bound_with_gamma(&self, value: f64, magnitude: f64, gamma: f64) -> f64 {
        let acc = (gamma + self.extra_relative) * magnitude;
        if self.output.is_integer() {
            // Integers: exact when the value is an integer and nothing upstream rounded; else half a unit.
            return if acc == 0.0 && value.fract() == 0.0 {
                0.0
            } else {
                acc + 0.5
            };
        }
        let u = self.output.unit_roundoff();
        acc + u * (value.abs() + acc) + 0.5 * self.output.min_positive_subnormal()
    }
}

/// One output element as checked: where, what came out, what the reference says, the error and its bound.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ElementCheck {
    /// Flat index into the output.
    pub index: usize,
    /// The output's value.
    pub got: f64,
    /// The reference value compared against (clamped to ±max when the output saturates).
    pub expected: f64,
    /// |got − expected| (NaN or ∞ for special-value mismatches).
    pub error: f64,
    /// The allowed error (NaN where the reference is not finite).
    pub bound: f64,
}

impl ElementCheck {
    /// error / bound: ≤ 1 passes. 0 for an exact match, ∞ for any error against a zero bound or a special-value
    /// mismatch.
    pub fn ratio(&self) -> f64 {
        if self.error == 0.0 {
            0.0
        } else if self.error.is_finite() && self.bound > 0.0 {
            self.error / self.bound
        } else {
            f64::INFINITY
        }
    }
}

impl fmt::Display for ElementCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[{}] got {}, expected {} (|err| {:.3e}, bound {:.3e})",
            self.index, self.got, self.expected, self.error, self.bound
        )
    }
}

/// The outcome of [`verify`]: counts, the worst element, and the first failures.
///
/// `Display` prints one line (`PASS ...` or `FAIL ...`), plus one line per listed failure.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifyReport {
    /// Elements checked.
    pub count: usize,
    /// The output type of the error model.
    pub output: DType,
    /// The accumulation depth of the reference.
    pub depth: usize,
    /// Elements whose finite error exceeds the bound.
    pub failures: usize,
    /// Elements whose special values disagree: NaN/±Inf where the reference is finite, a number where it is NaN,
    /// or the wrong infinity.
    pub nonfinite_mismatches: usize,
    /// The element with the largest error/bound ratio among finite comparisons (the first one on ties).
    pub worst: Option<ElementCheck>,
    /// The first failing elements of either kind, in index order (at most [`VerifyReport::MAX_EXAMPLES`]).
    pub examples: Vec<ElementCheck>,
}

impl VerifyReport {
    /// How many failing elements [`examples`](Self::examples) keeps.
    pub const MAX_EXAMPLES: usize = 8;

    /// True when every element is within its bound and no special value disagrees.
    pub fn passed(&self) -> bool {
        self.failures == 0 && self.nonfinite_mismatches == 0
    }

    /// The largest error/bound ratio among finite comparisons (0 when all are exact or there are none).
    pub fn worst_ratio(&self) -> f64 {
        self.worst.map_or(0.0, |w| w.ratio())
    }
}

impl fmt::Display for VerifyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = format!("{} elements ({} output, depth {})", self.count, self.output, self.depth);
        if self.passed() {
            write!(f, "PASS {what}")?;
        } else {
            write!(
                f,
                "FAIL {what}: {} exceed the bound, {} NaN/Inf mismatches",
                self.failures, self.nonfinite_mismatches
            )?;
        }
        match &self.worst {
            Some(w) => write!(f, "; worst error/bound {} at {w}", Ratio(w.ratio()))?,
            None => write!(f, "; no finite comparisons")?,
        }
        if !self.passed() {
            let shown = self.examples.len();
            write!(f, "\n  first {shown} failing:")?;
            for e in &self.examples {
                write!(f, "\n    {e}")?;
            }
        }
        Ok(())
    }
}

/// Prints a ratio readably at any size: `0.734`, `3.20e-5`, `inf`.
struct Ratio(f64);

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0.0 || !self.0.is_finite() || (1e-2..1e4).contains(&self.0) {
            write!(f, "{:.3}", self.0)
        } else {
            write!(f, "{:.2e}", self.0)
        }
    }
}

/// Checks `got` (as the device wrote it) against the reference. `T` must be the model's output type.
///
/// Errors (never a panic): lengths that disagree, `T` not being `model.output`, an invalid model
/// (`depth × accum_unit_roundoff ≥ 1`, negative terms), or a magnitude that is negative or not finite where the
/// reference value is finite. A failed comparison is not an error: it is a report whose
/// [`passed`](VerifyReport::passed) is false.
pub fn verify<T: Element>(got: &[T], expected: &Expected, model: &ErrorModel) -> Result<VerifyReport> {
    if T::DTYPE != model.output {
        return Err(Error::invalid(
            "output element type",
            format!("the error model's output type {}", model.output),
            T::DTYPE,
        ));
    }
    check(got.len(), |i| got[i].to_f64(), expected, model)
}

/// Like [`verify`] for outputs already widened to f64 (for example from another library's types).
pub fn verify_f64(got: &[f64], expected: &Expected, model: &ErrorModel) -> Result<VerifyReport> {
    check(got.len(), |i| got[i], expected, model)
}

fn check(len: usize, got: impl Fn(usize) -> f64, expected: &Expected, model: &ErrorModel) -> Result<VerifyReport> {
    let n = expected.values.len();
    if expected.magnitudes.len() != n {
        return Err(Error::LengthMismatch {
            what: "expected.magnitudes (one per expected value)".into(),
            expected: n,
            got: expected.magnitudes.len(),
        });
    }
    if len != n {
        return Err(Error::LengthMismatch {
            what: "got (one per expected value)".into(),
            expected: n,
            got: len,
        });
    }
    model.validate()?;
    let gamma = model.gamma(expected.depth)?;
    let max = model.output.max_finite();

    let mut report = VerifyReport {
        count: n,
        output: model.output,
        depth: expected.depth,
        failures: 0,
        nonfinite_mismatches: 0,
        worst: None,
        examples: Vec::new(),
    };
    for i in 0..n {
        let (g, v, mag) = (got(i), expected.values[i], expected.magnitudes[i]);
        let v = if model.saturate && !v.is_nan() {
            v.clamp(-max, max)
        } else {
            v
        };
        let special_ok = if v.is_nan() {
            Some(g.is_nan())
        } else if v.is_infinite() {
            Some(if model.output.has_infinity() {
                g == v
            } else {
                g.is_nan()
            })
        } else if !g.is_finite() {
            // A finite reference can still round to ±inf: a non-saturating conversion overflows at or past
            // max + ½ulp(max), and the accumulation error may carry a value near the threshold over it.
            Some(g.is_infinite() && g.signum() == v.signum() && model.may_overflow(v, mag, gamma))
        } else {
            None
        };
        if let Some(ok) = special_ok {
            if !ok {
                report.nonfinite_mismatches += 1;
                let error = if g.is_nan() || v.is_nan() {
                    f64::NAN
                } else {
                    f64::INFINITY
                };
                report.note_failure(ElementCheck {
                    index: i,
                    got: g,
                    expected: v,
                    error,
                    bound: f64::NAN,
                });
            }
            continue;
        }
        if !(mag >= 0.0 && mag.is_finite()) {
            return Err(Error::invalid(
                format!("expected.magnitudes[{i}]"),
                "a finite magnitude >= 0 where the value is finite",
                mag,
            ));
        }
        let c = ElementCheck {
            index: i,
            got: g,
            expected: v,
            error: (g - v).abs(),
            bound: 0.0,
        };
        let c = ElementCheck {
            bound: model.bound_with_gamma(v, mag, gamma),
            ..c
        };
        if c.error > c.bound {
            report.failures += 1;
            report.note_failure(c);
        }
        if report.worst.map_or(true, |w| c.ratio() > w.ratio()) {
            report.worst = Some(c);
        }
    }
    Ok(report)
}

impl VerifyReport {
    fn note_failure(&mut self, c: ElementCheck) {
        if self.examples.len() < Self::MAX_EXAMPLES {
            self.examples.push(c);
        }
    }
}
