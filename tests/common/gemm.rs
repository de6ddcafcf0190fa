//! The GEMM tests' harness: input generation and one function that runs a spec on a device and verifies it against
//! the CPU reference.

use super::Rng;
use hipforge::gemm::{GemmOperands, GemmPlan, GemmSpec, PlanOptions, Scaling};
use hipforge::reference::{gemm as reference_gemm, GemmInputs};
use hipforge::runtime::{Device, DeviceRepr};
use hipforge::verify::{verify, ErrorModel, VerifyReport};
use hipforge::{bf16, f16, DType, Element, F8E4M3Fnuz, F8E5M2Fnuz, E8M0, F8E4M3, F8E5M2};

/// `len` random elements: integers in [-int_max, int_max] for i8/i32, else uniform in [-float_max, float_max)
/// rounded to `T`.
fn data<T: Element>(rng: &mut Rng, len: usize, int_max: usize, float_max: f64) -> Vec<T> {
    let int = matches!(T::DTYPE, DType::I8 | DType::I32);
    (0..len)
        .map(|_| {
            if int {
                T::from_f64(rng.below(2 * int_max + 1) as f64 - int_max as f64)
            } else {
                T::from_f64(rng.uniform(-float_max, float_max))
            }
        })
        .collect()
}

/// Root mean square of `v` (0 when empty).
fn rms<T: Element>(v: &[T]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    (v.iter().map(|x| x.to_f64() * x.to_f64()).sum::<f64>() / v.len() as f64).sqrt()
}

/// Mean magnitude of a scale buffer (1 when there are no scales).
fn mean_scale<S: Element>(v: &[S]) -> f64 {
    if v.is_empty() {
        return 1.0;
    }
    v.iter().map(|x| x.to_f64().abs()).sum::<f64>() / v.len() as f64
}

/// Scales: f32 in [0.5, 2), or E8M0 powers of two 2^-3 .. 2^3.
fn scales<S: Element>(rng: &mut Rng, len: usize) -> Vec<S> {
    (0..len)
        .map(|_| {
            if S::DTYPE == DType::E8M0 {
                S::from_f64(2f64.powi(rng.below(7) as i32 - 3))
            } else {
                S::from_f64(rng.uniform(0.5, 2.0))
            }
        })
        .collect()
}

/// Runs `spec` on `dev` with random inputs (seeded) and verifies D against the reference. Returns the report and
/// the plan that ran (its spec, tile and splits are what was actually executed).
pub fn run_typed<A, B, C, S, D>(dev: &Device, spec: &GemmSpec, opts: PlanOptions, seed: u64) -> (VerifyReport, GemmPlan)
where
    A: Element + DeviceRepr,
    B: Element + DeviceRepr,
    C: Element + DeviceRepr,
    S: Element + DeviceRepr,
    D: Element + DeviceRepr,
{
    let mut rng = Rng(seed);
    // Integers up to 100 where the output is the integer-exact i32 (large sums); up to 10 for float outputs, which
    // keeps an f16 output in range (i8 sums of 100·100 terms overflow it to inf, which the reference does not model).
    let int_max = if D::DTYPE == DType::I32 { 100 } else { 10 };
    let a: Vec<A> = data(&mut rng, spec.a_len(), int_max, 2.0);
    let b: Vec<B> = data(&mut rng, spec.b_len(), int_max, 2.0);
    let sa: Vec<S> = scales(&mut rng, spec.scale_a_len());
    let sb: Vec<S> = scales(&mut rng, spec.scale_b_len());
    // bias and beta·C on the scale of the product's typical size, so that a dropped, doubled or misplaced term
    // moves D by far more than the output's rounding (with bias in [-1, 1) next to i8 sums in the thousands, a
    // kernel that ignored the bias passed).
    let product =
        (spec.alpha.abs() as f64 * (spec.k as f64).sqrt() * rms(&a) * rms(&b) * mean_scale(&sa) * mean_scale(&sb))
            .max(0.5);
    let c_max = (product / (spec.beta.abs() as f64).max(1e-3)).min(1e4);
    let c: Vec<C> = data(&mut rng, spec.c_len(), int_max, c_max);
    let bias: Vec<f32> = (0..spec.bias_len())
        .map(|_| rng.uniform(-product, product) as f32)
        .collect();
    let inputs = GemmInputs::new(&a, &b)
        .with_c(&c)
        .with_scales(&sa, &sb)
        .with_bias(&bias);
    let expected = reference_gemm(spec, &inputs).expect("reference");

    let da = dev.upload(&a).unwrap();
    let db = dev.upload(&b).unwrap();
    // Zero-length buffers are not allocatable everywhere: give unused operands one element.
    let one = |v: usize| v.max(1);
    let dc = dev.upload(&pad::<C>(&c, one(c.len()))).unwrap();
    let dsa = dev.upload(&pad::<S>(&sa, one(sa.len()))).unwrap();
    let dsb = dev.upload(&pad::<S>(&sb, one(sb.len()))).unwrap();
    let dbias = dev.upload(&pad::<f32>(&bias, one(bias.len()))).unwrap();
    let mut dd = dev.alloc_zeroed::<D>(one(spec.d_len())).unwrap();
    let mut ops = GemmOperands::new(&da, &db).with_c(&dc).with_scales(&dsa, &dsb);
    if spec.epilogue.bias.is_some() {
        ops = ops.with_bias(&dbias);
    }
    let plan = GemmPlan::with_options(dev, spec, opts).unwrap_or_else(|e| panic!("plan for {spec:?}: {e}"));
    plan.run(&ops, &mut dd)
        .unwrap_or_else(|e| panic!("run {} for {spec:?}: {e}", plan.kernel()));
    let got = spec.gather_d(&dd.download().unwrap()).unwrap();
    let report = verify(&got, &expected, &ErrorModel::gemm(spec.d.dtype, spec.is_int8())).unwrap();
    (report, plan)
}

fn pad<T: Element>(v: &[T], len: usize) -> Vec<T> {
    let mut out = v.to_vec();
    out.resize(len, T::default());
    out
}

macro_rules! with_scale {
    ($dev:expr, $spec:expr, $opts:expr, $seed:expr, $a:ty, $b:ty, $c:ty, $d:ty) => {
        if $spec.scaling == Scaling::Mx {
            run_typed::<$a, $b, $c, E8M0, $d>($dev, $spec, $opts, $seed)
        } else {
            run_typed::<$a, $b, $c, f32, $d>($dev, $spec, $opts, $seed)
        }
    };
}

macro_rules! with_out {
    ($dev:expr, $spec:expr, $opts:expr, $seed:expr, $a:ty, $b:ty) => {
        match $spec.d.dtype {
            DType::F32 => with_scale!($dev, $spec, $opts, $seed, $a, $b, f32, f32),
            DType::BF16 => with_scale!($dev, $spec, $opts, $seed, $a, $b, bf16, bf16),
            DType::F16 => with_scale!($dev, $spec, $opts, $seed, $a, $b, f16, f16),
            DType::F8E4M3 => with_scale!($dev, $spec, $opts, $seed, $a, $b, f32, F8E4M3),
            DType::F8E4M3Fnuz => with_scale!($dev, $spec, $opts, $seed, $a, $b, f32, F8E4M3Fnuz),
            DType::F8E5M2 => with_scale!($dev, $spec, $opts, $seed, $a, $b, f32, F8E5M2),
            DType::F8E5M2Fnuz => with_scale!($dev, $spec, $opts, $seed, $a, $b, f32, F8E5M2Fnuz),
            DType::I32 => with_scale!($dev, $spec, $opts, $seed, $a, $b, i32, i32),
            other => panic!("test harness has no output type {other}"),
        }
    };
}

/// C's dtype the harness uses for an output dtype (FP8 outputs take an f32 C).
pub fn c_dtype_for(d: DType) -> DType {
    if d.is_fp8() {
        DType::F32
    } else {
        d
    }
}

/// [`run_typed`] with the element types read from the spec (C must be [`c_dtype_for`] D).
pub fn run_case(dev: &Device, spec: &GemmSpec, opts: PlanOptions, seed: u64) -> (VerifyReport, GemmPlan) {
    assert_eq!(
        spec.c.dtype,
        c_dtype_for(spec.d.dtype),
        "harness convention for C's dtype"
    );
    match (spec.a.dtype, spec.b.dtype) {
        (DType::BF16, DType::BF16) => with_out!(dev, spec, opts, seed, bf16, bf16),
        (DType::F16, DType::F16) => with_out!(dev, spec, opts, seed, f16, f16),
        (DType::I8, DType::I8) => with_out!(dev, spec, opts, seed, i8, i8),
        (DType::F8E4M3, DType::F8E4M3) => with_out!(dev, spec, opts, seed, F8E4M3, F8E4M3),
        (DType::F8E4M3, DType::F8E5M2) => with_out!(dev, spec, opts, seed, F8E4M3, F8E5M2),
        (DType::F8E5M2, DType::F8E4M3) => with_out!(dev, spec, opts, seed, F8E5M2, F8E4M3),
        (DType::F8E5M2, DType::F8E5M2) => with_out!(dev, spec, opts, seed, F8E5M2, F8E5M2),
        (DType::F8E4M3Fnuz, DType::F8E4M3Fnuz) => with_out!(dev, spec, opts, seed, F8E4M3Fnuz, F8E4M3Fnuz),
        (DType::F8E4M3Fnuz, DType::F8E5M2Fnuz) => with_out!(dev, spec, opts, seed, F8E4M3Fnuz, F8E5M2Fnuz),
        (DType::F8E5M2Fnuz, DType::F8E4M3Fnuz) => with_out!(dev, spec, opts, seed, F8E5M2Fnuz, F8E4M3Fnuz),
        (DType::F8E5M2Fnuz, DType::F8E5M2Fnuz) => with_out!(dev, spec, opts, seed, F8E5M2Fnuz, F8E5M2Fnuz),
        (a, b) => panic!("test harness has no input pair {a}/{b}"),
    }
}
