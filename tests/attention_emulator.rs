//! The attention kernels on the emulator, for gfx942 and gfx950, against the f64 reference with `verify`.
//!
//! Coverage is pairwise rather than a full cross product (the emulator runs every lane of every 512-thread block on
//! two cores): query/key lengths 1, 17, 128, 129, 1000 (equal and unequal), no mask / causal / sliding window /
//! both, GQA ratios 1, 4, 8, varlen batches with zero-length sequences, head dims 64/128/256, bf16/f16/FP8 inputs,
//! bf16/f16/f32 outputs, softcap, BHSD strides, the split-KV decode path, and the LSE; and scores that grow along
//! the keys, so the lazy rescale fires mid-stream (`rescale_cases`). O and the LSE buffers start as NaN so a row the
//! kernel forgets to write fails.
//!
//! Needs the emulator; without it each test prints why it skips, and fails when HIPFORGE_REQUIRE_EMULATOR=1.
// Every test here needs the `emulator` feature (on by default); without it the file compiles to nothing.
#![cfg(feature = "emulator")]

use hipforge::attention::{AttentionPlan, AttentionSpec};
use hipforge::reference;
use hipforge::runtime::{Arch, Device, DeviceRepr};
use hipforge::verify::{verify, ErrorModel};
use hipforge::{bf16, f16, DType, Element, F8E4M3Fnuz, F8E4M3};

mod common;
use common::{emulator, XorShift64};

/// Input element kind of a case; FP8 means the arch's e4m3 flavour.
#[derive(Clone, Copy, Debug)]
enum In {
    Bf16,
    F16,
    Fp8,
}

/// Runs `spec` on `dev`, checks O and the LSE against the reference; returns a one-line summary.
///
/// `k_ramp` > 0 multiplies key row j by 1 + j·k_ramp (fixed-length BSHD specs only), so every row's running max
/// keeps growing from tile to tile: the kernel's lazy rescale then fires mid-stream, with the previous tile's P·V
/// still pending, instead of only on a row's first visible tile as with ~N(0, 1) scores.
fn check<T: Element + DeviceRepr, O: Element + DeviceRepr>(
    dev: &Device,
    spec: &AttentionSpec,
    seed: u64,
    k_ramp: f32,
) -> String {
    let mut rng = XorShift64(seed | 1);
    // FP8 inputs are drawn so that the dequantized values are ~N(0, 1): the kernel sees the raw codes.
    let fp8 = spec.dtype.is_fp8();
    let mut draw = |n: usize, descale: f32, ramp: &dyn Fn(usize) -> f32| -> Vec<T> {
        (0..n)
            .map(|i| T::from_f32(ramp(i) * if fp8 { rng.normal() / descale } else { rng.normal() }))
            .collect()
    };
    let flat = |_: usize| 1.0f32;
    if k_ramp > 0.0 {
        let st = &spec.k_strides;
        assert!(
            spec.varlen.is_none() && st.head >= spec.head_dim && st.seq >= st.head * spec.heads_kv,
            "k_ramp needs a fixed-length BSHD spec"
        );
    }
    let key_ramp = |i: usize| 1.0 + ((i / spec.k_strides.seq) % spec.seqlen_k.max(1)) as f32 * k_ramp;
    let q = draw(spec.q_len(), spec.descale_q, &flat);
    let k = draw(spec.k_len(), spec.descale_k, &key_ramp);
    let v = draw(spec.v_len(), spec.descale_v, &flat);

    let plan = AttentionPlan::new(dev, spec).unwrap_or_else(|e| panic!("plan for {spec:?}: {e}"));
    let (qd, kd, vd) = (
        dev.upload(&q).unwrap(),
        dev.upload(&k).unwrap(),
        dev.upload(&v).unwrap(),
    );
    let mut od = dev.upload(&vec![O::from_f32(f32::NAN); spec.o_len()]).unwrap();
    let mut lsed = dev.upload(&vec![f32::NAN; spec.lse_len()]).unwrap();
    let lse_arg: Option<&mut dyn hipforge::runtime::DevicePtrMut<f32>> =
        if spec.return_lse { Some(&mut lsed) } else { None };
    plan.run(&qd, &kd, &vd, &mut od, lse_arg)
        .unwrap_or_else(|e| panic!("{} on {}: {e}", plan.kernel(), dev.name()));

    let expected = reference::attention(spec, &q, &k, &v).unwrap();
    let got = spec.gather_o(&od.download().unwrap()).unwrap();
    // P is rounded to bf16 before P·V (f16 for f16 inputs; FP8 inputs use bf16 P with V decoded exactly to bf16).
    let p = if spec.dtype == DType::F16 {
        DType::F16
    } else {
        DType::BF16
    };
    // Ramped keys push scores into the hundreds, where their own f32 error (accumulation over the head dim, the
    // scale, the max subtraction) no longer vanishes next to the output's rounding: bound it and add it to the model.
    let score_error = if k_ramp > 0.0 {
        score_error_bound(spec, &q, &k)
    } else {
        0.0
    };
    let model = |out: DType, p: DType| ErrorModel::attention(out, p).with_score_error(score_error);
    let rep = verify(&got, &expected.out, &model(spec.out_dtype, p)).unwrap();
    let what = format!("{} on {} ({spec:?})", plan.kernel(), dev.arch());
    assert!(rep.passed(), "O of {what}: {rep}");
    let mut line = format!("{:<28} {} O worst {:.3}", plan.kernel(), dev.arch(), rep.worst_ratio());
    if let Some(lse_exp) = &expected.lse {
        let lse = lsed.download().unwrap();
        // The LSE sums f32 probabilities (no P rounding).
        let rep = verify(&lse, lse_exp, &model(DType::F32, DType::F32)).unwrap();
        assert!(rep.passed(), "LSE of {what}: {rep}");
        line += &format!(", LSE worst {:.3}", rep.worst_ratio());
    }
    line
}

/// A bound on the absolute error of any score scale·q·k as the kernel computes it in f32 (natural-log units): at
/// most head_dim + 4 roundings (the MFMA accumulation, the scale, the max subtraction, the exp2 argument) of values no
/// larger than scale·Σ|q||k|, so γ_(d+4)·max over (row, key) of scale·descales·Σ_e |q_e||k_e|. Batch and heads as the
/// spec lays them out (fixed lengths).
fn score_error_bound<T: Element>(spec: &AttentionSpec, q: &[T], k: &[T]) -> f64 {
    let (qs, ks, d) = (&spec.q_strides, &spec.k_strides, spec.head_dim);
    let group = spec.heads_q / spec.heads_kv;
    let mut worst = 0.0f64;
    for b in 0..spec.batch {
        for h in 0..spec.heads_q {
            for i in 0..spec.seqlen_q {
                let qi = b * qs.batch + i * qs.seq + h * qs.head;
                for j in 0..spec.seqlen_k {
                    let kj = b * ks.batch + j * ks.seq + (h / group) * ks.head;
                    let dot: f64 = (0..d).map(|e| (q[qi + e].to_f64() * k[kj + e].to_f64()).abs()).sum();
                    worst = worst.max(dot);
                }
            }
        }
    }
    let scaled = worst * (spec.softmax_scale * spec.descale_q * spec.descale_k) as f64;
    let nu = (d + 4) as f64 * f64::from(f32::EPSILON) / 2.0;
    scaled * nu / (1.0 - nu)
}

/// Dispatches on the input kind and output dtype.
fn run(dev: &Device, input: In, spec: AttentionSpec, seed: u64) {
    run_with(dev, input, spec, seed, 0.0)
}

/// `run` with key rows ramped (see `check`).
fn run_with(dev: &Device, input: In, spec: AttentionSpec, seed: u64, k_ramp: f32) {
    let fp8 = dev.arch().fp8_e4m3();
    let mut spec = spec;
    spec.dtype = match input {
        In::Bf16 => DType::BF16,
        In::F16 => DType::F16,
        In::Fp8 => fp8,
    };
    macro_rules! with_out {
        ($t:ty) => {
            match spec.out_dtype {
                DType::BF16 => check::<$t, bf16>(dev, &spec, seed, k_ramp),
                DType::F16 => check::<$t, f16>(dev, &spec, seed, k_ramp),
                _ => check::<$t, f32>(dev, &spec, seed, k_ramp),
            }
        };
    }
    let line = match (input, fp8) {
        (In::Bf16, _) => with_out!(bf16),
        (In::F16, _) => with_out!(f16),
        (In::Fp8, DType::F8E4M3) => with_out!(F8E4M3),
        (In::Fp8, _) => with_out!(F8E4M3Fnuz),
    };
    println!("{line}");
}

fn spec(batch: usize, sq: usize, sk: usize, heads_q: usize, heads_kv: usize, d: usize) -> AttentionSpec {
    AttentionSpec::new(batch, sq, sk, heads_q, d, DType::BF16)
        .gqa(heads_kv)
        .with_lse()
}

/// Small and ragged: every dtype, every head dim, masks, GQA, softcap, layouts, output types.
fn small_cases(dev: &Device) {
    run(dev, In::Bf16, spec(2, 17, 17, 4, 4, 128), 1);
    run(
        dev,
        In::F16,
        spec(1, 128, 128, 4, 1, 64).causal().out_dtype(DType::F16),
        2,
    );
    run(
        dev,
        In::Fp8,
        spec(1, 129, 129, 8, 1, 128)
            .window(Some(32), Some(0))
            .descales(0.5, 0.25, 2.0),
        3,
    );
    run(
        dev,
        In::Bf16,
        spec(1, 33, 70, 2, 2, 64).softcap(20.0).out_dtype(DType::F32),
        4,
    );
    run(
        dev,
        In::F16,
        spec(1, 40, 100, 1, 1, 256)
            .window(Some(10), Some(5))
            .out_dtype(DType::F32),
        5,
    );
    run(
        dev,
        In::Fp8,
        spec(1, 17, 129, 4, 4, 256)
            .causal()
            .out_dtype(DType::F32)
            .descales(2.0, 1.0, 0.5),
        6,
    );
    run(dev, In::Bf16, spec(2, 129, 17, 8, 8, 64).causal().bhsd(), 7); // rows above the diagonal see nothing
    run(dev, In::Fp8, spec(1, 1, 1, 1, 1, 64).descales(1.0, 1.0, 1.0), 8);
    run(
        dev,
        In::F16,
        spec(1, 129, 128, 8, 2, 128)
            .window(Some(40), None)
            .out_dtype(DType::F16),
        9,
    );
    run(
        dev,
        In::Bf16,
        spec(1, 130, 129, 2, 1, 256).causal().window(Some(70), None),
        10,
    );
    run(dev, In::F16, spec(2, 17, 0, 2, 2, 64), 14); // no keys at all: O = 0, LSE = −inf
}

/// Varlen batches with zero-length sequences (queries and keys), mixed with masks and GQA.
fn varlen_cases(dev: &Device) {
    let v = |hq, hkv, d, lq: &[u32], lk: &[u32]| {
        let cu = |l: &[u32]| {
            std::iter::once(0)
                .chain(l.iter().scan(0, |s, &x| {
                    *s += x;
                    Some(*s)
                }))
                .collect::<Vec<u32>>()
        };
        AttentionSpec::new(1, 1, 1, hq, d, DType::BF16)
            .gqa(hkv)
            .with_lse()
            .varlen(cu(lq), cu(lk))
    };
    run(
        dev,
        In::Bf16,
        v(4, 4, 128, &[17, 0, 129, 1], &[17, 5, 129, 0]).causal(),
        11,
    );
    run(
        dev,
        In::F16,
        v(4, 1, 64, &[1, 1, 3, 0], &[100, 0, 300, 7]).softcap(10.0),
        12,
    ); // decode path
    run(
        dev,
        In::Fp8,
        v(8, 1, 64, &[5, 128, 0], &[0, 200, 3]).window(Some(20), Some(3)),
        13,
    );
}

/// Long sequences (1000) with one head and a small batch, and the split-KV decode path.
fn long_cases(dev: &Device) {
    run(dev, In::Bf16, spec(1, 1000, 1000, 1, 1, 64).causal(), 21);
    run(dev, In::F16, spec(1, 1, 1000, 8, 1, 128).out_dtype(DType::F16), 22); // decode, GQA 8
    run(
        dev,
        In::Fp8,
        spec(1, 17, 1000, 1, 1, 64).window(Some(100), Some(20)),
        23,
    );
    run(dev, In::Bf16, spec(1, 1000, 17, 4, 1, 128).causal(), 24);
    run(dev, In::Bf16, spec(1, 5, 300, 16, 2, 256).causal(), 25); // decode, 8 heads per block
    run(dev, In::F16, spec(1, 300, 129, 2, 2, 128).window(Some(50), None), 27); // 2 query blocks, forward order
    run(
        dev,
        In::F16,
        spec(1, 16, 200, 4, 4, 64).causal().out_dtype(DType::F32),
        26,
    ); // decode, 16 rows
}

/// Scores that grow along the keys (`k_ramp`): the running max moves on every tile, so the lazy rescale runs with
/// the previous tile's P·V pending (the kernel settles it in the old scale first), on both paths of the pipeline.
fn rescale_cases(dev: &Device) {
    run_with(dev, In::Bf16, spec(1, 300, 700, 2, 1, 128), 31, 0.125); // 2 query blocks, 11 tiles each
    run_with(dev, In::F16, spec(1, 500, 500, 1, 1, 64).causal(), 32, 0.125); // waves end on different tiles
    run_with(
        dev,
        In::Fp8,
        spec(1, 40, 300, 2, 2, 128)
            .window(Some(150), None)
            .descales(1.0, 4.0, 1.0),
        33,
        0.05,
    );
    run_with(dev, In::Bf16, spec(1, 3, 900, 8, 1, 64), 34, 0.125); // decode (split-KV)
}

#[test]
fn gfx950_rescale() {
    if let Some(dev) = emulator(Arch::Gfx950) {
        rescale_cases(&dev);
    }
}

#[test]
fn gfx942_rescale() {
    if let Some(dev) = emulator(Arch::Gfx942) {
        rescale_cases(&dev);
    }
}

#[test]
fn gfx950_small() {
    if let Some(dev) = emulator(Arch::Gfx950) {
        small_cases(&dev);
    }
}

#[test]
fn gfx942_small() {
    if let Some(dev) = emulator(Arch::Gfx942) {
        small_cases(&dev);
    }
}

#[test]
fn gfx950_varlen() {
    if let Some(dev) = emulator(Arch::Gfx950) {
        varlen_cases(&dev);
    }
}

#[test]
fn gfx942_varlen() {
    if let Some(dev) = emulator(Arch::Gfx942) {
        varlen_cases(&dev);
    }
}

#[test]
fn gfx950_long() {
    if let Some(dev) = emulator(Arch::Gfx950) {
        long_cases(&dev);
    }
}

#[test]
fn gfx942_long() {
    if let Some(dev) = emulator(Arch::Gfx942) {
        long_cases(&dev);
    }
}

#[test]
fn decode_path_is_taken_for_short_queries_only() {
    let Some(dev) = emulator(Arch::Gfx950) else { return };
    let plan = AttentionPlan::new(&dev, &spec(1, 1, 1000, 8, 1, 128)).unwrap();
    assert!(plan.kernel().starts_with("hf_attn_decode_"), "{}", plan.kernel());
    assert!(plan.kv_splits().is_some_and(|s| s > 1));
    let plan = AttentionPlan::new(&dev, &spec(1, 17, 1000, 8, 1, 128)).unwrap();
    assert!(plan.kernel().starts_with("hf_attn_fwd_"), "{}", plan.kernel());
    assert_eq!(plan.kv_splits(), None);
    // One KV tile: nothing to split.
    let plan = AttentionPlan::new(&dev, &spec(1, 1, 64, 8, 1, 128)).unwrap();
    assert_eq!(plan.kv_splits(), None);
}
