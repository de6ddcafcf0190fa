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
    /// Why [`Device::best`] chose this device over HIP device 0 (set only there, only for the emulator).
    pub(crate) fallback_reason: Option<String>,
}

/// Which device a handle refers to: a HIP ordinal or an emulator arch. Two handles with the same identity (and, for
/// HIP, the same runtime library) are the same device: memory and streams of one are valid on the other.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DeviceId {
    /// HIP device `ordinal` of the runtime library at `runtime` (its path).
    Hip {
        /// The device ordinal (`hipSetDevice`'s argument).
        ordinal: usize,
        /// The path of the HIP runtime library the device was opened through.
        runtime: String,
    },
    /// The CPU emulator of one arch: one per arch and process (its allocator is process-wide).
    Emulator {
        /// The emulated arch.
        arch: Arch,
    },
}

impl std::fmt::Display for DeviceId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DeviceId::Hip { ordinal, .. } => write!(f, "HIP device {ordinal}"),
            DeviceId::Emulator { arch } => write!(f, "the {arch} emulator"),
        }
    }
}

/// A device: a HIP GPU or the CPU emulator of one arch. Cheap to clone (shared handle); `Send + Sync`.
///
/// Buffers, streams and events keep their device alive. Handles compare by identity ([`Device::id`]): two
/// `Device::hip(0)` calls, or two `Device::emulator(Arch::Gfx950)` calls, give equal devices.
#[derive(Clone)]
pub struct Device {
    pub(crate) inner: Arc<DeviceInner>,
}

impl std::fmt::Debug for Device {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Device")
            .field("id", &self.id())
            .field("name", &self.inner.name)
            .field("arch", &self.inner.arch)
            .finish()
    }
}

/// `HIP device 0 (AMD Instinct MI300X, gfx942)` or `the gfx950 emulator`: how errors name a device.
impl std::fmt::Display for Device {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.inner.backend {
            Backend::Hip(h) => write!(
                f,
                "HIP device {} ({}, {})",
                h.ordinal(),
                self.inner.name,
                self.inner.arch
            ),
            Backend::Emu(_) => write!(f, "the {} emulator", self.inner.arch),
        }
    }
}

impl PartialEq for Device {
    fn eq(&self, other: &Device) -> bool {
        self.same_as(other)
    }
}
impl Eq for Device {}

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
                fallback_reason: None,
            }),
        })
    }

    /// The CPU emulator for `arch` (gfx942 or gfx950).
    ///
    /// [`Error::InvalidArgument`] for another arch; [`Error::FeatureDisabled`] when hipforge was compiled without
    /// its `emulator` feature; [`Error::Emulator`] when the emulator was not built for it (no host clang at build
    /// time; see `crate::kernels::EMULATOR_ARCHS`).
    pub fn emulator(arch: Arch) -> Result<Device> {
        Self::emulator_because(arch, None)
    }

    fn emulator_because(arch: Arch, fallback_reason: Option<String>) -> Result<Device> {
        let backend = EmuBackend::open(&arch)?;
        Ok(Device {
            inner: Arc::new(DeviceInner {
                backend: Backend::Emu(backend),
                name: format!("hipforge emulator ({arch})"),
                arch,
                fallback_reason,
            }),
        })
    }

    /// HIP device 0 when it works, else the emulator for gfx950.
    ///
    /// When it falls back to the emulator, [`Device::fallback_reason`] says why (HIP's error); `hipforge info`
    /// prints it. When neither is available the error is [`Error::NoBackend`], naming each backend's reason once.
    pub fn best() -> Result<Device> {
        choose_best(Device::hip(0), |why| Device::emulator_because(Arch::Gfx950, Some(why)))
    }

    /// Why [`Device::best`] returned this emulator instead of HIP device 0 (e.g. "HIP device 0 unavailable: HIP
    /// runtime not found; tried: …"); `None` for a HIP device and for devices not made by [`Device::best`].
    pub fn fallback_reason(&self) -> Option<&str> {
        self.inner.fallback_reason.as_deref()
    }

    /// Which device this is (HIP ordinal or emulator arch): equal for every handle to the same device.
    pub fn id(&self) -> DeviceId {
        match &self.inner.backend {
            Backend::Hip(h) => DeviceId::Hip {
                ordinal: h.ordinal(),
                runtime: h.runtime().path().to_string(),
            },
            Backend::Emu(_) => DeviceId::Emulator {
                arch: self.inner.arch.clone(),
            },
        }
    }

    /// The device's default stream: HIP's null stream (ordered with every other blocking stream of the device),
    /// never destroyed. The plain forms of every launch API (`GemmPlan::run`, `AttentionPlan::run`, …) queue on it;
    /// the `run_on` forms take any stream.
    pub fn default_stream(&self) -> Stream {
        Stream::null(self)
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

    /// The LDS bank-conflict figures of every kernel launched on this emulator arch since the last call (by any
    /// handle or thread of this process), and clears them: per access site, the wave instructions, bank cycles and
    /// extra cycles under the arch's bank model (docs/emulator.md "LDS bank conflicts"). Measured on the emulator.
    ///
    /// # Errors
    /// [`Error::Unsupported`] on a HIP device (it has no such counters here).
    pub fn take_lds_stats(&self) -> Result<crate::lds::LdsStats> {
        match &self.inner.backend {
            Backend::Emu(e) => crate::lds::LdsStats::parse(self.arch(), &e.take_lds()),
            Backend::Hip(_) => Err(Error::Unsupported {
                what: format!("LDS bank statistics on {self}: they are counted by the emulator only"),
            }),
        }
    }

    /// True for the CPU emulator.
    pub fn is_emulator(&self) -> bool {
        matches!(self.inner.backend, Backend::Emu(_))
    }

    /// True when `other` is the same device: the same handle, or another handle with the same [`Device::id`] (for
    /// HIP, opened through the same runtime library).
    pub fn same_as(&self, other: &Device) -> bool {
        if Arc::ptr_eq(&self.inner, &other.inner) {
            return true;
        }
        match (&self.inner.backend, &other.inner.backend) {
            (Backend::Hip(a), Backend::Hip(b)) => {
                a.ordinal() == b.ordinal()
                    && (Arc::ptr_eq(a.runtime(), b.runtime()) || a.runtime().path() == b.runtime().path())
            }
            (Backend::Emu(_), Backend::Emu(_)) => self.inner.arch == other.inner.arch,
            _ => false,
        }
    }

    /// `Ok` when `other` is this device, else [`Error::DeviceMismatch`] saying `what` was on `other` (got) where
    /// this device (expected) was needed.
    pub(crate) fn check_same(&self, what: &str, other: &Device) -> Result<()> {
        if self.same_as(other) {
            return Ok(());
        }
        let (mut expected, mut got) = (self.to_string(), other.to_string());
        if expected == got {
            // Same ordinal and name through two different runtime libraries: say which.
            if let (Some(a), Some(b)) = (self.hip_runtime(), other.hip_runtime()) {
                expected = format!("{expected} of {}", a.path());
                got = format!("{got} of {}", b.path());
            }
        }
        Err(Error::DeviceMismatch {
            what: what.to_string(),
            expected,
            got,
        })
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

    /// Launches `kernel` on the device's default (null) stream; see [`Stream::launch`].
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
        check_kernel_name(kernel)?;
        let p = params as *const P as *const c_void;
        let size = std::mem::size_of::<P>();
        match &self.inner.backend {
            Backend::Emu(e) => e.launch(kernel, &cfg, p, size),
            Backend::Hip(h) => h.launch(&self.inner.arch, stream, kernel, &cfg, p, size),
        }
    }

    /// Loads what launching `kernel` needs (HIP: its code object and function, cached), so that a later launch
    /// makes no module call: plans call this when they are created, keeping module loading out of run paths and
    /// out of stream capture. Errors as the launch would report them (unknown kernel, [`Error::KernelNotBuilt`]).
    pub(crate) fn prepare_kernel(&self, kernel: &str) -> Result<()> {
        check_kernel_name(kernel)?;
        match &self.inner.backend {
            Backend::Emu(_) => Ok(()),
            Backend::Hip(h) => h.prepare(&self.inner.arch, kernel),
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

    /// Device → device (same device). `stream == None` is a synchronous copy.
    pub(crate) unsafe fn raw_d2d(&self, dst: u64, src: u64, bytes: usize, stream: Option<RawStream>) -> Result<()> {
        if bytes == 0 {
            return Ok(());
        }
        match &self.inner.backend {
            Backend::Emu(_) => {
                std::ptr::copy(src as *const u8, dst as *mut u8, bytes);
                Ok(())
            }
            Backend::Hip(h) => h.d2d(dst, src, bytes, stream),
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

fn check_kernel_name(kernel: &str) -> Result<()> {
    if crate::kernels::find(kernel).is_none() {
        return Err(Error::invalid(
            "kernel",
            "the symbol of a kernel built into hipforge (hipforge::kernels::KERNELS)",
            kernel,
        ));
    }
    Ok(())
}

/// The text of a backend's failure without the variant's own prefix ("emulator: …" would read "emulator: emulator:
/// …" inside [`Error::NoBackend`]).
fn reason_text(e: &Error) -> String {
    match e {
        Error::Emulator { message } => message.clone(),
        other => other.to_string(),
    }
}

/// [`Device::best`]'s decision: the HIP device if it opened, else the emulator (told why), else
/// [`Error::NoBackend`] with both reasons.
fn choose_best(hip: Result<Device>, emulator: impl FnOnce(String) -> Result<Device>) -> Result<Device> {
    let hip_err = match hip {
        Ok(d) => return Ok(d),
        Err(e) => e,
    };
    let hip = reason_text(&hip_err);
    emulator(format!("HIP device 0 unavailable: {hip}")).map_err(|emu_err| Error::NoBackend {
        hip,
        emulator: reason_text(&emu_err),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_hip() -> Result<Device> {
        Err(Error::LibraryNotFound {
            library: "HIP runtime".into(),
            tried: vec!["libamdhip64.so: not found".into()],
        })
    }

    #[test]
    fn nothing_available_names_each_backend_once() {
        let err = choose_best(no_hip(), |_| {
            Err(Error::Emulator {
                message: "the emulator was not built for gfx950".into(),
            })
        })
        .unwrap_err();
        match &err {
            Error::NoBackend { hip, emulator } => {
                assert_eq!(hip, "HIP runtime not found; tried: libamdhip64.so: not found");
                assert_eq!(emulator, "the emulator was not built for gfx950");
            }
            other => panic!("expected NoBackend, got {other:?}"),
        }
        let text = err.to_string();
        assert_eq!(text.matches("emulator").count(), 2, "{text}"); // "emulator:" label + the reason's own word
        assert!(!text.contains("emulator: emulator"), "{text}");
        assert_eq!(text.matches("HIP runtime not found").count(), 1, "{text}");
    }

    /// False (with a note, or a failure under HIPFORGE_REQUIRE_EMULATOR=1) when the emulator of `arch` was not built.
    fn emulator_built(test: &str, arch: &Arch) -> bool {
        if crate::kernels::EMULATOR_ARCHS.contains(&arch.name()) {
            return true;
        }
        assert!(
            std::env::var("HIPFORGE_REQUIRE_EMULATOR").map_or(true, |v| v != "1"),
            "{test}: HIPFORGE_REQUIRE_EMULATOR=1 but the {arch} emulator was not built"
        );
        eprintln!("{test}: SKIPPED, no {arch} emulator in this build");
        false
    }

    #[test]
    fn falling_back_to_the_emulator_says_why() {
        if !emulator_built("falling_back_to_the_emulator_says_why", &Arch::Gfx950) {
            return;
        }
        let mut told = None;
        let dev = choose_best(no_hip(), |why| {
            told = Some(why.clone());
            Device::emulator_because(Arch::Gfx950, Some(why))
        })
        .unwrap();
        assert!(dev.is_emulator());
        let why = dev.fallback_reason().unwrap();
        assert_eq!(Some(why), told.as_deref());
        assert!(
            why.starts_with("HIP device 0 unavailable: HIP runtime not found"),
            "{why}"
        );
        assert_eq!(Device::emulator(Arch::Gfx950).unwrap().fallback_reason(), None);
    }

    #[test]
    fn emulator_handles_of_one_arch_are_one_device() {
        let archs: Vec<Arch> = [Arch::Gfx942, Arch::Gfx950]
            .into_iter()
            .filter(|a| emulator_built("emulator_handles_of_one_arch_are_one_device", a))
            .collect();
        for a in &archs {
            let (x, y) = (
                Device::emulator(a.clone()).unwrap(),
                Device::emulator(a.clone()).unwrap(),
            );
            assert!(x.same_as(&y) && x == y);
            assert_eq!(x.id(), y.id());
            assert!(x.check_same("a buffer", &y).is_ok());
        }
        if archs.len() == 2 {
            let (x, y) = (
                Device::emulator(Arch::Gfx942).unwrap(),
                Device::emulator(Arch::Gfx950).unwrap(),
            );
            assert!(!x.same_as(&y));
            match x.check_same("operand B", &y) {
                Err(Error::DeviceMismatch { what, expected, got }) => {
                    assert_eq!(what, "operand B");
                    assert_eq!(expected, "the gfx942 emulator");
                    assert_eq!(got, "the gfx950 emulator");
                }
                other => panic!("expected DeviceMismatch, got {other:?}"),
            }
        }
    }
}
