//! Helpers shared by the device benches (`#[path = "common/mod.rs"] mod common;` in benches/gemm.rs and
//! benches/attention.rs; benches/reference.rs uses [`fill`] only).
#![allow(dead_code)] // each bench uses a part

use hipforge::runtime::{Arch, Device};
use hipforge::Element;
use std::time::Instant;

/// `n` deterministic values in [-1, 1) (xorshift64 from `seed | 1`), converted to `T`; no extra crate needed.
pub fn fill<T: Element>(n: usize, seed: u64) -> Vec<T> {
    let mut s = seed | 1;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            T::from_f32((s >> 40) as f32 / (1u64 << 23) as f32 - 1.0)
        })
        .collect()
}

/// The device to time: HIP device 0, else the gfx950 emulator (saying so, since emulator times are not GPU speed),
/// else `None` after printing why nothing can run. `bench` names the bench in those lines.
pub fn device_or_emulator(bench: &str) -> Option<Device> {
    let hip_err = match Device::hip(0) {
        Ok(dev) => return Some(dev),
        Err(e) => e,
    };
    match Device::emulator(Arch::Gfx950) {
        Ok(dev) => {
            println!(
                "{bench} bench: no HIP device ({hip_err}); timing the CPU emulator (emulated: these times are not GPU speed)"
            );
            Some(dev)
        }
        Err(emu_err) => {
            println!("{bench} bench: no HIP device ({hip_err}) and no emulator ({emu_err}); nothing to run");
            None
        }
    }
}

/// Dense peak FLOP/s of a HIP device from its compute units and clock; `eight_bit` selects the FP8/INT8 rate
/// (CDNA3: 2048 bf16/f16 and 4096 8-bit FLOPs per CU per clock; CDNA4: 4096 and 8192). `None` on the emulator or an
/// arch without a known rate.
pub fn dense_peak(dev: &Device, eight_bit: bool) -> Option<f64> {
    let p = dev.properties()?;
    let per_cu_clock = match dev.arch() {
        Arch::Gfx942 => 2048.0,
        Arch::Gfx950 => 4096.0,
        _ => return None,
    } * if eight_bit { 2.0 } else { 1.0 };
    Some(per_cu_clock * p.compute_units as f64 * p.clock_khz as f64 * 1e3)
}

/// Mean seconds per call of `run` over `reps` calls, after one warm-up call; the first error stops the timing.
pub fn seconds_per_run<E>(reps: u32, mut run: impl FnMut() -> Result<(), E>) -> Result<f64, E> {
    let _ = run();
    let t = Instant::now();
    for _ in 0..reps {
        run()?;
    }
    Ok(t.elapsed().as_secs_f64() / reps as f64)
}
