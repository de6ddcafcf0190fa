//! hipforge inside someone else's program: the device memory and the stream belong to another framework, and
//! hipforge runs a GEMM and an attention forward on them without a single copy.
//! `cargo run --release --example foreign_memory` (a HIP GPU if one works, else the gfx950 emulator).
//!
//! The "framework" below is what PyTorch, burn or a hand-written HIP program is to hipforge: it owns a packed QKV
//! projection's input `x`, its weights `W` (stored like `nn.Linear`: `[3·H·D, hidden]`), the `qkv` activations, the
//! attention output `o`, a scratch arena and a stream. hipforge borrows all of it:
//!
//! 1. `qkv = x · Wᵀ` (bf16) with a [`GemmPlan`] whose split-K workspace comes from the framework's arena;
//! 2. causal attention reading Q, K and V as three strided views into that one `qkv` tensor (no split, no copy),
//!    writing `o`;
//!
//! both queued on the framework's stream, which hipforge never synchronizes. The framework then waits on its stream
//! and reads the results back itself; each is checked against hipforge's f64 reference.
//!
//! On a GPU the framework talks to libamdhip64 through hip-sys directly (`hipMalloc`, `hipMemcpy`,
//! `hipStreamCreate`). Without one, the framework runs on the emulator: its memory comes from the emulator's
//! allocator (handed over with `DeviceBuffer::leak`, foreign from then on) and its stream is the null stream — on
//! the emulator all work runs synchronously. Everything hipforge does, in `run`, is the same code on both.

use hipforge::attention::{AttentionPlan, AttentionSpec, Strides};
use hipforge::gemm::{GemmOperands, GemmPlan, GemmSpec, Layout, PlanOptions};
use hipforge::reference::{self, GemmInputs};
use hipforge::runtime::{Device, DeviceBuffer, DeviceRepr, Stream};
use hipforge::verify::{verify, ErrorModel};
use hipforge::{bf16, DType, Error, Result};
use hipforge_sys::types::{hipMemcpyDeviceToHost, hipMemcpyHostToDevice, hipStream_t};
use std::ffi::c_void;

const BATCH: usize = 2;
const SEQ: usize = 96;
const HEADS: usize = 4;
const HEAD_DIM: usize = 64;
const HIDDEN: usize = 1024;
const TOKENS: usize = BATCH * SEQ;
const QKV: usize = 3 * HEADS * HEAD_DIM;

/// The other framework: device memory and a stream it owns and frees itself.
enum Framework {
    /// A HIP program: its own handle on libamdhip64, its own stream.
    Hip {
        lib: Box<hipforge_sys::HipLib>,
        stream: hipStream_t,
    },
    /// The same on the emulator: memory from the emulator's allocator, the null stream.
    Emulator { dev: Device },
}

impl Framework {
    fn open(dev: &Device) -> Result<Framework> {
        if dev.is_emulator() {
            return Ok(Framework::Emulator { dev: dev.clone() });
        }
        // Device::best() picked HIP device 0; the framework opens the same runtime library on its own.
        let lib = Box::new(hipforge_sys::HipLib::load()?);
        let mut stream = std::ptr::null_mut();
        // SAFETY: plain HIP calls with valid out-pointers.
        unsafe {
            hip("hipSetDevice", lib.hipSetDevice(0)?)?;
            hip("hipStreamCreate", lib.hipStreamCreate(&mut stream)?)?;
        }
        Ok(Framework::Hip { lib, stream })
    }

    /// The framework's stream, as a raw `hipStream_t`.
    fn stream(&self) -> hipStream_t {
        match self {
            Framework::Hip { stream, .. } => *stream,
            Framework::Emulator { .. } => std::ptr::null_mut(),
        }
    }

    /// A tensor of `host.len()` elements in the framework's memory, filled with `host`; returns its address.
    fn tensor<T: DeviceRepr>(&self, host: &[T]) -> Result<u64> {
        let bytes = std::mem::size_of_val(host);
        match self {
            Framework::Hip { lib, .. } => {
                let mut p = std::ptr::null_mut();
                // SAFETY: a fresh allocation of `bytes`, filled from a live host slice of the same size.
                unsafe {
                    hip("hipMalloc", lib.hipMalloc(&mut p, bytes)?)?;
                    let src = host.as_ptr() as *const c_void;
                    hip("hipMemcpy", lib.hipMemcpy(p, src, bytes, hipMemcpyHostToDevice)?)?;
                }
                Ok(p as u64)
            }
            Framework::Emulator { dev } => {
                let p = dev.alloc_zeroed::<u8>(bytes)?.leak(); // the emulator allocator's memory, now ours
                                                               // SAFETY: emulator device memory is host memory; `p` holds `bytes` bytes.
                unsafe { std::ptr::copy_nonoverlapping(host.as_ptr() as *const u8, p as *mut u8, bytes) };
                Ok(p)
            }
        }
    }

    /// Waits for the framework's stream, then copies `len` elements at `ptr` back to the host.
    fn read<T: DeviceRepr + Default>(&self, ptr: u64, len: usize) -> Result<Vec<T>> {
        let mut host = vec![T::default(); len];
        let bytes = std::mem::size_of_val(host.as_slice());
        match self {
            Framework::Hip { lib, stream } => unsafe {
                // SAFETY: `ptr` holds `len` elements; `host` has room for them.
                hip("hipStreamSynchronize", lib.hipStreamSynchronize(*stream)?)?;
                let dst = host.as_mut_ptr() as *mut c_void;
                hip(
                    "hipMemcpy",
                    lib.hipMemcpy(dst, ptr as *const c_void, bytes, hipMemcpyDeviceToHost)?,
                )?;
            },
            // SAFETY: emulator memory is host memory, and the emulator's work has finished (it is synchronous).
            Framework::Emulator { .. } => unsafe {
                std::ptr::copy_nonoverlapping(ptr as *const u8, host.as_mut_ptr() as *mut u8, bytes)
            },
        }
        Ok(host)
    }

    /// Frees a tensor of `bytes` bytes (after the stream's work on it).
    fn free(&self, ptr: u64, bytes: usize) -> Result<()> {
        match self {
            Framework::Hip { lib, stream } => unsafe {
                // SAFETY: `ptr` came from hipMalloc above and is freed once, after the stream has drained.
                hip("hipStreamSynchronize", lib.hipStreamSynchronize(*stream)?)?;
                hip("hipFree", lib.hipFree(ptr as *mut c_void)?)
            },
            Framework::Emulator { dev } => {
                // SAFETY: `ptr` came from the emulator's allocator (leaked above) and is taken back once.
                drop(unsafe { DeviceBuffer::<u8>::from_raw_owned(dev, ptr, bytes)? });
                Ok(())
            }
        }
    }
}

impl Drop for Framework {
    fn drop(&mut self) {
        if let Framework::Hip { lib, stream } = self {
            // SAFETY: the stream was created in `open` and hipforge's wrapper of it is gone.
            let _ = unsafe { lib.hipStreamDestroy(*stream) };
        }
    }
}

/// `Ok` for hipSuccess, else the code as a typed error.
fn hip(call: &str, code: hipforge_sys::types::hipError_t) -> Result<()> {
    if code == hipforge_sys::types::hipSuccess {
        Ok(())
    } else {
        Err(Error::Hip {
            call: call.into(),
            code,
            message: "from the framework's own HIP call".into(),
        })
    }
}

/// The framework's tensors (addresses and element counts).
struct Tensors {
    x: (u64, usize),
    w: (u64, usize),
    qkv: (u64, usize),
    o: (u64, usize),
    arena: (u64, usize),
}

/// hipforge's plans: validation, kernel choice and code-object loading happen here, once. The GEMM plan allocates
/// no workspace: it says how much it needs, and the framework provides it.
fn plan(dev: &Device, gemm: &GemmSpec, attn: &AttentionSpec) -> Result<(GemmPlan, AttentionPlan)> {
    let opts = PlanOptions {
        caller_workspace: true,
        ..Default::default()
    };
    Ok((GemmPlan::with_options(dev, gemm, opts)?, AttentionPlan::new(dev, attn)?))
}

/// Everything hipforge does on the run path: wrap the framework's memory and stream, queue. The same on a GPU and
/// the emulator.
fn run(dev: &Device, raw_stream: hipStream_t, t: &Tensors, plan: &GemmPlan, attn_plan: &AttentionPlan) -> Result<()> {
    // SAFETY: every address is a live framework tensor of that many elements on `dev`, kept (not freed, not
    // written by the framework) until the framework has waited for its stream; the stream outlives `stream`.
    let (x, w, mut qkv, mut o, mut arena, stream) = unsafe {
        (
            DeviceBuffer::<bf16>::from_raw(dev, t.x.0, t.x.1)?,
            DeviceBuffer::<bf16>::from_raw(dev, t.w.0, t.w.1)?,
            DeviceBuffer::<bf16>::from_raw(dev, t.qkv.0, t.qkv.1)?,
            DeviceBuffer::<bf16>::from_raw(dev, t.o.0, t.o.1)?,
            DeviceBuffer::<u8>::from_raw(dev, t.arena.0, t.arena.1)?,
            Stream::from_raw(dev, raw_stream),
        )
    };

    // 1. qkv = x · Wᵀ, split-K partial sums in the framework's arena.
    plan.run_with_workspace(&stream, &GemmOperands::new(&x, &w), &mut qkv, &mut arena)?;

    // 2. Attention over Q, K and V as strided views into qkv (row t = [Q heads | K heads | V heads]).
    let hd = HEADS * HEAD_DIM;
    let (q, k, v) = (qkv.slice(..)?, qkv.slice(hd..)?, qkv.slice(2 * hd..)?);
    attn_plan.run_on(&stream, &q, &k, &v, &mut o, None)?;
    println!(
        "queued on the framework's stream ({:?}): {} ({} K splits, {} workspace bytes from the arena), then {}",
        stream.raw(),
        plan.kernel(),
        plan.splits(),
        plan.workspace_bytes(),
        attn_plan.kernel()
    );
    Ok(()) // the wrappers drop here: nothing is freed, the stream is not destroyed, nothing waited for
}

fn main() -> Result<()> {
    let dev = Device::best()?;
    match dev.fallback_reason() {
        Some(why) => println!("device: {dev} ({why})"),
        None => println!("device: {dev}"),
    }
    let fw = Framework::open(&dev)?;

    let wave = |n: usize, seed: usize, amp: f32| -> Vec<bf16> {
        (0..n)
            .map(|i| bf16::from_f32(amp * (((i * 7919 + seed * 104_729) % 2000) as f32 / 1000.0 - 1.0)))
            .collect()
    };
    let x = wave(TOKENS * HIDDEN, 1, 1.0);
    let w = wave(QKV * HIDDEN, 2, 0.06);

    // x [TOKENS, HIDDEN] row-major; B = Wᵀ with W [QKV, HIDDEN] row-major is column-major (K-contiguous).
    let gemm = GemmSpec::new(TOKENS, QKV, HIDDEN, DType::BF16, DType::BF16, DType::BF16)
        .layouts(Layout::RowMajor, Layout::ColMajor);
    let row = Strides {
        batch: SEQ * QKV,
        seq: QKV,
        head: HEAD_DIM,
    };
    let mut attn = AttentionSpec::new(BATCH, SEQ, SEQ, HEADS, HEAD_DIM, DType::BF16).causal();
    (attn.q_strides, attn.k_strides, attn.v_strides) = (row, row, row);

    let (gemm_plan, attn_plan) = plan(&dev, &gemm, &attn)?;
    let arena_bytes = gemm_plan.workspace_bytes().max(16); // what the plan asks for, from the framework's memory
    let t = Tensors {
        x: (fw.tensor(&x)?, x.len()),
        w: (fw.tensor(&w)?, w.len()),
        qkv: (fw.tensor(&vec![bf16::ZERO; gemm.d_len()])?, gemm.d_len()),
        o: (fw.tensor(&vec![bf16::ZERO; attn.o_len()])?, attn.o_len()),
        arena: (fw.tensor(&vec![0u8; arena_bytes])?, arena_bytes),
    };
    run(&dev, fw.stream(), &t, &gemm_plan, &attn_plan)?;

    // The framework waits on its own stream and reads its own tensors.
    let qkv_out: Vec<bf16> = fw.read(t.qkv.0, t.qkv.1)?;
    let o_out: Vec<bf16> = fw.read(t.o.0, t.o.1)?;

    let expected = reference::gemm(&gemm, &GemmInputs::new(&x, &w))?;
    let gemm_report = verify(
        &gemm.gather_d(&qkv_out)?,
        &expected,
        &ErrorModel::gemm(DType::BF16, false),
    )?;
    println!("GEMM {TOKENS}x{QKV}x{HIDDEN} into the framework's qkv: {gemm_report}");
    // The attention reference reads the same (device-computed) qkv through the same strides.
    let hd = HEADS * HEAD_DIM;
    let expected = reference::attention(&attn, &qkv_out, &qkv_out[hd..], &qkv_out[2 * hd..])?;
    let attn_report = verify(
        &attn.gather_o(&o_out)?,
        &expected.out,
        &ErrorModel::attention(DType::BF16, DType::BF16),
    )?;
    println!("attention on views of qkv into the framework's o: {attn_report}");

    for (p, n, size) in [
        (t.x.0, t.x.1, 2),
        (t.w.0, t.w.1, 2),
        (t.qkv.0, t.qkv.1, 2),
        (t.o.0, t.o.1, 2),
        (t.arena.0, t.arena.1, 1),
    ] {
        fw.free(p, n * size)?;
    }
    for (what, report) in [("GEMM result", &gemm_report), ("attention output", &attn_report)] {
        if !report.passed() {
            return Err(Error::invalid(what, "within the verify bound", report));
        }
    }
    Ok(())
}
