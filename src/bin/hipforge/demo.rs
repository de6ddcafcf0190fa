//! `hipforge demo`: runs GEMM and attention problems, checks each result against the f64 CPU reference with the
//! verifier, and prints one table row per run.
//!
//! Version 1 runs only the CPU reference itself (device "cpu reference": its output rounded to the output type,
//! verified against its own exact values — this exercises the whole reference → convert → verify path). The
//! kernel engineers add rows for their kernels on `Device::best()`: build a [`Row`] with [`Row::timed`] and push
//! it; the table printer needs no change.

use hipforge::attention::AttentionSpec;
use hipforge::gemm::{GemmSpec, Scaling};
use hipforge::reference::{self, GemmInputs};
use hipforge::verify::{self, ErrorModel, VerifyReport};
use hipforge::{bf16, DType, Element, F8E4M3};
use std::time::{Duration, Instant};

/// One line of the demo's table.
pub struct Row {
    /// What was computed (shape, dtypes, options).
    pub problem: String,
    /// Where it ran ("cpu reference", "gfx950 (emulator)", "MI300X", ...).
    pub device: String,
    /// Wall time of the run (not of the check).
    pub time: Duration,
    /// The verifier's verdict, or the error that stopped the run.
    pub outcome: Result<VerifyReport, hipforge::Error>,
}

impl Row {
    /// Runs `f` (returning the verifier's report), timing it.
    pub fn timed(
        problem: impl Into<String>,
        device: impl Into<String>,
        f: impl FnOnce() -> hipforge::Result<(Duration, VerifyReport)>,
    ) -> Row {
        let (time, outcome) = match f() {
            Ok((t, report)) => (t, Ok(report)),
            Err(e) => (Duration::ZERO, Err(e)),
        };
        Row {
            problem: problem.into(),
            device: device.into(),
            time,
            outcome,
        }
    }

    fn passed(&self) -> bool {
        matches!(&self.outcome, Ok(r) if r.passed())
    }
}

/// Prints the table (columns as wide as their widest cell); returns whether every row passed.
fn print_table(rows: &[Row]) -> bool {
    use crate::out::{Align, Table};
    let mut t = Table::new(&[
        ("problem", Align::Left),
        ("device", Align::Left),
        ("time", Align::Right),
        ("max err/bound", Align::Right),
        ("result", Align::Left),
    ]);
    for r in rows {
        let (ratio, verdict) = match &r.outcome {
            Ok(rep) => (
                format!("{:.3}", rep.worst_ratio()),
                if rep.passed() { "pass" } else { "FAIL" }.to_string(),
            ),
            Err(e) => ("-".into(), format!("ERROR: {e}")),
        };
        let time = if r.outcome.is_ok() {
            format!("{:.1}ms", r.time.as_secs_f64() * 1e3)
        } else {
            "-".into()
        };
        t.row(vec![r.problem.clone(), r.device.clone(), time, ratio, verdict]);
    }
    crate::out::text(&t.render());
    for r in rows {
        if let Ok(rep) = &r.outcome {
            if !rep.passed() {
                outln!("\n{}:\n{rep}", r.problem);
            }
        }
    }
    rows.iter().all(Row::passed)
}

/// Deterministic inputs in [-1, 1) (xorshift), so the demo needs no random-number crate.
fn randoms(n: usize, seed: u64) -> impl Iterator<Item = f64> {
    let mut s = seed | 1;
    (0..n).map(move |_| {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
    })
}

fn fill<T: Element>(n: usize, seed: u64, scale: f64) -> Vec<T> {
    randoms(n, seed).map(|x| T::from_f64(x * scale)).collect()
}

/// The reference's own output for a GEMM, verified against its exact values.
fn gemm_row_fp8() -> hipforge::Result<(Duration, VerifyReport)> {
    let (m, n, k) = (512, 512, 1024);
    let spec = GemmSpec::new(m, n, k, DType::F8E4M3, DType::F8E4M3, DType::BF16).scaling(Scaling::PerTensor);
    let a: Vec<F8E4M3> = fill(spec.a_len(), 1, 448.0);
    let b: Vec<F8E4M3> = fill(spec.b_len(), 2, 448.0);
    let (sa, sb) = ([1.0f32 / 448.0], [1.0f32 / 448.0]);
    let inputs = GemmInputs::new(&a, &b).with_scales(&sa, &sb);
    let t = Instant::now();
    let expected = reference::gemm(&spec, &inputs)?;
    let time = t.elapsed();
    let got: Vec<bf16> = reference::gemm_output(&spec, &inputs)?;
    Ok((
        time,
        verify::verify(&got, &expected, &ErrorModel::gemm(DType::BF16, false))?,
    ))
}

fn gemm_row_bf16() -> hipforge::Result<(Duration, VerifyReport)> {
    let spec = GemmSpec::new(1000, 777, 1031, DType::BF16, DType::BF16, DType::F32).bias();
    let a: Vec<bf16> = fill(spec.a_len(), 3, 1.0);
    let b: Vec<bf16> = fill(spec.b_len(), 4, 1.0);
    let bias: Vec<f32> = fill(spec.bias_len(), 5, 1.0);
    let inputs = GemmInputs::new(&a, &b).with_bias(&bias);
    let t = Instant::now();
    let expected = reference::gemm(&spec, &inputs)?;
    let time = t.elapsed();
    let got: Vec<f32> = reference::gemm_output(&spec, &inputs)?;
    Ok((
        time,
        verify::verify(&got, &expected, &ErrorModel::gemm(DType::F32, false))?,
    ))
}

fn attention_row() -> hipforge::Result<(Duration, VerifyReport)> {
    let spec = AttentionSpec::new(2, 500, 700, 8, 128, DType::BF16)
        .gqa(2)
        .causal()
        .with_lse();
    let q: Vec<bf16> = fill(spec.q_len(), 6, 2.0);
    let k: Vec<bf16> = fill(spec.k_len(), 7, 2.0);
    let v: Vec<bf16> = fill(spec.v_len(), 8, 1.0);
    let t = Instant::now();
    let expected = reference::attention(&spec, &q, &k, &v)?;
    let time = t.elapsed();
    let (got, _lse) = reference::attention_output::<bf16, _>(&spec, &q, &k, &v)?;
    let model = ErrorModel::attention(DType::BF16, DType::BF16).with_score_error(expected.score_error(2f64.powi(-24)));
    Ok((time, verify::verify(&got, &expected.out, &model)?))
}

/// The attention forward kernel on `dev` (a GPU, or the emulator), verified against the reference: O and the LSE
/// (the row's report is O's; an LSE failure turns into an error naming it).
fn attention_kernel_row(dev: &hipforge::runtime::Device) -> hipforge::Result<(Duration, VerifyReport)> {
    use hipforge::attention::AttentionPlan;
    let spec = AttentionSpec::new(1, 200, 300, 4, 128, DType::BF16)
        .gqa(2)
        .causal()
        .with_lse();
    let q: Vec<bf16> = fill(spec.q_len(), 9, 2.0);
    let k: Vec<bf16> = fill(spec.k_len(), 10, 2.0);
    let v: Vec<bf16> = fill(spec.v_len(), 11, 1.0);
    let plan = AttentionPlan::new(dev, &spec)?;
    let (qd, kd, vd) = (dev.upload(&q)?, dev.upload(&k)?, dev.upload(&v)?);
    let mut od = dev.alloc_zeroed::<bf16>(spec.o_len())?;
    let mut lsed = dev.alloc_zeroed::<f32>(spec.lse_len())?;
    let t = Instant::now();
    plan.run(&qd, &kd, &vd, &mut od, Some(&mut lsed))?;
    dev.synchronize()?;
    let time = t.elapsed();
    let expected = reference::attention(&spec, &q, &k, &v)?;
    let got = spec.gather_o(&od.download()?)?;
    if let Some(lse) = &expected.lse {
        let rep = verify::verify(&lsed.download()?, lse, &ErrorModel::attention(DType::F32, DType::F32))?;
        if !rep.passed() {
            return Err(hipforge::Error::Unsupported {
                what: format!("attention LSE failed verification: {rep}"),
            });
        }
    }
    Ok((
        time,
        verify::verify(&got, &expected.out, &ErrorModel::attention(DType::BF16, DType::BF16))?,
    ))
}

/// A GEMM on `dev` with hipforge's kernels (plan + run), verified against the reference. FP8 uses the device's own
/// flavour (FNUZ on gfx942, OCP on gfx950) with per-tensor scales.
fn gemm_kernel_row(dev: &hipforge::runtime::Device, fp8: bool) -> hipforge::Result<(Duration, VerifyReport)> {
    use hipforge::gemm::{GemmOperands, GemmPlan};
    use hipforge::runtime::DeviceRepr;
    fn go<T: Element + DeviceRepr>(
        dev: &hipforge::runtime::Device,
        spec: &GemmSpec,
        scale: f64,
    ) -> hipforge::Result<(Duration, VerifyReport)> {
        let a: Vec<T> = fill(spec.a_len(), 12, scale);
        let b: Vec<T> = fill(spec.b_len(), 13, scale);
        let (sa, sb) = (vec![(1.0 / scale) as f32], vec![(1.0 / scale) as f32]);
        let plan = GemmPlan::new(dev, spec)?;
        let (ad, bd, sad, sbd) = (dev.upload(&a)?, dev.upload(&b)?, dev.upload(&sa)?, dev.upload(&sb)?);
        let mut dd = dev.alloc_zeroed::<bf16>(spec.d_len())?;
        let t = Instant::now();
        plan.run(&GemmOperands::new(&ad, &bd).with_scales(&sad, &sbd), &mut dd)?;
        dev.synchronize()?;
        let time = t.elapsed();
        let expected = reference::gemm(spec, &GemmInputs::new(&a, &b).with_scales(&sa, &sb))?;
        let got = spec.gather_d(&dd.download()?)?;
        Ok((
            time,
            verify::verify(&got, &expected, &ErrorModel::gemm(DType::BF16, false))?,
        ))
    }
    let (m, n, k) = (200, 300, 512);
    if fp8 {
        let t = dev.arch().fp8_e4m3();
        let spec = GemmSpec::new(m, n, k, t, t, DType::BF16).scaling(Scaling::PerTensor);
        if t == DType::F8E4M3 {
            go::<F8E4M3>(dev, &spec, 240.0)
        } else {
            go::<hipforge::F8E4M3Fnuz>(dev, &spec, 120.0)
        }
    } else {
        let spec = GemmSpec::new(m, n, k, DType::BF16, DType::BF16, DType::BF16).scaling(Scaling::PerTensor);
        go::<bf16>(dev, &spec, 1.0)
    }
}

const USAGE: &str = "usage: hipforge demo

Runs GEMM and attention problems on the CPU reference and, with hipforge's kernels, on Device::best() (a HIP GPU
if one works, else the emulator), checks every result against the f64 reference, and prints one row per run.
Exit code 0 when every row passed, 1 otherwise.";

/// Runs the subcommand; returns the process exit code (0 when every row passed, 1 when one failed, 2 on a usage
/// error).
pub fn run(args: &[String]) -> i32 {
    if let Some(code) = crate::no_args("demo", USAGE, args) {
        return code;
    }
    let cpu = "cpu reference";
    let rows = vec![
        Row::timed(
            "gemm f8e4m3 x f8e4m3 -> bf16 512x512x1024 per-tensor",
            cpu,
            gemm_row_fp8,
        ),
        Row::timed("gemm bf16 -> f32 1000x777x1031 +bias", cpu, gemm_row_bf16),
        Row::timed("attention bf16 b2 sq500 sk700 h8/2 d128 causal", cpu, attention_row),
    ];
    let mut rows = rows;
    let attn = "attn kernel bf16 b1 sq200 sk300 h4/2 d128 causal+lse";
    let (g8, g16) = (
        "gemm kernel fp8 e4m3 -> bf16 200x300x512 per-tensor",
        "gemm kernel bf16 -> bf16 200x300x512",
    );
    match hipforge::runtime::Device::best() {
        Ok(dev) => {
            rows.push(Row::timed(g8, dev.name().to_string(), || gemm_kernel_row(&dev, true)));
            rows.push(Row::timed(g16, dev.name().to_string(), || gemm_kernel_row(&dev, false)));
            rows.push(Row::timed(attn, dev.name().to_string(), || attention_kernel_row(&dev)));
        }
        Err(e) => rows.push(Row::timed(attn, "Device::best()", || Err(e))),
    }
    outln!("hipforge demo: each result checked against the f64 CPU reference (no GPU timings here)\n");
    if print_table(&rows) {
        0
    } else {
        1
    }
}
