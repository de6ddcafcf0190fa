//! The HIP backend: device memory, copies, streams, events and module launches through the loaded runtime.

use super::arch::Arch;
use super::device::RawStream;
use super::hip_runtime::{format_hip_version, HipRuntime};
use super::launch::LaunchConfig;
use crate::error::{Error, Result};
use hipforge_sys::types::*;
use std::collections::HashMap;
use std::ffi::{c_int, c_void, CString};
use std::sync::{Arc, Mutex};

/// What hipforge reads from a HIP device's properties.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceProperties {
    /// Marketing name.
    pub name: String,
    /// `gcnArchName`, e.g. `"gfx942:sramecc+:xnack-"`.
    pub gcn_arch_name: String,
    /// Compute units.
    pub compute_units: u32,
    /// Peak shader clock in kHz.
    pub clock_khz: u32,
    /// LDS bytes a workgroup may use.
    pub lds_per_block: usize,
    /// Threads per wave.
    pub warp_size: u32,
    /// Global memory in bytes.
    pub total_memory: usize,
}

/// Reads the properties with the struct layout that matches the loaded runtime, never another one: the R0600
/// layout for HIP 6+, the installed headers' pre-6.0 layout for a HIP 5 runtime when the headers are HIP 5 too.
fn read_properties(rt: &HipRuntime, ordinal: c_int) -> Result<DeviceProperties> {
    let version = rt.runtime_version()?;
    let major = version / 10_000_000;
    let (call, code, p) = if major >= 6 {
        let (code, p) = unsafe { rt.raw().device_properties_r0600(ordinal)? };
        ("hipGetDevicePropertiesR0600", code, p)
    } else if hipforge_sys::PRE6_PROPS_MAJOR == Some(major as u32) {
        match unsafe { rt.raw().device_properties_pre6(ordinal)? } {
            Some((code, p)) => ("hipGetDeviceProperties", code, p),
            None => return Err(pre6_unsupported(version)),
        }
    } else {
        return Err(pre6_unsupported(version));
    };
    rt.check(call, code)?;
    Ok(DeviceProperties {
        name: p.name,
        gcn_arch_name: p.gcn_arch_name,
        compute_units: p.multi_processor_count.max(0) as u32,
        clock_khz: p.clock_rate_khz.max(0) as u32,
        lds_per_block: p.shared_mem_per_block,
        warp_size: p.warp_size.max(0) as u32,
        total_memory: p.total_global_mem,
    })
}

fn pre6_unsupported(version: i32) -> Error {
    Error::Unsupported {
        what: format!(
            "reading device properties from HIP runtime {}: it predates hipGetDevicePropertiesR0600, and hipforge was \
             not built against HIP headers of the same major version (pre-6.0 layout from headers: {:?}), so the \
             struct layout is unknown; install ROCm 6 or later",
            format_hip_version(version),
            hipforge_sys::PRE6_PROPS_MAJOR
        ),
    }
}

/// Loaded modules (per code object) and resolved kernels (per name) of one device.
#[derive(Default)]
struct ModuleCache {
    modules: HashMap<usize, usize>,
    /// Kernel name -> (its `hipFunction_t`, the dynamic LDS it declares with `HF_DYNAMIC_LDS`, 0 if none).
    functions: HashMap<String, (usize, u32)>,
}

/// One HIP device.
pub(crate) struct HipBackend {
    rt: Arc<HipRuntime>,
    ordinal: c_int,
    props: DeviceProperties,
    cache: Mutex<ModuleCache>,
}

impl HipBackend {
    /// Opens device `ordinal` of `rt`.
    pub(crate) fn open(rt: &Arc<HipRuntime>, ordinal: usize) -> Result<(HipBackend, Arch, String)> {
        let count = rt.device_count()?;
        if ordinal >= count {
            return Err(Error::invalid(
                "device ordinal",
                format!("0..{count} ({count} HIP device(s) present)"),
                ordinal,
            ));
        }
        let ordinal = ordinal as c_int;
        rt.check("hipSetDevice", unsafe { rt.raw().hipSetDevice(ordinal)? })?;
        let props = read_properties(rt, ordinal)?;
        let arch = Arch::parse(&props.gcn_arch_name);
        let name = props.name.clone();
        Ok((
            HipBackend {
                rt: rt.clone(),
                ordinal,
                props,
                cache: Mutex::new(ModuleCache::default()),
            },
            arch,
            name,
        ))
    }

    pub(crate) fn properties(&self) -> &DeviceProperties {
        &self.props
    }

    pub(crate) fn runtime(&self) -> &Arc<HipRuntime> {
        &self.rt
    }

    /// The device ordinal.
    pub(crate) fn ordinal(&self) -> usize {
        self.ordinal as usize
    }

    /// Makes this device current on the calling thread (HIP's current device is per thread) and returns the table.
    pub(crate) fn ctx(&self) -> Result<&hipforge_sys::HipLib> {
        let lib = self.rt.raw();
        self.rt
            .check("hipSetDevice", unsafe { lib.hipSetDevice(self.ordinal)? })?;
        Ok(lib)
    }

    pub(crate) fn device_synchronize(&self) -> Result<()> {
        let lib = self.ctx()?;
        self.rt
            .check("hipDeviceSynchronize", unsafe { lib.hipDeviceSynchronize()? })
    }

    pub(crate) fn alloc(&self, bytes: usize) -> Result<u64> {
        let lib = self.ctx()?;
        let mut p: *mut c_void = std::ptr::null_mut();
        self.rt.check("hipMalloc", unsafe { lib.hipMalloc(&mut p, bytes)? })?;
        Ok(p as u64)
    }

    pub(crate) fn alloc_zeroed(&self, bytes: usize) -> Result<u64> {
        let p = self.alloc(bytes)?;
        // SAFETY: fresh allocation of `bytes`.
        if let Err(e) = unsafe { self.memset(p, 0, bytes, None) } {
            self.free(p);
            return Err(e);
        }
        Ok(p)
    }

    pub(crate) fn free(&self, ptr: u64) {
        if let Ok(lib) = self.ctx() {
            // A failure cannot be reported from Drop; hipFree itself waits for pending work on the memory.
            let _ = unsafe { lib.hipFree(ptr as *mut c_void) };
        }
    }

    pub(crate) unsafe fn h2d(&self, dst: u64, src: *const u8, n: usize, stream: Option<RawStream>) -> Result<()> {
        let lib = self.ctx()?;
        let (d, s) = (dst as *mut c_void, src as *const c_void);
        match stream {
            None => self
                .rt
                .check("hipMemcpy", lib.hipMemcpy(d, s, n, hipMemcpyHostToDevice)?),
            Some(st) => self.rt.check(
                "hipMemcpyAsync",
                lib.hipMemcpyAsync(d, s, n, hipMemcpyHostToDevice, st as hipStream_t)?,
            ),
        }
    }

    pub(crate) unsafe fn d2h(&self, dst: *mut u8, src: u64, n: usize, stream: Option<RawStream>) -> Result<()> {
        let lib = self.ctx()?;
        let (d, s) = (dst as *mut c_void, src as *const c_void);
        match stream {
            None => self
                .rt
                .check("hipMemcpy", lib.hipMemcpy(d, s, n, hipMemcpyDeviceToHost)?),
            Some(st) => self.rt.check(
                "hipMemcpyAsync",
                lib.hipMemcpyAsync(d, s, n, hipMemcpyDeviceToHost, st as hipStream_t)?,
            ),
        }
    }

    pub(crate) unsafe fn d2d(&self, dst: u64, src: u64, n: usize, stream: Option<RawStream>) -> Result<()> {
        let lib = self.ctx()?;
        let (d, s) = (dst as *mut c_void, src as *const c_void);
        match stream {
            None => self
                .rt
                .check("hipMemcpy", lib.hipMemcpy(d, s, n, hipMemcpyDeviceToDevice)?),
            Some(st) => self.rt.check(
                "hipMemcpyAsync",
                lib.hipMemcpyAsync(d, s, n, hipMemcpyDeviceToDevice, st as hipStream_t)?,
            ),
        }
    }

    pub(crate) unsafe fn memset(&self, dst: u64, value: u8, n: usize, stream: Option<RawStream>) -> Result<()> {
        let lib = self.ctx()?;
        match stream {
            None => self
                .rt
                .check("hipMemset", lib.hipMemset(dst as *mut c_void, value as c_int, n)?),
            Some(st) => self.rt.check(
                "hipMemsetAsync",
                lib.hipMemsetAsync(dst as *mut c_void, value as c_int, n, st as hipStream_t)?,
            ),
        }
    }

    pub(crate) fn stream_create(&self) -> Result<RawStream> {
        let lib = self.ctx()?;
        let mut s: hipStream_t = std::ptr::null_mut();
        self.rt
            .check("hipStreamCreate", unsafe { lib.hipStreamCreate(&mut s)? })?;
        Ok(s as RawStream)
    }

    pub(crate) fn stream_synchronize(&self, s: RawStream) -> Result<()> {
        let lib = self.ctx()?;
        self.rt.check("hipStreamSynchronize", unsafe {
            lib.hipStreamSynchronize(s as hipStream_t)?
        })
    }

    pub(crate) fn stream_destroy(&self, s: RawStream) {
        if s != 0 {
            if let Ok(lib) = self.ctx() {
                let _ = unsafe { lib.hipStreamDestroy(s as hipStream_t) };
            }
        }
    }

    /// `hipStreamWaitEvent(s, e, 0)`: work queued on `s` from now on waits for the work before `e`'s record.
    pub(crate) fn stream_wait_event(&self, s: RawStream, e: usize) -> Result<()> {
        let lib = self.ctx()?;
        self.rt.check("hipStreamWaitEvent", unsafe {
            lib.hipStreamWaitEvent(s as hipStream_t, e as hipEvent_t, 0)?
        })
    }

    pub(crate) fn event_create(&self) -> Result<usize> {
        let lib = self.ctx()?;
        let mut e: hipEvent_t = std::ptr::null_mut();
        self.rt
            .check("hipEventCreate", unsafe { lib.hipEventCreate(&mut e)? })?;
        Ok(e as usize)
    }

    pub(crate) fn event_record(&self, e: usize, s: RawStream) -> Result<()> {
        let lib = self.ctx()?;
        self.rt.check("hipEventRecord", unsafe {
            lib.hipEventRecord(e as hipEvent_t, s as hipStream_t)?
        })
    }

    pub(crate) fn event_synchronize(&self, e: usize) -> Result<()> {
        let lib = self.ctx()?;
        self.rt.check("hipEventSynchronize", unsafe {
            lib.hipEventSynchronize(e as hipEvent_t)?
        })
    }

    pub(crate) fn event_elapsed_ms(&self, a: usize, b: usize) -> Result<f32> {
        self.event_synchronize(b)?;
        let lib = self.ctx()?;
        let mut ms = 0f32;
        self.rt.check("hipEventElapsedTime", unsafe {
            lib.hipEventElapsedTime(&mut ms, a as hipEvent_t, b as hipEvent_t)?
        })?;
        Ok(ms)
    }

    pub(crate) fn event_destroy(&self, e: usize) {
        if let Ok(lib) = self.ctx() {
            let _ = unsafe { lib.hipEventDestroy(e as hipEvent_t) };
        }
    }

    /// Loads `kernel`'s module and function now (see [`crate::runtime::Device`]'s `prepare_kernel`).
    pub(crate) fn prepare(&self, arch: &Arch, kernel: &str) -> Result<()> {
        self.function(arch, kernel).map(|_| ())
    }

    /// The kernel's `hipFunction_t` and declared dynamic LDS, loading its code object on first use.
    fn function(&self, arch: &Arch, kernel: &str) -> Result<(usize, u32)> {
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(&f) = cache.functions.get(kernel) {
            return Ok(f);
        }
        if !cfg!(feature = "gpu-kernels") {
            return Err(Error::FeatureDisabled {
                feature: "gpu-kernels".into(),
                what: format!("kernel {kernel} for {arch}"),
            });
        }
        let Some(image) = crate::kernels::code_object(arch.name(), kernel) else {
            let reason = if crate::kernels::GPU_ARCHS.contains(&arch.name()) {
                format!(
                    "its source did not compile for {arch} ({})",
                    crate::kernels::GPU_BUILD_NOTE
                )
            } else if crate::kernels::GPU_BUILD_NOTE.is_empty() {
                format!(
                    "the GPU build covered {:?}; add {arch} to HIPFORGE_ARCHS and rebuild",
                    crate::kernels::GPU_ARCHS
                )
            } else {
                crate::kernels::GPU_BUILD_NOTE.to_string()
            };
            return Err(Error::KernelNotBuilt {
                kernel: kernel.to_string(),
                arch: arch.name().to_string(),
                reason,
            });
        };
        let declared_lds = crate::isa::read_dynamic_lds(image, kernel)?.unwrap_or(0);
        let lib = self.ctx()?;
        let key = image.as_ptr() as usize;
        let module = match cache.modules.get(&key) {
            Some(&m) => m,
            None => {
                let mut m: hipModule_t = std::ptr::null_mut();
                // SAFETY: `image` is a complete code object embedded in the binary ('static).
                self.rt.check("hipModuleLoadData", unsafe {
                    lib.hipModuleLoadData(&mut m, image.as_ptr() as *const c_void)?
                })?;
                cache.modules.insert(key, m as usize);
                m as usize
            }
        };
        let cname = CString::new(kernel).map_err(|_| Error::invalid("kernel", "a name without NUL bytes", kernel))?;
        let mut f: hipFunction_t = std::ptr::null_mut();
        self.rt.check("hipModuleGetFunction", unsafe {
            lib.hipModuleGetFunction(&mut f, module as hipModule_t, cname.as_ptr())?
        })?;
        cache.functions.insert(kernel.to_string(), (f as usize, declared_lds));
        Ok((f as usize, declared_lds))
    }

    /// Queues `kernel` with the params struct at `params` as its single argument.
    pub(crate) unsafe fn launch(
        &self,
        arch: &Arch,
        stream: RawStream,
        kernel: &str,
        cfg: &LaunchConfig,
        params: *const c_void,
        _size: usize,
    ) -> Result<()> {
        let (f, declared_lds) = self.function(arch, kernel)?;
        // Too little dynamic LDS would let the kernel read and write past its allocation: refuse before launching.
        if cfg.dynamic_lds < declared_lds {
            return Err(Error::invalid(
                format!("dynamic LDS of {kernel}"),
                format!("at least the {declared_lds} bytes the kernel declares (HF_DYNAMIC_LDS)"),
                format!("{} bytes", cfg.dynamic_lds),
            ));
        }
        let lib = self.ctx()?;
        // hipModuleLaunchKernel takes one pointer per kernel argument; the kernel has exactly one (the struct).
        let mut args = [params as *mut c_void];
        self.rt.check(
            "hipModuleLaunchKernel",
            lib.hipModuleLaunchKernel(
                f as hipFunction_t,
                cfg.grid[0],
                cfg.grid[1],
                cfg.grid[2],
                cfg.block[0],
                cfg.block[1],
                cfg.block[2],
                cfg.dynamic_lds,
                stream as hipStream_t,
                args.as_mut_ptr(),
                std::ptr::null_mut(),
            )?,
        )
    }
}

impl Drop for HipBackend {
    fn drop(&mut self) {
        let modules: Vec<usize> = {
            let cache = self.cache.get_mut().unwrap_or_else(|p| p.into_inner());
            cache.modules.drain().map(|(_, m)| m).collect()
        };
        if let Ok(lib) = self.ctx() {
            for m in modules {
                let _ = unsafe { lib.hipModuleUnload(m as hipModule_t) };
            }
        }
    }
}
