//! Helpers shared by the integration tests (`mod common;` in each test file that needs them).

use hipforge::runtime::{Arch, Device};

/// The emulator device for `arch`, or `None` (with a printed reason) when the emulator was not built; with
/// `HIPFORGE_REQUIRE_EMULATOR=1` (CI) a missing emulator fails instead.
pub fn emulator(arch: Arch) -> Option<Device> {
    if !hipforge::kernels::EMULATOR_ARCHS.contains(&arch.name()) {
        let why = format!(
            "emulator not built for {arch} (EMULATOR_ARCHS = {:?})",
            hipforge::kernels::EMULATOR_ARCHS
        );
        if std::env::var("HIPFORGE_REQUIRE_EMULATOR").as_deref() == Ok("1") {
            panic!("{why}, and HIPFORGE_REQUIRE_EMULATOR=1");
        }
        eprintln!("skipping: {why}");
        return None;
    }
    Some(Device::emulator(arch).expect("EMULATOR_ARCHS lists the arch, so Device::emulator must open it"))
}
