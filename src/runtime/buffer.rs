//! Device memory: owned [`DeviceBuffer<T>`], memory borrowed from another framework ([`DeviceBuffer::from_raw`]),
//! sub-slice views ([`DeviceView`], [`DeviceViewMut`]), and the trait pair every API that takes device memory
//! accepts ([`DevicePtr`], [`DevicePtrMut`]).

use super::device::Device;
use super::repr::DeviceRepr;
use crate::error::{Error, Result};
use std::marker::PhantomData;
use std::ops::{Bound, RangeBounds};

/// `len` elements of `T` in the memory of one device, readable by kernels: what every hipforge API that reads device
/// memory takes (`&impl DevicePtr<T>`).
///
/// Implemented by [`DeviceBuffer`] (owned or borrowed), [`DeviceView`] and [`DeviceViewMut`]. A framework can
/// implement it for its own tensor type to hand that memory to hipforge without a copy.
///
/// # Safety
///
/// For as long as `self` is borrowed, [`DevicePtr::device_ptr`] must be the address of [`DevicePtr::len`] live,
/// readable elements of `T` in the memory of [`DevicePtr::device`] (aligned for `T`; any address when `len` is 0),
/// and nothing may write those bytes concurrently with work hipforge queues on them except through this value.
pub unsafe trait DevicePtr<T: DeviceRepr> {
    /// The device address of the first element, as kernels' params structs take it (docs/kernel-abi.md §1).
    fn device_ptr(&self) -> u64;
    /// Number of elements.
    fn len(&self) -> usize;
    /// The device the memory belongs to.
    fn device(&self) -> &Device;
    /// True when there are no elements.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Size in bytes.
    fn size_bytes(&self) -> usize {
        self.len() * std::mem::size_of::<T>()
    }
}

/// Device memory hipforge may also write: what every API that writes device memory takes (`&mut impl
/// DevicePtrMut<T>`).
///
/// # Safety
///
/// As [`DevicePtr`], and the elements must be writable, with no other reader or writer while `self` is borrowed
/// mutably.
pub unsafe trait DevicePtrMut<T: DeviceRepr>: DevicePtr<T> {
    /// The device address of the first element, for writing.
    fn device_ptr_mut(&mut self) -> u64 {
        self.device_ptr()
    }
}

/// `len` elements of `T` in a device's memory.
///
/// Either **owned** (from [`Device::alloc_zeroed`], [`Device::upload`], [`DeviceBuffer::from_raw_owned`]: freed on
/// drop) or **borrowed** ([`DeviceBuffer::from_raw`]: memory another framework allocated, never freed by hipforge).
/// Kernels receive it as an address: [`DeviceBuffer::device_ptr`] goes into the params struct. The buffer keeps its
/// [`Device`] alive. [`DeviceBuffer::slice`] and [`DeviceBuffer::slice_mut`] give views of a sub-range.
pub struct DeviceBuffer<T: DeviceRepr> {
    dev: Device,
    ptr: u64,
    len: usize,
    owned: bool,
    _elem: PhantomData<T>,
}

impl<T: DeviceRepr> std::fmt::Debug for DeviceBuffer<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "DeviceBuffer<{}>[{}] at {:#x} on {}{}",
            std::any::type_name::<T>(),
            self.len,
            self.ptr,
            self.dev,
            if self.owned { "" } else { " (borrowed)" }
        )
    }
}

fn bytes_for<T>(len: usize) -> Result<usize> {
    len.checked_mul(std::mem::size_of::<T>())
        .ok_or_else(|| Error::Overflow {
            what: format!("bytes of {len} x {}", std::any::type_name::<T>()),
        })
}

/// Checks what a raw (pointer, length) pair must satisfy before it can stand for `len` elements of `T`.
fn check_raw<T>(ptr: u64, len: usize) -> Result<()> {
    let bytes = bytes_for::<T>(len)?;
    if bytes > 0 && ptr == 0 {
        return Err(Error::invalid(
            "device pointer",
            format!("a non-null address for {len} elements"),
            "null",
        ));
    }
    let align = std::mem::align_of::<T>() as u64;
    if ptr % align != 0 {
        return Err(Error::invalid(
            "device pointer",
            format!("an address aligned to {align} bytes ({})", std::any::type_name::<T>()),
            format!("{ptr:#x}"),
        ));
    }
    ptr.checked_add(bytes as u64).ok_or_else(|| Error::Overflow {
        what: format!("the end address of {bytes} bytes at {ptr:#x}"),
    })?;
    Ok(())
}

/// `start..end` of `range` within `0..len`, or [`Error::InvalidArgument`] naming both.
fn resolve_range(range: impl RangeBounds<usize>, len: usize) -> Result<(usize, usize)> {
    let start = match range.start_bound() {
        Bound::Included(&s) => Some(s),
        Bound::Excluded(&s) => s.checked_add(1),
        Bound::Unbounded => Some(0),
    };
    let end = match range.end_bound() {
        Bound::Included(&e) => e.checked_add(1),
        Bound::Excluded(&e) => Some(e),
        Bound::Unbounded => Some(len),
    };
    match (start, end) {
        (Some(s), Some(e)) if s <= e && e <= len => Ok((s, e)),
        _ => Err(Error::invalid(
            "slice range",
            format!("a range within 0..{len}"),
            format!("{:?}..{:?}", range.start_bound(), range.end_bound()),
        )),
    }
}

// ---- byte-level helpers shared by buffers and views ----

fn download<T: DeviceRepr>(dev: &Device, ptr: u64, len: usize) -> Result<Vec<T>> {
    let mut out: Vec<T> = Vec::with_capacity(len);
    // SAFETY: `out` has capacity for `len` elements; the synchronous copy fills all of them before `set_len`, and
    // `T: DeviceRepr` makes any bytes a valid `T`. `ptr` holds `len` elements (the callers' invariant).
    unsafe {
        dev.raw_d2h(out.as_mut_ptr() as *mut u8, ptr, len * std::mem::size_of::<T>(), None)?;
        out.set_len(len);
    }
    Ok(out)
}

fn check_host_len(what: &str, expected: usize, got: usize) -> Result<()> {
    if got != expected {
        return Err(Error::LengthMismatch {
            what: what.to_string(),
            expected,
            got,
        });
    }
    Ok(())
}

fn copy_to_host<T: DeviceRepr>(dev: &Device, ptr: u64, len: usize, host: &mut [T]) -> Result<()> {
    check_host_len("host destination", len, host.len())?;
    // SAFETY: lengths match; synchronous; any bytes are a valid `T`.
    unsafe { dev.raw_d2h(host.as_mut_ptr() as *mut u8, ptr, std::mem::size_of_val(host), None) }
}

fn copy_from_host<T: DeviceRepr>(dev: &Device, ptr: u64, len: usize, host: &[T]) -> Result<()> {
    check_host_len("host source", len, host.len())?;
    // SAFETY: lengths match; the copy is synchronous so `host` outlives it; the caller holds the memory mutably.
    unsafe { dev.raw_h2d(ptr, host.as_ptr() as *const u8, std::mem::size_of_val(host), None) }
}

fn copy_from_device<T: DeviceRepr>(
    dev: &Device,
    ptr: u64,
    len: usize,
    src: &(impl DevicePtr<T> + ?Sized),
) -> Result<()> {
    dev.check_same("the source of a device-to-device copy", src.device())?;
    check_host_len("source buffer", len, src.len())?;
    // SAFETY: both ranges hold `len` elements of this device (DevicePtr's contract; the destination is held mutably).
    unsafe { dev.raw_d2d(ptr, src.device_ptr(), len * std::mem::size_of::<T>(), None) }
}

fn zero<T: DeviceRepr>(dev: &Device, ptr: u64, len: usize) -> Result<()> {
    // SAFETY: `len` elements at `ptr`, held mutably by the caller.
    unsafe { dev.raw_memset(ptr, 0, len * std::mem::size_of::<T>(), None) }
}

impl<T: DeviceRepr> DeviceBuffer<T> {
    /// `len` zeroed elements on `dev` (owned).
    pub fn zeroed(dev: &Device, len: usize) -> Result<Self> {
        let bytes = bytes_for::<T>(len)?;
        let ptr = if bytes == 0 { 0 } else { dev.raw_alloc_zeroed(bytes)? };
        Ok(DeviceBuffer {
            dev: dev.clone(),
            ptr,
            len,
            owned: true,
            _elem: PhantomData,
        })
    }

    /// `len` elements whose contents are about to be overwritten by a copy (not zeroed on HIP).
    pub(crate) fn uninit_for_copy(dev: &Device, len: usize) -> Result<Self> {
        let bytes = bytes_for::<T>(len)?;
        let ptr = if bytes == 0 { 0 } else { dev.raw_alloc(bytes)? };
        Ok(DeviceBuffer {
            dev: dev.clone(),
            ptr,
            len,
            owned: true,
            _elem: PhantomData,
        })
    }

    /// Wraps `len` elements at device address `ptr` that something else allocated and owns (another framework's
    /// tensor, a caching allocator's block): the buffer is **borrowed** — hipforge reads and writes it but never
    /// frees it.
    ///
    /// Errors: [`Error::InvalidArgument`] for a null `ptr` with `len > 0` or an address not aligned for `T`;
    /// [`Error::Overflow`] when `len` elements do not fit the address space.
    ///
    /// # Safety
    /// `ptr` must address `len` elements of `T` in the memory of `dev` (HIP: memory of that device, e.g. from
    /// `hipMalloc` with that device current; emulator: an allocation of that emulator), stay allocated until this
    /// buffer and every view of it are dropped and all work hipforge queued on it has finished, and not be written
    /// by anyone else while hipforge work on it is in flight.
    pub unsafe fn from_raw(dev: &Device, ptr: u64, len: usize) -> Result<Self> {
        check_raw::<T>(ptr, len)?;
        Ok(DeviceBuffer {
            dev: dev.clone(),
            ptr,
            len,
            owned: false,
            _elem: PhantomData,
        })
    }

    /// Takes ownership of `len` elements at `ptr`: the buffer frees them on drop (the inverse of
    /// [`DeviceBuffer::leak`]). Errors as [`DeviceBuffer::from_raw`].
    ///
    /// # Safety
    /// As [`DeviceBuffer::from_raw`], and `ptr` must be the start of an allocation of `dev`'s allocator (HIP:
    /// `hipMalloc` on that device; emulator: that emulator's allocator, e.g. a leaked buffer) that nothing else
    /// will free.
    pub unsafe fn from_raw_owned(dev: &Device, ptr: u64, len: usize) -> Result<Self> {
        check_raw::<T>(ptr, len)?;
        Ok(DeviceBuffer {
            dev: dev.clone(),
            ptr,
            len,
            owned: ptr != 0,
            _elem: PhantomData,
        })
    }

    /// Gives the memory up without freeing it and returns its address (0 for an empty buffer): from now on whoever
    /// holds the address owns it (free it with the backend's allocator, or take it back with
    /// [`DeviceBuffer::from_raw_owned`]). For a borrowed buffer this only returns the address.
    pub fn leak(self) -> u64 {
        let ptr = self.ptr;
        std::mem::forget(self);
        ptr
    }

    /// True when hipforge frees the memory on drop; false for a buffer from [`DeviceBuffer::from_raw`].
    pub fn is_owned(&self) -> bool {
        self.owned
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the buffer has no elements.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Size in bytes.
    pub fn size_bytes(&self) -> usize {
        self.len * std::mem::size_of::<T>()
    }

    /// The device address, as kernels' params structs take it (docs/kernel-abi.md §1).
    pub fn device_ptr(&self) -> u64 {
        self.ptr
    }

    /// The device the buffer lives on.
    pub fn device(&self) -> &Device {
        &self.dev
    }

    /// A read-only view of the elements in `range` (e.g. `10..20`, `..n`, `..`). An out-of-bounds or reversed range
    /// is [`Error::InvalidArgument`] naming it and the length.
    pub fn slice(&self, range: impl RangeBounds<usize>) -> Result<DeviceView<'_, T>> {
        let (s, e) = resolve_range(range, self.len)?;
        Ok(DeviceView::new(&self.dev, offset::<T>(self.ptr, s), e - s))
    }

    /// A writable view of the elements in `range`; errors as [`DeviceBuffer::slice`].
    pub fn slice_mut(&mut self, range: impl RangeBounds<usize>) -> Result<DeviceViewMut<'_, T>> {
        let (s, e) = resolve_range(range, self.len)?;
        Ok(DeviceViewMut::new(&self.dev, offset::<T>(self.ptr, s), e - s))
    }

    /// Two writable views, `[0, mid)` and `[mid, len)`; `mid > len` is [`Error::InvalidArgument`].
    pub fn split_at_mut(&mut self, mid: usize) -> Result<(DeviceViewMut<'_, T>, DeviceViewMut<'_, T>)> {
        split_at::<T>(&self.dev, self.ptr, self.len, mid)
    }

    /// Copies the whole buffer to a new `Vec` (synchronous: waits for the copy).
    pub fn download(&self) -> Result<Vec<T>> {
        download(&self.dev, self.ptr, self.len)
    }

    /// Overwrites the buffer with `host` (synchronous). `host.len()` must equal `self.len()`.
    pub fn copy_from_host(&mut self, host: &[T]) -> Result<()> {
        copy_from_host(&self.dev, self.ptr, self.len, host)
    }

    /// Copies the buffer into `host` (synchronous). `host.len()` must equal `self.len()`.
    pub fn copy_to_host(&self, host: &mut [T]) -> Result<()> {
        copy_to_host(&self.dev, self.ptr, self.len, host)
    }

    /// Overwrites the buffer with the contents of `src` (a buffer or view of the same device and length;
    /// synchronous).
    pub fn copy_from(&mut self, src: &(impl DevicePtr<T> + ?Sized)) -> Result<()> {
        copy_from_device(&self.dev, self.ptr, self.len, src)
    }

    /// Sets every byte to zero (synchronous).
    pub fn zero(&mut self) -> Result<()> {
        zero::<T>(&self.dev, self.ptr, self.len)
    }
}

fn offset<T>(ptr: u64, elems: usize) -> u64 {
    if elems == 0 {
        ptr
    } else {
        ptr + (elems * std::mem::size_of::<T>()) as u64
    }
}

fn split_at<'a, T: DeviceRepr>(
    dev: &'a Device,
    ptr: u64,
    len: usize,
    mid: usize,
) -> Result<(DeviceViewMut<'a, T>, DeviceViewMut<'a, T>)> {
    if mid > len {
        return Err(Error::invalid("split point", format!("at most the length {len}"), mid));
    }
    Ok((
        DeviceViewMut::new(dev, ptr, mid),
        DeviceViewMut::new(dev, offset::<T>(ptr, mid), len - mid),
    ))
}

impl<T: DeviceRepr> Drop for DeviceBuffer<T> {
    fn drop(&mut self) {
        if self.owned && self.ptr != 0 {
            // hipFree waits for the device to finish using the memory; a failure here cannot be reported from a
            // destructor and leaves nothing unsafe behind.
            self.dev.raw_free(self.ptr);
        }
    }
}

// SAFETY: the buffer's address holds `len` elements of its device for its whole life (allocated by hipforge, or
// promised by the caller of `from_raw`), and `&mut self` is the only way to write through it.
unsafe impl<T: DeviceRepr> DevicePtr<T> for DeviceBuffer<T> {
    fn device_ptr(&self) -> u64 {
        self.ptr
    }
    fn len(&self) -> usize {
        self.len
    }
    fn device(&self) -> &Device {
        &self.dev
    }
}
// SAFETY: as above; a `&mut DeviceBuffer` is exclusive.
unsafe impl<T: DeviceRepr> DevicePtrMut<T> for DeviceBuffer<T> {}

/// A read-only view of `len` elements of a [`DeviceBuffer`] (or of another view), from [`DeviceBuffer::slice`].
/// It borrows what it views, so that cannot be written or freed while the view lives.
pub struct DeviceView<'a, T: DeviceRepr> {
    dev: &'a Device,
    ptr: u64,
    len: usize,
    _borrow: PhantomData<&'a [T]>,
}

/// A writable view of `len` elements of a [`DeviceBuffer`], from [`DeviceBuffer::slice_mut`]; it borrows the buffer
/// mutably.
pub struct DeviceViewMut<'a, T: DeviceRepr> {
    dev: &'a Device,
    ptr: u64,
    len: usize,
    _borrow: PhantomData<&'a mut [T]>,
}

impl<T: DeviceRepr> Clone for DeviceView<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: DeviceRepr> Copy for DeviceView<'_, T> {}

impl<T: DeviceRepr> std::fmt::Debug for DeviceView<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "DeviceView<{}>[{}] at {:#x} on {}",
            std::any::type_name::<T>(),
            self.len,
            self.ptr,
            self.dev
        )
    }
}

impl<T: DeviceRepr> std::fmt::Debug for DeviceViewMut<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "DeviceViewMut<{}>[{}] at {:#x} on {}",
            std::any::type_name::<T>(),
            self.len,
            self.ptr,
            self.dev
        )
    }
}

impl<'a, T: DeviceRepr> DeviceView<'a, T> {
    fn new(dev: &'a Device, ptr: u64, len: usize) -> Self {
        DeviceView {
            dev,
            ptr,
            len,
            _borrow: PhantomData,
        }
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.len
    }
    /// True when the view has no elements.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// The device address of the view's first element.
    pub fn device_ptr(&self) -> u64 {
        self.ptr
    }
    /// The device the memory belongs to.
    pub fn device(&self) -> &'a Device {
        self.dev
    }
    /// A view of `range` within this view; errors as [`DeviceBuffer::slice`].
    pub fn slice(&self, range: impl RangeBounds<usize>) -> Result<DeviceView<'a, T>> {
        let (s, e) = resolve_range(range, self.len)?;
        Ok(DeviceView::new(self.dev, offset::<T>(self.ptr, s), e - s))
    }
    /// Copies the viewed elements to a new `Vec` (synchronous).
    pub fn download(&self) -> Result<Vec<T>> {
        download(self.dev, self.ptr, self.len)
    }
    /// Copies the viewed elements into `host` (synchronous); `host.len()` must equal `self.len()`.
    pub fn copy_to_host(&self, host: &mut [T]) -> Result<()> {
        copy_to_host(self.dev, self.ptr, self.len, host)
    }
}

impl<'a, T: DeviceRepr> DeviceViewMut<'a, T> {
    fn new(dev: &'a Device, ptr: u64, len: usize) -> Self {
        DeviceViewMut {
            dev,
            ptr,
            len,
            _borrow: PhantomData,
        }
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.len
    }
    /// True when the view has no elements.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// The device address of the view's first element.
    pub fn device_ptr(&self) -> u64 {
        self.ptr
    }
    /// The device the memory belongs to.
    pub fn device(&self) -> &'a Device {
        self.dev
    }
    /// A read-only view of `range` within this view; errors as [`DeviceBuffer::slice`].
    pub fn slice(&self, range: impl RangeBounds<usize>) -> Result<DeviceView<'_, T>> {
        let (s, e) = resolve_range(range, self.len)?;
        Ok(DeviceView::new(self.dev, offset::<T>(self.ptr, s), e - s))
    }
    /// A writable view of `range` within this view; errors as [`DeviceBuffer::slice`].
    pub fn slice_mut(&mut self, range: impl RangeBounds<usize>) -> Result<DeviceViewMut<'_, T>> {
        let (s, e) = resolve_range(range, self.len)?;
        Ok(DeviceViewMut::new(self.dev, offset::<T>(self.ptr, s), e - s))
    }
    /// Two writable views, `[0, mid)` and `[mid, len)`; `mid > len` is [`Error::InvalidArgument`].
    pub fn split_at_mut(&mut self, mid: usize) -> Result<(DeviceViewMut<'_, T>, DeviceViewMut<'_, T>)> {
        split_at::<T>(self.dev, self.ptr, self.len, mid)
    }
    /// Copies the viewed elements to a new `Vec` (synchronous).
    pub fn download(&self) -> Result<Vec<T>> {
        download(self.dev, self.ptr, self.len)
    }
    /// Copies the viewed elements into `host` (synchronous); `host.len()` must equal `self.len()`.
    pub fn copy_to_host(&self, host: &mut [T]) -> Result<()> {
        copy_to_host(self.dev, self.ptr, self.len, host)
    }
    /// Overwrites the viewed elements with `host` (synchronous); `host.len()` must equal `self.len()`.
    pub fn copy_from_host(&mut self, host: &[T]) -> Result<()> {
        copy_from_host(self.dev, self.ptr, self.len, host)
    }
    /// Overwrites the viewed elements with `src` (same device and length; synchronous).
    pub fn copy_from(&mut self, src: &(impl DevicePtr<T> + ?Sized)) -> Result<()> {
        copy_from_device(self.dev, self.ptr, self.len, src)
    }
    /// Sets every byte of the view to zero (synchronous).
    pub fn zero(&mut self) -> Result<()> {
        zero::<T>(self.dev, self.ptr, self.len)
    }
}

// SAFETY: a view addresses a sub-range of memory that satisfies `DevicePtr` and borrows it for `'a`.
unsafe impl<T: DeviceRepr> DevicePtr<T> for DeviceView<'_, T> {
    fn device_ptr(&self) -> u64 {
        self.ptr
    }
    fn len(&self) -> usize {
        self.len
    }
    fn device(&self) -> &Device {
        self.dev
    }
}

// SAFETY: as for `DeviceView`; the mutable borrow makes it exclusive.
unsafe impl<T: DeviceRepr> DevicePtr<T> for DeviceViewMut<'_, T> {
    fn device_ptr(&self) -> u64 {
        self.ptr
    }
    fn len(&self) -> usize {
        self.len
    }
    fn device(&self) -> &Device {
        self.dev
    }
}
// SAFETY: as above.
unsafe impl<T: DeviceRepr> DevicePtrMut<T> for DeviceViewMut<'_, T> {}

// SAFETY: forwarding to a reference keeps the referent's guarantees.
unsafe impl<T: DeviceRepr, P: DevicePtr<T> + ?Sized> DevicePtr<T> for &P {
    fn device_ptr(&self) -> u64 {
        (**self).device_ptr()
    }
    fn len(&self) -> usize {
        (**self).len()
    }
    fn device(&self) -> &Device {
        (**self).device()
    }
}
// SAFETY: forwarding to a reference keeps the referent's guarantees.
unsafe impl<T: DeviceRepr, P: DevicePtr<T> + ?Sized> DevicePtr<T> for &mut P {
    fn device_ptr(&self) -> u64 {
        (**self).device_ptr()
    }
    fn len(&self) -> usize {
        (**self).len()
    }
    fn device(&self) -> &Device {
        (**self).device()
    }
}
// SAFETY: a `&mut` to writable memory is writable and exclusive.
unsafe impl<T: DeviceRepr, P: DevicePtrMut<T> + ?Sized> DevicePtrMut<T> for &mut P {
    fn device_ptr_mut(&mut self) -> u64 {
        (**self).device_ptr_mut()
    }
}

/// Checks a caller's workspace for a plan that needs `need` bytes on `device`: same device, long enough, 16-byte
/// aligned. Returns its address.
pub(crate) fn check_workspace(
    device: &Device,
    what: &str,
    ws: &mut (impl DevicePtrMut<u8> + ?Sized),
    need: usize,
) -> Result<u64> {
    device.check_same(&format!("the {what} workspace"), ws.device())?;
    if ws.len() < need {
        return Err(Error::LengthMismatch {
            what: "workspace".into(),
            expected: need,
            got: ws.len(),
        });
    }
    let ptr = ws.device_ptr_mut();
    if need > 0 && ptr % 16 != 0 {
        return Err(Error::invalid(
            "workspace address",
            "a multiple of 16 bytes",
            format!("{ptr:#x}"),
        ));
    }
    Ok(ptr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_resolve_within_the_length_or_name_both() {
        assert_eq!(resolve_range(.., 10).unwrap(), (0, 10));
        assert_eq!(resolve_range(2..5, 10).unwrap(), (2, 5));
        assert_eq!(resolve_range(2..=5, 10).unwrap(), (2, 6));
        assert_eq!(resolve_range(..=9, 10).unwrap(), (0, 10));
        assert_eq!(resolve_range(10.., 10).unwrap(), (10, 10));
        for bad in [
            resolve_range(0..11, 10),
            resolve_range(..=10, 10),
            resolve_range(11.., 10),
        ] {
            match bad {
                Err(Error::InvalidArgument { what, expected, .. }) => {
                    assert_eq!(what, "slice range");
                    assert!(expected.contains("0..10"), "{expected}");
                }
                other => panic!("expected InvalidArgument, got {other:?}"),
            }
        }
        #[allow(clippy::reversed_empty_ranges)]
        let reversed = resolve_range(5..2, 10);
        assert!(reversed.is_err());
    }

    #[test]
    fn raw_pointers_are_checked_for_null_alignment_and_overflow() {
        assert!(check_raw::<f32>(0, 0).is_ok());
        assert!(check_raw::<f32>(0x1000, 4).is_ok());
        assert!(matches!(check_raw::<f32>(0, 4), Err(Error::InvalidArgument { .. })));
        match check_raw::<f32>(0x1002, 4) {
            Err(Error::InvalidArgument { expected, got, .. }) => {
                assert!(expected.contains("aligned to 4"), "{expected}");
                assert_eq!(got, "0x1002");
            }
            other => panic!("expected InvalidArgument, got {other:?}"),
        }
        assert!(matches!(check_raw::<u8>(u64::MAX - 2, 8), Err(Error::Overflow { .. })));
        assert!(matches!(check_raw::<f64>(8, usize::MAX), Err(Error::Overflow { .. })));
    }
}
