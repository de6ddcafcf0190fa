//! Number types against the format definitions (specs/numerics.md §1–3).
//!
//! Expected values never come from the code under test: decoding is checked against an independent formula and a
//! table of hand-checked anchors, encoding against a nearest-value search over that formula's values.

use hipforge::{bf16, f16, DType, Element, Error, F8E4M3Fnuz, F8E5M2Fnuz, E8M0, F8E4M3, F8E5M2};

/// An 8-bit format as the spec table describes it, for the independent decoder and oracle.
struct Spec {
    name: &'static str,
    mbits: i32,
    bias: i32,
    /// Which codes are NaN.
    is_nan: fn(u8) -> bool,
    /// Which codes are ±Inf.
    is_inf: fn(u8) -> bool,
    /// Largest finite value (table column "max finite") and its code.
    max: f64,
    max_code: u8,
    /// Overflow threshold for RNE: |x| > this (or >= when `threshold_inclusive`) overflows.
    threshold: f64,
    threshold_inclusive: bool,
    /// What `from_f32(NaN)` gives for a positive / negative NaN.
    nan_code: [u8; 2],
    /// What a non-saturating overflow gives for + / −.
    overflow_code: [u8; 2],
    fnuz: bool,
}

const E4M3: Spec = Spec {
    name: "e4m3fn",
    mbits: 3,
    bias: 7,
    is_nan: |c| c & 0x7F == 0x7F,
    is_inf: |_| false,
    max: 448.0,
    max_code: 0x7E,
    threshold: 464.0, // the tie between 448 and the would-be 480 goes to 448 (even mantissa 110)
    threshold_inclusive: false,
    nan_code: [0x7F, 0xFF],
    overflow_code: [0x7F, 0xFF],
    fnuz: false,
};
const E5M2: Spec = Spec {
    name: "e5m2",
    mbits: 2,
    bias: 15,
    is_nan: |c| c & 0x7C == 0x7C && c & 0x03 != 0,
    is_inf: |c| c & 0x7F == 0x7C,
    max: 57344.0,
    max_code: 0x7B,
    threshold: 61440.0, // the tie between 57344 (odd mantissa 11) and 65536 goes up
    threshold_inclusive: true,
    nan_code: [0x7E, 0xFE],
    overflow_code: [0x7C, 0xFC],
    fnuz: false,
};
const E4M3_FNUZ: Spec = Spec {
    name: "e4m3fnuz",
    mbits: 3,
    bias: 8,
    is_nan: |c| c == 0x80,
    is_inf: |_| false,
    max: 240.0,
    max_code: 0x7F,
    threshold: 248.0, // 240 has odd mantissa 111: the tie with 256 goes up
    threshold_inclusive: true,
    nan_code: [0x80, 0x80],
    overflow_code: [0x80, 0x80],
    fnuz: true,
};
const E5M2_FNUZ: Spec = Spec {
    name: "e5m2fnuz",
    mbits: 2,
    bias: 16,
    is_nan: |c| c == 0x80,
    is_inf: |_| false,
    max: 57344.0,
    max_code: 0x7F,
    threshold: 61440.0,
    threshold_inclusive: true,
    nan_code: [0x80, 0x80],
    overflow_code: [0x80, 0x80],
    fnuz: true,
};

/// The value of a code from the textbook formula, in f64 arithmetic.
fn spec_decode(s: &Spec, c: u8) -> f64 {
    if (s.is_nan)(c) {
        return f64::NAN;
    }
    let sign = if c & 0x80 != 0 { -1.0 } else { 1.0 };
    if (s.is_inf)(c) {
        return sign * f64::INFINITY;
    }
    let e = ((c & 0x7F) >> s.mbits) as i32;
    let m = (c as i32) & ((1 << s.mbits) - 1);
    let frac = m as f64 / (1 << s.mbits) as f64;
    if e == 0 {
        sign * 2f64.powi(1 - s.bias) * frac
    } else {
        sign * 2f64.powi(e - s.bias) * (1.0 + frac)
    }
}

/// Hand-checked values from the OCP/FNUZ tables: (code, value).
fn anchors(name: &str) -> Vec<(u8, f64)> {
    match name {
        "e4m3fn" => vec![
            (0x00, 0.0),
            (0x01, 0.001953125), // 2^-9
            (0x07, 0.013671875), // 7·2^-9
            (0x08, 0.015625),    // 2^-6
            (0x38, 1.0),
            (0x39, 1.125),
            (0x40, 2.0),
            (0x7E, 448.0),
            (0xB8, -1.0),
            (0xFE, -448.0),
        ],
        "e5m2" => vec![
            (0x00, 0.0),
            (0x01, 1.52587890625e-05), // 2^-16
            (0x04, 6.103515625e-05),   // 2^-14
            (0x3C, 1.0),
            (0x3D, 1.25),
            (0x7B, 57344.0),
            (0x7C, f64::INFINITY),
            (0xFC, f64::NEG_INFINITY),
            (0xBC, -1.0),
        ],
        "e4m3fnuz" => vec![
            (0x00, 0.0),
            (0x01, 0.0009765625), // 2^-10
            (0x08, 0.0078125),    // 2^-7
            (0x40, 1.0),
            (0x38, 0.5),
            (0x7F, 240.0),
            (0xFF, -240.0),
            (0xC0, -1.0),
        ],
        "e5m2fnuz" => vec![
            (0x00, 0.0),
            (0x01, 7.62939453125e-06), // 2^-17
            (0x04, 3.0517578125e-05),  // 2^-15
            (0x40, 1.0),
            (0x3C, 0.5),
            (0x7F, 57344.0),
            (0xFF, -57344.0),
        ],
        _ => unreachable!(),
    }
}

/// The non-negative finite values of a format by code (0x00..0x7F), NaN/Inf codes left out.
fn finite_magnitudes(s: &Spec) -> Vec<(u8, f64)> {
    (0..0x80u8)
        .map(|c| (c, spec_decode(s, c)))
        .filter(|(_, v)| v.is_finite())
        .collect()
}

/// The code RNE + the spec's overflow rule should give, by a nearest-value search over the spec's own values.
fn oracle(s: &Spec, table: &[(u8, f64)], x: f64, saturate: bool) -> u8 {
    let neg = x.is_sign_negative();
    if x.is_nan() {
        return s.nan_code[neg as usize];
    }
    let overflow = if s.threshold_inclusive {
        x.abs() >= s.threshold
    } else {
        x.abs() > s.threshold
    };
    if overflow {
        return if saturate {
            s.max_code | if neg { 0x80 } else { 0 }
        } else {
            s.overflow_code[neg as usize]
        };
    }
    // Nearest finite non-negative code (the table is sorted by value): look at the neighbours around |x|; ties go
    // to the even code (the code's LSB is the mantissa's LSB).
    let a = x.abs();
    let i = table.partition_point(|&(_, v)| v < a);
    let (mut best, mut best_d) = (0u8, f64::INFINITY);
    for &(c, v) in &table[i.saturating_sub(1)..(i + 1).min(table.len())] {
        let d = (v - a).abs();
        if d < best_d || (d == best_d && c & 1 == 0) {
            (best, best_d) = (c, d);
        }
    }
    if best == 0 && s.fnuz {
        return 0;
    }
    best | if neg { 0x80 } else { 0 }
}

/// Uniform access to the four FP8 types.
trait Fp8: Element + PartialEq {
    const SPEC: Spec;
    fn bits(c: u8) -> Self;
    fn code(self) -> u8;
    fn f32_of(self) -> f32;
    fn enc(x: f32) -> Self;
    fn enc_sat(x: f32) -> Self;
    fn enc64(x: f64) -> Self;
}
macro_rules! fp8 {
    ($t:ty, $spec:expr) => {
        impl Fp8 for $t {
            const SPEC: Spec = $spec;
            fn bits(c: u8) -> Self {
                <$t>::from_bits(c)
            }
            fn code(self) -> u8 {
                self.to_bits()
            }
            fn f32_of(self) -> f32 {
                self.to_f32()
            }
            fn enc(x: f32) -> Self {
                <$t>::from_f32(x)
            }
            fn enc_sat(x: f32) -> Self {
                <$t>::from_f32_saturating(x)
            }
            fn enc64(x: f64) -> Self {
                <$t>::from_f64(x)
            }
        }
    };
}
fp8!(F8E4M3, E4M3);
fp8!(F8E5M2, E5M2);
fp8!(F8E4M3Fnuz, E4M3_FNUZ);
fp8!(F8E5M2Fnuz, E5M2_FNUZ);

fn same(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || (a == b && a.is_sign_negative() == b.is_sign_negative())
}

fn check_decode_all<T: Fp8>() {
    let s = T::SPEC;
    for c in 0..=255u8 {
        let want = spec_decode(&s, c);
        let got = T::bits(c).f32_of() as f64;
        assert!(
            same(got, want),
            "{}: code {c:#04x} decodes to {got}, the format says {want}",
            s.name
        );
        assert!(same(T::bits(c).to_f64(), want), "{}: to_f64 of {c:#04x}", s.name);
    }
    for (c, v) in anchors(s.name) {
        assert!(
            same(T::bits(c).f32_of() as f64, v),
            "{}: anchor {c:#04x} should be {v}",
            s.name
        );
    }
    // The NaN count is what the table says: 2 for e4m3fn, 6 for e5m2, 1 for FNUZ.
    let nans = (0..=255u8).filter(|&c| T::bits(c).f32_of().is_nan()).count();
    let want_nans = match s.name {
        "e4m3fn" => 2,
        "e5m2" => 6,
        _ => 1,
    };
    assert_eq!(nans, want_nans, "{}: NaN codes", s.name);
    // The largest finite value sits at the code the table names.
    assert_eq!(spec_decode(&s, s.max_code), s.max);
}

#[test]
fn every_code_decodes_to_the_table_value() {
    check_decode_all::<F8E4M3>();
    check_decode_all::<F8E5M2>();
    check_decode_all::<F8E4M3Fnuz>();
    check_decode_all::<F8E5M2Fnuz>();
}

fn check_round_trip<T: Fp8>() {
    for c in 0..=255u8 {
        let v = T::bits(c).f32_of();
        if !v.is_finite() {
            continue;
        }
        assert_eq!(
            T::enc(v).code(),
            c,
            "{}: {c:#04x} = {v} does not round-trip",
            T::SPEC.name
        );
        assert_eq!(
            T::enc_sat(v).code(),
            c,
            "{}: {c:#04x} saturating round trip",
            T::SPEC.name
        );
        assert_eq!(
            T::enc64(v as f64).code(),
            c,
            "{}: {c:#04x} f64 round trip",
            T::SPEC.name
        );
    }
}

#[test]
fn every_finite_code_round_trips() {
    check_round_trip::<F8E4M3>();
    check_round_trip::<F8E5M2>();
    check_round_trip::<F8E4M3Fnuz>();
    check_round_trip::<F8E5M2Fnuz>();
}

/// Inputs that stress rounding: every midpoint between neighbours and its f32 neighbours, the overflow threshold
/// and its neighbours, a sweep of f32 bit patterns from 2^-20 to 2^17 (every 97th), specials; all with both signs.
fn inputs(s: &Spec) -> Vec<f32> {
    let mags: Vec<f64> = finite_magnitudes(s).into_iter().map(|(_, v)| v).collect();
    let mut xs = Vec::new();
    for w in mags.windows(2) {
        let mid = ((w[0] + w[1]) / 2.0) as f32; // exact: few significant bits
        xs.extend([
            mid,
            f32::from_bits(mid.to_bits() + 1),
            f32::from_bits(mid.to_bits() - 1),
        ]);
    }
    for t in [s.threshold as f32, s.max as f32] {
        xs.extend([t, f32::from_bits(t.to_bits() + 1), f32::from_bits(t.to_bits() - 1)]);
    }
    let (lo, hi) = (2f32.powi(-20).to_bits(), 2f32.powi(17).to_bits());
    xs.extend((lo..hi).step_by(97).map(f32::from_bits));
    xs.extend([0.0, 1e-30, 1e30, f32::MAX, f32::MIN_POSITIVE, 1e-45, f32::INFINITY]);
    let negs: Vec<f32> = xs.iter().map(|x| -x).collect();
    xs.extend(negs);
    xs.push(f32::NAN);
    xs.push(-f32::NAN);
    xs
}

fn check_encode<T: Fp8>() {
    let s = T::SPEC;
    let table = finite_magnitudes(&s);
    let xs = inputs(&s);
    assert!(xs.len() > 1_000_000);
    for &x in &xs {
        let want = oracle(&s, &table, x as f64, false);
        assert_eq!(
            T::enc(x).code(),
            want,
            "{}: from_f32({x:e}) ({:#010x})",
            s.name,
            x.to_bits()
        );
        let want_sat = oracle(&s, &table, x as f64, true);
        assert_eq!(T::enc_sat(x).code(), want_sat, "{}: from_f32_saturating({x:e})", s.name);
    }
}

#[test]
fn encoding_is_round_to_nearest_even_with_the_spec_overflow_rule() {
    check_encode::<F8E4M3>();
    check_encode::<F8E5M2>();
    check_encode::<F8E4M3Fnuz>();
    check_encode::<F8E5M2Fnuz>();
}

#[test]
fn ties_round_to_even() {
    // e4m3fn: 1.0625 is halfway between 1 (0x38) and 1.125 (0x39): even wins.
    assert_eq!(F8E4M3::from_f32(1.0625).to_bits(), 0x38);
    // 1.1875 is halfway between 1.125 (0x39) and 1.25 (0x3A).
    assert_eq!(F8E4M3::from_f32(1.1875).to_bits(), 0x3A);
    // A hair above the tie rounds up.
    assert_eq!(
        F8E4M3::from_f32(f32::from_bits(1.0625f32.to_bits() + 1)).to_bits(),
        0x39
    );
    // e5m2: 1.125 between 1 (0x3C) and 1.25 (0x3D) -> 0x3C; 1.375 between 1.25 and 1.5 -> 0x3E.
    assert_eq!(F8E5M2::from_f32(1.125).to_bits(), 0x3C);
    assert_eq!(F8E5M2::from_f32(1.375).to_bits(), 0x3E);
    // Subnormal tie: e4m3fn 1.5·2^-9 is between 2^-9 (0x01) and 2^-8 (0x02).
    assert_eq!(F8E4M3::from_f32(1.5 * 2f32.powi(-9)).to_bits(), 0x02);
    // Half the smallest subnormal ties with zero: zero is even.
    assert_eq!(F8E4M3::from_f32(2f32.powi(-10)).to_bits(), 0x00);
    assert_eq!(F8E4M3Fnuz::from_f32(2f32.powi(-11)).to_bits(), 0x00);
    // The tie at the top of the subnormals carries into the first normal: 7.5·2^-9 -> 8·2^-9 = 2^-6 (0x08).
    assert_eq!(F8E4M3::from_f32(7.5 * 2f32.powi(-9)).to_bits(), 0x08);
    // A mantissa carry into the next binade: 1.9375 -> 2.0.
    assert_eq!(F8E4M3::from_f32(1.9375).to_f32(), 2.0);
}

#[test]
fn f64_rounds_once() {
    // Just above the 1/1.125 tie by 2^-40: f64 sees it, an f32 detour would not.
    let x = 1.0625 + 2f64.powi(-40);
    assert_eq!(F8E4M3::from_f64(x).to_bits(), 0x39);
    assert_eq!(F8E4M3::from_f32(x as f32).to_bits(), 0x38);
    // bf16/f16 through Element::from_f64 also round once.
    let y = 1.0 + 2f64.powi(-8) + 2f64.powi(-40);
    assert_eq!(<bf16 as Element>::from_f64(y).to_f64(), 1.0 + 2f64.powi(-7));
    let z = 1.0 + 2f64.powi(-11) + 2f64.powi(-40);
    assert_eq!(<f16 as Element>::from_f64(z).to_f64(), 1.0 + 2f64.powi(-10));
    assert_eq!(<bf16 as Element>::from_f64(1.0 + 2f64.powi(-8)).to_f64(), 1.0); // exact tie: even
}

#[test]
fn subnormals() {
    assert_eq!(F8E4M3::from_f32(2f32.powi(-9)).to_bits(), 0x01);
    assert_eq!(F8E4M3::MIN_POSITIVE_SUBNORMAL.to_f32(), 2f32.powi(-9));
    assert_eq!(F8E5M2::from_f32(3.0 * 2f32.powi(-16)).to_bits(), 0x03);
    assert_eq!(F8E4M3Fnuz::from_f32(-5.0 * 2f32.powi(-10)).to_bits(), 0x85);
    assert_eq!(F8E5M2Fnuz::from_f32(2f32.powi(-17)).to_bits(), 0x01);
    // Below half the smallest subnormal: zero, keeping the sign where the format has −0.
    assert_eq!(F8E4M3::from_f32(-1e-6).to_bits(), 0x80);
    assert_eq!(F8E5M2::from_f32(-1e-9).to_bits(), 0x80);
    assert_eq!(F8E4M3Fnuz::from_f32(-1e-6).to_bits(), 0x00);
    assert_eq!(F8E5M2Fnuz::from_f32(-1e-9).to_bits(), 0x00);
}

#[test]
fn overflow_and_nan_in_both_modes() {
    // Non-saturating (ml_dtypes): the spec's quoted thresholds.
    assert_eq!(F8E4M3::from_f32(464.0).to_f32(), 448.0);
    assert!(F8E4M3::from_f32(465.0).is_nan());
    assert_eq!(F8E4M3::from_f32(-465.0).to_bits(), 0xFF);
    assert!(F8E4M3::from_f32(f32::INFINITY).is_nan());
    assert_eq!(F8E5M2::from_f32(61439.0).to_f32(), 57344.0);
    assert_eq!(F8E5M2::from_f32(61440.0).to_bits(), F8E5M2::INFINITY.to_bits());
    assert_eq!(F8E5M2::from_f32(-1e6).to_bits(), F8E5M2::NEG_INFINITY.to_bits());
    assert_eq!(F8E5M2::from_f32(f32::NEG_INFINITY).to_bits(), 0xFC);
    assert_eq!(F8E4M3Fnuz::from_f32(247.9).to_f32(), 240.0);
    assert_eq!(F8E4M3Fnuz::from_f32(248.0).to_bits(), 0x80);
    assert_eq!(F8E4M3Fnuz::from_f32(-1e9).to_bits(), 0x80);
    assert_eq!(F8E5M2Fnuz::from_f32(61440.0).to_bits(), 0x80);
    assert_eq!(F8E5M2Fnuz::from_f32(f32::INFINITY).to_bits(), 0x80);
    // Saturating: ±max, NaN stays NaN.
    assert_eq!(F8E4M3::from_f32_saturating(1e9).to_bits(), 0x7E);
    assert_eq!(F8E4M3::from_f32_saturating(f32::NEG_INFINITY).to_bits(), 0xFE);
    assert_eq!(F8E5M2::from_f32_saturating(f32::INFINITY).to_bits(), 0x7B);
    assert_eq!(F8E4M3Fnuz::from_f32_saturating(-300.0).to_bits(), 0xFF);
    assert_eq!(F8E5M2Fnuz::from_f32_saturating(1e30).to_bits(), 0x7F);
    assert!(F8E4M3::from_f32_saturating(f32::NAN).is_nan());
    assert!(F8E5M2::from_f32_saturating(f32::NAN).is_nan());
    assert_eq!(F8E4M3Fnuz::from_f32_saturating(f32::NAN).to_bits(), 0x80);
    assert_eq!(F8E5M2Fnuz::from_f32(-f32::NAN).to_bits(), 0x80);
    // NaN comparisons are float-like.
    assert_ne!(F8E4M3::NAN, F8E4M3::NAN);
}

#[test]
fn negative_zero() {
    assert_eq!(F8E4M3::from_f32(-0.0).to_bits(), 0x80);
    assert!(F8E4M3::from_bits(0x80).to_f32().is_sign_negative());
    assert_eq!(F8E5M2::from_f32(-0.0).to_bits(), 0x80);
    assert_eq!(F8E4M3Fnuz::from_f32(-0.0).to_bits(), 0x00);
    assert_eq!(F8E5M2Fnuz::from_f32_saturating(-0.0).to_bits(), 0x00);
    assert!(F8E4M3Fnuz::from_bits(0x80).is_nan()); // OCP −0 is NaN in FNUZ
    assert_eq!(F8E4M3::from_bits(0x80), F8E4M3::ZERO); // −0 == +0
}

/// The constants of one FP8 type, in declaration order: MAX, MIN, MIN_POSITIVE, MIN_POSITIVE_SUBNORMAL, EPSILON,
/// NAN, ZERO, ONE.
fn check_constants<T: Fp8>(c: [T; 8], normal: f64, subnormal: f64) {
    let s = T::SPEC;
    let [max, min, min_pos, sub, eps, nan, zero, one] = c;
    assert_eq!(max.f32_of() as f64, s.max, "{} MAX", s.name);
    assert_eq!(min.f32_of() as f64, -s.max, "{} MIN", s.name);
    assert_eq!(min_pos.f32_of() as f64, normal, "{} MIN_POSITIVE", s.name);
    assert_eq!(sub.f32_of() as f64, subnormal, "{} MIN_POSITIVE_SUBNORMAL", s.name);
    assert_eq!(eps.f32_of() as f64, 2f64.powi(-s.mbits), "{} EPSILON", s.name);
    assert!(nan.f32_of().is_nan(), "{} NAN", s.name);
    assert_eq!(T::enc(f32::NAN).code(), nan.code(), "{} NAN is from_f32(NaN)", s.name);
    assert!(
        zero.f32_of() == 0.0 && !zero.f32_of().is_sign_negative(),
        "{} ZERO",
        s.name
    );
    assert_eq!(one.f32_of(), 1.0, "{} ONE", s.name);
    let dt = T::DTYPE;
    assert_eq!(dt.max_finite(), s.max);
    assert_eq!(dt.min_positive_normal(), normal);
    assert_eq!(dt.min_positive_subnormal(), subnormal);
    assert_eq!(dt.unit_roundoff(), 2f64.powi(-s.mbits - 1));
}

#[test]
fn constants_have_the_table_values() {
    use F8E4M3 as A;
    let a = [
        A::MAX,
        A::MIN,
        A::MIN_POSITIVE,
        A::MIN_POSITIVE_SUBNORMAL,
        A::EPSILON,
        A::NAN,
        A::ZERO,
        A::ONE,
    ];
    check_constants(a, 2f64.powi(-6), 2f64.powi(-9));
    use F8E5M2 as B;
    let b = [
        B::MAX,
        B::MIN,
        B::MIN_POSITIVE,
        B::MIN_POSITIVE_SUBNORMAL,
        B::EPSILON,
        B::NAN,
        B::ZERO,
        B::ONE,
    ];
    check_constants(b, 2f64.powi(-14), 2f64.powi(-16));
    use F8E4M3Fnuz as C;
    let c = [
        C::MAX,
        C::MIN,
        C::MIN_POSITIVE,
        C::MIN_POSITIVE_SUBNORMAL,
        C::EPSILON,
        C::NAN,
        C::ZERO,
        C::ONE,
    ];
    check_constants(c, 2f64.powi(-7), 2f64.powi(-10));
    use F8E5M2Fnuz as D;
    let d = [
        D::MAX,
        D::MIN,
        D::MIN_POSITIVE,
        D::MIN_POSITIVE_SUBNORMAL,
        D::EPSILON,
        D::NAN,
        D::ZERO,
        D::ONE,
    ];
    check_constants(d, 2f64.powi(-15), 2f64.powi(-17));
    assert!(F8E5M2::INFINITY.is_infinite() && F8E5M2::INFINITY.to_f32() > 0.0);
    assert_eq!(F8E5M2::NEG_INFINITY.to_f32(), f32::NEG_INFINITY);
}

#[test]
fn e8m0_every_code() {
    for c in 0..=255u8 {
        let x = E8M0::from_bits(c);
        if c == 0xFF {
            assert!(x.to_f32().is_nan() && x.to_f64().is_nan() && x.is_nan() && x.exponent().is_none());
            continue;
        }
        let want = 2f64.powi(c as i32 - 127);
        assert_eq!(x.to_f64(), want, "E8M0 {c:#04x}");
        assert_eq!(x.to_f32() as f64, want, "E8M0 {c:#04x} as f32");
        assert_eq!(x.exponent(), Some(c as i32 - 127));
        assert_eq!(E8M0::from_exponent(c as i32 - 127).unwrap().to_bits(), c);
        // Powers of two convert exactly, from f32 and f64.
        assert_eq!(
            E8M0::from_f32(want as f32).to_bits(),
            c,
            "from_f32(2^{})",
            c as i32 - 127
        );
        assert_eq!(E8M0::from_f64(want).to_bits(), c);
        // Floor: anything in [2^e, 2^(e+1)) maps to 2^e.
        assert_eq!(E8M0::from_f64(want * 1.999).to_bits(), c);
    }
    assert_eq!(E8M0::ONE.to_f32(), 1.0);
    assert_eq!(E8M0::MAX.to_f64(), 2f64.powi(127));
    assert_eq!(E8M0::MIN_POSITIVE.to_f64(), 2f64.powi(-127));
    assert!(E8M0::NAN.is_nan());
}

#[test]
fn e8m0_from_f32_floors_and_handles_specials() {
    assert_eq!(E8M0::from_f32(1.5).to_bits(), 0x7F);
    assert_eq!(E8M0::from_f32(0.75).to_bits(), 0x7E);
    assert_eq!(E8M0::from_f32(3.0e38).to_bits(), 0xFE);
    assert_eq!(E8M0::from_f32(0.0).to_bits(), 0x00);
    assert_eq!(E8M0::from_f32(-0.0).to_bits(), 0x00);
    assert_eq!(E8M0::from_f32(1e-45).to_bits(), 0x00);
    assert!(E8M0::from_f32(-1.0).is_nan());
    assert!(E8M0::from_f32(f32::INFINITY).is_nan());
    assert!(E8M0::from_f32(f32::NAN).is_nan());
    assert!(E8M0::from_f64(2f64.powi(128)).is_nan());
    assert_eq!(<E8M0 as Element>::from_f64_saturating(1e300).to_bits(), 0xFE);
    let err = E8M0::from_exponent(128).unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { .. }), "{err}");
    assert!(E8M0::from_exponent(-128).is_err());
}

#[test]
fn mx_recipe() {
    // shared_exp = floor(log2 amax) − emax: 448 (2^8·1.75) with e4m3 (emax 8) gives 2^0.
    assert_eq!(E8M0::mx_scale(448.0, DType::F8E4M3).unwrap().to_bits(), 127);
    assert_eq!(E8M0::mx_scale(511.0, DType::F8E4M3).unwrap().to_bits(), 127);
    assert_eq!(E8M0::mx_scale(1.0, DType::F8E4M3).unwrap().to_bits(), 127 - 8);
    assert_eq!(E8M0::mx_scale(1.0, DType::F8E5M2).unwrap().to_bits(), 127 - 15);
    assert_eq!(E8M0::mx_scale(1.0, DType::F8E4M3Fnuz).unwrap().to_bits(), 127 - 7);
    assert_eq!(E8M0::mx_scale(0.0, DType::F8E4M3).unwrap().to_bits(), 0);
    assert_eq!(E8M0::mx_scale(2f32.powi(-125), DType::F8E4M3).unwrap().to_bits(), 0); // clamped at 2^-127
    assert!(E8M0::mx_scale(f32::INFINITY, DType::F8E4M3).unwrap().is_nan());
    assert!(E8M0::mx_scale(f32::NAN, DType::F8E5M2).unwrap().is_nan());
    assert!(matches!(
        E8M0::mx_scale(1.0, DType::BF16),
        Err(Error::UnsupportedDType { .. })
    ));
    assert!(E8M0::mx_scale(-1.0, DType::F8E4M3).is_err());

    // A block: amax 3.0 -> scale 2^(1-8) = 2^-7; 3.0/2^-7 = 384 (exact in e4m3), 0.01/2^-7 = 1.28 -> 1.25.
    let block = [3.0f32, -0.01, 0.0, 1.0];
    let mut q = [F8E4M3::ZERO; 4];
    let scale = E8M0::mx_quantize(&block, &mut q).unwrap();
    assert_eq!(scale.exponent(), Some(-7));
    let back: Vec<f32> = q.iter().map(|x| x.to_f32()).collect();
    assert_eq!(back, [384.0, -1.25, 0.0, 128.0]);
    // Values in [448, 512)·scale saturate instead of overflowing.
    let mut q2 = [F8E4M3::ZERO; 2];
    E8M0::mx_quantize(&[500.0, 1.0], &mut q2).unwrap();
    assert_eq!(q2[0].to_f32(), 448.0);
    // Length mismatch and non-FP8 targets are typed errors.
    assert!(matches!(
        E8M0::mx_quantize(&block, &mut q2),
        Err(Error::LengthMismatch { .. })
    ));
    let mut qb = [bf16::ZERO; 4];
    assert!(E8M0::mx_quantize(&block, &mut qb).is_err());
}

#[test]
fn element_layout_is_plain_bytes() {
    fn check<T: Element>() {
        assert_eq!(std::mem::size_of::<T>(), T::DTYPE.size_bytes(), "{}", T::DTYPE);
        assert!(std::mem::align_of::<T>() <= std::mem::size_of::<T>());
    }
    check::<F8E4M3>();
    check::<F8E5M2>();
    check::<F8E4M3Fnuz>();
    check::<F8E5M2Fnuz>();
    check::<E8M0>();
    check::<bf16>();
    check::<f16>();
    check::<f32>();
    check::<i8>();
    check::<i32>();
    let v = [bf16::from_bits(0x3F80), bf16::from_bits(0x1234)];
    assert_eq!(bf16::slice_as_bytes(&v), [0x80, 0x3F, 0x34, 0x12]); // little-endian, as the device
    let mut w = [F8E4M3::ZERO; 3];
    F8E4M3::slice_as_bytes_mut(&mut w).copy_from_slice(&[0x38, 0x7E, 0xFF]);
    assert_eq!(w[0].to_f32(), 1.0);
    assert_eq!(w[1].to_f32(), 448.0);
    assert!(w[2].is_nan());
}

#[test]
fn element_generic_conversions() {
    assert_eq!(<i32 as Element>::from_f64(2.5), 2);
    assert_eq!(<i32 as Element>::from_f64(3.5), 4);
    assert_eq!(<i32 as Element>::from_f64(-2.5), -2);
    assert_eq!(<i32 as Element>::from_f64(1e10), i32::MAX);
    assert_eq!(<i32 as Element>::from_f64(f64::NAN), 0);
    assert_eq!(<i8 as Element>::from_f64(200.0), 127);
    assert_eq!(<i8 as Element>::from_f64(-200.0), -128);
    assert_eq!(<f32 as Element>::from_f64(1e300), f32::INFINITY);
    assert_eq!(<f32 as Element>::from_f64_saturating(-1e300), f32::MIN);
    assert!(<f32 as Element>::from_f64_saturating(f64::NAN).is_nan());
    assert_eq!(<bf16 as Element>::from_f64(1e39), bf16::INFINITY);
    assert_eq!(<bf16 as Element>::from_f64_saturating(1e39), bf16::MAX);
    assert_eq!(<f16 as Element>::from_f64_saturating(-70000.0), f16::MIN);
    assert_eq!(<f16 as Element>::from_f64(65519.0).to_f64(), 65504.0); // below the 65520 tie
    assert_eq!(<f16 as Element>::from_f64(65520.0), f16::INFINITY);
    assert_eq!(<F8E4M3 as Element>::from_f64(500.0).to_bits(), 0x7F);
    assert_eq!(<F8E4M3 as Element>::from_f64_saturating(500.0).to_f32(), 448.0);
    assert_eq!(<F8E5M2Fnuz as Element>::to_f64(F8E5M2Fnuz::ONE), 1.0);
    assert_eq!(<F8E4M3Fnuz as Element>::from_f32(-0.0).to_bits(), 0x00);
    assert_eq!(<bf16 as Element>::from_f32(1.0 + 2f32.powi(-8)).to_bits(), 0x3F80); // tie to even
    assert_eq!(<i8 as Element>::from_f32(-0.5), 0);
}

#[test]
fn dtype_properties() {
    let u: Vec<f64> = DType::ALL.iter().map(|d| d.unit_roundoff()).collect();
    let want = [
        2f64.powi(-4),
        2f64.powi(-3),
        2f64.powi(-4),
        2f64.powi(-3),
        0.5,
        2f64.powi(-8),
        2f64.powi(-11),
        2f64.powi(-24),
        0.0,
        0.0,
    ];
    assert_eq!(u, want);
    assert_eq!(DType::BF16.max_finite(), 3.3895313892515355e38);
    assert_eq!(DType::F16.max_finite(), 65504.0);
    assert_eq!(DType::F16.min_positive_subnormal(), 5.960464477539063e-8);
    assert_eq!(DType::BF16.min_positive_subnormal(), bf16::from_bits(1).to_f64());
    assert_eq!(DType::F32.min_positive_subnormal(), f32::from_bits(1) as f64);
    assert_eq!(DType::I32.max_finite(), 2147483647.0);
    let fp8: Vec<DType> = DType::ALL.into_iter().filter(|d| d.is_fp8()).collect();
    assert_eq!(
        fp8,
        [DType::F8E4M3, DType::F8E5M2, DType::F8E4M3Fnuz, DType::F8E5M2Fnuz]
    );
    let fnuz: Vec<DType> = DType::ALL.into_iter().filter(|d| d.is_fnuz()).collect();
    assert_eq!(fnuz, [DType::F8E4M3Fnuz, DType::F8E5M2Fnuz]);
    assert!(DType::I8.is_integer() && !DType::E8M0.is_fp8() && DType::E8M0.is_float());
    for d in DType::ALL {
        assert_eq!(d.name().parse::<DType>().unwrap(), d);
    }
    let err = "fp8".parse::<DType>().unwrap_err();
    assert!(
        err.to_string().contains("f8e4m3fnuz") && err.to_string().contains("\"fp8\""),
        "{err}"
    );
}
