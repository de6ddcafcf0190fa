//! The attention reference checked without trusting it: a case worked by hand, identities (one-hot rows, causal
//! first row = V[0], GQA = repeated KV heads, varlen = separate batches, BHSD = BSHD), fully masked rows, and a
//! naive per-element loop written here from the spec's formula on random ragged shapes.

use hipforge::attention::AttentionSpec;
use hipforge::reference;
use hipforge::{bf16, f16, DType, Error, F8E4M3};

mod common;
use common::XorShift64;

fn bf16s(rng: &mut XorShift64, n: usize) -> Vec<bf16> {
    (0..n).map(|_| bf16::from_f32(rng.unit() * 2.0)).collect()
}

fn b(x: f32) -> bf16 {
    bf16::from_f32(x)
}

#[test]
fn two_keys_worked_by_hand() {
    // d = 1, scale 1: q = 1, k = [0, 1] → scores [0, 1], P = [1, e]/(1 + e); v = [1, 0] → O = 1/(1 + e).
    let spec = AttentionSpec::new(1, 1, 2, 1, 1, DType::BF16)
        .out_dtype(DType::F32)
        .with_lse();
    assert_eq!(spec.softmax_scale, 1.0);
    let e = reference::attention(&spec, &[b(1.0)], &[b(0.0), b(1.0)], &[b(1.0), b(0.0)]).unwrap();
    let want = 1.0 / (1.0 + std::f64::consts::E);
    assert!((e.out.values[0] - want).abs() < 1e-15, "{} vs {want}", e.out.values[0]);
    let lse = e.lse.unwrap();
    assert!((lse.values[0] - (1.0 + std::f64::consts::E).ln()).abs() < 1e-15);
    assert_eq!(e.out.depth, 2);
    assert!(e.out.magnitudes[0] >= want);
}

#[test]
fn one_hot_rows_pick_one_value_row() {
    // Keys are ±20 along one axis; query i points at key (i·3) mod sk with score 400, all others ≤ 0.
    let (sq, sk, d) = (5, 7, 4);
    let mut spec = AttentionSpec::new(1, sq, sk, 1, d, DType::BF16).out_dtype(DType::F32);
    spec.softmax_scale = 1.0;
    let mut k = vec![b(0.0); sk * d];
    let mut q = vec![b(0.0); sq * d];
    for j in 0..sk {
        // Key j: +20 on axis j % d when j < d, else −20 on axis j − d (so the first d keys are distinct).
        if j < d {
            k[j * d + j] = b(20.0);
        } else {
            k[j * d + (j - d)] = b(-20.0);
        }
    }
    let mut rng = XorShift64(3);
    let v = bf16s(&mut rng, sk * d);
    for i in 0..sq {
        let target = i % d; // a key with +20 on axis `target`
        q[i * d + target] = b(20.0);
        let e = reference::attention(&spec, &q, &k, &v).unwrap();
        for x in 0..d {
            let got = e.out.values[i * d + x];
            let want = v[target * d + x].to_f64();
            assert!((got - want).abs() < 1e-100, "row {i} dim {x}: {got} vs {want}");
        }
        q[i * d + target] = b(0.0);
    }
}

#[test]
fn causal_first_row_is_v0() {
    let (s, d) = (9, 8);
    let mut rng = XorShift64(4);
    let spec = AttentionSpec::new(2, s, s, 3, d, DType::F16).causal();
    let q: Vec<f16> = (0..spec.q_len()).map(|_| f16::from_f32(rng.unit())).collect();
    let k: Vec<f16> = (0..spec.k_len()).map(|_| f16::from_f32(rng.unit())).collect();
    let v: Vec<f16> = (0..spec.v_len()).map(|_| f16::from_f32(rng.unit())).collect();
    let e = reference::attention(&spec, &q, &k, &v).unwrap();
    for bt in 0..2 {
        for h in 0..3 {
            for x in 0..d {
                let got = e.out.values[((bt * s) * 3 + h) * d + x];
                assert_eq!(got, v[spec.v_strides.offset(bt, 0, h, x)].to_f64());
            }
        }
    }
}

#[test]
fn rows_with_no_visible_key_are_zero_with_lse_minus_infinity() {
    // sq = 6 > sk = 3, causal bottom-right: query i sees keys j ≤ i − 3, so rows 0..3 are fully masked.
    let mut rng = XorShift64(5);
    let spec = AttentionSpec::new(1, 6, 3, 1, 4, DType::BF16).causal().with_lse();
    let (q, k, v) = (
        bf16s(&mut rng, spec.q_len()),
        bf16s(&mut rng, spec.k_len()),
        bf16s(&mut rng, spec.v_len()),
    );
    let e = reference::attention(&spec, &q, &k, &v).unwrap();
    let lse = e.lse.unwrap();
    for i in 0..6 {
        let masked = i < 3;
        assert_eq!(lse.values[i] == f64::NEG_INFINITY, masked, "row {i}");
        for x in 0..4 {
            let o = e.out.values[i * 4 + x];
            assert!(!o.is_nan());
            if masked {
                assert_eq!((o, e.out.magnitudes[i * 4 + x]), (0.0, 0.0));
            }
        }
    }
    // Row 3 sees key 0 only: O = V[0].
    for (x, vx) in v.iter().take(4).enumerate() {
        assert_eq!(e.out.values[3 * 4 + x], vx.to_f64());
    }
    // A zero-length key sequence masks everything.
    let spec = AttentionSpec::new(1, 2, 0, 1, 4, DType::BF16).with_lse();
    let e = reference::attention(&spec, &q[..8], &[], &[]).unwrap();
    assert!(e.out.values.iter().all(|&x| x == 0.0));
    assert!(e.lse.unwrap().values.iter().all(|&x| x == f64::NEG_INFINITY));
}

#[test]
fn gqa_equals_mha_with_repeated_kv_heads() {
    let (bs, sq, sk, hq, hkv, d) = (2, 5, 11, 8, 2, 16);
    let mut rng = XorShift64(6);
    let gqa = AttentionSpec::new(bs, sq, sk, hq, d, DType::BF16)
        .gqa(hkv)
        .window(Some(3), Some(1))
        .with_lse();
    let q = bf16s(&mut rng, gqa.q_len());
    let k = bf16s(&mut rng, gqa.k_len());
    let v = bf16s(&mut rng, gqa.v_len());
    let mha = AttentionSpec::new(bs, sq, sk, hq, d, DType::BF16)
        .window(Some(3), Some(1))
        .with_lse();
    let repeat = |src: &[bf16]| {
        let mut out = vec![b(0.0); mha.k_len()];
        for bt in 0..bs {
            for t in 0..sk {
                for h in 0..hq {
                    for x in 0..d {
                        out[mha.k_strides.offset(bt, t, h, x)] = src[gqa.k_strides.offset(bt, t, h / (hq / hkv), x)];
                    }
                }
            }
        }
        out
    };
    let a = reference::attention(&gqa, &q, &k, &v).unwrap();
    let m = reference::attention(&mha, &q, &repeat(&k), &repeat(&v)).unwrap();
    assert_eq!(a.out.values, m.out.values);
    assert_eq!(a.lse.unwrap().values, m.lse.unwrap().values);
}

#[test]
fn varlen_equals_separate_batches() {
    let lens_q = [3usize, 0, 7, 1];
    let lens_k = [5usize, 4, 2, 9];
    let (h, d) = (2, 8);
    let prefix = |l: &[usize]| {
        let mut v = vec![0u32];
        for x in l {
            v.push(v.last().unwrap() + *x as u32);
        }
        v
    };
    let mut rng = XorShift64(7);
    let spec = AttentionSpec::new(1, 1, 1, h, d, DType::BF16)
        .causal()
        .softcap(5.0)
        .with_lse()
        .varlen(prefix(&lens_q), prefix(&lens_k));
    assert_eq!((spec.batch, spec.seqlen_q, spec.seqlen_k), (4, 7, 9));
    let q = bf16s(&mut rng, spec.q_len());
    let k = bf16s(&mut rng, spec.k_len());
    let v = bf16s(&mut rng, spec.v_len());
    let packed = reference::attention(&spec, &q, &k, &v).unwrap();
    let lse = packed.lse.unwrap();
    let (mut q0, mut k0) = (0, 0);
    for s in 0..4 {
        let one = AttentionSpec::new(1, lens_q[s], lens_k[s], h, d, DType::BF16)
            .causal()
            .softcap(5.0)
            .with_lse();
        let row = h * d;
        let e = reference::attention(
            &one,
            &q[q0 * row..(q0 + lens_q[s]) * row],
            &k[k0 * row..(k0 + lens_k[s]) * row],
            &v[k0 * row..(k0 + lens_k[s]) * row],
        )
        .unwrap();
        assert_eq!(&packed.out.values[q0 * row..(q0 + lens_q[s]) * row], &e.out.values[..]);
        let one_lse = e.lse.unwrap();
        for hh in 0..h {
            for i in 0..lens_q[s] {
                assert_eq!(
                    lse.values[spec.lse_index(s, hh, i)],
                    one_lse.values[one.lse_index(0, hh, i)]
                );
            }
        }
        q0 += lens_q[s];
        k0 += lens_k[s];
    }
}

#[test]
fn bhsd_equals_bshd() {
    let (bs, sq, sk, h, d) = (2, 6, 9, 3, 8);
    let mut rng = XorShift64(8);
    let bshd = AttentionSpec::new(bs, sq, sk, h, d, DType::BF16);
    let bhsd = bshd.clone().bhsd();
    let q = bf16s(&mut rng, bshd.q_len());
    let k = bf16s(&mut rng, bshd.k_len());
    let v = bf16s(&mut rng, bshd.v_len());
    let relayout = |src: &[bf16], s: usize| {
        let mut out = vec![b(0.0); src.len()];
        let (from, to) = (
            hipforge::attention::Strides::bshd(s, h, d),
            hipforge::attention::Strides::bhsd(s, h, d),
        );
        for bt in 0..bs {
            for t in 0..s {
                for hh in 0..h {
                    for x in 0..d {
                        out[to.offset(bt, t, hh, x)] = src[from.offset(bt, t, hh, x)];
                    }
                }
            }
        }
        out
    };
    let a = reference::attention(&bshd, &q, &k, &v).unwrap();
    let t = reference::attention(&bhsd, &relayout(&q, sq), &relayout(&k, sk), &relayout(&v, sk)).unwrap();
    assert_eq!(a.out.values, t.out.values);
    // gather_o of a BHSD buffer gives the packed order too.
    let o_bhsd = relayout(&a.out.values.iter().map(|&x| b(x as f32)).collect::<Vec<_>>(), sq);
    let gathered = bhsd.gather_o(&o_bhsd).unwrap();
    let direct: Vec<bf16> = a.out.values.iter().map(|&x| b(x as f32)).collect();
    assert_eq!(gathered, direct);
}

#[test]
fn fp8_descales_multiply_the_inputs() {
    // e4m3 0x38 = 1.0 (exponent 7 − 7 = 0). With descales q 2, k 3, v 0.5 and one key: O = 0.5·V, LSE = 6·scale.
    let one = F8E4M3::from_bits(0x38);
    assert_eq!(one.to_f64(), 1.0);
    let spec = AttentionSpec::new(1, 1, 1, 1, 1, DType::F8E4M3)
        .descales(2.0, 3.0, 0.5)
        .with_lse();
    let e = reference::attention(&spec, &[one], &[one], &[one]).unwrap();
    assert_eq!(e.out.values, vec![0.5]);
    assert_eq!(e.lse.unwrap().values, vec![6.0]);
}

// ---- the naive loop ---------------------------------------------------------------------------------------------

fn naive(spec: &AttentionSpec, q: &[f64], k: &[f64], v: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let d = spec.head_dim;
    let mut out = Vec::new();
    let mut lse = vec![0.0; spec.lse_len()];
    for bt in 0..spec.batch {
        let (sq, sk, q0, k0) = spec.sequence(bt);
        let bb = if spec.varlen.is_some() { 0 } else { bt };
        for i in 0..sq {
            for h in 0..spec.heads_q {
                let kh = h * spec.heads_kv / spec.heads_q;
                let diag = i as i64 + sk as i64 - sq as i64;
                let mut scores = Vec::new();
                for j in 0..sk {
                    let ji = j as i64;
                    let hidden = (spec.causal && ji > diag)
                        || spec.window.left.is_some_and(|l| ji < diag - l as i64)
                        || spec.window.right.is_some_and(|r| ji > diag + r as i64);
                    if hidden {
                        continue;
                    }
                    let mut dot = 0.0;
                    for x in 0..d {
                        dot += q[spec.q_strides.offset(bb, q0 + i, h, x)] * k[spec.k_strides.offset(bb, k0 + j, kh, x)];
                    }
                    let mut s = spec.softmax_scale as f64 * dot * spec.descale_q as f64 * spec.descale_k as f64;
                    if let Some(c) = spec.softcap {
                        s = c as f64 * (s / c as f64).tanh();
                    }
                    scores.push((j, s));
                }
                let mx = scores.iter().map(|x| x.1).fold(f64::NEG_INFINITY, f64::max);
                let z: f64 = scores.iter().map(|x| (x.1 - mx).exp()).sum();
                for x in 0..d {
                    let o: f64 = scores
                        .iter()
                        .map(|&(j, s)| (s - mx).exp() / z * v[spec.v_strides.offset(bb, k0 + j, kh, x)])
                        .sum::<f64>()
                        * spec.descale_v as f64;
                    out.push(if scores.is_empty() { 0.0 } else { o });
                }
                if spec.return_lse {
                    lse[spec.lse_index(bt, h, i)] = if scores.is_empty() {
                        f64::NEG_INFINITY
                    } else {
                        mx + z.ln()
                    };
                }
            }
        }
    }
    (out, lse)
}

#[test]
fn fast_path_matches_naive_loop_on_random_ragged_problems() {
    let mut rng = XorShift64(0xa77e);
    for case in 0..30 {
        let bs = 1 + rng.below(3);
        let (sq, sk) = (1 + rng.below(40), rng.below(45));
        let hkv = 1 + rng.below(2);
        let hq = hkv * [1, 2, 4][rng.below(3)];
        let d = [1, 8, 16, 33][rng.below(4)];
        let mut spec = AttentionSpec::new(bs, sq, sk, hq, d, DType::BF16).gqa(hkv).with_lse();
        if case % 3 == 0 {
            spec = spec.causal();
        }
        if case % 4 == 1 {
            spec = spec.window(
                Some(rng.below(6)),
                if case % 8 == 1 { None } else { Some(rng.below(4)) },
            );
        }
        if case % 5 == 2 {
            spec = spec.softcap(1.5);
        }
        if case % 2 == 1 {
            spec = spec.bhsd();
        }
        let (q, k, v) = (
            bf16s(&mut rng, spec.q_len()),
            bf16s(&mut rng, spec.k_len()),
            bf16s(&mut rng, spec.v_len()),
        );
        let e = reference::attention(&spec, &q, &k, &v).unwrap();
        let to64 = |x: &[bf16]| x.iter().map(|y| y.to_f64()).collect::<Vec<_>>();
        let (want, want_lse) = naive(&spec, &to64(&q), &to64(&k), &to64(&v));
        for (i, (g, w)) in e.out.values.iter().zip(&want).enumerate() {
            assert!(
                (g - w).abs() <= 1e-12 * (1.0 + e.out.magnitudes[i]),
                "case {case} ({spec:?}) {i}: {g} vs {w}"
            );
            assert!(e.out.magnitudes[i] >= g.abs() * (1.0 - 1e-12));
        }
        for (g, w) in e.lse.unwrap().values.iter().zip(&want_lse) {
            assert!(
                g == w || (g - w).abs() <= 1e-12 * (1.0 + w.abs()),
                "case {case} lse: {g} vs {w}"
            );
        }
    }
}

// ---- bad specs: typed errors --------------------------------------------------------------------------------------

fn invalid_field(r: Result<(), Error>) -> String {
    match r {
        Err(Error::InvalidArgument { what, .. }) => what,
        other => panic!("expected InvalidArgument, got {other:?}"),
    }
}

fn base() -> AttentionSpec {
    AttentionSpec::new(2, 8, 8, 4, 16, DType::BF16)
}

#[test]
fn heads_not_a_multiple_is_rejected() {
    assert_eq!(invalid_field(base().gqa(3).validate()), "heads_q");
    assert_eq!(invalid_field(base().gqa(0).validate()), "heads_q");
}

#[test]
fn zero_head_dim_is_rejected() {
    let mut s = base();
    s.head_dim = 0;
    assert_eq!(invalid_field(s.validate()), "head_dim");
}

#[test]
fn unsupported_dtypes_are_rejected() {
    let s = AttentionSpec::new(1, 4, 4, 1, 8, DType::F32);
    assert!(matches!(s.validate(), Err(Error::UnsupportedDType { .. })));
    let s = base().out_dtype(DType::F8E4M3);
    assert!(matches!(s.validate(), Err(Error::UnsupportedDType { .. })));
}

#[test]
fn bad_scales_and_softcap_are_rejected() {
    let mut s = base();
    s.softmax_scale = f32::NAN;
    assert_eq!(invalid_field(s.validate()), "softmax_scale");
    assert_eq!(invalid_field(base().softcap(-1.0).validate()), "softcap");
    assert_eq!(invalid_field(base().descales(2.0, 1.0, 1.0).validate()), "descale_q");
    let fp8 = AttentionSpec::new(1, 4, 4, 1, 8, DType::F8E4M3).descales(1.0, 0.0, 1.0);
    assert_eq!(invalid_field(fp8.validate()), "descale_k");
}

#[test]
fn bad_cu_seqlens_are_rejected() {
    let s = base().varlen(vec![0, 5, 3], vec![0, 4, 8]);
    assert_eq!(invalid_field(s.validate()), "cu_seqlens_q");
    let s = base().varlen(vec![1, 5], vec![0, 4]);
    assert_eq!(invalid_field(s.validate()), "cu_seqlens_q");
    let s = base().varlen(vec![0, 5], vec![0, 4, 8]);
    assert_eq!(invalid_field(s.validate()), "cu_seqlens_k");
    let mut s = base().varlen(vec![0, 5], vec![0, 9]);
    s.seqlen_k = 4;
    assert_eq!(invalid_field(s.validate()), "cu_seqlens_k");
}

#[test]
fn overlapping_output_strides_are_rejected() {
    let mut s = base();
    s.o_strides.head = 8; // heads of 16 elements 8 apart overlap
    assert_eq!(invalid_field(s.validate()), "o_strides");
}

#[test]
fn short_buffers_and_wrong_element_types_are_rejected() {
    let s = base();
    let q = vec![b(0.0); s.q_len()];
    let k = vec![b(0.0); s.k_len() - 1];
    match reference::attention(&s, &q, &k, &q) {
        Err(Error::LengthMismatch { what, .. }) => assert_eq!(what, "k"),
        other => panic!("{other:?}"),
    }
    let h = vec![f16::ZERO; s.q_len()];
    assert!(matches!(
        reference::attention(&s, &h, &h, &h),
        Err(Error::InvalidArgument { .. })
    ));
}

#[test]
fn buffer_lengths_and_masks_follow_the_docs() {
    let s = AttentionSpec::new(2, 3, 5, 4, 8, DType::BF16).gqa(2).with_lse();
    assert_eq!(
        (s.q_len(), s.k_len(), s.o_len(), s.lse_len()),
        (2 * 3 * 4 * 8, 2 * 5 * 2 * 8, 192, 2 * 4 * 3)
    );
    // Bottom-right causal with sq 3, sk 5: row 0 sees keys 0..=2.
    let c = s.clone().causal();
    assert!(c.visible(0, 2, 3, 5) && !c.visible(0, 3, 3, 5));
    let w = s.window(Some(1), Some(0));
    assert!(w.visible(0, 1, 3, 5) && w.visible(0, 2, 3, 5) && !w.visible(0, 0, 3, 5) && !w.visible(0, 3, 3, 5));
}

/// Attention the way a FlashAttention kernel does it — f32 scores, online softmax over 16-key blocks with
/// rescaling, P rounded to bf16 before P·V, f32 row sums, bf16 output — must pass the verifier with the reference's
/// magnitudes and score-error bound, and the LSE must pass too; planted errors must not.
#[test]
fn a_flash_style_f32_kernel_passes_verify_against_the_reference() {
    use hipforge::verify::{verify, verify_f64, ErrorModel};
    let mut rng = XorShift64(1234);
    let spec = AttentionSpec::new(2, 40, 100, 4, 64, DType::BF16)
        .gqa(2)
        .causal()
        .softcap(30.0)
        .with_lse();
    // Scores of a few units: large enough that the score error matters.
    let big = |rng: &mut XorShift64, n: usize| (0..n).map(|_| bf16::from_f32(rng.unit() * 3.0)).collect::<Vec<_>>();
    let (q, k, v) = (
        big(&mut rng, spec.q_len()),
        big(&mut rng, spec.k_len()),
        bf16s(&mut rng, spec.v_len()),
    );
    let e = reference::attention(&spec, &q, &k, &v).unwrap();

    let d = spec.head_dim;
    let mut out = Vec::new();
    let mut lse = vec![0f64; spec.lse_len()];
    for bt in 0..spec.batch {
        for i in 0..spec.seqlen_q {
            for h in 0..spec.heads_q {
                let kh = spec.kv_head(h);
                let qrow: Vec<f32> = (0..d).map(|x| q[spec.q_strides.offset(bt, i, h, x)].to_f32()).collect();
                let (mut m, mut l) = (f32::NEG_INFINITY, 0f32);
                let mut acc = vec![0f32; d];
                for j0 in (0..spec.seqlen_k).step_by(16) {
                    let js: Vec<usize> = (j0..(j0 + 16).min(spec.seqlen_k))
                        .filter(|&j| spec.visible(i, j, spec.seqlen_q, spec.seqlen_k))
                        .collect();
                    if js.is_empty() {
                        continue;
                    }
                    let scores: Vec<f32> = js
                        .iter()
                        .map(|&j| {
                            let dot: f32 = (0..d)
                                .map(|x| qrow[x] * k[spec.k_strides.offset(bt, j, kh, x)].to_f32())
                                .sum();
                            30.0 * (dot * spec.softmax_scale / 30.0).tanh()
                        })
                        .collect();
                    let m_new = scores.iter().fold(m, |a, &b| a.max(b));
                    let rescale = (m - m_new).exp();
                    l *= rescale;
                    acc.iter_mut().for_each(|a| *a *= rescale);
                    for (&j, &s) in js.iter().zip(&scores) {
                        let p = (s - m_new).exp();
                        l += p;
                        let p16 = bf16::from_f32(p).to_f32();
                        for x in 0..d {
                            acc[x] += p16 * v[spec.v_strides.offset(bt, j, kh, x)].to_f32();
                        }
                    }
                    m = m_new;
                }
                out.extend(acc.iter().map(|a| bf16::from_f32(if l > 0.0 { a / l } else { 0.0 })));
                lse[spec.lse_index(bt, h, i)] = if l > 0.0 {
                    (m + l.ln()) as f64
                } else {
                    f64::NEG_INFINITY
                };
            }
        }
    }
    let score_error = e.score_error(2f64.powi(-24));
    assert!(score_error > 0.0 && score_error < 1e-3, "{score_error}");
    let model = ErrorModel::attention(DType::BF16, DType::BF16).with_score_error(score_error);
    let report = verify(&out, &e.out, &model).unwrap();
    assert!(report.passed(), "output: {report}");
    let lse_model = ErrorModel {
        accum_unit_roundoff: 2f64.powi(-24),
        extra_relative: 0.0,
        output: DType::F32,
        saturate: false,
    }
    .with_score_error(score_error);
    let lse_report = verify_f64(&lse, e.lse.as_ref().unwrap(), &lse_model).unwrap();
    assert!(lse_report.passed(), "lse: {lse_report}");
    // Planted errors of 2% of one output's magnitude, and of 1e-3 in one LSE, are caught.
    let mut bad = out.clone();
    bad[5] = bf16::from_f64(bad[5].to_f64() + 0.02 * e.out.magnitudes[5]);
    assert!(!verify(&bad, &e.out, &model).unwrap().passed());
    let mut bad_lse = lse.clone();
    bad_lse[3] += 1e-3;
    assert!(!verify_f64(&bad_lse, e.lse.as_ref().unwrap(), &lse_model)
        .unwrap()
        .passed());
}

#[test]
fn specs_print_as_one_readable_line() {
    let s = AttentionSpec::new(2, 500, 700, 8, 128, DType::BF16)
        .gqa(2)
        .causal()
        .window(Some(64), None)
        .with_lse();
    assert_eq!(
        s.to_string(),
        "bf16 -> bf16 b2 sq500 sk700 h8/2 d128 causal window(64,inf) lse"
    );
}
