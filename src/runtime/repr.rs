//! Which host types may be copied to and from device memory.

use crate::dtype::{bf16, f16, F8E4M3Fnuz, F8E5M2Fnuz, E8M0, F8E4M3, F8E5M2};

/// A plain-data type whose bytes can be copied to a device and back.
///
/// # Safety
///
/// Implementors promise that the type has no padding, no pointers or references, and that **every** bit pattern of
/// its size is a valid value: a download writes whatever bytes a kernel produced. Implemented for the crate's element
/// types (FP8, E8M0, bf16, f16, f32, i8, i32) and the primitive integers and floats.
pub unsafe trait DeviceRepr: Copy + Send + Sync + 'static {}

macro_rules! device_repr {
    ($($t:ty),*) => { $(unsafe impl DeviceRepr for $t {})* };
}
device_repr!(F8E4M3, F8E5M2, F8E4M3Fnuz, F8E5M2Fnuz, E8M0, bf16, f16);
device_repr!(u8, i8, u16, i16, u32, i32, u64, i64, f32, f64);
