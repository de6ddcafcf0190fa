//! HIP runtime loading without a GPU: typed errors for no device, a missing library, a library that is not HIP;
//! `Device::best()` falling back to the emulator; the committed ABI values against the installed headers.
//!
//! Tests that need Debian's HIP runtime (libamdhip64-5) skip with a printed reason when it is absent, and fail when
//! HIPFORGE_REQUIRE_HIP_RUNTIME=1 (CI). No test here sets environment variables (that would race with the other
//! tests of this process): explicit paths go through `HipRuntime::load_from`, and env-driven behaviour is tested on
//! the `hipforge` binary in tests/runtime_info.rs.

use hipforge::runtime::{format_hip_version, Arch, Device, HipRuntime};
use hipforge::Error;

fn require_runtime() -> bool {
    std::env::var("HIPFORGE_REQUIRE_HIP_RUNTIME").as_deref() == Ok("1")
}

/// The system's HIP runtime, or `None` (printed) when it is not installed.
fn system_runtime() -> Option<std::sync::Arc<HipRuntime>> {
    match HipRuntime::global() {
        Ok(rt) => Some(rt),
        Err(e @ Error::LibraryNotFound { .. }) => {
            if require_runtime() {
                panic!("HIPFORGE_REQUIRE_HIP_RUNTIME=1 but the HIP runtime did not load: {e}");
            }
            eprintln!("skipping: HIP runtime not installed ({e})");
            None
        }
        Err(e) => panic!("loading the HIP runtime failed with an unexpected error: {e:?}"),
    }
}

#[test]
fn hip_device_zero_without_gpu_is_a_typed_no_device_error() {
    let Some(rt) = system_runtime() else { return };
    let version = rt.runtime_version().expect("hipRuntimeGetVersion works without a GPU");
    assert!(version >= 50_000_000, "implausible HIP version {version}");
    match Device::hip(0) {
        Err(Error::NoDevice {
            library,
            runtime_version,
            detail,
        }) => {
            assert_eq!(library, rt.path());
            assert!(library.contains("libamdhip64"), "{library}");
            assert_eq!(runtime_version, Some(version));
            assert!(detail.contains("hipGetDeviceCount"), "{detail}");
            let shown = Device::hip(0).unwrap_err().to_string();
            assert!(
                shown.contains(&library) && shown.contains(&version.to_string()),
                "{shown}"
            );
            eprintln!("as expected: {shown} (HIP {})", format_hip_version(version));
        }
        Ok(dev) => {
            // A machine with a GPU: the device must describe itself from gcnArchName.
            let props = dev.properties().expect("a HIP device has properties");
            assert_eq!(dev.arch(), &Arch::parse(&props.gcn_arch_name));
            assert!(props.compute_units > 0 && props.warp_size > 0);
            eprintln!("GPU present: {} ({})", dev.name(), props.gcn_arch_name);
        }
        Err(e) => panic!("expected NoDevice (or a device), got {e:?}"),
    }
}

#[test]
#[cfg_attr(not(feature = "emulator"), ignore = "needs the `emulator` feature")]
fn best_falls_back_to_the_emulator() {
    if Device::hip(0).is_ok() {
        eprintln!("skipping: a HIP GPU is present, so best() picks it");
        return;
    }
    let emulator_built = hipforge::kernels::EMULATOR_ARCHS.contains(&"gfx950");
    match Device::best() {
        Ok(dev) => {
            assert!(
                emulator_built,
                "best() returned a device although neither HIP nor the emulator works"
            );
            assert!(dev.is_emulator());
            assert_eq!(dev.arch(), &Arch::Gfx950);
        }
        Err(Error::Emulator { message }) => {
            assert!(
                !emulator_built,
                "the gfx950 emulator is built but best() failed: {message}"
            );
            assert!(message.contains("HIP:") && message.contains("emulator:"), "{message}");
        }
        Err(e) => panic!("expected the emulator or Error::Emulator, got {e:?}"),
    }
}

#[test]
fn a_library_path_that_does_not_exist_lists_what_was_tried() {
    let path = "/nonexistent/hipforge-test/libamdhip64.so";
    match HipRuntime::load_from(path) {
        Err(Error::LibraryNotFound { library, tried }) => {
            assert_eq!(library, "HIP runtime");
            assert_eq!(tried.len(), 1);
            assert!(tried[0].starts_with(path), "{tried:?}");
        }
        other => panic!("expected LibraryNotFound, got {other:?}"),
    }
}

#[test]
fn a_library_that_is_not_hip_gives_missing_symbol_not_a_panic() {
    // libc is present on every Linux machine and exports no HIP symbol.
    let rt = HipRuntime::load_from("libc.so.6").expect("libc.so.6 opens");
    match rt.runtime_version() {
        Err(Error::MissingSymbol { library, symbol }) => {
            assert_eq!(library, "libc.so.6");
            assert_eq!(symbol, "hipRuntimeGetVersion");
        }
        other => panic!("expected MissingSymbol, got {other:?}"),
    }
    match Device::hip_with(&rt, 0) {
        Err(Error::MissingSymbol { symbol, .. }) => assert_eq!(symbol, "hipInit"),
        other => panic!("expected MissingSymbol for hipInit, got {other:?}"),
    }
    // The error text falls back to the number when the library cannot name the error.
    assert_eq!(rt.error_text(100), "hipError_t 100");
}

#[test]
fn error_text_comes_from_the_runtime() {
    let Some(rt) = system_runtime() else { return };
    let text = rt.error_text(hipforge_sys::types::hipErrorNoDevice);
    assert!(text.contains("hipErrorNoDevice"), "{text}");
    match rt.check("hipFoo", hipforge_sys::types::hipErrorInvalidValue) {
        Err(Error::Hip { call, code, message }) => {
            assert_eq!((call.as_str(), code), ("hipFoo", 1));
            assert!(message.contains("hipErrorInvalidValue"), "{message}");
        }
        other => panic!("expected Error::Hip, got {other:?}"),
    }
    assert!(rt.check("hipFoo", 0).is_ok());
}

#[test]
fn hip_version_numbers_format_as_major_minor_patch() {
    assert_eq!(format_hip_version(50_221_153), "5.2.21153");
    assert_eq!(format_hip_version(60_443_483), "6.4.43483");
    assert_eq!(format_hip_version(70_000_000), "7.0.0");
}

/// The committed ROCm 6/7 values against the installed headers: every constant both define must agree. (Debian's
/// HIP 5.2 headers lack the FP8 data types and R0600; those are reported, not compared.)
#[test]
fn committed_abi_values_agree_with_the_installed_headers() {
    use hipforge_sys::types::*;
    let Some(headers) = hipforge_sys::INSTALLED_HEADERS else {
        if require_runtime() {
            panic!(
                "HIPFORGE_REQUIRE_HIP_RUNTIME=1 but hip-sys ran no bindgen: {}",
                hipforge_sys::BINDGEN_NOTE
            );
        }
        eprintln!("skipping: no installed HIP headers ({})", hipforge_sys::BINDGEN_NOTE);
        return;
    };
    let committed: &[(&str, i64)] = &[
        ("hipSuccess", hipSuccess as i64),
        ("hipErrorInvalidValue", hipErrorInvalidValue as i64),
        ("hipErrorOutOfMemory", hipErrorOutOfMemory as i64),
        ("hipErrorNotInitialized", hipErrorNotInitialized as i64),
        ("hipErrorInsufficientDriver", hipErrorInsufficientDriver as i64),
        ("hipErrorInvalidDeviceFunction", hipErrorInvalidDeviceFunction as i64),
        ("hipErrorNoDevice", hipErrorNoDevice as i64),
        ("hipErrorInvalidDevice", hipErrorInvalidDevice as i64),
        ("hipErrorInvalidImage", hipErrorInvalidImage as i64),
        ("hipErrorNoBinaryForGpu", hipErrorNoBinaryForGpu as i64),
        ("hipErrorNotFound", hipErrorNotFound as i64),
        ("hipErrorNotReady", hipErrorNotReady as i64),
        ("hipErrorLaunchFailure", hipErrorLaunchFailure as i64),
        ("hipErrorUnknown", hipErrorUnknown as i64),
        ("hipMemcpyHostToHost", hipMemcpyHostToHost as i64),
        ("hipMemcpyHostToDevice", hipMemcpyHostToDevice as i64),
        ("hipMemcpyDeviceToHost", hipMemcpyDeviceToHost as i64),
        ("hipMemcpyDeviceToDevice", hipMemcpyDeviceToDevice as i64),
        ("hipMemcpyDefault", hipMemcpyDefault as i64),
        ("hipDeviceAttributeClockRate", hipDeviceAttributeClockRate as i64),
        ("hipDeviceAttributeL2CacheSize", hipDeviceAttributeL2CacheSize as i64),
        (
            "hipDeviceAttributeComputeCapabilityMajor",
            hipDeviceAttributeComputeCapabilityMajor as i64,
        ),
        (
            "hipDeviceAttributeMaxThreadsPerBlock",
            hipDeviceAttributeMaxThreadsPerBlock as i64,
        ),
        (
            "hipDeviceAttributeComputeCapabilityMinor",
            hipDeviceAttributeComputeCapabilityMinor as i64,
        ),
        (
            "hipDeviceAttributeMultiprocessorCount",
            hipDeviceAttributeMultiprocessorCount as i64,
        ),
        (
            "hipDeviceAttributeMaxSharedMemoryPerBlock",
            hipDeviceAttributeMaxSharedMemoryPerBlock as i64,
        ),
        (
            "hipDeviceAttributeTotalGlobalMem",
            hipDeviceAttributeTotalGlobalMem as i64,
        ),
        ("hipDeviceAttributeWarpSize", hipDeviceAttributeWarpSize as i64),
        (
            "hipDeviceAttributeMaxSharedMemoryPerMultiprocessor",
            hipDeviceAttributeMaxSharedMemoryPerMultiprocessor as i64,
        ),
        ("HIP_R_32F", HIP_R_32F as i64),
        ("HIP_R_64F", HIP_R_64F as i64),
        ("HIP_R_16F", HIP_R_16F as i64),
        ("HIP_R_8I", HIP_R_8I as i64),
        ("HIP_R_8U", HIP_R_8U as i64),
        ("HIP_R_32I", HIP_R_32I as i64),
        ("HIP_R_16BF", HIP_R_16BF as i64),
        ("HIP_R_8F_E4M3", HIP_R_8F_E4M3 as i64),
        ("HIP_R_8F_E5M2", HIP_R_8F_E5M2 as i64),
        ("HIP_R_8F_UE8M0", HIP_R_8F_UE8M0 as i64),
        ("HIP_R_8F_E4M3_FNUZ", HIP_R_8F_E4M3_FNUZ as i64),
        ("HIP_R_8F_E5M2_FNUZ", HIP_R_8F_E5M2_FNUZ as i64),
    ];
    let installed = |name: &str| {
        hipforge_sys::INSTALLED_CONSTS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|&(_, v)| v)
    };
    let (mut compared, mut absent) = (0, Vec::new());
    for &(name, value) in committed {
        match installed(name) {
            Some(v) => {
                assert_eq!(
                    v, value,
                    "{name}: committed {value}, headers in {} say {v}",
                    headers.include_dir
                );
                compared += 1;
            }
            None => absent.push(name),
        }
    }
    assert!(
        compared >= 10,
        "only {compared} constants found in the installed headers"
    );
    eprintln!(
        "HIP {}.{}.{} headers in {}: {compared} values agree; absent from these headers: {absent:?}",
        headers.major, headers.minor, headers.patch, headers.include_dir
    );
    match hipforge_sys::INSTALLED_R0600_LAYOUT {
        Some((size, arch_offset)) => {
            assert_eq!(size, std::mem::size_of::<hipDeviceProp_tR0600>());
            assert_eq!(arch_offset, std::mem::offset_of!(hipDeviceProp_tR0600, gcnArchName));
        }
        None => {
            assert!(
                headers.major < 6,
                "HIP {} headers without hipDeviceProp_tR0600",
                headers.major
            );
            assert_eq!(hipforge_sys::PRE6_PROPS_MAJOR, Some(headers.major));
        }
    }
}

/// The R0600 layout's landmarks, computed by hand from the header's field list (x86-64: 8-byte size_t):
/// name[256] + uuid[16] + luid[8] + u32 + pad4 = 288 for totalGlobalMem.
#[test]
fn r0600_struct_landmarks() {
    use hipforge_sys::types::hipDeviceProp_tR0600 as P;
    use std::mem::offset_of;
    assert_eq!(offset_of!(P, totalGlobalMem), 288);
    assert_eq!(offset_of!(P, sharedMemPerBlock), 296);
    assert_eq!(offset_of!(P, warpSize), 308);
    // reserved[63] and hipReserved[32] (95 ints) sit right before gcnArchName.
    assert_eq!(offset_of!(P, gcnArchName), offset_of!(P, hipReserved) + 32 * 4);
    assert_eq!(offset_of!(P, hipReserved), offset_of!(P, reserved) + 63 * 4);
    assert_eq!(std::mem::size_of::<P>() % 8, 0);
}

/// Handles can move between threads and be shared: devices, buffers, streams and events are all `Send + Sync`.
#[test]
fn handles_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Device>();
    check::<hipforge::runtime::DeviceBuffer<f32>>();
    check::<hipforge::runtime::Stream>();
    check::<hipforge::runtime::Event>();
    check::<HipRuntime>();
    check::<hipforge::runtime::hipblaslt::HipBlasLt>();
}
