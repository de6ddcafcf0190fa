//! The verifier: planted errors on both sides of the bound, special values, integer exactness, typed errors, and a
//! real case (f32 dot products against f64). Bounds are recomputed here from the formula in numerics.md §6.

use hipforge::verify::{verify, verify_f64, ErrorModel, Expected, VerifyReport};
use hipforge::{bf16, f16, DType, Error, F8E4M3, F8E5M2};

const U32: f64 = 1.0 / 16_777_216.0; // 2^-24

/// The bound as the spec writes it: γ_n(u)·mag + extra·mag, then one output rounding plus half a subnormal.
fn spec_bound(u_acc: f64, extra: f64, n: usize, mag: f64, v: f64, u_out: f64, subnormal: f64) -> f64 {
    let gamma = n as f64 * u_acc / (1.0 - n as f64 * u_acc);
    let acc = gamma * mag + extra * mag;
    acc + u_out * (v.abs() + acc) + subnormal / 2.0
}

fn f32_model() -> ErrorModel {
    ErrorModel {
        accum_unit_roundoff: U32,
        extra_relative: 0.0,
        output: DType::F32,
        saturate: false,
    }
}

#[test]
fn planted_errors_just_inside_pass_just_outside_fail() {
    let values = vec![1.0, -3.5, 1000.0, 1e-3, 0.0, -3.0e-44];
    let magnitudes = vec![2.0, 10.0, 1000.0, 5.0, 64.0, 1e-44];
    let depth = 100;
    let expected = Expected {
        values: values.clone(),
        magnitudes: magnitudes.clone(),
        depth,
    };
    let model = ErrorModel {
        extra_relative: 1e-6,
        ..f32_model()
    };
    let bounds: Vec<f64> = values
        .iter()
        .zip(&magnitudes)
        .map(|(&v, &m)| spec_bound(U32, 1e-6, depth, m, v, U32, 2f64.powi(-149)))
        .collect();
    for (i, &b) in bounds.iter().enumerate() {
        let got = model.bound(values[i], magnitudes[i], depth).unwrap();
        assert!((got - b).abs() <= 1e-12 * b, "bound {i}: {got} vs {b}");
    }
    for sign in [1.0, -1.0] {
        let inside: Vec<f64> = values.iter().zip(&bounds).map(|(v, b)| v + sign * 0.99 * b).collect();
        let r = verify_f64(&inside, &expected, &model).unwrap();
        assert!(r.passed(), "{r}");
        assert!(r.worst_ratio() > 0.98 && r.worst_ratio() <= 0.99 + 1e-9, "{r}");
        for k in 0..values.len() {
            let mut outside = inside.clone();
            outside[k] = values[k] + sign * 1.01 * bounds[k];
            let r = verify_f64(&outside, &expected, &model).unwrap();
            assert!(!r.passed(), "element {k} planted outside its bound passed: {r}");
            assert_eq!(r.failures, 1);
            assert_eq!(r.worst.unwrap().index, k, "{r}");
            assert!(r.worst_ratio() > 1.0 && r.worst_ratio() < 1.02, "{r}");
            assert_eq!(r.examples.len(), 1);
        }
    }
}

#[test]
fn output_rounding_is_allowed_once_and_no_more() {
    // An exact value between bf16 neighbours: 1 + 2^-9 lies between 1 and 1 + 2^-7 (spacing 2^-7).
    let v = 1.0 + 2f64.powi(-9);
    let expected = Expected::exact(vec![v]);
    let model = ErrorModel {
        accum_unit_roundoff: 0.0,
        extra_relative: 0.0,
        output: DType::BF16,
        saturate: false,
    };
    // The nearest bf16 (1.0) errs by 2^-9, under u·|v| = 2^-8·v.
    let r = verify(&[bf16::from_f32(1.0)], &expected, &model).unwrap();
    assert!(r.passed(), "{r}");
    // The other neighbour errs by 3·2^-9: more than one rounding allows.
    let r = verify(&[bf16::from_f64(1.0 + 2f64.powi(-7))], &expected, &model).unwrap();
    assert!(!r.passed(), "{r}");
}

#[test]
fn fp8_outputs_compare_against_the_clamped_value() {
    let model = ErrorModel::gemm(DType::F8E4M3, false);
    assert!(model.saturate);
    let expected = Expected {
        values: vec![1000.0, -1e9, f64::INFINITY],
        magnitudes: vec![1000.0, 1e9, 0.0],
        depth: 4,
    };
    let r = verify(&[F8E4M3::MAX, F8E4M3::MIN, F8E4M3::MAX], &expected, &model).unwrap();
    assert!(r.passed(), "{r}");
    assert_eq!(r.worst_ratio(), 0.0);
    // A NaN where the (clamped) reference is finite fails.
    let r = verify(&[F8E4M3::NAN, F8E4M3::MIN, F8E4M3::MAX], &expected, &model).unwrap();
    assert!(!r.passed());
    assert_eq!(r.nonfinite_mismatches, 1);
    // One code below max is 416: off by 32 > u·448 + tiny (28 + accumulation ~1e-4·1000).
    let r = verify(&[F8E4M3::from_f32(416.0), F8E4M3::MIN, F8E4M3::MAX], &expected, &model).unwrap();
    assert_eq!(r.failures, 1, "{r}");
}

#[test]
fn infinite_references_without_saturation() {
    let exp = Expected {
        values: vec![f64::INFINITY, f64::NEG_INFINITY],
        magnitudes: vec![0.0, 0.0],
        depth: 1,
    };
    // e5m2 has infinities: the same infinity passes, NaN or the other sign fails.
    let m5 = ErrorModel {
        saturate: false,
        ..ErrorModel::gemm(DType::F8E5M2, false)
    };
    assert!(verify(&[F8E5M2::INFINITY, F8E5M2::NEG_INFINITY], &exp, &m5)
        .unwrap()
        .passed());
    let r = verify(&[F8E5M2::NAN, F8E5M2::INFINITY], &exp, &m5).unwrap();
    assert_eq!(r.nonfinite_mismatches, 2, "{r}");
    // e4m3 has none: NaN is the right answer, a finite max is not.
    let m4 = ErrorModel {
        saturate: false,
        ..ErrorModel::gemm(DType::F8E4M3, false)
    };
    assert!(verify(&[F8E4M3::NAN, F8E4M3::NAN], &exp, &m4).unwrap().passed());
    assert!(!verify(&[F8E4M3::MAX, F8E4M3::NAN], &exp, &m4).unwrap().passed());
}

#[test]
fn finite_references_past_the_overflow_threshold_may_round_to_inf() {
    // f16: max 65504, ulp there 32, so round-to-nearest overflows from 65520 on. i8 sums written as f16 reach it.
    let model = ErrorModel::gemm(DType::F16, false);
    let expected = Expected {
        values: vec![75933.0, -70000.0, 65519.0, 65521.0, 60000.0],
        magnitudes: vec![75933.0, 70000.0, 65519.0, 65521.0, 60000.0],
        depth: 1,
    };
    let h = |v: f32| f16::from_f32(v);
    let ok = [f16::INFINITY, f16::NEG_INFINITY, h(65504.0), f16::INFINITY, h(60000.0)];
    let r = verify(&ok, &expected, &model).unwrap();
    assert!(r.passed(), "{r}");
    // 65521 also passes as 65504: 17 away, within the output's rounding bound (u·|v| = 32).
    let r = verify(
        &[f16::INFINITY, f16::NEG_INFINITY, h(65504.0), h(65504.0), h(60000.0)],
        &expected,
        &model,
    )
    .unwrap();
    assert!(r.passed(), "{r}");
    // Wrong sign, an Inf below the threshold (65519 + its tiny accumulation error < 65520), an Inf far below it.
    for (i, bad) in [(0, f16::NEG_INFINITY), (2, f16::INFINITY), (4, f16::INFINITY)] {
        let mut got = ok;
        got[i] = bad;
        let r = verify(&got, &expected, &model).unwrap();
        assert_eq!(r.nonfinite_mismatches, 1, "element {i} = {bad}: {r}");
    }
    // A finite result where the reference is far past the threshold is an error, not a rounding.
    let mut got = ok;
    got[0] = h(65504.0);
    assert_eq!(verify(&got, &expected, &model).unwrap().failures, 1);
    // Saturating outputs never overflow: FP8 e5m2 in saturating mode compares against the clamped value.
    let m5 = ErrorModel::gemm(DType::F8E5M2, false);
    let e5 = Expected {
        values: vec![1e6],
        magnitudes: vec![1e6],
        depth: 1,
    };
    assert_eq!(verify(&[F8E5M2::INFINITY], &e5, &m5).unwrap().nonfinite_mismatches, 1);
}

#[test]
fn nan_and_inf_against_finite_references_always_fail() {
    let expected = Expected {
        values: vec![1.0, 2.0, f64::NAN],
        magnitudes: vec![1.0, 1.0, f64::NAN],
        depth: 8,
    };
    // A large bound does not rescue a NaN, nor an Inf while value + accumulation error stays below f32's overflow.
    let model = ErrorModel {
        extra_relative: 1e30,
        ..f32_model()
    };
    let r = verify_f64(&[f64::NAN, f64::INFINITY, f64::NAN], &expected, &model).unwrap();
    assert!(!r.passed());
    assert_eq!(r.nonfinite_mismatches, 2);
    assert_eq!(r.failures, 0);
    assert!(r.worst.is_none());
    assert_eq!(r.examples.iter().map(|e| e.index).collect::<Vec<_>>(), [0, 1]);
    // NaN where the reference is NaN is fine; a number where it is NaN is not.
    let r = verify_f64(&[1.0, 2.0, f64::NAN], &expected, &model).unwrap();
    assert!(r.passed(), "{r}");
    let r = verify_f64(&[1.0, 2.0, 0.0], &expected, &model).unwrap();
    assert_eq!(r.nonfinite_mismatches, 1);
}

#[test]
fn integers_are_exact() {
    let model = ErrorModel::gemm(DType::I32, true);
    assert_eq!(
        (model.accum_unit_roundoff, model.extra_relative, model.saturate),
        (0.0, 0.0, false)
    );
    let expected = Expected {
        values: vec![7.0, -131072.0, 0.0],
        magnitudes: vec![100.0, 2e5, 9.0],
        depth: 4096,
    };
    let r = verify(&[7i32, -131072, 0], &expected, &model).unwrap();
    assert!(r.passed(), "{r}");
    assert_eq!(r.worst_ratio(), 0.0);
    assert_eq!(r.worst.unwrap().bound, 0.0);
    let r = verify(&[7i32, -131071, 0], &expected, &model).unwrap();
    assert!(!r.passed(), "{r}");
    assert_eq!(r.worst.unwrap().index, 1);
    assert!(r.worst_ratio().is_infinite());
    // Through f64, a fractional result is not an integer output's exact value either.
    assert!(!verify_f64(&[7.25, -131072.0, 0.0], &expected, &model).unwrap().passed());
}

#[test]
fn model_constructors() {
    let g = ErrorModel::gemm(DType::BF16, false);
    assert_eq!(g.accum_unit_roundoff, U32);
    assert_eq!(g.extra_relative, 8.0 * U32);
    assert!(!g.saturate);
    let a = ErrorModel::attention(DType::BF16, DType::BF16);
    assert_eq!((a.accum_unit_roundoff, a.extra_relative), (U32, 2f64.powi(-8)));
    let s = a.with_score_error(1e-3);
    assert!((s.extra_relative - (2f64.powi(-8) + 2.002001334e-3)).abs() < 1e-12);
    assert!(ErrorModel::attention(DType::F8E4M3, DType::F8E4M3).saturate);
}

#[test]
fn bad_input_is_a_typed_error() {
    let e = Expected {
        values: vec![1.0, 2.0],
        magnitudes: vec![1.0, 2.0],
        depth: 3,
    };
    assert!(matches!(
        verify_f64(&[1.0], &e, &f32_model()),
        Err(Error::LengthMismatch {
            expected: 2,
            got: 1,
            ..
        })
    ));
    let short = Expected {
        magnitudes: vec![1.0],
        ..e.clone()
    };
    assert!(matches!(
        verify_f64(&[1.0, 2.0], &short, &f32_model()),
        Err(Error::LengthMismatch { .. })
    ));
    // The element type must be the model's output type.
    let err = verify(&[bf16::ONE, bf16::ONE], &e, &f32_model()).unwrap_err();
    assert!(
        err.to_string().contains("f32") && err.to_string().contains("bf16"),
        "{err}"
    );
    // depth·u >= 1 makes γ meaningless.
    let deep = Expected {
        depth: 1 << 24,
        ..e.clone()
    };
    assert!(matches!(
        verify_f64(&[1.0, 2.0], &deep, &f32_model()),
        Err(Error::InvalidArgument { .. })
    ));
    let neg = Expected {
        magnitudes: vec![1.0, -2.0],
        ..e.clone()
    };
    let err = verify_f64(&[1.0, 2.0], &neg, &f32_model()).unwrap_err();
    assert!(err.to_string().contains("magnitudes[1]"), "{err}");
    let bad = ErrorModel {
        extra_relative: f64::NAN,
        ..f32_model()
    };
    assert!(verify_f64(&[1.0, 2.0], &e, &bad).is_err());
    // Empty is fine and passes.
    let empty = Expected {
        values: vec![],
        magnitudes: vec![],
        depth: 0,
    };
    assert!(verify_f64(&[], &empty, &f32_model()).unwrap().passed());
}

/// A small deterministic generator (xorshift), so the test needs no dependency.
fn rng(seed: &mut u64) -> f32 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    ((*seed >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
}

#[test]
fn f32_dot_products_pass_against_f64() {
    let (k, outputs) = (4096, 64);
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let (mut got, mut got_bf16_accum) = (Vec::new(), Vec::new());
    let (mut values, mut magnitudes) = (Vec::new(), Vec::new());
    for j in 0..outputs {
        // Every 4th row is shifted so its dot product nearly cancels: small value, large magnitude.
        let a: Vec<f32> = (0..k)
            .map(|_| rng(&mut seed) + if j % 4 == 0 { 1.0 } else { 0.0 })
            .collect();
        let b: Vec<f32> = (0..k).map(|_| rng(&mut seed)).collect();
        let naive = a.iter().zip(&b).fold(0.0f32, |s, (x, y)| s + x * y);
        // The same sum with a bf16 accumulator: the kind of bug the verifier must catch.
        let coarse = a
            .iter()
            .zip(&b)
            .fold(0.0f32, |s, (x, y)| bf16::from_f32(s + x * y).to_f32());
        let exact: f64 = a.iter().zip(&b).map(|(&x, &y)| x as f64 * y as f64).sum();
        let mag: f64 = a.iter().zip(&b).map(|(&x, &y)| (x as f64 * y as f64).abs()).sum();
        got.push(naive);
        got_bf16_accum.push(coarse);
        values.push(exact);
        magnitudes.push(mag);
    }
    let expected = Expected {
        values,
        magnitudes,
        depth: k,
    };
    let r = verify(&got, &expected, &f32_model()).unwrap();
    assert!(r.passed(), "{r}");
    // The comparison saw real rounding error, and the worst-case bound is not so loose that it sees nothing.
    assert!(r.worst_ratio() > 1e-5, "{r}");
    println!("{r}");
    // Coarser arithmetic fails the f32 model.
    let r = verify(&got_bf16_accum, &expected, &f32_model()).unwrap();
    assert!(!r.passed(), "{r}");
    let text = r.to_string();
    println!("{text}");
    assert!(text.starts_with("FAIL 64 elements (f32 output, depth 4096)"), "{text}");
    assert!(text.lines().count() > 2, "failure details listed: {text}");
}

#[test]
fn report_prints_one_clear_line() {
    let e = Expected {
        values: vec![1.0, 2.0],
        magnitudes: vec![1.0, 2.0],
        depth: 2,
    };
    let r: VerifyReport = verify(&[1.0f32, 2.0], &e, &f32_model()).unwrap();
    let text = r.to_string();
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.starts_with("PASS 2 elements (f32 output, depth 2)"), "{text}");
    let r = verify(&[1.0f32, 3.0], &e, &f32_model()).unwrap();
    let text = r.to_string();
    assert!(text.starts_with("FAIL 2 elements"), "{text}");
    assert!(text.contains("[1] got 3, expected 2"), "{text}");
}
