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
//! [`QuantPlan`] is the run path: planning loads the kernels and allocates the per-tensor amax scratch (4 bytes, or
//! none with [`QuantPlan::with_caller_workspace`]); a run ([`QuantPlan::run`], [`QuantPlan::run_on`] a stream) queues
//! a 4-byte memset and the launches, nothing else: no allocation, no free, no synchronization. [`quantize`] is the
//! one-call form (a plan per call).
//!
//! ```no_run
//! use hipforge::quant::{quantize, Granularity, QuantPlan, QuantSpec};
//! use hipforge::runtime::{Arch, Device};
//! use hipforge::F8E4M3;
//! # fn main() -> hipforge::Result<()> {
//! let dev = Device::emulator(Arch::Gfx950)?;
//! let x = dev.upload(&vec![1.0f32; 4 * 300])?;
//! let spec = QuantSpec::new(4, 300, Granularity::Block128);
//! let mut q = dev.alloc_zeroed::<F8E4M3>(spec.output_len()?)?;
//! let mut scales = dev.alloc_zeroed::<f32>(spec.scale_len())?;
//! quantize(&x, &spec, &mut q, &mut scales)?;
//! // The same, planned once and queued on a stream:
//! let plan = QuantPlan::<f32, F8E4M3>::new(&dev, &spec)?;
//! let stream = dev.new_stream()?;
//! plan.run_on(&stream, &x, &mut q, &mut scales)?;
//! stream.synchronize()?;
//! # Ok(()) }
//! ```

pub mod reference;

use crate::dtype::{bf16, DType, Element, F8E4M3Fnuz, F8E5M2Fnuz, F8E4M3, F8E5M2};
use crate::error::{Error, Result};
use crate::runtime::{Device, DeviceBuffer, DevicePtr, DevicePtrMut, DeviceRepr, LaunchConfig, Stream};
use std::marker::PhantomData;

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

/// A quantization of one shape, input type `I` and FP8 output type `O`, ready to run on one device.
pub struct QuantPlan<I: QuantInput, O: QuantOutput> {
    device: Device,
    spec: QuantSpec,
    kernel: String,
    /// The per-tensor amax kernel (`Granularity::Tensor` only).
    amax_kernel: Option<String>,
    /// The plan's own amax scratch (one u32), unless the caller provides it.
    scratch: Option<DeviceBuffer<u8>>,
    _types: PhantomData<fn(I) -> O>,
}

impl<I: QuantInput, O: QuantOutput> std::fmt::Debug for QuantPlan<I, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QuantPlan")
            .field("device", &self.device.to_string())
            .field("spec", &self.spec)
            .field("kernel", &self.kernel)
            .finish()
    }
}

/// Bytes of the per-tensor amax scratch (one u32 the amax kernel maxes into atomically).
const AMAX_BYTES: usize = 4;

impl<I: QuantInput, O: QuantOutput> QuantPlan<I, O> {
    /// Validates `spec` and the output type for `device` and loads the kernels; for [`Granularity::Tensor`] it
    /// allocates the 4-byte amax scratch.
    ///
    /// Errors: [`Error::InvalidArgument`] for a bad shape ([`QuantSpec::validate`]); [`Error::UnsupportedDType`]
    /// when `O` is not the device's FP8 flavour (FNUZ on gfx942, OCP on gfx950); [`Error::KernelNotBuilt`] on a
    /// HIP device whose arch the kernels were not compiled for.
    pub fn new(device: &Device, spec: &QuantSpec) -> Result<Self> {
        Self::plan(device, spec, false)
    }

    /// As [`QuantPlan::new`] without the scratch: a [`Granularity::Tensor`] plan then runs only through
    /// [`QuantPlan::run_with_workspace`] ([`QuantPlan::workspace_bytes`] = 4).
    pub fn with_caller_workspace(device: &Device, spec: &QuantSpec) -> Result<Self> {
        Self::plan(device, spec, true)
    }

    fn plan(device: &Device, spec: &QuantSpec, caller_workspace: bool) -> Result<Self> {
        spec.validate()?;
        let arch = device.arch();
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
        let kernel = kernel_name::<I, O>(spec.granularity);
        device.prepare_kernel(&kernel)?;
        let amax_kernel = match spec.granularity {
            Granularity::Tensor => {
                let name = format!("hf_quant_amax_{}", I::KERNEL_NAME);
                device.prepare_kernel(&name)?;
                Some(name)
            }
            _ => None,
        };
        let scratch = match (&amax_kernel, caller_workspace) {
            (Some(_), false) => Some(device.alloc_zeroed::<u8>(AMAX_BYTES)?),
            _ => None,
        };
        Ok(QuantPlan {
            device: device.clone(),
            spec: *spec,
            kernel,
            amax_kernel,
            scratch,
            _types: PhantomData,
        })
    }

    /// The shape this plan quantizes.
    pub fn spec(&self) -> &QuantSpec {
        &self.spec
    }

    /// The device the plan runs on.
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// Bytes of scratch a run needs: 4 for [`Granularity::Tensor`] (the amax), else 0.
    pub fn workspace_bytes(&self) -> usize {
        if self.amax_kernel.is_some() {
            AMAX_BYTES
        } else {
            0
        }
    }

    /// Quantizes on the device's default stream (see [`QuantPlan::run_on`]).
    pub fn run(
        &self,
        x: &(impl DevicePtr<I> + ?Sized),
        q: &mut (impl DevicePtrMut<O> + ?Sized),
        scales: &mut (impl DevicePtrMut<f32> + ?Sized),
    ) -> Result<()> {
        self.run_on(&self.device.default_stream(), x, q, scales)
    }

    /// Quantizes `x` into `q` and writes the dequantization scales to `scales` (see the module docs), queued on
    /// `stream`: a memset of the amax scratch (per-tensor only) and the launches; returns when they are queued.
    ///
    /// Errors, before anything is queued: [`Error::LengthMismatch`] when a buffer is shorter than the shape needs;
    /// [`Error::DeviceMismatch`] when a buffer or the stream is on another device; [`Error::InvalidArgument`] for a
    /// plan made with [`QuantPlan::with_caller_workspace`] that needs scratch. Then whatever the launch returns
    /// (e.g. [`Error::EmulatorFault`]).
    pub fn run_on(
        &self,
        stream: &Stream,
        x: &(impl DevicePtr<I> + ?Sized),
        q: &mut (impl DevicePtrMut<O> + ?Sized),
        scales: &mut (impl DevicePtrMut<f32> + ?Sized),
    ) -> Result<()> {
        let scratch = match &self.scratch {
            Some(s) => Some(s.device_ptr()),
            None if self.amax_kernel.is_some() => {
                return Err(Error::invalid(
                    "workspace",
                    "a caller workspace of 4 bytes through run_with_workspace (the plan was made with \
                     with_caller_workspace)",
                    "none",
                ))
            }
            None => None,
        };
        self.launch(stream, x, q, scales, scratch)
    }

    /// As [`QuantPlan::run_on`] with the caller's scratch (at least [`QuantPlan::workspace_bytes`] bytes of this
    /// device, 16-byte aligned); errors as [`crate::gemm::GemmPlan::run_with_workspace`] for the workspace.
    pub fn run_with_workspace(
        &self,
        stream: &Stream,
        x: &(impl DevicePtr<I> + ?Sized),
        q: &mut (impl DevicePtrMut<O> + ?Sized),
        scales: &mut (impl DevicePtrMut<f32> + ?Sized),
        workspace: &mut (impl DevicePtrMut<u8> + ?Sized),
    ) -> Result<()> {
        let need = self.workspace_bytes();
        let ws = crate::runtime::check_workspace(&self.device, "quantization", workspace, need)?;
        self.launch(stream, x, q, scales, (need > 0).then_some(ws))
    }

    fn launch(
        &self,
        stream: &Stream,
        x: &(impl DevicePtr<I> + ?Sized),
        q: &mut (impl DevicePtrMut<O> + ?Sized),
        scales: &mut (impl DevicePtrMut<f32> + ?Sized),
        scratch: Option<u64>,
    ) -> Result<()> {
        let (dev, spec) = (&self.device, &self.spec);
        dev.check_same("the stream of a quantization", stream.device())?;
        dev.check_same("quantization input x", x.device())?;
        dev.check_same("quantization output q", q.device())?;
        dev.check_same("quantization scales", scales.device())?;
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
        let params = QuantParams {
            x: x.device_ptr(),
            q: q.device_ptr_mut(),
            scale: scales.device_ptr_mut(),
            amax: scratch.unwrap_or(0),
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
        if let (Some(name), Some(amax)) = (&self.amax_kernel, scratch) {
            // The amax kernel maxes into the scratch atomically: it starts from 0 at every run, in stream order.
            stream.zero_async(&mut ScratchRef { dev, ptr: amax })?;
            // SAFETY: every address in `params` is device memory of `dev` whose length was checked against `spec`
            // above; the amax kernel reads x and atomically updates the one u32 of the scratch.
            unsafe { stream.launch(name, per_row, &params)? };
        }
        let cfg = LaunchConfig {
            grid: [spec.rows as u32, spec.scales_per_row() as u32, 1],
            ..per_row
        };
        // SAFETY: as above; the kernel writes q within output_len() and scales within scale_len().
        unsafe { stream.launch(&self.kernel, cfg, &params) }
    }
}

/// The amax scratch as device memory (4 bytes at `ptr`: the plan's own or a checked caller workspace).
struct ScratchRef<'a> {
    dev: &'a Device,
    ptr: u64,
}

// SAFETY: `ptr` is the plan's 4-byte scratch or a caller workspace checked to hold at least 4 bytes of `dev`.
unsafe impl DevicePtr<u8> for ScratchRef<'_> {
    fn device_ptr(&self) -> u64 {
        self.ptr
    }
    fn len(&self) -> usize {
        AMAX_BYTES
    }
    fn device(&self) -> &Device {
        self.dev
    }
}
// SAFETY: as above; the run holds the plan's scratch (or the caller's workspace) for its duration.
unsafe impl DevicePtrMut<u8> for ScratchRef<'_> {}

/// Quantizes `x` (shape `spec`) into `q` and writes the dequantization scales to `scales` (see the module docs), on
/// the default stream: [`QuantPlan::new`] then [`QuantPlan::run`]. A per-tensor plan allocates its 4-byte scratch and
/// frees it when this returns (`hipFree` waits for the work using it); keep a [`QuantPlan`] to run without either.
///
/// Errors, before anything runs: those of [`QuantPlan::new`] and [`QuantPlan::run_on`].
pub fn quantize<I: QuantInput, O: QuantOutput>(
    x: &(impl DevicePtr<I> + ?Sized),
    spec: &QuantSpec,
    q: &mut (impl DevicePtrMut<O> + ?Sized),
    scales: &mut (impl DevicePtrMut<f32> + ?Sized),
) -> Result<()> {
    QuantPlan::<I, O>::new(x.device(), spec)?.run(x, q, scales)
}
