//! The thin safe layer over the devices: [`Device`] (a HIP GPU or the CPU emulator), device memory ([`DeviceBuffer`],
//! owned or borrowed from another framework, its views [`DeviceView`]/[`DeviceViewMut`], and the [`DevicePtr`] /
//! [`DevicePtrMut`] traits every API takes), [`Stream`] (created, default, or foreign), [`Event`], and the kernel
//! launch of docs/kernel-abi.md §4.
//!
//! ```no_run
//! use hipforge::runtime::{Arch, Device, LaunchConfig};
//! # fn main() -> hipforge::Result<()> {
//! let dev = Device::best()?; // a HIP GPU if one works, else the emulator for gfx950
//! let x = dev.upload(&[1.0f32, 2.0, 3.0])?;
//! let y = dev.alloc_zeroed::<f32>(3)?;
//! assert_eq!(y.download()?, vec![0.0; 3]);
//! assert_eq!(x.download()?, vec![1.0, 2.0, 3.0]);
//! # Ok(()) }
//! ```
//!
//! Memory and streams another framework owns join in without copies:
//!
//! ```no_run
//! use hipforge::runtime::{Device, DeviceBuffer, Stream};
//! # fn main() -> hipforge::Result<()> {
//! # let (ptr, len, raw_stream) = (0u64, 0usize, std::ptr::null_mut());
//! let dev = Device::hip(0)?;
//! // SAFETY: `ptr` holds `len` f32 of device 0 and outlives `x`; `raw_stream` is a stream of device 0.
//! let x = unsafe { DeviceBuffer::<f32>::from_raw(&dev, ptr, len)? }; // never freed by hipforge
//! let stream = unsafe { Stream::from_raw(&dev, raw_stream) }; // never destroyed by hipforge
//! let first_half = x.slice(..len / 2)?; // a view: any API that reads device memory takes it
//! # let _ = (first_half, stream); Ok(()) }
//! ```
//!
//! Nothing above this module touches a raw pointer: typed layers put [`DevicePtr::device_ptr`] addresses into
//! `#[repr(C)]` params structs and call the `unsafe` [`Stream::launch`] after validating shapes.

mod arch;
mod buffer;
mod device;
mod emu;
mod hip;
mod hip_runtime;
pub mod hipblaslt;
mod launch;
mod repr;
mod stream;

pub use arch::Arch;
pub(crate) use buffer::check_workspace;
pub use buffer::{DeviceBuffer, DevicePtr, DevicePtrMut, DeviceView, DeviceViewMut};
pub use device::{Device, DeviceId};
pub use hip::DeviceProperties;
pub use hip_runtime::{format_hip_version, HipRuntime};
pub use launch::LaunchConfig;
pub use repr::DeviceRepr;
pub use stream::{Event, PendingCopy, Stream};
