//! Streams (ordered queues of work), asynchronous copies whose host memory provably outlives them, and events.

use super::buffer::DeviceBuffer;
use super::device::{Backend, Device, RawStream};
use super::launch::LaunchConfig;
use super::repr::DeviceRepr;
use crate::error::{Error, Result};
use std::marker::PhantomData;
use std::sync::Mutex;
use std::time::Instant;

/// An ordered queue of work on one device. On the emulator every operation completes before it returns.
pub struct Stream {
    dev: Device,
    raw: RawStream,
}

impl std::fmt::Debug for Stream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Stream({:#x} on {})", self.raw, self.dev.name())
    }
}

impl Stream {
    pub(crate) fn new(dev: &Device) -> Result<Stream> {
        let raw = match &dev.inner.backend {
            Backend::Emu(_) => 0,
            Backend::Hip(h) => h.stream_create()?,
        };
        Ok(Stream { dev: dev.clone(), raw })
    }

    /// The backend handle (`hipStream_t` as an integer on HIP; 0 on the emulator).
    pub(crate) fn raw(&self) -> RawStream {
        self.raw
    }

    /// The stream's device.
    pub fn device(&self) -> &Device {
        &self.dev
    }

    /// Waits until all work queued on this stream has finished.
    pub fn synchronize(&self) -> Result<()> {
        match &self.dev.inner.backend {
            Backend::Emu(_) => Ok(()),
            Backend::Hip(h) => h.stream_synchronize(self.raw),
        }
    }

    /// Queues `kernel` with `params` as its single by-value argument (docs/kernel-abi.md §1, §4).
    ///
    /// Errors: invalid geometry or an unknown kernel → [`Error::InvalidArgument`]; no code object for the device's
    /// arch → [`Error::KernelNotBuilt`]; emulator faults → [`Error::EmulatorFault`].
    ///
    /// # Safety
    /// `P` must be the kernel's params struct (`#[repr(C)]`, same layout as the C++ side), and every device address
    /// in it must point to live memory of this device large enough for what the kernel reads and writes. The typed
    /// layers (`gemm`, `attention`, `quant`) check shapes before they call this.
    pub unsafe fn launch<P: Copy>(&self, kernel: &str, cfg: LaunchConfig, params: &P) -> Result<()> {
        self.dev.launch_on(self.raw, kernel, cfg, params)
    }

    fn check_device<T: DeviceRepr>(&self, buf: &DeviceBuffer<T>) -> Result<()> {
        if self.dev.same_as(buf.device()) {
            Ok(())
        } else {
            Err(Error::DeviceMismatch {
                what: format!(
                    "a buffer on {} used on a stream of {}",
                    buf.device().name(),
                    self.dev.name()
                ),
            })
        }
    }

    /// Queues a copy of `host` into `dst` and returns at once.
    ///
    /// The stream takes ownership of `host` until the copy has completed: [`PendingCopy::wait`] synchronizes and
    /// gives the `Vec` back. `dst` stays mutably borrowed meanwhile, so it can be neither read, written nor freed
    /// while the copy runs:
    ///
    /// ```compile_fail,E0382
    /// # fn f(stream: &hipforge::runtime::Stream, buf: &mut hipforge::runtime::DeviceBuffer<f32>) -> hipforge::Result<()> {
    /// let host = vec![1.0f32; buf.len()];
    /// let pending = stream.upload_async(buf, host)?;
    /// drop(host); // error[E0382]: `host` was moved into the pending copy
    /// # pending.wait()?; Ok(()) }
    /// ```
    ///
    /// ```compile_fail,E0502
    /// # fn f(stream: &hipforge::runtime::Stream, buf: &mut hipforge::runtime::DeviceBuffer<f32>) -> hipforge::Result<()> {
    /// let pending = stream.upload_async(buf, vec![1.0f32; 4])?;
    /// let again = buf.download()?; // error[E0502]: `buf` is still borrowed by the pending copy
    /// # pending.wait()?; Ok(()) }
    /// ```
    ///
    /// The intended use compiles:
    ///
    /// ```
    /// # fn f(stream: &hipforge::runtime::Stream, buf: &mut hipforge::runtime::DeviceBuffer<f32>) -> hipforge::Result<()> {
    /// let pending = stream.upload_async(buf, vec![1.0f32; 4])?;
    /// let host_back: Vec<f32> = pending.wait()?; // synchronized: the host Vec is ours again
    /// let on_device = buf.download()?;
    /// # let _ = (host_back, on_device); Ok(()) }
    /// ```
    ///
    /// Dropping the [`PendingCopy`] also synchronizes before the `Vec` is freed; `std::mem::forget` on it leaks the
    /// `Vec` rather than freeing memory a copy may still read.
    pub fn upload_async<'a, T: DeviceRepr>(
        &'a self,
        dst: &'a mut DeviceBuffer<T>,
        host: Vec<T>,
    ) -> Result<PendingCopy<'a, T>> {
        self.check_device(dst)?;
        dst.check_len("host source", host.len())?;
        // SAFETY: lengths match; `host` moves into the PendingCopy, which only frees it after the stream is
        // synchronized (or leaks it), so the heap block outlives the copy.
        unsafe {
            self.dev.raw_h2d(
                dst.device_ptr(),
                host.as_ptr() as *const u8,
                dst.size_bytes(),
                Some(self.raw),
            )?;
        }
        Ok(PendingCopy {
            stream: self,
            host: Some(host),
            _buffer: PhantomData,
        })
    }

    /// Queues a copy of `src` into `host` (resized to `src.len()`) and returns at once; [`PendingCopy::wait`] returns
    /// the filled `Vec`. `src` stays borrowed (not writable, not freeable) until then.
    pub fn download_async<'a, T: DeviceRepr + Default>(
        &'a self,
        src: &'a DeviceBuffer<T>,
        mut host: Vec<T>,
    ) -> Result<PendingCopy<'a, T>> {
        self.check_device(src)?;
        host.clear();
        host.resize(src.len(), T::default());
        // SAFETY: `host` has `src.len()` initialized elements and moves into the PendingCopy (see upload_async);
        // any bytes are a valid `T`.
        unsafe {
            self.dev.raw_d2h(
                host.as_mut_ptr() as *mut u8,
                src.device_ptr(),
                src.size_bytes(),
                Some(self.raw),
            )?;
        }
        Ok(PendingCopy {
            stream: self,
            host: Some(host),
            _buffer: PhantomData,
        })
    }

    /// Queues setting every byte of `dst` to zero.
    pub fn zero_async<T: DeviceRepr>(&self, dst: &mut DeviceBuffer<T>) -> Result<()> {
        self.check_device(dst)?;
        // SAFETY: live allocation of `size_bytes` bytes; no host memory involved.
        unsafe {
            self.dev
                .raw_memset(dst.device_ptr(), 0, dst.size_bytes(), Some(self.raw))
        }
    }
}

impl Drop for Stream {
    fn drop(&mut self) {
        if let Backend::Hip(h) = &self.dev.inner.backend {
            h.stream_destroy(self.raw);
        }
    }
}

/// An asynchronous copy in flight. Owns the host `Vec` and borrows the device buffer until the stream is synchronized.
#[must_use = "dropping a PendingCopy waits for the copy; call wait() to get the host Vec back"]
pub struct PendingCopy<'a, T: DeviceRepr> {
    stream: &'a Stream,
    host: Option<Vec<T>>,
    _buffer: PhantomData<&'a mut [T]>,
}

impl<T: DeviceRepr> PendingCopy<'_, T> {
    /// Waits for the stream, then returns the host `Vec` (for a download: filled with the device data).
    ///
    /// If synchronizing fails, the `Vec` is leaked (the copy may still be reading or writing it) and the error is
    /// returned.
    pub fn wait(mut self) -> Result<Vec<T>> {
        match self.stream.synchronize() {
            Ok(()) => Ok(self.host.take().unwrap_or_default()),
            Err(e) => {
                if let Some(v) = self.host.take() {
                    std::mem::forget(v);
                }
                Err(e)
            }
        }
    }
}

impl<T: DeviceRepr> Drop for PendingCopy<'_, T> {
    fn drop(&mut self) {
        if let Some(v) = self.host.take() {
            if self.stream.synchronize().is_err() {
                std::mem::forget(v);
            }
        }
    }
}

enum EventInner {
    /// The host time of the last record (the emulator finishes work before `record` is reached).
    Emu(Mutex<Option<Instant>>),
    /// A `hipEvent_t`.
    Hip(usize),
}

/// A point in a stream's work, for timing: record it, then ask for the milliseconds between two events.
pub struct Event {
    dev: Device,
    inner: EventInner,
}

impl std::fmt::Debug for Event {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Event on {}", self.dev.name())
    }
}

impl Event {
    pub(crate) fn new(dev: &Device) -> Result<Event> {
        let inner = match &dev.inner.backend {
            Backend::Emu(_) => EventInner::Emu(Mutex::new(None)),
            Backend::Hip(h) => EventInner::Hip(h.event_create()?),
        };
        Ok(Event {
            dev: dev.clone(),
            inner,
        })
    }

    /// Marks the current end of `stream`'s queue.
    pub fn record(&self, stream: &Stream) -> Result<()> {
        if !self.dev.same_as(stream.device()) {
            return Err(Error::DeviceMismatch {
                what: format!(
                    "an event of {} recorded on a stream of {}",
                    self.dev.name(),
                    stream.device().name()
                ),
            });
        }
        match (&self.inner, &self.dev.inner.backend) {
            (EventInner::Emu(t), _) => {
                *t.lock().unwrap_or_else(|p| p.into_inner()) = Some(Instant::now());
                Ok(())
            }
            (EventInner::Hip(e), Backend::Hip(h)) => h.event_record(*e, stream.raw),
            (EventInner::Hip(_), Backend::Emu(_)) => unreachable_backend(),
        }
    }

    /// Waits until the work before the recorded point has finished.
    pub fn synchronize(&self) -> Result<()> {
        match (&self.inner, &self.dev.inner.backend) {
            (EventInner::Emu(_), _) => Ok(()),
            (EventInner::Hip(e), Backend::Hip(h)) => h.event_synchronize(*e),
            (EventInner::Hip(_), Backend::Emu(_)) => unreachable_backend(),
        }
    }

    /// Milliseconds from `self` to `end` (both recorded; waits for `end`). On the emulator this is host time.
    pub fn elapsed_ms(&self, end: &Event) -> Result<f32> {
        if !self.dev.same_as(&end.dev) {
            return Err(Error::DeviceMismatch {
                what: "elapsed time between events of different devices".into(),
            });
        }
        match (&self.inner, &end.inner, &self.dev.inner.backend) {
            (EventInner::Emu(a), EventInner::Emu(b), _) => {
                let a = *a.lock().unwrap_or_else(|p| p.into_inner());
                let b = *b.lock().unwrap_or_else(|p| p.into_inner());
                match (a, b) {
                    (Some(a), Some(b)) => Ok(b.saturating_duration_since(a).as_secs_f32() * 1e3),
                    _ => Err(Error::invalid(
                        "event",
                        "both events recorded before elapsed_ms",
                        "an unrecorded event",
                    )),
                }
            }
            (EventInner::Hip(a), EventInner::Hip(b), Backend::Hip(h)) => h.event_elapsed_ms(*a, *b),
            _ => unreachable_backend(),
        }
    }
}

impl Drop for Event {
    fn drop(&mut self) {
        if let (EventInner::Hip(e), Backend::Hip(h)) = (&self.inner, &self.dev.inner.backend) {
            h.event_destroy(*e);
        }
    }
}

/// An event's flavour always matches its device's backend (both are fixed at creation); reaching this is a bug in
/// this module, reported as an error rather than a panic.
fn unreachable_backend<T>() -> Result<T> {
    Err(Error::Unsupported {
        what: "internal: event and device backends differ".into(),
    })
}
