//! Every GEMM kernel on the emulator, for gfx942 and gfx950, against the f64 reference with `verify`.
//!
//! Coverage is pairwise, not the full cross product (which would take hours on the emulator): every input dtype
//! pair meets every output dtype; layouts, scaling modes, activations, bias, beta, tiles and split-K rotate through
//! those cases with co-prime strides so that each pair of factors meets; the ragged shapes (1×1×1, 17×33×65,
//! 255×129×300, K not a multiple of the K step, batch > 1) are run explicitly; a randomized test draws more.

mod gemm_common;

use gemm_common::{c_dtype_for, emulator, run_case, Rng};
use hipforge::gemm::{Activation, GemmSpec, Layout, PlanOptions, Scaling, Tile};
use hipforge::runtime::Arch;
use hipforge::DType;

const LAYOUTS: [(Layout, Layout); 4] = [
    (Layout::RowMajor, Layout::ColMajor), // TN: both K-contiguous (the fast path)
    (Layout::RowMajor, Layout::RowMajor), // NN
    (Layout::ColMajor, Layout::ColMajor),
    (Layout::ColMajor, Layout::RowMajor),
];
const ACTS: [Activation; 5] = [
    Activation::None,
    Activation::Relu,
    Activation::GeluTanh,
    Activation::GeluErf,
    Activation::Silu,
];

/// Input dtype pairs of an arch (FP8 in the arch's flavour, all four e4m3/e5m2 combinations).
fn input_pairs(arch: &Arch) -> Vec<(DType, DType)> {
    let (e4, e5) = (arch.fp8_e4m3(), arch.fp8_e5m2());
    vec![
        (DType::BF16, DType::BF16),
        (DType::F16, DType::F16),
        (DType::I8, DType::I8),
        (e4, e4),
        (e4, e5),
        (e5, e4),
        (e5, e5),
    ]
}

fn outputs(arch: &Arch, a: DType) -> Vec<DType> {
    if a == DType::I8 {
        vec![DType::I32, DType::F32, DType::BF16]
    } else {
        vec![DType::F32, DType::BF16, DType::F16, arch.fp8_e4m3()]
    }
}

fn scalings(arch: &Arch, a: DType) -> Vec<Scaling> {
    let mut s = vec![Scaling::None, Scaling::PerTensor, Scaling::RowCol];
    if a.is_fp8() {
        s.push(Scaling::Block);
        if *arch == Arch::Gfx950 {
            s.push(Scaling::Mx);
        }
    }
    s
}

/// A spec with the harness's C convention, made valid for the output type where the factors clash (the i32
/// epilogue is integer-exact: no scaling, alpha 1, beta 0/1, ReLU at most).
#[allow(clippy::too_many_arguments)]
fn build(
    (m, n, k): (usize, usize, usize),
    batch: usize,
    (a, b): (DType, DType),
    d: DType,
    layouts: (Layout, Layout),
    scaling: Scaling,
    act: Activation,
    bias: bool,
    beta: f32,
) -> GemmSpec {
    let mut s = GemmSpec::new(m, n, k, a, b, d)
        .layouts(layouts.0, layouts.1)
        .batched(batch);
    s.c.dtype = c_dtype_for(d);
    if d == DType::I32 {
        return s
            .alpha_beta(1.0, if beta != 0.0 { 1.0 } else { 0.0 })
            .activation(if act == Activation::None {
                Activation::None
            } else {
                Activation::Relu
            });
    }
    s = s.scaling(scaling).activation(act).alpha_beta(0.75, beta);
    if bias {
        s = s.bias();
    }
    if d.is_fp8() {
        s = s.scale_d(0.5);
    }
    s
}

fn check(dev: &hipforge::runtime::Device, spec: &GemmSpec, opts: PlanOptions, seed: u64, failures: &mut Vec<String>) {
    let report = run_case(dev, spec, opts, seed);
    let line = format!(
        "{} {}x{}x{} b{} {}/{}->{} {:?}/{:?} {:?} {:?} bias={} beta={} tile={:?} splits={:?}: {report}",
        dev.arch(),
        spec.m,
        spec.n,
        spec.k,
        spec.batch,
        spec.a.dtype,
        spec.b.dtype,
        spec.d.dtype,
        spec.a.layout,
        spec.b.layout,
        spec.scaling,
        spec.epilogue.activation,
        spec.epilogue.bias.is_some(),
        spec.beta,
        opts.tile,
        opts.splits
    );
    println!("{line}");
    if !report.passed() {
        failures.push(line);
    }
}

/// Every input pair × output dtype, with the other factors rotating (pairwise coverage).
fn pairwise(arch: Arch, test: &str) {
    let Some(dev) = emulator(arch.clone(), test) else {
        return;
    };
    let shapes = [(17, 33, 65), (33, 20, 200), (1, 1, 1), (70, 40, 130)];
    let mut failures = Vec::new();
    let mut case = 0usize;
    for pair in input_pairs(&arch) {
        let scal = scalings(&arch, pair.0);
        for d in outputs(&arch, pair.0) {
            let spec = build(
                shapes[case % shapes.len()],
                1 + (case % 3 == 2) as usize,
                pair,
                d,
                LAYOUTS[case % 4],
                scal[case % scal.len()],
                ACTS[case % 5],
                case % 2 == 0,
                if case % 3 == 1 { 0.0 } else { -0.5 },
            );
            let opts = PlanOptions {
                splits: Some(if case % 4 == 3 { 2 } else { 1 }),
                ..Default::default()
            };
            check(&dev, &spec, opts, 1000 + case as u64, &mut failures);
            case += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {case} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn pairwise_gfx942() {
    pairwise(Arch::Gfx942, "pairwise_gfx942");
}

#[test]
fn pairwise_gfx950() {
    pairwise(Arch::Gfx950, "pairwise_gfx950");
}

/// The ragged shapes of the issue on both tiles, with split-K and batches, for one 16-bit and one 8-bit family.
fn ragged(arch: Arch, test: &str) {
    let Some(dev) = emulator(arch.clone(), test) else {
        return;
    };
    let e4 = arch.fp8_e4m3();
    let mut failures = Vec::new();
    let cases: [(
        (usize, usize, usize),
        usize,
        (DType, DType),
        DType,
        Option<Tile>,
        Option<u32>,
    ); 8] = [
        (
            (1, 1, 1),
            1,
            (DType::BF16, DType::BF16),
            DType::F32,
            Some(Tile::Small),
            None,
        ),
        ((17, 33, 65), 1, (e4, e4), DType::BF16, Some(Tile::Small), None),
        (
            (255, 129, 300),
            1,
            (DType::BF16, DType::BF16),
            DType::F32,
            Some(Tile::Large),
            None,
        ),
        ((255, 129, 300), 1, (e4, e4), DType::F32, Some(Tile::Large), None),
        (
            (255, 129, 300),
            1,
            (DType::I8, DType::I8),
            DType::I32,
            Some(Tile::Small),
            Some(3),
        ),
        (
            (100, 70, 1000),
            3,
            (DType::F16, DType::F16),
            DType::F16,
            Some(Tile::Small),
            Some(4),
        ),
        ((40, 300, 257), 2, (e4, e4), DType::BF16, None, None),
        (
            (257, 64, 129),
            2,
            (DType::BF16, DType::BF16),
            DType::BF16,
            Some(Tile::Large),
            Some(2),
        ),
    ];
    for (i, (shape, batch, pair, d, tile, splits)) in cases.into_iter().enumerate() {
        let spec = build(
            shape,
            batch,
            pair,
            d,
            LAYOUTS[0],
            Scaling::None,
            Activation::None,
            i % 2 == 1,
            0.0,
        );
        let opts = PlanOptions {
            tile,
            splits,
            ..Default::default()
        };
        check(&dev, &spec, opts, 77 + i as u64, &mut failures);
    }
    assert!(
        failures.is_empty(),
        "{} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn ragged_gfx942() {
    ragged(Arch::Gfx942, "ragged_gfx942");
}

#[test]
fn ragged_gfx950() {
    ragged(Arch::Gfx950, "ragged_gfx950");
}

/// Random specs from a fixed seed: every factor drawn independently.
fn randomized(arch: Arch, test: &str, count: usize) {
    let Some(dev) = emulator(arch.clone(), test) else {
        return;
    };
    let mut rng = Rng(0x5eed_0000 + count as u64 + (arch == Arch::Gfx950) as u64);
    let pairs = input_pairs(&arch);
    let mut failures = Vec::new();
    for i in 0..count {
        let pair = pairs[rng.below(pairs.len())];
        let outs = outputs(&arch, pair.0);
        let d = outs[rng.below(outs.len())];
        let scal = scalings(&arch, pair.0);
        let shape = (1 + rng.below(96), 1 + rng.below(96), 1 + rng.below(300));
        let spec = build(
            shape,
            1 + rng.below(2),
            pair,
            d,
            LAYOUTS[rng.below(4)],
            scal[rng.below(scal.len())],
            ACTS[rng.below(5)],
            rng.below(2) == 0,
            [0.0f32, 1.0, -0.25][rng.below(3)],
        );
        let opts = PlanOptions {
            splits: Some(1 + rng.below(3) as u32),
            ..Default::default()
        };
        check(&dev, &spec, opts, 5000 + i as u64, &mut failures);
    }
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn randomized_gfx942() {
    randomized(Arch::Gfx942, "randomized_gfx942", 12);
}

#[test]
fn randomized_gfx950() {
    randomized(Arch::Gfx950, "randomized_gfx950", 12);
}
