//! GPU build: AMDGPU code objects for each arch of `HIPFORGE_ARCHS` (work in progress, issue 3).

use std::path::Path;

pub struct GpuBuild {
    pub archs: Vec<String>,
    pub note: String,
}

impl GpuBuild {
    pub fn table_rust(&self) -> String {
        format!(
            "/// Archs the GPU code objects were built for.\npub static GPU_ARCHS: &[&str] = &{:?};\n\
             /// Why GPU code is absent, when it is.\npub static GPU_BUILD_NOTE: &str = {:?};\n\
             /// The code object holding `kernel` for `arch`, if it was built.\n\
             pub fn code_object(_arch: &str, _kernel: &str) -> Option<&'static [u8]> {{ None }}\n",
            self.archs, self.note
        )
    }
}

pub fn build(_root: &Path, _sources: &[super::scan::Source], _out: &Path) -> GpuBuild {
    GpuBuild {
        archs: Vec::new(),
        note: "GPU build not implemented yet".into(),
    }
}
