//! Attention forward on a device: kernel selection, device-specific validation, launch.
//!
//! # What runs
//!
//! - **Forward** (`hf_attn_fwd_{bf16,f16,f8e4m3}_d{64,128,256}`, kernels/attention/fwd.hip): one 512-thread block
//!   (8 waves) per 256 query rows (128 at head dim 256) of one (sequence, head); K/V stream through LDS in
//!   double-buffered 64-key tiles (32 at head dim 256); online softmax in the exp2 domain with lazy rescaling;
//!   tiles no row of the block can see (causal, window) are never loaded.
//! - **Split-KV decode** (`hf_attn_decode_*` + `hf_attn_combine`), chosen when `seqlen_q ≤ 16` and the keys span
//!   more than one tile: each block takes one KV range for up to 8 query heads sharing a KV head (one wave each)
//!   and writes a partial O and LSE; the combine kernel merges them by their LSEs. See
//!   [`AttentionPlan::kv_splits`].
//!
//! # Numerics
//!
//! Scores and the softmax state are f32; probabilities are rounded to bf16 (f16 for f16 inputs) before P·V, which
//! accumulates in f32. FP8 inputs (e4m3 in the arch's flavour: FNUZ on gfx942, OCP on gfx950) go through the FP8
//! MFMA for Q·Kᵀ; V is decoded exactly to bf16 and P·V runs in bf16. The descales multiply the scores and O in f32.
//! The output is bf16, f16 or f32 (`out_dtype`); the LSE is f32, natural log.
//!
//! **A query row that sees no key** (zero keys, or every key masked — e.g. a causal row above the diagonal when
//! `seqlen_q > seqlen_k`) writes **O = 0 and LSE = −∞**, never NaN. A zero-length query sequence writes nothing.
//!
//! ```no_run
//! # fn main() -> hipforge::Result<()> {
//! use hipforge::attention::{AttentionPlan, AttentionSpec};
//! use hipforge::runtime::Device;
//! use hipforge::{bf16, DType};
//!
//! let dev = Device::best()?;
//! let spec = AttentionSpec::new(2, 100, 100, 8, 128, DType::BF16).causal().with_lse();
//! let plan = AttentionPlan::new(&dev, &spec)?;
//! let q = dev.upload(&vec![bf16::from_f32(0.1); spec.q_len()])?;
//! let k = dev.upload(&vec![bf16::from_f32(0.2); spec.k_len()])?;
//! let v = dev.upload(&vec![bf16::from_f32(0.3); spec.v_len()])?;
//! let mut o = dev.alloc_zeroed::<bf16>(spec.o_len())?;
//! let mut lse = dev.alloc_zeroed::<f32>(spec.lse_len())?;
//! plan.run(&q, &k, &v, &mut o, Some(&mut lse))?;
//! let out = o.download()?;
//! # let _ = out; Ok(()) }
//! ```

use super::spec::{AttentionSpec, Strides};
use crate::dtype::{DType, Element};
use crate::error::{Error, Result};
use crate::runtime::{Arch, Device, DeviceBuffer, DevicePtr, DevicePtrMut, DeviceRepr, LaunchConfig, Stream};

/// Head dimensions the forward kernels are built for.
pub const SUPPORTED_HEAD_DIMS: [usize; 3] = [64, 128, 256];

/// Threads per block of every forward kernel (8 waves).
const BLOCK_THREADS: u32 = 512;

/// The kernels' parameter struct; mirrors `hf::AttnFwdParams` in kernels/attention/fwd.hip.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct AttnFwdParams {
    pub q: u64,
    pub k: u64,
    pub v: u64,
    pub o: u64,
    pub lse: u64,
    pub cu_seqlens_q: u64,
    pub cu_seqlens_k: u64,
    pub q_strides: [i64; 3],
    pub k_strides: [i64; 3],
    pub v_strides: [i64; 3],
    pub o_strides: [i64; 3],
    pub lse_strides: [i64; 2],
    pub seqlen_q: i32,
    pub seqlen_k: i32,
    pub heads_q: i32,
    pub heads_kv: i32,
    pub window_left: i32,
    pub window_right: i32,
    pub q_blocks: i32,
    pub scale_log2: f32,
    pub qk_scale: f32,
    pub softcap: f32,
    pub v_descale: f32,
    pub out_kind: i32,
    pub batch: i32,
    pub kv_splits: i32,
    pub head_dim: i32,
    pub reserved: i32,
    pub part_o: u64,
    pub part_lse: u64,
}
// The C++ side asserts the same size.
const _: () = assert!(std::mem::size_of::<AttnFwdParams>() == 248);

/// Longest query (per sequence) that takes the split-KV decode path.
pub const DECODE_MAX_SEQLEN_Q: usize = 16;
/// Query heads one decode block serves (one wave each).
const DECODE_HEADS_PER_BLOCK: usize = 8;
/// Keys per LDS tile of the kernels, per head dim.
fn kv_tile_rows(head_dim: usize) -> usize {
    if head_dim <= 128 {
        64
    } else {
        32
    }
}
/// Blocks the decode grid aims for (enough to fill the largest GPUs' CUs twice).
const DECODE_TARGET_BLOCKS: usize = 512;
/// At most this many KV splits.
const DECODE_MAX_SPLITS: usize = 64;

/// Query rows one block of the forward kernel covers (8 waves × 16 or 32 rows), per head dim.
pub(crate) fn block_rows(head_dim: usize) -> usize {
    if head_dim <= 128 {
        256
    } else {
        128
    }
}

/// Dynamic LDS of the forward and decode kernels: two stages of a K tile (input type) and a V tile (bf16/f16),
/// as `kv_tiles::stage_bytes` in kernels/include/hipforge/softmax.hpp. On gfx950 with 16-bit inputs K rows are
/// padded by 16 bytes and V keeps its rows (padded by 32 bytes, read with transposing reads); elsewhere K is
/// swizzled and V stored transposed, unpadded.
pub(crate) fn lds_bytes(arch: &Arch, head_dim: usize, dtype: DType) -> u32 {
    let rows = kv_tile_rows(head_dim);
    let (k, v) = if *arch == Arch::Gfx950 && dtype.size_bytes() == 2 {
        (rows * (head_dim * 2 + 16), rows * (head_dim * 2 + 32))
    } else {
        (rows * head_dim * dtype.size_bytes(), head_dim * rows * 2)
    };
    (2 * (k + v)) as u32
}

/// The `out_kind` code the kernel's epilogue switches on.
fn out_kind(dtype: DType) -> i32 {
    match dtype {
        DType::BF16 => 0,
        DType::F16 => 1,
        _ => 2, // f32 (validate() allows nothing else)
    }
}

/// Name of the forward kernel for an input dtype and head dim (the dtype already validated for the arch).
fn kernel_name(kind: &str, dtype: DType, head_dim: usize) -> String {
    let t = match dtype {
        DType::BF16 => "bf16",
        DType::F16 => "f16",
        _ => "f8e4m3", // the arch's e4m3 flavour: the kernel reads it as the hardware does
    };
    format!("hf_attn_{kind}_{t}_d{head_dim}")
}

/// How a plan computes: one forward launch, or split-KV decode plus the combine.
#[derive(Debug)]
enum Path {
    Forward,
    Decode {
        splits: usize,
        /// Byte offset of the f32 partial LSEs in the workspace (the partial outputs start at 0).
        lse_offset: usize,
    },
}

/// Where in the workspace the decode path's partial LSEs start: after the partial outputs, 256-byte aligned.
fn lse_offset(part_o_bytes: usize) -> usize {
    part_o_bytes.div_ceil(256) * 256
}

/// The largest value the kernels index with in 32 bits (byte offsets within one head, token counts, grid ids).
const I32_LIMIT: usize = i32::MAX as usize;

/// A validated attention forward for one device: the kernel, its grid and every parameter except the buffers.
///
/// Create once with [`AttentionPlan::new`], then [`AttentionPlan::run`] any number of times. Everything that
/// allocates or loads happens at planning: varlen prefix sums are copied to the device, the decode path's workspace
/// ([`AttentionPlan::workspace_bytes`]) is allocated (or left to the caller: [`AttentionPlan::with_caller_workspace`]),
/// the kernels' code objects are loaded. A run only queues launches: [`AttentionPlan::run`] on the device's default
/// stream, [`AttentionPlan::run_on`] on any stream, [`AttentionPlan::run_with_workspace`] with the caller's
/// workspace. Runs of one plan share its own workspace: order runs on different streams, or give each its own.
#[derive(Debug)]
pub struct AttentionPlan {
    device: Device,
    spec: AttentionSpec,
    kernel: String,
    grid: u32,
    params: AttnFwdParams,
    cu_seqlens: Option<(DeviceBuffer<i32>, DeviceBuffer<i32>)>,
    path: Path,
    workspace_bytes: usize,
    workspace: Option<DeviceBuffer<u8>>,
}

impl AttentionPlan {
    /// Validates `spec` for `device` and picks the kernel.
    ///
    /// Errors: everything [`AttentionSpec::validate`] rejects; an arch other than gfx942/gfx950
    /// ([`Error::Unsupported`]); a head dim outside [`SUPPORTED_HEAD_DIMS`]; an FP8 type the arch's MFMA does not
    /// read (FNUZ e4m3 on gfx942, OCP e4m3 on gfx950; e5m2 inputs are not supported) ([`Error::UnsupportedDType`]);
    /// strides that are not whole 16-byte steps for Q/K/V or 4-element steps for O ([`Error::InvalidArgument`]);
    /// sizes beyond the kernels' 32-bit indexing ([`Error::Overflow`]).
    pub fn new(device: &Device, spec: &AttentionSpec) -> Result<Self> {
        Self::plan(device, spec, false)
    }

    /// As [`AttentionPlan::new`], but the plan allocates no workspace: a plan that needs one
    /// ([`AttentionPlan::workspace_bytes`] > 0, the split-KV decode path) then runs only through
    /// [`AttentionPlan::run_with_workspace`], so that a framework's allocator owns that memory.
    pub fn with_caller_workspace(device: &Device, spec: &AttentionSpec) -> Result<Self> {
        Self::plan(device, spec, true)
    }

    fn plan(device: &Device, spec: &AttentionSpec, caller_workspace: bool) -> Result<Self> {
        spec.validate()?;
        let arch = device.arch();
        if !matches!(arch, Arch::Gfx942 | Arch::Gfx950) {
            return Err(Error::Unsupported {
                what: format!("attention forward on {arch}: kernels exist for gfx942 and gfx950"),
            });
        }
        if !SUPPORTED_HEAD_DIMS.contains(&spec.head_dim) {
            return Err(Error::invalid(
                "head_dim",
                format!("one of {SUPPORTED_HEAD_DIMS:?}"),
                spec.head_dim,
            ));
        }
        check_dtype(arch, spec.dtype)?;
        let es = spec.dtype.size_bytes();
        let varlen = spec.varlen.is_some();
        for (name, s) in [
            ("q_strides", &spec.q_strides),
            ("k_strides", &spec.k_strides),
            ("v_strides", &spec.v_strides),
        ] {
            check_strides(name, s, 16 / es, varlen)?;
        }
        check_strides("o_strides", &spec.o_strides, 4, varlen)?;

        // 32-bit indexing inside the kernel: byte offsets within one head's rows (plus one tile of slack past the
        // end), token counts, heads, grid ids.
        let rows_limit = |s: &Strides, len: usize, what: &str| -> Result<()> {
            let bytes = (len + 256)
                .checked_mul(s.seq)
                .and_then(|x| x.checked_add(spec.head_dim))
                .and_then(|x| x.checked_mul(es));
            match bytes {
                Some(b) if b <= I32_LIMIT => Ok(()),
                _ => Err(Error::Overflow {
                    what: format!("byte offsets of one head of {what} (the kernel indexes a head in 31 bits)"),
                }),
            }
        };
        let max_q = if varlen { spec.total_q() } else { spec.seqlen_q };
        let max_k = if varlen { spec.total_k() } else { spec.seqlen_k };
        rows_limit(&spec.q_strides, max_q, "q")?;
        rows_limit(&spec.k_strides, max_k, "k")?;
        rows_limit(&spec.v_strides, max_k, "v")?;
        let rows = block_rows(spec.head_dim);
        let q_blocks = spec.seqlen_q.div_ceil(rows).max(1);
        let grid = spec
            .batch
            .checked_mul(spec.heads_q)
            .and_then(|x| x.checked_mul(q_blocks))
            .filter(|&g| g <= I32_LIMIT)
            .ok_or_else(|| Error::Overflow {
                what: "the grid (batch · heads_q · query blocks) beyond 2^31 blocks".into(),
            })?;
        for (what, v) in [
            ("seqlen_q", max_q),
            ("seqlen_k", max_k),
            ("heads_q", spec.heads_q),
            ("total LSE rows", spec.lse_len()),
        ] {
            if v > I32_LIMIT {
                return Err(Error::Overflow {
                    what: format!("{what} = {v} beyond the kernel's 31-bit range"),
                });
            }
        }

        let descale_qk = spec.descale_q * spec.descale_k;
        let qk_scale = spec.softmax_scale * descale_qk;
        let window_right = if spec.causal {
            0
        } else {
            spec.window.right.map_or(-1, |r| r.min(I32_LIMIT) as i32)
        };
        let lse_strides = if varlen {
            [0, spec.total_q() as i64]
        } else {
            [(spec.heads_q * spec.seqlen_q) as i64, spec.seqlen_q as i64]
        };
        let st = |s: &Strides| [s.batch as i64, s.seq as i64, s.head as i64];
        let params = AttnFwdParams {
            q_strides: st(&spec.q_strides),
            k_strides: st(&spec.k_strides),
            v_strides: st(&spec.v_strides),
            o_strides: st(&spec.o_strides),
            lse_strides,
            seqlen_q: spec.seqlen_q as i32,
            seqlen_k: spec.seqlen_k as i32,
            heads_q: spec.heads_q as i32,
            heads_kv: spec.heads_kv as i32,
            window_left: spec.window.left.map_or(-1, |l| l.min(I32_LIMIT) as i32),
            window_right,
            q_blocks: q_blocks as i32,
            scale_log2: qk_scale * std::f32::consts::LOG2_E,
            qk_scale,
            softcap: spec.softcap.unwrap_or(0.0),
            v_descale: spec.descale_v,
            out_kind: out_kind(spec.out_dtype),
            ..Default::default()
        };
        let mut params = params;
        params.batch = spec.batch as i32;
        params.head_dim = spec.head_dim as i32;
        params.kv_splits = 1;
        // Short queries against more than one KV tile: split the keys across blocks, then combine by LSE.
        let (path, kernel, grid, workspace_bytes) =
            if spec.seqlen_q <= DECODE_MAX_SEQLEN_Q && spec.seqlen_k > kv_tile_rows(spec.head_dim) {
                let tiles = spec.seqlen_k.div_ceil(kv_tile_rows(spec.head_dim));
                let chunks = (spec.heads_q / spec.heads_kv).div_ceil(DECODE_HEADS_PER_BLOCK);
                let base = spec.batch * spec.heads_kv * chunks;
                let splits = (DECODE_TARGET_BLOCKS / base.max(1)).clamp(1, tiles.min(DECODE_MAX_SPLITS));
                let overflow = || Error::Overflow {
                    what: "the decode workspace".into(),
                };
                let rows = (splits * spec.batch)
                    .checked_mul(spec.heads_q * DECODE_MAX_SEQLEN_Q)
                    .ok_or_else(overflow)?;
                let part_o_bytes = rows.checked_mul(spec.head_dim * 4).ok_or_else(overflow)?;
                let lse_offset = lse_offset(part_o_bytes);
                let bytes = lse_offset.checked_add(rows * 4).ok_or_else(overflow)?;
                params.kv_splits = splits as i32;
                let grid = (base * splits) as u32;
                (
                    Path::Decode { splits, lse_offset },
                    kernel_name("decode", spec.dtype, spec.head_dim),
                    grid,
                    bytes,
                )
            } else {
                (
                    Path::Forward,
                    kernel_name("fwd", spec.dtype, spec.head_dim),
                    grid as u32,
                    0,
                )
            };
        // Code objects load now, not in a run (which may be under stream capture).
        device.prepare_kernel(&kernel)?;
        if matches!(path, Path::Decode { .. }) {
            device.prepare_kernel("hf_attn_combine")?;
        }
        // Every split writes each row it covers before the combine reads it: the workspace needs no zeroing.
        let workspace = if workspace_bytes > 0 && !caller_workspace {
            Some(device.alloc_zeroed::<u8>(workspace_bytes)?)
        } else {
            None
        };
        let cu_seqlens = match &spec.varlen {
            Some(v) => {
                let to_i32 = |cu: &[u32]| cu.iter().map(|&x| x as i32).collect::<Vec<_>>();
                Some((
                    device.upload(&to_i32(&v.cu_seqlens_q))?,
                    device.upload(&to_i32(&v.cu_seqlens_k))?,
                ))
            }
            None => None,
        };
        Ok(AttentionPlan {
            device: device.clone(),
            spec: spec.clone(),
            kernel,
            grid,
            params,
            cu_seqlens,
            path,
            workspace_bytes,
            workspace,
        })
    }

    /// Bytes of workspace a run needs: the split-KV decode path's partial outputs and LSEs, 0 for a plain forward.
    /// With [`AttentionPlan::with_caller_workspace`] this is what [`AttentionPlan::run_with_workspace`] must be
    /// given; otherwise the plan holds that much itself.
    pub fn workspace_bytes(&self) -> usize {
        self.workspace_bytes
    }

    /// True when the plan allocated its own workspace.
    pub fn owns_workspace(&self) -> bool {
        self.workspace.is_some()
    }

    /// The device the plan runs on.
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// The kernel this plan launches (for decode plans, the split kernel; `hf_attn_combine` follows it).
    pub fn kernel(&self) -> &str {
        &self.kernel
    }

    /// The number of KV splits of a split-KV decode plan (`seqlen_q ≤ 16` and more than one KV tile), or `None` for
    /// a plain forward launch.
    pub fn kv_splits(&self) -> Option<usize> {
        match &self.path {
            Path::Decode { splits, .. } => Some(*splits),
            Path::Forward => None,
        }
    }

    /// The problem this plan computes.
    pub fn spec(&self) -> &AttentionSpec {
        &self.spec
    }

    /// Computes O (and the LSE when the spec asks for it) from Q, K and V, on the device's default stream.
    ///
    /// `T` must be the spec's input dtype and `O` its output dtype; each operand (any [`DevicePtr`]: a buffer, a
    /// view, borrowed memory) must be on the plan's device and at least as long as the spec's `*_len()`; `lse` must
    /// be given exactly when `spec.return_lse` is set. Returns when the work is queued; downloading `o` waits for it.
    pub fn run<T: Element + DeviceRepr, O: Element + DeviceRepr>(
        &self,
        q: &(impl DevicePtr<T> + ?Sized),
        k: &(impl DevicePtr<T> + ?Sized),
        v: &(impl DevicePtr<T> + ?Sized),
        o: &mut (impl DevicePtrMut<O> + ?Sized),
        lse: Option<&mut dyn DevicePtrMut<f32>>,
    ) -> Result<()> {
        self.run_on(&self.device.default_stream(), q, k, v, o, lse)
    }

    /// As [`AttentionPlan::run`], queued on `stream` (created, default, or foreign via [`Stream::from_raw`]). Only
    /// kernel launches go to the stream: nothing allocates, frees or synchronizes. A plan made with
    /// [`AttentionPlan::with_caller_workspace`] that needs a workspace must use
    /// [`AttentionPlan::run_with_workspace`] ([`Error::InvalidArgument`] here).
    pub fn run_on<T: Element + DeviceRepr, O: Element + DeviceRepr>(
        &self,
        stream: &Stream,
        q: &(impl DevicePtr<T> + ?Sized),
        k: &(impl DevicePtr<T> + ?Sized),
        v: &(impl DevicePtr<T> + ?Sized),
        o: &mut (impl DevicePtrMut<O> + ?Sized),
        lse: Option<&mut dyn DevicePtrMut<f32>>,
    ) -> Result<()> {
        let ws = match &self.workspace {
            Some(w) => Some(w.device_ptr()),
            None if self.workspace_bytes > 0 => {
                return Err(Error::invalid(
                    "workspace",
                    format!(
                        "a caller workspace of {} bytes through run_with_workspace (the plan was made with \
                         with_caller_workspace)",
                        self.workspace_bytes
                    ),
                    "none",
                ))
            }
            None => None,
        };
        self.launch(stream, q, k, v, o, lse, ws)
    }

    /// As [`AttentionPlan::run_on`] with `workspace` (at least [`AttentionPlan::workspace_bytes`] bytes of this
    /// device, 16-byte aligned, contents need not be initialized) instead of the plan's own; in use until the
    /// queued work has finished. Errors: [`Error::DeviceMismatch`], [`Error::LengthMismatch`] (`"workspace"`, in
    /// bytes), [`Error::InvalidArgument`] for a misaligned address.
    #[allow(clippy::too_many_arguments)]
    pub fn run_with_workspace<T: Element + DeviceRepr, O: Element + DeviceRepr>(
        &self,
        stream: &Stream,
        q: &(impl DevicePtr<T> + ?Sized),
        k: &(impl DevicePtr<T> + ?Sized),
        v: &(impl DevicePtr<T> + ?Sized),
        o: &mut (impl DevicePtrMut<O> + ?Sized),
        lse: Option<&mut dyn DevicePtrMut<f32>>,
        workspace: &mut (impl DevicePtrMut<u8> + ?Sized),
    ) -> Result<()> {
        let ws = crate::runtime::check_workspace(&self.device, "attention", workspace, self.workspace_bytes)?;
        self.launch(stream, q, k, v, o, lse, (self.workspace_bytes > 0).then_some(ws))
    }

    #[allow(clippy::too_many_arguments)]
    fn launch<T: Element + DeviceRepr, O: Element + DeviceRepr>(
        &self,
        stream: &Stream,
        q: &(impl DevicePtr<T> + ?Sized),
        k: &(impl DevicePtr<T> + ?Sized),
        v: &(impl DevicePtr<T> + ?Sized),
        o: &mut (impl DevicePtrMut<O> + ?Sized),
        lse: Option<&mut dyn DevicePtrMut<f32>>,
        workspace: Option<u64>,
    ) -> Result<()> {
        self.device
            .check_same("the stream of an attention run", stream.device())?;
        let spec = &self.spec;
        if T::DTYPE != spec.dtype {
            return Err(Error::invalid(
                "q/k/v element type",
                format!("{} (the spec's dtype)", spec.dtype),
                T::DTYPE,
            ));
        }
        if O::DTYPE != spec.out_dtype {
            return Err(Error::invalid(
                "o element type",
                format!("{} (the spec's out_dtype)", spec.out_dtype),
                O::DTYPE,
            ));
        }
        for (what, dev) in [
            ("attention buffer q", q.device()),
            ("attention buffer k", k.device()),
            ("attention buffer v", v.device()),
            ("attention buffer o", o.device()),
        ] {
            self.device.check_same(what, dev)?;
        }
        for (what, len, need) in [
            ("q", q.len(), spec.q_len()),
            ("k", k.len(), spec.k_len()),
            ("v", v.len(), spec.v_len()),
            ("o", o.len(), spec.o_len()),
        ] {
            if len < need {
                return Err(Error::LengthMismatch {
                    what: what.into(),
                    expected: need,
                    got: len,
                });
            }
        }
        let lse_ptr = match (spec.return_lse, lse) {
            (true, Some(l)) => {
                self.device.check_same("attention buffer lse", l.device())?;
                if l.len() < spec.lse_len() {
                    return Err(Error::LengthMismatch {
                        what: "lse".into(),
                        expected: spec.lse_len(),
                        got: l.len(),
                    });
                }
                l.device_ptr_mut()
            }
            (false, None) => 0,
            (true, None) => {
                return Err(Error::invalid("lse", "a buffer (the spec asks for the LSE)", "None"));
            }
            (false, Some(_)) => {
                return Err(Error::invalid(
                    "lse",
                    "None (the spec does not ask for the LSE)",
                    "a buffer",
                ));
            }
        };
        if spec.total_q() == 0 || spec.batch == 0 {
            return Ok(()); // no query rows: nothing to write
        }
        let mut params = self.params;
        params.q = q.device_ptr();
        params.k = k.device_ptr();
        params.v = v.device_ptr();
        params.o = o.device_ptr_mut();
        params.lse = lse_ptr;
        if let Some((cq, ck)) = &self.cu_seqlens {
            params.cu_seqlens_q = cq.device_ptr();
            params.cu_seqlens_k = ck.device_ptr();
        }
        let cfg = LaunchConfig {
            dynamic_lds: lds_bytes(self.device.arch(), spec.head_dim, spec.dtype),
            ..LaunchConfig::linear(self.grid, BLOCK_THREADS)
        };
        if let (Path::Decode { lse_offset, .. }, Some(ws)) = (&self.path, workspace) {
            params.part_o = ws;
            params.part_lse = ws + *lse_offset as u64;
        }
        // SAFETY: every address in `params` belongs to device memory of this device whose length was checked against
        // the spec above, and the spec's strides were validated against those lengths by `AttentionSpec::validate`;
        // the decode workspace holds `workspace_bytes` (`kv_splits · batch · heads_q · 16` rows of `head_dim`, then
        // as many LSEs), checked for a caller's workspace.
        unsafe {
            stream.launch(&self.kernel, cfg, &params)?;
            if let Path::Decode { .. } = &self.path {
                let combine = LaunchConfig::linear((spec.batch * spec.heads_q) as u32, 256);
                stream.launch("hf_attn_combine", combine, &params)?;
            }
        }
        Ok(())
    }
}

/// Computes an attention forward in one call: [`AttentionPlan::new`] then [`AttentionPlan::run`]. Planning allocates
/// (decode workspace, varlen prefix sums) and dropping the plan frees: keep an [`AttentionPlan`] for repeated runs.
pub fn attention_forward<T: Element + DeviceRepr, O: Element + DeviceRepr>(
    device: &Device,
    spec: &AttentionSpec,
    q: &(impl DevicePtr<T> + ?Sized),
    k: &(impl DevicePtr<T> + ?Sized),
    v: &(impl DevicePtr<T> + ?Sized),
    o: &mut (impl DevicePtrMut<O> + ?Sized),
    lse: Option<&mut dyn DevicePtrMut<f32>>,
) -> Result<()> {
    AttentionPlan::new(device, spec)?.run(q, k, v, o, lse)
}

fn check_dtype(arch: &Arch, dtype: DType) -> Result<()> {
    match dtype {
        DType::BF16 | DType::F16 => Ok(()),
        DType::F8E4M3 | DType::F8E4M3Fnuz if dtype == arch.fp8_e4m3() => Ok(()),
        DType::F8E4M3 | DType::F8E4M3Fnuz => Err(Error::UnsupportedDType {
            what: "attention Q/K/V".into(),
            dtype: dtype.name().into(),
            reason: format!("{arch}'s MFMA reads e4m3 as {}", arch.fp8_e4m3()),
        }),
        _ => Err(Error::UnsupportedDType {
            what: "attention Q/K/V".into(),
            dtype: dtype.name().into(),
            reason: format!("the forward kernels take bf16, f16 or {} on {arch}", arch.fp8_e4m3()),
        }),
    }
}

/// Strides must be whole multiples of `step` elements (16-byte loads for Q/K/V, 4-element stores for O).
fn check_strides(name: &str, s: &Strides, step: usize, varlen: bool) -> Result<()> {
    let batch_ok = varlen || s.batch % step == 0;
    if s.seq % step != 0 || s.head % step != 0 || !batch_ok {
        return Err(Error::invalid(
            name,
            format!("batch, seq and head strides that are multiples of {step} elements"),
            format!("{s:?}"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the plans pass at launch equals what each kernel declares (HF_DYNAMIC_LDS) in its code object.
    #[test]
    fn lds_bytes_match_the_kernels_declarations() {
        let mut checked = 0;
        for arch in ["gfx942", "gfx950"] {
            if !crate::kernels::GPU_ARCHS.contains(&arch) {
                continue;
            }
            for kind in ["fwd", "decode"] {
                for d in SUPPORTED_HEAD_DIMS {
                    for t in [DType::BF16, DType::F16, DType::F8E4M3] {
                        let name = kernel_name(kind, t, d);
                        let declared = crate::isa::declared_dynamic_lds(arch, &name).unwrap();
                        assert_eq!(
                            declared,
                            Some(lds_bytes(&arch.parse::<Arch>().unwrap(), d, t)),
                            "{name} on {arch}"
                        );
                        checked += 1;
                    }
                }
            }
            assert_eq!(crate::isa::declared_dynamic_lds(arch, "hf_attn_combine").unwrap(), None);
        }
        crate::kernels::skip_unless_checked("lds_bytes_match_the_kernels_declarations", checked);
    }

    #[test]
    fn kernel_names_match_the_kernel_sources() {
        assert_eq!(kernel_name("fwd", DType::BF16, 128), "hf_attn_fwd_bf16_d128");
        assert_eq!(kernel_name("fwd", DType::F16, 64), "hf_attn_fwd_f16_d64");
        assert_eq!(
            kernel_name("decode", DType::F8E4M3Fnuz, 256),
            "hf_attn_decode_f8e4m3_d256"
        );
        let src = include_str!("../../kernels/attention/fwd.hip");
        assert!(src.contains("HF_EXPORT(hf_attn_combine, hf::AttnFwdParams)"));
        for kind in ["fwd", "decode"] {
            for d in SUPPORTED_HEAD_DIMS {
                for t in [DType::BF16, DType::F16, DType::F8E4M3] {
                    let name = kernel_name(kind, t, d);
                    assert!(
                        src.contains(&format!("HF_EXPORT({name}, hf::AttnFwdParams)")),
                        "{name} not exported"
                    );
                }
            }
        }
    }

    #[test]
    fn fp8_flavour_must_match_the_arch() {
        assert!(check_dtype(&Arch::Gfx950, DType::F8E4M3).is_ok());
        assert!(check_dtype(&Arch::Gfx942, DType::F8E4M3Fnuz).is_ok());
        assert!(matches!(
            check_dtype(&Arch::Gfx942, DType::F8E4M3),
            Err(Error::UnsupportedDType { .. })
        ));
        assert!(matches!(
            check_dtype(&Arch::Gfx950, DType::F8E4M3Fnuz),
            Err(Error::UnsupportedDType { .. })
        ));
        assert!(matches!(
            check_dtype(&Arch::Gfx950, DType::F8E5M2),
            Err(Error::UnsupportedDType { .. })
        ));
    }
}
