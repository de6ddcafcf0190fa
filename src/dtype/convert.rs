//! Bit-level conversions shared by the 8-bit float types.
//!
//! Everything here is integer manipulation of IEEE bit patterns, so results are identical on every host and do not
//! depend on the FPU's rounding mode or on flush-to-zero settings.

/// Which special-value convention an 8-bit float uses.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Flavor {
    /// OCP e4m3fn: no Inf, NaN = S.1111.111, ±0.
    Fn,
    /// IEEE-like (OCP e5m2): exponent all ones is ±Inf (m = 0) or NaN, ±0.
    Ieee,
    /// FNUZ: 0x80 is the only NaN, no −0, no Inf.
    Fnuz,
}

/// An 8-bit float format: 1 sign bit, `7 - mbits` exponent bits, `mbits` mantissa bits.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Format {
    pub mbits: u32,
    pub bias: i32,
    pub flavor: Flavor,
}

pub(crate) const E4M3: Format = Format {
    mbits: 3,
    bias: 7,
    flavor: Flavor::Fn,
};
pub(crate) const E5M2: Format = Format {
    mbits: 2,
    bias: 15,
    flavor: Flavor::Ieee,
};
pub(crate) const E4M3_FNUZ: Format = Format {
    mbits: 3,
    bias: 8,
    flavor: Flavor::Fnuz,
};
pub(crate) const E5M2_FNUZ: Format = Format {
    mbits: 2,
    bias: 16,
    flavor: Flavor::Fnuz,
};

impl Format {
    const fn exponent_field_max(self) -> u32 {
        (1 << (7 - self.mbits)) - 1
    }

    /// The largest finite magnitude as a code with the sign bit clear.
    pub const fn max_code(self) -> u8 {
        match self.flavor {
            // S.1111.111 is NaN, so the largest finite code is one below it.
            Flavor::Fn => 0x7E,
            // The all-ones exponent is reserved for Inf/NaN.
            Flavor::Ieee => ((self.exponent_field_max() << self.mbits) - 1) as u8,
            Flavor::Fnuz => 0x7F,
        }
    }

    /// The code a NaN input becomes (sign kept where the format has signed NaNs, as ml_dtypes does).
    const fn nan_code(self, negative: bool) -> u8 {
        let sign = if negative { 0x80 } else { 0 };
        match self.flavor {
            Flavor::Fn => sign | 0x7F,
            // The quiet NaN: top mantissa bit set.
            Flavor::Ieee => sign | ((self.exponent_field_max() << self.mbits) as u8) | (1 << (self.mbits - 1)),
            Flavor::Fnuz => 0x80,
        }
    }

    /// The code for a value whose rounded magnitude exceeds the largest finite one (or an infinite input).
    const fn overflow_code(self, negative: bool, saturate: bool) -> u8 {
        let sign = if negative { 0x80 } else { 0 };
        if saturate {
            return sign | self.max_code();
        }
        match self.flavor {
            Flavor::Fn | Flavor::Fnuz => self.nan_code(negative),
            Flavor::Ieee => sign | ((self.exponent_field_max() << self.mbits) as u8),
        }
    }
}

/// The f32 bit pattern of an 8-bit code (every finite 8-bit value is an f32 normal, so this is exact).
pub(crate) const fn decode_bits(bits: u8, f: Format) -> u32 {
    const QUIET_NAN: u32 = 0x7FC0_0000;
    let sign = ((bits as u32) & 0x80) << 24;
    let magnitude = (bits & 0x7F) as u32;
    let e = magnitude >> f.mbits;
    let m = magnitude & ((1 << f.mbits) - 1);
    match f.flavor {
        Flavor::Fnuz if bits == 0x80 => return QUIET_NAN,
        Flavor::Fn if magnitude == 0x7F => return sign | QUIET_NAN,
        Flavor::Ieee if e == f.exponent_field_max() => {
            return if m == 0 { sign | 0x7F80_0000 } else { sign | QUIET_NAN };
        }
        _ => {}
    }
    if magnitude == 0 {
        return sign;
    }
    if e == 0 {
        // Subnormal m·2^(1−bias−mbits): renormalise around m's leading one at bit p.
        let p = 31 - m.leading_zeros();
        let exponent = p as i32 + 1 - f.bias - f.mbits as i32 + 127;
        let fraction = (m - (1 << p)) << (23 - p);
        sign | ((exponent as u32) << 23) | fraction
    } else {
        let exponent = e as i32 - f.bias + 127;
        sign | ((exponent as u32) << 23) | (m << (23 - f.mbits))
    }
}

/// The f32 bit patterns of all 256 codes, computed at compile time: decoding is one table load.
pub(crate) const fn decode_table(f: Format) -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = decode_bits(i as u8, f);
        i += 1;
    }
    table
}

/// Rounds `x` to the nearest code, ties to even, then checks for overflow (round first, then check: the OFP8 rule).
///
/// Overflow and ±Inf give ±max when `saturate`, else NaN (e4m3fn), ±Inf (e5m2) or 0x80 (FNUZ). NaN gives NaN.
/// A result of zero is +0 in FNUZ (which has no −0). Working from f64 means f32 and f64 inputs are both rounded
/// once, with no double rounding.
pub(crate) fn encode(x: f64, f: Format, saturate: bool) -> u8 {
    let bits = x.to_bits();
    let negative = bits >> 63 != 0;
    if x.is_nan() {
        return f.nan_code(negative);
    }
    if x.is_infinite() {
        return f.overflow_code(negative, saturate);
    }
    let exponent_field = ((bits >> 52) & 0x7FF) as i32;
    let fraction = bits & ((1u64 << 52) - 1);
    // x = significand · 2^(scale), exactly.
    let (significand, scale) = if exponent_field == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1u64 << 52), exponent_field - 1075)
    };
    // The binade of x (f64 subnormals are far below every target's range; any exponent below emin works).
    let e = if exponent_field == 0 {
        -1023
    } else {
        exponent_field - 1023
    };
    let emin = 1 - f.bias;
    let level = e.max(emin);
    // The target's spacing at that binade is 2^(level − mbits); count x in units of it, rounding to nearest even.
    // The shift is at least 52 − mbits; past 54 every significand is below half a unit, so capping keeps it exact.
    let shift = ((level - f.mbits as i32) - scale).min(54) as u32;
    let mut units = significand >> shift;
    let rest = significand & ((1u64 << shift) - 1);
    let half = 1u64 << (shift - 1);
    if rest > half || (rest == half && units & 1 == 1) {
        units += 1;
    }
    // Codes are monotonic in magnitude: at emin the unit count is the code itself (subnormals run into the first
    // normal binade); each binade above adds 2^mbits. A carry out of the mantissa lands on the next binade's code.
    let magnitude = (((level - emin) as u64) << f.mbits) + units;
    if magnitude > f.max_code() as u64 {
        return f.overflow_code(negative, saturate);
    }
    if magnitude == 0 && f.flavor == Flavor::Fnuz {
        return 0;
    }
    (if negative { 0x80 } else { 0 }) | magnitude as u8
}

/// Rounds an f64 to f32 with round-to-odd: inexact results get an odd last bit.
///
/// Rounding that result once more to a format with at least two fewer significand bits (bf16, f16) equals rounding
/// the f64 directly, which `half`'s own f64 conversions do not guarantee (they drop low bits before rounding).
pub(crate) fn f64_to_f32_round_to_odd(x: f64) -> f32 {
    let nearest = x as f32;
    if nearest as f64 == x || x.is_nan() {
        return nearest;
    }
    let bits = nearest.to_bits();
    if bits & 1 == 1 {
        return nearest;
    }
    // The odd neighbour on x's side of `nearest` (magnitude down if nearest overshot, up otherwise).
    if (nearest as f64).abs() > x.abs() {
        f32::from_bits(bits - 1)
    } else {
        f32::from_bits(bits + 1)
    }
}
