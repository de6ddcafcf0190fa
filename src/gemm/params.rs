//! The kernels' params struct (`kernels/gemm/gemm_params.hpp`) and the codes it carries, filled from a
//! [`GemmSpec`](super::GemmSpec).

use super::spec::{Layout, Operand};
use super::{Activation, GemmSpec, Scaling};
use crate::dtype::DType;
use crate::error::{Error, Result};

/// `hf::GemmParams`, field for field (docs/kernel-abi.md §1). Device addresses are `u64`, strides in elements
/// except the scale batch strides (bytes).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct GemmParams {
    pub a: u64,
    pub b: u64,
    pub c: u64,
    pub d: u64,
    pub bias: u64,
    pub scale_a: u64,
    pub scale_b: u64,
    pub workspace: u64,
    pub a_batch: u64,
    pub b_batch: u64,
    pub c_batch: u64,
    pub d_batch: u64,
    pub sa_batch: u64,
    pub sb_batch: u64,
    pub a_bytes: u32,
    pub b_bytes: u32,
    pub c_bytes: u32,
    pub d_bytes: u32,
    pub bias_bytes: u32,
    pub sa_bytes: u32,
    pub sb_bytes: u32,
    pub ws_bytes: u32,
    pub m: i32,
    pub n: i32,
    pub k: i32,
    pub batch: i32,
    pub a_sm: u32,
    pub a_sk: u32,
    pub b_sn: u32,
    pub b_sk: u32,
    pub c_sm: u32,
    pub c_sn: u32,
    pub d_sm: u32,
    pub d_sn: u32,
    pub sa_sm: u32,
    pub sa_sk: u32,
    pub sb_sn: u32,
    pub sb_sk: u32,
    pub alpha: f32,
    pub beta: f32,
    pub scale_d: f32,
    pub flags: u32,
    pub scaling: u32,
    pub act: u32,
    pub c_dtype: u32,
    pub d_dtype: u32,
    pub bias_dtype: u32,
    pub splits: u32,
    pub k_steps_per_split: u32,
    pub tiles_m: u32,
    pub tiles_n: u32,
    pub group_m: u32,
    pub reserved0: u32,
    pub reserved1: u32,
}

// The C++ side asserts the same size (kernels/gemm/gemm_params.hpp).
const _: () = assert!(std::mem::size_of::<GemmParams>() == 272);

pub(crate) const FLAG_A_VEC: u32 = 1;
pub(crate) const FLAG_B_VEC: u32 = 2;
pub(crate) const FLAG_C: u32 = 4;
pub(crate) const FLAG_BIAS: u32 = 8;

/// Largest byte extent of one batch's view of an operand: kernels address with 32-bit offsets and use 2^31 as the
/// always-out-of-range offset (kernels/include/hipforge/memory.hpp).
pub(crate) const MAX_VIEW_BYTES: u64 = (1 << 31) - 1;

/// `hf::dtype_code` of an element type (C, D, bias).
pub(crate) fn dtype_code(t: DType) -> Result<u32> {
    Ok(match t {
        DType::F32 => 0,
        DType::BF16 => 1,
        DType::F16 => 2,
        DType::F8E4M3 => 3,
        DType::F8E5M2 => 4,
        DType::F8E4M3Fnuz => 5,
        DType::F8E5M2Fnuz => 6,
        DType::I32 => 7,
        DType::I8 => 8,
        other => {
            return Err(Error::UnsupportedDType {
                what: "GEMM C/D/bias".into(),
                dtype: other.name().into(),
                reason: "the GEMM epilogue reads and writes f32, bf16, f16, FP8, i32 and i8".into(),
            })
        }
    })
}

pub(crate) fn scaling_code(s: Scaling) -> u32 {
    match s {
        Scaling::None => 0,
        Scaling::PerTensor => 1,
        Scaling::RowCol => 2,
        Scaling::Block => 3,
        Scaling::Mx => 4,
    }
}

pub(crate) fn activation_code(a: Activation) -> u32 {
    match a {
        Activation::None => 0,
        Activation::Relu => 1,
        Activation::GeluTanh => 2,
        Activation::GeluErf => 3,
        Activation::Silu => 4,
    }
}

/// `(stride of the row index, stride of the column index)` of an `Operand` holding an R×C matrix.
fn strides(op: &Operand) -> (usize, usize) {
    match op.layout {
        Layout::RowMajor => (op.ld, 1),
        Layout::ColMajor => (1, op.ld),
    }
}

/// Byte extent of one batch of an R×C view, checked against [`MAX_VIEW_BYTES`].
fn view_bytes(name: &str, op: &Operand, rows: usize, cols: usize) -> Result<u32> {
    let (sr, sc) = strides(op);
    let last = (rows.max(1) - 1) as u128 * sr as u128 + (cols.max(1) - 1) as u128 * sc as u128 + 1;
    let bytes = last * op.dtype.size_bytes() as u128;
    if bytes > MAX_VIEW_BYTES as u128 {
        return Err(Error::Unsupported {
            what: format!(
                "GEMM operand {name}: one batch spans {bytes} bytes; the kernels address at most {MAX_VIEW_BYTES} bytes \
                 per batch and operand (32-bit offsets)"
            ),
        });
    }
    Ok(bytes as u32)
}

fn small(name: &str, v: usize) -> Result<u32> {
    u32::try_from(v)
        .ok()
        .filter(|&x| x <= i32::MAX as u32)
        .ok_or_else(|| Error::Overflow {
            what: format!("{name} = {v} (the kernels index with 31-bit integers)"),
        })
}

/// Everything of the params that depends on the spec alone (no addresses, no tiling).
pub(crate) fn spec_params(spec: &GemmSpec) -> Result<GemmParams> {
    let mut p = GemmParams {
        m: small("m", spec.m)? as i32,
        n: small("n", spec.n)? as i32,
        k: small("k", spec.k)? as i32,
        batch: small("batch", spec.batch)? as i32,
        ..Default::default()
    };
    let (a_sm, a_sk) = strides(&spec.a); // A is m x k
    let (b_sk, b_sn) = strides(&spec.b); // B is k x n
    let (c_sm, c_sn) = strides(&spec.c);
    let (d_sm, d_sn) = strides(&spec.d);
    p.a_sm = small("A's row stride", a_sm)?;
    p.a_sk = small("A's K stride", a_sk)?;
    p.b_sn = small("B's column stride", b_sn)?;
    p.b_sk = small("B's K stride", b_sk)?;
    p.d_sm = small("D's row stride", d_sm)?;
    p.d_sn = small("D's column stride", d_sn)?;
    p.a_bytes = view_bytes("A", &spec.a, spec.m, spec.k)?;
    p.b_bytes = view_bytes("B", &spec.b, spec.k, spec.n)?;
    p.d_bytes = view_bytes("D", &spec.d, spec.m, spec.n)?;
    p.a_batch = spec.a.batch_stride as u64;
    p.b_batch = spec.b.batch_stride as u64;
    p.d_batch = spec.d.batch_stride as u64;
    p.d_dtype = dtype_code(spec.d.dtype)?;
    p.c_dtype = p.d_dtype;
    if spec.beta != 0.0 {
        p.c_sm = small("C's row stride", c_sm)?;
        p.c_sn = small("C's column stride", c_sn)?;
        p.c_bytes = view_bytes("C", &spec.c, spec.m, spec.n)?;
        p.c_batch = spec.c.batch_stride as u64;
        p.c_dtype = dtype_code(spec.c.dtype)?;
        p.flags |= FLAG_C;
    }
    if let Some(t) = spec.epilogue.bias {
        p.flags |= FLAG_BIAS;
        p.bias_dtype = dtype_code(t)?;
        p.bias_bytes = small("bias bytes", spec.n * t.size_bytes())?;
    }
    // Whole 16-byte chunks along K: K contiguous and every row (and batch) starting 16-byte aligned.
    let es = spec.a.dtype.size_bytes();
    let vec_ok = |sk: usize, sr: usize, batch: usize| sk == 1 && (sr * es) % 16 == 0 && (batch * es) % 16 == 0;
    if vec_ok(a_sk, a_sm, spec.a.batch_stride) {
        p.flags |= FLAG_A_VEC;
    }
    if vec_ok(b_sk, b_sn, spec.b.batch_stride) {
        p.flags |= FLAG_B_VEC;
    }
    p.alpha = spec.alpha;
    p.beta = spec.beta;
    p.scale_d = spec.scale_d;
    p.act = activation_code(spec.epilogue.activation);
    p.scaling = scaling_code(spec.scaling);
    let (m, n) = (spec.m, spec.n);
    // Scale layouts: see `Scaling` (src/gemm/spec.rs) and hf::GemmParams.
    let (sa_sm, sa_sk, sb_sn, sb_sk, sa_len, sb_len, esz) = match spec.scaling {
        Scaling::None => (0, 0, 0, 0, 0, 0, 4),
        Scaling::PerTensor => (0, 0, 0, 0, 1, 1, 4),
        Scaling::RowCol => (1, 0, 1, 0, m, n, 4),
        Scaling::Block => {
            let kb = spec.k.div_ceil(super::BLOCK_K);
            let nb = n.div_ceil(super::BLOCK_K);
            (1, m, 1, nb, kb * m, kb * nb, 4)
        }
        Scaling::Mx => {
            let kx = spec.k.div_ceil(super::MX_K);
            (kx, 1, kx, 1, m * kx, n * kx, 1)
        }
    };
    p.sa_sm = small("scale stride", sa_sm)?;
    p.sa_sk = small("scale stride", sa_sk)?;
    p.sb_sn = small("scale stride", sb_sn)?;
    p.sb_sk = small("scale stride", sb_sk)?;
    p.sa_bytes = small("A scale bytes", sa_len * esz)?;
    p.sb_bytes = small("B scale bytes", sb_len * esz)?;
    if spec.scaling != Scaling::PerTensor {
        p.sa_batch = (sa_len * esz) as u64;
        p.sb_batch = (sb_len * esz) as u64;
    }
    p.splits = 1;
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tn_strides_and_vector_flags() {
        let spec = GemmSpec::new(17, 33, 64, DType::BF16, DType::BF16, DType::F32);
        let p = spec_params(&spec).unwrap();
        assert_eq!((p.a_sm, p.a_sk, p.b_sn, p.b_sk), (64, 1, 64, 1));
        assert_eq!((p.d_sm, p.d_sn), (33, 1));
        assert_eq!(p.flags & (FLAG_A_VEC | FLAG_B_VEC), FLAG_A_VEC | FLAG_B_VEC);
        // K = 65 bf16: rows are 130 bytes apart, not 16-byte aligned -> element path.
        let spec = GemmSpec::new(17, 33, 65, DType::BF16, DType::BF16, DType::F32);
        assert_eq!(spec_params(&spec).unwrap().flags & (FLAG_A_VEC | FLAG_B_VEC), 0);
    }

    #[test]
    fn nn_layout_strides() {
        let spec =
            GemmSpec::new(4, 5, 6, DType::F16, DType::F16, DType::F16).layouts(Layout::ColMajor, Layout::RowMajor);
        let p = spec_params(&spec).unwrap();
        // A col-major 4x6: (m, k) at m + 4k. B row-major 6x5: (k, n) at 5k + n.
        assert_eq!((p.a_sm, p.a_sk, p.b_sn, p.b_sk), (1, 4, 1, 5));
        assert_eq!(p.flags & (FLAG_A_VEC | FLAG_B_VEC), 0);
        assert_eq!(p.a_bytes, 24 * 2);
    }

    #[test]
    fn oversized_view_is_unsupported() {
        let spec = GemmSpec::new(70_000, 16, 40_000, DType::BF16, DType::BF16, DType::F32);
        assert!(matches!(spec_params(&spec), Err(Error::Unsupported { .. })));
    }
}
