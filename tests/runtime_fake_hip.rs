//! The HIP backend end to end against a stand-in runtime (tests/runtime_fake/fake_hip.c: one "device" in host
//! memory that records what it is asked to do). No GPU exists here; this runs every HIP-backend path of
//! `hipforge::runtime` — properties, memory, copies, streams, events, module loading and the launch — for real.
//!
//! The fake logs every call, which shows what a run does: GEMM, attention and quantization runs on a foreign
//! stream, in memory another "framework" allocated through hip-sys, queue only launches (and a memset) on that
//! stream — no allocation, free or synchronization — and never free the borrowed memory or destroy the foreign
//! stream; under stream capture (modelled as HIP's global mode, which refuses everything else) the recorded graph
//! holds only launches, copies and memsets.
//!
//! Needs a C compiler (clang-22, clang or cc); skips without one unless HIPFORGE_REQUIRE_GPU_TOOLCHAIN=1.

use hipforge::runtime::{Arch, Device, HipRuntime, LaunchConfig};
use hipforge::Error;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

mod common;
use common::quant_params::{QuantParams, PARAMS_BYTES};

/// Compiles `tests/runtime_fake/<name>.c` into a shared object (once per name and process), and returns a copy
/// private to `tag`: each test opens its own file, so the fakes' global counters are not shared between tests
/// running in parallel.
fn build_fake_for(name: &str, tag: &str) -> Option<PathBuf> {
    let shared = build_fake(name)?;
    let private = shared.with_file_name(format!("lib{name}-{tag}.so"));
    // Copy then rename: never rewrite in place a file another process may have mapped.
    let tmp = shared.with_file_name(format!("lib{name}-{tag}.so.{}", std::process::id()));
    std::fs::copy(&shared, &tmp).ok()?;
    std::fs::rename(&tmp, &private).ok()?;
    Some(private)
}

fn build_fake(name: &str) -> Option<PathBuf> {
    static BUILT: std::sync::Mutex<Vec<(String, Option<PathBuf>)>> = std::sync::Mutex::new(Vec::new());
    let mut built = BUILT.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, p)) = built.iter().find(|(n, _)| n == name) {
        return p.clone();
    }
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/runtime_fake/{name}.c"));
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("lib{name}.so"));
    let offset = std::mem::offset_of!(hipforge_sys::types::hipDeviceProp_tR0600, gcnArchName);
    let mut result = None;
    for cc in ["clang-22", "clang", "cc"] {
        let status = Command::new(cc)
            .args(["-shared", "-fPIC", "-O1", "-o"])
            .arg(&out)
            .arg(&src)
            .arg(format!("-DGCN_ARCH_OFFSET={offset}"))
            .arg(format!("-DPARAMS_BYTES={PARAMS_BYTES}"))
            .status();
        if matches!(status, Ok(s) if s.success()) {
            result = Some(out);
            break;
        }
    }
    built.push((name.to_string(), result.clone()));
    result
}

fn fake_runtime(tag: &str) -> Option<(Arc<HipRuntime>, hipforge_sys::Library)> {
    let Some(path) = build_fake_for("fake_hip", tag) else {
        let why = "no C compiler (clang-22, clang, cc) to build the fake HIP runtime";
        if std::env::var("HIPFORGE_REQUIRE_GPU_TOOLCHAIN").as_deref() == Ok("1") {
            panic!("{why}, and HIPFORGE_REQUIRE_GPU_TOOLCHAIN=1");
        }
        eprintln!("skipping: {why}");
        return None;
    };
    let rt = HipRuntime::load_from(&path).expect("the fake runtime opens");
    let hooks = hipforge_sys::loader::load_from("fake hooks", &path).expect("opens twice");
    Some((rt, hooks))
}

#[test]
fn hip_backend_memory_streams_events_and_properties() {
    let Some((rt, hooks)) = fake_runtime("memory") else {
        return;
    };
    let live = || unsafe {
        (hooks
            .get::<unsafe extern "C" fn() -> i32>("fake_live_allocations")
            .unwrap())()
    };
    assert_eq!(rt.runtime_version().unwrap(), 60_443_483);

    let dev = Device::hip_with(&rt, 0).unwrap();
    assert!(!dev.is_emulator());
    assert_eq!(dev.arch(), &Arch::Gfx942);
    assert_eq!(dev.name(), "Fake Instinct");
    let props = dev.properties().unwrap();
    assert_eq!(props.gcn_arch_name, "gfx942:sramecc+:xnack-");
    assert_eq!(
        (props.warp_size, props.lds_per_block, props.total_memory),
        (64, 65536, 192 << 30)
    );

    match Device::hip_with(&rt, 1) {
        Err(Error::InvalidArgument { what, .. }) => assert_eq!(what, "device ordinal"),
        other => panic!("expected InvalidArgument for ordinal 1 of 1, got {other:?}"),
    }

    let before = live();
    {
        // hipMalloc memory is not zero (the fake fills it with 0xA5): alloc_zeroed must clear it.
        let z = dev.alloc_zeroed::<u32>(100).unwrap();
        assert_eq!(z.download().unwrap(), vec![0u32; 100]);
        let host: Vec<f32> = (0..333).map(|i| i as f32 - 1.5).collect();
        let mut b = dev.upload(&host).unwrap();
        assert_eq!(b.download().unwrap(), host);
        assert_eq!(live(), before + 2);

        let stream = dev.new_stream().unwrap();
        let back = stream.upload_async(&mut b, vec![7.0f32; 333]).unwrap().wait().unwrap();
        assert_eq!(back, vec![7.0f32; 333]);
        let down = stream.download_async(&b, Vec::new()).unwrap().wait().unwrap();
        assert_eq!(down, vec![7.0f32; 333]);
        stream.zero_async(&mut b).unwrap();
        stream.synchronize().unwrap();
        assert_eq!(b.download().unwrap(), vec![0.0f32; 333]);

        let (e0, e1) = (dev.new_event().unwrap(), dev.new_event().unwrap());
        e0.record(&stream).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(15));
        e1.record(&stream).unwrap();
        let ms = e0.elapsed_ms(&e1).unwrap();
        assert!((10.0..5000.0).contains(&ms), "{ms}");
    }
    assert_eq!(live(), before, "buffers free their memory on drop");
}

#[test]
#[cfg_attr(not(feature = "gpu-kernels"), ignore = "needs the `gpu-kernels` feature")]
fn hip_backend_launch_passes_the_params_struct_as_the_single_argument() {
    let Some((rt, hooks)) = fake_runtime("launch") else {
        return;
    };
    let kernel = "hf_quant_amax_f32";
    if hipforge::kernels::code_object("gfx942", kernel).is_none() {
        // Without a GPU build there is nothing to load: that is the typed KernelNotBuilt path.
        let dev = Device::hip_with(&rt, 0).unwrap();
        let p = [0u8; 48];
        match unsafe { dev.launch(kernel, LaunchConfig::linear(1, 256), &p) } {
            Err(Error::KernelNotBuilt { arch, .. }) => assert_eq!(arch, "gfx942"),
            other => panic!("expected KernelNotBuilt, got {other:?}"),
        }
        eprintln!(
            "skipping the launch half: no gfx942 code object ({})",
            hipforge::kernels::GPU_BUILD_NOTE
        );
        return;
    }
    let dev = Device::hip_with(&rt, 0).unwrap();
    let x = dev.upload(&[1.0f32; 64]).unwrap();
    let amax = dev.alloc_zeroed::<u32>(1).unwrap();
    let params = QuantParams {
        x: x.device_ptr(),
        q: 0,
        scale: 0,
        amax: amax.device_ptr(),
        rows: 2,
        cols: 32,
        ld_x: 32,
        ld_q: 32,
    };
    let cfg = LaunchConfig {
        grid: [2, 1, 1],
        block: [256, 1, 1],
        dynamic_lds: 1024,
    };
    let stream = dev.new_stream().unwrap();
    unsafe { stream.launch(kernel, cfg, &params) }.unwrap();
    unsafe { dev.launch(kernel, cfg, &params) }.unwrap(); // second launch: module and function come from the cache

    let loads = unsafe { (hooks.get::<unsafe extern "C" fn() -> i32>("fake_module_loads").unwrap())() };
    assert_eq!(loads, 1, "one hipModuleLoadData per code object and device");
    let name = unsafe {
        let p = (hooks
            .get::<unsafe extern "C" fn() -> *const std::ffi::c_char>("fake_last_kernel")
            .unwrap())();
        std::ffi::CStr::from_ptr(p).to_str().unwrap().to_string()
    };
    assert_eq!(name, kernel);
    let dims = unsafe {
        let p = (hooks
            .get::<unsafe extern "C" fn() -> *const u32>("fake_last_dims")
            .unwrap())();
        std::slice::from_raw_parts(p, 7).to_vec()
    };
    assert_eq!(dims, vec![2, 1, 1, 256, 1, 1, 1024]);
    let seen: QuantParams = unsafe {
        let p = (hooks
            .get::<unsafe extern "C" fn() -> *const QuantParams>("fake_last_params")
            .unwrap())();
        std::ptr::read_unaligned(p)
    };
    assert_eq!(seen, params);
    let last_stream = unsafe {
        (hooks
            .get::<unsafe extern "C" fn() -> usize>("fake_last_stream")
            .unwrap())()
    };
    assert_eq!(last_stream, 0, "Device::launch uses the null stream");
}

#[test]
#[cfg_attr(not(feature = "gpu-kernels"), ignore = "needs the `gpu-kernels` feature")]
fn hip_backend_refuses_less_dynamic_lds_than_the_kernel_declares() {
    let Some((rt, hooks)) = fake_runtime("lds") else {
        return;
    };
    let kernel = "hf_gemm_bf16_bf16_64x128";
    let Ok(Some(declared)) = hipforge::isa::declared_dynamic_lds("gfx942", kernel) else {
        eprintln!(
            "skipping: no gfx942 code object with {kernel}'s HF_DYNAMIC_LDS ({})",
            hipforge::kernels::GPU_BUILD_NOTE
        );
        return;
    };
    let dev = Device::hip_with(&rt, 0).unwrap();
    // The refusal comes before the launch, so the params' contents do not matter.
    let params = [0u8; 16];
    let cfg = LaunchConfig {
        grid: [1, 1, 1],
        block: [256, 1, 1],
        dynamic_lds: declared - 1,
    };
    match unsafe { dev.launch(kernel, cfg, &params) } {
        Err(Error::InvalidArgument { what, expected, got }) => {
            assert!(what.contains(kernel), "{what}");
            assert!(expected.contains(&declared.to_string()), "{expected}");
            assert!(got.contains(&(declared - 1).to_string()), "{got}");
        }
        other => panic!("expected InvalidArgument for too little LDS, got {other:?}"),
    }
    let last = unsafe {
        let p = (hooks
            .get::<unsafe extern "C" fn() -> *const std::ffi::c_char>("fake_last_kernel")
            .unwrap())();
        std::ffi::CStr::from_ptr(p).to_str().unwrap().to_string()
    };
    assert_ne!(last, kernel, "the refused kernel reached hipModuleLaunchKernel");
}

/// Calls a no-argument hook of a fake library.
fn hook<R>(lib: &hipforge_sys::Library, name: &str) -> R {
    unsafe {
        (lib.get::<unsafe extern "C" fn() -> R>(name)
            .unwrap_or_else(|| panic!("hook {name}")))()
    }
}

/// Calls a one-argument hook of a fake library.
fn hook1<R>(lib: &hipforge_sys::Library, name: &str, arg: i32) -> R {
    unsafe {
        (lib.get::<unsafe extern "C" fn(i32) -> R>(name)
            .unwrap_or_else(|| panic!("hook {name}")))(arg)
    }
}

/// The fake's record of a matrix layout.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
struct FakeLayout {
    dtype: i32,
    rows: u64,
    cols: u64,
    ld: i64,
    batch: i32,
    stride: i64,
}

#[test]
fn hipblaslt_wrapper_drives_the_documented_call_sequence() {
    use hipforge::runtime::hipblaslt::*;
    use hipforge::{bf16, DType, F8E4M3};
    use hipforge_sys::types::*;
    let Some((rt, _)) = fake_runtime("hipblaslt") else {
        return;
    };
    let Some(blas_path) = build_fake_for("fake_hipblaslt", "hipblaslt") else {
        return;
    };
    let blas = hipforge_sys::loader::load_from("fake hooks", &blas_path).unwrap();
    let dev = Device::hip_with(&rt, 0).unwrap();

    let (m, n, k, batch) = (64u64, 48u64, 128u64, 2u32);
    let mut plan = MatmulPlan::new(
        m,
        n,
        k,
        true,
        false,
        DType::F8E4M3,
        DType::F8E4M3,
        DType::BF16,
        ComputeType::F32,
    );
    plan.a = plan.a.batched(batch, (k * m) as i64);
    plan.b = plan.b.batched(batch, (k * n) as i64);
    plan.c = plan.c.batched(batch, (m * n) as i64);
    plan.d = plan.d.batched(batch, (m * n) as i64);
    plan.epilogue = Epilogue::BiasGelu;
    plan.bias_dtype = Some(DType::BF16);
    plan.scale_a = Some(ScaleMode::OuterVector);
    plan.scale_b = Some(ScaleMode::Scalar);
    plan.scale_d = true;
    plan.amax_d = true;

    let lib = HipBlasLtLibrary::load_from(&blas_path).unwrap();
    let lt = HipBlasLt::with_library(&dev, lib).unwrap();
    assert_eq!(hook::<i32>(&blas, "fake_handles"), 1);

    // The heuristic: the whole list, minus candidates over the workspace limit.
    let algos = lt.heuristics(&plan, 8).unwrap();
    assert_eq!(
        algos.iter().map(|a| a.workspace_bytes).collect::<Vec<_>>(),
        vec![0, 1024]
    );
    assert_eq!(algos[1].waves_count, 2.0);
    assert_eq!(hook::<u64>(&blas, "fake_pref_workspace"), DEFAULT_WORKSPACE as u64);
    let layout = |i| unsafe { *hook1::<*const FakeLayout>(&blas, "fake_layout", i) };
    let a_layout = FakeLayout {
        dtype: HIP_R_8F_E4M3,
        rows: k,
        cols: m,
        ld: k as i64,
        batch: 2,
        stride: (k * m) as i64,
    };
    assert_eq!(layout(0), a_layout);
    assert_eq!((layout(1).rows, layout(1).cols), (k, n));
    assert_eq!(
        (layout(3).dtype, layout(3).rows, layout(3).stride),
        (HIP_R_16BF, m, (m * n) as i64)
    );
    let attr = |a: i32| hook1::<i64>(&blas, "fake_desc_attr", a);
    assert_eq!(hook::<i32>(&blas, "fake_desc_compute"), HIPBLAS_COMPUTE_32F);
    assert_eq!(hook::<i32>(&blas, "fake_desc_scale"), HIP_R_32F);
    assert_eq!(attr(HIPBLASLT_MATMUL_DESC_TRANSA), HIPBLAS_OP_T as i64);
    assert_eq!(attr(HIPBLASLT_MATMUL_DESC_TRANSB), HIPBLAS_OP_N as i64);
    assert_eq!(
        attr(HIPBLASLT_MATMUL_DESC_EPILOGUE),
        HIPBLASLT_EPILOGUE_GELU_BIAS as i64
    );
    assert_eq!(attr(HIPBLASLT_MATMUL_DESC_BIAS_DATA_TYPE), HIP_R_16BF as i64);
    assert_eq!(
        attr(HIPBLASLT_MATMUL_DESC_A_SCALE_MODE),
        HIPBLASLT_MATMUL_MATRIX_SCALE_OUTER_VEC_32F as i64
    );
    assert_eq!(
        attr(HIPBLASLT_MATMUL_DESC_B_SCALE_MODE),
        -1,
        "scalar is the default mode: not set"
    );
    assert_ne!(
        attr(HIPBLASLT_MATMUL_DESC_BIAS_POINTER),
        -1,
        "the query says a bias is used"
    );
    assert_eq!(attr(HIPBLASLT_MATMUL_DESC_C_SCALE_POINTER), -1);

    // Buffers.
    let a = dev.alloc_zeroed::<F8E4M3>((batch as u64 * k * m) as usize).unwrap();
    let b = dev.alloc_zeroed::<F8E4M3>((batch as u64 * k * n) as usize).unwrap();
    let mut d = dev.alloc_zeroed::<bf16>((batch as u64 * m * n) as usize).unwrap();
    let bias = dev.alloc_zeroed::<bf16>(m as usize).unwrap();
    let bias_f32 = dev.alloc_zeroed::<f32>(m as usize).unwrap();
    let scale_a = dev.alloc_zeroed::<f32>((batch as u64 * m) as usize).unwrap();
    let scale_b = dev.alloc_zeroed::<f32>(1).unwrap();
    let scale_d = dev.alloc_zeroed::<f32>(1).unwrap();
    let mut amax = dev.alloc_zeroed::<f32>(1).unwrap();
    let ptrs = (a.device_ptr(), b.device_ptr(), d.device_ptr());
    let (bias_p, sa_p, sb_p, sd_p, amax_p) = (
        bias.device_ptr(),
        scale_a.device_ptr(),
        scale_b.device_ptr(),
        scale_d.device_ptr(),
        amax.device_ptr(),
    );
    let stream = dev.new_stream().unwrap();
    let run = |d: &mut hipforge::runtime::DeviceBuffer<bf16>,
               amax: &mut hipforge::runtime::DeviceBuffer<f32>,
               bias: &hipforge::runtime::DeviceBuffer<bf16>,
               beta: f64| {
        let args = MatmulArgs {
            a: (&a).into(),
            b: (&b).into(),
            c: None,
            d: d.into(),
            alpha: 1.5,
            beta,
            bias: Some(bias.into()),
            scale_a: Some((&scale_a).into()),
            scale_b: Some((&scale_b).into()),
            scale_c: None,
            scale_d: Some((&scale_d).into()),
            amax_d: Some(amax.into()),
        };
        lt.matmul(&plan, args, Some(&stream))
    };
    run(&mut d, &mut amax, &bias, 0.0).unwrap();
    assert_eq!(hook::<i32>(&blas, "fake_matmuls"), 1);
    assert_eq!(
        hook::<i32>(&blas, "fake_heuristic_calls"),
        2,
        "heuristics() + the cache's first choice"
    );
    assert_eq!(
        hook::<i32>(&blas, "fake_mm_algo"),
        10,
        "the heuristic's first candidate"
    );
    assert_eq!(
        (hook::<f32>(&blas, "fake_mm_alpha"), hook::<f32>(&blas, "fake_mm_beta")),
        (1.5, 0.0)
    );
    let mm = |i| hook1::<u64>(&blas, "fake_mm_ptr", i);
    assert_eq!((mm(0), mm(1), mm(3)), ptrs);
    assert_eq!(mm(2), ptrs.2, "C absent (beta = 0): D stands in");
    assert_eq!(hook::<usize>(&blas, "fake_mm_ws_size"), 0);
    assert_eq!(attr(HIPBLASLT_MATMUL_DESC_BIAS_POINTER) as u64, bias_p);
    assert_eq!(attr(HIPBLASLT_MATMUL_DESC_A_SCALE_POINTER) as u64, sa_p);
    assert_eq!(attr(HIPBLASLT_MATMUL_DESC_B_SCALE_POINTER) as u64, sb_p);
    assert_eq!(attr(HIPBLASLT_MATMUL_DESC_D_SCALE_POINTER) as u64, sd_p);
    assert_eq!(attr(HIPBLASLT_MATMUL_DESC_AMAX_D_POINTER) as u64, amax_p);

    // The cache: same plan, no new heuristic query. A chosen algorithm with workspace gets one.
    run(&mut d, &mut amax, &bias, 0.0).unwrap();
    assert_eq!(hook::<i32>(&blas, "fake_heuristic_calls"), 2);
    assert_eq!(lt.cached_plans(), 1);
    lt.set_algorithm(&plan, algos[1]);
    run(&mut d, &mut amax, &bias, 0.0).unwrap();
    assert_eq!(hook::<i32>(&blas, "fake_mm_algo"), 11);
    assert!(hook::<usize>(&blas, "fake_mm_ws_size") >= 1024 && mm(4) != 0);

    // Validation happens before any call.
    let calls = hook::<i32>(&blas, "fake_matmuls");
    match run(&mut d, &mut amax, &bias, 1.0) {
        Err(Error::InvalidArgument { what, .. }) => assert_eq!(what, "c"),
        other => panic!("expected InvalidArgument(c) for beta != 0 without C, got {other:?}"),
    }
    let wrong_bias = MatmulArgs {
        a: (&a).into(),
        b: (&b).into(),
        c: None,
        d: (&mut d).into(),
        alpha: 1.0,
        beta: 0.0,
        bias: Some((&bias_f32).into()),
        scale_a: Some((&scale_a).into()),
        scale_b: Some((&scale_b).into()),
        scale_c: None,
        scale_d: Some((&scale_d).into()),
        amax_d: Some((&mut amax).into()),
    };
    assert!(matches!(
        lt.matmul(&plan, wrong_bias, None),
        Err(Error::UnsupportedDType { .. })
    ));
    let mut short_d = dev.alloc_zeroed::<bf16>((m * n) as usize).unwrap();
    match run(&mut short_d, &mut amax, &bias, 0.0) {
        Err(Error::LengthMismatch { what, expected, got }) => {
            assert_eq!(
                (what.as_str(), expected, got),
                ("d", (2 * m * n) as usize, (m * n) as usize)
            )
        }
        other => panic!("expected LengthMismatch(d), got {other:?}"),
    }
    assert_eq!(
        hook::<i32>(&blas, "fake_matmuls"),
        calls,
        "rejected calls reach no hipBLASLt function"
    );

    assert_eq!(
        hook::<i32>(&blas, "fake_live_descs"),
        0,
        "every layout/descriptor/preference was destroyed"
    );
    drop(lt);
    assert_eq!(hook::<i32>(&blas, "fake_handles"), 0);
}

// ---- stream-ordered runs on foreign memory and streams, read from the fake's call log ----

/// One entry of the fake's call log.
#[derive(Debug, Clone)]
struct Call {
    name: String,
    stream: usize,
    ptr: usize,
    /// Queued into a stream capture instead of running.
    captured: bool,
    params: Vec<u8>,
}

impl Call {
    /// The little-endian u64 at byte `offset` of a launch's params struct.
    fn param_u64(&self, offset: usize) -> u64 {
        u64::from_le_bytes(self.params[offset..offset + 8].try_into().unwrap())
    }
}

/// The calls logged since the last `fake_log_clear`.
fn calls(hooks: &hipforge_sys::Library) -> Vec<Call> {
    let n: i32 = hook(hooks, "fake_log_len");
    (0..n)
        .map(|i| unsafe {
            let name = std::ffi::CStr::from_ptr(hook1::<*const std::ffi::c_char>(hooks, "fake_log_name", i));
            let params = std::slice::from_raw_parts(hook1::<*const u8>(hooks, "fake_log_params", i), 272);
            Call {
                name: name.to_str().unwrap().to_string(),
                stream: hook1::<usize>(hooks, "fake_log_stream", i),
                ptr: hook1::<usize>(hooks, "fake_log_ptr", i),
                captured: hook1::<i32>(hooks, "fake_log_captured", i) != 0,
                params: params.to_vec(),
            }
        })
        .collect()
}

fn clear_log(hooks: &hipforge_sys::Library) {
    hook::<()>(hooks, "fake_log_clear");
}

/// True when the gfx942 code objects the plans below launch were built (else a note, or a failure under
/// HIPFORGE_REQUIRE_GPU_TOOLCHAIN=1).
fn gfx942_kernels(test: &str) -> bool {
    if hipforge::kernels::code_object("gfx942", "hf_gemm_bf16_bf16_64x128").is_some() {
        return true;
    }
    if std::env::var("HIPFORGE_REQUIRE_GPU_TOOLCHAIN").as_deref() == Ok("1") {
        panic!("{test}: no gfx942 code objects, and HIPFORGE_REQUIRE_GPU_TOOLCHAIN=1");
    }
    eprintln!(
        "skipping {test}: no gfx942 code objects ({})",
        hipforge::kernels::GPU_BUILD_NOTE
    );
    false
}

/// What another framework does with HIP: its own handle on the runtime library, its own allocations and streams.
struct Framework {
    lib: hipforge_sys::HipLib,
}

impl Framework {
    fn new(rt: &HipRuntime) -> Framework {
        let lib = hipforge_sys::HipLib::load_from(rt.path()).unwrap();
        assert_eq!(unsafe { lib.hipSetDevice(0).unwrap() }, 0);
        Framework { lib }
    }
    fn malloc(&self, bytes: usize) -> u64 {
        let mut p = std::ptr::null_mut();
        assert_eq!(unsafe { self.lib.hipMalloc(&mut p, bytes).unwrap() }, 0);
        p as u64
    }
    fn free(&self, p: u64) {
        assert_eq!(unsafe { self.lib.hipFree(p as *mut _).unwrap() }, 0);
    }
    fn stream(&self) -> hipforge_sys::types::hipStream_t {
        let mut s = std::ptr::null_mut();
        assert_eq!(unsafe { self.lib.hipStreamCreate(&mut s).unwrap() }, 0);
        s
    }
    fn destroy(&self, s: hipforge_sys::types::hipStream_t) {
        assert_eq!(unsafe { self.lib.hipStreamDestroy(s).unwrap() }, 0);
    }
}

/// The plans of the stream tests: a split-K GEMM, a split-KV attention decode and a per-tensor quantization (each
/// needs a workspace), made either with their own workspace or with the caller's.
struct Plans {
    gemm: hipforge::gemm::GemmPlan,
    attn: hipforge::attention::AttentionPlan,
    quant: hipforge::quant::QuantPlan<f32, hipforge::F8E4M3Fnuz>,
}

fn gemm_spec() -> hipforge::gemm::GemmSpec {
    hipforge::gemm::GemmSpec::new(
        64,
        128,
        4096,
        hipforge::DType::BF16,
        hipforge::DType::BF16,
        hipforge::DType::F32,
    )
}
fn attn_spec() -> hipforge::attention::AttentionSpec {
    hipforge::attention::AttentionSpec::new(1, 1, 1024, 8, 128, hipforge::DType::BF16)
}
fn quant_spec() -> hipforge::quant::QuantSpec {
    hipforge::quant::QuantSpec::new(4, 256, hipforge::quant::Granularity::Tensor)
}

impl Plans {
    fn new(dev: &Device, caller_workspace: bool) -> Plans {
        use hipforge::attention::AttentionPlan;
        use hipforge::gemm::{GemmPlan, PlanOptions};
        use hipforge::quant::QuantPlan;
        let opts = PlanOptions {
            caller_workspace,
            ..Default::default()
        };
        let plans = Plans {
            gemm: GemmPlan::with_options(dev, &gemm_spec(), opts).unwrap(),
            attn: if caller_workspace {
                AttentionPlan::with_caller_workspace(dev, &attn_spec()).unwrap()
            } else {
                AttentionPlan::new(dev, &attn_spec()).unwrap()
            },
            quant: if caller_workspace {
                QuantPlan::with_caller_workspace(dev, &quant_spec()).unwrap()
            } else {
                QuantPlan::new(dev, &quant_spec()).unwrap()
            },
        };
        // Every plan here needs a workspace, so the workspace paths are the ones exercised.
        assert!(plans.gemm.splits() > 1);
        assert_eq!(
            plans.gemm.workspace_bytes(),
            plans.gemm.splits() as usize * 64 * 128 * 4
        );
        assert_eq!(plans.gemm.owns_workspace(), !caller_workspace);
        assert!(plans.attn.kv_splits().is_some() && plans.attn.workspace_bytes() > 0);
        assert_eq!(plans.attn.owns_workspace(), !caller_workspace);
        assert_eq!(plans.quant.workspace_bytes(), 4);
        plans
    }
}

/// The operands of the three plans, in memory the framework allocated, wrapped without copies.
struct Operands {
    ptrs: Vec<(u64, usize)>,
    a: hipforge::runtime::DeviceBuffer<hipforge::bf16>,
    b: hipforge::runtime::DeviceBuffer<hipforge::bf16>,
    d: hipforge::runtime::DeviceBuffer<f32>,
    qkv: hipforge::runtime::DeviceBuffer<hipforge::bf16>,
    o: hipforge::runtime::DeviceBuffer<hipforge::bf16>,
    x: hipforge::runtime::DeviceBuffer<f32>,
    xq: hipforge::runtime::DeviceBuffer<hipforge::F8E4M3Fnuz>,
    scale: hipforge::runtime::DeviceBuffer<f32>,
}

impl Operands {
    fn new(fw: &Framework, dev: &Device) -> Operands {
        use hipforge::runtime::DeviceBuffer;
        let (g, at, q) = (gemm_spec(), attn_spec(), quant_spec());
        let mut ptrs = Vec::new();
        let mut raw = |elems: usize, size: usize| {
            let p = fw.malloc(elems * size);
            ptrs.push((p, elems * size));
            p
        };
        let qkv_len = at.q_len() + at.k_len() + at.v_len();
        // SAFETY: each pointer is a fresh framework allocation of exactly that many elements, freed by the framework
        // only after every wrapper below is dropped.
        unsafe {
            let ops = Operands {
                a: DeviceBuffer::from_raw(dev, raw(g.a_len(), 2), g.a_len()).unwrap(),
                b: DeviceBuffer::from_raw(dev, raw(g.b_len(), 2), g.b_len()).unwrap(),
                d: DeviceBuffer::from_raw(dev, raw(g.d_len(), 4), g.d_len()).unwrap(),
                qkv: DeviceBuffer::from_raw(dev, raw(qkv_len, 2), qkv_len).unwrap(),
                o: DeviceBuffer::from_raw(dev, raw(at.o_len(), 2), at.o_len()).unwrap(),
                x: DeviceBuffer::from_raw(dev, raw(q.input_len().unwrap() + 64, 4), q.input_len().unwrap() + 64)
                    .unwrap(),
                xq: DeviceBuffer::from_raw(dev, raw(q.output_len().unwrap(), 1), q.output_len().unwrap()).unwrap(),
                scale: DeviceBuffer::from_raw(dev, raw(1, 4), 1).unwrap(),
                ptrs: Vec::new(),
            };
            Operands { ptrs, ..ops }
        }
    }

    /// Queues the three plans on `stream`, with `workspaces` (GEMM, attention, quantization) when given. Q, K and
    /// V are views of one allocation; the quantization reads a view that skips the first 64 elements.
    fn run(
        &mut self,
        plans: &Plans,
        stream: &hipforge::runtime::Stream,
        workspaces: Option<&mut [hipforge::runtime::DeviceBuffer<u8>; 3]>,
    ) -> hipforge::Result<()> {
        use hipforge::gemm::GemmOperands;
        let at = attn_spec();
        let q = self.qkv.slice(..at.q_len())?;
        let k = self.qkv.slice(at.q_len()..at.q_len() + at.k_len())?;
        let v = self.qkv.slice(at.q_len() + at.k_len()..)?;
        let x = self.x.slice(64..)?;
        let ops = GemmOperands::new(&self.a, &self.b);
        match workspaces {
            Some([wg, wa, wq]) => {
                plans.gemm.run_with_workspace(stream, &ops, &mut self.d, wg)?;
                plans
                    .attn
                    .run_with_workspace(stream, &q, &k, &v, &mut self.o, None, wa)?;
                plans
                    .quant
                    .run_with_workspace(stream, &x, &mut self.xq, &mut self.scale, wq)
            }
            None => {
                plans.gemm.run_on(stream, &ops, &mut self.d)?;
                plans.attn.run_on(stream, &q, &k, &v, &mut self.o, None)?;
                plans.quant.run_on(stream, &x, &mut self.xq, &mut self.scale)
            }
        }
    }
}

/// Checks the log of one `Operands::run`: only launches (and the quantization's one memset), all on `stream`, each
/// handed the framework's memory directly; returns the workspace addresses the kernels were given.
fn check_run_log(log: &[Call], stream: usize, ops: &Operands) -> [u64; 3] {
    let work: Vec<&Call> = log.iter().filter(|c| c.name != "hipSetDevice").collect();
    let names: Vec<&str> = work.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "hipModuleLaunchKernel", // GEMM, 16 K splits
            "hipModuleLaunchKernel", // split-K reduction
            "hipModuleLaunchKernel", // attention decode
            "hipModuleLaunchKernel", // combine
            "hipMemsetAsync",        // amax scratch = 0
            "hipModuleLaunchKernel", // amax
            "hipModuleLaunchKernel", // quantize
        ],
        "a run makes no other call (no hipMalloc, hipFree, hipDeviceSynchronize, hipStreamSynchronize, module \
         loading): {log:#?}"
    );
    for c in &work {
        assert_eq!(c.stream, stream, "{} on the wrong stream", c.name);
    }
    let kernels: Vec<String> = work
        .iter()
        .filter(|c| c.name == "hipModuleLaunchKernel")
        .map(|c| {
            unsafe { std::ffi::CStr::from_ptr(c.ptr as *const std::ffi::c_char) }
                .to_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        kernels,
        [
            "hf_gemm_bf16_bf16_64x128",
            "hf_gemm_splitk_reduce_f32",
            "hf_attn_decode_bf16_d128",
            "hf_attn_combine",
            "hf_quant_amax_f32",
            "hf_quant_f32_fp8_tensor",
        ]
    );
    // GemmParams: a, b, c, d, bias, scale_a, scale_b, workspace (u64 each, from offset 0).
    let gemm = work[0];
    assert_eq!(
        [gemm.param_u64(0), gemm.param_u64(8), gemm.param_u64(24)],
        [ops.a.device_ptr(), ops.b.device_ptr(), ops.d.device_ptr()]
    );
    assert_eq!(
        work[1].param_u64(56),
        gemm.param_u64(56),
        "the reduction reads the main kernel's workspace"
    );
    // AttnFwdParams: q, k, v, o from offset 0; part_o, part_lse at 232, 240.
    let attn = work[2];
    let at = attn_spec();
    let base = ops.qkv.device_ptr();
    assert_eq!(
        [
            attn.param_u64(0),
            attn.param_u64(8),
            attn.param_u64(16),
            attn.param_u64(24)
        ],
        [
            base,
            base + 2 * at.q_len() as u64,
            base + 2 * (at.q_len() + at.k_len()) as u64,
            ops.o.device_ptr()
        ],
        "Q, K and V are views of one framework allocation"
    );
    let (part_o, part_lse) = (attn.param_u64(232), attn.param_u64(240));
    let part_o_bytes = 16 * 8 * 16 * 128 * 4; // splits · heads · 16 rows · head_dim · f32
    assert!(
        part_lse >= part_o + part_o_bytes,
        "the partial LSEs start after the partial outputs"
    );
    // QuantParams: x, q, scale, amax.
    let quant = work[6];
    assert_eq!(
        [quant.param_u64(0), quant.param_u64(8), quant.param_u64(16)],
        [ops.x.device_ptr() + 64 * 4, ops.xq.device_ptr(), ops.scale.device_ptr()]
    );
    assert_eq!(
        work[4].ptr as u64,
        quant.param_u64(24),
        "the memset clears the amax scratch the kernel reads"
    );
    [gemm.param_u64(56), part_o, quant.param_u64(24)]
}

#[test]
#[cfg_attr(not(feature = "gpu-kernels"), ignore = "needs the `gpu-kernels` feature")]
fn runs_queue_only_launches_on_the_given_stream_into_borrowed_memory() {
    let Some((rt, hooks)) = fake_runtime("streams") else {
        return;
    };
    if !gfx942_kernels("runs_queue_only_launches_on_the_given_stream_into_borrowed_memory") {
        return;
    }
    let fw = Framework::new(&rt);
    let dev = Device::hip_with(&rt, 0).unwrap();
    let raw_stream = fw.stream();
    let allocations = hook::<i32>(&hooks, "fake_live_allocations");
    let streams = hook::<i32>(&hooks, "fake_live_streams");
    let ops_ptrs;
    {
        // SAFETY: a stream of device 0 that the framework destroys only after this wrapper is gone.
        let stream = unsafe { hipforge::runtime::Stream::from_raw(&dev, raw_stream) };
        assert_eq!(stream.raw(), raw_stream);
        assert!(!stream.is_owned());
        let mut ops = Operands::new(&fw, &dev);

        // Plans that own their workspaces: run_on.
        let own = Plans::new(&dev, false);
        clear_log(&hooks);
        ops.run(&own, &stream, None).unwrap();
        let seen = check_run_log(&calls(&hooks), raw_stream as usize, &ops);
        assert_ne!(seen, [0; 3]);

        // Plans without workspaces: the caller's (framework memory again), checked and handed to the kernels.
        let caller = Plans::new(&dev, true);
        let mut ws = [
            caller.gemm.workspace_bytes(),
            caller.attn.workspace_bytes(),
            caller.quant.workspace_bytes(),
        ]
        .map(|bytes| {
            let p = fw.malloc(bytes);
            // SAFETY: a fresh framework allocation of `bytes`, freed below after the wrapper is dropped.
            unsafe { hipforge::runtime::DeviceBuffer::<u8>::from_raw(&dev, p, bytes) }.unwrap()
        });
        match ops.run(&caller, &stream, None) {
            Err(Error::InvalidArgument { what, expected, .. }) => {
                assert_eq!(what, "workspace");
                assert!(
                    expected.contains(&caller.gemm.workspace_bytes().to_string()),
                    "{expected}"
                );
            }
            other => panic!("a caller-workspace plan without one must refuse, got {other:?}"),
        }
        clear_log(&hooks);
        ops.run(&caller, &stream, Some(&mut ws)).unwrap();
        let seen = check_run_log(&calls(&hooks), raw_stream as usize, &ops);
        assert_eq!(seen, [ws[0].device_ptr(), ws[1].device_ptr(), ws[2].device_ptr()]);

        // A short or misaligned workspace is a typed error before anything is queued.
        clear_log(&hooks);
        let mut short = ws[0].slice_mut(..ws[0].len() - 1).unwrap();
        let gemm_ops = hipforge::gemm::GemmOperands::new(&ops.a, &ops.b);
        match caller
            .gemm
            .run_with_workspace(&stream, &gemm_ops, &mut ops.d, &mut short)
        {
            Err(Error::LengthMismatch { what, expected, got }) => {
                assert_eq!(
                    (what.as_str(), expected, got),
                    ("workspace", ws[0].len(), ws[0].len() - 1)
                )
            }
            other => panic!("expected LengthMismatch(workspace), got {other:?}"),
        }
        let need = caller.gemm.workspace_bytes();
        let spare = fw.malloc(need + 16);
        // SAFETY: a fresh framework allocation of need + 16 bytes, freed below after the wrapper is dropped.
        let mut big = unsafe { hipforge::runtime::DeviceBuffer::<u8>::from_raw(&dev, spare, need + 16) }.unwrap();
        let mut skewed = big.slice_mut(4..4 + need).unwrap();
        match caller
            .gemm
            .run_with_workspace(&stream, &gemm_ops, &mut ops.d, &mut skewed)
        {
            Err(Error::InvalidArgument { what, got, .. }) => {
                assert_eq!(what, "workspace address");
                assert_eq!(got, format!("{:#x}", spare + 4));
            }
            other => panic!("expected InvalidArgument(workspace address), got {other:?}"),
        }
        drop(big);
        fw.free(spare);
        assert!(
            calls(&hooks).iter().all(|c| c.name != "hipModuleLaunchKernel"),
            "a refused run launches nothing"
        );

        // The plain forms queue on the default (null) stream; a created stream is its own.
        clear_log(&hooks);
        own.quant.run(&ops.x, &mut ops.xq, &mut ops.scale).unwrap();
        let owned = dev.new_stream().unwrap();
        own.quant.run_on(&owned, &ops.x, &mut ops.xq, &mut ops.scale).unwrap();
        let launches: Vec<usize> = calls(&hooks)
            .iter()
            .filter(|c| c.name == "hipModuleLaunchKernel")
            .map(|c| c.stream)
            .collect();
        assert_eq!(launches, [0, 0, owned.raw() as usize, owned.raw() as usize]);

        // Async copies on views of borrowed memory go to the stream too.
        clear_log(&hooks);
        let mut tail = ops.d.slice_mut(100..104).unwrap();
        let back = stream.upload_async(&mut tail, vec![1.0f32; 4]).unwrap().wait().unwrap();
        assert_eq!(back.len(), 4);
        let log = calls(&hooks);
        let copy = log.iter().find(|c| c.name == "hipMemcpyAsync").expect("an async copy");
        assert_eq!(
            (copy.stream, copy.ptr as u64),
            (raw_stream as usize, ops.d.device_ptr() + 400)
        );
        assert!(log
            .iter()
            .any(|c| c.name == "hipStreamSynchronize" && c.stream == raw_stream as usize));

        ops_ptrs = ops.ptrs.clone();
        for w in ws {
            let p = w.device_ptr();
            drop(w);
            fw.free(p);
        }
        clear_log(&hooks);
        // Dropping the wrappers (buffers, views, the stream) frees and destroys nothing of the framework's.
    }
    let log = calls(&hooks);
    for (p, _) in &ops_ptrs {
        assert!(
            !log.iter().any(|c| c.name == "hipFree" && c.ptr as u64 == *p),
            "hipforge freed borrowed memory at {p:#x}"
        );
    }
    assert!(
        !log.iter()
            .any(|c| c.name == "hipStreamDestroy" && c.stream == raw_stream as usize),
        "hipforge destroyed the foreign stream"
    );
    // hipforge's own allocations (the plans' workspaces, the created stream) are gone; the framework's are not.
    assert_eq!(
        hook::<i32>(&hooks, "fake_live_allocations"),
        allocations + ops_ptrs.len() as i32
    );
    assert_eq!(hook::<i32>(&hooks, "fake_live_streams"), streams);
    for (p, _) in ops_ptrs {
        fw.free(p);
    }
    fw.destroy(raw_stream);
    assert_eq!(hook::<i32>(&hooks, "fake_live_allocations"), allocations);
    assert_eq!(hook::<i32>(&hooks, "fake_live_streams"), streams - 1);
}

#[test]
#[cfg_attr(not(feature = "gpu-kernels"), ignore = "needs the `gpu-kernels` feature")]
fn captured_runs_hold_only_launches_copies_and_memsets() {
    use hipforge_sys::types::hipStreamCaptureModeGlobal;
    let Some((rt, hooks)) = fake_runtime("capture") else {
        return;
    };
    if !gfx942_kernels("captured_runs_hold_only_launches_copies_and_memsets") {
        return;
    }
    let fw = Framework::new(&rt);
    let dev = Device::hip_with(&rt, 0).unwrap();
    let raw_stream = fw.stream();
    // SAFETY: a stream of device 0, destroyed by the framework after the wrapper is dropped.
    let stream = unsafe { hipforge::runtime::Stream::from_raw(&dev, raw_stream) };
    let mut ops = Operands::new(&fw, &dev);
    let plans = Plans::new(&dev, false); // planning (allocation, module loading) happens before the capture
    let mut staging = dev.alloc_zeroed::<f32>(4).unwrap();
    let capture = |on: bool| unsafe {
        if on {
            fw.lib
                .hipStreamBeginCapture(raw_stream, hipStreamCaptureModeGlobal)
                .unwrap()
        } else {
            let mut graph = std::ptr::null_mut();
            let code = fw.lib.hipStreamEndCapture(raw_stream, &mut graph).unwrap();
            assert_eq!(code, 0);
            let nodes: i32 = (hooks
                .get::<unsafe extern "C" fn(*mut std::ffi::c_void) -> i32>("fake_graph_nodes")
                .unwrap())(graph);
            assert_eq!(fw.lib.hipGraphDestroy(graph).unwrap(), 0);
            nodes
        }
    };

    // The fake refuses what a real capture refuses: these are the calls the runs must not make.
    assert_eq!(capture(true), 0);
    match dev.synchronize() {
        Err(Error::Hip { call, code, .. }) => assert_eq!((call.as_str(), code), ("hipDeviceSynchronize", 900)),
        other => panic!("hipDeviceSynchronize during capture must fail, got {other:?}"),
    }
    assert!(matches!(dev.alloc_zeroed::<f32>(4), Err(Error::Hip { ref call, .. }) if call == "hipMalloc"));
    match plans.quant.run(&ops.x, &mut ops.xq, &mut ops.scale) {
        Err(Error::Hip { code, .. }) => assert_eq!(code, 906, "work on the null stream while another captures"),
        other => panic!("a run on the default stream during the capture must fail, got {other:?}"),
    }
    capture(false);

    // The runs themselves, plus a device-to-device copy and a memset, recorded into the graph.
    clear_log(&hooks);
    assert_eq!(capture(true), 0);
    ops.run(&plans, &stream, None).unwrap();
    let d_head = ops.d.slice(..4).unwrap();
    stream.copy_async(&d_head, &mut staging).unwrap();
    stream.zero_async(&mut staging).unwrap();
    let nodes = capture(false);
    let log = calls(&hooks);
    let inside: Vec<&Call> = log
        .iter()
        .filter(|c| {
            !matches!(
                c.name.as_str(),
                "hipStreamBeginCapture" | "hipStreamEndCapture" | "hipSetDevice"
            )
        })
        .collect();
    assert!(!inside.is_empty());
    for c in &inside {
        assert!(
            matches!(
                c.name.as_str(),
                "hipModuleLaunchKernel" | "hipMemcpyAsync" | "hipMemsetAsync"
            ),
            "{} recorded during a capture: {log:#?}",
            c.name
        );
        assert!(c.captured && c.stream == raw_stream as usize, "{c:?}");
    }
    assert_eq!(
        nodes as usize,
        inside.len(),
        "every queued operation became a graph node"
    );
    assert_eq!(inside.iter().filter(|c| c.name == "hipModuleLaunchKernel").count(), 6);
    assert_eq!(inside.iter().filter(|c| c.name == "hipMemsetAsync").count(), 2);
    assert_eq!(inside.iter().filter(|c| c.name == "hipMemcpyAsync").count(), 1);

    drop((stream, ops, plans, staging));
    fw.destroy(raw_stream);
}

#[test]
fn events_order_streams_without_a_host_wait() {
    let Some((rt, hooks)) = fake_runtime("events") else {
        return;
    };
    let dev = Device::hip_with(&rt, 0).unwrap();
    let fw = Framework::new(&rt);
    let raw = fw.stream();
    // SAFETY: a stream of device 0, destroyed by the framework after the wrapper is dropped.
    let theirs = unsafe { hipforge::runtime::Stream::from_raw(&dev, raw) };
    let ours = dev.new_stream().unwrap();
    let event = dev.new_event().unwrap();
    clear_log(&hooks);
    event.record(&theirs).unwrap();
    ours.wait(&event).unwrap();
    let branch = ours.fork().unwrap();
    theirs.join(&branch).unwrap();
    let log: Vec<(String, usize)> = calls(&hooks)
        .into_iter()
        .filter(|c| c.name != "hipSetDevice")
        .map(|c| (c.name, c.stream))
        .collect();
    let (t, o, b) = (raw as usize, ours.raw() as usize, branch.raw() as usize);
    let s = |n: &str, st: usize| (n.to_string(), st);
    assert_eq!(
        log,
        [
            s("hipEventRecord", t),
            s("hipStreamWaitEvent", o),
            s("hipStreamCreate", b), // fork: a new stream that waits for `ours`
            s("hipEventRecord", o),
            s("hipStreamWaitEvent", b),
            s("hipEventRecord", b), // join: `theirs` waits for the branch
            s("hipStreamWaitEvent", t),
        ]
    );
    // Events of another device are refused, naming both.
    let (other_rt, _) = fake_runtime("events-other").unwrap();
    let other = Device::hip_with(&other_rt, 0).unwrap();
    let foreign_event = other.new_event().unwrap();
    match ours.wait(&foreign_event) {
        Err(Error::DeviceMismatch { expected, got, .. }) => {
            assert!(
                expected.contains(rt.path()) && got.contains(other_rt.path()),
                "{expected} / {got}"
            );
        }
        r => panic!("expected DeviceMismatch, got {r:?}"),
    }
    drop((theirs, branch, ours));
    fw.destroy(raw);
}

#[test]
fn two_handles_to_one_hip_device_are_the_same_device() {
    let Some((rt, _)) = fake_runtime("identity") else {
        return;
    };
    let (a, b) = (Device::hip_with(&rt, 0).unwrap(), Device::hip_with(&rt, 0).unwrap());
    assert!(a.same_as(&b) && a == b);
    assert_eq!(a.id(), b.id());
    assert_eq!(a.to_string(), "HIP device 0 (Fake Instinct, gfx942)");
    // Memory of one handle is used through the other.
    let src = a.upload(&[1.0f32, 2.0, 3.0]).unwrap();
    let mut dst = b.alloc_zeroed::<f32>(3).unwrap();
    dst.copy_from(&src).unwrap();
    assert_eq!(dst.download().unwrap(), [1.0, 2.0, 3.0]);
    // The same runtime library opened again (same file) is the same library, so the same device.
    let again = HipRuntime::load_from(rt.path()).unwrap();
    assert!(Device::hip_with(&again, 0).unwrap().same_as(&a));
    // Another library (another copy of the fake) is another device: the error says which is which.
    let (other_rt, _) = fake_runtime("identity-other").unwrap();
    let c = Device::hip_with(&other_rt, 0).unwrap();
    assert!(!c.same_as(&a));
    match dst.copy_from(&c.upload(&[0.0f32; 3]).unwrap()) {
        Err(Error::DeviceMismatch { what, expected, got }) => {
            assert!(what.contains("source"), "{what}");
            assert!(
                expected.contains(rt.path()) && got.contains(other_rt.path()),
                "{expected} / {got}"
            );
        }
        r => panic!("expected DeviceMismatch, got {r:?}"),
    }
}
