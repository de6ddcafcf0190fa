//! GemmSpec → hipBLASLt translation, checked against values copied by hand from the headers:
//!
//! - `hip/library_types.h` (hipDataType): R_32F 0, R_16F 2, R_8I 3, R_32I 10, R_16BF 14, R_8F_E4M3 28,
//!   R_8F_E5M2 29, R_8F_E4M3_FNUZ 1000, R_8F_E5M2_FNUZ 1001.
//! - `hipblas-common.h`: HIPBLAS_OP_N 111, HIPBLAS_OP_T 112; HIPBLAS_COMPUTE_32F 2, HIPBLAS_COMPUTE_32I 9.
//! - `hipblaslt.h`: EPILOGUE_DEFAULT 1, RELU 2, BIAS 4, RELU_BIAS 6, GELU 32, GELU_BIAS 36, SWISH_EXT 65536,
//!   SWISH_BIAS_EXT 65540; MATRIX_SCALE_SCALAR_32F 0, VEC32_UE8M0 2, OUTER_VEC_32F 3.
//!
//! Shapes and layouts are worked out by hand from the transposition identity in src/gemm/hipblaslt.rs: a row-major
//! D (m×n) is hipBLASLt's column-major n×m, computed as Bᵀ·Aᵀ with the operands swapped.

mod common;

use hipforge::gemm::hipblaslt::{HipBlasLtGemm, Translated};
use hipforge::gemm::{Activation, Backend, GemmOperands, GemmPlan, GemmSpec, Layout, Operand, PlanOptions, Scaling};
use hipforge::runtime::hipblaslt::HipBlasLtLibrary;
use hipforge::runtime::Arch;
use hipforge::{DType, Error};

const F32: i32 = 0;
const F16: i32 = 2;
const I8: i32 = 3;
const I32: i32 = 10;
const BF16: i32 = 14;
const E4M3: i32 = 28;
const E5M2: i32 = 29;
const E4M3_FNUZ: i32 = 1000;
const E5M2_FNUZ: i32 = 1001;
const OP_N: i32 = 111;
const OP_T: i32 = 112;
const COMPUTE_32F: i32 = 2;
const COMPUTE_32I: i32 = 9;

fn tr(spec: &GemmSpec, arch: Arch) -> Translated {
    HipBlasLtGemm::translate(spec, &arch).unwrap_or_else(|e| panic!("translation of {spec:?} failed: {e}"))
}

/// Asserts an `Unsupported` error whose text says it is hipBLASLt's limit and mentions `needle`.
fn assert_unsupported(spec: &GemmSpec, arch: Arch, needle: &str) {
    match HipBlasLtGemm::translate(spec, &arch) {
        Err(Error::Unsupported { what }) => {
            assert!(what.contains("unsupported by hipBLASLt"), "{what}");
            assert!(what.contains(needle), "expected {needle:?} in: {what}");
        }
        other => panic!("expected Unsupported mentioning {needle:?}, got {other:?}"),
    }
}

#[test]
fn packed_tn_bf16_swaps_operands_for_the_row_major_output() {
    // D row-major 100x60 = hipBLASLt's column-major 60x100 = Bᵀ (60x70) · Aᵀ (70x100).
    let t = tr(
        &GemmSpec::new(100, 60, 70, DType::BF16, DType::BF16, DType::BF16),
        Arch::Gfx950,
    );
    assert!(t.swapped);
    assert!(!t.empty);
    let raw = t.raw();
    assert_eq!(raw.mnk, [60, 100, 70]);
    assert_eq!(raw.types, [BF16; 4]);
    assert_eq!(raw.compute, COMPUTE_32F);
    assert_eq!(raw.scale_type, F32);
    assert_eq!(raw.epilogue, 1);
    assert_eq!(raw.bias_type, None);
    assert_eq!(raw.scale_modes, [None, None]);
    // hipBLASLt's A is hipforge's column-major B (k×n = 70x60, ld 70), used transposed; its B is hipforge's
    // row-major A read column-major (70x100, ld 70), used as is.
    assert_eq!(raw.trans, [OP_T, OP_N]);
    let p = &t.plan;
    assert_eq!((p.a.rows, p.a.cols, p.a.ld), (70, 60, 70));
    assert_eq!((p.b.rows, p.b.cols, p.b.ld), (70, 100, 70));
    assert_eq!((p.d.rows, p.d.cols, p.d.ld), (60, 100, 60));
    assert_eq!(p.d.batch_count, 1);
    assert_eq!(t.scale_d, None);
    assert!(!p.scale_d);
    assert_eq!((t.alpha, t.beta), (1.0, 0.0));
}

#[test]
fn every_input_layout_gets_the_transposes_worked_out_by_hand() {
    // (A layout, B layout, D layout) -> hipBLASLt (transA, transB), stored dims of its A and B, m n k.
    let (m, n, k) = (5, 7, 9);
    let cases = [
        // Row-major D: hipBLASLt's A is hipforge's B.
        (
            Layout::RowMajor,
            Layout::ColMajor,
            Layout::RowMajor,
            [OP_T, OP_N],
            (9, 7),
            (9, 5),
            [7, 5, 9],
        ),
        (
            Layout::RowMajor,
            Layout::RowMajor,
            Layout::RowMajor,
            [OP_N, OP_N],
            (7, 9),
            (9, 5),
            [7, 5, 9],
        ),
        (
            Layout::ColMajor,
            Layout::ColMajor,
            Layout::RowMajor,
            [OP_T, OP_T],
            (9, 7),
            (5, 9),
            [7, 5, 9],
        ),
        (
            Layout::ColMajor,
            Layout::RowMajor,
            Layout::RowMajor,
            [OP_N, OP_T],
            (7, 9),
            (5, 9),
            [7, 5, 9],
        ),
        // Column-major D: no swap.
        (
            Layout::RowMajor,
            Layout::ColMajor,
            Layout::ColMajor,
            [OP_T, OP_N],
            (9, 5),
            (9, 7),
            [5, 7, 9],
        ),
        (
            Layout::RowMajor,
            Layout::RowMajor,
            Layout::ColMajor,
            [OP_T, OP_T],
            (9, 5),
            (7, 9),
            [5, 7, 9],
        ),
        (
            Layout::ColMajor,
            Layout::ColMajor,
            Layout::ColMajor,
            [OP_N, OP_N],
            (5, 9),
            (9, 7),
            [5, 7, 9],
        ),
        (
            Layout::ColMajor,
            Layout::RowMajor,
            Layout::ColMajor,
            [OP_N, OP_T],
            (5, 9),
            (7, 9),
            [5, 7, 9],
        ),
    ];
    for (la, lb, ld, trans, a_dims, b_dims, mnk) in cases {
        let mut spec = GemmSpec::new(m, n, k, DType::F16, DType::F16, DType::F32).layouts(la, lb);
        spec.d = Operand::packed(DType::F32, ld, m, n);
        let t = tr(&spec, Arch::Gfx942);
        let raw = t.raw();
        let what = format!("A {la:?}, B {lb:?}, D {ld:?}");
        assert_eq!(t.swapped, ld == Layout::RowMajor, "{what}");
        assert_eq!(raw.trans, trans, "{what}");
        assert_eq!((t.plan.a.rows, t.plan.a.cols), a_dims, "{what}");
        assert_eq!((t.plan.b.rows, t.plan.b.cols), b_dims, "{what}");
        assert_eq!(raw.mnk, mnk, "{what}");
        assert_eq!(raw.types, [F16, F16, F32, F32], "{what}");
        // Packed: the leading dimension is the stored row count.
        assert_eq!(t.plan.a.ld as u64, t.plan.a.rows, "{what}");
        assert_eq!(t.plan.b.ld as u64, t.plan.b.rows, "{what}");
    }
}

#[test]
fn padded_leading_dimensions_and_batch_strides_pass_through() {
    let (m, n, k) = (17, 33, 65);
    let mut spec = GemmSpec::new(m, n, k, DType::BF16, DType::BF16, DType::F32).batched(3);
    spec.a.ld = 80; // row-major A: row pitch
    spec.a.batch_stride = 80 * 17 + 3;
    spec.b.ld = 70; // column-major B: column pitch
    spec.b.batch_stride = 0; // one B for every batch
    spec.d.ld = 40;
    spec.d.batch_stride = 40 * 17;
    let t = tr(&spec, Arch::Gfx950);
    let p = &t.plan;
    // hipBLASLt's A = hipforge's B, B = hipforge's A.
    assert_eq!((p.a.ld, p.a.batch_count, p.a.batch_stride), (70, 3, 0));
    assert_eq!((p.b.ld, p.b.batch_count, p.b.batch_stride), (80, 3, 80 * 17 + 3));
    assert_eq!((p.d.rows, p.d.cols, p.d.ld), (33, 17, 40));
    assert_eq!((p.d.batch_count, p.d.batch_stride), (3, 680));
    // beta = 0: C is not read and mirrors D, in D's dtype.
    assert_eq!(p.c, p.d);
}

#[test]
fn fp8_types_follow_the_arch_and_scale_d_only_for_fp8_outputs() {
    // gfx950: OCP. hipforge's B (e5m2) becomes hipBLASLt's A.
    let spec = GemmSpec::new(64, 32, 128, DType::F8E4M3, DType::F8E5M2, DType::F8E4M3)
        .scaling(Scaling::PerTensor)
        .scale_d(0.5);
    let t = tr(&spec, Arch::Gfx950);
    let raw = t.raw();
    assert_eq!(raw.types, [E5M2, E4M3, E4M3, E4M3]);
    assert_eq!(raw.compute, COMPUTE_32F);
    assert_eq!(raw.scale_type, F32);
    assert_eq!(raw.scale_modes, [Some(0), Some(0)]);
    assert!(t.plan.scale_d);
    assert_eq!(t.scale_d, Some(0.5));

    // gfx942: FNUZ, bf16 output: no D scale.
    let spec = GemmSpec::new(64, 32, 128, DType::F8E4M3Fnuz, DType::F8E5M2Fnuz, DType::BF16);
    let t = tr(&spec, Arch::Gfx942);
    assert_eq!(t.raw().types, [E5M2_FNUZ, E4M3_FNUZ, BF16, BF16]);
    assert_eq!(t.raw().scale_modes, [None, None]);
    assert!(!t.plan.scale_d);
    assert_eq!(t.scale_d, None);

    // An FP8 output always gets its scale pointer (scale_d = 1 included).
    let spec = GemmSpec::new(8, 8, 32, DType::F8E4M3Fnuz, DType::F8E4M3Fnuz, DType::F8E5M2Fnuz);
    let t = tr(&spec, Arch::Gfx942);
    assert_eq!(t.raw().types[3], E5M2_FNUZ);
    assert_eq!(t.scale_d, Some(1.0));
}

#[test]
fn the_wrong_fp8_flavour_for_the_arch_is_unsupported() {
    let ocp = GemmSpec::new(16, 16, 32, DType::F8E4M3, DType::F8E4M3, DType::BF16);
    assert_unsupported(&ocp, Arch::Gfx942, "FNUZ");
    let fnuz = GemmSpec::new(16, 16, 32, DType::F8E4M3Fnuz, DType::F8E4M3Fnuz, DType::BF16);
    assert_unsupported(&fnuz, Arch::Gfx950, "OCP");
    // An FP8 output of the wrong flavour too.
    let out = GemmSpec::new(16, 16, 32, DType::BF16, DType::BF16, DType::F8E4M3Fnuz);
    assert_unsupported(&out, Arch::Gfx950, "D of type");
    // An arch hipforge knows nothing about: FP8 refused, bf16 fine.
    assert_unsupported(&ocp, Arch::Other("gfx90a".into()), "gfx90a");
    let bf16 = GemmSpec::new(16, 16, 32, DType::BF16, DType::BF16, DType::BF16);
    assert_eq!(tr(&bf16, Arch::Other("gfx90a".into())).raw().types, [BF16; 4]);
}

#[test]
fn int8_uses_i32_compute_and_i32_alpha_beta_for_i32_output() {
    let spec = GemmSpec::new(40, 24, 100, DType::I8, DType::I8, DType::I32)
        .alpha_beta(1.0, 1.0)
        .activation(Activation::Relu);
    let t = tr(&spec, Arch::Gfx942);
    let raw = t.raw();
    assert_eq!(raw.types, [I8, I8, I32, I32]);
    assert_eq!(raw.compute, COMPUTE_32I);
    assert_eq!(raw.scale_type, I32);
    assert_eq!(raw.epilogue, 2);
    assert_eq!(t.beta, 1.0);

    // i8 in, bf16 out with per-row/column scales: f32 alpha/beta, outer-vector scales on both.
    let spec = GemmSpec::new(40, 24, 100, DType::I8, DType::I8, DType::BF16).scaling(Scaling::RowCol);
    let raw = tr(&spec, Arch::Gfx950).raw();
    assert_eq!(raw.types, [I8, I8, BF16, BF16]);
    assert_eq!(raw.compute, COMPUTE_32I);
    assert_eq!(raw.scale_type, F32);
    assert_eq!(raw.scale_modes, [Some(3), Some(3)]);
}

#[test]
fn epilogues_map_to_the_header_values() {
    let base = GemmSpec::new(32, 48, 64, DType::BF16, DType::BF16, DType::BF16);
    let cases = [
        (false, Activation::None, 1),
        (false, Activation::Relu, 2),
        (false, Activation::GeluTanh, 32),
        (false, Activation::Silu, 65536),
        (true, Activation::None, 4),
        (true, Activation::Relu, 6),
        (true, Activation::GeluTanh, 36),
        (true, Activation::Silu, 65540),
    ];
    for (bias, act, want) in cases {
        let mut spec = base.activation(act);
        if bias {
            spec = spec.bias();
        }
        let raw = tr(&spec, Arch::Gfx950).raw();
        assert_eq!(raw.epilogue, want, "bias {bias}, {act:?}");
        assert_eq!(raw.bias_type, bias.then_some(F32), "bias {bias}, {act:?}");
        // hipforge's bias runs along D's n columns = the rows of hipBLASLt's transposed D.
        assert_eq!(raw.mnk[0], 48);
    }
}

#[test]
fn gelu_erf_is_unsupported() {
    let spec = GemmSpec::new(32, 48, 64, DType::BF16, DType::BF16, DType::BF16).activation(Activation::GeluErf);
    assert_unsupported(&spec, Arch::Gfx950, "erf");
    assert_unsupported(&spec.bias(), Arch::Gfx942, "erf");
}

#[test]
fn bias_with_a_column_major_output_is_unsupported() {
    let mut spec = GemmSpec::new(32, 48, 64, DType::BF16, DType::BF16, DType::BF16).bias();
    spec.d = Operand::packed(DType::BF16, Layout::ColMajor, 32, 48);
    assert_unsupported(&spec, Arch::Gfx950, "bias");
    // Without the bias the same spec translates (no swap).
    spec.epilogue.bias = None;
    let t = tr(&spec, Arch::Gfx950);
    assert!(!t.swapped);
    assert_eq!(t.raw().mnk, [32, 48, 64]);
}

#[test]
fn mx_scaling_is_vec32_ue8m0_on_gfx950_tn_only() {
    let spec = GemmSpec::new(64, 96, 256, DType::F8E4M3, DType::F8E4M3, DType::BF16).scaling(Scaling::Mx);
    let raw = tr(&spec, Arch::Gfx950).raw();
    assert_eq!(raw.scale_modes, [Some(2), Some(2)]);
    assert_eq!(raw.trans, [OP_T, OP_N]);
    assert_eq!(raw.types, [E4M3, E4M3, BF16, BF16]);

    assert_unsupported(&spec, Arch::Gfx1250, "gfx950 only");
    let nn = spec.layouts(Layout::RowMajor, Layout::RowMajor);
    assert_unsupported(&nn, Arch::Gfx950, "K-contiguous");
    let ragged = GemmSpec::new(64, 96, 100, DType::F8E4M3, DType::F8E4M3, DType::BF16).scaling(Scaling::Mx);
    assert_unsupported(&ragged, Arch::Gfx950, "multiple of 32");
    assert_unsupported(&spec.batched(2), Arch::Gfx950, "batch");
}

#[test]
fn block_scaling_is_unsupported() {
    let spec = GemmSpec::new(256, 256, 256, DType::F8E4M3, DType::F8E4M3, DType::BF16).scaling(Scaling::Block);
    assert_unsupported(&spec, Arch::Gfx950, "block scaling");
    let spec = GemmSpec::new(256, 256, 256, DType::F8E4M3Fnuz, DType::F8E4M3Fnuz, DType::BF16).scaling(Scaling::Block);
    assert_unsupported(&spec, Arch::Gfx942, "BLK128x128");
}

#[test]
fn row_col_scales_translate_unbatched_only() {
    let spec = GemmSpec::new(64, 32, 128, DType::F8E4M3, DType::F8E4M3, DType::BF16).scaling(Scaling::RowCol);
    assert_eq!(tr(&spec, Arch::Gfx950).raw().scale_modes, [Some(3), Some(3)]);
    assert_unsupported(&spec.batched(4), Arch::Gfx950, "batch = 4");
    // Per-tensor scales are shared by all batches in both conventions: fine batched.
    let per_tensor = spec.scaling(Scaling::PerTensor).batched(4);
    assert_eq!(tr(&per_tensor, Arch::Gfx950).raw().scale_modes, [Some(0), Some(0)]);
}

#[test]
fn c_must_match_d_in_dtype_and_order_when_read() {
    let mut spec = GemmSpec::new(16, 24, 32, DType::BF16, DType::BF16, DType::BF16).alpha_beta(2.0, 0.5);
    spec.c = Operand::packed(DType::F32, Layout::RowMajor, 16, 24);
    assert_unsupported(&spec, Arch::Gfx950, "one dtype");
    spec.c = Operand::packed(DType::BF16, Layout::ColMajor, 16, 24);
    assert_unsupported(&spec, Arch::Gfx950, "storage order");
    // Same dtype and order, its own leading dimension: translated.
    spec.c = Operand::packed(DType::BF16, Layout::RowMajor, 16, 24);
    spec.c.ld = 30;
    let t = tr(&spec, Arch::Gfx950);
    assert_eq!((t.plan.c.rows, t.plan.c.cols, t.plan.c.ld), (24, 16, 30));
    assert_eq!((t.alpha, t.beta), (2.0, 0.5));
    // beta = 0: C's dtype does not matter (never read).
    let mut spec = spec.alpha_beta(1.0, 0.0);
    spec.c = Operand::packed(DType::F32, Layout::ColMajor, 16, 24);
    assert_eq!(tr(&spec, Arch::Gfx950).raw().types[2], BF16);
}

#[test]
fn sizes_beyond_i32_and_overlapping_d_batches_are_unsupported() {
    let spec = GemmSpec::new(1 << 31, 1, 1, DType::BF16, DType::BF16, DType::F32);
    assert_unsupported(&spec, Arch::Gfx950, "i32::MAX");
    // Row-major D 4x5 with ld 8: hipforge needs batch stride >= 3*8+5 = 29, hipBLASLt ld*cols = 8*4 = 32.
    let mut spec = GemmSpec::new(4, 5, 8, DType::BF16, DType::BF16, DType::F32).batched(2);
    spec.d.ld = 8;
    spec.d.batch_stride = 30;
    assert_unsupported(&spec, Arch::Gfx950, "batch stride");
    spec.d.batch_stride = 32;
    assert_eq!(tr(&spec, Arch::Gfx950).plan.d.batch_stride, 32);
}

#[test]
fn invalid_specs_keep_their_own_errors_and_empty_problems_translate() {
    let bad = GemmSpec::new(4, 4, 0, DType::BF16, DType::BF16, DType::F32);
    assert!(matches!(
        HipBlasLtGemm::translate(&bad, &Arch::Gfx950),
        Err(Error::InvalidArgument { ref what, .. }) if what == "k"
    ));
    let empty = GemmSpec::new(0, 4, 8, DType::BF16, DType::BF16, DType::F32);
    assert!(tr(&empty, Arch::Gfx950).empty);
    let no_batch = GemmSpec::new(4, 4, 8, DType::BF16, DType::BF16, DType::F32).batched(0);
    let t = tr(&no_batch, Arch::Gfx950);
    assert!(t.empty);
    assert_eq!(t.plan.d.batch_count, 1);
}

#[test]
#[cfg_attr(not(feature = "emulator"), ignore = "needs the `emulator` feature")]
fn without_hipblaslt_the_backend_is_a_typed_error_and_nothing_else_breaks() {
    let Some(dev) = common::emulator(Arch::Gfx950) else {
        return;
    };
    match (HipBlasLtLibrary::global(), HipBlasLtGemm::new(&dev)) {
        (Err(_), Err(Error::LibraryNotFound { library, tried })) => {
            assert_eq!(library, "hipBLASLt");
            assert!(tried.iter().any(|t| t.contains("libhipblaslt.so")), "{tried:?}");
        }
        (Ok(lib), Err(Error::Unsupported { what })) => {
            eprintln!(
                "hipBLASLt is installed here ({}); the emulator is refused instead",
                lib.path()
            );
            assert!(what.contains("HIP device"), "{what}");
        }
        (lib, other) => panic!(
            "unexpected: library {:?}, backend {:?}",
            lib.map(|l| l.path().to_string()),
            other.err()
        ),
    }
    // A library that loads but is not hipBLASLt: refused for the emulator before any symbol is needed.
    let libc = HipBlasLtLibrary::load_from("libc.so.6").unwrap();
    match HipBlasLtGemm::with_library(&dev, libc) {
        Err(Error::Unsupported { what }) => assert!(what.contains("HIP device"), "{what}"),
        other => panic!("expected Unsupported, got {:?}", other.err()),
    }
    // The translation needs no library at all, and the device keeps working.
    let spec = GemmSpec::new(8, 8, 32, DType::F8E4M3, DType::F8E4M3, DType::BF16);
    assert_eq!(tr(&spec, dev.arch().clone()).raw().types, [E4M3, E4M3, BF16, BF16]);
    assert_eq!(dev.upload(&[3.0f32]).unwrap().download().unwrap(), vec![3.0]);
}

// ---------------------------------------------------------------------------------------------------------------
// Execution end to end against stand-ins: tests/runtime_fake/fake_hip.c (one HIP "device" in host memory, gfx942)
// and tests/hipblaslt_fake/fake_hipblaslt.c (hipBLASLt's documented column-major semantics, computed on the host for
// bf16 inputs). The fakes know nothing of hipforge's row-major conventions, so a result that matches hipforge's CPU
// reference shows the translation (swap, transposes, ld, batch, bias, scales) and the wrapper wiring are right.
// Needs a C compiler; skips without one unless HIPFORGE_REQUIRE_GPU_TOOLCHAIN=1.

mod fake {
    use hipforge::runtime::hipblaslt::HipBlasLtLibrary;
    use hipforge::runtime::{Device, HipRuntime};
    use std::path::{Path, PathBuf};
    use std::process::Command;
    use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

    fn compile(src: &Path, out: &Path, defines: &[String]) -> bool {
        ["clang-22", "clang", "cc"].iter().any(|cc| {
            let status = Command::new(cc)
                .args(["-shared", "-fPIC", "-O1", "-o"])
                .arg(out)
                .arg(src)
                .args(defines)
                .arg("-lm")
                .status();
            matches!(status, Ok(s) if s.success())
        })
    }

    fn built() -> Option<(PathBuf, PathBuf)> {
        static BUILT: OnceLock<Option<(PathBuf, PathBuf)>> = OnceLock::new();
        BUILT
            .get_or_init(|| {
                let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
                let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
                let hip = tmp.join("libfake_amdhip64_for_hipblaslt.so");
                let lt = tmp.join("libfake_hipblaslt.so");
                let offset = std::mem::offset_of!(hipforge_sys::types::hipDeviceProp_tR0600, gcnArchName);
                let hip_ok = compile(
                    &root.join("tests/runtime_fake/fake_hip.c"),
                    &hip,
                    &[format!("-DGCN_ARCH_OFFSET={offset}"), "-DPARAMS_BYTES=48".into()],
                );
                let lt_ok = compile(&root.join("tests/hipblaslt_fake/fake_hipblaslt.c"), &lt, &[]);
                (hip_ok && lt_ok).then_some((hip, lt))
            })
            .clone()
    }

    /// The fake device, the fake hipBLASLt, its inspection hooks, and a lock (the fakes keep global state).
    pub struct Fakes {
        pub dev: Device,
        pub lib: Arc<HipBlasLtLibrary>,
        hooks: hipforge_sys::Library,
        _guard: MutexGuard<'static, ()>,
    }

    impl Fakes {
        pub fn int(&self, name: &str) -> i64 {
            let f = unsafe { self.hooks.get::<unsafe extern "C" fn() -> i32>(name) }.unwrap();
            unsafe { f() as i64 }
        }
        pub fn int_at(&self, name: &str, which: i32) -> i64 {
            let f = unsafe { self.hooks.get::<unsafe extern "C" fn(i32) -> u32>(name) }.unwrap();
            unsafe { f(which) as i64 }
        }
        pub fn float(&self, name: &str) -> f32 {
            let f = unsafe { self.hooks.get::<unsafe extern "C" fn() -> f32>(name) }.unwrap();
            unsafe { f() }
        }
        /// `[rows, cols, ld, batch count, batch stride]` of the last matmul's layout `which` (A, B, C, D).
        pub fn layout(&self, which: i32) -> [i64; 5] {
            let f = unsafe {
                self.hooks
                    .get::<unsafe extern "C" fn(i32, i32) -> i64>("fake_lt_last_layout")
            }
            .unwrap();
            [0, 1, 2, 3, 4].map(|field| unsafe { f(which, field) })
        }
        pub fn ptr_at(&self, name: &str, which: i32) -> u64 {
            let f = unsafe {
                self.hooks
                    .get::<unsafe extern "C" fn(i32) -> *const std::ffi::c_void>(name)
            }
            .unwrap();
            unsafe { f(which) as u64 }
        }
    }

    pub fn get() -> Option<Fakes> {
        static LOCK: Mutex<()> = Mutex::new(());
        let guard = LOCK.lock().unwrap_or_else(|p| p.into_inner());
        let Some((hip, lt)) = built() else {
            let why = "no C compiler (clang-22, clang, cc) to build the fake HIP runtime and hipBLASLt";
            if std::env::var("HIPFORGE_REQUIRE_GPU_TOOLCHAIN").as_deref() == Ok("1") {
                panic!("{why}, and HIPFORGE_REQUIRE_GPU_TOOLCHAIN=1");
            }
            eprintln!("skipping: {why}");
            return None;
        };
        let rt = HipRuntime::load_from(&hip).expect("the fake HIP runtime opens");
        let dev = Device::hip_with(&rt, 0).expect("the fake device opens");
        let lib = HipBlasLtLibrary::load_from(&lt).expect("the fake hipBLASLt opens");
        let hooks = hipforge_sys::loader::load_from("fake hipBLASLt hooks", &lt).expect("opens twice");
        Some(Fakes {
            dev,
            lib,
            hooks,
            _guard: guard,
        })
    }
}

/// Deterministic values in [-1, 1) (exact in bf16 after rounding, which the reference then sees as the input).
fn values(n: usize, seed: u64) -> Vec<f32> {
    common::Rng(seed).f32s(n, -1.0, 1.0)
}

fn bf16s(n: usize, seed: u64) -> Vec<hipforge::bf16> {
    values(n, seed).into_iter().map(hipforge::bf16::from_f32).collect()
}

/// Runs `f` on a thread with a large stack. The test harness's threads get 2 MiB, from which glibc carves the
/// binary's static TLS — about 2.2 MiB at the time of writing, mostly the emulator's per-thread LDS arrays — leaving
/// a few KiB: too little for the HIP and hipBLASLt calls these tests make.
fn on_big_stack(f: impl FnOnce() + Send + 'static) {
    let worker = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(f)
        .expect("spawn a test thread");
    if let Err(panic) = worker.join() {
        std::panic::resume_unwind(panic);
    }
}

use hipforge::gemm::hipblaslt::GemmBuffers;
use hipforge::reference::{gemm as reference_gemm, GemmInputs};
use hipforge::runtime::{DeviceBuffer, DeviceRepr};
use hipforge::verify::{verify, ErrorModel};
use hipforge::Element;

/// Asserts that D, as the fake computed it, matches the CPU reference for `spec` and `inputs` (`what` names the case).
fn assert_matches_reference<D, A, B, C, S>(
    spec: &GemmSpec,
    d: &DeviceBuffer<D>,
    inputs: &GemmInputs<'_, A, B, C, S>,
    what: &str,
) where
    D: Element + DeviceRepr,
    A: Element,
    B: Element,
    C: Element,
    S: Element,
{
    let got = spec.gather_d(&d.download().unwrap()).unwrap();
    let expected = reference_gemm(spec, inputs).unwrap();
    let report = verify(&got, &expected, &ErrorModel::gemm(spec.d.dtype, spec.is_int8())).unwrap();
    assert!(report.passed(), "{what}: {report}");
}

#[test]
fn runs_a_row_major_batched_gemm_with_c_bias_and_gelu_through_hipblaslt() {
    on_big_stack(|| {
        let Some(f) = fake::get() else { return };
        assert_eq!(f.dev.arch(), &Arch::Gfx942);
        let (m, n, k) = (17, 33, 65);
        let mut spec = GemmSpec::new(m, n, k, DType::BF16, DType::BF16, DType::F32)
            .batched(2)
            .alpha_beta(0.75, 0.5)
            .bias()
            .activation(Activation::GeluTanh);
        spec.a.ld = 70;
        spec.a.batch_stride = m * 70;
        spec.b.ld = 66;
        spec.b.batch_stride = n * 66;
        spec.c = Operand::packed(DType::F32, Layout::RowMajor, m, n);
        spec.c.ld = 40;
        spec.c.batch_stride = m * 40;
        spec.d.ld = 36;
        spec.d.batch_stride = m * 36;

        let (a, b) = (bf16s(spec.a_len(), 1), bf16s(spec.b_len(), 2));
        let (c, bias) = (values(spec.c_len(), 3), values(n, 4));
        let (da, db, dc, dbias) = (
            f.dev.upload(&a).unwrap(),
            f.dev.upload(&b).unwrap(),
            f.dev.upload(&c).unwrap(),
            f.dev.upload(&bias).unwrap(),
        );
        let mut dd = f.dev.alloc_zeroed::<f32>(spec.d_len()).unwrap();
        let gemm = HipBlasLtGemm::with_library(&f.dev, f.lib.clone()).unwrap();
        let computed = f.int("fake_lt_computed");
        gemm.run(
            &spec,
            GemmBuffers::new(&da, &db, &mut dd).with_c(&dc).with_bias(&dbias),
            None,
        )
        .unwrap();
        assert_eq!(f.int("fake_lt_computed"), computed + 1, "the fake computed the product");

        // The swap as hipBLASLt received it: its A is hipforge's B, its B hipforge's A.
        assert_eq!(f.ptr_at("fake_lt_last_ptr", 0), db.device_ptr());
        assert_eq!(f.ptr_at("fake_lt_last_ptr", 1), da.device_ptr());
        assert_eq!(f.ptr_at("fake_lt_last_ptr", 2), dc.device_ptr());
        assert_eq!(f.ptr_at("fake_lt_last_ptr", 3), dd.device_ptr());
        assert_eq!(f.ptr_at("fake_lt_last_bias", 0), dbias.device_ptr());
        assert_eq!(
            [f.int_at("fake_lt_last_trans", 0), f.int_at("fake_lt_last_trans", 1)],
            [OP_T as i64, OP_N as i64]
        );
        assert_eq!(f.int("fake_lt_last_epilogue"), 36);

        let inputs = GemmInputs::new(&a, &b).with_c(&c).with_bias(&bias);
        assert_matches_reference(&spec, &dd, &inputs, "row-major batched");
    });
}

#[test]
fn runs_column_major_output_and_row_col_scales_in_both_orientations() {
    on_big_stack(|| {
        let Some(f) = fake::get() else { return };
        let gemm = HipBlasLtGemm::with_library(&f.dev, f.lib.clone()).unwrap();
        let (m, n, k) = (20, 12, 50);
        // (A layout, B layout, D layout, expected hipBLASLt transposes, whether hipforge's A scales go to its A slot)
        let cases = [
            (Layout::RowMajor, Layout::RowMajor, Layout::ColMajor, [OP_T, OP_T], true),
            (Layout::ColMajor, Layout::ColMajor, Layout::ColMajor, [OP_N, OP_N], true),
            (
                Layout::RowMajor,
                Layout::ColMajor,
                Layout::RowMajor,
                [OP_T, OP_N],
                false,
            ),
            (
                Layout::ColMajor,
                Layout::RowMajor,
                Layout::RowMajor,
                [OP_N, OP_T],
                false,
            ),
        ];
        for (seed, (la, lb, ld, trans, direct)) in cases.into_iter().enumerate() {
            let what = format!("A {la:?}, B {lb:?}, D {ld:?}");
            let mut spec = GemmSpec::new(m, n, k, DType::BF16, DType::BF16, DType::BF16)
                .layouts(la, lb)
                .scaling(Scaling::RowCol)
                .activation(Activation::Silu);
            spec.d = Operand::packed(DType::BF16, ld, m, n);
            let seed = seed as u64 * 10;
            let (a, b) = (bf16s(spec.a_len(), seed + 1), bf16s(spec.b_len(), seed + 2));
            let sa: Vec<f32> = values(m, seed + 3).iter().map(|v| 0.5 + v.abs()).collect();
            let sb: Vec<f32> = values(n, seed + 4).iter().map(|v| 0.25 + v.abs()).collect();
            let (da, db) = (f.dev.upload(&a).unwrap(), f.dev.upload(&b).unwrap());
            let (dsa, dsb) = (f.dev.upload(&sa).unwrap(), f.dev.upload(&sb).unwrap());
            let mut dd = f.dev.alloc_zeroed::<hipforge::bf16>(spec.d_len()).unwrap();
            gemm.run(&spec, GemmBuffers::new(&da, &db, &mut dd).with_scales(&dsa, &dsb), None)
                .unwrap();
            let got_trans = [f.int_at("fake_lt_last_trans", 0), f.int_at("fake_lt_last_trans", 1)];
            assert_eq!(got_trans, trans.map(|t| t as i64), "{what}");
            assert_eq!(
                [
                    f.int_at("fake_lt_last_scale_mode", 0),
                    f.int_at("fake_lt_last_scale_mode", 1)
                ],
                [3, 3],
                "{what}"
            );
            let (to_a, to_b) = if direct { (&dsa, &dsb) } else { (&dsb, &dsa) };
            assert_eq!(f.ptr_at("fake_lt_last_scale_ptr", 0), to_a.device_ptr(), "{what}");
            assert_eq!(f.ptr_at("fake_lt_last_scale_ptr", 1), to_b.device_ptr(), "{what}");

            let inputs = GemmInputs::new(&a, &b).with_scales(&sa[..], &sb[..]);
            assert_matches_reference(&spec, &dd, &inputs, &what);
        }
    });
}

#[test]
fn the_algorithm_is_chosen_once_per_plan_and_bad_buffers_never_reach_hipblaslt() {
    on_big_stack(|| {
        let Some(f) = fake::get() else { return };
        let gemm = HipBlasLtGemm::with_library(&f.dev, f.lib.clone()).unwrap();
        let spec = GemmSpec::new(8, 16, 32, DType::BF16, DType::BF16, DType::F32);
        let (a, b) = (bf16s(spec.a_len(), 5), bf16s(spec.b_len(), 6));
        let (da, db) = (f.dev.upload(&a).unwrap(), f.dev.upload(&b).unwrap());
        let mut dd = f.dev.alloc_zeroed::<f32>(spec.d_len()).unwrap();
        let (heuristics, matmuls) = (f.int("fake_lt_heuristic_calls"), f.int("fake_lt_matmuls"));
        for _ in 0..3 {
            gemm.run(&spec, GemmBuffers::new(&da, &db, &mut dd), None).unwrap();
        }
        assert_eq!(
            f.int("fake_lt_heuristic_calls"),
            heuristics + 1,
            "one heuristic query for one plan"
        );
        assert_eq!(f.int("fake_lt_matmuls"), matmuls + 3);
        assert_eq!(gemm.handle().cached_plans(), 1);
        let other = spec.alpha_beta(2.0, 0.0).batched(1);
        gemm.run(&other, GemmBuffers::new(&da, &db, &mut dd), None).unwrap();
        assert_eq!(
            gemm.handle().cached_plans(),
            1,
            "alpha is an argument, not part of the plan"
        );
        let other = GemmSpec::new(8, 8, 32, DType::BF16, DType::BF16, DType::F32);
        gemm.run(&other, GemmBuffers::new(&da, &db, &mut dd), None).unwrap();
        assert_eq!(gemm.handle().cached_plans(), 2);
        assert_eq!(f.int("fake_lt_heuristic_calls"), heuristics + 2);

        // The full heuristic list, an explicit algorithm, and replacing the cached choice.
        let algos = gemm.heuristics(&spec, 8).unwrap();
        assert_eq!(algos.len(), 1, "the fake offers one algorithm");
        assert_eq!(f.int("fake_lt_heuristic_calls"), heuristics + 3);
        let before = f.int("fake_lt_matmuls");
        gemm.run_with(&spec, GemmBuffers::new(&da, &db, &mut dd), &algos[0], None)
            .unwrap();
        assert_eq!(f.int("fake_lt_matmuls"), before + 1);
        gemm.set_algorithm(&other, algos[0]).unwrap();
        assert_eq!(gemm.handle().cached_plans(), 2);
        assert!(gemm.heuristics(&spec.activation(Activation::GeluErf), 8).is_err());

        let matmuls = f.int("fake_lt_matmuls");
        // A bias buffer the spec does not use, a missing bias, a too-short D, a wrong dtype: typed errors, no matmul.
        let bias = f.dev.upload(&[0.0f32; 16]).unwrap();
        let err = gemm.run(&spec, GemmBuffers::new(&da, &db, &mut dd).with_bias(&bias), None);
        assert!(
            matches!(err, Err(Error::InvalidArgument { ref what, .. }) if what == "bias"),
            "{err:?}"
        );
        let err = gemm.run(&spec.bias(), GemmBuffers::new(&da, &db, &mut dd), None);
        assert!(
            matches!(err, Err(Error::InvalidArgument { ref what, .. }) if what == "bias"),
            "{err:?}"
        );
        let mut short = f.dev.alloc_zeroed::<f32>(spec.d_len() - 1).unwrap();
        let err = gemm.run(&spec, GemmBuffers::new(&da, &db, &mut short), None);
        assert!(
            matches!(err, Err(Error::LengthMismatch { ref what, .. }) if what == "d"),
            "{err:?}"
        );
        let err = gemm.run(&spec, GemmBuffers::new(&db, &da, &mut dd), None);
        assert!(
            err.is_err(),
            "A and B swapped by the caller have the wrong lengths here: {err:?}"
        );
        let mut wrong = f.dev.alloc_zeroed::<hipforge::bf16>(spec.d_len()).unwrap();
        let err = gemm.run(&spec, GemmBuffers::new(&da, &db, &mut wrong), None);
        assert!(matches!(err, Err(Error::UnsupportedDType { .. })), "{err:?}");
        // A spec hipBLASLt cannot express fails in the translation.
        let err = gemm.run(
            &spec.activation(Activation::GeluErf),
            GemmBuffers::new(&da, &db, &mut dd),
            None,
        );
        assert!(matches!(err, Err(Error::Unsupported { .. })), "{err:?}");
        assert_eq!(f.int("fake_lt_matmuls"), matmuls, "no invalid call reached hipBLASLt");
    });
}

#[test]
fn fp8_output_passes_scale_d_through_a_device_pointer() {
    on_big_stack(|| {
        let Some(f) = fake::get() else { return };
        let gemm = HipBlasLtGemm::with_library(&f.dev, f.lib.clone()).unwrap();
        let spec = GemmSpec::new(16, 16, 64, DType::F8E4M3Fnuz, DType::F8E5M2Fnuz, DType::F8E4M3Fnuz)
            .scaling(Scaling::PerTensor)
            .scale_d(0.25);
        let zero_a = vec![hipforge::F8E4M3Fnuz::from_f32(0.0); spec.a_len()];
        let zero_b = vec![hipforge::F8E5M2Fnuz::from_f32(0.0); spec.b_len()];
        let (da, db) = (f.dev.upload(&zero_a).unwrap(), f.dev.upload(&zero_b).unwrap());
        let (dsa, dsb) = (f.dev.upload(&[2.0f32]).unwrap(), f.dev.upload(&[4.0f32]).unwrap());
        let mut dd = f.dev.alloc_zeroed::<hipforge::F8E4M3Fnuz>(spec.d_len()).unwrap();
        gemm.run(&spec, GemmBuffers::new(&da, &db, &mut dd).with_scales(&dsa, &dsb), None)
            .unwrap();
        assert_eq!(
            [0, 1, 2, 3].map(|i| f.int_at("fake_lt_last_type", i)),
            [E5M2_FNUZ, E4M3_FNUZ, E4M3_FNUZ, E4M3_FNUZ].map(|t| t as i64)
        );
        assert_eq!(f.int("fake_lt_last_compute"), COMPUTE_32F as i64);
        // Swapped: hipBLASLt's A scale is hipforge's B scale.
        assert_eq!(f.ptr_at("fake_lt_last_scale_ptr", 0), dsb.device_ptr());
        assert_eq!(f.ptr_at("fake_lt_last_scale_ptr", 1), dsa.device_ptr());
        assert_eq!(f.ptr_at("fake_lt_last_scale_ptr", 2), 0, "no C scale");
        let d_scale = f.ptr_at("fake_lt_last_scale_ptr", 3);
        assert_ne!(d_scale, 0);
        // The fake device's memory is host memory: read the value hipBLASLt would multiply D by.
        assert_eq!(unsafe { *(d_scale as *const f32) }, 0.25);
        // Scalar scales leave the scale-mode attributes at their default (SCALAR_32F = 0).
        assert_eq!(
            [
                f.int_at("fake_lt_last_scale_mode", 0),
                f.int_at("fake_lt_last_scale_mode", 1)
            ],
            [0, 0]
        );
    });
}

/// `GemmPlan` + `Backend::HipBlasLt` end to end: the plan takes the fake library through `GemmPlan::with_library`,
/// runs a GemmSpec given as `GemmOperands` (the same operands the kernels take), and the fake records exactly what
/// hipBLASLt was handed. Expected descriptor values are worked out by hand from the module docs of gemm::hipblaslt.
#[test]
fn gemm_plan_runs_the_hipblaslt_backend_on_the_library_it_is_given() {
    on_big_stack(|| {
        let Some(f) = fake::get() else { return };
        // A column-major, B row-major (the "NT" case), batched, C, bias and ReLU, a row-major bf16 D.
        let (m, n, k, batch) = (19, 24, 40, 2);
        let spec = GemmSpec::new(m, n, k, DType::BF16, DType::BF16, DType::BF16)
            .layouts(Layout::ColMajor, Layout::RowMajor)
            .batched(batch)
            .alpha_beta(0.5, -1.25)
            .bias()
            .activation(Activation::Relu);
        let plan = GemmPlan::with_library(&f.dev, &spec, f.lib.clone()).unwrap();
        assert_eq!(plan.kernel(), "hipblaslt");
        assert_eq!(plan.spec(), &spec);

        let (a, b, c) = (
            bf16s(spec.a_len(), 21),
            bf16s(spec.b_len(), 22),
            bf16s(spec.c_len(), 23),
        );
        let bias = values(n, 24);
        let (da, db, dc) = (
            f.dev.upload(&a).unwrap(),
            f.dev.upload(&b).unwrap(),
            f.dev.upload(&c).unwrap(),
        );
        let dbias = f.dev.upload(&bias).unwrap();
        // Scales the spec does not use: the kernels ignore them, and so must the hipBLASLt path.
        let unused = f.dev.upload(&[3.0f32; 64]).unwrap();
        let mut dd = f.dev.alloc_zeroed::<hipforge::bf16>(spec.d_len()).unwrap();
        let ops = GemmOperands::new(&da, &db)
            .with_c(&dc)
            .with_scales(&unused, &unused)
            .with_bias(&dbias);
        let (matmuls, computed) = (f.int("fake_lt_matmuls"), f.int("fake_lt_computed"));
        plan.run(&ops, &mut dd).unwrap();
        assert_eq!(f.int("fake_lt_matmuls"), matmuls + 1);
        assert_eq!(f.int("fake_lt_computed"), computed + 1, "the fake computed the product");

        // Row-major D: hipBLASLt computes Dᵀ (n×m) = Bᵀ·Aᵀ, so its A slot holds hipforge's B and its B slot A.
        assert_eq!(f.ptr_at("fake_lt_last_ptr", 0), db.device_ptr());
        assert_eq!(f.ptr_at("fake_lt_last_ptr", 1), da.device_ptr());
        assert_eq!(f.ptr_at("fake_lt_last_ptr", 2), dc.device_ptr());
        assert_eq!(f.ptr_at("fake_lt_last_ptr", 3), dd.device_ptr());
        assert_eq!(f.ptr_at("fake_lt_last_bias", 0), dbias.device_ptr());
        assert_eq!(
            [0, 1].map(|i| f.ptr_at("fake_lt_last_scale_ptr", i)),
            [0, 0],
            "unused scales are not handed over"
        );
        assert_eq!(f.ptr_at("fake_lt_last_scale_ptr", 3), 0, "no D scale for a bf16 output");
        // B row-major k×n is, read column-major, the n×k Bᵀ itself (N); A column-major m×k must be transposed (T).
        assert_eq!(
            [f.int_at("fake_lt_last_trans", 0), f.int_at("fake_lt_last_trans", 1)],
            [OP_N as i64, OP_T as i64]
        );
        let (m, n, k, batch) = (m as i64, n as i64, k as i64, batch as i64);
        assert_eq!(
            f.layout(0),
            [n, k, n, batch, k * n],
            "hipBLASLt's A: hipforge's B as stored"
        );
        assert_eq!(
            f.layout(1),
            [m, k, m, batch, m * k],
            "hipBLASLt's B: hipforge's A as stored"
        );
        assert_eq!(
            f.layout(2),
            [n, m, n, batch, m * n],
            "C: row-major m×n read as column-major n×m"
        );
        assert_eq!(f.layout(3), [n, m, n, batch, m * n], "D likewise");
        assert_eq!([0, 1, 2, 3].map(|i| f.int_at("fake_lt_last_type", i)), [BF16 as i64; 4]);
        assert_eq!(f.int("fake_lt_last_compute"), COMPUTE_32F as i64);
        assert_eq!(f.int("fake_lt_last_scale_type"), F32 as i64);
        assert_eq!(f.int("fake_lt_last_epilogue"), 6, "RELU_BIAS");
        assert_eq!(
            (f.float("fake_lt_last_alpha"), f.float("fake_lt_last_beta")),
            (0.5, -1.25)
        );

        let inputs = GemmInputs::new(&a, &b).with_c(&c).with_bias(&bias);
        assert_matches_reference(&spec, &dd, &inputs, "GemmPlan on hipBLASLt");

        // A wrong buffer is the plan's typed error, and hipBLASLt never sees the call.
        let mut wrong = f.dev.alloc_zeroed::<f32>(spec.d_len()).unwrap();
        let err = plan.run(&ops, &mut wrong).unwrap_err();
        assert!(matches!(err, Error::UnsupportedDType { .. }), "{err:?}");
        let err = plan
            .run(&GemmOperands::new(&da, &db).with_bias(&dbias), &mut dd)
            .unwrap_err();
        assert!(
            matches!(&err, Error::InvalidArgument { what, .. } if what == "c"),
            "{err:?}"
        );

        // Specs hipBLASLt cannot express: the typed error at planning time, before the library is touched.
        for (bad, needle) in [
            (spec.activation(Activation::GeluErf), "GELU"),
            (
                GemmSpec::new(32, 32, 256, DType::F8E4M3Fnuz, DType::F8E4M3Fnuz, DType::F32).scaling(Scaling::Block),
                "block scaling",
            ),
            (
                GemmSpec::new(32, 32, 64, DType::BF16, DType::BF16, DType::F32)
                    .scaling(Scaling::RowCol)
                    .batched(2),
                "batch = 2",
            ),
        ] {
            match GemmPlan::with_library(&f.dev, &bad, f.lib.clone()) {
                Err(Error::Unsupported { what }) => {
                    assert!(what.contains("unsupported by hipBLASLt"), "{what}");
                    assert!(what.contains(needle), "expected {needle:?} in: {what}");
                }
                other => panic!("expected Unsupported for {bad}, got {:?}", other.err()),
            }
        }
        assert_eq!(
            f.int("fake_lt_matmuls"),
            matmuls + 1,
            "no refused spec reached hipBLASLt"
        );

        // An invalid spec keeps its own error on this backend too.
        let mut bad = spec;
        bad.a.ld = 1;
        let err = GemmPlan::with_library(&f.dev, &bad, f.lib.clone()).unwrap_err();
        assert!(
            matches!(&err, Error::InvalidArgument { what, .. } if what == "lda"),
            "{err:?}"
        );

        // Backend::HipBlasLt through with_options takes the process-wide library instead: on a machine without
        // hipBLASLt that is LibraryNotFound, although the device (fake) and spec are the same.
        let opts = PlanOptions {
            backend: Backend::HipBlasLt,
            ..Default::default()
        };
        match (HipBlasLtLibrary::global(), GemmPlan::with_options(&f.dev, &spec, opts)) {
            (Err(_), Err(Error::LibraryNotFound { library, .. })) => assert_eq!(library, "hipBLASLt"),
            (Ok(lib), _) => eprintln!(
                "hipBLASLt is installed here ({}): global-library case not checked",
                lib.path()
            ),
            (Err(_), other) => panic!("expected LibraryNotFound, got {:?}", other.err()),
        }
    });
}
