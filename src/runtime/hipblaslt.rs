//! Safe hipBLASLt: one handle per HIP device, plans that describe a matmul completely (separate dtypes for A, B, C
//! and D, transposes, batch, epilogue, bias, scale pointers and their modes, compute and scale types), the full
//! heuristic list, and a per-plan cache of the chosen algorithm.
//!
//! hipBLASLt is column-major: `D = epilogue(alpha · op(A) · op(B) + beta · C)`, `op(A)` is m×k, `op(B)` k×n, C and D
//! m×n. A row-major problem maps onto it by swapping operands (Dᵀ = op(B)ᵀ op(A)ᵀ); that translation belongs to the
//! GEMM layer. Scales follow hipBLASLt's convention: they multiply (dequantization scales for A/B, `scale_d`
//! multiplies the output before conversion).
//!
//! Loading follows `hipforge_sys::loader::HIPBLASLT` (override variable `HIPFORGE_HIPBLASLT_LIBRARY`); an absent library
//! is [`Error::LibraryNotFound`], and nothing else in hipforge needs it.

use super::buffer::{DeviceBuffer, DevicePtr, DevicePtrMut, DeviceView, DeviceViewMut};
use super::device::Device;
use super::repr::DeviceRepr;
use super::stream::Stream;
use crate::dtype::{DType, Element};
use crate::error::{Error, Result};
use hipforge_sys::types::*;
use hipforge_sys::HipBlasLtLib;
use std::collections::HashMap;
use std::ffi::{c_int, c_void};
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, OnceLock};

/// The hipBLASLt library, opened at run time.
pub struct HipBlasLtLibrary {
    lib: HipBlasLtLib,
}

impl std::fmt::Debug for HipBlasLtLibrary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HipBlasLtLibrary({})", self.path())
    }
}

static GLOBAL: OnceLock<Result<Arc<HipBlasLtLibrary>>> = OnceLock::new();

impl HipBlasLtLibrary {
    /// The process-wide library, loaded on first use (the outcome is kept).
    pub fn global() -> Result<Arc<HipBlasLtLibrary>> {
        GLOBAL
            .get_or_init(|| {
                HipBlasLtLib::load()
                    .map(|lib| Arc::new(HipBlasLtLibrary { lib }))
                    .map_err(Error::from)
            })
            .clone()
    }

    /// Opens exactly `path` as hipBLASLt.
    pub fn load_from(path: impl AsRef<std::path::Path>) -> Result<Arc<HipBlasLtLibrary>> {
        Ok(Arc::new(HipBlasLtLibrary {
            lib: HipBlasLtLib::load_from(path)?,
        }))
    }

    /// Where the library was opened from.
    pub fn path(&self) -> &str {
        self.lib.library().path()
    }

    /// The raw function table.
    pub fn raw(&self) -> &HipBlasLtLib {
        &self.lib
    }
}

/// The name of a `hipblasStatus_t`.
pub fn status_name(status: hipblasStatus_t) -> &'static str {
    match status {
        HIPBLAS_STATUS_SUCCESS => "HIPBLAS_STATUS_SUCCESS",
        HIPBLAS_STATUS_NOT_INITIALIZED => "HIPBLAS_STATUS_NOT_INITIALIZED",
        HIPBLAS_STATUS_ALLOC_FAILED => "HIPBLAS_STATUS_ALLOC_FAILED",
        HIPBLAS_STATUS_INVALID_VALUE => "HIPBLAS_STATUS_INVALID_VALUE",
        HIPBLAS_STATUS_MAPPING_ERROR => "HIPBLAS_STATUS_MAPPING_ERROR",
        HIPBLAS_STATUS_EXECUTION_FAILED => "HIPBLAS_STATUS_EXECUTION_FAILED",
        HIPBLAS_STATUS_INTERNAL_ERROR => "HIPBLAS_STATUS_INTERNAL_ERROR",
        HIPBLAS_STATUS_NOT_SUPPORTED => "HIPBLAS_STATUS_NOT_SUPPORTED",
        HIPBLAS_STATUS_ARCH_MISMATCH => "HIPBLAS_STATUS_ARCH_MISMATCH",
        HIPBLAS_STATUS_HANDLE_IS_NULLPTR => "HIPBLAS_STATUS_HANDLE_IS_NULLPTR",
        HIPBLAS_STATUS_INVALID_ENUM => "HIPBLAS_STATUS_INVALID_ENUM",
        _ => "HIPBLAS_STATUS_UNKNOWN",
    }
}

fn check(call: &str, status: hipblasStatus_t) -> Result<()> {
    if status == HIPBLAS_STATUS_SUCCESS {
        Ok(())
    } else {
        Err(Error::HipBlasLt {
            call: call.to_string(),
            status,
            message: status_name(status).to_string(),
        })
    }
}

/// The `hipDataType` of a hipforge element type.
pub fn hip_data_type(dtype: DType) -> hipDataType {
    match dtype {
        DType::F8E4M3 => HIP_R_8F_E4M3,
        DType::F8E5M2 => HIP_R_8F_E5M2,
        DType::F8E4M3Fnuz => HIP_R_8F_E4M3_FNUZ,
        DType::F8E5M2Fnuz => HIP_R_8F_E5M2_FNUZ,
        DType::E8M0 => HIP_R_8F_UE8M0,
        DType::BF16 => HIP_R_16BF,
        DType::F16 => HIP_R_16F,
        DType::F32 => HIP_R_32F,
        DType::I8 => HIP_R_8I,
        DType::I32 => HIP_R_32I,
    }
}

/// The accumulation (`hipblasComputeType_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ComputeType {
    /// f32 accumulation (bf16/f16/FP8 inputs on CDNA).
    F32,
    /// f32 accumulation, f16 MFMA allowed for f32 inputs.
    F32Fast16F,
    /// f32 accumulation, bf16 MFMA allowed for f32 inputs.
    F32Fast16BF,
    /// f32 accumulation with FNUZ fp8 MFMA (gfx942 extension value).
    F32Fast8FFnuz,
    /// f32 accumulation with FNUZ bf8 MFMA.
    F32Fast8BFFnuz,
    /// i32 accumulation (int8 inputs).
    I32,
}

impl ComputeType {
    /// The raw `hipblasComputeType_t`.
    pub fn raw(self) -> hipblasComputeType_t {
        match self {
            ComputeType::F32 => HIPBLAS_COMPUTE_32F,
            ComputeType::F32Fast16F => HIPBLAS_COMPUTE_32F_FAST_16F,
            ComputeType::F32Fast16BF => HIPBLAS_COMPUTE_32F_FAST_16BF,
            ComputeType::F32Fast8FFnuz => HIPBLAS_COMPUTE_32F_FAST_8F_FNUZ,
            ComputeType::F32Fast8BFFnuz => HIPBLAS_COMPUTE_32F_FAST_8BF_FNUZ,
            ComputeType::I32 => HIPBLAS_COMPUTE_32I,
        }
    }
}

/// Post-processing of the product (`hipblasLtEpilogue_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Epilogue {
    /// Scale and convert only.
    None,
    /// ReLU.
    Relu,
    /// Add a bias vector (one value per row of D).
    Bias,
    /// Bias, then ReLU.
    BiasRelu,
    /// GELU.
    Gelu,
    /// Bias, then GELU.
    BiasGelu,
    /// Swish/SiLU.
    Swish,
    /// Bias, then Swish/SiLU.
    BiasSwish,
}

impl Epilogue {
    /// The raw `hipblasLtEpilogue_t`.
    pub fn raw(self) -> hipblasLtEpilogue_t {
        match self {
            Epilogue::None => HIPBLASLT_EPILOGUE_DEFAULT,
            Epilogue::Relu => HIPBLASLT_EPILOGUE_RELU,
            Epilogue::Bias => HIPBLASLT_EPILOGUE_BIAS,
            Epilogue::BiasRelu => HIPBLASLT_EPILOGUE_RELU_BIAS,
            Epilogue::Gelu => HIPBLASLT_EPILOGUE_GELU,
            Epilogue::BiasGelu => HIPBLASLT_EPILOGUE_GELU_BIAS,
            Epilogue::Swish => HIPBLASLT_EPILOGUE_SWISH_EXT,
            Epilogue::BiasSwish => HIPBLASLT_EPILOGUE_SWISH_BIAS_EXT,
        }
    }

    /// True when the epilogue reads a bias vector.
    pub fn uses_bias(self) -> bool {
        matches!(
            self,
            Epilogue::Bias | Epilogue::BiasRelu | Epilogue::BiasGelu | Epilogue::BiasSwish
        )
    }
}

/// How the A or B scale pointer is read (`hipblasLtMatmulMatrixScale_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScaleMode {
    /// One f32 for the whole matrix.
    Scalar,
    /// One f32 per row of op(A) (m values) or per column of op(B) (n values).
    OuterVector,
    /// One E8M0 per 32 elements along K (MX; gfx950).
    Vec32E8M0,
    /// One f32 per 128 elements along K.
    Vec128,
    /// One f32 per 128×128 block.
    Block128x128,
}

impl ScaleMode {
    /// The raw `hipblasLtMatmulMatrixScale_t`.
    pub fn raw(self) -> hipblasLtMatmulMatrixScale_t {
        match self {
            ScaleMode::Scalar => HIPBLASLT_MATMUL_MATRIX_SCALE_SCALAR_32F,
            ScaleMode::OuterVector => HIPBLASLT_MATMUL_MATRIX_SCALE_OUTER_VEC_32F,
            ScaleMode::Vec32E8M0 => HIPBLASLT_MATMUL_MATRIX_SCALE_VEC32_UE8M0,
            ScaleMode::Vec128 => HIPBLASLT_MATMUL_MATRIX_SCALE_VEC128_32F,
            ScaleMode::Block128x128 => HIPBLASLT_MATMUL_MATRIX_SCALE_BLK128x128_32F,
        }
    }

    /// The element type of the scale tensor.
    pub fn dtype(self) -> DType {
        match self {
            ScaleMode::Vec32E8M0 => DType::E8M0,
            _ => DType::F32,
        }
    }

    /// Scale elements needed for an operand with `outer` rows of op(A) (or columns of op(B)) and depth `k`.
    fn elements(self, outer: u64, k: u64, batch: u64) -> Option<u64> {
        let per = match self {
            ScaleMode::Scalar => 1,
            ScaleMode::OuterVector => outer,
            ScaleMode::Vec32E8M0 => outer.checked_mul(k.div_ceil(32))?,
            ScaleMode::Vec128 => outer.checked_mul(k.div_ceil(128))?,
            ScaleMode::Block128x128 => outer.div_ceil(128).checked_mul(k.div_ceil(128))?,
        };
        if self == ScaleMode::Scalar {
            Some(1)
        } else {
            per.checked_mul(batch)
        }
    }
}

/// A column-major matrix in device memory: `rows × cols`, leading dimension `ld`, optionally strided-batched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MatrixLayout {
    /// Element type.
    pub dtype: DType,
    /// Rows.
    pub rows: u64,
    /// Columns.
    pub cols: u64,
    /// Elements between consecutive columns (>= rows).
    pub ld: i64,
    /// Matrices in the batch (>= 1).
    pub batch_count: u32,
    /// Elements between consecutive matrices of the batch (0 broadcasts one matrix to the whole batch).
    pub batch_stride: i64,
}

impl MatrixLayout {
    /// A packed column-major matrix (`ld = rows`), batch 1.
    pub fn packed(dtype: DType, rows: u64, cols: u64) -> Self {
        MatrixLayout {
            dtype,
            rows,
            cols,
            ld: rows as i64,
            batch_count: 1,
            batch_stride: 0,
        }
    }

    /// The same layout repeated `count` times, `stride` elements apart.
    pub fn batched(self, count: u32, stride: i64) -> Self {
        MatrixLayout {
            batch_count: count,
            batch_stride: stride,
            ..self
        }
    }

    /// Elements a buffer must hold: `(batch_count − 1) · batch_stride + ld · (cols − 1) + rows`.
    pub fn min_elements(&self) -> Result<usize> {
        let overflow = || Error::Overflow {
            what: format!("elements of a {}x{} matrix, ld {}", self.rows, self.cols, self.ld),
        };
        if self.rows == 0 || self.cols == 0 {
            return Ok(0);
        }
        let last_col = (self.ld as u64).checked_mul(self.cols - 1).ok_or_else(overflow)?;
        let one = last_col.checked_add(self.rows).ok_or_else(overflow)?;
        let batches = (self.batch_count.max(1) as u64 - 1)
            .checked_mul(self.batch_stride.max(0) as u64)
            .ok_or_else(overflow)?;
        usize::try_from(one.checked_add(batches).ok_or_else(overflow)?).map_err(|_| overflow())
    }

    fn validate(&self, what: &str) -> Result<()> {
        if self.ld < 0 || (self.ld as u64) < self.rows.max(1) {
            return Err(Error::invalid(
                format!("{what}.ld"),
                format!(">= rows ({}) for a column-major matrix", self.rows.max(1)),
                self.ld,
            ));
        }
        if self.batch_count == 0 {
            return Err(Error::invalid(format!("{what}.batch_count"), ">= 1", 0));
        }
        if self.batch_stride < 0 {
            return Err(Error::invalid(
                format!("{what}.batch_stride"),
                ">= 0",
                self.batch_stride,
            ));
        }
        Ok(())
    }
}

/// Everything about a matmul except the addresses: the key of the algorithm cache.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MatmulPlan {
    /// Transpose A (`op(A) = Aᵀ`: A is stored k×m).
    pub trans_a: bool,
    /// Transpose B (`op(B) = Bᵀ`: B is stored n×k).
    pub trans_b: bool,
    /// A as stored.
    pub a: MatrixLayout,
    /// B as stored.
    pub b: MatrixLayout,
    /// C (m×n); its dtype may differ from D's.
    pub c: MatrixLayout,
    /// D (m×n).
    pub d: MatrixLayout,
    /// Accumulation.
    pub compute: ComputeType,
    /// Type of alpha and beta (f32 for float accumulation; i32 or f32 for int8, per hipBLASLt's support).
    pub scale_type: DType,
    /// Epilogue.
    pub epilogue: Epilogue,
    /// Bias element type, required when the epilogue uses a bias.
    pub bias_dtype: Option<DType>,
    /// A's scale mode, when A is scaled.
    pub scale_a: Option<ScaleMode>,
    /// B's scale mode, when B is scaled.
    pub scale_b: Option<ScaleMode>,
    /// C has a scalar f32 scale.
    pub scale_c: bool,
    /// D has a scalar f32 scale (multiplies before the output conversion).
    pub scale_d: bool,
    /// Write amax(|D|) (one f32) to a device buffer.
    pub amax_d: bool,
    /// Largest workspace the algorithm may use, in bytes.
    pub max_workspace: usize,
}

/// hipBLASLt's customary workspace limit for its heuristics.
pub const DEFAULT_WORKSPACE: usize = 32 << 20;

impl MatmulPlan {
    /// A packed, unbatched, unscaled plan: `D[m×n] = op(A) op(B)` with A stored m×k (k×m when `trans_a`) and B
    /// stored k×n (n×k when `trans_b`); C has D's dtype; alpha/beta are f32 (i32 for [`ComputeType::I32`]).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        m: u64,
        n: u64,
        k: u64,
        trans_a: bool,
        trans_b: bool,
        a: DType,
        b: DType,
        d: DType,
        compute: ComputeType,
    ) -> Self {
        let (ar, ac) = if trans_a { (k, m) } else { (m, k) };
        let (br, bc) = if trans_b { (n, k) } else { (k, n) };
        MatmulPlan {
            trans_a,
            trans_b,
            a: MatrixLayout::packed(a, ar, ac),
            b: MatrixLayout::packed(b, br, bc),
            c: MatrixLayout::packed(d, m, n),
            d: MatrixLayout::packed(d, m, n),
            compute,
            scale_type: if compute == ComputeType::I32 {
                DType::I32
            } else {
                DType::F32
            },
            epilogue: Epilogue::None,
            bias_dtype: None,
            scale_a: None,
            scale_b: None,
            scale_c: false,
            scale_d: false,
            amax_d: false,
            max_workspace: DEFAULT_WORKSPACE,
        }
    }

    /// `(m, n, k)`.
    pub fn dims(&self) -> (u64, u64, u64) {
        let k = if self.trans_a { self.a.rows } else { self.a.cols };
        (self.d.rows, self.d.cols, k)
    }

    /// Checks that the shapes agree, the batch counts match, and the bias and scales are consistent with the
    /// dtypes. (Which combinations a given hipBLASLt build supports is its own answer: an empty heuristic list.)
    pub fn validate(&self) -> Result<()> {
        for (what, l) in [("a", &self.a), ("b", &self.b), ("c", &self.c), ("d", &self.d)] {
            l.validate(what)?;
        }
        let (m, n, k) = self.dims();
        let (am, ak) = if self.trans_a {
            (self.a.cols, self.a.rows)
        } else {
            (self.a.rows, self.a.cols)
        };
        let (bk, bn) = if self.trans_b {
            (self.b.cols, self.b.rows)
        } else {
            (self.b.rows, self.b.cols)
        };
        if am != m {
            return Err(Error::invalid(
                "a",
                format!("op(A) with {m} rows (D's rows)"),
                format!("{am} rows"),
            ));
        }
        if bk != k || ak != k {
            return Err(Error::invalid(
                "b",
                format!("op(B) with {k} rows (op(A)'s columns)"),
                format!("{bk} rows"),
            ));
        }
        if bn != n {
            return Err(Error::invalid(
                "b",
                format!("op(B) with {n} columns (D's columns)"),
                format!("{bn} columns"),
            ));
        }
        if (self.c.rows, self.c.cols) != (m, n) {
            return Err(Error::invalid(
                "c",
                format!("{m}x{n} like D"),
                format!("{}x{}", self.c.rows, self.c.cols),
            ));
        }
        let batch = self.d.batch_count;
        for (what, l) in [("a", &self.a), ("b", &self.b), ("c", &self.c)] {
            if l.batch_count != batch {
                return Err(Error::invalid(
                    format!("{what}.batch_count"),
                    format!("{batch} (D's batch count)"),
                    l.batch_count,
                ));
            }
        }
        if batch > 1 && self.d.batch_stride < self.d.ld.saturating_mul(n as i64) {
            return Err(Error::invalid(
                "d.batch_stride",
                format!(
                    ">= ld·n = {} so that outputs do not overlap",
                    self.d.ld.saturating_mul(n as i64)
                ),
                self.d.batch_stride,
            ));
        }
        match (self.epilogue.uses_bias(), self.bias_dtype) {
            (true, None) => {
                return Err(Error::invalid(
                    "bias_dtype",
                    format!("a dtype, since epilogue {:?} adds a bias", self.epilogue),
                    "None",
                ))
            }
            (false, Some(t)) => {
                return Err(Error::invalid(
                    "bias_dtype",
                    format!("None, since epilogue {:?} reads no bias", self.epilogue),
                    t,
                ))
            }
            _ => {}
        }
        for (what, mode, dtype) in [
            ("scale_a", self.scale_a, self.a.dtype),
            ("scale_b", self.scale_b, self.b.dtype),
        ] {
            if let Some(ScaleMode::Vec32E8M0) = mode {
                if !matches!(dtype, DType::F8E4M3 | DType::F8E5M2) {
                    return Err(Error::UnsupportedDType {
                        what: format!("{what} = Vec32E8M0 (MX)"),
                        dtype: dtype.to_string(),
                        reason: "MX block scales apply to OCP FP8 operands (f8e4m3, f8e5m2)".into(),
                    });
                }
                if k % 32 != 0 {
                    return Err(Error::invalid("k", "a multiple of 32 for MX scales", k));
                }
            }
        }
        if matches!(self.compute, ComputeType::I32) != (self.a.dtype == DType::I8 && self.b.dtype == DType::I8) {
            return Err(Error::UnsupportedDType {
                what: format!("compute {:?}", self.compute),
                dtype: format!("{} x {}", self.a.dtype, self.b.dtype),
                reason: "i32 accumulation goes with i8 x i8 operands, and only with them".into(),
            });
        }
        if !matches!(self.scale_type, DType::F32 | DType::I32) {
            return Err(Error::UnsupportedDType {
                what: "scale_type (alpha, beta)".into(),
                dtype: self.scale_type.to_string(),
                reason: "alpha and beta are f32 or i32".into(),
            });
        }
        Ok(())
    }
}

/// A read-only view of a device buffer with its element type, for operands of any dtype.
#[derive(Clone, Copy)]
pub struct BufferRef<'a> {
    ptr: u64,
    len: usize,
    dtype: DType,
    device: &'a Device,
}

impl<'a> BufferRef<'a> {
    /// Any readable device memory (buffer, view, borrowed memory, a framework's [`DevicePtr`]) with its dtype.
    pub fn new<T: Element + DeviceRepr, P: DevicePtr<T> + ?Sized>(p: &'a P) -> Self {
        BufferRef {
            ptr: p.device_ptr(),
            len: p.len(),
            dtype: T::DTYPE,
            device: p.device(),
        }
    }
}

impl<'a, T: Element + DeviceRepr> From<&'a DeviceBuffer<T>> for BufferRef<'a> {
    fn from(b: &'a DeviceBuffer<T>) -> Self {
        BufferRef::new(b)
    }
}

impl<'a, T: Element + DeviceRepr> From<&'a DeviceView<'_, T>> for BufferRef<'a> {
    fn from(b: &'a DeviceView<'_, T>) -> Self {
        BufferRef::new(b)
    }
}

impl<'a, T: Element + DeviceRepr> From<&'a DeviceViewMut<'_, T>> for BufferRef<'a> {
    fn from(b: &'a DeviceViewMut<'_, T>) -> Self {
        BufferRef::new(b)
    }
}

/// A writable view of a device buffer with its element type (the output D).
pub struct BufferMut<'a> {
    ptr: u64,
    len: usize,
    dtype: DType,
    device: &'a Device,
    _borrow: PhantomData<&'a mut ()>,
}

impl<'a> BufferMut<'a> {
    /// Any writable device memory (buffer, view, borrowed memory, a framework's [`DevicePtrMut`]) with its dtype.
    pub fn new<T: Element + DeviceRepr, P: DevicePtrMut<T> + ?Sized>(p: &'a mut P) -> Self {
        let ptr = p.device_ptr_mut();
        let p: &'a P = p;
        BufferMut {
            ptr,
            len: p.len(),
            dtype: T::DTYPE,
            device: p.device(),
            _borrow: PhantomData,
        }
    }
}

impl<'a, T: Element + DeviceRepr> From<&'a mut DeviceBuffer<T>> for BufferMut<'a> {
    fn from(b: &'a mut DeviceBuffer<T>) -> Self {
        BufferMut::new(b)
    }
}

impl<'a, T: Element + DeviceRepr> From<&'a mut DeviceViewMut<'_, T>> for BufferMut<'a> {
    fn from(b: &'a mut DeviceViewMut<'_, T>) -> Self {
        BufferMut::new(b)
    }
}

/// The buffers and scalars of one matmul. Lengths and dtypes are checked against the plan before anything runs.
pub struct MatmulArgs<'a> {
    /// A.
    pub a: BufferRef<'a>,
    /// B.
    pub b: BufferRef<'a>,
    /// C (read when `beta != 0`; `None` reads nothing and requires `beta == 0`).
    pub c: Option<BufferRef<'a>>,
    /// D (written; it may not be the same buffer as C here — the borrow rules see to that).
    pub d: BufferMut<'a>,
    /// alpha.
    pub alpha: f64,
    /// beta.
    pub beta: f64,
    /// Bias vector: m elements (one per row of D), shared by every matrix of the batch.
    pub bias: Option<BufferRef<'a>>,
    /// A's scales (per the plan's mode).
    pub scale_a: Option<BufferRef<'a>>,
    /// B's scales.
    pub scale_b: Option<BufferRef<'a>>,
    /// C's scalar scale (f32).
    pub scale_c: Option<BufferRef<'a>>,
    /// D's scalar scale (f32).
    pub scale_d: Option<BufferRef<'a>>,
    /// amax(|D|) output (one f32).
    pub amax_d: Option<BufferMut<'a>>,
}

/// One candidate algorithm from the heuristic, best first in [`HipBlasLt::heuristics`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Algorithm {
    raw: hipblasLtMatmulAlgo_t,
    /// Workspace bytes it needs.
    pub workspace_bytes: usize,
    /// hipBLASLt's device-utilization estimate (1.0 = one full wave of workgroups).
    pub waves_count: f32,
}

/// A hipBLASLt handle on one HIP device, with its workspace and algorithm cache.
pub struct HipBlasLt {
    lib: Arc<HipBlasLtLibrary>,
    device: Device,
    handle: usize,
    /// A `hipEvent_t` that orders a matmul on a new stream after the last one (they share the workspace).
    order_event: usize,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    chosen: HashMap<MatmulPlan, Algorithm>,
    workspace: Option<DeviceBuffer<u8>>,
    /// The stream of the last matmul: the workspace is reused, so a matmul on another stream is ordered after it
    /// (an event recorded there and waited for on the new stream; the host never waits).
    last_stream: Option<usize>,
}

/// Which kind of hipBLASLt descriptor a [`Guard`] frees.
#[derive(Clone, Copy)]
enum DescKind {
    Layout,
    Matmul,
    Preference,
}

/// Frees a hipBLASLt descriptor when dropped.
struct Guard<'l> {
    raw: *mut c_void,
    kind: DescKind,
    lib: &'l HipBlasLtLib,
}

impl Drop for Guard<'_> {
    fn drop(&mut self) {
        if self.raw.is_null() {
            return;
        }
        // SAFETY: `raw` was created by the matching Create call and is destroyed once.
        let _ = unsafe {
            match self.kind {
                DescKind::Layout => self.lib.hipblasLtMatrixLayoutDestroy(self.raw),
                DescKind::Matmul => self.lib.hipblasLtMatmulDescDestroy(self.raw),
                DescKind::Preference => self.lib.hipblasLtMatmulPreferenceDestroy(self.raw),
            }
        };
    }
}

fn set_attr<T: Copy>(
    call: &str,
    f: impl FnOnce(*const c_void, usize) -> std::result::Result<hipblasStatus_t, hipforge_sys::MissingSymbol>,
    value: &T,
) -> Result<()> {
    check(call, f(value as *const T as *const c_void, std::mem::size_of::<T>())?)
}

impl HipBlasLt {
    /// A handle on `device` using the process-wide library ([`HipBlasLtLibrary::global`]).
    pub fn new(device: &Device) -> Result<HipBlasLt> {
        Self::with_library(device, HipBlasLtLibrary::global()?)
    }

    /// A handle on `device` using an explicitly loaded library.
    pub fn with_library(device: &Device, lib: Arc<HipBlasLtLibrary>) -> Result<HipBlasLt> {
        let Some(backend) = device.hip_backend() else {
            return Err(Error::Unsupported {
                what: format!("hipBLASLt on {}: it needs a HIP device", device.name()),
            });
        };
        backend.ctx()?;
        let order_event = backend.event_create()?;
        let mut handle: hipblasLtHandle_t = std::ptr::null_mut();
        let created = check("hipblasLtCreate", unsafe { lib.raw().hipblasLtCreate(&mut handle)? });
        if let Err(e) = created {
            backend.event_destroy(order_event);
            return Err(e);
        }
        Ok(HipBlasLt {
            lib,
            device: device.clone(),
            handle: handle as usize,
            order_event,
            state: Mutex::new(State::default()),
        })
    }

    /// The library behind the handle.
    pub fn library(&self) -> &Arc<HipBlasLtLibrary> {
        &self.lib
    }

    fn raw(&self) -> &HipBlasLtLib {
        self.lib.raw()
    }

    fn layout(&self, l: &MatrixLayout) -> Result<Guard<'_>> {
        let mut raw: hipblasLtMatrixLayout_t = std::ptr::null_mut();
        check("hipblasLtMatrixLayoutCreate", unsafe {
            self.raw()
                .hipblasLtMatrixLayoutCreate(&mut raw, hip_data_type(l.dtype), l.rows, l.cols, l.ld)?
        })?;
        let guard = Guard {
            raw,
            kind: DescKind::Layout,
            lib: self.raw(),
        };
        if l.batch_count > 1 {
            let set = |attr| {
                move |p: *const c_void, n: usize| unsafe {
                    self.raw().hipblasLtMatrixLayoutSetAttribute(raw, attr, p, n)
                }
            };
            set_attr(
                "hipblasLtMatrixLayoutSetAttribute(BATCH_COUNT)",
                set(HIPBLASLT_MATRIX_LAYOUT_BATCH_COUNT),
                &(l.batch_count as i32),
            )?;
            set_attr(
                "hipblasLtMatrixLayoutSetAttribute(STRIDED_BATCH_OFFSET)",
                set(HIPBLASLT_MATRIX_LAYOUT_STRIDED_BATCH_OFFSET),
                &l.batch_stride,
            )?;
        }
        Ok(guard)
    }

    /// The descriptor of `plan`; pointer attributes (bias, scales, amax) are set from `args` when given.
    fn desc(&self, plan: &MatmulPlan, args: Option<&MatmulArgs<'_>>) -> Result<Guard<'_>> {
        let mut raw: hipblasLtMatmulDesc_t = std::ptr::null_mut();
        check("hipblasLtMatmulDescCreate", unsafe {
            self.raw()
                .hipblasLtMatmulDescCreate(&mut raw, plan.compute.raw(), hip_data_type(plan.scale_type))?
        })?;
        let guard = Guard {
            raw,
            kind: DescKind::Matmul,
            lib: self.raw(),
        };
        let set = |attr| {
            move |p: *const c_void, n: usize| unsafe { self.raw().hipblasLtMatmulDescSetAttribute(raw, attr, p, n) }
        };
        let op = |t: bool| if t { HIPBLAS_OP_T } else { HIPBLAS_OP_N };
        set_attr(
            "MatmulDescSetAttribute(TRANSA)",
            set(HIPBLASLT_MATMUL_DESC_TRANSA),
            &op(plan.trans_a),
        )?;
        set_attr(
            "MatmulDescSetAttribute(TRANSB)",
            set(HIPBLASLT_MATMUL_DESC_TRANSB),
            &op(plan.trans_b),
        )?;
        set_attr(
            "MatmulDescSetAttribute(EPILOGUE)",
            set(HIPBLASLT_MATMUL_DESC_EPILOGUE),
            &plan.epilogue.raw(),
        )?;
        if let Some(t) = plan.bias_dtype {
            set_attr(
                "MatmulDescSetAttribute(BIAS_DATA_TYPE)",
                set(HIPBLASLT_MATMUL_DESC_BIAS_DATA_TYPE),
                &hip_data_type(t),
            )?;
        }
        if let Some(m) = plan.scale_a.filter(|&m| m != ScaleMode::Scalar) {
            set_attr(
                "MatmulDescSetAttribute(A_SCALE_MODE)",
                set(HIPBLASLT_MATMUL_DESC_A_SCALE_MODE),
                &m.raw(),
            )?;
        }
        if let Some(m) = plan.scale_b.filter(|&m| m != ScaleMode::Scalar) {
            set_attr(
                "MatmulDescSetAttribute(B_SCALE_MODE)",
                set(HIPBLASLT_MATMUL_DESC_B_SCALE_MODE),
                &m.raw(),
            )?;
        }
        // Pointers: real ones for a matmul; for a heuristic query, a non-null placeholder tells hipBLASLt that the
        // operand is scaled/biased (it never dereferences descriptors' pointers while choosing an algorithm).
        let ptr = |b: Option<&BufferRef<'_>>, wanted: bool| -> Option<u64> {
            match (args, wanted) {
                (_, false) => None,
                (Some(_), true) => b.map(|b| b.ptr),
                (None, true) => Some(256),
            }
        };
        let pointers = [
            (
                HIPBLASLT_MATMUL_DESC_BIAS_POINTER,
                "BIAS_POINTER",
                ptr(args.and_then(|a| a.bias.as_ref()), plan.epilogue.uses_bias()),
            ),
            (
                HIPBLASLT_MATMUL_DESC_A_SCALE_POINTER,
                "A_SCALE_POINTER",
                ptr(args.and_then(|a| a.scale_a.as_ref()), plan.scale_a.is_some()),
            ),
            (
                HIPBLASLT_MATMUL_DESC_B_SCALE_POINTER,
                "B_SCALE_POINTER",
                ptr(args.and_then(|a| a.scale_b.as_ref()), plan.scale_b.is_some()),
            ),
            (
                HIPBLASLT_MATMUL_DESC_C_SCALE_POINTER,
                "C_SCALE_POINTER",
                ptr(args.and_then(|a| a.scale_c.as_ref()), plan.scale_c),
            ),
            (
                HIPBLASLT_MATMUL_DESC_D_SCALE_POINTER,
                "D_SCALE_POINTER",
                ptr(args.and_then(|a| a.scale_d.as_ref()), plan.scale_d),
            ),
            (
                HIPBLASLT_MATMUL_DESC_AMAX_D_POINTER,
                "AMAX_D_POINTER",
                match (args, plan.amax_d) {
                    (_, false) => None,
                    (Some(a), true) => a.amax_d.as_ref().map(|b| b.ptr),
                    (None, true) => Some(256),
                },
            ),
        ];
        for (attr, name, p) in pointers {
            if let Some(p) = p {
                let p = p as *const c_void;
                set_attr(&format!("MatmulDescSetAttribute({name})"), set(attr), &p)?;
            }
        }
        Ok(guard)
    }

    fn preference(&self, plan: &MatmulPlan) -> Result<Guard<'_>> {
        let mut raw: hipblasLtMatmulPreference_t = std::ptr::null_mut();
        check("hipblasLtMatmulPreferenceCreate", unsafe {
            self.raw().hipblasLtMatmulPreferenceCreate(&mut raw)?
        })?;
        let guard = Guard {
            raw,
            kind: DescKind::Preference,
            lib: self.raw(),
        };
        set_attr(
            "hipblasLtMatmulPreferenceSetAttribute(MAX_WORKSPACE_BYTES)",
            |p, n| unsafe {
                self.raw()
                    .hipblasLtMatmulPreferenceSetAttribute(raw, HIPBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, p, n)
            },
            &(plan.max_workspace as u64),
        )?;
        Ok(guard)
    }

    /// Up to `max` candidate algorithms for `plan`, best first, each within the plan's workspace limit. Empty when
    /// this hipBLASLt build has no kernel for the combination.
    pub fn heuristics(&self, plan: &MatmulPlan, max: usize) -> Result<Vec<Algorithm>> {
        plan.validate()?;
        if max == 0 {
            return Ok(Vec::new());
        }
        let requested = c_int::try_from(max).map_err(|_| Error::invalid("max", "at most i32::MAX", max))?;
        self.device.hip_backend().map(|b| b.ctx()).transpose()?;
        let desc = self.desc(plan, None)?;
        let layouts = [
            self.layout(&plan.a)?,
            self.layout(&plan.b)?,
            self.layout(&plan.c)?,
            self.layout(&plan.d)?,
        ];
        let pref = self.preference(plan)?;
        let mut results = vec![hipblasLtMatmulHeuristicResult_t::default(); max];
        let mut returned: c_int = 0;
        let status = unsafe {
            self.raw().hipblasLtMatmulAlgoGetHeuristic(
                self.handle as hipblasLtHandle_t,
                desc.raw,
                layouts[0].raw,
                layouts[1].raw,
                layouts[2].raw,
                layouts[3].raw,
                pref.raw,
                requested,
                results.as_mut_ptr(),
                &mut returned,
            )?
        };
        // hipBLASLt reports "no algorithm" as NOT_SUPPORTED/INVALID_VALUE on some versions: that is an empty list.
        if status == HIPBLAS_STATUS_NOT_SUPPORTED {
            return Ok(Vec::new());
        }
        check("hipblasLtMatmulAlgoGetHeuristic", status)?;
        let n = (returned.max(0) as usize).min(max);
        Ok(results[..n]
            .iter()
            .filter(|r| r.state == HIPBLAS_STATUS_SUCCESS && r.workspaceSize <= plan.max_workspace)
            .map(|r| Algorithm {
                raw: r.algo,
                workspace_bytes: r.workspaceSize,
                waves_count: r.wavesCount,
            })
            .collect())
    }

    /// The algorithm the cache holds for `plan`, choosing (the heuristic's first) on first use.
    pub fn algorithm(&self, plan: &MatmulPlan) -> Result<Algorithm> {
        if let Some(a) = self.lock().chosen.get(plan) {
            return Ok(*a);
        }
        let best = self
            .heuristics(plan, 16)?
            .into_iter()
            .next()
            .ok_or_else(|| Error::Unsupported {
                what: format!("hipBLASLt ({}) has no algorithm for {plan:?}", self.lib.path()),
            })?;
        self.lock().chosen.insert(plan.clone(), best);
        Ok(best)
    }

    /// Chooses `plan`'s algorithm now (as [`HipBlasLt::algorithm`]) and grows the handle's workspace to what it
    /// needs, so that a later [`HipBlasLt::matmul`] of this plan allocates nothing.
    pub fn prepare(&self, plan: &MatmulPlan) -> Result<Algorithm> {
        let algo = self.algorithm(plan)?;
        self.reserve_workspace(algo.workspace_bytes)?;
        Ok(algo)
    }

    /// Grows the handle's workspace to at least `bytes` now (a matmul whose algorithm needs more grows it then).
    pub fn reserve_workspace(&self, bytes: usize) -> Result<()> {
        let mut state = self.lock();
        if bytes > state.workspace.as_ref().map_or(0, |w| w.len()) {
            state.workspace = Some(DeviceBuffer::zeroed(&self.device, bytes)?);
        }
        Ok(())
    }

    /// Replaces the cached choice for `plan` (e.g. after timing the heuristic list).
    pub fn set_algorithm(&self, plan: &MatmulPlan, algo: Algorithm) {
        self.lock().chosen.insert(plan.clone(), algo);
    }

    /// Plans with a cached algorithm.
    pub fn cached_plans(&self) -> usize {
        self.lock().chosen.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queues `D = epilogue(alpha · op(A) op(B) + beta · C)` on `stream` (the null stream when `None`) with the
    /// cached algorithm (see [`HipBlasLt::algorithm`]).
    pub fn matmul(&self, plan: &MatmulPlan, args: MatmulArgs<'_>, stream: Option<&Stream>) -> Result<()> {
        let algo = self.algorithm(plan)?;
        self.matmul_with(plan, args, &algo, stream)
    }

    /// As [`HipBlasLt::matmul`] with an explicit algorithm (one of [`HipBlasLt::heuristics`] for this plan).
    pub fn matmul_with(
        &self,
        plan: &MatmulPlan,
        args: MatmulArgs<'_>,
        algo: &Algorithm,
        stream: Option<&Stream>,
    ) -> Result<()> {
        plan.validate()?;
        check_args(plan, &args, &self.device)?;
        if let Some(s) = stream {
            self.device.check_same("the stream of a hipBLASLt matmul", s.device())?;
        }
        let backend = self.device.hip_backend().ok_or_else(|| Error::Unsupported {
            what: "hipBLASLt needs a HIP device".into(),
        })?;
        backend.ctx()?;
        let raw_stream = stream.map(|s| s.raw_handle()).unwrap_or(0);
        let desc = self.desc(plan, Some(&args))?;
        let layouts = [
            self.layout(&plan.a)?,
            self.layout(&plan.b)?,
            self.layout(&plan.c)?,
            self.layout(&plan.d)?,
        ];
        let scalar = |v: f64| -> [u8; 8] {
            let mut bytes = [0u8; 8];
            match plan.scale_type {
                DType::I32 => bytes[..4].copy_from_slice(&(v as i32).to_ne_bytes()),
                _ => bytes[..4].copy_from_slice(&(v as f32).to_ne_bytes()),
            }
            bytes
        };
        let (alpha, beta) = (scalar(args.alpha), scalar(args.beta));
        let mut state = self.lock();
        if let Some(prev) = state.last_stream.filter(|&p| p != raw_stream) {
            // The previous matmul may still be using the workspace on its stream: this one starts after it.
            backend.event_record(self.order_event, prev)?;
            backend.stream_wait_event(raw_stream, self.order_event)?;
        }
        if algo.workspace_bytes > state.workspace.as_ref().map_or(0, |w| w.len()) {
            state.workspace = Some(DeviceBuffer::zeroed(&self.device, algo.workspace_bytes)?);
        }
        let (ws_ptr, ws_len) = state.workspace.as_ref().map_or((0, 0), |w| (w.device_ptr(), w.len()));
        // C defaults to D when absent (beta is then 0, so hipBLASLt reads nothing from it).
        let c_ptr = args.c.as_ref().map_or(args.d.ptr, |c| c.ptr);
        let status = unsafe {
            self.raw().hipblasLtMatmul(
                self.handle as hipblasLtHandle_t,
                desc.raw,
                alpha.as_ptr() as *const c_void,
                args.a.ptr as *const c_void,
                layouts[0].raw,
                args.b.ptr as *const c_void,
                layouts[1].raw,
                beta.as_ptr() as *const c_void,
                c_ptr as *const c_void,
                layouts[2].raw,
                args.d.ptr as *mut c_void,
                layouts[3].raw,
                &algo.raw,
                ws_ptr as *mut c_void,
                ws_len,
                raw_stream as hipStream_t,
            )?
        };
        check("hipblasLtMatmul", status)?;
        state.last_stream = Some(raw_stream);
        Ok(())
    }
}

impl Drop for HipBlasLt {
    fn drop(&mut self) {
        if let Some(b) = self.device.hip_backend() {
            let _ = b.ctx();
        }
        let _ = unsafe { self.raw().hipblasLtDestroy(self.handle as hipblasLtHandle_t) };
        if let Some(b) = self.device.hip_backend() {
            b.event_destroy(self.order_event);
        }
    }
}

/// Checks every buffer against the plan: same device, right dtype, long enough.
fn check_args(plan: &MatmulPlan, args: &MatmulArgs<'_>, dev: &Device) -> Result<()> {
    let (m, n, k) = plan.dims();
    let batch = plan.d.batch_count as u64;
    let check_buf = |what: &str, dtype: DType, len: usize, device: &Device, want: DType, need: usize| -> Result<()> {
        dev.check_same(&format!("hipBLASLt operand {what}"), device)?;
        if dtype != want {
            return Err(Error::UnsupportedDType {
                what: what.to_string(),
                dtype: dtype.to_string(),
                reason: format!("the plan says {want}"),
            });
        }
        if len < need {
            return Err(Error::LengthMismatch {
                what: what.to_string(),
                expected: need,
                got: len,
            });
        }
        Ok(())
    };
    fn r<'b>(b: &BufferRef<'b>) -> (DType, usize, &'b Device) {
        (b.dtype, b.len, b.device)
    }
    let (t, l, d) = r(&args.a);
    check_buf("a", t, l, d, plan.a.dtype, plan.a.min_elements()?)?;
    let (t, l, d) = r(&args.b);
    check_buf("b", t, l, d, plan.b.dtype, plan.b.min_elements()?)?;
    check_buf(
        "d",
        args.d.dtype,
        args.d.len,
        args.d.device,
        plan.d.dtype,
        plan.d.min_elements()?,
    )?;
    match &args.c {
        Some(c) => {
            let (t, l, d) = r(c);
            check_buf("c", t, l, d, plan.c.dtype, plan.c.min_elements()?)?;
        }
        None if args.beta != 0.0 => {
            return Err(Error::invalid("c", "a C buffer when beta != 0", "None"));
        }
        None if plan.c.dtype != plan.d.dtype => {
            return Err(Error::invalid(
                "c",
                format!(
                    "a C buffer: C ({}) and D ({}) differ in dtype, so D cannot stand in",
                    plan.c.dtype, plan.d.dtype
                ),
                "None",
            ));
        }
        None => {}
    }
    let to_usize = |v: Option<u64>, what: &str| -> Result<usize> {
        v.and_then(|v| usize::try_from(v).ok())
            .ok_or_else(|| Error::Overflow { what: what.to_string() })
    };
    let optional = |what: &str, buf: Option<&BufferRef<'_>>, want: Option<(DType, usize)>| -> Result<()> {
        match (buf, want) {
            (None, None) => Ok(()),
            (Some(b), Some((t, need))) => check_buf(what, b.dtype, b.len, b.device, t, need),
            (None, Some(_)) => Err(Error::invalid(what, "a buffer (the plan uses it)", "None")),
            (Some(_), None) => Err(Error::invalid(what, "None (the plan does not use it)", "a buffer")),
        }
    };
    let bias_need = plan.bias_dtype.map(|t| (t, m as usize));
    optional("bias", args.bias.as_ref(), bias_need)?;
    let sa = match plan.scale_a {
        Some(mode) => Some((mode.dtype(), to_usize(mode.elements(m, k, batch), "scale_a elements")?)),
        None => None,
    };
    optional("scale_a", args.scale_a.as_ref(), sa)?;
    let sb = match plan.scale_b {
        Some(mode) => Some((mode.dtype(), to_usize(mode.elements(n, k, batch), "scale_b elements")?)),
        None => None,
    };
    optional("scale_b", args.scale_b.as_ref(), sb)?;
    optional(
        "scale_c",
        args.scale_c.as_ref(),
        plan.scale_c.then_some((DType::F32, 1)),
    )?;
    optional(
        "scale_d",
        args.scale_d.as_ref(),
        plan.scale_d.then_some((DType::F32, 1)),
    )?;
    match (&args.amax_d, plan.amax_d) {
        (None, false) => {}
        (Some(b), true) => check_buf("amax_d", b.dtype, b.len, b.device, DType::F32, 1)?,
        (None, true) => return Err(Error::invalid("amax_d", "a buffer (the plan uses it)", "None")),
        (Some(_), false) => return Err(Error::invalid("amax_d", "None (the plan does not use it)", "a buffer")),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dtype_and_enum_values_match_the_rocm_headers() {
        assert_eq!(hip_data_type(DType::F8E4M3Fnuz), 1000);
        assert_eq!(hip_data_type(DType::F8E5M2Fnuz), 1001);
        assert_eq!(hip_data_type(DType::F8E4M3), 28);
        assert_eq!(hip_data_type(DType::F8E5M2), 29);
        assert_eq!(hip_data_type(DType::BF16), 14);
        assert_eq!(Epilogue::BiasGelu.raw(), 36);
        assert_eq!(ComputeType::F32.raw(), 2);
        assert_eq!(ScaleMode::OuterVector.raw(), 3);
        assert_eq!(status_name(7), "HIPBLAS_STATUS_NOT_SUPPORTED");
    }

    #[test]
    fn plan_shapes_follow_the_transposes() {
        let p = MatmulPlan::new(
            100,
            60,
            70,
            true,
            false,
            DType::BF16,
            DType::BF16,
            DType::F32,
            ComputeType::F32,
        );
        assert_eq!((p.a.rows, p.a.cols), (70, 100));
        assert_eq!(p.dims(), (100, 60, 70));
        p.validate().unwrap();
        assert_eq!(p.a.min_elements().unwrap(), 7000);
        let b = MatrixLayout::packed(DType::F32, 5, 3).batched(4, 20);
        assert_eq!(b.min_elements().unwrap(), 3 * 20 + 15);
    }

    #[test]
    fn plan_validation_names_the_problem() {
        let base = MatmulPlan::new(
            64,
            32,
            128,
            false,
            true,
            DType::F8E4M3,
            DType::F8E4M3,
            DType::BF16,
            ComputeType::F32,
        );
        base.validate().unwrap();

        let mut p = base.clone();
        p.b.rows = 33; // stored n×k when transposed: n must be 32
        p.b.ld = 33;
        assert!(matches!(p.validate(), Err(Error::InvalidArgument { ref what, .. }) if what == "b"));

        let mut p = base.clone();
        p.epilogue = Epilogue::BiasRelu;
        assert!(matches!(p.validate(), Err(Error::InvalidArgument { ref what, .. }) if what == "bias_dtype"));
        p.bias_dtype = Some(DType::BF16);
        p.validate().unwrap();

        let mut p = base.clone();
        p.a.ld = 10;
        assert!(matches!(p.validate(), Err(Error::InvalidArgument { ref what, .. }) if what == "a.ld"));

        let mut p = base.clone();
        p.scale_a = Some(ScaleMode::Vec32E8M0);
        p.validate().unwrap();
        p.a.dtype = DType::F8E4M3Fnuz;
        assert!(matches!(p.validate(), Err(Error::UnsupportedDType { .. })));

        let mut p = base.clone();
        p.compute = ComputeType::I32;
        assert!(matches!(p.validate(), Err(Error::UnsupportedDType { .. })));

        let mut p = base.clone();
        p.d = p.d.batched(2, 10);
        p.c = p.c.batched(2, 0);
        p.a = p.a.batched(2, 0);
        p.b = p.b.batched(2, 0);
        assert!(matches!(p.validate(), Err(Error::InvalidArgument { ref what, .. }) if what == "d.batch_stride"));
        p.d.batch_stride = 64 * 32;
        p.validate().unwrap();
    }

    #[test]
    fn scale_lengths_per_mode() {
        assert_eq!(ScaleMode::Scalar.elements(64, 256, 3), Some(1));
        assert_eq!(ScaleMode::OuterVector.elements(64, 256, 3), Some(192));
        assert_eq!(ScaleMode::Vec32E8M0.elements(64, 256, 1), Some(64 * 8));
        assert_eq!(ScaleMode::Vec128.elements(64, 300, 1), Some(64 * 3));
        assert_eq!(ScaleMode::Block128x128.elements(200, 300, 1), Some(2 * 3));
    }
}
