//! The four FP8 formats of CDNA3/CDNA4: OCP e4m3fn and e5m2 (gfx950), FNUZ e4m3 and e5m2 (gfx942).
//!
//! Each type is a `#[repr(transparent)]` byte with the device's bit layout. Decoding is a table lookup built at
//! compile time; encoding rounds to nearest even in one step from f64 (see `convert.rs`).

use super::convert::{self, Format};

macro_rules! fp8_type {
    (
        $(#[$doc:meta])*
        $name:ident, $dtype:ident, $format:expr,
        max = $max:expr, min_positive = $min_pos:expr, one = $one:expr, epsilon = $eps:expr, nan = $nan:expr
    ) => {
        $(#[$doc])*
        #[repr(transparent)]
        #[derive(Clone, Copy, Default)]
        pub struct $name(u8);

        impl $name {
            const FORMAT: Format = $format;

            /// The largest finite value.
            pub const MAX: Self = Self($max);
            /// The most negative finite value (`-MAX`).
            pub const MIN: Self = Self($max | 0x80);
            /// The smallest positive normal value.
            pub const MIN_POSITIVE: Self = Self($min_pos);
            /// The smallest positive subnormal value.
            pub const MIN_POSITIVE_SUBNORMAL: Self = Self(0x01);
            /// The difference between 1 and the next larger value.
            pub const EPSILON: Self = Self($eps);
            /// A NaN (the code `from_f32(f32::NAN)` gives).
            pub const NAN: Self = Self($nan);
            /// Positive zero.
            pub const ZERO: Self = Self(0x00);
            /// One.
            pub const ONE: Self = Self($one);

            /// The value with this bit pattern (every pattern is valid).
            pub const fn from_bits(bits: u8) -> Self {
                Self(bits)
            }

            /// The bit pattern.
            pub const fn to_bits(self) -> u8 {
                self.0
            }

            /// The exact value as f32 (NaN, ±Inf and −0 carried over).
            pub fn to_f32(self) -> f32 {
                static TABLE: [u32; 256] = convert::decode_table($format);
                f32::from_bits(TABLE[self.0 as usize])
            }

            /// The exact value as f64.
            pub fn to_f64(self) -> f64 {
                self.to_f32() as f64
            }

            /// Rounds to nearest even, then handles overflow the way ml_dtypes does (specs/numerics.md §2): NaN for
            /// the e4m3 types, ±Inf for OCP e5m2, the NaN code 0x80 for FNUZ. NaN stays NaN; −0 becomes +0 in FNUZ.
            pub fn from_f32(x: f32) -> Self {
                Self::from_f64(x as f64)
            }

            /// Like [`from_f32`](Self::from_f32), rounding the f64 once (no double rounding through f32).
            pub fn from_f64(x: f64) -> Self {
                Self(convert::encode(x, Self::FORMAT, false))
            }

            /// Rounds to nearest even; a finite value that rounds past the largest magnitude and ±Inf clamp to
            /// ±[`MAX`](Self::MAX); NaN stays NaN. This is what GEMM epilogues with FP8 outputs do.
            pub fn from_f32_saturating(x: f32) -> Self {
                Self::from_f64_saturating(x as f64)
            }

            /// Like [`from_f32_saturating`](Self::from_f32_saturating), rounding the f64 once.
            pub fn from_f64_saturating(x: f64) -> Self {
                Self(convert::encode(x, Self::FORMAT, true))
            }

            /// True for the NaN code(s).
            pub fn is_nan(self) -> bool {
                self.to_f32().is_nan()
            }

            /// True unless NaN or infinite.
            pub fn is_finite(self) -> bool {
                self.to_f32().is_finite()
            }

            /// True for ±Inf (only OCP e5m2 has infinities).
            pub fn is_infinite(self) -> bool {
                self.to_f32().is_infinite()
            }
        }

        impl super::sealed::Sealed for $name {}

        impl super::Element for $name {
            const DTYPE: super::DType = super::DType::$dtype;
            fn to_f64(self) -> f64 {
                self.to_f32() as f64
            }
            fn from_f64(x: f64) -> Self {
                Self::from_f64(x)
            }
            fn from_f64_saturating(x: f64) -> Self {
                Self::from_f64_saturating(x)
            }
        }

        /// Compares values, as floats do: NaN is unequal to everything, +0 equals −0.
        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.to_f32() == other.to_f32()
            }
        }

        /// Orders values, as floats do (NaN is unordered).
        impl PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                self.to_f32().partial_cmp(&other.to_f32())
            }
        }

        impl From<$name> for f32 {
            fn from(x: $name) -> f32 {
                x.to_f32()
            }
        }

        impl From<$name> for f64 {
            fn from(x: $name) -> f64 {
                x.to_f64()
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({:#04x} = {})", stringify!($name), self.0, self.to_f32())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(&self.to_f32(), f)
            }
        }
    };
}

fp8_type!(
    /// OCP FP8 e4m3fn: 1.4.3, bias 7, max 448, min normal 2⁻⁶, NaN S.1111.111, no Inf, ±0. gfx950's fp8.
    F8E4M3, F8E4M3, convert::E4M3,
    max = 0x7E, min_positive = 0x08, one = 0x38, epsilon = 0x20, nan = 0x7F
);
fp8_type!(
    /// OCP FP8 e5m2: 1.5.2, bias 15, max 57344, min normal 2⁻¹⁴, ±Inf and NaNs as in IEEE, ±0. gfx950's bf8.
    F8E5M2, F8E5M2, convert::E5M2,
    max = 0x7B, min_positive = 0x04, one = 0x3C, epsilon = 0x34, nan = 0x7E
);
fp8_type!(
    /// FNUZ FP8 e4m3: 1.4.3, bias 8, max 240, min normal 2⁻⁷, 0x80 the only NaN, no −0, no Inf. gfx942's fp8.
    F8E4M3Fnuz, F8E4M3Fnuz, convert::E4M3_FNUZ,
    max = 0x7F, min_positive = 0x08, one = 0x40, epsilon = 0x28, nan = 0x80
);
fp8_type!(
    /// FNUZ FP8 e5m2: 1.5.2, bias 16, max 57344, min normal 2⁻¹⁵, 0x80 the only NaN, no −0, no Inf. gfx942's bf8.
    F8E5M2Fnuz, F8E5M2Fnuz, convert::E5M2_FNUZ,
    max = 0x7F, min_positive = 0x04, one = 0x40, epsilon = 0x38, nan = 0x80
);

impl F8E5M2 {
    /// Positive infinity.
    pub const INFINITY: Self = Self(0x7C);
    /// Negative infinity.
    pub const NEG_INFINITY: Self = Self(0xFC);
}
