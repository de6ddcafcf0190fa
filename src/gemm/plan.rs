//! [`GemmPlan`]: a validated GEMM on one device — the kernel chosen for it, its grid and its workspace — that runs
//! any number of times on different buffers of the same shape.

use super::hipblaslt::{GemmBuffers, HipBlasLtGemm};
use super::params::{spec_params, GemmParams};
use super::spec::{is_fnuz, is_fp8};
use super::{GemmSpec, Scaling};
use crate::dtype::{DType, Element};
use crate::error::{Error, Result};
use crate::runtime::hipblaslt::HipBlasLtLibrary;
use crate::runtime::hipblaslt::{BufferMut, BufferRef};
use crate::runtime::{Arch, Device, DeviceBuffer, DevicePtr, DevicePtrMut, DeviceRepr, LaunchConfig, Stream};
use std::sync::Arc;

/// Which implementation runs the GEMM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Backend {
    /// hipforge's own kernels (kernels/gemm/gemm.hip), on a HIP GPU or the emulator.
    #[default]
    Kernels,
    /// AMD's hipBLASLt (HIP GPUs only), for the specs it supports.
    HipBlasLt,
}

/// The output tile of a workgroup (kernels/gemm/gemm.hip).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tile {
    /// 256×256 tile, 8 waves (512 threads): large problems. No block/MX scaling.
    Large,
    /// 64×128 tile, 4 waves (256 threads): small M (decode-shaped GEMMs), small problems, block and MX scaling.
    Small,
}

impl Tile {
    /// `(rows, columns)` of the tile.
    pub fn shape(self) -> (usize, usize) {
        match self {
            Tile::Large => (256, 256),
            Tile::Small => (64, 128),
        }
    }
    fn threads(self) -> u32 {
        match self {
            Tile::Large => 512,
            Tile::Small => 256,
        }
    }
    /// Dynamic LDS of the kernel on `arch`: one K step (128 bytes per row of A and B) per stage, two stages where
    /// they fit (gfx950's 160 KiB; gfx942's 64 KiB holds one stage of the 256x256 tile). Mirrors STAGES in gemm.hip.
    fn lds_bytes(self, arch: &Arch) -> u32 {
        let (tm, tn) = self.shape();
        let stage = ((tm + tn) * 128) as u32;
        let limit = if *arch == Arch::Gfx950 { 160 * 1024 } else { 64 * 1024 };
        if 2 * stage <= limit {
            2 * stage
        } else {
            stage
        }
    }
    fn suffix(self) -> &'static str {
        match self {
            Tile::Large => "256x256",
            Tile::Small => "64x128",
        }
    }
}

/// Choices [`GemmPlan::with_options`] can override; `Default` lets the plan decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PlanOptions {
    /// The backend (default: hipforge's kernels).
    pub backend: Backend,
    /// Force a tile (else: [`Tile::Small`] for M ≤ 64, small problems and block/MX scaling, [`Tile::Large`] otherwise).
    pub tile: Option<Tile>,
    /// Force the number of K splits (else: split-K when the grid is small and K long). Clamped to the K steps.
    pub splits: Option<u32>,
    /// The caller provides the workspace at every run ([`GemmPlan::run_with_workspace`]) and the plan allocates
    /// none, so that a framework's allocator owns all device memory. Default: the plan allocates its own.
    pub caller_workspace: bool,
}

/// K elements per K step: 128 bytes of a K-contiguous row (64 16-bit or 128 8-bit elements).
fn k_step(a: DType) -> usize {
    128 / a.size_bytes()
}

/// Workgroups a 256×256 grid needs before the large tile pays off (modeled: a grid of large tiles smaller than
/// this leaves most of a 256–304-CU device idle, so the 64×128 tile's 8× finer grid wins).
const LARGE_TILE_MIN_TILES: usize = 64;
/// Target workgroup count split-K aims for on small grids.
const SPLITK_TARGET_GROUPS: usize = 128;
/// Fewest K steps one split handles.
const SPLITK_MIN_STEPS: usize = 4;
/// Grouped tile order: tile rows walked together (grid.hpp).
const GROUP_M: u32 = 8;

/// A GEMM ready to run on one device: the spec (validated for the device's arch), the kernel, the grid, and the
/// split-K workspace.
///
/// Everything that allocates or loads happens here, at planning: the workspace ([`GemmPlan::workspace_bytes`]; or
/// none, with [`PlanOptions::caller_workspace`]), the kernels' code objects, hipBLASLt's algorithm and workspace.
/// A run only queues launches on its stream: no allocation, no free, no synchronization, so it can be recorded in
/// a HIP graph. [`GemmPlan::run`] uses the device's default stream, [`GemmPlan::run_on`] any stream, and
/// [`GemmPlan::run_with_workspace`] a workspace the caller owns. Runs of one plan share its own workspace: order
/// runs on different streams (events), or give each stream its own workspace.
///
/// ```no_run
/// use hipforge::gemm::{GemmOperands, GemmPlan, GemmSpec};
/// use hipforge::runtime::Device;
/// use hipforge::{bf16, DType};
/// # fn main() -> hipforge::Result<()> {
/// let dev = Device::best()?;
/// let spec = GemmSpec::new(128, 256, 512, DType::BF16, DType::BF16, DType::F32);
/// let a = dev.upload(&vec![bf16::from_f32(1.0); spec.a_len()])?;
/// let b = dev.upload(&vec![bf16::from_f32(0.5); spec.b_len()])?;
/// let mut d = dev.alloc_zeroed::<f32>(spec.d_len())?;
/// let plan = GemmPlan::new(&dev, &spec)?;
/// plan.run(&GemmOperands::new(&a, &b), &mut d)?;
/// assert_eq!(d.download()?[0], 256.0);
/// # Ok(()) }
/// ```
pub struct GemmPlan {
    device: Device,
    spec: GemmSpec,
    kernel: String,
    tile: Tile,
    params: GemmParams,
    grid: [u32; 3],
    /// Bytes of split-K workspace a run needs (0 without split-K).
    workspace_bytes: usize,
    /// The plan's own workspace (`None` without split-K or with a caller workspace).
    workspace: Option<DeviceBuffer<u8>>,
    /// Set when the plan runs through hipBLASLt instead of hipforge's kernels.
    hipblaslt: Option<HipBlasLtGemm>,
}

impl std::fmt::Debug for GemmPlan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GemmPlan")
            .field("device", &self.device.name())
            .field("kernel", &self.kernel)
            .field("grid", &self.grid)
            .field("splits", &self.params.splits)
            .finish()
    }
}

/// The device memory of one GEMM run's inputs: A and B, and whichever of C, scales and bias the spec uses.
///
/// Each is any [`DevicePtr`]: an owned [`DeviceBuffer`], a view ([`DeviceBuffer::slice`]), memory borrowed from
/// another framework ([`DeviceBuffer::from_raw`]). `C` and `S` default to `f32`, so `GemmOperands::new(&a, &b)`
/// needs no more type names.
pub struct GemmOperands<'a, A: DeviceRepr, B: DeviceRepr, C: DeviceRepr = f32, S: DeviceRepr = f32> {
    /// A ([`GemmSpec::a_len`] elements).
    pub a: &'a dyn DevicePtr<A>,
    /// B ([`GemmSpec::b_len`] elements).
    pub b: &'a dyn DevicePtr<B>,
    /// C, read when `beta != 0` ([`GemmSpec::c_len`] elements).
    pub c: Option<&'a dyn DevicePtr<C>>,
    /// A's and B's dequantization scales (f32, or E8M0 for MX).
    pub scales: Option<(&'a dyn DevicePtr<S>, &'a dyn DevicePtr<S>)>,
    /// The f32 bias per column of D.
    pub bias: Option<&'a dyn DevicePtr<f32>>,
}

impl<'a, A: DeviceRepr, B: DeviceRepr> GemmOperands<'a, A, B> {
    /// A and B only.
    pub fn new(a: &'a impl DevicePtr<A>, b: &'a impl DevicePtr<B>) -> Self {
        GemmOperands {
            a,
            b,
            c: None,
            scales: None,
            bias: None,
        }
    }
}

impl<'a, A: DeviceRepr, B: DeviceRepr, C: DeviceRepr, S: DeviceRepr> GemmOperands<'a, A, B, C, S> {
    /// Adds C.
    pub fn with_c<C2: DeviceRepr>(self, c: &'a impl DevicePtr<C2>) -> GemmOperands<'a, A, B, C2, S> {
        GemmOperands {
            a: self.a,
            b: self.b,
            c: Some(c),
            scales: self.scales,
            bias: self.bias,
        }
    }
    /// Adds the scales of A and B.
    pub fn with_scales<S2: DeviceRepr>(
        self,
        scale_a: &'a impl DevicePtr<S2>,
        scale_b: &'a impl DevicePtr<S2>,
    ) -> GemmOperands<'a, A, B, C, S2> {
        GemmOperands {
            a: self.a,
            b: self.b,
            c: self.c,
            scales: Some((scale_a, scale_b)),
            bias: self.bias,
        }
    }
    /// Adds the bias.
    pub fn with_bias(self, bias: &'a impl DevicePtr<f32>) -> Self {
        GemmOperands {
            bias: Some(bias),
            ..self
        }
    }
}

/// Checks what the arch adds to [`GemmSpec::validate`]: the FP8 flavour, MX, and that the arch has kernels.
pub fn validate_for_arch(spec: &GemmSpec, arch: &Arch) -> Result<()> {
    if !matches!(arch, Arch::Gfx942 | Arch::Gfx950) {
        return Err(Error::Unsupported {
            what: format!("GEMM kernels on {arch}: hipforge has MFMA kernels for gfx942 and gfx950 only"),
        });
    }
    if spec.scaling == Scaling::Mx && *arch != Arch::Gfx950 {
        return Err(Error::Unsupported {
            what: format!("MX (E8M0 block) scaling on {arch}: the scaled MFMA instructions are gfx950-only"),
        });
    }
    let fnuz_arch = arch.fp8_is_fnuz();
    for (what, t) in [("A", spec.a.dtype), ("B", spec.b.dtype), ("D", spec.d.dtype)] {
        if is_fp8(t) && is_fnuz(t) != fnuz_arch {
            let want = if fnuz_arch {
                "FNUZ FP8 (f8e4m3fnuz / f8e5m2fnuz)"
            } else {
                "OCP FP8 (f8e4m3 / f8e5m2)"
            };
            return Err(Error::UnsupportedDType {
                what: format!("GEMM {what} on {arch}"),
                dtype: t.name().into(),
                reason: format!("{arch}'s matrix cores take {want}"),
            });
        }
    }
    Ok(())
}

/// The kernel symbol for the input dtypes and tile (kernels/gemm/gemm.hip's names).
fn kernel_name(a: DType, b: DType, tile: Tile) -> String {
    let fam = |t: DType| match t {
        DType::BF16 => "bf16",
        DType::F16 => "f16",
        DType::I8 => "i8",
        DType::F8E4M3 | DType::F8E4M3Fnuz => "fp8",
        _ => "bf8",
    };
    format!("hf_gemm_{}_{}_{}", fam(a), fam(b), tile.suffix())
}

impl GemmPlan {
    /// Plans `spec` on `device` with hipforge's kernels and the default tile/split choices.
    pub fn new(device: &Device, spec: &GemmSpec) -> Result<GemmPlan> {
        Self::with_options(device, spec, PlanOptions::default())
    }

    /// Plans `spec` for [`Backend::HipBlasLt`] with `library` instead of the process-wide hipBLASLt
    /// ([`HipBlasLtLibrary::global`]): for a library at a path of the caller's choosing, or a stand-in in tests.
    ///
    /// Errors as [`GemmPlan::with_options`] with [`Backend::HipBlasLt`]: the spec's own validation errors, then
    /// [`Error::Unsupported`] ("… unsupported by hipBLASLt") for a spec hipBLASLt cannot express, then
    /// [`Error::Unsupported`] on the emulator (hipBLASLt needs a HIP device), then the library's errors (e.g.
    /// [`Error::MissingSymbol`] for a library that is not hipBLASLt). Tile and split-K choices do not apply.
    pub fn with_library(device: &Device, spec: &GemmSpec, library: Arc<HipBlasLtLibrary>) -> Result<GemmPlan> {
        spec.validate()?;
        Self::on_hipblaslt(device, spec, Some(library))
    }

    /// The [`Backend::HipBlasLt`] plan: translation first, so a spec hipBLASLt cannot express is a typed error even
    /// where no library is installed; then the device (hipBLASLt runs on HIP devices only) and the library (the
    /// given one, else the process-wide one).
    fn on_hipblaslt(device: &Device, spec: &GemmSpec, library: Option<Arc<HipBlasLtLibrary>>) -> Result<GemmPlan> {
        HipBlasLtGemm::translate(spec, device.arch())?;
        if device.is_emulator() {
            return Err(Error::Unsupported {
                what: format!("Backend::HipBlasLt on {}: hipBLASLt needs a HIP device", device.name()),
            });
        }
        let lt = match library {
            Some(lib) => HipBlasLtGemm::with_library(device, lib)?,
            None => HipBlasLtGemm::new(device)?,
        };
        // The algorithm, its workspace and D's scale now, so that no run allocates.
        lt.prepare(spec)?;
        Ok(GemmPlan {
            device: device.clone(),
            spec: *spec,
            kernel: "hipblaslt".into(),
            tile: Tile::Small,
            params: spec_params(spec)?,
            grid: [0; 3],
            workspace_bytes: 0,
            workspace: None,
            hipblaslt: Some(lt),
        })
    }

    /// Plans with explicit choices (backend, tile, splits).
    pub fn with_options(device: &Device, spec: &GemmSpec, options: PlanOptions) -> Result<GemmPlan> {
        spec.validate()?;
        if options.backend == Backend::HipBlasLt {
            return Self::on_hipblaslt(device, spec, None);
        }
        validate_for_arch(spec, device.arch())?;
        let mut params = spec_params(spec)?;
        let kscaled = matches!(spec.scaling, Scaling::Block | Scaling::Mx);
        let tile = match options.tile {
            Some(Tile::Large) if kscaled => {
                return Err(Error::Unsupported {
                    what: format!(
                        "{:?} scaling with the 256x256 tile (it runs on the 64x128 tile)",
                        spec.scaling
                    ),
                })
            }
            Some(t) => t,
            None => {
                let large_tiles = spec.m.div_ceil(256) * spec.n.div_ceil(256) * spec.batch;
                if kscaled || spec.m <= 64 || large_tiles < LARGE_TILE_MIN_TILES {
                    Tile::Small
                } else {
                    Tile::Large
                }
            }
        };
        let (tm, tn) = tile.shape();
        let tiles_m = spec.m.div_ceil(tm);
        let tiles_n = spec.n.div_ceil(tn);
        let tiles = tiles_m.checked_mul(tiles_n).filter(|&t| t <= i32::MAX as usize);
        let tiles = tiles.ok_or_else(|| Error::Overflow {
            what: format!("the GEMM grid ({tiles_m} x {tiles_n} tiles)"),
        })?;
        if spec.batch > 65_535 {
            return Err(Error::Unsupported {
                what: format!("batch {} (the kernels' grid holds at most 65535 batches)", spec.batch),
            });
        }
        let steps = spec.k.div_ceil(k_step(spec.a.dtype));
        let splits = match options.splits {
            Some(s) => (s.max(1) as usize).min(steps),
            None => {
                let groups = tiles * spec.batch.max(1);
                if groups < SPLITK_TARGET_GROUPS && steps >= 2 * SPLITK_MIN_STEPS {
                    (SPLITK_TARGET_GROUPS / groups.max(1))
                        .clamp(1, steps / SPLITK_MIN_STEPS)
                        .min(16)
                } else {
                    1
                }
            }
        };
        let per_split = steps.div_ceil(splits);
        let splits = steps.div_ceil(per_split); // no empty split
        params.splits = splits as u32;
        params.k_steps_per_split = per_split as u32;
        params.tiles_m = tiles_m as u32;
        params.tiles_n = tiles_n as u32;
        params.group_m = GROUP_M;
        let workspace_bytes = if splits > 1 && spec.batch > 0 && spec.m > 0 && spec.n > 0 {
            let slice = spec.m * spec.n * 4;
            if slice as u64 > super::params::MAX_VIEW_BYTES {
                return Err(Error::Unsupported {
                    what: format!(
                        "split-K with an {}x{} output (workspace slices are limited to 2^31 bytes)",
                        spec.m, spec.n
                    ),
                });
            }
            params.ws_bytes = slice as u32;
            (splits * spec.batch)
                .checked_mul(slice)
                .ok_or_else(|| Error::Overflow {
                    what: "the split-K workspace bytes".into(),
                })?
        } else {
            0
        };
        let kernel = kernel_name(spec.a.dtype, spec.b.dtype, tile);
        // Code objects load now, not in a run (which may be under stream capture).
        device.prepare_kernel(&kernel)?;
        if splits > 1 {
            device.prepare_kernel(reduce_kernel(spec))?;
        }
        let workspace = if workspace_bytes > 0 && !options.caller_workspace {
            // Contents need not be initialized: every split writes its whole slice before the reduction reads it.
            Some(device.alloc_zeroed::<u8>(workspace_bytes)?)
        } else {
            None
        };
        Ok(GemmPlan {
            device: device.clone(),
            spec: *spec,
            kernel,
            tile,
            params,
            grid: [tiles as u32, spec.batch.max(1) as u32, splits as u32],
            workspace_bytes,
            workspace,
            hipblaslt: None,
        })
    }

    /// The main kernel's symbol (e.g. `hf_gemm_bf16_bf16_256x256`).
    pub fn kernel(&self) -> &str {
        &self.kernel
    }
    /// The tile the kernel computes per workgroup.
    pub fn tile(&self) -> Tile {
        self.tile
    }
    /// K splits (1: no split-K; more: partial sums in the workspace, then `hf_gemm_splitk_reduce_*`).
    pub fn splits(&self) -> u32 {
        self.params.splits
    }
    /// Workgroups of the main kernel in x (tiles), y (batches), z (K splits).
    pub fn grid(&self) -> [u32; 3] {
        self.grid
    }
    /// Bytes of workspace a run needs (split-K partial sums; 0 when the plan does not split K). With
    /// [`PlanOptions::caller_workspace`] this is what [`GemmPlan::run_with_workspace`] must be given; otherwise the
    /// plan holds that much itself.
    pub fn workspace_bytes(&self) -> usize {
        self.workspace_bytes
    }
    /// True when the plan allocated its own workspace (false without split-K, and with
    /// [`PlanOptions::caller_workspace`]).
    pub fn owns_workspace(&self) -> bool {
        self.workspace.is_some()
    }
    /// The device the plan runs on.
    pub fn device(&self) -> &Device {
        &self.device
    }
    /// The spec this plan runs.
    pub fn spec(&self) -> &GemmSpec {
        &self.spec
    }

    /// Runs the GEMM on the device's default stream: D = epilogue(A·B) with the operands' memory (see [`GemmSpec`]
    /// for the formula). Checks every operand's element type, length and device first. Returns when the work is
    /// queued (the emulator runs it before returning); call [`Device::synchronize`] or download D to wait.
    pub fn run<A, B, C, S, D>(
        &self,
        ops: &GemmOperands<'_, A, B, C, S>,
        d: &mut (impl DevicePtrMut<D> + ?Sized),
    ) -> Result<()>
    where
        A: Element + DeviceRepr,
        B: Element + DeviceRepr,
        C: Element + DeviceRepr,
        S: Element + DeviceRepr,
        D: Element + DeviceRepr,
    {
        self.run_on(&self.device.default_stream(), ops, d)
    }

    /// As [`GemmPlan::run`], queued on `stream` (one of this device's: created, default, or a foreign stream from
    /// [`Stream::from_raw`]). Only kernel launches go to the stream; nothing allocates, frees or synchronizes.
    /// A plan made with [`PlanOptions::caller_workspace`] that needs a workspace must use
    /// [`GemmPlan::run_with_workspace`] instead ([`Error::InvalidArgument`] here).
    pub fn run_on<A, B, C, S, D>(
        &self,
        stream: &Stream,
        ops: &GemmOperands<'_, A, B, C, S>,
        d: &mut (impl DevicePtrMut<D> + ?Sized),
    ) -> Result<()>
    where
        A: Element + DeviceRepr,
        B: Element + DeviceRepr,
        C: Element + DeviceRepr,
        S: Element + DeviceRepr,
        D: Element + DeviceRepr,
    {
        let ws = match &self.workspace {
            Some(w) => Some(w.device_ptr()),
            None if self.workspace_bytes > 0 => {
                return Err(Error::invalid(
                    "workspace",
                    format!(
                        "a caller workspace of {} bytes through run_with_workspace (the plan was made with \
                         PlanOptions::caller_workspace)",
                        self.workspace_bytes
                    ),
                    "none",
                ))
            }
            None => None,
        };
        self.launch(stream, ops, d, ws)
    }

    /// As [`GemmPlan::run_on`] with `workspace` (at least [`GemmPlan::workspace_bytes`] bytes of this device,
    /// 16-byte aligned; its contents need not be initialized) instead of the plan's own. The workspace is in use
    /// until the queued work has finished. Errors: [`Error::DeviceMismatch`], [`Error::LengthMismatch`]
    /// (`"workspace"`, in bytes), [`Error::InvalidArgument`] for a misaligned address.
    pub fn run_with_workspace<A, B, C, S, D>(
        &self,
        stream: &Stream,
        ops: &GemmOperands<'_, A, B, C, S>,
        d: &mut (impl DevicePtrMut<D> + ?Sized),
        workspace: &mut (impl DevicePtrMut<u8> + ?Sized),
    ) -> Result<()>
    where
        A: Element + DeviceRepr,
        B: Element + DeviceRepr,
        C: Element + DeviceRepr,
        S: Element + DeviceRepr,
        D: Element + DeviceRepr,
    {
        let ws = crate::runtime::check_workspace(&self.device, "GEMM", workspace, self.workspace_bytes)?;
        self.launch(stream, ops, d, (self.workspace_bytes > 0).then_some(ws))
    }

    fn launch<A, B, C, S, D>(
        &self,
        stream: &Stream,
        ops: &GemmOperands<'_, A, B, C, S>,
        d: &mut (impl DevicePtrMut<D> + ?Sized),
        workspace: Option<u64>,
    ) -> Result<()>
    where
        A: Element + DeviceRepr,
        B: Element + DeviceRepr,
        C: Element + DeviceRepr,
        S: Element + DeviceRepr,
        D: Element + DeviceRepr,
    {
        let spec = &self.spec;
        self.device.check_same("the stream of a GEMM run", stream.device())?;
        if let Some(lt) = &self.hipblaslt {
            // Only the buffers the spec uses, as the kernels path reads them: the same operands run on either
            // backend (hipBLASLt's wrapper refuses a bias or scales the plan has no slot for).
            let mut bufs = GemmBuffers::new(BufferRef::new(ops.a), BufferRef::new(ops.b), BufferMut::new(d));
            if let Some(c) = ops.c.filter(|_| spec.beta != 0.0) {
                bufs = bufs.with_c(BufferRef::new(c));
            }
            if let Some((sa, sb)) = ops.scales.filter(|_| spec.scaling != Scaling::None) {
                bufs = bufs.with_scales(BufferRef::new(sa), BufferRef::new(sb));
            }
            if let Some(bias) = ops.bias.filter(|_| spec.epilogue.bias.is_some()) {
                bufs = bufs.with_bias(BufferRef::new(bias));
            }
            return lt.run(spec, bufs, Some(stream));
        }
        let mut p = self.params;
        p.a = self.operand("A", ops.a, spec.a.dtype, spec.a_len())?;
        p.b = self.operand("B", ops.b, spec.b.dtype, spec.b_len())?;
        p.d = self.operand("D", &*d, spec.d.dtype, spec.d_len())?;
        if spec.beta != 0.0 {
            let c = ops
                .c
                .ok_or_else(|| Error::invalid("c", "a C buffer (beta != 0)", "none"))?;
            p.c = self.operand("C", c, spec.c.dtype, spec.c_len())?;
        }
        if let Some(t) = spec.scaling.scale_dtype() {
            let (sa, sb) = ops.scales.ok_or_else(|| {
                Error::invalid("scales", format!("scale buffers ({:?} scaling)", spec.scaling), "none")
            })?;
            p.scale_a = self.operand("scale_a", sa, t, spec.scale_a_len())?;
            p.scale_b = self.operand("scale_b", sb, t, spec.scale_b_len())?;
        }
        if spec.epilogue.bias.is_some() {
            let bias = ops
                .bias
                .ok_or_else(|| Error::invalid("bias", "a bias buffer (the epilogue has one)", "none"))?;
            p.bias = self.operand("bias", bias, DType::F32, spec.bias_len())?;
        }
        p.d = d.device_ptr_mut();
        // 16-byte chunk loads need 16-byte aligned bases too (device allocations are; offsets views may not be).
        if p.a % 16 != 0 {
            p.flags &= !super::params::FLAG_A_VEC;
        }
        if p.b % 16 != 0 {
            p.flags &= !super::params::FLAG_B_VEC;
        }
        if spec.batch == 0 || spec.m == 0 || spec.n == 0 {
            return Ok(());
        }
        if let Some(ws) = workspace {
            p.workspace = ws;
        }
        let cfg = LaunchConfig {
            grid: self.grid,
            block: [self.tile.threads(), 1, 1],
            dynamic_lds: self.tile.lds_bytes(self.device.arch()),
        };
        // SAFETY: every address in `p` comes from device memory of this device whose length and element type were
        // checked against the validated spec above (DevicePtr's contract makes the lengths true), the workspace was
        // checked against workspace_bytes; the kernels touch nothing outside the byte ranges in `p`.
        unsafe { stream.launch(&self.kernel, cfg, &p)? };
        if p.splits > 1 {
            let elems = spec.m * spec.n;
            let groups = u32::try_from(elems.div_ceil(256)).map_err(|_| Error::Overflow {
                what: "the split-K reduction grid".into(),
            })?;
            let cfg = LaunchConfig {
                grid: [groups, spec.batch as u32, 1],
                block: [256, 1, 1],
                dynamic_lds: 0,
            };
            // SAFETY: as above; the reduction reads the workspace slices the main kernel wrote.
            unsafe { stream.launch(reduce_kernel(spec), cfg, &p)? };
        }
        Ok(())
    }

    fn operand<T: Element + DeviceRepr>(
        &self,
        what: &str,
        buf: &(impl DevicePtr<T> + ?Sized),
        dtype: DType,
        len: usize,
    ) -> Result<u64> {
        if T::DTYPE != dtype {
            return Err(Error::invalid(
                format!("element type of {what}"),
                format!("{dtype} (as the spec says)"),
                T::DTYPE,
            ));
        }
        if buf.len() < len {
            return Err(Error::LengthMismatch {
                what: what.to_lowercase(),
                expected: len,
                got: buf.len(),
            });
        }
        self.device.check_same(&format!("GEMM operand {what}"), buf.device())?;
        Ok(buf.device_ptr())
    }
}

/// The split-K reduction kernel for the spec's accumulator type.
fn reduce_kernel(spec: &GemmSpec) -> &'static str {
    if spec.is_int8() {
        "hf_gemm_splitk_reduce_i32"
    } else {
        "hf_gemm_splitk_reduce_f32"
    }
}

/// One call: plans `spec` on the buffers' device and runs it on the default stream (see [`GemmPlan`]). Planning
/// allocates the split-K workspace, if any, and dropping the plan frees it: keep a [`GemmPlan`] for repeated runs.
pub fn gemm<A, B, C, S, D>(
    spec: &GemmSpec,
    ops: &GemmOperands<'_, A, B, C, S>,
    d: &mut (impl DevicePtrMut<D> + ?Sized),
) -> Result<()>
where
    A: Element + DeviceRepr,
    B: Element + DeviceRepr,
    C: Element + DeviceRepr,
    S: Element + DeviceRepr,
    D: Element + DeviceRepr,
{
    let plan = GemmPlan::new(ops.a.device(), spec)?;
    plan.run(ops, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the plan passes at launch equals what each kernel declares (HF_DYNAMIC_LDS) in its code object.
    #[test]
    fn lds_bytes_match_the_kernels_declarations() {
        let mut checked = 0;
        for (arch_name, arch) in [("gfx942", Arch::Gfx942), ("gfx950", Arch::Gfx950)] {
            if !crate::kernels::GPU_ARCHS.contains(&arch_name) {
                continue;
            }
            for k in crate::kernels::KERNELS
                .iter()
                .filter(|k| k.name.starts_with("hf_gemm_"))
            {
                let declared = crate::isa::declared_dynamic_lds(arch_name, k.name).unwrap();
                let expected = [Tile::Large, Tile::Small]
                    .into_iter()
                    .find(|t| k.name.ends_with(t.suffix()))
                    .map(|t| t.lds_bytes(&arch));
                assert_eq!(declared, expected, "{} on {arch_name}", k.name);
                checked += 1;
            }
        }
        crate::kernels::skip_unless_checked("lds_bytes_match_the_kernels_declarations", checked);
    }

    #[test]
    fn kernel_names_follow_the_families() {
        assert_eq!(
            kernel_name(DType::BF16, DType::BF16, Tile::Large),
            "hf_gemm_bf16_bf16_256x256"
        );
        assert_eq!(
            kernel_name(DType::F8E4M3Fnuz, DType::F8E5M2Fnuz, Tile::Small),
            "hf_gemm_fp8_bf8_64x128"
        );
        assert_eq!(
            kernel_name(DType::F8E5M2, DType::F8E4M3, Tile::Small),
            "hf_gemm_bf8_fp8_64x128"
        );
        for t in [Tile::Large, Tile::Small] {
            for (a, b) in [
                (DType::I8, DType::I8),
                (DType::F16, DType::F16),
                (DType::F8E5M2, DType::F8E5M2),
            ] {
                let name = kernel_name(a, b, t);
                assert!(
                    crate::kernels::find(&name).is_some(),
                    "{name} is not in the kernel table"
                );
            }
        }
    }
}
