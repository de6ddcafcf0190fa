//! The CPU reference: the mathematical definition of every operation, computed in f64 from the already-quantized
//! inputs, fast enough to check real GPU results.
//!
//! - [`gemm()`]: any [`GemmSpec`](crate::gemm::GemmSpec) — FP8 (OCP/FNUZ, e4m3/e5m2 per operand), BF16, FP16,
//!   INT8 (exact, wrapping i32 accumulation); every layout, leading dimension and batch stride; every scaling mode,
//!   epilogue and output type.
//! - [`attention()`]: any [`AttentionSpec`](crate::attention::AttentionSpec) — masks, GQA, varlen, softcap, LSE.
//!
//! Both return [`Expected`](crate::verify::Expected): the exact value of every output element (before the output
//! conversion), the magnitude the verifier derives its error bound from, and the accumulation depth. All the
//! arithmetic runs on one multithreaded f64 matrix-multiply core (the `gemm` crate: BLAS-class speed in pure Rust,
//! threaded over every available core), so checking a large GPU result costs about two BLAS calls, not a naive
//! triple loop. `cargo bench --bench reference` prints its throughput on the machine at hand.
//!
//! # Checking a result
//!
//! ```
//! use hipforge::gemm::{GemmSpec, Scaling};
//! use hipforge::reference::{self, GemmInputs};
//! use hipforge::verify::{verify, ErrorModel};
//! use hipforge::{bf16, DType, Element, F8E4M3};
//!
//! // 1. Describe the problem: FP8 e4m3 inputs with per-tensor dequantization scales, bf16 output.
//! let spec = GemmSpec::new(64, 48, 200, DType::F8E4M3, DType::F8E4M3, DType::BF16).scaling(Scaling::PerTensor);
//! // 2. The stored inputs (here made up; normally what was uploaded to the GPU).
//! let a: Vec<F8E4M3> = (0..spec.a_len()).map(|i| F8E4M3::from_f64((i % 7) as f64 - 3.0)).collect();
//! let b: Vec<F8E4M3> = (0..spec.b_len()).map(|i| F8E4M3::from_f64((i % 5) as f64 * 0.5)).collect();
//! let inputs = GemmInputs::new(&a, &b).with_scales(&[0.25f32], &[2.0f32]);
//! // 3. The exact result, and what the device returned (here: the reference's own rounding to bf16).
//! let expected = reference::gemm(&spec, &inputs)?;
//! let from_device: Vec<bf16> = reference::gemm_output(&spec, &inputs)?;
//! // 4. Compare with a bound derived from the arithmetic, not a guessed tolerance.
//! let report = verify(&from_device, &expected, &ErrorModel::gemm(DType::BF16, false))?;
//! assert!(report.passed(), "{report}");
//! # Ok::<(), hipforge::Error>(())
//! ```

mod attention;
mod core;
mod gemm;
mod math;

pub use attention::{attention, attention_output, AttentionExpected};
pub use gemm::{gemm, gemm_output, GemmInputs};

/// `a · b` for packed row-major f64 matrices (`a`: m×k, `b`: k×n), on the reference's multithreaded core.
///
/// Exposed for benchmarks and for callers who want the plain f64 product. Errors when a buffer is shorter than
/// its shape.
pub fn matmul_f64(a: &[f64], b: &[f64], m: usize, k: usize, n: usize) -> crate::Result<Vec<f64>> {
    let len = |r: usize, c: usize, what: &str| {
        r.checked_mul(c).ok_or_else(|| crate::Error::Overflow {
            what: format!("the length of {what} ({r}x{c})"),
        })
    };
    gemm::check_len("a", a.len(), len(m, k, "a")?)?;
    gemm::check_len("b", b.len(), len(k, n, "b")?)?;
    let mut out = vec![0.0; len(m, n, "the product")?];
    core::matmul(
        core::MatRef::row_major(a, m, k),
        core::MatRef::row_major(b, k, n),
        &mut out,
        true,
    );
    Ok(out)
}
