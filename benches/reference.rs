//! `cargo bench --bench reference`: throughput of the CPU reference (no GPU involved).
//!
//! Prints GFLOP/s (2·m·n·k per GEMM; 4·B·H·Sq·Sk·D for attention) for the f64 core alone and for the full
//! reference GEMM, which runs the core twice (values, then magnitudes on |A|·|B|) plus dequantization and the
//! epilogue. Best of a few runs.

use hipforge::attention::AttentionSpec;
use hipforge::gemm::GemmSpec;
use hipforge::reference::{self, GemmInputs};
use hipforge::{bf16, DType};
use std::time::{Duration, Instant};

#[path = "common/mod.rs"]
mod common;
use common::fill;

/// CPU time (user + system) this process has used so far, over all its threads.
fn cpu_time() -> Duration {
    // SAFETY: getrusage only writes the struct we pass; an all-zero rusage is a valid value to start from.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return Duration::ZERO;
    }
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// Best wall time of `runs` calls (after one warm-up call), and the CPU time of that same call.
///
/// The CPU time matters on a shared machine: wall-clock GFLOP/s drops with every other process, while the work
/// done per CPU-second shows whether the core itself is efficient.
fn best_of(runs: usize, mut f: impl FnMut()) -> (Duration, Duration) {
    f();
    (0..runs)
        .map(|_| {
            let (t, c) = (Instant::now(), cpu_time());
            f();
            (t.elapsed(), cpu_time().saturating_sub(c))
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    // `cargo test --benches` passes --bench-less args; run everything either way, it is quick.
    println!(
        "hipforge CPU reference (f64, {} threads)",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!(
        "(load average now: {})",
        std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim()
    );
    println!(
        "{:<44} {:>11} {:>9} {:>13}",
        "problem", "wall time", "GFLOP/s", "GFLOP/cpu-s"
    );
    for size in [256usize, 1024, 2048] {
        let runs = if size >= 2048 { 2 } else { 5 };
        let flops = 2.0 * (size as f64).powi(3);
        let a: Vec<f64> = fill::<f32>(size * size, 1).into_iter().map(f64::from).collect();
        let b: Vec<f64> = fill::<f32>(size * size, 2).into_iter().map(f64::from).collect();
        let t = best_of(runs, || {
            reference::matmul_f64(&a, &b, size, size, size).expect("valid shapes");
        });
        print_row(&format!("f64 core {size}x{size}x{size}"), t, flops);

        let spec = GemmSpec::new(size, size, size, DType::BF16, DType::BF16, DType::BF16);
        let a: Vec<bf16> = fill(spec.a_len(), 3);
        let b: Vec<bf16> = fill(spec.b_len(), 4);
        let t = best_of(runs, || {
            reference::gemm(&spec, &GemmInputs::new(&a, &b)).expect("valid spec");
        });
        print_row(&format!("reference gemm bf16 {size}^3"), t, flops);
    }

    let (batch, heads, seq, dim) = (1, 8, 1024, 128);
    let spec = AttentionSpec::new(batch, seq, seq, heads, dim, DType::BF16).causal();
    let q: Vec<bf16> = fill(spec.q_len(), 5);
    let k: Vec<bf16> = fill(spec.k_len(), 6);
    let v: Vec<bf16> = fill(spec.v_len(), 7);
    let t = best_of(3, || {
        reference::attention(&spec, &q, &k, &v).expect("valid spec");
    });
    // The reference computes the full S = Q·Kᵀ even when causal: count the dense work it does.
    let flops = 4.0 * (batch * heads * seq * seq * dim) as f64;
    print_row(
        &format!("reference attention b{batch} h{heads} s{seq} d{dim} causal"),
        t,
        flops,
    );
}

fn print_row(name: &str, (wall, cpu): (Duration, Duration), flops: f64) {
    let per_cpu_s = if cpu.is_zero() {
        f64::NAN
    } else {
        flops / cpu.as_secs_f64() / 1e9
    };
    println!(
        "{:<44} {:>9.2}ms {:>9.1} {:>13.1}",
        name,
        wall.as_secs_f64() * 1e3,
        flops / wall.as_secs_f64() / 1e9,
        per_cpu_s
    );
}
