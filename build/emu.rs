//! Host emulator build (work in progress, issue 4).

use std::path::Path;

pub struct EmuBuild {
    pub archs: Vec<String>,
}

impl EmuBuild {
    pub fn table_rust(&self) -> String {
        format!(
            "/// Archs the host emulator was built for.\npub static EMULATOR_ARCHS: &[&str] = &{:?};\n",
            self.archs
        )
    }
}

pub fn build(_root: &Path, _sources: &[super::scan::Source], _out: &Path) -> EmuBuild {
    EmuBuild { archs: Vec::new() }
}
