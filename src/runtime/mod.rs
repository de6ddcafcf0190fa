//! The thin safe layer over the devices: [`Device`] (a HIP GPU or the CPU emulator), [`DeviceBuffer`], [`Stream`],
//! [`Event`], and the kernel launch of docs/kernel-abi.md §4.
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
//! Nothing above this module touches a raw pointer: typed layers put [`DeviceBuffer::device_ptr`] addresses into
//! `#[repr(C)]` params structs and call the `unsafe` [`Device::launch`] after validating shapes.

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
pub use buffer::DeviceBuffer;
pub use device::Device;
pub use hip::DeviceProperties;
pub use hip_runtime::{format_hip_version, HipRuntime};
pub use launch::LaunchConfig;
pub use repr::DeviceRepr;
pub use stream::{Event, PendingCopy, Stream};
