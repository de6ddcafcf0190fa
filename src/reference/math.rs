//! Scalar math the reference needs in f64: `erf` (the standard library has none) and the activations.

use crate::gemm::Activation;

/// The error function, accurate to a few ulps of f64.
///
/// Uses the everywhere-convergent series `erf(x) = 2/√π · e^(−x²) · Σ_n 2ⁿ x^(2n+1) / (1·3·…·(2n+1))`, whose
/// terms are all positive (no cancellation). Beyond |x| = 6, `1 − erf(x) < 2·10⁻¹⁷`, below half an ulp of 1.
pub(crate) fn erf(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    let ax = x.abs();
    if ax >= 6.0 {
        return x.signum();
    }
    let x2 = ax * ax;
    let mut term = ax;
    let mut sum = ax;
    let mut n = 0.0f64;
    while term > sum * 1e-17 {
        n += 1.0;
        term *= 2.0 * x2 / (2.0 * n + 1.0);
        sum += term;
    }
    let r = std::f64::consts::FRAC_2_SQRT_PI * (-x2).exp() * sum;
    r.min(1.0).copysign(x)
}

/// Applies `act` to `x`.
pub(crate) fn activate(act: Activation, x: f64) -> f64 {
    match act {
        Activation::None => x,
        // NaN passes through (a NaN input must not become 0).
        Activation::Relu => {
            if x > 0.0 || x.is_nan() {
                x
            } else {
                0.0
            }
        }
        Activation::GeluTanh => {
            let c = (2.0 / std::f64::consts::PI).sqrt();
            0.5 * x * (1.0 + (c * (x + 0.044715 * x * x * x)).tanh())
        }
        Activation::GeluErf => 0.5 * x * (1.0 + erf(x / std::f64::consts::SQRT_2)),
        Activation::Silu => {
            if x < -700.0 {
                // e^(−x) overflows; x/(1+e^(−x)) is then −0 to f64 precision.
                -0.0
            } else {
                x / (1.0 + (-x).exp())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erf_matches_tabulated_values() {
        // Values from Abramowitz & Stegun table 7.1 / any CAS, to 16 digits.
        let table = [
            (0.0, 0.0),
            (0.1, 0.1124629160182849),
            (0.5, 0.5204998778130465),
            (1.0, 0.8427007929497149),
            (2.0, 0.9953222650189527),
            (3.0, 0.9999779095030014),
            (4.5, 0.9999999998033839),
        ];
        for (x, want) in table {
            let got = erf(x);
            assert!(
                (got - want).abs() <= 4.0 * f64::EPSILON * want.max(1e-300),
                "erf({x}) = {got}, want {want}"
            );
            assert_eq!(erf(-x), -got, "erf is odd");
        }
        assert_eq!(erf(7.0), 1.0);
        assert!(erf(f64::NAN).is_nan());
    }

    #[test]
    fn activations_at_known_points() {
        assert_eq!(activate(Activation::Relu, -2.0), 0.0);
        assert_eq!(activate(Activation::Relu, 3.5), 3.5);
        assert!(
            activate(Activation::Relu, f64::NAN).is_nan(),
            "ReLU must not hide a NaN"
        );
        // GELU(1) = 0.5·(1 + erf(1/√2)) = 0.8413447460685429 (Φ(1)).
        assert!((activate(Activation::GeluErf, 1.0) - 0.8413447460685429).abs() < 1e-15);
        // tanh form at 1: 0.5·(1 + tanh(√(2/π)·1.044715)) = 0.8411919906082768.
        assert!((activate(Activation::GeluTanh, 1.0) - 0.8411919906082768).abs() < 1e-15);
        // SiLU(1) = 1/(1 + e^−1) = 0.7310585786300049.
        assert!((activate(Activation::Silu, 1.0) - 0.7310585786300049).abs() < 1e-15);
        assert_eq!(activate(Activation::Silu, -1000.0), 0.0);
    }

    #[test]
    fn lipschitz_bounds_hold_on_a_fine_grid() {
        for act in [Activation::GeluTanh, Activation::GeluErf, Activation::Silu] {
            let h = 1e-4;
            let mut x = -10.0;
            while x < 10.0 {
                let slope = (activate(act, x + h) - activate(act, x)) / h;
                assert!(slope.abs() <= act.lipschitz(), "{act:?} slope {slope} at {x}");
                x += 0.01;
            }
        }
    }
}
