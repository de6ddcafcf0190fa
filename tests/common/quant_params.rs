//! Mirror of `hf::QuantParams` (kernels/quant/fp8_quant.hip), for tests that launch a quantization kernel through
//! the runtime directly. src/quant keeps its own copy private, so the tests need theirs.

/// The kernel's parameter block: device pointers, then the shape and leading dimensions (48 bytes, as in the kernel).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct QuantParams {
    /// Input matrix (`rows` × `cols`, leading dimension `ld_x`).
    pub x: u64,
    /// FP8 output bytes (leading dimension `ld_q`).
    pub q: u64,
    /// f32 dequantization scales out (one per tensor, row or 128-column block).
    pub scale: u64,
    /// A u32 holding the bits of max |x| (the amax kernels write it, tensor mode reads it); 0 otherwise.
    pub amax: u64,
    /// Rows of `x`.
    pub rows: u32,
    /// Columns of `x`.
    pub cols: u32,
    /// Leading dimension of `x`, in elements.
    pub ld_x: u32,
    /// Leading dimension of `q`, in elements.
    pub ld_q: u32,
}

/// Size of [`QuantParams`] in bytes; the kernel's struct is 48 bytes too.
pub const PARAMS_BYTES: usize = std::mem::size_of::<QuantParams>();
const _: () = assert!(PARAMS_BYTES == 48);
