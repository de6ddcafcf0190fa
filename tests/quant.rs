//! FP8 quantization: the CPU reference against independent expectations, the kernels on the emulator (gfx942 and
//! gfx950) against the reference bit for bit, and the API's typed errors.

use hipforge::quant::{self, reference, Granularity, QuantInput, QuantOutput, QuantSpec};
use hipforge::runtime::{Arch, Device};

mod common;
use common::emulator;
use hipforge::{bf16, Error, F8E4M3Fnuz, F8E5M2Fnuz, F8E4M3, F8E5M2};

/// Deterministic test data with a spread of magnitudes (xorshift; no rand dependency).
fn data(n: usize, seed: u64) -> Vec<f32> {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            let unit = (s >> 40) as f32 / (1u64 << 24) as f32 - 0.5; // [-0.5, 0.5)
            let exp = ((s >> 8) % 24) as i32 - 12;
            unit * 2f32.powi(exp)
        })
        .collect()
}

// ---- reference ----------------------------------------------------------------------------------------------------

#[test]
fn reference_block128_groups_are_independent_and_ragged() {
    // 2 rows x 300 cols: groups [0,128), [128,256), [256,300). Put a distinct power of two as each group's amax.
    let cols = 300;
    let mut x = vec![0.0f32; 2 * cols];
    let amaxes = [[1.0f32, 8.0, 0.0], [0.5, 1024.0, 3.0]];
    for (r, row) in amaxes.iter().enumerate() {
        for (g, &a) in row.iter().enumerate() {
            let start = r * cols + g * 128;
            if a != 0.0 {
                x[start] = -a;
                x[start + 1] = a / 4.0;
            }
        }
    }
    let spec = QuantSpec::new(2, cols, Granularity::Block128);
    assert_eq!(spec.scale_len(), 6);
    let (q, s) = reference::quantize::<f32, F8E4M3>(&x, &spec).unwrap();
    let expect_scales: Vec<f32> = amaxes
        .iter()
        .flatten()
        .map(|&a| if a == 0.0 { 1.0 } else { a / 448.0 })
        .collect();
    assert_eq!(s, expect_scales);
    for (r, row) in amaxes.iter().enumerate() {
        for (g, &a) in row.iter().enumerate() {
            let start = r * cols + g * 128;
            if a != 0.0 {
                assert_eq!(q[start].to_f32(), -448.0, "the amax element maps to -max");
                assert_eq!(q[start + 1].to_f32(), 112.0, "a quarter of the amax maps to max/4");
            } else {
                assert_eq!(q[start].to_bits(), 0, "an all-zero group quantizes to +0 with scale 1");
            }
        }
    }
    // Dequantization recovers x within e4m3's half-ulp (2^-4 relative) everywhere.
    let xs = data(2 * cols, 7);
    let (q, s) = reference::quantize::<f32, F8E4M3>(&xs, &spec).unwrap();
    for (i, &v) in xs.iter().enumerate() {
        let (r, c) = (i / cols, i % cols);
        let scale = s[r * 3 + c / 128];
        let back = q[i].to_f32() * scale;
        let group_amax = reference::amax(
            xs[r * cols + (c / 128) * 128..r * cols + ((c / 128 + 1) * 128).min(cols)]
                .iter()
                .copied(),
        );
        // Subnormal FP8 codes have an absolute error of half the smallest subnormal step relative to the group.
        let tol = v.abs() / 16.0 + group_amax / 448.0 * 2f32.powi(-10);
        assert!(
            (back - v).abs() <= tol,
            "x[{i}] = {v}: dequantized {back}, tolerance {tol}"
        );
    }
}

#[test]
fn reference_non_finite_inputs_poison_only_their_group() {
    let x = [1.0f32, f32::NAN, 2.0, 4.0, f32::INFINITY, 1.0, 3.0, -6.0, 0.5];
    let spec = QuantSpec::new(3, 3, Granularity::Row);
    let (q, s) = reference::quantize::<f32, F8E5M2>(&x, &spec).unwrap();
    assert!(
        s[0].is_nan() && q[..3].iter().all(|v| v.is_nan()),
        "NaN row: NaN scale and codes"
    );
    assert_eq!(s[1], f32::INFINITY, "Inf row: Inf scale");
    assert_eq!(q[3].to_f32(), 0.0, "finite values of an Inf row become 0");
    assert!(q[4].is_nan(), "the Inf itself becomes NaN (Inf * 0)");
    assert_eq!(s[2], 6.0 / 57344.0);
    assert_eq!(q[7].to_f32(), -57344.0);
    // Per-tensor: one NaN poisons the whole tensor.
    let (qt, st) = reference::quantize::<f32, F8E4M3Fnuz>(&x, &QuantSpec::new(3, 3, Granularity::Tensor)).unwrap();
    assert!(st[0].is_nan() && qt.iter().all(|v| v.is_nan()));
}

#[test]
fn reference_handles_strides_and_bf16() {
    // 2 x 3 inside rows of 5 (input) and 4 (output).
    let x: Vec<bf16> = [1.0f32, 2.0, -4.0, 99.0, 99.0, 0.25, 0.5, 1.0, 99.0, 99.0]
        .iter()
        .map(|&v| bf16::from_f32(v))
        .collect();
    let spec = QuantSpec {
        rows: 2,
        cols: 3,
        ld_x: 5,
        ld_q: 4,
        granularity: Granularity::Row,
    };
    let (q, s) = reference::quantize::<bf16, F8E4M3Fnuz>(&x, &spec).unwrap();
    assert_eq!(q.len(), 7);
    assert_eq!(s, vec![4.0 / 240.0, 1.0 / 240.0]);
    assert_eq!(q[2].to_f32(), -240.0);
    assert_eq!(q[3].to_bits(), 0, "the gap between output rows is untouched");
    assert_eq!(q[6].to_f32(), 240.0);
}

#[test]
fn reference_rejects_bad_shapes_with_typed_errors() {
    let x = vec![0.0f32; 10];
    let bad = |spec: QuantSpec| reference::quantize::<f32, F8E4M3>(&x, &spec).unwrap_err();
    assert!(
        matches!(bad(QuantSpec::new(0, 4, Granularity::Row)), Error::InvalidArgument { what, .. } if what == "shape")
    );
    let mut s = QuantSpec::new(2, 4, Granularity::Row);
    s.ld_x = 3;
    assert!(matches!(bad(s), Error::InvalidArgument { what, .. } if what == "ld_x"));
    assert!(matches!(
        bad(QuantSpec::new(3, 4, Granularity::Row)),
        Error::LengthMismatch {
            expected: 12,
            got: 10,
            ..
        }
    ));
    let huge = QuantSpec {
        rows: 1 << 20,
        cols: 1,
        ld_x: u32::MAX as usize,
        ld_q: 1,
        granularity: Granularity::Tensor,
    };
    if usize::BITS == 64 {
        assert!(matches!(bad(huge), Error::LengthMismatch { .. }));
    }
    let wide = QuantSpec::new(1, u32::MAX as usize + 1, Granularity::Row);
    assert!(matches!(bad(wide), Error::InvalidArgument { .. }));
}

// ---- emulator -----------------------------------------------------------------------------------------------------

fn check_against_reference<I: QuantInput + Copy, O: QuantOutput>(dev: &Device, x: &[I], spec: &QuantSpec) {
    let (want_q, want_s) = reference::quantize::<I, O>(x, spec).unwrap();
    let xd = dev.upload(x).unwrap();
    let mut q = dev.alloc_zeroed::<O>(spec.output_len().unwrap()).unwrap();
    let mut s = dev.alloc_zeroed::<f32>(spec.scale_len()).unwrap();
    quant::quantize(&xd, spec, &mut q, &mut s).unwrap();
    let got_q = q.download().unwrap();
    let got_s = s.download().unwrap();
    let name = quant::kernel_name::<I, O>(spec.granularity);
    for (i, (g, w)) in got_s.iter().zip(&want_s).enumerate() {
        assert!(
            g.to_bits() == w.to_bits() || (g.is_nan() && w.is_nan()),
            "{name} on {} {spec:?}: scale[{i}] = {g}, reference {w}",
            dev.arch()
        );
    }
    let mismatches: Vec<String> = got_q
        .iter()
        .zip(&want_q)
        .enumerate()
        .filter(|(_, (g, w))| {
            g.to_f64().to_bits() != w.to_f64().to_bits() && !(g.to_f64().is_nan() && w.to_f64().is_nan())
        })
        .take(5)
        .map(|(i, (g, w))| format!("q[{i}] = {:?}, reference {:?}", g, w))
        .collect();
    assert!(
        mismatches.is_empty(),
        "{name} on {} {spec:?}: {}",
        dev.arch(),
        mismatches.join("; ")
    );
}

fn shapes() -> Vec<QuantSpec> {
    let mut v = Vec::new();
    for g in [Granularity::Tensor, Granularity::Row, Granularity::Block128] {
        for (rows, cols) in [(1, 1), (3, 300), (2, 128), (5, 129), (1, 1000), (33, 17)] {
            v.push(QuantSpec::new(rows, cols, g));
        }
        // Unaligned strides: the kernels' one-element path.
        v.push(QuantSpec {
            rows: 4,
            cols: 200,
            ld_x: 263,
            ld_q: 201,
            granularity: g,
        });
        // 4-aligned strides with a ragged tail: groups of four, then two single elements per row.
        v.push(QuantSpec {
            rows: 3,
            cols: 202,
            ld_x: 264,
            ld_q: 204,
            granularity: g,
        });
    }
    v
}

fn run_all<O: QuantOutput>(dev: &Device) {
    for (n, spec) in shapes().iter().enumerate() {
        let len = spec.input_len().unwrap();
        let mut x = data(len, n as u64 + 1);
        if n % 5 == 3 {
            // Exercise amax = 0 for one group: zero the first row.
            x[..spec.cols].iter_mut().for_each(|v| *v = 0.0);
        }
        check_against_reference::<f32, O>(dev, &x, spec);
        let xb: Vec<bf16> = x.iter().map(|&v| bf16::from_f32(v)).collect();
        check_against_reference::<bf16, O>(dev, &xb, spec);
    }
}

#[test]
#[cfg_attr(not(feature = "emulator"), ignore = "needs the `emulator` feature")]
fn emulator_matches_reference_gfx942() {
    let Some(dev) = emulator(Arch::Gfx942) else {
        return;
    };
    run_all::<F8E4M3Fnuz>(&dev);
    run_all::<F8E5M2Fnuz>(&dev);
}

#[test]
#[cfg_attr(not(feature = "emulator"), ignore = "needs the `emulator` feature")]
fn emulator_matches_reference_gfx950() {
    let Some(dev) = emulator(Arch::Gfx950) else {
        return;
    };
    run_all::<F8E4M3>(&dev);
    run_all::<F8E5M2>(&dev);
}

#[test]
#[cfg_attr(not(feature = "emulator"), ignore = "needs the `emulator` feature")]
fn emulator_non_finite_inputs_match_reference() {
    for arch in [Arch::Gfx942, Arch::Gfx950] {
        let Some(dev) = emulator(arch.clone()) else {
            continue;
        };
        let mut x = data(3 * 260, 99);
        x[5] = f32::NAN; // row 0, block 0
        x[260 + 200] = f32::INFINITY; // row 1, block 1
        x[2 * 260 + 259] = f32::NEG_INFINITY; // row 2, block 2 (the short one)
        for g in [Granularity::Tensor, Granularity::Row, Granularity::Block128] {
            let spec = QuantSpec::new(3, 260, g);
            if arch == Arch::Gfx942 {
                check_against_reference::<f32, F8E4M3Fnuz>(&dev, &x, &spec);
                check_against_reference::<f32, F8E5M2Fnuz>(&dev, &x, &spec);
            } else {
                check_against_reference::<f32, F8E4M3>(&dev, &x, &spec);
                check_against_reference::<f32, F8E5M2>(&dev, &x, &spec);
            }
        }
    }
}

#[test]
#[cfg_attr(not(feature = "emulator"), ignore = "needs the `emulator` feature")]
fn api_rejects_wrong_flavour_short_buffers_and_bad_shapes() {
    let Some(dev) = emulator(Arch::Gfx942) else {
        return;
    };
    let x = dev.upload(&[1.0f32; 12]).unwrap();
    let spec = QuantSpec::new(3, 4, Granularity::Row);
    let mut s = dev.alloc_zeroed::<f32>(3).unwrap();

    let mut ocp = dev.alloc_zeroed::<F8E4M3>(12).unwrap();
    match quant::quantize(&x, &spec, &mut ocp, &mut s) {
        Err(Error::UnsupportedDType { dtype, reason, .. }) => {
            assert_eq!(dtype, "f8e4m3");
            assert!(reason.contains("f8e4m3fnuz"), "{reason}");
        }
        other => panic!("OCP output on gfx942 must be UnsupportedDType, got {other:?}"),
    }
    let mut short_q = dev.alloc_zeroed::<F8E4M3Fnuz>(11).unwrap();
    assert!(matches!(
        quant::quantize(&x, &spec, &mut short_q, &mut s),
        Err(Error::LengthMismatch { ref what, expected: 12, got: 11 }) if what == "q"
    ));
    let mut q = dev.alloc_zeroed::<F8E4M3Fnuz>(12).unwrap();
    let mut short_s = dev.alloc_zeroed::<f32>(2).unwrap();
    assert!(matches!(
        quant::quantize(&x, &spec, &mut q, &mut short_s),
        Err(Error::LengthMismatch { ref what, expected: 3, got: 2 }) if what == "scales"
    ));
    let big = QuantSpec::new(4, 4, Granularity::Row);
    assert!(matches!(
        quant::quantize(&x, &big, &mut q, &mut s),
        Err(Error::LengthMismatch { ref what, .. }) if what == "x"
    ));
    assert!(matches!(
        quant::quantize(&x, &QuantSpec::new(3, 0, Granularity::Row), &mut q, &mut s),
        Err(Error::InvalidArgument { .. })
    ));
    // Scales on another device (the gfx950 emulator; another gfx942 handle would be this same device).
    if let Some(other) = emulator(Arch::Gfx950) {
        let mut foreign = other.alloc_zeroed::<f32>(3).unwrap();
        match quant::quantize(&x, &spec, &mut q, &mut foreign) {
            Err(Error::DeviceMismatch { what, expected, got }) => {
                assert_eq!(what, "quantization scales");
                assert_eq!(
                    (expected.as_str(), got.as_str()),
                    ("the gfx942 emulator", "the gfx950 emulator")
                );
            }
            r => panic!("expected DeviceMismatch, got {r:?}"),
        }
    }
    quant::quantize(&x, &spec, &mut q, &mut s).unwrap();
    assert_eq!(s.download().unwrap(), vec![1.0 / 240.0; 3]);
}
