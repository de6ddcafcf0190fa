//! The runtime API on the emulator backend: buffers, copies, streams, events, launch validation.
//!
//! Needs the emulator (crate::kernels::EMULATOR_ARCHS); without it each test prints why it skips, and fails when
//! HIPFORGE_REQUIRE_EMULATOR=1 (CI).
// Every test here needs the `emulator` feature (on by default); without it the file compiles to nothing.
#![cfg(feature = "emulator")]

use hipforge::runtime::{Arch, Device, DeviceBuffer, LaunchConfig};
use hipforge::{bf16, Error, F8E4M3Fnuz};

mod common;
use common::emulator;
use common::quant_params::QuantParams;

#[test]
fn emulator_refuses_archs_it_does_not_model() {
    for arch in [Arch::Gfx1250, Arch::parse("gfx90a:xnack-")] {
        match Device::emulator(arch.clone()) {
            Err(Error::InvalidArgument { what, expected, got }) => {
                assert_eq!(what, "emulator arch");
                assert!(expected.contains("gfx942") && expected.contains("gfx950"), "{expected}");
                assert_eq!(got, arch.name());
            }
            other => panic!("expected InvalidArgument for {arch}, got {other:?}"),
        }
    }
}

#[test]
fn emulator_not_built_is_a_typed_error() {
    for arch in [Arch::Gfx942, Arch::Gfx950] {
        if hipforge::kernels::EMULATOR_ARCHS.contains(&arch.name()) {
            assert!(Device::emulator(arch).is_ok());
        } else {
            match Device::emulator(arch.clone()) {
                Err(Error::Emulator { message }) => assert!(message.contains(arch.name()), "{message}"),
                other => panic!("expected Error::Emulator for {arch}, got {other:?}"),
            }
        }
    }
}

#[test]
fn upload_download_round_trip_and_zeroed() {
    for arch in [Arch::Gfx942, Arch::Gfx950] {
        let Some(dev) = emulator(arch.clone()) else { continue };
        assert!(dev.is_emulator());
        assert_eq!(dev.arch(), &arch);
        let host: Vec<f32> = (0..1000).map(|i| i as f32 * 0.5 - 7.0).collect();
        let buf = dev.upload(&host).unwrap();
        assert_eq!(buf.len(), 1000);
        assert_eq!(buf.size_bytes(), 4000);
        assert_ne!(buf.device_ptr(), 0);
        assert_eq!(buf.download().unwrap(), host);

        let z: DeviceBuffer<bf16> = dev.alloc_zeroed(333).unwrap();
        assert!(z.download().unwrap().iter().all(|x| x.to_bits() == 0));

        let f8: Vec<F8E4M3Fnuz> = (0..=255u8).map(F8E4M3Fnuz::from_bits).collect();
        let b = dev.upload(&f8).unwrap();
        // Compare bit patterns: the NaN code (0x80) is never == itself as a float.
        let bits = |v: Vec<F8E4M3Fnuz>| v.iter().map(|x| x.to_bits()).collect::<Vec<u8>>();
        assert_eq!(bits(b.download().unwrap()), bits(f8));

        let empty: DeviceBuffer<f32> = dev.alloc_zeroed(0).unwrap();
        assert!(empty.is_empty());
        assert_eq!(empty.download().unwrap(), Vec::<f32>::new());
    }
}

#[test]
fn copies_check_lengths_and_devices() {
    let Some(dev) = emulator(Arch::Gfx950) else { return };
    let mut buf = dev.alloc_zeroed::<i32>(8).unwrap();
    match buf.copy_from_host(&[1, 2, 3]) {
        Err(Error::LengthMismatch { expected, got, .. }) => assert_eq!((expected, got), (8, 3)),
        other => panic!("expected LengthMismatch, got {other:?}"),
    }
    buf.copy_from_host(&[1, 2, 3, 4, 5, 6, 7, 8]).unwrap();
    let mut other = dev.alloc_zeroed::<i32>(8).unwrap();
    other.copy_from(&buf).unwrap();
    let mut out = [0i32; 8];
    other.copy_to_host(&mut out).unwrap();
    assert_eq!(out, [1, 2, 3, 4, 5, 6, 7, 8]);
    other.zero().unwrap();
    assert_eq!(other.download().unwrap(), vec![0; 8]);

    // A second handle to the same arch's emulator is the same device: its memory is this device's memory.
    let dev2 = emulator(dev.arch().clone()).unwrap();
    assert!(dev2.same_as(&dev) && dev2 == dev && dev2.id() == dev.id());
    let same = dev2.upload(&[9i32; 8]).unwrap();
    other.copy_from(&same).unwrap();
    assert_eq!(other.download().unwrap(), vec![9; 8]);
    // The other arch's emulator is another device, and the error names both.
    let other_arch = if *dev.arch() == Arch::Gfx950 {
        Arch::Gfx942
    } else {
        Arch::Gfx950
    };
    if let Some(dev3) = emulator(other_arch.clone()) {
        let foreign = dev3.alloc_zeroed::<i32>(8).unwrap();
        match other.copy_from(&foreign) {
            Err(Error::DeviceMismatch { expected, got, .. }) => {
                assert_eq!(expected, format!("the {} emulator", dev.arch()));
                assert_eq!(got, format!("the {other_arch} emulator"));
            }
            r => panic!("expected DeviceMismatch, got {r:?}"),
        }
    }
}

#[test]
fn async_copies_return_the_host_vec_after_wait() {
    let Some(dev) = emulator(Arch::Gfx942) else { return };
    let stream = dev.new_stream().unwrap();
    let mut buf = dev.alloc_zeroed::<f32>(64).unwrap();
    let host: Vec<f32> = (0..64).map(|i| i as f32).collect();
    let back = stream.upload_async(&mut buf, host.clone()).unwrap().wait().unwrap();
    assert_eq!(back, host);
    let down = stream.download_async(&buf, Vec::new()).unwrap().wait().unwrap();
    assert_eq!(down, host);
    match stream.upload_async(&mut buf, vec![0.0; 3]) {
        Err(Error::LengthMismatch { expected, got, .. }) => assert_eq!((expected, got), (64, 3)),
        other => panic!("expected LengthMismatch, got {:?}", other.err()),
    }
    stream.zero_async(&mut buf).unwrap();
    stream.synchronize().unwrap();
    assert_eq!(buf.download().unwrap(), vec![0.0; 64]);
}

#[test]
fn events_measure_host_time_on_the_emulator() {
    let Some(dev) = emulator(Arch::Gfx950) else { return };
    let stream = dev.new_stream().unwrap();
    let (a, b) = (dev.new_event().unwrap(), dev.new_event().unwrap());
    assert!(a.elapsed_ms(&b).is_err(), "unrecorded events have no elapsed time");
    a.record(&stream).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    b.record(&stream).unwrap();
    b.synchronize().unwrap();
    let ms = a.elapsed_ms(&b).unwrap();
    assert!((15.0..5000.0).contains(&ms), "{ms} ms");
}

#[test]
fn launch_rejects_unknown_kernels_and_bad_geometry() {
    let Some(dev) = emulator(Arch::Gfx950) else { return };
    let params = [0u64; 2];
    let err = unsafe { dev.launch("hf_no_such_kernel", LaunchConfig::linear(1, 64), &params) }.unwrap_err();
    assert!(
        matches!(err, Error::InvalidArgument { ref what, .. } if what == "kernel"),
        "{err}"
    );
    let err = unsafe { dev.launch("hf_no_such_kernel", LaunchConfig::linear(1, 2048), &params) }.unwrap_err();
    assert!(
        matches!(err, Error::InvalidArgument { ref what, .. } if what == "block"),
        "{err}"
    );
}

const AMAX_KERNEL: &str = "hf_quant_amax_f32";

#[test]
fn launch_runs_a_real_kernel_and_maps_faults() {
    if hipforge::kernels::find(AMAX_KERNEL).is_none() {
        panic!("{AMAX_KERNEL} is no longer built; point this test at another simple kernel");
    }
    for arch in [Arch::Gfx942, Arch::Gfx950] {
        let Some(dev) = emulator(arch.clone()) else { continue };
        let (rows, cols) = (3u32, 300u32);
        // Deterministic values with one clear maximum of |x| (a negative one).
        let x: Vec<f32> = (0..rows * cols)
            .map(|i| ((i * 37) % 101) as f32 * 0.25 - 12.0)
            .collect();
        let mut x = x;
        x[437] = -99.5;
        let expected = 99.5f32.to_bits();
        let xb = dev.upload(&x).unwrap();
        let amax = dev.alloc_zeroed::<u32>(1).unwrap();
        let params = QuantParams {
            x: xb.device_ptr(),
            q: 0,
            scale: 0,
            amax: amax.device_ptr(),
            rows,
            cols,
            ld_x: cols,
            ld_q: cols,
        };
        let cfg = LaunchConfig::linear(rows, 256);
        unsafe { dev.launch(AMAX_KERNEL, cfg, &params) }.unwrap();
        dev.synchronize().unwrap();
        assert_eq!(amax.download().unwrap(), vec![expected], "{arch}");

        // A params struct of the wrong size is refused by the emulator (status 3).
        let short = [0u64; 5];
        match unsafe { dev.launch(AMAX_KERNEL, cfg, &short) } {
            Err(Error::InvalidArgument { what, got, .. }) => {
                assert!(what.contains(AMAX_KERNEL), "{what}");
                assert!(got.starts_with("40 bytes"), "{got}");
            }
            other => panic!("expected InvalidArgument for a 40-byte params struct, got {other:?}"),
        }

        // Reading past the end of x is a global_oob fault, reported as EmulatorFault.
        let small = dev.upload(&x[..cols as usize]).unwrap();
        let oob = QuantParams {
            x: small.device_ptr(),
            ..params
        };
        match unsafe { dev.launch(AMAX_KERNEL, cfg, &oob) } {
            Err(Error::EmulatorFault { kernel, faults }) => {
                assert_eq!(kernel, AMAX_KERNEL);
                assert!(faults.iter().any(|(kind, _)| kind == "global_oob"), "{faults:?}");
            }
            other => panic!("expected EmulatorFault(global_oob), got {other:?}"),
        }
    }
}
