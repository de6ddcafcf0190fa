//! Causal GQA attention forward on the best device (a HIP GPU, else the gfx950 emulator), checked against the f64
//! reference: `cargo run --release --example attention_forward`.

use hipforge::attention::{AttentionPlan, AttentionSpec};
use hipforge::runtime::Device;
use hipforge::verify::{verify, ErrorModel};
use hipforge::{bf16, reference, DType};

fn main() -> hipforge::Result<()> {
    let dev = Device::best()?;
    // 2 sequences of 100 queries against 150 keys, 8 query heads sharing 2 KV heads, head dim 128.
    let spec = AttentionSpec::new(2, 100, 150, 8, 128, DType::BF16)
        .gqa(2)
        .causal()
        .with_lse();
    let input = |n: usize, seed: usize| -> Vec<bf16> {
        (0..n)
            .map(|i| bf16::from_f32((((i * 7919 + seed) % 1000) as f32 / 500.0) - 1.0))
            .collect()
    };
    let (q, k, v) = (input(spec.q_len(), 1), input(spec.k_len(), 2), input(spec.v_len(), 3));

    let plan = AttentionPlan::new(&dev, &spec)?;
    let mut o = dev.alloc_zeroed::<bf16>(spec.o_len())?;
    let mut lse = dev.alloc_zeroed::<f32>(spec.lse_len())?;
    plan.run(
        &dev.upload(&q)?,
        &dev.upload(&k)?,
        &dev.upload(&v)?,
        &mut o,
        Some(&mut lse),
    )?;

    let expected = reference::attention(&spec, &q, &k, &v)?;
    let report = verify(
        &spec.gather_o(&o.download()?)?,
        &expected.out,
        &ErrorModel::attention(DType::BF16, DType::BF16),
    )?;
    println!("{} on {}: {report}", plan.kernel(), dev.name());
    if !report.passed() {
        return Err(hipforge::Error::invalid(
            "attention output",
            "within the verify bound",
            report,
        ));
    }
    Ok(())
}
