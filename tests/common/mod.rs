//! Helpers shared by the integration tests (`mod common;` in each test file that needs them).
#![allow(dead_code)] // each test crate uses a part

pub mod fixture;
pub mod gemm;
pub mod host_clang;
pub mod quant_params;

use hipforge::runtime::{Arch, Device};

/// splitmix64: a small seedable generator for test data (no dependency, same sequence everywhere).
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in [lo, hi).
    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64)
    }
    /// Uniform integer in [0, n).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    /// `n` values uniform in [lo, hi), as f32.
    pub fn f32s(&mut self, n: usize, lo: f64, hi: f64) -> Vec<f32> {
        (0..n).map(|_| self.uniform(lo, hi) as f32).collect()
    }
}

/// xorshift64: the stream the reference and attention tests were written against (kept apart from [`Rng`] so their
/// seeds still draw the same inputs). The seed must be nonzero (zero stays zero).
pub struct XorShift64(pub u64);

impl XorShift64 {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// Uniform in [-1, 1), on a 2^-23 grid (exact in f32).
    pub fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 23) as f32 - 1.0
    }
    /// Integer in [0, n).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    /// Roughly normal (sum of four uniforms), mean 0, deviation ~1.
    pub fn normal(&mut self) -> f32 {
        let mut centered = || (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32 - 0.5;
        (centered() + centered() + centered() + centered()) * 1.73
    }
}

/// The emulator device for `arch`, or `None` (with a printed reason) when the emulator was not built; with
/// `HIPFORGE_REQUIRE_EMULATOR=1` (CI) a missing emulator fails instead.
pub fn emulator(arch: Arch) -> Option<Device> {
    if !hipforge::kernels::EMULATOR_ARCHS.contains(&arch.name()) {
        let why = format!(
            "emulator not built for {arch} (EMULATOR_ARCHS = {:?})",
            hipforge::kernels::EMULATOR_ARCHS
        );
        if std::env::var("HIPFORGE_REQUIRE_EMULATOR").as_deref() == Ok("1") {
            panic!("{why}, and HIPFORGE_REQUIRE_EMULATOR=1");
        }
        eprintln!("skipping: {why}");
        return None;
    }
    Some(Device::emulator(arch).expect("EMULATOR_ARCHS lists the arch, so Device::emulator must open it"))
}
