//! hipBLASLt backend: translation of GemmSpec onto hipBLASLt descriptors — owned by the hipblaslt engineer.
//!
//! Two halves:
//!
//! - [`HipBlasLtGemm::translate`] (pure Rust, no library, no device): a [`GemmSpec`] and the device's [`Arch`]
//!   become a [`Translated`] — the runtime's [`MatmulPlan`] (dtypes, transposes, layouts, batch, compute and scale
//!   types, epilogue, bias type, scale modes) plus which of hipforge's buffers feeds which hipBLASLt slot. Every
//!   spec hipBLASLt cannot express is an [`Error::Unsupported`] whose text says "… unsupported by hipBLASLt: why".
//! - [`HipBlasLtGemm::run`]: translate, then run through the runtime's safe wrapper ([`HipBlasLt`]: descriptors,
//!   the heuristic list, the per-plan algorithm cache). Without hipBLASLt (no ROCm install) [`HipBlasLtGemm::new`]
//!   is the wrapper's [`Error::LibraryNotFound`]; nothing else in hipforge is affected.
//!
//! # Row-major specs on a column-major library
//!
//! hipBLASLt reads every matrix column-major and computes `D = op(A)·op(B)` with `D` m×n. A row-major `m×n` D with
//! leading dimension `ld` is, byte for byte, the column-major `n×m` matrix `Dᵀ` with the same `ld`. Since
//! `Dᵀ = Bᵀ·Aᵀ`, a row-major D is computed by handing hipBLASLt the problem `(n, m, k)` with its "A" being hipforge's
//! B and its "B" being hipforge's A ([`Translated::swapped`]). Everything attached to an operand swaps with it: the
//! per-row/per-column scales (hipforge's per-column B scales become hipBLASLt's per-row "A" scales), the MX scales,
//! and the bias — hipforge's bias is one value per *column* of D, hipBLASLt's one per *row* of its D, which are the
//! same thing once D is transposed. A column-major D needs no swap.
//!
//! Each input is then stored, as hipBLASLt sees it, either as the operand it must multiply (`op = N`) or as its
//! transpose (`op = T`): a column-major matrix is itself, a row-major one is its transpose. So with no swap, a
//! row-major input takes `T`; with the swap (where hipBLASLt wants `Bᵀ` and `Aᵀ`), a column-major input takes `T`.
//! hipforge's fast "TN" layout (both inputs K-contiguous) becomes hipBLASLt's TN either way.
//!
//! # What does not translate
//!
//! - GELU, exact (erf) form: hipBLASLt's GELU epilogue is the tanh approximation.
//! - Block scaling (1×128 on A, 128×128 on B): hipBLASLt's `VEC128_32F` / `BLK128x128_32F` scale modes are declared
//!   "not supported yet" in its header, and the library rejects them when set.
//! - A bias with a column-major D (hipBLASLt's bias runs along D's rows; hipforge's along its columns).
//! - `beta ≠ 0` with C in another dtype or storage order than D: hipBLASLt requires C and D to agree in both.
//! - Per-row/column and MX scales with `batch > 1`: hipBLASLt's scale vectors have no batch stride, while
//!   hipforge gives each batch its own scales.
//! - MX on anything but gfx950, MX with inputs that are not both K-contiguous (hipBLASLt's MX kernels are TN), and
//!   MX with `k` not a multiple of 32.
//! - FP8 of the other flavour than the arch's (hipBLASLt: FNUZ on gfx942, OCP on gfx950 and gfx12), or FP8 on an
//!   arch where hipforge does not know which flavour hipBLASLt takes.
//! - Sizes beyond `i32::MAX` rows, columns or batches (hipBLASLt's limits), and a D batch stride smaller than one
//!   whole column-major matrix (`ld × columns`).
//!
//! Which translated combinations a given hipBLASLt build has kernels for is the library's own answer: an empty
//! heuristic list, reported by the wrapper as [`Error::Unsupported`] naming the plan.

use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::gemm::spec::{is_fnuz, is_fp8, Activation, GemmSpec, Layout, Operand, Scaling};
use crate::runtime::hipblaslt::{
    hip_data_type, Algorithm, BufferMut, BufferRef, ComputeType, Epilogue, HipBlasLt, HipBlasLtLibrary, MatmulArgs,
    MatmulPlan, MatrixLayout, ScaleMode,
};
use crate::runtime::{Arch, Device, DeviceBuffer, Stream};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A [`GemmSpec`] as hipBLASLt sees it: the plan for the runtime wrapper plus how hipforge's buffers map onto it.
#[derive(Debug, Clone, PartialEq)]
pub struct Translated {
    /// Everything hipBLASLt's descriptors carry (layouts, transposes, dtypes, compute/scale types, epilogue, bias
    /// type, scale modes, whether D has a scale).
    pub plan: MatmulPlan,
    /// hipBLASLt's "A" is hipforge's B (and its "B" hipforge's A): true when D is row-major (see the module docs).
    pub swapped: bool,
    /// `alpha`, in the plan's scale type when it is passed.
    pub alpha: f64,
    /// `beta`; 0 means C is not read (the plan's C then mirrors D, as hipBLASLt requires).
    pub beta: f64,
    /// The value behind hipBLASLt's D scale pointer: `Some(scale_d)` for FP8 outputs, `None` otherwise.
    pub scale_d: Option<f32>,
    /// True for a problem with no output elements (batch, m or n is 0): there is nothing to run.
    pub empty: bool,
}

/// The raw values that go into hipBLASLt's descriptors, for logs and for checking against the headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawDescriptors {
    /// `hipDataType` of hipBLASLt's A, B, C and D (after the swap, if any).
    pub types: [i32; 4],
    /// `hipblasComputeType_t` given to `hipblasLtMatmulDescCreate`.
    pub compute: i32,
    /// `hipDataType` of alpha and beta (the descriptor's scale type).
    pub scale_type: i32,
    /// `hipblasOperation_t` of `HIPBLASLT_MATMUL_DESC_TRANSA` / `TRANSB`.
    pub trans: [i32; 2],
    /// `hipblasLtEpilogue_t`.
    pub epilogue: u32,
    /// `hipDataType` of the bias vector, when the epilogue reads one.
    pub bias_type: Option<i32>,
    /// `hipblasLtMatmulMatrixScale_t` of A and B, when they are scaled.
    pub scale_modes: [Option<u32>; 2],
    /// hipBLASLt's problem size `(m, n, k)`.
    pub mnk: [u64; 3],
}

impl Translated {
    /// The raw descriptor values of the plan.
    pub fn raw(&self) -> RawDescriptors {
        let p = &self.plan;
        let op = |t: bool| {
            if t {
                hipforge_sys::types::HIPBLAS_OP_T
            } else {
                hipforge_sys::types::HIPBLAS_OP_N
            }
        };
        let (m, n, k) = p.dims();
        RawDescriptors {
            types: [p.a.dtype, p.b.dtype, p.c.dtype, p.d.dtype].map(hip_data_type),
            compute: p.compute.raw(),
            scale_type: hip_data_type(p.scale_type),
            trans: [op(p.trans_a), op(p.trans_b)],
            epilogue: p.epilogue.raw(),
            bias_type: p.bias_dtype.map(hip_data_type),
            scale_modes: [p.scale_a.map(ScaleMode::raw), p.scale_b.map(ScaleMode::raw)],
            mnk: [m, n, k],
        }
    }
}

fn unsupported(what: impl std::fmt::Display) -> Error {
    Error::Unsupported {
        what: format!("{what} unsupported by hipBLASLt"),
    }
}

/// hipBLASLt takes rows, columns and batch counts as 32-bit integers (its header: "usually only values that can be
/// expressed as int32_t are supported").
fn dim(what: &str, v: usize) -> Result<u64> {
    if v > i32::MAX as usize {
        return Err(unsupported(format_args!(
            "{what} = {v}: sizes above i32::MAX ({}) are",
            i32::MAX
        )));
    }
    Ok(v as u64)
}

fn stride(what: &str, v: usize) -> Result<i64> {
    i64::try_from(v).map_err(|_| Error::Overflow {
        what: format!("{what} = {v} as hipBLASLt's int64 stride"),
    })
}

/// The column-major matrix hipBLASLt reads from an operand that is logically `rows×cols`: the matrix itself when
/// it is column-major, its transpose (`cols×rows`) when it is row-major.
fn stored(o: &Operand, rows: usize, cols: usize, batch: u32, name: &str) -> Result<MatrixLayout> {
    let (r, c) = match o.layout {
        Layout::ColMajor => (rows, cols),
        Layout::RowMajor => (cols, rows),
    };
    Ok(MatrixLayout {
        dtype: o.dtype,
        rows: dim(&format!("rows of {name} as stored"), r)?,
        cols: dim(&format!("columns of {name} as stored"), c)?,
        ld: stride(&format!("ld{name}"), o.ld)?,
        batch_count: batch,
        batch_stride: stride(&format!("{name}.batch_stride"), o.batch_stride)?,
    })
}

/// hipBLASLt's FP8 is the arch's hardware flavour (its data-type notes: FNUZ only on gfx942; OCP on gfx950 and gfx12).
fn check_fp8_flavour(t: DType, name: &str, arch: &Arch) -> Result<()> {
    if !is_fp8(t) {
        return Ok(());
    }
    let ocp_ok = matches!(arch, Arch::Gfx950) || arch.name().starts_with("gfx12");
    let fnuz_ok = matches!(arch, Arch::Gfx942);
    if !ocp_ok && !fnuz_ok {
        return Err(unsupported(format_args!(
            "FP8 {name} ({t}) on {arch}: hipforge does not know which FP8 flavour hipBLASLt takes there, so FP8 is"
        )));
    }
    if is_fnuz(t) != fnuz_ok {
        let want = if fnuz_ok {
            "FNUZ (f8e4m3fnuz/f8e5m2fnuz)"
        } else {
            "OCP (f8e4m3/f8e5m2)"
        };
        return Err(unsupported(format_args!(
            "{name} of type {t} on {arch} (hipBLASLt's FP8 there is {want}): this FP8 flavour is"
        )));
    }
    Ok(())
}

/// The hipBLASLt epilogue for hipforge's (bias, activation).
fn epilogue(bias: bool, act: Activation) -> Result<Epilogue> {
    Ok(match (bias, act) {
        (false, Activation::None) => Epilogue::None,
        (false, Activation::Relu) => Epilogue::Relu,
        (false, Activation::GeluTanh) => Epilogue::Gelu,
        (false, Activation::Silu) => Epilogue::Swish,
        (true, Activation::None) => Epilogue::Bias,
        (true, Activation::Relu) => Epilogue::BiasRelu,
        (true, Activation::GeluTanh) => Epilogue::BiasGelu,
        (true, Activation::Silu) => Epilogue::BiasSwish,
        (_, Activation::GeluErf) => {
            return Err(unsupported(
                "GELU in its exact erf form (hipBLASLt's GELU epilogue is the tanh approximation; use \
                 Activation::GeluTanh) is",
            ))
        }
    })
}

/// The hipBLASLt side of hipforge's GEMM: a handle on one HIP device plus the translation of [`GemmSpec`]s.
pub struct HipBlasLtGemm {
    lt: HipBlasLt,
    device: Device,
    /// Device copies of `scale_d` values (hipBLASLt reads D's scale through a device pointer); kept for the
    /// handle's lifetime so a queued matmul never reads freed memory.
    scale_d: Mutex<HashMap<u32, Arc<DeviceBuffer<f32>>>>,
}

/// The device buffers of one GEMM, as the [`GemmSpec`] describes them (hipforge's A and B, not hipBLASLt's).
pub struct GemmBuffers<'a> {
    /// A (`spec.a_len()` elements of `spec.a.dtype`).
    pub a: BufferRef<'a>,
    /// B.
    pub b: BufferRef<'a>,
    /// C, required when `beta ≠ 0` and ignored otherwise.
    pub c: Option<BufferRef<'a>>,
    /// D (written).
    pub d: BufferMut<'a>,
    /// A's scales (per [`Scaling`]): required exactly when the spec scales.
    pub scale_a: Option<BufferRef<'a>>,
    /// B's scales.
    pub scale_b: Option<BufferRef<'a>>,
    /// The bias (`n` f32 values), required exactly when the spec has one.
    pub bias: Option<BufferRef<'a>>,
}

impl<'a> GemmBuffers<'a> {
    /// A, B and D only (no C, scales or bias); add the rest with the `with_*` methods.
    pub fn new(a: impl Into<BufferRef<'a>>, b: impl Into<BufferRef<'a>>, d: impl Into<BufferMut<'a>>) -> Self {
        GemmBuffers {
            a: a.into(),
            b: b.into(),
            c: None,
            d: d.into(),
            scale_a: None,
            scale_b: None,
            bias: None,
        }
    }

    /// Adds C (read when `beta != 0`).
    pub fn with_c(mut self, c: impl Into<BufferRef<'a>>) -> Self {
        self.c = Some(c.into());
        self
    }

    /// Adds A's and B's scales.
    pub fn with_scales(mut self, scale_a: impl Into<BufferRef<'a>>, scale_b: impl Into<BufferRef<'a>>) -> Self {
        self.scale_a = Some(scale_a.into());
        self.scale_b = Some(scale_b.into());
        self
    }

    /// Adds the bias.
    pub fn with_bias(mut self, bias: impl Into<BufferRef<'a>>) -> Self {
        self.bias = Some(bias.into());
        self
    }
}

impl HipBlasLtGemm {
    /// A hipBLASLt handle on `device`, with the process-wide library. Without hipBLASLt installed this is
    /// [`Error::LibraryNotFound`] listing what was tried; on a non-HIP device (the emulator) it is
    /// [`Error::Unsupported`].
    pub fn new(device: &Device) -> Result<Self> {
        Ok(Self::from_handle(device, HipBlasLt::new(device)?))
    }

    /// As [`HipBlasLtGemm::new`] with an explicitly loaded library.
    pub fn with_library(device: &Device, lib: Arc<HipBlasLtLibrary>) -> Result<Self> {
        Ok(Self::from_handle(device, HipBlasLt::with_library(device, lib)?))
    }

    fn from_handle(device: &Device, lt: HipBlasLt) -> Self {
        HipBlasLtGemm {
            lt,
            device: device.clone(),
            scale_d: Mutex::new(HashMap::new()),
        }
    }

    /// The runtime wrapper underneath (heuristic list, algorithm cache).
    pub fn handle(&self) -> &HipBlasLt {
        &self.lt
    }

    /// Translates `spec` for hipBLASLt on `arch`. Pure: needs neither the library nor a device.
    ///
    /// Invalid specs give the errors of [`GemmSpec::validate`]; valid specs hipBLASLt cannot express give
    /// [`Error::Unsupported`] ("… unsupported by hipBLASLt"). See the module docs for the mapping.
    pub fn translate(spec: &GemmSpec, arch: &Arch) -> Result<Translated> {
        spec.validate()?;
        for (name, op) in [("A", &spec.a), ("B", &spec.b), ("D", &spec.d)] {
            check_fp8_flavour(op.dtype, name, arch)?;
        }
        let uses_c = spec.beta != 0.0;
        if uses_c {
            check_fp8_flavour(spec.c.dtype, "C", arch)?;
            if spec.c.dtype != spec.d.dtype {
                return Err(unsupported(format_args!(
                    "C of type {} with D of type {} (hipBLASLt needs C and D of one dtype when beta != 0) is",
                    spec.c.dtype, spec.d.dtype
                )));
            }
            if spec.c.layout != spec.d.layout {
                return Err(unsupported(format_args!(
                    "C {:?} with D {:?} (hipBLASLt needs C and D in one storage order when beta != 0) is",
                    spec.c.layout, spec.d.layout
                )));
            }
        }

        let (m, n, k) = (spec.m, spec.n, spec.k);
        let empty = spec.batch == 0 || m == 0 || n == 0;
        // An empty problem is translated for inspection only (run() returns before hipBLASLt sees it); hipBLASLt's
        // layouts need a batch count of at least 1.
        let batch = u32::try_from(spec.batch.max(1))
            .ok()
            .filter(|&b| b <= i32::MAX as u32)
            .ok_or_else(|| unsupported(format_args!("batch = {}: batch counts above i32::MAX are", spec.batch)))?;
        dim("m", m)?;
        dim("n", n)?;
        dim("k", k)?;

        let swapped = spec.d.layout == Layout::RowMajor;
        // hipBLASLt's A is op-multiplied on the left: hipforge's A (m×k), or with the swap hipforge's B (k×n).
        let (a_op, a_rows, a_cols, b_op, b_rows, b_cols) = if swapped {
            (&spec.b, k, n, &spec.a, m, k)
        } else {
            (&spec.a, m, k, &spec.b, k, n)
        };
        let (lt_m, lt_n) = if swapped { (n, m) } else { (m, n) };
        let a = stored(a_op, a_rows, a_cols, batch, if swapped { "b" } else { "a" })?;
        let b = stored(b_op, b_rows, b_cols, batch, if swapped { "a" } else { "b" })?;
        // op(stored) must be hipBLASLt's operand: hipforge's matrix (no swap) or its transpose (swap).
        let trans_a = (a_op.layout == Layout::RowMajor) != swapped;
        let trans_b = (b_op.layout == Layout::RowMajor) != swapped;
        let d = stored(&spec.d, m, n, batch, "d")?;
        debug_assert_eq!((d.rows, d.cols), (lt_m as u64, lt_n as u64));
        let c = if uses_c {
            stored(&spec.c, m, n, batch, "c")?
        } else {
            d // not read; hipBLASLt still wants a C descriptor, and the wrapper lets D stand in for C
        };
        if batch > 1 && (d.batch_stride as u128) < (d.ld as u128) * (d.cols as u128) && !empty {
            return Err(unsupported(format_args!(
                "a D batch stride of {} below ld x columns = {} x {} of the column-major D hipBLASLt writes is",
                d.batch_stride, d.ld, d.cols
            )));
        }

        let int8 = spec.is_int8();
        let compute = if int8 { ComputeType::I32 } else { ComputeType::F32 };
        // alpha/beta: i32 for the integer-exact i8 -> i32 GEMM, f32 for everything with a float output.
        let scale_type = if spec.d.dtype == DType::I32 {
            DType::I32
        } else {
            DType::F32
        };

        let bias = spec.epilogue.bias.is_some();
        if bias && !swapped {
            return Err(unsupported(
                "a bias with a column-major D (hipforge adds bias[j] along D's columns, hipBLASLt along the rows \
                 of a column-major D; make D row-major) is",
            ));
        }
        let ep = epilogue(bias, spec.epilogue.activation)?;

        let (scale_a, scale_b) = match spec.scaling {
            Scaling::None => (None, None),
            Scaling::PerTensor => (Some(ScaleMode::Scalar), Some(ScaleMode::Scalar)),
            Scaling::RowCol => {
                if spec.batch > 1 {
                    return Err(unsupported(format_args!(
                        "per-row/column scales with batch = {} (hipBLASLt's outer-vector scales have no batch \
                         stride; hipforge gives each batch its own) are",
                        spec.batch
                    )));
                }
                (Some(ScaleMode::OuterVector), Some(ScaleMode::OuterVector))
            }
            Scaling::Block => {
                return Err(unsupported(
                    "block scaling (1x128 on A, 128x128 on B; hipBLASLt declares VEC128_32F and BLK128x128_32F \
                     \"not supported yet\" and rejects them) is",
                ))
            }
            Scaling::Mx => {
                if *arch != Arch::Gfx950 {
                    return Err(unsupported(format_args!(
                        "MX scaling (E8M0 per 32, VEC32_UE8M0) on {arch} (gfx950 only) is"
                    )));
                }
                if spec.a.layout != Layout::RowMajor || spec.b.layout != Layout::ColMajor {
                    return Err(unsupported(format_args!(
                        "MX scaling with A {:?} and B {:?} (hipBLASLt's MX kernels want both inputs K-contiguous: \
                         A RowMajor, B ColMajor) is",
                        spec.a.layout, spec.b.layout
                    )));
                }
                if k % 32 != 0 {
                    return Err(unsupported(format_args!(
                        "MX scaling with k = {k} (a multiple of 32 is needed) is"
                    )));
                }
                if spec.batch > 1 {
                    return Err(unsupported(format_args!(
                        "MX scaling with batch = {} (hipBLASLt's scale tensors have no batch stride) is",
                        spec.batch
                    )));
                }
                (Some(ScaleMode::Vec32E8M0), Some(ScaleMode::Vec32E8M0))
            }
        };
        // hipforge's A scales belong to hipBLASLt's B after the swap (both modes are symmetric here).
        let (scale_a, scale_b) = if swapped {
            (scale_b, scale_a)
        } else {
            (scale_a, scale_b)
        };

        let fp8_out = is_fp8(spec.d.dtype);
        let plan = MatmulPlan {
            trans_a,
            trans_b,
            a,
            b,
            c: MatrixLayout {
                dtype: spec.d.dtype,
                ..c
            },
            d,
            compute,
            scale_type,
            epilogue: ep,
            bias_dtype: spec.epilogue.bias,
            scale_a,
            scale_b,
            scale_c: false,
            scale_d: fp8_out,
            amax_d: false,
            max_workspace: crate::runtime::hipblaslt::DEFAULT_WORKSPACE,
        };
        if !empty {
            plan.validate()?;
        }
        Ok(Translated {
            plan,
            swapped,
            alpha: spec.alpha as f64,
            beta: spec.beta as f64,
            scale_d: fp8_out.then_some(spec.scale_d),
            empty,
        })
    }

    /// [`HipBlasLtGemm::translate`] for this handle's device.
    pub fn plan(&self, spec: &GemmSpec) -> Result<Translated> {
        Self::translate(spec, self.device.arch())
    }

    /// Up to `max` candidate algorithms for `spec`, best first (hipBLASLt's heuristic): for timing them with
    /// [`HipBlasLtGemm::run_with`] and keeping the fastest with [`HipBlasLtGemm::set_algorithm`].
    pub fn heuristics(&self, spec: &GemmSpec, max: usize) -> Result<Vec<Algorithm>> {
        let t = self.plan(spec)?;
        if t.empty {
            return Ok(Vec::new());
        }
        self.lt.heuristics(&t.plan, max)
    }

    /// Does now what the first [`HipBlasLtGemm::run`] of `spec` would otherwise do on its run path: chooses the
    /// algorithm (the heuristic's first, unless one was set), grows the workspace to it and uploads D's scale, so
    /// that runs of `spec` with the cached algorithm allocate nothing.
    pub fn prepare(&self, spec: &GemmSpec) -> Result<()> {
        let t = self.plan(spec)?;
        if t.empty {
            return Ok(());
        }
        if let Some(v) = t.scale_d {
            self.scale_d_buffer(v)?;
        }
        self.lt.prepare(&t.plan)?;
        Ok(())
    }

    /// Makes `algo` the one [`HipBlasLtGemm::run`] uses for every spec with the same plan as `spec`.
    pub fn set_algorithm(&self, spec: &GemmSpec, algo: Algorithm) -> Result<()> {
        let t = self.plan(spec)?;
        self.lt.set_algorithm(&t.plan, algo);
        Ok(())
    }

    /// Queues `spec` on `stream` (the null stream when `None`) through hipBLASLt: translation, descriptors, the
    /// cached algorithm for this plan (the heuristic's first on first use), the matmul.
    ///
    /// Buffers are checked (dtype, length, device) against the plan before anything runs. An empty problem
    /// returns at once.
    pub fn run(&self, spec: &GemmSpec, bufs: GemmBuffers<'_>, stream: Option<&Stream>) -> Result<()> {
        self.launch(spec, bufs, None, stream)
    }

    /// As [`HipBlasLtGemm::run`] with an explicit algorithm (one of [`HipBlasLtGemm::heuristics`] for `spec`).
    pub fn run_with(
        &self,
        spec: &GemmSpec,
        bufs: GemmBuffers<'_>,
        algo: &Algorithm,
        stream: Option<&Stream>,
    ) -> Result<()> {
        self.launch(spec, bufs, Some(algo), stream)
    }

    fn launch(
        &self,
        spec: &GemmSpec,
        bufs: GemmBuffers<'_>,
        algo: Option<&Algorithm>,
        stream: Option<&Stream>,
    ) -> Result<()> {
        let t = self.plan(spec)?;
        if t.empty {
            return Ok(());
        }
        let scale_d = match t.scale_d {
            Some(v) => Some(self.scale_d_buffer(v)?),
            None => None,
        };
        // hipBLASLt's A is hipforge's B after the swap, and the scales travel with their operands.
        let (a, b, scale_a, scale_b) = if t.swapped {
            (bufs.b, bufs.a, bufs.scale_b, bufs.scale_a)
        } else {
            (bufs.a, bufs.b, bufs.scale_a, bufs.scale_b)
        };
        let args = MatmulArgs {
            a,
            b,
            c: if t.beta != 0.0 { bufs.c } else { None },
            d: bufs.d,
            alpha: t.alpha,
            beta: t.beta,
            bias: bufs.bias,
            scale_a,
            scale_b,
            scale_c: None,
            scale_d: scale_d.as_deref().map(BufferRef::from),
            amax_d: None,
        };
        match algo {
            Some(algo) => self.lt.matmul_with(&t.plan, args, algo, stream),
            None => self.lt.matmul(&t.plan, args, stream),
        }
    }

    fn scale_d_buffer(&self, v: f32) -> Result<Arc<DeviceBuffer<f32>>> {
        let mut cache = self.scale_d.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(b) = cache.get(&v.to_bits()) {
            return Ok(b.clone());
        }
        let b = Arc::new(self.device.upload(&[v])?);
        cache.insert(v.to_bits(), b.clone());
        Ok(b)
    }
}
