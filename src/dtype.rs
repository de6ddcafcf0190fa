//! Number types: the 8-bit floating formats of CDNA3/CDNA4 (OCP and FNUZ FP8, the E8M0 MX scale), re-exported
//! `bf16`/`f16` from `half`, and [`DType`], the run-time tag of every element type hipforge handles.
//!
//! (Skeleton: decoding is complete; encoding, constants and the exhaustive tests land with issue 2.)

pub use half::{bf16, f16};

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
}

impl std::fmt::Display for DType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// An element type hipforge can move to a device and compute with.
///
/// Implemented for the FP8 types, `E8M0`, `bf16`, `f16`, `f32`, `i8`, `i32`. The bit layout is the device's.
pub trait Element: Copy + Default + Send + Sync + std::fmt::Debug + 'static {
    /// The run-time tag of this type.
    const DTYPE: DType;
    /// The exact value as f64 (NaN and ±Inf carried over).
    fn to_f64(self) -> f64;
}

/// Which special-value convention an 8-bit float uses.
#[derive(Clone, Copy)]
enum Flavor {
    /// e4m3fn: no Inf, NaN = S.1111.111.
    Fn,
    /// IEEE-like: exponent all ones is Inf (m = 0) or NaN.
    Ieee,
    /// FNUZ: 0x80 is the only NaN, no −0, no Inf.
    Fnuz,
}

/// Decodes an 8-bit float with `mbits` mantissa bits and exponent `bias`.
fn decode8(bits: u8, mbits: u32, bias: i32, flavor: Flavor) -> f32 {
    let sign = if bits & 0x80 != 0 { -1.0f32 } else { 1.0 };
    let ebits = 7 - mbits;
    let emax_code = (1u32 << ebits) - 1;
    let e = ((bits as u32) >> mbits) & emax_code;
    let m = (bits as u32) & ((1 << mbits) - 1);
    match flavor {
        Flavor::Fnuz if bits == 0x80 => return f32::NAN,
        Flavor::Fn if bits & 0x7f == 0x7f => return f32::NAN,
        Flavor::Ieee if e == emax_code => return if m == 0 { sign * f32::INFINITY } else { f32::NAN },
        _ => {}
    }
    let mag = if e == 0 {
        m as f32 * 2f32.powi(1 - bias - mbits as i32)
    } else {
        (1.0 + m as f32 / (1u32 << mbits) as f32) * 2f32.powi(e as i32 - bias)
    };
    sign * mag
}

macro_rules! fp8_type {
    ($(#[$doc:meta])* $name:ident, $dtype:ident, $mbits:expr, $bias:expr, $flavor:expr) => {
        $(#[$doc])*
        #[repr(transparent)]
        #[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
        pub struct $name(u8);

        impl $name {
            /// The value with this bit pattern.
            pub const fn from_bits(bits: u8) -> Self {
                Self(bits)
            }
            /// The bit pattern.
            pub const fn to_bits(self) -> u8 {
                self.0
            }
            /// The exact value as f32.
            pub fn to_f32(self) -> f32 {
                decode8(self.0, $mbits, $bias, $flavor)
            }
        }

        impl Element for $name {
            const DTYPE: DType = DType::$dtype;
            fn to_f64(self) -> f64 {
                self.to_f32() as f64
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({:#04x} = {})", stringify!($name), self.0, self.to_f32())
            }
        }
    };
}

fp8_type!(
    /// OCP FP8 e4m3fn: 1.4.3, bias 7, max 448, NaN S.1111.111, no Inf. gfx950's fp8.
    F8E4M3, F8E4M3, 3, 7, Flavor::Fn
);
fp8_type!(
    /// OCP FP8 e5m2: 1.5.2, bias 15, max 57344, ±Inf and NaNs as IEEE. gfx950's bf8.
    F8E5M2, F8E5M2, 2, 15, Flavor::Ieee
);
fp8_type!(
    /// FNUZ FP8 e4m3: 1.4.3, bias 8, max 240, 0x80 the only NaN, no −0, no Inf. gfx942's fp8.
    F8E4M3Fnuz, F8E4M3Fnuz, 3, 8, Flavor::Fnuz
);
fp8_type!(
    /// FNUZ FP8 e5m2: 1.5.2, bias 16, max 57344, 0x80 the only NaN, no −0, no Inf. gfx942's bf8.
    F8E5M2Fnuz, F8E5M2Fnuz, 2, 16, Flavor::Fnuz
);

/// E8M0: an unsigned power of two 2^(e−127), 0xFF is NaN. The MX block-scale format.
#[repr(transparent)]
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, Debug)]
pub struct E8M0(u8);

impl E8M0 {
    /// The value with this bit pattern.
    pub const fn from_bits(bits: u8) -> Self {
        Self(bits)
    }
    /// The bit pattern.
    pub const fn to_bits(self) -> u8 {
        self.0
    }
    /// 2^(e−127), or NaN for 0xFF.
    pub fn to_f32(self) -> f32 {
        if self.0 == 0xFF {
            f32::NAN
        } else {
            (2f64.powi(self.0 as i32 - 127)) as f32
        }
    }
}

impl Element for E8M0 {
    const DTYPE: DType = DType::E8M0;
    fn to_f64(self) -> f64 {
        if self.0 == 0xFF {
            f64::NAN
        } else {
            2f64.powi(self.0 as i32 - 127)
        }
    }
}

macro_rules! prim_element {
    ($t:ty, $dtype:ident, |$x:ident| $conv:expr) => {
        impl Element for $t {
            const DTYPE: DType = DType::$dtype;
            fn to_f64(self) -> f64 {
                let $x = self;
                $conv
            }
        }
    };
}
prim_element!(bf16, BF16, |x| x.to_f64());
prim_element!(f16, F16, |x| x.to_f64());
prim_element!(f32, F32, |x| x as f64);
prim_element!(i8, I8, |x| x as f64);
prim_element!(i32, I32, |x| x as f64);
