//! Streams (ordered queues of work), asynchronous copies whose host memory provably outlives them, and events.

use super::buffer::{DevicePtr, DevicePtrMut};
use super::device::{Backend, Device, RawStream};
use super::launch::LaunchConfig;
use super::repr::DeviceRepr;
use crate::error::{Error, Result};
use hipforge_sys::types::hipStream_t;
use std::marker::PhantomData;
use std::sync::Mutex;
use std::time::Instant;

/// An ordered queue of work on one device.
///
/// Three kinds, one type: a stream hipforge created ([`Device::new_stream`], destroyed on drop), the device's
/// default stream ([`Device::default_stream`], HIP's null stream), and a stream another framework created and
/// lent to hipforge ([`Stream::from_raw`], never destroyed by hipforge). [`Stream::raw`] gives the `hipStream_t`
/// to hand to other HIP code.
///
/// **On the emulator every operation runs to completion before it returns**, whatever stream it is queued on:
/// streams there are executed synchronously, in the order of the calls, so `synchronize`, [`Stream::wait`] and
/// events only check their arguments.
pub struct Stream {
    dev: Device,
    raw: RawStream,
    owned: bool,
}

impl std::fmt::Debug for Stream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Stream({:#x} on {}{})",
            self.raw,
            self.dev,
            if self.owned { "" } else { ", borrowed" }
        )
    }
}

impl Stream {
    pub(crate) fn new(dev: &Device) -> Result<Stream> {
        let raw = match &dev.inner.backend {
            Backend::Emu(_) => 0,
            Backend::Hip(h) => h.stream_create()?,
        };
        Ok(Stream {
            dev: dev.clone(),
            raw,
            owned: true,
        })
    }

    /// The null stream of `dev` (never destroyed).
    pub(crate) fn null(dev: &Device) -> Stream {
        Stream {
            dev: dev.clone(),
            raw: 0,
            owned: false,
        }
    }

    /// Wraps a `hipStream_t` that other code created (PyTorch's current stream, a framework's own): hipforge queues
    /// work on it but never destroys it. A null `raw` is the device's null stream. On the emulator any value is
    /// accepted and kept ([`Stream::raw`] returns it); the work runs synchronously as on every emulator stream.
    ///
    /// # Safety
    /// `raw` must be a stream of `dev` (HIP: created with that device current) that stays valid until this `Stream`
    /// is dropped and the work hipforge queued on it has been consumed by its owner.
    pub unsafe fn from_raw(dev: &Device, raw: hipStream_t) -> Stream {
        Stream {
            dev: dev.clone(),
            raw: raw as RawStream,
            owned: false,
        }
    }

    /// The `hipStream_t`, for other HIP code (null for the default stream and for streams created on the
    /// emulator). Valid as long as this `Stream` is (for a borrowed stream: as long as its owner keeps it).
    pub fn raw(&self) -> hipStream_t {
        self.raw as hipStream_t
    }

    pub(crate) fn raw_handle(&self) -> RawStream {
        self.raw
    }

    /// True when hipforge created the stream and destroys it on drop; false for the default stream and for
    /// [`Stream::from_raw`] streams.
    pub fn is_owned(&self) -> bool {
        self.owned
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

    /// Makes work queued on this stream from now on wait until the work before `event`'s last
    /// [`Event::record`] has finished (`hipStreamWaitEvent`). The host does not wait. [`Error::DeviceMismatch`]
    /// for an event of another device.
    pub fn wait(&self, event: &Event) -> Result<()> {
        self.dev.check_same("the event a stream waits for", &event.dev)?;
        match (&event.inner, &self.dev.inner.backend) {
            (EventInner::Emu(_), _) => Ok(()),
            (EventInner::Hip(e), Backend::Hip(h)) => h.stream_wait_event(self.raw, *e),
            (EventInner::Hip(_), Backend::Emu(_)) => unreachable_backend(),
        }
    }

    /// A new stream whose work starts after the work queued on this one so far (an event recorded here, waited
    /// for there). Pair with [`Stream::join`] to bring the branch back.
    pub fn fork(&self) -> Result<Stream> {
        let branch = Stream::new(&self.dev)?;
        let e = Event::new(&self.dev)?;
        e.record(self)?;
        branch.wait(&e)?;
        Ok(branch)
    }

    /// Makes this stream's later work wait for everything queued on `other` so far (no host wait).
    pub fn join(&self, other: &Stream) -> Result<()> {
        self.dev.check_same("the stream joined", &other.dev)?;
        let e = Event::new(&self.dev)?;
        e.record(other)?;
        self.wait(&e)
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

    fn check_device<T: DeviceRepr>(&self, what: &str, buf: &(impl DevicePtr<T> + ?Sized)) -> Result<()> {
        self.dev.check_same(what, buf.device())
    }

    /// Queues a copy of `src` into `dst` (both on this stream's device, same length) and returns at once. Both stay
    /// borrowed for the call only: order later work on them through this stream (or an event).
    pub fn copy_async<T: DeviceRepr>(
        &self,
        src: &(impl DevicePtr<T> + ?Sized),
        dst: &mut (impl DevicePtrMut<T> + ?Sized),
    ) -> Result<()> {
        self.check_device("the source of a copy", src)?;
        self.check_device("the destination of a copy", dst)?;
        if src.len() != dst.len() {
            return Err(Error::LengthMismatch {
                what: "copy source".into(),
                expected: dst.len(),
                got: src.len(),
            });
        }
        // SAFETY: both hold `len` elements of this device (DevicePtr's contract); no host memory is involved.
        unsafe {
            self.dev
                .raw_d2d(dst.device_ptr_mut(), src.device_ptr(), dst.size_bytes(), Some(self.raw))
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
    ///
    /// `dst` may be any writable device memory: a buffer, a view, borrowed memory.
    pub fn upload_async<'a, T: DeviceRepr, D: DevicePtrMut<T> + ?Sized>(
        &'a self,
        dst: &'a mut D,
        host: Vec<T>,
    ) -> Result<PendingCopy<'a, T>> {
        self.check_device("the destination of an upload", dst)?;
        if host.len() != dst.len() {
            return Err(Error::LengthMismatch {
                what: "host source".into(),
                expected: dst.len(),
                got: host.len(),
            });
        }
        // SAFETY: lengths match; `host` moves into the PendingCopy, which only frees it after the stream is
        // synchronized (or leaks it), so the heap block outlives the copy.
        unsafe {
            self.dev.raw_h2d(
                dst.device_ptr_mut(),
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
    pub fn download_async<'a, T: DeviceRepr + Default, S: DevicePtr<T> + ?Sized>(
        &'a self,
        src: &'a S,
        mut host: Vec<T>,
    ) -> Result<PendingCopy<'a, T>> {
        self.check_device("the source of a download", src)?;
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
    pub fn zero_async<T: DeviceRepr>(&self, dst: &mut (impl DevicePtrMut<T> + ?Sized)) -> Result<()> {
        self.check_device("the memory zeroed", dst)?;
        // SAFETY: `size_bytes` bytes of this device (DevicePtrMut's contract); no host memory involved.
        unsafe {
            self.dev
                .raw_memset(dst.device_ptr_mut(), 0, dst.size_bytes(), Some(self.raw))
        }
    }
}

impl Drop for Stream {
    fn drop(&mut self) {
        if !self.owned {
            return; // the default stream, or borrowed: its owner destroys it
        }
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

/// A point in a stream's work: record it on one stream, then make other streams wait for it ([`Stream::wait`]),
/// wait for it on the host ([`Event::synchronize`]), or time the work between two events ([`Event::elapsed_ms`]).
pub struct Event {
    dev: Device,
    inner: EventInner,
}

impl std::fmt::Debug for Event {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Event on {}", self.dev)
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
        self.dev
            .check_same("the stream an event is recorded on", stream.device())?;
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
        self.dev.check_same("the end event of elapsed_ms", &end.dev)?;
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
