//! The GEMM reference checked without trusting it: hand-worked cases, identities, INT8 wrapping worked out in
//! i64, and a slow naive loop written here from the spec's formula, on random ragged shapes.

use hipforge::gemm::{Activation, GemmSpec, Layout, Operand, Scaling};
use hipforge::reference::{self, GemmInputs};
use hipforge::{bf16, f16, DType, Element, Error, F8E4M3Fnuz, F8E5M2Fnuz, E8M0, F8E4M3, F8E5M2};

mod common;
use common::XorShift64;

fn bf16s(rng: &mut XorShift64, n: usize) -> Vec<bf16> {
    (0..n).map(|_| bf16::from_f32(rng.unit() * 4.0)).collect()
}

/// Random finite FP8 codes (NaN codes skipped), built from bits so no encoder is trusted.
fn fp8_codes<T: Element>(rng: &mut XorShift64, n: usize, from_bits: fn(u8) -> T) -> Vec<T> {
    let mut v = Vec::with_capacity(n);
    while v.len() < n {
        let x = from_bits(rng.next_u64() as u8);
        if x.to_f64().is_finite() {
            v.push(x);
        }
    }
    v
}

fn to64<T: Element>(v: &[T]) -> Vec<f64> {
    v.iter().map(|x| x.to_f64()).collect()
}

fn close(got: f64, want: f64, rel: f64) -> bool {
    (got - want).abs() <= rel * want.abs().max(1e-300) || got == want
}

#[test]
fn two_by_two_worked_by_hand() {
    // A = [1 2 3; 4 5 6] (row-major), B = [1 0; 0 1; 1 1] (k×n) → A·B = [4 5; 10 11].
    // alpha 2, beta 0.5, C = [2 4; 6 8], bias [1, -100] → 2·AB + C/2 + bias = [10 -88; 24 -70]; ReLU → [10 0; 24 0].
    let spec = GemmSpec::new(2, 2, 3, DType::BF16, DType::BF16, DType::F32)
        .layouts(Layout::RowMajor, Layout::RowMajor)
        .alpha_beta(2.0, 0.5)
        .bias()
        .activation(Activation::Relu);
    let a: Vec<bf16> = [1., 2., 3., 4., 5., 6.].map(bf16::from_f32).to_vec();
    let b: Vec<bf16> = [1., 0., 0., 1., 1., 1.].map(bf16::from_f32).to_vec();
    let c = [2.0f32, 4., 6., 8.];
    let bias = [1.0f32, -100.0];
    let e = reference::gemm(&spec, &GemmInputs::new(&a, &b).with_c(&c).with_bias(&bias)).unwrap();
    assert_eq!(e.values, vec![10.0, 0.0, 24.0, 0.0]);
    assert_eq!(e.depth, 3);
    // Magnitudes: 2·Σ|a||b| + |C/2| + |bias| = [2·4+1+1, 2·5+2+100, 2·10+3+1, 2·11+4+100].
    // (The reference may widen magnitudes slightly to keep them upper bounds: allow 1e-5 above, nothing below.)
    for (got, want) in e.magnitudes.iter().zip([10.0, 112.0, 24.0, 126.0]) {
        assert!(
            *got >= want && *got <= want * (1.0 + 1e-5),
            "magnitude {got}, want {want}"
        );
    }
}

#[test]
fn activations_through_a_one_by_one_gemm() {
    // D = act(x) with x = a·b; expected values from the closed forms (math crate-free constants).
    let cases = [
        (Activation::GeluErf, 1.0f32, 0.8413447460685429),
        (Activation::GeluTanh, 1.0, 0.8411919906082768),
        (Activation::Silu, 1.0, 0.7310585786300049),
        (Activation::Relu, -3.0, 0.0),
        (Activation::GeluErf, -2.0, -0.04550026389635842),
    ];
    for (act, x, want) in cases {
        let spec = GemmSpec::new(1, 1, 1, DType::F16, DType::F16, DType::F32).activation(act);
        let e = reference::gemm(&spec, &GemmInputs::new(&[f16::from_f32(x)], &[f16::ONE])).unwrap();
        assert!(
            close(e.values[0], want, 1e-14),
            "{act:?}({x}) = {}, want {want}",
            e.values[0]
        );
        assert!(e.magnitudes[0] >= e.values[0].abs());
    }
}

#[test]
fn identity_matrix_returns_a() {
    let (m, k) = (7, 9);
    let mut rng = XorShift64(11);
    let a = bf16s(&mut rng, m * k);
    let mut eye = vec![bf16::ZERO; k * k];
    for i in 0..k {
        eye[i * k + i] = bf16::ONE;
    }
    let spec = GemmSpec::new(m, k, k, DType::BF16, DType::BF16, DType::F32);
    let e = reference::gemm(&spec, &GemmInputs::new(&a, &eye)).unwrap();
    let want: Vec<f64> = a.iter().map(|x| x.to_f64()).collect();
    assert_eq!(e.values, want);
}

/// A buffer of `len` NaNs: every element the spec maps to is overwritten, so a wrong index shows as NaN.
fn padded_bf16(len: usize) -> Vec<bf16> {
    vec![bf16::NAN; len]
}

#[test]
fn every_layout_and_padding_gives_the_same_product() {
    let (m, n, k, batch) = (13, 6, 21, 3);
    let mut rng = XorShift64(5);
    // Logical matrices, then stored four ways with padded leading dims and batch strides.
    let la: Vec<f32> = (0..batch * m * k).map(|_| rng.unit()).collect();
    let lb: Vec<f32> = (0..batch * k * n).map(|_| rng.unit()).collect();
    let mut results = Vec::new();
    for (al, bl) in [
        (Layout::RowMajor, Layout::ColMajor),
        (Layout::RowMajor, Layout::RowMajor),
        (Layout::ColMajor, Layout::ColMajor),
        (Layout::ColMajor, Layout::RowMajor),
    ] {
        let mut spec = GemmSpec::new(m, n, k, DType::BF16, DType::BF16, DType::F32).batched(batch);
        let lda = if al == Layout::RowMajor { k + 3 } else { m + 2 };
        let ldb = if bl == Layout::RowMajor { n + 1 } else { k + 5 };
        spec.a = Operand {
            dtype: DType::BF16,
            layout: al,
            ld: lda,
            batch_stride: lda * k.max(m) + 7,
        };
        spec.b = Operand {
            dtype: DType::BF16,
            layout: bl,
            ld: ldb,
            batch_stride: ldb * k.max(n) + 1,
        };
        let mut a = padded_bf16(spec.a_len());
        let mut b = padded_bf16(spec.b_len());
        for bi in 0..batch {
            for i in 0..m {
                for p in 0..k {
                    a[spec.a.offset(bi, i, p)] = bf16::from_f32(la[(bi * m + i) * k + p]);
                }
            }
            for p in 0..k {
                for j in 0..n {
                    b[spec.b.offset(bi, p, j)] = bf16::from_f32(lb[(bi * k + p) * n + j]);
                }
            }
        }
        results.push(reference::gemm(&spec, &GemmInputs::new(&a, &b)).unwrap().values);
    }
    for r in &results[1..] {
        assert_eq!(r, &results[0]);
    }
}

#[test]
fn block_scaling_equals_explicit_dequantization() {
    // Power-of-two block scales: e4m3 × 2^e is exact in bf16, so a bf16 GEMM on the dequantized values must give
    // bit-identical f64 results.
    let (m, n, k) = (5, 130, 300); // ragged: 3 K blocks (last partial), 2 N blocks (last partial)
    let mut rng = XorShift64(21);
    let spec = GemmSpec::new(m, n, k, DType::F8E4M3, DType::F8E4M3, DType::F32).scaling(Scaling::Block);
    let a = fp8_codes(&mut rng, spec.a_len(), F8E4M3::from_bits);
    let b = fp8_codes(&mut rng, spec.b_len(), F8E4M3::from_bits);
    let pow2 = |rng: &mut XorShift64| 2f32.powi(rng.below(9) as i32 - 4);
    let sa: Vec<f32> = (0..spec.scale_a_len()).map(|_| pow2(&mut rng)).collect();
    let sb: Vec<f32> = (0..spec.scale_b_len()).map(|_| pow2(&mut rng)).collect();
    assert_eq!((sa.len(), sb.len()), (3 * m, 3 * 2));
    let fp8 = reference::gemm(&spec, &GemmInputs::new(&a, &b).with_scales(&sa, &sb)).unwrap();

    let plain = GemmSpec::new(m, n, k, DType::BF16, DType::BF16, DType::F32);
    // A row-major m×k; its scale for (i, p) is sa[(p/128)·m + i]. B column-major k×n: (p, j) at j·k + p.
    let da: Vec<bf16> = (0..m * k)
        .map(|idx| {
            let (i, p) = (idx / k, idx % k);
            bf16::from_f64(a[idx].to_f64() * sa[(p / 128) * m + i] as f64)
        })
        .collect();
    let db: Vec<bf16> = (0..k * n)
        .map(|idx| {
            let (j, p) = (idx / k, idx % k);
            bf16::from_f64(b[idx].to_f64() * sb[(p / 128) * 2 + j / 128] as f64)
        })
        .collect();
    let dq = reference::gemm(&plain, &GemmInputs::new(&da, &db)).unwrap();
    assert_eq!(fp8.values, dq.values);
}

#[test]
fn mx_scaling_equals_explicit_dequantization() {
    let (m, n, k) = (3, 4, 70); // 3 MX blocks along K, the last partial
    let mut rng = XorShift64(8);
    let spec = GemmSpec::new(m, n, k, DType::F8E5M2, DType::F8E4M3, DType::F32).scaling(Scaling::Mx);
    let a = fp8_codes(&mut rng, spec.a_len(), F8E5M2::from_bits);
    let b = fp8_codes(&mut rng, spec.b_len(), F8E4M3::from_bits);
    let e8 = |rng: &mut XorShift64| E8M0::from_bits(127 - 3 + rng.below(7) as u8);
    let sa: Vec<E8M0> = (0..spec.scale_a_len()).map(|_| e8(&mut rng)).collect();
    let sb: Vec<E8M0> = (0..spec.scale_b_len()).map(|_| e8(&mut rng)).collect();
    assert_eq!((sa.len(), sb.len()), (m * 3, n * 3));
    let mx = reference::gemm(&spec, &GemmInputs::new(&a, &b).with_scales(&sa, &sb)).unwrap();
    // Naive: Σ_p a·2^(ea−127) · b·2^(eb−127), indices written out from the documented layout.
    for i in 0..m {
        for j in 0..n {
            let mut s = 0.0f64;
            for p in 0..k {
                let fa = 2f64.powi(sa[i * 3 + p / 32].to_bits() as i32 - 127);
                let fb = 2f64.powi(sb[j * 3 + p / 32].to_bits() as i32 - 127);
                s += a[i * k + p].to_f64() * fa * b[j * k + p].to_f64() * fb;
            }
            assert!(
                close(mx.values[i * n + j], s, 1e-13),
                "({i},{j}): {} vs {s}",
                mx.values[i * n + j]
            );
        }
    }
}

#[test]
fn int8_accumulates_exactly_and_wraps_like_i32() {
    // 131077 products of (−128)·(−128) = 16384: the true sum 2 147 565 568 exceeds i32::MAX and wraps.
    let k = 131_077;
    let a = vec![-128i8; k];
    let b = vec![-128i8; k];
    let spec = GemmSpec::new(1, 1, k, DType::I8, DType::I8, DType::I32);
    let e = reference::gemm(&spec, &GemmInputs::new(&a, &b)).unwrap();
    let mut acc = 0i32;
    for _ in 0..k {
        acc = acc.wrapping_add(16384);
    }
    assert_eq!(e.values[0], acc as f64);
    assert!(acc < 0);

    // With beta = 1 and an i32 C the addition wraps too.
    let spec = spec.alpha_beta(1.0, 1.0);
    let c = [i32::MAX];
    let e = reference::gemm(&spec, &GemmInputs::new(&a, &b).with_c(&c)).unwrap();
    assert_eq!(e.values[0], acc.wrapping_add(i32::MAX) as f64);

    // Row/column scales act on the wrapped integer, with an f32 output.
    let spec = GemmSpec::new(1, 1, k, DType::I8, DType::I8, DType::F32).scaling(Scaling::RowCol);
    let e = reference::gemm(&spec, &GemmInputs::new(&a, &b).with_scales(&[0.5f32], &[0.25f32])).unwrap();
    assert_eq!(e.values[0], acc as f64 * 0.125);
}

#[test]
fn int8_small_case_by_hand() {
    // [1 −2; 3 4] · [5; −6] = [17; −9]
    let spec = GemmSpec::new(2, 1, 2, DType::I8, DType::I8, DType::I32);
    let e = reference::gemm(&spec, &GemmInputs::new(&[1i8, -2, 3, 4], &[5i8, -6])).unwrap();
    assert_eq!(e.values, vec![17.0, -9.0]);
}

#[test]
fn fp8_output_includes_scale_d() {
    let spec = GemmSpec::new(1, 1, 1, DType::F8E4M3Fnuz, DType::F8E5M2Fnuz, DType::F8E4M3Fnuz).scale_d(0.5);
    let a = [F8E4M3Fnuz::from_bits(0x48)]; // FNUZ e4m3: exponent 9−8 = 1, mantissa 0 → 2
    let b = [F8E5M2Fnuz::from_bits(0x44)]; // FNUZ e5m2: exponent 17−16 = 1, mantissa 0 → 2
    let e = reference::gemm(&spec, &GemmInputs::new(&a, &b)).unwrap();
    assert_eq!(e.values, vec![2.0]); // 0.5 · (2·2)
}

// ---- the naive loop: the spec's formula, written out independently -------------------------------------------

struct Problem {
    spec: GemmSpec,
    a: Vec<f64>,
    b: Vec<f64>,
    c: Vec<f64>,
    sa: Vec<f64>,
    sb: Vec<f64>,
    bias: Vec<f64>,
}

fn act(a: Activation, x: f64) -> f64 {
    match a {
        Activation::None => x,
        Activation::Relu => x.max(0.0),
        Activation::Silu => x / (1.0 + (-x).exp()),
        Activation::GeluTanh => {
            0.5 * x * (1.0 + ((2.0 / std::f64::consts::PI).sqrt() * (x + 0.044715 * x.powi(3))).tanh())
        }
        // erf by Simpson integration of 2/√π·e^(−t²) (abs. error ~1e-13): slow but independent of the crate.
        Activation::GeluErf => {
            let z = (x / std::f64::consts::SQRT_2).clamp(-6.0, 6.0);
            let steps = 4000;
            let h = z / steps as f64;
            let f = |t: f64| (-t * t).exp();
            let inner: f64 = (1..steps)
                .map(|s| f(s as f64 * h) * if s % 2 == 1 { 4.0 } else { 2.0 })
                .sum();
            let erf = (f(0.0) + inner + f(z)) * h / 3.0 * std::f64::consts::FRAC_2_SQRT_PI;
            0.5 * x * (1.0 + erf)
        }
    }
}

/// `(value, magnitude)` per element, in packed order.
fn naive(p: &Problem) -> Vec<(f64, f64)> {
    let s = &p.spec;
    let (m, n, k) = (s.m, s.n, s.k);
    let kb = k.div_ceil(128);
    let nb = n.div_ceil(128);
    let kx = k.div_ceil(32);
    let mut out = Vec::new();
    for bt in 0..s.batch {
        for i in 0..m {
            for j in 0..n {
                let (mut acc, mut acc_mag) = (0.0, 0.0);
                for q in 0..k {
                    let (fa, fb) = match s.scaling {
                        Scaling::None => (1.0, 1.0),
                        Scaling::PerTensor => (p.sa[0], p.sb[0]),
                        Scaling::RowCol => (p.sa[bt * m + i], p.sb[bt * n + j]),
                        Scaling::Block => (
                            p.sa[bt * kb * m + (q / 128) * m + i],
                            p.sb[bt * kb * nb + (q / 128) * nb + j / 128],
                        ),
                        Scaling::Mx => (p.sa[bt * m * kx + i * kx + q / 32], p.sb[bt * n * kx + j * kx + q / 32]),
                    };
                    let term = fa * p.a[s.a.offset(bt, i, q)] * fb * p.b[s.b.offset(bt, q, j)];
                    acc += term;
                    acc_mag += term.abs();
                }
                let c = if s.beta != 0.0 { p.c[s.c.offset(bt, i, j)] } else { 0.0 };
                let bias = if s.epilogue.bias.is_some() { p.bias[j] } else { 0.0 };
                let mut v = act(s.epilogue.activation, s.alpha as f64 * acc + s.beta as f64 * c + bias);
                let lipschitz = if matches!(s.epilogue.activation, Activation::None | Activation::Relu) {
                    1.0
                } else {
                    1.13
                };
                let mut mag = lipschitz * ((s.alpha as f64).abs() * acc_mag + (s.beta as f64 * c).abs() + bias.abs());
                if matches!(
                    s.d.dtype,
                    DType::F8E4M3 | DType::F8E5M2 | DType::F8E4M3Fnuz | DType::F8E5M2Fnuz
                ) {
                    v *= s.scale_d as f64;
                    mag *= (s.scale_d as f64).abs();
                }
                out.push((v, mag));
            }
        }
    }
    out
}

#[test]
fn fast_path_matches_naive_loop_on_random_ragged_problems() {
    let mut rng = XorShift64(0x5eed);
    let layouts = [Layout::RowMajor, Layout::ColMajor];
    let acts = [
        Activation::None,
        Activation::Relu,
        Activation::GeluTanh,
        Activation::GeluErf,
        Activation::Silu,
    ];
    for case in 0..40 {
        let (m, n, k) = (1 + rng.below(40), 1 + rng.below(140), 1 + rng.below(300));
        let batch = 1 + rng.below(3);
        let family = case % 4; // 0 bf16, 1 f16, 2 FP8 OCP, 3 FP8 FNUZ
        let (ad, bd) = match family {
            0 => (DType::BF16, DType::BF16),
            1 => (DType::F16, DType::F16),
            2 => (DType::F8E4M3, DType::F8E5M2),
            _ => (DType::F8E5M2Fnuz, DType::F8E4M3Fnuz),
        };
        let scaling = match (family, case % 5) {
            (_, 0) => Scaling::None,
            (_, 1) => Scaling::PerTensor,
            (_, 2) => Scaling::RowCol,
            (2, _) if case % 2 == 0 => Scaling::Mx,
            (2 | 3, _) => Scaling::Block,
            _ => Scaling::RowCol,
        };
        let out = if family >= 2 && case % 3 == 0 {
            DType::F8E4M3
        } else {
            DType::F32
        };
        let out = if family == 3 && out == DType::F8E4M3 {
            DType::F8E4M3Fnuz
        } else {
            out
        };
        let mut spec = GemmSpec::new(m, n, k, ad, bd, out)
            .layouts(layouts[rng.below(2)], layouts[rng.below(2)])
            .batched(batch)
            .alpha_beta(0.75, if case % 2 == 0 { -1.5 } else { 0.0 })
            .scaling(scaling)
            .activation(acts[rng.below(5)]);
        spec.c.dtype = DType::F32;
        if case % 3 == 1 {
            spec = spec.bias();
        }
        if matches!(out, DType::F8E4M3 | DType::F8E4M3Fnuz) {
            spec = spec.scale_d(0.25);
        }
        spec.validate().unwrap_or_else(|e| panic!("case {case}: {e}"));

        let pick_f = |rng: &mut XorShift64, n: usize| -> Vec<f32> { (0..n).map(|_| rng.unit() * 2.0).collect() };
        let c = pick_f(&mut rng, spec.c_len());
        let bias = pick_f(&mut rng, spec.bias_len());
        let (sa32, sb32): (Vec<f32>, Vec<f32>) = (
            (0..spec.scale_a_len()).map(|_| 0.1 + rng.unit().abs()).collect(),
            (0..spec.scale_b_len()).map(|_| 0.1 + rng.unit().abs()).collect(),
        );
        let sa8: Vec<E8M0> = (0..spec.scale_a_len())
            .map(|_| E8M0::from_bits(120 + rng.below(14) as u8))
            .collect();
        let sb8: Vec<E8M0> = (0..spec.scale_b_len())
            .map(|_| E8M0::from_bits(120 + rng.below(14) as u8))
            .collect();

        macro_rules! run {
            ($a:expr, $b:expr) => {{
                let (a, b) = ($a, $b);
                let (got, sa, sb) = if scaling == Scaling::Mx {
                    let inputs = GemmInputs::new(&a, &b)
                        .with_c(&c)
                        .with_bias(&bias)
                        .with_scales(&sa8, &sb8);
                    (reference::gemm(&spec, &inputs).unwrap(), to64(&sa8), to64(&sb8))
                } else {
                    let inputs = GemmInputs::new(&a, &b)
                        .with_c(&c)
                        .with_bias(&bias)
                        .with_scales(&sa32, &sb32);
                    (reference::gemm(&spec, &inputs).unwrap(), to64(&sa32), to64(&sb32))
                };
                let p = Problem {
                    spec,
                    a: to64(&a),
                    b: to64(&b),
                    c: to64(&c),
                    sa,
                    sb,
                    bias: to64(&bias),
                };
                (got, naive(&p))
            }};
        }
        let (got, want) = match family {
            0 => run!(bf16s(&mut rng, spec.a_len()), bf16s(&mut rng, spec.b_len())),
            1 => run!(
                bf16s(&mut rng, spec.a_len())
                    .iter()
                    .map(|x| f16::from_f32(x.to_f32()))
                    .collect::<Vec<_>>(),
                bf16s(&mut rng, spec.b_len())
                    .iter()
                    .map(|x| f16::from_f32(x.to_f32()))
                    .collect::<Vec<_>>()
            ),
            2 => run!(
                fp8_codes(&mut rng, spec.a_len(), F8E4M3::from_bits),
                fp8_codes(&mut rng, spec.b_len(), F8E5M2::from_bits)
            ),
            _ => run!(
                fp8_codes(&mut rng, spec.a_len(), F8E5M2Fnuz::from_bits),
                fp8_codes(&mut rng, spec.b_len(), F8E4M3Fnuz::from_bits)
            ),
        };
        assert_eq!(got.values.len(), want.len());
        for (idx, (g, &(w, w_mag))) in got.values.iter().zip(&want).enumerate() {
            // Both are f64 sums of the same exact products in different orders: tiny relative differences only,
            // measured against the magnitude (cancellation can make the value itself small).
            assert!(
                (g - w).abs() <= 1e-11 * w_mag,
                "case {case} ({spec:?}) element {idx}: {g} vs naive {w}"
            );
            // Magnitudes: never below Σ|terms| times the activation bound (SiLU's 1.1 is below the 1.13 used
            // here), at most 1e-3 above; and never below |value|.
            let gm = got.magnitudes[idx];
            let lo = if spec.epilogue.activation == Activation::Silu {
                w_mag * 1.1 / 1.13
            } else {
                w_mag
            };
            assert!(
                gm >= lo * (1.0 - 1e-12) && gm <= w_mag * (1.0 + 1e-3),
                "case {case} magnitude {gm} vs {w_mag}"
            );
            assert!(gm >= g.abs() * (1.0 - 1e-12), "magnitude below |value| at {idx}");
        }
    }
}

// ---- bad specs and buffers: typed errors ------------------------------------------------------------------------

fn invalid_field(r: Result<(), Error>) -> String {
    match r {
        Err(Error::InvalidArgument { what, .. }) => what,
        other => panic!("expected InvalidArgument, got {other:?}"),
    }
}

#[test]
fn k_zero_is_rejected() {
    let s = GemmSpec::new(4, 4, 0, DType::BF16, DType::BF16, DType::F32);
    assert_eq!(invalid_field(s.validate()), "k");
}

#[test]
fn leading_dimension_too_small_is_rejected() {
    let mut s = GemmSpec::new(4, 5, 6, DType::BF16, DType::BF16, DType::F32);
    s.a.ld = 5;
    assert_eq!(invalid_field(s.validate()), "lda");
    let mut s = GemmSpec::new(4, 5, 6, DType::BF16, DType::BF16, DType::F32);
    s.d.ld = 4;
    assert_eq!(invalid_field(s.validate()), "ldd");
}

#[test]
fn size_overflow_is_rejected() {
    let s = GemmSpec::new(1 << 40, 1 << 40, 1 << 30, DType::BF16, DType::BF16, DType::F32);
    assert!(
        matches!(s.validate(), Err(Error::Overflow { .. })),
        "{:?}",
        s.validate()
    );
}

#[test]
fn mismatched_input_families_are_rejected() {
    for (a, b) in [
        (DType::BF16, DType::F16),
        (DType::F8E4M3, DType::F8E4M3Fnuz),
        (DType::F8E4M3, DType::BF16),
        (DType::I8, DType::F8E4M3),
    ] {
        let s = GemmSpec::new(2, 2, 2, a, b, DType::F32);
        assert_eq!(invalid_field(s.validate()), "input dtypes", "{a} x {b}");
    }
    let s = GemmSpec::new(2, 2, 2, DType::F32, DType::F32, DType::F32);
    assert!(matches!(s.validate(), Err(Error::UnsupportedDType { .. })));
}

#[test]
fn impossible_outputs_are_rejected() {
    for (input, out) in [
        (DType::BF16, DType::I32),
        (DType::I8, DType::F8E4M3),
        (DType::BF16, DType::I8),
    ] {
        let s = GemmSpec::new(2, 2, 2, input, input, out);
        assert!(
            matches!(s.validate(), Err(Error::UnsupportedDType { .. })),
            "{input} -> {out}"
        );
    }
}

#[test]
fn scale_d_on_a_non_fp8_output_is_rejected() {
    let s = GemmSpec::new(2, 2, 2, DType::BF16, DType::BF16, DType::BF16).scale_d(2.0);
    assert_eq!(invalid_field(s.validate()), "scale_d");
}

#[test]
fn block_and_mx_scaling_need_the_right_inputs() {
    let s = GemmSpec::new(2, 2, 2, DType::BF16, DType::BF16, DType::F32).scaling(Scaling::Block);
    assert_eq!(invalid_field(s.validate()), "scaling");
    let s = GemmSpec::new(2, 2, 2, DType::F8E4M3Fnuz, DType::F8E4M3Fnuz, DType::F32).scaling(Scaling::Mx);
    assert_eq!(invalid_field(s.validate()), "scaling");
    let s = GemmSpec::new(2, 2, 2, DType::I8, DType::I8, DType::F32).scaling(Scaling::Block);
    assert_eq!(invalid_field(s.validate()), "scaling");
}

#[test]
fn i32_epilogue_must_be_integer_exact() {
    let s = GemmSpec::new(2, 2, 2, DType::I8, DType::I8, DType::I32).alpha_beta(2.0, 0.0);
    assert_eq!(invalid_field(s.validate()), "i32 epilogue");
    let s = GemmSpec::new(2, 2, 2, DType::I8, DType::I8, DType::I32).activation(Activation::Silu);
    assert_eq!(invalid_field(s.validate()), "i32 epilogue");
}

#[test]
fn non_finite_alpha_is_rejected() {
    let s = GemmSpec::new(2, 2, 2, DType::BF16, DType::BF16, DType::F32).alpha_beta(f32::NAN, 0.0);
    assert_eq!(invalid_field(s.validate()), "alpha");
}

#[test]
fn overlapping_output_batches_are_rejected() {
    let mut s = GemmSpec::new(3, 3, 2, DType::BF16, DType::BF16, DType::F32).batched(2);
    s.d.batch_stride = 4;
    assert_eq!(invalid_field(s.validate()), "d.batch_stride");
}

#[test]
fn unsupported_bias_dtype_is_rejected() {
    let mut s = GemmSpec::new(2, 2, 2, DType::BF16, DType::BF16, DType::F32);
    s.epilogue.bias = Some(DType::BF16);
    assert!(matches!(s.validate(), Err(Error::UnsupportedDType { .. })));
}

#[test]
fn short_buffers_and_wrong_element_types_are_rejected() {
    let s = GemmSpec::new(2, 3, 4, DType::BF16, DType::BF16, DType::F32);
    let a = vec![bf16::ONE; 8];
    let b = vec![bf16::ONE; 11];
    match reference::gemm(&s, &GemmInputs::new(&a, &b)) {
        Err(Error::LengthMismatch { what, expected, got }) => assert_eq!((what.as_str(), expected, got), ("b", 12, 11)),
        other => panic!("{other:?}"),
    }
    let a16 = vec![f16::ONE; 8];
    let b16 = vec![f16::ONE; 12];
    assert!(matches!(
        reference::gemm(&s, &GemmInputs::new(&a16, &b16)),
        Err(Error::InvalidArgument { .. })
    ));
    // Missing scales.
    let s = s.scaling(Scaling::PerTensor);
    let b = vec![bf16::ONE; 12];
    assert!(matches!(
        reference::gemm(&s, &GemmInputs::new(&a, &b)),
        Err(Error::LengthMismatch { what, .. }) if what == "scale_a"
    ));
}

#[test]
fn buffer_lengths_follow_the_layout() {
    let mut s = GemmSpec::new(3, 4, 5, DType::BF16, DType::BF16, DType::F32).batched(2);
    assert_eq!((s.a_len(), s.b_len(), s.c_len(), s.d_len()), (30, 40, 0, 24));
    s.a.ld = 8; // row-major 3×5 with ld 8: last element at 2·8 + 4; batch stride stays 15
    assert_eq!(s.a_len(), 15 + 2 * 8 + 5);
    let s = s.scaling(Scaling::Block);
    assert_eq!((s.scale_a_len(), s.scale_b_len()), (2 * 3, 2));
    let s = GemmSpec::new(3, 4, 65, DType::F8E4M3, DType::F8E4M3, DType::F32).scaling(Scaling::Mx);
    assert_eq!((s.scale_a_len(), s.scale_b_len()), (9, 12));
}

#[test]
fn gather_d_reads_a_padded_column_major_output() {
    let mut s = GemmSpec::new(2, 3, 4, DType::BF16, DType::BF16, DType::F32).batched(2);
    s.d = Operand {
        dtype: DType::F32,
        layout: Layout::ColMajor,
        ld: 5,
        batch_stride: 20,
    };
    // Element (b, i, j) stored at b·20 + i + 5·j holds the number 100·b + 10·i + j.
    let mut d = vec![f32::NAN; s.d_len()];
    for b in 0..2 {
        for i in 0..2 {
            for j in 0..3 {
                d[b * 20 + i + 5 * j] = (100 * b + 10 * i + j) as f32;
            }
        }
    }
    let want: Vec<f32> = [0., 1., 2., 10., 11., 12., 100., 101., 102., 110., 111., 112.].to_vec();
    assert_eq!(s.gather_d(&d).unwrap(), want);
    assert!(matches!(s.gather_d(&d[..10]), Err(Error::LengthMismatch { .. })));
}

/// A GEMM the way a GPU does it — f32 accumulation in K chunks (a different order than the reference's), then
/// bf16 output — must pass the verifier with the reference's magnitudes, even under heavy cancellation.
#[test]
fn an_f32_accumulated_gemm_passes_verify_against_the_reference() {
    use hipforge::verify::{verify, ErrorModel};
    let (m, n, k) = (19, 23, 1500);
    let mut rng = XorShift64(99);
    for cancel in [false, true] {
        let spec = GemmSpec::new(m, n, k, DType::BF16, DType::BF16, DType::BF16).alpha_beta(1.5, 0.0);
        let mut a = bf16s(&mut rng, spec.a_len());
        let b = bf16s(&mut rng, spec.b_len());
        if cancel {
            // Each row of A is [x, −x]: every dot product cancels to ~0 while Σ|ab| stays large.
            for i in 0..m {
                for p in k / 2..k {
                    a[i * k + p] = -a[i * k + p - k / 2];
                }
            }
            let mut bb = b.clone();
            for j in 0..n {
                for p in k / 2..k {
                    bb[j * k + p] = bb[j * k + p - k / 2];
                }
            }
            let e = reference::gemm(&spec, &GemmInputs::new(&a, &bb)).unwrap();
            let got = f32_gemm(&spec, &a, &bb);
            let report = verify(&got, &e, &ErrorModel::gemm(DType::BF16, false)).unwrap();
            assert!(report.passed(), "cancelling case: {report}");
        } else {
            let e = reference::gemm(&spec, &GemmInputs::new(&a, &b)).unwrap();
            let got = f32_gemm(&spec, &a, &b);
            let report = verify(&got, &e, &ErrorModel::gemm(DType::BF16, false)).unwrap();
            assert!(report.passed(), "{report}");
            // And a planted error of 1% of one element's magnitude is caught.
            let mut bad = got.clone();
            bad[7] = bf16::from_f64(bad[7].to_f64() + 0.01 * e.magnitudes[7]);
            assert!(!verify(&bad, &e, &ErrorModel::gemm(DType::BF16, false))
                .unwrap()
                .passed());
        }
    }
}

/// TN GEMM in f32, K in chunks of 64 with per-chunk partial sums (like an MFMA K loop), output rounded to bf16.
fn f32_gemm(spec: &GemmSpec, a: &[bf16], b: &[bf16]) -> Vec<bf16> {
    let (m, n, k) = (spec.m, spec.n, spec.k);
    let mut out = Vec::with_capacity(m * n);
    for i in 0..m {
        for j in 0..n {
            let mut acc = 0f32;
            for p0 in (0..k).step_by(64) {
                let mut part = 0f32;
                for p in p0..(p0 + 64).min(k) {
                    part += a[i * k + p].to_f32() * b[j * k + p].to_f32();
                }
                acc += part;
            }
            out.push(bf16::from_f32(spec.alpha * acc));
        }
    }
    out
}

#[test]
fn specs_print_as_one_readable_line() {
    let s = GemmSpec::new(512, 256, 1024, DType::F8E4M3, DType::F8E5M2, DType::BF16)
        .scaling(Scaling::PerTensor)
        .bias()
        .activation(Activation::GeluTanh);
    assert_eq!(
        s.to_string(),
        "f8e4m3 x f8e5m2 -> bf16 TN 512x256x1024 per-tensor +bias gelu_tanh"
    );
    let s = GemmSpec::new(3, 4, 5, DType::I8, DType::I8, DType::I32).layouts(Layout::ColMajor, Layout::RowMajor);
    assert_eq!(s.to_string(), "i8 x i8 -> i32 NT 3x4x5");
}
