//! FP8 quantization on the device: f32 or bf16 in, the arch's FP8 out, with dequantization scales from the amax.
//!
//! For each scale group (the whole tensor, a row, or a 1×128 run of a row):
//!
//! ```text
//! amax  = max |x|                      (a NaN anywhere in the group makes amax NaN)
//! inv   = FP8_MAX / amax,  scale = amax / FP8_MAX     (both 1 when amax = 0)
//! q     = saturate_to_fp8(x · inv)     (RNE; beyond ±FP8_MAX and ±Inf → ±FP8_MAX; NaN → NaN)
//! ```
//!
//! all in f32, so that `x ≈ q · scale` (scales are *dequantization* scales, the `torch._scaled_mm` convention; feed
//! them straight to a scaled GEMM). FP8_MAX is 448 (OCP e4m3, gfx950), 240 (e4m3fnuz, gfx942) or 57344 (e5m2). A
//! group containing NaN gets a NaN scale and NaN codes; a group with an Inf (and no NaN) gets an Inf scale, zeros for
//! its finite elements and NaN for the Inf. [`reference::quantize`] is the CPU definition the kernels match bit for
//! bit.
//!
//! ```no_run
//! use hipforge::quant::{quantize, Granularity, QuantSpec};
//! use hipforge::runtime::{Arch, Device};
//! use hipforge::F8E4M3;
//! # fn main() -> hipforge::Result<()> {
//! let dev = Device::emulator(Arch::Gfx950)?;
//! let x = dev.upload(&vec![1.0f32; 4 * 300])?;
//! let spec = QuantSpec::new(4, 300, Granularity::Block128);
//! let mut q = dev.alloc_zeroed::<F8E4M3>(spec.output_len()?)?;
//! let mut scales = dev.alloc_zeroed::<f32>(spec.scale_len())?;
//! quantize(&x, &spec, &mut q, &mut scales)?;
//! # Ok(()) }
//! ```

pub mod reference;

use crate::dtype::{bf16, DType, Element, F8E4M3Fnuz, F8E5M2Fnuz, F8E4M3, F8E5M2};
use crate::error::{Error, Result};
use crate::runtime::{DeviceBuffer, DeviceRepr, LaunchConfig};

/// Columns per scale in [`Granularity::Block128`].
pub const BLOCK_COLS: usize = 128;
/// Threads per block of every quantization kernel.
const THREADS: u32 = 256;

/// Which elements share one scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Granularity {
    /// One scale for the whole tensor.
    Tensor,
    /// One scale per row (per token).
    Row,
    /// One scale per 1×128 run of a row; the last run of a row is shorter when `cols` is not a multiple of 128.
    Block128,
}

impl Granularity {
    fn kernel_suffix(self) -> &'static str {
        match self {
            Granularity::Tensor => "tensor",
            Granularity::Row => "row",
            Granularity::Block128 => "block128",
        }
    }
}

/// The shape of a quantization: a row-major `[rows, cols]` input with row stride `ld_x` elements, an output with row
/// stride `ld_q` bytes, and the scale granularity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuantSpec {
    /// Rows (tokens).
    pub rows: usize,
    /// Columns (features).
    pub cols: usize,
    /// Input row stride in elements (≥ `cols`).
    pub ld_x: usize,
    /// Output row stride in elements (≥ `cols`).
    pub ld_q: usize,
    /// Which elements share a scale.
    pub granularity: Granularity,
}

impl QuantSpec {
    /// A contiguous `[rows, cols]` quantization (`ld_x = ld_q = cols`).
    pub fn new(rows: usize, cols: usize, granularity: Granularity) -> Self {
        QuantSpec {
            rows,
            cols,
            ld_x: cols,
            ld_q: cols,
            granularity,
        }
    }

    /// Checks the shape: at least one row and column, strides ≥ `cols`, and sizes within what the kernels index
    /// (rows · 256 threads and every stride below 2³², element offsets within `usize`).
    pub fn validate(&self) -> Result<()> {
        if self.rows == 0 || self.cols == 0 {
            return Err(Error::invalid(
                "shape",
                "rows >= 1 and cols >= 1",
                format!("{} x {}", self.rows, self.cols),
            ));
        }
        for (what, ld) in [("ld_x", self.ld_x), ("ld_q", self.ld_q)] {
            if ld < self.cols {
                return Err(Error::invalid(what, format!(">= cols ({})", self.cols), ld));
            }
            if ld > u32::MAX as usize {
                return Err(Error::invalid(what, "< 2^32", ld));
            }
        }
        // rows go on the grid's x axis: rows · THREADS work-items must fit the 32-bit grid size.
        let max_rows = (u32::MAX / THREADS) as usize;
        if self.rows > max_rows {
            return Err(Error::invalid("rows", format!("<= {max_rows}"), self.rows));
        }
        if self.cols.div_ceil(BLOCK_COLS) > 65535 {
            return Err(Error::invalid("cols", format!("<= {}", 65535 * BLOCK_COLS), self.cols));
        }
        self.input_len()?;
        self.output_len()?;
        Ok(())
    }

    fn span(&self, ld: usize, what: &str) -> Result<usize> {
        (self.rows - 1)
            .checked_mul(ld)
            .and_then(|v| v.checked_add(self.cols))
            .ok_or_else(|| Error::Overflow { what: what.to_string() })
    }

    /// Elements the input buffer must hold: `(rows − 1) · ld_x + cols`.
    pub fn input_len(&self) -> Result<usize> {
        if self.rows == 0 {
            return Ok(0);
        }
        self.span(self.ld_x, "quantization input length")
    }

    /// Elements the output buffer must hold: `(rows − 1) · ld_q + cols`.
    pub fn output_len(&self) -> Result<usize> {
        if self.rows == 0 {
            return Ok(0);
        }
        self.span(self.ld_q, "quantization output length")
    }

    /// Scales produced: 1, `rows`, or `rows · ceil(cols / 128)` (row-major).
    pub fn scale_len(&self) -> usize {
        match self.granularity {
            Granularity::Tensor => 1,
            Granularity::Row => self.rows,
            Granularity::Block128 => self.rows.saturating_mul(self.cols.div_ceil(BLOCK_COLS)),
        }
    }

    /// Scales per row (1 for `Tensor` and `Row`, `ceil(cols / 128)` for `Block128`).
    pub fn scales_per_row(&self) -> usize {
        match self.granularity {
            Granularity::Block128 => self.cols.div_ceil(BLOCK_COLS),
            _ => 1,
        }
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for super::bf16 {}
    impl Sealed for super::F8E4M3 {}
    impl Sealed for super::F8E5M2 {}
    impl Sealed for super::F8E4M3Fnuz {}
    impl Sealed for super::F8E5M2Fnuz {}
}

/// An input element type of the quantization kernels: `f32` or `bf16`.
pub trait QuantInput: DeviceRepr + sealed::Sealed {
    /// The name in kernel symbols.
    const KERNEL_NAME: &'static str;
    /// The exact value as f32.
    fn to_f32(self) -> f32;
}

impl QuantInput for f32 {
    const KERNEL_NAME: &'static str = "f32";
    fn to_f32(self) -> f32 {
        self
    }
}

impl QuantInput for bf16 {
    const KERNEL_NAME: &'static str = "bf16";
    fn to_f32(self) -> f32 {
        bf16::to_f32(self)
    }
}

/// An FP8 output type: OCP (`F8E4M3`, `F8E5M2`, gfx950) or FNUZ (`F8E4M3Fnuz`, `F8E5M2Fnuz`, gfx942).
pub trait QuantOutput: DeviceRepr + Element + sealed::Sealed {
    /// `"fp8"` (e4m3) or `"bf8"` (e5m2), AMD's names, in kernel symbols.
    const KERNEL_NAME: &'static str;
    /// Largest finite value.
    const MAX: f32;
    /// Saturating RNE conversion (see the module docs).
    fn from_f32_saturating(x: f32) -> Self;
}

macro_rules! quant_output {
    ($t:ty, $name:expr, $max:expr) => {
        impl QuantOutput for $t {
            const KERNEL_NAME: &'static str = $name;
            const MAX: f32 = $max;
            fn from_f32_saturating(x: f32) -> Self {
                <$t>::from_f32_saturating(x)
            }
        }
    };
}
quant_output!(F8E4M3, "fp8", 448.0);
quant_output!(F8E5M2, "bf8", 57344.0);
quant_output!(F8E4M3Fnuz, "fp8", 240.0);
quant_output!(F8E5M2Fnuz, "bf8", 57344.0);

/// The kernel's parameters, mirrored from `hf::QuantParams` in kernels/quant/fp8_quant.hip (48 bytes both sides).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
struct QuantParams {
    x: u64,
    q: u64,
    scale: u64,
    amax: u64,
    rows: u32,
    cols: u32,
    ld_x: u32,
    ld_q: u32,
}
const _: () = assert!(std::mem::size_of::<QuantParams>() == 48);

/// The kernel symbol for this input type, output type and granularity (e.g. `hf_quant_bf16_fp8_row`).
pub fn kernel_name<I: QuantInput, O: QuantOutput>(granularity: Granularity) -> String {
    format!(
        "hf_quant_{}_{}_{}",
        I::KERNEL_NAME,
        O::KERNEL_NAME,
        granularity.kernel_suffix()
    )
}

/// Quantizes `x` (shape `spec`) into `q` and writes the dequantization scales to `scales` (see the module docs).
///
/// Errors, before anything runs: [`Error::InvalidArgument`] for a bad shape ([`QuantSpec::validate`]);
/// [`Error::UnsupportedDType`] when `O` is not the device's FP8 flavour (FNUZ on gfx942, OCP on gfx950);
/// [`Error::LengthMismatch`] when a buffer is shorter than the shape needs; [`Error::DeviceMismatch`] when the
/// buffers live on different devices. Then whatever the launch returns (e.g. [`Error::KernelNotBuilt`] on a HIP
/// device whose arch the kernels were not compiled for, [`Error::EmulatorFault`]).
pub fn quantize<I: QuantInput, O: QuantOutput>(
    x: &DeviceBuffer<I>,
    spec: &QuantSpec,
    q: &mut DeviceBuffer<O>,
    scales: &mut DeviceBuffer<f32>,
) -> Result<()> {
    spec.validate()?;
    let dev = x.device();
    let arch = dev.arch();
    let want = if O::KERNEL_NAME == "fp8" {
        arch.fp8_e4m3()
    } else {
        arch.fp8_e5m2()
    };
    if O::DTYPE != want
        || !matches!(
            want,
            DType::F8E4M3 | DType::F8E5M2 | DType::F8E4M3Fnuz | DType::F8E5M2Fnuz
        )
    {
        return Err(Error::UnsupportedDType {
            what: "quantization output".into(),
            dtype: O::DTYPE.name().into(),
            reason: format!("{arch}'s hardware FP8 of this width is {want}"),
        });
    }
    for (what, same) in [("q", q.device().same_as(dev)), ("scales", scales.device().same_as(dev))] {
        if !same {
            return Err(Error::DeviceMismatch {
                what: format!("x is on {}, {what} on another device", dev.name()),
            });
        }
    }
    let checks = [
        ("x", spec.input_len()?, x.len()),
        ("q", spec.output_len()?, q.len()),
        ("scales", spec.scale_len(), scales.len()),
    ];
    for (what, need, have) in checks {
        if have < need {
            return Err(Error::LengthMismatch {
                what: what.into(),
                expected: need,
                got: have,
            });
        }
    }

    let amax = match spec.granularity {
        Granularity::Tensor => Some(dev.alloc_zeroed::<u32>(1)?),
        _ => None,
    };
    let params = QuantParams {
        x: x.device_ptr(),
        q: q.device_ptr(),
        scale: scales.device_ptr(),
        amax: amax.as_ref().map_or(0, |a| a.device_ptr()),
        rows: spec.rows as u32,
        cols: spec.cols as u32,
        ld_x: spec.ld_x as u32,
        ld_q: spec.ld_q as u32,
    };
    let per_row = LaunchConfig {
        grid: [spec.rows as u32, 1, 1],
        block: [THREADS, 1, 1],
        dynamic_lds: 0,
    };
    if amax.is_some() {
        let name = format!("hf_quant_amax_{}", I::KERNEL_NAME);
        // SAFETY: every address in `params` is a live buffer of `dev` whose length was checked against `spec` above;
        // the amax kernel reads x and atomically updates the one u32 of `amax`.
        unsafe { dev.launch(&name, per_row, &params)? };
    }
    let cfg = LaunchConfig {
        grid: [spec.rows as u32, spec.scales_per_row() as u32, 1],
        ..per_row
    };
    // SAFETY: as above; the kernel writes q within output_len() and scales within scale_len().
    unsafe { dev.launch(&kernel_name::<I, O>(spec.granularity), cfg, &params)? };
    dev.synchronize()
}
