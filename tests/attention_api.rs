//! The attention API rejects every impossible or unsupported request with a typed error, before any launch.
//!
//! Plans need a device: the emulator (skipped with a printed reason when it was not built, a failure when
//! HIPFORGE_REQUIRE_EMULATOR=1).

use hipforge::attention::{AttentionPlan, AttentionSpec, Strides};
use hipforge::runtime::Arch;
use hipforge::{bf16, f16, DType, Error};

mod common;
use common::emulator;

fn base() -> AttentionSpec {
    AttentionSpec::new(1, 8, 8, 4, 64, DType::BF16)
}

fn invalid_arg(r: Result<AttentionPlan, Error>, field: &str) -> (String, String) {
    match r {
        Err(Error::InvalidArgument { what, expected, got }) => {
            assert_eq!(what, field, "expected/got: {expected} / {got}");
            (expected, got)
        }
        other => panic!("expected InvalidArgument for {field}, got {other:?}"),
    }
}

#[test]
#[cfg_attr(not(feature = "emulator"), ignore = "needs the `emulator` feature")]
fn heads_q_not_a_multiple_of_heads_kv() {
    let Some(dev) = emulator(Arch::Gfx950) else { return };
    let (expected, got) = invalid_arg(AttentionPlan::new(&dev, &base().gqa(3)), "heads_q");
    assert!(expected.contains("multiple of heads_kv = 3"), "{expected}");
    assert_eq!(got, "4");
}

#[test]
#[cfg_attr(not(feature = "emulator"), ignore = "needs the `emulator` feature")]
fn unsupported_head_dim() {
    let Some(dev) = emulator(Arch::Gfx950) else { return };
    let spec = AttentionSpec::new(1, 8, 8, 4, 96, DType::BF16);
    let (expected, got) = invalid_arg(AttentionPlan::new(&dev, &spec), "head_dim");
    assert!(
        expected.contains("64") && expected.contains("128") && expected.contains("256"),
        "{expected}"
    );
    assert_eq!(got, "96");
}

#[test]
#[cfg_attr(not(feature = "emulator"), ignore = "needs the `emulator` feature")]
fn fp8_flavour_not_on_the_arch() {
    for (arch, wrong) in [(Arch::Gfx950, DType::F8E4M3Fnuz), (Arch::Gfx942, DType::F8E4M3)] {
        let Some(dev) = emulator(arch.clone()) else { return };
        let spec = AttentionSpec::new(1, 8, 8, 4, 64, wrong);
        match AttentionPlan::new(&dev, &spec) {
            Err(Error::UnsupportedDType { dtype, reason, .. }) => {
                assert_eq!(dtype, wrong.name());
                assert!(reason.contains(arch.fp8_e4m3().name()), "{reason}");
            }
            other => panic!("expected UnsupportedDType for {wrong} on {arch}, got {other:?}"),
        }
    }
}

#[test]
#[cfg_attr(not(feature = "emulator"), ignore = "needs the `emulator` feature")]
fn e5m2_inputs_are_not_supported() {
    let Some(dev) = emulator(Arch::Gfx950) else { return };
    let spec = AttentionSpec::new(1, 8, 8, 4, 64, DType::F8E5M2);
    assert!(matches!(
        AttentionPlan::new(&dev, &spec),
        Err(Error::UnsupportedDType { .. })
    ));
}

#[test]
#[cfg_attr(not(feature = "emulator"), ignore = "needs the `emulator` feature")]
fn strides_that_break_16_byte_loads() {
    let Some(dev) = emulator(Arch::Gfx950) else { return };
    let mut spec = base();
    spec.q_strides = Strides {
        batch: 8 * 260,
        seq: 260, // 4 heads × 64 + 4: not a multiple of 8 bf16 elements
        head: 64,
    };
    let (_, got) = invalid_arg(AttentionPlan::new(&dev, &spec), "q_strides");
    assert!(got.contains("260"), "{got}");
}

#[test]
#[cfg_attr(not(feature = "emulator"), ignore = "needs the `emulator` feature")]
fn cu_seqlens_not_monotonic() {
    let Some(dev) = emulator(Arch::Gfx950) else { return };
    let spec = base().varlen(vec![0, 5, 3, 9], vec![0, 4, 8, 12]);
    let (expected, _) = invalid_arg(AttentionPlan::new(&dev, &spec), "cu_seqlens_q");
    assert!(expected.contains("non-decreasing"), "{expected}");
}

#[test]
#[cfg_attr(not(feature = "emulator"), ignore = "needs the `emulator` feature")]
fn sizes_beyond_32_bit_indexing() {
    let Some(dev) = emulator(Arch::Gfx950) else { return };
    // 2^22 keys × 4 heads × 128 × 2 bytes = 4 GiB of K per batch: beyond the kernels' 31-bit byte offsets.
    let spec = AttentionSpec::new(1, 1, 1 << 22, 4, 128, DType::BF16);
    assert!(matches!(AttentionPlan::new(&dev, &spec), Err(Error::Overflow { .. })));
}

#[test]
#[cfg_attr(not(feature = "emulator"), ignore = "needs the `emulator` feature")]
fn run_checks_types_lengths_and_the_lse_buffer() {
    let Some(dev) = emulator(Arch::Gfx950) else { return };
    let spec = base().with_lse();
    let plan = AttentionPlan::new(&dev, &spec).unwrap();
    let q = dev.alloc_zeroed::<bf16>(spec.q_len()).unwrap();
    let k = dev.alloc_zeroed::<bf16>(spec.k_len()).unwrap();
    let v = dev.alloc_zeroed::<bf16>(spec.v_len()).unwrap();
    let mut lse = dev.alloc_zeroed::<f32>(spec.lse_len()).unwrap();

    // Output element type other than the spec's.
    let mut o16 = dev.alloc_zeroed::<f16>(spec.o_len()).unwrap();
    let r = plan.run(&q, &k, &v, &mut o16, Some(&mut lse));
    assert!(
        matches!(&r, Err(Error::InvalidArgument { what, .. }) if what == "o element type"),
        "{r:?}"
    );

    // Input element type other than the spec's.
    let (qh, kh, vh) = (
        dev.alloc_zeroed::<f16>(spec.q_len()).unwrap(),
        dev.alloc_zeroed::<f16>(spec.k_len()).unwrap(),
        dev.alloc_zeroed::<f16>(spec.v_len()).unwrap(),
    );
    let mut o = dev.alloc_zeroed::<bf16>(spec.o_len()).unwrap();
    let r = plan.run(&qh, &kh, &vh, &mut o, Some(&mut lse));
    assert!(
        matches!(&r, Err(Error::InvalidArgument { what, .. }) if what == "q/k/v element type"),
        "{r:?}"
    );

    // A short buffer.
    let short = dev.alloc_zeroed::<bf16>(spec.k_len() - 1).unwrap();
    match plan.run(&q, &short, &v, &mut o, Some(&mut lse)) {
        Err(Error::LengthMismatch { what, expected, got }) => {
            assert_eq!((what.as_str(), expected, got), ("k", spec.k_len(), spec.k_len() - 1));
        }
        other => panic!("expected LengthMismatch, got {other:?}"),
    }

    // The spec asks for the LSE but no buffer is given; and the other way round.
    let r = plan.run(&q, &k, &v, &mut o, None);
    assert!(
        matches!(&r, Err(Error::InvalidArgument { what, .. }) if what == "lse"),
        "{r:?}"
    );
    let no_lse = AttentionPlan::new(&dev, &base()).unwrap();
    let r = no_lse.run(&q, &k, &v, &mut o, Some(&mut lse));
    assert!(
        matches!(&r, Err(Error::InvalidArgument { what, .. }) if what == "lse"),
        "{r:?}"
    );

    // A buffer from another device (the other arch's emulator: another handle of the same arch is the same device).
    let other = emulator(Arch::Gfx942).unwrap();
    let foreign = other.alloc_zeroed::<bf16>(spec.v_len()).unwrap();
    let r = plan.run(&q, &k, &foreign, &mut o, Some(&mut lse));
    assert!(matches!(r, Err(Error::DeviceMismatch { .. })), "{r:?}");

    // And the well-formed call works.
    plan.run(&q, &k, &v, &mut o, Some(&mut lse)).unwrap();
}
