//! E8M0, the MX block-scale format: an unsigned power of two, plus the MX recipe that picks a block's scale.

use super::{DType, Element};
use crate::{Error, Result};

/// E8M0 (OCP MX "e8m0fnu"): the byte `e` means 2^(e−127); 0xFF is NaN. No sign, no zero, no Inf.
///
/// `Default` is the all-zero byte, 2⁻¹²⁷, like zeroed device memory.
#[repr(transparent)]
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct E8M0(u8);

impl E8M0 {
    /// The largest value, 2¹²⁷ (0xFE).
    pub const MAX: Self = Self(0xFE);
    /// The smallest value, 2⁻¹²⁷ (0x00). E8M0 has no zero and no subnormals.
    pub const MIN_POSITIVE: Self = Self(0x00);
    /// One (0x7F).
    pub const ONE: Self = Self(0x7F);
    /// NaN (0xFF), the only NaN.
    pub const NAN: Self = Self(0xFF);

    /// The value with this bit pattern (every pattern is valid).
    pub const fn from_bits(bits: u8) -> Self {
        Self(bits)
    }

    /// The bit pattern.
    pub const fn to_bits(self) -> u8 {
        self.0
    }

    /// 2^`exponent`, for `exponent` in −127..=127.
    pub fn from_exponent(exponent: i32) -> Result<Self> {
        if !(-127..=127).contains(&exponent) {
            return Err(Error::invalid("E8M0 exponent", "an exponent in -127..=127", exponent));
        }
        Ok(Self((exponent + 127) as u8))
    }

    /// The power of two this value is, or `None` for NaN.
    pub fn exponent(self) -> Option<i32> {
        (!self.is_nan()).then_some(self.0 as i32 - 127)
    }

    /// 2^(e−127) exactly (2⁻¹²⁷ is an f32 subnormal), or NaN for 0xFF.
    pub fn to_f32(self) -> f32 {
        if self.is_nan() {
            f32::NAN
        } else if self.0 == 0 {
            f32::from_bits(1 << 22) // 2^-127, below f32's normal range
        } else {
            f32::from_bits((self.0 as u32) << 23)
        }
    }

    /// 2^(e−127) exactly, or NaN for 0xFF.
    pub fn to_f64(self) -> f64 {
        if self.is_nan() {
            f64::NAN
        } else {
            f64::from_bits(((self.0 as u64) + 1023 - 127) << 52)
        }
    }

    /// True for 0xFF.
    pub const fn is_nan(self) -> bool {
        self.0 == 0xFF
    }

    /// True unless NaN (E8M0 has no infinities).
    pub const fn is_finite(self) -> bool {
        !self.is_nan()
    }

    /// The largest power of two ≤ `x` (rounding *down* in the log domain), clamped below at 2⁻¹²⁷.
    ///
    /// Why floor: it is exactly the f32's biased exponent field — the byte the hardware takes as the scale when a
    /// scale operand holds an f32 bit pattern (bits 30:23) — and the OCP MX recipe's `floor(log2(amax))`. So a
    /// positive normal f32 maps to its own exponent byte, and powers of two convert exactly.
    ///
    /// Special inputs: +0, −0 and positive values below 2⁻¹²⁷ give 2⁻¹²⁷ (0x00: no zero exists); negative values,
    /// ±Inf and NaN give NaN (E8M0 has no sign and no Inf).
    pub fn from_f32(x: f32) -> Self {
        if x == 0.0 {
            return Self(0);
        }
        if !x.is_finite() || x < 0.0 {
            return Self::NAN;
        }
        // f32 subnormals are below 2^-126, so their floor is at most -127: clamp to 0x00.
        Self(((x.to_bits() >> 23) & 0xFF) as u8)
    }

    /// Like [`from_f32`](Self::from_f32) for an f64: the largest power of two ≤ `x`, clamped below at 2⁻¹²⁷;
    /// values ≥ 2¹²⁸ give NaN (out of range, as in the MX recipe), as do negative values, ±Inf and NaN.
    pub fn from_f64(x: f64) -> Self {
        Self::from_f64_clamped(x, false)
    }

    fn from_f64_clamped(x: f64, saturate: bool) -> Self {
        if x == 0.0 {
            return Self(0);
        }
        if x.is_nan() || x < 0.0 {
            return Self::NAN;
        }
        if x.is_infinite() {
            return if saturate { Self::MAX } else { Self::NAN };
        }
        let exponent_field = ((x.to_bits() >> 52) & 0x7FF) as i32;
        // f64 subnormals are far below 2^-127; exponent_field 0 clamps like everything below 2^-127.
        let floor_log2 = exponent_field - 1023;
        if floor_log2 > 127 {
            return if saturate { Self::MAX } else { Self::NAN };
        }
        Self((floor_log2.max(-127) + 127) as u8)
    }

    /// The MX block scale for a block whose largest magnitude is `amax`, elements in `element` (OCP MX recipe,
    /// specs/numerics.md §3): 2^(floor(log2 amax) − emax), emax being the element type's largest exponent (8 for
    /// e4m3, 15 for e5m2, 7 for e4m3fnuz, 15 for e5m2fnuz), clamped below at 2⁻¹²⁷.
    ///
    /// The block's values divided by this scale are then at most 2^(emax+1) in magnitude; quantize them with
    /// saturation (see [`mx_quantize`](Self::mx_quantize)). An all-zero block gets 2⁻¹²⁷; `amax` NaN or +Inf gives
    /// NaN. `element` must be an FP8 type and `amax` must not be negative.
    pub fn mx_scale(amax: f32, element: DType) -> Result<Self> {
        let emax = match element {
            DType::F8E4M3 => 8,
            DType::F8E5M2 | DType::F8E5M2Fnuz => 15,
            DType::F8E4M3Fnuz => 7,
            other => {
                return Err(Error::UnsupportedDType {
                    what: "MX block scaling".into(),
                    dtype: other.to_string(),
                    reason: "MX elements here are the FP8 types (f8e4m3, f8e5m2, f8e4m3fnuz, f8e5m2fnuz)".into(),
                })
            }
        };
        if amax < 0.0 {
            return Err(Error::invalid("amax", "a magnitude >= 0 (or NaN)", amax));
        }
        if !amax.is_finite() {
            return Ok(Self::NAN);
        }
        let exponent_field = ((amax.to_bits() >> 23) & 0xFF) as i32;
        if exponent_field == 0 {
            // Zero or an f32 subnormal: floor(log2) ≤ -127, and minus emax is clamped to -127.
            return Ok(Self(0));
        }
        Ok(Self(((exponent_field - 127 - emax).max(-127) + 127) as u8))
    }

    /// Quantizes one MX block: picks the scale with [`mx_scale`](Self::mx_scale) from the block's largest
    /// magnitude, writes each `x / scale` rounded (to nearest even, saturating) into `out`, and returns the scale.
    ///
    /// MX blocks are 32 elements along K; this function takes any length but `out` must match `block`. A NaN in
    /// the block makes the scale and every element NaN. `T` must be an FP8 type.
    pub fn mx_quantize<T: Element>(block: &[f32], out: &mut [T]) -> Result<Self> {
        if block.len() != out.len() {
            return Err(Error::LengthMismatch {
                what: "out (one element per block element)".into(),
                expected: block.len(),
                got: out.len(),
            });
        }
        let amax = if block.iter().any(|x| x.is_nan()) {
            f32::NAN
        } else {
            block.iter().fold(0.0f32, |m, x| m.max(x.abs()))
        };
        let scale = Self::mx_scale(amax, T::DTYPE)?;
        // Dividing by a power of two is exact in f64 (no f64 underflow at these ranges).
        let s = scale.to_f64();
        for (o, &x) in out.iter_mut().zip(block) {
            *o = T::from_f64_saturating(x as f64 / s);
        }
        Ok(scale)
    }
}

impl super::sealed::Sealed for E8M0 {}

impl Element for E8M0 {
    const DTYPE: DType = DType::E8M0;
    fn to_f64(self) -> f64 {
        E8M0::to_f64(self)
    }
    /// See [`E8M0::from_f64`]: floor to a power of two.
    fn from_f64(x: f64) -> Self {
        E8M0::from_f64(x)
    }
    /// Floor to a power of two; values ≥ 2¹²⁸ and +Inf clamp to 2¹²⁷; negative values and NaN give NaN.
    fn from_f64_saturating(x: f64) -> Self {
        E8M0::from_f64_clamped(x, true)
    }
}

impl From<E8M0> for f32 {
    fn from(x: E8M0) -> f32 {
        x.to_f32()
    }
}

impl From<E8M0> for f64 {
    fn from(x: E8M0) -> f64 {
        x.to_f64()
    }
}

impl std::fmt::Debug for E8M0 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.exponent() {
            Some(e) => write!(f, "E8M0({:#04x} = 2^{e})", self.0),
            None => write!(f, "E8M0(0xff = NaN)"),
        }
    }
}

impl std::fmt::Display for E8M0 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.to_f32(), f)
    }
}
