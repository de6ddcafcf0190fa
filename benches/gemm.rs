//! `cargo bench --bench gemm`
//!
//! On a HIP device (gfx942 / gfx950): hipforge's GEMM kernels on the shapes (4096³, 8192³, 16384³, M = 16 and
//! M = 4096 against N = K = 8192, 4096×14336×4096) for bf16, f16, FP8 (the device's flavour, per-tensor scales) and
//! INT8, timed after a warm-up, each spec on hipforge's kernels and then on hipBLASLt (`Backend::HipBlasLt`, the
//! same `GemmSpec`) side by side; a spec hipBLASLt cannot run, or a machine without hipBLASLt, prints why and goes
//! on. Prints TFLOP/s (2·M·N·K) and the percentage of the device's dense peak for the input type, computed from its
//! compute units and clock (CDNA3: 2048 bf16/f16 and 4096 FP8/INT8 FLOPs per CU per clock; CDNA4: 4096 and 8192).
//! This path has not yet run on an MI machine: no figure from it exists in this repository.
//!
//! Without a GPU: the CPU emulator on small shapes, labelled "emulated". Emulator times say nothing about GPU speed,
//! so no TFLOP/s are printed for them.

use criterion::{BenchmarkId, Criterion};
use hipforge::gemm::{Backend, GemmOperands, GemmPlan, GemmSpec, PlanOptions, Scaling};
use hipforge::runtime::{Device, DeviceBuffer, DeviceRepr};
use hipforge::{bf16, f16, DType, Element, F8E4M3Fnuz, F8E4M3};
use std::time::Duration;

#[path = "common/mod.rs"]
mod common;
use common::{dense_peak, device_or_emulator, fill, seconds_per_run};

/// One launch of a plan on its buffers, synchronized.
type RunFn = Box<dyn Fn(&GemmPlan) -> hipforge::Result<()>>;

/// A plan with its device buffers, ready to launch repeatedly.
struct Prepared {
    plan: GemmPlan,
    run: RunFn,
}

fn prepare<T: Element + DeviceRepr>(dev: &Device, spec: &GemmSpec, backend: Backend) -> hipforge::Result<Prepared> {
    let plan = GemmPlan::with_options(
        dev,
        spec,
        PlanOptions {
            backend,
            ..Default::default()
        },
    )?;
    let a = dev.upload(&fill::<T>(spec.a_len(), 1))?;
    let b = dev.upload(&fill::<T>(spec.b_len(), 2))?;
    let sa = dev.upload(&[1.0f32])?;
    let sb = dev.upload(&[1.0f32])?;
    let d = std::cell::RefCell::new(dev.alloc_zeroed::<bf16>(spec.d_len())?);
    let dev2 = dev.clone();
    let run = move |plan: &GemmPlan| -> hipforge::Result<()> {
        let mut d: std::cell::RefMut<'_, DeviceBuffer<bf16>> = d.borrow_mut();
        let ops = GemmOperands::new(&a, &b).with_scales(&sa, &sb);
        plan.run(&ops, &mut *d)?;
        dev2.synchronize()
    };
    Ok(Prepared {
        plan,
        run: Box::new(run),
    })
}

fn prepared(dev: &Device, spec: &GemmSpec, backend: Backend) -> hipforge::Result<Prepared> {
    match spec.a.dtype {
        DType::BF16 => prepare::<bf16>(dev, spec, backend),
        DType::F16 => prepare::<f16>(dev, spec, backend),
        DType::I8 => prepare::<i8>(dev, spec, backend),
        DType::F8E4M3 => prepare::<F8E4M3>(dev, spec, backend),
        _ => prepare::<F8E4M3Fnuz>(dev, spec, backend),
    }
}

fn specs(dev: &Device, shapes: &[(usize, usize, usize)]) -> Vec<GemmSpec> {
    let fp8 = dev.arch().fp8_e4m3();
    let mut out = Vec::new();
    for &(m, n, k) in shapes {
        for t in [DType::BF16, DType::F16, fp8, DType::I8] {
            let d = if t == DType::I8 { DType::I32 } else { DType::BF16 };
            let mut s = GemmSpec::new(m, n, k, t, t, d);
            if t.is_fp8() {
                s = s.scaling(Scaling::PerTensor);
            }
            out.push(s);
        }
    }
    out
}

fn main() {
    let mut c = Criterion::default()
        .configure_from_args()
        .warm_up_time(Duration::from_millis(500));
    let Some(dev) = device_or_emulator("gemm") else { return };
    let emulated = dev.is_emulator();
    let shapes: Vec<(usize, usize, usize)> = if emulated {
        vec![(64, 128, 256), (256, 256, 256)]
    } else {
        vec![
            (4096, 4096, 4096),
            (8192, 8192, 8192),
            (16384, 16384, 16384),
            (16, 8192, 8192),
            (4096, 8192, 8192),
            (4096, 14336, 4096),
        ]
    };
    let label = if emulated {
        format!("gemm emulated ({})", dev.arch())
    } else {
        format!("gemm {}", dev.name())
    };
    let mut group = c.benchmark_group(label);
    if emulated {
        group.sample_size(10);
    }
    for spec in specs(&dev, &shapes) {
        // The bench's D buffer is bf16 for every dtype (INT8 included: a bf16 output of the i32 sum).
        let spec = if spec.a.dtype == DType::I8 {
            GemmSpec::new(spec.m, spec.n, spec.k, DType::I8, DType::I8, DType::BF16)
        } else {
            spec
        };
        // hipBLASLt needs a HIP device: on the emulator only hipforge's kernels run.
        let backends: &[Backend] = if emulated {
            &[Backend::Kernels]
        } else {
            &[Backend::Kernels, Backend::HipBlasLt]
        };
        for &backend in backends {
            let id = format!("{}x{}x{} {} {backend:?}", spec.m, spec.n, spec.k, spec.a.dtype);
            let prep = match prepared(&dev, &spec, backend) {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("{id}: skipped: {e}");
                    continue;
                }
            };
            if !emulated {
                // Own timing for TFLOP/s.
                let secs = match seconds_per_run(10, || (prep.run)(&prep.plan)) {
                    Ok(s) => s,
                    Err(e) => {
                        eprintln!("{id}: {e}");
                        continue;
                    }
                };
                let flops = 2.0 * spec.macs() / secs;
                let pct = dense_peak(&dev, spec.a.dtype.size_bytes() == 1)
                    .map_or(String::from("n/a"), |p| format!("{:.1}%", 100.0 * flops / p));
                println!(
                    "{id}: {} {:.1} TFLOP/s ({pct} of peak)",
                    prep.plan.kernel(),
                    flops / 1e12
                );
            }
            group.bench_with_input(BenchmarkId::from_parameter(&id), &prep, |bch, prep| {
                bch.iter(|| (prep.run)(&prep.plan).expect("gemm run"))
            });
        }
    }
    group.finish();
}
