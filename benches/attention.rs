//! `cargo bench --bench attention`
//!
//! On a HIP device (gfx942 / gfx950): the forward kernels on the anchor configurations (d128 MHA and GQA 64/8,
//! N = 4096…16384, causal and not; d64; FP8), timed after a warm-up (correctness is the emulator tests' and
//! `hipforge demo`'s job; the bench does not re-check). Prints TFLOP/s (4·B·H·N²·D, half for causal) and the percentage of the
//! device's dense peak for the input type, computed from its compute units and clock (CDNA3: 2048 bf16/f16 and
//! 4096 FP8 FLOPs per CU per clock; CDNA4: 4096 and 8192).
//!
//! Without a GPU: the CPU emulator on small shapes, labelled "emulated". Emulator times say nothing about GPU speed,
//! so no TFLOP/s are printed for them.

use criterion::{BenchmarkId, Criterion};
use hipforge::attention::{AttentionPlan, AttentionSpec};
use hipforge::runtime::{Device, DeviceRepr};
use hipforge::{bf16, DType, Element, F8E4M3Fnuz, F8E4M3};
use std::time::Duration;

#[path = "common/mod.rs"]
mod common;
use common::{dense_peak, device_or_emulator, fill, seconds_per_run};

/// One launch of a plan on its buffers, synchronized.
type RunFn = Box<dyn Fn(&AttentionPlan) -> hipforge::Result<()>>;

/// Everything one timed configuration needs on the device.
struct Prepared {
    plan: AttentionPlan,
    run: RunFn,
}

fn prepare<T: Element + DeviceRepr>(dev: &Device, spec: &AttentionSpec) -> hipforge::Result<Prepared> {
    let plan = AttentionPlan::new(dev, spec)?;
    let q = dev.upload(&fill::<T>(spec.q_len(), 1))?;
    let k = dev.upload(&fill::<T>(spec.k_len(), 2))?;
    let v = dev.upload(&fill::<T>(spec.v_len(), 3))?;
    let o = std::cell::RefCell::new(dev.alloc_zeroed::<bf16>(spec.o_len())?);
    let dev = dev.clone();
    Ok(Prepared {
        plan,
        run: Box::new(move |plan| {
            plan.run(&q, &k, &v, &mut *o.borrow_mut(), None)?;
            dev.synchronize()
        }),
    })
}

/// The input type's element kind on this arch: bf16, or the arch's e4m3 FP8.
fn prepare_for(dev: &Device, spec: &AttentionSpec) -> hipforge::Result<Prepared> {
    match spec.dtype {
        DType::F8E4M3 => prepare::<F8E4M3>(dev, spec),
        DType::F8E4M3Fnuz => prepare::<F8E4M3Fnuz>(dev, spec),
        _ => prepare::<bf16>(dev, spec),
    }
}

/// Attention forward FLOPs as the anchors count them: 4·B·H·N_q·N_k·D, half for causal.
fn flops(spec: &AttentionSpec) -> f64 {
    let full =
        4.0 * (spec.batch * spec.heads_q) as f64 * spec.seqlen_q as f64 * spec.seqlen_k as f64 * spec.head_dim as f64;
    if spec.causal {
        full / 2.0
    } else {
        full
    }
}

fn gpu(c: &mut Criterion, dev: &Device) {
    let fp8 = dev.arch().fp8_e4m3();
    let mut configs: Vec<(String, AttentionSpec)> = Vec::new();
    for n in [4096, 8192, 16384] {
        for causal in [false, true] {
            let mha = AttentionSpec::new(16, n, n, 16, 128, DType::BF16);
            let gqa = AttentionSpec::new(4, n, n, 64, 128, DType::BF16).gqa(8);
            for (name, s) in [("d128 mha", mha), ("d128 gqa64/8", gqa)] {
                let s = if causal { s.causal() } else { s };
                configs.push((format!("{name} n{n}{}", if causal { " causal" } else { "" }), s));
            }
        }
    }
    configs.push((
        "d64 mha n16384".into(),
        AttentionSpec::new(16, 16384, 16384, 16, 64, DType::BF16),
    ));
    configs.push((
        "d64 mha n16384 causal".into(),
        AttentionSpec::new(16, 16384, 16384, 16, 64, DType::BF16).causal(),
    ));
    configs.push((
        "fp8 d128 mha n8192".into(),
        AttentionSpec::new(4, 8192, 8192, 16, 128, fp8),
    ));
    configs.push((
        "fp8 d128 mha n8192 causal".into(),
        AttentionSpec::new(4, 8192, 8192, 16, 128, fp8).causal(),
    ));

    let mut group = c.benchmark_group(format!("attention fwd on {}", dev.name()));
    group.sample_size(10);
    for (name, spec) in configs {
        let prepared = match prepare_for(dev, &spec) {
            Ok(p) => p,
            Err(e) => {
                println!("{name}: skipped ({e})");
                continue;
            }
        };
        // A manual measurement for the TFLOP/s line.
        let secs = match seconds_per_run(5, || (prepared.run)(&prepared.plan)) {
            Ok(s) => s,
            Err(e) => {
                println!("{name}: launch failed ({e})");
                continue;
            }
        };
        let tflops = flops(&spec) / secs / 1e12;
        match dense_peak(dev, spec.dtype.is_fp8()) {
            Some(pk) => println!(
                "{name}: {tflops:.1} TFLOP/s, {:.1}% of peak ({})",
                100.0 * flops(&spec) / secs / pk,
                prepared.plan.kernel()
            ),
            None => println!("{name}: {tflops:.1} TFLOP/s, peak unknown ({})", prepared.plan.kernel()),
        }
        group.bench_function(BenchmarkId::from_parameter(&name), |b| {
            b.iter(|| (prepared.run)(&prepared.plan).expect("launch"))
        });
    }
    group.finish();
}

fn emulated(c: &mut Criterion, dev: &Device) {
    let configs = [
        (
            "emulated d64 b1 h1 n128 causal",
            AttentionSpec::new(1, 128, 128, 1, 64, DType::BF16).causal(),
        ),
        (
            "emulated d128 b1 h4/1 n256",
            AttentionSpec::new(1, 256, 256, 4, 128, DType::BF16).gqa(1),
        ),
        (
            "emulated decode d128 h8/1 sq1 sk1024",
            AttentionSpec::new(1, 1, 1024, 8, 128, DType::BF16).gqa(1),
        ),
    ];
    let mut group = c.benchmark_group("attention fwd (emulated)");
    group.sample_size(10).measurement_time(Duration::from_secs(5));
    for (name, spec) in configs {
        let prepared = match prepare_for(dev, &spec) {
            Ok(p) => p,
            Err(e) => {
                println!("{name}: skipped ({e})");
                continue;
            }
        };
        group.bench_function(name, |b| {
            b.iter(|| (prepared.run)(&prepared.plan).expect("emulated launch"))
        });
    }
    group.finish();
}

fn main() {
    let Some(dev) = device_or_emulator("attention") else {
        return;
    };
    let mut c = Criterion::default().configure_from_args();
    if dev.is_emulator() {
        emulated(&mut c, &dev);
    } else {
        gpu(&mut c, &dev);
    }
    c.final_summary();
}
