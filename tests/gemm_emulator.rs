//! Every GEMM kernel on the emulator, for gfx942 and gfx950, against the f64 reference with `verify`.
//!
//! `covering_array_*`: a strict pairwise covering array over eleven factors — input dtype pair, layouts of A and B,
//! scaling, activation, bias, beta, output dtype, shape (the ragged set), batch, tile and split-K. Which
//! combinations are valid is the library's answer, not a list kept here: every candidate of the full cross product
//! is planned with `GemmPlan::with_options` on the arch's emulator, and what the plan reports back (its spec, tile
//! and split count) is the configuration it stands for. A greedy builder picks cases until every valid pair of
//! factor levels is in one; after running them, an independent check recomputes the pairs from the plans that ran
//! and fails listing any valid pair none of them covered. A 1×1×1 case counts only for the pairs of its shape
//! level ([`counts`]): a single output element can hide a feature. The harness draws bias and C on the product's
//! scale so each term shows in D. Planted-bug check (by hand, not committed): a kernel that drops the bias for i8
//! inputs fails both covering tests.
//!
//! `ragged_*` runs the ragged shapes on both tiles with split-K and batches; `randomized_*` draws more
//! cases with random shapes.
//!
//! Size and time, measured on the 2-core build machine with `cargo test --release --test gemm_emulator` (both arches
//! in parallel): gfx942 has 359,040 valid configurations with 763 valid pairs, covered by 50 cases; gfx950 391,040,
//! 796 and 53. Each covering test took 10–30 s (6–12 s of it planning the 806,400 candidates), depending on
//! how much other builds loaded the machine; the whole file 13–45 s.
// Every test here needs the `emulator` feature (on by default); without it the file compiles to nothing.
#![cfg(feature = "emulator")]

mod common;

use common::gemm::{c_dtype_for, run_case};
use common::{emulator, Rng};
use hipforge::gemm::{Activation, GemmPlan, GemmSpec, Layout, PlanOptions, Scaling, Tile};
use hipforge::runtime::{Arch, Device};
use hipforge::DType;
use std::collections::BTreeMap;

const LAYOUTS: [(Layout, Layout); 4] = [
    (Layout::RowMajor, Layout::ColMajor), // TN: both K-contiguous (the fast path)
    (Layout::RowMajor, Layout::RowMajor), // NN
    (Layout::ColMajor, Layout::ColMajor),
    (Layout::ColMajor, Layout::RowMajor),
];
const SCALINGS: [Scaling; 5] = [
    Scaling::None,
    Scaling::PerTensor,
    Scaling::RowCol,
    Scaling::Block,
    Scaling::Mx,
];
const ACTS: [Activation; 5] = [
    Activation::None,
    Activation::Relu,
    Activation::GeluTanh,
    Activation::GeluErf,
    Activation::Silu,
];
/// The ragged shapes (m, n, k): 1×1×1, K never a multiple of the K step except in 64×72×256 (the aligned path), and
/// 255×129×300 (several tiles of either size, partial in both directions).
const SHAPES: [(usize, usize, usize); 6] = [
    (1, 1, 1),
    (17, 33, 65),
    (33, 20, 200),
    (70, 40, 130),
    (64, 72, 256),
    (255, 129, 300),
];
const BATCHES: [usize; 2] = [1, 2];
const TILES: [Tile; 2] = [Tile::Small, Tile::Large];
/// Split-K requested for the levels "1" and "> 1" (the plan clamps it to the K steps; the level is read back).
const SPLITS: [u32; 2] = [1, 3];

/// Number of factors of the covering array.
const NF: usize = 11;
const FACTORS: [&str; NF] = [
    "input",
    "layouts",
    "scaling",
    "activation",
    "bias",
    "beta",
    "output",
    "shape",
    "batch",
    "tile",
    "split-K",
];
const F_SHAPE: usize = 7;

/// A configuration: one level index per factor, in [`FACTORS`] order.
type Config = [u8; NF];
/// Two factor levels `(factor i, level, factor j, level)` with `i < j`.
type Pair = (u8, u8, u8, u8);

fn pairs_of(c: &Config) -> impl Iterator<Item = Pair> + '_ {
    (0..NF).flat_map(move |i| (i + 1..NF).map(move |j| (i as u8, c[i], j as u8, c[j])))
}

/// Index of the single-element shape (1×1×1) in [`SHAPES`].
const SINGLE: u8 = 0;

/// Whether a case with configuration `c` counts for a pair of factors `i` and `j`: a 1×1×1 case only for the pairs
/// of its own shape level. One output element can hide a feature entirely (a negative value through SiLU or GELU
/// comes out as ~0 whatever bias was added), so every other pair must also meet in a case with more elements.
fn counts(c: &Config, i: usize, j: usize) -> bool {
    c[F_SHAPE] != SINGLE || i == F_SHAPE || j == F_SHAPE
}

/// The pairs a case with configuration `c` covers (see [`counts`]).
fn covered_by(c: &Config) -> impl Iterator<Item = Pair> + '_ {
    pairs_of(c).filter(move |p| counts(c, p.0 as usize, p.2 as usize))
}

/// The pairs of `valid` that no case of `ran` covers, in order. This is the whole check: it knows nothing of how the
/// cases were chosen.
fn missing_pairs(valid: &[Pair], ran: &[Config]) -> Vec<Pair> {
    let covered: std::collections::BTreeSet<Pair> = ran.iter().flat_map(covered_by).collect();
    valid.iter().filter(|p| !covered.contains(p)).copied().collect()
}

/// Dense numbering of the pairs of a factor space (one slot per pair of levels), for the builder's inner loops.
struct PairIndex {
    sizes: [usize; NF],
    offset: [[usize; NF]; NF],
    total: usize,
}

impl PairIndex {
    /// The space spanned by `configs` (each factor's levels 0 ..= the largest seen).
    fn spanning(configs: &[Config]) -> PairIndex {
        let mut sizes = [0usize; NF];
        for c in configs {
            for f in 0..NF {
                sizes[f] = sizes[f].max(c[f] as usize + 1);
            }
        }
        let mut offset = [[0; NF]; NF];
        let mut total = 0;
        for i in 0..NF {
            for j in i + 1..NF {
                offset[i][j] = total;
                total += sizes[i] * sizes[j];
            }
        }
        PairIndex { sizes, offset, total }
    }

    fn slots<'a>(&'a self, c: &'a Config) -> impl Iterator<Item = usize> + 'a {
        (0..NF).flat_map(move |i| {
            (i + 1..NF).map(move |j| self.offset[i][j] + c[i] as usize * self.sizes[j] + c[j] as usize)
        })
    }

    /// The slots a case with configuration `c` covers (see [`counts`]).
    fn covered_slots<'a>(&'a self, c: &'a Config) -> impl Iterator<Item = usize> + 'a {
        (0..NF).flat_map(move |i| {
            (i + 1..NF)
                .filter(move |&j| counts(c, i, j))
                .map(move |j| self.offset[i][j] + c[i] as usize * self.sizes[j] + c[j] as usize)
        })
    }

    fn pair(&self, slot: usize) -> Pair {
        let (i, j) = (0..NF)
            .flat_map(|i| (i + 1..NF).map(move |j| (i, j)))
            .filter(|&(i, j)| self.offset[i][j] <= slot)
            .max_by_key(|&(i, j)| self.offset[i][j])
            .expect("slot 0 belongs to the first pair of factors");
        let within = slot - self.offset[i][j];
        (
            i as u8,
            (within / self.sizes[j]) as u8,
            j as u8,
            (within % self.sizes[j]) as u8,
        )
    }
}

/// Every pair that occurs in at least one of `configs`, in order.
fn pairs_in(configs: &[Config]) -> Vec<Pair> {
    let index = PairIndex::spanning(configs);
    let mut seen = vec![false; index.total];
    for c in configs {
        for slot in index.slots(c) {
            seen[slot] = true;
        }
    }
    let mut pairs: Vec<Pair> = (0..index.total).filter(|&s| seen[s]).map(|s| index.pair(s)).collect();
    pairs.sort_unstable();
    pairs
}

/// A configuration made concrete: which scalar realization, the spec, the options and the plan the library made.
struct Realized {
    variant: usize,
    spec: GemmSpec,
    opts: PlanOptions,
    plan: GemmPlan,
}

/// The factor levels of one arch and how a configuration becomes a spec and plan options.
struct Space {
    arch: Arch,
    inputs: Vec<(DType, DType)>,
    outputs: Vec<DType>,
}

impl Space {
    fn new(arch: Arch) -> Space {
        let (e4, e5) = (arch.fp8_e4m3(), arch.fp8_e5m2());
        Space {
            inputs: vec![
                (DType::BF16, DType::BF16),
                (DType::F16, DType::F16),
                (DType::I8, DType::I8),
                (e4, e4),
                (e4, e5),
                (e5, e4),
                (e5, e5),
            ],
            outputs: vec![DType::F32, DType::BF16, DType::F16, e4, e5, DType::I32],
            arch,
        }
    }

    fn sizes(&self) -> [usize; NF] {
        [
            self.inputs.len(),
            LAYOUTS.len(),
            SCALINGS.len(),
            ACTS.len(),
            2,
            2,
            self.outputs.len(),
            SHAPES.len(),
            BATCHES.len(),
            TILES.len(),
            SPLITS.len(),
        ]
    }

    fn level_name(&self, factor: usize, level: u8) -> String {
        let l = level as usize;
        match factor {
            0 => format!("{}/{}", self.inputs[l].0, self.inputs[l].1),
            1 => format!("{:?}/{:?}", LAYOUTS[l].0, LAYOUTS[l].1),
            2 => format!("{:?}", SCALINGS[l]),
            3 => format!("{:?}", ACTS[l]),
            4 | 5 => ["off", "on"][l].into(),
            6 => self.outputs[l].to_string(),
            7 => format!("{}x{}x{}", SHAPES[l].0, SHAPES[l].1, SHAPES[l].2),
            8 => format!("{}", BATCHES[l]),
            9 => format!("{:?}", TILES[l]),
            _ => ["1", ">1"][l].into(),
        }
    }

    fn pair_name(&self, p: &Pair) -> String {
        format!(
            "{}={} & {}={}",
            FACTORS[p.0 as usize],
            self.level_name(p.0 as usize, p.1),
            FACTORS[p.2 as usize],
            self.level_name(p.2 as usize, p.3)
        )
    }

    /// Realizations of the scalars, richest first: (alpha, non-zero beta, scale_d). The library decides which one
    /// a configuration accepts (the integer-exact i32 epilogue takes only the last; scale_d only FP8 outputs).
    const SCALARS: [(f32, f32, f32); 3] = [(0.75, -0.5, 0.5), (0.75, -0.5, 1.0), (1.0, 1.0, 1.0)];

    /// The spec and options of configuration `c` on `shape`, with the scalars of realization `variant`.
    fn candidate(&self, c: &Config, shape: (usize, usize, usize), variant: usize) -> (GemmSpec, PlanOptions) {
        let (a, b) = self.inputs[c[0] as usize];
        let d = self.outputs[c[6] as usize];
        let (la, lb) = LAYOUTS[c[1] as usize];
        let (alpha, beta, scale_d) = Self::SCALARS[variant];
        let mut s = GemmSpec::new(shape.0, shape.1, shape.2, a, b, d)
            .layouts(la, lb)
            .batched(BATCHES[c[8] as usize])
            .scaling(SCALINGS[c[2] as usize])
            .activation(ACTS[c[3] as usize])
            .alpha_beta(alpha, if c[5] == 1 { beta } else { 0.0 })
            .scale_d(scale_d);
        s.c.dtype = c_dtype_for(d);
        if c[4] == 1 {
            s = s.bias();
        }
        let opts = PlanOptions {
            tile: Some(TILES[c[9] as usize]),
            splits: Some(SPLITS[c[10] as usize]),
            ..Default::default()
        };
        (s, opts)
    }

    /// The first realization of `c` on `shape` that the library plans: its index, spec, options and plan.
    fn realize(&self, dev: &Device, c: &Config, shape: (usize, usize, usize)) -> Option<Realized> {
        (0..Self::SCALARS.len()).find_map(|variant| {
            let (spec, opts) = self.candidate(c, shape, variant);
            let plan = GemmPlan::with_options(dev, &spec, opts).ok()?;
            Some(Realized {
                variant,
                spec,
                opts,
                plan,
            })
        })
    }

    /// The configuration a plan stands for, read back from the plan (its spec, tile and split count).
    fn observe(&self, plan: &GemmPlan) -> Config {
        let s = plan.spec();
        let find = |what: &str, i: Option<usize>| -> u8 {
            i.unwrap_or_else(|| panic!("{what} of {s} is not a level of the covering array")) as u8
        };
        [
            find("input", self.inputs.iter().position(|&p| p == (s.a.dtype, s.b.dtype))),
            find("layouts", LAYOUTS.iter().position(|&l| l == (s.a.layout, s.b.layout))),
            find("scaling", SCALINGS.iter().position(|&x| x == s.scaling)),
            find("activation", ACTS.iter().position(|&x| x == s.epilogue.activation)),
            s.epilogue.bias.is_some() as u8,
            (s.beta != 0.0) as u8,
            find("output", self.outputs.iter().position(|&x| x == s.d.dtype)),
            find("shape", SHAPES.iter().position(|&x| x == (s.m, s.n, s.k))),
            find("batch", BATCHES.iter().position(|&x| x == s.batch)),
            find("tile", TILES.iter().position(|&x| x == plan.tile())),
            (plan.splits() > 1) as u8,
        ]
    }

    /// Every configuration the library accepts: the whole cross product planned on `dev`, each accepted candidate
    /// keyed by what its plan reports (with the candidate and realization that produced it first).
    fn valid_configs(&self, dev: &Device) -> BTreeMap<Config, (Config, usize)> {
        let sizes = self.sizes();
        let total: usize = sizes.iter().product();
        let mut valid = BTreeMap::new();
        for index in 0..total {
            let mut c = [0u8; NF];
            let mut rest = index;
            for f in (0..NF).rev() {
                c[f] = (rest % sizes[f]) as u8;
                rest /= sizes[f];
            }
            if let Some(r) = self.realize(dev, &c, SHAPES[c[F_SHAPE] as usize]) {
                valid.entry(self.observe(&r.plan)).or_insert((c, r.variant));
            }
        }
        valid
    }
}

/// Emulator cost estimate of a configuration: multiply-adds plus a per-launch overhead.
fn cost(c: &Config) -> usize {
    let (m, n, k) = SHAPES[c[F_SHAPE] as usize];
    BATCHES[c[8] as usize] * (m * n * k + 50_000)
}

/// Greedy covering (AETG-style, deterministic): repeatedly take the valid configuration that covers the most pairs
/// not yet covered (by [`counts`]), the cheaper one on a tie, until every pair of `valid` is covered.
fn greedy_cover(valid: &[Config]) -> Vec<Config> {
    let index = PairIndex::spanning(valid);
    let mut uncovered = vec![false; index.total];
    for c in valid {
        for slot in index.slots(c) {
            uncovered[slot] = true;
        }
    }
    let mut left = uncovered.iter().filter(|&&u| u).count();
    let mut pool: Vec<Config> = valid.to_vec();
    let mut chosen = Vec::new();
    while left > 0 {
        let mut best: Option<(usize, usize, Config)> = None; // (gain, cost, config)
        pool.retain(|c| {
            let gain = index.covered_slots(c).filter(|&s| uncovered[s]).count();
            let better = match best {
                None => true,
                Some((g, k, _)) => gain > g || (gain == g && cost(c) < k),
            };
            if gain > 0 && better {
                best = Some((gain, cost(c), *c));
            }
            gain > 0
        });
        // No case covers what is left (a pair valid only in 1×1×1 cases): the check reports it.
        let Some((_, _, c)) = best else { break };
        for slot in index.covered_slots(&c) {
            if uncovered[slot] {
                uncovered[slot] = false;
                left -= 1;
            }
        }
        chosen.push(c);
    }
    chosen
}

fn describe(dev: &Device, spec: &GemmSpec, plan: &GemmPlan) -> String {
    format!(
        "{} {}x{}x{} b{} {}/{}->{} {:?}/{:?} {:?} {:?} bias={} alpha={} beta={} scale_d={} tile={:?} splits={}",
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
        spec.alpha,
        spec.beta,
        spec.scale_d,
        plan.tile(),
        plan.splits()
    )
}

/// Runs one case, prints its line, and returns the plan that ran; a failed verification is added to `failures`.
fn check(dev: &Device, spec: &GemmSpec, opts: PlanOptions, seed: u64, failures: &mut Vec<String>) -> GemmPlan {
    let (report, plan) = run_case(dev, spec, opts, seed);
    let line = format!("{}: {report}", describe(dev, spec, &plan));
    println!("{line}");
    if !report.passed() {
        failures.push(line);
    }
    plan
}

fn covering_array(arch: Arch) {
    let Some(dev) = emulator(arch.clone()) else {
        return;
    };
    let space = Space::new(arch);
    let started = std::time::Instant::now();
    let valid = space.valid_configs(&dev);
    let configs: Vec<Config> = valid.keys().copied().collect();
    let valid_pairs = pairs_in(&configs);
    let cases = greedy_cover(&configs);
    println!(
        "{}: {} valid configurations, {} valid pairs, {} cases (enumeration and covering took {:.1} s)",
        space.arch,
        configs.len(),
        valid_pairs.len(),
        cases.len(),
        started.elapsed().as_secs_f64()
    );

    let mut failures = Vec::new();
    let mut ran = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let (candidate, variant) = valid[c];
        let (spec, opts) = space.candidate(&candidate, SHAPES[candidate[F_SHAPE] as usize], variant);
        let plan = check(&dev, &spec, opts, 1000 + i as u64, &mut failures);
        ran.push(space.observe(&plan));
    }
    println!(
        "{}: all cases ran after {:.1} s",
        space.arch,
        started.elapsed().as_secs_f64()
    );

    let missing = missing_pairs(&valid_pairs, &ran);
    assert!(
        missing.is_empty(),
        "{} of {} valid pairs not covered by the cases that ran:\n{}",
        missing.len(),
        valid_pairs.len(),
        missing
            .iter()
            .map(|p| space.pair_name(p))
            .collect::<Vec<_>>()
            .join("\n")
    );
    // The check has teeth on the real cases too: the builder's last case was the only one covering some pair.
    assert!(
        !missing_pairs(&valid_pairs, &ran[..ran.len() - 1]).is_empty(),
        "dropping the last case leaves a pair uncovered"
    );
    // Every level of every factor is valid somewhere (MX is gfx950's only), so none dropped out of the check.
    for (f, &n) in space.sizes().iter().enumerate() {
        for l in 0..n as u8 {
            let mx_on_942 = f == 2 && SCALINGS[l as usize] == Scaling::Mx && space.arch != Arch::Gfx950;
            let present = configs.iter().any(|c| c[f] == l);
            assert_eq!(
                present,
                !mx_on_942,
                "level {}={} valid: {present}",
                FACTORS[f],
                space.level_name(f, l)
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn covering_array_gfx942() {
    covering_array(Arch::Gfx942);
}

#[test]
fn covering_array_gfx950() {
    covering_array(Arch::Gfx950);
}

#[test]
fn the_pair_check_reports_a_pair_no_case_covers() {
    // Two valid configurations that differ in the first factor only (shape level 1: not the single element);
    // running just the first leaves exactly the pairs of the second's level 1 of factor 0 uncovered.
    let mut a = [0u8; NF];
    a[F_SHAPE] = 1;
    let mut b = a;
    b[0] = 1;
    let valid = pairs_in(&[a, b]);
    assert_eq!(valid.len(), 2 * (NF - 1) + (NF - 1) * (NF - 2) / 2);
    assert!(missing_pairs(&valid, &[a, b]).is_empty());
    let missing = missing_pairs(&valid, &[a]);
    let expected: Vec<Pair> = (1..NF).map(|j| (0, 1, j as u8, a[j])).collect();
    assert_eq!(missing, expected);
    // A case outside the valid set covers nothing that is asked for.
    let mut c = a;
    c[5] = 1;
    assert_eq!(missing_pairs(&valid, &[a, c]), expected);
    // A 1×1×1 case counts only for the pairs of its shape level: b's other pairs met there stay missing.
    let mut single_b = b;
    single_b[F_SHAPE] = SINGLE;
    assert_eq!(missing_pairs(&valid, &[a, single_b]), expected);
    assert!(missing_pairs(&[(0, 1, F_SHAPE as u8, SINGLE)], &[single_b]).is_empty());
    // The greedy builder covers every pair of a small valid set, and dropping any one of its cases is caught.
    let configs: Vec<Config> = (0..3u8)
        .flat_map(|x| (0..2u8).map(move |y| [x, y, x % 2, 0, 0, y, 0, x + 1, 0, 0, (x + y) % 2]))
        .collect();
    let valid = pairs_in(&configs);
    let all: std::collections::BTreeSet<Pair> = configs.iter().flat_map(pairs_of).collect();
    assert_eq!(
        valid,
        all.into_iter().collect::<Vec<_>>(),
        "dense pair numbering round-trips"
    );
    let cover = greedy_cover(&configs);
    assert!(missing_pairs(&valid, &cover).is_empty());
    for drop in 0..cover.len() {
        let mut fewer = cover.clone();
        fewer.remove(drop);
        assert!(
            !missing_pairs(&valid, &fewer).is_empty(),
            "case {drop} of the greedy cover was redundant"
        );
    }
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

/// (m, n, k), batch, input pair, output, forced tile, forced splits.
type RaggedCase = (
    (usize, usize, usize),
    usize,
    (DType, DType),
    DType,
    Option<Tile>,
    Option<u32>,
);

/// The ragged shapes of the issue on both tiles, with split-K and batches, for one 16-bit and one 8-bit family.
fn ragged(arch: Arch) {
    let Some(dev) = emulator(arch.clone()) else {
        return;
    };
    let e4 = arch.fp8_e4m3();
    let mut failures = Vec::new();
    let cases: [RaggedCase; 8] = [
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
    ragged(Arch::Gfx942);
}

#[test]
fn ragged_gfx950() {
    ragged(Arch::Gfx950);
}

/// The direct-to-LDS path (gfx950): a K step goes global -> LDS by `buffer_load_dwordx4 ... lds` when its operand
/// is K-contiguous with 16-byte aligned rows (row bytes a multiple of 16) and the step lies wholly inside K
/// (kernels/include/hipforge/tile.hpp `direct_ok`). Every case below has such steps on both operands (TN, K·bytes
/// a multiple of 16) and also rows past M or N (buffer clamping) — except where noted, a K tail on the register
/// path, split-K and batches. On gfx942 the same cases take the register path (CDNA3 has no 16-byte LDS DMA).
/// The ragged cases above mostly have unaligned rows (K·bytes not a multiple of 16) and so take the register path;
/// covering-array and randomized cases take it when their A (or B) happens to qualify.
fn direct_lds(arch: Arch) {
    let Some(dev) = emulator(arch.clone()) else {
        return;
    };
    let e4 = arch.fp8_e4m3();
    let mut failures = Vec::new();
    #[allow(clippy::type_complexity)]
    let cases: [((usize, usize, usize), usize, (DType, DType), DType, Tile, u32); 5] = [
        // 256x256 tile, 4 whole bf16 steps, M and N ragged.
        (
            (255, 129, 256),
            1,
            (DType::BF16, DType::BF16),
            DType::F32,
            Tile::Large,
            1,
        ),
        // 256x256 tile, FP8: 2 whole steps + a tail of 16 (272-byte rows are 16-byte aligned), split-K 2.
        ((130, 200, 272), 1, (e4, e4), DType::BF16, Tile::Large, 2),
        // 64x128 tile, i8: 3 whole steps, batch 2.
        ((70, 50, 384), 2, (DType::I8, DType::I8), DType::I32, Tile::Small, 1),
        // 64x128 tile, f16: 1 whole step + a tail of 8.
        ((33, 140, 72), 1, (DType::F16, DType::F16), DType::F16, Tile::Small, 1),
        // 64x128 tile, FP8 with e5m2 B, 2 whole steps split over 2 splits, several M and N tiles.
        ((100, 300, 256), 1, (e4, arch.fp8_e5m2()), DType::F32, Tile::Small, 2),
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
            i % 2 == 0,
            if i % 2 == 0 { 0.0 } else { -0.5 },
        );
        let opts = PlanOptions {
            tile: Some(tile),
            splits: Some(splits),
            ..Default::default()
        };
        let plan = check(&dev, &spec, opts, 300 + i as u64, &mut failures);
        assert_eq!(
            (plan.tile(), plan.splits()),
            (tile, splits),
            "case {i}: the plan must run the tile and split count the case is about"
        );
    }
    assert!(
        failures.is_empty(),
        "{} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn direct_lds_gfx942() {
    direct_lds(Arch::Gfx942);
}

#[test]
fn direct_lds_gfx950() {
    direct_lds(Arch::Gfx950);
}

/// Random configurations on random shapes from a fixed seed: every factor drawn independently, redrawn until the
/// library plans it (tile and split-K left to the plan's own choice half of the time).
fn randomized(arch: Arch, count: usize) {
    let Some(dev) = emulator(arch.clone()) else {
        return;
    };
    let space = Space::new(arch.clone());
    let sizes = space.sizes();
    let mut rng = Rng(0x5eed_0000 + count as u64 + (arch == Arch::Gfx950) as u64);
    let mut failures = Vec::new();
    let mut i = 0;
    while i < count {
        let c: Config = std::array::from_fn(|f| rng.below(sizes[f]) as u8);
        let shape = (1 + rng.below(96), 1 + rng.below(96), 1 + rng.below(300));
        let planner_decides = rng.below(2) == 0;
        let Some(Realized { spec, mut opts, .. }) = space.realize(&dev, &c, shape) else {
            continue;
        };
        if planner_decides {
            opts.tile = None;
            opts.splits = None;
            if GemmPlan::with_options(&dev, &spec, opts).is_err() {
                continue;
            }
        }
        check(&dev, &spec, opts, 5000 + i as u64, &mut failures);
        i += 1;
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
    randomized(Arch::Gfx942, 12);
}

#[test]
fn randomized_gfx950() {
    randomized(Arch::Gfx950, 12);
}
