//! Bad GEMM specs and runs return typed errors, one test per error (no launch happens for any of them).

mod common;

use common::emulator;
use hipforge::gemm::{validate_for_arch, Backend, GemmOperands, GemmPlan, GemmSpec, PlanOptions, Scaling, Tile};
use hipforge::runtime::hipblaslt::HipBlasLtLibrary;
use hipforge::runtime::Arch;
use hipforge::{bf16, DType, Error};

fn bf16_spec() -> GemmSpec {
    GemmSpec::new(8, 8, 8, DType::BF16, DType::BF16, DType::F32)
}

#[test]
fn ocp_fp8_on_gfx942_is_an_unsupported_dtype() {
    let spec = GemmSpec::new(8, 8, 8, DType::F8E4M3, DType::F8E4M3, DType::F32);
    let err = validate_for_arch(&spec, &Arch::Gfx942).unwrap_err();
    assert!(
        matches!(&err, Error::UnsupportedDType { dtype, .. } if dtype == "f8e4m3"),
        "{err}"
    );
}

#[test]
fn fnuz_fp8_on_gfx950_is_an_unsupported_dtype() {
    let spec = GemmSpec::new(8, 8, 8, DType::F8E5M2Fnuz, DType::F8E4M3Fnuz, DType::BF16);
    let err = validate_for_arch(&spec, &Arch::Gfx950).unwrap_err();
    assert!(
        matches!(&err, Error::UnsupportedDType { dtype, .. } if dtype == "f8e5m2fnuz"),
        "{err}"
    );
}

#[test]
fn fnuz_fp8_output_on_gfx950_is_an_unsupported_dtype() {
    let spec = GemmSpec::new(8, 8, 8, DType::BF16, DType::BF16, DType::F8E4M3Fnuz);
    let err = validate_for_arch(&spec, &Arch::Gfx950).unwrap_err();
    assert!(
        matches!(&err, Error::UnsupportedDType { what, .. } if what.contains('D')),
        "{err}"
    );
}

#[test]
fn mx_on_gfx942_is_unsupported() {
    let spec = GemmSpec::new(8, 8, 64, DType::F8E4M3, DType::F8E4M3, DType::F32).scaling(Scaling::Mx);
    let err = validate_for_arch(&spec, &Arch::Gfx942).unwrap_err();
    assert!(
        matches!(&err, Error::Unsupported { what } if what.contains("MX")),
        "{err}"
    );
}

#[test]
fn archs_without_mfma_kernels_are_unsupported() {
    let err = validate_for_arch(&bf16_spec(), &Arch::Gfx1250).unwrap_err();
    assert!(
        matches!(&err, Error::Unsupported { what } if what.contains("gfx1250")),
        "{err}"
    );
    let err = validate_for_arch(&bf16_spec(), &Arch::parse("gfx90a")).unwrap_err();
    assert!(matches!(&err, Error::Unsupported { .. }), "{err}");
}

#[test]
#[cfg_attr(not(feature = "emulator"), ignore = "needs the `emulator` feature")]
fn spec_errors_come_through_the_plan() {
    let Some(dev) = emulator(Arch::Gfx950) else {
        return;
    };
    let mut spec = bf16_spec();
    spec.k = 0;
    let err = GemmPlan::new(&dev, &spec).unwrap_err();
    assert!(
        matches!(&err, Error::InvalidArgument { what, .. } if what == "k"),
        "{err}"
    );
}

#[test]
#[cfg_attr(not(feature = "emulator"), ignore = "needs the `emulator` feature")]
fn block_scaling_on_the_large_tile_is_unsupported() {
    let Some(dev) = emulator(Arch::Gfx950) else {
        return;
    };
    let spec = GemmSpec::new(300, 300, 256, DType::F8E4M3, DType::F8E4M3, DType::F32).scaling(Scaling::Block);
    let opts = PlanOptions {
        tile: Some(Tile::Large),
        ..Default::default()
    };
    let err = GemmPlan::with_options(&dev, &spec, opts).unwrap_err();
    assert!(
        matches!(&err, Error::Unsupported { what } if what.contains("Block")),
        "{err}"
    );
    // Without forcing, the plan picks the tile that supports it.
    assert_eq!(GemmPlan::new(&dev, &spec).unwrap().tile(), Tile::Small);
}

#[test]
#[cfg_attr(not(feature = "emulator"), ignore = "needs the `emulator` feature")]
fn too_many_batches_are_unsupported() {
    let Some(dev) = emulator(Arch::Gfx942) else {
        return;
    };
    let spec = GemmSpec::new(1, 1, 1, DType::BF16, DType::BF16, DType::F32).batched(70_000);
    let err = GemmPlan::new(&dev, &spec).unwrap_err();
    assert!(
        matches!(&err, Error::Unsupported { what } if what.contains("70000")),
        "{err}"
    );
}

#[test]
#[cfg_attr(not(feature = "emulator"), ignore = "needs the `emulator` feature")]
fn views_over_two_gib_are_unsupported() {
    let Some(dev) = emulator(Arch::Gfx942) else {
        return;
    };
    let spec = GemmSpec::new(40_000, 8, 40_000, DType::BF16, DType::BF16, DType::F32);
    let err = GemmPlan::new(&dev, &spec).unwrap_err();
    assert!(
        matches!(&err, Error::Unsupported { what } if what.contains("operand A")),
        "{err}"
    );
}

#[test]
#[cfg_attr(not(feature = "emulator"), ignore = "needs the `emulator` feature")]
fn hipblaslt_backend_refuses_the_emulator() {
    let Some(dev) = emulator(Arch::Gfx950) else {
        return;
    };
    let opts = PlanOptions {
        backend: Backend::HipBlasLt,
        ..Default::default()
    };
    let err = GemmPlan::with_options(&dev, &bf16_spec(), opts).unwrap_err();
    assert!(
        matches!(&err, Error::Unsupported { what } if what.contains("hipBLASLt")),
        "{err}"
    );
    // With a library of the caller's (here one that is not hipBLASLt at all): the spec is checked first, then the
    // device; the library is never asked for a symbol.
    let lib = HipBlasLtLibrary::load_from("libc.so.6").unwrap();
    let err = GemmPlan::with_library(&dev, &bf16_spec(), lib.clone()).unwrap_err();
    assert!(
        matches!(&err, Error::Unsupported { what } if what.contains("needs a HIP device")),
        "{err}"
    );
    let erf = bf16_spec().activation(hipforge::gemm::Activation::GeluErf);
    let err = GemmPlan::with_library(&dev, &erf, lib.clone()).unwrap_err();
    assert!(
        matches!(&err, Error::Unsupported { what } if what.contains("unsupported by hipBLASLt")),
        "{err}"
    );
    let mut bad = bf16_spec();
    bad.k = 0;
    let err = GemmPlan::with_library(&dev, &bad, lib).unwrap_err();
    assert!(
        matches!(&err, Error::InvalidArgument { what, .. } if what == "k"),
        "{err}"
    );
}

#[test]
#[cfg_attr(not(feature = "emulator"), ignore = "needs the `emulator` feature")]
fn wrong_element_type_is_an_invalid_argument() {
    let Some(dev) = emulator(Arch::Gfx950) else {
        return;
    };
    let spec = bf16_spec();
    let a = dev.upload(&vec![0.0f32; spec.a_len()]).unwrap();
    let b = dev.upload(&vec![bf16::ZERO; spec.b_len()]).unwrap();
    let mut d = dev.alloc_zeroed::<f32>(spec.d_len()).unwrap();
    let err = GemmPlan::new(&dev, &spec)
        .unwrap()
        .run(&GemmOperands::new(&a, &b), &mut d)
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidArgument { what, .. } if what.contains("A")),
        "{err}"
    );
}

#[test]
#[cfg_attr(not(feature = "emulator"), ignore = "needs the `emulator` feature")]
fn short_buffer_is_a_length_mismatch() {
    let Some(dev) = emulator(Arch::Gfx950) else {
        return;
    };
    let spec = bf16_spec();
    let a = dev.upload(&vec![bf16::ZERO; spec.a_len()]).unwrap();
    let b = dev.upload(&vec![bf16::ZERO; spec.b_len() - 1]).unwrap();
    let mut d = dev.alloc_zeroed::<f32>(spec.d_len()).unwrap();
    let err = GemmPlan::new(&dev, &spec)
        .unwrap()
        .run(&GemmOperands::new(&a, &b), &mut d)
        .unwrap_err();
    assert_eq!(
        err,
        Error::LengthMismatch {
            what: "b".into(),
            expected: 64,
            got: 63
        }
    );
}

#[test]
#[cfg_attr(not(feature = "emulator"), ignore = "needs the `emulator` feature")]
fn missing_c_scales_or_bias_are_invalid_arguments() {
    let Some(dev) = emulator(Arch::Gfx950) else {
        return;
    };
    let a = dev.upload(&[bf16::ZERO; 64]).unwrap();
    let b = dev.upload(&[bf16::ZERO; 64]).unwrap();
    let mut d = dev.alloc_zeroed::<f32>(64).unwrap();
    for (spec, name) in [
        (bf16_spec().alpha_beta(1.0, 0.5), "c"),
        (bf16_spec().scaling(Scaling::PerTensor), "scales"),
        (bf16_spec().bias(), "bias"),
    ] {
        let err = GemmPlan::new(&dev, &spec)
            .unwrap()
            .run(&GemmOperands::new(&a, &b), &mut d)
            .unwrap_err();
        assert!(
            matches!(&err, Error::InvalidArgument { what, .. } if what == name),
            "{name}: {err}"
        );
    }
}

#[test]
#[cfg_attr(not(feature = "emulator"), ignore = "needs the `emulator` feature")]
fn buffers_of_another_device_are_a_device_mismatch() {
    let (Some(d942), Some(d950)) = (emulator(Arch::Gfx942), emulator(Arch::Gfx950)) else {
        return;
    };
    let spec = bf16_spec();
    let a = d942.upload(&[bf16::ZERO; 64]).unwrap();
    let b = d950.upload(&[bf16::ZERO; 64]).unwrap();
    let mut d = d950.alloc_zeroed::<f32>(64).unwrap();
    let err = GemmPlan::new(&d950, &spec)
        .unwrap()
        .run(&GemmOperands::new(&a, &b), &mut d)
        .unwrap_err();
    assert!(matches!(&err, Error::DeviceMismatch { .. }), "{err}");
}
