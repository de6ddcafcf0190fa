//! An FP8 linear layer, the way an inference stack runs one: `y = silu(x·Wᵀ + bias)` in bf16, with the activations
//! `x` quantized per token on the device and the weights `W` quantized per output channel ahead of time.
//! `cargo run --release --example fp8_linear` (a HIP GPU if one works, else the gfx950 emulator).
//!
//! Two checks, kept apart on purpose:
//! - the GEMM kernel against the f64 reference on the *same* FP8 inputs and scales (pass/fail, with a bound);
//! - the whole FP8 layer against the bf16 layer it replaces: the quantization error, which is the price of FP8
//!   and is reported, not bounded.

use hipforge::gemm::{Activation, GemmOperands, GemmPlan, GemmSpec, Layout, Scaling};
use hipforge::quant::{self, Granularity, QuantOutput, QuantSpec};
use hipforge::reference::{self, GemmInputs};
use hipforge::runtime::{Device, DeviceRepr};
use hipforge::verify::{verify, ErrorModel};
use hipforge::{bf16, DType, F8E4M3Fnuz, F8E4M3};

const TOKENS: usize = 96;
const HIDDEN: usize = 512;
const OUT: usize = 384;

fn main() -> hipforge::Result<()> {
    let dev = Device::best()?;
    // FP8 comes in the arch's flavour: OCP e4m3 on gfx950, FNUZ e4m3 on gfx942.
    if dev.arch().fp8_e4m3() == DType::F8E4M3 {
        run::<F8E4M3>(&dev)
    } else {
        run::<F8E4M3Fnuz>(&dev)
    }
}

fn run<F: QuantOutput + DeviceRepr>(dev: &Device) -> hipforge::Result<()> {
    let wave = |n: usize, seed: usize, amp: f32| -> Vec<bf16> {
        (0..n)
            .map(|i| bf16::from_f32(amp * (((i * 7919 + seed * 104_729) % 2000) as f32 / 1000.0 - 1.0)))
            .collect()
    };
    let x = wave(TOKENS * HIDDEN, 1, 3.0); // activations [TOKENS, HIDDEN], row-major
    let w = wave(OUT * HIDDEN, 2, 0.05); // weights [OUT, HIDDEN], row-major: B = Wᵀ is K-contiguous (the fast path)
    let bias: Vec<f32> = (0..OUT).map(|j| (j % 7) as f32 * 0.1 - 0.3).collect();

    // Offline: weights quantized per output channel on the host.
    let (wq, sw) = quant::reference::quantize::<bf16, F>(&w, &QuantSpec::new(OUT, HIDDEN, Granularity::Row))?;
    // Online: activations quantized per token on the device.
    let xspec = QuantSpec::new(TOKENS, HIDDEN, Granularity::Row);
    let x_dev = dev.upload(&x)?;
    let mut xq_dev = dev.alloc_zeroed::<F>(xspec.output_len()?)?;
    let mut sx_dev = dev.alloc_zeroed::<f32>(xspec.scale_len())?;
    quant::quantize(&x_dev, &xspec, &mut xq_dev, &mut sx_dev)?;

    // y[t][o] = silu(sx[t]·sw[o]·Σ_h xq[t][h]·wq[o][h] + bias[o]), stored as bf16.
    let spec = GemmSpec::new(TOKENS, OUT, HIDDEN, F::DTYPE, F::DTYPE, DType::BF16)
        .layouts(Layout::RowMajor, Layout::ColMajor)
        .scaling(Scaling::RowCol)
        .bias()
        .activation(Activation::Silu);
    let plan = GemmPlan::new(dev, &spec)?;
    let (wq_dev, sw_dev, bias_dev) = (dev.upload(&wq)?, dev.upload(&sw)?, dev.upload(&bias)?);
    let mut y_dev = dev.alloc_zeroed::<bf16>(spec.d_len())?;
    let ops = GemmOperands::new(&xq_dev, &wq_dev)
        .with_scales(&sx_dev, &sw_dev)
        .with_bias(&bias_dev);
    plan.run(&ops, &mut y_dev)?;
    let y = spec.gather_d(&y_dev.download()?)?;

    // 1. The kernel against the f64 reference on the same FP8 inputs.
    let (xq, sx) = (xq_dev.download()?, sx_dev.download()?);
    let inputs = GemmInputs::new(&xq, &wq).with_scales(&sx, &sw).with_bias(&bias);
    let expected = reference::gemm(&spec, &inputs)?;
    let report = verify(&y, &expected, &ErrorModel::gemm(DType::BF16, false))?;
    println!("{} on {}: {TOKENS}x{OUT}x{HIDDEN}, {report}", plan.kernel(), dev.name());

    // 2. The FP8 layer against the bf16 layer (f64 reference on the unquantized inputs): the quantization error.
    let full = GemmSpec::new(TOKENS, OUT, HIDDEN, DType::BF16, DType::BF16, DType::F32)
        .layouts(Layout::RowMajor, Layout::ColMajor)
        .bias()
        .activation(Activation::Silu);
    let exact = reference::gemm(&full, &GemmInputs::new(&x, &w).with_bias(&bias))?;
    let scale = exact.values.iter().fold(0f64, |m, v| m.max(v.abs()));
    let worst = y
        .iter()
        .zip(&exact.values)
        .fold(0f64, |m, (got, want)| m.max((got.to_f64() - want).abs()));
    println!(
        "FP8 layer vs bf16 layer: max |error| {worst:.4} = {:.2}% of max |y| {scale:.3} (quantization, not a bound)",
        100.0 * worst / scale
    );
    if !report.passed() {
        return Err(hipforge::Error::invalid(
            "GEMM result",
            "within the verify bound",
            report,
        ));
    }
    Ok(())
}
