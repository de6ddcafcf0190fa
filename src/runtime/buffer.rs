//! `DeviceBuffer<T>`: owned device memory of `len` elements.

use super::device::Device;
use super::repr::DeviceRepr;
use crate::error::{Error, Result};
use std::marker::PhantomData;

/// `len` elements of `T` in a device's memory; freed on drop.
///
/// Kernels receive it as an address: [`DeviceBuffer::device_ptr`] goes into the params struct. The buffer keeps its
/// [`Device`] alive.
pub struct DeviceBuffer<T: DeviceRepr> {
    dev: Device,
    ptr: u64,
    len: usize,
    _elem: PhantomData<T>,
}

impl<T: DeviceRepr> std::fmt::Debug for DeviceBuffer<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "DeviceBuffer<{}>[{}] at {:#x} on {}",
            std::any::type_name::<T>(),
            self.len,
            self.ptr,
            self.dev.name()
        )
    }
}

fn bytes_for<T>(len: usize) -> Result<usize> {
    len.checked_mul(std::mem::size_of::<T>())
        .ok_or_else(|| Error::Overflow {
            what: format!("bytes of {len} x {}", std::any::type_name::<T>()),
        })
}

impl<T: DeviceRepr> DeviceBuffer<T> {
    /// `len` zeroed elements on `dev`.
    pub fn zeroed(dev: &Device, len: usize) -> Result<Self> {
        let bytes = bytes_for::<T>(len)?;
        let ptr = if bytes == 0 { 0 } else { dev.raw_alloc_zeroed(bytes)? };
        Ok(DeviceBuffer {
            dev: dev.clone(),
            ptr,
            len,
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
            _elem: PhantomData,
        })
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the buffer has no elements (its address is then 0).
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

    /// Copies the whole buffer to a new `Vec` (synchronous: waits for the copy).
    pub fn download(&self) -> Result<Vec<T>> {
        let mut out: Vec<T> = Vec::with_capacity(self.len);
        // SAFETY: `out` has capacity for `len` elements; the copy fills all of them before `set_len`, and
        // `T: DeviceRepr` makes any bytes a valid `T`.
        unsafe {
            self.dev
                .raw_d2h(out.as_mut_ptr() as *mut u8, self.ptr, self.size_bytes(), None)?;
            out.set_len(self.len);
        }
        Ok(out)
    }

    /// Overwrites the buffer with `host` (synchronous). `host.len()` must equal `self.len()`.
    pub fn copy_from_host(&mut self, host: &[T]) -> Result<()> {
        self.check_len("host source", host.len())?;
        // SAFETY: lengths match; the copy is synchronous so `host` outlives it.
        unsafe {
            self.dev
                .raw_h2d(self.ptr, host.as_ptr() as *const u8, self.size_bytes(), None)
        }
    }

    /// Copies the buffer into `host` (synchronous). `host.len()` must equal `self.len()`.
    pub fn copy_to_host(&self, host: &mut [T]) -> Result<()> {
        self.check_len("host destination", host.len())?;
        // SAFETY: lengths match; synchronous; any bytes are a valid `T`.
        unsafe {
            self.dev
                .raw_d2h(host.as_mut_ptr() as *mut u8, self.ptr, self.size_bytes(), None)
        }
    }

    /// Overwrites the buffer with the contents of `src` (same device, same length; synchronous).
    pub fn copy_from(&mut self, src: &DeviceBuffer<T>) -> Result<()> {
        if !self.dev.same_as(&src.dev) {
            return Err(Error::DeviceMismatch {
                what: format!(
                    "copy from a buffer on {} into one on {}",
                    src.dev.name(),
                    self.dev.name()
                ),
            });
        }
        self.check_len("source buffer", src.len)?;
        // SAFETY: both are live allocations of this device with `size_bytes` bytes.
        unsafe { self.dev.raw_d2d(self.ptr, src.ptr, self.size_bytes()) }
    }

    /// Sets every byte to zero (synchronous).
    pub fn zero(&mut self) -> Result<()> {
        // SAFETY: live allocation of `size_bytes` bytes.
        unsafe { self.dev.raw_memset(self.ptr, 0, self.size_bytes(), None) }
    }

    pub(crate) fn check_len(&self, what: &str, got: usize) -> Result<()> {
        if got != self.len {
            return Err(Error::LengthMismatch {
                what: what.to_string(),
                expected: self.len,
                got,
            });
        }
        Ok(())
    }
}

impl<T: DeviceRepr> Drop for DeviceBuffer<T> {
    fn drop(&mut self) {
        if self.ptr != 0 {
            // hipFree waits for the device to finish using the memory; a failure here cannot be reported from a
            // destructor and leaves nothing unsafe behind.
            self.dev.raw_free(self.ptr);
        }
    }
}
