//! Number types: the 8-bit floating formats of CDNA3/CDNA4 (OCP and FNUZ FP8, the E8M0 MX scale), `bf16`/`f16`
//! re-exported from `half`, and [`DType`], the run-time tag of every element type hipforge handles.
//!
//! Conversions follow specs/numerics.md: f32/f64 → 8-bit rounds to nearest even, then applies the format's overflow
//! rule (ml_dtypes' semantics), or clamps with the `_saturating` forms. Decoding is exact.
//!
//! ```
//! use hipforge::{F8E4M3, F8E4M3Fnuz};
//! assert_eq!(F8E4M3::from_f32(464.0).to_f32(), 448.0); // a tie: rounds to the even code, 448
//! assert!(F8E4M3::from_f32(465.0).is_nan()); // rounds past 448: NaN (e4m3 has no Inf)
//! assert_eq!(F8E4M3::from_f32_saturating(1e9), F8E4M3::MAX);
//! assert_eq!(F8E4M3Fnuz::from_f32(-0.0).to_bits(), 0x00); // FNUZ has no −0
//! ```

mod convert;
mod e8m0;
mod fp8;

pub use e8m0::E8M0;
pub use fp8::{F8E4M3Fnuz, F8E5M2Fnuz, F8E4M3, F8E5M2};
pub use half::{bf16, f16};

use crate::{Error, Result};

/// The run-time tag of an element type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DType {
    /// OCP FP8 e4m3fn (gfx950's fp8).
    F8E4M3,
    /// OCP FP8 e5m2 (gfx950's bf8).
    F8E5M2,
    /// FNUZ FP8 e4m3 (gfx942's fp8).
    F8E4M3Fnuz,
    /// FNUZ FP8 e5m2 (gfx942's bf8).
    F8E5M2Fnuz,
    /// E8M0 scale (MX block scales).
    E8M0,
    /// bfloat16.
    BF16,
    /// IEEE binary16.
    F16,
    /// IEEE binary32.
    F32,
    /// Signed 8-bit integer.
    I8,
    /// Signed 32-bit integer.
    I32,
}

impl DType {
    /// Every data type, in declaration order.
    pub const ALL: [DType; 10] = [
        DType::F8E4M3,
        DType::F8E5M2,
        DType::F8E4M3Fnuz,
        DType::F8E5M2Fnuz,
        DType::E8M0,
        DType::BF16,
        DType::F16,
        DType::F32,
        DType::I8,
        DType::I32,
    ];

    /// Size of one element in bytes.
    pub const fn size_bytes(self) -> usize {
        match self {
            DType::F8E4M3 | DType::F8E5M2 | DType::F8E4M3Fnuz | DType::F8E5M2Fnuz | DType::E8M0 | DType::I8 => 1,
            DType::BF16 | DType::F16 => 2,
            DType::F32 | DType::I32 => 4,
        }
    }

    /// The short name used in kernel symbols and messages (`"f8e4m3"`, `"bf16"`, ...).
    pub const fn name(self) -> &'static str {
        match self {
            DType::F8E4M3 => "f8e4m3",
            DType::F8E5M2 => "f8e5m2",
            DType::F8E4M3Fnuz => "f8e4m3fnuz",
            DType::F8E5M2Fnuz => "f8e5m2fnuz",
            DType::E8M0 => "e8m0",
            DType::BF16 => "bf16",
            DType::F16 => "f16",
            DType::F32 => "f32",
            DType::I8 => "i8",
            DType::I32 => "i32",
        }
    }

    /// One of the four FP8 types (not E8M0, which is a scale format).
    pub const fn is_fp8(self) -> bool {
        matches!(
            self,
            DType::F8E4M3 | DType::F8E5M2 | DType::F8E4M3Fnuz | DType::F8E5M2Fnuz
        )
    }

    /// An FNUZ FP8 type (gfx942's): no −0, no Inf, 0x80 is NaN.
    pub const fn is_fnuz(self) -> bool {
        matches!(self, DType::F8E4M3Fnuz | DType::F8E5M2Fnuz)
    }

    /// An OCP FP8 type (gfx950's).
    pub const fn is_ocp_fp8(self) -> bool {
        matches!(self, DType::F8E4M3 | DType::F8E5M2)
    }

    /// A signed integer type (`i8`, `i32`).
    pub const fn is_integer(self) -> bool {
        matches!(self, DType::I8 | DType::I32)
    }

    /// A floating-point type (everything but the integers, E8M0 included).
    pub const fn is_float(self) -> bool {
        !self.is_integer()
    }

    /// Stored mantissa (fraction) bits: 3 for e4m3, 2 for e5m2, 0 for E8M0, 7 for bf16, 10 for f16, 23 for f32;
    /// `None` for integers.
    pub const fn mantissa_bits(self) -> Option<u32> {
        match self {
            DType::F8E4M3 | DType::F8E4M3Fnuz => Some(3),
            DType::F8E5M2 | DType::F8E5M2Fnuz => Some(2),
            DType::E8M0 => Some(0),
            DType::BF16 => Some(7),
            DType::F16 => Some(10),
            DType::F32 => Some(23),
            DType::I8 | DType::I32 => None,
        }
    }

    /// The unit roundoff u = 2^−(mantissa bits + 1): the largest relative error of rounding to nearest in the
    /// normal range (2⁻⁴ for e4m3, 2⁻³ for e5m2, 2⁻⁸ for bf16, 2⁻¹¹ for f16, 2⁻²⁴ for f32). 0 for integers, whose
    /// error is absolute (see [`min_positive_subnormal`](Self::min_positive_subnormal)).
    pub fn unit_roundoff(self) -> f64 {
        match self.mantissa_bits() {
            Some(m) => 0.5f64.powi(m as i32 + 1),
            None => 0.0,
        }
    }

    /// The largest finite value (for E8M0 2¹²⁷, for integers the type's `MAX`).
    pub fn max_finite(self) -> f64 {
        match self {
            DType::F8E4M3 => 448.0,
            DType::F8E5M2 | DType::F8E5M2Fnuz => 57344.0,
            DType::F8E4M3Fnuz => 240.0,
            DType::E8M0 => 2f64.powi(127),
            DType::BF16 => bf16::MAX.to_f64(),
            DType::F16 => 65504.0,
            DType::F32 => f32::MAX as f64,
            DType::I8 => i8::MAX as f64,
            DType::I32 => i32::MAX as f64,
        }
    }

    /// The smallest positive normal value (for E8M0 its smallest value 2⁻¹²⁷, for integers 1).
    pub fn min_positive_normal(self) -> f64 {
        match self {
            DType::F8E4M3 => 2f64.powi(-6),
            DType::F8E5M2 => 2f64.powi(-14),
            DType::F8E4M3Fnuz => 2f64.powi(-7),
            DType::F8E5M2Fnuz => 2f64.powi(-15),
            DType::E8M0 => 2f64.powi(-127),
            DType::BF16 | DType::F32 => 2f64.powi(-126),
            DType::F16 => 2f64.powi(-14),
            DType::I8 | DType::I32 => 1.0,
        }
    }

    /// The smallest positive value (a subnormal for the float types; 2⁻¹²⁷ for E8M0; 1 for integers). Rounding to
    /// nearest below the normal range errs by at most half of it.
    pub fn min_positive_subnormal(self) -> f64 {
        match self {
            DType::F8E4M3 => 2f64.powi(-9),
            DType::F8E5M2 => 2f64.powi(-16),
            DType::F8E4M3Fnuz => 2f64.powi(-10),
            DType::F8E5M2Fnuz => 2f64.powi(-17),
            DType::E8M0 => 2f64.powi(-127),
            DType::BF16 => 2f64.powi(-133),
            DType::F16 => 2f64.powi(-24),
            DType::F32 => 2f64.powi(-149),
            DType::I8 | DType::I32 => 1.0,
        }
    }

    /// Whether the type has ±Inf (OCP e5m2, bf16, f16, f32).
    pub const fn has_infinity(self) -> bool {
        matches!(self, DType::F8E5M2 | DType::BF16 | DType::F16 | DType::F32)
    }

    /// Whether the type has a NaN (every float type).
    pub const fn has_nan(self) -> bool {
        self.is_float()
    }
}

impl std::fmt::Display for DType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Parses the short name printed by [`DType::name`] (`"bf16"`, `"f8e4m3fnuz"`, ...).
impl std::str::FromStr for DType {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        DType::ALL.into_iter().find(|d| d.name() == s).ok_or_else(|| {
            let names: Vec<&str> = DType::ALL.iter().map(|d| d.name()).collect();
            Error::invalid("dtype name", format!("one of {}", names.join(", ")), format!("{s:?}"))
        })
    }
}

pub(crate) mod sealed {
    /// Restricts [`Element`](super::Element) to the types listed in [`DType`](super::DType).
    pub trait Sealed {}
}

/// An element type hipforge can move to a device and compute with: the element of a device buffer.
///
/// Implemented for [`F8E4M3`], [`F8E5M2`], [`F8E4M3Fnuz`], [`F8E5M2Fnuz`], [`E8M0`], [`bf16`], [`f16`](struct@f16), `f32`,
/// `i8`, `i32` — exactly the types [`DType`] names; the trait is sealed. Every implementor is plain bytes in the
/// device's layout: `size_of::<Self>() == Self::DTYPE.size_bytes()`, no padding, and every bit pattern is a valid
/// value. That is what makes [`slice_as_bytes`](Self::slice_as_bytes) and
/// [`slice_as_bytes_mut`](Self::slice_as_bytes_mut) safe, and what lets a device buffer copy them byte-wise.
pub trait Element: sealed::Sealed + Copy + Default + Send + Sync + std::fmt::Debug + 'static {
    /// The run-time tag of this type.
    const DTYPE: DType;

    /// The exact value as f64 (NaN and ±Inf carried over).
    fn to_f64(self) -> f64;

    /// Rounds `x` to this type once (to nearest, ties to even), with the type's own overflow rule: ±Inf for
    /// f32/bf16/f16/OCP e5m2, NaN for e4m3fn, the NaN code for FNUZ. Integers saturate to their range and take NaN
    /// to 0. E8M0 floors to a power of two ([`E8M0::from_f64`]).
    fn from_f64(x: f64) -> Self;

    /// [`from_f64`](Self::from_f64) of an f32 (exact widening, then one rounding).
    fn from_f32(x: f32) -> Self {
        Self::from_f64(x as f64)
    }

    /// Like [`from_f64`](Self::from_f64), but finite overflow and ±Inf clamp to ±max; NaN stays NaN (0 for
    /// integers).
    fn from_f64_saturating(x: f64) -> Self;

    /// The elements' bytes, in memory order (the layout a device buffer holds).
    fn slice_as_bytes(elements: &[Self]) -> &[u8] {
        // SAFETY: Self is one of the sealed plain-byte types (no padding, size == DTYPE.size_bytes()); u8 has
        // alignment 1 and the length covers exactly the slice's memory.
        unsafe { std::slice::from_raw_parts(elements.as_ptr().cast::<u8>(), std::mem::size_of_val(elements)) }
    }

    /// The elements' bytes, writable; every byte pattern written leaves valid elements.
    fn slice_as_bytes_mut(elements: &mut [Self]) -> &mut [u8] {
        // SAFETY: as above, and every bit pattern is a valid Self, so any bytes written keep the slice valid.
        unsafe { std::slice::from_raw_parts_mut(elements.as_mut_ptr().cast::<u8>(), std::mem::size_of_val(elements)) }
    }
}

macro_rules! half_element {
    ($t:ty, $dtype:ident) => {
        impl sealed::Sealed for $t {}
        impl Element for $t {
            const DTYPE: DType = DType::$dtype;
            fn to_f64(self) -> f64 {
                <$t>::to_f64(self)
            }
            fn from_f64(x: f64) -> Self {
                // Round-to-odd to f32, then RNE: one correct rounding (half's own from_f64 may round twice).
                <$t>::from_f32(convert::f64_to_f32_round_to_odd(x))
            }
            fn from_f64_saturating(x: f64) -> Self {
                let y = Self::from_f64(x);
                match (y.is_infinite(), x < 0.0) {
                    (false, _) => y,
                    (true, false) => <$t>::MAX,
                    (true, true) => <$t>::MIN,
                }
            }
        }
    };
}
half_element!(bf16, BF16);
half_element!(f16, F16);

impl sealed::Sealed for f32 {}
impl Element for f32 {
    const DTYPE: DType = DType::F32;
    fn to_f64(self) -> f64 {
        self as f64
    }
    fn from_f64(x: f64) -> Self {
        x as f32
    }
    fn from_f64_saturating(x: f64) -> Self {
        (x as f32).clamp(f32::MIN, f32::MAX)
    }
}

macro_rules! int_element {
    ($t:ty, $dtype:ident) => {
        impl sealed::Sealed for $t {}
        impl Element for $t {
            const DTYPE: DType = DType::$dtype;
            fn to_f64(self) -> f64 {
                self as f64
            }
            fn from_f64(x: f64) -> Self {
                // `as` saturates and maps NaN to 0.
                x.round_ties_even() as $t
            }
            fn from_f64_saturating(x: f64) -> Self {
                Self::from_f64(x)
            }
        }
    };
}
int_element!(i8, I8);
int_element!(i32, I32);
