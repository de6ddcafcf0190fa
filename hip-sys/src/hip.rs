//! The HIP runtime entry points hipforge uses, resolved lazily from the loaded `libamdhip64`.

use crate::loader::dynamic_api;
use crate::types::*;
use std::ffi::{c_char, c_int, c_uint, c_void};

dynamic_api! {
    /// `libamdhip64`, opened at run time. Each method resolves its symbol on first use.
    pub struct HipLib;

    /// `hipInit`.
    fn hipInit(flags: c_uint) -> hipError_t;
    /// `hipDriverGetVersion`.
    fn hipDriverGetVersion(version: *mut c_int) -> hipError_t;
    /// `hipRuntimeGetVersion`: `major * 10_000_000 + minor * 100_000 + patch`.
    fn hipRuntimeGetVersion(version: *mut c_int) -> hipError_t;
    /// `hipGetErrorName`.
    fn hipGetErrorName(error: hipError_t) -> *const c_char;
    /// `hipGetErrorString`.
    fn hipGetErrorString(error: hipError_t) -> *const c_char;
    /// `hipGetLastError`.
    fn hipGetLastError() -> hipError_t;

    /// `hipGetDeviceCount`.
    fn hipGetDeviceCount(count: *mut c_int) -> hipError_t;
    /// `hipGetDevice`.
    fn hipGetDevice(device: *mut c_int) -> hipError_t;
    /// `hipSetDevice`.
    fn hipSetDevice(device: c_int) -> hipError_t;
    /// `hipDeviceGetAttribute`.
    fn hipDeviceGetAttribute(value: *mut c_int, attr: hipDeviceAttribute_t, device: c_int) -> hipError_t;
    /// `hipDeviceGetName`.
    fn hipDeviceGetName(name: *mut c_char, len: c_int, device: c_int) -> hipError_t;
    /// `hipGetDevicePropertiesR0600` (ROCm 6.0+): fills [`hipDeviceProp_tR0600`].
    fn hipGetDevicePropertiesR0600(prop: *mut hipDeviceProp_tR0600, device: c_int) -> hipError_t;
    /// `hipGetDeviceProperties`: the pre-6.0 layout (`crate::installed::hipDeviceProp_t` of 5.x headers). Only call
    /// it with a struct matching the loaded runtime's major version.
    fn hipGetDeviceProperties(prop: *mut c_void, device: c_int) -> hipError_t;
    /// `hipDeviceSynchronize`.
    fn hipDeviceSynchronize() -> hipError_t;
    /// `hipMemGetInfo`.
    fn hipMemGetInfo(free: *mut usize, total: *mut usize) -> hipError_t;

    /// `hipMalloc`.
    fn hipMalloc(ptr: *mut *mut c_void, size: usize) -> hipError_t;
    /// `hipFree`.
    fn hipFree(ptr: *mut c_void) -> hipError_t;
    /// `hipMallocAsync` (stream-ordered).
    fn hipMallocAsync(ptr: *mut *mut c_void, size: usize, stream: hipStream_t) -> hipError_t;
    /// `hipFreeAsync` (stream-ordered).
    fn hipFreeAsync(ptr: *mut c_void, stream: hipStream_t) -> hipError_t;
    /// `hipMemcpy`.
    fn hipMemcpy(dst: *mut c_void, src: *const c_void, size: usize, kind: hipMemcpyKind) -> hipError_t;
    /// `hipMemcpyAsync`.
    fn hipMemcpyAsync(
        dst: *mut c_void,
        src: *const c_void,
        size: usize,
        kind: hipMemcpyKind,
        stream: hipStream_t,
    ) -> hipError_t;
    /// `hipMemset`.
    fn hipMemset(dst: *mut c_void, value: c_int, size: usize) -> hipError_t;
    /// `hipMemsetAsync`.
    fn hipMemsetAsync(dst: *mut c_void, value: c_int, size: usize, stream: hipStream_t) -> hipError_t;

    /// `hipStreamCreate`.
    fn hipStreamCreate(stream: *mut hipStream_t) -> hipError_t;
    /// `hipStreamCreateWithFlags`.
    fn hipStreamCreateWithFlags(stream: *mut hipStream_t, flags: c_uint) -> hipError_t;
    /// `hipStreamDestroy`.
    fn hipStreamDestroy(stream: hipStream_t) -> hipError_t;
    /// `hipStreamSynchronize`.
    fn hipStreamSynchronize(stream: hipStream_t) -> hipError_t;
    /// `hipStreamQuery`.
    fn hipStreamQuery(stream: hipStream_t) -> hipError_t;
    /// `hipStreamWaitEvent`: work queued on `stream` afterwards waits for `event` (`flags` must be 0).
    fn hipStreamWaitEvent(stream: hipStream_t, event: hipEvent_t, flags: c_uint) -> hipError_t;
    /// `hipStreamBeginCapture`: work queued on `stream` is recorded into a graph instead of running.
    fn hipStreamBeginCapture(stream: hipStream_t, mode: hipStreamCaptureMode) -> hipError_t;
    /// `hipStreamEndCapture`: ends a capture and returns the recorded graph.
    fn hipStreamEndCapture(stream: hipStream_t, graph: *mut hipGraph_t) -> hipError_t;
    /// `hipGraphDestroy`.
    fn hipGraphDestroy(graph: hipGraph_t) -> hipError_t;

    /// `hipEventCreate`.
    fn hipEventCreate(event: *mut hipEvent_t) -> hipError_t;
    /// `hipEventCreateWithFlags`.
    fn hipEventCreateWithFlags(event: *mut hipEvent_t, flags: c_uint) -> hipError_t;
    /// `hipEventRecord`.
    fn hipEventRecord(event: hipEvent_t, stream: hipStream_t) -> hipError_t;
    /// `hipEventSynchronize`.
    fn hipEventSynchronize(event: hipEvent_t) -> hipError_t;
    /// `hipEventQuery`.
    fn hipEventQuery(event: hipEvent_t) -> hipError_t;
    /// `hipEventElapsedTime`: milliseconds between two recorded events.
    fn hipEventElapsedTime(ms: *mut f32, start: hipEvent_t, stop: hipEvent_t) -> hipError_t;
    /// `hipEventDestroy`.
    fn hipEventDestroy(event: hipEvent_t) -> hipError_t;

    /// `hipModuleLoadData`: loads a code object from memory.
    fn hipModuleLoadData(module: *mut hipModule_t, image: *const c_void) -> hipError_t;
    /// `hipModuleGetFunction`.
    fn hipModuleGetFunction(function: *mut hipFunction_t, module: hipModule_t, name: *const c_char) -> hipError_t;
    /// `hipModuleLaunchKernel`.
    fn hipModuleLaunchKernel(
        function: hipFunction_t,
        grid_x: c_uint,
        grid_y: c_uint,
        grid_z: c_uint,
        block_x: c_uint,
        block_y: c_uint,
        block_z: c_uint,
        shared_mem_bytes: c_uint,
        stream: hipStream_t,
        kernel_params: *mut *mut c_void,
        extra: *mut *mut c_void,
    ) -> hipError_t;
    /// `hipModuleUnload`.
    fn hipModuleUnload(module: hipModule_t) -> hipError_t;
}

impl HipLib {
    /// Opens the HIP runtime following [`crate::loader::HIP_RUNTIME`]'s search order.
    pub fn load() -> Result<HipLib, crate::loader::LoadError> {
        crate::loader::HIP_RUNTIME.load().map(HipLib::new)
    }

    /// Opens exactly `path` as the HIP runtime.
    pub fn load_from(path: impl AsRef<std::path::Path>) -> Result<HipLib, crate::loader::LoadError> {
        crate::loader::load_from(crate::loader::HIP_RUNTIME.what, path).map(HipLib::new)
    }
}

/// The fields of a device's properties that every `hipDeviceProp_t` layout has.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DevicePropsSummary {
    /// Marketing name.
    pub name: String,
    /// `gcnArchName`, e.g. `"gfx942:sramecc+:xnack-"`.
    pub gcn_arch_name: String,
    /// Compute units.
    pub multi_processor_count: c_int,
    /// Peak shader clock in kHz.
    pub clock_rate_khz: c_int,
    /// LDS bytes per block.
    pub shared_mem_per_block: usize,
    /// Threads per wave.
    pub warp_size: c_int,
    /// Global memory in bytes.
    pub total_global_mem: usize,
}

/// Room for the runtime to write more than the struct we know (a newer runtime may append fields): writing them
/// must never run past our buffer.
#[repr(C)]
union PropsBuffer<T: Copy> {
    props: T,
    _slack: [u8; 16384],
}

/// A zeroed `PropsBuffer` on the heap: 16 KiB is too much for the stack of a thread whose stack is already shared
/// with a large static TLS block (glibc places static TLS inside each thread's stack).
fn zeroed_props<T: Copy>() -> Box<PropsBuffer<T>> {
    let layout = std::alloc::Layout::new::<PropsBuffer<T>>();
    // SAFETY: the layout is non-zero-sized; all-zero bytes are a valid PropsBuffer (plain C data); on allocation
    // failure `handle_alloc_error` diverges.
    unsafe {
        let p = std::alloc::alloc_zeroed(layout) as *mut PropsBuffer<T>;
        if p.is_null() {
            std::alloc::handle_alloc_error(layout);
        }
        Box::from_raw(p)
    }
}

fn chars_to_string(chars: &[c_char]) -> String {
    let bytes: Vec<u8> = chars.iter().take_while(|&&c| c != 0).map(|&c| c as u8).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

macro_rules! summarize {
    ($p:expr) => {
        DevicePropsSummary {
            name: chars_to_string(&$p.name),
            gcn_arch_name: chars_to_string(&$p.gcnArchName),
            multi_processor_count: $p.multiProcessorCount,
            clock_rate_khz: $p.clockRate,
            shared_mem_per_block: $p.sharedMemPerBlock as usize,
            warp_size: $p.warpSize,
            total_global_mem: $p.totalGlobalMem as usize,
        }
    };
}

impl HipLib {
    /// `hipGetDevicePropertiesR0600` (HIP 6+) into a summary; the status is returned alongside (the summary is
    /// meaningful only for `hipSuccess`).
    ///
    /// # Safety
    /// The loaded runtime must be HIP 6 or later (the symbol's existence is checked, its layout cannot be).
    pub unsafe fn device_properties_r0600(
        &self,
        device: c_int,
    ) -> Result<(hipError_t, DevicePropsSummary), crate::MissingSymbol> {
        let mut buf = zeroed_props::<hipDeviceProp_tR0600>();
        let code = self.hipGetDevicePropertiesR0600(&mut buf.props, device)?;
        let p = &buf.props;
        Ok((code, summarize!(p)))
    }

    /// The unversioned `hipGetDeviceProperties` with the pre-6.0 layout of the installed headers, or `Ok(None)` when
    /// this build has no such layout ([`crate::PRE6_PROPS_MAJOR`] is `None`).
    ///
    /// # Safety
    /// The loaded runtime's major version must equal [`crate::PRE6_PROPS_MAJOR`].
    pub unsafe fn device_properties_pre6(
        &self,
        device: c_int,
    ) -> Result<Option<(hipError_t, DevicePropsSummary)>, crate::MissingSymbol> {
        #[cfg(hip_sys_installed_pre6)]
        {
            use crate::installed::hipDeviceProp_t;
            let mut buf = zeroed_props::<hipDeviceProp_t>();
            let code = self.hipGetDeviceProperties(&mut buf.props as *mut hipDeviceProp_t as *mut c_void, device)?;
            let p = &buf.props;
            Ok(Some((code as hipError_t, summarize!(p))))
        }
        #[cfg(not(hip_sys_installed_pre6))]
        {
            let _ = device;
            Ok(None)
        }
    }
}
