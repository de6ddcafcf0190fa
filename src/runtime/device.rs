//! `Device`: one GPU through the HIP runtime, or one arch of the CPU emulator, behind the same API.

use super::arch::Arch;
use super::buffer::DeviceBuffer;
use super::emu::EmuBackend;
use super::hip::{DeviceProperties, HipBackend};
use super::hip_runtime::HipRuntime;
use super::launch::LaunchConfig;
use super::repr::DeviceRepr;
use super::stream::{Event, Stream};
use crate::error::{Error, Result};
use std::ffi::c_void;
use std::sync::Arc;

/// Where a device's work runs.
pub(crate) enum Backend {
    Emu(EmuBackend),
    Hip(HipBackend),
}

/// A backend stream handle: `hipStream_t` as an integer for HIP (0 = the null stream); always 0 on the emulator,
/// where every operation completes before it returns.
pub(crate) type RawStream = usize;

pub(crate) struct DeviceInner {
    pub(crate) backend: Backend,
    pub(crate) arch: Arch,
    pub(crate) name: String,
}

/// A device: a HIP GPU or the CPU emulator of one arch. Cheap to clone (shared handle); `Send + Sync`.
///
/// Buffers, streams and events keep their device alive.
#[derive(Clone)]
pub struct Device {
    pub(crate) inner: Arc<DeviceInner>,
}

impl std::fmt::Debug for Device {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Device")
            .field("name", &self.inner.name)
            .field("arch", &self.inner.arch)
            .finish()
    }
}

impl Device {
    /// The HIP GPU with this ordinal.
    ///
    /// Loads the HIP runtime on first use (see [`crate::runtime::HipRuntime`]). With the runtime installed but no GPU
    /// this is [`Error::NoDevice`] naming the library and its version; without a runtime, [`Error::LibraryNotFound`].
    pub fn hip(ordinal: usize) -> Result<Device> {
        Device::hip_with(&HipRuntime::global()?, ordinal)
    }

    /// The HIP GPU with this ordinal, through an explicitly loaded runtime (see [`HipRuntime::load_from`]).
    pub fn hip_with(runtime: &Arc<HipRuntime>, ordinal: usize) -> Result<Device> {
        let (backend, arch, name) = HipBackend::open(runtime, ordinal)?;
        Ok(Device {
            inner: Arc::new(DeviceInner {
                backend: Backend::Hip(backend),
                arch,
                name,
            }),
        })
    }

    /// The CPU emulator for `arch` (gfx942 or gfx950).
    ///
    /// [`Error::InvalidArgument`] for another arch; [`Error::Emulator`] when the emulator was not built for it
    /// (see `crate::kernels::EMULATOR_ARCHS`).
    pub fn emulator(arch: Arch) -> Result<Device> {
        let backend = EmuBackend::open(&arch)?;
        Ok(Device {
            inner: Arc::new(DeviceInner {
                backend: Backend::Emu(backend),
                name: format!("hipforge emulator ({arch})"),
                arch,
            }),
        })
    }

    /// HIP device 0 when it works, else the emulator for gfx950. When neither is available the error names both
    /// reasons.
    pub fn best() -> Result<Device> {
        match Device::hip(0) {
            Ok(d) => Ok(d),
            Err(hip_err) => Device::emulator(Arch::Gfx950).map_err(|emu_err| Error::Emulator {
                message: format!("no device available: HIP: {hip_err}; emulator: {emu_err}"),
            }),
        }
    }

    /// The device's architecture (from `gcnArchName` on HIP).
    pub fn arch(&self) -> &Arch {
        &self.inner.arch
    }

    /// A human-readable name (the GPU's marketing name, or "hipforge emulator (gfx950)").
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The HIP device's properties (`None` on the emulator).
    pub fn properties(&self) -> Option<&DeviceProperties> {
        match &self.inner.backend {
            Backend::Hip(h) => Some(h.properties()),
            Backend::Emu(_) => None,
        }
    }

    /// The HIP runtime behind the device (`None` on the emulator).
    pub fn hip_runtime(&self) -> Option<&Arc<HipRuntime>> {
        match &self.inner.backend {
            Backend::Hip(h) => Some(h.runtime()),
            Backend::Emu(_) => None,
        }
    }

    /// The HIP backend, if this is a HIP device.
    pub(crate) fn hip_backend(&self) -> Option<&HipBackend> {
        match &self.inner.backend {
            Backend::Hip(h) => Some(h),
            Backend::Emu(_) => None,
        }
    }

    /// True for the CPU emulator.
    pub fn is_emulator(&self) -> bool {
        matches!(self.inner.backend, Backend::Emu(_))
    }

    /// True when `other` is the same device handle (same `Device::hip`/`Device::emulator` call or a clone of it).
    pub fn same_as(&self, other: &Device) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// A buffer of `len` zeroed elements.
    pub fn alloc_zeroed<T: DeviceRepr>(&self, len: usize) -> Result<DeviceBuffer<T>> {
        DeviceBuffer::zeroed(self, len)
    }

    /// A buffer holding a copy of `host` (synchronous).
    pub fn upload<T: DeviceRepr>(&self, host: &[T]) -> Result<DeviceBuffer<T>> {
        let mut buf = DeviceBuffer::uninit_for_copy(self, host.len())?;
        buf.copy_from_host(host)?;
        Ok(buf)
    }

    /// A new stream on this device.
    pub fn new_stream(&self) -> Result<Stream> {
        Stream::new(self)
    }

    /// A new timing event on this device.
    pub fn new_event(&self) -> Result<Event> {
        Event::new(self)
    }

    /// Waits until all work on the device has finished.
    pub fn synchronize(&self) -> Result<()> {
        match &self.inner.backend {
            Backend::Emu(_) => Ok(()),
            Backend::Hip(h) => h.device_synchronize(),
        }
    }

    /// Launches `kernel` on the device's null stream; see [`Stream::launch`].
    ///
    /// # Safety
    /// As [`Stream::launch`]: `params` must be the kernel's params struct, and every device address in it must point
    /// to live memory of this device large enough for what the kernel reads and writes.
    pub unsafe fn launch<P: Copy>(&self, kernel: &str, cfg: LaunchConfig, params: &P) -> Result<()> {
        self.launch_on(0, kernel, cfg, params)
    }

    pub(crate) unsafe fn launch_on<P: Copy>(
        &self,
        stream: RawStream,
        kernel: &str,
        cfg: LaunchConfig,
        params: &P,
    ) -> Result<()> {
        cfg.validate()?;
        if crate::kernels::find(kernel).is_none() {
            return Err(Error::invalid(
                "kernel",
                "the symbol of a kernel built into hipforge (hipforge::kernels::KERNELS)",
                kernel,
            ));
        }
        let p = params as *const P as *const c_void;
        let size = std::mem::size_of::<P>();
        match &self.inner.backend {
            Backend::Emu(e) => e.launch(kernel, &cfg, p, size),
            Backend::Hip(h) => h.launch(&self.inner.arch, stream, kernel, &cfg, p, size),
        }
    }

    // ---- byte-level operations used by buffers and streams ----

    pub(crate) fn raw_alloc_zeroed(&self, bytes: usize) -> Result<u64> {
        match &self.inner.backend {
            Backend::Emu(e) => e.alloc_zeroed(bytes),
            Backend::Hip(h) => h.alloc_zeroed(bytes),
        }
    }

    pub(crate) fn raw_alloc(&self, bytes: usize) -> Result<u64> {
        match &self.inner.backend {
            Backend::Emu(e) => e.alloc_zeroed(bytes),
            Backend::Hip(h) => h.alloc(bytes),
        }
    }

    pub(crate) fn raw_free(&self, ptr: u64) {
        match &self.inner.backend {
            Backend::Emu(e) => e.free(ptr),
            Backend::Hip(h) => h.free(ptr),
        }
    }

    /// Host → device. `stream == None` is a synchronous copy.
    ///
    /// # Safety
    /// `src` readable for `bytes`, `dst` a live allocation of this device with room for `bytes`; for an async copy,
    /// `src` must stay valid until the stream is synchronized.
    pub(crate) unsafe fn raw_h2d(
        &self,
        dst: u64,
        src: *const u8,
        bytes: usize,
        stream: Option<RawStream>,
    ) -> Result<()> {
        if bytes == 0 {
            return Ok(());
        }
        match &self.inner.backend {
            Backend::Emu(_) => {
                std::ptr::copy_nonoverlapping(src, dst as *mut u8, bytes);
                Ok(())
            }
            Backend::Hip(h) => h.h2d(dst, src, bytes, stream),
        }
    }

    /// Device → host; safety as [`Device::raw_h2d`] with the roles swapped.
    pub(crate) unsafe fn raw_d2h(&self, dst: *mut u8, src: u64, bytes: usize, stream: Option<RawStream>) -> Result<()> {
        if bytes == 0 {
            return Ok(());
        }
        match &self.inner.backend {
            Backend::Emu(_) => {
                std::ptr::copy_nonoverlapping(src as *const u8, dst, bytes);
                Ok(())
            }
            Backend::Hip(h) => h.d2h(dst, src, bytes, stream),
        }
    }

    /// Device → device (same device), synchronous.
    pub(crate) unsafe fn raw_d2d(&self, dst: u64, src: u64, bytes: usize) -> Result<()> {
        if bytes == 0 {
            return Ok(());
        }
        match &self.inner.backend {
            Backend::Emu(_) => {
                std::ptr::copy(src as *const u8, dst as *mut u8, bytes);
                Ok(())
            }
            Backend::Hip(h) => h.d2d(dst, src, bytes),
        }
    }

    /// Sets `bytes` bytes at `dst` to `value`.
    pub(crate) unsafe fn raw_memset(&self, dst: u64, value: u8, bytes: usize, stream: Option<RawStream>) -> Result<()> {
        if bytes == 0 {
            return Ok(());
        }
        match &self.inner.backend {
            Backend::Emu(_) => {
                std::ptr::write_bytes(dst as *mut u8, value, bytes);
                Ok(())
            }
            Backend::Hip(h) => h.memset(dst, value, bytes, stream),
        }
    }
}
