//! The Cargo features `emulator` and `gpu-kernels`: with each on, its backend is built (or the build says why not);
//! with each off, nothing is compiled or embedded for it and the API answers with `hipforge::Error::FeatureDisabled` naming
//! the feature, never a panic. `cargo test --no-default-features` runs the "off" halves.

use hipforge::runtime::{Arch, Device};

#[cfg(not(feature = "emulator"))]
#[test]
fn emulator_off_embeds_nothing_and_says_which_feature() {
    assert!(hipforge::kernels::EMULATOR_OBJECTS.is_empty());
    assert!(hipforge::kernels::EMULATOR_ARCHS.is_empty());
    assert!(
        hipforge::kernels::EMULATOR_BUILD_NOTE.contains("feature `emulator` is off"),
        "{}",
        hipforge::kernels::EMULATOR_BUILD_NOTE
    );
    for arch in [Arch::Gfx942, Arch::Gfx950] {
        match Device::emulator(arch.clone()) {
            Err(hipforge::Error::FeatureDisabled { feature, what }) => {
                assert_eq!(feature, "emulator");
                assert_eq!(what, format!("the {arch} emulator"));
            }
            other => panic!("expected FeatureDisabled for the {arch} emulator, got {other:?}"),
        }
    }
    // Device::best: a HIP GPU if one works, else NoBackend naming the feature as the emulator's reason.
    match Device::best() {
        Ok(dev) => assert!(
            !dev.is_emulator(),
            "the emulator is compiled out, yet best() returned {}",
            dev.name()
        ),
        Err(hipforge::Error::NoBackend { emulator, .. }) => {
            assert!(emulator.contains("Cargo feature `emulator`"), "{emulator}")
        }
        Err(other) => panic!("expected NoBackend, got {other:?}"),
    }
}

#[cfg(feature = "emulator")]
#[test]
fn emulator_on_builds_both_archs_or_says_why() {
    let built = hipforge::kernels::EMULATOR_ARCHS;
    if built.is_empty() {
        assert!(
            !hipforge::kernels::EMULATOR_BUILD_NOTE.is_empty(),
            "no emulator and no reason"
        );
        assert!(
            std::env::var("HIPFORGE_REQUIRE_EMULATOR").as_deref() != Ok("1"),
            "HIPFORGE_REQUIRE_EMULATOR=1 but: {}",
            hipforge::kernels::EMULATOR_BUILD_NOTE
        );
        return;
    }
    assert_eq!(built, ["gfx942", "gfx950"]);
    assert_eq!(hipforge::kernels::EMULATOR_OBJECTS.len(), 2);
    assert!(Device::emulator(Arch::Gfx950).is_ok());
}

#[cfg(not(feature = "gpu-kernels"))]
#[test]
fn gpu_kernels_off_embeds_no_code_objects() {
    assert!(hipforge::kernels::CODE_OBJECTS.is_empty());
    assert!(hipforge::kernels::GPU_ARCHS.is_empty());
    assert!(
        hipforge::kernels::GPU_COMPILER.is_empty(),
        "no compiler is even looked for"
    );
    assert!(
        hipforge::kernels::GPU_BUILD_NOTE.contains("feature `gpu-kernels` is off"),
        "{}",
        hipforge::kernels::GPU_BUILD_NOTE
    );
    // The kernel table itself (names, declarations) is still there: plans can be validated without code.
    assert!(!hipforge::kernels::KERNELS.is_empty());
    // The ISA report is a typed error, not a panic.
    let k = hipforge::kernels::KERNELS[0].name;
    match hipforge::isa::report("gfx942", k) {
        Err(hipforge::Error::KernelNotBuilt { kernel, reason, .. }) => {
            assert_eq!(kernel, k);
            assert!(reason.contains("gpu-kernels"), "{reason}");
        }
        other => panic!("expected KernelNotBuilt for {k}, got {other:?}"),
    }
}

#[cfg(feature = "gpu-kernels")]
#[test]
fn gpu_kernels_on_builds_code_objects_or_says_why() {
    if hipforge::kernels::GPU_ARCHS.is_empty() {
        assert!(
            !hipforge::kernels::GPU_BUILD_NOTE.is_empty(),
            "no code objects and no reason"
        );
        assert!(
            std::env::var("HIPFORGE_REQUIRE_GPU_TOOLCHAIN").as_deref() != Ok("1"),
            "HIPFORGE_REQUIRE_GPU_TOOLCHAIN=1 but: {}",
            hipforge::kernels::GPU_BUILD_NOTE
        );
        return;
    }
    assert!(!hipforge::kernels::CODE_OBJECTS.is_empty());
    assert!(!hipforge::kernels::GPU_COMPILER.is_empty());
}

/// `hipforge info` lists exactly the features this build has.
#[test]
fn info_lists_the_features_of_this_build() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hipforge"))
        .arg("info")
        .output()
        .expect("run hipforge info");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.starts_with("features:"))
        .unwrap_or_else(|| panic!("no features line in:\n{text}"));
    let listed: Vec<&str> = line["features:".len()..].trim().split(", ").collect();
    let mut expected = Vec::new();
    if cfg!(feature = "emulator") {
        expected.push("emulator");
    }
    if cfg!(feature = "gpu-kernels") {
        expected.push("gpu-kernels");
    }
    if cfg!(feature = "bindgen") {
        expected.push("bindgen");
    }
    if expected.is_empty() {
        expected.push("none");
    }
    assert_eq!(listed, expected, "{line}");
}
