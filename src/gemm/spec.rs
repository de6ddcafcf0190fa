//! [`GemmSpec`]: the one description of a GEMM problem that the CPU reference, the GPU kernels, the hipBLASLt
//! backend and the verifier all share.
//!
//! # What is computed
//!
//! For every batch `b`, row `i < m` and column `j < n`:
//!
//! ```text
//! acc[i,j] = Σ_{p<k} (sa·A)[i,p] · (sb·B)[p,j]           (sa, sb: dequantization scales, see Scaling)
//! D[i,j]   = act(alpha · acc[i,j] + beta · C[i,j] + bias[j])
//! stored   = convert(D[i,j])              for f32 / bf16 / f16 / i32 outputs (round to nearest even)
//! stored   = sat_fp8(scale_d · D[i,j])    for FP8 outputs (round to nearest even, ±max on overflow)
//! ```
//!
//! `A` is `m×k`, `B` is `k×n`, `C` and `D` are `m×n`. Scales are *dequantization* scales (the
//! `torch._scaled_mm` convention): the real value of a stored element is `scale · element`.
//!
//! **INT8** (`A`, `B` both `i8`): `acc` is the exact sum reduced modulo 2³² into an `i32`, as the hardware's
//! i32 accumulator does (wrapping addition is associative, so the order does not matter). Per-tensor and
//! row/column scales then multiply the wrapped `i32` (they are applied in the epilogue, not per term). With an
//! `i32` output the epilogue is integer-exact: `alpha` must be 1, `beta` 0 or 1 (`D = acc + C`, wrapping), no
//! scaling, no bias, activation none or ReLU.
//!
//! When `beta == 0`, `C` is not read at all (a NaN in `C` does not propagate) and [`GemmSpec::c_len`] is 0.
//!
//! # Memory layout
//!
//! Every matrix is described by an [`Operand`]: its dtype, [`Layout`], leading dimension and batch stride, all in
//! elements. Element `(r, c)` of batch `b` of an `R×C` matrix lives at
//! `b·batch_stride + r·ld + c` (row-major, `ld ≥ C`) or `b·batch_stride + r + c·ld` (column-major, `ld ≥ R`).
//! A buffer must hold at least [`GemmSpec::a_len`] (etc.) elements: the offset of the last element plus one.
//! Input batch strides may be anything, including 0 (broadcast one matrix to every batch); `D`'s batches
//! must not overlap.
//!
//! [`GemmSpec::new`] builds the packed **TN** problem — `A` row-major (`m×k`, K contiguous), `B` column-major
//! (`k×n`, K contiguous), `C`/`D` row-major — which is the layout the MFMA kernels load fastest (both operands
//! K-contiguous). Use [`GemmSpec::layouts`] for NN, NT and TT.

use crate::dtype::DType;
use crate::error::{Error, Result};

/// Storage order of a matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layout {
    /// Rows are contiguous: element `(r, c)` at `r·ld + c`.
    RowMajor,
    /// Columns are contiguous: element `(r, c)` at `r + c·ld`.
    ColMajor,
}

/// One matrix of a GEMM as it sits in memory.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Operand {
    /// Element type.
    pub dtype: DType,
    /// Storage order.
    pub layout: Layout,
    /// Leading dimension in elements: the distance between consecutive rows (row-major) or columns (column-major).
    pub ld: usize,
    /// Distance in elements between consecutive batches (may be 0 for an input shared by all batches).
    pub batch_stride: usize,
}

impl Operand {
    /// A packed `rows×cols` matrix: the smallest leading dimension and a batch stride of `rows·cols`.
    pub fn packed(dtype: DType, layout: Layout, rows: usize, cols: usize) -> Self {
        let ld = match layout {
            Layout::RowMajor => cols,
            Layout::ColMajor => rows,
        };
        Operand {
            dtype,
            layout,
            ld: ld.max(1),
            batch_stride: rows.saturating_mul(cols),
        }
    }

    /// Offset of element `(r, c)` of batch `b` (no bounds checks; validated specs never overflow).
    #[inline]
    pub fn offset(&self, b: usize, r: usize, c: usize) -> usize {
        let inner = match self.layout {
            Layout::RowMajor => r * self.ld + c,
            Layout::ColMajor => r + c * self.ld,
        };
        b * self.batch_stride + inner
    }

    /// Elements a buffer needs for `batch` matrices of `rows×cols` (0 when any of them is 0).
    fn required_len(&self, batch: usize, rows: usize, cols: usize) -> Option<usize> {
        if batch == 0 || rows == 0 || cols == 0 {
            return Some(0);
        }
        let (outer, inner) = match self.layout {
            Layout::RowMajor => (rows, cols),
            Layout::ColMajor => (cols, rows),
        };
        let span = (outer - 1).checked_mul(self.ld)?.checked_add(inner)?;
        (batch - 1).checked_mul(self.batch_stride)?.checked_add(span)
    }

    /// Checks the leading dimension against a `rows×cols` matrix.
    fn check_ld(&self, name: &str, rows: usize, cols: usize) -> Result<()> {
        let min = match self.layout {
            Layout::RowMajor => cols,
            Layout::ColMajor => rows,
        }
        .max(1);
        if self.ld < min {
            let what = match self.layout {
                Layout::RowMajor => "columns",
                Layout::ColMajor => "rows",
            };
            return Err(Error::invalid(
                format!("ld{name}"),
                format!(
                    "at least {min} (the {what} of the {rows}x{cols} {:?} matrix {name})",
                    self.layout
                ),
                self.ld,
            ));
        }
        Ok(())
    }
}

/// How the stored A and B elements are turned into real values (dequantization scales).
///
/// Scale buffers are `f32`, except [`Scaling::Mx`] whose scales are [`crate::E8M0`]. Per-tensor scales are
/// shared by all batches; every other mode has one packed set of scales per batch (batch `b`'s set starts at
/// `b ·` [`GemmSpec::scale_a_len`]` / batch`). Lengths: [`GemmSpec::scale_a_len`], [`GemmSpec::scale_b_len`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Scaling {
    /// No scales: A and B are used as stored.
    #[default]
    None,
    /// One `f32` scale for all of A and one for all of B (both buffers of length 1).
    PerTensor,
    /// One `f32` per row of A (`scale_a[b·m + i]`) and one per column of B (`scale_b[b·n + j]`).
    RowCol,
    /// DeepSeek-style blocks: one `f32` per 1×128 block of A along K and per 128×128 block of B.
    /// With `kb = ceil(k/128)` and `nb = ceil(n/128)`: `scale_a[b·kb·m + (p/128)·m + i]` (M contiguous, as
    /// cuBLAS and `torch._scaled_mm` want it) and `scale_b[b·kb·nb + (p/128)·nb + j/128]`. Partial blocks at the
    /// edges use their block's scale. FP8 inputs only.
    Block,
    /// OCP microscaling: one [`crate::E8M0`] per 32 consecutive K elements of each row of A and each column of B.
    /// With `kx = ceil(k/32)`: `scale_a[b·m·kx + i·kx + p/32]`, `scale_b[b·n·kx + j·kx + p/32]` (K contiguous).
    /// OCP FP8 inputs only (gfx950).
    Mx,
}

impl Scaling {
    /// The element type of the scale buffers (`None` when the mode has no scales).
    pub fn scale_dtype(self) -> Option<DType> {
        match self {
            Scaling::None => None,
            Scaling::PerTensor | Scaling::RowCol | Scaling::Block => Some(DType::F32),
            Scaling::Mx => Some(DType::E8M0),
        }
    }

    /// K elements per scale block along K (`Some(128)` for Block, `Some(32)` for MX).
    pub fn k_block(self) -> Option<usize> {
        match self {
            Scaling::Block => Some(BLOCK_K),
            Scaling::Mx => Some(MX_K),
            _ => None,
        }
    }
}

/// K (and B's N) extent of one [`Scaling::Block`] scale.
pub const BLOCK_K: usize = 128;
/// K extent of one [`Scaling::Mx`] scale.
pub const MX_K: usize = 32;

/// The activation applied last in the epilogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Activation {
    /// Identity.
    #[default]
    None,
    /// `max(x, 0)`.
    Relu,
    /// GELU, tanh form: `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`.
    GeluTanh,
    /// GELU, exact form: `0.5·x·(1 + erf(x/√2))`.
    GeluErf,
    /// SiLU (swish): `x / (1 + e^(−x))`.
    Silu,
}

impl Activation {
    /// A bound on `|act'(x)|` over all x (the Lipschitz constant the verifier's bound is multiplied by).
    ///
    /// GELU's derivative peaks at ≈1.1289 (erf form, x ≈ 1.4) and ≈1.1289 (tanh form); SiLU's at ≈1.0998
    /// (x ≈ 2.4). The values are rounded up.
    pub fn lipschitz(self) -> f64 {
        match self {
            Activation::None | Activation::Relu => 1.0,
            Activation::GeluTanh | Activation::GeluErf => 1.13,
            Activation::Silu => 1.1,
        }
    }
}

/// What happens after the accumulation, before the output conversion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Epilogue {
    /// A bias added to every row of D (`bias[j]`, one per column, shared by all batches), or `None`.
    /// Its element type: [`DType::F32`] is the only one supported.
    pub bias: Option<DType>,
    /// The activation, applied after the bias.
    pub activation: Activation,
}

/// A complete GEMM problem: shapes, memory layouts, dtypes, scaling and epilogue. See the module docs for the
/// exact formula.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GemmSpec {
    /// Rows of A, C and D.
    pub m: usize,
    /// Columns of B, C and D.
    pub n: usize,
    /// Columns of A, rows of B: the reduction length (≥ 1).
    pub k: usize,
    /// Number of independent GEMMs (strided batch). 0 is an empty problem.
    pub batch: usize,
    /// The `m×k` input A.
    pub a: Operand,
    /// The `k×n` input B.
    pub b: Operand,
    /// The `m×n` addend C (read only when `beta != 0`).
    pub c: Operand,
    /// The `m×n` output D.
    pub d: Operand,
    /// Multiplies the accumulated product.
    pub alpha: f32,
    /// Multiplies C; 0 means C is not read.
    pub beta: f32,
    /// How A and B are dequantized.
    pub scaling: Scaling,
    /// Bias and activation.
    pub epilogue: Epilogue,
    /// FP8 outputs only: D is multiplied by this before the saturating conversion (must be 1 otherwise).
    pub scale_d: f32,
}

impl GemmSpec {
    /// A packed TN problem (A row-major m×k, B column-major k×n, C and D row-major m×n, all K-contiguous for the
    /// inputs), batch 1, `alpha = 1`, `beta = 0`, no scaling, no epilogue, `scale_d = 1`. C gets D's dtype.
    pub fn new(m: usize, n: usize, k: usize, a_dtype: DType, b_dtype: DType, out_dtype: DType) -> Self {
        GemmSpec {
            m,
            n,
            k,
            batch: 1,
            a: Operand::packed(a_dtype, Layout::RowMajor, m, k),
            b: Operand::packed(b_dtype, Layout::ColMajor, k, n),
            c: Operand::packed(out_dtype, Layout::RowMajor, m, n),
            d: Operand::packed(out_dtype, Layout::RowMajor, m, n),
            alpha: 1.0,
            beta: 0.0,
            scaling: Scaling::None,
            epilogue: Epilogue::default(),
            scale_d: 1.0,
        }
    }

    /// Re-packs A and B with the given layouts (keeping dtypes and batch).
    pub fn layouts(mut self, a: Layout, b: Layout) -> Self {
        self.a = Operand::packed(self.a.dtype, a, self.m, self.k);
        self.b = Operand::packed(self.b.dtype, b, self.k, self.n);
        self
    }

    /// Sets the batch count; the batch strides stay as they are (packed by default).
    pub fn batched(mut self, batch: usize) -> Self {
        self.batch = batch;
        self
    }

    /// Sets `alpha` and `beta`.
    pub fn alpha_beta(mut self, alpha: f32, beta: f32) -> Self {
        self.alpha = alpha;
        self.beta = beta;
        self
    }

    /// Sets the scaling mode.
    pub fn scaling(mut self, scaling: Scaling) -> Self {
        self.scaling = scaling;
        self
    }

    /// Adds an `f32` bias per column of D.
    pub fn bias(mut self) -> Self {
        self.epilogue.bias = Some(DType::F32);
        self
    }

    /// Sets the activation.
    pub fn activation(mut self, activation: Activation) -> Self {
        self.epilogue.activation = activation;
        self
    }

    /// Sets the FP8 output scale.
    pub fn scale_d(mut self, scale_d: f32) -> Self {
        self.scale_d = scale_d;
        self
    }

    /// Whether the inputs are INT8 (exact i32 accumulation).
    pub fn is_int8(&self) -> bool {
        self.a.dtype == DType::I8
    }

    /// Elements the A buffer needs.
    pub fn a_len(&self) -> usize {
        self.a.required_len(self.batch, self.m, self.k).unwrap_or(usize::MAX)
    }
    /// Elements the B buffer needs.
    pub fn b_len(&self) -> usize {
        self.b.required_len(self.batch, self.k, self.n).unwrap_or(usize::MAX)
    }
    /// Elements the C buffer needs (0 when `beta == 0`: C is not read).
    pub fn c_len(&self) -> usize {
        if self.beta == 0.0 {
            return 0;
        }
        self.c.required_len(self.batch, self.m, self.n).unwrap_or(usize::MAX)
    }
    /// Elements the D buffer needs.
    pub fn d_len(&self) -> usize {
        self.d.required_len(self.batch, self.m, self.n).unwrap_or(usize::MAX)
    }
    /// Elements of the bias buffer (`n`, or 0 without bias).
    pub fn bias_len(&self) -> usize {
        if self.epilogue.bias.is_some() {
            self.n
        } else {
            0
        }
    }
    /// Elements of the A scale buffer (see [`Scaling`]).
    pub fn scale_a_len(&self) -> usize {
        self.scale_lens().map(|(a, _)| a).unwrap_or(usize::MAX)
    }
    /// Elements of the B scale buffer (see [`Scaling`]).
    pub fn scale_b_len(&self) -> usize {
        self.scale_lens().map(|(_, b)| b).unwrap_or(usize::MAX)
    }

    /// `(scale_a_len, scale_b_len)`, `None` on overflow.
    fn scale_lens(&self) -> Option<(usize, usize)> {
        let per_batch = |x: usize| x.checked_mul(self.batch);
        Some(match self.scaling {
            Scaling::None => (0, 0),
            Scaling::PerTensor => (1, 1),
            Scaling::RowCol => (per_batch(self.m)?, per_batch(self.n)?),
            Scaling::Block => {
                let kb = self.k.div_ceil(BLOCK_K);
                let nb = self.n.div_ceil(BLOCK_K);
                (per_batch(kb.checked_mul(self.m)?)?, per_batch(kb.checked_mul(nb)?)?)
            }
            Scaling::Mx => {
                let kx = self.k.div_ceil(MX_K);
                (per_batch(kx.checked_mul(self.m)?)?, per_batch(kx.checked_mul(self.n)?)?)
            }
        })
    }

    /// Copies a D buffer (laid out as `self.d` says) into packed order — batch, row, column — the order of the
    /// reference's values. Errors when the buffer is shorter than [`GemmSpec::d_len`].
    pub fn gather_d<T: Copy>(&self, d: &[T]) -> Result<Vec<T>> {
        self.validate()?;
        if d.len() < self.d_len() {
            return Err(Error::LengthMismatch {
                what: "d".into(),
                expected: self.d_len(),
                got: d.len(),
            });
        }
        let mut out = Vec::with_capacity(self.batch * self.m * self.n);
        for b in 0..self.batch {
            for i in 0..self.m {
                for j in 0..self.n {
                    out.push(d[self.d.offset(b, i, j)]);
                }
            }
        }
        Ok(out)
    }

    /// Multiply-adds of the whole problem (`batch·m·n·k`; FLOPs are twice this).
    pub fn macs(&self) -> f64 {
        self.batch as f64 * self.m as f64 * self.n as f64 * self.k as f64
    }

    /// Checks everything that does not depend on the device: shapes, leading dimensions, size overflow,
    /// dtype combinations, scaling and epilogue rules. The GPU layer adds arch-specific checks on top.
    pub fn validate(&self) -> Result<()> {
        if self.k == 0 {
            return Err(Error::invalid("k", "at least 1 (the reduction length)", 0));
        }
        self.a.check_ld("a", self.m, self.k)?;
        self.b.check_ld("b", self.k, self.n)?;
        self.d.check_ld("d", self.m, self.n)?;
        if self.beta != 0.0 {
            self.c.check_ld("c", self.m, self.n)?;
        }
        let lens = [
            ("a", self.a.required_len(self.batch, self.m, self.k)),
            ("b", self.b.required_len(self.batch, self.k, self.n)),
            ("c", self.c.required_len(self.batch, self.m, self.n)),
            ("d", self.d.required_len(self.batch, self.m, self.n)),
        ];
        for (name, len) in lens {
            if len.is_none() && (name != "c" || self.beta != 0.0) {
                return Err(Error::Overflow {
                    what: format!(
                        "the length of buffer {name} ({} batches of {}x{})",
                        self.batch, self.m, self.n
                    ),
                });
            }
        }
        if self.scale_lens().is_none() {
            return Err(Error::Overflow {
                what: "the length of the scale buffers".into(),
            });
        }
        self.check_d_batches()?;
        self.check_dtypes()?;
        self.check_scalars()?;
        Ok(())
    }

    /// D's batches must not overlap (two batches writing one element would be a race).
    fn check_d_batches(&self) -> Result<()> {
        if self.batch <= 1 || self.m == 0 || self.n == 0 {
            return Ok(());
        }
        let one = self.d.required_len(1, self.m, self.n).unwrap_or(usize::MAX);
        if self.d.batch_stride < one {
            return Err(Error::invalid(
                "d.batch_stride",
                format!(
                    "at least {one} (one {}x{} output matrix; batches of D must not overlap)",
                    self.m, self.n
                ),
                self.d.batch_stride,
            ));
        }
        Ok(())
    }

    fn check_dtypes(&self) -> Result<()> {
        let (a, b, d) = (self.a.dtype, self.b.dtype, self.d.dtype);
        let unsupported = |what: &str, dtype: DType, reason: &str| {
            Err(Error::UnsupportedDType {
                what: what.into(),
                dtype: dtype.name().into(),
                reason: reason.into(),
            })
        };
        for (name, t) in [("A", a), ("B", b)] {
            if !(is_fp8(t) || matches!(t, DType::BF16 | DType::F16 | DType::I8)) {
                return unsupported(
                    &format!("GEMM input {name}"),
                    t,
                    "inputs are FP8 (OCP or FNUZ), bf16, f16 or i8",
                );
            }
        }
        let family_ok = if is_fp8(a) {
            is_fp8(b) && is_fnuz(a) == is_fnuz(b)
        } else {
            a == b
        };
        if !family_ok {
            return Err(Error::invalid(
                "input dtypes",
                "A and B of one family: both FP8 of the same flavour (OCP with OCP, FNUZ with FNUZ; e4m3/e5m2 \
                 may differ), or both bf16, both f16, both i8",
                format!("A {a}, B {b}"),
            ));
        }
        let out_ok = match d {
            DType::F32 | DType::BF16 | DType::F16 => true,
            DType::I32 => a == DType::I8,
            t if is_fp8(t) => a != DType::I8,
            _ => false,
        };
        if !out_ok {
            return unsupported(
                "GEMM output D",
                d,
                "outputs are f32, bf16, f16, FP8 (float inputs) or i32 (i8 inputs only)",
            );
        }
        if self.beta != 0.0 {
            let c = self.c.dtype;
            let c_ok = match d {
                DType::I32 => c == DType::I32,
                _ => matches!(c, DType::F32 | DType::BF16 | DType::F16),
            };
            if !c_ok {
                return unsupported(
                    "GEMM addend C",
                    c,
                    "C is f32, bf16 or f16 (i32 when D is i32); FP8 C is not supported",
                );
            }
        }
        if let Some(t) = self.epilogue.bias {
            if t != DType::F32 {
                return unsupported("GEMM bias", t, "the bias is f32");
            }
        }
        match self.scaling {
            Scaling::Block if !is_fp8(a) => {
                return Err(Error::invalid(
                    "scaling",
                    "FP8 inputs for Block scaling",
                    format!("A {a}, B {b}"),
                ));
            }
            Scaling::Mx if !is_fp8(a) || is_fnuz(a) => {
                return Err(Error::invalid(
                    "scaling",
                    "OCP FP8 inputs (f8e4m3/f8e5m2) for MX scaling",
                    format!("A {a}, B {b}"),
                ));
            }
            _ => {}
        }
        Ok(())
    }

    fn check_scalars(&self) -> Result<()> {
        for (name, v) in [("alpha", self.alpha), ("beta", self.beta), ("scale_d", self.scale_d)] {
            if !v.is_finite() {
                return Err(Error::invalid(name, "a finite number", v));
            }
        }
        if self.scale_d != 1.0 && !is_fp8(self.d.dtype) {
            return Err(Error::invalid(
                "scale_d",
                format!("1 (scale_d applies to FP8 outputs only; D is {})", self.d.dtype),
                self.scale_d,
            ));
        }
        if self.d.dtype == DType::I32 {
            let ep = self.epilogue;
            if self.alpha != 1.0
                || !(self.beta == 0.0 || self.beta == 1.0)
                || self.scaling != Scaling::None
                || ep.bias.is_some()
                || !matches!(ep.activation, Activation::None | Activation::Relu)
            {
                return Err(Error::invalid(
                    "i32 epilogue",
                    "alpha = 1, beta 0 or 1, no scaling, no bias, activation None or Relu (integer-exact)",
                    format!(
                        "alpha {}, beta {}, scaling {:?}, bias {:?}, activation {:?}",
                        self.alpha, self.beta, self.scaling, ep.bias, ep.activation
                    ),
                ));
            }
        }
        if self.is_int8() && matches!(self.scaling, Scaling::Block | Scaling::Mx) {
            return Err(Error::invalid(
                "scaling",
                "None, PerTensor or RowCol for i8 inputs",
                format!("{:?}", self.scaling),
            ));
        }
        Ok(())
    }
}

/// Whether `t` is one of the four FP8 formats.
pub(crate) fn is_fp8(t: DType) -> bool {
    matches!(t, DType::F8E4M3 | DType::F8E5M2 | DType::F8E4M3Fnuz | DType::F8E5M2Fnuz)
}

/// Whether `t` is an FNUZ FP8 format (gfx942's).
pub(crate) fn is_fnuz(t: DType) -> bool {
    matches!(t, DType::F8E4M3Fnuz | DType::F8E5M2Fnuz)
}

/// One line naming the problem, e.g. `f8e4m3 x f8e4m3 -> bf16 TN 512x512x1024 per-tensor +bias gelu_tanh`, for
/// tables, benches and messages. Layout letters follow BLAS's column-major naming: A is `T` when row-major
/// (K-contiguous), B is `N` when column-major (K-contiguous); so [`GemmSpec::new`]'s default prints `TN`.
impl std::fmt::Display for GemmSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let a = if self.a.layout == Layout::RowMajor { 'T' } else { 'N' };
        let b = if self.b.layout == Layout::ColMajor { 'N' } else { 'T' };
        write!(
            f,
            "{} x {} -> {} {}{} {}x{}x{}",
            self.a.dtype, self.b.dtype, self.d.dtype, a, b, self.m, self.n, self.k
        )?;
        if self.batch != 1 {
            write!(f, " batch {}", self.batch)?;
        }
        match self.scaling {
            Scaling::None => {}
            Scaling::PerTensor => write!(f, " per-tensor")?,
            Scaling::RowCol => write!(f, " row/col-scaled")?,
            Scaling::Block => write!(f, " block-scaled")?,
            Scaling::Mx => write!(f, " mx")?,
        }
        if self.alpha != 1.0 || self.beta != 0.0 {
            write!(f, " alpha {} beta {}", self.alpha, self.beta)?;
        }
        if self.epilogue.bias.is_some() {
            write!(f, " +bias")?;
        }
        match self.epilogue.activation {
            Activation::None => {}
            Activation::Relu => write!(f, " relu")?,
            Activation::GeluTanh => write!(f, " gelu_tanh")?,
            Activation::GeluErf => write!(f, " gelu_erf")?,
            Activation::Silu => write!(f, " silu")?,
        }
        if self.scale_d != 1.0 {
            write!(f, " scale_d {}", self.scale_d)?;
        }
        Ok(())
    }
}
